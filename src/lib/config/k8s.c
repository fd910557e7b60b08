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
#include "config/k8skinds.h"
#include "config/k8scheck.h"

#define K "kubernetes"

const vigil_check_info vigil_config__checks_k8s[] = {
	{"VGL-K8S-001", K, "K8s 5.2.2", "CRITICAL", "Privileged container",
	 "Remove securityContext.privileged or set it to false.", "KSV017"},
	{"VGL-K8S-002", K, "K8s 5.2.6", "MEDIUM", "allowPrivilegeEscalation not false",
	 "Set securityContext.allowPrivilegeEscalation: false.", "KSV001"},
	{"VGL-K8S-003", K, "K8s 5.2.3", "HIGH", "Host PID namespace shared",
	 "Remove hostPID or set it to false.", "KSV010"},
	{"VGL-K8S-004", K, "K8s 5.2.4", "HIGH", "Host IPC namespace shared",
	 "Remove hostIPC or set it to false.", "KSV008"},
	{"VGL-K8S-005", K, "K8s 5.2.5", "HIGH", "Host network namespace shared",
	 "Remove hostNetwork or set it to false.", "KSV009"},
	{"VGL-K8S-006", K, "K8s 5.2.13", "MEDIUM", "hostPort used",
	 "Do not bind container ports to the node; use a Service.", "KSV024"},
	{"VGL-K8S-007", K, "K8s 5.2.12", "MEDIUM", "hostPath volume",
	 "Use a volume type that does not expose the node's filesystem.", "KSV023"},
	{"VGL-K8S-008", K, "K8s 5.2.12", "CRITICAL", "Container runtime socket mounted",
	 "Never mount docker.sock, containerd.sock or crio.sock: it gives root on the node.",
	 "KSV006"},
	{"VGL-K8S-009", K, "K8s 5.2.7", "MEDIUM", "runAsNonRoot not true",
	 "Set securityContext.runAsNonRoot: true (or a non-zero runAsUser).", "KSV012"},
	{"VGL-K8S-010", K, "K8s 5.2.7", "HIGH", "Runs as UID 0",
	 "Set securityContext.runAsUser to a non-zero UID.", "KSV105"},
	{"VGL-K8S-011", K, "K8s 5.2.10", "LOW", "Capabilities not dropped",
	 "Set securityContext.capabilities.drop: [\"ALL\"] and add back only what is needed.",
	 "KSV003"},
	{"VGL-K8S-012", K, "K8s 5.2.9", "HIGH", "Dangerous capability added",
	 "Do not add SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, NET_RAW, DAC_READ_SEARCH "
	 "or ALL.",
	 "KSV005, KSV022"},
	{"VGL-K8S-013", K, NULL, "LOW", "Root filesystem not read-only",
	 "Set securityContext.readOnlyRootFilesystem: true and mount writable volumes.", "KSV014"},
	{"VGL-K8S-014", K, "K8s 5.7.2", "MEDIUM", "No seccomp profile",
	 "Set securityContext.seccompProfile.type: RuntimeDefault.", "KSV030"},
	{"VGL-K8S-015", K, "K8s 5.7.2", "HIGH", "Seccomp unconfined",
	 "Use the RuntimeDefault or a Localhost seccomp profile.", "KSV104"},
	{"VGL-K8S-016", K, NULL, "MEDIUM", "AppArmor unconfined",
	 "Use the RuntimeDefault or a Localhost AppArmor profile.", "KSV002"},
	{"VGL-K8S-017", K, NULL, "HIGH", "Unsafe sysctl",
	 "Set only the sysctls Kubernetes considers safe.", "KSV026"},
	{"VGL-K8S-018", K, NULL, "LOW", "No CPU or memory request",
	 "Set resources.requests.cpu and resources.requests.memory.", "KSV015, KSV016"},
	{"VGL-K8S-019", K, NULL, "MEDIUM", "No memory limit", "Set resources.limits.memory.",
	 "KSV018"},
	{"VGL-K8S-020", K, NULL, "LOW", "No CPU limit", "Set resources.limits.cpu.", "KSV011"},
	{"VGL-K8S-021", K, NULL, "MEDIUM", "Image without a tag or with 'latest'",
	 "Name an explicit version tag (and a digest).", "KSV013"},
	{"VGL-K8S-022", K, NULL, "LOW", "Image not pinned by digest",
	 "Pin the image with @sha256:<digest>.", "CKV_K8S_43"},
	{"VGL-K8S-023", K, NULL, "MEDIUM", "Image from a registry that is not allowed",
	 "Use images from the allowed registries only.", "KSV0125"},
	{"VGL-K8S-024", K, "K8s 5.1.6", "LOW", "Service account token mounted",
	 "Set automountServiceAccountToken: false unless the pod calls the API.", "KSV036"},
	{"VGL-K8S-025", K, "K8s 5.7.4", "LOW", "Default namespace",
	 "Set metadata.namespace to a namespace other than default.", "KSV110"},
	{"VGL-K8S-026", K, "K8s 5.1.3", "HIGH", "RBAC wildcard",
	 "Name the API groups, resources and verbs instead of '*'.", "KSV044, KSV045, KSV046"},
	{"VGL-K8S-027", K, "K8s 5.1.2", "HIGH", "RBAC access to secrets",
	 "Do not grant verbs on secrets; read or change them only where needed, by name.",
	 "KSV041"},
	{"VGL-K8S-028", K, NULL, "HIGH", "RBAC exec or attach into pods",
	 "Do not grant create on pods/exec or pods/attach.", "KSV053"},
	{"VGL-K8S-029", K, "K8s 5.1.8", "HIGH", "RBAC escalate, bind or impersonate",
	 "Do not grant the escalate, bind or impersonate verbs.", NULL},
	{"VGL-K8S-030", K, "K8s 5.1.1", "HIGH", "Binding to cluster-admin, admin or edit",
	 "Bind a role with only the permissions needed.", "KSV111"},
	{"VGL-K8S-031", K, NULL, "CRITICAL", "Binding to anonymous, unauthenticated or all users",
	 "Remove system:anonymous, system:unauthenticated and system:authenticated from the "
	 "subjects.",
	 "KSV122"},
	{"VGL-K8S-032", K, "K8s 5.4.1", "HIGH", "Secret in an environment variable",
	 "Read the value from a Secret with valueFrom.secretKeyRef, or mount it as a file.", NULL},
	{"VGL-K8S-033", K, NULL, "HIGH", "procMount Unmasked",
	 "Remove securityContext.procMount or set it to Default.", "KSV027"},
	{"VGL-K8S-034", K, NULL, "MEDIUM", "Process namespace shared between containers",
	 "Remove shareProcessNamespace unless the containers need it.", "CWE-653"},
	{"VGL-K8S-035", K, "K8s 5.1.4", "MEDIUM", "RBAC create or change workloads",
	 "Do not grant create, update or patch on pods or workload kinds.", "KSV048"},
	{"VGL-K8S-036", K, "K8s 5.2.12", "HIGH", "hostPath of a sensitive host directory",
	 "Never mount /, /etc, /proc, /sys, /root, /dev, /var/lib/kubelet and the like from "
	 "the node.",
	 "KSV121"},
	{"VGL-K8S-037", K, NULL, "LOW", "runAsUser or runAsGroup below 10000",
	 "Run as a UID and GID of 10000 or more, which no host account uses "
	 "(settings: min_uid, min_gid).",
	 "KSV020, KSV021"},
	{"VGL-K8S-038", K, NULL, "MEDIUM", "Deprecated or removed apiVersion",
	 "Move the object to the apiVersion that replaced it.", "KSV107"},
	{"VGL-K8S-039", K, NULL, "MEDIUM", "Root group (GID 0)",
	 "Set runAsGroup, fsGroup and supplementalGroups to non-zero GIDs.", "KSV029"},
	{"VGL-K8S-040", K, NULL, "MEDIUM", "Capability added beyond NET_BIND_SERVICE",
	 "Add no capability other than NET_BIND_SERVICE (Pod Security Standards, restricted).",
	 "KSV106"},
	{"VGL-K8S-041", K, NULL, "MEDIUM", "Workload in kube-system",
	 "Run applications in their own namespace; kube-system is for the control plane.",
	 "KSV037"},
	{"VGL-K8S-042", K, NULL, "CRITICAL", "Tiller deployed",
	 "Remove Helm 2's Tiller; Helm 3 needs no in-cluster component.", "KSV102"},
	{"VGL-K8S-043", K, NULL, "MEDIUM", "Service with externalIPs",
	 "Do not set spec.externalIPs; block it with an admission policy.",
	 "KSV0108, CVE-2020-8554"},
	{"VGL-K8S-044", K, NULL, "MEDIUM", "Custom SELinux options",
	 "Set no SELinux user or role, and only the container_t family of types.", "KSV025"},
	{"VGL-K8S-045", K, NULL, "LOW", "Volume type outside the restricted set",
	 "Use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected "
	 "or secret volumes.",
	 "KSV028"},
	{"VGL-K8S-046", K, NULL, "LOW", "Privileged container port",
	 "Listen on a port of 1024 or more and map it with a Service (setting: min_port).",
	 "KSV117"},
	{"VGL-K8S-047", K, NULL, "HIGH", "RBAC changes admission webhooks",
	 "Do not grant create, update or patch on webhook configurations.", "KSV114"},
	{"VGL-K8S-048", K, NULL, "MEDIUM", "RBAC changes configmaps",
	 "Grant changes to configmaps only by resourceNames where needed.", "KSV049"},
	{"VGL-K8S-049", K, NULL, "HIGH", "RBAC access to nodes/proxy",
	 "Do not grant nodes/proxy: it reaches the kubelet API on every node.", "KSV047"},
	{"VGL-K8S-050", K, NULL, "MEDIUM", "RBAC deletes pod logs",
	 "Do not grant delete on pods/log: it erases evidence.", "KSV042"},
	{"VGL-K8S-051", K, NULL, "MEDIUM", "RBAC changes networking",
	 "Do not grant changes to services, endpoints, network policies or ingresses.", "KSV056"},
	{"VGL-K8S-052", K, NULL, "HIGH", "RBAC changes RBAC objects",
	 "Do not grant create, update or patch on roles and bindings: it escalates.", "KSV050"},
	{"VGL-K8S-053", K, NULL, "CRITICAL", "RBAC impersonates privileged groups",
	 "Do not grant impersonate on users or groups, least of all system:masters.", "KSV043"},
	{"VGL-K8S-054", K, NULL, "HIGH", "Secret in a ConfigMap",
	 "Keep credentials in Secrets, not ConfigMaps.", "KSV0109"},
	{"VGL-K8S-055", K, NULL, "LOW", "Namespace without a LimitRange",
	 "Add a LimitRange to the namespace so containers get default requests and limits.",
	 "KSV039"},
	{"VGL-K8S-056", K, NULL, "LOW", "Namespace without a ResourceQuota",
	 "Add a ResourceQuota to the namespace to cap what it may consume.", "KSV040"},
	{"VGL-K8S-057", K, NULL, "MEDIUM", "Namespace without a NetworkPolicy",
	 "Add a NetworkPolicy (at least a default deny) to the namespace.", "KSV038"},
	{NULL},
};

