/* timer.c - gb-timer: how late does a thread wake up here, and can this
 * environment's clocks be trusted (docs/timer.md)?
 *
 * The parts, each selectable with --only, run in this order so that the
 * short, sensitive clock measurements come first and the long wake-up
 * loops do not share the machine with anything of ours:
 *   clocks     cost of each clock (vDSO, system call), stalls, time across
 *              CPUs, then the trust verdict (with the TSC rate, measured
 *              over the whole run)
 *   nanosleep  cyclictest's loop: a thread per CPU, absolute deadlines
 *   timerfd    the same deadlines through a timerfd
 *   cross      a wake-up from another CPU, target kept busy / idle, and
 *              the idle-time sweep
 * Steal time per CPU is read around the whole run.  The default run is
 * cyclictest -m -q -a -t NPROC -p 0 -i 1000 -l 10000's: one thread per
 * CPU of the effective set, 1 ms, 10,000 wake-ups each (--loops), memory
 * locked and the PM QoS latency target at 0 when permitted. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "cpuid.h"
#include "env.h"
#include "report.h"
#include "timer.h"
#include "topo.h"
#include "util.h"

#define PARTS "clocks|nanosleep|timerfd|cross"

/* The idle times of the cross-CPU sweep: around the 200 us a KVM host
 * (halt_poll_ns) or a guest's cpuidle-haltpoll polls before halting, and
 * well beyond, up to where a vCPU has surely left its host CPU. */
static const uint64_t sweep_ns[] = { 0, 20000, 50000, 100000, 200000, 500000, 1000000, 2000000, 5000000 };
#define NSWEEP (sizeof sweep_ns / sizeof sweep_ns[0])

/* Wake-ups per sample (block) of the wake-up metrics and the cross ones. */
#define WAKE_BLOCK 100
#define CROSS_BLOCK 10
/* A clock that moves in coarser steps than this cannot tell a cross-CPU
 * wake-up (tens of us) from 0: a TCG guest on jiffies steps 4 ms. */

typedef struct run {
	gb_report *r;
	const char *only;
	int ncpu, *cpu;		/* the CPUs of --cpus or of the effective set */
	int nwake;		/* wake-up threads: ncpu, capped by a CPU quota */
	int64_t interval_ns;
	uint64_t loops, warmup, limit_ns, wakes, idle_ns;
	int prio, quick, dma;
	uint64_t slack_ns;
	int64_t align_ns;	/* --align; -1 off */
	tm_trust_in trust;
	int clocks_done;
} run;

static int selected(const run *u, const char *part)
{
	return !u->only || gb_list_has(u->only, part);
}

/* ------------------------------------------------------------ clocks -- */

static double clock_cost(run *u, const tm_clock_id *c, int use_syscall)
{
	char name[64];
	snprintf(name, sizeof name, "clock_%s%s", c->name, use_syscall ? "_syscall" : "");
	int e = tm_clock_probe(c, use_syscall);
	if (e) {
		gb_report_unavailable(u->r, name, e, "%s(%s): %s", use_syscall ? "syscall clock_gettime" : "clock_gettime",
				      c->name, strerror(e));
		return NAN;
	}
	gb_batch b = { .min_time_ns = 2000000, .repeat = u->quick ? 3 : 7, .warmup = 1 };
	double samples[7];
	gb_batch_result res;
	gb_batch_run(use_syscall ? tm_clock_loop_syscall : tm_clock_loop_vdso, (void *)c, &b, samples, &res);
	if (res.failed || !res.n) {
		gb_report_fail(u->r, "%s: a read failed while timing", name);
		return NAN;
	}
	gb_metric *m = gb_report_metric(u->r, name, "ns", GB_LOWER, samples, (size_t)res.n);
	gb_kv_int(&m->extra, "iterations_per_sample", (long long)res.iters);
	return m->st.median;
}

