/*
 * dockerfile.c - the Dockerfile checks (VGL-DF-0NN), of the kind hadolint and Trivy
 * apply, mapped to the CIS Docker Benchmark section 4 where one applies. Each check is
 * a row of the table and a few lines in one of the walkers below: per instruction,
 * per RUN shell command, or per stage.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/dfparse.h"

#define K "dockerfile"

const vigil_check_info vigil_config__checks_dockerfile[] = {
	{"VGL-DF-001", K, "4.1", "HIGH", "Image runs as root",
	 "Add a USER instruction with a non-root user as the last USER of the final stage."},
	{"VGL-DF-002", K, "4.2", "MEDIUM", "Base image without a tag or with 'latest'",
	 "Name an explicit version tag (and a digest) in FROM."},
	{"VGL-DF-003", K, "4.2", "LOW", "Base image not pinned by digest",
	 "Pin the base image with @sha256:<digest> so rebuilds use the same bytes."},
	{"VGL-DF-004", K, "4.9", "LOW", "ADD used instead of COPY",
	 "Use COPY for local files; ADD also fetches URLs and unpacks archives."},
	{"VGL-DF-005", K, "4.9", "MEDIUM", "ADD of a remote URL or an archive",
	 "Download with curl or wget and verify a checksum, or COPY and unpack explicitly."},
	{"VGL-DF-006", K, NULL, "LOW", "apt-get install without version pins",
	 "Pin versions: apt-get install package=version."},
	{"VGL-DF-007", K, "4.3", "LOW", "apt-get install without --no-install-recommends",
	 "Add --no-install-recommends to avoid installing unneeded packages."},
	{"VGL-DF-008", K, NULL, "LOW", "apt lists left in the image",
	 "Remove /var/lib/apt/lists/* in the same RUN as apt-get install."},
	{"VGL-DF-009", K, NULL, "MEDIUM", "apt-get upgrade or dist-upgrade",
	 "Do not upgrade in the image; use a newer base image instead."},
	{"VGL-DF-010", K, "4.7", "MEDIUM", "apt-get update alone in a RUN",
	 "Run apt-get update and apt-get install in the same RUN so the cache is never stale."},
	{"VGL-DF-011", K, NULL, "LOW", "apk add without --no-cache",
	 "Use apk add --no-cache so the index is not kept in the image."},
	{"VGL-DF-012", K, NULL, "LOW", "apk add without version pins",
	 "Pin versions: apk add package=version."},
	{"VGL-DF-013", K, NULL, "LOW", "pip install without --no-cache-dir",
	 "Use pip install --no-cache-dir so the wheel cache is not kept in the image."},
	{"VGL-DF-014", K, NULL, "LOW", "pip install without version pins",
	 "Pin versions (package==version) or install from a locked requirements file."},
	{"VGL-DF-015", K, NULL, "LOW", "npm install without pinned versions",
	 "Use npm ci with a lock file, or pin versions: npm install package@version."},
	{"VGL-DF-016", K, NULL, "LOW", "yum or dnf install without a clean",
	 "Run yum clean all / dnf clean all in the same RUN as the install."},
	{"VGL-DF-017", K, NULL, "MEDIUM", "sudo used in RUN",
	 "RUN already runs as the build user; switch with USER instead of sudo."},
	{"VGL-DF-018", K, NULL, "HIGH", "Remote script piped into a shell",
	 "Download the script, verify its checksum or signature, then run it."},
	{"VGL-DF-019", K, "4.10", "HIGH", "Secret in ARG or ENV",
	 "Pass secrets with RUN --mount=type=secret; ARG and ENV values stay in the image."},
	{"VGL-DF-020", K, NULL, "LOW", "CMD or ENTRYPOINT in shell form",
	 "Use the exec (JSON) form so the process receives signals."},
	{"VGL-DF-021", K, NULL, "LOW", "Pipe in RUN without pipefail",
	 "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before a RUN with a pipe."},
	{"VGL-DF-022", K, NULL, "LOW", "Relative WORKDIR", "Use an absolute path in WORKDIR."},
	{"VGL-DF-023", K, NULL, "MEDIUM", "More than one CMD, ENTRYPOINT or HEALTHCHECK",
	 "Keep one of each per stage; only the last takes effect."},
	{"VGL-DF-024", K, NULL, "LOW", "cd in RUN instead of WORKDIR",
	 "Use WORKDIR to change directory."},
	{"VGL-DF-025", K, NULL, "MEDIUM", "EXPOSE of port 22 or of an invalid port",
	 "Do not expose SSH; expose only ports between 1 and 65535."},
	{"VGL-DF-026", K, NULL, "CRITICAL", "COPY --from refers to its own stage",
	 "Copy from an earlier stage or an image."},
	{"VGL-DF-027", K, NULL, "LOW", "MAINTAINER is deprecated",
	 "Use LABEL org.opencontainers.image.authors=... instead."},
	{"VGL-DF-028", K, "4.6", "LOW", "No HEALTHCHECK", "Add a HEALTHCHECK to the final stage."},
	{"VGL-DF-029", K, NULL, "MEDIUM", "Image from a registry that is not allowed",
	 "Use base images from the allowed registries only."},
	{"VGL-DF-030", K, NULL, "HIGH", "chmod 777",
	 "Grant only the permissions needed; world-writable files can be changed by anyone."},
	{"VGL-DF-031", K, NULL, "LOW", "useradd with a large UID without -l",
	 "Add -l (--no-log-init) to useradd: a large UID makes /var/log/faillog huge."},
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
		if (strcmp(reg, *allowed) == 0)
			return true;
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

/* ---- shell commands of a RUN ------------------------------------------------------- */

