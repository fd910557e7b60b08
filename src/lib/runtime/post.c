/* post.c - `vigil watch --serve URL` and `--webhook URL`: alerts are queued (bounded) and
 * a thread per destination posts them in batches of up to 100.
 *
 * serve: POST URL/api/v1/events/runtime, a JSON array, bearer token; a failed request is
 * retried once.
 * webhook: POST URL, {"event":"runtime.alerts","time","agent","count","alerts":[...]},
 * signed like vigil serve's webhooks (X-Vigil-Signature: t=UNIX,v1=HMAC-SHA256(secret,
 * "<t>.<body>"), the same signing function), X-Vigil-Event and X-Vigil-Delivery (the same
 * id on every attempt of a batch); a non-2xx answer or a network error is retried after
 * 1, 2, 4 s (4 attempts), then the batch is counted as failed. Once the agent stops,
 * retries go on for at most STOP_GRACE seconds; after a batch fails then, the rest of the
 * queue is counted as failed.
 *
 * The agent never waits for either: when a queue is full, alerts are dropped and counted. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/rt.h"
#include "serve/internal.h" /* vigil_serve__sign: the webhook signature of vigil serve */

#define QUEUE 4096	      /* alerts waiting */
#define BATCH 100	      /* alerts per request */
#define QUEUE_BYTES (8 << 20) /* bytes waiting */
#define HOOK_ATTEMPTS 4	      /* webhook: attempts per batch (waits 1, 2, 4 s between) */
#define STOP_GRACE 5.0	      /* webhook: seconds of retries left once the agent stops */

struct rt_post {
	int webhook;	  /* 0: vigil serve; 1: signed webhook */
	const char *what; /* "serve" or "webhook", in messages */
	char url[1024];
	char auth[600];
	char *secret;	/* webhook */
	char agent[64]; /* webhook: hostname-pid, prefix of the delivery ids */
	unsigned long long seq;
	pthread_t thread;
	int thread_ok, stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_cond_t stopcond; /* signalled once, when the agent stops */
	double stop_at;		 /* webhook: retries end STOP_GRACE s after the stop (monotonic) */
	char *q[QUEUE];
	size_t head, len, bytes;
	unsigned long long posted, failed, dropped;
	char last_error[200];
};

static size_t sink(char *p, size_t size, size_t n, void *payload)
{
	(void)p;
	(void)payload;
	return size * n;
}

