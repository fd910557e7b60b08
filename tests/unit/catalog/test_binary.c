/* Go and Rust binary catalogers, on ELF files built in memory, and on the spec
 * samples when ../shared is beside the repository. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "../test.h"
#include "binary_elfw.h"
#include "catalog/catalog.h"

typedef struct got {
	int n;
	char line[32][256]; /* "type name version" */
} got;

static int collect(const vigil_pkg *p, void *payload)
{
	got *g = payload;
	if (g->n < 32)
		snprintf(g->line[g->n++], sizeof(g->line[0]), "%s %s %s", p->type, p->name,
			 p->version);
	return 0;
}

static int has(const got *g, const char *line)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->line[i], line) == 0)
			return 1;
	printf("    missing: %s\n", line);
	for (int i = 0; i < g->n; i++)
		printf("    got: %s\n", g->line[i]);
	return 0;
}

static int parse(const vigil_cataloger *c, const uint8_t *p, size_t n, got *g)
{
	memset(g, 0, sizeof(*g));
	return vigil_catalog__parse_buffer(c, "/usr/bin/app", p, n, collect, g, NULL);
}

/* Module text framed by the two 16-byte sentinels the Go linker writes. */
static size_t framed(uint8_t *out, const char *mod)
{
	size_t n = strlen(mod);
	memset(out, '0', 16);
	memcpy(out + 16, mod, n);
	memset(out + 16 + n, '1', 16);
	return n + 32;
}

/* Go >= 1.18 build information: header, then varint-length version and modinfo. */
static size_t inline_info(uint8_t *out, const char *version, const char *mod)
{
	uint8_t m[2048];
	size_t ml = framed(m, mod), vl = strlen(version), at = 32;
	memset(out, 0, 32);
	memcpy(out, "\xff Go buildinf:", 14);
	out[14] = 8;
	out[15] = 2;
	out[at++] = (uint8_t)vl;
	memcpy(out + at, version, vl);
	at += vl;
	out[at++] = (uint8_t)(0x80 | (ml & 0x7f));
	out[at++] = (uint8_t)(ml >> 7);
	memcpy(out + at, m, ml);
	return at + ml;
}

static const char MODINFO[] = "path\texample.com/app/cmd/app\n"
			      "mod\texample.com/app\t(devel)\t\n"
			      "dep\tgolang.org/x/net\tv0.1.0\th1:abc=\n"
			      "dep\tgithub.com/old/mod\tv1.0.0\n"
			      "=>\tgithub.com/new/mod\tv1.2.0\th1:xyz=\n"
			      "dep\texample.com/local\tv0.0.1\n"
			      "=>\t../local\t\t\n"
			      "build\t-compiler=gc\n";

TEST(test_gobin__inline_buildinfo_with_replacements)
{
	uint8_t info[4096], *elf;
	size_t n, len = inline_info(info, "go1.22.1", MODINFO);
	elfw_sec s[] = {{".text", "\x90\x90", 2}, {".go.buildinfo", info, len}};
	got g;
	CHECK(elfw_build(&elf, &n, 1, 0, s, 2) == 0);
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0);
	free(elf);
	CHECK(g.n == 5);
	CHECK(has(&g, "golang example.com/app (devel)"));
	CHECK(has(&g, "golang golang.org/x/net v0.1.0"));
	CHECK(has(&g, "golang github.com/new/mod v1.2.0"));
	CHECK(has(&g, "golang example.com/local v0.0.1"));
	CHECK(has(&g, "golang stdlib v1.22.1"));
}

/* Go < 1.18: pointers (here 32-bit big-endian) to string headers {data, len}. */
TEST(test_gobin__pointer_buildinfo_through_segments)
{
	uint8_t sec[2048], *elf;
	size_t n;
	const char *ver = "go1.15.2";
	uint32_t addr = ELFW_BASE + ELFW_FIRST(0);
	size_t ml = framed(sec + 64 + 16, "mod\texample.com/old\tv1.0.0\th1:x=\n");
	memset(sec, 0, 64 + 16);
	memcpy(sec, "\xff Go buildinf:", 14);
	sec[14] = 4;
	sec[15] = 1;
	elfw_put(sec + 16, addr + 32, 4, 1); /* -> version string header */
	elfw_put(sec + 20, addr + 40, 4, 1); /* -> modinfo string header */
	elfw_put(sec + 32, addr + 64 + 16 + ml, 4, 1);
	elfw_put(sec + 36, strlen(ver), 4, 1);
	elfw_put(sec + 40, addr + 64 + 16, 4, 1);
	elfw_put(sec + 44, ml, 4, 1);
	memcpy(sec + 64 + 16 + ml, ver, strlen(ver));
	elfw_sec s[] = {{".go.buildinfo", sec, 64 + 16 + ml + strlen(ver)}};
	got g;
	CHECK(elfw_build(&elf, &n, 0, 1, s, 1) == 0);
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0);
	free(elf);
	CHECK(g.n == 2);
	CHECK(has(&g, "golang example.com/old v1.0.0"));
	CHECK(has(&g, "golang stdlib v1.15.2"));
}

