/*
 * The inventory: one analyzer that hands files to the catalogers, and the bookkeeping
 * that turns per-layer parse results into the packages of the final filesystem, each
 * attributed to the layer that installed or last changed it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lock.h"
#include "util/ser.h"

/* The lockfile catalogers (lock_*.c, opkg.c) follow the runtime one: docs/lockfiles.md. */
static const vigil_cataloger *const CATALOGERS[] = {
	&vigil_cataloger_dpkg,	      &vigil_cataloger_dpkg_distroless,
	&vigil_cataloger_dpkg_list,   &vigil_cataloger_apk,
	&vigil_cataloger_rpm,	      &vigil_cataloger_chisel,
	&vigil_cataloger_java,	      &vigil_cataloger_gobin,
	&vigil_cataloger_rustbin,     &vigil_cataloger_npm,
	&vigil_cataloger_python,      &vigil_cataloger_gem,
	&vigil_cataloger_composer,    &vigil_cataloger_dotnet,
	&vigil_cataloger_runtime,     &vigil_cataloger_lock_js,
	&vigil_cataloger_lock_python, &vigil_cataloger_lock_ruby,
	&vigil_cataloger_lock_rust,   &vigil_cataloger_lock_go,
	&vigil_cataloger_lock_dotnet, &vigil_cataloger_lock_jvm,
	&vigil_cataloger_lock_misc,   &vigil_cataloger_opkg,
};

typedef struct owned {
	const char *pkg;
	const char *const *files;
	size_t n;
} owned;

struct vigil_catalog_result {
	vigil_inventory *inv;
	const vigil_cataloger *cat;
	char *path; /* absolute */
	int layer;
	vigil_arena arena;
	vigil_vec pkgs;	 /* vigil_pkg */
	vigil_vec owned; /* owned */
	unsigned skipped;
	const char *skip_what;
	int final;
	const uint8_t *kept; /* vigil_catalog__keep */
	size_t kept_len;
};

struct vigil_inventory {
	vigil_image *img;
	vigil_inventory_opts opts;
	pthread_mutex_t lock;
	vigil_vec results; /* vigil_catalog_result * */
	vigil_vec pkgs;	   /* const vigil_pkg * into results, after finish */
	vigil_distro distro;
	vigil_arena arena;
	int finished;
	vigil_vec unread; /* vigil_unread: files that could not be read (under lock) */
	char aname[48];	  /* the analyzer's name, with the options that change a layer's result */
};

/* ---- helpers for catalogers ---- */

const char *vigil_catalog__base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int vigil_catalog__has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

void vigil_catalog__license_join(vigil_buf *list, const vigil_buf *one)
{
	size_t before = list->len;
	if (!one->len)
		return;
	if ((list->len && vigil_buf_puts(list, " OR ") < 0) ||
	    vigil_buf_put(list, one->data, one->len) < 0) {
		list->len = before;
		if (list->data)
			list->data[before] = '\0';
	}
}

void *vigil_catalog__alloc(vigil_catalog_result *r, size_t n)
{
	return vigil_arena_alloc(&r->arena, n);
}

char *vigil_catalog__strndup(vigil_catalog_result *r, const char *s, size_t n)
{
	return vigil_arena_strndup(&r->arena, s, n);
}

const vigil_inventory_opts *vigil_catalog__opts(vigil_catalog_result *r)
{
	return &r->inv->opts;
}

int vigil_catalog__keep(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	uint8_t *copy;
	if (len > (4u << 20))
		return VIGIL_ELIMIT;
	if (!(copy = vigil_arena_alloc(&r->arena, len ? len : 1)))
		return VIGIL_ENOMEM;
	if (len)
		memcpy(copy, data, len);
	r->kept = copy;
	r->kept_len = len;
	return 0;
}

const uint8_t *vigil_catalog__kept(const vigil_catalog_result *r, size_t *len)
{
	*len = r->kept_len;
	return r->kept;
}

const char *vigil_catalog__path(const vigil_catalog_result *r)
{
	return r->path;
}

void vigil_catalog__clear(vigil_catalog_result *r)
{
	r->pkgs.len = 0;
}

static int unread_add(vigil_inventory *inv, const char *path, int layer, const char *cataloger,
		      const char *reason);

/* Runs the finish() of the catalogers that have one over their final results. */
static int catalogers_finish(vigil_catalog_result **rs, size_t nr)
{
	vigil_vec mine = VIGIL_VEC_INIT(vigil_catalog_result *);
	int error = 0;
	for (size_t c = 0; c < sizeof(CATALOGERS) / sizeof(CATALOGERS[0]) && error == 0; c++) {
		if (!CATALOGERS[c]->finish)
			continue;
		mine.len = 0;
		for (size_t i = 0; i < nr && error == 0; i++) {
			if (!rs[i]->final || rs[i]->cat != CATALOGERS[c])
				continue;
			vigil_catalog_result **slot = vigil_vec_push(&mine);
			if (!slot)
				error = VIGIL_ENOMEM;
			else
				*slot = rs[i];
		}
		for (size_t i = 0; i < mine.len; i++)
			VIGIL_VEC_AT(&mine, vigil_catalog_result *, i)->skipped = 0;
		if (error == 0 && mine.len)
			error = CATALOGERS[c]->finish(mine.data, mine.len);
		/* what finish() could not resolve: one warning per file, as for parse() */
		for (size_t i = 0; i < mine.len && error == 0; i++) {
			vigil_catalog_result *r = VIGIL_VEC_AT(&mine, vigil_catalog_result *, i);
			if (!r->skipped)
				continue;
			vigil_image__warn(r->inv->img,
					  "%s (layer %d): %u malformed %s record(s) skipped (%s)",
					  r->path, r->layer, r->skipped, r->cat->name,
					  r->skip_what ? r->skip_what : "");
			if (unread_add(r->inv, r->path, r->layer, r->cat->name,
				       "malformed records skipped") < 0)
				error = VIGIL_ENOMEM;
		}
	}
	vigil_vec_free(&mine);
	return error;
}

static const char *dup0(vigil_catalog_result *r, const char *s)
{
	return s ? vigil_arena_strdup(&r->arena, s) : NULL;
}

int vigil_catalog__add(vigil_catalog_result *r, const vigil_pkg_in *in)
{
	vigil_pkg *p;
	if (!in->name || !*in->name) {
		vigil_catalog__skipped(r, "package without a name");
		return 0;
	}
	if (!(p = vigil_vec_push(&r->pkgs)))
		return VIGIL_ENOMEM;
	p->type = in->type; /* static strings */
	p->cataloger = r->cat->name;
	p->name = dup0(r, in->name);
	p->version = dup0(r, in->version ? in->version : "");
	p->arch = dup0(r, in->arch);
	p->source_name = dup0(r, in->source_name);
	p->source_version = dup0(r, in->source_version);
	p->license = dup0(r, in->license);
	p->group = dup0(r, in->group);
	p->modularity = dup0(r, in->modularity);
	p->purl = dup0(r, in->purl);
	p->location = in->location ? dup0(r, in->location) : r->path;
	p->os_package = (r->cat->flags & VIGIL_CAT_OS) != 0;
	p->layer = r->layer;
	p->flags = in->flags;
	if (in->files) {
		size_t n = 0;
		while (in->files[n])
			n++;
		const char **f = vigil_arena_alloc(&r->arena, (n + 1) * sizeof(char *));
		if (!f)
			return VIGIL_ENOMEM;
		for (size_t i = 0; i < n; i++)
			if (!(f[i] = vigil_arena_strdup(&r->arena, in->files[i])))
				return VIGIL_ENOMEM;
		p->files = f;
	}
	if (!p->name || !p->version)
		return VIGIL_ENOMEM;
	return 0;
}

void vigil_catalog__skipped(vigil_catalog_result *r, const char *what)
{
	if (r->skipped++ == 0)
		r->skip_what = what;
}

int vigil_catalog__owned(vigil_catalog_result *r, const char *pkg, const char *const *files,
			 size_t n)
{
	owned *o = vigil_vec_push(&r->owned);
	if (!o)
		return VIGIL_ENOMEM;
	o->pkg = dup0(r, pkg);
	o->files = files;
	o->n = n;
	return 0;
}

/* ---- RFC 822 stanzas ---- */

