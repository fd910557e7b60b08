/*
 * dockerfile.c - the Dockerfile checks (VGL-DF-0NN), of the kind hadolint and Trivy
 * apply, mapped to the CIS Docker Benchmark section 4 where one applies. Each check is
 * a row of the table and a few lines in one of the walkers below: per instruction,
 * per RUN shell command, or per stage.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "config/dfcheck.h"

#define K "dockerfile"

const vigil_check_info vigil_config__checks_dockerfile[] = {
	{"VGL-DF-001", K, "4.1", "HIGH", "Image runs as root",
	 "Add a USER instruction with a non-root user as the last USER of the final stage.",
	 "DL3002, DS002"},
	{"VGL-DF-002", K, "4.2", "MEDIUM", "Base image without a tag or with 'latest'",
	 "Name an explicit version tag (and a digest) in FROM.", "DL3006, DL3007, DS001"},
	{"VGL-DF-003", K, "4.2", "LOW", "Base image not pinned by digest",
	 "Pin the base image with @sha256:<digest> so rebuilds use the same bytes.", NULL},
	{"VGL-DF-004", K, "4.9", "LOW", "ADD used instead of COPY",
	 "Use COPY for local files; ADD also fetches URLs and unpacks archives.", "DL3020, DS005"},
	{"VGL-DF-005", K, "4.9", "MEDIUM", "ADD of a remote URL or an archive",
	 "Download with curl or wget and verify a checksum, or COPY and unpack explicitly.",
	 "CWE-494"},
	{"VGL-DF-006", K, NULL, "LOW", "apt-get install without version pins",
	 "Pin versions: apt-get install package=version.", "DL3008"},
	{"VGL-DF-007", K, "4.3", "LOW", "apt-get install without --no-install-recommends",
	 "Add --no-install-recommends to avoid installing unneeded packages.", "DL3015, DS029"},
	{"VGL-DF-008", K, NULL, "LOW", "apt lists left in the image",
	 "Remove /var/lib/apt/lists/* in the same RUN as apt-get install.", "DL3009"},
	{"VGL-DF-009", K, NULL, "MEDIUM", "apt-get upgrade or dist-upgrade",
	 "Do not upgrade in the image; use a newer base image instead.", "DL3005, DS024"},
	{"VGL-DF-010", K, "4.7", "MEDIUM", "apt-get update alone in a RUN",
	 "Run apt-get update and apt-get install in the same RUN so the cache is never stale.",
	 "DS017"},
	{"VGL-DF-011", K, NULL, "LOW", "apk add without --no-cache",
	 "Use apk add --no-cache so the index is not kept in the image.", "DL3019, DS025"},
	{"VGL-DF-012", K, NULL, "LOW", "apk add without version pins",
	 "Pin versions: apk add package=version.", "DL3018"},
	{"VGL-DF-013", K, NULL, "LOW", "pip install without --no-cache-dir",
	 "Use pip install --no-cache-dir so the wheel cache is not kept in the image.", "DL3042"},
	{"VGL-DF-014", K, NULL, "LOW", "pip install without version pins",
	 "Pin versions (package==version) or install from a locked requirements file.", "DL3013"},
	{"VGL-DF-015", K, NULL, "LOW", "npm install without pinned versions",
	 "Use npm ci with a lock file, or pin versions: npm install package@version.", "DL3016"},
	{"VGL-DF-016", K, NULL, "LOW", "yum or dnf install without a clean",
	 "Run yum clean all / dnf clean all in the same RUN as the install.",
	 "DL3032, DL3040, DS015, DS019, DS027"},
	{"VGL-DF-017", K, NULL, "MEDIUM", "sudo used in RUN",
	 "RUN already runs as the build user; switch with USER instead of sudo.", "DL3004, DS010"},
	{"VGL-DF-018", K, NULL, "HIGH", "Remote script piped into a shell",
	 "Download the script, verify its checksum or signature, then run it.", "CWE-494"},
	{"VGL-DF-019", K, "4.10", "HIGH", "Secret in ARG or ENV",
	 "Pass secrets with RUN --mount=type=secret; ARG and ENV values stay in the image.",
	 "DS031"},
	{"VGL-DF-020", K, NULL, "LOW", "CMD or ENTRYPOINT in shell form",
	 "Use the exec (JSON) form so the process receives signals.", "DL3025"},
	{"VGL-DF-021", K, NULL, "LOW", "Pipe in RUN without pipefail",
	 "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before a RUN with a pipe.",
	 "DL4006, DS032"},
	{"VGL-DF-022", K, NULL, "LOW", "Relative WORKDIR", "Use an absolute path in WORKDIR.",
	 "DL3000, DS009"},
	{"VGL-DF-023", K, NULL, "MEDIUM", "More than one CMD, ENTRYPOINT or HEALTHCHECK",
	 "Keep one of each per stage; only the last takes effect.",
	 "DL4003, DL4004, DL3012, DS016, DS007, DS023"},
	{"VGL-DF-024", K, NULL, "LOW", "cd in RUN instead of WORKDIR",
	 "Use WORKDIR to change directory.", "DL3003, DS013"},
	{"VGL-DF-025", K, NULL, "MEDIUM", "EXPOSE of port 22 or of an invalid port",
	 "Do not expose SSH; expose only ports between 1 and 65535.", "DL3011, DS004, DS008"},
	{"VGL-DF-026", K, NULL, "CRITICAL", "COPY --from refers to its own stage",
	 "Copy from an earlier stage or an image.", "DL3023, DS006"},
	{"VGL-DF-027", K, NULL, "LOW", "MAINTAINER is deprecated",
	 "Use LABEL org.opencontainers.image.authors=... instead.", "DL4000, DS022"},
	{"VGL-DF-028", K, "4.6", "LOW", "No HEALTHCHECK", "Add a HEALTHCHECK to the final stage.",
	 "DL3057, DS026"},
	{"VGL-DF-029", K, NULL, "MEDIUM", "Image from a registry that is not allowed",
	 "Use base images from the allowed registries only.", "DL3026"},
	{"VGL-DF-030", K, NULL, "HIGH", "chmod 777",
	 "Grant only the permissions needed; world-writable files can be changed by anyone.",
	 "CWE-732"},
	{"VGL-DF-031", K, NULL, "LOW", "useradd with a large UID without -l",
	 "Add -l (--no-log-init) to useradd: a large UID makes /var/log/faillog huge.", "DL3046"},
	{"VGL-DF-032", K, NULL, "HIGH", "ONBUILD of FROM, MAINTAINER or ONBUILD",
	 "Use ONBUILD only with instructions that may be triggered (RUN, COPY, ADD, ...).",
	 "DL3043"},
	{"VGL-DF-033", K, NULL, "LOW", "apt-get install without -y",
	 "Add -y (--yes) so the build never waits for an answer.", "DL3014, DS021"},
	{"VGL-DF-034", K, NULL, "LOW", "apt used instead of apt-get",
	 "Use apt-get (or apt-cache): apt's interface is not stable for scripts.", "DL3027"},
	{"VGL-DF-035", K, NULL, "LOW", "Command that makes no sense in a build",
	 "Remove ssh, vim, shutdown, service, ps, top, kill, mount and the like from RUN.",
	 "DL3001"},
	{"VGL-DF-036", K, NULL, "HIGH", "COPY of several sources to a non-directory",
	 "End the destination with / when copying more than one source.", "DL3021, DS011"},
	{"VGL-DF-037", K, NULL, "MEDIUM", "COPY --from names no earlier stage",
	 "Name a stage defined above (FROM ... AS name), or an image with a tag.", "DL3022"},
	{"VGL-DF-038", K, NULL, "MEDIUM", "ENV refers to a variable set in the same ENV",
	 "Set the variable in an earlier ENV; within one ENV the new value is not seen.", "DL3044"},
	{"VGL-DF-039", K, NULL, "HIGH", "Stage name duplicated or reserved",
	 "Give every stage its own name, other than scratch or context.", "DL3024, DL3063, DS012"},
	{"VGL-DF-040", K, NULL, "MEDIUM", "FROM --platform with a fixed platform",
	 "Drop --platform or use $BUILDPLATFORM / $TARGETPLATFORM.", "DL3029"},
	{"VGL-DF-041", K, NULL, "LOW", "gem install without a version",
	 "Pin versions: gem install name:version or -v version.", "DL3028"},
	{"VGL-DF-042", K, NULL, "LOW", "yum, dnf or zypper install without -y",
	 "Add -y (zypper: -n) so the build never waits for an answer.", "DL3030, DL3038, DL3034"},
	{"VGL-DF-043", K, NULL, "LOW", "yum, dnf or zypper install without version pins",
	 "Pin versions: name-version.", "DL3033, DL3041, DL3037"},
	{"VGL-DF-044", K, NULL, "MEDIUM", "zypper dist-upgrade",
	 "Do not upgrade the distribution in the image; use a newer base image.", "DL3035"},
	{"VGL-DF-045", K, NULL, "LOW", "zypper install without zypper clean",
	 "Run zypper clean in the same RUN as the install.", "DL3036, DS020"},
	{"VGL-DF-046", K, NULL, "LOW", "yarn install without yarn cache clean",
	 "Run yarn cache clean in the same RUN, or use a cache mount.", "DL3060"},
	{"VGL-DF-047", K, NULL, "LOW", "go install without @version",
	 "Install a fixed version: go install module/cmd@vX.Y.Z.", "DL3062"},
	{"VGL-DF-048", K, NULL, "MEDIUM", "COPY to a relative path without WORKDIR",
	 "Set WORKDIR first or copy to an absolute path.", "DL3045"},
	{"VGL-DF-049", K, NULL, "LOW", "Both wget and curl used",
	 "Use one download tool throughout the Dockerfile.", "DL4001, DS014"},
	{"VGL-DF-050", K, NULL, "LOW", "Invalid or missing label",
	 "Use lower-case reverse-DNS label keys outside Docker's namespaces; set the labels "
	 "the policy requires.",
	 "DL3048, DL3049"},
	{"VGL-DF-051", K, NULL, "MEDIUM", "ln -s over /bin/sh instead of SHELL",
	 "Use the SHELL instruction to change the shell of RUN.", "DL4005"},
	{"VGL-DF-052", K, NULL, "LOW", "Consecutive RUN instructions",
	 "Join consecutive RUNs with && to save layers.", "DL3059"},
	{"VGL-DF-053", K, NULL, "LOW", "wget without --progress",
	 "Add --progress=dot:giga (or -q) so wget does not flood the build log.", "DL3047"},
	{"VGL-DF-054", K, NULL, "MEDIUM", "COPY --from of a whole stage root",
	 "Copy only the files needed from the other stage.", "CWE-538"},
	{"VGL-DF-055", K, "4.1", "LOW", "Final USER given by name",
	 "Give the final USER as a numeric UID (USER 10001:10001) so Kubernetes' "
	 "runAsNonRoot can verify it.",
	 NULL},
	{NULL},
};

/* ---- shared helpers ---------------------------------------------------------------- */

