/*
 * Fuzzes the admission webhook's policy file (src/lib/serve/admission_policy.c): the
 * `admission:` section and, from the same file, what `vigil scan --policy` reads. The
 * input is written to a memfd (a regular file: the loader opens the policy by path,
 * twice). Whatever the text: an error leaves no policy and says why; a loaded policy
 * holds only values the section allows, and at least one excluded namespace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "serve/admission.h"

static int action_ok(int a, int allow_ignore)
{
	return a == VIGIL_ADM_DENY || a == VIGIL_ADM_WARN ||
	       (allow_ignore && a == VIGIL_ADM_IGNORE);
}

static int sev_ok(int s)
{
	return (s >= 1 && s <= 4) || s == VIGIL_ADM_SEV_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_admission *a = NULL;
	char path[64], err[1024];
	int fd = memfd_create("admission-policy", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (vigil_serve__admission_new(&a, NULL, path, err, sizeof(err)) < 0) {
		if (a || !err[0])
			abort(); /* an error leaves nothing and says why */
		close(fd);
		return 0;
	}
	if (!a || !sev_ok(a->sev) || !sev_ok(a->k8s_sev) ||
	    (a->fixable_only != 0 && a->fixable_only != 1) || !action_ok(a->kev, 1) ||
	    !action_ok(a->secrets, 1) || !action_ok(a->malware, 1) || !action_ok(a->unknown, 0) ||
	    a->budget_ms < 0 || a->budget_ms > 60000 || a->cache_s < 0 || a->cache_s > 86400 ||
	    a->nexclude < 1)
		abort();
	for (size_t i = 0; i < a->nexclude; i++)
		if (!a->exclude[i])
			abort();
	vigil_serve__admission_free(a);
	close(fd);
	return 0;
}
