/*
 * policy.c - the policy file (YAML, through libyaml's document API) and OpenVEX
 * documents (JSON, through jansson): ignore rules with reasons and expiry dates, VEX
 * statements that suppress findings of the products they name, and check settings.
 */
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "config/yamlload.h"

#include "policy/policy.h"

#define MAX_POLICY_SIZE (4u << 20)

typedef struct rule {
	const char *id, *package, *path, *layer, *fingerprint, *reason, *expires;
	const char *suppress; /* "policy: <reason>" */
	int line;
} rule;

typedef struct vexst {
	const char *id;
	const char *const *aliases;
	const char *const *products; /* purls; empty = every product */
	const char *suppress;	     /* "vex: not_affected (justification)" */
} vexst;

struct vigil_policy {
	vigil_ctx *ctx;
	vigil_arena arena;
	vigil_vec rules;		/* rule */
	vigil_vec vex;			/* vexst */
	vigil_vec skip, ov_ids, ov_sev; /* const char *, NULL-terminated on use */
	vigil_config_opts copts;
	vigil_vec tkeys, tregs, trepos; /* const char *, NULL-terminated on use */
	vigil_trust_policy trust;
	char today[16];
	const char *source; /* file name for messages */
};

int vigil_policy_new(vigil_policy **out, vigil_ctx *ctx, const char *today)
{
	vigil_policy *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p)
		return VIGIL_ENOMEM;
	p->ctx = ctx;
	vigil_arena_init(&p->arena);
	p->rules = (vigil_vec)VIGIL_VEC_INIT(rule);
	p->vex = (vigil_vec)VIGIL_VEC_INIT(vexst);
	p->skip = (vigil_vec)VIGIL_VEC_INIT(const char *);
	p->ov_ids = (vigil_vec)VIGIL_VEC_INIT(const char *);
	p->ov_sev = (vigil_vec)VIGIL_VEC_INIT(const char *);
	p->tkeys = (vigil_vec)VIGIL_VEC_INIT(const char *);
	p->tregs = (vigil_vec)VIGIL_VEC_INIT(const char *);
	p->trepos = (vigil_vec)VIGIL_VEC_INIT(const char *);
	if (today) {
		snprintf(p->today, sizeof(p->today), "%s", today);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(p->today, sizeof(p->today), "%Y-%m-%d", &tm);
	}
	*out = p;
	return 0;
}

void vigil_policy_free(vigil_policy *p)
{
	if (!p)
		return;
	vigil_vec_free(&p->rules);
	vigil_vec_free(&p->vex);
	vigil_vec_free(&p->skip);
	vigil_vec_free(&p->ov_ids);
	vigil_vec_free(&p->ov_sev);
	vigil_vec_free(&p->tkeys);
	vigil_vec_free(&p->tregs);
	vigil_vec_free(&p->trepos);
	vigil_arena_clear(&p->arena);
	free(p);
}

/* ---- reading a whole file, bounded ---- */

static int slurp(vigil_ctx *ctx, const char *path, vigil_buf *b, const char *what)
{
	FILE *f = vigil_fopen_regular(path);
	int error;
	b->limit = MAX_POLICY_SIZE;
	if (!f)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "%s %s: cannot open it: %s", what, path,
				       vigil_open_strerror(errno));
	error = vigil_buf_fread_all(b, f);
	fclose(f);
	if (error == VIGIL_ELIMIT)
		return vigil_error_set(ctx, error, "%s %s: larger than %u MiB", what, path,
				       MAX_POLICY_SIZE >> 20);
	if (error == VIGIL_EIO)
		return vigil_error_set(ctx, error, "%s %s: read error", what, path);
	if (error < 0)
		return error;
	return vigil_buf_cstr(b) < 0 ? VIGIL_ENOMEM : 0;
}

