/* The layer cache's in-memory entries (lcache.c): a layer kept decompressed in memory is
 * replayed after a touch, without a get; touches come at most once a second per entry
 * and carry the uses since the last one; an entry the cache no longer holds (touch says
 * 0) is dropped and fetched again; a replay from memory gives what the read gave. */
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"
#include "image/image.h"

/* An in-memory vigil_layer_cache that counts its calls. */
typedef struct fake_cache {
	char key[160];
	uint8_t *data;
	size_t len;
	int gets, puts, touches, evicted;
	uint64_t last_uses;
} fake_cache;

static int fc_get(const char *key, const char *diff_id, uint8_t **data, size_t *len, void *payload)
{
	fake_cache *c = payload;
	(void)diff_id;
	c->gets++;
	if (c->evicted || !c->data || strcmp(key, c->key) != 0)
		return 0;
	if (!(*data = malloc(c->len)))
		return VIGIL_ENOMEM;
	memcpy(*data, c->data, c->len);
	*len = c->len;
	return 1;
}

static int fc_put(const char *key, const char *diff_id, const uint8_t *data, size_t len,
		  void *payload)
{
	fake_cache *c = payload;
	(void)diff_id;
	c->puts++;
	free(c->data);
	if (!(c->data = malloc(len)))
		return VIGIL_ENOMEM;
	memcpy(c->data, data, len);
	c->len = len;
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->evicted = 0;
	return 0;
}

static int fc_touch(const char *key, uint64_t uses, void *payload)
{
	fake_cache *c = payload;
	c->touches++;
	c->last_uses = uses;
	return !c->evicted && c->data && strcmp(key, c->key) == 0;
}

static void tar_add(vigil_buf *b, const char *name, const char *data)
{
	uint8_t h[512];
	size_t n = strlen(data);
	unsigned sum = 0;
	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)n);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	vigil_buf_put(b, h, 512);
	vigil_buf_put(b, data, n);
	static const uint8_t zero[1536];
	vigil_buf_put(b, zero, (512 - n % 512) % 512);
}