int vigil_catalog__stanzas(const uint8_t *data, size_t len, vigil_stanza_cb cb, void *payload)
{
	vigil_buf val = VIGIL_BUF_INIT;
	const char *p = (const char *)data, *end = p + len;
	const char *key = NULL;
	size_t klen = 0;
	int error = 0, in_stanza = 0;

	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		int blank = 1;
		for (size_t i = 0; i < ll && blank; i++)
			blank = p[i] == ' ' || p[i] == '\t';
		if ((p[0] == ' ' || p[0] == '\t') && !blank && key) {
			/* continuation: " ." is an empty line */
			const char *c = p + 1;
			size_t cl = ll - 1;
			if (cl == 1 && c[0] == '.')
				cl = 0;
			if ((error = vigil_buf_putc(&val, '\n')) < 0 ||
			    (error = vigil_buf_put(&val, c, cl)) < 0)
				break;
		} else {
			if (key) {
				vigil_buf_cstr(&val);
				error = cb(key, klen, (char *)val.data, val.len, payload);
				key = NULL;
				if (error)
					break;
			}
			if (blank) {
				if (in_stanza && (error = cb(NULL, 0, NULL, 0, payload)) != 0)
					break;
				in_stanza = 0;
			} else {
				const char *colon = memchr(p, ':', ll);
				in_stanza = 1;
				if (colon && colon > p) {
					key = p;
					klen = (size_t)(colon - p);
					const char *v = colon + 1;
					while (v < p + ll && (*v == ' ' || *v == '\t'))
						v++;
					val.len = 0;
					if ((error = vigil_buf_put(&val, v, (size_t)(p + ll - v))) <
					    0)
						break;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (error == 0 && key) {
		vigil_buf_cstr(&val);
		error = cb(key, klen, (char *)val.data, val.len, payload);
	}
	if (error == 0 && in_stanza)
		error = cb(NULL, 0, NULL, 0, payload);
	vigil_buf_free(&val);
	return error;
}

/* ---- the analyzer that feeds the catalogers ---- */

enum { MODE_UNKNOWN = 0, MODE_FULL, MODE_WINDOW, MODE_NONE, MODE_STREAM };
/* stream mode: a longer line keeps its first STREAM_LINE_MAX bytes, a longer record its
 * first STREAM_REC_MAX bytes (whole lines); both are reported as truncated */
#define STREAM_LINE_MAX (64u << 10)
#define STREAM_REC_MAX (32u << 20)
#define STREAM_LEAD_MAX 64
/* stream mode: a database file with more packages than this stops the read (memory grows
 * with the packages kept; the largest real databases hold tens of thousands) */
#define STREAM_PKG_MAX 200000u
#define NCAT VIGIL_ARRAY_LEN(CATALOGERS)

typedef struct fstate {
	vigil_file f;
	vigil_buf data; /* the whole file, or the window */
	int too_big;
	int mode;
	int verdict[NCAT];	   /* VIGIL_WANT_YES / NO per cataloger, from the head */
	const vigil_cataloger *wc; /* window mode: the cataloger and its scan state */
	uint8_t carry[64];
	size_t carry_len;
	int found;
	/* stream mode: the record being gathered */
	vigil_catalog_result *sr;
	size_t line_len, lead;
	int line_blank, rec_content, line_cut, rec_cut;
	unsigned truncated;
	unsigned long long line, rec_line; /* lines read so far; the record's first line */
	char path[];
} fstate;

/* A package database is never skipped for its size: streamed catalogers take any size,
 * the others refuse (VIGIL_ELIMIT: the read stops with an error naming the file). */
static int cat_want(const vigil_inventory *inv, const vigil_cataloger *c, const vigil_file *f,
		    const uint8_t *head, size_t n)
{
	uint64_t limit = c->flags & VIGIL_CAT_ARCHIVE ? inv->opts.max_archive_size : c->max_size;
	uint64_t file_limit = inv->img->ctx->limits.max_file_size;
	int w = c->want(f, head, n);
	if (w != VIGIL_WANT_YES || c->flags & VIGIL_CAT_STREAM)
		return w;
	if ((limit && f->size > limit) || f->size > file_limit)
		return (c->flags & (VIGIL_CAT_DATABASE | VIGIL_CAT_OS)) ==
				       (VIGIL_CAT_DATABASE | VIGIL_CAT_OS)
			       ? VIGIL_ELIMIT
			       : VIGIL_WANT_NO;
	return w;
}

static int an_want(const vigil_file *f, const uint8_t *head, size_t n, void *payload)
{
	const vigil_inventory *inv = payload;
	int verdict = VIGIL_WANT_NO;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(CATALOGERS); i++) {
		int w = cat_want(inv, CATALOGERS[i], f, head, n);
		if (w < 0)
			return w;
		if (w == VIGIL_WANT_YES)
			return VIGIL_WANT_YES;
		if (w == VIGIL_WANT_HEAD)
			verdict = VIGIL_WANT_HEAD;
	}
	return verdict;
}

static int an_begin(void **state, const vigil_file *f, void *payload)
{
	size_t n = strlen(f->path);
	fstate *s = calloc(1, sizeof(*s) + n + 1);
	(void)payload;
	if (!s)
		return VIGIL_ENOMEM;
	memcpy(s->path, f->path, n + 1);
	s->f = *f;
	s->f.path = s->path;
	*state = s;
	return 0;
}

static int result_new(vigil_catalog_result **out, vigil_inventory *inv, const vigil_cataloger *c,
		      fstate *s);
static int result_keep(vigil_inventory *inv, vigil_catalog_result *r, int error, fstate *s);

static int stream_begin(vigil_inventory *inv, fstate *s)
{
	s->data.limit = STREAM_REC_MAX + STREAM_LINE_MAX + STREAM_LEAD_MAX + 2;
	return result_new(&s->sr, inv, s->wc, s);
}

/* Parses the gathered record (if it holds anything but blank lines) and starts the next. */
static int stream_flush(fstate *s)
{
	int error = 0;
	if (s->rec_content)
		error = s->wc->parse(s->sr, &s->f, s->data.data, s->data.len);
	if (error >= 0 && s->sr->pkgs.len > STREAM_PKG_MAX) {
		vigil_image__stop(s->sr->inv->img,
				  "'%.300s' (layer %d) line %llu: more than %u packages, too many "
				  "to read; a package database is never skipped",
				  s->path, s->f.layer, s->rec_line, STREAM_PKG_MAX);
		error = VIGIL_ELIMIT;
	}
	s->data.len = 0;
	s->rec_content = 0;
	s->rec_cut = 0;
	return error;
}

/* Stream mode: splits the content into lines and records; blank lines (of any number
 * and length) cost no memory, every other line at most STREAM_LINE_MAX bytes. */
static int stream_data(fstate *s, const uint8_t *p, size_t n)
{
	int ws = (s->wc->flags & VIGIL_CAT_STANZA_WS) != 0, error;
	while (n) {
		if (s->line_blank && !s->lead && !s->rec_content && *p == '\n') {
			/* a run of empty lines between records (or padding): nothing to keep */
			while (n && *p == '\n')
				p++, n--, s->line++;
			continue;
		}
		const uint8_t *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) : n;
		for (size_t i = 0; i < seg; i++) {
			uint8_t c = p[i];
			if (s->line_blank) {
				/* leading blanks are held back until the line proves not blank */
				if (c == '\r' || (ws && (c == ' ' || c == '\t'))) {
					if (s->lead < STREAM_LEAD_MAX && c != '\r') {
						if ((error = vigil_buf_putc(&s->data, (char)c)) < 0)
							return error;
						s->lead++;
					}
					continue;
				}
				s->line_blank = 0;
				if (!s->rec_content)
					s->rec_line = s->line + 1;
				s->rec_content = 1;
				if (s->data.len >= STREAM_REC_MAX && !s->rec_cut) {
					s->rec_cut = 1;
					s->truncated++;
				}
				if (s->rec_cut)
					s->data.len -= s->lead;
			}
			if (s->rec_cut || s->line_cut)
				break;
			size_t take = seg - i;
			if (s->line_len + take > STREAM_LINE_MAX) {
				take = STREAM_LINE_MAX - s->line_len;
				s->line_cut = 1;
				s->truncated++;
			}
			if ((error = vigil_buf_put(&s->data, p + i, take)) < 0)
				return error;
			s->line_len += take;
			break;
		}
		if (!nl)
			return 0;
		/* the end of a line */
		s->line++;
		if (s->line_blank) {
			s->data.len -= s->lead; /* drop the held-back blanks */
			if ((error = stream_flush(s)) < 0)
				return error;
		} else if (!s->rec_cut && (error = vigil_buf_putc(&s->data, '\n')) < 0) {
			return error;
		}
		s->line_blank = 1;
		s->line_len = 0;
		s->lead = 0;
		s->line_cut = 0;
		n -= seg + 1;
		p += seg + 1;
	}
	return 0;
}

/* Decides, from the first chunk, which catalogers take the file and whether it is
 * buffered whole or only scanned for a window. */
static int choose_mode(vigil_inventory *inv, fstate *s, const uint8_t *head, size_t n)
{
	size_t hl = n < 512 ? n : 512;
	int full = 0;
	s->mode = MODE_NONE;
	for (size_t i = 0; i < NCAT; i++) {
		const vigil_cataloger *c = CATALOGERS[i];
		int w = cat_want(inv, c, &s->f, NULL, 0);
		if (w == VIGIL_WANT_HEAD)
			w = cat_want(inv, c, &s->f, head, hl);
		if (w < 0)
			return w;
		s->verdict[i] = w == VIGIL_WANT_YES;
		if (!s->verdict[i])
			continue;
		if (c->flags & VIGIL_CAT_STREAM && !s->wc && !full) {
			s->wc = c;
			s->mode = MODE_STREAM;
			continue;
		}
		if (s->mode == MODE_STREAM) { /* a second cataloger: whole-file mode */
			s->mode = MODE_NONE;
			s->wc = NULL;
			full = 1;
		}
		if (c->magic && c->window_above && s->f.size > c->window_above &&
		    c->magic_len <= sizeof(s->carry) && !s->wc)
			s->wc = c;
		else
			full = 1;
	}
	if (s->mode == MODE_STREAM) {
		s->line_blank = 1;
		return stream_begin(inv, s);
	}
	if (full) {
		s->mode = MODE_FULL;
		s->wc = NULL;
		s->data.limit = s->f.size + 1;
		/* one allocation of the final size (want() already capped it) */
		return vigil_buf_grow(&s->data, (size_t)s->f.size);
	}
	if (s->wc) {
		s->mode = MODE_WINDOW;
		s->data.limit = s->wc->window_len;
	}
	return 0;
}

/* Window mode: finds the magic across chunk boundaries, then keeps window_len bytes. */
static int scan_window(fstate *s, const uint8_t *p, size_t n)
{
	const vigil_cataloger *c = s->wc;
	size_t ml = c->magic_len;
	if (!s->found) {
		/* a magic that straddles the previous chunk and this one */
		uint8_t both[128];
		size_t take = n < ml - 1 ? n : ml - 1;
		memcpy(both, s->carry, s->carry_len);
		memcpy(both + s->carry_len, p, take);
		const uint8_t *m = memmem(both, s->carry_len + take, c->magic, ml);
		if (m) {
			size_t before = (size_t)(m - both); /* < carry_len */
			s->found = 1;
			if (vigil_buf_put(&s->data, both + before, s->carry_len - before) < 0)
				return VIGIL_ENOMEM;
		} else if ((m = memmem(p, n, c->magic, ml))) {
			s->found = 1;
			n -= (size_t)(m - p);
			p = m;
		} else {
			/* keep the last ml-1 bytes for the next chunk */
			size_t keep = ml - 1;
			if (n >= keep) {
				memcpy(s->carry, p + n - keep, keep);
				s->carry_len = keep;
			} else {
				size_t drop = s->carry_len + n > keep ? s->carry_len + n - keep : 0;
				memmove(s->carry, s->carry + drop, s->carry_len - drop);
				s->carry_len -= drop;
				memcpy(s->carry + s->carry_len, p, n);
				s->carry_len += n;
			}
			return 0;
		}
	}
	size_t room = s->data.len < c->window_len ? c->window_len - s->data.len : 0;
	if (n > room)
		n = room;
	return n ? vigil_buf_put(&s->data, p, n) : 0;
}

static int an_data(void *state, const uint8_t *p, size_t n, void *payload)
{
	fstate *s = state;
	int error;
	if (s->mode == MODE_UNKNOWN && (error = choose_mode(payload, s, p, n)) < 0)
		return error;
	if (s->too_big || s->mode == MODE_NONE)
		return 0;
	if (s->mode == MODE_WINDOW)
		return scan_window(s, p, n);
	if (s->mode == MODE_STREAM)
		return stream_data(s, p, n);
	error = vigil_buf_put(&s->data, p, n);
	if (error == VIGIL_ELIMIT) {
		s->too_big = 1; /* the file grew past its header size: not parsed */
		return 0;
	}
	return error;
}

static int result_new(vigil_catalog_result **out, vigil_inventory *inv, const vigil_cataloger *c,
		      fstate *s)
{
	vigil_catalog_result *r = calloc(1, sizeof(*r));
	vigil_vec pk = VIGIL_VEC_INIT(vigil_pkg), ow = VIGIL_VEC_INIT(owned);
	*out = NULL;
	if (!r)
		return VIGIL_ENOMEM;
	r->inv = inv;
	r->cat = c;
	r->layer = s->f.layer;
	r->pkgs = pk;
	r->owned = ow;
	vigil_arena_init(&r->arena);
	if (!(r->path = vigil_arena_strdup(&r->arena, s->path))) {
		free(r);
		return VIGIL_ENOMEM;
	}
	*out = r;
	return 0;
}

static void result_free(vigil_catalog_result *r)
{
	if (!r)
		return;
	vigil_vec_free(&r->pkgs);
	vigil_vec_free(&r->owned);
	vigil_arena_clear(&r->arena);
	free(r);
}

/* Records a file that `vigil sbom` lists as not (fully) read. */
static int unread_add(vigil_inventory *inv, const char *path, int layer, const char *cataloger,
		      const char *reason)
{
	int error = 0;
	pthread_mutex_lock(&inv->lock);
	vigil_unread *u = inv->unread.len < 100000 ? vigil_vec_push(&inv->unread) : NULL;
	if (u) {
		u->layer = layer;
		u->cataloger = cataloger;
		u->reason = reason;
		if (!(u->path = vigil_arena_strdup(&inv->arena, path))) {
			inv->unread.len--;
			error = VIGIL_ENOMEM;
		}
	} else if (inv->unread.len < 100000) {
		error = VIGIL_ENOMEM;
	}
	pthread_mutex_unlock(&inv->lock);
	return error;
}

static int unread_cmp(const void *a, const void *b)
{
	const vigil_unread *x = a, *y = b;
	int c = (x->layer > y->layer) - (x->layer < y->layer);
	return c ? c : strcmp(x->path, y->path);
}

size_t vigil_inventory_unread_count(const vigil_inventory *inv)
{
	return inv ? inv->unread.len : 0;
}

const vigil_unread *vigil_inventory_unread(const vigil_inventory *inv, size_t i)
{
	return i < vigil_inventory_unread_count(inv) ? &VIGIL_VEC_AT(&inv->unread, vigil_unread, i)
						     : NULL;
}

/* Keeps the result of parsing s's file (error: what parse() returned); frees it when
 * there is nothing to keep. */
static int result_keep(vigil_inventory *inv, vigil_catalog_result *r, int error, fstate *s)
{
	const vigil_cataloger *c = r->cat;
	if (error == VIGIL_ENOMEM || error == VIGIL_ECANCELLED ||
	    (error == VIGIL_ELIMIT && s->mode == MODE_STREAM)) /* the read stops (STREAM_PKG_MAX) */
		goto fail;
	if (error < 0)
		vigil_image__warn(inv->img, "%s (layer %d): cannot be read as %s; skipped", s->path,
				  s->f.layer, c->name);
	else if (r->skipped)
		vigil_image__warn(inv->img, "%s (layer %d): %u malformed %s record(s) skipped (%s)",
				  s->path, s->f.layer, r->skipped, c->name,
				  r->skip_what ? r->skip_what : "");
	if ((error < 0 || r->skipped) &&
	    unread_add(inv, s->path, s->f.layer, c->name,
		       error < 0 ? "cannot be read" : "malformed records skipped") < 0) {
		error = VIGIL_ENOMEM;
		goto fail;
	}
	if (error >= 0 && s->truncated)
		vigil_image__warn(inv->img,
				  "%s (layer %d): %u over-long line(s) or record(s) truncated "
				  "(lines keep %u KiB, records %u MiB)",
				  s->path, s->f.layer, s->truncated, STREAM_LINE_MAX >> 10,
				  STREAM_REC_MAX >> 20);
	if (error < 0 || (r->pkgs.len == 0 && r->owned.len == 0 && !r->kept &&
			  !(c->flags & VIGIL_CAT_DATABASE))) {
		error = 0;
		goto fail; /* nothing to keep */
	}
	pthread_mutex_lock(&inv->lock);
	vigil_catalog_result **slot = vigil_vec_push(&inv->results);
	if (slot)
		*slot = r;
	pthread_mutex_unlock(&inv->lock);
	if (!slot) {
		error = VIGIL_ENOMEM;
		goto fail;
	}
	return 0;
fail:
	result_free(r);
	return error;
}

static int run_parser(vigil_inventory *inv, const vigil_cataloger *c, fstate *s)
{
	vigil_catalog_result *r;
	int error = result_new(&r, inv, c, s);
	if (error < 0)
		return error;
	error = c->parse(r, &s->f, s->data.data ? s->data.data : (const uint8_t *)"", s->data.len);
	return result_keep(inv, r, error, s);
}

static int an_end(void *state, int error, void *payload)
{
	vigil_inventory *inv = payload;
	fstate *s = state;
	if (error == 0 && s->mode == MODE_UNKNOWN)
		error = choose_mode(inv, s, (const uint8_t *)"", 0); /* an empty file */
	if (s->mode == MODE_STREAM && s->sr) {
		if (error == 0 && !s->line_blank)
			error = stream_data(s, (const uint8_t *)"\n", 1);
		if (error == 0)
			error = stream_flush(s);
		error = result_keep(inv, s->sr, error, s);
		s->sr = NULL;
	} else if (error == 0 && !s->too_big && s->mode == MODE_WINDOW) {
		if (s->found)
			error = run_parser(inv, s->wc, s);
	} else if (error == 0 && !s->too_big && s->mode == MODE_FULL) {
		for (size_t i = 0; i < NCAT && error == 0; i++)
			if (s->verdict[i])
				error = run_parser(inv, CATALOGERS[i], s);
	}
	vigil_buf_free(&s->data);
	free(s);
	return error < 0 ? error : 0;
}

/* ---- the per-layer cache: a layer's results as bytes and back ----
 *
 * What the catalogers made of one layer's files (the kept results, with their packages,
 * owned files and kept bytes, and the files that could not be read) depends only on
 * those files and the options in the analyzer's name, so a layer replayed from the cache
 * gives them back instead of its files (lcache.c). Everything that looks across layers
 * (finality, layer attribution, late databases, finish(), ownership) runs after the read
 * as always. */

static const vigil_cataloger *cat_by_name(const char *name)
{
	for (size_t i = 0; name && i < NCAT; i++)
		if (strcmp(CATALOGERS[i]->name, name) == 0)
			return CATALOGERS[i];
	return NULL;
}

static int ser_strv(vigil_buf *b, const char *const *v, size_t n)
{
	int e = vigil_ser_u64(b, n);
	for (size_t i = 0; i < n && !e; i++)
		e |= vigil_ser_str(b, v[i]);
	return e;
}

static int an_layer_save(int layer, uint8_t **out, size_t *len, void *payload)
{
	vigil_inventory *inv = payload;
	vigil_buf b = VIGIL_BUF_INIT;
	int e = 0;
	size_t n = 0, nu = 0;
	*out = NULL;
	*len = 0;
	pthread_mutex_lock(&inv->lock);
	for (size_t i = 0; i < inv->results.len; i++)
		n += VIGIL_VEC_AT(&inv->results, vigil_catalog_result *, i)->layer == layer;
	e |= vigil_ser_u64(&b, n);
	for (size_t i = 0; i < inv->results.len && !e; i++) {
		const vigil_catalog_result *r =
			VIGIL_VEC_AT(&inv->results, vigil_catalog_result *, i);
		if (r->layer != layer)
			continue;
		e |= vigil_ser_str(&b, r->cat->name);
		e |= vigil_ser_str(&b, r->path);
		e |= vigil_ser_u64(&b, r->skipped);
		e |= vigil_ser_str(&b, r->skip_what);
		e |= vigil_ser_u64(&b, r->kept != NULL);
		e |= vigil_ser_bytes(&b, r->kept ? r->kept : (const uint8_t *)"", r->kept_len);
		e |= vigil_ser_u64(&b, r->pkgs.len);
		for (size_t k = 0; k < r->pkgs.len && !e; k++) {
			const vigil_pkg *p = &VIGIL_VEC_AT(&r->pkgs, vigil_pkg, k);
			size_t nf = 0;
			while (p->files && p->files[nf])
				nf++;
			e |= vigil_ser_str(&b, p->type);
			e |= vigil_ser_str(&b, p->name);
			e |= vigil_ser_str(&b, p->version);
			e |= vigil_ser_str(&b, p->arch);
			e |= vigil_ser_str(&b, p->source_name);
			e |= vigil_ser_str(&b, p->source_version);
			e |= vigil_ser_str(&b, p->license);
			e |= vigil_ser_str(&b, p->purl);
			e |= vigil_ser_u64(&b, p->location == r->path); /* the result's own path */
			e |= vigil_ser_str(&b, p->location == r->path ? NULL : p->location);
			e |= vigil_ser_str(&b, p->group);
			e |= vigil_ser_str(&b, p->modularity);
			e |= vigil_ser_u64(&b, (uint64_t)p->os_package);
			e |= vigil_ser_u64(&b, p->flags);
			e |= vigil_ser_u64(&b, p->files != NULL);
			e |= ser_strv(&b, p->files, nf);
		}
		e |= vigil_ser_u64(&b, r->owned.len);
		for (size_t k = 0; k < r->owned.len && !e; k++) {
			const owned *o = &VIGIL_VEC_AT(&r->owned, owned, k);
			e |= vigil_ser_str(&b, o->pkg);
			e |= ser_strv(&b, o->files, o->n);
		}
	}
	for (size_t i = 0; i < inv->unread.len; i++)
		nu += VIGIL_VEC_AT(&inv->unread, vigil_unread, i).layer == layer;
	e |= vigil_ser_u64(&b, nu);
	for (size_t i = 0; i < inv->unread.len && !e; i++) {
		const vigil_unread *u = &VIGIL_VEC_AT(&inv->unread, vigil_unread, i);
		if (u->layer != layer)
			continue;
		e |= vigil_ser_str(&b, u->path);
		e |= vigil_ser_str(&b, u->cataloger);
		e |= vigil_ser_str(&b, u->reason);
	}
	pthread_mutex_unlock(&inv->lock);
	if (e) {
		vigil_buf_free(&b);
		return VIGIL_ENOMEM;
	}
	*out = b.data;
	*len = b.len;
	return 0;
}

/* A string list into the arena (NULL-terminated); NULL and d->bad on a damaged entry. */
static const char **deser_strv(vigil_deser *d, vigil_arena *a, size_t *count)
{
	uint64_t n = vigil_deser_u64(d);
	const char **v;
	*count = 0;
	if (d->bad || n > (uint64_t)(d->end - d->p) ||
	    !(v = vigil_arena_alloc(a, ((size_t)n + 1) * sizeof(char *)))) {
		d->bad = 1;
		return NULL;
	}
	for (size_t i = 0; i < n && !d->bad; i++)
		if (!(v[i] = vigil_deser_str(d, a)))
			d->bad = 1;
	v[n] = NULL;
	*count = (size_t)n;
	return d->bad ? NULL : v;
}

static int load_result(vigil_inventory *inv, vigil_deser *d, int layer)
{
	vigil_catalog_result *r = calloc(1, sizeof(*r));
	vigil_vec pk = VIGIL_VEC_INIT(vigil_pkg), ow = VIGIL_VEC_INIT(owned);
	size_t nf;
	if (!r)
		return VIGIL_ENOMEM;
	r->inv = inv;
	r->layer = layer;
	r->pkgs = pk;
	r->owned = ow;
	vigil_arena_init(&r->arena);
	const char *cname = vigil_deser_str(d, &r->arena);
	r->cat = cat_by_name(cname);
	r->path = (char *)vigil_deser_str(d, &r->arena);
	uint64_t skipped = vigil_deser_u64(d);
	r->skipped = skipped <= UINT32_MAX ? (unsigned)skipped : 0;
	r->skip_what = vigil_deser_str(d, &r->arena);
	int has_kept = vigil_deser_u64(d) != 0;
	size_t kl;
	const uint8_t *kp = vigil_deser_bytes(d, &kl);
	if (!r->cat || !r->path || skipped > UINT32_MAX || (has_kept && kl > (4u << 20)))
		d->bad = 1;
	if (!d->bad && has_kept && vigil_catalog__keep(r, kp, kl) < 0)
		d->bad = 1;
	uint64_t np = vigil_deser_u64(d);
	if (np > (uint64_t)(d->end - d->p))
		d->bad = 1;
	for (uint64_t k = 0; k < np && !d->bad; k++) {
		vigil_pkg *p = vigil_vec_push(&r->pkgs);
		if (!p) {
			d->bad = 1;
			break;
		}
		memset(p, 0, sizeof(*p));
		p->type = vigil_deser_str(d, &r->arena);
		p->name = vigil_deser_str(d, &r->arena);
		p->version = vigil_deser_str(d, &r->arena);
		p->arch = vigil_deser_str(d, &r->arena);
		p->source_name = vigil_deser_str(d, &r->arena);
		p->source_version = vigil_deser_str(d, &r->arena);
		p->license = vigil_deser_str(d, &r->arena);
		p->purl = vigil_deser_str(d, &r->arena);
		int own_path = vigil_deser_u64(d) != 0;
		p->location = vigil_deser_str(d, &r->arena);
		if (own_path)
			p->location = r->path;
		p->group = vigil_deser_str(d, &r->arena);
		p->modularity = vigil_deser_str(d, &r->arena);
		p->os_package = vigil_deser_u64(d) != 0;
		uint64_t flags = vigil_deser_u64(d);
		p->flags = (unsigned)flags;
		int has_files = vigil_deser_u64(d) != 0;
		const char **files = deser_strv(d, &r->arena, &nf);
		p->files = has_files ? files : NULL;
		p->cataloger = r->cat ? r->cat->name : NULL;
		p->layer = layer;
		if (!p->type || !p->name || !p->version || !p->location || flags > UINT32_MAX)
			d->bad = 1;
	}
	uint64_t no = vigil_deser_u64(d);
	if (no > (uint64_t)(d->end - d->p))
		d->bad = 1;
	for (uint64_t k = 0; k < no && !d->bad; k++) {
		const char *pkg = vigil_deser_str(d, &r->arena);
		const char **files = deser_strv(d, &r->arena, &nf);
		if (!d->bad && vigil_catalog__owned(r, pkg, files, nf) < 0)
			d->bad = 1;
	}
	if (d->bad) {
		result_free(r);
		return VIGIL_EFORMAT;
	}
	pthread_mutex_lock(&inv->lock);
	vigil_catalog_result **slot = vigil_vec_push(&inv->results);
	if (slot)
		*slot = r;
	pthread_mutex_unlock(&inv->lock);
	if (!slot) {
		result_free(r);
		return VIGIL_ENOMEM;
	}
	return 0;
}

static int an_layer_load(int layer, const uint8_t *p, size_t n, void *payload)
{
	vigil_inventory *inv = payload;
	vigil_deser d = {p, p + n, 0};
	vigil_arena scratch;
	int error = 0;
	uint64_t count = vigil_deser_u64(&d);
	if (d.bad || count > n)
		return VIGIL_EFORMAT;
	for (uint64_t i = 0; i < count && error == 0; i++)
		error = load_result(inv, &d, layer);
	uint64_t nu = vigil_deser_u64(&d);
	if (error == 0 && (d.bad || nu > n))
		error = VIGIL_EFORMAT;
	vigil_arena_init(&scratch);
	for (uint64_t i = 0; i < nu && error == 0; i++) {
		/* the cataloger and the reason are static strings: found again by name */
		const char *path = vigil_deser_str(&d, &scratch);
		const vigil_cataloger *c = cat_by_name(vigil_deser_str(&d, &scratch));
		const char *reason = vigil_deser_str(&d, &scratch);
		static const char *const REASONS[] = {"cannot be read",
						      "malformed records skipped"};
		const char *why = NULL;
		for (size_t k = 0; reason && k < VIGIL_ARRAY_LEN(REASONS); k++)
			if (strcmp(reason, REASONS[k]) == 0)
				why = REASONS[k];
		if (d.bad || !path || !c || !why)
			error = VIGIL_EFORMAT;
		else
			error = unread_add(inv, path, layer, c->name, why);
	}
	vigil_arena_clear(&scratch);
	if (error == 0 && d.p != d.end)
		error = VIGIL_EFORMAT;
	return error;
}

int vigil_inventory__layer_load_check(const uint8_t *p, size_t n)
{
	vigil_inventory *inv = calloc(1, sizeof(*inv));
	vigil_vec rv = VIGIL_VEC_INIT(vigil_catalog_result *), pv = VIGIL_VEC_INIT(vigil_pkg *),
		  uv = VIGIL_VEC_INIT(vigil_unread);
	if (!inv)
		return VIGIL_ENOMEM;
	inv->results = rv;
	inv->pkgs = pv;
	inv->unread = uv;
	vigil_arena_init(&inv->arena);
	pthread_mutex_init(&inv->lock, NULL);
	int error = an_layer_load(2, p, n, inv);
	vigil_inventory_free(inv);
	return error;
}

/* ---- the inventory ---- */

int vigil_inventory_new(vigil_inventory **out, vigil_image *img, const vigil_inventory_opts *opts)
{
	static const vigil_inventory_opts defaults = VIGIL_INVENTORY_OPTS_INIT;
	vigil_inventory *inv = calloc(1, sizeof(*inv));
	vigil_vec rv = VIGIL_VEC_INIT(vigil_catalog_result *), pv = VIGIL_VEC_INIT(vigil_pkg *),
		  uv = VIGIL_VEC_INIT(vigil_unread);
	int error;
	*out = NULL;
	if (!inv)
		return VIGIL_ENOMEM;
	inv->unread = uv;
	inv->img = img;
	inv->opts = opts ? *opts : defaults;
	inv->results = rv;
	inv->pkgs = pv;
	vigil_arena_init(&inv->arena);
	pthread_mutex_init(&inv->lock, NULL);
	/* the per-layer cache's key names the analyzers: the archive limit (cat_want) is
	 * part of the name, so another --max-archive-size never replays these results */
	snprintf(inv->aname, sizeof(inv->aname), "inventory/a%llu",
		 (unsigned long long)inv->opts.max_archive_size);
	vigil_analyzer a = {inv->aname, an_want, an_begin, an_data, an_end, inv, 1};
	a.layer_save = an_layer_save;
	a.layer_load = an_layer_load;
	if ((error = vigil_image_add_analyzer(img, &a)) < 0) {
		vigil_inventory_free(inv);
		return error;
	}
	*out = inv;
	return 0;
}

void vigil_inventory_free(vigil_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->results.len; i++) {
		vigil_catalog_result *r = VIGIL_VEC_AT(&inv->results, vigil_catalog_result *, i);
		vigil_vec_free(&r->pkgs);
		vigil_vec_free(&r->owned);
		vigil_arena_clear(&r->arena);
		free(r);
	}
	vigil_vec_free(&inv->results);
	vigil_vec_free(&inv->pkgs);
	vigil_vec_free(&inv->unread);
	vigil_arena_clear(&inv->arena);
	pthread_mutex_destroy(&inv->lock);
	free(inv);
}

