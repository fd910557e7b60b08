/* CISA Known Exploited Vulnerabilities: known_exploited_vulnerabilities.json. */
#include <string.h>

#include <jansson.h>

#include "vulndb.h"
#include "lang.h"

static int want(const char *member)
{
	return strcmp(member, "known_exploited_vulnerabilities.json") == 0;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, len, 0, &jerr);
	int error = 0;
	if (!doc) {
		vigil_vdb__skipped(b, member, "malformed JSON");
		return VIGIL_EFORMAT;
	}
	vigil_vdb__source_date(b, vigil_vdb__jstr(doc, "catalogVersion"));
	json_t *list = json_object_get(doc, "vulnerabilities");
	for (size_t i = 0; i < json_array_size(list) && error == 0; i++) {
		json_t *v = json_array_get(list, i);
		const char *cve = vigil_vdb__jstr(v, "cveID");
		if (!cve || strncmp(cve, "CVE-", 4) != 0) {
			vigil_vdb__skipped(b, member, "entry without a cveID");
			continue;
		}
		error = vigil_vdb__kev(b, cve, vigil_vdb__jstr(v, "dateAdded"),
				       vigil_vdb__jstr(v, "vendorProject"),
				       vigil_vdb__jstr(v, "product"),
				       vigil_vdb__jstr(v, "vulnerabilityName"));
		vigil_vdb__record(b);
	}
	json_decref(doc);
	return error;
}

const vigil_feed vigil_feed_kev = {
	"cisa-kev",
	"https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
	want,
	parse,
	64u << 20,
};
