/*
 * cliopts.c - what every command's option parsing goes through (cli.h maps getopt_long to
 * cli_getopt, so a command added later is covered without a change):
 *   - long options must be spelled out exactly: getopt_long's abbreviations are refused
 *     (`--fail-on=high` must not become `--fail-on-stale-db`);
 *   - each long option of the command can also come from a VIGIL_<NAME> environment
 *     variable and from the config file (./vigil.yaml, --config FILE, $VIGIL_CONFIG);
 *     a command-line option wins over the environment, which wins over the file;
 *   - the options every command shares (--config, --quiet, --no-progress, --timeout) are
 *     taken out of argv before the command sees them (cli_globals).
 * docs/ci.md documents the rules.
 */
#define CLI_OPTS_IMPL
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "../lib/util/util.h"
#include "cli.h"

const char *cli_cmd = "";
int cli_quiet;
unsigned cli_timeout;

/* ---- the config file ---------------------------------------------------------------- */

typedef struct cfg_entry {
	char *section; /* "" for top level, else a command name */
	char *key;     /* the long option's name ('_' turned into '-') */
	char *value;   /* one value; a sequence gives one entry per item */
	int line;
} cfg_entry;

static cfg_entry *cfg;
static size_t ncfg;
static char cfg_path[4096];

#define CFG_MAX_SIZE (1 << 20)
#define CFG_MAX_ENTRIES 4096

static void cfg_die(int line, const char *msg)
{
	fprintf(stderr, "vigil: error: %s:%d: %s\n", cfg_path, line, msg);
	exit(EXIT_ERR);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d) {
		fputs("vigil: error: out of memory\n", stderr);
		exit(EXIT_ERR);
	}
	return d;
}

static void cfg_add(const char *section, const char *key, const char *value, int line)
{
	if (ncfg >= CFG_MAX_ENTRIES)
		cfg_die(line, "too many settings (at most 4096)");
	cfg_entry *n = realloc(cfg, (ncfg + 1) * sizeof(*cfg));
	if (!n)
		cfg_die(line, "out of memory");
	cfg = n;
	cfg[ncfg].section = xstrdup(section);
	cfg[ncfg].key = xstrdup(key);
	for (char *p = cfg[ncfg].key; *p; p++)
		if (*p == '_')
			*p = '-';
	cfg[ncfg].value = xstrdup(value);
	cfg[ncfg].line = line;
	ncfg++;
}

/* A scalar or a sequence of scalars under `key`. */
static void cfg_value(yaml_document_t *d, const char *section, const char *key, yaml_node_t *v)
{
	int line = (int)v->start_mark.line + 1;
	if (v->type == YAML_SCALAR_NODE) {
		cfg_add(section, key, (const char *)v->data.scalar.value, line);
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		cfg_die(line, "a setting's value must be a scalar or a list of scalars");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *x = yaml_document_get_node(d, *it);
		if (!x || x->type != YAML_SCALAR_NODE)
			cfg_die(line, "a list's items must be scalars");
		cfg_add(section, key, (const char *)x->data.scalar.value,
			(int)x->start_mark.line + 1);
	}
}

static void cfg_mapping(yaml_document_t *d, const char *section, yaml_node_t *m)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		yaml_node_t *v = yaml_document_get_node(d, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			cfg_die(m ? (int)m->start_mark.line + 1 : 1, "keys must be option names");
		const char *key = (const char *)k->data.scalar.value;
		if (v->type == YAML_MAPPING_NODE) {
			if (*section)
				cfg_die((int)k->start_mark.line + 1,
					"command sections cannot be nested");
			cfg_mapping(d, key, v);
		} else {
			cfg_value(d, section, key, v);
		}
	}
}