/* Adds a finding on the current object (and container, when given). */
void vigil_k8s__add(kscan *s, const char *id, int line, const char *container, const char *fmt, ...)
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

/* A profile's type field (RuntimeDefault, Localhost, Unconfined) or an annotation's
 * value (runtime/default, docker/default, localhost/NAME, unconfined): whether it is
 * one Kubernetes knows. */
static bool known_profile(const char *v, bool annotation, bool seccomp)
{
	if (!v)
		return false;
	if (!annotation)
		return !strcmp(v, "RuntimeDefault") || !strcmp(v, "Localhost") ||
		       !strcmp(v, "Unconfined");
	return !strcmp(v, "runtime/default") || (seccomp && !strcmp(v, "docker/default")) ||
	       (!strncmp(v, "localhost/", 10) && v[10]) || !strcmp(v, "unconfined");
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
		vigil_k8s__add(s, "VGL-K8S-021", in->line, cname, "image %s uses the latest tag",
			       img);
	else if (!colon && !digest)
		vigil_k8s__add(s, "VGL-K8S-021", in->line, cname, "image %s has no tag", img);
	if (!digest)
		vigil_k8s__add(s, "VGL-K8S-022", in->line, cname,
			       "image %s is not pinned by digest", img);
	if (!vigil_config__registry_allowed(img, s->opts ? s->opts->allowed_registries : NULL))
		vigil_k8s__add(s, "VGL-K8S-023", in->line, cname,
			       "image %s is from a registry not allowed", img);
}

