/*
 * Reading image metadata keys the way the container runtimes do. Go's encoding/json (used
 * by containerd, Docker, umoci, skopeo) matches a JSON key to a struct field without regard
 * to case, with Unicode simple folding (U+017F 'ſ' matches 's', U+212A Kelvin sign matches
 * 'k'), and the last of several matching keys wins. Vigil refuses every document in which
 * two keys of one struct object would name the same field (exact duplicates are refused
 * by the parser everywhere), and then looks fields up by folded name: with no collision
 * left, "the last one wins" and "the only one" are the same key, so Vigil reads exactly
 * what the runtime reads.
 */
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "jsonkey.h"

/* Appends the Go-folded form of `key` to `b`: ASCII letters lowered, U+017F -> 's',
 * U+212A -> 'k'. Every other rune is kept: no other rune's simple-fold orbit holds an ASCII
 * letter, so no other rune can make a key match one of the (ASCII) field names. */
static int fold(vigil_buf *b, const char *key)
{
	const unsigned char *p = (const unsigned char *)key;
	while (*p) {
		char c;
		if (*p >= 'A' && *p <= 'Z') {
			c = (char)(*p + 32);
			p++;
		} else if (p[0] == 0xC5 && p[1] == 0xBF) { /* U+017F LATIN SMALL LETTER LONG S */
			c = 's';
			p += 2;
		} else if (p[0] == 0xE2 && p[1] == 0x84 && p[2] == 0xAA) { /* U+212A KELVIN */
			c = 'k';
			p += 3;
		} else {
			c = (char)*p++;
		}
		if (vigil_buf_putc(b, c) < 0)
			return VIGIL_ENOMEM;
	}
	return vigil_buf_putc(b, '\0') < 0 ? VIGIL_ENOMEM : 0;
}

/* Whether `key` folds to the ASCII field name `name` (compared folded, no allocation). */
static int fold_eq(const char *key, const char *name)
{
	const unsigned char *p = (const unsigned char *)key, *q = (const unsigned char *)name;
	while (*p && *q) {
		unsigned c;
		if (*p >= 'A' && *p <= 'Z')
			c = (unsigned)(*p++ + 32);
		else if (p[0] == 0xC5 && p[1] == 0xBF)
			c = 's', p += 2;
		else if (p[0] == 0xE2 && p[1] == 0x84 && p[2] == 0xAA)
			c = 'k', p += 3;
		else
			c = *p++;
		unsigned d = (*q >= 'A' && *q <= 'Z') ? (unsigned)(*q + 32) : *q;
		q++;
		if (c != d)
			return 0;
	}
	return !*p && !*q;
}

json_t *vigil_image__jget(json_t *obj, const char *name)
{
	const char *key;
	json_t *val, *exact;
	if (!json_is_object(obj))
		return NULL;
	if ((exact = json_object_get(obj, name)))
		return exact;
	json_object_foreach(obj, key, val)
	{
		if (fold_eq(key, name))
			return val;
	}
	return NULL;
}

typedef struct fkey {
	const char *folded, *orig;
} fkey;

static int fkey_cmp(const void *a, const void *b)
{
	return strcmp(((const fkey *)a)->folded, ((const fkey *)b)->folded);
}

/* Objects that Go decodes into a map[string]...: keys are matched exactly there, so
 * keys differing in case are distinct entries, not a collision. */
static int is_map_field(const char *key)
{
	return fold_eq(key, "labels") || fold_eq(key, "annotations") ||
	       fold_eq(key, "exposedports") || fold_eq(key, "volumes");
}

static int check(json_t *j, int is_map, int depth, const char **a, const char **b, vigil_buf *tmp)
{
	const char *key;
	json_t *val;
	int error;
	if (depth > 256)
		return VIGIL_ELIMIT;
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			if ((error = check(json_array_get(j, i), 0, depth + 1, a, b, tmp)) != 0)
				return error;
		return 0;
	}
	if (!json_is_object(j))
		return 0;
	size_t n = json_object_size(j), k = 0;
	if (!is_map && n > 1) {
		fkey *v = calloc(n, sizeof(*v));
		size_t *offs = calloc(n, sizeof(*offs));
		error = 0;
		if (!v || !offs) {
			free(v);
			free(offs);
			return VIGIL_ENOMEM;
		}
		tmp->len = 0;
		json_object_foreach(j, key, val)
		{
			offs[k] = tmp->len;
			v[k].orig = key;
			if ((error = fold(tmp, key)) < 0)
				break;
			k++;
		}
		if (!error) {
			for (size_t i = 0; i < k; i++)
				v[i].folded = (const char *)tmp->data + offs[i];
			qsort(v, k, sizeof(*v), fkey_cmp);
			for (size_t i = 1; i < k; i++) {
				if (strcmp(v[i - 1].folded, v[i].folded) == 0) {
					*a = v[i - 1].orig;
					*b = v[i].orig;
					error = 1;
					break;
				}
			}
		}
		free(v);
		free(offs);
		if (error)
			return error;
	}
	json_object_foreach(j, key, val)
	{
		if ((error = check(val, !is_map && is_map_field(key), depth + 1, a, b, tmp)) != 0)
			return error;
	}
	return 0;
}

int vigil_image__json_keys_check(json_t *doc, const char **a, const char **b)
{
	vigil_buf tmp = VIGIL_BUF_INIT;
	int error;
	*a = *b = NULL;
	error = check(doc, 0, 0, a, b, &tmp);
	vigil_buf_free(&tmp);
	return error;
}
