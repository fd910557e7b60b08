/*
 * Image references: HOST[:PORT]/REPO[:TAG][@DIGEST] with Docker Hub's short names, parsed
 * by the rules of the Distribution reference grammar (lower-case path components,
 * tags of at most 128 characters, sha256 digests).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry.h"

#define MAX_REF 4096

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* One path component: [a-z0-9]+ separated by ".", "_", "__" or runs of "-". */
static int component_ok(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (is_lower_alnum(s[i]))
			continue;
		if (s[i] == '-')
			continue;
		if (s[i] == '.' || s[i] == '_') {
			size_t run = 1;
			while (i + run < n && s[i + run] == '_' && s[i] == '_')
				run++;
			if (run > 2 || !is_lower_alnum(s[i + run]) || (s[i] == '.' && run != 1))
				return 0;
			i += run - 1;
			continue;
		}
		return 0;
	}
	return 1;
}

/* A host: DNS labels of [A-Za-z0-9-], or [IPv6], optionally ":PORT". */
static int host_ok(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || n > 255)
		return 0;
	if (s[0] == '[') {
		const char *e = memchr(s, ']', n);
		if (!e || e == s + 1)
			return 0;
		for (const char *p = s + 1; p < e; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			      (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
				return 0;
		i = (size_t)(e - s) + 1;
	} else {
		size_t label = 0;
		for (; i < n && s[i] != ':'; i++) {
			if (s[i] == '.') {
				if (label == 0 || s[i - 1] == '-')
					return 0;
				label = 0;
				continue;
			}
			if (!is_alnum(s[i]) && !(s[i] == '-' && label > 0))
				return 0;
			label++;
		}
		if (label == 0 || s[i - 1] == '-')
			return 0;
	}
	if (i == n)
		return 1;
	if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
		return 0;
	for (i++; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int tag_ok(const char *s, size_t n)
{
	if (n == 0 || n > 128 || !(is_alnum(s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

static int digest_ok(const char *s, size_t n)
{
	if (n != 71 || memcmp(s, "sha256:", 7) != 0)
		return 0;
	for (size_t i = 7; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void vigil_ref_free(vigil_ref *ref)
{
	if (!ref)
		return;
	free(ref->host);
	free(ref->repo);
	free(ref->tag);
	free(ref->digest);
	free(ref);
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/*
 * "registry:" is also a host name (compose's registry:5000/app) and a Docker Hub image
 * (registry:2): digits and dots up to '/', '@' or the end are a port or a tag, not the
 * prefix. Without this the canonical form of host "registry:5000" would not parse back.
 */
static int port_or_version(const char *s)
{
	size_t n = 0;
	while ((s[n] >= '0' && s[n] <= '9') || (n > 0 && s[n] == '.'))
		n++;
	return n > 0 && (s[n] == '/' || s[n] == '@' || s[n] == '\0');
}

int vigil_ref_parse(vigil_ref **out, const char *s, const char **why)
{
	vigil_ref *r = NULL;
	const char *name, *at, *slash, *colon, *name_end;
	const char *host = NULL, *repo;
	size_t hostn = 0, n;
	int error = VIGIL_EINVAL;

	*out = NULL;
	*why = NULL;
	if (strncmp(s, "registry:", 9) == 0 && !port_or_version(s + 9))
		s += 9;
	else if (strncmp(s, "docker://", 9) == 0)
		s += 9;
	n = strlen(s);
	if (n == 0) {
		*why = "empty reference";
		return VIGIL_EINVAL;
	}
	if (n > MAX_REF) {
		*why = "reference too long";
		return VIGIL_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) {
			*why = "reference contains spaces or control characters";
			return VIGIL_EINVAL;
		}
	if (!(r = calloc(1, sizeof(*r))))
		return VIGIL_ENOMEM;
	name = s;
	at = strchr(s, '@');
	name_end = at ? at : s + n;
	if (at) {
		if (!digest_ok(at + 1, (size_t)(s + n - at - 1))) {
			*why = "digest must be sha256: and 64 lower-case hex digits";
			goto done;
		}
		if (!(r->digest = dupn(at + 1, (size_t)(s + n - at - 1))))
			goto nomem;
	}
	/* the host is the first component when it looks like one */
	slash = memchr(name, '/', (size_t)(name_end - name));
	if (slash) {
		size_t fn = (size_t)(slash - name);
		if (memchr(name, '.', fn) || memchr(name, ':', fn) || name[0] == '[' ||
		    (fn == 9 && memcmp(name, "localhost", 9) == 0)) {
			host = name;
			hostn = fn;
			name = slash + 1;
		} else {
			for (size_t i = 0; i < fn; i++)
				if (name[i] >= 'A' && name[i] <= 'Z') {
					host = name; /* upper case is only valid in a host */
					hostn = fn;
					name = slash + 1;
					break;
				}
		}
	}
	if (host && !host_ok(host, hostn)) {
		*why = "malformed registry host";
		goto done;
	}
	/* a tag follows the last ':' of the last component */
	slash = NULL;
	for (const char *p = name; p < name_end; p++)
		if (*p == '/')
			slash = p;
	{
		const char *last = slash ? slash : name;
		size_t ln = name_end > last ? (size_t)(name_end - last) : 0;
		colon = ln ? memchr(last, ':', ln) : NULL;
	}
	repo = name;
	if (colon) {
		if (!tag_ok(colon + 1, (size_t)(name_end - colon - 1))) {
			*why = "malformed tag";
			goto done;
		}
		if (!(r->tag = dupn(colon + 1, (size_t)(name_end - colon - 1))))
			goto nomem;
		name_end = colon;
	}
	if (name_end == repo) {
		*why = "no repository name";
		goto done;
	}
	for (const char *p = repo; p <= name_end; p++) {
		const char *e = memchr(p, '/', (size_t)(name_end - p));
		if (!e)
			e = name_end;
		if (!component_ok(p, (size_t)(e - p))) {
			*why = "malformed repository name (lower-case letters, digits and . _ - "
			       "separators)";
			goto done;
		}
		p = e;
	}
	if (!host || (hostn == 15 && memcmp(host, "index.docker.io", 15) == 0) ||
	    (hostn == 20 && memcmp(host, "registry-1.docker.io", 20) == 0)) {
		host = "docker.io";
		hostn = 9;
	}
	if (!(r->host = dupn(host, hostn)))
		goto nomem;
	if (hostn == 9 && memcmp(host, "docker.io", 9) == 0 &&
	    !memchr(repo, '/', (size_t)(name_end - repo))) {
		size_t rn = (size_t)(name_end - repo);
		if (!(r->repo = malloc(rn + 9)))
			goto nomem;
		memcpy(r->repo, "library/", 8);
		memcpy(r->repo + 8, repo, rn);
		r->repo[rn + 8] = '\0';
	} else if (!(r->repo = dupn(repo, (size_t)(name_end - repo)))) {
		goto nomem;
	}
	if (strlen(r->host) + strlen(r->repo) + 1 > 255) {
		*why = "repository name longer than 255 characters";
		goto done;
	}
	if (!r->tag && !r->digest && !(r->tag = dupn("latest", 6)))
		goto nomem;
	*out = r;
	return 0;
nomem:
	error = VIGIL_ENOMEM;
done:
	if (!*why && error == VIGIL_EINVAL)
		*why = "not an image reference";
	vigil_ref_free(r);
	return error;
}

const char *vigil_ref_format(const vigil_ref *ref, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%s%s%s%s", ref->host, ref->repo, ref->tag ? ":" : "",
		 ref->tag ? ref->tag : "", ref->digest ? "@" : "", ref->digest ? ref->digest : "");
	return buf;
}

/* ---- mirrors --------------------------------------------------------------------------- */

/* Splits a mirror rule "HOST=MIRROR" into its registry (normalised: "index.docker.io" is
 * "docker.io"), the mirror's host and its path prefix (possibly empty). */
static int mirror_split(const char *rule, char reg[256], char mhost[256], char prefix[256],
			const char **why)
{
	const char *eq = strchr(rule, '='), *m, *slash;
	size_t rn, hn;
	*why = NULL;
	if (!eq || eq == rule) {
		*why = "a mirror is written HOST=MIRROR (docker.io=mirror.example:5000)";
		return VIGIL_EINVAL;
	}
	rn = (size_t)(eq - rule);
	if (!host_ok(rule, rn) || rn >= 256) {
		*why = "malformed registry host before '='";
		return VIGIL_EINVAL;
	}
	if ((rn == 15 && memcmp(rule, "index.docker.io", 15) == 0) ||
	    (rn == 20 && memcmp(rule, "registry-1.docker.io", 20) == 0))
		snprintf(reg, 256, "docker.io");
	else
		snprintf(reg, 256, "%.*s", (int)rn, rule);
	m = eq + 1;
	if (strncmp(m, "https://", 8) == 0)
		m += 8;
	else if (strncmp(m, "http://", 7) == 0)
		m += 7;
	slash = strchr(m, '/');
	hn = slash ? (size_t)(slash - m) : strlen(m);
	if (!host_ok(m, hn) || hn >= 256) {
		*why = "malformed mirror host after '='";
		return VIGIL_EINVAL;
	}
	snprintf(mhost, 256, "%.*s", (int)hn, m);
	prefix[0] = '\0';
	if (slash) {
		const char *p = slash + 1;
		size_t pn = strlen(p);
		while (pn && p[pn - 1] == '/')
			pn--;
		if (pn >= 200) {
			*why = "mirror path prefix too long";
			return VIGIL_EINVAL;
		}
		for (const char *c = p; c < p + pn;) {
			const char *e = memchr(c, '/', (size_t)(p + pn - c));
			if (!e)
				e = p + pn;
			if (!component_ok(c, (size_t)(e - c))) {
				*why = "malformed mirror path prefix (lower-case letters, digits "
				       "and . _ - separators)";
				return VIGIL_EINVAL;
			}
			c = e + 1;
		}
		snprintf(prefix, 256, "%.*s", (int)pn, p);
	}
	return 0;
}

int vigil_registry_mirror_check(const char *rule, const char **why)
{
	char reg[256], mhost[256], prefix[256];
	return mirror_split(rule, reg, mhost, prefix, why);
}

int vigil_reg__mirror_ref(vigil_ref **out, const char *rule, const vigil_ref *ref)
{
	char reg[256], mhost[256], prefix[256];
	const char *why;
	vigil_ref *m;
	*out = NULL;
	if (mirror_split(rule, reg, mhost, prefix, &why) < 0 || strcasecmp(reg, ref->host) != 0)
		return 0;
	if (!(m = calloc(1, sizeof(*m))))
		return VIGIL_ENOMEM;
	size_t rn = strlen(prefix) + strlen(ref->repo) + 2;
	if (!(m->host = strdup(mhost)) || !(m->repo = malloc(rn)) ||
	    (ref->tag && !(m->tag = strdup(ref->tag))) ||
	    (ref->digest && !(m->digest = strdup(ref->digest)))) {
		vigil_ref_free(m);
		return VIGIL_ENOMEM;
	}
	snprintf(m->repo, rn, "%s%s%s", prefix, prefix[0] ? "/" : "", ref->repo);
	*out = m;
	return 1;
}
