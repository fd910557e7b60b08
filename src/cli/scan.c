/*
 * scan.c - vigil scan: reads an image once with every chosen scanner attached
 * (packages, secrets, malware, configuration checks), matches the packages against
 * the vulnerability database, applies the policy and VEX, writes the report and
 * decides the exit code.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../lib/util/util.h"
#include "cli.h"
#include "vigil/store.h"

enum {
	SC_VULN = VIGIL_SCANNER_VULN,
	SC_SECRET = VIGIL_SCANNER_SECRET,
	SC_MALWARE = VIGIL_SCANNER_MALWARE,
	SC_CONFIG = VIGIL_SCANNER_CONFIG,
	SC_ALL = VIGIL_SCANNER_ALL,
};

enum {
	OPT_SCANNERS = 512,
	OPT_SEVERITY,
	OPT_IGNORE_UNFIXED,
	OPT_EXIT_CODE,
	OPT_POLICY,
	OPT_VEX,
	OPT_DB,
	OPT_DB_MAX_AGE,
	OPT_FAIL_STALE,
	OPT_SECRET_RULES,
	OPT_SECRET_ONLY,
	OPT_SECRET_GENERIC,
	OPT_YARA_RULES,
	OPT_YARA_ONLY,
	OPT_MALWARE_SCOPE,
	OPT_MALWARE_HASHES,
	OPT_CLAMD,
	OPT_NO_COLOR,
	OPT_TODAY,
	OPT_REMATCH,
	OPT_REQUIRE_SIG,
	OPT_ALLOWED_REG,
	OPT_ALLOWED_REPO,
	OPT_REQUIRE_DIGEST,
	OPT_ONLY_FIXED,
	OPT_FAIL_ON,
	OPT_SHOW_SUPPRESSED,
	OPT_TEMPLATE,
	OPT_LICENSES,
	OPT_CACHE_DIR,
};

#define MAX_OUTPUTS 8

/* One report of the run: --format F [-o FILE], repeatable. */
typedef struct scan_output {
	const char *format, *path;
} scan_output;

typedef struct scan_opts {
	cli c;
	unsigned scanners;
	const char *severities, *policy, *db, *today, *rematch;
	const char *cache_dir;		/* --cache-dir: the per-layer cache (docs/layer-cache.md) */
	vigil_vec vex;			/* const char * */
	vigil_vec tkeys, tregs, trepos; /* const char *, trust options */
	int fs;				/* vigil fs DIR */
	int require_digest;
	int ignore_unfixed, exit_code, exit_code_set, fail_stale, no_color;
	int fail_on; /* severity rank (1 NEGLIGIBLE .. 5 CRITICAL), 0 = any */
	int scanners_set;
	scan_output outs[MAX_OUTPUTS];
	int nouts;
	vigil_write_opts wo;
	double db_max_age;
	vigil_secret_opts so;
	vigil_malware_opts mo;
} scan_opts;

