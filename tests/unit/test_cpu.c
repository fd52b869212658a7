/* test_cpu.c - gb-cpu's pure parts: the prime event against sysbench's
 * definition written out literally and against the sieve, the sieve at
 * its edges, the chain against its closed form, and the option table
 * with --preset li.  No clock is involved.
 *
 * Linked with gb-cpu's objects (the Makefile does that for every
 * tests/unit/test_<bench>*.c). */
#include "tap.h"

#include <math.h>
#include <stdlib.h>

#include "topo.h"
#include "../../cpu/cpu.h"

/* sysbench 1.0.20's cpu_execute_event, counting as its source says:
 * 64-bit operands, l compared as a double with sqrt(c). */
static unsigned long long sysbench_event(unsigned int max_prime)
{
	unsigned long long c, l, n = 0;
	double t;
	for (c = 3; c < max_prime; c++) {
		t = sqrt((double)c);
		for (l = 2; l <= t; l++)
			if (c % l == 0)
				break;
		if (l > t)
			n++;
	}
	return n;
}

/* Is c prime, by the definition: no divisor from 2 to c - 1. */
static int naive_prime(unsigned c)
{
	unsigned d = 2;
	while (d < c && c % d)
		d++;
	return c >= 2 && d == c;
}

static void test_event(void)
{
	/* the edges: nothing below 3 is counted, 3 is the first prime */
	static const struct { unsigned n; long long want; } edge[] = {
		{ 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 1 }, { 5, 1 }, { 6, 2 }, { 8, 3 }, { 9, 3 }, { 10, 3 },
		{ 26, 8 }, { 50, 14 },
	};
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		char what[96];
		snprintf(what, sizeof what, "max-prime %u: event counts %lld", edge[i].n, edge[i].want);
		is_int(cp_prime_event(edge[i].n), edge[i].want, what);
		snprintf(what, sizeof what, "max-prime %u: sieve counts %lld", edge[i].n, edge[i].want);
		is_int(cp_primes_expected(edge[i].n), edge[i].want, what);
	}

	/* every N to 3000 (every perfect square and the numbers around
	 * it, where floor(sqrt) steps): event = sieve = the definition */
	int bad = 0;
	long long first = -1;
	long long d = 0;	/* primes in [3, n) by the definition, kept up to date */
	for (unsigned n = 1; n <= 3000; n++) {
		d += n >= 4 && naive_prime(n - 1);
		long long e = cp_prime_event(n), s = cp_primes_expected(n);
		if (e != s || s != d || (unsigned long long)e != sysbench_event(n)) {
			bad++;
			if (first < 0)
				first = n;
		}
	}
	if (!ok(!bad, "N = 1..3000: event, sieve, sysbench's loop and the definition agree"))
		printf("#   %d disagree, first at N = %lld\n", bad, first);

	/* larger N, including the anchor's and Li et al.'s */
	static const unsigned big[] = { 10000, 20000, 65537, 100000, 200000 };
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		char what[96];
		long long s = cp_primes_expected(big[i]);
		snprintf(what, sizeof what, "max-prime %u: event = sieve (%lld)", big[i], s);
		is_int(cp_prime_event(big[i]), s, what);
		snprintf(what, sizeof what, "max-prime %u: sysbench's loop counts the same", big[i]);
		is_int((long long)sysbench_event(big[i]), s, what);
	}
	/* pi(20000) = 2262 primes, less 2: what sysbench counts per event
	 * at the anchor's N (the loop starts at 3) */
	is_int(cp_prime_event(20000), 2261, "max-prime 20000: 2261 per event, sysbench's definition");
	is_int(cp_primes_expected(20000), 2261, "max-prime 20000: the sieve says 2261 too");
	/* a top end where (root + 1)^2 no longer fits 32 bits is not
	 * reachable (--max-prime <= 10^8), but the sieve must stay exact
	 * at the option's ceiling: pi(10^8) = 5761455 */
	is_int(cp_primes_expected((uint32_t)CP_MAX_PRIME_LIMIT), 5761455 - 1,
	       "the sieve at --max-prime's ceiling (10^8): pi - 1");
}

static void test_chain(void)
{
	is_int((long long)cp_chain_run(7, 0), 7, "chain of 0 steps: the start");
	is_int((long long)cp_chain_expect(7, 0), 7, "closed form of 0 steps: the start");
	uint64_t one = 7ull * 6364136223846793005ull + 1442695040888963407ull;
	ok(cp_chain_run(7, 1) == one, "chain of 1 step: x * A + C");
	ok(cp_chain_expect(7, 1) == one, "closed form of 1 step: x * A + C");
	static const uint64_t steps[] = { 2, 3, 63, 64, 65, 1000, 123457, 1u << 20 };
	static const uint64_t seeds[] = { 0, 1, 0xdeadbeefcafef00dull, ~0ull };
	int bad = 0;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++)
			bad += cp_chain_run(seeds[k], steps[i]) != cp_chain_expect(seeds[k], steps[i]);
	is_int(bad, 0, "the chain ends where its closed form says (8 lengths x 4 seeds)");
	ok(cp_chain_run(42, 100000) == cp_chain_run(42, 100000), "the chain is deterministic");
	ok(cp_chain_run(42, 100000) != cp_chain_run(43, 100000), "and depends on its start");
	/* a wrong end is caught: one more step is not the same number */
	ok(cp_chain_run(42, 1001) != cp_chain_expect(42, 1000), "one step more is detected");
}

