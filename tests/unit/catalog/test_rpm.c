/*
 * The rpm cataloger: the header parser on a real blob and on hand-made ones, the three
 * database readers on the shared samples (../shared, skipped with a note when absent)
 * and on small hostile databases built here.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>

#include "catalog/rpm_db.h"
#include "../test.h"

#define SHARED "specs/pkgdb/rpm/"

/* Reads a whole file of ../shared (or $VIGIL_SHARED) into a malloc'd buffer; NULL (with
 * a note) when it is missing. */
static uint8_t *slurp(const char *rel, size_t *len)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "../shared";
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", shared, rel);
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	if (!f) {
		printf("  note: %s not found; this check is skipped\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* ---- a header builder ---- */

typedef struct hb {
	uint8_t index[16 * 64], data[16384];
	uint32_t il, dl;
} hb;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void hb_entry(hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	uint8_t *e = h->index + 16 * h->il++;
	put32(e, tag), put32(e + 4, type), put32(e + 8, off), put32(e + 12, count);
}

static void hb_add(hb *h, uint32_t tag, uint32_t type, const void *p, size_t n, uint32_t count,
		   uint32_t align)
{
	while (h->dl % align)
		h->data[h->dl++] = 0;
	hb_entry(h, tag, type, h->dl, count);
	memcpy(h->data + h->dl, p, n);
	h->dl += (uint32_t)n;
}

static void hb_str(hb *h, uint32_t tag, const char *s)
{
	hb_add(h, tag, 6, s, strlen(s) + 1, 1, 1);
}

static void hb_strs(hb *h, uint32_t tag, const char *const *v, uint32_t n)
{
	uint8_t buf[4096];
	size_t at = 0;
	for (uint32_t i = 0; i < n; i++) {
		memcpy(buf + at, v[i], strlen(v[i]) + 1);
		at += strlen(v[i]) + 1;
	}
	hb_add(h, tag, 8, buf, at, n, 1);
}

static void hb_i32(hb *h, uint32_t tag, const uint32_t *v, uint32_t n)
{
	uint8_t buf[1024];
	for (uint32_t i = 0; i < n; i++)
		put32(buf + 4 * i, v[i]);
	hb_add(h, tag, 4, buf, 4 * (size_t)n, n, 4);
}

static size_t hb_blob(const hb *h, uint8_t *out)
{
	put32(out, h->il), put32(out + 4, h->dl);
	memcpy(out + 8, h->index, 16 * (size_t)h->il);
	memcpy(out + 8 + 16 * (size_t)h->il, h->data, h->dl);
	return 8 + 16 * (size_t)h->il + h->dl;
}

/* name, version, release and arch of a minimal package */
static void hb_basic(hb *h, const char *name)
{
	memset(h, 0, sizeof(*h));
	hb_str(h, VIGIL_RPMTAG_NAME, name);
	hb_str(h, VIGIL_RPMTAG_VERSION, "1.0");
	hb_str(h, VIGIL_RPMTAG_RELEASE, "1.el9");
}

/* ---- the header parser ---- */

TEST(test_rpm__header_blob_from_fedora)
{
	size_t len = 0;
	uint8_t *blob = slurp(SHARED "header-blob/package.header", &len);
	vigil_rpm_header h;
	vigil_rpm_files fl = VIGIL_RPM_FILES_INIT;
	vigil_buf scratch = VIGIL_BUF_INIT;
	vigil_rpm_evr evr;
	const char *const *files;
	size_t n;
	if (!blob)
		return;
	int rc = vigil_rpm__header_parse(&h, blob, len);
	int frc = rc == 0 ? vigil_rpm__files(&files, &n, &fl, &h, 1000, 1 << 20) : -1;
	int erc = rc == 0 ? vigil_rpm__evr(&evr, &scratch, &h) : -1;
	int ok = rc == 0 && frc == 0 && erc == 0;
	if (ok) {
		ok = strcmp(h.name, "crypto-policies") == 0 && strcmp(h.arch, "noarch") == 0 &&
		     strcmp(h.license, "LGPLv2+") == 0 && !h.has_epoch && !h.modularity &&
		     strcmp(evr.version, "20210213-1.git5c710c0.fc34") == 0 &&
		     strcmp(evr.source_name, "crypto-policies") == 0 &&
		     strcmp(evr.source_version, "20210213-1.git5c710c0.fc34") == 0 && n == 152 &&
		     files[152] == NULL;
		for (size_t i = 0; ok && i < n; i++)
			ok = files[i][0] == '/';
	}
	vigil_rpm__files_free(&fl);
	vigil_buf_free(&scratch);
	free(blob);
	CHECK(ok);
}

TEST(test_rpm__header_refuses_every_truncation)
{
	size_t len = 0;
	uint8_t *blob = slurp(SHARED "header-blob/package.header", &len);
	vigil_rpm_header h;
	int bad = 0;
	if (!blob)
		return;
	for (size_t n = 0; n < len; n += n < 64 ? 1 : 97)
		bad += vigil_rpm__header_parse(&h, blob, n) != VIGIL_EFORMAT;
	/* a byte more than il and dl say is refused too, as rpm does */
	uint8_t *more = realloc(blob, len + 1);
	if (more) {
		blob = more;
		bad += vigil_rpm__header_parse(&h, blob, len + 1) != VIGIL_EFORMAT;
	}
	free(blob);
	CHECK(bad == 0);
}

TEST(test_rpm__epoch_zero_is_kept_when_present)
{
	hb h;
	uint8_t blob[20000];
	vigil_rpm_header hd;
	vigil_rpm_evr evr;
	vigil_buf scratch = VIGIL_BUF_INIT;
	uint32_t zero = 0;
	hb_basic(&h, "bash");
	hb_i32(&h, VIGIL_RPMTAG_EPOCH, &zero, 1);
	hb_str(&h, VIGIL_RPMTAG_SOURCERPM, "bash-5.1.8-6.el9.src.rpm");
	hb_str(&h, VIGIL_RPMTAG_MODULARITYLABEL, "bash:5:9000020220101:abcdef01");
	size_t n = hb_blob(&h, blob);
	int ok = vigil_rpm__header_parse(&hd, blob, n) == 0 &&
		 vigil_rpm__evr(&evr, &scratch, &hd) == 0 && hd.has_epoch &&
		 strcmp(evr.version, "0:1.0-1.el9") == 0 && strcmp(evr.source_name, "bash") == 0 &&
		 strcmp(evr.source_version, "0:5.1.8-6.el9") == 0 && hd.modularity &&
		 strcmp(hd.modularity, "bash:5:9000020220101:abcdef01") == 0;
	vigil_buf_free(&scratch);
	CHECK(ok);
}

TEST(test_rpm__sourcerpm_name_keeps_its_dashes)
{
	static const struct {
		const char *srpm, *name, *version;
	} cases[] = {
		{"util-linux-2.32.1-42.el8_8.src.rpm", "util-linux", "2.32.1-42.el8_8"},
		{"perl-Foo-Bar-1.2-3.nosrc.rpm", "perl-Foo-Bar", "1.2-3"},
		{"a-1-2.src.rpm", "a", "1-2"},
		{"nodashes.src.rpm", NULL, NULL},
		{"-1-2.src.rpm", NULL, NULL},
		{"a--2.src.rpm", NULL, NULL},
		{"a-1-.src.rpm", NULL, NULL},
		{".src.rpm", NULL, NULL},
	};
	vigil_buf scratch = VIGIL_BUF_INIT;
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vigil_rpm_header hd;
		vigil_rpm_evr evr;
		memset(&hd, 0, sizeof(hd));
		hd.name = "x";
		hd.sourcerpm = cases[i].srpm;
		if (vigil_rpm__evr(&evr, &scratch, &hd) < 0) {
			bad++;
			continue;
		}
		if (!cases[i].name) {
			bad += evr.source_name != NULL || evr.source_version != NULL;
		} else if (!evr.source_name || strcmp(evr.source_name, cases[i].name) != 0 ||
			   strcmp(evr.source_version, cases[i].version) != 0) {
			printf("  %s -> %s %s\n", cases[i].srpm, evr.source_name,
			       evr.source_version);
			bad++;
		}
	}
	vigil_buf_free(&scratch);
	CHECK(bad == 0);
}

TEST(test_rpm__header_refuses_bad_entries)
{
	uint8_t blob[20000];
	vigil_rpm_header hd;
	hb h;
	size_t n;
	/* offset past the data */
	hb_basic(&h, "a");
	put32(h.index + 16 * 2 + 8, h.dl + 1);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* a string without its NUL at the end of the data */
	hb_basic(&h, "a");
	h.dl--;
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* a STRING with a count of 2 */
	hb_basic(&h, "a");
	put32(h.index + 12, 2);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* an unknown type */
	hb_basic(&h, "a");
	put32(h.index + 4, 10);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* overlapping entries: VERSION pointing at NAME's data */
	hb_basic(&h, "a");
	put32(h.index + 16 + 8, 0);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* a misaligned INT32 */
	hb_basic(&h, "ab");
	hb_add(&h, VIGIL_RPMTAG_EPOCH, 4, "\0\0\0\1", 4, 1, 1);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* NAME with the wrong type */
	memset(&h, 0, sizeof(h));
	hb_i32(&h, VIGIL_RPMTAG_NAME, (const uint32_t[]){7}, 1);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* a count that would need more bytes than there are */
	hb_basic(&h, "a");
	hb_i32(&h, VIGIL_RPMTAG_DIRINDEXES, (const uint32_t[]){0}, 1);
	put32(h.index + 16 * 3 + 12, 0x40000000);
	n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* il and dl caps */
	put32(blob, 0x10000);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	put32(blob, 0);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
}

TEST(test_rpm__region_trailer_may_not_be_overlapped)
{
	uint8_t blob[20000];
	vigil_rpm_header hd;
	hb h;
	uint8_t trailer[16] = {0};
	memset(&h, 0, sizeof(h));
	/* region entry first, its trailer after the name: accepted */
	hb_entry(&h, 63, 7, 4, 16);
	hb_str(&h, VIGIL_RPMTAG_NAME, "abc");
	memcpy(h.data + h.dl, trailer, 16);
	h.dl += 16;
	size_t n = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == 0);
	CHECK_STR(hd.name, "abc");
	/* a trailer that starts inside the name */
	put32(blob + 8 + 8, 2);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
	/* a region entry that is not BIN x 16 */
	put32(blob + 8 + 8, 4);
	put32(blob + 8 + 12, 15);
	CHECK(vigil_rpm__header_parse(&hd, blob, n) == VIGIL_EFORMAT);
}

