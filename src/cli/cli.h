/* cli.h - shared by the files of the vigil command. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "vigil.h"

#define EXIT_ERR 2

/* ---- cliopts.c: every command's options go through cli_getopt ---- */
struct option;
/* getopt_long with exact long options only, plus the command's options from VIGIL_*
 * variables and the config file (a command-line option wins, then the environment). */
int cli_getopt(int argc, char *const *argv, const char *shortopts, const struct option *lo,
	       int *longindex);
#ifndef CLI_OPTS_IMPL
#define getopt_long cli_getopt
#endif
/* Takes --config, --quiet, --no-progress and --timeout out of argv (they apply to every
 * command), loads the config file and arms the timeout. Called by main. */
void cli_globals(int *argc, char **argv);
/* Where the option being parsed came from ("VIGIL_X", "vigil.yaml:3"), NULL when from the
 * command line. */
const char *cli_opt_origin(void);
extern const char *cli_cmd;  /* argv[1] */
extern int cli_quiet;	     /* --quiet / --no-progress: no progress lines */
extern unsigned cli_timeout; /* seconds, 0 = none */

typedef struct cli {
	const char *format;
	const char *tag, *platform;
	int all_layers, quiet, threads, keep_os_owned;
	uint64_t max_archive;
	const char *output;
	vigil_limits limits;
	vigil_ctx *ctx;
	int progress_shown;
	struct timespec last;
	/* registry options (image_opt fills them; passed as vigil_open_opts.registry) */
	vigil_registry_opts reg;
	const char *insecure[33];
	int ninsecure;
	const char *mirrors[17]; /* --registry-mirror HOST=MIRROR, NULL-terminated */
	int nmirrors;
	/* --skip-dirs / --skip-files globs (NULL-terminated) and whether --max-files was given */
	const char *skip_dirs[65], *skip_files[65];
	int nskip_dirs, nskip_files, max_files_set;
} cli;

/* getopt codes of the long options (shared by the commands' tables) */
enum {
	OPT_FORMAT = 256,
	OPT_KEEP_OS_OWNED,
	OPT_MAX_ARCHIVE,
	OPT_TAG,
	OPT_PLATFORM,
	OPT_ALL_LAYERS,
	OPT_THREADS,
	OPT_MAX_FILES,
	OPT_MAX_BYTES,
	OPT_MAX_FILE_SIZE,
	OPT_MAX_JSON,
	OPT_MAX_DEPTH,
	OPT_MAX_PATH,
	OPT_MAX_LAYERS,
	OPT_INSECURE_REGISTRY,
	OPT_CA_FILE,
	OPT_AUTHFILE,
	OPT_USERNAME,
	OPT_PASSWORD_STDIN,
	OPT_SKIP_DIRS,
	OPT_SKIP_FILES,
	OPT_REGISTRY_MIRROR,
	OPT_REGISTRIES_CONF,
};

/* The long options of --skip-dirs / --skip-files (image commands). */
#define SKIP_LONGOPTS                                                                              \
	{"skip-dirs", required_argument, NULL, OPT_SKIP_DIRS},                                     \
	{                                                                                          \
		"skip-files", required_argument, NULL, OPT_SKIP_FILES                              \
	}
/* Applies the skip globs and, for a root filesystem directory without --max-files, the
 * host-sized file limit to the context (before the image is opened). */
void image_ctx_setup(cli *c, vigil_ctx *ctx, const char *ref);

