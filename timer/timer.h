/* timer.h - gb-timer: how late a thread wakes up, and whether this
 * environment's clocks can be trusted (docs/timer.md).
 *
 * One job per file: deadline.c (the arithmetic of deadlines and
 * lateness, pure), wake.c (threads sleeping to absolute deadlines:
 * clock_nanosleep and timerfd), cross.c (a wake-up sent from another CPU,
 * per state of the woken CPU), clocks.c (what a clock read costs, and
 * stalls), mono.c (time seen across CPUs), tsc.c (the TSC's rate against
 * CLOCK_MONOTONIC), trust.c (the verdict on sub-microsecond figures),
 * steal.c (steal time per CPU), rt.c (priority, memory locking, the PM QoS
 * latency target), out.c (histograms to metrics), timer.c (options and
 * order of the run). */
#ifndef GB_TIMER_H
#define GB_TIMER_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hist.h"
#include "report.h"

/* ------------------------------------------------------ deadline.c -- */

#define TM_NS 1000000000ll

static inline int64_t tm_ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * TM_NS + t->tv_nsec;
}
/* t + ns, normalised (0 <= tv_nsec < 1e9) whatever the carry. */
void tm_ts_add(struct timespec *t, int64_t ns);
/* How late 'now' is past 'deadline', in ns (negative: early). */
int64_t tm_late_ns(const struct timespec *now, const struct timespec *deadline);
/* The next deadline after one just met at 'now': deadline + interval,
 * moved on by whole intervals while it is already past (a wake-up later
 * than an interval would otherwise be followed by wake-ups that do not
 * sleep at all, which would be counted as punctual); returns the
 * intervals skipped (cyclictest does the same). */
unsigned tm_next_deadline(struct timespec *deadline, const struct timespec *now, int64_t interval_ns);
/* --align: the threads' common start, the next whole second of the clock
 * after 'now' plus offset_ns - one second further when 'now' is within
 * 100 ms of that second, so that every thread is started before it (as
 * cyclictest --secaligned). */
struct timespec tm_align_base(const struct timespec *now, int64_t offset_ns);
/* Lateness as stored: ns, negative as 0, saturated at UINT32_MAX (4.3 s). */
static inline uint32_t tm_store_ns(int64_t late)
{
	return late < 0 ? 0 : late > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)late;
}
/* Medians of consecutive blocks of 'block' values (the last, shorter
 * block too), in us, into out; returns how many.  'scratch' holds block
 * values. */
size_t tm_block_medians(const uint32_t *v, size_t n, size_t block, double *out, uint32_t *scratch);

/* ---------------------------------------------------------- rt.c -- */

/* Can this process use SCHED_FIFO at prio?  0, or -1 with the reason
 * (naming the missing permission) in why. */
int tm_rt_probe(int prio, char *why, size_t len);
/* Apply SCHED_FIFO prio (0: leave SCHED_OTHER) to the calling thread. */
int tm_rt_apply(int prio);
/* The kernel's timer slack of this thread (ns), or -1 with why set. */
long long tm_slack_default(char *why, size_t len);
/* mlockall(MCL_CURRENT | MCL_FUTURE), as cyclictest -m: 1 locked, 0 not
 * (why says why). */
int tm_lock_memory(char *why, size_t len);
/* Hold /dev/cpu_dma_latency at 0 us while the wake-up loops run, as
 * cyclictest does by default (deep C-states off); the fd, or -1 with why. */
int tm_latency_target(char *why, size_t len);

/* -------------------------------------------------------- wake.c -- */

typedef enum { TM_NANOSLEEP = 0, TM_TIMERFD = 1 } tm_wake_kind;

typedef struct tm_wake_cfg {
	tm_wake_kind kind;
	int ncpu;
	const int *cpu;		/* one thread per CPU */
	int64_t interval_ns;
	uint64_t loops, warmup;	/* recorded wake-ups per thread, discarded first ones */
	uint64_t limit_ns;	/* 0 = none: stop a thread past this */
	int prio;		/* 0 = SCHED_OTHER */
	uint64_t slack_ns;	/* PR_SET_TIMERSLACK of each thread; 0 = the kernel's default */
	int64_t align_ns;	/* -1: each thread starts from its own clock reading;
				 * else all from tm_align_base(now, align_ns) */
} tm_wake_cfg;

typedef struct tm_wake_cpu {
	int cpu;
	uint32_t *late;		/* ns, 'n' of them */
	uint64_t n;
	uint64_t overruns;	/* deadlines skipped (tm_next_deadline) */
	int err;		/* errno that stopped the thread, 0 none */
	char what[64];		/* the call that failed */
} tm_wake_cpu;

/* Run the loops; res[i] for cfg->cpu[i] (late arrays allocated here).
 * Returns 0, or an errno when nothing could be measured (why set). */
int tm_wake_run(const tm_wake_cfg *cfg, tm_wake_cpu *res, char *why, size_t len);
void tm_wake_free(tm_wake_cpu *res, int n);

/* ------------------------------------------------------- cross.c -- */

/* What the woken CPU does before the wake-up. */
typedef enum { TM_TARGET_BUSY = 0, TM_TARGET_IDLE = 1 } tm_target;

typedef struct tm_cross_cfg {
	int waker_cpu, target_cpu;
	int prio;		/* the waiter's */
} tm_cross_cfg;

