/*
 * Registry images: the store of an image opened from a reference. The top manifest is
 * fetched at open and presented to the OCI reader as a one-entry index.json, so index
 * walking and platform choice are the OCI layout's; further manifests and the config
 * are fetched by digest when the reader asks for "blobs/sha256/...", and layers stream
 * from the socket into the layer reader (digest checked while streaming).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../registry/registry.h"
#include "image.h"

#define MAX_PREFETCH 16

/* A layer stream opened ahead (vigil_image__remote_prefetch) on its own thread: a slot is
 * FREE, OPENING (its thread runs or has run; the stream waits to be taken) or TAKEN (a
 * reader joins its thread; FREE again after). */
enum { PF_FREE, PF_OPENING, PF_TAKEN };
typedef struct prefetch {
	vigil_reg *reg;
	pthread_t th;
	int state;
	char digest[72];
	uint64_t size, max;
	vigil_reg_stream *s;
	int error;
} prefetch;

struct vigil_remote {
	vigil_reg *reg;
	vigil_ref *ref;
	vigil_vec manifests; /* char *: digests known to be manifests or indexes */
	vigil_vec docs;	     /* vigil_member: documents fetched so far (for pull) */
	int parallel;
	int prefetch_on; /* vigil_open_opts.prefetch_layers */
	pthread_mutex_t pf_lock;
	prefetch pf[MAX_PREFETCH];
	int npf;	     /* slots used so far */
	int pf_next;	     /* the next layer index to open ahead */
	int read_upto;	     /* one past the highest layer index a reader has asked for */
	char top_digest[72]; /* the document the reference names (index or manifest) */
	char mirror[300];    /* "HOST/REPO" of the mirror it came from, or "" */
};

static void *prefetch_main(void *arg)
{
	prefetch *p = arg;
	p->error = vigil_reg__stream_open(&p->s, p->reg, p->digest, p->size, p->max);
	return NULL;
}

/* Opens the next layers ahead until 2 x `parallel` streams wait unread (pf_lock held):
 * while the engine is built the requests of the first two rounds of readers are answered,
 * and a reader that takes a stream starts the next, so a reader never waits for a round
 * trip when a layer is short; no more than that many streams buffer a chunk each. */
static void prefetch_more(vigil_image *img, vigil_remote *rm)
{
	int waiting = 0;
	for (int k = 0; k < rm->npf; k++)
		waiting += rm->pf[k].state == PF_OPENING;
	if (rm->pf_next < rm->read_upto)
		rm->pf_next = rm->read_upto; /* readers went ahead: do not open what they read */
	while (waiting < 2 * rm->parallel && rm->pf_next < img->nlayers) {
		const vigil_layer *L = &img->layers[rm->pf_next++];
		prefetch *p = NULL;
		int seen = 0;
		if (!L->want_digest || !vigil_digest_is_sha256(L->want_digest) || L->want_size < 0)
			continue;
		for (int k = 0; k < rm->npf && !seen; k++)
			seen = rm->pf[k].state == PF_OPENING &&
			       strcmp(rm->pf[k].digest, L->want_digest) == 0;
		if (seen)
			continue;
		for (int k = 0; k < rm->npf && !p; k++)
			if (rm->pf[k].state == PF_FREE)
				p = &rm->pf[k];
		if (!p && rm->npf < MAX_PREFETCH)
			p = &rm->pf[rm->npf];
		if (!p)
			return; /* the reader opens the rest itself */
		memset(p, 0, sizeof(*p));
		p->reg = rm->reg;
		snprintf(p->digest, sizeof(p->digest), "%s", L->want_digest);
		p->size = L->info.size;
		p->max = img->ctx->limits.max_bytes;
		if (pthread_create(&p->th, NULL, prefetch_main, p) != 0)
			return;
		p->state = PF_OPENING;
		if (p == &rm->pf[rm->npf])
			rm->npf++;
		waiting++;
	}
}

