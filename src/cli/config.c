/*
 * config.c - vigil config: Dockerfile and Kubernetes manifest checks on files and
 * directories, reported as a table grouped by file or as JSON; --list-checks prints
 * every check of every kind.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/util.h"

/* SARIF, JUnit and HTML come from the shared report writers (src/lib/report). */
static int write_shared(FILE *out, vigil_ctx *ctx, const char *format, const char *target,
			const vigil_vec *sev, vigil_config_result **results, int n)
{
	vigil_report_opts ro = VIGIL_REPORT_OPTS_INIT;
	vigil_report *r = NULL;
	vigil_buf sevs = VIGIL_BUF_INIT;
	int error = 0;
	for (size_t i = 0; i < sev->len && error == 0; i++)
		error = vigil_buf_printf(&sevs, "%s%s", i ? "," : "",
					 VIGIL_VEC_AT(sev, const char *, i));
	if (error == 0 && sev->len && vigil_buf_cstr(&sevs) == 0)
		ro.severities = (const char *)sevs.data;
	if (error == 0 && (error = vigil_report_new(&r, ctx, target, NULL, NULL, &ro)) == 0) {
		for (int i = 0; i < n; i++)
			vigil_report_set_config(r, results[i]);
		if ((error = vigil_report_apply(r, NULL)) == 0)
			error = vigil_report_write(out, r, format);
	}
	if (error < 0)
		print_ctx_error(ctx, error);
	vigil_report_free(r);
	vigil_buf_free(&sevs);
	return error < 0 ? EXIT_ERR : 0;
}

void help_config(void)
{
	printf("Usage: vigil config PATH... [options]\n"
	       "\n"
	       "Check Dockerfiles (Dockerfile, Dockerfile.*, *.dockerfile, Containerfile) and\n"
	       "Kubernetes manifests (*.yaml, *.yml, *.json with apiVersion and kind) for\n"
	       "misconfigurations. PATH is a file or a directory searched recursively.\n"
	       "\n"
	       "Options:\n"
	       "  --format table|json|sarif|junit|html  output format (default: table)\n"
	       "  --skip ID,...              checks not to run\n"
	       "  --severity LIST            report only these severities\n"
	       "                             (e.g. CRITICAL,HIGH)\n"
	       "  --exit-code N              exit with N when anything is reported (default 0)\n"
	       "  --output FILE              write the report to FILE\n"
	       "  --policy FILE              YAML policy: checks: {skip: [...], severity:\n"
	       "                             {ID: LEVEL}, allowed_registries: [...]}\n"
	       "  --allowed-registries LIST  registries (or registry/prefix) images may come\n"
	       "                             from; enables VGL-DF-029 and VGL-K8S-023\n"
	       "  --base-image REF=IMAGE     read the os (and os.version) of the image FROM REF\n"
	       "                             names from IMAGE's config (oci:DIR,\n"
	       "                             docker-archive:FILE, or a registry reference)\n"
	       "  --k8s-version 1.N          the cluster's Kubernetes version (sysctls safe\n"
	       "                             there); default: the newest\n"
	       "  --list-checks              print every check (all kinds) and exit\n"
	       "\n"
	       "A comment '# vigil:ignore=ID[,ID] reason' drops those findings on its line or\n"
	       "the next one. Helm charts and Kustomize directories are rendered with helm\n"
	       "template / kubectl kustomize when installed (else a warning).\n");
}

/* Splits a comma list into a NULL-terminated array appended to `v` (strings borrowed
 * from the modified argument). */
static void split_list(vigil_vec *v, char *s)
{
	for (char *p = s; p;) {
		char *comma = strchr(p, ',');
		const char **slot;
		if (comma)
			*comma = '\0';
		if (*p) {
			if (!(slot = vigil_vec_push(v))) {
				print_error("out of memory");
				exit(EXIT_ERR);
			}
			*slot = p;
		}
		p = comma ? comma + 1 : NULL;
	}
}

/* v as a NULL-terminated array (kept in v). */
static const char *const *terminated(vigil_vec *v)
{
	if (!v->len)
		return NULL;
	if (!vigil_vec_push(v)) {
		print_error("out of memory");
		exit(EXIT_ERR);
	}
	v->len--;
	return v->data;
}

/* --base-image REF=IMAGE: the "os" and "os.version" of IMAGE's config (any source vigil
 * scan opens: oci:DIR, docker-archive:FILE, a registry reference), for stages built on
 * FROM REF. Adds the triple to `v` (strings owned by the caller); -1 on an error. */