void help_scan(void)
{
	printf("Usage: vigil scan IMAGE [options]\n"
	       "       vigil scan fs:DIR | sbom:FILE [options]\n"
	       "       vigil scan --rematch INVENTORY.json [options]\n"
	       "\n"
	       "Scan an image for vulnerable packages, secrets, malware and misconfigurations,\n"
	       "reading every layer once. Findings are attributed to the layer that brought\n"
	       "them; secrets and malware in files that a later layer deleted are reported too\n"
	       "(the layer still ships them).\n"
	       "\n"
	       "Scanners and output:\n"
	       "  --scanners LIST       vuln,secret,malware,config or all (default: vuln,secret)\n"
	       "  --format FORMAT       table (default), json, sarif, junit, cyclonedx, html,\n"
	       "                        gitlab,"
	       "                        gitlab-dependency, template; repeat --format F -o FILE\n"
	       "                        for several reports from one scan\n"
	       "  -o, --output FILE     write the report (of the --format before it) to FILE\n"
	       "  --template FILE       the template of --format template (docs/ci.md)\n"
	       "  --show-suppressed     table: also list suppressed findings with the reason\n"
	       "  --licenses            table: add a licence table of the packages\n"
	       "  --no-color            no colours in the table (also when NO_COLOR is set)\n"
	       "\n"
	       "Gating (CI):\n"
	       "  --severity LIST       report only these: "
	       "CRITICAL,HIGH,MEDIUM,LOW,NEGLIGIBLE,UNKNOWN\n"
	       "  --ignore-unfixed      leave out vulnerabilities that have no fix yet\n"
	       "  --only-fixed          the same (Grype's name)\n"
	       "  --exit-code N         exit N when a finding passes the filters and the policy\n"
	       "                        (0: never fail; 2 is reserved for errors)\n"
	       "  --fail-on SEVERITY    fail (exit 1, or --exit-code N) when a finding of this\n"
	       "                        severity or higher passes the filters and the policy\n"
	       "  --policy FILE         ignore rules (id, package, path, layer, fingerprint; with\n"
	       "                        reason and expiry) and check settings; default "
	       "./.vigil.yaml\n"
	       "                        when it exists (docs/policy.md)\n"
	       "  --vex FILE            OpenVEX document: not_affected / fixed statements "
	       "suppress\n"
	       "                        findings, with the justification shown (repeatable)\n"
	       "\n"
	       "Trust (findings of kind trust, VGL-TRUST-00N; also in the policy's trust:):\n"
	       "  --require-signature KEY  a valid cosign signature by this public key "
	       "(repeatable)\n"
	       "  --allowed-registry GLOB  the image must come from a matching registry "
	       "(repeatable)\n"
	       "  --allowed-repository GLOB  ... from a matching REGISTRY/PATH (repeatable)\n"
	       "  --require-digest      the image must be named by digest (NAME@sha256:...)\n"
	       "\n"
	       "Vulnerability database:\n"
	       "  --db FILE             the database (default $VIGIL_DB or "
	       "~/.cache/vigil/db/vigil.db;\n"
	       "                        build it with 'vigil db update')\n"
	       "  --db-max-age DAYS     warn when the database is older (default 7)\n"
	       "  --fail-on-stale-db    fail (exit 2) instead of warning\n"
	       "  --rematch FILE        match a saved inventory ('vigil sbom --format json')\n"
	       "  --cache-dir DIR       keep what each layer contributed in DIR (a store): layers\n"
	       "                        seen before are not read again (docs/layer-cache.md)\n"
	       "                        instead of an image: vulnerabilities only\n"
	       "  sbom:FILE             as IMAGE: match a CycloneDX (JSON 1.4-1.6) or SPDX "
	       "(2.2/2.3\n"
	       "                        JSON or tag-value) SBOM (docs/sbom-input.md)\n"
	       "\n"
	       "Source trees (fs:DIR as IMAGE, or 'vigil fs DIR'; docs/fs.md):\n"
	       "  --skip-dirs GLOBS     leave out matching directories (comma-separated, "
	       "repeatable;\n"
	       "                        '**' crosses directories; a name alone matches at any "
	       "depth)\n"
	       "  --skip-files GLOBS    leave out matching files\n"
	       "  .gitignore files (the root's and nested ones, '!' re-includes) apply too\n"
	       "\n"
	       "Secrets:\n"
	       "  --secret-rules FILE   custom rules (YAML, docs/secrets.md), merged with the "
	       "built-ins\n"
	       "  --secret-rules-only   use only the custom rules\n"
	       "  --secret-generic      also the generic 'password = ...' rules (noisy)\n"
	       "  Not scanned for secrets (documentation and test suites of packages):\n");
	for (const char *const *g = vigil_secret_path_allowlist(); g && *g; g++)
		printf("    %s\n", *g);
	printf("\n"
	       "Malware:\n"
	       "  --yara-rules DIR      YARA rules (sources or compiled) added to the built-ins\n"
	       "  --yara-rules-only     use only those rules\n"
	       "  --malware-scope S     default (executables, scripts, web roots, archives) or "
	       "all\n"
	       "  --malware-hashes FILE SHA-256 blocklist, one hash per line\n"
	       "  --clamd SOCKET        also stream candidates to ClamAV's daemon (INSTREAM)\n"
	       "%s"
	       "\n"
	       "Exit status: 0 no finding passed the gate (or no gate: no --exit-code nor\n"
	       "--fail-on), 1 the gate failed (--fail-on, or --exit-code 1), N with --exit-code "
	       "N,\n"
	       "2 error.\n",
	       COMMON_HELP);
}

