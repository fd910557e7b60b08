/*
 * img_text.c - text rules of the image checks: parsing history steps, telling
 * secret-looking names, image references, ADD sources, package-manager commands,
 * leftover paths, and checking /etc/passwd, /etc/shadow and /etc/group.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/img_text.h"
#include "util/util.h"

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void copy_cut(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* Reads "|N k=v k=v " build arguments; keeps only the names. Returns past them. */
static const char *build_args(img_step *st, const char *s)
{
	uint64_t n = 0;
	size_t used = 0;
	s++;
	while (isdigit((unsigned char)*s) && n < 1000)
		n = n * 10 + (uint64_t)(*s++ - '0');
	for (uint64_t i = 0; i < n; i++) {
		s = skip_ws(s);
		size_t w = strcspn(s, " \t"), k = strcspn(s, "= \t");
		if (w == 0)
			break;
		if (k < w && st->nbuildargs < (int)VIGIL_ARRAY_LEN(st->buildargs) &&
		    used + k + 1 <= sizeof(st->argbuf)) {
			memcpy(st->argbuf + used, s, k);
			st->argbuf[used + k] = 0;
			st->buildargs[st->nbuildargs].name = st->argbuf + used;
			st->buildargs[st->nbuildargs].len = k;
			st->nbuildargs++;
			used += k + 1;
		}
		s += w;
	}
	return skip_ws(s);
}

int vigil_config__img_step(img_step *st, const char *cb)
{
	const char *s = skip_ws(cb), *e;
	size_t n;
	memset(st, 0, sizeof(*st));
	if (!*s)
		return -1;
	if (starts(s, "/bin/sh -c ")) {
		s = skip_ws(s + 11);
		if (starts(s, "#(nop)"))
			s = skip_ws(s + 6);
		else
			memcpy(st->instr, "RUN", 4);
	} else if (*s == '|') {
		memcpy(st->instr, "RUN", 4);
	}
	if (!st->instr[0]) {
		n = 0;
		while (s[n] >= 'A' && s[n] <= 'Z')
			n++;
		if (n > 0 && n < sizeof(st->instr) && (s[n] == ' ' || s[n] == 0)) {
			memcpy(st->instr, s, n);
			s = skip_ws(s + n);
		}
	}
	if (strcmp(st->instr, "RUN") == 0) {
		if (*s == '|')
			s = build_args(st, s);
		if (starts(s, "/bin/sh -c "))
			s = skip_ws(s + 11);
	}
	e = s + strlen(s);
	if (e - s >= 11 && memcmp(e - 11, " # buildkit", 11) == 0)
		e -= 11;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	copy_cut(st->args, sizeof(st->args), s, (size_t)(e - s));
	return 0;
}

/* Splits `name` into upper-cased components on '_', '-', '.'; up to 16 of 32 bytes. */
static int components(char out[16][32], const char *name, size_t n)
{
	int k = 0;
	size_t i = 0;
	while (i < n && k < 16) {
		size_t j = 0;
		while (i < n && (name[i] == '_' || name[i] == '-' || name[i] == '.'))
			i++;
		if (i >= n)
			break;
		while (i < n && name[i] != '_' && name[i] != '-' && name[i] != '.') {
			if (j < 31)
				out[k][j++] = (char)toupper((unsigned char)name[i]);
			i++;
		}
		out[k++][j] = 0;
	}
	return k;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

int vigil_config__img_secret_name(const char *name, size_t n)
{
	static const char *const words[] = {"PASSWORD",	   "PASSWD", "PASSPHRASE", "SECRET",
					    "SECRETS",	   "TOKEN",  "APIKEY",	   "CREDENTIAL",
					    "CREDENTIALS", "PASS",   "PRIVATEKEY", "ACCESSKEY"};
	static const char *const not_value[] = {"FILE", "PATH",	  "DIR",     "URL",	 "URI",
						"HOST", "PORT",	  "USER",    "USERNAME", "NAME",
						"TYPE", "LENGTH", "ENABLED", "MODE",	 "ID"};
	static const char *const before_key[] = {"API",	    "ACCESS",  "PRIVATE",    "SECRET",
						 "AUTH",    "SIGNING", "ENCRYPTION", "MASTER",
						 "LICENSE", "CLIENT"};
	char c[16][32];
	int k = components(c, name, n);
	if (k == 0 || in_list(c[k - 1], not_value, VIGIL_ARRAY_LEN(not_value)))
		return 0;
	if (k > 1 && strcmp(c[k - 1], "PWD") == 0)
		return 1;
	for (int i = 0; i < k; i++) {
		if (in_list(c[i], words, VIGIL_ARRAY_LEN(words)))
			return 1;
		if (i > 0 && strcmp(c[i], "KEY") == 0 &&
		    in_list(c[i - 1], before_key, VIGIL_ARRAY_LEN(before_key)))
			return 1;
	}
	return 0;
}

int vigil_config__img_is_zero(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s != '0')
			return 0;
	return 1;
}

