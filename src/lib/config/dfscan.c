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
#include "config/render.h"
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
	/* Dockerfile.5.md, Dockerfile.nanorc, Dockerfile.tmLanguage: documents and editor
	 * files about Dockerfiles, not Dockerfiles */
	static const char *const not_df[] = {
		".md",	 ".markdown", ".rst",		".txt",	       ".adoc", ".html", ".nanorc",
		".vim",	 ".el",	      ".tmPreferences", ".tmLanguage", ".sh",	".py",	 ".go",
		".orig", ".rej",      ".swp",		".bak",	       ".json", ".yaml", ".yml"};
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(not_df); i++)
		if ((!strncasecmp(b, "Dockerfile.", 11) || !strncasecmp(b, "Containerfile.", 14)) &&
		    ends_with_ci(b, not_df[i]))
			return ends_with_ci(b, ".yaml") || ends_with_ci(b, ".yml") ||
					       ends_with_ci(b, ".json")
				       ? KIND_K8S
				       : KIND_NONE;
	if (!strcasecmp(b, "Dockerfile") || !strncasecmp(b, "Dockerfile.", 11) ||
	    !strcasecmp(b, "Containerfile") || !strncasecmp(b, "Containerfile.", 14) ||
	    ends_with_ci(b, ".dockerfile") || ends_with_ci(b, ".containerfile"))
		return KIND_DOCKERFILE;
	if (ends_with_ci(b, ".yaml") || ends_with_ci(b, ".yml") || ends_with_ci(b, ".json"))
		return KIND_K8S;
	return KIND_NONE;
}

typedef struct ignore {
	int line;
	char id[32];
} ignore;

/* Whether the '#' at p starts a comment: Dockerfile comments fill their line, YAML ones
 * also follow a blank. */
static bool comment_at(const char *line, const char *p, int kind)
{
	for (const char *q = line; q < p; q++)
		if (*q != ' ' && *q != '\t')
			return kind == KIND_K8S && (p[-1] == ' ' || p[-1] == '\t');
	return true;
}

/* Reads the inline suppressions of a file: `# vigil:ignore=ID[,ID...] reason` applies to
 * its own line when it follows content, else to the next line that is neither blank nor
 * a comment (the instruction or field below it). */
static int read_ignores(vigil_vec *out, vigil_ctx *ctx, const char *name, const char *buf,
			size_t len, int kind)
{
	static const char tag[] = "vigil:ignore=";
	vigil_vec pending = VIGIL_VEC_INIT(ignore);
	const char *p = buf, *end = buf + len;
	int lineno = 0, error = 0;
	for (; p < end && error >= 0; lineno++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *hash, *c;
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *t = p;
		bool blank = true, own = false;
		while (t < p + n && (*t == ' ' || *t == '\t' || *t == '\r'))
			t++;
		blank = t == p + n;
		if (!blank && *t != '#') {
			/* content: pending suppressions land here */
			for (size_t i = 0; i < pending.len && error >= 0; i++) {
				ignore *g = vigil_vec_push(out);
				if (!g) {
					error = VIGIL_ENOMEM;
					break;
				}
				*g = VIGIL_VEC_AT(&pending, ignore, i);
				g->line = lineno + 1;
			}
			pending.len = 0;
			own = true;
		}
		for (hash = memchr(p, '#', n); hash && error >= 0;
		     hash = memchr(hash + 1, '#', (size_t)(p + n - hash - 1))) {
			const char *q = hash + 1;
			if (!comment_at(p, hash, kind))
				continue;
			while (q < p + n && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(p + n - q) < sizeof(tag) - 1 ||
			    memcmp(q, tag, sizeof(tag) - 1))
				break;
			q += sizeof(tag) - 1;
			for (c = q; c < p + n && *c != ' ' && *c != '\t' && *c != '\r';) {
				size_t k = 0; /* the buffer is not NUL-terminated: bounded scan */
				ignore *g;
				while (c + k < p + n && !strchr(", \t\r\n", c[k]))
					k++;
				if (!k) {
					c++;
					continue;
				}
				g = vigil_vec_push(own ? out : &pending);
				if (!g) {
					error = VIGIL_ENOMEM;
					break;
				}
				snprintf(g->id, sizeof(g->id), "%.*s", (int)(k < 31 ? k : 31), c);
				g->line = lineno + 1;
				if (!vigil_config__check(g->id))
					vigil_warn(ctx,
						   "%s line %d: vigil:ignore names no check '%s'",
						   name, lineno + 1, g->id);
				c += k;
				if (c < p + n && *c == ',')
					c++;
			}
			while (c < p + n && (*c == ' ' || *c == '\t'))
				c++;
			if (c >= p + n || *c == '\r')
				vigil_warn(ctx, "%s line %d: vigil:ignore without a reason", name,
					   lineno + 1);
			break;
		}
		p += n + 1;
	}
	vigil_vec_free(&pending);
	return error;
}

