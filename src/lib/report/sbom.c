/*
 * SBOM writers: CycloneDX 1.6 JSON, SPDX 2.3 JSON and Vigil's own inventory JSON
 * (documented in docs/inventory-json.md). Output is deterministic for a given image:
 * serial numbers and namespaces derive from the image's digests, and the timestamp
 * honours SOURCE_DATE_EPOCH.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/util.h"
#include "vigil.h"
#include "report/report.h"

typedef struct sb {
	FILE *f;
	vigil_jsonw w;
	const vigil_inventory *inv;
	vigil_image *img;
	const char *name;
	void (*extra)(vigil_jsonw *w, void *payload); /* more top-level keys (vulnerabilities) */
	void *extra_payload;
	char timestamp[32];
	char uuid[40];
} sb;

static void kv(vigil_jsonw *w, const char *k, const char *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_str(w, v);
}

static void kv_opt(vigil_jsonw *w, const char *k, const char *v)
{
	if (v && *v)
		kv(w, k, v);
}

/* The image's digests and layers; an inventory loaded without its image (a stored one, as
 * `vigil serve` keeps) has none. */
static const char *mdigest(const vigil_image *img)
{
	return img ? vigil_image_manifest_digest(img) : NULL;
}

static const char *cdigest(const vigil_image *img)
{
	return img ? vigil_image_config_digest(img) : NULL;
}

