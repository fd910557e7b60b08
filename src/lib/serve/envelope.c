/*
 * envelope.c - the Distribution notification envelope that `docker-registry` POSTs to
 * its `notifications:` endpoints: {"events": [{"action": "push", "target": {...},
 * "request": {"host": ...}}]}. Only pushes of manifests and indexes are reported.
 */
#include <jansson.h>
#include <string.h>

#include "serve/internal.h"
#include "util/util.h"

#define MAX_EVENTS 1000

static const char *const MANIFEST_TYPES[] = {
	"application/vnd.docker.distribution.manifest.v2+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.oci.image.index.v1+json",
};

/* Repository path components: [a-z0-9] separated by . _ - and /, at most 255 bytes. */
static int repo_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 255 || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") ||
	    strstr(s, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static int tag_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* host[:port]: letters, digits, dots, dashes, one colon and a port. */
static int host_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int colon = 0;
	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ':') {
			if (colon++ || i == 0 || i + 1 == n)
				return 0;
		} else if (colon ? !(c >= '0' && c <= '9')
				 : !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9') || c == '.' || c == '-')) {
			return 0;
		}
	}
	return 1;
}

/* The host of target.url ("http://HOST/v2/..."), copied into out. */
static const char *url_host(char *out, size_t outlen, const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p += 3;
	size_t n = strcspn(p, "/?#");
	if (n == 0 || n >= outlen)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

int vigil_serve_parse_envelope(const char *body, size_t len,
			       int (*cb)(const vigil_serve_push *p, void *payload), void *payload)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	json_t *events = json_object_get(root, "events"), *ev;
	size_t i;
	int count = 0, error = 0;
	if (!json_is_object(root) || !json_is_array(events)) {
		json_decref(root);
		return VIGIL_EFORMAT;
	}
	if (json_array_size(events) > MAX_EVENTS) {
		json_decref(root);
		return VIGIL_ELIMIT;
	}
	json_array_foreach(events, i, ev)
	{
		json_t *target = json_object_get(ev, "target"),
		       *req = json_object_get(ev, "request");
		const char *action = json_string_value(json_object_get(ev, "action"));
		const char *mt = json_string_value(json_object_get(target, "mediaType"));
		char hostbuf[256];
		int manifest = 0;
		if (!json_is_object(ev) || !action || strcmp(action, "push") || !mt)
			continue;
		for (size_t k = 0; k < VIGIL_ARRAY_LEN(MANIFEST_TYPES); k++)
			manifest |= !strcmp(mt, MANIFEST_TYPES[k]);
		if (!manifest)
			continue;
		vigil_serve_push p = {0};
		p.media_type = mt;
		p.repository = json_string_value(json_object_get(target, "repository"));
		p.digest = json_string_value(json_object_get(target, "digest"));
		p.tag = json_string_value(json_object_get(target, "tag"));
		p.host = json_string_value(json_object_get(req, "host"));
		if (!host_ok(p.host))
			p.host = url_host(hostbuf, sizeof(hostbuf),
					  json_string_value(json_object_get(target, "url")));
		if (!repo_ok(p.repository) || !p.digest || !vigil_digest_is_sha256(p.digest) ||
		    !host_ok(p.host))
			continue;
		if (p.tag && !tag_ok(p.tag))
			p.tag = NULL;
		if ((error = cb(&p, payload)) < 0)
			break;
		count++;
	}
	json_decref(root);
	return error < 0 ? error : count;
}
