/*
 * result.c - the check registry (every kind's table, merged and sorted) and the result
 * set that checks add findings to, with the options' skips and severity overrides.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static const vigil_check_info *const TABLES[] = {
	vigil_config__checks_image,
	vigil_config__checks_host,
	vigil_config__checks_dockerfile,
	vigil_config__checks_k8s,
};

static vigil_check_info *all_checks;
static size_t all_count;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const vigil_check_info *)a)->id, ((const vigil_check_info *)b)->id);
}

static void build_all(void)
{
	size_t n = 0, k = 0;
	for (size_t t = 0; t < VIGIL_ARRAY_LEN(TABLES); t++)
		for (const vigil_check_info *c = TABLES[t]; c->id; c++)
			n++;
	if (!(all_checks = calloc(n ? n : 1, sizeof(*all_checks))))
		return;
	for (size_t t = 0; t < VIGIL_ARRAY_LEN(TABLES); t++)
		for (const vigil_check_info *c = TABLES[t]; c->id; c++)
			all_checks[k++] = *c;
	vigil_qsort(all_checks, n, sizeof(*all_checks), by_id);
	all_count = n;
}

const vigil_check_info *vigil_config_checks(size_t *n)
{
	pthread_once(&all_once, build_all);
	*n = all_count;
	return all_checks;
}

const vigil_check_info *vigil_config__check(const char *id)
{
	vigil_check_info key = {0};
	size_t n;
	const vigil_check_info *all = vigil_config_checks(&n);
	key.id = id;
	return vigil_bsearch(&key, all, n, sizeof(*all), by_id);
}

int vigil_config__result_new(vigil_config_result **out, const vigil_config_opts *opts)
{
	vigil_config_result *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return VIGIL_ENOMEM;
	vigil_arena_init(&r->arena);
	r->findings = (vigil_vec)VIGIL_VEC_INIT(vigil_config_finding);
	r->nsnotes = (vigil_vec)VIGIL_VEC_INIT(vigil_k8s_nsnote);
	r->opts = opts;
	*out = r;
	return 0;
}

static int listed(const char *const *v, const char *id)
{
	for (; v && *v; v++)
		if (strcmp(*v, id) == 0)
			return 1;
	return 0;
}

int vigil_config__add(vigil_config_result *r, const char *id, const char *file, int line,
		      const char *object, int layer, const char *fmt, ...)
{
	const vigil_check_info *c = vigil_config__check(id);
	vigil_config_finding *f;
	const char *sev;
	char msg[1024];
	va_list ap;
	if (!c)
		return VIGIL_EINVAL;
	if (r->opts && listed(r->opts->skip, id))
		return 0;
	sev = c->severity;
	if (r->opts && r->opts->override_ids && r->opts->override_severities)
		for (size_t i = 0; r->opts->override_ids[i] && r->opts->override_severities[i]; i++)
			if (strcmp(r->opts->override_ids[i], id) == 0)
				sev = r->opts->override_severities[i];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!(f = vigil_vec_push(&r->findings)))
		return VIGIL_ENOMEM;
	f->check = c;
	f->line = line;
	f->layer = layer;
	if (!(f->severity = vigil_arena_strdup(&r->arena, sev)) ||
	    !(f->message = vigil_arena_strdup(&r->arena, msg)) ||
	    (file && !(f->file = vigil_arena_strdup(&r->arena, file))) ||
	    (object && !(f->object = vigil_arena_strdup(&r->arena, object)))) {
		r->findings.len--;
		return VIGIL_ENOMEM;
	}
	return 0;
}

const char *vigil_config__setting(const vigil_config_opts *opts, const char *id, const char *key)
{
	const char *const *v = opts ? opts->settings : NULL;
	for (; v && v[0] && v[1] && v[2]; v += 3)
		if (!strcmp(v[0], id) && !strcmp(v[1], key))
			return v[2];
	return NULL;
}

static int cmpstr(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int by_place(const void *pa, const void *pb)
{
	const vigil_config_finding *a = pa, *b = pb;
	int d;
	if ((d = cmpstr(a->file, b->file)) != 0)
		return d;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((d = strcmp(a->check->id, b->check->id)) != 0)
		return d;
	return cmpstr(a->object, b->object);
}

void vigil_config__result_done(vigil_config_result *r)
{
	vigil_qsort(r->findings.data, r->findings.len, sizeof(vigil_config_finding), by_place);
	r->opts = NULL;
}

size_t vigil_config_result_count(const vigil_config_result *r)
{
	return r ? r->findings.len : 0;
}

const vigil_config_finding *vigil_config_result_get(const vigil_config_result *r, size_t i)
{
	return r && i < r->findings.len ? &VIGIL_VEC_AT(&r->findings, vigil_config_finding, i)
					: NULL;
}

size_t vigil_config_result_files(const vigil_config_result *r)
{
	return r ? r->files : 0;
}

void vigil_config_result_free(vigil_config_result *r)
{
	if (!r)
		return;
	vigil_vec_free(&r->findings);
	vigil_vec_free(&r->nsnotes);
	vigil_arena_clear(&r->arena);
	free(r);
}

/* Known shapes only: letters then digits (DL3002, DS002, KSV017) or CWE-n / CVE-y-n. */
const char *vigil_config_ref_url(char *buf, size_t n, const char *ref, size_t len)
{
	size_t p = 0, d;
	char low[24];
	if (!buf || !n || !ref || len == 0 || len >= sizeof(low))
		return NULL;
	while (p < len && isupper((unsigned char)ref[p]))
		p++;
	for (d = p; d < len && isdigit((unsigned char)ref[d]); d++)
		;
	if (p >= 2 && p <= 3 && d == len && d > p) {
		for (size_t i = 0; i < len; i++)
			low[i] = (char)tolower((unsigned char)ref[i]);
		low[len] = 0;
		if (p == 2 && ref[0] == 'D' && ref[1] == 'L')
			snprintf(buf, n, "https://github.com/hadolint/hadolint/wiki/%.*s", (int)len,
				 ref);
		else if ((p == 2 && ref[0] == 'D' && ref[1] == 'S') ||
			 (p == 3 && !strncmp(ref, "KSV", 3)))
			snprintf(buf, n, "https://avd.aquasec.com/misconfig/%s", low);
		else
			return NULL;
		return buf;
	}
	if (len > 4 && !strncmp(ref, "CWE-", 4) && strspn(ref + 4, "0123456789") == len - 4)
		snprintf(buf, n, "https://cwe.mitre.org/data/definitions/%.*s.html", (int)(len - 4),
			 ref + 4);
	else if (len > 9 && !strncmp(ref, "CVE-", 4) && strspn(ref + 4, "0123456789-") == len - 4)
		snprintf(buf, n, "https://nvd.nist.gov/vuln/detail/%.*s", (int)len, ref);
	else
		return NULL;
	return buf;
}