int vigil_image__remote_prefetch(vigil_image *img)
{
	vigil_remote *rm = img->remote;
	if (!rm || !rm->prefetch_on)
		return 0;
	pthread_mutex_lock(&rm->pf_lock);
	if (rm->npf == 0)
		prefetch_more(img, rm);
	pthread_mutex_unlock(&rm->pf_lock);
	return 0;
}

/* The prefetched stream of layer i (size, max as asked), or NULL; *error is its open's.
 * Taking one opens the next layer ahead. */
static vigil_reg_stream *prefetch_take(vigil_image *img, int i, uint64_t size, uint64_t max,
				       int *error)
{
	vigil_remote *rm = img->remote;
	const char *digest = img->layers[i].want_digest;
	prefetch *p = NULL;
	pthread_mutex_lock(&rm->pf_lock);
	if (i + 1 > rm->read_upto)
		rm->read_upto = i + 1;
	for (int k = 0; k < rm->npf && !p; k++)
		if (rm->pf[k].state == PF_OPENING && strcmp(rm->pf[k].digest, digest) == 0 &&
		    rm->pf[k].size == size && rm->pf[k].max == max)
			p = &rm->pf[k];
	if (p)
		p->state = PF_TAKEN;
	if (rm->prefetch_on && rm->npf)
		prefetch_more(img, rm);
	pthread_mutex_unlock(&rm->pf_lock);
	if (!p)
		return NULL;
	pthread_join(p->th, NULL);
	*error = p->error;
	vigil_reg_stream *s = p->s;
	p->s = NULL;
	pthread_mutex_lock(&rm->pf_lock);
	p->state = PF_FREE;
	pthread_mutex_unlock(&rm->pf_lock);
	return s;
}

void vigil_image__remote_free(vigil_remote *rm)
{
	if (!rm)
		return;
	if (rm->reg && rm->npf)
		vigil_reg__cancel(rm->reg); /* streams opened ahead and never read */
	for (int k = 0; k < rm->npf; k++) {
		if (rm->pf[k].state == PF_OPENING)
			pthread_join(rm->pf[k].th, NULL);
		vigil_reg__stream_free(rm->pf[k].s);
	}
	pthread_mutex_destroy(&rm->pf_lock);
	vigil_reg__free(rm->reg);
	vigil_ref_free(rm->ref);
	vigil_vec_free(&rm->manifests); /* strings live in the image arena */
	vigil_vec_free(&rm->docs);
	free(rm);
}

int vigil_image__remote_parallel(const vigil_image *img)
{
	return img->remote ? img->remote->parallel : 1;
}

/* Remembers the digests an index names: they are fetched from /manifests/. */
static int note_children(vigil_image *img, const uint8_t *doc, size_t n)
{
	json_t *j = json_loadb((const char *)doc, n, 0, NULL);
	json_t *ms = json_object_get(j, "manifests");
	int error = 0;
	for (size_t i = 0; i < json_array_size(ms) && i < 10000 && error == 0; i++) {
		const char *d = json_string_value(json_object_get(json_array_get(ms, i), "digest"));
		if (!d || !vigil_digest_is_sha256(d))
			continue;
		const char **slot = vigil_vec_push(&img->remote->manifests);
		if (!slot || !(*slot = vigil_arena_strdup(&img->arena, d)))
			error = VIGIL_ENOMEM;
	}
	json_decref(j);
	return error;
}

static int is_manifest_digest(vigil_image *img, const char *d)
{
	for (size_t i = 0; i < img->remote->manifests.len; i++)
		if (strcmp(VIGIL_VEC_AT(&img->remote->manifests, const char *, i), d) == 0)
			return 1;
	return 0;
}

/* Keeps a copy of a fetched document for vigil_image_pull. */
static int keep_doc(vigil_image *img, const char *name, const vigil_buf *doc)
{
	vigil_member *m = vigil_vec_push(&img->remote->docs);
	if (!m)
		return VIGIL_ENOMEM;
	memset(m, 0, sizeof(*m));
	m->name = vigil_arena_strdup(&img->arena, name);
	m->data = (const uint8_t *)vigil_arena_strndup(
		&img->arena, doc->data ? (const char *)doc->data : "", doc->len);
	m->size = doc->len;
	return m->name && m->data ? 0 : VIGIL_ENOMEM;
}

