/*
 * table.c - the human report (a table per scanner, vulnerabilities grouped by package,
 * colours on a terminal, a summary line per severity) and JUnit XML (a test suite per
 * scanner, a failing test case per finding) for CI systems that show test results.
 * Text from the image is escaped: control characters never reach the terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "report/report.h"

static const char *const RANKS[6] = {"UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const COLOR[6] = {"\033[37m", "\033[37m", "\033[36m",
				     "\033[33m", "\033[31m", "\033[1;31m"};

/* Writes s (or "-") escaped by vigil_text_put_width: cut to |width| columns (0 = no cut)
 * and padded to width when it is positive. */
static void put(FILE *f, const char *s, int width)
{
	vigil_text_put_width(f, s ? s : "-", width);
}

static void sev(FILE *f, const vigil_report *r, const char *s, int width)
{
	int k = vigil_match__severity_rank(s);
	if (r->opts.color)
		fputs(COLOR[k], f);
	put(f, s, width);
	if (r->opts.color)
		fputs("\033[0m", f);
}

static void wrapped(FILE *f, const char *s, int lead_cols, int indent, int width);

static void summary(FILE *f, const vigil_report *r, int kind, const char *what)
{
	size_t c[6], total = 0;
	vigil_report__counts(r, kind, c);
	for (int i = 0; i < 6; i++)
		total += c[i];
	char line[256];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s: %zu (", what, total);
	for (int i = 5, first = 1; i >= 0 && n < sizeof(line); i--) {
		if (i == 0 && c[0] == 0)
			continue;
		if (i == 1 && c[1] == 0)
			continue;
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s: %zu", first ? "" : ", ",
				      RANKS[i], c[i]);
		first = 0;
	}
	if (n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ")");
	wrapped(f, line, 0, 2, r->wopts.width);
}

static int visible(const vigil_finding *e, int kind)
{
	return e->kind == kind && e->shown && !e->suppressed;
}

/* A table's columns: header, preferred width, a comfortable width (`soft`), the narrowest
 * it may get (`min`), and whether it may be left out on a narrow terminal (`drop`: the
 * higher goes first; 0 never). */
typedef struct col {
	const char *head;
	int w, soft, min, drop, on;
} col;

static int total_width(const col *c, int n)
{
	int total = -1;
	for (int i = 0; i < n; i++)
		if (c[i].on)
			total += c[i].w + 1;
	return total;
}

/* Shrinks the columns toward their `soft` (hard = 0) or `min` widths until the table fits;
 * returns 1 when it does. */
static int shrink(col *c, int n, int width, int hard)
{
	for (;;) {
		int total = total_width(c, n), best = -1, slack = 0;
		if (total <= width)
			return 1;
		for (int i = 0; i < n; i++) {
			int floor = hard ? c[i].min : c[i].soft;
			if (c[i].on && c[i].w - floor > slack) {
				slack = c[i].w - floor;
				best = i;
			}
		}
		if (best < 0)
			return 0;
		int cut = total - width;
		c[best].w -= cut < slack ? cut : slack;
	}
}

/* Fits the columns into `width` terminal columns (0 = no limit: preferred widths): down
 * to comfortable widths, then optional columns dropped, then down to the narrowest; the
 * last column takes what is left. A table that still does not fit overflows. */
static int fit(col *c, int n, int width)
{
	for (int i = 0; i < n; i++)
		c[i].on = 1;
	if (width <= 0)
		return 1;
	int ok = shrink(c, n, width, 0);
	for (int d = 9; d > 0 && !ok; d--)
		for (int i = 0; i < n && !ok; i++)
			if (c[i].on && c[i].drop == d) {
				c[i].on = 0;
				ok = total_width(c, n) <= width;
			}
	if (!ok)
		ok = shrink(c, n, width, 1);
	int total = total_width(c, n);
	for (int i = n - 1; ok && i >= 0; i--)
		if (c[i].on) {
			c[i].w += width - total; /* the last column takes the rest */
			break;
		}
	return ok;
}

static int last_on(const col *c, int n)
{
	while (n > 0 && !c[n - 1].on)
		n--;
	return n - 1;
}

static void head(FILE *f, const col *c, int n)
{
	int first = 1, last = last_on(c, n);
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		if (!c[i].on)
			continue;
		if (!first)
			fputc(' ', f);
		put(f, c[i].head, i == last ? 0 : c[i].w);
		first = 0;
	}
	fputc('\n', f);
}

