/*
 * vigil/secret.h - credentials and sensitive files baked into an image.
 * Included by vigil.h.
 *
 * A rule set is compiled once (vigil_secret_rules_load) and is immutable: any number of
 * scans on any threads may share it. A scan registers an analyzer on one image before
 * vigil_image_read, and collects the findings of the image's config, history and
 * labels in vigil_secret_scan_finish.
 */
#ifndef VIGIL_SECRET_H
#define VIGIL_SECRET_H

typedef struct vigil_secret_rules vigil_secret_rules;

typedef struct vigil_secret_opts {
	const char *rules_file; /* YAML file of custom rules, or NULL */
	int replace_builtin;	/* with rules_file: use only its rules */
	int enable_generic;	/* also the generic "password = ..." rules (off by default) */
	int scan_binaries;	/* also binary files (skipped by default) */
	/* Directory where the compiled Hyperscan database is kept between runs (compiling
	 * the built-in rules takes about half a second): NULL for $XDG_CACHE_HOME/vigil or
	 * ~/.cache/vigil, "" for none. A stale or damaged file is recompiled. */
	const char *cache_dir;
} vigil_secret_opts;

#define VIGIL_SECRET_OPTS_INIT                                                                     \
	{                                                                                          \
		NULL, 0, 0, 0, NULL                                                                \
	}

/* Compiles the built-in rules and/or the rules of opts->rules_file. VIGIL_EFORMAT with a
 * message naming the file, line and rule when a rule is invalid. */
int vigil_secret_rules_load(vigil_secret_rules **out, vigil_ctx *ctx,
			    const vigil_secret_opts *opts);
void vigil_secret_rules_free(vigil_secret_rules *rules);
/* Number of rules, and which engine detects ("hyperscan" or "pcre2"). */
size_t vigil_secret_rules_count(const vigil_secret_rules *rules);
const char *vigil_secret_rules_engine(const vigil_secret_rules *rules);

/* The global path allowlist (documentation, test suites of installed packages), one
 * human-readable entry per item, NULL-terminated; static storage (for --help). */
const char *const *vigil_secret_path_allowlist(void);

typedef struct vigil_secret_finding {
	const char *rule_id;	 /* "aws-access-key-id", "private-key", "sensitive-file-env" */
	const char *category;	 /* "AWS", "GitHub", "PrivateKey", "SensitiveFile", ... */
	const char *title;	 /* "AWS access key ID" */
	const char *severity;	 /* "CRITICAL", "HIGH", "MEDIUM", "LOW" */
	const char *source;	 /* "file", "env", "label", "history" */
	const char *path;	 /* file path; for config sources "config:Env", "history[3]" */
	const char *redacted;	 /* the secret with only its first and last characters shown */
	const char *fingerprint; /* "<rule_id>:<path>:<sha256 of the secret, 16 hex>" */
	int line;		 /* 1-based line in the file, 0 when not from a file */
	int layer;		 /* layer that holds it, -1 for config sources */
	vigil_fstatus status;	 /* present, or deleted/overwritten by a later layer */
	int removed_by;		 /* that later layer, else -1 */
} vigil_secret_finding;

typedef struct vigil_secret_scan vigil_secret_scan;

/* A copy of the config string `s` (an Env entry, a label, a history line) in which every
 * secret that the config scan would report is replaced by its redacted form, so that
 * printing the config shows no more than a scan report does. The caller frees *out with
 * free(). VIGIL_ENOMEM. */
int vigil_secret_redact_string(char **out, const vigil_secret_rules *rules, const char *s);

/* Registers the secret analyzer on `img`; call before vigil_image_read. `rules` must
 * outlive the scan. */
int vigil_secret_scan_new(vigil_secret_scan **out, const vigil_secret_rules *rules,
			  vigil_image *img);
/* After vigil_image_read: scans the config (Env, labels, history) and settles the
 * status of each file finding. Findings are sorted by path, line, rule. */
int vigil_secret_scan_finish(vigil_secret_scan *scan);
size_t vigil_secret_scan_count(const vigil_secret_scan *scan);
/* Borrowed, lives as long as the scan; NULL when i is out of range. */
const vigil_secret_finding *vigil_secret_scan_get(const vigil_secret_scan *scan, size_t i);
/* Bytes given to the detection pass (for benchmarks). */
uint64_t vigil_secret_scan_bytes(const vigil_secret_scan *scan);
void vigil_secret_scan_free(vigil_secret_scan *scan);

#endif
