/*
 * key.c - cosign public keys through OpenSSL: ECDSA P-256, Ed25519 and RSA, and the
 * check of a signature over a payload the way cosign makes it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "trust/trust.h"

#define MAX_PEM (64 * 1024)

struct vigil_trust_key {
	EVP_PKEY *pkey;
	int ed25519;
	char type[32];
	char id[72];
};

int vigil_trust_key_parse(vigil_trust_key **out, vigil_ctx *ctx, const char *pem, size_t len)
{
	vigil_trust_key *k = NULL;
	BIO *bio = NULL;
	unsigned char *der = NULL;
	int error = 0, dlen;

	*out = NULL;
	if (len > MAX_PEM)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "public key: larger than %d bytes",
				       MAX_PEM);
	if (!(k = calloc(1, sizeof(*k))) || !(bio = BIO_new_mem_buf(pem, (int)len))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (!(k->pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL))) {
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"public key: not a PEM 'PUBLIC KEY' (SubjectPublicKeyInfo)");
		goto done;
	}
	switch (EVP_PKEY_get_base_id(k->pkey)) {
	case EVP_PKEY_EC: {
		char group[64] = "";
		size_t glen = 0;
		if (!EVP_PKEY_get_utf8_string_param(k->pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
						    sizeof(group), &glen) ||
		    strcmp(group, "prime256v1") != 0) {
			error = vigil_error_set(
				ctx, VIGIL_EFORMAT,
				"public key: ECDSA curve %s is not supported (P-256 "
				"only)",
				group[0] ? group : "(unknown)");
			goto done;
		}
		snprintf(k->type, sizeof(k->type), "ecdsa-p256");
		break;
	}
	case EVP_PKEY_ED25519:
		k->ed25519 = 1;
		snprintf(k->type, sizeof(k->type), "ed25519");
		break;
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(k->pkey) < 2048) {
			error = vigil_error_set(
				ctx, VIGIL_EFORMAT,
				"public key: RSA key of %d bits (2048 or more needed)",
				EVP_PKEY_get_bits(k->pkey));
			goto done;
		}
		snprintf(k->type, sizeof(k->type), "rsa-%d", EVP_PKEY_get_bits(k->pkey));
		break;
	default:
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"public key: type not supported (ECDSA P-256, Ed25519, RSA)");
		goto done;
	}
	if ((dlen = i2d_PUBKEY(k->pkey, &der)) <= 0 ||
	    vigil_sha256_buf(k->id, der, (size_t)dlen) < 0) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	*out = k;
	k = NULL;
done:
	ERR_clear_error();
	OPENSSL_free(der);
	BIO_free(bio);
	vigil_trust_key_free(k);
	return error;
}

int vigil_trust_key_load(vigil_trust_key **out, vigil_ctx *ctx, const char *path)
{
	char buf[MAX_PEM + 1];
	size_t n;
	int error;
	FILE *f = fopen(path, "rb");

	*out = NULL;
	if (!f)
		return vigil_error_set(ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO, "%s: %s",
				       path, strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		fclose(f);
		return vigil_error_set(ctx, VIGIL_EIO, "%s: read failed", path);
	}
	fclose(f);
	if (n > MAX_PEM)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "%s: larger than %d bytes: not a key",
				       path, MAX_PEM);
	if ((error = vigil_trust_key_parse(out, ctx, buf, n)) < 0 && error != VIGIL_ENOMEM) {
		char why[512];
		snprintf(why, sizeof(why), "%s", vigil_ctx_error(ctx));
		vigil_error_set(ctx, error, "%s: %s", path, why);
	}
	return error;
}

const char *vigil_trust_key_type(const vigil_trust_key *k)
{
	return k ? k->type : NULL;
}

const char *vigil_trust_key_id(const vigil_trust_key *k)
{
	return k ? k->id : NULL;
}

int vigil_trust_key_verify(const vigil_trust_key *k, const void *data, size_t len,
			   const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = 0;
	if (!md)
		return VIGIL_ENOMEM;
	if (EVP_DigestVerifyInit(md, NULL, k->ed25519 ? NULL : EVP_sha256(), NULL, k->pkey) == 1)
		ok = EVP_DigestVerify(md, sig, sig_len, data, len) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok ? 0 : VIGIL_EFORMAT;
}

void vigil_trust_key_free(vigil_trust_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}
