/* Fuzzes the database bundle reader (header, zstd stream, size and checksum checks);
 * the database it unpacks goes to /dev/null. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vulndb/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx;
	int in = memfd_create("bundle", MFD_CLOEXEC), out = open("/dev/null", O_WRONLY | O_CLOEXEC),
	    schema;
	if (in >= 0 && out >= 0 && write(in, data, size) == (ssize_t)size &&
	    lseek(in, 0, SEEK_SET) == 0 && vigil_ctx_new(&ctx) == 0) {
		vigil_vdb__bundle_unpack(ctx, in, out, &schema);
		vigil_ctx_free(ctx);
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return 0;
}
