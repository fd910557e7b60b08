/*
 * match.c - matches an inventory against the vulnerability database.
 *
 * Each package is looked up under the ecosystem key its type and the image's
 * distribution give (SEMANTICS.md: OS packages by source name and source version for
 * Debian, Ubuntu, Alpine and Wolfi, by binary name and EVR for the RHEL family;
 * application packages by their ecosystem). A statement affects the installed version
 * when its status says so and the version lies in its range; statements of several
 * feeds about one vulnerability (the same id or an alias) become one finding. Any
 * statement that the installed version is fixed or not affected wins over one that it
 * is affected: a feed that knows of the fix is newer than one that does not.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "version/vcmp.h"

/* ---- where a package is looked up ---- */

static void lower_into(char *out, size_t n, const char *s)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* "3.10.2" -> "3.10"; "12.4" -> "12" (parts = 1). */
static void version_prefix(char *out, size_t n, const char *v, int parts)
{
	size_t i = 0;
	int dots = 0;
	for (; v && v[i] && i + 1 < n; i++) {
		if (v[i] == '.' && ++dots == parts)
			break;
		out[i] = v[i];
	}
	out[i] = '\0';
}

static const char *const RHEL_LIKE[] = {"rhel", "almalinux", "rocky", "centos", "ol", NULL};
static const char *const SLES_LIKE[] = {"sles", "sled", "sles_sap", NULL};

