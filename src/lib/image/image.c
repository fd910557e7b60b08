/*
 * The image object: detects the source format, indexes archives, reads layers
 * (in parallel when the archive can be read at random offsets) and merges them in
 * order as each one completes, so per-layer records are freed early.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

static const char *const OS_FILES[] = {
	"etc/os-release",     "usr/lib/os-release", "etc/alpine-release",
	"etc/debian_version", "etc/redhat-release", "etc/lsb-release",
};

void vigil_image__warn(vigil_image *img, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (vigil_image__lc_replaying())
		return; /* a cached layer's warnings were recorded and are given again once */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&img->cap_lock);
	char **w = img->warnings.len < 1000 ? vigil_vec_push(&img->warnings) : NULL;
	if (w)
		*w = vigil_arena_strdup(&img->arena, msg);
	pthread_mutex_unlock(&img->cap_lock);
	vigil_image__lc_warn(msg);
	vigil_warn(img->ctx, "%s", msg);
}

void vigil_image__stop(vigil_image *img, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&img->cap_lock);
	if (!img->stop_msg[0]) {
		va_start(ap, fmt);
		vsnprintf(img->stop_msg, sizeof(img->stop_msg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&img->cap_lock);
}

const char *vigil_image__stop_msg(vigil_image *img)
{
	const char *m;
	pthread_mutex_lock(&img->cap_lock);
	m = img->stop_msg[0] ? img->stop_msg : NULL;
	pthread_mutex_unlock(&img->cap_lock);
	return m;
}

const char *vigil_ftype_name(vigil_ftype t)
{
	static const char *names[] = {"file", "dir",   "symlink", "hardlink",
				      "char", "block", "fifo"};
	return (unsigned)t < VIGIL_ARRAY_LEN(names) ? names[t] : "unknown";
}

/* ---- the store: where blobs and metadata documents come from ------------------------ */

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const vigil_member *)a)->name, ((const vigil_member *)b)->name);
}

/* Finds a member by name, following symlinked members (skopeo writes legacy
 * <id>/layer.tar as a symlink to ../<digest>.tar) a few hops. */
static vigil_member *find_member(vigil_image *img, const char *name)
{
	vigil_member key;
	memset(&key, 0, sizeof(key));
	for (int hops = 0; hops < 8; hops++) {
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		key.name = name;
		vigil_member *m = vigil_bsearch(&key, img->members.data, img->members.len,
						sizeof(vigil_member), member_cmp);
		if (!m || !m->link)
			return m;
		name = m->link;
	}
	return NULL;
}

