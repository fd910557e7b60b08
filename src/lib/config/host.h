/*
 * host.h - internals of the host audit shared with its tests and fuzz target: the
 * daemon.json and `docker inspect` checks on a buffer.
 */
#ifndef VIGIL_CONFIG_HOST_H
#define VIGIL_CONFIG_HOST_H

#include "config/config.h"

/* What daemon.json says that the file checks need (paths of the TLS files). */
typedef struct host_daemon {
	char tlscacert[512], tlscert[512], tlskey[512];
} host_daemon;

/* Checks a daemon.json document (`file` names it in findings). A document that is not
 * a JSON object is a finding (VGL-HOST-015), not an error. Returns 0 or VIGIL_ENOMEM.
 * `out` may be NULL. */
int vigil_config__host_daemon(vigil_config_result *r, host_daemon *out, const char *file,
			      const char *buf, size_t len);

/* Checks `docker inspect` output (an array of containers, or one container object).
 * VIGIL_EFORMAT with a message in errmsg when it is neither. */
int vigil_config__host_inspect(vigil_config_result *r, const char *file, const char *buf,
			       size_t len, char errmsg[256]);

#endif
