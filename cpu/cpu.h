/* cpu.h - gb-cpu: sysbench's CPU test (trial-division primes, events per
 * second) and a dependent integer chain that uses no memory.
 *
 * The pure parts (the event, the sieve that checks it, the chain and its
 * closed form, the option table with the Li et al. preset) are separate
 * from the timed runs so that tests/unit/test_cpu*.c can check them with
 * no clock involved. */
#ifndef CP_CPU_H
#define CP_CPU_H

#include <sched.h>
#include <stdint.h>

#include "cli.h"
#include "report.h"

/* --max-prime's ceiling: the sieve that validates the events takes N/16
 * bytes (6 MiB here), and one event at 10^8 already takes minutes. */
#define CP_MAX_PRIME_LIMIT 100000000ll

/* ------------------------------------------------- the pure parts -- */

/* One sysbench event: the numbers in [3, max_prime) that trial division
 * by 2..floor(sqrt(c)) finds no divisor of (prime.c). */
uint32_t cp_prime_event(uint32_t max_prime);

/* The same count from a sieve: what every event must return (sieve.c).
 * -1 when the sieve's memory cannot be had. */
long long cp_primes_expected(uint32_t max_prime);

/* The chain: n dependent multiply-adds from x (chain.c), and where it
 * ends, computed in O(log n) steps without running it. */
uint64_t cp_chain_run(uint64_t x, uint64_t n);
uint64_t cp_chain_expect(uint64_t x, uint64_t n);

/* -------------------------------------------------- configuration -- */

enum { CP_PRIME = 1, CP_CHAIN = 2 };

typedef struct cp_cfg {
	/* option values (the option table points here) */
	long long max_prime;
	double time;		/* seconds of one prime run; 0 = --events only */
	long long events;	/* 0 = no event limit */
	const char *only;	/* "prime,chain" */
	const char *preset;	/* NULL or "li" */
	/* resolved by cp_config() */
	unsigned work;		/* CP_PRIME | CP_CHAIN */
	cpu_set_t cpus;		/* the CPUs the threads may use */
	int cpus_given;		/* --cpus: the prime threads are kept to them */
	int threads;		/* the all-CPU runs; 1 = no all-CPU run */
	int shortened;		/* --preset li run for less than Li's 600 s */
	/* what gb_cli_parse needs to outlive the call (cli->spec points here) */
	gb_opt opts[8];
	gb_cli_spec spec;
} cp_cfg;

/* Parse argv into cli and cfg, apply --preset, resolve the threads and
 * the CPUs (config.c).  0, or the exit status to return (usage 2 with the
 * option named, environment 3, or 0 after --help: see gb_cli_exit) with
 * nothing left to free. */
int cp_config(cp_cfg *cfg, gb_cli *cli, int argc, char **argv);

/* ----------------------------------------------------- the runs -- */

/* What a prime run measured (prime_run.c). */
typedef struct cp_prime_result {
	int threads;
	uint64_t events;	/* completed, all threads */
	double seconds;		/* from the start to the end of the last event */
	uint64_t wrong;		/* events whose count differed from the sieve's */
	uint32_t first_wrong;	/* the count one of them returned */
	double *rate;		/* events/s of each slice of the run */
	double *lat_ms;		/* mean event latency of each slice (ms) */
	int nslices, nlat, cap;
	uint64_t *per_thread;	/* events of each thread */
	gb_hist *hist;		/* every event's latency, ns */
} cp_prime_result;

/* Run events on 'threads' unpinned threads (as sysbench: the scheduler
 * places them, within cfg->cpus) for 'seconds' or cfg->events, whichever
 * ends first; 'slices' samples of the rate.  0, or -1 with err filled
 * when threads could not be started. */
int cp_prime_run(const cp_cfg *cfg, int threads, double seconds, int slices, uint32_t expected,
		 cp_prime_result *res, char *err, size_t errlen);
void cp_prime_free(cp_prime_result *res);

/* The chain on 1 and on cfg->threads pinned CPUs (chain_run.c): adds
 * chain_1t and chain_all to the report (or says why not). */
void cp_chain_report(gb_report *r, const gb_cli *cli, const cp_cfg *cfg, double time_limit);

/* The entry point: bin/gb-cpu, and `guestbench cpu` (registry/). */
int cpu_main(int argc, char **argv);

#endif
