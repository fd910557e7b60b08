/*
 * load.c - compiling the rule set: the built-in rules, custom rules from YAML, and
 * the check that every regex is accepted by both engines (Hyperscan for the detection
 * pass, PCRE2 for the confirmation) and bounded in length.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/yamlload.h"

#include "secret/secret_int.h"

#define MAX_RULES_FILE ((size_t)4 << 20)
#define MAX_RULES 10000
#define MAX_LIST 256
#define MAX_REGEX 4096

/* A rule before compilation: from the built-in table or from YAML. */
typedef struct spec {
	const char *id, *category, *title, *severity, *regex, *allow;
	int group, scope, check;
	double min_entropy;
	char **keywords, **paths, **exclude;
	const char *file; /* NULL for built-in rules */
	int line;
	int dead; /* replaced or disabled */
} spec;

/* Splits a space-separated list into a NULL-terminated array in the arena. */
static char **split_list(vigil_arena *a, const char *s, int lower)
{
	size_t n = 0, k = 0;
	char **out;
	if (!s || !*s)
		return NULL;
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		p += strcspn(p, " ");
	}
	if (!(out = vigil_arena_alloc(a, (n + 1) * sizeof(*out))))
		return NULL;
	for (const char *p = s; *p && k < n;) {
		size_t len;
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (!(out[k] = vigil_arena_strndup(a, p, len)))
			return NULL;
		if (lower)
			for (char *c = out[k]; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		k++;
		p += len;
	}
	return out;
}

static const char *where(vigil_arena *a, const spec *s)
{
	if (!s->file)
		return vigil_arena_printf(a, "built-in rule '%s'", s->id);
	return vigil_arena_printf(a, "%s:%d: rule '%s'", s->file, s->line, s->id ? s->id : "?");
}

/* The PCRE2 syntax Hyperscan does not accept, and unbounded repeats, found by a light
 * walk of the regex (classes and escapes skipped), so that a rule file is judged the
 * same with or without Hyperscan. Returns NULL, or why the regex is refused. */
static const char *not_portable(const char *re)
{
	int in_class = 0;
	for (const char *p = re; *p; p++) {
		if (*p == '\\') {
			char e = p[1];
			if (!e)
				return NULL;
			if (!in_class && ((e >= '1' && e <= '9') || e == 'g' || e == 'k' ||
					  e == 'K' || e == 'G'))
				return "back-references, \\K and \\G are not supported";
			p++;
			continue;
		}
		if (in_class) {
			if (*p == ']')
				in_class = 0;
			continue;
		}
		if (*p == '[') {
			in_class = 1;
			if (p[1] == '^')
				p++;
			if (p[1] == ']') /* a literal ] first in the class */
				p++;
			continue;
		}
		if (p[0] == '(' && p[1] == '?') {
			if (p[2] == '=' || p[2] == '!' ||
			    (p[2] == '<' && (p[3] == '=' || p[3] == '!')))
				return "look-around assertions are not supported";
			if (p[2] == '>' || p[2] == '(' || p[2] == 'R' || p[2] == '&' ||
			    (p[2] >= '0' && p[2] <= '9') || (p[2] == 'P' && p[3] == '>'))
				return "atomic groups, conditionals and recursion are not "
				       "supported";
		}
		if (*p == '*' || *p == '+')
			return "unbounded repeat";
		if (*p == '{') {
			const char *q = p + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q > p + 1 && q[0] == ',' && q[1] == '}')
				return "unbounded repeat";
		}
	}
	return NULL;
}