/* One cell: padded to its width, the last one only cut (not padded). */
static void cell(FILE *f, const col *c, int i, int n, int *first, const char *s)
{
	if (!c[i].on)
		return;
	if (!*first)
		fputc(' ', f);
	*first = 0;
	put(f, s, i == last_on(c, n) ? -c[i].w : c[i].w);
}

/* Writes `s` escaped and word-wrapped to `width` columns (0 = on one line), then a
 * newline: the first line continues after `lead_cols` columns already written, the next
 * ones are indented by `indent`. */
static void wrapped(FILE *f, const char *s, int lead_cols, int indent, int width)
{
	char line[4096], piece[12];
	size_t len = 0, brk = 0;
	int cols = lead_cols, brk_cols = 0, have_brk = 0, c;
	if (width <= 0 || width <= indent + 8) {
		put(f, s, 0);
		fputc('\n', f);
		return;
	}
	for (const char *p = s ? s : "-";;) {
		size_t used = vigil_text_next(piece, &c, p), pl = strlen(piece);
		if (used == 0)
			break;
		if (cols + c > width || len + pl >= sizeof(line)) {
			/* the line ends at its last space (dropped), else here */
			size_t cut = have_brk ? brk : len, from = have_brk ? brk + 1 : len;
			fwrite(line, 1, cut, f);
			fprintf(f, "\n%*s", indent, "");
			memmove(line, line + from, len - from);
			len -= from;
			cols = indent + (have_brk ? cols - brk_cols - 1 : 0);
			have_brk = 0;
			if (len == 0 && pl == 1 && piece[0] == ' ') {
				p += used;
				continue;
			}
		}
		if (pl == 1 && piece[0] == ' ') {
			brk = len;
			brk_cols = cols;
			have_brk = 1;
		}
		memcpy(line + len, piece, pl);
		len += pl;
		cols += c;
		p += used;
	}
	fwrite(line, 1, len, f);
	fputc('\n', f);
}

/* A table being written: its columns fitted to the terminal, or, when even the narrowest
 * columns do not fit, each row stacked on lines of its own (first cell, then the second
 * indented, then "HEADER: value" per other cell), every line within the width. */
typedef struct tbl {
	FILE *f;
	const vigil_report *r;
	col *c;
	int n, width, stacked, sevcol; /* sevcol: the severity column (coloured), or -1 */
} tbl;

static void tbl_begin(tbl *t, FILE *f, const vigil_report *r, col *c, int n, int sevcol)
{
	t->f = f;
	t->r = r;
	t->c = c;
	t->n = n;
	t->width = r->wopts.width;
	t->sevcol = sevcol;
	t->stacked = !fit(c, n, t->width);
	if (t->stacked) {
		fputc('\n', f);
		return;
	}
	head(f, c, n);
}

/* One row: v[i] is column i's text (NULL shows "-", "" nothing). */
static void tbl_row(tbl *t, const char *const *v)
{
	FILE *f = t->f;
	int first = 1;
	if (!t->stacked) {
		for (int i = 0; i < t->n; i++) {
			if (i == t->sevcol && t->c[i].on) {
				if (!first)
					fputc(' ', f);
				first = 0;
				sev(f, t->r, v[i],
				    i == last_on(t->c, t->n) ? -t->c[i].w : t->c[i].w);
				continue;
			}
			cell(f, t->c, i, t->n, &first, v[i]);
		}
		fputc('\n', f);
		return;
	}
	if (v[0] && v[0][0]) {
		if (t->sevcol == 0)
			sev(f, t->r, v[0], -t->width);
		else
			put(f, v[0], -t->width);
		fputc('\n', f);
	}
	for (int i = 1; i < t->n; i++) {
		if (v[i] && !v[i][0])
			continue;
		int lead = i == 1 ? 2 : 4;
		fprintf(f, "%*s", lead, "");
		if (i > 1) {
			put(f, t->c[i].head, 0);
			fputs(": ", f);
			lead += (int)strlen(t->c[i].head) + 2;
		}
		if (i == t->sevcol) {
			sev(f, t->r, v[i], -(t->width - lead > 1 ? t->width - lead : 1));
			fputc('\n', f);
		} else {
			wrapped(f, v[i], lead, i == 1 ? 4 : 6, t->width);
		}
	}
}

enum { V_PKG, V_ID, V_SEV, V_STATUS, V_INST, V_FIXED, V_LOC, V_TITLE, V_N };

