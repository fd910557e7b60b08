/* Fuzzes the body parser of POST /api/v1/events/runtime (`vigil serve`, the alerts of
 * `vigil watch --serve`): any input gives a count of alerts, each with a rule, a known
 * priority and a compact JSON body, or a negative error with a one-line message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/runtime_events.h"
#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(const char *rule, const char *priority, const char *container, const char *body,
		 void *payload)
{
	size_t *n = payload;
	if (!rule || !*rule || strlen(rule) > 256 || !priority || !body || body[0] != '{' ||
	    (container && strlen(container) > 256))
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[300];
	size_t n = 0;
	int r = vigil_serve__runtime_parse((const char *)data, size, check, &n, msg, sizeof(msg));
	if (r >= 0 && (size_t)r != n)
		abort();
	if (r < 0 && (r != VIGIL_EFORMAT && r != VIGIL_ELIMIT && r != VIGIL_ENOMEM))
		abort();
	if (r < 0 && r != VIGIL_ENOMEM && (!msg[0] || strchr(msg, '\n')))
		abort();
	if (r > 500)
		abort();
	return 0;
}
