/* Fuzzes the Amazon Linux updateinfo.xml importer (plain, or gzipped). */
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *member = size >= 2 && data[0] == 0x1f && data[1] == 0x8b
				     ? "al2023/updateinfo.xml.gz"
				     : "al2/updateinfo.xml";
	vigil_vdb__parse_buffer(&vigil_feed_alas, member, data, size, NULL, NULL);
	return 0;
}
