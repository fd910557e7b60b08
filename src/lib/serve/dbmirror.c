/*
 * The server's database source (--db-from): a local mirror directory of feed archives
 * (vigil db update --from), or the URL of a database bundle on an HTTP(S) mirror (the
 * file `vigil db export` writes; its signature, when --db-key pins a public key, at
 * URL.sig). The bundle is fetched conditionally (If-None-Match / If-Modified-Since from
 * the last copy, kept under <db>.mirror/), so an unchanged mirror costs one request and
 * is reported as unchanged (no import, no re-evaluation); a mirror without validators
 * that sends the same bytes again (same SHA-256 as the bundle imported last) is
 * unchanged too. A new bundle is verified
 * (signature, then size, checksum and schema by vigil_db_import) and imported
 * atomically; any failure keeps the current database and forgets the downloaded copy
 * so the next update fetches it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "serve/internal.h"
#include "util/util.h"
#include "vulndb/fetch.h"

#define BUNDLE_MAX_DEFAULT (1ULL << 30)

static pthread_mutex_t mirror_mu = PTHREAD_MUTEX_INITIALIZER;

int vigil_serve__db_from_url(const char *from)
{
	return from && (!strncmp(from, "http://", 7) || !strncmp(from, "https://", 8));
}

const char *vigil_serve__db_from_display(const char *from, char *buf, size_t len)
{
	const char *host = from ? strstr(from, "://") : NULL;
	if (!host)
		return from ? from : "";
	host += 3;
	const char *at = memchr(host, '@', strcspn(host, "/?#"));
	if (!at)
		return from;
	snprintf(buf, len, "%.*s***%s", (int)(host - from), from, at);
	return buf;
}

static void forget(const char *path)
{
	char p[4400];
	unlink(path);
	snprintf(p, sizeof(p), "%s.etag", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lastmod", path);
	unlink(p);
}

/* "sha256:<hex>" of a file into out (72 bytes); -1 when it cannot be read. */
static int file_sha256(const char *path, char out[72])
{
	char buf[1 << 16];
	vigil_sha256 *h = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || vigil_sha256_new(&h) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		vigil_sha256_update(h, buf, (size_t)n);
	close(fd);
	vigil_sha256_final(h, out);
	vigil_sha256_free(h);
	return n < 0 ? -1 : 0;
}

static void read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	out[0] = '\0';
	if (f) {
		if (!fgets(out, (int)len, f))
			out[0] = '\0';
		fclose(f);
	}
	out[strcspn(out, "\r\n")] = '\0';
}

static void write_line(const char *path, const char *s)
{
	char tmp[4400];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return;
	int bad = fprintf(f, "%s\n", s) < 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) < 0)
		unlink(tmp);
}

static int from_url(vigil_server *srv, vigil_ctx *ctx, int *changed)
{
	char bundle[4200], sig[4300], sig_url[4200], done[4300], was[80], now[72];
	const char *url = srv->o.db_from;
	uint64_t cap = srv->o.db_max_bytes ? srv->o.db_max_bytes : BUNDLE_MAX_DEFAULT;
	vigil_db_update_opts uo = VIGIL_DB_UPDATE_OPTS_INIT;
	int fresh = 0, error;

	uo.quiet = 1;
	if (strchr(url, '@'))
		return vigil_error_set(ctx, VIGIL_EINVAL,
				       "--db-from: credentials in the URL are not supported");
	if (snprintf(bundle, sizeof(bundle), "%s.mirror/bundle.vigildb", srv->o.db_path) >=
		    (int)sizeof(bundle) ||
	    snprintf(sig_url, sizeof(sig_url), "%s.sig", url) >= (int)sizeof(sig_url))
		return vigil_error_set(ctx, VIGIL_EINVAL, "--db-from: the URL or path is too long");
	snprintf(sig, sizeof(sig), "%s.sig", bundle);
	snprintf(done, sizeof(done), "%s.imported", bundle);
	/* a database removed since the last import: fetch the bundle again */
	if (access(srv->o.db_path, R_OK) != 0) {
		forget(bundle);
		unlink(done);
	}
	if ((error = vigil_vdb__download_ex(ctx, "database bundle", url, bundle, &uo, cap,
					    srv->o.ca_file, &fresh)) < 0) {
		forget(bundle);
		return error;
	}
	if (!fresh)
		return 0; /* 304: the database already holds this bundle */
	/* a mirror without validators sends the same bundle again: same SHA-256 as the one
	 * imported last, nothing to do */
	read_line(done, was, sizeof(was));
	if (file_sha256(bundle, now) < 0) {
		forget(bundle);
		return vigil_error_set(ctx, VIGIL_EIO, "--db-from: cannot read %s", bundle);
	}
	if (was[0] && !strcmp(was, now))
		return 0;
	if (srv->o.db_key) {
		forget(sig); /* the signature of this bundle, never a cached one */
		if ((error = vigil_vdb__download_ex(ctx, "database bundle signature", sig_url, sig,
						    &uo, 64 << 10, srv->o.ca_file, &fresh)) < 0 ||
		    (error = vigil_db_bundle_verify(ctx, bundle, sig, srv->o.db_key)) < 0)
			goto failed;
	}
	unlink(done);
	if ((error = vigil_db_import(ctx, bundle, srv->o.db_path)) < 0)
		goto failed;
	write_line(done, now);
	*changed = 1;
	return 0;
failed:
	forget(bundle);
	forget(sig);
	return error;
}

int vigil_serve__db_update(vigil_server *srv, vigil_ctx *ctx, int *changed)
{
	int error;
	*changed = 0;
	if (!srv->o.db_from)
		return vigil_error_set(ctx, VIGIL_EINVAL, "the server has no --db-from source");
	pthread_mutex_lock(&mirror_mu);
	if (vigil_serve__db_from_url(srv->o.db_from)) {
		error = from_url(srv, ctx, changed);
	} else {
		vigil_db_update_opts uo = VIGIL_DB_UPDATE_OPTS_INIT;
		uo.from = srv->o.db_from;
		uo.quiet = 1;
		error = vigil_db_update(ctx, srv->o.db_path, &uo);
		*changed = error == 0;
	}
	pthread_mutex_unlock(&mirror_mu);
	return error;
}
