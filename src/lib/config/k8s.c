/*
 * k8s.c - the Kubernetes manifest checks (VGL-K8S-0NN), of the kind kubesec and
 * kube-score apply, mapped to the CIS Kubernetes Benchmark 5.x policies where one
 * applies. Pods and every workload kind are reduced to a pod spec; each container
 * (init and ephemeral ones too) is checked with its pod's settings as defaults. RBAC
 * objects get their own checks. Lines are those of the offending field, else of the
 * container or the object.
 */
#include <stdlib.h>
#include <string.h>

#include "config/dfparse.h"
#include "config/yamlload.h"

#define K "kubernetes"

const vigil_check_info vigil_config__checks_k8s[] = {
	{"VGL-K8S-001", K, "K8s 5.2.2", "CRITICAL", "Privileged container",
	 "Remove securityContext.privileged or set it to false."},
	{"VGL-K8S-002", K, "K8s 5.2.6", "MEDIUM", "allowPrivilegeEscalation not false",
	 "Set securityContext.allowPrivilegeEscalation: false."},
	{"VGL-K8S-003", K, "K8s 5.2.3", "HIGH", "Host PID namespace shared",
	 "Remove hostPID or set it to false."},
	{"VGL-K8S-004", K, "K8s 5.2.4", "HIGH", "Host IPC namespace shared",
	 "Remove hostIPC or set it to false."},
	{"VGL-K8S-005", K, "K8s 5.2.5", "HIGH", "Host network namespace shared",
	 "Remove hostNetwork or set it to false."},
	{"VGL-K8S-006", K, "K8s 5.2.13", "MEDIUM", "hostPort used",
	 "Do not bind container ports to the node; use a Service."},
	{"VGL-K8S-007", K, "K8s 5.2.12", "MEDIUM", "hostPath volume",
	 "Use a volume type that does not expose the node's filesystem."},
	{"VGL-K8S-008", K, "K8s 5.2.12", "CRITICAL", "Container runtime socket mounted",
	 "Never mount docker.sock, containerd.sock or crio.sock: it gives root on the node."},
	{"VGL-K8S-009", K, "K8s 5.2.7", "MEDIUM", "runAsNonRoot not true",
	 "Set securityContext.runAsNonRoot: true (or a non-zero runAsUser)."},
	{"VGL-K8S-010", K, "K8s 5.2.7", "HIGH", "Runs as UID 0",
	 "Set securityContext.runAsUser to a non-zero UID."},
	{"VGL-K8S-011", K, "K8s 5.2.10", "LOW", "Capabilities not dropped",
	 "Set securityContext.capabilities.drop: [\"ALL\"] and add back only what is needed."},
	{"VGL-K8S-012", K, "K8s 5.2.9", "HIGH", "Dangerous capability added",
	 "Do not add SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, NET_RAW, DAC_READ_SEARCH "
	 "or ALL."},
	{"VGL-K8S-013", K, NULL, "LOW", "Root filesystem not read-only",
	 "Set securityContext.readOnlyRootFilesystem: true and mount writable volumes."},
	{"VGL-K8S-014", K, "K8s 5.7.2", "MEDIUM", "No seccomp profile",
	 "Set securityContext.seccompProfile.type: RuntimeDefault."},
	{"VGL-K8S-015", K, "K8s 5.7.2", "HIGH", "Seccomp unconfined",
	 "Use the RuntimeDefault or a Localhost seccomp profile."},
	{"VGL-K8S-016", K, NULL, "MEDIUM", "AppArmor unconfined",
	 "Use the RuntimeDefault or a Localhost AppArmor profile."},
	{"VGL-K8S-017", K, NULL, "HIGH", "Unsafe sysctl",
	 "Set only the sysctls Kubernetes considers safe."},
	{"VGL-K8S-018", K, NULL, "LOW", "No CPU or memory request",
	 "Set resources.requests.cpu and resources.requests.memory."},
	{"VGL-K8S-019", K, NULL, "MEDIUM", "No memory limit", "Set resources.limits.memory."},
	{"VGL-K8S-020", K, NULL, "LOW", "No CPU limit", "Set resources.limits.cpu."},
	{"VGL-K8S-021", K, NULL, "MEDIUM", "Image without a tag or with 'latest'",
	 "Name an explicit version tag (and a digest)."},
	{"VGL-K8S-022", K, NULL, "LOW", "Image not pinned by digest",
	 "Pin the image with @sha256:<digest>."},
	{"VGL-K8S-023", K, NULL, "MEDIUM", "Image from a registry that is not allowed",
	 "Use images from the allowed registries only."},
	{"VGL-K8S-024", K, "K8s 5.1.6", "LOW", "Service account token mounted",
	 "Set automountServiceAccountToken: false unless the pod calls the API."},
	{"VGL-K8S-025", K, "K8s 5.7.4", "LOW", "Default namespace",
	 "Set metadata.namespace to a namespace other than default."},
	{"VGL-K8S-026", K, "K8s 5.1.3", "HIGH", "RBAC wildcard",
	 "Name the API groups, resources and verbs instead of '*'."},
	{"VGL-K8S-027", K, "K8s 5.1.2", "HIGH", "RBAC access to secrets",
	 "Do not grant get, list or watch on secrets."},
	{"VGL-K8S-028", K, NULL, "HIGH", "RBAC exec or attach into pods",
	 "Do not grant create on pods/exec or pods/attach."},
	{"VGL-K8S-029", K, "K8s 5.1.8", "HIGH", "RBAC escalate, bind or impersonate",
	 "Do not grant the escalate, bind or impersonate verbs."},
	{"VGL-K8S-030", K, "K8s 5.1.1", "HIGH", "Binding to cluster-admin",
	 "Bind a role with only the permissions needed."},
	{"VGL-K8S-031", K, NULL, "CRITICAL", "Binding to anonymous or unauthenticated users",
	 "Remove system:anonymous and system:unauthenticated from the subjects."},
	{"VGL-K8S-032", K, "K8s 5.4.1", "HIGH", "Secret in an environment variable",
	 "Read the value from a Secret with valueFrom.secretKeyRef, or mount it as a file."},
	{"VGL-K8S-033", K, NULL, "HIGH", "procMount Unmasked",
	 "Remove securityContext.procMount or set it to Default."},
	{"VGL-K8S-034", K, NULL, "MEDIUM", "Process namespace shared between containers",
	 "Remove shareProcessNamespace unless the containers need it."},
	{"VGL-K8S-035", K, "K8s 5.1.4", "MEDIUM", "RBAC create pods",
	 "Do not grant create on pods."},
	{NULL},
};

