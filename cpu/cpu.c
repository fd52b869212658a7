/* cpu.c - gb-cpu: what a layer does to plain computation.
 *
 * Two workloads that touch (almost) no memory and make no system call,
 * so a container, a seccomp filter or gVisor's Sentry cannot slow them:
 * whatever moves them is the CPU itself - its clock, time stolen by the
 * host, a hypervisor's interrupts, an emulator (TCG).
 *  - prime: sysbench's CPU test (prime.c, prime_run.c), events per
 *    second on one thread and on every effective CPU, each event checked
 *    against a sieve; Li et al.'s figure with --preset li.
 *  - chain: a dependent multiply-add chain (chain.c, chain_run.c), ns per
 *    operation on one CPU and on each CPU at once.
 * The order of a main (docs/design.md): parse, plan, report's config,
 * --plan stops, run, finish. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "format.h"
#include "hist.h"
#include "report.h"
#include "util.h"

/* The sysbench command that does the same work, for the anchor: the same
 * N, threads, time and event limit. */
static void sysbench_cmd(gb_kvlist *config, const char *key, const cp_cfg *cfg, int threads)
{
	char cmd[200], ev[48] = "";
	if (cfg->events)
		snprintf(ev, sizeof ev, " --events=%lld", cfg->events);
	snprintf(cmd, sizeof cmd, "sysbench cpu --cpu-max-prime=%lld --threads=%d --time=%g%s run",
		 cfg->max_prime, threads, cfg->time, ev);
	gb_kv_str(config, key, cmd);
}

static void report_prime(gb_report *r, const char *name, const char *lat_name, const cp_prime_result *p,
			 const cp_cfg *cfg, long long expected)
{
	if (p->wrong)
		gb_report_fail(r, "%s: %llu of %llu events counted %u primes below %lld, not the sieve's %lld", name,
			       (unsigned long long)p->wrong, (unsigned long long)p->events, p->first_wrong,
			       cfg->max_prime, expected);
	if (!p->events) {
		gb_report_fail(r, "%s: no event completed", name);
		return;
	}
	double eps = (double)p->events / p->seconds;
	gb_metric *m = gb_report_metric(r, name, "events/s", GB_HIGHER, p->rate, (size_t)p->nslices);
	/* sysbench's "events per second": every event over the whole run */
	gb_kv_num(&m->extra, "events_per_sec", eps);
	gb_kv_int(&m->extra, "events", (long long)p->events);
	gb_kv_num(&m->extra, "seconds", p->seconds);
	gb_kv_int(&m->extra, "threads", p->threads);
	gb_kv_int(&m->extra, "primes_per_event", expected);
	if (p->threads > 1) {
		/* fairness: sysbench's "events (avg/stddev)" per thread */
		uint64_t lo = p->per_thread[0], hi = p->per_thread[0];
		double mean = (double)p->events / p->threads, ss = 0;
		for (int i = 0; i < p->threads; i++) {
			lo = p->per_thread[i] < lo ? p->per_thread[i] : lo;
			hi = p->per_thread[i] > hi ? p->per_thread[i] : hi;
			ss += ((double)p->per_thread[i] - mean) * ((double)p->per_thread[i] - mean);
		}
		gb_kv_int(&m->extra, "events_per_thread_min", (long long)lo);
		gb_kv_int(&m->extra, "events_per_thread_max", (long long)hi);
		gb_kv_num(&m->extra, "events_per_thread_mean", mean);
		gb_kv_num(&m->extra, "events_per_thread_stddev", sqrt(ss / (p->threads - 1)));
		gb_kv_num(&m->extra, "fairness", hi ? (double)lo / (double)hi : 0);
	}
	gb_metric_note(m, "%.2f events/s over %.2f s, %d thread%s", eps, p->seconds, p->threads,
		       p->threads > 1 ? "s" : "");
	if (p->nlat) {
		gb_metric *l = gb_report_metric(r, lat_name, "ms", GB_LOWER, p->lat_ms, (size_t)p->nlat);
		gb_metric_set_pct(l, p->hist, 1e-6);
		gb_kv_int(&l->extra, "events", (long long)p->events);
	}
}

