/*
 * OpenWrt / Yocto packages installed by opkg: /usr/lib/opkg/status (or
 * /var/lib/opkg/status), dpkg-like stanzas with Package, Version, Architecture and
 * Status; only installed packages ("... installed") are reported, as opkg packages
 * (purl pkg:opkg/name@version?arch=...).
 */
#include <string.h>

#include "lock.h"

#define FIELD_MAX 4096

typedef struct stanza {
	vigil_catalog_result *r;
	char name[FIELD_MAX], version[FIELD_MAX], arch[256];
	int installed, any;
} stanza;

static void copy(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int field(const char *key, size_t klen, const char *val, size_t vlen, void *payload)
{
	stanza *s = payload;
	int error = 0;
	if (!key) {
		if (s->installed) {
			vigil_pkg_in p;
			memset(&p, 0, sizeof(p));
			p.type = "opkg";
			p.name = s->name;
			p.version = s->version;
			p.arch = s->arch[0] ? s->arch : NULL;
			if (!s->name[0] || !s->version[0])
				vigil_catalog__skipped(s->r,
						       "opkg stanza without Package or Version");
			else
				error = vigil_catalog__add(s->r, &p);
		}
		s->name[0] = s->version[0] = s->arch[0] = '\0';
		s->installed = 0;
		return error;
	}
	s->any = 1;
	if (klen == 7 && memcmp(key, "Package", 7) == 0)
		copy(s->name, sizeof(s->name), val, vlen);
	else if (klen == 7 && memcmp(key, "Version", 7) == 0)
		copy(s->version, sizeof(s->version), val, vlen);
	else if (klen == 12 && memcmp(key, "Architecture", 12) == 0)
		copy(s->arch, sizeof(s->arch), val, vlen);
	else if (klen == 6 && memcmp(key, "Status", 6) == 0)
		s->installed = vlen >= 9 && memcmp(val + vlen - 9, "installed", 9) == 0 &&
			       !(vlen >= 13 && memcmp(val + vlen - 13, "not-installed", 13) == 0);
	return 0;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	stanza *s = vigil_catalog__alloc(r, sizeof(*s));
	(void)f;
	if (!s)
		return VIGIL_ENOMEM;
	memset(s, 0, sizeof(*s));
	s->r = r;
	return vigil_catalog__stanzas(data, len, field, s);
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return strcmp(f->path, "/usr/lib/opkg/status") == 0 ||
			       strcmp(f->path, "/var/lib/opkg/status") == 0
		       ? VIGIL_WANT_YES
		       : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_opkg = {
	"opkg", VIGIL_CAT_DATABASE | VIGIL_CAT_OS | VIGIL_CAT_STREAM | VIGIL_CAT_STANZA_WS, want,
	parse, 256u << 20};
