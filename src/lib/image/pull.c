/*
 * vigil_image_pull: carries a registry image to an OCI layout or a docker-archive for
 * air-gapped sites. Documents come from what vigil_image_open fetched (already
 * verified); layers stream from the registry straight into the output, each verified
 * against its digest at its end. Output goes to "<dest>.partial-<pid>" and is renamed
 * into place only when complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../registry/registry.h"
#include "image.h"

typedef struct sink {
	int fd;
	const char *what;
	uint64_t off; /* bytes written, for the tar writer */
} sink;

static int sink_write(vigil_image *img, sink *k, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(k->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", k->what,
					       strerror(w < 0 ? errno : EIO));
		b += w;
		n -= (size_t)w;
		k->off += (uint64_t)w;
	}
	return 0;
}

/* Streams blob `digest` (the descriptor's `size`) into the sink; the stream verifies
 * the digest at the end. `what` names it in errors ("layer 2"). */
static int copy_blob(vigil_image *img, const char *what, const char *digest, uint64_t size, sink *k)
{
	vigil_reg_stream *s = NULL;
	const char *msg = "";
	int error = vigil_reg__stream_open(&s, vigil_image__remote_client(img), digest, size,
					   img->ctx->limits.max_bytes);
	for (;;) {
		const uint8_t *p;
		size_t n = 0;
		if (error < 0 || (error = vigil_reg__stream_read(s, &p, &n, &msg)) < 0) {
			if (error != VIGIL_ENOMEM && s) {
				vigil_reg__stream_read(s, &p, &n, &msg);
				error = vigil_error_set(img->ctx, error, "%s (%s): %s", what,
							digest, msg);
			}
			break;
		}
		if (n == 0)
			break;
		vigil_image__progress(img, n);
		if ((error = sink_write(img, k, p, n)) < 0)
			break;
	}
	vigil_reg__stream_free(s);
	return error;
}

/* Streams layer `i` into the sink; its digest is verified by the stream at the end. */
static int copy_layer(vigil_image *img, int i, sink *k)
{
	char what[32];
	snprintf(what, sizeof(what), "layer %d", i);
	return copy_blob(img, what, img->layers[i].want_digest, img->layers[i].info.size, k);
}

/* ---- a minimal ustar writer (member sizes known up front) ------------------------------- */

