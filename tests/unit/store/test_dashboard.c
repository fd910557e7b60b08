/* The dashboard's aggregates (vigil_store_overview_json, vigil_store_generation,
 * vigil_store_vuln_detail_json) and routes (src/lib/serve/dashboard.c: the image view
 * without secret values, the layer attribution, the built-in web files) against a store
 * in a temporary directory holding three hand-made reports. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "serve/internal.h"
#include "vigil.h"
#include "vigil/store.h"

static int no_events(const vigil_store_change *c, const vigil_store_scan *sc,
		     vigil_store_emit_fn emit, void *emit_ctx, void *payload)
{
	(void)c;
	(void)sc;
	(void)emit;
	(void)emit_ctx;
	(void)payload;
	return 0;
}

static const char *digest_of(int i)
{
	static char d[3][80];
	snprintf(d[i], sizeof(d[i]), "sha256:%064d", i + 1);
	return d[i];
}

/* Image 0: two HIGH (one fixable and KEV-listed, one not), image 1: four CRITICAL none
 * KEV, image 2: one LOW fixable plus a secret in layer 1 and a package in each layer. */
static int add(vigil_store *st, int i)
{
	static const char *const REPORTS[3] = {
		"{\"image\":{\"layers\":1},\"packages\":[],\"vulnerabilities\":["
		"{\"id\":\"CVE-1\",\"severity\":\"HIGH\",\"status\":\"fixed\",\"known_exploited\":"
		"true,"
		"\"package\":{\"name\":\"a\"},\"layer\":{\"index\":0,\"diff_id\":\"sha256:d0\","
		"\"created_by\":\"ADD x /\"}},"
		"{\"id\":\"CVE-2\",\"severity\":\"HIGH\",\"status\":\"unfixed\",\"known_"
		"exploited\":false,"
		"\"package\":{\"name\":\"b\"},\"layer\":{\"index\":0}}],"
		"\"secrets\":[],\"malware\":[],\"misconfigurations\":[{\"id\":\"M\"}],"
		"\"suppressed\":[]}",
		"{\"image\":{\"layers\":1},\"packages\":[],\"vulnerabilities\":["
		"{\"id\":\"CVE-2\",\"severity\":\"CRITICAL\",\"status\":\"unfixed\"},"
		"{\"id\":\"CVE-3\",\"severity\":\"CRITICAL\",\"status\":\"unfixed\"},"
		"{\"id\":\"CVE-4\",\"severity\":\"CRITICAL\",\"status\":\"unfixed\"},"
		"{\"id\":\"CVE-5\",\"severity\":\"CRITICAL\",\"status\":\"unfixed\"}],"
		"\"secrets\":[],\"malware\":null,\"misconfigurations\":[],\"suppressed\":[]}",
		"{\"image\":{\"layers\":2},\"packages\":[{\"name\":\"p0\"},{\"name\":\"p1\"}],"
		"\"vulnerabilities\":[{\"id\":\"CVE-2\",\"severity\":\"LOW\",\"status\":\"fixed\","
		"\"layer\":{\"index\":1,\"created_by\":\"RUN apt-get install p1\"}}],"
		"\"secrets\":[{\"rule_id\":\"aws-key\",\"path\":\"/k\",\"layer\":1,"
		"\"redacted\":\"AKIA****SECRETZ\",\"fingerprint\":\"aws-key:/k:SECRETHASH\"},"
		"{\"rule_id\":\"env\",\"source\":\"env\",\"layer\":-1,\"redacted\":\"x****"
		"SECRETY\"}],"
		"\"malware\":[],\"misconfigurations\":[],\"trust\":[{\"id\":\"VGL-TRUST-001\"}],"
		"\"suppressed\":[{\"kind\":\"secret\",\"id\":\"aws-key\",\"finding\":{"
		"\"rule_id\":\"aws-key\",\"redacted\":\"SECRETW\"}}]}"};
	static const char *const V0[] = {"CVE-1\ta", "CVE-2\tb", NULL};
	static const char *const V1[] = {"CVE-2\tb", "CVE-3\tc", "CVE-4\tc", "CVE-5\tc", NULL};
	static const char *const V2[] = {"CVE-2\tp1", NULL};
	static const char *const *const VULNS[3] = {V0, V1, V2};
	static const int64_t COUNTS[3][6] = {
		{0, 2, 0, 0, 0, 0}, {4, 0, 0, 0, 0, 0}, {0, 0, 0, 1, 0, 0}};
	static const char *const PK[] = {"deb\ta", NULL};
	static const char *const TAGS[] = {"v1", NULL};
	const char *inv = i == 2 ? "{\"packages\":[{\"name\":\"p0\",\"version\":\"1\",\"layer\":0,"
				   "\"layer_diff_id\":\"sha256:l0\"},{\"name\":\"p1\",\"version\":"
				   "\"2\",\"layer\":1,\"layer_diff_id\":\"sha256:l1\"}]}"
				 : "{\"packages\":[]}";
	vigil_store_scan sc = {digest_of(i), "team/app", TAGS,	    "2026-01-01T00:00:00Z",
			       inv,	     REPORTS[i], COUNTS[i], VULNS[i],
			       PK,	     0,		 0};
	return vigil_store_scan_commit(st, NULL, &sc, no_events, NULL);
}

