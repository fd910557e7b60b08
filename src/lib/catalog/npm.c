/*
 * Node.js packages: each installed package's node_modules/<name>/package.json (and
 * node_modules/@scope/<name>/package.json), and an application's lockfiles outside
 * node_modules: package-lock.json (v1 nested "dependencies"; v2/v3 "packages" keyed by
 * install path) and yarn.lock (classic v1 and berry). A package found both installed
 * and in a lockfile is reported twice, once per location, as Syft does. The project
 * itself (package-lock's root "", yarn berry's "workspace:." at 0.0.0-use.local),
 * "link": true entries and "file:"/"link:" versions are not packages; workspaces and
 * local directories that carry a version are, under their own name. A git dependency
 * is reported at its commit, and package-lock.json gives way to npm-shrinkwrap.json
 * beside it (catalog.c).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "jsonpull.h"

#define PACKAGE_JSON_MAX (4u << 20) /* an installed package's manifest */
#define LOCKFILE_MAX (64u << 20)    /* package-lock.json, yarn.lock */
#define STRING_MAX (1u << 20)	    /* a decoded name, version or key */
#define LICENSE_MAX 4096	    /* the joined licence names */
#define MAX_LICENSES 16		    /* entries of a license array that are joined */

/* One package of a lockfile, collected first so that duplicates are reported once. */
typedef struct entry {
	const char *name, *version, *license;
	unsigned flags; /* VIGIL_PKG_* */
} entry;

/* Whether [s, s+n) equals the NUL-terminated `lit`. */
static int span_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Whether `path` is <...>/node_modules/<name>/package.json or
 * <...>/node_modules/@scope/<name>/package.json: an installed package's own manifest,
 * not one of the package.json files some packages keep in subdirectories. */
static int is_installed_manifest(const char *path)
{
	size_t n = strlen(path);
	static const char base[] = "/package.json", nm[] = "node_modules";
	if (n < sizeof(base) - 1 || memcmp(path + n - (sizeof(base) - 1), base, sizeof(base) - 1))
		return 0;
	size_t end = n - (sizeof(base) - 1); /* path[0, end) is the package directory */
	size_t b = end;
	while (b > 0 && path[b - 1] != '/')
		b--;
	if (b == end || b == 0)
		return 0;
	/* the parent directory: node_modules, or @scope below node_modules */
	size_t pe = b - 1, pb = pe;
	while (pb > 0 && path[pb - 1] != '/')
		pb--;
	if (span_is(path + pb, pe - pb, nm))
		return path[b] != '.' && path[b] != '@';
	if (pe > pb && path[pb] == '@' && pb > 0) {
		size_t ge = pb - 1, gb = ge;
		while (gb > 0 && path[gb - 1] != '/')
			gb--;
		return span_is(path + gb, ge - gb, nm);
	}
	return 0;
}

/* Whether some directory component of `path` is node_modules. */
static int under_node_modules(const char *path)
{
	return strstr(path, "/node_modules/") != NULL;
}

/* Scratch buffers of one parse, freed together. */
typedef struct bufs {
	vigil_buf key, name, version, license, tmp;
} bufs;

/* Empty buffers with their caps. */
static void bufs_init(bufs *b)
{
	memset(b, 0, sizeof(*b));
	b->key.limit = b->name.limit = b->version.limit = b->tmp.limit = STRING_MAX;
	b->license.limit = LICENSE_MAX;
}

/* Frees the buffers (they stay usable as empty ones). */
static void bufs_free(bufs *b)
{
	vigil_buf_free(&b->key);
	vigil_buf_free(&b->name);
	vigil_buf_free(&b->version);
	vigil_buf_free(&b->license);
	vigil_buf_free(&b->tmp);
}

/* Whether the key just read is `lit`. */
static int key_is(const vigil_buf *key, const char *lit)
{
	return strcmp((const char *)key->data, lit) == 0;
}

