/* Fuzzes what `vigil serve`'s registry polling reads from outside (src/lib/serve/poll.c):
 * a registry URL with its repository glob (the command line's --registry and
 * POST /api/v1/registries) and one page of /v2/_catalog or tags/list from the registry.
 * Input: "URL\n" then the JSON page; the first byte of the page (after the newline)
 * chooses the member read: odd "tags", even "repositories". */
#include <stdint.h>
#include <string.h>

#include "serve/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int each(const char *name, void *payload)
{
	size_t *n = payload;
	*n += strlen(name); /* every name handed out is a NUL-terminated string */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char url[1100], key[300], host[256], glob[256], last[300] = "";
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ul = nl ? (size_t)(nl - data) : size;
	const char *why = NULL;
	if (ul < sizeof(url)) {
		memcpy(url, data, ul);
		url[ul] = '\0';
		if (vigil_serve__registry_parse(key, sizeof(key), host, sizeof(host), glob,
						sizeof(glob), url, &why) == 0 &&
		    (strlen(key) >= sizeof(key) || strlen(host) >= sizeof(host) || !glob[0]))
			__builtin_trap();
	}
	if (!nl)
		return 0;
	const uint8_t *doc = nl + 1;
	size_t dl = size - ul - 1, seen = 0, total = 0;
	const char *member = dl && (doc[0] & 1) ? "tags" : "repositories";
	for (int page = 0; page < 2; page++) /* a second page after the first's last name */
		if (vigil_serve__list_page((const char *)doc, dl, member, &seen, 5000, last,
					   sizeof(last), each, &total) <= 0)
			break;
	return 0;
}
