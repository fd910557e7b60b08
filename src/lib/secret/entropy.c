/* entropy.c - what a secret value looks like: entropy, placeholders, redaction, JWT claims. */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "secret/secret_int.h"

/* log2 of x > 0 without libm: x = m * 2^e with m in [1, 2), ln m by the atanh series
 * (|z| <= 1/3, so 14 terms are exact to double precision). */
static double log2_pos(double x)
{
	int e = 0;
	double z, z2, term, sum = 0;
	while (x >= 2) {
		x /= 2;
		e++;
	}
	while (x < 1) {
		x *= 2;
		e--;
	}
	z = (x - 1) / (x + 1);
	z2 = z * z;
	term = z;
	for (int k = 1; k < 30; k += 2) {
		sum += term / k;
		term *= z2;
	}
	return e + 2 * sum / 0.69314718055994530942;
}

/* Shannon entropy of the bytes, in bits per byte (0 for an empty value). */
double vigil_secret__entropy(const uint8_t *p, size_t n)
{
	size_t count[256] = {0};
	double h = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		count[p[i]]++;
	for (size_t i = 0; i < 256; i++) {
		if (count[i]) {
			double f = (double)count[i] / (double)n;
			h -= f * log2_pos(f);
		}
	}
	return h;
}

/* Shows two characters at each end of a long secret, one of a medium one, none of a
 * short one; the stars stand for the rest (at most 16, so long keys stay readable). */
void vigil_secret__redact(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t show = n >= 16 ? 2 : n >= 8 ? 1 : 0;
	size_t stars = n - 2 * show, o = 0;
	if (cap == 0)
		return;
	if (stars > 16)
		stars = 16;
	if (stars < 4)
		stars = 4;
	for (size_t i = 0; i < show && o + 1 < cap; i++)
		out[o++] = isprint(p[i]) ? (char)p[i] : '?';
	for (size_t i = 0; i < stars && o + 1 < cap; i++)
		out[o++] = '*';
	for (size_t i = n - show; i < n && o + 1 < cap; i++)
		out[o++] = isprint(p[i]) ? (char)p[i] : '?';
	out[o] = '\0';
}

/* First 16 hex digits of the secret's sha256. */
void vigil_secret__hash16(char out[17], const uint8_t *p, size_t n)
{
	char d[72];
	if (vigil_sha256_buf(d, p, n) < 0) {
		memcpy(out, "0000000000000000", 17);
		return;
	}
	memcpy(out, d + 7, 16);
	out[16] = '\0';
}

/* True when `needle` (lower-case) occurs in p[0, n), ignoring ASCII case. */
static int contains_ci(const uint8_t *p, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && tolower(p[i + j]) == needle[j])
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

/* Documentation keys and placeholders that are never secrets. The words are long
 * enough that a random token of a provider's alphabet does not contain them by chance. */
static const char *const PLACEHOLDER_WORDS[] = {
	"example",   "xxxxxx",	 "******",  "......",	  "placeholder", "changeme",
	"change_me", "changeit", "your_",   "your-",	  "yourkey",	 "redacted",
	"dummy",     "insert",	 "replace", "sample",	  "000000",	 "123456",
	"abcdef",    "fakekey",	 "fake_",   "notasecret", NULL,
};

