/*
 * serve.c - `vigil serve`: the scanning service (docs/serve.md), and `vigil serve token
 * add NAME --scopes read,scan,admin --data DIR`.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/util.h"
#include "vigil.h"
#include "vigil/serve.h"
#include "vigil/store.h"
#include "cli.h"

static void help_serve(void)
{
	printf("Usage: vigil serve --data DIR [options]\n"
	       "       vigil serve --store postgres://... [--role api|worker|all] [options]\n"
	       "       vigil serve --check (--data DIR | --store URL)\n"
	       "       vigil serve token add NAME --scopes read,scan,admin (--data DIR | --store "
	       "URL)\n"
	       "\n"
	       "Run Vigil as a service: an HTTP API (JSON, /api/v1) that queues scans, keeps\n"
	       "every image's inventory, report and history in a store under --data, re-matches\n"
	       "the stored inventories after a database update, accepts registry push\n"
	       "notifications and calls webhooks. Logs are JSON lines on stderr. Stop it with\n"
	       "SIGTERM or SIGINT. See docs/serve.md.\n"
	       "\n"
	       "Options:\n"
	       "  --listen ADDR:PORT    IPv4 address and port (default 127.0.0.1:8080; port 0\n"
	       "                        picks a free one, see --port-file)\n"
	       "  --data DIR            the store (created when missing)\n"
	       "  --db FILE             vulnerability database (default: as vigil scan)\n"
	       "  --db-from DIR|URL     database updates (POST /api/v1/db/update,\n"
	       "                        --update-interval): a mirror directory of feed\n"
	       "                        archives, or the http(s) URL of a database bundle\n"
	       "                        (vigil db export), fetched only when it changed\n"
	       "  --db-key FILE         public key (PEM) the bundle's signature at URL.sig\n"
	       "                        must verify with (default: checksum only)\n"
	       "  --db-max-mb N         largest bundle downloaded (default 1024)\n"
	       "  --images-dir DIR      local image paths (OCI layouts, archives) must be under\n"
	       "                        DIR; without it only registry references are accepted\n"
	       "  --tls-cert FILE --tls-key FILE  serve HTTPS with this PEM certificate and key\n"
	       "  --port-file FILE      write the bound port to FILE\n"
	       "  --workers N           scan workers (default 2)\n"
	       "  --http-threads N      HTTP threads (default 4)\n"
	       "  --max-body SIZE       larger request bodies get 413 (default 1M)\n"
	       "  --max-header SIZE     memory for one connection's headers (default 32K)\n"
	       "  --conn-timeout SEC    idle connections are closed (default 30)\n"
	       "  --max-conns N         connections in all (default 1024)\n"
	       "  --max-conns-per-client N  connections from one address (default 256)\n"
	       "  --scanners LIST       vuln,secret,malware,config (default: all)\n"
	       "  --insecure-registry HOST[:PORT]  reach this registry over plain HTTP (repeat)\n"
	       "  --ca-file FILE        trusted CA certificates for registries (PEM)\n"
	       "  --registry URL        poll this registry's /v2/_catalog and tags (repeat):\n"
	       "                        [http://|https://]HOST[:PORT][/GLOB], GLOB of\n"
	       "                        repositories (default *); new digests are queued\n"
	       "  --poll-interval SEC   how often registries are polled (default 300)\n"
	       "  --update-interval SEC run a database update from --db-from (and the\n"
	       "                        re-evaluation) every SEC seconds\n"
	       "  --config FILE         settings from a YAML file (default ./vigil.yaml): these\n"
	       "                        options without \"--\" as keys, at the top level or\n"
	       "                        under serve: (lists for repeated ones); an unknown\n"
	       "                        key is an error (FILE:LINE); the command line wins\n"
	       "  --admission-policy FILE  policy of the Kubernetes admission webhook\n"
	       "                        (POST /k8s/admission, TLS only; docs/admission.md)\n"
	       "  --admission-client-ca FILE  POST /k8s/admission needs a TLS client\n"
	       "                        certificate signed by this CA (the API server's)\n"
	       "\n"
	       "Shared store (docs/postgres.md):\n"
	       "  --store URL           a PostgreSQL store (postgres://...) instead of --data;\n"
	       "                        several servers may share it\n"
	       "  --role ROLE           all (default), api (HTTP only) or worker (jobs and\n"
	       "                        webhook deliveries; HTTP for /healthz and /metrics)\n"
	       "  --lease SEC           a claimed job's lease, renewed by a heartbeat (30)\n"
	       "  --backoff SEC         first retry delay after a lease expired (5), doubling\n"
	       "  --max-attempts N      attempts before a job whose lease expired fails (5)\n"
	       "  --job-retention SEC   finished jobs are deleted after SEC (3600)\n"
	       "  --poll SEC            idle workers look for jobs every SEC (1); with --store\n"
	       "                        they also wake at once on a new job (LISTEN/NOTIFY)\n"
	       "  --check               verify the store's schema and connectivity, then exit\n"
	       "\n"
	       "Token scopes: read (GET), scan (POST scans and registry events), admin\n"
	       "(everything, webhooks and database updates). The token is printed once; the\n"
	       "store keeps only its SHA-256.\n"
	       "\n"
	       "Exit status: 0 after a clean stop, 2 error.\n");
}

static int token_add(int argc, char **argv)
{
	static const struct option opts[] = {{"scopes", required_argument, NULL, 's'},
					     {"data", required_argument, NULL, 'd'},
					     {"store", required_argument, NULL, 'S'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *scopes = NULL, *data = NULL, *name;
	unsigned bits;
	vigil_store *s = NULL;
	char token[72];
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 's')
			scopes = optarg;
		else if (o == 'd' || o == 'S')
			data = optarg;
		else if (o == 'h') {
			help_serve();
			return 0;
		} else
			die_usage("serve", "unknown option");
	}
	if (optind + 1 != argc)
		die_usage("serve", "vigil serve token add NAME --scopes LIST --data DIR");
	name = argv[optind];
	if (!data || !scopes)
		die_usage("serve", "token add needs --scopes and --data");
	if (strlen(name) > 64 || !*name)
		die_usage("serve", "the token name must be 1 to 64 characters");
	if (vigil_store_parse_scopes(&bits, scopes) < 0)
		die_usage("serve", vigil_store_error());
	if (vigil_store_open(&s, data) < 0 || vigil_store_token_add(s, token, name, bits) < 0) {
		print_error(vigil_store_error());
		vigil_store_free(s);
		return EXIT_ERR;
	}
	vigil_store_free(s);
	printf("%s\n", token);
	return 0;
}

/* `vigil serve --check`: opens the store (a PostgreSQL store applies its migrations)
 * and verifies its schema (SQLite: integrity_check). */
