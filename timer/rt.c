/* rt.c - what cyclictest does around its loops, each allowed to fail
 * with a recorded reason (gb-timer must run where it cannot: non-root,
 * seccomp, no /dev): real-time priority (--priority), memory locked so a
 * wake-up never waits for a page fault (-m), and the PM QoS latency target
 * held at 0 so a CPU never enters a deep C-state (cyclictest's default
 * when /dev/cpu_dma_latency is writable). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "timer.h"

int tm_rt_probe(int prio, char *why, size_t len)
{
	struct sched_param sp = { .sched_priority = prio }, other = { .sched_priority = 0 };
	int policy = sched_getscheduler(0);
	if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0) {
		/* back to where we were: the main thread does not need it */
		sched_setscheduler(0, policy < 0 ? SCHED_OTHER : policy, &other);
		return 0;
	}
	int e = errno;
	struct rlimit rl;
	char lim[64] = "unknown";
	if (getrlimit(RLIMIT_RTPRIO, &rl) == 0) {
		if (rl.rlim_cur == RLIM_INFINITY)
			snprintf(lim, sizeof lim, "unlimited");
		else
			snprintf(lim, sizeof lim, "%llu", (unsigned long long)rl.rlim_cur);
	}
	snprintf(why, len,
		 "--priority %d: SCHED_FIFO refused (%s): needs the CAP_SYS_NICE capability or an "
		 "RLIMIT_RTPRIO of at least %d (here %s)%s", prio, strerror(e), prio, lim,
		 e == EPERM ? "; a seccomp filter or a container without CAP_SYS_NICE also refuses it" : "");
	return -1;
}

int tm_rt_apply(int prio)
{
	if (prio <= 0)
		return 0;
	struct sched_param sp = { .sched_priority = prio };
	return sched_setscheduler(0, SCHED_FIFO, &sp) == 0 ? 0 : errno;
}

/* A SCHED_OTHER thread's sleep may end up to its timer slack late (50 us
 * by default) so that the kernel can batch timer interrupts; a real-time
 * thread has none.  cyclictest's default policy is SCHED_FIFO (its -p 0
 * runs at FIFO 3), so its figures never include the slack: gb-timer sets
 * the slack of its SCHED_OTHER threads to --timer-slack (1 ns) for the
 * same reason, and records the kernel's default next to it. */
long long tm_slack_default(char *why, size_t len)
{
	int v = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if (v < 0) {
		snprintf(why, len, "prctl(PR_GET_TIMERSLACK): %s", strerror(errno));
		return -1;
	}
	return v;
}

int tm_lock_memory(char *why, size_t len)
{
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
		snprintf(why, len, "locked (mlockall)");
		return 1;
	}
	int e = errno;
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(why, len, "not locked: mlockall: %s (RLIMIT_MEMLOCK %llu KiB, no CAP_IPC_LOCK)",
			 strerror(e), (unsigned long long)rl.rlim_cur / 1024);
	else
		snprintf(why, len, "not locked: mlockall: %s", strerror(e));
	return 0;
}

int tm_latency_target(char *why, size_t len)
{
	int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "not set: /dev/cpu_dma_latency: %s", strerror(errno));
		return -1;
	}
	int32_t zero = 0;	/* the kernel reads a binary s32 (or text) */
	if (write(fd, &zero, sizeof zero) != (ssize_t)sizeof zero) {
		snprintf(why, len, "not set: writing /dev/cpu_dma_latency: %s", strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(why, len, "0 us (held while the wake-up loops run)");
	return fd;
}
