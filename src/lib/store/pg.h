/* store/pg.h - the PostgreSQL backend of vigil/store.h, called by store.c when the store
 * was opened with a postgres:// URL. Not public API. */
#ifndef VIGIL_STORE_PG_H
#define VIGIL_STORE_PG_H

#include "store/store_internal.h"
#include "vigil/store.h"

typedef struct vigil_store_pg vigil_store_pg;

int vigil_store__pg_open(vigil_store_pg **out, const char *url);
void vigil_store__pg_free(vigil_store_pg *p);
int vigil_store__pg_check(vigil_store_pg *p);
int vigil_store__pg_ping(vigil_store_pg *p);
void vigil_store__pg_tune(vigil_store_pg *p, const vigil_store_tuning *t);
int vigil_store__pg_lock(vigil_store_pg *p, int64_t key, int take);
int vigil_store__pg_token_add(vigil_store_pg *p, const char *name, const char *hash,
			      unsigned scopes);
int vigil_store__pg_token_check(vigil_store_pg *p, unsigned *out, const char *hash);
int vigil_store__pg_job_add(vigil_store_pg *p, int64_t *out, const char *kind, const char *ref,
			    const char *repository, const char *tag);
int vigil_store__pg_job_claim(vigil_store_pg *p, vigil_store_job *out);
int vigil_store__pg_job_finish(vigil_store_pg *p, int64_t id, const char *digest,
			       const char *error);
int vigil_store__pg_job_requeue_running(vigil_store_pg *p);
int vigil_store__pg_job_json(vigil_store_pg *p, char **out, int64_t id);
int vigil_store__pg_scan_commit(vigil_store_pg *p, int *out_changed, const vigil_store_scan *sc,
				vigil_store_events_fn events, void *payload);
int vigil_store__pg_event_add(vigil_store_pg *p, const char *event, const char *body);
int vigil_store__pg_digests(vigil_store_pg *p, char ***out, size_t *n);
int vigil_store__pg_text(vigil_store_pg *p, char **out, const char *column, const char *digest);
int vigil_store__pg_images_json(vigil_store_pg *p, char **out, const vigil_store_filter *f);
int vigil_store__pg_history_json(vigil_store_pg *p, char **out, const char *digest);
int vigil_store__pg_vuln_images_json(vigil_store_pg *p, char **out, const char *vuln_id);
int vigil_store__pg_webhook_add(vigil_store_pg *p, int64_t *out, const char *url,
				const char *events, const char *secret);
int vigil_store__pg_webhooks_json(vigil_store_pg *p, char **out);
int vigil_store__pg_webhook_delete(vigil_store_pg *p, int64_t id);
int vigil_store__pg_deliveries_json(vigil_store_pg *p, char **out, int64_t webhook_id);
int vigil_store__pg_delivery_next(vigil_store_pg *p, vigil_store_delivery *out, int64_t now);
int vigil_store__pg_delivery_result(vigil_store_pg *p, int64_t id, int ok, int code,
				    const char *error, int64_t next_at);
int vigil_store__pg_stats(vigil_store_pg *p, vigil_store_stats *out);
/* the per-layer cache */
int vigil_store__pg_layer_get(vigil_store_pg *p, const char *key, uint8_t **data, size_t *len);
int vigil_store__pg_layer_put(vigil_store_pg *p, const char *key, const char *diff_id,
			      const uint8_t *data, size_t len, uint64_t max_bytes);
int vigil_store__pg_layer_stats(vigil_store_pg *p, vigil_store_layer_stats *out);
int vigil_store__pg_layer_touch(vigil_store_pg *p, const char *key, uint64_t uses);
int vigil_store__pg_layers_json(vigil_store_pg *p, char **out);
int vigil_store__pg_overview_json(vigil_store_pg *p, char **out, int top);
int vigil_store__pg_generation(vigil_store_pg *p, char *out, size_t outlen);
int vigil_store__pg_image_json(vigil_store_pg *p, char **out, const char *digest);
int vigil_store__pg_vuln_detail_json(vigil_store_pg *p, char **out, const char *vuln_id, int limit);
int vigil_store__pg_scan_targets_json(vigil_store_pg *p, char **out);
int vigil_store__pg_admission_add(vigil_store_pg *p, int64_t *out, const vigil_store_admission *a);
int vigil_store__pg_admission_add_many(vigil_store_pg *p, const vigil_store_admission *a, size_t n);
int vigil_store__pg_admissions_json(vigil_store_pg *p, char **out,
				    const vigil_store_admission_filter *f);
int vigil_store__pg_job_status(vigil_store_pg *p, char out[16], int64_t id);
int vigil_store__pg_has_report(vigil_store_pg *p, const char *digest);
int vigil_store__pg_on_job(vigil_store_pg *p, void (*fn)(void *payload), void *payload);

int vigil_store__pg_runtime_event_add(vigil_store_pg *p, int64_t *out, const char *rule,
				      const char *priority, const char *container,
				      const char *body);
int vigil_store__pg_runtime_events_json(vigil_store_pg *p, char **out,
					const vigil_store_runtime_filter *f);

int vigil_store__pg_registry_add(vigil_store_pg *p, int64_t *out, const char *url,
				 const char *repositories, const char *username,
				 const char *password);
int vigil_store__pg_registries_json(vigil_store_pg *p, char **out);
int vigil_store__pg_registry_delete(vigil_store_pg *p, int64_t id);
int vigil_store__pg_registries(vigil_store_pg *p, vigil_store_registry **out, size_t *n);
int vigil_store__pg_poll_seen(vigil_store_pg *p, int64_t *out, const char *registry,
			      const char *repository, const char *tag, const char *digest,
			      const char *ref);

#endif
