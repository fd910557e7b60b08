/*
 * Debian security tracker: the text lists data/DSA/list, data/DLA/list, data/DTSA/list
 * and data/CVE/list, the tracker's JSON export (data/json, from
 * https://security-tracker.debian.org/tracker/data/json) and data/config.json for the
 * codename -> major version map. Statements about one (release, source package, CVE)
 * can come from several members, in any order, so they are collected while the members
 * are parsed and merged once at the end (finish): the CVE list or JSON gives the
 * release's state, and a DSA/DLA/DTSA fix replaces it when the list has no fix yet or
 * names an older one (SEMANTICS.md). Ecosystem: debian:<major>, debian:unstable for sid.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vulndb.h"

#define MAX_LINE 65536

typedef struct stmt {
	const char *release, *pkg; /* arena strings */
	int64_t vuln;
	const char *status;   /* VIGIL_ST_* */
	const char *fixed;    /* arena string or NULL */
	const char *severity; /* static string or NULL */
	int from_adv;	      /* 1: from a DSA/DLA/DTSA list */
} stmt;

typedef struct major {
	const char *codename, *major; /* arena strings */
} major;

typedef struct dstate {
	vigil_arena arena;
	vigil_vec stmts;  /* stmt */
	vigil_vec majors; /* major, from config.json */
} dstate;

/* Releases and their major versions when config.json does not name them (SEMANTICS.md). */
static const char *const FALLBACK[][2] = {
	{"sid", "unstable"}, {"duke", "15"},	 {"forky", "14"},  {"trixie", "13"},
	{"bookworm", "12"},  {"bullseye", "11"}, {"buster", "10"}, {"stretch", "9"},
	{"jessie", "8"},     {"wheezy", "7"},	 {"squeeze", "6"}, {"lenny", "5"},
	{"etch", "4"},	     {"sarge", "3.1"},	 {"woody", "3.0"}, {"potato", "2.2"},
};

