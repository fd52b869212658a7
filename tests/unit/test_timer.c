/* test_timer.c - gb-timer's pure parts: deadline and lateness arithmetic
 * (timespec carries, catch-up after an overrun), block medians, per-CPU
 * steal from /proc/stat text, counting backward steps across CPUs, the
 * TSC rate, and the rules of the clock-trust verdict. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "../../timer/timer.h"

static struct timespec ts(long long sec, long nsec)
{
	struct timespec t = { (time_t)sec, nsec };
	return t;
}

static void test_ts_add(void)
{
	struct timespec t = ts(5, 999999999);
	tm_ts_add(&t, 2);
	ok(t.tv_sec == 6 && t.tv_nsec == 1, "add carries a nanosecond into the next second (6.000000001)");
	t = ts(5, 500000000);
	tm_ts_add(&t, 3500000000ll);
	ok(t.tv_sec == 9 && t.tv_nsec == 0, "add of 3.5 s carries whole seconds and the rest (9.0)");
	t = ts(5, 100);
	tm_ts_add(&t, -200);
	ok(t.tv_sec == 4 && t.tv_nsec == 999999900, "a negative add borrows a second (4.999999900)");
	t = ts(7, 0);
	tm_ts_add(&t, 1000000);
	ok(t.tv_sec == 7 && t.tv_nsec == 1000000, "1 ms from a whole second");
}

static void test_late(void)
{
	struct timespec d = ts(9, 999999900), now = ts(10, 100);
	is_int(tm_late_ns(&now, &d), 200, "lateness across a second boundary");
	is_int(tm_late_ns(&d, &now), -200, "early is negative");
	now = ts(9, 999999900);
	is_int(tm_late_ns(&now, &d), 0, "on time is 0");
	/* large clock values: seconds apart never overflow */
	d = ts(4000000000ll, 0);
	now = ts(4000000003ll, 5);
	is_int(tm_late_ns(&now, &d), 3000000005ll, "3 s late at a clock value of 4e9 s");
	is_int(tm_store_ns(-5), 0, "stored: early counts as 0");
	is_int(tm_store_ns(12345), 12345, "stored as is");
	is_int(tm_store_ns(5000000000ll), UINT32_MAX, "stored: 5 s saturates");
}

static void test_next_deadline(void)
{
	const int64_t iv = 1000000;	/* 1 ms */
	struct timespec d = ts(1, 999500000), now = ts(1, 999520000);
	is_int(tm_next_deadline(&d, &now, iv), 0, "woke 20 us late: nothing skipped");
	ok(d.tv_sec == 2 && d.tv_nsec == 500000, "next deadline = previous + interval, across the second");
	/* woke 3.5 intervals late: the three deadlines already past are
	 * skipped, the next is in the future */
	d = ts(1, 0);
	now = ts(1, 3500000);
	is_int(tm_next_deadline(&d, &now, iv), 3, "overrun by 3.5 intervals: 3 deadlines skipped");
	ok(d.tv_sec == 1 && d.tv_nsec == 4000000, "catch-up lands on the first deadline after now (1.004)");
	ok(tm_late_ns(&now, &d) < 0, "... which is in the future");
	/* exactly one interval late: that deadline is now, not past */
	d = ts(1, 0);
	now = ts(1, 1000000);
	is_int(tm_next_deadline(&d, &now, iv), 0, "a deadline equal to now is not skipped");
	ok(d.tv_nsec == 1000000, "... and is the next one");
}

static void test_align(void)
{
	struct timespec now = ts(5, 300000000), b = tm_align_base(&now, 250000);
	ok(b.tv_sec == 6 && b.tv_nsec == 250000, "--align 250us at 5.3 s: the next whole second + 250 us (6.000250)");
	now = ts(5, 950000000);
	b = tm_align_base(&now, 250000);
	ok(b.tv_sec == 7 && b.tv_nsec == 250000, "at 5.95 s (within 100 ms of 6): one second further (7.000250)");
	now = ts(5, 0);
	b = tm_align_base(&now, 999999999);
	ok(b.tv_sec == 6 && b.tv_nsec == 999999999, "an offset just under a second stays in that second");
	now = ts(5, 899999999);
	b = tm_align_base(&now, 0);
	ok(b.tv_sec == 6 && b.tv_nsec == 0, "offset 0: the whole second itself");
}

static void test_blocks(void)
{
	uint32_t v[] = { 5000, 1000, 3000, 2000, 4000, 9000, 7000 }, scratch[8];
	double out[4];
	size_t n = tm_block_medians(v, 7, 5, out, scratch);
	is_int((long long)n, 2, "7 values in blocks of 5: two blocks");
	is_num(out[0], 3.0, 1e-12, "median of the first block, in us");
	is_num(out[1], 7.0, 1e-12, "the short last block: lower middle of {9000, 7000}");
	is_int(v[0], 5000, "the input is left in its order");
	is_int((long long)tm_block_medians(v, 7, 0, out, scratch), 0, "block 0: nothing");
}

static void test_steal(void)
{
	const char *stat = "cpu  10 0 0 0 0 0 0 999 0 0\n"
			   "cpu0 1 2 3 4 5 6 7 40 0 0\n"
			   "cpu1 1 2 3 4 5 6 7 0 0 0\n"
			   "cpu3 1 2 3 4 5 6 7 25 0 0\n"
			   "intr 1 2 3\n";
	int cpus[] = { 0, 1, 3 };
	uint64_t t[3] = { 9, 9, 9 };
	is_int(tm_steal_parse(stat, cpus, 3, t), 0, "steal of CPUs 0, 1, 3");
	ok(t[0] == 40 && t[1] == 0 && t[2] == 25, "each CPU's own field, not the total line");
	int missing[] = { 0, 2 };
	is_int(tm_steal_parse(stat, missing, 2, t), -1, "a CPU without a line: unknown");
	int one[] = { 0 };
	is_int(tm_steal_parse("cpu0 1 2 3 4 5 6 7\n", one, 1, t), -1, "no steal field: unknown");
	char why[128];
	is_int(tm_steal_read("/nonexistent-root-for-test", one, 1, t, why, sizeof why), -1, "no /proc: -1");
	ok(strstr(why, "/proc/stat") != NULL, "... and the reason names /proc/stat");
}

