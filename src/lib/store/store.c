/*
 * store.c - the SQLite backend of vigil/store.h: one connection in WAL mode behind one
 * mutex; every multi-row write is one transaction. The only file with SQL in it.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "store/pg.h"
#include "util/util.h"
#include "vigil.h"
#include "vigil/store.h"

#define SCHEMA_VERSION 2

/* Statements kept prepared on the connection (stmt_get, stmt_done): the store runs the same
 * few dozen statements for every scan, and preparing them again was about a tenth of the
 * CPU of a scan replayed from the layer cache (BENCHMARKS.md). */
#define STMT_CACHE 48

struct stmt_ent {
	char *sql;     /* malloc'd copy: the key, compared in full */
	uint64_t hash; /* FNV-1a of sql */
	sqlite3_stmt *st;
	int busy;      /* handed out and not done yet: a nested use prepares its own */
	uint64_t used; /* clock of the last hand-out (least recently used out) */
};

struct vigil_store {
	sqlite3 *db;
	pthread_mutex_t mu;
	struct stmt_ent stmts[STMT_CACHE]; /* under mu, like every use of db */
	uint64_t stmt_clock;
	vigil_store_pg *pg;		/* a PostgreSQL store (store_pg.c): every call goes there */
	_Atomic unsigned long long gen; /* vigil_store_commits */
};

/* Sends a call to the PostgreSQL backend when the store is one. */
#define PG(call)                                                                                   \
	do {                                                                                       \
		if (s->pg)                                                                         \
			return vigil_store__pg_##call;                                             \
	} while (0)

static _Thread_local char errmsg[512];

static const char SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS manifests(digest TEXT PRIMARY KEY, repository TEXT,"
	" first_seen INTEGER NOT NULL, scanned_at INTEGER NOT NULL, db_built TEXT,"
	" inventory TEXT NOT NULL, report TEXT NOT NULL, vulns TEXT NOT NULL,"
	" critical INTEGER, high INTEGER, medium INTEGER, low INTEGER, negligible INTEGER,"
	" unknown INTEGER);"
	"CREATE TABLE IF NOT EXISTS tags(repository TEXT NOT NULL, tag TEXT NOT NULL,"
	" digest TEXT NOT NULL, PRIMARY KEY(repository, tag));"
	"CREATE INDEX IF NOT EXISTS tags_digest ON tags(digest);"
	"CREATE TABLE IF NOT EXISTS history(id INTEGER PRIMARY KEY, digest TEXT NOT NULL,"
	" time INTEGER NOT NULL, db_built TEXT, counts TEXT NOT NULL, vulns TEXT NOT NULL,"
	" added TEXT NOT NULL, removed TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS history_digest ON history(digest, id);"
	"CREATE TABLE IF NOT EXISTS jobs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT,"
	" repository TEXT, tag TEXT, status TEXT NOT NULL, digest TEXT, error TEXT,"
	" attempts INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, id);"
	"CREATE TABLE IF NOT EXISTS tokens(name TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE,"
	" scopes INTEGER NOT NULL, created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS webhooks(id INTEGER PRIMARY KEY, url TEXT NOT NULL,"
	" events TEXT NOT NULL, secret TEXT NOT NULL, created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS deliveries(id INTEGER PRIMARY KEY,"
	" webhook INTEGER NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL,"
	" status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
	" last_code INTEGER, last_error TEXT, created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_at);"
	"CREATE INDEX IF NOT EXISTS deliveries_hook ON deliveries(webhook, id);";

/* The index tables of schema 1, made for a new store before it migrates to 2 (whose
 * pkgindex and vulnindex are views). */
static const char V1_INDEX[] =
	"CREATE TABLE pkgindex(ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
	" digest TEXT NOT NULL, PRIMARY KEY(ecosystem, package, digest)) WITHOUT ROWID;"
	"CREATE INDEX pkgindex_digest ON pkgindex(digest);"
	"CREATE INDEX pkgindex_package ON pkgindex(package);"
	"CREATE TABLE vulnindex(vuln TEXT NOT NULL, digest TEXT NOT NULL,"
	" package TEXT NOT NULL, PRIMARY KEY(vuln, digest, package)) WITHOUT ROWID;"
	"CREATE INDEX vulnindex_digest ON vulnindex(digest);"
	"";

/* Schema 2: the parts of reports and inventories shared by images (vigil_store__cut), kept
 * once in `parts`; a manifests row whose *_part is set holds the head in report or
 * inventory and the tail in *_tail. Rows written before keep the whole text. Readers go
 * through manifests_full, which gives every column with the texts put back together. */
static const char MIGRATE2[] =
	"ALTER TABLE manifests ADD COLUMN inventory_part TEXT;"
	"ALTER TABLE manifests ADD COLUMN inventory_tail TEXT;"
	"ALTER TABLE manifests ADD COLUMN report_part TEXT;"
	"ALTER TABLE manifests ADD COLUMN report_tail TEXT;"
	"CREATE TABLE parts(hash TEXT PRIMARY KEY, body TEXT NOT NULL);"
	"CREATE INDEX manifests_inventory_part ON manifests(inventory_part);"
	"CREATE INDEX manifests_report_part ON manifests(report_part);"
	"CREATE VIEW manifests_full AS SELECT m.digest, m.repository, m.first_seen,"
	" m.scanned_at, m.db_built,"
	" CASE WHEN m.inventory_part IS NULL THEN m.inventory ELSE m.inventory ||"
	" (SELECT body FROM parts WHERE hash=m.inventory_part) || m.inventory_tail END"
	" AS inventory,"
	" CASE WHEN m.report_part IS NULL THEN m.report ELSE m.report ||"
	" (SELECT body FROM parts WHERE hash=m.report_part) || m.report_tail END AS report,"
	" m.vulns, m.critical, m.high, m.medium, m.low, m.negligible, m.unknown"
	" FROM manifests m;"
	/* the index kept once per set of keys (vigil_store__set_name); the sets of the rows
	 * written before are named by their digest */
	"ALTER TABLE manifests ADD COLUMN pkgset TEXT;"
	"ALTER TABLE manifests ADD COLUMN vulnset TEXT;"
	"CREATE TABLE pkgsets(pset TEXT NOT NULL, ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
	" PRIMARY KEY(pset, ecosystem, package)) WITHOUT ROWID;"
	"CREATE INDEX pkgsets_package ON pkgsets(package);"
	"CREATE TABLE vulnsets(vset TEXT NOT NULL, vuln TEXT NOT NULL, package TEXT NOT NULL,"
	" PRIMARY KEY(vset, vuln, package)) WITHOUT ROWID;"
	"CREATE INDEX vulnsets_vuln ON vulnsets(vuln);"
	"CREATE INDEX manifests_pkgset ON manifests(pkgset);"
	"CREATE INDEX manifests_vulnset ON manifests(vulnset);"
	"INSERT INTO pkgsets SELECT digest, ecosystem, package FROM pkgindex;"
	"UPDATE manifests SET pkgset=digest WHERE digest IN (SELECT digest FROM pkgindex);"
	"INSERT INTO vulnsets SELECT digest, vuln, package FROM vulnindex;"
	"UPDATE manifests SET vulnset=digest WHERE digest IN (SELECT digest FROM vulnindex);"
	"DROP TABLE pkgindex;"
	"DROP TABLE vulnindex;"
	"CREATE VIEW pkgindex AS SELECT p.ecosystem, p.package, m.digest FROM pkgsets p"
	" JOIN manifests m ON m.pkgset=p.pset;"
	"CREATE VIEW vulnindex AS SELECT v.vuln, m.digest, v.package FROM vulnsets v"
	" JOIN manifests m ON m.vulnset=v.vset;"
	"UPDATE meta SET value='2' WHERE key='schema_version';";

/* the per-layer cache (docs/layer-cache.md) */
static const char LAYER_SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS layer_cache(key TEXT PRIMARY KEY, diff_id TEXT NOT NULL,"
	" size INTEGER NOT NULL, used INTEGER NOT NULL, hits INTEGER NOT NULL DEFAULT 0,"
	" data BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS layer_cache_used ON layer_cache(used);";

/* the admission webhook's decisions (docs/admission.md) */
static const char ADMISSION_SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS admissions(id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
	" uid TEXT NOT NULL, kind TEXT, namespace TEXT, name TEXT, operation TEXT, user TEXT,"
	" dry_run INTEGER NOT NULL, allowed INTEGER NOT NULL, message TEXT, detail TEXT);"
	"CREATE INDEX IF NOT EXISTS admissions_ns ON admissions(namespace, id);";

/* watched registries and what their polling saw (docs/serve.md "Registry polling") */
static const char REGISTRY_SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS registries(id INTEGER PRIMARY KEY, url TEXT NOT NULL,"
	" repositories TEXT NOT NULL, username TEXT, password TEXT, created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS polled(registry TEXT NOT NULL, repository TEXT NOT NULL,"
	" tag TEXT NOT NULL, digest TEXT NOT NULL, seen INTEGER NOT NULL,"
	" PRIMARY KEY(registry, repository, tag)) WITHOUT ROWID;";

static int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return code;
}

static int sqlfail(vigil_store *s, const char *what)
{
	return fail(VIGIL_EIO, "store: %s: %s", what, sqlite3_errmsg(s->db));
}

int vigil_store__fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return code;
}

const char *vigil_store_error(void)
{
	return errmsg;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *sql; sql++)
		h = (h ^ (unsigned char)*sql) * 1099511628211ULL;
	return h;
}

/* A statement for `sql` into *out, reset and unbound: the kept one when it is idle,
 * otherwise a new one (kept when there is room or an idle entry to replace). Give it
 * back with stmt_done, whichever it is. */
static int stmt_get(vigil_store *s, sqlite3_stmt **out, const char *sql)
{
	uint64_t h = sql_hash(sql);
	struct stmt_ent *free_ent = NULL, *old = NULL;
	*out = NULL;
	for (int i = 0; i < STMT_CACHE; i++) {
		struct stmt_ent *e = &s->stmts[i];
		if (!e->st) {
			if (!free_ent)
				free_ent = e;
			continue;
		}
		if (e->hash == h && !e->busy && strcmp(e->sql, sql) == 0) {
			e->busy = 1;
			e->used = ++s->stmt_clock;
			*out = e->st;
			return 0;
		}
		if (!e->busy && (!old || e->used < old->used))
			old = e;
	}
	if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return -1;
	}
	struct stmt_ent *e = free_ent ? free_ent : old;
	char *copy = e ? strdup(sql) : NULL;
	if (!copy) /* no room or no memory: used once */
		return 0;
	if (e->st) {
		sqlite3_finalize(e->st);
		free(e->sql);
	}
	*e = (struct stmt_ent){copy, h, *out, 1, ++s->stmt_clock};
	return 0;
}

