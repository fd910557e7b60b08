/* The YAML loader: line numbers, several documents, anchors and aliases within bounds,
 * JSON, and hostile input (billion laughs, deep nesting, broken documents). */
#include <stdlib.h>

#include "../test.h"
#include "config/yamlload.h"

static vigil_ystream *load(vigil_ctx **ctx, const char *text, int *error)
{
	vigil_ystream *y = NULL;
	*error = -100;
	if (vigil_ctx_new(ctx) < 0)
		return NULL;
	*error = vigil_yaml__load(&y, *ctx, text, strlen(text));
	return y;
}

TEST(test_yaml__lines_of_every_node)
{
	vigil_ctx *ctx;
	int error;
	vigil_ystream *y = load(&ctx,
				"# comment\n"
				"kind: Pod\n"
				"spec:\n"
				"  containers:\n"
				"  - name: a\n"
				"    image: x\n"
				"  - {name: b, image: y}\n",
				&error);
	CHECK(error == 0 && y && y->ndocs == 1);
	const vigil_ynode *root = y->docs[0];
	CHECK(root->kind == VIGIL_YMAP && root->line == 2);
	CHECK_STR(vigil_yaml__str(vigil_yaml__get(root, "kind")), "Pod");
	CHECK(vigil_yaml__key(root, "spec")->line == 3);
	const vigil_ynode *cs = vigil_yaml__get(vigil_yaml__get(root, "spec"), "containers");
	CHECK(vigil_yaml__len(cs) == 2);
	CHECK(vigil_yaml__at(cs, 0)->line == 5);
	CHECK(vigil_yaml__get(vigil_yaml__at(cs, 0), "image")->line == 6);
	CHECK(vigil_yaml__at(cs, 1)->line == 7);
	CHECK_STR(vigil_yaml__str(vigil_yaml__get(vigil_yaml__at(cs, 1), "image")), "y");
	CHECK(vigil_yaml__at(cs, 2) == NULL);
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);
}

TEST(test_yaml__multi_document_and_json)
{
	vigil_ctx *ctx;
	int error;
	vigil_ystream *y = load(&ctx,
				"a: 1\n"
				"---\n"
				"---\n"
				"{\"b\": [true, \"no\", no]}\n"
				"...\n",
				&error);
	CHECK(error == 0 && y && y->ndocs == 3);
	CHECK(y->docs[1] == NULL || y->docs[1]->kind == VIGIL_YSCALAR); /* empty document */
	CHECK(y->docs[2]->line == 4);
	const vigil_ynode *b = vigil_yaml__get(y->docs[2], "b");
	CHECK(vigil_yaml__bool(vigil_yaml__at(b, 0)) == 1);
	CHECK(vigil_yaml__bool(vigil_yaml__at(b, 1)) == -1); /* quoted: a string */
	CHECK(vigil_yaml__bool(vigil_yaml__at(b, 2)) == 0);
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);
}

TEST(test_yaml__aliases_share_and_are_bounded)
{
	vigil_ctx *ctx;
	int error;
	vigil_ystream *y = load(&ctx, "base: &b {cpu: 1}\nother: *b\n", &error);
	CHECK(error == 0 && y);
	CHECK(vigil_yaml__get(y->docs[0], "base") == vigil_yaml__get(y->docs[0], "other"));
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);

	/* billion laughs: nine levels of ten aliases each */
	const char *lol = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			  "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
			  "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	y = load(&ctx, lol, &error);
	CHECK(error == VIGIL_ELIMIT);
	CHECK(strstr(vigil_ctx_error(ctx), "aliases"));
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);

	/* an anchor cannot contain itself, an unknown alias stops the stream */
	y = load(&ctx, "a: &x [1, *x]\n", &error);
	CHECK(error == 0 && y && y->ndocs == 0 && y->error[0]);
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);
}

TEST(test_yaml__hostile_input)
{
	vigil_ctx *ctx;
	int error;
	vigil_ystream *y;
	size_t n = 200;
	char *deep = malloc(2 * n + 2);
	CHECK(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\n';
	deep[2 * n + 1] = '\0';
	y = load(&ctx, deep, &error);
	free(deep);
	CHECK(error == VIGIL_ELIMIT);
	CHECK(strstr(vigil_ctx_error(ctx), "nesting"));
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);

	/* a syntax error keeps the documents before it */
	y = load(&ctx, "a: 1\n---\nb: [1, 2\n", &error);
	CHECK(error == 0 && y);
	CHECK(y->ndocs == 1);
	CHECK(y->error[0] && y->error_line >= 3);
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);

	/* not UTF-8 */
	y = load(&ctx, "key: \xc3\x28\n", &error);
	CHECK(error == 0 && y && y->error[0]);
	vigil_yaml__free(y);
	vigil_ctx_free(ctx);
}
