/*
 * ruby-advisory-db (github.com/rubysec/ruby-advisory-db): YAML files gems/<gem>/<id>.yml
 * (ecosystem rubygems, package `gem`) and rubies/<engine>/<id>.yml (ecosystem ruby-engine,
 * package `engine`: ruby, jruby, mruby...). patched_versions and unaffected_versions
 * (RubyGems requirements) become constraints JSON: vulnerable iff the version
 * satisfies none of them. The id is the CVE, else the GHSA, else OSVDB, else the file
 * name; the others become aliases. Every file is one record.
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"

static int want(const char *member)
{
	size_t n = strlen(member);
	return (strncmp(member, "gems/", 5) == 0 || strncmp(member, "rubies/", 7) == 0) && n > 4 &&
	       strcmp(member + n - 4, ".yml") == 0 && strchr(member, '/') &&
	       strchr(strchr(member, '/') + 1, '/');
}

/* "2008-7248" -> "CVE-2008-7248" (the prefix is added when missing). */
static void prefixed(char *out, size_t n, const char *prefix, const char *id)
{
	out[0] = '\0';
	if (!id || !*id)
		return;
	if (strncmp(id, prefix, strlen(prefix)) == 0)
		snprintf(out, n, "%s", id);
	else
		snprintf(out, n, "%s%s", prefix, id);
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	json_t *doc = NULL;
	char cve[64], ghsa[64], osvdb[64], file_id[256];
	int error = 0, nomem;
	int gem = strncmp(member, "gems/", 5) == 0;
	if (vigil_vdb__yaml_to_json(&doc, data, len) < 0 || !json_is_object(doc)) {
		vigil_vdb__skipped(b, member, "malformed YAML");
		goto done;
	}
	const char *pkg = vigil_vdb__jstr(doc, gem ? "gem" : "engine");
	json_t *patched = json_object_get(doc, "patched_versions"),
	       *unaffected = json_object_get(doc, "unaffected_versions");
	if (!pkg || !*pkg || (patched && !json_is_array(patched) && !json_is_null(patched)) ||
	    (unaffected && !json_is_array(unaffected) && !json_is_null(unaffected))) {
		vigil_vdb__skipped(b, member,
				   gem ? "advisory without gem" : "advisory without engine");
		goto done;
	}
	vigil_vdb__record(b);
	prefixed(cve, sizeof(cve), "CVE-", vigil_vdb__jstr(doc, "cve"));
	prefixed(ghsa, sizeof(ghsa), "GHSA-", vigil_vdb__jstr(doc, "ghsa"));
	prefixed(osvdb, sizeof(osvdb), "OSVDB-", vigil_vdb__jstr(doc, "osvdb"));
	const char *base = strrchr(member, '/') + 1;
	snprintf(file_id, sizeof(file_id), "%.*s", (int)(strlen(base) - 4), base);
	const char *ids[4] = {cve, ghsa, osvdb, file_id}, *primary = NULL;
	for (int i = 0; i < 4 && !primary; i++)
		if (ids[i][0])
			primary = ids[i];
	int64_t v;
	if ((error = vigil_vdb__vuln(b, &v, primary, vigil_vdb__jstr(doc, "title"), NULL)) < 0)
		goto done;
	/* cvss_v4 / cvss_v3 are scores here, not vectors, rated on the same scale; a
	 * cvss_v2 score is not used (CVSS v2 bands differ: it has no CRITICAL). The advisory
	 * has no severity word of its own, so its statements carry none: a finding is rated
	 * by this score, as CVSS. */
	const char *s3 = vigil_vdb__jstr(doc, "cvss_v3");
	if (!s3)
		s3 = vigil_vdb__jstr(doc, "cvss_v4");
	double score = 0;
	if (s3) {
		char *end;
		score = strtod(s3, &end);
		if (*end || score < 0 || score > 10)
			score = 0;
	}
	if ((error = vigil_vdb__details(b, v, NULL, score, vigil_vdb__jstr(doc, "date"))) < 0)
		goto done;
	vigil_vdb__source_date(b, vigil_vdb__jstr(doc, "date"));
	char *ranges = vigil_vdb__constraints(NULL, patched, unaffected, &nomem);
	char fixed[128] = "";
	if (nomem) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (json_array_size(patched) > 0)
		vigil_vdb__version_of(
			fixed, sizeof(fixed),
			json_string_value(json_array_get(patched, json_array_size(patched) - 1)));
	error = vigil_vdb__affected(b, gem ? "rubygems" : "ruby-engine", pkg, v,
				    fixed[0] ? VIGIL_ST_FIXED : VIGIL_ST_UNFIXED,
				    fixed[0] ? fixed : NULL, ranges, NULL);
	free(ranges);
	for (int i = 0; i < 3 && error == 0; i++)
		if (ids[i][0] && ids[i] != primary)
			error = vigil_vdb__alias(b, v, ids[i]);
	if (error == 0 && vigil_vdb__jstr(doc, "url"))
		error = vigil_vdb__reference(b, v, vigil_vdb__jstr(doc, "url"));
	json_t *related = json_object_get(json_object_get(doc, "related"), "url");
	for (size_t i = 0; i < json_array_size(related) && error == 0; i++)
		if (json_string_value(json_array_get(related, i)))
			error = vigil_vdb__reference(b, v,
						     json_string_value(json_array_get(related, i)));
done:
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_rubyadv = {
	"ruby-advisory-db",
	"https://codeload.github.com/rubysec/ruby-advisory-db/tar.gz/refs/heads/master",
	want,
	parse,
	1u << 20,
};
