/*
 * admission_policy.c - the admission webhook's policy: the `admission:` section of a
 * policy file (YAML or JSON, through the YAML loader that keeps lines) with the issue's
 * defaults, the rest of the file as `vigil scan --policy` reads it (ignore, checks,
 * trust), and the cosign keys it names. docs/admission.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/yamlload.h"
#include "serve/admission.h"
#include "util/util.h"

#define MAX_POLICY (1u << 20)

int vigil_serve__adm_rank(const char *sev)
{
	static const char *const R[] = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
	for (int i = 0; sev && i < 4; i++)
		if (!strcasecmp(sev, R[i]))
			return i + 1;
	return 0;
}

/* ---- the policy -------------------------------------------------------------------------- */

static int perr(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int perr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

static int parse_action(int *out, const char *v, int allow_ignore)
{
	if (v && !strcmp(v, "deny"))
		*out = VIGIL_ADM_DENY;
	else if (v && !strcmp(v, "warn"))
		*out = VIGIL_ADM_WARN;
	else if (v && allow_ignore && !strcmp(v, "ignore"))
		*out = VIGIL_ADM_IGNORE;
	else
		return VIGIL_EINVAL;
	return 0;
}

static int parse_sev(int *out, const char *v)
{
	if (v && !strcasecmp(v, "NONE"))
		*out = VIGIL_ADM_SEV_NONE;
	else if (!(*out = vigil_serve__adm_rank(v)))
		return VIGIL_EINVAL;
	return 0;
}

/* The admission: section of the policy document. */
static int load_section(vigil_admission *a, const vigil_ynode *m, const char *path, char *err,
			size_t errlen)
{
	if (m->kind != VIGIL_YMAP)
		return perr(err, errlen, VIGIL_EFORMAT, "%s:%d: admission must be a mapping", path,
			    m->line);
	for (size_t i = 0; i + 1 < m->n * 2; i += 2) {
		const vigil_ynode *kn = m->items[i], *v = m->items[i + 1];
		const char *k = vigil_yaml__str(kn), *s = vigil_yaml__str(v);
		int bad = 0, b;
		uint64_t u;
		if (!k)
			bad = 1;
		else if (!strcmp(k, "severity"))
			bad = parse_sev(&a->sev, s) < 0;
		else if (!strcmp(k, "kubernetes"))
			bad = parse_sev(&a->k8s_sev, s) < 0;
		else if (!strcmp(k, "fixable_only"))
			bad = (b = vigil_yaml__bool(v)) < 0 || ((a->fixable_only = b), 0);
		else if (!strcmp(k, "kev"))
			bad = parse_action(&a->kev, s, 1) < 0;
		else if (!strcmp(k, "secrets"))
			bad = parse_action(&a->secrets, s, 1) < 0;
		else if (!strcmp(k, "malware"))
			bad = parse_action(&a->malware, s, 1) < 0;
		else if (!strcmp(k, "unknown"))
			bad = parse_action(&a->unknown, s, 0) < 0;
		else if (!strcmp(k, "scan_budget_ms"))
			bad = !s || vigil_parse_uint(&u, s, 60000) < 0 ||
			      ((a->budget_ms = (long)u), 0);
		else if (!strcmp(k, "cache_seconds"))
			bad = !s || vigil_parse_uint(&u, s, 86400) < 0 ||
			      ((a->cache_s = (long)u), 0);
		else if (!strcmp(k, "exclude_namespaces")) {
			if (v->kind != VIGIL_YSEQ)
				bad = 1;
			for (size_t j = 0; !bad && j < v->n; j++) {
				const char *ns = vigil_yaml__str(v->items[j]);
				char **nx =
					ns ? realloc(a->exclude, (a->nexclude + 1) * sizeof(char *))
					   : NULL;
				if (!nx) {
					bad = 1;
					break;
				}
				a->exclude = nx;
				if (!(a->exclude[a->nexclude] = strdup(ns)))
					return perr(err, errlen, VIGIL_ENOMEM, "out of memory");
				a->nexclude++;
			}
		} else
			return perr(err, errlen, VIGIL_EFORMAT,
				    "%s:%d: unknown key in admission (severity, fixable_only, kev, "
				    "secrets, malware, kubernetes, unknown, scan_budget_ms, "
				    "cache_seconds, exclude_namespaces)",
				    path, kn->line);
		if (bad)
			return perr(
				err, errlen, VIGIL_EFORMAT,
				"%s:%d: bad value for admission.%s (severities: CRITICAL, HIGH, "
				"MEDIUM, LOW, NONE; actions: deny, warn, ignore; booleans; "
				"numbers)",
				path, kn->line, k ? k : "?");
	}
	return 0;
}

static int load_file(vigil_admission *a, const char *path, char *err, size_t errlen)
{
	vigil_buf b = VIGIL_BUF_INIT;
	vigil_ystream *ys = NULL;
	int error = 0;
	FILE *f = vigil_fopen_regular(path);
	if (!f)
		return perr(err, errlen, VIGIL_ENOTFOUND, "cannot read the admission policy %s: %s",
			    path, vigil_open_strerror(errno));
	b.limit = MAX_POLICY;
	if ((error = vigil_buf_fread_all(&b, f)) == VIGIL_ELIMIT)
		error = perr(err, errlen, error, "%s: larger than 1 MiB", path);
	else if (error < 0)
		error = perr(err, errlen, error, "%s: %s", path, vigil_strerror(error));
	fclose(f);
	if (error == 0 &&
	    (error = vigil_yaml__load(&ys, a->ctx, b.data ? (char *)b.data : "", b.len)) < 0)
		perr(err, errlen, error, "%s: %s", path,
		     ys && ys->error[0] ? ys->error : "cannot load");
	else if (error == 0 && ys->error[0])
		error = perr(err, errlen, VIGIL_EFORMAT, "%s:%d: %s", path, ys->error_line,
			     ys->error);
	else if (error == 0 && ys->ndocs > 0 && ys->docs[0]) {
		const vigil_ynode *root = ys->docs[0];
		const vigil_ynode *sec = vigil_yaml__get(root, "admission");
		if (root->kind != VIGIL_YMAP)
			error = perr(err, errlen, VIGIL_EFORMAT, "%s: the policy must be a mapping",
				     path);
		else if (sec)
			error = load_section(a, sec, path, err, errlen);
	}
	vigil_yaml__free(ys);
	vigil_buf_free(&b);
	if (error < 0)
		return error;
	/* ignore:, checks: and trust: as `vigil scan --policy` reads them */
	if ((error = vigil_policy_load(&a->policy, a->ctx, path, NULL)) < 0)
		return perr(err, errlen, error, "%s", vigil_ctx_error(a->ctx));
	return 0;
}

int vigil_serve__admission_new(vigil_admission **out, vigil_server *srv, const char *path,
			       char *err, size_t errlen)
{
	vigil_admission *a = calloc(1, sizeof(*a));
	int error;
	*out = NULL;
	if (!a)
		return perr(err, errlen, VIGIL_ENOMEM, "out of memory");
	pthread_mutex_init(&a->mu, NULL);
	/* the defaults of issue 14: deny malware, secrets, KEV and fixable CRITICAL, and
	 * objects failing a HIGH or CRITICAL Kubernetes check; warn on the rest */
	a->sev = vigil_serve__adm_rank("CRITICAL");
	a->fixable_only = 1;
	a->kev = a->secrets = a->malware = VIGIL_ADM_DENY;
	a->unknown = VIGIL_ADM_DENY;
	a->k8s_sev = vigil_serve__adm_rank("HIGH");
	a->budget_ms = 2000;
	a->cache_s = 30;
	if ((error = vigil_ctx_new(&a->ctx)) < 0) {
		perr(err, errlen, error, "out of memory");
		goto done;
	}
	if (path && (error = load_file(a, path, err, errlen)) < 0)
		goto done;
	if (!path || !a->exclude) {
		const char *def = "kube-system";
		if (!(a->exclude = calloc(1, sizeof(char *))) || !(a->exclude[0] = strdup(def))) {
			error = perr(err, errlen, VIGIL_ENOMEM, "out of memory");
			goto done;
		}
		a->nexclude = 1;
	}
	const vigil_trust_policy *tp = a->policy ? vigil_policy_trust(a->policy) : NULL;
	if (tp) {
		a->lists = *tp;
		a->lists.keys = NULL;
		for (size_t i = 0; tp->keys && tp->keys[i]; i++) {
			vigil_trust_key **nk = realloc(a->keys, (a->nkeys + 1) * sizeof(*nk));
			if (!nk) {
				error = perr(err, errlen, VIGIL_ENOMEM, "out of memory");
				goto done;
			}
			a->keys = nk;
			if ((error = vigil_trust_key_load(&a->keys[a->nkeys], a->ctx,
							  tp->keys[i])) < 0) {
				perr(err, errlen, error, "%s", vigil_ctx_error(a->ctx));
				goto done;
			}
			a->nkeys++;
		}
	}
	/* the audit trail's writer; without it each request writes its own row */
	if (srv && srv->store && (a->store = srv->store) &&
	    vigil_serve__adm_audit_start(&a->audit, srv->store) < 0)
		vigil_serve__log("warning",
				 "admission: no audit writer thread, decisions are "
				 "written by the requests",
				 NULL);
	*out = a;
	a = NULL;
	error = 0;
done:
	vigil_serve__admission_free(a);
	return error;
}

void vigil_serve__admission_free(vigil_admission *a)
{
	if (!a)
		return;
	vigil_serve__adm_audit_stop(a->audit); /* every queued decision written first */
	for (size_t i = 0; i < a->nexclude; i++)
		free(a->exclude[i]);
	free(a->exclude);
	for (size_t i = 0; i < a->nkeys; i++)
		vigil_trust_key_free(a->keys[i]);
	free(a->keys);
	vigil_adm_cache *caches[] = {a->resolved, a->sigs, a->verdicts};
	for (size_t c = 0; c < VIGIL_ARRAY_LEN(caches); c++)
		for (size_t i = 0; i < VIGIL_ADM_CACHE_SLOTS; i++) {
			free(caches[c][i].key);
			free(caches[c][i].value);
		}
	vigil_policy_free(a->policy);
	vigil_ctx_free(a->ctx);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
