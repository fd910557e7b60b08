/*
 * Image metadata: the OCI index, image manifests, the image config, and docker-archive's
 * manifest.json. Every metadata blob is size-capped and, when addressed by digest,
 * verified before it is parsed.
 */
#include <string.h>
#include <sys/utsname.h>

#include <jansson.h>

#include "image.h"
#include "jsonkey.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* Reads and parses a JSON document of the store; `digest`, when given, is verified. */
static int load_json(json_t **out, vigil_image *img, const char *name, const char *digest,
		     int64_t size)
{
	vigil_buf b = VIGIL_BUF_INIT;
	json_error_t jerr;
	char got[72];
	int error;
	*out = NULL;
	if ((error = vigil_image__store_read(img, name, &b)) < 0)
		goto done;
	if (size >= 0 && (uint64_t)size != b.len) {
		error = vigil_error_set(
			img->ctx, VIGIL_EFORMAT,
			"%s: '%s' is %zu bytes but its descriptor says %lld (descriptor size "
			"mismatch)",
			img->ref, name, b.len, (long long)size);
		goto done;
	}
	if (digest) {
		if ((error = vigil_sha256_buf(got, b.data, b.len)) < 0)
			goto done;
		if (strcmp(got, digest) != 0) {
			error = vigil_error_set(
				img->ctx, VIGIL_EFORMAT,
				"%s: '%s': digest mismatch: expected %s, content hashes to %s",
				img->ref, name, digest, got);
			goto done;
		}
	}
	if (vigil_json_values_over(b.data, b.len, VIGIL_JSON_MAX_VALUES)) {
		error = vigil_error_set(img->ctx, VIGIL_ELIMIT,
					"%s: '%s' has more than %d JSON values (refused)", img->ref,
					name, VIGIL_JSON_MAX_VALUES);
		goto done;
	}
	if (!(*out = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES, &jerr))) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: malformed JSON in '%s': %s (line %d, column %d)%s",
					img->ref, name, jerr.text, jerr.line, jerr.column,
					strstr(jerr.text, "duplicate")
						? " (refused: runtimes would read the last one)"
						: "");
		goto done;
	}
	/* keys that Go's encoding/json would read as one field: refused (see jsonkey.c) */
	const char *ka, *kb;
	if ((error = vigil_image__json_keys_check(*out, &ka, &kb)) != 0) {
		if (error == 1)
			error = vigil_error_set(
				img->ctx, VIGIL_EFORMAT,
				"%s: malformed JSON in '%s': keys \"%.100s\" and \"%.100s\" differ "
				"only in case (refused: runtimes read them as one field)",
				img->ref, name, ka, kb);
		else if (error == VIGIL_ELIMIT)
			error = vigil_error_set(img->ctx, VIGIL_ELIMIT,
						"%s: malformed JSON in '%s': nested too deeply",
						img->ref, name);
		json_decref(*out);
		*out = NULL;
		goto done;
	}
	error = 0;
done:
	vigil_buf_free(&b);
	return error;
}

static const char *jstr(vigil_image *img, json_t *o, const char *key)
{
	json_t *v = vigil_image__jget(o, key);
	return json_is_string(v) ? vigil_arena_strdup(&img->arena, json_string_value(v)) : NULL;
}

/* A NULL-terminated copy of an array of strings (non-strings skipped). */
static const char *const *jstrv(vigil_image *img, json_t *a)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0, k = 0;
	const char **v;
	if (!json_is_array(a))
		return NULL;
	if (!(v = vigil_arena_alloc(&img->arena, (n + 1) * sizeof(char *))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(a, i);
		if (json_is_string(s))
			v[k++] = vigil_arena_strdup(&img->arena, json_string_value(s));
	}
	return v;
}

/* Keys (and optionally string values) of an object, NULL-terminated. */
static const char *const *jkeys(vigil_image *img, json_t *o, const char *const **values)
{
	size_t n = json_is_object(o) ? json_object_size(o) : 0, k = 0;
	const char **keys, **vals = NULL;
	const char *key;
	json_t *val;
	if (!json_is_object(o))
		return NULL;
	keys = vigil_arena_alloc(&img->arena, (n + 1) * sizeof(char *));
	if (values)
		vals = vigil_arena_alloc(&img->arena, (n + 1) * sizeof(char *));
	if (!keys || (values && !vals))
		return NULL;
	json_object_foreach(o, key, val)
	{
		keys[k] = vigil_arena_strdup(&img->arena, key);
		if (vals)
			vals[k] = json_is_string(val)
					  ? vigil_arena_strdup(&img->arena, json_string_value(val))
					  : "";
		k++;
	}
	if (values)
		*values = vals;
	return keys;
}

