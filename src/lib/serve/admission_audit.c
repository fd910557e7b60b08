/*
 * admission_audit.c - the audit trail of the admission webhook off the request path: a
 * decision is copied into a bounded queue and a writer thread stores what has gathered
 * in one transaction (vigil_store_admission_add_many). No decision is lost: when the
 * queue is full (or the writer could not start) the request writes its own row, a
 * failed batch is written again row by row, and stopping drains the queue. Readers of
 * the trail (GET /api/v1/admissions) flush first, so they see every earlier decision.
 * The writer lets a burst gather for up to AUDIT_LINGER_MS (unless a reader waits, the
 * batch is full or the server stops): at 2,000 decisions a second that is one
 * transaction of ~20 rows instead of one per two rows, and one wake-up of the writer
 * per burst instead of one per decision (less CPU beside the requests).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/admission.h"
#include "util/util.h"

#define AUDIT_QUEUE 1024	      /* decisions waiting */
#define AUDIT_QUEUE_BYTES (16u << 20) /* their text */
#define AUDIT_BATCH 256		      /* rows in one transaction */
#define AUDIT_FLUSH_S 15	      /* a reader waits at most this long */
#define AUDIT_LINGER_MS 10	      /* a burst gathers this long into one transaction */

typedef struct entry {
	vigil_store_admission rec; /* its strings point into block */
	char *block;
	size_t bytes;
} entry;

struct vigil_adm_audit {
	vigil_store *store;
	pthread_mutex_t mu;
	pthread_cond_t more, written_cv;
	entry q[AUDIT_QUEUE];	     /* a ring: head, n */
	size_t head, n, bytes, cap;  /* cap: AUDIT_QUEUE, or less for tests */
	long delay_ms;		     /* tests: the writer waits this long before a batch */
	uint64_t queued, written;    /* sequence numbers: rows handed over / stored */
	int stop, running, flushing; /* flushing: readers waiting for the trail */
	pthread_t thread;
	/* the writer's own: one batch */
	entry batch[AUDIT_BATCH];
	vigil_store_admission rows[AUDIT_BATCH];
	/* counters (vigil_serve__adm_audit_stats) */
	atomic_llong sync_writes, batches, rows_written;
};

/* Copies rec into out, its strings into one allocation (out->block). */
static int copy_rec(entry *out, const vigil_store_admission *rec)
{
	const char *src[8] = {rec->uid,	      rec->kind, rec->namespace, rec->name,
			      rec->operation, rec->user, rec->message,	 rec->detail};
	const char **dst[8] = {&out->rec.uid,	  &out->rec.kind,      &out->rec.namespace,
			       &out->rec.name,	  &out->rec.operation, &out->rec.user,
			       &out->rec.message, &out->rec.detail};
	size_t len[8], total = 0, off = 0;
	for (int i = 0; i < 8; i++)
		total += (len[i] = src[i] ? strlen(src[i]) + 1 : 0);
	if (!(out->block = malloc(total ? total : 1)))
		return VIGIL_ENOMEM;
	out->rec = *rec;
	out->bytes = total;
	for (int i = 0; i < 8; i++) {
		*dst[i] = NULL;
		if (src[i]) {
			memcpy(out->block + off, src[i], len[i]);
			*dst[i] = out->block + off;
			off += len[i];
		}
	}
	return 0;
}

/* Writes rows; a failed batch is written again one row at a time, so one bad row never
 * takes the others with it. A row that still fails is logged with its uid (the decision
 * itself is also in the log line of the request). */
static void write_rows(vigil_adm_audit *w, const vigil_store_admission *rows, size_t n)
{
	int error = vigil_store_admission_add_many(w->store, rows, n);
	atomic_fetch_add(&w->batches, 1);
	for (size_t i = 0; error < 0 && i < n; i++)
		if (vigil_store_admission_add_many(w->store, &rows[i], 1) < 0)
			vigil_serve__log("error", "admission: cannot record the decision", "uid",
					 rows[i].uid ? rows[i].uid : "", "error",
					 vigil_store_error(), NULL);
	atomic_fetch_add(&w->rows_written, (long long)n);
}

