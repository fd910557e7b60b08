/* rules.c - Vigil's runtime rule language: YAML files of lists, macros and rules in
 * Falco's spirit, compiled into expression trees over the event fields of fields.c. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "runtime/rt.h"
#include "util/util.h"

#define MAX_FILE (4u << 20)
#define MAX_DEFS 20000
#define MAX_DEPTH 64 /* nesting of parentheses and macros */
#define MAX_ITEMS 10000
#define VALBUF 1024
#define MAX_COND (64u << 10) /* bytes of one condition */
#define MAX_TREE 100000	     /* nodes a rule evaluates, macros expanded */

enum { N_AND, N_OR, N_NOT, N_CMP, N_TRUE };
enum {
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_IN,
	OP_STARTS,
	OP_ENDS,
	OP_CONTAINS,
	OP_GLOB,
	OP_PMATCH,
	OP_EXISTS
};

typedef struct node {
	int kind, field, op;
	struct node *a, *b;
	char **vals;
	size_t nvals;
	struct node *next; /* every node, for freeing */
} node;

typedef struct strv {
	char **v;
	size_t n;
} strv;

typedef struct def {
	char *name, *file;
	int line;
	strv items; /* list */
	char *cond; /* macro */
	node *root; /* macro, compiled */
	int state;  /* macro: 0 not compiled, 1 compiling, 2 done */
} def;

typedef struct exc {
	char *name;
	int line;
	strv fields, comps;
	strv *values; /* nvalues tuples */
	size_t nvalues;
} exc;

typedef struct tpart {
	char *lit;
	int field; /* -1: literal */
} tpart;

struct rt_rule {
	char *name, *desc, *cond, *output, *file;
	int line, cond_line, prio, enabled, action;
	strv tags;
	exc *excs;
	size_t nexcs;
	node *root;
	tpart *parts;
	size_t nparts;
	unsigned long long types; /* bit t: the rule can match events of type t */
};

struct vigil_rules {
	def *lists, *macros;
	size_t nlists, nmacros;
	rt_rule **rules;
	size_t nrules;
	node *nodes;
	int mdepth; /* macros being compiled, nested */
	char err[512];
};

static const char *const prio_names[] = {"EMERGENCY", "ALERT",	"CRITICAL",	 "ERROR",
					 "WARNING",   "NOTICE", "INFORMATIONAL", "DEBUG"};

static void set_err(vigil_rules *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(vigil_rules *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
}

static void strv_free(strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int strv_push(strv *s, const char *p, size_t len)
{
	char **nv;
	char *c;
	if (s->n >= MAX_ITEMS)
		return VIGIL_ELIMIT;
	if (!(c = strndup(p, len)))
		return VIGIL_ENOMEM;
	if (!(nv = realloc(s->v, (s->n + 1) * sizeof(*nv)))) {
		free(c);
		return VIGIL_ENOMEM;
	}
	s->v = nv;
	s->v[s->n++] = c;
	return 0;
}

static void def_free(def *d)
{
	free(d->name);
	free(d->file);
	free(d->cond);
	strv_free(&d->items);
}

static void rule_free(rt_rule *x)
{
	if (!x)
		return;
	free(x->name);
	free(x->desc);
	free(x->cond);
	free(x->output);
	free(x->file);
	strv_free(&x->tags);
	for (size_t i = 0; i < x->nexcs; i++) {
		exc *e = &x->excs[i];
		free(e->name);
		strv_free(&e->fields);
		strv_free(&e->comps);
		for (size_t j = 0; j < e->nvalues; j++)
			strv_free(&e->values[j]);
		free(e->values);
	}
	free(x->excs);
	for (size_t i = 0; i < x->nparts; i++)
		free(x->parts[i].lit);
	free(x->parts);
	free(x);
}

int vigil_rules_new(vigil_rules **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : VIGIL_ENOMEM;
}

void vigil_rules_free(vigil_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nlists; i++)
		def_free(&r->lists[i]);
	for (size_t i = 0; i < r->nmacros; i++)
		def_free(&r->macros[i]);
	free(r->lists);
	free(r->macros);
	for (size_t i = 0; i < r->nrules; i++)
		rule_free(r->rules[i]);
	free(r->rules);
	while (r->nodes) {
		node *n = r->nodes;
		r->nodes = n->next;
		for (size_t i = 0; i < n->nvals; i++)
			free(n->vals[i]);
		free(n->vals);
		free(n);
	}
	free(r);
}

const char *vigil_rules_error(const vigil_rules *r)
{
	return r->err;
}

/* ---- YAML loading ---- */

typedef struct ld {
	vigil_rules *r;
	yaml_document_t *doc;
	const char *file;
	const char *kind; /* "rule", "list", "macro": names the entry in messages */
} ld;

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int bad(ld *l, const yaml_node_t *n, const char *what, const char *name)
{
	if (name)
		set_err(l->r, "%s:%d: %s '%s': %s", l->file, n ? line_of(n) : 0,
			l->kind ? l->kind : "entry", name, what);
	else
		set_err(l->r, "%s:%d: %s", l->file, n ? line_of(n) : 0, what);
	return VIGIL_EFORMAT;
}

/* a scalar or a sequence of scalars into s */
static int get_strv(ld *l, yaml_node_t *n, strv *s, const char *key, const char *name)
{
	const char *v = scalar(n);
	char msg[96];
	int error;

	if (v && !*v)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE) {
		snprintf(msg, sizeof(msg), "'%s' must be a list", key);
		return bad(l, n, msg, name);
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *c = yaml_document_get_node(l->doc, *it);
		if (!(v = scalar(c))) {
			snprintf(msg, sizeof(msg), "'%s' items must be strings", key);
			return bad(l, c, msg, name);
		}
		if ((error = strv_push(s, v, strlen(v))) < 0)
			return error;
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!v)
		return -1;
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static def *find_def(def *v, size_t n, const char *name)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static int add_def(ld *l, def **v, size_t *n, const char *name, int line, def **out)
{
	def *d = find_def(*v, *n, name), *nv;
	if (d) { /* a later definition replaces the earlier one */
		free(d->file);
		free(d->cond);
		d->cond = NULL;
		strv_free(&d->items);
	} else {
		if (l->r->nlists + l->r->nmacros + l->r->nrules >= MAX_DEFS)
			return VIGIL_ELIMIT;
		if (!(nv = realloc(*v, (*n + 1) * sizeof(*nv))))
			return VIGIL_ENOMEM;
		*v = nv;
		d = &nv[(*n)++];
		memset(d, 0, sizeof(*d));
		if (!(d->name = strdup(name)))
			return VIGIL_ENOMEM;
	}
	d->line = line;
	if (!(d->file = strdup(l->file)))
		return VIGIL_ENOMEM;
	*out = d;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			return 0;
	return 1;
}

static int load_list_or_macro(ld *l, yaml_node_t *m, int is_list)
{
	const char *kind = is_list ? "list" : "macro";
	yaml_node_t *name_n = NULL, *body = NULL;
	const char *name;
	int append = 0, error;
	def *d;

	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *ks = scalar(k);
		char msg[128];
		if (!ks)
			return bad(l, k, "keys must be strings", NULL);
		if (!strcmp(ks, kind))
			name_n = v;
		else if (!strcmp(ks, is_list ? "items" : "condition"))
			body = v;
		else if (!strcmp(ks, "append")) {
			if (parse_bool(scalar(v), &append) < 0)
				return bad(l, v, "'append' must be true or false", NULL);
		} else {
			snprintf(msg, sizeof(msg), "unknown field '%.60s' in %s", ks, kind);
			return bad(l, k, msg, NULL);
		}
	}
	name = scalar(name_n);
	if (!name || !valid_name(name))
		return bad(l, m, is_list ? "list needs a name" : "macro needs a name", NULL);
	if (!body)
		return bad(l, m, is_list ? "list without 'items'" : "macro without 'condition'",
			   name);
	if (is_list) {
		def *old = find_def(l->r->lists, l->r->nlists, name);
		strv keep = {0};
		if (append && !old)
			return bad(l, m, "append to a list that does not exist", name);
		if (append) {
			keep = old->items;
			old->items.v = NULL;
			old->items.n = 0;
		}
		if ((error = add_def(l, &l->r->lists, &l->r->nlists, name, line_of(m), &d)) < 0) {
			strv_free(&keep);
			return error;
		}
		d->items = keep;
		return get_strv(l, body, &d->items, "items", name);
	}
	if (append)
		return bad(l, m, "append is supported for lists only", name);
	if (!scalar(body))
		return bad(l, body, "condition must be a string", name);
	if ((error = add_def(l, &l->r->macros, &l->r->nmacros, name, line_of(body), &d)) < 0)
		return error;
	d->cond = strdup(scalar(body));
	return d->cond ? 0 : VIGIL_ENOMEM;
}