/* posts body (delivery: the webhook's delivery id); 0 or -1 with why */
static int post_once(rt_post *p, const char *body, const char *delivery, char *why, size_t n)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	long code = 0;
	CURLcode rc;

	if (!c) {
		snprintf(why, n, "curl_easy_init failed");
		return -1;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	if (p->webhook) {
		char sig[200], hdr[300];
		if (vigil_serve__sign(sig, sizeof(sig), p->secret, (int64_t)time(NULL), body) < 0) {
			curl_easy_cleanup(c);
			curl_slist_free_all(h);
			snprintf(why, n, "out of memory");
			return -1;
		}
		snprintf(hdr, sizeof(hdr), "X-Vigil-Signature: %s", sig);
		h = curl_slist_append(h, hdr);
		h = curl_slist_append(h, "X-Vigil-Event: runtime.alerts");
		snprintf(hdr, sizeof(hdr), "X-Vigil-Delivery: %s", delivery);
		h = curl_slist_append(h, hdr);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil-watch/" VIGIL_VERSION);
	} else {
		h = curl_slist_append(h, p->auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(why, n, "%s", curl_easy_strerror(rc));
		return -1;
	}
	if (p->webhook ? code < 200 || code > 299 : code != 201) {
		snprintf(why, n, "HTTP %ld", code);
		return -1;
	}
	return 0;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* webhook: waits secs before the next attempt; 1 (give up) when the agent stops and the
 * attempt would come later than STOP_GRACE seconds after the stop */
static int backoff(rt_post *p, int secs)
{
	double target = mono() + secs;
	int give_up = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		double now = mono();
		struct timespec ts;
		if (p->stop && target > p->stop_at) {
			give_up = 1;
			break;
		}
		if (now >= target)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(target - now);
		ts.tv_nsec += (long)((target - now - (double)(time_t)(target - now)) * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->stopcond, &p->lock, &ts);
	}
	pthread_mutex_unlock(&p->lock);
	return give_up;
}

/* one batch (a JSON array in body): 0 when delivered */
static int deliver(rt_post *p, const char *arr, size_t n, char *why, size_t whylen)
{
	char delivery[96], tbuf[40], *body;
	size_t blen;
	int ok = 0;

	if (!p->webhook)
		return post_once(p, arr, NULL, why, whylen) == 0 ||
				       post_once(p, arr, NULL, why, whylen) == 0
			       ? 0
			       : -1;
	{
		struct timespec now;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	snprintf(delivery, sizeof(delivery), "%s-%llu", p->agent, ++p->seq);
	blen = strlen(arr) + 256;
	if (!(body = malloc(blen))) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	snprintf(body, blen,
		 "{\"event\":\"runtime.alerts\",\"time\":\"%s\",\"delivery\":\"%s\",\"count\":%zu,"
		 "\"alerts\":%s}",
		 tbuf, delivery, n, arr);
	for (int a = 0; a < HOOK_ATTEMPTS; a++) {
		if (post_once(p, body, delivery, why, whylen) == 0) {
			ok = 1;
			break;
		}
		if (a + 1 == HOOK_ATTEMPTS || backoff(p, 1 << a))
			break;
	}
	free(body);
	return ok ? 0 : -1;
}

static void *post_thread(void *payload)
{
	rt_post *p = payload;

	for (;;) {
		char *batch[BATCH];
		size_t n = 0, total = 2;
		char *body, why[200];
		int stopping;

		pthread_mutex_lock(&p->lock);
		while (!p->len && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		stopping = p->stop;
		while (n < BATCH && p->len) {
			batch[n] = p->q[p->head];
			p->bytes -= strlen(batch[n]);
			p->head = (p->head + 1) % QUEUE;
			p->len--;
			total += strlen(batch[n]) + 1;
			n++;
		}
		pthread_mutex_unlock(&p->lock);
		if (!n) {
			if (stopping)
				break;
			continue;
		}
		if ((body = malloc(total + 1))) {
			size_t o = 0;
			body[o++] = '[';
			for (size_t i = 0; i < n; i++) {
				size_t l = strlen(batch[i]);
				if (i)
					body[o++] = ',';
				memcpy(body + o, batch[i], l);
				o += l;
			}
			body[o++] = ']';
			body[o] = 0;
		}
		{
			int ok = body && deliver(p, body, n, why, sizeof(why)) == 0;
			pthread_mutex_lock(&p->lock);
			if (ok)
				p->posted += n;
			else {
				p->failed += n;
				snprintf(p->last_error, sizeof(p->last_error), "%s",
					 body ? why : "out of memory");
				/* stopping with the server failing: do not make the agent wait
				 * for the rest of the queue, count it as failed */
				while (p->stop && p->len) {
					p->bytes -= strlen(p->q[p->head]);
					free(p->q[p->head]);
					p->head = (p->head + 1) % QUEUE;
					p->len--;
					p->failed++;
				}
			}
			pthread_mutex_unlock(&p->lock);
		}
		free(body);
		for (size_t i = 0; i < n; i++)
			free(batch[i]);
	}
	return NULL;
}

static int post_start(rt_post *p, char *err, size_t errlen)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->stopcond, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (pthread_create(&p->thread, NULL, post_thread, p) != 0) {
		snprintf(err, errlen, "--%s: cannot start the posting thread", p->what);
		return VIGIL_EIO;
	}
	p->thread_ok = 1;
	return 0;
}

int vigil_rt__post_open(rt_post **out, const char *url, const char *token, char *err, size_t errlen)
{
	rt_post *p;
	size_t ul = strlen(url);
	int error;

	*out = NULL;
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		snprintf(err, errlen, "--serve: the URL must start with http:// or https://");
		return VIGIL_EINVAL;
	}
	if (ul > 900 || strlen(token) > 512 || strpbrk(token, "\r\n")) {
		snprintf(err, errlen, "--serve: URL or token too long");
		return VIGIL_EINVAL;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		snprintf(err, errlen, "out of memory");
		return VIGIL_ENOMEM;
	}
	p->what = "serve";
	while (ul && url[ul - 1] == '/')
		ul--;
	snprintf(p->url, sizeof(p->url), "%.*s/api/v1/events/runtime", (int)ul, url);
	snprintf(p->auth, sizeof(p->auth), "Authorization: Bearer %s", token);
	if ((error = post_start(p, err, errlen)) < 0) {
		vigil_rt__post_close(p, NULL);
		return error;
	}
	*out = p;
	return 0;
}

int vigil_rt__webhook_open(rt_post **out, const char *url, const char *secret, char *err,
			   size_t errlen)
{
	rt_post *p;
	char host[40] = "";
	int error;

	*out = NULL;
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		snprintf(err, errlen, "--webhook: the URL must start with http:// or https://");
		return VIGIL_EINVAL;
	}
	if (strlen(url) > 900 || strpbrk(url, "\r\n \t")) {
		snprintf(err, errlen, "--webhook: URL too long or not one word");
		return VIGIL_EINVAL;
	}
	if (!*secret || strlen(secret) > 4096) {
		snprintf(err, errlen, "--webhook: the secret must be 1 to 4096 bytes");
		return VIGIL_EINVAL;
	}
	if (!(p = calloc(1, sizeof(*p))) || !(p->secret = strdup(secret))) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return VIGIL_ENOMEM;
	}
	p->webhook = 1;
	p->what = "webhook";
	snprintf(p->url, sizeof(p->url), "%s", url);
	gethostname(host, sizeof(host) - 1);
	for (char *c = host; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'))
			*c = '_';
	snprintf(p->agent, sizeof(p->agent), "%s-%ld-%lld", host[0] ? host : "host", (long)getpid(),
		 (long long)time(NULL));
	if ((error = post_start(p, err, errlen)) < 0) {
		vigil_rt__post_close(p, NULL);
		return error;
	}
	*out = p;
	return 0;
}

