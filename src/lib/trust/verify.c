/*
 * verify.c - finds an image's cosign signatures by the tag scheme and OCI 1.1
 * referrers, and checks each: payload blob digest, signature with the key, payload
 * type, and the signed manifest digest against the image's own.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "trust/trust.h"

#define SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define SIG_ARTIFACT "application/vnd.dev.cosign.artifact.sig.v1+json"
#define SIG_ANNOTATION "dev.cosignproject.cosign/signature"

struct vigil_trust_result {
	vigil_arena arena;
	char digest[72];
	vigil_vec sigs;	 /* vigil_trust_sig */
	vigil_vec notes; /* const char *, NULL-terminated when returned */
	size_t valid;
	int seen_manifests;
};

typedef struct verifier {
	vigil_ctx *ctx;
	const vigil_trust_source *src;
	const vigil_trust_key *key;
	vigil_trust_result *r;
} verifier;

static int note(vigil_trust_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int note(vigil_trust_result *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	const char **slot;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!(slot = vigil_vec_push(&r->notes)) || !(*slot = vigil_arena_strdup(&r->arena, buf)))
		return VIGIL_ENOMEM;
	return 0;
}

/* A copy of the context's message, to put in a note or a reason. */
static const char *ctx_msg(vigil_ctx *ctx, char *buf, size_t n)
{
	snprintf(buf, n, "%s", vigil_ctx_error(ctx));
	return buf;
}

static int add_sig(verifier *v, const char *scheme, const char *manifest, const char *payload,
		   const vigil_trust_payload *p, int valid, const char *reason)
{
	vigil_trust_result *r = v->r;
	vigil_trust_sig *s = vigil_vec_push(&r->sigs);
	if (!s)
		return VIGIL_ENOMEM;
	s->scheme = scheme;
	s->manifest = vigil_arena_strdup(&r->arena, manifest);
	s->payload = payload ? vigil_arena_strdup(&r->arena, payload) : NULL;
	s->signed_digest = p && p->digest[0] ? vigil_arena_strdup(&r->arena, p->digest) : NULL;
	s->identity = p && p->identity[0] ? vigil_arena_strdup(&r->arena, p->identity) : NULL;
	s->valid = valid;
	s->reason = vigil_arena_strdup(&r->arena, reason);
	if (!s->manifest || !s->reason)
		return VIGIL_ENOMEM;
	r->valid += valid != 0;
	return 0;
}

/* Checks one simple-signing layer of a signature manifest. Refusals are recorded;
 * only errors (I/O, memory) are returned. */
static int check_layer(verifier *v, const char *scheme, const char *mdigest, json_t *layer)
{
	const char *ldig = json_string_value(json_object_get(layer, "digest"));
	json_t *sigv = json_object_get(json_object_get(layer, "annotations"), SIG_ANNOTATION);
	unsigned char *blob = NULL, *sig = NULL;
	size_t blen = 0, slen = 0;
	char got[72], why[1100], msg[1024];
	vigil_trust_payload p;
	int error;

	memset(&p, 0, sizeof(p));
	if (!ldig || !vigil_digest_is_sha256(ldig))
		return add_sig(v, scheme, mdigest, NULL, NULL, 0,
			       "payload layer has no sha256 digest");
	if (!json_is_string(sigv))
		return add_sig(v, scheme, mdigest, ldig, NULL, 0,
			       "no " SIG_ANNOTATION " annotation on the payload layer");
	error = v->src->blob(&blob, &blen, ldig, VIGIL_TRUST_MAX_DOC, v->src->payload);
	if (error == VIGIL_ENOTFOUND || error == VIGIL_ELIMIT || error == VIGIL_EFORMAT) {
		snprintf(why, sizeof(why), "payload blob unreadable: %s",
			 ctx_msg(v->ctx, msg, sizeof(msg)));
		return add_sig(v, scheme, mdigest, ldig, NULL, 0, why);
	}
	if (error < 0)
		return error;
	if ((error = vigil_sha256_buf(got, blob, blen)) < 0)
		goto done;
	if (strcmp(got, ldig) != 0) {
		snprintf(why, sizeof(why), "payload blob does not match its digest (it is %s)",
			 got);
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0, why);
		goto done;
	}
	error = vigil_trust__b64decode(&sig, &slen, json_string_value(sigv),
				       json_string_length(sigv));
	if (error == VIGIL_EFORMAT) {
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
				"signature annotation is not base64");
		goto done;
	}
	if (error < 0)
		goto done;
	if ((error = vigil_trust_key_verify(v->key, blob, blen, sig, slen)) < 0) {
		if (error == VIGIL_EFORMAT)
			error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
					"signature does not verify with the key");
		goto done;
	}
	/* signed by the key: now what does it say? */
	if ((error = vigil_trust_payload_parse(&p, v->ctx, blob, blen)) < 0) {
		if (error == VIGIL_EFORMAT || error == VIGIL_ELIMIT)
			error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
					ctx_msg(v->ctx, msg, sizeof(msg)));
		goto done;
	}
	if (strcasecmp(p.type, "cosign container image signature") != 0 &&
	    strcasecmp(p.type, "atomic container signature") != 0) {
		snprintf(why, sizeof(why), "payload type '%s' is not a container image signature",
			 p.type);
		error = add_sig(v, scheme, mdigest, ldig, &p, 0, why);
		goto done;
	}
	if (strcmp(p.digest, v->r->digest) != 0) {
		snprintf(why, sizeof(why), "signs %s, not this image's %s", p.digest, v->r->digest);
		error = add_sig(v, scheme, mdigest, ldig, &p, 0, why);
		goto done;
	}
	error = add_sig(v, scheme, mdigest, ldig, &p, 1, "valid");