static void check_caps(kscan *s, const vigil_ynode *sc, const vigil_ynode *c, const char *cname)
{
	static const char *const danger[] = {
		"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_RAW", "DAC_READ_SEARCH",
		"ALL",	     "SYS_RAWIO", "SYS_BOOT",	"BPF",	      "PERFMON", "SYS_CHROOT"};
	const vigil_ynode *caps = GET(sc, "capabilities"), *addv = GET(caps, "add");
	const vigil_ynode *drop = GET(caps, "drop");
	if (!seq_has(drop, "ALL", true))
		vigil_k8s__add(s, "VGL-K8S-011", line_of(vigil_yaml__key(caps, "drop"), c), cname,
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
				vigil_k8s__add(s, "VGL-K8S-012", a->line, cname,
					       "capability %s added", STR(a));
	}
}

static void check_resources(kscan *s, const vigil_ynode *c, const char *cname)
{
	const vigil_ynode *res = GET(c, "resources"), *req = GET(res, "requests");
	const vigil_ynode *lim = GET(res, "limits");
	int line = c->line;
	if (!GET(req, "cpu") || !GET(req, "memory"))
		vigil_k8s__add(s, "VGL-K8S-018", line, cname, "no %s request",
			       !GET(req, "cpu") && !GET(req, "memory") ? "CPU or memory"
			       : !GET(req, "cpu")		       ? "CPU"
								       : "memory");
	if (!GET(lim, "memory"))
		vigil_k8s__add(s, "VGL-K8S-019", line, cname, "no memory limit");
	if (!GET(lim, "cpu"))
		vigil_k8s__add(s, "VGL-K8S-020", line, cname, "no CPU limit");
}

