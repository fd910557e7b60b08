/*
 * Online update: each feed's upstream URL(s), downloaded with libcurl into a cache
 * directory next to the database. Feeds published as a git repository are fetched as
 * the codeload tarball of the default branch (its top folder, e.g.
 * "advisory-database-main/", is stripped by the importer like a mirror's); feeds
 * published as plain files (CISA KEV JSON, Alpine secdb JSON) are wrapped into
 * <feed>.tar.gz with a top folder <feed>/. Conditional requests (If-None-Match,
 * If-Modified-Since) from <cache>/<feed>.N.etag/.lastmod, so an unchanged feed answers
 * 304 and the cached copy is used. Timeouts (connect; no progress for a while), three
 * tries with backoff on transient errors, a size cap, HTTPS with verification, http and
 * https only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>

#include "fetch.h"

#define MAX_URLS 32
#define MAX_DOWNLOAD (2ULL << 30) /* per file */
#define TRIES 3

/* Where each feed comes from. A tarball feed has one URL; a file feed lists its files
 * with the member name each gets inside the archive. */
typedef struct {
	const char *feed;
	int tarball;
	const char *urls[MAX_URLS]; /* for file feeds: "member=URL" */
} upstream;

#define ALPINE(v)                                                                                  \
	"v" v "/main.json=https://secdb.alpinelinux.org/v" v "/main.json",                         \
		"v" v "/community.json=https://secdb.alpinelinux.org/v" v "/community.json"

#define OSV_ZIP(e) e "/all.zip=https://osv-vulnerabilities.storage.googleapis.com/" e "/all.zip"
#define NVD_BASE "https://nvd.nist.gov/feeds/json/cve/2.0/"
#define NVD_YEAR(y) "nvdcve-2.0-" y ".json.gz=" NVD_BASE "nvdcve-2.0-" y ".json.gz"

#define SUSE_OVAL(f) f ".gz=https://ftp.suse.com/pub/projects/security/oval/" f ".gz"
#define RHEL_OVAL(v)                                                                               \
	"RHEL" v "/rhel-" v ".oval.xml.bz2=https://access.redhat.com/security/data/oval/v2/RHEL" v \
	"/rhel-" v ".oval.xml.bz2"

