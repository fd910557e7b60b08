/*
 * version.c - vigil version [--format table|json] [--db FILE]: the program's version and
 * the vulnerability database a scan would use (path, schema, build time, age, feeds), so
 * a CI log records what a gate was decided with.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/util.h"
#include "cli.h"

void help_version(void)
{
	printf("Usage: vigil version [--format table|json] [--db FILE]\n"
	       "\n"
	       "Print Vigil's version and the vulnerability database 'vigil scan' would use\n"
	       "(default $VIGIL_DB or ~/.cache/vigil/db/vigil.db): its schema, build time, age\n"
	       "and feeds. A missing or unreadable database is reported, not an error.\n"
	       "\n"
	       "Options:\n"
	       "  --format table|json   output format (default: table)\n"
	       "  --db FILE             the database to describe\n"
	       "\n"
	       "Exit status: 0 success, 2 usage error.\n");
}

int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'F'},
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "table", *path = NULL;
	char buf[4096];
	vigil_ctx *ctx = NULL;
	vigil_db *db = NULL;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'F':
			format = optarg;
			break;
		case 'd':
			path = optarg;
			break;
		case 'h':
			help_version();
			exit(0);
		default:
			die_usage("version", "unknown option");
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		die_usage("version", "--format must be table or json");
	if (optind < argc)
		die_usage("version", "too many arguments");
	if (!path)
		path = default_db(buf);
	if (vigil_ctx_new(&ctx) < 0) {
		print_error("out of memory");
		return EXIT_ERR;
	}
	int error = vigil_db_open(&db, ctx, path);
	const char *why = error < 0 ? vigil_ctx_error(ctx) : NULL;
	double age = 0;
	int age_ok = db && vigil_db_age_days(db, &age) == 0;
	if (strcmp(format, "json") == 0) {
		vigil_jsonw w;
		vigil_jsonw_init(&w, stdout, 64);
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "version");
		vigil_jsonw_str(&w, VIGIL_VERSION);
		vigil_jsonw_key(&w, "database");
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "path");
		vigil_jsonw_str(&w, path);
		vigil_jsonw_key(&w, "present");
		vigil_jsonw_bool(&w, db != NULL);
		if (db) {
			db_info_fields(&w, db);
		} else {
			vigil_jsonw_key(&w, "error");
			vigil_jsonw_str(&w, why && *why ? why : "cannot open");
		}
		vigil_jsonw_obj_end(&w);
		vigil_jsonw_obj_end(&w);
		vigil_jsonw_end(&w);
	} else {
		printf("vigil %s\n%-16s", VIGIL_VERSION, "Database:");
		put_safe(stdout, path);
		if (db) {
			printf("\n%-16s%d\n%-16s", "Schema:", vigil_db_schema_version(db),
			       "Built:");
			put_safe(stdout, vigil_db_built(db));
			if (age_ok)
				printf(" (%.1f days ago)", age);
			printf("\n%-16s%zu\n", "Feeds:", vigil_db_feed_count(db));
		} else {
			printf(" (not usable: ");
			put_safe(stdout, why && *why ? why : "cannot open");
			printf(")\n");
		}
	}
	vigil_db_free(db);
	vigil_ctx_free(ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		print_error("writing the output failed");
		return EXIT_ERR;
	}
	return 0;
}