/* Reads a "license"/"licenses" value into b->license: a string, an object {"type": ...},
 * or (at the top, `nested` 0) an array of either. Other values are skipped. */
static int license_value(vigil_json *j, bufs *b, int nested)
{
	int r;
	switch (vigil_json__peek(j)) {
	case VIGIL_JSON_STRING:
		if ((r = vigil_json__string(j, &b->tmp)) == 0)
			vigil_catalog__license_join(&b->license, &b->tmp);
		return r;
	case VIGIL_JSON_OBJECT:
		if ((r = vigil_json__enter(j, '{')) < 0)
			return r;
		while ((r = vigil_json__member(j, &b->key)) == 1) {
			if (key_is(&b->key, "type")) {
				if ((r = vigil_json__maybe_string(j, &b->tmp)) < 0)
					return r;
				if (r == 1)
					vigil_catalog__license_join(&b->license, &b->tmp);
			} else if ((r = vigil_json__skip(j)) < 0) {
				return r;
			}
		}
		return r;
	case VIGIL_JSON_ARRAY:
		if (nested)
			return vigil_json__skip(j);
		if ((r = vigil_json__enter(j, '[')) < 0)
			return r;
		for (int k = 0; (r = vigil_json__element(j)) == 1; k++)
			if ((r = k < MAX_LICENSES ? license_value(j, b, 1) : vigil_json__skip(j)) <
			    0)
				return r;
		return r;
	default:
		return vigil_json__skip(j);
	}
}

/* An installed package's package.json: one package, or none when the manifest names
 * no package (a directory that only holds a "type": "module" marker, say). The first
 * of repeated keys counts. */
static int parse_manifest(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	vigil_json j;
	bufs b;
	int error, have_name = 0, have_version = 0, have_license = 0;
	bufs_init(&b);
	vigil_json__init(&j, data, len);
	if ((error = vigil_json__enter(&j, '{')) < 0)
		goto done;
	while ((error = vigil_json__member(&j, &b.key)) == 1) {
		if (key_is(&b.key, "name") && !have_name)
			error = have_name = vigil_json__maybe_string(&j, &b.name);
		else if (key_is(&b.key, "version") && !have_version)
			error = have_version = vigil_json__maybe_string(&j, &b.version);
		else if ((key_is(&b.key, "license") || key_is(&b.key, "licenses")) &&
			 !have_license) {
			error = license_value(&j, &b, 0);
			have_license = b.license.len > 0;
		} else
			error = vigil_json__skip(&j);
		if (error < 0)
			goto done;
	}
	if (error < 0 || (error = vigil_json__end(&j)) < 0)
		goto done;
	if (have_name < 1 && have_version < 1)
		goto done;
	if (have_name < 1 || have_version < 1 || !b.name.len || !b.version.len) {
		vigil_catalog__skipped(r, "package.json without name or version");
		goto done;
	}
	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "npm";
	p.name = (const char *)b.name.data;
	p.version = (const char *)b.version.data;
	p.license = b.license.len ? (const char *)b.license.data : NULL;
	error = vigil_catalog__add(r, &p);
done:
	bufs_free(&b);
	return error;
}

/* Adds one lockfile package to `out`; the strings must outlive the call. */
static int collect(vigil_vec *out, const char *name, const char *version, const char *license,
		   unsigned flags)
{
	entry *e = vigil_vec_push(out);
	if (!e)
		return VIGIL_ENOMEM;
	e->name = name;
	e->version = version;
	e->license = license && *license ? license : NULL;
	e->flags = flags;
	return 0;
}

/* Orders entries by name, then version (qsort). */
static int entry_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->version, y->version);
}

/* Sorts entries by name and version, and those with a licence first. */
static int entry_sort_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = entry_cmp(a, b);
	return c ? c : (x->license == NULL) - (y->license == NULL);
}

