/* runtime_events.c - the alerts of `vigil watch --serve` (docs/runtime.md):
 *   POST /api/v1/events/runtime  (scan scope) one alert object, or an array of them
 *   GET  /api/v1/events/runtime?container=&rule=&limit=&after=  (read scope)
 * Each alert is checked (a JSON object with a rule, a known priority and, when present, a
 * container id) and stored whole through the store. */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/internal.h"
#include "serve/runtime_events.h"
#include "util/util.h"

#define MAX_ALERTS 500	     /* per request */
#define MAX_ALERT (64 << 10) /* bytes of one alert, compact */
#define MAX_NAME 256	     /* rule name, container id */

static void fail_json(int *status, char **out, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail_json(int *status, char **out, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *o;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = json_pack("{s:{s:s}}", "error", "message", msg);
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	*status = code;
}

static int known_priority(const char *p)
{
	static const char *const names[] = {"EMERGENCY", "ALERT",  "CRITICAL",	    "ERROR",
					    "WARNING",	 "NOTICE", "INFORMATIONAL", "DEBUG"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(p, names[i]))
			return 1;
	return 0;
}

/* checks one alert and hands it to cb; 0, or VIGIL_EFORMAT with msg */
static int one(json_t *a, size_t idx, vigil_serve_runtime_cb cb, void *payload, char *msg,
	       size_t msglen)
{
	const char *rule, *prio, *cid = NULL;
	json_t *c;
	char *body;
	int error;

	if (!json_is_object(a)) {
		snprintf(msg, msglen, "alert %zu: not a JSON object", idx);
		return VIGIL_EFORMAT;
	}
	rule = json_string_value(json_object_get(a, "rule"));
	prio = json_string_value(json_object_get(a, "priority"));
	if (!rule || !*rule || strlen(rule) > MAX_NAME) {
		snprintf(msg, msglen, "alert %zu: \"rule\" must be a string of 1 to %d bytes", idx,
			 MAX_NAME);
		return VIGIL_EFORMAT;
	}
	if (!prio || !known_priority(prio)) {
		snprintf(msg, msglen, "alert %zu: \"priority\" must be EMERGENCY ... DEBUG", idx);
		return VIGIL_EFORMAT;
	}
	c = json_object_get(a, "container");
	if (c && !json_is_null(c)) {
		json_t *id = json_object_get(c, "id");
		if (!json_is_object(c) || !json_is_string(id) ||
		    strlen(json_string_value(id)) > MAX_NAME) {
			snprintf(msg, msglen,
				 "alert %zu: \"container\" must be an object with an id", idx);
			return VIGIL_EFORMAT;
		}
		cid = json_string_value(id);
	}
	if (!(body = json_dumps(a, JSON_COMPACT)))
		return VIGIL_ENOMEM;
	if (strlen(body) > MAX_ALERT) {
		free(body);
		snprintf(msg, msglen, "alert %zu: larger than %d bytes", idx, MAX_ALERT);
		return VIGIL_ELIMIT;
	}
	error = cb ? cb(rule, prio, cid, body, payload) : 0;
	free(body);
	if (error < 0)
		snprintf(msg, msglen, "alert %zu: not stored", idx);
	return error;
}

int vigil_serve__runtime_parse(const char *body, size_t len, vigil_serve_runtime_cb cb,
			       void *payload, char *msg, size_t msglen)
{
	json_error_t je;
	json_t *j;
	int error = 0, n = 0;

	msg[0] = 0;
	if (!(j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je))) {
		char t[256];
		vigil_text_escape(t, sizeof(t), je.text);
		snprintf(msg, msglen, "malformed JSON: %.200s", t);
		return VIGIL_EFORMAT;
	}
	if (json_is_array(j)) {
		size_t i;
		json_t *a;
		if (json_array_size(j) > MAX_ALERTS) {
			snprintf(msg, msglen, "more than %d alerts in one request", MAX_ALERTS);
			error = VIGIL_ELIMIT;
		}
		json_array_foreach(j, i, a)
		{
			if (error < 0 || (error = one(a, i, cb, payload, msg, msglen)) < 0)
				break;
			n++;
		}
	} else if ((error = one(j, 0, cb, payload, msg, msglen)) == 0)
		n = 1;
	json_decref(j);
	return error < 0 ? error : n;
}

typedef struct store_state {
	vigil_server *srv;
	json_t *ids;
} store_state;

static int store_one(const char *rule, const char *prio, const char *cid, const char *body,
		     void *payload)
{
	store_state *st = payload;
	int64_t id = 0;
	int error = vigil_store_runtime_event_add(st->srv->store, &id, rule, prio, cid, body);
	if (error == 0)
		json_array_append_new(st->ids, json_integer((json_int_t)id));
	return error;
}

static void post(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	store_state st = {srv, json_array()};
	char msg[300];
	int n;

	if (req->body_too_large) {
		json_decref(st.ids);
		fail_json(status, out, 413, "request body too large");
		return;
	}
	n = st.ids ? vigil_serve__runtime_parse(req->body ? req->body : "", req->body_len,
						store_one, &st, msg, sizeof(msg))
		   : VIGIL_ENOMEM;
	if (n < 0) {
		/* the alerts before a bad one are stored: say which */
		fail_json(status, out,
			  n == VIGIL_ELIMIT    ? 413
			  : n == VIGIL_EFORMAT ? 400
					       : 500,
			  "%s (%zu stored)", msg[0] ? msg : vigil_store_error(),
			  json_array_size(st.ids));
	} else {
		json_t *r = json_pack("{s:i, s:O}", "stored", n, "ids", st.ids);
		*out = r ? json_dumps(r, JSON_COMPACT) : NULL;
		json_decref(r);
		*status = 201;
	}
	json_decref(st.ids);
}

static int parse_num(const char *s, int64_t max, int64_t *out)
{
	char *end;
	long long v;
	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static void list(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	vigil_store_runtime_filter f = {NULL, NULL, 0, 50};
	const char *lim = NULL, *aft = NULL;
	char *json = NULL;
	int64_t v;
	int error;

	if (req->arg) {
		f.container = req->arg(req->arg_payload, "container");
		f.rule = req->arg(req->arg_payload, "rule");
		lim = req->arg(req->arg_payload, "limit");
		aft = req->arg(req->arg_payload, "after");
	}
	if (lim && parse_num(lim, 500, &v) < 0) {
		fail_json(status, out, 400, "limit must be 1 to 500");
		return;
	}
	if (lim)
		f.limit = (int)v;
	if (aft && parse_num(aft, INT64_MAX, &v) < 0) {
		fail_json(status, out, 400, "after must be an id from \"next\"");
		return;
	}
	if (aft)
		f.before = v;
	if ((error = vigil_store_runtime_events_json(srv->store, &json, &f)) < 0) {
		free(json);
		fail_json(status, out, 500, "%s", vigil_store_error());
		return;
	}
	*out = json;
	*status = 200;
}

int vigil_serve__runtime_events(vigil_server *srv, const vigil_serve_req *req, int *status,
				char **out)
{
	if (strcmp(req->path, "/api/v1/events/runtime"))
		return 0;
	if (!strcmp(req->method, "POST"))
		post(srv, req, status, out);
	else if (!strcmp(req->method, "GET"))
		list(srv, req, status, out);
	else
		fail_json(status, out, 405, "method not allowed");
	return 1;
}
