/* Fuzzes the request handling of `vigil serve` (routing, authentication, bodies, query
 * arguments) against a store in a temporary directory. Input: "METHOD PATH[?QUERY]\n",
 * one byte choosing the token (0 none, 1 read, 2 scan, 3 admin, else garbage), "\n",
 * then the body. */
#define SERVE_FUZZ_DIR "/tmp/vigil-fuzz-serve-XXXXXX"
#include "serve_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tokens[3][72];

static int setup(void)
{
	static const unsigned scopes[3] = {VIGIL_SCOPE_READ, VIGIL_SCOPE_SCAN, VIGIL_SCOPE_ADMIN};
	/* one name each: a token added under an existing name replaces it */
	static const char *const names[3] = {"read", "scan", "admin"};
	if (store_open() < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (vigil_store_token_add(srv.store, tokens[i], names[i], scopes[i]) < 0)
			return -1;
	server_init();
	return 0;
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
	const uint8_t *nl = request_line(data, size, line, sizeof(line));
	if (!nl)
		return 0;
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
	const char *auth = auth_header(authz, sizeof(authz), sel, tokens, 3);
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