static int store_check(const char *where)
{
	vigil_store *s = NULL;
	if (vigil_store_open(&s, where) < 0 || vigil_store_check(s) < 0 ||
	    vigil_store_ping(s) < 0) {
		print_error(vigil_store_error());
		vigil_store_free(s);
		return EXIT_ERR;
	}
	printf("store: ok (%s, schema current, connected)\n",
	       vigil_store_shared(s) ? "postgresql" : "sqlite");
	vigil_store_free(s);
	return 0;
}

static unsigned parse_scanners(const char *v)
{
	unsigned bits = 0;
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 4 && !strncmp(p, "vuln", 4))
			bits |= VIGIL_SCANNER_VULN;
		else if (n == 6 && !strncmp(p, "secret", 6))
			bits |= VIGIL_SCANNER_SECRET;
		else if (n == 7 && !strncmp(p, "malware", 7))
			bits |= VIGIL_SCANNER_MALWARE;
		else if (n == 6 && !strncmp(p, "config", 6))
			bits |= VIGIL_SCANNER_CONFIG;
		else
			die_usage("serve", "--scanners: vuln, secret, malware, config");
		p += n;
		if (*p == ',')
			p++;
	}
	if (!bits)
		die_usage("serve", "--scanners: vuln, secret, malware, config");
	return bits;
}