typedef struct scmd {
	const char **argv; /* words, leading VAR=x assignments and sudo / env removed */
	size_t argc;
	bool piped; /* stdin comes from the previous command through | */
	bool sudo;  /* the command was run with sudo */
} scmd;

typedef struct run_ctx {
	vigil_arena arena;
	vigil_vec cmds; /* scmd */
	const char *text;
	bool has_pipe;
} run_ctx;

/* Ends the current word / command. */
static int push_word(run_ctx *rc, vigil_vec *words, vigil_buf *w, bool *inword)
{
	const char **slot;
	if (!*inword)
		return 0;
	if (!(slot = vigil_vec_push(words)) ||
	    !(*slot = vigil_arena_strndup(&rc->arena, w->data ? (char *)w->data : "", w->len)))
		return VIGIL_ENOMEM;
	w->len = 0;
	*inword = false;
	return 0;
}

static int push_cmd(run_ctx *rc, vigil_vec *words, bool piped)
{
	const char **v = words->data;
	size_t n = words->len, k = 0;
	scmd *c;
	bool sudo = false;
	for (;;) {
		if (k < n && strchr(v[k], '=') &&
		    (isalpha((unsigned char)v[k][0]) || v[k][0] == '_'))
			k++;
		else if (k < n && (strcmp(v[k], "sudo") == 0 || strcmp(v[k], "env") == 0 ||
				   strcmp(v[k], "exec") == 0 || strcmp(v[k], "time") == 0)) {
			sudo |= strcmp(v[k], "sudo") == 0;
			k++;
			while (sudo && k < n && v[k][0] == '-')
				k++;
		} else
			break;
	}
	if (k < n || sudo) {
		if (!(c = vigil_vec_push(&rc->cmds)))
			return VIGIL_ENOMEM;
		c->argc = n - k;
		c->piped = piped;
		c->sudo = sudo;
		if (!(c->argv = vigil_arena_alloc(&rc->arena, (c->argc + 1) * sizeof(char *))))
			return VIGIL_ENOMEM;
		if (c->argc)
			memcpy(c->argv, v + k, c->argc * sizeof(char *));
	}
	words->len = 0;
	return 0;
}

/* Splits shell text into simple commands at ;, &&, ||, |, &, newlines and parentheses,
 * remembering which commands read a pipe. Quotes group words; $( ) and backquotes are
 * treated as separators so commands inside them are seen too. */
