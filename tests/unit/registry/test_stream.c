/* Blob streams: how much a stream holds for its consumer, against a small HTTP server on
 * 127.0.0.1 (a thread of the test) that writes the whole blob as fast as the socket takes
 * it while the consumer reads slowly. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../test.h"
#include "registry/registry.h"

#define BLOB_SIZE (6u << 20)

typedef struct srv {
	int fd, port;
	uint8_t *blob;
	char digest[72];
} srv;

/* Answers requests until the listening socket has been idle for 5 s (bounded). A TLS
 * hello (the --insecure-registry probe) gets a close; GET /v2/ and the blob get 200. */
static void *srv_main(void *arg)
{
	srv *s = arg;
	for (;;) {
		struct pollfd p = {s->fd, POLLIN, 0};
		if (poll(&p, 1, 5000) <= 0)
			return NULL;
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		for (;;) { /* keep-alive: requests on this connection */
			char req[4096];
			size_t n = 0;
			struct pollfd q = {c, POLLIN, 0};
			while (n < sizeof(req) - 1 && poll(&q, 1, 5000) > 0) {
				ssize_t k = read(c, req + n, sizeof(req) - 1 - n);
				if (k <= 0)
					break;
				n += (size_t)k;
				req[n] = '\0';
				if (strstr(req, "\r\n\r\n"))
					break;
			}
			req[n] = '\0';
			if (n == 0 || strncmp(req, "GET ", 4) != 0)
				break;
			char hdr[256];
			int blob = strstr(req, "/blobs/") != NULL;
			snprintf(hdr, sizeof(hdr),
				 "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n"
				 "Content-Type: application/octet-stream\r\n\r\n",
				 blob ? BLOB_SIZE : 2);
			if (write(c, hdr, strlen(hdr)) < 0)
				break;
			const uint8_t *body = blob ? s->blob : (const uint8_t *)"{}";
			size_t left = blob ? BLOB_SIZE : 2, off = 0;
			while (left) {
				ssize_t k = write(c, body + off, left);
				if (k <= 0)
					break;
				off += (size_t)k;
				left -= (size_t)k;
			}
		}
		close(c);
	}
}

TEST(test_registry__stream_holds_at_most_64k_and_curl_keeps_no_copy)
{
	srv s = {-1, 0, NULL, ""};
	struct sockaddr_in a = {0};
	socklen_t al = sizeof(a);
	pthread_t th;
	vigil_ctx *ctx = NULL;
	vigil_ref *ref = NULL;
	vigil_reg *reg = NULL;
	vigil_reg_stream *st = NULL;
	const char *why, *msg;
	char refs[128], host[64];
	size_t total = 0, biggest = 0;
	unsigned held = 0;
	int ok = 0, started = 0, error;

	CHECK((s.blob = malloc(BLOB_SIZE)) != NULL);
	for (size_t i = 0; i < BLOB_SIZE; i++) /* not compressible, not constant */
		s.blob[i] = (uint8_t)((i * 2654435761u) >> 13);
	if (vigil_sha256_buf(s.digest, s.blob, BLOB_SIZE) < 0)
		goto done;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s.fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(s.fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s.fd, 8) < 0 ||
	    getsockname(s.fd, (struct sockaddr *)&a, &al) < 0)
		goto done;
	s.port = ntohs(a.sin_port);
	if (pthread_create(&th, NULL, srv_main, &s) != 0)
		goto done;
	started = 1;
	snprintf(host, sizeof(host), "127.0.0.1:%d", s.port);
	snprintf(refs, sizeof(refs), "%s/r:1", host);
	const char *insecure[] = {host, NULL};
	vigil_registry_opts o = VIGIL_REGISTRY_OPTS_INIT;
	o.insecure = insecure;
	o.timeout_ms = 10000;
	if (vigil_ctx_new(&ctx) < 0 || vigil_ref_parse(&ref, refs, &why) < 0 ||
	    vigil_reg__new(&reg, ctx, ref, &o) < 0)
		goto done;
	if ((error = vigil_reg__stream_open(&st, reg, s.digest, BLOB_SIZE, 0)) < 0)
		goto done;
	for (;;) {
		const uint8_t *p;
		size_t n;
		if (vigil_reg__stream_read(st, &p, &n, &msg) < 0) {
			printf("  stream: %s\n", msg);
			goto done;
		}
		if (n == 0)
			break;
		if (memcmp(p, s.blob + total, n) != 0)
			goto done;
		total += n;
		if (n > biggest)
			biggest = n;
		usleep(2000); /* a slow consumer: the server is ahead, curl pauses */
	}
	held = vigil_reg__stream_held(st);
	ok = 1;
