/*
 * Signed database bundles. `vigil db export --sign KEY` writes FILE.sig next to the
 * bundle: one line, the base64 of a signature over the SHA-256 digest of the whole
 * bundle file, made with an Ed25519 key (signing the 32 digest bytes) or an ECDSA key
 * (ECDSA with SHA-256 over the 32 digest bytes). `vigil db update --bundle-url URL
 * --bundle-key PUB` downloads URL and URL.sig, verifies them against the pinned public
 * key and only then imports the bundle (vigil_db_import: its own size and checksum
 * checks follow); a bad signature leaves the database untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "vulndb.h"

#define SIG_MAX 512 /* base64 text of a signature: Ed25519 64 bytes, ECDSA P-521 ~139 */

/* SHA-256 of a file, streamed. */
static int file_digest(vigil_ctx *ctx, const char *path, unsigned char md[32])
{
	unsigned char buf[1 << 16];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;
	ssize_t n;
	if (fd < 0) {
		EVP_MD_CTX_free(c);
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "bundle %s: %s", path, strerror(errno));
	}
	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (EVP_DigestUpdate(c, buf, (size_t)n) != 1) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	if (n < 0 || EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
		error = vigil_error_set(ctx, VIGIL_EIO, "bundle %s: cannot read", path);
done:
	close(fd);
	EVP_MD_CTX_free(c);
	return error;
}

/* Ed25519 signs the message itself (no digest); ECDSA hashes it with SHA-256. */
static const EVP_MD *md_for(EVP_PKEY *k)
{
	return EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
}

static int key_ok(EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);
	return id == EVP_PKEY_ED25519 || id == EVP_PKEY_EC;
}

int vigil_db_bundle_sign(vigil_ctx *ctx, const char *bundle_path, const char *key_path)
{
	unsigned char md[32], sig[256];
	char sig_path[4200], tmp[4300], text[SIG_MAX + 2];
	size_t siglen = sizeof(sig);
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *c = NULL;
	FILE *f = fopen(key_path, "r");
	int error;
	if (!f)
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "db export --sign: cannot read %s: %s",
				       key_path, strerror(errno));
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k || !key_ok(k)) {
		error = vigil_error_set(ctx, VIGIL_EINVAL,
					"db export --sign: %s is not an Ed25519 or ECDSA private key "
					"(PEM)",
					key_path);
		goto done;
	}
	if ((error = file_digest(ctx, bundle_path, md)) < 0)
		goto done;
	if (!(c = EVP_MD_CTX_new()) || EVP_DigestSignInit(c, NULL, md_for(k), NULL, k) != 1 ||
	    EVP_DigestSign(c, sig, &siglen, md, sizeof(md)) != 1) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db export --sign: signing failed");
		goto done;
	}
	int tl = EVP_EncodeBlock((unsigned char *)text, sig, (int)siglen);
	snprintf(sig_path, sizeof(sig_path), "%s.sig", bundle_path);
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", sig_path, (long)getpid());
	FILE *out = fopen(tmp, "w");
	if (!out || fprintf(out, "%.*s\n", tl, text) < 0 || fclose(out) != 0 ||
	    rename(tmp, sig_path) < 0) {
		unlink(tmp);
		error = vigil_error_set(ctx, VIGIL_EIO, "db export --sign: cannot write %s", sig_path);
	}
done:
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(k);
	return error;
}

int vigil_db_bundle_verify(vigil_ctx *ctx, const char *bundle_path, const char *sig_path,
			   const char *pub_path)
{
	unsigned char md[32], sig[SIG_MAX];
	char text[SIG_MAX + 2];
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *c = NULL;
	FILE *f = fopen(pub_path, "r");
	int error = 0;
	if (!f)
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "bundle key %s: %s", pub_path,
				       strerror(errno));
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k || !key_ok(k)) {
		error = vigil_error_set(ctx, VIGIL_EINVAL,
					"bundle key %s is not an Ed25519 or ECDSA public key (PEM)",
					pub_path);
		goto done;
	}
	if (!(f = fopen(sig_path, "r"))) {
		error = vigil_error_set(ctx, VIGIL_ENOTFOUND, "bundle signature %s: %s", sig_path,
					strerror(errno));
		goto done;
	}
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	/* base64 of at most SIG_MAX bytes, nothing else */
	int sl = n > 0 && n % 4 == 0 && n <= (SIG_MAX / 3) * 4 && strspn(text,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == n
			 ? EVP_DecodeBlock(sig, (unsigned char *)text, (int)n)
			 : -1;
	if (sl < 0) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT, "bundle signature %s is malformed",
					sig_path);
		goto done;
	}
	for (size_t i = n; i > 0 && text[i - 1] == '='; i--)
		sl--; /* EVP_DecodeBlock counts the padding */
	if ((error = file_digest(ctx, bundle_path, md)) < 0)
		goto done;
	if (!(c = EVP_MD_CTX_new()) || EVP_DigestVerifyInit(c, NULL, md_for(k), NULL, k) != 1 ||
	    EVP_DigestVerify(c, sig, (size_t)sl, md, sizeof(md)) != 1)
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"bundle %s: the signature does not verify with %s; refused "
					"(the database is unchanged)",
					bundle_path, pub_path);
done:
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(k);
	return error;
}

int vigil_db_update_bundle(vigil_ctx *ctx, const char *db_path, const char *url,
			   const char *pub_path, const vigil_db_update_opts *opts)
{
	char cache[4096], bundle[4200], sig[4300], sig_url[4200];
	int error;
	if (!url || !pub_path)
		return vigil_error_set(ctx, VIGIL_EINVAL,
				       "db update --bundle-url needs --bundle-key (the pinned public "
				       "key)");
	if (opts && opts->cache_dir)
		snprintf(cache, sizeof(cache), "%s", opts->cache_dir);
	else
		snprintf(cache, sizeof(cache), "%s.cache", db_path);
	snprintf(bundle, sizeof(bundle), "%s/bundle.vigildb", cache);
	snprintf(sig, sizeof(sig), "%s.sig", bundle);
	if (snprintf(sig_url, sizeof(sig_url), "%s.sig", url) >= (int)sizeof(sig_url))
		return vigil_error_set(ctx, VIGIL_EINVAL, "db update: --bundle-url is too long");
	vigil_db_update_opts o = VIGIL_DB_UPDATE_OPTS_INIT;
	if (opts)
		o = *opts;
	if ((error = vigil_vdb__download(ctx, "bundle", url, bundle, &o)) < 0 ||
	    (error = vigil_vdb__download(ctx, "bundle signature", sig_url, sig, &o)) < 0 ||
	    (error = vigil_db_bundle_verify(ctx, bundle, sig, pub_path)) < 0)
		return error;
	return vigil_db_import(ctx, bundle, db_path);
}