/* Gives back a statement of stmt_get (reset and unbound, kept) or of sqlite3_prepare_v2
 * (finalized); NULL is a no-op. */
static void stmt_done(vigil_store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		if (s->stmts[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->stmts[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

/* Prepares `sql` with the arguments bound in order: 's' text, 'i' int64, 'n' null. */
static int prep(vigil_store *s, sqlite3_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	*out = NULL;
	if (stmt_get(s, out, sql) < 0)
		return sqlfail(s, "prepare");
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		int rc;
		if (types[i] == 's') {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(*out, i + 1, v, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(*out, i + 1);
		} else if (types[i] == 'i') {
			rc = sqlite3_bind_int64(*out, i + 1, va_arg(ap, int64_t));
		} else {
			rc = sqlite3_bind_null(*out, i + 1);
		}
		if (rc != SQLITE_OK) {
			va_end(ap);
			stmt_done(s, *out);
			*out = NULL;
			return sqlfail(s, "bind");
		}
	}
	va_end(ap);
	return 0;
}

/* Runs a statement that returns no rows. */
/* Binds the arguments of `types` ('s' text or NULL, 'i' int64) and runs `st` once. */
static int vstep(vigil_store *s, sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		if (types[i] == 's') {
			const char *v = va_arg(ap, const char *);
			if (v)
				sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, i + 1);
		} else if (types[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		}
	}
	return sqlite3_step(st) != SQLITE_DONE ? sqlfail(s, "write") : 0;
}

static int exec1(vigil_store *s, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int error = 0;
	if (stmt_get(s, &st, sql) < 0)
		return sqlfail(s, "prepare");
	va_start(ap, types);
	error = vstep(s, st, types, ap);
	va_end(ap);
	stmt_done(s, st);
	return error;
}

/* exec1 for a statement run once per row: *st is prepared on the first call and reset
 * on the next ones (the caller finalizes it). */
static int execn(vigil_store *s, sqlite3_stmt **st, const char *sql, const char *types, ...)
{
	va_list ap;
	int error;
	if (!*st && stmt_get(s, st, sql) < 0)
		return sqlfail(s, "prepare");
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	va_start(ap, types);
	error = vstep(s, *st, types, ap);
	va_end(ap);
	return error;
}

static int begin(vigil_store *s)
{
	return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
		       ? 0
		       : sqlfail(s, "begin");
}

static int end(vigil_store *s, int error)
{
	if (error < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return error;
	}
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		error = sqlfail(s, "commit");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return error;
}

int vigil_store_open(vigil_store **out, const char *dir)
{
	vigil_store *s = NULL;
	char path[4096];
	int error = 0;
	*out = NULL;
	errmsg[0] = '\0';
	if (!strncmp(dir, "postgres://", 11) || !strncmp(dir, "postgresql://", 13)) {
		if (!(s = calloc(1, sizeof(*s))))
			return fail(VIGIL_ENOMEM, "out of memory");
		pthread_mutex_init(&s->mu, NULL);
		if ((error = vigil_store__pg_open(&s->pg, dir)) < 0)
			goto done;
		*out = s;
		return 0;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return fail(VIGIL_EIO, "store: cannot create %s: %s", dir, strerror(errno));
	if ((size_t)snprintf(path, sizeof(path), "%s/store.db", dir) >= sizeof(path))
		return fail(VIGIL_EINVAL, "store: path too long");
	if (!(s = calloc(1, sizeof(*s))))
		return fail(VIGIL_ENOMEM, "out of memory");
	pthread_mutex_init(&s->mu, NULL);
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		error = fail(VIGIL_EIO, "store: cannot open %s: %s", path,
			     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (sqlite3_exec(s->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, ADMISSION_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, LAYER_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, REGISTRY_SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
		error = fail(VIGIL_EFORMAT, "store: %s is not a Vigil store: %s", path,
			     sqlite3_errmsg(s->db));
		goto done;
	}
	/* the version, and the migrations to this one, in one write transaction: two
	 * processes opening an old store together migrate it once */
	sqlite3_stmt *st = NULL;
	long v = 0;
	if ((error = begin(s)) < 0)
		goto done;
	if ((error = prep(s, &st, "SELECT value FROM meta WHERE key='schema_version'", "")) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = col(st, 0) ? strtol(col(st, 0), NULL, 10) : -1;
		else if (sqlite3_exec(s->db, V1_INDEX, NULL, NULL, NULL) != SQLITE_OK)
			error = sqlfail(s, "schema");
		else
			error = exec1(s,
				      "INSERT INTO meta(key, value) VALUES('schema_version', '1')",
				      "");
		stmt_done(s, st);
		if (error == 0 && v == 0)
			v = 1;
	}
	if (error == 0 && v == 1 && sqlite3_exec(s->db, MIGRATE2, NULL, NULL, NULL) != SQLITE_OK)
		error = sqlfail(s, "migration to schema 2");
	else if (error == 0 && v != 1 && v != SCHEMA_VERSION)
		error = fail(VIGIL_EFORMAT, "store: %s has schema version %ld, this vigil reads %d",
			     path, v, SCHEMA_VERSION);
	if ((error = end(s, error)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	vigil_store_free(s);
	return error;
}

void vigil_store_free(vigil_store *s)
{
	if (!s)
		return;
	vigil_store__pg_free(s->pg);
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(s->stmts[i].st);
		free(s->stmts[i].sql);
	}
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int vigil_store_check(vigil_store *s)
{
	sqlite3_stmt *st = NULL;
	int error;
	PG(check(s->pg));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "PRAGMA integrity_check", "")) == 0) {
		if (sqlite3_step(st) != SQLITE_ROW || !col(st, 0) || strcmp(col(st, 0), "ok"))
			error = fail(VIGIL_EFORMAT, "store: integrity check: %s",
				     col(st, 0) ? col(st, 0) : "failed");
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_shared(const vigil_store *s)
{
	return s->pg != NULL;
}

int vigil_store_ping(vigil_store *s)
{
	PG(ping(s->pg));
	return 0;
}

void vigil_store_tune(vigil_store *s, const vigil_store_tuning *t)
{
	if (s->pg)
		vigil_store__pg_tune(s->pg, t);
}

int vigil_store_lock(vigil_store *s, int64_t key)
{
	PG(lock(s->pg, key, 1));
	return 0;
}

int vigil_store_unlock(vigil_store *s, int64_t key)
{
	PG(lock(s->pg, key, 0));
	return 0;
}

/* ---- tokens ---------------------------------------------------------------------------- */

int vigil_store_parse_scopes(unsigned *out, const char *str)
{
	*out = 0;
	const char *p = str;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		if (n == 4 && !strncmp(p, "read", 4))
			*out |= VIGIL_SCOPE_READ;
		else if (n == 4 && !strncmp(p, "scan", 4))
			*out |= VIGIL_SCOPE_SCAN;
		else if (n == 5 && !strncmp(p, "admin", 5))
			*out |= VIGIL_SCOPE_ADMIN;
		else if (n)
			return fail(VIGIL_EINVAL, "unknown scope '%.*s' (read, scan, admin)",
				    (int)(n > 32 ? 32 : n), p);
		p += n;
		if (*p == ',')
			p++;
	}
	return *out ? 0 : fail(VIGIL_EINVAL, "no scope given (read, scan, admin)");
}

int vigil_store_token_add(vigil_store *s, char out[72], const char *name, unsigned scopes)
{
	unsigned char rnd[32];
	char hash[72];
	int error;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return fail(VIGIL_EIO, "no randomness for the token");
	memcpy(out, "vgl_", 4);
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(out + 4 + 2 * i, 3, "%02x", rnd[i]);
	if ((error = vigil_sha256_buf(hash, out, strlen(out))) < 0)
		return fail(error, "out of memory");
	PG(token_add(s->pg, name, hash, scopes));
	pthread_mutex_lock(&s->mu);
	error = exec1(s,
		      "INSERT OR REPLACE INTO tokens(name, hash, scopes, created) VALUES(?,?,?,?)",
		      "ssii", name, hash, (int64_t)scopes, vigil_store__now());
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_token_check(vigil_store *s, unsigned *out, const char *token)
{
	sqlite3_stmt *st = NULL;
	char hash[72];
	int error;
	*out = 0;
	if (!token || strlen(token) > 256)
		return fail(VIGIL_ENOTFOUND, "unknown token");
	if ((error = vigil_sha256_buf(hash, token, strlen(token))) < 0)
		return fail(error, "out of memory");
	PG(token_check(s->pg, out, hash));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT scopes FROM tokens WHERE hash=?", "s", hash)) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = (unsigned)sqlite3_column_int64(st, 0);
		else
			error = fail(VIGIL_ENOTFOUND, "unknown token");
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

/* ---- jobs ------------------------------------------------------------------------------ */

int vigil_store_job_add(vigil_store *s, int64_t *out, const char *kind, const char *ref,
			const char *repository, const char *tag)
{
	int64_t t = vigil_store__now();
	int error;
	PG(job_add(s->pg, out, kind, ref, repository, tag));
	pthread_mutex_lock(&s->mu);
	error = exec1(s,
		      "INSERT INTO jobs(kind, ref, repository, tag, status, created, updated)"
		      " VALUES(?,?,?,?,'queued',?,?)",
		      "ssssii", kind, ref, repository, tag, t, t);
	*out = error < 0 ? 0 : sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return error;
}

void vigil_store_job_clear(vigil_store_job *j)
{
	free(j->kind);
	free(j->ref);
	free(j->repository);
	free(j->tag);
	memset(j, 0, sizeof(*j));
}

int vigil_store_job_claim(vigil_store *s, vigil_store_job *out)
{
	sqlite3_stmt *st = NULL;
	int error, found = 0;
	PG(job_claim(s->pg, out));
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) < 0)
		goto unlock;
	if ((error = prep(s, &st,
			  "SELECT id, kind, ref, repository, tag, attempts FROM jobs"
			  " WHERE status='queued' ORDER BY id LIMIT 1",
			  "")) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->kind = vigil_store__strdup(col(st, 1));
		out->ref = vigil_store__strdup(col(st, 2));
		out->repository = vigil_store__strdup(col(st, 3));
		out->tag = vigil_store__strdup(col(st, 4));
		out->attempts = sqlite3_column_int(st, 5) + 1;
		found = 1;
		if (!out->kind)
			error = fail(VIGIL_ENOMEM, "out of memory");
	}
	stmt_done(s, st);
	if (found && error == 0)
		error = exec1(s,
			      "UPDATE jobs SET status='running', attempts=attempts+1, updated=?"
			      " WHERE id=?",
			      "ii", vigil_store__now(), out->id);
	error = end(s, error);
unlock:
	pthread_mutex_unlock(&s->mu);
	if (error < 0)
		vigil_store_job_clear(out);
	return error < 0 ? error : found;
}

int vigil_store_job_finish(vigil_store *s, int64_t id, const char *digest, const char *error_msg)
{
	int error;
	PG(job_finish(s->pg, id, digest, error_msg));
	pthread_mutex_lock(&s->mu);
	error = exec1(s, "UPDATE jobs SET status=?, digest=?, error=?, updated=? WHERE id=?",
		      "sssii", error_msg ? "failed" : "done", digest, error_msg, vigil_store__now(),
		      id);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_job_requeue_running(vigil_store *s)
{
	int error;
	PG(job_requeue_running(s->pg));
	pthread_mutex_lock(&s->mu);
	error = exec1(s, "UPDATE jobs SET status='queued', updated=? WHERE status='running'", "i",
		      vigil_store__now());
	if (error == 0)
		error = sqlite3_changes(s->db);
	pthread_mutex_unlock(&s->mu);
	return error;
}

/* The latest report of a digest parsed, or NULL. Called under the lock. */
static json_t *report_of(vigil_store *s, const char *digest)
{
	sqlite3_stmt *st = NULL;
	json_t *r = NULL;
	if (prep(s, &st, "SELECT report FROM manifests_full WHERE digest=?", "s", digest) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW && col(st, 0))
		r = json_loads(col(st, 0), 0, NULL);
	stmt_done(s, st);
	return r;
}

int vigil_store_job_json(vigil_store *s, char **out, int64_t id)
{
	sqlite3_stmt *st = NULL;
	json_t *o = NULL;
	int error;
	PG(job_json(s->pg, out, id));
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT id, kind, status, ref, digest, error, created, updated"
			  " FROM jobs WHERE id=?",
			  "i", id)) < 0)
		goto done;
	if (sqlite3_step(st) != SQLITE_ROW) {
		error = fail(VIGIL_ENOTFOUND, "no scan %lld", (long long)id);
		goto done;
	}
	o = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:I, s:I}", "id",
		      (json_int_t)sqlite3_column_int64(st, 0), "kind", col(st, 1), "status",
		      col(st, 2), "image", col(st, 3), "digest", col(st, 4), "error", col(st, 5),
		      "created", (json_int_t)sqlite3_column_int64(st, 6), "updated",
		      (json_int_t)sqlite3_column_int64(st, 7));
	if (o && col(st, 4) && !strcmp(col(st, 2), "done")) {
		json_t *r = report_of(s, col(st, 4));
		if (r)
			json_object_set_new(o, "report", r);
	}
	stmt_done(s, st);
	st = NULL;
	error = vigil_store__dump(out, o);
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

/* ---- scans and history ----------------------------------------------------------------- */

/* Queues one delivery of `event` to every webhook that wants it. Called under the lock
 * inside a transaction (a vigil_store_queue_fn). */
static int queue_event(void *backend, const char *event, const char *body)
{
	vigil_store *s = backend;
	sqlite3_stmt *st = NULL;
	int error;
	int64_t t = vigil_store__now();
	if ((error = prep(s, &st, "SELECT id, events FROM webhooks", "")) < 0)
		return error;
	while (error == 0 && sqlite3_step(st) == SQLITE_ROW)
		if (vigil_store__wants(col(st, 1), event))
			error = exec1(
				s,
				"INSERT INTO deliveries(webhook, event, body, status, next_at,"
				" created, updated) VALUES(?,?,?,'pending',?,?,?)",
				"issiii", sqlite3_column_int64(st, 0), event, body, t, t, t);
	stmt_done(s, st);
	return error;
}

int vigil_store_event_add(vigil_store *s, const char *event, const char *body)
{
	int error;
	PG(event_add(s->pg, event, body));
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) == 0)
		error = end(s, queue_event(s, event, body));
	pthread_mutex_unlock(&s->mu);
	return error;
}

/* The tags of a digest, NULL-terminated, into *out (malloc'd array of malloc'd). */
static int tags_of(vigil_store *s, char ***out, const char *digest)
{
	sqlite3_stmt *st = NULL;
	vigil_vec v = VIGIL_VEC_INIT(char *);
	int error;
	*out = NULL;
	if ((error = prep(s, &st, "SELECT tag FROM tags WHERE digest=? ORDER BY tag", "s",
			  digest)) < 0)
		return error;
	while (error == 0 && sqlite3_step(st) == SQLITE_ROW)
		error = vigil_store__strv_push(&v, col(st, 0));
	stmt_done(s, st);
	return vigil_store__strv_finish(out, NULL, &v, error);
}

/* Inside the transaction of a commit: the history entry and the events. */
static int commit_history(vigil_store *s, int *changed, const vigil_store_scan *sc,
			  json_t *vulns_json, vigil_store_events_fn events, void *payload)
{
	sqlite3_stmt *st = NULL;
	vigil_store_diff d;
	char **tags = NULL, *prev = NULL, *repo = NULL;
	int error, have_prev = 0;
	if ((error = prep(s, &st,
			  "SELECT vulns FROM history WHERE digest=? ORDER BY id DESC LIMIT 1", "s",
			  sc->digest)) < 0)
		return error;
	if (sqlite3_step(st) == SQLITE_ROW) {
		have_prev = 1;
		prev = vigil_store__strdup(col(st, 0));
	}
	stmt_done(s, st);
	st = NULL;
	error = vigil_store__diff(&d, sc, have_prev, prev);
	free(prev);
	if (error < 0)
		return error;
	*changed = d.changed;
	if (d.changed) {
		char *vulns_s = json_dumps(vulns_json, JSON_COMPACT);
		if (!vulns_s)
			error = fail(VIGIL_ENOMEM, "out of memory");
		else
			error = exec1(s,
				      "INSERT INTO history(digest, time, db_built, counts, vulns,"
				      " added, removed) VALUES(?,?,?,?,?,?,?)",
				      "sisssss", sc->digest, vigil_store__now(), sc->db_built,
				      d.counts_s, vulns_s, d.added_s, d.removed_s);
		free(vulns_s);
	}
	if (error == 0 && events && (error = tags_of(s, &tags, sc->digest)) == 0) {
		/* a re-evaluation names the image by its stored repository */
		if (!sc->repository &&
		    prep(s, &st, "SELECT repository FROM manifests WHERE digest=?", "s",
			 sc->digest) == 0) {
			if (sqlite3_step(st) == SQLITE_ROW)
				repo = vigil_store__strdup(col(st, 0));
			stmt_done(s, st);
		}
		error = vigil_store__emit(&d, sc, (const char *const *)tags,
					  sc->repository ? sc->repository : repo, events, payload,
					  queue_event, s);
	}
	free(repo);
	vigil_store__free_strv(tags);
	vigil_store__diff_free(&d);
	return error;
}

/* Inside a commit: stores the parts of the cuts that are not kept yet. */
static int put_parts(vigil_store *s, const vigil_store_cut *rc, const vigil_store_cut *ic)
{
	sqlite3_stmt *st = NULL;
	int error = 0;
	const vigil_store_cut *c[2] = {rc, ic};
	for (int i = 0; i < 2 && error == 0; i++)
		if (c[i]->part)
			error = execn(s, &st, "INSERT OR IGNORE INTO parts(hash, body) VALUES(?,?)",
				      "ss", c[i]->hash, c[i]->part);
	stmt_done(s, st);
	return error;
}

/* Inside a commit, before the row of `digest` is written: its parts and sets into old[4]
 * (report part, inventory part, package set, vulnerability set; malloc'd or NULL). */
static int old_parts(vigil_store *s, char *old[4], const char *digest)
{
	sqlite3_stmt *st = NULL;
	int error;
	if ((error = prep(s, &st,
			  "SELECT report_part, inventory_part, pkgset, vulnset FROM manifests"
			  " WHERE digest=?",
			  "s", digest)) < 0)
		return error;
	if (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < 4; i++)
			if (col(st, i) && !(old[i] = strdup(col(st, i))))
				error = fail(VIGIL_ENOMEM, "out of memory");
	stmt_done(s, st);
	return error;
}

/* Inside a commit, after the row is written: deletes the parts and sets it held before
 * that no row holds any more. */
static int drop_parts(vigil_store *s, char *const old[4])
{
	int error = 0;
	for (int i = 0; i < 2 && error == 0; i++)
		if (old[i] && (i == 0 || !old[0] || strcmp(old[0], old[1])))
			error = exec1(
				s,
				"DELETE FROM parts WHERE hash=?1 AND NOT EXISTS(SELECT 1 FROM"
				" manifests WHERE report_part=?1) AND NOT EXISTS(SELECT 1 FROM"
				" manifests WHERE inventory_part=?1)",
				"s", old[i]);
	if (error == 0 && old[2])
		error = exec1(s,
			      "DELETE FROM pkgsets WHERE pset=?1 AND NOT EXISTS(SELECT 1 FROM"
			      " manifests WHERE pkgset=?1)",
			      "s", old[2]);
	if (error == 0 && old[3])
		error = exec1(s,
			      "DELETE FROM vulnsets WHERE vset=?1 AND NOT EXISTS(SELECT 1 FROM"
			      " manifests WHERE vulnset=?1)",
			      "s", old[3]);
	return error;
}

/* Inside a commit: the rows of the package set `pset` and the vulnerability set `vset`
 * ("" none; NULL: the package set is left as it is) when the store has not got them. */
static int put_sets(vigil_store *s, const vigil_store_scan *sc, const char *pset, const char *vset)
{
	sqlite3_stmt *st = NULL;
	int error = 0, have;
	for (int v = 0; v < 2 && error == 0; v++) {
		const char *name = v ? vset : pset;
		const char *const *keys = v ? sc->vulns : sc->pkgkeys;
		if (!name || !name[0])
			continue;
		if ((error = prep(s, &st,
				  v ? "SELECT 1 FROM vulnsets WHERE vset=? LIMIT 1"
				    : "SELECT 1 FROM pkgsets WHERE pset=? LIMIT 1",
				  "s", name)) < 0)
			break;
		have = sqlite3_step(st) == SQLITE_ROW;
		stmt_done(s, st);
		st = NULL;
		for (size_t i = 0; !have && error == 0 && keys[i]; i++) {
			const char *k = keys[i], *tab = strchr(k, '\t');
			if (!v && !tab)
				continue;
			char *a = strndup(k, tab ? (size_t)(tab - k) : strlen(k));
			error = a ? execn(s, &st,
					  v ? "INSERT OR IGNORE INTO vulnsets(vset, vuln, package)"
					      " VALUES(?,?,?)"
					    : "INSERT OR IGNORE INTO pkgsets(pset, ecosystem, "
					      "package)"
					      " VALUES(?,?,?)",
					  "sss", name, a, tab ? tab + 1 : "")
				  : fail(VIGIL_ENOMEM, "out of memory");
			free(a);
		}
		stmt_done(s, st);
		st = NULL;
	}
	return error;
}

static int scan_commit(vigil_store *s, int *out_changed, const vigil_store_scan *sc,
		       vigil_store_events_fn events, void *payload)
{
	json_t *vj = NULL;
	char *vulns_s = NULL, *old[4] = {NULL, NULL, NULL, NULL}, pset[72], vset[72];
	vigil_store_cut rc = {0}, ic = {0};
	int error, changed = 0;
	int64_t t = vigil_store__now();
	PG(scan_commit(s->pg, out_changed, sc, events, payload));
	if (out_changed)
		*out_changed = 0;
	if (!sc->digest || !vigil_digest_is_sha256(sc->digest))
		return fail(VIGIL_EINVAL, "store: the image has no sha256 manifest digest");
	if (!(vj = vigil_store__str_array(sc->vulns)) ||
	    !(vulns_s = json_dumps(vj, JSON_COMPACT))) {
		json_decref(vj);
		return fail(VIGIL_ENOMEM, "out of memory");
	}
	if ((error = vigil_store__cut(&rc, sc->report)) < 0 ||
	    (error = vigil_store__cut(&ic, sc->inventory)) < 0 ||
	    (error = vigil_store__set_name(pset, sc->pkgkeys)) < 0 ||
	    (error = vigil_store__set_name(vset, sc->vulns)) < 0)
		goto cleanup;
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) < 0)
		goto unlock;
	if ((error = old_parts(s, old, sc->digest)) < 0 || (error = put_parts(s, &rc, &ic)) < 0 ||
	    (error = put_sets(s, sc, sc->rematch ? NULL : pset, vset)) < 0)
		goto rollback;
	if (sc->rematch && !sc->inventory) {
		/* a re-evaluation: the inventory and first sighting stay */
		error = exec1(
			s,
			"UPDATE manifests SET scanned_at=?, db_built=?, report=?, report_part=?,"
			" report_tail=?, vulnset=?, vulns=?, critical=?, high=?, medium=?, low=?,"
			" negligible=?, unknown=? WHERE digest=?",
			"issssssiiiiiis", t, sc->db_built, rc.head, rc.part ? rc.hash : NULL,
			rc.tail, vset[0] ? vset : NULL, vulns_s, sc->counts[0], sc->counts[1],
			sc->counts[2], sc->counts[3], sc->counts[4], sc->counts[5], sc->digest);
		if (error == 0 && sqlite3_changes(s->db) == 0)
			error = fail(VIGIL_ENOTFOUND, "no image %s", sc->digest);
		free(old[1]); /* the inventory and the package set stay */
		free(old[2]);
		old[1] = old[2] = NULL;
	} else {
		error = exec1(
			s,
			"INSERT INTO manifests(digest, repository, first_seen, scanned_at, "
			"db_built,"
			" inventory, inventory_part, inventory_tail, report, report_part,"
			" report_tail, pkgset, vulnset, vulns, critical, high, medium, low,"
			" negligible, unknown)"
			" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(digest)"
			" DO UPDATE SET"
			" repository=coalesce(excluded.repository, repository),"
			" scanned_at=excluded.scanned_at, db_built=excluded.db_built,"
			" inventory=excluded.inventory, inventory_part=excluded.inventory_part,"
			" inventory_tail=excluded.inventory_tail, report=excluded.report,"
			" report_part=excluded.report_part, report_tail=excluded.report_tail,"
			" pkgset=excluded.pkgset, vulnset=excluded.vulnset,"
			" vulns=excluded.vulns, critical=excluded.critical, high=excluded.high,"
			" medium=excluded.medium, low=excluded.low, negligible=excluded.negligible,"
			" unknown=excluded.unknown",
			"ssiisssssssssiiiiiii", sc->digest, sc->repository, t, t, sc->db_built,
			ic.head, ic.part ? ic.hash : NULL, ic.tail, rc.head,
			rc.part ? rc.hash : NULL, rc.tail, pset[0] ? pset : NULL,
			vset[0] ? vset : NULL, vulns_s, sc->counts[0], sc->counts[1], sc->counts[2],
			sc->counts[3], sc->counts[4], sc->counts[5]);
	}
	if (error == 0)
		error = drop_parts(s, old);
	for (size_t i = 0; error == 0 && sc->repository && sc->tags && sc->tags[i]; i++)
		error = exec1(s,
			      "INSERT OR REPLACE INTO tags(repository, tag, digest) VALUES(?,?,?)",
			      "sss", sc->repository, sc->tags[i], sc->digest);
	if (error == 0)
		error = commit_history(s, &changed, sc, vj, events, payload);
	if (error == 0 && sc->job_id > 0)
		error = exec1(s,
			      "UPDATE jobs SET status='done', digest=?, error=NULL, updated=?"
			      " WHERE id=?",
			      "sii", sc->digest, t, sc->job_id);
