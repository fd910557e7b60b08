/*
 * layout.c - a vigil_trust_source over an OCI image layout directory: tags from the
 * index's ref.name annotations (skopeo, umoci) or cosign save's kind annotations,
 * blobs from blobs/sha256/, and referrers from the index entries whose manifest
 * names a subject (an OCI 1.1 layout).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "trust/trust.h"

#define REF_NAME "org.opencontainers.image.ref.name"
#define KIND "kind"
#define KIND_IMAGE "dev.cosignproject.cosign/image"
#define KIND_SIGS "dev.cosignproject.cosign/sigs"
#define MAX_ENTRIES 4096

typedef struct layout {
	vigil_ctx *ctx;
	char *dir;
	json_t *index; /* index.json */
	char name[64];
} layout;

/* Reads dir/rel, at most `max` bytes. */
static int read_file(unsigned char **out, size_t *out_len, layout *L, const char *rel, size_t max)
{
	char path[4096];
	struct stat st;
	FILE *f;
	unsigned char *buf;
	size_t n;

	*out = NULL;
	*out_len = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", L->dir, rel) >= sizeof(path))
		return vigil_error_set(L->ctx, VIGIL_EINVAL, "%s: path too long", L->dir);
	/* O_NONBLOCK: a FIFO planted in the layout must not block the open */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return vigil_error_set(L->ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vigil_error_set(L->ctx, VIGIL_EFORMAT, "%s: not a regular file", path);
	}
	if (!(f = fdopen(fd, "rb"))) {
		close(fd);
		return VIGIL_ENOMEM;
	}
	if ((uint64_t)st.st_size > max) {
		fclose(f);
		return vigil_error_set(L->ctx, VIGIL_ELIMIT,
				       "%s: %lld bytes, more than the %zu allowed", path,
				       (long long)st.st_size, max);
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		return VIGIL_ENOMEM;
	}
	n = fread(buf, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || n > (size_t)st.st_size) {
		fclose(f);
		free(buf);
		return vigil_error_set(L->ctx, VIGIL_EIO, "%s: read failed or file grew", path);
	}
	fclose(f);
	*out = buf;
	*out_len = n;
	return 0;
}

static int read_blob(unsigned char **out, size_t *out_len, const char *digest, size_t max,
		     void *payload)
{
	layout *L = payload;
	char rel[128];
	if (!vigil_digest_is_sha256(digest))
		return vigil_error_set(L->ctx, VIGIL_EFORMAT, "%s: '%.80s' is not a sha256 digest",
				       L->name, digest);
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", digest + 7);
	return read_file(out, out_len, L, rel, max);
}

static const char *annotation(json_t *desc, const char *key)
{
	return json_string_value(json_object_get(json_object_get(desc, "annotations"), key));
}

/* True for the tag names of signatures, attestations and referrers indexes. */
static int is_attached_tag(const char *t)
{
	if (!t || strncmp(t, "sha256-", 7) != 0 || strspn(t + 7, "0123456789abcdef") != 64)
		return 0;
	return t[71] == '\0' || t[71] == '.';
}

static int read_manifest(unsigned char **out, size_t *out_len, const char *ref, size_t max,
			 void *payload)
{
	layout *L = payload;
	json_t *ms = json_object_get(L->index, "manifests"), *d, *pick = NULL, *image = NULL;
	size_t i, images = 0;

	*out = NULL;
	*out_len = 0;
	if (ref && strncmp(ref, "sha256:", 7) == 0)
		return read_blob(out, out_len, ref, max, payload);
	json_array_foreach(ms, i, d)
	{
		const char *name = annotation(d, REF_NAME), *kind = annotation(d, KIND);
		if (ref && name && strcmp(name, ref) == 0) {
			pick = d;
			break;
		}
		if (ref && !pick && kind && strcmp(kind, KIND_SIGS) == 0 && is_attached_tag(ref) &&
		    strcmp(ref + 71, ".sig") == 0)
			pick = d; /* cosign save: the signatures of the image it holds */
		if (!ref && kind && strcmp(kind, KIND_IMAGE) == 0)
			image = d;
		if (!ref && !is_attached_tag(name) && !kind &&
		    !json_object_get(d, "artifactType")) {
			images++;
			pick = d;
		}
	}
	if (!ref && image)
		pick = image;
	else if (!ref && images > 1)
		return vigil_error_set(L->ctx, VIGIL_EINVAL, "%s holds %zu images: name one by tag",
				       L->name, images);
	if (!pick)
		return vigil_error_set(L->ctx, VIGIL_ENOTFOUND, "%s: no manifest tagged '%s'",
				       L->name, ref ? ref : "(any)");
	const char *dig = json_string_value(json_object_get(pick, "digest"));
	if (!dig)
		return vigil_error_set(L->ctx, VIGIL_EFORMAT, "%s: index entry without a digest",
				       L->name);
	return read_blob(out, out_len, dig, max, payload);
}