size_t vigil_inventory_count(const vigil_inventory *inv)
{
	return inv->pkgs.len;
}

const vigil_pkg *vigil_inventory_pkg(const vigil_inventory *inv, size_t i)
{
	return i < inv->pkgs.len ? VIGIL_VEC_AT(&inv->pkgs, vigil_pkg *, i) : NULL;
}

const vigil_distro *vigil_inventory_distro(const vigil_inventory *inv)
{
	return &inv->distro;
}

/* Whether the result's file is the version in the final filesystem. */
static int is_final(vigil_inventory *inv, vigil_catalog_result *r)
{
	const vigil_file *f;
	if (vigil_image_lookup(&f, inv->img, r->path, 0) < 0)
		return 0;
	return f->layer == r->layer && (f->type == VIGIL_FT_FILE || f->type == VIGIL_FT_HARDLINK);
}

static int pkg_key_cmp(const void *a, const void *b)
{
	const vigil_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	c = strcmp(x->version, y->version);
	if (c)
		return c;
	return strcmp(x->arch ? x->arch : "", y->arch ? y->arch : "");
}

static int result_layer_cmp(const void *a, const void *b)
{
	const vigil_catalog_result *x = *(vigil_catalog_result *const *)a;
	const vigil_catalog_result *y = *(vigil_catalog_result *const *)b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->cat != y->cat)
		return strcmp(x->cat->name, y->cat->name);
	return x->layer - y->layer;
}