static int shell_split(run_ctx *rc, const char *s)
{
	vigil_vec words = VIGIL_VEC_INIT(const char *);
	vigil_buf w = VIGIL_BUF_INIT;
	bool inword = false, piped = false;
	char quote = 0;
	int error = 0;
	w.limit = 1 << 20;
	for (const char *p = s;; p++) {
		char c = *p;
		if (quote) {
			if (!c)
				break;
			if (c == quote)
				quote = 0;
			else if ((error = vigil_buf_putc(&w, c)) < 0)
				goto done;
			continue;
		}
		if (!c || c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')' ||
		    c == '`' || (c == '$' && p[1] == '(')) {
			bool pipe = c == '|' && p[1] != '|' && (p == s || p[-1] != '|');
			if ((error = push_word(rc, &words, &w, &inword)) < 0 ||
			    (error = push_cmd(rc, &words, piped)) < 0)
				goto done;
			piped = pipe;
			rc->has_pipe |= pipe;
			if (!c)
				break;
			if ((c == '&' || c == '|') && p[1] == c)
				p++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			if ((error = push_word(rc, &words, &w, &inword)) < 0)
				goto done;
			continue;
		}
		inword = true;
		if (c == '"' || c == '\'')
			quote = c;
		else if (c == '\\' && p[1]) {
			if ((error = vigil_buf_putc(&w, *++p)) < 0)
				goto done;
		} else if ((error = vigil_buf_putc(&w, c)) < 0)
			goto done;
	}
	error = push_word(rc, &words, &w, &inword);
	if (error >= 0)
		error = push_cmd(rc, &words, piped);
done:
	vigil_vec_free(&words);
	vigil_buf_free(&w);
	return error;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Index of the first non-option word after argv[from], or argc. */
static size_t subcommand(const scmd *c, size_t from)
{
	for (size_t i = from; i < c->argc; i++)
		if (c->argv[i][0] != '-')
			return i;
	return c->argc;
}

static bool has_opt(const scmd *c, const char *opt)
{
	for (size_t i = 0; i < c->argc; i++)
		if (is(c->argv[i], opt))
			return true;
	return false;
}

/* A cache mount over `dir` (RUN --mount=type=cache,target=dir) makes cleaning moot. */
static bool cache_mount(const vigil_df_instr *in, const char *dir)
{
	for (size_t i = 0; i < in->nflags; i++)
		if (strncmp(in->flags[i], "--mount=", 8) == 0 && strstr(in->flags[i], "cache") &&
		    strstr(in->flags[i], dir))
			return true;
	return false;
}

typedef struct df_scan {
	vigil_config_result *r;
	const vigil_df *df;
	const char *file;
	const vigil_config_opts *opts;
	int error;
} df_scan;

#define ADD(s, id, line, ...)                                                                      \
	do {                                                                                       \
		int e_ = vigil_config__add((s)->r, id, (s)->file, line, NULL, -1, __VA_ARGS__);    \
		if (e_ < 0 && (s)->error >= 0)                                                     \
			(s)->error = e_;                                                           \
	} while (0)

/* Options of option-taking package commands that consume the next word. */
static bool takes_value(const char *opt)
{
	static const char *const v[] = {"-o",
					"-t",
					"-c",
					"-r",
					"-e",
					"-i",
					"--index-url",
					"--extra-index-url",
					"--target",
					"-X",
					"--repository",
					"--constraint",
					"--requirement",
					"--prefix",
					"--root",
					"--registry",
					"--repo"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(v); i++)
		if (is(opt, v[i]))
			return true;
	return false;
}

/* Calls `each` for the package arguments of a command after argv[from]. */
static const char *first_unpinned(const scmd *c, size_t from, bool (*pinned)(const char *))
{
	for (size_t i = from; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] == '-') {
			if (takes_value(a))
				i++;
			continue;
		}
		if (!pinned(a))
			return a;
	}
	return NULL;
}

