/* target.c - the file the I/O goes to, and the promise around it.
 *
 * --dir DIR: gb-diskio creates its own file there (O_EXCL, a name no one
 * else uses), fills it with stamped pseudo-random data (verify.c: nothing
 * dedups or compresses), and removes it at the end, on an error and on
 * SIGINT/SIGTERM/SIGHUP, unless --keep.  DIR is resolved once, when it is
 * opened: the file is created and removed relative to that descriptor, so
 * a DIR renamed or replaced by a symlink during the run never makes us
 * remove a file somewhere else.
 * --file PATH: an existing file or block device, opened read-only unless
 * --allow-write; never created, never truncated, never extended.  It is
 * opened first and judged on the descriptor (fstat), so what is measured
 * is what was checked, whatever happens to PATH meanwhile.  A block device
 * opened for writing is opened O_EXCL: one that is mounted or held (swap,
 * LVM, md, another O_EXCL user) fails with EBUSY and is refused.
 *
 * O_DIRECT is asked for, not assumed: a filesystem that refuses it (tmpfs
 * before Linux 6.6, some overlays, gVisor's gofer) says so at fcntl/open
 * time, in statx's STATX_DIOALIGN (offset alignment 0) or at the first
 * I/O with EINVAL; each is an exit 3 unless --buffered.
 *
 * Test-only fault: GB_FAULT=diskio.no_direct makes the O_DIRECT request fail as
 * such a filesystem would (EINVAL), because tmpfs accepts O_DIRECT on the
 * kernels tests run on. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "clock.h"
#include "fault.h"
#include "pattern.h"
#include "pid1.h"
#include "target.h"
#include "util.h"
#include "verify.h"

#define GiB (1ull << 30)
#define FILL_CHUNK (1u << 20)

/* The file to remove if a signal ends the run: a name in a directory we
 * hold open (unlinkat is async-signal-safe).  Set and cleared with the
 * signals blocked, so the handler never sees half of it. */
static int cleanup_dirfd = -1;
static char cleanup_name[NAME_MAX + 1];

static void on_signal(int sig)
{
	if (cleanup_name[0])
		unlinkat(cleanup_dirfd, cleanup_name, 0);
	gb_die_by_signal(sig);	/* so the parent sees what ended the run */
}

static void block_signals(int block)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
}

/* name NULL (--keep): the signals still end the run the same way, and
 * the file stays */
static void arm_cleanup(int dirfd, const char *name)
{
	cleanup_dirfd = dirfd;
	gb_strlcpy(cleanup_name, name ? name : "", sizeof cleanup_name);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case EXT4_SUPER_MAGIC: return "ext4";	/* ext2/3 share it */
	case XFS_SUPER_MAGIC: return "xfs";
	case BTRFS_SUPER_MAGIC: return "btrfs";
	case TMPFS_MAGIC: return "tmpfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlay";
	case NFS_SUPER_MAGIC: return "nfs";
	case V9FS_MAGIC: return "9p";
	case FUSE_SUPER_MAGIC: return "fuse";	/* virtiofs too */
	case 0x2fc12fc1: return "zfs";
	case 0xf2f52010: return "f2fs";
	case BDEVFS_MAGIC: return "bdev";
	default: return "unknown";
	}
}

static int no_direct_hook(void)
{
	const char *h = gb_fault("no_direct");
	return h != NULL;
}

/* Ask for O_DIRECT on an open descriptor; 0 or the errno that refused it. */
static int want_direct(int fd)
{
	if (no_direct_hook())
		return EINVAL;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_DIRECT) < 0)
		return errno;
	return 0;
}

static int refuse_direct(const dio_target *t, int err, char *msg, size_t len)
{
	snprintf(msg, len,
		 "O_DIRECT is refused on %s (filesystem %s: %s); direct I/O cannot be measured here. "
		 "--buffered measures through the page cache instead (marked in the result)",
		 t->path, t->fstype, strerror(err));
	return GB_EXIT_ENV;
}

