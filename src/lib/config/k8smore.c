/*
 * k8smore.c - Kubernetes checks of the kind Trivy's KSV checks and the Pod Security
 * Standards apply beyond k8s.c: UIDs and groups, capabilities beyond
 * NET_BIND_SERVICE, SELinux options, volume types, privileged ports, kube-system,
 * Tiller, Services with externalIPs, secrets in ConfigMaps, and RBAC on webhooks,
 * configmaps, node proxy, pod logs, networking, RBAC objects and impersonation.
 */
#include <stdlib.h>
#include <string.h>

#include "config/dfparse.h"
#include "config/k8scheck.h"

/* An integer scalar, or -1. */
static long long num(const vigil_ynode *n)
{
	uint64_t v;
	const char *s = STR(n);
	return s && vigil_parse_uint(&v, s, INT64_MAX) == 0 ? (long long)v : -1;
}

static long long setting_num(const kscan *s, const char *id, const char *key, long long dflt)
{
	const char *v = vigil_config__setting(s->opts, id, key);
	uint64_t n;
	return v && vigil_parse_uint(&n, v, INT64_MAX) == 0 ? (long long)n : dflt;
}

void vigil_k8s__container_more(kscan *s, const vigil_ynode *c, const vigil_ynode *pod,
			       const char *cname)
{
	const vigil_ynode *sc = GET(c, "securityContext"), *psc = GET(pod, "securityContext");
	const vigil_ynode *u = either(GET(sc, "runAsUser"), GET(psc, "runAsUser"));
	const vigil_ynode *g = either(GET(sc, "runAsGroup"), GET(psc, "runAsGroup"));
	const vigil_ynode *add = GET(GET(sc, "capabilities"), "add"), *se, *n;
	long long min_uid = setting_num(s, "VGL-K8S-037", "min_uid", 10000);
	long long min_gid = setting_num(s, "VGL-K8S-037", "min_gid", 10000);
	long long min_port = setting_num(s, "VGL-K8S-046", "min_port", 1024);
	const char *img = STR(GET(c, "image"));
	if (num(u) > 0 && num(u) < min_uid)
		vigil_k8s__add(s, "VGL-K8S-037", u->line, cname,
			       "runAsUser %lld is below %lld and may match a host user", num(u),
			       min_uid);
	if (num(g) > 0 && num(g) < min_gid)
		vigil_k8s__add(s, "VGL-K8S-037", g->line, cname,
			       "runAsGroup %lld is below %lld and may match a host group", num(g),
			       min_gid);
	if (num(g) == 0)
		vigil_k8s__add(s, "VGL-K8S-039", g->line, cname, "runAsGroup is 0 (root)");
	for (size_t i = 0; i < vigil_yaml__len(add); i++) {
		const char *v = STR(vigil_yaml__at(add, i));
		if (v && strcasecmp(v, "NET_BIND_SERVICE") && strcasecmp(v, "CAP_NET_BIND_SERVICE"))
			vigil_k8s__add(s, "VGL-K8S-040", vigil_yaml__at(add, i)->line, cname,
				       "capability %.40s added beyond NET_BIND_SERVICE", v);
	}
	se = either(GET(sc, "seLinuxOptions"), GET(psc, "seLinuxOptions"));
	if (se) {
		const char *t = STR(GET(se, "type"));
		if ((n = GET(se, "user")) || (n = GET(se, "role")))
			vigil_k8s__add(s, "VGL-K8S-044", n->line, cname,
				       "seLinuxOptions sets a custom user or role");
		else if (t && strcmp(t, "container_t") && strcmp(t, "container_init_t") &&
			 strcmp(t, "container_kvm_t") && strcmp(t, "container_engine_t"))
			vigil_k8s__add(s, "VGL-K8S-044", GET(se, "type")->line, cname,
				       "seLinuxOptions type %.60s", t);
	}
	n = GET(c, "ports");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *p = GET(vigil_yaml__at(n, i), "containerPort");
		if (num(p) > 0 && num(p) < min_port)
			vigil_k8s__add(s, "VGL-K8S-046", p->line, cname,
				       "containerPort %lld is privileged (below %lld)", num(p),
				       min_port);
	}
	if (img && strstr(img, "tiller"))
		vigil_k8s__add(s, "VGL-K8S-042", GET(c, "image")->line, cname,
			       "image %.100s is Helm 2's Tiller", img);
}