/* Reads the config file: `path`, else $VIGIL_CONFIG, else ./vigil.yaml when it exists. */
static void cfg_load(const char *path)
{
	int required = 1;
	if (!path || !*path)
		path = getenv("VIGIL_CONFIG");
	if (!path || !*path) {
		path = "vigil.yaml";
		required = 0;
	}
	snprintf(cfg_path, sizeof(cfg_path), "%s", path);
	FILE *f = vigil_fopen_regular(path);
	if (!f) {
		if (!required && errno == ENOENT)
			return;
		fprintf(stderr, "vigil: error: cannot read the config file %s: %s\n", path,
			vigil_open_strerror(errno));
		exit(EXIT_ERR);
	}
	/* static storage: a cfg_die (exit) below must not leave it unreachable (LSan) */
	static char *buf;
	buf = malloc(CFG_MAX_SIZE + 1);
	size_t n = buf ? fread(buf, 1, CFG_MAX_SIZE + 1, f) : 0;
	fclose(f);
	if (!buf)
		cfg_die(0, "out of memory");
	if (n > CFG_MAX_SIZE)
		cfg_die(0, "larger than 1 MiB");
	yaml_parser_t p;
	yaml_document_t d;
	if (!yaml_parser_initialize(&p))
		cfg_die(0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, n);
	if (!yaml_parser_load(&p, &d)) {
		char msg[256];
		snprintf(msg, sizeof(msg), "not valid YAML: %s",
			 p.problem ? p.problem : "parse error");
		int line = (int)p.problem_mark.line + 1;
		yaml_parser_delete(&p);
		cfg_die(line, msg);
	}
	yaml_node_t *root = yaml_document_get_root_node(&d);
	if (root && root->type == YAML_MAPPING_NODE)
		cfg_mapping(&d, "", root);
	else if (root && !(root->type == YAML_SCALAR_NODE && !root->data.scalar.length))
		cfg_die(1, "the top level must be a mapping of option names to values");
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	free(buf);
	buf = NULL;
}

/* The config file's values for `key`: the command's own section when it has the key,
 * else the top level. Returns how many, and the first index in *first. */
static size_t cfg_find(const char *key, size_t idx[64])
{
	size_t n = 0;
	for (int pass = 0; pass < 2 && n == 0; pass++)
		for (size_t i = 0; i < ncfg && n < 64; i++)
			if (strcmp(cfg[i].key, key) == 0 &&
			    strcmp(cfg[i].section, pass == 0 ? cli_cmd : "") == 0)
				idx[n++] = i;
	return n;
}

/* ---- environment values ------------------------------------------------------------- */

/* VIGIL_ + the option name in capitals with '-' as '_'. */
static void env_name(char *out, size_t n, const char *opt)
{
	size_t k = (size_t)snprintf(out, n, "VIGIL_");
	for (; *opt && k + 1 < n; opt++)
		out[k++] =
			*opt == '-' ? '_' : (char)(*opt >= 'a' && *opt <= 'z' ? *opt - 32 : *opt);
	out[k] = '\0';
}

/* 1 true, 0 false, -1 neither. */
static int parse_bool(const char *v)
{
	static const char *const T[] = {"1", "true", "yes", "on"};
	static const char *const F[] = {"0", "false", "no", "off", ""};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(T); i++)
		if (strcasecmp(v, T[i]) == 0)
			return 1;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(F); i++)
		if (strcasecmp(v, F[i]) == 0)
			return 0;
	return -1;
}

/* Environment variables that already mean something else in Vigil's tools. */
static int env_reserved(const char *name)
{
	return strcmp(name, "VIGIL_CACHE") == 0;
}

/* ---- the getopt wrapper ------------------------------------------------------------- */

static struct {
	char *const *argv; /* the command's argv this session parses */
	int phase;	   /* 0 the command line, 1 the added options, 2 done */
	int saved_optind;
	int argc2;
	char **argv2;  /* "vigil" + the options from the environment and the file */
	char **origin; /* per argv2 element: "VIGIL_X" or "FILE:LINE" */
} st;

static void usage_die(const char *msg, const char *opt, const char *hint)
{
	fprintf(stderr, "vigil: error: %s '%s'%s\nRun 'vigil %s --help' for usage.\n", msg, opt,
		hint ? hint : "", cli_cmd);
	exit(EXIT_ERR);
}

static const struct option *find_long(const struct option *lo, const char *name, size_t len)
{
	for (; lo && lo->name; lo++)
		if (strlen(lo->name) == len && strncmp(lo->name, name, len) == 0)
			return lo;
	return NULL;
}

/* Refuses abbreviated and unknown long options on the command line; marks in `seen`
 * the options given there. */
static void check_cmdline(int argc, char *const *argv, const char *shortopts,
			  const struct option *lo, unsigned char *seen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] == '-') {
			const char *name = a + 2;
			size_t len = strcspn(name, "=");
			const struct option *o = find_long(lo, name, len);
			if (!o) {
				char opt[128], hint[256] = "";
				snprintf(opt, sizeof(opt), "--%.*s", (int)(len < 100 ? len : 100),
					 name);
				for (const struct option *p = lo; p && p->name; p++)
					if (len && strncmp(p->name, name, len) == 0) {
						snprintf(hint, sizeof(hint),
							 " (options must be spelled out in full: "
							 "did you mean --%s?)",
							 p->name);
						break;
					}
				usage_die("unknown option", opt, hint);
			}
			seen[o - lo] = 1;
			if (o->has_arg == required_argument && !name[len])
				i++;
		} else if (a[0] == '-' && a[1]) {
			for (const char *c = a + 1; *c; c++) {
				const char *s = strchr(shortopts, *c);
				if (s && *c != ':' && s[1] == ':') {
					if (!c[1])
						i++;
					break;
				}
			}
		}
	}
}

