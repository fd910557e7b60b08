/*
 * dfmore.c - Dockerfile checks of the kind hadolint applies (DLxxxx in the table):
 * per shell command of a RUN (apt, yum / dnf / zypper, gem, go, yarn, pointless
 * commands), per instruction (COPY destinations and sources, FROM --platform, ENV,
 * LABEL keys) and per stage (names, USER).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/dfcheck.h"

static bool has(const char *const *argv, size_t argc, const char *opt)
{
	for (size_t i = 0; i < argc; i++)
		if (is(argv[i], opt))
			return true;
	return false;
}

/* An option given as --name=value. */
static bool has_prefix_opt(const char *const *argv, size_t argc, const char *prefix)
{
	for (size_t i = 0; i < argc; i++)
		if (!strncmp(argv[i], prefix, strlen(prefix)))
			return true;
	return false;
}

/* A short option cluster ("-qy") that contains flag letter c. */
static bool has_short(const char *const *argv, size_t argc, char c)
{
	for (size_t i = 0; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '-' && strchr(argv[i] + 1, c))
			return true;
	return false;
}

/* rpm-style pins (yum, dnf, zypper): name-1.2, name=1.2, name>=1, a file or a glob. */
static bool rpm_pinned(const char *a)
{
	const char *dash = strrchr(a, '-');
	return strpbrk(a, "=<>*$/") || (dash && isdigit((unsigned char)dash[1])) ||
	       strstr(a, ".rpm");
}

static const char *const RPM_OPTS[] = {"-c",
				       "--config",
				       "--installroot",
				       "--releasever",
				       "--enablerepo",
				       "--disablerepo",
				       "--repo",
				       "--repoid",
				       "--setopt",
				       "-x",
				       "--exclude",
				       "-d",
				       "--debuglevel",
				       "-e",
				       "--errorlevel",
				       "-r",
				       "--from",
				       "-t",
				       "--type",
				       NULL};

static bool in_opts(const char *a)
{
	for (size_t i = 0; RPM_OPTS[i]; i++)
		if (is(RPM_OPTS[i], a))
			return true;
	return false;
}

/* First package argument after `from` that is not pinned, or NULL. */
static const char *rpm_unpinned(const char *const *argv, size_t argc, size_t from)
{
	for (size_t i = from; i < argc; i++) {
		if (argv[i][0] == '-') {
			if (!strchr(argv[i], '=') && in_opts(argv[i]))
				i++;
			continue;
		}
		if (!rpm_pinned(argv[i]))
			return argv[i];
	}
	return NULL;
}

