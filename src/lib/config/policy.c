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
	memset(opts, 0, sizeof(*opts));
}
