/* The PostgreSQL store (src/lib/store/store_pg.c) against a live, empty database named by
 * VIGIL_TEST_PG_URL: tests/postgres/test_postgres.sh makes one and runs these with it.
 * Without the variable they print that they did not run and pass (the normal unit run
 * has no PostgreSQL). Leases, rescue with backoff, failing after max attempts, enqueue
 * de-duplication by digest, ownership of a finished job, history and delivery keys. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "vigil.h"
#include "vigil/store.h"

static const char PD[] = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

static const char *pg_url(void)
{
	const char *u = getenv("VIGIL_TEST_PG_URL");
	if (!u || !*u)
		printf("  (VIGIL_TEST_PG_URL not set: not run; tests/postgres runs it)\n");
	return u && *u ? u : NULL;
}

static int emit_all(const vigil_store_change *c, const vigil_store_scan *sc,
		    vigil_store_emit_fn emit, void *emit_ctx, void *payload)
{
	(void)payload;
	if (!sc->rematch && emit("image.scanned", "{}", emit_ctx) < 0)
		return -1;
	if (c->changed && !c->first)
		return emit("vulnerabilities.changed", "{}", emit_ctx);
	return 0;
}

static int commit(vigil_store *st, const char *const *vulns, int rematch, int64_t job)
{
	static const int64_t counts[6] = {0, 1, 0, 0, 0, 0};
	const char *pk[] = {"apk\tmusl", NULL};
	vigil_store_scan sc = {PD,
			       "team/pg",
			       NULL,
			       "2026-01-01T00:00:00Z",
			       rematch ? NULL : "{\"inv\":1}",
			       "{\"r\":1}",
			       counts,
			       vulns,
			       pk,
			       job,
			       rematch};
	return vigil_store_scan_commit(st, NULL, &sc, emit_all, NULL);
}

/* Claims until a job comes (bounded: the maintenance thread rescues within a few
 * seconds of the lease's end). */
static int claim_wait(vigil_store *st, vigil_store_job *j, int tenths)
{
	for (int i = 0; i < tenths; i++) {
		int got = vigil_store_job_claim(st, j);
		if (got != 0)
			return got;
		usleep(100000);
	}
	return 0;
}

