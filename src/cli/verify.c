/*
 * verify.c - vigil verify: checks an image's cosign signatures with a public key and
 * prints what was checked (table or JSON). Exit 0 when a valid signature exists, 1
 * when none does, 2 on errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/util.h"
#include "cli.h"

enum { OPT_KEY = 600, OPT_ATTESTATIONS };

static int attest_mode; /* --attestations */

void help_verify(void)
{
	printf("Usage: vigil verify IMAGE --key cosign.pub [options]\n"
	       "\n"
	       "Verify the cosign signatures of an image with a public key (ECDSA P-256,\n"
	       "Ed25519 or RSA, PEM). Signatures are found by cosign's tag scheme\n"
	       "(sha256-<digest>.sig) and by OCI 1.1 referrers (the referrers API, or the\n"
	       "sha256-<digest> referrers tag). A signature is valid when the key verifies it\n"
	       "and its payload names the digest of the image's manifest as read here.\n"
	       "\n"
	       "IMAGE is a registry reference (HOST[:PORT]/REPO[:TAG|@sha256:DIGEST], the\n"
	       "registry options as for 'vigil scan'), or an OCI layout directory holding the\n"
	       "image and its signatures (from 'cosign save --dir DIR', or skopeo copy of the\n"
	       "image and its .sig tag into one layout): [oci:]DIR, [oci:]DIR:TAG or\n"
	       "[oci:]DIR@sha256:DIGEST.\n"
	       "\n"
	       "Options:\n"
	       "  --key FILE            the public key (cosign.pub); required\n"
	       "  --attestations        check cosign attestations (cosign attest --key: DSSE\n"
	       "                        envelopes of in-toto statements, sha256-<digest>.att or\n"
	       "                        referrers) instead of signatures; shows predicate types\n"
	       "  --tag TAG             the image in the layout (ref name); default: the only "
	       "one\n"
	       "  --format FORMAT       table (default) or json\n"
	       "  -o, --output FILE     write the result to FILE\n"
	       "  --insecure-registry HOST[:PORT], --ca-file FILE, --authfile FILE,\n"
	       "  --username USER --password-stdin   registry access (see 'vigil scan --help')\n"
	       "\n"
	       "Exit status: 0 a valid signature (attestation) exists, 1 none is valid, 2 "
	       "error.\n");
}

/* An OCI layout when the argument names one (or starts with oci:), else a registry
 * reference. */
static int open_source(cli *c, const char *image, vigil_trust_source **src, char **ref)
{
	int error = vigil_trust_source_open(src, ref, c->ctx, image, c->tag);
	if (error != VIGIL_ENOTFOUND || strncmp(image, "oci:", 4) == 0)
		return error;
	return vigil_trust_source_registry(src, c->ctx, image, &c->reg);
}

static void kv(vigil_jsonw *w, const char *k, const char *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_str(w, v);
}

