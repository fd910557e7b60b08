/*
 * vigil - the command line. Uses only the public API and src/lib/util.
 * Exit codes: 0 success, 1 findings that fail a gate (scan), 2 any error.
 */
#include <getopt.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/util/util.h"
#include "vigil.h"
#include "cli.h"

/* Writes text from an image (names, messages) with control characters, bidirectional
 * controls and invalid UTF-8 escaped (vigil_text_put), so a hostile file name cannot move
 * the cursor, fake a line, reorder a line or retitle the terminal. */
void put_safe(FILE *f, const char *s)
{
	vigil_text_put(f, s);
}

void print_error(const char *msg)
{
	fputs("vigil: error: ", stderr);
	put_safe(stderr, msg);
	fputc('\n', stderr);
}

void print_ctx_error(const vigil_ctx *ctx, int error)
{
	print_error(vigil_ctx_error(ctx)[0] ? vigil_ctx_error(ctx) : vigil_strerror(error));
}

void die_usage(const char *cmd, const char *msg)
{
	const char *origin = cli_opt_origin();
	fprintf(stderr, "vigil: error: %s%s%s%s\nRun 'vigil %s --help' for usage.\n", msg,
		origin ? " (from " : "", origin ? origin : "", origin ? ")" : "", cmd ? cmd : "");
	exit(EXIT_ERR);
}

const char COMMON_HELP[] =
	"\n"
	"IMAGE is a docker-archive tarball (docker save, possibly gzip/zstd compressed),\n"
	"an OCI image layout (directory or tar), or a root filesystem directory; the\n"
	"format is detected, or named with a prefix: docker-archive:, oci:, oci-archive:,\n"
	"rootfs: (rootfs:/ reads this host). A registry reference (HOST[:PORT]/REPO[:TAG]\n"
	"or @sha256:DIGEST; alpine:3.20 means docker.io/library/alpine:3.20) is pulled\n"
	"when the argument is not an existing path, or with the prefix registry:.\n"
	"\n"
	"Registry options:\n"
	"  --username USER --password-stdin  credentials (else $VIGIL_REGISTRY_USERNAME and\n"
	"                        $VIGIL_REGISTRY_PASSWORD, then the auth file)\n"
	"  --authfile FILE       docker config.json with auths / credHelpers (default\n"
	"                        $REGISTRY_AUTH_FILE, then ~/.docker/config.json)\n"
	"  --ca-file FILE        trusted CA certificates for the registry (PEM); also read:\n"
	"                        /etc/docker/certs.d/HOST[:PORT]/ca.crt\n"
	"  --insecure-registry HOST[:PORT]  allow plain HTTP or an unverified certificate\n"
	"  --registry-mirror HOST=MIRROR[/PREFIX]  try MIRROR first for images of HOST\n"
	"                        (docker.io=mirror.corp:5000; repeatable, tried in order)\n"
	"  --registries-conf FILE  the mirrors of a containers-registries.conf(5) file\n"
	"  Proxies: $https_proxy, $http_proxy, $all_proxy, $no_proxy (or in upper case)\n"
	"\n"
	"Image options:\n"
	"  --tag TAG             choose an image by tag when the archive holds several\n"
	"  --platform OS/ARCH[/VARIANT]  choose from a multi-platform index (default: the host's)\n"
	"  --threads N           layers decompressed in parallel (default: one per core)\n"
	"  -q, --quiet           no progress on stderr (also --no-progress)\n"
	"  --skip-dirs GLOB      leave out directories matching GLOB and what is below\n"
	"                        them (repeatable, or comma-separated; e.g. '/usr/share/doc';\n"
	"                        a name alone matches at any depth, '**' crosses directories)\n"
	"  --skip-files GLOB     leave out files matching GLOB (repeatable; '*.min.js')\n"
	"\n"
	"Limits (hostile images stop with a clear error; raise them for huge images):\n"
	"  --max-files N         tar entries over all layers (default 500000; 5000000 for a\n"
	"                        root filesystem directory such as rootfs:/)\n"
	"  --max-bytes SIZE      uncompressed bytes over all layers (default 64G)\n"
	"  --max-file-size SIZE  larger files are listed but not analyzed (default 256M)\n"
	"  --max-json-size SIZE  manifest, index and config documents (default 16M)\n"
	"  --max-depth N         path components (default 256)\n"
	"  --max-path N          bytes in one path (default 4096)\n"
	"  --max-layers N        layers in one image (default 1000)\n"
	"SIZE accepts K, M, G suffixes (powers of 1024).\n";

static void help_ls(void)
{
	printf("Usage: vigil ls IMAGE [PATH] [options]\n"
	       "\n"
	       "List the merged filesystem of an image, as a container would see it: each file\n"
	       "with its type, mode, owner, size, link target and the layer that last wrote it.\n"
	       "PATH limits the listing to that path and what is below it.\n"
	       "\n"
	       "Options:\n"
	       "  --format table|json   output format (default: table)\n"
	       "  --all-layers          also list files that later layers deleted or overwrote\n"
	       "%s"
	       "\n"
	       "Exit status: 0 success, 2 error.\n",
	       COMMON_HELP);
}

static void help_inspect(void)
{
	printf("Usage: vigil inspect IMAGE [options]\n"
	       "\n"
	       "Describe an image: format, manifest and config digests, operating system,\n"
	       "platform, layers (digest, diff_id, sizes, the history step that made each),\n"
	       "file totals and the runtime configuration. Every layer is read and verified.\n"
	       "\n"
	       "Options:\n"
	       "  --format table|json   output format (default: table)\n"
	       "%s"
	       "\n"
	       "Exit status: 0 success, 2 error.\n",
	       COMMON_HELP);
}