static void host_platform(char *os, size_t osn, char *arch, size_t archn, char *variant, size_t vn)
{
	struct utsname u;
	const char *a = "amd64", *v = "";
	if (uname(&u) == 0) {
		if (strcmp(u.machine, "x86_64") == 0)
			a = "amd64";
		else if (strcmp(u.machine, "aarch64") == 0)
			a = "arm64";
		else if (strncmp(u.machine, "armv7", 5) == 0)
			a = "arm", v = "v7";
		else if (strncmp(u.machine, "armv6", 5) == 0)
			a = "arm", v = "v6";
		else if (strcmp(u.machine, "i686") == 0 || strcmp(u.machine, "i386") == 0)
			a = "386";
		else if (strcmp(u.machine, "ppc64le") == 0 || strcmp(u.machine, "s390x") == 0 ||
			 strcmp(u.machine, "riscv64") == 0)
			a = u.machine;
	}
	snprintf(os, osn, "linux");
	snprintf(arch, archn, "%s", a);
	snprintf(variant, vn, "%s", v);
}

static int layers_alloc(vigil_image *img, int n)
{
	if (n < 0 || (uint32_t)n > img->ctx->limits.max_layers)
		return vigil_error_set(img->ctx, VIGIL_ELIMIT,
				       "%s: %d layers is more than the limit of %u", img->ref, n,
				       img->ctx->limits.max_layers);
	img->layers = vigil_arena_alloc(&img->arena, (size_t)(n ? n : 1) * sizeof(vigil_layer));
	if (!img->layers)
		return VIGIL_ENOMEM;
	img->nlayers = n;
	for (int i = 0; i < n; i++) {
		img->layers[i].info.index = i;
		img->layers[i].dup_of = -1;
		img->layers[i].want_size = -1;
	}
	return 0;
}