/* Parse a command line; returns the status, *cfg filled when 0. */
static int parse(cp_cfg *cfg, gb_cli *cli, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[6] = { (char *)"gb-cpu", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	int argc = 1;
	while (argc < 5 && argv[argc])
		argc++;
	return cp_config(cfg, cli, argc, argv);
}

static void test_options(void)
{
	cp_cfg cfg;
	gb_cli cli;

	is_int(parse(&cfg, &cli, NULL, NULL, NULL, NULL), 0, "no options: parsed");
	is_int(cfg.max_prime, 20000, "default --max-prime 20000 (the anchor's, not sysbench's 10000)");
	is_num(cfg.time, 10, 0, "default --time 10 s (the anchor's)");
	is_int(cfg.work, CP_PRIME | CP_CHAIN, "default: prime and chain");
	is_int(cfg.events, 0, "no event limit");
	int eff = CPU_COUNT(&cfg.cpus) < gb_effective_get()->ncpus ? CPU_COUNT(&cfg.cpus) : gb_effective_get()->ncpus;
	ok(cfg.threads >= 1 && cfg.threads == eff, "threads: the effective CPUs (set, capped by a quota)");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--quick", NULL, NULL, NULL), 0, "--quick: parsed");
	is_num(cfg.time, 1, 0, "--quick: 1 s prime runs");
	is_int(cfg.max_prime, 20000, "--quick keeps N (events stay comparable)");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--preset", "li", NULL, NULL), 0, "--preset li: parsed");
	is_int(cfg.max_prime, 200000, "--preset li: max-prime 200000");
	is_num(cfg.time, 600, 0, "--preset li: 600 s");
	is_int(cfg.threads, 1, "--preset li: one thread");
	is_int(cfg.work, CP_PRIME, "--preset li: the prime test only");
	is_int(cfg.shortened, 0, "--preset li: Li et al.'s run, not shortened");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--preset", "li", "--quick", NULL), 0, "--preset li --quick: parsed");
	is_num(cfg.time, 1, 0, "--preset li --quick: 1 s");
	is_int(cfg.shortened, 1, "and marked as shortened");
	is_int(cfg.max_prime, 200000, "but Li's N");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--preset", "li", "--time", "30s"), 0, "--preset li --time 30s: parsed");
	is_num(cfg.time, 30, 0, "--time shortens the preset");
	is_int(cfg.shortened, 1, "and marks it");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--max-prime", "5", "--threads", "3"), 0, "--max-prime 5 --threads 3");
	is_int(cfg.max_prime, 5, "--max-prime 5");
	is_int(cfg.threads, 3, "--threads 3");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--only", "chain", NULL, NULL), 0, "--only chain");
	is_int(cfg.work, CP_CHAIN, "--only chain: the chain only");
	gb_cli_free(&cli);

	is_int(parse(&cfg, &cli, "--time", "0", "--events", "10"), 0, "--time 0 --events 10");
	is_int(cfg.events, 10, "--events 10");
	gb_cli_free(&cli);

	/* usage errors: 2, and nothing left to free */
	is_int(parse(&cfg, &cli, "--preset", "li", "--max-prime", "5"), 2, "--preset li with --max-prime: 2");
	is_int(parse(&cfg, &cli, "--preset", "li", "--threads", "2"), 2, "--preset li with --threads: 2");
	is_int(parse(&cfg, &cli, "--preset", "li", "--only", "chain"), 2, "--preset li with --only: 2");
	is_int(parse(&cfg, &cli, "--preset", "sysbench", NULL, NULL), 2, "--preset of no study: 2");
	is_int(parse(&cfg, &cli, "--max-prime", "0", NULL, NULL), 2, "--max-prime 0: 2");
	is_int(parse(&cfg, &cli, "--max-prime", "100000001", NULL, NULL), 2, "--max-prime above 10^8: 2");
	is_int(parse(&cfg, &cli, "--time", "0", NULL, NULL), 2, "--time 0 without --events: 2");
	is_int(parse(&cfg, &cli, "--only", "prime,fft", NULL, NULL), 2, "--only with an unknown workload: 2");
	is_int(parse(&cfg, &cli, "--size", "1G", NULL, NULL), 2, "a common option that does not apply: 2");
	is_int(parse(&cfg, &cli, "--cpus", "1000", NULL, NULL), 3, "--cpus outside the effective set: 3");
}

int main(void)
{
	test_event();
	test_chain();
	test_options();
	return tap_done();
}
