/*
 * JVM build files: Maven's pom.xml (the declared dependencies) and Gradle's dependency
 * lockfile gradle.lockfile ("group:artifact:version=configurations"). Maven's test
 * scope and Gradle entries used only by test configurations are dev;
 * <optional>true</optional> is optional.
 *
 * A pom.xml's versions come from the file itself (${properties}, project.version,
 * project.parent.version, dependencyManagement) and, when the inventory is finished,
 * from the POMs it inherits from and imports, as far as they are in the same filesystem:
 * its parent chain (<relativePath>, by default ../pom.xml, or the parent's coordinates
 * among the other POMs: pom.xml files and the *.pom files of .m2/repository/), with
 * properties and dependencyManagement of a nearer POM winning, and BOMs imported
 * with <scope>import</scope> (a POM's own dependencyManagement wins over its imports,
 * the first import over later ones). A version that stays unresolved is left out and
 * counted as skipped. Dependencies declared in a parent are reported at the parent's
 * pom.xml, not again for each child.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"

#define PROP_DEPTH 8   /* ${a} -> ${b} -> ... */
#define VALUE_MAX 1024 /* a resolved value */
#define POM_CHAIN 8    /* a POM and its parents */
#define BOM_DEPTH 3    /* BOMs importing BOMs */

#define POM_BUDGET 200000	  /* property expansions and managed lookups per file */
#define POM_FINISH_BUDGET 4000000 /* the same with the parents and BOMs of a pom.xml */
#define POM_REF_MAX (1u << 20)	  /* a repository POM kept for parents and BOMs */

typedef struct pom_set pom_set;

/* A POM and the chain it inherits from: [0] the POM itself, [1] its parent, ... */
typedef struct pom {
	xmlNodePtr project[POM_CHAIN], props[POM_CHAIN], managed[POM_CHAIN];
	int n;
	unsigned *budget;   /* hostile files (a property that expands into many) stop here */
	const pom_set *set; /* the other POMs (NULL while parsing one file) */
	int bom_depth;
} pom;

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return c;
	return NULL;
}

/* The raw value of property `name`, or NULL (free with xmlFree). */
static char *property(pom *p, const char *name)
{
	xmlNodePtr parent = child(p->project[0], "parent");
	if (strcmp(name, "project.version") == 0 || strcmp(name, "version") == 0 ||
	    strcmp(name, "pom.version") == 0) {
		char *v = vigil_lock__xml_child(p->project[0], "version");
		return v ? v : vigil_lock__xml_child(parent, "version");
	}
	if (strcmp(name, "project.groupId") == 0 || strcmp(name, "groupId") == 0 ||
	    strcmp(name, "pom.groupId") == 0) {
		char *v = vigil_lock__xml_child(p->project[0], "groupId");
		return v ? v : vigil_lock__xml_child(parent, "groupId");
	}
	if (strcmp(name, "project.artifactId") == 0)
		return vigil_lock__xml_child(p->project[0], "artifactId");
	if (strcmp(name, "project.parent.version") == 0)
		return vigil_lock__xml_child(parent, "version");
	if (strcmp(name, "project.parent.groupId") == 0)
		return vigil_lock__xml_child(parent, "groupId");
	for (int i = 0; i < p->n; i++) {
		char *v = vigil_lock__xml_child(p->props[i], name);
		if (v)
			return v;
	}
	return NULL;
}

/* Expands ${name} references of `in` into out (NUL-terminated, trimmed); returns 0 when
 * something stays unresolved or the result does not fit. */
static int resolve(pom *p, const char *in, char *out, size_t cap, int depth)
{
	size_t n = 0;
	const char *s = in;
	if (*p->budget == 0)
		return 0;
	(*p->budget)--;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s; s++) {
		if (s[0] == '$' && s[1] == '{') {
			const char *close = strchr(s + 2, '}');
			char name[256], val[VALUE_MAX];
			if (!close || depth >= PROP_DEPTH ||
			    (size_t)(close - s - 2) >= sizeof(name))
				return 0;
			snprintf(name, sizeof(name), "%.*s", (int)(close - s - 2), s + 2);
			char *raw = property(p, name);
			int ok = raw && resolve(p, raw, val, sizeof(val), depth + 1);
			xmlFree(raw);
			size_t vl = ok ? strlen(val) : 0;
			if (!ok || n + vl >= cap)
				return 0;
			memcpy(out + n, val, vl);
			n += vl;
			s = close;
			continue;
		}
		if (n + 1 >= cap)
			return 0;
		out[n++] = *s;
	}
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\n' ||
		     out[n - 1] == '\r'))
		n--;
	out[n] = '\0';
	return n > 0;
}