static void part_clocks(run *u)
{
	gb_progress("clocks");
	double vdso[8], sys[8];
	size_t k = 0;
	for (const tm_clock_id *c = tm_clocks; c->name; c++, k++) {
		vdso[k] = clock_cost(u, c, 0);
		sys[k] = clock_cost(u, c, 1);
	}
	/* per clock: has its vDSO read left the vDSO?  (a metric's member,
	 * set once both figures are known) */
	k = 0;
	for (const tm_clock_id *c = tm_clocks; c->name; c++, k++) {
		char name[64];
		snprintf(name, sizeof name, "clock_%s", c->name);
		for (size_t i = 0; i < u->r->nm; i++)
			if (strcmp(u->r->m[i].name, name) == 0 && !isnan(sys[k]))
				gb_kv_bool(&u->r->m[i].extra, "vdso", tm_in_vdso(vdso[k], sys[k]));
	}
	u->trust.mono_ns = vdso[0];
	u->trust.mono_syscall_ns = sys[0];
	u->trust.tick_ns = gb_clock_info()->tick_ns;

	uint64_t reads, stall = tm_stall_max(u->quick ? 50000000ull : 300000000ull, &reads);
	double stall_us = (double)stall / 1e3;
	gb_metric *m = gb_report_metric(u->r, "clock_stall_max", "us", GB_LOWER, &stall_us, 1);
	gb_kv_int(&m->extra, "reads", (long long)reads);
	gb_kv_str(&m->extra, "samples_are", "the largest gap between consecutive CLOCK_MONOTONIC reads of a tight loop");

	u->trust.backwards = -1;
	u->trust.max_back_ns = 0;
	if (u->ncpu < 2) {
		gb_report_unavailable(u->r, "clock_backwards", 0, "needs two CPUs; this run has one");
	} else {
		tm_mono mono;
		char why[160];
		int e = tm_mono_run(u->cpu[0], u->cpu[1], u->quick ? 20000 : 200000,
				    u->quick ? 50000000ull : 300000000ull, &mono, why, sizeof why);
		if (e) {
			gb_report_unavailable(u->r, "clock_backwards", e, "%s", why);
		} else {
			double n = (double)mono.backwards;
			m = gb_report_metric(u->r, "clock_backwards", "count", GB_LOWER, &n, 1);
			gb_kv_int(&m->extra, "exchanges", (long long)mono.pairs);
			gb_kv_int(&m->extra, "max_back_ns", (long long)mono.max_back_ns);
			char cpus[32];
			snprintf(cpus, sizeof cpus, "%d,%d", u->cpu[0], u->cpu[1]);
			gb_kv_str(&m->extra, "cpus", cpus);
			u->trust.backwards = (long long)mono.backwards;
			u->trust.max_back_ns = (double)mono.max_back_ns;
		}
	}
	u->clocks_done = 1;
}

/* ----------------------------------------------------------- wake-ups -- */