/* Parses the image config: os/arch, runtime config, diff_ids and history. */
static int parse_config(vigil_image *img, json_t *cfg, const char *name)
{
	vigil_config *c = &img->config;
	json_t *rootfs, *diff_ids, *history, *conf;
	if (!json_is_object(cfg))
		return vigil_error_set(img->ctx, VIGIL_EFORMAT,
				       "%s: config '%s' is not a JSON object", img->ref, name);
	c->os = jstr(img, cfg, "os");
	c->architecture = jstr(img, cfg, "architecture");
	c->variant = jstr(img, cfg, "variant");
	c->os_version = jstr(img, cfg, "os.version");
	c->created = jstr(img, cfg, "created");
	c->author = jstr(img, cfg, "author");
	conf = vigil_image__jget(cfg, "config");
	if (json_is_object(conf)) {
		c->user = jstr(img, conf, "User");
		c->working_dir = jstr(img, conf, "WorkingDir");
		c->stop_signal = jstr(img, conf, "StopSignal");
		c->env = jstrv(img, vigil_image__jget(conf, "Env"));
		c->entrypoint = jstrv(img, vigil_image__jget(conf, "Entrypoint"));
		c->cmd = jstrv(img, vigil_image__jget(conf, "Cmd"));
		c->exposed_ports = jkeys(img, vigil_image__jget(conf, "ExposedPorts"), NULL);
		c->volumes = jkeys(img, vigil_image__jget(conf, "Volumes"), NULL);
		c->label_keys = jkeys(img, vigil_image__jget(conf, "Labels"), &c->label_values);
		json_t *hc = vigil_image__jget(conf, "Healthcheck");
		if (json_is_object(hc))
			c->healthcheck = jstrv(img, vigil_image__jget(hc, "Test"));
	}
	rootfs = vigil_image__jget(cfg, "rootfs");
	diff_ids = vigil_image__jget(rootfs, "diff_ids");
	if (!json_is_object(rootfs) || !json_is_array(diff_ids))
		return vigil_error_set(img->ctx, VIGIL_EFORMAT,
				       "%s: config '%s' has no rootfs.diff_ids", img->ref, name);
	if ((int)json_array_size(diff_ids) != img->nlayers)
		return vigil_error_set(
			img->ctx, VIGIL_EFORMAT,
			"%s: the manifest lists %d layers but the config has %zu diff_ids",
			img->ref, img->nlayers, json_array_size(diff_ids));
	for (int i = 0; i < img->nlayers; i++) {
		json_t *d = json_array_get(diff_ids, (size_t)i);
		if (!json_is_string(d) || !vigil_digest_is_sha256(json_string_value(d)))
			return vigil_error_set(img->ctx, VIGIL_EFORMAT,
					       "%s: config '%s': diff_id %d is not a sha256 digest",
					       img->ref, name, i);
		img->layers[i].want_diff_id = vigil_arena_strdup(&img->arena, json_string_value(d));
	}
	history = vigil_image__jget(cfg, "history");
	if (json_is_array(history)) {
		size_t n = json_array_size(history);
		vigil_history *h = vigil_arena_alloc(&img->arena, (n ? n : 1) * sizeof(*h));
		int layer = 0;
		if (!h)
			return VIGIL_ENOMEM;
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(history, i);
			h[i].created = jstr(img, e, "created");
			h[i].created_by = jstr(img, e, "created_by");
			h[i].author = jstr(img, e, "author");
			h[i].comment = jstr(img, e, "comment");
			h[i].empty_layer = json_is_true(vigil_image__jget(e, "empty_layer"));
			h[i].layer = -1;
			if (!h[i].empty_layer) {
				if (layer < img->nlayers) {
					h[i].layer = layer;
					img->layers[layer].info.created_by = h[i].created_by;
					img->layers[layer].info.created = h[i].created;
				}
				layer++;
			}
		}
		if (layer != img->nlayers)
			vigil_image__warn(img,
					  "%s: the config history names %d layers but the image "
					  "has %d; layer attribution to history steps may be off",
					  img->ref, layer, img->nlayers);
		c->history = h;
		c->history_count = (int)n;
	}
	return 0;
}

static int blob_name(vigil_image *img, const char *digest, const char **out)
{
	if (!vigil_digest_is_sha256(digest))
		return vigil_error_set(img->ctx, VIGIL_EFORMAT,
				       "%s: unsupported or malformed digest '%.80s'", img->ref,
				       digest ? digest : "(none)");
	*out = vigil_arena_printf(&img->arena, "blobs/sha256/%s", digest + 7);
	return *out ? 0 : VIGIL_ENOMEM;
}

/* A descriptor's size: the OCI spec requires it, and the blob must have exactly that
 * many bytes (checked where the blob is read). Missing, negative or non-integer: refused. */
static int desc_size(vigil_image *img, json_t *d, const char *what, const char *digest,
		     int64_t *out)
{
	json_t *sz = vigil_image__jget(d, "size");
	*out = -1;
	if (!json_is_integer(sz) || json_integer_value(sz) < 0)
		return vigil_error_set(img->ctx, VIGIL_EFORMAT,
				       "%s: the descriptor of %s %.80s has %s size (descriptor "
				       "size mismatch)",
				       img->ref, what, digest ? digest : "(none)",
				       sz ? "an invalid" : "no");
	*out = json_integer_value(sz);
	return 0;
}

