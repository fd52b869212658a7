/* chain_run.c - the dependent chain timed on one CPU and on every
 * effective CPU at once: ns per multiply-add, and its spread.
 *
 * Unlike the prime threads these are pinned, one per CPU: the point is a
 * figure per CPU that nothing but the CPU's own speed can move, so that
 * a slow vCPU (stolen, throttled, clocked down) shows as itself rather
 * than as an average over wherever the scheduler put the thread.  A
 * sample is one timed chain per thread, all started together; its
 * iteration count is the one-thread run's, calibrated to --min-time. */
#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fault.h"
#include "team.h"
#include "util.h"

struct one {
	uint64_t seed;		/* a new start for every sample */
	int corrupt;		/* GB_FAULT cpu.corrupt=chain: one wrong end */
	int bad;
};

static uint64_t loop_chain(void *ctx, uint64_t n)
{
	struct one *o = ctx;
	uint64_t x0 = o->seed++;
	uint64_t t0 = gb_now_ns();
	uint64_t x = cp_chain_run(x0, n);
	uint64_t t = gb_now_ns() - t0;
	x ^= (uint64_t)o->corrupt;
	o->corrupt = 0;
	if (x != cp_chain_expect(x0, n)) {
		o->bad = 1;
		return GB_LOOP_FAIL;
	}
	return t;
}

struct all {
	gb_team *team;
	uint64_t iters, seed;
	double *ns;		/* this sample, per thread */
	int *bad;
};

static void member(int tid, int n, void *arg)
{
	struct all *a = arg;
	uint64_t x0 = a->seed + (uint64_t)tid;
	gb_team_barrier(a->team);	/* all chains start together */
	uint64_t t0 = gb_now_ns();
	uint64_t x = cp_chain_run(x0, a->iters);
	uint64_t t = gb_now_ns() - t0;
	a->ns[tid] = (double)t / (double)a->iters;
	a->bad[tid] = x != cp_chain_expect(x0, a->iters);
}

static void report_one(gb_report *r, const cp_cfg *cfg, const gb_batch *b, double *samples,
		       uint64_t *iters)
{
	char err[256];
	gb_team *t = gb_team_create(1, &cfg->cpus, err, sizeof err);	/* pins this thread */
	if (!t) {
		gb_report_fail(r, "chain_1t: %s", err);
		return;
	}
	const char *fault = gb_fault("corrupt");
	struct one o = { .seed = 1, .corrupt = fault && !strcmp(fault, "chain") };
	gb_batch_result res;
	gb_progress("chain_1t");
	gb_batch_run(loop_chain, &o, b, samples, &res);
	int cpu = gb_team_cpu(t, 0);
	gb_team_destroy(t);
	*iters = res.iters;
	if (res.failed)
		gb_report_fail(r, "chain_1t: the chain did not end where its closed form says");
	if (!res.n)
		return;
	if (res.truncated)
		gb_report_warn(r, "chain_1t: --time-limit cut the samples to %d", res.n);
	gb_metric *m = gb_report_metric(r, "chain_1t", "ns", GB_LOWER, samples, (size_t)res.n);
	gb_kv_num(&m->extra, "ops_per_sec", 1e9 / m->st.median);
	gb_kv_int(&m->extra, "iterations_per_sample", (long long)res.iters);
	gb_kv_int(&m->extra, "cpu", cpu);
	gb_metric_note(m, "%.3g Gop/s", 1 / m->st.median);
}

