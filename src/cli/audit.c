/*
 * audit.c - vigil audit host: the CIS Docker Benchmark checks of a Docker host (daemon
 * settings, file ownership and modes, audit rules) and of its running containers
 * (`docker inspect` JSON), printed as a table or JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/util.h"
#include "cli.h"

void help_audit(void)
{
	printf("Usage: vigil audit host [--root DIR] [--docker-inspect FILE] [options]\n"
	       "\n"
	       "Audit a Docker host against the CIS Docker Benchmark (v1.6) checks that can be\n"
	       "read from files, without talking to the daemon:\n"
	       "  - /etc/docker/daemon.json settings (section 2: icc, userns-remap, live-restore,\n"
	       "    no-new-privileges, log driver, insecure registries, TLS, userland proxy, ...)\n"
	       "  - owner and mode of docker.service, docker.socket, /etc/docker, daemon.json,\n"
	       "    /etc/default/docker, the docker and containerd sockets, registry and TLS\n"
	       "    certificates (section 3)\n"
	       "  - audit rules for the Docker paths in /etc/audit/rules.d/*.rules and\n"
	       "    /etc/audit/audit.rules (section 1.1)\n"
	       "  - with --docker-inspect, the runtime of each container (section 5): privileged,\n"
	       "    capabilities, host namespaces, sensitive mounts, limits, read-only root,\n"
	       "    seccomp / AppArmor, no-new-privileges, restart policy, published ports\n"
	       "Files are read below --root as if it were '/': symbolic links never lead out.\n"
	       "\n"
	       "Options:\n"
	       "  --root DIR             the host's root directory (default /)\n"
	       "  --docker-inspect FILE  output of 'docker inspect $(docker ps -q)'\n"
	       "  --format FORMAT        table (default), json, sarif (file and line of each\n"
	       "                         finding) or junit\n"
	       "  --policy FILE          a policy file; its 'checks:' section (skip, severity)\n"
	       "                         applies, see docs/policy.md\n"
	       "  --skip ID,...          checks to leave out (VGL-HOST-007,VGL-CTR-013)\n"
	       "  --severity-of ID=SEV   change a check's severity (repeatable; wins over the\n"
	       "                         policy)\n"
	       "  --exit-code N          exit with N when there is any finding\n"
	       "  --output FILE          write the report to FILE instead of stdout\n"
	       "  --list-checks          print the host and container checks and exit\n"
	       "\n"
	       "Exit status: 0 (or N with --exit-code when something was found), 2 on error.\n");
}

/* Splits a comma-separated list into a NULL-terminated array (strings point into s). */
static const char **split(char *s, size_t *n)
{
	size_t k = 1;
	for (char *p = s; *p; p++)
		k += *p == ',';
	const char **v = calloc(k + 1, sizeof(*v));
	if (!v)
		return NULL;
	*n = 0;
	for (char *p = s; p;) {
		char *c = strchr(p, ',');
		if (c)
			*c = 0;
		if (*p)
			v[(*n)++] = p;
		p = c ? c + 1 : NULL;
	}
	return v;
}

static const char *sev_name(const char *s)
{
	static const char *const all[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(all); i++)
		if (strcasecmp(s, all[i]) == 0)
			return all[i];
	return NULL;
}

static void print_json(FILE *out, const vigil_config_result *r, const char *root,
		       const char *inspect)
{
	vigil_jsonw w;
	size_t counts[4] = {0};
	static const char *const sevs[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
	vigil_jsonw_init(&w, out, 64);
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "root");
	vigil_jsonw_str(&w, root);
	vigil_jsonw_key(&w, "docker_inspect");
	vigil_jsonw_str(&w, inspect);
	vigil_jsonw_key(&w, "misconfigurations");
	vigil_jsonw_arr_begin(&w);
	for (size_t i = 0; i < vigil_config_result_count(r); i++) {
		const vigil_config_finding *f = vigil_config_result_get(r, i);
		for (size_t k = 0; k < 4; k++)
			counts[k] += strcmp(f->severity, sevs[k]) == 0;
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "id");
		vigil_jsonw_str(&w, f->check->id);
		vigil_jsonw_key(&w, "cis");
		vigil_jsonw_str(&w, f->check->cis);
		vigil_jsonw_key(&w, "kind");
		vigil_jsonw_str(&w, f->check->kind);
		vigil_jsonw_key(&w, "severity");
		vigil_jsonw_str(&w, f->severity);
		vigil_jsonw_key(&w, "title");
		vigil_jsonw_str(&w, f->check->title);
		vigil_jsonw_key(&w, "message");
		vigil_jsonw_str(&w, f->message);
		vigil_jsonw_key(&w, "file");
		vigil_jsonw_str(&w, f->file);
		vigil_jsonw_key(&w, "line");
		vigil_jsonw_int(&w, f->line);
		vigil_jsonw_key(&w, "object");
		vigil_jsonw_str(&w, f->object);
		vigil_jsonw_key(&w, "layer");
		vigil_jsonw_int(&w, f->layer);
		vigil_jsonw_key(&w, "remediation");
		vigil_jsonw_str(&w, f->check->remediation);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_arr_end(&w);
	vigil_jsonw_key(&w, "summary");
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "files");
	vigil_jsonw_uint(&w, vigil_config_result_files(r));
	vigil_jsonw_key(&w, "total");
	vigil_jsonw_uint(&w, vigil_config_result_count(r));
	for (size_t k = 0; k < 4; k++) {
		vigil_jsonw_key(&w, sevs[k]);
		vigil_jsonw_uint(&w, counts[k]);
	}
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_end(&w);
}

