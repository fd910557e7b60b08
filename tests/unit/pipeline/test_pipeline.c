/* The scan pipeline as a library call: vigil_engine + vigil_scan_run on a small root
 * filesystem built at run time (Alpine os-release, an apk database with a vulnerable musl,
 * a generated GitHub token, the EICAR test file), a database built by vigil_db_update from
 * a one-feed mirror written here, the uniform findings, filters, policy, and rematching a
 * saved inventory. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"
#include "vigil.h"

typedef struct fixture {
	char dir[64];
	char root[128], db[128], inv[128], policy[128];
	char image[160];
} fixture;

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int put_at(const fixture *fx, const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", fx->dir, rel);
	return put(p, text);
}

/* The fixture: a rootfs and a database; 0 on success. */
static int fixture_make(fixture *fx)
{
	static const char *const dirs[] = {"root",
					   "root/etc",
					   "root/lib",
					   "root/lib/apk",
					   "root/lib/apk/db",
					   "root/app",
					   "root/var",
					   "root/var/www",
					   "mirror",
					   "mirror/alpine-secdb",
					   "mirror/alpine-secdb/v3.9"};
	char p[512], tok[64], cmd[1024];
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vigil-pipeline-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", fx->dir, dirs[i]);
		if (mkdir(p, 0755) != 0)
			return -1;
	}
	snprintf(fx->root, sizeof(fx->root), "%s/root", fx->dir);
	snprintf(fx->image, sizeof(fx->image), "rootfs:%s", fx->root);
	snprintf(fx->db, sizeof(fx->db), "%s/vigil.db", fx->dir);
	snprintf(fx->inv, sizeof(fx->inv), "%s/inventory.json", fx->dir);
	snprintf(fx->policy, sizeof(fx->policy), "%s/policy.yaml", fx->dir);
	/* a token generated now, never a literal in the sources */
	srand((unsigned)getpid());
	for (int i = 0; i < 36; i++)
		tok[i] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"[rand() % 57];
	tok[36] = '\0';
	char secret[128], eicar[128];
	snprintf(secret, sizeof(secret), "GITHUB_TOKEN=%s%s\n",
		 "gh"
		 "p_",
		 tok);
	snprintf(eicar, sizeof(eicar), "%s%s%s\n", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
		 "EICAR-STANDARD-ANTIVIRUS-", "TEST-FILE!$H+H*");
	if (put_at(fx, "root/etc/os-release",
		   "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.9.6\n"
		   "PRETTY_NAME=\"Alpine Linux v3.9\"\n") < 0 ||
	    put_at(fx, "root/lib/apk/db/installed",
		   "C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=\nP:musl\nV:1.1.20-r4\nA:x86_64\n"
		   "S:1\nI:1\nT:the musl c library\nL:MIT\no:musl\nF:lib\nR:libc.musl-x86_64.so.1\n"
		   "\n") < 0 ||
	    put_at(fx, "root/app/.env", secret) < 0 ||
	    put_at(fx, "root/var/www/eicar.com", eicar) < 0 ||
	    put_at(fx, "mirror/alpine-secdb/v3.9/main.yaml",
		   "---\ndistroversion: v3.9\nreponame: main\narchs:\n  - x86_64\n"
		   "urlprefix: http://dl-cdn.alpinelinux.org/alpine\n"
		   "apkurl: \"{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/"
		   "{{pkg.name}}-{{pkg.ver}}.apk\"\npackages:\n  - pkg:\n      name: musl\n"
		   "      secfixes:\n        1.1.20-r5:\n          - CVE-2019-14697\n") < 0 ||
	    put(fx->policy, "ignore:\n  - id: CVE-2019-14697\n    reason: not reachable\n") < 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "tar -C %s/mirror -czf %s/mirror/alpine-secdb.tar.gz alpine-secdb", fx->dir,
		 fx->dir);
	if (system(cmd) != 0)
		return -1;
	vigil_ctx *ctx = NULL;
	vigil_db_update_opts uo = VIGIL_DB_UPDATE_OPTS_INIT;
	snprintf(p, sizeof(p), "%s/mirror", fx->dir);
	uo.from = p;
	uo.only = "alpine-secdb";
	uo.quiet = 1;
	int error = vigil_ctx_new(&ctx);
	if (error == 0)
		error = vigil_db_update(ctx, fx->db, &uo);
	if (error < 0)
		printf("  db update: %s\n", ctx ? vigil_ctx_error(ctx) : "no ctx");
	vigil_ctx_free(ctx);
	return error;
}

