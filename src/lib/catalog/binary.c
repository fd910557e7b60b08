/*
 * Packages compiled into executables: ELF, and for Go also Mach-O and PE (cross-built
 * tools and Windows images ship them; their Go >= 1.18 build information is found by
 * its magic and read inline, no addresses needed).
 *
 * Go: the build information the linker writes after the magic "\xff Go buildinf:"
 * (section .go.buildinfo, else searched for). Go >= 1.18 stores the version and module
 * strings inline (flags & 2); older toolchains store pointers to Go string headers,
 * resolved here through the program headers. Packages: the main module, every "dep"
 * (a following "=>" line replaces it) and the standard library as "stdlib".
 *
 * Rust: cargo-auditable's .dep-v0 section, zlib-compressed JSON
 * {"packages":[{name, version, source, kind, root}]}; build-time dependencies are not
 * in the binary and are left out.
 */
#include <jansson.h>
#include <string.h>
#include <zlib.h>

#include "binary_elf.h"
#include "catalog.h"

static const uint8_t GO_MAGIC[14] = {0xff, ' ', 'G', 'o', ' ', 'b', 'u',
				     'i',  'l', 'd', 'i', 'n', 'f', ':'};

enum {
	GO_MAX_VERSION = 256,	  /* bytes of the Go version string */
	GO_MAX_MODINFO = 4 << 20, /* bytes of the module information */
	GO_MAX_TRIES = 64,	  /* magic strings tried when searching the whole file */
	RUST_MAX_JSON = 8 << 20,  /* inflated bytes of .dep-v0 */
};

