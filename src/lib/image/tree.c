/*
 * The merged view: a tree of nodes built by applying each layer's records in order,
 * as a runtime's overlay would see the result. Directory children are found through
 * one hash table keyed by (parent, name). Deleted nodes stay in the table (so the same
 * path can be revived) but are unlinked from their parent's child list, so every
 * node dies at most once per life and applying a layer costs time linear in its size.
 */
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define NONE UINT32_MAX
#define MAX_HOPS 40

/* What a layer wrote for a path: kept by live nodes and by removed versions. */
typedef struct attrs {
	const char *link;
	uint64_t size;
	int64_t mtime;
	uint32_t mode, uid, gid, rmaj, rmin;
	int32_t layer;
	uint8_t type;
} attrs;

typedef struct node {
	const char *name;
	attrs a;
	uint32_t parent, first_child, next, prev, hnext;
	uint32_t hash;
	uint32_t ino; /* hard links share their target's; a new entry gets a new one */
	uint8_t alive;
} node;

typedef struct hist {
	const char *path;
	attrs a;
	int32_t removed_by;
	uint8_t status;
} hist;

typedef struct witem {
	const char *path;
	uint32_t node; /* NONE for a history item */
	uint32_t hist;
	int32_t layer;
} witem;

struct vigil_tree {
	vigil_vec nodes; /* node */
	uint32_t *buckets;
	uint32_t nbuckets;
	vigil_arena strings;
	int keep_history;
	vigil_vec history; /* hist */
	vigil_vec stack;   /* uint32_t, scratch for subtree walks */
	vigil_buf path;	   /* scratch for building paths */
	int layer;	   /* the layer being applied */
	uint32_t next_ino;
	/* the sorted items of a whole-tree walk, kept until the next apply (a scan's
	 * analyzers walk the finished tree several times: sorted once, not per walk) */
	vigil_vec order; /* witem */
	vigil_arena order_paths;
	int order_ok;
	/* the directory the last entry went into: the next entries of a layer are mostly in
	 * the same one (resolving it again from the root, per entry, was a third of applying
	 * a layer); forgotten whenever a node dies, and at each apply */
	vigil_buf last_dir;
	uint32_t last_parent;
	int last_ok;
};

#define N(t, i) (&VIGIL_AT_NODE(t, i))
#define VIGIL_AT_NODE(t, i) VIGIL_VEC_AT(&(t)->nodes, node, i)

