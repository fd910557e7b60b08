/*
 * OSV records (https://ossf.github.io/osv-schema/): one JSON object per file, or a YAML
 * document converted to the same JSON (PyPA). Each affected[] entry becomes one row for
 * (ecosystem, package name), its ECOSYSTEM/SEMVER ranges and explicit versions kept as
 * JSON for the matcher (GIT commit ranges are left out), the last "fixed" event as the
 * fixed version for display. Also stored: CVSS v3 vectors with their computed base score,
 * database/ecosystem-specific severities, the publication date and references.
 * Withdrawn records are not imported. Used for Go, AlmaLinux, Debian (changelogs),
 * PyPA and Ubuntu OSV here; each registers with its own member filter.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"

/* "15 SP5" -> "15.5", "15" -> "15" (a release in SUSE's product names); 0 when the text
 * after the product name is not a release. */
static int sp_release(char *out, size_t n, const char *s)
{
	char *end;
	long major = strtol(s, &end, 10), sp = 0;
	if (end == s || major < 0 || major > 9999)
		return 0;
	if (strncmp(end, " SP", 3) == 0) {
		const char *p = end + 3;
		sp = strtol(p, &end, 10);
		if (end == p || sp < 0 || sp > 99)
			return 0;
	}
	if (*end && *end != '-' && *end != ' ')
		return 0;
	if (sp > 0)
		snprintf(out, n, "%ld.%ld", major, sp);
	else
		snprintf(out, n, "%ld", major);
	return 1;
}

/* osv.dev's distribution ecosystems as the matcher's distribution keys: "Alpine:v3.20" ->
 * alpine:3.20, "Rocky Linux:9" -> rocky:9, "SUSE:Linux Enterprise Server 15 SP5" and
 * "SUSE:Linux Enterprise Module for Basesystem 15 SP5" -> sles:15.5, "openSUSE:Leap
 * 15.5" -> opensuse-leap:15.5, "openSUSE:Tumbleweed" -> opensuse-tumbleweed. 0 for
 * the others (lower-cased as they are: "Debian:12" -> debian:12, "AlmaLinux:9"). */
static int distro_key(char *out, size_t n, const char *eco)
{
	char rel[32];
	if (strncmp(eco, "Alpine:v", 8) == 0) {
		snprintf(out, n, "alpine:%s", eco + 8);
		return 1;
	}
	if (strncmp(eco, "Rocky Linux:", 12) == 0) {
		snprintf(out, n, "rocky:%.*s", (int)strcspn(eco + 12, ".:"), eco + 12);
		return 1;
	}
	if (strncmp(eco, "openSUSE:Leap ", 14) == 0 && strncmp(eco + 14, "Micro", 5) != 0) {
		snprintf(out, n, "opensuse-leap:%s", eco + 14);
		return 1;
	}
	if (strcmp(eco, "openSUSE:Tumbleweed") == 0) {
		snprintf(out, n, "opensuse-tumbleweed");
		return 1;
	}
	if (strncmp(eco, "SUSE:Linux Enterprise ", 22) == 0) {
		const char *p = eco + 22;
		while (*p && !isdigit((unsigned char)*p))
			p++;
		if (sp_release(rel, sizeof(rel), p)) {
			snprintf(out, n, "sles:%s", rel);
			return 1;
		}
	}
	return 0;
}

/* The ecosystem key: lower case ("Go" -> "go"); Ubuntu's "Ubuntu:22.04:LTS" ->
 * "ubuntu:22.04" and "Ubuntu:Pro:16.04:LTS" -> "ubuntu:16.04-esm". */