/* Compiles one rule: PCRE2 (with JIT), its Hyperscan syntax and width, its lists. */
static int compile_rule(vigil_secret__rule *r, vigil_secret_rules *rules, vigil_ctx *ctx,
			const spec *s)
{
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t captures = 0;
	vigil_arena *a = &rules->arena;
	const char *why;

	memset(r, 0, sizeof(*r));
	r->id = s->id;
	r->category = s->category;
	r->title = s->title;
	r->severity = s->severity;
	r->regex = s->regex;
	r->group = s->group;
	r->scope = s->scope;
	r->check = s->check;
	r->min_entropy = s->min_entropy;
	/* an empty list is no list */
	r->keywords = s->keywords && s->keywords[0] ? s->keywords : NULL;
	r->paths = s->paths && s->paths[0] ? s->paths : NULL;
	r->exclude = s->exclude && s->exclude[0] ? s->exclude : NULL;
	r->maxw = VIGIL_SECRET_MAXW;
	if (strlen(s->regex) > MAX_REGEX)
		return vigil_error_set(ctx, VIGIL_EFORMAT, "%s: regex longer than %d bytes",
				       where(a, s), MAX_REGEX);
	if ((why = not_portable(s->regex)) != NULL) {
		if (!strcmp(why, "unbounded repeat"))
			return vigil_error_set(ctx, VIGIL_EFORMAT,
					       "%s: regex must match between 1 and %d bytes (use "
					       "bounded repeats such as {8,64} instead of + or *)",
					       where(a, s), VIGIL_SECRET_MAXW);
		return vigil_error_set(ctx, VIGIL_EFORMAT,
				       "%s: regex is not accepted by Hyperscan: %s", where(a, s),
				       why);
	}
	r->re = pcre2_compile((PCRE2_SPTR)s->regex, PCRE2_ZERO_TERMINATED,
			      PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C, &errcode, &erroff, NULL);
	if (!r->re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return vigil_error_set(ctx, VIGIL_EFORMAT,
				       "%s: regex does not compile in PCRE2 at offset %zu: %s",
				       where(a, s), (size_t)erroff, (const char *)msg);
	}
	pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &captures);
	if (s->group < 0) /* not given: the first capture group, else the whole match */
		r->group = captures > 0 ? 1 : 0;
	else if ((uint32_t)s->group > captures)
		return vigil_error_set(ctx, VIGIL_EFORMAT,
				       "%s: secret_group %d but the regex has %u capture groups",
				       where(a, s), s->group, captures);
	if (s->allow) {
		r->allow = pcre2_compile((PCRE2_SPTR)s->allow, PCRE2_ZERO_TERMINATED,
					 PCRE2_NEVER_BACKSLASH_C, &errcode, &erroff, NULL);
		if (!r->allow) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(errcode, msg, sizeof(msg));
			return vigil_error_set(
				ctx, VIGIL_EFORMAT,
				"%s: allowlist regex does not compile at offset %zu: %s",
				where(a, s), (size_t)erroff, (const char *)msg);
		}
		pcre2_jit_compile(r->allow, PCRE2_JIT_COMPLETE);
	}
	if (r->paths || r->exclude)
		rules->has_path_rules = 1;
	return 0;
}

#ifdef VIGIL_HAVE_HYPERSCAN
/* Hyperscan's side of a rule: its syntax is accepted and its width is bounded; sets
 * the rule's maximum width. */
static int check_hs(vigil_secret__rule *r, vigil_secret_rules *rules, vigil_ctx *ctx, const spec *s)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *err = NULL;
	vigil_arena *a = &rules->arena;
	if (hs_expression_info(s->regex, HS_FLAG_MULTILINE, &info, &err) != HS_SUCCESS) {
		int e = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: regex is not accepted by Hyperscan: %s", where(a, s),
					err ? err->message : "?");
		hs_free_compile_error(err);
		return e;
	}
	if (info->max_width > VIGIL_SECRET_MAXW || info->min_width == 0) {
		int e = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: regex must match between 1 and %d bytes (use bounded "
					"repeats such as {8,64} instead of + or *)",
					where(a, s), VIGIL_SECRET_MAXW);
		free(info);
		return e;
	}
	r->maxw = info->max_width;
	free(info);
	return 0;
}
#endif

/* Adds the built-in rules as specs. */
static int add_builtin(vigil_vec *specs, vigil_arena *a, int generic)
{
	for (size_t i = 0; i < vigil_secret__builtin_count; i++) {
		const vigil_secret__def *d = &vigil_secret__builtin[i];
		spec *s;
		if (d->generic && !generic)
			continue;
		if (!(s = vigil_vec_push(specs)))
			return VIGIL_ENOMEM;
		s->id = d->id;
		s->category = d->category;
		s->title = d->title;
		s->severity = d->severity;
		s->regex = d->regex;
		s->allow = d->allow;
		s->group = d->group;
		s->scope = d->scope;
		s->check = d->check;
		s->min_entropy = d->min_entropy;
		if ((d->keywords && !(s->keywords = split_list(a, d->keywords, 1))) ||
		    (d->paths && !(s->paths = split_list(a, d->paths, 0))))
			return VIGIL_ENOMEM;
	}
	return 0;
}

/* ---- YAML ---- */

