/*
 * Reading one layer: the blob is hashed as it is read, decompressed (gzip, zstd or
 * none, sniffed), the tar stream is hashed again (the diff_id) and parsed by
 * libarchive. Each entry becomes a record for the merged view; each regular file is
 * offered to the analyzers. Nothing is written to disk.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define HEAD_LEN 512

typedef struct lrd {
	vigil_image *img;
	vigil_layer *layer;
	vigil_dec *dec;
	vigil_sha256 *plain_hash;
	uint64_t plain_bytes;
	const char *errmsg; /* decompression or limit problem seen by the callback */
	int error;
	uint64_t raw_reported; /* blob bytes already counted as progress */
	char limit_msg[256];
} lrd;

/* libarchive pulls decompressed bytes through here; every byte is hashed. */
static la_ssize_t lrd_read(struct archive *a, void *payload, const void **buf)
{
	lrd *r = payload;
	const uint8_t *p;
	size_t n;
	(void)a;
	if (atomic_load(&r->img->cancel))
		return -1;
	int error = vigil_image__dec_read(r->dec, &p, &n, &r->errmsg);
	if (error < 0) {
		r->error = error;
		return -1;
	}
	if (n) {
		vigil_sha256_update(r->plain_hash, p, n);
		r->plain_bytes += n;
		uint64_t total = atomic_fetch_add(&r->img->nbytes, n) + n;
		uint64_t raw = vigil_image__dec_raw_bytes(r->dec);
		if (raw - r->raw_reported >= (4u << 20)) {
			vigil_image__progress(r->img, raw - r->raw_reported);
			r->raw_reported = raw;
		}
		if (total > r->img->ctx->limits.max_bytes) {
			snprintf(r->limit_msg, sizeof(r->limit_msg),
				 "uncompressed size exceeds the limit of %llu bytes (raise with "
				 "--max-bytes)",
				 (unsigned long long)r->img->ctx->limits.max_bytes);
			r->errmsg = r->limit_msg;
			r->error = VIGIL_ELIMIT;
			return -1;
		}
	}
	*buf = p;
	return (la_ssize_t)n;
}

int vigil_image__path_clean(vigil_buf *out, const char *in, const vigil_limits *lim,
			    const char **why)
{
	const char *p = in;
	uint32_t depth = 0;
	int error;
	out->len = 0;
	*why = NULL;
	if (*p == '/') {
		*why = "unsafe path (absolute)";
		return VIGIL_EFORMAT;
	}
	if (strlen(in) > lim->max_path) {
		*why = "path longer than the limit (raise with --max-path)";
		return VIGIL_ELIMIT;
	}
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			*why = "unsafe path (escapes the image root with '..')";
			return VIGIL_EFORMAT;
		}
		if (++depth > lim->max_depth) {
			*why = "path deeper than the limit (raise with --max-depth)";
			return VIGIL_ELIMIT;
		}
		if ((out->len && (error = vigil_buf_putc(out, '/')) < 0) ||
		    (error = vigil_buf_put(out, p, len)) < 0)
			return error;
		p += len;
	}
	return vigil_buf_cstr(out);
}

static vigil_ftype entry_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return VIGIL_FT_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		return VIGIL_FT_DIR;
	case AE_IFLNK:
		return VIGIL_FT_SYMLINK;
	case AE_IFCHR:
		return VIGIL_FT_CHAR;
	case AE_IFBLK:
		return VIGIL_FT_BLOCK;
	case AE_IFIFO:
		return VIGIL_FT_FIFO;
	default:
		return VIGIL_FT_FILE;
	}
}

typedef struct pull_ar {
	struct archive *a;
	int started;
} pull_ar;

static int pull_archive(void *src, const uint8_t **p, size_t *n)
{
	pull_ar *s = src;
	const void *buf;
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(s->a, &buf, &size, &off);
	if (r == ARCHIVE_EOF) {
		*n = 0;
		return 0;
	}
	if (r < ARCHIVE_WARN)
		return VIGIL_EFORMAT;
	*p = buf;
	*n = size;
	return 0;
}

static int layer_fail(vigil_layer *L, int error, const char *fmt, const char *detail)
{
	snprintf(L->errmsg, sizeof(L->errmsg), fmt, L->info.index,
		 L->want_digest ? L->want_digest : L->blob, detail);
	L->error = error;
	return error;
}