/* Database catalogers: a package's layer is the lowest layer from which every later
 * version of the same database file still lists it unchanged. Results are sorted by
 * (path, cataloger, layer); [lo, hi) is one path's run and `fin` the final one. */
static void attribute_layers(vigil_catalog_result **rs, size_t lo, size_t fin)
{
	vigil_catalog_result *f = rs[fin];
	for (size_t k = lo; k <= fin; k++)
		vigil_qsort(rs[k]->pkgs.data, rs[k]->pkgs.len, sizeof(vigil_pkg), pkg_key_cmp);
	for (size_t i = 0; i < f->pkgs.len; i++) {
		vigil_pkg *p = &VIGIL_VEC_AT(&f->pkgs, vigil_pkg, i);
		for (size_t k = fin; k > lo; k--) {
			vigil_catalog_result *below = rs[k - 1];
			if (!vigil_bsearch(p, below->pkgs.data, below->pkgs.len, sizeof(vigil_pkg),
					   pkg_key_cmp))
				break;
			p->layer = below->layer;
		}
	}
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int pkg_sort_cmp(const void *a, const void *b)
{
	const vigil_pkg *x = *(const vigil_pkg *const *)a, *y = *(const vigil_pkg *const *)b;
	int c = strcmp(x->type, y->type);
	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->version, y->version);
	if (!c)
		c = strcmp(x->location, y->location);
	return c;
}

