/*
 * The vulnerability database: one SQLite file built from upstream feeds. Updates are
 * built into a temporary file next to the database and renamed over it only when the
 * build succeeded, so a failed or killed update leaves the previous database intact,
 * and a running scan keeps reading the file it opened.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "lang.h"
#include "vulndb.h"

static const vigil_feed *const FEEDS[] = {
	&vigil_feed_almalinux,	 &vigil_feed_alpine_secdb, &vigil_feed_alas,
	&vigil_feed_azurelinux,	 &vigil_feed_kev,	   &vigil_feed_debian_changelog,
	&vigil_feed_debsupport,	 &vigil_feed_debtracker,   &vigil_feed_epss,
	&vigil_feed_golang,	 &vigil_feed_nodejs,	   &vigil_feed_nvd,
	&vigil_feed_osv,	 &vigil_feed_phpadv,	   &vigil_feed_pypa,
	&vigil_feed_rubyadv,	 &vigil_feed_rustsec,	   &vigil_feed_ubuntu,
	&vigil_feed_ubuntu_osv,	 &vigil_feed_wolfi,	   &vigil_feed_oracle_oval,
	&vigil_feed_osv_distros, &vigil_feed_redhat_oval,  &vigil_feed_rocky_osv,
	&vigil_feed_suse_oval,
};

static const char SCHEMA[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE feeds(name TEXT PRIMARY KEY, source_date TEXT, records INTEGER,"
	" packages INTEGER, skipped INTEGER, imported_at TEXT) WITHOUT ROWID;"
	"CREATE TABLE vulns(id INTEGER PRIMARY KEY, vuln_id TEXT NOT NULL UNIQUE, title TEXT,"
	" severity TEXT, cvss_vector TEXT, cvss_score REAL, published TEXT);"
	/* statements are stored compactly: packages, feed and status names as numbers, the
	 * rows clustered by package (WITHOUT ROWID) so one lookup reads adjacent pages;
	 * the view `affected` shows them with names */
	"CREATE TABLE names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE pkgs(id INTEGER PRIMARY KEY, ecosystem TEXT NOT NULL, name TEXT NOT NULL,"
	" UNIQUE(ecosystem, name));"
	"CREATE TABLE stmts(pkg INTEGER NOT NULL, seq INTEGER NOT NULL, vuln INTEGER NOT NULL,"
	" feed INTEGER NOT NULL, status INTEGER NOT NULL, fixed TEXT, ranges TEXT, severity TEXT,"
	" PRIMARY KEY(pkg, seq)) WITHOUT ROWID;"
	"CREATE VIEW affected AS SELECT p.ecosystem AS ecosystem, p.name AS package,"
	" s.vuln AS vuln, f.name AS feed, t.name AS status, s.fixed AS fixed, s.ranges AS ranges,"
	" s.severity AS severity FROM stmts s JOIN pkgs p ON p.id = s.pkg"
	" JOIN names f ON f.id = s.feed JOIN names t ON t.id = s.status;"
	"CREATE TABLE aliases(alias TEXT NOT NULL, vuln INTEGER NOT NULL, feed INTEGER NOT NULL);"
	"CREATE TABLE refs(vuln INTEGER NOT NULL, url TEXT NOT NULL, feed INTEGER NOT NULL);"
	"CREATE TABLE kev(cve TEXT PRIMARY KEY, added TEXT, vendor TEXT, product TEXT,"
	" name TEXT) WITHOUT ROWID;"
	"CREATE TABLE support(ecosystem TEXT NOT NULL, package TEXT NOT NULL, version TEXT,"
	" date TEXT, note TEXT, limited INT NOT NULL);"
	/* every rating a feed gives a vulnerability: kind 0 = the feed's own severity word,
	 * 1 = a CVSS vector and/or base score (the matcher picks one, see match/run.c) */
	"CREATE TABLE ratings(vuln INTEGER NOT NULL, feed INTEGER NOT NULL, kind INT NOT NULL,"
	" severity TEXT, vector TEXT, score REAL);"
	"CREATE TABLE epss(cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL)"
	" WITHOUT ROWID;";

static const char INDEXES[] = "CREATE INDEX aliases_alias ON aliases(alias);"
			      "CREATE INDEX aliases_vuln ON aliases(vuln);"
			      "CREATE INDEX refs_vuln ON refs(vuln);"
			      "CREATE INDEX support_pkg ON support(ecosystem, package);"
			      "CREATE INDEX ratings_vuln ON ratings(vuln);";

struct vigil_vdb_build {
	vigil_ctx *ctx;
	sqlite3 *db;
	sqlite3_stmt *ins_pkg, *get_pkg, *ins_name, *get_name;
	int64_t last_pkg, seq, ref_vuln;
	char last_eco[64], last_name[256];
	int ref_count;
	struct {
		char name[32];
		int64_t id;
	} names[32]; /* feed and status names seen, with their ids */
	int nnames;
	sqlite3_stmt *ins_vuln, *get_vuln, *upd_vuln, *upd_details, *ins_aff, *ins_kev, *ins_alias,
		*ins_ref, *ins_support, *ins_rating, *ins_epss;
	const vigil_feed *feed;
	void *feed_state; /* the current feed's own state (vigil_vdb__state) */
	uint64_t records, skipped;
	char source_date[64];
	char first_skip[256];
};

struct vigil_db {
	vigil_ctx *ctx;
	sqlite3 *db;
	sqlite3_stmt *lookup, *support_lookup;
	sqlite3_stmt *q_vuln, *q_alias, *q_ref, *q_kev, *q_by, *q_rating,
		*q_epss; /* vigil_db_vuln */
	char *path;
	int schema;
	char built[64];
	vigil_vec feeds; /* vigil_db_feed_info */
	vigil_arena arena;
};

/* ---- helpers for importers ---- */

