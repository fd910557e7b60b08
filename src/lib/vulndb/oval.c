/*
 * OVAL 5.x XML definitions of rpm distributions, streamed with libxml2's reader (no
 * network, no entity substitution, no DTD; two passes, so memory is the index of tests,
 * objects and states, not the document):
 *  - Azure Linux / CBL-Mariner (azurelinux-3.0-oval.xml, cbl-mariner-N.0-oval.xml): one
 *    definition per CVE; ecosystems azurelinux:3.0, mariner:N.0;
 *  - Red Hat OVAL v2 (RHELN/rhel-N.oval.xml[.bz2]): one "patch" definition per RHSA with
 *    its CVEs; ecosystem rhel:N;
 *  - Oracle Linux (com.oracle.elsa-all.xml[.bz2], com.oracle.elsa-olN.xml.bz2): one
 *    definition per ELSA; the release comes from the criterion "Oracle Linux N is
 *    installed" that scopes the package criteria; ecosystem ol:N;
 *  - SUSE (suse.linux.enterprise.server.N.xml[.gz|.bz2], opensuse.leap.X.Y.xml[.gz]):
 *    one "vulnerability" definition per CVE; SLES packages are scoped by product
 *    criteria "SUSE Linux Enterprise ... 15 SP5 ... is installed" -> sles:15.5 (no
 *    service pack -> sles:15); openSUSE Leap files give opensuse-leap:X.Y.
 * A definition's criteria name rpminfo_tests; each test pairs an rpminfo_object (the
 * binary package name) with an rpminfo_state whose evr is "less than" the fixed EVR
 * (stored with its epoch, "0:2.6.7-3.azl3") or "less than or equal" the last affected one
 * (stored as unfixed with {"vulnerable":["<= evr"]}). Tests without an evr (signature
 * keys, "is installed" checks, architectures) scope nothing and are not statements.
 * "Module NAME:STREAM is enabled" criteria key the packages they scope as
 * "NAME:STREAM::package", as the AlmaLinux importer does.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include <archive.h>
#include <archive_entry.h>

#include "lang.h"
#include "vulndb.h"

#define MAX_CRITERIA_DEPTH 32
#define MAX_XML (1u << 30)

typedef enum { OV_AZURE, OV_RHEL, OV_ORACLE, OV_SUSE, OV_LEAP } flavour;

static int is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* The text of an element (libxml2 allocates it: free with xmlFree), or NULL. */
static char *text(const xmlNode *n)
{
	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

static char *attr(const xmlNode *n, const char *name)
{
	return n ? (char *)xmlGetProp(n, (const xmlChar *)name) : NULL;
}

typedef struct ctx {
	vigil_vdb_build *b;
	const char *member, *eco, *sev;
	flavour fl;
	int major; /* SUSE: the release of the file (15), for product criteria */
	xmlHashTablePtr tests, objects, states, seen;
	int64_t vuln;
	int rows, error;
} ctx;

/* What scopes the package criteria below a point of the criteria tree. */
typedef struct scope {
	char eco[64];	 /* "" = not a release this feed maps: its packages are skipped */
	char module[96]; /* "nodejs:14" or "" */
} scope;

/* The parts of the tests, objects and states sections a statement needs, indexed by id
 * while the file is streamed (the definitions come before them in the file). */
typedef struct ptest {
	int rpm;	      /* an rpminfo_test */
	char *object, *state; /* their ids */
} ptest;

typedef struct pstate {
	char *evr, *op; /* NULL when the state has no evr */
} pstate;

static void free_test(void *p, const xmlChar *name)
{
	ptest *t = p;
	(void)name;
	if (t) {
		xmlFree(t->object);
		xmlFree(t->state);
		free(t);
	}
}

static void free_state(void *p, const xmlChar *name)
{
	pstate *st = p;
	(void)name;
	if (st) {
		xmlFree(st->evr);
		xmlFree(st->op);
		free(st);
	}
}

static void free_text(void *p, const xmlChar *name)
{
	(void)name;
	xmlFree(p);
}

/* Indexes one element of the tests, objects or states section (`section`). */
static int index_one(ctx *c, const char *section, const xmlNode *n)
{
	xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
	int nomem = 0;
	if (!id)
		return 0;
	if (strcmp(section, "tests") == 0) {
		ptest *t = calloc(1, sizeof(*t));
		xmlNode *o = child(n, "object"), *st = child(n, "state");
		if (!t) {
			nomem = 1;
		} else {
			t->rpm = is(n, "rpminfo_test");
			t->object = attr(o, "object_ref");
			t->state = attr(st, "state_ref");
			if (xmlHashAddEntry(c->tests, id, t) < 0)
				free_test(t, NULL);
		}
	} else if (strcmp(section, "objects") == 0) {
		char *name = text(child(n, "name"));
		if (name && xmlHashAddEntry(c->objects, id, name) < 0)
			xmlFree(name);
	} else if (strcmp(section, "states") == 0) {
		pstate *st = calloc(1, sizeof(*st));
		xmlNode *evn = child(n, "evr");
		if (!st) {
			nomem = 1;
		} else {
			st->evr = text(evn);
			st->op = attr(evn, "operation");
			if (xmlHashAddEntry(c->states, id, st) < 0)
				free_state(st, NULL);
		}
	}
	xmlFree(id);
	return nomem ? VIGIL_ENOMEM : 0; /* a duplicate id keeps the first */
}

/* Reads a decimal number at *p (at most 4 digits); -1 when none. */
static int num_at(const char **p)
{
	int v = 0, n = 0;
	while (isdigit((unsigned char)**p) && n < 4) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

/* A criterion comment that names the release the sibling criteria apply to: "Oracle
 * Linux 8 is installed", "SUSE Linux Enterprise Server 15 SP5 is installed". 1 when it
 * is one (sc->eco set, "" for a product this feed does not map), else 0. */
static int release_comment(const ctx *c, scope *sc, const char *cm)
{
	size_t n = strlen(cm);
	if (n < 14 || strcmp(cm + n - 13, " is installed") != 0)
		return 0;
	if (c->fl == OV_ORACLE) {
		const char *p = strstr(cm, "Oracle Linux ");
		if (!p || p != cm)
			return 0;
		p += 13;
		int v = num_at(&p);
		if (v < 0)
			return 0;
		snprintf(sc->eco, sizeof(sc->eco), "ol:%d", v);
		return 1;
	}
	if (c->fl != OV_SUSE || strncmp(cm, "SUSE Linux Enterprise ", 22) != 0)
		return 0;
	/* the first number after the product name is its release; " SP<n>" follows */
	const char *p = cm + 22;
	while (*p && !isdigit((unsigned char)*p))
		p++;
	int major = num_at(&p), sp = 0;
	if (major < 0)
		return 0;
	if (strncmp(p, " SP", 3) == 0) {
		p += 3;
		sp = num_at(&p);
	}
	if (major != c->major || sp < 0)
		sc->eco[0] = '\0'; /* another product's release (Micro 5.x, Manager 4.x) */
	else if (sp > 0)
		snprintf(sc->eco, sizeof(sc->eco), "sles:%d.%d", major, sp);
	else
		snprintf(sc->eco, sizeof(sc->eco), "sles:%d", major);
	return 1;
}

/* "Module nodejs:14 is enabled" -> "nodejs:14". */
static int module_comment(scope *sc, const char *cm)
{
	size_t n = strlen(cm);
	if (strncmp(cm, "Module ", 7) != 0 || n < 19 || strcmp(cm + n - 11, " is enabled") != 0 ||
	    n - 18 >= sizeof(sc->module))
		return 0;
	snprintf(sc->module, sizeof(sc->module), "%.*s", (int)(n - 18), cm + 7);
	if (!strchr(sc->module, ':') || strchr(sc->module, ' ')) {
		sc->module[0] = '\0';
		return 0;
	}
	return 1;
}

/* One criterion: test -> object name + state evr -> an affected row. */
static int criterion(ctx *c, const scope *sc, const xmlNode *crit)
{
	char *ref = attr(crit, "test_ref"), *name = NULL, *evr = NULL, *op = NULL;
	char key[640], pname[512];
	int error = 0;
	const ptest *test = ref ? xmlHashLookup(c->tests, (const xmlChar *)ref) : NULL;
	const char *oname = test && test->object
				    ? xmlHashLookup(c->objects, (const xmlChar *)test->object)
				    : NULL;
	const pstate *state =
		test && test->state ? xmlHashLookup(c->states, (const xmlChar *)test->state) : NULL;
	if (!test || !test->rpm || !test->object || !state || !state->evr)
		goto done; /* not a package version test (release, signature, arch) */
	name = oname ? (char *)xmlStrdup((const xmlChar *)oname) : NULL;
	evr = (char *)xmlStrdup((const xmlChar *)state->evr);
	op = state->op ? (char *)xmlStrdup((const xmlChar *)state->op) : NULL;
	if (!name || !name[0] || !evr || !evr[0] || !op) {
		vigil_vdb__skipped(c->b, c->member, "rpminfo test without a name or evr");
		goto done;
	}
	if (!sc->eco[0])
		goto done; /* a product or release the feed does not map */
	if (sc->module[0])
		snprintf(pname, sizeof(pname), "%s::%s", sc->module, name);
	else
		snprintf(pname, sizeof(pname), "%s", name);
	/* one statement per (release, package, evr): products and architectures repeat them */
	snprintf(key, sizeof(key), "%s|%s|%s|%s", sc->eco, pname, op, evr);
	if (xmlHashLookup(c->seen, (const xmlChar *)key))
		goto done;
	if (xmlHashAddEntry(c->seen, (const xmlChar *)key, (void *)1) < 0) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (strcmp(op, "less than") == 0) {
		error = vigil_vdb__affected(c->b, sc->eco, pname, c->vuln, VIGIL_ST_FIXED, evr,
					    NULL, c->sev);
	} else if (strcmp(op, "less than or equal") == 0) {
		vigil_buf j = VIGIL_BUF_INIT;
		if (strpbrk(evr, "\"\\")) {
			vigil_vdb__skipped(c->b, c->member, "evr with quotes");
			goto done;
		}
		if ((error = vigil_buf_printf(&j, "{\"vulnerable\":[\"<= %s\"]}", evr)) == 0)
			error = vigil_vdb__affected(c->b, sc->eco, pname, c->vuln, VIGIL_ST_UNFIXED,
						    NULL, (const char *)j.data, c->sev);
		vigil_buf_free(&j);
	} else {
		vigil_vdb__skipped(c->b, c->member, "evr operation that is not less than");
		goto done;
	}
	c->rows++;
done:
	xmlFree(ref);
	xmlFree(name);
	xmlFree(evr);
	xmlFree(op);
	return error;
}

/* Walks a criteria element: release and module criteria scope the criteria after them
 * at the same level and below. */
static int criteria(ctx *c, const xmlNode *n, const scope *outer, int depth)
{
	scope sc = *outer;
	int error = 0;
	if (depth > MAX_CRITERIA_DEPTH)
		return 0;
	for (xmlNode *k = n ? n->children : NULL; k && error == 0; k = k->next) {
		if (is(k, "criteria")) {
			error = criteria(c, k, &sc, depth + 1);
		} else if (is(k, "criterion")) {
			char *cm = attr(k, "comment");
			if (!cm || !(release_comment(c, &sc, cm) || module_comment(&sc, cm)))
				error = criterion(c, &sc, k);
			xmlFree(cm);
		}
	}
	return error;
}

/* The advisory id a Red Hat or Oracle definition is about (RHSA-..., ELSA-...), from
 * its references. */
static char *advisory_ref(const ctx *c, const xmlNode *meta)
{
	if (c->fl != OV_RHEL && c->fl != OV_ORACLE)
		return NULL;
	for (xmlNode *r = meta ? meta->children : NULL; r; r = r->next) {
		char *src = is(r, "reference") ? attr(r, "source") : NULL;
		if (src && (strcmp(src, "RHSA") == 0 || strcasecmp(src, "elsa") == 0)) {
			xmlFree(src);
			char *id = attr(r, "ref_id");
			if (id && id[0])
				return id;
			xmlFree(id);
			continue;
		}
		xmlFree(src);
	}
	return NULL;
}

static int definition(ctx *c, xmlNode *def)
{
	xmlNode *meta = child(def, "metadata"), *adv = child(meta, "advisory");
	char *cve = NULL, *url = NULL, *sev = NULL, *date = NULL, *id = NULL, *title = NULL;
	char *cls = attr(def, "class");
	int error = 0;
	if (cls && strcmp(cls, "patch") != 0 && strcmp(cls, "vulnerability") != 0)
		goto done; /* inventory and compliance definitions state no vulnerability */
	for (xmlNode *r = meta ? meta->children : NULL; r && !cve; r = r->next) {
		char *src = is(r, "reference") ? attr(r, "source") : NULL;
		if (src && strcmp(src, "CVE") == 0) {
			cve = attr(r, "ref_id");
			url = attr(r, "ref_url");
			/* a reference without an id does not count, nor its URL (the next one
			 * would overwrite it: a leak the fuzzer found) */
			if (!cve || !cve[0]) {
				xmlFree(cve);
				xmlFree(url);
				cve = url = NULL;
			}
		}
		xmlFree(src);
	}
	if (cve && strstr(cve, "CVE-") && strstr(cve, "CVE-") != cve) /* SUSE: "Mitre CVE-..." */
		memmove(cve, strstr(cve, "CVE-"), strlen(strstr(cve, "CVE-")) + 1);
	id = advisory_ref(c, meta);
	if (!id && (!cve || !cve[0])) {
		vigil_vdb__skipped(c->b, c->member, "definition without a CVE reference");
		goto done;
	}
	sev = text(child(meta, "severity"));
	if (!sev)
		sev = text(child(adv, "severity"));
	date = text(child(meta, "advisory_date"));
	if (!date)
		date = attr(child(adv, "issued"), "date");
	if (id) {
		title = text(child(meta, "title"));
		if (title) { /* one line, without the leading newline Oracle puts there */
			char *t = title;
			while (*t && isspace((unsigned char)*t))
				t++;
			memmove(title, t, strlen(t) + 1);
			title[strcspn(title, "\r\n")] = '\0';
			if (strlen(title) > 159)
				title[159] = '\0';
		}
	}
	c->sev = vigil_vdb__severity_word(sev);
	if (c->sev && strcmp(c->sev, "UNKNOWN") == 0)
		c->sev = NULL;
	c->rows = 0;
	vigil_vdb__record(c->b);
	if ((error = vigil_vdb__vuln(c->b, &c->vuln, id ? id : cve,
				     title && title[0] ? title : NULL, c->sev)) < 0 ||
	    (error = vigil_vdb__details(c->b, c->vuln, NULL, 0, date)) < 0 ||
	    (url && (error = vigil_vdb__reference(c->b, c->vuln, url)) < 0))
		goto done;
	/* an advisory's CVEs are its aliases */
	for (xmlNode *r = id && meta ? meta->children : NULL; r && error == 0; r = r->next) {
		char *src = is(r, "reference") ? attr(r, "source") : NULL;
		char *rid = src && strcmp(src, "CVE") == 0 ? attr(r, "ref_id") : NULL;
		if (rid && strncmp(rid, "CVE-", 4) == 0)
			error = vigil_vdb__alias(c->b, c->vuln, rid);
		xmlFree(src);
		xmlFree(rid);
	}
	scope sc;
	memset(&sc, 0, sizeof(sc));
	snprintf(sc.eco, sizeof(sc.eco), "%s", c->eco);
	if (error == 0 && (c->seen = xmlHashCreate(64)) == NULL)
		error = VIGIL_ENOMEM;
	if (error == 0)
		error = criteria(c, child(def, "criteria"), &sc, 0);
	xmlHashFree(c->seen, NULL);
	c->seen = NULL;
	if (error == 0 && c->rows == 0)
		vigil_vdb__skipped(c->b, c->member, "definition without a package test");
done:
	xmlFree(cls);
	xmlFree(cve);
	xmlFree(url);
	xmlFree(sev);
	xmlFree(date);
	xmlFree(id);
	xmlFree(title);
	return error;
}

/* The member's base name without a compression suffix (.bz2, .gz, .xz) into out;
 * sets *compressed. */
static void base_name(char *out, size_t n, const char *member, int *compressed)
{
	const char *b = strrchr(member, '/');
	b = b ? b + 1 : member;
	size_t l = strlen(b);
	*compressed = 0;
	static const char *const SUF[] = {".bz2", ".gz", ".xz"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(SUF); i++) {
		size_t k = strlen(SUF[i]);
		if (l > k && strcmp(b + l - k, SUF[i]) == 0) {
			l -= k;
			*compressed = 1;
			break;
		}
	}
	snprintf(out, n, "%.*s", (int)(l < n ? l : n - 1), b);
}

/* "15", "15.5": digits and dots only, at most 15 bytes. */
static int release_word(const char *s, size_t n)
{
	if (n == 0 || n > 15 || !isdigit((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return 0;
	return 1;
}

/* The ecosystem of a member for a flavour ("" when the release comes from the criteria),
 * or 0 for files that are not OVAL streams of that feed. */
static int member_ecosystem(char *out, size_t n, flavour fl, const char *member, int *major)
{
	char base[256];
	int comp;
	size_t bl;
	base_name(base, sizeof(base), member, &comp);
	bl = strlen(base);
	*major = 0;
	out[0] = '\0';
	switch (fl) {
	case OV_AZURE:
		if (comp || strchr(member, '/') || bl < 10 || strcmp(base + bl - 9, "-oval.xml"))
			return 0;
		if (strncmp(base, "azurelinux-", 11) == 0)
			snprintf(out, n, "azurelinux:%.*s", (int)(bl - 9 - 11), base + 11);
		else if (strncmp(base, "cbl-mariner-", 12) == 0)
			snprintf(out, n, "mariner:%.*s", (int)(bl - 9 - 12), base + 12);
		else
			return 0;
		return 1;
	case OV_RHEL: /* rhel-8.oval.xml; not rhel-8-including-unpatched, not EUS streams */
		if (strncmp(base, "rhel-", 5) || bl < 15 || strcmp(base + bl - 9, ".oval.xml") ||
		    !release_word(base + 5, bl - 14))
			return 0;
		snprintf(out, n, "rhel:%.*s", (int)(bl - 14), base + 5);
		return 1;
	case OV_ORACLE:
		return strncmp(base, "com.oracle.elsa-", 16) == 0 && bl > 20 &&
		       strcmp(base + bl - 4, ".xml") == 0;
	case OV_SUSE: /* suse.linux.enterprise.server.15.xml */
		if (strncmp(base, "suse.linux.enterprise.server.", 29) || bl < 34 ||
		    strcmp(base + bl - 4, ".xml") || !release_word(base + 29, bl - 33) ||
		    memchr(base + 29, '.', bl - 33))
			return 0;
		*major = (int)strtol(base + 29, NULL, 10);
		snprintf(out, n, "sles:%d", *major);
		return 1;
	case OV_LEAP: /* opensuse.leap.15.5.xml */
		if (strncmp(base, "opensuse.leap.", 14) || bl < 19 ||
		    strcmp(base + bl - 4, ".xml") || !release_word(base + 14, bl - 18))
			return 0;
		snprintf(out, n, "opensuse-leap:%.*s", (int)(bl - 18), base + 14);
		return 1;
	}
	return 0;
}

/* A compressed member (.bz2/.gz/.xz) decompressed with libarchive's raw reader as
 * libxml2 asks for bytes, so the document is never held whole: at most `limit` bytes;
 * `error` says why the stream ended early (VIGIL_EFORMAT: corrupt or truncated,
 * VIGIL_ELIMIT: over the limit). */
typedef struct zin {
	struct archive *a;
	size_t total, limit;
	int error;
} zin;

static int zin_read(void *p, char *buf, int len)
{
	zin *z = p;
	la_ssize_t r = archive_read_data(z->a, buf, (size_t)len);
	if (r < 0) {
		z->error = VIGIL_EFORMAT;
		return -1;
	}
	z->total += (size_t)r;
	if (z->total > z->limit) {
		z->error = VIGIL_ELIMIT;
		return -1;
	}
	return (int)r;
}

static int zin_close(void *p)
{
	(void)p;
	return 0;
}

static int zin_open(zin *z, const uint8_t *data, size_t len, size_t limit)
{
	struct archive_entry *e;
	memset(z, 0, sizeof(*z));
	z->limit = limit;
	if (!(z->a = archive_read_new()))
		return VIGIL_ENOMEM;
	archive_read_support_filter_all(z->a);
	archive_read_support_format_raw(z->a);
	if (archive_read_open_memory(z->a, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(z->a, &e) != ARCHIVE_OK)
		return z->error = VIGIL_EFORMAT;
	return 0;
}

/* One pass over the document with libxml2's streaming reader: pass 1 indexes the
 * tests, objects and states (and reads the generator's timestamp), pass 2 imports each
 * definition. Every element of interest is expanded alone and freed as the reader moves
 * on. 0 when done; VIGIL_EFORMAT when the root is not oval_definitions; MALFORMED
 * (positive, as VIGIL_ENOMEM is -1) for malformed XML or a compressed stream that ended
 * early; VIGIL_ENOMEM. Import errors are left in c->error. */
enum { MALFORMED = 1 };

static int stream(ctx *c, int pass, const uint8_t *data, size_t len, zin *z)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE;
	xmlTextReaderPtr rd =
		z ? xmlReaderForIO(zin_read, zin_close, z, NULL, NULL, opts)
		  : xmlReaderForMemory((const char *)data, (int)len, NULL, NULL, opts);
	char section[32] = "";
	int r, result = 0, seen_root = 0;
	if (!rd)
		return VIGIL_ENOMEM;
	r = xmlTextReaderRead(rd);
	while (r == 1 && c->error == 0) {
		if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT) {
			r = xmlTextReaderRead(rd);
			continue;
		}
		const char *name = (const char *)xmlTextReaderConstLocalName(rd);
		int depth = xmlTextReaderDepth(rd);
		if (depth == 0) {
			if (!name || strcmp(name, "oval_definitions") != 0) {
				result = VIGIL_EFORMAT;
				break;
			}
			seen_root = 1;
			r = xmlTextReaderRead(rd);
			continue;
		}
		if (depth == 1) {
			snprintf(section, sizeof(section), "%s", name ? name : "");
			int wanted = pass == 1 ? strcmp(section, "definitions") != 0
					       : strcmp(section, "definitions") == 0;
			if (pass == 1 && strcmp(section, "generator") == 0) {
				xmlNode *g = xmlTextReaderExpand(rd);
				char *ts = g ? text(child(g, "timestamp")) : NULL;
				if (ts && strlen(ts) >= 10)
					vigil_vdb__source_date(c->b, ts);
				xmlFree(ts);
				r = xmlTextReaderNext(rd);
				continue;
			}
			r = wanted ? xmlTextReaderRead(rd) : xmlTextReaderNext(rd);
			continue;
		}
		if (depth == 2) {
			xmlNode *n = xmlTextReaderExpand(rd);
			if (!n) {
				result = MALFORMED;
				break;
			}
			if (pass == 1 && index_one(c, section, n) < 0)
				c->error = VIGIL_ENOMEM;
			else if (pass == 2 && is(n, "definition"))
				c->error = definition(c, n);
			r = xmlTextReaderNext(rd);
			continue;
		}
		r = xmlTextReaderNext(rd);
	}
	if (result == 0 && (r < 0 || !seen_root))
		result = MALFORMED;
	if (result == MALFORMED && !seen_root)
		result = VIGIL_EFORMAT;
	xmlFreeTextReader(rd);
	return result;
}

static int parse_flavour(vigil_vdb_build *b, flavour fl, const char *member, const uint8_t *data,
			 size_t len)
{
	char eco[64], base[256];
	int comp, major, error = 0;
	ctx c;
	if (!member_ecosystem(eco, sizeof(eco), fl, member, &major))
		return 0;
	base_name(base, sizeof(base), member, &comp);
	if (!comp && len > INT32_MAX) {
		vigil_vdb__skipped(b, member, "too large");
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.member = member;
	c.eco = eco;
	c.fl = fl;
	c.major = major;
	c.tests = xmlHashCreate(1024);
	c.objects = xmlHashCreate(1024);
	c.states = xmlHashCreate(1024);
	if (!c.tests || !c.objects || !c.states)
		error = VIGIL_ENOMEM;
	/* two streaming passes, so that memory is the index, not the document: the tests,
	 * objects and states, then the definitions; a compressed member is decompressed as
	 * each pass reads it, and a truncated or oversized one is found by the first pass,
	 * before anything is imported */
	for (int pass = 1; pass <= 2 && error == 0; pass++) {
		zin z;
		int r = comp ? zin_open(&z, data, len, MAX_XML) : 0;
		if (r == 0)
			r = stream(&c, pass, data, len, comp ? &z : NULL);
		if (comp)
			archive_read_free(z.a);
		if (r == VIGIL_ENOMEM) {
			error = r;
		} else if (r != 0) {
			const char *why = r == VIGIL_EFORMAT ? "not an OVAL definitions document"
							     : "malformed XML";
			if (comp && z.error == VIGIL_ELIMIT)
				why = "decompressed file over 1 GiB";
			else if (comp && z.error == VIGIL_EFORMAT)
				why = "not a complete compressed file";
			vigil_vdb__skipped(b, member, why);
			if (fl == OV_AZURE)
				error = VIGIL_EFORMAT;
			break;
		}
		if (c.error < 0)
			error = c.error;
	}
	xmlHashFree(c.tests, free_test);
	xmlHashFree(c.objects, free_text);
	xmlHashFree(c.states, free_state);
	return error;
}

#define FLAVOUR(fn, fl)                                                                            \
	static int want_##fn(const char *member)                                                   \
	{                                                                                          \
		char eco[64];                                                                      \
		int major;                                                                         \
		return member_ecosystem(eco, sizeof(eco), fl, member, &major);                     \
	}                                                                                          \
	static int parse_##fn(vigil_vdb_build *b, const char *member, const uint8_t *data,         \
			      size_t len)                                                          \
	{                                                                                          \
		return parse_flavour(b, fl, member, data, len);                                    \
	}

FLAVOUR(azure, OV_AZURE)
FLAVOUR(rhel, OV_RHEL)
FLAVOUR(oracle, OV_ORACLE)

/* SUSE: SLES and openSUSE Leap files in one feed. */
static int want_suse(const char *member)
{
	char eco[64];
	int major;
	return member_ecosystem(eco, sizeof(eco), OV_SUSE, member, &major) ||
	       member_ecosystem(eco, sizeof(eco), OV_LEAP, member, &major);
}

static int parse_suse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	char eco[64];
	int major;
	if (member_ecosystem(eco, sizeof(eco), OV_LEAP, member, &major))
		return parse_flavour(b, OV_LEAP, member, data, len);
	return parse_flavour(b, OV_SUSE, member, data, len);
}

const vigil_feed vigil_feed_azurelinux = {
	"azurelinux-oval", "https://github.com/microsoft/AzureLinuxVulnerabilityData",
	want_azure,	   parse_azure,
	64u << 20,
};

const vigil_feed vigil_feed_redhat_oval = {
	"redhat-oval",
	"https://access.redhat.com/security/data/oval/v2/ (RHELN/rhel-N.oval.xml.bz2)",
	want_rhel,
	parse_rhel,
	1u << 30,
};

const vigil_feed vigil_feed_oracle_oval = {
	"oracle-oval", "https://linux.oracle.com/security/oval/com.oracle.elsa-all.xml.bz2",
	want_oracle,   parse_oracle,
	1u << 30,
};

const vigil_feed vigil_feed_suse_oval = {
	"suse-oval", "https://ftp.suse.com/pub/projects/security/oval/ (SLES, openSUSE Leap)",
	want_suse,   parse_suse,
	1u << 30,
};
