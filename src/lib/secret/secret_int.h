/* secret_int.h - internal declarations shared by the files of the secret scanner. */
#ifndef VIGIL_SECRET_INT_H
#define VIGIL_SECRET_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

#ifdef VIGIL_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#include "internal.h"

/* Longest match a rule may have (bytes); the stream keeps twice this across chunks. */
#define VIGIL_SECRET_MAXW 2048
/* Bytes buffered per file before a detection pass. */
#define VIGIL_SECRET_BLOCK (256 * 1024)

/* Where a rule applies. */
enum { VIGIL_SECRET_SCOPE_ANY = 0, VIGIL_SECRET_SCOPE_FILE, VIGIL_SECRET_SCOPE_CONFIG };

/* Checks beyond the regex, for built-in rules. */
enum {
	VIGIL_SECRET_CHECK_NONE = 0,
	VIGIL_SECRET_CHECK_JWT,	    /* header has alg, payload has registered claims */
	VIGIL_SECRET_CHECK_PEMBODY, /* the key body is base64, not a placeholder */
	VIGIL_SECRET_CHECK_URLPASS, /* the password of a URL is not a placeholder */
	VIGIL_SECRET_CHECK_MIXED,   /* a random token: has both digits and letters */
	VIGIL_SECRET_CHECK_CRC62,   /* GitHub / npm: base62 CRC-32 of the random part */
	VIGIL_SECRET_CHECK_PYPI,    /* a pypi.org macaroon */
	VIGIL_SECRET_CHECK_SENTRY,  /* a Sentry organization token's payload */
	VIGIL_SECRET_CHECK_K8SDATA, /* a Kubernetes Secret's data: decoded and scanned */
	VIGIL_SECRET_CHECK_JWTB64,  /* base64 of a JWT */
};

/* A built-in rule as data (rules.c). Lists are space-separated. */
typedef struct vigil_secret__def {
	const char *id, *category, *title, *severity;
	const char *regex;
	int group;	      /* capture group of the secret (0: the whole match) */
	const char *keywords; /* one must appear near the match (case-insensitive), or NULL */
	double min_entropy;   /* Shannon bits per byte of the secret */
	const char *paths;    /* include globs, or NULL for every file */
	const char *allow;    /* a regex; secrets it finds are ignored, or NULL */
	int scope;
	int check;
	int generic; /* off unless enable_generic */
} vigil_secret__def;

extern const vigil_secret__def vigil_secret__builtin[];
extern const size_t vigil_secret__builtin_count;

/* A compiled rule. */
typedef struct vigil_secret__rule {
	const char *id, *category, *title, *severity, *regex;
	int group, scope, check;
	double min_entropy;
	char **keywords; /* NULL-terminated, lower-case */
	char **paths;	 /* include globs, NULL-terminated, or NULL */
	char **exclude;	 /* exclude globs, NULL-terminated, or NULL */
	pcre2_code *re;
	pcre2_code *allow; /* value allowlist, or NULL */
	unsigned maxw;	   /* longest match */
} vigil_secret__rule;

struct vigil_secret_rules {
	vigil_arena arena;
	vigil_secret__rule *rules;
	size_t count;
	int has_path_rules; /* some rule has include/exclude globs */
	uint8_t *file_on;   /* per rule: applies to files, before its globs */
	size_t *globbed;    /* the rules with include/exclude globs */
	size_t nglobbed;
	int scan_binaries;
#ifdef VIGIL_HAVE_HYPERSCAN
	hs_database_t *db;     /* every rule but the config-only ones, or NULL */
	hs_scratch_t *scratch; /* prototype for hs_clone_scratch */
#endif
};

/* Compiles the rules of a YAML document (load.c); `name` names it in messages. */
int vigil_secret__load_yaml(vigil_secret_rules *rules, vigil_vec *defs, vigil_ctx *ctx,
			    const char *name, const uint8_t *data, size_t len);
/* Loads rules from a YAML buffer as vigil_secret_rules_load does from a file. */
int vigil_secret__rules_load_buffer(vigil_secret_rules **out, vigil_ctx *ctx,
				    const vigil_secret_opts *opts, const uint8_t *yaml,
				    size_t yaml_len);

/* ---- entropy.c: secret values ---- */