static int sql_error(vigil_vdb_build *b, const char *what)
{
	return vigil_error_set(b->ctx, VIGIL_EIO, "database: %s: %s", what, sqlite3_errmsg(b->db));
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int name_id(vigil_vdb_build *b, int64_t *out, const char *name);

/* Records one rating of `vuln` by the current feed (see the ratings table). */
static int add_rating(vigil_vdb_build *b, int64_t vuln, int kind, const char *severity,
		      const char *vector, double score)
{
	sqlite3_stmt *st = b->ins_rating;
	int64_t feed = 0;
	int error;
	if ((error = name_id(b, &feed, b->feed->name)) < 0)
		return error;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, vuln);
	sqlite3_bind_int64(st, 2, feed);
	sqlite3_bind_int(st, 3, kind);
	bind_text(st, 4, severity);
	bind_text(st, 5, vector);
	if (score > 0)
		sqlite3_bind_double(st, 6, score);
	else
		sqlite3_bind_null(st, 6);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding a rating");
}

int vigil_vdb__vuln(vigil_vdb_build *b, int64_t *out, const char *id, const char *title,
		    const char *severity)
{
	int error = vigil_vdb__vuln_row(b, out, id, title, severity);
	if (error < 0 || !severity || strcmp(severity, "UNKNOWN") == 0 || !b->feed)
		return error;
	return add_rating(b, *out, 0, severity, NULL, 0);
}

int vigil_vdb__vuln_row(vigil_vdb_build *b, int64_t *out, const char *id, const char *title,
			const char *severity)
{
	sqlite3_reset(b->get_vuln);
	bind_text(b->get_vuln, 1, id);
	if (sqlite3_step(b->get_vuln) == SQLITE_ROW) {
		*out = sqlite3_column_int64(b->get_vuln, 0);
		if (!title && !severity)
			return 0;
		/* an earlier feed named it without a title or severity: fill them in */
		sqlite3_reset(b->upd_vuln);
		bind_text(b->upd_vuln, 1, title);
		bind_text(b->upd_vuln, 2, severity);
		sqlite3_bind_int64(b->upd_vuln, 3, *out);
		return sqlite3_step(b->upd_vuln) == SQLITE_DONE
			       ? 0
			       : sql_error(b, "updating a vulnerability");
	}
	sqlite3_reset(b->ins_vuln);
	bind_text(b->ins_vuln, 1, id);
	bind_text(b->ins_vuln, 2, title);
	bind_text(b->ins_vuln, 3, severity);
	if (sqlite3_step(b->ins_vuln) != SQLITE_DONE)
		return sql_error(b, "adding a vulnerability");
	*out = sqlite3_last_insert_rowid(b->db);
	return 0;
}

/* The id of a feed or status name (a handful per build: cached). */
static int name_id(vigil_vdb_build *b, int64_t *out, const char *name)
{
	for (int i = 0; i < b->nnames; i++)
		if (strcmp(b->names[i].name, name) == 0) {
			*out = b->names[i].id;
			return 0;
		}
	sqlite3_reset(b->ins_name);
	bind_text(b->ins_name, 1, name);
	if (sqlite3_step(b->ins_name) != SQLITE_DONE)
		return sql_error(b, "adding a name");
	sqlite3_reset(b->get_name);
	bind_text(b->get_name, 1, name);
	if (sqlite3_step(b->get_name) != SQLITE_ROW)
		return sql_error(b, "finding a name");
	*out = sqlite3_column_int64(b->get_name, 0);
	if (b->nnames < (int)VIGIL_ARRAY_LEN(b->names) && strlen(name) < sizeof(b->names[0].name)) {
		snprintf(b->names[b->nnames].name, sizeof(b->names[0].name), "%s", name);
		b->names[b->nnames++].id = *out;
	}
	return 0;
}

/* The id of (ecosystem, package); importers add a package's rows together, so the last
 * one is remembered. */
static int pkg_id(vigil_vdb_build *b, int64_t *out, const char *eco, const char *name)
{
	if (b->last_pkg && strcmp(b->last_eco, eco) == 0 && strcmp(b->last_name, name) == 0) {
		*out = b->last_pkg;
		return 0;
	}
	sqlite3_reset(b->ins_pkg);
	bind_text(b->ins_pkg, 1, eco);
	bind_text(b->ins_pkg, 2, name);
	if (sqlite3_step(b->ins_pkg) != SQLITE_DONE)
		return sql_error(b, "adding a package");
	sqlite3_reset(b->get_pkg);
	bind_text(b->get_pkg, 1, eco);
	bind_text(b->get_pkg, 2, name);
	if (sqlite3_step(b->get_pkg) != SQLITE_ROW)
		return sql_error(b, "finding a package");
	*out = sqlite3_column_int64(b->get_pkg, 0);
	b->last_pkg = 0;
	if (strlen(eco) < sizeof(b->last_eco) && strlen(name) < sizeof(b->last_name)) {
		snprintf(b->last_eco, sizeof(b->last_eco), "%s", eco);
		snprintf(b->last_name, sizeof(b->last_name), "%s", name);
		b->last_pkg = *out;
	}
	return 0;
}

int vigil_vdb__affected(vigil_vdb_build *b, const char *ecosystem, const char *package,
			int64_t vuln, const char *status, const char *fixed, const char *ranges,
			const char *severity)
{
	sqlite3_stmt *st = b->ins_aff;
	int64_t pkg = 0, feed = 0, stat = 0;
	int error;
	if (!ecosystem || !package || !status)
		return vigil_error_set(b->ctx, VIGIL_EINVAL,
				       "database: a statement without package");
	if ((error = pkg_id(b, &pkg, ecosystem, package)) < 0 ||
	    (error = name_id(b, &feed, b->feed->name)) < 0 ||
	    (error = name_id(b, &stat, status)) < 0)
		return error;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, pkg);
	sqlite3_bind_int64(st, 2, ++b->seq);
	sqlite3_bind_int64(st, 3, vuln);
	sqlite3_bind_int64(st, 4, feed);
	sqlite3_bind_int64(st, 5, stat);
	bind_text(st, 6, fixed);
	bind_text(st, 7, ranges);
	bind_text(st, 8, severity);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding an affected package");
}

int vigil_vdb__alias(vigil_vdb_build *b, int64_t vuln, const char *alias)
{
	sqlite3_stmt *st = b->ins_alias;
	int64_t feed = 0;
	int error;
	if ((error = name_id(b, &feed, b->feed->name)) < 0)
		return error;
	sqlite3_reset(st);
	bind_text(st, 1, alias);
	sqlite3_bind_int64(st, 2, vuln);
	sqlite3_bind_int64(st, 3, feed);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding an alias");
}