TEST(test_rpm__files_join_dirnames_and_basenames)
{
	uint8_t blob[20000];
	vigil_rpm_header hd;
	vigil_rpm_files fl = VIGIL_RPM_FILES_INIT;
	const char *const *files;
	size_t n;
	hb h;
	static const char *const dirs[] = {"/usr/bin/", "/etc/", "relative/"};
	static const char *const bases[] = {"ls", "passwd", "cp", "x"};
	hb_basic(&h, "coreutils");
	hb_i32(&h, VIGIL_RPMTAG_DIRINDEXES, (const uint32_t[]){0, 1, 0, 2}, 4);
	hb_strs(&h, VIGIL_RPMTAG_BASENAMES, bases, 4);
	hb_strs(&h, VIGIL_RPMTAG_DIRNAMES, dirs, 3);
	size_t len = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, len) == 0);
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 100, 1 << 20) == 0);
	CHECK(n == 4 && files[4] == NULL);
	CHECK_STR(files[0], "/usr/bin/ls");
	CHECK_STR(files[1], "/etc/passwd");
	CHECK_STR(files[2], "/usr/bin/cp");
	CHECK_STR(files[3], "/relative/x");
	/* the caps: count and bytes */
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 3, 1 << 20) == VIGIL_ELIMIT && n == 3);
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 100, 20) == VIGIL_ELIMIT && n == 1);
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 2, 1 << 20) == VIGIL_ELIMIT && n == 0);
	/* a directory index past DIRNAMES */
	hb_basic(&h, "coreutils");
	hb_i32(&h, VIGIL_RPMTAG_DIRINDEXES, (const uint32_t[]){0, 1, 3, 2}, 4);
	hb_strs(&h, VIGIL_RPMTAG_BASENAMES, bases, 4);
	hb_strs(&h, VIGIL_RPMTAG_DIRNAMES, dirs, 3);
	len = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, len) == 0);
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 100, 1 << 20) == VIGIL_EFORMAT && n == 0);
	/* DIRINDEXES and BASENAMES of different lengths */
	hb_basic(&h, "coreutils");
	hb_i32(&h, VIGIL_RPMTAG_DIRINDEXES, (const uint32_t[]){0, 1, 0}, 3);
	hb_strs(&h, VIGIL_RPMTAG_BASENAMES, bases, 4);
	hb_strs(&h, VIGIL_RPMTAG_DIRNAMES, dirs, 3);
	len = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, len) == 0);
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 100, 1 << 20) == VIGIL_EFORMAT && n == 0);
	/* the legacy OLDFILENAMES */
	hb_basic(&h, "old");
	hb_strs(&h, VIGIL_RPMTAG_OLDFILENAMES, (const char *const[]){"/bin/sh", "/etc/x"}, 2);
	len = hb_blob(&h, blob);
	CHECK(vigil_rpm__header_parse(&hd, blob, len) == 0);
	CHECK(vigil_rpm__files(&files, &n, &fl, &hd, 100, 1 << 20) == 0 && n == 2);
	CHECK_STR(files[1], "/etc/x");
	vigil_rpm__files_free(&fl);
}

