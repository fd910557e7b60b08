/*
 * End of support of distribution releases: the date after which a release gets no
 * security updates at all (Debian: end of LTS; Ubuntu: end of standard support, ESM
 * not counted; Alpine: end of the branch's support). These are the publicly announced
 * dates; they belong in the vulnerability database (so they update without a release)
 * once it exists, and are kept here until then.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"

typedef struct eol_entry {
	const char *id;
	const char *version; /* major ("12"), or major.minor ("3.20", "22.04") */
	const char *date;    /* YYYY-MM-DD, the last supported day */
} eol_entry;

static const eol_entry EOL[] = {
	{"debian", "7", "2018-05-31"},	   {"debian", "8", "2020-06-30"},
	{"debian", "9", "2022-06-30"},	   {"debian", "10", "2024-06-30"},
	{"debian", "11", "2026-08-31"},	   {"debian", "12", "2028-06-30"},
	{"ubuntu", "14.04", "2019-04-30"}, {"ubuntu", "16.04", "2021-04-30"},
	{"ubuntu", "18.04", "2023-05-31"}, {"ubuntu", "20.04", "2025-05-31"},
	{"ubuntu", "22.04", "2027-06-01"}, {"ubuntu", "24.04", "2029-05-31"},
	{"alpine", "3.9", "2020-11-01"},   {"alpine", "3.10", "2021-05-01"},
	{"alpine", "3.11", "2021-11-01"},  {"alpine", "3.12", "2022-05-01"},
	{"alpine", "3.13", "2022-11-01"},  {"alpine", "3.14", "2023-05-01"},
	{"alpine", "3.15", "2023-11-01"},  {"alpine", "3.16", "2024-05-23"},
	{"alpine", "3.17", "2024-11-22"},  {"alpine", "3.18", "2025-05-09"},
	{"alpine", "3.19", "2025-11-01"},  {"alpine", "3.20", "2026-04-01"},
	{"alpine", "3.21", "2026-11-01"},  {"alpine", "3.22", "2027-05-01"},
};

/* Today as YYYY-MM-DD, honouring SOURCE_DATE_EPOCH (for reproducible reports). */
static void today(char out[11])
{
	time_t t = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;
	struct tm tm;
	if (sde && vigil_parse_uint(&v, sde, (uint64_t)1 << 40) == 0)
		t = (time_t)v;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int vigil_catalog__eol(const char *id, const char *version_id)
{
	char now[11], key[16];
	if (!id || !version_id)
		return 0;
	/* Debian and Ubuntu keys are the release ("12", "22.04"); Alpine's the branch ("3.20") */
	size_t n = strcspn(version_id, ".");
	if (strcmp(id, "alpine") == 0 && version_id[n] == '.')
		n += 1 + strcspn(version_id + n + 1, ".");
	else if (strcmp(id, "ubuntu") == 0)
		n = strlen(version_id);
	if (n == 0 || n >= sizeof(key))
		return 0;
	memcpy(key, version_id, n);
	key[n] = '\0';
	today(now);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(EOL); i++)
		if (strcmp(EOL[i].id, id) == 0 && strcmp(EOL[i].version, key) == 0)
			return strcmp(now, EOL[i].date) > 0;
	return 0;
}