/* A symlink member's target as a member name: relative to the member's directory. */
static const char *member_link(vigil_image *img, const char *name, const char *target)
{
	vigil_buf b = VIGIL_BUF_INIT;
	const char *slash = strrchr(name, '/');
	const char *out = NULL;
	if (target[0] == '/')
		return NULL;
	if (slash && vigil_buf_put(&b, name, (size_t)(slash - name + 1)) < 0)
		goto done;
	for (const char *p = target; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* drop the last directory of b */
			if (b.len == 0)
				goto done;
			b.len--;
			while (b.len && b.data[b.len - 1] != '/')
				b.len--;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (vigil_buf_put(&b, p, n) < 0 || (e && vigil_buf_putc(&b, '/') < 0))
				goto done;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	if (vigil_buf_cstr(&b) == 0)
		out = vigil_arena_strdup(&img->arena, (char *)b.data);
done:
	vigil_buf_free(&b);
	return out;
}

/* A layout-relative name must not leave the layout directory. */
static int safe_rel(const char *name)
{
	if (!name[0] || name[0] == '/')
		return 0;
	for (const char *p = name; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

int vigil_image__store_has(vigil_image *img, const char *name)
{
	struct stat st;
	if (img->store == STORE_DIR)
		return safe_rel(name) && fstatat(img->dirfd, name, &st, 0) == 0 &&
		       S_ISREG(st.st_mode);
	if (img->store == STORE_REGISTRY && !find_member(img, name))
		return vigil_image__remote_has(img, name);
	return find_member(img, name) != NULL;
}

/* Opens a blob as a byte source. */
static int store_open(vigil_image *img, const char *name, vigil_bsrc_file *fsrc,
		      vigil_bsrc_mem *msrc, vigil_bsrc **out, uint64_t *size, int *close_fd)
{
	*close_fd = -1;
	if (img->store == STORE_DIR) {
		struct stat st;
		int fd = safe_rel(name) ? vigil_open_regular(img->dirfd, name, 0) : -1;
		if (fd < 0 && (errno == EINVAL || errno == EISDIR))
			return vigil_error_set(img->ctx, VIGIL_EFORMAT, "%s: blob '%s': %s",
					       img->ref, name, vigil_open_strerror(errno));
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			return vigil_error_set(img->ctx, VIGIL_ENOTFOUND, "%s: missing blob '%s'",
					       img->ref, name);
		}
		*close_fd = fd;
		*size = (uint64_t)st.st_size;
		int error = vigil_image__bsrc_file_init(fsrc, fd, 0, (uint64_t)st.st_size);
		*out = &fsrc->base;
		return error;
	}
	vigil_member *m = find_member(img, name);
	if (!m)
		return vigil_error_set(img->ctx, VIGIL_ENOTFOUND, "%s: missing blob '%s'", img->ref,
				       name);
	*size = m->size;
	if (m->data) {
		vigil_image__bsrc_mem_init(msrc, m->data, m->size);
		*out = &msrc->base;
		return 0;
	}
	*out = &fsrc->base;
	return vigil_image__bsrc_file_init(fsrc, img->fd, m->off, m->size);
}

int vigil_image__store_read(vigil_image *img, const char *name, vigil_buf *out)
{
	vigil_bsrc_file fs;
	vigil_bsrc_mem ms;
	vigil_bsrc *src;
	uint64_t size;
	int fd, error;
	memset(&fs, 0, sizeof(fs));
	out->len = 0;
	if (img->store == STORE_REGISTRY && !find_member(img, name))
		return vigil_image__remote_read(img, name, out);
	if ((error = store_open(img, name, &fs, &ms, &src, &size, &fd)) < 0)
		goto done;
	if (size > img->ctx->limits.max_json_size) {
		error = vigil_error_set(
			img->ctx, VIGIL_ELIMIT,
			"%s: '%s' is too large (%llu bytes; the limit for metadata is %llu)",
			img->ref, name, (unsigned long long)size,
			(unsigned long long)img->ctx->limits.max_json_size);
		goto done;
	}
	for (;;) {
		const uint8_t *p;
		size_t n;
		if ((error = src->read(src, &p, &n)) < 0) {
			error = vigil_error_set(img->ctx, error, "%s: '%s': %s", img->ref, name,
						src->errmsg);
			goto done;
		}
		if (n == 0)
			break;
		if ((error = vigil_buf_put(out, p, n)) < 0)
			goto done;
	}
	error = vigil_buf_cstr(out);
done:
	if (img->store != STORE_DIR || fd >= 0)
		vigil_image__bsrc_file_free(&fs);
	if (fd >= 0)
		close(fd);
	return error;
}

/* Which members the compressed-archive first pass keeps in memory. */
#define KEEP_SMALL (4u << 20)
#define KEEP_BUDGET (64u << 20)

/* Indexes the outer tar. Uncompressed files are indexed by seeking over member data;
 * compressed ones are decompressed once and only their small members are kept. */
static int index_archive(vigil_image *img)
{
	vigil_bsrc_file fs;
	vigil_dec *dec = NULL;
	vigil_tarr *tr = NULL;
	vigil_tar_member m;
	vigil_vec members = VIGIL_VEC_INIT(vigil_member);
	struct stat st;
	uint64_t kept = 0;
	int error, r;

	img->members = members;
	memset(&fs, 0, sizeof(fs));
	if (fstat(img->fd, &st) < 0)
		return vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", img->ref, strerror(errno));
	if ((error = vigil_image__bsrc_file_init(&fs, img->fd, 0, (uint64_t)st.st_size)) < 0 ||
	    (error = vigil_image__dec_new(&dec, &fs.base, NULL)) < 0) {
		if (error != VIGIL_ENOMEM)
			error = vigil_error_set(img->ctx, error, "%s: %s", img->ref,
						fs.base.errmsg);
		goto done;
	}
	img->outer_comp = vigil_image__dec_comp(dec);
	img->store = img->outer_comp == VIGIL_COMP_NONE ? STORE_TAR : STORE_TARSTREAM;
	if ((error = vigil_image__tarr_new(&tr, img->store == STORE_TAR ? img->fd : -1, dec,
					   img->ctx, img->ref)) < 0)
		goto done;
	while ((r = vigil_image__tarr_next(tr, &m)) > 0) {
		if (m.type != '0' && m.type != '7' && m.type != '2')
			continue;
		if (img->members.len >= 1000000) {
			error = vigil_error_set(img->ctx, VIGIL_ELIMIT,
						"%s: too many archive members", img->ref);
			goto done;
		}
		if (img->store == STORE_TAR && m.off + m.size > (uint64_t)st.st_size) {
			error = vigil_error_set(
				img->ctx, VIGIL_EFORMAT,
				"%s: truncated archive: member '%s' claims %llu bytes past the end "
				"of the file",
				img->ref, m.name,
				(unsigned long long)(m.off + m.size - (uint64_t)st.st_size));
			goto done;
		}
		vigil_member *mm = vigil_vec_push(&img->members);
		if (!mm || !(mm->name = vigil_arena_strdup(&img->arena, m.name))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		mm->off = m.off;
		mm->size = m.size;
		if (m.type == '2') {
			if (!(mm->link = member_link(img, mm->name, m.link)))
				img->members.len--; /* absolute or escaping: not a usable member */
			continue;
		}
		if (img->store == STORE_TARSTREAM && m.size <= KEEP_SMALL &&
		    kept + m.size <= KEEP_BUDGET) {
			uint8_t *data = vigil_arena_alloc(&img->arena, (size_t)m.size + 1);
			size_t at = 0;
			if (!data) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			for (;;) {
				const uint8_t *p;
				size_t n;
				if ((error = vigil_image__tarr_data(tr, &p, &n)) < 0)
					goto done;
				if (n == 0)
					break;
				memcpy(data + at, p, n);
				at += n;
			}
			mm->data = data;
			kept += m.size;
		}
	}
	if (r < 0) {
		error = r;
		goto done;
	}
	vigil_qsort(img->members.data, img->members.len, sizeof(vigil_member), member_cmp);
	error = 0;
done:
	vigil_image__tarr_free(tr);
	vigil_image__dec_free(dec);
	vigil_image__bsrc_file_free(&fs);
	return error;
}

/* ---- open ------------------------------------------------------------------------- */

/* An argument that is not an existing path is a registry reference when it parses as
 * one and does not look like a file name ("./x", "/x", "x.tar", "x.tar.gz"...). */
static int looks_like_ref(const char *s)
{
	static const char *const exts[] = {".tar", ".gz", ".tgz", ".zst", ".tzst", ".xz", ".oci"};
	vigil_ref *r = NULL;
	const char *why;
	size_t n = strlen(s);
	if (s[0] == '/' || s[0] == '.' || s[0] == '~')
		return 0;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(exts); i++) {
		size_t k = strlen(exts[i]);
		if (n > k && strcmp(s + n - k, exts[i]) == 0 && !strchr(s, '@'))
			return 0;
	}
	if (vigil_ref_parse(&r, s, &why) < 0)
		return 0;
	vigil_ref_free(r);
	return 1;
}

static int detect(vigil_image *img, const char *ref, const char **path, const char **kind)
{
	static const char *prefixes[] = {
		"docker-archive:", "oci-archive:", "oci:", "rootfs:", "fs:"};
	struct stat st;
	*kind = NULL;
	*path = ref;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(ref, prefixes[i], n) == 0) {
			*kind = vigil_arena_strndup(&img->arena, prefixes[i], n - 1);
			*path = ref + n;
			break;
		}
	}
	if (!**path)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "no image path given");
	if (!*kind && strncmp(ref, "registry:", 9) == 0) {
		*kind = "registry";
		return 0;
	}
	if (stat(*path, &st) < 0 && !*kind && errno == ENOENT && looks_like_ref(ref)) {
		*kind = "registry";
		return 0;
	}
	if (stat(*path, &st) < 0)
		return vigil_error_set(img->ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "%s: %s", *path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (*kind && strcmp(*kind, "oci") != 0 && strcmp(*kind, "rootfs") != 0 &&
		    strcmp(*kind, "fs") != 0)
			return vigil_error_set(img->ctx, VIGIL_EINVAL,
					       "%s: a directory cannot be a %s", *path, *kind);
		if (!*kind) {
			char probe[4096];
			snprintf(probe, sizeof(probe), "%s/oci-layout", *path);
			*kind = access(probe, F_OK) == 0 ? "oci" : "rootfs";
		}
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "%s: not a file or directory",
				       *path);
	if (*kind &&
	    (strcmp(*kind, "oci") == 0 || strcmp(*kind, "rootfs") == 0 || strcmp(*kind, "fs") == 0))
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "%s: %s: needs a directory", *path,
				       *kind);
	return 0;
}

