/*
 * vigil.h - the public API of libvigil.
 *
 * Vigil reads container images exactly as a runtime would see them: every layer is
 * streamed once (never extracted to disk), digests are verified while streaming,
 * whiteouts are applied to build the merged filesystem, and analyzers receive the
 * content of the files they ask for, once, including files that later layers delete.
 *
 * Conventions: functions return 0 on success or a negative VIGIL_E* code; the
 * message is in vigil_ctx_error(). Out-parameters come first. vigil_x_free(NULL)
 * is a no-op. Strings returned by getters are borrowed and live as long as the
 * object they come from.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_VERSION "0.1.0"

enum {
	VIGIL_OK = 0,
	VIGIL_ENOMEM = -1,     /* out of memory */
	VIGIL_EIO = -2,	       /* a read or write failed */
	VIGIL_EFORMAT = -3,    /* input is malformed, truncated or fails verification */
	VIGIL_ELIMIT = -4,     /* input exceeds a configured limit */
	VIGIL_ENOTFOUND = -5,  /* a named thing does not exist */
	VIGIL_EINVAL = -6,     /* bad argument */
	VIGIL_ECANCELLED = -7, /* a callback asked to stop */
};

/* Limits that bound the work done on hostile input. All can be raised by the user. */
typedef struct vigil_limits {
	uint64_t max_files;	/* tar entries over all layers */
	uint64_t max_bytes;	/* uncompressed bytes over all layers */
	uint64_t max_file_size; /* larger files are listed but not given to analyzers */
	uint64_t max_json_size; /* manifest, index, config and other metadata documents */
	uint32_t max_depth;	/* path components */
	uint32_t max_path;	/* bytes in one path */
	uint32_t max_layers;	/* layers in one image */
} vigil_limits;

#define VIGIL_LIMITS_INIT                                                                          \
	{                                                                                          \
		500000, (uint64_t)64 << 30, (uint64_t)256 << 20, (uint64_t)16 << 20, 256, 4096,    \
			1000                                                                       \
	}

/* ---- context: options, limits, error message, callbacks ---------------------------- */

typedef struct vigil_ctx vigil_ctx;

/* Progress: `done` and `total` are bytes of layer blobs read so far and in all. */
typedef void (*vigil_progress_cb)(uint64_t done, uint64_t total, void *payload);
/* A non-fatal problem, one line without a trailing newline. */
typedef void (*vigil_warn_cb)(const char *message, void *payload);

/* Creates a context with default limits and as many threads as cores. Free with
 * vigil_ctx_free. Returns VIGIL_ENOMEM. */
int vigil_ctx_new(vigil_ctx **out);
void vigil_ctx_free(vigil_ctx *ctx);
/* The message of the last error on this context; "" if none. Lives until the next call. */
const char *vigil_ctx_error(const vigil_ctx *ctx);
/* A short description of an error code (VIGIL_E*), for when no message was set: "out of
 * memory", "malformed input" ... Never NULL; "unknown error" for other values. */
const char *vigil_strerror(int error);
void vigil_ctx_set_limits(vigil_ctx *ctx, const vigil_limits *limits);
const vigil_limits *vigil_ctx_limits(const vigil_ctx *ctx);
/* 0 means one per core. */
void vigil_ctx_set_threads(vigil_ctx *ctx, int threads);
void vigil_ctx_set_progress(vigil_ctx *ctx, vigil_progress_cb cb, void *payload);
/* Files left out of every image read with this context (no record, no analysis): paths
 * under a directory matching one of `dirs`, or matching one of `files`. Globs as fnmatch(3)
 * without flags ('*' also matches '/'), against the absolute path ("/usr/share/doc/ *").
 * Both NULL-terminated or NULL; borrowed: they must outlive the context. */
void vigil_ctx_set_skip(vigil_ctx *ctx, const char *const *dirs, const char *const *files);
/* A root filesystem directory reports progress with this `total`: `done` counts files. */
#define VIGIL_PROGRESS_FILES UINT64_MAX
void vigil_ctx_set_warn(vigil_ctx *ctx, vigil_warn_cb cb, void *payload);

/* ---- files of the merged view --------------------------------------------------- */

typedef enum vigil_ftype {
	VIGIL_FT_FILE = 0,
	VIGIL_FT_DIR,
	VIGIL_FT_SYMLINK,
	VIGIL_FT_HARDLINK,
	VIGIL_FT_CHAR,
	VIGIL_FT_BLOCK,
	VIGIL_FT_FIFO,
} vigil_ftype;

