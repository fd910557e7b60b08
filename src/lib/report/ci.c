/*
 * ci.c - report formats for CI systems: GitLab's container-scanning and
 * dependency-scanning reports (security report schema 15.0.7), a stable fingerprint per
 * finding (SARIF partialFingerprints, GitLab ids) and the template output, a small
 * Go-like template language documented in docs/ci.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match/match.h"
#include "report/report.h"

/* ---- fingerprints ------------------------------------------------------------------- */

/* A finding's identity across runs: kind, id, package name and where it is; not the
 * installed version, so an upgrade that does not fix it keeps the same alert. */
int vigil_report__fingerprint(char out[65], const vigil_finding *e)
{
	vigil_sha256 *h;
	char d[72];
	const char *parts[4];
	parts[0] = VIGIL_KIND_NAMES[e->kind < VIGIL_K_COUNT ? e->kind : 0];
	parts[1] = e->id ? e->id : "";
	parts[2] = e->pkg && e->pkg->name ? e->pkg->name : "";
	parts[3] = e->pkg && e->pkg->location ? e->pkg->location : e->path ? e->path : "";
	if (e->kind == VIGIL_K_SECRET && e->detail) {
		const vigil_secret_finding *s = e->detail;
		if (s->fingerprint)
			parts[3] = s->fingerprint;
	}
	if (vigil_sha256_new(&h) < 0)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < 4; i++)
		vigil_sha256_update(h, parts[i], strlen(parts[i]) + 1); /* NUL separates */
	vigil_sha256_final(h, d);
	vigil_sha256_free(h);
	memcpy(out, d + 7, 64);
	out[64] = '\0';
	return 0;
}

/* ---- GitLab security reports --------------------------------------------------------- */

static void kv(vigil_jsonw *w, const char *k, const char *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_str(w, v);
}

static const char *gl_severity(const char *s)
{
	if (!s)
		return "Unknown";
	if (strcmp(s, "CRITICAL") == 0)
		return "Critical";
	if (strcmp(s, "HIGH") == 0)
		return "High";
	if (strcmp(s, "MEDIUM") == 0)
		return "Medium";
	if (strcmp(s, "LOW") == 0)
		return "Low";
	if (strcmp(s, "NEGLIGIBLE") == 0)
		return "Info";
	return "Unknown";
}

static void gl_tool(vigil_jsonw *w, const char *key)
{
	vigil_jsonw_key(w, key);
	vigil_jsonw_obj_begin(w);
	kv(w, "id", "vigil");
	kv(w, "name", "Vigil");
	kv(w, "version", VIGIL_VERSION);
	vigil_jsonw_key(w, "vendor");
	vigil_jsonw_obj_begin(w);
	kv(w, "name", "Vigil");
	vigil_jsonw_obj_end(w);
	vigil_jsonw_obj_end(w);
}