/* A new, empty image object on `ctx`. */
static int image_alloc(vigil_image **out, vigil_ctx *ctx, const vigil_open_opts *opts)
{
	vigil_image *img = calloc(1, sizeof(*img));
	vigil_vec an = VIGIL_VEC_INIT(vigil_analyzer), caps = VIGIL_VEC_INIT(vigil_capture),
		  warn = VIGIL_VEC_INIT(char *), tags = VIGIL_VEC_INIT(char *),
		  mem = VIGIL_VEC_INIT(vigil_member);
	*out = NULL;
	if (!img)
		return VIGIL_ENOMEM;
	vigil_arena_init(&img->arena);
	pthread_mutex_init(&img->cap_lock, NULL);
	img->ctx = ctx;
	img->fd = img->dirfd = -1;
	img->all_layers = opts->all_layers;
	img->analyzers = an;
	img->captures = caps;
	img->warnings = warn;
	img->tags = tags;
	img->members = mem;
	*out = img;
	return 0;
}

/* A word read as a Docker Hub name because it is not a path ("myimage", "team/app:1")
 * that could not be pulled either: the error says both ("myimage: no such file, and
 * docker.io/library/myimage: ..."). A reference with a registry host or an explicit
 * prefix keeps the registry's error alone. */
static void bare_word_error(vigil_ctx *ctx, const char *arg, int error)
{
	static const char *const hub[] = {"docker.io/", "index.docker.io/",
					  "registry-1.docker.io/"};
	char msg[sizeof(ctx->error)], name[600];
	vigil_ref *r = NULL;
	const char *why;
	if (strncmp(arg, "registry:", 9) == 0 || strncmp(arg, "docker://", 9) == 0)
		return;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(hub); i++)
		if (strncmp(arg, hub[i], strlen(hub[i])) == 0)
			return;
	if (vigil_ref_parse(&r, arg, &why) < 0)
		return;
	if (strcmp(r->host, "docker.io") != 0) {
		vigil_ref_free(r);
		return;
	}
	snprintf(name, sizeof(name), "%s/%s", r->host, r->repo);
	vigil_ref_free(r);
	snprintf(msg, sizeof(msg), "%s", ctx->error);
	if (strncmp(msg, name, strlen(name)) == 0)
		vigil_error_set(ctx, error, "%s: no such file, and %s", arg, msg);
	else
		vigil_error_set(ctx, error, "%s: no such file, and %s: %s", arg, name, msg);
}

int vigil_image_open(vigil_image **out, vigil_ctx *ctx, const char *ref,
		     const vigil_open_opts *opts)
{
	static const vigil_open_opts defaults = VIGIL_OPEN_OPTS_INIT;
	vigil_image *img;
	const char *path, *kind;
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	ctx->error[0] = '\0';
	if ((error = image_alloc(&img, ctx, opts)) < 0)
		return error;
	if (!(img->ref = vigil_arena_strdup(&img->arena, ref))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = detect(img, ref, &path, &kind)) < 0)
		goto done;
	img->ref = vigil_arena_strdup(&img->arena, path);
	if (kind && strcmp(kind, "registry") == 0) {
		error = vigil_image__open_registry(img, ref, opts);
		if (error < 0 && error != VIGIL_ENOMEM)
			bare_word_error(ctx, ref, error);
		goto done;
	}
	if (kind && (strcmp(kind, "rootfs") == 0 || strcmp(kind, "fs") == 0)) {
		img->format = strcmp(kind, "fs") == 0 ? "fs" : "rootfs";
		img->source_tree = strcmp(kind, "fs") == 0;
		img->skip_dirs = opts->skip_dirs;
		img->skip_files = opts->skip_files;
		img->store = STORE_ROOTFS;
		img->rootfs_dir = img->ref;
		error = vigil_image__open_oci(img, NULL, NULL); /* fills the host config */
		goto done;
	}
	if (kind && strcmp(kind, "oci") == 0) {
		img->format = "oci";
		img->store = STORE_DIR;
		if ((img->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			error = vigil_error_set(ctx, VIGIL_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
		error = vigil_image__open_oci(img, opts->tag, opts->platform);
		goto done;
	}
	if ((img->fd = vigil_open_regular(AT_FDCWD, path, 0)) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "%s: %s", path, vigil_open_strerror(errno));
		goto done;
	}
	if ((error = index_archive(img)) < 0)
		goto done;
	/* Docker 25+ writes an OCI layout and a manifest.json: manifest.json picks the image,
	 * the OCI index verifies it. docker-archive: asks for the docker view. */
	int has_manifest = vigil_image__store_has(img, "manifest.json");
	int has_oci = vigil_image__store_has(img, "index.json");
	if (kind && strcmp(kind, "docker-archive") == 0 && !has_manifest) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: not a docker-archive (no manifest.json)", path);
	} else if (kind && strcmp(kind, "oci-archive") == 0 && !has_oci) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: not an OCI archive (no index.json)", path);
	} else if (has_manifest && !(kind && strcmp(kind, "oci-archive") == 0)) {
		img->format = "docker-archive";
		error = vigil_image__open_docker(img, opts->tag);
	} else if (has_oci) {
		img->format = "oci-archive";
		error = vigil_image__open_oci(img, opts->tag, opts->platform);
	} else if (vigil_image__store_has(img, "repositories")) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: a pre-1.10 docker save archive (no manifest.json): "
					"not supported; re-save it with a current docker or skopeo",
					path);
	} else {
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"%s: not a container image (no manifest.json or index.json found)", path);
	}
