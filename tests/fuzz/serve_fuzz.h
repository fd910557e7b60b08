/* Shared by the `vigil serve` fuzzers (fuzz_serve_api, fuzz_serve_dashboard): a server
 * over a store in a temporary directory (SERVE_FUZZ_DIR, a mkdtemp template, defined
 * before this header), removed at exit; the query-string reader the handlers are given;
 * the input's first line and the token its selector byte chooses. */
#ifndef VIGIL_SERVE_FUZZ_H
#define VIGIL_SERVE_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/internal.h"

static vigil_server srv;
static char dir[] = SERVE_FUZZ_DIR;

static void cleanup(void)
{
	char cmd[128];
	vigil_store_free(srv.store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* the store in dir (-1 when it cannot be made) */
static int store_open(void)
{
	return !mkdtemp(dir) || vigil_store_open(&srv.store, dir) < 0 ? -1 : 0;
}

/* the server's options and locks, once the store is filled */
static void server_init(void)
{
	vigil_serve_opts o = VIGIL_SERVE_OPTS_INIT;
	o.data_dir = dir;
	o.db_path = "/nonexistent/vigil.db";
	srv.o = o;
	pthread_mutex_init(&srv.mu, NULL);
	pthread_cond_init(&srv.work, NULL);
	pthread_cond_init(&srv.deliver, NULL);
	pthread_cond_init(&srv.sched, NULL);
	pthread_rwlock_init(&srv.engine_lock, NULL);
	atexit(cleanup);
}

/* The value of `name` in the query string (payload), copied into a static buffer. */
static const char *arg(void *payload, const char *name)
{
	static char val[256];
	const char *q = payload;
	size_t n = strlen(name);
	while (q && *q) {
		size_t len = strcspn(q, "&");
		if (len > n && !strncmp(q, name, n) && q[n] == '=') {
			size_t vl = len - n - 1 < sizeof(val) - 1 ? len - n - 1 : sizeof(val) - 1;
			memcpy(val, q + n + 1, vl);
			val[vl] = '\0';
			return val;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return NULL;
}

/* The input's first line into line (cap bytes), when a selector byte follows it and the
 * line holds no NUL (the HTTP library never hands one over); the newline, or NULL. */
static const uint8_t *request_line(const uint8_t *data, size_t size, char *line, size_t cap)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl || (size_t)(nl - data) >= cap || (size_t)(nl - data) + 2 > size)
		return NULL;
	memcpy(line, data, (size_t)(nl - data));
	line[nl - data] = '\0';
	return strlen(line) == (size_t)(nl - data) ? nl : NULL;
}

/* The Authorization header the selector byte chooses: '0' none, '1'.. one of the n
 * tokens, any other byte a well-formed unknown token. */
static const char *auth_header(char *authz, size_t cap, uint8_t sel, char (*tokens)[72], int n)
{
	if (sel == '0')
		return NULL;
	if (sel >= '1' && sel < '1' + n)
		snprintf(authz, cap, "Bearer %s", tokens[sel - '1']);
	else
		snprintf(authz, cap, "Bearer vgl_%02x", sel);
	return authz;
}

#endif
