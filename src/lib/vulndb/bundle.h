/*
 * The offline bundle of a vulnerability database (vigil db export / import): a 128-byte
 * header followed by the SQLite file compressed with zstd.
 *
 *   0  "VIGILDB\n"                magic
 *   8  u32 LE                      bundle format (1)
 *  12  u32 LE                      database schema version
 *  16  u64 LE                      size of the database file
 *  24  u64 LE                      size of the compressed stream that follows
 *  32  char[72]                    "sha256:<hex>" of the database file, NUL-terminated
 * 104  char[24]                    build time of the database, NUL-padded
 */
#ifndef VIGIL_VULNDB_BUNDLE_H
#define VIGIL_VULNDB_BUNDLE_H

#include <stdint.h>

#include "../internal.h"

#define VIGIL_BUNDLE_HEADER 128
#define VIGIL_BUNDLE_FORMAT 1
#define VIGIL_BUNDLE_MAX_DB (8ULL << 30) /* a database larger than this is refused */

/* Reads a bundle from in_fd, checks its header, decompresses the database into out_fd
 * and verifies its size and SHA-256; *schema gets the header's schema version. A
 * truncated or corrupt bundle is VIGIL_EFORMAT with a message saying what is wrong. */
int vigil_vdb__bundle_unpack(vigil_ctx *ctx, int in_fd, int out_fd, int *schema);

#endif