TEST(test_store_pg__leases_rescue_backoff_then_fail)
{
	const char *url = pg_url();
	vigil_store *a = NULL, *b = NULL, *c = NULL;
	vigil_store_job j = {0};
	vigil_store_tuning tu = {2, 1, 2, 3600};
	vigil_store_stats stats;
	int64_t id, id2, again;
	char *js = NULL;
	if (!url)
		return;
	CHECK(vigil_store_open(&a, url) == 0 && vigil_store_shared(a) == 1);
	CHECK(vigil_store_open(&b, url) == 0);
	vigil_store_tune(a, &tu);
	vigil_store_tune(b, &tu);
	/* a digest queued twice is one job; a path is not a digest */
	CHECK(vigil_store_job_add(
		      a, &id, "scan",
		      "reg:5000/x@sha256:"
		      "4444444444444444444444444444444444444444444444444444444444444444",
		      "x", NULL) == 0);
	CHECK(vigil_store_job_add(
		      b, &again, "scan",
		      "reg:5000/y@sha256:"
		      "4444444444444444444444444444444444444444444444444444444444444444",
		      "y", NULL) == 0 &&
	      again == id);
	CHECK(vigil_store_job_add(a, &id2, "scan", "oci:/p", NULL, NULL) == 0 && id2 != id);
	CHECK(vigil_store_job_add(a, &again, "scan", "oci:/p", NULL, NULL) == 0 && again != id2);
	/* two processes never take the same job */
	CHECK(vigil_store_job_claim(a, &j) == 1 && j.id == id && j.attempts == 1);
	vigil_store_job_clear(&j);
	CHECK(vigil_store_job_claim(b, &j) == 1 && j.id == id2);
	CHECK(vigil_store_job_finish(b, id2, NULL, NULL) == 0);
	vigil_store_job_clear(&j);
	CHECK(vigil_store_job_claim(b, &j) == 1 && j.id == again);
	CHECK(vigil_store_job_finish(b, again, NULL, NULL) == 0);
	vigil_store_job_clear(&j);
	/* a digest scanned (done) is not queued again either */
	CHECK(vigil_store_job_add(
		      a, &again, "scan",
		      "reg:5000/z@sha256:"
		      "5555555555555555555555555555555555555555555555555555555555555555",
		      "z", NULL) == 0);
	CHECK(vigil_store_job_claim(b, &j) == 1 && j.id == again);
	CHECK(vigil_store_job_finish(b, again, NULL, NULL) == 0);
	vigil_store_job_clear(&j);
	CHECK(vigil_store_job_add(
		      b, &id2, "scan",
		      "reg:5000/z@sha256:"
		      "5555555555555555555555555555555555555555555555555555555555555555",
		      "z", "v2") == 0 &&
	      id2 == again);
	/* a job held by a: b can neither finish nor commit it */
	CHECK(vigil_store_job_finish(b, id, NULL, "not mine") == VIGIL_ECANCELLED);
	static const char *const v1[] = {"CVE-9\tmusl", NULL};
	CHECK(commit(b, v1, 0, id) == VIGIL_ECANCELLED);
	CHECK(vigil_store_report(b, &js, PD) == VIGIL_ENOTFOUND);
	/* a dies holding it: its lease expires, b rescues it, after the backoff b gets it */
	vigil_store_free(a);
	a = NULL;
	CHECK(claim_wait(b, &j, 150) == 1 && j.id == id && j.attempts == 2);
	vigil_store_job_clear(&j);
	/* b dies too: the second expiry is the last attempt, the job fails with the error */
	vigil_store_free(b);
	b = NULL;
	CHECK(vigil_store_open(&c, url) == 0);
	vigil_store_tune(c, &tu);
	CHECK(vigil_store_job_claim(c, &j) == 0); /* starts c's maintenance */
	for (int i = 0; i < 150; i++) {
		free(js);
		js = NULL;
		CHECK(vigil_store_job_json(c, &js, id) == 0);
		if (strstr(js, "\"failed\""))
			break;
		usleep(100000);
	}
	CHECK(strstr(js, "\"status\":\"failed\"") && strstr(js, "lease expired 2 times"));
	CHECK(vigil_store_stats_get(c, &stats) == 0 && stats.lease_rescues == 2);
	CHECK(stats.queued == 0 && stats.running == 0);
	free(js);
	vigil_store_free(c);
}

TEST(test_store_pg__history_and_one_delivery_per_key)
{
	const char *url = pg_url();
	vigil_store *st = NULL;
	vigil_store_stats stats;
	vigil_store_job j = {0};
	int64_t hook, id;
	static const char *const v1[] = {"CVE-1\tmusl", NULL};
	static const char *const v2[] = {"CVE-1\tmusl", "CVE-2\tmusl", NULL};
	if (!url)
		return;
	CHECK(vigil_store_open(&st, url) == 0);
	CHECK(vigil_store_check(st) == 0 && vigil_store_ping(st) == 0);
	CHECK(vigil_store_webhook_add(st, &hook, "http://127.0.0.1:9/", "*", "0123456789abcdef") ==
	      0);
	CHECK(vigil_store_job_add(st, &id, "scan", "oci:/pg", NULL, NULL) == 0);
	CHECK(vigil_store_job_claim(st, &j) == 1 && j.id == id);
	vigil_store_job_clear(&j);
	CHECK(commit(st, v1, 0, id) == 0); /* first: history, image.scanned */
	CHECK(vigil_store_job_finish(st, id, NULL, NULL) == VIGIL_ECANCELLED); /* done */
	CHECK(commit(st, v2, 1, 0) == 0); /* a re-evaluation adds CVE-2 */
	CHECK(commit(st, v2, 1, 0) == 0); /* retried: nothing new */
	CHECK(commit(st, v1, 1, 0) == 0); /* another database removes it again */
	CHECK(commit(st, v2, 1, 0) == 0); /* and back: a change like the first one */
	CHECK(vigil_store_stats_get(st, &stats) == 0);
	CHECK(stats.history == 4 && stats.manifests == 1);
	/* image.scanned + three vulnerabilities.changed, each queued once */
	CHECK(stats.deliveries_pending == 4);
	char *img = NULL;
	vigil_store_filter f = {"team/pg", NULL, "CVE-1", "musl", NULL, 10};
	CHECK(vigil_store_images_json(st, &img, &f) == 0 && strstr(img, PD));
	free(img);
	vigil_store_free(st);
}
