/*
 * sbomin.c - SBOM input (`vigil scan sbom:FILE`): sniffs CycloneDX JSON, SPDX JSON or SPDX
 * tag-value, turns every package with a package URL into an inventory entry, and leaves
 * the rest (files, CPE-only components) out with one warning. The file is untrusted: its
 * size is capped at 16 x --max-json-size, nesting and package counts are bounded.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbomin/sbomin.h"

/* ---- package URLs ---- */

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Percent-decodes [p, p+n) into the arena; NUL bytes are refused (NULL, *bad = 1). */
static const char *decode(vigil_arena *a, const char *p, size_t n, int *bad)
{
	char *o = vigil_arena_alloc(a, n + 1);
	size_t k = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (p[i] == '%' && i + 2 < n && (h = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)p[i + 2])) >= 0) {
			char c = (char)(h * 16 + l);
			if (c == '\0') {
				*bad = 1;
				return NULL;
			}
			o[k++] = c;
			i += 2;
		} else {
			o[k++] = p[i];
		}
	}
	o[k] = '\0';
	return o;
}

int vigil_sbomin__purl_parse(vigil_purl *out, vigil_arena *a, const char *s)
{
	const char *p, *end, *q, *at, *slash;
	int bad = 0;
	memset(out, 0, sizeof(*out));
	if (!s || strncasecmp(s, "pkg:", 4) != 0)
		return VIGIL_EFORMAT;
	p = s + 4;
	while (*p == '/')
		p++;
	end = p + strcspn(p, "#");
	q = memchr(p, '?', (size_t)(end - p));
	/* qualifiers */
	for (const char *k = q ? q + 1 : end; k < end;) {
		const char *amp = memchr(k, '&', (size_t)(end - k));
		const char *e = amp ? amp : end, *eq = memchr(k, '=', (size_t)(e - k));
		if (eq) {
			size_t kl = (size_t)(eq - k);
			const char **dst = kl == 4 && !strncasecmp(k, "arch", 4)     ? &out->arch
					   : kl == 6 && !strncasecmp(k, "distro", 6) ? &out->distro
					   : kl == 5 && !strncasecmp(k, "epoch", 5)  ? &out->epoch
					   : kl == 8 && !strncasecmp(k, "upstream", 8)
						   ? &out->upstream
						   : NULL;
			if (dst && !(*dst = decode(a, eq + 1, (size_t)(e - eq - 1), &bad)))
				return bad ? VIGIL_EFORMAT : VIGIL_ENOMEM;
		}
		k = amp ? amp + 1 : end;
	}
	if (q)
		end = q;
	while (end > p && end[-1] == '/')
		end--;
	/* type */
	slash = memchr(p, '/', (size_t)(end - p));
	if (!slash || slash == p)
		return VIGIL_EFORMAT;
	char *type = vigil_arena_strndup(a, p, (size_t)(slash - p));
	if (!type)
		return VIGIL_ENOMEM;
	for (char *t = type; *t; t++) {
		*t = (char)tolower((unsigned char)*t);
		if (!isalnum((unsigned char)*t) && *t != '.' && *t != '+' && *t != '-')
			return VIGIL_EFORMAT;
	}
	out->type = type;
	p = slash + 1;
	while (p < end && *p == '/')
		p++;
	/* version: after the last '@' of the last segment */
	const char *last = p;
	for (const char *t = p; t < end; t++)
		if (*t == '/')
			last = t + 1;
	at = NULL;
	for (const char *t = last; t < end; t++)
		if (*t == '@' && t > last)
			at = t;
	if (at) {
		if (!(out->version = decode(a, at + 1, (size_t)(end - at - 1), &bad)))
			return bad ? VIGIL_EFORMAT : VIGIL_ENOMEM;
		end = at;
	}
	if (last == end)
		return VIGIL_EFORMAT; /* no name */
	if (!(out->name = decode(a, last, (size_t)(end - last), &bad)))
		return bad ? VIGIL_EFORMAT : VIGIL_ENOMEM;
	if (last > p + 1) {
		if (!(out->ns = decode(a, p, (size_t)(last - 1 - p), &bad)))
			return bad ? VIGIL_EFORMAT : VIGIL_ENOMEM;
	}
	if (!*out->name)
		return VIGIL_EFORMAT;
	return 0;
}

/* ---- entries ---- */

static const char *dup_opt(vigil_arena *a, const char *s, int *error)
{
	char *d;
	if (!s || !*s)
		return NULL;
	if (!(d = vigil_arena_strdup(a, s)))
		*error = VIGIL_ENOMEM;
	return d;
}

