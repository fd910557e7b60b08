/*
 * bench/vercmp: comparisons per second per version scheme, over every ordered pair of
 * a small set of realistic versions of that scheme (and constraint checks per second
 * for the range syntaxes). Prints a markdown table.
 *   build/bench-vercmp [SECONDS_PER_SCHEME]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vigil.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct set {
	const char *name;
	vigil_vscheme scheme;
	const char *v[12];
	const char *range; /* for satisfies, or NULL */
} set;

static const set sets[] = {
	{"dpkg",
	 VIGIL_VS_DPKG,
	 {"1:2.36.1-8+deb12u1", "2.36.1-8", "1.0~rc1-1", "3.0.11-1~deb12u2", "7.88.1-10+deb12u5",
	  "1:9.2p1-2+deb12u2", "2.7.4-1ubuntu0.22.04.1", "252.22-1~deb12u1", "1.2.13.dfsg-1",
	  "0.9.8-4", "5.2.15-2+b2", "2.38.1-5+deb12u1"},
	 ">= 2.36.1-8, << 2.36.1-8+deb12u2"},
	{"apk",
	 VIGIL_VS_APK,
	 {"1.36.1-r5", "3.1.4-r5", "1.2.4_git20230717-r4", "2.4.1_alpha2-r0", "8.5.0-r0",
	  "1.3_p1-r2", "3.0.8-r0", "1.1.1w-r1", "6.4_p20231125-r0", "2.12_rc1-r0", "1.36.1-r10",
	  "0.9.8zh-r3"},
	 "<1.36.1-r7"},
	{"rpm",
	 VIGIL_VS_RPM,
	 {"1:3.0.7-25.el9_3", "3.0.7-24.el9", "2.34-83.el9_3.7", "1.0~rc1-1.fc39", "5.2.15-5.el9",
	  "1.2.11^20230101git1-1", "7.76.1-26.el9_3.2", "252-18.el9", "2:8.2.2637-20.el9_1",
	  "4.16.1.3-25.el9", "1.1.1k-9.el8_7", "0.9.8-4.el9"},
	 ">= 3.0.7-24.el9, < 1:3.0.7-25.el9_3"},
	{"semver (npm)",
	 VIGIL_VS_SEMVER,
	 {"1.2.3", "1.2.3-beta.2", "4.17.21", "0.0.0-development", "2.0.0-rc.1+build.5", "10.2.4",
	  "1.0.0-alpha.beta", "3.3.0", "7.5.4", "18.2.0", "0.21.1", "1.13.6"},
	 ">=1.2.3 <2.0.0 || ^4.17.0 || ~7.5.2"},
	{"go",
	 VIGIL_VS_GO,
	 {"v1.2.3", "v0.0.0-20230101120000-abcdefabcdef", "v2.0.0+incompatible", "v1.21.5",
	  "v0.17.0", "v1.2.4-0.20230101120000-abcdefabcdef", "v0.1.0", "v1.9.1", "v3.5.0",
	  "v0.0.0-20210226172049-e18ecbb05110", "v1.54.0", "v0.14.0"},
	 ">= v0.17.0, < v1.2.4"},
	{"pep440",
	 VIGIL_VS_PEP440,
	 {"1.0", "1.0.post1", "2.31.0", "1.0a1", "1!0.5", "1.26.18", "3.1.0rc2", "0.9.dev3",
	  "2.0.0+local.1", "42.0.5", "1.0.0.post2.dev1", "23.2"},
	 ">=1.0,<2.31.0,!=1.26.*"},
	{"maven",
	 VIGIL_VS_MAVEN,
	 {"1.0", "1.0-SNAPSHOT", "2.17.1", "5.3.31", "1.0-alpha-1", "6.1.0-M2", "2.0.0.Final",
	  "1.2.3-RC1", "31.1-jre", "2.15.3", "1.0-sp1", "3.9.6"},
	 "[2.0,2.17.1),[5.0,5.3.31)"},
	{"gem",
	 VIGIL_VS_GEM,
	 {"1.0", "7.0.8", "6.1.7.6", "1.0.0.rc1", "2.6.1", "1.15.5", "3.2.2", "0.9.a", "5.2.4.3",
	  "1.0.0-beta2", "13.0.6", "2.8.1"},
	 "~> 7.0.8, >= 7.0.8.1"},
	{"composer",
	 VIGIL_VS_COMPOSER,
	 {"1.0.0", "v2.3.4", "6.4.0-BETA1", "1.2.x-dev", "5.4.36", "10.2.1", "1.0.0-RC2",
	  "2.0.0-alpha3", "4.4.49", "7.0.3", "3.1.1-patch1", "9.5.4"},
	 ">=5.4,<5.4.36|^6.0,<6.4.2"},
	{"generic",
	 VIGIL_VS_GENERIC,
	 {"1.0", "2.4.58", "1.1.1w", "r1234", "20230101", "3.12.1", "0.9.8zh", "1.2.13", "8.0.35",
	  "3.45.0", "5.36.0", "1.36.1"},
	 ">= 1.0, < 3.0"},
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 0.5;
	volatile int sink = 0;

	printf("| scheme | comparisons/s | constraint checks/s |\n|---|---|---|\n");
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		const set *st = &sets[s];
		double rates[3], srates[3];
		for (int run = 0; run < 3; run++) {
			unsigned long long n = 0, m = 0;
			double t0 = now(), t;
			do {
				for (int i = 0; i < 12; i++)
					for (int j = 0; j < 12; j++) {
						int c;
						vigil_version_compare(&c, st->scheme, st->v[i],
								      st->v[j]);
						sink += c;
					}
				n += 144;
			} while ((t = now()) - t0 < secs / 3);
			rates[run] = (double)n / (t - t0);
			t0 = now();
			do {
				for (int i = 0; i < 12; i++) {
					int ok;
					vigil_version_satisfies(&ok, st->scheme, st->v[i],
								st->range);
					sink += ok;
				}
				m += 12;
			} while ((t = now()) - t0 < secs / 3);
			srates[run] = (double)m / (t - t0);
		}
		qsort(rates, 3, sizeof(double), cmp_double);
		qsort(srates, 3, sizeof(double), cmp_double);
		printf("| %s | %.1f M | %.2f M |\n", st->name, rates[1] / 1e6, srates[1] / 1e6);
	}
	return sink == 42 ? 1 : 0;
}
