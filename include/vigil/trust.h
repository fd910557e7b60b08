/*
 * vigil/trust.h - image signatures (cosign) and trusted-source policy. Included by
 * vigil.h.
 *
 * A cosign signature of an image is an OCI manifest whose layers are "simple signing"
 * payloads (JSON naming the signed manifest digest), each carrying its signature in
 * the `dev.cosignproject.cosign/signature` annotation. It is found through the tag
 * scheme (`sha256-<hex>.sig` in the image's repository) or OCI 1.1 referrers (the
 * referrers API, or the `sha256-<hex>` referrers tag when the registry has no API).
 * Verification reads manifests and blobs through a vigil_trust_source, so the same
 * code checks an OCI layout on disk and a registry.
 */
#ifndef VIGIL_TRUST_H
#define VIGIL_TRUST_H

struct vigil_registry_opts;

/* ---- public keys ----------------------------------------------------------------- */

typedef struct vigil_trust_key vigil_trust_key;

/* Reads a PEM public key (SubjectPublicKeyInfo, as `cosign generate-key-pair` writes
 * cosign.pub): ECDSA P-256, Ed25519 or RSA (2048 bits or more). VIGIL_ENOTFOUND,
 * VIGIL_EIO, VIGIL_EFORMAT (not a key, or another type), VIGIL_ENOMEM. Free with
 * vigil_trust_key_free. */
int vigil_trust_key_load(vigil_trust_key **out, vigil_ctx *ctx, const char *path);
/* The same from a buffer. */
int vigil_trust_key_parse(vigil_trust_key **out, vigil_ctx *ctx, const char *pem, size_t len);
/* "ecdsa-p256", "ed25519" or "rsa-<bits>". Static or owned by the key. */
const char *vigil_trust_key_type(const vigil_trust_key *k);
/* "sha256:<hex>" of the key's DER encoding, to name it in reports. Owned by the key. */
const char *vigil_trust_key_id(const vigil_trust_key *k);
/* 0 when `sig` is a valid signature of `data` (ECDSA and RSA PKCS#1 v1.5 over SHA-256,
 * Ed25519 over the data itself, as cosign signs), VIGIL_EFORMAT when it is not. */
int vigil_trust_key_verify(const vigil_trust_key *k, const void *data, size_t len,
			   const unsigned char *sig, size_t sig_len);
void vigil_trust_key_free(vigil_trust_key *k);

/* ---- where signatures are read from ------------------------------------------------ */

/*
 * A source of manifests and blobs (one repository). Each callback returns a malloc'd
 * buffer in *out / *out_len (the caller frees it) of at most `max` bytes (VIGIL_ELIMIT
 * beyond), VIGIL_ENOTFOUND when there is no such thing, other VIGIL_E* on errors, with
 * the message in the context. Content is checked by the caller against its digest.
 */
typedef struct vigil_trust_source {
	/* The manifest or index `ref` names: a tag, a digest "sha256:<hex>", or NULL for
	 * the source's default image (an OCI layout holding one image). */
	int (*manifest)(unsigned char **out, size_t *out_len, const char *ref, size_t max,
			void *payload);
	int (*blob)(unsigned char **out, size_t *out_len, const char *digest, size_t max,
		    void *payload);
	/* The referrers index of `digest` from the OCI 1.1 referrers API; VIGIL_ENOTFOUND
	 * when the source has no such API (the `sha256-<hex>` tag is tried then). May be
	 * NULL. */
	int (*referrers)(unsigned char **out, size_t *out_len, const char *digest, size_t max,
			 void *payload);
	void (*free)(void *payload); /* may be NULL */
	void *payload;
	const char *name; /* for messages: "oci:DIR", "registry HOST/REPO" */
} vigil_trust_source;

/* A source reading an OCI image layout directory: tags are the index's
 * org.opencontainers.image.ref.name annotations; a layout written by `cosign save`
 * (kind annotations) is understood too. VIGIL_ENOTFOUND, VIGIL_EFORMAT. */
