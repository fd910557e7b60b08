/* CVSS v3.x base scores: the worked examples of FIRST's "CVSS v3.1 Examples" document,
 * vectors that are not valid v3 base vectors, and every distinct vector NVD published a
 * score for in ../shared's Ubuntu CVE tracker. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include "../test.h"
#include "vulndb/lang.h"

static int near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

TEST(test_cvss__spec_examples)
{
	static const struct {
		const char *vector;
		double score;
	} ex[] = {
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1}, /* CVE-2013-1937 */
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4}, /* CVE-2013-0375 */
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1}, /* CVE-2014-3566 */
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9}, /* CVE-2012-1516 */
		{"CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2}, /* CVE-2009-0783 */
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8}, /* CVE-2012-0384 */
		{"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8}, /* CVE-2015-1098 */
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5}, /* CVE-2014-0160 */
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8}, /* CVE-2014-6271 */
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8}, /* CVE-2008-1447 */
		{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8}, /* CVE-2014-2005 */
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8}, /* CVE-2010-0467 */
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8}, /* CVE-2012-1342 */
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4}, /* CVE-2014-9253 */
		{"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8}, /* CVE-2011-1265 */
		{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6}, /* CVE-2014-2019 */
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4}, /* CVE-2014-0224 */
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6}, /* CVE-2012-5376 */
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 6.8}, /* CVE-2016-0128 */
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8}, /* v3.0 */
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0}, /* no impact */
	};
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		double s = vigil_cvss3_base_score(ex[i].vector);
		if (!near(s, ex[i].score))
			printf("  %s: %.1f, expected %.1f\n", ex[i].vector, s, ex[i].score);
		CHECK(near(s, ex[i].score));
	}
}

TEST(test_cvss__metric_order_and_temporal_metrics_do_not_matter)
{
	CHECK(near(vigil_cvss3_base_score("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N"), 9.8));
	CHECK(near(vigil_cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O"),
		   9.8));
}

TEST(test_cvss__invalid_vectors)
{
	CHECK(vigil_cvss3_base_score(NULL) < 0);
	CHECK(vigil_cvss3_base_score("") < 0);
	CHECK(vigil_cvss3_base_score("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	CHECK(vigil_cvss3_base_score("CVSS:3.1//AV:N") < 0);
}

/* CVSS v4.0: vectors with the scores FIRST's calculator gives (the specification's
 * MacroVector method; values as published with the vectors by NVD and GitHub). */
TEST(test_cvss4__reference_scores)
{
	static const struct {
		const char *vector;
		double score;
	} ex[] = {
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.4},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.3},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.7},
		/* threat metric: unreported exploitation lowers the score */
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1},
		/* every optional metric "not defined", supplemental metrics: the base score */
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/"
		 "AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/"
		 "R:X/V:X/RE:X/U:X",
		 8.4},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
	};
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		double s = vigil_cvss4_base_score(ex[i].vector);
		if (!near(s, ex[i].score))
			printf("  %s: %.1f, expected %.1f\n", ex[i].vector, s, ex[i].score);
		CHECK(near(s, ex[i].score));
		CHECK(near(vigil_cvss_base_score(ex[i].vector), ex[i].score));
	}
	CHECK(near(vigil_cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8));
}

TEST(test_cvss4__invalid_vectors)
{
	CHECK(vigil_cvss4_base_score(NULL) < 0);
	CHECK(vigil_cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H") < 0);
	CHECK(vigil_cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
				     "SA:N/AV:N") < 0);
	CHECK(vigil_cvss4_base_score("CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
				     "SA:N") < 0);
	CHECK(vigil_cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/"
				     "SA:N") < 0); /* S only for MSI/MSA */
	CHECK(vigil_cvss4_base_score("CVSS:4.0/AV:NN/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/"
				     "SA:N") < 0);
	CHECK(vigil_cvss4_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	CHECK(vigil_cvss4_base_score("CVSS:4.0//") < 0);
}

