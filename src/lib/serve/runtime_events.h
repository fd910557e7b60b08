/* serve/runtime_events.h - the runtime alerts endpoint (runtime_events.c). Not public API. */
#ifndef VIGIL_SERVE_RUNTIME_EVENTS_H
#define VIGIL_SERVE_RUNTIME_EVENTS_H

#include <stddef.h>

struct vigil_server;
struct vigil_serve_req;

/* Called for every valid alert: rule, priority, container id (or NULL) and the alert as
 * compact JSON; a negative return stops the parse with that error. */
typedef int (*vigil_serve_runtime_cb)(const char *rule, const char *priority, const char *container,
				      const char *body, void *payload);

/* Checks a POST body (one alert object or an array of up to 500) and hands each alert to
 * cb in order: the number of alerts, or VIGIL_EFORMAT / VIGIL_ELIMIT / the callback's
 * error with a one-line msg. Bounded: jansson parse of at most the request size. */
int vigil_serve__runtime_parse(const char *body, size_t len, vigil_serve_runtime_cb cb,
			       void *payload, char *msg, size_t msglen);

/* Answers /api/v1/events/runtime (POST stores, GET lists): 1 when the path was this
 * endpoint (status and out set), else 0. */
int vigil_serve__runtime_events(struct vigil_server *srv, const struct vigil_serve_req *req,
				int *status, char **out);

#endif
