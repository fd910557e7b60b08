/*
 * Java archives (jar, war, ear, Jenkins jpi/hpi), read from memory with libarchive's
 * seekable zip reader. One maven package per META-INF/maven/<groupId>/<artifactId>/
 * pom.properties; when none of them names the archive itself, one more from
 * META-INF/MANIFEST.MF and the file name (name-1.2.3.jar). Archives inside archives
 * (BOOT-INF/lib, WEB-INF/lib, lib/, any *.jar) are opened from memory too, with their
 * location written "outer.jar!/WEB-INF/lib/inner.jar". Depth, entries and expanded
 * bytes are bounded; the expanded bytes by the inventory's max_archive_size.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "java_meta.h"

enum {
	JAVA_MAX_DEPTH = 8,	      /* archives in archives, counting the file itself: fat
					 jars of fat jars go five deep and more */
	JAVA_MAX_META = 1 << 20,      /* larger pom.properties or manifests are skipped */
	JAVA_MAX_LOCATION = 4000,     /* bytes of a nested location */
	JAVA_MAX_CD_ENTRIES = 200000, /* central directory entries of one archive */
};
#define JAVA_MAX_ENTRIES 1000000u /* entries of a file and all archives inside it */

static const char POM_DIR[] = "META-INF/maven/", POM_FILE[] = "/pom.properties";

/* What every archive of one file shares. */
typedef struct walk {
	vigil_catalog_result *r;
	const char *top;  /* path of the parsed file */
	uint64_t budget;  /* bytes that may still be expanded into memory */
	uint64_t entries; /* zip entries that may still be looked at */
} walk;

typedef struct pom {
	const char *group, *artifact, *version;
} pom;

enum {
	MF_TITLE,
	MF_VERSION,
	MF_VENDOR_ID,
	MF_BSN,
	MF_BVERSION,
	MF_SPEC_TITLE,
	MF_SPEC_VERSION,
	MF_LICENSE,
	MF_SEC_TITLE, /* Implementation-* of the first per-entry section that has them */
	MF_SEC_VERSION,
	MF_COUNT
};

/* What one archive holds. Strings live in the result's arena. */
typedef struct jar {
	walk *w;
	const char *location; /* NULL: the parsed file itself */
	const char *base;     /* its file name */
	vigil_vec poms;	      /* pom */
	pom cur;	      /* the pom.properties being read */
	const char *mf[MF_COUNT];
	int have_mf;
} jar;

/* Whether `name` (a file name or zip entry) ends in a Java archive extension. */
static int is_archive_name(const char *name)
{
	static const char *const ext[] = {".jar", ".war", ".ear", ".jpi", ".hpi"};
	size_t n = strlen(name);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(ext); i++)
		if (n > 4 && strcasecmp(name + n - 4, ext[i]) == 0)
			return 1;
	return 0;
}

/* Copies v[0..n) without surrounding whitespace into the result's arena. */
static const char *dup_trim(vigil_catalog_result *r, const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	return vigil_catalog__strndup(r, v, n);
}

/* Whether the manifest key k[0..kl) is `want`, ignoring case as the JAR spec does. */
static int key_is(const char *k, size_t kl, const char *want)
{
	return strlen(want) == kl && strncasecmp(k, want, kl) == 0;
}

/* pom.properties: keeps groupId, artifactId and version. */
static int pom_kv(int section, const char *k, size_t kl, const char *v, size_t vl, void *payload)
{
	jar *j = payload;
	const char **slot = NULL;
	(void)section;
	if (kl == 7 && memcmp(k, "groupId", 7) == 0)
		slot = &j->cur.group;
	else if (kl == 10 && memcmp(k, "artifactId", 10) == 0)
		slot = &j->cur.artifact;
	else if (kl == 7 && memcmp(k, "version", 7) == 0)
		slot = &j->cur.version;
	if (slot && !(*slot = dup_trim(j->w->r, v, vl)))
		return VIGIL_ENOMEM;
	return 0;
}

