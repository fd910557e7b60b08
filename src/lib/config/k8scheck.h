/*
 * k8scheck.h - what the Kubernetes check files (k8s.c, k8smore.c) share: the scan
 * state, the finding helper and small node helpers.
 */
#ifndef VIGIL_CONFIG_K8SCHECK_H
#define VIGIL_CONFIG_K8SCHECK_H

#include <string.h>
#include <strings.h>

#include "config/yamlload.h"

typedef struct kscan {
	vigil_config_result *r;
	const char *file;
	const vigil_config_opts *opts;
	char object[512];
	bool found;    /* a Kubernetes object was seen */
	int k8s_minor; /* --k8s-version's minor, -1 for the newest */
	vigil_ctx *ctx;
	size_t warned; /* warnings about objects not understood, capped per file */
	int error;
} kscan;

/* Adds a finding on the current object (and container, when given). */
void vigil_k8s__add(kscan *s, const char *id, int line, const char *container, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define GET vigil_yaml__get
#define STR vigil_yaml__str

static inline int line_of(const vigil_ynode *n, const vigil_ynode *fallback)
{
	return n ? n->line : fallback ? fallback->line : 0;
}

static inline bool is_true(const vigil_ynode *n)
{
	return vigil_yaml__bool(n) == 1;
}

static inline bool seq_has(const vigil_ynode *seq, const char *v, bool nocase)
{
	for (size_t i = 0; i < vigil_yaml__len(seq); i++) {
		const char *s = STR(vigil_yaml__at(seq, i));
		if (s && (nocase ? strcasecmp(s, v) : strcmp(s, v)) == 0)
			return true;
	}
	return false;
}

/* The first of two nodes that is present. */
static inline const vigil_ynode *either(const vigil_ynode *a, const vigil_ynode *b)
{
	return a ? a : b;
}

/* k8smore.c: checks of a container (with its pod spec), of a pod spec, of one RBAC
 * rule, of a binding's subjects, and of other kinds (Service, ConfigMap, ...). */
void vigil_k8s__container_more(kscan *s, const vigil_ynode *c, const vigil_ynode *pod,
			       const char *cname);
void vigil_k8s__pod_more(kscan *s, const vigil_ynode *pod, const vigil_ynode *meta,
			 const vigil_ynode *objmeta, const char *kind);
void vigil_k8s__rule_more(kscan *s, const vigil_ynode *rule);
void vigil_k8s__object_more(kscan *s, const vigil_ynode *obj, const char *kind);
/* Records Namespace, LimitRange, ResourceQuota and NetworkPolicy objects for the
 * namespace checks run when every file has been read. */
void vigil_k8s__note_namespace(kscan *s, const vigil_ynode *obj, const char *kind);

#endif