/* "debian-12" -> (debian, 12); "alpine-3.18.4" -> (alpine, 3.18.4). */
static int distro_from_qualifier(vigil_sbomin *s, const char *q)
{
	const char *dash = strrchr(q, '-');
	char id[64];
	if (!dash || dash == q || (size_t)(dash - q) >= sizeof(id) ||
	    !isdigit((unsigned char)dash[1]))
		return 0;
	memcpy(id, q, (size_t)(dash - q));
	id[dash - q] = '\0';
	return vigil_sbomin__distro(s, id, dash + 1);
}

int vigil_sbomin__distro(vigil_sbomin *s, const char *id, const char *version)
{
	vigil_distro *d = vigil_inventory__distro_mut(s->inv);
	vigil_arena *a = vigil_inventory__arena(s->inv);
	char low[64];
	size_t n;
	if (d->id || !id || !*id || (n = strlen(id)) >= sizeof(low))
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)id[i]);
	/* names other tools use for the OS component */
	const char *canon = !strcmp(low, "rhel") || !strcmp(low, "redhat")	     ? "rhel"
			    : !strcmp(low, "alma")				     ? "almalinux"
			    : !strcmp(low, "mariner") || !strcmp(low, "cbl-mariner") ? "mariner"
										     : low;
	if (!(d->id = vigil_arena_strdup(a, canon)) ||
	    (version && *version && !(d->version_id = vigil_arena_strdup(a, version))))
		return VIGIL_ENOMEM;
	d->family = !strcmp(canon, "ubuntu") ? "debian" : d->id;
	d->eol = vigil_catalog__eol(d->id, d->version_id);
	return 0;
}

static int is_os_type(const char *t)
{
	return !strcmp(t, "deb") || !strcmp(t, "apk") || !strcmp(t, "rpm");
}

int vigil_sbomin__add(vigil_sbomin *s, const vigil_sbomin_entry *e)
{
	vigil_arena *a = vigil_inventory__arena(s->inv);
	vigil_purl u;
	vigil_pkg *p;
	int error = 0, r;
	if (!e->purl || !*e->purl) {
		s->skipped++;
		return 0;
	}
	if ((r = vigil_sbomin__purl_parse(&u, a, e->purl)) == VIGIL_ENOMEM)
		return VIGIL_ENOMEM;
	if (r < 0) {
		s->bad_purl++;
		return 0;
	}
	if (vigil_inventory_count(s->inv) >= VIGIL_SBOMIN_MAX_PKGS)
		return vigil_error_set(s->ctx, VIGIL_ELIMIT, "%s: more than %d packages", s->name,
				       VIGIL_SBOMIN_MAX_PKGS);
	if (!(p = vigil_arena_alloc(a, sizeof(*p))))
		return VIGIL_ENOMEM;
	memset(p, 0, sizeof(*p));
	p->type = e->type && *e->type ? dup_opt(a, e->type, &error) : u.type;
	p->os_package = is_os_type(p->type);
	/* the name as Vigil's catalogers write it: npm "@scope/name", Go and Composer the
	 * whole path, Maven the artifact with the group apart */
	if (u.ns &&
	    (!strcmp(u.type, "npm") || !strcmp(u.type, "golang") || !strcmp(u.type, "composer") ||
	     !strcmp(u.type, "swift") || !strcmp(u.type, "github"))) {
		size_t n = strlen(u.ns) + strlen(u.name) + 2;
		char *full = vigil_arena_alloc(a, n);
		if (!full)
			return VIGIL_ENOMEM;
		snprintf(full, n, "%s/%s", u.ns, u.name);
		p->name = full;
	} else {
		p->name = u.name;
	}
	if (!strcmp(u.type, "maven") || (!p->os_package && !strcmp(u.type, "generic")))
		p->group = u.ns ? u.ns : dup_opt(a, e->group, &error);
	/* the version: the purl's, else the entry's; rpm epochs go in front */
	const char *v = u.version && *u.version ? u.version : dup_opt(a, e->version, &error);
	if (v && u.epoch && *u.epoch && !strcmp(u.type, "rpm") && !strchr(v, ':')) {
		size_t n = strlen(u.epoch) + strlen(v) + 2;
		char *ev = vigil_arena_alloc(a, n);
		if (!ev)
			return VIGIL_ENOMEM;
		snprintf(ev, n, "%s:%s", u.epoch, v);
		v = ev;
	}
	if (!v || !*v) {
		s->skipped++; /* nothing to compare against advisories */
		return error;
	}
	p->version = v;
	p->arch = e->arch ? dup_opt(a, e->arch, &error) : u.arch;
	p->source_name = dup_opt(a, e->source_name, &error);
	p->source_version = dup_opt(a, e->source_version, &error);
	if (!p->source_name && u.upstream && *u.upstream) {
		/* "upstream=openssl" or "upstream=glibc@2.36-9" */
		const char *at = strchr(u.upstream, '@');
		if (at) {
			p->source_name =
				vigil_arena_strndup(a, u.upstream, (size_t)(at - u.upstream));
			if (!p->source_version && at[1])
				p->source_version = dup_opt(a, at + 1, &error);
		} else {
			p->source_name = u.upstream;
		}
	}
	p->modularity = dup_opt(a, e->modularity, &error);
	p->purl = dup_opt(a, e->purl, &error);
	/* every package has a location and a cataloger (empty strings count as absent) */
	if (!(p->location = dup_opt(a, e->location, &error)))
		p->location = s->name;
	if (!(p->cataloger = dup_opt(a, e->cataloger, &error)))
		p->cataloger = "sbom";
	p->layer = e->layer;
	p->flags = e->flags;
	if (error < 0)
		return error;
	if (p->os_package && u.distro && (error = distro_from_qualifier(s, u.distro)) < 0)
		return error;
	return vigil_inventory__push(s->inv, p);
}