static void help_sbom(void)
{
	printf("Usage: vigil sbom IMAGE [options]\n"
	       "\n"
	       "List the packages of an image: OS packages (dpkg, apk, rpm) and application\n"
	       "packages, each with its version, source package, licence, purl, the file it\n"
	       "was found in and the layer that installed it.\n"
	       "\n"
	       "Options:\n"
	       "  --format cyclonedx|spdx|json|table  CycloneDX 1.6, SPDX 2.3, Vigil's inventory\n"
	       "                        JSON (docs/inventory-json.md) or a table (default: table)\n"
	       "  -o, --output FILE     write to FILE instead of stdout\n"
	       "  --keep-os-owned       also list language packages whose files an OS package "
	       "owns\n"
	       "  --max-archive-size SIZE  larger jars and binaries are not opened (default 128M)\n"
	       "%s"
	       "\n"
	       "Exit status: 0 success, 2 error.\n",
	       COMMON_HELP);
}

static void help_main(void)
{
	printf("vigil %s - container image security toolkit\n"
	       "\n"
	       "Usage: vigil COMMAND [options]\n"
	       "\n"
	       "Commands:\n"
	       "  inspect IMAGE         describe an image, its layers and configuration\n"
	       "  ls IMAGE [PATH]       list the merged filesystem of an image\n"
	       "  sbom IMAGE            list the packages of an image (CycloneDX, SPDX, JSON)\n"
	       "  scan IMAGE            find vulnerabilities, secrets, malware, misconfigurations\n"
	       "  fs DIR                scan a source tree (lockfiles, secrets, Dockerfiles, k8s)\n"
	       "  pull REF -o DEST      copy a registry image to oci:DIR or docker-archive:FILE\n"
	       "  config PATH           check Dockerfiles and Kubernetes manifests\n"
	       "  audit host            check a Docker host and its containers (CIS)\n"
	       "  watch                 detect attacks in running containers (eBPF, root)\n"
	       "  db update|info|lookup|export|import\n"
	       "                        build, describe, query or carry the vulnerability "
	       "database\n"
	       "  serve                 run the scanning service (HTTP API, store, webhooks)\n"
	       "  admission-config --service NS/NAME\n"
	       "                        print the Kubernetes ValidatingWebhookConfiguration\n"
	       "  vercmp SCHEME A B     compare versions as dpkg, apk, rpm, npm, pip... do\n"
	       "  verify IMAGE --key K  verify the image's cosign signatures with a public key\n"
	       "  version               print the version and the database's details\n"
	       "  completion SHELL      shell completion for bash, zsh or fish\n"
	       "  convert REPORT.json   write a saved scan report in other formats\n"
	       "  help [COMMAND]        show help\n"
	       "\n"
	       "Run 'vigil COMMAND --help' for the options of a command.\n",
	       VIGIL_VERSION);
}

void on_warn(const char *msg, void *payload)
{
	cli *c = payload;
	/* one whole line: the rule engine's thread warns while the image opens (scan) */
	flockfile(stderr);
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = 0;
	}
	fputs("vigil: warning: ", stderr);
	put_safe(stderr, msg);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void image_ctx_setup(cli *c, vigil_ctx *ctx, const char *ref)
{
	struct stat st;
	char layout[4200];
	const char *dir = strncmp(ref, "rootfs:", 7) == 0 ? ref + 7 : NULL;
	/* a directory that is not an OCI layout is read as a root filesystem */
	if (!dir && !strchr(ref, ':') && stat(ref, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(layout, sizeof(layout), "%s/oci-layout", ref);
		if (access(layout, F_OK) != 0)
			dir = ref;
	}
	if (dir && !c->max_files_set) {
		vigil_limits l = c->limits;
		l.max_files = 5000000; /* a host's / holds a few million files */
		vigil_ctx_set_limits(ctx, &l);
	}
	vigil_ctx_set_skip(ctx, c->nskip_dirs ? c->skip_dirs : NULL,
			   c->nskip_files ? c->skip_files : NULL);
}

void on_progress(uint64_t done, uint64_t total, void *payload)
{
	cli *c = payload;
	struct timespec now;
	char a[32], b[32];
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - c->last.tv_sec) + (now.tv_nsec - c->last.tv_nsec) / 1e9;
	if (dt < 0.1 && done < total)
		return;
	c->last = now;
	if (total == VIGIL_PROGRESS_FILES) { /* a directory: files so far, no total */
		fprintf(stderr, "\r\033[Kreading files: %" PRIu64, done);
		c->progress_shown = 1;
		return;
	}
	fprintf(stderr, "\r\033[Kreading layers: %3d%% (%s of %s)",
		total ? (int)(done * 100 / total) : 100, vigil_human_size(a, sizeof(a), done),
		vigil_human_size(b, sizeof(b), total));
	c->progress_shown = 1;
}

void progress_done(cli *c)
{
	if (c->progress_shown)
		fputs("\r\033[K", stderr);
	c->progress_shown = 0;
}

