/* bench/serve_seed.c - fills a `vigil serve` store with N manifests whose inventories
 * are the given inventory JSON files in turn (synthetic digests, no findings yet), for
 * bench/serve.sh. Usage: serve_seed DATA_DIR N INVENTORY.json... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vigil.h"
#include "vigil/store.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[65536];
	size_t n;
	if (!f || !m)
		exit(2);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

int main(int argc, char **argv)
{
	vigil_store *s = NULL;
	if (argc < 4) {
		fprintf(stderr, "usage: serve_seed DATA_DIR N INVENTORY.json...\n");
		return 2;
	}
	long n = strtol(argv[2], NULL, 10);
	int k = argc - 3;
	char **inv = calloc((size_t)k, sizeof(char *));
	for (int i = 0; i < k; i++)
		inv[i] = slurp(argv[3 + i]);
	if (vigil_store_open(&s, argv[1]) < 0) {
		fprintf(stderr, "%s\n", vigil_store_error());
		return 2;
	}
	static const int64_t zero[6];
	const char *none[1] = {NULL};
	for (long i = 0; i < n; i++) {
		char seed[32], digest[72], repo[64];
		snprintf(seed, sizeof(seed), "bench-%ld", i);
		vigil_sha256_buf(digest, seed, strlen(seed));
		snprintf(repo, sizeof(repo), "bench/app%ld", i % 100);
		vigil_store_scan sc = {digest, repo, NULL, NULL, inv[i % k], "{}",
				       zero,   none, NULL, 0,	 1};
		if (vigil_store_scan_commit(s, NULL, &sc, NULL, NULL) < 0) {
			fprintf(stderr, "%s\n", vigil_store_error());
			return 2;
		}
	}
	vigil_store_free(s);
	for (int i = 0; i < k; i++)
		free(inv[i]);
	free(inv);
	return 0;
}