typedef struct tm_cross tm_cross;
/* Start a waiter pinned to target_cpu; NULL with why on failure. */
tm_cross *tm_cross_start(const tm_cross_cfg *cfg, char *why, size_t len);
/* One wake-up after the target slept 'idle_ns': the ns from the wake
 * call to the waiter running, or -1 when the waiter had not gone to sleep
 * yet (the sample cannot say anything, and is not kept). */
int64_t tm_cross_once(tm_cross *x, uint64_t idle_ns);
/* Keep the target CPU running (busy: a SCHED_IDLE spinner) or not. */
int tm_cross_target(tm_cross *x, tm_target t, char *why, size_t len);
const char *tm_cross_busy_method(const tm_cross *x);
void tm_cross_stop(tm_cross *x);

/* ------------------------------------------------------ clocks.c -- */

typedef struct tm_clock_id {
	const char *name;	/* metric stem: clock_<name> */
	clockid_t id;
} tm_clock_id;
extern const tm_clock_id tm_clocks[];	/* ended by name NULL */

/* gb_batch_run loops (ctx: a tm_clock_id): n reads through the vDSO, or
 * through the clock_gettime system call itself. */
uint64_t tm_clock_loop_vdso(void *ctx, uint64_t n);
uint64_t tm_clock_loop_syscall(void *ctx, uint64_t n);
/* Can the clock be read that way here?  0, or an errno (EINVAL: no such
 * clock; EPERM/ENOSYS: a seccomp filter). */
int tm_clock_probe(const tm_clock_id *c, int use_syscall);

/* Largest gap between consecutive CLOCK_MONOTONIC reads in a tight loop
 * of dur_ns; *reads gets how many were taken. */
uint64_t tm_stall_max(uint64_t dur_ns, uint64_t *reads);

/* -------------------------------------------------------- mono.c -- */

/* One exchange: a timestamp written by one CPU, and the one the other CPU
 * read after it had seen that write.  The second is later in real time,
 * so a smaller value is time going backwards between the two CPUs. */
typedef struct tm_pair {
	int64_t sent, seen;
} tm_pair;

typedef struct tm_mono {
	uint64_t pairs, backwards;
	int64_t max_back_ns;	/* largest backward step, 0 if none */
} tm_mono;

/* Count the backward steps of n pairs (pure). */
void tm_mono_count(const tm_pair *p, size_t n, tm_mono *out);
/* Two threads pinned to cpu_a and cpu_b exchange up to 'rounds'
 * timestamps each way, for at most limit_ns; 0, or an errno with why. */
int tm_mono_run(int cpu_a, int cpu_b, uint64_t rounds, uint64_t limit_ns, tm_mono *out, char *why, size_t len);

/* --------------------------------------------------------- tsc.c -- */

/* A TSC reading bracketed by two CLOCK_MONOTONIC reads. */
typedef struct tm_tsc_mark {
	uint64_t tsc;
	int64_t ns;		/* midpoint of the bracket */
	int64_t width_ns;	/* its width: the uncertainty */
} tm_tsc_mark;

/* The narrowest of 'tries' brackets. */
void tm_tsc_mark_take(tm_tsc_mark *m, int tries);
/* TSC ticks per second between two marks; 0 when they are not ordered. */
double tm_tsc_rate(const tm_tsc_mark *a, const tm_tsc_mark *b);
/* Relative difference (measured - nominal) / nominal in parts per
 * million; NaN when nominal is 0 (unknown). */
double tm_ppm(double measured, double nominal);

/* ------------------------------------------------------- trust.c -- */

/* What the verdict is made of; NaN / -1 = not measured. */
typedef struct tm_trust_in {
	double mono_ns;		/* one CLOCK_MONOTONIC read, vDSO */
	double mono_syscall_ns;	/* the same as a system call */
	double tick_ns;		/* smallest step seen between two reads */
	long long backwards;	/* backward steps across CPUs, -1 unknown */
	double max_back_ns;
	int tsc_clocksource;	/* the kernel's clocksource is the TSC */
	int invariant_tsc;	/* CPUID says so */
	double tsc_drift_ppm;	/* rate of the first half vs the second, NaN unknown */
} tm_trust_in;

/* 1 trusted, 0 not; why holds every reason (or why it is trusted). */
int tm_trust(const tm_trust_in *in, char *why, size_t len);
/* A clock whose vDSO read costs at least this share of a system call has
 * left the vDSO. */
#define TM_VDSO_SHARE 0.5
int tm_in_vdso(double vdso_ns, double syscall_ns);

/* ------------------------------------------------------- steal.c -- */

/* Steal ticks of each CPU in cpu[0..n) from /proc/stat text; 0, or -1
 * when a CPU has no line or no steal field (through common/disturb). */
int tm_steal_parse(const char *stat, const int *cpu, int n, uint64_t *ticks);
/* The same from <root>/proc/stat; -1 with why when unreadable. */
int tm_steal_read(const char *root, const int *cpu, int n, uint64_t *ticks, char *why, size_t len);

/* --------------------------------------------------------- out.c -- */

/* A latency metric from a histogram (ns) and its samples (us): unit us,
 * p50...max, mean, and 'over' (samples above TM_OVER_NS, counted exactly
 * by the caller from the raw values: 100 us is no bucket bound). */
#define TM_OVER_NS 100000
gb_metric *tm_metric_hist(gb_report *r, const char *name, const gb_hist *h, uint64_t over,
			  const double *samples, size_t n, const char *samples_are);

/* The entry point: bin/gb-timer, and `guestbench timer` (registry/). */
int timer_main(int argc, char **argv);

#endif