static int prio_lookup(const char *s)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "INFO"))
		return 6;
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(s, prio_names[i]))
			return i;
	return -1;
}

static int load_exceptions(ld *l, yaml_node_t *seq, rt_rule *x)
{
	int error;
	if (seq->type != YAML_SEQUENCE_NODE)
		return bad(l, seq, "'exceptions' must be a list", x->name);
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(l->doc, *it);
		yaml_node_t *vals = NULL;
		exc *nv, *e;
		if (m->type != YAML_MAPPING_NODE)
			return bad(l, m, "an exception must be a mapping", x->name);
		if (!(nv = realloc(x->excs, (x->nexcs + 1) * sizeof(*nv))))
			return VIGIL_ENOMEM;
		x->excs = nv;
		e = &nv[x->nexcs++];
		memset(e, 0, sizeof(*e));
		e->line = line_of(m);
		for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
		     p < m->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
			const char *ks = scalar(k), *vs = scalar(v);
			if (!ks)
				return bad(l, k, "keys must be strings", x->name);
			if (!strcmp(ks, "name")) {
				if (!vs || e->name)
					return bad(l, v, "exception name must be a string",
						   x->name);
				if (!(e->name = strdup(vs)))
					return VIGIL_ENOMEM;
			} else if (!strcmp(ks, "fields")) {
				if (vs && *vs)
					error = strv_push(&e->fields, vs, strlen(vs));
				else
					error = get_strv(l, v, &e->fields, "fields", x->name);
				if (error < 0)
					return error;
			} else if (!strcmp(ks, "comps")) {
				if (vs && *vs)
					error = strv_push(&e->comps, vs, strlen(vs));
				else
					error = get_strv(l, v, &e->comps, "comps", x->name);
				if (error < 0)
					return error;
			} else if (!strcmp(ks, "values")) {
				vals = v;
			} else {
				char msg[128];
				snprintf(msg, sizeof(msg), "unknown field '%.60s' in exception",
					 ks);
				return bad(l, k, msg, x->name);
			}
		}
		if (!e->name)
			return bad(l, m, "exception without a name", x->name);
		if (!e->fields.n)
			return bad(l, m, "exception without fields", x->name);
		if (e->comps.n && e->comps.n != e->fields.n)
			return bad(l, m, "exception: comps and fields differ in length", x->name);
		if (!vals)
			continue; /* values may be added by a later file: not supported, so none */
		if (vals->type != YAML_SEQUENCE_NODE)
			return bad(l, vals, "exception values must be a list", x->name);
		for (yaml_node_item_t *vi = vals->data.sequence.items.start;
		     vi < vals->data.sequence.items.top; vi++) {
			yaml_node_t *t = yaml_document_get_node(l->doc, *vi);
			strv *nt;
			if (!(nt = realloc(e->values, (e->nvalues + 1) * sizeof(*nt))))
				return VIGIL_ENOMEM;
			e->values = nt;
			memset(&nt[e->nvalues], 0, sizeof(*nt));
			e->nvalues++;
			if (scalar(t)) {
				/* a one-field exception may list plain values */
				if (e->fields.n != 1)
					return bad(
						l, t,
						"exception values must be lists as long as fields",
						x->name);
				if ((error = strv_push(&nt[e->nvalues - 1], scalar(t),
						       strlen(scalar(t)))) < 0)
					return error;
				continue;
			}
			if (t->type != YAML_SEQUENCE_NODE)
				return bad(l, t, "exception values must be lists as long as fields",
					   x->name);
			for (yaml_node_item_t *ti = t->data.sequence.items.start;
			     ti < t->data.sequence.items.top; ti++) {
				yaml_node_t *item = yaml_document_get_node(l->doc, *ti);
				char lname[64];
				def *d;
				if (scalar(item)) {
					error = strv_push(&nt[e->nvalues - 1], scalar(item),
							  strlen(scalar(item)));
				} else if (item->type == YAML_SEQUENCE_NODE) {
					/* a list of values (for in / pmatch): kept as an anonymous
					 * list */
					snprintf(lname, sizeof(lname), "\001exc%zu", l->r->nlists);
					if ((error = add_def(l, &l->r->lists, &l->r->nlists, lname,
							     line_of(item), &d)) < 0 ||
					    (error = get_strv(l, item, &d->items, "values",
							      x->name)) < 0)
						return error;
					error = strv_push(&nt[e->nvalues - 1], lname,
							  strlen(lname));
				} else
					return bad(l, item,
						   "exception values must be strings or lists",
						   x->name);
				if (error < 0)
					return error;
			}
			if (nt[e->nvalues - 1].n != e->fields.n)
				return bad(l, t, "exception values must be lists as long as fields",
					   x->name);
		}
	}
	return 0;
}

static rt_rule *find_rule(vigil_rules *r, const char *name, size_t *idx)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (!strcmp(r->rules[i]->name, name)) {
			*idx = i;
			return r->rules[i];
		}
	return NULL;
}