static void vulns_table(FILE *f, const vigil_report *r)
{
	const vigil_pkg *last = NULL;
	col c[V_N] = {
		{"PACKAGE", 28, 18, 10, 0, 1},	 {"VULNERABILITY", 18, 16, 14, 0, 1},
		{"SEVERITY", 9, 9, 9, 0, 1},	 {"STATUS", 13, 13, 13, 2, 1},
		{"INSTALLED", 24, 18, 10, 0, 1}, {"FIXED", 24, 18, 10, 0, 1},
		{"LOCATION", 40, 20, 12, 0, 1},	 {"TITLE", 70, 20, 20, 1, 1},
	};
	tbl t;
	tbl_begin(&t, f, r, c, V_N, V_SEV);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_vuln *v = e->detail;
		char title[1024];
		if (!visible(e, VIGIL_K_VULN))
			continue;
		int same = v->pkg == last; /* grouped by package */
		/* where the rating came from (docs/severity.md) */
		snprintf(title, sizeof(title), "%s%s%s%s%s", v->kev ? "[known exploited] " : "",
			 v->title ? v->title : "", v->severity_source ? " [severity: " : "",
			 v->severity_source ? v->severity_source : "",
			 v->severity_source ? "]" : "");
		const char *row[V_N] = {same ? "" : v->pkg->name,
					v->id,
					v->severity,
					v->status,
					same ? "" : v->pkg->version,
					v->fixed,
					same ? "" : v->pkg->location,
					title[0] ? title : NULL};
		tbl_row(&t, row);
		last = v->pkg;
	}
}

/* --show-suppressed: what the policy or VEX left out, and why. */
static void suppressed_table(FILE *f, const vigil_report *r)
{
	enum { S_KIND, S_ID, S_WHERE, S_REASON, S_N };
	col c[S_N] = {{"KIND", 16, 16, 8, 0, 1},
		      {"ID", 24, 18, 14, 0, 1},
		      {"PACKAGE / PATH", 40, 24, 14, 0, 1},
		      {"REASON", 60, 30, 20, 0, 1}};
	tbl t;
	fputs("\nSuppressed findings", f);
	tbl_begin(&t, f, r, c, S_N, -1);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		char where[4200];
		if (!e->shown || !e->suppressed)
			continue;
		if (e->pkg)
			snprintf(where, sizeof(where), "%s@%s", e->pkg->name,
				 e->pkg->version ? e->pkg->version : "");
		else
			snprintf(where, sizeof(where), "%s", e->path ? e->path : "image");
		const char *row[S_N] = {VIGIL_KIND_NAMES[e->kind], e->id, where, e->suppressed};
		tbl_row(&t, row);
	}
}

static int by_license(const void *a, const void *b)
{
	const vigil_pkg *x = *(const vigil_pkg *const *)a, *y = *(const vigil_pkg *const *)b;
	int k = strcmp(x->license ? x->license : "~", y->license ? y->license : "~");
	return k ? k : strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* --licenses: every package with its licence, grouped by licence. */
static int license_table(FILE *f, const vigil_report *r)
{
	size_t n = r->inv ? vigil_inventory_count(r->inv) : 0, none = 0, kinds = 0;
	const vigil_pkg **v = calloc(n ? n : 1, sizeof(*v));
	enum { L_LIC, L_PKG, L_VER, L_TYPE, L_LOC, L_N };
	col c[L_N] = {{"LICENCE", 30, 20, 12, 0, 1},
		      {"PACKAGE", 30, 20, 12, 0, 1},
		      {"VERSION", 24, 16, 10, 0, 1},
		      {"TYPE", 8, 8, 5, 2, 1},
		      {"LOCATION", 50, 24, 12, 1, 1}};
	if (!v)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i] = vigil_inventory_pkg(r->inv, i);
		none += !v[i]->license;
	}
	qsort(v, n, sizeof(*v), by_license);
	for (size_t i = 0; i < n; i++)
		kinds += v[i]->license && (i == 0 || !v[i - 1]->license ||
					   strcmp(v[i]->license, v[i - 1]->license) != 0);
	char line[160];
	snprintf(line, sizeof(line),
		 "Licences: %zu packages, %zu distinct licences, %zu without one", n, kinds, none);
	fputc('\n', f);
	wrapped(f, line, 0, 2, r->wopts.width);
	tbl t;
	if (n)
		tbl_begin(&t, f, r, c, L_N, -1);
	for (size_t i = 0; i < n; i++) {
		const vigil_pkg *p = v[i];
		int same = i && p->license && v[i - 1]->license &&
			   strcmp(p->license, v[i - 1]->license) == 0;
		const char *row[L_N] = {same	     ? ""
					: p->license ? p->license
						     : "(unknown)",
					p->name, p->version, p->type, p->location};
		tbl_row(&t, row);
	}
	free(v);
	return 0;
}