typedef struct kscan {
	vigil_config_result *r;
	const char *file;
	const vigil_config_opts *opts;
	char object[512];
	bool found; /* a Kubernetes object was seen */
	int error;
} kscan;

static void add(kscan *s, const char *id, int line, const char *container, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Adds a finding on the current object (and container, when given). */
static void add(kscan *s, const char *id, int line, const char *container, const char *fmt, ...)
{
	char msg[512], obj[768];
	va_list ap;
	int e;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (container)
		snprintf(obj, sizeof(obj), "%s container %s", s->object, container);
	else
		snprintf(obj, sizeof(obj), "%s", s->object);
	if ((e = vigil_config__add(s->r, id, s->file, line, obj, -1, "%s", msg)) < 0 &&
	    s->error >= 0)
		s->error = e;
}

#define GET vigil_yaml__get
#define STR vigil_yaml__str

static int line_of(const vigil_ynode *n, const vigil_ynode *fallback)
{
	return n ? n->line : fallback ? fallback->line : 0;
}

static bool is_true(const vigil_ynode *n)
{
	return vigil_yaml__bool(n) == 1;
}

static bool seq_has(const vigil_ynode *seq, const char *v, bool nocase)
{
	for (size_t i = 0; i < vigil_yaml__len(seq); i++) {
		const char *s = STR(vigil_yaml__at(seq, i));
		if (s && (nocase ? strcasecmp(s, v) : strcmp(s, v)) == 0)
			return true;
	}
	return false;
}

/* The first of two nodes that is present. */
static const vigil_ynode *either(const vigil_ynode *a, const vigil_ynode *b)
{
	return a ? a : b;
}

/* A pod annotation, or NULL. */
static const vigil_ynode *annotation(const vigil_ynode *meta, const char *prefix, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s%s", prefix, name ? name : "");
	return GET(GET(meta, "annotations"), key);
}

static bool unconfined(const char *v)
{
	return v && strcasecmp(v, "unconfined") == 0;
}

static void check_image(kscan *s, const vigil_ynode *c, const char *cname)
{
	const vigil_ynode *in = GET(c, "image");
	const char *img = STR(in), *slash, *colon;
	bool digest;
	if (!img || !*img)
		return;
	digest = strchr(img, '@') != NULL;
	slash = strrchr(img, '/');
	colon = strrchr(slash ? slash : img, ':');
	if (digest && colon && colon > strchr(img, '@'))
		colon = NULL;
	if (colon && strncmp(colon, ":latest", 7) == 0 && (!colon[7] || colon[7] == '@'))
		add(s, "VGL-K8S-021", in->line, cname, "image %s uses the latest tag", img);
	else if (!colon && !digest)
		add(s, "VGL-K8S-021", in->line, cname, "image %s has no tag", img);
	if (!digest)
		add(s, "VGL-K8S-022", in->line, cname, "image %s is not pinned by digest", img);
	if (!vigil_config__registry_allowed(img, s->opts ? s->opts->allowed_registries : NULL))
		add(s, "VGL-K8S-023", in->line, cname, "image %s is from a registry not allowed",
		    img);
}

static void check_caps(kscan *s, const vigil_ynode *sc, const vigil_ynode *c, const char *cname)
{
	static const char *const danger[] = {
		"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_RAW", "DAC_READ_SEARCH",
		"ALL",	     "SYS_RAWIO", "SYS_BOOT",	"BPF",	      "PERFMON", "SYS_CHROOT"};
	const vigil_ynode *caps = GET(sc, "capabilities"), *addv = GET(caps, "add");
	const vigil_ynode *drop = GET(caps, "drop");
	if (!seq_has(drop, "ALL", true))
		add(s, "VGL-K8S-011", line_of(drop, c), cname,
		    "capabilities.drop does not include ALL");
	for (size_t i = 0; i < vigil_yaml__len(addv); i++) {
		const vigil_ynode *a = vigil_yaml__at(addv, i);
		const char *v = STR(a);
		if (!v)
			continue;
		if (!strncasecmp(v, "CAP_", 4))
			v += 4;
		for (size_t k = 0; k < VIGIL_ARRAY_LEN(danger); k++)
			if (strcasecmp(v, danger[k]) == 0)
				add(s, "VGL-K8S-012", a->line, cname, "capability %s added",
				    STR(a));
	}
}

static void check_resources(kscan *s, const vigil_ynode *c, const char *cname)
{
	const vigil_ynode *res = GET(c, "resources"), *req = GET(res, "requests");
	const vigil_ynode *lim = GET(res, "limits");
	int line = c->line;
	if (!GET(req, "cpu") || !GET(req, "memory"))
		add(s, "VGL-K8S-018", line, cname, "no %s request",
		    !GET(req, "cpu") && !GET(req, "memory") ? "CPU or memory"
		    : !GET(req, "cpu")			    ? "CPU"
							    : "memory");
	if (!GET(lim, "memory"))
		add(s, "VGL-K8S-019", line, cname, "no memory limit");
	if (!GET(lim, "cpu"))
		add(s, "VGL-K8S-020", line, cname, "no CPU limit");
}

static void check_env(kscan *s, const vigil_ynode *c, const char *cname)
{
	const vigil_ynode *env = GET(c, "env");
	for (size_t i = 0; i < vigil_yaml__len(env); i++) {
		const vigil_ynode *e = vigil_yaml__at(env, i), *val = GET(e, "value");
		const char *name = STR(GET(e, "name")), *v = STR(val);
		if (name && v && *v && vigil_config__secret_name(name))
			add(s, "VGL-K8S-032", val->line, cname,
			    "environment variable %s holds a literal secret", name);
	}
}

/* Checks one container with the pod's security context and metadata as defaults. */
static void check_container(kscan *s, const vigil_ynode *c, const vigil_ynode *pod,
			    const vigil_ynode *meta, bool ephemeral)
{
	const vigil_ynode *sc = GET(c, "securityContext"), *psc = GET(pod, "securityContext");
	const vigil_ynode *n, *nonroot, *user, *prof;
	const char *cname = STR(GET(c, "name"));
	if (!cname)
		cname = "(unnamed)";
	if (is_true(n = GET(sc, "privileged")))
		add(s, "VGL-K8S-001", n->line, cname, "privileged: true");
	n = GET(sc, "allowPrivilegeEscalation");
	if (vigil_yaml__bool(n) != 0)
		add(s, "VGL-K8S-002", line_of(n, c), cname, "allowPrivilegeEscalation is %s",
		    n ? "true" : "not set");
	nonroot = either(GET(sc, "runAsNonRoot"), GET(psc, "runAsNonRoot"));
	user = either(GET(sc, "runAsUser"), GET(psc, "runAsUser"));
	if (STR(user) && strcmp(STR(user), "0") == 0)
		add(s, "VGL-K8S-010", user->line, cname, "runAsUser is 0");
	else if (!is_true(nonroot) && !(STR(user) && strcmp(STR(user), "0") != 0))
		add(s, "VGL-K8S-009", line_of(nonroot, c), cname, "runAsNonRoot is %s",
		    nonroot ? "not true" : "not set");
	check_caps(s, sc, c, cname);
	n = GET(sc, "readOnlyRootFilesystem");
	if (!is_true(n))
		add(s, "VGL-K8S-013", line_of(n, c), cname, "readOnlyRootFilesystem is %s",
		    n ? "not true" : "not set");
	prof = either(GET(GET(sc, "seccompProfile"), "type"),
		      GET(GET(psc, "seccompProfile"), "type"));
	if (!prof)
		prof = either(
			annotation(meta, "container.seccomp.security.alpha.kubernetes.io/", cname),
			annotation(meta, "seccomp.security.alpha.kubernetes.io/pod", NULL));
	if (!prof)
		add(s, "VGL-K8S-014", c->line, cname, "no seccomp profile");
	else if (unconfined(STR(prof)))
		add(s, "VGL-K8S-015", prof->line, cname, "seccomp profile is Unconfined");
	prof = either(GET(GET(sc, "appArmorProfile"), "type"),
		      GET(GET(psc, "appArmorProfile"), "type"));
	if (!prof)
		prof = annotation(meta, "container.apparmor.security.beta.kubernetes.io/", cname);
	if (prof && unconfined(STR(prof)))
		add(s, "VGL-K8S-016", prof->line, cname, "AppArmor profile is unconfined");
	if ((n = GET(sc, "procMount")) && STR(n) && strcmp(STR(n), "Unmasked") == 0)
		add(s, "VGL-K8S-033", n->line, cname, "procMount is Unmasked");
	n = GET(c, "ports");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *hp = GET(vigil_yaml__at(n, i), "hostPort");
		if (STR(hp) && strcmp(STR(hp), "0") != 0)
			add(s, "VGL-K8S-006", hp->line, cname, "hostPort %.20s", STR(hp));
	}
	if (!ephemeral)
		check_resources(s, c, cname);
	check_image(s, c, cname);
	check_env(s, c, cname);
}

