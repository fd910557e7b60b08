/*
 * dfscan.c - vigil_config_scan_path and vigil_config_scan_buffer: finds Dockerfiles
 * and Kubernetes manifests in a file or a directory tree (bounded, symbolic links never
 * followed) and runs the checks of their kind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/dfparse.h"
#include "config/yamlload.h"

#define MAX_WALK_DEPTH 32
#define MAX_WALK_FILES 100000

enum { KIND_NONE, KIND_DOCKERFILE, KIND_K8S };

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The kind a file name suggests: Dockerfile, Dockerfile.*, *.dockerfile, Containerfile,
 * Containerfile.*; *.yaml, *.yml, *.json. */
static int kind_of_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	if (!strcasecmp(b, "Dockerfile") || !strncasecmp(b, "Dockerfile.", 11) ||
	    !strcasecmp(b, "Containerfile") || !strncasecmp(b, "Containerfile.", 14) ||
	    ends_with_ci(b, ".dockerfile") || ends_with_ci(b, ".containerfile"))
		return KIND_DOCKERFILE;
	if (ends_with_ci(b, ".yaml") || ends_with_ci(b, ".yml") || ends_with_ci(b, ".json"))
		return KIND_K8S;
	return KIND_NONE;
}

static int run_kind(vigil_config_result *r, vigil_ctx *ctx, int kind, const char *name,
		    const char *buf, size_t len, const vigil_config_opts *opts)
{
	bool found;
	if (kind == KIND_DOCKERFILE)
		return vigil_config__dockerfile(r, ctx, name, buf, len, opts);
	return vigil_config__k8s(r, ctx, name, buf, len, opts, &found);
}

/* Reads a regular file of at most `max` bytes (not following a final symbolic link). */
static int read_file(vigil_ctx *ctx, const char *path, size_t max, char **out, size_t *len)
{
	int fd = vigil_open_regular(AT_FDCWD, path, O_NOFOLLOW);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int error = 0;
	*out = NULL;
	if (fd < 0)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO, "%s: %s",
				       path, vigil_open_strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = vigil_error_set(ctx, VIGIL_EIO, "%s: not a regular file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > max) {
		error = vigil_error_set(ctx, VIGIL_ELIMIT, "%s: larger than %zu bytes", path, max);
		goto done;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
done:
	free(buf);
	close(fd);
	return error;
}

static int scan_file(vigil_config_result *r, vigil_ctx *ctx, const char *path, int kind,
		     const vigil_config_opts *opts)
{
	char *buf;
	size_t len;
	int error = read_file(ctx, path,
			      kind == KIND_DOCKERFILE ? VIGIL_DF_MAX_INPUT : VIGIL_YAML_MAX_INPUT,
			      &buf, &len);
	if (error < 0)
		return error;
	error = run_kind(r, ctx, kind, path, buf, len, opts);
	free(buf);
	return error;
}

typedef struct walk {
	vigil_config_result *r;
	vigil_ctx *ctx;
	const vigil_config_opts *opts;
	size_t files;
} walk;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks a directory in name order; files that fail are warnings, not errors. */
static int walk_dir(walk *w, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	vigil_vec names = VIGIL_VEC_INIT(char *);
	int error = 0;
	if (depth > MAX_WALK_DEPTH) {
		vigil_warn(w->ctx, "%s: deeper than %d directories, skipped", dir, MAX_WALK_DEPTH);
		return 0;
	}
	if (!(d = opendir(dir))) {
		vigil_warn(w->ctx, "%s: %s", dir, strerror(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		char **slot;
		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git")))
			continue;
		if (!(slot = vigil_vec_push(&names)) || !(*slot = strdup(e->d_name))) {
			error = VIGIL_ENOMEM;
			break;
		}
	}
	closedir(d);
	vigil_qsort(names.data, names.len, sizeof(char *), by_name);
	for (size_t i = 0; i < names.len && error >= 0; i++) {
		char *path = NULL;
		struct stat st;
		int kind;
		if (asprintf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
			     VIGIL_VEC_AT(&names, char *, i)) < 0) {
			error = VIGIL_ENOMEM;
			break;
		}
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			error = walk_dir(w, path, depth + 1);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			   (kind = kind_of_name(path)) != KIND_NONE) {
			if (++w->files > MAX_WALK_FILES) {
				error = vigil_error_set(w->ctx, VIGIL_ELIMIT,
							"%s: more than %d files to check", dir,
							MAX_WALK_FILES);
			} else if ((error = scan_file(w->r, w->ctx, path, kind, w->opts)) < 0 &&
				   error != VIGIL_ENOMEM) {
				vigil_warn(w->ctx, "%s", vigil_ctx_error(w->ctx));
				error = 0;
			}
		}
		free(path);
	}
	for (size_t i = 0; i < names.len; i++)
		free(VIGIL_VEC_AT(&names, char *, i));
	vigil_vec_free(&names);
	return error;
}

int vigil_config_scan_path(vigil_config_result **out, vigil_ctx *ctx, const char *path,
			   const vigil_config_opts *opts)
{
	vigil_config_result *r = NULL;
	struct stat st;
	int error;
	*out = NULL;
	if (stat(path, &st) < 0)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO, "%s: %s",
				       path, strerror(errno));
	if ((error = vigil_config__result_new(&r, opts)) < 0)
		return vigil_error_set(ctx, error, "out of memory");
	if (S_ISDIR(st.st_mode)) {
		walk w = {r, ctx, opts, 0};
		error = walk_dir(&w, path, 0);
	} else {
		int kind = kind_of_name(path);
		char *buf;
		size_t len;
		/* a file named on the command line: a manifest by extension, else a Dockerfile */
		if (kind == KIND_NONE)
			kind = KIND_DOCKERFILE;
		if ((error = read_file(ctx, path, VIGIL_YAML_MAX_INPUT, &buf, &len)) >= 0) {
			error = run_kind(r, ctx, kind, path, buf, len, opts);
			free(buf);
		}
	}
	if (error == VIGIL_ENOMEM)
		vigil_error_set(ctx, error, "out of memory");
	if (error < 0) {
		vigil_config_result_free(r);
		return error;
	}
	vigil_config__result_done(r);
	*out = r;
	return 0;
}

int vigil_config_scan_buffer(vigil_config_result **out, vigil_ctx *ctx, const char *kind,
			     const char *name, const char *buf, size_t len,
			     const vigil_config_opts *opts)
{
	vigil_config_result *r = NULL;
	int k, error;
	*out = NULL;
	if (kind && !strcmp(kind, "dockerfile"))
		k = KIND_DOCKERFILE;
	else if (kind && !strcmp(kind, "kubernetes"))
		k = KIND_K8S;
	else
		return vigil_error_set(ctx, VIGIL_EINVAL, "unknown configuration kind '%s'",
				       kind ? kind : "(null)");
	if ((error = vigil_config__result_new(&r, opts)) < 0)
		return vigil_error_set(ctx, error, "out of memory");
	if ((error = run_kind(r, ctx, k, name, buf, len, opts)) < 0) {
		vigil_config_result_free(r);
		return error;
	}
	vigil_config__result_done(r);
	*out = r;
	return 0;
}