/* Resolves child element `name` of n into out; 0 when absent or unresolved. */
static int resolved_child(pom *p, xmlNodePtr n, const char *name, char *out, size_t cap)
{
	char *raw = vigil_lock__xml_child(n, name);
	int ok = raw && resolve(p, raw, out, cap, 0);
	xmlFree(raw);
	return ok;
}

static int chain_build(pom *p, const pom_set *set, xmlNodePtr project, const char *path,
		       unsigned *budget, int bom_depth);

/* A POM of the set by coordinates (NULL when absent). */
static xmlNodePtr set_find(const pom_set *set, const char *g, const char *a, const char *v,
			   const char **path);

/* The version dependencyManagement gives g:a in p's chain or in the BOMs it imports,
 * resolved into out; 0 when none. */
static int managed_version(pom *p, const char *g, const char *a, char *out, size_t cap)
{
	char rg[VALUE_MAX], ra[VALUE_MAX], rv[VALUE_MAX], sc[64], ty[64];
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < p->n; i++) {
			for (xmlNodePtr d = p->managed[i] ? p->managed[i]->children : NULL;
			     d && *p->budget; d = d->next) {
				(*p->budget)--;
				if (d->type != XML_ELEMENT_NODE ||
				    xmlStrcmp(d->name, (const xmlChar *)"dependency"))
					continue;
				/* pass 0: the entries for g:a; pass 1: the imported BOMs, in
				 * order (a BOM's own entries win over those it imports) */
				if (pass == 1 && (!p->set || p->bom_depth >= BOM_DEPTH))
					break;
				if (pass == 1 && !(resolved_child(p, d, "scope", sc, sizeof(sc)) &&
						   strcmp(sc, "import") == 0 &&
						   resolved_child(p, d, "type", ty, sizeof(ty)) &&
						   strcmp(ty, "pom") == 0))
					continue;
				if (!resolved_child(p, d, "groupId", rg, sizeof(rg)) ||
				    !resolved_child(p, d, "artifactId", ra, sizeof(ra)))
					continue;
				if (pass == 0) {
					if (strcmp(rg, g) || strcmp(ra, a) ||
					    (resolved_child(p, d, "scope", sc, sizeof(sc)) &&
					     strcmp(sc, "import") == 0))
						continue;
					return resolved_child(p, d, "version", out, cap);
				}
				if (resolved_child(p, d, "version", rv, sizeof(rv))) {
					const char *bpath;
					xmlNodePtr bom = set_find(p->set, rg, ra, rv, &bpath);
					pom b;
					if (bom &&
					    chain_build(&b, p->set, bom, bpath, p->budget,
							p->bom_depth + 1) &&
					    managed_version(&b, g, a, out, cap))
						return 1;
				}
			}
		}
	}
	return 0;
}

/* The project's coordinates (groupId and version may come from <parent>). */
static int coords(pom *p, char *g, char *a, char *v, size_t cap)
{
	xmlNodePtr parent = child(p->project[0], "parent");
	return (resolved_child(p, p->project[0], "groupId", g, cap) ||
		resolved_child(p, parent, "groupId", g, cap)) &&
	       resolved_child(p, p->project[0], "artifactId", a, cap) &&
	       (resolved_child(p, p->project[0], "version", v, cap) ||
		resolved_child(p, parent, "version", v, cap));
}

/* Reports the declared dependencies of p's POM. `defer`: the POM inherits or imports,
 * and unresolved versions are left to the finish pass (not counted as skipped). */
static int pom_dependencies(vigil_catalog_result *r, pom *p, int defer)
{
	int error = 0;
	xmlNodePtr deps = child(p->project[0], "dependencies");
	for (xmlNodePtr d = deps ? deps->children : NULL; d && error == 0; d = d->next) {
		if (d->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(d->name, (const xmlChar *)"dependency"))
			continue;
		char g[VALUE_MAX], a[VALUE_MAX], v[VALUE_MAX], sc[64] = "", op[16] = "";
		int ok = resolved_child(p, d, "groupId", g, sizeof(g)) &&
			 resolved_child(p, d, "artifactId", a, sizeof(a));
		char *rv = vigil_lock__xml_child(d, "version");
		if (ok && rv)
			ok = resolve(p, rv, v, sizeof(v), 0);
		else if (ok)
			ok = managed_version(p, g, a, v, sizeof(v));
		xmlFree(rv);
		resolved_child(p, d, "scope", sc, sizeof(sc));
		resolved_child(p, d, "optional", op, sizeof(op));
		if (!ok) {
			if (!defer)
				vigil_catalog__skipped(
					r, "pom.xml dependency without a resolvable version");
			continue;
		}
		unsigned flags = VIGIL_PKG_DIRECT | (strcmp(sc, "test") == 0 ? VIGIL_PKG_DEV : 0) |
				 (strcmp(op, "true") == 0 ? VIGIL_PKG_OPTIONAL : 0);
		error = vigil_lock__add(r, "maven", g, a, v, flags);
	}
	return error;
}