/* One prime run, reported; the all-CPU name is unavailable with one thread. */
static void run_prime(gb_report *r, const gb_cli *cli, const cp_cfg *cfg, int threads, double seconds,
		      long long expected, const char *name, const char *lat_name)
{
	cp_prime_result p;
	char err[256];
	gb_progress("%s", name);
	if (cp_prime_run(cfg, threads, seconds, (int)cli->c.repeat, (uint32_t)expected, &p, err, sizeof err) < 0)
		gb_report_fail(r, "%s: %s", name, err);
	else
		report_prime(r, name, lat_name, &p, cfg, expected);
	cp_prime_free(&p);
}

int cpu_main(int argc, char **argv)
{
	cp_cfg cfg;
	gb_cli cli;
	int rc = cp_config(&cfg, &cli, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	long long expected = 0;
	if (cfg.work & CP_PRIME) {
		expected = cp_primes_expected((uint32_t)cfg.max_prime);
		if (expected < 0) {
			gb_err("--max-prime %lld: no memory for the sieve that checks the events (%lld bytes)",
			       cfg.max_prime, cfg.max_prime / 16);
			gb_cli_free(&cli);
			return GB_EXIT_ENV;
		}
	}

	/* the time limit is shared by the runs: two prime runs and the chain */
	int runs = ((cfg.work & CP_PRIME) ? 1 + (cfg.threads > 1) : 0) + !!(cfg.work & CP_CHAIN);
	double share = cli.c.time_limit / runs, seconds = cfg.time;
	if (share > 0 && (cfg.work & CP_PRIME) && (seconds == 0 || seconds > share))
		seconds = share;

	gb_report r;
	gb_report_init(&r, &cli);
	char cpus[256];
	gb_fmt_cpulist(&cfg.cpus, cpus, sizeof cpus);
	gb_kv_int(&r.config, "threads", cfg.threads);	/* resolved: the all-CPU runs */
	gb_kv_str(&r.config, "cpus", cpus);
	if (cfg.work & CP_PRIME) {
		gb_kv_num(&r.config, "prime_seconds", seconds);
		gb_kv_int(&r.config, "primes_per_event", expected);
		gb_kv_bool(&r.config, "prime_threads_pinned", 0);
		gb_kv_int(&r.config, "division_bits", 32);	/* prime.c says why */
		sysbench_cmd(&r.config, "sysbench_1t", &cfg, 1);
		if (cfg.threads > 1)
			sysbench_cmd(&r.config, "sysbench_all", &cfg, cfg.threads);
	}
	if (cfg.work & CP_CHAIN)
		gb_kv_bool(&r.config, "chain_threads_pinned", 1);
	if (cfg.shortened)
		gb_report_warn(&r, "--preset li: %g s, not Li et al.'s 600 s", cfg.time);
	if (seconds != cfg.time)
		gb_report_warn(&r, "--time-limit: each prime run lasts %g s, not --time %g s", seconds, cfg.time);
	if (cli.c.plan) {	/* resolved; no thread started, nothing measured */
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}

	if (cfg.work & CP_PRIME) {
		run_prime(&r, &cli, &cfg, 1, seconds, expected, "prime_1t", "prime_latency_1t");
		if (cfg.threads > 1) {
			run_prime(&r, &cli, &cfg, cfg.threads, seconds, expected, "prime_all", "prime_latency_all");
		} else {
			const char *why = cfg.preset ? "--preset li runs one" : cli.c.threads ? "--threads 1"
					  : "one effective CPU";
			gb_report_unavailable(&r, "prime_all", 0, "one thread (%s): prime_1t is the all-CPU figure",
					      why);
		}
	}
	if (cfg.work & CP_CHAIN)
		cp_chain_report(&r, &cli, &cfg, share);
	gb_progress_done();
	gb_cli_free(&cli);
	return gb_report_finish(&r);
}
