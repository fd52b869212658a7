/* disturb.c - readings of what disturbed a run, and the verdict (disturb.h). */
#include "disturb.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"
#include "json.h"

/* ----------------------------------------------------------- canary -- */

/* A dependent chain: each step needs the previous result (multiply then
 * add, ~4 cycles), so the time is the core's latency at its current
 * speed and nothing else - no memory, no branch to mispredict, nothing
 * for the compiler to vectorise (the empty asm keeps x opaque). */
__attribute__((noinline)) static uint64_t canary_chain(uint64_t x, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ __volatile__("" : "+r"(x));
	}
	return x;
}

double gb_disturb_canary(int reps)
{
	double best = NAN;
	/* one untimed pass first: an idle core may be clocked down, and
	 * its first milliseconds of work are the ramp, not its speed */
	uint64_t x = canary_chain(1, GB_DISTURB_CANARY_ITERS);

	for (int i = 0; i < reps; i++) {
		uint64_t t0 = gb_now_ns();
		x = canary_chain(x, GB_DISTURB_CANARY_ITERS);
		double ns = (double)(gb_now_ns() - t0);
		if (!(ns >= best))	/* NaN at first */
			best = ns;
	}
	GB_KEEP(x);
	return best;
}

/* ------------------------------------------------------------ steal -- */

int gb_disturb_parse_steal(const char *stat, const cpu_set_t *cpus, uint64_t *ticks)
{
	cpu_set_t seen;
	uint64_t sum = 0;

	CPU_ZERO(&seen);
	if (!stat)
		return -1;
	for (const char *line = stat; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		/* "cpuN user nice system idle iowait irq softirq steal ...";
		 * the "cpu" line without a number is the total: not ours */
		if (len > 3 && !strncmp(line, "cpu", 3) && isdigit((unsigned char)line[3])) {
			char buf[512];
			unsigned cpu;
			unsigned long long f[8];
			snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
			int n = sscanf(buf, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &f[0], &f[1],
				       &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]);
			if (n >= 1 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, cpus)) {
				if (n < 9)
					return -1;	/* kernels before 2.6.11: no steal field */
				sum += f[7];
				CPU_SET(cpu, &seen);
			}
		}
		if (!end)
			break;
		line = end + 1;
	}
	/* a CPU of the set without a line (a container's /proc/stat that
	 * shows other CPUs): its steal is unknown, so is the total */
	if (!CPU_EQUAL(&seen, cpus) || CPU_COUNT(cpus) == 0)
		return -1;
	*ticks = sum;
	return 0;
}

/* ---------------------------------------------------------- reading -- */

void gb_disturb_snap_take(const char *root, const cpu_set_t *cpus, gb_disturb_snap *s)
{
	struct rusage ru;

	memset(s, 0, sizeof *s);
	s->canary_ns = NAN;
	s->wall_ns = gb_now_ns();
	char *stat = gb_read_all(root, "/proc/stat", NULL);
	s->has_steal = stat && gb_disturb_parse_steal(stat, cpus, &s->steal_ticks) == 0;
	free(stat);
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		s->has_rusage = 1;
		s->nivcsw = (uint64_t)ru.ru_nivcsw;
		s->nvcsw = (uint64_t)ru.ru_nvcsw;
		s->cpu_ns = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000ull +
			    ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000ull;
	}
	s->has_throttle = gb_cgroup_throttling(root, &s->nr_throttled, &s->throttled_ns) == 0;
}

/* b - a, or NaN when either is unknown or the counter went backwards (a
 * reset: the group was re-created, another kernel's file) */
static double delta(int ok_a, uint64_t a, int ok_b, uint64_t b)
{
	return ok_a && ok_b && b >= a ? (double)(b - a) : NAN;
}

void gb_disturb_compute(gb_disturb *d, const gb_disturb_snap *a, const gb_disturb_snap *b, int ncpus,
			long clk_tck)
{
	double wall = b->wall_ns > a->wall_ns ? (double)(b->wall_ns - a->wall_ns) * 1e-9 : NAN;
	d->wall_seconds = wall;

	double ticks = delta(a->has_steal, a->steal_ticks, b->has_steal, b->steal_ticks);
	double capacity = wall * ncpus;		/* CPU-seconds the set offered */
	d->steal_pct = d->steal_low_pct = NAN;
	if (isfinite(ticks) && clk_tck > 0 && ncpus > 0 && capacity > 0) {
		d->steal_pct = 100 * ticks / (double)clk_tck / capacity;
		/* each reading is rounded down to a tick, so the difference
		 * may hold up to one tick that belongs outside the run */
		d->steal_low_pct = 100 * fmax(ticks - 1, 0) / (double)clk_tck / capacity;
	}

	d->nivcsw = delta(a->has_rusage, a->nivcsw, b->has_rusage, b->nivcsw);
	d->nvcsw = delta(a->has_rusage, a->nvcsw, b->has_rusage, b->nvcsw);
	d->cpu_seconds = delta(a->has_rusage, a->cpu_ns, b->has_rusage, b->cpu_ns) * 1e-9;
	d->nr_throttled = delta(a->has_throttle, a->nr_throttled, b->has_throttle, b->nr_throttled);
	d->throttled_ms = delta(a->has_throttle, a->throttled_ns, b->has_throttle, b->throttled_ns) * 1e-6;

	d->canary_before_ns = a->canary_ns;
	d->canary_after_ns = b->canary_ns;
	d->canary_drift_pct = a->canary_ns > 0 && isfinite(b->canary_ns)
				      ? 100 * (b->canary_ns - a->canary_ns) / a->canary_ns : NAN;
	gb_disturb_classify(d);
}