const char *vigil_config__registry(char *buf, size_t n, const char *ref)
{
	const char *slash = strchr(ref, '/');
	size_t k;
	if (!slash)
		return snprintf(buf, n, "docker.io"), buf;
	k = (size_t)(slash - ref);
	if (memchr(ref, '.', k) || memchr(ref, ':', k) || (k == 9 && !strncmp(ref, "localhost", 9)))
		snprintf(buf, n, "%.*s", (int)k, ref);
	else
		snprintf(buf, n, "docker.io");
	return buf;
}

bool vigil_config__registry_allowed(const char *ref, const char *const *allowed)
{
	char reg[256];
	if (!allowed)
		return true;
	vigil_config__registry(reg, sizeof(reg), ref);
	for (; *allowed; allowed++) {
		size_t n = strlen(*allowed);
		if (strcasecmp(reg, *allowed) == 0) /* host names ignore case */
			return true;
		/* "*" allows every registry, "*.corp.com" every host under corp.com */
		if (strchr(*allowed, '*') && !strchr(*allowed, '/')) {
			char host[256];
			snprintf(host, sizeof(host), "%.*s", (int)strcspn(reg, ":"), reg);
			if (fnmatch(*allowed, host, FNM_CASEFOLD) == 0 ||
			    fnmatch(*allowed, reg, FNM_CASEFOLD) == 0)
				return true;
		}
		/* a prefix with a path: "ghcr.io/acme" allows "ghcr.io/acme/x" */
		if (n && strncmp(ref, *allowed, n) == 0 &&
		    (ref[n] == '/' || (*allowed)[n - 1] == '/'))
			return true;
	}
	return false;
}

