/*
 * img_text.h - the text rules behind the image checks: history steps, secret-looking
 * names, image references, leftover paths and account files. Pure functions on
 * bounded strings, shared by image.c, the unit tests and the fuzz target.
 */
#ifndef VIGIL_CONFIG_IMG_TEXT_H
#define VIGIL_CONFIG_IMG_TEXT_H

#include <stddef.h>

/* One history step, parsed from created_by (classic "/bin/sh -c #(nop) USER x", classic
 * RUN "/bin/sh -c cmd", BuildKit "USER x", "RUN |2 A=1 B=2 /bin/sh -c cmd # buildkit"). */
typedef struct img_step {
	char instr[16]; /* "RUN", "ADD", "USER", ... upper case */
	char args[1024];
	int nbuildargs;
	struct {
		const char *name; /* into argbuf; the value is never kept */
		size_t len;
	} buildargs[16];
	char argbuf[512];
} img_step;

/* 0, or -1 when created_by is empty. Long steps are cut (args keeps 1023 bytes). */
int vigil_config__img_step(img_step *out, const char *created_by);

/* True when `name` (n bytes, an ENV or ARG key) looks like it holds a secret. */
int vigil_config__img_secret_name(const char *name, size_t n);
/* True for "0", "00". */
int vigil_config__img_is_zero(const char *s);
/* True when /etc/passwd (buf, len) gives `name` UID 0. */
int vigil_config__img_passwd_uid0(const char *buf, size_t len, const char *name);
/* True when `path` is `dir` or below it (trailing slashes ignored). */
int vigil_config__img_under(const char *path, const char *dir);

enum { IMG_REF_OK, IMG_REF_LATEST, IMG_REF_UNTAGGED };
/* Classifies an image reference ("debian:12", "debian", "x@sha256:..", "x:latest"). */
int vigil_config__img_ref_tag(const char *ref);

enum { IMG_ADD_NONE, IMG_ADD_URL, IMG_ADD_ARCHIVE, IMG_ADD_LOCAL };
/* Classifies the sources of an ADD step's arguments. A classic "file:<hash> in /" (a
 * base image's root filesystem) is IMG_ADD_NONE. */
int vigil_config__img_add_kind(const char *args);
/* True when a RUN command updates package indexes without installing anything. */
int vigil_config__img_update_alone(const char *cmd);
/* True when a RUN command pipes curl or wget output into a shell. */
int vigil_config__img_pipe_shell(const char *cmd);

#define IMG_SLOTS 5
typedef struct img_leftover {
	const char *id, *what;
	size_t dir_len; /* the leftover directory is path[0..dir_len) */
	int slot;	/* one per kind, to report each directory once */
} img_leftover;
/* True when the regular file `path` is leftover build material (.git, credentials,
 * .ssh keys, package caches, apt lists); fills *out. */
int vigil_config__img_leftover(img_leftover *out, const char *path);

typedef struct img_acct_issue {
	const char *id;
	int line;
	char msg[200];
} img_acct_issue;
/* Checks an account file: kind "passwd", "shadow" or "group". Writes at most `max`
 * issues (empty passwords, duplicate UIDs / GIDs, extra UID 0) and returns their count. */
int vigil_config__img_accounts(img_acct_issue *out, int max, const char *kind, const char *buf,
			       size_t len);

#endif
