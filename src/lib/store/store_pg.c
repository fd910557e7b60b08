/*
 * store_pg.c - the PostgreSQL backend of vigil/store.h (libpq). Same semantics as the
 * SQLite backend in store.c, plus what several servers sharing one database need:
 *
 * - versioned migrations (MIGRATIONS, table schema_migrations) applied at open under an
 *   advisory lock, so servers starting together migrate once;
 * - jobs claimed with FOR UPDATE SKIP LOCKED and held under a lease (owner, lease_until)
 *   that a maintenance thread renews; expired leases are requeued with a backoff or,
 *   after max_attempts, failed with the error; finished jobs are deleted in batches;
 * - a job done or failed only by the process that holds it (no double commit after a
 *   rescue), one delivery per (webhook, event key), deliveries claimed like jobs;
 * - a lost connection is reset and the whole operation retried (for ~30 s), so workers
 *   ride out a database restart.
 *
 * A small pool of connections (POOL_MAX, or $VIGIL_STORE_CONNECTIONS): each operation
 * takes a free connection for its whole run (a transaction never spans two), so the
 * threads of an API server or a worker no longer queue behind one connection. The
 * maintenance thread, the listener and the advisory locks have their own connections.
 * The only other file with SQL in it is store.c.
 */
#include <errno.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "store/pg.h"
#include "util/util.h"
#include "vigil.h"

#define RETRIES 30		/* one a second while the database is unreachable */
#define LOCK_MIGRATE 0x76696731 /* advisory lock key of the migrations */
#define DELIVERY_HOLD 120	/* seconds a claimed delivery is hidden from others */
#define MAX_PARAMS 32
#define JOB_CHANNEL "vigil_jobs" /* NOTIFY'd in the transaction that queues a job */
#define POOL_MAX 8		 /* connections per store (per process) by default */
#define POOL_LIMIT 64		 /* the most $VIGIL_STORE_CONNECTIONS may ask for */

/* A store handle, and also the view of one pooled connection: the operations (the `*_`
 * functions) get a slot whose conn, lost, url and owner are its own; the root handle is
 * slot 0 and alone holds the rest. */
struct vigil_store_pg {
	PGconn *conn;
	int lost; /* the last failure was a lost connection */
	/* the pool (root only): slots[0] is the root itself */
	pthread_mutex_t pmu;
	pthread_cond_t pcv;
	vigil_store_pg *slots[POOL_LIMIT];
	unsigned char busy[POOL_LIMIT];
	int nslots, max_slots;
	vigil_store_tuning t;
	char owner[128];
	/* the maintenance thread: lease heartbeat, rescue, batch deletion */
	pthread_t maint;
	int maint_started, stop;
	pthread_mutex_t mmu;
	pthread_cond_t mcv;
	/* advisory locks live on their own session */
	PGconn *lconn;
	pthread_mutex_t lmu;
	char *url;
	/* LISTEN on JOB_CHANNEL: its own connection and thread, calling on_job */
	pthread_t listener;
	int listener_started;
	void (*on_job)(void *payload);
	void *on_job_payload;
};

/* Version N is MIGRATIONS[N-1]; never edit one that shipped, append a new one. */
static const char *const MIGRATIONS[] = {
	/* 1: the tables of the SQLite store, with leases and de-duplication keys */
	"CREATE TABLE manifests(digest text PRIMARY KEY, repository text,"
	" first_seen bigint NOT NULL, scanned_at bigint NOT NULL, db_built text,"
	" inventory text NOT NULL, report text NOT NULL, vulns text NOT NULL,"
	" critical bigint, high bigint, medium bigint, low bigint, negligible bigint,"
	" unknown bigint);"
	"CREATE TABLE tags(repository text NOT NULL, tag text NOT NULL, digest text NOT NULL,"
	" PRIMARY KEY(repository, tag));"
	"CREATE INDEX tags_digest ON tags(digest);"
	"CREATE TABLE history(id bigserial PRIMARY KEY, digest text NOT NULL,"
	" time bigint NOT NULL, db_built text, counts text NOT NULL, vulns text NOT NULL,"
	" added text NOT NULL, removed text NOT NULL);"
	"CREATE INDEX history_digest ON history(digest, id);"
	"CREATE TABLE pkgindex(ecosystem text NOT NULL, package text NOT NULL,"
	" digest text NOT NULL, PRIMARY KEY(ecosystem, package, digest));"
	"CREATE INDEX pkgindex_digest ON pkgindex(digest);"
	"CREATE INDEX pkgindex_package ON pkgindex(package);"
	"CREATE TABLE vulnindex(vuln text NOT NULL, digest text NOT NULL, package text NOT NULL,"
	" PRIMARY KEY(vuln, digest, package));"
	"CREATE INDEX vulnindex_digest ON vulnindex(digest);"
	"CREATE TABLE jobs(id bigserial PRIMARY KEY, kind text NOT NULL, ref text,"
	" repository text, tag text, status text NOT NULL, digest text, error text,"
	" attempts integer NOT NULL DEFAULT 0, created bigint NOT NULL, updated bigint NOT NULL,"
	" dedupe text, owner text, lease_until bigint, next_at bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX jobs_queue ON jobs(status, next_at, id);"
	"CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe) WHERE status IN ('queued','running');"
	"CREATE TABLE tokens(name text PRIMARY KEY, hash text NOT NULL UNIQUE,"
	" scopes bigint NOT NULL, created bigint NOT NULL);"
	"CREATE TABLE webhooks(id bigserial PRIMARY KEY, url text NOT NULL, events text NOT NULL,"
	" secret text NOT NULL, created bigint NOT NULL);"
	"CREATE TABLE deliveries(id bigserial PRIMARY KEY, webhook bigint NOT NULL,"
	" event text NOT NULL, body text NOT NULL, status text NOT NULL,"
	" attempts integer NOT NULL DEFAULT 0, next_at bigint NOT NULL, last_code integer,"
	" last_error text, created bigint NOT NULL, updated bigint NOT NULL, key text);"
	"CREATE UNIQUE INDEX deliveries_key ON deliveries(webhook, key);"
	"CREATE INDEX deliveries_due ON deliveries(status, next_at);"
	"CREATE INDEX deliveries_hook ON deliveries(webhook, id);",
	/* 2: counters kept across servers (lease rescues for /metrics) */
	"CREATE TABLE counters(name text PRIMARY KEY, value bigint NOT NULL);"
	"INSERT INTO counters VALUES('lease_rescues', 0);",
	/* 3: watched registries and what their polling saw */
	"CREATE TABLE registries(id bigserial PRIMARY KEY, url text NOT NULL,"
	" repositories text NOT NULL, username text, password text, created bigint NOT NULL);"
	"CREATE TABLE polled(registry text NOT NULL, repository text NOT NULL, tag text NOT NULL,"
	" digest text NOT NULL, seen bigint NOT NULL, PRIMARY KEY(registry, repository, tag));",
	/* 4: the admission webhook's decisions (docs/admission.md) */
	"CREATE TABLE admissions(id bigserial PRIMARY KEY, time bigint NOT NULL,"
	" uid text NOT NULL, kind text, namespace text, name text, operation text,"
	" username text, dry_run integer NOT NULL, allowed integer NOT NULL, message text,"
	" detail text);"
	"CREATE INDEX admissions_ns ON admissions(namespace, id);",
	/* 5: runtime alerts (vigil watch --serve). IF NOT EXISTS: stores made before this
	 * migration created the table on first use. */
	"CREATE TABLE IF NOT EXISTS runtime_events(id bigserial PRIMARY KEY,"
	" received bigint NOT NULL, rule text NOT NULL, priority text, container text,"
	" body text NOT NULL);"
	"CREATE INDEX IF NOT EXISTS runtime_events_container ON runtime_events(container, id);",
	/* 6: the per-layer cache (docs/layer-cache.md); IF NOT EXISTS as for 5 */
	"CREATE TABLE IF NOT EXISTS layer_cache(key text PRIMARY KEY, diff_id text NOT NULL,"
	" size bigint NOT NULL, used bigint NOT NULL, hits bigint NOT NULL DEFAULT 0,"
	" data bytea NOT NULL);"
	"CREATE INDEX IF NOT EXISTS layer_cache_used ON layer_cache(used);",
	/* 7: the parts of reports and inventories shared by images (vigil_store__cut), kept
	 * once; a row whose *_part is set holds the head in report or inventory and the tail
	 * in *_tail, rows written before keep the whole text; readers use manifests_full.
	 * IF NOT EXISTS: a store whose versions were recorded lower migrates again */
	"ALTER TABLE manifests ADD COLUMN IF NOT EXISTS inventory_part text,"
	" ADD COLUMN IF NOT EXISTS inventory_tail text, ADD COLUMN IF NOT EXISTS report_part text,"
	" ADD COLUMN IF NOT EXISTS report_tail text;"
	"CREATE TABLE IF NOT EXISTS parts(hash text PRIMARY KEY, body text NOT NULL);"
	"CREATE INDEX IF NOT EXISTS manifests_inventory_part ON manifests(inventory_part);"
	"CREATE INDEX IF NOT EXISTS manifests_report_part ON manifests(report_part);"
	"CREATE OR REPLACE VIEW manifests_full AS SELECT m.digest, m.repository, m.first_seen,"
	" m.scanned_at, m.db_built,"
	" CASE WHEN m.inventory_part IS NULL THEN m.inventory ELSE m.inventory ||"
	" (SELECT body FROM parts WHERE hash=m.inventory_part) || m.inventory_tail END"
	" AS inventory,"
	" CASE WHEN m.report_part IS NULL THEN m.report ELSE m.report ||"
	" (SELECT body FROM parts WHERE hash=m.report_part) || m.report_tail END AS report,"
	" m.vulns, m.critical, m.high, m.medium, m.low, m.negligible, m.unknown"
	" FROM manifests m;"
	/* the index kept once per set of keys (vigil_store__set_name); the sets of the rows
	 * written before are named by their digest; pkgindex and vulnindex become views */
	"ALTER TABLE manifests ADD COLUMN IF NOT EXISTS pkgset text,"
	" ADD COLUMN IF NOT EXISTS vulnset text;"
	"CREATE TABLE IF NOT EXISTS pkgsets(pset text NOT NULL, ecosystem text NOT NULL,"
	" package text NOT NULL, PRIMARY KEY(pset, ecosystem, package));"
	"CREATE INDEX IF NOT EXISTS pkgsets_package ON pkgsets(package);"
	"CREATE TABLE IF NOT EXISTS vulnsets(vset text NOT NULL, vuln text NOT NULL,"
	" package text NOT NULL, PRIMARY KEY(vset, vuln, package));"
	"CREATE INDEX IF NOT EXISTS vulnsets_vuln ON vulnsets(vuln);"
	"CREATE INDEX IF NOT EXISTS manifests_pkgset ON manifests(pkgset);"
	"CREATE INDEX IF NOT EXISTS manifests_vulnset ON manifests(vulnset);"
	"DO $$ BEGIN"
	" IF (SELECT relkind FROM pg_class WHERE oid=to_regclass('pkgindex'))='r' THEN"
	"  INSERT INTO pkgsets SELECT digest, ecosystem, package FROM pkgindex"
	"   ON CONFLICT DO NOTHING;"
	"  UPDATE manifests SET pkgset=digest WHERE digest IN (SELECT digest FROM pkgindex);"
	"  DROP TABLE pkgindex;"
	" END IF;"
	" IF (SELECT relkind FROM pg_class WHERE oid=to_regclass('vulnindex'))='r' THEN"
	"  INSERT INTO vulnsets SELECT digest, vuln, package FROM vulnindex"
	"   ON CONFLICT DO NOTHING;"
	"  UPDATE manifests SET vulnset=digest WHERE digest IN (SELECT digest FROM vulnindex);"
	"  DROP TABLE vulnindex;"
	" END IF;"
	" END $$;"
	"CREATE OR REPLACE VIEW pkgindex AS SELECT p.ecosystem, p.package, m.digest"
	" FROM pkgsets p JOIN manifests m ON m.pkgset=p.pset;"
	"CREATE OR REPLACE VIEW vulnindex AS SELECT v.vuln, m.digest, v.package"
	" FROM vulnsets v JOIN manifests m ON m.vulnset=v.vset;",
};
#define NMIGRATIONS ((int)(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0])))

static const char *const TABLES[] = {"manifests",
				     "tags",
				     "history",
				     "pkgindex",
				     "vulnindex",
				     "jobs",
				     "tokens",
				     "webhooks",
				     "deliveries",
				     "counters",
				     "schema_migrations",
				     "registries",
				     "polled",
				     "admissions",
				     "runtime_events",
				     "layer_cache",
				     "parts",
				     "pkgsets",
				     "vulnsets"};

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The first line of libpq's message, for one-line errors. */
static int pgfail(vigil_store_pg *p, PGconn *c, const char *what)
{
	const char *m = c ? PQerrorMessage(c) : "out of memory";
	int n = (int)strcspn(m, "\n");
	if (c && PQstatus(c) == CONNECTION_BAD)
		p->lost = 1;
	return vigil_store__fail(VIGIL_EIO, "store: %s: %.*s", what, n > 300 ? 300 : n, m);
}