static bool has_word_ci(const char *s, const char *w)
{
	return strcasestr(s, w) != NULL;
}

bool vigil_config__secret_name(const char *name)
{
	static const char *const words[] = {"PASSWORD",	  "PASSWD",   "SECRET",	      "TOKEN",
					    "API_KEY",	  "APIKEY",   "ACCESS_KEY",   "PRIVATE_KEY",
					    "CREDENTIAL", "AUTH_KEY", "CLIENT_SECRET"};
	static const char *const safe_suffix[] = {"_FILE", "_PATH", "_DIR", "_URL", "_NAME"};
	size_t n = strlen(name);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(safe_suffix); i++) {
		size_t k = strlen(safe_suffix[i]);
		if (n > k && strcasecmp(name + n - k, safe_suffix[i]) == 0)
			return false;
	}
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(words); i++)
		if (has_word_ci(name, words[i]))
			return true;
	return false;
}

/* Whether a value given to a secret-looking name could be the secret itself: not
 * empty, not a path (GOOGLE_APPLICATION_CREDENTIALS=/etc/sa.json), not a switch
 * (MYSQL_ALLOW_EMPTY_PASSWORD=yes) and not only a reference to another variable
 * ($(DB_PASSWORD), ${TOKEN}). */
bool vigil_config__secret_value(const char *v)
{
	static const char *const switches[] = {"true", "false", "yes", "no", "on",
					       "off",  "y",	"n",   "1",  "0"};
	size_t n;
	if (!v)
		return false;
	if (*v == '"' || *v == '\'') {
		n = strlen(v);
		if (n >= 2 && v[n - 1] == v[0]) {
			char in[256];
			snprintf(in, sizeof(in), "%.*s", (int)(n - 2 < 255 ? n - 2 : 255), v + 1);
			return n - 2 <= 255 ? vigil_config__secret_value(in) : true;
		}
	}
	if (!*v || *v == '/' || !strncmp(v, "./", 2) || !strncmp(v, "~/", 2) ||
	    (isalpha((unsigned char)v[0]) && v[1] == ':' && (v[2] == '\\' || v[2] == '/')))
		return false;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(switches); i++)
		if (strcasecmp(v, switches[i]) == 0)
			return false;
	n = strlen(v);
	if (v[0] == '$') {
		static const char NAME[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789_";
		bool paren = v[1] == '(' && v[n - 1] == ')', brace = v[1] == '{' && v[n - 1] == '}';
		if ((paren || brace) && n > 3 && strspn(v + 2, NAME) == n - 3)
			return false; /* $(NAME), ${NAME} */
		if (!paren && !brace && n > 1 && strspn(v + 1, NAME) == n - 1)
			return false; /* $NAME */
	}
	return true;
}

