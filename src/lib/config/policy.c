/*
 * policy.c - the `checks:` section of a policy file: checks to skip, severity
 * overrides and allowed registries, read into vigil_config_opts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/yamlload.h"

#define MAX_POLICY (1u << 20)

/* A NULL-terminated copy of a sequence of scalars, or of one scalar. */
static int str_list(char ***out, vigil_ctx *ctx, const char *path, const vigil_ynode *seq, bool ids)
{
	size_t n = seq->kind == VIGIL_YSEQ ? seq->n : 1;
	char **v = calloc(n + 1, sizeof(char *));
	*out = v;
	if (!v)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const vigil_ynode *it = seq->kind == VIGIL_YSEQ ? seq->items[i] : seq;
		const char *s = vigil_yaml__str(it);
		if (!s)
			return vigil_error_set(ctx, VIGIL_EFORMAT, "%s line %d: expected a string",
					       path, it->line);
		if (ids && !vigil_config__check(s))
			return vigil_error_set(ctx, VIGIL_EINVAL, "%s line %d: no check '%s'", path,
					       it->line, s);
		if (!(v[i] = strdup(s)))
			return VIGIL_ENOMEM;
	}
	return 0;
}

static const char *severity_name(const char *s)
{
	static const char *const names[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(names); i++)
		if (strcasecmp(s, names[i]) == 0)
			return names[i];
	return NULL;
}

static int severities(vigil_config_opts *out, vigil_ctx *ctx, const char *path,
		      const vigil_ynode *m)
{
	char **ids, **sev;
	if (m->kind != VIGIL_YMAP)
		return vigil_error_set(ctx, VIGIL_EFORMAT, "%s line %d: severity must be a mapping",
				       path, m->line);
	ids = calloc(m->n + 1, sizeof(char *));
	sev = calloc(m->n + 1, sizeof(char *));
	out->override_ids = (const char *const *)ids;
	out->override_severities = (const char *const *)sev;
	if (!ids || !sev)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		const char *id = vigil_yaml__str(m->items[2 * i]);
		const char *s = vigil_yaml__str(m->items[2 * i + 1]), *canon;
		int line = m->items[2 * i]->line;
		if (!id || !vigil_config__check(id))
			return vigil_error_set(ctx, VIGIL_EINVAL, "%s line %d: no check '%s'", path,
					       line, id ? id : "?");
		if (!s || !(canon = severity_name(s)))
			return vigil_error_set(ctx, VIGIL_EINVAL,
					       "%s line %d: severity must be CRITICAL, HIGH, "
					       "MEDIUM or LOW",
					       path, line);
		if (!(ids[i] = strdup(id)) || !(sev[i] = strdup(canon)))
			return VIGIL_ENOMEM;
	}
	return 0;
}

/* The settings each check accepts in the policy's `checks: settings: {ID: {KEY: V}}`. */
static const struct {
	const char *id, *key;
} SETTINGS[] = {
	{"VGL-K8S-017", "k8s_version"}, {"VGL-K8S-037", "min_uid"},  {"VGL-K8S-037", "min_gid"},
	{"VGL-DF-050", "required"},	{"VGL-DF-050", "url"},	     {"VGL-DF-050", "rfc3339"},
	{"VGL-DF-050", "semver"},	{"VGL-DF-050", "spdx"},	     {"VGL-DF-050", "hash"},
	{"VGL-DF-050", "email"},	{"VGL-K8S-046", "min_port"},
};

static bool setting_known(const char *id, const char *key)
{
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(SETTINGS); i++)
		if (!strcmp(SETTINGS[i].id, id) && !strcmp(SETTINGS[i].key, key))
			return true;
	return false;
}

/* A scalar, or a sequence of scalars joined with ',', copied. */
static char *setting_value(const vigil_ynode *v)
{
	vigil_buf b = VIGIL_BUF_INIT;
	char *r = NULL;
	size_t n = v->kind == VIGIL_YSEQ ? v->n : 1;
	if (v->kind == VIGIL_YMAP)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *s = vigil_yaml__str(v->kind == VIGIL_YSEQ ? v->items[i] : v);
		if (!s || (i && vigil_buf_putc(&b, ',') < 0) || vigil_buf_puts(&b, s) < 0)
			goto done;
	}
	if (vigil_buf_cstr(&b) >= 0)
		r = strdup(b.data ? (const char *)b.data : "");
done:
	vigil_buf_free(&b);
	return r;
}