done:
	if (error < 0) {
		vigil_image_free(img);
		return error;
	}
	*out = img;
	return 0;
}

int vigil_image__open_mem(vigil_image **out, vigil_ctx *ctx, const char *format,
			  const vigil_member *members, size_t n, const vigil_open_opts *opts)
{
	static const vigil_open_opts defaults = VIGIL_OPEN_OPTS_INIT;
	vigil_image *img;
	int error;
	*out = NULL;
	if ((error = image_alloc(&img, ctx, opts ? opts : &defaults)) < 0)
		return error;
	if (!opts)
		opts = &defaults;
	img->ref = "(memory)";
	img->store = STORE_TARSTREAM;
	for (size_t i = 0; i < n && error == 0; i++) {
		vigil_member *m = vigil_vec_push(&img->members);
		if (!m)
			error = VIGIL_ENOMEM;
		else
			*m = members[i];
	}
	if (error == 0 && strcmp(format, "layers") == 0) {
		img->format = "layers";
		if (n > ctx->limits.max_layers)
			error = VIGIL_ELIMIT;
		else if (!(img->layers = vigil_arena_alloc(&img->arena,
							   (n ? n : 1) * sizeof(vigil_layer))))
			error = VIGIL_ENOMEM;
		for (size_t i = 0; error == 0 && i < n; i++) {
			img->layers[i].info.index = (int)i;
			img->layers[i].dup_of = -1;
			img->layers[i].want_size = -1;
			img->layers[i].blob = members[i].name;
		}
		img->nlayers = (int)n;
	}
	if (error == 0)
		vigil_qsort(img->members.data, img->members.len, sizeof(vigil_member), member_cmp);
	if (error == 0 && strcmp(format, "oci") == 0) {
		img->format = "oci-archive";
		error = vigil_image__open_oci(img, opts->tag, opts->platform);
	} else if (error == 0 && strcmp(format, "docker") == 0) {
		img->format = "docker-archive";
		error = vigil_image__open_docker(img, opts->tag);
	}
	if (error < 0) {
		vigil_image_free(img);
		return error;
	}
	*out = img;
	return 0;
}

void vigil_image_free(vigil_image *img)
{
	if (!img)
		return;
	for (int i = 0; i < img->nlayers; i++) {
		vigil_vec_free(&img->layers[i].recs);
		vigil_arena_clear(&img->layers[i].arena);
	}
	for (size_t i = 0; i < img->captures.len; i++)
		vigil_buf_free(&VIGIL_VEC_AT(&img->captures, vigil_capture, i).data);
	vigil_vec_free(&img->captures);
	vigil_vec_free(&img->analyzers);
	vigil_vec_free(&img->warnings);
	vigil_vec_free(&img->tags);
	vigil_vec_free(&img->members);
	vigil_image__tree_free(img->tree);
	vigil_image__remote_free(img->remote);
	if (img->fd >= 0)
		close(img->fd);
	if (img->dirfd >= 0)
		close(img->dirfd);
	pthread_mutex_destroy(&img->cap_lock);
	vigil_arena_clear(&img->arena);
	free(img);
}

int vigil_image_add_analyzer(vigil_image *img, const vigil_analyzer *a)
{
	vigil_analyzer *slot = vigil_vec_push(&img->analyzers);
	if (!slot)
		return VIGIL_ENOMEM;
	*slot = *a;
	return 0;
}

/* ---- analyzers ---------------------------------------------------------------------- */

int vigil_image__analyze(vigil_image *img, const vigil_file *f, vigil_head_fn head_fn,
			 vigil_pull_fn next, void *src)
{
	enum { MAX_AN = 64 };
	void *state[MAX_AN];
	int active[MAX_AN], verdict[MAX_AN], nact = 0, error = 0, need_head = 0;
	size_t na = img->analyzers.len < MAX_AN ? img->analyzers.len : MAX_AN;
	const uint8_t *head = NULL;
	size_t head_len = 0;
	/* the per-layer cache (lcache.c): while recording a layer, what the analyzers
	 * without layer_save read is kept; while replaying one, the analyzers with
	 * layer_load already have their output */
	int replaying = vigil_image__lc_replaying(), recording = vigil_image__lc_recording();
	int plain_head = 0, plain_active = 0;

	/* by name first: a file nobody wants is never read */
	for (size_t i = 0; i < na; i++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
		if ((f->size > img->ctx->limits.max_file_size && !a->any_size) ||
		    (replaying && a->layer_load))
			verdict[i] = VIGIL_WANT_NO;
		else
			verdict[i] = a->want ? a->want(f, NULL, 0, a->payload) : VIGIL_WANT_NO;
		if (verdict[i] < 0)
			return verdict[i];
		need_head |= verdict[i] == VIGIL_WANT_HEAD;
		if (verdict[i] == VIGIL_WANT_YES)
			need_head |= 1; /* the stream starts with the head in any case */
		if (!a->layer_save && verdict[i] != VIGIL_WANT_NO)
			plain_head = 1;
	}
	if (!need_head)
		return 0;
	if ((error = head_fn(src, &head, &head_len)) < 0)
		return error;
	for (size_t i = 0; i < na; i++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
		if (verdict[i] == VIGIL_WANT_HEAD) {
			int w = a->want(f, head, head_len < 512 ? head_len : 512, a->payload);
			if (w < 0)
				return w;
			verdict[i] = w == VIGIL_WANT_YES;
		}
		if (verdict[i] != VIGIL_WANT_YES)
			continue;
		plain_active |= !a->layer_save;
		state[nact] = NULL;
		if (a->begin && (error = a->begin(&state[nact], f, a->payload)) < 0)
			goto finish;
		active[nact++] = (int)i;
	}
	if (recording && plain_head) {
		vigil_image__lc_file_begin(img, !plain_active);
		if (!plain_active) {
			vigil_image__lc_file_data(head, head_len);
			vigil_image__lc_file_end();
		}
	}
	recording = recording && plain_active;
	if (nact == 0)
		return 0;
	const uint8_t *p = head;
	size_t n = head_len;
	while (n) {
		if (recording)
			vigil_image__lc_file_data(p, n);
		for (int k = 0; k < nact; k++) {
			vigil_analyzer *a =
				&VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, active[k]);
			if (a->data && (error = a->data(state[k], p, n, a->payload)) < 0)
				goto finish;
		}
		if ((error = next(src, &p, &n)) < 0)
			goto finish;
	}
