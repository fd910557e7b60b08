/*
 * lcache.c - the per-layer cache (docs/layer-cache.md). A layer read for the first time
 * is recorded: its entries and whiteouts (the records the merged view is built from),
 * its info (sizes, compression, digests), the warnings raised while it was read, the
 * content of every file that an analyzer without layer_save wanted (or the head it
 * decided on), and the layer-local output of the analyzers with layer_save. A layer
 * found in the cache is replayed from that: the same records are merged, the same
 * files reach the same analyzers, so the merged view and every analyzer's result are
 * what reading the layer gives - without reading (or fetching) it.
 *
 * Entry (zstd-compressed): "VLC1", digest, diff_id, compression, size, uncompressed
 * size, entries, records, warnings, files (record index, head-only flag, bytes),
 * analyzer outputs (name, bytes).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#include "image.h"
#include "util/ser.h"

#define LC_MAGIC "VLC1"
#define LC_MAX_ENTRY ((size_t)1 << 30) /* decompressed bytes of one entry */

typedef struct lc_file {
	size_t rec;    /* index in the layer's records */
	int head_only; /* only the first bytes, for a decision by magic */
	vigil_buf data;
} lc_file;

struct vigil_lc_rec {
	vigil_layer *layer;
	vigil_vec files;    /* lc_file */
	vigil_vec warnings; /* char * (malloc'd) */
	lc_file *cur;	    /* the file being recorded, or NULL */
	int error;
};

static _Thread_local vigil_lc_rec *tl_rec; /* recording this thread's layer */
static _Thread_local int tl_replaying;	   /* replaying: analyzers with layer_load skip */

int vigil_image_set_layer_cache(vigil_image *img, const vigil_layer_cache *c)
{
	if (img->read_done)
		return vigil_error_set(img->ctx, VIGIL_EINVAL,
				       "the layer cache is set before the image is read");
	if (!c || !c->get) {
		img->lcache_on = 0;
		return 0;
	}
	img->lcache = *c;
	img->lcache_on = 1;
	return 0;
}

void vigil_image_layer_cache_stats(const vigil_image *img, int *hits, int *puts)
{
	if (hits)
		*hits = atomic_load(&((vigil_image *)img)->lc_hits);
	if (puts)
		*puts = atomic_load(&((vigil_image *)img)->lc_puts);
}

int vigil_image__lc_replaying(void)
{
	return tl_replaying;
}

/* ---- recording ---- */

void vigil_image__lc_warn(const char *msg)
{
	if (!tl_rec || tl_rec->error)
		return;
	char **w = vigil_vec_push(&tl_rec->warnings);
	if (!w || !(*w = strdup(msg))) {
		if (w)
			tl_rec->warnings.len--;
		tl_rec->error = VIGIL_ENOMEM;
	}
}

int vigil_image__lc_recording(void)
{
	return tl_rec && !tl_rec->error;
}

void vigil_image__lc_file_begin(vigil_image *img, int head_only)
{
	vigil_lc_rec *r = tl_rec;
	(void)img;
	if (!r || r->error)
		return;
	lc_file *f = vigil_vec_push(&r->files);
	if (!f) {
		r->error = VIGIL_ENOMEM;
		return;
	}
	memset(f, 0, sizeof(*f));
	f->rec = r->layer->recs.len - 1;
	f->head_only = head_only;
	r->cur = f;
}

void vigil_image__lc_file_data(const uint8_t *p, size_t n)
{
	vigil_lc_rec *r = tl_rec;
	if (!r || r->error || !r->cur)
		return;
	if (r->cur->head_only && r->cur->data.len + n > 512)
		n = r->cur->data.len < 512 ? 512 - r->cur->data.len : 0;
	if (n && vigil_buf_put(&r->cur->data, p, n) < 0)
		r->error = VIGIL_ENOMEM;
}

void vigil_image__lc_file_end(void)
{
	if (tl_rec)
		tl_rec->cur = NULL;
}

