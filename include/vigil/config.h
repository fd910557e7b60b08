/*
 * vigil/config.h - misconfiguration and compliance checks (CIS Docker Benchmark and
 * the kind hadolint, kube-score and docker-bench-security apply): image config and
 * filesystem, Dockerfiles, Kubernetes manifests, the Docker host and daemon, and
 * running containers (`docker inspect`). Included by vigil.h.
 *
 * Every check has a stable id and metadata (vigil_config_checks); a finding names the
 * check, the object and where (file and line, or the image path / history step).
 */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

typedef struct vigil_check_info {
	const char *id;		 /* stable: "VGL-IMG-001", "VGL-DF-012", "VGL-K8S-003", ... */
	const char *kind;	 /* "image", "dockerfile", "kubernetes", "host", "container" */
	const char *cis;	 /* CIS Docker ("4.1") / Kubernetes ("K8s 5.2.2") id, or NULL */
	const char *severity;	 /* default: "CRITICAL", "HIGH", "MEDIUM", "LOW" */
	const char *title;	 /* one line */
	const char *remediation; /* one or two sentences */
	const char *refs;	 /* peers: hadolint DL3002, Trivy DS002 / KSV017, CWE; or NULL */
} vigil_check_info;

/* Every check, sorted by id. *n receives the count. Static data. */
const vigil_check_info *vigil_config_checks(size_t *n);

/* The page of one cross-reference of `refs` (`len` bytes of "DL3002", "DS002",
 * "KSV017", "CWE-494", "CVE-2020-8554"): hadolint's wiki, Aqua's AVD for Trivy's ids,
 * MITRE's CWE or NVD's CVE page, written to buf; NULL when it has none (CKV_..., CIS). */
const char *vigil_config_ref_url(char *buf, size_t n, const char *ref, size_t len);

typedef struct vigil_config_finding {
	const vigil_check_info *check;
	const char *severity; /* the check's, or the policy's override */
	const char *message;  /* what was found, one line */
	const char *file;     /* Dockerfile / manifest / host file, or image path; may be NULL */
	int line;	      /* 1-based, 0 when not applicable */
	const char *object;   /* "Deployment/web", "container nginx", "history[4]"; may be NULL */
	int layer;	      /* image checks: the layer, else -1 */
} vigil_config_finding;

/* Options shared by every kind: checks to skip and severity overrides (ids may be
 * given more than once; the last wins). Arrays NULL-terminated or NULL. */
typedef struct vigil_config_opts {
	const char *const *skip;
	const char *const *override_ids, *const *override_severities;
	const char *const *allowed_registries; /* untrusted-registry checks; NULL = skip them */
	const char *const *setuid_allow;       /* extra setuid/setgid paths that are fine */
	const char *k8s_version;	       /* "1.28": the cluster's version; NULL = newest */
	/* per-check settings: triples id, key, value (lists comma-joined), NULL-ended */
	const char *const *settings;
	/* base images whose config is known: triples FROM reference (as the Dockerfile
	 * names it, after ARG expansion), the config's "os" and "os.version" (either may be
	 * ""), NULL-ended. A stage on such an image is judged by that os (Windows: cmd is
	 * RUN's shell, users have no UID) instead of by the image's name. */
	const char *const *base_images;
} vigil_config_opts;

#define VIGIL_CONFIG_OPTS_INIT                                                                     \
	{                                                                                          \
		NULL, NULL, NULL, NULL, NULL, NULL, NULL                                           \
	}

/* A set of findings; findings are borrowed and live as long as the result. */
typedef struct vigil_config_result vigil_config_result;
size_t vigil_config_result_count(const vigil_config_result *r);
const vigil_config_finding *vigil_config_result_get(const vigil_config_result *r, size_t i);
/* Files checked, and warnings (unparseable documents are skipped with a warning). */
size_t vigil_config_result_files(const vigil_config_result *r);
void vigil_config_result_free(vigil_config_result *r);

/* Image checks: register on `img` before vigil_image_read (reads /etc/passwd, shadow,
 * group and the like), then vigil_config_image_finish after it. */
typedef struct vigil_config_image vigil_config_image;
int vigil_config_image_new(vigil_config_image **out, vigil_image *img,
			   const vigil_config_opts *opts);
/* `distro` (from the inventory) decides the end-of-support check; may be NULL. The
 * result belongs to the caller. */
int vigil_config_image_finish(vigil_config_result **out, vigil_config_image *ci,
			      const vigil_distro *distro);
void vigil_config_image_free(vigil_config_image *ci);

/* Dockerfiles and Kubernetes manifests: `path` is a file or a directory (searched for
 * Dockerfile*, *.dockerfile, *.yaml, *.yml, *.json manifests). */
int vigil_config_scan_path(vigil_config_result **out, vigil_ctx *ctx, const char *path,
			   const vigil_config_opts *opts);
/* The same for a directory, leaving out what `skip` says (path relative to `path`, 1 for
 * a directory; returns 1 to leave it out): `vigil fs` passes its .gitignore and skip
 * rules. */
typedef int (*vigil_config_skip_fn)(const char *rel, int is_dir, void *payload);
int vigil_config_scan_tree(vigil_config_result **out, vigil_ctx *ctx, const char *path,
			   const vigil_config_opts *opts, vigil_config_skip_fn skip, void *payload);
/* One buffer of a known kind ("dockerfile" or "kubernetes"); `name` is used as file. */
int vigil_config_scan_buffer(vigil_config_result **out, vigil_ctx *ctx, const char *kind,
			     const char *name, const char *buf, size_t len,
			     const vigil_config_opts *opts);

/* Host and daemon audit: `root` is the host's root ("/" or a fixture directory);
 * `docker_inspect` a file of `docker inspect` JSON (array of containers) or NULL. */
int vigil_config_audit_host(vigil_config_result **out, vigil_ctx *ctx, const char *root,
			    const char *docker_inspect, const vigil_config_opts *opts);

/* Reads a policy file (YAML) into `out`:
 *   checks:
 *     skip: [VGL-DF-003, VGL-K8S-025]
 *     severity: {VGL-DF-001: CRITICAL}
 *     allowed_registries: [registry.example.com, ghcr.io/acme]
 * Every id must name a check, every severity be CRITICAL, HIGH, MEDIUM or LOW.
 * Errors: VIGIL_ENOTFOUND, VIGIL_EIO, VIGIL_EFORMAT (with the line), VIGIL_EINVAL,
 * VIGIL_ENOMEM. Free the arrays with vigil_config_policy_free. */
int vigil_config_policy_load(vigil_config_opts *out, vigil_ctx *ctx, const char *path);
/* Frees what vigil_config_policy_load put into `opts` and clears it. */
void vigil_config_policy_free(vigil_config_opts *opts);

#endif
