/* syscall.c - gb-syscall: the cost of entering the kernel.
 *
 * Every operation of the ops_*.c tables is timed in batches (clock.h):
 * the iteration count grows until one sample lasts --min-time, --warmup
 * samples are dropped, --repeat samples are kept, and each metric is the
 * time of one operation in ns.  The loop of each operation checks its own
 * results (the right pid, the byte read, the signal handled ...); a wrong
 * result makes the run invalid (exit 1).  An operation this environment
 * refuses (no /dev, io_uring blocked, one CPU) is reported unavailable
 * with the reason and the run goes on.
 *
 * Test-only fault: GB_FAULT=syscall.fail=<op> (common/fault.h) makes that
 * operation's validation fail, so tests can check the invalid-result path
 * (valid: false, exit 1) end to end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cli.h"
#include "env.h"
#include "fault.h"
#include "ops.h"
#include "report.h"
#include "topo.h"
#include "util.h"

static const sc_op *const tables[] = { sc_ops_kernel, sc_ops_memory, sc_ops_ipc, sc_ops_cpu, sc_ops_uring };
#define NTABLES (sizeof tables / sizeof tables[0])

/* Calls Li et al. time per environment: we report the same total. */
#define LI_CALLS 10000

static int selected(const char *only, const char *name)
{
	return !only || gb_list_has(only, name);
}

/* "getpid|getppid|..." for --only, and a help listing of every operation. */
static void describe_ops(char *choices, size_t clen, char *epilog, size_t elen)
{
	size_t c = 0, e = (size_t)snprintf(epilog, elen, "operations (metric names):\n");
	for (size_t t = 0; t < NTABLES; t++)
		for (const sc_op *op = tables[t]; op->name; op++) {
			if (c < clen)
				c += (size_t)snprintf(choices + c, clen - c, "%s%s", c ? "|" : "", op->name);
			if (e < elen)
				e += (size_t)snprintf(epilog + e, elen - e, "  %-22s %s\n", op->name, op->what);
		}
	if (c >= clen)
		gb_die(GB_EXIT_USAGE, "internal: operation names exceed %zu bytes", clen);
}

/* Where the pinned operations run: the first two CPUs of --cpus or of
 * the effective set (cpu_b = -1 when there is only one). */
struct placement {
	int cpu_a, cpu_b;
	const char *from;	/* "--cpus" or "this environment" */
	cpu_set_t set;		/* all of them, for operations on more CPUs */
	int n;			/* how many may be used: a CPU quota caps the effective set */
};

static void run_op(gb_report *r, const sc_op *op, const gb_batch *cfg, const struct placement *pl,
		   double *samples)
{
	const gb_effective *eff = gb_effective_get();
	sc_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.cpu_a = pl->cpu_a;
	ctx.cpu_b = pl->cpu_b;
	ctx.place = &pl->set;
	ctx.nplace = pl->n;
	ctx.place_from = pl->from;

	if (op->cpus == 2 && pl->cpu_b < 0) {
		gb_report_unavailable(r, op->name, 0, "needs two CPUs; %s allows one", pl->from);
		return;
	}
	gb_batch b = *cfg;
	b.max_iters = op->max_iters;
	if (op->bytes_per_iter) {
		/* a sample may hold at most a quarter of the effective memory:
		 * a small container must not be OOM-killed by a default run */
		uint64_t fit = eff->mem / 4 / op->bytes_per_iter;
		if (fit < 64) {
			gb_report_unavailable(r, op->name, 0, "not enough memory: %llu bytes effective",
					      (unsigned long long)eff->mem);
			return;
		}
		if (!b.max_iters || fit < b.max_iters)
			b.max_iters = fit;
	}
	if (op->setup && op->setup(&ctx) < 0) {
		gb_report_unavailable(r, op->name, ctx.err, "%s", ctx.why);
		return;
	}
	gb_progress("%s", op->name);

	gb_batch_result res;
	gb_batch_run(op->loop, &ctx, &b, samples, &res);
	if (op->teardown)
		op->teardown(&ctx);
	const char *hook = gb_fault("fail");
	if (hook && strcmp(hook, op->name) == 0) {
		res.failed = 1;
		snprintf(ctx.error, sizeof ctx.error, "GB_FAULT syscall.fail: validation failure forced for a test");
	}

	if (res.failed) {
		gb_report_fail(r, "%s: %s", op->name, ctx.error[0] ? ctx.error : "the operation failed");
		if (!res.n)
			return;
	}
	if (res.truncated)
		gb_report_warn(r, "%s: --time-limit cut the samples to %d", op->name, res.n);
	gb_metric *m = gb_report_metric(r, op->name, "ns", GB_LOWER, samples, (size_t)res.n);
	double total_us = m->st.median * LI_CALLS / 1000.0;
	gb_kv_num(&m->extra, "total_10000_calls_us", total_us);
	gb_kv_int(&m->extra, "iterations_per_sample", (long long)res.iters);
	if (ctx.cpus_used[0]) {
		gb_kv_str(&m->extra, "cpus", ctx.cpus_used);
	} else if (op->cpus) {
		char cpus[32];
		snprintf(cpus, sizeof cpus, "%d,%d", ctx.cpu_a, op->cpus == 2 ? ctx.cpu_b : ctx.cpu_a);
		gb_kv_str(&m->extra, "cpus", cpus);
	}
	if (ctx.regime)	/* a cross-CPU wake-up: was the woken CPU running or idle? */
		gb_kv_str(&m->extra, "regime", ctx.regime);
	gb_metric_note(m, "10k calls: %.3g ms", total_us / 1000);
	gb_info("%s: %llu iterations per sample, median %.1f ns", op->name, (unsigned long long)res.iters,
		m->st.median);
}