static void rec_free(vigil_lc_rec *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->files.len; i++)
		vigil_buf_free(&VIGIL_VEC_AT(&r->files, lc_file, i).data);
	vigil_vec_free(&r->files);
	for (size_t i = 0; i < r->warnings.len; i++)
		free(VIGIL_VEC_AT(&r->warnings, char *, i));
	vigil_vec_free(&r->warnings);
	free(r);
}

/* ---- the key ---- */

static void put_globs(vigil_sha256 *h, const char *what, const char *const *g)
{
	for (; g && *g; g++) {
		vigil_sha256_update(h, what, strlen(what) + 1);
		vigil_sha256_update(h, *g, strlen(*g) + 1);
	}
}

/* sha256 over everything that changes what reading a layer gives, then the layer. */
static int make_key(vigil_image *img, vigil_layer *L, char key[160])
{
	vigil_sha256 *h;
	char hex[72];
	const vigil_limits *lim = &img->ctx->limits;
	int error = vigil_sha256_new(&h);
	if (error < 0)
		return error;
	vigil_sha256_update(h, LC_MAGIC, 4);
	vigil_sha256_update(h, img->lcache.version ? img->lcache.version : "",
			    strlen(img->lcache.version ? img->lcache.version : "") + 1);
	uint64_t nums[] = {lim->max_file_size, lim->max_depth, lim->max_path,
			   (uint64_t)img->all_layers, (uint64_t)img->source_tree};
	vigil_sha256_update(h, nums, sizeof(nums));
	for (size_t i = 0; i < img->analyzers.len; i++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
		const char *name = a->name ? a->name : "?";
		vigil_sha256_update(h, name, strlen(name) + 1);
		vigil_sha256_update(h, a->layer_save ? "o" : "c", 1);
	}
	put_globs(h, "skip-dir", img->ctx->skip_dirs);
	put_globs(h, "skip-file", img->ctx->skip_files);
	put_globs(h, "img-skip-dir", img->skip_dirs);
	put_globs(h, "img-skip-file", img->skip_files);
	vigil_sha256_update(h, L->want_digest ? L->want_digest : "",
			    strlen(L->want_digest ? L->want_digest : "") + 1);
	vigil_sha256_update(h, L->want_diff_id, strlen(L->want_diff_id) + 1);
	vigil_sha256_final(h, hex);
	vigil_sha256_free(h);
	snprintf(key, 160, "%s", hex);
	return 0;
}

/* Which layers can be cached: content-addressed ones (a diff_id from the config). */
static int cacheable(vigil_image *img, vigil_layer *L)
{
	return img->lcache_on && L->dup_of < 0 && L->want_diff_id &&
	       vigil_digest_is_sha256(L->want_diff_id) && img->store != STORE_TARSTREAM &&
	       img->store != STORE_ROOTFS && img->analyzers.len <= 64;
}

/* ---- writing an entry ---- */