/* Adds the collected packages to the result, each name@version once. */
static int emit_entries(vigil_catalog_result *r, vigil_vec *v)
{
	entry *e = v->data;
	int error = 0;
	if (v->len > 1)
		qsort(e, v->len, sizeof(entry), entry_sort_cmp);
	for (size_t i = 0; i < v->len && error == 0;) {
		/* one package installed at several paths: direct when one copy is, dev or
		 * optional only when every copy is */
		unsigned flags = e[i].flags;
		size_t k = i + 1;
		for (; k < v->len && entry_cmp(&e[i], &e[k]) == 0; k++)
			flags = ((flags | e[k].flags) & VIGIL_PKG_DIRECT) |
				(flags & e[k].flags & (VIGIL_PKG_DEV | VIGIL_PKG_OPTIONAL));
		if ((flags & VIGIL_PKG_DIRECT) == 0 && (e[i].flags & VIGIL_PKG_INDIRECT))
			flags |= VIGIL_PKG_INDIRECT;
		vigil_pkg_in p;
		memset(&p, 0, sizeof(p));
		p.type = "npm";
		p.name = e[i].name;
		p.version = e[i].version;
		p.license = e[i].license;
		p.flags = flags;
		error = vigil_catalog__add(r, &p);
		i = k;
	}
	return error;
}

/* An aliased dependency "npm:<real name>@<version>": sets *name and *version to copies
 * of its parts and returns 1, or returns 0 when `v` is not one. */
static int split_alias(vigil_catalog_result *r, const char *v, const char **name,
		       const char **version)
{
	if (strncmp(v, "npm:", 4) != 0)
		return 0;
	const char *s = v + 4;
	const char *at = *s ? strchr(s + 1, '@') : NULL;
	if (!at || !at[1])
		return 0;
	if (!(*name = vigil_catalog__strndup(r, s, (size_t)(at - s))) ||
	    !(*version = vigil_catalog__strndup(r, at + 1, strlen(at + 1))))
		return VIGIL_ENOMEM;
	return 1;
}

/* Whether a lockfile version names the application's own code rather than a release. */
static int is_local_version(const char *v)
{
	return strncmp(v, "file:", 5) == 0 || strncmp(v, "link:", 5) == 0 ||
	       strncmp(v, "workspace:", 10) == 0 || strcmp(v, "0.0.0-use.local") == 0;
}

/* Whether a lockfile version or "resolved" value is a git source (npm writes
 * "git+ssh://host/repo.git#<commit>", "github:user/repo#<commit>", ...). */
static int is_git_source(const char *v)
{
	return strncmp(v, "git+", 4) == 0 || strncmp(v, "git:", 4) == 0 ||
	       strncmp(v, "git@", 4) == 0 || strncmp(v, "github:", 7) == 0 ||
	       strncmp(v, "gitlab:", 7) == 0 || strncmp(v, "bitbucket:", 10) == 0;
}

/* The version of a package taken from git: the commit after '#' of its source (a
 * copy), or NULL when the source names none. */
static const char *git_commit(vigil_catalog_result *r, const char *src)
{
	const char *hash = strrchr(src, '#');
	if (!hash || !hash[1] || strchr(hash, '/') || strchr(hash, ':'))
		return NULL;
	return vigil_catalog__strndup(r, hash + 1, strlen(hash + 1));
}

/* A copy of a buffer in the result's arena (NULL when out of memory). */
static const char *keep(vigil_catalog_result *r, const vigil_buf *b)
{
	return vigil_catalog__strndup(r, b->len ? (const char *)b->data : "", b->len);
}

/* Lockfile v1: "dependencies" maps names to {version, dependencies: {...}, ...}. The
 * reader's depth limit bounds the recursion. */
