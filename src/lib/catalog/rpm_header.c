/*
 * rpm header blobs, as every rpm database backend stores them: a big-endian count of
 * index entries (il) and of data bytes (dl), il entries {tag, type, offset, count} and
 * the data. The checks follow rpm's hdrblobInit/hdrblobVerifyInfo (lib/header.c), so a
 * blob is accepted when rpm would accept it, and every read stays inside the blob.
 */
#include <string.h>

#include "rpm_db.h"

enum {
	T_NULL,
	T_CHAR,
	T_INT8,
	T_INT16,
	T_INT32,
	T_INT64,
	T_STRING,
	T_BIN,
	T_STRING_ARRAY,
	T_I18NSTRING,
	T_MAX = T_I18NSTRING,
};

/* bytes per element of the fixed-size types, and the alignment rpm demands */
static const uint8_t TYPE_SIZE[] = {0, 1, 1, 2, 4, 8, 0, 1, 0, 0};
static const uint8_t TYPE_ALIGN[] = {1, 1, 1, 2, 4, 8, 1, 1, 1, 1};

#define REGION_TAG_MIN 61 /* HEADERIMAGE, HEADERSIGNATURES, HEADERIMMUTABLE: 61..63 */
#define REGION_TAG_MAX 63
#define REGION_TAG_COUNT 16
#define TAG_MIN 100 /* HEADER_I18NTABLE: lower tags only as the region tag */

typedef struct entry {
	uint32_t tag, type, off, count;
} entry;

static void entry_at(entry *e, const uint8_t *p)
{
	e->tag = vigil_rpm__be32(p);
	e->type = vigil_rpm__be32(p + 4);
	e->off = vigil_rpm__be32(p + 8);
	e->count = vigil_rpm__be32(p + 12);
}

/* Sets *out to the bytes that `count` elements of `type` take at p[0..avail), or
 * returns -1 when they do not fit (strings must end with a NUL inside). Linear in the
 * bytes it returns. */
static int data_len(size_t *out, uint32_t type, uint32_t count, const uint8_t *p, size_t avail)
{
	if (type == T_STRING && count != 1)
		return -1;
	if (type == T_STRING || type == T_STRING_ARRAY || type == T_I18NSTRING) {
		size_t at = 0;
		if (count > avail) /* every string takes at least its NUL */
			return -1;
		for (uint32_t i = 0; i < count; i++) {
			const uint8_t *nul = memchr(p + at, 0, avail - at);
			if (!nul)
				return -1;
			at = (size_t)(nul - p) + 1;
		}
		*out = at;
		return 0;
	}
	if (TYPE_SIZE[type] && count > avail / TYPE_SIZE[type])
		return -1;
	*out = (size_t)count * TYPE_SIZE[type];
	return 0;
}

/* The tags the cataloger reads, and the types it accepts for each. */
static const struct {
	uint32_t tag;
	uint32_t type; /* T_STRING also accepts T_I18NSTRING (its first string) */
} WANTED[] = {
	{VIGIL_RPMTAG_NAME, T_STRING},
	{VIGIL_RPMTAG_VERSION, T_STRING},
	{VIGIL_RPMTAG_RELEASE, T_STRING},
	{VIGIL_RPMTAG_EPOCH, T_INT32},
	{VIGIL_RPMTAG_LICENSE, T_STRING},
	{VIGIL_RPMTAG_ARCH, T_STRING},
	{VIGIL_RPMTAG_OLDFILENAMES, T_STRING_ARRAY},
	{VIGIL_RPMTAG_SOURCERPM, T_STRING},
	{VIGIL_RPMTAG_DIRINDEXES, T_INT32},
	{VIGIL_RPMTAG_BASENAMES, T_STRING_ARRAY},
	{VIGIL_RPMTAG_DIRNAMES, T_STRING_ARRAY},
	{VIGIL_RPMTAG_MODULARITYLABEL, T_STRING},
};
#define NWANTED VIGIL_ARRAY_LEN(WANTED)

