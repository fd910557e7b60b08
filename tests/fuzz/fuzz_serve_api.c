/* Fuzzes the request handling of `vigil serve` (routing, authentication, bodies, query
 * arguments) against a store in a temporary directory. Input: "METHOD PATH[?QUERY]\n",
 * one byte choosing the token (0 none, 1 read, 2 scan, 3 admin, else garbage), "\n",
 * then the body. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vigil_server srv;
static char tokens[3][72];
static char dir[] = "/tmp/vigil-fuzz-serve-XXXXXX";

static void cleanup(void)
{
	char cmd[128];
	vigil_store_free(srv.store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static int setup(void)
{
	static const unsigned scopes[3] = {VIGIL_SCOPE_READ, VIGIL_SCOPE_SCAN, VIGIL_SCOPE_ADMIN};
	/* one name each: a token added under an existing name replaces it */
	static const char *const names[3] = {"read", "scan", "admin"};
	vigil_serve_opts o = VIGIL_SERVE_OPTS_INIT;
	if (!mkdtemp(dir) || vigil_store_open(&srv.store, dir) < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (vigil_store_token_add(srv.store, tokens[i], names[i], scopes[i]) < 0)
			return -1;
	o.data_dir = dir;
	o.db_path = "/nonexistent/vigil.db";
	srv.o = o;
	pthread_mutex_init(&srv.mu, NULL);
	pthread_cond_init(&srv.work, NULL);
	pthread_cond_init(&srv.deliver, NULL);
	pthread_cond_init(&srv.sched, NULL);
	pthread_rwlock_init(&srv.engine_lock, NULL);
	atexit(cleanup);
	return 0;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char line[2048], authz[100];
	if (!ready) {
		if (setup() < 0)
			abort();
		ready = 1;
	}
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl || (size_t)(nl - data) >= sizeof(line) || (size_t)(nl - data) + 2 > size)
		return 0;
	memcpy(line, data, (size_t)(nl - data));
	line[nl - data] = '\0';
	if (strlen(line) != (size_t)(nl - data))
		return 0; /* MHD never hands a NUL inside the request line */
	uint8_t sel = nl[1];
	const char *body = (const char *)nl + 2;
	size_t blen = size - (size_t)(nl - data) - 2;
	if (blen && body[0] == '\n') {
		body++;
		blen--;
	}
	char *sp = strchr(line, ' ');
	if (!sp)
		return 0;
	*sp = '\0';
	char *path = sp + 1, *query = strchr(path, '?');
	if (query)
		*query++ = '\0';
	const char *auth = NULL;
	if (sel >= '1' && sel <= '3') {
		snprintf(authz, sizeof(authz), "Bearer %s", tokens[sel - '1']);
		auth = authz;
	} else if (sel != '0') {
		snprintf(authz, sizeof(authz), "Bearer vgl_%02x", sel);
		auth = authz;
	}
	char *copy = malloc(blen + 1);
	if (!copy)
		return 0;
	memcpy(copy, body, blen);
	copy[blen] = '\0';
	vigil_serve_req req = {line, path, auth, arg, query, copy, blen, blen > 65536};
	int status = 0;
	char *out = NULL;
	const char *type = NULL;
	vigil_serve__handle(&srv, &req, &status, &out, &type);
	if (status < 200 || status > 599 || !out || !type)
		abort();
	free(out);
	free(copy);
	return 0;
}