typedef enum vigil_fstatus {
	VIGIL_FS_PRESENT = 0, /* in the final filesystem */
	VIGIL_FS_DELETED,     /* removed by a whiteout in layer removed_by */
	VIGIL_FS_OVERWRITTEN, /* replaced by an entry of layer removed_by */
} vigil_fstatus;

/* One file as a layer wrote it. Borrowed; valid for the duration of the callback
 * (from vigil_image_lookup: until the next lookup or walk of that image). */
typedef struct vigil_file {
	const char *path; /* absolute, "/etc/os-release" */
	const char *
		link; /* symlink target as stored; hardlink target as an absolute path; else NULL */
	uint64_t size; /* bytes for regular files, 0 otherwise */
	int64_t mtime; /* seconds since the epoch */
	uint32_t mode; /* permission bits incl. setuid, setgid, sticky (07777) */
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor;
	int layer; /* 0-based index of the layer that wrote this version */
	vigil_ftype type;
	vigil_fstatus status;
	int removed_by; /* layer that deleted or overwrote it, -1 if present */
} vigil_file;

/* Name of a file type: "file", "dir", "symlink", "hardlink", "char", "block", "fifo". */
const char *vigil_ftype_name(vigil_ftype t);

/* ---- analyzers: receive the content of the files they want ------------------------- */

/*
 * An analyzer sees every regular file of every layer once (including files that a
 * later layer deletes or overwrites; vigil_file.status is not yet known then and is
 * VIGIL_FS_PRESENT). `want` is first called with head == NULL and decides by name:
 * VIGIL_WANT_NO, VIGIL_WANT_YES, or VIGIL_WANT_HEAD to be called again with the first
 * bytes of the content (up to 512; fewer for short files) to decide by magic. A wanted
 * file's content arrives as a stream: begin, data..., end. Callbacks may run on
 * several threads at once, each file on one thread; analyzers must be thread-safe.
 * Return a negative VIGIL_E* code from a callback to stop the whole read.
 */
enum { VIGIL_WANT_NO = 0, VIGIL_WANT_YES = 1, VIGIL_WANT_HEAD = 2 };

typedef struct vigil_analyzer {
	const char *name;
	int (*want)(const vigil_file *f, const uint8_t *head, size_t head_len, void *payload);
	int (*begin)(void **state, const vigil_file *f, void *payload);
	int (*data)(void *state, const uint8_t *buf, size_t len, void *payload);
	/* `error` is 0 when the whole content was delivered; always called after begin succeeded */
	int (*end)(void *state, int error, void *payload);
	void *payload;
	/* 1: also offered files larger than max_file_size (the analyzer bounds its own memory
	 * and may refuse such a file by returning VIGIL_ELIMIT from want: the read stops with
	 * an error naming the file). 0: such files are never offered. */
	int any_size;
	/* Optional, for the per-layer cache (vigil_image_set_layer_cache): an analyzer whose
	 * findings in a layer depend only on that layer's files gives them as bytes
	 * (layer_save, called once the layer was read: *out malloc'd, freed by the caller)
	 * and takes them back instead of the files when the layer comes from the cache
	 * (layer_load). Analyzers without them get the cached content of the files they
	 * want, exactly as it was read. */
	int (*layer_save)(int layer, uint8_t **out, size_t *len, void *payload);
	int (*layer_load)(int layer, const uint8_t *p, size_t n, void *payload);
} vigil_analyzer;

/* ---- images ---------------------------------------------------------------------- */

typedef struct vigil_image vigil_image;

typedef struct vigil_open_opts {
	const char *tag;      /* choose a manifest by tag (OCI ref.name or docker RepoTags) */
	const char *platform; /* "os/arch[/variant]"; NULL = the host's */
	int all_layers; /* keep deleted and overwritten versions for vigil_image_foreach_file */
	/* registry references: credentials, TLS, insecure hosts (vigil/registry.h); NULL =
	 * defaults from the environment */
	const struct vigil_registry_opts *registry;
	/* fs:DIR (a source tree): globs of directories and files to leave out, NULL-terminated
	 * or NULL (see docs/fs.md); borrowed until vigil_image_read returns */
	const char *const *skip_dirs, *const *skip_files;
	/* 1: the caller reads every layer next (vigil_image_read, no layer cache): a registry
	 * image starts fetching its first layers as soon as the manifest is parsed, while the
	 * config is fetched. 0: layers are requested only when read. */
	int prefetch_layers;
} vigil_open_opts;