/* ---- dpkg version order (Debian Policy 5.6.12), for "only if newer" ---- */

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		int first_diff = 0;
		while ((a < ae && !isdigit((unsigned char)*a)) ||
		       (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && isdigit((unsigned char)*a) &&
		       isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && isdigit((unsigned char)*a))
			return 1;
		if (b < be && isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* <0, 0, >0 as dpkg version a is older, equal, newer than b. */
static int dpkg_cmp(const char *a, const char *b)
{
	const char *ac = strchr(a, ':'), *bc = strchr(b, ':');
	long ea = ac ? strtol(a, NULL, 10) : 0, eb = bc ? strtol(b, NULL, 10) : 0;
	if (ea != eb)
		return ea < eb ? -1 : 1;
	a = ac ? ac + 1 : a;
	b = bc ? bc + 1 : b;
	const char *ah = strrchr(a, '-'), *bh = strrchr(b, '-');
	const char *aend = ah ? ah : a + strlen(a), *bend = bh ? bh : b + strlen(b);
	int r = verrevcmp(a, aend, b, bend);
	if (r)
		return r;
	const char *ar = ah ? ah + 1 : "", *br = bh ? bh + 1 : "";
	return verrevcmp(ar, ar + strlen(ar), br, br + strlen(br));
}

/* ---- shared helpers ---- */

static dstate *state(vigil_vdb_build *b)
{
	void **slot = vigil_vdb__state(b);
	if (!*slot) {
		dstate *s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		vigil_arena_init(&s->arena);
		vigil_vec v1 = VIGIL_VEC_INIT(stmt), v2 = VIGIL_VEC_INIT(major);
		s->stmts = v1;
		s->majors = v2;
		*slot = s;
	}
	return *slot;
}

/* The vendor severity of a tracker urgency ("low**", "not yet assigned"), or NULL. */
static const char *urgency(const char *u, size_t n)
{
	while (n && (u[n - 1] == '*' || u[n - 1] == ' '))
		n--;
	if (n == 11 && strncmp(u, "unimportant", n) == 0)
		return "NEGLIGIBLE";
	if (n == 3 && strncmp(u, "low", n) == 0)
		return "LOW";
	if (n == 6 && strncmp(u, "medium", n) == 0)
		return "MEDIUM";
	if (n == 4 && strncmp(u, "high", n) == 0)
		return "HIGH";
	if ((n == 16 && strncmp(u, "not yet assigned", n) == 0) ||
	    (n == 11 && strncmp(u, "end-of-life", n) == 0))
		return "UNKNOWN";
	return NULL;
}

/* The urgency among the ';'-separated notes in parentheses: "(low; bug #1)". */
static const char *notes_urgency(const char *notes)
{
	const char *p = notes;
	while (p && *p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ";)");
		const char *sev = urgency(p, n);
		if (sev)
			return sev;
		p += n;
		if (*p != ';')
			break;
		p++;
	}
	return NULL;
}

static int add_stmt(vigil_vdb_build *b, dstate *s, const char *release, size_t rlen,
		    const char *pkg, size_t plen, int64_t vuln, const char *status,
		    const char *fixed, size_t flen, const char *severity, int from_adv)
{
	stmt *st = vigil_vec_push(&s->stmts);
	(void)b;
	if (!st || !(st->release = vigil_arena_strndup(&s->arena, release, rlen)) ||
	    !(st->pkg = vigil_arena_strndup(&s->arena, pkg, plen)) ||
	    (fixed && !(st->fixed = vigil_arena_strndup(&s->arena, fixed, flen))))
		return VIGIL_ENOMEM;
	st->vuln = vuln;
	st->status = status;
	st->severity = severity;
	st->from_adv = from_adv;
	return 0;
}

/* Parses "<kind>" or a version into a status; fixed gets the version (or NULL).
 * Returns 1 when the line states nothing (removed, undetermined, itp), -1 when the
 * kind is unknown, else 0. */
static int kind_status(const char *word, size_t n, const char **status, int *has_version)
{
	*has_version = 0;
	if (n > 2 && word[0] == '<' && word[n - 1] == '>') {
		static const char *const KINDS[][2] = {
			{"<unfixed>", VIGIL_ST_UNFIXED},
			{"<no-dsa>", VIGIL_ST_UNFIXED},
			{"<not-affected>", VIGIL_ST_NOT_AFFECTED},
			{"<end-of-life>", VIGIL_ST_END_OF_LIFE},
			{"<ignored>", VIGIL_ST_WILL_NOT_FIX},
			{"<postponed>", VIGIL_ST_FIX_DEFERRED},
		};
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(KINDS); i++)
			if (strlen(KINDS[i][0]) == n && strncmp(word, KINDS[i][0], n) == 0) {
				*status = KINDS[i][1];
				return 0;
			}
		if ((n == 9 && strncmp(word, "<removed>", n) == 0) ||
		    (n == 14 && strncmp(word, "<undetermined>", n) == 0) ||
		    (n == 5 && strncmp(word, "<itp>", n) == 0))
			return 1;
		return -1;
	}
	if (n == 1 && word[0] == '0') {
		*status = VIGIL_ST_NOT_AFFECTED; /* fixed "0": never affected */
		return 0;
	}
	if (!isdigit((unsigned char)word[0]))
		return -1;
	*status = VIGIL_ST_FIXED;
	*has_version = 1;
	return 0;
}

/* One package line: "[release] - pkg what (notes)" or, in CVE/list, "- pkg what (notes)"
 * (sid). Adds its statement: 0, 1 when the line is not a package line, 2 when it is
 * malformed, or a negative error. */
static int package_line(vigil_vdb_build *b, dstate *s, const char *line, int64_t vuln, int from_adv)
{
	const char *rel = "sid", *p = line;
	size_t rlen = 3;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		if (!e || e == p + 1)
			return 2;
		rel = p + 1;
		rlen = (size_t)(e - rel);
		p = e + 1;
		while (*p == ' ' || *p == '\t')
			p++;
	} else if (from_adv) {
		return 1;
	}
	if (*p != '-' || (p[1] != ' ' && p[1] != '\t'))
		return line[0] == '[' ? 2 : 1;
	p += 2;
	while (*p == ' ' || *p == '\t')
		p++;
	const char *pkg = p;
	size_t plen = strcspn(p, " \t");
	p += plen;
	while (*p == ' ' || *p == '\t')
		p++;
	const char *what = p;
	size_t wlen = strcspn(p, " \t(");
	p += wlen;
	const char *notes = strchr(p, '(');
	const char *status;
	int has_version;
	if (plen == 0)
		return 2;
	const char *sev = notes ? notes_urgency(notes + 1) : NULL;
	if (wlen == 0) {
		/* "- pkg (bug #1)" in an advisory list: nothing stated for this release */
		return 0;
	}
	int k = kind_status(what, wlen, &status, &has_version);
	if (k < 0)
		return 2;
	if (k > 0)
		return 0;
	return add_stmt(b, s, rel, rlen, pkg, plen, vuln, status, has_version ? what : NULL, wlen,
			sev, from_adv);
}

