/*
 * JVM build files: Maven's pom.xml (the declared dependencies, versions taken from the
 * file's own dependencyManagement and ${properties} — project.version, project.groupId,
 * project.parent.version and <properties> — resolved within the file; a version that
 * stays unresolved is left out) and Gradle's dependency lockfile gradle.lockfile
 * ("group:artifact:version=configurations"). Maven's test scope and Gradle entries used
 * only by test configurations are dev; <optional>true</optional> is optional.
 */
#include <stdio.h>
#include <string.h>

#include "lock.h"

#define PROP_DEPTH 8   /* ${a} -> ${b} -> ... */
#define VALUE_MAX 1024 /* a resolved value */

#define POM_BUDGET 200000 /* property expansions and managed lookups per file */

typedef struct pom {
	xmlNodePtr project, props, managed;
	unsigned budget; /* hostile files (a property that expands into many) stop here */
} pom;

/* The raw value of property `name`, or NULL (free with xmlFree). */
static char *property(pom *p, const char *name)
{
	xmlNodePtr parent = NULL;
	for (xmlNodePtr c = p->project->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(c->name, (const xmlChar *)"parent") == 0)
			parent = c;
	if (strcmp(name, "project.version") == 0 || strcmp(name, "version") == 0 ||
	    strcmp(name, "pom.version") == 0) {
		char *v = vigil_lock__xml_child(p->project, "version");
		return v ? v : vigil_lock__xml_child(parent, "version");
	}
	if (strcmp(name, "project.groupId") == 0 || strcmp(name, "groupId") == 0 ||
	    strcmp(name, "pom.groupId") == 0) {
		char *v = vigil_lock__xml_child(p->project, "groupId");
		return v ? v : vigil_lock__xml_child(parent, "groupId");
	}
	if (strcmp(name, "project.artifactId") == 0)
		return vigil_lock__xml_child(p->project, "artifactId");
	if (strcmp(name, "project.parent.version") == 0)
		return vigil_lock__xml_child(parent, "version");
	if (strcmp(name, "project.parent.groupId") == 0)
		return vigil_lock__xml_child(parent, "groupId");
	return vigil_lock__xml_child(p->props, name);
}

/* Expands ${name} references of `in` into out (NUL-terminated, trimmed); returns 0 when
 * something stays unresolved or the result does not fit. */
static int resolve(pom *p, const char *in, char *out, size_t cap, int depth)
{
	size_t n = 0;
	const char *s = in;
	if (p->budget == 0)
		return 0;
	p->budget--;
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

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return c;
	return NULL;
}

/* A version the file's dependencyManagement gives group:artifact, or NULL (xmlFree). */
static char *managed_version(pom *p, const char *g, const char *a)
{
	char rg[VALUE_MAX], ra[VALUE_MAX];
	for (xmlNodePtr d = p->managed ? p->managed->children : NULL; d && p->budget; d = d->next) {
		p->budget--;
		if (d->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(d->name, (const xmlChar *)"dependency"))
			continue;
		char *dg = vigil_lock__xml_child(d, "groupId"),
		     *da = vigil_lock__xml_child(d, "artifactId");
		int same = dg && da && resolve(p, dg, rg, sizeof(rg), 0) &&
			   resolve(p, da, ra, sizeof(ra), 0) && strcmp(rg, g) == 0 &&
			   strcmp(ra, a) == 0;
		xmlFree(dg);
		xmlFree(da);
		if (same)
			return vigil_lock__xml_child(d, "version");
	}
	return NULL;
}

static int parse_pom(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	xmlDocPtr doc = vigil_lock__xml(data, len);
	int error = 0;
	pom p;
	if (!doc)
		return VIGIL_EFORMAT;
	p.project = xmlDocGetRootElement(doc);
	if (!p.project || xmlStrcmp(p.project->name, (const xmlChar *)"project")) {
		xmlFreeDoc(doc);
		return VIGIL_EFORMAT;
	}
	p.budget = POM_BUDGET;
	p.props = child(p.project, "properties");
	p.managed = child(child(p.project, "dependencyManagement"), "dependencies");
	xmlNodePtr deps = child(p.project, "dependencies");
	for (xmlNodePtr d = deps ? deps->children : NULL; d && error == 0; d = d->next) {
		if (d->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(d->name, (const xmlChar *)"dependency"))
			continue;
		char g[VALUE_MAX], a[VALUE_MAX], v[VALUE_MAX], sc[64] = "", op[16] = "";
		char *rg = vigil_lock__xml_child(d, "groupId"),
		     *ra = vigil_lock__xml_child(d, "artifactId");
		char *rv = vigil_lock__xml_child(d, "version"),
		     *rs = vigil_lock__xml_child(d, "scope");
		char *ro = vigil_lock__xml_child(d, "optional");
		int ok = rg && ra && resolve(&p, rg, g, sizeof(g), 0) &&
			 resolve(&p, ra, a, sizeof(a), 0);
		if (ok && !rv)
			rv = managed_version(&p, g, a);
		ok = ok && rv && resolve(&p, rv, v, sizeof(v), 0);
		if (rs)
			resolve(&p, rs, sc, sizeof(sc), 0);
		if (ro)
			resolve(&p, ro, op, sizeof(op), 0);
		xmlFree(rg), xmlFree(ra), xmlFree(rv), xmlFree(rs), xmlFree(ro);
		if (!ok) {
			vigil_catalog__skipped(r,
					       "pom.xml dependency without a resolvable version");
			continue;
		}
		unsigned flags = VIGIL_PKG_DIRECT | (strcmp(sc, "test") == 0 ? VIGIL_PKG_DEV : 0) |
				 (strcmp(op, "true") == 0 ? VIGIL_PKG_OPTIONAL : 0);
		error = vigil_lock__add(r, "maven", g, a, v, flags);
	}
	xmlFreeDoc(doc);
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

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	if (strcmp(vigil_catalog__base(f->path), "pom.xml") == 0)
		return parse_pom(r, data, len);
	return parse_gradle(r, data, len);
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
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

const vigil_cataloger vigil_cataloger_lock_jvm = {"lock-jvm", 0, want, parse, 16u << 20};