static void report_all(gb_report *r, const cp_cfg *cfg, const gb_batch *b, double *samples,
		       uint64_t iters)
{
	char err[256];
	int n = cfg->threads;
	gb_team *t = gb_team_create(n, &cfg->cpus, err, sizeof err);
	if (!t) {
		gb_report_fail(r, "chain_all: %s", err);
		return;
	}
	struct all a = { .team = t, .iters = iters, .seed = 1000 };
	a.ns = gb_xcalloc((size_t)n, sizeof *a.ns);
	a.bad = gb_xcalloc((size_t)n, sizeof *a.bad);
	double *per_thread = gb_xcalloc((size_t)n, sizeof *per_thread);	/* sum over samples */
	int kept = 0, bad = 0, cut = 0;
	uint64_t start = gb_now_ns();
	gb_progress("chain_all");
	for (int i = 0; i < b->warmup + b->repeat && !bad; i++) {
		if (kept > 0 && b->time_limit_ns && gb_now_ns() - start > b->time_limit_ns) {
			cut = 1;
			break;
		}
		gb_team_run(t, member, &a);
		a.seed += (uint64_t)n;
		for (int k = 0; k < n; k++)
			bad |= a.bad[k];
		if (i < b->warmup)
			continue;
		double s = 0;
		for (int k = 0; k < n; k++) {
			s += a.ns[k];
			per_thread[k] += a.ns[k];
		}
		samples[kept++] = s / n;	/* the mean thread's ns per op */
	}
	if (bad)
		gb_report_fail(r, "chain_all: a thread's chain did not end where its closed form says");
	if (kept) {
		if (cut)
			gb_report_warn(r, "chain_all: --time-limit cut the samples to %d", kept);
		int slow = 0, fast = 0;
		for (int k = 1; k < n; k++) {
			slow = per_thread[k] > per_thread[slow] ? k : slow;
			fast = per_thread[k] < per_thread[fast] ? k : fast;
		}
		gb_metric *m = gb_report_metric(r, "chain_all", "ns", GB_LOWER, samples, (size_t)kept);
		gb_kv_int(&m->extra, "threads", n);
		gb_kv_num(&m->extra, "ops_per_sec_per_thread", 1e9 / m->st.median);
		gb_kv_num(&m->extra, "ops_per_sec_total", n * 1e9 / m->st.median);
		gb_kv_int(&m->extra, "iterations_per_sample", (long long)iters);
		/* the CPU whose chain was slowest on average, against the
		 * fastest: a stolen or clocked-down vCPU stands out here */
		gb_kv_int(&m->extra, "slowest_cpu", gb_team_cpu(t, slow));
		gb_kv_num(&m->extra, "slowest_cpu_ns", per_thread[slow] / kept);
		gb_kv_int(&m->extra, "fastest_cpu", gb_team_cpu(t, fast));
		gb_kv_num(&m->extra, "fastest_cpu_ns", per_thread[fast] / kept);
		gb_metric_note(m, "%d threads, slowest CPU %d +%.1f%%", n, gb_team_cpu(t, slow),
			       (per_thread[slow] / per_thread[fast] - 1) * 100);
	}
	gb_team_destroy(t);
	free(a.ns);
	free(a.bad);
	free(per_thread);
}

void cp_chain_report(gb_report *r, const gb_cli *cli, const cp_cfg *cfg, double time_limit)
{
	/* the time limit is this workload's share, split between its runs */
	gb_batch b = {
		.min_time_ns = (uint64_t)(cli->c.min_time * 1e9),
		.repeat = (int)cli->c.repeat,
		.warmup = (int)cli->c.warmup,
		.time_limit_ns = (uint64_t)(time_limit * 1e9 / 2),
	};
	if (time_limit > 0 && !b.time_limit_ns)
		b.time_limit_ns = 1;	/* a tiny limit stays a limit */
	double *samples = gb_xcalloc((size_t)b.repeat, sizeof *samples);
	uint64_t iters = 0;
	report_one(r, cfg, &b, samples, &iters);
	if (cfg->threads < 2)
		gb_report_unavailable(r, "chain_all", 0, "one thread (%s): chain_1t is the all-CPU figure",
				      cli->c.threads ? "--threads" : "one effective CPU");
	else if (iters)
		report_all(r, cfg, &b, samples, iters);
	free(samples);
}