/* Loads the config blob and the manifest's layers. */
static int load_manifest(vigil_image *img, const char *digest, int64_t size)
{
	json_t *m = NULL, *cfg = NULL, *layers, *cdesc;
	const char *name, *cname, *mt;
	int error;
	if ((error = blob_name(img, digest, &name)) < 0 ||
	    (error = load_json(&m, img, name, digest, size)) < 0)
		goto done;
	img->manifest_digest = vigil_arena_strdup(&img->arena, digest);
	mt = json_string_value(vigil_image__jget(m, "mediaType"));
	if (mt && strcmp(mt, MT_DOCKER_V1) == 0) {
		error = vigil_error_set(
			img->ctx, VIGIL_EFORMAT,
			"%s: Docker schema 1 manifests are obsolete and not supported", img->ref);
		goto done;
	}
	cdesc = vigil_image__jget(m, "config");
	layers = vigil_image__jget(m, "layers");
	if (!json_is_object(cdesc) || !json_is_array(layers)) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: manifest %s has no config or layers", img->ref,
					digest);
		goto done;
	}
	const char *cmt = json_string_value(vigil_image__jget(cdesc, "mediaType"));
	if (cmt && strcmp(cmt, MT_OCI_CONFIG) != 0 && strcmp(cmt, MT_DOCKER_CONFIG) != 0) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: manifest %s is an artifact (%s), not an image",
					img->ref, digest, cmt);
		goto done;
	}
	const char *cdig = json_string_value(vigil_image__jget(cdesc, "digest"));
	int64_t csize;
	if ((error = blob_name(img, cdig, &cname)) < 0 ||
	    (error = desc_size(img, cdesc, "config", cdig, &csize)) < 0)
		goto done;
	if ((error = layers_alloc(img, (int)json_array_size(layers))) < 0)
		goto done;
	for (int i = 0; i < img->nlayers; i++) {
		json_t *d = json_array_get(layers, (size_t)i);
		vigil_layer *L = &img->layers[i];
		const char *ld = json_string_value(vigil_image__jget(d, "digest"));
		if ((error = blob_name(img, ld, &L->blob)) < 0)
			goto done;
		L->want_digest = L->info.digest = vigil_arena_strdup(&img->arena, ld);
		L->info.media_type = jstr(img, d, "mediaType");
		if ((error = desc_size(img, d, "layer", ld, &L->want_size)) < 0)
			goto done;
		L->info.size = (uint64_t)L->want_size;
		if (!vigil_image__store_has(img, L->blob)) {
			error = vigil_error_set(
				img->ctx, VIGIL_ENOTFOUND,
				"%s: missing blob: layer %d (%s) is not in the image", img->ref, i,
				ld);
			goto done;
		}
	}
	if (img->store == STORE_REGISTRY && (error = vigil_image__remote_prefetch(img)) < 0)
		goto done;
	if ((error = load_json(&cfg, img, cname, cdig, csize)) < 0)
		goto done;
	img->config_digest = vigil_arena_strdup(&img->arena, cdig);
	error = parse_config(img, cfg, cname);
done:
	json_decref(m);
	json_decref(cfg);
	return error;
}

static int is_index_mt(const char *mt)
{
	return mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0);
}

static int is_manifest_mt(const char *mt)
{
	return mt && (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0);
}

static int tag_matches(const char *have, const char *want)
{
	size_t hl = strlen(have), wl = strlen(want);
	if (strcmp(have, want) == 0)
		return 1;
	/* "docker.io/library/x:1" matches "x:1"; "name:tag" matches "tag" */
	if (hl > wl && strcmp(have + hl - wl, want) == 0 &&
	    (have[hl - wl - 1] == '/' || have[hl - wl - 1] == ':'))
		return 1;
	return 0;
}

typedef struct pick {
	const char *want_os, *want_arch, *want_variant;
	const char *digest;
	int64_t size;
	int explicit_platform;
	vigil_buf seen; /* for the error message */
} pick;

/* Whether a descriptor's platform matches (a descriptor without one matches). */
static int platform_ok(json_t *d, pick *p, int *has)
{
	json_t *pl = vigil_image__jget(d, "platform");
	*has = json_is_object(pl);
	if (!*has)
		return 1;
	const char *os = json_string_value(vigil_image__jget(pl, "os"));
	const char *arch = json_string_value(vigil_image__jget(pl, "architecture"));
	const char *var = json_string_value(vigil_image__jget(pl, "variant"));
	if (p->seen.len < 2000)
		vigil_buf_printf(&p->seen, "%s%s/%s%s%s", p->seen.len ? ", " : "", os ? os : "?",
				 arch ? arch : "?", var ? "/" : "", var ? var : "");
	if (!os || !arch || strcmp(os, p->want_os) != 0 || strcmp(arch, p->want_arch) != 0)
		return 0;
	if (p->want_variant[0] && var && strcmp(var, p->want_variant) != 0)
		return 0;
	return 1;
}

