/* Fuzzes the dashboard's routes of `vigil serve` (src/lib/serve/dashboard.c: overview,
 * image view, vulnerability page, registries, and the built-in web files) against a
 * store holding three scanned images whose reports carry secrets. Input:
 * "PATH[?QUERY]\n", then one byte choosing the token (0 none, 1 read, 2 admin, else
 * garbage). Checks: a valid answer always, and never a secret's (redacted) value. */
#define SERVE_FUZZ_DIR "/tmp/vigil-fuzz-dash-XXXXXX"
#include "serve_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEAK "LEAKMARK"

static char tokens[2][72];

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

/* One stored image: a report with a vulnerability, a secret (its value marked LEAK) and
 * an inventory with packages in two layers. */
static int add_image(int i)
{
	char digest[80], report[2048], inv[1024];
	static const char *const vulns_a[] = {"CVE-2099-0001\tzlib", "CVE-2099-0002\tcurl", NULL};
	static const char *const vulns_b[] = {"CVE-2099-0001\tzlib", NULL};
	static const char *const pkgs[] = {"deb\tzlib", "deb\tcurl", NULL};
	static const char *const tags[] = {"v1", NULL};
	int64_t counts[6] = {0, i == 0 ? 2 : 1, 0, 0, 0, 0};
	snprintf(digest, sizeof(digest), "sha256:%064x", i + 1);
	snprintf(report, sizeof(report),
		 "{\"image\":{\"name\":\"x\",\"layers\":2},\"packages\":[{\"name\":\"zlib\","
		 "\"version\":\"1\"}],\"vulnerabilities\":[{\"id\":\"CVE-2099-0001\",\"severity\":"
		 "\"HIGH\",\"status\":\"fixed\",\"known_exploited\":true,\"package\":{\"name\":"
		 "\"zlib\",\"version\":\"1\"},\"layer\":{\"index\":1,\"diff_id\":\"sha256:ab\","
		 "\"created_by\":\"RUN x\"}}%s],\"secrets\":[{\"rule_id\":\"aws\",\"path\":\"/k\","
		 "\"layer\":%d,\"redacted\":\"A" LEAK "Z\",\"fingerprint\":\"aws:/k:" LEAK "\"}],"
		 "\"malware\":[],\"misconfigurations\":null,\"trust\":[{\"id\":\"VGL-TRUST-001\"}],"
		 "\"suppressed\":[{\"kind\":\"secret\",\"finding\":{\"redacted\":\"" LEAK "\"}}],"
		 "\"summary\":{}}",
		 i == 0 ? ",{\"id\":\"CVE-2099-0002\",\"severity\":\"HIGH\",\"status\":\"unfixed\","
			  "\"layer\":{\"index\":99999}}"
			: "",
		 i == 2 ? -1 : i);
	snprintf(
		inv, sizeof(inv),
		"{\"packages\":[{\"name\":\"zlib\",\"version\":\"1\",\"type\":\"deb\",\"layer\":0,"
		"\"layer_diff_id\":\"sha256:aa\"},{\"name\":\"curl\",\"layer\":%d},{\"name\":\"q\","
		"\"layer\":\"x\"}]}",
		i == 1 ? 5000 : 1);
	vigil_store_scan sc = {digest, i == 1 ? NULL : "team/app",
			       tags,   "2099-01-01T00:00:00Z",
			       inv,    report,
			       counts, i == 0 ? vulns_a : vulns_b,
			       pkgs,   0,
			       0};
	return vigil_store_scan_commit(srv.store, NULL, &sc, no_events, NULL);
}

static int setup(void)
{
	static const unsigned scopes[2] = {VIGIL_SCOPE_READ, VIGIL_SCOPE_ADMIN};
	int64_t id;
	if (store_open() < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (vigil_store_token_add(srv.store, tokens[i], i ? "admin" : "read", scopes[i]) <
		    0)
			return -1;
	for (int i = 0; i < 3; i++)
		if (add_image(i) < 0)
			return -1;
	if (vigil_store_job_add(srv.store, &id, "scan", "reg.example:5000/team/app@sha256:00", "x",
				NULL) < 0 ||
	    vigil_store_job_add(srv.store, &id, "scan", "oci:/images/a", NULL, NULL) < 0 ||
	    vigil_store_job_add(srv.store, &id, "scan", "busybox", NULL, NULL) < 0)
		return -1;
	server_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char line[2048], authz[100];
	if (!ready) {
		if (setup() < 0)
			abort();
		ready = 1;
	}
	const uint8_t *nl = request_line(data, size, line, sizeof(line));
	if (!nl)
		return 0;
	uint8_t sel = nl[1];
	char *query = strchr(line, '?');
	if (query)
		*query++ = '\0';
	const vigil_serve_asset *a = vigil_serve__asset(line);
	if (a && (!a->len || !a->type || a->etag[0] != '"'))
		abort();
	const char *auth = auth_header(authz, sizeof(authz), sel, tokens, 2);
	vigil_serve_req req = {"GET", line, auth, arg, query, "", 0, 0};
	int status = 0;
	char *out = NULL;
	const char *type = NULL;
	vigil_serve__handle(&srv, &req, &status, &out, &type);
	if (status < 200 || status > 599 || !out || !type)
		abort();
	if (getenv("VIGIL_FUZZ_DEBUG"))
		fprintf(stderr, "%s -> %d %.300s\n", line, status, out);
	/* the dashboard's answers never carry a secret's value; the raw report route
	 * (GET /api/v1/images/{digest}) is the API's, not the dashboard's. A request that
	 * names the marker itself may see it echoed ("CVE-2LEAKMARK not found"): no leak. */
	if (strstr(out, LEAK) && !strstr(line, LEAK) && (!query || !strstr(query, LEAK)) &&
	    !(status == 200 && !strncmp(line, "/api/v1/images/", 15) &&
	      !strstr(line + 15, "/view")))
		abort();
	free(out);
	return 0;
}