void vigil_k8s__pod_more(kscan *s, const vigil_ynode *pod, const vigil_ynode *meta,
			 const vigil_ynode *objmeta, const char *kind)
{
	static const char *const core[] = {"configMap", "csi",	     "downwardAPI",
					   "emptyDir",	"ephemeral", "persistentVolumeClaim",
					   "projected", "secret",    "hostPath",
					   "name"};
	const vigil_ynode *psc = GET(pod, "securityContext"), *n, *ns = GET(objmeta, "namespace");
	const vigil_ynode *labels = GET(meta, "labels");
	if (!pod || pod->kind != VIGIL_YMAP)
		return;
	if (num(n = GET(psc, "fsGroup")) == 0)
		vigil_k8s__add(s, "VGL-K8S-039", n->line, NULL, "fsGroup is 0 (root)");
	n = GET(psc, "supplementalGroups");
	for (size_t i = 0; i < vigil_yaml__len(n); i++)
		if (num(vigil_yaml__at(n, i)) == 0)
			vigil_k8s__add(s, "VGL-K8S-039", vigil_yaml__at(n, i)->line, NULL,
				       "supplementalGroups has 0 (root)");
	n = GET(pod, "volumes");
	for (size_t i = 0; i < vigil_yaml__len(n); i++) {
		const vigil_ynode *v = vigil_yaml__at(n, i);
		for (size_t k = 0; v && v->kind == VIGIL_YMAP && k < v->n; k++) {
			const char *key = STR(v->items[2 * k]);
			bool ok = false;
			for (size_t j = 0; key && j < VIGIL_ARRAY_LEN(core); j++)
				ok |= !strcmp(key, core[j]);
			if (key && !ok)
				vigil_k8s__add(s, "VGL-K8S-045", v->items[2 * k]->line, NULL,
					       "volume %.60s of type %.40s",
					       STR(GET(v, "name")) ? STR(GET(v, "name")) : "?",
					       key);
		}
	}
	if (STR(ns) && !strcmp(STR(ns), "kube-system"))
		vigil_k8s__add(s, "VGL-K8S-041", ns->line, NULL, "%s in kube-system", kind);
	if (STR(GET(labels, "app")) && !strcmp(STR(GET(labels, "app")), "helm") &&
	    STR(GET(labels, "name")) && !strcmp(STR(GET(labels, "name")), "tiller"))
		vigil_k8s__add(s, "VGL-K8S-042", GET(labels, "name")->line, NULL,
			       "labels app=helm, name=tiller: Helm 2's Tiller");
}

static bool verbs_any(const vigil_ynode *verbs, const char *const *want)
{
	if (seq_has(verbs, "*", false))
		return true;
	for (; *want; want++)
		if (seq_has(verbs, *want, false))
			return true;
	return false;
}

void vigil_k8s__rule_more(kscan *s, const vigil_ynode *rule)
{
	static const char *const write[] = {"create", "update",		  "patch",
					    "delete", "deletecollection", NULL};
	static const char *const change[] = {"create", "update", "patch", NULL};
	static const char *const del[] = {"delete", "deletecollection", NULL};
	static const char *const anyv[] = {"get",   "create", "list",	 "watch", "update",
					   "patch", "delete", "connect", "proxy", NULL};
	static const char *const imp[] = {"impersonate", NULL};
	static const char *const net[] = {"services",	     "endpoints", "endpointslices",
					  "networkpolicies", "ingresses", NULL};
	static const char *const rbac[] = {"roles", "clusterroles", "rolebindings",
					   "clusterrolebindings", NULL};
	const vigil_ynode *verbs = GET(rule, "verbs"), *res = GET(rule, "resources");
	const vigil_ynode *names = GET(rule, "resourceNames");
	int line = line_of(res, rule);
	if ((seq_has(res, "mutatingwebhookconfigurations", false) ||
	     seq_has(res, "validatingwebhookconfigurations", false)) &&
	    verbs_any(verbs, change))
		vigil_k8s__add(s, "VGL-K8S-047", line, NULL, "rule changes admission webhooks");
	if (seq_has(res, "configmaps", false) && verbs_any(verbs, write))
		vigil_k8s__add(s, "VGL-K8S-048", line, NULL, "rule changes configmaps");
	if (seq_has(res, "nodes/proxy", false) && verbs_any(verbs, anyv))
		vigil_k8s__add(s, "VGL-K8S-049", line, NULL,
			       "rule reaches the kubelet API through nodes/proxy");
	if (seq_has(res, "pods/log", false) && verbs_any(verbs, del))
		vigil_k8s__add(s, "VGL-K8S-050", line, NULL, "rule deletes pod logs");
	for (size_t i = 0; net[i]; i++)
		if (seq_has(res, net[i], false) && verbs_any(verbs, write)) {
			vigil_k8s__add(s, "VGL-K8S-051", line, NULL, "rule changes %s", net[i]);
			break;
		}
	for (size_t i = 0; rbac[i]; i++)
		if (seq_has(res, rbac[i], false) && verbs_any(verbs, change)) {
			vigil_k8s__add(s, "VGL-K8S-052", line, NULL,
				       "rule creates or changes %s (privilege escalation)",
				       rbac[i]);
			break;
		}
	if ((seq_has(res, "groups", false) || seq_has(res, "users", false)) &&
	    verbs_any(verbs, imp) &&
	    (!vigil_yaml__len(names) || seq_has(names, "system:masters", false)))
		vigil_k8s__add(s, "VGL-K8S-053", line, NULL, "rule impersonates %s",
			       vigil_yaml__len(names) ? "system:masters" : "any user or group");
}

