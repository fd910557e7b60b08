/* Fuzzes the Red Hat, Oracle Linux and SUSE OVAL importers (libxml2; bzip2/gzip through
 * libarchive) into an in-memory database. The first byte picks the feed and member name. */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const vigil_feed *feed;
		const char *member;
	} T[] = {
		{&vigil_feed_redhat_oval, "RHEL8/rhel-8.oval.xml"},
		{&vigil_feed_oracle_oval, "com.oracle.elsa-all.xml"},
		{&vigil_feed_suse_oval, "suse.linux.enterprise.server.15.xml"},
		{&vigil_feed_suse_oval, "opensuse.leap.15.5.xml"},
		{&vigil_feed_redhat_oval, "RHEL9/rhel-9.oval.xml.bz2"},
		{&vigil_feed_oracle_oval, "com.oracle.elsa-all.xml.bz2"},
		{&vigil_feed_suse_oval, "suse.linux.enterprise.server.12.xml.gz"},
		{&vigil_feed_suse_oval, "opensuse.leap.15.6.xml.gz"},
	};
	if (size < 1)
		return 0;
	unsigned k = data[0] % (sizeof(T) / sizeof(T[0]));
	if (vigil_vdb__parse_buffer(T[k].feed, T[k].member, data + 1, size - 1, NULL, NULL) ==
	    VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