/* ---------------------------------------------------------- verdict -- */

void gb_disturb_classify(gb_disturb *d)
{
	gb_strlist_free(&d->reasons);
	double steal = isfinite(d->steal_low_pct) ? d->steal_low_pct : d->steal_pct;
	if (steal > GB_DISTURB_STEAL_PCT)
		gb_strlist_addf(&d->reasons, "steal time %.1f %% of the run's CPU time (threshold %g %%): "
				"the hypervisor ran something else on these CPUs", d->steal_pct,
				GB_DISTURB_STEAL_PCT);
	if (d->nr_throttled > GB_DISTURB_THROTTLED || d->throttled_ms > 0)
		gb_strlist_addf(&d->reasons, "the cgroup's CPU quota throttled the run %.0f times, %.1f ms "
				"in all (threshold: any)", d->nr_throttled, d->throttled_ms);
	if (fabs(d->canary_drift_pct) > GB_DISTURB_DRIFT_PCT)
		gb_strlist_addf(&d->reasons, "the canary took %.3f ms before the run and %.3f ms after "
				"(%+.1f %%, threshold %g %%): the CPU's speed changed",
				d->canary_before_ns * 1e-6, d->canary_after_ns * 1e-6, d->canary_drift_pct,
				GB_DISTURB_DRIFT_PCT);
	/* A thread of ours that wakes another may be preempted by it: that
	 * switch is involuntary but the run's own doing (a ping-pong on one
	 * CPU makes one per round trip).  Each wake-up follows a sleep, a
	 * voluntary switch, so the involuntary switches beyond the voluntary
	 * ones are what other tasks took at least. */
	double beyond = d->nivcsw - (isfinite(d->nvcsw) ? d->nvcsw : 0);
	if (beyond >= GB_DISTURB_NIVCSW_MIN) {
		double rate = d->cpu_seconds > 0 ? beyond / d->cpu_seconds : INFINITY;
		if (rate > GB_DISTURB_NIVCSW_RATE)
			gb_strlist_addf(&d->reasons, "%.0f involuntary context switches (%.0f voluntary) in "
					"%.2f CPU-seconds: %.0f/s beyond the voluntary ones (threshold %g/s): "
					"other tasks took these CPUs", d->nivcsw, d->nvcsw, d->cpu_seconds, rate,
					GB_DISTURB_NIVCSW_RATE);
	}
	d->disturbed = d->reasons.n > 0;
}

/* ------------------------------------------------------- begin, end -- */

static void unknown(gb_disturb *d)
{
	d->steal_pct = d->steal_low_pct = d->throttled_ms = d->nr_throttled = NAN;
	d->nivcsw = d->nvcsw = d->cpu_seconds = d->wall_seconds = NAN;
	d->canary_before_ns = d->canary_after_ns = d->canary_drift_pct = NAN;
}

void gb_disturb_begin(gb_disturb *d, const cpu_set_t *cpus)
{
	memset(d, 0, sizeof *d);
	unknown(d);
	d->cpus = *cpus;
	/* the canary first: its own CPU time stays outside the window */
	double canary = gb_disturb_canary(GB_DISTURB_CANARY_REPS);
	gb_disturb_snap_take("", &d->cpus, &d->before);
	d->before.canary_ns = canary;
	d->canary_before_ns = canary;
	d->started = 1;
}

void gb_disturb_end(gb_disturb *d)
{
	gb_disturb_snap after;

	if (!d->started)
		return;
	gb_disturb_snap_take("", &d->cpus, &after);
	after.canary_ns = gb_disturb_canary(GB_DISTURB_CANARY_REPS);
	gb_disturb_compute(d, &d->before, &after, CPU_COUNT(&d->cpus), sysconf(_SC_CLK_TCK));
	d->started = 0;
}

void gb_disturb_free(gb_disturb *d)
{
	gb_strlist_free(&d->reasons);
}

/* ----------------------------------------------------------- output -- */

static void count_json(gb_json *j, const char *key, double v)
{
	if (isfinite(v))
		gb_json_int(j, key, (long long)v);
	else
		gb_json_null(j, key);
}

void gb_disturb_json(gb_json *j, const gb_disturb *d)
{
	gb_json_obj_begin(j, "disturbance");
	gb_json_num(j, "steal_pct", d->steal_pct);
	gb_json_num(j, "throttled_ms", d->throttled_ms);
	count_json(j, "nr_throttled", d->nr_throttled);
	count_json(j, "nivcsw", d->nivcsw);
	count_json(j, "nvcsw", d->nvcsw);
	gb_json_num(j, "cpu_seconds", d->cpu_seconds);
	gb_json_num(j, "wall_seconds", d->wall_seconds);
	gb_json_arr_begin(j, "canary_ns");
	gb_json_num(j, NULL, d->canary_before_ns);
	gb_json_num(j, NULL, d->canary_after_ns);
	gb_json_arr_end(j);
	gb_json_num(j, "canary_drift_pct", d->canary_drift_pct);
	gb_json_bool(j, "disturbed", d->disturbed);
	gb_json_arr_begin(j, "reasons");
	for (size_t i = 0; i < d->reasons.n; i++)
		gb_json_str(j, NULL, d->reasons.v[i]);
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}

void gb_disturb_line(const gb_disturb *d, char *buf, size_t size)
{
	size_t o = 0;

	if (!size)
		return;
	buf[0] = 0;
	if (!d->disturbed)
		return;
	o = (size_t)snprintf(buf, size, "disturbed: ");
	for (size_t i = 0; i < d->reasons.n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "; " : "", d->reasons.v[i]);
}
