/* builtin.c - the built-in rules: builtin.yaml, turned into a C string at build time
 * (build/runtime/builtin_rules.inc, see the Makefile). */
#include "runtime/rt.h"

const char vigil_rt__builtin_rules[] =
#include "builtin_rules.inc"
	;