static PGconn *connect_url(const char *url)
{
	const char *const keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *const vals[] = {url, "5", "vigil", NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (c)
		PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

/* Makes sure `*c` is connected (resetting it once): 0 or VIGIL_EIO with lost set. */
static int ensure(vigil_store_pg *p, PGconn **c)
{
	if (!*c && !(*c = connect_url(p->url)))
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	if (PQstatus(*c) == CONNECTION_OK)
		return 0;
	PQreset(*c);
	if (PQstatus(*c) == CONNECTION_OK) {
		PQsetNoticeProcessor(*c, quiet, NULL);
		return 0;
	}
	p->lost = 1;
	return pgfail(p, *c, "cannot reach the database");
}

/* Runs `sql` with parameters typed by `types` ('s' text or NULL, 'i' int64_t): the
 * result (PQclear it) or NULL with the error set. */
static PGresult *vq(vigil_store_pg *p, PGconn *c, const char *sql, const char *types, va_list ap)
{
	const char *vals[MAX_PARAMS];
	char nums[MAX_PARAMS][24];
	int n = (int)strlen(types);
	if (n > MAX_PARAMS) {
		vigil_store__fail(VIGIL_EINVAL, "store: too many parameters");
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		if (types[i] == 'i') {
			snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)va_arg(ap, int64_t));
			vals[i] = nums[i];
		} else {
			vals[i] = va_arg(ap, const char *);
		}
	}
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		PQclear(r);
		pgfail(p, c, "query");
		return NULL;
	}
	return r;
}

static PGresult *q(vigil_store_pg *p, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	PGresult *r = vq(p, p->conn, sql, types, ap);
	va_end(ap);
	return r;
}

/* A statement without rows: the number of rows it touched, or a negative error. */
static int ex(vigil_store_pg *p, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	PGresult *r = vq(p, p->conn, sql, types, ap);
	va_end(ap);
	if (!r)
		return VIGIL_EIO;
	int n = (int)strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return n;
}

static const char *val(PGresult *r, int row, int colno)
{
	return PQgetisnull(r, row, colno) ? NULL : PQgetvalue(r, row, colno);
}

static int64_t ival(PGresult *r, int row, int colno)
{
	return PQgetisnull(r, row, colno) ? 0 : strtoll(PQgetvalue(r, row, colno), NULL, 10);
}

static int begin(vigil_store_pg *p)
{
	int e = ex(p, "BEGIN", "");
	return e < 0 ? e : 0;
}

static int end(vigil_store_pg *p, int error)
{
	if (error < 0) {
		PGresult *r = PQexec(p->conn, "ROLLBACK");
		PQclear(r);
		return error;
	}
	int e = ex(p, "COMMIT", "");
	return e < 0 ? e : error;
}

/* Runs `call` with the store's connection under its mutex; when the connection was lost,
 * waits a second, reconnects and runs it again, up to RETRIES times. Every operation is
 * one statement or one transaction, so running it again is safe. */
/* Takes a free connection slot of `root`, making one while fewer than max_slots exist, else
 * waits for one: NULL with the error set when out of memory. */
static vigil_store_pg *pool_get(vigil_store_pg *root)
{
	vigil_store_pg *s = NULL;
	pthread_mutex_lock(&root->pmu);
	while (!s) {
		for (int i = 0; i < root->nslots && !s; i++)
			if (!root->busy[i]) {
				root->busy[i] = 1;
				s = root->slots[i];
			}
		if (s)
			break;
		if (root->nslots < root->max_slots) {
			if (!(s = calloc(1, sizeof(*s)))) {
				vigil_store__fail(VIGIL_ENOMEM, "out of memory");
				break;
			}
			s->url = root->url;
			memcpy(s->owner, root->owner, sizeof(s->owner));
			root->busy[root->nslots] = 1;
			root->slots[root->nslots++] = s;
			break;
		}
		pthread_cond_wait(&root->pcv, &root->pmu);
	}
	pthread_mutex_unlock(&root->pmu);
	return s;
}

static void pool_put(vigil_store_pg *root, vigil_store_pg *s)
{
	pthread_mutex_lock(&root->pmu);
	for (int i = 0; i < root->nslots; i++)
		if (root->slots[i] == s)
			root->busy[i] = 0;
	pthread_cond_signal(&root->pcv);
	pthread_mutex_unlock(&root->pmu);
}

/* Runs `call` (an expression in `p`) on a pooled connection: inside it `p` is the slot.
 * A lost connection is reset and the whole call retried, once a second, RETRIES times. */
#define RUN(handle, call)                                                                          \
	do {                                                                                       \
		vigil_store_pg *const root_ = (handle), *s_ = pool_get(root_);                     \
		int e_;                                                                            \
		if (!s_)                                                                           \
			return VIGIL_ENOMEM;                                                       \
		for (int t_ = 0;; t_++) {                                                          \
			s_->lost = 0;                                                              \
			if ((e_ = ensure(s_, &s_->conn)) == 0) {                                   \
				_Pragma("GCC diagnostic push")                                     \
					_Pragma("GCC diagnostic ignored \"-Wshadow\"")             \
						vigil_store_pg *const p = s_;                      \
				_Pragma("GCC diagnostic pop") e_ = (call);                         \
			}                                                                          \
			if (e_ >= 0 || !s_->lost || t_ >= RETRIES)                                 \
				break;                                                             \
			sleep(1);                                                                  \
		}                                                                                  \
		pool_put(root_, s_);                                                               \
		return e_;                                                                         \
	} while (0)

/* ---- open, migrations, check ----------------------------------------------------------- */

static int migrate(vigil_store_pg *p)
{
	PGresult *r = NULL;
	int error = 0, cur;
	if (ex(p, "SELECT pg_advisory_lock($1)", "i", (int64_t)LOCK_MIGRATE) < 0)
		return VIGIL_EIO;
	if (ex(p,
	       "CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY,"
	       " applied bigint NOT NULL)",
	       "") < 0 ||
	    !(r = q(p, "SELECT coalesce(max(version), 0) FROM schema_migrations", ""))) {
		error = VIGIL_EIO;
		goto done;
	}
	cur = (int)ival(r, 0, 0);
	PQclear(r);
	if (cur > NMIGRATIONS) {
		error = vigil_store__fail(VIGIL_EFORMAT,
					  "store: the database has schema version %d, this vigil "
					  "knows up to %d",
					  cur, NMIGRATIONS);
		goto done;
	}
	for (int v = cur + 1; v <= NMIGRATIONS && error == 0; v++) {
		if ((error = begin(p)) < 0)
			break;
		PGresult *m = PQexec(p->conn, MIGRATIONS[v - 1]);
		if (PQresultStatus(m) != PGRES_COMMAND_OK && PQresultStatus(m) != PGRES_TUPLES_OK)
			error = pgfail(p, p->conn, "migration");
		PQclear(m);
		if (error == 0 &&
		    ex(p, "INSERT INTO schema_migrations(version, applied) VALUES($1, $2)", "ii",
		       (int64_t)v, vigil_store__now()) < 0)
			error = VIGIL_EIO;
		error = end(p, error);
	}
done:
	r = PQexec(p->conn, "SELECT pg_advisory_unlock_all()");
	PQclear(r);
	return error;
}

int vigil_store__pg_open(vigil_store_pg **out, const char *url)
{
	vigil_store_pg *p;
	unsigned char rnd[6];
	char host[64] = "?";
	int error, max_slots = POOL_MAX;
	const char *env = getenv("VIGIL_STORE_CONNECTIONS");
	*out = NULL;
	if (env && *env) {
		char *end;
		long n = strtol(env, &end, 10);
		if (*end || n < 1 || n > POOL_LIMIT)
			return vigil_store__fail(
				VIGIL_EINVAL,
				"VIGIL_STORE_CONNECTIONS: expected 1 to %d, got '%.20s'",
				POOL_LIMIT, env);
		max_slots = (int)n;
	}
	if (!(p = calloc(1, sizeof(*p))) || !(p->url = strdup(url))) {
		free(p);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&p->pmu, NULL);
	pthread_cond_init(&p->pcv, NULL);
	p->slots[0] = p;
	p->nslots = 1;
	p->max_slots = max_slots;
	pthread_mutex_init(&p->mmu, NULL);
	pthread_mutex_init(&p->lmu, NULL);
	pthread_cond_init(&p->mcv, NULL);
	p->t = (vigil_store_tuning)VIGIL_STORE_TUNING_INIT;
	gethostname(host, sizeof(host) - 1);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	snprintf(p->owner, sizeof(p->owner), "%s:%ld:%02x%02x%02x%02x%02x%02x", host,
		 (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	if (!(p->conn = connect_url(url)) || PQstatus(p->conn) != CONNECTION_OK) {
		error = pgfail(p, p->conn, "cannot connect to PostgreSQL");
		goto fail;
	}
	if ((error = migrate(p)) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	vigil_store__pg_free(p);
	return error;
}

void vigil_store__pg_free(vigil_store_pg *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mmu);
	p->stop = 1;
	pthread_cond_broadcast(&p->mcv);
	pthread_mutex_unlock(&p->mmu);
	if (p->maint_started)
		pthread_join(p->maint, NULL);
	if (p->listener_started)
		pthread_join(p->listener, NULL);
	for (int i = 1; i < p->nslots; i++) {
		PQfinish(p->slots[i]->conn);
		free(p->slots[i]);
	}
	PQfinish(p->conn);
	PQfinish(p->lconn);
	pthread_mutex_destroy(&p->pmu);
	pthread_cond_destroy(&p->pcv);
	pthread_mutex_destroy(&p->mmu);
	pthread_mutex_destroy(&p->lmu);
	pthread_cond_destroy(&p->mcv);
	free(p->url);
	free(p);
}

static int check_(vigil_store_pg *p)
{
	PGresult *r = q(p, "SELECT coalesce(max(version), 0) FROM schema_migrations", "");
	if (!r)
		return VIGIL_EIO;
	int v = (int)ival(r, 0, 0);
	PQclear(r);
	if (v != NMIGRATIONS)
		return vigil_store__fail(VIGIL_EFORMAT, "store: schema version %d, expected %d", v,
					 NMIGRATIONS);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(TABLES); i++) {
		if (!(r = q(p, "SELECT to_regclass($1) IS NOT NULL", "s", TABLES[i])))
			return VIGIL_EIO;
		int there = !strcmp(PQgetvalue(r, 0, 0), "t");
		PQclear(r);
		if (!there)
			return vigil_store__fail(VIGIL_EFORMAT, "store: table %s is missing",
						 TABLES[i]);
	}
	return 0;
}

int vigil_store__pg_check(vigil_store_pg *p)
{
	RUN(p, check_(p));
}

/* One try, no retry: /healthz answers at once when the database is away. */
int vigil_store__pg_ping(vigil_store_pg *p)
{
	vigil_store_pg *s = pool_get(p);
	int error;
	if (!s)
		return VIGIL_ENOMEM;
	if ((error = ensure(s, &s->conn)) == 0)
		error = ex(s, "SELECT 1", "") < 0 ? VIGIL_EIO : 0;
	pool_put(p, s);
	return error;
}

void vigil_store__pg_tune(vigil_store_pg *p, const vigil_store_tuning *t)
{
	pthread_mutex_lock(&p->mmu);
	p->t = *t;
	if (p->t.lease < 2)
		p->t.lease = 2;
	if (p->t.max_attempts < 1)
		p->t.max_attempts = 1;
	pthread_mutex_unlock(&p->mmu);
}

/* Holds lmu from the lock to the unlock: advisory locks are re-entrant within a session,
 * so the threads of one process take turns on the mutex first. */
int vigil_store__pg_lock(vigil_store_pg *p, int64_t key, int take)
{
	char kb[24];
	const char *vals[1] = {kb};
	int error;
	if (take)
		pthread_mutex_lock(&p->lmu);
	snprintf(kb, sizeof(kb), "%lld", (long long)key);
	if ((error = ensure(p, &p->lconn)) == 0) {
		PGresult *r = PQexecParams(p->lconn,
					   take ? "SELECT pg_advisory_lock($1::bigint)"
						: "SELECT pg_advisory_unlock($1::bigint)",
					   1, NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			error = pgfail(p, p->lconn, "advisory lock");
		PQclear(r);
	}
	if (!take || error < 0)
		pthread_mutex_unlock(&p->lmu);
	return error;
}

/* ---- maintenance: heartbeat, rescue, deletion ----------------------------------------- */

static void maintain(vigil_store_pg *p, PGconn *c, const vigil_store_tuning *t)
{
	int64_t now = vigil_store__now();
	char a[24], b[24], d[24];
	const char *hb[3] = {a, p->owner, NULL};
	PGresult *r;
	snprintf(a, sizeof(a), "%lld", (long long)(now + t->lease));
	r = PQexecParams(c,
			 "UPDATE jobs SET lease_until=$1::bigint WHERE owner=$2 AND"
			 " status='running'",
			 2, NULL, hb, NULL, NULL, 0);
	PQclear(r);
	snprintf(a, sizeof(a), "%lld", (long long)now);
	snprintf(b, sizeof(b), "%u", t->max_attempts);
	snprintf(d, sizeof(d), "%u", t->backoff);
	const char *rv[3] = {a, b, d};
	r = PQexecParams(
		c,
		"WITH r AS (UPDATE jobs SET"
		" status=CASE WHEN attempts>=$2::integer THEN 'failed' ELSE 'queued' END,"
		" error=CASE WHEN attempts>=$2::integer THEN 'the lease expired ' || attempts ||"
		" ' times: the worker holding the job stopped' ELSE error END,"
		" next_at=$1::bigint + least(300, $3::bigint * (1::bigint <<"
		" least(greatest(attempts-1, 0), 20))),"
		" owner=NULL, lease_until=NULL, updated=$1::bigint"
		" WHERE id IN (SELECT id FROM jobs WHERE status='running' AND"
		" lease_until<$1::bigint FOR UPDATE SKIP LOCKED) RETURNING 1)"
		" UPDATE counters SET value=value+(SELECT count(*) FROM r)"
		" WHERE name='lease_rescues'",
		3, NULL, rv, NULL, NULL, 0);
	PQclear(r);
	snprintf(b, sizeof(b), "%lld", (long long)(now - (int64_t)t->retention));
	const char *dv[1] = {b};
	for (int i = 0; i < 20; i++) {
		r = PQexecParams(c,
				 "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status"
				 " IN ('done','failed') AND updated<$1::bigint ORDER BY id LIMIT"
				 " 500 FOR UPDATE SKIP LOCKED)",
				 1, NULL, dv, NULL, NULL, 0);
		int n = PQresultStatus(r) == PGRES_COMMAND_OK
				? (int)strtol(PQcmdTuples(r), NULL, 10)
				: 0;
		PQclear(r);
		if (n < 500)
			break;
	}
}

static void *maint_main(void *payload)
{
	vigil_store_pg *p = payload;
	PGconn *c = NULL;
	for (;;) {
		vigil_store_tuning t;
		pthread_mutex_lock(&p->mmu);
		t = p->t;
		if (!p->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += t.lease / 3 ? t.lease / 3 : 1;
			pthread_cond_timedwait(&p->mcv, &p->mmu, &ts);
		}
		int stop = p->stop;
		pthread_mutex_unlock(&p->mmu);
		if (stop)
			break;
		vigil_store_pg tmp = {0};
		tmp.url = p->url;
		if (ensure(&tmp, &c) == 0)
			maintain(p, c, &t);
	}
	PQfinish(c);
	return NULL;
}

/* ---- tokens ---------------------------------------------------------------------------- */

static int token_add_(vigil_store_pg *p, const char *name, const char *hash, unsigned scopes)
{
	int e = ex(p,
		   "INSERT INTO tokens(name, hash, scopes, created) VALUES($1,$2,$3,$4)"
		   " ON CONFLICT(name) DO UPDATE SET hash=excluded.hash, scopes=excluded.scopes,"
		   " created=excluded.created",
		   "ssii", name, hash, (int64_t)scopes, vigil_store__now());
	return e < 0 ? e : 0;
}

int vigil_store__pg_token_add(vigil_store_pg *p, const char *name, const char *hash,
			      unsigned scopes)
{
	RUN(p, token_add_(p, name, hash, scopes));
}

static int token_check_(vigil_store_pg *p, unsigned *out, const char *hash)
{
	PGresult *r = q(p, "SELECT scopes FROM tokens WHERE hash=$1", "s", hash);
	int error = 0;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) == 1)
		*out = (unsigned)ival(r, 0, 0);
	else
		error = vigil_store__fail(VIGIL_ENOTFOUND, "unknown token");
	PQclear(r);
	return error;
}