static void secrets_table(FILE *f, const vigil_report *r)
{
	enum { X_SEV, X_RULE, X_WHERE, X_LAYER, X_SECRET, X_NOTE, X_N };
	col c[X_N] = {{"SEVERITY", 9, 9, 9, 0, 1},  {"RULE", 28, 20, 12, 0, 1},
		      {"WHERE", 40, 24, 12, 0, 1},  {"LAYER", 6, 6, 6, 2, 1},
		      {"SECRET", 22, 16, 10, 1, 1}, {"NOTE", 4096, 20, 8, 3, 1}};
	tbl t;
	tbl_begin(&t, f, r, c, X_N, X_SEV);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_secret_finding *s = e->detail;
		char where[4200], layer[16], note[96] = "";
		if (!visible(e, VIGIL_K_SECRET))
			continue;
		if (s->line > 0)
			snprintf(where, sizeof(where), "%s:%d", s->path, s->line);
		else
			snprintf(where, sizeof(where), "%s", s->path);
		snprintf(layer, sizeof(layer), "%d", s->layer);
		if (s->status != VIGIL_FS_PRESENT)
			snprintf(note, sizeof(note), "removed in layer %d but still in the image",
				 s->removed_by);
		const char *row[X_N] = {s->severity, s->rule_id,
					where,	     s->layer >= 0 ? layer : "config",
					s->redacted, note};
		tbl_row(&t, row);
	}
}

static void malware_table(FILE *f, const vigil_report *r)
{
	enum { M_SEV, M_ENGINE, M_RULE, M_CAT, M_LAYER, M_PATH, M_N };
	col c[M_N] = {{"SEVERITY", 9, 9, 9, 0, 1}, {"ENGINE", 8, 8, 6, 2, 1},
		      {"RULE", 30, 20, 12, 0, 1},  {"CATEGORY", 14, 12, 8, 1, 1},
		      {"LAYER", 6, 6, 5, 3, 1},	   {"PATH", 4096, 24, 12, 0, 1}};
	tbl t;
	tbl_begin(&t, f, r, c, M_N, M_SEV);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_malware_finding *m = e->detail;
		char layer[16], path[4300];
		if (!visible(e, VIGIL_K_MALWARE))
			continue;
		snprintf(layer, sizeof(layer), "%d", m->layer);
		if (m->status != VIGIL_FS_PRESENT)
			snprintf(path, sizeof(path),
				 "%s (removed in layer %d but still in the image)",
				 m->path ? m->path : "-", m->removed_by);
		else
			snprintf(path, sizeof(path), "%s", m->path ? m->path : "-");
		const char *row[M_N] = {m->severity, m->engine, m->rule, m->category, layer, path};
		tbl_row(&t, row);
	}
}

static void config_table(FILE *f, const vigil_report *r, int kind)
{
	enum { C_SEV, C_CHECK, C_CIS, C_WHERE, C_MSG, C_N };
	int w = kind == VIGIL_K_TRUST ? 13 : 12;
	col c[C_N] = {{"SEVERITY", 9, 9, 9, 0, 1},
		      {"CHECK", w, w, w, 0, 1},
		      {"CIS", 6, 6, 5, 2, 1},
		      {"WHERE", 40, 24, 12, 0, 1},
		      {"MESSAGE", 4096, 24, 16, 1, 1}};
	tbl t;
	tbl_begin(&t, f, r, c, C_N, C_SEV);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_config_finding *cf = e->detail;
		char where[4200];
		if (!visible(e, kind))
			continue;
		if (cf->file && cf->line > 0)
			snprintf(where, sizeof(where), "%s:%d", cf->file, cf->line);
		else
			snprintf(where, sizeof(where), "%s",
				 cf->file     ? cf->file
				 : cf->object ? cf->object
					      : "image");
		const char *row[C_N] = {cf->severity, cf->check->id, cf->check->cis, where,
					cf->message};
		tbl_row(&t, row);
	}
}