static const upstream UPSTREAMS[] = {
	{"redhat-oval", 0, {RHEL_OVAL("7"), RHEL_OVAL("8"), RHEL_OVAL("9")}},
	{"oracle-oval",
	 0,
	 {"com.oracle.elsa-all.xml.bz2=https://linux.oracle.com/security/oval/"
	  "com.oracle.elsa-all.xml.bz2"}},
	{"suse-oval",
	 0,
	 {SUSE_OVAL("suse.linux.enterprise.server.12.xml"),
	  SUSE_OVAL("suse.linux.enterprise.server.15.xml"), SUSE_OVAL("opensuse.leap.15.5.xml"),
	  SUSE_OVAL("opensuse.leap.15.6.xml")}},
	{"rocky-osv",
	 0,
	 {"Rocky Linux/all.zip=https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/"
	  "all.zip"}},
	{"osv-distros",
	 0,
	 {OSV_ZIP("Debian"), OSV_ZIP("Ubuntu"), OSV_ZIP("Alpine"), OSV_ZIP("AlmaLinux"),
	  OSV_ZIP("SUSE"), OSV_ZIP("openSUSE"), OSV_ZIP("Wolfi")}},
	{"epss",
	 0,
	 {"epss_scores-current.csv.gz=https://epss.cyentia.com/epss_scores-current.csv.gz"}},
	{"osv",
	 0,
	 {OSV_ZIP("Maven"), OSV_ZIP("NuGet"), OSV_ZIP("npm"), OSV_ZIP("PyPI"), OSV_ZIP("crates.io"),
	  OSV_ZIP("Go"), OSV_ZIP("RubyGems"), OSV_ZIP("Packagist"), OSV_ZIP("Hex"),
	  OSV_ZIP("Pub")}},
	{"nvd", 0, {NVD_YEAR("2002"), NVD_YEAR("2003"), NVD_YEAR("2004"), NVD_YEAR("2005"),
		    NVD_YEAR("2006"), NVD_YEAR("2007"), NVD_YEAR("2008"), NVD_YEAR("2009"),
		    NVD_YEAR("2010"), NVD_YEAR("2011"), NVD_YEAR("2012"), NVD_YEAR("2013"),
		    NVD_YEAR("2014"), NVD_YEAR("2015"), NVD_YEAR("2016"), NVD_YEAR("2017"),
		    NVD_YEAR("2018"), NVD_YEAR("2019"), NVD_YEAR("2020"), NVD_YEAR("2021"),
		    NVD_YEAR("2022"), NVD_YEAR("2023"), NVD_YEAR("2024"), NVD_YEAR("2025"),
		    NVD_YEAR("2026")}},
	{"pypa-advisory-database",
	 1,
	 {"https://codeload.github.com/pypa/advisory-database/tar.gz/refs/heads/main"}},
	{"rustsec-advisory-db",
	 1,
	 {"https://codeload.github.com/rustsec/advisory-db/tar.gz/refs/heads/main"}},
	{"ruby-advisory-db",
	 1,
	 {"https://codeload.github.com/rubysec/ruby-advisory-db/tar.gz/refs/heads/master"}},
	{"php-security-advisories",
	 1,
	 {"https://codeload.github.com/FriendsOfPHP/security-advisories/tar.gz/refs/heads/master"}},
	{"nodejs-security-wg",
	 1,
	 {"https://codeload.github.com/nodejs/security-wg/tar.gz/refs/heads/main"}},
	{"ubuntu-osv",
	 1,
	 {"https://codeload.github.com/canonical/ubuntu-security-notices/tar.gz/refs/heads/main"}},
	{"golang-vulndb",
	 1,
	 {"https://codeload.github.com/golang/vulndb/tar.gz/refs/heads/master"}},
	{"almalinux-osv",
	 1,
	 {"https://codeload.github.com/AlmaLinux/osv-database/tar.gz/refs/heads/master"}},
	{"cisa-kev",
	 0,
	 {"known_exploited_vulnerabilities.json=https://www.cisa.gov/sites/default/files/feeds/"
	  "known_exploited_vulnerabilities.json"}},
	{"alpine-secdb",
	 0,
	 {ALPINE("3.12"), ALPINE("3.13"), ALPINE("3.14"), ALPINE("3.15"), ALPINE("3.16"),
	  ALPINE("3.17"), ALPINE("3.18"), ALPINE("3.19"), ALPINE("3.20"), ALPINE("3.21"),
	  ALPINE("3.22"), "edge/main.json=https://secdb.alpinelinux.org/edge/main.json",
	  "edge/community.json=https://secdb.alpinelinux.org/edge/community.json"}},
	{"wolfi-advisories",
	 1,
	 {"https://codeload.github.com/wolfi-dev/advisories/tar.gz/"
	  "244709c9529794d8102e1b5fba03ba0fb27e6957"}}, /* the last Apache-2.0 state */
	{"azurelinux-oval",
	 1,
	 {"https://codeload.github.com/microsoft/AzureLinuxVulnerabilityData/tar.gz/refs/heads/"
	  "main"}},
};

typedef struct {
	FILE *f;
	uint64_t written, cap;
	char etag[256], lastmod[128];
	long status;
	int over; /* the body went past the cap */
} transfer;

static size_t on_data(char *p, size_t size, size_t n, void *payload)
{
	transfer *t = payload;
	size_t len = size * n;
	if (t->written + len > t->cap) {
		t->over = 1;
		return 0; /* over the size cap: curl fails with a write error */
	}
	if (fwrite(p, 1, len, t->f) != len)
		return 0;
	t->written += len;
	return len;
}

/* Copies a response header's value (ETag, Last-Modified) when it is the one named. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t n)
{
	size_t k = strlen(name);
	if (len <= k || strncasecmp(line, name, k) != 0)
		return;
	line += k;
	len -= k;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	snprintf(out, n, "%.*s", (int)(len < n - 1 ? len : n - 1), line);
}

static size_t on_header(char *p, size_t size, size_t n, void *payload)
{
	transfer *t = payload;
	size_t len = size * n;
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0)
		t->etag[0] = t->lastmod[0] = '\0'; /* a new response (after a redirect) */
	header_value(p, len, "ETag:", t->etag, sizeof(t->etag));
	header_value(p, len, "Last-Modified:", t->lastmod, sizeof(t->lastmod));
	return len;
}

/* Reads a small text file (the cached ETag) into out; "" when missing. */
static void read_small(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "re");
	size_t r = 0;
	out[0] = '\0';
	if (f) {
		r = fread(out, 1, n - 1, f);
		fclose(f);
	}
	out[r] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
}

