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

/* Streams layer `i` into the sink; its digest is verified by the stream at the end. */
static int copy_layer(vigil_image *img, int i, sink *k)
{
	vigil_layer *L = &img->layers[i];
	vigil_reg_stream *s = NULL;
	const char *msg = "";
	int error = vigil_reg__stream_open(&s, vigil_image__remote_client(img), L->want_digest,
					   L->info.size, img->ctx->limits.max_bytes);
	for (;;) {
		const uint8_t *p;
		size_t n = 0;
		if (error < 0 || (error = vigil_reg__stream_read(s, &p, &n, &msg)) < 0) {
			if (error != VIGIL_ENOMEM && s) {
				vigil_reg__stream_read(s, &p, &n, &msg);
				error = vigil_error_set(img->ctx, error, "layer %d (%s): %s", i,
							L->want_digest, msg);
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

static char *index_json(vigil_image *img, const char *mt, size_t msize)
{
	json_t *root = json_object(), *arr = json_array(), *d = json_object(), *ann = json_object();
	const char *const *tags = vigil_image_tags(img);
	char *out;
	json_object_set_new(root, "schemaVersion", json_integer(2));
	json_object_set_new(d, "mediaType", json_string(mt));
	json_object_set_new(d, "digest", json_string(img->manifest_digest));
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
	if (!(idx = index_json(img, manifest_media_type(man, mlen), mlen))) {
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