static int serialise(vigil_image *img, vigil_layer *L, vigil_lc_rec *r, vigil_buf *b)
{
	int e = 0;
	e |= vigil_buf_put(b, LC_MAGIC, 4);
	e |= vigil_ser_str(b, L->want_digest);
	e |= vigil_ser_str(b, L->want_diff_id);
	e |= vigil_ser_str(b, L->info.compression);
	e |= vigil_ser_u64(b, L->info.size);
	e |= vigil_ser_u64(b, L->info.uncompressed_size);
	e |= vigil_ser_u64(b, L->info.entries);
	e |= vigil_ser_str(b, L->got_digest);
	e |= vigil_ser_str(b, L->got_diff_id);
	e |= vigil_ser_u64(b, L->recs.len);
	for (size_t i = 0; i < L->recs.len && !e; i++) {
		const vigil_rec *x = &VIGIL_VEC_AT(&L->recs, vigil_rec, i);
		e |= vigil_ser_u64(b, x->kind);
		e |= vigil_ser_u64(b, x->type);
		e |= vigil_ser_str(b, x->path);
		e |= vigil_ser_str(b, x->link);
		e |= vigil_ser_u64(b, x->size);
		e |= vigil_ser_i64(b, x->mtime);
		e |= vigil_ser_u64(b, x->mode);
		e |= vigil_ser_u64(b, x->uid);
		e |= vigil_ser_u64(b, x->gid);
		e |= vigil_ser_u64(b, x->rmaj);
		e |= vigil_ser_u64(b, x->rmin);
	}
	e |= vigil_ser_u64(b, r->warnings.len);
	for (size_t i = 0; i < r->warnings.len && !e; i++)
		e |= vigil_ser_str(b, VIGIL_VEC_AT(&r->warnings, char *, i));
	e |= vigil_ser_u64(b, r->files.len);
	for (size_t i = 0; i < r->files.len && !e; i++) {
		lc_file *f = &VIGIL_VEC_AT(&r->files, lc_file, i);
		e |= vigil_ser_u64(b, f->rec);
		e |= vigil_ser_u64(b, (uint64_t)f->head_only);
		e |= vigil_ser_bytes(b, f->data.data, f->data.len);
	}
	size_t nout = 0;
	for (size_t i = 0; i < img->analyzers.len; i++)
		nout += VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i).layer_save != NULL;
	e |= vigil_ser_u64(b, nout);
	for (size_t i = 0; i < img->analyzers.len && !e; i++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
		uint8_t *p = NULL;
		size_t n = 0;
		if (!a->layer_save)
			continue;
		if ((e = a->layer_save(L->info.index, &p, &n, a->payload)) < 0)
			return e;
		e |= vigil_ser_str(b, a->name);
		e |= vigil_ser_bytes(b, p, n);
		free(p);
	}
	return e ? VIGIL_ENOMEM : 0;
}

/* ---- entries kept decompressed in memory ----
 * A process-wide LRU of decompressed entries by key (the key names the content: same
 * key, same entry), so that a server replaying the same base layer for every image does
 * not fetch and decompress it each time. Used only with a cache that has `touch`: a hit
 * here still asks the cache whether the entry is kept (and counts its use), and is
 * dropped when it is not. Bounded by VIGIL_LAYER_CACHE_MEM MiB (default 256, 0: off). */

typedef struct lc_memo {
	struct lc_memo *prev, *next; /* most recently used first; unlinked when dropped */
	char key[160];
	uint8_t *raw;
	size_t len;
	int refs;	   /* users replaying from raw, plus one while in the list */
	int linked;	   /* in the list */
	long long touched; /* CLOCK_MONOTONIC ns of the last touch, 0: never */
	uint64_t pending;  /* uses not yet told to the cache */
} lc_memo;

#define MEMO_TOUCH_NS 1000000000LL /* at most one touch per entry a second */

static long long mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* This use of `m`: 0 to replay without asking the cache (it was touched less than a
 * second ago; the use is counted for the next touch), else the uses to touch with. */
static uint64_t memo_use(lc_memo *m, long long now);

static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static lc_memo *memo_head, *memo_tail;
static size_t memo_bytes;
static size_t memo_max;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_init(void)
{
	const char *e = getenv("VIGIL_LAYER_CACHE_MEM");
	uint64_t mib = 256;
	if (e && vigil_parse_uint(&mib, e, 1 << 20) < 0)
		mib = 256;
	memo_max = (size_t)mib << 20;
}

static size_t memo_bound(void)
{
	pthread_once(&memo_once, memo_init);
	return memo_max;
}

static void memo_release_locked(lc_memo *m)
{
	if (--m->refs == 0) {
		free(m->raw);
		free(m);
	}
}

static void memo_unlink_locked(lc_memo *m)
{
	if (!m->linked)
		return;
	if (m->prev)
		m->prev->next = m->next;
	else
		memo_head = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		memo_tail = m->prev;
	m->prev = m->next = NULL;
	m->linked = 0;
	memo_bytes -= m->len;
	memo_release_locked(m);
}

