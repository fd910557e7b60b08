/*
 * harbor_req.c - the ScanRequest of Harbor's Pluggable Scanner API (POST
 * /harbor/api/v1/scan): JSON in, a checked request or the spec's status (400, 422, 501)
 * with a one-line message out. Every byte is hostile; fuzzed by
 * tests/fuzz/fuzz_harbor_scan.c.
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/harbor.h"
#include "serve/internal.h"
#include "util/util.h"

/* ---- the scan request ------------------------------------------------------------------- */

void vigil_serve__harbor_scan_clear(vigil_harbor_scan *s)
{
	if (s->authorization) {
		OPENSSL_cleanse(s->authorization, strlen(s->authorization));
		free(s->authorization);
	}
	memset(s, 0, sizeof(*s));
}

static int fail(char *msg, size_t msglen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *msg, size_t msglen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return code;
}

/* An optional string member: 0 and *out (NULL when absent), or -1 for another type. */
static int opt_str(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* Repository names as the Distribution spec writes them: lower-case alphanumeric
 * components joined by '.', '_', "__" or runs of '-', separated by '/'. */
static int repo_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 255)
		return 0;
	for (const char *c = s; *c;) {
		/* one path component */
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			return 0;
		while (*c && *c != '/') {
			if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')) {
				c++;
				continue;
			}
			size_t sep = strspn(c, "._-");
			if (!(sep == 1 || (sep == 2 && c[0] == '_' && c[1] == '_') ||
			      strspn(c, "-") == sep))
				return 0;
			c += sep;
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
				return 0;
		}
		if (*c == '/' && !*++c)
			return 0;
	}
	return 1;
}

static int tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

