/*
 * Mirrors from a containers-registries.conf(5) file, the one skopeo, podman and buildah
 * read (TOML, version 2): each [[registry]] names a prefix (or only a location) and its
 * [[registry.mirror]] entries; they become the "HOST=MIRROR[/PREFIX]" rules of
 * --registry-mirror. What this reader does not apply (a prefix with a path or a
 * wildcard, a registry `location` that rewrites names, `blocked`, digest-only mirrors)
 * is skipped and reported, never half-applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../vulndb/lang.h"
#include "registry.h"
#include "util/util.h"

#define MAX_CONF (1u << 20)
#define MAX_ENTRIES 64

void vigil_registry_conf_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

/* Appends a copy of s to the NULL-terminated list (at most MAX_ENTRIES). */
static int list_add(char ***list, size_t *n, const char *s)
{
	char **l;
	if (*n >= MAX_ENTRIES)
		return VIGIL_ELIMIT;
	if (!(l = realloc(*list, (*n + 2) * sizeof(*l))))
		return VIGIL_ENOMEM;
	*list = l;
	if (!(l[*n] = strdup(s)))
		return VIGIL_ENOMEM;
	l[++*n] = NULL;
	return 0;
}

/* "https://"/"http://" and a trailing '/' dropped from a location, in out. */
static void bare_location(char *out, size_t n, const char *loc)
{
	if (strncmp(loc, "https://", 8) == 0)
		loc += 8;
	else if (strncmp(loc, "http://", 7) == 0)
		loc += 7;
	snprintf(out, n, "%s", loc);
	size_t k = strlen(out);
	while (k && out[k - 1] == '/')
		out[--k] = '\0';
}

static void skip(int *skipped, char *why, size_t whyn, const char *fmt, const char *what)
{
	if (!*skipped)
		snprintf(why, whyn, fmt, what);
	++*skipped;
}

int vigil_reg__conf_parse(char ***mirrors, char ***insecure, int *skipped, const char *text,
			  size_t len, const char *path, char *why, size_t whyn)
{
	char perr[200] = "";
	size_t nm = 0, ni = 0;
	json_t *doc = NULL, *regs;
	int error = 0;

	*mirrors = *insecure = NULL;
	*skipped = 0;
	why[0] = '\0';
	if (len > MAX_CONF) {
		snprintf(why, whyn, "%s: larger than 1 MiB", path);
		return VIGIL_ELIMIT;
	}
	if (!(doc = vigil_toml_parse(text, len, perr, sizeof(perr)))) {
		snprintf(why, whyn, "%s: not a registries.conf (TOML): %s", path, perr);
		error = VIGIL_EFORMAT;
		goto done;
	}
	regs = json_object_get(doc, "registry");
	if (regs && !json_is_array(regs)) {
		snprintf(why, whyn, "%s: 'registry' must be [[registry]] tables", path);
		error = VIGIL_EFORMAT;
		goto done;
	}
	size_t i;
	json_t *reg;
	json_array_foreach(regs, i, reg)
	{
		const char *prefix = json_string_value(json_object_get(reg, "prefix"));
		const char *loc = json_string_value(json_object_get(reg, "location"));
		json_t *ms = json_object_get(reg, "mirror");
		char host[300], rloc[300], rule[700], m[300];
		size_t k;
		json_t *mi;
		if (!json_is_object(reg) || (!prefix && !loc)) {
			snprintf(why, whyn, "%s: a [[registry]] without prefix or location", path);
			error = VIGIL_EFORMAT;
			goto done;
		}
		bare_location(host, sizeof(host), prefix ? prefix : loc);
		if (json_is_true(json_object_get(reg, "blocked"))) {
			skip(skipped, why, whyn, "registry %.200s: 'blocked' is not applied", host);
			continue;
		}
		if (!ms || (json_is_array(ms) && json_array_size(ms) == 0))
			continue; /* only settings of the registry itself */
		if (!json_is_array(ms)) {
			snprintf(why, whyn, "%s: %s: 'mirror' must be [[registry.mirror]] tables",
				 path, host);
			error = VIGIL_EFORMAT;
			goto done;
		}
		if (strchr(host, '/') || strchr(host, '*')) {
			skip(skipped, why, whyn,
			     "registry %.200s: a prefix with a path or a wildcard is not applied",
			     host);
			continue;
		}
		if (prefix && loc) {
			bare_location(rloc, sizeof(rloc), loc);
			if (strcmp(rloc, host) != 0) {
				skip(skipped, why, whyn,
				     "registry %.200s: a location that rewrites the prefix is not "
				     "applied",
				     host);
				continue;
			}
		}
		int reg_digest_only = json_is_true(json_object_get(reg, "mirror-by-digest-only"));
		json_array_foreach(ms, k, mi)
		{
			const char *ml = json_string_value(json_object_get(mi, "location"));
			const char *pf = json_string_value(json_object_get(mi, "pull-from-mirror"));
			const char *reason;
			if (!json_is_object(mi) || !ml || !*ml) {
				snprintf(why, whyn, "%s: %s: a mirror without a location", path,
					 host);
				error = VIGIL_EFORMAT;
				goto done;
			}
			if ((pf && strcmp(pf, "all") != 0) || (!pf && reg_digest_only)) {
				skip(skipped, why, whyn,
				     "registry %.200s: a digest-only or tag-only mirror is not "
				     "applied",
				     host);
				continue;
			}
			bare_location(m, sizeof(m), ml);
			snprintf(rule, sizeof(rule), "%s=%s", host, m);
			if (vigil_registry_mirror_check(rule, &reason) < 0) {
				snprintf(why, whyn, "%s: mirror %.200s of %.200s: %s", path, m,
					 host, reason);
				error = VIGIL_EFORMAT;
				goto done;
			}
			if ((error = list_add(mirrors, &nm, rule)) < 0)
				goto full;
			if (json_is_true(json_object_get(mi, "insecure"))) {
				size_t slash = strcspn(m, "/");
				m[slash] = '\0';
				if ((error = list_add(insecure, &ni, m)) < 0)
					goto full;
			}
		}
	}
	goto done;
full:
	if (error == VIGIL_ELIMIT)
		snprintf(why, whyn, "%s: more than %d mirrors", path, MAX_ENTRIES);
done:
	for (char *p = why; *p; p++) /* the file's text: no terminal controls */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	if (error < 0) {
		vigil_registry_conf_free(*mirrors);
		vigil_registry_conf_free(*insecure);
		*mirrors = *insecure = NULL;
	}
	json_decref(doc);
	return error;
}

int vigil_registry_conf_read(char ***mirrors, char ***insecure, int *skipped, const char *path,
			     char *why, size_t whyn)
{
	FILE *f;
	char *text;
	size_t len;
	int error;

	*mirrors = *insecure = NULL;
	*skipped = 0;
	if (!(f = vigil_fopen_regular(path))) { /* a FIFO or device is refused, not waited on */
		snprintf(why, whyn, "%s: %s", path, vigil_open_strerror(errno));
		return VIGIL_EIO;
	}
	if (!(text = malloc(MAX_CONF + 1))) {
		fclose(f);
		return VIGIL_ENOMEM;
	}
	len = fread(text, 1, MAX_CONF + 1, f);
	if (ferror(f)) {
		snprintf(why, whyn, "%s: read error", path);
		error = VIGIL_EIO;
	} else {
		error = vigil_reg__conf_parse(mirrors, insecure, skipped, text, len, path, why,
					      whyn);
	}
	free(text);
	fclose(f);
	return error;
}
