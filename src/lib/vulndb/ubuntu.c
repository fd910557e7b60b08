/*
 * Ubuntu CVE tracker (UCT): one RFC822-like text file per CVE under active/ and retired/
 * (ignored/ holds CVEs Ubuntu never tracked: no package lines, not read). Fields read:
 * Candidate, PublicDate, Priority, Priority_<pkg>, CVSS (indented "src: vector [score
 * SEV]" lines), References (indented URLs) and "<release>_<pkg>: <status> (<note>)".
 * Statuses (SEMANTICS.md): released (version) -> fixed; needed, pending, needs-triage ->
 * unfixed; deferred -> fix_deferred; ignored -> will_not_fix, or end_of_life when the
 * note says the release reached its end of life or left standard support; not-affected
 * and DNE state that the package is not affected and are not stored (the matcher only
 * reports what is affected, and they are over half the file); needs-triage on a release
 * whose ESM pocket says not-affected is not stored either (vunnel does the same). Releases:
 * codename -> ubuntu:X.YY; ESM pockets (trusty/esm, esm-infra/xenial, esm-apps/bionic) ->
 * ubuntu:X.YY-esm; upstream, devel, snaps and phone overlays are not releases.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb.h"

#define MAX_ROWS 4096

static const char *const RELEASES[][2] = {
	{"warty", "4.10"},     {"hoary", "5.04"},    {"breezy", "5.10"},    {"dapper", "6.06"},
	{"edgy", "6.10"},      {"feisty", "7.04"},   {"gutsy", "7.10"},	    {"hardy", "8.04"},
	{"intrepid", "8.10"},  {"jaunty", "9.04"},   {"karmic", "9.10"},    {"lucid", "10.04"},
	{"maverick", "10.10"}, {"natty", "11.04"},   {"oneiric", "11.10"},  {"precise", "12.04"},
	{"quantal", "12.10"},  {"raring", "13.04"},  {"saucy", "13.10"},    {"trusty", "14.04"},
	{"utopic", "14.10"},   {"vivid", "15.04"},   {"wily", "15.10"},	    {"xenial", "16.04"},
	{"yakkety", "16.10"},  {"zesty", "17.04"},   {"artful", "17.10"},   {"bionic", "18.04"},
	{"cosmic", "18.10"},   {"disco", "19.04"},   {"eoan", "19.10"},	    {"focal", "20.04"},
	{"groovy", "20.10"},   {"hirsute", "21.04"}, {"impish", "21.10"},   {"jammy", "22.04"},
	{"kinetic", "22.10"},  {"lunar", "23.04"},   {"mantic", "23.10"},   {"noble", "24.04"},
	{"oracular", "24.10"}, {"plucky", "25.04"},  {"questing", "25.10"},
};

static const char *version_of(const char *codename, size_t n)
{
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(RELEASES); i++)
		if (strlen(RELEASES[i][0]) == n && strncmp(RELEASES[i][0], codename, n) == 0)
			return RELEASES[i][1];
	return NULL;
}

/* The ecosystem of a UCT release name, or 0 when it is not a release. */
static int ecosystem(char *out, size_t n, const char *rel, size_t len)
{
	const char *slash = memchr(rel, '/', len), *v;
	if (!slash) {
		if (!(v = version_of(rel, len)))
			return 0;
		snprintf(out, n, "ubuntu:%s", v);
		return 1;
	}
	size_t head = (size_t)(slash - rel), tail = len - head - 1;
	if (tail == 3 && strncmp(slash + 1, "esm", 3) == 0)
		v = version_of(rel, head); /* trusty/esm */
	else if (strncmp(rel, "esm-", 4) == 0)
		v = version_of(slash + 1, tail); /* esm-infra/xenial, esm-apps/bionic */
	else
		return 0; /* vivid/ubuntu-core, vivid/stable-phone-overlay */
	if (!v)
		return 0;
	snprintf(out, n, "ubuntu:%s-esm", v);
	return 1;
}

static const char *priority(const char *p, size_t n)
{
	static const char *const MAP[][2] = {
		{"untriaged", "UNKNOWN"}, {"negligible", "NEGLIGIBLE"},
		{"low", "LOW"},		  {"medium", "MEDIUM"},
		{"high", "HIGH"},	  {"critical", "CRITICAL"},
	};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(MAP); i++)
		if (strlen(MAP[i][0]) == n && strncmp(MAP[i][0], p, n) == 0)
			return MAP[i][1];
	return NULL;
}

typedef struct row {
	char eco[40], pkg[128], fixed[128];
	const char *status; /* NULL: not-affected in an ESM pocket (not stored) */
	int triage;	    /* from needs-triage */
} row;

typedef struct prio {
	char pkg[128];
	const char *sev;
} prio;

