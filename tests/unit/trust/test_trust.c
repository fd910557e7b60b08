/* Trust: the simple-signing payload, references, base64, and the verifier over an
 * in-memory source with keys and signatures made here by OpenSSL. */
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../test.h"
#include "trust/trust.h"

#define D0 "sha256:0000000000000000000000000000000000000000000000000000000000000000"

TEST(test_trust__payload_cosign)
{
	static const char P[] = "{\"critical\":{\"identity\":{\"docker-reference\":\"r.io/a\"},"
				"\"image\":{\"docker-manifest-digest\":\"" D0 "\"},"
				"\"type\":\"cosign container image signature\"},\"optional\":null}";
	vigil_ctx *ctx;
	vigil_trust_payload p;
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_trust_payload_parse(&p, ctx, P, strlen(P)) == 0);
	CHECK_STR(p.digest, D0);
	CHECK_STR(p.identity, "r.io/a");
	CHECK_STR(p.type, "cosign container image signature");
	vigil_ctx_free(ctx);
}

TEST(test_trust__payload_refuses_bad_digest_and_shapes)
{
	static const char *const BAD[] = {
		"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"sha256:ABC\"},\"type\":"
		"\"x\"}}",
		"{\"critical\":{\"image\":{},\"type\":\"x\"}}",
		"{\"critical\":[]}",
		"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" D0 "\"}}}",
		"{\"critical\":{\"identity\":\"x\",\"image\":{\"docker-manifest-digest\":\"" D0
		"\"},\"type\":\"t\"}}",
		"not json",
		"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" D0
		"\"},\"type\":\"a\",\"type\":\"b\"}}",
	};
	vigil_ctx *ctx;
	vigil_trust_payload p;
	CHECK(vigil_ctx_new(&ctx) == 0);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
		CHECK(vigil_trust_payload_parse(&p, ctx, BAD[i], strlen(BAD[i])) == VIGIL_EFORMAT);
	vigil_ctx_free(ctx);
}

TEST(test_trust__reference_parts)
{
	char reg[256], repo[512];
	int dig;
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig,
					  "alpine:3.20") == 0);
	CHECK_STR(reg, "docker.io");
	CHECK_STR(repo, "docker.io/library/alpine");
	CHECK(dig == 0);
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig,
					  "localhost:5000/team/app:v1@" D0) == 0);
	CHECK_STR(reg, "localhost:5000");
	CHECK_STR(repo, "localhost:5000/team/app");
	CHECK(dig == 1);
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig, "acme/app") ==
	      0);
	CHECK_STR(repo, "docker.io/acme/app");
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig,
					  "index.docker.io/library/busybox") == 0);
	CHECK_STR(repo, "docker.io/library/busybox");
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig, "Bad/Name") <
	      0);
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig,
					  "a@sha256:xyz") < 0);
	CHECK(vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig, "") < 0);
}

TEST(test_trust__base64)
{
	unsigned char *o;
	size_t n;
	CHECK(vigil_trust__b64decode(&o, &n, "aGVsbG8=", 8) == 0);
	CHECK(n == 5 && memcmp(o, "hello", 5) == 0);
	free(o);
	CHECK(vigil_trust__b64decode(&o, &n, "aGVsbG8", 7) == 0); /* padding optional */
	free(o);
	CHECK(vigil_trust__b64decode(&o, &n, "aGVsbG9=", 8) == VIGIL_EFORMAT); /* stray bits */
	CHECK(vigil_trust__b64decode(&o, &n, "aGV sbG8=", 9) == VIGIL_EFORMAT);
	CHECK(vigil_trust__b64decode(&o, &n, "a", 1) == VIGIL_EFORMAT);
}

/* ---- the verifier over a source in memory ---- */

typedef struct blobs {
	const char *image, *sigman, *payload, *referrers;
	char payload_digest[72];
} blobs;

static int give(unsigned char **out, size_t *n, const char *s)
{
	if (!s)
		return VIGIL_ENOTFOUND;
	*out = (unsigned char *)strdup(s);
	*n = strlen(s);
	return *out ? 0 : VIGIL_ENOMEM;
}

static int s_manifest(unsigned char **out, size_t *n, const char *ref, size_t max, void *pl)
{
	blobs *b = pl;
	(void)max;
	if (!ref)
		return give(out, n, b->image);
	if (strstr(ref, ".sig"))
		return give(out, n, b->referrers ? NULL : b->sigman);
	if (strncmp(ref, "sha256:", 7) == 0 && b->referrers)
		return give(out, n, b->sigman);
	return VIGIL_ENOTFOUND;
}

static int s_blob(unsigned char **out, size_t *n, const char *d, size_t max, void *pl)
{
	blobs *b = pl;
	(void)max;
	return strcmp(d, b->payload_digest) == 0 ? give(out, n, b->payload) : VIGIL_ENOTFOUND;
}

static int s_referrers(unsigned char **out, size_t *n, const char *d, size_t max, void *pl)
{
	blobs *b = pl;
	(void)d;
	(void)max;
	return give(out, n, b->referrers);
}

/* Signs `payload` with a new key of `type` ("EC", "ED25519", "RSA"); writes the
 * base64 signature and the public key PEM. */
