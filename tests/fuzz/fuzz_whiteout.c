/*
 * Fuzzes the merged view: each input line is a record "<layer> <op> <path> [<target>]"
 * with op f (file), d (dir), l (symlink), h (hardlink), w (whiteout), o (opaque);
 * layers are applied in order, then the tree is walked and looked up.
 */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

/* Splits off the next space-separated word of *s (in place); NULL when none is left. */
static char *word(char **s)
{
	char *p = *s;
	while (p && *p == ' ')
		p++;
	if (!p || !*p)
		return NULL;
	char *e = strchr(p, ' ');
	if (e)
		*e++ = '\0';
	*s = e;
	return p;
}

static int walk_cb(const vigil_file *f, void *payload)
{
	(void)f;
	(*(int *)payload)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_tree *t;
	vigil_limits lim = VIGIL_LIMITS_INIT;
	vigil_rec recs[512];
	vigil_buf path[512], link[512];
	char *text = malloc(size + 1);
	int n = 0, layer = 0, count = 0;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vigil_image__tree_new(&t, 1) < 0) {
		free(text);
		return 0;
	}
	memset(path, 0, sizeof(path));
	memset(link, 0, sizeof(link));
	for (char *line = text; line && n < 512;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *rest = line;
		char *l = word(&rest), *op = word(&rest), *p = word(&rest), *tgt = word(&rest);
		line = nl ? nl + 1 : NULL;
		if (!l || !op || !p)
			continue;
		int ln = (int)strtol(l, NULL, 10);
		if (ln != layer && n) {
			const char *bad;
			vigil_image__tree_apply(t, recs, (size_t)n, layer, &bad);
			n = 0;
		}
		layer = ln;
		const char *why;
		if (vigil_image__path_clean(&path[n], p, &lim, &why) < 0)
			continue;
		vigil_rec *r = &recs[n];
		memset(r, 0, sizeof(*r));
		r->path = (char *)path[n].data;
		r->mode = 0755;
		switch (op[0]) {
		case 'd':
			r->type = VIGIL_FT_DIR;
			break;
		case 'l':
			r->type = VIGIL_FT_SYMLINK;
			r->link = tgt ? tgt : "";
			break;
		case 'h':
			r->type = VIGIL_FT_HARDLINK;
			if (!tgt || vigil_image__path_clean(&link[n], tgt, &lim, &why) < 0)
				continue;
			r->link = (char *)link[n].data;
			break;
		case 'w':
			r->kind = REC_WHITEOUT;
			break;
		case 'o':
			r->kind = REC_OPAQUE;
			break;
		default:
			r->type = VIGIL_FT_FILE;
			break;
		}
		n++;
	}
	if (n) {
		const char *bad;
		vigil_image__tree_apply(t, recs, (size_t)n, layer, &bad);
	}
	vigil_image__tree_walk(t, 0, walk_cb, &count);
	uint32_t node;
	vigil_image__tree_lookup(t, "/a/b/c", 1, &node);
	vigil_image__tree_free(t);
	for (int i = 0; i < 512; i++) {
		vigil_buf_free(&path[i]);
		vigil_buf_free(&link[i]);
	}
	free(text);
	return 0;
}
