/* The merged view: whiteouts, opaque directories, replacements, symlinks. */
#include <stdlib.h>

#include "../test.h"
#include "image/image.h"

#define E(p, t)                                                                                    \
	{                                                                                          \
		p, NULL, 0, 0, 0755, 0, 0, 0, 0, t, REC_ENTRY                                      \
	}
#define F(p) E(p, VIGIL_FT_FILE)
#define D(p) E(p, VIGIL_FT_DIR)
#define L(p, target)                                                                               \
	{                                                                                          \
		p, target, 0, 0, 0777, 0, 0, 0, 0, VIGIL_FT_SYMLINK, REC_ENTRY                     \
	}
#define WH(p)                                                                                      \
	{                                                                                          \
		p, NULL, 0, 0, 0, 0, 0, 0, 0, 0, REC_WHITEOUT                                      \
	}
#define OPQ(p)                                                                                     \
	{                                                                                          \
		p, NULL, 0, 0, 0, 0, 0, 0, 0, 0, REC_OPAQUE                                        \
	}

static int apply(vigil_tree *t, const vigil_rec *r, size_t n, int layer)
{
	const char *bad;
	return vigil_image__tree_apply(t, r, n, layer, &bad);
}

static int exists(vigil_tree *t, const char *path)
{
	uint32_t node;
	return vigil_image__tree_lookup(t, path, 0, &node) == 0;
}

static int layer_of(vigil_tree *t, const char *path)
{
	uint32_t node;
	vigil_file f;
	if (vigil_image__tree_lookup(t, path, 0, &node) < 0 ||
	    vigil_image__tree_file(t, node, &f) < 0)
		return -2;
	return f.layer;
}

static int type_of(vigil_tree *t, const char *path)
{
	uint32_t node;
	vigil_file f;
	if (vigil_image__tree_lookup(t, path, 0, &node) < 0 ||
	    vigil_image__tree_file(t, node, &f) < 0)
		return -1;
	return (int)f.type;
}

TEST(test_tree__whiteout_hides_lower_file_and_dir)
{
	vigil_tree *t;
	vigil_rec l0[] = {D("etc"), F("etc/a"),	    F("etc/b"),
			  D("var"), D("var/cache"), F("var/cache/x")};
	vigil_rec l1[] = {WH("etc/a"), WH("var/cache")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 6, 0) == 0);
	CHECK(apply(t, l1, 2, 1) == 0);
	CHECK(!exists(t, "/etc/a"));
	CHECK(exists(t, "/etc/b"));
	CHECK(!exists(t, "/var/cache"));
	CHECK(!exists(t, "/var/cache/x"));
	CHECK(exists(t, "/var"));
	vigil_image__tree_free(t);
}

TEST(test_tree__whiteout_does_not_hide_same_layer_entry)
{
	vigil_tree *t;
	vigil_rec l0[] = {F("a")};
	vigil_rec l1[] = {F("a"), WH("a")}; /* same layer: the entry stays */
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 1, 0) == 0);
	CHECK(apply(t, l1, 2, 1) == 0);
	CHECK(exists(t, "/a"));
	CHECK(layer_of(t, "/a") == 1);
	vigil_image__tree_free(t);
}

TEST(test_tree__opaque_hides_lower_children_only)
{
	vigil_tree *t;
	vigil_rec l0[] = {D("d"), F("d/old"), D("d/sub"), F("d/sub/x")};
	vigil_rec l1[] = {F("d/new"), OPQ("d"), D("d")}; /* marker after a sibling */
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 4, 0) == 0);
	CHECK(apply(t, l1, 3, 1) == 0);
	CHECK(!exists(t, "/d/old"));
	CHECK(!exists(t, "/d/sub/x"));
	CHECK(exists(t, "/d/new"));
	CHECK(layer_of(t, "/d") == 1);
	vigil_image__tree_free(t);
}

TEST(test_tree__file_replaced_by_dir_and_back)
{
	vigil_tree *t;
	vigil_rec l0[] = {F("x"), D("y"), F("y/inner")};
	vigil_rec l1[] = {D("x"), F("x/child"), F("y")};
	CHECK(vigil_image__tree_new(&t, 1) == 0);
	CHECK(apply(t, l0, 3, 0) == 0);
	CHECK(apply(t, l1, 3, 1) == 0);
	CHECK(type_of(t, "/x") == VIGIL_FT_DIR);
	CHECK(exists(t, "/x/child"));
	CHECK(type_of(t, "/y") == VIGIL_FT_FILE);
	CHECK(!exists(t, "/y/inner"));
	vigil_image__tree_free(t);
}

