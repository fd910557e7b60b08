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
	if ((error = vigil_reg__new(&s->reg, ctx, s->ref, opts)) < 0)
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
