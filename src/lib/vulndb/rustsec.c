/*
 * RustSec advisory database (github.com/rustsec/advisory-db): crates/<crate>/<id>.md and,
 * for the Rust toolchain, rust/<std|cargo|rustdoc>/<id>.md. Each file is Markdown with TOML
 * front matter in a ```toml fence: [advisory] id, package, date, aliases, cvss, url,
 * references, informational, withdrawn; [versions] patched and unaffected (semver
 * requirements) become constraints JSON for ecosystem crates.io (toolchain packages as
 * given). Informational advisories (unmaintained, unsound, notice) are not
 * vulnerabilities and are not imported; withdrawn ones neither. Every advisory file is
 * one record.
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"

static int want(const char *member)
{
	size_t n = strlen(member);
	return (strncmp(member, "crates/", 7) == 0 || strncmp(member, "rust/", 5) == 0) && n > 3 &&
	       strcmp(member + n - 3, ".md") == 0 && strchr(member, '/') &&
	       strchr(strchr(member, '/') + 1, '/');
}

/* The front matter between "```toml" and the closing "```"; *body after it. */
static int front_matter(const char *text, size_t len, const char **fm, size_t *fm_len,
			const char **body)
{
	const char *p = text, *end = text + len;
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r'))
		p++;
	if ((size_t)(end - p) < 7 || strncmp(p, "```toml", 7) != 0)
		return -1;
	p += 7;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return -1;
	*fm = nl + 1;
	for (const char *q = *fm; q < end; q = nl + 1) {
		if ((size_t)(end - q) >= 3 && strncmp(q, "```", 3) == 0) {
			*fm_len = (size_t)(q - *fm);
			*body = q + 3;
			return 0;
		}
		if (!(nl = memchr(q, '\n', (size_t)(end - q))))
			break;
	}
	return -1;
}

/* The first "# " heading of the Markdown body, into out. */
static void title_of(char *out, size_t n, const char *body, const char *end)
{
	out[0] = '\0';
	for (const char *p = body; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 2 && p[0] == '#' && p[1] == ' ') {
			len -= 2;
			while (len && (p[2 + len - 1] == '\r' || p[2 + len - 1] == ' '))
				len--;
			if (len > n - 1) /* cut on a UTF-8 character boundary */
				for (len = n - 1;
				     len > 0 && ((unsigned char)p[2 + len] & 0xC0) == 0x80; len--)
					;
			snprintf(out, n, "%.*s", (int)len, p + 2);
			return;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* The only CVE among the aliases, or NULL. */
static const char *only_cve(json_t *aliases)
{
	const char *cve = NULL;
	for (size_t i = 0; i < json_array_size(aliases); i++) {
		const char *s = json_string_value(json_array_get(aliases, i));
		if (s && strncmp(s, "CVE-", 4) == 0) {
			if (cve)
				return NULL;
			cve = s;
		}
	}
	return cve;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	const char *fm, *body;
	size_t fm_len;
	char why[128], title[256];
	json_t *doc = NULL;
	int error = 0, nomem;
	if (front_matter((const char *)data, len, &fm, &fm_len, &body) < 0) {
		vigil_vdb__skipped(b, member, "no ```toml front matter");
		return 0;
	}
	if (!(doc = vigil_toml_parse(fm, fm_len, why, sizeof(why)))) {
		vigil_vdb__skipped(b, member, why);
		return 0;
	}
	json_t *adv = json_object_get(doc, "advisory"), *vers = json_object_get(doc, "versions");
	const char *id = vigil_vdb__jstr(adv, "id"), *pkg = vigil_vdb__jstr(adv, "package");
	if (!id || !*id || !pkg || !*pkg || !json_is_object(vers)) {
		vigil_vdb__skipped(b, member, "advisory without id, package or [versions]");
		goto done;
	}
	vigil_vdb__record(b);
	vigil_vdb__source_date(b, vigil_vdb__jstr(adv, "date"));
	if (json_object_get(adv, "informational") || json_object_get(adv, "withdrawn"))
		goto done; /* not a vulnerability / no longer an advisory */
	json_t *aliases = json_object_get(adv, "aliases");
	const char *cve = only_cve(aliases), *primary = cve ? cve : id;
	int64_t v;
	title_of(title, sizeof(title), body, (const char *)data + len);
	if ((error = vigil_vdb__vuln(b, &v, primary, title[0] ? title : NULL, NULL)) < 0)
		goto done;
	const char *vector = vigil_vdb__jstr(adv, "cvss");
	double score = vector ? vigil_cvss_base_score(vector) : -1;
	if ((error = vigil_vdb__details(b, v, vector, score > 0 ? score : 0,
					vigil_vdb__jstr(adv, "date"))) < 0)
		goto done;
	json_t *patched = json_object_get(vers, "patched");
	char *ranges =
		vigil_vdb__constraints(NULL, patched, json_object_get(vers, "unaffected"), &nomem);
	char fixed[128] = "";
	if (nomem) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (json_array_size(patched) > 0)
		vigil_vdb__version_of(
			fixed, sizeof(fixed),
			json_string_value(json_array_get(patched, json_array_size(patched) - 1)));
	/* no constraints at all: every version is affected */
	error = vigil_vdb__affected(
		b, "crates.io", pkg, v, fixed[0] ? VIGIL_ST_FIXED : VIGIL_ST_UNFIXED,
		fixed[0] ? fixed : NULL, ranges, vigil_vdb__severity_of_score(score));
	free(ranges);
	if (error == 0 && primary != id)
		error = vigil_vdb__alias(b, v, id);
	for (size_t i = 0; i < json_array_size(aliases) && error == 0; i++) {
		const char *a = json_string_value(json_array_get(aliases, i));
		if (a && strcmp(a, primary) != 0)
			error = vigil_vdb__alias(b, v, a);
	}
	if (error == 0 && vigil_vdb__jstr(adv, "url"))
		error = vigil_vdb__reference(b, v, vigil_vdb__jstr(adv, "url"));
	json_t *refs = json_object_get(adv, "references");
	for (size_t i = 0; i < json_array_size(refs) && error == 0; i++)
		if (json_string_value(json_array_get(refs, i)))
			error = vigil_vdb__reference(b, v,
						     json_string_value(json_array_get(refs, i)));
done:
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_rustsec = {
	"rustsec-advisory-db",
	"https://codeload.github.com/rustsec/advisory-db/tar.gz/refs/heads/main",
	want,
	parse,
	1u << 20,
};