/* ---- per instruction and per stage ------------------------------------------------- */

/* Index of the stage named `name` (a name or a number), or -1. */
int vigil_df__stage_ref(const vigil_df *df, const char *name, int upto)
{
	uint64_t n;
	if (vigil_parse_uint(&n, name, 1000000) == 0)
		return n < df->nstages ? (int)n : -1;
	for (int i = 0; i < upto && i < (int)df->nstages; i++)
		if (df->stages[i].name && strcasecmp(df->stages[i].name, name) == 0)
			return i;
	return -1;
}

static bool is_stage_name(const vigil_df *df, const char *name, int upto)
{
	for (int i = 0; i < upto && i < (int)df->nstages; i++)
		if (df->stages[i].name && strcasecmp(df->stages[i].name, name) == 0)
			return true;
	return false;
}

/* The last `cmd` of the stage that stage `st` is built FROM (an earlier stage), and so
 * on up the chain, or NULL. */
static const vigil_df_instr *inherited(const vigil_df *df, int st, const char *cmd)
{
	for (int hops = 0; hops < 64; hops++) {
		const char *img = df->stages[st].image;
		int parent = -1;
		for (int i = st - 1; i >= 0; i--)
			if (df->stages[i].name && strcasecmp(df->stages[i].name, img) == 0) {
				parent = i;
				break;
			}
		if (parent < 0)
			return NULL;
		st = parent;
		for (size_t i = df->stages[st].first + df->stages[st].count;
		     i-- > df->stages[st].first;)
			if (strcmp(df->ins[i].cmd, cmd) == 0)
				return &df->ins[i];
	}
	return NULL;
}

