/*
 * host_json.c - CIS Docker Benchmark section 2 (daemon.json settings) and section 5
 * (container runtime, from `docker inspect` JSON) checks on a buffer.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "config/host.h"

#define TRY(call)                                                                                  \
	do {                                                                                       \
		if ((error = (call)) < 0)                                                          \
			goto done;                                                                 \
	} while (0)

/* 1-based line of the first `"key"` followed by ':' in buf; 0 when not found. */
static int key_line(const char *buf, size_t len, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl + 2 <= len; i++) {
		if (buf[i] != '"' || memcmp(buf + i + 1, key, kl) != 0 || buf[i + 1 + kl] != '"')
			continue;
		size_t j = i + kl + 2;
		while (j < len &&
		       (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r' || buf[j] == '\n'))
			j++;
		if (j < len && buf[j] == ':') {
			int line = 1;
			for (size_t k = 0; k < i; k++)
				line += buf[k] == '\n';
			return line;
		}
	}
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void copy_path(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

int vigil_config__host_daemon(vigil_config_result *r, host_daemon *out, const char *file,
			      const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *d = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr), *v;
	int error = 0, tls_verify;
	const char *s;
	if (out)
		memset(out, 0, sizeof(*out));
	if (!d || !json_is_object(d)) {
		error = vigil_config__add(r, "VGL-HOST-015", file, d ? 1 : jerr.line, NULL, -1,
					  "%s is not a JSON object%s%.200s", file, d ? "" : ": ",
					  d ? "" : jerr.text);
		json_decref(d);
		return error;
	}
#define LINE(k) key_line(buf, len, k)
	v = json_object_get(d, "icc");
	if (!json_is_false(v))
		TRY(vigil_config__add(r, "VGL-HOST-001", file, LINE("icc"), NULL, -1,
				      v ? "icc is not false: containers on the default bridge talk "
					  "freely"
					: "icc is not set (default true)"));
	if ((s = jstr(d, "log-level")) && strcmp(s, "info") != 0)
		TRY(vigil_config__add(r, "VGL-HOST-002", file, LINE("log-level"), NULL, -1,
				      "log-level is %.32s", s));
	if (json_is_false(json_object_get(d, "iptables")))
		TRY(vigil_config__add(r, "VGL-HOST-003", file, LINE("iptables"), NULL, -1,
				      "iptables is false"));
	v = json_object_get(d, "insecure-registries");
	if (json_is_array(v) && json_array_size(v) > 0)
		TRY(vigil_config__add(r, "VGL-HOST-004", file, LINE("insecure-registries"), NULL,
				      -1, "insecure-registries lists %zu registr%s, first %.200s",
				      json_array_size(v), json_array_size(v) == 1 ? "y" : "ies",
				      json_string_value(json_array_get(v, 0))
					      ? json_string_value(json_array_get(v, 0))
					      : "?"));
	if ((s = jstr(d, "storage-driver")) && strcmp(s, "aufs") == 0)
		TRY(vigil_config__add(r, "VGL-HOST-005", file, LINE("storage-driver"), NULL, -1,
				      "storage-driver is aufs"));
	tls_verify = json_is_true(json_object_get(d, "tlsverify"));
	v = json_object_get(d, "hosts");
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
		const char *h = json_string_value(json_array_get(v, i));
		if (h && strncmp(h, "tcp://", 6) == 0 &&
		    (!tls_verify || !jstr(d, "tlscacert") || !jstr(d, "tlscert") ||
		     !jstr(d, "tlskey"))) {
			TRY(vigil_config__add(r, "VGL-HOST-006", file, LINE("hosts"), NULL, -1,
					      "daemon listens on %.200s without tlsverify and "
					      "tlscacert, tlscert, tlskey",
					      h));
			break;
		}
	}
	s = jstr(d, "userns-remap");
	if (!s || !*s)
		TRY(vigil_config__add(r, "VGL-HOST-007", file, LINE("userns-remap"), NULL, -1,
				      "userns-remap is not set"));
	v = json_object_get(d, "authorization-plugins");
	if (!json_is_array(v) || json_array_size(v) == 0)
		TRY(vigil_config__add(r, "VGL-HOST-008", file, LINE("authorization-plugins"), NULL,
				      -1, "no authorization plugin is configured"));
	s = jstr(d, "log-driver");
	if (!s || strcmp(s, "json-file") == 0 || strcmp(s, "local") == 0 || strcmp(s, "none") == 0)
		TRY(vigil_config__add(r, "VGL-HOST-009", file, LINE("log-driver"), NULL, -1,
				      "log-driver is %.32s: no centralized logging",
				      s ? s : "not set (json-file)"));
	if (!json_is_true(json_object_get(d, "live-restore")))
		TRY(vigil_config__add(r, "VGL-HOST-010", file, LINE("live-restore"), NULL, -1,
				      "live-restore is not enabled"));
	if (!json_is_false(json_object_get(d, "userland-proxy")))
		TRY(vigil_config__add(r, "VGL-HOST-011", file, LINE("userland-proxy"), NULL, -1,
				      "userland-proxy is not disabled"));
	if ((s = jstr(d, "seccomp-profile")) && strcmp(s, "unconfined") == 0)
		TRY(vigil_config__add(r, "VGL-HOST-012", file, LINE("seccomp-profile"), NULL, -1,
				      "seccomp-profile is unconfined"));
	if (json_is_true(json_object_get(d, "experimental")))
		TRY(vigil_config__add(r, "VGL-HOST-013", file, LINE("experimental"), NULL, -1,
				      "experimental features are enabled"));
	if (!json_is_true(json_object_get(d, "no-new-privileges")))
		TRY(vigil_config__add(r, "VGL-HOST-014", file, LINE("no-new-privileges"), NULL, -1,
				      "no-new-privileges is not true"));
#undef LINE
	if (out) {
		copy_path(out->tlscacert, sizeof(out->tlscacert), jstr(d, "tlscacert"));
		copy_path(out->tlscert, sizeof(out->tlscert), jstr(d, "tlscert"));
		copy_path(out->tlskey, sizeof(out->tlskey), jstr(d, "tlskey"));
	}
done:
	json_decref(d);
	return error;
}

/* ---- docker inspect -------------------------------------------------------------- */

static int has_opt(json_t *arr, const char *prefix, const char *value)
{
	size_t pl = strlen(prefix);
	for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (!s || strncmp(s, prefix, pl) != 0)
			continue;
		if (!value)
			return s[pl] == 0 || strcmp(s + pl, ":true") == 0 ||
			       strcmp(s + pl, "=true") == 0;
		if ((s[pl] == '=' || s[pl] == ':') && strcmp(s + pl + 1, value) == 0)
			return 1;
	}
	return 0;
}

