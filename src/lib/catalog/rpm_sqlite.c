/*
 * The sqlite rpm database (rpm >= 4.16): table Packages(hnum INTEGER PRIMARY KEY, blob),
 * one header blob per row. The file is opened from memory with sqlite3_deserialize on a
 * private read-only copy: nothing touches the disk, and a hostile schema gets no views,
 * triggers, virtual tables, attached databases or unbounded work.
 */
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

#include "rpm_db.h"

/* sqlite calls this every PROGRESS_OPS virtual-machine steps; a nonzero return stops
 * the statement with SQLITE_INTERRUPT. */
#define PROGRESS_OPS 1000

static int progress(void *payload)
{
	uint64_t *budget = payload;
	if (*budget == 0)
		return 1;
	(*budget)--;
	return 0;
}

/* Maps a sqlite result code to a Vigil error: memory, a statement stopped by the work
 * budget (ELIMIT), anything else is a database that cannot be read (EFORMAT). */
static int sql_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return VIGIL_ENOMEM;
	case SQLITE_INTERRUPT:
	case SQLITE_TOOBIG:
		return VIGIL_ELIMIT;
	default:
		return VIGIL_EFORMAT;
	}
}

/* Locks down a fresh connection before any schema is read. */
static int harden(sqlite3 *sql, uint64_t *budget)
{
	int rc = SQLITE_OK;
	static const int off[] = {
		SQLITE_DBCONFIG_ENABLE_TRIGGER,
		SQLITE_DBCONFIG_ENABLE_VIEW,
		SQLITE_DBCONFIG_TRUSTED_SCHEMA,
		SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
	};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(off) && rc == SQLITE_OK; i++)
		rc = sqlite3_db_config(sql, off[i], 0, (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(sql, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	if (rc != SQLITE_OK)
		return sql_error(rc);
	/* a header blob is at most 8 + 16 * 0xffff + 0x0fffffff bytes */
	sqlite3_limit(sql, SQLITE_LIMIT_LENGTH,
		      (int)(8 + 16 * VIGIL_RPM_MAX_TAGS + VIGIL_RPM_MAX_DATA));
	sqlite3_limit(sql, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_progress_handler(sql, PROGRESS_OPS, progress, budget);
	return 0;
}

/* Whether Packages is an ordinary table (not a view or virtual table). */
static int check_schema(sqlite3 *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql,
				    "SELECT sql FROM sqlite_schema WHERE type = 'table' AND "
				    "name = 'Packages'",
				    -1, &st, NULL);
	int error = 0;
	if (rc != SQLITE_OK)
		return sql_error(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		if (!text || strncasecmp(text, "CREATE TABLE", 12) != 0)
			error = VIGIL_EFORMAT;
	} else {
		error = rc == SQLITE_DONE ? VIGIL_EFORMAT : sql_error(rc);
	}
	sqlite3_finalize(st);
	return error;
}

int vigil_rpm__read_sqlite(vigil_rpm_db *db, const uint8_t *data, size_t len)
{
	sqlite3 *sql = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	/* a plain scan costs a few steps per byte of database; allow far more */
	uint64_t budget = (uint64_t)len / 16 + 100000;
	int error = 0, rc;

	if (len > VIGIL_RPM_MAX_DB)
		return VIGIL_ELIMIT;
	if (len < 100) /* the database header alone is 100 bytes */
		return VIGIL_EFORMAT;
	if (!(copy = sqlite3_malloc64(len)))
		return VIGIL_ENOMEM;
	memcpy(copy, data, len);
	/* rpm runs in WAL mode (file format versions 2 at bytes 18 and 19), which an
	 * in-memory database cannot open; 1 reads the same file with a rollback journal.
	 * Pages still in a -wal file are not in this buffer either way. */
	if (copy[18] == 2)
		copy[18] = 1;
	if (copy[19] == 2)
		copy[19] = 1;

	rc = sqlite3_open_v2(":memory:", &sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_free(copy);
		error = sql_error(rc);
		goto done;
	}
	if ((error = harden(sql, &budget)) < 0) {
		sqlite3_free(copy);
		goto done;
	}
	/* FREEONCLOSE hands `copy` to sqlite, which frees it even when this fails */
	rc = sqlite3_deserialize(sql, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
	if (rc != SQLITE_OK) {
		error = sql_error(rc);
		goto done;
	}
	if ((rc = sqlite3_exec(sql, "PRAGMA cell_size_check = ON; PRAGMA temp_store = MEMORY", NULL,
			       NULL, NULL)) != SQLITE_OK) {
		error = sql_error(rc);
		goto done;
	}
	if ((error = check_schema(sql)) < 0)
		goto done;
	if ((rc = sqlite3_prepare_v2(sql, "SELECT blob FROM Packages", -1, &st, NULL)) !=
	    SQLITE_OK) {
		error = sql_error(rc);
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
			vigil_catalog__skipped(db->r, "Packages row without a blob");
			continue;
		}
		const void *blob = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		if (!blob || n <= 0) {
			vigil_catalog__skipped(db->r, "Packages row without a blob");
			continue;
		}
		if ((error = vigil_rpm__add(db, blob, (size_t)n)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		error = sql_error(rc);
done:
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return error;
}
