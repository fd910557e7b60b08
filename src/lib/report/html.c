/*
 * html.c - `vigil scan --format html`: one self-contained page (inline CSS, SVG and a
 * little JavaScript; no network, no fonts, no frameworks) with the summary, the layers
 * and what each brought, and one table per finding kind, sortable and filterable, and a
 * print style. Every string from the image is hostile: all of it goes through esc(), and
 * a secret's value (even redacted) is never written.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match/match.h"
#include "report/report.h"

static const char *const RANKS[6] = {"UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const SECTION[VIGIL_K_COUNT] = {"vulnerabilities", "secrets", "malware",
						   "misconfigurations", "trust"};
static const char *const HEADING[VIGIL_K_COUNT] = {"Vulnerabilities", "Secrets", "Malware",
						   "Misconfigurations", "Trust"};
/* bar colours by rank, also used by the CSS classes sev-0 .. sev-5 */
static const char *const COLOUR[6] = {"#8a8a8a", "#6b9bd1", "#2f7fbf",
				      "#d99a00", "#e0601b", "#b3132b"};

/* Writes s HTML-escaped (text and attribute values alike). Control characters (C0 and
 * C1), bidirectional controls and bytes that are not valid UTF-8 become U+FFFD (tab and
 * newline a space), so no input can open a tag, an attribute or a comment, reorder what
 * is shown, nor confuse the parser's encoding. NULL writes nothing. */
static void esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s)
		return;
	while (*p) {
		unsigned c = *p, cp;
		size_t n = vigil_utf8_decode(p, &cp);
		if (n == 0 || (n > 1 && vigil_cp_unsafe(cp))) {
			fputs("\xef\xbf\xbd", f);
			p += n ? n : 1;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		switch (c) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fputs(c == '\t' || c == '\n' ? " " : "\xef\xbf\xbd", f);
			else
				fputc((int)c, f);
		}
		p++;
	}
}

/* One table cell with escaped text (or a dash for NULL / ""). */
static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	if (s && *s)
		esc(f, s);
	else
		fputs("&#8211;", f);
	fputs("</td>", f);
}

/* A check's cross-references (hadolint, Trivy, CWE), each linked to its page. */
static void td_refs(FILE *f, const vigil_check_info *c)
{
	const char *p = c && c->refs ? c->refs : "";
	char url[160], tok[32];
	int first = 1;
	fputs("<td class=\"refs\">", f);
	while (*p) {
		size_t k = strcspn(p, ", ");
		if (k) {
			snprintf(tok, sizeof(tok), "%.*s", (int)(k < 31 ? k : 31), p);
			fputs(first ? "" : ", ", f);
			first = 0;
			if (vigil_config_ref_url(url, sizeof(url), p, k)) {
				fputs("<a href=\"", f);
				esc(f, url);
				fputs("\" rel=\"noreferrer\">", f);
				esc(f, tok);
				fputs("</a>", f);
			} else {
				esc(f, tok);
			}
		}
		p += k;
		p += strspn(p, ", ");
	}
	fputs(first ? "&#8211;</td>" : "</td>", f);
}

static void td_int(FILE *f, long long v)
{
	if (v < 0)
		fputs("<td data-sort=\"-1\">&#8211;</td>", f);
	else
		fprintf(f, "<td data-sort=\"%lld\">%lld</td>", v, v);
}

/* A byte count as B / KiB / MiB / GiB, sorted by the exact number. */
static void td_size(FILE *f, const vigil_layer_info *l)
{
	static const char *const UNIT[4] = {"B", "KiB", "MiB", "GiB"};
	double v;
	int u = 0;
	if (!l) {
		fputs("<td data-sort=\"-1\">&#8211;</td>", f);
		return;
	}
	for (v = (double)l->size; v >= 1024 && u < 3; u++)
		v /= 1024;
	fprintf(f, "<td data-sort=\"%llu\" title=\"%llu bytes (layer blob)\">",
		(unsigned long long)l->size, (unsigned long long)l->size);
	fprintf(f, u ? "%.1f %s</td>" : "%.0f %s</td>", v, UNIT[u]);
}

static void td_sev(FILE *f, const char *sev)
{
	int k = vigil_match__severity_rank(sev);
	fprintf(f, "<td data-sort=\"%d\"><span class=\"sev sev-%d\">%s</span></td>", k, k,
		RANKS[k]);
}