/* MANIFEST.MF: keeps the fields that name and version the archive (first value wins). */
static int mf_kv(int section, const char *k, size_t kl, const char *v, size_t vl, void *payload)
{
	static const char *const main_keys[] = {
		"Implementation-Title",	 "Implementation-Version", "Implementation-Vendor-Id",
		"Bundle-SymbolicName",	 "Bundle-Version",	   "Specification-Title",
		"Specification-Version", "Bundle-License",
	};
	jar *j = payload;
	int idx = -1;
	if (section == 0) {
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(main_keys); i++)
			if (key_is(k, kl, main_keys[i]))
				idx = (int)i;
	} else if (key_is(k, kl, "Implementation-Title")) {
		idx = MF_SEC_TITLE;
	} else if (key_is(k, kl, "Implementation-Version")) {
		idx = MF_SEC_VERSION;
	}
	if (idx < 0 || j->mf[idx])
		return 0;
	if (!(j->mf[idx] = dup_trim(j->w->r, v, vl)))
		return VIGIL_ENOMEM;
	if (!*j->mf[idx])
		j->mf[idx] = NULL;
	return 0;
}

/* Group and artifact from "META-INF/maven/<g>/<a>/pom.properties"; 0 if not that shape. */
static int pom_path(const char *name, const char **g, size_t *gl, const char **a, size_t *al)
{
	size_t n = strlen(name), dl = sizeof(POM_DIR) - 1, fl = sizeof(POM_FILE) - 1;
	if (n <= dl + fl || strncmp(name, POM_DIR, dl) != 0 || strcmp(name + n - fl, POM_FILE) != 0)
		return 0;
	const char *s = name + dl, *end = name + n - fl;
	const char *slash = memchr(s, '/', (size_t)(end - s));
	if (!slash || slash == s || slash + 1 >= end ||
	    memchr(slash + 1, '/', (size_t)(end - slash - 1)))
		return 0;
	*g = s;
	*gl = (size_t)(slash - s);
	*a = slash + 1;
	*al = (size_t)(end - slash - 1);
	return 1;
}

/* Reads the current entry into `out`, at most `cap` bytes: VIGIL_ELIMIT beyond that,
 * VIGIL_EFORMAT when its data is damaged (*fatal set when the archive is unusable). */
static int read_entry(vigil_buf *out, struct archive *a, struct archive_entry *e, uint64_t cap,
		      int *fatal)
{
	uint8_t chunk[16384];
	int error;
	out->len = 0;
	out->limit = cap < SIZE_MAX - 1 ? (size_t)cap : SIZE_MAX - 1;
	if (archive_entry_size_is_set(e)) {
		int64_t size = archive_entry_size(e);
		if (size < 0 || (uint64_t)size > cap)
			return VIGIL_ELIMIT;
		/* the header's size is a claim: room for it is made as the data arrives */
		if ((error = vigil_buf_grow(out, size < (4 << 20) ? (size_t)size : 4 << 20)) < 0)
			return error;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0) {
			*fatal = n == ARCHIVE_FATAL;
			return VIGIL_EFORMAT;
		}
		if ((error = vigil_buf_put(out, chunk, (size_t)n)) < 0)
			return error;
	}
}

/* Little-endian integers of the zip format; the caller has checked the bounds. */
static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint64_t le32(const uint8_t *p)
{
	return (uint64_t)le16(p) | (uint64_t)le16(p + 2) << 16;
}

/* The largest entry count any end-of-central-directory record near the end of the zip
 * claims (zip64 included). libarchive allocates a record per entry up front, so a
 * hostile count is refused before the archive is opened. */
