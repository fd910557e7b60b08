/* post.c - `vigil watch --serve URL`: alerts are queued (bounded) and a thread posts them
 * to vigil serve (POST URL/api/v1/events/runtime, a JSON array of up to 100 alerts per
 * request, bearer token). The agent never waits for the server: when the queue is full,
 * alerts are dropped and counted; a failed request is retried once, then its alerts are
 * counted as failed. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rt.h"

#define QUEUE 4096	      /* alerts waiting */
#define BATCH 100	      /* alerts per request */
#define QUEUE_BYTES (8 << 20) /* bytes waiting */

struct rt_post {
	char url[1024];
	char auth[600];
	pthread_t thread;
	int thread_ok, stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
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

/* posts body; 0 or -1 with why */
static int post_once(rt_post *p, const char *body, char *why, size_t n)
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
	h = curl_slist_append(h, p->auth);
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
	if (code != 201) {
		snprintf(why, n, "HTTP %ld", code);
		return -1;
	}
	return 0;
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
			int ok = body && (post_once(p, body, why, sizeof(why)) == 0 ||
					  post_once(p, body, why, sizeof(why)) == 0);
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

int vigil_rt__post_open(rt_post **out, const char *url, const char *token, char *err, size_t errlen)
{
	rt_post *p;
	size_t ul = strlen(url);

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
	while (ul && url[ul - 1] == '/')
		ul--;
	snprintf(p->url, sizeof(p->url), "%.*s/api/v1/events/runtime", (int)ul, url);
	snprintf(p->auth, sizeof(p->auth), "Authorization: Bearer %s", token);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (pthread_create(&p->thread, NULL, post_thread, p) != 0) {
		snprintf(err, errlen, "--serve: cannot start the posting thread");
		vigil_rt__post_close(p, NULL);
		return VIGIL_EIO;
	}
	p->thread_ok = 1;
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
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	if (log)
		fprintf(log,
			"vigil watch: serve: %llu alerts posted, %llu failed, %llu dropped%s%s%s\n",
			p->posted, p->failed, p->dropped, p->last_error[0] ? " (last error: " : "",
			p->last_error, p->last_error[0] ? ")" : "");
	for (size_t i = 0; i < p->len; i++)
		free(p->q[(p->head + i) % QUEUE]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
