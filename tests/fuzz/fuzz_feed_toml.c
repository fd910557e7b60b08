/* Fuzzes the TOML subset parser of RustSec front matter. */
#include "vulndb/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[128];
	json_decref(vigil_toml_parse((const char *)data, size, why, sizeof(why)));
	return 0;
}