/* The date of an advisory header as "YYYY-MM-DD": "29 Mar 2023" or "August 26th, 2005". */
static void header_date(char out[32], const char *d, size_t n)
{
	static const char *const MON[] = {"jan", "feb", "mar", "apr", "may", "jun",
					  "jul", "aug", "sep", "oct", "nov", "dec"};
	char buf[64];
	int day = 0, year = 0, mon = 0;
	out[0] = '\0';
	snprintf(buf, sizeof(buf), "%.*s", (int)(n < 63 ? n : 63), d);
	char *save = NULL;
	for (char *w = strtok_r(buf, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		if (isdigit((unsigned char)w[0])) {
			long v = strtol(w, NULL, 10);
			if (v > 31 && v < 10000)
				year = (int)v;
			else if (v >= 1 && v <= 31)
				day = (int)v;
		} else {
			for (int i = 0; i < 12; i++)
				if (strncasecmp(w, MON[i], 3) == 0)
					mon = i + 1;
		}
	}
	if (day && mon && year)
		snprintf(out, 32, "%04d-%02d-%02d", year, mon, day);
}

/* ---- the advisory lists (DSA, DLA, DTSA) ---- */

typedef struct adv {
	int open;
	char id[64], title[512], date[32];
	int64_t ids[256]; /* the CVEs named, or the advisory itself */
	size_t nids;
	int have_cves;
} adv;

/* Starts the vulnerabilities of an advisory once its {CVE ...} line (or its first
 * package line) has been seen. */
static int adv_vulns(vigil_vdb_build *b, adv *a, const char *cves)
{
	int error;
	a->nids = 0;
	for (const char *p = cves; p && *p;) {
		p += strspn(p, " \t{");
		size_t n = strcspn(p, " \t}");
		if (n == 0)
			break;
		if (n >= 4 && n < 64 && strncmp(p, "CVE-", 4) == 0 && a->nids < 256) {
			char id[64];
			snprintf(id, sizeof(id), "%.*s", (int)n, p);
			if ((error = vigil_vdb__vuln(b, &a->ids[a->nids], id, NULL, NULL)) < 0 ||
			    (error = vigil_vdb__alias(b, a->ids[a->nids], a->id)) < 0)
				return error;
			a->nids++;
		}
		p += n;
	}
	a->have_cves = a->nids > 0;
	if (!a->have_cves) {
		/* an advisory without CVEs is stored under its own id */
		if ((error = vigil_vdb__vuln(b, &a->ids[0], a->id, a->title, NULL)) < 0 ||
		    (error = vigil_vdb__details(b, a->ids[0], NULL, 0,
						a->date[0] ? a->date : NULL)) < 0)
			return error;
		a->nids = 1;
	}
	return 0;
}

static int parse_advisories(vigil_vdb_build *b, dstate *s, const char *member, const char *data,
			    size_t len)
{
	adv a;
	int error = 0, started = 0;
	char line[MAX_LINE];
	memset(&a, 0, sizeof(a));
	for (size_t pos = 0; pos < len && error == 0;) {
		size_t n = 0;
		while (pos + n < len && data[pos + n] != '\n')
			n++;
		snprintf(line, sizeof(line), "%.*s", (int)(n < MAX_LINE - 1 ? n : MAX_LINE - 1),
			 data + pos);
		pos += n + 1;
		if (line[0] == '[') {
			/* [date] ID pkg - title */
			const char *e = strchr(line, ']');
			a.open = 0;
			started = 0;
			const char *p = e ? e + 1 : NULL;
			if (p)
				p += strspn(p, " \t");
			size_t idn = p ? strcspn(p, " \t") : 0;
			if (!e || idn == 0 || idn >= sizeof(a.id) || !strchr(p, '-')) {
				vigil_vdb__skipped(b, member, "advisory header without an id");
				continue;
			}
			snprintf(a.id, sizeof(a.id), "%.*s", (int)idn, p);
			header_date(a.date, line + 1, (size_t)(e - line - 1));
			p += idn;
			p += strspn(p, " \t");
			snprintf(a.title, sizeof(a.title), "%s", p);
			a.open = 1;
			vigil_vdb__record(b);
			if (a.date[0])
				vigil_vdb__source_date(b, a.date);
			continue;
		}
		const char *p = line + strspn(line, " \t");
		if (p == line && *p) {
			/* text at the margin that is not a header ends the advisory */
			if (a.open)
				vigil_vdb__skipped(b, member, "line outside an advisory");
			a.open = 0;
			continue;
		}
		if (!a.open || !*p)
			continue;
		if (*p == '{') {
			if (!started) {
				if ((error = adv_vulns(b, &a, p)) < 0)
					break;
				started = 1;
			}
			continue;
		}
		if (*p != '[')
			continue; /* NOTE: and the like */
		if (!started) {
			if ((error = adv_vulns(b, &a, NULL)) < 0)
				break;
			started = 1;
		}
		/* one statement per id of the advisory */
		size_t before = s->stmts.len;
		int r = package_line(b, s, p, a.ids[0], 1);
		if (r < 0) {
			error = r;
			break;
		}
		if (r == 2) {
			vigil_vdb__skipped(b, member, "malformed package line");
			continue;
		}
		if (s->stmts.len > before) {
			stmt first = VIGIL_VEC_AT(&s->stmts, stmt, before);
			for (size_t i = 1; i < a.nids; i++) {
				stmt *st = vigil_vec_push(&s->stmts);
				if (!st) {
					error = VIGIL_ENOMEM;
					break;
				}
				*st = first;
				st->vuln = a.ids[i];
			}
		}
	}
	return error;
}

/* ---- data/CVE/list ---- */

static int parse_cve_list(vigil_vdb_build *b, dstate *s, const char *member, const char *data,
			  size_t len)
{
	char line[MAX_LINE];
	int64_t vuln = 0;
	int open = 0, error = 0;
	size_t first = 0; /* the record's first statement */
	for (size_t pos = 0; pos <= len && error == 0;) {
		size_t n = 0;
		while (pos + n < len && data[pos + n] != '\n')
			n++;
		int at_end = pos >= len;
		snprintf(line, sizeof(line), "%.*s", (int)(n < MAX_LINE - 1 ? n : MAX_LINE - 1),
			 at_end ? "" : data + pos);
		pos += n + 1;
		int header = !at_end && line[0] && line[0] != ' ' && line[0] != '\t';
		if ((header || at_end) && open) {
			/* a package's sid urgency applies to it in every release */
			stmt *v = s->stmts.data;
			for (size_t i = first; i < s->stmts.len; i++)
				for (size_t j = first; !v[i].severity && j < s->stmts.len; j++)
					if (v[j].severity && strcmp(v[j].release, "sid") == 0 &&
					    strcmp(v[j].pkg, v[i].pkg) == 0)
						v[i].severity = v[j].severity;
			open = 0;
		}
		if (at_end)
			break;
		if (header) {
			size_t idn = strcspn(line, " \t");
			if (idn < 5 || idn >= 64 || strncmp(line, "CVE-", 4) != 0) {
				vigil_vdb__skipped(b, member, "record that is not a CVE");
				continue;
			}
			char id[64], title[1024] = "";
			snprintf(id, sizeof(id), "%.*s", (int)idn, line);
			const char *t = line + idn + strspn(line + idn, " \t");
			if (*t == '(' || *t == '[') {
				size_t tl = strlen(t + 1);
				if (tl && (t[tl] == ')' || t[tl] == ']'))
					tl--;
				snprintf(title, sizeof(title), "%.*s", (int)tl, t + 1);
			}
			if ((error = vigil_vdb__vuln(b, &vuln, id, title[0] ? title : NULL, NULL)) <
			    0)
				break;
			vigil_vdb__record(b);
			open = 1;
			first = s->stmts.len;
			continue;
		}
		const char *p = line + strspn(line, " \t");
		if (!open || !*p)
			continue;
		if (*p == '{') {
			/* {DSA-1234-1 DLA-56-1}: the advisories that fixed it */
			for (p++; *p && *p != '}';) {
				p += strspn(p, " \t");
				size_t w = strcspn(p, " \t}");
				if (w > 0 && w < 64) {
					char al[64];
					snprintf(al, sizeof(al), "%.*s", (int)w, p);
					if ((error = vigil_vdb__alias(b, vuln, al)) < 0)
						break;
				}
				p += w;
			}
			continue;
		}
		if (*p != '-' && *p != '[')
			continue; /* NOTE:, TODO:, NOT-FOR-US:, RESERVED, REJECTED */
		int r = package_line(b, s, p, vuln, 0);
		if (r == 2)
			vigil_vdb__skipped(b, member, "malformed package line");
		else if (r < 0)
			error = r;
	}
	return error;
}

/* ---- the tracker JSON ---- */

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int parse_json(vigil_vdb_build *b, dstate *s, const char *member, const char *data,
		      size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb(data, len, 0, &jerr), *cves, *rec;
	const char *pkg, *cve;
	int error = 0;
	if (!json_is_object(doc)) {
		json_decref(doc);
		vigil_vdb__skipped(b, member, "malformed JSON");
		return VIGIL_EFORMAT;
	}
	json_object_foreach(doc, pkg, cves)
	{
		if (!json_is_object(cves)) {
			vigil_vdb__skipped(b, member, "package that is not an object");
			continue;
		}
		json_object_foreach(cves, cve, rec)
		{
			json_t *rels = json_object_get(rec, "releases"), *r;
			const char *code;
			int64_t vuln;
			if (!json_is_object(rec) || strlen(cve) >= 64 || !cve[0]) {
				vigil_vdb__skipped(b, member, "CVE entry that is not an object");
				continue;
			}
			vigil_vdb__record(b);
			if ((error = vigil_vdb__vuln(b, &vuln, cve, jstr(rec, "description"),
						     NULL)) < 0)
				goto done;
			/* "releases" may be an empty array instead of an object */
			json_object_foreach(json_is_object(rels) ? rels : NULL, code, r)
			{
				const char *st = jstr(r, "status"), *fv = jstr(r, "fixed_version");
				const char *urg = jstr(r, "urgency"),
					   *reason = jstr(r, "nodsa_reason");
				const char *status, *sev = urg ? urgency(urg, strlen(urg)) : NULL;
				if (!st) {
					vigil_vdb__skipped(b, member, "release without a status");
					continue;
				}
				if (strcmp(st, "undetermined") == 0)
					continue;
				if (fv && strcmp(fv, "0") == 0)
					status = VIGIL_ST_NOT_AFFECTED;
				else if (strcmp(st, "resolved") == 0 && fv && fv[0])
					status = VIGIL_ST_FIXED;
				else if (strcmp(st, "open") != 0) {
					vigil_vdb__skipped(b, member,
							   "release with an unknown status");
					continue;
				} else if (reason && strcmp(reason, "ignored") == 0)
					status = VIGIL_ST_WILL_NOT_FIX;
				else if (reason && strcmp(reason, "postponed") == 0)
					status = VIGIL_ST_FIX_DEFERRED;
				else if (urg && strcmp(urg, "end-of-life") == 0)
					status = VIGIL_ST_END_OF_LIFE;
				else
					status = VIGIL_ST_UNFIXED;
				int fixed = strcmp(status, VIGIL_ST_FIXED) == 0;
				if ((error = add_stmt(b, s, code, strlen(code), pkg, strlen(pkg),
						      vuln, status, fixed ? fv : NULL,
						      fixed ? strlen(fv) : 0, sev, 0)) < 0)
					goto done;
			}
		}
	}
done:
	json_decref(doc);
	return error;
}

/* data/config.json: distributions.<codename>.major-version, where present. */
static int parse_config(vigil_vdb_build *b, dstate *s, const char *member, const char *data,
			size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb(data, len, 0, &jerr), *d;
	const char *code;
	if (!doc) {
		vigil_vdb__skipped(b, member, "malformed JSON");
		return 0; /* the fallback map still applies */
	}
	json_t *dists = json_object_get(doc, "distributions");
	if (!dists)
		dists = doc; /* distributions.json has the codenames at the top */
	json_object_foreach(json_is_object(dists) ? dists : NULL, code, d)
	{
		const char *m = jstr(d, "major-version");
		major *mj;
		if (!m || !m[0])
			continue;
		if (!(mj = vigil_vec_push(&s->majors)) ||
		    !(mj->codename = vigil_arena_strdup(&s->arena, code)) ||
		    !(mj->major = vigil_arena_strdup(&s->arena, m))) {
			json_decref(doc);
			return VIGIL_ENOMEM;
		}
	}
	json_decref(doc);
	return 0;
}

/* ---- merging ---- */

static const char *major_of(dstate *s, const char *codename)
{
	for (size_t i = 0; i < s->majors.len; i++)
		if (strcmp(VIGIL_VEC_AT(&s->majors, major, i).codename, codename) == 0)
			return VIGIL_VEC_AT(&s->majors, major, i).major;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(FALLBACK); i++)
		if (strcmp(FALLBACK[i][0], codename) == 0)
			return FALLBACK[i][1];
	return NULL;
}