/* The entry under `key` with a reference taken (memo_release), or NULL. */
static lc_memo *memo_get(const char *key)
{
	lc_memo *m;
	pthread_mutex_lock(&memo_mu);
	for (m = memo_head; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			break;
	if (m) {
		if (m != memo_head) { /* to the front */
			m->prev->next = m->next;
			if (m->next)
				m->next->prev = m->prev;
			else
				memo_tail = m->prev;
			m->prev = NULL;
			m->next = memo_head;
			memo_head->prev = m;
			memo_head = m;
		}
		m->refs++;
	}
	pthread_mutex_unlock(&memo_mu);
	return m;
}

static void memo_release(lc_memo *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&memo_mu);
	memo_release_locked(m);
	pthread_mutex_unlock(&memo_mu);
}

static uint64_t memo_use(lc_memo *m, long long now)
{
	uint64_t uses = 0;
	pthread_mutex_lock(&memo_mu);
	if (m->touched && now - m->touched < MEMO_TOUCH_NS) {
		m->pending++;
	} else {
		uses = m->pending + 1;
		m->pending = 0;
		m->touched = now;
	}
	pthread_mutex_unlock(&memo_mu);
	return uses;
}

/* Drops the entry `m` (it was evicted from the cache or does not fit this run). */
static void memo_drop(lc_memo *m)
{
	pthread_mutex_lock(&memo_mu);
	memo_unlink_locked(m);
	pthread_mutex_unlock(&memo_mu);
}

/* Keeps a copy of `raw` under `key`, replacing an entry of the same key, then drops the
 * least recently used entries while they hold more than the bound. */
static void memo_put(const char *key, const uint8_t *raw, size_t len)
{
	size_t max = memo_bound();
	lc_memo *m;
	if (len == 0 || len > max || strlen(key) >= sizeof(m->key))
		return;
	if (!(m = calloc(1, sizeof(*m))) || !(m->raw = malloc(len))) {
		free(m);
		return;
	}
	memcpy(m->raw, raw, len);
	m->len = len;
	memcpy(m->key, key, strlen(key) + 1);
	m->refs = 1;
	m->linked = 1;
	pthread_mutex_lock(&memo_mu);
	for (lc_memo *o = memo_head; o; o = o->next)
		if (strcmp(o->key, key) == 0) {
			memo_unlink_locked(o);
			break;
		}
	m->next = memo_head;
	if (memo_head)
		memo_head->prev = m;
	memo_head = m;
	if (!memo_tail)
		memo_tail = m;
	memo_bytes += len;
	while (memo_bytes > max && memo_tail)
		memo_unlink_locked(memo_tail);
	pthread_mutex_unlock(&memo_mu);
}

/* For tests: empties the in-memory entries. */
void vigil_image__lc_memo_clear(void)
{
	pthread_mutex_lock(&memo_mu);
	while (memo_tail)
		memo_unlink_locked(memo_tail);
	pthread_mutex_unlock(&memo_mu);
}

static void put_entry(vigil_image *img, vigil_layer *L, vigil_lc_rec *r, const char *key)
{
	vigil_buf b = VIGIL_BUF_INIT;
	if (!img->lcache.put || r->error || serialise(img, L, r, &b) < 0 || b.len > LC_MAX_ENTRY) {
		vigil_buf_free(&b);
		return;
	}
	size_t cap = ZSTD_compressBound(b.len);
	uint8_t *z = malloc(cap + 8);
	if (z) {
		for (int i = 0; i < 8; i++) /* decompressed size, little-endian */
			z[i] = (uint8_t)((uint64_t)b.len >> (8 * i));
		size_t zn = ZSTD_compress(z + 8, cap, b.data, b.len, 3);
		if (!ZSTD_isError(zn) &&
		    img->lcache.put(key, L->want_diff_id, z, zn + 8, img->lcache.payload) >= 0) {
			atomic_fetch_add(&img->lc_puts, 1);
			if (img->lcache.touch && memo_bound())
				memo_put(key, b.data, b.len);
		}
	}
	free(z);
	vigil_buf_free(&b);
}

/* ---- replaying an entry ---- */

typedef struct mem_src {
	const uint8_t *p;
	size_t n, off;
} mem_src;