TEST(test_gobin__magic_found_without_the_section)
{
	uint8_t data[4096], *elf;
	size_t n;
	memset(data, 0xcc, 16);
	size_t len = inline_info(data + 16, "go1.20", "mod\tx.org/m\tv2.0.0\t\n");
	elfw_sec s[] = {{".data", data, len + 16}};
	got g;
	CHECK(elfw_build(&elf, &n, 1, 1, s, 1) == 0);
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0);
	free(elf);
	CHECK(g.n == 2);
	CHECK(has(&g, "golang x.org/m v2.0.0"));
	CHECK(has(&g, "golang stdlib v1.20.0"));
}

TEST(test_gobin__go_versions_become_semver)
{
	static const char *const in[][2] = {
		{"go1.21rc2", "golang stdlib v1.21.0-rc.2"},
		{"go1.18beta1", "golang stdlib v1.18.0-beta.1"},
		{"go1.22.1 X:boringcrypto", "golang stdlib v1.22.1"},
		{"devel go1.23-4f3a2b", NULL},
		{"go1", NULL},
	};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		uint8_t info[1024], *elf;
		size_t n, len = inline_info(info, in[i][0], "");
		elfw_sec s[] = {{".go.buildinfo", info, len}};
		got g;
		CHECK(elfw_build(&elf, &n, 1, 0, s, 1) == 0);
		CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0);
		free(elf);
		CHECK(g.n == (in[i][1] ? 1 : 0));
		CHECK(!in[i][1] || has(&g, in[i][1]));
	}
}

TEST(test_gobin__hostile_buildinfo_is_ignored)
{
	uint8_t info[256], *elf;
	size_t n;
	got g;
	/* a modinfo length past the end, then pointers to nowhere */
	memset(info, 0, sizeof(info));
	memcpy(info, "\xff Go buildinf:", 14);
	info[14] = 8;
	info[15] = 2;
	info[32] = 4;
	memcpy(info + 33, "go1x", 4);
	info[37] = 0xff;
	info[38] = 0x7f;
	elfw_sec s[] = {{".go.buildinfo", info, sizeof(info)}};
	CHECK(elfw_build(&elf, &n, 1, 0, s, 1) == 0);
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0 && g.n == 0);
	free(elf);
	info[15] = 0;
	memset(info + 16, 0xee, 16);
	CHECK(elfw_build(&elf, &n, 1, 0, s, 1) == 0);
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0 && g.n == 0);
	/* section headers past the end of the file */
	elf[47] = 0x7f;
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0 && g.n == 0);
	CHECK(parse(&vigil_cataloger_gobin, elf, 60, &g) == 0 && g.n == 0);
	free(elf);
}

TEST(test_gobin__wants_executable_elf_files)
{
	vigil_file f;
	memset(&f, 0, sizeof(f));
	f.path = "/usr/bin/x";
	f.size = 1000;
	f.mode = 0755;
	CHECK(vigil_cataloger_gobin.want(&f, NULL, 0) == VIGIL_WANT_HEAD);
	CHECK(vigil_cataloger_gobin.want(&f, (const uint8_t *)"\177ELF\2", 5) == VIGIL_WANT_YES);
	CHECK(vigil_cataloger_rustbin.want(&f, (const uint8_t *)"#!/bin", 6) == VIGIL_WANT_NO);
	f.mode = 0644;
	CHECK(vigil_cataloger_rustbin.want(&f, NULL, 0) == VIGIL_WANT_NO);
}

/* An ELF with a .dep-v0 section holding `json` compressed with zlib. */
static int rust_elf(uint8_t **elf, size_t *n, const char *json, size_t jl)
{
	uLongf cl = compressBound((uLong)jl);
	uint8_t *c = malloc(cl);
	if (!c || compress(c, &cl, (const Bytef *)json, (uLong)jl) != Z_OK) {
		free(c);
		return -1;
	}
	elfw_sec s[] = {{".text", "\xc3", 1}, {".dep-v0", c, cl}};
	int rc = elfw_build(elf, n, 1, 0, s, 2);
	free(c);
	return rc;
}

TEST(test_rustbin__dep_v0_packages)
{
	static const char js[] =
		"{\"packages\":[{\"name\":\"app\",\"version\":\"0.3.0\",\"source\":\"local\","
		"\"dependencies\":[1,2],\"root\":true},"
		"{\"name\":\"serde\",\"version\":\"1.0.190\",\"source\":\"crates.io\"},"
		"{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":"
		"\"build\"},"
		"{\"name\":\"noversion\"},7]}";
	uint8_t *elf;
	size_t n;
	got g;
	unsigned skipped = 0;
	CHECK(rust_elf(&elf, &n, js, sizeof(js) - 1) == 0);
	memset(&g, 0, sizeof(g));
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_rustbin, "/bin/app", elf, n, collect, &g,
					  &skipped) == 0);
	free(elf);
	CHECK(g.n == 2 && skipped == 2);
	CHECK(has(&g, "cargo app 0.3.0"));
	CHECK(has(&g, "cargo serde 1.0.190"));
}

