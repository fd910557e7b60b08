/* vigil_config_ref_url: the page of one cross-reference of a check, for SARIF helpUri
 * and the HTML report; unknown or malformed ids (and hostile lengths) give NULL. */
#include "../test.h"
#include "config/config.h"

static const char *url(char *buf, size_t n, const char *ref)
{
	return vigil_config_ref_url(buf, n, ref, strlen(ref));
}

TEST(test_refs__pages_of_each_kind)
{
	char b[160];
	CHECK_STR(url(b, sizeof(b), "DL3002"), "https://github.com/hadolint/hadolint/wiki/DL3002");
	CHECK_STR(url(b, sizeof(b), "DS032"), "https://avd.aquasec.com/misconfig/ds032");
	CHECK_STR(url(b, sizeof(b), "KSV017"), "https://avd.aquasec.com/misconfig/ksv017");
	CHECK_STR(url(b, sizeof(b), "KSV0125"), "https://avd.aquasec.com/misconfig/ksv0125");
	CHECK_STR(url(b, sizeof(b), "CWE-494"), "https://cwe.mitre.org/data/definitions/494.html");
	CHECK_STR(url(b, sizeof(b), "CVE-2020-8554"),
		  "https://nvd.nist.gov/vuln/detail/CVE-2020-8554");
	/* one token of a list: only `len` bytes count */
	CHECK_STR(vigil_config_ref_url(b, sizeof(b), "DL4006, DS032", 6),
		  "https://github.com/hadolint/hadolint/wiki/DL4006");
}

TEST(test_refs__no_page_for_others)
{
	char b[160];
	static const char *const none[] = {"CKV_K8S_43",    "4.1",     "K8s 5.2.2", "DL",
					   "KSV",	    "dl3002",  "DL3002x",   "XY123",
					   "ABCD12",	    "CWE-",    "CWE-12a",   "CVE-20",
					   "CVE-2020-85x4", "DL30 02", "",	    NULL};
	for (size_t i = 0; none[i]; i++)
		CHECK(url(b, sizeof(b), none[i]) == NULL);
	CHECK(vigil_config_ref_url(NULL, 10, "DL3002", 6) == NULL);
	CHECK(vigil_config_ref_url(b, 0, "DL3002", 6) == NULL);
	CHECK(vigil_config_ref_url(b, sizeof(b), NULL, 6) == NULL);
	/* a hostile length is refused, a short buffer truncates but stays terminated */
	char big[4096];
	memset(big, '1', sizeof(big) - 1);
	big[0] = 'D', big[1] = 'L', big[sizeof(big) - 1] = 0;
	CHECK(url(b, sizeof(b), big) == NULL);
	char small[12];
	CHECK(url(small, sizeof(small), "DL3002") == small && strlen(small) == sizeof(small) - 1);
}
