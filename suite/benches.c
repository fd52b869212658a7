/* benches.c - the benchmarks guestbench holds: one line each.
 *
 * Adding a benchmark is one line here (after its folder, its entry point
 * in common/benches.h and its word in the Makefile's BENCHES); a
 * benchmark that does not exist yet is simply not listed.
 * tests/bench/suite.sh checks that this table and BENCHES agree.
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
 *
 * The suite's --timeout (default 15 min per benchmark) only catches a
 * benchmark that hangs; it is not part of the budget.
 */
#include <string.h>

#include "benches.h"
#include "guestbench.h"

const gb_applet gb_applets[] = {
	{ "syscall", syscall_main, "--time-limit 60s", "getpid cpuid", 0 },
	{ "stream", stream_main, "--time-limit 60s", "triad.best", 0 },
	{ "randomaccess", randomaccess_main, "--time-limit 150s", "gups", 0 },
	{ "linpack", linpack_main, "--time-limit 90s", "gflops", 0 },
	{ "diskio", diskio_main, "--time-limit 60s", "randread_4k_iops randread_4k_latency.p99", 1 },
	{ "netlat", netlat_main, "--duration 25s", "tcp_rr_latency.p50 tcp_stream_gbps", 0 },
	{ "startup", startup_main, "", "spawn_posix_spawn", 0 },
};
const size_t gb_napplets = sizeof gb_applets / sizeof gb_applets[0];

const gb_applet *gb_applet_find(const char *name)
{
	if (strncmp(name, "gb-", 3) == 0)	/* "gb-stream" and "stream" are one */
		name += 3;
	for (size_t i = 0; i < gb_napplets; i++)
		if (strcmp(gb_applets[i].name, name) == 0)
			return &gb_applets[i];
	return NULL;
}
