/*
 * dfparse.h - a Dockerfile parser: parser directives (escape), line continuations,
 * comments, heredocs, exec (JSON) and shell forms, flags, ARG / ENV substitution with
 * ARG-before-FROM scoping, and stages. Everything lives in one arena.
 */
#ifndef VIGIL_CONFIG_DFPARSE_H
#define VIGIL_CONFIG_DFPARSE_H

#include "config/config.h"

/* Bounds for hostile input; exceeding one fails the parse with VIGIL_ELIMIT. */
#define VIGIL_DF_MAX_INPUT (8u << 20)
#define VIGIL_DF_MAX_INSTRUCTIONS 20000
#define VIGIL_DF_MAX_HEREDOCS 16
#define VIGIL_DF_MAX_EXPANDED (64u << 10)
#define VIGIL_DF_MAX_VARS 2000
#define VIGIL_DF_MAX_EXPANDED_TOTAL (32u << 20) /* all expanded values of one file */

typedef struct vigil_df_instr {
	const char *cmd;      /* upper case: "RUN", "FROM", ... */
	int line;	      /* where the instruction starts (1-based) */
	int stage;	      /* index into stages, -1 for ARGs before the first FROM */
	const char *raw;      /* arguments as written, continuations joined, flags included */
	const char *args;     /* arguments without the flags, unexpanded */
	const char *expanded; /* args with $VAR substituted (FROM, COPY, ENV, USER, ...) */
	const char **flags;   /* "--from=build", "--mount=type=cache,..." */
	size_t nflags;
	const char **argv; /* exec form: the JSON strings; shell form: words of expanded */
	size_t argc;
	bool json;	       /* written in exec (JSON array) form */
	const char **heredocs; /* heredoc bodies, in order */
	size_t nheredocs;
} vigil_df_instr;

typedef struct vigil_df_stage {
	const char *image; /* base image, expanded */
	const char *name;  /* AS name, lower case, or NULL */
	int line;
	size_t first, count; /* instructions of the stage (FROM included) */
} vigil_df_stage;

typedef struct vigil_df {
	vigil_arena arena;
	vigil_df_instr *ins;
	size_t n;
	vigil_df_stage *stages;
	size_t nstages;
	char escape;	     /* '\\' or '`' */
	vigil_vec insv, stv; /* storage behind ins and stages */
} vigil_df;

/* Parses a Dockerfile. *out is freed with vigil_df__free. VIGIL_ELIMIT past the bounds
 * above, VIGIL_ENOMEM; any other text parses (unknown instructions are kept). */
int vigil_df__parse(vigil_df **out, vigil_ctx *ctx, const char *buf, size_t len);
void vigil_df__free(vigil_df *df);

/* The value of flag `name` ("from" for --from=x) of an instruction, or NULL. */
const char *vigil_df__flag(const vigil_df_instr *in, const char *name);

/* Runs the Dockerfile checks (dockerfile.c) on one file's text, adding findings to r.
 * A Dockerfile past the parser's bounds is an error (VIGIL_ELIMIT). */
int vigil_config__dockerfile(vigil_config_result *r, vigil_ctx *ctx, const char *file,
			     const char *buf, size_t len, const vigil_config_opts *opts);

/* Registry host of an image reference ("docker.io" when none is named), written into
 * buf (n bytes). Shared by the Dockerfile and Kubernetes checks. */
const char *vigil_config__registry(char *buf, size_t n, const char *ref);
/* True when `ref`'s registry or repository prefix is in `allowed` (NULL: always true). */
bool vigil_config__registry_allowed(const char *ref, const char *const *allowed);
/* True when a variable or key name looks like it holds a secret. */
bool vigil_config__secret_name(const char *name);
/* True when a value could be a secret: not empty, a path, a switch (yes, 1, false) or
 * only a reference to another variable. */
bool vigil_config__secret_value(const char *v);

#endif
