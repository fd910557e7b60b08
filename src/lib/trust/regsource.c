/*
 * regsource.c - a vigil_trust_source over a registry repository (the registry
 * module's client): manifests by tag or digest, blobs, and the OCI 1.1 referrers API.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"
#include "trust/trust.h"

typedef struct regsrc {
	vigil_ctx *ctx;
	vigil_reg *reg;
	vigil_ref *ref;
	char name[512];
} regsrc;

static int take(unsigned char **out, size_t *out_len, vigil_buf *b)
{
	*out = b->data ? b->data : malloc(1);
	*out_len = b->len;
	b->data = NULL;
	return *out ? 0 : VIGIL_ENOMEM;
}

static int r_manifest(unsigned char **out, size_t *out_len, const char *ref, size_t max,
		      void *payload)
{
	regsrc *s = payload;
	vigil_buf b = VIGIL_BUF_INIT;
	char mt[128], dig[72];
	int error;
	*out = NULL;
	*out_len = 0;
	if (!ref)
		ref = s->ref->digest ? s->ref->digest : s->ref->tag;
	if ((error = vigil_reg__get_manifest(s->reg, ref, max, &b, mt, dig)) == 0)
		error = take(out, out_len, &b);
	vigil_buf_free(&b);
	return error;
}

static int r_blob(unsigned char **out, size_t *out_len, const char *digest, size_t max,
		  void *payload)
{
	regsrc *s = payload;
	vigil_buf b = VIGIL_BUF_INIT;
	int error;
	*out = NULL;
	*out_len = 0;
	if ((error = vigil_reg__get_blob(s->reg, digest, max, &b)) == 0)
		error = take(out, out_len, &b);
	vigil_buf_free(&b);
	return error;
}

static int r_referrers(unsigned char **out, size_t *out_len, const char *digest, size_t max,
		       void *payload)
{
	regsrc *s = payload;
	vigil_buf b = VIGIL_BUF_INIT;
	int error;
	*out = NULL;
	*out_len = 0;
	if ((error = vigil_reg__get_referrers(s->reg, digest, max, &b)) == 0)
		error = take(out, out_len, &b);
	vigil_buf_free(&b);
	return error;
}

static void r_free(void *payload)
{
	regsrc *s = payload;
	if (!s)
		return;
	vigil_reg__free(s->reg);
	vigil_ref_free(s->ref);
	free(s);
}

/* The client the signatures are read with: the first mirror of the reference's registry
 * (opts->mirrors) that serves the reference's manifest, else the registry itself. As for
 * an image read through a mirror, everything comes from where the manifest came from;
 * what is read is verified against digests and keys, not trusted for its source. */
static int open_client(regsrc *s, const vigil_registry_opts *opts)
{
	const char *want = s->ref->digest ? s->ref->digest : s->ref->tag;
	for (const char *const *m = opts ? opts->mirrors : NULL; m && *m; m++) {
		vigil_registry_opts mo = *opts;
		vigil_ref *mref = NULL;
		vigil_reg *mr = NULL;
		vigil_buf b = VIGIL_BUF_INIT;
		char mt[128], dig[72];
		int error = vigil_reg__mirror_ref(&mref, *m, s->ref);
		if (error < 0)
			return error;
		if (error == 0)
			continue; /* a rule for another registry */
		mo.mirrors = NULL;
		mo.bearer_token = NULL; /* a token for the registry, not for its mirror */
		if (vigil_reg__new(&mr, s->ctx, mref, &mo) == 0 &&
		    vigil_reg__get_manifest(mr, want, s->ctx->limits.max_json_size, &b, mt, dig) ==
			    0) {
			vigil_buf_free(&b);
			vigil_ref_free(mref);
			s->reg = mr;
			s->ctx->error[0] = '\0';
			return 0;
		}
		vigil_buf_free(&b);
		vigil_reg__free(mr);
		vigil_ref_free(mref);
	}
	s->ctx->error[0] = '\0';
	return vigil_reg__new(&s->reg, s->ctx, s->ref, opts);
}

int vigil_trust_source_registry(vigil_trust_source **out, vigil_ctx *ctx, const char *reference,
				const vigil_registry_opts *opts)
{
	vigil_trust_source *src = NULL;
	regsrc *s = NULL;
	const char *why = NULL;
	char buf[512];
	int error;

	*out = NULL;
	if (!(src = calloc(1, sizeof(*src))) || !(s = calloc(1, sizeof(*s)))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	s->ctx = ctx;
	if ((error = vigil_ref_parse(&s->ref, reference, &why)) < 0) {
		if (error != VIGIL_ENOMEM)
			error = vigil_error_set(ctx, error, "'%s' is not an image reference: %s",
						reference, why ? why : "invalid");
		goto done;
	}
	if ((error = open_client(s, opts)) < 0)
		goto done;
	snprintf(s->name, sizeof(s->name), "%s", vigil_ref_format(s->ref, buf, sizeof(buf)));
	src->manifest = r_manifest;
	src->blob = r_blob;
	src->referrers = r_referrers;
	src->free = r_free;
	src->payload = s;
	src->name = s->name;
	*out = src;
	src = NULL;
	s = NULL;
done:
	r_free(s);
	free(src);
	return error;
}
