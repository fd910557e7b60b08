/* End of support of distribution releases. */
#include <stdlib.h>

#include "../test.h"
#include "catalog/catalog.h"

TEST(test_distro__eol_by_release_and_date)
{
	setenv("SOURCE_DATE_EPOCH", "1764000000", 1); /* 2025-11-24 */
	CHECK(vigil_catalog__eol("alpine", "3.9.6") == 1);
	CHECK(vigil_catalog__eol("alpine", "3.20.3") == 0);
	CHECK(vigil_catalog__eol("debian", "10") == 1);
	CHECK(vigil_catalog__eol("debian", "11.11") == 0); /* LTS until 2026-08-31 */
	CHECK(vigil_catalog__eol("ubuntu", "20.04") == 1);
	CHECK(vigil_catalog__eol("ubuntu", "22.04") == 0);
	CHECK(vigil_catalog__eol("fedora", "39") == 0); /* unknown: not flagged */
	CHECK(vigil_catalog__eol(NULL, "1") == 0);
	setenv("SOURCE_DATE_EPOCH", "1790000000", 1); /* 2026-09-21 */
	CHECK(vigil_catalog__eol("debian", "11") == 1);
	unsetenv("SOURCE_DATE_EPOCH");
}