static void write_json(FILE *f, const char *image, const char *keypath, const vigil_trust_key *key,
		       const vigil_trust_result *r)
{
	vigil_jsonw w;
	vigil_jsonw_init(&w, f, 2);
	vigil_jsonw_obj_begin(&w);
	kv(&w, "image", image);
	kv(&w, "digest", vigil_trust_result_digest(r));
	vigil_jsonw_key(&w, "key");
	vigil_jsonw_obj_begin(&w);
	kv(&w, "path", keypath);
	kv(&w, "type", vigil_trust_key_type(key));
	kv(&w, "id", vigil_trust_key_id(key));
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_key(&w, "verified");
	vigil_jsonw_bool(&w, vigil_trust_result_valid(r) > 0);
	vigil_jsonw_key(&w, "valid");
	vigil_jsonw_uint(&w, vigil_trust_result_valid(r));
	vigil_jsonw_key(&w, attest_mode ? "attestations" : "signatures");
	vigil_jsonw_arr_begin(&w);
	for (size_t i = 0; i < vigil_trust_result_count(r); i++) {
		const vigil_trust_sig *s = vigil_trust_result_get(r, i);
		vigil_jsonw_obj_begin(&w);
		kv(&w, "scheme", s->scheme);
		kv(&w, "manifest", s->manifest);
		kv(&w, "payload", s->payload);
		kv(&w, "signed_digest", s->signed_digest);
		kv(&w, "identity", s->identity);
		if (attest_mode)
			kv(&w, "predicate_type", s->predicate_type);
		vigil_jsonw_key(&w, "valid");
		vigil_jsonw_bool(&w, s->valid);
		kv(&w, "reason", s->reason);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_arr_end(&w);
	vigil_jsonw_key(&w, "checked");
	vigil_jsonw_arr_begin(&w);
	for (const char *const *n = vigil_trust_result_notes(r); *n; n++)
		vigil_jsonw_str(&w, *n);
	vigil_jsonw_arr_end(&w);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_end(&w);
}

static void short_digest(char out[20], const char *d)
{
	snprintf(out, 20, "%.19s", d ? d : "-");
}

static void write_table(FILE *f, const char *image, const char *keypath, const vigil_trust_key *key,
			const vigil_trust_result *r)
{
	char a[20];
	fputs("Image:  ", f);
	put_safe(f, image);
	fprintf(f, "\nDigest: %s\nKey:    ", vigil_trust_result_digest(r));
	put_safe(f, keypath);
	fprintf(f, " (%s, %s)\n\n", vigil_trust_key_type(key), vigil_trust_key_id(key));
	if (vigil_trust_result_count(r)) {
		fprintf(f, "%-10s %-19s %-7s %s\n", "SCHEME",
			attest_mode ? "ATTESTATION" : "SIGNATURE", "RESULT", "DETAIL");
		for (size_t i = 0; i < vigil_trust_result_count(r); i++) {
			const vigil_trust_sig *s = vigil_trust_result_get(r, i);
			short_digest(a, s->manifest);
			fprintf(f, "%-10s %-19s %-7s ", s->scheme, a,
				s->valid ? "valid" : "refused");
			if (s->valid && attest_mode) {
				fputs("predicate ", f);
				put_safe(f, s->predicate_type ? s->predicate_type : "(none)");
				fputs(", subject ", f);
				put_safe(f,
					 s->identity && s->identity[0] ? s->identity : "(unnamed)");
			} else if (s->valid) {
				fputs("identity ", f);
				put_safe(f, s->identity ? s->identity : "(none)");
			} else {
				put_safe(f, s->reason);
			}
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	fputs("Checked:\n", f);
	for (const char *const *n = vigil_trust_result_notes(r); *n; n++) {
		fputs("  ", f);
		put_safe(f, *n);
		fputc('\n', f);
	}
	fprintf(f, "\n%s: %zu valid %s%s of %zu\n",
		vigil_trust_result_valid(r) ? "VERIFIED" : "NOT VERIFIED",
		vigil_trust_result_valid(r), attest_mode ? "attestation" : "signature",
		vigil_trust_result_valid(r) == 1 ? "" : "s", vigil_trust_result_count(r));
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, OPT_KEY},
		{"attestations", no_argument, NULL, OPT_ATTESTATIONS},
		{"tag", required_argument, NULL, OPT_TAG},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"max-json-size", required_argument, NULL, OPT_MAX_JSON},
		REGISTRY_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const vigil_limits defaults = VIGIL_LIMITS_INIT;
	cli c;
	const char *keypath = NULL;
	vigil_trust_key *key = NULL;
	vigil_trust_source *src = NULL;
	vigil_trust_result *r = NULL;
	char *ref = NULL;
	FILE *out = stdout;
	int o, error, rc = EXIT_ERR;

	memset(&c, 0, sizeof(c));
	c.limits = defaults;
	c.format = "table";
	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (o) {
		case OPT_KEY:
			keypath = optarg;
			break;
		case OPT_ATTESTATIONS:
			attest_mode = 1;
			break;
		case OPT_FORMAT:
			c.format = optarg;
			break;
		case 'o':
			c.output = optarg;
			break;
		case 'h':
			help_verify();
			exit(0);
		default:
			if (!image_opt(&c, "verify", o, optarg))
				die_usage("verify", "unknown option");
		}
	}
	registry_opts_finish(&c, "verify");
	if (strcmp(c.format, "table") != 0 && strcmp(c.format, "json") != 0)
		die_usage("verify", "--format must be table or json");
	if (!keypath)
		die_usage("verify", "missing --key FILE");
	if (optind >= argc)
		die_usage("verify", "missing IMAGE");
	if (argc - optind > 1)
		die_usage("verify", "too many arguments (one IMAGE)");
	if (vigil_ctx_new(&c.ctx) < 0) {
		print_error("out of memory");
		return EXIT_ERR;
	}
	vigil_ctx_set_limits(c.ctx, &c.limits);
	if ((error = vigil_trust_key_load(&key, c.ctx, keypath)) < 0 ||
	    (error = open_source(&c, argv[optind], &src, &ref)) < 0 ||
	    (error = attest_mode ? vigil_trust_verify_attestations(&r, c.ctx, src, ref, key)
				 : vigil_trust_verify(&r, c.ctx, src, ref, key)) < 0)
		goto done;
	if (c.output && !(out = fopen(c.output, "w"))) {
		error = vigil_error_set(c.ctx, VIGIL_EIO, "cannot write %s", c.output);
		goto done;
	}
	if (strcmp(c.format, "json") == 0)
		write_json(out, argv[optind], keypath, key, r);
	else
		write_table(out, argv[optind], keypath, key, r);
	if ((out != stdout ? fclose(out) : fflush(out)) != 0) {
		error = vigil_error_set(c.ctx, VIGIL_EIO, "writing the result failed");
		goto done;
	}
	rc = vigil_trust_result_valid(r) > 0 ? 0 : 1;
done:
	if (error < 0)
		print_ctx_error(c.ctx, error);
	vigil_trust_result_free(r);
	vigil_trust_source_free(src);
	vigil_trust_key_free(key);
	free(ref);
	vigil_ctx_free(c.ctx);
	return rc;
}