/* The line starting at p (up to end) ends at the returned pointer (newline or end). */
static const char *line_end(const char *p, const char *end)
{
	const char *e = memchr(p, '\n', (size_t)(end - p));
	return e ? e : end;
}

/* Field `i` (0-based) of the ':'-separated line [p, e) into *f, *fn; 0 when missing. */
static int field(const char *p, const char *e, int i, const char **f, size_t *fn)
{
	for (int k = 0; k < i; k++) {
		const char *c = memchr(p, ':', (size_t)(e - p));
		if (!c)
			return 0;
		p = c + 1;
	}
	const char *c = memchr(p, ':', (size_t)(e - p));
	*f = p;
	*fn = (size_t)((c ? c : e) - p);
	if (*fn && p[*fn - 1] == '\r' && !c)
		(*fn)--;
	return 1;
}

static int field_uint(const char *p, const char *e, int i, uint32_t *out)
{
	const char *f;
	size_t fn;
	char num[16];
	uint64_t v;
	if (!field(p, e, i, &f, &fn) || fn == 0 || fn >= sizeof(num))
		return 0;
	memcpy(num, f, fn);
	num[fn] = 0;
	if (vigil_parse_uint(&v, num, UINT32_MAX) < 0)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

int vigil_config__img_passwd_uid0(const char *buf, size_t len, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = buf, *end = buf + len, *e; p < end; p = e + (e < end)) {
		const char *f;
		size_t fn;
		uint32_t uid;
		e = line_end(p, end);
		if (field(p, e, 0, &f, &fn) && fn == nl && memcmp(f, name, nl) == 0 &&
		    field_uint(p, e, 2, &uid))
			return uid == 0;
	}
	return 0;
}

int vigil_config__img_under(const char *path, const char *dir)
{
	size_t n = strlen(dir), pl = strlen(path);
	while (pl > 1 && path[pl - 1] == '/')
		pl--;
	if (pl < n || memcmp(path, dir, n) != 0)
		return 0;
	return pl == n || path[n] == '/';
}

int vigil_config__img_ref_tag(const char *ref)
{
	const char *slash = strrchr(ref, '/'), *name = slash ? slash + 1 : ref, *colon;
	if (strchr(ref, '@'))
		return IMG_REF_OK;
	if (!(colon = strchr(name, ':')))
		return IMG_REF_UNTAGGED;
	return strcmp(colon + 1, "latest") == 0 ? IMG_REF_LATEST : IMG_REF_OK;
}