static int load_rule(ld *l, yaml_node_t *m)
{
	rt_rule *x = calloc(1, sizeof(*x)), *old, **nv;
	yaml_node_t *enabled_n = NULL;
	int error = 0, nkeys = 0;
	size_t idx;

	if (!x)
		return VIGIL_ENOMEM;
	x->prio = -1;
	x->enabled = 1;
	x->action = -1;
	x->line = line_of(m);
	if (!(x->file = strdup(l->file))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *ks = scalar(k), *vs = scalar(v);
		char **dst = NULL;
		nkeys++;
		if (!ks) {
			error = bad(l, k, "keys must be strings", NULL);
			goto done;
		}
		if (!strcmp(ks, "rule"))
			dst = &x->name;
		else if (!strcmp(ks, "desc"))
			dst = &x->desc;
		else if (!strcmp(ks, "condition")) {
			dst = &x->cond;
			x->cond_line = line_of(v);
		} else if (!strcmp(ks, "output"))
			dst = &x->output;
		else if (!strcmp(ks, "priority")) {
			if ((x->prio = prio_lookup(vs)) < 0) {
				error = bad(l, v,
					    "priority must be one of EMERGENCY, ALERT, CRITICAL, "
					    "ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG",
					    x->name);
				goto done;
			}
		} else if (!strcmp(ks, "enabled")) {
			enabled_n = v;
			if (parse_bool(vs, &x->enabled) < 0) {
				error = bad(l, v, "'enabled' must be true or false", x->name);
				goto done;
			}
		} else if (!strcmp(ks, "action")) {
			if (vs && !strcmp(vs, "kill"))
				x->action = VIGIL_WATCH_ACTION_KILL;
			else if (vs && !strcmp(vs, "deny"))
				x->action = VIGIL_WATCH_ACTION_DENY;
			else if (vs && !strcmp(vs, "pause"))
				x->action = VIGIL_WATCH_ACTION_PAUSE;
			else if (vs && !strcmp(vs, "none"))
				x->action = VIGIL_WATCH_ACTION_NONE;
			else {
				error = bad(l, v, "'action' must be kill, deny, pause or none",
					    x->name);
				goto done;
			}
		} else if (!strcmp(ks, "tags")) {
			if ((error = get_strv(l, v, &x->tags, "tags", x->name)) < 0)
				goto done;
		} else if (!strcmp(ks, "exceptions")) {
			if ((error = load_exceptions(l, v, x)) < 0)
				goto done;
		} else if (!strcmp(ks, "source")) {
			if (!vs || strcmp(vs, "syscall")) {
				error = bad(l, v, "only 'source: syscall' is supported", x->name);
				goto done;
			}
		} else {
			char msg[128];
			snprintf(msg, sizeof(msg), "unknown field '%.60s' in rule", ks);
			error = bad(l, k, msg, x->name);
			goto done;
		}
		if (dst) {
			if (!vs) {
				char msg[96];
				snprintf(msg, sizeof(msg), "'%s' must be a string", ks);
				error = bad(l, v, msg, x->name);
				goto done;
			}
			free(*dst);
			if (!(*dst = strdup(vs))) {
				error = VIGIL_ENOMEM;
				goto done;
			}
		}
	}
	if (!x->name || !valid_name(x->name)) {
		error = bad(l, m, "rule needs a name", NULL);
		goto done;
	}
	old = find_rule(l->r, x->name, &idx);
	if (enabled_n && nkeys == 2) { /* `rule: X` + `enabled: B` switches an existing rule */
		if (!old) {
			error = bad(l, m, "enabled: no such rule to switch", x->name);
			goto done;
		}
		old->enabled = x->enabled;
		goto done;
	}
	if (!x->cond || !x->output || x->prio < 0) {
		error = bad(l, m,
			    !x->cond	 ? "rule without 'condition'"
			    : !x->output ? "rule without 'output'"
					 : "rule without 'priority'",
			    x->name);
		goto done;
	}
	if (old) {
		rule_free(old);
		l->r->rules[idx] = x;
		x = NULL;
		goto done;
	}
	if (l->r->nlists + l->r->nmacros + l->r->nrules >= MAX_DEFS) {
		error = VIGIL_ELIMIT;
		set_err(l->r, "%s: too many rules", l->file);
		goto done;
	}
	if (!(nv = realloc(l->r->rules, (l->r->nrules + 1) * sizeof(*nv)))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	l->r->rules = nv;
	nv[l->r->nrules++] = x;
	x = NULL;
done:
	rule_free(x);
	return error;
}

int vigil_rules_load_buffer(vigil_rules *r, const char *name, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	ld l = {r, &doc, name, NULL};
	int error = 0;

	r->err[0] = 0;
	if (len > MAX_FILE) {
		set_err(r, "%s: larger than %u bytes", name, MAX_FILE);
		return VIGIL_ELIMIT;
	}
	if (!yaml_parser_initialize(&p))
		return VIGIL_ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &doc)) {
		set_err(r, "%s:%zu: YAML: %s", name, p.problem_mark.line + 1,
			p.problem ? p.problem : "syntax error");
		yaml_parser_delete(&p);
		return VIGIL_EFORMAT;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		goto done; /* empty file */
	if (root->type != YAML_SEQUENCE_NODE) {
		error = bad(&l, root, "a rules file is a list of rule, macro and list entries",
			    NULL);
		goto done;
	}
	for (yaml_node_item_t *it = root->data.sequence.items.start;
	     it < root->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&doc, *it);
		yaml_node_t *k;
		const char *ks;
		if (m->type != YAML_MAPPING_NODE ||
		    m->data.mapping.pairs.start == m->data.mapping.pairs.top) {
			error = bad(&l, m, "each entry must be a mapping with rule, macro or list",
				    NULL);
			goto done;
		}
		k = yaml_document_get_node(&doc, m->data.mapping.pairs.start->key);
		ks = scalar(k);
		if (ks && !strcmp(ks, "required_engine_version"))
			continue;
		/* the entry's kind is the first of rule/macro/list among its keys */
		ks = NULL;
		for (yaml_node_pair_t *pp = m->data.mapping.pairs.start;
		     pp < m->data.mapping.pairs.top; pp++) {
			const char *s = scalar(yaml_document_get_node(&doc, pp->key));
			if (s &&
			    (!strcmp(s, "rule") || !strcmp(s, "macro") || !strcmp(s, "list"))) {
				ks = s;
				break;
			}
		}
		if (!ks) {
			error = bad(&l, m, "entry is not a rule, macro or list", NULL);
			goto done;
		}
		l.kind = ks;
		if (!strcmp(ks, "rule"))
			error = load_rule(&l, m);
		else
			error = load_list_or_macro(&l, m, !strcmp(ks, "list"));
		if (error < 0) {
			if (!r->err[0])
				set_err(r, "%s:%d: %s", name, line_of(m),
					error == VIGIL_ENOMEM ? "out of memory"
							      : "too many entries");
			goto done;
		}
	}
done:
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return error;
}

