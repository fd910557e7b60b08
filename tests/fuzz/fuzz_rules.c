/* Fuzzes the runtime rule loader and compiler (YAML rules, lists, macros, conditions,
 * exceptions, output templates) with the built-in rules loaded first, as `vigil watch
 * --rules` does, then the analysis of what the exec probe must read. */
#include <stdint.h>
#include <stdio.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_rules *r = NULL;
	if (vigil_rules_new(&r) < 0)
		return 0;
	if (size > 0 && data[0] == '#') /* seeds starting with '#' also get the built-ins */
		vigil_rules_load_builtin(r);
	if (vigil_rules_load_buffer(r, "fuzz.yaml", (const char *)data, size) == 0 &&
	    vigil_rules_compile(r) == 0) {
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			vigil_rules_describe_exec(r, f);
			fclose(f);
		}
	}
	vigil_rules_free(r);
	return 0;
}
