/*
 * Language runtimes installed outside the package manager (the official node, python,
 * eclipse-temurin and golang images install under /usr/local or /opt), found by the
 * version files they ship rather than by guessing from binaries:
 *   node      .../include/node/node_version.h   NODE_{MAJOR,MINOR,PATCH}_VERSION
 *   python    .../include/pythonX.Y/patchlevel.h PY_VERSION "3.11.7"
 *   java      <JAVA_HOME>/release                JAVA_VERSION="17.0.9"
 *   go        <GOROOT>/VERSION                   first line "go1.21.3"
 * Runtimes that an OS package installed are dropped with its other files.
 */
#include <string.h>

#include "catalog.h"

enum { RT_NODE = 1, RT_PYTHON, RT_JAVA, RT_GO };

static int kind_of(const char *path)
{
	const char *base = vigil_catalog__base(path);
	if (vigil_catalog__has_suffix(path, "/include/node/node_version.h"))
		return RT_NODE;
	if (strcmp(base, "patchlevel.h") == 0 && strstr(path, "/include/python"))
		return RT_PYTHON;
	if (strcmp(base, "release") == 0 && (strstr(path, "java") || strstr(path, "jdk") ||
					     strstr(path, "jre") || strstr(path, "/opt/")))
		return RT_JAVA;
	if (strcmp(base, "VERSION") == 0 && vigil_catalog__has_suffix(path, "/go/VERSION"))
		return RT_GO;
	return 0;
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	return kind_of(f->path) ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

/* The value after `key` on a line of `text`: a number, or a quoted string. */
static int find_value(const char *text, size_t len, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *k = p;
		while (k < le && (*k == ' ' || *k == '\t' || *k == '#'))
			k++;
		if (strncmp(k, "define", 6) == 0)
			for (k += 6; k < le && (*k == ' ' || *k == '\t'); k++)
				;
		if ((size_t)(le - k) > kl && memcmp(k, key, kl) == 0 &&
		    (k[kl] == ' ' || k[kl] == '\t' || k[kl] == '=')) {
			const char *v = k + kl;
			while (v < le && (*v == ' ' || *v == '\t' || *v == '='))
				v++;
			int quoted = v < le && *v == '"';
			v += quoted;
			size_t vl = 0;
			while (v + vl < le &&
			       (quoted ? v[vl] != '"' : (v[vl] != ' ' && v[vl] != '\r')))
				vl++;
			if (vl == 0 || vl >= n)
				return 0;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	const char *text = (const char *)data;
	char version[64] = "", a[16], b[16], c[16];
	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "generic";
	switch (kind_of(f->path)) {
	case RT_NODE:
		if (!find_value(text, len, "NODE_MAJOR_VERSION", a, sizeof(a)) ||
		    !find_value(text, len, "NODE_MINOR_VERSION", b, sizeof(b)) ||
		    !find_value(text, len, "NODE_PATCH_VERSION", c, sizeof(c)))
			return 0;
		snprintf(version, sizeof(version), "%s.%s.%s", a, b, c);
		p.name = "node";
		break;
	case RT_PYTHON:
		if (!find_value(text, len, "PY_VERSION", version, sizeof(version)))
			return 0;
		p.name = "python";
		break;
	case RT_JAVA:
		if (!find_value(text, len, "JAVA_VERSION", version, sizeof(version)))
			return 0;
		p.name = "java";
		break;
	case RT_GO: {
		size_t n = strcspn(text, "\r\n");
		if (n < 3 || n >= sizeof(version) || len < 3 || memcmp(text, "go", 2) != 0)
			return 0;
		memcpy(version, text + 2, n - 2);
		version[n - 2] = '\0';
		p.name = "go";
		break;
	}
	default:
		return 0;
	}
	for (const char *s = version; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '.' || *s == '-' || *s == '+' || *s == '_'))
			return 0; /* not a version: not a runtime we know */
	p.version = version;
	return vigil_catalog__add(r, &p);
}

const vigil_cataloger vigil_cataloger_runtime = {
	"runtime", 0, want, parse, 1u << 20,
};