static bool apt_pinned(const char *a)
{
	return strchr(a, '=') || strchr(a, '/') || strstr(a, ".deb") || a[0] == '$';
}

static bool apk_pinned(const char *a)
{
	return strchr(a, '=') || strstr(a, ".apk") || a[0] == '$';
}

static bool pip_pinned(const char *a)
{
	return strstr(a, "==") || strstr(a, ">=") || strstr(a, "<=") || strstr(a, "~=") ||
	       strchr(a, '@') || strchr(a, '/') || a[0] == '.' || a[0] == '$' ||
	       strstr(a, ".whl") || strstr(a, ".tar.gz");
}

static bool npm_pinned(const char *a)
{
	const char *at = strchr(a + (a[0] == '@'), '@');
	return (at && at[1]) || strchr(a, '/') != NULL || a[0] == '.' || a[0] == '$' ||
	       strstr(a, ".tgz");
}

static bool is_shell(const char *name)
{
	static const char *const sh[] = {"sh", "bash", "zsh", "ash", "dash", "ksh"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(sh); i++)
		if (is(name, sh[i]))
			return true;
	return false;
}

/* Checks the package commands and shell habits of one RUN. */
static void check_run(df_scan *s, const vigil_df_instr *in, bool pipefail_shell)
{
	run_ctx rc = {0};
	vigil_buf text = VIGIL_BUF_INIT;
	bool apt_update = false, apt_install = false, yum_install = false, sudo = false;
	bool fetch = false;
	int line = in->line;
	vigil_arena_init(&rc.arena);
	rc.cmds = (vigil_vec)VIGIL_VEC_INIT(scmd);
	if (in->json) {
		for (size_t i = 0; i < in->argc; i++)
			if (vigil_buf_puts(&text, in->argv[i]) < 0 ||
			    vigil_buf_putc(&text, ' ') < 0)
				goto oom;
	} else if (vigil_buf_puts(&text, in->args) < 0) {
		goto oom;
	}
	for (size_t h = 0; h < in->nheredocs; h++)
		if (vigil_buf_putc(&text, '\n') < 0 || vigil_buf_puts(&text, in->heredocs[h]) < 0)
			goto oom;
	if (vigil_buf_cstr(&text) < 0 || shell_split(&rc, (const char *)text.data) < 0)
		goto oom;
	rc.text = (const char *)text.data;
	for (size_t i = 0; i < rc.cmds.len; i++) {
		const scmd *c = &VIGIL_VEC_AT(&rc.cmds, scmd, i);
		const char *name = c->argc ? base_name(c->argv[0]) : "";
		size_t sub = subcommand(c, 1);
		const char *sc = sub < c->argc ? c->argv[sub] : "";
		const char *bad;
		sudo |= c->sudo || is(name, "sudo");
		if (is(name, "cd"))
			ADD(s, "VGL-DF-024", line, "RUN changes directory with cd");
		if (is(name, "curl") || is(name, "wget"))
			fetch = true;
		if (c->piped && is_shell(name) && fetch)
			ADD(s, "VGL-DF-018", line, "output of curl / wget is piped into %s", name);
		if (!c->piped)
			fetch = is(name, "curl") || is(name, "wget");
		if (is(name, "apt-get") || is(name, "apt") || is(name, "aptitude")) {
			if (is(sc, "update"))
				apt_update = true;
			if (is(sc, "upgrade") || is(sc, "dist-upgrade") || is(sc, "full-upgrade"))
				ADD(s, "VGL-DF-009", line, "%s %s", name, sc);
			if (is(sc, "install")) {
				apt_install = true;
				if (!has_opt(c, "--no-install-recommends") &&
				    !strstr(rc.text, "Install-Recommends=false") &&
				    !strstr(rc.text, "Install-Recommends=0"))
					ADD(s, "VGL-DF-007", line,
					    "%s install without --no-install-recommends", name);
				if ((bad = first_unpinned(c, sub + 1, apt_pinned)))
					ADD(s, "VGL-DF-006", line,
					    "package '%s' has no version pin", bad);
			}
		}
		if (is(name, "apk") && is(sc, "add")) {
			if (!has_opt(c, "--no-cache") && !cache_mount(in, "/var/cache/apk"))
				ADD(s, "VGL-DF-011", line, "apk add without --no-cache");
			if ((bad = first_unpinned(c, sub + 1, apk_pinned)))
				ADD(s, "VGL-DF-012", line, "package '%s' has no version pin", bad);
		}
		size_t pip = c->argc;
		if (!strncmp(name, "pip", 3))
			pip = 1;
		else if (!strncmp(name, "python", 6) && c->argc > 3 && is(c->argv[1], "-m") &&
			 !strncmp(c->argv[2], "pip", 3))
			pip = 3;
		if (pip < c->argc && (sub = subcommand(c, pip)) < c->argc &&
		    is(c->argv[sub], "install")) {
			if (!has_opt(c, "--no-cache-dir") && !strstr(rc.text, "PIP_NO_CACHE_DIR") &&
			    !cache_mount(in, ".cache/pip"))
				ADD(s, "VGL-DF-013", line, "pip install without --no-cache-dir");
			if ((bad = first_unpinned(c, sub + 1, pip_pinned)))
				ADD(s, "VGL-DF-014", line, "package '%s' has no version pin", bad);
		}
		if (is(name, "npm") && (is(sc, "install") || is(sc, "i") || is(sc, "add"))) {
			bool any = false;
			for (size_t k = sub + 1; k < c->argc; k++)
				any |= c->argv[k][0] != '-';
			if (!any)
				ADD(s, "VGL-DF-015", line, "npm install instead of npm ci");
			else if ((bad = first_unpinned(c, sub + 1, npm_pinned)))
				ADD(s, "VGL-DF-015", line, "package '%s' has no version", bad);
		}
		if ((is(name, "yum") || is(name, "dnf") || is(name, "microdnf")) &&
		    is(sc, "install"))
			yum_install = true;
		if (is(name, "chmod"))
			for (size_t k = 1; k < c->argc; k++)
				if (is(c->argv[k], "777") || is(c->argv[k], "0777") ||
				    is(c->argv[k], "a+rwx") || is(c->argv[k], "ugo+rwx"))
					ADD(s, "VGL-DF-030", line, "chmod %s", c->argv[k]);
		if (is(name, "useradd") && !has_opt(c, "-l") && !has_opt(c, "--no-log-init"))
			for (size_t k = 1; k + 1 < c->argc; k++)
				if (is(c->argv[k], "-u") || is(c->argv[k], "--uid")) {
					uint64_t uid;
					if (vigil_parse_uint(&uid, c->argv[k + 1], UINT32_MAX) ==
						    0 &&
					    uid > 65535)
						ADD(s, "VGL-DF-031", line,
						    "useradd -u %llu without -l",
						    (unsigned long long)uid);
				}
	}
	if (sudo)
		ADD(s, "VGL-DF-017", line, "RUN uses sudo");
	if (apt_update && !apt_install)
		ADD(s, "VGL-DF-010", line, "apt-get update without an install in the same RUN");
	if (apt_install && !(strstr(rc.text, "rm ") && strstr(rc.text, "/var/lib/apt/lists")) &&
	    !cache_mount(in, "/var/lib/apt"))
		ADD(s, "VGL-DF-008", line, "apt-get install without removing /var/lib/apt/lists");
	if (yum_install && !strstr(rc.text, "clean all") && !strstr(rc.text, "/var/cache/yum") &&
	    !strstr(rc.text, "/var/cache/dnf"))
		ADD(s, "VGL-DF-016", line, "yum / dnf install without clean all");
	if (rc.has_pipe && !in->json && !pipefail_shell && !strstr(rc.text, "pipefail"))
		ADD(s, "VGL-DF-021", line, "RUN has a pipe but the shell has no pipefail");
	goto done;
oom:
	if (s->error >= 0)
		s->error = VIGIL_ENOMEM;
done:
	vigil_buf_free(&text);
	vigil_vec_free(&rc.cmds);
	vigil_arena_clear(&rc.arena);
}