/* Writes blob `p` under dir/blobs/sha256/ and its digest into d. */
static int put_blob(const char *dir, char d[72], const void *p, size_t n)
{
	char path[512];
	if (vigil_sha256_buf(d, p, n) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, d + 7);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

/* A one-layer OCI layout whose layer holds app/.env (uncompressed tar). */
static int make_layout(const char *dir)
{
	char path[512], ld[72], cd[72], md[72], doc[2048];
	vigil_buf tar = VIGIL_BUF_INIT;
	int rc = -1;
	snprintf(path, sizeof(path), "%s/blobs", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
	mkdir(path, 0755);
	tar_add(&tar, "app/.env", "TOKEN=abc");
	tar_add(&tar, "app/run", "#!/bin/sh");
	static const uint8_t zero[1024];
	vigil_buf_put(&tar, zero, sizeof(zero));
	if (put_blob(dir, ld, tar.data, tar.len) < 0)
		goto done;
	snprintf(doc, sizeof(doc),
		 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"%s\"]},\"config\":{}}",
		 ld);
	size_t clen = strlen(doc);
	if (put_blob(dir, cd, doc, clen) < 0)
		goto done;
	snprintf(
		doc, sizeof(doc),
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		"\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":"
		"\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%zu}]}",
		cd, clen, ld, tar.len);
	size_t mlen = strlen(doc);
	if (put_blob(dir, md, doc, mlen) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/index.json", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		goto done;
	fprintf(f,
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
		md, mlen);
	fclose(f);
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	if (!(f = fopen(path, "w")))
		goto done;
	fputs("{\"imageLayoutVersion\":\"1.0.0\"}", f);
	fclose(f);
	rc = 0;
done:
	vigil_buf_free(&tar);
	return rc;
}

typedef struct seen {
	char log[256];
} seen;

static int want(const vigil_file *f, const uint8_t *head, size_t len, void *payload)
{
	(void)head;
	(void)len;
	(void)payload;
	return strstr(f->path, ".env") ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

static int begin(void **state, const vigil_file *f, void *payload)
{
	seen *s = payload;
	size_t n = strlen(s->log);
	snprintf(s->log + n, sizeof(s->log) - n, "%s=", f->path);
	*state = s;
	return 0;
}

static int data(void *state, const uint8_t *p, size_t n, void *payload)
{
	seen *s = state;
	size_t k = strlen(s->log);
	(void)payload;
	if (k + n < sizeof(s->log)) {
		memcpy(s->log + k, p, n);
		s->log[k + n] = '\0';
	}
	return 0;
}

static int end(void *state, int error, void *payload)
{
	(void)state;
	(void)error;
	(void)payload;
	return 0;
}

/* One read of the layout with cache `c`; the analyzer's log into s, hits into *hits. */
static int read_once(const char *dir, vigil_layer_cache *c, seen *s, int *hits)
{
	vigil_ctx *ctx = NULL;
	vigil_image *img = NULL;
	vigil_analyzer a = {"memo", want, begin, data, end, s};
	char ref[512];
	int error;
	memset(s, 0, sizeof(*s));
	snprintf(ref, sizeof(ref), "oci:%s", dir);
	if ((error = vigil_ctx_new(&ctx)) == 0 &&
	    (error = vigil_image_open(&img, ctx, ref, NULL)) == 0 &&
	    (error = vigil_image_add_analyzer(img, &a)) == 0 &&
	    (error = vigil_image_set_layer_cache(img, c)) == 0 &&
	    (error = vigil_image_read(img)) == 0)
		vigil_image_layer_cache_stats(img, hits, NULL);
	vigil_image_free(img);
	vigil_ctx_free(ctx);
	return error;
}

static void pause_over_a_second(void)
{
	struct timespec t = {1, 150000000};
	nanosleep(&t, NULL);
}

TEST(test_lcache__memory_entry_replayed_after_touch_and_dropped_when_evicted)
{
	char dir[] = "/tmp/vigil-lcmemo-XXXXXX";
	fake_cache fc;
	seen s;
	int hits = -1;
	memset(&fc, 0, sizeof(fc));
	vigil_layer_cache c = {fc_get, fc_put, &fc, "memo-test-1", fc_touch};
	vigil_image__lc_memo_clear();
	CHECK(mkdtemp(dir) != NULL);
	CHECK(make_layout(dir) == 0);
	/* 1: a miss, the layer is read and put (and kept in memory) */
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK_STR(s.log, "/app/.env=TOKEN=abc");
	CHECK(hits == 0 && fc.puts == 1 && fc.gets == 1 && fc.touches == 0);
	/* 2: from memory: the first use is touched at once, nothing fetched, same content */
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK_STR(s.log, "/app/.env=TOKEN=abc");
	CHECK(hits == 1 && fc.touches == 1 && fc.last_uses == 1 && fc.gets == 1 && fc.puts == 1);
	/* 3: again at once: from memory, no touch (the use is kept for the next one) */
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK_STR(s.log, "/app/.env=TOKEN=abc");
	CHECK(hits == 1 && fc.touches == 1 && fc.gets == 1);
	/* 4: a second later: touched with both uses */
	pause_over_a_second();
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK(hits == 1 && fc.touches == 2 && fc.last_uses == 2 && fc.gets == 1);
	/* 5: evicted from the cache: the touch says so, the memory entry is dropped, get
	 * misses, the layer is read and put again */
	pause_over_a_second();
	fc.evicted = 1;
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK_STR(s.log, "/app/.env=TOKEN=abc");
	CHECK(hits == 0 && fc.touches == 3 && fc.gets == 2 && fc.puts == 2);
	/* 6: a cache without touch never uses memory: get every time */
	vigil_layer_cache plain = {fc_get, fc_put, &fc, "memo-test-1", NULL};
	CHECK(read_once(dir, &plain, &s, &hits) == 0);
	CHECK_STR(s.log, "/app/.env=TOKEN=abc");
	CHECK(hits == 1 && fc.gets == 3 && fc.touches == 3);
	/* 7: memory emptied: the entry comes from get, and is kept for the next read */
	vigil_image__lc_memo_clear();
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK(hits == 1 && fc.gets == 4 && fc.touches == 3);
	CHECK(read_once(dir, &c, &s, &hits) == 0);
	CHECK_STR(s.log, "/app/.env=TOKEN=abc");
	CHECK(hits == 1 && fc.gets == 4 && fc.touches == 4);
	free(fc.data);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}
