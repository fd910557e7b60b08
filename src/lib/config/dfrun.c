/*
 * dfrun.c - the checks of a RUN instruction's shell text: the text is split into simple
 * commands (pipes remembered), then package managers (apt, apk, pip, npm, yum / dnf,
 * ...) and shell habits are judged command by command.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/dfcheck.h"

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
	int incase;   /* open `case ... in` blocks */
	bool want_in; /* `case` seen, its `in` not yet */
	bool pattern; /* reading a case pattern: | separates alternatives, not commands */
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
	/* case WORD in PATTERN) ... ;; esac: the patterns are no commands */
	if (words->len == 1 && strcmp(*slot, "case") == 0 && !rc->pattern) {
		rc->want_in = true;
	} else if (rc->want_in && strcmp(*slot, "in") == 0) {
		rc->want_in = false;
		rc->pattern = true;
		rc->incase++;
		words->len = 0;
	} else if (rc->incase && words->len == 1 && strcmp(*slot, "esac") == 0) {
		rc->incase--;
		rc->pattern = false;
		words->len = 0;
	}
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

#define WORD_MAX (1u << 20) /* a longer shell word keeps its first WORD_MAX bytes */

/* Appends c to the word being read: 0, or VIGIL_ENOMEM. A word at WORD_MAX is cut, not
 * an error: the checks read command names and options, never a word's far end, and
 * the buffer's VIGIL_ELIMIT used to reach vigil_df__check_run as "out of memory". */
static int word_putc(vigil_buf *w, char c)
{
	int error = vigil_buf_putc(w, c);
	return error == VIGIL_ELIMIT ? 0 : error;
}

/* Splits shell text into simple commands at ;, &&, ||, |, &, newlines and parentheses,
 * remembering which commands read a pipe. Quotes group words; $( ) and backquotes are
 * treated as separators so commands inside them are seen too. 0, or VIGIL_ENOMEM. */