static bool sysctl_safe(const char *name)
{
	static const char *const safe[] = {"kernel.shm_rmid_forced",
					   "net.ipv4.ip_local_port_range",
					   "net.ipv4.ip_unprivileged_port_start",
					   "net.ipv4.tcp_syncookies",
					   "net.ipv4.ping_group_range",
					   "net.ipv4.ip_local_reserved_ports",
					   "net.ipv4.tcp_keepalive_time",
					   "net.ipv4.tcp_fin_timeout",
					   "net.ipv4.tcp_keepalive_intvl",
					   "net.ipv4.tcp_keepalive_probes"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(safe); i++)
		if (strcmp(name, safe[i]) == 0)
			return true;
	return false;
}

static bool runtime_socket(const char *path)
{
	static const char *const socks[] = {"docker.sock", "containerd.sock", "crio.sock",
					    "cri-dockerd.sock", "podman.sock"};
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(socks); i++) {
		size_t k = strlen(socks[i]);
		if (n >= k && strncmp(path + n - k, socks[i], k) == 0)
			return true;
	}
	return strcmp(path, "/var/run/docker") == 0 || strcmp(path, "/run/containerd") == 0 ||
	       strcmp(path, "/var/run") == 0 || strcmp(path, "/run") == 0;
}

static void check_pod(kscan *s, const vigil_ynode *pod, const vigil_ynode *meta)
{
	static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
	const vigil_ynode *n, *psc = GET(pod, "securityContext");
	if (!pod || pod->kind != VIGIL_YMAP)
		return;
	if (is_true(n = GET(pod, "hostPID")))
		add(s, "VGL-K8S-003", n->line, NULL, "hostPID: true");
	if (is_true(n = GET(pod, "hostIPC")))
		add(s, "VGL-K8S-004", n->line, NULL, "hostIPC: true");
	if (is_true(n = GET(pod, "hostNetwork")))
		add(s, "VGL-K8S-005", n->line, NULL, "hostNetwork: true");
	if (is_true(n = GET(pod, "shareProcessNamespace")))
		add(s, "VGL-K8S-034", n->line, NULL, "shareProcessNamespace: true");
	n = GET(pod, "automountServiceAccountToken");
	if (vigil_yaml__bool(n) != 0)
		add(s, "VGL-K8S-024", line_of(n, pod), NULL, "automountServiceAccountToken is %s",
		    n ? "true" : "not set");
	n = GET(psc, "sysctls");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *name = GET(vigil_yaml__at(n, i), "name");
		if (STR(name) && !sysctl_safe(STR(name)))
			add(s, "VGL-K8S-017", name->line, NULL, "unsafe sysctl %.100s", STR(name));
	}
	n = GET(pod, "volumes");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *v = vigil_yaml__at(n, i), *hp = GET(v, "hostPath");
		const vigil_ynode *path = GET(hp, "path");
		if (!hp)
			continue;
		if (STR(path) && runtime_socket(STR(path)))
			add(s, "VGL-K8S-008", path->line, NULL, "volume %s mounts %.200s",
			    STR(GET(v, "name")) ? STR(GET(v, "name")) : "?", STR(path));
		else
			add(s, "VGL-K8S-007", vigil_yaml__key(v, "hostPath")->line, NULL,
			    "hostPath volume %.200s", STR(path) ? STR(path) : "?");
	}
	for (size_t l = 0; l < VIGIL_ARRAY_LEN(lists); l++) {
		const vigil_ynode *cs = GET(pod, lists[l]);
		for (size_t i = 0; i < vigil_yaml__len(cs) && s->error >= 0; i++)
			check_container(s, vigil_yaml__at(cs, i), pod, meta, l == 2);
	}
}