/* Shannon entropy, bits per byte. */
double vigil_secret__entropy(const uint8_t *p, size_t n);
/* Writes the redacted form of a secret ("AK****LE") into out (NUL-terminated). */
void vigil_secret__redact(char *out, size_t cap, const uint8_t *p, size_t n);
/* 16 hex digits of the sha256 of a secret, NUL-terminated. */
void vigil_secret__hash16(char out[17], const uint8_t *p, size_t n);
/* True when the value is a known example or a placeholder (global value allowlist). */
int vigil_secret__placeholder(const uint8_t *p, size_t n);
/* True when the JWT's header and payload are JSON with alg and registered claims. */
int vigil_secret__jwt_real(const uint8_t *p, size_t n);
/* True when a GitHub classic or npm token ("xxx_" and 36 characters) ends with the
 * base62 CRC-32 of its 30 random characters. */
int vigil_secret__base62_crc_ok(const uint8_t *p, size_t n);
/* Decodes base64 (standard or URL-safe; stops at '='); the length, or -1 on a byte
 * outside the alphabet or more than cap bytes. */
long vigil_secret__b64decode(uint8_t *out, size_t cap, const uint8_t *p, size_t n);
/* True when base64 decodes to a JWT that vigil_secret__jwt_real accepts. */
int vigil_secret__jwt_b64_real(const uint8_t *p, size_t n);
/* The hash16 of the JWT a base64 JWT wraps (what the jwt rule finds once decoded);
 * 0 when it does not decode. */
int vigil_secret__jwt_b64_hash16(char out[17], const uint8_t *p, size_t n);
/* True when a "pypi-" token is a version 2 macaroon for pypi.org. */
int vigil_secret__pypi_real(const uint8_t *p, size_t n);
/* True when a "sntrys_" token holds a JSON payload with iat and org/url, and a secret. */
int vigil_secret__sentry_real(const uint8_t *p, size_t n);

/* ---- paths.c ---- */

/* Glob match: a glob without '/' matches the basename, else the whole path, with '*'
 * (and '**') crossing '/'. */
int vigil_secret__glob(const char *glob, const char *path);
/* True when the path is in the global allowlist (documentation, test suites). */
int vigil_secret__path_allowed(const char *path);
/* The rule of a sensitive file recognised by its path, or NULL. */
typedef struct vigil_secret__pathrule {
	const char *id, *title, *severity;
} vigil_secret__pathrule;
const vigil_secret__pathrule *vigil_secret__path_rule(const char *path);
/* The allowlist, for docs and --help. NULL-terminated. */
extern const char *const vigil_secret__path_allowlist[];

/* ---- engine.c: the detection pass over a stream ---- */

typedef struct vigil_secret__hit {
	const vigil_secret__rule *rule;
	const uint8_t *secret;
	size_t secret_len;
	int line; /* 1-based */
} vigil_secret__hit;

typedef int (*vigil_secret__hit_cb)(const vigil_secret__hit *h, void *payload);

typedef struct vigil_secret__worker vigil_secret__worker;

int vigil_secret__worker_new(vigil_secret__worker **out, const vigil_secret_rules *rules);
void vigil_secret__worker_free(vigil_secret__worker *w);
/* Starts a stream; `path` (or NULL for config strings) selects the rules that apply. */
void vigil_secret__worker_begin(vigil_secret__worker *w, const char *path, int config,
				vigil_secret__hit_cb cb, void *payload);
int vigil_secret__worker_feed(vigil_secret__worker *w, const uint8_t *p, size_t n);
/* Scans what is left; returns the callback's error, if any. */
int vigil_secret__worker_end(vigil_secret__worker *w);
uint64_t vigil_secret__worker_bytes(const vigil_secret__worker *w);

/* ---- analyzer.c: the scan ---- */

/* A worker from the scan's pool (or a new one); give it back when done. */
int vigil_secret__take_worker(vigil_secret__worker **out, vigil_secret_scan *scan);
void vigil_secret__give_worker(vigil_secret_scan *scan, vigil_secret__worker *w);
/* Adds a finding; the caller holds the scan's lock or is its only thread. */
int vigil_secret__add(vigil_secret_scan *scan, const char *rule_id, const char *category,
		      const char *title, const char *severity, const char *source, const char *path,
		      const char *redacted, const char *hash, int line, int layer);
const vigil_secret_rules *vigil_secret__scan_rules(const vigil_secret_scan *scan);
vigil_image *vigil_secret__scan_image(vigil_secret_scan *scan);

/* ---- config.c ---- */

/* Scans the image config: Env, labels and each history step's created_by. */
int vigil_secret__scan_config(vigil_secret_scan *scan);

#endif
