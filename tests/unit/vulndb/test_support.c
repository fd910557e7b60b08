/* vigil_db_support_lookup: release rows, family rows ("debian" for every release),
 * prefix patterns ("golang.*"), the callback's stop value, an empty answer. */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "../test.h"
#include "vigil.h"
#include "vulndb/vulndb.h"

/* A database of the current schema version holding only support rows. */
static int make_db(const char *path)
{
	sqlite3 *db;
	char sql[1024];
	snprintf(
		sql, sizeof(sql),
		"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
		"INSERT INTO meta VALUES('schema_version', '%d');"
		"INSERT INTO meta VALUES('built', '2099-01-01T00:00:00Z');"
		"CREATE TABLE feeds(name TEXT PRIMARY KEY, source_date TEXT, records INTEGER,"
		" packages INTEGER, skipped INTEGER, imported_at TEXT);"
		"CREATE TABLE support(ecosystem TEXT, package TEXT, version TEXT, date TEXT,"
		" note TEXT, limited INT);"
		"INSERT INTO support VALUES('debian:12', 'oldbrowser', '1.0-1', '2099-05-01',"
		" 'ended', 0);"
		"INSERT INTO support VALUES('debian:11', 'oldbrowser', '0.9-1', '2098-01-01',"
		" NULL, 0);"
		"INSERT INTO support VALUES('debian', 'oldbrowser', NULL, NULL, 'trusted only', 1);"
		"INSERT INTO support VALUES('debian', 'golang.*', NULL, NULL, 'static', 1);",
		VIGIL_DB_SCHEMA_VERSION);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	int r = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return r == SQLITE_OK ? 0 : -1;
}

typedef struct seen {
	int n, ended, limited;
	char version[64], note[64];
} seen;

static int collect(const vigil_db_support *s, void *payload)
{
	seen *z = payload;
	z->n++;
	if (s->limited) {
		z->limited++;
		snprintf(z->note, sizeof(z->note), "%s", s->note ? s->note : "");
	} else {
		z->ended++;
		snprintf(z->version, sizeof(z->version), "%s", s->version ? s->version : "");
	}
	return 0;
}

static int stop(const vigil_db_support *s, void *payload)
{
	(void)s;
	(void)payload;
	return 7;
}

TEST(db_support_lookup)
{
	char path[] = "/tmp/vigil-test-support-XXXXXX";
	int fd = mkstemp(path);
	vigil_ctx *ctx = NULL;
	vigil_db *db = NULL;
	seen z;
	CHECK(fd >= 0);
	close(fd);
	unlink(path);
	CHECK(make_db(path) == 0);
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_db_open(&db, ctx, path) == 0);

	memset(&z, 0, sizeof(z));
	CHECK(vigil_db_support_lookup(db, "debian:12", "oldbrowser", collect, &z) == 2);
	CHECK(z.ended == 1 && z.limited == 1);
	CHECK_STR(z.version, "1.0-1");
	CHECK_STR(z.note, "trusted only");

	memset(&z, 0, sizeof(z));
	CHECK(vigil_db_support_lookup(db, "debian:10", "oldbrowser", collect, &z) == 1);
	CHECK(z.limited == 1 && z.ended == 0);

	memset(&z, 0, sizeof(z));
	CHECK(vigil_db_support_lookup(db, "debian:12", "golang-1.19", collect, &z) == 1);
	CHECK_STR(z.note, "static");
	CHECK(vigil_db_support_lookup(db, "debian:12", "golan", NULL, NULL) == 0);
	CHECK(vigil_db_support_lookup(db, "ubuntu:22.04", "oldbrowser", NULL, NULL) == 0);
	CHECK(vigil_db_support_lookup(db, "debian:12", "nothing", NULL, NULL) == 0);
	CHECK(vigil_db_support_lookup(db, "debian:12", "oldbrowser", stop, NULL) == 7);
	/* the statement is reset after a stop: the next lookup works */
	CHECK(vigil_db_support_lookup(db, "debian:11", "oldbrowser", NULL, NULL) == 2);

	vigil_db_free(db);
	vigil_ctx_free(ctx);
	unlink(path);
}