static int shell_split(run_ctx *rc, const char *s)
{
	vigil_vec words = VIGIL_VEC_INIT(const char *);
	vigil_buf w = VIGIL_BUF_INIT;
	bool inword = false, piped = false;
	char quote = 0;
	int error = 0;
	w.limit = WORD_MAX;
	for (const char *p = s;; p++) {
		char c = *p;
		if (quote) {
			if (!c)
				break;
			if (c == quote)
				quote = 0;
			else if ((error = word_putc(&w, c)) < 0)
				goto done;
			continue;
		}
		if (rc->pattern && (c == '|' || c == '(' || c == ')')) {
			/* alternatives of a case pattern; `)` ends the pattern */
			if ((error = push_word(rc, &words, &w, &inword)) < 0)
				goto done;
			if (c == ')' && rc->pattern) {
				words.len = 0;
				rc->pattern = false;
			}
			continue;
		}
		if (rc->incase && c == ';' && (p[1] == ';' || p[1] == '&')) {
			/* ;; ;& ;;& end a case branch: a pattern (or esac) follows */
			if ((error = push_word(rc, &words, &w, &inword)) < 0 ||
			    (error = push_cmd(rc, &words, piped)) < 0)
				goto done;
			piped = false;
			p++;
			if (p[1] == '&')
				p++;
			rc->pattern = true;
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
			if ((error = word_putc(&w, *++p)) < 0)
				goto done;
		} else if ((error = word_putc(&w, c)) < 0)
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

/* The value of key `key` ("target") in a --mount flag's comma-separated list, copied
 * into buf, or NULL. */
static const char *mount_field(const char *flag, const char *key, char *buf, size_t n)
{
	size_t k = strlen(key);
	for (const char *p = flag + 8; *p;) {
		size_t len = strcspn(p, ",");
		if (len > k && strncmp(p, key, k) == 0 && p[k] == '=') {
			snprintf(buf, n, "%.*s", (int)(len - k - 1), p + k + 1);
			return buf;
		}
		p += len + (p[len] == ',');
	}
	return NULL;
}

/* A cache or tmpfs mount over `dir` (RUN --mount=type=cache,target=dir) makes cleaning
 * moot. An absolute `dir` matches a target that is dir or one of its parents (or a
 * directory inside it); a relative one any target containing it. */
static bool cache_mount(const vigil_df_instr *in, const char *dir)
{
	for (size_t i = 0; i < in->nflags; i++) {
		char type[32], target[512];
		const char *f = in->flags[i], *t;
		size_t tn, dn = strlen(dir);
		if (strncmp(f, "--mount=", 8) != 0 || !mount_field(f, "type", type, sizeof(type)) ||
		    (!is(type, "cache") && !is(type, "tmpfs")))
			continue;
		if (!(t = mount_field(f, "target", target, sizeof(target))) &&
		    !(t = mount_field(f, "dst", target, sizeof(target))) &&
		    !(t = mount_field(f, "destination", target, sizeof(target))))
			continue;
		tn = strlen(t);
		while (tn > 1 && t[tn - 1] == '/')
			tn--;
		if (dir[0] != '/') {
			if (strstr(t, dir))
				return true;
		} else if ((tn <= dn && strncmp(dir, t, tn) == 0 && (dir[tn] == '/' || !dir[tn])) ||
			   (tn > dn && strncmp(dir, t, dn) == 0 && t[dn] == '/')) {
			return true;
		}
	}
	return false;
}

/* Options of each package tool that consume the next word ("--virtual NAME"). */
static const char *const APT_OPTS[] = {"-o",
				       "-t",
				       "-c",
				       "--option",
				       "--target-release",
				       "--config-file",
				       "-a",
				       "--host-architecture",
				       NULL};
static const char *const APK_OPTS[] = {
	"-t",	  "--virtual",	"-X",	       "--repository",	      "-p", "--root",
	"--arch", "--keys-dir", "--cache-dir", "--repositories-file", NULL};
static const char *const PIP_OPTS[] = {"-r",
				       "--requirement",
				       "-c",
				       "--constraint",
				       "-e",
				       "--editable",
				       "-i",
				       "--index-url",
				       "--extra-index-url",
				       "-f",
				       "--find-links",
				       "--trusted-host",
				       "--root-user-action",
				       "-t",
				       "--target",
				       "--prefix",
				       "--root",
				       "--src",
				       "--upgrade-strategy",
				       "--platform",
				       "--python-version",
				       "--implementation",
				       "--abi",
				       "--progress-bar",
				       "--log",
				       "--proxy",
				       "--retries",
				       "--timeout",
				       "--exists-action",
				       "--cert",
				       "--client-cert",
				       "--cache-dir",
				       "--global-option",
				       "--config-settings",
				       "-C",
				       "--no-binary",
				       "--only-binary",
				       "--report",
				       "--python",
				       NULL};
static const char *const NPM_OPTS[] = {
	"--loglevel",	"--registry", "--prefix", "-w",	       "--workspace",	     "--cache",
	"--userconfig", "--tag",      "--omit",	  "--include", "--install-strategy", "--before",
	"--location",	"--scope",    NULL};
static bool in_list(const char *const *v, const char *a)
{
	for (; v && *v; v++)
		if (is(*v, a))
			return true;
	return false;
}

/* The first package argument after argv[from] that `pinned` rejects, or NULL; options
 * in `opts` take the next word as their value. */
static const char *first_unpinned(const scmd *c, size_t from, const char *const *opts,
				  bool (*pinned)(const char *))
{
	for (size_t i = from; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] == '-') {
			if (!strchr(a, '=') && in_list(opts, a))
				i++;
			continue;
		}
		if (!pinned(a))
			return a;
	}
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A local path, a URL, an archive or an unresolved variable: nothing to pin by name. */
static bool not_a_name(const char *a)
{
	static const char *const ext[] = {".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip",
					  ".whl",    ".deb", ".rpm",	 ".apk",    ".gem"};
	if (a[0] == '.' || a[0] == '/' || a[0] == '~' || a[0] == '$' || strstr(a, "://") ||
	    !strncmp(a, "file:", 5) || !strncmp(a, "git+", 4))
		return true;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(ext); i++)
		if (ends_with(a, ext[i]))
			return true;
	return false;
}

static bool apt_pinned(const char *a)
{
	return strchr(a, '=') || strchr(a, '/') || not_a_name(a);
}

static bool apk_pinned(const char *a)
{
	return strpbrk(a, "=~<>") || not_a_name(a);
}

static bool pip_pinned(const char *a)
{
	return strstr(a, "==") || strstr(a, ">=") || strstr(a, "<=") || strstr(a, "~=") ||
	       strchr(a, '@') || strchr(a, '/') || not_a_name(a);
}

