/* bolt.c - a read-only reader of bbolt files (the key/value store of containerd's
 * metadata, io.containerd.metadata.v1.bolt/meta.db): follows a path of nested buckets
 * and returns one value. The file is only read (pread; no lock is taken, so a concurrent
 * writer is never blocked): a torn read is possible while containerd writes, and is
 * handled like any malformed file, by an error.
 *
 * Format (bbolt's): pages of `page_size` bytes; page 0 and 1 hold the two meta pages
 * (magic 0xED0CDAED, version 2, FNV-1a checksum), the valid one with the higher
 * transaction id names the root bucket's page. A page has a 16-byte header (id, flags,
 * count, overflow) and `count` 16-byte elements: branch elements (pos, ksize, child page)
 * or leaf elements (flags, pos, ksize, vsize), the key and value bytes `pos` bytes after
 * the element. A leaf value flagged 1 is a nested bucket: its root page, or 0 and an
 * inline page right after the 16-byte bucket header.
 *
 * Bounds: every offset is checked against the page and the file, at most 32 levels of
 * pages and 16 buckets deep, 16 MiB per page, 4,096 page reads and 64 MiB per lookup. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/rt.h"

#define PAGE_HDR 16
#define ELEM 16
#define F_BRANCH 0x01
#define F_LEAF 0x02
#define BUCKET_LEAF 0x01
#define MAX_PAGE (16u << 20)
#define MAX_DEPTH 32
#define MAX_READS 4096
#define MAX_BYTES (64u << 20) /* bytes read per lookup */

