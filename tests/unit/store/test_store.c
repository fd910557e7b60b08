/* The serve store (vigil/store.h) in a temporary directory: history only where the set
 * of vulnerabilities changes, added / removed keys, events queued in the commit, crash
 * requeue of running jobs, token hashes and scopes; and the webhook signature and
 * registry envelope parser of src/lib/serve. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "serve/internal.h"
#include "vigil.h"
#include "vigil/store.h"

#define D1S "sha256:1111111111111111111111111111111111111111111111111111111111111111"
static const char D1[] = D1S;

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

/* ---- shared report and inventory parts (schema 2) ------------------------------------- */

/* A report shaped like `vigil scan --format json`: an image-specific head and tail around
 * the packages and vulnerabilities of `body`. */
static char *report_text(const char *digest, int body, const char *secrets)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	fprintf(f, "{\n  \"image\": {\"manifest_digest\": \"%s\"},\n  \"packages\": [\n", digest);
	for (int i = 0; i < 60; i++)
		fprintf(f, "    {\"name\":\"pkg%d\",\"version\":\"1.%d-%d\"}%s\n", i, i, body,
			i < 59 ? "," : "");
	fprintf(f, "  ],\n  \"vulnerabilities\": [\n");
	for (int i = 0; i < 40; i++)
		fprintf(f,
			"    "
			"{\"id\":\"CVE-2026-%d\",\"severity\":\"HIGH\",\"status\":\"fixed\"}%s\n",
			1000 + i + body, i < 39 ? "," : "");
	fprintf(f,
		"  ],\n  \"secrets\": [%s],\n  \"malware\": [],\n  \"misconfigurations\": []\n}\n",
		secrets);
	fclose(f);
	return out;
}