void vigil_df__check_cmd(df_scan *s, const vigil_df_instr *in, const char *const *argv, size_t argc,
			 const char *name, const char *sc, size_t sub)
{
	static const char *const pointless[] = {
		"ssh",	     "vim", "vi",   "nano", "shutdown", "reboot", "service",
		"systemctl", "ps",  "free", "top",  "kill",	"mount",  "ifconfig"};
	int line = in->line;
	const char *bad;
	if (is(name, "wget") && !s->wget_line)
		s->wget_line = line;
	if (is(name, "wget") && !has(argv, argc, "-q") && !has(argv, argc, "--quiet") &&
	    !has(argv, argc, "-nv") && !has(argv, argc, "--no-verbose") &&
	    !has_short(argv, argc, 'q')) {
		bool progress = false;
		for (size_t i = 1; i < argc; i++)
			progress |= !strncmp(argv[i], "--progress", 10);
		if (!progress)
			ADD(s, "VGL-DF-053", line,
			    "wget without --progress (or -q) floods the build log");
	}
	if (is(name, "curl") && !s->curl_line)
		s->curl_line = line;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(pointless); i++)
		if (is(name, pointless[i]) && !(is(name, "systemctl") && is(sc, "enable")))
			ADD(s, "VGL-DF-035", line,
			    "RUN calls %s, which does nothing useful in a build", name);
	if (is(name, "apt-get") && is(sc, "install") && !has(argv, argc, "--yes") &&
	    !has(argv, argc, "--assume-yes") && !has_short(argv, argc, 'y') &&
	    !has(argv, argc, "-qq") && !strstr(in->args, "APT::Get::Assume-Yes"))
		ADD(s, "VGL-DF-033", line, "apt-get install without -y");
	if (is(name, "apt") && *sc)
		ADD(s, "VGL-DF-034", line, "apt %s: use apt-get in scripts", sc);
	/* gem install --file Gemfile (-g) installs what the Gemfile and its lock name */
	if (is(name, "gem") && (is(sc, "install") || is(sc, "i")) && !has(argv, argc, "-v") &&
	    !has(argv, argc, "--version") && !has(argv, argc, "--file") && !has(argv, argc, "-g") &&
	    !has_prefix_opt(argv, argc, "--file="))
		for (size_t i = sub + 1; i < argc; i++) {
			if (argv[i][0] == '-') {
				if (is(argv[i], "-i") || is(argv[i], "--install-dir") ||
				    is(argv[i], "-n") || is(argv[i], "--bindir") ||
				    is(argv[i], "--source") || is(argv[i], "-s") ||
				    is(argv[i], "--platform") || is(argv[i], "-P") ||
				    is(argv[i], "--trust-policy") || is(argv[i], "--target"))
					i++;
				continue;
			}
			if (!strchr(argv[i], ':') && argv[i][0] != '$' &&
			    !strstr(argv[i], ".gem")) {
				ADD(s, "VGL-DF-041", line, "gem %s has no version", argv[i]);
				break;
			}
		}
	if ((is(name, "yum") || is(name, "dnf") || is(name, "zypper")) &&
	    (is(sc, "install") || is(sc, "in") || is(sc, "groupinstall") ||
	     is(sc, "localinstall"))) {
		bool yes = has(argv, argc, "--assumeyes") || has_short(argv, argc, 'y') ||
			   has(argv, argc, "--non-interactive") ||
			   has(argv, argc, "--no-confirm") ||
			   (is(name, "zypper") && has_short(argv, argc, 'n'));
		if (!yes)
			ADD(s, "VGL-DF-042", line, "%s %s without -y", name, sc);
		if ((bad = rpm_unpinned(argv, argc, sub + 1)))
			ADD(s, "VGL-DF-043", line, "package '%s' has no version pin", bad);
	}
	if (is(name, "zypper") && (is(sc, "dist-upgrade") || is(sc, "dup")))
		ADD(s, "VGL-DF-044", line, "zypper %s", sc);
	if (is(name, "zypper") && (is(sc, "install") || is(sc, "in")) &&
	    !strstr(in->args, "zypper clean") && !strstr(in->args, "zypper cc") &&
	    !strstr(in->args, "zypper -n clean") && !strstr(in->args, "/var/cache/zypp"))
		ADD(s, "VGL-DF-045", line, "zypper install without zypper clean");
	if (is(name, "yarn") && (argc == 1 || is(sc, "install") || is(sc, "add")) &&
	    !strstr(in->args, "yarn cache clean") && !strstr(in->raw, "cache/yarn") &&
	    !strstr(in->raw, ".yarn"))
		ADD(s, "VGL-DF-046", line, "yarn %s without yarn cache clean",
		    *sc ? sc : "install");
	if (is(name, "go") && is(sc, "install"))
		for (size_t i = sub + 1; i < argc; i++)
			if (argv[i][0] != '-' && argv[i][0] != '.' && argv[i][0] != '$' &&
			    !strchr(argv[i], '@')) {
				ADD(s, "VGL-DF-047", line, "go install %s without @version",
				    argv[i]);
				break;
			}
	if (is(name, "ln") && argc >= 3 && has_short(argv, argc, 's') &&
	    (is(argv[argc - 1], "/bin/sh") || is(argv[argc - 1], "/usr/bin/sh")))
		ADD(s, "VGL-DF-051", line, "ln -s over %s instead of SHELL", argv[argc - 1]);
}

/* COPY and ADD: several sources need a directory destination; a relative destination
 * needs a WORKDIR; --from must name a stage; "/" from a stage copies a whole system. */