/* Appends `s` to b percent-encoded as a purl component (RFC 3986 unreserved kept). */
static int purl_enc(vigil_buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && error == 0; p++) {
		if (isalnum(*p) || *p == '.' || *p == '-' || *p == '_' || *p == '~' || *p == '+' ||
		    (keep_slash && *p == '/'))
			error = vigil_buf_putc(b, (char)*p);
		else if ((error = vigil_buf_putc(b, '%')) == 0 &&
			 (error = vigil_buf_putc(b, hex[*p >> 4])) == 0)
			error = vigil_buf_putc(b, hex[*p & 15]);
	}
	return error;
}

/* pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS for one package. */
static const char *make_purl(vigil_inventory *inv, const vigil_pkg *p)
{
	vigil_buf b = VIGIL_BUF_INIT;
	const vigil_distro *d = &inv->distro;
	const char *ns = NULL, *version = p->version, *out = NULL;
	char epoch[16] = "";
	int q = 0;
	if (strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 ||
	    strcmp(p->type, "rpm") == 0)
		ns = d->id ? d->id : NULL;
	else if (p->group)
		ns = p->group;
	if (strcmp(p->type, "rpm") == 0) {
		const char *colon = strchr(version, ':');
		if (colon && colon - version < 10) {
			snprintf(epoch, sizeof(epoch), "%.*s", (int)(colon - version), version);
			version = colon + 1;
		}
	}
	int e = vigil_buf_printf(&b, "pkg:%s/", p->type);
	if (!e && ns) {
		e = purl_enc(&b, ns, 1);
		if (!e)
			e = vigil_buf_putc(&b, '/');
	}
	if (!e)
		e = purl_enc(&b, p->name,
			     strcmp(p->type, "golang") == 0 || strcmp(p->type, "npm") == 0);
	if (!e && version && *version) {
		e = vigil_buf_putc(&b, '@');
		if (!e)
			e = purl_enc(&b, version, 0);
	}
	if (!e && p->arch && *p->arch) {
		e = vigil_buf_puts(&b, "?arch=");
		if (!e)
			e = purl_enc(&b, p->arch, 0);
		q = 1;
	}
	if (!e && epoch[0]) {
		e = vigil_buf_printf(&b, "%cepoch=%s", q ? '&' : '?', epoch);
		q = 1;
	}
	if (!e && p->os_package && d->id && d->version_id) {
		e = vigil_buf_printf(&b, "%cdistro=", q ? '&' : '?');
		if (!e)
			e = purl_enc(&b, d->id, 0);
		if (!e)
			e = vigil_buf_putc(&b, '-');
		if (!e)
			e = purl_enc(&b, d->version_id, 0);
	}
	if (!e && vigil_buf_cstr(&b) == 0)
		out = vigil_arena_strdup(&inv->arena, (char *)b.data);
	vigil_buf_free(&b);
	return out;
}

