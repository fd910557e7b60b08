/*
 * policy.c - the trust policy of a scan: required signatures, allowed registries and
 * repositories, digest pinning; each violation becomes a finding of kind "trust".
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust.h"

static const vigil_check_info CHECKS[] = {
	{"VGL-TRUST-001", "trust", NULL, "HIGH", "Image is not signed by a required key",
	 "Sign the image with cosign (cosign sign --key) or verify it came from the expected "
	 "builder; check that the signature was copied along with the image."},
	{"VGL-TRUST-002", "trust", NULL, "HIGH", "Image comes from a registry that is not allowed",
	 "Pull the image through an allowed registry, or add the registry to "
	 "trust.allowed_registries."},
	{"VGL-TRUST-003", "trust", NULL, "HIGH",
	 "Image comes from a repository that is not allowed",
	 "Use an image from an allowed repository, or add it to trust.allowed_repositories."},
	{"VGL-TRUST-004", "trust", NULL, "MEDIUM", "Image is named by tag, not by digest",
	 "Reference the image by digest (name@sha256:...) so that what was reviewed is what "
	 "runs; tags can be moved."},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

struct vigil_trust_findings {
	vigil_arena arena;
	vigil_vec items; /* vigil_config_finding */
};

const vigil_check_info *vigil_trust_checks(size_t *n)
{
	*n = VIGIL_ARRAY_LEN(CHECKS) - 1;
	return CHECKS;
}

int vigil_trust_policy_active(const vigil_trust_policy *p)
{
	return p &&
	       ((p->keys && p->keys[0]) || (p->allowed_registries && p->allowed_registries[0]) ||
		(p->allowed_repositories && p->allowed_repositories[0]) || p->require_digest);
}

int vigil_trust_parse_reference(char *registry, size_t reg_cap, char *repository, size_t repo_cap,
				int *by_digest, const char *ref)
{
	const char *at, *slash, *end, *path;
	size_t hlen, plen;
	char host[256];
	int library = 0;

	*by_digest = 0;
	if (!ref || !*ref || strlen(ref) > 4096 || strpbrk(ref, " \t\r\n"))
		return VIGIL_EINVAL;
	if (strncmp(ref, "registry:", 9) == 0)
		ref += 9;
	else if (strncmp(ref, "docker://", 9) == 0)
		ref += 9;
	end = ref + strlen(ref);
	if ((at = strchr(ref, '@'))) {
		if (!vigil_digest_is_sha256(at + 1))
			return VIGIL_EINVAL;
		*by_digest = 1;
		end = at;
	}
	slash = memchr(ref, '/', (size_t)(end - ref));
	/* the first component is a registry when it looks like a host */
	if (slash &&
	    (memchr(ref, '.', (size_t)(slash - ref)) || memchr(ref, ':', (size_t)(slash - ref)) ||
	     (slash - ref == 9 && strncmp(ref, "localhost", 9) == 0))) {
		hlen = (size_t)(slash - ref);
		path = slash + 1;
	} else {
		hlen = 0;
		path = ref;
	}
	/* the tag: a ':' after the last '/' */
	const char *last = path, *colon;
	for (const char *q = path; q < end; q++)
		if (*q == '/')
			last = q + 1;
	colon = memchr(last, ':', (size_t)(end - last));
	plen = (size_t)((colon ? colon : end) - path);
	if (plen == 0 || hlen >= sizeof(host))
		return VIGIL_EINVAL;
	for (size_t i = 0; i < plen; i++) {
		char c = path[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '/'))
			return VIGIL_EINVAL; /* repository names are lower case */
	}
	if (hlen) {
		memcpy(host, ref, hlen);
		host[hlen] = '\0';
	} else {
		snprintf(host, sizeof(host), "docker.io");
		library = memchr(path, '/', plen) == NULL;
	}
	if (strcmp(host, "index.docker.io") == 0 || strcmp(host, "registry-1.docker.io") == 0)
		snprintf(host, sizeof(host), "docker.io");
	if (strcmp(host, "docker.io") == 0 && !memchr(path, '/', plen))
		library = 1;
	if ((size_t)snprintf(registry, reg_cap, "%s", host) >= reg_cap ||
	    (size_t)snprintf(repository, repo_cap, "%s/%s%.*s", host, library ? "library/" : "",
			     (int)plen, path) >= repo_cap)
		return VIGIL_EINVAL;
	return 0;
}