/* ---- the databases ---- */

typedef struct seen {
	size_t count;
	char names[8][64];
	char versions[8][64];
	size_t files[8];
} seen;

static int collect(const vigil_pkg *p, void *payload)
{
	seen *s = payload;
	if (s->count < 8) {
		snprintf(s->names[s->count], 64, "%s", p->name);
		snprintf(s->versions[s->count], 64, "%s", p->version);
		size_t n = 0;
		while (p->files && p->files[n])
			n++;
		s->files[s->count] = n;
	}
	s->count++;
	return 0;
}

/* Runs a cataloger on a file of ../shared; returns -100 when the file is missing. */
static int run_shared(const vigil_cataloger *c, const char *file, const char *path, seen *s,
		      unsigned *skipped)
{
	size_t len = 0;
	uint8_t *data = slurp(file, &len);
	memset(s, 0, sizeof(*s));
	if (!data)
		return -100;
	int rc = vigil_catalog__parse_buffer(c, path, data, len, collect, s, skipped);
	free(data);
	return rc;
}

TEST(test_rpm__samples_list_every_package)
{
	static const struct {
		const char *file, *path;
		size_t count;
	} cases[] = {
		{SHARED "sqlite-cbl-mariner-2.0/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite", 129},
		{SHARED "bdb-libuuid/Packages", "/var/lib/rpm/Packages", 1},
		{SHARED "bdb-syft/Packages", "/var/lib/rpm/Packages", 1},
		{SHARED "ndb-sle15-bci/Packages.db", "/usr/lib/sysimage/rpm/Packages.db", 35},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		seen s;
		unsigned skipped = 1;
		int rc = run_shared(&vigil_cataloger_rpm, cases[i].file, cases[i].path, &s,
				    &skipped);
		if (rc == -100)
			continue;
		if (rc != 0 || s.count != cases[i].count || skipped != 0)
			printf("  %s: rc %d, %zu packages, %u skipped\n", cases[i].file, rc,
			       s.count, skipped);
		CHECK(rc == 0 && s.count == cases[i].count && skipped == 0);
	}
}