/* An index of the layout's manifests whose subject is `digest`. */
static int read_referrers(unsigned char **out, size_t *out_len, const char *digest, size_t max,
			  void *payload)
{
	layout *L = payload;
	json_t *ms = json_object_get(L->index, "manifests"), *d, *idx = NULL, *list = NULL;
	size_t i;
	int error = 0;

	*out = NULL;
	*out_len = 0;
	if (!(idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType",
			      "application/vnd.oci.image.index.v1+json", "manifests"))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	list = json_object_get(idx, "manifests");
	json_array_foreach(ms, i, d)
	{
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		const char *dig = json_string_value(json_object_get(d, "digest"));
		unsigned char *buf = NULL;
		size_t n = 0;
		json_t *m;
		if (!dig || !mt || strcmp(mt, "application/vnd.oci.image.manifest.v1+json") != 0)
			continue;
		if ((error = read_blob(&buf, &n, dig, max, payload)) < 0) {
			if (error == VIGIL_ENOTFOUND || error == VIGIL_ELIMIT ||
			    error == VIGIL_EFORMAT) {
				error = 0; /* not a referrer we can read; others may be */
				continue;
			}
			goto done;
		}
		m = json_loadb((const char *)buf, n, 0, NULL);
		free(buf);
		const char *subj =
			json_string_value(json_object_get(json_object_get(m, "subject"), "digest"));
		if (subj && strcmp(subj, digest) == 0) {
			json_t *at = json_object_get(m, "artifactType");
			if (!at)
				at = json_object_get(json_object_get(m, "config"), "mediaType");
			json_t *e = json_pack("{s:s, s:s, s:O?}", "mediaType", mt, "digest", dig,
					      "artifactType", at);
			if (!e || json_array_append_new(list, e) < 0) {
				json_decref(m);
				error = VIGIL_ENOMEM;
				goto done;
			}
		}
		json_decref(m);
	}
	if (json_array_size(list) == 0) {
		error = VIGIL_ENOTFOUND; /* try the referrers tag */
		goto done;
	}
	char *s = json_dumps(idx, JSON_COMPACT);
	if (!s) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	*out = (unsigned char *)s;
	*out_len = strlen(s);
done:
	json_decref(idx);
	return error;
}

static void layout_free(void *payload)
{
	layout *L = payload;
	if (!L)
		return;
	json_decref(L->index);
	free(L->dir);
	free(L);
}

int vigil_trust_source_oci_layout(vigil_trust_source **out, vigil_ctx *ctx, const char *dir)
{
	vigil_trust_source *s = NULL;
	layout *L = NULL;
	unsigned char *buf = NULL;
	size_t n;
	json_error_t jerr;
	int error = 0;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))) || !(L = calloc(1, sizeof(*L))) ||
	    !(L->dir = strdup(dir))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	L->ctx = ctx;
	snprintf(L->name, sizeof(L->name), "oci:%.59s", dir);
	if ((error = read_file(&buf, &n, L, "index.json", vigil_ctx_limits(ctx)->max_json_size)) <
	    0)
		goto done;
	if (!(L->index = json_loadb((const char *)buf, n, 0, &jerr)) ||
	    !json_is_array(json_object_get(L->index, "manifests"))) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "%s/index.json: not an OCI index (%s)",
					dir, L->index ? "no manifests array" : jerr.text);
		goto done;
	}
	if (json_array_size(json_object_get(L->index, "manifests")) > MAX_ENTRIES) {
		error = vigil_error_set(ctx, VIGIL_ELIMIT, "%s/index.json: more than %d entries",
					dir, MAX_ENTRIES);
		goto done;
	}
	s->manifest = read_manifest;
	s->blob = read_blob;
	s->referrers = read_referrers;
	s->free = layout_free;
	s->payload = L;
	s->name = L->name;
	*out = s;
	s = NULL;
	L = NULL;
done:
	free(buf);
	layout_free(L);
	free(s);
	return error;
}

/* Splits [oci:]DIR[:TAG|@DIGEST] into a directory and a reference. */
int vigil_trust_source_open(vigil_trust_source **out, char **ref, vigil_ctx *ctx, const char *image,
			    const char *tag)
{
	struct stat st;
	char *dir, *cut;
	int error;

	*out = NULL;
	*ref = NULL;
	if (strncmp(image, "oci:", 4) == 0)
		image += 4;
	if (!(dir = strdup(image)))
		return VIGIL_ENOMEM;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if ((cut = strrchr(dir, '@')) && strncmp(cut + 1, "sha256:", 7) == 0)
			*cut = '\0';
		else if ((cut = strrchr(dir, ':')) && !strchr(cut, '/'))
			*cut = '\0';
		else
			cut = NULL;
		if (!cut || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			error = vigil_error_set(ctx, VIGIL_ENOTFOUND,
						"%s: not an OCI layout directory", image);
			free(dir);
			return error;
		}
		if (!(*ref = strdup(cut + 1))) {
			free(dir);
			return VIGIL_ENOMEM;
		}
	}
	if (tag && !*ref && !(*ref = strdup(tag))) {
		free(dir);
		return VIGIL_ENOMEM;
	}
	error = vigil_trust_source_oci_layout(out, ctx, dir);
	free(dir);
	if (error < 0) {
		free(*ref);
		*ref = NULL;
	}
	return error;
}

void vigil_trust_source_free(vigil_trust_source *s)
{
	if (!s)
		return;
	if (s->free)
		s->free(s->payload);
	free(s);
}