/* ---- package databases behind symlinks ---- */

/* Where the package managers keep their databases. The streaming pass offers files by
 * the path their layer gives them; a database reached through a symlinked directory
 * (/var/lib/dpkg -> /opt/db) or a symlinked file is found here, in the merged view,
 * resolved as the package manager would (chroot-like: ".." stops at the root), and read
 * again from its layer. */
static const struct late_db {
	const vigil_cataloger *cat;
	const char *path;
	int dir; /* every file directly in it */
} LATE_DBS[] = {
	{&vigil_cataloger_dpkg, "/var/lib/dpkg/status", 0},
	{&vigil_cataloger_dpkg_distroless, "/var/lib/dpkg/status.d", 1},
	{&vigil_cataloger_apk, "/lib/apk/db/installed", 0},
	{&vigil_cataloger_rpm, "/var/lib/rpm/rpmdb.sqlite", 0},
	{&vigil_cataloger_rpm, "/usr/lib/sysimage/rpm/rpmdb.sqlite", 0},
	{&vigil_cataloger_rpm, "/var/lib/rpm/Packages", 0},
	{&vigil_cataloger_rpm, "/usr/lib/sysimage/rpm/Packages", 0},
	{&vigil_cataloger_rpm, "/var/lib/rpm/Packages.db", 0},
	{&vigil_cataloger_rpm, "/usr/lib/sysimage/rpm/Packages.db", 0},
};

typedef struct late_ctx {
	fstate *s;
	vigil_inventory *inv;
} late_ctx;

static int late_chunk(const void *p, size_t n, void *payload)
{
	late_ctx *c = payload;
	return an_data(c->s, p, n, c->inv);
}

static int have_result(vigil_inventory *inv, const vigil_cataloger *c, const char *path)
{
	for (size_t i = 0; i < inv->results.len; i++) {
		vigil_catalog_result *r = VIGIL_VEC_AT(&inv->results, vigil_catalog_result *, i);
		if (r->cat == c && strcmp(r->path, path) == 0)
			return 1;
	}
	return 0;
}

/* Reads the file at `real` (as layer `f` says) for `c` as if it were at `logical`. */
static int late_read(vigil_inventory *inv, const vigil_cataloger *c, const vigil_file *f,
		     const char *logical, const char *real)
{
	size_t n = strlen(real);
	fstate *s;
	int error;
	if (have_result(inv, c, real))
		return 0; /* the reading pass found it under its own path already */
	if (!(s = calloc(1, sizeof(*s) + n + 1)))
		return VIGIL_ENOMEM;
	memcpy(s->path, real, n + 1);
	s->f = *f;
	s->f.path = logical;
	late_ctx lc = {s, inv};
	error = vigil_image__file_pull(inv->img, real, f->layer, late_chunk, &lc);
	if (error == 0 && s->mode == MODE_UNKNOWN)
		error = choose_mode(inv, s, (const uint8_t *)"", 0);
	error = an_end(s, error, inv);
	if (error == VIGIL_ELIMIT && vigil_image__stop_msg(inv->img))
		return vigil_error_set(inv->img->ctx, error,
				       "package database '%s' (behind a symbolic link): %s",
				       logical, vigil_image__stop_msg(inv->img));
	if (error == VIGIL_ELIMIT)
		return vigil_error_set(inv->img->ctx, error,
				       "package database '%s' (behind a symbolic link, at '%s') "
				       "is too large to read (raise --max-file-size); a package "
				       "database is never skipped",
				       logical, real);
	if (error == VIGIL_EINVAL)
		return vigil_error_set(inv->img->ctx, error,
				       "package database '%s' is behind a symbolic link (at '%s') "
				       "and the image was read from a compressed stream: "
				       "decompress it first",
				       logical, real);
	return error;
}

typedef struct late_dir {
	vigil_vec paths;  /* char *, malloc'd */
	vigil_vec layers; /* int */
	vigil_vec sizes;  /* uint64_t */
	const char *dir;
	size_t dlen;
} late_dir;

