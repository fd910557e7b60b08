/*
 * A plain root filesystem directory (an unpacked image, a mounted container, or the
 * host's "/") read as one layer. Symlinks are recorded, never followed; kernel
 * pseudo-filesystems (/proc, /sys, ...) are skipped; files are read with O_NOFOLLOW.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ignore.h"
#include "image.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

typedef struct walk {
	vigil_image *img;
	vigil_layer *L;
	vigil_buf path;
	uint8_t *buf;
	dev_t root_dev;
	vigil_vec ignores; /* vigil_ignore *, one per directory level with a .gitignore */
} walk;

static int pseudo_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEVPTS_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC:
	case TRACEFS_MAGIC:
	case PSTOREFS_MAGIC:
		return 1;
	default:
		return 0;
	}
}

typedef struct pull_fd {
	int fd;
	uint8_t *buf;
	uint64_t left;
} pull_fd;

static int pull_file(void *src, const uint8_t **p, size_t *n)
{
	pull_fd *s = src;
	*n = 0;
	if (s->left == 0)
		return 0;
	ssize_t r;
	do
		r = read(s->fd, s->buf, 256 * 1024);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return VIGIL_EIO;
	if ((uint64_t)r > s->left)
		r = (ssize_t)s->left; /* the file grew while we read: stop at its listed size */
	s->left -= (uint64_t)r;
	*p = s->buf;
	*n = (size_t)r;
	return 0;
}

/* The file's content, opened only when an analyzer asks for it. */
typedef struct lazy_fd {
	pull_fd pf;
	int dirfd;
	const char *name;
	int open_errno;
} lazy_fd;