int vigil_rpm__header_parse(vigil_rpm_header *out, const uint8_t *blob, size_t len)
{
	entry found[NWANTED];
	int have[NWANTED];
	memset(out, 0, sizeof(*out));
	memset(have, 0, sizeof(have));
	memset(found, 0, sizeof(found));
	if (len < 8)
		return VIGIL_EFORMAT;
	uint32_t il = vigil_rpm__be32(blob), dl = vigil_rpm__be32(blob + 4);
	if (il == 0 || il > VIGIL_RPM_MAX_TAGS || dl > VIGIL_RPM_MAX_DATA)
		return VIGIL_EFORMAT;
	/* rpm wants the exact size: 8 + 16 * il + dl (no overflow: il < 2^16, dl < 2^28) */
	if (len - 8 < (size_t)il * 16 || len - 8 - (size_t)il * 16 != dl)
		return VIGIL_EFORMAT;
	const uint8_t *index = blob + 8, *data = index + (size_t)il * 16;

	/* A region tag first (installed headers keep the package's immutable region) has
	 * its 16-byte trailer at `off`; the other entries must not overlap it. */
	uint32_t i = 0;
	size_t rstart = 0, rend = 0;
	entry e;
	entry_at(&e, index);
	if (e.tag >= REGION_TAG_MIN && e.tag <= REGION_TAG_MAX) {
		if (e.type != T_BIN || e.count != REGION_TAG_COUNT || e.off > dl ||
		    dl - e.off < REGION_TAG_COUNT)
			return VIGIL_EFORMAT;
		rstart = e.off;
		rend = (size_t)e.off + REGION_TAG_COUNT;
		i = 1;
	}
	size_t end = 0; /* of the previous entry's data: entries are sorted and disjoint */
	for (; i < il; i++) {
		size_t n;
		entry_at(&e, index + (size_t)i * 16);
		if (e.tag < TAG_MIN || e.type > T_MAX || e.off > dl || e.off < end ||
		    (e.off & (TYPE_ALIGN[e.type] - 1u)) != 0)
			return VIGIL_EFORMAT;
		if (data_len(&n, e.type, e.count, data + e.off, dl - e.off) < 0)
			return VIGIL_EFORMAT;
		end = (size_t)e.off + n;
		if (rend && end > rstart && e.off < rend)
			return VIGIL_EFORMAT;
		for (size_t k = 0; k < NWANTED; k++) {
			if (WANTED[k].tag != e.tag)
				continue;
			int ok = e.type == WANTED[k].type ||
				 (WANTED[k].type == T_STRING && e.type == T_I18NSTRING);
			if (!ok || e.count == 0)
				return VIGIL_EFORMAT;
			found[k] = e; /* a later (dribble) entry replaces an earlier one */
			have[k] = 1;
		}
	}
	for (size_t k = 0; k < NWANTED; k++) {
		if (!have[k])
			continue;
		const uint8_t *p = data + found[k].off;
		const char *s = (const char *)p;
		switch (found[k].tag) {
		case VIGIL_RPMTAG_NAME:
			out->name = s;
			break;
		case VIGIL_RPMTAG_VERSION:
			out->version = s;
			break;
		case VIGIL_RPMTAG_RELEASE:
			out->release = s;
			break;
		case VIGIL_RPMTAG_EPOCH:
			out->epoch = vigil_rpm__be32(p);
			out->has_epoch = 1;
			break;
		case VIGIL_RPMTAG_LICENSE:
			out->license = s;
			break;
		case VIGIL_RPMTAG_ARCH:
			out->arch = s;
			break;
		case VIGIL_RPMTAG_SOURCERPM:
			out->sourcerpm = s;
			break;
		case VIGIL_RPMTAG_MODULARITYLABEL:
			out->modularity = s;
			break;
		case VIGIL_RPMTAG_OLDFILENAMES:
			out->oldfilenames = p;
			out->noldfilenames = found[k].count;
			break;
		case VIGIL_RPMTAG_DIRINDEXES:
			out->dirindexes = p;
			out->ndirindexes = found[k].count;
			break;
		case VIGIL_RPMTAG_BASENAMES:
			out->basenames = p;
			out->nbasenames = found[k].count;
			break;
		case VIGIL_RPMTAG_DIRNAMES:
			out->dirnames = p;
			out->ndirnames = found[k].count;
			break;
		}
	}
	return 0;
}

