/* db.c - vigil db: build, describe and query the vulnerability database. */
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/util.h"
#include "cli.h"

void help_db(void)
{
	printf("Usage: vigil db update --from DIR [--only FEED,...] [--db PATH]\n"
	       "       vigil db info [--format table|json] [--db PATH]\n"
	       "       vigil db lookup ECOSYSTEM PACKAGE [--db PATH]   e.g. alpine:3.10 openssl, "
	       "go golang.org/x/net\n"
	       "\n"
	       "Build the vulnerability database from the upstream feeds, offline from a mirror\n"
	       "directory holding <feed>.tar.gz archives (such as ../shared/vulndata). The new\n"
	       "database is built next to the old one and renamed into place only when every\n"
	       "feed was imported: a failed or interrupted update leaves the old one intact.\n"
	       "\n"
	       "Options:\n"
	       "  --from DIR            mirror directory to import from\n"
	       "  --only FEED,...       re-import only these feeds into the existing database\n"
	       "  --db PATH             database file (default: $VIGIL_DB, else\n"
	       "                        ~/.cache/vigil/db/vigil.db)\n"
	       "  --format table|json   output of 'db info'\n"
	       "\n"
	       "Feeds:");
	for (const char *const *n = vigil_db_feed_names(); *n; n++)
		printf(" %s", *n);
	printf("\n\nExit status: 0 success, 2 error.\n");
}

/* $VIGIL_DB, else ~/.cache/vigil/db/vigil.db (the directory is created). */
const char *default_db(char buf[4096])
{
	const char *env = getenv("VIGIL_DB");
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dir[2048];
	if (env && *env)
		return env;
	if (cache && *cache)
		snprintf(dir, sizeof(dir), "%s/vigil/db", cache);
	else
		snprintf(dir, sizeof(dir), "%s/.cache/vigil/db", home && *home ? home : ".");
	/* mkdir -p */
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	mkdir(dir, 0755);
	snprintf(buf, 4096, "%s/vigil.db", dir);
	return buf;
}

static void db_info_print(vigil_db *db, const char *path, int json)
{
	if (json) {
		vigil_jsonw w;
		vigil_jsonw_init(&w, stdout, 64);
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "path");
		vigil_jsonw_str(&w, path);
		vigil_jsonw_key(&w, "schema_version");
		vigil_jsonw_int(&w, vigil_db_schema_version(db));
		vigil_jsonw_key(&w, "built");
		vigil_jsonw_str(&w, vigil_db_built(db));
		vigil_jsonw_key(&w, "feeds");
		vigil_jsonw_arr_begin(&w);
		for (size_t i = 0; i < vigil_db_feed_count(db); i++) {
			const vigil_db_feed_info *f = vigil_db_feed(db, i);
			vigil_jsonw_obj_begin(&w);
			vigil_jsonw_key(&w, "name");
			vigil_jsonw_str(&w, f->name);
			vigil_jsonw_key(&w, "source_date");
			vigil_jsonw_str(&w, f->source_date);
			vigil_jsonw_key(&w, "records");
			vigil_jsonw_uint(&w, f->records);
			vigil_jsonw_key(&w, "packages");
			vigil_jsonw_uint(&w, f->packages);
			vigil_jsonw_key(&w, "skipped");
			vigil_jsonw_uint(&w, f->skipped);
			vigil_jsonw_key(&w, "imported_at");
			vigil_jsonw_str(&w, f->imported_at);
			vigil_jsonw_obj_end(&w);
		}
		vigil_jsonw_arr_end(&w);
		vigil_jsonw_obj_end(&w);
		vigil_jsonw_end(&w);
		return;
	}
	printf("%-16s%s\n%-16s%d\n%-16s%s\n\n", "Database:", path,
	       "Schema:", vigil_db_schema_version(db), "Built:", vigil_db_built(db));
	printf("%-28s %-22s %10s %10s %8s\n", "FEED", "SOURCE DATE", "RECORDS", "PACKAGES",
	       "SKIPPED");
	for (size_t i = 0; i < vigil_db_feed_count(db); i++) {
		const vigil_db_feed_info *f = vigil_db_feed(db, i);
		printf("%-28s %-22s %10llu %10llu %8llu\n", f->name,
		       f->source_date ? f->source_date : "-", (unsigned long long)f->records,
		       (unsigned long long)f->packages, (unsigned long long)f->skipped);
	}
}