/* Whether the POM has a <parent> or imports a BOM (its versions may come from them). */
static int pom_refers(xmlNodePtr project)
{
	if (child(project, "parent"))
		return 1;
	xmlNodePtr m = child(child(project, "dependencyManagement"), "dependencies");
	for (xmlNodePtr d = m ? m->children : NULL; d; d = d->next) {
		char *sc = d->type == XML_ELEMENT_NODE ? vigil_lock__xml_child(d, "scope") : NULL;
		int import = sc && strstr(sc, "import");
		xmlFree(sc);
		if (import)
			return 1;
	}
	return 0;
}

static xmlNodePtr pom_project(xmlDocPtr doc)
{
	xmlNodePtr project = doc ? xmlDocGetRootElement(doc) : NULL;
	return project && xmlStrcmp(project->name, (const xmlChar *)"project") == 0 ? project
										    : NULL;
}

static int parse_pom(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	xmlDocPtr doc = vigil_lock__xml(data, len);
	unsigned budget = POM_BUDGET;
	int error, defer;
	pom p;
	memset(&p, 0, sizeof(p));
	if (!(p.project[0] = pom_project(doc))) {
		xmlFreeDoc(doc);
		return VIGIL_EFORMAT;
	}
	p.n = 1;
	p.budget = &budget;
	p.props[0] = child(p.project[0], "properties");
	p.managed[0] = child(child(p.project[0], "dependencyManagement"), "dependencies");
	defer = pom_refers(p.project[0]);
	error = pom_dependencies(r, &p, defer);
	xmlFreeDoc(doc);
	/* for the finish pass: a POM that inherits or imports is read again there, any
	 * POM may be another one's parent */
	if (error == 0)
		error = vigil_catalog__keep(r, data, len);
	return error;
}

/* ---- the finish pass: POMs of the whole filesystem ---------------------------------- */

typedef struct pom_ent {
	const char *path;
	xmlDocPtr doc;
	xmlNodePtr project;
	char *key; /* "group:artifact:version", or NULL */
} pom_ent;

struct pom_set {
	pom_ent *by_path; /* in path order (the results come sorted by path) */
	pom_ent **by_key; /* entries with a key, sorted */
	size_t n, nkeys;
};

static int ent_path_cmp(const void *k, const void *e)
{
	return strcmp((const char *)k, ((const pom_ent *)e)->path);
}

static int ent_key_cmp(const void *a, const void *b)
{
	return strcmp((*(pom_ent *const *)a)->key, (*(pom_ent *const *)b)->key);
}

static int key_find_cmp(const void *k, const void *e)
{
	return strcmp((const char *)k, (*(pom_ent *const *)e)->key);
}

static xmlNodePtr set_find(const pom_set *set, const char *g, const char *a, const char *v,
			   const char **path)
{
	char key[3 * VALUE_MAX + 3];
	snprintf(key, sizeof(key), "%s:%s:%s", g, a, v);
	pom_ent **e =
		vigil_bsearch(key, set->by_key, set->nkeys, sizeof(*set->by_key), key_find_cmp);
	if (!e)
		return NULL;
	*path = (*e)->path;
	return (*e)->project;
}

/* Normalizes "dir/rel" ("..", "." and empty components) into out; 0 when it does not
 * fit or climbs above the root. */
static int join_path(const char *dir, size_t dlen, const char *rel, char *out, size_t cap)
{
	char tmp[4096];
	size_t n = 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%.*s/%s", (int)dlen, dir, rel) >= sizeof(tmp))
		return 0;
	for (char *save = NULL, *c = strtok_r(tmp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			if (n == 0)
				return 0;
			while (n > 0 && out[n - 1] != '/')
				n--;
			n = n ? n - 1 : 0;
			continue;
		}
		size_t cl = strlen(c);
		if (n + 1 + cl + 1 > cap)
			return 0;
		out[n++] = '/';
		memcpy(out + n, c, cl);
		n += cl;
	}
	out[n] = '\0';
	return n > 0;
}