int vigil_store__pg_token_check(vigil_store_pg *p, unsigned *out, const char *hash)
{
	*out = 0;
	RUN(p, token_check_(p, out, hash));
}

/* ---- jobs ------------------------------------------------------------------------------ */

/* The manifest digest of a reference by digest ("host/repo@sha256:..."), or NULL. */
static const char *ref_digest(const char *ref)
{
	const char *at = ref ? strrchr(ref, '@') : NULL;
	return at && vigil_digest_is_sha256(at + 1) ? at + 1 : NULL;
}

/* A scan of a digest already queued, running or done: *out is that job (1), with a new
 * tag recorded when it is done; 0 when there is none. Inside job_add_'s transaction. */
static int job_known(vigil_store_pg *p, int64_t *out, const char *dedupe, const char *repository,
		     const char *tag)
{
	PGresult *r = q(p,
			"SELECT id, status FROM jobs WHERE dedupe=$1 AND status IN"
			" ('queued','running','done') ORDER BY id DESC LIMIT 1",
			"s", dedupe);
	int done;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	*out = ival(r, 0, 0);
	done = !strcmp(PQgetvalue(r, 0, 1), "done");
	PQclear(r);
	/* a manifest never changes: a scanned digest is not scanned again */
	if (done && repository && tag &&
	    ex(p,
	       "INSERT INTO tags(repository, tag, digest) SELECT $1, $2, digest FROM manifests"
	       " WHERE digest=$3 ON CONFLICT(repository, tag) DO UPDATE SET"
	       " digest=excluded.digest",
	       "sss", repository, tag, dedupe) < 0)
		return VIGIL_EIO;
	return 1;
}

static int job_add_(vigil_store_pg *p, int64_t *out, const char *kind, const char *ref,
		    const char *repository, const char *tag)
{
	const char *dedupe = !strcmp(kind, "scan") ? ref_digest(ref) : NULL;
	int64_t t = vigil_store__now();
	int error = begin(p), known = 0;
	PGresult *r = NULL;
	if (error < 0)
		return error;
	/* the digest's lock, also taken by scan_commit: the check below and the insert
	 * see every scan of it either queued, running or done */
	if (dedupe && ex(p, "SELECT pg_advisory_xact_lock(hashtext($1))", "s", dedupe) < 0)
		error = VIGIL_EIO;
	if (error == 0 && dedupe && (known = job_known(p, out, dedupe, repository, tag)) < 0)
		error = known;
	if (error == 0 && !known) {
		if (!(r = q(p,
			    "INSERT INTO jobs(kind, ref, repository, tag, status, created, updated,"
			    " dedupe) VALUES($1,$2,$3,$4,'queued',$5,$5,$6) RETURNING id",
			    "ssssis", kind, ref, repository, tag, t, dedupe)))
			error = VIGIL_EIO;
		else
			*out = ival(r, 0, 0);
		PQclear(r);
		/* delivered at commit to every process LISTENing (vigil_store_on_job) */
		if (error == 0 && ex(p, "NOTIFY " JOB_CHANNEL, "") < 0)
			error = VIGIL_EIO;
	}
	return end(p, error);
}

int vigil_store__pg_job_add(vigil_store_pg *p, int64_t *out, const char *kind, const char *ref,
			    const char *repository, const char *tag)
{
	*out = 0;
	RUN(p, job_add_(p, out, kind, ref, repository, tag));
}

static int job_claim_(vigil_store_pg *p, vigil_store_job *out, unsigned lease)
{
	int64_t t = vigil_store__now();
	PGresult *r = q(p,
			"UPDATE jobs SET status='running', attempts=attempts+1, owner=$1,"
			" lease_until=$2::bigint+$3::bigint, updated=$2::bigint"
			" WHERE id=(SELECT id FROM jobs WHERE status='queued' AND"
			" next_at<=$2::bigint ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
			" RETURNING id, kind, ref, repository, tag, attempts",
			"sii", p->owner, t, (int64_t)lease);
	int found = 0;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) == 1) {
		out->id = ival(r, 0, 0);
		out->kind = vigil_store__strdup(val(r, 0, 1));
		out->ref = vigil_store__strdup(val(r, 0, 2));
		out->repository = vigil_store__strdup(val(r, 0, 3));
		out->tag = vigil_store__strdup(val(r, 0, 4));
		out->attempts = (int)ival(r, 0, 5);
		found = 1;
	}
	PQclear(r);
	if (found && !out->kind) {
		vigil_store_job_clear(out);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	return found;
}

int vigil_store__pg_job_claim(vigil_store_pg *p, vigil_store_job *out)
{
	unsigned lease;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->mmu);
	lease = p->t.lease;
	/* the first claim starts the heartbeat of this process's leases */
	if (!p->maint_started && pthread_create(&p->maint, NULL, maint_main, p) == 0)
		p->maint_started = 1;
	pthread_mutex_unlock(&p->mmu);
	RUN(p, job_claim_(p, out, lease));
}

static int job_finish_(vigil_store_pg *p, int64_t id, const char *digest, const char *msg)
{
	int n = ex(p,
		   "UPDATE jobs SET status=$1, digest=$2, error=$3, updated=$4, owner=NULL,"
		   " lease_until=NULL WHERE id=$5 AND status='running' AND owner=$6",
		   "sssiis", msg ? "failed" : "done", digest, msg, vigil_store__now(), id,
		   p->owner);
	if (n < 0)
		return n;
	return n == 1 ? 0
		      : vigil_store__fail(VIGIL_ECANCELLED,
					  "store: job %lld is no longer held by this worker",
					  (long long)id);
}

int vigil_store__pg_job_finish(vigil_store_pg *p, int64_t id, const char *digest, const char *error)
{
	RUN(p, job_finish_(p, id, digest, error));
}

int vigil_store__pg_job_requeue_running(vigil_store_pg *p)
{
	(void)p;
	return 0; /* leases expire instead: other servers' running jobs are alive */
}

static int job_json_(vigil_store_pg *p, char **out, int64_t id)
{
	PGresult *r = q(p,
			"SELECT j.id, j.kind, j.status, j.ref, j.digest, j.error, j.created,"
			" j.updated, CASE WHEN j.status='done' THEN m.report END FROM jobs j"
			" LEFT JOIN manifests_full m ON m.digest=j.digest WHERE j.id=$1",
			"i", id);
	json_t *o;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return vigil_store__fail(VIGIL_ENOTFOUND, "no scan %lld", (long long)id);
	}
	o = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:I, s:I}", "id",
		      (json_int_t)ival(r, 0, 0), "kind", val(r, 0, 1), "status", val(r, 0, 2),
		      "image", val(r, 0, 3), "digest", val(r, 0, 4), "error", val(r, 0, 5),
		      "created", (json_int_t)ival(r, 0, 6), "updated", (json_int_t)ival(r, 0, 7));
	if (o && val(r, 0, 8)) {
		json_t *rep = json_loads(val(r, 0, 8), 0, NULL);
		if (rep)
			json_object_set_new(o, "report", rep);
	}
	PQclear(r);
	return vigil_store__dump(out, o);
}

int vigil_store__pg_job_json(vigil_store_pg *p, char **out, int64_t id)
{
	*out = NULL;
	RUN(p, job_json_(p, out, id));
}

/* ---- scans and history ----------------------------------------------------------------- */

/* The rows' first column as a NULL-terminated array into *out. */
static int strv_of(char ***out, size_t *n, PGresult *r)
{
	vigil_vec v = VIGIL_VEC_INIT(char *);
	int error = 0;
	for (int i = 0; error == 0 && i < PQntuples(r); i++)
		error = vigil_store__strv_push(&v, val(r, i, 0));
	return vigil_store__strv_finish(out, n, &v, error);
}

static int tags_of(vigil_store_pg *p, char ***out, const char *digest)
{
	PGresult *r = q(p, "SELECT tag FROM tags WHERE digest=$1 ORDER BY tag", "s", digest);
	if (!r)
		return VIGIL_EIO;
	int error = strv_of(out, NULL, r);
	PQclear(r);
	return error;
}

/* Where a commit's events go: the store and the delivery key's prefix (or NULL). */
typedef struct emit_target {
	vigil_store_pg *p;
	const char *key;
} emit_target;

/* One delivery of `event` to every webhook that wants it; with a key, at most one per
 * (webhook, key + event) ever. Inside a transaction. */
