/*
 * loadclient.c - the bounded load client of tests/admission/test_admission.sh and
 * bench/admission.sh: sends N AdmissionReviews over C concurrent HTTPS keep-alive
 * connections (closed loop: a connection sends its next review when the answer arrives),
 * checks every answer (HTTP 200, the review's uid, the expected decision) and prints
 *   requests=N errors=E p50_ms=.. p99_ms=.. max_ms=.. rps=.. connects=.. client_cpu_ms=..
 *   client=multi|threads
 * (client_cpu_ms: this process's own CPU time, user + system, during the timed run: on a
 * shared machine the client's TLS handshakes compete with the server for the same cores).
 * Built by the test with cc; not part of vigil.
 *
 *   loadclient URL CA.pem N C FILE:allowed [FILE:allowed...]
 * (allowed is true or false; the files are sent in turn). Two clients:
 *   multi (default): libcurl multi, one thread for every connection. Its one thread does
 *     the 50 TLS handshakes one after the other (OpenSSL, ~0.9 ms of CPU each here), and
 *     an answer is only seen when curl_multi_perform has gone round every connection, so
 *     in a cold run every first review waits for all the handshakes.
 *   LOADCLIENT_THREADS=1: one thread per connection (a blocking libcurl easy handle each),
 *     as the Kubernetes API server calls a webhook (a goroutine per call over a shared
 *     keep-alive transport): each review's time is its own connection's handshake and
 *     answer, under the same CPU contention.
 * LOADCLIENT_WARM=1 opens the connections first (one checked review each, not timed);
 * LOADCLIENT_DUMP=FILE writes "start_ms latency_ms new_connection" per review.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

static double cpu_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sets up s's handle for review bodies[which]. */
static void prepare(slot *s, const body *bodies, int which, struct curl_slist *hdr, const char *url,
		    const char *ca)
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
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
}

static void start(CURLM *m, slot *s, const body *bodies, int which, struct curl_slist *hdr,
		  const char *url, const char *ca)
{
	prepare(s, bodies, which, hdr, url, ca);
	s->t0 = now_ms();
	curl_multi_add_handle(m, s->h);
}

/* The thread-per-connection client: what the threads share. */
typedef struct shared {
	const body *bodies;
	int nbodies, n, warm;
	struct curl_slist *hdr;
	const char *url, *ca;
	atomic_int next, errors;
	atomic_long connects;
	double *lat, t0;
	FILE *dump;
	pthread_mutex_t dump_mu;
	pthread_barrier_t ready, go;
} shared;

typedef struct worker {
	shared *sh;
	slot s;
	int id;
} worker;