/* Both catalogers read executable ELF files. */
static int want_elf(const vigil_file *f, const uint8_t *head, size_t len)
{
	if (!head)
		return (f->mode & 0111) && f->size >= 64 ? VIGIL_WANT_HEAD : VIGIL_WANT_NO;
	return len >= 4 && memcmp(head, "\177ELF", 4) == 0 ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

/* ---- Go ------------------------------------------------------------------------------ */

#define FAT_MAX_ARCHS 20 /* more is a Java class (its major version is 45 or more) */

/* A fat (universal) Mach-O header: 0xcafebabe or 0xcafebabf (64-bit offsets), a count of
 * 1..FAT_MAX_ARCHS and, when the head holds it, a first slice inside the file whose
 * CPU type is a Mach-O one. 0xcafebabe also starts Java class files; their next 32 bits
 * (minor and major version) are never that small. */
static int macho_fat(const uint8_t *h, size_t len)
{
	if (len < 8 || h[0] != 0xca || h[1] != 0xfe || h[2] != 0xba || (h[3] & 0xfe) != 0xbe)
		return 0;
	uint32_t n = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	if (n == 0 || n > FAT_MAX_ARCHS)
		return 0;
	if (len >= 12) {
		/* cputype: x86 7, arm 12, powerpc 18, with 0x01000000 for 64-bit ABIs */
		uint32_t cpu = ((uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 |
				h[11]) &
			       ~0x01000000u;
		if (cpu != 7 && cpu != 12 && cpu != 18)
			return 0;
	}
	return 1;
}

/* Mach-O (32/64-bit, either byte order, or fat) or a PE file ("MZ" with a "PE\0\0"
 * header where e_lfanew points). */
static int macho_or_pe(const uint8_t *h, size_t len)
{
	static const uint8_t mo[4][4] = {{0xfe, 0xed, 0xfa, 0xce},
					 {0xfe, 0xed, 0xfa, 0xcf},
					 {0xce, 0xfa, 0xed, 0xfe},
					 {0xcf, 0xfa, 0xed, 0xfe}};
	for (int i = 0; i < 4 && len >= 4; i++)
		if (memcmp(h, mo[i], 4) == 0)
			return 1;
	if (macho_fat(h, len))
		return 1;
	if (len >= 64 && h[0] == 'M' && h[1] == 'Z') {
		uint32_t off = (uint32_t)h[60] | (uint32_t)h[61] << 8 | (uint32_t)h[62] << 16 |
			       (uint32_t)h[63] << 24;
		return off <= len - 4 && memcmp(h + off, "PE\0\0", 4) == 0;
	}
	return 0;
}

/* ELF executables; Mach-O and PE files (.exe and .dll need no executable bit). */
static int want_go(const vigil_file *f, const uint8_t *head, size_t len)
{
	if (!head) {
		const char *b = vigil_catalog__base(f->path);
		int win = vigil_catalog__has_suffix(b, ".exe") ||
			  vigil_catalog__has_suffix(b, ".EXE");
		return ((f->mode & 0111) || win) && f->size >= 64 ? VIGIL_WANT_HEAD : VIGIL_WANT_NO;
	}
	if (len >= 4 && memcmp(head, "\177ELF", 4) == 0)
		return VIGIL_WANT_YES;
	return macho_or_pe(head, len) ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

typedef struct go_info {
	const uint8_t *version, *modinfo;
	size_t version_len, modinfo_len;
} go_info;

/* A uvarint-prefixed string at p[0..n): sets *s, *sl and returns the bytes used, 0 if
 * it does not fit. */
static size_t go_varstr(const uint8_t *p, size_t n, const uint8_t **s, size_t *sl)
{
	uint64_t v = 0;
	size_t i = 0;
	for (unsigned shift = 0; i < n && i < 10; shift += 7) {
		uint8_t b = p[i++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (v > n - i)
				return 0;
			*s = p + i;
			*sl = (size_t)v;
			return i + (size_t)v;
		}
	}
	return 0;
}

/* Reads the Go string header {data, len} at address `addr` (pre-1.18 format). */
static int go_strhdr(const vigil_elf *e, uint64_t addr, int ps, uint64_t max, const uint8_t **s,
		     size_t *sl)
{
	const uint8_t *h;
	if (!vigil_elf__vaddr(e, addr, 2 * (uint64_t)ps, &h))
		return 0;
	uint64_t data = vigil_elf__uint(e, h, ps), n = vigil_elf__uint(e, h + ps, ps);
	if (n > max)
		return 0;
	if (n == 0) {
		*s = h;
		*sl = 0;
		return 1;
	}
	if (!vigil_elf__vaddr(e, data, n, s))
		return 0;
	*sl = (size_t)n;
	return 1;
}

/* Decodes the build information header at p[0..n) (which starts with the magic).
 * 1 with a non-empty version, 0 when it is not valid. */
static int go_decode(const vigil_elf *e, const uint8_t *p, size_t n, go_info *gi)
{
	if (n < 32 || memcmp(p, GO_MAGIC, sizeof(GO_MAGIC)) != 0)
		return 0;
	int ps = p[14], flags = p[15];
	memset(gi, 0, sizeof(*gi));
	if (flags & 2) {
		size_t used = go_varstr(p + 32, n - 32, &gi->version, &gi->version_len);
		if (!used ||
		    !go_varstr(p + 32 + used, n - 32 - used, &gi->modinfo, &gi->modinfo_len))
			return 0;
	} else {
		vigil_elf be = *e;
		if (ps != 4 && ps != 8)
			return 0;
		be.be = flags & 1;
		if (!go_strhdr(&be, vigil_elf__uint(&be, p + 16, ps), ps, GO_MAX_VERSION,
			       &gi->version, &gi->version_len) ||
		    !go_strhdr(&be, vigil_elf__uint(&be, p + 16 + ps, ps), ps, GO_MAX_MODINFO,
			       &gi->modinfo, &gi->modinfo_len))
			return 0;
	}
	if (gi->version_len == 0 || gi->version_len > GO_MAX_VERSION ||
	    gi->modinfo_len > GO_MAX_MODINFO)
		return 0;
	/* the module text sits between two 16-byte sentinels */
	if (gi->modinfo_len >= 33 && gi->modinfo[gi->modinfo_len - 17] == '\n') {
		gi->modinfo += 16;
		gi->modinfo_len -= 32;
	} else {
		gi->modinfo_len = 0;
	}
	return 1;
}

/* Finds the build information: the .go.buildinfo section, else the first magic in the
 * file that decodes. 1 found, 0 not. */
static int go_find(const vigil_elf *e, go_info *gi)
{
	vigil_elf_range s;
	if (vigil_elf__section(e, ".go.buildinfo", &s) && go_decode(e, s.p, s.n, gi))
		return 1;
	const uint8_t *p = e->p, *end = e->p + e->n;
	for (int tries = 0; tries < GO_MAX_TRIES && p < end; tries++) {
		const uint8_t *m = memmem(p, (size_t)(end - p), GO_MAGIC, sizeof(GO_MAGIC));
		if (!m)
			return 0;
		if (go_decode(e, m, (size_t)(end - m), gi))
			return 1;
		p = m + 1;
	}
	return 0;
}

/* "go1.22.1" -> "v1.22.1", "go1.20" -> "v1.20.0", "go1.21rc2" -> "v1.21.0-rc.2"; a
 * suffix after a space (" X:boringcrypto") is dropped. 0 when it is not a release. */
static int go_semver(char *out, size_t cap, const uint8_t *v, size_t n)
{
	unsigned long num[3] = {0, 0, 0};
	size_t i = 2, parts = 0;
	const char *pre = "";
	unsigned long pren = 0;
	if (n < 4 || memcmp(v, "go", 2) != 0)
		return 0;
	while (parts < 3) {
		size_t s = i;
		while (i < n && v[i] >= '0' && v[i] <= '9' && i - s < 9)
			num[parts] = num[parts] * 10 + (unsigned long)(v[i++] - '0');
		if (i == s)
			return 0;
		parts++;
		if (i < n && v[i] == '.' && parts < 3) {
			i++;
			continue;
		}
		break;
	}
	if (parts < 2)
		return 0;
	if (i < n && (v[i] == 'r' || v[i] == 'b')) {
		size_t wl = v[i] == 'r' ? 2 : 4;
		pre = v[i] == 'r' ? "rc" : "beta";
		if (n - i < wl || memcmp(v + i, pre, wl) != 0)
			return 0;
		i += wl;
		size_t s = i;
		while (i < n && v[i] >= '0' && v[i] <= '9' && i - s < 9)
			pren = pren * 10 + (unsigned long)(v[i++] - '0');
		if (i == s)
			return 0;
	}
	if (i < n && v[i] != ' ')
		return 0;
	int w = *pre ? snprintf(out, cap, "v%lu.%lu.%lu-%s.%lu", num[0], num[1], num[2], pre, pren)
		     : snprintf(out, cap, "v%lu.%lu.%lu", num[0], num[1], num[2]);
	return w > 0 && (size_t)w < cap;
}

typedef struct go_mod {
	const char *path, *version;
} go_mod;

/* Splits one modinfo line at tabs into at most 4 fields. */
static size_t tab_fields(const char *s, size_t n, const char **f, size_t *fl)
{
	size_t k = 0;
	while (k < 4) {
		const char *t = memchr(s, '\t', n);
		size_t l = t ? (size_t)(t - s) : n;
		f[k] = s;
		fl[k++] = l;
		if (!t)
			break;
		s = t + 1;
		n -= l + 1;
	}
	return k;
}

/* Reads "mod", "dep" and "=>" lines into mods. */
static int go_modules(vigil_catalog_result *r, const go_info *gi, vigil_vec *mods)
{
	const char *p = (const char *)gi->modinfo, *end = p + gi->modinfo_len;
	int last = -1; /* the module a "=>" line would replace */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *f[4];
		size_t fl[4], k = tab_fields(p, (size_t)(le - p), f, fl);
		p = nl ? nl + 1 : end;
		int is_mod = fl[0] == 3 && memcmp(f[0], "mod", 3) == 0;
		int is_dep = fl[0] == 3 && memcmp(f[0], "dep", 3) == 0;
		if (is_mod || is_dep) {
			last = -1;
			if (k < 3 || fl[1] == 0 || fl[2] == 0) {
				vigil_catalog__skipped(r, "Go module line without path or version");
				continue;
			}
			go_mod *m = vigil_vec_push(mods);
			if (!m || !(m->path = vigil_catalog__strndup(r, f[1], fl[1])) ||
			    !(m->version = vigil_catalog__strndup(r, f[2], fl[2])))
				return VIGIL_ENOMEM;
			last = (int)mods->len - 1;
		} else if (fl[0] == 2 && memcmp(f[0], "=>", 2) == 0) {
			if (last < 0 || k < 2 || fl[1] == 0) {
				vigil_catalog__skipped(r, "Go replacement without a module");
				continue;
			}
			go_mod *m = &VIGIL_VEC_AT(mods, go_mod, last);
			/* a directory replacement keeps the required path; a module one is what
			 * is compiled in, so its path and version win */
			int local = f[1][0] == '.' || f[1][0] == '/';
			if (!local && !(m->path = vigil_catalog__strndup(r, f[1], fl[1])))
				return VIGIL_ENOMEM;
			if (k >= 3 && fl[2] &&
			    !(m->version = vigil_catalog__strndup(r, f[2], fl[2])))
				return VIGIL_ENOMEM;
			last = -1;
		} else {
			last = -1;
		}
	}
	return 0;
}

/* The Go cataloger's parse: an ELF without build information adds nothing. */
static int parse_go(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_elf e;
	go_info gi;
	vigil_vec mods = VIGIL_VEC_INIT(go_mod);
	char stdver[64];
	int error;
	(void)f;
	if (len > vigil_catalog__opts(r)->max_archive_size)
		return VIGIL_ELIMIT;
	if (vigil_elf__open(&e, data, len) < 0) {
		/* a window (large files) starts at the magic; a Mach-O or PE file holds it
		 * somewhere: only the inline format (Go >= 1.18), which needs no addresses,
		 * is read from them */
		const uint8_t *p = data, *end = data + len, *m = NULL;
		int found = 0;
		memset(&e, 0, sizeof(e));
		if (!(len >= 32 && memcmp(data, GO_MAGIC, sizeof(GO_MAGIC)) == 0) &&
		    !macho_or_pe(data, len))
			return 0;
		for (int tries = 0; tries < GO_MAX_TRIES && p < end && !found; tries++) {
			if (!(m = memmem(p, (size_t)(end - p), GO_MAGIC, sizeof(GO_MAGIC))))
				break;
			found = (size_t)(end - m) >= 32 && (m[15] & 2) &&
				go_decode(&e, m, (size_t)(end - m), &gi);
			p = m + 1;
		}
		if (!found)
			return 0;
	} else if (!go_find(&e, &gi)) {
		return 0;
	}
	if ((error = go_modules(r, &gi, &mods)) < 0)
		goto done;
	for (size_t i = 0; i < mods.len; i++) {
		const go_mod *m = &VIGIL_VEC_AT(&mods, go_mod, i);
		vigil_pkg_in in;
		memset(&in, 0, sizeof(in));
		in.type = "golang";
		in.name = m->path;
		in.version = m->version;
		if ((error = vigil_catalog__add(r, &in)) < 0)
			goto done;
	}
	if (go_semver(stdver, sizeof(stdver), gi.version, gi.version_len)) {
		vigil_pkg_in in;
		memset(&in, 0, sizeof(in));
		in.type = "golang";
		in.name = "stdlib";
		in.version = stdver;
		error = vigil_catalog__add(r, &in);
	}
done:
	vigil_vec_free(&mods);
	return error;
}

/* Executables above 32 MiB are not buffered: the framework scans them for the magic and
 * keeps the header and the two strings that follow it (Go >= 1.18 writes them inline). */
const vigil_cataloger vigil_cataloger_gobin = {
	"gobin",
	VIGIL_CAT_ARCHIVE,
	want_go,
	parse_go,
	0,
	GO_MAGIC,
	sizeof(GO_MAGIC),
	32 + 10 + GO_MAX_VERSION + 10 + GO_MAX_MODINFO,
	32u << 20,
};

/* ---- Rust (cargo-auditable) ------------------------------------------------------------ */

/* Inflates zlib data p[0..n) into out, at most `cap` bytes (VIGIL_ELIMIT beyond). */
static int inflate_capped(vigil_buf *out, const uint8_t *p, size_t n, size_t cap)
{
	uint8_t chunk[16384];
	z_stream z;
	int rc, error = 0;
	if (n > UINT32_MAX)
		return VIGIL_EFORMAT;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return VIGIL_ENOMEM;
	out->limit = cap;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			error = rc == Z_MEM_ERROR ? VIGIL_ENOMEM : VIGIL_EFORMAT;
			break;
		}
		if ((error = vigil_buf_put(out, chunk, sizeof(chunk) - z.avail_out)) < 0)
			break;
	} while (rc != Z_STREAM_END);
	inflateEnd(&z);
	return error;
}