/* Appends dir + base (dir may be "") as one absolute path to fl, or skips a path longer
 * than PATH_MAX. VIGIL_ELIMIT when the text would pass its byte budget. */
static int add_path(vigil_rpm_files *fl, const char *dir, const char *base)
{
	size_t dl = strlen(dir), bl = strlen(base);
	int slash = dir[0] != '/' && !(dl == 0 && base[0] == '/');
	int error;
	if (dl + bl + (size_t)slash >= 4096 || dl + bl == 0)
		return 0;
	size_t at = fl->text.len;
	if ((slash && (error = vigil_buf_putc(&fl->text, '/')) < 0) ||
	    (error = vigil_buf_put(&fl->text, dir, dl)) < 0 ||
	    (error = vigil_buf_put(&fl->text, base, bl)) < 0 ||
	    (error = vigil_buf_putc(&fl->text, '\0')) < 0) {
		fl->text.len = at;
		return error;
	}
	size_t *o = vigil_vec_push(&fl->offs);
	if (!o)
		return VIGIL_ENOMEM;
	*o = at;
	return 0;
}

static void files_reset(vigil_rpm_files *fl, size_t max_bytes)
{
	fl->text.len = 0;
	fl->text.limit = max_bytes ? max_bytes : 1;
	fl->offs.len = 0;
	fl->dirs.len = 0;
	fl->ptrs.len = 0;
}

int vigil_rpm__files(const char *const **out, size_t *n, vigil_rpm_files *fl,
		     const vigil_rpm_header *h, size_t max, size_t max_bytes)
{
	int error = 0, limited = 0;
	*out = NULL;
	*n = 0;
	files_reset(fl, max_bytes);
	if (h->basenames) {
		if (h->ndirindexes != h->nbasenames || !h->dirnames)
			return VIGIL_EFORMAT;
		if (h->ndirnames > max)
			return VIGIL_ELIMIT;
		/* where each directory name starts (they were checked to be terminated) */
		const char *d = (const char *)h->dirnames;
		for (uint32_t i = 0; i < h->ndirnames; i++) {
			size_t *o = vigil_vec_push(&fl->dirs);
			if (!o)
				return VIGIL_ENOMEM;
			*o = (size_t)(d - (const char *)h->dirnames);
			d += strlen(d) + 1;
		}
		const char *b = (const char *)h->basenames;
		for (uint32_t i = 0; i < h->nbasenames && error == 0; i++) {
			uint32_t di = vigil_rpm__be32(h->dirindexes + (size_t)i * 4);
			if (di >= h->ndirnames) {
				files_reset(fl, max_bytes);
				return VIGIL_EFORMAT;
			}
			if (fl->offs.len >= max) {
				limited = 1;
				break;
			}
			const char *dir =
				(const char *)h->dirnames + VIGIL_VEC_AT(&fl->dirs, size_t, di);
			error = add_path(fl, dir, b);
			b += strlen(b) + 1;
		}
	} else if (h->oldfilenames) {
		const char *p = (const char *)h->oldfilenames;
		for (uint32_t i = 0; i < h->noldfilenames && error == 0; i++) {
			if (fl->offs.len >= max) {
				limited = 1;
				break;
			}
			error = add_path(fl, "", p);
			p += strlen(p) + 1;
		}
	}
	if (error == VIGIL_ELIMIT) {
		limited = 1;
		error = 0;
	}
	if (error < 0)
		return error;
	if (fl->offs.len) {
		for (size_t i = 0; i <= fl->offs.len; i++) {
			const char **p = vigil_vec_push(&fl->ptrs);
			if (!p)
				return VIGIL_ENOMEM;
			if (i < fl->offs.len)
				*p = (const char *)fl->text.data +
				     VIGIL_VEC_AT(&fl->offs, size_t, i);
		}
		*out = fl->ptrs.data;
		*n = fl->offs.len;
	}
	return limited ? VIGIL_ELIMIT : 0;
}