static void test_mono(void)
{
	tm_pair p[] = { { 100, 150 }, { 200, 190 }, { 300, 300 }, { 400, 360 }, { 500, 499 } };
	tm_mono m;
	memset(&m, 0, sizeof m);
	tm_mono_count(p, 5, &m);
	is_int((long long)m.pairs, 5, "five exchanges");
	is_int((long long)m.backwards, 3, "three went backwards (equal is not backwards)");
	is_int(m.max_back_ns, 40, "the largest step back is 40 ns");
	tm_mono_count(p, 1, &m);
	is_int((long long)m.pairs, 6, "counts accumulate");
	is_int((long long)m.backwards, 3, "a forward pair adds no backward step");
}

static void test_tsc(void)
{
	tm_tsc_mark a = { 1000, 0, 10 }, b = { 1000 + 3000000000ull, 1000000000, 10 };
	is_num(tm_tsc_rate(&a, &b), 3e9, 1e-3, "3e9 ticks in 1 s: 3 GHz");
	is_num(tm_tsc_rate(&b, &a), 0, 0, "marks out of order: 0");
	tm_tsc_mark c = { 1000, 1000000000, 10 };
	is_num(tm_tsc_rate(&a, &c), 0, 0, "a TSC that did not advance: 0");
	is_num(tm_ppm(3.0003e9, 3e9), 100, 1e-6, "0.01 % faster is +100 ppm");
	is_num(tm_ppm(2.97e9, 3e9), -10000, 1e-6, "1 % slower is -10000 ppm");
	ok(isnan(tm_ppm(3e9, 0)), "an unknown nominal rate gives NaN");
}

static tm_trust_in good(void)
{
	tm_trust_in in = { .mono_ns = 25, .mono_syscall_ns = 300, .tick_ns = 20, .backwards = 0,
			   .max_back_ns = 0, .tsc_clocksource = 1, .invariant_tsc = 1, .tsc_drift_ppm = 3 };
	return in;
}

static void test_trust(void)
{
	char why[1024];
	tm_trust_in in = good();
	is_int(tm_trust(&in, why, sizeof why), 1, "a fast, fine, monotonic vDSO clock is trusted");
	ok(strstr(why, "no backward step") != NULL, "the reason says what was checked");

	in = good();
	in.mono_ns = 200;
	in.mono_syscall_ns = 260;
	is_int(tm_trust(&in, why, sizeof why), 0, "a vDSO read costing 77 % of the system call: not trusted");
	ok(strstr(why, "left the vDSO") != NULL, "... because it left the vDSO");
	ok(tm_in_vdso(25, 300) && !tm_in_vdso(200, 260), "tm_in_vdso: below half a system call");

	in = good();
	in.mono_ns = 400;
	in.mono_syscall_ns = NAN;	/* the system call refused (seccomp) */
	is_int(tm_trust(&in, why, sizeof why), 0, "a 400 ns read: not trusted even without the syscall figure");
	ok(strstr(why, "400 ns") && !strstr(why, "left the vDSO"), "... for its cost alone");

	in = good();
	in.tick_ns = 4000000;
	is_int(tm_trust(&in, why, sizeof why), 0, "a clock moving in 4 ms steps: not trusted");
	ok(strstr(why, "steps of 4000000 ns") != NULL, "... the step is named");

	in = good();
	in.backwards = 7;
	in.max_back_ns = 850;
	is_int(tm_trust(&in, why, sizeof why), 0, "time going backwards across CPUs: not trusted");
	ok(strstr(why, "7 times, by up to 850 ns") != NULL, "... how often and how far");

	in = good();
	in.backwards = -1;
	is_int(tm_trust(&in, why, sizeof why), 1, "one CPU (not checked across CPUs) decides nothing");
	ok(strstr(why, "not checked") != NULL, "... and says it was not checked");

	in = good();
	in.invariant_tsc = 0;
	is_int(tm_trust(&in, why, sizeof why), 0, "TSC clocksource without invariant TSC: not trusted");
	in.tsc_clocksource = 0;
	is_int(tm_trust(&in, why, sizeof why), 1, "... the flag does not matter with kvm-clock");

	in = good();
	in.tsc_drift_ppm = -2500;
	is_int(tm_trust(&in, why, sizeof why), 0, "a TSC rate that changed by 2500 ppm: not trusted");
	in.tsc_drift_ppm = NAN;
	is_int(tm_trust(&in, why, sizeof why), 1, "an unmeasured drift decides nothing");

	in = good();
	in.backwards = 2;
	in.max_back_ns = 10;
	in.tick_ns = 10000;
	is_int(tm_trust(&in, why, sizeof why), 0, "two rules broken");
	ok(strstr(why, "steps of") && strstr(why, "backwards") && strstr(why, "; "), "both reasons, joined");
}

int main(void)
{
	test_ts_add();
	test_late();
	test_next_deadline();
	test_align();
	test_blocks();
	test_steal();
	test_mono();
	test_tsc();
	test_trust();
	return tap_done();
}
