/* secret.c - secret scanning (placeholder until the engine lands: loads no rules). */
#include <stdlib.h>

#include "internal.h"

struct vigil_secret_rules {
	int unused;
};
struct vigil_secret_scan {
	int unused;
};

int vigil_secret_rules_load(vigil_secret_rules **out, vigil_ctx *ctx, const vigil_secret_opts *opts)
{
	(void)opts;
	*out = NULL;
	return vigil_error_set(ctx, VIGIL_EINVAL, "secret scanning is not built yet");
}

void vigil_secret_rules_free(vigil_secret_rules *rules)
{
	free(rules);
}

size_t vigil_secret_rules_count(const vigil_secret_rules *rules)
{
	(void)rules;
	return 0;
}

const char *vigil_secret_rules_engine(const vigil_secret_rules *rules)
{
	(void)rules;
	return "none";
}

int vigil_secret_scan_new(vigil_secret_scan **out, const vigil_secret_rules *rules,
			  vigil_image *img)
{
	(void)rules;
	(void)img;
	*out = NULL;
	return VIGIL_EINVAL;
}

int vigil_secret_scan_finish(vigil_secret_scan *scan)
{
	(void)scan;
	return VIGIL_EINVAL;
}

size_t vigil_secret_scan_count(const vigil_secret_scan *scan)
{
	(void)scan;
	return 0;
}

const vigil_secret_finding *vigil_secret_scan_get(const vigil_secret_scan *scan, size_t i)
{
	(void)scan;
	(void)i;
	return NULL;
}

uint64_t vigil_secret_scan_bytes(const vigil_secret_scan *scan)
{
	(void)scan;
	return 0;
}

void vigil_secret_scan_free(vigil_secret_scan *scan)
{
	free(scan);
}