static int mem_pull(void *src, const uint8_t **p, size_t *n)
{
	mem_src *m = src;
	size_t k = m->n - m->off;
	if (k > 65536)
		k = 65536;
	*p = m->p + m->off;
	*n = k;
	m->off += k;
	return 0;
}

typedef struct lc_out {
	const char *name;
	const uint8_t *p;
	size_t n;
} lc_out;

typedef struct lc_entry {
	vigil_arena arena;
	vigil_vec recs; /* vigil_rec (strings in arena) */
	const char *compression, *got_digest, *got_diff_id;
	uint64_t size, usize, entries;
	vigil_vec warnings; /* const char * */
	vigil_vec files;    /* lc_file with data borrowed (data.data points into raw) */
	vigil_vec outs;	    /* lc_out */
} lc_entry;

static void entry_free(lc_entry *e)
{
	vigil_vec_free(&e->recs);
	vigil_vec_free(&e->warnings);
	vigil_vec_free(&e->files);
	vigil_vec_free(&e->outs);
	vigil_arena_clear(&e->arena);
}

static int parse(lc_entry *e, vigil_layer *L, const uint8_t *p, size_t n)
{
	vigil_deser d = {p, p + n, 0};
	vigil_vec v1 = VIGIL_VEC_INIT(vigil_rec), v2 = VIGIL_VEC_INIT(const char *),
		  v3 = VIGIL_VEC_INIT(lc_file), v4 = VIGIL_VEC_INIT(lc_out);
	e->recs = v1;
	e->warnings = v2;
	e->files = v3;
	e->outs = v4;
	vigil_arena_init(&e->arena);
	if (n < 4 || memcmp(p, LC_MAGIC, 4) != 0)
		return VIGIL_EFORMAT;
	d.p += 4;
	const char *digest = vigil_deser_str(&d, &e->arena);
	const char *diff_id = vigil_deser_str(&d, &e->arena);
	if (d.bad || !diff_id || (L->want_diff_id && strcmp(diff_id, L->want_diff_id) != 0) ||
	    (L->want_digest && (!digest || strcmp(digest, L->want_digest) != 0)))
		return VIGIL_EFORMAT; /* another layer's entry: never replayed */
	e->compression = vigil_deser_str(&d, &e->arena);
	e->size = vigil_deser_u64(&d);
	e->usize = vigil_deser_u64(&d);
	e->entries = vigil_deser_u64(&d);
	e->got_digest = vigil_deser_str(&d, &e->arena);
	e->got_diff_id = vigil_deser_str(&d, &e->arena);
	uint64_t nrec = vigil_deser_u64(&d);
	if (d.bad || !e->got_digest || !e->got_diff_id || strlen(e->got_digest) >= 72 ||
	    strlen(e->got_diff_id) >= 72 || nrec > (uint64_t)(d.end - d.p))
		return VIGIL_EFORMAT;
	for (uint64_t i = 0; i < nrec && !d.bad; i++) {
		vigil_rec *x = vigil_vec_push(&e->recs);
		if (!x)
			return VIGIL_ENOMEM;
		memset(x, 0, sizeof(*x));
		uint64_t kind = vigil_deser_u64(&d), type = vigil_deser_u64(&d);
		x->path = vigil_deser_str(&d, &e->arena);
		x->link = vigil_deser_str(&d, &e->arena);
		x->size = vigil_deser_u64(&d);
		x->mtime = vigil_deser_i64(&d);
		x->mode = vigil_deser_u32(&d);
		x->uid = vigil_deser_u32(&d);
		x->gid = vigil_deser_u32(&d);
		x->rmaj = vigil_deser_u32(&d);
		x->rmin = vigil_deser_u32(&d);
		if (kind > REC_OPAQUE || type > VIGIL_FT_FIFO || !x->path)
			d.bad = 1;
		x->kind = (uint8_t)kind;
		x->type = (uint8_t)type;
	}
	uint64_t nw = vigil_deser_u64(&d);
	if (nw > (uint64_t)(d.end - d.p))
		d.bad = 1;
	for (uint64_t i = 0; i < nw && !d.bad; i++) {
		const char **w = vigil_vec_push(&e->warnings);
		if (!w)
			return VIGIL_ENOMEM;
		if (!(*w = vigil_deser_str(&d, &e->arena)))
			d.bad = 1;
	}
	uint64_t nf = vigil_deser_u64(&d);
	if (nf > (uint64_t)(d.end - d.p))
		d.bad = 1;
	for (uint64_t i = 0; i < nf && !d.bad; i++) {
		lc_file *f = vigil_vec_push(&e->files);
		if (!f)
			return VIGIL_ENOMEM;
		memset(f, 0, sizeof(*f));
		uint64_t rec = vigil_deser_u64(&d);
		f->head_only = vigil_deser_u64(&d) != 0;
		size_t len;
		const uint8_t *b = vigil_deser_bytes(&d, &len);
		f->rec = (size_t)rec;
		f->data.data = (uint8_t *)b;
		f->data.len = len;
		/* in record order, each a regular file of this layer */
		if (rec >= e->recs.len ||
		    (i > 0 && rec <= VIGIL_VEC_AT(&e->files, lc_file, i - 1).rec) ||
		    VIGIL_VEC_AT(&e->recs, vigil_rec, rec).type != VIGIL_FT_FILE ||
		    VIGIL_VEC_AT(&e->recs, vigil_rec, rec).kind != REC_ENTRY ||
		    (!f->head_only && len != VIGIL_VEC_AT(&e->recs, vigil_rec, rec).size))
			d.bad = 1;
	}
	uint64_t no = vigil_deser_u64(&d);
	if (no > 64)
		d.bad = 1;
	for (uint64_t i = 0; i < no && !d.bad; i++) {
		lc_out *o = vigil_vec_push(&e->outs);
		if (!o)
			return VIGIL_ENOMEM;
		o->name = vigil_deser_str(&d, &e->arena);
		o->p = vigil_deser_bytes(&d, &o->n);
		if (!o->name)
			d.bad = 1;
	}
	if (d.bad || d.p != d.end)
		return VIGIL_EFORMAT;
	return 0;
}

