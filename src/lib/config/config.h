/*
 * config.h - internals shared by the misconfiguration checks: the check tables of each
 * kind, and the result set every kind adds its findings to.
 */
#ifndef VIGIL_CONFIG_INTERNAL_H
#define VIGIL_CONFIG_INTERNAL_H

#include "internal.h"
#include "util/util.h"

/* Each kind's table of checks, ended by an entry whose id is NULL. Owned by
 * image.c, host.c, dockerfile.c and k8s.c respectively. */
extern const vigil_check_info vigil_config__checks_image[];
extern const vigil_check_info vigil_config__checks_host[];
extern const vigil_check_info vigil_config__checks_dockerfile[];
extern const vigil_check_info vigil_config__checks_k8s[];

struct vigil_config_result {
	vigil_arena arena;
	vigil_vec findings; /* vigil_config_finding */
	const vigil_config_opts *opts;
	size_t files;
	vigil_vec nsnotes; /* vigil_k8s_nsnote: namespaces and their policies seen (k8smore.c) */
};

/* What the namespace checks need to know across files: a Namespace object, or a
 * LimitRange / ResourceQuota / NetworkPolicy in a namespace. */
typedef struct vigil_k8s_nsnote {
	int what; /* 0 Namespace, 1 LimitRange, 2 ResourceQuota, 3 NetworkPolicy */
	const char *ns, *file;
	int line;
} vigil_k8s_nsnote;

/* Reports namespaces defined without a LimitRange, ResourceQuota or NetworkPolicy
 * among the files checked (VGL-K8S-055..057). */
int vigil_config__k8s_namespaces(vigil_config_result *r);

/* The check with this id, or NULL. */
const vigil_check_info *vigil_config__check(const char *id);

/* A new, empty result. `opts` (may be NULL) must outlive the adds; it is dropped
 * when the result is handed out. */
int vigil_config__result_new(vigil_config_result **out, const vigil_config_opts *opts);

/* Adds a finding of check `id` unless the options skip it; strings are copied into
 * the result's arena, `fmt` is a printf format for the message. An unknown id is a
 * programming error and returns VIGIL_EINVAL. */
int vigil_config__add(vigil_config_result *r, const char *id, const char *file, int line,
		      const char *object, int layer, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* A per-check setting from the policy (opts->settings), or NULL. */
const char *vigil_config__setting(const vigil_config_opts *opts, const char *id, const char *key);

/* Sorts findings by file, line, check id, object; drops the opts pointer. */
void vigil_config__result_done(vigil_config_result *r);

#endif