#define VIGIL_OPEN_OPTS_INIT                                                                       \
	{                                                                                          \
		NULL, NULL, 0, NULL, NULL, NULL, 0                                                 \
	}

/*
 * Opens an image: `ref` is a path to a docker-archive tarball (optionally gzip or
 * zstd compressed), an OCI layout directory or tar, or a root filesystem directory,
 * detected automatically, or prefixed "docker-archive:", "oci:", "oci-archive:",
 * "rootfs:", "fs:" (a source tree: a root filesystem walk with .gitignore rules and the
 * skip globs, .git left out; format "fs"); or a registry reference (vigil/registry.h), prefixed
 * "registry:" or not an existing path. Reads and checks the manifest and config, but no layer yet.
 * Errors: VIGIL_ENOTFOUND, VIGIL_EFORMAT, VIGIL_ELIMIT, VIGIL_EIO, VIGIL_ENOMEM.
 */
int vigil_image_open(vigil_image **out, vigil_ctx *ctx, const char *ref,
		     const vigil_open_opts *opts);
void vigil_image_free(vigil_image *img);

/* Registers an analyzer for the next vigil_image_read. The struct is copied. */
int vigil_image_add_analyzer(vigil_image *img, const vigil_analyzer *a);

/*
 * A per-layer cache (docs/layer-cache.md): what a layer contributed to the analyzers
 * (its entries and whiteouts, the content of the files the analyzers wanted, the
 * layer-local findings of analyzers with layer_save) kept under a key made of the
 * layer's blob digest and diff_id, `version` and everything else that changes what
 * the read gives (analyzers, limits, skip globs). A layer found in it is not read (a
 * registry blob is not fetched); a layer that is not is read and then put. get returns
 * 1 with *data (malloc'd, the caller frees it), 0 when absent, negative on error (the
 * layer is then read); put's errors only skip the caching. Both may be called from
 * several threads at once. The struct is copied; payload and version must outlive
 * the read.
 */
typedef struct vigil_layer_cache {
	int (*get)(const char *key, const char *diff_id, uint8_t **data, size_t *len,
		   void *payload);
	int (*put)(const char *key, const char *diff_id, const uint8_t *data, size_t len,
		   void *payload);
	void *payload;
	const char *version; /* the analyzers' version and options */
	/* Optional: counts `uses` uses of the entry under `key` without reading it; 1 when
	 * it is kept, 0 when not, negative on error. With it, the reader keeps recently
	 * used entries decompressed in memory (a process-wide LRU, VIGIL_LAYER_CACHE_MEM
	 * MiB, default 256, 0 turns it off) and replays one without a get: the first use
	 * of an entry kept in memory is touched at once, later ones at most once a second
	 * per entry (with the uses counted since; those of the last second before the
	 * process ends are not counted). */
	int (*touch)(const char *key, uint64_t uses, void *payload);
} vigil_layer_cache;
int vigil_image_set_layer_cache(vigil_image *img, const vigil_layer_cache *c);
/* How many layers of the last read came from the cache, and how many were put. */
void vigil_image_layer_cache_stats(const vigil_image *img, int *hits, int *puts);

/*
 * Streams every layer once: verifies blob digests and diff_ids, gives wanted files to
 * the analyzers, and builds the merged view. Layers are decompressed in parallel
 * when the context allows more than one thread. Call once.
 */
int vigil_image_read(vigil_image *img);

/* Source format: "docker-archive", "oci", "oci-archive", "rootfs", "fs". */
const char *vigil_image_format(const vigil_image *img);
/* "sha256:..." of the manifest, or NULL when there is none (rootfs, classic docker-archive). */
const char *vigil_image_manifest_digest(const vigil_image *img);
/* "sha256:..." of the config blob (the image ID), or NULL for rootfs. */
const char *vigil_image_config_digest(const vigil_image *img);
/* Tags (RepoTags or ref.name) of the chosen image; NULL-terminated. */
const char *const *vigil_image_tags(const vigil_image *img);

