/*
 * FIRST EPSS daily scores (https://epss.cyentia.com/epss_scores-current.csv.gz): a
 * comment line "#model_version:...,score_date:YYYY-MM-DDT..." then "cve,epss,percentile"
 * and one line per CVE. The member may be gzipped (.csv.gz) or plain (.csv).
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "vulndb.h"

static int want(const char *member)
{
	size_t n = strlen(member);
	return !strchr(member, '/') && ((n > 4 && strcmp(member + n - 4, ".csv") == 0) ||
					(n > 7 && strcmp(member + n - 7, ".csv.gz") == 0));
}

/* A probability 0-1 from a field of at most 31 bytes, or -1. */
static double prob(const char *p, size_t n)
{
	char num[32], *end;
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	double v = strtod(num, &end);
	return *end == '\0' && v >= 0.0 && v <= 1.0 ? v : -1;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	char *text = NULL;
	size_t n = strlen(member), tlen = len;
	int error = 0, header = 0;
	if (n > 3 && strcmp(member + n - 3, ".gz") == 0) {
		if ((error = vigil_vdb__gunzip(&text, &tlen, data, len, (size_t)1 << 30)) < 0) {
			if (error == VIGIL_ENOMEM)
				return error;
			vigil_vdb__skipped(b, member, "not a complete gzip file");
			return 0;
		}
	}
	const char *p = text ? text : (const char *)data, *end = p + tlen;
	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *line = p;
		p = nl ? nl + 1 : end;
		if (le > line && le[-1] == '\r')
			le--;
		if (le == line)
			continue;
		if (line[0] == '#') { /* #model_version:v2025.03.14,score_date:2025-...T00:00:00Z */
			const char *sd = memmem(line, (size_t)(le - line), "score_date:", 11);
			if (sd) {
				char date[32];
				size_t dl = (size_t)(le - sd - 11);
				snprintf(date, sizeof(date), "%.*s", (int)(dl < 31 ? dl : 31),
					 sd + 11);
				vigil_vdb__source_date(b, date);
			}
			continue;
		}
		if (!header && (size_t)(le - line) >= 3 && strncmp(line, "cve", 3) == 0) {
			header = 1;
			continue;
		}
		const char *c1 = memchr(line, ',', (size_t)(le - line));
		const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(le - c1 - 1)) : NULL;
		char cve[32];
		double s = c2 ? prob(c1 + 1, (size_t)(c2 - c1 - 1)) : -1;
		double pc = c2 ? prob(c2 + 1, (size_t)(le - c2 - 1)) : -1;
		if (!c2 || c1 - line < 9 || c1 - line >= (long)sizeof(cve) ||
		    strncmp(line, "CVE-", 4) != 0 || s < 0 || pc < 0) {
			vigil_vdb__skipped(b, member, "malformed line");
			continue;
		}
		snprintf(cve, sizeof(cve), "%.*s", (int)(c1 - line), line);
		error = vigil_vdb__epss(b, cve, s, pc);
		vigil_vdb__record(b);
	}
	free(text);
	return error;
}

const vigil_feed vigil_feed_epss = {
	"epss", "https://epss.cyentia.com/epss_scores-current.csv.gz", want, parse, 1u << 30,
};
