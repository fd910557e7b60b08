/*
 * CVSS v3.0 and v3.1 base scores (FIRST, "Common Vulnerability Scoring System v3.1:
 * Specification Document", section 7), for feeds that give a vector but no score.
 */
#include <string.h>
#include <strings.h>

#include "lang.h"

/* The weight of metric `m` with value `v`, or -1. `changed`: scope is changed. */
static double weight(char m0, char m1, char v, int changed)
{
	switch (m0) {
	case 'A':
		if (m1 == 'V')
			return v == 'N'	  ? 0.85
			       : v == 'A' ? 0.62
			       : v == 'L' ? 0.55
			       : v == 'P' ? 0.2
					  : -1;
		if (m1 == 'C')
			return v == 'L' ? 0.77 : v == 'H' ? 0.44 : -1;
		break;
	case 'P':
		if (m1 == 'R')
			return v == 'N'	  ? 0.85
			       : v == 'L' ? (changed ? 0.68 : 0.62)
			       : v == 'H' ? (changed ? 0.5 : 0.27)
					  : -1;
		break;
	case 'U':
		if (m1 == 'I')
			return v == 'N' ? 0.85 : v == 'R' ? 0.62 : -1;
		break;
	}
	return -1;
}

static double cia(char v)
{
	return v == 'H' ? 0.56 : v == 'L' ? 0.22 : v == 'N' ? 0.0 : -1;
}

/* v3.1 Roundup: the smallest number with one decimal >= x, computed on integers so that
 * floating-point noise (4.000000001) does not round up. v3.0 used a plain ceiling. */
static double roundup(double x, int v30)
{
	if (v30) { /* ceil(x * 10) / 10 without libm; x is in [0, 10] */
		long long t = (long long)(x * 10.0);
		return (double)(t + ((double)t < x * 10.0)) / 10.0;
	}
	long long i = (long long)(x * 100000.0 + 0.5);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

/* x to the 15th power (no libm here). */
static double pow15(double x)
{
	double r = 1.0;
	for (int i = 0; i < 15; i++)
		r *= x;
	return r;
}

double vigil_cvss3_base_score(const char *vector)
{
	/* metric letters in spec order: AV AC PR UI S C I A */
	static const char *const names[] = {"AV", "AC", "PR", "UI", "S", "C", "I", "A"};
	char val[8] = {0};
	int v30;
	if (!vector || strncmp(vector, "CVSS:3.", 7) != 0 ||
	    (vector[7] != '0' && vector[7] != '1') || vector[8] != '/')
		return -1;
	v30 = vector[7] == '0';
	for (const char *p = vector + 9; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = strcspn(p, "/");
		if (!colon || (size_t)(colon - p) >= n || n != (size_t)(colon - p) + 2)
			return -1;
		size_t klen = (size_t)(colon - p);
		int found = 0;
		for (int i = 0; i < 8; i++) {
			if (strlen(names[i]) == klen && strncmp(p, names[i], klen) == 0) {
				if (val[i])
					return -1; /* a metric given twice */
				val[i] = colon[1];
				found = 1;
			}
		}
		(void)found; /* temporal and environmental metrics are allowed and ignored */
		p += n + (p[n] == '/');
	}
	for (int i = 0; i < 8; i++)
		if (!val[i])
			return -1;
	if (val[4] != 'U' && val[4] != 'C')
		return -1;
	int changed = val[4] == 'C';
	double av = weight('A', 'V', val[0], 0), ac = weight('A', 'C', val[1], 0),
	       pr = weight('P', 'R', val[2], changed), ui = weight('U', 'I', val[3], 0);
	double c = cia(val[5]), in = cia(val[6]), a = cia(val[7]);
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || c < 0 || in < 0 || a < 0)
		return -1;
	double iss = 1.0 - (1.0 - c) * (1.0 - in) * (1.0 - a);
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02) : 6.42 * iss;
	double exploit = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		return 0.0;
	double raw = changed ? 1.08 * (impact + exploit) : impact + exploit;
	return roundup(raw < 10.0 ? raw : 10.0, v30);
}

const char *vigil_vdb__severity_of_score(double score)
{
	if (score >= 9.0)
		return "CRITICAL";
	if (score >= 7.0)
		return "HIGH";
	if (score >= 4.0)
		return "MEDIUM";
	if (score > 0.0)
		return "LOW";
	return NULL;
}

const char *vigil_vdb__severity_word(const char *s)
{
	static const struct {
		const char *word, *norm;
	} map[] = {
		{"critical", "CRITICAL"},     {"high", "HIGH"},		{"important", "HIGH"},
		{"moderate", "MEDIUM"},	      {"medium", "MEDIUM"},	{"low", "LOW"},
		{"negligible", "NEGLIGIBLE"}, {"untriaged", "UNKNOWN"}, {"unknown", "UNKNOWN"},
	};
	if (!s)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(s, map[i].word) == 0)
			return map[i].norm;
	return "UNKNOWN";
}