static void check_env(kscan *s, const vigil_ynode *c, const char *cname)
{
	const vigil_ynode *env = GET(c, "env");
	for (size_t i = 0; i < vigil_yaml__len(env); i++) {
		const vigil_ynode *e = vigil_yaml__at(env, i), *val = GET(e, "value");
		const char *name = STR(GET(e, "name")), *v = STR(val);
		if (name && vigil_config__secret_value(v) && vigil_config__secret_name(name))
			vigil_k8s__add(s, "VGL-K8S-032", val->line, cname,
				       "environment variable %s holds a literal secret", name);
	}
}

/* A UID written as a positive number ("$UID" or "abc" is not one). */
static bool uid_nonzero(const char *v)
{
	uint64_t n;
	return vigil_parse_uint(&n, v, UINT32_MAX) == 0 && n > 0;
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
		vigil_k8s__add(s, "VGL-K8S-001", n->line, cname, "privileged: true");
	n = GET(sc, "allowPrivilegeEscalation");
	if (vigil_yaml__bool(n) != 0)
		vigil_k8s__add(s, "VGL-K8S-002", line_of(n, c), cname,
			       "allowPrivilegeEscalation is %s", n ? "true" : "not set");
	nonroot = either(GET(sc, "runAsNonRoot"), GET(psc, "runAsNonRoot"));
	user = either(GET(sc, "runAsUser"), GET(psc, "runAsUser"));
	if (STR(user) && strcmp(STR(user), "0") == 0)
		vigil_k8s__add(s, "VGL-K8S-010", user->line, cname, "runAsUser is 0");
	else if (!is_true(nonroot) && !(STR(user) && uid_nonzero(STR(user))))
		vigil_k8s__add(s, "VGL-K8S-009", line_of(nonroot, c), cname, "runAsNonRoot is %s",
			       nonroot ? "not true" : "not set");
	check_caps(s, sc, c, cname);
	n = GET(sc, "readOnlyRootFilesystem");
	if (!is_true(n))
		vigil_k8s__add(s, "VGL-K8S-013", line_of(n, c), cname,
			       "readOnlyRootFilesystem is %s", n ? "not true" : "not set");
	bool anno;
	prof = either(GET(GET(sc, "seccompProfile"), "type"),
		      GET(GET(psc, "seccompProfile"), "type"));
	anno = !prof; /* else the annotations of older clusters */
	if (anno)
		prof = either(
			annotation(meta, "container.seccomp.security.alpha.kubernetes.io/", cname),
			annotation(meta, "seccomp.security.alpha.kubernetes.io/pod", NULL));
	if (!prof)
		vigil_k8s__add(s, "VGL-K8S-014", c->line, cname, "no seccomp profile");
	else if (unconfined(STR(prof)))
		vigil_k8s__add(s, "VGL-K8S-015", prof->line, cname,
			       "seccomp profile is Unconfined");
	else if (!known_profile(STR(prof), anno, true))
		vigil_k8s__add(s, "VGL-K8S-015", prof->line, cname,
			       "unknown seccomp profile '%.60s' (the runtime may run unconfined)",
			       STR(prof) ? STR(prof) : "?");
	prof = either(GET(GET(sc, "appArmorProfile"), "type"),
		      GET(GET(psc, "appArmorProfile"), "type"));
	anno = !prof;
	if (anno)
		prof = annotation(meta, "container.apparmor.security.beta.kubernetes.io/", cname);
	if (prof && unconfined(STR(prof)))
		vigil_k8s__add(s, "VGL-K8S-016", prof->line, cname,
			       "AppArmor profile is unconfined");
	else if (prof && !known_profile(STR(prof), anno, false))
		vigil_k8s__add(s, "VGL-K8S-016", prof->line, cname,
			       "unknown AppArmor profile '%.60s'", STR(prof) ? STR(prof) : "?");
	if ((n = GET(sc, "procMount")) && STR(n) && strcmp(STR(n), "Unmasked") == 0)
		vigil_k8s__add(s, "VGL-K8S-033", n->line, cname, "procMount is Unmasked");
	n = GET(c, "ports");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *hp = GET(vigil_yaml__at(n, i), "hostPort");
		if (STR(hp) && strcmp(STR(hp), "0") != 0)
			vigil_k8s__add(s, "VGL-K8S-006", hp->line, cname, "hostPort %.20s",
				       STR(hp));
	}
	if (!ephemeral)
		check_resources(s, c, cname);
	check_image(s, c, cname);
	check_env(s, c, cname);
	vigil_k8s__container_more(s, c, pod, cname);
}