static int base_image(vigil_vec *v, vigil_ctx *ctx, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const vigil_config *cfg;
	vigil_image *img = NULL;
	char *t[3];
	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "vigil: error: --base-image takes REF=IMAGE, not '%s'\n", arg);
		return -1;
	}
	if (vigil_image_open(&img, ctx, eq + 1, NULL) < 0) {
		fprintf(stderr, "vigil: error: --base-image %.*s: %s\n", (int)(eq - arg), arg,
			vigil_ctx_error(ctx));
		return -1;
	}
	cfg = vigil_image_config(img);
	t[0] = strndup(arg, (size_t)(eq - arg));
	t[1] = strdup(cfg && cfg->os ? cfg->os : "");
	t[2] = strdup(cfg && cfg->os_version ? cfg->os_version : "");
	vigil_image_free(img);
	for (int i = 0; i < 3; i++) {
		void **slot = t[i] ? vigil_vec_push(v) : NULL;
		if (!slot) {
			for (int k = i; k < 3; k++)
				free(t[k]);
			print_error("out of memory");
			return -1;
		}
		*slot = t[i];
	}
	return 0;
}

static void append(vigil_vec *v, const char *const *src)
{
	for (; src && *src; src++) {
		const char **slot = vigil_vec_push(v);
		if (!slot) {
			print_error("out of memory");
			exit(EXIT_ERR);
		}
		*slot = *src;
	}
}

static void list_checks(FILE *f, bool json)
{
	size_t n;
	const vigil_check_info *c = vigil_config_checks(&n);
	if (json) {
		vigil_jsonw w;
		vigil_jsonw_init(&w, f, 2);
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "checks");
		vigil_jsonw_arr_begin(&w);
		for (size_t i = 0; i < n; i++) {
			vigil_jsonw_obj_begin(&w);
			vigil_jsonw_key(&w, "id");
			vigil_jsonw_str(&w, c[i].id);
			vigil_jsonw_key(&w, "kind");
			vigil_jsonw_str(&w, c[i].kind);
			vigil_jsonw_key(&w, "cis");
			vigil_jsonw_str(&w, c[i].cis);
			vigil_jsonw_key(&w, "refs");
			vigil_jsonw_str(&w, c[i].refs);
			vigil_jsonw_key(&w, "severity");
			vigil_jsonw_str(&w, c[i].severity);
			vigil_jsonw_key(&w, "title");
			vigil_jsonw_str(&w, c[i].title);
			vigil_jsonw_key(&w, "remediation");
			vigil_jsonw_str(&w, c[i].remediation);
			vigil_jsonw_obj_end(&w);
		}
		vigil_jsonw_arr_end(&w);
		vigil_jsonw_obj_end(&w);
		vigil_jsonw_end(&w);
		return;
	}
	fprintf(f, "%-12s %-11s %-11s %-9s %-40s %s\n", "ID", "KIND", "CIS", "SEVERITY", "TITLE",
		"REFS");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%-12s %-11s %-11s %-9s %-40s %s\n", c[i].id, c[i].kind,
			c[i].cis ? c[i].cis : "-", c[i].severity, c[i].title,
			c[i].refs ? c[i].refs : "-");
}

static const char *const LEVELS[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};

static int level_index(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, LEVELS[i]) == 0)
			return i;
	return 3;
}

static const char *colour(const char *sev)
{
	static const char *const c[] = {"\033[1;31m", "\033[31m", "\033[33m", "\033[36m"};
	return c[level_index(sev)];
}

static void write_json(FILE *f, const vigil_config_finding *const *v, size_t n, size_t files)
{
	vigil_jsonw w;
	size_t counts[4] = {0};
	vigil_jsonw_init(&w, f, 2);
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "misconfigurations");
	vigil_jsonw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const vigil_config_finding *x = v[i];
		counts[level_index(x->severity)]++;
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "id");
		vigil_jsonw_str(&w, x->check->id);
		vigil_jsonw_key(&w, "cis");
		vigil_jsonw_str(&w, x->check->cis);
		vigil_jsonw_key(&w, "refs");
		vigil_jsonw_str(&w, x->check->refs);
		vigil_jsonw_key(&w, "kind");
		vigil_jsonw_str(&w, x->check->kind);
		vigil_jsonw_key(&w, "severity");
		vigil_jsonw_str(&w, x->severity);
		vigil_jsonw_key(&w, "title");
		vigil_jsonw_str(&w, x->check->title);
		vigil_jsonw_key(&w, "message");
		vigil_jsonw_str(&w, x->message);
		vigil_jsonw_key(&w, "file");
		vigil_jsonw_str(&w, x->file);
		vigil_jsonw_key(&w, "line");
		vigil_jsonw_int(&w, x->line);
		vigil_jsonw_key(&w, "object");
		vigil_jsonw_str(&w, x->object);
		vigil_jsonw_key(&w, "layer");
		if (x->layer >= 0)
			vigil_jsonw_int(&w, x->layer);
		else
			vigil_jsonw_null(&w);
		vigil_jsonw_key(&w, "remediation");
		vigil_jsonw_str(&w, x->check->remediation);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_arr_end(&w);
	vigil_jsonw_key(&w, "summary");
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "files");
	vigil_jsonw_uint(&w, files);
	vigil_jsonw_key(&w, "total");
	vigil_jsonw_uint(&w, n);
	for (int i = 0; i < 4; i++) {
		vigil_jsonw_key(&w, LEVELS[i]);
		vigil_jsonw_uint(&w, counts[i]);
	}
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_end(&w);
}