static void check_copy(df_scan *s, const vigil_df_instr *in, int st)
{
	const char *from = vigil_df__flag(in, "from"), *dest;
	size_t nsrc;
	if (in->argc < 2)
		return;
	dest = in->argv[in->argc - 1];
	nsrc = in->argc - 1;
	if (nsrc > 1 && !strchr(dest, '$') && dest[strlen(dest) - 1] != '/' && !in->nheredocs)
		ADD(s, "VGL-DF-036", in->line, "%s of %zu sources to %s: end it with /", in->cmd,
		    nsrc, dest);
	if (dest[0] != '/' && dest[0] != '$' && dest[0] != '\\' &&
	    !(isalpha((unsigned char)dest[0]) && dest[1] == ':') && !s->workdir &&
	    !((is(dest, ".") || is(dest, "./")) && in->stage >= 0 &&
	      !strcasecmp(s->df->stages[in->stage].image, "scratch")))
		ADD(s, "VGL-DF-048", in->line, "%s to relative %s without a WORKDIR", in->cmd,
		    dest);
	if (from && *from && !strchr(from, '$')) {
		int ref = vigil_df__stage_ref(s->df, from, st);
		if (ref < 0 && !strpbrk(from, ":/@.") &&
		    vigil_df__stage_ref(s->df, from, (int)s->df->nstages) != st)
			ADD(s, "VGL-DF-037", in->line,
			    "COPY --from=%s names no earlier stage (an image needs a tag)", from);
		for (size_t i = 0; i < nsrc; i++)
			if (is(in->argv[i], "/") || is(in->argv[i], "/."))
				ADD(s, "VGL-DF-054", in->line,
				    "COPY --from=%s copies its whole root", from);
	}
}

/* ENV a=1 b=$a: b does not see a (DL3044). Variables set before the instruction were
 * already substituted, so a `$a` left in a value names one of this ENV. */
static void check_env_self(df_scan *s, const vigil_df_instr *in)
{
	for (size_t i = 1; i < in->argc; i++) {
		const char *v = strchr(in->argv[i], '=');
		if (!v)
			return; /* legacy form: ENV key value */
		for (const char *p = strchr(v, '$'); p; p = strchr(p + 1, '$')) {
			const char *nm = p + 1 + (p[1] == '{');
			size_t k = 0;
			while (isalnum((unsigned char)nm[k]) || nm[k] == '_')
				k++;
			for (size_t j = 0; k && j < i; j++)
				if (!strncmp(in->argv[j], nm, k) && in->argv[j][k] == '=') {
					ADD(s, "VGL-DF-038", in->line,
					    "ENV refers to %.*s, set in the same ENV", (int)k, nm);
					return;
				}
		}
	}
}

/* A label key: lower-case alphanumerics, '.' and '-', starting and ending with one of
 * the first, and not in Docker's reserved namespaces (DL3048). */
static bool label_key_ok(const char *k)
{
	size_t n = strlen(k);
	if (!n || !isalnum((unsigned char)k[0]) || !isalnum((unsigned char)k[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)k[i]) || isdigit((unsigned char)k[i]) || k[i] == '.' ||
		      k[i] == '-') ||
		    ((k[i] == '.' || k[i] == '-') && (k[i + 1] == '.' || k[i + 1] == '-')))
			return false;
	return strncmp(k, "com.docker.", 11) && strncmp(k, "io.docker.", 10) &&
	       strncmp(k, "org.dockerproject.", 18);
}

void vigil_df__check_step(df_scan *s, const vigil_df_instr *in, int st)
{
	if (is(in->cmd, "WORKDIR"))
		s->workdir = true;
	if (is(in->cmd, "COPY") || is(in->cmd, "ADD"))
		check_copy(s, in, st);
	if (is(in->cmd, "ENV"))
		check_env_self(s, in);
	if (is(in->cmd, "FROM")) {
		const char *p = vigil_df__flag(in, "platform");
		if (p && *p && !strchr(p, '$'))
			ADD(s, "VGL-DF-040", in->line,
			    "FROM --platform=%s: let the build choose the platform", p);
	}
	if (is(in->cmd, "LABEL"))
		for (size_t i = 0; i < in->argc; i++) {
			char key[256];
			size_t k = strcspn(in->argv[i], "=");
			if (!in->argv[i][k])
				continue; /* a value of the legacy form */
			snprintf(key, sizeof(key), "%.*s", (int)(k < 255 ? k : 255), in->argv[i]);
			if (!strchr(key, '$') && !label_key_ok(key))
				ADD(s, "VGL-DF-050", in->line, "label key '%s' is not valid", key);
		}
	if (is(in->cmd, "RUN")) {
		if (s->last_run && s->last_run->stage == in->stage && !in->nflags &&
		    !s->last_run->nflags && !in->nheredocs && !s->last_run->nheredocs)
			ADD(s, "VGL-DF-052", in->line, "RUN right after the RUN of line %d",
			    s->last_run->line);
		s->last_run = in;
	} else if (!is(in->cmd, "ONBUILD")) {
		s->last_run = NULL;
	}
}

