/* Fuzzes the AdmissionReview parser of the admission webhook (src/lib/serve) and the
 * answer built from what it parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/admission.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_adm_review *r = NULL;
	char err[512];
	if (vigil_serve__adm_parse(&r, (const char *)data, size, err, sizeof(err)) == 0) {
		/* everything parsed must be usable as-is */
		size_t n = strlen(r->uid) + strlen(r->kind) + strlen(r->name) +
			   strlen(r->namespace) + strlen(r->operation) + strlen(r->user) +
			   (r->object ? strlen(r->object) : 0);
		const char *warn[3] = {r->kind, r->name, NULL};
		for (size_t i = 0; i < r->ncontainers; i++)
			n += strlen(r->containers[i].name) + strlen(r->containers[i].image) +
			     strlen(r->containers[i].field);
		char *resp = vigil_serve__adm_response(r->uid, n % 2, r->operation, warn);
		free(resp);
		vigil_serve__adm_review_free(r);
	} else if (!err[0]) {
		abort(); /* every failure says why */
	}
	return 0;
}
