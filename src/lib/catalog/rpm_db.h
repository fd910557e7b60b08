/*
 * rpm internals shared by the rpm cataloger (rpm.c), the header parser (rpm_header.c),
 * the database readers (rpm_sqlite.c, rpm_bdb.c, rpm_ndb.c), their unit tests and
 * fuzzers. Everything here reads hostile bytes: sizes are checked before use, every
 * walk is bounded, nothing is written to disk.
 */
#ifndef VIGIL_RPM_DB_H
#define VIGIL_RPM_DB_H

#include "catalog.h"

/* Limits. The first two are rpm's own (lib/header_internal.h): rpm rejects larger. */
#define VIGIL_RPM_MAX_TAGS 0xffffu	      /* index entries of one header */
#define VIGIL_RPM_MAX_DATA 0x0fffffffu	      /* data bytes of one header (256 MiB) */
#define VIGIL_RPM_MAX_FILES_PKG (1u << 18)    /* file paths kept for one package */
#define VIGIL_RPM_MAX_FILES_DB (1u << 21)     /* file paths kept for one database */
#define VIGIL_RPM_MAX_PKGS (1u << 20)	      /* headers read from one database */
#define VIGIL_RPM_MAX_PATH_BYTES (256u << 20) /* file path text kept for one database */
#define VIGIL_RPM_MAX_DB (512u << 20)	      /* database file size the cataloger reads */

/* rpm tag numbers (lib/rpmtag.h) */
enum {
	VIGIL_RPMTAG_NAME = 1000,
	VIGIL_RPMTAG_VERSION = 1001,
	VIGIL_RPMTAG_RELEASE = 1002,
	VIGIL_RPMTAG_EPOCH = 1003,
	VIGIL_RPMTAG_LICENSE = 1014,
	VIGIL_RPMTAG_ARCH = 1022,
	VIGIL_RPMTAG_OLDFILENAMES = 1027,
	VIGIL_RPMTAG_SOURCERPM = 1044,
	VIGIL_RPMTAG_DIRINDEXES = 1116,
	VIGIL_RPMTAG_BASENAMES = 1117,
	VIGIL_RPMTAG_DIRNAMES = 1118,
	VIGIL_RPMTAG_MODULARITYLABEL = 5096,
};

/* What the cataloger takes from one header. Strings point into the blob (NUL-terminated
 * inside it) and are NULL when the tag is absent. The file-list fields point at the
 * checked data of their tags; vigil_rpm__files turns them into paths. */
typedef struct vigil_rpm_header {
	const char *name, *version, *release, *arch, *license, *sourcerpm, *modularity;
	uint32_t epoch;
	int has_epoch;
	const uint8_t *basenames, *dirnames, *dirindexes, *oldfilenames;
	uint32_t nbasenames, ndirnames, ndirindexes, noldfilenames;
} vigil_rpm_header;

/* Parses one header blob as stored in an rpm database (no lead, no magic): il, dl,
 * il 16-byte index entries, dl data bytes, big-endian. Checks what rpm's
 * hdrblobVerifyInfo checks (sizes, types, alignment, ranges, no overlap, strings
 * terminated) plus the types of the tags read. Returns 0, or VIGIL_EFORMAT for a blob
 * rpm would refuse. `out` borrows from `blob`. */
int vigil_rpm__header_parse(vigil_rpm_header *out, const uint8_t *blob, size_t len);

/* Scratch space for the paths of one package; reused from header to header. */
typedef struct vigil_rpm_files {
	vigil_buf text; /* NUL-separated paths */
	vigil_vec offs; /* size_t: where each path starts in text */
	vigil_vec dirs; /* size_t: where each DIRNAMES string starts in the header data */
	vigil_vec ptrs; /* const char *: the NULL-terminated list handed out */
} vigil_rpm_files;

#define VIGIL_RPM_FILES_INIT                                                                       \
	{                                                                                          \
		VIGIL_BUF_INIT, VIGIL_VEC_INIT(size_t), VIGIL_VEC_INIT(size_t),                    \
			VIGIL_VEC_INIT(const char *)                                               \
	}

/* Builds the absolute paths of h's files (DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or
 * the legacy OLDFILENAMES) into fl and sets *out to a NULL-terminated list of *n paths,
 * valid until fl is reused or freed; *out is NULL when the header lists no files. Paths
 * of PATH_MAX bytes or more are left out. Returns 0; VIGIL_EFORMAT when the three tags
 * disagree (no paths); VIGIL_ELIMIT when there are more than `max` files or they pass
 * `max_bytes` of text (the ones that fit are listed; none when the directories alone
 * pass `max`); VIGIL_ENOMEM. */
int vigil_rpm__files(const char *const **out, size_t *n, vigil_rpm_files *fl,
		     const vigil_rpm_header *h, size_t max, size_t max_bytes);
void vigil_rpm__files_free(vigil_rpm_files *fl);

/* What the cataloger reports for a header: version "[epoch:]version-release" (the
 * epoch only when the header has one, as rpm's %|EPOCH?{%{EPOCH}:}|), and the source
 * package split from SOURCERPM "name-version-release.src.rpm", its version carrying
 * the binary's epoch (SOURCERPM has none; subpackages share their source's epoch).
 * Strings live in `scratch`; source_* are NULL when SOURCERPM is absent or unusable. */
typedef struct vigil_rpm_evr {
	const char *version, *source_name, *source_version;
} vigil_rpm_evr;

/* Fills out from h, writing the strings into scratch (cleared first). VIGIL_ENOMEM or
 * VIGIL_ELIMIT from the buffer, else 0. */
int vigil_rpm__evr(vigil_rpm_evr *out, vigil_buf *scratch, const vigil_rpm_header *h);

/* One database being read: the result packages go to, and per-database counters. */
typedef struct vigil_rpm_db {
	vigil_catalog_result *r;
	vigil_rpm_files files;
	vigil_buf scratch;
	size_t npkgs, nfiles, path_bytes;
} vigil_rpm_db;

/* Parses one header blob and adds its package to db->r; a malformed blob is counted
 * with vigil_catalog__skipped. Returns 0 or VIGIL_ENOMEM (VIGIL_ELIMIT past
 * VIGIL_RPM_MAX_PKGS headers). */
int vigil_rpm__add(vigil_rpm_db *db, const uint8_t *blob, size_t len);

/* The readers: each hands every header blob of the database in `data` to
 * vigil_rpm__add. They return 0 (malformed records skipped and counted), VIGIL_EFORMAT
 * when the file is not a readable database of its kind, or VIGIL_ENOMEM/VIGIL_ELIMIT. */
int vigil_rpm__read_sqlite(vigil_rpm_db *db, const uint8_t *data, size_t len);
int vigil_rpm__read_bdb(vigil_rpm_db *db, const uint8_t *data, size_t len);
int vigil_rpm__read_ndb(vigil_rpm_db *db, const uint8_t *data, size_t len);

/* Big-endian and little-endian loads for the parsers. */
static inline uint32_t vigil_rpm__be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t vigil_rpm__le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

#endif
