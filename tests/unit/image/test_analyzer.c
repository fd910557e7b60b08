/* Analyzers: every wanted file's content arrives once, including deleted ones. */
#include <stdlib.h>

#include "../test.h"
#include "image/image.h"

/* Appends a ustar entry (regular file or whiteout) to b. */
static void tar_add(vigil_buf *b, const char *name, const char *data)
{
	uint8_t h[512];
	size_t n = strlen(data);
	unsigned sum = 0;
	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)(n & 0777777));
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	vigil_buf_put(b, h, 512);
	vigil_buf_put(b, data, n);
	static const uint8_t zero[512];
	vigil_buf_put(b, zero, (512 - n % 512) % 512);
}

static void tar_end(vigil_buf *b)
{
	static const uint8_t zero[1024];
	vigil_buf_put(b, zero, 1024);
}

typedef struct seen {
	char log[1024];
	int calls;
} seen;

static int want(const vigil_file *f, const uint8_t *head, size_t len, void *payload)
{
	(void)payload;
	/* by name, or by magic: content starting with "#!" */
	if (strstr(f->path, ".env"))
		return VIGIL_WANT_YES;
	if (!head)
		return VIGIL_WANT_HEAD;
	return len >= 2 && memcmp(head, "#!", 2) == 0 ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

static int begin(void **state, const vigil_file *f, void *payload)
{
	seen *s = payload;
	char *line = calloc(1, 256);
	if (!line)
		return VIGIL_ENOMEM;
	snprintf(line, 256, "%s@%d=", f->path, f->layer);
	*state = line;
	s->calls++;
	return 0;
}

static int data(void *state, const uint8_t *p, size_t n, void *payload)
{
	(void)payload;
	strncat(state, (const char *)p, n);
	return 0;
}

static int end(void *state, int error, void *payload)
{
	seen *s = payload;
	if (error == 0) {
		strcat(s->log, state);
		strcat(s->log, ";");
	}
	free(state);
	return 0;
}

TEST(test_analyzer__deleted_files_are_still_analyzed_once)
{
	vigil_ctx *ctx;
	vigil_image *img;
	vigil_buf l0 = VIGIL_BUF_INIT, l1 = VIGIL_BUF_INIT;
	seen s;
	memset(&s, 0, sizeof(s));
	tar_add(&l0, "app/.env", "TOKEN=abc");
	tar_add(&l0, "app/run", "#!/bin/sh");
	tar_add(&l0, "app/readme", "plain");
	tar_end(&l0);
	tar_add(&l1, "app/.wh..env", "");
	tar_end(&l1);
	vigil_member m[2];
	memset(m, 0, sizeof(m));
	m[0].name = "l0";
	m[0].data = l0.data;
	m[0].size = l0.len;
	m[1].name = "l1";
	m[1].data = l1.data;
	m[1].size = l1.len;
	vigil_analyzer a = {"test", want, begin, data, end, &s};
	const vigil_file *f;
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_image__open_mem(&img, ctx, "layers", m, 2, NULL) == 0);
	CHECK(vigil_image_add_analyzer(img, &a) == 0);
	CHECK(vigil_image_read(img) == 0);
	CHECK_STR(s.log, "/app/.env@0=TOKEN=abc;/app/run@0=#!/bin/sh;");
	CHECK(s.calls == 2);
	CHECK(vigil_image_lookup(&f, img, "/app/.env", 0) == VIGIL_ENOTFOUND);
	CHECK(vigil_image_lookup(&f, img, "/app/run", 0) == 0);
	vigil_image_free(img);
	vigil_ctx_free(ctx);
	vigil_buf_free(&l0);
	vigil_buf_free(&l1);
}