/* The minor version of "1.28" / "v1.28.3", or -1 (newest) when unset or unreadable. */
static int k8s_minor(const char *v)
{
	uint64_t minor;
	char buf[16];
	if (!v)
		return -1;
	if (*v == 'v')
		v++;
	if (strncmp(v, "1.", 2) != 0)
		return -1;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(v + 2, "."), v + 2);
	return vigil_parse_uint(&minor, buf, 1000) == 0 ? (int)minor : -1;
}

/* The sysctls Kubernetes counts as safe, with the minor version that made each safe:
 * a pod for an older cluster cannot rely on the newer ones. */
static bool sysctl_safe(const char *name, int minor)
{
	static const struct {
		const char *name;
		int since;
	} safe[] = {{"kernel.shm_rmid_forced", 0},
		    {"net.ipv4.ip_local_port_range", 0},
		    {"net.ipv4.tcp_syncookies", 0},
		    {"net.ipv4.ping_group_range", 18},
		    {"net.ipv4.ip_unprivileged_port_start", 22},
		    {"net.ipv4.ip_local_reserved_ports", 27},
		    {"net.ipv4.tcp_keepalive_time", 29},
		    {"net.ipv4.tcp_fin_timeout", 29},
		    {"net.ipv4.tcp_keepalive_intvl", 29},
		    {"net.ipv4.tcp_keepalive_probes", 29},
		    {"net.ipv4.tcp_rmem", 32},
		    {"net.ipv4.tcp_wmem", 32}};
	char norm[256];
	/* "net/ipv4/tcp_syncookies" is the same sysctl */
	snprintf(norm, sizeof(norm), "%s", name);
	for (char *p = norm; *p; p++)
		if (*p == '/')
			*p = '.';
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(safe); i++)
		if (strcmp(norm, safe[i].name) == 0)
			return minor < 0 || minor >= safe[i].since;
	return false;
}

