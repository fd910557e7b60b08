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
#include <sys/stat.h>
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
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "bundle %s: %s", path,
				       strerror(errno));
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
	FILE *f = vigil_fopen_regular(key_path);
	int error;
	if (!f)
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "db export --sign: cannot read %s: %s",
				       key_path, vigil_open_strerror(errno));
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k || !key_ok(k)) {
		error = vigil_error_set(
			ctx, VIGIL_EINVAL,
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
		error = vigil_error_set(ctx, VIGIL_EIO, "db export --sign: cannot write %s",
					sig_path);
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
	FILE *f = vigil_fopen_regular(pub_path);
	int error = 0;
	if (!f)
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "bundle key %s: %s", pub_path,
				       vigil_open_strerror(errno));
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k || !key_ok(k)) {
		error = vigil_error_set(ctx, VIGIL_EINVAL,
					"bundle key %s is not an Ed25519 or ECDSA public key (PEM)",
					pub_path);
		goto done;
	}
	if (!(f = vigil_fopen_regular(sig_path))) {
		error = vigil_error_set(ctx, VIGIL_ENOTFOUND, "bundle signature %s: %s", sig_path,
					vigil_open_strerror(errno));
		goto done;
	}
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	/* base64 of at most SIG_MAX bytes, nothing else */
	int sl = n > 0 && n % 4 == 0 && n <= (SIG_MAX / 3) * 4 &&
				 strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					      "0123456789+/=") == n
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
		return vigil_error_set(
			ctx, VIGIL_EINVAL,
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

/* ---- the bundle as an OCI artifact ---- */

#include <jansson.h>

#include "../registry/registry.h"

#define BUNDLE_MEDIA "application/vnd.vigil.db.bundle.v1"
#define SIG_MEDIA "application/vnd.vigil.db.bundle.sig.v1"

/* The digest and size of the manifest layer of `media`, or -1. */
static int find_layer(json_t *man, const char *media, const char **digest, uint64_t *size)
{
	json_t *layers = json_object_get(man, "layers");
	for (size_t i = 0; i < json_array_size(layers); i++) {
		json_t *l = json_array_get(layers, i);
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		json_t *sz = json_object_get(l, "size");
		if (mt && strcmp(mt, media) == 0 && json_is_integer(sz) &&
		    json_integer_value(sz) >= 0) {
			*digest = json_string_value(json_object_get(l, "digest"));
			*size = (uint64_t)json_integer_value(sz);
			return *digest ? 0 : -1;
		}
	}
	return -1;
}

int vigil_db_update_bundle_ref(vigil_ctx *ctx, const char *db_path, const char *reference,
			       const char *pub_path, const vigil_db_update_opts *opts,
			       const vigil_registry_opts *reg_opts)
{
	char cache[4096], bundle[4200], sig[4300], mt[128], dg[72];
	vigil_ref *ref = NULL;
	vigil_reg *reg = NULL;
	vigil_reg_stream *st = NULL;
	vigil_buf man = VIGIL_BUF_INIT, sigbuf = VIGIL_BUF_INIT;
	json_t *doc = NULL;
	const char *why = NULL, *bdig = NULL, *sdig = NULL;
	uint64_t bsize = 0, ssize = 0;
	FILE *f = NULL;
	int error;
	if (!pub_path)
		return vigil_error_set(
			ctx, VIGIL_EINVAL,
			"db update --bundle-ref needs --bundle-key (the pinned public "
			"key)");
	if ((error = vigil_ref_parse(&ref, reference, &why)) < 0) {
		error = vigil_error_set(ctx, error, "db update --bundle-ref %s: %s", reference,
					why ? why : "not a reference");
		goto done;
	}
	snprintf(cache, sizeof(cache), "%s", opts && opts->cache_dir ? opts->cache_dir : "");
	if (!cache[0])
		snprintf(cache, sizeof(cache), "%s.cache", db_path);
	mkdir(cache, 0755);
	snprintf(bundle, sizeof(bundle), "%s/bundle-oci.vigildb", cache);
	snprintf(sig, sizeof(sig), "%s.sig", bundle);
	if ((error = vigil_reg__new(&reg, ctx, ref, reg_opts)) < 0 ||
	    (error = vigil_reg__get_manifest(reg, ref->digest ? ref->digest : ref->tag, 4u << 20,
					     &man, mt, dg)) < 0)
		goto done;
	json_error_t jerr;
	doc = json_loadb((const char *)man.data, man.len, 0, &jerr);
	if (!doc || find_layer(doc, BUNDLE_MEDIA, &bdig, &bsize) < 0 ||
	    find_layer(doc, SIG_MEDIA, &sdig, &ssize) < 0) {
		error = vigil_error_set(
			ctx, VIGIL_EFORMAT,
			"%s: not a Vigil database artifact (a manifest with a %s and "
			"a %s layer)",
			reference, BUNDLE_MEDIA, SIG_MEDIA);
		goto done;
	}
	if ((error = vigil_reg__get_blob(reg, sdig, 4096, &sigbuf)) < 0)
		goto done;
	if (!(f = fopen(sig, "w")) || fwrite(sigbuf.data, 1, sigbuf.len, f) != sigbuf.len ||
	    fclose(f) != 0) {
		f = NULL;
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot write %s", sig);
		goto done;
	}
	f = NULL;
	/* the bundle streamed to disk, its digest checked by the stream */
	if ((error = vigil_reg__stream_open(&st, reg, bdig, bsize, 16ULL << 30)) < 0)
		goto done;
	if (!(f = fopen(bundle, "w"))) {
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot write %s", bundle);
		goto done;
	}
	for (;;) {
		const uint8_t *p;
		size_t n;
		const char *msg = NULL;
		if ((error = vigil_reg__stream_read(st, &p, &n, &msg)) < 0) {
			error = vigil_error_set(ctx, error, "%s: %s", reference,
						msg ? msg : "download failed");
			goto done;
		}
		if (n == 0)
			break;
		if (fwrite(p, 1, n, f) != n) {
			error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot write %s",
						bundle);
			goto done;
		}
	}
	if (fclose(f) != 0) {
		f = NULL;
		error = vigil_error_set(ctx, VIGIL_EIO, "db update: cannot write %s", bundle);
		goto done;
	}
	f = NULL;
	if ((error = vigil_db_bundle_verify(ctx, bundle, sig, pub_path)) < 0)
		goto done;
	error = vigil_db_import(ctx, bundle, db_path);
done:
	if (f)
		fclose(f);
	vigil_reg__stream_free(st);
	json_decref(doc);
	vigil_buf_free(&man);
	vigil_buf_free(&sigbuf);
	vigil_reg__free(reg);
	vigil_ref_free(ref);
	return error;
}