rollback:
	error = end(s, error);
unlock:
	pthread_mutex_unlock(&s->mu);
cleanup:
	vigil_store__cut_free(&rc);
	vigil_store__cut_free(&ic);
	for (int i = 0; i < 4; i++)
		free(old[i]);
	json_decref(vj);
	free(vulns_s);
	if (out_changed && error == 0)
		*out_changed = changed;
	return error;
}

int vigil_store_digests(vigil_store *s, char ***out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	vigil_vec v = VIGIL_VEC_INIT(char *);
	int error;
	PG(digests(s->pg, out, n));
	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT digest FROM manifests ORDER BY digest", "")) == 0)
		while (error == 0 && sqlite3_step(st) == SQLITE_ROW)
			error = vigil_store__strv_push(&v, col(st, 0));
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return vigil_store__strv_finish(out, n, &v, error);
}

/* One text column of one row into *out; VIGIL_ENOTFOUND without a row. */
static int text1(vigil_store *s, char **out, const char *sql, const char *arg, const char *what)
{
	sqlite3_stmt *st = NULL;
	int error;
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, sql, "s", arg)) == 0) {
		if (sqlite3_step(st) != SQLITE_ROW)
			error = fail(VIGIL_ENOTFOUND, "no %s %.200s", what, arg);
		else if (!(*out = vigil_store__strdup(col(st, 0))))
			error = fail(VIGIL_ENOMEM, "out of memory");
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_inventory(vigil_store *s, char **out, const char *digest)
{
	PG(text(s->pg, out, "inventory", digest));
	return text1(s, out, "SELECT inventory FROM manifests_full WHERE digest=?", digest,
		     "image");
}

int vigil_store_report(vigil_store *s, char **out, const char *digest)
{
	PG(text(s->pg, out, "report", digest));
	return text1(s, out, "SELECT report FROM manifests_full WHERE digest=?", digest, "image");
}

/* {"digest","repository","tags","scanned_at","db_built","counts"} of the row at `st`
 * whose columns are digest, repository, scanned_at, db_built and six counts. */
static json_t *image_obj(vigil_store *s, sqlite3_stmt *st)
{
	char **tags = NULL;
	int64_t counts[6];
	for (int k = 0; k < 6; k++)
		counts[k] = sqlite3_column_int64(st, 4 + k);
	if (tags_of(s, &tags, col(st, 0)) < 0)
		return NULL;
	json_t *o = vigil_store__image_obj(col(st, 0), col(st, 1), sqlite3_column_int64(st, 2),
					   col(st, 3), counts, (const char *const *)tags);
	vigil_store__free_strv(tags);
	return o;
}

int vigil_store_images_json(vigil_store *s, char **out, const vigil_store_filter *f)
{
	char sql[1024];
	const char *args[4];
	int nargs = 0, limit = f->limit < 1 ? 50 : f->limit > 500 ? 500 : f->limit;
	int sev = -1, error = 0, count = 0;
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array(), *o = NULL;
	const char *last = NULL;
	char *lastbuf = NULL;
	*out = NULL;
	if (s->pg) {
		json_decref(arr);
		return vigil_store__pg_images_json(s->pg, out, f);
	}
	if (f->severity && (error = vigil_store__severity(&sev, f->severity)) < 0) {
		json_decref(arr);
		return error;
	}
	char sevclause[48] = "";
	if (sev >= 0)
		snprintf(sevclause, sizeof(sevclause), " AND %s>0", vigil_store__sevcols[sev]);
	snprintf(sql, sizeof(sql),
		 "SELECT digest, repository, scanned_at, db_built, critical, high, medium, low,"
		 " negligible, unknown FROM manifests m WHERE 1%s%s%s%s%s ORDER BY digest LIMIT %d",
		 f->repository ? " AND repository=?" : "",
		 f->vuln ? " AND EXISTS(SELECT 1 FROM vulnindex v WHERE v.digest=m.digest AND"
			   " v.vuln=?)"
			 : "",
		 f->package ? " AND EXISTS(SELECT 1 FROM pkgindex p WHERE p.digest=m.digest AND"
			      " p.package=?)"
			    : "",
		 f->after ? " AND digest>?" : "", sevclause, limit + 1);
	if (f->repository)
		args[nargs++] = f->repository;
	if (f->vuln)
		args[nargs++] = f->vuln;
	if (f->package)
		args[nargs++] = f->package;
	if (f->after)
		args[nargs++] = f->after;
	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		error = sqlfail(s, "prepare");
		goto done;
	}
	for (int i = 0; i < nargs; i++)
		sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
	while (arr && sqlite3_step(st) == SQLITE_ROW) {
		if (count == limit) {
			last = lastbuf;
			break;
		}
		json_t *img = image_obj(s, st);
		if (!img) {
			error = fail(VIGIL_ENOMEM, "out of memory");
			break;
		}
		free(lastbuf);
		lastbuf = vigil_store__strdup(col(st, 0));
		json_array_append_new(arr, img);
		count++;
	}
	if (error == 0) {
		o = json_pack("{s:O, s:s?}", "images", arr, "next", last);
		error = vigil_store__dump(out, o);
	}
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	free(lastbuf);
	return error;
}