/* ---- loading ---- */

int vigil_sbomin_load_buffer(vigil_inventory **out, vigil_ctx *ctx, const char *name,
			     const char *data, size_t len)
{
	vigil_sbomin s;
	json_t *root = NULL;
	json_error_t je;
	size_t i = 0;
	int error;
	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.name = name;
	if (len > ctx->limits.max_json_size * 16)
		return vigil_error_set(ctx, VIGIL_ELIMIT,
				       "%s: SBOM larger than 16 x --max-json-size", name);
	if ((error = vigil_inventory__new_empty(&s.inv)) < 0)
		return error;
	if (!(s.name = vigil_arena_strdup(vigil_inventory__arena(s.inv), name))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		i = 3; /* a UTF-8 byte order mark */
	while (i < len && isspace((unsigned char)data[i]))
		i++;
	if (i < len && data[i] == '{') {
		root = json_loadb(data + i, len - i, JSON_REJECT_DUPLICATES, &je);
		if (!root) {
			error = vigil_error_set(ctx, VIGIL_EFORMAT, "%s:%d: malformed JSON: %s",
						name, je.line, je.text);
			goto done;
		}
		json_t *bf = json_object_get(root, "bomFormat");
		if (json_is_string(bf) && !strcmp(json_string_value(bf), "CycloneDX"))
			error = vigil_sbomin__cyclonedx(&s, root);
		else if (json_is_string(json_object_get(root, "spdxVersion")))
			error = vigil_sbomin__spdx_json(&s, root);
		else if (json_is_array(json_object_get(root, "packages")))
			error = vigil_error_set(ctx, VIGIL_EFORMAT,
						"%s: a Vigil inventory, not an SBOM: use 'vigil "
						"scan --rematch %s'",
						name, name);
		else
			error = vigil_error_set(ctx, VIGIL_EFORMAT,
						"%s: not a CycloneDX or SPDX JSON document (no "
						"bomFormat or spdxVersion)",
						name);
	} else if (i < len && data[i] == '<') {
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"%s: XML SBOMs are not read: write CycloneDX or SPDX as JSON", name);
	} else if (len - i >= 12 && !strncmp(data + i, "SPDXVersion:", 12)) {
		error = vigil_sbomin__spdx_tv(&s, data + i, len - i);
	} else {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: not an SBOM (CycloneDX JSON, SPDX JSON or SPDX "
					"tag-value)",
					name);
	}
	if (error < 0)
		goto done;
	if (s.skipped || s.bad_purl)
		vigil_warn(ctx,
			   "%s: %zu entries without a package URL or version and %zu with an "
			   "unreadable one were not matched",
			   name, s.skipped, s.bad_purl);
	*out = s.inv;
	s.inv = NULL;
done:
	json_decref(root);
	vigil_inventory_free(s.inv);
	return error;
}

int vigil_sbomin_load(vigil_inventory **out, vigil_ctx *ctx, const char *path)
{
	vigil_buf b = VIGIL_BUF_INIT;
	FILE *f;
	int error;
	*out = NULL;
	if (!(f = vigil_fopen_regular(path)))
		return vigil_error_set(ctx, VIGIL_EIO, "cannot read %s: %s", path,
				       vigil_open_strerror(errno));
	b.limit = ctx->limits.max_json_size * 16;
	error = vigil_buf_fread_all(&b, f);
	fclose(f);
	if (error < 0) {
		vigil_buf_free(&b);
		return error == VIGIL_ENOMEM ? error
		       : error == VIGIL_ELIMIT
			       ? vigil_error_set(ctx, error,
						 "%s: SBOM larger than 16 x --max-json-size", path)
			       : vigil_error_set(ctx, error, "%s: read error", path);
	}
	error = vigil_sbomin_load_buffer(out, ctx, path, b.data ? (const char *)b.data : "", b.len);
	vigil_buf_free(&b);
	return error;
}