static void fixture_free(fixture *fx)
{
	char cmd[256];
	if (fx->dir[0] && strncmp(fx->dir, "/tmp/vigil-pipeline-", 20) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
		if (system(cmd) != 0)
			printf("  could not remove %s\n", fx->dir);
	}
}

static const vigil_finding *find_kind(const vigil_scan_result *r, int kind)
{
	for (size_t i = 0; i < vigil_scan_result_count(r); i++)
		if (vigil_scan_result_get(r, i)->kind == kind)
			return vigil_scan_result_get(r, i);
	return NULL;
}

static int engine(vigil_engine **out, vigil_ctx *ctx, const fixture *fx, unsigned scanners,
		  const char *policy)
{
	vigil_engine_opts eo = VIGIL_ENGINE_OPTS_INIT;
	eo.scanners = scanners;
	eo.db_path = fx->db;
	eo.db_max_age = 100000;
	eo.policy_path = policy;
	int error = vigil_engine_new(out, ctx, &eo);
	if (error < 0)
		printf("  engine: %s\n", vigil_ctx_error(ctx));
	return error;
}

TEST(test_pipeline__one_pass_gives_uniform_findings_of_every_scanner)
{
	fixture fx;
	vigil_ctx *ctx = NULL;
	vigil_engine *e = NULL;
	vigil_scan_result *r = NULL;
	int ok = 0;
	if (fixture_make(&fx) < 0 || vigil_ctx_new(&ctx) < 0 ||
	    engine(&e, ctx, &fx, VIGIL_SCANNER_ALL, NULL) < 0)
		goto done;
	if (vigil_scan_run(&r, ctx, e, fx.image, NULL) < 0) {
		printf("  scan: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	const vigil_finding *v = find_kind(r, VIGIL_FINDING_VULN);
	const vigil_finding *s = find_kind(r, VIGIL_FINDING_SECRET);
	const vigil_finding *m = find_kind(r, VIGIL_FINDING_MALWARE);
	if (!v || !s || !m) {
		printf("  missing kind: vuln %p secret %p malware %p\n", (const void *)v,
		       (const void *)s, (const void *)m);
		goto done;
	}
	if (strcmp(v->id, "CVE-2019-14697") != 0 || !v->pkg || strcmp(v->pkg->name, "musl") != 0 ||
	    strcmp(v->path, "/lib/apk/db/installed") != 0 || v->layer != 0 || !v->fixable ||
	    !v->shown || v->suppressed || !v->detail ||
	    strcmp(((const vigil_vuln *)v->detail)->fixed, "1.1.20-r5") != 0) {
		printf("  vuln finding wrong: %s %s\n", v->id, v->path ? v->path : "(null)");
		goto done;
	}
	if (strcmp(s->path, "/app/.env") != 0 || s->pkg || !s->severity || !s->detail ||
	    strcmp(((const vigil_secret_finding *)s->detail)->rule_id, s->id) != 0) {
		printf("  secret finding wrong: %s %s\n", s->id, s->path);
		goto done;
	}
	if (strcmp(m->path, "/var/www/eicar.com") != 0 || !m->title) {
		printf("  malware finding wrong: %s %s\n", m->id, m->path);
		goto done;
	}
	/* kinds in report order, failing = shown and not suppressed */
	size_t failing = 0;
	for (size_t i = 0; i < vigil_scan_result_count(r); i++) {
		const vigil_finding *f = vigil_scan_result_get(r, i);
		if (i > 0 && f->kind < vigil_scan_result_get(r, i - 1)->kind) {
			printf("  finding %zu out of kind order\n", i);
			goto done;
		}
		failing += f->shown && !f->suppressed;
	}
	if (failing != vigil_scan_result_failing(r) || failing < 3 ||
	    vigil_scan_result_get(r, vigil_scan_result_count(r)) != NULL) {
		printf("  failing %zu vs %zu\n", failing, vigil_scan_result_failing(r));
		goto done;
	}
	if (vigil_scan_result_inventory(r) == NULL ||
	    vigil_inventory_count(vigil_scan_result_inventory(r)) != 1 ||
	    vigil_scan_result_digest(r) != NULL || vigil_scan_result_db_built(r) == NULL ||
	    strcmp(vigil_scan_result_db_built(r), vigil_engine_db_built(e)) != 0) {
		printf("  metadata wrong\n");
		goto done;
	}
	ok = 1;
done:
	vigil_scan_result_free(r);
	vigil_engine_free(e);
	vigil_ctx_free(ctx);
	fixture_free(&fx);
	CHECK(ok);
}

TEST(test_pipeline__filters_and_policy_mark_findings)
{
	fixture fx;
	vigil_ctx *ctx = NULL;
	vigil_engine *e = NULL;
	vigil_scan_result *r = NULL, *r2 = NULL;
	vigil_scan_opts so = VIGIL_SCAN_OPTS_INIT;
	int ok = 0;
	if (fixture_make(&fx) < 0 || vigil_ctx_new(&ctx) < 0 ||
	    engine(&e, ctx, &fx, VIGIL_SCANNER_VULN | VIGIL_SCANNER_MALWARE, fx.policy) < 0)
		goto done;
	so.severities = "CRITICAL";
	if (vigil_scan_run(&r, ctx, e, fx.image, &so) < 0 ||
	    find_kind(r, VIGIL_FINDING_SECRET) != NULL)
		goto done;
	const vigil_finding *v = find_kind(r, VIGIL_FINDING_VULN);
	const vigil_finding *m = find_kind(r, VIGIL_FINDING_MALWARE);
	/* the vulnerability is suppressed by the policy, and not CRITICAL */
	if (!v || !v->suppressed || strstr(v->suppressed, "not reachable") == NULL || v->shown) {
		printf("  vuln not suppressed / filtered\n");
		goto done;
	}
	if (!m || m->shown != (strcmp(m->severity, "CRITICAL") == 0)) {
		printf("  malware severity filter wrong\n");
		goto done;
	}
	so.severities = NULL;
	so.ignore_unfixed = 1;
	if (vigil_scan_run(&r2, ctx, e, fx.image, &so) < 0 ||
	    !(v = find_kind(r2, VIGIL_FINDING_VULN)) || !v->shown || !v->suppressed)
		goto done;
	ok = 1;
done:
	vigil_scan_result_free(r2);
	vigil_scan_result_free(r);
	vigil_engine_free(e);
	vigil_ctx_free(ctx);
	fixture_free(&fx);
	CHECK(ok);
}

TEST(test_pipeline__rematch_saved_inventory_without_image)
{
	fixture fx;
	vigil_ctx *ctx = NULL;
	vigil_engine *e = NULL, *ep = NULL;
	vigil_scan_result *r = NULL, *loaded = NULL;
	FILE *f = NULL;
	int ok = 0;
	if (fixture_make(&fx) < 0 || vigil_ctx_new(&ctx) < 0 ||
	    engine(&e, ctx, &fx, VIGIL_SCANNER_VULN, NULL) < 0 ||
	    engine(&ep, ctx, &fx, VIGIL_SCANNER_VULN, fx.policy) < 0 ||
	    vigil_scan_run(&r, ctx, e, fx.image, NULL) < 0 || !(f = fopen(fx.inv, "w")))
		goto done;
	int error = vigil_scan_result_save_inventory(f, r);
	if (fclose(f) != 0 || error < 0)
		goto done;
	/* the image is gone: only the saved inventory remains */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.root);
	if (system(cmd) != 0 || vigil_scan_result_load_inventory(&loaded, ctx, fx.inv, NULL) < 0) {
		printf("  load: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	if (vigil_scan_result_count(loaded) != 0 ||
	    vigil_inventory_count(vigil_scan_result_inventory(loaded)) != 1 ||
	    vigil_scan_result_write(stdout, loaded, "json") != VIGIL_EINVAL)
		goto done;
	if (vigil_scan_rematch(loaded, e) < 0) {
		printf("  rematch: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	if (vigil_scan_result_count(loaded) != vigil_scan_result_count(r))
		goto done;
	for (size_t i = 0; i < vigil_scan_result_count(r); i++) {
		const vigil_finding *a = vigil_scan_result_get(r, i),
				    *b = vigil_scan_result_get(loaded, i);
		if (a->kind != b->kind || strcmp(a->id, b->id) != 0 ||
		    strcmp(a->pkg->name, b->pkg->name) != 0 || a->layer != b->layer ||
		    strcmp(a->path, b->path) != 0 || b->suppressed) {
			printf("  finding %zu differs after rematch\n", i);
			goto done;
		}
	}
	/* a new engine (policy) re-evaluates the same inventory */
	if (vigil_scan_rematch(loaded, ep) < 0 || vigil_scan_result_failing(loaded) != 0 ||
	    !vigil_scan_result_get(loaded, 0)->suppressed)
		goto done;
	ok = 1;
done:
	vigil_scan_result_free(loaded);
	vigil_scan_result_free(r);
	vigil_engine_free(ep);
	vigil_engine_free(e);
	vigil_ctx_free(ctx);
	fixture_free(&fx);
	CHECK(ok);
}

TEST(test_pipeline__load_inventory_rejects_malformed_files)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"packages\": 3}",
		"{\"packages\": [1]}",
		"{\"packages\": [{\"type\": \"apk\", \"name\": \"musl\"}]}",
		"{\"packages\": [{\"type\": \"apk\", \"name\": 7, \"version\": \"1\"}]}",
		"{\"packages\": [{\"type\": \"apk\", \"name\": \"a\", \"version\": \"1\", "
		"\"layer\": \"x\"}]}",
		"{\"distro\": [], \"packages\": []}",
		"{\"packages\": [], \"packages\": []}",
	};
	char dir[] = "/tmp/vigil-pipeline-XXXXXX", path[128];
	vigil_ctx *ctx = NULL;
	vigil_scan_result *r = NULL;
	int ok = 0;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/inv.json", dir);
	if (vigil_ctx_new(&ctx) < 0)
		goto done;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (put(path, bad[i]) < 0 ||
		    vigil_scan_result_load_inventory(&r, ctx, path, NULL) != VIGIL_EFORMAT || r) {
			printf("  case %zu accepted\n", i);
			goto done;
		}
	}
	if (put(path,
		"{\"packages\": [{\"type\": \"apk\", \"name\": \"a\", \"version\": \"1\"}]}") < 0 ||
	    vigil_scan_result_load_inventory(&r, ctx, path, NULL) != 0 ||
	    vigil_scan_result_get(r, 0) != NULL)
		goto done;
	vigil_scan_result_free(r);
	r = NULL;
	if (vigil_scan_result_load_inventory(&r, ctx, "/nonexistent/inv.json", NULL) != VIGIL_EIO)
		goto done;
	/* the size cap: 16 x max_json_size */
	vigil_limits lim = VIGIL_LIMITS_INIT;
	lim.max_json_size = 2; /* 32 bytes: the 61-byte inventory is over */
	vigil_ctx_set_limits(ctx, &lim);
	if (vigil_scan_result_load_inventory(&r, ctx, path, NULL) != VIGIL_ELIMIT || r ||
	    !strstr(vigil_ctx_error(ctx), "max-json-size"))
		goto done;
	ok = 1;
done:
	vigil_scan_result_free(r);
	vigil_ctx_free(ctx);
	unlink(path);
	rmdir(dir);
	CHECK(ok);
}

typedef struct scan_job {
	const vigil_engine *engine;
	const char *image;
	size_t count, failing;
	int error;
} scan_job;

static void *scan_thread(void *payload)
{
	scan_job *j = payload;
	vigil_ctx *ctx = NULL;
	vigil_scan_result *r = NULL;
	if ((j->error = vigil_ctx_new(&ctx)) == 0 &&
	    (j->error = vigil_scan_run(&r, ctx, j->engine, j->image, NULL)) == 0) {
		j->count = vigil_scan_result_count(r);
		j->failing = vigil_scan_result_failing(r);
	}
	vigil_scan_result_free(r);
	vigil_ctx_free(ctx);
	return NULL;
}

TEST(test_pipeline__one_engine_serves_concurrent_scans)
{
	fixture fx;
	vigil_ctx *ctx = NULL;
	vigil_engine *e = NULL;
	scan_job jobs[4];
	pthread_t th[4];
	int ok = 0, started = 0;
	if (fixture_make(&fx) < 0 || vigil_ctx_new(&ctx) < 0 ||
	    engine(&e, ctx, &fx, VIGIL_SCANNER_ALL, NULL) < 0)
		goto done;
	for (; started < 4; started++) {
		jobs[started] = (scan_job){e, fx.image, 0, 0, 0};
		if (pthread_create(&th[started], NULL, scan_thread, &jobs[started]) != 0)
			break;
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (started != 4)
		goto done;
	for (int i = 0; i < 4; i++)
		if (jobs[i].error != 0 || jobs[i].count < 3 || jobs[i].count != jobs[0].count ||
		    jobs[i].failing != jobs[0].failing) {
			printf("  job %d: error %d, %zu findings (job 0: %zu)\n", i, jobs[i].error,
			       jobs[i].count, jobs[0].count);
			goto done;
		}
	ok = 1;
done:
	vigil_engine_free(e);
	vigil_ctx_free(ctx);
	fixture_free(&fx);
	CHECK(ok);
}

TEST(test_pipeline__load_inventory_keeps_dependency_flags)
{
	char dir[] = "/tmp/vigil-pipeline-XXXXXX", path[128];
	vigil_ctx *ctx = NULL;
	vigil_scan_result *r = NULL;
	int ok = 0;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/inv.json", dir);
	if (vigil_ctx_new(&ctx) < 0 ||
	    put(path, "{\"packages\": ["
		      "{\"type\": \"npm\", \"name\": \"a\", \"version\": \"1\", \"direct\": true, "
		      "\"dev\": true},"
		      "{\"type\": \"npm\", \"name\": \"b\", \"version\": \"1\", \"direct\": false, "
		      "\"optional\": true},"
		      "{\"type\": \"npm\", \"name\": \"c\", \"version\": \"1\"}]}") < 0 ||
	    vigil_scan_result_load_inventory(&r, ctx, path, NULL) != 0)
		goto done;
	const vigil_inventory *inv = vigil_scan_result_inventory(r);
	ok = vigil_inventory_count(inv) == 3 &&
	     vigil_inventory_pkg(inv, 0)->flags == (VIGIL_PKG_DIRECT | VIGIL_PKG_DEV) &&
	     vigil_inventory_pkg(inv, 1)->flags == (VIGIL_PKG_INDIRECT | VIGIL_PKG_OPTIONAL) &&
	     vigil_inventory_pkg(inv, 2)->flags == 0;
done:
	vigil_scan_result_free(r);
	vigil_ctx_free(ctx);
	unlink(path);
	rmdir(dir);
	CHECK(ok);
}

/* The match memo (an engine's matches of package sets it met) gives a second scan of the
 * same packages the first one's findings, and never a stale set: a changed version, a
 * database rebuilt, a result that outlives its engine. */
TEST(test_pipeline__match_memo_reuses_only_identical_package_sets)
{
	fixture fx;
	vigil_ctx *ctx = NULL;
	vigil_engine *e = NULL, *ep = NULL;
	vigil_scan_result *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL, *r5 = NULL;
	uint64_t hits = 9, misses = 9;
	char p[256];
	int ok = 0;
	if (fixture_make(&fx) < 0 || vigil_ctx_new(&ctx) < 0 ||
	    engine(&e, ctx, &fx, VIGIL_SCANNER_VULN, NULL) < 0 ||
	    engine(&ep, ctx, &fx, VIGIL_SCANNER_VULN, fx.policy) < 0)
		goto done;
	if (vigil_scan_run(&r1, ctx, e, fx.image, NULL) < 0 ||
	    vigil_scan_run(&r2, ctx, e, fx.image, NULL) < 0) {
		printf("  scan: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	vigil_engine_match_memo_stats(e, &hits, &misses);
	const vigil_finding *a = find_kind(r1, VIGIL_FINDING_VULN),
			    *b = find_kind(r2, VIGIL_FINDING_VULN);
	if (hits != 1 || misses != 1 || !a || !b || strcmp(a->id, b->id) != 0 || a->pkg == b->pkg ||
	    b->pkg != vigil_inventory_pkg(vigil_scan_result_inventory(r2), 0) ||
	    strcmp(((const vigil_vuln *)b->detail)->fixed, "1.1.20-r5") != 0) {
		printf("  second scan: hits %llu misses %llu\n", (unsigned long long)hits,
		       (unsigned long long)misses);
		goto done;
	}
	/* the fixed version installed: the same engine must match it again (no finding) */
	snprintf(p, sizeof(p), "%s/root/lib/apk/db/installed", fx.dir);
	if (put(p, "C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=\nP:musl\nV:1.1.20-r5\nA:x86_64\n"
		   "S:1\nI:1\nT:the musl c library\nL:MIT\no:musl\nF:lib\n"
		   "R:libc.musl-x86_64.so.1\n\n") < 0 ||
	    vigil_scan_run(&r3, ctx, e, fx.image, NULL) < 0 || find_kind(r3, VIGIL_FINDING_VULN)) {
		printf("  a changed version got the memo's findings\n");
		goto done;
	}
	/* the policy suppresses on the copy, never on the memo's entry */
	vigil_engine_free(e);
	e = NULL;
	if (put(p, "C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=\nP:musl\nV:1.1.20-r4\nA:x86_64\n"
		   "S:1\nI:1\nT:the musl c library\nL:MIT\no:musl\nF:lib\n"
		   "R:libc.musl-x86_64.so.1\n\n") < 0 ||
	    vigil_scan_run(&r4, ctx, ep, fx.image, NULL) < 0 ||
	    vigil_scan_run(&r5, ctx, ep, fx.image, NULL) < 0 ||
	    !(a = find_kind(r4, VIGIL_FINDING_VULN)) || !(b = find_kind(r5, VIGIL_FINDING_VULN)) ||
	    !a->suppressed || !b->suppressed || vigil_scan_result_failing(r5) != 0) {
		printf("  policy engine: suppression lost\n");
		goto done;
	}
	vigil_engine_match_memo_stats(ep, &hits, &misses);
	/* r1 and r2 outlived their engine (and its memo): their findings are still readable */
	a = find_kind(r1, VIGIL_FINDING_VULN);
	b = find_kind(r2, VIGIL_FINDING_VULN);
	if (hits != 1 || misses != 1 || !a || !b ||
	    strcmp(((const vigil_vuln *)b->detail)->id, "CVE-2019-14697") != 0)
		goto done;
	ok = 1;
done:
	vigil_scan_result_free(r5);
	vigil_scan_result_free(r4);
	vigil_scan_result_free(r3);
	vigil_scan_result_free(r2);
	vigil_scan_result_free(r1);
	vigil_engine_free(ep);
	vigil_engine_free(e);
	vigil_ctx_free(ctx);
	fixture_free(&fx);
	CHECK(ok);
}

/* An engine keeps database handles open between its scans; a database rebuilt at the same
 * path since (vigil db update renames a new file over it) is the one the next scan of that
 * engine matches against, never the kept handle's old file. */
TEST(test_pipeline__kept_database_handle_never_outlives_its_file)
{
	fixture fx;
	vigil_ctx *ctx = NULL;
	vigil_engine *e = NULL;
	vigil_scan_result *r1 = NULL, *r2 = NULL;
	vigil_db_update_opts uo = VIGIL_DB_UPDATE_OPTS_INIT;
	char p[256], cmd[1024];
	int ok = 0;
	setenv("VIGIL_MATCH_MEMO", "0", 1); /* the memo would hide which file was read */
	if (fixture_make(&fx) < 0 || vigil_ctx_new(&ctx) < 0 ||
	    engine(&e, ctx, &fx, VIGIL_SCANNER_VULN, NULL) < 0)
		goto done;
	unsetenv("VIGIL_MATCH_MEMO");
	const vigil_finding *a;
	if (vigil_scan_run(&r1, ctx, e, fx.image, NULL) < 0 ||
	    !(a = find_kind(r1, VIGIL_FINDING_VULN)) ||
	    strcmp(((const vigil_vuln *)a->detail)->id, "CVE-2019-14697") != 0) {
		printf("  first scan: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	vigil_scan_result_free(r1); /* its handle is kept by the engine */
	r1 = NULL;
	/* the database rebuilt from a mirror that names another advisory */
	snprintf(cmd, sizeof(cmd),
		 "tar -C %s/mirror -czf %s/mirror/alpine-secdb.tar.gz alpine-secdb", fx.dir,
		 fx.dir);
	snprintf(p, sizeof(p), "%s/mirror", fx.dir);
	uo.from = p;
	uo.only = "alpine-secdb";
	uo.quiet = 1;
	if (put_at(&fx, "mirror/alpine-secdb/v3.9/main.yaml",
		   "---\ndistroversion: v3.9\nreponame: main\narchs:\n  - x86_64\n"
		   "urlprefix: http://dl-cdn.alpinelinux.org/alpine\n"
		   "apkurl: \"{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/"
		   "{{pkg.name}}-{{pkg.ver}}.apk\"\npackages:\n  - pkg:\n      name: musl\n"
		   "      secfixes:\n        1.1.20-r5:\n          - CVE-2019-90001\n") < 0 ||
	    system(cmd) != 0 || vigil_db_update(ctx, fx.db, &uo) < 0) {
		printf("  rebuild: %s\n", vigil_ctx_error(ctx));
		goto done;
	}
	if (vigil_scan_run(&r2, ctx, e, fx.image, NULL) < 0 ||
	    !(a = find_kind(r2, VIGIL_FINDING_VULN)) ||
	    strcmp(((const vigil_vuln *)a->detail)->id, "CVE-2019-90001") != 0) {
		printf("  second scan matched against %s\n",
		       a ? ((const vigil_vuln *)a->detail)->id : "nothing");
		goto done;
	}
	ok = 1;
done:
	unsetenv("VIGIL_MATCH_MEMO");
	vigil_scan_result_free(r2);
	vigil_scan_result_free(r1);
	vigil_engine_free(e);
	vigil_ctx_free(ctx);
	fixture_free(&fx);
	CHECK(ok);
}