static int stmt_cmp(const void *x, const void *y)
{
	const stmt *a = x, *b = y;
	int r = strcmp(a->release, b->release);
	if (!r)
		r = strcmp(a->pkg, b->pkg);
	if (!r && a->vuln != b->vuln)
		r = a->vuln < b->vuln ? -1 : 1;
	if (!r)
		r = a->from_adv - b->from_adv;
	return r;
}

static int is_fixed(const stmt *st)
{
	return st->fixed && strcmp(st->status, VIGIL_ST_FIXED) == 0;
}

/* Merges the statements of one (release, package, vulnerability) and adds the row. */
static int emit(vigil_vdb_build *b, dstate *s, const stmt *g, size_t n)
{
	const stmt *base = NULL, *afix = NULL, *aother = NULL;
	const char *status, *fixed, *sev = NULL;
	char eco[80];
	const char *m = major_of(s, g[0].release);
	if (!m)
		return 0; /* a release we cannot name (experimental, a typo) */
	for (size_t i = 0; i < n; i++) {
		const stmt *st = &g[i];
		if (!sev)
			sev = st->severity;
		if (!st->from_adv) {
			/* the CVE list and the JSON agree; of two fixes the newer wins */
			if (!base || (is_fixed(st) && is_fixed(base) &&
				      dpkg_cmp(st->fixed, base->fixed) > 0))
				base = st;
		} else if (is_fixed(st)) {
			if (!afix || dpkg_cmp(st->fixed, afix->fixed) > 0)
				afix = st;
		} else if (!aother) {
			aother = st;
		}
	}
	status = base ? base->status : afix ? afix->status : aother->status;
	fixed = base ? base->fixed : afix ? afix->fixed : NULL;
	if (afix && base && strcmp(base->status, VIGIL_ST_NOT_AFFECTED) != 0 &&
	    (!is_fixed(base) || dpkg_cmp(afix->fixed, base->fixed) > 0)) {
		/* an advisory fixed it (later than the list says) */
		status = VIGIL_ST_FIXED;
		fixed = afix->fixed;
	}
	if (base && base->severity)
		sev = base->severity;
	snprintf(eco, sizeof(eco), "debian:%s", m);
	return vigil_vdb__affected(b, eco, g[0].pkg, g[0].vuln, status, fixed, NULL, sev);
}

