/*
 * OSV.dev's per-ecosystem exports (https://osv-vulnerabilities.storage.googleapis.com/
 * <Ecosystem>/all.zip: one OSV JSON record per zip entry) and NVD's CVE API 2.0 JSON
 * (CVSS ratings and descriptions only, no package statements).
 *
 * osv: the feed archive holds <Ecosystem>/all.zip members (the online update wraps
 * the downloads so); each zip is read from memory with libarchive, entry by entry,
 * and every record goes through the common OSV importer (osv.c).
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lang.h"

#define OSV_MAX_RECORD (8u << 20) /* one record */
#define OSV_MAX_ENTRIES 2000000u  /* entries of one zip */

static int want_osv(const char *member)
{
	size_t n = strlen(member);
	return n > 8 && strcmp(member + n - 8, "/all.zip") == 0 && !strchr(member, '\\');
}

static int parse_osv_zip(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *buf = NULL, where[512];
	size_t cap = 0;
	uint64_t entries = 0;
	int error = 0, r;
	if (!a)
		return VIGIL_ENOMEM;
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		vigil_vdb__skipped(b, member, "not a zip archive");
		goto done;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (++entries > OSV_MAX_ENTRIES) {
			vigil_vdb__skipped(b, member, "too many entries; the rest is ignored");
			break;
		}
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		size_t nl = strlen(name);
		if (nl < 5 || strcmp(name + nl - 5, ".json") != 0)
			continue;
		snprintf(where, sizeof(where), "%s:%s", member, name);
		int64_t size = archive_entry_size(e);
		if (size < 0 || (uint64_t)size > OSV_MAX_RECORD) {
			vigil_vdb__skipped(b, where, "record over 8 MiB");
			continue;
		}
		if ((size_t)size + 1 > cap) {
			char *nb = realloc(buf, (size_t)size + 1);
			if (!nb) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			buf = nb;
			cap = (size_t)size + 1;
		}
		la_ssize_t got = archive_read_data(a, buf, (size_t)size);
		if (got != size) {
			vigil_vdb__skipped(b, where, "truncated or corrupt zip entry");
			break; /* the stream position is lost */
		}
		buf[got] = '\0';
		json_error_t jerr;
		json_t *doc = json_loadb(buf, (size_t)got, 0, &jerr);
		if (!doc || !json_is_object(doc)) {
			vigil_vdb__skipped(b, where, "malformed JSON");
			json_decref(doc);
			continue;
		}
		error = vigil_vdb__osv_record(b, where, doc, NULL);
		json_decref(doc);
		if (error < 0)
			goto done;
	}
	if (r != ARCHIVE_EOF && r != ARCHIVE_OK)
		vigil_vdb__skipped(b, member, "truncated or corrupt zip archive");
done:
	free(buf);
	archive_read_free(a);
	return error;
}

const vigil_feed vigil_feed_osv = {
	"osv",	  "https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip",
	want_osv, parse_osv_zip,
	1u << 30,
};

/* Rocky Linux's advisories (RLSA) as osv.dev exports them: "Rocky Linux/all.zip",
 * ecosystems "Rocky Linux:8" -> rocky:8, binary package names and rpm EVRs. */
static int want_rocky(const char *member)
{
	return strcmp(member, "Rocky Linux/all.zip") == 0;
}

const vigil_feed vigil_feed_rocky_osv = {
	"rocky-osv", "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip",
	want_rocky,  parse_osv_zip,
	1u << 30,
};

/* The distributions osv.dev carries (Debian, Ubuntu, Alpine, AlmaLinux, SUSE, openSUSE,
 * Wolfi...), each <Ecosystem>/all.zip; not in the default set (their exports are large
 * and the distributions' own feeds cover them): `db update --only osv-distros`. */
const vigil_feed vigil_feed_osv_distros = {
	"osv-distros",
	"https://osv-vulnerabilities.storage.googleapis.com/<Distribution>/all.zip",
	want_osv,
	parse_osv_zip,
	1u << 30,
	NULL,
	1,
};

/* ---- NVD CVE API 2.0 ---- */

static int want_nvd(const char *member)
{
	size_t n = strlen(member);
	return !strchr(member, '/') && ((n > 5 && strcmp(member + n - 5, ".json") == 0) ||
					(n > 8 && strcmp(member + n - 8, ".json.gz") == 0));
}

