/*
 * Amazon Linux security advisories (ALAS) from the repositories' yum updateinfo.xml:
 * <update type="security"> with <id> ALAS…, <title>, <severity> (Critical, Important,
 * Medium, Low), <references><reference type="cve" id="CVE-…"/>, and <pkglist> packages
 * (name, epoch, version, release: the first fixed build). Members: al2/updateinfo.xml[.gz]
 * (Amazon Linux 2), al2023/updateinfo.xml[.gz] (Amazon Linux 2023); ecosystem
 * "amazon:2" / "amazon:2023", binary package names, rpm version order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lang.h"
#include "vulndb.h"

static int want(const char *member)
{
	return strcmp(member, "al2/updateinfo.xml") == 0 ||
	       strcmp(member, "al2/updateinfo.xml.gz") == 0 ||
	       strcmp(member, "al2023/updateinfo.xml") == 0 ||
	       strcmp(member, "al2023/updateinfo.xml.gz") == 0;
}

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

/* Text of an element or an attribute (xmlFree it), or NULL. */
static char *text_of(const xmlNode *n)
{
	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

static char *attr(const xmlNode *n, const char *name)
{
	return n ? (char *)xmlGetProp(n, (const xmlChar *)name) : NULL;
}

static int one_update(vigil_vdb_build *b, const char *member, const char *eco, xmlNode *u)
{
	char *type = attr(u, "type"), *id = text_of(child(u, "id"));
	char *title = text_of(child(u, "title")), *sev = text_of(child(u, "severity"));
	xmlNode *issued = child(u, "issued");
	char *date = attr(issued, "date");
	int64_t v;
	int error = 0;
	if (!type || strcmp(type, "security") != 0)
		goto done; /* bug-fix and enhancement updates */
	if (!id || strncmp(id, "ALAS", 4) != 0) {
		vigil_vdb__skipped(b, member, "security update without an ALAS id");
		goto done;
	}
	const char *severity = sev ? vigil_vdb__severity_word(sev) : NULL;
	if (severity && strcmp(severity, "UNKNOWN") == 0)
		severity = NULL;
	char t[160];
	snprintf(t, sizeof(t), "%s", title ? title : "");
	if ((error = vigil_vdb__vuln(b, &v, id, t[0] ? t : NULL, severity)) < 0 ||
	    (date && (error = vigil_vdb__details(b, v, NULL, 0, date)) < 0))
		goto done;
	for (xmlNode *r = child(child(u, "references"), "reference"); r && error == 0;
	     r = r->next) {
		if (!is(r, "reference"))
			continue;
		char *rt = attr(r, "type"), *rid = attr(r, "id"), *href = attr(r, "href");
		if (rt && rid && strcmp(rt, "cve") == 0 && strncmp(rid, "CVE-", 4) == 0)
			error = vigil_vdb__alias(b, v, rid);
		if (error == 0 && href)
			error = vigil_vdb__reference(b, v, href);
		xmlFree(rt);
		xmlFree(rid);
		xmlFree(href);
	}
	for (xmlNode *c = child(child(u, "pkglist"), "collection"); c && error == 0; c = c->next) {
		if (!is(c, "collection"))
			continue;
		for (xmlNode *p = c->children; p && error == 0; p = p->next) {
			if (!is(p, "package"))
				continue;
			char *name = attr(p, "name"), *ep = attr(p, "epoch"),
			     *ver = attr(p, "version"), *rel = attr(p, "release");
			if (name && ver && rel && *name && *ver && *rel) {
				char fixed[256];
				if (ep && *ep && strcmp(ep, "0") != 0)
					snprintf(fixed, sizeof(fixed), "%s:%s-%s", ep, ver, rel);
				else
					snprintf(fixed, sizeof(fixed), "%s-%s", ver, rel);
				/* one statement per binary name (several arches repeat it) */
				error = vigil_vdb__affected(b, eco, name, v, VIGIL_ST_FIXED, fixed,
							    NULL, severity);
			} else {
				vigil_vdb__skipped(b, member,
						   "package without name/version/release");
			}
			xmlFree(name);
			xmlFree(ep);
			xmlFree(ver);
			xmlFree(rel);
		}
	}
	if (error == 0)
		vigil_vdb__record(b);
done:
	xmlFree(type);
	xmlFree(id);
	xmlFree(title);
	xmlFree(sev);
	xmlFree(date);
	return error;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	char *text = NULL;
	size_t tlen = len, n = strlen(member);
	const char *eco = strncmp(member, "al2023/", 7) == 0 ? "amazon:2023" : "amazon:2";
	int error = 0;
	if (n > 3 && strcmp(member + n - 3, ".gz") == 0) {
		if ((error = vigil_vdb__gunzip(&text, &tlen, data, len, (size_t)1 << 30)) < 0) {
			if (error == VIGIL_ENOMEM)
				return error;
			vigil_vdb__skipped(b, member, "not a complete gzip file");
			return 0;
		}
	}
	if (tlen > INT32_MAX) {
		free(text);
		vigil_vdb__skipped(b, member, "too large");
		return 0;
	}
	xmlDoc *doc = xmlReadMemory(text ? text : (const char *)data, (int)tlen, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(text);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!is(root, "updates")) {
		vigil_vdb__skipped(b, member, "not an updateinfo document");
		xmlFreeDoc(doc);
		return 0;
	}
	for (xmlNode *u = root->children; u && error == 0; u = u->next)
		if (is(u, "update"))
			error = one_update(b, member, eco, u);
	xmlFreeDoc(doc);
	return error;
}

const vigil_feed vigil_feed_alas = {
	"amazon-alas", "Amazon Linux repositories' repodata updateinfo.xml.gz (al2, al2023)",
	want,	       parse,
	1u << 30,
};