finish:
	if (recording)
		vigil_image__lc_file_end();
	for (int k = 0; k < nact; k++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, active[k]);
		int e2 = a->end ? a->end(state[k], error, a->payload) : 0;
		if (e2 < 0 && error == 0)
			error = e2;
	}
	return error;
}

/* The built-in analyzer that keeps OS identification files for vigil_image_os. */
static int os_want(const vigil_file *f, const uint8_t *head, size_t len, void *payload)
{
	(void)head, (void)len, (void)payload;
	if (f->size > 65536)
		return VIGIL_WANT_NO;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(OS_FILES); i++)
		if (strcmp(f->path + 1, OS_FILES[i]) == 0)
			return VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

typedef struct os_cap {
	vigil_buf data;
	int layer;
	char path[]; /* relative */
} os_cap;

static int os_begin(void **state, const vigil_file *f, void *payload)
{
	size_t n = strlen(f->path + 1);
	os_cap *c = calloc(1, sizeof(*c) + n + 1);
	(void)payload;
	if (!c)
		return VIGIL_ENOMEM;
	c->data.limit = 65536;
	c->layer = f->layer;
	memcpy(c->path, f->path + 1, n + 1);
	*state = c;
	return 0;
}

static int os_data(void *state, const uint8_t *p, size_t n, void *payload)
{
	os_cap *c = state;
	(void)payload;
	int error = vigil_buf_put(&c->data, p, n);
	return error == VIGIL_ELIMIT ? 0 : error;
}

static int os_end(void *state, int error, void *payload)
{
	vigil_image *img = payload;
	os_cap *c = state;
	if (error == 0 && (error = vigil_buf_cstr(&c->data)) == 0) {
		pthread_mutex_lock(&img->cap_lock);
		vigil_capture *cap = vigil_vec_push(&img->captures);
		if (cap && (cap->path = vigil_arena_strdup(&img->arena, c->path))) {
			cap->layer = c->layer;
			cap->data = c->data;
			c->data.data = NULL;
		} else {
			error = VIGIL_ENOMEM;
		}
		pthread_mutex_unlock(&img->cap_lock);
	}
	vigil_buf_free(&c->data);
	free(c);
	return error < 0 ? error : 0;
}

/* ---- reading layers ------------------------------------------------------------------ */

typedef struct reader {
	vigil_image *img;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int next; /* next layer to start */
	int failed;
} reader;

static int read_one(vigil_image *img, int i)
{
	vigil_layer *L = &img->layers[i];
	vigil_bsrc_file fs;
	vigil_bsrc_mem ms;
	vigil_bsrc *src;
	uint64_t size;
	int fd, error;
	vigil_lc_rec *rec = NULL;
	char key[160];
	memset(&fs, 0, sizeof(fs));
	/* the per-layer cache first: a layer found there is not read at all */
	if ((error = vigil_image__lc_try(img, i, &rec, key)) != 0) {
		if (error > 0)
			return 0;
		if (!L->error) { /* the reader waits for a failed layer's error */
			snprintf(L->errmsg, sizeof(L->errmsg), "layer %d (%s): %s", i,
				 L->want_digest ? L->want_digest : L->blob,
				 error == VIGIL_ENOMEM ? "out of memory"
						       : "replaying the cached layer failed");
			L->error = error;
		}
		return error;
	}
	if (img->store == STORE_REGISTRY) {
		error = vigil_image__remote_layer(img, i);
		vigil_image__lc_done(img, i, rec, key, error);
		return error;
	}
	if ((error = store_open(img, L->blob, &fs, &ms, &src, &size, &fd)) < 0) {
		snprintf(L->errmsg, sizeof(L->errmsg), "layer %d: %s", i,
			 vigil_ctx_error(img->ctx));
		L->error = error;
		vigil_image__lc_done(img, i, rec, key, error);
		return error;
	}
	error = vigil_image__layer_read(img, i, src);
	vigil_image__lc_done(img, i, rec, key, error);
	if (img->store != STORE_DIR || fd >= 0)
		vigil_image__bsrc_file_free(&fs);
	if (fd >= 0)
		close(fd);
	return error;
}

void vigil_image__progress(vigil_image *img, uint64_t bytes)
{
	uint64_t done = atomic_fetch_add(&img->progress_done, bytes) + bytes;
	if (!img->ctx->progress || bytes == 0)
		return;
	pthread_mutex_lock(&img->ctx->lock);
	img->ctx->progress(done, img->progress_total, img->ctx->progress_payload);
	pthread_mutex_unlock(&img->ctx->lock);
}

