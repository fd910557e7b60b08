/*
 * Fuzzes the registry's authentication inputs: the WWW-Authenticate challenge parser
 * and the docker config.json credential lookup (credential helpers not run). The
 * first line of the input is the host to look up; the rest is the document.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_reg_challenge ch;
	vigil_reg_cred cred;
	char host[256], err[512];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hn = nl ? (size_t)(nl - data) : 0;
	if (vigil_reg__challenge_parse(&ch, (const char *)data, size) == 0) {
		/* the fields are always terminated and the scheme is one we use */
		if (strlen(ch.realm) >= sizeof(ch.realm) ||
		    (strcmp(ch.scheme, "bearer") != 0 && strcmp(ch.scheme, "basic") != 0))
			abort();
	}
	if (!nl || hn >= sizeof(host))
		return 0;
	memcpy(host, data, hn);
	host[hn] = '\0';
	memset(&cred, 0, sizeof(cred));
	if (vigil_reg__cred_from_config(&cred, (const char *)nl + 1, size - hn - 1, host, 0, err,
					sizeof(err)) == 0 &&
	    cred.user && !cred.pass)
		abort();
	vigil_reg__cred_free(&cred);
	return 0;
}