static int ends(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

int vigil_config__img_add_kind(const char *args)
{
	static const char *const archives[] = {".tar",	".tar.gz", ".tgz", ".tar.bz2",
					       ".tbz2", ".tar.xz", ".txz", ".tar.zst"};
	const char *tok[32];
	size_t len[32];
	int n = 0, kind = IMG_ADD_NONE;
	const char *s = args;
	while (*s && n < 32) {
		while (*s && strchr(" \t[],\"", *s))
			s++;
		if (!*s)
			break;
		size_t w = strcspn(s, " \t[],\"");
		if (!(w > 2 && s[0] == '-' && s[1] == '-')) {
			tok[n] = s;
			len[n++] = w;
		}
		s += w;
	}
	for (int i = 0; i < n; i++)
		if ((starts(tok[i], "file:") || starts(tok[i], "dir:") ||
		     starts(tok[i], "multi:")) &&
		    i + 1 < n && len[i + 1] == 2 && memcmp(tok[i + 1], "in", 2) == 0)
			return IMG_ADD_NONE; /* classic builder: sources are hashed, unknown */
	for (int i = 0; i + 1 < n; i++) {
		int k = IMG_ADD_LOCAL;
		if (starts(tok[i], "http://") || starts(tok[i], "https://") ||
		    starts(tok[i], "git@"))
			k = IMG_ADD_URL;
		else
			for (size_t a = 0; a < VIGIL_ARRAY_LEN(archives); a++)
				if (ends(tok[i], len[i], archives[a]))
					k = IMG_ADD_ARCHIVE;
		if (kind == IMG_ADD_NONE || (k == IMG_ADD_URL) ||
		    (k == IMG_ADD_ARCHIVE && kind == IMG_ADD_LOCAL))
			kind = k;
	}
	return kind;
}

/* Next word of a shell command: separators are blanks and ; & | ( ) newlines. */
static const char *word(const char *s, size_t *n, int *sep_pipe)
{
	*sep_pipe = 0;
	while (*s && strchr(" \t\r\n;&|()\\", *s)) {
		if (*s == '|' && s[1] != '|')
			*sep_pipe = 1;
		if (*s == '|' && s[1] == '|')
			s++;
		s++;
	}
	*n = strcspn(s, " \t\r\n;&|()\\");
	return s;
}

static int word_is(const char *w, size_t n, const char *x)
{
	return n == strlen(x) && memcmp(w, x, n) == 0;
}

/* What a package-manager verb does: refresh the indexes, install or upgrade, or neither.
 * apt and apk "update" refresh; yum, dnf and zypper "update" upgrade packages. */
enum { PM_OTHER, PM_REFRESH, PM_INSTALL };
static int pm_verb(const char *pm, const char *verb)
{
	static const char *const ins[] = {"install", "upgrade",	  "dist-upgrade", "full-upgrade",
					  "add",     "reinstall", "in",		  "up",
					  "dup",     "build-dep", "groupinstall", "update-minimal"};
	int yum_like = strcmp(pm, "yum") == 0 || strcmp(pm, "dnf") == 0 ||
		       strcmp(pm, "microdnf") == 0 || strcmp(pm, "tdnf") == 0 ||
		       strcmp(pm, "zypper") == 0;
	if (strcmp(verb, "update") == 0)
		return yum_like ? PM_INSTALL : PM_REFRESH;
	if (strcmp(verb, "makecache") == 0 || strcmp(verb, "refresh") == 0 ||
	    strcmp(verb, "ref") == 0)
		return PM_REFRESH;
	return in_list(verb, ins, VIGIL_ARRAY_LEN(ins)) ? PM_INSTALL : PM_OTHER;
}

int vigil_config__img_update_alone(const char *cmd)
{
	static const char *const pms[] = {"apt-get", "apt",	 "apk",	   "yum",
					  "dnf",     "microdnf", "zypper", "tdnf"};
	int updates = 0, installs = 0, pipe;
	const char *pm = NULL;
	size_t n;
	const char *s = cmd;
	for (int guard = 0; guard < 4096; guard++) {
		const char *w = word(s, &n, &pipe);
		char tmp[32];
		if (n == 0)
			break;
		s = w + n;
		if (n >= sizeof(tmp)) {
			pm = NULL;
			continue;
		}
		memcpy(tmp, w, n);
		tmp[n] = 0;
		const char *base = strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : tmp;
		const char *is_pm = NULL;
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(pms); i++)
			if (strcmp(base, pms[i]) == 0)
				is_pm = pms[i];
		if (is_pm) {
			pm = is_pm;
			continue;
		}
		if (pm && tmp[0] == '-')
			continue; /* options between the manager and its verb */
		if (pm) {
			int v = pm_verb(pm, tmp);
			updates += v == PM_REFRESH;
			installs += v == PM_INSTALL;
		}
		pm = NULL;
	}
	return updates > 0 && installs == 0;
}