static int write_small(const char *path, const char *s)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	int bad = fputs(s, f) < 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Is this curl result or HTTP status worth another try? */
static int transient(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return status >= 500 || status == 429 || status == 408;
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
	       rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	       rc == CURLE_GOT_NOTHING || rc == CURLE_COULDNT_RESOLVE_HOST;
}

/* Downloads url into `dest` unless unchanged since the cached copy (then *fresh = 0).
 * The file is written to dest.part and renamed when complete. */
static int download_cap(vigil_ctx *ctx, const char *feed, const char *url, const char *dest,
			const vigil_db_update_opts *opts, uint64_t cap, const char *ca_file,
			int *fresh)
{
	char part[4200], etag_path[4200], lm_path[4200], etag[256], lastmod[128], hdr[512];
	int connect_timeout = opts->connect_timeout > 0 ? opts->connect_timeout : 15;
	int stall = opts->stall_timeout > 0 ? opts->stall_timeout : 30;
	int have_cached = access(dest, R_OK) == 0, error = 0;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode rc = CURLE_OK;
	transfer t;

	*fresh = 0;
	snprintf(part, sizeof(part), "%s.part", dest);
	snprintf(etag_path, sizeof(etag_path), "%s.etag", dest);
	snprintf(lm_path, sizeof(lm_path), "%s.lastmod", dest);
	read_small(etag_path, etag, sizeof(etag));
	read_small(lm_path, lastmod, sizeof(lastmod));
	for (int attempt = 1; attempt <= TRIES; attempt++) {
		CURL *c = curl_easy_init();
		struct curl_slist *headers = NULL;
		memset(&t, 0, sizeof(t));
		t.cap = cap;
		errbuf[0] = '\0';
		if (!c || !(t.f = fopen(part, "we"))) {
			if (c)
				curl_easy_cleanup(c);
			return vigil_error_set(ctx, VIGIL_EIO, "feed %s: cannot write %s: %s", feed,
					       part, strerror(errno));
		}
		if (have_cached && etag[0]) {
			snprintf(hdr, sizeof(hdr), "If-None-Match: %s", etag);
			headers = curl_slist_append(headers, hdr);
		}
		if (have_cached && lastmod[0]) {
			snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s", lastmod);
			headers = curl_slist_append(headers, hdr);
		}
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)connect_timeout);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)stall);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
		if (ca_file)
			curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* identity or gzip transfer */
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.status);
		curl_easy_cleanup(c);
		curl_slist_free_all(headers);
		if (fclose(t.f) != 0 && rc == CURLE_OK)
			rc = CURLE_WRITE_ERROR;
		if (rc == CURLE_OK && t.status == 304 && have_cached) {
			unlink(part);
			if (!opts->quiet)
				fprintf(stderr, "vigil: %s: not modified, using the cached copy\n",
					feed);
			return 0;
		}
		if (rc == CURLE_OK && t.status == 200) {
			if (rename(part, dest) < 0)
				return vigil_error_set(ctx, VIGIL_EIO,
						       "feed %s: cannot write %s: %s", feed, dest,
						       strerror(errno));
			/* a validator is kept only with the copy it describes */
			unlink(etag_path);
			unlink(lm_path);
			if (t.etag[0])
				write_small(etag_path, t.etag);
			if (t.lastmod[0])
				write_small(lm_path, t.lastmod);
			*fresh = 1;
			if (!opts->quiet)
				fprintf(stderr, "vigil: %s: downloaded %.1f MB\n", feed,
					(double)t.written / 1e6);
			return 0;
		}
		unlink(part);
		if (!transient(rc, t.status) || attempt == TRIES)
			break;
		if (!opts->quiet)
			fprintf(stderr, "vigil: %s: %s; retrying (%d of %d)\n", feed,
				rc != CURLE_OK ? curl_easy_strerror(rc) : "server error",
				attempt + 1, TRIES);
		sleep((unsigned)attempt); /* backoff: 1 s, 2 s */
	}
	if (rc == CURLE_OPERATION_TIMEDOUT)
		error = vigil_error_set(
			ctx, VIGIL_EIO,
			"feed %s: download of %s timed out (%s; no data for %d s or "
			"no connection in %d s), %d tries",
			feed, url, errbuf[0] ? errbuf : "timeout", stall, connect_timeout, TRIES);
	else if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR && t.over))
		error = vigil_error_set(ctx, VIGIL_ELIMIT,
					"%s: download of %s is larger than %llu bytes", feed, url,
					(unsigned long long)cap);
	else if (rc == CURLE_PARTIAL_FILE)
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"feed %s: download of %s is truncated (%s)", feed, url,
					errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (rc != CURLE_OK)
		error = vigil_error_set(ctx, VIGIL_EIO, "feed %s: download of %s failed: %s", feed,
					url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else
		error = vigil_error_set(ctx, VIGIL_EIO, "feed %s: download of %s failed: HTTP %ld",
					feed, url, t.status);
	return error;
}

