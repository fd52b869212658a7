/* stream.c - gb-stream: McCalpin's STREAM, with NUMA and page-size
 * control, on a pinned thread team.
 *
 * STREAM's rules, and where they are enforced:
 *  - each array at least 4x the sum of the last-level caches (plan.c);
 *  - a kernel run lasts at least 20 clock ticks (plan.c sizes for it,
 *    pass.c warns when a measured run was shorter);
 *  - the first iteration is not timed, ten are (--warmup 1, --repeat 10);
 *  - bytes counted per element: 16 copy, 16 scale, 24 add, 24 triad, no
 *    write-allocate traffic (run.c);
 *  - the headline is the best rate of each kernel (pass.c, "best");
 *  - the results are checked against the values the iterations must
 *    produce, relative error at most 1e-13 (run.c), else exit 1.
 * And ours: every thread first-touches the part of the arrays it works
 * on, on the CPU it is pinned to; the kernels are chosen at run time for
 * the strongest ISA the CPU and the OS allow. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "clock.h"
#include "cli.h"
#include "cpuid.h"
#include "format.h"
#include "mem.h"
#include "parse.h"
#include "pass.h"
#include "plan.h"
#include "report.h"
#include "stream.h"
#include "topo.h"
#include "util.h"

#define MAX_PLACEMENTS 2

/* One memory placement to measure: --numa MODE, or each of a sweep. */
struct placement {
	gb_numa numa;
	const char *suffix;	/* metric and config name suffix: "" (the plain
				 * names harnesses rely on) or "_interleave" */
	cpu_set_t cpus;
	gb_buf buf[3];
};

static int check_numa(const char *v, char *msg, unsigned len)
{
	gb_numa n;

	if (strcmp(v, "sweep") && gb_parse_numa(v, &n) < 0) {
		snprintf(msg, len, "node:N with N a node number, e.g. node:0");
		return -1;
	}
	return 0;
}

static void free_placement(struct placement *pl)
{
	for (int i = 0; i < 3; i++)
		gb_mem_free(&pl->buf[i]);
}

/*
 * Map the three arrays of one placement (nothing touched yet).  Every
 * refusal -- a page size or a NUMA mode this environment cannot give --
 * happens here, before any measurement: GB_EXIT_ENV.
 */
static int map_arrays(struct placement *pl, const st_plan *plan, gb_pages pages,
		      gb_strlist *warn, char *err, size_t errlen)
{
	for (int i = 0; i < 3; i++) {
		/* one warning for the three arrays, not three */
		gb_strlist *w = i == 0 ? warn : NULL;
		if (gb_mem_alloc(&pl->buf[i], plan->bytes, pages, &pl->numa, w, err,
				 (unsigned)errlen) < 0)
			return GB_EXIT_ENV;
	}
	return 0;
}