static long long sql1(const char *dir, const char *sql)
{
	char path[128];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	snprintf(path, sizeof(path), "%s/store.db", dir);
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int put_v(vigil_store *st, const char *digest, const char *inv, const char *rep, int rematch,
		 const char *vuln)
{
	static const int64_t counts[6] = {0, 40, 0, 0, 0, 0};
	const char *vulns[] = {vuln, NULL};
	vigil_store_scan sc = {digest, "team/app", NULL,   "2026-01-01T00:00:00Z",
			       inv,    rep,	   counts, vulns,
			       NULL,   0,	   rematch};
	return vigil_store_scan_commit(st, NULL, &sc, NULL, NULL);
}

static int put(vigil_store *st, const char *digest, const char *inv, const char *rep, int rematch)
{
	return put_v(st, digest, inv, rep, rematch, "CVE-2026-1000\tpkg0");
}

/* Reads the report and inventory of `digest` back and compares them with the texts. */
static int same(vigil_store *st, const char *digest, const char *inv, const char *rep)
{
	char *i = NULL, *r = NULL;
	int ok = vigil_store_inventory(st, &i, digest) == 0 &&
		 vigil_store_report(st, &r, digest) == 0 && !strcmp(i, inv) && !strcmp(r, rep);
	free(i);
	free(r);
	return ok;
}

TEST(test_store__shared_parts_kept_once_read_back_whole)
{
	static const char D2[] =
		"sha256:2222222222222222222222222222222222222222222222222222222222222222";
	char dir[] = "/tmp/vigil-unit-store-XXXXXX", cmd[96];
	vigil_store *st = NULL;
	char *r1 = report_text(D1, 0, "{\"rule_id\":\"aws\"}"), *r2 = report_text(D2, 0, "");
	char *r3 = report_text(D1, 7, ""), *i1 = report_text(D1, 0, "x"),
	     *i2 = report_text(D2, 0, "y");
	CHECK(r1 && r2 && r3 && i1 && i2);
	CHECK(mkdtemp(dir) != NULL);
	CHECK(vigil_store_open(&st, dir) == 0);
	CHECK(put(st, D1, i1, r1, 0) == 0 && put(st, D2, i2, r2, 0) == 0);
	CHECK(same(st, D1, i1, r1) && same(st, D2, i2, r2));
	/* one part for the two reports' packages and vulnerabilities, held by both rows (the
	 * inventories here have the same middle: the same part) */
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 1);
	CHECK(sql1(dir, "SELECT count(*) FROM manifests WHERE report_part IS NOT NULL AND"
			" length(report) < 200") == 2);
	/* one vulnerability set for the two images, seen per image through vulnindex */
	CHECK(sql1(dir, "SELECT count(DISTINCT vset) FROM vulnsets") == 1);
	CHECK(sql1(dir, "SELECT count(*) FROM vulnindex WHERE vuln='CVE-2026-1000'") == 2);
	/* the SQL that reads the report as JSON sees it whole */
	char *j = NULL;
	CHECK(vigil_store_vuln_detail_json(st, &j, "CVE-2026-1000", 10) == 0);
	CHECK(j && strstr(j, "\"severity\":\"HIGH\"") && strstr(j, D2));
	free(j);
	/* a re-evaluation of D1 with other findings: a new part, the old one kept for D2 */
	CHECK(put(st, D1, NULL, r3, 1) == 0);
	CHECK(same(st, D1, i1, r3) && same(st, D2, i2, r2));
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 2);
	/* D2 too: the old part is held by the inventories only */
	char *r4 = report_text(D2, 7, "");
	CHECK(r4 && put(st, D2, NULL, r4, 1) == 0 && same(st, D2, i2, r4));
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 2);
	/* new inventories without that part: it goes */
	char *i3 = report_text(D1, 3, ""), *i4 = report_text(D2, 3, "");
	CHECK(i3 && i4 && put(st, D1, i3, r3, 0) == 0 && put(st, D2, i4, r4, 0) == 0);
	CHECK(same(st, D1, i3, r3) && same(st, D2, i4, r4));
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 2);
	/* another vulnerability set for D1, then for D2: the first set goes with its last row */
	CHECK(put_v(st, D1, NULL, r3, 1, "CVE-2026-2000\tpkg1") == 0);
	CHECK(sql1(dir, "SELECT count(DISTINCT vset) FROM vulnsets") == 2);
	CHECK(sql1(dir, "SELECT count(*) FROM vulnindex WHERE vuln='CVE-2026-1000'") == 1);
	CHECK(put_v(st, D2, NULL, r4, 1, "CVE-2026-2000\tpkg1") == 0);
	CHECK(sql1(dir, "SELECT count(DISTINCT vset) FROM vulnsets") == 1);
	CHECK(sql1(dir, "SELECT count(*) FROM vulnindex WHERE vuln='CVE-2026-2000' AND"
			" package='pkg1'") == 2);
	/* a text without the members is kept whole */
	CHECK(put(st, D1, "{\"inv\":1}", "{}", 0) == 0 && same(st, D1, "{\"inv\":1}", "{}"));
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 2);
	CHECK(vigil_store_check(st) == 0);
	vigil_store_free(st);
	free(r1), free(r2), free(r3), free(r4), free(i1), free(i2), free(i3), free(i4);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(test_store__schema_1_store_migrated_in_place)
{
	char dir[] = "/tmp/vigil-unit-store-XXXXXX", cmd[96], path[128];
	vigil_store *st = NULL;
	sqlite3 *db = NULL;
	char *rep = report_text(D1, 0, ""), *inv = report_text(D1, 1, "");
	CHECK(rep && inv);
	CHECK(mkdtemp(dir) != NULL);
	CHECK(vigil_store_open(&st, dir) == 0);
	vigil_store_free(st);
	st = NULL;
	/* back to schema 1: no parts, the row holds the whole texts */
	snprintf(path, sizeof(path), "%s/store.db", dir);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(
		      db,
		      "DROP VIEW manifests_full; DROP INDEX manifests_inventory_part;"
		      " DROP INDEX manifests_report_part; DROP TABLE parts;"
		      " ALTER TABLE manifests DROP COLUMN inventory_part;"
		      " ALTER TABLE manifests DROP COLUMN inventory_tail;"
		      " ALTER TABLE manifests DROP COLUMN report_part;"
		      " ALTER TABLE manifests DROP COLUMN report_tail;"
		      " DROP VIEW pkgindex; DROP VIEW vulnindex; DROP INDEX manifests_pkgset;"
		      " DROP INDEX manifests_vulnset; DROP TABLE pkgsets; DROP TABLE vulnsets;"
		      " ALTER TABLE manifests DROP COLUMN pkgset;"
		      " ALTER TABLE manifests DROP COLUMN vulnset;"
		      " CREATE TABLE pkgindex(ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
		      " digest TEXT NOT NULL, PRIMARY KEY(ecosystem, package, digest))"
		      " WITHOUT ROWID;"
		      " CREATE TABLE vulnindex(vuln TEXT NOT NULL, digest TEXT NOT NULL,"
		      " package TEXT NOT NULL, PRIMARY KEY(vuln, digest, package)) WITHOUT ROWID;"
		      " UPDATE meta SET value='1' WHERE key='schema_version'",
		      NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_stmt *ins = NULL;
	CHECK(sqlite3_prepare_v2(db,
				 "INSERT INTO manifests(digest, first_seen, scanned_at, inventory,"
				 " report, vulns) VALUES(?, 1, 1, ?, ?, '[]')",
				 -1, &ins, NULL) == SQLITE_OK);
	sqlite3_bind_text(ins, 1, D1, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, inv, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, rep, -1, SQLITE_STATIC);
	CHECK(sqlite3_step(ins) == SQLITE_DONE);
	sqlite3_finalize(ins);
	CHECK(sqlite3_exec(db,
			   "INSERT INTO pkgindex VALUES('deb', 'pkg0', '" D1S "');"
			   " INSERT INTO vulnindex VALUES('CVE-2026-1000', '" D1S "', 'pkg0')",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(sql1(dir, "SELECT value FROM meta WHERE key='schema_version'") == 1);
	CHECK(vigil_store_open(&st, dir) == 0);
	CHECK(sql1(dir, "SELECT value FROM meta WHERE key='schema_version'") == 2);
	CHECK(same(st, D1, inv, rep));
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 0);
	/* its index rows became sets named by its digest */
	CHECK(sql1(dir,
		   "SELECT count(*) FROM pkgindex WHERE package='pkg0' AND digest='" D1S "'") == 1);
	CHECK(sql1(dir, "SELECT count(*) FROM vulnindex WHERE vuln='CVE-2026-1000' AND"
			" digest='" D1S "'") == 1);
	CHECK(sql1(dir, "SELECT count(*) FROM vulnsets WHERE vset='" D1S "'") == 1);
	/* the next commit of the image keeps its parts apart */
	CHECK(put(st, D1, inv, rep, 0) == 0 && same(st, D1, inv, rep));
	CHECK(sql1(dir, "SELECT count(*) FROM parts") == 2);
	CHECK(vigil_store_check(st) == 0);
	vigil_store_free(st);
	/* a store of a later schema is refused */
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "UPDATE meta SET value='3' WHERE key='schema_version'", NULL, NULL,
			   NULL) == SQLITE_OK);
	sqlite3_close(db);
	st = NULL;
	CHECK(vigil_store_open(&st, dir) == VIGIL_EFORMAT && !st);
	free(rep);
	free(inv);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}
