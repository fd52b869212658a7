/* clock.c - clock properties and batch timing (see clock.h). */
#include "clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

static gb_clockinfo info;
static pthread_once_t info_once = PTHREAD_ONCE_INIT;

static void measure_clock(void)
{
	struct timespec res;
	if (clock_getres(CLOCK_MONOTONIC, &res) == 0)
		info.res_ns = (double)res.tv_sec * 1e9 + (double)res.tv_nsec;

	/* Smallest visible step: read until the value changes, many times. */
	uint64_t tick = UINT64_MAX;
	for (int i = 0; i < 200; i++) {
		uint64_t a = gb_now_ns(), b = a;
		for (long spin = 0; b == a && spin < 10000000; spin++)
			b = gb_now_ns();
		if (b != a && b - a < tick)
			tick = b - a;
	}
	info.tick_ns = tick == UINT64_MAX ? 0 : (double)tick;	/* 0: the clock never moved */

	/* Cost of one read: the best of a few batches of back-to-back reads
	 * (the best, because an interrupt only ever adds time). */
	double best = 1e30;
	for (int rep = 0; rep < 5; rep++) {
		enum { N = 20000 };
		uint64_t t0 = gb_now_ns(), sink = 0;
		for (int i = 0; i < N; i++)
			sink += gb_now_ns();
		uint64_t t1 = gb_now_ns();
		GB_KEEP(sink);
		double per = (double)(t1 - t0) / N;
		if (per < best)
			best = per;
	}
	info.overhead_ns = best;
}

const gb_clockinfo *gb_clock_info(void)
{
	pthread_once(&info_once, measure_clock);
	return &info;
}

#define WAKE_STEP_NS 10000.0

int gb_clock_resolves(const char *what, char *why, size_t len)
{
	const char *fake = gb_fault("tick");
	double tick = fake ? atof(fake) : gb_clock_info()->tick_ns;
	if (tick <= WAKE_STEP_NS)
		return 1;
	snprintf(why, len, "CLOCK_MONOTONIC advances in steps of %.0f us here: %s cannot be resolved "
		 "(it would read 0)", tick / 1e3, what);
	return 0;
}

/*
 * Find an iteration count whose run lasts at least min_time: grow by x10
 * while far too short (a first call may also be slow: cold caches, page
 * faults; a coarse clock may say 0), then scale straight to the target
 * with 10% headroom.
 */
static uint64_t calibrate(gb_loop_fn fn, void *ctx, const gb_batch *cfg, int *failed)
{
	uint64_t iters = 1, target = cfg->min_time_ns ? cfg->min_time_ns : 1;
	for (int guard = 0; guard < 64; guard++) {
		uint64_t t = fn(ctx, iters);
		if (t == GB_LOOP_FAIL) {
			*failed = 1;
			return iters;
		}
		if (t >= target || (cfg->max_iters && iters >= cfg->max_iters))
			break;
		uint64_t next;
		if (t < target / 100)
			next = iters * 10;
		else
			next = (uint64_t)((double)iters * (double)target / (double)t * 1.1) + 1;
		if (next <= iters)
			next = iters + 1;
		if (cfg->max_iters && next > cfg->max_iters)
			next = cfg->max_iters;
		iters = next;
	}
	return iters;
}

static int past(const gb_batch *cfg, uint64_t start)
{
	return cfg->time_limit_ns && gb_now_ns() - start > cfg->time_limit_ns;
}

void gb_batch_run(gb_loop_fn fn, void *ctx, const gb_batch *cfg, double *out,
		  gb_batch_result *res)
{
	memset(res, 0, sizeof *res);
	uint64_t start = gb_now_ns();
	res->iters = calibrate(fn, ctx, cfg, &res->failed);
	if (res->failed)
		return;

	/* the time limit cuts the warm-up too, but one sample is always kept */
	for (int i = 0; i < cfg->warmup && !past(cfg, start); i++)
		if (fn(ctx, res->iters) == GB_LOOP_FAIL) {
			res->failed = 1;
			return;
		}
	for (int i = 0; i < cfg->repeat; i++) {
		if (i > 0 && past(cfg, start)) {
			res->truncated = 1;
			break;
		}
		uint64_t t = fn(ctx, res->iters);
		if (t == GB_LOOP_FAIL) {
			res->failed = 1;
			return;
		}
		out[res->n++] = (double)t / (double)res->iters;
	}
}