/* Alignment of O_DIRECT I/O: statx STATX_DIOALIGN (Linux >= 6.1), the
 * device's logical block size, or a page (always enough). */
static int find_alignment(dio_target *t, int *dio_unsupported)
{
	struct statx sx;
	*dio_unsupported = 0;
	t->align = 4096;
	t->mem_align = 4096;
	t->align_source = "default";
	if (statx(t->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 && (sx.stx_mask & STATX_DIOALIGN)) {
		if (sx.stx_dio_offset_align == 0) {
			*dio_unsupported = 1;	/* the filesystem says: no direct I/O on this file */
			return 0;
		}
		t->align = sx.stx_dio_offset_align;
		t->mem_align = sx.stx_dio_mem_align ? sx.stx_dio_mem_align : t->align;
		t->align_source = "statx";
		return 0;
	}
	int lbs;
	if (t->is_blockdev && ioctl(t->fd, BLKSSZGET, &lbs) == 0 && lbs > 0) {
		t->align = t->mem_align = (uint32_t)lbs;
		t->align_source = "BLKSSZGET";
	}
	return 0;
}

void *dio_buf_alloc(const dio_target *t, size_t size)
{
	void *p = NULL;
	/* a page at least: no alignment a filesystem asks for is larger */
	size_t a = t->mem_align > 4096 ? t->mem_align : 4096;
	if (posix_memalign(&p, a, size ? size : a))
		gb_die(GB_EXIT_INVALID, "out of memory for %zu bytes of I/O buffers", size);
	memset(p, 0, size);
	return p;
}

/* Write the stamped content over [0, size). */
static int fill(dio_target *t, uint64_t seed, char *msg, size_t len)
{
	char *buf = dio_buf_alloc(t, FILL_CHUNK);
	uint64_t t0 = gb_now_ns(), last = t0;
	int rc = 0;
	for (uint64_t off = 0; off < t->size; off += FILL_CHUNK) {
		size_t n = t->size - off < FILL_CHUNK ? (size_t)(t->size - off) : FILL_CHUNK;
		dio_stamp_fill(buf, n, off, seed);
		ssize_t w = pwrite(t->fd, buf, n, (off_t)off);
		if (w < 0 && errno == EINVAL && t->direct && off == 0) {
			rc = refuse_direct(t, EINVAL, msg, len);
			break;
		}
		if (w != (ssize_t)n) {
			snprintf(msg, len, "filling %s at offset %llu: %s", t->path, (unsigned long long)off,
				 w < 0 ? strerror(errno) : "short write");
			rc = w < 0 && errno == ENOSPC ? GB_EXIT_ENV : GB_EXIT_INVALID;
			break;
		}
		uint64_t now = gb_now_ns();
		if (now - last > 200000000ull) {
			gb_progress("filling %s: %llu%%", t->path, (unsigned long long)(off * 100 / t->size));
			last = now;
		}
	}
	if (rc == 0 && fdatasync(t->fd) < 0) {
		snprintf(msg, len, "fdatasync %s: %s", t->path, strerror(errno));
		rc = GB_EXIT_INVALID;
	}
	/* buffered runs must not start with the whole file in the cache */
	if (rc == 0 && !t->direct)
		posix_fadvise(t->fd, 0, 0, POSIX_FADV_DONTNEED);
	gb_progress_done();
	gb_info("filled %s (%llu bytes) in %.2f s", t->path, (unsigned long long)t->size,
		(double)(gb_now_ns() - t0) / 1e9);
	free(buf);
	return rc;
}

/* Open --file once, then judge what was opened.  O_NONBLOCK: a FIFO or a
 * terminal named by mistake is refused below instead of blocking the open
 * (it is cleared again: io_uring would answer EAGAIN on such a file).  A
 * symlink given as PATH (/dev/disk/by-id/...) is the user's own name for
 * the target and is followed, once. */
static int open_existing(dio_target *t, const dio_target_req *req, char *msg, size_t len)
{
	int mode = (req->allow_write ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	/* never O_CREAT, never O_TRUNC: the file is someone else's.  O_EXCL
	 * without O_CREAT claims a block device (EBUSY if it is mounted or
	 * held) and means nothing for other files */
	t->fd = open(req->file, mode | O_EXCL);
	if (t->fd < 0 && errno == EBUSY) {
		if (req->allow_write) {
			snprintf(msg, len, "--file %s is in use (a mounted filesystem, swap, LVM/md, or another program "
				 "holds it): gb-diskio writes only to a device nothing else uses", req->file);
			return GB_EXIT_ENV;
		}
		/* reading cannot harm it; the figures say it was shared */
		t->in_use = 1;
		t->fd = open(req->file, mode);
	}
	if (t->fd < 0) {
		int err = errno;
		snprintf(msg, len, "--file %s: %s", req->file, strerror(err));
		return err == EACCES || err == EPERM || err == EROFS || err == EBUSY ? GB_EXIT_ENV : GB_EXIT_USAGE;
	}
	struct stat st;
	if (fstat(t->fd, &st) < 0) {
		snprintf(msg, len, "--file %s: fstat: %s", req->file, strerror(errno));
		return GB_EXIT_ENV;
	}
	t->is_blockdev = S_ISBLK(st.st_mode);
	if (!S_ISREG(st.st_mode) && !t->is_blockdev) {
		snprintf(msg, len, "--file %s: not a regular file or a block device", req->file);
		return GB_EXIT_USAGE;
	}
	int fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		snprintf(msg, len, "--file %s: fcntl: %s", req->file, strerror(errno));
		return GB_EXIT_ENV;
	}
	t->writable = req->allow_write;
	uint64_t have = (uint64_t)st.st_size;
	if (t->is_blockdev && ioctl(t->fd, BLKGETSIZE64, &have) < 0)
		have = 0;
	if (req->size > have) {
		snprintf(msg, len, "--size %llu is larger than %s (%llu bytes); it is never extended",
			 (unsigned long long)req->size, req->file, (unsigned long long)have);
		return GB_EXIT_ENV;
	}
	t->size = req->size ? req->size : have;
	if (!req->size && req->quick_size && t->size > req->quick_size)
		t->size = req->quick_size;
	return 0;
}

/* Size the file to create in the directory open as t->dirfd. */
static int own_size(const dio_target *t, const dio_target_req *req, uint64_t *out, char *msg, size_t len)
{
	struct statvfs vfs;
	if (fstatvfs(t->dirfd, &vfs) < 0) {
		snprintf(msg, len, "--dir %s: statvfs: %s", req->dir, strerror(errno));
		return GB_EXIT_ENV;
	}
	uint64_t free_b = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	uint64_t size = req->size;
	if (!size) {
		size = free_b / 4 < 4 * GiB ? free_b / 4 : 4 * GiB;
		if (req->quick_size && size > req->quick_size)
			size = req->quick_size;
	} else if (size > free_b / 10 * 9) {
		/* leave the filesystem a tenth: a benchmark must not fill a disk */
		snprintf(msg, len, "--size %llu does not fit in %s: %llu bytes free (at most 90%% is used)",
			 (unsigned long long)size, req->dir, (unsigned long long)free_b);
		return GB_EXIT_ENV;
	}
	if (req->unit && size < req->unit) {
		snprintf(msg, len, "%s has too little free space (%llu bytes) for one block of %llu",
			 req->dir, (unsigned long long)free_b, (unsigned long long)req->unit);
		return GB_EXIT_ENV;
	}
	*out = size;
	return 0;
}

static int create_own(dio_target *t, const dio_target_req *req, char *msg, size_t len)
{
	/* DIR itself may be a symlink the user chose (it is followed here,
	 * once); O_PATH: search permission is all creating in it needs */
	t->dirfd = open(req->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd < 0) {
		snprintf(msg, len, "--dir %s: %s", req->dir, errno == ENOTDIR ? "not a directory" : strerror(errno));
		return GB_EXIT_USAGE;
	}
	uint64_t size;
	int rc = own_size(t, req, &size, msg, len);
	if (rc)
		return rc;
	t->size = size;

	char name[64], path[PATH_MAX];
	uint64_t r = gb_now_ns() ^ ((uint64_t)getpid() << 32);
	/* no signal between creating the file and knowing to remove it */
	block_signals(1);
	for (int tries = 0; tries < 100; tries++) {
		snprintf(name, sizeof name, "gb-diskio-%d-%06llx.dat", (int)getpid(),
			 (unsigned long long)(dio_rand(&r) & 0xffffff));
		/* O_EXCL: never open, let alone truncate, a file (or follow a
		 * symlink) that exists */
		t->fd = openat(t->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (t->fd >= 0 || errno != EEXIST)
			break;
	}
	if (t->fd >= 0) {
		t->name = gb_xstrdup(name);
		t->created = 1;
		t->writable = 1;
		arm_cleanup(t->dirfd, req->keep ? NULL : name);
	}
	int err = errno;
	block_signals(0);
	if (t->fd < 0) {
		snprintf(msg, len, "cannot create a file in %s: %s", req->dir, strerror(err));
		return GB_EXIT_ENV;
	}
	/* the path is for messages and the result; nothing opens it */
	snprintf(path, sizeof path, "%s/%s", req->dir, name);
	t->path = gb_xstrdup(path);
	/* reserve the space now, so a full disk is an error before the run */
	int e = posix_fallocate(t->fd, 0, (off_t)size);
	if (e == ENOSPC) {
		snprintf(msg, len, "%s: no space for %llu bytes", req->dir, (unsigned long long)size);
		return GB_EXIT_ENV;
	}
	return 0;
}

int dio_target_open(dio_target *t, const dio_target_req *req, char *msg, size_t len)
{
	memset(t, 0, sizeof *t);
	t->fd = -1;
	t->dirfd = -1;
	if (req->file && req->writes && !req->allow_write) {
		snprintf(msg, len, "--file %s is read-only without --allow-write", req->file);
		return GB_EXIT_USAGE;
	}
	int rc = req->file ? open_existing(t, req, msg, len) : create_own(t, req, msg, len);
	if (rc)
		return rc;
	if (!t->path)
		t->path = gb_xstrdup(req->file);

	struct statfs sfs;
	t->fstype = fstatfs(t->fd, &sfs) == 0 ? fs_name(sfs.f_type) : "unknown";
	if (t->is_blockdev)
		t->fstype = "block device";

	int unsupported;
	find_alignment(t, &unsupported);
	if (!req->buffered) {
		int err = unsupported ? EINVAL : want_direct(t->fd);
		if (err)
			return refuse_direct(t, err, msg, len);
		t->direct = 1;
	}
	t->size -= t->size % (req->unit > t->align ? req->unit : t->align);
	if (t->size == 0) {
		snprintf(msg, len, "%s holds less than one block of %llu bytes", t->path,
			 (unsigned long long)(req->unit > t->align ? req->unit : t->align));
		return GB_EXIT_ENV;
	}

	if (t->created || (req->stamp_existing && t->writable))
		return fill(t, req->seed, msg, len);
	/* an existing file: one aligned read proves that direct I/O works here */
	char *b = dio_buf_alloc(t, t->align);
	ssize_t n = pread(t->fd, b, t->align, 0);
	int err = errno;
	free(b);
	if (n < 0 && err == EINVAL && t->direct)
		return refuse_direct(t, err, msg, len);
	if (n < 0) {
		snprintf(msg, len, "reading %s: %s", t->path, strerror(err));
		return GB_EXIT_ENV;
	}
	return 0;
}

void dio_target_close(dio_target *t, int keep)
{
	block_signals(1);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->created && !keep)
		unlinkat(t->dirfd, t->name, 0);
	if (t->created)
		cleanup_name[0] = '\0';
	block_signals(0);
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->dirfd = -1;
	free(t->path);
	free(t->name);
	t->path = t->name = NULL;
}
