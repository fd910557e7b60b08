/*
 * Node.js security working group (github.com/nodejs/security-wg, vuln/): vuln/core/<n>.json
 * are advisories of the Node.js runtime (ecosystem nodejs, package node) with
 * `vulnerable` and `patched` node-semver ranges; vuln/npm/<n>.json are historical npm
 * advisories (ecosystem npm, `module_name`, `vulnerable_versions`, `patched_versions`;
 * "<0.0.0" or null means no fix). Both kinds become constraints JSON
 * {"vulnerable":[..],"patched":[..]}: affected iff the version satisfies "vulnerable"
 * and not "patched". The id is the only CVE, else NSWG-CORE-<n> / NSWG-ECO-<id>.
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"

/* vuln/core/<digits>.json or vuln/npm/<digits>.json (index.json is not an advisory). */
static int want(const char *member)
{
	const char *base;
	if (strncmp(member, "vuln/core/", 10) == 0)
		base = member + 10;
	else if (strncmp(member, "vuln/npm/", 9) == 0)
		base = member + 9;
	else
		return 0;
	size_t d = strspn(base, "0123456789");
	return d > 0 && strcmp(base + d, ".json") == 0;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, len, 0, &jerr), *vul = NULL, *pat = NULL;
	int core = strncmp(member, "vuln/core/", 10) == 0, error = 0, nomem;
	char id[64], fixed[128] = "", *ranges = NULL;
	if (!json_is_object(doc)) {
		vigil_vdb__skipped(b, member, "malformed JSON");
		goto done;
	}
	const char *pkg = core ? "node" : vigil_vdb__jstr(doc, "module_name");
	const char *vs = vigil_vdb__jstr(doc, core ? "vulnerable" : "vulnerable_versions");
	const char *ps = vigil_vdb__jstr(doc, core ? "patched" : "patched_versions");
	json_t *cves = json_object_get(doc, core ? "cve" : "cves");
	if (!pkg || !*pkg || !vs || !*vs) {
		vigil_vdb__skipped(b, member, "advisory without package or vulnerable range");
		goto done;
	}
	vigil_vdb__record(b);
	if (ps && (strcmp(ps, "<0.0.0") == 0 || !*ps))
		ps = NULL; /* no fix */
	if (!(vul = json_array()) || !(pat = json_array()) ||
	    json_array_append_new(vul, json_string(vs)) < 0 ||
	    (ps && json_array_append_new(pat, json_string(ps)) < 0)) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	const char *cve = NULL;
	for (size_t i = 0; i < json_array_size(cves); i++) {
		const char *c = json_string_value(json_array_get(cves, i));
		if (c && strncmp(c, "CVE-", 4) == 0)
			cve = cve ? "" : c; /* "" marks several */
	}
	if (cve && *cve) {
		snprintf(id, sizeof(id), "%s", cve);
	} else if (core) {
		snprintf(id, sizeof(id), "NSWG-CORE-%.*s", (int)strspn(member + 10, "0123456789"),
			 member + 10);
	} else {
		json_t *n = json_object_get(doc, "id");
		snprintf(id, sizeof(id), "NSWG-ECO-%lld",
			 json_is_integer(n) ? (long long)json_integer_value(n)
					    : strtoll(member + 9, NULL, 10));
	}
	int64_t v;
	const char *title = vigil_vdb__jstr(doc, core ? "description" : "title");
	if ((error = vigil_vdb__vuln(b, &v, id, title,
				     vigil_vdb__severity_word(vigil_vdb__jstr(doc, "severity")))) <
	    0)
		goto done;
	const char *vector = vigil_vdb__jstr(doc, "cvss_vector");
	json_t *sc = json_object_get(doc, "cvss_score");
	double score = json_is_number(sc) ? json_number_value(sc) : 0;
	if (vector && score <= 0)
		score = vigil_cvss_base_score(vector);
	const char *published = vigil_vdb__jstr(doc, "publish_date");
	if ((vector || published) &&
	    (error = vigil_vdb__details(b, v, vector, score > 0 ? score : 0, published)) < 0)
		goto done;
	vigil_vdb__source_date(b, vigil_vdb__jstr(doc, "updated_at"));
	if (!(ranges = vigil_vdb__constraints(vul, pat, NULL, &nomem))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (ps)
		vigil_vdb__version_of(fixed, sizeof(fixed), ps);
	/* the advisory's own word only: a record without one is rated by its CVSS score
	 * (stored above as that, not as a word of this feed) */
	const char *sev = vigil_vdb__severity_word(vigil_vdb__jstr(doc, "severity"));
	if ((error = vigil_vdb__affected(b, core ? "nodejs" : "npm", pkg, v,
					 fixed[0] ? VIGIL_ST_FIXED : VIGIL_ST_UNFIXED,
					 fixed[0] ? fixed : NULL, ranges, sev)) < 0)
		goto done;
	for (size_t i = 0; i < json_array_size(cves) && error == 0; i++) {
		const char *c = json_string_value(json_array_get(cves, i));
		if (c && strcmp(c, id) != 0)
			error = vigil_vdb__alias(b, v, c);
	}
	const char *ref = vigil_vdb__jstr(doc, "ref");
	if (error == 0 && ref)
		error = vigil_vdb__reference(b, v, ref);
	json_t *refs = json_object_get(doc, "references");
	for (size_t i = 0; i < json_array_size(refs) && error == 0; i++)
		if (json_string_value(json_array_get(refs, i)))
			error = vigil_vdb__reference(b, v,
						     json_string_value(json_array_get(refs, i)));
done:
	free(ranges);
	json_decref(vul);
	json_decref(pat);
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_nodejs = {
	"nodejs-security-wg",
	"https://codeload.github.com/nodejs/security-wg/tar.gz/refs/heads/main",
	want,
	parse,
	1u << 20,
};
