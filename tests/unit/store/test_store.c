/* The serve store (vigil/store.h) in a temporary directory: history only where the set
 * of vulnerabilities changes, added / removed keys, events queued in the commit, crash
 * requeue of running jobs, token hashes and scopes; and the webhook signature and
 * registry envelope parser of src/lib/serve. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "serve/internal.h"
#include "vigil.h"
#include "vigil/store.h"

static const char D1[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

typedef struct seen {
	int scanned, changed;
	char added[256], removed[256];
} seen;

static int events(const vigil_store_change *c, const vigil_store_scan *sc, vigil_store_emit_fn emit,
		  void *emit_ctx, void *payload)
{
	seen *s = payload;
	s->added[0] = s->removed[0] = '\0';
	for (size_t i = 0; i < c->nadded; i++)
		snprintf(s->added + strlen(s->added), sizeof(s->added) - strlen(s->added), "%s;",
			 c->added[i]);
	for (size_t i = 0; i < c->nremoved; i++)
		snprintf(s->removed + strlen(s->removed), sizeof(s->removed) - strlen(s->removed),
			 "%s;", c->removed[i]);
	if (!sc->rematch) {
		s->scanned++;
		if (emit("image.scanned", "{\"event\":\"image.scanned\"}", emit_ctx) < 0)
			return -1;
	}
	if (c->changed && !c->first) {
		s->changed++;
		return emit("vulnerabilities.changed", "{\"event\":\"vulnerabilities.changed\"}",
			    emit_ctx);
	}
	return 0;
}

static int commit(vigil_store *st, seen *s, const char *const *vulns, int rematch, int *changed)
{
	static const int64_t counts[6] = {0, 1, 0, 0, 0, 0};
	const char *tags[] = {"v1", NULL};
	const char *pk[] = {"apk\tmusl", "apk\tbusybox", NULL};
	vigil_store_scan sc = {D1,
			       "team/app",
			       tags,
			       "2026-01-01T00:00:00Z",
			       rematch ? NULL : "{\"inv\":1}",
			       "{\"report\":1}",
			       counts,
			       vulns,
			       pk,
			       0,
			       rematch};
	return vigil_store_scan_commit(st, changed, &sc, events, s);
}

static int history_len(vigil_store *st)
{
	char *j = NULL;
	if (vigil_store_history_json(st, &j, D1) < 0)
		return -1;
	json_t *o = json_loads(j, 0, NULL);
	int n = (int)json_array_size(json_object_get(o, "history"));
	json_decref(o);
	free(j);
	return n;
}

TEST(test_store__history_only_when_vulnerabilities_change)
{
	char dir[] = "/tmp/vigil-unit-store-XXXXXX", cmd[96];
	vigil_store *st = NULL;
	seen s = {0};
	int changed = -1;
	int64_t hook;
	vigil_store_stats stats;
	const char *v1[] = {"CVE-1\tbusybox", NULL};
	const char *v2[] = {"CVE-1\tbusybox", "CVE-2\tmusl", NULL};
	const char *v3[] = {"CVE-2\tmusl", NULL};
	CHECK(mkdtemp(dir) != NULL);
	CHECK(vigil_store_open(&st, dir) == 0);
	CHECK(vigil_store_webhook_add(st, &hook, "http://127.0.0.1:9/", "vulnerabilities.changed",
				      "0123456789abcdef") == 0);
	CHECK(commit(st, &s, v1, 0, &changed) == 0 && changed == 1);
	CHECK(s.scanned == 1 && s.changed == 0);
	CHECK_STR(s.added, "CVE-1\tbusybox;");
	CHECK(commit(st, &s, v1, 1, &changed) == 0 && changed == 0); /* same findings */
	CHECK(history_len(st) == 1);
	CHECK(commit(st, &s, v2, 1, &changed) == 0 && changed == 1);
	CHECK_STR(s.added, "CVE-2\tmusl;");
	CHECK_STR(s.removed, "");
	CHECK(commit(st, &s, v3, 1, &changed) == 0 && changed == 1);
	CHECK_STR(s.added, "");
	CHECK_STR(s.removed, "CVE-1\tbusybox;");
	CHECK(history_len(st) == 3);
	CHECK(s.changed == 2);
	/* only the subscribed event was queued: two vulnerabilities.changed deliveries */
	CHECK(vigil_store_stats_get(st, &stats) == 0 && stats.deliveries_pending == 2);
	CHECK(stats.manifests == 1 && stats.history == 3);
	char *inv = NULL;
	CHECK(vigil_store_inventory(st, &inv, D1) == 0); /* a rematch keeps the inventory */
	CHECK_STR(inv, "{\"inv\":1}");
	free(inv);
	/* a rematch of an unknown digest is refused, nothing written */
	static const int64_t zero[6];
	vigil_store_scan bad = {
		"sha256:2222222222222222222222222222222222222222222222222222222222222222",
		NULL,
		NULL,
		NULL,
		NULL,
		"{}",
		zero,
		v1,
		NULL,
		0,
		1};
	CHECK(vigil_store_scan_commit(st, NULL, &bad, NULL, NULL) == VIGIL_ENOTFOUND);
	bad.digest = "sha256:22"; /* not a digest */
	CHECK(vigil_store_scan_commit(st, NULL, &bad, NULL, NULL) == VIGIL_EINVAL);
	CHECK(vigil_store_stats_get(st, &stats) == 0 && stats.manifests == 1 && stats.history == 3);
	CHECK(vigil_store_check(st) == 0);
	vigil_store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(test_store__running_jobs_requeued_and_tokens_hashed)
{
	char dir[] = "/tmp/vigil-unit-store-XXXXXX", cmd[96], tok[72];
	vigil_store *st = NULL;
	vigil_store_job j;
	int64_t id, id2;
	unsigned sc = 0;
	CHECK(mkdtemp(dir) != NULL);
	CHECK(vigil_store_open(&st, dir) == 0);
	CHECK(vigil_store_job_add(st, &id, "scan", "oci:/x", NULL, NULL) == 0);
	CHECK(vigil_store_job_add(st, &id2, "scan", "oci:/y", NULL, NULL) == 0);
	CHECK(vigil_store_job_claim(st, &j) == 1 && j.id == id);
	vigil_store_job_clear(&j);
	vigil_store_free(st); /* the owner dies with the job running */
	CHECK(vigil_store_open(&st, dir) == 0);
	CHECK(vigil_store_job_requeue_running(st) == 1);
	CHECK(vigil_store_job_claim(st, &j) == 1 && j.id == id && j.attempts == 2);
	vigil_store_job_clear(&j);
	CHECK(vigil_store_job_finish(st, id, NULL, "boom") == 0);
	CHECK(vigil_store_job_claim(st, &j) == 1 && j.id == id2);
	vigil_store_job_clear(&j);
	CHECK(vigil_store_job_claim(st, &j) == 0);

	CHECK(vigil_store_parse_scopes(&sc, "read,scan") == 0 &&
	      sc == (VIGIL_SCOPE_READ | VIGIL_SCOPE_SCAN));
	CHECK(vigil_store_parse_scopes(&sc, "read,root") == VIGIL_EINVAL);
	CHECK(vigil_store_parse_scopes(&sc, "") == VIGIL_EINVAL);
	CHECK(vigil_store_token_add(st, tok, "ci", VIGIL_SCOPE_SCAN) == 0);
	CHECK(strncmp(tok, "vgl_", 4) == 0 && strlen(tok) == 68);
	CHECK(vigil_store_token_check(st, &sc, tok) == 0 && sc == VIGIL_SCOPE_SCAN);
	tok[10] ^= 1;
	CHECK(vigil_store_token_check(st, &sc, tok) == VIGIL_ENOTFOUND);
	vigil_store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(test_serve__signature_is_hmac_sha256_of_time_dot_body)
{
	char sig[200];
	/* python3: hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest() */
	CHECK(vigil_serve__sign(sig, sizeof(sig), "key", 1700000000, "{}") == 0);
	CHECK_STR(sig, "t=1700000000,v1="
		       "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
}

static int count_push(const vigil_serve_push *p, void *payload)
{
	char *out = payload;
	snprintf(out + strlen(out), 512 - strlen(out), "%s/%s@%.13s:%s;", p->host, p->repository,
		 p->digest, p->tag ? p->tag : "-");
	return 0;
}

TEST(test_serve__envelope_keeps_manifest_pushes_only)
{
	char out[512] = "";
	static const char ENV[] =
		"{\"events\":[{\"action\":\"push\",\"target\":{\"mediaType\":"
		"\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"sha256:"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"repository\":"
		"\"team/app\",\"tag\":\"v1\"},\"request\":{\"host\":\"reg:5000\"}},"
		"{\"action\":\"pull\",\"target\":{\"mediaType\":"
		"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"repository\":"
		"\"x\"},\"request\":{\"host\":\"reg:5000\"}},"
		"{\"action\":\"push\",\"target\":{\"mediaType\":"
		"\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:"
		"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\",\"repository\":"
		"\"../etc\"},\"request\":{\"host\":\"reg:5000\"}},"
		"{\"action\":\"push\",\"target\":{\"mediaType\":"
		"\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:"
		"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\",\"repository\":"
		"\"lib/base\",\"url\":\"http://reg2:5000/v2/lib/base/manifests/x\"}}]}";
	CHECK(vigil_serve_parse_envelope(ENV, strlen(ENV), count_push, out) == 2);
	CHECK_STR(out, "reg:5000/team/app@sha256:aaaaaa:v1;reg2:5000/lib/base@sha256:dddddd:-;");
	CHECK(vigil_serve_parse_envelope("{\"events\":{}}", 13, count_push, out) == VIGIL_EFORMAT);
	CHECK(vigil_serve_parse_envelope("[", 1, count_push, out) == VIGIL_EFORMAT);
}