static void print_table(FILE *out, const vigil_config_result *r)
{
	size_t n = vigil_config_result_count(r);
	if (n == 0) {
		fprintf(out, "No misconfigurations found.\n");
		return;
	}
	fprintf(out, "%-9s %-13s %-7s %-40s %s\n", "SEVERITY", "ID", "CIS", "WHERE", "FINDING");
	for (size_t i = 0; i < n; i++) {
		const vigil_config_finding *f = vigil_config_result_get(r, i);
		char where[512];
		if (f->file && f->line)
			snprintf(where, sizeof(where), "%s:%d", f->file, f->line);
		else
			snprintf(where, sizeof(where), "%s", f->file ? f->file : f->object);
		fprintf(out, "%-9s %-13s %-7s ", f->severity, f->check->id,
			f->check->cis ? f->check->cis : "-");
		vigil_text_put_width(out, where, 40);
		fputc(' ', out);
		if (f->file && f->object) {
			put_safe(out, f->object);
			fputs(": ", out);
		}
		put_safe(out, f->message);
		fputc('\n', out);
	}
	fprintf(out, "\n%zu finding%s.\n", n, n == 1 ? "" : "s");
}

/* Concatenates a NULL-terminated array and n more entries into a new array. */
static const char **concat(const char *const *a, const char *const *b, size_t n)
{
	size_t na = 0;
	const char **v;
	while (a && a[na])
		na++;
	if (!(v = calloc(na + n + 1, sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < na; i++)
		v[i] = a[i];
	for (size_t i = 0; i < n; i++)
		v[na + i] = b[i];
	return v;
}

/* The policy's check settings followed by the command line's (which win). */
static int merge_opts(vigil_config_opts *o, const vigil_config_opts *pol, const char **skip,
		      size_t nskip, const char **ids, const char **sevs, size_t nov,
		      const char ***all_skip, const char ***all_ids, const char ***all_sev)
{
	size_t npol = 0;
	const char *const *pids = pol ? pol->override_ids : NULL;
	const char *const *psev = pol ? pol->override_severities : NULL;
	while (pids && psev && pids[npol] && psev[npol])
		npol++;
	if (!(*all_skip = concat(pol ? pol->skip : NULL, skip, nskip)) ||
	    !(*all_ids = concat(NULL, pids, npol)) || !(*all_sev = concat(NULL, psev, npol)))
		return -1;
	{
		const char **i2 = concat(*all_ids, ids, nov), **s2 = concat(*all_sev, sevs, nov);
		free(*all_ids);
		free(*all_sev);
		*all_ids = i2;
		*all_sev = s2;
		if (!i2 || !s2)
			return -1;
	}
	o->skip = *all_skip;
	o->override_ids = *all_ids;
	o->override_severities = *all_sev;
	if (pol) {
		o->allowed_registries = pol->allowed_registries;
		o->setuid_allow = pol->setuid_allow;
	}
	return 0;
}

static void list_checks(void)
{
	size_t n;
	const vigil_check_info *c = vigil_config_checks(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].kind, "host") == 0 || strcmp(c[i].kind, "container") == 0)
			printf("%-13s %-9s %-7s %-8s %s\n", c[i].id, c[i].kind,
			       c[i].cis ? c[i].cis : "-", c[i].severity, c[i].title);
}