int vigil_vdb__details(vigil_vdb_build *b, int64_t vuln, const char *cvss_vector, double cvss_score,
		       const char *published)
{
	sqlite3_stmt *st = b->upd_details;
	int error;
	if (cvss_vector && cvss_score <= 0)
		cvss_score = vigil_cvss_base_score(cvss_vector);
	if ((cvss_vector || cvss_score > 0) && b->feed &&
	    (error = add_rating(b, vuln, 1, vigil_vdb__severity_of_score(cvss_score), cvss_vector,
				cvss_score)) < 0)
		return error;
	sqlite3_reset(st);
	bind_text(st, 1, cvss_vector);
	if (cvss_score > 0)
		sqlite3_bind_double(st, 2, cvss_score);
	else
		sqlite3_bind_null(st, 2);
	bind_text(st, 3, published);
	sqlite3_bind_int64(st, 4, vuln);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding CVSS details");
}

int vigil_vdb__reference(vigil_vdb_build *b, int64_t vuln, const char *url)
{
	sqlite3_stmt *st = b->ins_ref;
	/* the first few references of an advisory say enough; AlmaLinux and Ubuntu list
	 * dozens (a bug tracker link per CVE), which would triple the database */
	if (vuln != b->ref_vuln) {
		b->ref_vuln = vuln;
		b->ref_count = 0;
	}
	if (++b->ref_count > VIGIL_DB_MAX_REFS)
		return 0;
	int64_t feed = 0;
	int error;
	if ((error = name_id(b, &feed, b->feed->name)) < 0)
		return error;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, vuln);
	bind_text(st, 2, url);
	sqlite3_bind_int64(st, 3, feed);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding a reference");
}

int vigil_vdb__epss(vigil_vdb_build *b, const char *cve, double score, double percentile)
{
	sqlite3_stmt *st = b->ins_epss;
	sqlite3_reset(st);
	bind_text(st, 1, cve);
	sqlite3_bind_double(st, 2, score);
	sqlite3_bind_double(st, 3, percentile);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding an EPSS score");
}

int vigil_vdb__kev(vigil_vdb_build *b, const char *cve, const char *added, const char *vendor,
		   const char *product, const char *name)
{
	sqlite3_stmt *st = b->ins_kev;
	sqlite3_reset(st);
	bind_text(st, 1, cve);
	bind_text(st, 2, added);
	bind_text(st, 3, vendor);
	bind_text(st, 4, product);
	bind_text(st, 5, name);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding a KEV entry");
}

void **vigil_vdb__state(vigil_vdb_build *b)
{
	return &b->feed_state;
}

int vigil_vdb__support(vigil_vdb_build *b, const char *ecosystem, const char *package,
		       const char *version, const char *date, const char *note, int limited)
{
	sqlite3_stmt *st = b->ins_support;
	sqlite3_reset(st);
	bind_text(st, 1, ecosystem);
	bind_text(st, 2, package);
	bind_text(st, 3, version);
	bind_text(st, 4, date);
	bind_text(st, 5, note);
	sqlite3_bind_int(st, 6, limited);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(b, "adding a support statement");
}

void vigil_vdb__record(vigil_vdb_build *b)
{
	b->records++;
}

void vigil_vdb__skipped(vigil_vdb_build *b, const char *member, const char *what)
{
	if (b->skipped++ == 0)
		snprintf(b->first_skip, sizeof(b->first_skip), "%s: %s", member, what);
}

void vigil_vdb__source_date(vigil_vdb_build *b, const char *date)
{
	if (date && (!b->source_date[0] || strcmp(date, b->source_date) > 0))
		snprintf(b->source_date, sizeof(b->source_date), "%s", date);
}

/* ---- building ---- */

/* An --only update works on a copy of the existing database: it must have this
 * schema, or the rows added would not fit. */
static int check_schema(vigil_vdb_build *b)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(b->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
			       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v == VIGIL_DB_SCHEMA_VERSION)
		return 0;
	return vigil_error_set(b->ctx, VIGIL_EFORMAT,
			       "db update --only: the existing database has schema %d, this vigil "
			       "writes %d; run a full 'vigil db update' first",
			       v, VIGIL_DB_SCHEMA_VERSION);
}

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int exec(vigil_vdb_build *b, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	int error = vigil_error_set(b->ctx, VIGIL_EIO, "database: %s", msg ? msg : "error");
	sqlite3_free(msg);
	return error;
}