static int late_dir_cb(const vigil_file *f, void *payload)
{
	late_dir *d = payload;
	if (f->type != VIGIL_FT_FILE || strncmp(f->path, d->dir, d->dlen) != 0 ||
	    f->path[d->dlen] != '/' || strchr(f->path + d->dlen + 1, '/'))
		return 0;
	char **slot = vigil_vec_push(&d->paths);
	int *ls = slot ? vigil_vec_push(&d->layers) : NULL;
	uint64_t *sz = ls ? vigil_vec_push(&d->sizes) : NULL;
	if (!sz || !(*slot = strdup(f->path)))
		return VIGIL_ENOMEM;
	*ls = f->layer;
	*sz = f->size;
	return 0;
}

static int late_databases(vigil_inventory *inv)
{
	char real[4096], logical[4096];
	int error = 0;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(LATE_DBS) && error == 0; i++) {
		const struct late_db *db = &LATE_DBS[i];
		const vigil_file *f;
		error = vigil_image_lookup(&f, inv->img, db->path, 1);
		if (error == VIGIL_EFORMAT)
			return vigil_error_set(inv->img->ctx, error,
					       "package database path '%s': symbolic link loop "
					       "(too many levels of symbolic links)",
					       db->path);
		if (error < 0) {
			error = 0;
			inv->img->ctx->error[0] = '\0';
			continue;
		}
		if (strcmp(f->path, db->path) == 0 ||
		    snprintf(real, sizeof(real), "%s", f->path) >= (int)sizeof(real))
			continue; /* no symlink on the way: the reading pass saw it */
		if (!db->dir) {
			if (f->type == VIGIL_FT_FILE || f->type == VIGIL_FT_HARDLINK) {
				vigil_file cp = *f;
				error = late_read(inv, db->cat, &cp, db->path, real);
			}
			continue;
		}
		if (f->type != VIGIL_FT_DIR)
			continue;
		late_dir d = {VIGIL_VEC_INIT(char *), VIGIL_VEC_INIT(int), VIGIL_VEC_INIT(uint64_t),
			      real, strlen(real)};
		char prefix[4100];
		snprintf(prefix, sizeof(prefix), "%s/", real);
		error = vigil_image_foreach_file(inv->img, prefix, late_dir_cb, &d);
		for (size_t k = 0; k < d.paths.len; k++) {
			const char *rp = VIGIL_VEC_AT(&d.paths, char *, k);
			vigil_file lf;
			if (error == 0) {
				memset(&lf, 0, sizeof(lf));
				lf.type = VIGIL_FT_FILE;
				lf.layer = VIGIL_VEC_AT(&d.layers, int, k);
				lf.size = VIGIL_VEC_AT(&d.sizes, uint64_t, k);
				lf.removed_by = -1;
				snprintf(logical, sizeof(logical), "%s/%s", db->path,
					 rp + d.dlen + 1);
				error = late_read(inv, db->cat, &lf, logical, rp);
			}
			free((void *)rp);
		}
		vigil_vec_free(&d.paths);
		vigil_vec_free(&d.layers);
		vigil_vec_free(&d.sizes);
	}
	return error;
}

/* Whether `r` is a lockfile that a sibling file overrides for its package manager:
 * npm installs from npm-shrinkwrap.json and ignores package-lock.json beside it; go.mod
 * lists a module's build, go.sum beside it only checksums. */
static int shadowed_lockfile(vigil_catalog_result **rs, size_t nr, const vigil_catalog_result *r)
{
	const char *base = vigil_catalog__base(r->path), *wins;
	size_t dir = (size_t)(base - r->path);
	if (r->cat == &vigil_cataloger_npm && strcmp(base, "package-lock.json") == 0)
		wins = "npm-shrinkwrap.json";
	else if (r->cat == &vigil_cataloger_lock_go && strcmp(base, "go.sum") == 0)
		wins = "go.mod"; /* go.sum also holds versions no longer in the build */
	else
		return 0;
	for (size_t i = 0; i < nr; i++) {
		const char *p = rs[i]->path;
		if (rs[i]->final && rs[i]->cat == r->cat && strncmp(p, r->path, dir) == 0 &&
		    strcmp(p + dir, wins) == 0)
			return 1;
	}
	return 0;
}

/* An application package's file, and whether an OS package owns it. */
typedef struct cand {
	const char *key; /* first: compared with str_cmp */
	int owned;
} cand;

/* The file a package's location names: the outer one of "a.jar!/b.jar". */
static void outer_of(char out[4096], const char *location)
{
	snprintf(out, 4096, "%s", location);
	char *bang = strchr(out, '!');
	if (bang)
		*bang = '\0';
}

/* Marks the candidate `path` (sorted, one per file) as owned, when there is one. */
static void own_mark(vigil_vec *cands, const char *path)
{
	cand *c = vigil_bsearch(&path, cands->data, cands->len, sizeof(cand), str_cmp);
	if (c)
		c->owned = 1;
}

int vigil_inventory_finish(vigil_inventory *inv)
{
	vigil_catalog_result **rs = inv->results.data;
	size_t nr = inv->results.len;
	vigil_vec cands = VIGIL_VEC_INIT(cand);
	vigil_arena keys;
	const vigil_os *os = vigil_image_os(inv->img);
	int error = 0;

	if (inv->finished)
		return 0;
	vigil_arena_init(&keys);
	inv->finished = 1;
	if ((error = late_databases(inv)) < 0)
		return error;
	/* threads finish files in any order: list unreadable ones by layer and path */
	vigil_qsort(inv->unread.data, inv->unread.len, sizeof(vigil_unread), unread_cmp);
	rs = inv->results.data;
	nr = inv->results.len;
	inv->distro.id = os->id;
	inv->distro.version_id = os->version_id;
	inv->distro.codename = os->version_codename;
	inv->distro.pretty_name = os->pretty_name;
	inv->distro.eol = vigil_catalog__eol(inv->distro.id, inv->distro.version_id);
	inv->distro.family = inv->distro.id;
	if (os->id_like && *os->id_like)
		inv->distro.family =
			vigil_arena_strndup(&inv->arena, os->id_like, strcspn(os->id_like, " "));
	if (inv->distro.id && strcmp(inv->distro.id, "debian") == 0 && inv->distro.version_id) {
		/* Debian keeps the major release in purls and advisories: 12.8 -> 12 */
		size_t n = strcspn(inv->distro.version_id, ".");
		inv->distro.version_id =
			vigil_arena_strndup(&inv->arena, inv->distro.version_id, n);
	}

	vigil_qsort(rs, nr, sizeof(*rs), result_layer_cmp);
	for (size_t i = 0; i < nr; i++)
		rs[i]->final = is_final(inv, rs[i]);
	if ((error = catalogers_finish(rs, nr)) < 0)
		return error;
	/* layer attribution of database results */
	for (size_t lo = 0; lo < nr;) {
		size_t hi = lo + 1;
		while (hi < nr && strcmp(rs[hi]->path, rs[lo]->path) == 0 &&
		       rs[hi]->cat == rs[lo]->cat)
			hi++;
		for (size_t k = lo; k < hi; k++)
			if (rs[k]->final && (rs[k]->cat->flags & VIGIL_CAT_DATABASE))
				attribute_layers(rs, lo, k);
		lo = hi;
	}
	/* the application packages' files (the outer file of "a.jar!/b.jar"), sorted, then
	 * marked when an OS package owns them: sorting these few, not the thousands of files
	 * the OS packages own, which cost a cached image scan 4% of its CPU */
	if (!inv->opts.keep_os_owned) {
		for (size_t i = 0; i < nr; i++) {
			vigil_catalog_result *r = rs[i];
			if (!r->final || shadowed_lockfile(rs, nr, r))
				continue;
			for (size_t k = 0; k < r->pkgs.len; k++) {
				const vigil_pkg *p = &VIGIL_VEC_AT(&r->pkgs, vigil_pkg, k);
				char outer[4096];
				cand *c;
				if (p->os_package)
					continue;
				outer_of(outer, p->location);
				if (!(c = vigil_vec_push(&cands)) ||
				    !(c->key = vigil_arena_strdup(&keys, outer))) {
					error = VIGIL_ENOMEM;
					goto done;
				}
				c->owned = 0;
			}
		}
		vigil_qsort(cands.data, cands.len, sizeof(cand), str_cmp);
		size_t u = 0; /* one candidate per file */
		for (size_t i = 0; i < cands.len; i++)
			if (u == 0 || strcmp(VIGIL_VEC_AT(&cands, cand, u - 1).key,
					     VIGIL_VEC_AT(&cands, cand, i).key) != 0)
				VIGIL_VEC_AT(&cands, cand, u++) = VIGIL_VEC_AT(&cands, cand, i);
		cands.len = u;
	}
	/* files owned by OS packages */
	for (size_t i = 0; i < nr && cands.len; i++) {
		vigil_catalog_result *r = rs[i];
		if (!r->final || !(r->cat->flags & VIGIL_CAT_OS))
			continue;
		for (size_t k = 0; k < r->pkgs.len; k++) {
			const vigil_pkg *p = &VIGIL_VEC_AT(&r->pkgs, vigil_pkg, k);
			for (size_t j = 0; p->files && p->files[j]; j++)
				own_mark(&cands, p->files[j]);
		}
		for (size_t k = 0; k < r->owned.len; k++) {
			const owned *o = &VIGIL_VEC_AT(&r->owned, owned, k);
			for (size_t j = 0; j < o->n; j++)
				own_mark(&cands, o->files[j]);
		}
	}
	/* the packages of the final filesystem */
	for (size_t i = 0; i < nr; i++) {
		vigil_catalog_result *r = rs[i];
		if (!r->final || shadowed_lockfile(rs, nr, r))
			continue;
		for (size_t k = 0; k < r->pkgs.len; k++) {
			vigil_pkg *p = &VIGIL_VEC_AT(&r->pkgs, vigil_pkg, k);
			if (!p->os_package && !inv->opts.keep_os_owned) {
				char outer[4096];
				outer_of(outer, p->location);
				const char *key = outer;
				const cand *c = vigil_bsearch(&key, cands.data, cands.len,
							      sizeof(cand), str_cmp);
				if (c && c->owned)
					continue;
			}
			if (!p->purl && !(p->purl = make_purl(inv, p))) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			vigil_pkg **slot = vigil_vec_push(&inv->pkgs);
			if (!slot) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			*slot = p;
		}
	}
	vigil_qsort(inv->pkgs.data, inv->pkgs.len, sizeof(vigil_pkg *), pkg_sort_cmp);
	/* one OS package recorded by two databases (rpm's old and new paths, chisel
	 * manifests copied to several directories) is one package: keep the first */
	size_t kept = 0;
	for (size_t i = 0; i < inv->pkgs.len; i++) {
		vigil_pkg *p = VIGIL_VEC_AT(&inv->pkgs, vigil_pkg *, i);
		vigil_pkg *q = kept ? VIGIL_VEC_AT(&inv->pkgs, vigil_pkg *, kept - 1) : NULL;
		if (q && p->os_package && q->os_package && strcmp(p->type, q->type) == 0 &&
		    pkg_key_cmp(p, q) == 0)
			continue;
		VIGIL_VEC_AT(&inv->pkgs, vigil_pkg *, kept++) = p;
	}
	inv->pkgs.len = kept;
done:
	vigil_vec_free(&cands);
	vigil_arena_clear(&keys);
	return error;
}