int vigil_rules_load_file(vigil_rules *r, const char *path)
{
	FILE *f = vigil_fopen_regular(path); /* a FIFO or device is refused, never waited on */
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int error = 0;

	if (!f) {
		set_err(r, "%s: %s", path, vigil_open_strerror(errno));
		return VIGIL_EIO;
	}
	do {
		if (len + 65536 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 131072;
			if (cap > MAX_FILE + 131072) {
				set_err(r, "%s: larger than %u bytes", path, MAX_FILE);
				error = VIGIL_ELIMIT;
				goto done;
			}
			if (!(nb = realloc(buf, cap))) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		set_err(r, "%s: read error", path);
		error = VIGIL_EIO;
		goto done;
	}
	error = vigil_rules_load_buffer(r, path, buf, len);
done:
	free(buf);
	fclose(f);
	return error;
}

int vigil_rules_load_builtin(vigil_rules *r)
{
	return vigil_rules_load_buffer(r, "<builtin>", vigil_rt__builtin_rules,
				       strlen(vigil_rt__builtin_rules));
}

/* ---- condition compiler ---- */

enum { T_END, T_LP, T_RP, T_COMMA, T_OP, T_WORD, T_STR };

typedef struct cp {
	vigil_rules *r;
	const char *s, *what, *file; /* what: "rule 'X'" or "macro 'X'" */
	int line;
	size_t pos;
	int tok, depth;
	const char *tp; /* token text */
	size_t tl;
	char sval[VALBUF]; /* a quoted string, unescaped */
} cp;

static int cerr(cp *c, const char *msg)
{
	if (c->tok == T_END)
		set_err(c->r, "%s:%d: %s: condition: %s at end of condition", c->file, c->line,
			c->what, msg);
	else
		set_err(c->r, "%s:%d: %s: condition: %s near '%.*s'", c->file, c->line, c->what,
			msg, (int)(c->tl > 40 ? 40 : c->tl), c->tp);
	return VIGIL_EFORMAT;
}

static int next(cp *c)
{
	const char *s = c->s;
	size_t p = c->pos;

	while (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')
		p++;
	c->tp = s + p;
	c->tl = 1;
	switch (s[p]) {
	case 0:
		c->tok = T_END;
		c->tl = 0;
		break;
	case '(':
		c->tok = T_LP;
		p++;
		break;
	case ')':
		c->tok = T_RP;
		p++;
		break;
	case ',':
		c->tok = T_COMMA;
		p++;
		break;
	case '=':
		c->tok = T_OP;
		p++;
		break;
	case '!':
	case '<':
	case '>':
		c->tok = T_OP;
		if (s[p + 1] == '=') {
			c->tl = 2;
			p += 2;
		} else if (s[p] == '!') {
			c->pos = p;
			return cerr(c, "expected '!='");
		} else
			p++;
		break;
	case '"':
	case '\'': {
		char q = s[p++];
		size_t o = 0;
		while (s[p] && s[p] != q) {
			if (s[p] == '\\' && (s[p + 1] == q || s[p + 1] == '\\'))
				p++;
			if (o + 1 >= sizeof(c->sval)) {
				c->pos = p;
				return cerr(c, "string too long");
			}
			c->sval[o++] = s[p++];
		}
		if (!s[p]) {
			c->tok = T_END;
			return cerr(c, "unterminated string");
		}
		p++;
		c->sval[o] = 0;
		c->tok = T_STR;
		c->tl = p - (size_t)(c->tp - s);
		break;
	}
	default: {
		size_t st = p;
		while (s[p] && !strchr(" \t\r\n(),=!<>", s[p]))
			p++;
		c->tok = T_WORD;
		c->tl = p - st;
		break;
	}
	}
	c->pos = p;
	return 0;
}

static int is_kw(const cp *c, const char *kw)
{
	return c->tok == T_WORD && c->tl == strlen(kw) && !memcmp(c->tp, kw, c->tl);
}

static node *mknode(vigil_rules *r, int kind)
{
	node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->next = r->nodes;
	r->nodes = n;
	return n;
}

static int compile_macro(vigil_rules *r, def *d, node **out);

static int add_val(node *n, const char *s, size_t l)
{
	char **nv;
	if (n->nvals >= MAX_ITEMS)
		return VIGIL_ELIMIT;
	if (!(nv = realloc(n->vals, (n->nvals + 1) * sizeof(*nv))))
		return VIGIL_ENOMEM;
	n->vals = nv;
	if (!(nv[n->nvals] = strndup(s, l)))
		return VIGIL_ENOMEM;
	n->nvals++;
	return 0;
}

/* adds a list item; names of lists expand to their items (recursively) */
static int add_item(vigil_rules *r, node *n, const char *s, size_t l, int depth)
{
	char name[256];
	def *d;
	int error;

	if (l < sizeof(name)) {
		memcpy(name, s, l);
		name[l] = 0;
		if ((d = find_def(r->lists, r->nlists, name))) {
			if (depth > MAX_DEPTH)
				return VIGIL_ELIMIT;
			for (size_t i = 0; i < d->items.n; i++)
				if ((error = add_item(r, n, d->items.v[i], strlen(d->items.v[i]),
						      depth + 1)) < 0)
					return error;
			return 0;
		}
	}
	return add_val(n, s, l);
}

static int op_lookup(const char *s, size_t l)
{
	static const struct {
		const char *s;
		int op;
	} ops[] = {
		{"=", OP_EQ},	       {"!=", OP_NE},
		{"<", OP_LT},	       {"<=", OP_LE},
		{">", OP_GT},	       {">=", OP_GE},
		{"in", OP_IN},	       {"startswith", OP_STARTS},
		{"endswith", OP_ENDS}, {"contains", OP_CONTAINS},
		{"glob", OP_GLOB},     {"pmatch", OP_PMATCH},
		{"exists", OP_EXISTS},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].s) == l && !memcmp(ops[i].s, s, l))
			return ops[i].op;
	return -1;
}

static int parse_or(cp *c, node **out);

static int parse_primary(cp *c, node **out)
{
	int error, f, op;
	node *n;

	if (c->tok == T_LP) {
		if (++c->depth > MAX_DEPTH)
			return cerr(c, "nested too deeply");
		if ((error = next(c)) < 0 || (error = parse_or(c, out)) < 0)
			return error;
		if (c->tok != T_RP)
			return cerr(c, "expected ')'");
		c->depth--;
		return next(c);
	}
	if (c->tok != T_WORD)
		return cerr(c, "expected a field, a macro or '('");
	f = vigil_rt__field_lookup(c->tp, c->tl);
	if (f < 0) {
		char name[256];
		def *d;
		if (c->tl < sizeof(name)) {
			memcpy(name, c->tp, c->tl);
			name[c->tl] = 0;
			if ((d = find_def(c->r->macros, c->r->nmacros, name))) {
				if ((error = compile_macro(c->r, d, out)) < 0)
					return error;
				return next(c);
			}
		}
		return cerr(c,
			    memchr(c->tp, '.', c->tl) ? "unknown field" : "unknown macro or field");
	}
	if ((error = next(c)) < 0)
		return error;
	if (c->tok == T_OP || c->tok == T_WORD)
		op = op_lookup(c->tp, c->tl);
	else
		op = -1;
	if (op < 0)
		return cerr(c, "expected an operator (=, !=, <, <=, >, >=, in, startswith, "
			       "endswith, contains, glob, pmatch, exists)");
	if (!(n = mknode(c->r, N_CMP)))
		return VIGIL_ENOMEM;
	n->field = f;
	n->op = op;
	*out = n;
	if ((error = next(c)) < 0)
		return error;
	if (op == OP_EXISTS)
		return 0;
	if (op == OP_IN || op == OP_PMATCH) {
		if (c->tok != T_LP)
			return cerr(c, "expected '(' and a list");
		if ((error = next(c)) < 0)
			return error;
		while (c->tok != T_RP) {
			if (c->tok == T_WORD)
				error = add_item(c->r, n, c->tp, c->tl, 0);
			else if (c->tok == T_STR)
				error = add_val(n, c->sval, strlen(c->sval));
			else
				return cerr(c, "expected a value in the list");
			if (error < 0)
				return error == VIGIL_ELIMIT
					       ? cerr(c, "list too long or nested too deeply")
					       : error;
			if ((error = next(c)) < 0)
				return error;
			if (c->tok == T_COMMA) {
				if ((error = next(c)) < 0)
					return error;
			} else if (c->tok != T_RP)
				return cerr(c, "expected ',' or ')'");
		}
		return next(c);
	}
	if (c->tok == T_WORD)
		error = add_val(n, c->tp, c->tl);
	else if (c->tok == T_STR)
		error = add_val(n, c->sval, strlen(c->sval));
	else
		return cerr(c, "expected a value");
	if (error < 0)
		return error;
	if (f == F_EVT_TYPE && (op == OP_EQ || op == OP_NE) &&
	    vigil_rt__type_lookup(n->vals[0]) < 0)
		return cerr(c, "unknown event type");
	return next(c);
}