/* The registry options' long-option entries, for every command that opens images. */
#define REGISTRY_LONGOPTS                                                                          \
	{"insecure-registry", required_argument, NULL, OPT_INSECURE_REGISTRY},                     \
		{"ca-file", required_argument, NULL, OPT_CA_FILE},                                 \
		{"authfile", required_argument, NULL, OPT_AUTHFILE},                               \
		{"username", required_argument, NULL, OPT_USERNAME},                               \
		{"registry-mirror", required_argument, NULL, OPT_REGISTRY_MIRROR},                 \
		{"registries-conf", required_argument, NULL, OPT_REGISTRIES_CONF},                 \
	{                                                                                          \
		"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN                            \
	}

/* The input limits' long-option entries (COMMON_HELP), for every command that reads images. */
#define LIMIT_LONGOPTS                                                                             \
	{"max-files", required_argument, NULL, OPT_MAX_FILES},                                     \
		{"max-bytes", required_argument, NULL, OPT_MAX_BYTES},                             \
		{"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},                     \
		{"max-json-size", required_argument, NULL, OPT_MAX_JSON},                          \
		{"max-depth", required_argument, NULL, OPT_MAX_DEPTH},                             \
		{"max-path", required_argument, NULL, OPT_MAX_PATH},                               \
		{"max-layers", required_argument, NULL, OPT_MAX_LAYERS},                           \
	{                                                                                          \
		"max-archive-size", required_argument, NULL, OPT_MAX_ARCHIVE                       \
	}

/* Options shared by image commands, described in COMMON_HELP. */
extern const char COMMON_HELP[];

/* Writes text from an image with control characters escaped. */
void put_safe(FILE *f, const char *s);
/* "vigil: error: MSG" on stderr. */
void print_error(const char *msg);
/* "vigil: error: " and the context's message, or what `error` means when none was set. */
void print_ctx_error(const vigil_ctx *ctx, int error);
/* Prints a usage error and exits 2. */
void die_usage(const char *cmd, const char *msg) __attribute__((noreturn));
/* Refuses config-file keys (top level and `section`) that are no option of `lo`: FILE:LINE
 * and exit 2 (cliopts.c). */
void cli_config_strict(const char *section, const struct option *lo);
/* ctx callbacks: warnings and a progress line on a terminal (payload: cli *). */
void on_warn(const char *msg, void *payload);
void on_progress(uint64_t done, uint64_t total, void *payload);
void progress_done(cli *c);
/* A positive number (or a size with K/M/G when `size`), at most max; dies on error. */
/* Applies an image or limit option (OPT_TAG ... OPT_MAX_LAYERS, OPT_THREADS, 'q');
 * returns 0 when `o` is not one of those. */
int image_opt(cli *c, const char *cmd, int o, const char *arg);
uint64_t num_arg(const char *cmd, const char *opt, const char *v, int size, uint64_t max);
/* Opens and reads an image (and its inventory when inv is not NULL); prints the error
 * and returns EXIT_ERR on failure. */
int load_image(cli *c, vigil_image **out, const char *ref);
int load_image_inv(cli *c, vigil_image **out, vigil_inventory **inv, const char *ref);
/* Checks the registry options after parsing (--username needs --password-stdin) and
 * points c->reg at the insecure host list. */
void registry_opts_finish(cli *c, const char *cmd);
int cmd_pull(int argc, char **argv);
void help_pull(void);
/* $VIGIL_DB, else ~/.cache/vigil/db/vigil.db (the directory is created). */
const char *default_db(char buf[4096]);
struct vigil_jsonw;
/* The database's fields (schema, build time, age, feeds) into the JSON object being written
 * (`db status --format json`, `version --format json`). */
void db_info_fields(struct vigil_jsonw *w, vigil_db *db);

/* The commands, one file each. */
int cmd_db(int argc, char **argv);
int cmd_scan(int argc, char **argv);
/* vigil scan, or with fs=1 vigil fs DIR (src/cli/fs.c) */
int cmd_scan_mode(int argc, char **argv, int fs);
int cmd_fs(int argc, char **argv);
void help_fs(void);
int cmd_config(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_admission_config(int argc, char **argv);
void help_admission(void);
void help_db(void);
void help_scan(void);
void help_config(void);
void help_audit(void);
void help_verify(void);
int cmd_version(int argc, char **argv);
void help_version(void);
int cmd_completion(int argc, char **argv);
int cmd_convert(int argc, char **argv);
void help_convert(void);
void help_completion(void);
#endif