/* Drops the findings from index `from` on that an inline suppression covers. */
static int apply_ignores(vigil_config_result *r, vigil_ctx *ctx, const char *name, const char *buf,
			 size_t len, int kind, size_t from)
{
	vigil_vec ig = VIGIL_VEC_INIT(ignore);
	size_t k = from;
	int error;
	if (!memmem(buf, len, "vigil:ignore=", 13))
		return 0;
	if ((error = read_ignores(&ig, ctx, name, buf, len, kind)) < 0)
		goto done;
	for (size_t i = from; i < r->findings.len; i++) {
		vigil_config_finding *f = &VIGIL_VEC_AT(&r->findings, vigil_config_finding, i);
		bool drop = false;
		for (size_t j = 0; j < ig.len && !drop; j++) {
			const ignore *g = &VIGIL_VEC_AT(&ig, ignore, j);
			drop = g->line == f->line && !strcmp(g->id, f->check->id);
		}
		if (!drop)
			VIGIL_VEC_AT(&r->findings, vigil_config_finding, k++) = *f;
	}
	r->findings.len = k;
done:
	vigil_vec_free(&ig);
	return error;
}

static int run_kind(vigil_config_result *r, vigil_ctx *ctx, int kind, const char *name,
		    const char *buf, size_t len, const vigil_config_opts *opts, bool *found)
{
	size_t from = r->findings.len;
	int error;
	*found = true;
	if (kind == KIND_DOCKERFILE)
		error = vigil_config__dockerfile(r, ctx, name, buf, len, opts);
	else
		error = vigil_config__k8s(r, ctx, name, buf, len, opts, found);
	if (error >= 0)
		error = apply_ignores(r, ctx, name, buf, len, kind, from);
	return error;
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
	bool found;
	if (error < 0)
		return error;
	error = run_kind(r, ctx, kind, path, buf, len, opts, &found);
	free(buf);
	return error;
}

typedef struct walk {
	vigil_config_result *r;
	vigil_ctx *ctx;
	const vigil_config_opts *opts;
	size_t files;
	/* vigil_config_scan_tree: paths to leave out (relative to the root, rootlen long) */
	vigil_config_skip_fn skip;
	void *payload;
	size_t rootlen;
} walk;