static void write_table(FILE *f, const vigil_config_finding *const *v, size_t n, size_t files,
			bool tty)
{
	size_t counts[4] = {0};
	const char *cur = NULL;
	for (size_t i = 0; i < n; i++) {
		const vigil_config_finding *x = v[i];
		const char *file = x->file ? x->file : "-";
		counts[level_index(x->severity)]++;
		if (!cur || strcmp(cur, file) != 0) {
			size_t k = i;
			while (k < n && strcmp(v[k]->file ? v[k]->file : "-", file) == 0)
				k++;
			fprintf(f, "%s", cur ? "\n" : "");
			put_safe(f, file);
			fprintf(f, " (%zu finding%s)\n", k - i, k - i == 1 ? "" : "s");
			cur = file;
		}
		fprintf(f, "  %5d  %-12s %s%-8s%s  %s: ", x->line, x->check->id,
			tty ? colour(x->severity) : "", x->severity, tty ? "\033[0m" : "",
			x->check->title);
		put_safe(f, x->message);
		if (x->object) {
			fputs(" [", f);
			put_safe(f, x->object);
			fputc(']', f);
		}
		fputc('\n', f);
	}
	fprintf(f,
		"%s%zu file%s checked, %zu finding%s (CRITICAL: %zu, HIGH: %zu, MEDIUM: %zu, "
		"LOW: %zu)\n",
		n ? "\n" : "", files, files == 1 ? "" : "s", n, n == 1 ? "" : "s", counts[0],
		counts[1], counts[2], counts[3]);
}

static bool severity_shown(const vigil_vec *sev, const char *s)
{
	if (!sev->len)
		return true;
	for (size_t i = 0; i < sev->len; i++)
		if (strcasecmp(VIGIL_VEC_AT(sev, const char *, i), s) == 0)
			return true;
	return false;
}