done:
	free(blob);
	free(sig);
	return error;
}

/* Checks every simple-signing layer of the signature manifest `doc` (already checked
 * against `mdigest`). */
static int check_sig_manifest(verifier *v, const char *scheme, const char *mdigest,
			      const unsigned char *doc, size_t len)
{
	json_error_t jerr;
	json_t *m = json_loadb((const char *)doc, len, 0, &jerr), *layers, *l;
	size_t i, used = 0;
	int error = 0;

	if (!json_is_object(m) || !json_is_array(layers = json_object_get(m, "layers"))) {
		json_decref(m);
		return add_sig(v, scheme, mdigest, NULL, NULL, 0,
			       "signature manifest is not an OCI manifest with layers");
	}
	json_array_foreach(layers, i, l)
	{
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		if (!mt || strcmp(mt, SIMPLESIGNING) != 0)
			continue;
		if (v->r->sigs.len >= VIGIL_TRUST_MAX_SIGS) {
			error = note(v->r, "more than %d signatures: the rest were not checked",
				     VIGIL_TRUST_MAX_SIGS);
			break;
		}
		used++;
		if ((error = check_layer(v, scheme, mdigest, l)) < 0)
			break;
	}
	if (error == 0 && used == 0)
		error = add_sig(v, scheme, mdigest, NULL, NULL, 0,
				"signature manifest has no simple-signing layer");
	json_decref(m);
	return error;
}

/* Fetches the manifest `ref` names; *found = 0 when there is none. The digest of what
 * was read goes to `dig`; when `want` is given it must match. */