/* The part of `path` below the walk's root ("" for the root itself). */
static const char *rel_of(const walk *w, const char *path)
{
	const char *r = strlen(path) >= w->rootlen ? path + w->rootlen : "";
	while (*r == '/')
		r++;
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_file(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Checks rendered output. Helm marks each template's part with "# Source: CHART/PATH";
 * each part is checked as "DIR/PATH [helm template]" with lines counted from that
 * marker. Other output is one stream named "DIR [what]". */
static int check_rendered(walk *w, const char *dir, const char *what, const char *buf, size_t len,
			  bool *found)
{
	static const char mark[] = "# Source: ";
	const char *p = buf, *end = buf + len;
	int error = 0;
	*found = false;
	while (p < end && error >= 0) {
		const char *start = p, *next = NULL, *src = NULL;
		size_t srclen = 0;
		char *name = NULL;
		bool f = false;
		int e;
		if ((size_t)(end - p) >= sizeof(mark) - 1 && !memcmp(p, mark, sizeof(mark) - 1)) {
			const char *slash;
			src = p + sizeof(mark) - 1;
			srclen = strcspn(src, "\n");
			if (src + srclen > end)
				srclen = (size_t)(end - src);
			/* drop the chart's name: web/templates/x.yaml -> templates/x.yaml */
			if ((slash = memchr(src, '/', srclen))) {
				srclen -= (size_t)(slash + 1 - src);
				src = slash + 1;
			}
		}
		/* the part runs to the next marker at the start of a line */
		for (const char *q = memchr(p, '\n', (size_t)(end - p)); q && q + 1 < end;
		     q = memchr(q + 1, '\n', (size_t)(end - q - 1)))
			if ((size_t)(end - q - 1) >= sizeof(mark) - 1 &&
			    !memcmp(q + 1, mark, sizeof(mark) - 1)) {
				next = q + 1;
				break;
			}
		if (!next)
			next = end;
		if ((src ? asprintf(&name, "%s/%.*s [%s]", dir,
				    (int)(srclen > 1024 ? 1024 : srclen), src, what)
			 : asprintf(&name, "%s [%s]", dir, what)) < 0)
			return VIGIL_ENOMEM;
		e = run_kind(w->r, w->ctx, KIND_K8S, name, start, (size_t)(next - start), w->opts,
			     &f);
		if (e == VIGIL_ENOMEM)
			error = e;
		else if (e < 0)
			vigil_warn(w->ctx, "%s", vigil_ctx_error(w->ctx));
		*found |= f;
		free(name);
		p = next;
	}
	return error;
}

/* A Helm chart (Chart.yaml) or a Kustomize directory (kustomization.yaml): rendered by
 * its tool and checked as one stream named "DIR [helm template]"; without the tool a
 * warning says the directory was not checked. Returns 1 when `dir` was one of them. */
static int render_dir(walk *w, const char *dir, int *error)
{
	int kind = has_file(dir, "Chart.yaml") ? VIGIL_RENDER_HELM
		   : has_file(dir, "kustomization.yaml") || has_file(dir, "kustomization.yml") ||
				   has_file(dir, "Kustomization")
			   ? VIGIL_RENDER_KUSTOMIZE
			   : 0;
	const char *what = kind == VIGIL_RENDER_HELM ? "helm template" : "kubectl kustomize";
	vigil_buf out = VIGIL_BUF_INIT;
	bool found;
	int e;
	if (!kind)
		return 0;
	if ((e = vigil_config__render(&out, w->ctx, kind, dir, VIGIL_YAML_MAX_INPUT)) < 0) {
		vigil_warn(w->ctx, "%s: %s not checked: %s%s", dir,
			   kind == VIGIL_RENDER_HELM ? "Helm chart" : "Kustomize directory",
			   vigil_ctx_error(w->ctx),
			   e == VIGIL_ENOTFOUND
				   ? kind == VIGIL_RENDER_HELM
					     ? " (install helm, or check the output "
					       "of helm template)"
					     : " (install kubectl, or check the output "
					       "of kubectl kustomize)"
				   : "");
	} else if ((e = check_rendered(w, dir, what, out.data ? (char *)out.data : "", out.len,
				       &found)) < 0) {
		*error = e;
	} else if (!found) {
		vigil_warn(w->ctx, "%s: %s rendered no Kubernetes object", dir, what);
	}
	vigil_buf_free(&out);
	return 1;
}

/* Walks a directory in name order; files that fail are warnings, not errors. */
static int walk_dir(walk *w, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	vigil_vec names = VIGIL_VEC_INIT(char *);
	int error = 0;
	if (render_dir(w, dir, &error))
		return error;
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
		if (w->skip && lstat(path, &st) == 0 &&
		    w->skip(rel_of(w, path), S_ISDIR(st.st_mode), w->payload)) {
			free(path);
			continue;
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
	return vigil_config_scan_tree(out, ctx, path, opts, NULL, NULL);
}

int vigil_config_scan_tree(vigil_config_result **out, vigil_ctx *ctx, const char *path,
			   const vigil_config_opts *opts, vigil_config_skip_fn skip, void *payload)
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
		walk w = {r, ctx, opts, 0, skip, payload, strlen(path)};
		error = walk_dir(&w, path, 0);
	} else {
		int kind = kind_of_name(path);
		char *buf;
		size_t len;
		/* a file named on the command line: a manifest by extension, else a Dockerfile */
		if (kind == KIND_NONE)
			kind = KIND_DOCKERFILE;
		if ((error = read_file(ctx, path, VIGIL_YAML_MAX_INPUT, &buf, &len)) >= 0) {
			bool found;
			error = run_kind(r, ctx, kind, path, buf, len, opts, &found);
			free(buf);
			/* named explicitly: a file that holds nothing we understand is said so */
			if (error >= 0 && !found)
				vigil_warn(ctx,
					   "%s: no Kubernetes object (apiVersion and kind), "
					   "nothing checked",
					   path);
		}
	}
	if (error >= 0)
		error = vigil_config__k8s_namespaces(r);
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
	bool found;
	if ((error = run_kind(r, ctx, k, name, buf, len, opts, &found)) < 0 ||
	    (error = vigil_config__k8s_namespaces(r)) < 0) {
		vigil_config_result_free(r);
		return error;
	}
	vigil_config__result_done(r);
	*out = r;
	return 0;
}