/* The string member `key` of object o, or NULL when it is missing or not a string. */
static const char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The Rust cataloger's parse: an ELF without .dep-v0 adds nothing; a damaged section is
 * VIGIL_EFORMAT, one that inflates past RUST_MAX_JSON VIGIL_ELIMIT. */
static int parse_rust(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_elf e;
	vigil_elf_range s;
	vigil_buf js = VIGIL_BUF_INIT;
	json_t *root = NULL;
	int error;
	(void)f;
	if (len > vigil_catalog__opts(r)->max_archive_size)
		return VIGIL_ELIMIT;
	if (vigil_elf__open(&e, data, len) < 0 || !vigil_elf__section(&e, ".dep-v0", &s))
		return 0;
	if ((error = inflate_capped(&js, s.p, s.n, RUST_MAX_JSON)) < 0)
		goto done;
	root = json_loadb((const char *)(js.data ? js.data : (const uint8_t *)""), js.len, 0, NULL);
	json_t *pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs)) {
		error = VIGIL_EFORMAT;
		goto done;
	}
	for (size_t i = 0; i < json_array_size(pkgs); i++) {
		json_t *p = json_array_get(pkgs, i);
		const char *name = json_str(p, "name"), *version = json_str(p, "version");
		const char *kind = json_str(p, "kind");
		if (!name || !*name || !version || !*version) {
			vigil_catalog__skipped(r, "dependency without name or version");
			continue;
		}
		if (kind && strcmp(kind, "build") == 0)
			continue;
		vigil_pkg_in in;
		memset(&in, 0, sizeof(in));
		in.type = "cargo";
		in.name = name;
		in.version = version;
		if ((error = vigil_catalog__add(r, &in)) < 0)
			goto done;
	}
done:
	json_decref(root);
	vigil_buf_free(&js);
	return error;
}

/* The .dep-v0 section is found through the section table at the end of the file, so
 * the whole file is needed: executables up to 64 MiB (larger ones are rarely Rust, and
 * buffering them would dominate memory). */
const vigil_cataloger vigil_cataloger_rustbin = {"rustbin", 0, want_elf, parse_rust, 64u << 20};