static int pull_first(void *src, const uint8_t **p, size_t *n)
{
	lazy_fd *l = src;
	*n = 0;
	l->pf.fd = openat(l->dirfd, l->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (l->pf.fd < 0) {
		l->open_errno = errno;
		return 0; /* unreadable: analyzers see an empty file; reported below */
	}
	return pull_file(&l->pf, p, n);
}

static int pull_rest(void *src, const uint8_t **p, size_t *n)
{
	lazy_fd *l = src;
	*n = 0;
	return l->pf.fd < 0 ? 0 : pull_file(&l->pf, p, n);
}

static int analyze_file(walk *w, int dirfd, const char *name, const vigil_rec *rec)
{
	vigil_image *img = w->img;
	vigil_file f;
	int error;
	if (!img->analyzers.len)
		return 0;
	memset(&f, 0, sizeof(f));
	f.path = (char *)w->path.data;
	f.size = rec->size;
	f.mtime = rec->mtime;
	f.mode = rec->mode;
	f.uid = rec->uid;
	f.gid = rec->gid;
	f.type = VIGIL_FT_FILE;
	f.removed_by = -1;
	lazy_fd l = {{-1, w->buf, rec->size}, dirfd, name, 0};
	error = vigil_image__analyze(img, &f, pull_first, pull_rest, &l);
	if (l.pf.fd >= 0)
		close(l.pf.fd);
	else if (l.open_errno && l.open_errno != ENOENT)
		vigil_image__warn(img, "%s: cannot read %s: %s", img->ref, f.path,
				  strerror(l.open_errno));
	if (error == VIGIL_EIO) {
		vigil_image__warn(img, "%s: cannot read %s", img->ref, f.path);
		error = 0;
	}
	if (error < 0 && error != VIGIL_ENOMEM && vigil_image__stop_msg(img))
		error = vigil_error_set(img->ctx, error, "%s: %s", img->ref,
					vigil_image__stop_msg(img));
	else if (error == VIGIL_ELIMIT)
		error = vigil_error_set(img->ctx, error,
					"%s: '%s' is a package database of %llu bytes, too large "
					"to read (raise --max-file-size); a package database is "
					"never skipped",
					img->ref, f.path, (unsigned long long)f.size);
	return error;
}

/* Source trees (`vigil fs`): reads the directory's .gitignore, if any, onto the stack. */
static int load_gitignore(walk *w, int dirfd)
{
	int fd = openat(dirfd, ".gitignore", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	vigil_buf b = VIGIL_BUF_INIT;
	vigil_ignore *ig = NULL;
	struct stat st;
	int error = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	b.limit = VIGIL_IGNORE_MAX_FILE;
	for (;;) {
		ssize_t r = read(fd, w->buf, 64 * 1024);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (b.len + (size_t)r > VIGIL_IGNORE_MAX_FILE) {
			r = (ssize_t)(VIGIL_IGNORE_MAX_FILE - b.len);
			vigil_image__warn(w->img,
					  "%s: %s/.gitignore: larger than 1 MiB, the rest "
					  "is not read",
					  w->img->ref, (char *)w->path.data);
		}
		if ((error = vigil_buf_put(&b, w->buf, (size_t)r)) < 0 ||
		    b.len >= VIGIL_IGNORE_MAX_FILE)
			break;
	}
	close(fd);
	if (error < 0) {
		vigil_buf_free(&b);
		return error;
	}
	/* the directory relative to the root: w->path is "/" + that */
	error = vigil_ignore__parse(&ig, (char *)w->path.data + 1,
				    b.data ? (const char *)b.data : "", b.len);
	vigil_buf_free(&b);
	if (error < 0)
		return error;
	vigil_ignore **slot = vigil_vec_push(&w->ignores);
	if (!slot) {
		vigil_ignore__free(ig);
		return VIGIL_ENOMEM;
	}
	*slot = ig;
	return 0;
}

/* Source trees: whether the entry at w->path is left out (.git, .gitignore rules from
 * the deepest file up, --skip-dirs, --skip-files). */
static int skipped(walk *w, const char *name, int is_dir)
{
	const char *rel = (char *)w->path.data + 1;
	if (is_dir && strcmp(name, ".git") == 0)
		return 1;
	for (size_t i = w->ignores.len; i-- > 0;) {
		int m = vigil_ignore__match(VIGIL_VEC_AT(&w->ignores, vigil_ignore *, i), rel,
					    is_dir);
		if (m > 0)
			return 1;
		if (m < 0)
			break; /* re-included: the skip globs still apply */
	}
	return vigil_skip__match(is_dir ? w->img->skip_dirs : w->img->skip_files, rel);
}

static int walk_dir(walk *w, int dirfd, uint32_t depth)
{
	vigil_image *img = w->img;
	const vigil_limits *lim = &img->ctx->limits;
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	size_t base = w->path.len;
	int error = 0;
	size_t nign = w->ignores.len;
	if (!d) {
		close(dirfd);
		return 0;
	}
	if (img->source_tree && (error = load_gitignore(w, dirfd)) < 0) {
		closedir(d);
		return error;
	}
	while ((de = readdir(d))) {
		struct stat st;
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		w->path.len = base;
		if ((base > 1 && (error = vigil_buf_putc(&w->path, '/')) < 0) ||
		    (error = vigil_buf_puts(&w->path, name)) < 0)
			break;
		if (img->source_tree && skipped(w, name, S_ISDIR(st.st_mode)))
			continue;
		if (vigil_ctx__skipped(img->ctx, (char *)w->path.data, S_ISDIR(st.st_mode)))
			continue; /* --skip-dirs / --skip-files: not listed, not descended */
		if (atomic_fetch_add(&img->nfiles, 1) + 1 > lim->max_files) {
			error = vigil_error_set(img->ctx, VIGIL_ELIMIT,
						"%s: more than %llu files (raise with --max-files)",
						img->ref, (unsigned long long)lim->max_files);
			break;
		}
		/* a directory walk has no total to show: the files seen so far */
		uint64_t seen = atomic_load(&img->nfiles);
		if (img->ctx->progress && (seen & 8191) == 0)
			img->ctx->progress(seen, VIGIL_PROGRESS_FILES, img->ctx->progress_payload);
		if (w->path.len > lim->max_path || depth + 1 > lim->max_depth) {
			error = vigil_error_set(img->ctx, VIGIL_ELIMIT,
						"%s: %s: path too long or too deep (raise with "
						"--max-path / --max-depth)",
						img->ref, (char *)w->path.data);
			break;
		}
		vigil_rec *rec = vigil_vec_push(&w->L->recs);
		if (!rec || !(rec->path = vigil_arena_strndup(
				      &w->L->arena, (char *)w->path.data + 1, w->path.len - 1))) {
			error = VIGIL_ENOMEM;
			break;
		}
		rec->mode = st.st_mode & 07777;
		rec->uid = st.st_uid;
		rec->gid = st.st_gid;
		rec->mtime = st.st_mtime;
		w->L->info.entries++;
		if (S_ISREG(st.st_mode)) {
			rec->type = VIGIL_FT_FILE;
			rec->size = (uint64_t)st.st_size;
			w->L->info.uncompressed_size += rec->size;
			if ((error = analyze_file(w, dirfd, name, rec)) < 0)
				break;
		} else if (S_ISDIR(st.st_mode)) {
			rec->type = VIGIL_FT_DIR;
			int sub = openat(dirfd, name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			if (pseudo_fs(sub)) {
				close(sub);
				continue; /* the directory is listed, its contents are not */
			}
			if ((error = walk_dir(w, sub, depth + 1)) < 0)
				break;
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
			rec->type = VIGIL_FT_SYMLINK;
			target[n > 0 ? n : 0] = '\0';
			if (!(rec->link = vigil_arena_strdup(&w->L->arena, target))) {
				error = VIGIL_ENOMEM;
				break;
			}
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			rec->type = S_ISCHR(st.st_mode) ? VIGIL_FT_CHAR : VIGIL_FT_BLOCK;
			rec->rmaj = major(st.st_rdev);
			rec->rmin = minor(st.st_rdev);
		} else if (S_ISFIFO(st.st_mode)) {
			rec->type = VIGIL_FT_FIFO;
		} else {
			w->L->recs.len--; /* sockets: not image content */
		}
	}
	w->path.len = base;
	while (w->ignores.len > nign)
		vigil_ignore__free(VIGIL_VEC_AT(&w->ignores, vigil_ignore *, --w->ignores.len));
	closedir(d);
	return error;
}

/* A whole filesystem (the host's "/", a mount) may hold more files than --max-files:
 * say so before a walk of minutes ends in that error. Counts the inodes in use on the
 * directory's filesystem when the directory is that filesystem's root. */
static void early_limit_check(vigil_image *img, int fd)
{
	struct statfs sf;
	struct stat st, parent;
	uint64_t max = img->ctx->limits.max_files;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0 || sf.f_files == 0 ||
	    sf.f_files < sf.f_ffree)
		return;
	int is_root = fstatat(fd, "..", &parent, 0) < 0 || parent.st_dev != st.st_dev ||
		      parent.st_ino == st.st_ino;
	uint64_t used = (uint64_t)(sf.f_files - sf.f_ffree);
	if (is_root && used > max)
		vigil_warn(img->ctx,
			   "%s holds about %llu files (inodes in use), more than --max-files %llu: "
			   "the scan will stop at that limit; raise --max-files or leave "
			   "directories out with --skip-dirs",
			   img->rootfs_dir, (unsigned long long)used, (unsigned long long)max);
}

int vigil_image__rootfs_read(vigil_image *img)
{
	walk w;
	int fd, error;
	vigil_layer *L = &img->layers[0];
	memset(&w, 0, sizeof(w));
	w.img = img;
	w.L = L;
	vigil_vec recs = VIGIL_VEC_INIT(vigil_rec), igs = VIGIL_VEC_INIT(vigil_ignore *);
	L->recs = recs;
	w.ignores = igs;
	vigil_arena_init(&L->arena);
	L->info.compression = "none";
	L->info.digest = L->info.diff_id = NULL;
	/* w.path holds "/" + the relative path: vigil_file.path and records share it */
	if (!(w.buf = malloc(256 * 1024)) || vigil_buf_putc(&w.path, '/') < 0) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if ((fd = open(img->rootfs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		error = vigil_error_set(img->ctx, VIGIL_EIO, "%s: %s", img->rootfs_dir,
					strerror(errno));
		goto done;
	}
	early_limit_check(img, fd);
	error = walk_dir(&w, fd, 0);
done:
	vigil_vec_free(&w.ignores);
	vigil_buf_free(&w.path);
	free(w.buf);
	return error;
}
