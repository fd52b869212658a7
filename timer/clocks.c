/* clocks.c - what one read of each clock costs, through the vDSO (what
 * every program's clock_gettime does) and as a real system call, in the
 * manner of clockperf: a vDSO read that costs about what the system call
 * costs means the clock has left the vDSO here (its clocksource cannot be
 * read in user space: hpet, acpi_pm, some Xen and Hyper-V set-ups), and
 * every timestamp any program takes is then a kernel entry, or in a VM
 * possibly an exit.  Also stalls: the largest gap between two consecutive
 * reads of a tight loop (preemption, steal, an SMI, a host pause). */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "timer.h"

const tm_clock_id tm_clocks[] = {
	{ "monotonic", CLOCK_MONOTONIC },
	{ "realtime", CLOCK_REALTIME },
	{ "boottime", CLOCK_BOOTTIME },
	{ "monotonic_raw", CLOCK_MONOTONIC_RAW },
	{ "monotonic_coarse", CLOCK_MONOTONIC_COARSE },
	{ "realtime_coarse", CLOCK_REALTIME_COARSE },
	{ NULL, 0 },
};

uint64_t tm_clock_loop_vdso(void *ctx, uint64_t n)
{
	clockid_t id = ((const tm_clock_id *)ctx)->id;
	struct timespec ts;
	int bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		bad |= clock_gettime(id, &ts);
		GB_KEEP(ts.tv_nsec);
	}
	uint64_t t = gb_now_ns() - t0;
	return bad ? GB_LOOP_FAIL : t;
}

uint64_t tm_clock_loop_syscall(void *ctx, uint64_t n)
{
	clockid_t id = ((const tm_clock_id *)ctx)->id;
	struct timespec ts;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		bad |= syscall(SYS_clock_gettime, id, &ts);
		GB_KEEP(ts.tv_nsec);
	}
	uint64_t t = gb_now_ns() - t0;
	return bad ? GB_LOOP_FAIL : t;
}

int tm_clock_probe(const tm_clock_id *c, int use_syscall)
{
	struct timespec ts;
	if (use_syscall)
		return syscall(SYS_clock_gettime, c->id, &ts) == 0 ? 0 : errno;
	return clock_gettime(c->id, &ts) == 0 ? 0 : errno;
}

uint64_t tm_stall_max(uint64_t dur_ns, uint64_t *reads)
{
	uint64_t start = gb_now_ns(), prev = start, gap = 0, n = 0;
	while (prev - start < dur_ns) {
		uint64_t t = gb_now_ns();
		if (t - prev > gap)
			gap = t - prev;
		prev = t;
		n++;
	}
	*reads = n;
	return gap;
}