static int prepare(vigil_vdb_build *b)
{
	if (sqlite3_prepare_v2(b->db, "INSERT INTO vulns(vuln_id, title, severity) VALUES(?,?,?)",
			       -1, &b->ins_vuln, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT id FROM vulns WHERE vuln_id = ?", -1, &b->get_vuln,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "INSERT INTO stmts(pkg, seq, vuln, feed, status, fixed, ranges,"
			       " severity) VALUES(?,?,?,?,?,?,?,?)",
			       -1, &b->ins_aff, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "INSERT OR IGNORE INTO pkgs(ecosystem, name) VALUES(?,?)", -1,
			       &b->ins_pkg, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT id FROM pkgs WHERE ecosystem = ? AND name = ?", -1,
			       &b->get_pkg, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "INSERT OR IGNORE INTO names(name) VALUES(?)", -1,
			       &b->ins_name, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "SELECT id FROM names WHERE name = ?", -1, &b->get_name,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "INSERT OR REPLACE INTO kev(cve, added, vendor, product, name)"
			       " VALUES(?,?,?,?,?)",
			       -1, &b->ins_kev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "INSERT INTO aliases(alias, vuln, feed) VALUES(?,?,?)", -1,
			       &b->ins_alias, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "UPDATE vulns SET title = COALESCE(title, ?),"
			       " severity = COALESCE(severity, ?) WHERE id = ?",
			       -1, &b->upd_vuln, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "UPDATE vulns SET cvss_vector = COALESCE(cvss_vector, ?),"
			       " cvss_score = COALESCE(cvss_score, ?),"
			       " published = COALESCE(published, ?) WHERE id = ?",
			       -1, &b->upd_details, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "INSERT INTO refs(vuln, url, feed) VALUES(?,?,?)", -1,
			       &b->ins_ref, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "INSERT INTO support(ecosystem, package, version, date, note,"
			       " limited) VALUES(?,?,?,?,?,?)",
			       -1, &b->ins_support, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "INSERT INTO ratings(vuln, feed, kind, severity, vector, score)"
			       " VALUES(?,?,?,?,?,?)",
			       -1, &b->ins_rating, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db,
			       "INSERT OR REPLACE INTO epss(cve, score, percentile) VALUES(?,?,?)",
			       -1, &b->ins_epss, NULL) != SQLITE_OK)
		return sql_error(b, "preparing statements");
	return 0;
}

static void finalize(vigil_vdb_build *b)
{
	sqlite3_finalize(b->ins_vuln);
	sqlite3_finalize(b->get_vuln);
	sqlite3_finalize(b->ins_aff);
	sqlite3_finalize(b->ins_pkg);
	sqlite3_finalize(b->get_pkg);
	sqlite3_finalize(b->ins_name);
	sqlite3_finalize(b->get_name);
	b->ins_pkg = b->get_pkg = b->ins_name = b->get_name = NULL;
	sqlite3_finalize(b->ins_kev);
	sqlite3_finalize(b->ins_alias);
	sqlite3_finalize(b->upd_vuln);
	sqlite3_finalize(b->upd_details);
	sqlite3_finalize(b->ins_ref);
	sqlite3_finalize(b->ins_support);
	sqlite3_finalize(b->ins_rating);
	sqlite3_finalize(b->ins_epss);
	b->ins_support = b->ins_rating = b->ins_epss = NULL;
	b->ins_vuln = b->get_vuln = b->ins_aff = b->ins_kev = b->ins_alias = NULL;
	b->upd_vuln = b->upd_details = b->ins_ref = NULL;
}

/* Adds one rating (kind 0) per vulnerability for the severities of a feed's statements:
 * the highest of them (Ubuntu rates some packages of a CVE above the CVE's priority). */
static int statement_ratings(vigil_vdb_build *b, const char *feed)
{
	sqlite3_stmt *st = NULL;
	int error = 0;
	if (sqlite3_prepare_v2(
		    b->db,
		    "INSERT INTO ratings(vuln, feed, kind, severity)"
		    " SELECT s.vuln, s.feed, 0, CASE MAX(CASE s.severity WHEN 'CRITICAL' THEN 5"
		    " WHEN 'HIGH' THEN 4 WHEN 'MEDIUM' THEN 3 WHEN 'LOW' THEN 2"
		    " WHEN 'NEGLIGIBLE' THEN 1 ELSE 0 END) WHEN 5 THEN 'CRITICAL' WHEN 4 THEN"
		    " 'HIGH' WHEN 3 THEN 'MEDIUM' WHEN 2 THEN 'LOW' ELSE 'NEGLIGIBLE' END"
		    " FROM stmts s WHERE s.feed = (SELECT id FROM names WHERE name = ?1)"
		    " AND s.severity IN ('CRITICAL','HIGH','MEDIUM','LOW','NEGLIGIBLE')"
		    " GROUP BY s.vuln, s.feed",
		    -1, &st, NULL) != SQLITE_OK)
		return sql_error(b, "rating statements");
	bind_text(st, 1, feed);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = sql_error(b, "rating statements");
	sqlite3_finalize(st);
	return error;
}

/* Streams the members of <dir>/<feed>.tar.gz into the feed's parser; never extracts. */
static int import_feed(vigil_vdb_build *b, const char *dir, const vigil_feed *f)
{
	char path[4096], prefix[256];
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	vigil_buf data = VIGIL_BUF_INIT;
	int error = 0, r;
	if (!a)
		return VIGIL_ENOMEM;
	snprintf(path, sizeof(path), "%s/%s.tar.gz", dir, f->name);
	snprintf(prefix, sizeof(prefix), "%s/", f->name);
	if (access(path, F_OK) < 0) {
		/* mirrors often carry a subset of the feeds: the others are left out */
		vigil_warn(b->ctx, "feed %s: %s is not in the mirror; skipped", f->name, path);
		archive_read_free(a);
		return 0;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 256 * 1024) != ARCHIVE_OK) {
		error = vigil_error_set(b->ctx, VIGIL_ENOTFOUND, "feed %s: cannot read %s: %s",
					f->name, path, archive_error_string(a));
		goto done;
	}
	b->feed = f;
	b->records = b->skipped = 0;
	b->source_date[0] = b->first_skip[0] = '\0';
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		/* the top folder: <feed>/ in a mirror, <repo>-<branch>/ in a download */
		if (strncmp(name, prefix, strlen(prefix)) == 0)
			name += strlen(prefix);
		else if (strchr(name, '/'))
			name = strchr(name, '/') + 1;
		if (!f->want(name))
			continue;
		int64_t size = archive_entry_size(e);
		if (size < 0 || (uint64_t)size > f->max_member) {
			error = vigil_error_set(b->ctx, VIGIL_ELIMIT,
						"feed %s: %s is %lld bytes, over the limit of %llu",
						f->name, name, (long long)size,
						(unsigned long long)f->max_member);
			goto done;
		}
		data.len = 0;
		if ((error = vigil_buf_grow(&data, (size_t)size)) < 0)
			goto done;
		la_ssize_t n = archive_read_data(a, data.data, (size_t)size);
		if (n != size) {
			error = vigil_error_set(
				b->ctx, VIGIL_EFORMAT, "feed %s: %s is truncated or corrupt (%s)",
				f->name, name,
				archive_error_string(a) ? archive_error_string(a) : "short read");
			goto done;
		}
		data.len = (size_t)n;
		data.data[data.len] = '\0';
		if ((error = f->parse(b, name, data.data, data.len)) < 0) {
			if (!vigil_ctx_error(b->ctx)[0])
				vigil_error_set(b->ctx, error, "feed %s: %s cannot be read",
						f->name, name);
			goto done;
		}
	}
	if (r != ARCHIVE_EOF) {
		error = vigil_error_set(
			b->ctx, VIGIL_EFORMAT, "feed %s: %s is truncated or corrupt: %s", f->name,
			path, archive_error_string(a) ? archive_error_string(a) : "read error");
		goto done;
	}
	if (f->finish) {
		error = f->finish(b, 0);
		b->feed_state = NULL;
		if (error < 0)
			goto done;
	}
	/* a severity a feed gives per package statement is its rating of the vulnerability
	 * too (for findings of other feeds): the highest one per vulnerability */
	if ((error = statement_ratings(b, f->name)) < 0)
		goto done;
	/* the feed's statistics */
	sqlite3_stmt *st = NULL;
	char now[32];
	now_iso(now);
	if (sqlite3_prepare_v2(
		    b->db,
		    "INSERT OR REPLACE INTO feeds(name, source_date, records, packages,"
		    " skipped, imported_at) VALUES(?1, ?2, ?3, (SELECT COUNT(DISTINCT pkg)"
		    " FROM stmts WHERE feed = (SELECT id FROM names WHERE name = ?1)),"
		    " ?4, ?5)",
		    -1, &st, NULL) != SQLITE_OK) {
		error = sql_error(b, "recording the feed");
		goto done;
	}
	bind_text(st, 1, f->name);
	bind_text(st, 2, b->source_date[0] ? b->source_date : NULL);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)b->records);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)b->skipped);
	bind_text(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = sql_error(b, "recording the feed");
	sqlite3_finalize(st);
	if (error == 0 && b->skipped)
		vigil_warn(b->ctx, "feed %s: %llu malformed record(s) skipped (first: %s)", f->name,
			   (unsigned long long)b->skipped, b->first_skip);
done:
	if (f->finish && b->feed_state) {
		f->finish(b, 1);
		b->feed_state = NULL;
	}
	vigil_buf_free(&data);
	archive_read_free(a);
	return error;
}