static json_t *loads_free(char *s)
{
	json_t *o = s ? json_loads(s, 0, NULL) : NULL;
	free(s);
	return o;
}

static vigil_store *make_store(char *dir)
{
	vigil_store *st = NULL;
	if (!mkdtemp(dir) || vigil_store_open(&st, dir) < 0)
		return NULL;
	for (int i = 0; i < 3; i++)
		if (add(st, i) < 0) {
			vigil_store_free(st);
			return NULL;
		}
	return st;
}

static void remove_dir(const char *dir)
{
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

#define JI(o, ...) json_integer_value(json_object_get(o, __VA_ARGS__))

TEST(test_store__overview_counts_fixable_kev_and_ranks_kev_first)
{
	char dir[] = "/tmp/vigil-unit-dash-XXXXXX", *j = NULL;
	int64_t id;
	vigil_store *st = make_store(dir);
	CHECK(st);
	CHECK(vigil_store_job_add(st, &id, "scan", "reg.example/x@sha256:00", NULL, NULL) == 0);
	CHECK(vigil_store_overview_json(st, &j, 10) == 0);
	json_t *o = loads_free(j), *v = json_object_get(o, "vulnerabilities");
	vigil_store_free(st);
	remove_dir(dir);
	CHECK(o);
	CHECK(JI(json_object_get(o, "images"), "scanned") == 3);
	CHECK(JI(json_object_get(o, "images"), "known") == 4); /* + the queued reference */
	CHECK(JI(json_object_get(o, "images"), "pending") == 1);
	CHECK(JI(json_object_get(o, "severity"), "CRITICAL") == 4);
	CHECK(JI(json_object_get(o, "severity"), "HIGH") == 2);
	CHECK(JI(v, "findings") == 7);
	CHECK(JI(v, "fixable") == 2);
	CHECK(JI(v, "kev_findings") == 1 && JI(v, "kev_ids") == 1 && JI(v, "kev_images") == 1);
	CHECK(JI(json_object_get(o, "other"), "secrets") == 2);
	CHECK(JI(json_object_get(o, "other"), "misconfigurations") == 1);
	/* KEV first (image 0, 2 HIGH) beats 4 CRITICAL without KEV; then LOW */
	json_t *r = json_object_get(o, "riskiest");
	CHECK(json_array_size(r) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 0), "digest")), digest_of(0));
	CHECK(JI(json_array_get(r, 0), "kev") == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 1), "digest")), digest_of(1));
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 2), "digest")), digest_of(2));
	/* CVE-2 is in all three images */
	json_t *w0 = json_array_get(json_object_get(o, "widespread"), 0);
	CHECK_STR(json_string_value(json_object_get(w0, "id")), "CVE-2");
	CHECK(JI(w0, "images") == 3);
	/* the trend's last point is today's totals */
	json_t *tr = json_object_get(o, "trend");
	json_t *last = json_array_get(tr, json_array_size(tr) - 1);
	CHECK(last && JI(last, "CRITICAL") == 4 && JI(last, "HIGH") == 2 && JI(last, "LOW") == 1);
	json_decref(o);
}