TEST(test_tree__implicit_parents_are_created)
{
	vigil_tree *t;
	vigil_rec l0[] = {F("a/b/c")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 1, 0) == 0);
	CHECK(type_of(t, "/a") == VIGIL_FT_DIR);
	CHECK(type_of(t, "/a/b") == VIGIL_FT_DIR);
	CHECK(layer_of(t, "/a/b") == 0);
	vigil_image__tree_free(t);
}

TEST(test_tree__parent_symlink_is_followed_inside_the_image)
{
	vigil_tree *t;
	/* merged-usr: /lib -> usr/lib; a later layer writes lib/x, which lands in /usr/lib */
	vigil_rec l0[] = {D("usr"), D("usr/lib"), L("lib", "usr/lib")};
	vigil_rec l1[] = {F("lib/x")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 3, 0) == 0);
	CHECK(apply(t, l1, 1, 1) == 0);
	CHECK(type_of(t, "/lib") == VIGIL_FT_SYMLINK);
	CHECK(exists(t, "/usr/lib/x"));
	vigil_image__tree_free(t);
}

TEST(test_tree__absolute_and_escaping_symlinks_stay_in_the_root)
{
	vigil_tree *t;
	uint32_t node;
	vigil_rec l0[] = {D("etc"), F("etc/passwd"), L("up", "../../../../etc"), L("abs", "/etc")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 4, 0) == 0);
	CHECK(vigil_image__tree_lookup(t, "/up/passwd", 1, &node) == 0);
	CHECK(vigil_image__tree_lookup(t, "/abs/passwd", 1, &node) == 0);
	vigil_image__tree_free(t);
}

TEST(test_tree__symlink_loop_is_an_error)
{
	vigil_tree *t;
	uint32_t node;
	vigil_rec l0[] = {L("a", "b"), L("b", "a")};
	vigil_rec l1[] = {F("a/x")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 2, 0) == 0);
	CHECK(vigil_image__tree_lookup(t, "/a/x", 1, &node) == VIGIL_EFORMAT);
	CHECK(apply(t, l1, 1, 1) == VIGIL_EFORMAT);
	vigil_image__tree_free(t);
}

static int count_cb(const vigil_file *f, void *payload)
{
	int *c = payload;
	if (f->status == VIGIL_FS_DELETED && strcmp(f->path, "/gone") == 0 && f->removed_by == 1)
		c[0]++;
	if (f->status == VIGIL_FS_OVERWRITTEN && strcmp(f->path, "/keep") == 0 && f->layer == 0)
		c[1]++;
	c[2]++;
	return 0;
}

TEST(test_tree__history_keeps_deleted_and_overwritten)
{
	vigil_tree *t;
	int c[3] = {0, 0, 0};
	vigil_rec l0[] = {F("gone"), F("keep")};
	vigil_rec l1[] = {WH("gone"), F("keep")};
	CHECK(vigil_image__tree_new(&t, 1) == 0);
	CHECK(apply(t, l0, 2, 0) == 0);
	CHECK(apply(t, l1, 2, 1) == 0);
	CHECK(vigil_image__tree_walk(t, 0, count_cb, c) == 0);
	CHECK(c[0] == 1);
	CHECK(c[1] == 1);
	CHECK(c[2] == 3);
	vigil_image__tree_free(t);
}

static int order_cb(const vigil_file *f, void *payload)
{
	char *out = payload;
	strcat(out, f->path);
	strcat(out, " ");
	return 0;
}

TEST(test_tree__walk_is_in_bytewise_path_order)
{
	vigil_tree *t;
	char out[256] = "";
	vigil_rec l0[] = {F("a/b"), F("a-c"), F("B")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 3, 0) == 0);
	CHECK(vigil_image__tree_walk(t, 0, order_cb, out) == 0);
	CHECK_STR(out, "/B /a /a-c /a/b ");
	vigil_image__tree_free(t);
}

/* A walk from a callback sees the same kept order as the walk that calls it. */
typedef struct nest {
	vigil_tree *t;
	char out[256];
} nest;

static int nested_cb(const vigil_file *f, void *payload)
{
	nest *n = payload;
	if (strcmp(f->path, "/a-c") == 0) {
		char inner[128] = "";
		if (vigil_image__tree_walk(n->t, 0, order_cb, inner) != 0)
			return -1;
		strcat(n->out, "[");
		strcat(n->out, inner);
		strcat(n->out, "] ");
	}
	return order_cb(f, n->out);
}

