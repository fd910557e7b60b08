/*
 * vigil/registry.h - image references and the OCI Distribution (registry) client options.
 *
 * vigil_image_open accepts a registry reference wherever it accepts a path: an argument
 * prefixed "registry:", or one that is not an existing path and parses as a reference.
 * The options below travel in vigil_open_opts.registry.
 */
#ifndef VIGIL_REGISTRY_H
#define VIGIL_REGISTRY_H

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed image reference: HOST[:PORT]/REPO[:TAG][@DIGEST]. */
typedef struct vigil_ref {
	char *host;   /* "docker.io", "registry.example:5000", "[::1]:5000" */
	char *repo;   /* "library/alpine" */
	char *tag;    /* NULL when only a digest was given; "latest" when neither was */
	char *digest; /* "sha256:<64 hex>" or NULL */
} vigil_ref;

/*
 * Parses a reference. Docker Hub short names are expanded ("alpine:3.20" is
 * "docker.io/library/alpine:3.20"), "index.docker.io" is "docker.io", a leading
 * "registry:" or "docker://" is dropped, and "latest" is the tag when neither tag nor
 * digest is given. Returns VIGIL_EINVAL with a reason in *why (static text) when `s`
 * is not a reference, VIGIL_ENOMEM. Free with vigil_ref_free.
 */
int vigil_ref_parse(vigil_ref **out, const char *s, const char **why);
void vigil_ref_free(vigil_ref *ref);
/* The canonical form "HOST/REPO[:TAG][@DIGEST]" into buf (truncated to n). Parsing it
 * again gives the same reference. Returns buf. */
const char *vigil_ref_format(const vigil_ref *ref, char *buf, size_t n);

/* Options of registry access. All fields may be NULL / 0. */
typedef struct vigil_registry_opts {
	/* hosts ("HOST" or "HOST:PORT") reached over plain HTTP or an unverified TLS
	 * certificate; NULL-terminated */
	const char *const *insecure;
	/* trusted CAs (PEM) instead of the system's for the registry's host name (any port,
	 * so its token server too); default /etc/docker/certs.d/HOST[:PORT]/ca.crt */
	const char *ca_file;
	const char *authfile; /* a docker config.json; default $REGISTRY_AUTH_FILE, then
				 $DOCKER_CONFIG/config.json or ~/.docker/config.json */
	const char *username; /* with password: Basic credentials for every host; default */
	const char *password; /* $VIGIL_REGISTRY_USERNAME / $VIGIL_REGISTRY_PASSWORD */
	long timeout_ms;      /* connect timeout and longest stall of a transfer; 0 = 30 s */
	int parallel;	      /* layers fetched at once; 0 = as many as are read at once */
	/* a registry access token sent as "Authorization: Bearer" to the registry host from
	 * the first request (a 401 then authenticates as usual), or NULL */
	const char *bearer_token;
	/* mirrors tried before the registry itself, in order: "HOST=MIRROR" where HOST is
	 * the registry they stand for ("docker.io") and MIRROR is HOST[:PORT][/PREFIX] (an
	 * https:// in front is dropped; plain HTTP needs `insecure`). A mirror that fails
	 * (unreachable, 404, refused) is skipped. NULL-terminated. */
	const char *const *mirrors;
} vigil_registry_opts;

#define VIGIL_REGISTRY_OPTS_INIT                                                                   \
	{                                                                                          \
		NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL                                     \
	}

/* Mirrors from a containers-registries.conf(5) file (TOML, version 2, as skopeo and podman
 * read it): each [[registry]]'s [[registry.mirror]] entries become "PREFIX=LOCATION" rules
 * (see vigil_registry_opts.mirrors) in the file's order, and the host of a mirror with
 * `insecure = true` is added to *insecure. What is not applied is skipped, counted in
 * *skipped, the first reason in `why`: a prefix with a path or a wildcard, a `location`
 * that rewrites the prefix, `blocked`, digest-only mirrors. Returns 0, VIGIL_EIO
 * (unreadable), VIGIL_EFORMAT (not TOML, a mirror without a location or malformed),
 * VIGIL_ELIMIT (over 1 MiB or 64 mirrors), VIGIL_ENOMEM; the reason in `why`. *mirrors
 * and *insecure are NULL-terminated lists or NULL; free each with
 * vigil_registry_conf_free. */
int vigil_registry_conf_read(char ***mirrors, char ***insecure, int *skipped, const char *path,
			     char *why, size_t whyn);
void vigil_registry_conf_free(char **list);

/* Checks one mirror rule "HOST=MIRROR" (see vigil_registry_opts.mirrors). Returns 0, or
 * VIGIL_EINVAL with a reason in *why (static text). */
int vigil_registry_mirror_check(const char *rule, const char **why);

/*
 * Writes an image opened from a registry reference to `dest`: "oci:DIR" (a new OCI
 * layout holding the chosen manifest, its config and layers) or "docker-archive:FILE".
 * Blobs are written as they arrive and verified against their digests; the output is
 * built under a temporary name and renamed at the end, so an error leaves nothing at
 * `dest`. `dest` must not exist. Errors: VIGIL_EINVAL (not a registry image, bad dest,
 * dest exists), VIGIL_EFORMAT, VIGIL_EIO, VIGIL_ELIMIT, VIGIL_ENOMEM.
 */
int vigil_image_pull(vigil_image *img, const char *dest);

/*
 * As vigil_image_pull to "oci:DIR", but when the reference names an index (a
 * multi-platform image) the whole index is written: every manifest it lists (nested
 * indexes too), their configs and layers, each verified against its digest; index.json
 * names the index. For a single-platform image it is vigil_image_pull. "docker-archive:"
 * cannot hold an index: VIGIL_EINVAL. At most 1,024 manifests.
 */
int vigil_image_pull_all(vigil_image *img, const char *dest);

#ifdef __cplusplus
}
#endif

#endif