/* The layer cell: index, with the diff_id and created_by as a tooltip. */
static void td_layer(FILE *f, const vigil_report *r, int layer)
{
	if (layer < 0) {
		fputs("<td data-sort=\"-1\">config</td>", f);
		return;
	}
	const char *cb = vigil_report__created_by(r, layer);
	fprintf(f, "<td data-sort=\"%d\" title=\"", layer);
	esc(f, cb ? cb : vigil_report__diff_id(r, layer));
	fprintf(f, "\"><a href=\"#layer-%d\">%d</a></td>", layer, layer);
}

static const char CSS[] =
	":root{--fg:#1d232b;--muted:#5d6773;--line:#d9dee4;--bg:#fff;--head:#f3f5f8}"
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);"
	"background:var(--bg);margin:0;padding:24px 32px}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}"
	".muted{color:var(--muted)}code,.mono{font-family:ui-monospace,monospace;font-size:12px;"
	"word-break:break-all}"
	"table{border-collapse:collapse;width:100%;margin:6px 0 10px}"
	"th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;"
	"vertical-align:top}"
	"th{background:var(--head);position:sticky;top:0;cursor:pointer;user-select:none;"
	"white-space:nowrap}"
	"th[aria-sort=ascending]::after{content:' \\25B2'}"
	"th[aria-sort=descending]::after{content:' \\25BC'}"
	".sev{display:inline-block;min-width:84px;text-align:center;border-radius:3px;"
	"padding:0 6px;color:#fff;font-size:12px;font-weight:600}"
	".sev-0{background:#8a8a8a}.sev-1{background:#6b9bd1}.sev-2{background:#2f7fbf}"
	".sev-3{background:#d99a00}.sev-4{background:#e0601b}.sev-5{background:#b3132b}"
	".cards{display:flex;flex-wrap:wrap;gap:12px}"
	".card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:200px}"
	".card b{font-size:22px}.kev{color:#b3132b;font-weight:700}"
	"#controls{margin:14px 0;padding:10px;background:var(--head);border-radius:6px}"
	"#controls label{margin-right:10px;white-space:nowrap}"
	"#filter{width:320px;padding:4px 6px}"
	"tr.hidden{display:none}.warn{color:#8a4b00}summary{cursor:pointer}"
	"@media print{#controls{display:none}body{padding:0;font-size:11px}"
	"th{position:static}tr.hidden{display:table-row}tr{page-break-inside:avoid}"
	"a{color:inherit;text-decoration:none}.sev{border:1px solid #000;color:#000;"
	"background:none!important}h2{page-break-after:avoid}}";

/* Filter and sort: every findings table has class "findings"; each row carries
 * data-sev (rank) and its text. No eval, no network, no external anything. */
static const char JS[] =
	"(function(){'use strict';"
	"var q=document.getElementById('filter');"
	"var boxes=document.querySelectorAll('#controls input[type=checkbox]');"
	"function apply(){var t=q.value.toLowerCase(),on={};"
	"boxes.forEach(function(b){on[b.value]=b.checked;});"
	"document.querySelectorAll('table.findings').forEach(function(tb){var n=0;"
	"tb.querySelectorAll('tbody tr').forEach(function(tr){"
	"var ok=on[tr.getAttribute('data-sev')]&&(!t||tr.textContent.toLowerCase().indexOf(t)>=0);"
	"tr.classList.toggle('hidden',!ok);if(ok)n++;});"
	"var c=document.getElementById('count-'+tb.id.replace('table-',''));"
	"if(c)c.textContent=n;});}"
	"q.addEventListener('input',apply);"
	"boxes.forEach(function(b){b.addEventListener('change',apply);});"
	"function key(td){var s=td.getAttribute('data-sort');"
	"return s!==null?parseFloat(s):td.textContent.toLowerCase();}"
	"document.querySelectorAll('table.sortable th').forEach(function(th,i){"
	"th.addEventListener('click',function(){var tb=th.closest('table'),"
	"body=tb.tBodies[0],col=th.cellIndex,"
	"dir=th.getAttribute('aria-sort')==='ascending'?-1:1;"
	"tb.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});"
	"th.setAttribute('aria-sort',dir>0?'ascending':'descending');"
	"var rows=Array.prototype.slice.call(body.rows);"
	"rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);"
	"return (x<y?-1:x>y?1:0)*dir;});"
	"rows.forEach(function(r){body.appendChild(r);});});});"
	"apply();})();";