int vigil_store_history_json(vigil_store *s, char **out, const char *digest)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int error, rows = 0;
	PG(history_json(s->pg, out, digest));
	arr = json_array(); /* after PG(): a PostgreSQL store never frees it */
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT time, db_built, counts, added, removed FROM history"
			  " WHERE digest=? ORDER BY id",
			  "s", digest)) < 0)
		goto done;
	while (arr && sqlite3_step(st) == SQLITE_ROW) {
		json_t *e = json_pack("{s:I, s:s?, s:o?, s:o?, s:o?}", "time",
				      (json_int_t)sqlite3_column_int64(st, 0), "db_built",
				      col(st, 1), "counts", json_loads(col(st, 2), 0, NULL),
				      "added", json_loads(col(st, 3), 0, NULL), "removed",
				      json_loads(col(st, 4), 0, NULL));
		json_array_append_new(arr, e);
		rows++;
	}
	if (!rows)
		error = fail(VIGIL_ENOTFOUND, "no image %.200s", digest);
	else
		error = vigil_store__dump(
			out, json_pack("{s:s, s:O}", "digest", digest, "history", arr));
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

int vigil_store_vuln_images_json(vigil_store *s, char **out, const char *vuln_id)
{
	sqlite3_stmt *st = NULL;
	json_t *arr, *cur = NULL;
	int error;
	PG(vuln_images_json(s->pg, out, vuln_id));
	arr = json_array();
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT v.digest, m.repository, m.scanned_at, m.db_built, m.critical,"
			  " m.high, m.medium, m.low, m.negligible, m.unknown, v.package"
			  " FROM vulnindex v JOIN manifests m ON m.digest=v.digest WHERE v.vuln=?"
			  " ORDER BY v.digest, v.package",
			  "s", vuln_id)) < 0)
		goto done;
	while (arr && sqlite3_step(st) == SQLITE_ROW) {
		const char *d = col(st, 0);
		if (!cur || strcmp(json_string_value(json_object_get(cur, "digest")), d)) {
			if (!(cur = image_obj(s, st))) {
				error = fail(VIGIL_ENOMEM, "out of memory");
				break;
			}
			json_object_set_new(cur, "packages", json_array());
			json_array_append_new(arr, cur);
		}
		json_array_append_new(json_object_get(cur, "packages"),
				      json_string(col(st, 10) ? col(st, 10) : ""));
	}
	if (error == 0)
		error = vigil_store__dump(out,
					  json_pack("{s:s, s:O}", "id", vuln_id, "images", arr));
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

