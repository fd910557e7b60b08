/*
 * vigil/pipeline.h - the whole image scan as one library call: an engine (compiled,
 * immutable state shared by threads) and a scan result holding the inventory, the image
 * metadata and one uniform list of findings. Included by vigil.h. docs/pipeline.md.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

/* ---- findings: one shape for every scanner -------------------------------------------- */

typedef enum vigil_finding_kind {
	VIGIL_FINDING_VULN = 0,
	VIGIL_FINDING_SECRET,
	VIGIL_FINDING_MALWARE,
	VIGIL_FINDING_CONFIG,
	VIGIL_FINDING_TRUST,   /* trust policy: signatures, registries, digests */
	VIGIL_FINDING_RUNTIME, /* reserved: runtime observations */
} vigil_finding_kind;

/* One finding of any scanner. Borrowed from the result (or report) that holds it. */
typedef struct vigil_finding {
	int kind;		/* vigil_finding_kind */
	const char *id;		/* CVE / advisory, secret rule, YARA rule, check id */
	const char *severity;	/* CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN */
	const char *title;	/* may be NULL */
	const char *path;	/* the file (package location, secret / malware path) or NULL */
	const vigil_pkg *pkg;	/* vulnerabilities: the affected package, else NULL */
	int layer;		/* layer index, -1 when not from a layer */
	const char *diff_id;	/* that layer's diff_id, NULL when unknown */
	const char *suppressed; /* why the policy / VEX suppressed it, or NULL */
	int shown;		/* passes the severity / ignore-unfixed filters */
	int fixable;		/* a fix exists (always 1 for non-vulnerabilities) */
	const void *detail;	/* the evidence: vigil_vuln, vigil_secret_finding,
				   vigil_malware_finding or vigil_config_finding (config and
				   trust) by kind */
} vigil_finding;

/* Every finding of a report (also filtered and suppressed ones). Borrowed. */
size_t vigil_report_finding_count(const vigil_report *r);
const vigil_finding *vigil_report_finding(const vigil_report *r, size_t i);

/* ---- the engine: compiled once, shared by every scan ----------------------------------- */

enum {
	VIGIL_SCANNER_VULN = 1,
	VIGIL_SCANNER_SECRET = 2,
	VIGIL_SCANNER_MALWARE = 4,
	VIGIL_SCANNER_CONFIG = 8,
	VIGIL_SCANNER_ALL = 15,
};

typedef struct vigil_engine vigil_engine;

typedef struct vigil_engine_opts {
	unsigned scanners;	 /* VIGIL_SCANNER_* bits */
	const char *db_path;	 /* the vulnerability database (needed with VIGIL_SCANNER_VULN) */
	double db_max_age;	 /* days; older gives a warning (vigil_engine_warning) */
	int fail_stale;		 /* an older database is an error (VIGIL_EINVAL) instead */
	const char *policy_path; /* policy file, or NULL for an empty policy */
	const char *const *vex;	 /* OpenVEX files, NULL-terminated, or NULL */
	const char *today;	 /* "YYYY-MM-DD" for rule expiry; NULL = today (UTC) */
	vigil_secret_opts secret;
	vigil_malware_opts malware;
	/* trust rules added to the policy's trust: section (strings copied); findings of
	 * kind VIGIL_FINDING_TRUST, docs/trust.md */
	vigil_trust_policy trust;
} vigil_engine_opts;

#define VIGIL_ENGINE_OPTS_INIT                                                                     \
	{                                                                                          \
		VIGIL_SCANNER_ALL, NULL, 7, 0, NULL, NULL, NULL, VIGIL_SECRET_OPTS_INIT,           \
			VIGIL_MALWARE_OPTS_INIT, VIGIL_TRUST_POLICY_INIT                           \
	}

/* Loads the policy and VEX, opens the database (VIGIL_ENOTFOUND with advice when it is
 * missing) and compiles the secret and malware rules. The engine is immutable after
 * this and may be used by several threads at once; `ctx` must outlive it. Free with
 * vigil_engine_free. */
int vigil_engine_new(vigil_engine **out, vigil_ctx *ctx, const vigil_engine_opts *opts);
/* The stale-database warning, or NULL. Lives as long as the engine. */
const char *vigil_engine_warning(const vigil_engine *e);
/* The database's build time ("2026-01-02T03:04:05Z"), or NULL without a database. */
const char *vigil_engine_db_built(const vigil_engine *e);
/* What a layer gives the analyzers with this engine (analyzer version, scanners,
 * rule files and options): the version of vigil_layer_cache. Lives as long as the engine. */
const char *vigil_engine_layer_version(const vigil_engine *e);
/* The engine's match memo (matches of package sets met before, reused for an identical
 * set; VIGIL_MATCH_MEMO entries, default 16, 0 off; docs/layer-cache.md): how many
 * matches were copied from it and how many were run. */
void vigil_engine_match_memo_stats(const vigil_engine *e, uint64_t *hits, uint64_t *misses);
void vigil_engine_free(vigil_engine *e);

/* ---- one scan ------------------------------------------------------------------------ */

