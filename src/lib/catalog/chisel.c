/*
 * Ubuntu chiselled images: the chisel manifest, /var/lib/chisel/manifest.wall or a copy
 * in another directory named chisel. It is a zstd-compressed "jsonwall": one JSON
 * object per line, first a header {"jsonwall":"1.0","schema":"1.0","count":N}, then
 * the records sorted. kind=package records are the inventory (name, version, arch; no
 * source package is recorded, so none is reported); kind=path records name a path and
 * the slices "<package>_<slice>" that installed it, which make the package's files.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "catalog.h"

#define CHISEL_MAX_FILE (64u << 20)  /* compressed manifest bytes read */
#define CHISEL_MAX_JSON (256u << 20) /* decompressed bytes */
#define CHISEL_MAX_LINE (1u << 20)   /* bytes of one record */
#define CHISEL_MAX_RECORDS (1u << 22)
#define CHISEL_MAX_SLICES 256 /* slices named by one path record */
#define CHISEL_WINDOW_LOG 25  /* zstd window: 32 MiB at most */

static const uint8_t ZSTD_FRAME_MAGIC[4] = {0x28, 0xb5, 0x2f, 0xfd};

/* Decompresses all zstd frames of data into out, at most CHISEL_MAX_JSON bytes.
 * VIGIL_EFORMAT for a damaged or truncated stream, VIGIL_ELIMIT past the cap. */
static int decompress(vigil_buf *out, const uint8_t *data, size_t len)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer in = {data, len, 0};
	int error = 0;
	if (!z)
		return VIGIL_ENOMEM;
	if (ZSTD_isError(ZSTD_initDStream(z)) ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, CHISEL_WINDOW_LOG))) {
		ZSTD_freeDStream(z);
		return VIGIL_ENOMEM;
	}
	out->limit = CHISEL_MAX_JSON;
	for (;;) {
		size_t room = CHISEL_MAX_JSON - out->len;
		if (room == 0) {
			error = VIGIL_ELIMIT;
			break;
		}
		if ((error = vigil_buf_grow(out, room < 65536 ? room : 65536)) < 0)
			break;
		/* vigil_buf keeps a byte for the NUL after len */
		ZSTD_outBuffer o = {out->data + out->len, out->cap - out->len - 1, 0};
		if (o.size > room)
			o.size = room;
		size_t ret = ZSTD_decompressStream(z, &o, &in);
		if (ZSTD_isError(ret)) {
			error = VIGIL_EFORMAT;
			break;
		}
		out->len += o.pos;
		if (in.pos == in.size && ret == 0)
			break; /* every frame complete */
		if (in.pos == in.size && o.pos < o.size) {
			error = VIGIL_EFORMAT; /* the decoder wants input that is not there */
			break;
		}
	}
	ZSTD_freeDStream(z);
	return error;
}

/* A (package, path) pair from a path record; offsets into the text buffer, pointers
 * once the text stops growing. */
typedef struct owner {
	size_t pkg_off, path_off;
	const char *pkg, *path;
} owner;

typedef struct pkgrec {
	size_t name, version, arch; /* offsets into text; arch SIZE_MAX when absent */
} pkgrec;

typedef struct wall {
	vigil_catalog_result *r;
	vigil_buf text;	  /* NUL-terminated strings the records keep */
	vigil_vec pkgs;	  /* pkgrec */
	vigil_vec owners; /* owner */
} wall;

