/* config.c - secrets in the image config: Env, labels and history (build arguments). */
#include <stdlib.h>
#include <string.h>

#include "secret/secret_int.h"

#define MAX_CONFIG_HITS 64

typedef struct chits {
	vigil_secret__hit hits[MAX_CONFIG_HITS];
	char redacted[MAX_CONFIG_HITS][48];
	char hash[MAX_CONFIG_HITS][17];
	size_t n;
} chits;

/* Keeps a hit of the current config string, redacted. */
static int on_hit(const vigil_secret__hit *h, void *payload)
{
	chits *c = payload;
	if (c->n >= MAX_CONFIG_HITS)
		return 0;
	c->hits[c->n] = *h;
	vigil_secret__redact(c->redacted[c->n], sizeof(c->redacted[0]), h->secret, h->secret_len);
	vigil_secret__hash16(c->hash[c->n], h->secret, h->secret_len);
	c->n++;
	return 0;
}

/* Scans one string of the config; the catch-all environment rule only counts when no
 * provider rule recognised the value. */
static int scan_string(vigil_secret_scan *scan, vigil_secret__worker *w, chits *c, const char *s,
		       const char *source, const char *path)
{
	int specific = 0, error;
	c->n = 0;
	vigil_secret__worker_begin(w, NULL, 1, on_hit, c);
	if ((error = vigil_secret__worker_feed(w, (const uint8_t *)s, strlen(s))) < 0 ||
	    (error = vigil_secret__worker_end(w)) < 0)
		return error;
	for (size_t i = 0; i < c->n; i++)
		specific |= c->hits[i].rule->scope != VIGIL_SECRET_SCOPE_CONFIG;
	for (size_t i = 0; i < c->n; i++) {
		const vigil_secret__rule *r = c->hits[i].rule;
		if (specific && r->scope == VIGIL_SECRET_SCOPE_CONFIG)
			continue;
		if ((error = vigil_secret__add(scan, r->id, r->category, r->title, r->severity,
					       source, path, c->redacted[i], c->hash[i], 0, -1)) <
		    0)
			return error;
	}
	return 0;
}

/* Every Env entry, label (as key=value) and history created_by, as its own string. */
int vigil_secret__scan_config(vigil_secret_scan *scan)
{
	const vigil_config *cfg = vigil_image_config(vigil_secret__scan_image(scan));
	vigil_secret__worker *w = NULL;
	chits *c = NULL;
	vigil_buf b = VIGIL_BUF_INIT;
	int error = 0;
	if (!cfg)
		return 0;
	if (!(c = calloc(1, sizeof(*c)))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = vigil_secret__take_worker(&w, scan)) < 0)
		goto done;
	for (size_t i = 0; cfg->env && cfg->env[i] && !error; i++)
		error = scan_string(scan, w, c, cfg->env[i], "env", "config:Env");
	for (size_t i = 0; cfg->label_keys && cfg->label_keys[i] && !error; i++) {
		b.len = 0;
		if ((error = vigil_buf_printf(&b, "%s=%s", cfg->label_keys[i],
					      cfg->label_values && cfg->label_values[i]
						      ? cfg->label_values[i]
						      : "")) < 0 ||
		    (error = vigil_buf_cstr(&b)) < 0)
			break;
		error = scan_string(scan, w, c, (const char *)b.data, "label", "config:Labels");
	}
	for (int i = 0; i < cfg->history_count && !error; i++) {
		char path[32];
		if (!cfg->history[i].created_by)
			continue;
		snprintf(path, sizeof(path), "history[%d]", i);
		error = scan_string(scan, w, c, cfg->history[i].created_by, "history", path);
	}
done:
	if (w)
		vigil_secret__give_worker(scan, w);
	vigil_buf_free(&b);
	free(c);
	return error;
}

typedef struct rhits {
	char *secret[MAX_CONFIG_HITS];
	size_t len[MAX_CONFIG_HITS];
	size_t n;
	int oom;
} rhits;

/* Keeps a copy of each secret of the string being redacted (the worker's buffer moves). */
static int on_redact_hit(const vigil_secret__hit *h, void *payload)
{
	rhits *r = payload;
	if (r->n >= MAX_CONFIG_HITS || h->secret_len == 0)
		return 0;
	if (!(r->secret[r->n] = malloc(h->secret_len))) {
		r->oom = 1;
		return 0;
	}
	memcpy(r->secret[r->n], h->secret, h->secret_len);
	r->len[r->n++] = h->secret_len;
	return 0;
}

int vigil_secret_redact_string(char **out, const vigil_secret_rules *rules, const char *s)
{
	vigil_secret__worker *w = NULL;
	rhits r;
	vigil_buf b = VIGIL_BUF_INIT;
	size_t n = strlen(s);
	int error;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	if ((error = vigil_secret__worker_new(&w, rules)) < 0)
		goto done;
	vigil_secret__worker_begin(w, NULL, 1, on_redact_hit, &r);
	if ((error = vigil_secret__worker_feed(w, (const uint8_t *)s, n)) < 0 ||
	    (error = vigil_secret__worker_end(w)) < 0)
		goto done;
	if (r.oom) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((error = vigil_buf_put(&b, s, n)) < 0)
		goto done;
	/* each secret, wherever it occurs, becomes its redacted form (shorter or equal for
	 * anything but the shortest secrets, so the loop ends: the search resumes after it) */
	for (size_t i = 0; i < r.n; i++) {
		char red[48];
		size_t rl, at = 0;
		vigil_secret__redact(red, sizeof(red), (const uint8_t *)r.secret[i], r.len[i]);
		rl = strlen(red);
		for (;;) {
			uint8_t *hit =
				at < b.len ? memmem(b.data + at, b.len - at, r.secret[i], r.len[i])
					   : NULL;
			if (!hit)
				break;
			size_t off = (size_t)(hit - b.data), tail = b.len - off - r.len[i];
			if (rl > r.len[i] && (error = vigil_buf_grow(&b, rl - r.len[i])) < 0)
				goto done;
			memmove(b.data + off + rl, b.data + off + r.len[i], tail);
			memcpy(b.data + off, red, rl);
			b.len = off + rl + tail;
			at = off + rl;
		}
	}
	if ((error = vigil_buf_cstr(&b)) < 0)
		goto done;
	*out = (char *)b.data;
	b.data = NULL;
	error = 0;
done:
	for (size_t i = 0; i < r.n; i++)
		free(r.secret[i]);
	vigil_buf_free(&b);
	vigil_secret__worker_free(w);
	return error;
}
