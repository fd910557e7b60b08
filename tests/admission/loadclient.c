/*
 * loadclient.c - the bounded load client of tests/admission/test_admission.sh: sends N
 * AdmissionReviews over C concurrent HTTPS keep-alive connections (libcurl multi, one
 * thread, closed loop: a connection sends its next review when the answer arrives),
 * checks every answer (HTTP 200, the review's uid, the expected decision) and prints
 *   requests=N errors=E p50_ms=.. p99_ms=.. max_ms=.. rps=.. connects=..
 * Built by the test with cc; not part of vigil.
 *
 *   loadclient URL CA.pem N C FILE:allowed [FILE:allowed...]
 * (allowed is true or false; the files are sent in turn). LOADCLIENT_WARM=1 opens the
 * connections first (one checked review each, not timed); LOADCLIENT_DUMP=FILE writes
 * "start_ms latency_ms new_connection" per review.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BODIES 8
#define MAX_CONNS 256
#define MAX_ANSWER (1 << 20)

typedef struct body {
	char *data;
	size_t len;
	char uid[128];
	int allowed;
} body;

typedef struct slot {
	CURL *h;
	int which; /* index into bodies */
	double t0;
	char *resp;
	size_t resp_len, resp_cap;
} slot;

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static size_t on_data(char *p, size_t size, size_t n, void *payload)
{
	slot *s = payload;
	size_t len = size * n;
	if (s->resp_len + len + 1 > MAX_ANSWER)
		return 0;
	if (s->resp_len + len + 1 > s->resp_cap) {
		size_t cap = (s->resp_len + len + 1) * 2;
		char *r = realloc(s->resp, cap);
		if (!r)
			return 0;
		s->resp = r;
		s->resp_cap = cap;
	}
	memcpy(s->resp + s->resp_len, p, len);
	s->resp_len += len;
	s->resp[s->resp_len] = '\0';
	return len;
}

static int read_body(body *b, const char *arg)
{
	char path[4096];
	const char *colon = strrchr(arg, ':');
	FILE *f;
	long n;
	json_t *o;
	if (!colon || (size_t)(colon - arg) >= sizeof(path))
		return -1;
	memcpy(path, arg, (size_t)(colon - arg));
	path[colon - arg] = '\0';
	b->allowed = !strcmp(colon + 1, "true");
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(b->data = malloc((size_t)n + 1)) ||
	    fread(b->data, 1, (size_t)n, f) != (size_t)n) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	b->len = (size_t)n;
	b->data[n] = '\0';
	o = json_loadb(b->data, b->len, 0, NULL);
	const char *uid = json_string_value(json_object_get(json_object_get(o, "request"), "uid"));
	snprintf(b->uid, sizeof(b->uid), "%s", uid ? uid : "");
	json_decref(o);
	return b->uid[0] ? 0 : -1;
}

/* Is the answer right: 200, the uid copied, the expected decision? */
static int check(const slot *s, const body *b, long code)
{
	json_t *o = s->resp ? json_loadb(s->resp, s->resp_len, 0, NULL) : NULL;
	json_t *r = json_object_get(o, "response");
	const char *uid = json_string_value(json_object_get(r, "uid"));
	json_t *allowed = json_object_get(r, "allowed");
	int ok = code == 200 && uid && !strcmp(uid, b->uid) && json_is_boolean(allowed) &&
		 json_is_true(allowed) == b->allowed;
	json_decref(o);
	return ok;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void start(CURLM *m, slot *s, const body *bodies, int which, struct curl_slist *hdr,
		  const char *url, const char *ca)
{
	CURL *h = s->h;
	s->which = which;
	s->resp_len = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[which].data);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)bodies[which].len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	s->t0 = now_ms();
	curl_multi_add_handle(m, h);
}

/* Sends n reviews over c connections (closed loop): latencies into lat (may be NULL),
 * the answers checked; the errors, with the connections opened in *connects. */
