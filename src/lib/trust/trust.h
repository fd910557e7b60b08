/* trust.h - internal declarations of the trust module (signatures, trust policy). */
#ifndef VIGIL_TRUST_INTERNAL_H
#define VIGIL_TRUST_INTERNAL_H

#include "internal.h"

/* Upper bound of a signature manifest, payload or referrers index (bytes). */
#define VIGIL_TRUST_MAX_DOC ((size_t)4 << 20)
/* Signature manifests and layers looked at per image, at most. */
#define VIGIL_TRUST_MAX_SIGS 256

/* Decodes standard base64 (padding optional, no whitespace) into a malloc'd buffer.
 * VIGIL_EFORMAT for anything else. */
int vigil_trust__b64decode(unsigned char **out, size_t *out_len, const char *s, size_t n);

#endif
