/*
 * Helpers shared by the lockfile catalogers: see lock.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "vulndb/lang.h"

#define KEY_MAX 4096 /* a key the visitor keeps on its path (longer ones: ELIMIT) */
#define VALUE_MAX (1u << 20)

int vigil_lock__add(vigil_catalog_result *r, const char *type, const char *group, const char *name,
		    const char *version, unsigned flags)
{
	vigil_pkg_in p;
	if (!name || !*name || !version || !*version) {
		vigil_catalog__skipped(r, "package without name or version");
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.type = type;
	p.group = group && *group ? group : NULL;
	p.name = name;
	p.version = version;
	p.flags = flags;
	return vigil_catalog__add(r, &p);
}

int vigil_lock__addn(vigil_catalog_result *r, const char *type, const char *name, size_t nlen,
		     const char *version, size_t vlen, unsigned flags)
{
	char *n = vigil_catalog__strndup(r, name, nlen),
	     *v = vigil_catalog__strndup(r, version, vlen);
	if (!n || !v)
		return VIGIL_ENOMEM;
	return vigil_lock__add(r, type, NULL, n, v, flags);
}

typedef struct visitor {
	vigil_json j;
	vigil_buf keys[VIGIL_LOCK_JSON_DEPTH];
	const char *path[VIGIL_LOCK_JSON_DEPTH];
	vigil_buf value;
	vigil_lock_json_cb cb;
	void *payload;
} visitor;

static int emit(visitor *v, int depth, vigil_json_type t, const char *val, size_t len, int end)
{
	vigil_lock_jev ev = {v->path, depth, t, val, len, end};
	for (int i = 0; i < depth; i++)
		v->path[i] = (const char *)v->keys[i].data;
	return v->cb(&ev, v->payload);
}

/* Visits the value at the cursor, which sits at path[0..depth). */
static int visit(visitor *v, int depth)
{
	vigil_json_type t = vigil_json__peek(&v->j);
	int error;
	if (t == VIGIL_JSON_STRING) {
		if ((error = vigil_json__string(&v->j, &v->value)) < 0)
			return error;
		return emit(v, depth, t, (const char *)v->value.data, v->value.len, 0);
	}
	if (t != VIGIL_JSON_OBJECT && t != VIGIL_JSON_ARRAY) {
		if ((error = vigil_json__skip(&v->j)) < 0)
			return error;
		return emit(v, depth, t, NULL, 0, 0);
	}
	if (depth >= VIGIL_LOCK_JSON_DEPTH)
		return vigil_json__skip(&v->j);
	if ((error = vigil_json__enter(&v->j, t == VIGIL_JSON_OBJECT ? '{' : '[')) < 0)
		return error;
	if (t == VIGIL_JSON_OBJECT) {
		while ((error = vigil_json__member(&v->j, &v->keys[depth])) == 1)
			if ((error = visit(v, depth + 1)) < 0)
				return error;
	} else {
		for (unsigned long i = 0; (error = vigil_json__element(&v->j)) == 1; i++) {
			v->keys[depth].len = 0;
			if ((error = vigil_buf_printf(&v->keys[depth], "%lu", i)) < 0 ||
			    (error = vigil_buf_cstr(&v->keys[depth])) < 0 ||
			    (error = visit(v, depth + 1)) < 0)
				return error;
		}
	}
	if (error < 0)
		return error;
	return emit(v, depth, t, NULL, 0, 1);
}

/* A copy of JSONC text without the commas that trail an object's or array's last
 * element (outside strings); NULL when out of memory. */
static uint8_t *strip_trailing_commas(const uint8_t *d, size_t len, size_t *outlen)
{
	uint8_t *o = malloc(len ? len : 1);
	size_t n = 0;
	int in_str = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = d[i];
		if (in_str) {
			if (c == '\\' && i + 1 < len)
				o[n++] = c, c = d[++i];
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == ',') {
			size_t k = i + 1;
			while (k < len &&
			       (d[k] == ' ' || d[k] == '\t' || d[k] == '\n' || d[k] == '\r'))
				k++;
			if (k < len && (d[k] == '}' || d[k] == ']'))
				continue;
		}
		o[n++] = c;
	}
	*outlen = n;
	return o;
}

