/*
 * table.c - the human report (a table per scanner, vulnerabilities grouped by package,
 * colours on a terminal, a summary line per severity) and JUnit XML (a test suite per
 * scanner, a failing test case per finding) for CI systems that show test results.
 * Text from the image is escaped: control characters never reach the terminal.
 */
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

static void vulns_table(FILE *f, const vigil_report *r)
{
	const vigil_pkg *last = NULL;
	fprintf(f, "\n%-28s %-18s %-9s %-13s %-24s %-24s %s\n", "PACKAGE", "VULNERABILITY",
		"SEVERITY", "STATUS", "INSTALLED", "FIXED", "TITLE");
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_vuln *v = e->detail;
		if (!visible(e, VIGIL_K_VULN))
			continue;
		put(f, v->pkg == last ? "" : v->pkg->name, 28); /* grouped by package */
		fputc(' ', f);
		put(f, v->id, 18);
		fputc(' ', f);
		sev(f, r, v->severity, 9);
		fputc(' ', f);
		put(f, v->status, 13);
		fputc(' ', f);
		put(f, v->pkg == last ? "" : v->pkg->version, 24);
		fputc(' ', f);
		put(f, v->fixed, 24);
		fputc(' ', f);
		if (v->kev)
			fputs("[known exploited] ", f);
		put(f, v->title, -70);
		if (v->severity_source) /* where the rating came from (docs/severity.md) */
			fprintf(f, " [severity: %s]", v->severity_source);
		fputc('\n', f);
		last = v->pkg;
	}
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
	if (suppressed)
		fprintf(f, "\n%zu finding%s suppressed by the policy or VEX (see --format json)\n",
			suppressed, suppressed == 1 ? "" : "s");
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
