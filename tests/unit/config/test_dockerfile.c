/* The Dockerfile parser: continuations, comments, the escape directive, heredocs,
 * exec and shell forms, flags, ARG / ENV substitution and stages. */
#include <stdlib.h>

#include "../test.h"
#include "config/dfparse.h"

static vigil_df *parse(vigil_ctx **ctx, const char *text)
{
	vigil_df *df = NULL;
	if (vigil_ctx_new(ctx) < 0)
		return NULL;
	if (vigil_df__parse(&df, *ctx, text, strlen(text)) < 0)
		return NULL;
	return df;
}

static void done(vigil_ctx *ctx, vigil_df *df)
{
	vigil_df__free(df);
	vigil_ctx_free(ctx);
}

TEST(test_dockerfile__continuations_keep_the_start_line)
{
	vigil_ctx *ctx;
	vigil_df *df = parse(&ctx, "FROM alpine:3.19\n"
				   "\n"
				   "# a comment\n"
				   "RUN apk add \\\n"
				   "# dropped inside a continuation\n"
				   "    curl \\\n"
				   "    git\n"
				   "run echo done\n");
	CHECK(df);
	CHECK(df->n == 3);
	CHECK_STR(df->ins[1].cmd, "RUN");
	CHECK(df->ins[1].line == 4);
	CHECK_STR(df->ins[1].args, "apk add      curl      git");
	CHECK(df->ins[1].argc == 4);
	CHECK_STR(df->ins[1].argv[3], "git");
	CHECK_STR(df->ins[2].cmd, "RUN"); /* keywords are case-insensitive */
	CHECK(df->ins[2].line == 8);
	done(ctx, df);
}

TEST(test_dockerfile__escape_directive)
{
	vigil_ctx *ctx;
	vigil_df *df = parse(&ctx, "# escape=`\n"
				   "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
				   "RUN dir `\n"
				   "    C:\\\n"
				   "WORKDIR C:\\app\n");
	CHECK(df);
	CHECK(df->escape == '`');
	CHECK(df->n == 3);
	CHECK(df->ins[1].line == 3);
	CHECK_STR(df->ins[1].args, "dir      C:\\");
	CHECK_STR(df->ins[2].cmd, "WORKDIR");
	done(ctx, df);
	/* a directive after an instruction is a comment */
	df = parse(&ctx, "FROM alpine\n# escape=`\nRUN a \\\n b\n");
	CHECK(df);
	CHECK(df->escape == '\\');
	CHECK(df->n == 2);
	done(ctx, df);
}

TEST(test_dockerfile__heredocs)
{
	vigil_ctx *ctx;
	vigil_df *df = parse(&ctx, "FROM alpine\n"
				   "RUN <<EOF\n"
				   "apk add curl\n"
				   "echo hi\n"
				   "EOF\n"
				   "COPY <<-\"A\" /a <<'B' /b\n"
				   "\tfirst\n"
				   "\tA\n"
				   "second\n"
				   "B\n"
				   "USER app\n");
	CHECK(df);
	CHECK(df->n == 4);
	CHECK(df->ins[1].nheredocs == 1);
	CHECK_STR(df->ins[1].heredocs[0], "apk add curl\necho hi\n");
	CHECK(df->ins[2].line == 6);
	CHECK(df->ins[2].nheredocs == 2);
	CHECK_STR(df->ins[2].heredocs[0], "first\n"); /* <<- strips leading tabs */
	CHECK_STR(df->ins[2].heredocs[1], "second\n");
	CHECK_STR(df->ins[3].cmd, "USER");
	CHECK(df->ins[3].line == 11);
	done(ctx, df);
	/* << inside a word and <<< are not heredocs */
	df = parse(&ctx, "FROM alpine\nRUN echo $((1<<2)) && cat <<<x\nUSER app\n");
	CHECK(df);
	CHECK(df->n == 3 && df->ins[1].nheredocs == 0);
	done(ctx, df);
	/* an unterminated heredoc takes the rest of the file, without a crash */
	df = parse(&ctx, "FROM alpine\nRUN <<EOF\necho\n");
	CHECK(df);
	CHECK(df->n == 2);
	CHECK_STR(df->ins[1].heredocs[0], "echo\n");
	done(ctx, df);
}

TEST(test_dockerfile__exec_and_shell_forms)
{
	vigil_ctx *ctx;
	vigil_df *df = parse(&ctx, "FROM alpine\n"
				   "CMD [\"node\", \"server.js\"]\n"
				   "ENTRYPOINT /bin/sh -c 'echo \"a b\"'\n"
				   "CMD [not json\n");
	CHECK(df);
	CHECK(df->ins[1].json);
	CHECK(df->ins[1].argc == 2);
	CHECK_STR(df->ins[1].argv[1], "server.js");
	CHECK(!df->ins[2].json);
	CHECK(df->ins[2].argc == 3);
	CHECK_STR(df->ins[2].argv[2], "echo \"a b\"");
	CHECK(!df->ins[3].json);
	done(ctx, df);
}