static int walk_v1(vigil_json *j, vigil_catalog_result *r, vigil_vec *out, bufs *b)
{
	int error;
	if (vigil_json__peek(j) != VIGIL_JSON_OBJECT)
		return vigil_json__skip(j);
	if ((error = vigil_json__enter(j, '{')) < 0)
		return error;
	while ((error = vigil_json__member(j, &b->key)) == 1) {
		const char *name = keep(r, &b->key), *version = NULL;
		unsigned flags = 0;
		if (!name)
			return VIGIL_ENOMEM;
		if (vigil_json__peek(j) != VIGIL_JSON_OBJECT) {
			vigil_catalog__skipped(r, "dependency that is not an object");
			if ((error = vigil_json__skip(j)) < 0)
				return error;
			continue;
		}
		if ((error = vigil_json__enter(j, '{')) < 0)
			return error;
		while ((error = vigil_json__member(j, &b->key)) == 1) {
			if (key_is(&b->key, "version") && !version) {
				if ((error = vigil_json__maybe_string(j, &b->version)) == 1 &&
				    !(version = keep(r, &b->version)))
					return VIGIL_ENOMEM;
			} else if (key_is(&b->key, "dependencies")) {
				error = walk_v1(j, r, out, b);
			} else if (key_is(&b->key, "dev") || key_is(&b->key, "optional")) {
				if (vigil_json__peek(j) == VIGIL_JSON_TRUE)
					flags |= b->key.data[0] == 'd' ? VIGIL_PKG_DEV
								       : VIGIL_PKG_OPTIONAL;
				error = vigil_json__skip(j);
			} else {
				error = vigil_json__skip(j);
			}
			if (error < 0)
				return error;
		}
		if (error < 0)
			return error;
		if (version && is_git_source(version))
			version = git_commit(r, version); /* NULL: skipped below */
		if (!*name || !version || !*version) {
			vigil_catalog__skipped(r, "dependency without name or version");
		} else if (!is_local_version(version)) {
			int alias = split_alias(r, version, &name, &version);
			if (alias < 0 || (error = collect(out, name, version, NULL, flags)) < 0)
				return alias < 0 ? alias : error;
		}
	}
	return error;
}

/* The package name of a v2/v3 "packages" key: what follows its last node_modules/
 * component, or NULL for a path outside node_modules (a workspace: own code). */
static const char *name_of_path(const char *key)
{
	static const char nm[] = "node_modules/";
	const char *last = NULL;
	for (const char *s = key; (s = strstr(s, nm)) != NULL; s += sizeof(nm) - 1)
		if (s == key || s[-1] == '/')
			last = s + sizeof(nm) - 1;
	return last;
}

/* The names the root package ("" in "packages") depends on, sorted, for direct flags. */
static int root_deps(vigil_json *j, vigil_catalog_result *r, vigil_vec *names, bufs *b)
{
	int error;
	if ((error = vigil_json__enter(j, '{')) < 0)
		return error;
	while ((error = vigil_json__member(j, &b->key)) == 1) {
		if (vigil_json__peek(j) != VIGIL_JSON_OBJECT ||
		    !(key_is(&b->key, "dependencies") || key_is(&b->key, "devDependencies") ||
		      key_is(&b->key, "optionalDependencies") ||
		      key_is(&b->key, "peerDependencies"))) {
			if ((error = vigil_json__skip(j)) < 0)
				return error;
			continue;
		}
		if ((error = vigil_json__enter(j, '{')) < 0)
			return error;
		while ((error = vigil_json__member(j, &b->key)) == 1) {
			const char **slot = vigil_vec_push(names);
			if (!slot || !(*slot = keep(r, &b->key)))
				return VIGIL_ENOMEM;
			if ((error = vigil_json__skip(j)) < 0)
				return error;
		}
		if (error < 0)
			return error;
	}
	return error;
}

static int cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lockfile v2/v3: "packages" maps install paths to {version, name?, license?, link?,
 * dev?, optional?, resolved?}; the root "" is the application itself and "link": true
 * entries point at the directory that holds the code. A directory outside node_modules
 * (a workspace or a "file:" dependency) is reported under its "name" (else its last
 * path component) when it has a version; a git dependency without a version under the
 * commit it was installed from. */