int vigil_config__img_pipe_shell(const char *cmd)
{
	static const char *const shells[] = {"sh", "bash", "zsh", "ash", "dash", "ksh"};
	int fetched = 0, pipe, first = 1;
	size_t n;
	const char *s = cmd;
	for (int guard = 0; guard < 4096; guard++) {
		const char *w = word(s, &n, &pipe);
		if (n == 0)
			break;
		s = w + n;
		if (word_is(w, n, "curl") || word_is(w, n, "wget")) {
			fetched = 1;
			first = 0;
			continue;
		}
		if (pipe)
			first = 1;
		if (fetched && pipe && first) {
			const char *base = w;
			for (size_t i = 0; i < n; i++)
				if (w[i] == '/')
					base = w + i + 1;
			size_t bn = n - (size_t)(base - w);
			if (word_is(base, bn, "sudo") || word_is(base, bn, "env")) {
				/* look at the next word, still right after the pipe */
				const char *w2 = word(s, &n, &pipe);
				if (pipe || n == 0)
					continue;
				base = w2;
				bn = n;
				s = w2 + n;
			}
			for (size_t i = 0; i < VIGIL_ARRAY_LEN(shells); i++)
				if (word_is(base, bn, shells[i]))
					return 1;
		}
		first = 0;
	}
	return 0;
}

/* Finds component `c` in path; returns its end offset (0 when absent). */
static size_t comp_end(const char *path, const char *c, const char *next)
{
	size_t cl = strlen(c);
	for (const char *p = path; (p = strchr(p, '/')) != NULL; p++) {
		if (strncmp(p + 1, c, cl) != 0 || p[1 + cl] != '/')
			continue;
		size_t end = (size_t)(p + 1 + cl - path);
		if (!next)
			return end;
		size_t nl = strlen(next);
		if (strncmp(path + end + 1, next, nl) == 0 && path[end + 1 + nl] == '/')
			return end + 1 + nl;
	}
	return 0;
}

int vigil_config__img_leftover(img_leftover *out, const char *path)
{
	static const char *const ssh_ok[] = {"known_hosts", "authorized_keys", "config",
					     "environment", "known_hosts.old", "rc"};
	static const char *const cloud[] = {".aws", ".azure", ".kube"};
	static const char *const caches[][2] = {{".cache", "pip"},
						{".npm", "_cacache"},
						{".cache", "yarn"},
						{".cache", "go-build"}};
	const char *base = strrchr(path, '/');
	size_t e, bl;
	base = base ? base + 1 : path;
	bl = strlen(base);
	memset(out, 0, sizeof(*out));
	/* every component looked for below starts with a dot: most paths have none */
	int dot = strstr(path, "/.") != NULL;
	if (dot && (e = comp_end(path, ".git", NULL))) {
		*out = (img_leftover){"VGL-IMG-015", ".git directory left in the image", e, 0};
		return 1;
	}
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(cloud); i++)
		if (dot && (e = comp_end(path, cloud[i], NULL))) {
			*out = (img_leftover){"VGL-IMG-016",
					      "cloud credentials directory left "
					      "in the image",
					      e, 1};
			return 1;
		}
	if (dot && (e = comp_end(path, ".config", "gcloud"))) {
		*out = (img_leftover){"VGL-IMG-016",
				      "cloud credentials directory left in the "
				      "image",
				      e, 1};
		return 1;
	}
	if (dot && (e = comp_end(path, ".ssh", NULL)) && !ends(base, bl, ".pub") &&
	    !in_list(base, ssh_ok, VIGIL_ARRAY_LEN(ssh_ok))) {
		*out = (img_leftover){"VGL-IMG-017",
				      ".ssh directory with private material "
				      "(keys) left in the image",
				      e, 2};
		return 1;
	}
	if (starts(path, "/var/lib/apt/lists/") && strcmp(base, "lock") != 0 &&
	    !starts(path, "/var/lib/apt/lists/partial/") &&
	    !starts(path, "/var/lib/apt/lists/auxfiles/")) {
		*out = (img_leftover){"VGL-IMG-019", "APT package lists left in the image", 18, 4};
		return 1;
	}
	if ((starts(path, "/var/cache/apt/archives/") && ends(base, bl, ".deb")) ||
	    starts(path, "/var/cache/apk/") || starts(path, "/var/cache/yum/") ||
	    starts(path, "/var/cache/dnf/")) {
		e = starts(path, "/var/cache/apt/") ? 23 : 14;
		*out = (img_leftover){"VGL-IMG-018", "package-manager cache left in the image", e,
				      3};
		return 1;
	}
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(caches); i++)
		if (dot && (e = comp_end(path, caches[i][0], caches[i][1]))) {
			*out = (img_leftover){"VGL-IMG-018",
					      "package-manager cache left in the "
					      "image",
					      e, 3};
			return 1;
		}
	return 0;
}