TEST(test_store__generation_changes_with_scans_and_jobs)
{
	char dir[] = "/tmp/vigil-unit-dash-XXXXXX", g1[256], g2[256], g3[256];
	int64_t id;
	vigil_store *st = make_store(dir);
	CHECK(st);
	int ok = vigil_store_generation(st, g1, sizeof(g1)) == 0 &&
		 vigil_store_generation(st, g2, sizeof(g2)) == 0 && !strcmp(g1, g2) &&
		 vigil_store_job_add(st, &id, "scan", "x", NULL, NULL) == 0 &&
		 vigil_store_generation(st, g2, sizeof(g2)) == 0 && strcmp(g1, g2) &&
		 vigil_store_job_finish(st, id, NULL, "boom") == 0 &&
		 vigil_store_generation(st, g3, sizeof(g3)) == 0 && strcmp(g2, g3);
	vigil_store_free(st);
	remove_dir(dir);
	CHECK(ok);
}

TEST(test_store__vuln_detail_lists_affected_images_with_limit)
{
	char dir[] = "/tmp/vigil-unit-dash-XXXXXX", *j1 = NULL, *j2 = NULL;
	vigil_store *st = make_store(dir);
	CHECK(st);
	int e1 = vigil_store_vuln_detail_json(st, &j1, "CVE-2", 2);
	int e2 = vigil_store_vuln_detail_json(st, &j2, "CVE-999", 10);
	vigil_store_free(st);
	remove_dir(dir);
	json_t *o = loads_free(j1);
	free(j2);
	CHECK(e1 == 0 && e2 == VIGIL_ENOTFOUND && o);
	CHECK(JI(o, "images_total") == 3);
	CHECK(json_array_size(json_object_get(o, "images")) == 2);
	json_t *f = json_array_get(
		json_object_get(json_array_get(json_object_get(o, "images"), 0), "findings"), 0);
	CHECK_STR(json_string_value(json_object_get(f, "package")), "b");
	CHECK_STR(json_string_value(json_object_get(f, "status")), "unfixed");
	json_decref(o);
}

static const char *no_arg(void *payload, const char *name)
{
	(void)payload;
	(void)name;
	return NULL;
}

TEST(test_serve__image_view_has_no_secret_value_and_attributes_layers)
{
	char dir[] = "/tmp/vigil-unit-dash-XXXXXX", path[200], *out = NULL;
	vigil_server srv;
	memset(&srv, 0, sizeof(srv));
	srv.store = make_store(dir);
	CHECK(srv.store);
	snprintf(path, sizeof(path), "/api/v1/images/%s/view", digest_of(2));
	vigil_serve_req req = {"GET", path, NULL, no_arg, NULL, "", 0, 0};
	int status = 0, handled = vigil_serve__dashboard(&srv, &req, &status, &out);
	vigil_store_free(srv.store);
	remove_dir(dir);
	CHECK(handled == 1 && status == 200 && out);
	int leak = strstr(out, "SECRET") != NULL;
	json_t *o = loads_free(out);
	CHECK(!leak && o);
	json_t *layers = json_object_get(o, "layers"), *l1 = json_array_get(layers, 1);
	CHECK(json_array_size(layers) == 2);
	CHECK(JI(json_array_get(layers, 0), "packages_total") == 1);
	CHECK(JI(l1, "packages_total") == 1 && JI(l1, "secrets") == 1);
	CHECK(JI(json_object_get(l1, "vulnerabilities"), "LOW") == 1);
	CHECK_STR(json_string_value(json_object_get(l1, "diff_id")), "sha256:l1");
	CHECK_STR(json_string_value(json_object_get(l1, "created_by")), "RUN apt-get install p1");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "signature"), "status")),
		  "unsigned");
	json_t *s0 = json_array_get(json_object_get(json_object_get(o, "report"), "secrets"), 0);
	CHECK_STR(json_string_value(json_object_get(s0, "rule_id")), "aws-key");
	CHECK_STR(json_string_value(json_object_get(s0, "path")), "/k");
	json_decref(o);
}

TEST(test_serve__web_files_built_in_with_types_and_etags)
{
	const vigil_serve_asset *root = vigil_serve__asset("/"),
				*js = vigil_serve__asset("/app.js");
	CHECK(root && root == vigil_serve__asset("/index.html"));
	CHECK(!strncmp(root->type, "text/html", 9) && root->len > 100);
	CHECK(strstr((const char *)root->data, "<script src=\"/app.js\""));
	CHECK(js && !strncmp(js->type, "text/javascript", 15));
	CHECK(js->etag[0] == '"' && strlen(js->etag) == 34 && strcmp(js->etag, root->etag));
	CHECK(!vigil_serve__asset("/nope.js") && !vigil_serve__asset("/../app.js") &&
	      !vigil_serve__asset("") && !vigil_serve__asset("/api/v1/overview"));
}
