/* disturb.h - what happened to a run besides the benchmark itself.
 *
 * Every report takes a reading when it starts (gb_report_init) and one
 * when it finishes (gb_report_finish): steal time of the CPUs the run
 * may use (/proc/stat), the process's involuntary and voluntary context
 * switches and CPU time (getrusage), cgroup CPU throttling (cpu.stat,
 * through cgroup.h), and a fixed-work canary timed at each end.  The
 * differences are the document's "disturbance" object (docs/json.md); the
 * thresholds below mark the run "disturbed", with the reasons in words.
 * A figure that cannot be read here is NaN (null in JSON), never a guess,
 * and its threshold is not tested. */
#ifndef GB_DISTURB_H
#define GB_DISTURB_H

#include <sched.h>
#include <stdint.h>

#include "util.h"

struct gb_json;

/* --- thresholds (docs/json.md "disturbance" says why each value) ------ */

/* Steal above 2 % of the run's CPU capacity: gb-compare's default
 * equivalence margin is 3 %, so a run that lost 2 % of its CPUs to other
 * guests already carries most of a difference the comparison must
 * resolve.  Tested on the lower bound of the reading (one tick less: see
 * disturb.c), so /proc/stat's 10 ms ticks cannot trip it on a short run. */
#define GB_DISTURB_STEAL_PCT 2.0

/* Any throttled period: CFS bandwidth control stops every thread of the
 * group for the rest of the period (up to 100 ms by default), a hole far
 * larger than any operation a benchmark times. */
#define GB_DISTURB_THROTTLED 0

/* Canary drift beyond +-5 %: the minimum of 5 timings does not move
 * when a task preempts one of them, but when the core's speed changes
 * (frequency, a busy hyperthread sibling, a contended host).  On this
 * machine under load, at real-time priority (no task of the guest could
 * preempt it), two canaries 100 ms apart differed by 1.6 % (median) and
 * by more than 5 % in 1 pair of 6 - the host's load, which the run then
 * shares (docs/json.md has the figures). */
#define GB_DISTURB_DRIFT_PCT 5.0

/* Involuntary context switches beyond the voluntary ones, per CPU-second
 * of the process: another task took our CPU while we could run (the
 * run's own wake-ups are at most one per voluntary switch: disturb.c).
 * A CPU-bound run sharing its CPU with one busy task is preempted at
 * about every tick (HZ 250 here): 250-700/s measured on this machine.
 * Alone on an idle CPU only kernel threads can preempt it (this machine
 * was never idle while it was measured: docs/json.md).  100/s is crossed
 * by one neighbour present for a third of the run. */
#define GB_DISTURB_NIVCSW_RATE 100.0
/* ...counted only from 20 switches on: a run of 50 ms CPU time preempted
 * twice by a kernel thread is not a disturbed run. */
#define GB_DISTURB_NIVCSW_MIN 20

/* The canary: a dependent chain of multiply-adds (no memory traffic),
 * about 1.1-1.3 ms here, run once untimed (a clocked-down core ramps up)
 * and timed GB_DISTURB_CANARY_REPS times: the minimum is kept, so a
 * preemption during one timing does not move it. */
#define GB_DISTURB_CANARY_ITERS (1u << 20)
#define GB_DISTURB_CANARY_REPS 5

/* One reading.  has_* say whether the source could be read. */
typedef struct gb_disturb_snap {
	uint64_t wall_ns;		/* CLOCK_MONOTONIC */
	int has_steal;
	uint64_t steal_ticks;		/* summed over the CPU set, 1/USER_HZ */
	int has_rusage;
	uint64_t nivcsw, nvcsw, cpu_ns;	/* RUSAGE_SELF: all threads */
	int has_throttle;
	uint64_t nr_throttled, throttled_ns;
	double canary_ns;		/* NaN when not timed */
} gb_disturb_snap;

typedef struct gb_disturb {
	/* the figures of the JSON object; NaN = null */
	double steal_pct, throttled_ms, nr_throttled, nivcsw, nvcsw, cpu_seconds, wall_seconds;
	double canary_before_ns, canary_after_ns, canary_drift_pct;
	int disturbed;
	gb_strlist reasons;
	double steal_low_pct;	/* steal_pct less one tick: what the threshold tests */
	/* the start, for gb_disturb_end */
	int started;
	cpu_set_t cpus;
	gb_disturb_snap before;
} gb_disturb;

/* Take the first reading; the run may use the CPUs in 'cpus'. */
void gb_disturb_begin(gb_disturb *d, const cpu_set_t *cpus);
/* Take the second, compute the figures and classify (once: a second call,
 * or one without a begin, changes nothing). */
void gb_disturb_end(gb_disturb *d);
/* The "disturbance" member of a document. */
void gb_disturb_json(struct gb_json *j, const gb_disturb *d);
/* "disturbed: <reasons>" for the table, "" when not disturbed. */
void gb_disturb_line(const gb_disturb *d, char *buf, size_t size);
void gb_disturb_free(gb_disturb *d);

/* ---- parts, exposed for unit tests ---------------------------------- */

/* The canary: nanoseconds of the fixed work, the minimum of reps timings. */
double gb_disturb_canary(int reps);
/* Steal ticks of /proc/stat text summed over the CPUs in 'cpus'.  0, or
 * -1 when a CPU of the set has no line or a line has no steal field. */
int gb_disturb_parse_steal(const char *stat, const cpu_set_t *cpus, uint64_t *ticks);
/* A reading of the files under 'root' ("" the real ones), rusage from
 * this process; the canary is left NaN (timed by begin/end). */
void gb_disturb_snap_take(const char *root, const cpu_set_t *cpus, gb_disturb_snap *s);
/* Figures from two readings ('ncpus' CPUs in the set, 'clk_tck' ticks a
 * second) and the verdict; reasons are replaced. */
void gb_disturb_compute(gb_disturb *d, const gb_disturb_snap *a, const gb_disturb_snap *b, int ncpus,
			long clk_tck);
/* The verdict alone, from the figures already in *d. */
void gb_disturb_classify(gb_disturb *d);

#endif