int vigil_trust_source_oci_layout(vigil_trust_source **out, vigil_ctx *ctx, const char *dir);
/* A source reading a registry repository through the registry client: `reference` as
 * vigil_ref_parse takes it; `opts` (may be NULL) as for vigil_image_open. The referrers
 * API is asked first, the referrers tag when it answers 404. VIGIL_EINVAL for a bad
 * reference. */
int vigil_trust_source_registry(vigil_trust_source **out, vigil_ctx *ctx, const char *reference,
				const struct vigil_registry_opts *opts);
/* The source for an image argument as the commands take it: [oci:]DIR, [oci:]DIR:TAG or
 * [oci:]DIR@sha256:DIGEST (an OCI layout). *ref (malloc'd, may be NULL) names the image
 * in the source: the TAG or DIGEST of the argument, else `tag`. VIGIL_ENOTFOUND when
 * the argument is not a layout directory. */
int vigil_trust_source_open(vigil_trust_source **out, char **ref, vigil_ctx *ctx, const char *image,
			    const char *tag);
/* Frees a source made by this library (calls its free callback). NULL is a no-op. */
void vigil_trust_source_free(vigil_trust_source *s);

/* ---- verification ------------------------------------------------------------------ */

/* One signature that was looked at. Strings live as long as the result. */
typedef struct vigil_trust_sig {
	const char *scheme;	   /* "tag" (sha256-<hex>.sig), "referrers" (API or tag) */
	const char *manifest;	   /* digest of the signature manifest */
	const char *payload;	   /* digest of the simple-signing payload blob */
	const char *signed_digest; /* critical.image.docker-manifest-digest, or NULL */
	const char *identity;	   /* critical.identity.docker-reference, or NULL */
	int valid;		   /* signature checks with the key, digest matches */
	const char *reason;	   /* "valid", or why it was refused (one line) */
	/* attestations (vigil_trust_verify_attestations): the in-toto statement's
	 * predicateType, or NULL; signed_digest is the subject digest that names the image */
	const char *predicate_type;
} vigil_trust_sig;

typedef struct vigil_trust_result vigil_trust_result;

/*
 * Looks for the cosign signatures of the image `ref` names in `src` (a tag, a digest
 * or NULL, as for the source's manifest callback) by both schemes and checks each
 * with `key`. A signature is valid when the key verifies it over the payload, the
 * payload blob matches its digest, its type is a cosign / atomic container signature
 * and its docker-manifest-digest equals the digest of the image's manifest (or
 * index) as read and hashed here. Missing or refused signatures are results, not
 * errors; errors (the image cannot be read, a limit, I/O) return VIGIL_E*.
 * Free the result with vigil_trust_result_free.
 */
int vigil_trust_verify(vigil_trust_result **out, vigil_ctx *ctx, const vigil_trust_source *src,
		       const char *ref, const vigil_trust_key *key);
/*
 * The same for cosign attestations (`cosign attest --key`): manifests tagged
 * `sha256-<hex>.att` or referrers of artifact type application/vnd.dsse.envelope.v1+json,
 * whose layers are DSSE envelopes (application/vnd.dsse.envelope.v1+json). One is valid
 * when the blob matches its digest, a signature of the envelope verifies with `key` over
 * DSSE's pre-authentication encoding, the payload type is application/vnd.in-toto+json,
 * and the in-toto statement has a subject whose sha256 is the image's digest. Each
 * entry reports the statement's predicateType.
 */
int vigil_trust_verify_attestations(vigil_trust_result **out, vigil_ctx *ctx,
				    const vigil_trust_source *src, const char *ref,
				    const vigil_trust_key *key);
/* The digest of the image's manifest or index that signatures must name. */
const char *vigil_trust_result_digest(const vigil_trust_result *r);
size_t vigil_trust_result_count(const vigil_trust_result *r);
const vigil_trust_sig *vigil_trust_result_get(const vigil_trust_result *r, size_t i);
/* Number of valid signatures. */
size_t vigil_trust_result_valid(const vigil_trust_result *r);
/* What was looked up and how ("tag sha256-...sig: not found"), NULL-terminated. */
const char *const *vigil_trust_result_notes(const vigil_trust_result *r);
void vigil_trust_result_free(vigil_trust_result *r);

