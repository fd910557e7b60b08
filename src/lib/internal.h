/* Internal declarations shared between libvigil modules. Not public API. */
#ifndef VIGIL_INTERNAL_H
#define VIGIL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "util/util.h"
#include "vigil.h"

struct vigil_ctx {
	vigil_limits limits;
	int threads;
	vigil_progress_cb progress;
	void *progress_payload;
	vigil_warn_cb warn;
	void *warn_payload;
	const char *const *skip_dirs;  /* globs, NULL-terminated or NULL (borrowed) */
	const char *const *skip_files; /* globs, NULL-terminated or NULL (borrowed) */
	pthread_mutex_t lock;	       /* guards error and warn from worker threads */
	char error[1024];
};

/* 1 when `path` ("a/b/c" or "/a/b/c") is left out by the context's skip globs: it, or a
 * directory above it, matches a --skip-dirs glob, or it matches a --skip-files glob
 * (`is_dir`: the path is a directory, checked against the dir globs only). */
int vigil_ctx__skipped(const vigil_ctx *ctx, const char *path, int is_dir);

#endif