static int is_host(json_t *hc, const char *k)
{
	const char *s = jstr(hc, k);
	return s && strcmp(s, "host") == 0;
}

/* Checks one container object; `name` is "container <Name>". */
static int inspect_one(vigil_config_result *r, const char *file, json_t *c, const char *obj)
{
	static const char *const dangerous[] = {
		"ALL",	      "SYS_ADMIN", "NET_ADMIN",	      "SYS_PTRACE",
		"SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "SYS_BOOT",
		"SYS_TIME",   "BPF",	   "PERFMON"};
	static const char *const sensitive[] = {"/boot", "/dev", "/etc", "/proc", "/sys"};
	static const char *const exact[] = {"/", "/lib", "/usr", "/var/lib/docker"};
	json_t *hc = json_object_get(c, "HostConfig"), *cfg = json_object_get(c, "Config"), *v;
	int error = 0;
	const char *s;
	if (!json_is_object(hc))
		hc = json_object();
	else
		json_incref(hc);
	if (json_is_true(json_object_get(hc, "Privileged")))
		TRY(vigil_config__add(r, "VGL-CTR-001", file, 0, obj, -1, "runs privileged"));
	v = json_object_get(hc, "CapAdd");
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
		const char *cap = json_string_value(json_array_get(v, i));
		if (!cap)
			continue;
		if (strncasecmp(cap, "CAP_", 4) == 0)
			cap += 4;
		for (size_t k = 0; k < VIGIL_ARRAY_LEN(dangerous); k++)
			if (strcasecmp(cap, dangerous[k]) == 0)
				TRY(vigil_config__add(r, "VGL-CTR-002", file, 0, obj, -1,
						      "adds capability %.64s", cap));
	}
	v = json_object_get(hc, "CapDrop");
	{
		int all = 0;
		for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
			const char *cap = json_string_value(json_array_get(v, i));
			all |= cap &&
			       (strcasecmp(cap, "ALL") == 0 || strcasecmp(cap, "CAP_ALL") == 0);
		}
		if (!all)
			TRY(vigil_config__add(r, "VGL-CTR-003", file, 0, obj, -1,
					      "capabilities are not dropped (CapDrop lacks ALL)"));
	}
	if (is_host(hc, "NetworkMode"))
		TRY(vigil_config__add(r, "VGL-CTR-004", file, 0, obj, -1,
				      "shares the host's network namespace"));
	if (is_host(hc, "PidMode"))
		TRY(vigil_config__add(r, "VGL-CTR-005", file, 0, obj, -1,
				      "shares the host's PID namespace"));
	if (is_host(hc, "IpcMode"))
		TRY(vigil_config__add(r, "VGL-CTR-006", file, 0, obj, -1,
				      "shares the host's IPC namespace"));
	if (is_host(hc, "UTSMode"))
		TRY(vigil_config__add(r, "VGL-CTR-007", file, 0, obj, -1,
				      "shares the host's UTS namespace"));
	if (is_host(hc, "UsernsMode"))
		TRY(vigil_config__add(r, "VGL-CTR-008", file, 0, obj, -1,
				      "shares the host's user namespace"));
	v = json_object_get(c, "Mounts");
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
		json_t *m = json_array_get(v, i);
		const char *src = jstr(m, "Source"), *prop = jstr(m, "Propagation");
		const char *dst = jstr(m, "Destination");
		int hit = 0;
		if (!src)
			continue;
		if (strcmp(src, "/var/run/docker.sock") == 0 ||
		    strcmp(src, "/run/docker.sock") == 0)
			TRY(vigil_config__add(r, "VGL-CTR-010", file, 0, obj, -1,
					      "mounts the Docker socket %.200s at %.200s", src,
					      dst ? dst : "?"));
		for (size_t k = 0; k < VIGIL_ARRAY_LEN(exact); k++)
			hit |= strcmp(src, exact[k]) == 0;
		for (size_t k = 0; k < VIGIL_ARRAY_LEN(sensitive); k++) {
			size_t n = strlen(sensitive[k]);
			hit |= strncmp(src, sensitive[k], n) == 0 && (src[n] == 0 || src[n] == '/');
		}
		if (hit)
			TRY(vigil_config__add(
				r, "VGL-CTR-009", file, 0, obj, -1,
				"mounts host directory %.200s at %.200s%s", src, dst ? dst : "?",
				json_is_true(json_object_get(m, "RW")) ? " read-write" : ""));
		if (prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0))
			TRY(vigil_config__add(r, "VGL-CTR-011", file, 0, obj, -1,
					      "mount %.200s has %s propagation", src, prop));
	}
	if (json_integer_value(json_object_get(hc, "Memory")) <= 0)
		TRY(vigil_config__add(r, "VGL-CTR-012", file, 0, obj, -1, "no memory limit"));
	{
		json_int_t cs = json_integer_value(json_object_get(hc, "CpuShares"));
		if (cs == 0 || cs == 1024)
			TRY(vigil_config__add(r, "VGL-CTR-013", file, 0, obj, -1,
					      "CPU shares are not set"));
	}
	if (json_integer_value(json_object_get(hc, "PidsLimit")) <= 0)
		TRY(vigil_config__add(r, "VGL-CTR-014", file, 0, obj, -1, "no PIDs limit"));
	if (!json_is_true(json_object_get(hc, "ReadonlyRootfs")))
		TRY(vigil_config__add(r, "VGL-CTR-015", file, 0, obj, -1,
				      "root filesystem is writable"));
	v = json_object_get(hc, "SecurityOpt");
	if (has_opt(v, "seccomp", "unconfined"))
		TRY(vigil_config__add(r, "VGL-CTR-016", file, 0, obj, -1,
				      "seccomp profile is unconfined"));
	s = jstr(c, "AppArmorProfile");
	if (has_opt(v, "apparmor", "unconfined") || (s && strcmp(s, "unconfined") == 0))
		TRY(vigil_config__add(r, "VGL-CTR-017", file, 0, obj, -1,
				      "AppArmor profile is unconfined"));
	if (has_opt(v, "label", "disable"))
		TRY(vigil_config__add(r, "VGL-CTR-025", file, 0, obj, -1,
				      "SELinux labeling is disabled"));
	if (!has_opt(v, "no-new-privileges", NULL))
		TRY(vigil_config__add(r, "VGL-CTR-018", file, 0, obj, -1,
				      "no-new-privileges is not set"));
	{
		json_t *rp = json_object_get(hc, "RestartPolicy");
		const char *name = jstr(rp, "Name");
		json_int_t max = json_integer_value(json_object_get(rp, "MaximumRetryCount"));
		if (name && (strcmp(name, "always") == 0 || strcmp(name, "unless-stopped") == 0 ||
			     (strcmp(name, "on-failure") == 0 && (max <= 0 || max > 5))))
			TRY(vigil_config__add(r, "VGL-CTR-019", file, 0, obj, -1,
					      "restart policy %.32s (max retries %lld)", name,
					      (long long)max));
	}
	{
		json_t *ns = json_object_get(c, "NetworkSettings");
		json_t *ports = json_object_get(ns, "Ports");
		const char *key;
		json_t *binds;
		if (!json_is_object(ports) || json_object_size(ports) == 0)
			ports = json_object_get(hc, "PortBindings");
		json_object_foreach(json_is_object(ports) ? ports : NULL, key, binds)
		{
			for (size_t i = 0; json_is_array(binds) && i < json_array_size(binds);
			     i++) {
				json_t *b = json_array_get(binds, i);
				const char *ip = jstr(b, "HostIp"), *hp = jstr(b, "HostPort");
				uint64_t port;
				if (hp && *hp && vigil_parse_uint(&port, hp, 65535) == 0 &&
				    port < 1024)
					TRY(vigil_config__add(r, "VGL-CTR-020", file, 0, obj, -1,
							      "%.32s is published on host port "
							      "%.8s",
							      key, hp));
				if (!ip || !*ip || strcmp(ip, "0.0.0.0") == 0 ||
				    strcmp(ip, "::") == 0)
					TRY(vigil_config__add(r, "VGL-CTR-021", file, 0, obj, -1,
							      "%.32s is published on all host "
							      "interfaces",
							      key));
			}
		}
	}
	v = json_object_get(hc, "Devices");
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++)
		TRY(vigil_config__add(r, "VGL-CTR-022", file, 0, obj, -1,
				      "host device %.200s is exposed",
				      jstr(json_array_get(v, i), "PathOnHost")
					      ? jstr(json_array_get(v, i), "PathOnHost")
					      : "?"));
	s = jstr(cfg, "User");
	if (!s || !*s || strcmp(s, "root") == 0 || strcmp(s, "0") == 0 ||
	    strncmp(s, "root:", 5) == 0 || strncmp(s, "0:", 2) == 0)
		TRY(vigil_config__add(r, "VGL-CTR-023", file, 0, obj, -1,
				      "runs as root (User %.64s)", s && *s ? s : "not set"));
	{
		json_t *hcheck = json_object_get(cfg, "Healthcheck");
		json_t *test = json_object_get(hcheck, "Test");
		const char *t0 = json_string_value(json_array_get(test, 0));
		if (!json_is_array(test) || json_array_size(test) == 0 ||
		    (t0 && strcmp(t0, "NONE") == 0))
			TRY(vigil_config__add(r, "VGL-CTR-024", file, 0, obj, -1,
					      "no health check"));
	}
