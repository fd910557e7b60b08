/* Internal helpers shared by libvigil, the CLI and the tests. Not public API. */
#ifndef VIGIL_UTIL_H
#define VIGIL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vigil.h"

#define VIGIL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- arena: many small allocations freed in one call ---------------------------- */

typedef struct vigil_arena_chunk vigil_arena_chunk;
typedef struct vigil_arena {
	vigil_arena_chunk *head;
	size_t used, cap; /* of the head chunk */
	size_t total;	  /* bytes of all chunks */
} vigil_arena;

void vigil_arena_init(vigil_arena *a);
void vigil_arena_clear(vigil_arena *a);
/* Returns zeroed memory aligned for any type, or NULL when out of memory. */
void *vigil_arena_alloc(vigil_arena *a, size_t n);
char *vigil_arena_strndup(vigil_arena *a, const char *s, size_t n);
char *vigil_arena_strdup(vigil_arena *a, const char *s);
char *vigil_arena_printf(vigil_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- growable byte buffer with a cap ----------------------------------------------- */

typedef struct vigil_buf {
	uint8_t *data;
	size_t len, cap;
	size_t limit; /* 0 = unlimited */
} vigil_buf;

#define VIGIL_BUF_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0, 0                                                                      \
	}
/* VIGIL_ENOMEM, or VIGIL_ELIMIT when the buffer would pass its limit. */
int vigil_buf_grow(vigil_buf *b, size_t extra);
int vigil_buf_put(vigil_buf *b, const void *p, size_t n);
int vigil_buf_putc(vigil_buf *b, char c);
int vigil_buf_puts(vigil_buf *b, const char *s);
int vigil_buf_printf(vigil_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates without counting the NUL in len. */
int vigil_buf_cstr(vigil_buf *b);
void vigil_buf_free(vigil_buf *b);

/* ---- growable array of fixed-size elements ---------------------------------------- */

typedef struct vigil_vec {
	void *data;
	size_t len, cap, elem;
} vigil_vec;

#define VIGIL_VEC_INIT(type)                                                                       \
	{                                                                                          \
		NULL, 0, 0, sizeof(type)                                                           \
	}
/* Appends one zeroed element and returns it, or NULL when out of memory. */
void *vigil_vec_push(vigil_vec *v);
void vigil_vec_free(vigil_vec *v);
#define VIGIL_VEC_AT(v, type, i) (((type *)(v)->data)[i])

/* qsort and bsearch that accept an empty (NULL) array, which the C library's do not. */
void vigil_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *vigil_bsearch(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *));

/* ---- errors ------------------------------------------------------------------------ */