static void check_from(df_scan *s, int st)
{
	const vigil_df_stage *stage = &s->df->stages[st];
	const char *img = stage->image, *last_slash, *colon;
	bool digest, tag;
	if (!*img || strcasecmp(img, "scratch") == 0 || strchr(img, '$') ||
	    is_stage_name(s->df, img, st))
		return;
	digest = strchr(img, '@') != NULL;
	last_slash = strrchr(img, '/');
	colon = strrchr(last_slash ? last_slash : img, ':');
	if (digest && colon && colon > strchr(img, '@'))
		colon = NULL; /* the ':' of sha256: */
	tag = colon != NULL;
	if (tag && strncmp(colon, ":latest", 7) == 0 && (colon[7] == '\0' || colon[7] == '@'))
		ADD(s, "VGL-DF-002", stage->line, "base image %s uses the latest tag", img);
	else if (!tag && !digest)
		ADD(s, "VGL-DF-002", stage->line, "base image %s has no tag", img);
	if (!digest)
		ADD(s, "VGL-DF-003", stage->line, "base image %s is not pinned by digest", img);
	if (!vigil_config__registry_allowed(img, s->opts ? s->opts->allowed_registries : NULL))
		ADD(s, "VGL-DF-029", stage->line, "base image %s is from a registry not allowed",
		    img);
}

static bool is_archive(const char *src)
{
	static const char *const ext[] = {".tar",  ".tar.gz", ".tgz", ".tar.bz2",
					  ".tbz2", ".tar.xz", ".txz", ".tar.zst",
					  ".gz",   ".bz2",    ".xz"};
	size_t n = strlen(src);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(ext); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && strcasecmp(src + n - k, ext[i]) == 0)
			return true;
	}
	return false;
}

static void check_add(df_scan *s, const vigil_df_instr *in)
{
	bool remote = false;
	for (size_t i = 0; i + 1 < in->argc; i++) {
		const char *src = in->argv[i];
		if (strstr(src, "://") || !strncmp(src, "git@", 4)) {
			ADD(s, "VGL-DF-005", in->line, "ADD fetches %s", src);
			remote = true;
		} else if (is_archive(src)) {
			ADD(s, "VGL-DF-005", in->line, "ADD unpacks archive %s", src);
			remote = true;
		}
	}
	if (!remote)
		ADD(s, "VGL-DF-004", in->line, "ADD of local files");
}

static void check_expose(df_scan *s, const vigil_df_instr *in)
{
	for (size_t i = 0; i < in->argc; i++) {
		const char *p = in->argv[i];
		char num[16];
		if (strchr(p, '$'))
			continue; /* unresolved variable: nothing to judge */
		size_t k = strcspn(p, "/");
		const char *dash;
		uint64_t lo, hi;
		if (k == 0 || k >= sizeof(num)) {
			ADD(s, "VGL-DF-025", in->line, "EXPOSE of invalid port '%.40s'", p);
			continue;
		}
		memcpy(num, p, k);
		num[k] = '\0';
		dash = strchr(num, '-');
		if (dash)
			num[dash - num] = '\0';
		if (vigil_parse_uint(&lo, num, 65535) < 0 || lo == 0 ||
		    (dash && (vigil_parse_uint(&hi, dash + 1, 65535) < 0 || hi < lo))) {
			ADD(s, "VGL-DF-025", in->line, "EXPOSE of invalid port '%.40s'", p);
			continue;
		}
		if (p[k] && strcasecmp(p + k, "/tcp") && strcasecmp(p + k, "/udp") &&
		    strcasecmp(p + k, "/sctp"))
			ADD(s, "VGL-DF-025", in->line, "EXPOSE of invalid protocol '%.40s'", p);
		else if (lo == 22 || (dash && lo <= 22 && hi >= 22))
			ADD(s, "VGL-DF-025", in->line, "EXPOSE of SSH port 22");
	}
}

static void check_secrets(df_scan *s, const vigil_df_instr *in)
{
	if (!in->argc)
		return;
	if (!strchr(in->argv[0], '=') && strcmp(in->cmd, "ENV") == 0) {
		/* ENV NAME value (the legacy form): the rest of the line is the value */
		if (vigil_config__secret_name(in->argv[0]) &&
		    (in->argc < 2 || in->argc > 2 || vigil_config__secret_value(in->argv[1])))
			ADD(s, "VGL-DF-019", in->line, "ENV %s looks like a secret", in->argv[0]);
		return;
	}
	for (size_t i = 0; i < in->argc; i++) {
		char name[128];
		size_t k = strcspn(in->argv[i], "=");
		snprintf(name, sizeof(name), "%.*s", (int)(k < 127 ? k : 127), in->argv[i]);
		/* ARG TOKEN (no default) is passed at build time and kept: a finding; a
		 * value that cannot be a secret (a path, a switch) is none */
		if (vigil_config__secret_name(name) &&
		    (!in->argv[i][k] || vigil_config__secret_value(in->argv[i] + k + 1)))
			ADD(s, "VGL-DF-019", in->line, "%s %s looks like a secret", in->cmd, name);
	}
}

