/*
 * dfcheck.h - what the Dockerfile check files (dockerfile.c, dfrun.c) share: the scan
 * state and the finding macro.
 */
#ifndef VIGIL_CONFIG_DFCHECK_H
#define VIGIL_CONFIG_DFCHECK_H

#include <string.h>

#include "config/dfparse.h"

typedef struct df_scan {
	vigil_config_result *r;
	const vigil_df *df;
	const char *file;
	const vigil_config_opts *opts;
	vigil_ctx *ctx;
	int error;
	bool workdir;			  /* a WORKDIR is in effect in the current stage */
	const vigil_df_instr *last_run;	  /* the previous instruction, when it was a RUN */
	int wget_line, curl_line;	  /* first RUN calling each */
	const vigil_df_instr *final_user; /* the USER in effect at the end of the final stage */
	bool final_windows;		  /* the final stage is built on a Windows image */
} df_scan;

#define ADD(s, id, line, ...)                                                                      \
	do {                                                                                       \
		int e_ = vigil_config__add((s)->r, id, (s)->file, line, NULL, -1, __VA_ARGS__);    \
		if (e_ < 0 && (s)->error >= 0)                                                     \
			(s)->error = e_;                                                           \
	} while (0)

static inline bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Checks the package commands and shell habits of one RUN; `pipefail_shell` says the
 * stage's SHELL sets pipefail. */
void vigil_df__check_run(df_scan *s, const vigil_df_instr *in, bool pipefail_shell);

/* The checks of one simple command of a RUN (dfmore.c): argv[0..argc), `name` the
 * command's base name, `sc` its first non-option word at argv[sub] ("" if none). */
void vigil_df__check_cmd(df_scan *s, const vigil_df_instr *in, const char *const *argv, size_t argc,
			 const char *name, const char *sc, size_t sub);

/* Checks of one instruction (dfmore.c) beyond those of dockerfile.c, called for every
 * instruction of stage `st` and for ONBUILD triggers. */
void vigil_df__check_step(df_scan *s, const vigil_df_instr *in, int st);
/* Checks of a whole stage (dfmore.c), after its instructions. */
void vigil_df__check_stage(df_scan *s, int st, bool final);

/* The value an ENV or ARG gives `name` before instruction `in`, in its stage or the
 * stages it is built from; NULL when unset or unresolved. */
const char *vigil_df__env(const df_scan *s, const vigil_df_instr *in, const char *name);

/* Index of the stage called `name` (a name or a number) among the first `upto`, or -1. */
int vigil_df__stage_ref(const vigil_df *df, const char *name, int upto);

#endif
