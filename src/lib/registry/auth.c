/*
 * Registry authentication inputs: the WWW-Authenticate challenge and the credentials
 * (options, environment, docker config.json auths, credential helpers). Secrets are
 * never copied into messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "registry.h"

extern char **environ;

/* ---- WWW-Authenticate ------------------------------------------------------------------ */

static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void skip_ows(const char **p, const char *e)
{
	while (*p < e && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Copies a token or quoted string at *p into out (NUL-terminated, at most n-1 bytes);
 * -1 when malformed or too long. */
static int read_value(const char **p, const char *e, char *out, size_t n)
{
	size_t k = 0;
	if (*p < e && **p == '"') {
		(*p)++;
		while (*p < e && **p != '"') {
			char c = **p;
			if (c == '\\' && *p + 1 < e)
				c = *++*p;
			if ((unsigned char)c < 0x20 || k + 1 >= n)
				return -1;
			out[k++] = c;
			(*p)++;
		}
		if (*p >= e)
			return -1;
		(*p)++;
	} else {
		while (*p < e && (is_tchar(**p) || **p == '/' || **p == ':' || **p == '=')) {
			if (k + 1 >= n)
				return -1;
			out[k++] = *(*p)++;
		}
	}
	out[k] = '\0';
	return 0;
}

int vigil_reg__challenge_parse(vigil_reg_challenge *out, const char *value, size_t n)
{
	const char *p = value, *e = value + n;
	vigil_reg_challenge cur, basic;
	int have_basic = 0;
	memset(out, 0, sizeof(*out));
	memset(&basic, 0, sizeof(basic));
	if (n > 16384)
		return VIGIL_EFORMAT;
	for (int guard = 0; p < e && guard < 64; guard++) {
		char scheme[16];
		size_t k = 0;
		skip_ows(&p, e);
		while (p < e && *p == ',') {
			p++;
			skip_ows(&p, e);
		}
		if (p >= e)
			break;
		while (p < e && is_tchar(*p)) {
			if (k + 1 >= sizeof(scheme))
				return VIGIL_EFORMAT;
			char c = *p++;
			scheme[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		scheme[k] = '\0';
		if (k == 0)
			return VIGIL_EFORMAT;
		memset(&cur, 0, sizeof(cur));
		snprintf(cur.scheme, sizeof(cur.scheme), "%s", scheme);
		/* auth-params: name=value, separated by commas; a name not followed by '='
		 * starts the next challenge */
		for (int g2 = 0; g2 < 64; g2++) {
			const char *save = p;
			char name[32], val[1024];
			size_t nk = 0;
			skip_ows(&p, e);
			while (p < e && *p == ',') {
				p++;
				skip_ows(&p, e);
			}
			while (p < e && is_tchar(*p) && *p != '=') {
				if (nk + 1 >= sizeof(name)) {
					nk = 0;
					break;
				}
				char c = *p++;
				name[nk++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			}
			name[nk] = '\0';
			skip_ows(&p, e);
			if (nk == 0 || p >= e || *p != '=') {
				if (nk == 0 && p < e && *p != ',' && *p != ' ')
					return VIGIL_EFORMAT; /* garbage */
				p = nk ? save : p;
				break;
			}
			p++;
			skip_ows(&p, e);
			if (read_value(&p, e, val, sizeof(val)) < 0)
				return VIGIL_EFORMAT;
			size_t vl = strlen(val);
			if (strcmp(name, "realm") == 0 && vl < sizeof(cur.realm))
				memcpy(cur.realm, val, vl + 1);
			else if (strcmp(name, "service") == 0 && vl < sizeof(cur.service))
				memcpy(cur.service, val, vl + 1);
			else if (strcmp(name, "scope") == 0 && vl < sizeof(cur.scope))
				memcpy(cur.scope, val, vl + 1);
			skip_ows(&p, e);
			if (p < e && *p != ',')
				return VIGIL_EFORMAT;
		}
		if (strcmp(cur.scheme, "bearer") == 0 && cur.realm[0]) {
			*out = cur;
			return 0;
		}
		if (strcmp(cur.scheme, "basic") == 0 && !have_basic) {
			basic = cur;
			have_basic = 1;
		}
	}
	if (have_basic) {
		*out = basic;
		return 0;
	}
	return VIGIL_EFORMAT;
}

/* ---- credentials ----------------------------------------------------------------------- */

void vigil_reg__cred_free(vigil_reg_cred *c)
{
	if (c->pass)
		OPENSSL_cleanse(c->pass, strlen(c->pass));
	if (c->identity_token)
		OPENSSL_cleanse(c->identity_token, strlen(c->identity_token));
	free(c->user);
	free(c->pass);
	free(c->identity_token);
	memset(c, 0, sizeof(*c));
}

/* The auth file keys that may name `host`. */
static int key_matches(const char *key, const char *host)
{
	size_t hl = strlen(host);
	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	if (strcmp(host, "docker.io") == 0 &&
	    (strncmp(key, "index.docker.io", 15) == 0 ||
	     strncmp(key, "registry-1.docker.io", 20) == 0 || strcmp(key, "docker.io") == 0))
		return 1;
	return strncmp(key, host, hl) == 0 && (key[hl] == '\0' || key[hl] == '/');
}

static int set_basic(vigil_reg_cred *out, const char *user, const char *pass, const char *src)
{
	out->user = strdup(user);
	out->pass = strdup(pass);
	snprintf(out->source, sizeof(out->source), "%.100s", src);
	return out->user && out->pass ? 0 : VIGIL_ENOMEM;
}

/* Decodes base64 "user:password". */
static int decode_auth(vigil_reg_cred *out, const char *b64, char *errbuf, size_t errn)
{
	size_t n = strlen(b64);
	unsigned char *dec;
	int len, error = VIGIL_EFORMAT;
	if (n == 0 || n > 65536 || n % 4) {
		snprintf(errbuf, errn, "auth file: an 'auth' value is not base64");
		return VIGIL_EFORMAT;
	}
	if (!(dec = malloc(n)))
		return VIGIL_ENOMEM;
	len = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)n);
	if (len >= 0) {
		while (len > 0 && b64[n - 1] == '=' && dec[len - 1] == '\0') {
			len--;
			n--;
		}
		dec[len] = '\0';
		char *colon = memchr(dec, ':', (size_t)len);
		if (colon && strlen((char *)dec) == (size_t)len) {
			*colon = '\0';
			error = set_basic(out, (char *)dec, colon + 1, "auth file");
		}
	}
	if (error == VIGIL_EFORMAT)
		snprintf(errbuf, errn, "auth file: an 'auth' value is not base64 of user:password");
	OPENSSL_cleanse(dec, n);
	free(dec);
	return error;
}

static int helper_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/* Runs `docker-credential-NAME get` with the server URL on stdin (10 s at most). */
static int run_helper(vigil_reg_cred *out, const char *name, const char *host, char *errbuf,
		      size_t errn)
{
	char prog[96], input[512];
	int in[2] = {-1, -1}, outp[2] = {-1, -1}, status, error = VIGIL_EIO;
	pid_t pid = -1;
	posix_spawn_file_actions_t fa;
	vigil_buf b = VIGIL_BUF_INIT;
	json_t *j = NULL;

	if (!helper_name_ok(name)) {
		snprintf(errbuf, errn, "auth file: invalid credential helper name");
		return VIGIL_EFORMAT;
	}
	snprintf(prog, sizeof(prog), "docker-credential-%s", name);
	snprintf(input, sizeof(input), "%s\n",
		 strcmp(host, "docker.io") == 0 ? "https://index.docker.io/v1/" : host);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0) {
		snprintf(errbuf, errn, "%s: %s", prog, strerror(errno));
		goto done;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	char *argv[] = {prog, (char *)"get", NULL};
	int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	if (rc != 0) {
		pid = -1;
		snprintf(errbuf, errn, "credential helper %s: %s", prog, strerror(rc));
		goto done;
	}
	{
		/* a helper that exits without reading must not kill us with SIGPIPE */
		sigset_t pipe_set, old;
		struct timespec zero = {0, 0};
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
		if (write(in[1], input, strlen(input)) < 0 && errno == EPIPE)
			sigtimedwait(&pipe_set, NULL, &zero);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	close(in[1]);
	in[1] = -1;
	b.limit = 65536;
	time_t end = time(NULL) + 10;
	for (;;) {
		struct pollfd pf = {outp[0], POLLIN, 0};
		int left = (int)(end - time(NULL));
		if (left <= 0 || poll(&pf, 1, left * 1000) <= 0) {
			snprintf(errbuf, errn, "credential helper %s: no answer in 10 s", prog);
			goto done;
		}
		char chunk[4096];
		ssize_t k = read(outp[0], chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (vigil_buf_put(&b, chunk, (size_t)k) < 0) {
			snprintf(errbuf, errn, "credential helper %s: answer too long", prog);
			goto done;
		}
	}
	waitpid(pid, &status, 0);
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* "credentials not found in native keychain": no credentials, not an error */
		error = 0;
		goto done;
	}
	j = json_loadb((const char *)b.data, b.len, 0, NULL);
	const char *u = json_string_value(json_object_get(j, "Username"));
	const char *sec = json_string_value(json_object_get(j, "Secret"));
	if (!u || !sec) {
		snprintf(errbuf, errn, "credential helper %s: answer is not {Username, Secret}",
			 prog);
		error = VIGIL_EFORMAT;
		goto done;
	}
	if (strcmp(u, "<token>") == 0) {
		error = (out->identity_token = strdup(sec)) ? 0 : VIGIL_ENOMEM;
		snprintf(out->source, sizeof(out->source), "%.100s", prog);
	} else {
		error = set_basic(out, u, sec, prog);
	}
done:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	vigil_buf_free(&b);
	json_decref(j);
	return error;
}

int vigil_reg__cred_from_config(vigil_reg_cred *out, const char *json, size_t n, const char *host,
				int run_helpers, char *errbuf, size_t errn)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, n, 0, &jerr), *auths, *helpers, *v;
	const char *key;
	int error = 0;
	if (!root || !json_is_object(root)) {
		snprintf(errbuf, errn, "auth file: malformed JSON (line %d)", jerr.line);
		json_decref(root);
		return VIGIL_EFORMAT;
	}
	helpers = json_object_get(root, "credHelpers");
	json_object_foreach(helpers, key, v)
	{
		if (json_is_string(v) && key_matches(key, host)) {
			if (run_helpers)
				error = run_helper(out, json_string_value(v), host, errbuf, errn);
			goto done;
		}
	}
	auths = json_object_get(root, "auths");
	json_object_foreach(auths, key, v)
	{
		if (!key_matches(key, host) || !json_is_object(v))
			continue;
		const char *tok = json_string_value(json_object_get(v, "identitytoken"));
		const char *a = json_string_value(json_object_get(v, "auth"));
		const char *u = json_string_value(json_object_get(v, "username"));
		const char *pw = json_string_value(json_object_get(v, "password"));
		if (tok && *tok) {
			if (!(out->identity_token = strdup(tok)))
				error = VIGIL_ENOMEM;
			snprintf(out->source, sizeof(out->source), "auth file");
		} else if (a && *a) {
			error = decode_auth(out, a, errbuf, errn);
		} else if (u && pw) {
			error = set_basic(out, u, pw, "auth file");
		} else {
			continue;
		}
		goto done;
	}
	const char *store = json_string_value(json_object_get(root, "credsStore"));
	if (store && *store && run_helpers)
		error = run_helper(out, store, host, errbuf, errn);
done:
	json_decref(root);
	return error;
}

static int read_small_file(const char *path, vigil_buf *b, char *errbuf, size_t errn)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t k;
	if (!f) {
		if (errno == ENOENT)
			return VIGIL_ENOTFOUND;
		snprintf(errbuf, errn, "auth file %s: %s", path, strerror(errno));
		return VIGIL_EIO;
	}
	b->limit = 4 << 20;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (vigil_buf_put(b, chunk, k) < 0) {
			fclose(f);
			snprintf(errbuf, errn, "auth file %s: larger than 4 MiB", path);
			return VIGIL_ELIMIT;
		}
	fclose(f);
	return 0;
}

int vigil_reg__cred_find(vigil_reg_cred *out, const char *host, const vigil_registry_opts *opts,
			 char *errbuf, size_t errn)
{
	char path[4096];
	const char *file = NULL, *u, *p;
	vigil_buf b = VIGIL_BUF_INIT;
	int error, explicit_file = 0;

	memset(out, 0, sizeof(*out));
	if (opts && opts->username && opts->password)
		return set_basic(out, opts->username, opts->password, "--username");
	u = getenv("VIGIL_REGISTRY_USERNAME");
	p = getenv("VIGIL_REGISTRY_PASSWORD");
	if (u && *u && p)
		return set_basic(out, u, p, "VIGIL_REGISTRY_USERNAME");
	if (opts && opts->authfile) {
		file = opts->authfile;
		explicit_file = 1;
	} else if ((file = getenv("REGISTRY_AUTH_FILE")) && *file) {
		explicit_file = 1;
	} else if ((file = getenv("DOCKER_CONFIG")) && *file) {
		snprintf(path, sizeof(path), "%s/config.json", file);
		file = path;
	} else if ((file = getenv("HOME")) && *file) {
		snprintf(path, sizeof(path), "%s/.docker/config.json", file);
		file = path;
	} else {
		return 0;
	}
	error = read_small_file(file, &b, errbuf, errn);
	if (error == VIGIL_ENOTFOUND && !explicit_file)
		error = 0;
	else if (error == VIGIL_ENOTFOUND)
		snprintf(errbuf, errn, "auth file %s: no such file", file);
	else if (error == 0)
		error = vigil_reg__cred_from_config(out, (const char *)b.data, b.len, host, 1,
						    errbuf, errn);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	vigil_buf_free(&b);
	if (error < 0)
		vigil_reg__cred_free(out);
	return error;
}