static unsigned parse_scanners(const char *s)
{
	unsigned out = 0;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 3 && strncmp(p, "all", 3) == 0)
			out |= SC_ALL;
		else if (n == 4 && strncmp(p, "vuln", 4) == 0)
			out |= SC_VULN;
		else if (n == 6 && strncmp(p, "secret", 6) == 0)
			out |= SC_SECRET;
		else if (n == 7 && strncmp(p, "malware", 7) == 0)
			out |= SC_MALWARE;
		else if (n == 6 && strncmp(p, "config", 6) == 0)
			out |= SC_CONFIG;
		else if (n > 0)
			die_usage("scan", "--scanners takes vuln, secret, malware, config or all");
		p += n + (p[n] == ',');
	}
	if (!out)
		die_usage("scan", "--scanners needs at least one scanner");
	return out;
}

/* 1 NEGLIGIBLE .. 5 CRITICAL, 0 UNKNOWN; dies on another word. */
static int severity_rank(const char *s)
{
	static const char *const R[] = {"UNKNOWN", "NEGLIGIBLE", "LOW",
					"MEDIUM",  "HIGH",	 "CRITICAL"};
	for (int k = 0; k < (int)VIGIL_ARRAY_LEN(R); k++)
		if (strcasecmp(R[k], s) == 0)
			return k;
	die_usage("scan", "--fail-on takes CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or UNKNOWN");
}

static void check_severities(const char *s)
{
	static const char *const OK[] = {"CRITICAL", "HIGH",	   "MEDIUM",
					 "LOW",	     "NEGLIGIBLE", "UNKNOWN"};
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ","), k;
		for (k = 0; k < VIGIL_ARRAY_LEN(OK); k++)
			if (strlen(OK[k]) == n && strncasecmp(OK[k], p, n) == 0)
				break;
		if (k == VIGIL_ARRAY_LEN(OK))
			die_usage("scan", "--severity takes CRITICAL,HIGH,MEDIUM,LOW,NEGLIGIBLE,"
					  "UNKNOWN");
		p += n + (p[n] == ',');
	}
}

