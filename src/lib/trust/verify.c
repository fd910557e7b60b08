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
#define DSSE "application/vnd.dsse.envelope.v1+json"
#define INTOTO "application/vnd.in-toto+json"

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
	int attest; /* attestations (DSSE envelopes) instead of signatures */
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
	s->predicate_type = NULL;
	if (!s->manifest || !s->reason)
		return VIGIL_ENOMEM;
	r->valid += valid != 0;
	return 0;
}

/* DSSE's pre-authentication encoding of (type, payload): what a DSSE signature signs.
 * malloc'd into *out. */
static int dsse_pae(unsigned char **out, size_t *n, const char *type, const unsigned char *payload,
		    size_t plen)
{
	size_t tl = strlen(type), cap = tl + plen + 64;
	unsigned char *b = malloc(cap);
	int k;
	if (!b)
		return VIGIL_ENOMEM;
	k = snprintf((char *)b, cap, "DSSEv1 %zu %s %zu ", tl, type, plen);
	if (k < 0 || (size_t)k + plen > cap) {
		free(b);
		return VIGIL_ENOMEM;
	}
	memcpy(b + k, payload, plen);
	*out = b;
	*n = (size_t)k + plen;
	return 0;
}

/* Reads the blob of a signature or envelope layer (`what`) and checks it against its
 * digest. On success *out holds it (free it); a refusal is recorded and *out is NULL;
 * only errors (I/O, memory) are returned. */
static int read_layer(verifier *v, const char *scheme, const char *mdigest, const char *ldig,
		      const char *what, unsigned char **out, size_t *outlen)
{
	unsigned char *blob = NULL;
	size_t blen = 0;
	char got[72], why[1100], msg[1024];
	int error;

	*out = NULL;
	if (!ldig || !vigil_digest_is_sha256(ldig)) {
		snprintf(why, sizeof(why), "%s layer has no sha256 digest", what);
		return add_sig(v, scheme, mdigest, NULL, NULL, 0, why);
	}
	error = v->src->blob(&blob, &blen, ldig, VIGIL_TRUST_MAX_DOC, v->src->payload);
	if (error == VIGIL_ENOTFOUND || error == VIGIL_ELIMIT || error == VIGIL_EFORMAT) {
		snprintf(why, sizeof(why), "%s blob unreadable: %s", what,
			 ctx_msg(v->ctx, msg, sizeof(msg)));
		return add_sig(v, scheme, mdigest, ldig, NULL, 0, why);
	}
	if (error < 0)
		return error;
	if ((error = vigil_sha256_buf(got, blob, blen)) < 0) {
		free(blob);
		return error;
	}
	if (strcmp(got, ldig) != 0) {
		free(blob);
		snprintf(why, sizeof(why), "%s blob does not match its digest (it is %s)", what,
			 got);
		return add_sig(v, scheme, mdigest, ldig, NULL, 0, why);
	}
	*out = blob;
	*outlen = blen;
	return 0;
}

/* Checks one DSSE envelope layer of an attestation manifest (in-toto statement). Refusals
 * are recorded; only errors (I/O, memory) are returned. */
static int check_dsse(verifier *v, const char *scheme, const char *mdigest, json_t *layer)
{
	const char *ldig = json_string_value(json_object_get(layer, "digest"));
	unsigned char *blob = NULL, *payload = NULL, *pae = NULL;
	size_t blen = 0, plen = 0, paelen = 0, i;
	json_t *env = NULL, *st = NULL, *sigs, *sg, *subj, *sd;
	char why[1100];
	vigil_trust_payload p;
	const char *ptype, *b64, *pred = NULL;
	int error, signed_ok = 0, subject_ok = 0;

	memset(&p, 0, sizeof(p));
	if ((error = read_layer(v, scheme, mdigest, ldig, "envelope", &blob, &blen)) != 0 || !blob)
		return error;
	env = json_loadb((const char *)blob, blen, 0, NULL);
	ptype = json_string_value(json_object_get(env, "payloadType"));
	b64 = json_string_value(json_object_get(env, "payload"));
	sigs = json_object_get(env, "signatures");
	if (!ptype || !b64 || !json_is_array(sigs)) {
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
				"not a DSSE envelope (payloadType, payload, signatures)");
		goto done;
	}
	error = vigil_trust__b64decode(&payload, &plen, b64, strlen(b64));
	if (error == VIGIL_EFORMAT) {
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
				"envelope payload is not base64");
		goto done;
	}
	if (error < 0 || (error = dsse_pae(&pae, &paelen, ptype, payload, plen)) < 0)
		goto done;
	json_array_foreach(sigs, i, sg)
	{
		const char *sv = json_string_value(json_object_get(sg, "sig"));
		unsigned char *sig = NULL;
		size_t slen = 0;
		if (i >= 16 || signed_ok)
			break;
		if (!sv || vigil_trust__b64decode(&sig, &slen, sv, strlen(sv)) < 0)
			continue;
		signed_ok = vigil_trust_key_verify(v->key, pae, paelen, sig, slen) == 0;
		free(sig);
	}
	if (!signed_ok) {
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
				"no envelope signature verifies with the key");
		goto done;
	}
	/* signed by the key: now what does it say? */
	if (strcmp(ptype, INTOTO) != 0) {
		snprintf(why, sizeof(why), "payload type '%.200s' is not an in-toto statement",
			 ptype);
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0, why);
		goto done;
	}
	st = json_loadb((const char *)payload, plen, 0, NULL);
	pred = json_string_value(json_object_get(st, "predicateType"));
	const char *stype = json_string_value(json_object_get(st, "_type"));
	if (!stype || strncmp(stype, "https://in-toto.io/Statement/", 29) != 0 || !pred ||
	    !json_is_array(subj = json_object_get(st, "subject"))) {
		error = add_sig(v, scheme, mdigest, ldig, NULL, 0,
				"payload is not an in-toto statement (_type, predicateType, "
				"subject)");
		goto done;
	}
	json_array_foreach(subj, i, sd)
	{
		const char *hex =
			json_string_value(json_object_get(json_object_get(sd, "digest"), "sha256"));
		const char *name = json_string_value(json_object_get(sd, "name"));
		if (i >= VIGIL_TRUST_MAX_SIGS)
			break;
		if (!hex || strlen(hex) != 64)
			continue;
		if (!p.digest[0] || strcmp(hex, v->r->digest + 7) == 0) {
			snprintf(p.digest, sizeof(p.digest), "sha256:%s", hex);
			snprintf(p.identity, sizeof(p.identity), "%s", name ? name : "");
		}
		if (strcmp(hex, v->r->digest + 7) == 0) {
			subject_ok = 1;
			break;
		}
	}
	if (!subject_ok) {
		snprintf(why, sizeof(why), "no subject of the statement is this image's %s",
			 v->r->digest);
		error = add_sig(v, scheme, mdigest, ldig, &p, 0, why);
	} else {
		error = add_sig(v, scheme, mdigest, ldig, &p, 1, "valid");
	}