const uint8_t *vigil_image__remote_doc(const vigil_image *img, const char *name, size_t *len)
{
	for (size_t i = 0; img->remote && i < img->remote->docs.len; i++) {
		const vigil_member *m = &VIGIL_VEC_AT(&img->remote->docs, vigil_member, i);
		if (strcmp(m->name, name) == 0) {
			*len = (size_t)m->size;
			return m->data;
		}
	}
	for (size_t i = 0; i < img->members.len; i++) {
		const vigil_member *m = &VIGIL_VEC_AT(&img->members, vigil_member, i);
		if (strcmp(m->name, name) == 0 && m->data) {
			*len = (size_t)m->size;
			return m->data;
		}
	}
	return NULL;
}

vigil_reg *vigil_image__remote_client(const vigil_image *img)
{
	return img->remote ? img->remote->reg : NULL;
}

int vigil_image__remote_read(vigil_image *img, const char *name, vigil_buf *out)
{
	char digest[72], mt[128], got[72];
	int error;
	if (strncmp(name, "blobs/sha256/", 13) != 0 || strlen(name + 13) != 64)
		return vigil_error_set(img->ctx, VIGIL_ENOTFOUND, "%s: no document '%s'", img->ref,
				       name);
	snprintf(digest, sizeof(digest), "sha256:%s", name + 13);
	out->len = 0;
	if (is_manifest_digest(img, digest)) {
		if ((error = vigil_reg__get_manifest(img->remote->reg, digest,
						     img->ctx->limits.max_json_size, out, mt,
						     got)) < 0 ||
		    (error = note_children(img, out->data, out->len)) < 0)
			return error;
		return keep_doc(img, name, out);
	}
	if ((error = vigil_reg__get_blob(img->remote->reg, digest, img->ctx->limits.max_json_size,
					 out)) < 0)
		return error;
	return keep_doc(img, name, out);
}

int vigil_image__remote_has(vigil_image *img, const char *name)
{
	(void)img;
	return strncmp(name, "blobs/sha256/", 13) == 0 && strlen(name + 13) == 64;
}

/* A layer blob as a byte source. */
typedef struct rsrc {
	vigil_bsrc base;
	vigil_reg_stream *s;
} rsrc;

static int rsrc_read(vigil_bsrc *base, const uint8_t **p, size_t *n)
{
	rsrc *r = (rsrc *)base;
	return vigil_reg__stream_read(r->s, p, n, &base->errmsg);
}

int vigil_image__remote_layer(vigil_image *img, int i)
{
	vigil_layer *L = &img->layers[i];
	rsrc src;
	int error;
	memset(&src, 0, sizeof(src));
	src.base.read = rsrc_read;
	if (!(src.s = prefetch_take(img, i, L->info.size, img->ctx->limits.max_bytes, &error)))
		error = vigil_reg__stream_open(&src.s, img->remote->reg, L->want_digest,
					       L->info.size, img->ctx->limits.max_bytes);
	if (error == VIGIL_ENOMEM || !src.s) {
		vigil_reg__stream_free(src.s);
		snprintf(L->errmsg, sizeof(L->errmsg), "layer %d: out of memory", i);
		L->error = VIGIL_ENOMEM;
		return VIGIL_ENOMEM;
	}
	if (error < 0) {
		const char *msg;
		const uint8_t *p;
		size_t n;
		vigil_reg__stream_read(src.s, &p, &n, &msg);
		snprintf(L->errmsg, sizeof(L->errmsg), "layer %d (%s): %s", i, L->want_digest, msg);
		L->error = error;
		vigil_reg__stream_free(src.s);
		return error;
	}
	/* the layer reader hashes the blob and compares it with the descriptor's digest */
	vigil_reg__stream_unhashed(src.s);
	error = vigil_image__layer_read(img, i, &src.base);
	vigil_reg__stream_free(src.s);
	return error;
}