static int add(vigil_trust_findings *f, const char *id, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add(vigil_trust_findings *f, const char *id, const char *object, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	vigil_config_finding *x;
	const vigil_check_info *c = CHECKS;
	while (c->id && strcmp(c->id, id) != 0)
		c++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!(x = vigil_vec_push(&f->items)))
		return VIGIL_ENOMEM;
	x->check = c;
	x->severity = c->severity;
	x->message = vigil_arena_strdup(&f->arena, msg);
	x->object = object ? vigil_arena_strdup(&f->arena, object) : NULL;
	x->layer = -1;
	return x->message ? 0 : VIGIL_ENOMEM;
}

static int glob_any(const char *const *globs, const char *s)
{
	for (; globs && *globs; globs++)
		if (fnmatch(*globs, s, 0) == 0)
			return 1;
	return 0;
}

/* The names to check: the reference when it is one, else the full names it carries. */
static int names_of(const vigil_trust_subject *s, const char **out, size_t cap)
{
	size_t n = 0;
	char reg[256], repo[4200];
	int dig;
	if (s->reference &&
	    vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig, s->reference) ==
		    0 &&
	    (strchr(s->reference, '/') || strncmp(s->reference, "registry:", 9) == 0))
		out[n++] = s->reference;
	for (const char *const *t = s->names; t && *t && n < cap; t++)
		if (strchr(*t, '/') || strchr(*t, ':'))
			out[n++] = *t;
	return (int)n;
}

static int check_source(vigil_trust_findings *f, vigil_ctx *ctx, const vigil_trust_policy *p,
			const vigil_trust_subject *s, const char *object)
{
	int error = 0;
	for (const char *const *k = p->keys; k && *k && error == 0; k++) {
		vigil_trust_key *key = NULL;
		vigil_trust_result *r = NULL;
		if ((error = vigil_trust_key_load(&key, ctx, *k)) < 0)
			break;
		if (!s->source) {
			error = add(f, "VGL-TRUST-001", object,
				    "no signature can be read for this image (not an OCI layout or "
				    "registry): a signature by %s is required",
				    *k);
		} else if ((error = vigil_trust_verify(&r, ctx, s->source, s->source_ref, key)) ==
				   0 &&
			   vigil_trust_result_valid(r) == 0) {
			const vigil_trust_sig *first = vigil_trust_result_get(r, 0);
			if (first)
				error = add(
					f, "VGL-TRUST-001", object,
					"no valid signature by %s (%s key) for %s: %zu refused, "
					"first: %s",
					*k, vigil_trust_key_type(key), vigil_trust_result_digest(r),
					vigil_trust_result_count(r), first->reason);
			else
				error = add(
					f, "VGL-TRUST-001", object,
					"no signature by %s (%s key) for %s: the image is unsigned",
					*k, vigil_trust_key_type(key),
					vigil_trust_result_digest(r));
		}
		vigil_trust_result_free(r);
		vigil_trust_key_free(key);
	}
	return error;
}