/* ---- per instruction and per stage ------------------------------------------------- */

/* Index of the stage named `name` (a name or a number), or -1. */
static int stage_ref(const vigil_df *df, const char *name, int upto)
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
		if (vigil_config__secret_name(in->argv[0]))
			ADD(s, "VGL-DF-019", in->line, "ENV %s looks like a secret", in->argv[0]);
		return;
	}
	for (size_t i = 0; i < in->argc; i++) {
		char name[128];
		size_t k = strcspn(in->argv[i], "=");
		snprintf(name, sizeof(name), "%.*s", (int)(k < 127 ? k : 127), in->argv[i]);
		if (vigil_config__secret_name(name))
			ADD(s, "VGL-DF-019", in->line, "%s %s looks like a secret", in->cmd, name);
	}
}

static bool is_root_user(const char *u)
{
	size_t k = strcspn(u, ":");
	return (k == 4 && !strncmp(u, "root", 4)) || (k == 1 && u[0] == '0');
}

static void check_stage(df_scan *s, int st, bool final)
{
	const vigil_df *df = s->df;
	const vigil_df_stage *stage = &df->stages[st];
	const vigil_df_instr *user = NULL, *health = NULL;
	int ncmd = 0, nentry = 0, nhealth = 0;
	bool pipefail = false;
	check_from(s, st);
	for (size_t i = stage->first; i < stage->first + stage->count && s->error >= 0; i++) {
		const vigil_df_instr *in = &df->ins[i];
		const char *c = in->cmd;
		if (is(c, "RUN")) {
			check_run(s, in, pipefail);
		} else if (is(c, "SHELL")) {
			pipefail = false;
			for (size_t k = 0; k + 1 < in->argc; k++)
				pipefail |=
					is(in->argv[k], "-o") && is(in->argv[k + 1], "pipefail");
		} else if (is(c, "USER")) {
			user = in;
		} else if (is(c, "ADD")) {
			check_add(s, in);
		} else if (is(c, "COPY")) {
			const char *from = vigil_df__flag(in, "from");
			if (from && *from) {
				int ref = stage_ref(df, from, st + 1);
				if (ref == st)
					ADD(s, "VGL-DF-026", in->line,
					    "COPY --from=%s copies from its own stage", from);
				else if (ref < 0 && !strchr(from, '$') &&
					 !vigil_config__registry_allowed(
						 from,
						 s->opts ? s->opts->allowed_registries : NULL))
					ADD(s, "VGL-DF-029", in->line,
					    "COPY --from=%s is from a registry not allowed", from);
			}
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
			const char *w = in->expanded;
			if (*w && *w != '/' && *w != '$' &&
			    !(isalpha((unsigned char)w[0]) && w[1] == ':'))
				ADD(s, "VGL-DF-022", in->line, "WORKDIR %s is relative", w);
		} else if (is(c, "EXPOSE")) {
			check_expose(s, in);
		} else if (is(c, "MAINTAINER")) {
			ADD(s, "VGL-DF-027", in->line, "MAINTAINER is deprecated");
		}
		if (is(c, "ARG") || is(c, "ENV"))
			check_secrets(s, in);
	}
	if (!final)
		return;
	if (!user)
		user = inherited(df, st, "USER");
	if (!health)
		health = inherited(df, st, "HEALTHCHECK");
	if (!user)
		ADD(s, "VGL-DF-001", stage->line, "the final stage sets no USER");
	else if (is_root_user(user->expanded))
		ADD(s, "VGL-DF-001", user->line, "the last USER is %s", user->expanded);
	if (!health)
		ADD(s, "VGL-DF-028", stage->line, "the final stage has no HEALTHCHECK");
	else if (health->argc && strcasecmp(health->argv[0], "NONE") == 0)
		ADD(s, "VGL-DF-028", health->line, "HEALTHCHECK NONE disables the health check");
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
