/* The helpers both store backends share (src/lib/store/store_util.c): the history diff of
 * a commit, the webhook event filter, the dashboard's trend and risk ranking. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "store/store_internal.h"
#include "vigil.h"

TEST(test_store_util__diff_gives_added_removed_and_first)
{
	const char *now[] = {"CVE-A\tpkg", "CVE-C\tpkg", NULL};
	const int64_t counts[6] = {2, 0, 0, 0, 0, 0};
	vigil_store_scan sc = {0};
	vigil_store_diff d;
	sc.digest = "sha256:1";
	sc.vulns = now;
	sc.counts = counts;
	/* the previous entry, unsorted as stored: B went away, C is new */
	CHECK(vigil_store__diff(&d, &sc, 1, "[\"CVE-B\\tpkg\",\"CVE-A\\tpkg\"]") == 0);
	int ok = !d.first && d.changed && d.na == 1 && d.nr == 1 &&
		 !strcmp(d.added[0], "CVE-C\tpkg") && !strcmp(d.removed[0], "CVE-B\tpkg") &&
		 d.added_s && !strcmp(d.added_s, "[{\"id\":\"CVE-C\",\"package\":\"pkg\"}]") &&
		 d.counts_s && strstr(d.counts_s, "\"CRITICAL\":2");
	vigil_store__diff_free(&d);
	CHECK(ok);
	/* the same keys: no change, nothing to write */
	CHECK(vigil_store__diff(&d, &sc, 1, "[\"CVE-C\\tpkg\",\"CVE-A\\tpkg\"]") == 0);
	ok = !d.first && !d.changed && !d.na && !d.nr && !d.counts_s;
	vigil_store__diff_free(&d);
	CHECK(ok);
	/* no entry before: a first one with every key added */
	CHECK(vigil_store__diff(&d, &sc, 0, NULL) == 0);
	ok = d.first && d.changed && d.na == 2 && d.nr == 0;
	vigil_store__diff_free(&d);
	CHECK(ok);
	/* a damaged entry is an error, not a change */
	CHECK(vigil_store__diff(&d, &sc, 1, "{\"x\":1}") == VIGIL_EFORMAT);
}

TEST(test_store_util__event_filter_matches_whole_names_or_star)
{
	CHECK(vigil_store__wants("image.scanned,scan.failed", "scan.failed"));
	CHECK(vigil_store__wants("image.scanned,scan.failed", "image.scanned"));
	CHECK(!vigil_store__wants("image.scanned,scan.failed", "image.scan"));
	CHECK(!vigil_store__wants("image.scanned2", "image.scanned"));
	CHECK(vigil_store__wants("*", "vulnerabilities.changed"));
	CHECK(!vigil_store__wants("", "image.scanned"));
	CHECK(!vigil_store__wants(NULL, "image.scanned"));
}

TEST(test_store_util__trend_sums_latest_counts_per_image)
{
	vigil_store_trend t;
	json_t *pts = NULL;
	CHECK(vigil_store__trend_init(&t) == 0);
	vigil_store__trend_add(&t, "d1", 10, "{\"CRITICAL\":1,\"HIGH\":4}");
	vigil_store__trend_add(&t, "d2", 10, "{\"CRITICAL\":2}");
	vigil_store__trend_add(&t, "d3", 15, "not json"); /* skipped */
	vigil_store__trend_add(&t, "d1", 20, "{\"CRITICAL\":0,\"HIGH\":1}");
	CHECK(vigil_store__trend_finish(&pts, &t, 120) == 0);
	/* one point per second: t=10 sums both images, t=20 replaces d1's counts */
	int ok = json_array_size(pts) == 2 &&
		 json_integer_value(json_object_get(json_array_get(pts, 0), "CRITICAL")) == 3 &&
		 json_integer_value(json_object_get(json_array_get(pts, 0), "HIGH")) == 4 &&
		 json_integer_value(json_object_get(json_array_get(pts, 1), "CRITICAL")) == 2 &&
		 json_integer_value(json_object_get(json_array_get(pts, 1), "HIGH")) == 1 &&
		 json_integer_value(json_object_get(json_array_get(pts, 1), "time")) == 20;
	json_decref(pts);
	CHECK(ok);
	/* at most maxpts points: the last of each slice */
	CHECK(vigil_store__trend_init(&t) == 0);
	for (int i = 0; i < 10; i++)
		vigil_store__trend_add(&t, "d1", 100 + i, "{\"LOW\":1}");
	CHECK(vigil_store__trend_finish(&pts, &t, 2) == 0);
	ok = json_array_size(pts) == 2 &&
	     json_integer_value(json_object_get(json_array_get(pts, 1), "time")) == 109;
	json_decref(pts);
	CHECK(ok);
}

TEST(test_store_util__risk_ranks_kev_then_critical_then_digest)
{
	vigil_vec v = VIGIL_VEC_INIT(vigil_store_risk_row);
	json_t *kev = json_pack("{s:i}", "sha256:b", 1);
	const int64_t many[5] = {9, 9, 9, 9, 9}, few[5] = {1, 0, 0, 0, 0};
	int ok = kev && vigil_store__risk_push(&v, "sha256:c", kev, few) == 0 &&
		 vigil_store__risk_push(&v, "sha256:a", kev, many) == 0 &&
		 vigil_store__risk_push(&v, "sha256:b", kev, few) == 0 &&
		 vigil_store__risk_push(&v, "sha256:0", kev, few) == 0;
	if (ok) {
		vigil_store__risk_sort(&v);
		const vigil_store_risk_row *r = v.data;
		/* KEV-listed first, then the most CRITICAL, then by digest */
		ok = v.len == 4 && !strcmp(r[0].digest, "sha256:b") && r[0].k[0] == 1 &&
		     !strcmp(r[1].digest, "sha256:a") && !strcmp(r[2].digest, "sha256:0") &&
		     !strcmp(r[3].digest, "sha256:c");
	}
	vigil_vec_free(&v);
	json_decref(kev);
	CHECK(ok);
}