static bool is_root_user(const char *u)
{
	size_t k = strcspn(u, ":");
	if (k == 22 && !strncasecmp(u, "ContainerAdministrator", k))
		return true; /* Windows containers' administrator */
	return (k == 4 && !strncmp(u, "root", 4)) || (k == 1 && u[0] == '0');
}

/* A shell that is not a POSIX shell (PowerShell, cmd): its pipes are not sh pipes and
 * pipefail does not apply. */
static bool shell_not_posix(const char *argv0)
{
	static const char *const NAMES[] = {"powershell", "powershell.exe", "pwsh", "pwsh.exe",
					    "cmd",	  "cmd.exe",	    NULL};
	const char *b = argv0 + strlen(argv0);
	while (b > argv0 && b[-1] != '/' && b[-1] != '\\')
		b--;
	for (size_t i = 0; NAMES[i]; i++)
		if (strcasecmp(b, NAMES[i]) == 0)
			return true;
	return false;
}

/* The stage at the root of a stage's chain of stages (the one built on an image). */
static int root_stage(const vigil_df *df, int st)
{
	for (int hops = 0; hops < 64; hops++) {
		int parent = -1;
		for (int i = st - 1; i >= 0; i--)
			if (df->stages[i].name &&
			    strcasecmp(df->stages[i].name, df->stages[st].image) == 0) {
				parent = i;
				break;
			}
		if (parent < 0)
			break;
		st = parent;
	}
	return st;
}

/* Whether a stage is built on a Windows image (RUN's default shell is cmd, accounts have
 * no UID). In order: the root stage's FROM --platform=OS/... (when not a variable); the
 * image config's "os" ("windows") or, without one, its "os.version" (only Windows images
 * set it), when opts->base_images knows the image and its config has either; else the
 * image's name (servercore, nanoserver, mcr.microsoft.com/windows). */
static bool windows_stage(const df_scan *s, int st)
{
	const vigil_df *df = s->df;
	int r = root_stage(df, st);
	const char *img = df->stages[r].image;
	const char *plat = vigil_df__flag(&df->ins[df->stages[r].first], "platform");
	const char *const *b = s->opts ? s->opts->base_images : NULL;
	if (plat && *plat && !strchr(plat, '$')) {
		size_t k = strcspn(plat, "/");
		return k == 7 && !strncasecmp(plat, "windows", 7);
	}
	for (; img && b && b[0] && b[1] && b[2]; b += 3)
		if (strcmp(b[0], img) == 0 && (*b[1] || *b[2]))
			return *b[1] ? strcasecmp(b[1], "windows") == 0 : true;
	return img && (strcasestr(img, "windowsservercore") || strcasestr(img, "nanoserver") ||
		       strcasestr(img, "mcr.microsoft.com/windows") ||
		       strcasestr(img, "microsoft/windows"));
}

/* Whether a SHELL instruction makes pipes safe: it turns pipefail on ("-o", "pipefail"
 * or a cluster ending in o, "-eo", "-euo", followed by "pipefail"), or it is not a
 * POSIX shell at all. */
static bool shell_pipefail(const vigil_df_instr *in)
{
	bool on = false;
	if (in && in->argc && shell_not_posix(in->argv[0]))
		return true;
	for (size_t k = 0; in && k + 1 < in->argc; k++) {
		const char *o = in->argv[k];
		size_t n = strlen(o);
		if (n >= 2 && (o[0] == '-' || o[0] == '+') && o[1] != '-' && o[n - 1] == 'o' &&
		    is(in->argv[k + 1], "pipefail"))
			on = o[0] == '-';
	}
	return on;
}

/* An image named by a flag (COPY --from, RUN --mount=...,from=) must come from an
 * allowed registry unless it is a stage. */
static void check_flag_image(df_scan *s, const vigil_df_instr *in, int st, const char *from,
			     const char *what)
{
	int ref;
	if (!from || !*from || strchr(from, '$'))
		return;
	ref = vigil_df__stage_ref(s->df, from, st + 1);
	if (ref == st)
		ADD(s, "VGL-DF-026", in->line, "%s=%s refers to its own stage", what, from);
	else if (ref < 0 && !vigil_config__registry_allowed(
				    from, s->opts ? s->opts->allowed_registries : NULL))
		ADD(s, "VGL-DF-029", in->line, "%s=%s is from a registry not allowed", what, from);
}

