/* db.c - vigil db: build, describe and query the vulnerability database. */
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/util/util.h"
#include "cli.h"
#include "vigil/registry.h"

void help_db(void)
{
	printf("Usage: vigil db update [--from DIR] [--only FEED,...] [--db PATH]\n"
	       "       vigil db info [--format table|json] [--db PATH]\n"
	       "       vigil db lookup ECOSYSTEM PACKAGE [--db PATH]   e.g. alpine:3.10 openssl, "
	       "go golang.org/x/net\n"
	       "       vigil db update --bundle-url URL --bundle-key PUB.pem [--db PATH]\n"
	       "       vigil db export FILE [--sign KEY.pem] [--db PATH]\n"
	       "       vigil db import FILE [--db PATH]\n"
	       "\n"
	       "Build the vulnerability database from the upstream feeds: downloaded from their\n"
	       "upstream URLs (unchanged feeds are not downloaded again), or offline from a\n"
	       "mirror directory holding <feed>.tar.gz archives (such as ../shared/vulndata).\n"
	       "The new database is built next to the old one and renamed into place only when\n"
	       "every feed was imported: a failed or interrupted update leaves the old one "
	       "intact.\n"
	       "'db export' writes the database into one compressed, checksummed bundle to carry\n"
	       "into an air-gapped site; 'db import' checks it and puts it in place.\n"
	       "\n"
	       "Options:\n"
	       "  --from DIR            mirror directory to import from (no download)\n"
	       "  --only FEED,...       re-import only these feeds into the existing database\n"
	       "  --db PATH             database file (default: $VIGIL_DB, else\n"
	       "                        ~/.cache/vigil/db/vigil.db)\n"
	       "  --url FEED=URL        download FEED from URL instead of its upstream "
	       "(repeatable)\n"
	       "  --rewrite-url PREFIX=NEW  fetch built-in upstream URLs starting with PREFIX\n"
	       "                        from NEW + the rest (a mirror; repeatable)\n"
	       "  --cache DIR           download cache (default: <database>.cache)\n"
	       "  --connect-timeout S   seconds to connect (default 15)\n"
	       "  --timeout S           seconds without data before a download fails (default 30)\n"
	       "  --quiet               no download progress\n"
	       "  --format table|json   output of 'db info'\n"
	       "  --sign KEY.pem        db export: also write FILE.sig, signed with an Ed25519 or\n"
	       "                        ECDSA private key\n"
	       "  --bundle-url URL      db update: fetch a signed 'db export' bundle (URL and\n"
	       "                        URL.sig) instead of building from the feeds\n"
	       "  --bundle-ref REF      db update: the same from an OCI artifact in a registry\n"
	       "                        (HOST/REPO:TAG; layers of media types\n"
	       "                        application/vnd.vigil.db.bundle{,.sig}.v1)\n"
	       "  --bundle-key PUB.pem  the pinned public key the bundle must be signed with\n"
	       "  --insecure-registry HOST[:PORT]  plain HTTP for that registry (--bundle-ref)\n"
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

/* The database's fields in a JSON object being written (`db status`, `version`): schema,
 * build time, age and the feeds with their counts. */
void db_info_fields(struct vigil_jsonw *w, vigil_db *db)
{
	double age = 0;
	vigil_jsonw_key(w, "schema_version");
	vigil_jsonw_int(w, vigil_db_schema_version(db));
	vigil_jsonw_key(w, "built");
	vigil_jsonw_str(w, vigil_db_built(db));
	if (vigil_db_age_days(db, &age) == 0) {
		vigil_jsonw_key(w, "age_seconds");
		vigil_jsonw_uint(w, age > 0 ? (uint64_t)(age * 86400) : 0);
	}
	vigil_jsonw_key(w, "feeds");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < vigil_db_feed_count(db); i++) {
		const vigil_db_feed_info *f = vigil_db_feed(db, i);
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "name");
		vigil_jsonw_str(w, f->name);
		vigil_jsonw_key(w, "source_date");
		vigil_jsonw_str(w, f->source_date);
		vigil_jsonw_key(w, "records");
		vigil_jsonw_uint(w, f->records);
		vigil_jsonw_key(w, "packages");
		vigil_jsonw_uint(w, f->packages);
		vigil_jsonw_key(w, "skipped");
		vigil_jsonw_uint(w, f->skipped);
		vigil_jsonw_key(w, "imported_at");
		vigil_jsonw_str(w, f->imported_at);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
}

static void db_info_print(vigil_db *db, const char *path, int json)
{
	double age = 0;
	int age_ok = vigil_db_age_days(db, &age) == 0;
	if (json) {
		vigil_jsonw w;
		vigil_jsonw_init(&w, stdout, 64);
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "path");
		vigil_jsonw_str(&w, path);
		db_info_fields(&w, db);
		vigil_jsonw_obj_end(&w);
		vigil_jsonw_end(&w);
		return;
	}
	printf("%-16s", "Database:");
	put_safe(stdout, path);
	printf("\n%-16s%d\n%-16s", "Schema:", vigil_db_schema_version(db), "Built:");
	put_safe(stdout, vigil_db_built(db));
	if (age_ok && age < 2)
		printf(" (%.1f hours ago)", age * 24);
	else if (age_ok)
		printf(" (%.1f days ago)", age);
	printf("\n\n");
	printf("%-28s %-22s %10s %10s %8s\n", "FEED", "SOURCE DATE", "RECORDS", "PACKAGES",
	       "SKIPPED");
	for (size_t i = 0; i < vigil_db_feed_count(db); i++) {
		const vigil_db_feed_info *f = vigil_db_feed(db, i);
		vigil_text_put_width(stdout, f->name, 28);
		putchar(' ');
		vigil_text_put_width(stdout, f->source_date ? f->source_date : "-", 22);
		printf(" %10llu %10llu %8llu\n", (unsigned long long)f->records,
		       (unsigned long long)f->packages, (unsigned long long)f->skipped);
	}
}