int cmd_serve(int argc, char **argv)
{
	enum {
		O_LISTEN = 300,
		O_DATA,
		O_DB,
		O_DBFROM,
		O_IMAGES,
		O_CERT,
		O_KEY,
		O_PORTFILE,
		O_WORKERS,
		O_HTHREADS,
		O_BODY,
		O_HEADER,
		O_TIMEOUT,
		O_CONNS,
		O_PERIP,
		O_SCANNERS,
		O_INSECURE,
		O_CAFILE,
		O_STORE,
		O_ROLE,
		O_LEASE,
		O_BACKOFF,
		O_ATTEMPTS,
		O_RETENTION,
		O_POLL,
		O_CHECK,
		O_ADMPOLICY,
		O_REGISTRY,
		O_POLLINT,
		O_UPDINT,
		O_DBKEY,
		O_DBMAX,
		O_ADMCLIENTCA
	};
	static const struct option opts[] = {
		{"listen", required_argument, NULL, O_LISTEN},
		{"data", required_argument, NULL, O_DATA},
		{"db", required_argument, NULL, O_DB},
		{"db-from", required_argument, NULL, O_DBFROM},
		{"images-dir", required_argument, NULL, O_IMAGES},
		{"tls-cert", required_argument, NULL, O_CERT},
		{"tls-key", required_argument, NULL, O_KEY},
		{"port-file", required_argument, NULL, O_PORTFILE},
		{"workers", required_argument, NULL, O_WORKERS},
		{"http-threads", required_argument, NULL, O_HTHREADS},
		{"max-body", required_argument, NULL, O_BODY},
		{"max-header", required_argument, NULL, O_HEADER},
		{"conn-timeout", required_argument, NULL, O_TIMEOUT},
		{"max-conns", required_argument, NULL, O_CONNS},
		{"max-conns-per-client", required_argument, NULL, O_PERIP},
		{"scanners", required_argument, NULL, O_SCANNERS},
		{"insecure-registry", required_argument, NULL, O_INSECURE},
		{"ca-file", required_argument, NULL, O_CAFILE},
		{"store", required_argument, NULL, O_STORE},
		{"role", required_argument, NULL, O_ROLE},
		{"lease", required_argument, NULL, O_LEASE},
		{"backoff", required_argument, NULL, O_BACKOFF},
		{"max-attempts", required_argument, NULL, O_ATTEMPTS},
		{"job-retention", required_argument, NULL, O_RETENTION},
		{"poll", required_argument, NULL, O_POLL},
		{"check", no_argument, NULL, O_CHECK},
		{"admission-policy", required_argument, NULL, O_ADMPOLICY},
		{"admission-client-ca", required_argument, NULL, O_ADMCLIENTCA},
		{"registry", required_argument, NULL, O_REGISTRY},
		{"poll-interval", required_argument, NULL, O_POLLINT},
		{"update-interval", required_argument, NULL, O_UPDINT},
		{"db-key", required_argument, NULL, O_DBKEY},
		{"db-max-mb", required_argument, NULL, O_DBMAX},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	vigil_serve_opts so = VIGIL_SERVE_OPTS_INIT;
	char dbbuf[4096], err[1024];
	const char *insecure[33] = {NULL};
	static const char *registries[33];
	int o, ninsecure = 0, nregistries = 0, check = 0;

	if (argc >= 2 && !strcmp(argv[1], "token")) {
		if (argc >= 3 && !strcmp(argv[2], "add"))
			return token_add(argc - 2, argv + 2);
		die_usage("serve", "vigil serve token add NAME --scopes LIST --data DIR");
	}
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_LISTEN:
			so.listen = optarg;
			break;
		case O_DATA:
			so.data_dir = optarg;
			break;
		case O_DB:
			so.db_path = optarg;
			break;
		case O_DBFROM:
			so.db_from = optarg;
			break;
		case O_IMAGES:
			so.images_dir = optarg;
			break;
		case O_CERT:
			so.tls_cert = optarg;
			break;
		case O_KEY:
			so.tls_key = optarg;
			break;
		case O_PORTFILE:
			so.port_file = optarg;
			break;
		case O_WORKERS:
			so.workers = (int)num_arg("serve", "--workers", optarg, 0, 64);
			break;
		case O_HTHREADS:
			so.http_threads = (int)num_arg("serve", "--http-threads", optarg, 0, 64);
			break;
		case O_BODY:
			so.max_body = num_arg("serve", "--max-body", optarg, 1, 1 << 30);
			break;
		case O_HEADER:
			so.max_header = num_arg("serve", "--max-header", optarg, 1, 16 << 20);
			break;
		case O_TIMEOUT:
			so.conn_timeout =
				(unsigned)num_arg("serve", "--conn-timeout", optarg, 0, 3600);
			break;
		case O_CONNS:
			so.max_conns = (unsigned)num_arg("serve", "--max-conns", optarg, 0, 100000);
			break;
		case O_PERIP:
			so.max_conns_per_ip = (unsigned)num_arg("serve", "--max-conns-per-client",
								optarg, 0, 100000);
			break;
		case O_SCANNERS:
			so.scanners = parse_scanners(optarg);
			break;
		case O_INSECURE:
			if (ninsecure == 32)
				die_usage("serve", "--insecure-registry: at most 32 hosts");
			insecure[ninsecure++] = optarg;
			so.insecure_registries = insecure;
			break;
		case O_CAFILE:
			so.ca_file = optarg;
			break;
		case O_STORE:
			if (strncmp(optarg, "postgres://", 11) &&
			    strncmp(optarg, "postgresql://", 13))
				die_usage("serve", "--store wants a postgres:// URL");
			so.store = optarg;
			break;
		case O_ROLE:
			if (!strcmp(optarg, "all"))
				so.role = VIGIL_SERVE_ROLE_ALL;
			else if (!strcmp(optarg, "api"))
				so.role = VIGIL_SERVE_ROLE_API;
			else if (!strcmp(optarg, "worker"))
				so.role = VIGIL_SERVE_ROLE_WORKER;
			else
				die_usage("serve", "--role: api, worker or all");
			break;
		case O_LEASE:
			so.lease = (unsigned)num_arg("serve", "--lease", optarg, 2, 86400);
			break;
		case O_BACKOFF:
			so.backoff = (unsigned)num_arg("serve", "--backoff", optarg, 1, 3600);
			break;
		case O_ATTEMPTS:
			so.max_attempts =
				(unsigned)num_arg("serve", "--max-attempts", optarg, 1, 100);
			break;
		case O_RETENTION:
			so.job_retention =
				(unsigned)num_arg("serve", "--job-retention", optarg, 1, 100000000);
			break;
		case O_POLL:
			so.poll = (unsigned)num_arg("serve", "--poll", optarg, 1, 86400);
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_ADMPOLICY:
			so.admission_policy = optarg;
			break;
		case O_ADMCLIENTCA:
			so.admission_client_ca = optarg;
			break;
		case O_REGISTRY:
			if (nregistries == 32)
				die_usage("serve", "--registry: at most 32 registries");
			registries[nregistries++] = optarg;
			so.registries = registries;
			break;
		case O_POLLINT:
			so.poll_interval =
				(unsigned)num_arg("serve", "--poll-interval", optarg, 1, 86400 * 7);
			break;
		case O_UPDINT:
			so.update_interval = (unsigned)num_arg("serve", "--update-interval", optarg,
							       1, 86400 * 30);
			break;
		case O_DBKEY:
			so.db_key = optarg;
			break;
		case O_DBMAX:
			so.db_max_bytes =
				(uint64_t)num_arg("serve", "--db-max-mb", optarg, 1, 1 << 20) << 20;
			break;
		case 'h':
			help_serve();
			return 0;
		default:
			die_usage("serve", "unknown option");
		}
	}
	if (optind != argc)
		die_usage("serve", "unexpected argument");
	cli_config_strict("serve", opts);
	if (!so.data_dir && !so.store)
		die_usage("serve", "--data DIR (or --store URL) is required");
	if (check)
		return store_check(so.store ? so.store : so.data_dir);
	if (so.role != VIGIL_SERVE_ROLE_ALL && !so.store)
		die_usage("serve", "--role needs a shared --store");
	if (so.update_interval && !so.db_from)
		die_usage("serve", "--update-interval needs --db-from");
	if (so.db_key && !(so.db_from && (!strncmp(so.db_from, "http://", 7) ||
					  !strncmp(so.db_from, "https://", 8))))
		die_usage("serve", "--db-key goes with --db-from URL");
	if (so.max_header < 4096)
		die_usage("serve", "--max-header must be at least 4K");
	if (!so.db_path)
		so.db_path = default_db(dbbuf);
	/* the signals are taken by sigwait in vigil_serve_run, never by a worker */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (vigil_serve_run(&so, err, sizeof(err)) < 0) {
		print_error(err);
		return EXIT_ERR;
	}
	return 0;
}