TEST(test_rpm__bdb_sample_fields)
{
	seen s;
	unsigned skipped;
	if (run_shared(&vigil_cataloger_rpm, SHARED "bdb-libuuid/Packages", "/var/lib/rpm/Packages",
		       &s, &skipped) == -100)
		return;
	CHECK(s.count == 1);
	CHECK_STR(s.names[0], "libuuid");
	CHECK_STR(s.versions[0], "2.32.1-42.el8_8");
	CHECK(s.files[0] > 0);
}

/* A big-endian BerkeleyDB hash file: metadata, one hash page with one key/data pair
 * pointing at an overflow chain of `npages` pages starting at page 2. */
static size_t make_bdb(uint8_t *out, size_t pages, const uint8_t *blob, size_t len)
{
	const size_t ps = 512, room = ps - 26;
	memset(out, 0, ps * pages);
	put32(out + 12, 0x061561);
	put32(out + 16, 9);
	put32(out + 20, (uint32_t)ps);
	out[25] = 8;
	put32(out + 32, (uint32_t)pages - 1);
	uint8_t *hp = out + ps;
	put32(hp + 8, 1);
	hp[25] = 13;
	hp[20] = 0, hp[21] = 2; /* two entries */
	/* key at ps-5 (H_KEYDATA, 4 bytes), data at ps-17 (H_OFFPAGE) */
	hp[26] = (uint8_t)((ps - 5) >> 8), hp[27] = (uint8_t)(ps - 5);
	hp[28] = (uint8_t)((ps - 17) >> 8), hp[29] = (uint8_t)(ps - 17);
	hp[ps - 5] = 1;
	put32(hp + ps - 4, 1);
	hp[ps - 17] = 3;
	put32(hp + ps - 17 + 4, 2);
	put32(hp + ps - 17 + 8, (uint32_t)len);
	size_t at = 0;
	for (size_t pg = 2; at < len && pg < pages; pg++) {
		uint8_t *p = out + ps * pg;
		size_t n = len - at < room ? len - at : room;
		put32(p + 8, (uint32_t)pg);
		p[25] = 7;
		p[22] = (uint8_t)(n >> 8), p[23] = (uint8_t)n;
		put32(p + 16, at + n < len ? (uint32_t)pg + 1 : 0);
		memcpy(p + 26, blob + at, n);
		at += n;
	}
	return ps * pages;
}