typedef struct vigil_layer_info {
	int index;
	const char *media_type;	    /* as declared; NULL for docker-archive layers */
	const char *digest;	    /* blob digest, "sha256:..." */
	const char *diff_id;	    /* digest of the uncompressed tar */
	const char *compression;    /* "none", "gzip", "zstd" (sniffed) */
	const char *created_by;	    /* the history step that made it, or NULL */
	const char *created;	    /* time of that step, or NULL */
	uint64_t size;		    /* blob bytes */
	uint64_t uncompressed_size; /* known after vigil_image_read */
	uint64_t entries;	    /* tar entries, known after vigil_image_read */
} vigil_layer_info;

int vigil_image_layer_count(const vigil_image *img);
/* Borrowed; NULL when index is out of range. */
const vigil_layer_info *vigil_image_layer(const vigil_image *img, int index);

typedef struct vigil_history {
	const char *created, *created_by, *author, *comment;
	int empty_layer;
	int layer; /* index of the layer it made, -1 for empty_layer steps */
} vigil_history;

/* The image config (OCI / Docker Image Spec). Arrays are NULL-terminated. */
typedef struct vigil_config {
	const char *os, *architecture, *variant, *os_version, *created, *author;
	const char *user, *working_dir, *stop_signal;
	const char *const *env, *const *entrypoint, *const *cmd;
	const char *const *exposed_ports, *const *volumes;
	const char *const *label_keys, *const *label_values;
	const char *const *healthcheck; /* Healthcheck.Test, NULL when none */
	const vigil_history *history;
	int history_count;
} vigil_config;

/* Borrowed; for rootfs sources only os/architecture of the host are filled in. */
const vigil_config *vigil_image_config(const vigil_image *img);

/* The operating system, from /etc/os-release (or /usr/lib/os-release) of the merged view. */
typedef struct vigil_os {
	const char *id, *version_id, *version_codename, *pretty_name, *id_like;
	const char *source_path; /* the file it came from, NULL if none was found */
} vigil_os;

/* Borrowed; valid after vigil_image_read. Fields are NULL when unknown. */
const vigil_os *vigil_image_os(const vigil_image *img);

/* Totals of the merged view after vigil_image_read. */
void vigil_image_totals(const vigil_image *img, uint64_t *files, uint64_t *bytes);

typedef int (*vigil_file_cb)(const vigil_file *f, void *payload);

/*
 * Calls `cb` for every file of the merged view in path order (bytewise); with the
 * all_layers open option also for deleted and overwritten versions. A non-zero
 * return from `cb` stops the walk and is returned. `prefix`, when not NULL, limits
 * the walk to that path and what is below it (after resolving symlinks in its
 * directories); VIGIL_ENOTFOUND if it does not exist.
 */
int vigil_image_foreach_file(vigil_image *img, const char *prefix, vigil_file_cb cb, void *payload);

/* Finds a path of the merged view; symlinks in its directories are followed inside
 * the image, the last component is followed when `follow` is set. *out is borrowed and
 * valid until the next vigil_image_lookup or vigil_image_foreach_file on the same image
 * (its path lives in the image's scratch buffer): copy what must outlive that.
 * VIGIL_ENOTFOUND, or VIGIL_EFORMAT for a symbolic link loop. */
int vigil_image_lookup(const vigil_file **out, vigil_image *img, const char *path, int follow);

/* Warnings collected while reading (damaged but skippable input); NULL-terminated. */
const char *const *vigil_image_warnings(const vigil_image *img);

/* ---- inventory (SBOM) ----------------------------------------------------------------- */

typedef struct vigil_inventory vigil_inventory;

/* One package found in the image. Borrowed; lives as long as the inventory. */
typedef struct vigil_pkg {
	const char *type; /* purl type: deb, apk, rpm, npm, pypi, maven, golang, cargo,
			     gem, composer, nuget, generic */
	const char *name;
	const char *version;	 /* as the ecosystem writes it; rpm: [epoch:]version-release */
	const char *arch;	 /* NULL when not recorded */
	const char *source_name; /* source package (deb Source, apk origin, rpm SOURCERPM name) */
	const char *source_version;
	const char *license; /* as recorded, NULL when not */
	const char *purl;
	const char *location;	  /* absolute path of the file it was read from */
	const char *cataloger;	  /* "dpkg", "apk", "rpm", "npm", ... */
	const char *group;	  /* maven groupId, npm scope is part of name */
	const char *modularity;	  /* rpm modularity label */
	const char *const *files; /* files it installed (OS packages), NULL-terminated, or NULL */
	int layer;		  /* the layer that installed it or last changed it */
	int os_package;		  /* 1 for deb, apk, rpm */
	unsigned flags;		  /* VIGIL_PKG_DIRECT, ... when the lockfile says so */
} vigil_pkg;

