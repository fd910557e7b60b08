/*
 * PyPA advisory database (github.com/pypa/advisory-database): OSV records written as
 * YAML, vulns/<package>/PYSEC-*.yaml. Each document is converted to the JSON the OSV
 * importer reads; package names are PEP 503-normalised there (ecosystem "pypi"). Also
 * the YAML-to-JSON conversion the other YAML feeds use.
 */
#include <string.h>

#include <yaml.h>

#include "lang.h"

#define YAML_MAX_NODES 200000 /* nodes visited per document, aliases included */
#define YAML_MAX_DEPTH 64

static json_t *convert(yaml_document_t *doc, yaml_node_t *node, int depth, size_t *budget)
{
	json_t *out = NULL;
	if (!node || depth > YAML_MAX_DEPTH || (*budget)-- == 0)
		return NULL;
	switch (node->type) {
	case YAML_SCALAR_NODE: {
		const char *v = (const char *)node->data.scalar.value;
		size_t n = node->data.scalar.length;
		if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (n == 0 || (n == 1 && v[0] == '~') ||
		     (n == 4 && (strncmp(v, "null", 4) == 0 || strncmp(v, "Null", 4) == 0 ||
				 strncmp(v, "NULL", 4) == 0))))
			return json_null();
		return json_stringn(v, n);
	}
	case YAML_SEQUENCE_NODE:
		if (!(out = json_array()))
			return NULL;
		for (yaml_node_item_t *it = node->data.sequence.items.start;
		     it < node->data.sequence.items.top; it++) {
			json_t *child =
				convert(doc, yaml_document_get_node(doc, *it), depth + 1, budget);
			if (!child || json_array_append_new(out, child) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	case YAML_MAPPING_NODE:
		if (!(out = json_object()))
			return NULL;
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     p < node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (!k || k->type != YAML_SCALAR_NODE) {
				json_decref(out);
				return NULL;
			}
			json_t *child = convert(doc, yaml_document_get_node(doc, p->value),
						depth + 1, budget);
			/* keys are cut to 255 bytes, at a character boundary: jansson refuses a
			 * key cut inside a UTF-8 sequence (-1), and one such key made the whole
			 * document unreadable */
			const unsigned char *kv = k->data.scalar.value;
			size_t kn = k->data.scalar.length < 255 ? k->data.scalar.length : 255;
			while (kn > 0 && kn < k->data.scalar.length && (kv[kn] & 0xC0) == 0x80)
				kn--;
			char key[256];
			snprintf(key, sizeof(key), "%.*s", (int)kn, (const char *)kv);
			if (!child || json_object_set_new(out, key, child) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	default:
		return NULL;
	}
}

int vigil_vdb__yaml_to_json(json_t **out, const uint8_t *data, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	size_t budget = YAML_MAX_NODES;
	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return VIGIL_ENOMEM;
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		return VIGIL_EFORMAT;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	*out = root ? convert(&doc, root, 0, &budget) : NULL;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return *out ? 0 : VIGIL_EFORMAT;
}

static int want(const char *member)
{
	size_t n = strlen(member);
	const char *base = strrchr(member, '/');
	return strncmp(member, "vulns/", 6) == 0 && base && n > 5 &&
	       strcmp(member + n - 5, ".yaml") == 0;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	static const vigil_osv_opts opts = {1};
	json_t *doc;
	int error;
	/* JSON only holds valid UTF-8: libyaml rejects anything else already */
	if (vigil_vdb__yaml_to_json(&doc, data, len) < 0 || !json_is_object(doc)) {
		json_decref(doc);
		vigil_vdb__skipped(b, member, "malformed YAML");
		return 0;
	}
	error = vigil_vdb__osv_record(b, member, doc, &opts);
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_pypa = {
	"pypa-advisory-database",
	"https://codeload.github.com/pypa/advisory-database/tar.gz/refs/heads/main",
	want,
	parse,
	4u << 20,
};

/* Joins the strings of an array with ", ". */
char *vigil_vdb__join_and(json_t *arr)
{
	vigil_buf buf = VIGIL_BUF_INIT;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (!s)
			continue;
		if ((buf.len && vigil_buf_puts(&buf, ", ") < 0) || vigil_buf_puts(&buf, s) < 0) {
			vigil_buf_free(&buf);
			return NULL;
		}
	}
	if (vigil_buf_cstr(&buf) < 0) {
		vigil_buf_free(&buf);
		return NULL;
	}
	return (char *)buf.data;
}

char *vigil_vdb__constraints(json_t *vulnerable, json_t *patched, json_t *unaffected, int *nomem)
{
	json_t *c = json_object(), *lists[3] = {vulnerable, patched, unaffected};
	static const char *const keys[3] = {"vulnerable", "patched", "unaffected"};
	char *text = NULL;
	*nomem = 0;
	if (!c) {
		*nomem = 1;
		return NULL;
	}
	for (int i = 0; i < 3; i++) {
		json_t *keep = json_array();
		for (size_t k = 0; keep && k < json_array_size(lists[i]); k++) {
			json_t *s = json_array_get(lists[i], k);
			if (json_is_string(s) && json_string_length(s) > 0)
				json_array_append(keep, s);
		}
		if (keep && json_array_size(keep) > 0)
			json_object_set(c, keys[i], keep);
		json_decref(keep);
	}
	if (json_object_size(c) > 0 && !(text = json_dumps(c, JSON_COMPACT)))
		*nomem = 1;
	json_decref(c);
	return text;
}

void vigil_vdb__version_of(char *out, size_t n, const char *req)
{
	const char *p = req ? req : "";
	while (*p && strchr("<>=~^! \tv", *p))
		p++;
	size_t len = strcspn(p, ", \t|");
	snprintf(out, n, "%.*s", (int)len, p);
}

const char *vigil_vdb__jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}