int vigil_lock__json(const uint8_t *data, size_t len, int jsonc, vigil_lock_json_cb cb,
		     void *payload)
{
	visitor *v = calloc(1, sizeof(*v));
	uint8_t *copy = NULL;
	int error;
	if (!v)
		return VIGIL_ENOMEM;
	if (jsonc) {
		if (!(copy = strip_trailing_commas(data, len, &len))) {
			free(v);
			return VIGIL_ENOMEM;
		}
		data = copy;
	}
	for (int i = 0; i < VIGIL_LOCK_JSON_DEPTH; i++)
		v->keys[i].limit = KEY_MAX;
	v->value.limit = VALUE_MAX;
	v->cb = cb;
	v->payload = payload;
	vigil_json__init(&v->j, data, len);
	if ((error = visit(v, 0)) == 0)
		error = vigil_json__end(&v->j);
	for (int i = 0; i < VIGIL_LOCK_JSON_DEPTH; i++)
		vigil_buf_free(&v->keys[i]);
	vigil_buf_free(&v->value);
	free(v);
	free(copy);
	return error;
}

int vigil_lock__key(const vigil_lock_jev *ev, int i, const char *lit)
{
	return i >= 0 && i < ev->depth && strcmp(ev->path[i], lit) == 0;
}

json_t *vigil_lock__toml(const uint8_t *data, size_t len, int *error)
{
	json_t *t = vigil_toml_parse((const char *)data, len, NULL, 0);
	*error = t ? 0 : VIGIL_EFORMAT;
	return t;
}

json_t *vigil_lock__yaml(const uint8_t *data, size_t len, int *error)
{
	json_t *t = NULL;
	*error = vigil_vdb__yaml_to_json(&t, data, len);
	if (*error == 0 && !t)
		*error = VIGIL_EFORMAT;
	if (*error < 0) {
		json_decref(t);
		t = NULL;
	}
	return t;
}

const char *vigil_lock__str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int vigil_lock__line(const char **p, const char *end, const char **line, size_t *n)
{
	if (*p >= end)
		return 0;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *le = nl ? nl : end;
	*line = *p;
	*n = (size_t)(le - *p);
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	*p = nl ? nl + 1 : end;
	return 1;
}

void vigil_lock__trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int vigil_lock__starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(s, lit, k) == 0;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2's global state, set up once before parsers run on several threads. */
static void xml_init(void)
{
	xmlInitParser();
}

xmlDocPtr vigil_lock__xml(const uint8_t *data, size_t len)
{
	if (len > VIGIL_LOCK_XML_MAX)
		return NULL;
	pthread_once(&xml_once, xml_init);
	return xmlReadMemory((const char *)data, (int)len, NULL, NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				     XML_PARSE_NOCDATA);
}

char *vigil_lock__xml_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return (char *)xmlNodeGetContent(c);
	return NULL;
}

int vigil_lock__in_dependency_tree(const char *path)
{
	static const char *const inside[] = {
		"/node_modules/",   "/site-packages/",	"/dist-packages/",
		"/vendor/",	    "/pkg/mod/",	"/.cargo/registry/",
		"/cargo/registry/", "/.cargo/git/",	"/cargo/git/",
		"/gems/",	    "/.m2/repository/", "/testdata/",
	};
	static const char *const goroot[] = {"/usr/local/go/", "/usr/lib/go/", "/usr/lib/go-",
					     "/usr/share/go-", "/usr/share/go/"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(inside); i++)
		if (strstr(path, inside[i]))
			return 1;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(goroot); i++)
		if (strncmp(path, goroot[i], strlen(goroot[i])) == 0)
			return 1;
	return 0;
}

size_t vigil_lock__cspn(const char *s, size_t n, const char *reject)
{
	size_t i = 0;
	while (i < n && s[i] && !strchr(reject, s[i]))
		i++;
	return i;
}

int vigil_lock__set(json_t *set, const char *key, json_t *value)
{
	/* _nocheck: the key is bytes of the input (or a name cut to a key buffer), not
	 * always UTF-8, and json_object_set_new refuses such a key with -1 (which is
	 * VIGIL_ENOMEM: a lockfile with one such name ended the scan "out of memory"). The
	 * sets are lookup tables, never serialized, so any bytes are fine as a key. */
	return json_object_set_new_nocheck(set, key, value) < 0 ? VIGIL_ENOMEM : 0;
}