typedef struct uct {
	char id[64], published[16], vector[160];
	double score;
	const char *sev;
	row rows[MAX_ROWS];
	size_t nrows;
	prio prios[64];
	size_t nprios;
} uct;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One "<release>_<pkg>: <status> (<note>)" line; 1 when it states something stored. */
static int status_line(vigil_vdb_build *b, const char *member, uct *u, const char *line,
		       const char *colon, const char *end)
{
	const char *us = memchr(line, '_', (size_t)(colon - line));
	char eco[40];
	if (!us || !ecosystem(eco, sizeof(eco), line, (size_t)(us - line)))
		return 0;
	const char *p = colon + 1;
	while (p < end && is_space(*p))
		p++;
	const char *st = p;
	while (p < end && !is_space(*p) && *p != '(')
		p++;
	size_t sl = (size_t)(p - st);
	const char *note = memchr(p, '(', (size_t)(end - p)), *ne = NULL;
	if (note)
		ne = memchr(note, ')', (size_t)(end - note));
	size_t nl = note && ne ? (size_t)(ne - note - 1) : 0;
	const char *status;
#define IS(s) (sl == strlen(s) && strncmp(st, s, sl) == 0)
	int esm = strlen(eco) > 4 && strcmp(eco + strlen(eco) - 4, "-esm") == 0;
	int triage = IS("needs-triage");
	if (IS("DNE") || (IS("not-affected") && !esm))
		return 0;
	if (IS("not-affected"))
		status = NULL; /* kept only to settle needs-triage on the base release */
	else if (IS("released"))
		status = VIGIL_ST_FIXED;
	else if (IS("needed") || IS("pending") || IS("needs-triage"))
		status = VIGIL_ST_UNFIXED;
	else if (IS("deferred"))
		status = VIGIL_ST_FIX_DEFERRED;
	else if (IS("ignored")) {
		char why[256];
		snprintf(why, sizeof(why), "%.*s", (int)nl, note ? note + 1 : "");
		status = strstr(why, "end-of-life") || strstr(why, "end of life") ||
					 strstr(why, "out of standard support")
				 ? VIGIL_ST_END_OF_LIFE
				 : VIGIL_ST_WILL_NOT_FIX;
	} else {
		vigil_vdb__skipped(b, member, "package line with an unknown status");
		return 0;
	}
#undef IS
	if (status && strcmp(status, VIGIL_ST_FIXED) == 0 &&
	    (!note || nl == 0 || !isdigit((unsigned char)note[1])))
		return 0; /* released, version unknown: nothing to compare with */
	if (u->nrows == MAX_ROWS) {
		vigil_vdb__skipped(b, member, "too many package lines");
		return 0;
	}
	row *r = &u->rows[u->nrows++];
	snprintf(r->eco, sizeof(r->eco), "%s", eco);
	snprintf(r->pkg, sizeof(r->pkg), "%.*s", (int)(colon - us - 1), us + 1);
	snprintf(r->fixed, sizeof(r->fixed), "%.*s",
		 status && strcmp(status, VIGIL_ST_FIXED) == 0 ? (int)nl : 0, note ? note + 1 : "");
	r->status = status;
	r->triage = triage;
	return 1;
}

/* 1 when the ESM pocket of r's release says r's package is not affected: then
 * needs-triage on the base release means not affected too (vunnel). */
static int esm_not_affected(const uct *u, const row *r)
{
	char esm[48];
	snprintf(esm, sizeof(esm), "%s-esm", r->eco);
	for (size_t i = 0; i < u->nrows; i++)
		if (!u->rows[i].status && strcmp(u->rows[i].eco, esm) == 0 &&
		    strcmp(u->rows[i].pkg, r->pkg) == 0)
			return 1;
	return 0;
}

/* Length of the word at v that ends at whitespace or at `end`: the buffer entry point
 * gives text that is not NUL-terminated, so no str* function may run over it. */
static size_t word_len(const char *v, const char *end)
{
	const char *e = v;
	while (e < end && !is_space(*e))
		e++;
	return (size_t)(e - v);
}