static void *worker(void *arg)
{
	reader *r = arg;
	vigil_image *img = r->img;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		int i = r->failed ? img->nlayers : r->next++;
		pthread_mutex_unlock(&r->lock);
		if (i >= img->nlayers)
			break;
		int error = read_one(img, i);
		pthread_mutex_lock(&r->lock);
		img->layers[i].done = 1;
		if (error < 0 && error != VIGIL_ECANCELLED) {
			r->failed = 1;
			atomic_store(&img->cancel, 1);
		}
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

static int merge_layer(vigil_image *img, int i)
{
	vigil_layer *L = &img->layers[i];
	vigil_layer *R = L->dup_of >= 0 ? &img->layers[L->dup_of] : L;
	const char *bad;
	int error = vigil_image__tree_apply(img->tree, R->recs.data, R->recs.len, i, &bad);
	if (L->dup_of >= 0 && error == 0 && L->want_size >= 0 &&
	    R->info.size != (uint64_t)L->want_size)
		return vigil_error_set(img->ctx, VIGIL_EFORMAT,
				       "layer %d (%s): descriptor size mismatch: the blob is %llu "
				       "bytes but its descriptor says %lld",
				       i, L->want_digest ? L->want_digest : L->blob,
				       (unsigned long long)R->info.size, (long long)L->want_size);
	if (L->dup_of >= 0) {
		L->info.compression = R->info.compression;
		L->info.size = R->info.size;
		L->info.uncompressed_size = R->info.uncompressed_size;
		L->info.entries = R->info.entries;
		if (!L->info.diff_id)
			L->info.diff_id = R->info.diff_id;
		if (!L->info.digest)
			L->info.digest = R->info.digest;
	}
	if (error == VIGIL_EFORMAT)
		error = vigil_error_set(img->ctx, error,
					"layer %d (%s): entry '/%s': symbolic link loop while "
					"resolving its directory",
					i, L->info.digest ? L->info.digest : L->blob,
					bad ? bad : "");
	else if (error < 0)
		error = vigil_error_set(img->ctx, error, "layer %d: merging '/%s' failed", i,
					bad ? bad : "");
	if (img->store != STORE_TARSTREAM) { /* stream mode may apply them again */
		vigil_vec_free(&L->recs);
		vigil_arena_clear(&L->arena);
	}
	return error;
}

static int read_layers(vigil_image *img)
{
	reader r;
	pthread_t th[64];
	int nth = img->ctx->threads > 0 ? img->ctx->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	int started = 0, error = 0, merged = 0;

	if (img->store == STORE_TARSTREAM || nth < 1)
		nth = 1;		  /* one decompression stream: sequential */
	if (img->store == STORE_REGISTRY) /* network-bound: the fetch limit decides */
		nth = vigil_image__remote_parallel(img);
	if (nth > img->nlayers)
		nth = img->nlayers;
	if (nth > 64)
		nth = 64;
	memset(&r, 0, sizeof(r));
	r.img = img;
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	for (int i = 0; i < img->nlayers; i++)
		img->progress_total += img->layers[i].info.size;
	if (nth <= 1) {
		for (int i = 0; i < img->nlayers && error == 0; i++) {
			if ((error = read_one(img, i)) < 0)
				error = vigil_error_set(img->ctx, error, "%s",
							img->layers[i].errmsg);
			else
				error = merge_layer(img, i);
		}
		goto done;
	}
	for (int t = 0; t < nth; t++)
		if (pthread_create(&th[t], NULL, worker, &r) == 0)
			started++;
	if (started == 0) {
		error = vigil_error_set(img->ctx, VIGIL_ENOMEM, "cannot start threads");
		goto done;
	}
	/* merge in layer order as layers complete */
	pthread_mutex_lock(&r.lock);
	while (merged < img->nlayers) {
		while (!img->layers[merged].done && !(r.failed && r.next >= img->nlayers))
			pthread_cond_wait(&r.cond, &r.lock);
		if (!img->layers[merged].done)
			break;
		if (img->layers[merged].error)
			break;
		pthread_mutex_unlock(&r.lock);
		error = merge_layer(img, merged);
		pthread_mutex_lock(&r.lock);
		if (error < 0) {
			r.failed = 1;
			atomic_store(&img->cancel, 1);
			break;
		}
		merged++;
	}
	pthread_mutex_unlock(&r.lock);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (error == 0 && merged < img->nlayers) {
		/* report the lowest layer that really failed (not a cancelled one) */
		for (int i = 0; i < img->nlayers; i++) {
			vigil_layer *L = &img->layers[i];
			if (L->error && L->error != VIGIL_ECANCELLED) {
				error = vigil_error_set(img->ctx, L->error, "%s", L->errmsg);
				break;
			}
		}
		if (error == 0)
			error = vigil_error_set(img->ctx, VIGIL_ECANCELLED,
						"reading was cancelled");
	}
done:
	pthread_mutex_destroy(&r.lock);
	pthread_cond_destroy(&r.cond);
	return error;
}

/* A layer member read through the outer tar reader. */
typedef struct tsrc {
	vigil_bsrc base;
	vigil_tarr *tr;
} tsrc;

static int tsrc_read(vigil_bsrc *base, const uint8_t **p, size_t *n)
{
	tsrc *s = (tsrc *)base;
	int error = vigil_image__tarr_data(s->tr, p, n);
	if (error < 0)
		base->errmsg = "truncated archive";
	return error;
}

/* The compressed archive: one more pass over the stream, reading layers as they come
 * (small ones were kept in memory by the first pass). A blob named by two layers is
 * read once and its records are applied twice. */
static int read_layers_stream(vigil_image *img)
{
	vigil_bsrc_file fs;
	vigil_dec *dec = NULL;
	vigil_tarr *tr = NULL;
	vigil_tar_member m;
	struct stat st;
	int error = 0, r, pending = 0;

	memset(&fs, 0, sizeof(fs));
	for (int i = 0; i < img->nlayers; i++) {
		vigil_layer *L = &img->layers[i];
		vigil_member *mm = find_member(img, L->blob);
		if (!mm)
			return vigil_error_set(img->ctx, VIGIL_ENOTFOUND, "%s: missing blob '%s'",
					       img->ref, L->blob);
		L->blob = mm->name;
		L->dup_of = -1;
		for (int j = 0; j < i; j++)
			if (img->layers[j].blob == L->blob && img->layers[j].dup_of < 0)
				L->dup_of = j;
		if (L->dup_of >= 0)
			continue;
		img->progress_total += mm->size;
		if (mm->data) {
			if ((error = read_one(img, i)) < 0)
				return vigil_error_set(img->ctx, error, "%s", L->errmsg);
			L->done = 1;
		} else {
			pending++;
		}
	}
	if (pending) {
		if (fstat(img->fd, &st) < 0 ||
		    vigil_image__bsrc_file_init(&fs, img->fd, 0, (uint64_t)st.st_size) < 0 ||
		    vigil_image__dec_new(&dec, &fs.base, NULL) < 0 ||
		    vigil_image__tarr_new(&tr, -1, dec, img->ctx, img->ref) < 0) {
			error = vigil_error_set(img->ctx, VIGIL_EIO,
						"%s: cannot read the archive again", img->ref);
			goto done;
		}
	}
	while (pending && (r = vigil_image__tarr_next(tr, &m)) > 0) {
		for (int i = 0; i < img->nlayers; i++) {
			vigil_layer *L = &img->layers[i];
			if (L->done || L->dup_of >= 0 || strcmp(L->blob, m.name) != 0)
				continue;
			tsrc ts = {{tsrc_read, NULL}, tr};
			if ((error = vigil_image__layer_read(img, i, &ts.base)) < 0) {
				error = vigil_error_set(img->ctx, error, "%s", L->errmsg);
				goto done;
			}
			L->done = 1;
			pending--;
			break;
		}
	}
	if (pending) {
		if (vigil_ctx_error(img->ctx)[0] == '\0')
			vigil_error_set(img->ctx, VIGIL_EFORMAT,
					"%s: archive ended before all layers", img->ref);
		error = VIGIL_EFORMAT;
		goto done;
	}
	for (int i = 0; i < img->nlayers && error == 0; i++)
		error = merge_layer(img, i);
done:
	vigil_image__tarr_free(tr);
	vigil_image__dec_free(dec);
	vigil_image__bsrc_file_free(&fs);
	return error;
}

static void parse_os_release(vigil_image *img, const char *text, const char *source)
{
	vigil_os *os = &img->os;
	os->source_path = source;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *eq = memchr(line, '=', len);
		if (eq) {
			size_t klen = (size_t)(eq - line);
			const char *v = eq + 1;
			size_t vlen = len - klen - 1;
			if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
				v++;
				vlen -= 2;
			}
			const char **slot = NULL;
			if (klen == 2 && memcmp(line, "ID", 2) == 0)
				slot = &os->id;
			else if (klen == 10 && memcmp(line, "VERSION_ID", 10) == 0)
				slot = &os->version_id;
			else if (klen == 16 && memcmp(line, "VERSION_CODENAME", 16) == 0)
				slot = &os->version_codename;
			else if (klen == 11 && memcmp(line, "PRETTY_NAME", 11) == 0)
				slot = &os->pretty_name;
			else if (klen == 7 && memcmp(line, "ID_LIKE", 7) == 0)
				slot = &os->id_like;
			if (slot)
				*slot = vigil_arena_strndup(&img->arena, v, vlen);
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* "CentOS release 6.10 (Final)", "Red Hat Enterprise Linux Server release 7.9 (Maipo)". */
static void parse_redhat_release(vigil_image *img, const char *text)
{
	static const struct {
		const char *prefix, *id;
	} names[] = {
		{"CentOS", "centos"},	  {"Red Hat Enterprise Linux", "rhel"},
		{"Rocky Linux", "rocky"}, {"AlmaLinux", "almalinux"},
		{"Fedora", "fedora"},	  {"Oracle Linux", "ol"},
	};
	const char *rel = strstr(text, "release ");
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(names); i++) {
		if (strncmp(text, names[i].prefix, strlen(names[i].prefix)) != 0)
			continue;
		img->os.id = names[i].id;
		if (rel) {
			rel += 8;
			img->os.version_id =
				vigil_arena_strndup(&img->arena, rel, strcspn(rel, " \r\n"));
		}
		img->os.pretty_name = vigil_arena_strndup(&img->arena, text, strcspn(text, "\r\n"));
		img->os.source_path = "/etc/redhat-release";
		return;
	}
}

/* Finds the captured content of the file that `path` resolves to in the merged view. */
static const vigil_capture *captured(vigil_image *img, const char *path)
{
	uint32_t node;
	vigil_file f;
	if (vigil_image__tree_lookup(img->tree, path, 1, &node) < 0 ||
	    vigil_image__tree_file(img->tree, node, &f) < 0 || f.type != VIGIL_FT_FILE)
		return NULL;
	for (size_t i = 0; i < img->captures.len; i++) {
		vigil_capture *c = &VIGIL_VEC_AT(&img->captures, vigil_capture, i);
		if (c->layer == f.layer && strcmp(c->path, f.path + 1) == 0)
			return c;
	}
	return NULL;
}

static void detect_os(vigil_image *img)
{
	const vigil_capture *c;
	if ((c = captured(img, "/etc/os-release")) || (c = captured(img, "/usr/lib/os-release"))) {
		parse_os_release(img, (const char *)c->data.data,
				 vigil_arena_printf(&img->arena, "/%s", c->path));
	}
	if (!img->os.id && (c = captured(img, "/etc/alpine-release"))) {
		img->os.id = "alpine";
		img->os.version_id =
			vigil_arena_strndup(&img->arena, (const char *)c->data.data,
					    strcspn((const char *)c->data.data, "\r\n"));
		img->os.source_path = "/etc/alpine-release";
	}
	if (!img->os.id && (c = captured(img, "/etc/redhat-release")))
		parse_redhat_release(img, (const char *)c->data.data);
	if (!img->os.id && (c = captured(img, "/etc/debian_version"))) {
		/* very old Debian images have no os-release */
		const char *v = (const char *)c->data.data;
		size_t n = strcspn(v, "\r\n");
		if (n && v[0] >= '0' && v[0] <= '9') {
			img->os.id = "debian";
			img->os.version_id = vigil_arena_strndup(&img->arena, v, n);
			img->os.source_path = "/etc/debian_version";
		}
	}
	if (img->os.id && strcmp(img->os.id, "debian") == 0 &&
	    (c = captured(img, "/etc/debian_version"))) {
		/* point release, e.g. 12.8, is only in debian_version */
		const char *v = (const char *)c->data.data;
		size_t n = strcspn(v, "\r\n");
		if (n && v[0] >= '0' && v[0] <= '9')
			img->os.version_id = vigil_arena_strndup(&img->arena, v, n);
	}
}

int vigil_image_read(vigil_image *img)
{
	vigil_analyzer os = {"os-release", os_want, os_begin, os_data, os_end, img};
	int error;
	if (img->read_done)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "image already read");
	img->read_done = 1;
	atomic_store(&img->lc_hits, 0);
	atomic_store(&img->lc_puts, 0);
	img->ctx->error[0] = '\0';
	if ((error = vigil_image_add_analyzer(img, &os)) < 0 ||
	    (error = vigil_image__tree_new(&img->tree, img->all_layers)) < 0)
		return error;
	if (img->store == STORE_ROOTFS) {
		error = vigil_image__rootfs_read(img);
		if (error == 0)
			error = merge_layer(img, 0);
	} else if (img->store == STORE_TARSTREAM) {
		error = read_layers_stream(img);
	} else {
		error = read_layers(img);
	}
	if (error < 0)
		return error;
	detect_os(img);
	return 0;
}