done:
	vigil_reg__stream_free(st);
	vigil_reg__free(reg);
	vigil_ref_free(ref);
	vigil_ctx_free(ctx);
	if (s.fd >= 0)
		shutdown(s.fd, SHUT_RDWR);
	if (started)
		pthread_join(th, NULL);
	if (s.fd >= 0)
		close(s.fd);
	free(s.blob);
	CHECK(ok);
	CHECK(total == BLOB_SIZE);
	/* one 64 KiB buffer per stream (a local layer is read through 256 KiB) */
	if (biggest > (64u << 10) || held)
		printf("  biggest chunk %zu bytes, %u chunks kept by curl\n", biggest, held);
	CHECK(biggest <= (64u << 10));
	CHECK(biggest >= (32u << 10)); /* and not tiny chunks either */
	/* the transfer paused before the buffer could overflow: curl never had to keep a
	 * copy of a chunk the buffer refused (that copy is another receive's worth) */
	CHECK(held == 0);
}

/* A server for one connection: reads the client's first bytes, answers `reply` (or
 * nothing) and closes. */
typedef struct once {
	int fd;
	const char *reply;
	size_t n;
	uint8_t got[512];
	size_t gotn;
} once;

static void *once_main(void *arg)
{
	once *o = arg;
	struct pollfd p = {o->fd, POLLIN, 0};
	if (poll(&p, 1, 5000) <= 0)
		return NULL;
	int c = accept(o->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	struct pollfd q = {c, POLLIN, 0};
	if (poll(&q, 1, 5000) > 0) {
		ssize_t k = read(c, o->got, sizeof(o->got));
		o->gotn = k > 0 ? (size_t)k : 0;
	}
	if (o->n && write(c, o->reply, o->n) < 0)
		o->n = 0;
	close(c);
	return NULL;
}

/* vigil_reg__probe_tls against a one-connection server answering `reply`. */
static int probe_with(const char *reply, size_t n, once *o)
{
	struct sockaddr_in a = {0};
	socklen_t al = sizeof(a);
	pthread_t th;
	char auth[64];
	int v = -2;
	memset(o, 0, sizeof(*o));
	o->reply = reply;
	o->n = n;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((o->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -2;
	if (bind(o->fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(o->fd, 1) == 0 &&
	    getsockname(o->fd, (struct sockaddr *)&a, &al) == 0 &&
	    pthread_create(&th, NULL, once_main, o) == 0) {
		snprintf(auth, sizeof(auth), "127.0.0.1:%d", ntohs(a.sin_port));
		v = vigil_reg__probe_tls(auth, 5000);
		pthread_join(th, NULL);
	}
	close(o->fd);
	return v;
}

TEST(test_registry__tls_probe_tells_tls_from_plain_http)
{
	once o;
	/* a TLS server: a handshake record, or an alert (no shared cipher) */
	CHECK(probe_with("\x16\x03\x03\x00\x02\x02\x00", 7, &o) == 1);
	CHECK(probe_with("\x15\x03\x03\x00\x02\x02\x28", 7, &o) == 1);
	/* what it sent is a TLS ClientHello record, with CR LF CR LF for line readers */
	CHECK(o.gotn > 9 && o.got[0] == 0x16 && o.got[1] == 0x03 && o.got[5] == 0x01);
	CHECK((size_t)((o.got[3] << 8) | o.got[4]) + 5 == o.gotn);
	CHECK(memmem(o.got, o.gotn, "\r\n\r\n", 4) != NULL);
	/* plain HTTP: an HTTP error, or a close without a word */
	CHECK(probe_with("HTTP/1.1 400 Bad Request\r\n\r\n", 28, &o) == 0);
	CHECK(probe_with(NULL, 0, &o) == 0);
	/* nobody there: undecided (the TLS client then tries and reports) */
	CHECK(vigil_reg__probe_tls("127.0.0.1:1", 2000) == -1);
	CHECK(vigil_reg__probe_tls("[::1", 2000) == -1);
}