void vigil_k8s__object_more(kscan *s, const vigil_ynode *obj, const char *kind)
{
	if (!strcmp(kind, "Service")) {
		const vigil_ynode *ips = GET(GET(obj, "spec"), "externalIPs");
		if (vigil_yaml__len(ips))
			vigil_k8s__add(s, "VGL-K8S-043",
				       vigil_yaml__key(GET(obj, "spec"), "externalIPs")->line, NULL,
				       "Service sets externalIPs");
	} else if (!strcmp(kind, "ConfigMap")) {
		const vigil_ynode *data = GET(obj, "data");
		for (size_t i = 0; data && data->kind == VIGIL_YMAP && i < data->n; i++) {
			const char *k = STR(data->items[2 * i]), *v = STR(data->items[2 * i + 1]);
			if (k && vigil_config__secret_value(v) && vigil_config__secret_name(k))
				vigil_k8s__add(s, "VGL-K8S-054", data->items[2 * i]->line, NULL,
					       "ConfigMap key %.100s looks like a secret", k);
		}
	}
}

void vigil_k8s__note_namespace(kscan *s, const vigil_ynode *obj, const char *kind)
{
	static const char *const kinds[] = {"Namespace", "LimitRange", "ResourceQuota",
					    "NetworkPolicy"};
	const vigil_ynode *meta = GET(obj, "metadata");
	vigil_k8s_nsnote *n;
	const char *ns;
	int what = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(kind, kinds[i]))
			what = i;
	if (what < 0)
		return;
	ns = STR(GET(meta, what ? "namespace" : "name"));
	if (!ns || !*ns)
		ns = what ? "default" : NULL;
	if (!ns || s->r->nsnotes.len >= 10000)
		return;
	if (!(n = vigil_vec_push(&s->r->nsnotes)) ||
	    !(n->ns = vigil_arena_strdup(&s->r->arena, ns)) ||
	    !(n->file = vigil_arena_strdup(&s->r->arena, s->file))) {
		if (n)
			s->r->nsnotes.len--;
		if (s->error >= 0)
			s->error = VIGIL_ENOMEM;
		return;
	}
	n->what = what;
	n->line = line_of(vigil_yaml__key(meta, "name"), obj);
}

int vigil_config__k8s_namespaces(vigil_config_result *r)
{
	static const char *const ids[] = {NULL, "VGL-K8S-055", "VGL-K8S-056", "VGL-K8S-057"};
	static const char *const names[] = {NULL, "LimitRange", "ResourceQuota", "NetworkPolicy"};
	const vigil_k8s_nsnote *v = r->nsnotes.data;
	int error = 0;
	for (size_t i = 0; i < r->nsnotes.len && error >= 0; i++) {
		char obj[300];
		bool have[4] = {false};
		if (v[i].what != 0)
			continue;
		for (size_t j = 0; j < r->nsnotes.len; j++)
			if (v[j].what && !strcmp(v[j].ns, v[i].ns))
				have[v[j].what] = true;
		snprintf(obj, sizeof(obj), "Namespace/%.200s", v[i].ns);
		for (int k = 1; k < 4 && error >= 0; k++)
			if (!have[k])
				error = vigil_config__add(r, ids[k], v[i].file, v[i].line, obj, -1,
							  "namespace %s has no %s among the files "
							  "checked",
							  v[i].ns, names[k]);
	}
	r->nsnotes.len = 0;
	return error;
}