/* ---- YAML helpers ---- */

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int bad(vigil_policy *p, yaml_node_t *n, const char *what)
{
	return vigil_error_set(p->ctx, VIGIL_EFORMAT, "policy %s:%lu: %s", p->source,
			       n ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

static const char *dup(vigil_policy *p, const char *s)
{
	return s ? vigil_arena_strdup(&p->arena, s) : NULL;
}

static int valid_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int load_rule(vigil_policy *p, yaml_document_t *d, yaml_node_t *n)
{
	static const char *const KEYS[] = {"id",	  "package", "path",	"layer",
					   "fingerprint", "reason",  "expires", NULL};
	rule *r;
	if (n->type != YAML_MAPPING_NODE)
		return bad(p, n, "an ignore entry must be a mapping (id:, reason:, ...)");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		const char *k = scalar(yaml_document_get_node(d, pr->key));
		int known = 0;
		for (size_t i = 0; KEYS[i] && k; i++)
			known |= strcmp(KEYS[i], k) == 0;
		if (!known)
			return bad(p, yaml_document_get_node(d, pr->key),
				   "unknown key in an ignore entry (id, package, path, layer, "
				   "fingerprint, reason, expires)");
		if (!scalar(yaml_document_get_node(d, pr->value)))
			return bad(p, yaml_document_get_node(d, pr->value),
				   "ignore entry values must be plain strings");
	}
	if (!(r = vigil_vec_push(&p->rules)))
		return VIGIL_ENOMEM;
	r->line = (int)n->start_mark.line + 1;
	r->id = dup(p, scalar(map_get(d, n, "id")));
	r->package = dup(p, scalar(map_get(d, n, "package")));
	r->path = dup(p, scalar(map_get(d, n, "path")));
	r->layer = dup(p, scalar(map_get(d, n, "layer")));
	r->fingerprint = dup(p, scalar(map_get(d, n, "fingerprint")));
	r->reason = dup(p, scalar(map_get(d, n, "reason")));
	r->expires = dup(p, scalar(map_get(d, n, "expires")));
	if (!r->id && !r->package && !r->path && !r->fingerprint)
		return bad(p, n,
			   "an ignore entry needs at least one of id, package, path, "
			   "fingerprint");
	if (!r->reason || !*r->reason)
		return bad(p, n, "an ignore entry needs a reason");
	if (r->expires && !valid_date(r->expires))
		return bad(p, map_get(d, n, "expires"), "expires must be a date YYYY-MM-DD");
	r->suppress = vigil_arena_printf(&p->arena, "policy: %s", r->reason);
	return r->suppress ? 0 : VIGIL_ENOMEM;
}

static int push_str(vigil_vec *v, const char *s)
{
	const char **slot = vigil_vec_push(v);
	if (!slot)
		return VIGIL_ENOMEM;
	*slot = s;
	return 0;
}

static int load_checks(vigil_policy *p, yaml_document_t *d, yaml_node_t *n)
{
	yaml_node_t *skip = map_get(d, n, "skip"), *sev = map_get(d, n, "severity");
	int error = 0;
	if (n->type != YAML_MAPPING_NODE)
		return bad(p, n, "checks must be a mapping (skip:, severity:)");
	if (skip) {
		if (skip->type != YAML_SEQUENCE_NODE)
			return bad(p, skip, "checks.skip must be a list of check ids");
		for (yaml_node_item_t *i = skip->data.sequence.items.start;
		     i < skip->data.sequence.items.top && error == 0; i++) {
			const char *id = scalar(yaml_document_get_node(d, *i));
			if (!id)
				return bad(p, skip, "checks.skip entries must be check ids");
			error = push_str(&p->skip, dup(p, id));
		}
	}
	if (sev) {
		if (sev->type != YAML_MAPPING_NODE)
			return bad(p, sev, "checks.severity must map check ids to severities");
		for (yaml_node_pair_t *pr = sev->data.mapping.pairs.start;
		     pr < sev->data.mapping.pairs.top && error == 0; pr++) {
			const char *id = scalar(yaml_document_get_node(d, pr->key));
			const char *s = scalar(yaml_document_get_node(d, pr->value));
			if (!id || !s ||
			    (strcmp(s, "CRITICAL") && strcmp(s, "HIGH") && strcmp(s, "MEDIUM") &&
			     strcmp(s, "LOW")))
				return bad(p, yaml_document_get_node(d, pr->value),
					   "severity must be CRITICAL, HIGH, MEDIUM or LOW");
			if ((error = push_str(&p->ov_ids, dup(p, id))) == 0)
				error = push_str(&p->ov_sev, dup(p, s));
		}
	}
	return error;
}

/* A scalar or a list of scalars into `v`; file names (`rel`) are taken relative to the
 * policy file. */
static int load_strs(vigil_policy *p, yaml_document_t *d, yaml_node_t *n, vigil_vec *v,
		     const char *what, int rel)
{
	yaml_node_item_t *start = NULL, *top = NULL;
	yaml_node_item_t one = 0;
	if (n->type == YAML_SCALAR_NODE) {
		one = (yaml_node_item_t)(n - d->nodes.start + 1);
		start = &one;
		top = &one + 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		start = n->data.sequence.items.start;
		top = n->data.sequence.items.top;
	} else {
		return bad(p, n, what);
	}
	for (yaml_node_item_t *i = start; i < top; i++) {
		const char *s = scalar(yaml_document_get_node(d, *i));
		const char *slash = p->source ? strrchr(p->source, '/') : NULL;
		const char *full;
		if (!s || !*s)
			return bad(p, n, what);
		full = rel && s[0] != '/' && slash
			       ? vigil_arena_printf(&p->arena, "%.*s/%s", (int)(slash - p->source),
						    p->source, s)
			       : dup(p, s);
		if (!full || push_str(v, full) < 0)
			return VIGIL_ENOMEM;
	}
	return 0;
}

static int load_trust(vigil_policy *p, yaml_document_t *d, yaml_node_t *n)
{
	int error = 0;
	if (n->type != YAML_MAPPING_NODE)
		return bad(p, n,
			   "trust must be a mapping (require_signature:, allowed_registries:, "
			   "allowed_repositories:, require_digest:)");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top && error == 0; pr++) {
		yaml_node_t *k = yaml_document_get_node(d, pr->key);
		yaml_node_t *v = yaml_document_get_node(d, pr->value);
		const char *key = scalar(k);
		if (key && strcmp(key, "require_signature") == 0)
			error = load_strs(p, d, v, &p->tkeys,
					  "trust.require_signature must be a key file or a list of "
					  "them",
					  1);
		else if (key && strcmp(key, "allowed_registries") == 0)
			error = load_strs(p, d, v, &p->tregs,
					  "trust.allowed_registries must be a list of globs", 0);
		else if (key && strcmp(key, "allowed_repositories") == 0)
			error = load_strs(p, d, v, &p->trepos,
					  "trust.allowed_repositories must be a list of globs", 0);
		else if (key && strcmp(key, "require_digest") == 0) {
			const char *b = scalar(v);
			if (b && strcmp(b, "true") == 0)
				p->trust.require_digest = 1;
			else if (b && strcmp(b, "false") == 0)
				p->trust.require_digest = 0;
			else
				return bad(p, v, "trust.require_digest must be true or false");
		} else
			return bad(p, k,
				   "unknown key in trust (require_signature, allowed_registries, "
				   "allowed_repositories, require_digest)");
	}
	return error;
}