/* vigil_pkg.flags: what a lockfile records about a dependency (0: not recorded). */
enum {
	VIGIL_PKG_DIRECT = 1,	/* the project depends on it by name */
	VIGIL_PKG_INDIRECT = 2, /* only through other packages */
	VIGIL_PKG_DEV = 4,	/* development / test only */
	VIGIL_PKG_OPTIONAL = 8, /* optional (npm optionalDependencies, extras) */
};

/* The distribution of the image, from os-release and friends. */
typedef struct vigil_distro {
	const char *id; /* debian, ubuntu, alpine, rhel, almalinux, azurelinux, ... */
	const char *version_id;
	const char *codename;
	const char *pretty_name;
	const char *family; /* the first ID_LIKE entry ("debian" for ubuntu), else the id */
	int eol;	    /* 1 when known to be past its end of support */
} vigil_distro;

typedef struct vigil_inventory_opts {
	int keep_os_owned; /* also report language packages whose files belong to an OS package */
	uint64_t max_archive_size; /* jars and binaries larger than this are not opened */
} vigil_inventory_opts;

#define VIGIL_INVENTORY_OPTS_INIT                                                                  \
	{                                                                                          \
		0, (uint64_t)128 << 20                                                             \
	}

/* Creates an inventory for `img` and registers its catalogers as analyzers: call it
 * before vigil_image_read, then vigil_inventory_finish after. Free with
 * vigil_inventory_free (before the image). */
int vigil_inventory_new(vigil_inventory **out, vigil_image *img, const vigil_inventory_opts *opts);
/* Chooses the packages of the final filesystem and attributes them to layers. */
int vigil_inventory_finish(vigil_inventory *inv);
size_t vigil_inventory_count(const vigil_inventory *inv);
/* Packages are sorted by type, name, version, location. NULL when i is out of range. */
const vigil_pkg *vigil_inventory_pkg(const vigil_inventory *inv, size_t i);
const vigil_distro *vigil_inventory_distro(const vigil_inventory *inv);
void vigil_inventory_free(vigil_inventory *inv);

/* A file a cataloger wanted but could not read (malformed, empty, truncated) or read
 * only in part (malformed records skipped). Borrowed from the inventory. */
typedef struct vigil_unread {
	const char *path;      /* absolute path in the image */
	int layer;	       /* the layer it came from */
	const char *cataloger; /* "npm", "dpkg", ... */
	const char *reason;    /* "cannot be read", "malformed records skipped" */
} vigil_unread;
size_t vigil_inventory_unread_count(const vigil_inventory *inv);
const vigil_unread *vigil_inventory_unread(const vigil_inventory *inv, size_t i);

/* Reads an SBOM as an inventory (`vigil scan sbom:FILE`, docs/sbom-input.md): CycloneDX
 * JSON 1.4-1.6, SPDX 2.2/2.3 JSON or tag-value, sniffed. Packages come from purls (with
 * Vigil's own properties restoring source packages and locations); entries without a
 * purl are left out with a warning. VIGIL_EFORMAT for another or malformed document,
 * VIGIL_ELIMIT past 16 x max_json_size. Free with vigil_inventory_free. */
int vigil_sbomin_load(vigil_inventory **out, vigil_ctx *ctx, const char *path);
/* The same from memory; `name` names it in messages and package locations. */
int vigil_sbomin_load_buffer(vigil_inventory **out, vigil_ctx *ctx, const char *name,
			     const char *data, size_t len);

/* Writes an SBOM: format "cyclonedx" (CycloneDX 1.6 JSON), "spdx" (SPDX 2.3 JSON) or
 * "json" (Vigil's own inventory). `name` names the scanned artifact. VIGIL_EINVAL for an
 * unknown format, VIGIL_EIO when writing fails. */
int vigil_sbom_write(FILE *f, const vigil_inventory *inv, vigil_image *img, const char *format,
		     const char *name);

/* ---- vulnerability database ------------------------------------------------------------ */

typedef struct vigil_db vigil_db;

