/*
 * bench/gunzip: decompression speed of zlib, ISA-L and libdeflate on gzip files, and
 * SHA-256 (OpenSSL) speed on the output. Prints the median of N runs per library.
 *   build/bench-gunzip [-n RUNS] FILE.gz...
 * libdeflate has no streaming API: it needs the whole input and output in memory,
 * which is why Vigil cannot use it for layers of any size (measured for reference).
 */
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

static size_t run_zlib(const unsigned char *in, size_t n, unsigned char *out)
{
	z_stream z;
	size_t total = 0;
	memset(&z, 0, sizeof(z));
	inflateInit2(&z, 15 + 32);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	for (;;) {
		z.next_out = out;
		z.avail_out = CHUNK;
		int r = inflate(&z, Z_NO_FLUSH);
		total += CHUNK - z.avail_out;
		if (r == Z_STREAM_END || (r != Z_OK && r != Z_BUF_ERROR))
			break;
	}
	inflateEnd(&z);
	return total;
}

static size_t run_isal(const unsigned char *in, size_t n, unsigned char *out)
{
	static struct inflate_state s;
	size_t total = 0;
	isal_inflate_init(&s);
	s.crc_flag = ISAL_GZIP;
	s.next_in = (unsigned char *)in;
	s.avail_in = (uint32_t)n;
	while (s.block_state != ISAL_BLOCK_FINISH) {
		s.next_out = out;
		s.avail_out = CHUNK;
		if (isal_inflate(&s) < 0)
			break;
		total += CHUNK - s.avail_out;
		if (s.avail_out == CHUNK && s.avail_in == 0)
			break;
	}
	return total;
}

static size_t run_deflate(const unsigned char *in, size_t n, unsigned char *out_all, size_t cap)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t got = 0;
	libdeflate_gzip_decompress(d, in, n, out_all, cap, &got);
	libdeflate_free_decompressor(d);
	return got;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = 5, first = 1;
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		runs = atoi(argv[2]);
		first = 3;
	}
	if (runs < 1 || runs > 100 || first >= argc) {
		fprintf(stderr, "usage: bench-gunzip [-n RUNS] FILE.gz...\n");
		return 2;
	}
	size_t in_total = 0, out_total = 0;
	double t[4][100];
	unsigned char *chunk = malloc(CHUNK);
	for (int r = 0; r < runs; r++)
		for (int k = 0; k < 4; k++)
			t[k][r] = 0;
	for (int i = first; i < argc; i++) {
		size_t n;
		unsigned char *in = slurp(argv[i], &n);
		if (!in) {
			perror(argv[i]);
			return 2;
		}
		size_t plain = run_zlib(in, n, chunk);
		unsigned char *all = malloc(plain + 1);
		in_total += n;
		out_total += plain;
		for (int r = 0; r < runs; r++) {
			double a = now();
			run_zlib(in, n, chunk);
			double b = now();
			run_isal(in, n, chunk);
			double c = now();
			run_deflate(in, n, all, plain + 1);
			double d = now();
			unsigned char md[32];
			unsigned int mdlen;
			EVP_Digest(all, plain, md, &mdlen, EVP_sha256(), NULL);
			double e = now();
			t[0][r] += b - a;
			t[1][r] += c - b;
			t[2][r] += d - c;
			t[3][r] += e - d;
		}
		free(all);
		free(in);
	}
	static const char *names[] = {"zlib inflate (streaming)", "ISA-L igzip (streaming)",
				      "libdeflate (whole buffer)", "SHA-256 of output (OpenSSL)"};
	printf("%zu MB gzip -> %zu MB, median of %d runs\n", in_total >> 20, out_total >> 20, runs);
	printf("| library | seconds | MB/s of output |\n|---|---|---|\n");
	for (int k = 0; k < 4; k++) {
		qsort(t[k], (size_t)runs, sizeof(double), cmp);
		double m = t[k][runs / 2];
		printf("| %s | %.3f | %.0f |\n", names[k], m, (double)out_total / 1e6 / m);
	}
	free(chunk);
	return 0;
}