static const char *guess_media_type(const uint8_t *doc, size_t n, const char *ctype)
{
	json_t *j = json_loadb((const char *)doc, n, 0, NULL);
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *out;
	if (mt && (strstr(mt, "index") || strstr(mt, "list")))
		out = strstr(mt, "docker")
			      ? "application/vnd.docker.distribution.manifest.list.v2+json"
			      : "application/vnd.oci.image.index.v1+json";
	else if (mt && strstr(mt, "manifest"))
		out = strstr(mt, "docker") ? "application/vnd.docker.distribution.manifest.v2+json"
					   : "application/vnd.oci.image.manifest.v1+json";
	else if (ctype[0] && (strstr(ctype, "index") || strstr(ctype, "list")))
		out = "application/vnd.oci.image.index.v1+json";
	else if (json_is_array(json_object_get(j, "manifests")))
		out = "application/vnd.oci.image.index.v1+json";
	else
		out = "application/vnd.oci.image.manifest.v1+json";
	json_decref(j);
	return out;
}

/* Opens the client and fetches the document the reference names: from each mirror of
 * the reference's registry in turn (a mirror that fails is skipped), then from the
 * registry itself. The upstream error names the first mirror's failure too. */
static int open_top(vigil_remote *rm, vigil_ctx *ctx, const vigil_registry_opts *ro, vigil_buf *top,
		    char mt[128], char digest[72])
{
	const char *want = rm->ref->digest ? rm->ref->digest : rm->ref->tag;
	char first[sizeof(ctx->error)] = "";
	int error;
	for (const char *const *m = ro ? ro->mirrors : NULL; m && *m; m++) {
		vigil_ref *mref = NULL;
		vigil_registry_opts mo = *ro;
		if ((error = vigil_reg__mirror_ref(&mref, *m, rm->ref)) <= 0) {
			if (error < 0)
				return error;
			continue;
		}
		mo.bearer_token = NULL; /* a token for the registry, not for its mirror */
		ctx->error[0] = '\0';
		error = vigil_reg__new(&rm->reg, ctx, mref, &mo);
		if (error == 0)
			error = vigil_reg__get_manifest(rm->reg, want, ctx->limits.max_json_size,
							top, mt, digest);
		if (error == 0)
			snprintf(rm->mirror, sizeof(rm->mirror), "%s/%s", mref->host, mref->repo);
		vigil_ref_free(mref);
		if (error == 0)
			return 0;
		if (error == VIGIL_ENOMEM)
			return error;
		if (!first[0])
			memcpy(first, ctx->error, sizeof(first));
		vigil_reg__free(rm->reg);
		rm->reg = NULL;
	}
	ctx->error[0] = '\0';
	if ((error = vigil_reg__new(&rm->reg, ctx, rm->ref, ro)) == 0)
		error = vigil_reg__get_manifest(rm->reg, want, ctx->limits.max_json_size, top, mt,
						digest);
	if (error < 0 && error != VIGIL_ENOMEM && first[0]) {
		char up[sizeof(ctx->error)];
		memcpy(up, ctx->error, sizeof(up));
		vigil_error_set(ctx, error, "%s (mirror: %s)", up, first);
	}
	return error;
}

const char *vigil_image__remote_top(const vigil_image *img)
{
	return img->remote && img->remote->top_digest[0] ? img->remote->top_digest : NULL;
}

const char *vigil_image__remote_mirror(const vigil_image *img)
{
	return img->remote && img->remote->mirror[0] ? img->remote->mirror : NULL;
}

