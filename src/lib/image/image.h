/* Internal declarations of the image module. */
#ifndef VIGIL_IMAGE_INT_H
#define VIGIL_IMAGE_INT_H

#include <sys/types.h>

#include "../internal.h"

/* ---- byte sources ------------------------------------------------------------------ */

/* A forward-only byte source. read() sets *n = 0 at the end. */
typedef struct vigil_bsrc vigil_bsrc;
struct vigil_bsrc {
	int (*read)(vigil_bsrc *s, const uint8_t **p, size_t *n);
	const char *errmsg; /* set with a negative return */
};

/* Reads `len` bytes of `fd` from `off` with pread; several may share one fd. */
typedef struct vigil_bsrc_file {
	vigil_bsrc base;
	int fd;
	uint64_t off, left;
	uint8_t *buf;
	size_t cap;
} vigil_bsrc_file;
int vigil_image__bsrc_file_init(vigil_bsrc_file *s, int fd, uint64_t off, uint64_t len);
void vigil_image__bsrc_file_free(vigil_bsrc_file *s);

typedef struct vigil_bsrc_mem {
	vigil_bsrc base;
	const uint8_t *p;
	size_t n;
} vigil_bsrc_mem;
void vigil_image__bsrc_mem_init(vigil_bsrc_mem *s, const void *p, size_t n);

/* ---- decompression (sniffed: gzip via ISA-L, zstd, or none) ----------------------- */

typedef enum { VIGIL_COMP_NONE = 0, VIGIL_COMP_GZIP, VIGIL_COMP_ZSTD } vigil_comp;
const char *vigil_image__comp_name(vigil_comp c);

typedef struct vigil_dec vigil_dec;
/* Wraps `in`; when raw_hash is given every input byte is hashed into it. */
int vigil_image__dec_new(vigil_dec **out, vigil_bsrc *in, vigil_sha256 *raw_hash);
vigil_comp vigil_image__dec_comp(const vigil_dec *d);
/* Next decompressed chunk; *n = 0 at the end. Negative on error, message in errmsg. */
int vigil_image__dec_read(vigil_dec *d, const uint8_t **p, size_t *n, const char **errmsg);
uint64_t vigil_image__dec_raw_bytes(const vigil_dec *d);
void vigil_image__dec_free(vigil_dec *d);

/* ---- outer tar index (docker-archive, oci-archive) -------------------------------- */

typedef struct vigil_tar_member {
	const char *name;   /* cleaned, relative */
	uint64_t off, size; /* of the data in the (decompressed) tar stream */
	char type;	    /* '0' regular, '5' dir, '1' hardlink, '2' symlink, ... */
	const char *link;
} vigil_tar_member;

/* Reads tar headers from a byte stream. Member data must be read with
 * vigil_image__tarr_data or is skipped by the next call to _next. */
typedef struct vigil_tarr vigil_tarr;
/* Reads from `fd` with pread (uncompressed, seekable: data is skipped without reading)
 * when fd >= 0, else from `in`. `what` names the archive in error messages. */
int vigil_image__tarr_new(vigil_tarr **out, int fd, vigil_dec *in, vigil_ctx *ctx,
			  const char *what);
/* 1 with a member, 0 at the end, negative on error (ctx error set). The member's
 * strings live until the next call. */
int vigil_image__tarr_next(vigil_tarr *t, vigil_tar_member *m);
/* Reads the current member's data; *n = 0 at its end. */
int vigil_image__tarr_data(vigil_tarr *t, const uint8_t **p, size_t *n);
void vigil_image__tarr_free(vigil_tarr *t);

/* ---- per-layer records -------------------------------------------------------------- */

enum { REC_ENTRY = 0, REC_WHITEOUT, REC_OPAQUE };

typedef struct vigil_rec {
	const char *path; /* cleaned, relative, "" is the root */
	const char *link; /* symlink target, or cleaned hardlink target */
	uint64_t size;
	int64_t mtime;
	uint32_t mode, uid, gid, rmaj, rmin;
	uint8_t type; /* vigil_ftype */
	uint8_t kind; /* REC_* */
} vigil_rec;

/* Cleans a path from a tar header or a manifest: strips "./" and "/" runs, refuses
 * ".." and absolute paths, checks the depth and length limits. Writes the relative
 * path (possibly "") into out. VIGIL_EFORMAT (unsafe) or VIGIL_ELIMIT. */
int vigil_image__path_clean(vigil_buf *out, const char *in, const vigil_limits *lim,
			    const char **why);

/* ---- merged view -------------------------------------------------------------------- */