static void add2(const char *arg, const char *origin)
{
	char **a = realloc(st.argv2, (size_t)(st.argc2 + 2) * sizeof(char *));
	char **o = a ? realloc(st.origin, (size_t)(st.argc2 + 2) * sizeof(char *)) : NULL;
	if (!a || !o) {
		fputs("vigil: error: out of memory\n", stderr);
		exit(EXIT_ERR);
	}
	st.argv2 = a;
	st.origin = o;
	a[st.argc2] = xstrdup(arg);
	o[st.argc2] = xstrdup(origin);
	a[++st.argc2] = NULL;
}

/* Adds --NAME[=VALUE] for one option from `origin`, with VALUE checked for flags. */
static void add_opt(const struct option *o, const char *value, const char *origin)
{
	char buf[8192];
	size_t need = strlen(value) + strlen(o->name) + 4;
	if (o->has_arg == no_argument) {
		int b = parse_bool(value);
		if (b < 0) {
			fprintf(stderr, "vigil: error: %s: --%s takes true or false, not '%s'\n",
				origin, o->name, value);
			exit(EXIT_ERR);
		}
		if (!b)
			return;
		snprintf(buf, sizeof(buf), "--%s", o->name);
	} else {
		if (need > sizeof(buf)) {
			fprintf(stderr, "vigil: error: %s: the value of --%s is too long\n", origin,
				o->name);
			exit(EXIT_ERR);
		}
		memcpy(buf, "--", 2);
		memcpy(buf + 2, o->name, strlen(o->name));
		buf[2 + strlen(o->name)] = '=';
		memcpy(buf + 3 + strlen(o->name), value, strlen(value) + 1);
	}
	add2(buf, origin);
}

static void session_start(int argc, char *const *argv, const char *shortopts,
			  const struct option *lo)
{
	size_t nlo = 0;
	while (lo && lo[nlo].name)
		nlo++;
	unsigned char *seen = calloc(nlo + 1, 1);
	if (!seen) {
		fputs("vigil: error: out of memory\n", stderr);
		exit(EXIT_ERR);
	}
	for (int i = 0; i < st.argc2; i++) {
		free(st.argv2[i]);
		free(st.origin[i]);
	}
	st.argc2 = 0;
	st.argv = argv;
	st.phase = 0;
	check_cmdline(argc, argv, shortopts, lo, seen);
	add2("vigil", "");
	for (size_t i = 0; i < nlo; i++) {
		const struct option *o = &lo[i];
		char env[160], origin[4200];
		const char *v;
		size_t idx[64], n;
		if (seen[i] || strcmp(o->name, "help") == 0 ||
		    strcmp(o->name, "password-stdin") == 0)
			continue;
		env_name(env, sizeof(env), o->name);
		if (!env_reserved(env) && (v = getenv(env)) != NULL) {
			add_opt(o, v, env);
			continue;
		}
		n = cfg_find(o->name, idx);
		for (size_t k = 0; k < n; k++) {
			snprintf(origin, sizeof(origin), "%s:%d", cfg_path, cfg[idx[k]].line);
			add_opt(o, cfg[idx[k]].value, origin);
		}
	}
	free(seen);
}

const char *cli_opt_origin(void)
{
	if (st.phase != 1 || optind < 1 || optind > st.argc2)
		return NULL;
	return st.origin[optind - 1];
}

int cli_getopt(int argc, char *const *argv, const char *shortopts, const struct option *lo,
	       int *longindex)
{
	int o;
	if (argv != st.argv || st.phase == 2)
		session_start(argc, argv, shortopts, lo);
	if (st.phase == 0) {
		if ((o = getopt_long(argc, argv, shortopts, lo, longindex)) != -1)
			return o;
		if (st.argc2 <= 1) {
			st.phase = 2;
			return -1;
		}
		st.saved_optind = optind;
		optind = 0; /* GNU getopt: start over on the new vector */
		st.phase = 1;
	}
	if ((o = getopt_long(st.argc2, st.argv2, shortopts, lo, longindex)) != -1)
		return o;
	optind = st.saved_optind;
	st.phase = 2;
	return -1;
}

/* ---- options every command shares --------------------------------------------------- */

static void on_alarm(int sig)
{
	static const char msg[] = "vigil: error: timed out (--timeout); raise it or scan less\n";
	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(EXIT_ERR);
}