done:
	if (error == 0 && pred && v->r->sigs.len) {
		vigil_trust_sig *last =
			&VIGIL_VEC_AT(&v->r->sigs, vigil_trust_sig, v->r->sigs.len - 1);
		if (!(last->predicate_type = vigil_arena_strdup(&v->r->arena, pred)))
			error = VIGIL_ENOMEM;
	}
	json_decref(env);
	json_decref(st);
	free(blob);
	free(payload);
	free(pae);
	return error;
}

/* Checks one simple-signing layer of a signature manifest. Refusals are recorded;
 * only errors (I/O, memory) are returned. */
static int check_layer(verifier *v, const char *scheme, const char *mdigest, json_t *layer)
{
	const char *ldig = json_string_value(json_object_get(layer, "digest"));
	json_t *sigv = json_object_get(json_object_get(layer, "annotations"), SIG_ANNOTATION);
	unsigned char *blob = NULL, *sig = NULL;
	size_t blen = 0, slen = 0;
	char why[1100], msg[1024];
	vigil_trust_payload p;
	int error;

	memset(&p, 0, sizeof(p));
	if (ldig && vigil_digest_is_sha256(ldig) && !json_is_string(sigv))
		return add_sig(v, scheme, mdigest, ldig, NULL, 0,
			       "no " SIG_ANNOTATION " annotation on the payload layer");
	if ((error = read_layer(v, scheme, mdigest, ldig, "payload", &blob, &blen)) != 0 || !blob)
		return error;
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
		if (!mt || strcmp(mt, v->attest ? DSSE : SIMPLESIGNING) != 0)
			continue;
		if (v->r->sigs.len >= VIGIL_TRUST_MAX_SIGS) {
			error = note(v->r, "more than %d signatures: the rest were not checked",
				     VIGIL_TRUST_MAX_SIGS);
			break;
		}
		used++;
		if ((error = v->attest ? check_dsse(v, scheme, mdigest, l)
				       : check_layer(v, scheme, mdigest, l)) < 0)
			break;
	}
	if (error == 0 && used == 0)
		error = add_sig(v, scheme, mdigest, NULL, NULL, 0,
				v->attest ? "attestation manifest has no DSSE envelope layer"
					  : "signature manifest has no simple-signing layer");
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

	snprintf(tag, sizeof(tag), "sha256-%s.%s", v->r->digest + 7, v->attest ? "att" : "sig");
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
		if (at && strcmp(at, v->attest ? DSSE : SIG_ARTIFACT) != 0)
			continue; /* an SBOM, an attestation, ... */
		if (!at && v->attest)
			continue; /* cosign marks its attestations */
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

static int verify(vigil_trust_result **out, vigil_ctx *ctx, const vigil_trust_source *src,
		  const char *ref, const vigil_trust_key *key, int attest)
{
	vigil_trust_result *r = calloc(1, sizeof(*r));
	verifier v = {ctx, src, key, r, attest};
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

int vigil_trust_verify(vigil_trust_result **out, vigil_ctx *ctx, const vigil_trust_source *src,
		       const char *ref, const vigil_trust_key *key)
{
	return verify(out, ctx, src, ref, key, 0);
}

int vigil_trust_verify_attestations(vigil_trust_result **out, vigil_ctx *ctx,
				    const vigil_trust_source *src, const char *ref,
				    const vigil_trust_key *key)
{
	return verify(out, ctx, src, ref, key, 1);
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