/* ---- getters ------------------------------------------------------------------------ */

const char *vigil_image_format(const vigil_image *img)
{
	return img->format;
}
const char *vigil_image_manifest_digest(const vigil_image *img)
{
	return img->manifest_digest;
}
const char *vigil_image_config_digest(const vigil_image *img)
{
	return img->config_digest;
}
const char *const *vigil_image_tags(const vigil_image *img)
{
	static const char *const none[] = {NULL};
	return img->tags.len ? (const char *const *)img->tags.data : none;
}
int vigil_image_layer_count(const vigil_image *img)
{
	return img->nlayers;
}

const vigil_layer_info *vigil_image_layer(const vigil_image *img, int i)
{
	return i >= 0 && i < img->nlayers ? &img->layers[i].info : NULL;
}

const vigil_config *vigil_image_config(const vigil_image *img)
{
	return &img->config;
}
const vigil_os *vigil_image_os(const vigil_image *img)
{
	return &img->os;
}

void vigil_image_totals(const vigil_image *img, uint64_t *files, uint64_t *bytes)
{
	*files = *bytes = 0;
	if (img->tree)
		vigil_image__tree_totals(img->tree, files, bytes);
}

const char *const *vigil_image_warnings(const vigil_image *img)
{
	static const char *const none[] = {NULL};
	vigil_image *m = (vigil_image *)img;
	if (!img->warnings.len)
		return none;
	char **end = vigil_vec_push(&m->warnings); /* NULL terminator, popped again */
	if (!end)
		return none;
	m->warnings.len--;
	return (const char *const *)m->warnings.data;
}

