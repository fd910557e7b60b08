/*
 * FriendsOfPHP security advisories (github.com/FriendsOfPHP/security-advisories): YAML
 * files <vendor>/<name>/<id>.yaml with `reference: composer://vendor/name`, `cve`,
 * `title`, `link` and `branches.<branch>.versions`, an AND-list of constraints
 * (['>=2.3.0', '<2.3.19']). A version is vulnerable iff it satisfies any branch: each
 * branch becomes one "vulnerable" constraint "a, b". Ecosystem packagist, package
 * vendor/name in lower case. The id is the CVE, else a GHSA named by the link, else
 * "FOP-<vendor>/<name>/<file>". Every file is one record.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"

static int want(const char *member)
{
	size_t n = strlen(member);
	const char *s1 = strchr(member, '/');
	return s1 && strchr(s1 + 1, '/') && !strchr(strchr(s1 + 1, '/') + 1, '/') && n > 5 &&
	       (strcmp(member + n - 5, ".yaml") == 0 || strcmp(member + n - 4, ".yml") == 0);
}

/* The GHSA id in a github.com/advisories/GHSA-... link, into out (else ""). */
static void ghsa_of(char *out, size_t n, const char *link)
{
	const char *p = link ? strstr(link, "/advisories/GHSA-") : NULL;
	out[0] = '\0';
	if (p) {
		p += 12;
		snprintf(out, n, "%.*s",
			 (int)strspn(p, "GHSAghsa-0123456789abcdefghijklmnopqrstuvwxyz"), p);
	}
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	json_t *doc = NULL, *vulnerable = NULL;
	char pkg[256], id[512], ghsa[64], fixed[128] = "", *ranges = NULL;
	int error = 0, nomem, all_bounded = 1;
	const char *published = NULL;
	if (vigil_vdb__yaml_to_json(&doc, data, len) < 0 || !json_is_object(doc)) {
		vigil_vdb__skipped(b, member, "malformed YAML");
		goto done;
	}
	const char *ref = vigil_vdb__jstr(doc, "reference");
	json_t *branches = json_object_get(doc, "branches");
	if (!ref || strncmp(ref, "composer://", 11) != 0 || !strchr(ref + 11, '/') ||
	    !json_is_object(branches) || json_object_size(branches) == 0) {
		vigil_vdb__skipped(b, member, "advisory without composer reference or branches");
		goto done;
	}
	snprintf(pkg, sizeof(pkg), "%s", ref + 11);
	for (char *p = pkg; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!(vulnerable = json_array())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	const char *bname;
	json_t *br;
	json_object_foreach(branches, bname, br)
	{
		json_t *vs = json_object_get(br, "versions");
		const char *t = vigil_vdb__jstr(br, "time");
		char *joined = NULL;
		if (json_is_string(vs))
			joined = strdup(json_string_value(vs));
		else if (json_is_array(vs) && json_array_size(vs) > 0)
			joined = vigil_vdb__join_and(vs);
		else
			continue;
		if (joined && !*joined) {
			/* no constraint in it (not strings, or empty): not a branch */
			free(joined);
			continue;
		}
		if (!joined || json_array_append_new(vulnerable, json_string(joined)) < 0) {
			free(joined);
			error = VIGIL_ENOMEM;
			goto done;
		}
		/* the fixed version for display: the upper bound of the last branch */
		const char *lt = strchr(joined, '<');
		if (lt && lt[1] != '=')
			vigil_vdb__version_of(fixed, sizeof(fixed), lt);
		else
			all_bounded = 0;
		if (t && (!published || strcmp(t, published) < 0))
			published = t;
		free(joined);
	}
	if (json_array_size(vulnerable) == 0) {
		vigil_vdb__skipped(b, member, "branches without versions");
		goto done;
	}
	vigil_vdb__record(b);
	const char *cve = vigil_vdb__jstr(doc, "cve");
	ghsa_of(ghsa, sizeof(ghsa), vigil_vdb__jstr(doc, "link"));
	if (cve && strncmp(cve, "CVE-", 4) == 0)
		snprintf(id, sizeof(id), "%s", cve);
	else if (ghsa[0])
		snprintf(id, sizeof(id), "%s", ghsa);
	else
		snprintf(id, sizeof(id), "FOP-%.*s", (int)(strrchr(member, '.') - member), member);
	int64_t v;
	if ((error = vigil_vdb__vuln(b, &v, id, vigil_vdb__jstr(doc, "title"), NULL)) < 0)
		goto done;
	char date[16] = "";
	if (published)
		snprintf(date, sizeof(date), "%.10s", published);
	if (date[0] && (error = vigil_vdb__details(b, v, NULL, 0, date)) < 0)
		goto done;
	vigil_vdb__source_date(b, date[0] ? date : NULL);
	/* every entry of vulnerable is a non-empty string: NULL only when out of memory */
	if (!(ranges = vigil_vdb__constraints(vulnerable, NULL, NULL, &nomem))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = vigil_vdb__affected(b, "packagist", pkg, v,
					 all_bounded && fixed[0] ? VIGIL_ST_FIXED
								 : VIGIL_ST_UNFIXED,
					 all_bounded && fixed[0] ? fixed : NULL, ranges, NULL)) < 0)
		goto done;
	if (ghsa[0] && strcmp(ghsa, id) != 0 && (error = vigil_vdb__alias(b, v, ghsa)) < 0)
		goto done;
	if (vigil_vdb__jstr(doc, "link"))
		error = vigil_vdb__reference(b, v, vigil_vdb__jstr(doc, "link"));
done:
	free(ranges);
	json_decref(vulnerable);
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_phpadv = {
	"php-security-advisories",
	"https://codeload.github.com/FriendsOfPHP/security-advisories/tar.gz/refs/heads/master",
	want,
	parse,
	1u << 20,
};