static bool npm_pinned(const char *a)
{
	const char *name = a, *at;
	if (not_a_name(a) || !strncmp(a, "github:", 7))
		return true;
	if (a[0] == '@') { /* @scope/name[@version] */
		const char *slash = strchr(a, '/');
		if (!slash)
			return false;
		name = slash + 1;
	} else if (strchr(a, '/')) { /* user/repo: pinned only with #ref */
		return strchr(a, '#') != NULL;
	}
	at = strchr(name, '@');
	return at && at[1] && strcmp(at + 1, "latest") != 0;
}

static bool is_shell(const char *name)
{
	static const char *const sh[] = {"sh", "bash", "zsh", "ash", "dash", "ksh"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(sh); i++)
		if (is(name, sh[i]))
			return true;
	return false;
}

/* pip, pip3, pip3.12 (not pipx or pipenv). */
static bool is_pip(const char *name)
{
	if (strncmp(name, "pip", 3) != 0)
		return false;
	for (const char *p = name + 3; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
	return true;
}

/* True for 1, on, yes, true (how pip reads its boolean environment variables). */
static bool truthy(const char *v, size_t n)
{
	static const char *const yes[] = {"1", "on", "yes", "true", "y"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(yes); i++)
		if (n == strlen(yes[i]) && strncasecmp(v, yes[i], n) == 0)
			return true;
	return false;
}

/* The value assigned to `name` in shell text ("NAME=value", "export NAME=value"), the
 * last one wins; *n its length. */
static const char *text_assignment(const char *text, const char *name, size_t *n)
{
	size_t k = strlen(name);
	const char *found = NULL;
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		const char *v;
		if ((p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) || p[k] != '=')
			continue;
		v = p + k + 1;
		if (*v == '"' || *v == '\'') {
			const char *e = strchr(v + 1, *v);
			if (!e)
				continue;
			found = v + 1;
			*n = (size_t)(e - v - 1);
		} else {
			found = v;
			*n = strcspn(v, " \t\n;&|)");
		}
	}
	return found;
}

/* Whether the RUN's shell sets pipefail: `set -o pipefail`, `set -eo pipefail`,
 * `bash -o pipefail -c ...` (and not `set +o pipefail`). -1 when the text says
 * nothing, else 0 / 1 as the last such command says. */
static int text_pipefail(const run_ctx *rc)
{
	int r = -1;
	for (size_t i = 0; i < rc->cmds.len; i++) {
		const scmd *c = &VIGIL_VEC_AT(&rc->cmds, scmd, i);
		for (size_t k = 1; k + 1 < c->argc; k++) {
			const char *o = c->argv[k];
			size_t n = strlen(o);
			if (n >= 2 && (o[0] == '-' || o[0] == '+') && o[1] != '-' &&
			    o[n - 1] == 'o' && is(c->argv[k + 1], "pipefail"))
				r = o[0] == '-';
		}
	}
	return r;
}

/* Counts of install commands and of the cleans after them, for the yum / dnf family. */
static bool rpm_install_sub(const char *tool, const char *sc)
{
	static const char *const yum[] = {"install",   "update",       "upgrade",
					  "reinstall", "groupinstall", "localinstall",
					  "downgrade", "group",	       "update-minimal"};
	static const char *const dnf[] = {"in",		 "up",	       "upgrade-minimal",
					  "distro-sync", "distrosync", "dsync"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(yum); i++)
		if (is(sc, yum[i]))
			return true;
	if (strcmp(tool, "yum") != 0)
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(dnf); i++)
			if (is(sc, dnf[i]))
				return true;
	return false;
}