static void eco_key(char *out, size_t n, const char *eco)
{
	size_t i = 0;
	if (strncmp(eco, "Ubuntu:", 7) == 0) {
		const char *rel = eco + 7;
		int pro = strncmp(rel, "Pro:", 4) == 0;
		if (pro)
			rel += 4;
		if (isdigit((unsigned char)rel[0])) {
			snprintf(out, n, "ubuntu:%.*s%s", (int)strcspn(rel, ":"), rel,
				 pro ? "-esm" : "");
			return;
		}
	}
	if (distro_key(out, n, eco))
		return;
	snprintf(out, n, "%s", eco);
	for (; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* The only CVE among the aliases and upstream ids, or NULL (none, or several). */
static const char *only_cve(json_t *doc)
{
	const char *cve = NULL;
	const char *keys[] = {"aliases", "upstream"};
	for (int k = 0; k < 2; k++) {
		json_t *a = json_object_get(doc, keys[k]);
		for (size_t i = 0; i < json_array_size(a); i++) {
			const char *s = json_string_value(json_array_get(a, i));
			if (!s || strncmp(s, "CVE-", 4) != 0)
				continue;
			if (cve && strcmp(cve, s) != 0)
				return NULL;
			cve = s;
		}
	}
	return cve;
}

/* The record's CVSS vector from a severity[] array: the last v3.1 one, else v3.0, else
 * v4.0 (the version most feeds and tools agree on first). */
static const char *cvss3(json_t *sev)
{
	const char *best = NULL, *v4 = NULL;
	for (size_t i = 0; i < json_array_size(sev); i++) {
		json_t *s = json_array_get(sev, i);
		const char *type = vigil_vdb__jstr(s, "type"), *score = vigil_vdb__jstr(s, "score");
		if (type && score && strcmp(type, "CVSS_V3") == 0 &&
		    (!best || strncmp(score, "CVSS:3.1", 8) == 0))
			best = score;
		if (type && score && strcmp(type, "CVSS_V4") == 0)
			v4 = score;
	}
	return best ? best : v4;
}

/* A vendor's rating: database_specific/ecosystem_specific "severity" (GHSA style), or
 * a severity[] entry of a non-CVSS type (Ubuntu's "medium"). */
static const char *vendor_severity(json_t *obj)
{
	const char *s = vigil_vdb__jstr(json_object_get(obj, "database_specific"), "severity");
	if (!s)
		s = vigil_vdb__jstr(json_object_get(obj, "ecosystem_specific"), "severity");
	json_t *sev = json_object_get(obj, "severity");
	for (size_t i = 0; !s && i < json_array_size(sev); i++) {
		const char *type = vigil_vdb__jstr(json_array_get(sev, i), "type");
		if (type && strncmp(type, "CVSS", 4) != 0)
			s = vigil_vdb__jstr(json_array_get(sev, i), "score");
	}
	return vigil_vdb__severity_word(s);
}

/* The module stream an AlmaLinux errata updates, from its summary ("Moderate:
 * nodejs:14 security, bug fix, and enhancement update" -> "nodejs:14"); "" when it names
 * none, or several (then which package belongs to which stream is not known). */
static void errata_module(char *out, size_t n, const char *summary)
{
	const char *p = summary ? strstr(summary, ": ") : NULL, *end;
	out[0] = '\0';
	if (!p)
		return;
	p += 2;
	end = strstr(p, " security");
	if (!end || end - p > 80 || memchr(p, ' ', (size_t)(end - p)) ||
	    !memchr(p, ':', (size_t)(end - p)))
		return;
	for (const char *c = p; c < end; c++)
		if (!isalnum((unsigned char)*c) && !strchr(":._+-", *c))
			return;
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

/* Adds one affected[] entry. `module` ("nodejs:14", or "") keys the packages of a
 * module stream as "nodejs:14::nodejs", as trivy does, so that one stream's fix is not
 * compared with another stream's package. */
static int affected(vigil_vdb_build *b, const char *member, int64_t v, json_t *a,
		    const char *severity, const char *module)
{
	json_t *pkg = json_object_get(a, "package");
	const char *eco = vigil_vdb__jstr(pkg, "ecosystem"), *name = vigil_vdb__jstr(pkg, "name");
	char key[96], pname[512], *ranges = NULL;
	const char *fixed = NULL;
	int error;
	if (!eco || !name || !*name) {
		vigil_vdb__skipped(b, member, "affected entry without package");
		return 0;
	}
	eco_key(key, sizeof(key), eco);
	if (strcmp(key, "pypi") == 0)
		vigil_pep503_name(pname, sizeof(pname), name);
	else
		snprintf(pname, sizeof(pname), "%s", name);
	/* commit ranges mean nothing to a version matcher: keep the others */
	json_t *all = json_object_get(a, "ranges"), *vs = json_object_get(a, "versions");
	json_t *rs = json_array();
	if (!rs)
		return VIGIL_ENOMEM;
	for (size_t r = 0; r < json_array_size(all); r++) {
		json_t *range = json_array_get(all, r);
		const char *type = vigil_vdb__jstr(range, "type");
		if (type && strcmp(type, "GIT") == 0)
			continue;
		json_array_append(rs, range);
		json_t *ev = json_object_get(range, "events");
		for (size_t k = 0; k < json_array_size(ev); k++)
			if (vigil_vdb__jstr(json_array_get(ev, k), "fixed"))
				fixed = vigil_vdb__jstr(json_array_get(ev, k), "fixed");
	}
	if (json_array_size(vs) == 0)
		vs = NULL;
	if (module && *module && fixed && strncmp(key, "almalinux:", 10) == 0 &&
	    (strstr(fixed, ".module_") || strstr(fixed, ".module+")))
		snprintf(pname, sizeof(pname), "%s::%s", module, name);
	/* one range "introduced 0, fixed X" says no more than the fixed column: the JSON is
	 * kept only for anything richer (several ranges, last_affected, version lists) */
	json_t *ev0 = json_object_get(json_array_get(rs, 0), "events");
	const char *intro = vigil_vdb__jstr(json_array_get(ev0, 0), "introduced");
	int simple = json_array_size(rs) == 1 && !vs && json_array_size(ev0) == 2 && intro &&
		     strcmp(intro, "0") == 0 && fixed &&
		     vigil_vdb__jstr(json_array_get(ev0, 1), "fixed");
	if (!simple && (json_array_size(rs) > 0 || vs)) {
		json_t *keep = json_object();
		if (keep && json_array_size(rs) > 0)
			json_object_set(keep, "ranges", rs);
		if (keep && vs)
			json_object_set(keep, "versions", vs);
		ranges = keep ? json_dumps(keep, JSON_COMPACT) : NULL;
		json_decref(keep);
		if (!ranges) {
			json_decref(rs);
			return VIGIL_ENOMEM;
		}
	}
	const char *own = vendor_severity(a);
	error = vigil_vdb__affected(b, key, pname, v, fixed ? VIGIL_ST_FIXED : VIGIL_ST_UNFIXED,
				    fixed, ranges, own ? own : severity);
	free(ranges);
	json_decref(rs);
	return error;
}

int vigil_vdb__osv_record(vigil_vdb_build *b, const char *member, json_t *doc,
			  const vigil_osv_opts *opts)
{
	const char *id = vigil_vdb__jstr(doc, "id");
	json_t *aff = json_object_get(doc, "affected");
	int error = 0;
	if (!json_is_object(doc) || !id || !*id || !json_is_array(aff)) {
		vigil_vdb__skipped(b, member, "record without id or affected");
		return 0;
	}
	if (vigil_vdb__jstr(doc, "withdrawn"))
		return 0; /* withdrawn: no longer an advisory */
	vigil_vdb__source_date(b, vigil_vdb__jstr(doc, "modified"));
	vigil_vdb__source_date(
		b, vigil_vdb__jstr(doc, "published")); /* Go's data has a zero modified */
	/* derived records ("x_..." ids, e.g. from Debian changelogs) are the CVE they name:
	 * use it as the id, without the generated summary, so releases share one record */
	json_t *al = json_object_get(doc, "aliases");
	const char *first_alias = json_string_value(json_array_get(al, 0));
	int derived = strncmp(id, "x_", 2) == 0 && first_alias;
	const char *cve = opts && opts->cve_primary ? only_cve(doc) : NULL;
	const char *primary = derived ? first_alias : cve ? cve : id;
	const char *title = derived ? NULL : vigil_vdb__jstr(doc, "summary");
	const char *vector = cvss3(json_object_get(doc, "severity"));
	double score = vector ? vigil_cvss_base_score(vector) : -1;
	const char *severity = vendor_severity(doc);
	char word[16];
	if (!severity && strncmp(id, "ALSA-", 5) == 0 && vigil_vdb__jstr(doc, "summary")) {
		/* AlmaLinux (as Red Hat) rates an errata in its summary: "Important: kernel..." */
		const char *sum = vigil_vdb__jstr(doc, "summary");
		size_t n = strcspn(sum, ":");
		if (sum[n] == ':' && n < sizeof(word)) {
			snprintf(word, sizeof(word), "%.*s", (int)n, sum);
			severity = vigil_vdb__severity_word(word);
			if (strcmp(severity, "UNKNOWN") == 0)
				severity = NULL;
		}
	}
	int64_t v;
	if (!title && !derived && vigil_vdb__jstr(doc, "details")) {
		/* PyPA has no summary: the first line of the details, bounded */
		char t[160];
		const char *d = vigil_vdb__jstr(doc, "details");
		size_t n = strcspn(d, "\n");
		if (n > sizeof(t) - 1) /* cut on a UTF-8 character boundary */
			for (n = sizeof(t) - 1; n > 0 && ((unsigned char)d[n] & 0xC0) == 0x80; n--)
				;
		snprintf(t, sizeof(t), "%.*s", (int)n, d);
		error = vigil_vdb__vuln(b, &v, primary, t, severity);
	} else {
		error = vigil_vdb__vuln(b, &v, primary, title, severity);
	}
	if (error < 0)
		return error;
	if ((vector || vigil_vdb__jstr(doc, "published")) &&
	    (error = vigil_vdb__details(b, v, score >= 0 ? vector : NULL, score > 0 ? score : 0,
					vigil_vdb__jstr(doc, "published"))) < 0)
		return error;
	char module[96];
	errata_module(module, sizeof(module), vigil_vdb__jstr(doc, "summary"));
	for (size_t i = 0; i < json_array_size(aff) && error == 0; i++)
		error = affected(b, member, v, json_array_get(aff, i), severity, module);
	/* aliases (CVE, GHSA, PYSEC, USN) point to the same record for lookups by id */
	if (!derived && primary != id && error == 0)
		error = vigil_vdb__alias(b, v, id);
	/* "related" holds other records too; Ubuntu's USNs there name the same fix */
	const char *keys[] = {"aliases", "upstream", "related"};
	for (int k = 0; k < 3 && !derived; k++) {
		json_t *a = json_object_get(doc, keys[k]);
		for (size_t i = 0; i < json_array_size(a) && error == 0; i++) {
			const char *alias = json_string_value(json_array_get(a, i));
			if (alias && strcmp(alias, primary) != 0 &&
			    (k < 2 || strncmp(alias, "USN-", 4) == 0))
				error = vigil_vdb__alias(b, v, alias);
		}
	}
	/* a derived record's only reference is the tracker page of its CVE: not kept */
	json_t *refs = derived ? NULL : json_object_get(doc, "references");
	for (size_t i = 0; i < json_array_size(refs) && error == 0; i++) {
		const char *url = vigil_vdb__jstr(json_array_get(refs, i), "url");
		if (url)
			error = vigil_vdb__reference(b, v, url);
	}
	if (error == 0)
		vigil_vdb__record(b);
	return error;
}

static int parse_json(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len,
		      const vigil_osv_opts *opts)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, len, 0, &jerr);
	int error;
	if (!doc || !json_is_object(doc)) {
		vigil_vdb__skipped(b, member, "malformed JSON");
		json_decref(doc);
		return 0;
	}
	error = vigil_vdb__osv_record(b, member, doc, opts);
	json_decref(doc);
	return error;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	return parse_json(b, member, data, len, NULL);
}

static int parse_cve_primary(vigil_vdb_build *b, const char *member, const uint8_t *data,
			     size_t len)
{
	static const vigil_osv_opts opts = {1};
	return parse_json(b, member, data, len, &opts);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int want_go(const char *member)
{
	return strncmp(member, "data/osv/", 9) == 0 && !strchr(member + 9, '/') &&
	       strlen(member) > 14 && ends_with(member, ".json");
}

const vigil_feed vigil_feed_golang = {
	"golang-vulndb", "https://vuln.go.dev/ (OSV)", want_go, parse, 8u << 20,
};

/* AlmaLinux: advisories/almalinuxN/ALSA-*.json; ALBA/ALEA are bug-fix and enhancement
 * advisories, not security ones, and are skipped as trivy does. */
static int want_alma(const char *member)
{
	const char *base = strrchr(member, '/');
	return strncmp(member, "advisories/almalinux", 20) == 0 && base &&
	       strncmp(base + 1, "ALSA-", 5) == 0 && ends_with(member, ".json");
}

const vigil_feed vigil_feed_almalinux = {
	"almalinux-osv", "https://github.com/AlmaLinux/osv-database", want_alma, parse, 8u << 20,
};

/* Debian:11 and Debian:12 records derived from the security uploads' changelogs. */
static int want_debcl(const char *member)
{
	return strncmp(member, "Debian-", 7) == 0 && strchr(member, '/') &&
	       !strchr(strchr(member, '/') + 1, '/') && ends_with(member, ".json");
}

const vigil_feed vigil_feed_debian_changelog = {
	"debian-changelog-osv",
	"OSV.dev Debian:NN records (derived from changelogs here)",
	want_debcl,
	parse,
	8u << 20,
};

/* Ubuntu's OSV records (canonical/ubuntu-security-notices, osv/cve/<year>/UBUNTU-CVE-*.json):
 * one per CVE, ecosystems Ubuntu:X.YY:LTS and Ubuntu:Pro:X.YY:LTS; the CVE (in
 * "upstream") is the primary id. The USN records (osv/usn/) repeat them and are not read. */
static int want_ubuntu(const char *member)
{
	const char *base = strrchr(member, '/');
	return strncmp(member, "osv/cve/", 8) == 0 && base &&
	       strncmp(base + 1, "UBUNTU-CVE-", 11) == 0 && ends_with(member, ".json");
}

const vigil_feed vigil_feed_ubuntu_osv = {
	"ubuntu-osv",
	"https://codeload.github.com/canonical/ubuntu-security-notices/tar.gz/refs/heads/main",
	want_ubuntu,
	parse_cve_primary,
	8u << 20,
};
