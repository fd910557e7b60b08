/*
 * file.c - opening an input named by the user or an image: only a regular file is read.
 * The file is opened with O_NONBLOCK so a FIFO (or a device) never blocks the open, then
 * checked with fstat, and made blocking again for the reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

int vigil_open_regular(int dirfd, const char *path, int flags)
{
	struct stat st;
	int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

FILE *vigil_fopen_regular(const char *path)
{
	FILE *f;
	int fd;
	errno = 0;
	if ((fd = vigil_open_regular(AT_FDCWD, path, 0)) < 0)
		return NULL;
	if (!(f = fdopen(fd, "rb"))) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return f;
}

int vigil_buf_fread_all(vigil_buf *b, FILE *f)
{
	char chunk[65536];
	size_t n;
	int error;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((error = vigil_buf_put(b, chunk, n)) < 0)
			return error;
	return ferror(f) ? VIGIL_EIO : 0;
}

const char *vigil_open_strerror(int e)
{
	if (e == EINVAL)
		return "not a regular file (a FIFO, socket or device)";
	if (e == EISDIR)
		return "is a directory, not a file";
	return strerror(e);
}
