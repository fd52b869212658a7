/* benches.c - the benchmarks guestbench holds: one line each, in BENCHES
 * below (the line declares <name>_main too: nothing else to edit here).
 *
 * Adding a benchmark (docs/design.md): a folder <name>/ with <name>_main,
 * one line in BENCHES, one word in the Makefile's BENCHES.  A benchmark
 * that does not exist yet is simply not listed; tests/bench/suite.sh
 * checks that this table and the Makefile agree, and tests/build/
 * new-bench.sh builds a throw-away benchmark by exactly these steps.
 *
 * The full suite must finish in 10 minutes on 2 vCPUs, so each benchmark
 * gets a share, enforced by the arguments below (a --quick suite passes
 * only --quick: each benchmark keeps itself to a few seconds):
 *
 *   benchmark     budget  how
 *   syscall        1 min  its defaults take seconds; --time-limit caps a
 *                         slow guest (every operation shares it)
 *   stream         1 min  its defaults (arrays sized to 4 x the LLC) take
 *                         seconds; --time-limit caps the passes
 *   randomaccess   4 min  HPCC's table is half the memory: minutes per
 *                         run on a large host, and a guest's memory is
 *                         the point; --time-limit stops repeating, so a
 *                         run or two still fit
 *   linpack        3 min  its own default --time-limit 60 s sizes N to
 *                         it; the dgemm peak and generation come on top
 *   diskio         1 min  in a scratch directory the suite creates and
 *                         removes; --time-limit is shared by its jobs
 *   netlat          30 s  --duration 25s shared by its five tests on
 *                         127.0.0.1 (5 s each after 1 s of warm-up each)
 *   startup         10 s  its defaults: 1000 rounds of each of 7 spawn
 *                         methods, 0.1-1 ms each (measured ~5 s here)
 *   timer           40 s  its defaults: 10,000 wake-ups at 1 ms per CPU
 *                         twice (nanosleep, timerfd), ~6 s of cross-CPU
 *                         wake-ups, ~1 s of clock reads
 *   cpu             25 s  its defaults: the anchor's 10 s prime run on 1
 *                         thread and on every CPU, then the chain (< 1 s)
 *
 * The suite's --timeout (default 15 min per benchmark) only catches a
 * benchmark that hangs; it is not part of the budget.
 */
#include <string.h>

#include "registry.h"

/*       name          full-suite arguments  headline metrics                                scratch */
#define BENCHES(X) \
	X(syscall,      "--time-limit 60s",   "getpid cpuid",                                 0) \
	X(stream,       "--time-limit 60s",   "triad.best",                                   0) \
	X(randomaccess, "--time-limit 150s",  "gups",                                         0) \
	X(linpack,      "--time-limit 90s",   "gflops",                                       0) \
	X(diskio,       "--time-limit 60s",   "randread_4k_iops randread_4k_latency.p99",     1) \
	X(netlat,       "--duration 25s",     "tcp_rr_latency.p50 tcp_stream_gbps",           0) \
	X(startup,      "",                   "spawn_posix_spawn",                            0) \
	X(timer,        "",                   "wakeup_nanosleep.p50 cross_wake_idle.p50",     0) \
	X(cpu,          "",                   "prime_1t prime_all chain_1t",                  0)

#define DECLARE(name, args, headline, scratch) int name##_main(int argc, char **argv);
BENCHES(DECLARE)

#define ROW(name, args, headline, scratch) { #name, name##_main, args, headline, scratch },
const reg_bench reg_benches[] = { BENCHES(ROW) };
const size_t reg_nbenches = sizeof reg_benches / sizeof reg_benches[0];

const reg_bench *reg_find(const char *name)
{
	if (strncmp(name, "gb-", 3) == 0)	/* "gb-stream" and "stream" are one */
		name += 3;
	for (size_t i = 0; i < reg_nbenches; i++)
		if (strcmp(reg_benches[i].name, name) == 0)
			return &reg_benches[i];
	return NULL;
}