static void measure(gb_report *r, struct placement *pl, const st_plan *plan, int threads_opt,
		    const int *stores, int nstores, st_pass_cfg *pc)
{
	const gb_effective *eff = gb_effective_get();
	char err[256], key[64], cpus[256];
	int n = threads_opt;
	double cov = 2;

	if (!n) {
		/* default: one thread per CPU we may use, the quota included */
		n = CPU_COUNT(&pl->cpus);
		if (!r->cli->c.cpus && n > eff->ncpus)
			n = eff->ncpus;
	}
	st_arrays ar = {
		.a = pl->buf[0].p, .b = pl->buf[1].p, .c = pl->buf[2].p,
		.n = plan->elements,
	};
	/* chunks end on page boundaries when the arrays are large enough,
	 * so that no page (a 2 MiB one with THP) is first-touched by one
	 * thread and used by another; always on a cache line */
	size_t page = pl->buf[0].used == GB_PAGES_1G ? 1u << 30 :
		      pl->buf[0].used == GB_PAGES_4K ? 4096 : 2u << 20;
	ar.granule = plan->bytes / (size_t)n >= 8 * page ? page / sizeof(double) : 8;

	ar.team = gb_team_create(n, &pl->cpus, err, sizeof err);
	if (!ar.team) {
		gb_report_fail(r, "%s: %s", pl->buf[0].numa, err);
		return;
	}
	gb_progress("stream: first touch of %llu MiB", (unsigned long long)(3 * plan->bytes >> 20));
	st_init(&ar);		/* the first touch */
	for (int i = 0; i < 3; i++) {
		double c = gb_mem_coverage(&pl->buf[i]);
		if (c < cov)
			cov = c;
	}

	/* what this placement got, under keys suffixed like its metrics */
	gb_fmt_cpulist(&pl->cpus, cpus, sizeof cpus);
	snprintf(key, sizeof key, "threads%s", pl->suffix);
	gb_kv_int(&r->config, key, n);
	snprintf(key, sizeof key, "cpu_list%s", pl->suffix);
	gb_kv_str(&r->config, key, cpus);
	snprintf(key, sizeof key, "numa_placement%s", pl->suffix);
	gb_kv_str(&r->config, key, pl->buf[0].numa);
	snprintf(key, sizeof key, "pages_used%s", pl->suffix);
	gb_kv_str(&r->config, key, gb_pages_name(pl->buf[0].used));
	snprintf(key, sizeof key, "huge_coverage%s", pl->suffix);
	if (cov >= 0)
		gb_kv_num(&r->config, key, cov);
	else
		gb_kv_null(&r->config, key);
	if (pl->buf[0].used == GB_PAGES_THP && cov >= 0 && cov < 0.9)
		gb_report_warn(r, "transparent huge pages were asked for, but only %.0f%% of the "
			       "arrays got them (memory fragmented, or THP defrag off)", 100 * cov);
	gb_info("numa %s: %d threads on CPUs %s, %s, huge-page coverage %.2f",
		pl->buf[0].numa, n, cpus, gb_pages_name(pl->buf[0].used), cov);

	pc->suffix = pl->suffix;
	pc->numa = pl->buf[0].numa;
	for (int s = 0; s < nstores; s++)
		st_pass(r, &ar, st_kernels_pick(gb_isa_get()->best, stores[s]), pc);
	gb_team_destroy(ar.team);
}

