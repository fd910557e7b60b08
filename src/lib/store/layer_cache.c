/*
 * layer_cache.c - the image reader's per-layer cache (vigil_layer_cache) kept in the
 * store: get and put go to vigil_store_layer_get / _put (SQLite or PostgreSQL, so workers
 * sharing a PostgreSQL store share the cache). No SQL here. docs/layer-cache.md.
 */
#include <string.h>

#include "vigil.h"
#include "vigil/store.h"

static int lc_get(const char *key, const char *diff_id, uint8_t **data, size_t *len, void *payload)
{
	vigil_store_layer_cache *lc = payload;
	(void)diff_id;
	return vigil_store_layer_get(lc->store, key, data, len);
}

static int lc_put(const char *key, const char *diff_id, const uint8_t *data, size_t len,
		  void *payload)
{
	vigil_store_layer_cache *lc = payload;
	return vigil_store_layer_put(lc->store, key, diff_id, data, len, lc->max_bytes);
}

static int lc_touch(const char *key, uint64_t uses, void *payload)
{
	vigil_store_layer_cache *lc = payload;
	return vigil_store_layer_touch(lc->store, key, uses);
}

void vigil_store_layer_cache_init(struct vigil_layer_cache *out, vigil_store_layer_cache *lc)
{
	memset(out, 0, sizeof(*out));
	out->get = lc_get;
	out->put = lc_put;
	out->touch = lc_touch;
	out->payload = lc;
}