/* A stacked bar of the six severity counts as inline SVG. */
static void svg_bar(FILE *f, const size_t c[6])
{
	size_t total = 0;
	double x = 0;
	for (int s = 0; s < 6; s++)
		total += c[s];
	fputs("<svg width=\"180\" height=\"10\" role=\"img\" aria-hidden=\"true\">", f);
	if (total == 0)
		fputs("<rect width=\"180\" height=\"10\" fill=\"#d9dee4\"/>", f);
	for (int s = 5; s >= 0 && total; s--) {
		double w = 180.0 * (double)c[s] / (double)total;
		if (c[s])
			fprintf(f, "<rect x=\"%.2f\" width=\"%.2f\" height=\"10\" fill=\"%s\"/>", x,
				w, COLOUR[s]);
		x += w;
	}
	fputs("</svg>", f);
}

static size_t shown_count(const vigil_report *r, int kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		n += e->kind == kind && e->shown && !e->suppressed;
	}
	return n;
}

static void summary(FILE *f, const vigil_report *r)
{
	fputs("<h2>Summary</h2><div class=\"cards\">", f);
	for (int k = 0; k < VIGIL_K_COUNT; k++) {
		size_t c[6];
		if (!r->ran[k])
			continue;
		vigil_report__counts(r, k, c);
		fprintf(f,
			"<div class=\"card\" id=\"card-%s\"><div class=\"muted\">%s</div>"
			"<b class=\"total\">%zu</b><br>",
			SECTION[k], HEADING[k], shown_count(r, k));
		svg_bar(f, c);
		fputs("<div>", f);
		for (int s = 5; s >= 0; s--)
			if (c[s])
				fprintf(f,
					"<span class=\"sev sev-%d\" data-count=\"%zu\">%s "
					"%zu</span> ",
					s, c[s], RANKS[s], c[s]);
		fputs("</div></div>", f);
	}
	fprintf(f,
		"<div class=\"card\"><div class=\"muted\">Failing the gate</div>"
		"<b id=\"failing\">%zu</b></div></div>",
		r->failing);
}

