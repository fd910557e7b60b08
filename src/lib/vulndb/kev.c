/* CISA Known Exploited Vulnerabilities: known_exploited_vulnerabilities.json. */
#include <string.h>

#include <jansson.h>

#include "vulndb.h"

static int want(const char *member)
{
	return strcmp(member, "known_exploited_vulnerabilities.json") == 0;
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
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
	vigil_vdb__source_date(b, str(doc, "catalogVersion"));
	json_t *list = json_object_get(doc, "vulnerabilities");
	for (size_t i = 0; i < json_array_size(list) && error == 0; i++) {
		json_t *v = json_array_get(list, i);
		const char *cve = str(v, "cveID");
		if (!cve || strncmp(cve, "CVE-", 4) != 0) {
			vigil_vdb__skipped(b, member, "entry without a cveID");
			continue;
		}
		error = vigil_vdb__kev(b, cve, str(v, "dateAdded"), str(v, "vendorProject"),
				       str(v, "product"), str(v, "vulnerabilityName"));
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
