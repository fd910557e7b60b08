/*
 * Parsers of the two text formats found in Java archives: java.util.Properties (as in
 * META-INF/maven/<g>/<a>/pom.properties) and JAR manifests (META-INF/MANIFEST.MF).
 * Both take untrusted bytes of any content and length and never read past `len`.
 */
#ifndef VIGIL_CATALOG_JAVA_META_H
#define VIGIL_CATALOG_JAVA_META_H

#include <stddef.h>
#include <stdint.h>

/* One key and value: both NUL-terminated, valid only during the call. For manifests
 * `section` is 0 for the main section and counts the per-entry sections from 1. A
 * non-zero return stops the parse and is returned by it. */
typedef int (*vigil_java_kv_cb)(int section, const char *key, size_t klen, const char *val,
				size_t vlen, void *payload);

/* Reads java.util.Properties text as Properties.load does: '#' and '!' comments, '=',
 * ':' or whitespace between key and value, backslash escapes (\t \n \r \f \uXXXX, any
 * other character stands for itself) and lines continued by an odd number of trailing
 * backslashes. \u escapes become UTF-8; lone surrogates become U+FFFD. Calls cb with
 * section 0. Returns 0, VIGIL_ENOMEM, or the callback's non-zero value. */
int vigil_java__properties(const uint8_t *data, size_t len, vigil_java_kv_cb cb, void *payload);

/* Reads a JAR manifest: "Name: value" headers, continuation lines starting with one
 * space (joined without a separator, as the 72-byte line limit splits values
 * anywhere), sections separated by blank lines, CR LF, LF or CR line ends. Lines
 * that are not headers are ignored. Returns 0, VIGIL_ENOMEM, or the callback's value. */
int vigil_java__manifest(const uint8_t *data, size_t len, vigil_java_kv_cb cb, void *payload);

#endif
