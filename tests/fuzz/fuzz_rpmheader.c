/*
 * Fuzzes the rpm header parser: the input is one header blob as an rpm database stores
 * it. A blob that parses is also turned into its version strings and file paths, with
 * small caps so that the limit paths are reached too.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/rpm_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_rpm_header h;
	vigil_rpm_files fl = VIGIL_RPM_FILES_INIT;
	vigil_buf scratch = VIGIL_BUF_INIT;
	vigil_rpm_evr evr;
	const char *const *files;
	size_t n, total = 0;
	if (vigil_rpm__header_parse(&h, data, size) < 0)
		return 0;
	if (vigil_rpm__evr(&evr, &scratch, &h) == 0) {
		total += evr.version ? strlen(evr.version) : 0;
		total += evr.source_name ? strlen(evr.source_name) + strlen(evr.source_version) : 0;
	}
	const size_t caps[][2] = {{VIGIL_RPM_MAX_FILES_PKG, 1u << 24}, {3, 64}};
	for (size_t c = 0; c < 2; c++) {
		if (vigil_rpm__files(&files, &n, &fl, &h, caps[c][0], caps[c][1]) == VIGIL_ENOMEM)
			break;
		for (size_t i = 0; files && i < n; i++)
			total += strlen(files[i]);
		if (files && files[n] != NULL)
			abort();
	}
	vigil_rpm__files_free(&fl);
	vigil_buf_free(&scratch);
	return total == (size_t)-1;
}
