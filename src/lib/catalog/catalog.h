/*
 * Internal interface of the catalogers. A cataloger names the files it reads (want) and
 * parses one version of one file at a time (parse), adding packages through
 * vigil_catalog__add. The framework buffers the content, runs the parsers as layers
 * stream (possibly on several threads; parsers must not keep state between calls), and
 * afterwards keeps only results from files present in the final filesystem.
 */
#ifndef VIGIL_CATALOG_H
#define VIGIL_CATALOG_H

#include "../image/image.h"

typedef struct vigil_catalog_result vigil_catalog_result;

/* What a parser fills in; strings are copied by vigil_catalog__add. */
typedef struct vigil_pkg_in {
	const char *type, *name, *version, *arch, *source_name, *source_version, *license;
	const char *group, *modularity;
	const char *location;	  /* default: the parsed file's path; nested jars: "a.jar!/b.jar" */
	const char *purl;	  /* default: built from type, group, name, version, arch, distro */
	const char *const *files; /* absolute paths, NULL-terminated */
	unsigned flags;		  /* VIGIL_PKG_DIRECT, _INDIRECT, _DEV, _OPTIONAL */
} vigil_pkg_in;

enum {
	/* the file is a package database rewritten by each layer that changes it: a package's
	 * layer is the lowest layer from which it stays unchanged (dpkg, apk, rpm) */
	VIGIL_CAT_DATABASE = 1,
	/* packages are OS packages (their files are excluded from language catalogers) */
	VIGIL_CAT_OS = 2,
	/* archives and binaries: the size limit is the inventory's max_archive_size
	 * (--max-archive-size), not max_size */
	VIGIL_CAT_ARCHIVE = 4,
	/* records separated by blank lines, each parsed on its own: the file is streamed
	 * at any size (even over --max-file-size), parse() called once per record with
	 * per-line and per-record caps. STANZA_WS: a line of only spaces and tabs is blank
	 * (dpkg); otherwise only an empty line is (apk). */
	VIGIL_CAT_STREAM = 8,
	VIGIL_CAT_STANZA_WS = 16,
};

typedef struct vigil_cataloger {
	const char *name;
	int flags;
	/* VIGIL_WANT_NO / YES / HEAD, as for analyzers (head is NULL on the first call) */
	int (*want)(const vigil_file *f, const uint8_t *head, size_t len);
	/* Parses one file. Return 0, or a negative code: the file is skipped with a warning
	 * (a malformed record is the parser's to skip and count, not an error). */
	int (*parse)(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len);
	uint64_t max_size; /* larger files are skipped with a warning */
	/* Optional window mode: a wanted file larger than window_above is not buffered
	 * whole; the stream is scanned for `magic` and parse() gets only the window_len
	 * bytes that start at its first occurrence (and is not called when it never
	 * occurs). For formats whose data follows a marker (Go buildinfo). */
	const uint8_t *magic;
	size_t magic_len, window_len;
	uint64_t window_above;
	/* Optional, for formats whose files refer to each other (Maven parent POMs and
	 * BOMs): called once, single-threaded, when the inventory is finished, with this
	 * cataloger's results of the final filesystem in path order. It may drop a result's
	 * packages (vigil_catalog__clear) and add new ones; vigil_catalog__keep lets parse()
	 * store the file's bytes for it. */
	int (*finish)(vigil_catalog_result *const *rs, size_t n);
} vigil_cataloger;

/* Adds a package to the result of the file being parsed. */
int vigil_catalog__add(vigil_catalog_result *r, const vigil_pkg_in *p);
/* Counts a malformed record that was skipped (reported as one warning per file). */
void vigil_catalog__skipped(vigil_catalog_result *r, const char *what);
/* Adds files owned by an OS package that is not itself in this file (dpkg .list files):
 * `pkg` names the package. */
int vigil_catalog__owned(vigil_catalog_result *r, const char *pkg, const char *const *files,
			 size_t n);
/* For catalogers with a finish(): keeps a copy of the parsed file's bytes (up to 4 MiB;
 * VIGIL_ELIMIT above), read back with vigil_catalog__kept; the result's path; and
 * dropping the packages added so far. */
