/*
 * Debian packages: /var/lib/dpkg/status, distroless /var/lib/dpkg/status.d/<name>
 * (with <name>.md5sums), and the file lists /var/lib/dpkg/info/<pkg>.list. Only
 * packages whose Status ends in "installed" count, as dpkg-query -W shows them.
 */
#include <string.h>

#include "catalog.h"

typedef struct stanza {
	vigil_catalog_result *r;
	const char *package, *version, *arch, *source, *status, *license;
	vigil_buf scratch; /* holds the values of the stanza being read */
	size_t off[6];
	int have[6];
} stanza;

enum { F_PACKAGE, F_VERSION, F_ARCH, F_SOURCE, F_STATUS, F_COUNT };

static int emit(stanza *s)
{
	const char *v[F_COUNT];
	char srcname[256], srcver[256];
	for (int i = 0; i < F_COUNT; i++)
		v[i] = s->have[i] ? (const char *)s->scratch.data + s->off[i] : NULL;
	memset(s->have, 0, sizeof(s->have));
	s->scratch.len = 0;
	if (!v[F_PACKAGE] && !v[F_VERSION] && !v[F_STATUS])
		return 0;
	if (!v[F_PACKAGE] || !v[F_VERSION] || !*v[F_VERSION]) {
		vigil_catalog__skipped(s->r, "stanza without Package or Version");
		return 0;
	}
	/* "install ok installed", "hold ok installed": the last word decides */
	if (v[F_STATUS]) {
		const char *last = strrchr(v[F_STATUS], ' ');
		if (strcmp(last ? last + 1 : v[F_STATUS], "installed") != 0)
			return 0;
	}
	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "deb";
	p.name = v[F_PACKAGE];
	p.version = v[F_VERSION];
	p.arch = v[F_ARCH];
	p.source_name = p.name;
	p.source_version = p.version;
	if (v[F_SOURCE] && *v[F_SOURCE]) {
		/* "Source: name" or "Source: name (version)" */
		const char *src = v[F_SOURCE];
		size_t n = strcspn(src, " (");
		snprintf(srcname, sizeof(srcname), "%.*s", (int)n, src);
		p.source_name = srcname;
		const char *open = strchr(src, '('), *close = open ? strchr(open, ')') : NULL;
		if (open && close) {
			const char *a = open + 1;
			while (*a == ' ')
				a++;
			size_t vl = (size_t)(close - a);
			while (vl && a[vl - 1] == ' ')
				vl--;
			snprintf(srcver, sizeof(srcver), "%.*s", (int)vl, a);
			p.source_version = srcver;
		}
	}
	return vigil_catalog__add(s->r, &p);
}

static int field(const char *key, size_t klen, const char *val, size_t vlen, void *payload)
{
	stanza *s = payload;
	static const char *names[F_COUNT] = {"Package", "Version", "Architecture", "Source",
					     "Status"};
	int error;
	if (!key)
		return emit(s);
	for (int i = 0; i < F_COUNT; i++) {
		if (strlen(names[i]) == klen && strncasecmp(key, names[i], klen) == 0) {
			s->off[i] = s->scratch.len;
			s->have[i] = 1;
			if ((error = vigil_buf_put(&s->scratch, val, vlen)) < 0 ||
			    (error = vigil_buf_putc(&s->scratch, '\0')) < 0)
				return error;
		}
	}
	return 0;
}

static int parse_status(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data,
			size_t len)
{
	stanza s;
	(void)f;
	memset(&s, 0, sizeof(s));
	s.r = r;
	int error = vigil_catalog__stanzas(data, len, field, &s);
	vigil_buf_free(&s.scratch);
	return error;
}

static int want_status(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return strcmp(f->path, "/var/lib/dpkg/status") == 0 ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_dpkg = {
	"dpkg",	     VIGIL_CAT_DATABASE | VIGIL_CAT_OS | VIGIL_CAT_STREAM | VIGIL_CAT_STANZA_WS,
	want_status, parse_status,
	256u << 20,
};

static int in_status_d(const char *path)
{
	static const char dir[] = "/var/lib/dpkg/status.d/";
	return strncmp(path, dir, sizeof(dir) - 1) == 0 && !strchr(path + sizeof(dir) - 1, '/');
}

static int want_distroless(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return in_status_d(f->path) ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

/* A file list, one path per line; "md5sums" lines are "<md5>  <path without />". */
static int parse_list(vigil_catalog_result *r, const char *pkg, const uint8_t *data, size_t len,
		      int md5sums)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += data[i] == '\n';
	const char **files = vigil_catalog__alloc(r, (n + 2) * sizeof(char *));
	size_t k = 0;
	if (!files)
		return VIGIL_ENOMEM;
	for (const char *p = (const char *)data, *end = p + len; p < end && k <= n;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *path = p;
		if (md5sums) {
			const char *sp = memchr(p, ' ', (size_t)(le - p));
			path = sp ? sp : le;
			while (path < le && *path == ' ')
				path++;
		}
		size_t pl = (size_t)(le - path);
		if (pl && path[pl - 1] == '\r')
			pl--;
		if (pl) {
			char *abs = vigil_catalog__alloc(r, pl + 2);
			if (!abs)
				return VIGIL_ENOMEM;
			abs[0] = '/';
			memcpy(abs + (path[0] == '/' ? 0 : 1), path, pl);
			files[k++] = abs;
		}
		p = nl ? nl + 1 : end;
	}
	files[k] = NULL;
	return vigil_catalog__owned(r, pkg, files, k);
}

static int parse_distroless(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data,
			    size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	if (vigil_catalog__has_suffix(base, ".md5sums")) {
		char pkg[256];
		snprintf(pkg, sizeof(pkg), "%.*s", (int)(strlen(base) - 8), base);
		return parse_list(r, pkg, data, len, 1);
	}
	return parse_status(r, f, data, len);
}

const vigil_cataloger vigil_cataloger_dpkg_distroless = {
	"dpkg-distroless", VIGIL_CAT_DATABASE | VIGIL_CAT_OS, want_distroless, parse_distroless,
	64u << 20,
};

static int want_list(const vigil_file *f, const uint8_t *head, size_t len)
{
	static const char dir[] = "/var/lib/dpkg/info/";
	(void)head, (void)len;
	return strncmp(f->path, dir, sizeof(dir) - 1) == 0 &&
			       !strchr(f->path + sizeof(dir) - 1, '/') &&
			       vigil_catalog__has_suffix(f->path, ".list")
		       ? VIGIL_WANT_YES
		       : VIGIL_WANT_NO;
}

static int parse_info_list(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data,
			   size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	char pkg[256];
	size_t n = strlen(base) - 5; /* ".list"; "name:arch" keeps the name only */
	size_t colon = strcspn(base, ":");
	snprintf(pkg, sizeof(pkg), "%.*s", (int)(colon < n ? colon : n), base);
	return parse_list(r, pkg, data, len, 0);
}

const vigil_cataloger vigil_cataloger_dpkg_list = {
	"dpkg-files", VIGIL_CAT_OS, want_list, parse_info_list, 64u << 20,
};