/* Parses one CVE file into *u, then writes its vulnerability and rows. */
static int parse_file(vigil_vdb_build *b, uct *u, const char *member, const char *text, size_t len)
{
	const char *end = text + len, *line = text;
	enum { NONE, CVSS, REFS } block = NONE;
	int64_t vuln;
	int error = 0;
	char refbuf[32][256];
	size_t nrefs = 0;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end, *p = line;
		const char *colon;
		line = nl ? nl + 1 : end;
		if (p < le && is_space(*p)) {
			/* continuation of a block */
			while (p < le && is_space(*p))
				p++;
			if (block == REFS && p < le && nrefs < 32 && le - p < 256 &&
			    strncmp(p, "http", 4) == 0) {
				const char *q = le;
				while (q > p && is_space(q[-1]))
					q--;
				snprintf(refbuf[nrefs++], 256, "%.*s", (int)(q - p), p);
			} else if (block == CVSS && p < le) {
				/* "nvd: CVSS:3.1/AV:... [8.4 HIGH]"; the first (nvd) wins */
				const char *v = memchr(p, ':', (size_t)(le - p));
				if (!v || u->vector[0])
					continue;
				v++;
				while (v < le && is_space(*v))
					v++;
				const char *ve = v;
				while (ve < le && !is_space(*ve))
					ve++;
				if (ve - v < 12 || strncmp(v, "CVSS:", 5) != 0)
					continue;
				snprintf(u->vector, sizeof(u->vector), "%.*s", (int)(ve - v), v);
				const char *br = memchr(ve, '[', (size_t)(le - ve));
				if (br) { /* strtod on a NUL-terminated copy, not past the line */
					char num[16];
					size_t nl2 = (size_t)(le - br - 1);
					snprintf(num, sizeof(num), "%.*s",
						 (int)(nl2 < 15 ? nl2 : 15), br + 1);
					u->score = strtod(num, NULL);
				}
				if (u->score < 0 || u->score > 10)
					u->score = 0;
			}
			continue;
		}
		block = NONE;
		if (p == le || *p == '#' || !(colon = memchr(p, ':', (size_t)(le - p))))
			continue;
		size_t kl = (size_t)(colon - p);
		const char *v = colon + 1;
		while (v < le && is_space(*v))
			v++;
		size_t vl = (size_t)(le - v);
		while (vl && is_space(v[vl - 1]))
			vl--;
		if (kl == 9 && strncmp(p, "Candidate", 9) == 0) {
			snprintf(u->id, sizeof(u->id), "%.*s", (int)(vl < 63 ? vl : 63), v);
		} else if (kl == 10 && strncmp(p, "PublicDate", 10) == 0) {
			if (vl >= 10 && isdigit((unsigned char)v[0]))
				snprintf(u->published, sizeof(u->published), "%.10s", v);
		} else if (kl == 8 && strncmp(p, "Priority", 8) == 0) {
			u->sev = priority(v, word_len(v, le));
		} else if (kl > 9 && strncmp(p, "Priority_", 9) == 0) {
			if (u->nprios < 64) {
				prio *pr = &u->prios[u->nprios++];
				snprintf(pr->pkg, sizeof(pr->pkg), "%.*s", (int)(kl - 9), p + 9);
				pr->sev = priority(v, word_len(v, le));
			}
		} else if (kl == 4 && strncmp(p, "CVSS", 4) == 0) {
			block = CVSS;
		} else if (kl == 10 && strncmp(p, "References", 10) == 0) {
			block = REFS;
			if (vl && strncmp(v, "http", 4) == 0 && vl < 256 && nrefs < 32)
				snprintf(refbuf[nrefs++], 256, "%.*s", (int)vl, v);
		} else if (memchr(p, '_', kl) && !memchr(p, ' ', kl)) {
			status_line(b, member, u, p, colon, le);
		}
	}
	if (strncmp(u->id, "CVE-", 4) != 0) {
		vigil_vdb__skipped(b, member, "file without a Candidate CVE id");
		return 0;
	}
	vigil_vdb__record(b);
	/* the tracker has no date of its own: its newest public date stands in */
	if (u->published[0])
		vigil_vdb__source_date(b, u->published);
	if ((error = vigil_vdb__vuln(b, &vuln, u->id, NULL, u->sev)) < 0 ||
	    (error = vigil_vdb__details(b, vuln, u->vector[0] ? u->vector : NULL, u->score,
					u->published[0] ? u->published : NULL)) < 0)
		return error;
	/* the cve.mitre.org link every file starts with says nothing the id does not */
	for (size_t i = 0; i < nrefs && error == 0; i++)
		if (!strstr(refbuf[i], "cve.mitre.org/cgi-bin/cvename.cgi"))
			error = vigil_vdb__reference(b, vuln, refbuf[i]);
	for (size_t i = 0; i < u->nrows && error == 0; i++) {
		row *r = &u->rows[i];
		const char *sev = u->sev;
		if (!r->status || (r->triage && esm_not_affected(u, r)))
			continue;
		for (size_t j = 0; j < u->nprios; j++)
			if (strcmp(u->prios[j].pkg, r->pkg) == 0 && u->prios[j].sev)
				sev = u->prios[j].sev;
		error = vigil_vdb__affected(b, r->eco, r->pkg, vuln, r->status,
					    r->fixed[0] ? r->fixed : NULL, NULL, sev);
	}
	return error;
}

static int want(const char *member)
{
	const char *base = strrchr(member, '/');
	return base &&
	       (strncmp(member, "active/", 7) == 0 || strncmp(member, "retired/", 8) == 0) &&
	       strncmp(base + 1, "CVE-", 4) == 0 &&
	       !strchr(member + (member[0] == 'a' ? 7 : 8), '/');
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	/* not calloc: the row table is large and only its used part is written */
	uct *u = malloc(sizeof(*u));
	if (!u)
		return VIGIL_ENOMEM;
	u->id[0] = u->published[0] = u->vector[0] = '\0';
	u->score = 0;
	u->sev = NULL;
	u->nrows = u->nprios = 0;
	int error = parse_file(b, u, member, (const char *)data, len);
	free(u);
	return error;
}

const vigil_feed vigil_feed_ubuntu = {
	"ubuntu-cve-tracker", "https://git.launchpad.net/ubuntu-cve-tracker", want, parse, 4u << 20,
};