typedef struct vigil_tree vigil_tree;
int vigil_image__tree_new(vigil_tree **out, int keep_history);
void vigil_image__tree_free(vigil_tree *t);
/* Applies one layer's records (opaque markers, then whiteouts, then entries).
 * On error, *bad is the offending record path. */
int vigil_image__tree_apply(vigil_tree *t, const vigil_rec *recs, size_t n, int layer,
			    const char **bad);
/* Resolves an absolute or relative path from the root; see vigil_image_lookup. */
int vigil_image__tree_lookup(vigil_tree *t, const char *path, int follow, uint32_t *out);
/* Walks the subtree of `node` (and history below its path) in path order. */
int vigil_image__tree_walk(vigil_tree *t, uint32_t node, vigil_file_cb cb, void *payload);
/* Fills a vigil_file for a node (path built in the tree's scratch buffer). */
int vigil_image__tree_file(vigil_tree *t, uint32_t node, vigil_file *f);
void vigil_image__tree_totals(vigil_tree *t, uint64_t *files, uint64_t *bytes);

#endif

/* ---- the image object ------------------------------------------------------------- */

typedef enum {
	STORE_DIR,
	STORE_TAR,
	STORE_TARSTREAM,
	STORE_ROOTFS,
	STORE_REGISTRY
} vigil_store_kind;

typedef struct vigil_remote vigil_remote;

typedef struct vigil_member {
	const char *name;
	uint64_t off, size;
	const uint8_t *data; /* kept in memory (STORE_TARSTREAM small members) */
	const char *link;    /* symlink member: target name (resolved in the archive) */
} vigil_member;

typedef struct vigil_layer {
	vigil_layer_info info;
	const char *blob;	  /* member name or path relative to the layout */
	const char *want_digest;  /* from the manifest, NULL if none (classic docker-archive) */
	const char *want_diff_id; /* from the config */
	int64_t want_size;	  /* descriptor size, -1 if none (docker-archive) */
	char got_digest[72], got_diff_id[72];
	vigil_vec recs;	   /* vigil_rec, until merged */
	vigil_arena arena; /* strings of recs */
	int done, error;
	int dup_of; /* compressed archives: reuses that layer's records */
	char errmsg[1024];
} vigil_layer;

typedef struct vigil_capture {
	const char *path; /* relative */
	int layer;
	vigil_buf data;
} vigil_capture;

struct vigil_image {
	vigil_ctx *ctx;
	vigil_arena arena;
	const char *ref, *format;
	vigil_store_kind store;
	int fd, dirfd;
	vigil_comp outer_comp;
	vigil_vec members;    /* vigil_member, sorted by name */
	vigil_buf member_mem; /* unused placeholder for small-member storage */
	const char *manifest_digest, *config_digest;
	vigil_vec tags; /* const char * + NULL */
	vigil_config config;
	vigil_layer *layers;
	int nlayers;
	vigil_vec analyzers; /* vigil_analyzer */
	vigil_tree *tree;
	vigil_os os;
	pthread_mutex_t cap_lock;
	vigil_vec captures; /* vigil_capture */
	vigil_vec warnings; /* char * + NULL */
	_Atomic uint64_t nfiles, nbytes, progress_done;
	uint64_t progress_total;
	atomic_int cancel;
	int all_layers, read_done;
	const char *rootfs_dir;
	/* a source tree (fs:DIR): .gitignore rules and the skip globs apply to the walk */
	int source_tree;
	const char *const *skip_dirs, *const *skip_files;
	vigil_remote *remote; /* STORE_REGISTRY */
	/* why an analyzer stopped the read (first one wins; under cap_lock) */
	char stop_msg[512];
	/* the per-layer cache (lcache.c) */
	vigil_layer_cache lcache;
	int lcache_on;
	atomic_int lc_hits, lc_puts;
};

