/* Internal declarations of the registry module: the OCI Distribution client. */
#ifndef VIGIL_REGISTRY_INT_H
#define VIGIL_REGISTRY_INT_H

#include "../internal.h"

/* ---- WWW-Authenticate ------------------------------------------------------------------ */

typedef struct vigil_reg_challenge {
	char scheme[16]; /* "bearer" or "basic" (lower case), "" if none understood */
	char realm[1024], service[256], scope[512];
} vigil_reg_challenge;

/* Parses a WWW-Authenticate header value (one or more challenges); keeps the Bearer
 * challenge if there is one, else Basic. VIGIL_EFORMAT when neither is usable. */
int vigil_reg__challenge_parse(vigil_reg_challenge *out, const char *value, size_t n);

/* ---- credentials ----------------------------------------------------------------------- */

typedef struct vigil_reg_cred {
	char *user, *pass;    /* Basic credentials, or NULL */
	char *identity_token; /* an OAuth2 refresh token for the token server, or NULL */
	char source[128];     /* where they came from, for messages: "--username", ... */
} vigil_reg_cred;

/* Finds credentials for `host` (as written in the reference): explicit options, the
 * environment, then the auth file's auths / credHelpers / credsStore. No credentials is
 * not an error. A broken auth file or failing helper is VIGIL_EFORMAT / VIGIL_EIO with a
 * message in errbuf that never contains a secret. */
int vigil_reg__cred_find(vigil_reg_cred *out, const char *host, const vigil_registry_opts *opts,
			 char *errbuf, size_t errn);
void vigil_reg__cred_free(vigil_reg_cred *c);
/* Parses a docker config.json text for `host`; helpers are run when `run_helpers`. */
int vigil_reg__cred_from_config(vigil_reg_cred *out, const char *json, size_t n, const char *host,
				int run_helpers, char *errbuf, size_t errn);

/* ---- mirrors ------------------------------------------------------------------------- */

/* The reference `ref` as found on the mirror of `rule` ("HOST=MIRROR[/PREFIX]"): 1 and
 * *out (free with vigil_ref_free) when the rule is for ref's host, 0 when it is not (or
 * malformed: rules are checked by vigil_registry_mirror_check first), VIGIL_ENOMEM. */
int vigil_reg__mirror_ref(vigil_ref **out, const char *rule, const vigil_ref *ref);

/* ---- registries.conf ----------------------------------------------------------------- */

/* vigil_registry_conf_read on a text already read (`path` names it in messages). */
int vigil_reg__conf_parse(char ***mirrors, char ***insecure, int *skipped, const char *text,
			  size_t len, const char *path, char *why, size_t whyn);

/* ---- TLS or plain HTTP ------------------------------------------------------------------ */

/* Asks the server at `authority` ("host", "host:port", "[v6]:port"; port 443 by default)
 * with a TLS ClientHello: 1 when it answers with a TLS record (it speaks TLS), 0 when it
 * answers anything else or closes the connection (plain HTTP), -1 when it cannot be
 * asked within timeout_ms (unresolvable, refused, no answer): the TLS client decides. */
int vigil_reg__probe_tls(const char *authority, long timeout_ms);

/* ---- the client ------------------------------------------------------------------------ */

typedef struct vigil_reg vigil_reg;

/* A client for one repository. Thread-safe: streams may be read on several threads. */
int vigil_reg__new(vigil_reg **out, vigil_ctx *ctx, const vigil_ref *ref,
		   const vigil_registry_opts *opts);
void vigil_reg__free(vigil_reg *r);
/* Stops every transfer of the client within one poll interval (250 ms): they end with
 * "cancelled". Used before freeing a client whose streams other threads still open. */
void vigil_reg__cancel(vigil_reg *r);
/* "host/repo" for messages. */
const char *vigil_reg__name(const vigil_reg *r);

/* Fetches a manifest or index by tag or digest (at most `max` bytes); *media_type is
 * the Content-Type (or ""), digest the sha256 of the content, checked against the
 * requested digest and Docker-Content-Digest. Errors set on the ctx. */
int vigil_reg__get_manifest(vigil_reg *r, const char *tag_or_digest, uint64_t max, vigil_buf *out,
			    char media_type[128], char digest[72]);
/* Fetches a small blob (a config) of at most `max` bytes, verified against `digest`. */
int vigil_reg__get_blob(vigil_reg *r, const char *digest, uint64_t max, vigil_buf *out);

/* The OCI 1.1 referrers index of `digest` (GET /v2/<name>/referrers/<digest>), at most
 * `max` bytes. VIGIL_ENOTFOUND when the registry has no referrers API (404, or an answer
 * that is not an OCI index). */
int vigil_reg__get_referrers(vigil_reg *r, const char *digest, uint64_t max, vigil_buf *out);
/* GETs a small JSON document: /v2/<repo>/PATH ("tags/list?n=100"), or /v2PATH when PATH
 * starts with '/' ("/_catalog?n=100"), at most `max` bytes. Errors set on the ctx
 * (VIGIL_ENOTFOUND for 404). */
int vigil_reg__get_doc(vigil_reg *r, const char *path, uint64_t max, vigil_buf *out);

/* A blob streamed from the socket, verified against its digest and size at the end;
 * a dropped connection is resumed with Range. */
typedef struct vigil_reg_stream vigil_reg_stream;
/* `size` is the descriptor's size (0 = unknown: bounded by `max`). */
int vigil_reg__stream_open(vigil_reg_stream **out, vigil_reg *r, const char *digest, uint64_t size,
			   uint64_t max);
/* Next chunk; *n = 0 at the end (after the digest was checked). Negative on error, with
 * a one-line message in *errmsg (valid until the stream is freed). */
int vigil_reg__stream_read(vigil_reg_stream *s, const uint8_t **p, size_t *n, const char **errmsg);
/* The consumer checks the digest itself (the layer reader hashes every blob it reads):
 * the stream does not hash again; sizes and limits are still checked. Before the first
 * read. */
void vigil_reg__stream_unhashed(vigil_reg_stream *s);
/* How many times curl had to keep a chunk of the stream's data because the stream's
 * buffer was full (it pauses before that happens; for tests). */
unsigned vigil_reg__stream_held(const vigil_reg_stream *s);
void vigil_reg__stream_free(vigil_reg_stream *s);

#endif
