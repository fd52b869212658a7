/* test_clock.c - clock properties and batch timing: calibration reaches
 * the minimum sample time, warm-up samples are discarded, per-operation
 * values are exact for a loop of known cost, failures and limits hold. */
#include <time.h>

#include "clock.h"
#include "tap.h"

/* A fake operation: reports 250 ns per iteration and counts its calls. */
struct fake {
	int calls;
	uint64_t last_iters, max_seen;
	int fail_at;		/* call number that fails, 0 = never */
	uint64_t sleep_ns;	/* really sleep this long per call */
};

static uint64_t fake_loop(void *ctx, uint64_t n)
{
	struct fake *f = ctx;
	f->calls++;
	f->last_iters = n;
	if (n > f->max_seen)
		f->max_seen = n;
	if (f->fail_at && f->calls == f->fail_at)
		return GB_LOOP_FAIL;
	if (f->sleep_ns) {
		struct timespec ts = { 0, (long)f->sleep_ns };
		nanosleep(&ts, NULL);
	}
	return n * 250;
}

/* 10 ns per operation seen through a clock that moves in 100 ns steps
 * (Hyper-V's TSC page): one operation reads as 0 ns. */
static uint64_t coarse_loop(void *ctx, uint64_t n)
{
	(void)ctx;
	return n * 10 / 100 * 100;
}

static void test_calibration(void)
{
	struct fake f = { 0 };
	gb_batch cfg = { .min_time_ns = 5000000, .repeat = 7, .warmup = 2 };
	double out[7];
	gb_batch_result res;
	gb_batch_run(fake_loop, &f, &cfg, out, &res);
	ok(!res.failed && res.n == 7, "7 samples kept");
	ok(res.iters * 250 >= cfg.min_time_ns, "one sample lasts >= min-time (%llu iterations)",
	   (unsigned long long)res.iters);
	ok(res.iters * 250 <= cfg.min_time_ns * 2, "calibration does not overshoot by more than 2x");
	int exact = 1;
	for (int i = 0; i < 7; i++)
		exact &= out[i] == 250.0;
	ok(exact, "ns per operation is exactly the loop's cost");
	int calib_calls = f.calls - 9;
	ok(calib_calls >= 1 && calib_calls < 20, "calibration took %d calls, then 2 warm-up + 7 kept", calib_calls);
}

static void test_limits(void)
{
	struct fake f = { 0 };
	gb_batch cfg = { .min_time_ns = 1000000000, .repeat = 3, .warmup = 0, .max_iters = 1000 };
	double out[3];
	gb_batch_result res;
	gb_batch_run(fake_loop, &f, &cfg, out, &res);
	ok(f.max_seen <= 1000, "max_iters caps the iteration count (max seen %llu)", (unsigned long long)f.max_seen);
	is_int(res.n, 3, "still 3 samples when capped");

	struct fake g = { .fail_at = 4 };
	gb_batch cfg2 = { .min_time_ns = 1000, .repeat = 5, .warmup = 1 };
	double out2[5];
	gb_batch_run(fake_loop, &g, &cfg2, out2, &res);
	ok(res.failed, "a loop returning 0 marks the batch failed");
	ok(res.n < 5, "no samples after the failure");

	struct fake h = { .sleep_ns = 20000000 };	/* 20 ms of real time per call */
	gb_batch cfg3 = { .min_time_ns = 1000, .repeat = 100, .warmup = 0, .time_limit_ns = 100000000 };
	double out3[100];
	gb_batch_run(fake_loop, &h, &cfg3, out3, &res);
	ok(res.truncated && res.n >= 1 && res.n < 20, "time limit truncates the repeats (%d kept)", res.n);

	struct fake w = { .sleep_ns = 20000000 };
	gb_batch cfg4 = { .min_time_ns = 1000, .repeat = 3, .warmup = 100, .time_limit_ns = 100000000 };
	double out4[3];
	gb_batch_run(fake_loop, &w, &cfg4, out4, &res);
	ok(w.calls < 20 && res.n == 1, "time limit cuts the warm-up too, one sample kept (%d calls)", w.calls);
}

static void test_coarse_clock(void)
{
	gb_batch cfg = { .min_time_ns = 1000000, .repeat = 5, .warmup = 1 };
	double out[5];
	gb_batch_result res;
	gb_batch_run(coarse_loop, NULL, &cfg, out, &res);
	ok(!res.failed, "0 ns for one operation on a coarse clock is not a failure");
	is_int(res.n, 5, "all samples kept");
	is_num(out[0], 10, 0.01, "and the batch still resolves 10 ns per operation");
}

static void test_clock_info(void)
{
	const gb_clockinfo *c = gb_clock_info();
	ok(c->res_ns > 0 && c->res_ns <= 1e7, "clock_getres plausible (%g ns)", c->res_ns);
	ok(c->tick_ns > 0 && c->tick_ns < 1e6, "observed tick plausible (%g ns)", c->tick_ns);
	ok(c->overhead_ns > 0 && c->overhead_ns < 1e5, "read overhead plausible (%g ns)", c->overhead_ns);
	uint64_t prev = gb_now_ns();
	int mono = 1;
	for (int i = 0; i < 100000; i++) {
		uint64_t t = gb_now_ns();
		mono &= t >= prev;
		prev = t;
	}
	ok(mono, "gb_now_ns never goes backwards");
}

int main(void)
{
	test_calibration();
	test_limits();
	test_coarse_clock();
	test_clock_info();
	return tap_done();
}