TEST(test_rpm__bdb_overflow_chains_are_bounded)
{
	static uint8_t blob[20000], db[512 * 16];
	hb h;
	seen s;
	unsigned skipped;
	hb_basic(&h, "chained");
	char licence[601];
	memset(licence, 'x', 600); /* long enough to need two overflow pages */
	licence[600] = '\0';
	hb_str(&h, VIGIL_RPMTAG_LICENSE, licence);
	size_t bl = hb_blob(&h, blob);
	CHECK(bl > 486 && bl < 2 * 486);
	size_t len = make_bdb(db, 4, blob, bl);
	memset(&s, 0, sizeof(s));
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", db, len,
					  collect, &s, &skipped) == 0);
	CHECK(s.count == 1 && skipped == 0);
	CHECK_STR(s.names[0], "chained");
	/* the second overflow page points back at the first: a loop */
	put32(db + 512 * 3 + 16, 2);
	db[512 * 3 + 22] = 0, db[512 * 3 + 23] = 1;
	memset(&s, 0, sizeof(s));
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", db, len,
					  collect, &s, &skipped) == 0);
	CHECK(s.count == 0 && skipped == 1);
	/* a chain leaving the file */
	len = make_bdb(db, 4, blob, bl);
	put32(db + 512 * 2 + 16, 99);
	memset(&s, 0, sizeof(s));
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", db, len,
					  collect, &s, &skipped) == 0);
	CHECK(s.count == 0 && skipped == 1);
	/* a total length the file cannot hold */
	len = make_bdb(db, 4, blob, bl);
	put32(db + 512 + 512 - 17 + 8, 0xfffffff0u);
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", db, len,
					  collect, &s, &skipped) == 0);
	CHECK(skipped == 1);
	/* not a hash database at all */
	len = make_bdb(db, 4, blob, bl);
	db[25] = 9;
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", db, len,
					  NULL, NULL, NULL) == VIGIL_EFORMAT);
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

