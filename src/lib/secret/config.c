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