/* The parent of `project` (at `path`): by <relativePath> (default ../pom.xml) when the
 * POM there has the parent's groupId and artifactId, else by coordinates. */
static xmlNodePtr parent_of(pom *p, xmlNodePtr project, const char *path, const char **ppath)
{
	xmlNodePtr parent = child(project, "parent"), rel = child(parent, "relativePath");
	char g[VALUE_MAX], a[VALUE_MAX], v[VALUE_MAX], where[4096];
	if (!parent || !resolved_child(p, parent, "groupId", g, sizeof(g)) ||
	    !resolved_child(p, parent, "artifactId", a, sizeof(a)) ||
	    !resolved_child(p, parent, "version", v, sizeof(v)))
		return NULL;
	char *rp = rel ? vigil_lock__xml_child(parent, "relativePath") : NULL;
	const char *r = rel ? (rp ? rp : "") : "../pom.xml";
	const char *base = vigil_catalog__base(path);
	if (*r && join_path(path, (size_t)(base - path), r, where, sizeof(where) - 9)) {
		if (!vigil_catalog__has_suffix(where, ".xml") &&
		    !vigil_catalog__has_suffix(where, ".pom"))
			snprintf(where + strlen(where), sizeof(where) - strlen(where), "/pom.xml");
		pom_ent *e = vigil_bsearch(where, p->set->by_path, p->set->n,
					   sizeof(*p->set->by_path), ent_path_cmp);
		char eg[VALUE_MAX], ea[VALUE_MAX], ev[VALUE_MAX];
		pom q;
		if (e && chain_build(&q, NULL, e->project, e->path, p->budget, 0) &&
		    coords(&q, eg, ea, ev, VALUE_MAX) && strcmp(eg, g) == 0 && strcmp(ea, a) == 0) {
			xmlFree(rp);
			*ppath = e->path;
			return e->project;
		}
	}
	xmlFree(rp);
	return set_find(p->set, g, a, v, ppath);
}

/* Fills p with `project` and its parents (set NULL: the project alone). 0 when the
 * project is unusable. */
static int chain_build(pom *p, const pom_set *set, xmlNodePtr project, const char *path,
		       unsigned *budget, int bom_depth)
{
	memset(p, 0, sizeof(*p));
	p->budget = budget;
	p->set = set;
	p->bom_depth = bom_depth;
	while (project && p->n < POM_CHAIN) {
		int i = p->n;
		for (int k = 0; k < i; k++)
			if (p->project[k] == project) /* a cycle */
				return 1;
		p->n++;
		p->project[i] = project;
		p->props[i] = child(project, "properties");
		p->managed[i] = child(child(project, "dependencyManagement"), "dependencies");
		if (!set)
			break;
		/* the parent's coordinates are resolved in the child's context, as Maven
		 * does not: its <parent> must be literal or use the chain's properties */
		project = parent_of(p, project, path, &path);
	}
	return p->n > 0;
}

static int finish_pom(vigil_catalog_result *const *rs, size_t n)
{
	pom_set set = {NULL, NULL, 0, 0};
	int error = 0;
	unsigned budget = POM_BUDGET;
	if (!(set.by_path = calloc(n, sizeof(*set.by_path))) ||
	    !(set.by_key = calloc(n, sizeof(*set.by_key)))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const uint8_t *data = vigil_catalog__kept(rs[i], &len);
		if (!data)
			continue;
		pom_ent *e = &set.by_path[set.n];
		e->path = vigil_catalog__path(rs[i]);
		e->doc = vigil_lock__xml(data, len);
		if (!(e->project = pom_project(e->doc))) {
			xmlFreeDoc(e->doc);
			continue;
		}
		set.n++;
		char g[VALUE_MAX], a[VALUE_MAX], v[VALUE_MAX];
		pom q;
		budget = POM_BUDGET;
		if (chain_build(&q, NULL, e->project, e->path, &budget, 0) &&
		    coords(&q, g, a, v, VALUE_MAX)) {
			size_t kl = strlen(g) + strlen(a) + strlen(v) + 3;
			if (!(e->key = malloc(kl))) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			snprintf(e->key, kl, "%s:%s:%s", g, a, v);
			set.by_key[set.nkeys++] = e;
		}
	}
	vigil_qsort(set.by_key, set.nkeys, sizeof(*set.by_key), ent_key_cmp);
	/* each pom.xml that inherits or imports, again with its chain and BOMs */
	for (size_t i = 0, k = 0; i < n && error == 0; i++) {
		const char *path = vigil_catalog__path(rs[i]);
		size_t len;
		if (!vigil_catalog__kept(rs[i], &len) ||
		    strcmp(vigil_catalog__base(path), "pom.xml") != 0)
			continue;
		while (k < set.n && strcmp(set.by_path[k].path, path) < 0)
			k++;
		if (k == set.n || strcmp(set.by_path[k].path, path) != 0 ||
		    !pom_refers(set.by_path[k].project))
			continue;
		pom p;
		budget = POM_FINISH_BUDGET;
		chain_build(&p, &set, set.by_path[k].project, path, &budget, 0);
		vigil_catalog__clear(rs[i]);
		error = pom_dependencies(rs[i], &p, 0);
	}
done:
	for (size_t i = 0; set.by_path && i < set.n; i++) {
		xmlFreeDoc(set.by_path[i].doc);
		free(set.by_path[i].key);
	}
	free(set.by_path);
	free(set.by_key);
	return error;
}

