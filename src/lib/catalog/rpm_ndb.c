/*
 * rpm's own "ndb" database (Packages.db, SUSE), as lib/backend/ndb/rpmpkg.c writes it,
 * little-endian: a 32-byte header ("RpmP", version 0, generation, number of 4096-byte
 * slot pages, next package index) shares the first slot page with 16-byte slots
 * ("Slot", package index, block offset, block count; 16-byte blocks). Each used slot
 * names a blob: a head ("BlbS", package index, generation, length), the header blob,
 * padding, and a tail (adler32 of everything before it, length, "BlbE"). Blobs must not
 * overlap, so the bytes parsed never exceed the file size.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "rpm_db.h"

#define NDB_PAGE 4096
#define NDB_SLOT 16
#define NDB_BLOCK 16
#define NDB_HEADER_SLOTS 2 /* the 32-byte file header takes the first two slots */
#define BLOB_HEAD 16
#define BLOB_TAIL 12

typedef struct slot {
	uint32_t pkgidx, blkoff, blkcnt;
} slot;

static int slot_cmp(const void *a, const void *b)
{
	const slot *x = a, *y = b;
	return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

/* Checks the blob that slot s names and hands its header to vigil_rpm__add; a bad
 * blob is counted as skipped. */
static int read_blob(vigil_rpm_db *db, const uint8_t *data, size_t len, const slot *s)
{
	uint64_t off = (uint64_t)s->blkoff * NDB_BLOCK, size = (uint64_t)s->blkcnt * NDB_BLOCK;
	if (off > len || size > len - off || size < BLOB_HEAD + BLOB_TAIL) {
		vigil_catalog__skipped(db->r, "slot naming blocks outside the file");
		return 0;
	}
	const uint8_t *head = data + off, *tail = head + size - BLOB_TAIL;
	uint32_t bloblen = vigil_rpm__le32(head + 12);
	if (memcmp(head, "BlbS", 4) != 0 || vigil_rpm__le32(head + 4) != s->pkgidx ||
	    bloblen > size - BLOB_HEAD - BLOB_TAIL || memcmp(tail + 8, "BlbE", 4) != 0 ||
	    vigil_rpm__le32(tail + 4) != bloblen) {
		vigil_catalog__skipped(db->r, "blob whose head or tail is damaged");
		return 0;
	}
	/* adler32 over head, blob and padding, in pieces that fit zlib's uInt */
	uLong sum = adler32(0L, Z_NULL, 0);
	for (size_t at = 0, n = (size_t)size - BLOB_TAIL; at < n;) {
		size_t piece = n - at > (1u << 30) ? (1u << 30) : n - at;
		sum = adler32(sum, head + at, (uInt)piece);
		at += piece;
	}
	if ((uint32_t)sum != vigil_rpm__le32(tail)) {
		vigil_catalog__skipped(db->r, "blob whose checksum does not match");
		return 0;
	}
	return vigil_rpm__add(db, head + BLOB_HEAD, bloblen);
}

int vigil_rpm__read_ndb(vigil_rpm_db *db, const uint8_t *data, size_t len)
{
	vigil_vec slots = VIGIL_VEC_INIT(slot);
	int error = 0;
	if (len < 32 || memcmp(data, "RpmP", 4) != 0 || vigil_rpm__le32(data + 4) != 0)
		return VIGIL_EFORMAT;
	uint32_t npages = vigil_rpm__le32(data + 12);
	if (npages == 0 || npages > len / NDB_PAGE)
		return VIGIL_EFORMAT;
	size_t nslots = (size_t)npages * (NDB_PAGE / NDB_SLOT);
	for (size_t i = NDB_HEADER_SLOTS; i < nslots; i++) {
		const uint8_t *p = data + i * NDB_SLOT;
		if (memcmp(p, "Slot", 4) != 0) { /* rpm refuses the whole database */
			error = VIGIL_EFORMAT;
			goto done;
		}
		slot s = {vigil_rpm__le32(p + 4), vigil_rpm__le32(p + 8), vigil_rpm__le32(p + 12)};
		if (s.blkoff == 0 || s.pkgidx == 0) /* free */
			continue;
		slot *d = vigil_vec_push(&slots);
		if (!d) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		*d = s;
	}
	if (slots.len)
		qsort(slots.data, slots.len, sizeof(slot), slot_cmp);
	uint64_t end = (uint64_t)nslots * NDB_SLOT / NDB_BLOCK; /* blobs follow the slots */
	for (size_t i = 0; i < slots.len && error == 0; i++) {
		const slot *s = &VIGIL_VEC_AT(&slots, slot, i);
		if (s->blkoff < end) {
			vigil_catalog__skipped(db->r, "slot overlapping another");
			continue;
		}
		end = (uint64_t)s->blkoff + s->blkcnt;
		error = read_blob(db, data, len, s);
	}
done:
	vigil_vec_free(&slots);
	return error;
}