static void file_of(vigil_file *f, const vigil_rec *x, const char *path, int layer)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->size = x->size;
	f->mtime = x->mtime;
	f->mode = x->mode;
	f->uid = x->uid;
	f->gid = x->gid;
	f->layer = layer;
	f->type = VIGIL_FT_FILE;
	f->removed_by = -1;
}

static int is_plain(const vigil_analyzer *a)
{
	return a->layer_load == NULL;
}

/* Whether the entry has what this run's analyzers want: every regular file that an
 * analyzer without layer_load wants (by name, or by its head) must have been kept, and
 * every analyzer with layer_load must have its output. Asked before any analyzer sees
 * anything, so a miss can still read the layer. */
static int complete(vigil_image *img, lc_entry *e, int layer, vigil_buf *pathbuf)
{
	size_t fi = 0;
	for (size_t i = 0; i < img->analyzers.len; i++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
		int found = 0;
		if (is_plain(a))
			continue;
		for (size_t k = 0; k < e->outs.len && !found; k++)
			found = strcmp(VIGIL_VEC_AT(&e->outs, lc_out, k).name, a->name) == 0;
		if (!found)
			return 0;
	}
	for (size_t r = 0; r < e->recs.len; r++) {
		const vigil_rec *x = &VIGIL_VEC_AT(&e->recs, vigil_rec, r);
		lc_file *kept = NULL;
		vigil_file f;
		if (x->kind != REC_ENTRY || x->type != VIGIL_FT_FILE)
			continue;
		while (fi < e->files.len && VIGIL_VEC_AT(&e->files, lc_file, fi).rec < r)
			fi++;
		if (fi < e->files.len && VIGIL_VEC_AT(&e->files, lc_file, fi).rec == r)
			kept = &VIGIL_VEC_AT(&e->files, lc_file, fi);
		pathbuf->len = 0;
		if (vigil_buf_putc(pathbuf, '/') < 0 || vigil_buf_puts(pathbuf, x->path) < 0 ||
		    vigil_buf_cstr(pathbuf) < 0)
			return VIGIL_ENOMEM;
		file_of(&f, x, (const char *)pathbuf->data, layer);
		for (size_t i = 0; i < img->analyzers.len; i++) {
			vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
			if (!is_plain(a) || !a->want ||
			    (f.size > img->ctx->limits.max_file_size && !a->any_size))
				continue;
			int w = a->want(&f, NULL, 0, a->payload);
			if (w < 0)
				return 0; /* let the real read report it */
			if (w == VIGIL_WANT_NO)
				continue;
			if (!kept)
				return 0;
			if (w == VIGIL_WANT_HEAD && kept->head_only) {
				size_t hl = kept->data.len < 512 ? kept->data.len : 512;
				w = a->want(&f, kept->data.data, hl, a->payload);
				if (w < 0)
					return 0;
			}
			if (w == VIGIL_WANT_YES && kept->head_only)
				return 0;
		}
	}
	return 1;
}