static int finish(vigil_vdb_build *b, int failed)
{
	void **slot = vigil_vdb__state(b);
	dstate *s = *slot;
	int error = 0;
	if (!s)
		return 0;
	if (!failed) {
		stmt *v = s->stmts.data;
		vigil_qsort(v, s->stmts.len, sizeof(stmt), stmt_cmp);
		for (size_t i = 0, j; i < s->stmts.len && error == 0; i = j) {
			for (j = i + 1;
			     j < s->stmts.len && strcmp(v[i].release, v[j].release) == 0 &&
			     strcmp(v[i].pkg, v[j].pkg) == 0 && v[i].vuln == v[j].vuln;
			     j++)
				;
			error = emit(b, s, &v[i], j - i);
		}
	}
	vigil_vec_free(&s->stmts);
	vigil_vec_free(&s->majors);
	vigil_arena_clear(&s->arena);
	free(s);
	*slot = NULL;
	return error;
}

static int want(const char *member)
{
	return strcmp(member, "data/DSA/list") == 0 || strcmp(member, "data/DLA/list") == 0 ||
	       strcmp(member, "data/DTSA/list") == 0 || strcmp(member, "data/CVE/list") == 0 ||
	       strcmp(member, "data/json") == 0 || strcmp(member, "data/config.json") == 0 ||
	       strcmp(member, "distributions.json") == 0;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	dstate *s = state(b);
	const char *text = (const char *)data;
	if (!s)
		return VIGIL_ENOMEM;
	if (strcmp(member, "data/CVE/list") == 0)
		return parse_cve_list(b, s, member, text, len);
	if (strcmp(member, "data/json") == 0)
		return parse_json(b, s, member, text, len);
	if (strcmp(member, "data/config.json") == 0 || strcmp(member, "distributions.json") == 0)
		return parse_config(b, s, member, text, len);
	return parse_advisories(b, s, member, text, len);
}

const vigil_feed vigil_feed_debtracker = {
	"debian-security-tracker",
	"https://security-tracker.debian.org/tracker/data/json",
	want,
	parse,
	256u << 20,
	finish,
};