typedef struct ident {
	uint32_t id;
	int line;
	const char *name;
	size_t name_len;
} ident;

static int by_ident(const void *a, const void *b)
{
	const ident *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->line - y->line;
}

#define MAX_ACCOUNTS 65536

int vigil_config__img_accounts(img_acct_issue *out, int max, const char *kind, const char *buf,
			       size_t len)
{
	int is_passwd = strcmp(kind, "passwd") == 0, is_group = strcmp(kind, "group") == 0;
	int idf = 2, count = 0, line = 1;
	size_t nid = 0;
	ident *ids = NULL;
	if (is_passwd || is_group)
		ids = malloc(sizeof(*ids) * 1024);
	size_t cap = ids ? 1024 : 0;
	for (const char *p = buf, *end = buf + len, *e; p < end; p = e + (e < end), line++) {
		const char *name, *pw;
		size_t nn, pn;
		uint32_t id;
		e = line_end(p, end);
		if (p == e || *p == '#' || *p == '+' || *p == '-' || !field(p, e, 0, &name, &nn) ||
		    nn == 0 || !field(p, e, 1, &pw, &pn))
			continue;
		if (!is_group && pn == 0 && count < max) {
			out[count].id = "VGL-IMG-020";
			out[count].line = line;
			snprintf(out[count].msg, sizeof(out[count].msg),
				 "account %.*s has an empty password field in /etc/%s",
				 (int)(nn > 64 ? 64 : nn), name, kind);
			count++;
		}
		if (!ids || !field_uint(p, e, idf, &id))
			continue;
		if (is_passwd && id == 0 && !(nn == 4 && memcmp(name, "root", 4) == 0) &&
		    count < max) {
			out[count].id = "VGL-IMG-023";
			out[count].line = line;
			snprintf(out[count].msg, sizeof(out[count].msg), "account %.*s has UID 0",
				 (int)(nn > 64 ? 64 : nn), name);
			count++;
		}
		if (nid == cap && cap < MAX_ACCOUNTS) {
			ident *n2 = realloc(ids, sizeof(*ids) * cap * 2);
			if (n2) {
				ids = n2;
				cap *= 2;
			}
		}
		if (nid < cap)
			ids[nid++] = (ident){id, line, name, nn};
	}
	vigil_qsort(ids, nid, sizeof(*ids), by_ident);
	for (size_t i = 1; i < nid && count < max; i++) {
		if (ids[i].id != ids[i - 1].id)
			continue;
		out[count].id = is_passwd ? "VGL-IMG-021" : "VGL-IMG-022";
		out[count].line = ids[i].line;
		snprintf(out[count].msg, sizeof(out[count].msg),
			 "%s %u of %.*s is also used by %.*s", is_passwd ? "UID" : "GID",
			 (unsigned)ids[i].id, (int)(ids[i].name_len > 64 ? 64 : ids[i].name_len),
			 ids[i].name, (int)(ids[i - 1].name_len > 64 ? 64 : ids[i - 1].name_len),
			 ids[i - 1].name);
		count++;
	}
	free(ids);
	return count;
}