typedef struct yctx {
	yaml_document_t *doc;
	vigil_arena *a;
	vigil_ctx *ctx;
	const char *name;
} yctx;

static int yline(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

static int yerr(yctx *y, const yaml_node_t *n, const char *what)
{
	return vigil_error_set(y->ctx, VIGIL_EFORMAT, "%s:%d: %s", y->name, yline(n), what);
}

/* The scalar's text copied into the arena, or NULL (error set) when not a clean scalar. */
static const char *yscalar(yctx *y, yaml_node_t *n, int *error)
{
	const char *s;
	if (!n || n->type != YAML_SCALAR_NODE) {
		*error = yerr(y, n, "expected a string");
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		*error = yerr(y, n, "NUL byte in a string");
		return NULL;
	}
	if (!(s = vigil_arena_strndup(y->a, s, n->data.scalar.length)))
		*error = VIGIL_ENOMEM;
	return s;
}

/* A scalar or a sequence of scalars, as a NULL-terminated array. */
static char **ylist(yctx *y, yaml_node_t *n, int lower, int *error)
{
	char **out;
	size_t k = 0, count;
	if (n && n->type == YAML_SCALAR_NODE) {
		if (!(out = vigil_arena_alloc(y->a, 2 * sizeof(*out))) ||
		    !(out[0] = (char *)yscalar(y, n, error))) {
			if (!*error)
				*error = VIGIL_ENOMEM;
			return NULL;
		}
		k = 1;
	} else if (n && n->type == YAML_SEQUENCE_NODE) {
		count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		if (count > MAX_LIST) {
			*error = yerr(y, n, "list longer than 256 items");
			return NULL;
		}
		if (!(out = vigil_arena_alloc(y->a, (count + 1) * sizeof(*out)))) {
			*error = VIGIL_ENOMEM;
			return NULL;
		}
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			const char *s = yscalar(y, yaml_document_get_node(y->doc, *it), error);
			if (!s)
				return NULL;
			out[k++] = (char *)s;
		}
	} else {
		*error = yerr(y, n, "expected a string or a list of strings");
		return NULL;
	}
	if (lower)
		for (size_t i = 0; i < k; i++)
			for (char *c = out[i]; *c; c++)
				*c = (char)tolower((unsigned char)*c);
	out[k] = NULL;
	return out;
}

static int valid_id(const char *id)
{
	if (!*id || strlen(id) > 100)
		return 0;
	for (const char *c = id; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
			return 0;
	return 1;
}

static int parse_number(double *out, const char *s, double lo, double hi)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

/* One rule mapping into a spec. */
static int parse_rule(yctx *y, yaml_node_t *m, spec *s)
{
	int error = 0;
	const char *severity = "MEDIUM";
	s->scope = VIGIL_SECRET_SCOPE_ANY;
	s->file = y->name;
	s->line = yline(m);
	s->group = -1;
	if (m->type != YAML_MAPPING_NODE)
		return yerr(y, m, "a rule must be a mapping");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key =
			k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		const char *str;
		if (!strcmp(key, "keywords")) {
			if (!(s->keywords = ylist(y, v, 1, &error)))
				return error;
		} else if (!strcmp(key, "paths")) {
			if (!(s->paths = ylist(y, v, 0, &error)))
				return error;
		} else if (!strcmp(key, "exclude_paths")) {
			if (!(s->exclude = ylist(y, v, 0, &error)))
				return error;
		} else if (!strcmp(key, "allowlist")) {
			char **l = ylist(y, v, 0, &error);
			vigil_buf b = VIGIL_BUF_INIT;
			if (!l)
				return error;
			for (size_t i = 0; l[i]; i++)
				if (vigil_buf_printf(&b, "%s(?:%s)", i ? "|" : "", l[i]) < 0 ||
				    (b.len > MAX_REGEX &&
				     (error = yerr(y, v, "allowlist too long"))))
					break;
			if (!error && l[0] && vigil_buf_cstr(&b) == 0)
				s->allow = vigil_arena_strdup(y->a, (const char *)b.data);
			vigil_buf_free(&b);
			if (error)
				return error;
		} else {
			if (!(str = yscalar(y, v, &error)))
				return error;
			if (!strcmp(key, "id"))
				s->id = str;
			else if (!strcmp(key, "category"))
				s->category = str;
			else if (!strcmp(key, "title"))
				s->title = str;
			else if (!strcmp(key, "severity"))
				severity = str;
			else if (!strcmp(key, "regex"))
				s->regex = str;
			else if (!strcmp(key, "secret_group")) {
				double g;
				if (parse_number(&g, str, 0, 9) < 0 || g != floor(g))
					return yerr(y, v, "secret_group must be an integer 0-9");
				s->group = (int)g;
			} else if (!strcmp(key, "min_entropy")) {
				if (parse_number(&s->min_entropy, str, 0, 8) < 0)
					return yerr(y, v, "min_entropy must be a number 0-8");
			} else if (!strcmp(key, "scope")) {
				if (!strcmp(str, "any"))
					s->scope = VIGIL_SECRET_SCOPE_ANY;
				else if (!strcmp(str, "file"))
					s->scope = VIGIL_SECRET_SCOPE_FILE;
				else if (!strcmp(str, "config"))
					s->scope = VIGIL_SECRET_SCOPE_CONFIG;
				else
					return yerr(y, v, "scope must be any, file or config");
			} else {
				return vigil_error_set(y->ctx, VIGIL_EFORMAT,
						       "%s:%d: unknown key '%s' in a rule", y->name,
						       yline(k), key);
			}
		}
	}
	if (!s->id)
		return yerr(y, m, "rule without an id");
	if (!valid_id(s->id))
		return yerr(y, m, "rule id must be letters, digits, '-', '_' or '.'");
	if (!s->regex)
		return vigil_error_set(y->ctx, VIGIL_EFORMAT, "%s:%d: rule '%s' has no regex",
				       y->name, s->line, s->id);
	if (strcmp(severity, "CRITICAL") && strcmp(severity, "HIGH") &&
	    strcmp(severity, "MEDIUM") && strcmp(severity, "LOW"))
		return vigil_error_set(y->ctx, VIGIL_EFORMAT,
				       "%s:%d: rule '%s': severity must be CRITICAL, HIGH, MEDIUM "
				       "or LOW",
				       y->name, s->line, s->id);
	s->severity = severity;
	if (!s->category)
		s->category = "Custom";
	if (!s->title)
		s->title = s->id;
	return 0;
}

