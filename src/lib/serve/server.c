/*
 * server.c - `vigil serve` on libmicrohttpd: request bodies gathered into a capped
 * buffer (no PostProcessor), limits on headers, connections and idle time, TLS when
 * configured, then api.c answers. Also the start and stop of the whole server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/admission.h"
#include "serve/internal.h"
#include "util/util.h"

int vigil_serve__load_engine(vigil_server *srv, char *msg, size_t msglen);

typedef struct conn_req {
	vigil_buf body;
	int too_large, answered;
	struct timespec t0;
} conn_req;

static const char *query_arg(void *payload, const char *name)
{
	return MHD_lookup_connection_value(payload, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result respond_h(struct MHD_Connection *c, int status, char *body, const char *type,
				 int close_conn, const char *refresh_after);

static enum MHD_Result respond(struct MHD_Connection *c, int status, char *body, const char *type,
			       int close_conn)
{
	return respond_h(c, status, body, type, close_conn, NULL);
}

static enum MHD_Result respond_h(struct MHD_Connection *c, int status, char *body, const char *type,
				 int close_conn, const char *refresh_after)
{
	const char *b = body ? body : "{\"error\":{\"message\":\"out of memory\"}}";
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(b), (void *)b, body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	if (close_conn)
		MHD_add_response_header(r, "Connection", "close");
	if (refresh_after)
		MHD_add_response_header(r, "Refresh-After", refresh_after);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A built-in web file of the dashboard with its security and caching headers; 304 when
 * the client's If-None-Match names the current ETag. */
static enum MHD_Result respond_asset(struct MHD_Connection *c, const vigil_serve_asset *a,
				     int *status)
{
	const char *inm =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	int fresh = inm && strstr(inm, a->etag);
	struct MHD_Response *r = MHD_create_response_from_buffer(
		fresh ? 0 : a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	*status = fresh ? 304 : 200;
	MHD_add_response_header(r, "Content-Type", a->type);
	MHD_add_response_header(r, "ETag", a->etag);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; "
				"img-src 'self' data:; connect-src 'self'; object-src 'none'; "
				"base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)*status, r);
	MHD_destroy_response(r);
	return ret;
}

static void log_request(struct MHD_Connection *c, const char *method, const char *url, int status,
			const struct timespec *t0)
{
	char ip[64] = "?", st[8], ms[32];
	struct timespec t1;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip,
			  sizeof(ip));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(st, sizeof(st), "%d", status);
	snprintf(ms, sizeof(ms), "%.3f",
		 (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6);
	/* the path only: never the query or a header (tokens) */
	char path[256];
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(url, "?"), url);
	vigil_serve__log("info", "request", "method", method, "path", path, "status", st, "client",
			 ip, "ms", ms, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	vigil_server *srv = cls;
	conn_req *r = *con_cls;
	(void)version;
	if (!r) {
		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		r->body.limit = srv->o.max_body;
		*con_cls = r;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		uint64_t n = 0;
		if (cl && (vigil_parse_uint(&n, cl, UINT64_MAX) < 0 || n > srv->o.max_body)) {
			r->too_large = r->answered = 1;
			char *b = strdup("{\"error\":{\"message\":\"request body too large\"}}");
			log_request(c, method, url, 413, &r->t0);
			return respond(c, 413, b, "application/json", 1);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_large && vigil_buf_put(&r->body, upload_data, *upload_data_size) < 0)
			r->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	const vigil_serve_asset *asset;
	if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
	    (asset = vigil_serve__asset(url))) {
		int st = 500;
		enum MHD_Result ret = respond_asset(c, asset, &st);
		log_request(c, method, url, st, &r->t0);
		return ret;
	}
	vigil_buf_cstr(&r->body);
	vigil_serve_req req = {
		method,
		url,
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		query_arg,
		c,
		(const char *)r->body.data,
		r->body.len,
		r->too_large};
	int status = 500;
	char *out = NULL;
	const char *type = "application/json";
	req.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	req.api_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-ScannerAdapter-API-Key");
	req.conn = c;
	if (!strncmp(url, "/harbor/", 8)) {
		vigil_harbor_resp hr;
		vigil_serve__harbor(srv, &req, &hr);
		log_request(c, method, url, hr.status, &r->t0);
		return respond_h(c, hr.status, hr.body, hr.content_type, r->too_large,
				 hr.refresh_after);
	}
	vigil_serve__handle(srv, &req, &status, &out, &type);
	log_request(c, method, url, status, &r->t0);
	return respond(c, status, out, type, r->too_large);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	conn_req *r = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (r) {
		vigil_buf_free(&r->body);
		free(r);
	}
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	vigil_serve__log("warning", "http", "detail", msg, NULL);
}

/* Reads a whole PEM file (a regular file of at most 1 MiB: a FIFO never blocks) into a
 * NUL-terminated buffer; NULL with errno set (EFBIG when larger). */
static char *read_pem(const char *path)
{
	FILE *f = vigil_fopen_regular(path);
	vigil_buf b = VIGIL_BUF_INIT;
	int error;
	if (!f)
		return NULL;
	b.limit = 1 << 20;
	error = vigil_buf_fread_all(&b, f);
	fclose(f);
	if (error == 0)
		error = vigil_buf_cstr(&b);
	if (error < 0) {
		vigil_buf_free(&b);
		errno = error == VIGIL_ELIMIT ? EFBIG : error == VIGIL_ENOMEM ? ENOMEM : EIO;
		return NULL;
	}
	return (char *)b.data;
}

static int parse_listen(struct sockaddr_in *sa, const char *s)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	uint64_t port;
	if (!colon || (size_t)(colon - s) >= sizeof(host) ||
	    vigil_parse_uint(&port, colon + 1, 65535) < 0)
		return VIGIL_EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
		return VIGIL_EINVAL;
	return 0;
}

