/*
 * spdx.c - SPDX 2.2 / 2.3 documents, JSON and tag-value: every package with a purl
 * external reference (category PACKAGE-MANAGER or PACKAGE_MANAGER) becomes a package;
 * a package whose purpose is OPERATING-SYSTEM gives the distribution.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbomin/sbomin.h"

static const char *sget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int check_version(vigil_sbomin *s, const char *v)
{
	if (!v || strncmp(v, "SPDX-2.", 7) != 0)
		return vigil_error_set(
			s->ctx, VIGIL_EFORMAT,
			"%s: SPDX version '%.32s' is not read (SPDX-2.2 and 2.3 are)", s->name,
			v ? v : "");
	return 0;
}

/* Vigil's sourceInfo: "TYPE package found by the C cataloger in LOCATION, layer N ...". */
static void vigil_source_info(vigil_sbomin_entry *e, const char *info, vigil_arena *a)
{
	const char *in = info ? strstr(info, " cataloger in ") : NULL, *lay;
	if (!in || !strstr(info, " package found by the "))
		return;
	in += strlen(" cataloger in ");
	if (!(lay = strstr(in, ", layer ")))
		return;
	e->location = vigil_arena_strndup(a, in, (size_t)(lay - in));
	char *end;
	long l = strtol(lay + 8, &end, 10);
	if (end != lay + 8 && l >= -1 && l <= 100000)
		e->layer = (int)l;
	/* "; direct dependency", "; indirect dependency", "; dev", "; optional" */
	for (const char *f = strstr(lay, "; "); f; f = strstr(f + 2, "; ")) {
		const char *t = f + 2;
		size_t n = strcspn(t, ";");
		if (n == 17 && !strncmp(t, "direct dependency", n))
			e->flags |= VIGIL_PKG_DIRECT;
		else if (n == 19 && !strncmp(t, "indirect dependency", n))
			e->flags |= VIGIL_PKG_INDIRECT;
		else if (n == 3 && !strncmp(t, "dev", n))
			e->flags |= VIGIL_PKG_DEV;
		else if (n == 8 && !strncmp(t, "optional", n))
			e->flags |= VIGIL_PKG_OPTIONAL;
		else if (!strncmp(t, "source package ", 15))
			break; /* the source package ends the text */
	}
	/* "; source package NAME [VERSION]" */
	const char *src = strstr(lay, "; source package ");
	if (src) {
		src += strlen("; source package ");
		size_t n = strcspn(src, " ");
		if (n)
			e->source_name = vigil_arena_strndup(a, src, n);
		if (src[n] == ' ' && src[n + 1])
			e->source_version = vigil_arena_strdup(a, src + n + 1);
	}
}

int vigil_sbomin__spdx_json(vigil_sbomin *s, json_t *root)
{
	json_t *pkgs = json_object_get(root, "packages"), *p;
	size_t i;
	int error;
	if ((error = check_version(s, sget(root, "spdxVersion"))) < 0)
		return error;
	s->format = "SPDX";
	if (pkgs && !json_is_array(pkgs))
		return vigil_error_set(s->ctx, VIGIL_EFORMAT, "%s: \"packages\" is not an array",
				       s->name);
	/* the operating system first: purls' distro qualifiers come second */
	json_array_foreach(pkgs, i, p)
	{
		const char *purpose = sget(p, "primaryPackagePurpose");
		if (purpose && !strcmp(purpose, "OPERATING-SYSTEM") &&
		    (error = vigil_sbomin__distro(s, sget(p, "name"), sget(p, "versionInfo"))) < 0)
			return error;
	}
	json_array_foreach(pkgs, i, p)
	{
		vigil_sbomin_entry e = {0};
		json_t *refs = json_object_get(p, "externalRefs"), *r;
		const char *purpose = sget(p, "primaryPackagePurpose");
		size_t k;
		if (!json_is_object(p)) {
			s->skipped++;
			continue;
		}
		if (purpose &&
		    (!strcmp(purpose, "OPERATING-SYSTEM") || !strcmp(purpose, "CONTAINER")))
			continue;
		e.layer = -1;
		e.name = sget(p, "name");
		e.version = sget(p, "versionInfo");
		if (json_is_array(refs))
			json_array_foreach(refs, k, r)
			{
				const char *t = sget(r, "referenceType"),
					   *loc = sget(r, "referenceLocator");
				if (t && loc && !strcmp(t, "purl")) {
					e.purl = loc;
					break;
				}
			}
		vigil_source_info(&e, sget(p, "sourceInfo"), vigil_inventory__arena(s->inv));
		if ((error = vigil_sbomin__add(s, &e)) < 0)
			return error;
	}
	return 0;
}