static int replay(vigil_image *img, int index, lc_entry *e)
{
	vigil_layer *L = &img->layers[index];
	const vigil_limits *lim = &img->ctx->limits;
	int error = 0;
	if (atomic_load(&img->nfiles) + e->entries > lim->max_files ||
	    atomic_load(&img->nbytes) + e->usize > lim->max_bytes)
		return 0; /* over a limit: the real read says which */
	atomic_fetch_add(&img->nfiles, e->entries);
	atomic_fetch_add(&img->nbytes, e->usize);
	/* the records, as the layer reader would have left them: the parsed entry's, taken
	 * over with the arena that holds their strings (and the entry's other strings, used
	 * below), until the merge frees them (copying them was 4% of a cached image's CPU) */
	vigil_vec none = VIGIL_VEC_INIT(vigil_rec);
	L->recs = e->recs;
	L->arena = e->arena;
	e->recs = none;
	vigil_arena_init(&e->arena);
	for (size_t i = 0; i < e->warnings.len; i++)
		vigil_image__warn(img, "%s", VIGIL_VEC_AT(&e->warnings, const char *, i));
	/* the analyzers with layer_load take their output back */
	for (size_t i = 0; i < img->analyzers.len; i++) {
		vigil_analyzer *a = &VIGIL_VEC_AT(&img->analyzers, vigil_analyzer, i);
		if (is_plain(a))
			continue;
		for (size_t k = 0; k < e->outs.len; k++) {
			lc_out *o = &VIGIL_VEC_AT(&e->outs, lc_out, k);
			if (strcmp(o->name, a->name) == 0 &&
			    (error = a->layer_load(index, o->p, o->n, a->payload)) < 0)
				return error;
		}
	}
	/* the others get the kept files, in the order the layer holds them */
	tl_replaying = 1;
	for (size_t i = 0; i < e->files.len && error == 0; i++) {
		lc_file *kf = &VIGIL_VEC_AT(&e->files, lc_file, i);
		const vigil_rec *x = &VIGIL_VEC_AT(&L->recs, vigil_rec, kf->rec);
		vigil_file f;
		const char *path = vigil_arena_printf(&L->arena, "/%s", x->path);
		if (!path) {
			error = VIGIL_ENOMEM;
			break;
		}
		file_of(&f, x, path, index);
		mem_src ms = {kf->data.data, kf->data.len, 0};
		error = vigil_image__analyze(img, &f, mem_pull, mem_pull, &ms);
	}
	tl_replaying = 0;
	if (error < 0) {
		snprintf(L->errmsg, sizeof(L->errmsg), "layer %d (%s): %s", index,
			 L->want_digest ? L->want_digest : L->blob,
			 "an analyzer stopped the read of the cached layer");
		L->error = error;
		return error;
	}
	L->info.compression =
		vigil_arena_strdup(&img->arena, e->compression ? e->compression : "none");
	L->info.size = e->size;
	L->info.uncompressed_size = e->usize;
	L->info.entries = e->entries;
	snprintf(L->got_digest, sizeof(L->got_digest), "%s", e->got_digest);
	snprintf(L->got_diff_id, sizeof(L->got_diff_id), "%s", e->got_diff_id);
	if (!L->info.digest)
		L->info.digest = vigil_arena_strdup(&img->arena, L->got_digest);
	L->info.diff_id = L->want_diff_id;
	vigil_image__progress(img, e->size);
	atomic_fetch_add(&img->lc_hits, 1);
	return 1;
}