static void *writer(void *payload)
{
	vigil_adm_audit *w = payload;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->n && !w->stop)
			pthread_cond_wait(&w->more, &w->mu);
		if (!w->n)
			break;			   /* stopping, and everything is written */
		if (w->delay_ms > 0 && !w->stop) { /* tests: a slow store (stopping ends it) */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += w->delay_ms / 1000;
			until.tv_nsec += (w->delay_ms % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!w->stop &&
			       pthread_cond_timedwait(&w->more, &w->mu, &until) != ETIMEDOUT)
				;
		}
		if (!w->stop && !w->flushing && w->n < AUDIT_BATCH) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += AUDIT_LINGER_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!w->stop && !w->flushing && w->n < AUDIT_BATCH &&
			       pthread_cond_timedwait(&w->more, &w->mu, &until) != ETIMEDOUT)
				;
		}
		size_t k = 0, bytes = 0;
		for (; k < AUDIT_BATCH && w->n; k++) {
			w->batch[k] = w->q[w->head];
			w->rows[k] = w->batch[k].rec;
			w->head = (w->head + 1) % AUDIT_QUEUE;
			w->n--;
		}
		pthread_mutex_unlock(&w->mu);
		write_rows(w, w->rows, k);
		for (size_t i = 0; i < k; i++) {
			bytes += w->batch[i].bytes;
			free(w->batch[i].block);
		}
		pthread_mutex_lock(&w->mu);
		w->bytes -= bytes;
		w->written += k;
		pthread_cond_broadcast(&w->written_cv);
	}
	w->running = 0;
	pthread_cond_broadcast(&w->written_cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int vigil_serve__adm_audit_start(vigil_adm_audit **out, vigil_store *store)
{
	vigil_adm_audit *w = calloc(1, sizeof(*w));
	*out = NULL;
	if (!w)
		return VIGIL_ENOMEM;
	w->store = store;
	w->cap = AUDIT_QUEUE;
	/* for tests of the fallbacks: a smaller queue, a slow writer */
	uint64_t v;
	const char *e = getenv("VIGIL_ADM_AUDIT_QUEUE");
	if (e && vigil_parse_uint(&v, e, AUDIT_QUEUE) == 0)
		w->cap = (size_t)v;
	if ((e = getenv("VIGIL_ADM_AUDIT_DELAY_MS")) && vigil_parse_uint(&v, e, 3600000) == 0)
		w->delay_ms = (long)v;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->written_cv, NULL);
	w->running = 1;
	if (pthread_create(&w->thread, NULL, writer, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->more);
		pthread_cond_destroy(&w->written_cv);
		free(w);
		return VIGIL_ENOMEM;
	}
	*out = w;
	return 0;
}

int vigil_serve__adm_audit_add(vigil_adm_audit *w, vigil_store *store,
			       const vigil_store_admission *rec)
{
	vigil_store_admission now = *rec;
	entry e;
	if (!now.time)
		now.time = (int64_t)time(NULL);
	if (w && copy_rec(&e, &now) == 0) {
		pthread_mutex_lock(&w->mu);
		if (w->running && !w->stop && w->n < w->cap &&
		    w->bytes + e.bytes <= AUDIT_QUEUE_BYTES) {
			w->q[(w->head + w->n) % AUDIT_QUEUE] = e;
			w->n++;
			w->bytes += e.bytes;
			w->queued++;
			/* the writer waits for a first decision, or lingers for a full batch */
			if (w->n == 1 || w->n >= AUDIT_BATCH)
				pthread_cond_signal(&w->more);
			pthread_mutex_unlock(&w->mu);
			return 0;
		}
		pthread_mutex_unlock(&w->mu);
		free(e.block);
	}
	/* the queue is full (or there is no writer): this request writes its own row */
	if (w)
		atomic_fetch_add(&w->sync_writes, 1);
	int error = vigil_store_admission_add_many(store, &now, 1);
	if (error < 0)
		vigil_serve__log("error", "admission: cannot record the decision", "uid",
				 now.uid ? now.uid : "", "error", vigil_store_error(), NULL);
	return error;
}

void vigil_serve__adm_audit_flush(vigil_adm_audit *w)
{
	struct timespec until;
	if (!w)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += AUDIT_FLUSH_S;
	pthread_mutex_lock(&w->mu);
	uint64_t target = w->queued;
	w->flushing++; /* the writer stops lingering */
	pthread_cond_signal(&w->more);
	while (w->written < target && w->running)
		if (pthread_cond_timedwait(&w->written_cv, &w->mu, &until) == ETIMEDOUT)
			break;
	w->flushing--;
	pthread_mutex_unlock(&w->mu);
}

void vigil_serve__adm_audit_stats(vigil_adm_audit *w, long long *sync_writes, long long *batches,
				  long long *rows)
{
	*sync_writes = w ? atomic_load(&w->sync_writes) : 0;
	*batches = w ? atomic_load(&w->batches) : 0;
	*rows = w ? atomic_load(&w->rows_written) : 0;
}

void vigil_serve__adm_audit_stop(vigil_adm_audit *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL); /* it writes what is queued first */
	char rows[32], tx[32], sync[32];
	snprintf(rows, sizeof(rows), "%lld", (long long)atomic_load(&w->rows_written));
	snprintf(tx, sizeof(tx), "%lld", (long long)atomic_load(&w->batches));
	snprintf(sync, sizeof(sync), "%lld", (long long)atomic_load(&w->sync_writes));
	vigil_serve__log("info", "admission audit: stopped, every decision written", "rows", rows,
			 "transactions", tx, "written_by_requests", sync, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->written_cv);
	free(w);
}