int syscall_main(int argc, char **argv)
{
	static char choices[1024], epilog[4096];
	describe_ops(choices, sizeof choices, epilog, sizeof epilog);

	const char *only = NULL;
	const gb_opt opts[] = {
		{ .name = "only", .type = GB_OPT_LIST, .dest = &only, .choices = choices, .metavar = "LIST",
		  .help = "measure only these operations, comma-separated" },
		GB_OPT_END,
	};
	/* --quick: fewer, shorter samples */
	static const gb_optdef defaults[] = {
		{ "repeat", NULL, "3" },
		{ "min-time", NULL, "2ms" },
		{ NULL },
	};
	const gb_cli_spec spec = {
		.prog = "gb-syscall",
		.bench = "syscall",
		.summary = "the cost of entering the kernel, and of a VM exit",
		.synopsis = "[options]",
		.epilog = epilog,
		.common = GB_C_RUN | GB_C_BATCH | GB_C_CPUS,
		.opts = opts,
		.defaults = defaults,
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	cpu_set_t cpus;
	char err[512];
	if ((rc = gb_cli_cpus(&cli, &cpus, err, sizeof err))) {
		gb_err("%s", err);
		return rc;
	}
	struct placement pl = { -1, -1, cli.c.cpus ? "--cpus" : "this environment", cpus, CPU_COUNT(&cpus) };
	for (int c = 0, k = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &cpus))
			*(k++ ? &pl.cpu_b : &pl.cpu_a) = c;
	if (!cli.c.cpus && gb_effective_get()->ncpus < pl.n)
		pl.n = gb_effective_get()->ncpus;

	gb_report r;
	gb_report_init(&r, &cli);
	const gb_env *env = r.env;
	const gb_clockinfo *ck = gb_clock_info();
	/* what moves these figures, next to them (the env block has it too) */
	if (env->seccomp >= 0)
		gb_kv_int(&r.config, "seccomp", env->seccomp);
	else
		gb_kv_null(&r.config, "seccomp");
	gb_kv_str(&r.config, "mitigations", env->mitigations);
	gb_kv_str(&r.config, "clocksource", env->clocksource);
	gb_kv_num(&r.config, "timer_overhead_ns", ck->overhead_ns);
	gb_kv_num(&r.config, "timer_tick_ns", ck->tick_ns);
	if (cli.c.plan) {
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}

	size_t nsel = 0;
	for (size_t t = 0; t < NTABLES; t++)
		for (const sc_op *op = tables[t]; op->name; op++)
			nsel += selected(only, op->name);

	/* --time-limit is shared out between the operations; rounded up, so
	 * a tiny limit stays a limit (0 would mean none) */
	gb_batch cfg = {
		.min_time_ns = (uint64_t)(cli.c.min_time * 1e9),
		.repeat = (int)cli.c.repeat,
		.warmup = (int)cli.c.warmup,
		.time_limit_ns = (uint64_t)ceil(cli.c.time_limit * 1e9 / (double)(nsel ? nsel : 1)),
	};
	double *samples = gb_xcalloc((size_t)cfg.repeat, sizeof *samples);
	for (size_t t = 0; t < NTABLES; t++)
		for (const sc_op *op = tables[t]; op->name; op++)
			if (selected(only, op->name))
				run_op(&r, op, &cfg, &pl, samples);
	free(samples);
	gb_progress_done();
	gb_cli_free(&cli);
	return gb_report_finish(&r);
}