int vigil_catalog__keep(vigil_catalog_result *r, const uint8_t *data, size_t len);
const uint8_t *vigil_catalog__kept(const vigil_catalog_result *r, size_t *len);
const char *vigil_catalog__path(const vigil_catalog_result *r);
void vigil_catalog__clear(vigil_catalog_result *r);
/* Scratch memory that lives as long as the result (freed with the inventory). */
void *vigil_catalog__alloc(vigil_catalog_result *r, size_t n);
char *vigil_catalog__strndup(vigil_catalog_result *r, const char *s, size_t n);
/* The inventory options in force (max_archive_size, ...). */
const vigil_inventory_opts *vigil_catalog__opts(vigil_catalog_result *r);
/* Appends one licence name to a list joined with " OR " (npm and Composer arrays are
 * a choice); a list that would pass its buffer's cap is cut at the last whole name. */
void vigil_catalog__license_join(vigil_buf *list, const vigil_buf *one);
/* Path helpers for want(): basename, and "path ends with / contains a component". */
const char *vigil_catalog__base(const char *path);
int vigil_catalog__has_suffix(const char *s, const char *suffix);

/* RFC 822-style stanzas (dpkg status, PKG-INFO): calls cb(key, klen, value, vlen) for
 * each field, with continuation lines joined by '\n'; a blank line ends a stanza and
 * calls cb with key NULL. Values point into a scratch buffer valid during the call. */
typedef int (*vigil_stanza_cb)(const char *key, size_t klen, const char *val, size_t vlen,
			       void *payload);
int vigil_catalog__stanzas(const uint8_t *data, size_t len, vigil_stanza_cb cb, void *payload);

/* The catalogers, one per file (src/lib/catalog/<name>.c). */
extern const vigil_cataloger vigil_cataloger_dpkg, vigil_cataloger_dpkg_distroless,
	vigil_cataloger_dpkg_list, vigil_cataloger_apk;
extern const vigil_cataloger vigil_cataloger_rpm, vigil_cataloger_chisel; /* rpm.c, chisel.c */
extern const vigil_cataloger vigil_cataloger_java, vigil_cataloger_gobin,
	vigil_cataloger_rustbin; /* java.c, binary.c */
extern const vigil_cataloger vigil_cataloger_npm, vigil_cataloger_python, vigil_cataloger_gem,
	vigil_cataloger_composer, vigil_cataloger_dotnet; /* lang.c et al. */
extern const vigil_cataloger vigil_cataloger_runtime;	  /* runtime.c */

/* An empty, finished inventory with no image, for loaders (pipeline/inventory_json.c):
 * strings and packages go into its arena, packages are added in order with
 * vigil_inventory__push, and the distribution is written in place. */
int vigil_inventory__new_empty(vigil_inventory **out);
vigil_arena *vigil_inventory__arena(vigil_inventory *inv);
vigil_distro *vigil_inventory__distro_mut(vigil_inventory *inv);
int vigil_inventory__push(vigil_inventory *inv, vigil_pkg *p);

/* For the fuzz target: gives `p` (a layer's inventory output as the per-layer cache keeps
 * it) to a fresh inventory's layer loader. 0 or VIGIL_EFORMAT (VIGIL_ENOMEM). */
int vigil_inventory__layer_load_check(const uint8_t *p, size_t n);

#endif

/* 1 when the release is past its announced end of support (distro.c), else 0. */
int vigil_catalog__eol(const char *id, const char *version_id);

/* For tests and fuzzers: runs one cataloger's parser on `data` as if it were the file
 * `path` of layer 0 and calls cb for each package it adds (purl left NULL unless the
 * parser set one). Returns the parser's result; *skipped gets the count of malformed
 * records (may be NULL). */
/* For tests and fuzzers: parses n files of one cataloger (paths[i] with data[i], lens[i])
 * as the final filesystem of one layer, runs its finish(), and calls cb for each package
 * of every file in path order. Returns 0, VIGIL_ENOMEM, finish()'s or cb's error. */
int vigil_catalog__finish_buffers(const vigil_cataloger *c, const char *const *paths,
				  const uint8_t *const *data, const size_t *lens, size_t n,
				  int (*cb)(const vigil_pkg *p, void *payload), void *payload);
int vigil_catalog__parse_buffer(const vigil_cataloger *c, const char *path, const uint8_t *data,
				size_t len, int (*cb)(const vigil_pkg *p, void *payload),
				void *payload, unsigned *skipped);