/* Marks the specs with this id dead. */
static void kill_id(vigil_vec *specs, const char *id)
{
	for (size_t i = 0; i < specs->len; i++) {
		spec *s = &VIGIL_VEC_AT(specs, spec, i);
		if (!s->dead && !strcmp(s->id, id))
			s->dead = 1;
	}
}

int vigil_secret__load_yaml(vigil_secret_rules *rules, vigil_vec *specs, vigil_ctx *ctx,
			    const char *name, const uint8_t *data, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yctx y = {&doc, &rules->arena, ctx, name};
	int error = 0, have_doc = 0;

	if (len > MAX_RULES_FILE)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "%s: rules file larger than 4 MB", name);
	{
		char why[128];
		int line;
		if ((error = vigil_yaml__preflight((const char *)data, len, 1, why, sizeof(why),
						   &line)) < 0)
			return error == VIGIL_ELIMIT
				       ? vigil_error_set(ctx, error, "%s:%d: %s", name, line, why)
				       : error;
	}
	if (!yaml_parser_initialize(&parser))
		return VIGIL_ENOMEM;
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "%s:%d: invalid YAML: %s", name,
					(int)parser.problem_mark.line + 1,
					parser.problem ? parser.problem : "?");
		goto done;
	}
	have_doc = 1;
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		error = yerr(&y, root, "expected a mapping with a 'rules' list");
		goto done;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top && !error; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		const char *key =
			k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		if (!strcmp(key, "rules")) {
			if (!v || v->type != YAML_SEQUENCE_NODE) {
				error = yerr(&y, v, "'rules' must be a list");
				break;
			}
			if (v->data.sequence.items.top - v->data.sequence.items.start > MAX_RULES) {
				error = yerr(&y, v, "more than 10000 rules");
				break;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top && !error; it++) {
				spec tmp = {0};
				spec *s;
				yaml_node_t *m = yaml_document_get_node(&doc, *it);
				if (!m) {
					error = yerr(&y, v, "bad rule");
					break;
				}
				if ((error = parse_rule(&y, m, &tmp)) < 0)
					break;
				kill_id(specs, tmp.id);
				if (!(s = vigil_vec_push(specs))) {
					error = VIGIL_ENOMEM;
					break;
				}
				*s = tmp;
			}
		} else if (!strcmp(key, "disable")) {
			char **ids = ylist(&y, v, 0, &error);
			for (size_t i = 0; ids && ids[i]; i++)
				kill_id(specs, ids[i]);
		} else {
			error = vigil_error_set(ctx, VIGIL_EFORMAT,
						"%s:%d: unknown key '%s' (expected rules, disable)",
						name, yline(k), key);
		}
	}
done:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return error;
}

/* Reads a whole (small) file. */
static int read_file(vigil_buf *b, vigil_ctx *ctx, const char *path)
{
	FILE *f = vigil_fopen_regular(path);
	int error;
	if (!f)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO, "%s: %s",
				       path, vigil_open_strerror(errno));
	b->limit = MAX_RULES_FILE + 1;
	error = vigil_buf_fread_all(b, f);
	fclose(f);
	if (error == VIGIL_EIO)
		return vigil_error_set(ctx, error, "%s: read error", path);
	if (error == VIGIL_ELIMIT)
		return vigil_error_set(ctx, error, "%s: rules file larger than 4 MB", path);
	return error;
}

#ifdef VIGIL_HAVE_HYPERSCAN
/* ---- the compiled database, kept between runs ---- */

/* The cache file for this rule set: keyed by the Hyperscan version and every rule's id
 * and regex, in order, so any change to the rules or the library compiles afresh.
 * Returns 0 and fills `path`, or -1 when there is no cache directory. */
static int cache_path(char *path, size_t cap, const vigil_secret_rules *rules, const char *dir)
{
	vigil_sha256 *h = NULL;
	char digest[72], base[1024];
	const char *home;
	if (dir && !*dir)
		return -1;
	if (!dir) {
		const char *xdg = getenv("XDG_CACHE_HOME");
		if (xdg && *xdg)
			snprintf(base, sizeof(base), "%s/vigil", xdg);
		else if ((home = getenv("HOME")) && *home)
			snprintf(base, sizeof(base), "%s/.cache/vigil", home);
		else
			return -1;
		dir = base;
	}
	if (vigil_sha256_new(&h) < 0)
		return -1;
	vigil_sha256_update(h, hs_version(), strlen(hs_version()) + 1);
	for (size_t i = 0; i < rules->count; i++) {
		const vigil_secret__rule *r = &rules->rules[i];
		vigil_sha256_update(h, r->id, strlen(r->id) + 1);
		vigil_sha256_update(h, r->regex, strlen(r->regex) + 1);
		vigil_sha256_update(h, r->scope == VIGIL_SECRET_SCOPE_CONFIG ? "c" : "f", 1);
	}
	vigil_sha256_final(h, digest);
	vigil_sha256_free(h);
	if ((size_t)snprintf(path, cap, "%s/secret-rules-%.16s.hsdb", dir, digest + 7) >= cap)
		return -1;
	return 0;
}

/* The cache file: the serialized database, then each rule's maximum width (uint32,
 * host order), the rule count (uint32) and "VSR1". */
#define CACHE_MAGIC "VSR1"

/* Loads a cached database and the rules' widths; 0 on success. Anything wrong
 * (missing, truncated, another platform or rule count) just means compiling again. */
static int cache_load(hs_database_t **out, vigil_secret_rules *rules, const char *path)
{
	vigil_buf b = VIGIL_BUF_INIT;
	size_t trailer = (rules->count + 1) * 4 + 4;
	uint32_t count;
	int ok = 0;
	FILE *f = vigil_fopen_regular(path);
	*out = NULL;
	if (!f)
		return -1;
	b.limit = (size_t)256 << 20;
	ok = vigil_buf_fread_all(&b, f) == 0 && b.len > trailer &&
	     memcmp(b.data + b.len - 4, CACHE_MAGIC, 4) == 0;
	if (ok) {
		memcpy(&count, b.data + b.len - 8, 4);
		ok = count == rules->count &&
		     hs_deserialize_database((const char *)b.data, b.len - trailer, out) ==
			     HS_SUCCESS;
	}
	for (size_t i = 0; ok && i < rules->count; i++) {
		uint32_t w;
		memcpy(&w, b.data + b.len - trailer + 4 * i, 4);
		ok = w >= 1 && w <= VIGIL_SECRET_MAXW;
		rules->rules[i].maxw = w;
	}
	if (!ok && *out) {
		hs_free_database(*out);
		*out = NULL;
	}
	fclose(f);
	vigil_buf_free(&b);
	return ok ? 0 : -1;
}