static int walk_packages(vigil_json *j, vigil_catalog_result *r, vigil_vec *out, bufs *b)
{
	vigil_buf path = VIGIL_BUF_INIT, resolved = VIGIL_BUF_INIT;
	vigil_vec roots = VIGIL_VEC_INIT(const char *);
	size_t first = out->len;
	int error;
	path.limit = resolved.limit = STRING_MAX;
	if ((error = vigil_json__enter(j, '{')) < 0)
		return error;
	while ((error = vigil_json__member(j, &path)) == 1) {
		const char *key = (const char *)path.data;
		const char *last = name_of_path(key);
		int have_name = 0, have_version = 0, have_resolved = 0, link = 0;
		unsigned flags = 0;
		if (!*key && vigil_json__peek(j) == VIGIL_JSON_OBJECT) {
			if ((error = root_deps(j, r, &roots, b)) < 0)
				break;
			continue;
		}
		if (vigil_json__peek(j) != VIGIL_JSON_OBJECT) {
			vigil_catalog__skipped(r, "package entry that is not an object");
			if ((error = vigil_json__skip(j)) < 0)
				break;
			continue;
		}
		b->license.len = 0;
		if ((error = vigil_json__enter(j, '{')) < 0)
			break;
		while ((error = vigil_json__member(j, &b->key)) == 1) {
			if (key_is(&b->key, "version") && !have_version)
				error = have_version = vigil_json__maybe_string(j, &b->version);
			else if (key_is(&b->key, "name") && !have_name) /* an alias's package */
				error = have_name = vigil_json__maybe_string(j, &b->name);
			else if (key_is(&b->key, "resolved") && !have_resolved)
				error = have_resolved = vigil_json__maybe_string(j, &resolved);
			else if (key_is(&b->key, "license") && !b->license.len)
				error = license_value(j, b, 1); /* npm 7+ records it */
			else if (key_is(&b->key, "link") || key_is(&b->key, "dev") ||
				 key_is(&b->key, "optional") || key_is(&b->key, "devOptional")) {
				if (vigil_json__peek(j) == VIGIL_JSON_TRUE)
					flags |= key_is(&b->key, "link")  ? 0x100u
						 : key_is(&b->key, "dev") ? VIGIL_PKG_DEV
									  : VIGIL_PKG_OPTIONAL;
				error = vigil_json__skip(j);
			} else
				error = vigil_json__skip(j);
			if (error < 0)
				break;
		}
		if (error < 0)
			break;
		link = (flags & 0x100u) != 0;
		flags &= ~0x100u;
		if (link)
			continue;
		int own = !last;
		if (own) {
			/* own code in a directory: a workspace or a file: dependency */
			if (have_version < 1 || !b->version.len)
				continue;
			last = vigil_catalog__base(key);
		}
		const char *name =
			have_name == 1 && b->name.len ? (const char *)b->name.data : last;
		const char *v = NULL;
		if (have_version == 1 && b->version.len) {
			if (!(v = keep(r, &b->version))) {
				error = VIGIL_ENOMEM;
				break;
			}
		} else if (have_resolved == 1 && is_git_source((const char *)resolved.data)) {
			v = git_commit(r, (const char *)resolved.data);
		} else if (have_resolved == 1 && is_local_version((const char *)resolved.data)) {
			continue; /* a local directory without a version: own code */
		}
		if (!*name || !v || !*v) {
			vigil_catalog__skipped(r, "package entry without name or version");
			continue;
		}
		if (is_local_version(v))
			continue;
		if (is_git_source(v) && !(v = git_commit(r, v))) {
			vigil_catalog__skipped(r, "package entry without name or version");
			continue;
		}
		/* top-level installs are the candidates for direct dependencies */
		if (own || (strncmp(key, "node_modules/", 13) == 0 && last == key + 13))
			flags |= 0x200u;
		const char *n = vigil_catalog__strndup(r, name, strlen(name));
		const char *l = b->license.len ? keep(r, &b->license) : NULL;
		if (!n || (b->license.len && !l)) {
			error = VIGIL_ENOMEM;
			break;
		}
		if ((error = collect(out, n, v, l, flags)) < 0)
			break;
	}
	if (error == 0 && roots.len) {
		vigil_qsort(roots.data, roots.len, sizeof(char *), cstr_cmp);
		for (size_t i = first; i < out->len; i++) {
			entry *e = &VIGIL_VEC_AT(out, entry, i);
			const char *k = e->name;
			int top = (e->flags & 0x200u) != 0;
			e->flags &= ~0x200u;
			e->flags |= top && vigil_bsearch(&k, roots.data, roots.len, sizeof(char *),
							 cstr_cmp)
					    ? VIGIL_PKG_DIRECT
					    : VIGIL_PKG_INDIRECT;
		}
	} else {
		for (size_t i = first; i < out->len; i++)
			VIGIL_VEC_AT(out, entry, i).flags &= ~0x200u;
	}
	vigil_buf_free(&path);
	vigil_buf_free(&resolved);
	vigil_vec_free(&roots);
	return error;
}

