/* The library context: limits, threads, callbacks and the last error. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "image/ignore.h"

int vigil_ctx_new(vigil_ctx **out)
{
	static const vigil_limits defaults = VIGIL_LIMITS_INIT;
	vigil_ctx *ctx = calloc(1, sizeof(*ctx));
	*out = NULL;
	if (!ctx)
		return VIGIL_ENOMEM;
	ctx->limits = defaults;
	pthread_mutex_init(&ctx->lock, NULL);
	*out = ctx;
	return 0;
}

void vigil_ctx_free(vigil_ctx *ctx)
{
	if (!ctx)
		return;
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

const char *vigil_ctx_error(const vigil_ctx *ctx)
{
	return ctx->error;
}

const char *vigil_strerror(int error)
{
	switch (error) {
	case VIGIL_OK:
		return "no error";
	case VIGIL_ENOMEM:
		return "out of memory";
	case VIGIL_EIO:
		return "a read or write failed";
	case VIGIL_EFORMAT:
		return "malformed input";
	case VIGIL_ELIMIT:
		return "input exceeds a limit";
	case VIGIL_ENOTFOUND:
		return "not found";
	case VIGIL_EINVAL:
		return "invalid argument";
	case VIGIL_ECANCELLED:
		return "cancelled";
	}
	return "unknown error";
}

void vigil_ctx_set_limits(vigil_ctx *ctx, const vigil_limits *limits)
{
	ctx->limits = *limits;
}

const vigil_limits *vigil_ctx_limits(const vigil_ctx *ctx)
{
	return &ctx->limits;
}

void vigil_ctx_set_threads(vigil_ctx *ctx, int threads)
{
	ctx->threads = threads < 0 ? 0 : threads;
}

void vigil_ctx_set_skip(vigil_ctx *ctx, const char *const *dirs, const char *const *files)
{
	ctx->skip_dirs = dirs && *dirs ? dirs : NULL;
	ctx->skip_files = files && *files ? files : NULL;
}

/* --skip-dirs / --skip-files: the same globs as `vigil fs` (image/ignore.c): a pattern
 * with a '/' matches the whole path from the root (a leading '/' is optional, '**' crosses
 * directories), one without matches the name at any depth. A directory that matches
 * leaves out everything below it. */
int vigil_ctx__skipped(const vigil_ctx *ctx, const char *path, int is_dir)
{
	char rel[4200];
	int n;
	if (!ctx->skip_dirs && !ctx->skip_files)
		return 0;
	while (*path == '/')
		path++;
	n = snprintf(rel, sizeof(rel), "%s", path);
	if (n <= 0 || (size_t)n >= sizeof(rel))
		return 0;
	if (!is_dir && vigil_skip__match(ctx->skip_files, rel))
		return 1;
	if (!ctx->skip_dirs)
		return 0;
	if (is_dir && vigil_skip__match(ctx->skip_dirs, rel))
		return 1;
	/* every directory above it */
	for (int i = n - 1; i > 0; i--) {
		if (rel[i] != '/')
			continue;
		rel[i] = '\0';
		int hit = vigil_skip__match(ctx->skip_dirs, rel);
		rel[i] = '/';
		if (hit)
			return 1;
	}
	return 0;
}

void vigil_ctx_set_progress(vigil_ctx *ctx, vigil_progress_cb cb, void *payload)
{
	ctx->progress = cb;
	ctx->progress_payload = payload;
}

void vigil_ctx_set_warn(vigil_ctx *ctx, vigil_warn_cb cb, void *payload)
{
	ctx->warn = cb;
	ctx->warn_payload = payload;
}

int vigil_error_set(vigil_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&ctx->lock);
	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&ctx->lock);
	return code;
}

void vigil_warn(vigil_ctx *ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!ctx->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&ctx->lock);
	ctx->warn(msg, ctx->warn_payload);
	pthread_mutex_unlock(&ctx->lock);
}
