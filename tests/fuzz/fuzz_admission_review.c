/* Fuzzes the AdmissionReview parser of the admission webhook (src/lib/serve), with an
 * UPDATE's oldObject, and the answer built from what it parsed. */
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
			     strlen(r->containers[i].field) +
			     (size_t)vigil_serve__adm_old_image(r, r->containers[i].image);
		/* an UPDATE's oldObject: its images are distinct, its JSON usable */
		for (size_t i = 0; i < r->nold_images; i++) {
			n += strlen(r->old_images[i]);
			for (size_t j = 0; j < i; j++)
				if (!strcmp(r->old_images[i], r->old_images[j]))
					abort();
		}
		n += r->old_object ? strlen(r->old_object) : 0;
		char *resp = vigil_serve__adm_response(r->uid, n % 2, r->operation, warn);
		free(resp);
		vigil_serve__adm_review_free(r);
	} else if (!err[0]) {
		abort(); /* every failure says why */
	}
	return 0;
}