static int download(vigil_ctx *ctx, const char *feed, const char *url, const char *dest,
		    const vigil_db_update_opts *opts, int *fresh)
{
	return download_cap(ctx, feed, url, dest, opts, MAX_DOWNLOAD, NULL, fresh);
}

/* Wraps downloaded files into <feed>.tar.gz with a top folder <feed>/. */
static int wrap(vigil_ctx *ctx, const char *feed, const char *archive_path,
		const char *const *members, const char *const *files, size_t n)
{
	char tmp[4200], name[1024], buf[65536];
	struct archive *a = archive_write_new();
	int error = 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", archive_path);
	if (!a)
		return VIGIL_ENOMEM;
	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		error = vigil_error_set(ctx, VIGIL_EIO, "feed %s: cannot write %s: %s", feed, tmp,
					archive_error_string(a));
		archive_write_free(a);
		return error;
	}
	for (size_t i = 0; i < n && error == 0; i++) {
		struct stat st;
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		struct archive_entry *e = archive_entry_new();
		if (fd < 0 || fstat(fd, &st) < 0 || !e) {
			error = vigil_error_set(ctx, VIGIL_EIO, "feed %s: cannot read %s", feed,
						files[i]);
		} else {
			snprintf(name, sizeof(name), "%s/%s", feed, members[i]);
			archive_entry_set_pathname(e, name);
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, st.st_size);
			if (archive_write_header(a, e) != ARCHIVE_OK)
				error = VIGIL_EIO;
			ssize_t r;
			while (error == 0 && (r = read(fd, buf, sizeof(buf))) > 0)
				if (archive_write_data(a, buf, (size_t)r) != r)
					error = VIGIL_EIO;
			if (error)
				vigil_error_set(ctx, VIGIL_EIO, "feed %s: cannot write %s: %s",
						feed, tmp, archive_error_string(a));
		}
		if (fd >= 0)
			close(fd);
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK && error == 0)
		error = vigil_error_set(ctx, VIGIL_EIO, "feed %s: cannot write %s", feed, tmp);
	archive_write_free(a);
	if (error == 0 && rename(tmp, archive_path) < 0)
		error = vigil_error_set(ctx, VIGIL_EIO, "feed %s: cannot write %s", feed,
					archive_path);
	if (error)
		unlink(tmp);
	return error;
}

/* The URL given for `feed` in "FEED=URL,..." (into out), or NULL. */
static const char * override(const char *urls, const char *feed, char *out, size_t n)
{
	size_t k = strlen(feed);
	for (const char *p = urls; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len > k && strncmp(p, feed, k) == 0 && p[k] == '=') {
			snprintf(out, n, "%.*s", (int)(len - k - 1), p + k + 1);
			return out;
		}
		p += len + (p[len] == ',');
	}
	return NULL;
}

/* The URL to fetch for a built-in upstream URL: the first "PREFIX=NEW" rule of `rules`
 * whose PREFIX starts it replaces that prefix (into out); else the URL itself. */
static const char *rewrite(const char *rules, const char *url, char *out, size_t n)
{
	for (const char *p = rules; p && *p;) {
		size_t len = strcspn(p, ","), k = strcspn(p, "=");
		if (k < len && k > 0 && strncmp(url, p, k) == 0) {
			snprintf(out, n, "%.*s%s", (int)(len - k - 1), p + k + 1, url + k);
			return out;
		}
		p += len + (p[len] == ',');
	}
	return url;
}