done:
	json_decref(hc);
	return error;
}

#define MAX_CONTAINERS 10000

/* Checks one element of the inspect array (or the lone object). */
static int inspect_elem(vigil_config_result *r, const char *file, json_t *c)
{
	const char *name = jstr(c, "Name"), *id = jstr(c, "Id");
	char obj[160];
	if (!json_is_object(c))
		return 0;
	if (name && *name == '/')
		name++;
	snprintf(obj, sizeof(obj), "container %.140s", name && *name ? name : id ? id : "?");
	return inspect_one(r, file, c, obj);
}

static size_t skip_ws(const char *buf, size_t len, size_t p)
{
	while (p < len && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\n' || buf[p] == '\r'))
		p++;
	return p;
}

/* The array is read one container at a time (jansson stops after each value), so memory
 * is the file plus one container's tree, not a tree of the whole file (a 14 MB file
 * took 199 MB as one document). */
int vigil_config__host_inspect(vigil_config_result *r, const char *file, const char *buf,
			       size_t len, char errmsg[256])
{
	json_error_t jerr;
	size_t p = skip_ws(buf, len, 0), count = 0;
	int error = 0;
	errmsg[0] = 0;
	if (p < len && buf[p] == '{') {
		json_t *doc = json_loadb(buf, len, 0, &jerr);
		if (!doc) {
			snprintf(errmsg, 256, "malformed JSON at line %d: %.200s", jerr.line,
				 jerr.text);
			return VIGIL_EFORMAT;
		}
		error = inspect_elem(r, file, doc);
		json_decref(doc);
		return error;
	}
	if (p >= len || buf[p] != '[') {
		snprintf(errmsg, 256, "not docker inspect output (an array of containers)");
		return VIGIL_EFORMAT;
	}
	p = skip_ws(buf, len, p + 1);
	if (p < len && buf[p] == ']') {
		p++;
	} else {
		for (;;) {
			json_t *c;
			if (p >= len) {
				snprintf(errmsg, 256, "malformed JSON: the array is not closed");
				return VIGIL_EFORMAT;
			}
			if (buf[p] != '{' && buf[p] != '[') {
				snprintf(errmsg, 256,
					 "not docker inspect output (an array of containers)");
				return VIGIL_EFORMAT;
			}
			if (!(c = json_loadb(buf + p, len - p, JSON_DISABLE_EOF_CHECK, &jerr))) {
				snprintf(errmsg, 256, "malformed JSON at byte %zu: %.200s",
					 p + (size_t)(jerr.position > 0 ? jerr.position : 0),
					 jerr.text);
				return VIGIL_EFORMAT;
			}
			p += (size_t)jerr.position;
			if (count++ < MAX_CONTAINERS)
				error = inspect_elem(r, file, c);
			json_decref(c);
			if (error < 0)
				return error;
			p = skip_ws(buf, len, p);
			if (p < len && buf[p] == ',') {
				p = skip_ws(buf, len, p + 1);
				continue;
			}
			if (p < len && buf[p] == ']') {
				p++;
				break;
			}
			snprintf(errmsg, 256, "malformed JSON at byte %zu: ',' or ']' expected", p);
			return VIGIL_EFORMAT;
		}
	}
	if (skip_ws(buf, len, p) != len) {
		snprintf(errmsg, 256, "malformed JSON at byte %zu: data after the array", p);
		return VIGIL_EFORMAT;
	}
	return error;
}