typedef struct vigil_scan_opts {
	const char *tag, *platform; /* pick an image from an archive / index */
	uint64_t max_archive_size;  /* 0 = the inventory's default */
	const char *severities;	    /* "HIGH,CRITICAL"; NULL = all */
	int ignore_unfixed;	    /* leave out vulnerabilities without a fix */
	int color;		    /* ANSI colours in the table report */
	/* registry references: credentials, TLS, insecure hosts; NULL = defaults */
	const struct vigil_registry_opts *registry;
	/* fs:DIR: globs of directories / files to leave out (NULL-terminated, or NULL) */
	const char *const *skip_dirs, *const *skip_files;
	/* a per-layer cache (vigil_image_set_layer_cache; its version is set from the
	 * engine: analyzer version and every option that changes a layer's result), or
	 * NULL; docs/layer-cache.md */
	const vigil_layer_cache *layer_cache;
} vigil_scan_opts;

#define VIGIL_SCAN_OPTS_INIT                                                                       \
	{                                                                                          \
		NULL, NULL, 0, NULL, 0, 0, NULL, NULL, NULL, NULL                                  \
	}

typedef struct vigil_scan_result vigil_scan_result;

/* Opens `image_ref`, reads every layer once with every scanner of the engine attached,
 * matches the packages, applies the filters and the policy. "fs:DIR" scans a source
 * tree (lockfiles and manifests, secrets, malware, Dockerfiles and Kubernetes files;
 * .gitignore rules and the skip globs apply; docs/fs.md). "sbom:FILE" reads a CycloneDX
 * or SPDX SBOM as the inventory and matches it (vulnerabilities only; docs/sbom-input.md). Errors
 * are set on `ctx` (which must outlive the result); a vulnerable image is a success. */
int vigil_scan_run(vigil_scan_result **out, vigil_ctx *ctx, const vigil_engine *engine,
		   const char *image_ref, const vigil_scan_opts *opts);

/* vigil_scan_run in two steps, so that the image is opened (a registry's manifest and
 * config fetched, the first layers requested) while the engine is being made, on
 * another thread and another ctx. vigil_scan_open opens the image for the scanners
 * `scanners` (VIGIL_SCANNER_*, the engine's to be); `opts` must stay valid until
 * vigil_scan_complete, which reads and scans it with `engine`. Errors as
 * vigil_scan_run; after a failed vigil_scan_complete the caller frees the result.
 * "sbom:" inputs: VIGIL_EINVAL (use vigil_scan_run). */
int vigil_scan_open(vigil_scan_result **out, vigil_ctx *ctx, unsigned scanners,
		    const char *image_ref, const vigil_scan_opts *opts);
int vigil_scan_complete(vigil_scan_result *r, const vigil_engine *engine);

/* Re-matches the result's inventory against `engine`'s database and policy (the image
 * is not needed); the other scanners' findings are kept. VIGIL_EINVAL when the engine
 * has no database. */
int vigil_scan_rematch(vigil_scan_result *r, const vigil_engine *engine);

/* A result from a saved inventory (Vigil's inventory JSON, docs/inventory-json.md)
 * with no findings yet: call vigil_scan_rematch. VIGIL_EFORMAT for a malformed file. */
int vigil_scan_result_load_inventory(vigil_scan_result **out, vigil_ctx *ctx, const char *path,
				     const vigil_scan_opts *opts);
/* The same from memory (a stored inventory); `path` names it in messages. */
int vigil_scan_result_load_inventory_buffer(vigil_scan_result **out, vigil_ctx *ctx,
					    const char *path, const char *data, size_t len,
					    const vigil_scan_opts *opts);
/* Writes the inventory as Vigil's inventory JSON (loadable by the function above). */
int vigil_scan_result_save_inventory(FILE *f, const vigil_scan_result *r);

/* Findings in report order (kind, then the scanner's order). Borrowed. */
size_t vigil_scan_result_count(const vigil_scan_result *r);
const vigil_finding *vigil_scan_result_get(const vigil_scan_result *r, size_t i);
/* Findings that pass the filters and are not suppressed (what a gate fails on). */
size_t vigil_scan_result_failing(const vigil_scan_result *r);
const vigil_inventory *vigil_scan_result_inventory(const vigil_scan_result *r);
/* The image's manifest digest (NULL for a root filesystem or a loaded inventory), its
 * tags (NULL-terminated, may be NULL), the database build time (NULL without). */
const char *vigil_scan_result_digest(const vigil_scan_result *r);
const char *const *vigil_scan_result_tags(const vigil_scan_result *r);
const char *vigil_scan_result_db_built(const vigil_scan_result *r);
/* format: "table", "json", "sarif", "junit", "cyclonedx", "html" (see vigil_report_write). */
int vigil_scan_result_write(FILE *f, vigil_scan_result *r, const char *format);
/* With write options (template, suppressed findings, table width, licences). */
int vigil_scan_result_write_ext(FILE *f, vigil_scan_result *r, const char *format,
				const vigil_write_opts *opts);
/* Layers of the scan replayed from the layer cache, and layers read and put in it. */
void vigil_scan_result_layer_cache(const vigil_scan_result *r, int *hits, int *puts);
void vigil_scan_result_free(vigil_scan_result *r);

#endif