int vigil_vdb__gunzip(char **out, size_t *out_len, const uint8_t *data, size_t len, size_t limit)
{
	z_stream z;
	size_t cap = len * 4 + 1024, n = 0;
	char *buf;
	*out = NULL;
	if (cap > limit)
		cap = limit;
	if (!(buf = malloc(cap + 1)))
		return VIGIL_ENOMEM;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return VIGIL_ENOMEM;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	for (;;) {
		if (n == cap) {
			if (cap >= limit) {
				inflateEnd(&z);
				free(buf);
				return VIGIL_ELIMIT;
			}
			size_t nc = cap * 2 > limit ? limit : cap * 2;
			char *nb = realloc(buf, nc + 1);
			if (!nb) {
				inflateEnd(&z);
				free(buf);
				return VIGIL_ENOMEM;
			}
			buf = nb;
			cap = nc;
		}
		z.next_out = (Bytef *)buf + n;
		z.avail_out = (uInt)(cap - n);
		int r = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && !(r == Z_BUF_ERROR && z.avail_out == 0)) {
			inflateEnd(&z);
			free(buf);
			return VIGIL_EFORMAT;
		}
	}
	inflateEnd(&z);
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return 0;
}

/* The best CVSS metric of an NVD record: the primary (NVD's own) v3.1, else v3.0, else
 * v4.0 entry, else the first secondary one of those versions. */
static const char *nvd_vector(json_t *metrics)
{
	static const char *const KEYS[] = {"cvssMetricV31", "cvssMetricV30", "cvssMetricV40"};
	for (int primary = 1; primary >= 0; primary--)
		for (size_t k = 0; k < 3; k++) {
			json_t *arr = json_object_get(metrics, KEYS[k]);
			for (size_t i = 0; i < json_array_size(arr); i++) {
				json_t *m = json_array_get(arr, i);
				const char *type = vigil_vdb__jstr(m, "type");
				const char *vec = vigil_vdb__jstr(json_object_get(m, "cvssData"),
								  "vectorString");
				if (vec && (!primary || (type && strcmp(type, "Primary") == 0)))
					return vec;
			}
		}
	return NULL;
}

static int parse_nvd(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	char *text = NULL;
	size_t tlen = len;
	int error = 0;
	size_t n = strlen(member);
	if (n > 3 && strcmp(member + n - 3, ".gz") == 0) {
		if ((error = vigil_vdb__gunzip(&text, &tlen, data, len, (size_t)1 << 31)) < 0) {
			if (error == VIGIL_ENOMEM)
				return error;
			vigil_vdb__skipped(b, member, "not a complete gzip file");
			return 0;
		}
	}
	json_error_t jerr;
	json_t *doc = json_loadb(text ? text : (const char *)data, tlen, 0, &jerr);
	free(text);
	json_t *list = json_object_get(doc, "vulnerabilities");
	if (!doc || !json_is_array(list)) {
		vigil_vdb__skipped(b, member, "not an NVD CVE API 2.0 document");
		json_decref(doc);
		return 0;
	}
	vigil_vdb__source_date(b, vigil_vdb__jstr(doc, "timestamp"));
	for (size_t i = 0; i < json_array_size(list) && error == 0; i++) {
		json_t *cve = json_object_get(json_array_get(list, i), "cve");
		const char *id = vigil_vdb__jstr(cve, "id");
		if (!id || strncmp(id, "CVE-", 4) != 0) {
			vigil_vdb__skipped(b, member, "entry without a CVE id");
			continue;
		}
		vigil_vdb__record(b);
		const char *status = vigil_vdb__jstr(cve, "vulnStatus");
		if (status && strcmp(status, "Rejected") == 0)
			continue;
		/* the English description, cut at 159 bytes on a UTF-8 boundary, as a title */
		const char *desc = NULL;
		json_t *ds = json_object_get(cve, "descriptions");
		for (size_t k = 0; k < json_array_size(ds) && !desc; k++) {
			const char *lang = vigil_vdb__jstr(json_array_get(ds, k), "lang");
			if (lang && strcmp(lang, "en") == 0)
				desc = vigil_vdb__jstr(json_array_get(ds, k), "value");
		}
		char t[160] = "";
		if (desc) {
			size_t dl = strcspn(desc, "\n");
			if (dl > sizeof(t) - 1)
				for (dl = sizeof(t) - 1;
				     dl > 0 && ((unsigned char)desc[dl] & 0xC0) == 0x80; dl--)
					;
			snprintf(t, sizeof(t), "%.*s", (int)dl, desc);
		}
		int64_t v;
		const char *vector = nvd_vector(json_object_get(cve, "metrics"));
		double score = vector ? vigil_cvss_base_score(vector) : -1;
		if ((error = vigil_vdb__vuln(b, &v, id, t[0] ? t : NULL, NULL)) < 0)
			break;
		if (score < 0) {
			if (vector)
				vigil_vdb__skipped(b, member, "invalid CVSS vector");
			vector = NULL;
		}
		if ((vector || vigil_vdb__jstr(cve, "published")) &&
		    (error = vigil_vdb__details(b, v, vector, score > 0 ? score : 0,
						vigil_vdb__jstr(cve, "published"))) < 0)
			break;
	}
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_nvd = {
	"nvd",	  "https://services.nvd.nist.gov/rest/json/cves/2.0 (JSON 2.0 yearly feeds)",
	want_nvd, parse_nvd,
	1u << 30,
};