static int print_affected(const vigil_db_affected *a, void *payload)
{
	(void)payload;
	vigil_text_put_width(stdout, a->vuln_id, 22);
	putchar(' ');
	vigil_text_put_width(stdout, a->status, 13);
	putchar(' ');
	vigil_text_put_width(stdout, a->fixed ? a->fixed : "-", 24);
	putchar(' ');
	vigil_text_put_width(stdout, a->feed, 14);
	printf("%s\n", a->kev ? " known exploited" : "");
	return 0;
}

int cmd_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"only", required_argument, NULL, 'O'},
		{"db", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'F'},
		{"url", required_argument, NULL, 'u'},
		{"rewrite-url", required_argument, NULL, 'W'},
		{"cache", required_argument, NULL, 'c'},
		{"connect-timeout", required_argument, NULL, 'C'},
		{"timeout", required_argument, NULL, 'T'},
		{"quiet", no_argument, NULL, 'q'},
		{"sign", required_argument, NULL, 'S'},
		{"bundle-url", required_argument, NULL, 'B'},
		{"bundle-key", required_argument, NULL, 'K'},
		{"bundle-ref", required_argument, NULL, 'R'},
		{"insecure-registry", required_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char urls[8192] = "", rewrites[4096] = "";
	uint64_t num;
	vigil_db_update_opts uo = VIGIL_DB_UPDATE_OPTS_INIT;
	const char *path = NULL, *format = "table", *sub;
	const char *sign_key = NULL, *bundle_url = NULL, *bundle_key = NULL, *bundle_ref = NULL;
	const char *insecure[2] = {NULL, NULL};
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
		case 'u':
			if (!strchr(optarg, '=') || strchr(optarg, ','))
				die_usage("db", "--url needs FEED=URL");
			if (strlen(urls) + strlen(optarg) + 2 > sizeof(urls))
				die_usage("db", "too many --url options");
			if (urls[0])
				strncat(urls, ",", sizeof(urls) - strlen(urls) - 1);
			strncat(urls, optarg, sizeof(urls) - strlen(urls) - 1);
			uo.urls = urls;
			break;
		case 'W':
			if (!strchr(optarg, '=') || strchr(optarg, ',') || optarg[0] == '=')
				die_usage("db", "--rewrite-url needs PREFIX=NEW");
			if (strlen(rewrites) + strlen(optarg) + 2 > sizeof(rewrites))
				die_usage("db", "too many --rewrite-url options");
			if (rewrites[0])
				strncat(rewrites, ",", sizeof(rewrites) - strlen(rewrites) - 1);
			strncat(rewrites, optarg, sizeof(rewrites) - strlen(rewrites) - 1);
			uo.rewrite = rewrites;
			break;
		case 'c':
			uo.cache_dir = optarg;
			break;
		case 'C':
		case 'T':
			if (vigil_parse_uint(&num, optarg, 3600) < 0 || num == 0)
				die_usage("db", "timeouts are whole seconds, 1 to 3600");
			if (o == 'C')
				uo.connect_timeout = (int)num;
			else
				uo.stall_timeout = (int)num;
			break;
		case 'q':
			uo.quiet = 1;
			break;
		case 'S':
			sign_key = optarg;
			break;
		case 'B':
			bundle_url = optarg;
			break;
		case 'K':
			bundle_key = optarg;
			break;
		case 'R':
			bundle_ref = optarg;
			break;
		case 'I':
			insecure[0] = optarg;
			break;
		case 'h':
			help_db();
			return 0;
		default:
			die_usage("db", "unknown option");
		}
	}
	uo.quiet |= cli_quiet;
	int nargs = argc - 1 - optind;
	int file_cmd = strcmp(sub, "export") == 0 || strcmp(sub, "import") == 0;
	if (strcmp(sub, "lookup") == 0 ? nargs != 2 : file_cmd ? nargs != 1 : nargs != 0)
		die_usage("db", strcmp(sub, "lookup") == 0 ? "db lookup needs ECOSYSTEM PACKAGE"
				: file_cmd		   ? "db export/import needs FILE"
							   : "too many arguments");
	if (!path)
		path = default_db(buf);
	if (vigil_ctx_new(&ctx) < 0)
		return EXIT_ERR;
	vigil_ctx_set_warn(ctx, on_warn, &c);
	if ((sign_key && strcmp(sub, "export") != 0) ||
	    ((bundle_url || bundle_key || bundle_ref) && strcmp(sub, "update") != 0))
		die_usage("db",
			  "--sign goes with db export, --bundle-url/--bundle-ref/--bundle-key "
			  "with db update");
	if (bundle_key && !bundle_url && !bundle_ref)
		die_usage("db", "--bundle-key goes with --bundle-url or --bundle-ref");
	if (bundle_url && bundle_ref)
		die_usage("db", "--bundle-url or --bundle-ref, not both");
	if (strcmp(sub, "update") == 0 && (bundle_url || bundle_ref)) {
		if (uo.from || uo.only || uo.urls)
			die_usage("db",
				  "--bundle-url/--bundle-ref replace --from, --only and --url");
		fprintf(stderr, "vigil: fetching the signed database bundle %s\n",
			bundle_url ? bundle_url : bundle_ref);
		vigil_registry_opts ro = VIGIL_REGISTRY_OPTS_INIT;
		ro.insecure = insecure[0] ? insecure : NULL;
		error = bundle_url ? vigil_db_update_bundle(ctx, path, bundle_url, bundle_key, &uo)
				   : vigil_db_update_bundle_ref(ctx, path, bundle_ref, bundle_key,
								&uo, &ro);
		if (error == 0) {
			vigil_db *db;
			if ((error = vigil_db_open(&db, ctx, path)) == 0) {
				db_info_print(db, path, 0);
				vigil_db_free(db);
			}
		}
	} else if (strcmp(sub, "update") == 0) {
		fprintf(stderr, "vigil: building the vulnerability database from %s\n",
			uo.from ? uo.from : "the upstream feeds");
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
			if (error == 0) {
				fputs("vigil: no statements about ", stderr);
				put_safe(stderr, argv[2 + optind]);
				fputs(" in ", stderr);
				put_safe(stderr, argv[1 + optind]);
				fputc('\n', stderr);
			}
			vigil_db_free(db);
			error = error < 0 ? error : 0;
		}
	} else if (strcmp(sub, "export") == 0) {
		if ((error = vigil_db_export(ctx, path, argv[1 + optind])) == 0 && sign_key &&
		    (error = vigil_db_bundle_sign(ctx, argv[1 + optind], sign_key)) < 0)
			unlink(argv[1 +
				    optind]); /* no unsigned bundle when a signed one was asked */
		if (error == 0)
			fprintf(stderr, "vigil: exported %s to %s%s\n", path, argv[1 + optind],
				sign_key ? " (signature in FILE.sig)" : "");
	} else if (strcmp(sub, "import") == 0) {
		if ((error = vigil_db_import(ctx, argv[1 + optind], path)) == 0) {
			vigil_db *db;
			fprintf(stderr, "vigil: imported %s into %s\n", argv[1 + optind], path);
			if ((error = vigil_db_open(&db, ctx, path)) == 0) {
				db_info_print(db, path, 0);
				vigil_db_free(db);
			}
		}
	} else {
		die_usage("db", "unknown db command (update, info, lookup, export, import)");
		error = VIGIL_EINVAL;
	}
	if (error < 0)
		print_ctx_error(ctx, error);
	vigil_ctx_free(ctx);
	return error < 0 ? EXIT_ERR : 0;
}