/* hostPath directories whose exposure gives away the node: system configuration,
 * credentials, kernel interfaces, the kubelet's and runtimes' state. */
static bool sensitive_host_path(const char *path)
{
	static const char *const dirs[] = {"/",
					   "/etc",
					   "/root",
					   "/home",
					   "/proc",
					   "/sys",
					   "/dev",
					   "/boot",
					   "/var/lib/kubelet",
					   "/var/lib/docker",
					   "/var/lib/containerd",
					   "/var/lib/etcd",
					   "/etc/kubernetes",
					   "/var/run",
					   "/run",
					   "/usr",
					   "/bin",
					   "/sbin",
					   "/lib",
					   "/var/log",
					   "/var/lib/cni"};
	char p[512];
	size_t n;
	snprintf(p, sizeof(p), "%s", path);
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	/* the node's clock and CA bundle are read by many agents and reveal nothing */
	if (!strcmp(p, "/etc/localtime") || !strcmp(p, "/etc/timezone") ||
	    !strcmp(p, "/etc/ssl/certs") || !strcmp(p, "/etc/pki/tls/certs"))
		return false;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(dirs); i++) {
		size_t k = strlen(dirs[i]);
		/* the directory itself, or (for the top-level system trees) anything in it */
		if (!strcmp(p, dirs[i]))
			return true;
		if (k > 1 && !strncmp(p, dirs[i], k) && p[k] == '/' &&
		    (!strcmp(dirs[i], "/etc") || !strcmp(dirs[i], "/proc") ||
		     !strcmp(dirs[i], "/sys") || !strcmp(dirs[i], "/root") ||
		     !strcmp(dirs[i], "/boot") || !strcmp(dirs[i], "/var/lib/kubelet") ||
		     !strcmp(dirs[i], "/etc/kubernetes") || !strcmp(dirs[i], "/var/lib/etcd")))
			return true;
	}
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
		vigil_k8s__add(s, "VGL-K8S-003", n->line, NULL, "hostPID: true");
	if (is_true(n = GET(pod, "hostIPC")))
		vigil_k8s__add(s, "VGL-K8S-004", n->line, NULL, "hostIPC: true");
	if (is_true(n = GET(pod, "hostNetwork")))
		vigil_k8s__add(s, "VGL-K8S-005", n->line, NULL, "hostNetwork: true");
	if (is_true(n = GET(pod, "shareProcessNamespace")))
		vigil_k8s__add(s, "VGL-K8S-034", n->line, NULL, "shareProcessNamespace: true");
	n = GET(pod, "automountServiceAccountToken");
	if (vigil_yaml__bool(n) != 0)
		vigil_k8s__add(s, "VGL-K8S-024", line_of(n, pod), NULL,
			       "automountServiceAccountToken is %s", n ? "true" : "not set");
	n = GET(psc, "sysctls");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *name = GET(vigil_yaml__at(n, i), "name");
		if (STR(name) && !sysctl_safe(STR(name), s->k8s_minor))
			vigil_k8s__add(s, "VGL-K8S-017", name->line, NULL, "unsafe sysctl %.100s%s",
				       STR(name),
				       sysctl_safe(STR(name), -1)
					       ? " (safe only in newer Kubernetes)"
					       : "");
	}
	n = GET(pod, "volumes");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *v = vigil_yaml__at(n, i), *hp = GET(v, "hostPath");
		const vigil_ynode *path = GET(hp, "path");
		if (!hp)
			continue;
		if (STR(path) && runtime_socket(STR(path)))
			vigil_k8s__add(s, "VGL-K8S-008", path->line, NULL,
				       "volume %s mounts %.200s",
				       STR(GET(v, "name")) ? STR(GET(v, "name")) : "?", STR(path));
		else if (STR(path) && sensitive_host_path(STR(path)))
			vigil_k8s__add(s, "VGL-K8S-036", path->line, NULL,
				       "hostPath volume of %.200s", STR(path));
		else
			vigil_k8s__add(s, "VGL-K8S-007", vigil_yaml__key(v, "hostPath")->line, NULL,
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
		vigil_k8s__add(s, "VGL-K8S-026", wild->line, NULL, "rule has '*' in %s",
			       wild == verbs ? "verbs"
			       : wild == res ? "resources"
					     : "apiGroups");
	if (seq_has(res, "secrets", false) && vigil_yaml__len(verbs))
		vigil_k8s__add(s, "VGL-K8S-027", rline, NULL, "rule %s secrets",
			       any_verb || seq_has(verbs, "get", false) ||
					       seq_has(verbs, "list", false) ||
					       seq_has(verbs, "watch", false)
				       ? "reads"
				       : "changes");
	if ((seq_has(res, "pods/exec", false) || seq_has(res, "pods/attach", false)) &&
	    (any_verb || seq_has(verbs, "create", false) || seq_has(verbs, "get", false)))
		vigil_k8s__add(s, "VGL-K8S-028", rline, NULL,
			       "rule allows exec or attach into pods");
	static const char *const workloads[] = {"pods",
						"deployments",
						"daemonsets",
						"statefulsets",
						"replicasets",
						"jobs",
						"replicationcontrollers",
						"cronjobs"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(workloads); i++)
		if (seq_has(res, workloads[i], false) &&
		    (any_verb || seq_has(verbs, "create", false) ||
		     seq_has(verbs, "update", false) || seq_has(verbs, "patch", false))) {
			vigil_k8s__add(s, "VGL-K8S-035", rline, NULL,
				       "rule allows creating or changing %s", workloads[i]);
			break;
		}
	for (size_t i = 0; i < vigil_yaml__len(verbs); i++) {
		const char *v = STR(vigil_yaml__at(verbs, i));
		if (v &&
		    (!strcmp(v, "escalate") || !strcmp(v, "bind") || !strcmp(v, "impersonate")))
			vigil_k8s__add(s, "VGL-K8S-029", vigil_yaml__at(verbs, i)->line, NULL,
				       "rule grants %s", v);
	}
	vigil_k8s__rule_more(s, rule);
}