static int in_list(const char *const *l, const char *s)
{
	for (; s && *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* The distribution part of the key: "debian:12", "alpine:3.10", "rhel:8", ...; `alt`
 * (may be NULL) gets the key to use when the database has no data under the first
 * ("almalinux:8" for the RHEL family, "sles:15" for "sles:15.5"), else "". */
static int distro_key2(char *out, size_t n, char *alt, size_t altn, const vigil_distro *d)
{
	char ver[32];
	if (alt && altn)
		alt[0] = '\0';
	if (!d || !d->id)
		return 0;
	if (strcmp(d->id, "debian") == 0) {
		version_prefix(ver, sizeof(ver), d->version_id, 1);
		if (!ver[0]) /* testing / sid have no VERSION_ID */
			snprintf(ver, sizeof(ver), "unstable");
		snprintf(out, n, "debian:%s", ver);
	} else if (strcmp(d->id, "ubuntu") == 0 && d->version_id) {
		snprintf(out, n, "ubuntu:%s", d->version_id);
	} else if (strcmp(d->id, "alpine") == 0 && d->version_id) {
		version_prefix(ver, sizeof(ver), d->version_id, 2);
		snprintf(out, n, "alpine:%s", ver);
	} else if (strcmp(d->id, "wolfi") == 0 || strcmp(d->id, "chainguard") == 0) {
		snprintf(out, n, "wolfi");
	} else if (strcmp(d->id, "amzn") == 0 && d->version_id) {
		/* Amazon Linux 2 and 2023: its own advisories (ALAS), binary names */
		version_prefix(ver, sizeof(ver), d->version_id, 1);
		snprintf(out, n, "amazon:%s", ver);
	} else if (in_list(RHEL_LIKE, d->id) && d->version_id) {
		/* Red Hat, Oracle and Rocky: their own advisories (rhel:8, ol:8, rocky:8); the
		 * RHEL family without its own data is matched against AlmaLinux's errata (same
		 * names and EVRs) */
		version_prefix(ver, sizeof(ver), d->version_id, 1);
		if (strcmp(d->id, "almalinux") == 0 || strcmp(d->id, "centos") == 0) {
			snprintf(out, n, "almalinux:%s", ver);
		} else {
			snprintf(out, n, "%s:%s", d->id, ver);
			if (alt && altn)
				snprintf(alt, altn, "almalinux:%s", ver);
		}
	} else if (in_list(SLES_LIKE, d->id) && d->version_id) {
		/* SUSE Linux Enterprise 15 SP5 is VERSION_ID 15.5: sles:15.5, else sles:15 */
		snprintf(out, n, "sles:%s", d->version_id);
		version_prefix(ver, sizeof(ver), d->version_id, 1);
		if (alt && altn && strcmp(ver, d->version_id) != 0)
			snprintf(alt, altn, "sles:%s", ver);
	} else if (strcmp(d->id, "opensuse-leap") == 0 && d->version_id) {
		snprintf(out, n, "opensuse-leap:%s", d->version_id);
	} else if (strcmp(d->id, "opensuse-tumbleweed") == 0) {
		snprintf(out, n, "opensuse-tumbleweed");
	} else if ((strcmp(d->id, "azurelinux") == 0 || strcmp(d->id, "mariner") == 0) &&
		   d->version_id) {
		version_prefix(ver, sizeof(ver), d->version_id, 1);
		snprintf(out, n, "%s:%s.0", d->id, ver);
	} else {
		return 0;
	}
	return 1;
}

static int distro_key(char *out, size_t n, const vigil_distro *d)
{
	return distro_key2(out, n, NULL, 0, d);
}

int vigil_match__distro_key(vigil_db *db, char *out, size_t n, const vigil_distro *d)
{
	char alt[64];
	int r;
	if (!distro_key2(out, n, alt, sizeof(alt), d))
		return 0;
	if (alt[0] && db && (r = vigil_db_has_ecosystem(db, out)) == 0 &&
	    vigil_db_has_ecosystem(db, alt) == 1)
		snprintf(out, n, "%s", alt);
	return 1;
}

int vigil_match__query(vigil_match_query *q, const vigil_pkg *p, const vigil_distro *d)
{
	memset(q, 0, sizeof(*q));
	q->name = p->name;
	q->version = p->version;
	if (!p->name || !p->version || !p->type)
		return 0;
	if (strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0) {
		if (!distro_key(q->eco, sizeof(q->eco), d))
			return 0;
		q->scheme = p->type[0] == 'd' ? VIGIL_VS_DPKG : VIGIL_VS_APK;
		if (p->source_name && *p->source_name)
			q->name = p->source_name;
		if (p->source_version && *p->source_version)
			q->version = p->source_version;
		return 1;
	}
	if (strcmp(p->type, "rpm") == 0) {
		if (!distro_key(q->eco, sizeof(q->eco), d))
			return 0;
		q->scheme = VIGIL_VS_RPM;
		/* a package of a module stream ("nodejs:14:8070020221121:bd7b6d7c") is looked
		 * up under its stream: "nodejs:14::nodejs" */
		const char *m = p->modularity, *c1 = m ? strchr(m, ':') : NULL;
		if (c1) {
			size_t n = strcspn(c1 + 1, ":");
			snprintf(q->namebuf, sizeof(q->namebuf), "%.*s::%s", (int)(c1 + 1 + n - m),
				 m, p->name);
			q->name = q->namebuf;
		}
		return 1;
	}
	static const struct {
		const char *type, *eco;
		vigil_vscheme scheme;
	} LANG[] = {
		{"golang", "go", VIGIL_VS_GO},	    {"pypi", "pypi", VIGIL_VS_PEP440},
		{"npm", "npm", VIGIL_VS_SEMVER},    {"cargo", "crates.io", VIGIL_VS_SEMVER},
		{"gem", "rubygems", VIGIL_VS_GEM},  {"composer", "packagist", VIGIL_VS_COMPOSER},
		{"maven", "maven", VIGIL_VS_MAVEN}, {"nuget", "nuget", VIGIL_VS_NUGET},
	};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(LANG); i++) {
		if (strcmp(p->type, LANG[i].type) != 0)
			continue;
		snprintf(q->eco, sizeof(q->eco), "%s", LANG[i].eco);
		q->scheme = LANG[i].scheme;
		if (strcmp(p->type, "pypi") == 0) {
			vigil_pep503_name(q->namebuf, sizeof(q->namebuf), p->name);
			q->name = q->namebuf;
		} else if (strcmp(p->type, "maven") == 0 && p->group) {
			snprintf(q->namebuf, sizeof(q->namebuf), "%s:%s", p->group, p->name);
			q->name = q->namebuf;
		} else if (strcmp(p->type, "composer") == 0) {
			/* advisories name "vendor/package"; the vendor is the purl namespace */
			char full[sizeof(q->namebuf)];
			if (p->group && *p->group)
				snprintf(full, sizeof(full), "%s/%s", p->group, p->name);
			else
				snprintf(full, sizeof(full), "%s", p->name);
			lower_into(q->namebuf, sizeof(q->namebuf), full);
			q->name = q->namebuf;
		}
		/* OSV writes Go versions without the "v"; the Go toolchain as "1.21.3" */
		if (strcmp(p->type, "golang") == 0) {
			const char *v = p->version;
			if (v[0] == 'v')
				v++;
			else if (strncmp(v, "go", 2) == 0)
				v += 2;
			snprintf(q->verbuf, sizeof(q->verbuf), "%s", v);
			q->version = q->verbuf;
		}
		return 1;
	}
	if (strcmp(p->type, "generic") == 0 && strcmp(p->name, "node") == 0) {
		snprintf(q->eco, sizeof(q->eco), "nodejs");
		q->scheme = VIGIL_VS_SEMVER;
		return 1;
	}
	return 0;
}

int vigil_match_distro_uncovered(vigil_db *db, const vigil_distro *d, char *msg, size_t n)
{
	char key[64];
	int r;
	if (!d || !d->id)
		return 0;
	const char *name = d->pretty_name ? d->pretty_name : d->id;
	if (!vigil_match__distro_key(db, key, sizeof(key), d)) {
		snprintf(msg, n,
			 "%s is not covered by the vulnerability database (no feed for '%s'): its "
			 "OS "
			 "packages were not checked for vulnerabilities",
			 name, d->id);
		return 1;
	}
	if ((r = vigil_db_has_ecosystem(db, key)) < 0)
		return r;
	if (r == 0) {
		snprintf(msg, n,
			 "%s is not covered by the vulnerability database (no data for '%s'): its "
			 "OS "
			 "packages were not checked for vulnerabilities; 'vigil db info' lists the "
			 "feeds",
			 name, key);
		return 1;
	}
	return 0;
}

/* ---- does a statement affect a version ---- */

static int cmp(vigil_vscheme s, const char *a, const char *b)
{
	int c;
	vigil_version_compare(&c, s, a, b);
	return c;
}

/* Debian's rebuild of a version for a stable release or for backports: `X~deb12u6` or
 * `X~bpo12+1` is X rebuilt, with every fix X has, although it sorts just below X. */
static int debian_rebuild_of(const char *version, const char *fixed)
{
	size_t n = strlen(fixed);
	const char *p = version + n, *tag;
	if (strncmp(version, fixed, n) != 0)
		return 0;
	if (strncmp(p, "~deb", 4) == 0)
		tag = "u";
	else if (strncmp(p, "~bpo", 4) == 0)
		tag = "+";
	else
		return 0;
	p += 4;
	if (!vigil_version__digit((unsigned char)*p))
		return 0;
	while (vigil_version__digit((unsigned char)*p))
		p++;
	if (*p++ != *tag || !vigil_version__digit((unsigned char)*p))
		return 0;
	while (vigil_version__digit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* Whether `version` is below the version that fixed it. */
static int below_fixed(vigil_vscheme s, const char *version, const char *fixed)
{
	return cmp(s, version, fixed) < 0 &&
	       !(s == VIGIL_VS_DPKG && debian_rebuild_of(version, fixed));
}

static int satisfies_any(vigil_vscheme s, const char *version, json_t *list)
{
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		int ok = 0;
		if (json_is_string(c) &&
		    vigil_version_satisfies(&ok, s, version, json_string_value(c)) == 0 && ok)
			return 1;
	}
	return 0;
}

/* Copies the fix of the range that matched into fixed (n bytes; "" when the range has
 * none). */
static void set_fixed(char *fixed, size_t n, const char *v)
{
	if (fixed && n)
		snprintf(fixed, n, "%s", v ? v : "");
}

/* OSV ranges: each "introduced" opens a range that "fixed" (exclusive) or
 * "last_affected" (inclusive) closes; ranges are ORed; "versions" lists exact ones.
 * The fix reported is the one that closes the range the version is in. */
static int osv_affects(vigil_vscheme s, const char *version, json_t *doc, char *fixed_out, size_t n)
{
	json_t *ranges = json_object_get(doc, "ranges"), *r, *versions, *v;
	size_t i, k;
	json_array_foreach(ranges, i, r)
	{
		const char *type = json_string_value(json_object_get(r, "type"));
		json_t *events = json_object_get(r, "events"), *e;
		int in = 0;
		if (type && strcmp(type, "GIT") == 0)
			continue;
		json_array_foreach(events, k, e)
		{
			const char *intro = json_string_value(json_object_get(e, "introduced"));
			const char *fixed = json_string_value(json_object_get(e, "fixed"));
			const char *last = json_string_value(json_object_get(e, "last_affected"));
			const char *limit = json_string_value(json_object_get(e, "limit"));
			if (intro)
				in = strcmp(intro, "0") == 0 || cmp(s, version, intro) >= 0;
			else if (fixed && in && below_fixed(s, version, fixed))
				return set_fixed(fixed_out, n, fixed), 1;
			else if (last && in && cmp(s, version, last) <= 0)
				return set_fixed(fixed_out, n, NULL), 1;
			else if (limit && in && cmp(s, version, limit) < 0)
				return set_fixed(fixed_out, n, NULL), 1;
			else if (fixed || last || limit)
				in = 0;
		}
		if (in) /* an introduced with nothing after it: every later version */
			return set_fixed(fixed_out, n, NULL), 1;
	}
	versions = json_object_get(doc, "versions");
	json_array_foreach(versions, k, v)
	{
		if (json_is_string(v) && cmp(s, version, json_string_value(v)) == 0)
			return set_fixed(fixed_out, n, NULL), 1;
	}
	return 0;
}

int vigil_match__affects(vigil_vscheme s, const char *version, const vigil_db_affected *a,
			 char *fixed, size_t n)
{
	json_t *doc;
	int hit;
	set_fixed(fixed, n, a->fixed && strcmp(a->fixed, "0") != 0 ? a->fixed : NULL);
	if (strcmp(a->status, "not_affected") == 0)
		return 0;
	if (!a->ranges) {
		if (a->fixed && *a->fixed)
			return strcmp(a->fixed, "0") != 0 && below_fixed(s, version, a->fixed);
		return 1; /* unfixed, will not fix, deferred, end of life: every version */
	}
	if (!(doc = json_loads(a->ranges, 0, NULL)))
		return 0;
	if (json_object_get(doc, "ranges") || json_object_get(doc, "versions"))
		hit = osv_affects(s, version, doc, fixed, n);
	else if (json_object_get(doc, "vulnerable")) /* and not patched (Node.js gives both) */
		hit = satisfies_any(s, version, json_object_get(doc, "vulnerable")) &&
		      !satisfies_any(s, version, json_object_get(doc, "patched"));
	else
		hit = !satisfies_any(s, version, json_object_get(doc, "patched")) &&
		      !satisfies_any(s, version, json_object_get(doc, "unaffected"));
	json_decref(doc);
	return hit;
}
