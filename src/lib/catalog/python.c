/*
 * Python packages: core metadata in <name>.dist-info/METADATA (wheels, pip),
 * <name>.egg-info/PKG-INFO and a plain <name>.egg-info file (setuptools). The metadata
 * is a block of RFC 822 headers (Name, Version, License, License-Expression,
 * Classifier) followed by a free-text body, which is not read. Debian's own python3-*
 * packages ship such files too; the framework drops them when dpkg owns the file.
 * Also: egg directories (<name>.egg/EGG-INFO/PKG-INFO) and zipped eggs and wheels
 * (*.egg, *.whl files: EGG-INFO/PKG-INFO or <name>.dist-info/METADATA inside).
 */
#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>
#include <string.h>

#include "catalog.h"

#define METADATA_MAX (16u << 20)
#define FIELD_MAX 4096	  /* a longer Name or Version is not one */
#define LICENSE_MAX 128	  /* a longer License field is a licence text, not a name */
#define MAX_CLASSIFIERS 8 /* licence classifiers joined into the licence */

typedef struct span {
	const char *s;
	size_t n;
	int folded; /* the header had continuation lines */
} span;

typedef struct meta {
	span name, version, license, expression;
	span classifiers[MAX_CLASSIFIERS];
	size_t nclass;
} meta;

/* Whether [s, s+n) equals `lit` ignoring ASCII case (header names are case-blind). */
static int key_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* The trove classifier "License :: OSI Approved :: MIT License" names "MIT License":
 * sets *out to the last " :: " component and returns 1, or 0 for other classifiers. */
static int license_classifier(const char *v, size_t n, span *out)
{
	static const char pre[] = "License ::";
	if (n < sizeof(pre) - 1 || memcmp(v, pre, sizeof(pre) - 1) != 0)
		return 0;
	const char *last = v + sizeof(pre) - 1;
	for (const char *s = last; s + 2 <= v + n; s++)
		if (s[0] == ':' && s[1] == ':')
			last = s + 2;
	const char *end = v + n;
	while (last < end && (*last == ' ' || *last == '\t'))
		last++;
	while (end > last && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == last)
		return 0;
	out->s = last;
	out->n = (size_t)(end - last);
	out->folded = 0;
	return 1;
}

/* Reads the header block (up to the first empty line; lines that start with a space or
 * tab continue the header before, even when they hold nothing else, as Python's email
 * parser reads them). Values point into data. */