static const struct option LONGOPTS[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"tag", required_argument, NULL, OPT_TAG},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"all-layers", no_argument, NULL, OPT_ALL_LAYERS},
	{"threads", required_argument, NULL, OPT_THREADS},
	LIMIT_LONGOPTS,
	REGISTRY_LONGOPTS,
	SKIP_LONGOPTS,
	{"keep-os-owned", no_argument, NULL, OPT_KEEP_OS_OWNED},
	{"output", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

uint64_t num_arg(const char *cmd, const char *opt, const char *v, int size, uint64_t max)
{
	uint64_t n;
	char msg[256];
	int bad = size ? vigil_parse_size(&n, v) : vigil_parse_uint(&n, v, max);
	if (bad < 0 || n > max || n == 0) {
		snprintf(msg, sizeof(msg), "%s: '%s' is not a valid %s", opt, v,
			 size ? "size (e.g. 512M)" : "positive number");
		die_usage(cmd, msg);
	}
	return n;
}

/* The --skip-dirs / --skip-files pieces live until exit (at most 64 of each kind); kept
 * here so they stay reachable from a global (leak checkers) after the command returns. */
static char *skip_pool[2 * 64];
static int nskip_pool;

/* --registries-conf lists: the options' strings, reachable until exit */
static char **conf_kept[16];
static int nconf_kept;

int image_opt(cli *c, const char *cmd, int o, const char *arg)
{
	switch (o) {
	case OPT_TAG:
		c->tag = arg;
		break;
	case OPT_PLATFORM:
		c->platform = arg;
		break;
	case OPT_THREADS:
		c->threads = (int)num_arg(cmd, "--threads", arg, 0, 64);
		break;
	case OPT_MAX_FILES:
		c->limits.max_files = num_arg(cmd, "--max-files", arg, 0, UINT64_MAX);
		c->max_files_set = 1;
		break;
	case OPT_SKIP_DIRS:
	case OPT_SKIP_FILES: {
		const char **v = o == OPT_SKIP_DIRS ? c->skip_dirs : c->skip_files;
		int *n = o == OPT_SKIP_DIRS ? &c->nskip_dirs : &c->nskip_files;
		/* comma-separated lists too; the pieces are copied once and live to exit */
		for (const char *p = arg; *p;) {
			size_t len = strcspn(p, ",");
			if (len) {
				if (*n >= 64)
					die_usage(cmd,
						  "at most 64 --skip-dirs / --skip-files globs");
				char *g = strndup(p, len);
				if (!g)
					die_usage(cmd, "out of memory");
				if (nskip_pool < (int)(sizeof(skip_pool) / sizeof(skip_pool[0])))
					skip_pool[nskip_pool++] = g; /* reachable until exit */
				v[(*n)++] = g;
				v[*n] = NULL;
			}
			p += len + (p[len] == ',');
		}
		break;
	}
	case OPT_MAX_BYTES:
		c->limits.max_bytes = num_arg(cmd, "--max-bytes", arg, 1, UINT64_MAX);
		break;
	case OPT_MAX_FILE_SIZE:
		c->limits.max_file_size = num_arg(cmd, "--max-file-size", arg, 1, UINT64_MAX);
		break;
	case OPT_MAX_JSON:
		c->limits.max_json_size =
			num_arg(cmd, "--max-json-size", arg, 1, (uint64_t)1 << 32);
		break;
	case OPT_MAX_DEPTH:
		c->limits.max_depth = (uint32_t)num_arg(cmd, "--max-depth", arg, 0, 65536);
		break;
	case OPT_MAX_PATH:
		c->limits.max_path = (uint32_t)num_arg(cmd, "--max-path", arg, 0, 1 << 20);
		break;
	case OPT_MAX_LAYERS:
		c->limits.max_layers = (uint32_t)num_arg(cmd, "--max-layers", arg, 0, 100000);
		break;
	case 'q':
		c->quiet = 1;
		break;
	case OPT_INSECURE_REGISTRY:
		if (c->ninsecure >= 32)
			die_usage(cmd, "--insecure-registry: at most 32 hosts");
		c->insecure[c->ninsecure++] = optarg;
		break;
	case OPT_REGISTRY_MIRROR: {
		const char *why;
		if (c->nmirrors >= 16)
			die_usage(cmd, "--registry-mirror: at most 16 mirrors");
		if (vigil_registry_mirror_check(optarg, &why) < 0) {
			char m[300];
			snprintf(m, sizeof(m), "--registry-mirror: %s", why);
			die_usage(cmd, m);
		}
		c->mirrors[c->nmirrors++] = optarg;
		break;
	}
	case OPT_REGISTRIES_CONF: {
		/* the lists live to exit, like the other options' strings (kept reachable) */
		char **ms, **ins, why[600];
		int skipped, error = vigil_registry_conf_read(&ms, &ins, &skipped, arg, why,
							      sizeof(why));
		if (error < 0) {
			char m[700];
			snprintf(m, sizeof(m), "--registries-conf %s", why);
			die_usage(cmd, m);
		}
		if (skipped)
			fprintf(stderr,
				"vigil: warning: --registries-conf %s: %d entr%s not applied "
				"(%s)\n",
				arg, skipped, skipped == 1 ? "y" : "ies", why);
		for (char **p = ms; p && *p; p++) {
			if (c->nmirrors >= 16)
				die_usage(cmd, "--registries-conf: at most 16 mirrors in all");
			c->mirrors[c->nmirrors++] = *p;
		}
		for (char **p = ins; p && *p; p++) {
			if (c->ninsecure >= 32)
				die_usage(cmd,
					  "--registries-conf: at most 32 insecure hosts in all");
			c->insecure[c->ninsecure++] = *p;
		}
		if (nconf_kept + 2 > 16)
			die_usage(cmd, "--registries-conf: at most 8 files");
		conf_kept[nconf_kept++] = ms;
		conf_kept[nconf_kept++] = ins;
		break;
	}
	case OPT_CA_FILE:
		c->reg.ca_file = optarg;
		break;
	case OPT_AUTHFILE:
		c->reg.authfile = optarg;
		break;
	case OPT_USERNAME:
		c->reg.username = optarg;
		break;
	case OPT_PASSWORD_STDIN: {
		static char pw[4096];
		size_t n = fread(pw, 1, sizeof(pw) - 1, stdin);
		pw[n] = '\0';
		if (n == sizeof(pw) - 1)
			die_usage(cmd, "--password-stdin: password too long");
		while (n && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
			pw[--n] = '\0';
		c->reg.password = pw;
		break;
	}
	default:
		return 0;
	}
	return 1;
}

void registry_opts_finish(cli *c, const char *cmd)
{
	if (c->reg.username && !c->reg.password)
		die_usage(cmd, "--username needs --password-stdin (the password is read from "
			       "standard input, never from the command line)");
	if (c->reg.password && !c->reg.username)
		die_usage(cmd, "--password-stdin needs --username");
	c->insecure[c->ninsecure] = NULL;
	c->reg.insecure = c->ninsecure ? c->insecure : NULL;
	c->mirrors[c->nmirrors] = NULL;
	c->reg.mirrors = c->nmirrors ? c->mirrors : NULL;
}

/* Parses the options common to image commands; returns the index of the first operand. */
void parse_opts(cli *c, const char *cmd, int argc, char **argv, void (*help)(void),
		int all_layers_ok)
{
	static const vigil_limits defaults = VIGIL_LIMITS_INIT;
	int o;
	c->limits = defaults;
	c->format = "table";
	optind = 1;
	while ((o = getopt_long(argc, argv, "qho:", LONGOPTS, NULL)) != -1) {
		switch (o) {
		case OPT_FORMAT:
			c->format = optarg;
			break;
		case OPT_ALL_LAYERS:
			if (!all_layers_ok)
				die_usage(cmd, "--all-layers is an option of 'vigil ls'");
			c->all_layers = 1;
			break;
		case 'o':
			c->output = optarg;
			break;
		case OPT_KEEP_OS_OWNED:
			c->keep_os_owned = 1;
			break;
		case OPT_MAX_ARCHIVE:
			c->max_archive = num_arg(cmd, "--max-archive-size", optarg, 1, UINT64_MAX);
			break;
		case 'h':
			help();
			exit(0);
		default:
			if (!image_opt(c, cmd, o, optarg))
				die_usage(cmd, "unknown option");
		}
	}
	if (strcmp(cmd, "sbom") == 0) {
		if (strcmp(c->format, "table") != 0 && strcmp(c->format, "json") != 0 &&
		    strcmp(c->format, "cyclonedx") != 0 && strcmp(c->format, "spdx") != 0)
			die_usage(cmd, "--format must be cyclonedx, spdx, json or table");
	} else if (strcmp(c->format, "table") != 0 && strcmp(c->format, "json") != 0) {
		die_usage(cmd, "--format must be table or json");
	}
	registry_opts_finish(c, cmd);
	if (c->output && strcmp(cmd, "sbom") != 0)
		die_usage(cmd, "--output is an option of 'vigil sbom'");
	if (c->keep_os_owned && strcmp(cmd, "sbom") != 0)
		die_usage(cmd, "--keep-os-owned is an option of 'vigil sbom'");
}

/* Opens and reads an image, printing a one-line error on failure. */
int load_image_inv(cli *c, vigil_image **out, vigil_inventory **inv, const char *ref);

int load_image(cli *c, vigil_image **out, const char *ref)
{
	return load_image_inv(c, out, NULL, ref);
}

/* Opens and reads an image; with `inv`, catalogs its packages too. */
int load_image_inv(cli *c, vigil_image **out, vigil_inventory **inv, const char *ref)
{
	vigil_open_opts oo = VIGIL_OPEN_OPTS_INIT;
	vigil_image *img = NULL;
	int error;
	*out = NULL;
	if (vigil_ctx_new(&c->ctx) < 0) {
		fprintf(stderr, "vigil: error: out of memory\n");
		return EXIT_ERR;
	}
	vigil_ctx_set_limits(c->ctx, &c->limits);
	image_ctx_setup(c, c->ctx, ref);
	vigil_ctx_set_threads(c->ctx, c->threads);
	vigil_ctx_set_warn(c->ctx, on_warn, c);
	if (!c->quiet && !cli_quiet && isatty(2))
		vigil_ctx_set_progress(c->ctx, on_progress, c);
	oo.tag = c->tag;
	oo.platform = c->platform;
	oo.all_layers = c->all_layers;
	oo.registry = &c->reg;
	oo.prefetch_layers = 1; /* every layer is read next */
	vigil_inventory_opts io = VIGIL_INVENTORY_OPTS_INIT;
	io.keep_os_owned = c->keep_os_owned;
	if (c->max_archive)
		io.max_archive_size = c->max_archive;
	if (inv)
		*inv = NULL;
	if ((error = vigil_image_open(&img, c->ctx, ref, &oo)) < 0 ||
	    (inv && (error = vigil_inventory_new(inv, img, &io)) < 0) ||
	    (error = vigil_image_read(img)) < 0 ||
	    (inv && (error = vigil_inventory_finish(*inv)) < 0)) {
		progress_done(c);
		if (inv) {
			vigil_inventory_free(*inv);
			*inv = NULL;
		}
		print_ctx_error(c->ctx, error);
		vigil_image_free(img);
		vigil_ctx_free(c->ctx);
		c->ctx = NULL;
		return EXIT_ERR;
	}
	progress_done(c);
	*out = img;
	return 0;
}

/* ---- ls ---- */

static void mode_string(char out[11], const vigil_file *f)
{
	static const char types[] = "-dlhcbp";
	uint32_t m = f->mode;
	out[0] = types[f->type];
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (0400u >> i)) ? rwx[i] : '-';
	if (m & 04000)
		out[3] = (m & 0100) ? 's' : 'S';
	if (m & 02000)
		out[6] = (m & 0010) ? 's' : 'S';
	if (m & 01000)
		out[9] = (m & 0001) ? 't' : 'T';
	out[10] = '\0';
}

static const char *status_name(vigil_fstatus s)
{
	return s == VIGIL_FS_DELETED	   ? "deleted"
	       : s == VIGIL_FS_OVERWRITTEN ? "overwritten"
					   : "present";
}

typedef struct ls_out {
	cli *c;
	vigil_jsonw w;
	int json;
} ls_out;

static int ls_entry(const vigil_file *f, void *payload)
{
	ls_out *o = payload;
	if (o->json) {
		vigil_jsonw *w = &o->w;
		char mode[8];
		snprintf(mode, sizeof(mode), "%04o", f->mode & 07777);
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "path");
		vigil_jsonw_str(w, f->path);
		vigil_jsonw_key(w, "type");
		vigil_jsonw_str(w, vigil_ftype_name(f->type));
		vigil_jsonw_key(w, "mode");
		vigil_jsonw_str(w, mode);
		vigil_jsonw_key(w, "uid");
		vigil_jsonw_uint(w, f->uid);
		vigil_jsonw_key(w, "gid");
		vigil_jsonw_uint(w, f->gid);
		vigil_jsonw_key(w, "size");
		vigil_jsonw_uint(w, f->size);
		if (f->link) {
			vigil_jsonw_key(w, "link");
			vigil_jsonw_str(w, f->link);
		}
		if (f->type == VIGIL_FT_CHAR || f->type == VIGIL_FT_BLOCK) {
			vigil_jsonw_key(w, "rdev");
			char rdev[32];
			snprintf(rdev, sizeof(rdev), "%u:%u", f->rdev_major, f->rdev_minor);
			vigil_jsonw_str(w, rdev);
		}
		vigil_jsonw_key(w, "layer");
		vigil_jsonw_int(w, f->layer);
		if (o->c->all_layers) {
			vigil_jsonw_key(w, "status");
			vigil_jsonw_str(w, status_name(f->status));
			if (f->status != VIGIL_FS_PRESENT) {
				vigil_jsonw_key(w, "removed_by");
				vigil_jsonw_int(w, f->removed_by);
			}
		}
		vigil_jsonw_obj_end(w);
		return 0;
	}
	char mode[11];
	mode_string(mode, f);
	printf("%s %5u/%-5u %12" PRIu64 "  L%-3d", mode, f->uid, f->gid, f->size, f->layer);
	if (o->c->all_layers) {
		char st[32];
		if (f->status == VIGIL_FS_PRESENT)
			snprintf(st, sizeof(st), "present");
		else
			snprintf(st, sizeof(st), "%s@L%d",
				 f->status == VIGIL_FS_DELETED ? "deleted" : "overwritten",
				 f->removed_by);
		printf(" %-16s", st);
	}
	fputs(" ", stdout);
	put_safe(stdout, f->path);
	if (f->link) {
		printf(" %s ", f->type == VIGIL_FT_HARDLINK ? "link to" : "->");
		put_safe(stdout, f->link);
	}
	fputc('\n', stdout);
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	cli c;
	vigil_image *img;
	ls_out o;
	memset(&c, 0, sizeof(c));
	parse_opts(&c, "ls", argc, argv, help_ls, 1);
	if (optind >= argc)
		die_usage("ls", "missing IMAGE");
	if (argc - optind > 2)
		die_usage("ls", "too many arguments");
	const char *ref = argv[optind], *path = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (path && path[0] != '/')
		die_usage("ls", "PATH must be absolute, e.g. /etc");
	if (load_image(&c, &img, ref))
		return EXIT_ERR;
	memset(&o, 0, sizeof(o));
	o.c = &c;
	o.json = strcmp(c.format, "json") == 0;
	if (o.json) {
		vigil_jsonw_init(&o.w, stdout, 2); /* one file per line */
		vigil_jsonw_obj_begin(&o.w);
		vigil_jsonw_key(&o.w, "image");
		vigil_jsonw_str(&o.w, ref);
		vigil_jsonw_key(&o.w, "files");
		vigil_jsonw_arr_begin(&o.w);
	}
	int error = vigil_image_foreach_file(img, path, ls_entry, &o);
	if (error < 0) {
		fflush(stdout);
		print_ctx_error(c.ctx, error);
	} else if (o.json) {
		vigil_jsonw_arr_end(&o.w);
		vigil_jsonw_obj_end(&o.w);
		vigil_jsonw_end(&o.w);
	}
	vigil_image_free(img);
	vigil_ctx_free(c.ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vigil: error: writing the output failed\n");
		return EXIT_ERR;
	}
	return error < 0 ? EXIT_ERR : 0;
}