static int sign(const char *type, const char *payload, char *b64, size_t bn, char *pem, size_t pn)
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t slen = sizeof(sig);
	BIO *bio = BIO_new(BIO_s_mem());
	int ok = 0;
	if (strcmp(type, "EC") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (strcmp(type, "RSA") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (k && md && bio &&
	    EVP_DigestSignInit(md, NULL, strcmp(type, "ED25519") ? EVP_sha256() : NULL, NULL, k) ==
		    1 &&
	    EVP_DigestSign(md, sig, &slen, (const unsigned char *)payload, strlen(payload)) == 1 &&
	    PEM_write_bio_PUBKEY(bio, k) == 1) {
		int n = BIO_read(bio, pem, (int)pn - 1);
		pem[n > 0 ? n : 0] = '\0';
		ok = EVP_EncodeBlock((unsigned char *)b64, sig, (int)slen) > 0 &&
		     bn > 4 * slen / 3 + 4;
	}
	BIO_free(bio);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return ok;
}

/* Runs one verification: the payload names `signed_digest` (NULL = the image's). */
static int run(const char *type, const char *signed_digest, int tamper, int referrers,
	       size_t *valid, char reason[256])
{
	static const char IMAGE[] = "{\"schemaVersion\":2,\"layers\":[]}";
	char img_digest[72], payload[512], b64[2048], pem[4096], sigman[4096], refidx[512];
	char sigman_digest[72];
	blobs b = {0};
	vigil_ctx *ctx = NULL;
	vigil_trust_key *key = NULL;
	vigil_trust_result *r = NULL;
	vigil_trust_source src = {s_manifest, s_blob, s_referrers, NULL, &b, "mem"};
	int error;

	vigil_sha256_buf(img_digest, IMAGE, strlen(IMAGE));
	snprintf(payload, sizeof(payload),
		 "{\"critical\":{\"identity\":{\"docker-reference\":\"r.io/a\"},\"image\":{"
		 "\"docker-manifest-digest\":\"%s\"},\"type\":\"cosign container image "
		 "signature\"},\"optional\":null}",
		 signed_digest ? signed_digest : img_digest);
	if (!sign(type, payload, b64, sizeof(b64), pem, sizeof(pem)))
		return -100;
	if (tamper)
		payload[strlen(payload) - 6] = 'X'; /* one byte changed after signing, re-hashed */
	vigil_sha256_buf(b.payload_digest, payload, strlen(payload));
	snprintf(sigman, sizeof(sigman),
		 "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"application/"
		 "vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"%s\",\"size\":%zu,"
		 "\"annotations\":{\"dev.cosignproject.cosign/signature\":\"%s\"}}]}",
		 b.payload_digest, strlen(payload), b64);
	vigil_sha256_buf(sigman_digest, sigman, strlen(sigman));
	snprintf(refidx, sizeof(refidx),
		 "{\"manifests\":[{\"digest\":\"%s\",\"artifactType\":\"application/"
		 "vnd.dev.cosign.artifact.sig.v1+json\"}]}",
		 sigman_digest);
	b.image = IMAGE;
	b.sigman = sigman;
	b.payload = payload;
	b.referrers = referrers ? refidx : NULL;
	if (!referrers)
		src.referrers = NULL;
	if ((error = vigil_ctx_new(&ctx)) < 0 ||
	    (error = vigil_trust_key_parse(&key, ctx, pem, strlen(pem))) < 0 ||
	    (error = vigil_trust_verify(&r, ctx, &src, NULL, key)) < 0)
		goto done;
	*valid = vigil_trust_result_valid(r);
	snprintf(reason, 256, "%s",
		 vigil_trust_result_count(r) ? vigil_trust_result_get(r, 0)->reason : "(none)");
done:
	vigil_trust_result_free(r);
	vigil_trust_key_free(key);
	vigil_ctx_free(ctx);
	return error;
}

TEST(test_trust__verify_each_key_type)
{
	static const char *const TYPES[] = {"EC", "ED25519", "RSA"};
	char why[256];
	size_t valid;
	for (size_t i = 0; i < 3; i++) {
		valid = 0;
		CHECK(run(TYPES[i], NULL, 0, 0, &valid, why) == 0);
		CHECK(valid == 1);
		CHECK_STR(why, "valid");
	}
}

TEST(test_trust__verify_refuses_other_digest)
{
	char why[256];
	size_t valid = 9;
	CHECK(run("EC", D0, 0, 0, &valid, why) == 0);
	CHECK(valid == 0);
	CHECK(strncmp(why, "signs " D0 ", not this image's", 6 + 71 + 18) == 0);
}

TEST(test_trust__verify_refuses_tampered_payload)
{
	char why[256];
	size_t valid = 9;
	CHECK(run("ED25519", NULL, 1, 0, &valid, why) == 0);
	CHECK(valid == 0);
	CHECK_STR(why, "signature does not verify with the key");
}

TEST(test_trust__verify_through_referrers_api)
{
	char why[256];
	size_t valid = 0;
	CHECK(run("EC", NULL, 0, 1, &valid, why) == 0);
	CHECK(valid == 1);
}

TEST(test_trust__key_types)
{
	static const char *const BAD[] = {
		"", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"};
	vigil_ctx *ctx;
	vigil_trust_key *k = NULL;
	CHECK(vigil_ctx_new(&ctx) == 0);
	for (size_t i = 0; i < 2; i++)
		CHECK(vigil_trust_key_parse(&k, ctx, BAD[i], strlen(BAD[i])) == VIGIL_EFORMAT);
	EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	BIO *bio = BIO_new(BIO_s_mem());
	char pem[2048];
	int n;
	CHECK(p384 && bio && PEM_write_bio_PUBKEY(bio, p384) == 1);
	n = BIO_read(bio, pem, sizeof(pem) - 1);
	pem[n > 0 ? n : 0] = '\0';
	BIO_free(bio);
	EVP_PKEY_free(p384);
	CHECK(vigil_trust_key_parse(&k, ctx, pem, strlen(pem)) == VIGIL_EFORMAT);
	CHECK(strstr(vigil_ctx_error(ctx), "P-256 only") != NULL);
	vigil_ctx_free(ctx);
}