/* The identifier type GitLab expects: "cve", "ghsa", "osv"... from the id's prefix. */
static void gl_identifier(vigil_jsonw *w, const char *id)
{
	char type[16];
	size_t n = 0;
	for (const char *p = id; *p && *p != '-' && n + 1 < sizeof(type); p++)
		type[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	type[n] = '\0';
	vigil_jsonw_obj_begin(w);
	kv(w, "type", n && id[n] == '-' ? type : "vigil");
	kv(w, "name", id);
	kv(w, "value", id);
	if (strncmp(id, "CVE-", 4) == 0) {
		char url[256];
		snprintf(url, sizeof(url), "https://nvd.nist.gov/vuln/detail/%.200s", id);
		kv(w, "url", url);
	}
	vigil_jsonw_obj_end(w);
}

static void gl_time(char out[32])
{
	time_t t = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;
	if (sde && *sde)
		t = (time_t)strtoll(sde, NULL, 10);
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

static int by_location(const void *a, const void *b)
{
	const vigil_pkg *x = *(const vigil_pkg *const *)a, *y = *(const vigil_pkg *const *)b;
	return strcmp(x->location ? x->location : "", y->location ? y->location : "");
}

/* dependency_files: the language packages grouped by the file they were read from. */
static int gl_dependency_files(vigil_jsonw *w, const vigil_inventory *inv)
{
	size_t n = inv ? vigil_inventory_count(inv) : 0, k = 0;
	const vigil_pkg **v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const vigil_pkg *p = vigil_inventory_pkg(inv, i);
		if (!p->os_package && p->location && *p->location)
			v[k++] = p;
	}
	qsort(v, k, sizeof(*v), by_location);
	vigil_jsonw_key(w, "dependency_files");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		vigil_jsonw_obj_begin(w);
		kv(w, "path",
		   v[i]->location[0] == '/' && v[i]->location[1] ? v[i]->location + 1
								 : v[i]->location);
		kv(w, "package_manager",
		   v[i]->cataloger && *v[i]->cataloger ? v[i]->cataloger : v[i]->type);
		vigil_jsonw_key(w, "dependencies");
		vigil_jsonw_arr_begin(w);
		for (; j < k && strcmp(v[j]->location, v[i]->location) == 0; j++) {
			vigil_jsonw_obj_begin(w);
			vigil_jsonw_key(w, "package");
			vigil_jsonw_obj_begin(w);
			kv(w, "name", v[j]->name ? v[j]->name : "");
			vigil_jsonw_obj_end(w);
			kv(w, "version", v[j]->version ? v[j]->version : "");
			vigil_jsonw_obj_end(w);
		}
		vigil_jsonw_arr_end(w);
		vigil_jsonw_obj_end(w);
		i = j;
	}
	vigil_jsonw_arr_end(w);
	free(v);
	return 0;
}

/* Vulnerabilities only: GitLab's container and dependency reports hold packages. In the
 * dependency report, OS packages are left out (they belong to container scanning). */
static int gitlab(FILE *f, vigil_report *r, int dependency)
{
	const vigil_distro *d = r->inv ? vigil_inventory_distro(r->inv) : NULL;
	char os[256], now[32], fp[65];
	vigil_jsonw jw, *w = &jw;
	int error = 0;
	snprintf(os, sizeof(os), "%s %s", d && d->id ? d->id : "unknown",
		 d && d->version_id ? d->version_id : "");
	gl_time(now);
	vigil_jsonw_init(w, f, 4);
	vigil_jsonw_obj_begin(w);
	kv(w, "version", "15.0.7");
	vigil_jsonw_key(w, "scan");
	vigil_jsonw_obj_begin(w);
	gl_tool(w, "analyzer");
	gl_tool(w, "scanner");
	kv(w, "type", dependency ? "dependency_scanning" : "container_scanning");
	kv(w, "start_time", now);
	kv(w, "end_time", now);
	kv(w, "status", "success");
	vigil_jsonw_obj_end(w);
	vigil_jsonw_key(w, "vulnerabilities");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < r->entries.len && error == 0; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_vuln *v = e->detail;
		char name[512], sol[1024];
		if (e->kind != VIGIL_K_VULN || !e->shown || e->suppressed || !v->pkg)
			continue;
		if (dependency && v->pkg->os_package)
			continue;
		if ((error = vigil_report__fingerprint(fp, e)) < 0)
			break;
		vigil_jsonw_obj_begin(w);
		kv(w, "id", fp);
		snprintf(name, sizeof(name), "%.200s in %.200s", v->id, v->pkg->name);
		kv(w, "name", name);
		kv(w, "description", v->title ? v->title : name);
		kv(w, "severity", gl_severity(v->severity));
		if (v->fixed) {
			snprintf(sol, sizeof(sol), "Upgrade %.300s to %.300s", v->pkg->name,
				 v->fixed);
			kv(w, "solution", sol);
		}
		vigil_jsonw_key(w, "identifiers");
		vigil_jsonw_arr_begin(w);
		gl_identifier(w, v->id);
		for (const char *const *a = v->aliases; a && *a; a++)
			if (strcmp(*a, v->id) != 0)
				gl_identifier(w, *a);
		vigil_jsonw_arr_end(w);
		if (v->references && v->references[0]) {
			vigil_jsonw_key(w, "links");
			vigil_jsonw_arr_begin(w);
			for (const char *const *u = v->references; *u; u++) {
				vigil_jsonw_obj_begin(w);
				kv(w, "url", *u);
				vigil_jsonw_obj_end(w);
			}
			vigil_jsonw_arr_end(w);
		}
		vigil_jsonw_key(w, "location");
		vigil_jsonw_obj_begin(w);
		if (dependency)
			kv(w, "file",
			   v->pkg->location && v->pkg->location[0] == '/' ? v->pkg->location + 1
			   : v->pkg->location				  ? v->pkg->location
									  : "image");
		vigil_jsonw_key(w, "dependency");
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "package");
		vigil_jsonw_obj_begin(w);
		kv(w, "name", v->pkg->name);
		vigil_jsonw_obj_end(w);
		kv(w, "version", v->pkg->version ? v->pkg->version : "");
		vigil_jsonw_obj_end(w);
		if (!dependency) {
			kv(w, "operating_system", os);
			kv(w, "image", r->target);
		}
		vigil_jsonw_obj_end(w);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_key(w, "remediations");
	vigil_jsonw_arr_begin(w);
	vigil_jsonw_arr_end(w);
	if (dependency && error == 0)
		error = gl_dependency_files(w, r->inv);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_end(w);
	if (error < 0)
		return error;
	return ferror(f) ? VIGIL_EIO : 0;
}