/* Records a warning on the image and passes it to the context's callback. */
void vigil_image__warn(vigil_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Counts `bytes` more of layer blobs as read and tells the progress callback. */
void vigil_image__progress(vigil_image *img, uint64_t bytes);
/* Reads layer `i` from `src`: fills its records, digests and info, or its errmsg. */
int vigil_image__layer_read(vigil_image *img, int i, vigil_bsrc *src);
/* Walks a root filesystem directory into layer 0's records, giving files to analyzers. */
int vigil_image__rootfs_read(vigil_image *img);
/* Gives one regular file's content to the analyzers that want it: `head` is called at
 * most once, for the first chunk, only when an analyzer wants the file or its head;
 * `next` pulls the following chunks (*n = 0 at the end). */
typedef int (*vigil_pull_fn)(void *src, const uint8_t **p, size_t *n);
typedef vigil_pull_fn vigil_head_fn;
int vigil_image__analyze(vigil_image *img, const vigil_file *f, vigil_head_fn head,
			 vigil_pull_fn next, void *src);
/* An analyzer that stops the read (returns an error) says why: the layer or root
 * filesystem reader reports this message instead of a generic one. */
void vigil_image__stop(vigil_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The message given by vigil_image__stop, or NULL. */
const char *vigil_image__stop_msg(vigil_image *img);
/* Reads again, after vigil_image_read, the content of the regular file at absolute path
 * `path` as layer `layer` wrote it (or as the root filesystem holds it), giving it to `cb`
 * chunk by chunk: for files that the analyzers could only find through the merged
 * view's symlinks. VIGIL_ENOTFOUND, VIGIL_EINVAL for an image read from a compressed
 * stream (its layers cannot be read twice), or cb's error. */
typedef int (*vigil_image__chunk_fn)(const void *p, size_t n, void *payload);
int vigil_image__file_pull(vigil_image *img, const char *path, int layer, vigil_image__chunk_fn cb,
			   void *payload);
/* One layer's part of it: 1 with *hardlink set when the entry is a hard link. */
int vigil_image__layer_pull(vigil_image *img, vigil_bsrc *src, const char *rel,
			    vigil_image__chunk_fn cb, void *payload, vigil_buf *hardlink);
/* Parses manifests and config; fills img->layers and img->config. */
int vigil_image__open_oci(vigil_image *img, const char *tag, const char *platform);
int vigil_image__open_docker(vigil_image *img, const char *tag);
/* Reads a whole member (or file in the layout) of at most max_json_size into out. */
int vigil_image__store_read(vigil_image *img, const char *name, vigil_buf *out);
int vigil_image__store_has(vigil_image *img, const char *name);

/* The per-layer cache (lcache.c). */
typedef struct vigil_lc_rec vigil_lc_rec;
int vigil_image__lc_try(vigil_image *img, int index, vigil_lc_rec **rec, char key[160]);
void vigil_image__lc_done(vigil_image *img, int index, vigil_lc_rec *rec, const char *key,
			  int error);
int vigil_image__lc_replaying(void);
int vigil_image__lc_recording(void);
void vigil_image__lc_warn(const char *msg);
void vigil_image__lc_file_begin(vigil_image *img, int head_only);
void vigil_image__lc_file_data(const uint8_t *p, size_t n);
void vigil_image__lc_file_end(void);
int vigil_image__lc_parse(const uint8_t *p, size_t n); /* fuzzing */
void vigil_image__lc_memo_clear(void);		       /* tests */

/* Registry images (remote.c): opens `ref` (fetches the top manifest, then the OCI
 * reader picks the platform's manifest and loads the config). */
int vigil_image__open_registry(vigil_image *img, const char *ref, const vigil_open_opts *opts);
void vigil_image__remote_free(vigil_remote *rm);
/* A metadata document "blobs/sha256/<hex>" fetched by digest (verified by the caller). */
int vigil_image__remote_read(vigil_image *img, const char *name, vigil_buf *out);
int vigil_image__remote_has(vigil_image *img, const char *name);
/* Streams layer i from the registry into the layer reader. */
int vigil_image__remote_layer(vigil_image *img, int i);
/* A document fetched while opening ("blobs/sha256/<hex>"), or NULL. */
const uint8_t *vigil_image__remote_doc(const vigil_image *img, const char *name, size_t *len);
struct vigil_reg;
struct vigil_reg *vigil_image__remote_client(const vigil_image *img);
/* How many layers may be fetched at once. */
int vigil_image__remote_parallel(const vigil_image *img);
/* With vigil_open_opts.prefetch_layers: starts opening the streams of the first layers
 * the readers will take (one thread each, at most the parallel limit) once the manifest
 * is parsed, so they overlap the config's fetch and the caller's setup. */
int vigil_image__remote_prefetch(vigil_image *img);
/* The digest of the document the reference names (an index for a multi-platform image),
 * and the mirror ("HOST/REPO") it was read from (NULL: the registry itself). */
const char *vigil_image__remote_top(const vigil_image *img);
const char *vigil_image__remote_mirror(const vigil_image *img);

/* For fuzzing and tests: an image whose archive members are given in memory.
 * `format` is "oci" (index.json, blobs), "docker" (manifest.json) or "layers" (each
 * member is one layer, in order, with no digests to verify). */
int vigil_image__open_mem(vigil_image **out, vigil_ctx *ctx, const char *format,
			  const vigil_member *members, size_t n, const vigil_open_opts *opts);
