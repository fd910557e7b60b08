/*
 * yamlload.c - builds a line-numbered tree from libyaml's event stream. Aliases point
 * at the anchored node (no copies); each node's weight counts its subtree with aliases
 * expanded, so a walker that follows aliases is bounded by VIGIL_YAML_MAX_WEIGHT.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/yamlload.h"

typedef struct frame {
	vigil_ynode *node;
	vigil_vec items;    /* vigil_ynode * */
	const char *anchor; /* registered when the collection ends, so it cannot hold itself */
} frame;

typedef struct anchor {
	const char *name;
	vigil_ynode *node;
} anchor;

typedef struct loader {
	vigil_ystream *y;
	vigil_ctx *ctx;
	frame stack[VIGIL_YAML_MAX_DEPTH + 1];
	int depth;
	vigil_ynode *root;
	bool has_root;
	vigil_vec anchors; /* anchor, of the current document */
	vigil_vec docs;	   /* vigil_ynode * */
	size_t nodes;
	size_t ndocs;
	int (*cb)(const vigil_ynode *doc, void *payload); /* per document, then forgotten */
	void *payload;
} loader;

static int fail(loader *ld, int code, int line, const char *msg)
{
	snprintf(ld->y->error, sizeof(ld->y->error), "%s", msg);
	ld->y->error_line = line;
	if (code == VIGIL_ELIMIT)
		vigil_error_set(ld->ctx, code, "YAML line %d: %s", line, msg);
	return code;
}

/* Attaches a finished node to the open collection, or makes it the document root. */
static int attach(loader *ld, vigil_ynode *n)
{
	if (ld->depth == 0) {
		ld->root = n;
		ld->has_root = true;
		return 0;
	}
	frame *f = &ld->stack[ld->depth - 1];
	vigil_ynode **slot = vigil_vec_push(&f->items);
	if (!slot)
		return VIGIL_ENOMEM;
	*slot = n;
	f->node->weight += n->weight;
	if (f->node->weight > VIGIL_YAML_MAX_WEIGHT)
		return fail(ld, VIGIL_ELIMIT, f->node->line,
			    "document too large once aliases are expanded");
	return 0;
}

static int remember(loader *ld, const char *name, vigil_ynode *n)
{
	anchor *a;
	if (!name)
		return 0;
	if (!(a = vigil_vec_push(&ld->anchors)) ||
	    !(a->name = vigil_arena_strdup(&ld->y->arena, name)))
		return VIGIL_ENOMEM;
	a->node = n;
	return 0;
}

static vigil_ynode *new_node(loader *ld, int kind, const yaml_event_t *ev)
{
	vigil_ynode *n;
	if (++ld->nodes > VIGIL_YAML_MAX_NODES)
		return NULL;
	if (!(n = vigil_arena_alloc(&ld->y->arena, sizeof(*n))))
		return NULL;
	n->kind = kind;
	n->line = (int)ev->start_mark.line + 1;
	n->weight = 1;
	return n;
}