/* checks: settings: {ID: {KEY: VALUE}} into triples id, key, value. */
static int settings(vigil_config_opts *out, vigil_ctx *ctx, const char *path, const vigil_ynode *m)
{
	vigil_vec v = VIGIL_VEC_INIT(char *);
	int error = 0;
	if (m->kind != VIGIL_YMAP)
		return vigil_error_set(ctx, VIGIL_EFORMAT, "%s line %d: settings must be a mapping",
				       path, m->line);
	for (size_t i = 0; i < m->n && error >= 0; i++) {
		const char *id = vigil_yaml__str(m->items[2 * i]);
		const vigil_ynode *kv = m->items[2 * i + 1];
		if (!id || !vigil_config__check(id)) {
			error = vigil_error_set(ctx, VIGIL_EINVAL, "%s line %d: no check '%s'",
						path, m->items[2 * i]->line, id ? id : "?");
			break;
		}
		if (kv->kind != VIGIL_YMAP) {
			error = vigil_error_set(ctx, VIGIL_EFORMAT,
						"%s line %d: settings of %s must be a mapping",
						path, kv->line, id);
			break;
		}
		for (size_t k = 0; k < kv->n && error >= 0; k++) {
			const char *key = vigil_yaml__str(kv->items[2 * k]);
			char *val, **slot;
			if (!key || !setting_known(id, key)) {
				error = vigil_error_set(
					ctx, VIGIL_EINVAL, "%s line %d: %s has no setting '%s'",
					path, kv->items[2 * k]->line, id, key ? key : "?");
				break;
			}
			if (!(val = setting_value(kv->items[2 * k + 1]))) {
				error = vigil_error_set(
					ctx, VIGIL_EFORMAT,
					"%s line %d: %s.%s must be a value or a list", path,
					kv->items[2 * k + 1]->line, id, key);
				break;
			}
			const char *trip[3] = {id, key, val};
			for (int t = 0; t < 3 && error >= 0; t++) {
				char *d = t == 2 ? val : strdup(trip[t]);
				if (!d || !(slot = vigil_vec_push(&v))) {
					free(d);
					error = VIGIL_ENOMEM;
				} else {
					*slot = d;
				}
			}
			if (error >= 0 && !strcmp(key, "k8s_version") && !out->k8s_version &&
			    !(out->k8s_version = strdup(val)))
				error = VIGIL_ENOMEM;
		}
	}
	if (error >= 0) {
		char **slot = vigil_vec_push(&v);
		if (!slot)
			error = VIGIL_ENOMEM;
		else
			*slot = NULL;
	}
	if (error < 0) {
		for (size_t i = 0; i < v.len; i++)
			free(VIGIL_VEC_AT(&v, char *, i));
		vigil_vec_free(&v);
		return error;
	}
	out->settings = (const char *const *)v.data; /* the vector's storage is handed over */
	return 0;
}

static int read_all(vigil_ctx *ctx, const char *path, char **out, size_t *len)
{
	FILE *f = vigil_fopen_regular(path);
	char *buf;
	size_t n;
	*out = NULL;
	if (!f)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO, "%s: %s",
				       path, vigil_open_strerror(errno));
	if (!(buf = malloc(MAX_POLICY + 1))) {
		fclose(f);
		return VIGIL_ENOMEM;
	}
	n = fread(buf, 1, MAX_POLICY + 1, f);
	fclose(f);
	if (n > MAX_POLICY) {
		free(buf);
		return vigil_error_set(ctx, VIGIL_ELIMIT, "%s: larger than %u bytes", path,
				       MAX_POLICY);
	}
	*out = buf;
	*len = n;
	return 0;
}

int vigil_config_policy_load(vigil_config_opts *out, vigil_ctx *ctx, const char *path)
{
	vigil_ystream *y = NULL;
	const vigil_ynode *checks, *n;
	char *buf = NULL;
	size_t len = 0;
	int error;
	memset(out, 0, sizeof(*out));
	if ((error = read_all(ctx, path, &buf, &len)) < 0)
		return error;
	if ((error = vigil_yaml__load(&y, ctx, buf, len)) < 0 && !y)
		goto done;
	if (y->error[0]) { /* a syntax error or a limit: name the file */
		error = error == VIGIL_ELIMIT ? error : VIGIL_EFORMAT;
		error = vigil_error_set(ctx, error, "%s line %d: %s", path, y->error_line,
					y->error);
		goto done;
	}
	checks = y->ndocs ? vigil_yaml__get(y->docs[0], "checks") : NULL;
	if ((n = vigil_yaml__get(checks, "skip")) &&
	    (error = str_list((char ***)&out->skip, ctx, path, n, true)) < 0)
		goto done;
	if ((n = vigil_yaml__get(checks, "allowed_registries")) &&
	    (error = str_list((char ***)&out->allowed_registries, ctx, path, n, false)) < 0)
		goto done;
	if ((n = vigil_yaml__get(checks, "severity")) &&
	    (error = severities(out, ctx, path, n)) < 0)
		goto done;
	if ((n = vigil_yaml__get(checks, "settings")) && (error = settings(out, ctx, path, n)) < 0)
		goto done;
done:
	if (error == VIGIL_ENOMEM)
		vigil_error_set(ctx, error, "out of memory reading %s", path);
	if (error < 0)
		vigil_config_policy_free(out);
	vigil_yaml__free(y);
	free(buf);
	return error;
}

static void free_list(const char *const *v)
{
	for (const char *const *p = v; p && *p; p++)
		free((void *)*p);
	free((void *)v);
}

void vigil_config_policy_free(vigil_config_opts *opts)
{
	if (!opts)
		return;
	free_list(opts->skip);
	free_list(opts->override_ids);
	free_list(opts->override_severities);
	free_list(opts->allowed_registries);
	free_list(opts->settings);
	free((void *)opts->k8s_version);
	memset(opts, 0, sizeof(*opts));
}
