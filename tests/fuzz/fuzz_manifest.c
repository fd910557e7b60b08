/*
 * Fuzzes the metadata parsers: OCI index, manifest and config, or docker-archive's
 * manifest.json with a config. The input is "<kind>\n<doc1>\n--\n<doc2>\n--\n<doc3>";
 * so the fuzzer can reach past digest checks, "@M@" and "@C@" in the documents are
 * replaced by the real digests of the manifest and the config, "@L@" and "@D@" by the
 * digest and diff_id of a small valid layer that the harness adds; "@c@" and "@m@" by the
 * sizes in bytes of the config and the manifest (descriptor sizes are verified).
 */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

static const char LAYER[] = ""; /* an empty layer: the "empty" archive format */

static char *subst(const char *s, size_t n, const char *keys[], const char *vals[], int nk)
{
	vigil_buf b = VIGIL_BUF_INIT;
	for (size_t i = 0; i < n;) {
		int hit = 0;
		for (int k = 0; k < nk; k++) {
			if (n - i >= 3 && memcmp(s + i, keys[k], 3) == 0) {
				/* digests: the hex part; sizes: the number */
				vigil_buf_puts(&b, strncmp(vals[k], "sha256:", 7) == 0 ? vals[k] + 7
										       : vals[k]);
				i += 3;
				hit = 1;
				break;
			}
		}
		if (!hit)
			vigil_buf_putc(&b, s[i++]);
	}
	vigil_buf_cstr(&b);
	return (char *)b.data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *parts[3] = {"", "", ""};
	size_t lens[3] = {0, 0, 0};
	char ld[72], dd[72], md[72], cd[72], cs[24], ms[24];
	char *docs[3] = {NULL, NULL, NULL};
	vigil_ctx *ctx;
	vigil_image *img;
	vigil_limits lim = VIGIL_LIMITS_INIT;
	const char *nl = memchr(p, '\n', size);
	if (!nl)
		return 0;
	int docker = nl > p && p[0] == 'd';
	p = nl + 1;
	for (int i = 0; i < 3 && p <= end; i++) {
		const char *sep = memmem(p, (size_t)(end - p), "\n--\n", 4);
		parts[i] = p;
		lens[i] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		p = sep ? sep + 4 : end + 1;
	}
	vigil_sha256_buf(ld, LAYER, 0);
	vigil_sha256_buf(dd, LAYER, 0);
	/* config first (it names only the layer), then the manifest, then the index */
	const char *k1[] = {"@L@", "@D@"}, *v1[] = {ld, dd};
	docs[2] = subst(parts[2], lens[2], k1, v1, 2);
	vigil_sha256_buf(cd, docs[2], strlen(docs[2]));
	snprintf(cs, sizeof(cs), "%zu", strlen(docs[2]));
	const char *k2[] = {"@L@", "@D@", "@C@", "@c@"}, *v2[] = {ld, dd, cd, cs};
	docs[1] = subst(parts[1], lens[1], k2, v2, 4);
	vigil_sha256_buf(md, docs[1], strlen(docs[1]));
	snprintf(ms, sizeof(ms), "%zu", strlen(docs[1]));
	const char *k3[] = {"@L@", "@D@", "@C@", "@M@", "@c@", "@m@"},
		   *v3[] = {ld, dd, cd, md, cs, ms};
	docs[0] = subst(parts[0], lens[0], k3, v3, 6);
	if (!docs[0] || !docs[1] || !docs[2])
		goto done;
	char mname[96], cname[96], lname[96];
	snprintf(mname, sizeof(mname), "blobs/sha256/%s", md + 7);
	snprintf(cname, sizeof(cname), "blobs/sha256/%s", cd + 7);
	snprintf(lname, sizeof(lname), "blobs/sha256/%s", ld + 7);
	vigil_member m[4];
	memset(m, 0, sizeof(m));
	m[0].name = docker ? "manifest.json" : "index.json";
	m[0].data = (const uint8_t *)docs[0];
	m[0].size = strlen(docs[0]);
	m[1].name = mname;
	m[1].data = (const uint8_t *)docs[1];
	m[1].size = strlen(docs[1]);
	m[2].name = cname;
	m[2].data = (const uint8_t *)docs[2];
	m[2].size = strlen(docs[2]);
	m[3].name = lname;
	m[3].data = (const uint8_t *)LAYER;
	m[3].size = 0;
	if (vigil_ctx_new(&ctx) < 0)
		goto done;
	lim.max_layers = 64;
	vigil_ctx_set_limits(ctx, &lim);
	/* the layer blob and config may be the same name; keep member names unique */
	size_t nm = strcmp(lname, cname) == 0 || strcmp(lname, mname) == 0 ? 3 : 4;
	if (vigil_image__open_mem(&img, ctx, docker ? "docker" : "oci", m, nm, NULL) == 0) {
		vigil_image_read(img);
		vigil_image_free(img);
	}
	vigil_ctx_free(ctx);
done:
	free(docs[0]);
	free(docs[1]);
	free(docs[2]);
	return 0;
}