/* Removes temporary files of updates that were killed (their process is gone). */
static void clean_stale(const char *db_path)
{
	char dir[4096], base[1024];
	const char *slash = strrchr(db_path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - db_path) : 1,
		 slash ? db_path : ".");
	snprintf(base, sizeof(base), "%s.tmp-", slash ? slash + 1 : db_path);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, base, strlen(base)) != 0)
			continue;
		uint64_t pid;
		if (vigil_parse_uint(&pid, de->d_name + strlen(base), 1u << 30) < 0)
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			char p[4096 + 256];
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	}
	if (d)
		closedir(d);
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, error = 0;
	char buf[1 << 16];
	ssize_t n;
	if (in < 0)
		return VIGIL_ENOTFOUND;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		error = VIGIL_EIO;
	while (error == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			error = VIGIL_EIO;
	if (out >= 0 && close(out) < 0)
		error = VIGIL_EIO;
	close(in);
	return error;
}

static const vigil_feed *find_feed(const char *name, size_t len)
{
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(FEEDS); i++)
		if (strlen(FEEDS[i]->name) == len && strncmp(FEEDS[i]->name, name, len) == 0)
			return FEEDS[i];
	return NULL;
}

int vigil_db_update(vigil_ctx *ctx, const char *db_path, const vigil_db_update_opts *opts)
{
	vigil_vdb_build b;
	char tmp[4096], sql[1024], now[32];
	int selected[VIGIL_ARRAY_LEN(FEEDS)];
	int error = 0, incremental = 0;
	struct stat st;

	memset(&b, 0, sizeof(b));
	b.ctx = ctx;
	ctx->error[0] = '\0';
	if (!opts)
		return vigil_error_set(ctx, VIGIL_EINVAL, "db update: no options");
	if (opts->from && (stat(opts->from, &st) < 0 || !S_ISDIR(st.st_mode)))
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "db update: %s is not a directory",
				       opts->from);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(FEEDS); i++)
		selected[i] = opts->only == NULL && !FEEDS[i]->opt_in;
	for (const char *p = opts->only; p && *p;) {
		size_t n = strcspn(p, ",");
		const vigil_feed *f = find_feed(p, n);
		if (!f)
			return vigil_error_set(ctx, VIGIL_EINVAL, "db update: unknown feed '%.*s'",
					       (int)n, p);
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(FEEDS); i++)
			selected[i] |= FEEDS[i] == f;
		p += n + (p[n] == ',');
	}
	/* online: download the selected feeds into the cache, then import from there */
	const char *from = opts->from;
	char cache[2048];
	if (!from) {
		const vigil_feed *want[VIGIL_ARRAY_LEN(FEEDS)];
		size_t n = 0;
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(FEEDS); i++)
			if (selected[i])
				want[n++] = FEEDS[i];
		snprintf(cache, sizeof(cache), "%s", opts->cache_dir ? opts->cache_dir : "");
		if (!opts->cache_dir)
			snprintf(cache, sizeof(cache), "%s.cache", db_path);
		if ((error = vigil_vdb__fetch(ctx, cache, want, n, opts)) < 0)
			return error;
		from = cache;
	}
	clean_stale(db_path);
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", db_path, (long)getpid());
	unlink(tmp);
	/* --only updates the named feeds of the existing database */
	incremental = opts->only && copy_file(db_path, tmp) == 0;
	if (sqlite3_open_v2(tmp, &b.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot create %s", tmp);
		goto done;
	}
	if ((error = exec(&b, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			      "PRAGMA cache_size=-65536; BEGIN")) < 0 ||
	    (!incremental && (error = exec(&b, SCHEMA)) < 0))
		goto done;
	if (incremental && (error = check_schema(&b)) < 0)
		goto done;
	if (incremental) { /* new statements number on after the kept ones */
		sqlite3_stmt *mx = NULL;
		if (sqlite3_prepare_v2(b.db, "SELECT IFNULL(MAX(seq), 0) FROM stmts", -1, &mx,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(mx) == SQLITE_ROW)
			b.seq = sqlite3_column_int64(mx, 0);
		sqlite3_finalize(mx);
	}
	if ((error = prepare(&b)) < 0)
		goto done;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(FEEDS); i++) {
		if (!selected[i])
			continue;
		if (incremental) {
			snprintf(sql, sizeof(sql),
				 "DELETE FROM stmts WHERE feed ="
				 " (SELECT id FROM names WHERE name = '%s');"
				 "DELETE FROM aliases WHERE feed ="
				 " (SELECT id FROM names WHERE name = '%s');"
				 "DELETE FROM refs WHERE feed ="
				 " (SELECT id FROM names WHERE name = '%s');"
				 "DELETE FROM ratings WHERE feed ="
				 " (SELECT id FROM names WHERE name = '%s');",
				 FEEDS[i]->name, FEEDS[i]->name, FEEDS[i]->name, FEEDS[i]->name);
			if ((error = exec(&b, sql)) < 0)
				goto done;
			if (FEEDS[i] == &vigil_feed_kev &&
			    (error = exec(&b, "DELETE FROM kev")) < 0)
				goto done;
			if (FEEDS[i] == &vigil_feed_epss &&
			    (error = exec(&b, "DELETE FROM epss")) < 0)
				goto done;
			if (FEEDS[i] == &vigil_feed_debsupport &&
			    (error = exec(&b, "DELETE FROM support")) < 0)
				goto done;
		}
		if ((error = import_feed(&b, from, FEEDS[i])) < 0)
			goto done;
	}
	now_iso(now);
	snprintf(sql, sizeof(sql),
		 "INSERT OR REPLACE INTO meta VALUES('schema_version', '%d');"
		 "INSERT OR REPLACE INTO meta VALUES('built', '%s');"
		 "INSERT OR REPLACE INTO meta VALUES('vigil', '%s');",
		 VIGIL_DB_SCHEMA_VERSION, now, VIGIL_VERSION);
	if ((error = exec(&b, sql)) < 0 || (!incremental && (error = exec(&b, INDEXES)) < 0) ||
	    (error = exec(&b, "COMMIT")) < 0)
		goto done;
	finalize(&b);
	if (sqlite3_close(b.db) != SQLITE_OK) {
		b.db = NULL;
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: closing %s failed", tmp);
		goto done;
	}
	b.db = NULL;
	/* durable, then atomic: fsync the file, rename it over the old one, fsync the dir */
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot sync %s", tmp);
		goto done;
	}
	close(fd);
	if (rename(tmp, db_path) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot replace %s: %s", db_path,
					strerror(errno));
		goto done;
	}
	char dir[4096];
	const char *slash = strrchr(db_path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - db_path) : 1,
		 slash ? db_path : ".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