/* ---- tag-value ---- */

typedef struct tv_pkg {
	int open;
	char *name, *version, *purl, *purpose, *info;
} tv_pkg;

static void tv_clear(tv_pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->purl);
	free(p->purpose);
	free(p->info);
	memset(p, 0, sizeof(*p));
}

static int tv_flush(vigil_sbomin *s, tv_pkg *p)
{
	vigil_sbomin_entry e = {0};
	int error = 0;
	if (!p->open)
		return 0;
	e.layer = -1;
	e.name = p->name;
	e.version = p->version;
	e.purl = p->purl;
	if (p->purpose && !strcmp(p->purpose, "OPERATING-SYSTEM"))
		error = vigil_sbomin__distro(s, p->name, p->version);
	else if (!(p->purpose && !strcmp(p->purpose, "CONTAINER"))) {
		vigil_source_info(&e, p->info, vigil_inventory__arena(s->inv));
		error = vigil_sbomin__add(s, &e);
	}
	tv_clear(p);
	return error;
}

/* Replaces *slot with a copy of [v, v+n). */
static int tv_set(char **slot, const char *v, size_t n)
{
	free(*slot);
	return (*slot = strndup(v, n)) ? 0 : VIGIL_ENOMEM;
}

int vigil_sbomin__spdx_tv(vigil_sbomin *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	tv_pkg pkg = {0};
	int error = 0, seen_version = 0;
	s->format = "SPDX (tag-value)";
	while (p < end && error >= 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p)), *v, *ve;
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (!colon || *line == '#')
			continue;
		size_t tl = (size_t)(colon - line);
		v = colon + 1;
		while (v < le && (*v == ' ' || *v == '\t'))
			v++;
		ve = le;
		if ((size_t)(ve - v) >= 6 && !strncmp(v, "<text>", 6)) {
			/* a value over several lines, up to </text> */
			const char *close = NULL;
			for (const char *q = v + 6; q + 7 <= end; q++)
				if (!memcmp(q, "</text>", 7)) {
					close = q;
					break;
				}
			if (!close) {
				error = vigil_error_set(s->ctx, VIGIL_EFORMAT,
							"%s: <text> without </text>", s->name);
				break;
			}
			v += 6;
			ve = close;
			nl = memchr(close, '\n', (size_t)(end - close));
			p = nl ? nl + 1 : end;
		}
		while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t vl = (size_t)(ve - v);
#define TAG(t) (tl == sizeof(t) - 1 && !strncmp(line, t, tl))
		if (TAG("SPDXVersion")) {
			char vb[40];
			snprintf(vb, sizeof(vb), "%.*s", (int)(vl < 32 ? vl : 32), v);
			if (!seen_version && (error = check_version(s, vb)) < 0)
				break;
			seen_version = 1;
		} else if (TAG("PackageName")) {
			if ((error = tv_flush(s, &pkg)) < 0)
				break;
			pkg.open = 1;
			error = tv_set(&pkg.name, v, vl);
		} else if (TAG("FileName") || TAG("SnippetSPDXID") || TAG("LicenseID")) {
			error = tv_flush(s, &pkg);
		} else if (!pkg.open) {
			continue;
		} else if (TAG("PackageVersion")) {
			error = tv_set(&pkg.version, v, vl);
		} else if (TAG("PrimaryPackagePurpose")) {
			error = tv_set(&pkg.purpose, v, vl);
		} else if (TAG("PackageSourceInfo")) {
			error = tv_set(&pkg.info, v, vl);
		} else if (TAG("ExternalRef") && !pkg.purl) {
			/* "PACKAGE-MANAGER purl pkg:deb/debian/bash@5.2" */
			const char *a = v, *b;
			while (a < ve && *a != ' ' && *a != '\t')
				a++;
			while (a < ve && (*a == ' ' || *a == '\t'))
				a++;
			b = a;
			while (b < ve && *b != ' ' && *b != '\t')
				b++;
			if (b - a == 4 && !strncmp(a, "purl", 4)) {
				while (b < ve && (*b == ' ' || *b == '\t'))
					b++;
				const char *c = b;
				while (c < ve && *c != ' ' && *c != '\t')
					c++;
				error = tv_set(&pkg.purl, b, (size_t)(c - b));
			}
		}
#undef TAG
	}
	if (error >= 0)
		error = tv_flush(s, &pkg);
	tv_clear(&pkg);
	if (error >= 0 && !seen_version)
		error = check_version(s, NULL);
	return error;
}