/* Label keys of the stage chain that ends in `st`, for the required-label setting. */
static bool stage_has_label(const vigil_df *df, int st, const char *key)
{
	size_t n = strlen(key);
	for (int hops = 0; st >= 0 && hops < 64; hops++) {
		const vigil_df_stage *g = &df->stages[st];
		int parent = -1;
		for (size_t i = g->first; i < g->first + g->count; i++)
			if (is(df->ins[i].cmd, "LABEL"))
				for (size_t a = 0; a < df->ins[i].argc; a++)
					if (!strncmp(df->ins[i].argv[a], key, n) &&
					    df->ins[i].argv[a][n] == '=')
						return true;
		for (int i = st - 1; i >= 0; i--)
			if (df->stages[i].name && !strcasecmp(df->stages[i].name, g->image))
				parent = i;
		st = parent;
	}
	return false;
}

void vigil_df__check_stage(df_scan *s, int st, bool final)
{
	const vigil_df *df = s->df;
	const vigil_df_stage *g = &df->stages[st];
	const char *req;
	if (g->name) {
		if (is(g->name, "scratch") || is(g->name, "context"))
			ADD(s, "VGL-DF-039", g->line, "stage name %s is reserved", g->name);
		else
			for (int i = 0; i < st; i++)
				if (df->stages[i].name && is(df->stages[i].name, g->name)) {
					ADD(s, "VGL-DF-039", g->line,
					    "stage name %s is already used on line %d", g->name,
					    df->stages[i].line);
					break;
				}
	}
	if (!final)
		return;
	if (s->final_user && s->final_user->argc) {
		/* runAsNonRoot can only verify a numeric UID */
		const char *u = s->final_user->argv[0];
		size_t k = strcspn(u, ":");
		bool numeric = k > 0;
		for (size_t i = 0; i < k; i++)
			numeric &= isdigit((unsigned char)u[i]) != 0;
		/* root is VGL-DF-001's; Windows accounts (ContainerUser, DOMAIN\\user, any
		 * user of a Windows image) have no UID and Kubernetes checks them by
		 * runAsUserName instead */
		bool windows = s->final_windows ||
			       (k == 13 && !strncasecmp(u, "ContainerUser", k)) ||
			       (k == 22 && !strncasecmp(u, "ContainerAdministrator", k)) ||
			       memchr(u, '\\', k);
		if (!numeric && !windows && !strchr(u, '$') && !(k == 4 && !strncmp(u, "root", 4)))
			ADD(s, "VGL-DF-055", s->final_user->line,
			    "USER %s is a name; Kubernetes' runAsNonRoot needs a numeric UID", u);
	}
	if (s->wget_line && s->curl_line)
		ADD(s, "VGL-DF-049", s->wget_line > s->curl_line ? s->wget_line : s->curl_line,
		    "both wget (line %d) and curl (line %d) are used", s->wget_line, s->curl_line);
	if ((req = vigil_config__setting(s->opts, "VGL-DF-050", "required")))
		for (const char *p = req; *p;) {
			char key[256];
			size_t k = strcspn(p, ",");
			snprintf(key, sizeof(key), "%.*s", (int)(k < 255 ? k : 255), p);
			if (*key && !stage_has_label(df, st, key))
				ADD(s, "VGL-DF-050", g->line, "required label %s is missing", key);
			p += k + (p[k] == ',');
		}
}