void vigil_rt__post_queue(rt_post *p, const char *alert)
{
	size_t l = strlen(alert);
	char *c;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->len >= QUEUE || p->bytes + l > QUEUE_BYTES || !(c = strdup(alert))) {
		p->dropped++;
		pthread_mutex_unlock(&p->lock);
		return;
	}
	p->q[(p->head + p->len) % QUEUE] = c;
	p->len++;
	p->bytes += l;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void vigil_rt__post_close(rt_post *p, FILE *log)
{
	if (!p)
		return;
	if (p->thread_ok) {
		/* the queue is drained (each request bounded by its timeouts) before the end */
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		p->stop_at = mono() + STOP_GRACE;
		pthread_cond_signal(&p->cond);
		pthread_cond_signal(&p->stopcond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	if (log)
		fprintf(log,
			"vigil watch: %s: %llu alerts posted, %llu failed, %llu dropped%s%s%s\n",
			p->what, p->posted, p->failed, p->dropped,
			p->last_error[0] ? " (last error: " : "", p->last_error,
			p->last_error[0] ? ")" : "");
	for (size_t i = 0; i < p->len; i++)
		free(p->q[(p->head + i) % QUEUE]);
	if (p->what) { /* post_start ran */
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->cond);
		pthread_cond_destroy(&p->stopcond);
	}
	if (p->secret)
		explicit_bzero(p->secret, strlen(p->secret));
	free(p->secret);
	free(p);
}