/* ---- inspect ---- */

static void json_strv(vigil_jsonw *w, const char *key, const char *const *v)
{
	vigil_jsonw_key(w, key);
	if (!v) {
		vigil_jsonw_null(w);
		return;
	}
	vigil_jsonw_arr_begin(w);
	for (; *v; v++)
		vigil_jsonw_str(w, *v);
	vigil_jsonw_arr_end(w);
}

/* The config as inspect shows it: Env values, label values and history lines with every
 * secret that `vigil scan` would report replaced by its redacted form. */
typedef struct shown_config {
	vigil_config cf;
	const char **layer_by; /* per layer: its history line, redacted */
	const char **env, **lv;
	vigil_history *hist;
	char **owned;
	size_t nowned;
} shown_config;

static int redact_one(shown_config *sc, const vigil_secret_rules *rules, const char *s,
		      const char **out)
{
	char *r;
	int error;
	*out = s;
	if (!s)
		return 0;
	if ((error = vigil_secret_redact_string(&r, rules, s)) < 0)
		return error;
	sc->owned[sc->nowned++] = r;
	*out = r;
	return 0;
}

static void shown_config_free(shown_config *sc)
{
	for (size_t i = 0; i < sc->nowned; i++)
		free(sc->owned[i]);
	free(sc->owned);
	free(sc->env);
	free(sc->lv);
	free(sc->hist);
	free(sc->layer_by);
}

