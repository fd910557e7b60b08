/*
 * A pull reader of JSON for the language catalogers (npm, Composer, .NET): it walks a
 * document in place and decodes only the strings asked for, so memory stays bounded by
 * the nesting depth and those strings, whatever the document holds. (A tree parser
 * spends tens of bytes per value: "[{},{},...]" costs some 80 times its size.)
 *
 * Errors are sticky: after one, every call returns it. Usage:
 *
 *	vigil_json j;
 *	vigil_json__init(&j, data, len);
 *	if (vigil_json__enter(&j, '{') < 0) ...
 *	while ((r = vigil_json__member(&j, &key)) == 1) {
 *		if (strcmp(key.data, "name") == 0 && vigil_json__peek(&j) == VIGIL_JSON_STRING)
 *			r = vigil_json__string(&j, &val);
 *		else
 *			r = vigil_json__skip(&j);
 *		if (r < 0) ...
 *	}
 *	(r is 0 at the end of the object, negative on error; then vigil_json__end)
 */
#ifndef VIGIL_CATALOG_JSONPULL_H
#define VIGIL_CATALOG_JSONPULL_H

#include "util/util.h"

#define VIGIL_JSON_MAX_DEPTH 512

typedef enum vigil_json_type {
	VIGIL_JSON_NONE = 0, /* end of a container, end of input, or malformed */
	VIGIL_JSON_OBJECT,
	VIGIL_JSON_ARRAY,
	VIGIL_JSON_STRING,
	VIGIL_JSON_NUMBER,
	VIGIL_JSON_TRUE,
	VIGIL_JSON_FALSE,
	VIGIL_JSON_NULL,
} vigil_json_type;

typedef struct vigil_json {
	const uint8_t *p, *end;
	int depth;
	int error; /* 0, VIGIL_EFORMAT, VIGIL_ELIMIT or VIGIL_ENOMEM */
	uint8_t first[VIGIL_JSON_MAX_DEPTH + 1]; /* no element read yet at this depth */
} vigil_json;

/* Starts reading `data` (borrowed; it must outlive the reader). */
void vigil_json__init(vigil_json *j, const uint8_t *data, size_t len);
/* The type of the next value, without consuming it (NONE at a container's end). */
vigil_json_type vigil_json__peek(vigil_json *j);
/* Consumes the '{' or '[' (`open`) that starts the next value. VIGIL_EFORMAT when the
 * value is something else, VIGIL_ELIMIT past VIGIL_JSON_MAX_DEPTH. */
int vigil_json__enter(vigil_json *j, char open);
/* In an object: reads the next member's key into `key` (NUL-terminated; NULL to skip
 * it) and returns 1 with the cursor at the value, which the caller must consume; or
 * consumes the closing '}' and returns 0; or returns a negative error. */
int vigil_json__member(vigil_json *j, vigil_buf *key);
/* In an array: returns 1 with the cursor at the next element, 0 after the closing ']'. */
int vigil_json__element(vigil_json *j);
/* Reads a string value into `out` (cleared first, NUL-terminated; NULL to skip it).
 * VIGIL_ELIMIT when it passes out->limit; VIGIL_EFORMAT for "\u0000", control bytes,
 * bad escapes or lone surrogates. */
int vigil_json__string(vigil_json *j, vigil_buf *out);
/* Reads the next value into `out` when it is a string and returns 1; skips it and
 * returns 0 when it is of another type; or returns a negative error. */
int vigil_json__maybe_string(vigil_json *j, vigil_buf *out);
/* Skips the next value, whatever it is, checking its syntax. */
int vigil_json__skip(vigil_json *j);
/* After the top-level value: only white space may follow. */
int vigil_json__end(vigil_json *j);

#endif