typedef struct bolt {
	const unsigned char *buf; /* whole file in memory (fuzzing), or NULL */
	int fd;
	uint64_t size;
	uint32_t psize;
	uint64_t high; /* pages in use (meta's pgid) */
	int reads;
	uint64_t bytes; /* read so far (MAX_BYTES) */
} bolt;

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* len bytes at off into dst; 0 or -1 */
static int rd(bolt *b, uint64_t off, void *dst, size_t len)
{
	if (off > b->size || len > b->size - off)
		return -1;
	if (b->buf) {
		memcpy(dst, b->buf + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(b->fd, dst, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		dst = (char *)dst + n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* page pgid with its overflow pages (malloc'd, *len bytes) or NULL */
static unsigned char *page(bolt *b, uint64_t pgid, size_t *len)
{
	unsigned char hdr[PAGE_HDR], *p;
	uint64_t n;

	if (++b->reads > MAX_READS || pgid < 2 || pgid >= b->high || pgid > UINT64_MAX / b->psize ||
	    rd(b, pgid * b->psize, hdr, sizeof(hdr)) < 0 || le64(hdr) != pgid)
		return NULL;
	n = ((uint64_t)le32(hdr + 12) + 1) * b->psize;
	if (n > MAX_PAGE || n > MAX_BYTES - b->bytes || !(p = malloc((size_t)n)))
		return NULL;
	b->bytes += n;
	if (rd(b, pgid * b->psize, p, (size_t)n) < 0) {
		free(p);
		return NULL;
	}
	*len = (size_t)n;
	return p;
}

static int cmp(const unsigned char *a, size_t al, const char *k, size_t kl)
{
	int c = memcmp(a, k, al < kl ? al : kl);
	return c ? c : al < kl ? -1 : al > kl;
}

/* looks for key in the tree whose page is pg (len bytes; owned, freed here) or, when pg is
 * NULL, rooted at pgid; 0 with *flags and a malloc'd copy of the value, 1 when absent,
 * -1 on a malformed file */
static int find(bolt *b, uint64_t pgid, unsigned char *pg, size_t len, const char *key, size_t klen,
		uint32_t *flags, unsigned char **val, size_t *vlen, int depth)
{
	uint16_t pf, count;
	int rc = 1;

	if (depth > MAX_DEPTH || (!pg && !(pg = page(b, pgid, &len))))
		goto bad;
	if (len < PAGE_HDR)
		goto bad;
	pf = le16(pg + 8);
	count = le16(pg + 10);
	if ((size_t)count * ELEM > len - PAGE_HDR)
		goto bad;
	if (pf & F_BRANCH) {
		uint64_t child = 0;
		int have = 0;
		for (uint16_t i = 0; i < count; i++) {
			const unsigned char *e = pg + PAGE_HDR + (size_t)i * ELEM;
			size_t off = PAGE_HDR + (size_t)i * ELEM + le32(e), kl = le32(e + 4);
			if (off > len || kl > len - off)
				goto bad;
			if (i == 0 || cmp(pg + off, kl, key, klen) <= 0) {
				child = le64(e + 8);
				have = 1;
			} else {
				break;
			}
		}
		free(pg);
		return have ? find(b, child, NULL, 0, key, klen, flags, val, vlen, depth + 1) : 1;
	}
	if (!(pf & F_LEAF))
		goto bad;
	for (uint16_t i = 0; i < count; i++) {
		const unsigned char *e = pg + PAGE_HDR + (size_t)i * ELEM;
		size_t off = PAGE_HDR + (size_t)i * ELEM + le32(e + 4), kl = le32(e + 8),
		       vl = le32(e + 12);
		if (off > len || kl > len - off || vl > len - off - kl)
			goto bad;
		if (cmp(pg + off, kl, key, klen) == 0) {
			if (!(*val = malloc(vl + 1)))
				goto bad;
			memcpy(*val, pg + off + kl, vl);
			(*val)[vl] = 0;
			*vlen = vl;
			*flags = le32(e);
			rc = 0;
			break;
		}
	}
	free(pg);
	return rc;
bad:
	free(pg);
	return -1;
}

static int meta(bolt *b, uint64_t off, uint32_t *psize, uint64_t *root, uint64_t *high,
		uint64_t *txid)
{
	unsigned char m[64];
	uint64_t h = 0xcbf29ce484222325ULL;

	if (rd(b, off + PAGE_HDR, m, sizeof(m)) < 0 || le32(m) != 0xED0CDAEDu || le32(m + 4) != 2)
		return -1;
	for (int i = 0; i < 56; i++)
		h = (h ^ m[i]) * 0x100000001b3ULL;
	if (h != le64(m + 56))
		return -1;
	*psize = le32(m + 8);
	*root = le64(m + 16);
	*high = le64(m + 40);
	*txid = le64(m + 48);
	return *psize >= 512 && *psize <= 65536 && !(*psize & (*psize - 1)) ? 0 : -1;
}

static int lookup(bolt *b, const char *const *path, size_t depth, const char *key, char *out,
		  size_t outlen)
{
	uint32_t ps0 = 0, ps1 = 0, fl = 0;
	uint64_t r0 = 0, r1 = 0, h0 = 0, h1 = 0, t0 = 0, t1 = 0, root;
	int ok0, ok1, rc;
	unsigned char *pg = NULL, *val = NULL;
	size_t len = 0, vlen = 0;

	ok0 = meta(b, 0, &ps0, &r0, &h0, &t0) == 0;
	ok1 = meta(b, ok0 ? ps0 : 4096, &ps1, &r1, &h1, &t1) == 0;
	if (!ok0 && !ok1)
		return -1;
	if (ok1 && (!ok0 || t1 > t0)) {
		b->psize = ps1;
		root = r1;
		b->high = h1;
	} else {
		b->psize = ps0;
		root = r0;
		b->high = h0;
	}
	if (depth > 16)
		return -1;
	for (size_t i = 0; i <= depth; i++) {
		const char *k = i < depth ? path[i] : key;
		rc = find(b, root, pg, len, k, strlen(k), &fl, &val, &vlen, 0);
		pg = NULL;
		if (rc)
			return rc;
		if (i == depth)
			break;
		/* a nested bucket: its root page, or an inline page after the header */
		if (!(fl & BUCKET_LEAF) || vlen < 16) {
			free(val);
			return 1;
		}
		root = le64(val);
		if (!root) {
			if (vlen < 16 + PAGE_HDR || !(pg = malloc(vlen - 16))) {
				free(val);
				return -1;
			}
			memcpy(pg, val + 16, vlen - 16);
			len = vlen - 16;
		}
		free(val);
		val = NULL;
	}
	if ((fl & BUCKET_LEAF) || vlen >= outlen || memchr(val, 0, vlen)) {
		free(val);
		return -1;
	}
	memcpy(out, val, vlen + 1);
	free(val);
	return 0;
}

int vigil_rt__bolt_get_buf(const unsigned char *data, size_t size, const char *const *path,
			   size_t depth, const char *key, char *out, size_t outlen)
{
	bolt b = {.buf = data, .fd = -1, .size = size};
	return lookup(&b, path, depth, key, out, outlen);
}

int vigil_rt__bolt_get(const char *file, const char *const *path, size_t depth, const char *key,
		       char *out, size_t outlen)
{
	struct stat st;
	bolt b = {.fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
	int rc = -1;

	if (b.fd < 0)
		return -1;
	if (fstat(b.fd, &st) == 0 && S_ISREG(st.st_mode)) {
		b.size = (uint64_t)st.st_size;
		rc = lookup(&b, path, depth, key, out, outlen);
	}
	close(b.fd);
	return rc;
}