done:
	finalize(&b);
	if (b.db)
		sqlite3_close(b.db);
	if (error < 0)
		unlink(tmp);
	return error;
}

/* ---- reading ---- */

int vigil_db_open(vigil_db **out, vigil_ctx *ctx, const char *path)
{
	vigil_db *d = calloc(1, sizeof(*d));
	sqlite3_stmt *st = NULL;
	int error = 0;
	*out = NULL;
	if (!d)
		return VIGIL_ENOMEM;
	d->ctx = ctx;
	vigil_arena_init(&d->arena);
	vigil_vec fv = VIGIL_VEC_INIT(vigil_db_feed_info);
	d->feeds = fv;
	if (access(path, R_OK) < 0) {
		error = vigil_error_set(
			ctx, VIGIL_ENOTFOUND,
			"no vulnerability database at %s: run 'vigil db update --from DIR'", path);
		goto done;
	}
	{ /* sqlite would block on a FIFO: only a regular file is a database */
		int fd = vigil_open_regular(AT_FDCWD, path, 0);
		if (fd < 0) {
			error = vigil_error_set(ctx, VIGIL_EIO, "vulnerability database %s: %s",
						path, vigil_open_strerror(errno));
			goto done;
		}
		close(fd);
	}
	/* one read transaction for the handle's life: a scan sees one snapshot, and its
	 * thousands of small queries do not each take and drop the file lock */
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_exec(d->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d->db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "%s is not a Vigil database", path);
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		uint64_t num;
		if (k && v && strcmp(k, "schema_version") == 0 &&
		    vigil_parse_uint(&num, v, 1000) == 0)
			d->schema = (int)num;
		else if (k && v && strcmp(k, "built") == 0)
			snprintf(d->built, sizeof(d->built), "%s", v);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (d->schema != VIGIL_DB_SCHEMA_VERSION) {
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"%s has schema version %d, this vigil reads %d: run 'vigil db update'",
			path, d->schema, VIGIL_DB_SCHEMA_VERSION);
		goto done;
	}
	if (sqlite3_prepare_v2(d->db,
			       "SELECT name, source_date, records, packages, skipped, imported_at"
			       " FROM feeds ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "%s: no feeds table", path);
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		vigil_db_feed_info *fi = vigil_vec_push(&d->feeds);
		if (!fi) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		fi->name = vigil_arena_strdup(&d->arena, (const char *)sqlite3_column_text(st, 0));
		fi->source_date =
			vigil_arena_strdup(&d->arena, (const char *)sqlite3_column_text(st, 1));
		fi->records = (uint64_t)sqlite3_column_int64(st, 2);
		fi->packages = (uint64_t)sqlite3_column_int64(st, 3);
		fi->skipped = (uint64_t)sqlite3_column_int64(st, 4);
		fi->imported_at =
			vigil_arena_strdup(&d->arena, (const char *)sqlite3_column_text(st, 5));
	}
	d->path = vigil_arena_strdup(&d->arena, path);
done:
	sqlite3_finalize(st);
	if (error < 0) {
		vigil_db_free(d);
		return error;
	}
	*out = d;
	return 0;
}

void vigil_vdb__set_ctx(vigil_db *d, vigil_ctx *ctx)
{
	d->ctx = ctx;
}

void vigil_db_free(vigil_db *d)
{
	if (!d)
		return;
	sqlite3_finalize(d->lookup);
	sqlite3_finalize(d->q_vuln);
	sqlite3_finalize(d->q_alias);
	sqlite3_finalize(d->q_ref);
	sqlite3_finalize(d->q_kev);
	sqlite3_finalize(d->q_by);
	sqlite3_finalize(d->q_rating);
	sqlite3_finalize(d->q_epss);
	sqlite3_finalize(d->support_lookup);
	if (d->db)
		sqlite3_close(d->db);
	vigil_vec_free(&d->feeds);
	vigil_arena_clear(&d->arena);
	free(d);
}

int vigil_db_schema_version(const vigil_db *d)
{
	return d->schema;
}

const char *vigil_db_built(const vigil_db *d)
{
	return d->built;
}

size_t vigil_db_feed_count(const vigil_db *d)
{
	return d->feeds.len;
}

