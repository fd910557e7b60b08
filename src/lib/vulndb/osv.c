/*
 * OSV records (https://ossf.github.io/osv-schema/): one JSON object per file. Each
 * affected[] entry becomes one row for (ecosystem, package name), its ranges and
 * explicit versions kept as JSON for the matcher, the last "fixed" event as the fixed
 * version for display. Withdrawn records are not imported. Used for the Go vulndb here;
 * other OSV feeds register with their own member filter.
 */
#include <ctype.h>
#include <string.h>

#include <jansson.h>

#include "vulndb.h"

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The ecosystem key: lower case, as the inventory names types ("Go" -> "go"). */
static void eco_key(char *out, size_t n, const char *eco)
{
	size_t i = 0;
	for (; eco[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)eco[i]);
	out[i] = '\0';
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, len, 0, &jerr);
	int error = 0;
	if (!doc || !json_is_object(doc)) {
		vigil_vdb__skipped(b, member, "malformed JSON");
		json_decref(doc);
		return 0;
	}
	const char *id = str(doc, "id");
	json_t *affected = json_object_get(doc, "affected");
	if (!id || !json_is_array(affected)) {
		vigil_vdb__skipped(b, member, "record without id or affected");
		goto done;
	}
	if (str(doc, "withdrawn"))
		goto done; /* withdrawn: no longer an advisory */
	vigil_vdb__source_date(b, str(doc, "modified"));
	vigil_vdb__source_date(b, str(doc, "published")); /* Go's data has a zero modified */
	/* derived records ("x_..." ids, e.g. from Debian changelogs) are the CVE they name:
	 * use it as the id, without the generated summary, so releases share one record */
	json_t *al = json_object_get(doc, "aliases");
	const char *first_alias = json_string_value(json_array_get(al, 0));
	int derived = strncmp(id, "x_", 2) == 0 && first_alias;
	int64_t v;
	if ((error = vigil_vdb__vuln(b, &v, derived ? first_alias : id,
				     derived ? NULL : str(doc, "summary"), NULL)) < 0)
		goto done;
	for (size_t i = 0; i < json_array_size(affected) && error == 0; i++) {
		json_t *a = json_array_get(affected, i), *pkg = json_object_get(a, "package");
		const char *eco = str(pkg, "ecosystem"), *name = str(pkg, "name");
		char key[64], *ranges = NULL;
		const char *fixed = NULL;
		if (!eco || !name) {
			vigil_vdb__skipped(b, member, "affected entry without package");
			continue;
		}
		eco_key(key, sizeof(key), eco);
		json_t *rs = json_object_get(a, "ranges"), *vs = json_object_get(a, "versions");
		for (size_t r = 0; r < json_array_size(rs); r++) {
			json_t *ev = json_object_get(json_array_get(rs, r), "events");
			for (size_t k = 0; k < json_array_size(ev); k++)
				if (str(json_array_get(ev, k), "fixed"))
					fixed = str(json_array_get(ev, k), "fixed");
		}
		/* one range "introduced 0, fixed X" says no more than the fixed column: the
		 * JSON is kept only for anything richer (several ranges, last_affected, lists) */
		json_t *ev0 = json_object_get(json_array_get(rs, 0), "events");
		const char *intro = str(json_array_get(ev0, 0), "introduced");
		int simple = json_array_size(rs) == 1 && json_array_size(vs) == 0 &&
			     json_array_size(ev0) == 2 && intro && strcmp(intro, "0") == 0 &&
			     fixed && str(json_array_get(ev0, 1), "fixed");
		if (!simple) {
			json_t *keep = json_object();
			if (!keep) {
				error = VIGIL_ENOMEM;
				break;
			}
			if (rs)
				json_object_set(keep, "ranges", rs);
			if (vs)
				json_object_set(keep, "versions", vs);
			ranges = json_dumps(keep, JSON_COMPACT);
			json_decref(keep);
		}
		error = vigil_vdb__affected(b, key, name, v,
					    fixed ? VIGIL_ST_FIXED : VIGIL_ST_UNFIXED, fixed,
					    ranges, NULL);
		free(ranges);
	}
	/* aliases (CVE, GHSA) point to the same record for lookups by id */
	for (size_t i = derived ? json_array_size(al) : 0; i < json_array_size(al) && error == 0;
	     i++) {
		const char *alias = json_string_value(json_array_get(al, i));
		if (alias)
			error = vigil_vdb__alias(b, v, alias);
	}
	if (error == 0)
		vigil_vdb__record(b);
done:
	json_decref(doc);
	return error;
}

static int want_go(const char *member)
{
	return strncmp(member, "data/osv/", 9) == 0 && !strchr(member + 9, '/') &&
	       strlen(member) > 14 && strcmp(member + strlen(member) - 5, ".json") == 0;
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
	       strncmp(base + 1, "ALSA-", 5) == 0 &&
	       strcmp(member + strlen(member) - 5, ".json") == 0;
}

const vigil_feed vigil_feed_almalinux = {
	"almalinux-osv", "https://github.com/AlmaLinux/osv-database", want_alma, parse, 8u << 20,
};

/* Debian:11 and Debian:12 records derived from the security uploads' changelogs. */
static int want_debcl(const char *member)
{
	return strncmp(member, "Debian-", 7) == 0 && strchr(member, '/') &&
	       !strchr(strchr(member, '/') + 1, '/') &&
	       strcmp(member + strlen(member) - 5, ".json") == 0;
}

const vigil_feed vigil_feed_debian_changelog = {
	"debian-changelog-osv",
	"OSV.dev Debian:NN records (derived from changelogs here)",
	want_debcl,
	parse,
	8u << 20,
};
