/*
 * bench/secrets: the secret scanner without the rest of vigil.
 *   bench-secrets throughput FILE [REPEAT]   detection pass alone, one thread, on FILE's
 *                                            bytes (streamed in 64 KiB chunks as files of
 *                                            up to 1 MiB): MB/s and findings
 *   bench-secrets scan IMAGE [RULES.yaml [replace]]   findings as JSON (a test driver)
 *   bench-secrets load [RULES.yaml]          rule count, engine and compile time
 * BENCH_SHOW_HITS=1 prints each hit of the throughput run (rule, redacted value).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "secret/secret_int.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int show_hits;

static int count_hit(const vigil_secret__hit *h, void *payload)
{
	if (show_hits) {
		char red[48];
		vigil_secret__redact(red, sizeof(red), h->secret, h->secret_len);
		fprintf(stderr, "hit %s %s\n", h->rule->id, red);
	}
	(*(size_t *)payload)++;
	return 0;
}

static int throughput(vigil_ctx *ctx, const char *file, int repeat)
{
	vigil_secret_rules *rules = NULL;
	vigil_secret__worker *w = NULL;
	FILE *f = fopen(file, "rb");
	uint8_t *data;
	size_t len = 0, cap = (size_t)1 << 26, hits = 0;
	double t0, c0, best = 1e30, best_cpu = 1e30;
	if (!f) {
		perror(file);
		return 2;
	}
	data = malloc(cap);
	for (size_t n; data && (n = fread(data + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap)
			data = realloc(data, cap *= 2);
	}
	fclose(f);
	t0 = now_s();
	if (!data || vigil_secret_rules_load(&rules, ctx, NULL) < 0 ||
	    vigil_secret__worker_new(&w, rules) < 0) {
		fprintf(stderr, "bench-secrets: %s\n", vigil_ctx_error(ctx));
		return 2;
	}
	printf("rules %zu engine %s load %.3f s\n", vigil_secret_rules_count(rules),
	       vigil_secret_rules_engine(rules), now_s() - t0);
	for (int r = 0; r < repeat; r++) {
		hits = 0;
		t0 = now_s();
		c0 = cpu_s();
		for (size_t off = 0; off < len; off += (size_t)1 << 20) {
			size_t end = off + ((size_t)1 << 20) < len ? off + ((size_t)1 << 20) : len;
			vigil_secret__worker_begin(w, "/bench/file.txt", 0, count_hit, &hits);
			for (size_t c = off; c < end; c += 65536)
				vigil_secret__worker_feed(w, data + c,
							  end - c < 65536 ? end - c : 65536);
			vigil_secret__worker_end(w);
		}
		double t = now_s() - t0, c = cpu_s() - c0;
		if (t < best)
			best = t;
		if (c < best_cpu)
			best_cpu = c;
	}
	printf("bytes %zu best wall %.3f s (%.1f MB/s) best cpu %.3f s (%.1f MB/s per core) "
	       "hits %zu\n",
	       len, best, (double)len / 1e6 / best, best_cpu, (double)len / 1e6 / best_cpu, hits);
	vigil_secret__worker_free(w);
	vigil_secret_rules_free(rules);
	free(data);
	return 0;
}

static const char *status_name(vigil_fstatus s)
{
	return s == VIGIL_FS_DELETED	   ? "deleted"
	       : s == VIGIL_FS_OVERWRITTEN ? "overwritten"
					   : "present";
}

static int scan(vigil_ctx *ctx, const char *ref, const char *rules_file, int replace)
{
	vigil_secret_opts opts = VIGIL_SECRET_OPTS_INIT;
	vigil_open_opts oo = VIGIL_OPEN_OPTS_INIT;
	vigil_secret_rules *rules = NULL;
	vigil_image *img = NULL;
	vigil_secret_scan *scan = NULL;
	vigil_jsonw j;
	int error;
	opts.rules_file = rules_file;
	opts.replace_builtin = replace;
	oo.all_layers = 1;
	if ((error = vigil_secret_rules_load(&rules, ctx, &opts)) < 0 ||
	    (error = vigil_image_open(&img, ctx, ref, &oo)) < 0 ||
	    (error = vigil_secret_scan_new(&scan, rules, img)) < 0 ||
	    (error = vigil_image_read(img)) < 0 || (error = vigil_secret_scan_finish(scan)) < 0) {
		fprintf(stderr, "vigil: error: %s\n", vigil_ctx_error(ctx));
		error = 2;
		goto done;
	}
	vigil_jsonw_init(&j, stdout, 3);
	vigil_jsonw_obj_begin(&j);
	vigil_jsonw_key(&j, "image");
	vigil_jsonw_str(&j, ref);
	vigil_jsonw_key(&j, "secrets");
	vigil_jsonw_arr_begin(&j);
	for (size_t i = 0; i < vigil_secret_scan_count(scan); i++) {
		const vigil_secret_finding *f = vigil_secret_scan_get(scan, i);
		vigil_jsonw_obj_begin(&j);
		vigil_jsonw_key(&j, "rule_id");
		vigil_jsonw_str(&j, f->rule_id);
		vigil_jsonw_key(&j, "category");
		vigil_jsonw_str(&j, f->category);
		vigil_jsonw_key(&j, "title");
		vigil_jsonw_str(&j, f->title);
		vigil_jsonw_key(&j, "severity");
		vigil_jsonw_str(&j, f->severity);
		vigil_jsonw_key(&j, "source");
		vigil_jsonw_str(&j, f->source);
		vigil_jsonw_key(&j, "path");
		vigil_jsonw_str(&j, f->path);
		vigil_jsonw_key(&j, "line");
		vigil_jsonw_int(&j, f->line);
		vigil_jsonw_key(&j, "layer");
		vigil_jsonw_int(&j, f->layer);
		vigil_jsonw_key(&j, "status");
		vigil_jsonw_str(&j, status_name(f->status));
		vigil_jsonw_key(&j, "removed_by");
		vigil_jsonw_int(&j, f->removed_by);
		vigil_jsonw_key(&j, "redacted");
		vigil_jsonw_str(&j, f->redacted);
		vigil_jsonw_key(&j, "fingerprint");
		vigil_jsonw_str(&j, f->fingerprint);
		vigil_jsonw_obj_end(&j);
	}
	vigil_jsonw_arr_end(&j);
	vigil_jsonw_key(&j, "bytes");
	vigil_jsonw_uint(&j, vigil_secret_scan_bytes(scan));
	vigil_jsonw_obj_end(&j);
	vigil_jsonw_end(&j);
	error = 0;
done:
	vigil_secret_scan_free(scan);
	vigil_image_free(img);
	vigil_secret_rules_free(rules);
	return error;
}

int main(int argc, char **argv)
{
	vigil_ctx *ctx;
	int rc = 2;
	show_hits = getenv("BENCH_SHOW_HITS") != NULL;
	if (argc < 2 || vigil_ctx_new(&ctx) < 0) {
		fprintf(stderr, "usage: bench-secrets throughput FILE [REPEAT] | scan IMAGE [RULES "
				"[replace]] | load [RULES]\n");
		return 2;
	}
	if (!strcmp(argv[1], "throughput") && argc >= 3)
		rc = throughput(ctx, argv[2], argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3);
	else if (!strcmp(argv[1], "scan") && argc >= 3)
		rc = scan(ctx, argv[2], argc > 3 ? argv[3] : NULL, argc > 4);
	else if (!strcmp(argv[1], "load")) {
		vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
		vigil_secret_rules *r = NULL;
		double t0 = now_s();
		o.rules_file = argc > 2 ? argv[2] : NULL;
		if (vigil_secret_rules_load(&r, ctx, &o) < 0) {
			fprintf(stderr, "vigil: error: %s\n", vigil_ctx_error(ctx));
		} else {
			printf("rules %zu engine %s load %.3f s\n", vigil_secret_rules_count(r),
			       vigil_secret_rules_engine(r), now_s() - t0);
			rc = 0;
		}
		vigil_secret_rules_free(r);
	}
	vigil_ctx_free(ctx);
	return rc;
}