TEST(test_dockerfile__substitution_and_arg_scope)
{
	vigil_ctx *ctx;
	vigil_df *df = parse(&ctx, "ARG REG=registry.example.com\n"
				   "ARG TAG=3.19\n"
				   "FROM ${REG}/alpine:$TAG AS Base\n"
				   "ARG TAG\n"
				   "ENV DIR=/srv HOME=${HOME:-/root} X=${DIR:+set}\n"
				   "WORKDIR ${DIR}/app\n"
				   "USER ${NOBODY:-1000}:\\$literal\n"
				   "ENV legacy value with spaces\n"
				   "WORKDIR $legacy\n"
				   "WORKDIR /x/$TAG/'$TAG'\n");
	CHECK(df);
	CHECK(df->nstages == 1);
	CHECK_STR(df->stages[0].image, "registry.example.com/alpine:3.19");
	CHECK_STR(df->stages[0].name, "base");
	CHECK_STR(df->ins[4].expanded, "DIR=/srv HOME=/root X=");
	CHECK_STR(df->ins[5].expanded, "/srv/app");
	CHECK_STR(df->ins[6].expanded, "1000:$literal");
	CHECK_STR(df->ins[8].expanded, "value with spaces");
	CHECK_STR(df->ins[9].expanded, "/x/3.19/'$TAG'"); /* ARG TAG takes the global value */
	done(ctx, df);
}

TEST(test_dockerfile__stages_and_flags)
{
	vigil_ctx *ctx;
	vigil_df *df = parse(&ctx, "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
				   "RUN --mount=type=cache,target=/root/.cache go build\n"
				   "FROM alpine:3.19\n"
				   "COPY --from=build --chown=app:app /out /bin/\n");
	CHECK(df);
	CHECK(df->nstages == 2);
	CHECK_STR(df->stages[0].image, "golang:1.22");
	CHECK(df->stages[0].first == 0 && df->stages[0].count == 2);
	CHECK(df->stages[1].first == 2 && df->stages[1].count == 2);
	CHECK(df->stages[1].name == NULL);
	CHECK_STR(vigil_df__flag(&df->ins[0], "platform"), "$BUILDPLATFORM");
	CHECK_STR(vigil_df__flag(&df->ins[1], "mount"), "type=cache,target=/root/.cache");
	CHECK_STR(vigil_df__flag(&df->ins[3], "from"), "build");
	CHECK_STR(vigil_df__flag(&df->ins[3], "chown"), "app:app");
	CHECK(vigil_df__flag(&df->ins[3], "link") == NULL);
	CHECK(df->ins[3].stage == 1);
	CHECK_STR(df->ins[3].args, "/out /bin/");
	done(ctx, df);
}

TEST(test_dockerfile__hostile_input_is_bounded)
{
	vigil_ctx *ctx;
	vigil_df *df;
	size_t n = 30000 * 4;
	char *big = malloc(n + 1);
	CHECK(big);
	for (size_t i = 0; i < n; i += 4)
		memcpy(big + i, "X\n\n\n", 4);
	big[n] = '\0';
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_df__parse(&df, ctx, big, n) == VIGIL_ELIMIT);
	CHECK(df == NULL);
	/* self-referencing substitution does not grow without bound */
	CHECK(vigil_df__parse(&df, ctx, "ARG A=${A}${A}${A}\nFROM x$A\n", 27) == 0);
	vigil_df__free(df);
	/* CRLF, a lone continuation at the end, NUL bytes */
	CHECK(vigil_df__parse(&df, ctx, "FROM a\r\nRUN b \\\r\n", 17) == 0);
	CHECK(df->n == 2 && !strcmp(df->ins[1].args, "b "));
	vigil_df__free(df);
	CHECK(vigil_df__parse(&df, ctx, "FROM a\0RUN", 10) == 0);
	vigil_df__free(df);
	/* substitution that multiplies a large value is bounded per file */
	size_t off = 0;
	off += (size_t)snprintf(big + off, n - off, "FROM a\nARG A=");
	memset(big + off, 'a', 60000);
	off += 60000;
	for (int i = 0; i < 1000 && off + 16 < n; i++)
		off += (size_t)snprintf(big + off, n - off, "\nENV B=$A");
	CHECK(vigil_df__parse(&df, ctx, big, off) == VIGIL_ELIMIT);
	CHECK(strstr(vigil_ctx_error(ctx), "substituted"));
	free(big);
	vigil_ctx_free(ctx);
}