/* Walks an index (depth-limited) choosing a manifest by tag and platform. */
/* True for the index entries of cosign signatures, attestations and referrers indexes
 * (tag "sha256-<hex>.sig", "sha256-<hex>", or cosign save's kind): not images. */
static int is_attachment(json_t *ann)
{
	const char *t =
		json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
	const char *k = json_string_value(json_object_get(ann, "kind"));
	if (k && strncmp(k, "dev.cosignproject.cosign/", 25) == 0 && strcmp(k + 25, "image") != 0)
		return 1;
	return t && strncmp(t, "sha256-", 7) == 0 && strspn(t + 7, "0123456789abcdef") == 64 &&
	       (t[71] == '\0' || t[71] == '.');
}

static int choose(vigil_image *img, json_t *index, const char *tag, pick *p, int depth,
		  const char *where)
{
	json_t *ms = vigil_image__jget(index, "manifests");
	int error, candidates = 0;
	if (depth > 4)
		return vigil_error_set(img->ctx, VIGIL_ELIMIT,
				       "%s: image indexes nested too deeply", img->ref);
	if (!json_is_array(ms))
		return vigil_error_set(img->ctx, VIGIL_EFORMAT, "%s: '%s' has no manifests array",
				       img->ref, where);
	for (size_t i = 0; i < json_array_size(ms); i++) {
		json_t *d = json_array_get(ms, i);
		const char *mt = json_string_value(vigil_image__jget(d, "mediaType"));
		const char *dig = json_string_value(vigil_image__jget(d, "digest"));
		json_t *ann = vigil_image__jget(d, "annotations");
		int64_t sz;
		int has_pl;
		if (!dig || (!is_index_mt(mt) && !is_manifest_mt(mt)))
			continue; /* artifacts, attestations: skipped */
		if (!tag && depth == 0 && is_attachment(ann))
			continue; /* a signature stored next to the image */
		if (tag && depth == 0) {
			const char *ref = json_string_value(
				json_object_get(ann, "org.opencontainers.image.ref.name"));
			const char *full =
				json_string_value(json_object_get(ann, "io.containerd.image.name"));
			if (!((ref && tag_matches(ref, tag)) || (full && tag_matches(full, tag)) ||
			      (strncmp(tag, "sha256:", 7) == 0 && strcmp(dig, tag) == 0)))
				continue;
		}
		/* a tag names the image; the host's platform only decides below it */
		if (!platform_ok(d, p, &has_pl) && !(tag && depth == 0 && !p->explicit_platform))
			continue;
		if ((error = desc_size(img, d, is_index_mt(mt) ? "index" : "manifest", dig, &sz)) <
		    0)
			return error;
		if (is_index_mt(mt)) {
			json_t *sub = NULL;
			const char *name;
			if ((error = blob_name(img, dig, &name)) < 0 ||
			    (error = load_json(&sub, img, name, dig, sz)) < 0)
				return error;
			error = choose(img, sub, NULL, p, depth + 1, name);
			json_decref(sub);
			if (error < 0)
				return error;
			if (p->digest)
				return 0;
			continue;
		}
		if (p->digest) {
			if (strcmp(p->digest, dig) != 0)
				candidates++;
			continue;
		}
		p->digest = vigil_arena_strdup(&img->arena, dig);
		p->size = sz;
		candidates = 1;
		/* the first entry matching the platform or the tag wins */
		if (has_pl || tag)
			return 0;
	}
	if (candidates > 1 && !tag && depth == 0)
		return vigil_error_set(img->ctx, VIGIL_EINVAL,
				       "%s: the layout holds several images; choose one with --tag",
				       img->ref);
	return 0;
}

static void tags_from_index(vigil_image *img, json_t *index)
{
	json_t *ms = vigil_image__jget(index, "manifests");
	for (size_t i = 0; i < json_array_size(ms); i++) {
		json_t *d = json_array_get(ms, i);
		const char *dig = json_string_value(vigil_image__jget(d, "digest"));
		json_t *ann = vigil_image__jget(d, "annotations");
		const char *ref =
			json_string_value(json_object_get(ann, "io.containerd.image.name"));
		if (!ref)
			ref = json_string_value(
				json_object_get(ann, "org.opencontainers.image.ref.name"));
		if (!ref || !dig || !img->manifest_digest || strcmp(dig, img->manifest_digest) != 0)
			continue;
		const char **t = vigil_vec_push(&img->tags);
		if (t)
			*t = vigil_arena_strdup(&img->arena, ref);
	}
	if (img->tags.len && vigil_vec_push(&img->tags))
		img->tags.len--; /* keeps a NULL after the last */
}

