/*
 * Azure Linux / CBL-Mariner OVAL 5.11 XML (azurelinux-3.0-oval.xml,
 * cbl-mariner-N.0-oval.xml), read with libxml2 (no network, no entity substitution, no
 * DTD). A definition's criteria name rpminfo_tests; each test pairs an rpminfo_object
 * (the binary package name) with an rpminfo_state whose evr is "less than" the fixed
 * EVR (stored with its epoch, "0:2.6.7-3.azl3") or "less than or equal" the last
 * affected one (stored as unfixed with the constraint {"vulnerable":["<= evr"]}). The
 * definition's CVE reference is the vulnerability; severity, advisory date and the
 * reference URL come from its metadata. Ecosystems: azurelinux:3.0, mariner:1.0/2.0.
 */
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lang.h"
#include "vulndb.h"

#define MAX_CRITERIA_DEPTH 32

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
	xmlHashTablePtr tests, objects, states;
	int64_t vuln;
	int rows;
} ctx;

/* Indexes the elements of a section (tests, objects, states) by id. */
static void index_section(xmlHashTablePtr h, xmlNode *section)
{
	for (xmlNode *c = section ? section->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *id = xmlGetProp(c, (const xmlChar *)"id");
		if (id) {
			xmlHashAddEntry(h, id, c);
			xmlFree(id);
		}
	}
}

static xmlNode *lookup_ref(xmlHashTablePtr h, const xmlNode *n, const char *el, const char *ref)
{
	xmlNode *r = child(n, el);
	xmlChar *id = r ? xmlGetProp(r, (const xmlChar *)ref) : NULL;
	xmlNode *found = id ? xmlHashLookup(h, id) : NULL;
	xmlFree(id);
	return found;
}