const vigil_db_feed_info *vigil_db_feed(const vigil_db *d, size_t i)
{
	return i < d->feeds.len ? &VIGIL_VEC_AT(&d->feeds, vigil_db_feed_info, i) : NULL;
}

const char *const *vigil_db_feed_names(void)
{
	static const char *names[VIGIL_ARRAY_LEN(FEEDS) + 1];
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(FEEDS); i++)
		names[i] = FEEDS[i]->name;
	return names;
}

int vigil_vdb__parse_buffer(const vigil_feed *f, const char *member, const uint8_t *data,
			    size_t len, uint64_t *records, uint64_t *skipped)
{
	vigil_vdb_build b;
	vigil_ctx *ctx;
	int error;
	memset(&b, 0, sizeof(b));
	if ((error = vigil_ctx_new(&ctx)) < 0)
		return error;
	b.ctx = ctx;
	b.feed = f;
	if (sqlite3_open(":memory:", &b.db) != SQLITE_OK) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = exec(&b, SCHEMA)) == 0 && (error = prepare(&b)) == 0) {
		error = f->parse(&b, member, data, len);
		if (f->finish) {
			int e = f->finish(&b, error < 0);
			if (error == 0)
				error = e;
		}
	}
	if (records)
		*records = b.records;
	if (skipped)
		*skipped = b.skipped;
done:
	finalize(&b);
	if (b.db)
		sqlite3_close(b.db);
	vigil_ctx_free(ctx);
	return error;
}