int cmd_config(int argc, char **argv)
{
	enum {
		O_FORMAT = 1,
		O_SKIP,
		O_SEV,
		O_EXIT,
		O_OUT,
		O_LIST,
		O_POLICY,
		O_REG,
		O_K8SVER,
		O_BASE
	};
	static const struct option opts[] = {
		{"format", required_argument, NULL, O_FORMAT},
		{"skip", required_argument, NULL, O_SKIP},
		{"severity", required_argument, NULL, O_SEV},
		{"exit-code", required_argument, NULL, O_EXIT},
		{"output", required_argument, NULL, O_OUT},
		{"list-checks", no_argument, NULL, O_LIST},
		{"policy", required_argument, NULL, O_POLICY},
		{"allowed-registries", required_argument, NULL, O_REG},
		{"k8s-version", required_argument, NULL, O_K8SVER},
		{"base-image", required_argument, NULL, O_BASE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "table", *output = NULL, *policy = NULL, *k8s_version = NULL;
	vigil_vec skip = VIGIL_VEC_INIT(const char *), sev = VIGIL_VEC_INIT(const char *);
	vigil_vec regs = VIGIL_VEC_INIT(const char *), shown = VIGIL_VEC_INIT(void *);
	vigil_vec ids = VIGIL_VEC_INIT(const char *), levels = VIGIL_VEC_INIT(const char *);
	vigil_vec bases = VIGIL_VEC_INIT(const char *), base_args = VIGIL_VEC_INIT(const char *);
	vigil_config_opts pol = VIGIL_CONFIG_OPTS_INIT, co = VIGIL_CONFIG_OPTS_INIT;
	vigil_config_result **results = NULL;
	bool list = false, reg_given = false;
	int o, rc = 0, exit_code = 0, npaths;
	size_t files = 0;
	FILE *out = stdout;
	vigil_ctx *ctx = NULL;
	cli c;
	memset(&c, 0, sizeof(c));
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_FORMAT:
			format = optarg;
			break;
		case O_SKIP:
			split_list(&skip, optarg);
			break;
		case O_SEV:
			split_list(&sev, optarg);
			break;
		case O_EXIT:
			exit_code = (int)num_arg("config", "--exit-code", optarg, 0, 255);
			break;
		case O_OUT:
			output = optarg;
			break;
		case O_LIST:
			list = true;
			break;
		case O_POLICY:
			policy = optarg;
			break;
		case O_REG:
			split_list(&regs, optarg);
			reg_given = true;
			break;
		case O_K8SVER:
			k8s_version = optarg;
			break;
		case O_BASE: {
			const char **slot = vigil_vec_push(&base_args);
			if (!slot) {
				print_error("out of memory");
				return EXIT_ERR;
			}
			*slot = optarg;
			break;
		}
		case 'h':
			help_config();
			return 0;
		default:
			die_usage("config", "unknown option");
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "sarif") != 0 && strcmp(format, "junit") != 0 &&
	    strcmp(format, "html") != 0)
		die_usage("config", "--format must be table, json, sarif, junit or html");
	for (size_t i = 0; i < sev.len; i++) {
		const char *s = VIGIL_VEC_AT(&sev, const char *, i);
		if (strcasecmp(s, "CRITICAL") && strcasecmp(s, "HIGH") && strcasecmp(s, "MEDIUM") &&
		    strcasecmp(s, "LOW"))
			die_usage("config", "--severity takes CRITICAL, HIGH, MEDIUM and LOW");
	}
	npaths = argc - optind;
	if (!list && npaths < 1)
		die_usage("config", "config needs a PATH");
	if (output && !(out = fopen(output, "w"))) {
		fprintf(stderr, "vigil: error: %s: cannot write\n", output);
		return EXIT_ERR;
	}
	if (list) {
		list_checks(out, !strcmp(format, "json"));
		goto done;
	}
	if (vigil_ctx_new(&ctx) < 0) {
		print_error("out of memory");
		rc = EXIT_ERR;
		goto done;
	}
	vigil_ctx_set_warn(ctx, on_warn, &c);
	if (policy && vigil_config_policy_load(&pol, ctx, policy) < 0) {
		print_error(vigil_ctx_error(ctx));
		rc = EXIT_ERR;
		goto done;
	}
	/* the command line adds to the policy: skips, and registries */
	append(&skip, pol.skip);
	append(&ids, pol.override_ids);
	append(&levels, pol.override_severities);
	append(&regs, pol.allowed_registries);
	co.skip = terminated(&skip);
	co.override_ids = terminated(&ids);
	co.override_severities = terminated(&levels);
	co.k8s_version = k8s_version ? k8s_version : pol.k8s_version;
	co.settings = pol.settings;
	co.allowed_registries = reg_given || pol.allowed_registries ? terminated(&regs) : NULL;
	for (size_t i = 0; i < base_args.len; i++)
		if (base_image(&bases, ctx, VIGIL_VEC_AT(&base_args, const char *, i)) < 0) {
			rc = EXIT_ERR;
			goto done;
		}
	co.base_images = terminated(&bases);
	if (!(results = calloc((size_t)npaths, sizeof(*results)))) {
		print_error("out of memory");
		rc = EXIT_ERR;
		goto done;
	}
	for (int i = 0; i < npaths; i++) {
		if (vigil_config_scan_path(&results[i], ctx, argv[optind + i], &co) < 0) {
			print_error(vigil_ctx_error(ctx));
			rc = EXIT_ERR;
			goto done;
		}
		files += vigil_config_result_files(results[i]);
		for (size_t k = 0; k < vigil_config_result_count(results[i]); k++) {
			const vigil_config_finding *f = vigil_config_result_get(results[i], k);
			void **slot;
			if (!severity_shown(&sev, f->severity))
				continue;
			if (!(slot = vigil_vec_push(&shown))) {
				print_error("out of memory");
				rc = EXIT_ERR;
				goto done;
			}
			*slot = (void *)f;
		}
	}
	if (!strcmp(format, "sarif") || !strcmp(format, "junit") || !strcmp(format, "html")) {
		if ((rc = write_shared(out, ctx, format, argv[optind], &sev, results, npaths)) != 0)
			goto done;
	} else if (!strcmp(format, "json"))
		write_json(out, shown.data, shown.len, files);
	else
		write_table(out, shown.data, shown.len, files, !output && isatty(fileno(out)));
	if (fflush(out) != 0 || ferror(out)) {
		print_error("writing the report failed");
		rc = EXIT_ERR;
	} else if (shown.len && exit_code) {
		rc = exit_code;
	}
done:
	if (out != stdout)
		fclose(out);
	for (int i = 0; results && i < npaths; i++)
		vigil_config_result_free(results[i]);
	free(results);
	vigil_config_policy_free(&pol);
	vigil_vec_free(&skip);
	vigil_vec_free(&sev);
	vigil_vec_free(&regs);
	vigil_vec_free(&shown);
	vigil_vec_free(&ids);
	vigil_vec_free(&levels);
	for (size_t i = 0; i < bases.len; i++)
		free(VIGIL_VEC_AT(&bases, char *, i));
	vigil_vec_free(&bases);
	vigil_vec_free(&base_args);
	vigil_ctx_free(ctx);
	return rc;
}
