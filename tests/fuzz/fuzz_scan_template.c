/* Fuzzes the template language of `--format template` (docs/ci.md): the input is the
 * template, applied to a small fixed report with a vulnerability, a secret and a
 * suppressed finding. Parsing must reject what it does not understand before writing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vigil.h"

static const char REPORT[] =
	"{\"vigil_version\": \"0.1.0\", \"image\": {\"name\": \"fuzz:1\"},"
	" \"vulnerabilities\": [{\"id\": \"CVE-2024-1\", \"severity\": \"HIGH\", \"title\": "
	"\"t<&\\\"\","
	"  \"status\": \"fixed\", \"fixed_version\": \"2\", \"package\": {\"name\": \"p\","
	"  \"version\": \"1\", \"type\": \"deb\", \"location\": \"/var/lib/dpkg/status\"},"
	"  \"layer\": {\"index\": 0}}],"
	" \"secrets\": [{\"rule_id\": \"aws\", \"severity\": \"CRITICAL\", \"path\": \"/a\", "
	"\"line\": 3}],"
	" \"malware\": null, \"misconfigurations\": null,"
	" \"suppressed\": [{\"kind\": \"vulnerability\", \"id\": \"CVE-2\", \"reason\": \"policy: "
	"x\","
	"  \"finding\": {\"id\": \"CVE-2\", \"severity\": \"LOW\", \"package\": {\"name\": "
	"\"q\"}}}]}";

static int memfd_path(char path[64], const void *data, size_t size)
{
	int fd = memfd_create("in", 0);
	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx = NULL;
	vigil_report *r = NULL;
	FILE *null = NULL;
	char rpath[64], tpath[64];
	int rfd = -1, tfd = -1;
	if (vigil_ctx_new(&ctx) < 0 || (rfd = memfd_path(rpath, REPORT, strlen(REPORT))) < 0 ||
	    (tfd = memfd_path(tpath, data, size)) < 0)
		goto done;
	if (vigil_report_load_json(&r, ctx, rpath, NULL) != 0)
		abort(); /* the fixed report must load */
	if ((null = fopen("/dev/null", "w"))) {
		vigil_write_opts wo = VIGIL_WRITE_OPTS_INIT;
		wo.template_path = tpath;
		vigil_report_write_ext(null, r, "template", &wo);
	}
done:
	if (null)
		fclose(null);
	vigil_report_free(r);
	vigil_ctx_free(ctx);
	if (rfd >= 0)
		close(rfd);
	if (tfd >= 0)
		close(tfd);
	return 0;
}