static int parse_not(cp *c, node **out)
{
	int error;
	if (is_kw(c, "not")) {
		node *n = mknode(c->r, N_NOT);
		if (!n)
			return VIGIL_ENOMEM;
		if (++c->depth > MAX_DEPTH)
			return cerr(c, "nested too deeply");
		if ((error = next(c)) < 0 || (error = parse_not(c, &n->a)) < 0)
			return error;
		c->depth--;
		*out = n;
		return 0;
	}
	return parse_primary(c, out);
}

static int parse_bin(cp *c, node **out, int kind)
{
	const char *kw = kind == N_AND ? "and" : "or";
	int error;
	node *left;

	if ((error = kind == N_AND ? parse_not(c, &left) : parse_bin(c, &left, N_AND)) < 0)
		return error;
	while (is_kw(c, kw)) {
		node *n = mknode(c->r, kind);
		if (!n)
			return VIGIL_ENOMEM;
		n->a = left;
		if ((error = next(c)) < 0 ||
		    (error = kind == N_AND ? parse_not(c, &n->b) : parse_bin(c, &n->b, N_AND)) < 0)
			return error;
		left = n;
	}
	*out = left;
	return 0;
}

static int parse_or(cp *c, node **out)
{
	return parse_bin(c, out, N_OR);
}

static int compile_cond(vigil_rules *r, const char *s, const char *file, int line, const char *what,
			node **out)
{
	cp c = {r, s, what, file, line, 0, 0, 0, NULL, 0, {0}};
	int error;

	if (strlen(s) > MAX_COND) {
		set_err(r, "%s:%d: %s: condition longer than %u bytes", file, line, what, MAX_COND);
		return VIGIL_EFORMAT;
	}
	if ((error = next(&c)) < 0 || (error = parse_or(&c, out)) < 0)
		return error;
	if (c.tok != T_END)
		return cerr(&c, "unexpected text after the expression");
	return 0;
}

static int compile_macro(vigil_rules *r, def *d, node **out)
{
	char what[300];
	int error;

	if (d->state == 2) {
		*out = d->root;
		return 0;
	}
	snprintf(what, sizeof(what), "macro '%s'", d->name);
	if (d->state == 1) {
		set_err(r, "%s:%d: %s: refers to itself", d->file, d->line, what);
		return VIGIL_EFORMAT;
	}
	if (r->mdepth >= MAX_DEPTH) {
		set_err(r, "%s:%d: %s: macros nested too deeply", d->file, d->line, what);
		return VIGIL_EFORMAT;
	}
	d->state = 1;
	r->mdepth++;
	error = compile_cond(r, d->cond, d->file, d->line, what, &d->root);
	r->mdepth--;
	d->state = error < 0 ? 0 : 2;
	*out = d->root;
	return error;
}

static int compile_exceptions(vigil_rules *r, rt_rule *x, node **out)
{
	node *any = NULL;
	int error;

	for (size_t i = 0; i < x->nexcs; i++) {
		exc *e = &x->excs[i];
		int fields[64], ops[64];
		if (e->fields.n > 64) {
			set_err(r, "%s:%d: rule '%s': exception '%s': too many fields", x->file,
				e->line, x->name, e->name);
			return VIGIL_EFORMAT;
		}
		for (size_t j = 0; j < e->fields.n; j++) {
			const char *cs = e->comps.n ? e->comps.v[j] : "=";
			fields[j] = vigil_rt__field_lookup(e->fields.v[j], strlen(e->fields.v[j]));
			ops[j] = op_lookup(cs, strlen(cs));
			if (fields[j] < 0 || ops[j] < 0 || ops[j] == OP_EXISTS) {
				set_err(r, "%s:%d: rule '%s': exception '%s': unknown %s '%s'",
					x->file, e->line, x->name, e->name,
					fields[j] < 0 ? "field" : "comparison",
					fields[j] < 0 ? e->fields.v[j] : cs);
				return VIGIL_EFORMAT;
			}
		}
		for (size_t t = 0; t < e->nvalues; t++) {
			node *all = NULL;
			for (size_t j = 0; j < e->fields.n; j++) {
				node *n = mknode(r, N_CMP);
				const char *v = e->values[t].v[j];
				if (!n)
					return VIGIL_ENOMEM;
				n->field = fields[j];
				n->op = ops[j];
				/* in / pmatch take a list: a list name, or a single value */
				if ((error = (ops[j] == OP_IN || ops[j] == OP_PMATCH)
						     ? add_item(r, n, v, strlen(v), 0)
						     : add_val(n, v, strlen(v))) < 0)
					return error;
				if (all) {
					node *a = mknode(r, N_AND);
					if (!a)
						return VIGIL_ENOMEM;
					a->a = all;
					a->b = n;
					n = a;
				}
				all = n;
			}
			if (any) {
				node *o = mknode(r, N_OR);
				if (!o)
					return VIGIL_ENOMEM;
				o->a = any;
				o->b = all;
				all = o;
			}
			any = all;
		}
	}
	*out = any;
	return 0;
}

static int compile_output(vigil_rules *r, rt_rule *x)
{
	const char *s = x->output;
	tpart *np;

	while (*s) {
		const char *p = strchr(s, '%');
		size_t l;
		int f = -1;
		if (!p)
			p = s + strlen(s);
		if (*p == '%') {
			/* the longest field name at p+1 */
			for (l = 1;
			     p[l] && (p[l] == '.' || p[l] == '_' || (p[l] >= 'a' && p[l] <= 'z') ||
				      (p[l] >= '0' && p[l] <= '9'));
			     l++)
				;
			while (l > 1 && p[l - 1] == '.')
				l--;
			f = vigil_rt__field_lookup(p + 1, l - 1);
			if (f < 0) {
				set_err(r, "%s:%d: rule '%s': output: unknown field '%%%.*s'",
					x->file, x->line, x->name, (int)(l - 1 > 40 ? 40 : l - 1),
					p + 1);
				return VIGIL_EFORMAT;
			}
		}
		if (!(np = realloc(x->parts, (x->nparts + 2) * sizeof(*np))))
			return VIGIL_ENOMEM;
		x->parts = np;
		if (p > s) {
			np[x->nparts].field = -1;
			if (!(np[x->nparts].lit = strndup(s, (size_t)(p - s))))
				return VIGIL_ENOMEM;
			x->nparts++;
		}
		if (f >= 0) {
			np[x->nparts].field = f;
			np[x->nparts].lit = NULL;
			x->nparts++;
			s = p + l;
		} else
			s = p;
	}
	return 0;
}