/* One metric per CPU and one over all of them, from the raw lateness. */
static void report_wake(run *u, const char *stem, const tm_wake_cpu *res)
{
	gb_hist *all = gb_xmalloc(sizeof *all), *h = gb_xmalloc(sizeof *h);
	gb_hist_init(all);
	uint64_t total = 0, over_all = 0, overruns = 0;
	for (int i = 0; i < u->nwake; i++)
		total += res[i].n;
	double *blocks_all = gb_xmalloc((total / WAKE_BLOCK + (size_t)u->nwake + 1) * sizeof *blocks_all);
	uint32_t *scratch = gb_xmalloc(WAKE_BLOCK * sizeof *scratch);
	size_t nall = 0;
	char name[64], why[160];
	const char *are = "median lateness of each block of 100 consecutive wake-ups (us)";
	for (int i = 0; i < u->nwake; i++) {
		const tm_wake_cpu *c = &res[i];
		snprintf(name, sizeof name, "%s_cpu%d", stem, c->cpu);
		if (!c->n) {
			snprintf(why, sizeof why, "%s: %s", c->what, strerror(c->err ? c->err : EIO));
			gb_report_unavailable(u->r, name, c->err, "%s", why);
			continue;
		}
		gb_hist_init(h);
		uint64_t over = 0;
		for (uint64_t k = 0; k < c->n; k++) {
			gb_hist_add(h, c->late[k]);
			over += c->late[k] > TM_OVER_NS;
		}
		gb_hist_merge(all, h);
		over_all += over;
		overruns += c->overruns;
		size_t nb = tm_block_medians(c->late, c->n, WAKE_BLOCK, blocks_all + nall, scratch);
		gb_metric *m = tm_metric_hist(u->r, name, h, over, blocks_all + nall, nb, are);
		nall += nb;
		gb_kv_int(&m->extra, "cpu", c->cpu);
		gb_kv_int(&m->extra, "overruns", (long long)c->overruns);
		if (c->err)	/* stopped early: what it has is still a figure */
			gb_report_fail(u->r, "%s: %s failed after %llu wake-ups: %s", name, c->what,
				       (unsigned long long)c->n, strerror(c->err));
		else if (c->n < u->loops)
			gb_report_warn(u->r, "%s: --time-limit cut the wake-ups to %llu", name, (unsigned long long)c->n);
	}
	if (all->n) {
		gb_metric *m = tm_metric_hist(u->r, stem, all, over_all, blocks_all, nall, are);
		gb_kv_int(&m->extra, "overruns", (long long)overruns);
		gb_kv_int(&m->extra, "threads", u->nwake);
		gb_kv_num(&m->extra, "interval_us", (double)u->interval_ns / 1e3);
	}
	free(scratch);
	free(blocks_all);
	free(h);
	free(all);
}

static void part_wake(run *u, tm_wake_kind kind)
{
	const char *stem = kind == TM_NANOSLEEP ? "wakeup_nanosleep" : "wakeup_timerfd";
	gb_progress("%s", stem);
	tm_wake_cfg cfg = {
		.kind = kind, .ncpu = u->nwake, .cpu = u->cpu, .interval_ns = u->interval_ns,
		.loops = u->loops, .warmup = u->warmup, .limit_ns = u->limit_ns, .prio = u->prio,
		.slack_ns = u->slack_ns, .align_ns = u->align_ns,
	};
	tm_wake_cpu *res = gb_xcalloc((size_t)u->nwake, sizeof *res);
	char why[256];
	int e = tm_wake_run(&cfg, res, why, sizeof why);
	if (e)
		gb_report_unavailable(u->r, stem, e, "%s", why);
	else
		report_wake(u, stem, res);
	tm_wake_free(res, u->nwake);
	free(res);
}

/* ------------------------------------------------------------- cross -- */

typedef struct series {
	uint32_t *v;		/* ns */
	size_t n;
	uint64_t not_asleep;	/* wake-ups that found the waiter awake: not kept */
} series;

/* One wake-up that measured something, retrying those that found the
 * waiter still awake (at most 3 times: at 0 idle they are common). */
static void cross_sample(tm_cross *x, uint64_t idle_ns, series *s)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		int64_t d = tm_cross_once(x, idle_ns);
		if (d >= 0) {
			s->v[s->n++] = tm_store_ns(d);
			return;
		}
		s->not_asleep++;
	}
}