TEST(test_tree__walk_order_kept_until_the_next_layer)
{
	vigil_tree *t;
	char out[256] = "";
	vigil_rec l0[] = {F("a/b"), F("a-c"), F("B")};
	vigil_rec l1[] = {WH("a-c"), F("C"), F("a/a")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 3, 0) == 0);
	CHECK(vigil_image__tree_walk(t, 0, order_cb, out) == 0);
	CHECK_STR(out, "/B /a /a-c /a/b ");
	out[0] = '\0';
	CHECK(vigil_image__tree_walk(t, 0, order_cb, out) == 0); /* from the kept order */
	CHECK_STR(out, "/B /a /a-c /a/b ");
	/* a walk of a subtree, then the whole tree again, from inside a walk */
	out[0] = '\0';
	uint32_t a;
	CHECK(vigil_image__tree_lookup(t, "/a", 0, &a) == 0);
	CHECK(vigil_image__tree_walk(t, a, order_cb, out) == 0);
	CHECK_STR(out, "/a /a/b ");
	nest n = {t, ""};
	CHECK(vigil_image__tree_walk(t, 0, nested_cb, &n) == 0);
	CHECK_STR(n.out, "/B /a [/B /a /a-c /a/b ] /a-c /a/b ");
	/* a new layer: the kept order is stale, the walk sees the new tree */
	CHECK(apply(t, l1, 3, 1) == 0);
	out[0] = '\0';
	CHECK(vigil_image__tree_walk(t, 0, order_cb, out) == 0);
	CHECK_STR(out, "/B /C /a /a/a /a/b ");
	vigil_image__tree_free(t);
}

TEST(test_tree__entry_after_its_directory_became_a_symlink)
{
	vigil_tree *t;
	/* one layer: "d" is a directory, then a symlink to "e": "d/g" goes into "e" */
	vigil_rec l0[] = {D("e"), D("d"), F("d/f"), L("d", "e"), F("d/g")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 5, 0) == 0);
	CHECK(exists(t, "/e/g"));
	CHECK(!exists(t, "/e/f"));
	CHECK(type_of(t, "/d") == VIGIL_FT_SYMLINK);
	vigil_image__tree_free(t);
}

TEST(test_tree__deleting_many_children_is_linear)
{
	vigil_tree *t;
	enum { N = 20000 };
	vigil_rec *r = calloc(N + 1, sizeof(*r));
	char(*names)[16] = calloc(N, 16);
	CHECK(r && names);
	r[0] = (vigil_rec)D("d");
	for (int i = 0; i < N; i++) {
		snprintf(names[i], 16, "d/f%d", i);
		r[i + 1] = (vigil_rec)F(names[i]);
	}
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, r, N + 1, 0) == 0);
	/* many layers each marking the directory opaque and refilling one file */
	for (int l = 1; l < 200; l++) {
		vigil_rec x[] = {OPQ("d"), F("d/f1")};
		CHECK(apply(t, x, 2, l) == 0);
	}
	CHECK(exists(t, "/d/f1"));
	CHECK(!exists(t, "/d/f2"));
	vigil_image__tree_free(t);
	free(r);
	free(names);
}

#define H(p, target)                                                                               \
	{                                                                                          \
		p, target, 0, 0, 0644, 0, 0, 0, 0, VIGIL_FT_HARDLINK, REC_ENTRY                    \
	}

TEST(test_tree__hardlink_outlives_its_deleted_or_replaced_target)
{
	vigil_tree *t;
	uint32_t node;
	vigil_file f;
	vigil_rec l0[] = {{"a", NULL, 13, 0, 0600, 0, 0, 0, 0, VIGIL_FT_FILE, REC_ENTRY},
			  H("b", "a"),
			  F("c"),
			  H("d", "c"),
			  F("e"),
			  H("g", "e")};
	vigil_rec l1[] = {WH("a"), F("c")};
	CHECK(vigil_image__tree_new(&t, 0) == 0);
	CHECK(apply(t, l0, 6, 0) == 0);
	CHECK(apply(t, l1, 2, 1) == 0);
	/* target deleted: the link is a regular file with the target's size and mode */
	CHECK(vigil_image__tree_lookup(t, "/b", 0, &node) == 0);
	CHECK(vigil_image__tree_file(t, node, &f) == 0);
	CHECK(f.type == VIGIL_FT_FILE && f.size == 13 && f.mode == 0600 && f.link == NULL);
	/* target replaced by a new file: the link keeps the old inode */
	CHECK(type_of(t, "/d") == VIGIL_FT_FILE);
	/* target untouched: still reported as a hard link */
	CHECK(vigil_image__tree_lookup(t, "/g", 0, &node) == 0);
	CHECK(vigil_image__tree_file(t, node, &f) == 0);
	CHECK(f.type == VIGIL_FT_HARDLINK && f.size == 0);
	CHECK_STR(f.link, "/e");
	vigil_image__tree_free(t);
}