/* Formats a message into ctx's error and returns `code`. */
int vigil_error_set(vigil_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Formats a message for a warning; passed to the ctx's warn callback. */
void vigil_warn(vigil_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- digests ------------------------------------------------------------------------ */

typedef struct vigil_sha256 vigil_sha256;
int vigil_sha256_new(vigil_sha256 **out);
void vigil_sha256_update(vigil_sha256 *h, const void *p, size_t n);
/* Writes "sha256:<64 hex>" and a NUL into out (72 bytes). */
void vigil_sha256_final(vigil_sha256 *h, char out[72]);
void vigil_sha256_free(vigil_sha256 *h);
/* One-shot "sha256:<hex>" of a buffer. */
int vigil_sha256_buf(char out[72], const void *p, size_t n);
/* True when `d` is "sha256:" followed by 64 lower-case hex digits. */
bool vigil_digest_is_sha256(const char *d);

/* ---- sizes and numbers ------------------------------------------------------------- */

/* Parses "123", "64K", "10M", "2G" (powers of 1024). Returns 0 or VIGIL_EINVAL. */
int vigil_parse_size(uint64_t *out, const char *s);
/* Parses a plain unsigned decimal number that fits `max`. */
int vigil_parse_uint(uint64_t *out, const char *s, uint64_t max);
/* "12.3 MB" style, into buf. */
const char *vigil_human_size(char *buf, size_t n, uint64_t bytes);

/* ---- names ----------------------------------------------------------------------- */

/* A PyPI project name normalised as PEP 503 says (lower case, runs of "-_." become
 * "-"), into out (n bytes, cut to fit): the importers and the matcher key on it. */
void vigil_pep503_name(char *out, size_t n, const char *name);

/* ---- inputs opened by path (file.c) ---------------------------------------------- */

/* Opens path (relative to dirfd, or AT_FDCWD) read-only when it is a regular file: a FIFO
 * or device never blocks (O_NONBLOCK, then fstat). Returns the fd, or -1 with errno set:
 * EISDIR for a directory, EINVAL for any other special file. `flags` adds O_NOFOLLOW etc. */
int vigil_open_regular(int dirfd, const char *path, int flags);
/* As vigil_open_regular, as a FILE opened "rb"; NULL with errno set. */
FILE *vigil_fopen_regular(const char *path);
/* strerror with the two errors above said plainly ("not a regular file ..."). */
const char *vigil_open_strerror(int e);
/* Appends everything left in f to b, bounded by b->limit (set it first: the bound holds
 * also for a file that grows while read). Returns 0, VIGIL_ELIMIT, VIGIL_ENOMEM or
 * VIGIL_EIO (a read error). Does not close f. */
int vigil_buf_fread_all(vigil_buf *b, FILE *f);

/* ---- text for terminals and XML (text.c) ------------------------------------------ */

/* Takes the next character of `s` and writes its safe rendering into out (NUL-ended):
 * the character itself, or an escape for a C0/C1 control, DEL, a bidirectional control
 * or an invalid UTF-8 byte ("\x1b", "\u009b", "\u202e", "\xff"). Sets *cols to the
 * columns it takes and returns the bytes of `s` used, 0 at the end (or for NULL). */
size_t vigil_text_next(char out[12], int *cols, const char *s);
/* Writes `s` (NULL writes nothing) with everything vigil_text_next escapes escaped. The
 * one routine for text from an image on any terminal or text output. */
void vigil_text_put(FILE *f, const char *s);
/* As vigil_text_put, into out (outlen bytes, always NUL-ended when outlen > 0), cut before
 * the first character whose rendering does not fit: for messages that quote input, such
 * as a JSON parser's error text, which holds the bytes of the token it stopped at. */
void vigil_text_escape(char *out, size_t outlen, const char *s);
/* Length of the valid UTF-8 sequence at s (1-4, s NUL-terminated) and its code point in
 * *cp, or 0 when it is not valid UTF-8 (overlong, surrogate, past U+10FFFF, cut short). */
size_t vigil_utf8_decode(const unsigned char *s, unsigned *cp);
/* Whether code point cp is one that text output shows escaped: C0 and C1 controls, DEL,
 * bidirectional controls and marks, line and paragraph separators, the byte-order mark and
 * the XML-forbidden noncharacters U+FFFE and U+FFFF. */
bool vigil_cp_unsafe(unsigned cp);
/* As vigil_text_put, cut with '~' to |width| columns (0 = no cut) and padded with
 * spaces to width when width is positive. Returns the columns written. */
int vigil_text_put_width(FILE *f, const char *s, int width);
/* Writes `s` as XML 1.0 text or attribute value: the escapes above plus &lt; &gt; &amp;
 * &quot; &apos;, so the output is well-formed whatever the input. */
void vigil_xml_put(FILE *f, const char *s);

/* A linear count of the values of a JSON text (commas and openings outside strings, an
 * upper bound): true when it passes max. Lets a reader refuse a document whose tree would
 * take far more memory than its text before building that tree. */
bool vigil_json_values_over(const void *buf, size_t len, size_t max);
/* Values in one manifest, index or config document (1M Env entries took 139 MB). */
#define VIGIL_JSON_MAX_VALUES 200000

/* ---- JSON writer: streams to a FILE, always valid UTF-8 output ---------------------- */

typedef struct vigil_jsonw {
	FILE *f;
	int depth;
	int pretty; /* newlines and indentation down to this depth; 0 = compact */
	bool need_comma[64];
	bool after_key;
} vigil_jsonw;

void vigil_jsonw_init(vigil_jsonw *w, FILE *f, int pretty);
void vigil_jsonw_obj_begin(vigil_jsonw *w);
void vigil_jsonw_obj_end(vigil_jsonw *w);
void vigil_jsonw_arr_begin(vigil_jsonw *w);
void vigil_jsonw_arr_end(vigil_jsonw *w);
void vigil_jsonw_key(vigil_jsonw *w, const char *k);
void vigil_jsonw_str(vigil_jsonw *w, const char *s); /* NULL writes null */
void vigil_jsonw_int(vigil_jsonw *w, int64_t v);
void vigil_jsonw_uint(vigil_jsonw *w, uint64_t v);
/* A number with one decimal ("7.5"), as CVSS scores are written. */
void vigil_jsonw_fixed1(vigil_jsonw *w, double v);
/* A number with 5 decimals (EPSS probabilities). */
void vigil_jsonw_fixed5(vigil_jsonw *w, double v);
void vigil_jsonw_bool(vigil_jsonw *w, bool v);
void vigil_jsonw_null(vigil_jsonw *w);
/* Finishes the document with a newline. */
void vigil_jsonw_end(vigil_jsonw *w);
/* Writes `s` as a JSON string body (no quotes), replacing invalid UTF-8 with U+FFFD. */
void vigil_json_escape(FILE *f, const char *s);

#endif