/* counts the nodes evaluating n visits (shared macros counted each time), up to a cap */
static size_t tree_size(const node *n, size_t acc)
{
	if (!n || acc > MAX_TREE)
		return acc;
	acc++;
	acc = tree_size(n->a, acc);
	return tree_size(n->b, acc);
}

#define ALL_TYPES ((1ULL << VRT_TYPE_MAX) - 1)

/* the event types a condition can be true for: evt.type = X and evt.type in (...) narrow
 * it, `and` intersects, `or` unites; anything else (not, other fields) may match all */
static unsigned long long type_mask(const node *n, int depth)
{
	unsigned long long m = 0;
	int t;

	if (!n || depth > 200)
		return ALL_TYPES;
	switch (n->kind) {
	case N_AND:
		return type_mask(n->a, depth + 1) & type_mask(n->b, depth + 1);
	case N_OR:
		return type_mask(n->a, depth + 1) | type_mask(n->b, depth + 1);
	case N_CMP:
		if (n->field != F_EVT_TYPE || (n->op != OP_EQ && n->op != OP_IN))
			return ALL_TYPES;
		for (size_t i = 0; i < n->nvals; i++)
			if ((t = vigil_rt__type_lookup(n->vals[i])) > 0 && t < VRT_TYPE_MAX)
				m |= 1ULL << t;
		return m;
	}
	return ALL_TYPES;
}

int vigil_rules_compile(vigil_rules *r)
{
	int error;

	r->err[0] = 0;
	for (size_t i = 0; i < r->nmacros; i++) /* every macro, also unused ones */
		if (r->macros[i].state != 2) {
			node *n;
			if ((error = compile_macro(r, &r->macros[i], &n)) < 0)
				return error;
		}
	for (size_t i = 0; i < r->nrules; i++) {
		rt_rule *x = r->rules[i];
		char what[300];
		node *ex = NULL;
		if (x->root)
			continue;
		snprintf(what, sizeof(what), "rule '%s'", x->name);
		if ((error = compile_cond(r, x->cond, x->file, x->cond_line, what, &x->root)) < 0 ||
		    (error = compile_exceptions(r, x, &ex)) < 0 ||
		    (error = compile_output(r, x)) < 0)
			return error;
		if (tree_size(x->root, 0) > MAX_TREE) {
			set_err(r, "%s:%d: %s: condition expands to more than %u terms", x->file,
				x->cond_line, what, MAX_TREE);
			return VIGIL_EFORMAT;
		}
		if (ex) {
			node *nn = mknode(r, N_NOT), *a = mknode(r, N_AND);
			if (!nn || !a)
				return VIGIL_ENOMEM;
			nn->a = ex;
			a->a = x->root;
			a->b = nn;
			x->root = a;
		}
		x->types = type_mask(x->root, 0);
	}
	return 0;
}

size_t vigil_rules_count(const vigil_rules *r, size_t *enabled)
{
	if (enabled) {
		*enabled = 0;
		for (size_t i = 0; i < r->nrules; i++)
			*enabled += r->rules[i]->enabled != 0;
	}
	return r->nrules;
}

const char *vigil_rules_name(const vigil_rules *r, size_t i, const char **priority, int *enabled)
{
	if (i >= r->nrules)
		return NULL;
	if (priority)
		*priority = prio_names[r->rules[i]->prio];
	if (enabled)
		*enabled = r->rules[i]->enabled;
	return r->rules[i]->name;
}

/* ---- evaluation ---- */

static int cmp_one(const node *n, const char *v)
{
	switch (n->op) {
	case OP_EXISTS:
		return 1;
	case OP_EQ:
		return !strcmp(v, n->vals[0]);
	case OP_NE:
		return strcmp(v, n->vals[0]) != 0;
	case OP_STARTS:
		return !strncmp(v, n->vals[0], strlen(n->vals[0]));
	case OP_ENDS: {
		size_t a = strlen(v), b = strlen(n->vals[0]);
		return a >= b && !strcmp(v + a - b, n->vals[0]);
	}
	case OP_CONTAINS:
		return strstr(v, n->vals[0]) != NULL;
	case OP_GLOB:
		return fnmatch(n->vals[0], v, 0) == 0;
	case OP_IN:
		for (size_t i = 0; i < n->nvals; i++)
			if (!strcmp(v, n->vals[i]))
				return 1;
		return 0;
	case OP_PMATCH:
		for (size_t i = 0; i < n->nvals; i++) {
			size_t l = strlen(n->vals[i]);
			while (l > 1 && n->vals[i][l - 1] == '/')
				l--;
			if (!strncmp(v, n->vals[i], l) &&
			    (v[l] == 0 || v[l] == '/' || (l == 1 && n->vals[i][0] == '/')))
				return 1;
		}
		return 0;
	default: {
		char *end1, *end2;
		long long a = strtoll(v, &end1, 0), b = strtoll(n->vals[0], &end2, 0);
		if (*end1 || *end2 || end1 == v)
			return 0;
		return n->op == OP_LT	? a < b
		       : n->op == OP_LE ? a <= b
		       : n->op == OP_GT ? a > b
					: a >= b;
	}
	}
}

static __attribute__((noinline)) int eval_cmp(const node *n, const rt_view *v)
{
	char buf[VALBUF];

	if (n->field == F_PROC_ANAME) {
		for (int i = 0; i < VRT_ANC; i++)
			if (vigil_rt__field(v, F_PROC_ANAME, i, buf, sizeof(buf)) == 0 &&
			    cmp_one(n, buf))
				return 1;
		return 0;
	}
	if (vigil_rt__field(v, n->field, 0, buf, sizeof(buf)) < 0)
		return 0;
	return cmp_one(n, buf);
}

static int eval(const node *n, const rt_view *v)
{
	switch (n->kind) {
	case N_AND:
		return eval(n->a, v) && eval(n->b, v);
	case N_OR:
		return eval(n->a, v) || eval(n->b, v);
	case N_NOT:
		return !eval(n->a, v);
	case N_TRUE:
		return 1;
	}
	return eval_cmp(n, v);
}

size_t vigil_rt__rule_count(const vigil_rules *r)
{
	return r->nrules;
}

const rt_rule *vigil_rt__rule(const vigil_rules *r, size_t i)
{
	return r->rules[i];
}

int vigil_rt__rule_match(const vigil_rules *r, size_t i, const rt_view *v)
{
	const rt_rule *x = r->rules[i];
	return x->enabled && x->root && eval(x->root, v);
}

const char *vigil_rt__rule_name(const rt_rule *x)
{
	return x->name;
}

const char *vigil_rt__rule_priority(const rt_rule *x)
{
	return prio_names[x->prio];
}

int vigil_rt__rule_prio_level(const rt_rule *x)
{
	return x->prio;
}

int vigil_rt__rule_action(const rt_rule *x)
{
	return x->action;
}

size_t vigil_rt__rule_tags(const rt_rule *x, const char *const **out)
{
	*out = (const char *const *)x->tags.v;
	return x->tags.n;
}

