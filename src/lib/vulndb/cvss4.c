/*
 * CVSS v4.0 scores (FIRST, "Common Vulnerability Scoring System Version 4.0:
 * Specification Document", section 8): the vector's MacroVector (six equivalence
 * classes) gives the score of its highest-severity vector from FIRST's table of expert
 * scores; the score is lowered by the mean, over the classes, of the vector's severity
 * distance from that vector in proportion to the class's depth, times the score gap to
 * the next lower MacroVector. Base, threat (E) and environmental metrics are used;
 * supplemental metrics are accepted and ignored.
 */
#include <string.h>

#include "lang.h"

/* The MacroVector scores in tenths, indexed [eq1][eq2][eq3][eq4][eq5][eq6]; -1 where
 * no such MacroVector exists (eq3 = 2 with eq6 = 0). Data: FIRST CVSS v4.0 lookup. */
static const signed char MACRO[3 * 2 * 3 * 3 * 3 * 2] = {
	100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68, 98, 95, 95, 92,
	90,  84, 93, 92, 89, 81, 81,  65, 88, 80, 78, 70, 69, 48, -1, 92, -1, 82, -1, 72, -1, 79,
	-1,  69, -1, 50, -1, 69, -1,  55, -1, 27, 99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71,
	92,  81, 82, 71, 72, 53, 95,  93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52,
	50,  30, -1, 86, -1, 75, -1,  52, -1, 71, -1, 52, -1, 29, -1, 63, -1, 29, -1, 17, 98, 95,
	94,  87, 91, 81, 94, 89, 86,  74, 77, 64, 87, 75, 74, 63, 63, 49, 94, 89, 88, 77, 76, 67,
	86,  76, 74, 58, 59, 50, 72,  57, 57, 52, 52, 25, -1, 83, -1, 70, -1, 54, -1, 65, -1, 58,
	-1,  26, -1, 53, -1, 21, -1,  13, 95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66,
	68,  59, 52, 30, 89, 78, 76,  67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16,
	-1,  71, -1, 59, -1, 30, -1,  58, -1, 26, -1, 15, -1, 23, -1, 13, -1, 6,  93, 87, 86, 72,
	75,  58, 86, 74, 74, 61, 56,  34, 70, 54, 52, 40, 40, 22, 85, 75, 74, 55, 62, 51, 72, 57,
	55,  41, 46, 19, 53, 36, 34,  19, 19, 8,  -1, 64, -1, 51, -1, 20, -1, 47, -1, 21, -1, 11,
	-1,  24, -1, 9,	 -1, 4,	 88,  75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22,
	20,  11, 75, 55, 58, 45, 40,  21, 61, 51, 48, 18, 20, 9,  46, 18, 17, 7,  8,  2,  -1, 53,
	-1,  24, -1, 14, -1, 24, -1,  12, -1, 5,  -1, 10, -1, 3,  -1, 1,
};