typedef struct vigil_db_update_opts {
	const char *from; /* a local mirror directory holding <feed>.tar.gz archives */
	const char *only; /* comma-separated feed names to (re)import; NULL = all */
	/* online update (from == NULL): */
	const char *urls;      /* "FEED=URL,..." overriding a feed's upstream URL; NULL = none */
	const char *cache_dir; /* downloads and their ETags; NULL = <database>.cache/ */
	int connect_timeout;   /* seconds; 0 = 15 */
	int stall_timeout;     /* seconds without progress before a download fails; 0 = 30 */
	int quiet;	       /* no progress lines on stderr */
	/* "PREFIX=NEW,...": a built-in upstream URL starting with PREFIX is fetched from NEW
	 * followed by the rest of it (a mirror of the upstream sites); NULL = none */
	const char *rewrite;
} vigil_db_update_opts;

#define VIGIL_DB_UPDATE_OPTS_INIT                                                                  \
	{                                                                                          \
		NULL, NULL, NULL, NULL, 0, 0, 0, NULL                                              \
	}

/* Builds the database at `path` from the feeds into a temporary file next to it and
 * renames it into place when every feed was imported: on any failure (or a kill) the
 * previous database is left as it was. With `only`, the named feeds are re-imported
 * into a copy of the existing database. Errors: VIGIL_EINVAL, VIGIL_ENOTFOUND,
 * VIGIL_EFORMAT (a truncated or corrupt archive), VIGIL_EIO. */
int vigil_db_update(vigil_ctx *ctx, const char *path, const vigil_db_update_opts *opts);
/* The names of the feeds this vigil imports, NULL-terminated. */
const char *const *vigil_db_feed_names(void);

typedef struct vigil_db_feed_info {
	const char *name, *source_date, *imported_at;
	uint64_t records;  /* the feed's own unit: secfix pairs, KEV entries, OSV records */
	uint64_t packages; /* distinct (ecosystem, package) */
	uint64_t skipped;  /* malformed records skipped */
} vigil_db_feed_info;

/* Opens a database read-only. VIGIL_ENOTFOUND when there is none, VIGIL_EFORMAT when it
 * is not one or has another schema version. */
int vigil_db_open(vigil_db **out, vigil_ctx *ctx, const char *path);
void vigil_db_free(vigil_db *db);
int vigil_db_schema_version(const vigil_db *db);
/* Build time, "YYYY-MM-DDTHH:MM:SSZ". */
const char *vigil_db_built(const vigil_db *db);
size_t vigil_db_feed_count(const vigil_db *db);

/* One statement that a package of an ecosystem is (or is not) affected. Borrowed:
 * valid during the callback. */
typedef struct vigil_db_affected {
	const char *vuln_id; /* CVE-…, GHSA-…, GO-… */
	const char
		*status; /* fixed, unfixed, not_affected, will_not_fix, fix_deferred, end_of_life */
	const char *fixed;    /* fixed version, or NULL */
	const char *ranges;   /* OSV ranges/versions as JSON, or NULL */
	const char *severity; /* vendor severity, or NULL */
	const char *feed;
	int kev; /* listed in CISA KEV */
} vigil_db_affected;

/* 1 when the database has statements about some package of `ecosystem`
 * ("debian:12"), 0 when none, or a negative error. */
int vigil_db_has_ecosystem(vigil_db *db, const char *ecosystem);
/* Calls cb for every statement about `package` in `ecosystem` ("alpine:3.10", "go").
 * A vigil_db handle serves one thread at a time. Returns the number of statements or
 * a negative error (cb's non-zero return stops and is returned). */
int vigil_db_lookup(vigil_db *db, const char *ecosystem, const char *package,
		    int (*cb)(const vigil_db_affected *a, void *payload), void *payload);
const vigil_db_feed_info *vigil_db_feed(const vigil_db *db, size_t i);

/* One rating of a vulnerability by one feed: kind 0 is the feed's own severity word
 * (Debian urgency, Ubuntu priority, an advisory's severity), kind 1 a CVSS vector and/or
 * base score (severity = the score's band, NULL when unscored). */
typedef struct vigil_db_rating {
	const char *feed, *severity, *vector;
	int kind;
	double score; /* 0 when unknown */
} vigil_db_rating;

/* What the database knows of one vulnerability. Borrowed: valid during the callback. */
typedef struct vigil_db_vuln_info {
	const char *vuln_id, *title, *severity, *cvss_vector, *published;
	double cvss_score;		/* 0 when unknown */
	int kev;			/* it or one of its aliases is in CISA KEV */
	const char *const *aliases;	/* NULL-terminated */
	const char *const *references;	/* NULL-terminated */
	const char *const *aliased_by;	/* ids of records that name this one as an alias */
	const vigil_db_rating *ratings; /* every feed's ratings: kind 0 first, then by feed */
	size_t nratings;
	double epss, epss_percentile; /* EPSS of it or an alias (0-1); -1 when unknown */
} vigil_db_vuln_info;