/* The checks of RUN, COPY and ADD, shared by ONBUILD triggers. */
static void check_build_step(df_scan *s, const vigil_df_instr *in, int st, bool pipefail)
{
	if (is(in->cmd, "RUN")) {
		vigil_df__check_run(s, in, pipefail);
		for (size_t k = 0; k < in->nflags; k++) {
			const char *f = in->flags[k], *p;
			if (strncmp(f, "--mount=", 8) != 0)
				continue;
			for (p = f + 8; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
				char img[512];
				size_t n = strcspn(p, ",");
				if (n > 5 && !strncmp(p, "from=", 5)) {
					snprintf(img, sizeof(img), "%.*s", (int)(n - 5), p + 5);
					check_flag_image(s, in, st, img, "RUN --mount from");
				}
			}
		}
	} else if (is(in->cmd, "ADD")) {
		check_add(s, in);
	} else if (is(in->cmd, "COPY")) {
		check_flag_image(s, in, st, vigil_df__flag(in, "from"), "COPY --from");
	}
	vigil_df__check_step(s, in, st);
}

/* ONBUILD RUN|COPY|ADD ...: the trigger is parsed on its own and checked as its
 * instruction is, at the ONBUILD's line. */
static void check_onbuild(df_scan *s, const vigil_df_instr *in, int st, bool pipefail)
{
	vigil_df *sub = NULL;
	if (!*in->args)
		return;
	if (vigil_df__parse(&sub, s->ctx, in->args, strlen(in->args)) < 0) {
		vigil_warn(s->ctx, "%s line %d: ONBUILD trigger not checked: %s", s->file, in->line,
			   vigil_ctx_error(s->ctx));
		return;
	}
	if (sub->n >= 1) {
		sub->ins[0].line = in->line;
		if (is(sub->ins[0].cmd, "ONBUILD") || is(sub->ins[0].cmd, "FROM") ||
		    is(sub->ins[0].cmd, "MAINTAINER"))
			ADD(s, "VGL-DF-032", in->line, "ONBUILD %s is not allowed",
			    sub->ins[0].cmd);
		else
			check_build_step(s, &sub->ins[0], st, pipefail);
	}
	s->last_run = NULL; /* never keep a pointer into the trigger's parse */
	vigil_df__free(sub);
}

static void check_stage(df_scan *s, int st, bool final)
{
	const vigil_df *df = s->df;
	const vigil_df_stage *stage = &df->stages[st];
	const vigil_df_instr *user = NULL, *health = NULL;
	int ncmd = 0, nentry = 0, nhealth = 0;
	const vigil_df_instr *sh = inherited(df, st, "SHELL");
	bool windows = windows_stage(s, st);
	bool pipefail = sh ? shell_pipefail(sh) : windows;
	s->workdir = inherited(df, st, "WORKDIR") != NULL;
	s->last_run = NULL;
	check_from(s, st);
	for (size_t i = stage->first; i < stage->first + stage->count && s->error >= 0; i++) {
		const vigil_df_instr *in = &df->ins[i];
		const char *c = in->cmd;
		if (is(c, "RUN") || is(c, "COPY") || is(c, "ADD")) {
			check_build_step(s, in, st, pipefail);
		} else if (is(c, "ONBUILD")) {
			check_onbuild(s, in, st, pipefail);
		} else if (is(c, "SHELL")) {
			pipefail = shell_pipefail(in);
		} else if (is(c, "USER")) {
			user = in;
		} else if (is(c, "CMD") || is(c, "ENTRYPOINT")) {
			int *count = is(c, "CMD") ? &ncmd : &nentry;
			if (++*count == 2)
				ADD(s, "VGL-DF-023", in->line, "second %s in the stage", c);
			if (!in->json && *in->args)
				ADD(s, "VGL-DF-020", in->line, "%s in shell form", c);
		} else if (is(c, "HEALTHCHECK")) {
			health = in;
			if (++nhealth == 2)
				ADD(s, "VGL-DF-023", in->line, "second HEALTHCHECK in the stage");
		} else if (is(c, "WORKDIR")) {
			/* the word as the shell-like parser reads it: quotes removed; an
			 * unresolved variable is not judged */
			const char *w = in->argc ? in->argv[0] : "";
			if (*w && *w != '/' && !strchr(w, '$') &&
			    !(isalpha((unsigned char)w[0]) && w[1] == ':'))
				ADD(s, "VGL-DF-022", in->line, "WORKDIR %s is relative", w);
		} else if (is(c, "EXPOSE")) {
			check_expose(s, in);
		} else if (is(c, "MAINTAINER")) {
			ADD(s, "VGL-DF-027", in->line, "MAINTAINER is deprecated");
		}
		if (is(c, "ARG") || is(c, "ENV"))
			check_secrets(s, in);
		if (!is(c, "RUN") && !is(c, "COPY") && !is(c, "ADD"))
			vigil_df__check_step(s, in, st);
	}
	s->final_user = user ? user : inherited(df, st, "USER");
	s->final_windows = final && windows;
	vigil_df__check_stage(s, st, final);
	if (!final)
		return;
	if (!user)
		user = inherited(df, st, "USER");
	if (!health)
		health = inherited(df, st, "HEALTHCHECK");
	if (!user)
		ADD(s, "VGL-DF-001", stage->line, "the final stage sets no USER");
	else if (user->argc && is_root_user(user->argv[0]))
		ADD(s, "VGL-DF-001", user->line, "the last USER is %s", user->argv[0]);
	if (!health)
		ADD(s, "VGL-DF-028", stage->line, "the final stage has no HEALTHCHECK");
	else if (health->argc && strcasecmp(health->argv[0], "NONE") == 0)
		ADD(s, "VGL-DF-028", health->line, "HEALTHCHECK NONE disables the health check");
}