static int macro_score(int e1, int e2, int e3, int e4, int e5, int e6)
{
	if (e1 < 0 || e1 > 2 || e2 < 0 || e2 > 1 || e3 < 0 || e3 > 2 || e4 < 0 || e4 > 2 ||
	    e5 < 0 || e5 > 2 || e6 < 0 || e6 > 1)
		return -1;
	return MACRO[((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 + e6];
}

enum { AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA, E, CR, IR, AR, NMETRIC };

static const struct {
	const char *name, *values;
} METRICS[NMETRIC] = {
	[AV] = {"AV", "NALP"}, [AC] = {"AC", "LH"},   [AT] = {"AT", "NP"},   [PR] = {"PR", "NLH"},
	[UI] = {"UI", "NPA"},  [VC] = {"VC", "HLN"},  [VI] = {"VI", "HLN"},  [VA] = {"VA", "HLN"},
	[SC] = {"SC", "HLN"},  [SI] = {"SI", "HLN"},  [SA] = {"SA", "HLN"},  [E] = {"E", "XAPU"},
	[CR] = {"CR", "XHML"}, [IR] = {"IR", "XHML"}, [AR] = {"AR", "XHML"},
};

/* Severity level of a value in tenths (0 = most severe), as the specification orders
 * them for the severity distance. */
static int level(int m, char v)
{
	switch (m) {
	case AV:
		return v == 'N' ? 0 : v == 'A' ? 1 : v == 'L' ? 2 : 3;
	case PR:
	case VC:
	case VI:
	case VA:
		return v == 'N' ? (m == PR ? 0 : 2) : v == 'L' ? 1 : m == PR ? 2 : 0;
	case UI:
		return v == 'N' ? 0 : v == 'P' ? 1 : 2;
	case AC:
		return v == 'L' ? 0 : 1;
	case AT:
		return v == 'N' ? 0 : 1;
	case SC:
	case SI:
	case SA:
		return v == 'S' ? 0 : v == 'H' ? 1 : v == 'L' ? 2 : 3;
	case CR:
	case IR:
	case AR:
		return v == 'H' ? 0 : v == 'M' ? 1 : 2;
	}
	return 0;
}

/* Highest-severity vectors of each class level (FIRST's "max composed" vectors). */
static const char *const EQ1_MAX[3][3] = {{"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};
static const char *const EQ2_MAX[2][2] = {{"LN"}, {"HN", "LP"}};
/* [eq3][eq6]: VC VI VA CR IR AR */
static const char *const EQ36_MAX[3][2][5] = {
	{{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
	{{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
	{{NULL}, {"LLLHHH"}},
};
static const char *const EQ4_MAX[3] = {"HSS", "HHH", "LLL"}; /* SC SI SA */
/* depth of each class level, in tenths */
static const int EQ1_DEPTH[3] = {1, 4, 5}, EQ2_DEPTH[2] = {1, 2}, EQ4_DEPTH[3] = {6, 5, 4};
static const int EQ36_DEPTH[3][2] = {{7, 6}, {8, 8}, {0, 10}};

/* Parses the vector into effective values (modified metrics override the base ones;
 * E, CR, IR, AR not given or X count as their most severe value). 0, or -1. */
static int parse4(char val[NMETRIC], const char *vector)
{
	char mod[NMETRIC] = {0};
	memset(val, 0, NMETRIC);
	if (!vector || strncmp(vector, "CVSS:4.0/", 9) != 0)
		return -1;
	for (const char *p = vector + 9; *p;) {
		size_t n = strcspn(p, "/");
		const char *colon = memchr(p, ':', n);
		if (!colon || colon == p || (size_t)(colon - p) + 1 >= n)
			return -1;
		size_t klen = (size_t)(colon - p), vlen = n - klen - 1;
		int modified = klen > 1 && p[0] == 'M';
		const char *k = modified ? p + 1 : p;
		size_t kl = modified ? klen - 1 : klen;
		int found = -1;
		for (int i = 0; i < NMETRIC; i++)
			if (strlen(METRICS[i].name) == kl && strncmp(k, METRICS[i].name, kl) == 0)
				found = i;
		if (found >= 0 && modified && found >= E)
			found = -1; /* there is no ME, MCR... */
		if (found >= 0) {
			char v = colon[1];
			/* X = not defined (modified metrics); MSI and MSA may be S (safety) */
			int ok = vlen == 1 && v &&
				 (strchr(METRICS[found].values, v) || (modified && v == 'X') ||
				  (modified && v == 'S' && (found == SI || found == SA)));
			if (!ok)
				return -1;
			char *slot = modified ? &mod[found] : &val[found];
			if (*slot)
				return -1; /* a metric given twice */
			*slot = v;
		}
		/* supplemental metrics (S, AU, R, V, RE, U) are allowed and ignored */
		p += n + (p[n] == '/');
	}
	for (int i = 0; i <= SA; i++)
		if (!val[i])
			return -1; /* every base metric is mandatory */
	for (int i = 0; i <= SA; i++)
		if (mod[i] && mod[i] != 'X')
			val[i] = mod[i];
	if (!val[E] || val[E] == 'X')
		val[E] = 'A';
	for (int i = CR; i <= AR; i++)
		if (!val[i] || val[i] == 'X')
			val[i] = 'H';
	return 0;
}

double vigil_cvss4_base_score(const char *vector)
{
	char v[NMETRIC];
	if (parse4(v, vector) < 0)
		return -1;
	if (v[VC] == 'N' && v[VI] == 'N' && v[VA] == 'N' && v[SC] == 'N' && v[SI] == 'N' &&
	    v[SA] == 'N')
		return 0.0;
	int all_n = v[AV] == 'N' && v[PR] == 'N' && v[UI] == 'N';
	int any_n = v[AV] == 'N' || v[PR] == 'N' || v[UI] == 'N';
	int e1 = all_n ? 0 : any_n && v[AV] != 'P' ? 1 : 2;
	int e2 = v[AC] == 'L' && v[AT] == 'N' ? 0 : 1;
	int e3 = v[VC] == 'H' && v[VI] == 'H'			? 0
		 : v[VC] == 'H' || v[VI] == 'H' || v[VA] == 'H' ? 1
								: 2;
	int e4 = v[SI] == 'S' || v[SA] == 'S'			? 0
		 : v[SC] == 'H' || v[SI] == 'H' || v[SA] == 'H' ? 1
								: 2;
	int e5 = v[E] == 'A' ? 0 : v[E] == 'P' ? 1 : 2;
	int e6 = (v[CR] == 'H' && v[VC] == 'H') || (v[IR] == 'H' && v[VI] == 'H') ||
				 (v[AR] == 'H' && v[VA] == 'H')
			 ? 0
			 : 1;
	int value = macro_score(e1, e2, e3, e4, e5, e6);
	if (value < 0)
		return -1;
	/* the next lower MacroVector of each class (-1: there is none) */
	int low1 = macro_score(e1 + 1, e2, e3, e4, e5, e6);
	int low2 = macro_score(e1, e2 + 1, e3, e4, e5, e6);
	int low36;
	if (e3 == 0 && e6 == 0) { /* two ways down: the higher one */
		int l = macro_score(e1, e2, e3, e4, e5, 1), r = macro_score(e1, e2, 1, e4, e5, e6);
		low36 = l > r ? l : r;
	} else if (e3 == 1 && e6 == 0) {
		low36 = macro_score(e1, e2, e3, e4, e5, 1);
	} else if (e6 == 1 && e3 < 2) {
		low36 = macro_score(e1, e2, e3 + 1, e4, e5, e6);
	} else {
		low36 = -1;
	}
	int low4 = macro_score(e1, e2, e3, e4 + 1, e5, e6);
	int low5 = macro_score(e1, e2, e3, e4, e5 + 1, e6);
	/* the severity distance from the first highest-severity vector of the MacroVector
	 * that is at least as severe in every metric */
	int d[NMETRIC] = {0};
	for (int a = 0; a < 3 && EQ1_MAX[e1][a]; a++)
		for (int b = 0; b < 2 && EQ2_MAX[e2][b]; b++)
			for (int c = 0; c < 5 && EQ36_MAX[e3][e6][c]; c++) {
				const char *m1 = EQ1_MAX[e1][a], *m2 = EQ2_MAX[e2][b];
				const char *m36 = EQ36_MAX[e3][e6][c], *m4 = EQ4_MAX[e4];
				d[AV] = level(AV, v[AV]) - level(AV, m1[0]);
				d[PR] = level(PR, v[PR]) - level(PR, m1[1]);
				d[UI] = level(UI, v[UI]) - level(UI, m1[2]);
				d[AC] = level(AC, v[AC]) - level(AC, m2[0]);
				d[AT] = level(AT, v[AT]) - level(AT, m2[1]);
				d[VC] = level(VC, v[VC]) - level(VC, m36[0]);
				d[VI] = level(VI, v[VI]) - level(VI, m36[1]);
				d[VA] = level(VA, v[VA]) - level(VA, m36[2]);
				d[CR] = level(CR, v[CR]) - level(CR, m36[3]);
				d[IR] = level(IR, v[IR]) - level(IR, m36[4]);
				d[AR] = level(AR, v[AR]) - level(AR, m36[5]);
				d[SC] = level(SC, v[SC]) - level(SC, m4[0]);
				d[SI] = level(SI, v[SI]) - level(SI, m4[1]);
				d[SA] = level(SA, v[SA]) - level(SA, m4[2]);
				int negative = 0;
				for (int i = 0; i < NMETRIC; i++)
					negative |= d[i] < 0;
				if (!negative)
					goto found;
			}
found:;
	int dist1 = d[AV] + d[PR] + d[UI], dist2 = d[AC] + d[AT];
	int dist36 = d[VC] + d[VI] + d[VA] + d[CR] + d[IR] + d[AR];
	int dist4 = d[SC] + d[SI] + d[SA];
	double sum = 0;
	int n = 0;
	/* scores in tenths: the gap to the lower MacroVector times the share of the depth */
	if (low1 >= 0)
		n++, sum += (value - low1) * (double)dist1 / EQ1_DEPTH[e1];
	if (low2 >= 0)
		n++, sum += (value - low2) * (double)dist2 / EQ2_DEPTH[e2];
	if (low36 >= 0)
		n++, sum += (value - low36) * (double)dist36 / EQ36_DEPTH[e3][e6];
	if (low4 >= 0)
		n++, sum += (value - low4) * (double)dist4 / EQ4_DEPTH[e4];
	if (low5 >= 0)
		n++; /* the threat class has no depth: it adds 0 */
	double score = value - (n ? sum / n : 0.0);
	if (score < 0)
		score = 0;
	if (score > 100)
		score = 100;
	return (double)(long long)(score + 0.5 + 1e-9) / 10.0; /* round half up */
}

double vigil_cvss_base_score(const char *vector)
{
	if (vector && strncmp(vector, "CVSS:4.0/", 9) == 0)
		return vigil_cvss4_base_score(vector);
	return vigil_cvss3_base_score(vector);
}
