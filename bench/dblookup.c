/*
 * bench/dblookup: median time of one vigil_db_lookup over the packages the database
 * knows, each looked up once in random order (after one warm-up pass).
 *   build/bench-dblookup DB [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "vigil.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	vigil_ctx *ctx;
	vigil_db *db;
	char **eco = NULL, **pkg = NULL;
	size_t n = 0, cap = 0, want = argc > 2 ? strtoul(argv[2], NULL, 10) : 5000;
	if (argc < 2) {
		fprintf(stderr, "usage: bench-dblookup DB [N]\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "SELECT DISTINCT ecosystem, package FROM affected", -1, &st,
			       NULL) != SQLITE_OK)
		return 2;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			eco = realloc(eco, cap * sizeof(char *));
			pkg = realloc(pkg, cap * sizeof(char *));
		}
		eco[n] = strdup((const char *)sqlite3_column_text(st, 0));
		pkg[n] = strdup((const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(raw);
	if (n == 0 || vigil_ctx_new(&ctx) < 0 || vigil_db_open(&db, ctx, argv[1]) < 0)
		return 2;
	srand(1);
	size_t runs = want < n ? want : n;
	double *t = malloc(runs * sizeof(double));
	long hits = 0;
	for (size_t i = 0; i < runs; i++) /* warm-up: page cache, statement */
		hits += vigil_db_lookup(db, eco[i], pkg[i], NULL, NULL);
	for (size_t i = 0; i < runs; i++) {
		size_t k = (size_t)rand() % n;
		double a = now_ns();
		hits += vigil_db_lookup(db, eco[k], pkg[k], NULL, NULL);
		t[i] = now_ns() - a;
	}
	qsort(t, runs, sizeof(double), cmp);
	printf("%zu lookups of %zu packages: median %.1f us, p99 %.1f us (%ld rows)\n", runs, n,
	       t[runs / 2] / 1000, t[runs * 99 / 100] / 1000, hits);
	vigil_db_free(db);
	vigil_ctx_free(ctx);
	return 0;
}
