/*
 * Alpine and Wolfi packages: /lib/apk/db/installed, records of "X:value" lines
 * separated by blank lines (P name, V version, A arch, o origin, L license, F dir,
 * R file in the last F).
 */
#include <string.h>

#include "catalog.h"

typedef struct rec {
	const char *v[128]; /* by field letter */
	size_t l[128];
	vigil_vec files; /* char * */
	const char *dir;
	size_t dirlen;
} rec;

static int flush(vigil_catalog_result *r, rec *x)
{
	char *f[6] = {NULL};
	static const char keys[] = "PVAoL";
	int error = 0;
	if (!x->v['P'] && !x->v['V']) {
		x->files.len = 0;
		return 0;
	}
	for (int i = 0; keys[i]; i++) {
		unsigned char k = (unsigned char)keys[i];
		if (x->v[k] && !(f[i] = vigil_catalog__strndup(r, x->v[k], x->l[k])))
			return VIGIL_ENOMEM;
	}
	if (!f[0] || !f[1] || !*f[0] || !*f[1]) {
		vigil_catalog__skipped(r, "record without P or V");
	} else {
		const char **fl = NULL;
		if (x->files.len) {
			char **null = vigil_vec_push(&x->files);
			if (!null)
				return VIGIL_ENOMEM;
			fl = (const char **)x->files.data;
		}
		vigil_pkg_in p;
		memset(&p, 0, sizeof(p));
		p.type = "apk";
		p.name = f[0];
		p.version = f[1];
		p.arch = f[2];
		p.source_name = f[3] ? f[3] : f[0];
		p.source_version = f[1];
		p.license = f[4];
		p.files = fl;
		error = vigil_catalog__add(r, &p);
	}
	memset(x->v, 0, sizeof(x->v));
	x->files.len = 0;
	x->dir = NULL;
	return error;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	rec x;
	int error = 0;
	(void)f;
	memset(&x, 0, sizeof(x));
	vigil_vec files = VIGIL_VEC_INIT(char *);
	x.files = files;
	for (const char *p = (const char *)data, *end = p + len; p < end && error == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			error = flush(r, &x);
		} else if (ll >= 2 && p[1] == ':' && (unsigned char)p[0] < 128) {
			unsigned char k = (unsigned char)p[0];
			if (k == 'F') {
				x.dir = p + 2;
				x.dirlen = ll - 2;
			} else if (k == 'R') {
				char **slot = vigil_vec_push(&x.files);
				char *path =
					slot ? vigil_catalog__alloc(r, x.dirlen + ll + 2) : NULL;
				if (!path) {
					error = VIGIL_ENOMEM;
					break;
				}
				path[0] = '/';
				size_t at = 1;
				if (x.dir && x.dirlen) {
					memcpy(path + at, x.dir, x.dirlen);
					at += x.dirlen;
					path[at++] = '/';
				}
				memcpy(path + at, p + 2, ll - 2);
				path[at + ll - 2] = '\0';
				*slot = path;
			} else if (!x.v[k]) {
				x.v[k] = p + 2;
				x.l[k] = ll - 2;
			}
		} else {
			vigil_catalog__skipped(r, "line that is not 'X:value'");
		}
		p = nl ? nl + 1 : end;
	}
	if (error == 0)
		error = flush(r, &x);
	vigil_vec_free(&x.files);
	return error;
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return strcmp(f->path, "/lib/apk/db/installed") == 0 ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_apk = {
	"apk", VIGIL_CAT_DATABASE | VIGIL_CAT_OS | VIGIL_CAT_STREAM, want, parse, 256u << 20,
};