void vigil_rt__rule_output(const rt_rule *x, const rt_view *v, char *buf, size_t n)
{
	size_t o = 0;
	char val[VALBUF];

	buf[0] = 0;
	for (size_t i = 0; i < x->nparts && o + 1 < n; i++) {
		const char *s = x->parts[i].lit;
		if (x->parts[i].field >= 0) {
			if (vigil_rt__field(v, x->parts[i].field, 0, val, sizeof(val)) < 0)
				snprintf(val, sizeof(val), "<NA>");
			s = val;
		}
		for (; *s && o + 1 < n; s++)
			buf[o++] = (unsigned char)*s < 0x20 ? ' ' : *s;
	}
	buf[o] = 0;
}

unsigned long long vigil_rt__rule_types(const vigil_rules *r, size_t i)
{
	return r->rules[i]->types;
}

unsigned long long vigil_rt__rules_types(const vigil_rules *r)
{
	unsigned long long m = 0;
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i]->enabled && r->rules[i]->root)
			m |= r->rules[i]->types;
	return m;
}

/* the condition is false for every process outside containers: a `container.host = false`
 * (or `!= true`) that every way of being true goes through */
static int needs_container(const node *n, int depth)
{
	if (!n || depth > 200)
		return 0;
	switch (n->kind) {
	case N_AND:
		return needs_container(n->a, depth + 1) || needs_container(n->b, depth + 1);
	case N_OR:
		return needs_container(n->a, depth + 1) && needs_container(n->b, depth + 1);
	case N_CMP:
		return n->field == F_CONTAINER_HOST && n->nvals == 1 &&
		       ((n->op == OP_EQ && !strcmp(n->vals[0], "false")) ||
			(n->op == OP_NE && !strcmp(n->vals[0], "true")));
	}
	return 0;
}

static int uses_field(const node *n, int f, int depth)
{
	if (!n || depth > 200)
		return 0;
	if (n->kind == N_CMP)
		return n->field == f;
	return uses_field(n->a, f, depth + 1) || uses_field(n->b, f, depth + 1);
}

int vigil_rt__rules_use_field(const vigil_rules *r, int field)
{
	for (size_t i = 0; i < r->nrules; i++) {
		const rt_rule *x = r->rules[i];
		if (!x->enabled || !x->root)
			continue;
		if (uses_field(x->root, field, 0))
			return 1;
		for (size_t k = 0; k < x->nparts; k++)
			if (x->parts[k].field == field)
				return 1;
	}
	return 0;
}

/* ---- what the exec probe must read (rt_features) ----
 * A guard over-approximates the execs a condition can be true for: every exec (all), or
 * those whose name (comm) is one of `names` or whose executable has one of the VRT_F_*
 * `flags` (memfd, overlay: the kernel knows them before it reserves the record). */
#define KG_MAX_NAMES 1024 /* more names than this: every exec (the kernel map's size) */

typedef struct kg {
	int all;
	unsigned flags;
	const char **names;
	size_t n;
} kg;

static void kg_free(kg *g)
{
	free(g->names);
	memset(g, 0, sizeof(*g));
}

static kg kg_every(void)
{
	kg g = {1, 0, NULL, 0};
	return g;
}

/* dst |= src (src freed) */
static void kg_union(kg *dst, kg *src)
{
	if (dst->all || src->all) {
		kg_free(dst);
		kg_free(src);
		dst->all = 1;
		return;
	}
	dst->flags |= src->flags;
	if (src->n) {
		const char **v = dst->n + src->n <= KG_MAX_NAMES
					 ? realloc(dst->names, (dst->n + src->n) * sizeof(*v))
					 : NULL;
		if (!v) { /* too many names, or no memory: every exec (safe) */
			kg_free(dst);
			kg_free(src);
			dst->all = 1;
			return;
		}
		memcpy(v + dst->n, src->names, src->n * sizeof(*v));
		dst->names = v;
		dst->n += src->n;
	}
	kg_free(src);
}

/* a guard for "a and b" (both freed): either one holds; the one that is not every exec,
 * the common names when both are name lists */
static kg kg_and(kg a, kg b)
{
	if (a.all) {
		kg_free(&a);
		return b;
	}
	if (b.all || a.flags || b.flags) {
		kg_free(&b);
		return a;
	}
	{
		size_t k = 0;
		for (size_t i = 0; i < a.n; i++)
			for (size_t j = 0; j < b.n; j++)
				if (!strcmp(a.names[i], b.names[j])) {
					a.names[k++] = a.names[i];
					break;
				}
		a.n = k;
	}
	kg_free(&b);
	return a;
}

/* the execs n can be true for */
static kg kg_allow(const node *n, int depth)
{
	kg g = {0, 0, NULL, 0};
	if (!n || depth > 200)
		return kg_every();
	switch (n->kind) {
	case N_AND:
		return kg_and(kg_allow(n->a, depth + 1), kg_allow(n->b, depth + 1));
	case N_OR: {
		kg b = kg_allow(n->b, depth + 1);
		g = kg_allow(n->a, depth + 1);
		kg_union(&g, &b);
		return g;
	}
	case N_CMP:
		if (n->field == F_PROC_NAME && (n->op == OP_EQ || n->op == OP_IN)) {
			/* comm is at most VRT_COMM - 1 bytes: a longer value never equals it */
			if (n->nvals > KG_MAX_NAMES ||
			    !(g.names = calloc(n->nvals + 1, sizeof(char *))))
				return kg_every();
			for (size_t i = 0; i < n->nvals; i++)
				if (strlen(n->vals[i]) < VRT_COMM)
					g.names[g.n++] = n->vals[i];
			return g;
		}
		if ((n->field == F_PROC_EXE_MEMFD || n->field == F_PROC_EXE_OVERLAY) &&
		    n->op == OP_EQ && n->nvals == 1 && !strcmp(n->vals[0], "true")) {
			g.flags =
				n->field == F_PROC_EXE_MEMFD ? VRT_F_EXE_MEMFD : VRT_F_EXE_OVERLAY;
			return g;
		}
		return kg_every();
	}
	return kg_every(); /* not, true */
}

static int field_in(int f, const int *fs, size_t nf)
{
	for (size_t i = 0; i < nf; i++)
		if (fs[i] == f)
			return 1;
	return 0;
}

/* the execs for which the value of a field in fs can change whether n is true */
static kg kg_need(const node *n, const int *fs, size_t nf, int depth)
{
	kg g = {0, 0, NULL, 0};
	if (!n || depth > 200)
		return kg_every();
	switch (n->kind) {
	case N_AND: {
		/* it matters in a only when b can be true, and the other way round */
		kg x = kg_and(kg_need(n->a, fs, nf, depth + 1), kg_allow(n->b, depth + 1));
		kg y = kg_and(kg_need(n->b, fs, nf, depth + 1), kg_allow(n->a, depth + 1));
		kg_union(&x, &y);
		return x;
	}
	case N_OR: {
		kg y = kg_need(n->b, fs, nf, depth + 1);
		g = kg_need(n->a, fs, nf, depth + 1);
		kg_union(&g, &y);
		return g;
	}
	case N_NOT:
		return kg_need(n->a, fs, nf, depth + 1);
	case N_CMP:
		return field_in(n->field, fs, nf) ? kg_every() : g;
	}
	return g;
}