int vigil_report__table(FILE *f, vigil_report *r)
{
	const vigil_distro *d = r->inv ? vigil_inventory_distro(r->inv) : NULL;
	size_t suppressed = 0;
	char target[4400];
	snprintf(target, sizeof(target), "%s%s%s%s", r->target ? r->target : "-",
		 d && d->pretty_name ? " (" : "", d && d->pretty_name ? d->pretty_name : "",
		 d && d->pretty_name ? (d->eol ? ", past its end of support)" : ")") : "");
	fputs("Target: ", f);
	wrapped(f, target, 8, 2, r->wopts.width);
	for (size_t i = 0; i < r->warnings.len; i++) { /* stale database, uncovered OS... */
		fputs("Warning: ", f);
		wrapped(f, VIGIL_VEC_AT(&r->warnings, const char *, i), 9, 2, r->wopts.width);
	}
	static const char *const TITLES[VIGIL_K_COUNT] = {"Vulnerabilities", "Secrets", "Malware",
							  "Misconfigurations", "Trust"};
	for (int k = 0; k < VIGIL_K_COUNT; k++) {
		size_t c[6], total = 0;
		if (!r->ran[k])
			continue;
		vigil_report__counts(r, k, c);
		for (int i = 0; i < 6; i++)
			total += c[i];
		fputc('\n', f);
		summary(f, r, k, TITLES[k]);
		if (total == 0)
			continue;
		if (k == VIGIL_K_VULN)
			vulns_table(f, r);
		else if (k == VIGIL_K_SECRET)
			secrets_table(f, r);
		else if (k == VIGIL_K_MALWARE)
			malware_table(f, r);
		else
			config_table(f, r, k);
	}
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		suppressed += e->shown && e->suppressed;
	}
	if (suppressed && r->wopts.show_suppressed)
		suppressed_table(f, r);
	else if (suppressed) {
		char line[160];
		snprintf(line, sizeof(line),
			 "%zu finding%s suppressed by the policy or VEX (see --show-suppressed)",
			 suppressed, suppressed == 1 ? "" : "s");
		fputc('\n', f);
		wrapped(f, line, 0, 2, r->wopts.width);
	}
	if (r->wopts.licenses) {
		int error = license_table(f, r);
		if (error < 0)
			return error;
	}
	return ferror(f) ? VIGIL_EIO : 0;
}

/* ---- JUnit XML ---- */

/* XML 1.0 text: markup characters as entities, controls and invalid UTF-8 escaped. */
static void xml(FILE *f, const char *s)
{
	vigil_xml_put(f, s);
}

static void junit_case(FILE *f, const vigil_report *r, const vigil_finding *e)
{
	char name[4400], where[4300] = "";
	const char *msg = NULL;
	switch (e->kind) {
	case VIGIL_K_VULN: {
		const vigil_vuln *v = e->detail;
		snprintf(name, sizeof(name), "%s %s@%s", v->id, v->pkg->name, v->pkg->version);
		snprintf(where, sizeof(where), "%s", v->pkg->location ? v->pkg->location : "");
		msg = v->title;
		break;
	}
	case VIGIL_K_SECRET: {
		const vigil_secret_finding *s = e->detail;
		snprintf(name, sizeof(name), "%s %s:%d", s->rule_id, s->path, s->line);
		snprintf(where, sizeof(where), "%s", s->path);
		msg = s->title;
		break;
	}
	case VIGIL_K_MALWARE: {
		const vigil_malware_finding *m = e->detail;
		snprintf(name, sizeof(name), "%s %s", m->rule, m->path);
		snprintf(where, sizeof(where), "%s", m->path);
		msg = m->title;
		break;
	}
	default: {
		const vigil_config_finding *c = e->detail;
		snprintf(name, sizeof(name), "%s %s:%d", c->check->id, c->file ? c->file : "",
			 c->line);
		snprintf(where, sizeof(where), "%s", c->file ? c->file : "");
		msg = c->message;
	}
	}
	fputs("    <testcase classname=\"", f);
	xml(f, r->target);
	fputs("\" name=\"", f);
	xml(f, name);
	fputs("\">\n      <failure type=\"", f);
	xml(f, e->severity);
	fputs("\" message=\"", f);
	xml(f, msg ? msg : e->id);
	fputs("\">", f);
	xml(f, where);
	fputs("</failure>\n    </testcase>\n", f);
}

int vigil_report__junit(FILE *f, vigil_report *r)
{
	size_t total = 0, per[VIGIL_K_COUNT] = {0};
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		if (e->shown && !e->suppressed) {
			per[e->kind]++;
			total++;
		}
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vigil\" tests=\"", f);
	fprintf(f, "%zu\" failures=\"%zu\">\n", total, total);
	for (int k = 0; k < VIGIL_K_COUNT; k++) {
		if (!r->ran[k])
			continue;
		fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\">\n",
			VIGIL_KIND_NAMES[k], per[k] ? per[k] : 1, per[k]);
		if (per[k] == 0) {
			fputs("    <testcase classname=\"", f);
			xml(f, r->target);
			fprintf(f, "\" name=\"no %s findings\"/>\n", VIGIL_KIND_NAMES[k]);
		}
		for (size_t i = 0; i < r->entries.len; i++) {
			const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
			if (visible(e, k))
				junit_case(f, r, e);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? VIGIL_EIO : 0;
}