int cmd_audit(int argc, char **argv)
{
	enum {
		O_ROOT = 256,
		O_INSPECT,
		O_FORMAT,
		O_POLICY,
		O_SKIP,
		O_SEV,
		O_EXIT,
		O_OUTPUT,
		O_LIST,
		O_HELP
	};
	static const struct option longopts[] = {
		{"root", required_argument, NULL, O_ROOT},
		{"docker-inspect", required_argument, NULL, O_INSPECT},
		{"format", required_argument, NULL, O_FORMAT},
		{"policy", required_argument, NULL, O_POLICY},
		{"skip", required_argument, NULL, O_SKIP},
		{"severity-of", required_argument, NULL, O_SEV},
		{"exit-code", required_argument, NULL, O_EXIT},
		{"output", required_argument, NULL, O_OUTPUT},
		{"list-checks", no_argument, NULL, O_LIST},
		{"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	const char *root = "/", *inspect = NULL, *format = "table", *output = NULL;
	const char *policy_file = NULL;
	const char **skip = NULL, *ov_ids[65] = {0}, *ov_sev[65] = {0};
	const char **all_skip = NULL, **all_ids = NULL, **all_sev = NULL;
	size_t nskip = 0, nov = 0;
	vigil_policy *policy = NULL;
	vigil_report *report = NULL;
	int exit_code = 0, opt, rc = EXIT_ERR, error;
	vigil_config_opts opts = VIGIL_CONFIG_OPTS_INIT;
	vigil_config_result *r = NULL;
	vigil_ctx *ctx = NULL;
	FILE *out = stdout;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case O_ROOT:
			root = optarg;
			break;
		case O_INSPECT:
			inspect = optarg;
			break;
		case O_FORMAT:
			format = optarg;
			break;
		case O_POLICY:
			policy_file = optarg;
			break;
		case O_SKIP:
			free(skip);
			if (!(skip = split(optarg, &nskip)))
				die_usage("audit", "out of memory");
			break;
		case O_SEV: {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !sev_name(eq + 1))
				die_usage("audit",
					  "--severity-of wants ID=CRITICAL|HIGH|MEDIUM|LOW");
			if (nov == 64)
				die_usage("audit", "too many --severity-of");
			*eq = 0;
			ov_ids[nov] = optarg;
			ov_sev[nov++] = sev_name(eq + 1);
			break;
		}
		case O_EXIT:
			exit_code = (int)num_arg("audit", "--exit-code", optarg, 0, 255);
			break;
		case O_OUTPUT:
			output = optarg;
			break;
		case O_LIST:
			list_checks();
			free(skip);
			return 0;
		case 'h':
		case O_HELP:
			help_audit();
			free(skip);
			return 0;
		default:
			die_usage("audit", "unknown option");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "host") != 0)
		die_usage("audit", "expected 'vigil audit host'");
	if (optind + 1 < argc)
		die_usage("audit", "unexpected argument after 'host'");
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "sarif") != 0 && strcmp(format, "junit") != 0)
		die_usage("audit", "--format must be table, json, sarif or junit");
	if (vigil_ctx_new(&ctx) < 0) {
		print_error("out of memory");
		goto done;
	}
	if (policy_file && vigil_policy_load(&policy, ctx, policy_file, NULL) < 0) {
		print_error(vigil_ctx_error(ctx));
		goto done;
	}
	if (merge_opts(&opts, policy ? vigil_policy_config_opts(policy) : NULL, skip, nskip, ov_ids,
		       ov_sev, nov, &all_skip, &all_ids, &all_sev) < 0) {
		print_error("out of memory");
		goto done;
	}
	if ((error = vigil_config_audit_host(&r, ctx, root, inspect, &opts)) < 0) {
		print_error(vigil_ctx_error(ctx));
		goto done;
	}
	if (output && !(out = fopen(output, "w"))) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s: cannot write", output);
		print_error(msg);
		goto done;
	}
	if (strcmp(format, "json") == 0) {
		print_json(out, r, root, inspect);
	} else if (strcmp(format, "table") == 0) {
		print_table(out, r);
	} else {
		/* SARIF and JUnit: the scan report's writers, on a configuration-only report */
		vigil_report_opts ro = VIGIL_REPORT_OPTS_INIT;
		if ((error = vigil_report_new(&report, ctx, root, NULL, NULL, &ro)) < 0) {
			print_error(vigil_ctx_error(ctx));
			goto done;
		}
		vigil_report_set_config(report, r);
		if ((error = vigil_report_apply(report, NULL)) < 0 ||
		    (error = vigil_report_write(out, report, format)) < 0) {
			print_error(vigil_ctx_error(ctx));
			goto done;
		}
	}
	if (out != stdout) {
		FILE *f = out;
		out = stdout;
		if (fclose(f) != 0) {
			print_error("writing the report failed");
			goto done;
		}
	}
	rc = exit_code && vigil_config_result_count(r) ? exit_code : 0;
done:
	if (out != stdout)
		fclose(out);
	vigil_report_free(report);
	vigil_config_result_free(r);
	vigil_policy_free(policy);
	vigil_ctx_free(ctx);
	free(skip);
	free(all_skip);
	free(all_ids);
	free(all_sev);
	return rc;
}
