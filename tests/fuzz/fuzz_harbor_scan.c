/* Fuzzes the parser of Harbor's ScanRequest (POST /harbor/api/v1/scan of `vigil serve`):
 * any input gives 0 with a usable request, or 400 / 422 / 501 with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/internal.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_harbor_scan s;
	char msg[600];
	int code = vigil_serve__harbor_parse(&s, (const char *)data, size, msg, sizeof(msg));
	if (code == 0) {
		/* what the server builds a registry reference from must be sane */
		if (!s.host[0] || !s.repository[0] || !vigil_digest_is_sha256(s.digest) ||
		    strchr(s.host, '@') || strchr(s.host, '/') || (!s.want_vuln && !s.want_sbom))
			abort();
		if (s.authorization && strncmp(s.authorization, "Basic ", 6) &&
		    strncmp(s.authorization, "Bearer ", 7) &&
		    strncasecmp(s.authorization, "basic ", 6) &&
		    strncasecmp(s.authorization, "bearer ", 7))
			abort();
	} else if ((code != 400 && code != 422 && code != 501 && code != 500) || !msg[0] ||
		   memchr(msg, '\0', sizeof(msg)) == NULL) {
		abort();
	}
	vigil_serve__harbor_scan_clear(&s);
	return 0;
}