/* adds guard g (freed) of feature `feat` in scope s to f */
static int feat_add(rt_features *f, int s, unsigned feat, kg *g)
{
	if (g->all)
		f->all[s] |= feat;
	if (g->flags & VRT_F_EXE_MEMFD)
		f->memfd[s] |= feat;
	if (g->flags & VRT_F_EXE_OVERLAY)
		f->overlay[s] |= feat;
	for (size_t i = 0; !g->all && i < g->n; i++) {
		size_t k;
		for (k = 0; k < f->nnames && strcmp(f->names[k], g->names[i]); k++)
			;
		if (k == f->nnames) {
			if (f->nnames >= KG_MAX_NAMES) { /* the kernel map is full: every exec */
				f->all[s] |= feat;
				break;
			}
			if (f->nnames == f->capnames) {
				size_t c = f->capnames ? f->capnames * 2 : 32;
				char(*nm)[VRT_COMM] = realloc(f->names, c * sizeof(*nm));
				unsigned char(*mk)[2] =
					nm ? realloc(f->masks, c * sizeof(*mk)) : NULL;
				if (nm)
					f->names = nm;
				if (!nm || !mk) {
					kg_free(g);
					return VIGIL_ENOMEM;
				}
				f->masks = mk;
				f->capnames = c;
			}
			memset(f->names[k], 0, VRT_COMM);
			memcpy(f->names[k], g->names[i], strlen(g->names[i]));
			f->masks[k][0] = f->masks[k][1] = 0;
			f->nnames++;
		}
		f->masks[k][s] |= (unsigned char)feat;
	}
	kg_free(g);
	return 0;
}

int vigil_rt__rules_features(const vigil_rules *r, rt_features *f)
{
	static const int argv_f[] = {F_PROC_ARGS, F_PROC_CMDLINE}, tty_f[] = {F_PROC_TTY},
			 stdio_f[] = {F_PROC_STDIN_SOCKET, F_PROC_STDOUT_SOCKET};
	const unsigned long long nonexec =
		~(1ULL << VRT_EXEC | 1ULL << VRT_EXIT | 1ULL << VRT_MOUNT) &
		((1ULL << VRT_TYPE_MAX) - 1);

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < r->nrules; i++) {
		const rt_rule *x = r->rules[i];
		int ns;
		if (!x->enabled || !x->root)
			continue;
		ns = needs_container(x->root, 0) ? 1 : 2; /* scopes 0 (containers), 1 (host) */
		for (int s = 0; s < ns; s++) {
			/* every alert shows the command line: a rule's events carry argv */
			f->args_types[s] |= x->types & nonexec;
			if (!(x->types & 1ULL << VRT_EXEC))
				continue;
			kg g = kg_allow(x->root, 0);
			if (feat_add(f, s, RT_FEAT_ARGV, &g) < 0)
				return VIGIL_ENOMEM;
			g = kg_need(x->root, argv_f, 2, 0);
			if (feat_add(f, s, RT_FEAT_ARGV, &g) < 0)
				return VIGIL_ENOMEM;
			g = kg_need(x->root, tty_f, 1, 0);
			if (feat_add(f, s, RT_FEAT_TTY, &g) < 0)
				return VIGIL_ENOMEM;
			g = kg_need(x->root, stdio_f, 2, 0);
			if (feat_add(f, s, RT_FEAT_STDIO, &g) < 0)
				return VIGIL_ENOMEM;
		}
		/* a condition on another event that reads argv: the event carries it (above);
		 * proc.args of an exit comes from the process table, so execs need it */
		if ((x->types & 1ULL << VRT_EXIT) && uses_field(x->root, F_PROC_ARGS, 0))
			for (int s = 0; s < ns; s++)
				f->all[s] |= RT_FEAT_ARGV;
		if ((x->types & 1ULL << VRT_EXIT) && uses_field(x->root, F_PROC_CMDLINE, 0))
			for (int s = 0; s < ns; s++)
				f->all[s] |= RT_FEAT_ARGV;
	}
	for (int s = 0; s < 2; s++) {
		if (f->all[s] & RT_FEAT_ARGV) /* every exec has argv: events need not */
			f->args_types[s] = 0;
		for (size_t k = 0; k < f->nnames; k++)
			f->masks[k][s] &= (unsigned char)~f->all[s];
	}
	return 0;
}

void vigil_rt__features_free(rt_features *f)
{
	free(f->names);
	free(f->masks);
	memset(f, 0, sizeof(*f));
}

/* one line per scope: "argv always; tty, stdio for 10 names" */
void vigil_rt__features_describe(const rt_features *f, int s, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *name;
	} fs[] = {{RT_FEAT_ARGV, "argv"}, {RT_FEAT_TTY, "tty"}, {RT_FEAT_STDIO, "stdio"}};
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < 3 && o < n; i++) {
		size_t names = 0;
		for (size_t k = 0; k < f->nnames; k++)
			names += (f->masks[k][s] & fs[i].bit) != 0;
		if (f->all[s] & fs[i].bit)
			o += (size_t)snprintf(buf + o, n - o, "%s%s always", o ? "; " : "",
					      fs[i].name);
		else if (names || ((f->memfd[s] | f->overlay[s]) & fs[i].bit)) {
			int mf = (f->memfd[s] & fs[i].bit) != 0,
			    ov = (f->overlay[s] & fs[i].bit) != 0;
			char nm[32] = "";
			if (names)
				snprintf(nm, sizeof(nm), "%zu names", names);
			o += (size_t)snprintf(buf + o, n - o, "%s%s for %s%s%s%s%s", o ? "; " : "",
					      fs[i].name, nm, names && (mf || ov) ? ", " : "",
					      mf ? "memfd executables" : "", mf && ov ? ", " : "",
					      ov ? "overlay executables" : "");
		} else
			o += (size_t)snprintf(buf + o, n - o, "%s%s never", o ? "; " : "",
					      fs[i].name);
	}
	if (o < n && f->args_types[s])
		snprintf(buf + o, n - o, "; argv of other events: %d types",
			 __builtin_popcountll(f->args_types[s]));
}

/* 1 when scope 1 (settled host cgroups) reads less than scope 0: marking them pays */
int vigil_rt__features_host_lean(const rt_features *f)
{
	if (f->all[0] != f->all[1] || f->memfd[0] != f->memfd[1] ||
	    f->overlay[0] != f->overlay[1] || f->args_types[0] != f->args_types[1])
		return 1;
	for (size_t k = 0; k < f->nnames; k++)
		if (f->masks[k][0] != f->masks[k][1])
			return 1;
	return 0;
}

int vigil_rules_describe_exec(const vigil_rules *r, FILE *f)
{
	rt_features ft;
	char buf[300];
	int error = vigil_rt__rules_features(r, &ft);

	if (error < 0) {
		vigil_rt__features_free(&ft);
		return error;
	}
	vigil_rt__features_describe(&ft, 0, buf, sizeof(buf));
	fprintf(f, "exec probe, in containers: %s\n", buf);
	vigil_rt__features_describe(&ft, 1, buf, sizeof(buf));
	fprintf(f, "exec probe, settled host cgroups: %s\n", buf);
	vigil_rt__features_free(&ft);
	return 0;
}