static int keep(size_t *out, wall *w, const char *s)
{
	*out = w->text.len;
	return vigil_buf_put(&w->text, s, strlen(s) + 1);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int add_package(wall *w, json_t *rec)
{
	const char *name = str(rec, "name"), *version = str(rec, "version"),
		   *arch = str(rec, "arch");
	pkgrec *p;
	int error;
	if (!name || !*name || !version || !*version) {
		vigil_catalog__skipped(w->r, "package record without name or version");
		return 0;
	}
	if (!(p = vigil_vec_push(&w->pkgs)))
		return VIGIL_ENOMEM;
	p->arch = SIZE_MAX;
	if ((error = keep(&p->name, w, name)) < 0 || (error = keep(&p->version, w, version)) < 0 ||
	    (arch && (error = keep(&p->arch, w, arch)) < 0))
		return error;
	return 0;
}

/* Records which packages installed a path: each slice "<pkg>_<slice>" names one.
 * Directories (a trailing '/') are not counted as files. */
static int add_path(wall *w, json_t *rec)
{
	const char *path = str(rec, "path");
	json_t *slices = json_object_get(rec, "slices");
	size_t at = 0, first = w->owners.len;
	int error;
	if (!path || path[0] != '/' || !json_is_array(slices)) {
		vigil_catalog__skipped(w->r, "path record without path or slices");
		return 0;
	}
	if (json_array_size(slices) > CHISEL_MAX_SLICES) {
		vigil_catalog__skipped(w->r, "path record with too many slices");
		return 0;
	}
	if (path[strlen(path) - 1] == '/')
		return 0;
	for (size_t i = 0; i < json_array_size(slices); i++) {
		const char *slice = json_string_value(json_array_get(slices, i));
		const char *us = slice ? strrchr(slice, '_') : NULL;
		if (!us || us == slice) {
			vigil_catalog__skipped(w->r, "slice name that is not <package>_<slice>");
			continue;
		}
		size_t nl = (size_t)(us - slice);
		int dup = 0; /* two slices of one package own the path once */
		for (size_t k = first; k < w->owners.len && !dup; k++) {
			const char *other = (const char *)w->text.data +
					    VIGIL_VEC_AT(&w->owners, owner, k).pkg_off;
			dup = strlen(other) == nl && memcmp(other, slice, nl) == 0;
		}
		if (dup)
			continue;
		if (w->owners.len == first && (error = keep(&at, w, path)) < 0)
			return error;
		owner *o = vigil_vec_push(&w->owners);
		if (!o)
			return VIGIL_ENOMEM;
		o->path_off = at;
		o->pkg_off = w->text.len;
		if ((error = vigil_buf_put(&w->text, slice, nl)) < 0 ||
		    (error = vigil_buf_putc(&w->text, '\0')) < 0)
			return error;
	}
	return 0;
}

static int owner_cmp(const void *a, const void *b)
{
	const owner *x = a, *y = b;
	int c = strcmp(x->pkg, y->pkg);
	return c ? c : strcmp(x->path, y->path);
}

/* Adds every package with the paths its slices installed. */
static int emit(wall *w)
{
	vigil_vec files = VIGIL_VEC_INIT(const char *);
	const char *text = (const char *)w->text.data;
	owner *own = w->owners.data;
	size_t n = w->owners.len;
	int error = 0;
	for (size_t i = 0; i < n; i++) {
		own[i].pkg = text + own[i].pkg_off;
		own[i].path = text + own[i].path_off;
	}
	if (n)
		qsort(own, n, sizeof(owner), owner_cmp);
	for (size_t i = 0; i < w->pkgs.len && error == 0; i++) {
		const pkgrec *p = &VIGIL_VEC_AT(&w->pkgs, pkgrec, i);
		const char *name = text + p->name;
		/* the first pair of this package: lower bound by name */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(own[mid].pkg, name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		files.len = 0;
		for (size_t k = lo; k < n && strcmp(own[k].pkg, name) == 0; k++) {
			const char **f = vigil_vec_push(&files);
			if (!f) {
				error = VIGIL_ENOMEM;
				break;
			}
			*f = own[k].path;
		}
		if (error == 0 && files.len && !vigil_vec_push(&files)) /* the NULL */
			error = VIGIL_ENOMEM;
		if (error < 0)
			break;
		vigil_pkg_in in;
		memset(&in, 0, sizeof(in));
		in.type = "deb";
		in.name = name;
		in.version = text + p->version;
		in.arch = p->arch == SIZE_MAX ? NULL : text + p->arch;
		in.files = files.len ? files.data : NULL;
		error = vigil_catalog__add(w->r, &in);
	}
	vigil_vec_free(&files);
	return error;
}

/* Reads the jsonwall lines of `json`: the header first, then the records. */
static int read_wall(wall *w, const char *json, size_t len)
{
	size_t nrec = 0;
	int error = 0, header = 0;
	for (const char *p = json, *end = json + len; p < end && error == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)((nl ? nl : end) - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (ll == 0)
			continue;
		if (++nrec > CHISEL_MAX_RECORDS)
			return VIGIL_ELIMIT;
		json_error_t jerr;
		json_t *rec = ll <= CHISEL_MAX_LINE
				      ? json_loadb(line, ll, JSON_REJECT_DUPLICATES, &jerr)
				      : NULL;
		if (!header) {
			/* the first line must be the jsonwall header, or this is no manifest */
			int ok = json_is_object(rec) && str(rec, "jsonwall");
			json_decref(rec);
			if (!ok)
				return VIGIL_EFORMAT;
			header = 1;
			continue;
		}
		const char *kind = json_is_object(rec) ? str(rec, "kind") : NULL;
		if (!kind)
			vigil_catalog__skipped(w->r, "line that is not a jsonwall record");
		else if (strcmp(kind, "package") == 0)
			error = add_package(w, rec);
		else if (strcmp(kind, "path") == 0)
			error = add_path(w, rec);
		json_decref(rec);
	}
	return header ? error : VIGIL_EFORMAT;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_buf plain = VIGIL_BUF_INIT;
	wall w;
	vigil_vec pkgs = VIGIL_VEC_INIT(pkgrec), owners = VIGIL_VEC_INIT(owner);
	const char *json = (const char *)data;
	int error = 0;
	(void)f;
	memset(&w, 0, sizeof(w));
	w.r = r;
	w.pkgs = pkgs;
	w.owners = owners;
	if (len >= 4 && memcmp(data, ZSTD_FRAME_MAGIC, 4) == 0) {
		if ((error = decompress(&plain, data, len)) < 0)
			goto done;
		json = (const char *)plain.data;
		len = plain.len;
	} else if (len == 0 || data[0] != '{') {
		error = VIGIL_EFORMAT; /* neither zstd nor a plain jsonwall */
		goto done;
	}
	if (len == 0) {
		error = VIGIL_EFORMAT;
		goto done;
	}
	if ((error = read_wall(&w, json, len)) == 0)
		error = emit(&w);
done:
	vigil_buf_free(&plain);
	vigil_buf_free(&w.text);
	vigil_vec_free(&w.pkgs);
	vigil_vec_free(&w.owners);
	return error;
}

/* A manifest.wall in a directory named chisel, anywhere below it. */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return vigil_catalog__has_suffix(f->path, "/manifest.wall") && strstr(f->path, "/chisel/")
		       ? VIGIL_WANT_YES
		       : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_chisel = {
	"chisel", VIGIL_CAT_DATABASE | VIGIL_CAT_OS, want, parse, CHISEL_MAX_FILE,
};
