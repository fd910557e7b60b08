/*
 * Does an --insecure-registry host speak TLS? Asked with a TLS ClientHello written here,
 * before curl's first request: a TLS server answers with a TLS record (a ServerHello or
 * an alert), a plain-HTTP server with an HTTP error or by closing. The answer is the
 * same as that of a failed TLS handshake, which this replaces: it never sends a request
 * in clear text to a host that may speak TLS, and a plain-HTTP registry is read without
 * setting up OpenSSL's TLS context at all (3-20 ms and about 0.9 MB of a scan's RSS,
 * BENCHMARKS.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "registry.h"

/* A TLS 1.2/1.3 ClientHello: common cipher suites and groups, the server name when the
 * host is a name (a server that routes by SNI answers as it would answer curl). Its random
 * holds CR LF CR LF so that a line-reading HTTP server sees a complete (bad) request and
 * answers at once. 0 when it does not fit in cap. */
static size_t client_hello(uint8_t *b, size_t cap, const char *sni)
{
	static const uint8_t suites[] = {0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b,
					 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9c};
	static const uint8_t ext[] = {
		0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, /* groups */
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, /* point formats */
		0x00, 0x0d, 0x00, 0x0e, 0x00, 0x0c, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
		0x05, 0x03, 0x08, 0x05, 0x08, 0x07,		      /* signature algorithms */
		0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03, /* versions 1.3, 1.2 */
	};
	static const char rnd[33] = "vigil tls probe\r\n\r\nvigil probe..";
	size_t sn = sni ? strlen(sni) : 0, n = 0, hs, body, exts;
	if (sn > 255 ||
	    cap < 5 + 4 + 2 + 32 + 1 + 2 + sizeof(suites) + 2 + 2 + 9 + sn + sizeof(ext))
		return 0;
	b[n++] = 0x16, b[n++] = 0x03, b[n++] = 0x01, n += 2; /* record, length later */
	hs = n;
	b[n++] = 0x01, n += 3; /* ClientHello, length later */
	body = n;
	b[n++] = 0x03, b[n++] = 0x03;
	memcpy(b + n, rnd, 32), n += 32;
	b[n++] = 0x00; /* no session id */
	b[n++] = 0x00, b[n++] = (uint8_t)sizeof(suites);
	memcpy(b + n, suites, sizeof(suites)), n += sizeof(suites);
	b[n++] = 0x01, b[n++] = 0x00; /* null compression */
	n += 2;			      /* extensions' length later */
	exts = n;
	if (sn) { /* server_name: one host_name */
		b[n++] = 0x00, b[n++] = 0x00, b[n++] = 0x00, b[n++] = (uint8_t)(sn + 5);
		b[n++] = 0x00, b[n++] = (uint8_t)(sn + 3), b[n++] = 0x00;
		b[n++] = 0x00, b[n++] = (uint8_t)sn;
		memcpy(b + n, sni, sn), n += sn;
	}
	memcpy(b + n, ext, sizeof(ext)), n += sizeof(ext);
	b[exts - 2] = (uint8_t)((n - exts) >> 8), b[exts - 1] = (uint8_t)(n - exts);
	b[hs - 2] = (uint8_t)((n - hs) >> 8), b[hs - 1] = (uint8_t)(n - hs);
	b[hs + 1] = 0, b[hs + 2] = (uint8_t)((n - body) >> 8), b[hs + 3] = (uint8_t)(n - body);
	return n;
}

static long ms_left(const struct timespec *end)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	long ms = (end->tv_sec - t.tv_sec) * 1000 + (end->tv_nsec - t.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

/* Connects to one address before `end`: the socket, or -1. */
static int connect_one(const struct addrinfo *ai, const struct timespec *end)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), e = 0;
	socklen_t el = sizeof(e);
	struct pollfd p;
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	p.fd = fd, p.events = POLLOUT, p.revents = 0;
	if (poll(&p, 1, (int)ms_left(end)) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

int vigil_reg__probe_tls(const char *authority, long timeout_ms)
{
	char host[300], port[8] = "443";
	const char *colon;
	size_t hn;
	struct addrinfo hints, *res = NULL;
	struct timespec end;
	uint8_t hello[512], first;
	struct in6_addr a6;
	int fd = -1, verdict = -1;
	size_t n;

	/* "host", "host:port", "[v6]", "[v6]:port" */
	if (authority[0] == '[') {
		const char *rb = strchr(authority, ']');
		if (!rb)
			return -1;
		hn = (size_t)(rb - authority - 1);
		if (hn >= sizeof(host))
			return -1;
		memcpy(host, authority + 1, hn);
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = strrchr(authority, ':');
		hn = colon ? (size_t)(colon - authority) : strlen(authority);
		if (hn >= sizeof(host))
			return -1;
		memcpy(host, authority, hn);
	}
	host[hn] = '\0';
	if (colon && snprintf(port, sizeof(port), "%s", colon + 1) >= (int)sizeof(port))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000)
		end.tv_sec++, end.tv_nsec -= 1000000000;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, &end);
	freeaddrinfo(res);
	/* no SNI for an address (RFC 6066) */
	int literal = inet_pton(AF_INET, host, &a6) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
	if (fd < 0 || !(n = client_hello(hello, sizeof(hello), literal ? NULL : host)) ||
	    send(fd, hello, n, MSG_NOSIGNAL) != (ssize_t)n)
		goto done;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int k = poll(&p, 1, (int)ms_left(&end));
		if (k < 0 && errno == EINTR)
			continue;
		if (k != 1)
			goto done; /* no answer in time: let the TLS client find out */
		ssize_t r = recv(fd, &first, 1, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == 1)
			verdict = first == 0x16 || first == 0x15; /* handshake or alert */
		else
			verdict = 0; /* closed or reset without a TLS record */
		break;
	}
done:
	if (fd >= 0)
		close(fd);
	return verdict;
}