static int shown_config_make(shown_config *sc, vigil_image *img, vigil_ctx *ctx)
{
	const vigil_config *cf = vigil_image_config(img);
	vigil_secret_opts so = VIGIL_SECRET_OPTS_INIT;
	vigil_secret_rules *rules = NULL;
	size_t nenv = 0, nlab = 0, nhist = (size_t)(cf->history_count > 0 ? cf->history_count : 0);
	int nl = vigil_image_layer_count(img), error;
	const char **env = NULL, **lv = NULL;
	vigil_history *h = NULL;

	memset(sc, 0, sizeof(*sc));
	sc->cf = *cf;
	while (cf->env && cf->env[nenv])
		nenv++;
	while (cf->label_keys && cf->label_keys[nlab])
		nlab++;
	if ((error = vigil_secret_rules_load(&rules, ctx, &so)) < 0)
		return error;
	sc->owned = calloc(nenv + nlab + nhist + 1, sizeof(char *));
	sc->env = env = calloc(nenv + 1, sizeof(char *));
	sc->lv = lv = calloc(nlab + 1, sizeof(char *));
	sc->hist = h = calloc(nhist + 1, sizeof(*h));
	sc->layer_by = calloc((size_t)(nl > 0 ? nl : 1), sizeof(char *));
	if (!sc->owned || !env || !lv || !h || !sc->layer_by) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	sc->cf.env = cf->env ? env : NULL;
	sc->cf.label_values = cf->label_values ? lv : NULL;
	sc->cf.history = cf->history ? h : NULL;
	for (size_t i = 0; i < nenv && !error; i++)
		error = redact_one(sc, rules, cf->env[i], &env[i]);
	for (size_t i = 0; cf->label_values && i < nlab && !error; i++)
		error = redact_one(sc, rules, cf->label_values[i], &lv[i]);
	for (size_t i = 0; i < nhist && !error; i++) {
		h[i] = cf->history[i];
		error = redact_one(sc, rules, cf->history[i].created_by, &h[i].created_by);
		if (!error && h[i].layer >= 0 && h[i].layer < nl)
			sc->layer_by[h[i].layer] = h[i].created_by;
	}
done:
	vigil_secret_rules_free(rules);
	return error;
}

