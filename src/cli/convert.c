/*
 * convert.c - vigil convert REPORT.json --format F [-o FILE]...: a saved scan report
 * (vigil scan --format json) written in other formats, without the image or the
 * database: SARIF, GitLab, JUnit, a table or a template for a CI system, from one scan.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../lib/util/util.h"
#include "cli.h"

void help_convert(void)
{
	printf("Usage: vigil convert REPORT.json --format FORMAT [-o FILE] [options]\n"
	       "\n"
	       "Write a saved scan report ('vigil scan --format json') in other formats, without\n"
	       "the image or the database. Filters apply again; the gate (--exit-code,\n"
	       "--fail-on) is decided on what remains, as 'vigil scan' would.\n"
	       "\n"
	       "Options:\n"
	       "  --format FORMAT       table (default), json, sarif, junit, gitlab,\n"
	       "                        gitlab-dependency, template (cyclonedx needs the image:\n"
	       "                        use 'vigil scan --format cyclonedx'); repeat\n"
	       "                        --format F -o FILE for several reports\n"
	       "  -o, --output FILE     write the report of the --format before it to FILE\n"
	       "  --template FILE       the template of --format template (docs/ci.md)\n"
	       "  --severity LIST       keep only these severities\n"
	       "  --ignore-unfixed      leave out vulnerabilities without a fix (also "
	       "--only-fixed)\n"
	       "  --only-fixed          the same\n"
	       "  --show-suppressed     table: list suppressed findings with the reason\n"
	       "  --exit-code N         exit N when a finding remains (0: never; not 2)\n"
	       "  --fail-on SEVERITY    exit 1 (or --exit-code N) when a finding of this\n"
	       "                        severity or higher remains\n"
	       "\n"
	       "Exit status: 0 success, 1 or N the gate failed, 2 error.\n");
}

static int rank(const char *s)
{
	static const char *const R[] = {"UNKNOWN", "NEGLIGIBLE", "LOW",
					"MEDIUM",  "HIGH",	 "CRITICAL"};
	for (int k = 0; k < (int)VIGIL_ARRAY_LEN(R); k++)
		if (s && strcasecmp(R[k], s) == 0)
			return k;
	return -1;
}

int cmd_convert(int argc, char **argv)
{
	enum { O_FORMAT = 300, O_TEMPLATE, O_SEVERITY, O_UNFIXED, O_SUPPRESSED, O_EXIT, O_FAIL };
	static const struct option opts[] = {
		{"format", required_argument, NULL, O_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"template", required_argument, NULL, O_TEMPLATE},
		{"severity", required_argument, NULL, O_SEVERITY},
		{"ignore-unfixed", no_argument, NULL, O_UNFIXED},
		{"only-fixed", no_argument, NULL, O_UNFIXED},
		{"show-suppressed", no_argument, NULL, O_SUPPRESSED},
		{"exit-code", required_argument, NULL, O_EXIT},
		{"fail-on", required_argument, NULL, O_FAIL},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *formats[8] = {NULL}, *paths[8] = {NULL};
	int n = 0, o, exit_code = -1, fail_on = -1, error;
	vigil_report_opts ro = VIGIL_REPORT_OPTS_INIT;
	vigil_write_opts wo = VIGIL_WRITE_OPTS_INIT;
	uint64_t num;
	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (o) {
		case O_FORMAT:
			if (n == 8)
				die_usage("convert", "at most 8 --format options");
			if (n == 1 && !formats[0])
				formats[0] = optarg;
			else
				formats[n++] = optarg;
			break;
		case 'o':
			if (n == 0)
				paths[n++] = optarg;
			else if (paths[n - 1])
				die_usage("convert", "two --output files for one --format");
			else
				paths[n - 1] = optarg;
			break;
		case O_TEMPLATE:
			wo.template_path = optarg;
			break;
		case O_SEVERITY:
			ro.severities = optarg;
			break;
		case O_UNFIXED:
			ro.ignore_unfixed = 1;
			break;
		case O_SUPPRESSED:
			wo.show_suppressed = 1;
			break;
		case O_EXIT:
			if (vigil_parse_uint(&num, optarg, 255) < 0 || num > 255 || num == EXIT_ERR)
				die_usage("convert",
					  "--exit-code takes 0, 1 or 3-255 (2 is the error "
					  "status)");
			exit_code = (int)num;
			break;
		case O_FAIL:
			if ((fail_on = rank(optarg)) < 0)
				die_usage("convert", "--fail-on takes CRITICAL, HIGH, MEDIUM, LOW, "
						     "NEGLIGIBLE or UNKNOWN");
			break;
		case 'h':
			help_convert();
			exit(0);
		default:
			die_usage("convert", "unknown option");
		}
	}
	if (optind >= argc)
		die_usage("convert", "missing REPORT.json");
	if (argc - optind > 1)
		die_usage("convert", "too many arguments (one REPORT.json)");
	if (n == 0)
		n = 1;
	for (int i = 0; i < n; i++) {
		if (!formats[i])
			formats[i] = "table";
		for (int j = 0; j < i; j++)
			if (!paths[i] && !paths[j])
				die_usage("convert", "several reports cannot all go to stdout");
		if (strcmp(formats[i], "template") == 0 && !wo.template_path)
			die_usage("convert", "--format template needs --template FILE");
	}
	vigil_ctx *ctx;
	vigil_report *r = NULL;
	if (vigil_ctx_new(&ctx) < 0) {
		print_error("out of memory");
		return EXIT_ERR;
	}
	error = vigil_report_load_json(&r, ctx, argv[optind], &ro);
	for (int i = 0; i < n && error == 0; i++) {
		FILE *out = stdout;
		struct winsize ws;
		const char *cols = getenv("COLUMNS");
		if (paths[i] && !(out = fopen(paths[i], "w"))) {
			error = vigil_error_set(ctx, VIGIL_EIO, "cannot write %s", paths[i]);
			break;
		}
		wo.width = 0;
		if (out == stdout && cols && vigil_parse_uint(&num, cols, 10000) == 0 && num >= 20)
			wo.width = (int)num;
		else if (out == stdout && isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0)
			wo.width = ws.ws_col;
		error = vigil_report_write_ext(out, r, formats[i], &wo);
		if (out != stdout && fclose(out) != 0 && error == 0)
			error = vigil_error_set(ctx, VIGIL_EIO, "writing %s failed", paths[i]);
	}
	if (error == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		error = vigil_error_set(ctx, VIGIL_EIO, "writing the report failed");
	if (error < 0)
		print_ctx_error(ctx, error);
	size_t failing = error == 0 && fail_on < 0 ? vigil_report_failing(r) : 0;
	for (size_t i = 0; error == 0 && fail_on >= 0 && i < vigil_report_finding_count(r); i++) {
		const vigil_finding *f = vigil_report_finding(r, i);
		failing += f->shown && !f->suppressed && rank(f->severity) >= fail_on;
	}
	vigil_report_free(r);
	vigil_ctx_free(ctx);
	if (error < 0)
		return EXIT_ERR;
	if (!failing)
		return 0;
	return exit_code >= 0 ? exit_code : fail_on >= 0 ? 1 : 0;
}