static void layers(FILE *f, const vigil_report *r)
{
	int n = r->img ? vigil_image_layer_count(r->img) : 0;
	if (n <= 0)
		return;
	fputs("<h2>Layers</h2><table class=\"sortable\" id=\"table-layers\"><thead><tr>"
	      "<th>#</th><th>Created by</th><th>diff_id</th><th>Size</th><th>Packages</th>"
	      "<th>Vulnerabilities</th><th>Secrets</th><th>Malware</th></tr></thead><tbody>",
	      f);
	for (int i = 0; i < n; i++) {
		const vigil_layer_info *l = vigil_image_layer(r->img, i);
		size_t pk = 0, cnt[VIGIL_K_COUNT] = {0};
		for (size_t k = 0; r->inv && k < vigil_inventory_count(r->inv); k++)
			pk += vigil_inventory_pkg(r->inv, k)->layer == i;
		for (size_t k = 0; k < r->entries.len; k++) {
			const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, k);
			if (e->shown && !e->suppressed && e->layer == i && e->kind < VIGIL_K_COUNT)
				cnt[e->kind]++;
		}
		fprintf(f, "<tr id=\"layer-%d\"><td data-sort=\"%d\">%d</td>", i, i, i);
		td(f, l ? l->created_by : NULL);
		fputs("<td class=\"mono\">", f);
		esc(f, l ? l->diff_id : NULL);
		fputs("</td>", f);
		td_size(f, l);
		/* the packages the layer brought, folded */
		fprintf(f, "<td data-sort=\"%zu\">", pk);
		if (pk) {
			fprintf(f, "<details><summary>%zu</summary><span class=\"mono\">", pk);
			size_t shown = 0;
			for (size_t k = 0; r->inv && k < vigil_inventory_count(r->inv); k++) {
				const vigil_pkg *p = vigil_inventory_pkg(r->inv, k);
				if (p->layer != i)
					continue;
				fputs(shown++ ? ", " : "", f);
				esc(f, p->name);
				fputc(' ', f);
				esc(f, p->version);
			}
			fputs("</span></details>", f);
		} else {
			fputs("0", f);
		}
		fputs("</td>", f);
		td_int(f, (long long)cnt[VIGIL_K_VULN]);
		td_int(f, (long long)cnt[VIGIL_K_SECRET]);
		td_int(f, (long long)cnt[VIGIL_K_MALWARE]);
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

static const char *const COLUMNS[VIGIL_K_COUNT] = {
	"<th>ID</th><th>Severity</th><th>Package</th><th>Installed</th><th>Fixed in</th>"
	"<th>Status</th><th>CVSS</th><th>KEV</th><th>Layer</th><th>Title</th>",
	"<th>Rule</th><th>Severity</th><th>Title</th><th>Path</th><th>Line</th><th>Source</th>"
	"<th>Layer</th><th>Status</th>",
	"<th>Rule</th><th>Severity</th><th>Engine</th><th>Category</th><th>Path</th>"
	"<th>SHA-256</th><th>Layer</th><th>Status</th>",
	"<th>ID</th><th>Severity</th><th>CIS</th><th>Refs</th><th>Title</th><th>Message</th>"
	"<th>File</th><th>Layer</th>",
	"<th>ID</th><th>Severity</th><th>CIS</th><th>Refs</th><th>Title</th><th>Message</th>"
	"<th>File</th><th>Layer</th>",
};

static void row_cells(FILE *f, const vigil_report *r, const vigil_finding *e)
{
	switch (e->kind) {
	case VIGIL_K_VULN: {
		const vigil_vuln *v = e->detail;
		char score[16] = "";
		td(f, v->id);
		td_sev(f, v->severity);
		td(f, v->pkg ? v->pkg->name : NULL);
		td(f, v->pkg ? v->pkg->version : NULL);
		td(f, v->fixed);
		td(f, v->status);
		if (v->cvss_score > 0)
			snprintf(score, sizeof(score), "%.1f", v->cvss_score);
		fprintf(f, "<td data-sort=\"%.1f\">%s</td>", v->cvss_score,
			score[0] ? score : "&#8211;");
		fputs(v->kev ? "<td class=\"kev\">KEV</td>" : "<td></td>", f);
		td_layer(f, r, v->pkg ? v->pkg->layer : -1);
		td(f, v->title);
		break;
	}
	case VIGIL_K_SECRET: {
		/* never the value, not even its redacted form */
		const vigil_secret_finding *s = e->detail;
		td(f, s->rule_id);
		td_sev(f, s->severity);
		td(f, s->title);
		fputs("<td class=\"mono\">", f);
		esc(f, s->path);
		fputs("</td>", f);
		td_int(f, s->line > 0 ? s->line : -1);
		td(f, s->source);
		td_layer(f, r, s->layer);
		td(f, vigil_report__status(s->status));
		break;
	}
	case VIGIL_K_MALWARE: {
		const vigil_malware_finding *m = e->detail;
		td(f, m->rule);
		td_sev(f, m->severity);
		td(f, m->engine);
		td(f, m->category);
		fputs("<td class=\"mono\">", f);
		esc(f, m->path);
		fputs("</td><td class=\"mono\">", f);
		esc(f, m->sha256);
		fputs("</td>", f);
		td_layer(f, r, m->layer);
		td(f, vigil_report__status(m->status));
		break;
	}
	default: {
		const vigil_config_finding *c = e->detail;
		td(f, c->check ? c->check->id : e->id);
		td_sev(f, c->severity);
		td(f, c->check ? c->check->cis : NULL);
		td_refs(f, c->check);
		td(f, c->check ? c->check->title : e->title);
		td(f, c->message);
		td(f, c->file);
		td_layer(f, r, c->layer);
	}
	}
}

static void findings_table(FILE *f, const vigil_report *r, int k)
{
	fprintf(f,
		"<h2 id=\"%s\">%s <span class=\"muted\">(<span id=\"count-%s\">%zu</span>)"
		"</span></h2>",
		SECTION[k], HEADING[k], SECTION[k], shown_count(r, k));
	if (!r->ran[k]) {
		fputs("<p class=\"muted\">This scanner did not run.</p>", f);
		return;
	}
	fprintf(f,
		"<table class=\"findings sortable\" id=\"table-%s\"><thead><tr>%s</tr></thead>"
		"<tbody>",
		SECTION[k], COLUMNS[k]);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		if (e->kind != k || !e->shown || e->suppressed)
			continue;
		fprintf(f, "<tr data-sev=\"%d\">", vigil_match__severity_rank(e->severity));
		row_cells(f, r, e);
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

static void suppressed(FILE *f, const vigil_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		n += e->shown && e->suppressed;
	}
	if (!n)
		return;
	fprintf(f,
		"<h2 id=\"suppressed\">Suppressed <span class=\"muted\">(%zu)</span></h2>"
		"<table class=\"sortable\" id=\"table-suppressed\"><thead><tr><th>Kind</th>"
		"<th>ID</th><th>Severity</th><th>Reason</th></tr></thead><tbody>",
		n);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		if (!e->shown || !e->suppressed)
			continue;
		fputs("<tr>", f);
		td(f, VIGIL_KIND_NAMES[e->kind]);
		td(f, e->id);
		td_sev(f, e->severity);
		td(f, e->suppressed);
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

static void header(FILE *f, const vigil_report *r)
{
	char ts[32];
	time_t t = time(NULL);
	uint64_t v;
	struct tm tm;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && vigil_parse_uint(&v, sde, (uint64_t)1 << 40) == 0)
		t = (time_t)v;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fputs("<h1>Vigil scan: ", f);
	esc(f, r->target);
	fputs("</h1><table id=\"meta\" style=\"width:auto\">", f);
	if (r->img) {
		const vigil_distro *d = r->inv ? vigil_inventory_distro(r->inv) : NULL;
		fputs("<tr><th>Manifest</th><td class=\"mono\">", f);
		esc(f, vigil_image_manifest_digest(r->img));
		fputs("</td></tr><tr><th>Config</th><td class=\"mono\">", f);
		esc(f, vigil_image_config_digest(r->img));
		fputs("</td></tr><tr><th>Format</th>", f);
		td(f, vigil_image_format(r->img));
		fputs("</tr><tr><th>OS</th>", f);
		td(f, d ? (d->pretty_name ? d->pretty_name : d->id) : NULL);
		fputs("</tr>", f);
	}
	fprintf(f, "<tr><th>Packages</th><td id=\"packages\">%zu</td></tr>",
		r->inv ? vigil_inventory_count(r->inv) : (size_t)0);
	if (r->opts.db_built && r->ran[VIGIL_K_VULN]) {
		fputs("<tr><th>Database built</th>", f);
		td(f, r->opts.db_built);
		fputs("</tr>", f);
	}
	fprintf(f, "<tr><th>Report</th><td>%s, Vigil %s</td></tr></table>", ts, VIGIL_VERSION);
}

int vigil_report__html(FILE *f, vigil_report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	      "<meta name=\"referrer\" content=\"no-referrer\"><title>Vigil scan: ",
	      f);
	esc(f, r->target);
	fprintf(f, "</title><style>%s</style></head><body>\n", CSS);
	header(f, r);
	summary(f, r);
	fputs("<div id=\"controls\"><input id=\"filter\" type=\"search\" "
	      "placeholder=\"Filter: id, package, path, text...\" aria-label=\"Filter\"> ",
	      f);
	for (int s = 5; s >= 0; s--)
		fprintf(f,
			"<label><input type=\"checkbox\" value=\"%d\" id=\"sev-%s\" checked> "
			"<span class=\"sev sev-%d\">%s</span></label>",
			s, RANKS[s], s, RANKS[s]);
	fputs("</div>\n", f);
	layers(f, r);
	for (int k = 0; k < VIGIL_K_COUNT; k++)
		if (k != VIGIL_K_TRUST || r->ran[k])
			findings_table(f, r, k);
	suppressed(f, r);
	size_t nw = r->warnings.len;
	const char *const *iw = r->img ? vigil_image_warnings(r->img) : NULL;
	for (const char *const *p = iw; p && *p; p++)
		nw++;
	if (nw) {
		fputs("<h2>Warnings</h2><ul class=\"warn\" id=\"warnings\">", f);
		for (size_t i = 0; i < r->warnings.len; i++) {
			fputs("<li>", f);
			esc(f, VIGIL_VEC_AT(&r->warnings, const char *, i));
			fputs("</li>", f);
		}
		for (; iw && *iw; iw++) {
			fputs("<li>", f);
			esc(f, *iw);
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
	fprintf(f, "<script>%s</script></body></html>\n", JS);
	return ferror(f) ? VIGIL_EIO : 0;
}