/* package-lock.json (or npm-shrinkwrap.json) of an application: "packages" when the
 * lockfile has it (v2, v3), else the v1 "dependencies" tree. */
static int parse_package_lock(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	vigil_vec pkgs = VIGIL_VEC_INIT(entry), deps = VIGIL_VEC_INIT(entry);
	vigil_json j;
	bufs b;
	int error, seen_packages = 0;
	bufs_init(&b);
	vigil_json__init(&j, data, len);
	if ((error = vigil_json__enter(&j, '{')) < 0)
		goto done;
	while ((error = vigil_json__member(&j, &b.key)) == 1) {
		if (key_is(&b.key, "packages") && !seen_packages &&
		    vigil_json__peek(&j) == VIGIL_JSON_OBJECT) {
			seen_packages = 1;
			error = walk_packages(&j, r, &pkgs, &b);
		} else if (key_is(&b.key, "dependencies") && !deps.len) {
			error = walk_v1(&j, r, &deps, &b);
		} else {
			error = vigil_json__skip(&j);
		}
		if (error < 0)
			goto done;
	}
	if (error == 0 && (error = vigil_json__end(&j)) == 0)
		error = emit_entries(r, seen_packages ? &pkgs : &deps);
done:
	vigil_vec_free(&pkgs);
	vigil_vec_free(&deps);
	bufs_free(&b);
	return error;
}

/* Copies a yarn.lock value with its quotes removed. */
static const char *unquote(vigil_catalog_result *r, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	return vigil_catalog__strndup(r, s, n);
}

/* The package a yarn.lock entry header describes, from its first descriptor:
 * `"@scope/name@^1.0.0", @scope/name@^1.2.0:` (v1) or `"name@npm:^1.0.0":` (berry).
 * Sets *name (a copy), or NULL when the entry is not a registry package (the berry
 * __metadata block, workspaces, links). */
