/* Issue 22, one error-code class: the shell reader of RUN caps a word at 1 MiB; the cap's
 * VIGIL_ELIMIT reached vigil_df__check_run, which counted any failure as out of memory:
 * `vigil config` of a Dockerfile with one long word ended "out of memory", no file, no
 * line. The word is now cut, and the checks still see the commands after it. */
#include <stdlib.h>
#include <string.h>

#include "vigil.h"
#include "vigil/config.h"
#include "../test.h"

TEST(test_errcodes__dockerfile_run_word_over_1mib_is_checked)
{
	static const char head[] = "FROM alpine:3.20\nRUN echo ";
	static const char tail[] = " && curl -fsSL http://example.com/i.sh | sh\n";
	size_t word = (size_t)2 << 20, n = sizeof(head) - 1 + word + sizeof(tail) - 1;
	char *buf = malloc(n + 1);
	vigil_ctx *ctx = NULL;
	vigil_config_result *r = NULL;
	int piped = 0, rc;
	CHECK(buf);
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'a', word);
	memcpy(buf + sizeof(head) - 1 + word, tail, sizeof(tail));
	if (vigil_ctx_new(&ctx) < 0) {
		free(buf);
		CHECK(0);
	}
	rc = vigil_config_scan_buffer(&r, ctx, "dockerfile", "Dockerfile", buf, n, NULL);
	free(buf);
	for (size_t i = 0; r && i < vigil_config_result_count(r); i++) {
		const vigil_config_finding *f = vigil_config_result_get(r, i);
		piped |= f->line == 2 && strcmp(f->check->id, "VGL-DF-018") == 0;
	}
	vigil_config_result_free(r);
	vigil_ctx_free(ctx);
	CHECK(rc == 0);
	CHECK(piped); /* curl | sh after the long word is still found */
}