/* Checks one RBAC rule of a Role or ClusterRole. */
static void check_rule(kscan *s, const vigil_ynode *rule)
{
	const vigil_ynode *verbs = GET(rule, "verbs"), *res = GET(rule, "resources");
	const vigil_ynode *groups = GET(rule, "apiGroups");
	bool any_verb = seq_has(verbs, "*", false);
	const vigil_ynode *wild = any_verb			? verbs
				  : seq_has(res, "*", false)	? res
				  : seq_has(groups, "*", false) ? groups
								: NULL;
	int rline = line_of(res, rule);
	if (wild)
		add(s, "VGL-K8S-026", wild->line, NULL, "rule has '*' in %s",
		    wild == verbs ? "verbs"
		    : wild == res ? "resources"
				  : "apiGroups");
	if (seq_has(res, "secrets", false) &&
	    (any_verb || seq_has(verbs, "get", false) || seq_has(verbs, "list", false) ||
	     seq_has(verbs, "watch", false)))
		add(s, "VGL-K8S-027", rline, NULL, "rule reads secrets");
	if ((seq_has(res, "pods/exec", false) || seq_has(res, "pods/attach", false)) &&
	    (any_verb || seq_has(verbs, "create", false) || seq_has(verbs, "get", false)))
		add(s, "VGL-K8S-028", rline, NULL, "rule allows exec or attach into pods");
	if (seq_has(res, "pods", false) && (any_verb || seq_has(verbs, "create", false)))
		add(s, "VGL-K8S-035", rline, NULL, "rule allows creating pods");
	for (size_t i = 0; i < vigil_yaml__len(verbs); i++) {
		const char *v = STR(vigil_yaml__at(verbs, i));
		if (v &&
		    (!strcmp(v, "escalate") || !strcmp(v, "bind") || !strcmp(v, "impersonate")))
			add(s, "VGL-K8S-029", vigil_yaml__at(verbs, i)->line, NULL,
			    "rule grants %s", v);
	}
}