/* ---- dashboard aggregates (src/lib/serve/dashboard.c) ----------------------------------- */

/* The first row's integer columns of `sql` (no arguments) into out[0..n-1]. */
static int ints1(vigil_store *s, int64_t *out, int n, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int error = prep(s, &st, sql, "");
	for (int i = 0; i < n; i++)
		out[i] = 0;
	if (error == 0) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			for (int i = 0; i < n; i++)
				out[i] = sqlite3_column_int64(st, i);
		else if (rc != SQLITE_DONE)
			error = sqlfail(s, "aggregate");
	}
	stmt_done(s, st);
	return error;
}

/* {"severity","title","known_exploited","status"} of vulnerability `id` in one report
 * that has it; an empty object when none. Called under the lock. */
static json_t *vuln_facts(vigil_store *s, const char *id)
{
	sqlite3_stmt *st = NULL;
	json_t *o = NULL;
	if (prep(s, &st,
		 "SELECT json_extract(v.value,'$.severity'), json_extract(v.value,'$.title'),"
		 " json_extract(v.value,'$.known_exploited'), json_extract(v.value,'$.cvss.score')"
		 " FROM manifests_full m, json_each(m.report,'$.vulnerabilities') v"
		 " WHERE m.digest=(SELECT digest FROM vulnindex WHERE vuln=? LIMIT 1)"
		 " AND json_valid(m.report) AND json_extract(v.value,'$.id')=? LIMIT 1",
		 "ss", id, id) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW)
		o = vigil_store__vuln_facts(col(st, 0), col(st, 1), sqlite3_column_int(st, 2),
					    sqlite3_column_type(st, 3) != SQLITE_NULL,
					    sqlite3_column_double(st, 3));
	else
		o = json_object();
	stmt_done(s, st);
	return o;
}

/* Trend of the severity totals: after each history entry (in time order) the sum over
 * images of each image's latest counts; at most `maxpts` points (the last of each
 * equal slice of time). Called under the lock. */
static int trend_of(vigil_store *s, json_t **out, int maxpts)
{
	sqlite3_stmt *st = NULL;
	vigil_store_trend t;
	int error;
	*out = NULL;
	if ((error = vigil_store__trend_init(&t)) < 0)
		return error;
	if ((error = prep(s, &st, "SELECT digest, time, counts FROM history ORDER BY time, id",
			  "")) < 0) {
		vigil_store__trend_free(&t);
		return error;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		vigil_store__trend_add(&t, col(st, 0), sqlite3_column_int64(st, 1), col(st, 2));
	stmt_done(s, st);
	return vigil_store__trend_finish(out, &t, maxpts);
}

/* Sets "vulnerabilities" and "other" of the overview `o` from one pass over every
 * report; *kev_out maps each digest with KEV-listed findings to their number. */
static int findings_pass(vigil_store *s, json_t *o, json_t **kev_out)
{
	sqlite3_stmt *st = NULL;
	vigil_store_findings f;
	int error, rc;
	*kev_out = NULL;
	if ((error = vigil_store__findings_init(&f)) < 0)
		return error;
	if ((error = prep(
		     s, &st,
		     "SELECT m.digest, count(v.key),"
		     " total(json_extract(v.value,'$.status')='fixed'),"
		     " total(json_extract(v.value,'$.known_exploited')=1),"
		     " group_concat(CASE WHEN json_extract(v.value,'$.known_exploited')=1 THEN"
		     "  json_extract(v.value,'$.id') END, char(9)),"
		     " json_array_length(m.report,'$.secrets'),"
		     " json_array_length(m.report,'$.malware'),"
		     " json_array_length(m.report,'$.misconfigurations')"
		     " FROM manifests_full m LEFT JOIN json_each(m.report,'$.vulnerabilities') v"
		     " GROUP BY m.digest",
		     "")) < 0)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t other[3];
		for (int i = 0; i < 3; i++)
			other[i] = sqlite3_column_int64(st, 5 + i);
		vigil_store__findings_add(&f, col(st, 0), sqlite3_column_int64(st, 1),
					  sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
					  col(st, 4), other);
	}
	if (rc != SQLITE_DONE) {
		error = sqlfail(s, "reports");
		goto done;
	}
	error = vigil_store__findings_finish(o, kev_out, &f);
done:
	stmt_done(s, st);
	vigil_store__findings_free(&f);
	return error;
}