static void read_headers(meta *m, const uint8_t *data, size_t len)
{
	span *last = NULL;
	memset(m, 0, sizeof(*m));
	for (const char *p = (const char *)data, *end = p + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break; /* the body follows */
		if (p[0] == ' ' || p[0] == '\t') {
			if (last)
				last->folded = 1;
		} else {
			const char *colon = memchr(p, ':', ll);
			last = NULL;
			if (colon && colon > p) {
				size_t kl = (size_t)(colon - p);
				const char *v = colon + 1, *ve = p + ll;
				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
					ve--;
				const char *nul = memchr(v, '\0', (size_t)(ve - v));
				span val = {v, (size_t)((nul ? nul : ve) - v), 0}; /* C strings */
				span *slot = NULL;
				if (key_is(p, kl, "Name"))
					slot = &m->name;
				else if (key_is(p, kl, "Version"))
					slot = &m->version;
				else if (key_is(p, kl, "License"))
					slot = &m->license;
				else if (key_is(p, kl, "License-Expression"))
					slot = &m->expression;
				else if (key_is(p, kl, "Classifier") &&
					 m->nclass < MAX_CLASSIFIERS &&
					 license_classifier(val.s, val.n,
							    &m->classifiers[m->nclass]))
					m->nclass++;
				if (slot && !slot->s) {
					*slot = val;
					last = slot;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
}

/* Appends the purl of a PyPI package: the name normalised as PyPI compares names
 * (lower case, each run of '-', '_' and '.' one '-'), percent-encoded like the rest. */
static int purl(vigil_buf *b, const char *name, const char *version)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = vigil_buf_puts(b, "pkg:pypi/");
	for (int part = 0; part < 2 && error == 0; part++) {
		const unsigned char *s = (const unsigned char *)(part ? version : name);
		if (part)
			error = vigil_buf_putc(b, '@');
		for (; *s && error == 0; s++) {
			unsigned char c = *s;
			if (!part && (c == '-' || c == '_' || c == '.')) {
				while (s[1] == '-' || s[1] == '_' || s[1] == '.')
					s++;
				error = vigil_buf_putc(b, '-');
				continue;
			}
			if (!part && c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
			    c == '~' || c == '+')
				error = vigil_buf_putc(b, (char)c);
			else if ((error = vigil_buf_putc(b, '%')) == 0 &&
				 (error = vigil_buf_putc(b, hex[c >> 4])) == 0)
				error = vigil_buf_putc(b, hex[c & 15]);
		}
	}
	if (error == 0)
		error = vigil_buf_cstr(b);
	return error;
}

/* Copies a span, or returns "" for an absent one (NULL when out of memory). */
static char *dup_span(vigil_catalog_result *r, const span *s)
{
	return vigil_catalog__strndup(r, s->s ? s->s : "", s->s ? s->n : 0);
}

/* The licence: License-Expression, else a short one-line License other than UNKNOWN,
 * else the licence classifiers joined with ", ". NULL when none is recorded. */
static const char *license_of(vigil_catalog_result *r, const meta *m, int *error)
{
	const span *l = &m->license;
	*error = 0;
	if (m->expression.s && m->expression.n && !m->expression.folded)
		return dup_span(r, &m->expression);
	if (l->s && l->n && l->n <= LICENSE_MAX && !l->folded && !key_is(l->s, l->n, "UNKNOWN"))
		return dup_span(r, l);
	if (!m->nclass)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < m->nclass; i++)
		n += m->classifiers[i].n + 2;
	char *out = vigil_catalog__alloc(r, n + 1), *w = out;
	if (!out) {
		*error = VIGIL_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < m->nclass; i++) {
		if (i) {
			memcpy(w, ", ", 2);
			w += 2;
		}
		memcpy(w, m->classifiers[i].s, m->classifiers[i].n);
		w += m->classifiers[i].n;
	}
	*w = '\0';
	return out;
}

/* One metadata file, one package: Name and Version are required. */
static int parse_meta(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	meta m;
	vigil_buf pu = VIGIL_BUF_INIT;
	int error = 0;
	read_headers(&m, data, len);
	if (!m.name.s || !m.name.n || !m.version.s || !m.version.n || m.name.folded ||
	    m.version.folded) {
		vigil_catalog__skipped(r, "metadata without Name or Version");
		return 0;
	}
	if (m.name.n > FIELD_MAX || m.version.n > FIELD_MAX) {
		vigil_catalog__skipped(r, "Name or Version too long");
		return 0;
	}
	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "pypi";
	p.name = dup_span(r, &m.name);
	p.version = dup_span(r, &m.version);
	if (!p.name || !p.version)
		return VIGIL_ENOMEM;
	p.license = license_of(r, &m, &error);
	if (error == 0 && (error = purl(&pu, p.name, p.version)) == 0) {
		p.purl = (const char *)pu.data;
		error = vigil_catalog__add(r, &p);
	}
	vigil_buf_free(&pu);
	return error;
}

/* The metadata member of a zipped egg or wheel: EGG-INFO/PKG-INFO, or
 * <name>.dist-info/METADATA at the top of the archive. */
static int zip_meta_name(const char *n)
{
	const char *slash = strchr(n, '/');
	if (strcmp(n, "EGG-INFO/PKG-INFO") == 0)
		return 1;
	return slash && strcmp(slash, "/METADATA") == 0 && slash - n > 10 &&
	       memcmp(slash - 10, ".dist-info", 10) == 0;
}

/* A zipped egg or wheel: the package of its metadata member (the first one found). */
static int parse_zip(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	vigil_buf b = VIGIL_BUF_INIT;
	int error = 0, seen = 0;
	if (!a)
		return VIGIL_ENOMEM;
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return VIGIL_EFORMAT;
	}
	for (unsigned n = 0; n < 100000 && !seen; n++) {
		int rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			error = VIGIL_EFORMAT;
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG || !zip_meta_name(name))
			continue;
		seen = 1;
		b.limit = METADATA_MAX;
		for (;;) {
			uint8_t chunk[16384];
			la_ssize_t got = archive_read_data(a, chunk, sizeof(chunk));
			if (got == 0)
				break;
			if (got < 0) {
				error = VIGIL_EFORMAT;
				break;
			}
			if ((error = vigil_buf_put(&b, chunk, (size_t)got)) < 0)
				break;
		}
		if (error == 0)
			error = parse_meta(r, b.data ? b.data : (const uint8_t *)"", b.len);
	}
	if (error == 0 && !seen)
		vigil_catalog__skipped(r, "egg or wheel without metadata");
	vigil_buf_free(&b);
	archive_read_free(a);
	return error == VIGIL_ELIMIT ? VIGIL_EFORMAT : error;
}

static int is_zipped(const char *base)
{
	return (vigil_catalog__has_suffix(base, ".egg") ||
		vigil_catalog__has_suffix(base, ".whl")) &&
	       strlen(base) > 4;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	if (is_zipped(vigil_catalog__base(f->path)))
		return parse_zip(r, data, len);
	return parse_meta(r, data, len);
}

/* Whether the directory holding `path` (its second-to-last component) ends in `ext`. */
static int parent_has_suffix(const char *path, const char *ext)
{
	const char *base = vigil_catalog__base(path);
	size_t k = strlen(ext);
	if (base - path < (ptrdiff_t)k + 2)
		return 0;
	return memcmp(base - 1 - k, ext, k) == 0 && base[-2 - (ptrdiff_t)k] != '/';
}

/* METADATA in *.dist-info, PKG-INFO in *.egg-info and EGG-INFO, *.egg-info files, and
 * *.egg and *.whl files. */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (strcmp(base, "METADATA") == 0)
		return parent_has_suffix(f->path, ".dist-info") ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	if (strcmp(base, "PKG-INFO") == 0)
		return parent_has_suffix(f->path, ".egg-info") ||
				       parent_has_suffix(f->path, "/EGG-INFO")
			       ? VIGIL_WANT_YES
			       : VIGIL_WANT_NO;
	/* zipped eggs and wheels (site-packages, pip caches, wheelhouses) */
	if (is_zipped(base))
		return VIGIL_WANT_YES;
	/* an .egg-info that is a file rather than a directory (distutils) */
	if (vigil_catalog__has_suffix(base, ".egg-info") && strlen(base) > 9)
		return VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_python = {"python", 0, want, parse, METADATA_MAX};