static void report_cross(run *u, const char *name, const series *s, const char *target)
{
	if (!s->n) {
		gb_report_unavailable(u->r, name, 0, "every wake-up found the waiter still awake (%llu tries)",
				      (unsigned long long)s->not_asleep);
		return;
	}
	gb_hist *h = gb_xmalloc(sizeof *h);
	gb_hist_init(h);
	uint64_t over = 0;
	for (size_t i = 0; i < s->n; i++) {
		gb_hist_add(h, s->v[i]);
		over += s->v[i] > TM_OVER_NS;
	}
	double *blocks = gb_xmalloc((s->n / CROSS_BLOCK + 1) * sizeof *blocks);
	uint32_t scratch[CROSS_BLOCK];
	size_t nb = tm_block_medians(s->v, s->n, CROSS_BLOCK, blocks, scratch);
	gb_metric *m = tm_metric_hist(u->r, name, h, over, blocks, nb,
				      "median of each block of 10 consecutive wake-ups (us)");
	gb_kv_str(&m->extra, "target", target);
	gb_kv_int(&m->extra, "not_asleep", (long long)s->not_asleep);
	char cpus[32];
	snprintf(cpus, sizeof cpus, "%d->%d", u->cpu[0], u->cpu[1]);
	gb_kv_str(&m->extra, "cpus", cpus);
	free(blocks);
	free(h);
}

/* Every cross-CPU metric unavailable, for one reason. */
static void cross_unavailable(run *u, int err, const char *why)
{
	gb_report_unavailable(u->r, "cross_wake_busy", err, "%s", why);
	gb_report_unavailable(u->r, "cross_wake_idle", err, "%s", why);
	for (size_t p = 0; p < NSWEEP; p++) {
		char name[64];
		snprintf(name, sizeof name, "cross_wake_idle_%lluus", (unsigned long long)(sweep_ns[p] / 1000));
		gb_report_unavailable(u->r, name, err, "%s", why);
	}
}

static void part_cross(run *u)
{
	static const char *const names[] = { "cross_wake_busy", "cross_wake_idle" };
	if (u->ncpu < 2) {
		cross_unavailable(u, 0, "needs two CPUs; this run has one");
		return;
	}
	gb_progress("cross");
	char why[256];
	/* no figure rather than a 0 the clock cannot resolve */
	if (!gb_clock_resolves("a cross-CPU wake-up of tens of us", why, sizeof why)) {
		cross_unavailable(u, 0, why);
		return;
	}
	tm_cross_cfg cfg = { .waker_cpu = u->cpu[0], .target_cpu = u->cpu[1], .prio = u->prio };
	tm_cross *x = tm_cross_start(&cfg, why, sizeof why);
	if (!x) {
		cross_unavailable(u, 0, why);
		return;
	}
	/* the two regimes: the same wake-up after the same pause, only the
	 * target CPU's state differs; blocks of 10 in the order ABBA, so
	 * that drift falls on both alike */
	series s[2];
	int refused[2] = { 0, 0 };
	for (int t = 0; t < 2; t++)
		s[t] = (series){ gb_xcalloc(u->wakes, sizeof(uint32_t)), 0, 0 };
	for (uint64_t done = 0, b = 0; done < u->wakes; done += CROSS_BLOCK, b++) {
		uint64_t k = u->wakes - done < CROSS_BLOCK ? u->wakes - done : CROSS_BLOCK;
		for (int j = 0; j < 2; j++) {
			int t = (b % 2) ? 1 - j : j;
			if (refused[t])
				continue;
			if (tm_cross_target(x, (tm_target)t, why, sizeof why) < 0) {
				gb_report_unavailable(u->r, names[t], 0, "%s", why);
				refused[t] = 1;
				continue;
			}
			for (uint64_t i = 0; i < k; i++)
				cross_sample(x, u->idle_ns, &s[t]);
		}
	}
	for (int t = 0; t < 2; t++) {
		char target[128];
		if (t == TM_TARGET_BUSY)
			snprintf(target, sizeof target, "kept running (%s spinner)", tm_cross_busy_method(x));
		else
			snprintf(target, sizeof target, "idle %.0f us before each wake-up", (double)u->idle_ns / 1e3);
		if (!refused[t])
			report_cross(u, names[t], &s[t], target);
		free(s[t].v);
	}
	gb_kv_str(&u->r->config, "busy_method", tm_cross_busy_method(x));

	/* the sweep, target idle: one wake-up per idle time per round, so
	 * that whatever drifts during the sweep falls on every point alike */
	tm_cross_target(x, TM_TARGET_IDLE, why, sizeof why);
	uint64_t per = u->wakes / 5 < 10 ? 10 : u->wakes / 5;
	series sw[NSWEEP];
	for (size_t p = 0; p < NSWEEP; p++)
		sw[p] = (series){ gb_xcalloc(per, sizeof(uint32_t)), 0, 0 };
	for (uint64_t i = 0; i < per; i++)
		for (size_t p = 0; p < NSWEEP; p++)
			cross_sample(x, sweep_ns[p], &sw[p]);
	tm_cross_stop(x);
	for (size_t p = 0; p < NSWEEP; p++) {
		char name[64], target[64];
		snprintf(name, sizeof name, "cross_wake_idle_%lluus", (unsigned long long)(sweep_ns[p] / 1000));
		snprintf(target, sizeof target, "idle %llu us before each wake-up",
			 (unsigned long long)(sweep_ns[p] / 1000));
		report_cross(u, name, &sw[p], target);
		free(sw[p].v);
	}
}