static void inspect_json(vigil_image *img, const char *ref, const shown_config *sc)
{
	const vigil_config *cf = &sc->cf;
	const vigil_os *os = vigil_image_os(img);
	uint64_t files, bytes;
	vigil_jsonw w;
	vigil_jsonw_init(&w, stdout, 64);
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "image");
	vigil_jsonw_str(&w, ref);
	vigil_jsonw_key(&w, "format");
	vigil_jsonw_str(&w, vigil_image_format(img));
	vigil_jsonw_key(&w, "manifest_digest");
	vigil_jsonw_str(&w, vigil_image_manifest_digest(img));
	vigil_jsonw_key(&w, "config_digest");
	vigil_jsonw_str(&w, vigil_image_config_digest(img));
	json_strv(&w, "tags", vigil_image_tags(img));
	vigil_jsonw_key(&w, "os");
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "id");
	vigil_jsonw_str(&w, os->id);
	vigil_jsonw_key(&w, "version_id");
	vigil_jsonw_str(&w, os->version_id);
	vigil_jsonw_key(&w, "version_codename");
	vigil_jsonw_str(&w, os->version_codename);
	vigil_jsonw_key(&w, "pretty_name");
	vigil_jsonw_str(&w, os->pretty_name);
	vigil_jsonw_key(&w, "source");
	vigil_jsonw_str(&w, os->source_path);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_key(&w, "platform");
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "os");
	vigil_jsonw_str(&w, cf->os);
	vigil_jsonw_key(&w, "architecture");
	vigil_jsonw_str(&w, cf->architecture);
	vigil_jsonw_key(&w, "variant");
	vigil_jsonw_str(&w, cf->variant);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_key(&w, "layers");
	vigil_jsonw_arr_begin(&w);
	for (int i = 0; i < vigil_image_layer_count(img); i++) {
		const vigil_layer_info *l = vigil_image_layer(img, i);
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "index");
		vigil_jsonw_int(&w, l->index);
		vigil_jsonw_key(&w, "digest");
		vigil_jsonw_str(&w, l->digest);
		vigil_jsonw_key(&w, "diff_id");
		vigil_jsonw_str(&w, l->diff_id);
		vigil_jsonw_key(&w, "media_type");
		vigil_jsonw_str(&w, l->media_type);
		vigil_jsonw_key(&w, "compression");
		vigil_jsonw_str(&w, l->compression);
		vigil_jsonw_key(&w, "size");
		vigil_jsonw_uint(&w, l->size);
		vigil_jsonw_key(&w, "uncompressed_size");
		vigil_jsonw_uint(&w, l->uncompressed_size);
		vigil_jsonw_key(&w, "entries");
		vigil_jsonw_uint(&w, l->entries);
		vigil_jsonw_key(&w, "created");
		vigil_jsonw_str(&w, l->created);
		vigil_jsonw_key(&w, "created_by");
		vigil_jsonw_str(&w, sc->layer_by[i] ? sc->layer_by[i] : l->created_by);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_arr_end(&w);
	vigil_image_totals(img, &files, &bytes);
	vigil_jsonw_key(&w, "totals");
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "files");
	vigil_jsonw_uint(&w, files);
	vigil_jsonw_key(&w, "bytes");
	vigil_jsonw_uint(&w, bytes);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_key(&w, "config");
	vigil_jsonw_obj_begin(&w);
	vigil_jsonw_key(&w, "created");
	vigil_jsonw_str(&w, cf->created);
	vigil_jsonw_key(&w, "user");
	vigil_jsonw_str(&w, cf->user);
	vigil_jsonw_key(&w, "working_dir");
	vigil_jsonw_str(&w, cf->working_dir);
	json_strv(&w, "env", cf->env);
	json_strv(&w, "entrypoint", cf->entrypoint);
	json_strv(&w, "cmd", cf->cmd);
	json_strv(&w, "exposed_ports", cf->exposed_ports);
	json_strv(&w, "volumes", cf->volumes);
	vigil_jsonw_key(&w, "labels");
	vigil_jsonw_obj_begin(&w);
	for (int i = 0; cf->label_keys && cf->label_keys[i]; i++) {
		vigil_jsonw_key(&w, cf->label_keys[i]);
		vigil_jsonw_str(&w, cf->label_values[i]);
	}
	vigil_jsonw_obj_end(&w);
	json_strv(&w, "healthcheck", cf->healthcheck);
	vigil_jsonw_key(&w, "stop_signal");
	vigil_jsonw_str(&w, cf->stop_signal);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_key(&w, "history");
	vigil_jsonw_arr_begin(&w);
	for (int i = 0; i < cf->history_count; i++) {
		const vigil_history *h = &cf->history[i];
		vigil_jsonw_obj_begin(&w);
		vigil_jsonw_key(&w, "created");
		vigil_jsonw_str(&w, h->created);
		vigil_jsonw_key(&w, "created_by");
		vigil_jsonw_str(&w, h->created_by);
		vigil_jsonw_key(&w, "comment");
		vigil_jsonw_str(&w, h->comment);
		vigil_jsonw_key(&w, "empty_layer");
		vigil_jsonw_bool(&w, h->empty_layer);
		vigil_jsonw_key(&w, "layer");
		if (h->layer >= 0)
			vigil_jsonw_int(&w, h->layer);
		else
			vigil_jsonw_null(&w);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_arr_end(&w);
	json_strv(&w, "warnings", vigil_image_warnings(img));
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_end(&w);
}