static void check_binding(kscan *s, const vigil_ynode *obj)
{
	const vigil_ynode *ref = GET(obj, "roleRef"), *name = GET(ref, "name");
	const vigil_ynode *subj = GET(obj, "subjects");
	if (STR(name) && strcmp(STR(name), "cluster-admin") == 0)
		add(s, "VGL-K8S-030", name->line, NULL, "binds cluster-admin");
	for (size_t i = 0; i < vigil_yaml__len(subj); i++) {
		const vigil_ynode *sn = GET(vigil_yaml__at(subj, i), "name");
		if (STR(sn) && (!strcmp(STR(sn), "system:anonymous") ||
				!strcmp(STR(sn), "system:unauthenticated")))
			add(s, "VGL-K8S-031", sn->line, NULL, "binds %s", STR(sn));
	}
}

static bool kind_is(const char *kind, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kind, names[i]) == 0)
			return true;
	return false;
}

/* Checks one object (or the items of a List); returns whether it was a Kubernetes
 * object. */
static bool check_object(kscan *s, const vigil_ynode *obj, int depth)
{
	static const char *const templated[] = {"Deployment", "StatefulSet",
						"DaemonSet",  "Job",
						"ReplicaSet", "ReplicationController"};
	const char *kind = STR(GET(obj, "kind")), *api = STR(GET(obj, "apiVersion"));
	const vigil_ynode *meta = GET(obj, "metadata"), *spec = GET(obj, "spec"), *ns;
	const char *name = STR(GET(meta, "name"));
	bool namespaced = true;
	if (!kind || !api)
		return false;
	if (depth < 2 && strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List")) {
		const vigil_ynode *items = GET(obj, "items");
		for (size_t i = 0; i < vigil_yaml__len(items) && s->error >= 0; i++)
			check_object(s, vigil_yaml__at(items, i), depth + 1);
		return true;
	}
	ns = GET(meta, "namespace");
	if (STR(ns) && *STR(ns) && strcmp(STR(ns), "default") != 0)
		snprintf(s->object, sizeof(s->object), "%.100s/%.200s (namespace %.100s)", kind,
			 name ? name : "?", STR(ns));
	else
		snprintf(s->object, sizeof(s->object), "%.100s/%.200s", kind, name ? name : "?");
	if (!strcmp(kind, "Pod")) {
		check_pod(s, spec, meta);
	} else if (kind_is(kind, templated, VIGIL_ARRAY_LEN(templated))) {
		const vigil_ynode *t = GET(spec, "template");
		check_pod(s, GET(t, "spec"), GET(t, "metadata"));
	} else if (!strcmp(kind, "CronJob")) {
		const vigil_ynode *t = GET(GET(GET(spec, "jobTemplate"), "spec"), "template");
		check_pod(s, GET(t, "spec"), GET(t, "metadata"));
	} else if (!strcmp(kind, "Role") || !strcmp(kind, "ClusterRole")) {
		const vigil_ynode *rules = GET(obj, "rules");
		for (size_t i = 0; i < vigil_yaml__len(rules); i++)
			check_rule(s, vigil_yaml__at(rules, i));
	} else if (!strcmp(kind, "RoleBinding") || !strcmp(kind, "ClusterRoleBinding")) {
		check_binding(s, obj);
	} else {
		namespaced = false; /* other kinds: only counted */
	}
	if (!strncmp(kind, "Cluster", 7))
		namespaced = false;
	if (namespaced && (!STR(ns) || !*STR(ns) || !strcmp(STR(ns), "default")))
		add(s, "VGL-K8S-025", line_of(ns, either(meta, obj)), NULL, "%s",
		    ns ? "namespace is default" : "no namespace set (default)");
	return true;
}