static int fetch(verifier *v, unsigned char **doc, size_t *len, char dig[72], const char *ref,
		 const char *want, int *found)
{
	int error = v->src->manifest(doc, len, ref, VIGIL_TRUST_MAX_DOC, v->src->payload);
	*found = 0;
	if (error == VIGIL_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	if ((error = vigil_sha256_buf(dig, *doc, *len)) < 0)
		return error;
	if (want && strcmp(dig, want) != 0) {
		free(*doc);
		*doc = NULL;
		return vigil_error_set(v->ctx, VIGIL_EFORMAT,
				       "%s: manifest %s has the content of %s", v->src->name, want,
				       dig);
	}
	*found = 1;
	return 0;
}

static int tag_scheme(verifier *v)
{
	char tag[80], dig[72];
	unsigned char *doc = NULL;
	size_t len = 0;
	int found, error;

	snprintf(tag, sizeof(tag), "sha256-%s.sig", v->r->digest + 7);
	if ((error = fetch(v, &doc, &len, dig, tag, NULL, &found)) < 0)
		return error;
	if (!found)
		return note(v->r, "tag %s: not found", tag);
	if ((error = note(v->r, "tag %s: manifest %s", tag, dig)) == 0)
		error = check_sig_manifest(v, "tag", dig, doc, len);
	free(doc);
	return error;
}

static int referrers_scheme(verifier *v)
{
	char tag[80], dig[72];
	unsigned char *doc = NULL;
	size_t len = 0, i;
	json_t *idx = NULL, *list, *d;
	int found = 0, error = VIGIL_ENOTFOUND;

	if (v->src->referrers)
		error = v->src->referrers(&doc, &len, v->r->digest, VIGIL_TRUST_MAX_DOC,
					  v->src->payload);
	if (error == 0) {
		if ((error = note(v->r, "referrers of %s: from the referrers API", v->r->digest)) <
		    0)
			goto done;
	} else if (error == VIGIL_ENOTFOUND) {
		snprintf(tag, sizeof(tag), "sha256-%s", v->r->digest + 7);
		if ((error = fetch(v, &doc, &len, dig, tag, NULL, &found)) < 0)
			goto done;
		if (!found) {
			error = note(v->r, "referrers: no API and no referrers tag %s", tag);
			goto done;
		}
		if ((error = note(v->r, "referrers tag %s: index %s", tag, dig)) < 0)
			goto done;
	} else {
		goto done;
	}
	idx = json_loadb((const char *)doc, len, 0, NULL);
	if (!json_is_array(list = json_object_get(idx, "manifests"))) {
		error = note(v->r, "referrers index of %s is not an OCI index: ignored",
			     v->r->digest);
		goto done;
	}
	json_array_foreach(list, i, d)
	{
		const char *at = json_string_value(json_object_get(d, "artifactType"));
		const char *md = json_string_value(json_object_get(d, "digest"));
		unsigned char *m = NULL;
		size_t mlen = 0;
		if (at && strcmp(at, SIG_ARTIFACT) != 0)
			continue; /* an SBOM, an attestation, ... */
		if (!md || !vigil_digest_is_sha256(md))
			continue;
		if (v->r->sigs.len >= VIGIL_TRUST_MAX_SIGS) {
			if ((error = note(v->r,
					  "more than %d signatures: the rest were not checked",
					  VIGIL_TRUST_MAX_SIGS)) < 0)
				goto done;
			break;
		}
		if ((error = fetch(v, &m, &mlen, dig, md, md, &found)) < 0) {
			if (error != VIGIL_EFORMAT && error != VIGIL_ELIMIT)
				goto done;
			char msg[1024];
			error = add_sig(v, "referrers", md, NULL, NULL, 0,
					ctx_msg(v->ctx, msg, sizeof(msg)));
		} else if (!found) {
			error = add_sig(v, "referrers", md, NULL, NULL, 0,
					"referrer manifest is missing");
		} else {
			error = check_sig_manifest(v, "referrers", md, m, mlen);
		}
		free(m);
		if (error < 0)
			goto done;
	}
	error = 0;
done:
	json_decref(idx);
	free(doc);
	return error;
}

int vigil_trust_verify(vigil_trust_result **out, vigil_ctx *ctx, const vigil_trust_source *src,
		       const char *ref, const vigil_trust_key *key)
{
	vigil_trust_result *r = calloc(1, sizeof(*r));
	verifier v = {ctx, src, key, r};
	unsigned char *doc = NULL;
	size_t len = 0;
	int found = 0, error;
	const char *want = ref && strncmp(ref, "sha256:", 7) == 0 ? ref : NULL;

	*out = NULL;
	if (!r)
		return VIGIL_ENOMEM;
	vigil_arena_init(&r->arena);
	r->sigs = (vigil_vec)VIGIL_VEC_INIT(vigil_trust_sig);
	r->notes = (vigil_vec)VIGIL_VEC_INIT(const char *);
	if (want && !vigil_digest_is_sha256(want)) {
		error = vigil_error_set(ctx, VIGIL_EINVAL, "'%s' is not a sha256 digest", want);
		goto done;
	}
	error = src->manifest(&doc, &len, ref, vigil_ctx_limits(ctx)->max_json_size, src->payload);
	if (error < 0)
		goto done;
	if ((error = vigil_sha256_buf(r->digest, doc, len)) < 0)
		goto done;
	if (want && strcmp(r->digest, want) != 0) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "%s: manifest %s has the content of %s",
					src->name, want, r->digest);
		goto done;
	}
	(void)found;
	if ((error = tag_scheme(&v)) < 0 || (error = referrers_scheme(&v)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	free(doc);
	vigil_trust_result_free(r);
	return error;
}

const char *vigil_trust_result_digest(const vigil_trust_result *r)
{
	return r ? r->digest : NULL;
}

size_t vigil_trust_result_count(const vigil_trust_result *r)
{
	return r ? r->sigs.len : 0;
}

const vigil_trust_sig *vigil_trust_result_get(const vigil_trust_result *r, size_t i)
{
	return r && i < r->sigs.len ? &VIGIL_VEC_AT(&r->sigs, vigil_trust_sig, i) : NULL;
}

size_t vigil_trust_result_valid(const vigil_trust_result *r)
{
	return r ? r->valid : 0;
}

const char *const *vigil_trust_result_notes(const vigil_trust_result *r)
{
	static const char *const none[] = {NULL};
	vigil_trust_result *m = (vigil_trust_result *)r;
	const char **slot;
	if (!r || r->notes.len == 0)
		return none;
	/* keep a NULL after the last note without counting it */
	if (r->notes.len == r->notes.cap && !(slot = vigil_vec_push(&m->notes)))
		return none;
	else if (r->notes.len == r->notes.cap)
		m->notes.len--;
	((const char **)m->notes.data)[r->notes.len] = NULL;
	return (const char *const *)r->notes.data;
}

void vigil_trust_result_free(vigil_trust_result *r)
{
	if (!r)
		return;
	vigil_vec_free(&r->sigs);
	vigil_vec_free(&r->notes);
	vigil_arena_clear(&r->arena);
	free(r);
}