TEST(test_rustbin__bombs_and_bad_json_are_refused)
{
	uint8_t *elf;
	size_t n, big = (size_t)9 << 20;
	got g;
	char *zeros = calloc(1, big);
	CHECK(zeros);
	memset(zeros, ' ', big);
	CHECK(rust_elf(&elf, &n, zeros, big) == 0);
	free(zeros);
	CHECK(n < 100000);
	CHECK(parse(&vigil_cataloger_rustbin, elf, n, &g) == VIGIL_ELIMIT);
	free(elf);
	CHECK(rust_elf(&elf, &n, "{\"packages\":{}}", 15) == 0);
	CHECK(parse(&vigil_cataloger_rustbin, elf, n, &g) == VIGIL_EFORMAT);
	free(elf);
	CHECK(rust_elf(&elf, &n, "[[[", 3) == 0);
	CHECK(parse(&vigil_cataloger_rustbin, elf, n - 3, &g) == 0); /* section cut off: none */
	CHECK(parse(&vigil_cataloger_rustbin, elf, n, &g) == VIGIL_EFORMAT);
	free(elf);
}

/* Reads a whole file from ../shared (or $VIGIL_SHARED); NULL when it is not there. */
static uint8_t *shared_file(const char *rel, size_t *n)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "../shared";
	char path[1024];
	snprintf(path, sizeof(path), "%s/specs/pkgdb/%s", shared, rel);
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0;
	*n = 0;
	if (!f) {
		printf("  (no %s: sample not checked)\n", path);
		return NULL;
	}
	for (;;) {
		if (*n == cap) {
			uint8_t *p = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!p)
				break;
			buf = p;
		}
		size_t k = fread(buf + *n, 1, cap - *n, f);
		if (k == 0)
			break;
		*n += k;
	}
	fclose(f);
	return buf;
}

/* Checks the packages found in go-binary/<elf> against `go version -m` output. */
static void go_sample(const char *elfname, const char *expected, int *failed_)
{
	size_t n, en;
	uint8_t *elf = shared_file(elfname, &n), *exp = shared_file(expected, &en);
	got g;
	int want = 1; /* stdlib */
	if (!elf || !exp) {
		free(elf);
		free(exp);
		return;
	}
	CHECK(parse(&vigil_cataloger_gobin, elf, n, &g) == 0);
	free(elf);
	char *text = (char *)exp, line[512];
	text[en - 1] = '\0';
	const char *go = strstr(text, ": go");
	CHECK(go);
	snprintf(line, sizeof(line), "golang stdlib v%.*s", (int)strcspn(go + 4, "\n"), go + 4);
	CHECK(has(&g, line));
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		char kind[8], path[256], ver[128];
		if (sscanf(l, " %7s %255s %127s", kind, path, ver) == 3 &&
		    (strcmp(kind, "mod") == 0 || strcmp(kind, "dep") == 0)) {
			snprintf(line, sizeof(line), "golang %s %s", path, ver);
			CHECK(has(&g, line));
			want++;
		}
	}
	free(exp);
	CHECK(g.n == want);
}

TEST(test_gobin__samples_match_go_version_m)
{
	go_sample("go-binary/test.elf", "go-binary/expected-go-version-m.txt", failed_);
	go_sample("go-binary/main-version-via-ldflags.elf",
		  "go-binary/expected-main-version-via-ldflags.txt", failed_);
}

TEST(test_rustbin__sample_matches_expected_json)
{
	size_t n, en;
	uint8_t *elf = shared_file("rust-auditable-binary/test.elf", &n);
	uint8_t *exp = shared_file("rust-auditable-binary/expected-dep-v0.json", &en);
	got g;
	if (!elf || !exp) {
		free(elf);
		free(exp);
		return;
	}
	int rc = parse(&vigil_cataloger_rustbin, elf, n, &g);
	json_t *root = json_loadb((const char *)exp, en, 0, NULL);
	json_t *pkgs = json_object_get(root, "packages");
	free(elf);
	free(exp);
	CHECK(rc == 0 && json_is_array(pkgs));
	CHECK((size_t)g.n == json_array_size(pkgs));
	for (size_t i = 0; i < json_array_size(pkgs); i++) {
		char line[256];
		json_t *p = json_array_get(pkgs, i);
		snprintf(line, sizeof(line), "cargo %s %s",
			 json_string_value(json_object_get(p, "name")),
			 json_string_value(json_object_get(p, "version")));
		if (!has(&g, line)) {
			json_decref(root);
			CHECK(0);
		}
	}
	json_decref(root);
}
