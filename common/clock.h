/* clock.h - time, and timing of operations too short to time one by one.
 *
 * gb_now_ns() is CLOCK_MONOTONIC through the vDSO (no kernel entry when the
 * clocksource allows it: tsc, kvm-clock; hpet/acpi_pm fall back to a system
 * call, which the fingerprint's clocksource makes visible). */
#ifndef GB_CLOCK_H
#define GB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t gb_now_ns(void)
{
	struct timespec ts = { 0, 0 };	/* CLOCK_MONOTONIC cannot fail on Linux >= 2.6 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

typedef struct gb_clockinfo {
	double res_ns;		/* clock_getres() */
	double tick_ns;		/* smallest non-zero step seen between two reads */
	double overhead_ns;	/* median cost of one gb_now_ns() */
} gb_clockinfo;

/* Measured once (a few ms), cached. */
const gb_clockinfo *gb_clock_info(void);

/* Can CLOCK_MONOTONIC time one wake-up of tens of us read alone (gb-timer's
 * cross-CPU wake-ups, gb-syscall's futex_roundtrip_cross_idle)?  1 when it
 * steps by 10 us at most; else 0 with why naming the step and 'what', for
 * a figure reported unavailable rather than as the 0 it would read (a TCG
 * guest on jiffies steps 4 ms).  GB_FAULT=<bench>.tick=NS stands in for
 * such a clock in the tests. */
int gb_clock_resolves(const char *what, char *why, size_t len);

/*
 * A timed loop: run the operation 'iters' times and return the elapsed
 * nanoseconds of just those operations.  The loop lives inside the
 * benchmark's function, so the harness adds no call per operation; set-up
 * (e.g. mapping fresh pages for a page-fault test) stays outside the timed
 * part.  Return GB_LOOP_FAIL when the operation gave a wrong result (the
 * detail goes through ctx).  0 is a valid time: one fast operation on a
 * coarse clock (Hyper-V's 100 ns TSC page, jiffies) measures 0.
 */
typedef uint64_t (*gb_loop_fn)(void *ctx, uint64_t iters);
#define GB_LOOP_FAIL UINT64_MAX

typedef struct gb_batch {
	uint64_t min_time_ns;	/* one sample lasts at least this long */
	int repeat;		/* samples kept */
	int warmup;		/* samples run first and discarded */
	uint64_t max_iters;	/* cap on iterations per sample (0 = none) */
	uint64_t time_limit_ns;	/* stop warm-up and samples past this (0 = none); >= 1 sample is kept */
} gb_batch;

typedef struct gb_batch_result {
	uint64_t iters;		/* iterations per sample after calibration */
	int n;			/* samples stored */
	int failed;		/* the loop returned GB_LOOP_FAIL */
	int truncated;		/* time limit cut the repeats short */
} gb_batch_result;

/*
 * Calibrate the iteration count so one sample lasts >= min_time_ns
 * (growing geometrically, then scaling to the target), run 'warmup'
 * discarded samples and then up to 'repeat' samples, storing ns per
 * operation in out[0..repeat).
 */
void gb_batch_run(gb_loop_fn fn, void *ctx, const gb_batch *cfg, double *out,
		  gb_batch_result *res);

/* Keep the compiler from deleting or hoisting a computed value. */
#define GB_KEEP(x) __asm__ __volatile__("" : : "g"(x) : "memory")

#endif