static void parse_scan_opts(scan_opts *s, int argc, char **argv)
{
	static const vigil_limits defaults = VIGIL_LIMITS_INIT;
	static const vigil_secret_opts sdef = VIGIL_SECRET_OPTS_INIT;
	static const vigil_malware_opts mdef = VIGIL_MALWARE_OPTS_INIT;
	static const struct option opts[] = {
		{"scanners", required_argument, NULL, OPT_SCANNERS},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"severity", required_argument, NULL, OPT_SEVERITY},
		{"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
		{"only-fixed", no_argument, NULL, OPT_ONLY_FIXED},
		{"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"show-suppressed", no_argument, NULL, OPT_SHOW_SUPPRESSED},
		{"template", required_argument, NULL, OPT_TEMPLATE},
		{"licenses", no_argument, NULL, OPT_LICENSES},
		{"exit-code", required_argument, NULL, OPT_EXIT_CODE},
		{"policy", required_argument, NULL, OPT_POLICY},
		{"vex", required_argument, NULL, OPT_VEX},
		{"db", required_argument, NULL, OPT_DB},
		{"db-max-age", required_argument, NULL, OPT_DB_MAX_AGE},
		{"fail-on-stale-db", no_argument, NULL, OPT_FAIL_STALE},
		{"secret-rules", required_argument, NULL, OPT_SECRET_RULES},
		{"secret-rules-only", no_argument, NULL, OPT_SECRET_ONLY},
		{"secret-generic", no_argument, NULL, OPT_SECRET_GENERIC},
		{"yara-rules", required_argument, NULL, OPT_YARA_RULES},
		{"yara-rules-only", no_argument, NULL, OPT_YARA_ONLY},
		{"malware-scope", required_argument, NULL, OPT_MALWARE_SCOPE},
		{"malware-hashes", required_argument, NULL, OPT_MALWARE_HASHES},
		{"clamd", required_argument, NULL, OPT_CLAMD},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"today", required_argument, NULL, OPT_TODAY}, /* tests: the date for expiry */
		{"rematch", required_argument, NULL, OPT_REMATCH},
		{"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
		{"require-signature", required_argument, NULL, OPT_REQUIRE_SIG},
		{"allowed-registry", required_argument, NULL, OPT_ALLOWED_REG},
		{"allowed-repository", required_argument, NULL, OPT_ALLOWED_REPO},
		{"require-digest", no_argument, NULL, OPT_REQUIRE_DIGEST},
		{"tag", required_argument, NULL, OPT_TAG},
		{"platform", required_argument, NULL, OPT_PLATFORM},
		{"threads", required_argument, NULL, OPT_THREADS},
		LIMIT_LONGOPTS,
		REGISTRY_LONGOPTS,
		SKIP_LONGOPTS,
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int o, fs = s->fs;
	memset(s, 0, sizeof(*s));
	s->fs = fs;
	s->c.limits = defaults;
	s->c.format = "table";
	s->so = sdef;
	s->mo = mdef;
	s->scanners = SC_VULN | SC_SECRET;
	s->db_max_age = 7;
	s->fail_on = -1;
	s->vex = (vigil_vec)VIGIL_VEC_INIT(const char *);
	s->tkeys = (vigil_vec)VIGIL_VEC_INIT(const char *);
	s->tregs = (vigil_vec)VIGIL_VEC_INIT(const char *);
	s->trepos = (vigil_vec)VIGIL_VEC_INIT(const char *);
	if (fs) /* a source tree: no image to check for malware or CIS image rules */
		s->scanners = SC_VULN | SC_SECRET | SC_CONFIG;
	optind = 1;
	while ((o = getopt_long(argc, argv, "qho:", opts, NULL)) != -1) {
		switch (o) {
		case OPT_SCANNERS:
			s->scanners = parse_scanners(optarg);
			s->scanners_set = 1;
			break;
		case OPT_FORMAT:
			/* each --format starts a report; -o names the file of the last one */
			if (s->nouts == MAX_OUTPUTS)
				die_usage("scan", "at most 8 --format options");
			if (s->nouts == 1 && !s->outs[0].format) /* -o came first */
				s->outs[0].format = optarg;
			else
				s->outs[s->nouts++] = (scan_output){optarg, NULL};
			break;
		case 'o':
			if (s->nouts == 0)
				s->outs[s->nouts++] = (scan_output){NULL, optarg};
			else if (s->outs[s->nouts - 1].path)
				die_usage("scan", "two --output files for one --format: give "
						  "--format F -o FILE for each report");
			else
				s->outs[s->nouts - 1].path = optarg;
			break;
		case OPT_ONLY_FIXED:
			s->ignore_unfixed = 1;
			break;
		case OPT_FAIL_ON:
			s->fail_on = severity_rank(optarg);
			break;
		case OPT_SHOW_SUPPRESSED:
			s->wo.show_suppressed = 1;
			break;
		case OPT_TEMPLATE:
			s->wo.template_path = optarg;
			break;
		case OPT_LICENSES:
			s->wo.licenses = 1;
			break;
		case OPT_SEVERITY:
			check_severities(optarg);
			s->severities = optarg;
			break;
		case OPT_IGNORE_UNFIXED:
			s->ignore_unfixed = 1;
			break;
		case OPT_EXIT_CODE: {
			uint64_t n;
			if (vigil_parse_uint(&n, optarg, 255) < 0 || n > 255)
				die_usage("scan", "--exit-code takes a number from 0 to 255");
			if (n == EXIT_ERR)
				die_usage("scan",
					  "--exit-code 2 is the error status; use 1 or 3-255 "
					  "so that CI can tell a failed gate from an error");
			s->exit_code = (int)n;
			s->exit_code_set = 1;
			break;
		}
		case OPT_POLICY:
			s->policy = optarg;
			break;
		case OPT_VEX: {
			const char **slot = vigil_vec_push(&s->vex);
			if (!slot)
				die_usage("scan", "out of memory");
			*slot = optarg;
			break;
		}
		case OPT_DB:
			s->db = optarg;
			break;
		case OPT_DB_MAX_AGE:
			s->db_max_age = (double)num_arg("scan", "--db-max-age", optarg, 0, 100000);
			break;
		case OPT_FAIL_STALE:
			s->fail_stale = 1;
			break;
		case OPT_SECRET_RULES:
			s->so.rules_file = optarg;
			break;
		case OPT_SECRET_ONLY:
			s->so.replace_builtin = 1;
			break;
		case OPT_SECRET_GENERIC:
			s->so.enable_generic = 1;
			break;
		case OPT_YARA_RULES:
			s->mo.yara_rules = optarg;
			break;
		case OPT_YARA_ONLY:
			s->mo.replace_builtin = 1;
			break;
		case OPT_MALWARE_SCOPE:
			if (strcmp(optarg, "all") != 0 && strcmp(optarg, "default") != 0)
				die_usage("scan", "--malware-scope is default or all");
			s->mo.scope_all = strcmp(optarg, "all") == 0;
			break;
		case OPT_MALWARE_HASHES:
			s->mo.hashes_file = optarg;
			break;
		case OPT_CLAMD:
			s->mo.clamd = optarg;
			break;
		case OPT_NO_COLOR:
			s->no_color = 1;
			break;
		case OPT_TODAY:
			s->today = optarg;
			break;
		case OPT_REMATCH:
			s->rematch = optarg;
			break;
		case OPT_CACHE_DIR:
			s->cache_dir = optarg;
			break;
		case OPT_REQUIRE_SIG:
		case OPT_ALLOWED_REG:
		case OPT_ALLOWED_REPO: {
			vigil_vec *v = o == OPT_REQUIRE_SIG   ? &s->tkeys
				       : o == OPT_ALLOWED_REG ? &s->tregs
							      : &s->trepos;
			const char **slot = vigil_vec_push(v);
			if (!slot)
				die_usage("scan", "out of memory");
			*slot = optarg;
			break;
		}
		case OPT_REQUIRE_DIGEST:
			s->require_digest = 1;
			break;
		case OPT_MAX_ARCHIVE:
			s->c.max_archive =
				num_arg("scan", "--max-archive-size", optarg, 1, UINT64_MAX);
			break;
		case 'h':
			help_scan();
			exit(0);
		default:
			if (!image_opt(&s->c, "scan", o, optarg))
				die_usage("scan", "unknown option");
		}
	}
	registry_opts_finish(&s->c, "scan");
	static const char *const FORMATS[] = {"table",	   "json", "sarif",  "junit",
					      "cyclonedx", "html", "gitlab", "gitlab-dependency",
					      "template"};
	if (s->nouts == 0)
		s->outs[s->nouts++] = (scan_output){NULL, NULL};
	for (int i = 0; i < s->nouts; i++) {
		size_t k = 0;
		if (!s->outs[i].format)
			s->outs[i].format = "table";
		while (k < VIGIL_ARRAY_LEN(FORMATS) && strcmp(FORMATS[k], s->outs[i].format) != 0)
			k++;
		if (k == VIGIL_ARRAY_LEN(FORMATS))
			die_usage("scan", "--format must be table, json, sarif, junit, cyclonedx, "
					  "html, gitlab, gitlab-dependency or template");
		if (strcmp(s->outs[i].format, "template") == 0 && !s->wo.template_path)
			die_usage("scan", "--format template needs --template FILE");
		for (int j = 0; j < i; j++)
			if (!s->outs[i].path && !s->outs[j].path)
				die_usage("scan", "several reports cannot all go to stdout: give "
						  "-o FILE after each --format but one");
	}
	s->c.format = s->outs[0].format;
	s->c.output = s->outs[0].path;
	if (s->so.replace_builtin && !s->so.rules_file)
		die_usage("scan", "--secret-rules-only needs --secret-rules FILE");
	if (s->mo.replace_builtin && !s->mo.yara_rules)
		die_usage("scan", "--yara-rules-only needs --yara-rules DIR");
	if (s->rematch) {
		if (optind < argc)
			die_usage("scan", "--rematch takes the place of IMAGE");
		if (s->scanners_set && s->scanners != SC_ALL && s->scanners != SC_VULN)
			die_usage("scan",
				  "--rematch matches vulnerabilities only (--scanners vuln)");
		s->scanners = SC_VULN;
	} else if (optind >= argc) {
		die_usage("scan", "missing IMAGE");
	}
	if (argc - optind > 1)
		die_usage("scan", "too many arguments (one IMAGE)");
	/* the VEX list is handed to the engine NULL-terminated */
	const char **end = vigil_vec_push(&s->vex);
	if (!end)
		die_usage("scan", "out of memory");
	*end = NULL;
	s->vex.len--;
}

/* The terminal's columns for a table on stdout: $COLUMNS, else the terminal's size when
 * stdout is one; 0 (no limit) for a pipe or a file. */
static int terminal_width(void)
{
	const char *env = getenv("COLUMNS");
	uint64_t n;
	struct winsize ws;
	if (env && vigil_parse_uint(&n, env, 10000) == 0 && n >= 20)
		return (int)n;
	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 0;
}

/* NULL-terminates a vector of strings (the NULL is not counted); NULL when empty. */
/* The engine made on its own thread and ctx while the image is opened. */
typedef struct engine_job {
	vigil_engine *engine;
	vigil_ctx *ctx;
	const vigil_engine_opts *eo;
	int error;
} engine_job;

static void *engine_main(void *arg)
{
	engine_job *j = arg;
	j->error = vigil_engine_new(&j->engine, j->ctx, j->eo);
	return NULL;
}

/* vigil_scan_run with the engine made while the image opens: a registry's manifest,
 * config and first layers are on their way while the rules load. The engine lives on
 * *ectx (freed by the caller after the engine). */
static int scan_overlapped(vigil_scan_result **res, vigil_engine **engine, vigil_ctx **ectx,
			   vigil_ctx *ctx, const vigil_limits *limits, int threads,
			   void *warn_payload, const vigil_engine_opts *eo, const char *ref,
			   const vigil_scan_opts *so)
{
	engine_job job = {NULL, NULL, eo, 0};
	pthread_t th;
	int error, started;
	if (vigil_ctx_new(&job.ctx) < 0)
		return vigil_error_set(ctx, VIGIL_ENOMEM, "out of memory");
	*ectx = job.ctx;
	vigil_ctx_set_limits(job.ctx, limits);
	vigil_ctx_set_threads(job.ctx, threads);
	vigil_ctx_set_warn(job.ctx, on_warn, warn_payload);
	started = pthread_create(&th, NULL, engine_main, &job) == 0;
	if (!started)
		engine_main(&job);
	error = vigil_scan_open(res, ctx, eo->scanners, ref, so);
	if (started)
		pthread_join(th, NULL);
	*engine = job.engine;
	if (job.error < 0) { /* the engine's error first, as when it was made first */
		vigil_scan_result_free(*res);
		*res = NULL;
		return vigil_error_set(ctx, job.error, "%s",
				       vigil_ctx_error(job.ctx)[0] ? vigil_ctx_error(job.ctx)
								   : vigil_strerror(job.error));
	}
	if (error < 0)
		return error;
	if ((error = vigil_scan_complete(*res, job.engine)) < 0) {
		vigil_scan_result_free(*res);
		*res = NULL;
	}
	return error;
}

static const char *const *strv(vigil_vec *v)
{
	if (v->len == 0 || !vigil_vec_push(v))
		return NULL;
	v->len--;
	return v->data;
}

int cmd_scan(int argc, char **argv)
{
	return cmd_scan_mode(argc, argv, 0);
}

int cmd_scan_mode(int argc, char **argv, int fs)
{
	scan_opts s;
	vigil_engine_opts eo = VIGIL_ENGINE_OPTS_INIT;
	vigil_scan_opts so = VIGIL_SCAN_OPTS_INIT;
	vigil_engine *engine = NULL;
	vigil_ctx *ectx = NULL; /* the engine's, when made beside the image open */
	vigil_scan_result *res = NULL;
	const char *ref;
	char dbbuf[4096], *fsref = NULL;
	FILE *out = stdout;
	int error;
	s.fs = fs;
	parse_scan_opts(&s, argc, argv);
	ref = s.rematch ? s.rematch : argv[optind];
	if (fs && strncmp(ref, "fs:", 3) != 0) {
		if (asprintf(&fsref, "fs:%s", ref) < 0) {
			print_error("out of memory");
			return EXIT_ERR;
		}
		ref = fsref;
	}
	if (vigil_ctx_new(&s.c.ctx) < 0) {
		print_error("out of memory");
		return EXIT_ERR;
	}
	vigil_ctx *ctx = s.c.ctx;
	vigil_ctx_set_limits(ctx, &s.c.limits);
	if (!s.rematch)
		image_ctx_setup(&s.c, ctx, ref);
	vigil_ctx_set_threads(ctx, s.c.threads);
	vigil_ctx_set_warn(ctx, on_warn, &s.c);
	if (!s.c.quiet && !cli_quiet && isatty(2))
		vigil_ctx_set_progress(ctx, on_progress, &s.c);

	eo.scanners = s.scanners;
	eo.db_path = s.db ? s.db : default_db(dbbuf);
	eo.db_max_age = s.db_max_age;
	eo.fail_stale = s.fail_stale;
	eo.policy_path = s.policy;
	if (!eo.policy_path && access(".vigil.yaml", R_OK) == 0)
		eo.policy_path = ".vigil.yaml";
	eo.vex = s.vex.len ? s.vex.data : NULL; /* NULL-terminated by parse_scan_opts */
	eo.today = s.today;
	eo.secret = s.so;
	eo.malware = s.mo;
	eo.trust.keys = strv(&s.tkeys);
	eo.trust.allowed_registries = strv(&s.tregs);
	eo.trust.allowed_repositories = strv(&s.trepos);
	eo.trust.require_digest = s.require_digest;
	so.tag = s.c.tag;
	so.platform = s.c.platform;
	so.registry = &s.c.reg;
	so.max_archive_size = s.c.max_archive;
	so.severities = s.severities;
	so.ignore_unfixed = s.ignore_unfixed;
	so.skip_dirs = s.c.nskip_dirs ? s.c.skip_dirs : NULL;
	so.skip_files = s.c.nskip_files ? s.c.skip_files : NULL;
	so.color = !s.no_color && isatty(1) && !getenv("NO_COLOR");
	for (int i = 0; i < s.nouts; i++)
		so.color &= !(s.outs[i].path && strcmp(s.outs[i].format, "table") == 0);
	vigil_store *lstore = NULL;
	vigil_store_layer_cache slc = {NULL, (uint64_t)4 << 30};
	vigil_layer_cache lcache;
	if (s.cache_dir && !s.rematch) {
		if (vigil_store_open(&lstore, s.cache_dir) < 0) {
			error = vigil_error_set(ctx, VIGIL_EIO, "--cache-dir: %s",
						vigil_store_error());
			goto done;
		}
		slc.store = lstore;
		vigil_store_layer_cache_init(&lcache, &slc);
		so.layer_cache = &lcache;
	}
	if (!s.rematch && strncmp(ref, "sbom:", 5) != 0) {
		error = scan_overlapped(&res, &engine, &ectx, ctx, &s.c.limits, s.c.threads, &s.c,
					&eo, ref, &so);
	} else {
		if ((error = vigil_engine_new(&engine, ctx, &eo)) < 0)
			goto done;
		if (s.rematch)
			error = vigil_scan_result_load_inventory(&res, ctx, ref, &so);
		else
			error = vigil_scan_run(&res, ctx, engine, ref, &so);
	}
	progress_done(&s.c);
	if (error < 0 || (s.rematch && (error = vigil_scan_rematch(res, engine)) < 0))
		goto done;
	for (int i = 0; i < s.nouts && error == 0; i++) {
		const scan_output *o = &s.outs[i];
		vigil_write_opts wo = s.wo;
		out = stdout;
		if (o->path && !(out = fopen(o->path, "w"))) {
			error = vigil_error_set(ctx, VIGIL_EIO, "cannot write %s", o->path);
			break;
		}
		wo.width = out == stdout ? terminal_width() : 0;
		error = vigil_scan_result_write_ext(out, res, o->format, &wo);
		if (out != stdout && fclose(out) != 0 && error == 0)
			error = vigil_error_set(ctx, VIGIL_EIO, "writing %s failed", o->path);
	}
	if (error == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		error = vigil_error_set(ctx, VIGIL_EIO, "writing the report failed");
done:
	if (error < 0)
		print_ctx_error(ctx, error);
	/* the gate: the report's failing count, or with --fail-on those at that severity or
	 * higher */
	size_t failing = error < 0 || s.fail_on >= 0 ? 0 : vigil_scan_result_failing(res);
	for (size_t i = 0; error >= 0 && s.fail_on >= 0 && res && i < vigil_scan_result_count(res);
	     i++) {
		const vigil_finding *f = vigil_scan_result_get(res, i);
		failing += f->shown && !f->suppressed &&
			   severity_rank(f->severity ? f->severity : "UNKNOWN") >= s.fail_on;
	}
	vigil_scan_result_free(res);
	vigil_engine_free(engine);
	vigil_ctx_free(ectx);
	vigil_store_free(lstore);
	vigil_vec_free(&s.vex);
	vigil_vec_free(&s.tkeys);
	vigil_vec_free(&s.tregs);
	vigil_vec_free(&s.trepos);
	free(fsref);
	vigil_ctx_free(ctx);
	if (error < 0)
		return EXIT_ERR;
	if (failing == 0)
		return 0;
	if (s.exit_code_set)
		return s.exit_code;
	return s.fail_on >= 0 ? 1 : 0;
}
