/*
 * vigil db export / import: one zstd-compressed, checksummed file that carries the
 * vulnerability database into an air-gapped site (format in bundle.h). Export reads
 * the database through one open descriptor, so an update renaming a new database into
 * place meanwhile does not mix two files. Import writes a temporary file next to the
 * database, verifies size, SHA-256 and schema, and renames it into place: a corrupt or
 * truncated bundle leaves the old database as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zstd.h>

#include "bundle.h"
#include "vulndb.h"

#define CHUNK (256 * 1024)

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Writes all of buf, retrying short writes. */
static int write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads up to n bytes (fewer only at end of file). */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Schema version and build time of an open database file (by path). */
static int db_meta(vigil_ctx *ctx, const char *path, int *schema, char built[24])
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	*schema = -1;
	built[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(st, 0);
			const char *v = (const char *)sqlite3_column_text(st, 1);
			uint64_t n;
			if (k && v && strcmp(k, "schema_version") == 0 &&
			    vigil_parse_uint(&n, v, 1000) == 0)
				*schema = (int)n;
			else if (k && v && strcmp(k, "built") == 0)
				snprintf(built, 24, "%s", v);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (*schema < 0)
		return vigil_error_set(ctx, VIGIL_EFORMAT, "%s is not a Vigil database", path);
	return 0;
}

/* The directory of `path` is synced so a rename in it is durable. */
static void sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int vigil_db_export(vigil_ctx *ctx, const char *db_path, const char *bundle_path)
{
	char tmp[4096], built[24], digest[72];
	uint8_t hdr[VIGIL_BUNDLE_HEADER], *in = NULL, *out = NULL;
	int in_fd = -1, out_fd = -1, schema, error = 0;
	uint64_t size = 0, csize = 0;
	vigil_sha256 *h = NULL;
	ZSTD_CCtx *z = NULL;
	struct stat st;

	ctx->error[0] = tmp[0] = '\0';
	if ((in_fd = open(db_path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(in_fd, &st) < 0) {
		error = vigil_error_set(ctx, VIGIL_ENOTFOUND,
					"db export: no vulnerability database at %s", db_path);
		goto done;
	}
	if ((error = db_meta(ctx, db_path, &schema, built)) < 0)
		goto done;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", bundle_path, (long)getpid());
	if ((out_fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db export: cannot create %s: %s", tmp,
					strerror(errno));
		goto done;
	}
	in = malloc(CHUNK);
	out = malloc(ZSTD_CStreamOutSize());
	z = ZSTD_createCCtx();
	if (!in || !out || !z || vigil_sha256_new(&h) < 0) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 9);
	ZSTD_CCtx_setParameter(z, ZSTD_c_nbWorkers, 0);
	memset(hdr, 0, sizeof(hdr));
	if (write_all(out_fd, hdr, sizeof(hdr)) < 0)
		goto write_error;
	for (;;) {
		ssize_t n = read_full(in_fd, in, CHUNK);
		if (n < 0) {
			error = vigil_error_set(ctx, VIGIL_EIO, "db export: reading %s: %s",
						db_path, strerror(errno));
			goto done;
		}
		vigil_sha256_update(h, in, (size_t)n);
		size += (uint64_t)n;
		ZSTD_EndDirective mode = n == 0 ? ZSTD_e_end : ZSTD_e_continue;
		ZSTD_inBuffer ib = {in, (size_t)n, 0};
		size_t left;
		do {
			ZSTD_outBuffer ob = {out, ZSTD_CStreamOutSize(), 0};
			left = ZSTD_compressStream2(z, &ob, &ib, mode);
			if (ZSTD_isError(left)) {
				error = vigil_error_set(ctx, VIGIL_EIO, "db export: zstd: %s",
							ZSTD_getErrorName(left));
				goto done;
			}
			if (write_all(out_fd, out, ob.pos) < 0)
				goto write_error;
			csize += ob.pos;
		} while (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size);
		if (n == 0)
			break;
	}
	vigil_sha256_final(h, digest);
	memcpy(hdr, "VIGILDB\n", 8);
	put32(hdr + 8, VIGIL_BUNDLE_FORMAT);
	put32(hdr + 12, (uint32_t)schema);
	put64(hdr + 16, size);
	put64(hdr + 24, csize);
	memcpy(hdr + 32, digest, 72);
	memcpy(hdr + 104, built, 24);
	if (pwrite(out_fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) || fsync(out_fd) < 0)
		goto write_error;
	if (close(out_fd) < 0) {
		out_fd = -1;
		goto write_error;
	}
	out_fd = -1;
	if (rename(tmp, bundle_path) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db export: cannot write %s: %s",
					bundle_path, strerror(errno));
		goto done;
	}
	sync_dir(bundle_path);
	goto done;
write_error:
	error = vigil_error_set(ctx, VIGIL_EIO, "db export: writing %s: %s", tmp, strerror(errno));
done:
	if (out_fd >= 0)
		close(out_fd);
	if (error < 0 && tmp[0])
		unlink(tmp);
	if (in_fd >= 0)
		close(in_fd);
	ZSTD_freeCCtx(z);
	vigil_sha256_free(h);
	free(in);
	free(out);
	return error;
}

