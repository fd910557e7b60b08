/* Fuzzes the scan-report JSON loader behind `vigil convert` (a saved report is untrusted:
 * it travels between CI jobs as an artifact), then writes the loaded report in every
 * format convert offers. The loader reads a file, so the input goes through a memfd. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const FORMATS[] = {"table", "json",	 "sarif",
					      "junit", "gitlab", "gitlab-dependency"};
	vigil_ctx *ctx = NULL;
	vigil_report *r = NULL;
	FILE *null = NULL;
	char path[64];
	int fd = memfd_create("report", 0);
	if (fd < 0 || vigil_ctx_new(&ctx) < 0)
		goto done;
	if (write(fd, data, size) != (ssize_t)size)
		goto done;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vigil_report_load_json(&r, ctx, path, NULL) == 0 && (null = fopen("/dev/null", "w"))) {
		vigil_write_opts wo = VIGIL_WRITE_OPTS_INIT;
		wo.show_suppressed = 1;
		wo.width = 80;
		for (size_t i = 0; i < sizeof(FORMATS) / sizeof(FORMATS[0]); i++)
			vigil_report_write_ext(null, r, FORMATS[i], &wo);
		if (vigil_report_failing(r) > vigil_report_finding_count(r))
			abort();
	}
done:
	if (null)
		fclose(null);
	vigil_report_free(r);
	vigil_ctx_free(ctx);
	if (fd >= 0)
		close(fd);
	return 0;
}