/* Writes the database next to its final name and renames it into place; failures are
 * ignored (the cache is an optimisation). */
static void cache_store(const hs_database_t *db, const vigil_secret_rules *rules, const char *path)
{
	uint32_t count = (uint32_t)rules->count;
	char *bytes = NULL, tmp[1300], dir[1300];
	size_t len = 0;
	FILE *f;
	char *slash;
	if (strlen(path) >= 1200 || hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return;
	snprintf(dir, sizeof(dir), "%.1200s", path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		/* the parent of the cache directory (~/.cache) may not exist yet either */
		char *up = strrchr(dir, '/');
		if (up && up != dir) {
			*up = '\0';
			mkdir(dir, 0755);
			*up = '/';
		}
		mkdir(dir, 0755);
	}
	snprintf(tmp, sizeof(tmp), "%.1200s.%ld.tmp", path, (long)getpid());
	if ((f = fopen(tmp, "wb")) != NULL) {
		int ok = fwrite(bytes, 1, len, f) == len;
		for (size_t i = 0; i < rules->count; i++) {
			uint32_t w = rules->rules[i].maxw;
			ok &= fwrite(&w, 4, 1, f) == 1;
		}
		ok &= fwrite(&count, 4, 1, f) == 1;
		ok &= fwrite(CACHE_MAGIC, 1, 4, f) == 4;
		ok &= fclose(f) == 0;
		if (!ok || rename(tmp, path) != 0)
			unlink(tmp);
	}
	free(bytes);
}
#endif

#ifdef VIGIL_HAVE_HYPERSCAN
/* The Hyperscan database of every rule but the config-only ones (those run on the
 * short config strings with PCRE2 alone); *out stays NULL when there is none. Ids are
 * rule indexes. */
static int compile_db(hs_database_t **out, vigil_secret_rules *rules, vigil_ctx *ctx)
{
	size_t n = rules->count, k = 0;
	const char **exprs = calloc(n, sizeof(*exprs));
	unsigned *flags = calloc(n, sizeof(*flags)), *ids = calloc(n, sizeof(*ids));
	hs_compile_error_t *err = NULL;
	int error = 0;
	*out = NULL;
	if (!exprs || !flags || !ids)
		error = VIGIL_ENOMEM;
	for (size_t i = 0; i < n && !error; i++) {
		const vigil_secret__rule *r = &rules->rules[i];
		if (r->scope == VIGIL_SECRET_SCOPE_CONFIG)
			continue;
		exprs[k] = r->regex;
		flags[k] = HS_FLAG_MULTILINE;
		ids[k++] = (unsigned)i;
	}
	if (!error && k > 0 &&
	    hs_compile_multi(exprs, flags, ids, (unsigned)k, HS_MODE_BLOCK, NULL, out, &err) !=
		    HS_SUCCESS) {
		int at = err ? err->expression : -1;
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT, "secret rules: Hyperscan cannot compile %s%s: %s",
			at >= 0 ? "rule " : "the rule set", at >= 0 ? rules->rules[ids[at]].id : "",
			err ? err->message : "?");
		hs_free_compile_error(err);
		*out = NULL;
	}
	free(exprs);
	free(flags);
	free(ids);
	return error;
}
#endif

/* Builds the rule set from the specs that are alive. */
static int compile_all(vigil_secret_rules *rules, vigil_ctx *ctx, vigil_vec *specs,
		       const char *cache_dir)
{
	size_t n = 0, k = 0;
	const spec **from = NULL;
	int error = 0;
#ifndef VIGIL_HAVE_HYPERSCAN
	(void)cache_dir;
#endif
	for (size_t i = 0; i < specs->len; i++)
		n += !VIGIL_VEC_AT(specs, spec, i).dead;
	if (n == 0)
		return vigil_error_set(ctx, VIGIL_EINVAL, "no secret rules to run");
	if (!(rules->rules = calloc(n, sizeof(*rules->rules))) ||
	    !(from = calloc(n, sizeof(*from))))
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < specs->len && !error; i++) {
		const spec *s = &VIGIL_VEC_AT(specs, spec, i);
		if (s->dead)
			continue;
		from[k] = s;
		rules->count = k + 1;
		error = compile_rule(&rules->rules[k++], rules, ctx, s);
	}
	if (!error && (!(rules->file_on = calloc(rules->count, 1)) ||
		       !(rules->globbed = calloc(rules->count, sizeof(*rules->globbed)))))
		error = VIGIL_ENOMEM;
	for (size_t i = 0; i < rules->count && !error; i++) {
		const vigil_secret__rule *r = &rules->rules[i];
		rules->file_on[i] = r->scope != VIGIL_SECRET_SCOPE_CONFIG;
		if (r->scope != VIGIL_SECRET_SCOPE_CONFIG && (r->paths || r->exclude))
			rules->globbed[rules->nglobbed++] = i;
	}
