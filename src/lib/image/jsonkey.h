/* Image metadata keys read the way Go's encoding/json reads them (see jsonkey.c). */
#ifndef VIGIL_IMAGE_JSONKEY_H
#define VIGIL_IMAGE_JSONKEY_H

#include <jansson.h>

/* The member of `obj` whose key equals `name` under Go's case folding (ASCII case,
 * U+017F as 's', U+212A as 'k'); NULL if none or `obj` is not an object. Borrowed. */
json_t *vigil_image__jget(json_t *obj, const char *name);
/* 0 if no object of `doc` (outside label, annotation, port and volume maps) has two keys
 * that fold to the same name; 1 with *a and *b set to two such keys (borrowed from `doc`);
 * VIGIL_ENOMEM, or VIGIL_ELIMIT when nested too deeply. */
int vigil_image__json_keys_check(json_t *doc, const char **a, const char **b);

#endif
