/*
 * k8skinds.c - what Kubernetes' built-in API groups hold: the kinds of each group (so
 * `kind: pod` or a misspelt kind is reported, not silently skipped) and the
 * apiVersions that were deprecated and removed.
 */
#include <string.h>
#include <strings.h>

#include "config/k8skinds.h"

static const struct {
	const char *group; /* "" for the core group (apiVersion: v1) */
	const char *kinds[32];
} GROUPS[] = {
	{"",
	 {"Pod",
	  "Service",
	  "ConfigMap",
	  "Secret",
	  "Namespace",
	  "ServiceAccount",
	  "PersistentVolume",
	  "PersistentVolumeClaim",
	  "ReplicationController",
	  "Endpoints",
	  "LimitRange",
	  "ResourceQuota",
	  "Node",
	  "Event",
	  "PodTemplate",
	  "Binding",
	  "ComponentStatus",
	  "List",
	  "Status",
	  "RangeAllocation",
	  "SerializedReference",
	  "PodStatusResult",
	  "EphemeralContainers",
	  "APIVersions",
	  "APIGroup",
	  "APIResourceList",
	  "WatchEvent",
	  "EncryptionConfig"}},
	{"apps",
	 {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision", "Scale",
	  "DeploymentRollback"}},
	{"batch", {"Job", "CronJob", "JobTemplate"}},
	{"rbac.authorization.k8s.io", {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}},
	{"networking.k8s.io",
	 {"NetworkPolicy", "Ingress", "IngressClass", "IPAddress", "ServiceCIDR"}},
	{"policy", {"PodDisruptionBudget", "PodSecurityPolicy", "Eviction"}},
	{"autoscaling", {"HorizontalPodAutoscaler", "Scale"}},
	{"extensions",
	 {"Deployment", "DaemonSet", "ReplicaSet", "Ingress", "NetworkPolicy", "PodSecurityPolicy",
	  "Scale", "DeploymentRollback", "ReplicationControllerDummy"}},
	{"storage.k8s.io",
	 {"StorageClass", "VolumeAttachment", "CSIDriver", "CSINode", "CSIStorageCapacity",
	  "VolumeAttributesClass"}},
	{"admissionregistration.k8s.io",
	 {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
	  "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
	  "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"}},
	{"apiextensions.k8s.io", {"CustomResourceDefinition"}},
	{"scheduling.k8s.io", {"PriorityClass"}},
	{"coordination.k8s.io", {"Lease", "LeaseCandidate"}},
	{"certificates.k8s.io", {"CertificateSigningRequest", "ClusterTrustBundle"}},
	{"discovery.k8s.io", {"EndpointSlice"}},
	{"node.k8s.io", {"RuntimeClass"}},
	{"apiregistration.k8s.io", {"APIService"}},
	{"events.k8s.io", {"Event"}},
	{"flowcontrol.apiserver.k8s.io", {"FlowSchema", "PriorityLevelConfiguration"}},
};

/* Levenshtein distance of two short strings, capped at 9. */
static int distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int prev[64], cur[64];
	if (n >= 64 || m >= 64)
		return 9;
	for (size_t j = 0; j <= m; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (m + 1) * sizeof(int));
	}
	return prev[m] > 9 ? 9 : prev[m];
}

bool vigil_config__k8s_kind_known(const char *api, const char *kind, const char **suggest)
{
	const char *slash = strchr(api, '/');
	size_t glen = slash ? (size_t)(slash - api) : 0;
	int best = 3;
	*suggest = NULL;
	for (size_t g = 0; g < sizeof(GROUPS) / sizeof(GROUPS[0]); g++) {
		if (strlen(GROUPS[g].group) != glen || strncmp(GROUPS[g].group, api, glen) != 0)
			continue;
		/* request types every group shares: GetOptions, DeleteOptions, ... */
		if (strlen(kind) > 7 && !strcmp(kind + strlen(kind) - 7, "Options"))
			return true;
		for (size_t k = 0; k < 32 && GROUPS[g].kinds[k]; k++) {
			int d;
			if (!strcmp(kind, GROUPS[g].kinds[k]))
				return true;
			d = strcasecmp(kind, GROUPS[g].kinds[k]) == 0
				    ? 0
				    : distance(kind, GROUPS[g].kinds[k]);
			if (d < best) {
				best = d;
				*suggest = GROUPS[g].kinds[k];
			}
		}
		return false;
	}
	return true; /* a group Kubernetes does not define: a custom resource */
}

static const struct {
	const char *api, *kind; /* kind NULL: every kind of that apiVersion */
	const char *removed, *use;
} DEPRECATED[] = {
	{"extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"},
	{"extensions/v1beta1", "NetworkPolicy", "1.16", "networking.k8s.io/v1"},
	{"extensions/v1beta1", "PodSecurityPolicy", "1.16", "Pod Security Admission"},
	{"extensions/v1beta1", NULL, "1.16", "apps/v1"},
	{"apps/v1beta1", NULL, "1.16", "apps/v1"},
	{"apps/v1beta2", NULL, "1.16", "apps/v1"},
	{"batch/v1beta1", "CronJob", "1.25", "batch/v1"},
	{"batch/v2alpha1", NULL, "1.21", "batch/v1"},
	{"policy/v1beta1", "PodSecurityPolicy", "1.25", "Pod Security Admission"},
	{"policy/v1beta1", NULL, "1.25", "policy/v1"},
	{"rbac.authorization.k8s.io/v1beta1", NULL, "1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", NULL, "1.22", "rbac.authorization.k8s.io/v1"},
	{"networking.k8s.io/v1beta1", NULL, "1.22", "networking.k8s.io/v1"},
	{"autoscaling/v2beta1", NULL, "1.25", "autoscaling/v2"},
	{"autoscaling/v2beta2", NULL, "1.26", "autoscaling/v2"},
	{"storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "storage.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", NULL, "1.22", "storage.k8s.io/v1"},
	{"admissionregistration.k8s.io/v1beta1", NULL, "1.22", "admissionregistration.k8s.io/v1"},
	{"apiextensions.k8s.io/v1beta1", NULL, "1.22", "apiextensions.k8s.io/v1"},
	{"apiregistration.k8s.io/v1beta1", NULL, "1.22", "apiregistration.k8s.io/v1"},
	{"scheduling.k8s.io/v1beta1", NULL, "1.22", "scheduling.k8s.io/v1"},
	{"certificates.k8s.io/v1beta1", NULL, "1.22", "certificates.k8s.io/v1"},
	{"coordination.k8s.io/v1beta1", NULL, "1.22", "coordination.k8s.io/v1"},
	{"discovery.k8s.io/v1beta1", NULL, "1.25", "discovery.k8s.io/v1"},
	{"events.k8s.io/v1beta1", NULL, "1.25", "events.k8s.io/v1"},
	{"node.k8s.io/v1beta1", NULL, "1.25", "node.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta1", NULL, "1.26", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta2", NULL, "1.29", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta3", NULL, "1.32", "flowcontrol.apiserver.k8s.io/v1"},
};

bool vigil_config__k8s_deprecated(const char *api, const char *kind, const char **removed,
				  const char **use)
{
	for (size_t i = 0; i < sizeof(DEPRECATED) / sizeof(DEPRECATED[0]); i++)
		if (!strcmp(api, DEPRECATED[i].api) &&
		    (!DEPRECATED[i].kind || !strcmp(kind, DEPRECATED[i].kind))) {
			*removed = DEPRECATED[i].removed;
			*use = DEPRECATED[i].use;
			return true;
		}
	return false;
}