int vigil_image_lookup(const vigil_file **out, vigil_image *img, const char *path, int follow)
{
	static __thread vigil_file f;
	uint32_t node;
	int error;
	*out = NULL;
	if (!img->tree)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "the image has not been read yet");
	if ((error = vigil_image__tree_lookup(img->tree, path, follow, &node)) < 0) {
		if (error == VIGIL_EFORMAT)
			return vigil_error_set(
				img->ctx, error,
				"%s: symbolic link loop (too many levels of symbolic links)", path);
		return vigil_error_set(img->ctx, error, "%s: no such file in the image", path);
	}
	if ((error = vigil_image__tree_file(img->tree, node, &f)) < 0)
		return error;
	*out = &f;
	return 0;
}

int vigil_image_foreach_file(vigil_image *img, const char *prefix, vigil_file_cb cb, void *payload)
{
	uint32_t node = 0;
	int error;
	if (!img->tree)
		return vigil_error_set(img->ctx, VIGIL_EINVAL, "the image has not been read yet");
	if (prefix && strcmp(prefix, "/") != 0) {
		size_t n = strlen(prefix);
		int follow = n > 1 && prefix[n - 1] == '/';
		if ((error = vigil_image__tree_lookup(img->tree, prefix, follow, &node)) < 0) {
			if (error == VIGIL_EFORMAT)
				return vigil_error_set(img->ctx, error,
						       "%s: symbolic link loop (too many levels of "
						       "symbolic links)",
						       prefix);
			return vigil_error_set(img->ctx, error, "%s: no such file in the image",
					       prefix);
		}
	}
	return vigil_image__tree_walk(img->tree, node, cb, payload);
}

/* A root filesystem's file, opened one component at a time without following any
 * symlink (the path was resolved in the merged view already). */
static int rootfs_pull(vigil_image *img, const char *rel, vigil_image__chunk_fn cb, void *payload)
{
	char comp[256];
	int dfd = open(img->rootfs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), error = 0;
	const char *p = rel;
	if (dfd < 0)
		return VIGIL_EIO;
	for (;;) {
		size_t n = strcspn(p, "/");
		int last = p[n] == '\0', fd;
		if (n == 0 || n >= sizeof(comp)) {
			close(dfd);
			return VIGIL_ENOTFOUND;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		fd = openat(dfd, comp,
			    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY));
		close(dfd);
		if (fd < 0)
			return VIGIL_ENOTFOUND;
		if (!last) {
			dfd = fd;
			p += n + 1;
			continue;
		}
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return VIGIL_ENOTFOUND;
		}
		uint8_t *buf = malloc(1 << 16);
		ssize_t got;
		if (!buf) {
			close(fd);
			return VIGIL_ENOMEM;
		}
		while ((got = read(fd, buf, 1 << 16)) > 0)
			if ((error = cb(buf, (size_t)got, payload)) < 0)
				break;
		if (got < 0 && error == 0)
			error = VIGIL_EIO;
		free(buf);
		close(fd);
		return error;
	}
}

int vigil_image__file_pull(vigil_image *img, const char *path, int layer, vigil_image__chunk_fn cb,
			   void *payload)
{
	vigil_buf rel = VIGIL_BUF_INIT, hl = VIGIL_BUF_INIT;
	int error, tries = 0;
	while (*path == '/')
		path++;
	if (img->rootfs_dir)
		return rootfs_pull(img, path, cb, payload);
	if (layer < 0 || layer >= img->nlayers)
		return VIGIL_EINVAL;
	vigil_layer *L = &img->layers[layer];
	if (L->dup_of >= 0)
		L = &img->layers[L->dup_of];
	if ((error = vigil_buf_puts(&rel, path)) < 0 || (error = vigil_buf_cstr(&rel)) < 0)
		goto done;
	for (;;) {
		vigil_bsrc_file fs;
		vigil_bsrc_mem ms;
		vigil_bsrc *src;
		uint64_t size;
		int fd;
		memset(&fs, 0, sizeof(fs));
		if (img->store == STORE_TARSTREAM) {
			vigil_member *m = find_member(img, L->blob);
			if (!m || !m->data) {
				error = VIGIL_EINVAL;
				goto done;
			}
		}
		if ((error = store_open(img, L->blob, &fs, &ms, &src, &size, &fd)) < 0)
			goto done;
		error = vigil_image__layer_pull(img, src, (const char *)rel.data, cb, payload, &hl);
		if (img->store != STORE_DIR || fd >= 0)
			vigil_image__bsrc_file_free(&fs);
		if (fd >= 0)
			close(fd);
		if (error != 1)
			break;
		if (++tries > 8) { /* hard links to hard links: a loop */
			error = VIGIL_EFORMAT;
			break;
		}
		rel.len = 0;
		if ((error = vigil_buf_put(&rel, hl.data, hl.len)) < 0 ||
		    (error = vigil_buf_cstr(&rel)) < 0)
			break;
	}
done:
	vigil_buf_free(&rel);
	vigil_buf_free(&hl);
	return error;
}