static void print_list(const char *label, const char *const *v, const char *sep)
{
	if (!v || !*v)
		return;
	printf("%-13s", label);
	for (int i = 0; v[i]; i++) {
		fputs(i ? sep : "", stdout);
		put_safe(stdout, v[i]);
	}
	putchar('\n');
}

/* "label  value" with the value escaped. */
static void print_kv(const char *label, const char *value)
{
	printf("%-13s", label);
	put_safe(stdout, value);
	putchar('\n');
}

/* Copies s into dst on one line: whitespace runs become one space, cut to n-1 bytes. */
static void one_line(char *dst, size_t n, const char *s)
{
	size_t k = 0;
	for (; s && *s && k + 1 < n; s++) {
		int space = *s == '\n' || *s == '\t' || *s == ' ';
		if (space && k && dst[k - 1] == ' ')
			continue;
		dst[k++] = space ? ' ' : *s;
	}
	dst[k] = '\0';
}

static void inspect_table(vigil_image *img, const char *ref, const shown_config *sc)
{
	const vigil_config *cf = &sc->cf;
	const vigil_os *os = vigil_image_os(img);
	uint64_t files, bytes;
	char a[32], b[32];
	print_kv("Image:", ref);
	print_kv("Format:", vigil_image_format(img));
	if (vigil_image_manifest_digest(img))
		print_kv("Manifest:", vigil_image_manifest_digest(img));
	if (vigil_image_config_digest(img))
		print_kv("Config:", vigil_image_config_digest(img));
	print_list("Tags:", vigil_image_tags(img), ", ");
	printf("%-13s", "OS:");
	put_safe(stdout, os->pretty_name ? os->pretty_name : os->id ? os->id : "unknown");
	if (os->id) {
		fputs(" (", stdout);
		put_safe(stdout, os->id);
		fputs(" ", stdout);
		put_safe(stdout, os->version_id ? os->version_id : "");
		fputs(")", stdout);
	}
	putchar('\n');
	printf("%-13s", "Platform:");
	put_safe(stdout, cf->os ? cf->os : "?");
	putchar('/');
	put_safe(stdout, cf->architecture ? cf->architecture : "?");
	if (cf->variant) {
		putchar('/');
		put_safe(stdout, cf->variant);
	}
	putchar('\n');
	if (cf->created)
		print_kv("Created:", cf->created);
	vigil_image_totals(img, &files, &bytes);
	printf("%-13s%" PRIu64 " files, %s\n", "Files:", files,
	       vigil_human_size(a, sizeof(a), bytes));
	if (cf->user || cf->env || cf->entrypoint || cf->cmd)
		printf("\nConfiguration\n");
	print_kv("User:", cf->user && *cf->user ? cf->user : "(unset: root)");
	if (cf->working_dir && *cf->working_dir)
		print_kv("WorkingDir:", cf->working_dir);
	print_list("Entrypoint:", cf->entrypoint, " ");
	print_list("Cmd:", cf->cmd, " ");
	print_list("Env:", cf->env, "\n             ");
	print_list("Ports:", cf->exposed_ports, ", ");
	print_list("Volumes:", cf->volumes, ", ");
	for (int i = 0; cf->label_keys && cf->label_keys[i]; i++) {
		printf("%-13s", i ? "" : "Labels:");
		put_safe(stdout, cf->label_keys[i]);
		putchar('=');
		put_safe(stdout, cf->label_values[i]);
		putchar('\n');
	}
	print_list("Healthcheck:", cf->healthcheck, " ");
	printf("\nLayers\n");
	printf("  %-3s %-19s %-19s %-5s %10s %12s  %s\n", "#", "DIGEST", "DIFF_ID", "COMP", "SIZE",
	       "UNCOMPRESSED", "CREATED BY");
	for (int i = 0; i < vigil_image_layer_count(img); i++) {
		const vigil_layer_info *l = vigil_image_layer(img, i);
		char by[61];
		const char *lby = sc->layer_by[i] ? sc->layer_by[i] : l->created_by;
		one_line(by, sizeof(by), lby ? lby : "");
		printf("  %-3d ", l->index);
		vigil_text_put_width(stdout, l->digest ? l->digest : "-", 19);
		putchar(' ');
		vigil_text_put_width(stdout, l->diff_id ? l->diff_id : "-", 19);
		putchar(' ');
		vigil_text_put_width(stdout, l->compression ? l->compression : "-", 5);
		printf(" %10s %12s  ", vigil_human_size(a, sizeof(a), l->size),
		       vigil_human_size(b, sizeof(b), l->uncompressed_size));
		put_safe(stdout, by);
		putchar('\n');
	}
	if (cf->history_count) {
		printf("\nHistory\n");
		for (int i = 0; i < cf->history_count; i++) {
			const vigil_history *h = &cf->history[i];
			char by[101];
			one_line(by, sizeof(by), h->created_by ? h->created_by : "");
			if (h->layer >= 0)
				printf("  L%-3d ", h->layer);
			else
				printf("  %-4s ", "-");
			put_safe(stdout, by);
			putchar('\n');
		}
	}
}

static int cmd_inspect(int argc, char **argv)
{
	cli c;
	vigil_image *img;
	memset(&c, 0, sizeof(c));
	parse_opts(&c, "inspect", argc, argv, help_inspect, 0);
	if (optind >= argc)
		die_usage("inspect", "missing IMAGE");
	if (argc - optind > 1)
		die_usage("inspect", "too many arguments");
	if (load_image(&c, &img, argv[optind]))
		return EXIT_ERR;
	shown_config sc;
	if (shown_config_make(&sc, img, c.ctx) < 0) {
		fprintf(stderr, "vigil: error: %s\n",
			vigil_ctx_error(c.ctx)[0] ? vigil_ctx_error(c.ctx)
						  : "cannot redact the config's secrets");
		shown_config_free(&sc);
		vigil_image_free(img);
		vigil_ctx_free(c.ctx);
		return EXIT_ERR;
	}
	if (strcmp(c.format, "json") == 0)
		inspect_json(img, argv[optind], &sc);
	else
		inspect_table(img, argv[optind], &sc);
	shown_config_free(&sc);
	vigil_image_free(img);
	vigil_ctx_free(c.ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vigil: error: writing the output failed\n");
		return EXIT_ERR;
	}
	return 0;
}