/* Handles one event; returns 1 at the end of the stream. */
static int on_event(loader *ld, const yaml_event_t *ev)
{
	vigil_ynode *n;
	int line = (int)ev->start_mark.line + 1, error;
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		/* findings and kept trees grow with the documents: 100,000 took 254 MB */
		if (++ld->ndocs > VIGIL_YAML_MAX_DOCS) {
			char msg[64];
			snprintf(msg, sizeof(msg), "more than %d YAML documents",
				 VIGIL_YAML_MAX_DOCS);
			return fail(ld, VIGIL_ELIMIT, line, msg);
		}
		ld->root = NULL;
		ld->has_root = false;
		ld->anchors.len = 0;
		if (ld->cb) /* the limit is per document when documents are not kept */
			ld->nodes = 0;
		return 0;
	case YAML_DOCUMENT_END_EVENT: {
		if (ld->cb) {
			if ((error = ld->cb(ld->root, ld->payload)) < 0)
				return error;
			ld->anchors.len = 0;
			vigil_arena_clear(&ld->y->arena);
			vigil_arena_init(&ld->y->arena);
			return 0;
		}
		vigil_ynode **slot = vigil_vec_push(&ld->docs);
		if (!slot)
			return VIGIL_ENOMEM;
		*slot = ld->root;
		return 0;
	}
	case YAML_SCALAR_EVENT:
		if (!(n = new_node(ld, VIGIL_YSCALAR, ev)))
			goto nomem;
		if (!(n->str = vigil_arena_strndup(&ld->y->arena,
						   (const char *)ev->data.scalar.value,
						   ev->data.scalar.length)))
			return VIGIL_ENOMEM;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if ((error = remember(ld, (const char *)ev->data.scalar.anchor, n)) < 0)
			return error;
		return attach(ld, n);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ld->depth >= VIGIL_YAML_MAX_DEPTH)
			return fail(ld, VIGIL_ELIMIT, line, "nesting deeper than the limit");
		if (!(n = new_node(ld,
				   ev->type == YAML_SEQUENCE_START_EVENT ? VIGIL_YSEQ : VIGIL_YMAP,
				   ev)))
			goto nomem;
		const yaml_char_t *name = ev->type == YAML_SEQUENCE_START_EVENT
						  ? ev->data.sequence_start.anchor
						  : ev->data.mapping_start.anchor;
		ld->stack[ld->depth].anchor = NULL;
		if (name && !(ld->stack[ld->depth].anchor =
				      vigil_arena_strdup(&ld->y->arena, (const char *)name)))
			return VIGIL_ENOMEM;
		ld->stack[ld->depth].node = n;
		ld->stack[ld->depth].items.len = 0;
		ld->depth++;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		frame *f = &ld->stack[--ld->depth];
		n = f->node;
		n->n = f->items.len;
		if (n->kind == VIGIL_YMAP)
			n->n /= 2;
		if (f->items.len) {
			if (!(n->items = vigil_arena_alloc(&ld->y->arena,
							   f->items.len * sizeof(vigil_ynode *))))
				return VIGIL_ENOMEM;
			memcpy(n->items, f->items.data, f->items.len * sizeof(vigil_ynode *));
		}
		if ((error = remember(ld, f->anchor, n)) < 0)
			return error;
		return attach(ld, n);
	}
	case YAML_ALIAS_EVENT:
		for (size_t i = ld->anchors.len; i-- > 0;) {
			anchor *a = &VIGIL_VEC_AT(&ld->anchors, anchor, i);
			if (strcmp(a->name, (const char *)ev->data.alias.anchor) == 0)
				return attach(ld, a->node);
		}
		return fail(ld, VIGIL_EFORMAT, line, "alias to an unknown anchor");
	default:
		return 0;
	}
nomem:
	if (ld->nodes > VIGIL_YAML_MAX_NODES)
		return fail(ld, VIGIL_ELIMIT, line, "more nodes than the limit");
	return VIGIL_ENOMEM;
}

/* Loads a stream; with `cb`, each document is handed to it and then freed. */
static int load(vigil_ystream **out, vigil_ctx *ctx, const char *buf, size_t len,
		int (*cb)(const vigil_ynode *doc, void *payload), void *payload)
{
	yaml_parser_t parser;
	loader ld = {0};
	vigil_ystream *y;
	int error = 0;
	*out = NULL;
	if (len > VIGIL_YAML_MAX_INPUT)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "YAML larger than %u bytes",
				       VIGIL_YAML_MAX_INPUT);
	if (!(y = calloc(1, sizeof(*y))))
		return VIGIL_ENOMEM;
	vigil_arena_init(&y->arena);
	if (!yaml_parser_initialize(&parser)) {
		free(y);
		return VIGIL_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	ld.y = y;
	ld.ctx = ctx;
	ld.cb = cb;
	ld.payload = payload;
	ld.anchors = (vigil_vec)VIGIL_VEC_INIT(anchor);
	ld.docs = (vigil_vec)VIGIL_VEC_INIT(vigil_ynode *);
	for (int i = 0; i <= VIGIL_YAML_MAX_DEPTH; i++)
		ld.stack[i].items = (vigil_vec)VIGIL_VEC_INIT(vigil_ynode *);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			char msg[200];
			snprintf(msg, sizeof(msg), "%s%s%s",
				 parser.problem ? parser.problem : "syntax error",
				 parser.context ? " " : "", parser.context ? parser.context : "");
			error = fail(&ld, VIGIL_EFORMAT, (int)parser.problem_mark.line + 1, msg);
			break;
		}
		error = on_event(&ld, &ev);
		yaml_event_delete(&ev);
		if (error != 0)
			break;
	}
	if (error == 1 || error == VIGIL_EFORMAT)
		error = 0;
	if (error == VIGIL_ENOMEM) {
		vigil_error_set(ctx, error, "out of memory loading YAML");
	} else {
		y->ndocs = ld.docs.len;
		if (ld.docs.len &&
		    !(y->docs = vigil_arena_alloc(&y->arena, ld.docs.len * sizeof(vigil_ynode *))))
			error = VIGIL_ENOMEM;
		else if (ld.docs.len)
			memcpy(y->docs, ld.docs.data, ld.docs.len * sizeof(vigil_ynode *));
	}
	yaml_parser_delete(&parser);
	for (int i = 0; i <= VIGIL_YAML_MAX_DEPTH; i++)
		vigil_vec_free(&ld.stack[i].items);
	vigil_vec_free(&ld.anchors);
	vigil_vec_free(&ld.docs);
	if (error == VIGIL_ENOMEM) {
		vigil_yaml__free(y);
		return error;
	}
	*out = y;
	return error;
}

