/* The read-only bbolt reader (src/lib/runtime/bolt.c) on files written by bbolt itself
 * (tests/fuzz/corpus/bolt: containerd's meta.db and files of the bbolt library with
 * branch pages, overflow values, inline buckets) and on damaged copies. */
#include <stdlib.h>
#include <string.h>

#include "runtime/rt.h"
#include "../test.h"

#define SEEDS "tests/fuzz/corpus/bolt/"

static const char *const C_DEFAULT[] = {"v1", "default", "containers"};

static int get(const char *file, const char *id, char *out, size_t n)
{
	const char *path[] = {"v1", "default", "containers", id};
	return vigil_rt__bolt_get(file, path, 4, "image", out, n);
}

TEST(rt_bolt_containerd_meta)
{
	char v[256];
	const char *ip[] = {"v1", "default", "images", "docker.io/vigil/alpine320:test", "target"};
	CHECK(get(SEEDS "03-meta-one-container-labels.db", "c1", v, sizeof(v)) == 0);
	CHECK_STR(v, "docker.io/vigil/alpine320:test");
	CHECK(vigil_rt__bolt_get(SEEDS "03-meta-one-container-labels.db", ip, 5, "digest", v,
				 sizeof(v)) == 0);
	CHECK(strncmp(v, "sha256:", 7) == 0 && strlen(v) == 71);
	/* removed later: absent, not an error */
	CHECK(get(SEEDS "04-meta-large-label-one-removed.db", "c1", v, sizeof(v)) == 1);
	CHECK(get(SEEDS "04-meta-large-label-one-removed.db", "big-label", v, sizeof(v)) == 0);
	CHECK(get(SEEDS "01-meta-empty-as-written.db", "c1", v, sizeof(v)) == 1);
}

TEST(rt_bolt_branches_overflow_inline)
{
	char v[256];
	/* 512-byte pages, 30 containers: branch pages on the way */
	CHECK(get(SEEDS "synth-p512-branches.db", "c0", v, sizeof(v)) == 0);
	CHECK_STR(v, "docker.io/vigil/img0:test");
	CHECK(get(SEEDS "synth-p512-branches.db", "c29", v, sizeof(v)) == 0);
	CHECK_STR(v, "docker.io/vigil/img2:test");
	CHECK(get(SEEDS "synth-p512-branches.db", "c17", v, sizeof(v)) == 0);
	CHECK_STR(v, "docker.io/vigil/img2:test");
	CHECK(get(SEEDS "synth-p512-branches.db", "c30", v, sizeof(v)) == 1);
	CHECK(get(SEEDS "synth-p512-branches.db", "a", v, sizeof(v)) == 1);
	CHECK(get(SEEDS "synth-p512-branches.db", "zz", v, sizeof(v)) == 1);
	/* a 3000-byte label on 1024-byte pages: overflow pages */
	{
		const char *lp[] = {"v1", "default", "containers", "c2", "labels"};
		char big[4000];
		CHECK(vigil_rt__bolt_get(SEEDS "synth-p1024-overflow.db", lp, 5, "big", big,
					 sizeof(big)) == 0);
		CHECK(strlen(big) == 3000 && big[0] == 'x' && big[2999] == 'x');
		/* too long for the caller's buffer: an error, nothing cut */
		CHECK(vigil_rt__bolt_get(SEEDS "synth-p1024-overflow.db", lp, 5, "big", v,
					 sizeof(v)) == -1);
	}
	/* small buckets stored inline in their parent */
	CHECK(get(SEEDS "synth-p4096-inline.db", "c1", v, sizeof(v)) == 0);
	CHECK_STR(v, "docker.io/vigil/img1:test");
	/* a value where a bucket is expected */
	CHECK(get(SEEDS "synth-value-not-bucket.db", "c1", v, sizeof(v)) == 1);
	/* a bucket where a value is expected */
	CHECK(vigil_rt__bolt_get(SEEDS "synth-p4096-inline.db", C_DEFAULT, 2, "containers", v,
				 sizeof(v)) == -1);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long l;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (l = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)l)) && fread(b, 1, (size_t)l, f) != (size_t)l) {
		free(b);
		b = NULL;
	}
	*n = b ? (size_t)l : 0;
	fclose(f);
	return b;
}

TEST(rt_bolt_damaged)
{
	const char *p[] = {"v1", "default", "containers", "c29"};
	char v[256];
	size_t n;
	unsigned char *b = slurp(SEEDS "synth-p512-branches.db", &n);
	CHECK(b && n > 4096);
	CHECK(vigil_rt__bolt_get_buf(b, n, p, 4, "image", v, sizeof(v)) == 0);
	/* cut short: the pages named by the meta page are missing */
	CHECK(vigil_rt__bolt_get_buf(b, n / 2, p, 4, "image", v, sizeof(v)) != 0);
	CHECK(vigil_rt__bolt_get_buf(b, 100, p, 4, "image", v, sizeof(v)) == -1);
	/* both meta pages' checksums broken */
	b[16 + 20] ^= 1;
	b[512 + 16 + 20] ^= 1;
	CHECK(vigil_rt__bolt_get_buf(b, n, p, 4, "image", v, sizeof(v)) == -1);
	free(b);
	/* not a bbolt file at all */
	CHECK(vigil_rt__bolt_get("tests/unit/test.h", p, 4, "image", v, sizeof(v)) == -1);
	CHECK(vigil_rt__bolt_get("/nonexistent/meta.db", p, 4, "image", v, sizeof(v)) == -1);
}