/* See secret_int.h: documentation values, templates, one repeated character. */
int vigil_secret__placeholder(const uint8_t *p, size_t n)
{
	size_t same = 0;
	if (n == 0)
		return 1;
	for (size_t i = 0; PLACEHOLDER_WORDS[i]; i++)
		if (contains_ci(p, n, PLACEHOLDER_WORDS[i]))
			return 1;
	/* templates: ${VAR}, $VAR, {{ .x }}, <your key>, %(name)s, @VAR@ */
	if (p[0] == '$' || p[0] == '<' || p[0] == '%' || p[0] == '@')
		return 1;
	for (size_t i = 0; i + 1 < n; i++) {
		if ((p[i] == '$' && p[i + 1] == '{') || (p[i] == '{' && p[i + 1] == '{') ||
		    (p[i] == '$' && p[i + 1] == '('))
			return 1;
	}
	/* {name} and (name) templates, but not Maven's encrypted passwords ({base64}: 20
	 * characters or more of the base64 alphabet, with digits and both cases) */
	if (n >= 2 && ((p[0] == '{' && p[n - 1] == '}') || (p[0] == '(' && p[n - 1] == ')'))) {
		int b64 = p[0] == '{' && n >= 22, dig = 0, up = 0, low = 0;
		for (size_t i = 1; b64 && i + 1 < n; i++) {
			dig |= p[i] >= '0' && p[i] <= '9';
			up |= p[i] >= 'A' && p[i] <= 'Z';
			low |= p[i] >= 'a' && p[i] <= 'z';
			b64 = isalnum(p[i]) || p[i] == '+' || p[i] == '/' || p[i] == '=';
		}
		if (!(b64 && dig && up && low))
			return 1;
	}
	for (size_t i = 1; i < n; i++)
		same += p[i] == p[0];
	return same + 1 == n;
}

/* Decodes base64url (no padding needed) into out; returns its length or -1. */
static long b64url(uint8_t *out, size_t cap, const uint8_t *p, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int v;
		uint8_t c = p[i];
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-' || c == '+')
			v = 62;
		else if (c == '_' || c == '/')
			v = 63;
		else if (c == '=')
			break;
		else
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)o;
}

/* The JSON object of one base64url JWT segment, or NULL. */
static json_t *b64json(const uint8_t *p, size_t n)
{
	uint8_t buf[1600];
	long len = b64url(buf, sizeof(buf), p, n);
	if (len <= 0)
		return NULL;
	return json_loadb((const char *)buf, (size_t)len, 0, NULL);
}

/* A JWT counts when its header names an algorithm other than "none" and its payload
 * is an object with at least one registered claim (iss, sub, aud, exp, nbf, iat, jti). */
int vigil_secret__jwt_real(const uint8_t *p, size_t n)
{
	static const char *const CLAIMS[] = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"};
	const uint8_t *dot1 = memchr(p, '.', n), *dot2;
	json_t *h = NULL, *pl = NULL;
	int ok = 0;
	if (!dot1)
		return 0;
	dot2 = memchr(dot1 + 1, '.', n - (size_t)(dot1 + 1 - p));
	if (!dot2)
		return 0;
	/* a made-up signature ("xxxx", one character repeated) is not a token's */
	if (n - (size_t)(dot2 + 1 - p) >= 16 &&
	    vigil_secret__entropy(dot2 + 1, n - (size_t)(dot2 + 1 - p)) < 2.0)
		return 0;
	h = b64json(p, (size_t)(dot1 - p));
	pl = b64json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (json_is_object(h) && json_is_object(pl)) {
		const char *alg = json_string_value(json_object_get(h, "alg"));
		if (alg && strcmp(alg, "none") != 0 && strcmp(alg, "") != 0)
			for (size_t i = 0; i < VIGIL_ARRAY_LEN(CLAIMS) && !ok; i++)
				ok = json_object_get(pl, CLAIMS[i]) != NULL;
	}
	json_decref(h);
	json_decref(pl);
	return ok;
}

/* ---- structure and checksums of provider tokens ---- */

/* CRC-32 (IEEE 802.3, reflected, as zlib computes it) of p[0, n). */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* See secret_int.h. GitHub's classic tokens and npm's tokens end with the CRC-32 of
 * the 30 random characters, in base62 (0-9A-Za-z), six digits with leading zeros. */
int vigil_secret__base62_crc_ok(const uint8_t *p, size_t n)
{
	static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const uint8_t *us = NULL, *body;
	char want[6];
	uint32_t crc;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '_')
			us = p + i;
	if (!us || (size_t)(p + n - (us + 1)) != 36)
		return 0;
	body = us + 1;
	crc = crc32_ieee(body, 30);
	for (int i = 5; i >= 0; i--) {
		want[i] = B62[crc % 62];
		crc /= 62;
	}
	return memcmp(want, body + 30, 6) == 0;
}