/* Appends the `top` riskiest images (image objects with "kev") to `risk`. */
static int riskiest(vigil_store *s, json_t *risk, json_t *kev, int top)
{
	sqlite3_stmt *st = NULL;
	vigil_vec v = VIGIL_VEC_INIT(vigil_store_risk_row);
	int error, rc;
	if ((error = prep(s, &st,
			  "SELECT digest, critical, high, medium, low, negligible + unknown"
			  " FROM manifests",
			  "")) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t c[5];
		for (int i = 0; i < 5; i++)
			c[i] = sqlite3_column_int64(st, 1 + i);
		if ((error = vigil_store__risk_push(&v, col(st, 0), kev, c)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		error = sqlfail(s, "manifests");
		goto done;
	}
	stmt_done(s, st);
	st = NULL;
	vigil_store__risk_sort(&v);
	for (size_t i = 0; i < v.len && i < (size_t)top; i++) {
		const vigil_store_risk_row *r = &VIGIL_VEC_AT(&v, vigil_store_risk_row, i);
		if ((error = prep(s, &st,
				  "SELECT digest, repository, scanned_at, db_built, critical, high,"
				  " medium, low, negligible, unknown FROM manifests WHERE digest=?",
				  "s", r->digest)) < 0)
			goto done;
		if (sqlite3_step(st) == SQLITE_ROW) {
			json_t *img = image_obj(s, st);
			if (!img) {
				error = fail(VIGIL_ENOMEM, "out of memory");
				goto done;
			}
			json_object_set_new(img, "kev", json_integer(r->k[0]));
			json_array_append_new(risk, img);
		}
		stmt_done(s, st);
		st = NULL;
	}
done:
	stmt_done(s, st);
	vigil_vec_free(&v);
	return error;
}

int vigil_store_overview_json(vigil_store *s, char **out, int top)
{
	PG(overview_json(s->pg, out, top));
	sqlite3_stmt *st = NULL;
	json_t *o = json_object(), *sev = json_object(), *risk = json_array(), *wide = json_array(),
	       *trend = NULL, *kev = NULL;
	int64_t v[8];
	int error;
	*out = NULL;
	if (top < 1 || top > 100)
		top = 10;
	pthread_mutex_lock(&s->mu);
	if (!o || !sev || !risk || !wide) {
		error = fail(VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	/* images: scanned ones, plus scan targets never scanned (queued, running, failed) */
	if ((error = ints1(
		     s, v, 4,
		     "SELECT (SELECT count(*) FROM manifests),"
		     " (SELECT count(*) FROM (SELECT digest FROM manifests UNION"
		     "  SELECT ref FROM jobs j WHERE kind='scan' AND digest IS NULL AND NOT"
		     "  EXISTS(SELECT 1 FROM jobs k WHERE k.ref=j.ref AND k.digest IS NOT NULL))),"
		     " (SELECT count(*) FROM jobs WHERE status IN ('queued','running')),"
		     " (SELECT count(*) FROM jobs WHERE kind='scan' AND status='failed')")) < 0)
		goto done;
	json_object_set_new(o, "images",
			    json_pack("{s:I, s:I, s:I, s:I}", "scanned", (json_int_t)v[0], "known",
				      (json_int_t)v[1], "pending", (json_int_t)v[2], "failed",
				      (json_int_t)v[3]));
	if ((error = ints1(s, v, 6,
			   "SELECT total(critical), total(high), total(medium), total(low),"
			   " total(negligible), total(unknown) FROM manifests")) < 0)
		goto done;
	for (int k = 0; k < 6; k++)
		json_object_set_new(sev, vigil_store__sevs[k], json_integer(v[k]));
	json_object_set(o, "severity", sev);
	/* one pass over the reports (SQLite's JSON functions): per image the findings, the
	 * fixable and KEV-listed ones, the KEV ids, the other kinds */
	if ((error = findings_pass(s, o, &kev)) < 0)
		goto done;
	/* the riskiest images: most KEV-listed findings, then CRITICAL, HIGH, MEDIUM, LOW,
	 * then the rest */
	if ((error = riskiest(s, risk, kev, top)) < 0)
		goto done;
	json_object_set(o, "riskiest", risk);
	/* the most widespread vulnerabilities */
	if ((error = prep(s, &st,
			  "SELECT vuln, count(DISTINCT digest) n FROM vulnindex GROUP BY vuln"
			  " ORDER BY n DESC, vuln LIMIT ?",
			  "i", (int64_t)top)) < 0)
		goto done;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *w = json_pack("{s:s, s:I}", "id", col(st, 0), "images",
				      (json_int_t)sqlite3_column_int64(st, 1));
		if (!w) {
			error = fail(VIGIL_ENOMEM, "out of memory");
			goto done;
		}
		json_array_append_new(wide, w);
	}
	stmt_done(s, st);
	st = NULL;
	for (size_t i = 0; i < json_array_size(wide); i++) {
		json_t *w = json_array_get(wide, i), *f;
		if ((f = vuln_facts(s, json_string_value(json_object_get(w, "id"))))) {
			json_object_update(w, f);
			json_decref(f);
		}
	}
	json_object_set(o, "widespread", wide);
	if ((error = trend_of(s, &trend, 120)) < 0)
		goto done;
	json_object_set_new(o, "trend", trend);
	json_object_set_new(o, "time", json_integer(vigil_store__now()));
	error = vigil_store__dump(out, o);
	o = NULL;
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(o);
	json_decref(sev);
	json_decref(risk);
	json_decref(wide);
	json_decref(kev);
	return error;
}

int vigil_store_generation(vigil_store *s, char *out, size_t outlen)
{
	PG(generation(s->pg, out, outlen));
	sqlite3_stmt *st = NULL;
	int error;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT (SELECT count(*) || ':' || total(scanned_at) || ':' ||"
			  " ifnull(max(scanned_at), 0) FROM manifests) || '/' ||"
			  " (SELECT ifnull(max(id), 0) FROM history) || '/' ||"
			  " (SELECT count(*) || ':' || ifnull(max(id), 0) || ':' || total(updated) "
			  "|| ':'"
			  " || total(status='done') || ':' || total(status='failed') FROM jobs)",
			  "")) == 0) {
		if (sqlite3_step(st) != SQLITE_ROW || !col(st, 0))
			error = sqlfail(s, "generation");
		else
			snprintf(out, outlen, "%s", col(st, 0));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_image_json(vigil_store *s, char **out, const char *digest)
{
	PG(image_json(s->pg, out, digest));
	sqlite3_stmt *st = NULL;
	int error;
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT digest, repository, scanned_at, db_built, critical, high, medium,"
			  " low, negligible, unknown FROM manifests WHERE digest=?",
			  "s", digest)) == 0) {
		if (sqlite3_step(st) != SQLITE_ROW)
			error = fail(VIGIL_ENOTFOUND, "no image %.200s", digest);
		else
			error = vigil_store__dump(out, image_obj(s, st));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_vuln_detail_json(vigil_store *s, char **out, const char *vuln_id, int limit)
{
	PG(vuln_detail_json(s->pg, out, vuln_id, limit));
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array(), *facts = NULL;
	int error;
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if (!arr) {
		error = fail(VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	/* every affected image, each with the finding(s) its report has for the id */
	if ((error = prep(
		     s, &st,
		     "SELECT m.digest, m.repository, m.scanned_at, m.db_built, m.critical,"
		     " m.high, m.medium, m.low, m.negligible, m.unknown,"
		     " (SELECT json_group_array(json(v.value)) FROM"
		     "  json_each(m.report,'$.vulnerabilities') v"
		     "  WHERE json_extract(v.value,'$.id')=?1)"
		     " FROM manifests_full m WHERE json_valid(m.report) AND m.digest IN"
		     " (SELECT digest FROM vulnindex WHERE vuln=?1) ORDER BY m.digest LIMIT ?2",
		     "si", vuln_id, (int64_t)(limit < 1 ? 200 : limit))) < 0)
		goto done;
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((error = vigil_store__vuln_detail_add(arr, &facts, image_obj(s, st),
							  col(st, 10))) < 0)
			goto done;
	stmt_done(s, st);
	st = NULL;
	if (!json_array_size(arr)) {
		error = fail(VIGIL_ENOTFOUND, "no stored image has %.200s", vuln_id);
		goto done;
	}
	int64_t total = 0;
	if ((error = prep(s, &st, "SELECT count(DISTINCT digest) FROM vulnindex WHERE vuln=?", "s",
			  vuln_id)) < 0)
		goto done;
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	stmt_done(s, st);
	st = NULL;
	error = vigil_store__vuln_detail_dump(out, &facts, vuln_id, total, arr);
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	json_decref(facts);
	return error;
}

int vigil_store_scan_targets_json(vigil_store *s, char **out)
{
	PG(scan_targets_json(s->pg, out));
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array();
	int error;
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(
		     s, &st,
		     "SELECT ref, repository, digest, status, max(updated) FROM jobs"
		     " WHERE kind='scan' AND ref IS NOT NULL GROUP BY ref, digest ORDER BY ref",
		     "")) < 0)
		goto done;
	while (arr && sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s?, s:s?, s:s?, s:s?, s:I}", "ref",
						     col(st, 0), "repository", col(st, 1), "digest",
						     col(st, 2), "status", col(st, 3), "updated",
						     (json_int_t)sqlite3_column_int64(st, 4)));
	error = arr ? vigil_store__dump(out, json_pack("{s:O}", "targets", arr))
		    : fail(VIGIL_ENOMEM, "out of memory");
done:
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

/* ---- webhooks -------------------------------------------------------------------------- */

int vigil_store_webhook_add(vigil_store *s, int64_t *out, const char *url, const char *events,
			    const char *secret)
{
	int error;
	PG(webhook_add(s->pg, out, url, events, secret));
	pthread_mutex_lock(&s->mu);
	error = exec1(s, "INSERT INTO webhooks(url, events, secret, created) VALUES(?,?,?,?)",
		      "sssi", url, events, secret, vigil_store__now());
	*out = error < 0 ? 0 : sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_webhooks_json(vigil_store *s, char **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int error;
	PG(webhooks_json(s->pg, out));
	arr = json_array();
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT id, url, events, created FROM webhooks ORDER BY id",
			  "")) == 0) {
		while (arr && sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:I}", "id",
					       (json_int_t)sqlite3_column_int64(st, 0), "url",
					       col(st, 1), "events", col(st, 2), "created",
					       (json_int_t)sqlite3_column_int64(st, 3)));
		error = vigil_store__dump(out, json_pack("{s:O}", "webhooks", arr));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

int vigil_store_webhook_delete(vigil_store *s, int64_t id)
{
	int error;
	PG(webhook_delete(s->pg, id));
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) == 0) {
		error = exec1(s, "DELETE FROM webhooks WHERE id=?", "i", id);
		if (error == 0 && sqlite3_changes(s->db) == 0)
			error = fail(VIGIL_ENOTFOUND, "no webhook %lld", (long long)id);
		if (error == 0)
			error = exec1(s, "DELETE FROM deliveries WHERE webhook=?", "i", id);
		error = end(s, error);
	}
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_deliveries_json(vigil_store *s, char **out, int64_t webhook_id)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int error;
	PG(deliveries_json(s->pg, out, webhook_id));
	arr = json_array();
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT 1 FROM webhooks WHERE id=?", "i", webhook_id)) == 0 &&
	    sqlite3_step(st) != SQLITE_ROW)
		error = fail(VIGIL_ENOTFOUND, "no webhook %lld", (long long)webhook_id);
	stmt_done(s, st);
	st = NULL;
	if (error == 0 &&
	    (error = prep(s, &st,
			  "SELECT id, event, status, attempts, last_code, last_error, created,"
			  " updated FROM deliveries WHERE webhook=? ORDER BY id DESC LIMIT 500",
			  "i", webhook_id)) == 0) {
		while (arr && sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:i, s:I, s:s?, s:I, s:I}", "id",
					       (json_int_t)sqlite3_column_int64(st, 0), "event",
					       col(st, 1), "status", col(st, 2), "attempts",
					       sqlite3_column_int(st, 3), "last_code",
					       (json_int_t)sqlite3_column_int64(st, 4),
					       "last_error", col(st, 5), "created",
					       (json_int_t)sqlite3_column_int64(st, 6), "updated",
					       (json_int_t)sqlite3_column_int64(st, 7)));
		error = vigil_store__dump(out, json_pack("{s:O}", "deliveries", arr));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

