/*
 * debian-security-support: security-support-ended.debN (source package, last supported
 * version, date the support ended, optional note; columns separated by blanks) and
 * security-support-limited (source package, optional note). Ended rows go under
 * debian:N; limited rows under the family "debian", since the list is not tied to a
 * release (vigil_db_support_lookup finds them for every release). Package names are
 * kept as written, including prefix patterns such as "golang.*". The unsuffixed
 * security-support-ended is the list of the package's own release (a copy of the
 * highest .debN) and is not read twice.
 */
#include <ctype.h>
#include <string.h>

#include "vulndb.h"

#define MAX_FIELD 1024

static int want(const char *member)
{
	return strcmp(member, "security-support-limited") == 0 ||
	       (strncmp(member, "security-support-ended.deb", 26) == 0 && member[26] &&
		strspn(member + 26, "0123456789") == strlen(member + 26));
}

/* Copies the next blank-separated column of *p into out (truncated) and advances. */
static size_t column(char *out, size_t n, const char **p, const char *end)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	const char *e = s;
	while (e < end && *e != ' ' && *e != '\t')
		e++;
	snprintf(out, n, "%.*s", (int)(e - s), s);
	*p = e;
	return (size_t)(e - s);
}

/* The rest of the line, without surrounding blanks. */
static void rest(char *out, size_t n, const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	snprintf(out, n, "%.*s", (int)(end - s), s);
}

static int valid_date(const char *d)
{
	return strlen(d) == 10 && isdigit((unsigned char)d[0]) && d[4] == '-' && d[7] == '-';
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	const char *text = (const char *)data, *end = text + len;
	int limited = strcmp(member, "security-support-limited") == 0, error = 0;
	char eco[64];
	if (limited)
		snprintf(eco, sizeof(eco), "debian");
	else
		snprintf(eco, sizeof(eco), "debian:%s", member + 26);
	for (const char *line = text; line < end && error == 0;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end, *p = line;
		char pkg[MAX_FIELD], version[MAX_FIELD], date[MAX_FIELD], note[MAX_FIELD];
		line = nl ? nl + 1 : end;
		while (p < le && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == le || *p == '#')
			continue;
		column(pkg, sizeof(pkg), &p, le);
		if (limited) {
			rest(note, sizeof(note), p, le);
			error = vigil_vdb__support(b, eco, pkg, NULL, NULL, note[0] ? note : NULL,
						   1);
		} else {
			if (!column(version, sizeof(version), &p, le) ||
			    !column(date, sizeof(date), &p, le) || !valid_date(date)) {
				vigil_vdb__skipped(b, member, "line without a version and a date");
				continue;
			}
			rest(note, sizeof(note), p, le);
			error = vigil_vdb__support(b, eco, pkg, version, date,
						   note[0] ? note : NULL, 0);
		}
		vigil_vdb__record(b);
	}
	return error;
}

const vigil_feed vigil_feed_debsupport = {
	"debian-security-support",
	"https://deb.debian.org/debian/pool/main/d/debian-security-support/",
	want,
	parse,
	4u << 20,
};