void vigil_rpm__files_free(vigil_rpm_files *fl)
{
	vigil_buf_free(&fl->text);
	vigil_vec_free(&fl->offs);
	vigil_vec_free(&fl->dirs);
	vigil_vec_free(&fl->ptrs);
}

/* Splits "name-version-release.src.rpm" (or .nosrc.rpm): *name_len and the version-release
 * part [*vr, *vr + *vr_len). Returns -1 when it does not have that shape. */
static int split_sourcerpm(const char *s, size_t *name_len, const char **vr, size_t *vr_len)
{
	size_t n = strlen(s);
	static const char *const suffixes[] = {".src.rpm", ".nosrc.rpm"};
	for (size_t k = 0; k < VIGIL_ARRAY_LEN(suffixes); k++) {
		size_t sl = strlen(suffixes[k]);
		if (n > sl && memcmp(s + n - sl, suffixes[k], sl) == 0) {
			n -= sl;
			break;
		}
	}
	/* release after the last '-', version after the one before */
	const char *rel = NULL, *ver = NULL;
	for (size_t i = n; i > 0; i--) {
		if (s[i - 1] != '-')
			continue;
		if (!rel) {
			rel = s + i;
		} else {
			ver = s + i;
			break;
		}
	}
	if (!ver || ver - s < 2 || rel - ver < 2 || (size_t)(rel - s) >= n)
		return -1;
	*name_len = (size_t)(ver - 1 - s);
	*vr = ver;
	*vr_len = n - (size_t)(ver - s);
	return 0;
}

int vigil_rpm__evr(vigil_rpm_evr *out, vigil_buf *scratch, const vigil_rpm_header *h)
{
	size_t at_ver = 0, at_sname = 0, at_sver = 0;
	int have_ver = 0, have_src = 0, error = 0;
	char epoch[16] = "";
	memset(out, 0, sizeof(*out));
	scratch->len = 0;
	if (h->has_epoch)
		snprintf(epoch, sizeof(epoch), "%lu:", (unsigned long)h->epoch);
	if (h->version || h->release) {
		have_ver = 1;
		at_ver = scratch->len;
		error = vigil_buf_puts(scratch, epoch);
		if (!error && h->version)
			error = vigil_buf_puts(scratch, h->version);
		if (!error && h->release && (error = vigil_buf_putc(scratch, '-')) == 0)
			error = vigil_buf_puts(scratch, h->release);
		if (!error)
			error = vigil_buf_putc(scratch, '\0');
	}
	size_t nl, vrl;
	const char *vr;
	if (!error && h->sourcerpm && split_sourcerpm(h->sourcerpm, &nl, &vr, &vrl) == 0) {
		have_src = 1;
		at_sname = scratch->len;
		if ((error = vigil_buf_put(scratch, h->sourcerpm, nl)) == 0 &&
		    (error = vigil_buf_putc(scratch, '\0')) == 0) {
			at_sver = scratch->len;
			if ((error = vigil_buf_puts(scratch, epoch)) == 0 &&
			    (error = vigil_buf_put(scratch, vr, vrl)) == 0)
				error = vigil_buf_putc(scratch, '\0');
		}
	}
	if (error < 0)
		return error;
	/* pointers only now: the buffer may have moved while it grew */
	const char *base = (const char *)scratch->data;
	if (have_ver)
		out->version = base + at_ver;
	if (have_src) {
		out->source_name = base + at_sname;
		out->source_version = base + at_sver;
	}
	return 0;
}