static uint32_t name_hash(uint32_t parent, const char *s, size_t n)
{
	uint32_t h = 2166136261u ^ parent * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

int vigil_image__tree_new(vigil_tree **out, int keep_history)
{
	vigil_tree *t = calloc(1, sizeof(*t));
	vigil_vec nodes = VIGIL_VEC_INIT(node), hv = VIGIL_VEC_INIT(hist),
		  st = VIGIL_VEC_INIT(uint32_t);
	*out = NULL;
	if (!t)
		return VIGIL_ENOMEM;
	t->nodes = nodes;
	t->history = hv;
	t->stack = st;
	t->keep_history = keep_history;
	vigil_arena_init(&t->strings);
	vigil_vec order = VIGIL_VEC_INIT(witem);
	t->order = order;
	vigil_arena_init(&t->order_paths);
	t->nbuckets = 1024;
	t->buckets = malloc(t->nbuckets * sizeof(uint32_t));
	node *root = vigil_vec_push(&t->nodes);
	if (!t->buckets || !root) {
		vigil_image__tree_free(t);
		return VIGIL_ENOMEM;
	}
	memset(t->buckets, 0xff, t->nbuckets * sizeof(uint32_t));
	root->name = "";
	root->parent = root->first_child = root->next = root->prev = root->hnext = NONE;
	root->a.type = VIGIL_FT_DIR;
	root->a.mode = 0755;
	root->alive = 1;
	root->a.layer = -1;
	*out = t;
	return 0;
}

void vigil_image__tree_free(vigil_tree *t)
{
	if (!t)
		return;
	vigil_vec_free(&t->nodes);
	vigil_vec_free(&t->history);
	vigil_vec_free(&t->stack);
	vigil_buf_free(&t->path);
	vigil_arena_clear(&t->strings);
	vigil_vec_free(&t->order);
	vigil_arena_clear(&t->order_paths);
	vigil_buf_free(&t->last_dir);
	free(t->buckets);
	free(t);
}

static int rehash(vigil_tree *t)
{
	uint32_t nb = t->nbuckets * 2;
	uint32_t *b = malloc((size_t)nb * sizeof(uint32_t));
	if (!b)
		return VIGIL_ENOMEM;
	memset(b, 0xff, (size_t)nb * sizeof(uint32_t));
	for (uint32_t i = 1; i < t->nodes.len; i++) {
		node *n = N(t, i);
		uint32_t slot = n->hash & (nb - 1);
		n->hnext = b[slot];
		b[slot] = i;
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
	return 0;
}

/* The child `name` of `parent`, alive or dead, or NONE. */
static uint32_t find_child(vigil_tree *t, uint32_t parent, const char *name, size_t len)
{
	uint32_t h = name_hash(parent, name, len);
	for (uint32_t i = t->buckets[h & (t->nbuckets - 1)]; i != NONE; i = N(t, i)->hnext) {
		node *n = N(t, i);
		if (n->hash == h && n->parent == parent && strncmp(n->name, name, len) == 0 &&
		    n->name[len] == '\0')
			return i;
	}
	return NONE;
}

static void link_child(vigil_tree *t, uint32_t parent, uint32_t i)
{
	node *p = N(t, parent), *n = N(t, i);
	n->prev = NONE;
	n->next = p->first_child;
	if (p->first_child != NONE)
		N(t, p->first_child)->prev = i;
	p->first_child = i;
}

static void unlink_child(vigil_tree *t, uint32_t i)
{
	node *n = N(t, i);
	if (n->prev != NONE)
		N(t, n->prev)->next = n->next;
	else
		N(t, n->parent)->first_child = n->next;
	if (n->next != NONE)
		N(t, n->next)->prev = n->prev;
	n->next = n->prev = NONE;
}

/* Returns the (possibly dead) child `name` of `parent`, creating it when missing. */
static int get_child(vigil_tree *t, uint32_t parent, const char *name, size_t len, uint32_t *out)
{
	uint32_t i = find_child(t, parent, name, len);
	if (i != NONE) {
		*out = i;
		return 0;
	}
	if (t->nodes.len >= NONE - 1)
		return VIGIL_ELIMIT;
	if (t->nodes.len >= (size_t)t->nbuckets && rehash(t) < 0)
		return VIGIL_ENOMEM;
	const char *nm = vigil_arena_strndup(&t->strings, name, len);
	node *n = vigil_vec_push(&t->nodes);
	if (!nm || !n)
		return VIGIL_ENOMEM;
	i = (uint32_t)(t->nodes.len - 1);
	n->name = nm;
	n->parent = parent;
	n->first_child = n->next = n->prev = NONE;
	n->hash = name_hash(parent, name, len);
	uint32_t slot = n->hash & (t->nbuckets - 1);
	n->hnext = t->buckets[slot];
	t->buckets[slot] = i;
	*out = i;
	return 0;
}

/* Builds the absolute path of node i into t->path. */
static int build_path(vigil_tree *t, uint32_t i)
{
	size_t len = 0;
	for (uint32_t j = i; j != 0 && j != NONE; j = N(t, j)->parent)
		len += strlen(N(t, j)->name) + 1;
	t->path.len = 0;
	int error = vigil_buf_grow(&t->path, len + 1);
	if (error < 0)
		return error;
	char *p = (char *)t->path.data;
	p[len] = '\0';
	if (len == 0) {
		p[0] = '/';
		p[1] = '\0';
		len = 1;
	}
	size_t at = len;
	for (uint32_t j = i; j != 0 && j != NONE; j = N(t, j)->parent) {
		size_t n = strlen(N(t, j)->name);
		at -= n;
		memcpy(p + at, N(t, j)->name, n);
		p[--at] = '/';
	}
	t->path.len = len;
	return 0;
}

static int record_history(vigil_tree *t, uint32_t i, int status)
{
	if (!t->keep_history || N(t, i)->a.layer == t->layer)
		return 0; /* a layer rewriting its own entry leaves no version behind */
	node *n = N(t, i);
	int error = build_path(t, i);
	if (error < 0)
		return error;
	hist *h = vigil_vec_push(&t->history);
	if (!h)
		return VIGIL_ENOMEM;
	n = N(t, i);
	if (!(h->path = vigil_arena_strdup(&t->strings, (char *)t->path.data)))
		return VIGIL_ENOMEM;
	h->a = n->a;
	h->status = (uint8_t)status;
	h->removed_by = t->layer;
	return 0;
}

/* Kills node i and everything alive below it. With `self` unset, only its children. */
static int kill_subtree(vigil_tree *t, uint32_t i, int self, int status)
{
	int error;
	t->last_ok = 0; /* a directory resolved before may be dead */
	t->stack.len = 0;
	if (self) {
		uint32_t *s = vigil_vec_push(&t->stack);
		if (!s)
			return VIGIL_ENOMEM;
		*s = i;
	} else {
		for (uint32_t c = N(t, i)->first_child; c != NONE; c = N(t, c)->next) {
			uint32_t *s = vigil_vec_push(&t->stack);
			if (!s)
				return VIGIL_ENOMEM;
			*s = c;
		}
	}
	while (t->stack.len) {
		uint32_t j = VIGIL_VEC_AT(&t->stack, uint32_t, --t->stack.len);
		if ((error = record_history(t, j, status)) < 0)
			return error;
		for (uint32_t c = N(t, j)->first_child; c != NONE; c = N(t, c)->next) {
			uint32_t *s = vigil_vec_push(&t->stack);
			if (!s)
				return VIGIL_ENOMEM;
			*s = c;
		}
		N(t, j)->first_child = NONE; /* children are all dying: drop the list */
		N(t, j)->alive = 0;
		if (j != i || !self)
			N(t, j)->next = N(t, j)->prev = NONE;
	}
	if (self)
		unlink_child(t, i);
	else
		N(t, i)->first_child = NONE;
	return 0;
}

static void set_attrs(node *n, const vigil_rec *r, int layer)
{
	n->a.type = r->type;
	n->a.mode = r->mode & 07777;
	n->a.uid = r->uid;
	n->a.gid = r->gid;
	n->a.size = r->type == VIGIL_FT_FILE ? r->size : 0;
	n->a.mtime = r->mtime;
	n->a.rmaj = r->rmaj;
	n->a.rmin = r->rmin;
	n->a.link = r->link;
	n->a.layer = layer;
}

/* Makes node i (dead or not a directory) a live implicit directory of this layer. */
static int make_implicit_dir(vigil_tree *t, uint32_t parent, uint32_t i)
{
	node *n = N(t, i);
	int error;
	if (n->alive) {
		if ((error = record_history(t, i, VIGIL_FS_OVERWRITTEN)) < 0)
			return error;
	} else {
		link_child(t, parent, i);
	}
	n = N(t, i);
	n->alive = 1;
	n->a.type = VIGIL_FT_DIR;
	n->a.mode = 0755;
	n->a.uid = n->a.gid = 0;
	n->a.size = 0;
	n->a.link = NULL;
	n->a.mtime = 0;
	n->a.layer = t->layer;
	return 0;
}

/* How resolve() treats the last component of a path. */
enum { LAST_NOFOLLOW = 0, LAST_FOLLOW, LAST_DIR };

static int resolve(vigil_tree *t, uint32_t start, const char *path, int last_mode, int create,
		   int *hops, uint32_t *out);

/* One step down from directory `cur` to its child `name`. Symlinks are followed
 * unless mode is LAST_NOFOLLOW; with LAST_DIR the result must be a directory and,
 * when `create` is set, a missing or non-directory child becomes an implicit one. */
static int step(vigil_tree *t, uint32_t cur, const char *name, size_t len, int mode, int create,
		int *hops, uint32_t *out)
{
	uint32_t c;
	int error;
	if (len == 1 && name[0] == '.') {
		*out = cur;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = cur == 0 ? 0 : N(t, cur)->parent;
		return 0;
	}
	if (create && mode == LAST_DIR) {
		if ((error = get_child(t, cur, name, len, &c)) < 0)
			return error;
	} else if ((c = find_child(t, cur, name, len)) == NONE || !N(t, c)->alive) {
		return VIGIL_ENOTFOUND;
	}
	node *n = N(t, c);
	if (n->alive && n->a.type == VIGIL_FT_SYMLINK && mode != LAST_NOFOLLOW) {
		if (++*hops > MAX_HOPS)
			return VIGIL_EFORMAT;
		const char *target = n->a.link ? n->a.link : "";
		return resolve(t, target[0] == '/' ? 0 : cur, target, mode, create, hops, out);
	}
	if (!n->alive || (mode == LAST_DIR && n->a.type != VIGIL_FT_DIR)) {
		if (!create)
			return VIGIL_ENOTFOUND;
		if ((error = kill_subtree(t, c, 0, VIGIL_FS_DELETED)) < 0 ||
		    (error = make_implicit_dir(t, cur, c)) < 0)
			return error;
	}
	*out = c;
	return 0;
}

/* Resolves `path` from directory `start`, chroot-like: `..` at the root stays there,
 * absolute symlinks restart at the root. VIGIL_EFORMAT means a symbolic link loop. */
static int resolve(vigil_tree *t, uint32_t start, const char *path, int last_mode, int create,
		   int *hops, uint32_t *out)
{
	uint32_t cur = start;
	const char *p = path;
	int error;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *rest = p + len;
		while (*rest == '/')
			rest++;
		int last = *rest == '\0';
		if ((error = step(t, cur, p, len, last ? last_mode : LAST_DIR, create, hops,
				  &cur)) < 0)
			return error;
		p = rest;
	}
	if (last_mode == LAST_DIR && N(t, cur)->a.type != VIGIL_FT_DIR)
		return VIGIL_ENOTFOUND;
	*out = cur;
	return 0;
}

/* Splits a cleaned relative path into parent directory (resolved) and last name. */
static int resolve_parent(vigil_tree *t, const char *path, int create, uint32_t *parent,
			  const char **name)
{
	const char *slash = strrchr(path, '/');
	int hops = 0, error;
	*name = slash ? slash + 1 : path;
	*parent = 0;
	if (!slash)
		return 0;
	size_t dlen = (size_t)(slash - path);
	if (t->last_ok && t->last_dir.len == dlen && memcmp(t->last_dir.data, path, dlen) == 0) {
		*parent = t->last_parent;
		return 0;
	}
	t->last_ok = 0;
	t->last_dir.len = 0;
	if ((error = vigil_buf_put(&t->last_dir, path, dlen)) < 0 ||
	    (error = vigil_buf_cstr(&t->last_dir)) < 0)
		return error;
	error = resolve(t, 0, (char *)t->last_dir.data, LAST_DIR, create, &hops, parent);
	if (error == 0 && N(t, *parent)->a.type != VIGIL_FT_DIR)
		error = VIGIL_ENOTFOUND;
	if (error == 0) {
		t->last_parent = *parent;
		t->last_ok = 1;
	}
	return error;
}

static int apply_entry(vigil_tree *t, const vigil_rec *r)
{
	uint32_t parent, i;
	const char *name;
	int error;
	if (r->path[0] == '\0')
		return 0; /* the root itself */
	if ((error = resolve_parent(t, r->path, 1, &parent, &name)) < 0)
		return error;
	if ((error = get_child(t, parent, name, strlen(name), &i)) < 0)
		return error;
	node *n = N(t, i);
	if (n->alive) {
		if (!(n->a.type == VIGIL_FT_DIR && r->type == VIGIL_FT_DIR) &&
		    (error = kill_subtree(t, i, 0, VIGIL_FS_DELETED)) < 0)
			return error;
		if ((error = record_history(t, i, VIGIL_FS_OVERWRITTEN)) < 0)
			return error;
	} else {
		link_child(t, parent, i);
	}
	n = N(t, i);
	n->alive = 1;
	const char *link = NULL;
	if (r->link && r->type == VIGIL_FT_HARDLINK)
		link = vigil_arena_printf(&t->strings, "/%s",
					  r->link); /* absolute, as documented */
	else if (r->link)
		link = vigil_arena_strdup(&t->strings, r->link);
	if (r->link && !link)
		return VIGIL_ENOMEM;
	set_attrs(n, r, t->layer);
	n->a.link = link;
	if (r->type == VIGIL_FT_DIR && n->ino)
		return 0; /* a directory keeps its identity when a layer lists it again */
	n->ino = ++t->next_ino;
	if (r->type == VIGIL_FT_HARDLINK) {
		/* the link shares its target's inode: attributes and content are the target's */
		uint32_t target;
		int hops = 0;
		if (resolve(t, 0, r->link, LAST_NOFOLLOW, 0, &hops, &target) == 0 && target != i &&
		    (N(t, target)->a.type == VIGIL_FT_FILE ||
		     N(t, target)->a.type == VIGIL_FT_HARDLINK)) {
			node *tg = N(t, target);
			n = N(t, i);
			n->ino = tg->ino;
			n->a.size = tg->a.size;
			n->a.mode = tg->a.mode;
			n->a.uid = tg->a.uid;
			n->a.gid = tg->a.gid;
			n->a.mtime = tg->a.mtime;
		}
	}
	return 0;
}

/* A hard link is reported as one while its target still is the same inode; once the
 * target is deleted or replaced, the link is what remains of it: a regular file. */
static vigil_ftype reported_type(vigil_tree *t, node *n, uint64_t *size)
{
	uint32_t target;
	int hops = 0;
	*size = n->a.size;
	if (n->a.type != VIGIL_FT_HARDLINK)
		return (vigil_ftype)n->a.type;
	if (n->a.link && resolve(t, 0, n->a.link, LAST_NOFOLLOW, 0, &hops, &target) == 0 &&
	    N(t, target)->alive && N(t, target)->ino == n->ino && N(t, target) != n) {
		*size = 0;
		return VIGIL_FT_HARDLINK;
	}
	return VIGIL_FT_FILE;
}

static int apply_whiteout(vigil_tree *t, const vigil_rec *r, int opaque)
{
	uint32_t parent, i;
	const char *name;
	int error = resolve_parent(t, r->path, 0, &parent, &name);
	if (error == VIGIL_ENOTFOUND)
		return 0; /* nothing below to hide */
	if (error < 0)
		return error;
	if (opaque && r->path[0] == '\0')
		i = 0;
	else if ((i = find_child(t, parent, name, strlen(name))) == NONE || !N(t, i)->alive)
		return 0;
	if (opaque)
		return N(t, i)->a.type == VIGIL_FT_DIR ? kill_subtree(t, i, 0, VIGIL_FS_DELETED)
						       : 0;
	return kill_subtree(t, i, 1, VIGIL_FS_DELETED);
}

int vigil_image__tree_apply(vigil_tree *t, const vigil_rec *recs, size_t n, int layer,
			    const char **bad)
{
	int error = 0;
	t->layer = layer;
	*bad = NULL;
	t->last_ok = 0;
	if (t->order_ok) { /* the tree changes: the kept walk order is stale */
		t->order_ok = 0;
		t->order.len = 0;
		vigil_arena_clear(&t->order_paths);
	}
	for (int pass = 0; pass < 3; pass++) {
		for (size_t k = 0; k < n; k++) {
			const vigil_rec *r = &recs[k];
			int want = pass == 0 ? REC_OPAQUE : pass == 1 ? REC_WHITEOUT : REC_ENTRY;
			if (r->kind != want)
				continue;
			if (pass == 2)
				error = apply_entry(t, r);
			else
				error = apply_whiteout(t, r, pass == 0);
			if (error < 0) {
				*bad = r->path;
				return error;
			}
		}
	}
	return 0;
}

int vigil_image__tree_lookup(vigil_tree *t, const char *path, int follow, uint32_t *out)
{
	int hops = 0;
	return resolve(t, 0, path, follow ? LAST_FOLLOW : LAST_NOFOLLOW, 0, &hops, out);
}

/* The public view of stored attributes (path and status left to the caller). */
static void attrs_file(const attrs *a, vigil_file *f)
{
	memset(f, 0, sizeof(*f));
	f->link = a->link;
	f->size = a->size;
	f->mtime = a->mtime;
	f->mode = a->mode;
	f->uid = a->uid;
	f->gid = a->gid;
	f->rdev_major = a->rmaj;
	f->rdev_minor = a->rmin;
	f->layer = a->layer;
	f->type = (vigil_ftype)a->type;
	f->removed_by = -1;
}

/* The public view of a live node: a hard link may be reported as the file it became. */
static void node_file(vigil_tree *t, node *n, vigil_file *f)
{
	attrs_file(&n->a, f);
	f->type = reported_type(t, n, &f->size);
	if (f->type == VIGIL_FT_FILE)
		f->link = NULL;
	f->status = VIGIL_FS_PRESENT;
}

int vigil_image__tree_file(vigil_tree *t, uint32_t i, vigil_file *f)
{
	int error = build_path(t, i);
	if (error < 0)
		return error;
	node_file(t, N(t, i), f);
	f->path = (char *)t->path.data;
	return 0;
}

void vigil_image__tree_totals(vigil_tree *t, uint64_t *files, uint64_t *bytes)
{
	uint64_t nf = 0, nb = 0;
	for (size_t i = 1; i < t->nodes.len; i++) {
		node *n = N(t, i);
		if (!n->alive)
			continue;
		nf++;
		nb += n->a.size;
	}
	*files = nf;
	*bytes = nb;
}

/* ---- ordered walk ---- */

static int witem_cmp(const void *a, const void *b)
{
	const witem *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->layer < y->layer ? -1 : x->layer > y->layer;
}

/* Collects the items of the subtree of `start` (live nodes, then the history below its
 * path) into `items`, their paths in `paths`, sorted by path then layer. */
static int collect(vigil_tree *t, uint32_t start, vigil_vec *items, vigil_arena *paths)
{
	size_t prefix_len = 0;
	char *prefix = NULL;
	int error;
	if (start != 0) {
		if ((error = build_path(t, start)) < 0)
			return error;
		if (!(prefix = vigil_arena_strdup(paths, (char *)t->path.data)))
			return VIGIL_ENOMEM;
		prefix_len = strlen(prefix);
	}
	/* live nodes below start (depth first, then sorted) */
	t->stack.len = 0;
	uint32_t *s = vigil_vec_push(&t->stack);
	if (!s)
		return VIGIL_ENOMEM;
	*s = start;
	while (t->stack.len) {
		uint32_t j = VIGIL_VEC_AT(&t->stack, uint32_t, --t->stack.len);
		if (j != 0) {
			witem *w = vigil_vec_push(items);
			if (!w)
				return VIGIL_ENOMEM;
			if ((error = build_path(t, j)) < 0)
				return error;
			if (!(w->path = vigil_arena_strdup(paths, (char *)t->path.data)))
				return VIGIL_ENOMEM;
			w->node = j;
			w->layer = N(t, j)->a.layer;
		}
		for (uint32_t c = N(t, j)->first_child; c != NONE; c = N(t, c)->next) {
			if (!(s = vigil_vec_push(&t->stack)))
				return VIGIL_ENOMEM;
			*s = c;
		}
	}
	for (size_t k = 0; k < t->history.len; k++) {
		hist *h = &VIGIL_VEC_AT(&t->history, hist, k);
		if (prefix && !(strncmp(h->path, prefix, prefix_len) == 0 &&
				(h->path[prefix_len] == '\0' || h->path[prefix_len] == '/')))
			continue;
		witem *w = vigil_vec_push(items);
		if (!w)
			return VIGIL_ENOMEM;
		w->path = h->path;
		w->node = NONE;
		w->hist = (uint32_t)k;
		w->layer = h->a.layer;
	}
	vigil_qsort(items->data, items->len, sizeof(witem), witem_cmp);
	return 0;
}

/* Walks the subtree of `start` in path order. A walk of the whole tree keeps its sorted
 * items until the next apply: the analyzers' finishes walk the same finished tree. */
int vigil_image__tree_walk(vigil_tree *t, uint32_t start, vigil_file_cb cb, void *payload)
{
	vigil_vec own = VIGIL_VEC_INIT(witem);
	vigil_arena paths;
	vigil_vec *items = &own;
	int error = 0;
	vigil_arena_init(&paths);
	if (start == 0) {
		items = &t->order;
		if (!t->order_ok) {
			t->order.len = 0;
			vigil_arena_clear(&t->order_paths);
			if ((error = collect(t, 0, &t->order, &t->order_paths)) < 0)
				goto done;
			t->order_ok = 1;
		}
	} else if ((error = collect(t, start, &own, &paths)) < 0) {
		goto done;
	}
	/* by index: a callback may walk again (the kept items are not changed by a walk) */
	for (size_t k = 0; k < items->len; k++) {
		const witem *w = &VIGIL_VEC_AT(items, witem, k);
		vigil_file f;
		memset(&f, 0, sizeof(f));
		if (w->node != NONE) {
			node_file(t, N(t, w->node), &f);
		} else {
			hist *h = &VIGIL_VEC_AT(&t->history, hist, w->hist);
			attrs_file(&h->a, &f);
			f.status = (vigil_fstatus)h->status;
			f.removed_by = h->removed_by;
		}
		f.path = w->path;
		if ((error = cb(&f, payload)) != 0)
			goto done;
	}
done:
	vigil_vec_free(&own);
	vigil_arena_clear(&paths);
	return error;
}
