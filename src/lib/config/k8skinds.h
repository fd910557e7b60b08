/*
 * k8skinds.h - the kinds of Kubernetes' built-in API groups and their deprecated
 * apiVersions (k8skinds.c).
 */
#ifndef VIGIL_CONFIG_K8SKINDS_H
#define VIGIL_CONFIG_K8SKINDS_H

#include <stdbool.h>

/* False when `api` names a built-in group that has no kind `kind`; *suggest is then the
 * closest kind of that group (or NULL). Custom groups are always true. */
bool vigil_config__k8s_kind_known(const char *api, const char *kind, const char **suggest);

/* True when `api` (for `kind`) is deprecated; *removed is the Kubernetes version that
 * removed it, *use what to use instead (static strings). */
bool vigil_config__k8s_deprecated(const char *api, const char *kind, const char **removed,
				  const char **use);

#endif