static uint64_t zip_claimed_entries(const uint8_t *d, size_t len)
{
	uint64_t most = 0;
	size_t lo = len > 65557 ? len - 65557 : 0;
	for (size_t i = len >= 22 ? len - 22 + 1 : 0; i-- > lo;) {
		const uint8_t *p = d + i;
		if (memcmp(p, "PK\005\006", 4) != 0)
			continue;
		uint64_t n = le16(p + 10);
		if (n > most)
			most = n;
		/* zip64: a locator just before, pointing at the zip64 record */
		if (i >= 20 && memcmp(p - 20, "PK\006\007", 4) == 0) {
			uint64_t off = le32(p - 20 + 8) | le32(p - 20 + 12) << 32;
			if (off <= len && len - off >= 56 &&
			    memcmp(d + off, "PK\006\006", 4) == 0) {
				uint64_t z = le32(d + off + 32) | le32(d + off + 36) << 32;
				if (z > most)
					most = z;
			}
		}
	}
	return most;
}

/* "log4j-core-2.19.0.jar": the name ends before the first '-' followed by a digit. */
static void split_file_name(const char *base, size_t *nlen, const char **ver, size_t *vlen)
{
	const char *dot = strrchr(base, '.');
	size_t stem = dot ? (size_t)(dot - base) : strlen(base);
	*nlen = stem;
	*ver = NULL;
	*vlen = 0;
	for (size_t i = 0; i + 1 < stem; i++) {
		if (base[i] == '-' && isdigit((unsigned char)base[i + 1])) {
			*nlen = i;
			*ver = base + i + 1;
			*vlen = stem - i - 1;
			return;
		}
	}
}

/* A manifest value usable as a package name: one word, not absurdly long, not a
 * placeholder ("%pluginName" of OSGi localisation, "${project.artifactId}"). */
static int id_like(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= 200 && !strpbrk(s, " \t\r\n/\\:#;,") && *s != '%' && *s != '$' &&
	       *s != '{';
}

/* A manifest version as a version: its first word ("1.4 1855 April 22 2006" -> "1.4"),
 * NULL for placeholders and values that do not start with a digit or "v<digit>". */
static const char *clean_version(vigil_catalog_result *r, const char *v, int *error)
{
	size_t n;
	if (!v)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	if (!(isdigit((unsigned char)*v) ||
	      ((*v == 'v' || *v == 'V') && isdigit((unsigned char)v[1]))))
		return NULL;
	n = strcspn(v, " \t\r\n;,");
	const char *out = vigil_catalog__strndup(r, v, n);
	if (!out)
		*error = VIGIL_ENOMEM;
	return out;
}

/* Which of a manifest and a file-name version to report: when one extends the other
 * ("2.3" and "2.3.1"), the longer; when they disagree, the file name's (Maven names
 * the file after the artifact's version; manifests are often inherited or describe a
 * specification). */
static const char *pick_version(const char *mf, const char *file)
{
	if (!mf || !*mf)
		return file && *file ? file : NULL;
	if (!file || !*file)
		return mf;
	size_t a = strlen(mf), b = strlen(file);
	if (a >= b ? strncmp(mf, file, b) == 0 : strncmp(file, mf, a) == 0)
		return a >= b ? mf : file;
	return file;
}

/* Whether `artifact` is the archive's own: it matches its file or manifest name. */
static int names_archive(const char *artifact, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && *names[i] && strcasecmp(artifact, names[i]) == 0)
			return 1;
	return 0;
}

/* Adds the archive's packages: one per pom.properties, and one from its manifest or
 * file name when no pom.properties is the archive's own. */