static int print_affected(const vigil_db_affected *a, void *payload)
{
	(void)payload;
	printf("%-22s %-13s %-24s %-14s%s\n", a->vuln_id, a->status, a->fixed ? a->fixed : "-",
	       a->feed, a->kev ? " known exploited" : "");
	return 0;
}

int cmd_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'}, {"only", required_argument, NULL, 'O'},
		{"db", required_argument, NULL, 'd'},	{"format", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},	{NULL, 0, NULL, 0},
	};
	vigil_db_update_opts uo = VIGIL_DB_UPDATE_OPTS_INIT;
	const char *path = NULL, *format = "table", *sub;
	char buf[4096];
	vigil_ctx *ctx = NULL;
	int o, error;
	cli c;
	memset(&c, 0, sizeof(c));
	if (argc < 2 || argv[1][0] == '-') {
		help_db();
		return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
			       ? 0
			       : EXIT_ERR;
	}
	sub = argv[1];
	optind = 1;
	while ((o = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			uo.from = optarg;
			break;
		case 'O':
			uo.only = optarg;
			break;
		case 'd':
			path = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'h':
			help_db();
			return 0;
		default:
			die_usage("db", "unknown option");
		}
	}
	int nargs = argc - 1 - optind;
	if (strcmp(sub, "lookup") == 0 ? nargs != 2 : nargs != 0)
		die_usage("db", strcmp(sub, "lookup") == 0 ? "db lookup needs ECOSYSTEM PACKAGE"
							   : "too many arguments");
	if (!path)
		path = default_db(buf);
	if (vigil_ctx_new(&ctx) < 0)
		return EXIT_ERR;
	vigil_ctx_set_warn(ctx, on_warn, &c);
	if (strcmp(sub, "update") == 0) {
		if (!uo.from)
			die_usage("db", "db update needs --from DIR (downloading from the upstream "
					"URLs is not built yet)");
		fprintf(stderr, "vigil: building the vulnerability database from %s\n", uo.from);
		error = vigil_db_update(ctx, path, &uo);
		if (error == 0) {
			vigil_db *db;
			if ((error = vigil_db_open(&db, ctx, path)) == 0) {
				db_info_print(db, path, 0);
				vigil_db_free(db);
			}
		}
	} else if (strcmp(sub, "info") == 0) {
		vigil_db *db;
		if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
			die_usage("db", "--format must be table or json");
		if ((error = vigil_db_open(&db, ctx, path)) == 0) {
			db_info_print(db, path, strcmp(format, "json") == 0);
			vigil_db_free(db);
		}
	} else if (strcmp(sub, "lookup") == 0) {
		vigil_db *db;
		if ((error = vigil_db_open(&db, ctx, path)) == 0) {
			error = vigil_db_lookup(db, argv[1 + optind], argv[2 + optind],
						print_affected, NULL);
			if (error == 0)
				fprintf(stderr, "vigil: no statements about %s in %s\n",
					argv[2 + optind], argv[1 + optind]);
			vigil_db_free(db);
			error = error < 0 ? error : 0;
		}
	} else {
		die_usage("db", "unknown db command (update, info, lookup)");
		error = VIGIL_EINVAL;
	}
	if (error < 0)
		print_error(vigil_ctx_error(ctx)[0] ? vigil_ctx_error(ctx) : "out of memory");
	vigil_ctx_free(ctx);
	return error < 0 ? EXIT_ERR : 0;
}
