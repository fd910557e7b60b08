/*
 * pipeline.c - the scan of one image as one call: the engine (policy, database, compiled
 * secret and malware rules, immutable once built) and the scan result (image, inventory,
 * every scanner's output, the match and the report with its uniform findings).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match/match.h"
#include "pipeline/pipeline.h"
#include "report/report.h"
#include "vulndb/vulndb.h"

/* Database handles kept open between the scans of an engine (opening one, reading its
 * metadata and preparing its queries again was about 4% of a scan replayed from the layer
 * cache, BENCHMARKS.md). A handle serves one scan at a time: a result takes one (or opens
 * one) and gives it back when it is freed. Each remembers which file it opened (device,
 * inode, size, modification time): a handle of a file since replaced at the same path is
 * closed instead of used, so a scan sees the file a fresh open would. Shared by the engine
 * and its results (counted), so results may outlive their engine. */
#define DB_POOL_MAX 8

typedef struct db_ident {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
} db_ident;

typedef struct db_pool {
	pthread_mutex_t lock;
	atomic_int refs;
	size_t n;
	vigil_db *idle[DB_POOL_MAX];
	db_ident ids[DB_POOL_MAX];
} db_pool;

static int db_ident_of(db_ident *out, const char *path)
{
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (stat(path, &st) != 0)
		return -1;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->size = st.st_size;
	out->mtime = st.st_mtim;
	return 0;
}