int vigil_catalog__parse_buffer(const vigil_cataloger *c, const char *path, const uint8_t *data,
				size_t len, int (*cb)(const vigil_pkg *p, void *payload),
				void *payload, unsigned *skipped)
{
	static const vigil_inventory_opts defaults = VIGIL_INVENTORY_OPTS_INIT;
	vigil_inventory inv;
	vigil_catalog_result r;
	vigil_file f;
	vigil_vec pk = VIGIL_VEC_INIT(vigil_pkg), ow = VIGIL_VEC_INIT(owned);
	int error;
	memset(&inv, 0, sizeof(inv));
	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	inv.opts = defaults;
	r.inv = &inv;
	r.cat = c;
	r.pkgs = pk;
	r.owned = ow;
	vigil_arena_init(&r.arena);
	r.path = vigil_arena_strdup(&r.arena, path);
	f.path = path;
	f.size = len;
	f.type = VIGIL_FT_FILE;
	f.removed_by = -1;
	error = r.path ? c->parse(&r, &f, data ? data : (const uint8_t *)"", len) : VIGIL_ENOMEM;
	for (size_t i = 0; i < r.pkgs.len && cb; i++) {
		int e2 = cb(&VIGIL_VEC_AT(&r.pkgs, vigil_pkg, i), payload);
		if (e2 != 0) {
			error = e2;
			break;
		}
	}
	if (skipped)
		*skipped = r.skipped;
	vigil_vec_free(&r.pkgs);
	vigil_vec_free(&r.owned);
	vigil_arena_clear(&r.arena);
	return error;
}

static int result_path_cmp(const void *a, const void *b)
{
	return strcmp((*(vigil_catalog_result *const *)a)->path,
		      (*(vigil_catalog_result *const *)b)->path);
}

int vigil_catalog__finish_buffers(const vigil_cataloger *c, const char *const *paths,
				  const uint8_t *const *data, const size_t *lens, size_t n,
				  int (*cb)(const vigil_pkg *p, void *payload), void *payload)
{
	static const vigil_inventory_opts defaults = VIGIL_INVENTORY_OPTS_INIT;
	vigil_inventory inv;
	vigil_catalog_result *rs = calloc(n ? n : 1, sizeof(*rs));
	vigil_catalog_result **fin = calloc(n ? n : 1, sizeof(*fin));
	size_t nf = 0;
	int error = 0;
	memset(&inv, 0, sizeof(inv));
	inv.opts = defaults;
	if (!rs || !fin) {
		free(rs);
		free(fin);
		return VIGIL_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		vigil_catalog_result *r = &rs[i];
		vigil_vec pk = VIGIL_VEC_INIT(vigil_pkg), ow = VIGIL_VEC_INIT(owned);
		vigil_file f;
		memset(&f, 0, sizeof(f));
		r->inv = &inv;
		r->cat = c;
		r->pkgs = pk;
		r->owned = ow;
		vigil_arena_init(&r->arena);
		if (!(r->path = vigil_arena_strdup(&r->arena, paths[i]))) {
			error = VIGIL_ENOMEM;
			continue;
		}
		f.path = paths[i];
		f.size = lens[i];
		f.type = VIGIL_FT_FILE;
		f.removed_by = -1;
		/* a file parse() refuses is not in the final set, as in an inventory */
		if (c->want(&f, NULL, 0) != VIGIL_WANT_NO &&
		    c->parse(r, &f, data[i] ? data[i] : (const uint8_t *)"", lens[i]) >= 0)
			fin[nf++] = r;
	}
	vigil_qsort(fin, nf, sizeof(*fin), result_path_cmp);
	if (error == 0 && c->finish && nf)
		error = c->finish(fin, nf);
	for (size_t i = 0; i < nf && error == 0 && cb; i++)
		for (size_t k = 0; k < fin[i]->pkgs.len && error == 0; k++)
			error = cb(&VIGIL_VEC_AT(&fin[i]->pkgs, vigil_pkg, k), payload);
	for (size_t i = 0; i < n; i++) {
		vigil_vec_free(&rs[i].pkgs);
		vigil_vec_free(&rs[i].owned);
		vigil_arena_clear(&rs[i].arena);
	}
	free(rs);
	free(fin);
	return error;
}

/* ---- inventories loaded from a file (src/lib/pipeline/inventory_json.c) ---- */

int vigil_inventory__new_empty(vigil_inventory **out)
{
	vigil_inventory *inv = calloc(1, sizeof(*inv));
	vigil_vec rv = VIGIL_VEC_INIT(vigil_catalog_result *), pv = VIGIL_VEC_INIT(vigil_pkg *),
		  uv = VIGIL_VEC_INIT(vigil_unread);
	*out = NULL;
	if (!inv)
		return VIGIL_ENOMEM;
	inv->unread = uv;
	inv->results = rv;
	inv->pkgs = pv;
	vigil_arena_init(&inv->arena);
	pthread_mutex_init(&inv->lock, NULL);
	inv->finished = 1;
	*out = inv;
	return 0;
}

vigil_arena *vigil_inventory__arena(vigil_inventory *inv)
{
	return &inv->arena;
}

vigil_distro *vigil_inventory__distro_mut(vigil_inventory *inv)
{
	return &inv->distro;
}

int vigil_inventory__push(vigil_inventory *inv, vigil_pkg *p)
{
	vigil_pkg **slot = vigil_vec_push(&inv->pkgs);
	if (!slot)
		return VIGIL_ENOMEM;
	*slot = p;
	return 0;
}