static void octal(char *dst, size_t n, uint64_t v)
{
	dst[n - 1] = '\0';
	for (size_t i = n - 1; i-- > 0;) {
		dst[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static int tar_header(vigil_image *img, sink *k, const char *name, uint64_t size)
{
	char h[512];
	unsigned sum = 0;
	memset(h, 0, sizeof(h));
	snprintf(h, 100, "%s", name);
	octal(h + 100, 8, 0644);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	if (size < ((uint64_t)1 << 33)) {
		octal(h + 124, 12, size);
	} else { /* GNU base-256 */
		h[124] = (char)0x80;
		for (int i = 0; i < 8; i++)
			h[135 - i] = (char)((size >> (8 * i)) & 0xff);
	}
	octal(h + 136, 12, 1700000000);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum & 0777777);
	return sink_write(img, k, h, sizeof(h));
}

static int tar_pad(vigil_image *img, sink *k)
{
	static const char zero[1024];
	size_t pad = (size_t)((512 - (k->off % 512)) % 512);
	return pad ? sink_write(img, k, zero, pad) : 0;
}

static int tar_member(vigil_image *img, sink *k, const char *name, const void *p, size_t n)
{
	int error;
	if ((error = tar_header(img, k, name, n)) < 0 || (error = sink_write(img, k, p, n)) < 0)
		return error;
	return tar_pad(img, k);
}

/* ---- outputs ------------------------------------------------------------------------------ */

static int write_file(vigil_image *img, int dirfd, const char *name, const void *p, size_t n)
{
	sink k = {-1, name, 0};
	int error;
	if ((k.fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", name, strerror(errno));
	error = sink_write(img, &k, p, n);
	if (close(k.fd) < 0 && error == 0)
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", name, strerror(errno));
	return error;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	remove(path);
	return 0;
}

static char *index_json(vigil_image *img, const char *digest, const char *mt, size_t msize)
{
	json_t *root = json_object(), *arr = json_array(), *d = json_object(), *ann = json_object();
	const char *const *tags = vigil_image_tags(img);
	char *out;
	json_object_set_new(root, "schemaVersion", json_integer(2));
	json_object_set_new(d, "mediaType", json_string(mt));
	json_object_set_new(d, "digest", json_string(digest));
	json_object_set_new(d, "size", json_integer((json_int_t)msize));
	if (tags[0]) {
		const char *colon = strrchr(tags[0], ':'), *slash = strrchr(tags[0], '/');
		json_object_set_new(ann, "io.containerd.image.name", json_string(tags[0]));
		if (colon && (!slash || colon > slash))
			json_object_set_new(ann, "org.opencontainers.image.ref.name",
					    json_string(colon + 1));
		json_object_set_new(d, "annotations", ann);
	} else {
		json_decref(ann);
	}
	json_array_append_new(arr, d);
	json_object_set_new(root, "manifests", arr);
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return out;
}

static const char *manifest_media_type(const uint8_t *doc, size_t n)
{
	json_t *j = json_loadb((const char *)doc, n, 0, NULL);
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *out = mt && strstr(mt, "docker")
				  ? "application/vnd.docker.distribution.manifest.v2+json"
				  : "application/vnd.oci.image.manifest.v1+json";
	json_decref(j);
	return out;
}

static int pull_oci(vigil_image *img, const char *tmp, const uint8_t *man, size_t mlen,
		    const uint8_t *cfg, size_t clen)
{
	int dirfd = -1, error;
	char name[128];
	char *idx = NULL;
	if (mkdir(tmp, 0755) < 0 || (dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    mkdirat(dirfd, "blobs", 0755) < 0 || mkdirat(dirfd, "blobs/sha256", 0755) < 0) {
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	snprintf(name, sizeof(name), "blobs/sha256/%s", img->manifest_digest + 7);
	if ((error = write_file(img, dirfd, "oci-layout", layout, sizeof(layout) - 1)) < 0 ||
	    (error = write_file(img, dirfd, name, man, mlen)) < 0)
		goto done;
	snprintf(name, sizeof(name), "blobs/sha256/%s", img->config_digest + 7);
	if ((error = write_file(img, dirfd, name, cfg, clen)) < 0)
		goto done;
	for (int i = 0; i < img->nlayers; i++) {
		sink k = {-1, NULL, 0};
		snprintf(name, sizeof(name), "blobs/sha256/%s", img->layers[i].want_digest + 7);
		k.what = name;
		if (faccessat(dirfd, name, F_OK, 0) == 0)
			continue; /* the same blob twice */
		if ((k.fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) <
		    0) {
			error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", name,
						strerror(errno));
			goto done;
		}
		error = copy_layer(img, i, &k);
		if (close(k.fd) < 0 && error == 0)
			error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", name,
						strerror(errno));
		if (error < 0)
			goto done;
	}
	if (!(idx = index_json(img, img->manifest_digest, manifest_media_type(man, mlen), mlen))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	error = write_file(img, dirfd, "index.json", idx, strlen(idx));
done:
	free(idx);
	if (dirfd >= 0)
		close(dirfd);
	return error;
}

static int pull_docker(vigil_image *img, const char *tmp, const uint8_t *cfg, size_t clen)
{
	sink k = {-1, tmp, 0};
	json_t *root = json_array(), *m = json_object(), *layers = json_array(),
	       *tags = json_array();
	char name[128], *mj = NULL;
	int error;
	if ((k.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	snprintf(name, sizeof(name), "blobs/sha256/%s", img->config_digest + 7);
	json_object_set_new(m, "Config", json_string(name));
	if ((error = tar_member(img, &k, name, cfg, clen)) < 0)
		goto done;
	for (int i = 0; i < img->nlayers; i++) {
		vigil_layer *L = &img->layers[i];
		snprintf(name, sizeof(name), "blobs/sha256/%s", L->want_digest + 7);
		json_array_append_new(layers, json_string(name));
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= strcmp(img->layers[j].want_digest, L->want_digest) == 0;
		if (dup)
			continue;
		if (!L->info.size) {
			error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
						"layer %d (%s): the manifest gives no size", i,
						L->want_digest);
			goto done;
		}
		if ((error = tar_header(img, &k, name, L->info.size)) < 0 ||
		    (error = copy_layer(img, i, &k)) < 0 || (error = tar_pad(img, &k)) < 0)
			goto done;
	}
	for (const char *const *t = vigil_image_tags(img); *t; t++)
		json_array_append_new(tags, json_string(*t));
	json_object_set_new(m, "RepoTags", tags);
	tags = NULL;
	json_object_set_new(m, "Layers", layers);
	layers = NULL;
	json_array_append_new(root, m);
	m = NULL;
	if (!(mj = json_dumps(root, JSON_COMPACT))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	static const char zero[1024];
	if ((error = tar_member(img, &k, "manifest.json", mj, strlen(mj))) < 0 ||
	    (error = sink_write(img, &k, zero, sizeof(zero))) < 0)
		goto done;
	if (fsync(k.fd) < 0)
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", tmp, strerror(errno));
done:
	if (k.fd >= 0 && close(k.fd) < 0 && error == 0)
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", tmp, strerror(errno));
	free(mj);
	json_decref(root);
	json_decref(m);
	json_decref(layers);
	json_decref(tags);
	return error;
}

int vigil_image_pull(vigil_image *img, const char *dest)
{
	const uint8_t *man, *cfg;
	size_t mlen = 0, clen = 0;
	char mname[96], cname[96], tmp[4200];
	const char *path;
	struct stat st;
	int oci, error;

	img->ctx->error[0] = '\0';
	if (img->store != STORE_REGISTRY)
		return vigil_error_set(img->ctx, VIGIL_EINVAL,
				       "pull: %s is not a registry reference", img->ref);
	if (strncmp(dest, "oci:", 4) == 0) {
		oci = 1;
		path = dest + 4;
	} else if (strncmp(dest, "docker-archive:", 15) == 0) {
		oci = 0;
		path = dest + 15;
	} else {
		return vigil_error_set(img->ctx, VIGIL_EINVAL,
				       "pull: the output must be oci:DIR or docker-archive:FILE");
	}
	if (!*path || strlen(path) > 4000)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "pull: no output path");
	if (lstat(path, &st) == 0)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "pull: %s already exists", path);
	snprintf(mname, sizeof(mname), "blobs/sha256/%s", img->manifest_digest + 7);
	snprintf(cname, sizeof(cname), "blobs/sha256/%s", img->config_digest + 7);
	if (!(man = vigil_image__remote_doc(img, mname, &mlen)) ||
	    !(cfg = vigil_image__remote_doc(img, cname, &clen)))
		return vigil_error_set(img->ctx, VIGIL_EINVAL,
				       "pull: the manifest or config was not fetched");
	snprintf(tmp, sizeof(tmp), "%s.partial-%ld", path, (long)getpid());
	for (int i = 0; i < img->nlayers; i++)
		img->progress_total += img->layers[i].info.size;
	error = oci ? pull_oci(img, tmp, man, mlen, cfg, clen) : pull_docker(img, tmp, cfg, clen);
	if (error == 0 && rename(tmp, path) < 0)
		error = vigil_error_set(img->ctx, VIGIL_EIO, "pull: %s: %s", path, strerror(errno));
	if (error < 0) {
		if (oci)
			nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
		else
			unlink(tmp);
	}
	return error;
}

/* ---- the whole index (--all-platforms) ------------------------------------------------- */

#define PULL_MAX_MANIFESTS 1024
#define PULL_MAX_DEPTH 4

typedef struct pull_all {
	vigil_image *img;
	int dirfd;
	int manifests; /* written so far, for the bound */
} pull_all;

/* blobs/sha256/<hex> of a digest already checked with vigil_digest_is_sha256. */
static void blob_name(char name[96], const char *digest)
{
	snprintf(name, 96, "blobs/sha256/%s", digest + 7);
}

static int blob_present(pull_all *pa, const char *digest)
{
	char name[96];
	blob_name(name, digest);
	return faccessat(pa->dirfd, name, F_OK, 0) == 0;
}

/* Streams a blob from the registry into the layout (once per digest). */
static int put_blob(pull_all *pa, const char *what, const char *digest, uint64_t size)
{
	char name[96];
	sink k = {-1, NULL, 0};
	int error;
	if (blob_present(pa, digest))
		return 0;
	blob_name(name, digest);
	k.what = name;
	if ((k.fd = openat(pa->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return vigil_error_set(pa->img->ctx, VIGIL_EIO, "%s: %s", name, strerror(errno));
	error = copy_blob(pa->img, what, digest, size, &k);
	if (close(k.fd) < 0 && error == 0)
		error = vigil_error_set(pa->img->ctx, VIGIL_EIO, "%s: %s", name, strerror(errno));
	return error;
}

/* A descriptor's digest and size; VIGIL_EFORMAT when they are missing or malformed. */
static int descriptor(pull_all *pa, json_t *d, const char *what, const char **digest,
		      uint64_t *size)
{
	json_t *sz = json_object_get(d, "size");
	*digest = json_string_value(json_object_get(d, "digest"));
	if (!*digest || !vigil_digest_is_sha256(*digest) || !json_is_integer(sz) ||
	    json_integer_value(sz) < 0)
		return vigil_error_set(pa->img->ctx, VIGIL_EFORMAT,
				       "%s: a descriptor without a sha256 digest and size", what);
	*size = (uint64_t)json_integer_value(sz);
	return 0;
}

/* Writes manifest or index `digest` and everything it names: documents fetched by digest
 * (verified by the client), layers streamed (verified by the stream). */
static int put_manifest(pull_all *pa, const char *digest, int depth)
{
	vigil_image *img = pa->img;
	vigil_reg *reg = vigil_image__remote_client(img);
	vigil_buf doc = VIGIL_BUF_INIT, cfg = VIGIL_BUF_INIT;
	json_t *j = NULL, *arr;
	char name[96], mt[128], got[72], what[64];
	const uint8_t *data;
	size_t n = 0;
	int error = 0;

	if (blob_present(pa, digest))
		return 0;
	if (++pa->manifests > PULL_MAX_MANIFESTS || depth > PULL_MAX_DEPTH)
		return vigil_error_set(img->ctx, VIGIL_ELIMIT,
				       "pull: the index names more than %d manifests or nests "
				       "deeper than %d",
				       PULL_MAX_MANIFESTS, PULL_MAX_DEPTH);
	blob_name(name, digest);
	if (!(data = vigil_image__remote_doc(img, name, &n))) {
		if ((error = vigil_reg__get_manifest(reg, digest, img->ctx->limits.max_json_size,
						     &doc, mt, got)) < 0)
			goto done;
		data = doc.data;
		n = doc.len;
	}
	if (!(j = json_loadb((const char *)data, n, 0, NULL)) || !json_is_object(j)) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT, "pull: manifest %s is not JSON",
					digest);
		goto done;
	}
	if ((arr = json_object_get(j, "manifests")) && json_is_array(arr)) {
		for (size_t i = 0; i < json_array_size(arr) && error == 0; i++) {
			const char *d;
			uint64_t size;
			snprintf(what, sizeof(what), "index %.19s entry %zu", digest, i);
			if ((error = descriptor(pa, json_array_get(arr, i), what, &d, &size)) == 0)
				error = put_manifest(pa, d, depth + 1);
		}
	} else {
		const char *d;
		uint64_t size;
		json_t *c = json_object_get(j, "config");
		arr = json_object_get(j, "layers");
		snprintf(what, sizeof(what), "manifest %.19s", digest);
		if (!json_is_object(c) || !json_is_array(arr)) {
			error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
						"pull: %s has no config or layers", what);
			goto done;
		}
		if (json_array_size(arr) > img->ctx->limits.max_layers) {
			error = vigil_error_set(
				img->ctx, VIGIL_ELIMIT,
				"pull: %s has %zu layers (limit %u, see --max-layers)", what,
				json_array_size(arr), (unsigned)img->ctx->limits.max_layers);
			goto done;
		}
		if ((error = descriptor(pa, c, what, &d, &size)) < 0)
			goto done;
		if (!blob_present(pa, d)) {
			char cname[96];
			const uint8_t *cd;
			size_t cn = 0;
			blob_name(cname, d);
			if (!(cd = vigil_image__remote_doc(img, cname, &cn))) {
				if ((error = vigil_reg__get_blob(
					     reg, d, img->ctx->limits.max_json_size, &cfg)) < 0)
					goto done;
				cd = cfg.data;
				cn = cfg.len;
			}
			if ((error = write_file(img, pa->dirfd, cname, cd, cn)) < 0)
				goto done;
		}
		for (size_t i = 0; i < json_array_size(arr) && error == 0; i++) {
			snprintf(what, sizeof(what), "manifest %.19s layer %zu", digest, i);
			if ((error = descriptor(pa, json_array_get(arr, i), what, &d, &size)) == 0)
				error = put_blob(pa, what, d, size);
		}
	}
	/* the manifest last: a blob present means everything below it is written */
	if (error == 0)
		error = write_file(img, pa->dirfd, name, data, n);
done:
	json_decref(j);
	vigil_buf_free(&doc);
	vigil_buf_free(&cfg);
	return error;
}

static const char *index_media_type(const uint8_t *doc, size_t n)
{
	json_t *j = json_loadb((const char *)doc, n, 0, NULL);
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *out = mt && strstr(mt, "docker")
				  ? "application/vnd.docker.distribution.manifest.list.v2+json"
				  : "application/vnd.oci.image.index.v1+json";
	json_decref(j);
	return out;
}

int vigil_image_pull_all(vigil_image *img, const char *dest)
{
	const char *top = img->store == STORE_REGISTRY ? vigil_image__remote_top(img) : NULL;
	const uint8_t *doc;
	size_t n = 0;
	char name[96], tmp[4200];
	struct stat st;
	pull_all pa = {img, -1, 0};
	char *idx = NULL;
	int error, is_index;

	img->ctx->error[0] = '\0';
	if (!top)
		return vigil_image_pull(img, dest);
	blob_name(name, top);
	if (!(doc = vigil_image__remote_doc(img, name, &n)))
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "pull: the index was not fetched");
	{
		json_t *j = json_loadb((const char *)doc, n, 0, NULL);
		is_index = json_is_array(json_object_get(j, "manifests"));
		json_decref(j);
	}
	if (!is_index)
		return vigil_image_pull(img, dest);
	if (strncmp(dest, "oci:", 4) != 0)
		return vigil_error_set(img->ctx, VIGIL_EINVAL,
				       "pull: a whole index (--all-platforms) needs oci:DIR; a "
				       "docker-archive holds one platform");
	dest += 4;
	if (!*dest || strlen(dest) > 4000)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "pull: no output path");
	if (lstat(dest, &st) == 0)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "pull: %s already exists", dest);
	snprintf(tmp, sizeof(tmp), "%s.partial-%ld", dest, (long)getpid());
	if (mkdir(tmp, 0755) < 0 ||
	    (pa.dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    mkdirat(pa.dirfd, "blobs", 0755) < 0 || mkdirat(pa.dirfd, "blobs/sha256", 0755) < 0) {
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	if ((error = write_file(img, pa.dirfd, "oci-layout", layout, sizeof(layout) - 1)) < 0 ||
	    (error = put_manifest(&pa, top, 0)) < 0)
		goto done;
	if (!(idx = index_json(img, top, index_media_type(doc, n), n))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = write_file(img, pa.dirfd, "index.json", idx, strlen(idx))) < 0)
		goto done;
	if (rename(tmp, dest) < 0)
		error = vigil_error_set(img->ctx, VIGIL_EIO, "pull: %s: %s", dest, strerror(errno));
done:
	free(idx);
	if (pa.dirfd >= 0)
		close(pa.dirfd);
	if (error < 0)
		nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return error;
}
