/* config.c - gb-cpu's options, its one preset, and the thread count and
 * CPUs a run resolves to.  Separate from the main so a unit test can
 * parse a command line and read the configuration without running
 * anything.
 *
 * The defaults are the anchor's (../shared/anchors/run cpu: sysbench cpu
 * --cpu-max-prime=20000 --time=10, on 1 thread and on every CPU), not
 * sysbench's own (--cpu-max-prime 10000), so a full run compares with it
 * as it is.  --preset li is Li et al.'s run: 200,000, 600 s, one thread. */
#include "cpu.h"

#include <stdio.h>
#include <string.h>

#include "topo.h"
#include "util.h"

/* What --preset li sets; --time and --quick may still shorten it. */
#define LI_MAX_PRIME 200000
#define LI_TIME 600.0

static unsigned parse_work(const char *only)
{
	unsigned w = 0;
	if (gb_list_has(only, "prime"))
		w |= CP_PRIME;
	if (gb_list_has(only, "chain"))
		w |= CP_CHAIN;
	return w;
}

int cp_config(cp_cfg *cfg, gb_cli *cli, int argc, char **argv)
{
	memset(cfg, 0, sizeof *cfg);
	const gb_opt opts[] = {
		{ .name = "max-prime", .type = GB_OPT_INT, .dest = &cfg->max_prime, .def = "20000", .min = 1,
		  .max = CP_MAX_PRIME_LIMIT, .metavar = "N",
		  .help = "one event checks every number below N for primality (sysbench --cpu-max-prime)" },
		{ .name = "time", .type = GB_OPT_DURATION, .dest = &cfg->time, .def = "10s", .quick = "1s",
		  .min = 0, .max = 86400, .metavar = "TIME",
		  .help = "length of each prime run (sysbench --time); 0 = until --events" },
		{ .name = "events", .type = GB_OPT_INT, .dest = &cfg->events, .min = 1, .max = 1e15,
		  .metavar = "N", .help = "stop each prime run after N events in all (sysbench --events)" },
		{ .name = "only", .type = GB_OPT_LIST, .dest = &cfg->only, .def = "prime,chain",
		  .choices = "prime|chain", .metavar = "LIST", .help = "the workloads to run" },
		{ .name = "preset", .type = GB_OPT_CHOICE, .dest = &cfg->preset, .choices = "li",
		  .metavar = "NAME",
		  .help = "li: Li et al.'s run: --max-prime 200000 --time 600s --threads 1 --only prime" },
		GB_OPT_END,
	};
	_Static_assert(sizeof opts <= sizeof cfg->opts, "cp_cfg.opts holds the option table");
	memcpy(cfg->opts, opts, sizeof opts);
	cfg->spec = (gb_cli_spec){
		.prog = "gb-cpu",
		.bench = "cpu",
		.summary = "sysbench's CPU test (primes by trial division, events/s) and a dependent integer chain",
		.synopsis = "[options]",
		.epilog = "metrics: prime_1t, prime_all (events/s: the slices' rates; events_per_sec = all\n"
			  "  events / the run's length, sysbench's figure), prime_latency_1t, prime_latency_all\n"
			  "  (ms per event, with percentiles), chain_1t, chain_all (ns per multiply-add).\n"
			  "The prime threads are not pinned (as sysbench's); the chain's are.  -r N cuts each\n"
			  "prime run into N slices (its samples); the chain takes N samples.  See docs/cpu.md.\n",
		.common = GB_C_RUN | GB_C_BATCH | GB_C_THREADS | GB_C_CPUS,
		.opts = cfg->opts,
		/* a quick run keeps 10 samples: slices of a 1 s run cost nothing
		 * more than one long slice, and the chain's samples are 2 ms */
		.defaults = (const gb_optdef[]){ { "min-time", NULL, "2ms" }, { NULL } },
		.max_positional = 0,
	};
	int rc = gb_cli_parse(cli, &cfg->spec, argc, argv);
	if (rc)
		return rc;

	rc = GB_EXIT_USAGE;
	if (cfg->preset) {
		/* a preset is a whole configuration: mixing it with the
		 * options it sets would be neither the study's run nor the
		 * one asked for */
		static const char *const set_by_li[] = { "max-prime", "threads", "only", "events", NULL };
		for (int i = 0; set_by_li[i]; i++)
			if (gb_cli_isset(cli, set_by_li[i])) {
				gb_err("--preset %s sets --%s; give one or the other", cfg->preset, set_by_li[i]);
				goto fail;
			}
		cfg->max_prime = LI_MAX_PRIME;
		cli->c.threads = 1;
		cfg->only = "prime";
		if (!gb_cli_isset(cli, "time") && !cli->c.quick)
			cfg->time = LI_TIME;
		cfg->shortened = cfg->time != LI_TIME;
	}
	cfg->work = parse_work(cfg->only);
	if (cfg->time == 0 && !cfg->events && (cfg->work & CP_PRIME)) {
		gb_err("--time 0 runs until --events N, which is not given");
		goto fail;
	}

	char err[512];
	cfg->cpus_given = cli->c.cpus != NULL;
	if ((rc = gb_cli_cpus(cli, &cfg->cpus, err, sizeof err))) {
		gb_err("%s", err);
		goto fail;
	}
	/* all effective CPUs: the set, capped by a cgroup quota (a 1.5-CPU
	 * quota over 8 CPUs gives 2 threads, not 8 throttled ones) */
	const gb_effective *eff = gb_effective_get();
	int n = CPU_COUNT(&cfg->cpus);
	cfg->threads = cli->c.threads ? (int)cli->c.threads : n < eff->ncpus ? n : eff->ncpus;
	return 0;
fail:
	gb_cli_free(cli);
	return rc;
}