static int yarn_header(vigil_catalog_result *r, const char *line, size_t n, const char **name)
{
	const char *s = line, *end = line + n;
	*name = NULL;
	if (end > s && end[-1] == ':')
		end--; /* the header's own colon */
	if (s < end && *s == '"') {
		s++;
		const char *q = memchr(s, '"', (size_t)(end - s));
		if (q)
			end = q;
	}
	const char *comma = memchr(s, ',', (size_t)(end - s));
	if (comma)
		end = comma;
	if (end - s < 2)
		return 0;
	const char *at = memchr(s + 1, '@', (size_t)(end - s - 1));
	if (!at) {
		/* a header without a range ("lodash:"), but not berry's "__metadata" */
		if (*s == '_' || memchr(s, ' ', (size_t)(end - s)))
			return 0;
		at = end;
	}
	const char *range = at < end ? at + 1 : end;
	size_t rl = (size_t)(end - range);
	/* a berry workspace is reported with its version, but for the project's root
	 * ("workspace:.", version 0.0.0-use.local) */
	if ((rl == 11 && memcmp(range, "workspace:.", 11) == 0) ||
	    (rl >= 5 && memcmp(range, "link:", 5) == 0) ||
	    (rl >= 7 && memcmp(range, "portal:", 7) == 0))
		return 0;
	const char *ns = s;
	size_t nl = (size_t)(at - s);
	if (rl > 5 && memcmp(range, "npm:", 4) == 0) {
		/* "alias@npm:real@^1.0.0": the package is real */
		const char *real = range + 4;
		const char *at2 = memchr(real + 1, '@', (size_t)(end - real - 1));
		if (at2) {
			ns = real;
			nl = (size_t)(at2 - real);
		}
	}
	if (!nl)
		return 0;
	if (!(*name = vigil_catalog__strndup(r, ns, nl)))
		return VIGIL_ENOMEM;
	return 0;
}

/* yarn.lock: entries start with an unindented header line ending in ':', and carry an
 * indented `version "x"` (v1) or `version: x` (berry) line. */
static int parse_yarn_lock(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	vigil_vec out = VIGIL_VEC_INIT(entry);
	const char *name = NULL, *version = NULL;
	int error = 0, in_entry = 0;
	for (const char *p = (const char *)data, *end = p + len; p < end && error == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll == 0 || p[0] == '#') {
			/* blank lines and comments */
		} else if (p[0] != ' ' && p[0] != '\t') {
			if (in_entry && name && !version)
				vigil_catalog__skipped(r, "yarn.lock entry without a version");
			name = version = NULL;
			in_entry = p[ll - 1] == ':';
			if (in_entry)
				error = yarn_header(r, p, ll, &name);
			else
				vigil_catalog__skipped(
					r, "yarn.lock line that is not an entry header");
		} else if (in_entry && name && !version &&
			   ((ll > 10 && memcmp(p, "  version", 9) == 0 &&
			     (p[9] == ' ' || p[9] == ':')) ||
			    (ll > 12 && memcmp(p, "  \"version\"", 11) == 0 &&
			     (p[11] == ' ' || p[11] == ':')))) {
			/* `version "x"`, `version: x` or, quoted, `"version" "x"` */
			const char *v = p + (p[2] == '"' ? 11 : 9);
			if (*v == ':')
				v++;
			if (!(version = unquote(r, v, (size_t)(p + ll - v)))) {
				error = VIGIL_ENOMEM;
			} else if (*version && !is_local_version(version)) {
				error = collect(&out, name, version, NULL, 0);
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (error == 0 && in_entry && name && !version)
		vigil_catalog__skipped(r, "yarn.lock entry without a version");
	if (error == 0)
		error = emit_entries(r, &out);
	vigil_vec_free(&out);
	return error;
}

/* Dispatches on the file name (want() accepted nothing else). */
static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	if (strcmp(base, "yarn.lock") == 0)
		return parse_yarn_lock(r, data, len);
	if (strcmp(base, "package.json") == 0)
		return parse_manifest(r, data, len);
	return parse_package_lock(r, data, len);
}

/* Installed manifests by their place below node_modules; lockfiles of applications
 * (outside node_modules: node_modules/.package-lock.json is npm's own cache). */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (strcmp(base, "package.json") == 0)
		return f->size <= PACKAGE_JSON_MAX && is_installed_manifest(f->path)
			       ? VIGIL_WANT_YES
			       : VIGIL_WANT_NO;
	if (strcmp(base, "package-lock.json") == 0 || strcmp(base, "npm-shrinkwrap.json") == 0 ||
	    strcmp(base, "yarn.lock") == 0)
		return under_node_modules(f->path) ? VIGIL_WANT_NO : VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_npm = {"npm", 0, want, parse, LOCKFILE_MAX};
