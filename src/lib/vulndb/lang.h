/*
 * Shared pieces of the language-ecosystem feed importers: the OSV record importer (for
 * records parsed from JSON or converted from YAML), YAML to JSON conversion, the CVSS
 * v3 base score, the small TOML subset of RustSec's front matter and a constraints-JSON
 * builder for feeds written as requirement strings.
 */
#ifndef VIGIL_VULNDB_LANG_H
#define VIGIL_VULNDB_LANG_H

#include <jansson.h>

#include "vulndb.h"

/* The string member `k` of object `o`, or NULL when absent or not a string. */
const char *vigil_vdb__jstr(json_t *o, const char *k);

/* How an OSV feed names its records. */
typedef struct vigil_osv_opts {
	int cve_primary; /* the record's only CVE alias/upstream id becomes the primary id */
} vigil_osv_opts;

/* Imports one parsed OSV record (borrowed). A record without id or affected[] is skipped
 * and counted; a withdrawn record is left out. Negative only on a database error. */
int vigil_vdb__osv_record(vigil_vdb_build *b, const char *member, json_t *doc,
			  const vigil_osv_opts *opts);

/* Converts a YAML document into JSON: mappings to objects, sequences to arrays, every
 * scalar to a string except plain null/~/empty, which become null. Aliases are followed
 * within a budget of nodes. *out is NULL and an error returned when the text is not
 * YAML or exceeds the limits. */
int vigil_vdb__yaml_to_json(json_t **out, const uint8_t *data, size_t len);

/* CVSS v3.0/v3.1 base score of a vector "CVSS:3.x/AV:..": 0.0-10.0, or -1 when the
 * vector is not a valid v3 base vector. */
double vigil_cvss3_base_score(const char *vector);
/* CVSS v4.0 score of a vector "CVSS:4.0/AV:..": 0.0-10.0 (base, threat and environmental
 * metrics as given), or -1 when the vector is not a valid v4.0 vector. */
double vigil_cvss4_base_score(const char *vector);
/* Gunzips `data` into a new buffer (*out, NUL-terminated, *out_len bytes; caller frees),
 * at most `limit` bytes: VIGIL_ELIMIT beyond, VIGIL_EFORMAT for a corrupt stream. */
int vigil_vdb__gunzip(char **out, size_t *out_len, const uint8_t *data, size_t len, size_t limit);
/* The score of a v3.x or v4.0 vector, or -1. */
double vigil_cvss_base_score(const char *vector);

/* Parses the TOML subset used by RustSec front matter (tables and dotted tables,
 * key = string | multi-line string | literal string | integer | bool | date | array |
 * inline table) into a JSON object; dates become strings. NULL on error, with a short
 * reason in `why` (may be NULL). Bounded: depth and size. */
json_t *vigil_toml_parse(const char *text, size_t len, char *why, size_t why_len);

/* Joins the strings of a JSON array into one constraint with ", " (an AND-list). */
char *vigil_vdb__join_and(json_t *arr);

/* A constraints JSON text {"vulnerable":[..],"patched":[..],"unaffected":[..]} from arrays
 * of strings (NULL or empty arrays are left out); NULL when all are empty or out of
 * memory (*nomem set). Caller frees. */
char *vigil_vdb__constraints(json_t *vulnerable, json_t *patched, json_t *unaffected, int *nomem);

/* The version named by a requirement (">= 1.2.3, < 2" -> "1.2.3", "^1.1.5" -> "1.1.5"),
 * for the display-only fixed column. */
void vigil_vdb__version_of(char *out, size_t n, const char *requirement);

/* Normalises a severity word (high, Moderate, CRITICAL...) to CRITICAL, HIGH, MEDIUM,
 * LOW, NEGLIGIBLE or UNKNOWN; NULL stays NULL. */
const char *vigil_vdb__severity_word(const char *s);

/* The qualitative rating of a CVSS base score (FIRST): NONE→NULL, LOW .. CRITICAL. */
const char *vigil_vdb__severity_of_score(double score);

#endif
