/*
 * payload.c - the simple-signing payload cosign signs (critical.type,
 * critical.image.docker-manifest-digest, critical.identity.docker-reference) and the
 * base64 of its signature annotation.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "trust/trust.h"

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int vigil_trust__b64decode(unsigned char **out, size_t *out_len, const char *s, size_t n)
{
	unsigned char *o;
	size_t k = 0, pad = 0;
	uint32_t acc = 0;
	int bits = 0;

	*out = NULL;
	*out_len = 0;
	while (pad < 2 && n > 0 && s[n - 1] == '=') {
		n--;
		pad++;
	}
	if (n == 0 || n % 4 == 1 || (pad && (n + pad) % 4 != 0))
		return VIGIL_EFORMAT;
	if (!(o = malloc(n / 4 * 3 + 3)))
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);
		if (v < 0) {
			free(o);
			return VIGIL_EFORMAT;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) { /* non-canonical trailing bits */
		free(o);
		return VIGIL_EFORMAT;
	}
	*out = o;
	*out_len = k;
	return 0;
}

/* Copies the string member `key` of `o` into dst; EFORMAT when missing (and required),
 * not a string, or too long. */
static int member(vigil_ctx *ctx, char *dst, size_t cap, json_t *o, const char *key,
		  const char *where, int required)
{
	json_t *v = json_object_get(o, key);
	dst[0] = '\0';
	if (!v && !required)
		return 0;
	if (!json_is_string(v))
		return vigil_error_set(ctx, VIGIL_EFORMAT, "payload: %s.%s is %s", where, key,
				       v ? "not a string" : "missing");
	if (json_string_length(v) >= cap || strlen(json_string_value(v)) != json_string_length(v))
		return vigil_error_set(ctx, VIGIL_EFORMAT, "payload: %s.%s is too long or has NUL",
				       where, key);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int vigil_trust_payload_parse(vigil_trust_payload *out, vigil_ctx *ctx, const void *data,
			      size_t len)
{
	json_error_t jerr;
	json_t *root = NULL, *crit, *img, *ident;
	int error;

	memset(out, 0, sizeof(*out));
	if (len > VIGIL_TRUST_MAX_DOC)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "payload: larger than %zu bytes",
				       VIGIL_TRUST_MAX_DOC);
	if (!(root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr)))
		return vigil_error_set(ctx, VIGIL_EFORMAT, "payload: not JSON (%s)", jerr.text);
	crit = json_object_get(root, "critical");
	img = json_object_get(crit, "image");
	ident = json_object_get(crit, "identity");
	if (!json_is_object(crit)) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "payload: no 'critical' object");
		goto done;
	}
	if (!json_is_object(img)) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "payload: no 'critical.image' object");
		goto done;
	}
	if (ident && !json_is_object(ident)) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"payload: 'critical.identity' is not an object");
		goto done;
	}
	if ((error = member(ctx, out->type, sizeof(out->type), crit, "type", "critical", 1)) < 0 ||
	    (error = member(ctx, out->digest, sizeof(out->digest), img, "docker-manifest-digest",
			    "critical.image", 1)) < 0 ||
	    (error = member(ctx, out->identity, sizeof(out->identity), ident, "docker-reference",
			    "critical.identity", 0)) < 0)
		goto done;
	if (!vigil_digest_is_sha256(out->digest))
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"payload: docker-manifest-digest is not sha256:<64 hex>");
done:
	json_decref(root);
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}