/* ------------------------------------------------------- steal, TSC -- */

static void report_steal(run *u, const uint64_t *a, const uint64_t *b, double seconds)
{
	long hz = sysconf(_SC_CLK_TCK);
	double *pct = gb_xmalloc((size_t)u->ncpu * sizeof *pct);
	for (int i = 0; i < u->ncpu; i++)
		pct[i] = b[i] >= a[i] && seconds > 0 && hz > 0 ? (double)(b[i] - a[i]) / (double)hz / seconds * 100 : 0;
	gb_metric *m = gb_report_metric(u->r, "steal_pct", "%", GB_LOWER, pct, (size_t)u->ncpu);
	for (int i = 0; i < u->ncpu; i++) {
		char key[32];
		snprintf(key, sizeof key, "cpu%d", u->cpu[i]);
		gb_kv_num(&m->extra, key, pct[i]);
	}
	gb_kv_str(&m->extra, "samples_are", "steal time of each CPU during the run, % of the run (/proc/stat)");
	free(pct);
}

/* Each half of the run at least this long, so that a 100 ns bracket is a
 * part in a million of it. */
#define TSC_HALF_NS 100000000ll

static void wait_until(int64_t ns)
{
	struct timespec t = { (time_t)(ns / TM_NS), (long)(ns % TM_NS) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

static void report_tsc(run *u, const tm_tsc_mark mk[3])
{
	const gb_isa *isa = gb_isa_get();
	double rate = tm_tsc_rate(&mk[0], &mk[2]);
	double r1 = tm_tsc_rate(&mk[0], &mk[1]), r2 = tm_tsc_rate(&mk[1], &mk[2]);
	u->trust.invariant_tsc = isa->invariant_tsc;
	u->trust.tsc_drift_ppm = r1 > 0 && r2 > 0 ? tm_ppm(r2, r1) : NAN;
	if (!(rate > 0)) {
		gb_report_unavailable(u->r, "tsc_mhz", 0, "the TSC did not advance with CLOCK_MONOTONIC");
		return;
	}
	double mhz = rate / 1e6;
	gb_metric *m = gb_report_metric(u->r, "tsc_mhz", "MHz", GB_HIGHER, &mhz, 1);
	gb_kv_bool(&m->extra, "invariant_tsc", isa->invariant_tsc);
	if (isa->tsc_hz) {
		gb_kv_num(&m->extra, "cpuid_mhz", (double)isa->tsc_hz / 1e6);
		gb_kv_num(&m->extra, "vs_cpuid_ppm", tm_ppm(rate, (double)isa->tsc_hz));
	} else {
		gb_kv_null(&m->extra, "cpuid_mhz");
	}
	if (isnan(u->trust.tsc_drift_ppm))
		gb_kv_null(&m->extra, "drift_ppm");
	else
		gb_kv_num(&m->extra, "drift_ppm", u->trust.tsc_drift_ppm);
	gb_kv_num(&m->extra, "seconds", (double)(mk[2].ns - mk[0].ns) / 1e9);
	gb_kv_str(&m->extra, "samples_are", "TSC ticks per second of CLOCK_MONOTONIC over the run");
}

static void verdict(run *u)
{
	char why[1024];
	u->trust.tsc_clocksource = strcmp(u->r->env->clocksource, "tsc") == 0;
	int ok = tm_trust(&u->trust, why, sizeof why);
	gb_kv_bool(&u->r->config, "clock_trusted", ok);
	gb_kv_str(&u->r->config, "clock_trust_reason", why);
	if (!ok)
		gb_report_warn(u->r, "sub-microsecond figures from this environment cannot be trusted: %s", why);
}

/* -------------------------------------------------------------- main -- */

int timer_main(int argc, char **argv)
{
	long long loops = 0, prio = 0, wakes = 0;
	double interval = 0, idle = 0, slack = 0, align = -1;	/* align: -1 = not given */
	const char *only = NULL, *dma = NULL;
	const gb_opt opts[] = {
		{ .name = "loops", .short_name = 'l', .type = GB_OPT_INT, .dest = &loops, .min = 1, .max = 100000000,
		  .metavar = "N", .help = "wake-ups per thread, as cyclictest -l (the same as -r N)" },
		{ .name = "interval", .short_name = 'i', .type = GB_OPT_DURATION, .dest = &interval, .def = "1ms",
		  .min = 10e-6, .max = 10, .metavar = "TIME", .help = "time between deadlines, as cyclictest -i" },
		{ .name = "priority", .short_name = 'p', .type = GB_OPT_INT, .dest = &prio, .def = "0", .min = 0,
		  .max = 99, .metavar = "N",
		  .help = "SCHED_FIFO priority of the measuring threads; 0 = SCHED_OTHER (cyclictest's -p 0 "
			  "is SCHED_FIFO 3: compare it with --priority 3)" },
		{ .name = "timer-slack", .type = GB_OPT_DURATION, .dest = &slack, .def = "1ns", .min = 0, .max = 1,
		  .metavar = "TIME",
		  .help = "timer slack of SCHED_OTHER measuring threads (a real-time thread has none); "
			  "0 = the kernel's default (50us), what an ordinary program gets" },
		{ .name = "align", .type = GB_OPT_DURATION, .dest = &align, .min = 0, .max = 0.999999999,
		  .metavar = "OFFSET",
		  .help = "start every thread's deadlines at the next whole second of CLOCK_MONOTONIC plus "
			  "OFFSET, as cyclictest --secaligned (to run beside another periodic tool without "
			  "waking together); default: each thread from its own start" },
		{ .name = "only", .type = GB_OPT_LIST, .dest = &only, .choices = PARTS, .metavar = "LIST",
		  .help = "run only these parts, comma-separated" },
		{ .name = "wakes", .type = GB_OPT_INT, .dest = &wakes, .def = "1000", .quick = "60", .min = 10,
		  .max = 1000000, .metavar = "N",
		  .help = "cross-CPU wake-ups per regime (the sweep takes a fifth per idle time)" },
		{ .name = "idle", .type = GB_OPT_DURATION, .dest = &idle, .def = "2ms", .min = 0, .max = 1,
		  .metavar = "TIME", .help = "pause before each cross-CPU wake-up (target idle that long)" },
		{ .name = "dma-latency", .type = GB_OPT_CHOICE, .dest = &dma, .def = "auto", .choices = "auto|off",
		  .help = "auto: hold /dev/cpu_dma_latency at 0 during the wake-up loops when permitted, "
			  "as cyclictest does" },
		GB_OPT_END,
	};
	static const gb_optdef defaults[] = {
		{ "repeat", "10000", "600" },	/* cyclictest -l 10000, as the anchor; --quick: 2 x 0.6 s */
		{ "warmup", "0", NULL },	/* cyclictest keeps every wake-up */
		{ NULL },
	};
	const gb_cli_spec spec = {
		.prog = "gb-timer",
		.bench = "timer",
		.summary = "how late a thread wakes up (cyclictest's method), and whether the clocks can be trusted",
		.synopsis = "[options]",
		.epilog = "parts (--only): clocks nanosleep timerfd cross\n"
			  "metrics: wakeup_nanosleep[_cpuN] wakeup_timerfd[_cpuN] (us), cross_wake_busy,\n"
			  "  cross_wake_idle, cross_wake_idle_<N>us (us), clock_<clock>[_syscall] (ns),\n"
			  "  clock_stall_max (us), clock_backwards, tsc_mhz, steal_pct\n",
		.common = GB_C_RUN | GB_C_CPUS,
		.opts = opts,
		.defaults = defaults,
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	cpu_set_t set;
	char err[512];
	if ((rc = gb_cli_cpus(&cli, &set, err, sizeof err))) {
		gb_err("%s", err);
		gb_cli_free(&cli);
		return rc;
	}
	run u;
	memset(&u, 0, sizeof u);
	u.only = only;
	u.cpu = gb_xmalloc(CPU_SETSIZE * sizeof *u.cpu);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			u.cpu[u.ncpu++] = c;
	/* a thread per effective CPU: a CPU quota of 1.5 means 2 (topo.h);
	 * --cpus names them all */
	u.nwake = u.ncpu;
	if (!cli.c.cpus && gb_effective_get()->ncpus < u.nwake)
		u.nwake = gb_effective_get()->ncpus;
	u.interval_ns = (int64_t)llround(interval * 1e9);
	u.loops = (uint64_t)(loops ? loops : cli.c.repeat);
	u.warmup = (uint64_t)cli.c.warmup;
	u.limit_ns = (uint64_t)(cli.c.time_limit * 1e9);
	u.wakes = (uint64_t)wakes;
	u.idle_ns = (uint64_t)llround(idle * 1e9);
	u.prio = (int)prio;
	u.slack_ns = (uint64_t)llround(slack * 1e9);
	u.align_ns = align < 0 ? -1 : llround(align * 1e9);
	u.quick = cli.c.quick;
	u.dma = strcmp(dma, "auto") == 0;
	u.trust = (tm_trust_in){ NAN, NAN, NAN, -1, 0, 0, 0, NAN };

	/* refuse what cannot be done before anything is measured */
	if (u.prio > 0 && tm_rt_probe(u.prio, err, sizeof err) < 0) {
		gb_err("%s", err);
		gb_cli_free(&cli);
		free(u.cpu);
		return GB_EXIT_ENV;
	}
	uint64_t bytes = u.loops * sizeof(uint32_t) * (uint64_t)u.nwake;
	if ((selected(&u, "nanosleep") || selected(&u, "timerfd")) && bytes > gb_effective_get()->mem / 4) {
		gb_err("--loops %llu: %llu bytes of samples for %d CPUs exceed a quarter of the %llu bytes "
		       "this process may use", (unsigned long long)u.loops, (unsigned long long)bytes, u.nwake,
		       (unsigned long long)gb_effective_get()->mem);
		gb_cli_free(&cli);
		free(u.cpu);
		return GB_EXIT_ENV;
	}

	gb_report r;
	gb_report_init(&r, &cli);
	u.r = &r;
	char why0[128];
	char list[2048];
	size_t n = 0;
	list[0] = 0;
	for (int i = 0; i < u.nwake && n < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%d", i ? "," : "", u.cpu[i]);
	gb_kv_str(&r.config, "cpu_list", list);
	gb_kv_int(&r.config, "threads", u.nwake);
	gb_kv_str(&r.config, "policy", u.prio ? "SCHED_FIFO" : "SCHED_OTHER");
	/* what the wake-up threads' sleeps may be late by on purpose (rt.c) */
	long long slack0 = tm_slack_default(why0, sizeof why0);
	if (slack0 >= 0)
		gb_kv_int(&r.config, "timer_slack_default_ns", slack0);
	else
		gb_kv_str(&r.config, "timer_slack_default_ns", why0);
	if (u.prio)
		snprintf(why0, sizeof why0, "none (SCHED_FIFO)");
	else if (u.slack_ns == 0)
		snprintf(why0, sizeof why0, "the kernel's default");
	else if (prctl(PR_SET_TIMERSLACK, (unsigned long)u.slack_ns, 0, 0, 0) < 0)
		snprintf(why0, sizeof why0, "not set: prctl(PR_SET_TIMERSLACK): %s", strerror(errno));
	else
		snprintf(why0, sizeof why0, "%llu ns", (unsigned long long)u.slack_ns);
	if (slack0 > 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack0, 0, 0, 0);	/* the probe's: back */
	gb_kv_str(&r.config, "timer_slack_applied", why0);
	if (u.align_ns >= 0)
		gb_kv_int(&r.config, "align_offset_ns", u.align_ns);
	else
		gb_kv_str(&r.config, "align_offset_ns", "off (each thread from its own start)");
	gb_kv_int(&r.config, "loops_per_thread", (long long)u.loops);
	gb_kv_str(&r.config, "clocksource", r.env->clocksource);
	gb_kv_num(&r.config, "estimated_run_s",
		  (double)u.interval_ns * (double)(u.loops + u.warmup) / 1e9 *
			  (selected(&u, "nanosleep") + selected(&u, "timerfd")) +
		  (selected(&u, "cross") ? (double)u.wakes * (2 * (double)u.idle_ns + 0.2 * 8.87e6) / 1e9 : 0));
	if (cli.c.plan) {
		free(u.cpu);
		int st = gb_report_finish(&r);
		gb_cli_free(&cli);
		return st;
	}

	char why[256];
	uint64_t *steal0 = gb_xcalloc((size_t)u.ncpu, sizeof *steal0), *steal1 = gb_xcalloc((size_t)u.ncpu, sizeof *steal1);
	int has_steal = tm_steal_read("", u.cpu, u.ncpu, steal0, why, sizeof why) == 0;
	tm_tsc_mark mk[3];
	tm_tsc_mark_take(&mk[0], 5);

	if (selected(&u, "clocks"))
		part_clocks(&u);
	wait_until(mk[0].ns + TSC_HALF_NS);
	tm_tsc_mark_take(&mk[1], 5);

	if (selected(&u, "nanosleep") || selected(&u, "timerfd")) {
		/* what cyclictest does around its loops, each recorded */
		int locked = tm_lock_memory(why, sizeof why);
		gb_kv_str(&r.config, "mlock", why);
		int fd = -1;
		if (u.dma)
			fd = tm_latency_target(why, sizeof why);
		gb_kv_str(&r.config, "dma_latency", u.dma ? why : "off (--dma-latency off)");
		if (selected(&u, "nanosleep"))
			part_wake(&u, TM_NANOSLEEP);
		if (selected(&u, "timerfd"))
			part_wake(&u, TM_TIMERFD);
		if (fd >= 0)
			close(fd);	/* the kernel drops the request with the fd */
		if (locked)
			munlockall();
	}
	if (selected(&u, "cross"))
		part_cross(&u);

	wait_until(mk[1].ns + TSC_HALF_NS);
	tm_tsc_mark_take(&mk[2], 5);
	report_tsc(&u, mk);
	if (has_steal && tm_steal_read("", u.cpu, u.ncpu, steal1, why, sizeof why) == 0)
		report_steal(&u, steal0, steal1, (double)(mk[2].ns - mk[0].ns) / 1e9);
	else
		gb_report_unavailable(&r, "steal_pct", 0, "%s", why);
	if (u.clocks_done)
		verdict(&u);
	free(steal0);
	free(steal1);
	free(u.cpu);
	gb_progress_done();
	int st = gb_report_finish(&r);
	gb_cli_free(&cli);
	return st;
}
