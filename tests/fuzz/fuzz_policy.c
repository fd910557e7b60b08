/* Fuzzes the policy file loader (YAML) and the OpenVEX reader with the same bytes,
 * then asks the loaded policy about a finding. The loaders read files, so the input
 * goes through a memfd. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const aliases[] = {"GHSA-xxxx-yyyy-zzzz", NULL};
	vigil_policy_subject s = {
		"CVE-2024-0001", aliases, "openssl",	 "pkg:deb/debian/openssl@3.0.1",
		"/usr/lib/x.so", 2,	  "sha256:abcd", "rule:/x:0123"};
	vigil_ctx *ctx = NULL;
	vigil_policy *p = NULL;
	char path[64];
	int fd = memfd_create("policy", 0);
	if (fd < 0 || vigil_ctx_new(&ctx) < 0)
		goto done;
	if (write(fd, data, size) != (ssize_t)size)
		goto done;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vigil_policy_load(&p, ctx, path, "2030-01-01") == 0) {
		vigil_policy__suppress(p, &s, NULL, NULL);
		vigil_policy_config_opts(p);
		vigil_policy_free(p);
	}
	p = NULL;
	if (vigil_policy_new(&p, ctx, "2030-01-01") == 0 && vigil_policy_add_vex(p, path) == 0)
		vigil_policy__suppress(p, &s, NULL, NULL);
done:
	vigil_policy_free(p);
	vigil_ctx_free(ctx);
	if (fd >= 0)
		close(fd);
	return 0;
}
