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

static void summary(FILE *f, const vigil_report *r, int kind, const char *what)
{
	size_t c[6], total = 0;
	vigil_report__counts(r, kind, c);
	for (int i = 0; i < 6; i++)
		total += c[i];
	fprintf(f, "%s: %zu (", what, total);
	for (int i = 5, first = 1; i >= 0; i--) {
		if (i == 0 && c[0] == 0)
			continue;
		if (i == 1 && c[1] == 0)
			continue;
		fprintf(f, "%s%s: %zu", first ? "" : ", ", RANKS[i], c[i]);
		first = 0;
	}
	fputs(")\n", f);
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
static void fit(col *c, int n, int width)
{
	for (int i = 0; i < n; i++)
		c[i].on = 1;
	if (width <= 0)
		return;
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
	fit(c, V_N, r->wopts.width);
	head(f, c, V_N);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_vuln *v = e->detail;
		char title[1024];
		int first = 1;
		if (!visible(e, VIGIL_K_VULN))
			continue;
		int same = v->pkg == last; /* grouped by package */
		cell(f, c, V_PKG, V_N, &first, same ? "" : v->pkg->name);
		cell(f, c, V_ID, V_N, &first, v->id);
		if (c[V_SEV].on) {
			fputc(' ', f);
			sev(f, r, v->severity, c[V_SEV].w);
		}
		cell(f, c, V_STATUS, V_N, &first, v->status);
		cell(f, c, V_INST, V_N, &first, same ? "" : v->pkg->version);
		cell(f, c, V_FIXED, V_N, &first, v->fixed);
		cell(f, c, V_LOC, V_N, &first, same ? "" : v->pkg->location);
		/* where the rating came from (docs/severity.md) */
		snprintf(title, sizeof(title), "%s%s%s%s%s", v->kev ? "[known exploited] " : "",
			 v->title ? v->title : "", v->severity_source ? " [severity: " : "",
			 v->severity_source ? v->severity_source : "",
			 v->severity_source ? "]" : "");
		cell(f, c, V_TITLE, V_N, &first, title[0] ? title : NULL);
		fputc('\n', f);
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
	fit(c, S_N, r->wopts.width);
	fputs("\nSuppressed findings", f);
	head(f, c, S_N);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		char where[4200];
		int first = 1;
		if (!e->shown || !e->suppressed)
			continue;
		if (e->pkg)
			snprintf(where, sizeof(where), "%s@%s", e->pkg->name,
				 e->pkg->version ? e->pkg->version : "");
		else
			snprintf(where, sizeof(where), "%s", e->path ? e->path : "image");
		cell(f, c, S_KIND, S_N, &first, VIGIL_KIND_NAMES[e->kind]);
		cell(f, c, S_ID, S_N, &first, e->id);
		cell(f, c, S_WHERE, S_N, &first, where);
		cell(f, c, S_REASON, S_N, &first, e->suppressed);
		fputc('\n', f);
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
	fprintf(f, "\nLicences: %zu packages, %zu distinct licences, %zu without one\n", n, kinds,
		none);
	fit(c, L_N, r->wopts.width);
	if (n)
		head(f, c, L_N);
	for (size_t i = 0; i < n; i++) {
		const vigil_pkg *p = v[i];
		int first = 1, same = i && p->license && v[i - 1]->license &&
				      strcmp(p->license, v[i - 1]->license) == 0;
		cell(f, c, L_LIC, L_N, &first, same ? "" : p->license ? p->license : "(unknown)");
		cell(f, c, L_PKG, L_N, &first, p->name);
		cell(f, c, L_VER, L_N, &first, p->version);
		cell(f, c, L_TYPE, L_N, &first, p->type);
		cell(f, c, L_LOC, L_N, &first, p->location);
		fputc('\n', f);
	}
	free(v);
	return 0;
}

static void secrets_table(FILE *f, const vigil_report *r)
{
	fprintf(f, "\n%-9s %-28s %-40s %-6s %-22s %s\n", "SEVERITY", "RULE", "WHERE", "LAYER",
		"SECRET", "NOTE");
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_secret_finding *s = e->detail;
		char where[4200], layer[16];
		if (!visible(e, VIGIL_K_SECRET))
			continue;
		if (s->line > 0)
			snprintf(where, sizeof(where), "%s:%d", s->path, s->line);
		else
			snprintf(where, sizeof(where), "%s", s->path);
		snprintf(layer, sizeof(layer), "%d", s->layer);
		sev(f, r, s->severity, 9);
		fputc(' ', f);
		put(f, s->rule_id, 28);
		fputc(' ', f);
		put(f, where, 40);
		fputc(' ', f);
		put(f, s->layer >= 0 ? layer : "config", 6);
		fputc(' ', f);
		put(f, s->redacted, 22);
		fputc(' ', f);
		if (s->status != VIGIL_FS_PRESENT)
			fprintf(f, "removed in layer %d but still in the image", s->removed_by);
		fputc('\n', f);
	}
}