int vigil_report__gitlab(FILE *f, vigil_report *r, int dependency)
{
	return gitlab(f, r, dependency);
}

/* ---- templates ---------------------------------------------------------------------- */

/*
 * The language (docs/ci.md): text with actions in {{ }}.
 *   {{.Field}} {{.Field | json}}        a value, optionally through a filter:
 *                                       json (a quoted JSON string), xml, upper, lower
 *   {{range .Findings}}...{{end}}       each finding that passes the gate;
 *                                       .Suppressed: each suppressed one
 *   {{if .Field}}...{{else}}...{{end}}  non-empty value
 * Top-level fields: Target, Total, Failing, Suppressed (count), Version, Distro.
 * Finding fields: Kind, ID, Severity, Title, Package, Version, Fixed, Status, Location,
 * Layer, Reason, Fingerprint. Unknown fields and unbalanced blocks are errors before
 * anything is written.
 */
enum { T_TEXT, T_FIELD, T_RANGE, T_IF };

typedef struct tnode {
	int type;
	const char *text; /* T_TEXT: the text; others: the field name */
	size_t len;
	const char *filter; /* T_FIELD: NULL or a filter name */
	int suppressed;	    /* T_RANGE over .Suppressed */
	struct tnode *body, *alt, *next;
	int line;
} tnode;

typedef struct tparser {
	const char *p, *end, *start;
	vigil_arena *arena;
	vigil_ctx *ctx;
	const char *path;
	int depth;
} tparser;

#define T_MAX_SIZE (1 << 20)
#define T_MAX_DEPTH 16

static const char *const TOP_FIELDS[] = {"Target",     "Total",	  "Failing",
					 "Suppressed", "Version", "Distro"};
static const char *const FINDING_FIELDS[] = {"Kind",	 "ID",	    "Severity", "Title",
					     "Package",	 "Version", "Fixed",	"Status",
					     "Location", "Layer",   "Reason",	"Fingerprint"};
static const char *const FILTERS[] = {"json", "xml", "upper", "lower"};

static int tline(const tparser *t, const char *at)
{
	int n = 1;
	for (const char *q = t->start; q < at; q++)
		n += *q == '\n';
	return n;
}

static int terr(tparser *t, const char *at, const char *msg, const char *what, size_t wlen)
{
	return vigil_error_set(t->ctx, VIGIL_EFORMAT, "%s:%d: %s%s%.*s", t->path, tline(t, at), msg,
			       wlen ? ": " : "", (int)(wlen > 60 ? 60 : wlen), what ? what : "");
}

static int in_list(const char *const *l, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(l[i]) == len && strncmp(l[i], s, len) == 0)
			return 1;
	return 0;
}