int vigil_vdb__bundle_unpack(vigil_ctx *ctx, int in_fd, int out_fd, int *schema)
{
	uint8_t hdr[VIGIL_BUNDLE_HEADER], *in = NULL, *out = NULL;
	char digest[72], want[72];
	uint64_t size, csize, got = 0, cread = 0;
	vigil_sha256 *h = NULL;
	ZSTD_DCtx *z = NULL;
	int error = 0;
	size_t ret = 1;

	if (read_full(in_fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "VIGILDB\n", 8) != 0)
		return vigil_error_set(ctx, VIGIL_EFORMAT, "not a Vigil database bundle");
	if (get32(hdr + 8) != VIGIL_BUNDLE_FORMAT)
		return vigil_error_set(ctx, VIGIL_EFORMAT,
				       "bundle format %u is not supported (this vigil reads %d)",
				       get32(hdr + 8), VIGIL_BUNDLE_FORMAT);
	*schema = (int)get32(hdr + 12);
	size = get64(hdr + 16);
	csize = get64(hdr + 24);
	memcpy(want, hdr + 32, 72);
	want[71] = '\0';
	if (size > VIGIL_BUNDLE_MAX_DB || csize > VIGIL_BUNDLE_MAX_DB ||
	    !vigil_digest_is_sha256(want))
		return vigil_error_set(ctx, VIGIL_EFORMAT, "bundle header is corrupt");
	in = malloc(ZSTD_DStreamInSize());
	out = malloc(ZSTD_DStreamOutSize());
	z = ZSTD_createDCtx();
	if (!in || !out || !z || vigil_sha256_new(&h) < 0) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27); /* bounded decoder memory */
	while (cread < csize) {
		size_t want_n = ZSTD_DStreamInSize();
		if (csize - cread < want_n)
			want_n = (size_t)(csize - cread);
		ssize_t n = read_full(in_fd, in, want_n);
		if (n <= 0) {
			error = vigil_error_set(
				ctx, VIGIL_EFORMAT,
				"bundle is truncated: %llu of %llu compressed bytes",
				(unsigned long long)cread, (unsigned long long)csize);
			goto done;
		}
		cread += (uint64_t)n;
		ZSTD_inBuffer ib = {in, (size_t)n, 0};
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = {out, ZSTD_DStreamOutSize(), 0};
			ret = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(ret)) {
				error = vigil_error_set(ctx, VIGIL_EFORMAT, "bundle is corrupt: %s",
							ZSTD_getErrorName(ret));
				goto done;
			}
			got += ob.pos;
			if (got > size) {
				error = vigil_error_set(
					ctx, VIGIL_EFORMAT,
					"bundle is corrupt: more data than its header says");
				goto done;
			}
			vigil_sha256_update(h, out, ob.pos);
			if (ob.pos && write_all(out_fd, out, ob.pos) < 0) {
				error = vigil_error_set(ctx, VIGIL_EIO, "db import: writing: %s",
							strerror(errno));
				goto done;
			}
			if (ret == 0 && ib.pos < ib.size) {
				error = vigil_error_set(ctx, VIGIL_EFORMAT,
							"bundle is corrupt: data after the end");
				goto done;
			}
		}
	}
	if (ret != 0 || got != size) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"bundle is truncated: %llu of %llu database bytes",
					(unsigned long long)got, (unsigned long long)size);
		goto done;
	}
	if (read_full(in_fd, in, 1) != 0) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"bundle is corrupt: data after the end");
		goto done;
	}
	vigil_sha256_final(h, digest);
	if (strcmp(digest, want) != 0)
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"bundle checksum mismatch: the header says %s, the content is %s", want,
			digest);