static int queue_event(vigil_store_pg *p, const char *event, const char *body, const char *key)
{
	PGresult *r = q(p, "SELECT id, events FROM webhooks", "");
	char *k = NULL;
	int error = 0;
	int64_t t = vigil_store__now();
	if (!r)
		return VIGIL_EIO;
	if (key && asprintf(&k, "%s:%s", key, event) < 0) {
		PQclear(r);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	for (int i = 0; error == 0 && i < PQntuples(r); i++)
		if (vigil_store__wants(val(r, i, 1), event) &&
		    ex(p,
		       "INSERT INTO deliveries(webhook, event, body, status, next_at,"
		       " created, updated, key) VALUES($1,$2,$3,'pending',$4,$4,$4,$5)"
		       " ON CONFLICT (webhook, key) DO NOTHING",
		       "issis", ival(r, i, 0), event, body, t, k) < 0)
			error = VIGIL_EIO;
	PQclear(r);
	free(k);
	return error;
}

/* queue_event as a vigil_store_queue_fn. */
static int queue_keyed(void *backend, const char *event, const char *body)
{
	emit_target *e = backend;
	return queue_event(e->p, event, body, e->key);
}

static int event_add_(vigil_store_pg *p, const char *event, const char *body)
{
	int error = begin(p);
	if (error == 0)
		error = end(p, queue_event(p, event, body, NULL));
	return error;
}

int vigil_store__pg_event_add(vigil_store_pg *p, const char *event, const char *body)
{
	RUN(p, event_add_(p, event, body));
}

/* Inside a commit's transaction: the history entry (when the keys changed) and events. */
static int commit_history(vigil_store_pg *p, int *changed, const vigil_store_scan *sc,
			  const char *vulns_s, vigil_store_events_fn events, void *payload)
{
	PGresult *r;
	vigil_store_diff d;
	char **tags = NULL, *key = NULL, *repo = NULL;
	int error = 0;
	int64_t hid = 0;
	if (!(r = q(p, "SELECT vulns FROM history WHERE digest=$1 ORDER BY id DESC LIMIT 1", "s",
		    sc->digest)))
		return VIGIL_EIO;
	error = vigil_store__diff(&d, sc, PQntuples(r) == 1,
				  PQntuples(r) == 1 ? val(r, 0, 0) : NULL);
	PQclear(r);
	if (error < 0)
		return error;
	*changed = d.changed;
	if (d.changed) {
		if (!(r = q(p,
			    "INSERT INTO history(digest, time, db_built, counts, vulns, added,"
			    " removed) VALUES($1,$2,$3,$4,$5,$6,$7) RETURNING id",
			    "sisssss", sc->digest, vigil_store__now(), sc->db_built, d.counts_s,
			    vulns_s, d.added_s, d.removed_s)))
			error = VIGIL_EIO;
		else {
			hid = ival(r, 0, 0);
			PQclear(r);
		}
	}
	if (error < 0 || !events || (error = tags_of(p, &tags, sc->digest)) < 0)
		goto done;
	if (!sc->repository) {
		if (!(r = q(p, "SELECT repository FROM manifests WHERE digest=$1", "s",
			    sc->digest))) {
			error = VIGIL_EIO;
			goto done;
		}
		if (PQntuples(r) == 1)
			repo = vigil_store__strdup(val(r, 0, 0));
		PQclear(r);
	}
	/* the delivery key: the job, or the history entry a re-evaluation wrote (one
	 * without a change emits nothing) */
	if ((sc->job_id > 0 ? asprintf(&key, "job:%lld", (long long)sc->job_id)
			    : asprintf(&key, "history:%lld", (long long)hid)) < 0) {
		key = NULL;
		error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	emit_target e = {p, key};
	error = vigil_store__emit(&d, sc, (const char *const *)tags,
				  sc->repository ? sc->repository : repo, events, payload,
				  queue_keyed, &e);
done:
	free(key);
	free(repo);
	vigil_store__free_strv(tags);
	vigil_store__diff_free(&d);
	return error;
}

static int cmpstrp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Inside a commit holding the digest's lock: the parts and sets the row holds now (old[0]
 * report part, old[1] inventory part, old[2] package set, old[3] vulnerability set;
 * malloc'd or NULL), then a transaction lock on every part and set the commit adds, keeps
 * or may delete, taken in one order, then the parts and sets the store has not got. A
 * part or set is deleted only under its lock and when no row holds it; a commit that
 * holds it waits for that deletion to end and then stores it again. `pset` NULL: the
 * package set stays. */
static int lock_parts(vigil_store_pg *p, char *old[4], const vigil_store_cut *rc,
		      const vigil_store_cut *ic, const vigil_store_scan *sc, const char *pset,
		      const char *vset)
{
	PGresult *r = q(p,
			"SELECT report_part, inventory_part, pkgset, vulnset FROM manifests"
			" WHERE digest=$1",
			"s", sc->digest);
	const char *h[8];
	int n = 0, error = 0;
	if (!r)
		return VIGIL_EIO;
	for (int i = 0; i < 4 && PQntuples(r) == 1; i++)
		if (val(r, 0, i) && !(old[i] = strdup(val(r, 0, i))))
			error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	PQclear(r);
	if (rc->part)
		h[n++] = rc->hash;
	if (ic->part)
		h[n++] = ic->hash;
	if (pset && pset[0])
		h[n++] = pset;
	if (vset[0])
		h[n++] = vset;
	for (int i = 0; i < 4; i++)
		if (old[i])
			h[n++] = old[i];
	qsort(h, (size_t)n, sizeof(h[0]), cmpstrp);
	for (int i = 0; i < n && error == 0; i++)
		if ((i == 0 || strcmp(h[i - 1], h[i])) &&
		    ex(p, "SELECT pg_advisory_xact_lock(hashtext($1))", "s", h[i]) < 0)
			error = VIGIL_EIO;
	for (int i = 0; i < 2 && error == 0; i++) {
		const vigil_store_cut *c = i ? ic : rc;
		if (c->part && ex(p,
				  "INSERT INTO parts(hash, body) VALUES($1,$2)"
				  " ON CONFLICT DO NOTHING",
				  "ss", c->hash, c->part) < 0)
			error = VIGIL_EIO;
	}
	for (int v = 0; v < 2 && error == 0; v++) {
		const char *name = v ? vset : pset;
		const char *const *keys = v ? sc->vulns : sc->pkgkeys;
		if (!name || !name[0])
			continue;
		if (!(r = q(p,
			    v ? "SELECT 1 FROM vulnsets WHERE vset=$1 LIMIT 1"
			      : "SELECT 1 FROM pkgsets WHERE pset=$1 LIMIT 1",
			    "s", name))) {
			error = VIGIL_EIO;
			break;
		}
		int have = PQntuples(r) > 0;
		PQclear(r);
		for (size_t i = 0; !have && error == 0 && keys[i]; i++) {
			const char *k = keys[i], *tab = strchr(k, '\t');
			if (!v && !tab)
				continue;
			char *a = strndup(k, tab ? (size_t)(tab - k) : strlen(k));
			if (!a)
				error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
			else if (ex(p,
				    v ? "INSERT INTO vulnsets(vset, vuln, package) VALUES($1,$2,$3)"
					" ON CONFLICT DO NOTHING"
				      : "INSERT INTO pkgsets(pset, ecosystem, package)"
					" VALUES($1,$2,$3) ON CONFLICT DO NOTHING",
				    "sss", name, a, tab ? tab + 1 : "") < 0)
				error = VIGIL_EIO;
			free(a);
		}
	}
	return error;
}

/* Inside the commit, after the row is written: deletes the parts and sets it held before
 * that no row holds any more. */
static int drop_parts(vigil_store_pg *p, char *const old[4])
{
	for (int i = 0; i < 2; i++)
		if (old[i] && (i == 0 || !old[0] || strcmp(old[0], old[1])) &&
		    ex(p,
		       "DELETE FROM parts WHERE hash=$1 AND NOT EXISTS(SELECT 1 FROM manifests"
		       " WHERE report_part=$1) AND NOT EXISTS(SELECT 1 FROM manifests"
		       " WHERE inventory_part=$1)",
		       "s", old[i]) < 0)
			return VIGIL_EIO;
	if (old[2] && ex(p,
			 "DELETE FROM pkgsets WHERE pset=$1 AND NOT EXISTS(SELECT 1 FROM"
			 " manifests WHERE pkgset=$1)",
			 "s", old[2]) < 0)
		return VIGIL_EIO;
	if (old[3] && ex(p,
			 "DELETE FROM vulnsets WHERE vset=$1 AND NOT EXISTS(SELECT 1 FROM"
			 " manifests WHERE vulnset=$1)",
			 "s", old[3]) < 0)
		return VIGIL_EIO;
	return 0;
}

static int scan_commit_(vigil_store_pg *p, int *changed, const vigil_store_scan *sc,
			const char *vulns_s, const vigil_store_cut *rc, const vigil_store_cut *ic,
			vigil_store_events_fn events, void *payload)
{
	char *old[4] = {NULL, NULL, NULL, NULL}, pset[72], vset[72];
	int64_t t = vigil_store__now();
	int error, n;
	PGresult *r;
	*changed = 0;
	if ((error = vigil_store__set_name(pset, sc->pkgkeys)) < 0 ||
	    (error = vigil_store__set_name(vset, sc->vulns)) < 0)
		return error;
	if ((error = begin(p)) < 0)
		return error;
	/* one commit of a digest at a time, cluster-wide: history stays free of twins */
	if (ex(p, "SELECT pg_advisory_xact_lock(hashtext($1))", "s", sc->digest) < 0) {
		error = VIGIL_EIO;
		goto done;
	}
	if (sc->job_id > 0) {
		if (!(r = q(p,
			    "SELECT 1 FROM jobs WHERE id=$1 AND status='running' AND owner=$2"
			    " FOR UPDATE",
			    "is", sc->job_id, p->owner))) {
			error = VIGIL_EIO;
			goto done;
		}
		n = PQntuples(r);
		PQclear(r);
		if (n != 1) {
			error = vigil_store__fail(
				VIGIL_ECANCELLED,
				"store: job %lld is no longer held by this worker",
				(long long)sc->job_id);
			goto done;
		}
	}
	if ((error = lock_parts(p, old, rc, ic, sc, sc->rematch ? NULL : pset, vset)) < 0)
		goto done;
	if (sc->rematch && !sc->inventory) {
		n = ex(p,
		       "UPDATE manifests SET scanned_at=$1, db_built=$2, report=$3, report_part=$4,"
		       " report_tail=$5, vulnset=$6, vulns=$7, critical=$8, high=$9, medium=$10,"
		       " low=$11, negligible=$12, unknown=$13 WHERE digest=$14",
		       "issssssiiiiiis", t, sc->db_built, rc->head, rc->part ? rc->hash : NULL,
		       rc->tail, vset[0] ? vset : NULL, vulns_s, sc->counts[0], sc->counts[1],
		       sc->counts[2], sc->counts[3], sc->counts[4], sc->counts[5], sc->digest);
		if (n == 0)
			error = vigil_store__fail(VIGIL_ENOTFOUND, "no image %s", sc->digest);
		free(old[1]); /* the inventory and the package set stay */
		free(old[2]);
		old[1] = old[2] = NULL;
	} else {
		n = ex(p,
		       "INSERT INTO manifests(digest, repository, first_seen, scanned_at, db_built,"
		       " inventory, inventory_part, inventory_tail, report, report_part,"
		       " report_tail, pkgset, vulnset, vulns, critical, high, medium, low,"
		       " negligible, unknown) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,"
		       "$14,$15,$16,$17,$18,$19,$20)"
		       " ON CONFLICT(digest) DO UPDATE SET"
		       " repository=coalesce(excluded.repository, manifests.repository),"
		       " scanned_at=excluded.scanned_at, db_built=excluded.db_built,"
		       " inventory=excluded.inventory, inventory_part=excluded.inventory_part,"
		       " inventory_tail=excluded.inventory_tail, report=excluded.report,"
		       " report_part=excluded.report_part, report_tail=excluded.report_tail,"
		       " pkgset=excluded.pkgset, vulnset=excluded.vulnset, vulns=excluded.vulns, "
		       "critical=excluded.critical, high=excluded.high,"
		       " medium=excluded.medium, low=excluded.low, negligible=excluded.negligible,"
		       " unknown=excluded.unknown",
		       "ssiisssssssssiiiiiii", sc->digest, sc->repository, t, t, sc->db_built,
		       ic->head, ic->part ? ic->hash : NULL, ic->tail, rc->head,
		       rc->part ? rc->hash : NULL, rc->tail, pset[0] ? pset : NULL,
		       vset[0] ? vset : NULL, vulns_s, sc->counts[0], sc->counts[1], sc->counts[2],
		       sc->counts[3], sc->counts[4], sc->counts[5]);
	}
	if (n >= 0 && error == 0 && drop_parts(p, old) < 0)
		error = VIGIL_EIO;
	if (n < 0)
		error = n;
	for (size_t i = 0; error == 0 && sc->repository && sc->tags && sc->tags[i]; i++)
		if (ex(p,
		       "INSERT INTO tags(repository, tag, digest) VALUES($1,$2,$3)"
		       " ON CONFLICT(repository, tag) DO UPDATE SET digest=excluded.digest",
		       "sss", sc->repository, sc->tags[i], sc->digest) < 0)
			error = VIGIL_EIO;
	if (error == 0)
		error = commit_history(p, changed, sc, vulns_s, events, payload);
	if (error == 0 && sc->job_id > 0 &&
	    ex(p,
	       "UPDATE jobs SET status='done', digest=$1, error=NULL, updated=$2, owner=NULL,"
	       " lease_until=NULL WHERE id=$3",
	       "sii", sc->digest, t, sc->job_id) < 0)
		error = VIGIL_EIO;
done:
	for (int i = 0; i < 4; i++)
		free(old[i]);
	return end(p, error);
}

static int scan_commit_run(vigil_store_pg *p, int *changed, const vigil_store_scan *sc,
			   const char *vulns_s, const vigil_store_cut *rc,
			   const vigil_store_cut *ic, vigil_store_events_fn events, void *payload)
{
	RUN(p, scan_commit_(p, changed, sc, vulns_s, rc, ic, events, payload));
}

int vigil_store__pg_scan_commit(vigil_store_pg *p, int *out_changed, const vigil_store_scan *sc,
				vigil_store_events_fn events, void *payload)
{
	json_t *vj = NULL;
	char *vulns_s = NULL;
	int error, changed = 0;
	if (out_changed)
		*out_changed = 0;
	if (!sc->digest || !vigil_digest_is_sha256(sc->digest))
		return vigil_store__fail(VIGIL_EINVAL,
					 "store: the image has no sha256 manifest digest");
	if (!(vj = vigil_store__str_array(sc->vulns)) ||
	    !(vulns_s = json_dumps(vj, JSON_COMPACT))) {
		json_decref(vj);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	json_decref(vj);
	vigil_store_cut rc, ic = {0};
	if ((error = vigil_store__cut(&rc, sc->report)) == 0 &&
	    (error = vigil_store__cut(&ic, sc->inventory)) == 0)
		error = scan_commit_run(p, &changed, sc, vulns_s, &rc, &ic, events, payload);
	vigil_store__cut_free(&rc);
	vigil_store__cut_free(&ic);
	free(vulns_s);
	if (out_changed && error == 0)
		*out_changed = changed;
	return error;
}

static int digests_(vigil_store_pg *p, char ***out, size_t *n)
{
	PGresult *r = q(p, "SELECT digest FROM manifests ORDER BY digest", "");
	if (!r)
		return VIGIL_EIO;
	int error = strv_of(out, n, r);
	PQclear(r);
	return error;
}

int vigil_store__pg_digests(vigil_store_pg *p, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	RUN(p, digests_(p, out, n));
}

static int text_(vigil_store_pg *p, char **out, const char *column, const char *digest)
{
	PGresult *r = q(p,
			!strcmp(column, "inventory")
				? "SELECT inventory FROM manifests_full WHERE digest=$1"
				: "SELECT report FROM manifests_full WHERE digest=$1",
			"s", digest);
	int error = 0;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) != 1)
		error = vigil_store__fail(VIGIL_ENOTFOUND, "no image %.200s", digest);
	else if (!(*out = vigil_store__strdup(val(r, 0, 0))))
		error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	PQclear(r);
	return error;
}

int vigil_store__pg_text(vigil_store_pg *p, char **out, const char *column, const char *digest)
{
	*out = NULL;
	RUN(p, text_(p, out, column, digest));
}

/* {"digest","repository","tags","scanned_at","db_built","counts"} of row `i` whose
 * columns are digest, repository, scanned_at, db_built and six counts. */
static json_t *image_obj(vigil_store_pg *p, PGresult *r, int i)
{
	char **tags = NULL;
	int64_t counts[6];
	for (int k = 0; k < 6; k++)
		counts[k] = ival(r, i, 4 + k);
	if (tags_of(p, &tags, val(r, i, 0)) < 0)
		return NULL;
	json_t *o = vigil_store__image_obj(val(r, i, 0), val(r, i, 1), ival(r, i, 2), val(r, i, 3),
					   counts, (const char *const *)tags);
	vigil_store__free_strv(tags);
	return o;
}

static int images_json_(vigil_store_pg *p, char **out, const vigil_store_filter *f, int sev,
			int limit)
{
	char sql[1200], sevclause[48] = "", cl[4][96] = {"", "", "", ""};
	const char *args[4];
	int nargs = 0, error = 0;
	json_t *arr = json_array();
	const char *last = NULL;
	if (sev >= 0)
		snprintf(sevclause, sizeof(sevclause), " AND %s>0", vigil_store__sevcols[sev]);
	if (f->repository) {
		args[nargs++] = f->repository;
		snprintf(cl[0], sizeof(cl[0]), " AND repository=$%d", nargs);
	}
	if (f->vuln) {
		args[nargs++] = f->vuln;
		snprintf(cl[1], sizeof(cl[1]),
			 " AND EXISTS(SELECT 1 FROM vulnindex v WHERE v.digest=m.digest AND"
			 " v.vuln=$%d)",
			 nargs);
	}
	if (f->package) {
		args[nargs++] = f->package;
		snprintf(cl[2], sizeof(cl[2]),
			 " AND EXISTS(SELECT 1 FROM pkgindex p WHERE p.digest=m.digest AND"
			 " p.package=$%d)",
			 nargs);
	}
	if (f->after) {
		args[nargs++] = f->after;
		snprintf(cl[3], sizeof(cl[3]), " AND digest>$%d", nargs);
	}
	snprintf(sql, sizeof(sql),
		 "SELECT digest, repository, scanned_at, db_built, critical, high, medium, low,"
		 " negligible, unknown FROM manifests m WHERE true%s%s%s%s%s ORDER BY digest"
		 " LIMIT %d",
		 cl[0], cl[1], cl[2], cl[3], sevclause, limit + 1);
	PGresult *r = PQexecParams(p->conn, sql, nargs, NULL, args, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		json_decref(arr);
		return pgfail(p, p->conn, "query");
	}
	int rows = PQntuples(r), count = 0;
	for (int i = 0; arr && i < rows; i++) {
		if (count == limit) {
			last = val(r, i - 1, 0);
			break;
		}
		json_t *img = image_obj(p, r, i);
		if (!img) {
			error = p->lost ? VIGIL_EIO
					: vigil_store__fail(VIGIL_ENOMEM, "out of memory");
			break;
		}
		json_array_append_new(arr, img);
		count++;
	}
	if (error == 0)
		error = vigil_store__dump(out,
					  json_pack("{s:O, s:s?}", "images", arr, "next", last));
	PQclear(r);
	json_decref(arr);
	return error;
}

int vigil_store__pg_images_json(vigil_store_pg *p, char **out, const vigil_store_filter *f)
{
	int sev = -1, limit = f->limit < 1 ? 50 : f->limit > 500 ? 500 : f->limit;
	*out = NULL;
	if (f->severity && vigil_store__severity(&sev, f->severity) < 0)
		return VIGIL_EINVAL;
	RUN(p, images_json_(p, out, f, sev, limit));
}

static int history_json_(vigil_store_pg *p, char **out, const char *digest)
{
	PGresult *r = q(p,
			"SELECT time, db_built, counts, added, removed FROM history"
			" WHERE digest=$1 ORDER BY id",
			"s", digest);
	json_t *arr = json_array();
	int error;
	if (!r) {
		json_decref(arr);
		return VIGIL_EIO;
	}
	for (int i = 0; arr && i < PQntuples(r); i++)
		json_array_append_new(arr,
				      json_pack("{s:I, s:s?, s:o?, s:o?, s:o?}", "time",
						(json_int_t)ival(r, i, 0), "db_built", val(r, i, 1),
						"counts", json_loads(val(r, i, 2), 0, NULL),
						"added", json_loads(val(r, i, 3), 0, NULL),
						"removed", json_loads(val(r, i, 4), 0, NULL)));
	if (PQntuples(r) == 0)
		error = vigil_store__fail(VIGIL_ENOTFOUND, "no image %.200s", digest);
	else
		error = vigil_store__dump(
			out, json_pack("{s:s, s:O}", "digest", digest, "history", arr));
	PQclear(r);
	json_decref(arr);
	return error;
}

int vigil_store__pg_history_json(vigil_store_pg *p, char **out, const char *digest)
{
	*out = NULL;
	RUN(p, history_json_(p, out, digest));
}

static int vuln_images_json_(vigil_store_pg *p, char **out, const char *vuln_id)
{
	PGresult *r = q(p,
			"SELECT v.digest, m.repository, m.scanned_at, m.db_built, m.critical,"
			" m.high, m.medium, m.low, m.negligible, m.unknown, v.package"
			" FROM vulnindex v JOIN manifests m ON m.digest=v.digest WHERE v.vuln=$1"
			" ORDER BY v.digest, v.package",
			"s", vuln_id);
	json_t *arr = json_array(), *cur = NULL;
	int error = 0;
	if (!r) {
		json_decref(arr);
		return VIGIL_EIO;
	}
	for (int i = 0; arr && i < PQntuples(r); i++) {
		const char *d = val(r, i, 0);
		if (!cur || strcmp(json_string_value(json_object_get(cur, "digest")), d)) {
			if (!(cur = image_obj(p, r, i))) {
				error = p->lost ? VIGIL_EIO
						: vigil_store__fail(VIGIL_ENOMEM, "out of memory");
				break;
			}
			json_object_set_new(cur, "packages", json_array());
			json_array_append_new(arr, cur);
		}
		json_array_append_new(json_object_get(cur, "packages"),
				      json_string(val(r, i, 10) ? val(r, i, 10) : ""));
	}
	if (error == 0)
		error = vigil_store__dump(out,
					  json_pack("{s:s, s:O}", "id", vuln_id, "images", arr));
	PQclear(r);
	json_decref(arr);
	return error;
}

int vigil_store__pg_vuln_images_json(vigil_store_pg *p, char **out, const char *vuln_id)
{
	*out = NULL;
	RUN(p, vuln_images_json_(p, out, vuln_id));
}

/* ---- webhooks -------------------------------------------------------------------------- */

static int webhook_add_(vigil_store_pg *p, int64_t *out, const char *url, const char *events,
			const char *secret)
{
	PGresult *r = q(p,
			"INSERT INTO webhooks(url, events, secret, created) VALUES($1,$2,$3,$4)"
			" RETURNING id",
			"sssi", url, events, secret, vigil_store__now());
	if (!r)
		return VIGIL_EIO;
	*out = ival(r, 0, 0);
	PQclear(r);
	return 0;
}

int vigil_store__pg_webhook_add(vigil_store_pg *p, int64_t *out, const char *url,
				const char *events, const char *secret)
{
	*out = 0;
	RUN(p, webhook_add_(p, out, url, events, secret));
}

static int webhooks_json_(vigil_store_pg *p, char **out)
{
	PGresult *r = q(p, "SELECT id, url, events, created FROM webhooks ORDER BY id", "");
	json_t *arr = json_array();
	int error;
	if (!r) {
		json_decref(arr);
		return VIGIL_EIO;
	}
	for (int i = 0; arr && i < PQntuples(r); i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I}", "id",
						     (json_int_t)ival(r, i, 0), "url", val(r, i, 1),
						     "events", val(r, i, 2), "created",
						     (json_int_t)ival(r, i, 3)));
	error = vigil_store__dump(out, json_pack("{s:O}", "webhooks", arr));
	PQclear(r);
	json_decref(arr);
	return error;
}