void vigil_store_delivery_clear(vigil_store_delivery *d)
{
	free(d->url);
	free(d->secret);
	free(d->event);
	free(d->body);
	memset(d, 0, sizeof(*d));
}

int vigil_store_delivery_next(vigil_store *s, vigil_store_delivery *out, int64_t now)
{
	sqlite3_stmt *st = NULL;
	int error, found = 0;
	PG(delivery_next(s->pg, out, now));
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT d.id, w.url, w.secret, d.event, d.body, d.attempts FROM"
			  " deliveries d JOIN webhooks w ON w.id=d.webhook WHERE"
			  " d.status='pending' AND d.next_at<=? ORDER BY d.next_at, d.id LIMIT 1",
			  "i", now)) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->url = vigil_store__strdup(col(st, 1));
		out->secret = vigil_store__strdup(col(st, 2));
		out->event = vigil_store__strdup(col(st, 3));
		out->body = vigil_store__strdup(col(st, 4));
		out->attempts = sqlite3_column_int(st, 5);
		found = 1;
		if (!out->url || !out->secret || !out->event || !out->body)
			error = fail(VIGIL_ENOMEM, "out of memory");
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	if (error < 0)
		vigil_store_delivery_clear(out);
	return error < 0 ? error : found;
}

int vigil_store_delivery_result(vigil_store *s, int64_t id, int ok, int code, const char *error_msg,
				int64_t next_at)
{
	int error;
	PG(delivery_result(s->pg, id, ok, code, error_msg, next_at));
	pthread_mutex_lock(&s->mu);
	error = exec1(s,
		      "UPDATE deliveries SET status=?, attempts=attempts+1, last_code=?,"
		      " last_error=?, next_at=?, updated=? WHERE id=?",
		      "sisiii",
		      ok	? "done"
		      : next_at ? "pending"
				: "failed",
		      (int64_t)code, error_msg, next_at, vigil_store__now(), id);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_stats_get(vigil_store *s, vigil_store_stats *out)
{
	static const char SQL[] =
		"SELECT (SELECT count(*) FROM jobs WHERE status='queued'),"
		" (SELECT count(*) FROM jobs WHERE status='running'),"
		" (SELECT count(*) FROM jobs WHERE status='done'),"
		" (SELECT count(*) FROM jobs WHERE status='failed'),"
		" (SELECT count(*) FROM manifests), (SELECT count(*) FROM history),"
		" (SELECT count(*) FROM deliveries WHERE status='pending'),"
		" (SELECT count(*) FROM deliveries WHERE status='failed'),"
		" (SELECT coalesce(?-min(created), 0) FROM jobs WHERE status='queued')";
	sqlite3_stmt *st = NULL;
	int error;
	PG(stats(s->pg, out));
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, SQL, "i", vigil_store__now())) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW) {
		int64_t *v[] = {&out->queued,
				&out->running,
				&out->done,
				&out->failed,
				&out->manifests,
				&out->history,
				&out->deliveries_pending,
				&out->deliveries_failed,
				&out->queue_age};
		for (int i = 0; i < 9; i++)
			*v[i] = sqlite3_column_int64(st, i);
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

/* ---- admission decisions ---------------------------------------------------------------- */

int vigil_store_admission_add(vigil_store *s, int64_t *out, const vigil_store_admission *a)
{
	PG(admission_add(s->pg, out, a));
	int error;
	pthread_mutex_lock(&s->mu);
	error = exec1(s,
		      "INSERT INTO admissions(time, uid, kind, namespace, name, operation, user,"
		      " dry_run, allowed, message, detail) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
		      "issssssiiss", vigil_store__now(), a->uid, a->kind, a->namespace, a->name,
		      a->operation, a->user, (int64_t)(a->dry_run != 0), (int64_t)(a->allowed != 0),
		      a->message, a->detail);
	if (error == 0 && out)
		*out = sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_admissions_json(vigil_store *s, char **out, const vigil_store_admission_filter *f)
{
	PG(admissions_json(s->pg, out, f));
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array();
	int64_t last = 0;
	int error, n = 0;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT id, time, uid, kind, namespace, name, operation, user, dry_run,"
			  " allowed, message, detail FROM admissions WHERE (?1 IS NULL OR"
			  " namespace = ?1) AND (?2 < 0 OR allowed = ?2) AND (?3 <= 0 OR id < ?3)"
			  " ORDER BY id DESC LIMIT ?4",
			  "siii", f->namespace, (int64_t)f->allowed, f->before,
			  (int64_t)f->limit)) == 0) {
		while (arr && sqlite3_step(st) == SQLITE_ROW) {
			last = sqlite3_column_int64(st, 0);
			n++;
			json_array_append_new(
				arr, vigil_store__admission_obj(
					     last, sqlite3_column_int64(st, 1), col(st, 2),
					     col(st, 3), col(st, 4), col(st, 5), col(st, 6),
					     col(st, 7), sqlite3_column_int(st, 8),
					     sqlite3_column_int(st, 9), col(st, 10), col(st, 11)));
		}
		error = vigil_store__dump(
			out, json_pack("{s:O, s:o}", "admissions", arr, "next",
				       n == f->limit && n > 0 ? json_integer(last) : json_null()));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

int vigil_store_job_status(vigil_store *s, char out[16], int64_t id)
{
	PG(job_status(s->pg, out, id));
	sqlite3_stmt *st = NULL;
	int error;
	out[0] = '\0';
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT status FROM jobs WHERE id=?", "i", id)) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW && col(st, 0))
			snprintf(out, 16, "%s", col(st, 0));
		else
			error = fail(VIGIL_ENOTFOUND, "no job %lld", (long long)id);
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_has_report(vigil_store *s, const char *digest)
{
	PG(has_report(s->pg, digest));
	sqlite3_stmt *st = NULL;
	int error;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT 1 FROM manifests WHERE digest=?", "s", digest)) == 0)
		error = sqlite3_step(st) == SQLITE_ROW ? 1 : 0;
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_on_job(vigil_store *s, void (*fn)(void *payload), void *payload)
{
	PG(on_job(s->pg, fn, payload));
	return 0;
}

/* ---- runtime alerts (vigil watch --serve) ----------------------------------------------- */

/* created on first use, not in SCHEMA, so that this table stays out of the schema and
 * migration code that other changes touch */
static const char RUNTIME_SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS runtime_events(id INTEGER PRIMARY KEY,"
	" received INTEGER NOT NULL, rule TEXT NOT NULL, priority TEXT, container TEXT,"
	" body TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS runtime_events_container ON runtime_events(container, id);";

int vigil_store_runtime_event_add(vigil_store *s, int64_t *out, const char *rule,
				  const char *priority, const char *container, const char *body)
{
	int error;
	if (out)
		*out = 0;
	PG(runtime_event_add(s->pg, out, rule, priority, container, body));
	pthread_mutex_lock(&s->mu);
	if (sqlite3_exec(s->db, RUNTIME_SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
		error = sqlfail(s, "runtime_events");
	else
		error = exec1(
			s,
			"INSERT INTO runtime_events(received, rule, priority, container, body)"
			" VALUES(?,?,?,?,?)",
			"issss", vigil_store__now(), rule, priority, container, body);
	if (error == 0 && out)
		*out = sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_runtime_events_json(vigil_store *s, char **out, const vigil_store_runtime_filter *f)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int64_t last = 0;
	int error, n = 0;

	*out = NULL;
	PG(runtime_events_json(s->pg, out, f));
	arr = json_array();
	pthread_mutex_lock(&s->mu);
	if (sqlite3_exec(s->db, RUNTIME_SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
		error = sqlfail(s, "runtime_events");
	else if ((error = prep(s, &st,
			       "SELECT id, received, body FROM runtime_events WHERE (?1 IS NULL OR"
			       " container = ?1) AND (?2 IS NULL OR rule = ?2) AND (?3 <= 0 OR"
			       " id < ?3) ORDER BY id DESC LIMIT ?4",
			       "ssii", f->container, f->rule, f->before, (int64_t)f->limit)) == 0) {
		while (arr && sqlite3_step(st) == SQLITE_ROW) {
			const char *b = col(st, 2);
			json_t *alert = b ? json_loads(b, 0, NULL) : NULL;
			last = sqlite3_column_int64(st, 0);
			n++;
			json_array_append_new(
				arr, json_pack("{s:I, s:I, s:o}", "id", (json_int_t)last,
					       "received", (json_int_t)sqlite3_column_int64(st, 1),
					       "alert", alert ? alert : json_null()));
		}
		error = vigil_store__dump(
			out, json_pack("{s:O, s:o}", "events", arr, "next",
				       n == f->limit && n > 0 ? json_integer(last) : json_null()));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

/* ---- the per-layer cache (docs/layer-cache.md) ---------------------------------------- */

int vigil_store_layer_get(vigil_store *s, const char *key, uint8_t **data, size_t *len)
{
	sqlite3_stmt *st = NULL;
	int error;
	*data = NULL;
	*len = 0;
	PG(layer_get(s->pg, key, data, len));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "SELECT data FROM layer_cache WHERE key=?", "s", key)) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (!(*data = malloc(n ? n : 1))) {
			error = fail(VIGIL_ENOMEM, "out of memory");
		} else {
			if (n)
				memcpy(*data, p, n);
			*len = n;
			error = 1;
		}
	}
	stmt_done(s, st);
	st = NULL;
	if (error == 1 && prep(s, &st, "UPDATE layer_cache SET used=?, hits=hits+1 WHERE key=?",
			       "is", vigil_store__now(), key) == 0)
		sqlite3_step(st);
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

/* Removes least recently used entries while the cache holds more than max bytes. */
static const char LAYER_EVICT[] =
	"DELETE FROM layer_cache WHERE key IN (SELECT key FROM (SELECT key, SUM(size) OVER"
	" (ORDER BY used DESC, key DESC) AS total FROM layer_cache) t WHERE total > $1)";

int vigil_store_layer_put(vigil_store *s, const char *key, const char *diff_id, const uint8_t *data,
			  size_t len, uint64_t max_bytes)
{
	sqlite3_stmt *st = NULL;
	int error;
	PG(layer_put(s->pg, key, diff_id, data, len, max_bytes));
	if (len > (size_t)INT32_MAX)
		return fail(VIGIL_ELIMIT, "store: layer cache entry too large");
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) == 0) {
		if ((error = prep(s, &st,
				  "INSERT OR REPLACE INTO layer_cache(key, diff_id, size, used,"
				  " hits, data) VALUES(?, ?, ?, ?, 0, ?)",
				  "ssii", key, diff_id, (int64_t)len, vigil_store__now())) == 0) {
			if (sqlite3_bind_blob(st, 5, data, (int)len, SQLITE_STATIC) != SQLITE_OK ||
			    sqlite3_step(st) != SQLITE_DONE)
				error = sqlfail(s, "layer cache insert");
		}
		stmt_done(s, st);
		st = NULL;
		if (error == 0 && max_bytes &&
		    (error = prep(s, &st, LAYER_EVICT, "i",
				  (int64_t)(max_bytes > INT64_MAX ? INT64_MAX : max_bytes))) == 0 &&
		    sqlite3_step(st) != SQLITE_DONE)
			error = sqlfail(s, "layer cache eviction");
		stmt_done(s, st);
		error = end(s, error);
	}
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_layer_stats_get(vigil_store *s, vigil_store_layer_stats *out)
{
	sqlite3_stmt *st = NULL;
	int error;
	memset(out, 0, sizeof(*out));
	PG(layer_stats(s->pg, out));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT count(*), coalesce(sum(size), 0), coalesce(sum(hits), 0)"
			  " FROM layer_cache",
			  "")) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW) {
		out->entries = sqlite3_column_int64(st, 0);
		out->bytes = sqlite3_column_int64(st, 1);
		out->hits = sqlite3_column_int64(st, 2);
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_layers_json(vigil_store *s, char **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array(), *root = json_object();
	int error;
	*out = NULL;
	PG(layers_json(s->pg, out));
	if (!arr || !root) {
		json_decref(arr);
		json_decref(root);
		return fail(VIGIL_ENOMEM, "out of memory");
	}
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT diff_id, size, hits, used FROM layer_cache ORDER BY diff_id, key",
			  "")) == 0)
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "diff_id",
					      col(st, 0) ? col(st, 0) : "", "size",
					      (json_int_t)sqlite3_column_int64(st, 1), "hits",
					      (json_int_t)sqlite3_column_int64(st, 2), "used",
					      (json_int_t)sqlite3_column_int64(st, 3));
			if (!o || json_array_append_new(arr, o) < 0) {
				error = fail(VIGIL_ENOMEM, "out of memory");
				break;
			}
		}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_object_set_new(root, "layers", arr);
	if (error == 0 && !(*out = json_dumps(root, JSON_COMPACT)))
		error = fail(VIGIL_ENOMEM, "out of memory");
	json_decref(root);
	return error;
}

/* ---- watched registries ---------------------------------------------------------------- */

int vigil_store_registry_add(vigil_store *s, int64_t *out, const char *url,
			     const char *repositories, const char *username, const char *password)
{
	int error;
	PG(registry_add(s->pg, out, url, repositories, username, password));
	pthread_mutex_lock(&s->mu);
	error = exec1(s,
		      "INSERT INTO registries(url, repositories, username, password, created)"
		      " VALUES(?,?,?,?,?)",
		      "ssssi", url, repositories, username, password, vigil_store__now());
	*out = error < 0 ? 0 : sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_registries_json(vigil_store *s, char **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int error;
	PG(registries_json(s->pg, out));
	arr = json_array();
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT id, url, repositories, username IS NOT NULL, created FROM"
			  " registries ORDER BY id",
			  "")) == 0) {
		while (arr && sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:b, s:I}", "id",
					       (json_int_t)sqlite3_column_int64(st, 0), "url",
					       col(st, 1), "repositories", col(st, 2),
					       "credentials", sqlite3_column_int(st, 3), "created",
					       (json_int_t)sqlite3_column_int64(st, 4)));
		error = vigil_store__dump(out, json_pack("{s:O}", "registries", arr));
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	json_decref(arr);
	return error;
}

