/*
 * dfmore.c - Dockerfile checks of single shell commands of a RUN that go beyond the
 * package pins and caches of dfrun.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/dfcheck.h"

void vigil_df__check_cmd(df_scan *s, const vigil_df_instr *in, const char *const *argv,
			 size_t argc, const char *name, const char *sc, size_t sub)
{
	(void)s, (void)in, (void)argv, (void)argc, (void)name, (void)sc, (void)sub;
}

void vigil_df__check_step(df_scan *s, const vigil_df_instr *in, int st)
{
	(void)s, (void)in, (void)st;
}

void vigil_df__check_stage(df_scan *s, int st, bool final)
{
	(void)s, (void)st, (void)final;
}