/* One review on w's connection: the latency, or -1 when the answer is wrong. */
static double one(worker *w, int which, long *nc)
{
	shared *sh = w->sh;
	long code = 0;
	CURLcode rc;
	double t;
	prepare(&w->s, sh->bodies, which, sh->hdr, sh->url, sh->ca);
	t = now_ms();
	rc = curl_easy_perform(w->s.h);
	w->s.t0 = t;
	t = now_ms() - t;
	curl_easy_getinfo(w->s.h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(w->s.h, CURLINFO_NUM_CONNECTS, nc);
	if (rc != CURLE_OK || !check(&w->s, &sh->bodies[which], code)) {
		if (atomic_fetch_add(&sh->errors, 1) < 3)
			fprintf(stderr, "loadclient: error: %s, HTTP %ld: %.200s\n",
				curl_easy_strerror(rc), code, w->s.resp_len ? w->s.resp : "");
		return -1;
	}
	return t;
}

/* A connection's thread: the warm-up review (LOADCLIENT_WARM), then reviews taken in
 * turn from the shared counter until n are sent. */
static void *worker_main(void *payload)
{
	worker *w = payload;
	shared *sh = w->sh;
	long nc = 0;
	int i;
	if (sh->warm)
		one(w, w->id % sh->nbodies, &nc);
	pthread_barrier_wait(&sh->ready);
	pthread_barrier_wait(&sh->go);
	while ((i = atomic_fetch_add(&sh->next, 1)) < sh->n) {
		double t = one(w, i % sh->nbodies, &nc);
		sh->lat[i] = t < 0 ? now_ms() - w->s.t0 : t;
		atomic_fetch_add(&sh->connects, nc);
		if (sh->dump) {
			pthread_mutex_lock(&sh->dump_mu);
			fprintf(sh->dump, "%.1f %.1f %ld\n", w->s.t0 - sh->t0, sh->lat[i], nc);
			pthread_mutex_unlock(&sh->dump_mu);
		}
	}
	return NULL;
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
	double *lat, t0, cpu0;
	FILE *dump = getenv("LOADCLIENT_DUMP") ? fopen(getenv("LOADCLIENT_DUMP"), "w") : NULL;
	/* LOADCLIENT_WARM=1: each connection is opened (and its answer checked) before the
	 * timed run, as the API server keeps its connections to a webhook open */
	int warm = getenv("LOADCLIENT_WARM") && !strcmp(getenv("LOADCLIENT_WARM"), "1");
	int threads = getenv("LOADCLIENT_THREADS") && !strcmp(getenv("LOADCLIENT_THREADS"), "1");
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
	if (threads) {
		/* one thread per connection: the warm-ups (if any) done, the clock starts and
		 * every thread takes reviews from the shared counter */
		shared sh = {.bodies = bodies,
			     .nbodies = nbodies,
			     .n = n,
			     .warm = warm,
			     .hdr = hdr,
			     .url = argv[1],
			     .ca = argv[2],
			     .lat = lat,
			     .dump = dump};
		worker *ws = calloc((size_t)c, sizeof(*ws));
		pthread_t *tids = calloc((size_t)c, sizeof(*tids));
		int started = 0;
		if (!ws || !tids)
			return 2;
		pthread_mutex_init(&sh.dump_mu, NULL);
		pthread_barrier_init(&sh.ready, NULL, (unsigned)c + 1);
		pthread_barrier_init(&sh.go, NULL, (unsigned)c + 1);
		for (; started < c; started++) {
			ws[started] =
				(worker){.sh = &sh, .id = started, .s = {.h = slots[started].h}};
			if (pthread_create(&tids[started], NULL, worker_main, &ws[started]) != 0) {
				fprintf(stderr, "loadclient: cannot start thread %d\n", started);
				return 2;
			}
		}
		pthread_barrier_wait(&sh.ready);
		t0 = sh.t0 = now_ms();
		cpu0 = cpu_ms();
		pthread_barrier_wait(&sh.go);
		for (int i = 0; i < c; i++) {
			pthread_join(tids[i], NULL);
			free(ws[i].s.resp);
		}
		errors = atomic_load(&sh.errors);
		connects = atomic_load(&sh.connects);
		pthread_barrier_destroy(&sh.ready);
		pthread_barrier_destroy(&sh.go);
		pthread_mutex_destroy(&sh.dump_mu);
		free(ws);
		free(tids);
	} else {
		t0 = now_ms();
		if (warm)
			errors += run(m, slots, bodies, nbodies, c, c, hdr, argv[1], argv[2], NULL,
				      &warm_connects, NULL, t0);
		t0 = now_ms();
		cpu0 = cpu_ms();
		errors += run(m, slots, bodies, nbodies, n, c, hdr, argv[1], argv[2], lat,
			      &connects, dump, t0);
	}
	double wall = now_ms() - t0, cpu = cpu_ms() - cpu0;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	int i50 = n / 2, i99 = (int)((double)n * 0.99);
	if (i99 >= n)
		i99 = n - 1;
	printf("requests=%d errors=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.0f "
	       "connects=%ld client_cpu_ms=%.0f client=%s%s\n",
	       n, errors, lat[i50], lat[i99], lat[n - 1], (double)n / (wall / 1e3), connects, cpu,
	       threads ? "threads" : "multi", warm ? " (connections opened before)" : "");
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