/* "90", "90s", "5m", "1h", "1h30m" -> seconds; 0 on error. */
static unsigned parse_duration(const char *s)
{
	unsigned long total = 0;
	if (!*s)
		return 0;
	while (*s) {
		if (*s < '0' || *s > '9')
			return 0;
		unsigned long n = 0;
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (unsigned long)(*s++ - '0');
			if (n > 100000000UL)
				return 0;
		}
		unsigned long mul = *s == 'h' ? 3600 : *s == 'm' ? 60 : 1;
		if (*s == 'h' || *s == 'm' || *s == 's')
			s++;
		else if (*s)
			return 0;
		total += n * mul;
		if (total > 100000000UL)
			return 0;
	}
	return (unsigned)total;
}

/* The command whose --timeout means the whole run (db update has its own). */
static int timeout_applies(const char *cmd)
{
	static const char *const CMDS[] = {"scan",  "sbom", "ls",     "inspect", "config",
					   "audit", "pull", "verify", "convert"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(CMDS); i++)
		if (strcmp(cmd, CMDS[i]) == 0)
			return 1;
	return 0;
}

/* One shared setting: the command line, else VIGIL_X, else the config file. */
static const char *global_value(const char *cmdline, const char *env, const char *key)
{
	size_t idx[64];
	const char *v;
	if (cmdline)
		return cmdline;
	if ((v = getenv(env)) != NULL)
		return v;
	if (cfg_find(key, idx))
		return cfg[idx[0]].value;
	return NULL;
}

void cli_globals(int *argc, char **argv)
{
	const char *config = NULL, *timeout = NULL, *quiet = NULL, *noprog = NULL;
	int j = 1, i;
	cli_cmd = *argc > 1 ? argv[1] : "";
	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--config") == 0 || strcmp(a, "--timeout") == 0) {
			int is_timeout = a[2] == 't';
			if (is_timeout && !timeout_applies(cli_cmd)) {
				argv[j++] = argv[i];
				continue;
			}
			if (i + 1 >= *argc)
				usage_die("missing the value of", a, NULL);
			*(is_timeout ? &timeout : &config) = argv[++i];
			continue;
		}
		if (strncmp(a, "--config=", 9) == 0) {
			config = a + 9;
			continue;
		}
		if (strncmp(a, "--timeout=", 10) == 0 && timeout_applies(cli_cmd)) {
			timeout = a + 10;
			continue;
		}
		if (strcmp(a, "--no-progress") == 0) {
			noprog = "true";
			continue;
		}
		if (strcmp(a, "--quiet") == 0) {
			quiet = "true";
			continue;
		}
		argv[j++] = argv[i];
	}
	for (; i < *argc; i++)
		argv[j++] = argv[i];
	argv[j] = NULL;
	*argc = j;
	cfg_load(config);
	const char *v;
	if ((v = global_value(noprog, "VIGIL_NO_PROGRESS", "no-progress")) && parse_bool(v) > 0)
		cli_quiet = 1;
	if ((v = global_value(quiet, "VIGIL_QUIET", "quiet")) && parse_bool(v) > 0)
		cli_quiet = 1;
	if (timeout_applies(cli_cmd) &&
	    (v = global_value(timeout, "VIGIL_TIMEOUT", "timeout")) != NULL) {
		if (!(cli_timeout = parse_duration(v)))
			usage_die("--timeout takes a duration such as 90s, 5m or 1h, not", v, NULL);
		signal(SIGALRM, on_alarm);
		alarm(cli_timeout);
	}
}

/* A command whose config file is its own (vigil serve): every key at the top level and
 * in the command's section must be one of its options or a shared one; anything else
 * is an error with FILE:LINE. Other commands' sections are left alone. */
void cli_config_strict(const char *section, const struct option *lo)
{
	static const char *const SHARED[] = {"config", "quiet", "no-progress", "timeout"};
	for (size_t i = 0; i < ncfg; i++) {
		if (*cfg[i].section && strcmp(cfg[i].section, section) != 0)
			continue;
		int known = find_long(lo, cfg[i].key, strlen(cfg[i].key)) != NULL &&
			    strcmp(cfg[i].key, "help") != 0;
		for (size_t k = 0; !known && k < VIGIL_ARRAY_LEN(SHARED); k++)
			known = strcmp(cfg[i].key, SHARED[k]) == 0;
		if (!known) {
			char msg[200];
			snprintf(msg, sizeof(msg), "unknown key '%.100s' for vigil %s", cfg[i].key,
				 section);
			cfg_die(cfg[i].line, msg);
		}
	}
}