static void skip_sp(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Reads ".Name" at *p; returns its length (0 when there is none). */
static size_t field_name(const char **p, const char *end, const char **name)
{
	skip_sp(p, end);
	if (*p >= end || **p != '.')
		return 0;
	(*p)++;
	*name = *p;
	while (*p < end && ((**p >= 'A' && **p <= 'Z') || (**p >= 'a' && **p <= 'z')))
		(*p)++;
	return (size_t)(*p - *name);
}

static int tparse(tparser *t, tnode **out, int in_range, const char **stop);

/* Parses one action body [a, b) (without the braces). *kind: 0 node, 1 else, 2 end. */
static int taction(tparser *t, const char *a, const char *b, int in_range, tnode **out, int *kind)
{
	const char *p = a, *name = NULL;
	size_t n;
	tnode *nd;
	int error;
	skip_sp(&p, b);
	*out = NULL;
	*kind = 0;
	if (b - p >= 3 && strncmp(p, "end", 3) == 0) {
		*kind = 2;
		return 0;
	}
	if (b - p >= 4 && strncmp(p, "else", 4) == 0) {
		*kind = 1;
		return 0;
	}
	if (!(nd = vigil_arena_alloc(t->arena, sizeof(*nd))))
		return VIGIL_ENOMEM;
	nd->line = tline(t, a);
	if ((b - p >= 6 && strncmp(p, "range ", 6) == 0) ||
	    (b - p >= 3 && strncmp(p, "if ", 3) == 0)) {
		int range = p[0] == 'r';
		const char *stop = NULL;
		p += range ? 6 : 3;
		if (!(n = field_name(&p, b, &name)))
			return terr(t, a, "expected a .Field after range/if", NULL, 0);
		skip_sp(&p, b);
		if (p != b)
			return terr(t, a, "unexpected text in action", p, (size_t)(b - p));
		if (range) {
			if (in_range)
				return terr(t, a, "range cannot be nested", NULL, 0);
			if (!in_list((const char *const[]){"Findings", "Suppressed"}, 2, name, n))
				return terr(t, a, "range takes .Findings or .Suppressed", name, n);
			nd->type = T_RANGE;
			nd->suppressed = name[0] == 'S';
		} else {
			if (!(in_range ? in_list(FINDING_FIELDS, VIGIL_ARRAY_LEN(FINDING_FIELDS),
						 name, n)
				       : in_list(TOP_FIELDS, VIGIL_ARRAY_LEN(TOP_FIELDS), name, n)))
				return terr(t, a, "unknown field", name, n);
			nd->type = T_IF;
		}
		nd->text = name;
		nd->len = n;
		if (++t->depth > T_MAX_DEPTH)
			return terr(t, a, "blocks nested too deeply (at most 16)", NULL, 0);
		if ((error = tparse(t, &nd->body, in_range || range, &stop)) < 0)
			return error;
		if (!stop)
			return terr(t, a, "missing {{end}}", NULL, 0);
		if (stop[0] == 'e' && stop[1] == 'l') {
			if (range)
				return terr(t, stop, "{{else}} in a range", NULL, 0);
			if ((error = tparse(t, &nd->alt, in_range, &stop)) < 0)
				return error;
			if (!stop || stop[1] != 'n')
				return terr(t, a, "missing {{end}}", NULL, 0);
		}
		t->depth--;
		*out = nd;
		return 0;
	}
	if (!(n = field_name(&p, b, &name)))
		return terr(t, a, "expected .Field, range, if, else or end", a, (size_t)(b - a));
	if (!(in_range ? in_list(FINDING_FIELDS, VIGIL_ARRAY_LEN(FINDING_FIELDS), name, n)
		       : in_list(TOP_FIELDS, VIGIL_ARRAY_LEN(TOP_FIELDS), name, n)))
		return terr(t, a,
			    in_range ? "unknown finding field" : "unknown field (outside range)",
			    name, n);
	nd->type = T_FIELD;
	nd->text = name;
	nd->len = n;
	skip_sp(&p, b);
	if (p < b && *p == '|') {
		p++;
		skip_sp(&p, b);
		const char *fs = p;
		while (p < b && *p >= 'a' && *p <= 'z')
			p++;
		size_t k;
		for (k = 0; k < VIGIL_ARRAY_LEN(FILTERS); k++)
			if (strlen(FILTERS[k]) == (size_t)(p - fs) &&
			    strncmp(FILTERS[k], fs, (size_t)(p - fs)) == 0)
				break;
		if (k == VIGIL_ARRAY_LEN(FILTERS))
			return terr(t, a, "unknown filter (json, xml, upper, lower)", fs,
				    (size_t)(p - fs));
		nd->filter = FILTERS[k];
		skip_sp(&p, b);
	}
	if (p != b)
		return terr(t, a, "unexpected text in action", p, (size_t)(b - p));
	*out = nd;
	return 0;
}

/* Parses nodes until {{else}}/{{end}} (*stop points at its word) or the end (*stop NULL). */
static int tparse(tparser *t, tnode **out, int in_range, const char **stop)
{
	tnode **tail = out;
	*out = NULL;
	*stop = NULL;
	while (t->p < t->end) {
		const char *open = memmem(t->p, (size_t)(t->end - t->p), "{{", 2);
		const char *text_end = open ? open : t->end;
		if (text_end > t->p) {
			tnode *nd = vigil_arena_alloc(t->arena, sizeof(*nd));
			if (!nd)
				return VIGIL_ENOMEM;
			nd->type = T_TEXT;
			nd->text = t->p;
			nd->len = (size_t)(text_end - t->p);
			*tail = nd;
			tail = &nd->next;
		}
		if (!open) {
			t->p = t->end;
			break;
		}
		const char *close = memmem(open + 2, (size_t)(t->end - open - 2), "}}", 2);
		if (!close)
			return terr(t, open, "'{{' without '}}'", NULL, 0);
		t->p = close + 2;
		tnode *nd;
		int kind, error;
		if ((error = taction(t, open + 2, close, in_range, &nd, &kind)) < 0)
			return error;
		if (kind) {
			const char *w = open + 2;
			while (*w == ' ' || *w == '\t')
				w++;
			*stop = w;
			return 0;
		}
		*tail = nd;
		tail = &nd->next;
	}
	return 0;
}

typedef struct trun {
	FILE *f;
	vigil_report *r;
	const vigil_finding *e;
	size_t total, failing, suppressed;
} trun;

/* The value of a field as text in buf (or a borrowed string). */
static const char *tvalue(trun *x, const tnode *n, char *buf, size_t bn)
{
	const char *name = n->text;
	size_t len = n->len;
#define IS(s) (len == sizeof(s) - 1 && strncmp(name, s, len) == 0)
	const vigil_finding *e = x->e;
	buf[0] = '\0';
	if (!e) {
		const vigil_distro *d = x->r->inv ? vigil_inventory_distro(x->r->inv) : NULL;
		if (IS("Target"))
			return x->r->target;
		if (IS("Total"))
			snprintf(buf, bn, "%zu", x->total);
		else if (IS("Failing"))
			snprintf(buf, bn, "%zu", x->failing);
		else if (IS("Suppressed"))
			snprintf(buf, bn, "%zu", x->suppressed);
		else if (IS("Version"))
			return VIGIL_VERSION;
		else if (IS("Distro"))
			return d && d->pretty_name ? d->pretty_name : d && d->id ? d->id : "";
		return buf;
	}
	const vigil_vuln *v = e->kind == VIGIL_K_VULN ? e->detail : NULL;
	if (IS("Kind"))
		return VIGIL_KIND_NAMES[e->kind < VIGIL_K_COUNT ? e->kind : 0];
	if (IS("ID"))
		return e->id ? e->id : "";
	if (IS("Severity"))
		return e->severity ? e->severity : "UNKNOWN";
	if (IS("Title"))
		return e->title ? e->title : "";
	if (IS("Package"))
		return e->pkg && e->pkg->name ? e->pkg->name : "";
	if (IS("Version"))
		return e->pkg && e->pkg->version ? e->pkg->version : "";
	if (IS("Fixed"))
		return v && v->fixed ? v->fixed : "";
	if (IS("Status"))
		return v && v->status ? v->status : "";
	if (IS("Location"))
		return e->pkg && e->pkg->location ? e->pkg->location : e->path ? e->path : "";
	if (IS("Layer")) {
		if (e->layer >= 0)
			snprintf(buf, bn, "%d", e->layer);
		return buf;
	}
	if (IS("Reason"))
		return e->suppressed ? e->suppressed : "";
	if (IS("Fingerprint")) {
		if (bn >= 65 && vigil_report__fingerprint(buf, e) < 0)
			buf[0] = '\0';
		return buf;
	}
#undef IS
	return "";
}

static void tput(trun *x, const char *s, const char *filter)
{
	if (!filter) {
		fputs(s, x->f);
	} else if (strcmp(filter, "json") == 0) {
		vigil_jsonw w;
		vigil_jsonw_init(&w, x->f, 0);
		vigil_jsonw_str(&w, s);
		vigil_jsonw_end(&w);
	} else if (strcmp(filter, "xml") == 0) {
		vigil_xml_put(x->f, s);
	} else {
		int up = filter[0] == 'u';
		for (; *s; s++)
			fputc(up ? (*s >= 'a' && *s <= 'z' ? *s - 32 : *s)
				 : (*s >= 'A' && *s <= 'Z' ? *s + 32 : *s),
			      x->f);
	}
}

static void texec(trun *x, const tnode *n)
{
	char buf[128];
	for (; n; n = n->next) {
		switch (n->type) {
		case T_TEXT:
			fwrite(n->text, 1, n->len, x->f);
			break;
		case T_FIELD:
			tput(x, tvalue(x, n, buf, sizeof(buf)), n->filter);
			break;
		case T_IF:
			texec(x, *tvalue(x, n, buf, sizeof(buf)) ? n->body : n->alt);
			break;
		case T_RANGE:
			for (size_t i = 0; i < x->r->entries.len; i++) {
				const vigil_finding *e =
					&VIGIL_VEC_AT(&x->r->entries, vigil_finding, i);
				if (!e->shown || !e->suppressed != !n->suppressed)
					continue;
				x->e = e;
				texec(x, n->body);
			}
			x->e = NULL;
			break;
		}
	}
}

/* Reads at most `max` bytes of `path` into a NUL-terminated heap buffer. */
static int read_small(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f = vigil_fopen_regular(path);
	char *b;
	*out = NULL;
	if (!f)
		return VIGIL_EIO; /* errno says why */
	if (!(b = malloc(max + 1))) {
		fclose(f);
		return VIGIL_ENOMEM;
	}
	*len = fread(b, 1, max + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || *len > max) {
		free(b);
		return bad ? VIGIL_EIO : VIGIL_ELIMIT;
	}
	b[*len] = '\0';
	*out = b;
	return 0;
}

int vigil_report__template(FILE *f, vigil_report *r, const char *path)
{
	vigil_arena arena;
	tparser t;
	tnode *root = NULL;
	const char *stop = NULL;
	char *src = NULL;
	size_t len = 0;
	int error;
	if (!path)
		return vigil_error_set(r->ctx, VIGIL_EINVAL,
				       "--format template needs --template FILE");
	vigil_arena_init(&arena);
	if ((error = read_small(&src, &len, path, T_MAX_SIZE)) < 0) {
		vigil_arena_clear(&arena);
		return vigil_error_set(r->ctx, error, "cannot read the template %s: %s", path,
				       error == VIGIL_ELIMIT ? "larger than 1 MiB"
							     : vigil_open_strerror(errno));
	}
	memset(&t, 0, sizeof(t));
	t.p = t.start = src;
	t.end = src + len;
	t.arena = &arena;
	t.ctx = r->ctx;
	t.path = path;
	if ((error = tparse(&t, &root, 0, &stop)) == 0 && stop)
		error = terr(&t, stop, "{{else}} or {{end}} without a block", NULL, 0);
	if (error == 0) {
		trun x = {f, r, NULL, 0, 0, 0};
		for (size_t i = 0; i < r->entries.len; i++) {
			const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
			x.total++;
			x.failing += e->shown && !e->suppressed;
			x.suppressed += e->shown && e->suppressed != NULL;
		}
		texec(&x, root);
		if (ferror(f))
			error = VIGIL_EIO;
	} else if (error == VIGIL_ENOMEM) {
		vigil_error_set(r->ctx, error, "out of memory");
	}
	free(src);
	vigil_arena_clear(&arena);
	return error;
}