/* vigil_yaml__each callback: checks one document. */
static int on_document(const vigil_ynode *doc, void *payload)
{
	kscan *s = payload;
	s->found |= check_object(s, doc, 0);
	return s->error;
}

int vigil_config__k8s(vigil_config_result *r, vigil_ctx *ctx, const char *file, const char *buf,
		      size_t len, const vigil_config_opts *opts, bool *found)
{
	vigil_ystream *y = NULL;
	kscan s = {0};
	int error;
	*found = false;
	s.r = r;
	s.file = file;
	s.opts = opts;
	error = vigil_yaml__each(&y, ctx, buf, len, on_document, &s);
	if (!y || error == VIGIL_ENOMEM) {
		vigil_yaml__free(y);
		return error < 0 && s.error >= 0 ? error
		       : s.error < 0 ? vigil_error_set(ctx, s.error, "%s: out of memory", file)
				     : error;
	}
	*found = s.found;
	if (s.found)
		r->files++;
	if (s.error >= 0 && error >= 0 && y->error[0] && s.found)
		vigil_warn(ctx, "%s line %d: %s; later documents skipped", file, y->error_line,
			   y->error);
	if (s.error < 0)
		error = vigil_error_set(ctx, s.error, "%s: out of memory", file);
	else if (error == VIGIL_ELIMIT)
		error = vigil_error_set(ctx, error, "%s line %d: %s", file, y->error_line,
					y->error);
	vigil_yaml__free(y);
	return error;
}