/* Calls cb once with the details of `vuln_id`; VIGIL_ENOTFOUND when unknown. */
int vigil_db_vuln(vigil_db *db, const char *vuln_id,
		  int (*cb)(const vigil_db_vuln_info *v, void *payload), void *payload);

/* Writes the database at db_path into one zstd-compressed bundle with its SHA-256 and
 * schema version in a header (written to a temporary file, then renamed). Errors:
 * VIGIL_ENOTFOUND (no database), VIGIL_EFORMAT (not a database), VIGIL_EIO. */
int vigil_db_export(vigil_ctx *ctx, const char *db_path, const char *bundle_path);
/* Replaces the database at db_path with the one in a bundle, after checking its size,
 * checksum and schema version; atomically (temporary file, rename). A truncated or
 * corrupt bundle, or one of another schema, is VIGIL_EFORMAT and the old database is
 * kept. */
int vigil_db_import(vigil_ctx *ctx, const char *bundle_path, const char *db_path);
/* Signs a bundle: writes <bundle>.sig, the base64 signature over the bundle's SHA-256
 * with an Ed25519 or ECDSA private key (PEM). VIGIL_EINVAL for another key type. */
int vigil_db_bundle_sign(vigil_ctx *ctx, const char *bundle_path, const char *key_path);
/* Verifies a bundle against its signature file and a pinned public key (PEM).
 * VIGIL_EFORMAT when the signature is malformed or does not verify. */
int vigil_db_bundle_verify(vigil_ctx *ctx, const char *bundle_path, const char *sig_path,
			   const char *pub_path);
/* Downloads a bundle from `url` and its signature from `url`.sig into the cache
 * directory (opts->cache_dir, else <db>.cache/), verifies the signature with the pinned
 * public key, then imports it (vigil_db_import). Any failure leaves the database as
 * it was. */
int vigil_db_update_bundle(vigil_ctx *ctx, const char *db_path, const char *url,
			   const char *pub_path, const vigil_db_update_opts *opts);
/* The same from an OCI artifact: the manifest `reference` (HOST/REPO:TAG or @DIGEST)
 * with a layer of media type application/vnd.vigil.db.bundle.v1 (the bundle) and one of
 * application/vnd.vigil.db.bundle.sig.v1 (its signature file); blobs are checked
 * against their digests, the signature against the pinned key, then imported.
 * `reg_opts` may be NULL (struct vigil_registry_opts, vigil/registry.h). */
struct vigil_registry_opts;
int vigil_db_update_bundle_ref(vigil_ctx *ctx, const char *db_path, const char *reference,
			       const char *pub_path, const vigil_db_update_opts *opts,
			       const struct vigil_registry_opts *reg_opts);
/* Age of the database in days since it was built (fractional). VIGIL_EFORMAT when the
 * build time cannot be read. */
int vigil_db_age_days(const vigil_db *db, double *out);

/* An end-of-security-support statement (debian-security-support): support for `package`
 * ended after `version` on `date` (limited = 0), or is limited (limited = 1, no version).
 * `package` is the name as the list writes it, possibly a pattern ("golang.*", which the
 * lookup matches as a prefix). Borrowed. */
typedef struct vigil_db_support {
	const char *package, *version, *date, *note;
	int limited;
} vigil_db_support;

/* Calls cb for every support statement about `package` in `ecosystem` ("debian:12"; rows
 * of the family "debian" apply to every release). Returns the number of statements or a
 * negative error (cb's non-zero return stops and is returned). */
int vigil_db_support_lookup(vigil_db *db, const char *ecosystem, const char *package,
			    int (*cb)(const vigil_db_support *s, void *payload), void *payload);

/* ---- the scanners (one header each) ----------------------------------------------------- */

#include "vigil/version.h"
#include "vigil/secret.h"
#include "vigil/malware.h"
#include "vigil/config.h"
#include "vigil/trust.h"
#include "vigil/scan.h"
#include "vigil/pipeline.h"
#include "vigil/registry.h"
#include "vigil/runtime.h"

#ifdef __cplusplus
}
#endif
#endif