static int emit(jar *j)
{
	vigil_catalog_result *r = j->w->r;
	const char *fver, *bsn = NULL, *bsn_last = NULL, *fname;
	size_t fnl, fvl;
	int own = -1, error;

	split_file_name(j->base, &fnl, &fver, &fvl);
	if (!(fname = vigil_catalog__strndup(r, j->base, fnl)) ||
	    (fver && !(fver = vigil_catalog__strndup(r, fver, fvl))))
		return VIGIL_ENOMEM;
	if (j->mf[MF_BSN]) { /* "org.foo.bar;singleton:=true" */
		if (!(bsn = dup_trim(r, j->mf[MF_BSN], strcspn(j->mf[MF_BSN], ";"))))
			return VIGIL_ENOMEM;
		bsn_last = strrchr(bsn, '.') ? strrchr(bsn, '.') + 1 : bsn;
	}
	const char *names[] = {fname, j->mf[MF_TITLE], j->mf[MF_SEC_TITLE], bsn, bsn_last};
	for (size_t i = 0; i < j->poms.len && own < 0; i++)
		if (names_archive(VIGIL_VEC_AT(&j->poms, pom, i).artifact, names,
				  VIGIL_ARRAY_LEN(names)))
			own = (int)i;
	if (own < 0 && j->poms.len == 1)
		own = 0;
	for (size_t i = 0; i < j->poms.len; i++) {
		const pom *p = &VIGIL_VEC_AT(&j->poms, pom, i);
		vigil_pkg_in in;
		memset(&in, 0, sizeof(in));
		in.type = "maven";
		in.group = p->group && *p->group ? p->group : NULL;
		in.name = p->artifact;
		in.version = p->version;
		in.license = (int)i == own ? j->mf[MF_LICENSE] : NULL;
		in.location = j->location;
		if ((error = vigil_catalog__add(r, &in)) < 0)
			return error;
	}
	if (own >= 0)
		return 0;

	/* no pom.properties names the archive: its manifest, else its file name */
	const char *name = NULL, *version = NULL, *group = NULL, *title = j->mf[MF_TITLE];
	error = 0;
	/* Ivy coordinates as a title: "org.elasticsearch#server;8.14.3" */
	const char *hash = title ? strchr(title, '#') : NULL;
	if (hash && hash > title && strlen(title) <= 200 && !strpbrk(title, " \t\r\n")) {
		size_t nl = strcspn(hash + 1, ";");
		if (!(group = vigil_catalog__strndup(r, title, (size_t)(hash - title))) ||
		    !(title = vigil_catalog__strndup(r, hash + 1, nl)))
			return VIGIL_ENOMEM;
		if (hash[1 + nl] == ';')
			version = clean_version(r, hash + 2 + nl, &error);
	}
	if (id_like(title))
		name = title;
	else if (id_like(j->mf[MF_SEC_TITLE]))
		name = j->mf[MF_SEC_TITLE];
	else if (*fname)
		name = fname;
	else if (id_like(bsn))
		name = bsn;
	else if (id_like(j->mf[MF_SPEC_TITLE]))
		name = j->mf[MF_SPEC_TITLE];
	const int vkeys[] = {MF_VERSION, MF_BVERSION, MF_SPEC_VERSION, MF_SEC_VERSION};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(vkeys) && !version; i++)
		version = clean_version(r, j->mf[vkeys[i]], &error);
	if (error < 0)
		return error;
	/* the file name's version, when it has one, unless the manifest's extends it */
	version = pick_version(version, fver && isdigit((unsigned char)*fver) ? fver : NULL);
	if (!name)
		return 0;
	if (!version || !*version) { /* nothing to match: not a package */
		vigil_catalog__skipped(r, "archive without a version");
		return 0;
	}
	/* the groupId: Implementation-Vendor-Id when it is one, else the bundle's symbolic
	 * name without its last part ("org.apache.commons.lang3" -> "org.apache.commons",
	 * maven-bundle-plugin's convention) */
	if (!group && id_like(j->mf[MF_VENDOR_ID]) && strchr(j->mf[MF_VENDOR_ID], '.'))
		group = j->mf[MF_VENDOR_ID];
	if (!group && id_like(bsn) && bsn_last != bsn &&
	    !(group = vigil_catalog__strndup(r, bsn, (size_t)(bsn_last - 1 - bsn))))
		return VIGIL_ENOMEM;
	vigil_pkg_in in;
	memset(&in, 0, sizeof(in));
	in.type = "maven";
	in.name = name;
	in.version = version;
	in.group = group;
	in.license = j->mf[MF_LICENSE];
	in.location = j->location;
	return vigil_catalog__add(r, &in);
}

