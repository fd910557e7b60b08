/* policy.h - what the report asks of the policy: is this finding suppressed, and why. */
#ifndef VIGIL_POLICY_INTERNAL_H
#define VIGIL_POLICY_INTERNAL_H

#include "internal.h"

/* What a finding offers to be matched on; unknown fields are NULL / -1. */
typedef struct vigil_policy_subject {
	const char *id;
	const char *const *aliases;
	const char *package; /* package name */
	const char *purl;
	const char *path; /* the file (package location, secret path, ...) */
	int layer;
	const char *diff_id;
	const char *fingerprint;
} vigil_policy_subject;

/* Returns the reason ("policy: <reason>" / "vex: <status> (<justification>)") when
 * the finding is suppressed, else NULL. Borrowed from the policy. Rules that have
 * expired and would have matched are reported once through `expired` (may be NULL). */
const char *vigil_policy__suppress(const vigil_policy *p, const vigil_policy_subject *s,
				   void (*expired)(const char *msg, void *payload), void *payload);

#endif