/* The value of `name` set by ENV or ARG instruction `in` (argv "k=v" or legacy "k v"),
 * or NULL. */
static const char *set_by(const vigil_df_instr *in, const char *name)
{
	size_t n = strlen(name);
	const char *v = NULL;
	if (!is(in->cmd, "ENV") && !is(in->cmd, "ARG"))
		return NULL;
	if (is(in->cmd, "ENV") && in->argc >= 2 && !strchr(in->argv[0], '='))
		return is(in->argv[0], name) ? in->argv[1] : NULL;
	for (size_t i = 0; i < in->argc; i++)
		if (!strncmp(in->argv[i], name, n) && in->argv[i][n] == '=')
			v = in->argv[i] + n + 1;
	return v;
}

const char *vigil_df__env(const df_scan *s, const vigil_df_instr *in, const char *name)
{
	const vigil_df *df = s->df;
	size_t at;
	int st;
	if (in < df->ins || in >= df->ins + df->n || in->stage < 0)
		return NULL;
	at = (size_t)(in - df->ins);
	st = in->stage;
	for (int hops = 0; hops < 64; hops++) {
		const char *img = df->stages[st].image;
		int parent = -1;
		for (size_t i = at; i-- > df->stages[st].first;) {
			const char *v = set_by(&df->ins[i], name);
			if (v)
				return strchr(v, '$') ? NULL : v;
		}
		for (int i = st - 1; i >= 0; i--)
			if (df->stages[i].name && strcasecmp(df->stages[i].name, img) == 0) {
				parent = i;
				break;
			}
		if (parent < 0)
			return NULL;
		st = parent;
		at = df->stages[st].first + df->stages[st].count;
	}
	return NULL;
}

int vigil_config__dockerfile(vigil_config_result *r, vigil_ctx *ctx, const char *file,
			     const char *buf, size_t len, const vigil_config_opts *opts)
{
	vigil_df *df = NULL;
	df_scan s = {0};
	int error;
	if ((error = vigil_df__parse(&df, ctx, buf, len)) < 0)
		return error;
	s.r = r;
	s.df = df;
	s.file = file;
	s.opts = opts;
	s.ctx = ctx;
	if (!df->nstages) {
		/* not silence: a file without FROM is not a Dockerfile we can check */
		vigil_warn(ctx, "%s: no FROM instruction, not checked as a Dockerfile", file);
		vigil_df__free(df);
		return 0;
	}
	for (size_t i = 0; i < df->n && df->ins[i].stage < 0; i++)
		if (is(df->ins[i].cmd, "ARG"))
			check_secrets(&s, &df->ins[i]);
	for (size_t st = 0; st < df->nstages && s.error >= 0; st++)
		check_stage(&s, (int)st, st + 1 == df->nstages);
	r->files++;
	vigil_df__free(df);
	if (s.error < 0)
		return vigil_error_set(ctx, s.error, "%s: out of memory", file);
	return 0;
}
