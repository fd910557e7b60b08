/*
 * yamlload.h - a YAML loader on libyaml that keeps the line of every node: a stream of
 * documents, each a tree of scalars, sequences and mappings. Aliases share the node
 * they name; the loader bounds depth, node count, input size and the expanded size an
 * alias can reach (a billion-laughs document fails with VIGIL_ELIMIT). JSON is YAML,
 * so JSON manifests load too.
 */
#ifndef VIGIL_CONFIG_YAMLLOAD_H
#define VIGIL_CONFIG_YAMLLOAD_H

#include "config/config.h"

#define VIGIL_YAML_MAX_INPUT (16u << 20)
#define VIGIL_YAML_MAX_DEPTH 64
#define VIGIL_YAML_MAX_NODES 1000000
#define VIGIL_YAML_MAX_DOCS 10000     /* documents in one file */
#define VIGIL_YAML_MAX_WEIGHT 2000000 /* nodes of a document with aliases expanded */

enum { VIGIL_YSCALAR, VIGIL_YSEQ, VIGIL_YMAP };

typedef struct vigil_ynode vigil_ynode;
struct vigil_ynode {
	int kind;
	int line;	     /* 1-based */
	const char *str;     /* scalars: the value */
	bool plain;	     /* scalars: unquoted (so null / true / numbers mean what they say) */
	vigil_ynode **items; /* sequences: n items; mappings: n pairs, key then value */
	size_t n;
	uint64_t weight; /* 1 + the weights of the items, aliases counted in full */
};

typedef struct vigil_ystream {
	vigil_arena arena;
	vigil_ynode **docs; /* one root per document; an empty document is NULL */
	size_t ndocs;
	char error[256]; /* why loading stopped early, or "" */
	int error_line;
} vigil_ystream;

/* Loads every document of buf. A syntax error keeps the documents before it and
 * records the reason in (*out)->error; VIGIL_ELIMIT past the bounds above (also with
 * *out set and the earlier documents kept), VIGIL_ENOMEM. Free with vigil_yaml__free. */
int vigil_yaml__load(vigil_ystream **out, vigil_ctx *ctx, const char *buf, size_t len);
void vigil_yaml__free(vigil_ystream *y);
/* As vigil_yaml__load, but hands each document to `cb` (NULL for an empty one) and
 * frees it before reading the next, so memory and the node limit are per document.
 * A negative return from cb stops the stream with that code. *out keeps no documents,
 * only the error fields. */
/* A linear pass over libyaml's event stream before a whole-document load
 * (yaml_parser_load has no depth limit and slows down quadratically with depth):
 * VIGIL_ELIMIT with the reason in why and the line in *line when the input nests deeper
 * than VIGIL_YAML_MAX_DEPTH, has more than VIGIL_YAML_MAX_NODES events or more than
 * max_docs documents; 0 otherwise (also on a syntax error, left to the load to report). */
int vigil_yaml__preflight(const char *buf, size_t len, int max_docs, char *why, size_t whyn,
			  int *line);
int vigil_yaml__each(vigil_ystream **out, vigil_ctx *ctx, const char *buf, size_t len,
		     int (*cb)(const vigil_ynode *doc, void *payload), void *payload);

/* The value of `key` in a mapping, or NULL (also when m is not a mapping). */
const vigil_ynode *vigil_yaml__get(const vigil_ynode *m, const char *key);
/* The key node of `key` in a mapping (its line is the field's), or NULL. */
const vigil_ynode *vigil_yaml__key(const vigil_ynode *m, const char *key);
/* The scalar value of n, or NULL when n is missing or not a scalar. */
const char *vigil_yaml__str(const vigil_ynode *n);
/* A boolean scalar: 1 true, 0 false, -1 missing or not a boolean. */
int vigil_yaml__bool(const vigil_ynode *n);
/* Child of a sequence, or NULL. */
const vigil_ynode *vigil_yaml__at(const vigil_ynode *s, size_t i);
size_t vigil_yaml__len(const vigil_ynode *s);

/* Runs the Kubernetes checks (k8s.c) on one file's text, adding findings to r. Files
 * without a Kubernetes object are not counted; *found says whether there was one. */
int vigil_config__k8s(vigil_config_result *r, vigil_ctx *ctx, const char *file, const char *buf,
		      size_t len, const vigil_config_opts *opts, bool *found);

#endif
