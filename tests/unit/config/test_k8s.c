/* Kubernetes checks through vigil_config_scan_buffer: workload kinds reduce to their
 * pod spec, List kinds and JSON manifests are read, init and ephemeral containers are
 * checked, and files without objects are not counted. */
#include "../test.h"
#include "config/config.h"

/* The number of findings of `id` for a manifest, or -1 on error. */
static int count(const char *text, const char *id, int *line, const char **object)
{
	vigil_ctx *ctx;
	vigil_config_result *r = NULL;
	int n = 0;
	if (vigil_ctx_new(&ctx) < 0)
		return -1;
	if (vigil_config_scan_buffer(&r, ctx, "kubernetes", "m.yaml", text, strlen(text), NULL) <
	    0) {
		vigil_ctx_free(ctx);
		return -1;
	}
	for (size_t i = 0; i < vigil_config_result_count(r); i++) {
		const vigil_config_finding *f = vigil_config_result_get(r, i);
		if (strcmp(f->check->id, id) == 0) {
			if (n++ == 0 && line)
				*line = f->line;
			if (n == 1 && object) {
				static char obj[256];
				snprintf(obj, sizeof(obj), "%s", f->object ? f->object : "");
				*object = obj;
			}
		}
	}
	vigil_config_result_free(r);
	vigil_ctx_free(ctx);
	return n;
}

TEST(test_k8s__list_kind_and_json)
{
	const char *json = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
			   " {\"apiVersion\": \"apps/v1\", \"kind\": \"ReplicaSet\",\n"
			   "  \"metadata\": {\"name\": \"rs\", \"namespace\": \"prod\"},\n"
			   "  \"spec\": {\"template\": {\"spec\": {\"containers\": [\n"
			   "   {\"name\": \"c\", \"image\": \"x:1\",\n"
			   "    \"securityContext\": {\"privileged\": true}}]}}}}]}\n";
	const char *obj = NULL;
	int line = 0;
	CHECK(count(json, "VGL-K8S-001", &line, &obj) == 1);
	CHECK(line == 6);
	CHECK_STR(obj, "ReplicaSet/rs (namespace prod) container c");
}

TEST(test_k8s__init_and_ephemeral_containers)
{
	const char *y = "apiVersion: v1\n"
			"kind: Pod\n"
			"metadata: {name: p, namespace: prod}\n"
			"spec:\n"
			"  initContainers:\n"
			"  - name: init\n"
			"    image: busybox:1.36\n"
			"    securityContext: {privileged: true}\n"
			"  containers:\n"
			"  - name: app\n"
			"    image: app:1\n"
			"  ephemeralContainers:\n"
			"  - name: debug\n"
			"    image: busybox:1.36\n"
			"    securityContext: {runAsUser: 0}\n";
	const char *obj = NULL;
	int line = 0;
	CHECK(count(y, "VGL-K8S-001", &line, &obj) == 1);
	CHECK(line == 8);
	CHECK_STR(obj, "Pod/p (namespace prod) container init");
	CHECK(count(y, "VGL-K8S-010", &line, &obj) == 1);
	CHECK(line == 15);
	CHECK_STR(obj, "Pod/p (namespace prod) container debug");
	/* ephemeral containers cannot have resources: only init and app are asked */
	CHECK(count(y, "VGL-K8S-019", NULL, NULL) == 2);
}

TEST(test_k8s__old_annotations_and_cronjob)
{
	const char *y = "apiVersion: batch/v1\n"
			"kind: CronJob\n"
			"metadata: {name: cj, namespace: ops}\n"
			"spec:\n"
			"  jobTemplate:\n"
			"    spec:\n"
			"      template:\n"
			"        metadata:\n"
			"          annotations:\n"
			"            seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
			"        spec:\n"
			"          containers:\n"
			"          - name: c\n"
			"            image: x:1\n";
	int line = 0;
	CHECK(count(y, "VGL-K8S-015", &line, NULL) == 1);
	CHECK(line == 10);
	CHECK(count(y, "VGL-K8S-014", NULL, NULL) == 0);
	CHECK(count(y, "VGL-K8S-025", NULL, NULL) == 0);
}

TEST(test_k8s__not_manifests_and_broken_documents)
{
	vigil_ctx *ctx;
	vigil_config_result *r;
	const char *cfg = "name: app\nversion: 1\n";
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_config_scan_buffer(&r, ctx, "kubernetes", "a.yaml", cfg, strlen(cfg), NULL) ==
	      0);
	CHECK(vigil_config_result_count(r) == 0 && vigil_config_result_files(r) == 0);
	vigil_config_result_free(r);
	const char *broken = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n: [\n";
	CHECK(vigil_config_scan_buffer(&r, ctx, "kubernetes", "b.yaml", broken, strlen(broken),
				       NULL) == 0);
	CHECK(vigil_config_result_files(r) == 1);
	vigil_config_result_free(r);
	CHECK(vigil_config_scan_buffer(&r, ctx, "nope", "c", "", 0, NULL) == VIGIL_EINVAL);
	vigil_ctx_free(ctx);
}