done:
	ZSTD_freeDCtx(z);
	vigil_sha256_free(h);
	free(in);
	free(out);
	return error;
}

int vigil_db_import(vigil_ctx *ctx, const char *bundle_path, const char *db_path)
{
	char tmp[4096], built[24];
	int in_fd = -1, out_fd = -1, schema = -1, inner = -1, error = 0;

	ctx->error[0] = '\0';
	if ((in_fd = vigil_open_regular(AT_FDCWD, bundle_path, 0)) < 0)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "db import: cannot open %s: %s", bundle_path,
				       vigil_open_strerror(errno));
	/* same name pattern as an update's temporary file: a killed import is cleaned up */
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", db_path, (long)getpid());
	unlink(tmp);
	if ((out_fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db import: cannot create %s: %s", tmp,
					strerror(errno));
		goto done;
	}
	if ((error = vigil_vdb__bundle_unpack(ctx, in_fd, out_fd, &schema)) < 0) {
		char msg[sizeof(ctx->error)];
		snprintf(msg, sizeof(msg), "%s", ctx->error);
		vigil_error_set(ctx, error, "db import: %s: %s; the database was not changed",
				bundle_path, msg);
		goto done;
	}
	if (schema != VIGIL_DB_SCHEMA_VERSION) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"db import: %s holds a database of schema %d, this vigil "
					"reads %d; the database was not changed",
					bundle_path, schema, VIGIL_DB_SCHEMA_VERSION);
		goto done;
	}
	if (fsync(out_fd) < 0 || close(out_fd) < 0) {
		out_fd = -1;
		error = vigil_error_set(ctx, VIGIL_EIO, "db import: cannot sync %s", tmp);
		goto done;
	}
	out_fd = -1;
	/* the checksum proves the copy; the schema inside must agree with the header */
	if ((error = db_meta(ctx, tmp, &inner, built)) < 0 || inner != schema) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"db import: %s does not hold a Vigil database of schema %d",
					bundle_path, schema);
		goto done;
	}
	if (rename(tmp, db_path) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db import: cannot replace %s: %s", db_path,
					strerror(errno));
		goto done;
	}
	sync_dir(db_path);
done:
	if (out_fd >= 0)
		close(out_fd);
	if (error < 0)
		unlink(tmp);
	close(in_fd);
	return error;
}

int vigil_db_age_days(const vigil_db *db, double *out)
{
	const char *built = vigil_db_built(db);
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	*out = 0;
	/* "YYYY-MM-DDTHH:MM:SSZ", as vigil_db_update writes it */
	const char *end = built ? strptime(built, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end)
		return VIGIL_EFORMAT;
	time_t t = timegm(&tm);
	*out = difftime(time(NULL), t) / 86400.0;
	return 0;
}
