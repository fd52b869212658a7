/* ops_kernel.c - plain kernel entries: the cost of a round trip into the
 * kernel and back, which seccomp filters, mitigations and sandboxes such
 * as gVisor (a user-space kernel) all lengthen. */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* getpid/getppid: Li et al.'s measure.  Issued with the syscall
 * instruction itself: glibc versions have cached getpid in user space. */
static uint64_t loop_getpid(void *ctx, uint64_t n)
{
	long want = getpid(), got = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		got = sc_raw0(SYS_getpid);
	uint64_t t = gb_now_ns() - t0;
	return got == want ? t : sc_fail(ctx, "getpid returned %ld, expected %ld", got, want);
}

static uint64_t loop_getppid(void *ctx, uint64_t n)
{
	long want = getppid(), got = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		got = sc_raw0(SYS_getppid);
	uint64_t t = gb_now_ns() - t0;
	return got == want ? t : sc_fail(ctx, "getppid returned %ld, expected %ld", got, want);
}

/* Time reads: the vDSO path stays in user space when the clocksource
 * allows it; the raw path always enters the kernel. */
static uint64_t loop_clock_vdso(void *ctx, uint64_t n)
{
	struct timespec ts = { 0, 0 };
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t t = gb_now_ns() - t0;
	return ts.tv_sec || ts.tv_nsec ? t : sc_fail(ctx, "clock_gettime gave a zero time");
}

static uint64_t loop_clock_raw(void *ctx, uint64_t n)
{
	struct timespec ts = { 0, 0 };
	long rc = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		rc |= sc_raw2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts);
	uint64_t t = gb_now_ns() - t0;
	return rc == 0 && (ts.tv_sec || ts.tv_nsec) ? t
						    : sc_fail(ctx, "clock_gettime syscall failed (%ld)", rc);
}

static uint64_t loop_gettimeofday(void *ctx, uint64_t n)
{
	struct timeval tv = { 0, 0 };
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		gettimeofday(&tv, NULL);
	uint64_t t = gb_now_ns() - t0;
	return tv.tv_sec ? t : sc_fail(ctx, "gettimeofday gave a zero time");
}

static uint64_t loop_sched_yield(void *ctx, uint64_t n)
{
	long rc = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		rc |= sc_raw0(SYS_sched_yield);
	uint64_t t = gb_now_ns() - t0;
	return rc == 0 ? t : sc_fail(ctx, "sched_yield failed (%ld)", rc);
}

/* ---- file descriptors: /dev/zero and /dev/null exist in every container
 * and VM image; an empty root (no /dev) makes these unavailable. ---- */

struct fd_state {
	int fd;
	const char *path;
};

static int open_dev(sc_ctx *c, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return sc_unavailable(c, errno, "cannot open %s: %s", path, strerror(errno));
	struct fd_state *s = calloc(1, sizeof *s);
	if (!s) {
		close(fd);
		return sc_unavailable(c, ENOMEM, "out of memory");
	}
	s->fd = fd;
	s->path = path;
	c->priv = s;
	return 0;
}

static int setup_zero(sc_ctx *c) { return open_dev(c, "/dev/zero", O_RDONLY); }
static int setup_null_w(sc_ctx *c) { return open_dev(c, "/dev/null", O_WRONLY); }
static int setup_null_r(sc_ctx *c) { return open_dev(c, "/dev/null", O_RDONLY); }

static void teardown_fd(sc_ctx *c)
{
	struct fd_state *s = c->priv;
	if (s)
		close(s->fd);
	free(s);
	c->priv = NULL;
}

static uint64_t loop_read(void *ctx, uint64_t n)
{
	struct fd_state *s = ((sc_ctx *)ctx)->priv;
	unsigned char b = 0xff;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		bad |= read(s->fd, &b, 1) != 1;
	uint64_t t = gb_now_ns() - t0;
	return !bad && b == 0 ? t : sc_fail(ctx, "read of 1 byte from /dev/zero failed or was not 0");
}

static uint64_t loop_write(void *ctx, uint64_t n)
{
	struct fd_state *s = ((sc_ctx *)ctx)->priv;
	unsigned char b = 'x';
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		bad |= write(s->fd, &b, 1) != 1;
	uint64_t t = gb_now_ns() - t0;
	return !bad ? t : sc_fail(ctx, "write of 1 byte to /dev/null failed");
}

static uint64_t loop_open_close(void *ctx, uint64_t n)
{
	struct fd_state *s = ((sc_ctx *)ctx)->priv;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		int fd = open(s->path, O_RDONLY | O_CLOEXEC);
		bad |= fd < 0;
		close(fd);
	}
	uint64_t t = gb_now_ns() - t0;
	return !bad ? t : sc_fail(ctx, "open(%s) failed", s->path);
}

static uint64_t loop_stat(void *ctx, uint64_t n)
{
	struct fd_state *s = ((sc_ctx *)ctx)->priv;
	struct stat st;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		bad |= stat(s->path, &st);
	uint64_t t = gb_now_ns() - t0;
	return !bad && S_ISCHR(st.st_mode) ? t : sc_fail(ctx, "stat(%s) failed", s->path);
}

static uint64_t loop_fstat(void *ctx, uint64_t n)
{
	struct fd_state *s = ((sc_ctx *)ctx)->priv;
	struct stat st;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		bad |= fstat(s->fd, &st);
	uint64_t t = gb_now_ns() - t0;
	return !bad && S_ISCHR(st.st_mode) ? t : sc_fail(ctx, "fstat failed");
}

const sc_op sc_ops_kernel[] = {
	{ "getpid", "getpid() as a raw system call: the bare kernel round trip (Li et al.)",
	  NULL, loop_getpid, NULL, 0, 0, 0 },
	{ "getppid", "getppid() as a raw system call (what perf bench syscall basic times)",
	  NULL, loop_getppid, NULL, 0, 0, 0 },
	{ "clock_gettime_vdso", "clock_gettime(CLOCK_MONOTONIC) through the vDSO",
	  NULL, loop_clock_vdso, NULL, 0, 0, 0 },
	{ "clock_gettime_syscall", "clock_gettime(CLOCK_MONOTONIC) as a system call",
	  NULL, loop_clock_raw, NULL, 0, 0, 0 },
	{ "gettimeofday", "gettimeofday() through the vDSO",
	  NULL, loop_gettimeofday, NULL, 0, 0, 0 },
	{ "read", "read 1 byte from /dev/zero", setup_zero, loop_read, teardown_fd, 0, 0, 0 },
	{ "write", "write 1 byte to /dev/null", setup_null_w, loop_write, teardown_fd, 0, 0, 0 },
	{ "open_close", "open and close /dev/null", setup_null_r, loop_open_close, teardown_fd, 0, 0, 0 },
	{ "stat", "stat /dev/null (path walk)", setup_null_r, loop_stat, teardown_fd, 0, 0, 0 },
	{ "fstat", "fstat an open descriptor", setup_null_r, loop_fstat, teardown_fd, 0, 0, 0 },
	{ "sched_yield", "sched_yield() with nothing else to run", NULL, loop_sched_yield, NULL, 0, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