/* ---- the simple-signing payload (exposed for tests and fuzzing) -------------------- */

typedef struct vigil_trust_payload {
	char type[64];	    /* critical.type */
	char digest[72];    /* critical.image.docker-manifest-digest, "sha256:<hex>" */
	char identity[512]; /* critical.identity.docker-reference, "" when absent */
} vigil_trust_payload;

/* Parses a simple-signing payload. VIGIL_EFORMAT (with the reason in ctx) when it is
 * not JSON, misses a critical member, has a digest that is not sha256:<64 hex>, or
 * a member longer than its field. */
int vigil_trust_payload_parse(vigil_trust_payload *out, vigil_ctx *ctx, const void *data,
			      size_t len);

/* ---- trust policy: findings of kind "trust" for vigil scan ------------------------- */

/* What an image must satisfy. Arrays NULL-terminated or NULL (no rule). */
typedef struct vigil_trust_policy {
	const char *const *keys;		 /* public key files: each must have signed it */
	const char *const *allowed_registries;	 /* globs on the registry ("ghcr.io", "*.corp") */
	const char *const *allowed_repositories; /* globs on registry/path: "ghcr.io/acme/..." */
	int require_digest;			 /* the image must be named by digest */
} vigil_trust_policy;

#define VIGIL_TRUST_POLICY_INIT                                                                    \
	{                                                                                          \
		NULL, NULL, NULL, 0                                                                \
	}

/* The image being checked. */
typedef struct vigil_trust_subject {
	const char *reference;		  /* as the user named it (argument), may be NULL */
	const char *const *names;	  /* full references it carries (RepoTags), or NULL */
	const vigil_trust_source *source; /* where its signatures are; NULL = none readable */
	const char *source_ref;		  /* the image in the source (tag, digest or NULL) */
} vigil_trust_subject;

/* True when `p` asks for anything. */
int vigil_trust_policy_active(const vigil_trust_policy *p);

typedef struct vigil_trust_findings vigil_trust_findings;

/*
 * Checks `s` against `p`: VGL-TRUST-001 no valid signature by a required key,
 * VGL-TRUST-002 registry not allowed, VGL-TRUST-003 repository not allowed,
 * VGL-TRUST-004 named by tag rather than digest. An image whose registry or
 * repository cannot be known (a local file without a full name) violates the
 * allow-lists. Key files that cannot be read and unreadable sources are errors.
 * Findings use vigil_config_finding with check kind "trust".
 */
int vigil_trust_check(vigil_trust_findings **out, vigil_ctx *ctx, const vigil_trust_policy *p,
		      const vigil_trust_subject *s);
/* The same for an opened image named `ref` (as given; `tag` chose it): names from its
 * tags, signatures from its OCI layout or its registry (`reg`, may be NULL). *out is NULL
 * when `p` asks nothing. */
int vigil_trust_check_image(vigil_trust_findings **out, vigil_ctx *ctx, const vigil_trust_policy *p,
			    vigil_image *img, const char *ref, const char *tag,
			    const struct vigil_registry_opts *reg);
size_t vigil_trust_findings_count(const vigil_trust_findings *f);
const vigil_config_finding *vigil_trust_findings_get(const vigil_trust_findings *f, size_t i);
void vigil_trust_findings_free(vigil_trust_findings *f);
/* The trust checks (VGL-TRUST-001..004), *n receives the count. Static data. */
const vigil_check_info *vigil_trust_checks(size_t *n);

/* Splits an image reference "[HOST[:PORT]/]PATH[:TAG][@sha256:HEX]" into its registry
 * (Docker Hub names become "docker.io", one-part paths "library/NAME") and repository
 * ("REGISTRY/PATH"); *by_digest is set when it names a digest. VIGIL_EINVAL when it is
 * not a reference or does not fit. */
int vigil_trust_parse_reference(char *registry, size_t reg_cap, char *repository, size_t repo_cap,
				int *by_digest, const char *ref);

#endif