int vigil_image__open_oci(vigil_image *img, const char *tag, const char *platform)
{
	json_t *layout = NULL, *index = NULL;
	char os[96], arch[96], variant[96];
	pick p;
	int error;

	memset(&p, 0, sizeof(p));
	host_platform(os, sizeof(os), arch, sizeof(arch), variant, sizeof(variant));
	if (img->store == STORE_ROOTFS) {
		img->config.os = vigil_arena_strdup(&img->arena, os);
		img->config.architecture = vigil_arena_strdup(&img->arena, arch);
		return layers_alloc(img, 1);
	}
	if (platform) {
		char buf[96];
		p.explicit_platform = 1;
		snprintf(buf, sizeof(buf), "%s", platform);
		char *a = strchr(buf, '/'), *v = a ? strchr(a + 1, '/') : NULL;
		if (!a || a == buf || !a[1])
			return vigil_error_set(
				img->ctx, VIGIL_EINVAL,
				"--platform wants os/arch[/variant], e.g. linux/amd64");
		*a++ = 0;
		if (v)
			*v++ = 0;
		snprintf(os, sizeof(os), "%s", buf);
		snprintf(arch, sizeof(arch), "%s", a);
		snprintf(variant, sizeof(variant), "%s", v ? v : "");
	}
	p.want_os = os;
	p.want_arch = arch;
	p.want_variant = variant;
	if (vigil_image__store_has(img, "oci-layout")) {
		if ((error = load_json(&layout, img, "oci-layout", NULL, -1)) < 0)
			goto done;
		const char *v = json_string_value(vigil_image__jget(layout, "imageLayoutVersion"));
		if (!v)
			vigil_image__warn(img, "%s: oci-layout has no imageLayoutVersion",
					  img->ref);
	}
	if ((error = load_json(&index, img, "index.json", NULL, -1)) < 0)
		goto done;
	if ((error = choose(img, index, tag, &p, 0, "index.json")) < 0)
		goto done;
	if (!p.digest) {
		if (tag)
			error = vigil_error_set(img->ctx, VIGIL_ENOTFOUND,
						"%s: no image tagged '%s'", img->ref, tag);
		else
			error = vigil_error_set(
				img->ctx, VIGIL_ENOTFOUND,
				"%s: no image for platform %s/%s%s%s (available: %s)", img->ref, os,
				arch, variant[0] ? "/" : "", variant,
				p.seen.len ? (char *)p.seen.data : "none");
		goto done;
	}
	if ((error = load_manifest(img, p.digest, p.size)) < 0)
		goto done;
	tags_from_index(img, index);
done:
	vigil_buf_free(&p.seen);
	json_decref(layout);
	json_decref(index);
	return error;
}

/* docker-archive: manifest.json picks the image; Docker 25+ archives also carry an
 * OCI index, whose manifest for the same config supplies the manifest digest. */