void vigil_df__check_run(df_scan *s, const vigil_df_instr *in, bool pipefail_shell)
{
	run_ctx rc = {0};
	vigil_buf text = VIGIL_BUF_INIT;
	bool apt_update = false, apt_install = false, sudo = false, fetch = false;
	bool rpm_pending = false, rpm_cached;
	const char *rpm_tool = NULL;
	int line = in->line, pf;
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
	rpm_cached = cache_mount(in, "/var/cache/yum") || cache_mount(in, "/var/cache/dnf");
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
				if ((bad = first_unpinned(c, sub + 1, APT_OPTS, apt_pinned)))
					ADD(s, "VGL-DF-006", line,
					    "package '%s' has no version pin", bad);
			}
		}
		if (is(name, "apk") && is(sc, "add")) {
			if (!has_opt(c, "--no-cache") && !cache_mount(in, "/var/cache/apk"))
				ADD(s, "VGL-DF-011", line, "apk add without --no-cache");
			if ((bad = first_unpinned(c, sub + 1, APK_OPTS, apk_pinned)))
				ADD(s, "VGL-DF-012", line, "package '%s' has no version pin", bad);
		}
		size_t pip = c->argc;
		if (is_pip(name))
			pip = 1;
		else if (!strncmp(name, "python", 6) && c->argc > 3 && is(c->argv[1], "-m") &&
			 is_pip(c->argv[2]))
			pip = 3;
		if (pip < c->argc && (sub = subcommand(c, pip)) < c->argc &&
		    is(c->argv[sub], "install")) {
			const char *v;
			size_t vn = 0;
			bool nocache = has_opt(c, "--no-cache-dir") || cache_mount(in, ".cache");
			if (!nocache && (v = text_assignment(rc.text, "PIP_NO_CACHE_DIR", &vn)))
				nocache = truthy(v, vn);
			else if (!nocache && (v = vigil_df__env(s, in, "PIP_NO_CACHE_DIR")))
				nocache = truthy(v, strlen(v));
			if (!nocache)
				ADD(s, "VGL-DF-013", line, "pip install without --no-cache-dir");
			if (!has_opt(c, "-c") && !has_opt(c, "--constraint") &&
			    !strstr(rc.text, "--constraint=") &&
			    !strstr(rc.text, "PIP_CONSTRAINT=") &&
			    (bad = first_unpinned(c, sub + 1, PIP_OPTS, pip_pinned)))
				ADD(s, "VGL-DF-014", line, "package '%s' has no version pin", bad);
		}
		if (is(name, "npm") && (is(sc, "install") || is(sc, "i") || is(sc, "add"))) {
			bool any = false;
			for (size_t k = sub + 1; k < c->argc; k++)
				if (c->argv[k][0] != '-')
					any = true;
				else if (!strchr(c->argv[k], '=') && in_list(NPM_OPTS, c->argv[k]))
					k++;
			if (!any)
				ADD(s, "VGL-DF-015", line, "npm install instead of npm ci");
			else if ((bad = first_unpinned(c, sub + 1, NPM_OPTS, npm_pinned)))
				ADD(s, "VGL-DF-015", line, "package '%s' has no version", bad);
		}
		if ((is(name, "yum") || is(name, "dnf") || is(name, "microdnf")) &&
		    rpm_install_sub(name, sc)) {
			rpm_pending = true;
			rpm_tool = name;
		}
		if ((is(name, "yum") || is(name, "dnf") || is(name, "microdnf")) && is(sc, "clean"))
			rpm_pending = false;
		if (is(name, "rm"))
			for (size_t k = 1; k < c->argc; k++)
				if (!strncmp(c->argv[k], "/var/cache/yum", 14) ||
				    !strncmp(c->argv[k], "/var/cache/dnf", 14))
					rpm_pending = false;
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
		vigil_df__check_cmd(s, in, c->argv, c->argc, name, sc, sub);
	}
	if (sudo)
		ADD(s, "VGL-DF-017", line, "RUN uses sudo");
	if (apt_update && !apt_install)
		ADD(s, "VGL-DF-010", line, "apt-get update without an install in the same RUN");
	/* apt-get dist-clean (apt 2.7, Debian 13's images) removes the lists too */
	if (apt_install && !(strstr(rc.text, "rm ") && strstr(rc.text, "/var/lib/apt/lists")) &&
	    !strstr(rc.text, "apt-get dist-clean") && !strstr(rc.text, "apt dist-clean") &&
	    !cache_mount(in, "/var/lib/apt/lists"))
		ADD(s, "VGL-DF-008", line, "apt-get install without removing /var/lib/apt/lists");
	if (rpm_pending && !rpm_cached)
		ADD(s, "VGL-DF-016", line, "%s install without a clean all after it", rpm_tool);
	pf = text_pipefail(&rc);
	if (rc.has_pipe && !in->json && (pf == 0 || (pf < 0 && !pipefail_shell)))
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