static int walk_archive(walk *w, const uint8_t *data, size_t len, const char *location,
			const char *base, int depth);

/* A pom.properties entry: one package unless it is malformed or a repeat. */
static int add_pom(jar *j, const vigil_buf *b, const char *name)
{
	const char *g, *a;
	size_t gl, al;
	int error;
	memset(&j->cur, 0, sizeof(j->cur));
	if ((error = vigil_java__properties(b->data, b->len, pom_kv, j)) < 0)
		return error;
	if (!pom_path(name, &g, &gl, &a, &al)) {
		g = a = "";
		gl = al = 0;
	}
	if ((!j->cur.group || !*j->cur.group) && !(j->cur.group = dup_trim(j->w->r, g, gl)))
		return VIGIL_ENOMEM;
	if ((!j->cur.artifact || !*j->cur.artifact) &&
	    !(j->cur.artifact = dup_trim(j->w->r, a, al)))
		return VIGIL_ENOMEM;
	if (!*j->cur.artifact || !j->cur.version || !*j->cur.version) {
		vigil_catalog__skipped(j->w->r, "pom.properties without artifactId or version");
		return 0;
	}
	for (size_t i = 0; i < j->poms.len; i++) {
		const pom *p = &VIGIL_VEC_AT(&j->poms, pom, i);
		if (strcmp(p->group, j->cur.group) == 0 &&
		    strcmp(p->artifact, j->cur.artifact) == 0 &&
		    strcmp(p->version, j->cur.version) == 0)
			return 0;
	}
	pom *slot = vigil_vec_push(&j->poms);
	if (!slot)
		return VIGIL_ENOMEM;
	*slot = j->cur;
	return 0;
}

/* An archive inside this one: read it (within the budget) and walk it. */
static int nested(jar *j, struct archive *a, struct archive_entry *e, const char *name, int depth,
		  vigil_buf *b, int *fatal)
{
	walk *w = j->w;
	const char *parent = j->location ? j->location : w->top;
	int error;
	if (depth + 1 >= JAVA_MAX_DEPTH) {
		vigil_catalog__skipped(w->r, "archive nested too deep");
		return 0;
	}
	if (strlen(parent) + strlen(name) + 2 > JAVA_MAX_LOCATION) {
		vigil_catalog__skipped(w->r, "nested archive path too long");
		return 0;
	}
	error = read_entry(b, a, e, w->budget, fatal);
	w->budget -= b->len < w->budget ? b->len : w->budget;
	if (error == VIGIL_ELIMIT) {
		vigil_catalog__skipped(w->r, "nested archives exceed max_archive_size");
		return 0;
	}
	if (error == VIGIL_EFORMAT) {
		vigil_catalog__skipped(w->r, "damaged nested archive");
		return 0;
	}
	if (error < 0)
		return error;
	size_t pl = strlen(parent), nl = strlen(name);
	char *loc = vigil_catalog__alloc(w->r, pl + nl + 3);
	if (!loc)
		return VIGIL_ENOMEM;
	memcpy(loc, parent, pl);
	memcpy(loc + pl, "!/", 2);
	memcpy(loc + pl + 2, name, nl + 1);
	error = walk_archive(w, b->data ? b->data : (const uint8_t *)"", b->len, loc,
			     vigil_catalog__base(loc), depth + 1);
	if (error == VIGIL_EFORMAT || error == VIGIL_ELIMIT) {
		vigil_catalog__skipped(w->r, error == VIGIL_EFORMAT
						     ? "damaged nested archive"
						     : "nested archive over a limit");
		error = 0;
	}
	return error;
}