/* gradle.lockfile: "group:artifact:version=conf,conf" lines, "empty=" and comments. */
static int parse_gradle(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	const char *p = (const char *)data, *end = p + len, *l;
	size_t n;
	int error = 0;
	while (error == 0 && vigil_lock__line(&p, end, &l, &n)) {
		vigil_lock__trim(&l, &n);
		if (!n || l[0] == '#' || vigil_lock__starts(l, n, "empty="))
			continue;
		const char *eq = memchr(l, '=', n), *c1, *c2;
		size_t coords = eq ? (size_t)(eq - l) : n;
		c1 = memchr(l, ':', coords);
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(l + coords - c1 - 1)) : NULL;
		if (!c1 || !c2 || c1 == l || c2 == c1 + 1 || c2 + 1 >= l + coords) {
			vigil_catalog__skipped(
				r, "gradle.lockfile line that is not group:artifact:version");
			continue;
		}
		/* dev when every configuration is a test one */
		unsigned flags = 0;
		if (eq && eq + 1 < l + n) {
			int all_test = 1;
			const char *c = eq + 1, *e = l + n;
			while (c < e) {
				const char *comma = memchr(c, ',', (size_t)(e - c));
				const char *ce = comma ? comma : e;
				if (!memmem(c, (size_t)(ce - c), "test", 4) &&
				    !memmem(c, (size_t)(ce - c), "Test", 4))
					all_test = 0;
				c = comma ? comma + 1 : e;
			}
			flags = all_test ? VIGIL_PKG_DEV : 0;
		}
		char *g = vigil_catalog__strndup(r, l, (size_t)(c1 - l));
		char *a = vigil_catalog__strndup(r, c1 + 1, (size_t)(c2 - c1 - 1));
		char *v = vigil_catalog__strndup(r, c2 + 1, (size_t)(l + coords - c2 - 1));
		if (!g || !a || !v)
			return VIGIL_ENOMEM;
		error = vigil_lock__add(r, "maven", g, a, v, flags);
	}
	return error;
}

/* A POM of the local Maven repository: kept for the finish pass (parents, BOMs). */
static int is_repo_pom(const char *path)
{
	return vigil_catalog__has_suffix(path, ".pom") && strstr(path, "/.m2/repository/");
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	if (strcmp(vigil_catalog__base(f->path), "pom.xml") == 0)
		return parse_pom(r, data, len);
	if (is_repo_pom(f->path)) {
		xmlDocPtr doc = vigil_lock__xml(data, len);
		int ok = pom_project(doc) != NULL;
		xmlFreeDoc(doc);
		return ok ? vigil_catalog__keep(r, data, len) : 0;
	}
	return parse_gradle(r, data, len);
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (is_repo_pom(f->path))
		return f->size <= POM_REF_MAX ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	if (vigil_lock__in_dependency_tree(f->path))
		return VIGIL_WANT_NO;
	if (strcmp(base, "pom.xml") == 0)
		return f->size <= VIGIL_LOCK_XML_MAX && !strstr(f->path, "/META-INF/")
			       ? VIGIL_WANT_YES
			       : VIGIL_WANT_NO;
	if (strcmp(base, "gradle.lockfile") == 0 ||
	    (vigil_catalog__has_suffix(base, ".lockfile") && strstr(f->path, "/dependency-locks/")))
		return f->size <= (16u << 20) ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_lock_jvm = {"lock-jvm", 0, want, parse, 16u << 20,
						  NULL,	      0, 0,    0,     finish_pom};