/* Points the config options at the NULL-terminated lists. */
static int finish_copts(vigil_policy *p)
{
	vigil_vec *v[] = {&p->skip, &p->ov_ids, &p->ov_sev, &p->tkeys, &p->tregs, &p->trepos};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(v); i++) {
		if (push_str(v[i], NULL) < 0)
			return VIGIL_ENOMEM;
		v[i]->len--; /* keep the NULL after the end */
	}
	p->copts.skip = p->skip.data;
	p->copts.override_ids = p->ov_ids.data;
	p->copts.override_severities = p->ov_sev.data;
	p->trust.keys = p->tkeys.data;
	p->trust.allowed_registries = p->tregs.data;
	p->trust.allowed_repositories = p->trepos.data;
	return 0;
}

int vigil_policy_load(vigil_policy **out, vigil_ctx *ctx, const char *path, const char *today)
{
	vigil_policy *p = NULL;
	vigil_buf b = VIGIL_BUF_INIT;
	yaml_parser_t parser;
	yaml_document_t doc;
	int error, have_doc = 0;
	*out = NULL;
	if ((error = vigil_policy_new(&p, ctx, today)) < 0 ||
	    (error = slurp(ctx, path, &b, "policy")) < 0)
		goto done;
	p->source = dup(p, path);
	{
		char why[128];
		int line;
		if ((error = vigil_yaml__preflight((const char *)b.data, b.len, 1, why, sizeof(why),
						   &line)) < 0) {
			if (error == VIGIL_ELIMIT)
				vigil_error_set(ctx, error, "policy %s:%d: %s", path, line, why);
			goto done;
		}
	}
	if (!yaml_parser_initialize(&parser)) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	yaml_parser_set_input_string(&parser, b.data, b.len);
	if (!yaml_parser_load(&parser, &doc)) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "policy %s:%lu: %s", path,
					(unsigned long)parser.problem_mark.line + 1,
					parser.problem ? parser.problem : "malformed YAML");
		yaml_parser_delete(&parser);
		goto done;
	}
	yaml_parser_delete(&parser);
	have_doc = 1;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root) {
		if (root->type != YAML_MAPPING_NODE) {
			error = bad(p, root, "the policy must be a mapping (ignore:, checks:)");
			goto done;
		}
		for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
		     pr < root->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
			yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
			const char *key = scalar(k);
			if (key && strcmp(key, "ignore") == 0) {
				if (v->type != YAML_SEQUENCE_NODE) {
					error = bad(p, v, "ignore must be a list");
					goto done;
				}
				for (yaml_node_item_t *i = v->data.sequence.items.start;
				     i < v->data.sequence.items.top; i++)
					if ((error = load_rule(p, &doc,
							       yaml_document_get_node(&doc, *i))) <
					    0)
						goto done;
			} else if (key && strcmp(key, "checks") == 0) {
				if ((error = load_checks(p, &doc, v)) < 0)
					goto done;
			} else if (key && strcmp(key, "trust") == 0) {
				if ((error = load_trust(p, &doc, v)) < 0)
					goto done;
			} else if (key && strcmp(key, "vex") == 0) {
				/* VEX documents named by the policy, relative to it */
				if (v->type != YAML_SEQUENCE_NODE) {
					error = bad(p, v, "vex must be a list of files");
					goto done;
				}
				for (yaml_node_item_t *i = v->data.sequence.items.start;
				     i < v->data.sequence.items.top; i++) {
					const char *f = scalar(yaml_document_get_node(&doc, *i));
					const char *slash = strrchr(path, '/');
					char *full;
					if (!f) {
						error = bad(p, v, "vex entries must be file names");
						goto done;
					}
					full = f[0] == '/' || !slash
						       ? vigil_arena_strdup(&p->arena, f)
						       : vigil_arena_printf(&p->arena, "%.*s/%s",
									    (int)(slash - path),
									    path, f);
					if (!full) {
						error = VIGIL_ENOMEM;
						goto done;
					}
					if ((error = vigil_policy_add_vex(p, full)) < 0)
						goto done;
				}
			} else if (key && strcmp(key, "admission") == 0) {
				/* the admission webhook's section, read by vigil serve */
			} else {
				error = bad(p, k,
					    "unknown key (ignore, checks, vex, trust, admission)");
				goto done;
			}
		}
	}
	if ((error = finish_copts(p)) < 0)
		goto done;
	*out = p;
	p = NULL;
