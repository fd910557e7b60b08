/*
 * rpm packages: the rpm database in any of its three backends, told apart by content —
 * sqlite (rpm >= 4.16: rpmdb.sqlite), BerkeleyDB hash (Packages: RHEL <= 8, CentOS,
 * Amazon Linux 2) and ndb (Packages.db: SUSE) — under /var/lib/rpm or
 * /usr/lib/sysimage/rpm. Every header rpm -qa would list is a package, gpg-pubkey
 * entries included.
 */
#include <string.h>

#include "rpm_db.h"

int vigil_rpm__add(vigil_rpm_db *db, const uint8_t *blob, size_t len)
{
	vigil_rpm_header h;
	vigil_rpm_evr evr;
	const char *const *files = NULL;
	size_t nfiles = 0;
	int error;

	if (db->npkgs >= VIGIL_RPM_MAX_PKGS)
		return VIGIL_ELIMIT;
	db->npkgs++;
	if (vigil_rpm__header_parse(&h, blob, len) < 0) {
		vigil_catalog__skipped(db->r, "header blob that rpm would refuse");
		return 0;
	}
	if (!h.name || !*h.name) {
		vigil_catalog__skipped(db->r, "header without NAME");
		return 0;
	}
	if ((error = vigil_rpm__evr(&evr, &db->scratch, &h)) < 0)
		return error;

	size_t max = VIGIL_RPM_MAX_FILES_DB - db->nfiles;
	if (max > VIGIL_RPM_MAX_FILES_PKG)
		max = VIGIL_RPM_MAX_FILES_PKG;
	error = vigil_rpm__files(&files, &nfiles, &db->files, &h, max,
				 VIGIL_RPM_MAX_PATH_BYTES - db->path_bytes);
	if (error == VIGIL_ENOMEM)
		return error;
	if (error == VIGIL_EFORMAT)
		vigil_catalog__skipped(db->r, "file list whose tags disagree (package kept)");
	else if (error == VIGIL_ELIMIT)
		vigil_catalog__skipped(db->r, "file list over the limit (package kept)");
	db->nfiles += nfiles;
	db->path_bytes += db->files.text.len;

	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "rpm";
	p.name = h.name;
	p.version = evr.version;
	p.arch = h.arch;
	p.source_name = evr.source_name;
	p.source_version = evr.source_version;
	p.license = h.license;
	p.modularity = h.modularity && *h.modularity ? h.modularity : NULL;
	p.files = files;
	return vigil_catalog__add(db->r, &p);
}

static const char SQLITE_MAGIC[16] = "SQLite format 3";

/* BerkeleyDB hash metadata magic, at offset 12 in either byte order. */
static int is_bdb(const uint8_t *data, size_t len)
{
	return len >= 512 &&
	       (vigil_rpm__le32(data + 12) == 0x061561 || vigil_rpm__be32(data + 12) == 0x061561);
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_rpm_db db;
	vigil_rpm_files files = VIGIL_RPM_FILES_INIT;
	int error;
	(void)f;
	if (len == 0)
		return 0; /* an empty database lists nothing */
	memset(&db, 0, sizeof(db));
	db.r = r;
	db.files = files;
	if (len >= sizeof(SQLITE_MAGIC) && memcmp(data, SQLITE_MAGIC, sizeof(SQLITE_MAGIC)) == 0)
		error = vigil_rpm__read_sqlite(&db, data, len);
	else if (len >= 4 && memcmp(data, "RpmP", 4) == 0)
		error = vigil_rpm__read_ndb(&db, data, len);
	else if (is_bdb(data, len))
		error = vigil_rpm__read_bdb(&db, data, len);
	else
		error = VIGIL_EFORMAT;
	if (error == VIGIL_ELIMIT && db.npkgs >= VIGIL_RPM_MAX_PKGS) {
		vigil_catalog__skipped(r, "headers past the limit of one database");
		error = 0;
	}
	vigil_rpm__files_free(&db.files);
	vigil_buf_free(&db.scratch);
	return error;
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	static const char *const paths[] = {
		"/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite",
		"/var/lib/rpm/Packages",     "/usr/lib/sysimage/rpm/Packages",
		"/var/lib/rpm/Packages.db",  "/usr/lib/sysimage/rpm/Packages.db",
	};
	(void)head, (void)len;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(paths); i++)
		if (strcmp(f->path, paths[i]) == 0)
			return VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_rpm = {
	"rpm", VIGIL_CAT_DATABASE | VIGIL_CAT_OS, want, parse, VIGIL_RPM_MAX_DB,
};