int vigil_yaml__load(vigil_ystream **out, vigil_ctx *ctx, const char *buf, size_t len)
{
	return load(out, ctx, buf, len, NULL, NULL);
}

int vigil_yaml__each(vigil_ystream **out, vigil_ctx *ctx, const char *buf, size_t len,
		     int (*cb)(const vigil_ynode *doc, void *payload), void *payload)
{
	return load(out, ctx, buf, len, cb, payload);
}

void vigil_yaml__free(vigil_ystream *y)
{
	if (!y)
		return;
	vigil_arena_clear(&y->arena);
	free(y);
}

const vigil_ynode *vigil_yaml__get(const vigil_ynode *m, const char *key)
{
	if (!m || m->kind != VIGIL_YMAP)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		const vigil_ynode *k = m->items[2 * i];
		if (k->kind == VIGIL_YSCALAR && strcmp(k->str, key) == 0)
			return m->items[2 * i + 1];
	}
	return NULL;
}

const vigil_ynode *vigil_yaml__key(const vigil_ynode *m, const char *key)
{
	if (!m || m->kind != VIGIL_YMAP)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		const vigil_ynode *k = m->items[2 * i];
		if (k->kind == VIGIL_YSCALAR && strcmp(k->str, key) == 0)
			return k;
	}
	return NULL;
}

const char *vigil_yaml__str(const vigil_ynode *n)
{
	return n && n->kind == VIGIL_YSCALAR ? n->str : NULL;
}

int vigil_yaml__bool(const vigil_ynode *n)
{
	const char *s = vigil_yaml__str(n);
	if (!s)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
	    (n->plain && (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "Yes"))))
		return 1;
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE") ||
	    (n->plain && (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "No"))))
		return 0;
	return -1;
}

const vigil_ynode *vigil_yaml__at(const vigil_ynode *s, size_t i)
{
	return s && s->kind == VIGIL_YSEQ && i < s->n ? s->items[i] : NULL;
}

size_t vigil_yaml__len(const vigil_ynode *s)
{
	return s && s->kind == VIGIL_YSEQ ? s->n : 0;
}

int vigil_yaml__preflight(const char *buf, size_t len, int max_docs, char *why, size_t whyn,
			  int *line)
{
	yaml_parser_t parser;
	int depth = 0, docs = 0, error = 0;
	size_t events = 0;
	*line = 0;
	why[0] = '\0';
	if (len > VIGIL_YAML_MAX_INPUT) {
		snprintf(why, whyn, "YAML larger than %u bytes", VIGIL_YAML_MAX_INPUT);
		return VIGIL_ELIMIT;
	}
	if (!yaml_parser_initialize(&parser))
		return VIGIL_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev))
			break; /* a syntax error: the caller's full load reports it */
		int type = ev.type;
		*line = (int)ev.start_mark.line + 1;
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
			if (++depth > VIGIL_YAML_MAX_DEPTH) {
				snprintf(why, whyn, "nested deeper than %d levels",
					 VIGIL_YAML_MAX_DEPTH);
				error = VIGIL_ELIMIT;
				break;
			}
		} else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (type == YAML_DOCUMENT_START_EVENT && ++docs > max_docs) {
			snprintf(why, whyn, "more than %d YAML document%s", max_docs,
				 max_docs == 1 ? "" : "s");
			error = VIGIL_ELIMIT;
			break;
		}
		if (++events > VIGIL_YAML_MAX_NODES) {
			snprintf(why, whyn, "more than %d YAML nodes", VIGIL_YAML_MAX_NODES);
			error = VIGIL_ELIMIT;
			break;
		}
	}
	yaml_parser_delete(&parser);
	return error;
}