int stream_main(int argc, char **argv)
{
	const char *numa_opt = "local", *stores_opt = "both";
	const gb_opt opts[] = {
		{ .name = "numa", .type = GB_OPT_CHOICE, .dest = &numa_opt, .def = "local",
		  .choices = "local|interleave|node:|cross|sweep", .metavar = "MODE",
		  .help = "memory placement; sweep = local, then interleave", .check = check_numa },
		{ .name = "stores", .type = GB_OPT_CHOICE, .dest = &stores_opt, .def = "both",
		  .choices = "temporal|nt|both", .metavar = "KIND",
		  .help = "ordinary stores, non-temporal (streaming) stores, or both" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-stream",
		.bench = "stream",
		.summary = "sustainable memory bandwidth: McCalpin's STREAM (copy, scale, add, triad)",
		.synopsis = "[options]",
		.epilog = "metrics (MB/s, 10^6 bytes/s; best = STREAM's headline):\n"
			  "  copy scale add triad            ordinary (temporal) stores\n"
			  "  copy_nt scale_nt add_nt triad_nt  non-temporal stores\n"
			  "  with --numa sweep, the interleaved run adds _interleave to each name\n",
		.common = GB_C_RUN | GB_C_THREADS | GB_C_CPUS | GB_C_MEM,
		.opts = opts,
		.defaults = (const gb_optdef[]){ { "repeat", NULL, "3" }, { NULL } },
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	char err[512];
	cpu_set_t base;
	gb_pages pages = GB_PAGES_AUTO;
	gb_strlist warn = { 0 };
	struct placement pl[MAX_PLACEMENTS];
	int npl = 0;
	st_plan plan;

	memset(pl, 0, sizeof pl);
	if ((rc = gb_cli_cpus(&cli, &base, err, sizeof err)))
		goto refuse;
	gb_parse_pages(cli.c.pages, &pages);	/* the option's choices are the parser's */
	if (!strcmp(numa_opt, "sweep")) {
		/* the two configurations of Felter et al. */
		pl[npl++] = (struct placement){ .numa = { GB_NUMA_LOCAL, 0 }, .suffix = "" };
		pl[npl++] = (struct placement){ .numa = { GB_NUMA_INTERLEAVE, 0 },
						.suffix = "_interleave" };
	} else {
		gb_parse_numa(numa_opt, &pl[0].numa);
		pl[npl++].suffix = "";
	}
	if ((rc = st_plan_size(&plan, cli.c.size, cli.c.quick, pages, &warn, err, sizeof err)))
		goto refuse;
	for (int i = 0; i < npl; i++) {
		if ((rc = st_plan_cpus(&pl[i].numa, &base, cli.c.cpus != NULL, &pl[i].cpus, err,
				       sizeof err)))
			goto refuse;
		if (!cli.c.plan && (rc = map_arrays(&pl[i], &plan, pages, &warn, err, sizeof err)))
			goto refuse;
	}

	int stores[2], nstores = 0;
	if (strcmp(stores_opt, "nt"))
		stores[nstores++] = 0;
	if (strcmp(stores_opt, "temporal"))
		stores[nstores++] = 1;

	gb_report r;
	gb_report_init(&r, &cli);
	for (size_t i = 0; i < warn.n; i++)
		gb_report_warn(&r, "%s", warn.v[i]);
	gb_strlist_free(&warn);

	const gb_isa *isa = gb_isa_get();
	const gb_clockinfo *ck = gb_clock_info();
	gb_kv_str(&r.config, "isa", st_kernels_pick(isa->best, 0)->isa);
	gb_kv_str(&r.config, "isa_hw_best", gb_isa_name(isa->hw_best));
	gb_kv_int(&r.config, "size", (long long)plan.bytes);
	gb_kv_int(&r.config, "array_elements", (long long)plan.elements);
	gb_kv_int(&r.config, "array_bytes", (long long)plan.bytes);
	gb_kv_int(&r.config, "llc_bytes", (long long)plan.llc);
	gb_kv_num(&r.config, "array_over_llc", (double)plan.bytes / (double)plan.llc);
	gb_kv_int(&r.config, "numa_nodes", gb_numa_nodes());
	gb_kv_num(&r.config, "timer_tick_ns", ck->tick_ns);
	gb_kv_num(&r.config, "epsilon", ST_EPSILON);
	if (gb_numa_nodes() < 2)
		gb_kv_str(&r.config, "numa_note", "1 node: every placement is the same");
	if (cli.c.plan) {	/* sized and placed; nothing mapped, nothing measured */
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}

	st_pass_cfg pc = {
		.warmup = (int)cli.c.warmup,
		.repeat = (int)cli.c.repeat,
		/* the limit is shared between the passes, rounded up so a
		 * tiny limit stays a limit */
		.limit_ns = (uint64_t)ceil(cli.c.time_limit * 1e9 / (double)(npl * nstores)),
		.tick_ns = ck->tick_ns,
	};
	for (int i = 0; i < npl; i++) {
		measure(&r, &pl[i], &plan, (int)cli.c.threads, stores, nstores, &pc);
		free_placement(&pl[i]);
	}
	gb_progress_done();
	gb_cli_free(&cli);
	return gb_report_finish(&r);

refuse:
	gb_err("%s", err);
	for (int i = 0; i < npl; i++)
		free_placement(&pl[i]);
	gb_strlist_free(&warn);
	gb_cli_free(&cli);
	return rc;
}