int vigil_db_has_ecosystem(vigil_db *d, const char *ecosystem)
{
	sqlite3_stmt *st = NULL;
	int r;
	if (sqlite3_prepare_v2(d->db, "SELECT 1 FROM pkgs WHERE ecosystem = ?1 LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	return r == SQLITE_ROW;
}

int vigil_db_lookup(vigil_db *d, const char *ecosystem, const char *package,
		    int (*cb)(const vigil_db_affected *a, void *payload), void *payload)
{
	int n = 0, r;
	if (!d->lookup &&
	    sqlite3_prepare_v2(d->db,
			       "SELECT v.vuln_id, a.status, a.fixed, a.ranges, a.severity, a.feed,"
			       " EXISTS(SELECT 1 FROM kev WHERE kev.cve = v.vuln_id)"
			       " FROM affected a JOIN vulns v ON v.id = a.vuln"
			       " WHERE a.ecosystem = ?1 AND a.package = ?2",
			       -1, &d->lookup, NULL) != SQLITE_OK)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	sqlite3_reset(d->lookup);
	sqlite3_bind_text(d->lookup, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(d->lookup, 2, package, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(d->lookup)) == SQLITE_ROW) {
		vigil_db_affected a;
		a.vuln_id = (const char *)sqlite3_column_text(d->lookup, 0);
		a.status = (const char *)sqlite3_column_text(d->lookup, 1);
		a.fixed = (const char *)sqlite3_column_text(d->lookup, 2);
		a.ranges = (const char *)sqlite3_column_text(d->lookup, 3);
		a.severity = (const char *)sqlite3_column_text(d->lookup, 4);
		a.feed = (const char *)sqlite3_column_text(d->lookup, 5);
		a.kev = sqlite3_column_int(d->lookup, 6);
		n++;
		if (cb) {
			int e = cb(&a, payload);
			if (e != 0) {
				sqlite3_reset(d->lookup);
				return e;
			}
		}
	}
	sqlite3_reset(d->lookup);
	if (r != SQLITE_DONE)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	return n;
}

/* ---- details of one vulnerability, for the matcher ---- */

static int prep(vigil_db *d, sqlite3_stmt **st, const char *sql)
{
	if (!*st && sqlite3_prepare_v2(d->db, sql, -1, st, NULL) != SQLITE_OK)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	sqlite3_reset(*st);
	return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int vigil_db_vuln(vigil_db *d, const char *vuln_id,
		  int (*cb)(const vigil_db_vuln_info *v, void *payload), void *payload)
{
	vigil_db_vuln_info v;
	vigil_vec aliases = VIGIL_VEC_INIT(const char *), refs = VIGIL_VEC_INIT(const char *);
	vigil_vec by = VIGIL_VEC_INIT(const char *), ratings = VIGIL_VEC_INIT(vigil_db_rating);
	vigil_arena a;
	int64_t id;
	int error;
	memset(&v, 0, sizeof(v));
	vigil_arena_init(&a);
	if ((error = prep(d, &d->q_vuln,
			  "SELECT id, vuln_id, title, severity, cvss_vector, cvss_score, published"
			  " FROM vulns WHERE vuln_id = ?1")) < 0 ||
	    (error = prep(d, &d->q_alias,
			  "SELECT DISTINCT alias FROM aliases WHERE vuln = ?1 ORDER BY alias")) <
		    0 ||
	    (error = prep(d, &d->q_ref,
			  "SELECT DISTINCT url FROM refs WHERE vuln = ?1 ORDER BY rowid")) < 0 ||
	    (error = prep(d, &d->q_kev,
			  "SELECT 1 FROM kev WHERE cve = ?1 OR cve IN"
			  " (SELECT alias FROM aliases WHERE vuln = ?2)")) < 0 ||
	    (error = prep(d, &d->q_by,
			  "SELECT DISTINCT v.vuln_id FROM aliases a JOIN vulns v ON v.id = a.vuln"
			  " WHERE a.alias = ?1")) < 0 ||
	    (error = prep(d, &d->q_rating,
			  "SELECT n.name, r.kind, r.severity, r.vector, r.score FROM ratings r"
			  " JOIN names n ON n.id = r.feed WHERE r.vuln = ?1"
			  " ORDER BY r.kind, n.name, r.rowid")) < 0 ||
	    (error = prep(d, &d->q_epss,
			  "SELECT score, percentile FROM epss WHERE cve = ?1 OR cve IN"
			  " (SELECT alias FROM aliases WHERE vuln = ?2) ORDER BY score DESC"
			  " LIMIT 1")) < 0)
		goto done;
	sqlite3_bind_text(d->q_vuln, 1, vuln_id, -1, SQLITE_STATIC);
	if (sqlite3_step(d->q_vuln) != SQLITE_ROW) {
		error = VIGIL_ENOTFOUND;
		goto done;
	}
	id = sqlite3_column_int64(d->q_vuln, 0);
	v.vuln_id = vigil_arena_strdup(&a, col(d->q_vuln, 1));
	v.title = col(d->q_vuln, 2) ? vigil_arena_strdup(&a, col(d->q_vuln, 2)) : NULL;
	v.severity = col(d->q_vuln, 3) ? vigil_arena_strdup(&a, col(d->q_vuln, 3)) : NULL;
	v.cvss_vector = col(d->q_vuln, 4) ? vigil_arena_strdup(&a, col(d->q_vuln, 4)) : NULL;
	v.cvss_score = sqlite3_column_double(d->q_vuln, 5);
	v.published = col(d->q_vuln, 6) ? vigil_arena_strdup(&a, col(d->q_vuln, 6)) : NULL;
	sqlite3_bind_int64(d->q_alias, 1, id);
	while (sqlite3_step(d->q_alias) == SQLITE_ROW) {
		const char **slot = vigil_vec_push(&aliases);
		if (!slot || !(*slot = vigil_arena_strdup(&a, col(d->q_alias, 0)))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	}
	sqlite3_bind_int64(d->q_ref, 1, id);
	while (sqlite3_step(d->q_ref) == SQLITE_ROW) {
		const char **slot = vigil_vec_push(&refs);
		if (!slot || !(*slot = vigil_arena_strdup(&a, col(d->q_ref, 0)))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	}
	sqlite3_bind_text(d->q_by, 1, vuln_id, -1, SQLITE_STATIC);
	while (sqlite3_step(d->q_by) == SQLITE_ROW) {
		const char **slot = vigil_vec_push(&by);
		if (!slot || !(*slot = vigil_arena_strdup(&a, col(d->q_by, 0)))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	}
	sqlite3_bind_int64(d->q_rating, 1, id);
	while (sqlite3_step(d->q_rating) == SQLITE_ROW) {
		vigil_db_rating *r = vigil_vec_push(&ratings);
		if (!r) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		memset(r, 0, sizeof(*r));
		r->feed = vigil_arena_strdup(&a, col(d->q_rating, 0));
		r->kind = sqlite3_column_int(d->q_rating, 1);
		r->severity =
			col(d->q_rating, 2) ? vigil_arena_strdup(&a, col(d->q_rating, 2)) : NULL;
		r->vector =
			col(d->q_rating, 3) ? vigil_arena_strdup(&a, col(d->q_rating, 3)) : NULL;
		r->score = sqlite3_column_double(d->q_rating, 4);
		if (!r->feed) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	}
	v.ratings = ratings.data;
	v.nratings = ratings.len;
	sqlite3_bind_text(d->q_epss, 1, vuln_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(d->q_epss, 2, id);
	v.epss = v.epss_percentile = -1;
	if (sqlite3_step(d->q_epss) == SQLITE_ROW) {
		v.epss = sqlite3_column_double(d->q_epss, 0);
		v.epss_percentile = sqlite3_column_double(d->q_epss, 1);
	}
	sqlite3_bind_text(d->q_kev, 1, vuln_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(d->q_kev, 2, id);
	v.kev = sqlite3_step(d->q_kev) == SQLITE_ROW;
	if (!vigil_vec_push(&aliases) || !vigil_vec_push(&refs) ||
	    !vigil_vec_push(&by)) { /* NULL terminators */
		error = VIGIL_ENOMEM;
		goto done;
	}
	v.aliases = aliases.data;
	v.references = refs.data;
	v.aliased_by = by.data;
	error = cb ? cb(&v, payload) : 0;
done:
	sqlite3_reset(d->q_vuln);
	sqlite3_reset(d->q_alias);
	sqlite3_reset(d->q_ref);
	sqlite3_reset(d->q_kev);
	sqlite3_reset(d->q_by);
	if (d->q_rating)
		sqlite3_reset(d->q_rating);
	if (d->q_epss)
		sqlite3_reset(d->q_epss);
	vigil_vec_free(&ratings);
	vigil_vec_free(&by);
	vigil_vec_free(&aliases);
	vigil_vec_free(&refs);
	vigil_arena_clear(&a);
	return error;
}

int vigil_db_support_lookup(vigil_db *d, const char *ecosystem, const char *package,
			    int (*cb)(const vigil_db_support *s, void *payload), void *payload)
{
	int n = 0, r;
	/* "debian:12" also finds the release-independent rows stored under "debian"; a
	 * package written as a prefix pattern ("golang.*") matches every name it starts */
	size_t family = strcspn(ecosystem, ":");
	if (!d->support_lookup &&
	    sqlite3_prepare_v2(d->db,
			       "SELECT package, version, date, note, limited FROM support"
			       " WHERE (ecosystem = ?1 OR ecosystem = ?3) AND (package = ?2"
			       " OR (package GLOB '*.[*]' AND substr(?2, 1, length(package) - 2)"
			       " = substr(package, 1, length(package) - 2)))",
			       -1, &d->support_lookup, NULL) != SQLITE_OK)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	sqlite3_reset(d->support_lookup);
	sqlite3_bind_text(d->support_lookup, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(d->support_lookup, 2, package, -1, SQLITE_STATIC);
	sqlite3_bind_text(d->support_lookup, 3, ecosystem, (int)family, SQLITE_STATIC);
	while ((r = sqlite3_step(d->support_lookup)) == SQLITE_ROW) {
		vigil_db_support s;
		s.package = (const char *)sqlite3_column_text(d->support_lookup, 0);
		s.version = (const char *)sqlite3_column_text(d->support_lookup, 1);
		s.date = (const char *)sqlite3_column_text(d->support_lookup, 2);
		s.note = (const char *)sqlite3_column_text(d->support_lookup, 3);
		s.limited = sqlite3_column_int(d->support_lookup, 4);
		n++;
		if (cb) {
			int e = cb(&s, payload);
			if (e != 0) {
				sqlite3_reset(d->support_lookup);
				return e;
			}
		}
	}
	sqlite3_reset(d->support_lookup);
	if (r != SQLITE_DONE)
		return vigil_error_set(d->ctx, VIGIL_EIO, "database: %s", sqlite3_errmsg(d->db));
	return n;
}