int vigil_store__pg_webhooks_json(vigil_store_pg *p, char **out)
{
	*out = NULL;
	RUN(p, webhooks_json_(p, out));
}

static int webhook_delete_(vigil_store_pg *p, int64_t id)
{
	int error = begin(p), n;
	if (error < 0)
		return error;
	if ((n = ex(p, "DELETE FROM webhooks WHERE id=$1", "i", id)) < 0)
		error = n;
	else if (n == 0)
		error = vigil_store__fail(VIGIL_ENOTFOUND, "no webhook %lld", (long long)id);
	else if ((n = ex(p, "DELETE FROM deliveries WHERE webhook=$1", "i", id)) < 0)
		error = n;
	return end(p, error);
}

int vigil_store__pg_webhook_delete(vigil_store_pg *p, int64_t id)
{
	RUN(p, webhook_delete_(p, id));
}

static int deliveries_json_(vigil_store_pg *p, char **out, int64_t webhook_id)
{
	PGresult *r = q(p, "SELECT 1 FROM webhooks WHERE id=$1", "i", webhook_id);
	json_t *arr;
	int error;
	if (!r)
		return VIGIL_EIO;
	int there = PQntuples(r) == 1;
	PQclear(r);
	if (!there)
		return vigil_store__fail(VIGIL_ENOTFOUND, "no webhook %lld", (long long)webhook_id);
	if (!(r = q(p,
		    "SELECT id, event, status, attempts, last_code, last_error, created, updated"
		    " FROM deliveries WHERE webhook=$1 ORDER BY id DESC LIMIT 500",
		    "i", webhook_id)))
		return VIGIL_EIO;
	arr = json_array();
	for (int i = 0; arr && i < PQntuples(r); i++)
		json_array_append_new(
			arr,
			json_pack("{s:I, s:s, s:s, s:i, s:I, s:s?, s:I, s:I}", "id",
				  (json_int_t)ival(r, i, 0), "event", val(r, i, 1), "status",
				  val(r, i, 2), "attempts", (int)ival(r, i, 3), "last_code",
				  (json_int_t)ival(r, i, 4), "last_error", val(r, i, 5), "created",
				  (json_int_t)ival(r, i, 6), "updated", (json_int_t)ival(r, i, 7)));
	error = vigil_store__dump(out, json_pack("{s:O}", "deliveries", arr));
	PQclear(r);
	json_decref(arr);
	return error;
}

int vigil_store__pg_deliveries_json(vigil_store_pg *p, char **out, int64_t webhook_id)
{
	*out = NULL;
	RUN(p, deliveries_json_(p, out, webhook_id));
}