/* Walks one archive's entries, then adds its packages. VIGIL_EFORMAT when it is not a
 * readable zip, VIGIL_ELIMIT when it claims too many entries. */
static int walk_archive(walk *w, const uint8_t *data, size_t len, const char *location,
			const char *base, int depth)
{
	vigil_vec pv = VIGIL_VEC_INIT(pom);
	vigil_buf meta = VIGIL_BUF_INIT, inner = VIGIL_BUF_INIT;
	struct archive *a = NULL;
	jar j;
	int error = 0, fatal = 0;

	memset(&j, 0, sizeof(j));
	j.w = w;
	j.location = location;
	j.base = base;
	j.poms = pv;
	if (zip_claimed_entries(data, len) > JAVA_MAX_CD_ENTRIES)
		return VIGIL_ELIMIT;
	if (!(a = archive_read_new()))
		return VIGIL_ENOMEM;
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		error = VIGIL_EFORMAT;
		goto done;
	}
	while (!fatal) {
		struct archive_entry *e;
		int rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			vigil_catalog__skipped(w->r, "damaged zip directory");
			break;
		}
		if (w->entries == 0) {
			vigil_catalog__skipped(w->r, "too many zip entries");
			break;
		}
		w->entries--;
		const char *name = archive_entry_pathname(e);
		if (!name)
			name = archive_entry_pathname_utf8(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *g, *art;
		size_t gl, al;
		/* pom.properties under META-INF/maven/<g>/<a>/, or anywhere else (shaded and
		 * repackaged jars move them) when it names its coordinates itself */
		int is_pom = pom_path(name, &g, &gl, &art, &al) ||
			     strcmp(vigil_catalog__base(name), "pom.properties") == 0;
		int is_mf = !j.have_mf && strcasecmp(name, "META-INF/MANIFEST.MF") == 0;
		if (is_pom || is_mf) {
			uint64_t cap = w->budget < JAVA_MAX_META ? w->budget : JAVA_MAX_META;
			error = read_entry(&meta, a, e, cap, &fatal);
			w->budget -= meta.len < w->budget ? meta.len : w->budget;
			if (error == VIGIL_ELIMIT || error == VIGIL_EFORMAT) {
				vigil_catalog__skipped(w->r, is_pom ? "unreadable pom.properties"
								    : "unreadable manifest");
				error = 0;
				continue;
			}
			if (error < 0)
				goto done;
			if (is_pom)
				error = add_pom(&j, &meta, name);
			else if ((error = vigil_java__manifest(meta.data, meta.len, mf_kv, &j)) ==
				 0)
				j.have_mf = 1;
		} else if (is_archive_name(name)) {
			error = nested(&j, a, e, name, depth, &inner, &fatal);
			vigil_buf_free(&inner);
		}
		if (error < 0)
			goto done;
	}
	error = emit(&j);
done:
	archive_read_free(a);
	vigil_buf_free(&meta);
	vigil_buf_free(&inner);
	vigil_vec_free(&j.poms);
	return error;
}

/* The cataloger's parse: archives larger than max_archive_size are refused (ELIMIT),
 * and so is everything expanded from them past that size, counted over all levels. */
static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	walk w;
	const vigil_inventory_opts *o = vigil_catalog__opts(r);
	if (len > o->max_archive_size)
		return VIGIL_ELIMIT;
	w.r = r;
	w.top = f->path;
	w.budget = o->max_archive_size;
	w.entries = JAVA_MAX_ENTRIES;
	return walk_archive(&w, data, len, NULL, vigil_catalog__base(f->path), 0);
}

/* Java archives are recognised by name: .jar .war .ear .jpi .hpi, any case. */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return is_archive_name(vigil_catalog__base(f->path)) ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_java = {"java", VIGIL_CAT_ARCHIVE, want, parse, 0};