int vigil_image__open_docker(vigil_image *img, const char *tag)
{
	json_t *man = NULL, *entry = NULL, *cfg = NULL, *index = NULL;
	char cdig[72];
	vigil_buf cbuf = VIGIL_BUF_INIT;
	int error;

	if ((error = load_json(&man, img, "manifest.json", NULL, -1)) < 0)
		goto done;
	if (!json_is_array(man) || json_array_size(man) == 0) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: manifest.json is not a non-empty array", img->ref);
		goto done;
	}
	for (size_t i = 0; i < json_array_size(man) && !entry; i++) {
		json_t *e = json_array_get(man, i);
		json_t *tags = vigil_image__jget(e, "RepoTags");
		if (!tag) {
			if (json_array_size(man) > 1) {
				error = vigil_error_set(
					img->ctx, VIGIL_EINVAL,
					"%s: the archive holds %zu images; choose one with --tag",
					img->ref, json_array_size(man));
				goto done;
			}
			entry = e;
			break;
		}
		for (size_t k = 0; k < json_array_size(tags); k++) {
			const char *t = json_string_value(json_array_get(tags, k));
			if (t && tag_matches(t, tag))
				entry = e;
		}
	}
	if (!entry) {
		error = vigil_error_set(img->ctx, VIGIL_ENOTFOUND, "%s: no image tagged '%s'",
					img->ref, tag);
		goto done;
	}
	const char *cname = json_string_value(vigil_image__jget(entry, "Config"));
	json_t *layers = vigil_image__jget(entry, "Layers");
	if (!cname || !json_is_array(layers)) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: manifest.json entry has no Config or Layers",
					img->ref);
		goto done;
	}
	json_t *rt = vigil_image__jget(entry, "RepoTags");
	for (size_t k = 0; k < json_array_size(rt); k++) {
		const char *t = json_string_value(json_array_get(rt, k));
		const char **slot = t ? vigil_vec_push(&img->tags) : NULL;
		if (slot)
			*slot = vigil_arena_strdup(&img->arena, t);
	}
	if (img->tags.len && vigil_vec_push(&img->tags))
		img->tags.len--;
	if ((error = layers_alloc(img, (int)json_array_size(layers))) < 0)
		goto done;
	for (int i = 0; i < img->nlayers; i++) {
		const char *ln = json_string_value(json_array_get(layers, (size_t)i));
		vigil_layer *L = &img->layers[i];
		if (!ln) {
			error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
						"%s: manifest.json: layer %d is not a string",
						img->ref, i);
			goto done;
		}
		L->blob = vigil_arena_strdup(&img->arena, ln);
		if (strncmp(ln, "blobs/sha256/", 13) == 0) {
			L->want_digest = vigil_arena_printf(&img->arena, "sha256:%s", ln + 13);
			if (!vigil_digest_is_sha256(L->want_digest))
				L->want_digest = NULL;
			L->info.digest = L->want_digest;
		}
		if (!vigil_image__store_has(img, ln)) {
			error = vigil_error_set(
				img->ctx, VIGIL_ENOTFOUND,
				"%s: missing blob: layer %d ('%s') is not in the archive", img->ref,
				i, ln);
			goto done;
		}
	}
	/* the config: its digest is the image ID */
	if ((error = vigil_image__store_read(img, cname, &cbuf)) < 0 ||
	    (error = vigil_sha256_buf(cdig, cbuf.data, cbuf.len)) < 0)
		goto done;
	if (strncmp(cname, "blobs/sha256/", 13) == 0 && strcmp(cname + 13, cdig + 7) != 0) {
		error = vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: config '%s': digest mismatch (content hashes to %s)",
					img->ref, cname, cdig);
		goto done;
	}
	img->config_digest = vigil_arena_strdup(&img->arena, cdig);
	if ((error = load_json(&cfg, img, cname, NULL, -1)) < 0 ||
	    (error = parse_config(img, cfg, cname)) < 0)
		goto done;
	/* Docker 25+: find the OCI manifest for this config to name the manifest digest */
	if (vigil_image__store_has(img, "index.json") &&
	    load_json(&index, img, "index.json", NULL, -1) == 0) {
		json_t *ms = vigil_image__jget(index, "manifests");
		for (size_t i = 0; i < json_array_size(ms) && !img->manifest_digest; i++) {
			json_t *d = json_array_get(ms, i), *m = NULL;
			const char *dig = json_string_value(vigil_image__jget(d, "digest"));
			const char *name;
			int64_t msz;
			if (!is_manifest_mt(json_string_value(vigil_image__jget(d, "mediaType"))) ||
			    blob_name(img, dig, &name) < 0 || !vigil_image__store_has(img, name) ||
			    desc_size(img, d, "manifest", dig, &msz) < 0)
				continue;
			if (load_json(&m, img, name, dig, msz) == 0) {
				const char *c = json_string_value(vigil_image__jget(
					vigil_image__jget(m, "config"), "digest"));
				if (c && strcmp(c, cdig) == 0)
					img->manifest_digest = vigil_arena_strdup(&img->arena, dig);
			}
			json_decref(m);
		}
		img->ctx->error[0] = '\0';
	}
	error = 0;
done:
	vigil_buf_free(&cbuf);
	json_decref(man);
	json_decref(cfg);
	json_decref(index);
	return error;
}