/* "http[s]://HOST[:PORT][/]" into host and plain_http; 0 or -1. */
static int url_host(vigil_harbor_scan *s, const char *url)
{
	const char *h;
	if (!strncmp(url, "https://", 8))
		h = url + 8;
	else if (!strncmp(url, "http://", 7))
		h = url + 7, s->plain_http = 1;
	else
		return -1;
	size_t n = strcspn(h, "/");
	if (n == 0 || n >= sizeof(s->host) || (h[n] == '/' && h[n + 1] != '\0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return -1; /* also refuses credentials (user@host) in the URL */
	}
	if (h[0] == '.' || h[0] == '-' || h[0] == ':')
		return -1;
	memcpy(s->host, h, n);
	s->host[n] = '\0';
	return 0;
}

/* "Basic BASE64(user:password)" or "Bearer TOKEN", printable, bounded. */
static int authz_ok(const char *a)
{
	size_t n = strlen(a);
	if (n > 8192)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	if (!strncasecmp(a, "Bearer ", 7))
		return a[7] != '\0' && !strchr(a + 7, ' ');
	if (strncasecmp(a, "Basic ", 6))
		return 0;
	const char *b = a + 6;
	size_t bn = strlen(b);
	if (bn == 0 || bn % 4 ||
	    strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789+/=") != bn)
		return 0;
	unsigned char *dec = malloc(bn);
	int len, ok = 0;
	if (!dec)
		return 0;
	len = EVP_DecodeBlock(dec, (const unsigned char *)b, (int)bn);
	if (len > 0) {
		for (size_t i = bn; i > 0 && b[i - 1] == '='; i--)
			len--;
		ok = len > 0 && memchr(dec, ':', (size_t)len) != NULL &&
		     memchr(dec, '\0', (size_t)len) == NULL;
	}
	OPENSSL_cleanse(dec, bn);
	free(dec);
	return ok;
}

int vigil_serve__harbor_parse(vigil_harbor_scan *out, const char *body, size_t len, char *msg,
			      size_t msglen)
{
	json_error_t je;
	json_t *o = NULL;
	const char *url, *authz, *repo, *digest, *tag, *mt;
	int code = 0;

	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		char t[256];
		vigil_text_escape(t, sizeof(t), je.text);
		return fail(msg, msglen, 400, "malformed JSON: %s (line %d)", t, je.line);
	}
	json_t *reg = json_object_get(o, "registry"), *art = json_object_get(o, "artifact");
	json_t *caps = json_object_get(o, "enabled_capabilities");
	if (!json_is_object(o)) {
		code = fail(msg, msglen, 400, "the scan request must be a JSON object");
		goto done;
	}
	if ((reg && !json_is_object(reg)) || (art && !json_is_object(art)) ||
	    (caps && !json_is_null(caps) && !json_is_array(caps))) {
		code = fail(msg, msglen, 400,
			    "\"registry\" and \"artifact\" must be objects, "
			    "\"enabled_capabilities\" an array");
		goto done;
	}
	if (opt_str(reg, "url", &url) < 0 || opt_str(reg, "authorization", &authz) < 0 ||
	    opt_str(art, "repository", &repo) < 0 || opt_str(art, "digest", &digest) < 0 ||
	    opt_str(art, "tag", &tag) < 0 || opt_str(art, "mime_type", &mt) < 0) {
		code = fail(msg, msglen, 400,
			    "registry.url, registry.authorization and the artifact's repository, "
			    "digest, tag and mime_type must be strings");
		goto done;
	}
	if (!reg || !art) {
		code = fail(msg, msglen, 422, "\"registry\" and \"artifact\" are required");
		goto done;
	}
	if (!url || url_host(out, url) < 0) {
		code = fail(msg, msglen, 422,
			    "registry.url must be an http:// or https:// URL of a registry "
			    "(host and port only)");
		goto done;
	}
	if (!repo || !repo_ok(repo)) {
		code = fail(msg, msglen, 422, "artifact.repository is not a repository name");
		goto done;
	}
	if (!digest || !vigil_digest_is_sha256(digest)) {
		code = fail(msg, msglen, 422, "artifact.digest must be sha256:<64 hex>");
		goto done;
	}
	if (tag && *tag && !tag_ok(tag)) {
		code = fail(msg, msglen, 422, "artifact.tag is not a tag");
		goto done;
	}
	if (authz && *authz && !authz_ok(authz)) {
		code = fail(msg, msglen, 422,
			    "registry.authorization must be \"Basic BASE64(user:password)\" or "
			    "\"Bearer TOKEN\"");
		goto done;
	}
	if (mt && *mt && strcmp(mt, MT_OCI) && strcmp(mt, MT_DOCKER)) {
		code = fail(msg, msglen, 501, "cannot scan artifacts of type %.200s", mt);
		goto done;
	}
	/* capabilities: none named means every one */
	size_t i, j;
	json_t *c, *v;
	out->want_vuln = out->want_sbom = !json_array_size(caps);
	json_array_foreach(caps, i, c)
	{
		const char *type = json_string_value(json_object_get(c, "type"));
		json_t *pm = json_object_get(c, "produces_mime_types");
		json_t *params = json_object_get(c, "parameters");
		json_t *smt =
			json_is_object(params) ? json_object_get(params, "sbom_media_types") : NULL;
		if (!json_is_object(c) || !type || (pm && !json_is_array(pm)) ||
		    (params && !json_is_null(params) && !json_is_object(params)) ||
		    (smt && !json_is_array(smt))) {
			code = fail(msg, msglen, 400,
				    "enabled_capabilities[%zu]: an object with a string \"type\", "
				    "arrays of strings, and an object \"parameters\"",
				    i);
			goto done;
		}
		int vuln = !strcmp(type, "vulnerability"), sbom = !strcmp(type, "sbom");
		if (!vuln && !sbom) {
			code = fail(msg, msglen, 501, "no %.100s capability (vulnerability, sbom)",
				    type);
			goto done;
		}
		json_array_foreach(pm, j, v)
		{
			const char *m = json_string_value(v);
			if (!m) {
				code = fail(msg, msglen, 400, "produces_mime_types: strings only");
				goto done;
			}
			if (vuln ? strcmp(m, R_HARBOR) && strcmp(m, R_SECURITY) && strcmp(m, R_RAW)
				 : strcmp(m, R_SBOM) != 0) {
				code = fail(msg, msglen, 501, "cannot produce %.200s for %s", m,
					    type);
				goto done;
			}
		}
		json_array_foreach(smt, j, v)
		{
			const char *m = json_string_value(v);
			if (!m) {
				code = fail(msg, msglen, 400, "sbom_media_types: strings only");
				goto done;
			}
			if (strcmp(m, SBOM_SPDX) && strcmp(m, SBOM_CDX)) {
				code = fail(msg, msglen, 501, "no SBOM of type %.200s", m);
				goto done;
			}
		}
		out->want_vuln |= vuln;
		out->want_sbom |= sbom;
	}
	snprintf(out->repository, sizeof(out->repository), "%s", repo);
	snprintf(out->digest, sizeof(out->digest), "%s", digest);
	snprintf(out->tag, sizeof(out->tag), "%s", tag ? tag : "");
	snprintf(out->mime_type, sizeof(out->mime_type), "%s", mt ? mt : "");
	if (authz && *authz && !(out->authorization = strdup(authz)))
		code = fail(msg, msglen, 500, "out of memory");
done:
	json_decref(o);
	if (code)
		vigil_serve__harbor_scan_clear(out);
	return code;
}