int vigil_image__layer_read(vigil_image *img, int index, vigil_bsrc *src)
{
	vigil_layer *L = &img->layers[index];
	const vigil_limits *lim = &img->ctx->limits;
	vigil_sha256 *raw_hash = NULL;
	struct archive *a = NULL;
	struct archive_entry *e;
	vigil_buf path = VIGIL_BUF_INIT, link = VIGIL_BUF_INIT;
	lrd r;
	int error = 0, ar;
	const char *why;
	char detail[512];

	memset(&r, 0, sizeof(r));
	r.img = img;
	r.layer = L;
	vigil_vec recs = VIGIL_VEC_INIT(vigil_rec);
	L->recs = recs;
	vigil_arena_init(&L->arena);
	if ((error = vigil_sha256_new(&raw_hash)) < 0 ||
	    (error = vigil_sha256_new(&r.plain_hash)) < 0)
		goto done;
	if ((error = vigil_image__dec_new(&r.dec, src, raw_hash)) < 0) {
		layer_fail(L, error, "layer %d (%s): %s", src->errmsg ? src->errmsg : "read error");
		goto done;
	}
	L->info.compression = vigil_image__comp_name(vigil_image__dec_comp(r.dec));
	if (!(a = archive_read_new())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (archive_read_open(a, &r, NULL, lrd_read, NULL) != ARCHIVE_OK)
		goto archive_error;
	while ((ar = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (ar < ARCHIVE_WARN)
			goto archive_error;
		const char *name = archive_entry_pathname(e);
		if (!name) {
			error = layer_fail(L, VIGIL_EFORMAT, "layer %d (%s): %s",
					   "tar entry without a name");
			goto done;
		}
		if (atomic_fetch_add(&img->nfiles, 1) + 1 > lim->max_files) {
			snprintf(detail, sizeof(detail),
				 "more than %llu entries (raise with --max-files)",
				 (unsigned long long)lim->max_files);
			error = layer_fail(L, VIGIL_ELIMIT, "layer %d (%s): %s", detail);
			goto done;
		}
		L->info.entries++;
		if ((error = vigil_image__path_clean(&path, name, lim, &why)) < 0) {
			if (!why)
				goto done;
			snprintf(detail, sizeof(detail), "entry '%.300s': %s", name, why);
			layer_fail(L, error, "layer %d (%s): %s", detail);
			goto done;
		}
		if (vigil_ctx__skipped(img->ctx, (char *)path.data, entry_type(e) == VIGIL_FT_DIR))
			continue; /* --skip-dirs / --skip-files */
		vigil_rec *rec = vigil_vec_push(&L->recs);
		if (!rec) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		rec->type = (uint8_t)entry_type(e);
		rec->mode = (uint32_t)archive_entry_perm(e) & 07777;
		rec->uid = (uint32_t)archive_entry_uid(e);
		rec->gid = (uint32_t)archive_entry_gid(e);
		rec->mtime = archive_entry_mtime(e);
		rec->size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
		if (rec->type == VIGIL_FT_CHAR || rec->type == VIGIL_FT_BLOCK) {
			rec->rmaj = (uint32_t)archive_entry_rdevmajor(e);
			rec->rmin = (uint32_t)archive_entry_rdevminor(e);
		}
		if (rec->type != VIGIL_FT_FILE)
			rec->size = 0;
		if (rec->type == VIGIL_FT_SYMLINK)
			rec->mode = 0777; /* what any runtime shows: Linux ignores symlink modes */
		/* whiteouts: ".wh.<name>" hides <name> of lower layers; ".wh..wh..opq" all of a dir
		 */
		const char *base = strrchr((char *)path.data, '/');
		base = base ? base + 1 : (char *)path.data;
		if (strncmp(base, ".wh.", 4) == 0 && !img->rootfs_dir) {
			size_t dlen = (size_t)(base - (char *)path.data);
			if (strcmp(base, ".wh..wh..opq") == 0) {
				rec->kind = REC_OPAQUE;
				rec->path = vigil_arena_strndup(&L->arena, (char *)path.data,
								dlen ? dlen - 1 : 0);
			} else if (strncmp(base, ".wh..wh.", 8) == 0) {
				L->recs.len--; /* AUFS bookkeeping: ignored */
				continue;
			} else {
				rec->kind = REC_WHITEOUT;
				rec->path = vigil_arena_printf(&L->arena, "%.*s%s", (int)dlen,
							       (char *)path.data, base + 4);
			}
			if (!rec->path) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			continue;
		}
		if (!(rec->path = vigil_arena_strndup(&L->arena, (char *)path.data, path.len))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		if (rec->type == VIGIL_FT_HARDLINK) {
			const char *target = archive_entry_hardlink(e);
			if ((error = vigil_image__path_clean(&link, target, lim, &why)) < 0) {
				if (!why)
					goto done;
				snprintf(detail, sizeof(detail),
					 "hard link '%.200s' -> '%.200s': %s", name, target, why);
				layer_fail(L, error, "layer %d (%s): %s", detail);
				goto done;
			}
			rec->link = vigil_arena_strndup(&L->arena, (char *)link.data, link.len);
			if (!rec->link) {
				error = VIGIL_ENOMEM;
				goto done;
			}
		} else if (rec->type == VIGIL_FT_SYMLINK) {
			const char *target = archive_entry_symlink(e);
			if (!(rec->link = vigil_arena_strdup(&L->arena, target ? target : ""))) {
				error = VIGIL_ENOMEM;
				goto done;
			}
		}
		if (rec->type == VIGIL_FT_FILE && img->analyzers.len) {
			vigil_file f;
			memset(&f, 0, sizeof(f));
			f.path = vigil_arena_printf(&L->arena, "/%s", rec->path);
			f.size = rec->size;
			f.mtime = rec->mtime;
			f.mode = rec->mode;
			f.uid = rec->uid;
			f.gid = rec->gid;
			f.layer = index;
			f.type = VIGIL_FT_FILE;
			f.removed_by = -1;
			if (!f.path) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			/* files over --max-file-size go only to analyzers that take any size */
			pull_ar pa = {a, 0};
			if ((error = vigil_image__analyze(img, &f, pull_archive, pull_archive,
							  &pa)) < 0) {
				if (r.error)
					goto archive_error;
				if (vigil_image__stop_msg(img)) {
					layer_fail(L, error, "layer %d (%s): %s",
						   vigil_image__stop_msg(img));
				} else if (error == VIGIL_ELIMIT) {
					snprintf(detail, sizeof(detail),
						 "'%.300s' is a package database of %llu bytes, "
						 "too large to read (raise --max-file-size); a "
						 "package database is never skipped",
						 f.path, (unsigned long long)f.size);
					layer_fail(L, error, "layer %d (%s): %s", detail);
				} else {
					layer_fail(L, error, "layer %d (%s): %s",
						   "an analyzer stopped the read");
				}
				goto done;
			}
		}
	}
	/* the tar may end before the stream does (zero blocks, padding): hash the rest */
	for (;;) {
		const void *p;
		la_ssize_t n = lrd_read(a, &r, &p);
		if (n < 0)
			goto archive_error;
		if (n == 0)
			break;
	}
	vigil_image__progress(img, vigil_image__dec_raw_bytes(r.dec) - r.raw_reported);
	vigil_sha256_final(raw_hash, L->got_digest);
	vigil_sha256_final(r.plain_hash, L->got_diff_id);
	L->info.size = vigil_image__dec_raw_bytes(r.dec);
	L->info.uncompressed_size = r.plain_bytes;
	if (L->want_digest && vigil_digest_is_sha256(L->want_digest) &&
	    strcmp(L->want_digest, L->got_digest) != 0) {
		snprintf(detail, sizeof(detail), "blob digest mismatch: the blob hashes to %s",
			 L->got_digest);
		error = layer_fail(L, VIGIL_EFORMAT, "layer %d (%s): %s", detail);
		goto done;
	}
	if (L->want_size >= 0 && L->info.size != (uint64_t)L->want_size) {
		snprintf(detail, sizeof(detail),
			 "descriptor size mismatch: the blob is %llu bytes but its descriptor "
			 "says %lld",
			 (unsigned long long)L->info.size, (long long)L->want_size);
		error = layer_fail(L, VIGIL_EFORMAT, "layer %d (%s): %s", detail);
		goto done;
	}
	if (L->want_diff_id && vigil_digest_is_sha256(L->want_diff_id) &&
	    strcmp(L->want_diff_id, L->got_diff_id) != 0) {
		snprintf(detail, sizeof(detail),
			 "diff_id digest mismatch: the config says %s, the uncompressed layer "
			 "hashes to %s",
			 L->want_diff_id, L->got_diff_id);
		error = layer_fail(L, VIGIL_EFORMAT, "layer %d (%s): %s", detail);
		goto done;
	}
	if (!L->info.digest)
		L->info.digest = vigil_arena_strdup(&img->arena, L->got_digest);
	L->info.diff_id =
		L->want_diff_id ? L->want_diff_id : vigil_arena_strdup(&img->arena, L->got_diff_id);
	error = 0;
	goto done;

archive_error:
	if (r.error) {
		error = r.error;
		layer_fail(L, error, "layer %d (%s): %s", r.errmsg ? r.errmsg : "read error");
	} else if (atomic_load(&img->cancel)) {
		error = VIGIL_ECANCELLED;
	} else {
		error = VIGIL_EFORMAT;
		snprintf(detail, sizeof(detail), "bad tar stream: %s",
			 a ? archive_error_string(a) : "unknown");
		if (a && archive_error_string(a) && strstr(archive_error_string(a), "runcated"))
			snprintf(detail, sizeof(detail), "truncated tar stream: %s",
				 archive_error_string(a));
		layer_fail(L, error, "layer %d (%s): %s", detail);
	}
done:
	if (error < 0 && !L->error)
		layer_fail(L, error, "layer %d (%s): %s",
			   error == VIGIL_ENOMEM ? "out of memory" : "failed");
	if (a)
		archive_read_free(a);
	vigil_image__dec_free(r.dec);
	vigil_sha256_free(raw_hash);
	vigil_sha256_free(r.plain_hash);
	vigil_buf_free(&path);
	vigil_buf_free(&link);
	return error;
}

typedef struct pull_rd {
	vigil_dec *dec;
	const char *errmsg;
	int error;
} pull_rd;

static la_ssize_t pull_rd_read(struct archive *a, void *payload, const void **buf)
{
	pull_rd *r = payload;
	const uint8_t *p;
	size_t n;
	(void)a;
	if ((r->error = vigil_image__dec_read(r->dec, &p, &n, &r->errmsg)) < 0)
		return -1;
	*buf = p;
	return (la_ssize_t)n;
}

int vigil_image__layer_pull(vigil_image *img, vigil_bsrc *src, const char *rel,
			    vigil_image__chunk_fn cb, void *payload, vigil_buf *hardlink)
{
	const vigil_limits *lim = &img->ctx->limits;
	struct archive *a = NULL;
	struct archive_entry *e;
	vigil_buf path = VIGIL_BUF_INIT;
	pull_rd r;
	const char *why;
	int error, ar;

	memset(&r, 0, sizeof(r));
	if ((error = vigil_image__dec_new(&r.dec, src, NULL)) < 0)
		goto done;
	if (!(a = archive_read_new())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	error = VIGIL_ENOTFOUND;
	if (archive_read_open(a, &r, NULL, pull_rd_read, NULL) != ARCHIVE_OK) {
		error = VIGIL_EFORMAT;
		goto done;
	}
	while ((ar = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *name = archive_entry_pathname(e);
		if (ar < ARCHIVE_WARN) {
			error = r.error ? r.error : VIGIL_EFORMAT;
			goto done;
		}
		if (!name || vigil_image__path_clean(&path, name, lim, &why) < 0 ||
		    strcmp((char *)path.data, rel) != 0)
			continue;
		const char *hl = archive_entry_hardlink(e);
		if (hl) { /* the content is the (earlier) target's: the caller reads again */
			if ((error = vigil_image__path_clean(hardlink, hl, lim, &why)) == 0)
				error = 1;
			goto done;
		}
		for (;;) {
			const void *buf;
			size_t size;
			la_int64_t off;
			int rr = archive_read_data_block(a, &buf, &size, &off);
			if (rr == ARCHIVE_EOF)
				break;
			if (rr < ARCHIVE_WARN) {
				error = r.error ? r.error : VIGIL_EFORMAT;
				goto done;
			}
			if ((error = cb(buf, size, payload)) < 0)
				goto done;
		}
		error = 0;
		break;
	}
done:
	if (a)
		archive_read_free(a);
	vigil_image__dec_free(r.dec);
	vigil_buf_free(&path);
	return error;
}
