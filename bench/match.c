/*
 * bench/match: the time vigil_match_run alone takes on an inventory already in memory.
 * Opens the image, reads it once, builds the inventory, opens the database, then runs
 * the matcher R times (after one warm-up run) and prints the median and the minimum in
 * milliseconds, the package count and the finding count:
 *   build/bench-match IMAGE DB [R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vigil.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Reads IMAGE into a fresh inventory; 0 or a negative VIGIL_E* code. */
static int load(vigil_ctx *ctx, const char *ref, vigil_image **img, vigil_inventory **inv)
{
	vigil_open_opts oo = VIGIL_OPEN_OPTS_INIT;
	vigil_inventory_opts io = VIGIL_INVENTORY_OPTS_INIT;
	int error;
	if ((error = vigil_image_open(img, ctx, ref, &oo)) < 0 ||
	    (error = vigil_inventory_new(inv, *img, &io)) < 0 ||
	    (error = vigil_image_read(*img)) < 0 || (error = vigil_inventory_finish(*inv)) < 0)
		return error;
	return 0;
}

int main(int argc, char **argv)
{
	vigil_ctx *ctx = NULL;
	vigil_image *img = NULL;
	vigil_inventory *inv = NULL;
	vigil_db *db = NULL;
	vigil_match *m = NULL;
	size_t runs = argc > 3 ? strtoul(argv[3], NULL, 10) : 20, findings = 0;
	double *t;
	int error, status = 1;
	if (argc < 3 || runs < 1 || runs > 100000) {
		fprintf(stderr, "usage: bench-match IMAGE DB [RUNS]\n");
		return 2;
	}
	if (!(t = calloc(runs, sizeof(*t))) || vigil_ctx_new(&ctx) < 0)
		goto done;
	if ((error = load(ctx, argv[1], &img, &inv)) < 0 ||
	    (error = vigil_db_open(&db, ctx, argv[2])) < 0) {
		fprintf(stderr, "bench-match: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	for (size_t i = 0; i <= runs; i++) {
		double t0 = now_ms();
		if ((error = vigil_match_run(&m, db, inv)) < 0) {
			fprintf(stderr, "bench-match: %s\n", vigil_ctx_error(ctx));
			goto done;
		}
		double t1 = now_ms();
		findings = vigil_match_count(m);
		vigil_match_free(m);
		m = NULL;
		if (i > 0) /* the first run warms the page cache and SQLite's */
			t[i - 1] = t1 - t0;
	}
	qsort(t, runs, sizeof(*t), cmp);
	printf("%.2f %.2f %zu %zu\n", t[runs / 2], t[0], vigil_inventory_count(inv), findings);
	status = 0;
done:
	vigil_match_free(m);
	vigil_db_free(db);
	vigil_inventory_free(inv);
	vigil_image_free(img);
	vigil_ctx_free(ctx);
	free(t);
	return status;
}