static int delivery_next_(vigil_store_pg *p, vigil_store_delivery *out, int64_t now)
{
	/* hidden from other deliverers while this one posts it; a deliverer that dies
	 * leaves it to be sent again after DELIVERY_HOLD (at least once) */
	PGresult *r = q(p,
			"UPDATE deliveries d SET next_at=$1::bigint+$2::bigint FROM webhooks w"
			" WHERE w.id=d.webhook AND d.id=(SELECT id FROM deliveries WHERE"
			" status='pending' AND next_at<=$1::bigint ORDER BY next_at, id LIMIT 1"
			" FOR UPDATE SKIP LOCKED)"
			" RETURNING d.id, w.url, w.secret, d.event, d.body, d.attempts",
			"ii", now, (int64_t)DELIVERY_HOLD);
	int found = 0;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) == 1) {
		out->id = ival(r, 0, 0);
		out->url = vigil_store__strdup(val(r, 0, 1));
		out->secret = vigil_store__strdup(val(r, 0, 2));
		out->event = vigil_store__strdup(val(r, 0, 3));
		out->body = vigil_store__strdup(val(r, 0, 4));
		out->attempts = (int)ival(r, 0, 5);
		found = 1;
	}
	PQclear(r);
	if (found && (!out->url || !out->secret || !out->event || !out->body)) {
		vigil_store_delivery_clear(out);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	return found;
}

int vigil_store__pg_delivery_next(vigil_store_pg *p, vigil_store_delivery *out, int64_t now)
{
	memset(out, 0, sizeof(*out));
	RUN(p, delivery_next_(p, out, now));
}

static int delivery_result_(vigil_store_pg *p, int64_t id, int ok, int code, const char *msg,
			    int64_t next_at)
{
	int n = ex(p,
		   "UPDATE deliveries SET status=$1, attempts=attempts+1, last_code=$2,"
		   " last_error=$3, next_at=$4, updated=$5 WHERE id=$6",
		   "sisiii",
		   ok	     ? "done"
		   : next_at ? "pending"
			     : "failed",
		   (int64_t)code, msg, next_at, vigil_store__now(), id);
	return n < 0 ? n : 0;
}

int vigil_store__pg_delivery_result(vigil_store_pg *p, int64_t id, int ok, int code,
				    const char *error, int64_t next_at)
{
	RUN(p, delivery_result_(p, id, ok, code, error, next_at));
}

static int stats_(vigil_store_pg *p, vigil_store_stats *out)
{
	PGresult *r = q(
		p,
		"SELECT count(*) FILTER (WHERE status='queued'),"
		" count(*) FILTER (WHERE status='running'), count(*) FILTER (WHERE status='done'),"
		" count(*) FILTER (WHERE status='failed'), (SELECT count(*) FROM manifests),"
		" (SELECT count(*) FROM history),"
		" (SELECT count(*) FROM deliveries WHERE status='pending'),"
		" (SELECT count(*) FROM deliveries WHERE status='failed'),"
		" coalesce($1::bigint - min(created) FILTER (WHERE status='queued'), 0),"
		" (SELECT value FROM counters WHERE name='lease_rescues') FROM jobs",
		"i", vigil_store__now());
	if (!r)
		return VIGIL_EIO;
	int64_t *v[] = {&out->queued,
			&out->running,
			&out->done,
			&out->failed,
			&out->manifests,
			&out->history,
			&out->deliveries_pending,
			&out->deliveries_failed,
			&out->queue_age,
			&out->lease_rescues};
	for (int i = 0; i < 10; i++)
		*v[i] = ival(r, 0, i);
	PQclear(r);
	return 0;
}

int vigil_store__pg_stats(vigil_store_pg *p, vigil_store_stats *out)
{
	memset(out, 0, sizeof(*out));
	RUN(p, stats_(p, out));
}

/* ---- the dashboard's read models and the admission webhook's decisions ------------------ */

/* A report's array member `m` as jsonb ('[]' when missing or not an array); `r` is the
 * report as jsonb. */
#define ARR(r, m)                                                                                  \
	"CASE WHEN jsonb_typeof(" r "->'" m "')='array' THEN " r "->'" m "' ELSE '[]'::jsonb END"

static int trend_(vigil_store_pg *p, json_t **out, int maxpts)
{
	vigil_store_trend t;
	int error;
	*out = NULL;
	if ((error = vigil_store__trend_init(&t)) < 0)
		return error;
	PGresult *r = q(p, "SELECT digest, time, counts FROM history ORDER BY time, id", "");
	if (!r) {
		vigil_store__trend_free(&t);
		return VIGIL_EIO;
	}
	for (int i = 0; i < PQntuples(r); i++)
		vigil_store__trend_add(&t, val(r, i, 0), ival(r, i, 1), val(r, i, 2));
	PQclear(r);
	return vigil_store__trend_finish(out, &t, maxpts);
}

/* "vulnerabilities" and "other" of the overview from one pass over the reports (jsonb). */
static int findings_(vigil_store_pg *p, json_t *o, json_t **kev_out)
{
	vigil_store_findings f;
	int error;
	*kev_out = NULL;
	if ((error = vigil_store__findings_init(&f)) < 0)
		return error;
	PGresult *r = q(
		p,
		"SELECT digest, (SELECT count(*) FROM jsonb_array_elements(vs) v),"
		" (SELECT count(*) FROM jsonb_array_elements(vs) v WHERE v->>'status'='fixed'),"
		" (SELECT count(*) FROM jsonb_array_elements(vs) v"
		"  WHERE v->'known_exploited'='true'::jsonb),"
		" (SELECT string_agg(v->>'id', E'\\t') FROM jsonb_array_elements(vs) v"
		"  WHERE v->'known_exploited'='true'::jsonb AND v->>'id' IS NOT NULL),"
		" jsonb_array_length(" ARR(
			"r",
			"secrets") "),"
				   " jsonb_array_length(" ARR(
					   "r",
					   "malware") "),"
						      " jsonb_array_length(" ARR(
							      "r",
							      "misconfigurations") ")"
										   " FROM (SELECT "
										   "digest, "
										   "r, " ARR(
											   "r",
											   "vulnera"
											   "bilitie"
											   "s") " v"
												"s "
												"FR"
												"OM"
												"  "
												"(S"
												"EL"
												"EC"
												"T "
												"di"
												"ge"
												"st"
												", "
												"re"
												"po"
												"rt"
												"::"
												"js"
												"on"
												"b "
												"r "
												"FR"
												"OM"
												" m"
												"an"
												"if"
												"es"
												"ts"
												"_f"
												"ul"
												"l"
												") "
												"a)"
												" "
												"m",
		"");
	if (!r) {
		vigil_store__findings_free(&f);
		return VIGIL_EIO;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t other[3] = {ival(r, i, 5), ival(r, i, 6), ival(r, i, 7)};
		vigil_store__findings_add(&f, val(r, i, 0), ival(r, i, 1), ival(r, i, 2),
					  ival(r, i, 3), val(r, i, 4), other);
	}
	PQclear(r);
	return vigil_store__findings_finish(o, kev_out, &f);
}

#define IMAGE_COLS                                                                                 \
	"digest, repository, scanned_at, db_built, critical, high, medium, low, negligible,"       \
	" unknown"

/* Appends the `top` riskiest images (image objects with "kev") to `risk`. */
static int riskiest_(vigil_store_pg *p, json_t *risk, json_t *kev, int top)
{
	vigil_vec v = VIGIL_VEC_INIT(vigil_store_risk_row);
	int error = 0;
	PGresult *r = q(p,
			"SELECT digest, critical, high, medium, low, negligible + unknown"
			" FROM manifests",
			"");
	if (!r)
		return VIGIL_EIO;
	for (int i = 0; error == 0 && i < PQntuples(r); i++) {
		int64_t c[5];
		for (int k = 0; k < 5; k++)
			c[k] = ival(r, i, 1 + k);
		error = vigil_store__risk_push(&v, val(r, i, 0), kev, c);
	}
	PQclear(r);
	vigil_store__risk_sort(&v);
	for (size_t i = 0; error == 0 && i < v.len && i < (size_t)top; i++) {
		const vigil_store_risk_row *row = &VIGIL_VEC_AT(&v, vigil_store_risk_row, i);
		if (!(r = q(p, "SELECT " IMAGE_COLS " FROM manifests WHERE digest=$1", "s",
			    row->digest))) {
			error = VIGIL_EIO;
			break;
		}
		if (PQntuples(r) == 1) {
			json_t *img = image_obj(p, r, 0);
			if (!img)
				error = p->lost ? VIGIL_EIO
						: vigil_store__fail(VIGIL_ENOMEM, "out of memory");
			else {
				json_object_set_new(img, "kev", json_integer(row->k[0]));
				json_array_append_new(risk, img);
			}
		}
		PQclear(r);
	}
	vigil_vec_free(&v);
	return error;
}

/* The facts of vulnerability `id` from one report that has it; empty when none. */
static json_t *vuln_facts_(vigil_store_pg *p, const char *id)
{
	PGresult *r = q(
		p,
		"SELECT v->>'severity', v->>'title', v->'known_exploited'='true'::jsonb,"
		" CASE WHEN jsonb_typeof(v->'cvss'->'score')='number' THEN"
		"  (v->'cvss'->>'score')::float8 END"
		" FROM manifests_full m, jsonb_array_elements(" ARR(
			"m.report::jsonb", "vulnerabilities") ") v"
							      " WHERE m.digest=(SELECT digest FROM "
							      "vulnindex WHERE vuln=$1 LIMIT 1)"
							      " AND v->>'id'=$1 LIMIT 1",
		"s", id);
	json_t *o;
	if (!r)
		return NULL;
	if (PQntuples(r) != 1)
		o = json_object();
	else
		o = vigil_store__vuln_facts(val(r, 0, 0), val(r, 0, 1),
					    val(r, 0, 2) && *val(r, 0, 2) == 't', !!val(r, 0, 3),
					    val(r, 0, 3) ? strtod(val(r, 0, 3), NULL) : 0);
	PQclear(r);
	return o;
}

static int overview_(vigil_store_pg *p, char **out, int top)
{
	json_t *o = json_object(), *sev = json_object(), *risk = json_array(), *wide = json_array(),
	       *trend = NULL, *kev = NULL;
	PGresult *r = NULL;
	int error = 0;
	if (!o || !sev || !risk || !wide) {
		error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	/* images: scanned ones, plus scan targets never scanned (queued, running, failed) */
	if (!(r = q(p,
		    "SELECT (SELECT count(*) FROM manifests),"
		    " (SELECT count(*) FROM (SELECT digest FROM manifests UNION"
		    "  SELECT ref FROM jobs j WHERE kind='scan' AND digest IS NULL AND ref IS NOT"
		    "  NULL AND NOT EXISTS(SELECT 1 FROM jobs k WHERE k.ref=j.ref AND"
		    "  k.digest IS NOT NULL)) u),"
		    " (SELECT count(*) FROM jobs WHERE status IN ('queued','running')),"
		    " (SELECT count(*) FROM jobs WHERE kind='scan' AND status='failed'),"
		    " coalesce(sum(critical), 0), coalesce(sum(high), 0),"
		    " coalesce(sum(medium), 0), coalesce(sum(low), 0),"
		    " coalesce(sum(negligible), 0), coalesce(sum(unknown), 0) FROM manifests",
		    ""))) {
		error = VIGIL_EIO;
		goto done;
	}
	json_object_set_new(o, "images",
			    json_pack("{s:I, s:I, s:I, s:I}", "scanned", (json_int_t)ival(r, 0, 0),
				      "known", (json_int_t)ival(r, 0, 1), "pending",
				      (json_int_t)ival(r, 0, 2), "failed",
				      (json_int_t)ival(r, 0, 3)));
	for (int k = 0; k < 6; k++)
		json_object_set_new(sev, vigil_store__sevs[k], json_integer(ival(r, 0, 4 + k)));
	PQclear(r);
	r = NULL;
	json_object_set(o, "severity", sev);
	if ((error = findings_(p, o, &kev)) < 0 || (error = riskiest_(p, risk, kev, top)) < 0)
		goto done;
	json_object_set(o, "riskiest", risk);
	/* the most widespread vulnerabilities */
	if (!(r = q(p,
		    "SELECT vuln, count(DISTINCT digest) n FROM vulnindex GROUP BY vuln"
		    " ORDER BY n DESC, vuln LIMIT $1",
		    "i", (int64_t)top))) {
		error = VIGIL_EIO;
		goto done;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *w = json_pack("{s:s, s:I}", "id", val(r, i, 0) ? val(r, i, 0) : "",
				      "images", (json_int_t)ival(r, i, 1));
		if (!w) {
			error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
			goto done;
		}
		json_array_append_new(wide, w);
	}
	PQclear(r);
	r = NULL;
	for (size_t i = 0; i < json_array_size(wide); i++) {
		json_t *w = json_array_get(wide, i), *f;
		if (!(f = vuln_facts_(p, json_string_value(json_object_get(w, "id"))))) {
			error = p->lost ? VIGIL_EIO : vigil_store__fail(VIGIL_EIO, "store: facts");
			goto done;
		}
		json_object_update(w, f);
		json_decref(f);
	}
	json_object_set(o, "widespread", wide);
	if ((error = trend_(p, &trend, 120)) < 0)
		goto done;
	json_object_set_new(o, "trend", trend);
	json_object_set_new(o, "time", json_integer(vigil_store__now()));
	error = vigil_store__dump(out, o);
	o = NULL;
done:
	PQclear(r);
	json_decref(o);
	json_decref(sev);
	json_decref(risk);
	json_decref(wide);
	json_decref(kev);
	return error;
}

int vigil_store__pg_overview_json(vigil_store_pg *p, char **out, int top)
{
	*out = NULL;
	if (top < 1 || top > 100)
		top = 10;
	RUN(p, overview_(p, out, top));
}

static int generation_(vigil_store_pg *p, char *out, size_t outlen)
{
	PGresult *r = q(p,
			"SELECT (SELECT count(*) || ':' || coalesce(sum(scanned_at), 0) || ':' ||"
			" coalesce(max(scanned_at), 0) FROM manifests) || '/' ||"
			" (SELECT coalesce(max(id), 0) FROM history) || '/' ||"
			" (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' ||"
			" coalesce(sum(updated), 0) || ':' || count(*) FILTER (WHERE"
			" status='done') || ':' || count(*) FILTER (WHERE status='failed')"
			" FROM jobs)",
			"");
	if (!r)
		return VIGIL_EIO;
	snprintf(out, outlen, "%s", val(r, 0, 0) ? val(r, 0, 0) : "");
	PQclear(r);
	return 0;
}

int vigil_store__pg_generation(vigil_store_pg *p, char *out, size_t outlen)
{
	if (outlen)
		out[0] = '\0';
	RUN(p, generation_(p, out, outlen));
}

static int image_json_(vigil_store_pg *p, char **out, const char *digest)
{
	PGresult *r = q(p, "SELECT " IMAGE_COLS " FROM manifests WHERE digest=$1", "s", digest);
	int error;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) != 1)
		error = vigil_store__fail(VIGIL_ENOTFOUND, "no image %.200s", digest);
	else {
		json_t *img = image_obj(p, r, 0);
		error = img	  ? vigil_store__dump(out, img)
			: p->lost ? VIGIL_EIO
				  : vigil_store__dump(out, NULL);
	}
	PQclear(r);
	return error;
}