/* Tries the cache for layer `index`: 1 when it was replayed from it, 0 when the layer
 * must be read (then *rec records that read when it is not NULL), negative on error. */
int vigil_image__lc_try(vigil_image *img, int index, vigil_lc_rec **rec, char key[160])
{
	vigil_layer *L = &img->layers[index];
	uint8_t *data = NULL, *raw = NULL;
	size_t len = 0;
	uint64_t rawlen = 0;
	int rc = 0, have = 0;
	lc_memo *m = NULL;
	*rec = NULL;
	if (!cacheable(img, L) || make_key(img, L, key) < 0)
		return 0;
	/* kept in memory, and still in the cache */
	if (img->lcache.touch && memo_bound() && (m = memo_get(key))) {
		uint64_t uses = memo_use(m, mono_ns());
		if (uses == 0 || img->lcache.touch(key, uses, img->lcache.payload) == 1) {
			have = 1;
		} else {
			memo_drop(m);
			memo_release(m);
			m = NULL;
		}
	}
	if (!have && img->lcache.get(key, L->want_diff_id, &data, &len, img->lcache.payload) == 1 &&
	    data && len > 8) {
		for (int i = 0; i < 8; i++)
			rawlen |= (uint64_t)data[i] << (8 * i);
		if (rawlen <= LC_MAX_ENTRY && (raw = malloc(rawlen ? rawlen : 1)) &&
		    ZSTD_decompress(raw, rawlen, data + 8, len - 8) == rawlen)
			have = 2;
	}
	if (have) {
		const uint8_t *p = have == 1 ? m->raw : raw;
		size_t n = have == 1 ? m->len : (size_t)rawlen;
		lc_entry e;
		vigil_buf pb = VIGIL_BUF_INIT;
		memset(&e, 0, sizeof(e));
		int ok = parse(&e, L, p, n) == 0 ? complete(img, &e, index, &pb) : 0;
		vigil_buf_free(&pb);
		if (ok < 0)
			rc = ok;
		else if (ok == 1)
			rc = replay(img, index, &e);
		entry_free(&e);
		if (have == 1 && ok == 0)
			memo_drop(m); /* does not fit this run: the read below replaces it */
		else if (have == 2 && ok == 1 && img->lcache.touch && memo_bound())
			memo_put(key, raw, n);
		memo_release(m);
		m = NULL;
		if (rc != 0) {
			free(raw);
			free(data);
			return rc;
		}
	}
	free(raw);
	free(data);
	/* a miss: record the read */
	if (img->lcache.put && (*rec = calloc(1, sizeof(**rec)))) {
		vigil_vec f = VIGIL_VEC_INIT(lc_file), w = VIGIL_VEC_INIT(char *);
		(*rec)->layer = L;
		(*rec)->files = f;
		(*rec)->warnings = w;
		tl_rec = *rec;
	}
	return 0;
}

/* After the read of a recorded layer: puts it when the read succeeded. */
void vigil_image__lc_done(vigil_image *img, int index, vigil_lc_rec *rec, const char *key,
			  int error)
{
	tl_rec = NULL;
	if (!rec)
		return;
	if (error == 0 && !img->layers[index].error)
		put_entry(img, &img->layers[index], rec, key);
	rec_free(rec);
}

/* For the fuzz target: parses a decompressed entry of any layer. 0 or VIGIL_EFORMAT. */
int vigil_image__lc_parse(const uint8_t *p, size_t n)
{
	vigil_layer L;
	lc_entry e;
	memset(&L, 0, sizeof(L));
	memset(&e, 0, sizeof(e));
	int error = parse(&e, &L, p, n);
	entry_free(&e);
	return error;
}