/* See secret_int.h. A PyPI token is "pypi-" and a version 2 macaroon in unpadded
 * base64url: 0x02, the location field (tag 1) "pypi.org", the identifier field (tag 2,
 * 1 to 127 bytes), an end-of-section byte, caveats, and last the signature field
 * (tag 6, 32 bytes). */
int vigil_secret__pypi_real(const uint8_t *p, size_t n)
{
	static const uint8_t HEAD[] = {0x02, 0x01, 0x08, 'p', 'y', 'p', 'i', '.', 'o', 'r', 'g'};
	uint8_t buf[800];
	long len;
	size_t idl;
	if (n < 5 || memcmp(p, "pypi-", 5) != 0)
		return 0;
	len = b64url(buf, sizeof(buf), p + 5, n - 5);
	if (len < (long)sizeof(HEAD) + 3 + 34 || memcmp(buf, HEAD, sizeof(HEAD)) != 0)
		return 0;
	if (buf[sizeof(HEAD)] != 0x02 || (idl = buf[sizeof(HEAD) + 1]) == 0 || idl > 127)
		return 0;
	if (sizeof(HEAD) + 2 + idl + 1 + 34 > (size_t)len || buf[sizeof(HEAD) + 2 + idl] != 0x00)
		return 0;
	return buf[len - 34] == 0x06 && buf[len - 33] == 0x20;
}

/* See secret_int.h. A Sentry organization token is "sntrys_", base64 of a JSON object
 * with "iat" and the organization ("org") or its URL ("url"), "_", and the secret. */
int vigil_secret__sentry_real(const uint8_t *p, size_t n)
{
	uint8_t buf[600];
	const uint8_t *us = NULL;
	json_t *o;
	long len;
	int ok;
	if (n < 7 || memcmp(p, "sntrys_", 7) != 0)
		return 0;
	for (size_t i = 7; i < n; i++)
		if (p[i] == '_')
			us = p + i;
	if (!us || (size_t)(p + n - us - 1) < 20 ||
	    vigil_secret__placeholder(us + 1, (size_t)(p + n - us - 1)))
		return 0;
	len = b64url(buf, sizeof(buf), p + 7, (size_t)(us - p - 7));
	if (len <= 0)
		return 0;
	o = json_loadb((const char *)buf, (size_t)len, 0, NULL);
	ok = json_is_object(o) && json_object_get(o, "iat") &&
	     (json_object_get(o, "org") || json_object_get(o, "url"));
	json_decref(o);
	return ok;
}

/* See secret_int.h. */
long vigil_secret__b64decode(uint8_t *out, size_t cap, const uint8_t *p, size_t n)
{
	return b64url(out, cap, p, n);
}

/* See secret_int.h. */
int vigil_secret__jwt_b64_real(const uint8_t *p, size_t n)
{
	uint8_t buf[1800];
	long len = b64url(buf, sizeof(buf), p, n);
	if (len < 20)
		return 0;
	for (long i = 0; i < len; i++)
		if (!isalnum(buf[i]) && buf[i] != '-' && buf[i] != '_' && buf[i] != '.' &&
		    !(buf[i] == '\n' && i == len - 1))
			return 0;
	if (buf[len - 1] == '\n')
		len--;
	return vigil_secret__jwt_real(buf, (size_t)len);
}

/* See secret_int.h. */
int vigil_secret__jwt_b64_hash16(char out[17], const uint8_t *p, size_t n)
{
	uint8_t buf[1800];
	long len = b64url(buf, sizeof(buf), p, n);
	if (len < 1)
		return 0;
	if (buf[len - 1] == '\n')
		len--;
	vigil_secret__hash16(out, buf, (size_t)len);
	return 1;
}