int vigil_store__pg_image_json(vigil_store_pg *p, char **out, const char *digest)
{
	*out = NULL;
	RUN(p, image_json_(p, out, digest));
}

static int vuln_detail_(vigil_store_pg *p, char **out, const char *vuln_id, int64_t limit)
{
	json_t *arr = json_array(), *facts = NULL;
	int error = 0;
	int64_t total = 0;
	PGresult *r;
	if (!arr)
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	/* every affected image, each with the finding(s) its report has for the id */
	if (!(r = q(p,
		    "SELECT m.digest, m.repository, m.scanned_at, m.db_built, m.critical,"
		    " m.high, m.medium, m.low, m.negligible, m.unknown,"
		    " (SELECT coalesce(jsonb_agg(v), '[]'::jsonb) FROM jsonb_array_elements(" ARR(
			    "m.report::jsonb",
			    "vulnerabilities") ") v WHERE v->>'id'=$1)"
					       " FROM manifests_full m WHERE m.digest IN (SELECT "
					       "digest "
					       "FROM vulnindex"
					       " WHERE vuln=$1) ORDER BY m.digest LIMIT $2",
		    "si", vuln_id, limit))) {
		error = VIGIL_EIO;
		goto done;
	}
	for (int i = 0; error == 0 && i < PQntuples(r); i++) {
		json_t *img = image_obj(p, r, i);
		if (!img && p->lost)
			error = VIGIL_EIO;
		else
			error = vigil_store__vuln_detail_add(arr, &facts, img, val(r, i, 10));
	}
	PQclear(r);
	if (error < 0)
		goto done;
	if (!json_array_size(arr)) {
		error = vigil_store__fail(VIGIL_ENOTFOUND, "no stored image has %.200s", vuln_id);
		goto done;
	}
	if (!(r = q(p, "SELECT count(DISTINCT digest) FROM vulnindex WHERE vuln=$1", "s",
		    vuln_id))) {
		error = VIGIL_EIO;
		goto done;
	}
	total = ival(r, 0, 0);
	PQclear(r);
	error = vigil_store__vuln_detail_dump(out, &facts, vuln_id, total, arr);
done:
	json_decref(arr);
	json_decref(facts);
	return error;
}

int vigil_store__pg_vuln_detail_json(vigil_store_pg *p, char **out, const char *vuln_id, int limit)
{
	*out = NULL;
	RUN(p, vuln_detail_(p, out, vuln_id, (int64_t)(limit < 1 ? 200 : limit)));
}

static int scan_targets_(vigil_store_pg *p, char **out)
{
	/* per (ref, digest) the latest job's repository, status and time */
	PGresult *r = q(p,
			"SELECT DISTINCT ON (ref, digest) ref, repository, digest, status, updated"
			" FROM jobs WHERE kind='scan' AND ref IS NOT NULL"
			" ORDER BY ref, digest NULLS FIRST, updated DESC, id DESC",
			"");
	json_t *arr = json_array();
	int error;
	if (!r) {
		json_decref(arr);
		return VIGIL_EIO;
	}
	for (int i = 0; arr && i < PQntuples(r); i++)
		json_array_append_new(arr, json_pack("{s:s?, s:s?, s:s?, s:s?, s:I}", "ref",
						     val(r, i, 0), "repository", val(r, i, 1),
						     "digest", val(r, i, 2), "status", val(r, i, 3),
						     "updated", (json_int_t)ival(r, i, 4)));
	PQclear(r);
	error = arr ? vigil_store__dump(out, json_pack("{s:O}", "targets", arr))
		    : vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	json_decref(arr);
	return error;
}

int vigil_store__pg_scan_targets_json(vigil_store_pg *p, char **out)
{
	*out = NULL;
	RUN(p, scan_targets_(p, out));
}

static int admission_add_(vigil_store_pg *p, int64_t *out, const vigil_store_admission *a)
{
	PGresult *r = q(p,
			"INSERT INTO admissions(time, uid, kind, namespace, name, operation,"
			" username, dry_run, allowed, message, detail)"
			" VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id",
			"issssssiiss", vigil_store__now(), a->uid ? a->uid : "", a->kind,
			a->namespace, a->name, a->operation, a->user, (int64_t)(a->dry_run != 0),
			(int64_t)(a->allowed != 0), a->message, a->detail);
	if (!r)
		return VIGIL_EIO;
	if (out)
		*out = ival(r, 0, 0);
	PQclear(r);
	return 0;
}

int vigil_store__pg_admission_add(vigil_store_pg *p, int64_t *out, const vigil_store_admission *a)
{
	if (out)
		*out = 0;
	RUN(p, admission_add_(p, out, a));
}

static int admissions_json_(vigil_store_pg *p, char **out, const vigil_store_admission_filter *f)
{
	PGresult *r = q(p,
			"SELECT id, time, uid, kind, namespace, name, operation, username,"
			" dry_run, allowed, message, detail FROM admissions WHERE ($1::text IS"
			" NULL OR namespace=$1) AND ($2::bigint < 0 OR allowed=$2) AND"
			" ($3::bigint <= 0 OR id < $3) ORDER BY id DESC LIMIT $4",
			"siii", f->namespace, (int64_t)f->allowed, f->before, (int64_t)f->limit);
	json_t *arr = json_array();
	int64_t last = 0;
	int n = 0, error;
	if (!r) {
		json_decref(arr);
		return VIGIL_EIO;
	}
	for (int i = 0; arr && i < PQntuples(r); i++) {
		last = ival(r, i, 0);
		n++;
		json_array_append_new(
			arr, vigil_store__admission_obj(
				     last, ival(r, i, 1), val(r, i, 2), val(r, i, 3), val(r, i, 4),
				     val(r, i, 5), val(r, i, 6), val(r, i, 7), ival(r, i, 8) != 0,
				     ival(r, i, 9) != 0, val(r, i, 10), val(r, i, 11)));
	}
	PQclear(r);
	error = vigil_store__dump(
		out, arr ? json_pack("{s:O, s:o}", "admissions", arr, "next",
				     n == f->limit && n > 0 ? json_integer(last) : json_null())
			 : NULL);
	json_decref(arr);
	return error;
}

int vigil_store__pg_admissions_json(vigil_store_pg *p, char **out,
				    const vigil_store_admission_filter *f)
{
	*out = NULL;
	RUN(p, admissions_json_(p, out, f));
}

static int job_status_(vigil_store_pg *p, char out[16], int64_t id)
{
	PGresult *r = q(p, "SELECT status FROM jobs WHERE id=$1", "i", id);
	int error = 0;
	if (!r)
		return VIGIL_EIO;
	if (PQntuples(r) == 1 && val(r, 0, 0))
		snprintf(out, 16, "%s", val(r, 0, 0));
	else
		error = vigil_store__fail(VIGIL_ENOTFOUND, "no job %lld", (long long)id);
	PQclear(r);
	return error;
}

int vigil_store__pg_job_status(vigil_store_pg *p, char out[16], int64_t id)
{
	out[0] = '\0';
	RUN(p, job_status_(p, out, id));
}

static int has_report_(vigil_store_pg *p, const char *digest)
{
	PGresult *r = q(p, "SELECT 1 FROM manifests WHERE digest=$1", "s", digest);
	if (!r)
		return VIGIL_EIO;
	int n = PQntuples(r);
	PQclear(r);
	return n > 0 ? 1 : 0;
}

int vigil_store__pg_has_report(vigil_store_pg *p, const char *digest)
{
	RUN(p, has_report_(p, digest));
}

/* ---- job notifications (LISTEN/NOTIFY) -------------------------------------------------- */

static int stopping(vigil_store_pg *p)
{
	pthread_mutex_lock(&p->mmu);
	int stop = p->stop;
	pthread_mutex_unlock(&p->mmu);
	return stop;
}

/* The listener thread: LISTEN on its own connection, call on_job for every batch of
 * notifications; after a lost connection reconnect (once a second) and call on_job once,
 * for the jobs queued meanwhile. Polls its socket in half-second steps to see stop. */
static void *listen_main(void *payload)
{
	vigil_store_pg *p = payload;
	PGconn *c = NULL;
	int listening = 0;
	while (!stopping(p)) {
		if (!listening) {
			vigil_store_pg tmp = {0};
			tmp.url = p->url;
			if (ensure(&tmp, &c) == 0) {
				PGresult *r = PQexec(c, "LISTEN " JOB_CHANNEL);
				listening = PQresultStatus(r) == PGRES_COMMAND_OK;
				PQclear(r);
			}
			if (!listening) {
				sleep(1);
				continue;
			}
			p->on_job(p->on_job_payload);
		}
		struct pollfd pfd = {PQsocket(c), POLLIN, 0};
		int n = pfd.fd >= 0 ? poll(&pfd, 1, 500) : -1;
		if ((n < 0 && errno != EINTR) || (n > 0 && !PQconsumeInput(c)) ||
		    PQstatus(c) != CONNECTION_OK) {
			listening = 0;
			continue;
		}
		int got = 0;
		for (PGnotify *nt; (nt = PQnotifies(c)); got = 1)
			PQfreemem(nt);
		if (got)
			p->on_job(p->on_job_payload);
	}
	PQfinish(c);
	return NULL;
}

int vigil_store__pg_on_job(vigil_store_pg *p, void (*fn)(void *payload), void *payload)
{
	if (p->listener_started || !fn)
		return vigil_store__fail(VIGIL_EINVAL, "store: on_job: set once, with a function");
	p->on_job = fn;
	p->on_job_payload = payload;
	if (pthread_create(&p->listener, NULL, listen_main, p) != 0)
		return vigil_store__fail(VIGIL_ENOMEM, "store: cannot start the job listener");
	p->listener_started = 1;
	return 0;
}

/* ---- runtime alerts (vigil watch --serve) ----------------------------------------------- */

static int runtime_event_add_(vigil_store_pg *p, int64_t *out, const char *rule,
			      const char *priority, const char *container, const char *body)
{
	PGresult *r = q(p,
			"INSERT INTO runtime_events(received, rule, priority, container, body)"
			" VALUES($1,$2,$3,$4,$5) RETURNING id",
			"issss", vigil_store__now(), rule, priority, container, body);
	if (!r)
		return VIGIL_EIO;
	if (out)
		*out = ival(r, 0, 0);
	PQclear(r);
	return 0;
}

int vigil_store__pg_runtime_event_add(vigil_store_pg *p, int64_t *out, const char *rule,
				      const char *priority, const char *container, const char *body)
{
	RUN(p, runtime_event_add_(p, out, rule, priority, container, body));
}

static int runtime_events_json_(vigil_store_pg *p, char **out, const vigil_store_runtime_filter *f)
{
	PGresult *r;
	json_t *arr;
	int64_t last = 0;
	int error = 0, n;
	r = q(p,
	      "SELECT id, received, body FROM runtime_events WHERE ($1::text IS NULL OR"
	      " container = $1) AND ($2::text IS NULL OR rule = $2) AND ($3::bigint <= 0 OR"
	      " id < $3) ORDER BY id DESC LIMIT $4",
	      "ssii", f->container, f->rule, f->before, (int64_t)f->limit);
	if (!r)
		return VIGIL_EIO;
	arr = json_array();
	n = PQntuples(r);
	for (int i = 0; arr && i < n; i++) {
		const char *b = val(r, i, 2);
		json_t *alert = b ? json_loads(b, 0, NULL) : NULL;
		last = ival(r, i, 0);
		json_array_append_new(arr, json_pack("{s:I, s:I, s:o}", "id", (json_int_t)last,
						     "received", (json_int_t)ival(r, i, 1), "alert",
						     alert ? alert : json_null()));
	}
	PQclear(r);
	error = vigil_store__dump(
		out, json_pack("{s:O, s:o}", "events", arr, "next",
			       n == f->limit && n > 0 ? json_integer(last) : json_null()));
	json_decref(arr);
	return error;
}