TEST(test_rpm__ndb_overlapping_slots_are_skipped)
{
	size_t len = 0;
	uint8_t *data = slurp(SHARED "ndb-sle15-bci/Packages.db", &len);
	seen s;
	unsigned skipped;
	if (!data)
		return;
	/* slot 3 names the same blocks as slot 2 */
	memcpy(data + 3 * 16 + 4, data + 2 * 16 + 4, 12);
	memset(&s, 0, sizeof(s));
	int rc = vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages.db", data,
					     len, collect, &s, &skipped);
	/* slot 3's blob names package 1, so it fails the head check or the overlap check */
	int ok = rc == 0 && s.count == 34 && skipped == 1;
	/* a slot page whose magic is wrong: rpm refuses the database */
	put32le(data + 5 * 16, 0);
	rc = vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages.db", data,
					 len, NULL, NULL, NULL);
	free(data);
	CHECK(ok);
	CHECK(rc == VIGIL_EFORMAT);
}

/* Serialises an in-memory sqlite database built by `sql` into *out (sqlite3_free). */
static size_t make_sqlite(uint8_t **out, const char *sql, const uint8_t *blob, size_t bl)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	sqlite3_int64 n = 0;
	*out = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 0;
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK && blob &&
	    sqlite3_prepare_v2(db, "INSERT INTO Packages(blob) VALUES (?)", -1, &st, NULL) ==
		    SQLITE_OK) {
		sqlite3_bind_blob(st, 1, blob, (int)bl, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	*out = sqlite3_serialize(db, "main", &n, 0);
	sqlite3_close(db);
	return *out ? (size_t)n : 0;
}

TEST(test_rpm__sqlite_refuses_views_and_reads_wal)
{
	uint8_t blob[20000], *db;
	hb h;
	seen s;
	unsigned skipped;
	hb_basic(&h, "sqlite-pkg");
	size_t bl = hb_blob(&h, blob);
	size_t n = make_sqlite(&db,
			       "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, "
			       "blob BLOB NOT NULL); INSERT INTO Packages(blob) VALUES (x'00');",
			       blob, bl);
	CHECK(n > 0);
	db[18] = db[19] = 2; /* as rpm leaves it: WAL mode */
	memset(&s, 0, sizeof(s));
	int rc = vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/rpmdb.sqlite", db,
					     n, collect, &s, &skipped);
	sqlite3_free(db);
	CHECK(rc == 0 && s.count == 1 && skipped == 1);
	CHECK_STR(s.names[0], "sqlite-pkg");
	CHECK_STR(s.versions[0], "1.0-1.el9");

	/* Packages as a view that would loop for ever */
	n = make_sqlite(&db,
			"CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
			"SELECT x + 1 FROM c) SELECT x AS blob FROM c",
			NULL, 0);
	CHECK(n > 0);
	rc = vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/rpmdb.sqlite", db, n,
					 NULL, NULL, NULL);
	sqlite3_free(db);
	CHECK(rc == VIGIL_EFORMAT);

	/* no Packages table; and a damaged file */
	n = make_sqlite(&db, "CREATE TABLE Other (x)", NULL, 0);
	CHECK(n > 0);
	rc = vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/rpmdb.sqlite", db, n,
					 NULL, NULL, NULL);
	CHECK(rc == VIGIL_EFORMAT);
	memset(db + 100, 0xff, n - 100);
	rc = vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/rpmdb.sqlite", db, n,
					 NULL, NULL, NULL);
	sqlite3_free(db);
	CHECK(rc == VIGIL_EFORMAT);
}

TEST(test_rpm__unknown_content_is_not_a_database)
{
	static const uint8_t junk[600] = "not a database";
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", junk,
					  sizeof(junk), NULL, NULL, NULL) == VIGIL_EFORMAT);
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", junk, 0,
					  NULL, NULL, NULL) == 0);
}