/* A stable identity for this document: the image's digests and the package count. */
static void identity(sb *s)
{
	char d[72];
	vigil_buf b = VIGIL_BUF_INIT;
	const char *m = mdigest(s->img), *c = cdigest(s->img);
	vigil_buf_printf(&b, "%s|%s|%s|%zu|%s", s->name, m ? m : "", c ? c : "",
			 vigil_inventory_count(s->inv), VIGIL_VERSION);
	vigil_sha256_buf(d, b.data ? (const char *)b.data : "", b.len);
	vigil_buf_free(&b);
	const char *h = d + 7;
	/* a version-4-shaped UUID from the hash */
	snprintf(s->uuid, sizeof(s->uuid), "%.8s-%.4s-4%.3s-8%.3s-%.12s", h, h + 8, h + 12, h + 16,
		 h + 20);
	time_t t = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;
	if (sde && vigil_parse_uint(&v, sde, (uint64_t)1 << 40) == 0)
		t = (time_t)v;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(s->timestamp, sizeof(s->timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *layer_diff_id(vigil_image *img, int layer)
{
	const vigil_layer_info *l = img ? vigil_image_layer(img, layer) : NULL;
	return l ? l->diff_id : NULL;
}

/* ---- Vigil inventory JSON ---- */

static void write_json(sb *s)
{
	vigil_jsonw *w = &s->w;
	const vigil_distro *d = vigil_inventory_distro(s->inv);
	vigil_jsonw_obj_begin(w);
	kv(w, "image", s->name);
	kv(w, "manifest_digest", mdigest(s->img));
	kv(w, "config_digest", cdigest(s->img));
	vigil_jsonw_key(w, "distro");
	vigil_jsonw_obj_begin(w);
	kv(w, "id", d->id);
	kv(w, "version_id", d->version_id);
	kv(w, "codename", d->codename);
	kv(w, "pretty_name", d->pretty_name);
	kv(w, "family", d->family);
	vigil_jsonw_key(w, "eol");
	vigil_jsonw_bool(w, d->eol);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_key(w, "packages");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < vigil_inventory_count(s->inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(s->inv, i);
		vigil_jsonw_obj_begin(w);
		kv(w, "type", p->type);
		kv(w, "name", p->name);
		kv(w, "version", p->version);
		kv_opt(w, "arch", p->arch);
		kv_opt(w, "group", p->group);
		kv_opt(w, "source_name", p->source_name);
		kv_opt(w, "source_version", p->source_version);
		kv_opt(w, "license", p->license);
		kv_opt(w, "modularity", p->modularity);
		vigil_report__pkg_flags(w, p);
		kv(w, "purl", p->purl);
		kv(w, "cataloger", p->cataloger);
		kv(w, "location", p->location);
		vigil_jsonw_key(w, "layer");
		vigil_jsonw_int(w, p->layer);
		kv_opt(w, "layer_diff_id", layer_diff_id(s->img, p->layer));
		if (p->files) {
			size_t n = 0;
			while (p->files[n])
				n++;
			vigil_jsonw_key(w, "files");
			vigil_jsonw_uint(w, n);
		}
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_key(w, "unreadable");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < vigil_inventory_unread_count(s->inv); i++) {
		const vigil_unread *u = vigil_inventory_unread(s->inv, i);
		vigil_jsonw_obj_begin(w);
		kv(w, "path", u->path);
		vigil_jsonw_key(w, "layer");
		vigil_jsonw_int(w, u->layer);
		kv(w, "cataloger", u->cataloger);
		kv(w, "reason", u->reason);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_obj_end(w);
}

/* "PATH (layer N, CATALOGER): REASON" for the SBOM formats without a field for it. */
static void unread_line(char *out, size_t n, const vigil_unread *u)
{
	snprintf(out, n, "%s (layer %d, %s): %s", u->path, u->layer, u->cataloger, u->reason);
}

/* ---- CycloneDX 1.6 ---- */

static void cdx_prop(vigil_jsonw *w, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	vigil_jsonw_obj_begin(w);
	kv(w, "name", name);
	kv(w, "value", value);
	vigil_jsonw_obj_end(w);
}

static void write_cyclonedx(sb *s)
{
	vigil_jsonw *w = &s->w;
	const vigil_distro *d = vigil_inventory_distro(s->inv);
	char urn[64], num[32];
	snprintf(urn, sizeof(urn), "urn:uuid:%s", s->uuid);
	vigil_jsonw_obj_begin(w);
	kv(w, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
	kv(w, "bomFormat", "CycloneDX");
	kv(w, "specVersion", "1.6");
	kv(w, "serialNumber", urn);
	vigil_jsonw_key(w, "version");
	vigil_jsonw_int(w, 1);
	vigil_jsonw_key(w, "metadata");
	vigil_jsonw_obj_begin(w);
	kv(w, "timestamp", s->timestamp);
	vigil_jsonw_key(w, "tools");
	vigil_jsonw_obj_begin(w);
	vigil_jsonw_key(w, "components");
	vigil_jsonw_arr_begin(w);
	vigil_jsonw_obj_begin(w);
	kv(w, "type", "application");
	kv(w, "name", "vigil");
	kv(w, "version", VIGIL_VERSION);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_arr_end(w);
	vigil_jsonw_obj_end(w);
	if (vigil_inventory_unread_count(s->inv)) {
		/* files that could not be read: the SBOM is incomplete there */
		vigil_jsonw_key(w, "properties");
		vigil_jsonw_arr_begin(w);
		for (size_t i = 0; i < vigil_inventory_unread_count(s->inv); i++) {
			char line[4200];
			unread_line(line, sizeof(line), vigil_inventory_unread(s->inv, i));
			cdx_prop(w, "vigil:unreadable", line);
		}
		vigil_jsonw_arr_end(w);
	}
	vigil_jsonw_key(w, "component");
	vigil_jsonw_obj_begin(w);
	kv(w, "bom-ref", "image");
	kv(w, "type", "container");
	kv(w, "name", s->name);
	kv_opt(w, "version", mdigest(s->img) ? mdigest(s->img) : cdigest(s->img));
	vigil_jsonw_obj_end(w);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_key(w, "components");
	vigil_jsonw_arr_begin(w);
	if (d->id) {
		vigil_jsonw_obj_begin(w);
		kv(w, "bom-ref", "os");
		kv(w, "type", "operating-system");
		kv(w, "name", d->id);
		kv_opt(w, "version", d->version_id);
		kv_opt(w, "description", d->pretty_name);
		vigil_jsonw_obj_end(w);
	}
	for (size_t i = 0; i < vigil_inventory_count(s->inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(s->inv, i);
		snprintf(num, sizeof(num), "pkg-%zu", i + 1);
		vigil_jsonw_obj_begin(w);
		kv(w, "bom-ref", num);
		kv(w, "type", "library");
		kv_opt(w, "group", p->group);
		kv(w, "name", p->name);
		kv_opt(w, "version", p->version);
		/* CycloneDX's scope: a dev dependency is not part of the running application */
		if (p->flags & (VIGIL_PKG_DEV | VIGIL_PKG_OPTIONAL))
			kv(w, "scope", p->flags & VIGIL_PKG_DEV ? "excluded" : "optional");
		if (p->license && *p->license) {
			vigil_jsonw_key(w, "licenses");
			vigil_jsonw_arr_begin(w);
			vigil_jsonw_obj_begin(w);
			vigil_jsonw_key(w, "license");
			vigil_jsonw_obj_begin(w);
			kv(w, "name", p->license);
			vigil_jsonw_obj_end(w);
			vigil_jsonw_obj_end(w);
			vigil_jsonw_arr_end(w);
		}
		kv_opt(w, "purl", p->purl);
		vigil_jsonw_key(w, "properties");
		vigil_jsonw_arr_begin(w);
		char layer[16];
		snprintf(layer, sizeof(layer), "%d", p->layer);
		cdx_prop(w, "vigil:package:type", p->type);
		cdx_prop(w, "vigil:cataloger", p->cataloger);
		cdx_prop(w, "vigil:location", p->location);
		cdx_prop(w, "vigil:layer:index", layer);
		cdx_prop(w, "vigil:layer:diff_id", layer_diff_id(s->img, p->layer));
		cdx_prop(w, "vigil:package:arch", p->arch);
		cdx_prop(w, "vigil:package:source_name", p->source_name);
		cdx_prop(w, "vigil:package:source_version", p->source_version);
		cdx_prop(w, "vigil:package:modularity", p->modularity);
		if (p->flags & (VIGIL_PKG_DIRECT | VIGIL_PKG_INDIRECT))
			cdx_prop(w, "vigil:package:direct",
				 p->flags & VIGIL_PKG_DIRECT ? "true" : "false");
		if (p->flags & VIGIL_PKG_DEV)
			cdx_prop(w, "vigil:package:dev", "true");
		if (p->flags & VIGIL_PKG_OPTIONAL)
			cdx_prop(w, "vigil:package:optional", "true");
		vigil_jsonw_arr_end(w);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	if (s->extra)
		s->extra(w, s->extra_payload);
	vigil_jsonw_obj_end(w);
}

/* ---- SPDX 2.3 ---- */

/* SPDX ids allow letters, digits, '.', '-' only. */
static void spdx_id(char *out, size_t n, const char *prefix, size_t i)
{
	snprintf(out, n, "SPDXRef-%s-%zu", prefix, i);
}

static void write_spdx(sb *s)
{
	vigil_jsonw *w = &s->w;
	char ns[256], id[64], creator[64];
	snprintf(ns, sizeof(ns), "https://vigil.invalid/spdx/image-%s", s->uuid);
	snprintf(creator, sizeof(creator), "Tool: vigil-%s", VIGIL_VERSION);
	vigil_jsonw_obj_begin(w);
	kv(w, "spdxVersion", "SPDX-2.3");
	kv(w, "dataLicense", "CC0-1.0");
	kv(w, "SPDXID", "SPDXRef-DOCUMENT");
	kv(w, "name", s->name);
	kv(w, "documentNamespace", ns);
	vigil_jsonw_key(w, "creationInfo");
	vigil_jsonw_obj_begin(w);
	kv(w, "created", s->timestamp);
	vigil_jsonw_key(w, "creators");
	vigil_jsonw_arr_begin(w);
	vigil_jsonw_str(w, creator);
	vigil_jsonw_arr_end(w);
	if (vigil_inventory_unread_count(s->inv)) {
		vigil_buf c = VIGIL_BUF_INIT;
		vigil_buf_puts(&c, "Files that could not be read:");
		for (size_t i = 0; i < vigil_inventory_unread_count(s->inv); i++) {
			char line[4200];
			unread_line(line, sizeof(line), vigil_inventory_unread(s->inv, i));
			vigil_buf_printf(&c, "\n%s", line);
		}
		if (vigil_buf_cstr(&c) == 0)
			kv(w, "comment", (char *)c.data);
		vigil_buf_free(&c);
	}
	vigil_jsonw_obj_end(w);
	vigil_jsonw_key(w, "packages");
	vigil_jsonw_arr_begin(w);
	/* the image itself */
	vigil_jsonw_obj_begin(w);
	kv(w, "SPDXID", "SPDXRef-Image");
	kv(w, "name", s->name);
	kv_opt(w, "versionInfo", mdigest(s->img) ? mdigest(s->img) : cdigest(s->img));
	kv(w, "downloadLocation", "NOASSERTION");
	vigil_jsonw_key(w, "filesAnalyzed");
	vigil_jsonw_bool(w, false);
	kv(w, "primaryPackagePurpose", "CONTAINER");
	vigil_jsonw_obj_end(w);
	for (size_t i = 0; i < vigil_inventory_count(s->inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(s->inv, i);
		char info[1024];
		spdx_id(id, sizeof(id), "Package", i + 1);
		vigil_jsonw_obj_begin(w);
		kv(w, "SPDXID", id);
		kv(w, "name", p->name);
		kv_opt(w, "versionInfo", p->version);
		kv(w, "downloadLocation", "NOASSERTION");
		vigil_jsonw_key(w, "filesAnalyzed");
		vigil_jsonw_bool(w, false);
		kv(w, "licenseConcluded", "NOASSERTION");
		kv(w, "licenseDeclared", "NOASSERTION");
		kv(w, "copyrightText", "NOASSERTION");
		if (p->license && *p->license)
			kv(w, "licenseComments", p->license);
		snprintf(info, sizeof(info),
			 "%s package found by the %s cataloger in %s, layer %d%s%s", p->type,
			 p->cataloger, p->location, p->layer,
			 layer_diff_id(s->img, p->layer) ? " " : "",
			 layer_diff_id(s->img, p->layer) ? layer_diff_id(s->img, p->layer) : "");
		/* the lockfile's dependency flags ("; direct dependency; dev; optional"); dev
		 * and optional are also DEV_ / OPTIONAL_DEPENDENCY_OF relationships below */
		if (p->flags &
		    (VIGIL_PKG_DIRECT | VIGIL_PKG_INDIRECT | VIGIL_PKG_DEV | VIGIL_PKG_OPTIONAL)) {
			size_t l = strlen(info);
			snprintf(info + l, sizeof(info) - l, "%s%s%s",
				 p->flags & VIGIL_PKG_DIRECT	 ? "; direct dependency"
				 : p->flags & VIGIL_PKG_INDIRECT ? "; indirect dependency"
								 : "",
				 p->flags & VIGIL_PKG_DEV ? "; dev" : "",
				 p->flags & VIGIL_PKG_OPTIONAL ? "; optional" : "");
		}
		/* SPDX has no field for the source package the advisories name: keep it here
		 * ("; source package NAME VERSION") so that `vigil scan sbom:` matches it */
		if (p->source_name && *p->source_name) {
			size_t l = strlen(info);
			snprintf(info + l, sizeof(info) - l, "; source package %s%s%s",
				 p->source_name, p->source_version ? " " : "",
				 p->source_version ? p->source_version : "");
		}
		kv(w, "sourceInfo", info);
		if (p->purl) {
			vigil_jsonw_key(w, "externalRefs");
			vigil_jsonw_arr_begin(w);
			vigil_jsonw_obj_begin(w);
			kv(w, "referenceCategory", "PACKAGE-MANAGER");
			kv(w, "referenceType", "purl");
			kv(w, "referenceLocator", p->purl);
			vigil_jsonw_obj_end(w);
			vigil_jsonw_arr_end(w);
		}
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_key(w, "relationships");
	vigil_jsonw_arr_begin(w);
	vigil_jsonw_obj_begin(w);
	kv(w, "spdxElementId", "SPDXRef-DOCUMENT");
	kv(w, "relationshipType", "DESCRIBES");
	kv(w, "relatedSpdxElement", "SPDXRef-Image");
	vigil_jsonw_obj_end(w);
	for (size_t i = 0; i < vigil_inventory_count(s->inv); i++) {
		spdx_id(id, sizeof(id), "Package", i + 1);
		vigil_jsonw_obj_begin(w);
		kv(w, "spdxElementId", "SPDXRef-Image");
		kv(w, "relationshipType", "CONTAINS");
		kv(w, "relatedSpdxElement", id);
		vigil_jsonw_obj_end(w);
		unsigned fl = vigil_inventory_pkg(s->inv, i)->flags;
		if (fl & (VIGIL_PKG_DEV | VIGIL_PKG_OPTIONAL)) {
			vigil_jsonw_obj_begin(w);
			kv(w, "spdxElementId", id);
			kv(w, "relationshipType",
			   fl & VIGIL_PKG_DEV ? "DEV_DEPENDENCY_OF" : "OPTIONAL_DEPENDENCY_OF");
			kv(w, "relatedSpdxElement", "SPDXRef-Image");
			vigil_jsonw_obj_end(w);
		}
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_obj_end(w);
}

int vigil_sbom_write(FILE *f, const vigil_inventory *inv, vigil_image *img, const char *format,
		     const char *name)
{
	sb s;
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.inv = inv;
	s.img = img;
	s.name = name ? name : "image";
	identity(&s);
	vigil_jsonw_init(&s.w, f,
			 strcmp(format, "json") == 0 ? 2 : 64); /* json: one package per line */
	if (strcmp(format, "json") == 0)
		write_json(&s);
	else if (strcmp(format, "cyclonedx") == 0)
		write_cyclonedx(&s);
	else if (strcmp(format, "spdx") == 0)
		write_spdx(&s);
	else
		return VIGIL_EINVAL;
	vigil_jsonw_end(&s.w);
	return ferror(f) ? VIGIL_EIO : 0;
}

int vigil_sbom__cyclonedx(FILE *f, const vigil_inventory *inv, vigil_image *img, const char *name,
			  void (*extra)(vigil_jsonw *w, void *payload), void *payload)
{
	sb s;
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.inv = inv;
	s.img = img;
	s.name = name ? name : "image";
	s.extra = extra;
	s.extra_payload = payload;
	identity(&s);
	vigil_jsonw_init(&s.w, f, 64);
	write_cyclonedx(&s);
	vigil_jsonw_end(&s.w);
	return ferror(f) ? VIGIL_EIO : 0;
}