int vigil_store_registry_delete(vigil_store *s, int64_t id)
{
	int error;
	PG(registry_delete(s->pg, id));
	pthread_mutex_lock(&s->mu);
	error = exec1(s, "DELETE FROM registries WHERE id=?", "i", id);
	if (error == 0 && sqlite3_changes(s->db) == 0)
		error = fail(VIGIL_ENOTFOUND, "no registry %lld", (long long)id);
	pthread_mutex_unlock(&s->mu);
	return error;
}

void vigil_store_registries_free(vigil_store_registry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].url);
		free(v[i].repositories);
		free(v[i].username);
		if (v[i].password) {
			memset(v[i].password, 0, strlen(v[i].password));
			free(v[i].password);
		}
	}
	free(v);
}

int vigil_store_registries(vigil_store *s, vigil_store_registry **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	vigil_store_registry *v = NULL;
	size_t cap = 0;
	int error;
	*out = NULL;
	*n = 0;
	PG(registries(s->pg, out, n));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st,
			  "SELECT id, url, repositories, username, password FROM registries"
			  " ORDER BY id",
			  "")) == 0) {
		while (error == 0 && sqlite3_step(st) == SQLITE_ROW) {
			if (*n == cap) {
				vigil_store_registry *nv =
					realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*v));
				if (!nv) {
					error = fail(VIGIL_ENOMEM, "out of memory");
					break;
				}
				v = nv;
			}
			vigil_store_registry *r = &v[(*n)++];
			memset(r, 0, sizeof(*r));
			r->id = sqlite3_column_int64(st, 0);
			r->url = vigil_store__strdup(col(st, 1));
			r->repositories = vigil_store__strdup(col(st, 2));
			r->username = vigil_store__strdup(col(st, 3));
			r->password = vigil_store__strdup(col(st, 4));
			if (!r->url || !r->repositories)
				error = fail(VIGIL_ENOMEM, "out of memory");
		}
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	if (error < 0) {
		vigil_store_registries_free(v, *n);
		*n = 0;
		return error;
	}
	*out = v;
	return 0;
}

int vigil_store_poll_seen(vigil_store *s, int64_t *out, const char *registry,
			  const char *repository, const char *tag, const char *digest,
			  const char *ref)
{
	sqlite3_stmt *st = NULL;
	int error, fresh = 0;
	*out = 0;
	PG(poll_seen(s->pg, out, registry, repository, tag, digest, ref));
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) == 0) {
		if ((error = prep(s, &st,
				  "SELECT digest FROM polled WHERE registry=? AND repository=? AND"
				  " tag=?",
				  "sss", registry, repository, tag)) == 0)
			fresh = !(sqlite3_step(st) == SQLITE_ROW && col(st, 0) &&
				  !strcmp(col(st, 0), digest));
		stmt_done(s, st);
		if (error == 0 && fresh) {
			int64_t t = vigil_store__now();
			error = exec1(
				s,
				"INSERT INTO jobs(kind, ref, repository, tag, status, created,"
				" updated) VALUES('scan',?,?,?,'queued',?,?)",
				"sssii", ref, repository, tag, t, t);
			*out = error < 0 ? 0 : sqlite3_last_insert_rowid(s->db);
			if (error == 0)
				error = exec1(
					s,
					"INSERT INTO polled(registry, repository, tag, digest,"
					" seen) VALUES(?,?,?,?,?) ON CONFLICT(registry,"
					" repository, tag) DO UPDATE SET digest=excluded.digest,"
					" seen=excluded.seen",
					"ssssi", registry, repository, tag, digest, t);
		}
		error = end(s, error);
	}
	pthread_mutex_unlock(&s->mu);
	return error < 0 ? error : fresh;
}

int vigil_store_layer_touch(vigil_store *s, const char *key, uint64_t uses)
{
	sqlite3_stmt *st = NULL;
	int error;
	if (uses > INT64_MAX)
		uses = INT64_MAX;
	PG(layer_touch(s->pg, key, uses));
	pthread_mutex_lock(&s->mu);
	if ((error = prep(s, &st, "UPDATE layer_cache SET used=?, hits=hits+? WHERE key=?", "iis",
			  vigil_store__now(), (int64_t)uses, key)) == 0) {
		if (sqlite3_step(st) != SQLITE_DONE)
			error = sqlfail(s, "layer cache");
		else
			error = sqlite3_changes(s->db) > 0;
	}
	stmt_done(s, st);
	pthread_mutex_unlock(&s->mu);
	return error;
}

int vigil_store_scan_commit(vigil_store *s, int *out_changed, const vigil_store_scan *sc,
			    vigil_store_events_fn events, void *payload)
{
	int error = scan_commit(s, out_changed, sc, events, payload);
	atomic_fetch_add(&s->gen, 1); /* after the commit: see vigil_store_commits */
	return error;
}

unsigned long long vigil_store_commits(vigil_store *s)
{
	return atomic_load(&s->gen);
}

int vigil_store_admission_add_many(vigil_store *s, const vigil_store_admission *a, size_t n)
{
	PG(admission_add_many(s->pg, a, n));
	sqlite3_stmt *st = NULL;
	int error;
	if (!n)
		return 0;
	pthread_mutex_lock(&s->mu);
	if ((error = begin(s)) < 0)
		goto done;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO admissions(time, uid, kind, namespace, name, operation,"
			       " user, dry_run, allowed, message, detail)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		error = end(s, sqlfail(s, "prepare"));
		goto done;
	}
	for (size_t i = 0; i < n && error == 0; i++) {
		const vigil_store_admission *r = &a[i];
		/* columns 2..7 and 10..11 are text, NULL when missing */
		const char *txt[11] = {NULL,	r->uid,	      r->kind,	r->namespace,
				       r->name, r->operation, r->user,	NULL,
				       NULL,	r->message,   r->detail};
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, r->time ? r->time : vigil_store__now());
		for (int c = 1; c < 11; c++)
			if (txt[c])
				sqlite3_bind_text(st, c + 1, txt[c], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, r->dry_run != 0);
		sqlite3_bind_int64(st, 9, r->allowed != 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			error = sqlfail(s, "admission");
	}
	stmt_done(s, st);
	error = end(s, error);
done:
	pthread_mutex_unlock(&s->mu);
	return error;
}