int vigil_store__pg_runtime_events_json(vigil_store_pg *p, char **out,
					const vigil_store_runtime_filter *f)
{
	*out = NULL;
	RUN(p, runtime_events_json_(p, out, f));
}

/* ---- the per-layer cache (docs/layer-cache.md) ---------------------------------------- */

static int layer_get_(vigil_store_pg *p, const char *key, uint8_t **data, size_t *len)
{
	const char *vals[1] = {key};
	PGresult *r = PQexecParams(p->conn, "SELECT data FROM layer_cache WHERE key=$1", 1, NULL,
				   vals, NULL, NULL, 1);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int error = 0;
	if (st != PGRES_TUPLES_OK) {
		PQclear(r);
		return pgfail(p, p->conn, "layer cache");
	}
	if (PQntuples(r) == 1) {
		size_t n = (size_t)PQgetlength(r, 0, 0);
		if (!(*data = malloc(n ? n : 1))) {
			PQclear(r);
			return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
		}
		if (n)
			memcpy(*data, PQgetvalue(r, 0, 0), n);
		*len = n;
		error = 1;
	}
	PQclear(r);
	if (error == 1 &&
	    ex(p, "UPDATE layer_cache SET used=$1, hits=hits+1 WHERE key=$2", "is",
	       vigil_store__now(), key) < 0 &&
	    p->lost) {
		free(*data);
		*data = NULL;
		*len = 0;
		return VIGIL_EIO;
	}
	return error;
}

int vigil_store__pg_layer_get(vigil_store_pg *p, const char *key, uint8_t **data, size_t *len)
{
	RUN(p, layer_get_(p, key, data, len));
}

static int layer_put_(vigil_store_pg *p, const char *key, const char *diff_id, const uint8_t *data,
		      size_t len, uint64_t max_bytes)
{
	char sz[24], used[24], max[24];
	int error;
	PGresult *r;
	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)len);
	snprintf(used, sizeof(used), "%lld", (long long)vigil_store__now());
	const char *vals[5] = {key, diff_id, sz, used, (const char *)data};
	int lens[5] = {0, 0, 0, 0, (int)len};
	int fmts[5] = {0, 0, 0, 0, 1};
	r = PQexecParams(p->conn,
			 "INSERT INTO layer_cache(key, diff_id, size, used, hits, data)"
			 " VALUES($1, $2, $3, $4, 0, $5) ON CONFLICT(key) DO UPDATE SET"
			 " diff_id=EXCLUDED.diff_id, size=EXCLUDED.size, used=EXCLUDED.used,"
			 " data=EXCLUDED.data",
			 5, NULL, vals, lens, fmts, 0);
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		return pgfail(p, p->conn, "layer cache insert");
	}
	PQclear(r);
	if (!max_bytes)
		return 0;
	snprintf(max, sizeof(max), "%lld",
		 (long long)(max_bytes > INT64_MAX ? INT64_MAX : max_bytes));
	error = ex(p,
		   "DELETE FROM layer_cache WHERE key IN (SELECT key FROM (SELECT key, SUM(size)"
		   " OVER (ORDER BY used DESC, key DESC) AS total FROM layer_cache) t"
		   " WHERE total > $1::bigint)",
		   "s", max);
	return error < 0 ? error : 0;
}

int vigil_store__pg_layer_put(vigil_store_pg *p, const char *key, const char *diff_id,
			      const uint8_t *data, size_t len, uint64_t max_bytes)
{
	if (len > (size_t)INT32_MAX)
		return vigil_store__fail(VIGIL_ELIMIT, "store: layer cache entry too large");
	RUN(p, layer_put_(p, key, diff_id, data, len, max_bytes));
}

static int layer_stats_(vigil_store_pg *p, vigil_store_layer_stats *out)
{
	PGresult *r = PQexec(p->conn, "SELECT count(*), coalesce(sum(size), 0),"
				      " coalesce(sum(hits), 0) FROM layer_cache");
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK) {
		PQclear(r);
		return pgfail(p, p->conn, "layer cache");
	}
	out->entries = ival(r, 0, 0);
	out->bytes = ival(r, 0, 1);
	out->hits = ival(r, 0, 2);
	PQclear(r);
	return 0;
}

int vigil_store__pg_layer_stats(vigil_store_pg *p, vigil_store_layer_stats *out)
{
	memset(out, 0, sizeof(*out));
	RUN(p, layer_stats_(p, out));
}

static int layers_json_(vigil_store_pg *p, char **out)
{
	PGresult *r = PQexec(p->conn, "SELECT diff_id, size, hits, used FROM layer_cache"
				      " ORDER BY diff_id, key");
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	json_t *arr = json_array(), *root = json_object();
	int error = 0;
	if (st != PGRES_TUPLES_OK) {
		error = pgfail(p, p->conn, "layer cache");
		PQclear(r);
		r = NULL;
	}
	if (!arr || !root)
		error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	for (int i = 0; r && error == 0 && i < PQntuples(r); i++) {
		json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "diff_id", PQgetvalue(r, i, 0),
				      "size", (json_int_t)ival(r, i, 1), "hits",
				      (json_int_t)ival(r, i, 2), "used", (json_int_t)ival(r, i, 3));
		if (!o || json_array_append_new(arr, o) < 0)
			error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	PQclear(r);
	if (root && arr) {
		json_object_set(root, "layers", arr);
		if (error == 0 && !(*out = json_dumps(root, JSON_COMPACT)))
			error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	json_decref(arr);
	json_decref(root);
	return error;
}

int vigil_store__pg_layers_json(vigil_store_pg *p, char **out)
{
	*out = NULL;
	RUN(p, layers_json_(p, out));
}

/* ---- watched registries ---------------------------------------------------------------- */

static int registry_add_(vigil_store_pg *p, int64_t *out, const char *url, const char *repos,
			 const char *user, const char *pass)
{
	PGresult *r = q(p,
			"INSERT INTO registries(url, repositories, username, password, created)"
			" VALUES($1,$2,$3,$4,$5) RETURNING id",
			"ssssi", url, repos, user, pass, vigil_store__now());
	if (!r)
		return VIGIL_EIO;
	*out = ival(r, 0, 0);
	PQclear(r);
	return 0;
}

int vigil_store__pg_registry_add(vigil_store_pg *p, int64_t *out, const char *url,
				 const char *repositories, const char *username,
				 const char *password)
{
	*out = 0;
	RUN(p, registry_add_(p, out, url, repositories, username, password));
}

static int registries_json_(vigil_store_pg *p, char **out)
{
	PGresult *r = q(p,
			"SELECT id, url, repositories, username IS NOT NULL, created FROM"
			" registries ORDER BY id",
			"");
	json_t *arr = json_array();
	int error;
	if (!r) {
		json_decref(arr);
		return VIGIL_EIO;
	}
	for (int i = 0; arr && i < PQntuples(r); i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:b, s:I}", "id",
						     (json_int_t)ival(r, i, 0), "url", val(r, i, 1),
						     "repositories", val(r, i, 2), "credentials",
						     !strcmp(PQgetvalue(r, i, 3), "t"), "created",
						     (json_int_t)ival(r, i, 4)));
	error = vigil_store__dump(out, json_pack("{s:O}", "registries", arr));
	PQclear(r);
	json_decref(arr);
	return error;
}

int vigil_store__pg_registries_json(vigil_store_pg *p, char **out)
{
	*out = NULL;
	RUN(p, registries_json_(p, out));
}

static int registry_delete_(vigil_store_pg *p, int64_t id)
{
	int n = ex(p, "DELETE FROM registries WHERE id=$1", "i", id);
	if (n < 0)
		return n;
	return n == 0 ? vigil_store__fail(VIGIL_ENOTFOUND, "no registry %lld", (long long)id) : 0;
}

int vigil_store__pg_registry_delete(vigil_store_pg *p, int64_t id)
{
	RUN(p, registry_delete_(p, id));
}

static int registries_(vigil_store_pg *p, vigil_store_registry **out, size_t *n)
{
	PGresult *r = q(p,
			"SELECT id, url, repositories, username, password FROM registries"
			" ORDER BY id",
			"");
	if (!r)
		return VIGIL_EIO;
	int rows = PQntuples(r), error = 0;
	vigil_store_registry *v = rows ? calloc((size_t)rows, sizeof(*v)) : NULL;
	if (rows && !v)
		error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	for (int i = 0; error == 0 && i < rows; i++) {
		v[i].id = ival(r, i, 0);
		v[i].url = vigil_store__strdup(val(r, i, 1));
		v[i].repositories = vigil_store__strdup(val(r, i, 2));
		v[i].username = vigil_store__strdup(val(r, i, 3));
		v[i].password = vigil_store__strdup(val(r, i, 4));
		if (!v[i].url || !v[i].repositories)
			error = vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	PQclear(r);
	if (error < 0) {
		vigil_store_registries_free(v, (size_t)rows);
		return error;
	}
	*out = v;
	*n = (size_t)rows;
	return 0;
}

int vigil_store__pg_registries(vigil_store_pg *p, vigil_store_registry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	RUN(p, registries_(p, out, n));
}

/* The job first (job_add_ de-duplicates a digest already queued, running or done),
 * then the digest as seen: a crash in between queues the same digest again at the next
 * poll, which job_add_ answers with the existing job. */
static int poll_seen_(vigil_store_pg *p, int64_t *out, const char *registry, const char *repo,
		      const char *tag, const char *digest, const char *ref)
{
	PGresult *r = q(p,
			"SELECT 1 FROM polled WHERE registry=$1 AND repository=$2 AND tag=$3 AND"
			" digest=$4",
			"ssss", registry, repo, tag, digest);
	if (!r)
		return VIGIL_EIO;
	int known = PQntuples(r) == 1, error;
	PQclear(r);
	if (known)
		return 0;
	if ((error = job_add_(p, out, "scan", ref, repo, tag)) < 0)
		return error;
	if (ex(p,
	       "INSERT INTO polled(registry, repository, tag, digest, seen) VALUES($1,$2,$3,$4,$5)"
	       " ON CONFLICT(registry, repository, tag) DO UPDATE SET digest=excluded.digest,"
	       " seen=excluded.seen",
	       "ssssi", registry, repo, tag, digest, vigil_store__now()) < 0)
		return VIGIL_EIO;
	return 1;
}

int vigil_store__pg_poll_seen(vigil_store_pg *p, int64_t *out, const char *registry,
			      const char *repository, const char *tag, const char *digest,
			      const char *ref)
{
	*out = 0;
	RUN(p, poll_seen_(p, out, registry, repository, tag, digest, ref));
}

static int layer_touch_(vigil_store_pg *p, const char *key, uint64_t uses)
{
	char used[24], n_[24];
	snprintf(used, sizeof(used), "%lld", (long long)vigil_store__now());
	snprintf(n_, sizeof(n_), "%llu", (unsigned long long)uses);
	const char *vals[3] = {used, n_, key};
	PGresult *r = PQexecParams(p->conn,
				   "UPDATE layer_cache SET used=$1::bigint, hits=hits+$2::bigint"
				   " WHERE key=$3",
				   3, NULL, vals, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK) {
		const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		int no_table = code && strcmp(code, "42P01") == 0;
		PQclear(r);
		return no_table ? 0 : pgfail(p, p->conn, "layer cache");
	}
	const char *n = PQcmdTuples(r);
	int found = n && n[0] && strcmp(n, "0") != 0;
	PQclear(r);
	return found;
}

int vigil_store__pg_layer_touch(vigil_store_pg *p, const char *key, uint64_t uses)
{
	RUN(p, layer_touch_(p, key, uses));
}

static int admission_add_many_(vigil_store_pg *p, const vigil_store_admission *a, size_t n)
{
	int error = begin(p);
	for (size_t i = 0; i < n && error == 0; i++) {
		const vigil_store_admission *r = &a[i];
		PGresult *res =
			q(p,
			  "INSERT INTO admissions(time, uid, kind, namespace, name, operation,"
			  " username, dry_run, allowed, message, detail)"
			  " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
			  "issssssiiss", r->time ? r->time : vigil_store__now(),
			  r->uid ? r->uid : "", r->kind, r->namespace, r->name, r->operation,
			  r->user, (int64_t)(r->dry_run != 0), (int64_t)(r->allowed != 0),
			  r->message, r->detail);
		if (!res)
			error = VIGIL_EIO;
		PQclear(res);
	}
	return end(p, error);
}

int vigil_store__pg_admission_add_many(vigil_store_pg *p, const vigil_store_admission *a, size_t n)
{
	if (!n)
		return 0;
	RUN(p, admission_add_many_(p, a, n));
}