int vigil_trust_check(vigil_trust_findings **out, vigil_ctx *ctx, const vigil_trust_policy *p,
		      const vigil_trust_subject *s)
{
	vigil_trust_findings *f = calloc(1, sizeof(*f));
	const char *names[64];
	char reg[256], repo[4200];
	int n, dig = 0, error = 0;
	const char *object = s->reference;

	*out = NULL;
	if (!f)
		return VIGIL_ENOMEM;
	vigil_arena_init(&f->arena);
	f->items = (vigil_vec)VIGIL_VEC_INIT(vigil_config_finding);
	n = names_of(s, names, VIGIL_ARRAY_LEN(names));
	if ((error = check_source(f, ctx, p, s, object)) < 0)
		goto done;
	if (p->allowed_registries && p->allowed_registries[0]) {
		int ok = 0;
		for (int i = 0; i < n && !ok; i++)
			ok = vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig,
							 names[i]) == 0 &&
			     glob_any(p->allowed_registries, reg);
		if (!ok && n == 0)
			error = add(f, "VGL-TRUST-002", object,
				    "the image carries no registry name, so it cannot come from an "
				    "allowed registry");
		else if (!ok && vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo),
							    &dig, names[0]) == 0)
			error = add(f, "VGL-TRUST-002", object,
				    "registry %s is not in the allowed registries", reg);
		else if (!ok)
			error = add(f, "VGL-TRUST-002", object, "'%s' is not a valid image name",
				    names[0]);
		if (error < 0)
			goto done;
	}
	if (p->allowed_repositories && p->allowed_repositories[0]) {
		int ok = 0;
		for (int i = 0; i < n && !ok; i++)
			ok = vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig,
							 names[i]) == 0 &&
			     glob_any(p->allowed_repositories, repo);
		if (!ok && n == 0)
			error = add(
				f, "VGL-TRUST-003", object,
				"the image carries no repository name, so it cannot come from an "
				"allowed repository");
		else if (!ok && vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo),
							    &dig, names[0]) == 0)
			error = add(f, "VGL-TRUST-003", object,
				    "repository %s is not in the allowed repositories", repo);
		else if (!ok)
			error = add(f, "VGL-TRUST-003", object, "'%s' is not a valid image name",
				    names[0]);
		if (error < 0)
			goto done;
	}
	if (p->require_digest) {
		const char *at = s->reference ? strrchr(s->reference, '@') : NULL;
		if (!at || !vigil_digest_is_sha256(at + 1))
			error = add(
				f, "VGL-TRUST-004", object,
				"'%s' names the image by tag or path; a digest (@sha256:...) is "
				"required",
				s->reference ? s->reference : "");
	}
done:
	if (error < 0) {
		vigil_trust_findings_free(f);
		return error;
	}
	*out = f;
	return 0;
}

size_t vigil_trust_findings_count(const vigil_trust_findings *f)
{
	return f ? f->items.len : 0;
}

const vigil_config_finding *vigil_trust_findings_get(const vigil_trust_findings *f, size_t i)
{
	return f && i < f->items.len ? &VIGIL_VEC_AT(&f->items, vigil_config_finding, i) : NULL;
}

void vigil_trust_findings_free(vigil_trust_findings *f)
{
	if (!f)
		return;
	vigil_vec_free(&f->items);
	vigil_arena_clear(&f->arena);
	free(f);
}

int vigil_trust_check_image(vigil_trust_findings **out, vigil_ctx *ctx, const vigil_trust_policy *p,
			    vigil_image *img, const char *ref, const char *tag,
			    const struct vigil_registry_opts *reg)
{
	vigil_trust_subject subj = {ref, vigil_image_tags(img), NULL, NULL};
	vigil_trust_source *src = NULL;
	char *sref = NULL;
	int error;
	*out = NULL;
	if (!vigil_trust_policy_active(p))
		return 0;
	/* signatures can be read from an OCI layout directory; other formats carry none */
	if (p->keys && p->keys[0] && strcmp(vigil_image_format(img), "oci") == 0 &&
	    (error = vigil_trust_source_open(&src, &sref, ctx, ref, tag)) < 0)
		return error;
	if (p->keys && p->keys[0] && strcmp(vigil_image_format(img), "registry") == 0 &&
	    (error = vigil_trust_source_registry(&src, ctx, ref, reg)) < 0)
		return error;
	subj.source = src;
	subj.source_ref = sref;
	error = vigil_trust_check(out, ctx, p, &subj);
	vigil_trust_source_free(src);
	free(sref);
	return error;
}