done:
	if (have_doc)
		yaml_document_delete(&doc);
	vigil_buf_free(&b);
	vigil_policy_free(p);
	return error;
}

const vigil_config_opts *vigil_policy_config_opts(const vigil_policy *p)
{
	if (!p)
		return NULL;
	if (!p->copts.skip)
		finish_copts((vigil_policy *)p);
	return &p->copts;
}

/* ---- OpenVEX ---- */

static const char *const *str_array(vigil_arena *a, json_t *arr, const char *first)
{
	size_t n = json_array_size(arr), k = 0;
	const char **out = vigil_arena_alloc(a, (n + 2) * sizeof(*out));
	if (!out)
		return NULL;
	if (first)
		out[k++] = first;
	for (size_t i = 0; i < n; i++)
		if (json_is_string(json_array_get(arr, i)))
			out[k++] = vigil_arena_strdup(a, json_string_value(json_array_get(arr, i)));
	return out;
}

/* purls of a statement's products and their subcomponents */
static const char *const *products(vigil_arena *a, json_t *prods)
{
	vigil_vec v = VIGIL_VEC_INIT(const char *);
	size_t i, k;
	json_t *pr, *sc;
	const char **out = NULL;
	json_array_foreach(prods, i, pr)
	{
		const char *id = json_string_value(json_object_get(pr, "@id"));
		const char *purl = json_string_value(
			json_object_get(json_object_get(pr, "identifiers"), "purl"));
		json_t *subs = json_object_get(pr, "subcomponents");
		/* with subcomponents, the product is the image and they are the packages */
		if (json_array_size(subs) > 0) {
			json_array_foreach(subs, k, sc)
			{
				const char *sid = json_string_value(json_object_get(sc, "@id"));
				const char *sp = json_string_value(json_object_get(
					json_object_get(sc, "identifiers"), "purl"));
				if (sp || sid)
					push_str(&v, vigil_arena_strdup(a, sp ? sp : sid));
			}
			continue;
		}
		if (purl || id)
			push_str(&v, vigil_arena_strdup(a, purl ? purl : id));
	}
	if ((out = vigil_arena_alloc(a, (v.len + 1) * sizeof(*out))))
		for (size_t j = 0; j < v.len; j++)
			out[j] = VIGIL_VEC_AT(&v, const char *, j);
	vigil_vec_free(&v);
	return out;
}