static void check_binding(kscan *s, const vigil_ynode *obj)
{
	const vigil_ynode *ref = GET(obj, "roleRef"), *name = GET(ref, "name");
	const vigil_ynode *subj = GET(obj, "subjects");
	if (STR(name) && (!strcmp(STR(name), "cluster-admin") || !strcmp(STR(name), "admin") ||
			  !strcmp(STR(name), "edit")))
		vigil_k8s__add(s, "VGL-K8S-030", name->line, NULL, "binds %s", STR(name));
	for (size_t i = 0; i < vigil_yaml__len(subj); i++) {
		const vigil_ynode *sn = GET(vigil_yaml__at(subj, i), "name");
		if (STR(sn) && !strcmp(STR(sn), "system:masters"))
			vigil_k8s__add(s, "VGL-K8S-030", sn->line, NULL,
				       "binds the system:masters group");
		/* every authenticated user (all service accounts too) may hold only the
		 * roles Kubernetes itself binds to them */
		if (STR(sn) && !strcmp(STR(sn), "system:authenticated") &&
		    !(STR(name) && (!strcmp(STR(name), "system:basic-user") ||
				    !strcmp(STR(name), "system:discovery") ||
				    !strcmp(STR(name), "system:public-info-viewer"))))
			vigil_k8s__add(s, "VGL-K8S-031", sn->line, NULL,
				       "binds %s to every authenticated user",
				       STR(name) ? STR(name) : "?");
		if (STR(sn) && (!strcmp(STR(sn), "system:anonymous") ||
				!strcmp(STR(sn), "system:unauthenticated")))
			vigil_k8s__add(s, "VGL-K8S-031", sn->line, NULL, "binds %s", STR(sn));
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
	const char *suggest, *removed, *use;
	if (!kind || !api) {
		/* half a manifest is not silently skipped */
		/* only what looks like a manifest: a metadata block, and a kind that is a
		 * Kubernetes-style name (not "discovery#restDescription") */
		if ((kind || api) && obj && obj->kind == VIGIL_YMAP && GET(obj, "metadata") &&
		    (!kind || (kind[0] >= 'A' && kind[0] <= 'Z' &&
			       !kind[strspn(kind, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
						  "wxyz0123456789")])) &&
		    s->warned++ < 20)
			vigil_warn(s->ctx, "%s line %d: object without %s, not checked", s->file,
				   obj->line, kind ? "apiVersion" : "kind");
		return false;
	}
	if (depth < 2 && strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List")) {
		const vigil_ynode *items = GET(obj, "items");
		for (size_t i = 0; i < vigil_yaml__len(items) && s->error >= 0; i++)
			check_object(s, vigil_yaml__at(items, i), depth + 1);
		return true;
	}
	if (!vigil_config__k8s_kind_known(api, kind, &suggest)) {
		if (s->warned++ < 20)
			vigil_warn(s->ctx, "%s line %d: %s has no kind '%.60s'%s%s%s, not checked",
				   s->file, line_of(vigil_yaml__key(obj, "kind"), obj), api, kind,
				   suggest ? " (did you mean " : "", suggest ? suggest : "",
				   suggest ? "?)" : "");
		return true;
	}
	ns = GET(meta, "namespace");
	if (STR(ns) && *STR(ns) && strcmp(STR(ns), "default") != 0)
		snprintf(s->object, sizeof(s->object), "%.100s/%.200s (namespace %.100s)", kind,
			 name ? name : "?", STR(ns));
	else
		snprintf(s->object, sizeof(s->object), "%.100s/%.200s", kind, name ? name : "?");
	vigil_k8s__note_namespace(s, obj, kind);
	if (vigil_config__k8s_deprecated(api, kind, &removed, &use))
		vigil_k8s__add(s, "VGL-K8S-038", line_of(GET(obj, "apiVersion"), obj), NULL,
			       "%s %s was removed in Kubernetes %s; use %s", api, kind, removed,
			       use);
	if (!strcmp(kind, "Pod")) {
		check_pod(s, spec, meta);
		vigil_k8s__pod_more(s, spec, meta, meta, kind);
	} else if (kind_is(kind, templated, VIGIL_ARRAY_LEN(templated))) {
		const vigil_ynode *t = GET(spec, "template");
		check_pod(s, GET(t, "spec"), GET(t, "metadata"));
		vigil_k8s__pod_more(s, GET(t, "spec"), GET(t, "metadata"), meta, kind);
	} else if (!strcmp(kind, "CronJob")) {
		const vigil_ynode *t = GET(GET(GET(spec, "jobTemplate"), "spec"), "template");
		check_pod(s, GET(t, "spec"), GET(t, "metadata"));
		vigil_k8s__pod_more(s, GET(t, "spec"), GET(t, "metadata"), meta, kind);
	} else if (!strcmp(kind, "Role") || !strcmp(kind, "ClusterRole")) {
		const vigil_ynode *rules = GET(obj, "rules");
		for (size_t i = 0; i < vigil_yaml__len(rules); i++)
			check_rule(s, vigil_yaml__at(rules, i));
	} else if (!strcmp(kind, "RoleBinding") || !strcmp(kind, "ClusterRoleBinding")) {
		check_binding(s, obj);
	} else {
		namespaced = false; /* other kinds: only their own checks */
		vigil_k8s__object_more(s, obj, kind);
	}
	if (!strncmp(kind, "Cluster", 7))
		namespaced = false;
	if (namespaced && (!STR(ns) || !*STR(ns) || !strcmp(STR(ns), "default")))
		vigil_k8s__add(s, "VGL-K8S-025", line_of(ns, either(meta, obj)), NULL, "%s",
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
	s.k8s_minor = k8s_minor(opts ? opts->k8s_version : NULL);
	s.ctx = ctx;
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