static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

/* vigil_store_on_job's callback: a job was queued somewhere. */
static void wake_workers(void *payload)
{
	vigil_serve__kick(payload);
}

int vigil_serve_run(const vigil_serve_opts *opts, char *err, size_t errlen)
{
	vigil_server *srv = NULL;
	struct MHD_Daemon *d = NULL;
	struct sockaddr_in sa;
	pthread_t *threads = NULL, deliverer, scheduler;
	int nthreads = 0, have_deliverer = 0, have_scheduler = 0, lockfd = -1, error = 0;
	char *cert = NULL, *key = NULL, *client_ca = NULL, path[4200], msg[600];

	err[0] = '\0';
	if ((!opts->data_dir && !opts->store) || !opts->db_path)
		return errf(err, errlen, VIGIL_EINVAL,
			    "--data (or --store) and a database path are required");
	if (parse_listen(&sa, opts->listen) < 0)
		return errf(err, errlen, VIGIL_EINVAL, "--listen wants IPV4:PORT, not '%s'",
			    opts->listen);
	if (!opts->tls_cert != !opts->tls_key)
		return errf(err, errlen, VIGIL_EINVAL, "--tls-cert and --tls-key go together");
	if (!(srv = calloc(1, sizeof(*srv))))
		return errf(err, errlen, VIGIL_ENOMEM, "out of memory");
	srv->o = *opts;
	pthread_rwlock_init(&srv->engine_lock, NULL);
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->work, NULL);
	pthread_cond_init(&srv->deliver, NULL);
	pthread_cond_init(&srv->sched, NULL);
	if ((error = vigil_serve__rcache_new(srv)) < 0) {
		error = errf(err, errlen, error, "out of memory");
		goto done;
	}
	if (opts->images_dir && !realpath(opts->images_dir, srv->images_real)) {
		error = errf(err, errlen, VIGIL_EINVAL, "--images-dir %s: %s", opts->images_dir,
			     strerror(errno));
		goto done;
	}
	if ((error = vigil_store_open(&srv->store, opts->store ? opts->store : opts->data_dir)) <
	    0) {
		errf(err, errlen, error, "%s", vigil_store_error());
		goto done;
	}
	int requeued = 0;
	if (vigil_store_shared(srv->store)) {
		/* several servers share it: running jobs are leased, not orphans (postgres.md) */
		vigil_store_tuning tu = VIGIL_STORE_TUNING_INIT;
		tu.lease = opts->lease ? opts->lease : tu.lease;
		tu.backoff = opts->backoff ? opts->backoff : tu.backoff;
		tu.max_attempts = opts->max_attempts ? opts->max_attempts : tu.max_attempts;
		tu.retention = opts->job_retention ? opts->job_retention : tu.retention;
		vigil_store_tune(srv->store, &tu);
		goto opened;
	}
	/* one server per data directory: its jobs marked running are then truly orphans */
	snprintf(path, sizeof(path), "%s/lock", opts->data_dir);
	if ((lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		error = errf(err, errlen, VIGIL_EIO, "another vigil serve uses %s", opts->data_dir);
		goto done;
	}
	requeued = vigil_store_job_requeue_running(srv->store);
opened:
	if (requeued > 0) {
		char nb[32];
		snprintf(nb, sizeof(nb), "%d", requeued);
		vigil_serve__log("warning", "requeued jobs of a previous run", "jobs", nb, NULL);
	}
	if ((error = vigil_ctx_new(&srv->ctx)) < 0) {
		errf(err, errlen, error, "out of memory");
		goto done;
	}
	if (opts->role != VIGIL_SERVE_ROLE_API &&
	    vigil_serve__load_engine(srv, msg, sizeof(msg)) < 0)
		vigil_serve__log("warning", "no vulnerability database loaded yet", "error", msg,
				 NULL);
	if ((error = vigil_serve__admission_new(&srv->adm, srv, opts->admission_policy, msg,
						sizeof(msg))) < 0) {
		errf(err, errlen, error, "%s", msg);
		goto done;
	}
	if (opts->admission_policy && !opts->tls_cert)
		vigil_serve__log("warning", "POST /k8s/admission needs TLS (--tls-cert, --tls-key)",
				 NULL);
	if (opts->tls_cert && (!(cert = read_pem(opts->tls_cert)) ||
			       !(key = read_pem(opts->tls_key ? opts->tls_key : "")))) {
		const char *which = cert ? "key" : "certificate";
		error = errf(err, errlen, VIGIL_EIO, "cannot read the TLS %s %s: %s", which,
			     cert ? opts->tls_key : opts->tls_cert,
			     errno == EFBIG ? "larger than 1 MiB" : vigil_open_strerror(errno));
		goto done;
	}
	/* admission.c checks the client certificate the TLS layer asks for (admission_tls.c) */
	if (opts->admission_client_ca &&
	    (!cert || !(client_ca = read_pem(opts->admission_client_ca)))) {
		error = errf(err, errlen, VIGIL_EINVAL,
			     cert ? "cannot read --admission-client-ca %s"
				  : "--admission-client-ca %s needs --tls-cert and --tls-key",
			     opts->admission_client_ca);
		goto done;
	}
	/* with TLS, poll(): libmicrohttpd 0.9.75's epoll loop calls gnutls_handshake about
	 * 240 times per connection while the handshake waits for the client (measured: 1.7
	 * ms of CPU per connection, 0.34 ms with poll; docs/admission.md) */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | (cert ? MHD_USE_POLL : MHD_USE_EPOLL);
	if (cert)
		flags |= MHD_USE_TLS;
	/* TLS 1.2 and 1.3 only, AEAD ciphers, AES-128-GCM first by the server's choice: its
	 * TLS 1.3 suite hashes the handshake with SHA-256, which nettle runs on the CPU's
	 * SHA instructions (SHA-384 of AES-256-GCM has none); docs/admission.md */
	static const char tls_priority[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
					   "-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:"
					   "+GROUP-SECP384R1:-CIPHER-ALL:+AES-128-GCM:"
					   "+CHACHA20-POLY1305:+AES-256-GCM:%SERVER_PRECEDENCE";
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)tls_priority},
		{client_ca ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, client_ca},
		{MHD_OPTION_END, 0, NULL},
	};
	d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &sa,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)opts->conn_timeout, MHD_OPTION_CONNECTION_LIMIT, opts->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, opts->max_conns_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, opts->max_header, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)opts->http_threads, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
		MHD_OPTION_ARRAY, cert ? tls_opts : tls_opts + 4, MHD_OPTION_END);
	if (!d) {
		error = errf(err, errlen, VIGIL_EIO,
			     "cannot listen on %s (in use, or a bad TLS "
			     "certificate?)",
			     opts->listen);
		goto done;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : 0;
	if (opts->port_file) {
		char tmpf[4200];
		snprintf(tmpf, sizeof(tmpf), "%s.tmp", opts->port_file);
		FILE *pf = fopen(tmpf, "w");
		if (!pf || fprintf(pf, "%u\n", port) < 0 || fclose(pf) != 0 ||
		    rename(tmpf, opts->port_file) < 0) {
			error = errf(err, errlen, VIGIL_EIO, "cannot write %s", opts->port_file);
			goto done;
		}
	}
	int nworkers = opts->role == VIGIL_SERVE_ROLE_API ? 0 : opts->workers;
	/* idle workers wake when any server queues a job (PostgreSQL NOTIFY); their poll
	 * (--poll) stays as the fallback */
	if (nworkers > 0 && vigil_store_on_job(srv->store, wake_workers, srv) < 0)
		vigil_serve__log("warning", "no job notifications, the workers poll", "error",
				 vigil_store_error(), NULL);
	if (!(threads = calloc((size_t)nworkers + 1, sizeof(*threads)))) {
		error = errf(err, errlen, VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	for (; nthreads < nworkers; nthreads++)
		if (pthread_create(&threads[nthreads], NULL, vigil_serve__worker, srv) != 0) {
			error = errf(err, errlen, VIGIL_ENOMEM, "cannot start workers");
			goto done;
		}
	if (opts->role != VIGIL_SERVE_ROLE_API) {
		if (pthread_create(&deliverer, NULL, vigil_serve__deliverer, srv) != 0) {
			error = errf(err, errlen, VIGIL_ENOMEM, "cannot start the deliverer");
			goto done;
		}
		have_deliverer = 1;
		if (pthread_create(&scheduler, NULL, vigil_serve__scheduler, srv) != 0) {
			error = errf(err, errlen, VIGIL_ENOMEM, "cannot start the scheduler");
			goto done;
		}
		have_scheduler = 1;
	}
	char pb[16], wb[16];
	snprintf(pb, sizeof(pb), "%u", port);
	snprintf(wb, sizeof(wb), "%d", nworkers);
	vigil_serve__log("info", "listening", "address", opts->listen, "port", pb, "tls",
			 cert ? "yes" : "no", "workers", wb, "store",
			 vigil_store_shared(srv->store) ? "postgres" : "sqlite", "role",
			 opts->role == VIGIL_SERVE_ROLE_API	 ? "api"
			 : opts->role == VIGIL_SERVE_ROLE_WORKER ? "worker"
								 : "all",
			 NULL);

	sigset_t set;
	int sig = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigwait(&set, &sig);
	vigil_serve__log("info", "stopping", "signal", sig == SIGINT ? "INT" : "TERM", NULL);
done:
	if (d)
		MHD_stop_daemon(d);
	pthread_mutex_lock(&srv->mu);
	srv->stop = 1;
	pthread_cond_broadcast(&srv->work);
	pthread_cond_broadcast(&srv->deliver);
	pthread_cond_broadcast(&srv->sched);
	pthread_mutex_unlock(&srv->mu);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	if (have_deliverer)
		pthread_join(deliverer, NULL);
	if (have_scheduler)
		pthread_join(scheduler, NULL);
	/* jobs a worker left running when stopping are requeued at the next start */
	free(threads);
	vigil_serve__harbor_free(srv);
	vigil_serve__admission_free(srv->adm);
	vigil_engine_free(srv->engine);
	vigil_ctx_free(srv->ctx);
	vigil_store_free(srv->store);
	vigil_serve__rcache_free(srv);
	if (lockfd >= 0)
		close(lockfd);
	pthread_rwlock_destroy(&srv->engine_lock);
	pthread_mutex_destroy(&srv->mu);
	pthread_cond_destroy(&srv->work);
	pthread_cond_destroy(&srv->deliver);
	pthread_cond_destroy(&srv->sched);
	free(srv);
	free(cert);
	free(key);
	free(client_ca);
	return error;
}