int vigil_policy_add_vex(vigil_policy *p, const char *path)
{
	vigil_buf b = VIGIL_BUF_INIT;
	json_error_t jerr;
	json_t *doc = NULL, *st;
	size_t i;
	int error;
	if ((error = slurp(p->ctx, path, &b, "VEX document")) < 0)
		goto done;
	if (!(doc = json_loadb((const char *)b.data, b.len, 0, &jerr)) || !json_is_object(doc) ||
	    !json_is_array(json_object_get(doc, "statements"))) {
		error = vigil_error_set(p->ctx, VIGIL_EFORMAT,
					"VEX document %s: %s (an OpenVEX JSON document with "
					"\"statements\" is expected)",
					path, doc ? "no statements" : jerr.text);
		goto done;
	}
	json_array_foreach(json_object_get(doc, "statements"), i, st)
	{
		json_t *vuln = json_object_get(st, "vulnerability");
		const char *status = json_string_value(json_object_get(st, "status"));
		const char *just = json_string_value(json_object_get(st, "justification"));
		const char *impact = json_string_value(json_object_get(st, "impact_statement"));
		const char *name = json_is_string(vuln)
					   ? json_string_value(vuln)
					   : json_string_value(json_object_get(vuln, "name"));
		vexst *v;
		if (!name || !status ||
		    (strcmp(status, "not_affected") != 0 && strcmp(status, "fixed") != 0))
			continue; /* affected / under_investigation suppress nothing */
		if (!(v = vigil_vec_push(&p->vex))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		v->id = vigil_arena_strdup(&p->arena, name);
		v->aliases = str_array(&p->arena, json_object_get(vuln, "aliases"), NULL);
		v->products = products(&p->arena, json_object_get(st, "products"));
		v->suppress = vigil_arena_printf(&p->arena, "vex: %s%s%s%s", status,
						 just || impact ? " (" : "",
						 just	  ? just
						 : impact ? impact
							  : "",
						 just || impact ? ")" : "");
		if (!v->id || !v->aliases || !v->products || !v->suppress) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	}
done:
	json_decref(doc);
	vigil_buf_free(&b);
	return error;
}

/* ---- deciding ---- */

static int id_matches(const char *want, const vigil_policy_subject *s)
{
	if (!s->id)
		return 0;
	if (strcmp(want, s->id) == 0)
		return 1;
	for (const char *const *a = s->aliases; a && *a; a++)
		if (strcmp(want, *a) == 0)
			return 1;
	return 0;
}

/* Compares purls by type, namespace, name and (when the statement gives one) version;
 * qualifiers and subpaths are ignored. */
static int purl_matches(const char *want, const char *have)
{
	size_t wl = strcspn(want, "?#"), hl = strcspn(have, "?#");
	const char *wat = memchr(want, '@', wl);
	if (!have)
		return 0;
	if (!wat) {
		const char *hat = memchr(have, '@', hl);
		size_t hn = hat ? (size_t)(hat - have) : hl;
		return wl == hn && strncmp(want, have, wl) == 0;
	}
	return wl == hl && strncmp(want, have, wl) == 0;
}

static int layer_matches(const char *want, const vigil_policy_subject *s)
{
	uint64_t n;
	if (vigil_parse_uint(&n, want, 100000) == 0)
		return s->layer >= 0 && (uint64_t)s->layer == n;
	return s->diff_id && strncmp(s->diff_id, want, strlen(want)) == 0;
}

const char *vigil_policy__suppress(const vigil_policy *p, const vigil_policy_subject *s,
				   void (*expired)(const char *msg, void *payload), void *payload)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->rules.len; i++) {
		const rule *r = &VIGIL_VEC_AT(&p->rules, rule, i);
		if ((r->id && !id_matches(r->id, s)) ||
		    (r->package && (!s->package || strcmp(r->package, s->package) != 0)) ||
		    (r->path && (!s->path || fnmatch(r->path, s->path, 0) != 0)) ||
		    (r->layer && !layer_matches(r->layer, s)) ||
		    (r->fingerprint && (!s->fingerprint || strcmp(r->fingerprint, s->fingerprint))))
			continue;
		if (r->expires && strcmp(p->today, r->expires) > 0) {
			if (expired) {
				char msg[512];
				snprintf(msg, sizeof(msg),
					 "policy %s:%d: the ignore rule for %s expired on %s; the "
					 "finding is reported again",
					 p->source ? p->source : "", r->line,
					 r->id	      ? r->id
					 : r->package ? r->package
					 : r->path    ? r->path
						      : r->fingerprint,
					 r->expires);
				expired(msg, payload);
			}
			continue;
		}
		return r->suppress;
	}
	for (size_t i = 0; i < p->vex.len; i++) {
		const vexst *v = &VIGIL_VEC_AT(&p->vex, vexst, i);
		int named = id_matches(v->id, s);
		for (const char *const *a = v->aliases; !named && a && *a; a++)
			named = id_matches(*a, s);
		if (!named)
			continue;
		if (!v->products[0])
			return v->suppress;
		for (const char *const *pr = v->products; *pr; pr++)
			if (strncmp(*pr, "pkg:oci/", 8) == 0 ||
			    strncmp(*pr, "pkg:docker/", 11) == 0)
				return v->suppress; /* the image itself: all that is in it */
			else if (strncmp(*pr, "pkg:", 4) == 0
					 ? purl_matches(*pr, s->purl)
					 : (s->package && !strcmp(*pr, s->package)))
				return v->suppress;
	}
	return NULL;
}

int vigil_policy_add_trust(vigil_policy *p, const vigil_trust_policy *extra)
{
	const char *const *lists[] = {extra->keys, extra->allowed_registries,
				      extra->allowed_repositories};
	vigil_vec *v[] = {&p->tkeys, &p->tregs, &p->trepos};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(v); i++) {
		for (const char *const *s = lists[i]; s && *s; s++) {
			const char *c = dup(p, *s);
			if (!c || push_str(v[i], c) < 0)
				return VIGIL_ENOMEM;
		}
	}
	p->trust.require_digest |= extra->require_digest;
	return finish_copts(p);
}

const vigil_trust_policy *vigil_policy_trust(const vigil_policy *p)
{
	return p ? &p->trust : NULL;
}