static void malware_table(FILE *f, const vigil_report *r)
{
	fprintf(f, "\n%-9s %-8s %-30s %-14s %-6s %s\n", "SEVERITY", "ENGINE", "RULE", "CATEGORY",
		"LAYER", "PATH");
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_malware_finding *m = e->detail;
		char layer[16];
		if (!visible(e, VIGIL_K_MALWARE))
			continue;
		snprintf(layer, sizeof(layer), "%d", m->layer);
		sev(f, r, m->severity, 9);
		fputc(' ', f);
		put(f, m->engine, 8);
		fputc(' ', f);
		put(f, m->rule, 30);
		fputc(' ', f);
		put(f, m->category, 14);
		fputc(' ', f);
		put(f, layer, 6);
		fputc(' ', f);
		put(f, m->path, 0);
		if (m->status != VIGIL_FS_PRESENT)
			fprintf(f, " (removed in layer %d but still in the image)", m->removed_by);
		fputc('\n', f);
	}
}

static void config_table(FILE *f, const vigil_report *r, int kind)
{
	int w = kind == VIGIL_K_TRUST ? 13 : 12;
	fprintf(f, "\n%-9s %-*s %-6s %-40s %s\n", "SEVERITY", w, "CHECK", "CIS", "WHERE",
		"MESSAGE");
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_config_finding *c = e->detail;
		char where[4200];
		if (!visible(e, kind))
			continue;
		if (c->file && c->line > 0)
			snprintf(where, sizeof(where), "%s:%d", c->file, c->line);
		else
			snprintf(where, sizeof(where), "%s",
				 c->file     ? c->file
				 : c->object ? c->object
					     : "image");
		sev(f, r, c->severity, 9);
		fputc(' ', f);
		put(f, c->check->id, w);
		fputc(' ', f);
		put(f, c->check->cis, 6);
		fputc(' ', f);
		put(f, where, 40);
		fputc(' ', f);
		put(f, c->message, 0);
		fputc('\n', f);
	}
}

int vigil_report__table(FILE *f, vigil_report *r)
{
	const vigil_distro *d = r->inv ? vigil_inventory_distro(r->inv) : NULL;
	size_t suppressed = 0;
	fputs("Target: ", f);
	put(f, r->target, 0);
	if (d && d->pretty_name) {
		fputs(" (", f);
		put(f, d->pretty_name, 0);
		fputs(d->eol ? ", past its end of support)" : ")", f);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r->warnings.len; i++) { /* stale database, uncovered OS... */
		fputs("Warning: ", f);
		put(f, VIGIL_VEC_AT(&r->warnings, const char *, i), 0);
		fputc('\n', f);
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
	else if (suppressed)
		fprintf(f,
			"\n%zu finding%s suppressed by the policy or VEX (see --show-suppressed)\n",
			suppressed, suppressed == 1 ? "" : "s");
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
