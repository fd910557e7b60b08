/*
 * Online update of the vulnerability database: downloads each feed from its upstream
 * URL into a cache directory as <feed>.tar.gz, the same layout a mirror directory has,
 * so the import path is the same.
 */
#ifndef VIGIL_VULNDB_FETCH_H
#define VIGIL_VULNDB_FETCH_H

#include "vulndb.h"

/* Downloads the n feeds into cache_dir (created if missing). Unchanged feeds are not
 * downloaded again (ETag / Last-Modified; HTTP 304 reuses the cached copy). A feed
 * without an upstream download is skipped with a warning. A failed download (after
 * retries) is an error naming the feed, the URL and the cause. */
int vigil_vdb__fetch(vigil_ctx *ctx, const char *cache_dir, const vigil_feed *const *feeds,
		     size_t n, const vigil_db_update_opts *opts);

/* Downloads one URL into dest (directory created if missing) with the same retries,
 * timeouts, size cap and ETag handling as the feeds; `what` names it in messages. */
int vigil_vdb__download(vigil_ctx *ctx, const char *what, const char *url, const char *dest,
			const vigil_db_update_opts *opts);

/* The same with a size cap (0: the default 2 GiB; a larger body is VIGIL_ELIMIT) and
 * trusted CAs (PEM file, or NULL for the system's); *fresh = 1 when a new copy was
 * written to dest, 0 when the server answered 304 for the cached copy. */
int vigil_vdb__download_ex(vigil_ctx *ctx, const char *what, const char *url, const char *dest,
			   const vigil_db_update_opts *opts, uint64_t cap, const char *ca_file,
			   int *fresh);

#endif