/* The qualitative rating scale of the CVSS v3.1 specification (section 5): None 0.0,
 * Low 0.1-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0; the bounds themselves. */
TEST(test_cvss__rating_scale_bounds)
{
	static const struct {
		double score;
		const char *want;
	} v[] = {
		{0.1, "LOW"},  {3.9, "LOW"},  {4.0, "MEDIUM"},	 {6.9, "MEDIUM"},
		{7.0, "HIGH"}, {8.9, "HIGH"}, {9.0, "CRITICAL"}, {10.0, "CRITICAL"},
	};
	CHECK(vigil_vdb__severity_of_score(0.0) == NULL);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *got = vigil_vdb__severity_of_score(v[i].score);
		CHECK(got && strcmp(got, v[i].want) == 0);
	}
}

/* ---- scores NVD published: every distinct v3.x vector of ../shared's Ubuntu CVE tracker ---- */

struct published {
	char vector[96];
	double score;
	char rating[12];
};

/* Collects the " nvd: CVSS:3.x/... [S.S RATING]" lines of one tracker file, distinct by
 * vector (the first published score of a vector is kept; a second, different score of
 * the same vector is counted in *conflicts). */
static void published_lines(const char *text, struct published **v, size_t *n, size_t *cap,
			    size_t *conflicts)
{
	for (const char *l = strstr(text, "\n nvd: CVSS:3."); l;
	     l = strstr(l + 1, "\n nvd: CVSS:3.")) {
		struct published p = {0};
		char score[8];
		if (sscanf(l + 7, "%95s [%7[0-9.] %11[A-Z]]", p.vector, score, p.rating) != 3)
			continue;
		p.score = strtod(score, NULL);
		size_t i = 0;
		while (i < *n && strcmp((*v)[i].vector, p.vector) != 0)
			i++;
		if (i < *n) {
			*conflicts += (*v)[i].score != p.score;
			continue;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*v = realloc(*v, *cap * sizeof(**v));
		}
		(*v)[(*n)++] = p;
	}
}

TEST(test_cvss__scores_nvd_published)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "../shared";
	char path[4096];
	snprintf(path, sizeof(path), "%s/vulndata/ubuntu-cve-tracker.tar.gz", shared);
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		printf("  note: %s not found; this check is skipped\n", path);
		archive_read_free(a);
		const char *ci = getenv("CI");
		CHECK(!(ci && strcmp(ci, "true") == 0)); /* with CI=true a missing feed fails */
		return;
	}
	struct published *v = NULL;
	size_t n = 0, cap = 0, conflicts = 0, wrong = 0, files = 0;
	struct archive_entry *e;
	char *buf = NULL;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		la_int64_t size = archive_entry_size(e);
		if (archive_entry_filetype(e) != AE_IFREG || size <= 0 || size > (1 << 20))
			continue;
		buf = realloc(buf, (size_t)size + 2);
		buf[0] = '\n'; /* so a first line matches "\n nvd:" too */
		if (archive_read_data(a, buf + 1, (size_t)size) != size)
			break;
		buf[size + 1] = '\0';
		files++;
		published_lines(buf, &v, &n, &cap, &conflicts);
	}
	free(buf);
	archive_read_free(a);
	for (size_t i = 0; i < n; i++) {
		double s = vigil_cvss3_base_score(v[i].vector);
		const char *r = vigil_vdb__severity_of_score(s);
		if (!near(s, v[i].score) || !r || strcmp(r, v[i].rating) != 0) {
			if (wrong++ < 10)
				printf("  %s: %.1f %s, NVD published %.1f %s\n", v[i].vector, s,
				       r ? r : "-", v[i].score, v[i].rating);
		}
	}
	printf("  %zu distinct NVD v3.x vectors from %zu tracker files: %zu differ from NVD's "
	       "published score (%zu vectors published with two scores)\n",
	       n, files, wrong, conflicts);
	free(v);
	CHECK(n >= 300); /* the issue asks for a few hundred published vectors */
	CHECK(wrong == 0);
}