int vigil_image__open_registry(vigil_image *img, const char *refstr, const vigil_open_opts *opts)
{
	vigil_remote *rm = calloc(1, sizeof(*rm));
	vigil_vec mv = VIGIL_VEC_INIT(char *), dv = VIGIL_VEC_INIT(vigil_member);
	vigil_buf top = VIGIL_BUF_INIT, index = VIGIL_BUF_INIT;
	char canon[1024], mt[128], digest[72];
	const char *why;
	int error;

	if (!rm)
		return VIGIL_ENOMEM;
	rm->manifests = mv;
	rm->docs = dv;
	pthread_mutex_init(&rm->pf_lock, NULL);
	rm->prefetch_on = opts->prefetch_layers;
	img->remote = rm;
	img->format = "registry";
	img->store = STORE_REGISTRY;
	if ((error = vigil_ref_parse(&rm->ref, refstr, &why)) < 0) {
		if (error != VIGIL_ENOMEM)
			error = vigil_error_set(img->ctx, error, "%s: not an image reference: %s",
						refstr, why);
		goto done;
	}
	if (opts->tag) {
		error = vigil_error_set(img->ctx, VIGIL_EINVAL,
					"--tag does not apply to a registry reference (write "
					"REPO:TAG)");
		goto done;
	}
	vigil_ref_format(rm->ref, canon, sizeof(canon));
	img->ref = vigil_arena_strdup(&img->arena, canon);
	/* as many layers at once as a local image reads (one per core, or --threads), at
	 * least 2 and at most 8; twice that many are opened ahead (prefetch_more) */
	if (opts->registry && opts->registry->parallel > 0)
		rm->parallel = opts->registry->parallel;
	else {
		long nth =
			img->ctx->threads > 0 ? img->ctx->threads : sysconf(_SC_NPROCESSORS_ONLN);
		rm->parallel = nth < 2 ? 2 : nth > 8 ? 8 : (int)nth;
	}
	if ((error = open_top(rm, img->ctx, opts->registry, &top, mt, digest)) < 0)
		goto done;
	snprintf(rm->top_digest, sizeof(rm->top_digest), "%s", digest);
	const char *mtype = guess_media_type(top.data, top.len, mt);
	if ((error = note_children(img, top.data, top.len)) < 0 ||
	    (error = vigil_buf_printf(&index,
				      "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\","
				      "\"digest\":\"%s\",\"size\":%zu}]}",
				      mtype, digest, top.len)) < 0 ||
	    (error = vigil_buf_cstr(&index)) < 0)
		goto done;
	vigil_member *m1 = vigil_vec_push(&img->members);
	vigil_member *m0 = m1 ? vigil_vec_push(&img->members) : NULL;
	if (!m1 || !m0) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	/* sorted by name: "blobs/..." before "index.json" */
	m1 = &VIGIL_VEC_AT(&img->members, vigil_member, 0);
	m0 = &VIGIL_VEC_AT(&img->members, vigil_member, 1);
	memset(m1, 0, sizeof(*m1));
	memset(m0, 0, sizeof(*m0));
	m1->name = vigil_arena_printf(&img->arena, "blobs/sha256/%s", digest + 7);
	m1->data =
		(const uint8_t *)vigil_arena_strndup(&img->arena, (const char *)top.data, top.len);
	m1->size = top.len;
	m0->name = "index.json";
	m0->data = (const uint8_t *)vigil_arena_strdup(&img->arena, (const char *)index.data);
	m0->size = index.len;
	if (!m1->name || !m1->data || !m0->data) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = vigil_image__open_oci(img, NULL, opts->platform)) < 0)
		goto done;
	if (rm->ref->tag) {
		char tagged[1024];
		snprintf(tagged, sizeof(tagged), "%s/%s:%s", rm->ref->host, rm->ref->repo,
			 rm->ref->tag);
		const char **t = vigil_vec_push(&img->tags);
		if (!t || !(*t = vigil_arena_strdup(&img->arena, tagged)) ||
		    !vigil_vec_push(&img->tags)) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		img->tags.len--;
	}
done:
	vigil_buf_free(&top);
	vigil_buf_free(&index);
	return error;
}
