/* vigil pull: copies a registry image to an OCI layout or a docker-archive. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void help_pull(void)
{
	printf("Usage: vigil pull REF --output oci:DIR|docker-archive:FILE [options]\n"
	       "\n"
	       "Copies an image from a registry for an air-gapped site: the manifest of the\n"
	       "chosen platform, its config and its layers, each verified against its digest\n"
	       "as it is written. The output is built under a temporary name and renamed when\n"
	       "complete; on an error nothing is left at the output path, which must not exist.\n"
	       "\n"
	       "  -o, --output DEST     oci:DIR (a new OCI layout) or docker-archive:FILE\n"
	       "  --all-platforms       a multi-platform image whole: the index, every manifest\n"
	       "                        it lists, their configs and layers (oci:DIR only)\n"
	       "%s",
	       COMMON_HELP);
}

int cmd_pull(int argc, char **argv)
{
	static const vigil_limits defaults = VIGIL_LIMITS_INIT;
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"all-platforms", no_argument, NULL, 'A'},
		{"platform", required_argument, NULL, OPT_PLATFORM},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"max-json-size", required_argument, NULL, OPT_MAX_JSON},
		{"max-layers", required_argument, NULL, OPT_MAX_LAYERS},
		{"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
		REGISTRY_LONGOPTS,
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	vigil_open_opts oo = VIGIL_OPEN_OPTS_INIT;
	vigil_image *img = NULL;
	const char *ref;
	cli c;
	int o, error, all = 0;
	memset(&c, 0, sizeof(c));
	c.limits = defaults;
	optind = 1;
	while ((o = getopt_long(argc, argv, "qho:", opts, NULL)) != -1) {
		switch (o) {
		case 'o':
			c.output = optarg;
			break;
		case 'A':
			all = 1;
			break;
		case 'h':
			help_pull();
			exit(0);
		default:
			if (!image_opt(&c, "pull", o, optarg))
				die_usage("pull", "unknown option");
		}
	}
	registry_opts_finish(&c, "pull");
	if (optind >= argc)
		die_usage("pull", "missing REF");
	if (optind + 1 < argc)
		die_usage("pull", "too many arguments");
	if (!c.output)
		die_usage("pull", "--output oci:DIR or docker-archive:FILE is required");
	if (strncmp(c.output, "oci:", 4) != 0 && strncmp(c.output, "docker-archive:", 15) != 0)
		die_usage("pull", "--output must be oci:DIR or docker-archive:FILE");
	if (all && strncmp(c.output, "oci:", 4) != 0)
		die_usage("pull", "--all-platforms needs --output oci:DIR (a docker-archive holds "
				  "one platform)");
	if (all && c.platform)
		die_usage("pull", "--all-platforms and --platform exclude each other");
	ref = argv[optind];
	if (strncmp(ref, "registry:", 9) != 0 && access(ref, F_OK) == 0)
		die_usage("pull", "REF names an existing path; write registry:REF");
	if (vigil_ctx_new(&c.ctx) < 0) {
		print_error("out of memory");
		return EXIT_ERR;
	}
	vigil_ctx_set_limits(c.ctx, &c.limits);
	vigil_ctx_set_threads(c.ctx, c.threads);
	vigil_ctx_set_warn(c.ctx, on_warn, &c);
	if (!c.quiet && !cli_quiet && isatty(2))
		vigil_ctx_set_progress(c.ctx, on_progress, &c);
	oo.platform = c.platform;
	oo.registry = &c.reg;
	char pref[4200];
	snprintf(pref, sizeof(pref), "%s%s",
		 strncmp(ref, "registry:", 9) == 0 ? "" : "registry:", ref);
	if ((error = vigil_image_open(&img, c.ctx, pref, &oo)) < 0 ||
	    (error = all ? vigil_image_pull_all(img, c.output) : vigil_image_pull(img, c.output)) <
		    0) {
		progress_done(&c);
		print_ctx_error(c.ctx, error);
		vigil_image_free(img);
		vigil_ctx_free(c.ctx);
		return EXIT_ERR;
	}
	progress_done(&c);
	if (!c.quiet && !cli_quiet)
		fprintf(stderr, "vigil: pulled %s%s (%s) to %s\n", vigil_image_manifest_digest(img),
			all ? " and the rest of its index" : "",
			vigil_image_tags(img)[0] ? vigil_image_tags(img)[0] : "", c.output);
	vigil_image_free(img);
	vigil_ctx_free(c.ctx);
	return 0;
}