static void sbom_table(FILE *out, const vigil_inventory *inv)
{
	const vigil_distro *d = vigil_inventory_distro(inv);
	fprintf(out, "Distribution: ");
	put_safe(out, d->pretty_name ? d->pretty_name : d->id ? d->id : "unknown");
	if (d->eol)
		fprintf(out, " (past its end of support: no more security updates)");
	fprintf(out, "\n%zu packages\n\n", vigil_inventory_count(inv));
	fprintf(out, "%-8s %-36s %-30s %-5s %s\n", "TYPE", "NAME", "VERSION", "LAYER", "LOCATION");
	for (size_t i = 0; i < vigil_inventory_count(inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(inv, i);
		char name[256], ver[256];
		one_line(name, sizeof(name), p->name);
		one_line(ver, sizeof(ver), p->version);
		vigil_text_put_width(out, p->type, 8);
		fputc(' ', out);
		vigil_text_put_width(out, name, 36);
		fputc(' ', out);
		vigil_text_put_width(out, ver, 30);
		fprintf(out, " L%-4d ", p->layer);
		put_safe(out, p->location);
		fputc('\n', out);
	}
	size_t nu = vigil_inventory_unread_count(inv);
	if (nu)
		fprintf(out, "\n%zu file%s could not be read:\n", nu, nu == 1 ? "" : "s");
	for (size_t i = 0; i < nu; i++) {
		const vigil_unread *u = vigil_inventory_unread(inv, i);
		fprintf(out, "  ");
		put_safe(out, u->path);
		fprintf(out, " (layer %d, %s): %s\n", u->layer, u->cataloger, u->reason);
	}
}

static int cmd_sbom(int argc, char **argv)
{
	cli c;
	vigil_image *img;
	vigil_inventory *inv;
	FILE *out = stdout;
	int error;
	memset(&c, 0, sizeof(c));
	parse_opts(&c, "sbom", argc, argv, help_sbom, 0);
	if (optind >= argc)
		die_usage("sbom", "missing IMAGE");
	if (argc - optind > 1)
		die_usage("sbom", "too many arguments");
	if (load_image_inv(&c, &img, &inv, argv[optind]))
		return EXIT_ERR;
	if (c.output && !(out = fopen(c.output, "w"))) {
		fprintf(stderr, "vigil: error: cannot write %s\n", c.output);
		error = VIGIL_EIO;
	} else if (strcmp(c.format, "table") == 0) {
		sbom_table(out, inv);
		error = 0;
	} else {
		error = vigil_sbom_write(out, inv, img, c.format, argv[optind]);
	}
	if (out && out != stdout && fclose(out) != 0)
		error = VIGIL_EIO;
	vigil_inventory_free(inv);
	vigil_image_free(img);
	vigil_ctx_free(c.ctx);
	if (error == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		error = VIGIL_EIO;
	if (error == VIGIL_EIO)
		fprintf(stderr, "vigil: error: writing the output failed\n");
	return error < 0 ? EXIT_ERR : 0;
}

int main(int argc, char **argv)
{
	cli_globals(&argc, argv);
	if (argc < 2) {
		help_main();
		return EXIT_ERR;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "ls") == 0)
		return cmd_ls(argc - 1, argv + 1);
	if (strcmp(cmd, "inspect") == 0)
		return cmd_inspect(argc - 1, argv + 1);
	if (strcmp(cmd, "sbom") == 0)
		return cmd_sbom(argc - 1, argv + 1);
	if (strcmp(cmd, "db") == 0)
		return cmd_db(argc - 1, argv + 1);
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "fs") == 0)
		return cmd_fs(argc - 1, argv + 1);
	if (strcmp(cmd, "config") == 0)
		return cmd_config(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc - 1, argv + 1);
	if (strcmp(cmd, "vercmp") == 0)
		return cmd_vercmp(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "admission-config") == 0)
		return cmd_admission_config(argc - 1, argv + 1);
	if (strcmp(cmd, "pull") == 0)
		return cmd_pull(argc - 1, argv + 1);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(argc - 1, argv + 1);
	if (strcmp(cmd, "--version") == 0) {
		printf("vigil %s\n", VIGIL_VERSION);
		return 0;
	}
	if (strcmp(cmd, "version") == 0)
		return cmd_version(argc - 1, argv + 1);
	if (strcmp(cmd, "completion") == 0)
		return cmd_completion(argc - 1, argv + 1);
	if (strcmp(cmd, "convert") == 0)
		return cmd_convert(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		if (argc > 2 && strcmp(argv[2], "ls") == 0)
			help_ls();
		else if (argc > 2 && strcmp(argv[2], "inspect") == 0)
			help_inspect();
		else if (argc > 2 && strcmp(argv[2], "sbom") == 0)
			help_sbom();
		else if (argc > 2 && strcmp(argv[2], "db") == 0)
			help_db();
		else if (argc > 2 && strcmp(argv[2], "scan") == 0)
			help_scan();
		else if (argc > 2 && strcmp(argv[2], "fs") == 0)
			help_fs();
		else if (argc > 2 && strcmp(argv[2], "config") == 0)
			help_config();
		else if (argc > 2 && strcmp(argv[2], "audit") == 0)
			help_audit();
		else if (argc > 2 && strcmp(argv[2], "verify") == 0)
			help_verify();
		else if (argc > 2 && strcmp(argv[2], "admission-config") == 0)
			help_admission();
		else if (argc > 2 && strcmp(argv[2], "pull") == 0)
			help_pull();
		else if (argc > 2 && strcmp(argv[2], "version") == 0)
			help_version();
		else if (argc > 2 && strcmp(argv[2], "completion") == 0)
			help_completion();
		else if (argc > 2 && strcmp(argv[2], "convert") == 0)
			help_convert();
		else
			help_main();
		return 0;
	}
	fprintf(stderr, "vigil: error: unknown command '%s'\nRun 'vigil help' for the commands.\n",
		cmd);
	return EXIT_ERR;
}