static int db_ident_eq(const db_ident *a, const db_ident *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static db_pool *db_pool_new(void)
{
	db_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	atomic_init(&p->refs, 1);
	return p;
}

static void db_pool_unref(db_pool *p)
{
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	for (size_t i = 0; i < p->n; i++)
		vigil_db_free(p->idle[i]);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* An open handle of `path` for one scan into *out, with the identity of the file it
 * opened into *id: an idle one of the same file, or a new one. */
static int db_pool_take(vigil_db **out, db_ident *id, db_pool *p, vigil_ctx *ctx, const char *path)
{
	vigil_db *stale[DB_POOL_MAX];
	size_t nstale = 0;
	*out = NULL;
	if (p && db_ident_of(id, path) == 0) {
		pthread_mutex_lock(&p->lock);
		for (size_t i = p->n; i-- > 0 && !*out;) {
			if (db_ident_eq(&p->ids[i], id))
				*out = p->idle[i];
			else
				stale[nstale++] = p->idle[i];
			p->idle[i] = p->idle[p->n - 1];
			p->ids[i] = p->ids[p->n - 1];
			p->n--;
		}
		pthread_mutex_unlock(&p->lock);
	}
	for (size_t i = 0; i < nstale; i++)
		vigil_db_free(stale[i]);
	if (*out) {
		vigil_vdb__set_ctx(*out, ctx);
		return 0;
	}
	/* identified before it is opened: a file replaced in between is seen as stale */
	return vigil_db_open(out, ctx, path);
}

/* Gives a handle of db_pool_take back (closed when the pool is full or NULL). */
static void db_pool_put(db_pool *p, vigil_db *db, const db_ident *id)
{
	if (!db)
		return;
	if (p) {
		pthread_mutex_lock(&p->lock);
		if (p->n < DB_POOL_MAX) {
			p->idle[p->n] = db;
			p->ids[p->n++] = *id;
			db = NULL;
		}
		pthread_mutex_unlock(&p->lock);
	}
	vigil_db_free(db);
}

struct vigil_engine {
	vigil_ctx *ctx;
	unsigned scanners;
	char *db_path;
	char *db_built;
	vigil_policy *policy;
	vigil_secret_rules *srules;
	vigil_malware_rules *mrules;
	char warning[512];
	char layer_version[128]; /* the per-layer cache's version (docs/layer-cache.md) */
	vigil_match_memo *memo;	 /* matches of package sets met before (this database) */
	db_pool *dbs;		 /* handles of db_path kept open between scans */
};

struct vigil_scan_result {
	vigil_ctx *ctx;
	char *target;
	char *severities;
	vigil_scan_opts opts;
	unsigned ran; /* VIGIL_SCANNER_* that produced results */
	vigil_image *img;
	vigil_inventory *inv;
	vigil_secret_scan *secrets;
	vigil_malware_scan *malware;
	vigil_config_image *cimg;
	vigil_config_result *config;
	vigil_trust_findings *trust;
	int lc_hits, lc_puts; /* layers replayed from / put in the layer cache */
	vigil_db *db; /* the handle the match was made with (the match may borrow from it) */
	db_pool *dbs; /* where db goes back to (a reference), or NULL */
	db_ident db_id;
	vigil_match *match;
	char *db_built;
	vigil_report *report;
	/* between vigil_scan_open and vigil_scan_complete: the caller's options (borrowed) */
	const char *open_tag;
	const struct vigil_registry_opts *open_registry;
	unsigned open_scanners;
};

void vigil_engine_free(vigil_engine *e)
{
	if (!e)
		return;
	vigil_match_memo_free(e->memo);
	db_pool_unref(e->dbs);
	vigil_malware_rules_free(e->mrules);
	vigil_secret_rules_free(e->srules);
	vigil_policy_free(e->policy);
	free(e->db_built);
	free(e->db_path);
	free(e);
}

/* Opens the database once to check that it exists and how old it is. */
static int engine_db(vigil_engine *e, const vigil_engine_opts *o)
{
	vigil_db *db = NULL;
	double age = 0;
	int error;
	if (!o->db_path)
		return vigil_error_set(e->ctx, VIGIL_EINVAL, "no vulnerability database given");
	if (!(e->db_path = strdup(o->db_path)))
		return VIGIL_ENOMEM;
	error = vigil_db_open(&db, e->ctx, o->db_path);
	if (error == VIGIL_ENOTFOUND)
		return vigil_error_set(e->ctx, error,
				       "no vulnerability database at %s: build one with 'vigil db "
				       "update --from DIR' (or 'vigil db import FILE'), or leave "
				       "vulnerabilities out with --scanners secret,malware,config",
				       o->db_path);
	if (error < 0)
		return error;
	if (vigil_db_built(db) && !(e->db_built = strdup(vigil_db_built(db)))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (vigil_db_age_days(db, &age) == 0 && age > o->db_max_age) {
		snprintf(e->warning, sizeof(e->warning),
			 "the vulnerability database is %.0f days old (built %s); run 'vigil db "
			 "update' (--db-max-age sets the limit)",
			 age, vigil_db_built(db));
		if (o->fail_stale)
			error = vigil_error_set(e->ctx, VIGIL_EINVAL, "%s", e->warning);
		else
			vigil_warn(e->ctx, "%s", e->warning);
	}
done:
	vigil_db_free(db);
	return error;
}

/* Bump when an analyzer changes what it finds in a layer (catalog, secrets, malware,
 * configuration captures, the layer reader): every cached layer is then read again. */
#define VIGIL_ANALYZER_VERSION "2" /* 2: the inventory gives a per-layer output */

/* A file's content (or, for a directory, its entries' names, sizes and times) into h. */
static void hash_path(vigil_sha256 *h, const char *path)
{
	struct stat st;
	vigil_sha256_update(h, path ? path : "", path ? strlen(path) + 1 : 1);
	if (!path || stat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents = NULL;
		int n = scandir(path, &ents, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			char sub[4096];
			struct stat ss;
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			if (ents[i]->d_name[0] != '.' && stat(sub, &ss) == 0) {
				int64_t v[2] = {(int64_t)ss.st_size, (int64_t)ss.st_mtime};
				vigil_sha256_update(h, ents[i]->d_name,
						    strlen(ents[i]->d_name) + 1);
				vigil_sha256_update(h, v, sizeof(v));
			}
			free(ents[i]);
		}
		free(ents);
		return;
	}
	if (!S_ISREG(st.st_mode)) /* a FIFO or a device would block or never end */
		return;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	if (!f)
		return;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		vigil_sha256_update(h, chunk, n);
	fclose(f);
}

/* What changes a layer's result: analyzer version, scanners and the rule options. */
static int engine_layer_version(vigil_engine *e, const vigil_engine_opts *o)
{
	vigil_sha256 *h;
	char hex[72];
	int error = vigil_sha256_new(&h);
	if (error < 0)
		return error;
	const char *v = "vigil " VIGIL_VERSION " analyzers " VIGIL_ANALYZER_VERSION;
	vigil_sha256_update(h, v, strlen(v) + 1);
	uint64_t nums[] = {o->scanners,
			   (uint64_t)o->secret.replace_builtin,
			   (uint64_t)o->secret.enable_generic,
			   (uint64_t)o->secret.scan_binaries,
			   (uint64_t)o->malware.replace_builtin,
			   (uint64_t)o->malware.scope_all,
			   o->malware.max_archive_depth,
			   o->malware.max_archive_entries,
			   o->malware.max_archive_bytes};
	vigil_sha256_update(h, nums, sizeof(nums));
	hash_path(h, o->secret.rules_file);
	hash_path(h, o->malware.yara_rules);
	hash_path(h, o->malware.hashes_file);
	vigil_sha256_update(h, o->malware.clamd ? o->malware.clamd : "",
			    1 + (o->malware.clamd ? strlen(o->malware.clamd) : 0));
	vigil_sha256_final(h, hex);
	vigil_sha256_free(h);
	snprintf(e->layer_version, sizeof(e->layer_version), "a%s-%.32s", VIGIL_ANALYZER_VERSION,
		 hex + 7);
	return 0;
}

const char *vigil_engine_layer_version(const vigil_engine *e)
{
	return e->layer_version;
}

int vigil_engine_new(vigil_engine **out, vigil_ctx *ctx, const vigil_engine_opts *opts)
{
	static const vigil_engine_opts defaults = VIGIL_ENGINE_OPTS_INIT;
	const vigil_engine_opts *o = opts ? opts : &defaults;
	vigil_engine *e = calloc(1, sizeof(*e));
	int error;
	*out = NULL;
	if (!e)
		return VIGIL_ENOMEM;
	e->ctx = ctx;
	e->scanners = o->scanners;
	/* the policy first: a broken policy file should not cost a database check */
	if ((error = o->policy_path ? vigil_policy_load(&e->policy, ctx, o->policy_path, o->today)
				    : vigil_policy_new(&e->policy, ctx, o->today)) < 0)
		goto done;
	for (const char *const *v = o->vex; v && *v; v++)
		if ((error = vigil_policy_add_vex(e->policy, *v)) < 0)
			goto done;
	if ((error = vigil_policy_add_trust(e->policy, &o->trust)) < 0)
		goto done;
	/* the rule files are checked (regular files, bounded) by their loaders before the
	 * layer cache's key reads them */
	if (((o->scanners & VIGIL_SCANNER_VULN) && (error = engine_db(e, o)) < 0) ||
	    ((o->scanners & VIGIL_SCANNER_SECRET) &&
	     (error = vigil_secret_rules_load(&e->srules, ctx, &o->secret)) < 0) ||
	    ((o->scanners & VIGIL_SCANNER_MALWARE) &&
	     (error = vigil_malware_rules_load(&e->mrules, ctx, &o->malware)) < 0) ||
	    (error = engine_layer_version(e, o)) < 0)
		goto done;
	/* the match memo (docs/layer-cache.md): VIGIL_MATCH_MEMO entries, default 16 */
	const char *mv = getenv("VIGIL_MATCH_MEMO");
	long mmax = mv && *mv ? strtol(mv, NULL, 10) : 16;
	if ((o->scanners & VIGIL_SCANNER_VULN) && mmax > 0 &&
	    (error = vigil_match_memo_new(&e->memo, (size_t)(mmax < 1024 ? mmax : 1024))) < 0)
		goto done;
	if ((o->scanners & VIGIL_SCANNER_VULN) && !(e->dbs = db_pool_new())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	*out = e;
	e = NULL;
done:
	vigil_engine_free(e);
	return error;
}

const char *vigil_engine_warning(const vigil_engine *e)
{
	return e && e->warning[0] ? e->warning : NULL;
}

void vigil_engine_match_memo_stats(const vigil_engine *e, uint64_t *hits, uint64_t *misses)
{
	*hits = *misses = 0;
	if (e && e->memo)
		vigil_match_memo_stats(e->memo, hits, misses);
}

const char *vigil_engine_db_built(const vigil_engine *e)
{
	return e ? e->db_built : NULL;
}

/* ---- the result ---- */

void vigil_scan_result_free(vigil_scan_result *r)
{
	if (!r)
		return;
	vigil_report_free(r->report);
	vigil_match_free(r->match);
	db_pool_put(r->dbs, r->db, &r->db_id);
	db_pool_unref(r->dbs);
	vigil_config_result_free(r->config);
	vigil_trust_findings_free(r->trust);
	vigil_config_image_free(r->cimg);
	vigil_malware_scan_free(r->malware);
	vigil_secret_scan_free(r->secrets);
	vigil_inventory_free(r->inv);
	vigil_image_free(r->img);
	free(r->db_built);
	free(r->severities);
	free(r->target);
	free(r);
}

static int result_alloc(vigil_scan_result **out, vigil_ctx *ctx, const char *target,
			const vigil_scan_opts *opts)
{
	static const vigil_scan_opts defaults = VIGIL_SCAN_OPTS_INIT;
	vigil_scan_result *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return VIGIL_ENOMEM;
	r->ctx = ctx;
	r->opts = opts ? *opts : defaults;
	r->opts.tag = r->opts.platform = NULL; /* only used while opening */
	r->opts.registry = NULL;
	if (!(r->target = strdup(target ? target : "")) ||
	    (r->opts.severities && !(r->severities = strdup(r->opts.severities)))) {
		vigil_scan_result_free(r);
		return VIGIL_ENOMEM;
	}
	r->opts.severities = r->severities;
	*out = r;
	return 0;
}

/* (Re)builds the report from the parts: filters, policy, findings. */
static int build_report(vigil_scan_result *r, const vigil_engine *e)
{
	vigil_report_opts ro = VIGIL_REPORT_OPTS_INIT;
	int error;
	vigil_report_free(r->report);
	r->report = NULL;
	ro.severities = r->opts.severities;
	ro.ignore_unfixed = r->opts.ignore_unfixed;
	ro.color = r->opts.color;
	ro.db_built = r->match ? r->db_built : NULL;
	if ((error = vigil_report_new(&r->report, r->ctx, r->target, r->img, r->inv, &ro)) < 0)
		return error;
	if (r->match)
		vigil_report_set_vulns(r->report, r->match);
	if (r->ran & VIGIL_SCANNER_SECRET)
		vigil_report_set_secrets(r->report, r->secrets);
	if (r->ran & VIGIL_SCANNER_MALWARE)
		vigil_report_set_malware(r->report, r->malware);
	if (r->ran & VIGIL_SCANNER_CONFIG)
		vigil_report_set_config(r->report, r->config);
	if (r->trust)
		vigil_report_set_trust(r->report, r->trust);
	if (r->match && e->warning[0] && (error = vigil_report_warn(r->report, e->warning)) < 0)
		return error;
	if (r->match && r->db) { /* an OS no feed covers: say so, never a silent "0 found" */
		char msg[512];
		int un = vigil_match_distro_uncovered(r->db, vigil_inventory_distro(r->inv), msg,
						      sizeof(msg));
		if (un < 0)
			return un;
		if (un) {
			vigil_warn(r->ctx, "%s", msg);
			if ((error = vigil_report_warn(r->report, msg)) < 0)
				return error;
		}
	}
	return vigil_report_apply(r->report, e->policy);
}

/* Matches the inventory against the engine's database with a handle of this result's
 * own (one per result: SQLite handles are not shared between threads). */
static int match(vigil_scan_result *r, const vigil_engine *e)
{
	vigil_db *db = NULL;
	vigil_match *m = NULL;
	db_ident id;
	int error;
	if ((error = db_pool_take(&db, &id, e->dbs, r->ctx, e->db_path)) < 0)
		return error;
	if ((error = vigil_match_run_memo(&m, db, r->inv, e->memo)) < 0) {
		db_pool_put(e->dbs, db, &id);
		return error;
	}
	char *built = e->db_built ? strdup(e->db_built) : NULL;
	if (e->db_built && !built) {
		vigil_match_free(m);
		db_pool_put(e->dbs, db, &id);
		return VIGIL_ENOMEM;
	}
	if (r->report) { /* it points at the old match */
		vigil_report_free(r->report);
		r->report = NULL;
	}
	vigil_match_free(r->match);
	db_pool_put(r->dbs, r->db, &r->db_id);
	if (r->dbs != e->dbs) {
		db_pool_unref(r->dbs);
		r->dbs = e->dbs;
		if (r->dbs)
			atomic_fetch_add(&r->dbs->refs, 1);
	}
	free(r->db_built);
	r->match = m;
	r->db = db;
	r->db_id = id;
	r->db_built = built;
	r->ran |= VIGIL_SCANNER_VULN;
	return 0;
}

/* fs:DIR: a file or directory the walk left out (.gitignore, skip globs) is not in the
 * image's view; the configuration walk leaves it out too. */
static int fs_skip(const char *rel, int is_dir, void *payload)
{
	const vigil_file *f;
	char path[4096];
	(void)is_dir;
	if (snprintf(path, sizeof(path), "/%s", rel) >= (int)sizeof(path))
		return 1;
	return vigil_image_lookup(&f, payload, path, 0) < 0;
}

/* sbom:FILE: the SBOM is the inventory; only vulnerabilities can be matched. */
static int scan_sbom(vigil_scan_result **out, vigil_ctx *ctx, const vigil_engine *e,
		     const char *ref, const vigil_scan_opts *opts)
{
	vigil_inventory *inv = NULL;
	int error;
	*out = NULL;
	if ((error = vigil_sbomin_load(&inv, ctx, ref + 5)) < 0 ||
	    (error = vigil_pipeline__result_from_inventory(out, ctx, ref, inv, opts)) < 0)
		return error;
	if ((e->scanners & VIGIL_SCANNER_VULN) && (error = match(*out, e)) < 0)
		goto fail;
	if ((error = build_report(*out, e)) < 0)
		goto fail;
	return 0;
fail:
	vigil_scan_result_free(*out);
	*out = NULL;
	return error;
}

int vigil_scan_open(vigil_scan_result **out, vigil_ctx *ctx, unsigned scanners,
		    const char *image_ref, const vigil_scan_opts *opts)
{
	vigil_open_opts oo = VIGIL_OPEN_OPTS_INIT;
	vigil_scan_result *r = NULL;
	int error;
	*out = NULL;
	if (strncmp(image_ref, "sbom:", 5) == 0)
		return vigil_error_set(ctx, VIGIL_EINVAL,
				       "an sbom: input has no image to open (vigil_scan_run)");
	if ((error = result_alloc(&r, ctx, image_ref, opts)) < 0)
		return error;
	r->open_tag = opts ? opts->tag : NULL;
	r->open_registry = opts ? opts->registry : NULL;
	r->open_scanners = scanners;
	oo.skip_dirs = opts ? opts->skip_dirs : NULL;
	oo.skip_files = opts ? opts->skip_files : NULL;
	oo.tag = opts ? opts->tag : NULL;
	oo.platform = opts ? opts->platform : NULL;
	oo.registry = opts ? opts->registry : NULL;
	/* every layer is read next unless the layer cache may spare some */
	oo.prefetch_layers = !(opts && opts->layer_cache);
	/* secrets and malware report files that later layers deleted: keep that history */
	oo.all_layers = (scanners & (VIGIL_SCANNER_SECRET | VIGIL_SCANNER_MALWARE)) != 0;
	/* a local layout named by digest (DIR@sha256:...): the entry of that digest */
	const char *at = strrchr(image_ref, '@');
	char *path = NULL;
	if (at && vigil_digest_is_sha256(at + 1) && access(image_ref, F_OK) != 0 &&
	    (path = strndup(image_ref, (size_t)(at - image_ref))) &&
	    access(strncmp(path, "oci:", 4) == 0 ? path + 4 : path, F_OK) == 0) {
		if (!oo.tag)
			oo.tag = at + 1;
	} else {
		free(path);
		path = NULL;
	}
	error = vigil_image_open(&r->img, ctx, path ? path : image_ref, &oo);
	free(path);
	if (error < 0) {
		vigil_scan_result_free(r);
		return error;
	}
	*out = r;
	return 0;
}

int vigil_scan_complete(vigil_scan_result *r, const vigil_engine *e)
{
	vigil_inventory_opts io = VIGIL_INVENTORY_OPTS_INIT;
	vigil_ctx *ctx = r->ctx;
	const char *image_ref = r->target;
	unsigned sc = e->scanners;
	int fs = strncmp(image_ref, "fs:", 3) == 0;
	int error = 0;
	if (!r->img)
		return vigil_error_set(ctx, VIGIL_EINVAL, "the result has no open image");
	if ((sc & (VIGIL_SCANNER_SECRET | VIGIL_SCANNER_MALWARE)) &&
	    !(r->open_scanners & (VIGIL_SCANNER_SECRET | VIGIL_SCANNER_MALWARE)))
		return vigil_error_set(ctx, VIGIL_EINVAL,
				       "the image was opened without the secret or malware "
				       "scanners the engine runs");
	if (r->opts.max_archive_size)
		io.max_archive_size = r->opts.max_archive_size;
	vigil_layer_cache lc;
	if (r->opts.layer_cache && !fs) {
		lc = *r->opts.layer_cache;
		lc.version = e->layer_version;
		error = vigil_image_set_layer_cache(r->img, &lc);
	}
	if (error < 0 ||
	    (error = vigil_trust_check_image(&r->trust, ctx, vigil_policy_trust(e->policy), r->img,
					     image_ref, r->open_tag, r->open_registry)) < 0 ||
	    (error = vigil_inventory_new(&r->inv, r->img, &io)) < 0 ||
	    ((sc & VIGIL_SCANNER_SECRET) &&
	     (error = vigil_secret_scan_new(&r->secrets, e->srules, r->img)) < 0) ||
	    ((sc & VIGIL_SCANNER_MALWARE) &&
	     (error = vigil_malware_scan_new(&r->malware, e->mrules, r->img)) < 0) ||
	    ((sc & VIGIL_SCANNER_CONFIG) && !fs &&
	     (error = vigil_config_image_new(&r->cimg, r->img,
					     vigil_policy_config_opts(e->policy))) < 0))
		goto done;
	if ((error = vigil_image_read(r->img)) < 0 ||
	    (error = vigil_inventory_finish(r->inv)) < 0 ||
	    (r->secrets && (error = vigil_secret_scan_finish(r->secrets)) < 0) ||
	    (r->malware && (error = vigil_malware_scan_finish(r->malware)) < 0) ||
	    (r->cimg && (error = vigil_config_image_finish(&r->config, r->cimg,
							   vigil_inventory_distro(r->inv))) < 0) ||
	    (fs && (sc & VIGIL_SCANNER_CONFIG) &&
	     (error = vigil_config_scan_tree(&r->config, ctx, image_ref + 3,
					     vigil_policy_config_opts(e->policy), fs_skip,
					     r->img)) < 0) ||
	    ((sc & VIGIL_SCANNER_VULN) && (error = match(r, e)) < 0))
		goto done;
	vigil_image_layer_cache_stats(r->img, &r->lc_hits, &r->lc_puts);
	r->ran |= sc & (VIGIL_SCANNER_SECRET | VIGIL_SCANNER_MALWARE | VIGIL_SCANNER_CONFIG);
	error = build_report(r, e);
done:
	r->open_tag = NULL;
	r->open_registry = NULL;
	return error;
}

int vigil_scan_run(vigil_scan_result **out, vigil_ctx *ctx, const vigil_engine *e,
		   const char *image_ref, const vigil_scan_opts *opts)
{
	vigil_scan_result *r = NULL;
	int error;
	*out = NULL;
	if (strncmp(image_ref, "sbom:", 5) == 0)
		return scan_sbom(out, ctx, e, image_ref, opts);
	if ((error = vigil_scan_open(&r, ctx, e->scanners, image_ref, opts)) < 0)
		return error;
	if ((error = vigil_scan_complete(r, e)) < 0) {
		vigil_scan_result_free(r);
		return error;
	}
	*out = r;
	return 0;
}

int vigil_scan_rematch(vigil_scan_result *r, const vigil_engine *e)
{
	int error;
	if (!e->db_path)
		return vigil_error_set(r->ctx, VIGIL_EINVAL,
				       "rematching needs an engine with a vulnerability database");
	if ((error = match(r, e)) < 0)
		return error;
	return build_report(r, e);
}

size_t vigil_scan_result_count(const vigil_scan_result *r)
{
	return r && r->report ? r->report->entries.len : 0;
}

const vigil_finding *vigil_scan_result_get(const vigil_scan_result *r, size_t i)
{
	return i < vigil_scan_result_count(r) ? &VIGIL_VEC_AT(&r->report->entries, vigil_finding, i)
					      : NULL;
}

size_t vigil_scan_result_failing(const vigil_scan_result *r)
{
	return r ? vigil_report_failing(r->report) : 0;
}

const vigil_inventory *vigil_scan_result_inventory(const vigil_scan_result *r)
{
	return r->inv;
}

const char *vigil_scan_result_digest(const vigil_scan_result *r)
{
	return r->img ? vigil_image_manifest_digest(r->img) : NULL;
}

const char *const *vigil_scan_result_tags(const vigil_scan_result *r)
{
	return r->img ? vigil_image_tags(r->img) : NULL;
}

const char *vigil_scan_result_db_built(const vigil_scan_result *r)
{
	return r->match ? r->db_built : NULL;
}

int vigil_scan_result_write(FILE *f, vigil_scan_result *r, const char *format)
{
	if (!r->report)
		return vigil_error_set(r->ctx, VIGIL_EINVAL,
				       "the result has no report yet (rematch a loaded inventory)");
	return vigil_report_write(f, r->report, format);
}

int vigil_scan_result_write_ext(FILE *f, vigil_scan_result *r, const char *format,
				const vigil_write_opts *opts)
{
	if (!r->report)
		return vigil_error_set(r->ctx, VIGIL_EINVAL,
				       "the result has no report yet (rematch a loaded inventory)");
	return vigil_report_write_ext(f, r->report, format, opts);
}

int vigil_scan_result_save_inventory(FILE *f, const vigil_scan_result *r)
{
	if (!r->img && !r->inv) /* sbom: has an inventory and no image */
		return vigil_error_set(r->ctx, VIGIL_EINVAL,
				       "only a scanned image's inventory can be saved");
	return vigil_sbom_write(f, r->inv, r->img, "json", r->target);
}

/* Gives a loaded inventory a result (inventory_json.c). Takes `inv`. */
int vigil_pipeline__result_from_inventory(vigil_scan_result **out, vigil_ctx *ctx,
					  const char *target, vigil_inventory *inv,
					  const vigil_scan_opts *opts)
{
	int error = result_alloc(out, ctx, target, opts);
	if (error < 0) {
		vigil_inventory_free(inv);
		return error;
	}
	(*out)->inv = inv;
	return 0;
}

void vigil_scan_result_layer_cache(const vigil_scan_result *r, int *hits, int *puts)
{
	if (hits)
		*hits = r ? r->lc_hits : 0;
	if (puts)
		*puts = r ? r->lc_puts : 0;
}