static int mkdirs(const char *dir)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Fetches one feed into <cache>/<feed>.tar.gz. */
static int fetch_feed(vigil_ctx *ctx, const char *cache, const vigil_feed *f,
		      const vigil_db_update_opts *opts)
{
	const upstream *up = NULL;
	char own[2048], archive_path[4096], files[MAX_URLS][4200], members[MAX_URLS][256];
	const char *mp[MAX_URLS], *fp[MAX_URLS];
	int fresh = 0, any_fresh = 0, error;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(UPSTREAMS); i++)
		if (strcmp(UPSTREAMS[i].feed, f->name) == 0)
			up = &UPSTREAMS[i];
	char mirrored[4200];
	const char *url = override(opts->urls, f->name, own, sizeof(own));
	if (!url && up && up->tarball)
		url = rewrite(opts->rewrite, up->urls[0], mirrored, sizeof(mirrored));
	snprintf(archive_path, sizeof(archive_path), "%s/%s.tar.gz", cache, f->name);
	if (!up && !url) {
		vigil_warn(ctx, "feed %s: no upstream download (%s); skipped", f->name,
			   f->upstream);
		unlink(archive_path); /* the import skips a feed missing from the directory */
		return 0;
	}
	if (!opts->quiet)
		fprintf(stderr, "vigil: %s: checking %s\n", f->name,
			url	      ? url
			: up->tarball ? up->urls[0]
				      : "its upstream files");
	/* an overriding URL replaces the feed's one file or tarball */
	if ((url && (!up || up->tarball)) || (!url && up->tarball))
		return download(ctx, f->name, url ? url : up->urls[0], archive_path, opts, &fresh);
	size_t count = 0;
	while (count < MAX_URLS && up->urls[count])
		count++;
	if (url)
		count = 1;
	for (size_t i = 0; i < count; i++) {
		const char *spec = up->urls[i], *eq = strchr(spec, '=');
		snprintf(members[i], sizeof(members[i]), "%.*s", (int)(eq - spec), spec);
		snprintf(files[i], sizeof(files[i]), "%s/%s.%zu", cache, f->name, i);
		const char *src =
			url ? url : rewrite(opts->rewrite, eq + 1, mirrored, sizeof(mirrored));
		if ((error = download(ctx, f->name, src, files[i], opts, &fresh)) < 0)
			return error;
		any_fresh |= fresh;
		mp[i] = members[i];
		fp[i] = files[i];
	}
	if (!any_fresh && access(archive_path, R_OK) == 0)
		return 0; /* every file unchanged: the archive made from them is current */
	return wrap(ctx, f->name, archive_path, mp, fp, count);
}

int vigil_vdb__fetch(vigil_ctx *ctx, const char *cache_dir, const vigil_feed *const *feeds,
		     size_t n, const vigil_db_update_opts *opts)
{
	int error = 0;
	if (mkdirs(cache_dir) < 0)
		return vigil_error_set(ctx, VIGIL_EIO, "db update: cannot create %s: %s", cache_dir,
				       strerror(errno));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vigil_error_set(ctx, VIGIL_EIO, "db update: libcurl cannot start");
	for (size_t i = 0; i < n && error == 0; i++)
		error = fetch_feed(ctx, cache_dir, feeds[i], opts);
	curl_global_cleanup();
	return error;
}

int vigil_vdb__download(vigil_ctx *ctx, const char *what, const char *url, const char *dest,
			const vigil_db_update_opts *opts)
{
	int fresh = 0, error;
	char dir[4096];
	const char *slash = strrchr(dest, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - dest) : 1, slash ? dest : ".");
	if (mkdirs(dir) < 0)
		return vigil_error_set(ctx, VIGIL_EIO, "db update: cannot create %s: %s", dir,
				       strerror(errno));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vigil_error_set(ctx, VIGIL_EIO, "db update: libcurl cannot start");
	error = download(ctx, what, url, dest, opts, &fresh);
	curl_global_cleanup();
	return error;
}

int vigil_vdb__download_ex(vigil_ctx *ctx, const char *what, const char *url, const char *dest,
			   const vigil_db_update_opts *opts, uint64_t cap, const char *ca_file,
			   int *fresh)
{
	int error;
	char dir[4096];
	const char *slash = strrchr(dest, '/');
	*fresh = 0;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - dest) : 1, slash ? dest : ".");
	if (mkdirs(dir) < 0)
		return vigil_error_set(ctx, VIGIL_EIO, "db update: cannot create %s: %s", dir,
				       strerror(errno));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vigil_error_set(ctx, VIGIL_EIO, "db update: libcurl cannot start");
	error = download_cap(ctx, what, url, dest, opts, cap ? cap : MAX_DOWNLOAD, ca_file, fresh);
	curl_global_cleanup();
	return error;
}