#ifdef VIGIL_HAVE_HYPERSCAN
	if (!error) {
		/* a cached database of the same rules was checked when it was written */
		char path[1200];
		int cached = cache_path(path, sizeof(path), rules, cache_dir) == 0;
		if (!cached || cache_load(&rules->db, rules, path) < 0) {
			for (size_t i = 0; i < rules->count && !error; i++)
				error = check_hs(&rules->rules[i], rules, ctx, from[i]);
			if (!error)
				error = compile_db(&rules->db, rules, ctx);
			if (!error && cached && rules->db)
				cache_store(rules->db, rules, path);
		}
	}
	if (!error && rules->db && hs_alloc_scratch(rules->db, &rules->scratch) != HS_SUCCESS)
		error = vigil_error_set(ctx, VIGIL_ENOMEM, "out of memory for Hyperscan scratch");
#endif
	free(from);
	return error;
}

static int load(vigil_secret_rules **out, vigil_ctx *ctx, const vigil_secret_opts *opts,
		const char *name, const uint8_t *yaml, size_t yaml_len)
{
	vigil_secret_rules *rules;
	vigil_vec specs = VIGIL_VEC_INIT(spec);
	vigil_secret_opts defaults = VIGIL_SECRET_OPTS_INIT;
	vigil_buf file = VIGIL_BUF_INIT;
	int error = 0;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->replace_builtin && !name)
		return vigil_error_set(ctx, VIGIL_EINVAL,
				       "replacing the built-in secret rules needs a rules file");
	if (!(rules = calloc(1, sizeof(*rules))))
		return VIGIL_ENOMEM;
	vigil_arena_init(&rules->arena);
	rules->scan_binaries = opts->scan_binaries;
	if (!opts->replace_builtin &&
	    (error = add_builtin(&specs, &rules->arena, opts->enable_generic)) < 0)
		goto done;
	if (name && !yaml) {
		if ((error = read_file(&file, ctx, name)) < 0)
			goto done;
		yaml = file.data;
		yaml_len = file.len;
	}
	if (name &&
	    (error = vigil_secret__load_yaml(rules, &specs, ctx, name,
					     yaml ? yaml : (const uint8_t *)"", yaml_len)) < 0)
		goto done;
	if ((error = compile_all(rules, ctx, &specs, opts->cache_dir)) < 0)
		goto done;
	*out = rules;
	rules = NULL;
done:
	vigil_vec_free(&specs);
	vigil_buf_free(&file);
	vigil_secret_rules_free(rules);
	return error;
}

int vigil_secret_rules_load(vigil_secret_rules **out, vigil_ctx *ctx, const vigil_secret_opts *opts)
{
	return load(out, ctx, opts, opts ? opts->rules_file : NULL, NULL, 0);
}

int vigil_secret__rules_load_buffer(vigil_secret_rules **out, vigil_ctx *ctx,
				    const vigil_secret_opts *opts, const uint8_t *yaml,
				    size_t yaml_len)
{
	return load(out, ctx, opts, "<buffer>", yaml ? yaml : (const uint8_t *)"", yaml_len);
}

void vigil_secret_rules_free(vigil_secret_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->count; i++) {
		pcre2_code_free(rules->rules[i].re);
		pcre2_code_free(rules->rules[i].allow);
	}
	free(rules->rules);
	free(rules->file_on);
	free(rules->globbed);
#ifdef VIGIL_HAVE_HYPERSCAN
	hs_free_scratch(rules->scratch);
	hs_free_database(rules->db);
#endif
	vigil_arena_clear(&rules->arena);
	free(rules);
}

size_t vigil_secret_rules_count(const vigil_secret_rules *rules)
{
	return rules ? rules->count : 0;
}

const char *vigil_secret_rules_engine(const vigil_secret_rules *rules)
{
	(void)rules;
#ifdef VIGIL_HAVE_HYPERSCAN
	return "hyperscan";
#else
	return "pcre2";
#endif
}