/* One criterion: test -> object name + state evr -> an affected row. */
static int criterion(ctx *c, const xmlNode *crit)
{
	char *ref = attr(crit, "test_ref"), *name = NULL, *evr = NULL, *op = NULL;
	int error = 0;
	xmlNode *test = ref ? xmlHashLookup(c->tests, (const xmlChar *)ref) : NULL;
	xmlNode *obj = test ? lookup_ref(c->objects, test, "object", "object_ref") : NULL;
	xmlNode *state = test ? lookup_ref(c->states, test, "state", "state_ref") : NULL;
	xmlNode *evn = child(state, "evr");
	if (!is(test, "rpminfo_test") || !obj || !evn)
		goto done; /* not a package test (none in these feeds) */
	name = text(child(obj, "name"));
	evr = text(evn);
	op = attr(evn, "operation");
	if (!name || !name[0] || !evr || !evr[0] || !op) {
		vigil_vdb__skipped(c->b, c->member, "rpminfo test without a name or evr");
		goto done;
	}
	if (strcmp(op, "less than") == 0) {
		error = vigil_vdb__affected(c->b, c->eco, name, c->vuln, VIGIL_ST_FIXED, evr, NULL,
					    c->sev);
	} else if (strcmp(op, "less than or equal") == 0) {
		vigil_buf j = VIGIL_BUF_INIT;
		char *q = evr;
		if (strpbrk(q, "\"\\")) {
			vigil_vdb__skipped(c->b, c->member, "evr with quotes");
			goto done;
		}
		if ((error = vigil_buf_printf(&j, "{\"vulnerable\":[\"<= %s\"]}", q)) == 0)
			error = vigil_vdb__affected(c->b, c->eco, name, c->vuln, VIGIL_ST_UNFIXED,
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

static int criteria(ctx *c, const xmlNode *n, int depth)
{
	int error = 0;
	if (depth > MAX_CRITERIA_DEPTH)
		return 0;
	for (xmlNode *k = n ? n->children : NULL; k && error == 0; k = k->next) {
		if (is(k, "criteria"))
			error = criteria(c, k, depth + 1);
		else if (is(k, "criterion"))
			error = criterion(c, k);
	}
	return error;
}

static int definition(ctx *c, xmlNode *def)
{
	xmlNode *meta = child(def, "metadata"), *ref = NULL;
	char *cve = NULL, *url = NULL, *sev = NULL, *date = NULL;
	int error = 0;
	for (xmlNode *r = meta ? meta->children : NULL; r; r = r->next) {
		char *src = is(r, "reference") ? attr(r, "source") : NULL;
		if (src && strcmp(src, "CVE") == 0 && !ref)
			ref = r;
		xmlFree(src);
	}
	cve = attr(ref, "ref_id");
	if (!cve || !cve[0]) {
		vigil_vdb__skipped(c->b, c->member, "definition without a CVE reference");
		goto done;
	}
	url = attr(ref, "ref_url");
	sev = text(child(meta, "severity"));
	date = text(child(meta, "advisory_date"));
	c->sev = vigil_vdb__severity_word(sev);
	c->rows = 0;
	vigil_vdb__record(c->b);
	if ((error = vigil_vdb__vuln(c->b, &c->vuln, cve, NULL, c->sev)) < 0 ||
	    (error = vigil_vdb__details(c->b, c->vuln, NULL, 0, date)) < 0 ||
	    (url && (error = vigil_vdb__reference(c->b, c->vuln, url)) < 0) ||
	    (error = criteria(c, child(def, "criteria"), 0)) < 0)
		goto done;
	if (c->rows == 0)
		vigil_vdb__skipped(c->b, c->member, "definition without a package test");
done:
	xmlFree(cve);
	xmlFree(url);
	xmlFree(sev);
	xmlFree(date);
	return error;
}

/* The ecosystem of a member name, or 0 for files that are not OVAL streams we know. */
static int member_ecosystem(char *out, size_t n, const char *member)
{
	const char *v;
	size_t ml = strlen(member);
	if (ml < 10 || strcmp(member + ml - 9, "-oval.xml") != 0 || strchr(member, '/'))
		return 0;
	if (strncmp(member, "azurelinux-", 11) == 0)
		v = member + 11, snprintf(out, n, "azurelinux:%.*s", (int)(ml - 9 - 11), v);
	else if (strncmp(member, "cbl-mariner-", 12) == 0)
		v = member + 12, snprintf(out, n, "mariner:%.*s", (int)(ml - 9 - 12), v);
	else
		return 0;
	return 1;
}

static int want(const char *member)
{
	char eco[64];
	return member_ecosystem(eco, sizeof(eco), member);
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	char eco[64];
	ctx c;
	int error = 0;
	if (!member_ecosystem(eco, sizeof(eco), member) || len > INT32_MAX)
		return 0;
	xmlDoc *doc = xmlReadMemory((const char *)data, (int)len, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!is(root, "oval_definitions")) {
		vigil_vdb__skipped(b, member, "not an OVAL definitions document");
		xmlFreeDoc(doc);
		return VIGIL_EFORMAT;
	}
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.member = member;
	c.eco = eco;
	c.tests = xmlHashCreate(1024);
	c.objects = xmlHashCreate(1024);
	c.states = xmlHashCreate(1024);
	if (!c.tests || !c.objects || !c.states) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	index_section(c.tests, child(root, "tests"));
	index_section(c.objects, child(root, "objects"));
	index_section(c.states, child(root, "states"));
	char *ts = text(child(child(root, "generator"), "timestamp"));
	if (ts && strlen(ts) >= 10)
		vigil_vdb__source_date(b, ts);
	xmlFree(ts);
	for (xmlNode *d = child(child(root, "definitions"), "definition"); d && error == 0;
	     d = d->next)
		if (is(d, "definition"))
			error = definition(&c, d);
done:
	xmlHashFree(c.tests, NULL);
	xmlHashFree(c.objects, NULL);
	xmlHashFree(c.states, NULL);
	xmlFreeDoc(doc);
	return error;
}

const vigil_feed vigil_feed_azurelinux = {
	"azurelinux-oval", "https://github.com/microsoft/AzureLinuxVulnerabilityData", want, parse,
	64u << 20,
};