static int run(CURLM *m, slot *slots, const body *bodies, int nbodies, int n, int c,
	       struct curl_slist *hdr, const char *url, const char *ca, double *lat, long *connects,
	       FILE *dump, double t0)
{
	int sent = 0, done = 0, errors = 0, running = 0;
	for (int i = 0; i < c && sent < n; i++, sent++)
		start(m, &slots[i], bodies, sent % nbodies, hdr, url, ca);
	while (done < n) {
		CURLMsg *msg;
		int left;
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left))) {
			slot *s = NULL;
			long code = 0, nc = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_NUM_CONNECTS, &nc);
			double dt = now_ms() - s->t0;
			if (lat)
				lat[done] = dt;
			if (dump)
				fprintf(dump, "%.1f %.1f %ld\n", s->t0 - t0, dt, nc);
			done++;
			*connects += nc;
			if (msg->data.result != CURLE_OK || !check(s, &bodies[s->which], code)) {
				errors++;
				if (errors <= 3)
					fprintf(stderr, "loadclient: error: %s, HTTP %ld: %.200s\n",
						curl_easy_strerror(msg->data.result), code,
						s->resp_len ? s->resp : "");
			}
			curl_multi_remove_handle(m, s->h);
			if (sent < n) {
				start(m, s, bodies, sent % nbodies, hdr, url, ca);
				sent++;
			}
		}
		if (done < n)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	return errors;
}

int main(int argc, char **argv)
{
	body bodies[MAX_BODIES] = {0};
	slot slots[MAX_CONNS] = {0};
	int nbodies = 0, n, c, errors = 0;
	long connects = 0, warm_connects = 0;
	double *lat, t0;
	FILE *dump = getenv("LOADCLIENT_DUMP") ? fopen(getenv("LOADCLIENT_DUMP"), "w") : NULL;
	/* LOADCLIENT_WARM=1: each connection is opened (and its answer checked) before the
	 * timed run, as the API server keeps its connections to a webhook open */
	int warm = getenv("LOADCLIENT_WARM") && !strcmp(getenv("LOADCLIENT_WARM"), "1");
	if (argc < 6) {
		fprintf(stderr, "usage: loadclient URL CA N C FILE:allowed...\n");
		return 2;
	}
	n = atoi(argv[3]);
	c = atoi(argv[4]);
	if (n < 1 || c < 1 || c > MAX_CONNS || argc - 5 > MAX_BODIES) {
		fprintf(stderr, "loadclient: bad N, C or too many files\n");
		return 2;
	}
	for (int i = 5; i < argc; i++)
		if (read_body(&bodies[nbodies++], argv[i]) < 0) {
			fprintf(stderr, "loadclient: cannot read %s\n", argv[i]);
			return 2;
		}
	if (!(lat = calloc((size_t)n, sizeof(*lat))))
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)c);
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	for (int i = 0; i < c; i++)
		slots[i].h = curl_easy_init();
	t0 = now_ms();
	if (warm)
		errors += run(m, slots, bodies, nbodies, c, c, hdr, argv[1], argv[2], NULL,
			      &warm_connects, NULL, t0);
	t0 = now_ms();
	errors += run(m, slots, bodies, nbodies, n, c, hdr, argv[1], argv[2], lat, &connects, dump,
		      t0);
	double wall = now_ms() - t0;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	int i50 = n / 2, i99 = (int)((double)n * 0.99);
	if (i99 >= n)
		i99 = n - 1;
	printf("requests=%d errors=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.0f "
	       "connects=%ld%s\n",
	       n, errors, lat[i50], lat[i99], lat[n - 1], (double)n / (wall / 1e3), connects,
	       warm ? " (connections opened before)" : "");
	for (int i = 0; i < c; i++) {
		curl_easy_cleanup(slots[i].h);
		free(slots[i].resp);
	}
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	for (int i = 0; i < nbodies; i++)
		free(bodies[i].data);
	free(lat);
	if (dump)
		fclose(dump);
	return errors ? 1 : 0;
}
