/* test_hist.c - the log-linear histogram: bucket geometry, percentiles
 * against an exact sort, merging, and the edges (empty, one value,
 * values near UINT64_MAX). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "tap.h"
#include "testlib.h"

/* log-uniform integer nanoseconds over 10 ns .. 10 s */
static uint64_t rng_latency(void)
{
	return (uint64_t)llround(exp(log(10.0) + tl_rng_unit() * log(1e9)));
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

static gb_hist *hist_new(void)
{
	gb_hist *h = malloc(sizeof(*h));

	if (!h) {
		printf("Bail out! no memory for a histogram\n");
		exit(1);
	}
	gb_hist_init(h);
	return h;
}

static double rel_err(double got, double want)
{
	return fabs(got - want) / fabs(want);
}

static void test_geometry(void)
{
	uint64_t lo, hi, prev_hi = 0;
	unsigned bad_index = 0, bad_gap = 0, bad_width = 0, bad_value = 0;

	/* Every bucket: its bounds map back to it, buckets tile the whole
	 * uint64_t range without gap or overlap, and above 128 a bucket is
	 * at most lo / 128 wide. */
	for (unsigned i = 0; i < GB_HIST_BUCKETS; i++) {
		gb_hist_bucket_range(i, &lo, &hi);
		if (lo > hi || gb_hist_index(lo) != i || gb_hist_index(hi) != i)
			bad_index++;
		if (i > 0 && lo != prev_hi + 1)
			bad_gap++;
		if (lo >= GB_HIST_SUB && hi - lo + 1 > lo / GB_HIST_SUB)
			bad_width++;
		prev_hi = hi;
	}
	is_int(bad_index, 0, "every bucket's lo and hi index back to it");
	is_int(bad_gap, 0, "buckets are contiguous");
	is_int(bad_width, 0, "bucket width <= lo/128 above 128");
	gb_hist_bucket_range(0, &lo, &hi);
	ok(lo == 0 && hi == 0, "bucket 0 is [0, 0]");
	gb_hist_bucket_range(GB_HIST_BUCKETS - 1, &lo, &hi);
	ok(hi == UINT64_MAX, "last bucket ends at UINT64_MAX");
	gb_hist_bucket_range(GB_HIST_BUCKETS, &lo, &hi);
	ok(lo > hi, "a bucket past the end has an empty range");

	/* Random values of every magnitude fall inside their bucket. */
	for (int k = 0; k < 1000000; k++) {
		uint64_t v = tl_rng() >> (tl_rng() % 64);
		unsigned i = gb_hist_index(v);

		gb_hist_bucket_range(i, &lo, &hi);
		if (i >= GB_HIST_BUCKETS || v < lo || v > hi)
			bad_value++;
	}
	is_int(bad_value, 0, "10^6 random values lie in [lo, hi] of their bucket");
}

static void test_exact_small(void)
{
	gb_hist *h = hist_new();
	unsigned bad = 0;
	uint64_t lo, hi;

	for (uint64_t v = 0; v < GB_HIST_SUB; v++) {
		gb_hist_bucket_range(gb_hist_index(v), &lo, &hi);
		if (gb_hist_index(v) != v || lo != v || hi != v)
			bad++;
	}
	is_int(bad, 0, "values below 128 have a bucket of their own");
	ok(gb_hist_index(128) == 128 && gb_hist_index(129) == 129 &&
	   gb_hist_index(255) == 255 && gb_hist_index(256) == 256 &&
	   gb_hist_index(257) == 256, "128..255 exact, 256 starts width-2 buckets");

	/* 1..100 recorded once each: nearest rank is exact. */
	for (uint64_t v = 1; v <= 100; v++)
		gb_hist_add(h, v);
	is_num(gb_hist_quantile(h, 0.5), 50, 0, "1..100: p50 = 50");
	is_num(gb_hist_quantile(h, 0.9), 90, 0, "1..100: p90 = 90");
	is_num(gb_hist_quantile(h, 0.905), 91, 0, "1..100: q .905 -> rank 91");
	is_num(gb_hist_quantile(h, 0.99), 99, 0, "1..100: p99 = 99");
	/* 0.07 * 100 rounds to 7.000000000000001; nearest rank is still 7. */
	is_num(gb_hist_quantile(h, 0.07), 7, 0, "1..100: q .07 -> rank 7 despite rounding");
	is_num(gb_hist_quantile(h, 0), 1, 0, "1..100: q 0 -> the minimum");
	is_num(gb_hist_quantile(h, 0.001), 1, 0, "1..100: tiny q -> rank 1");
	is_num(gb_hist_quantile(h, 1), 100, 0, "1..100: q 1 -> max");
	is_num(gb_hist_quantile(h, 2), 100, 0, "1..100: q > 1 -> max");
	is_num(gb_hist_mean(h), 50.5, 0, "1..100: mean 50.5");
	/* variance n(n+1)/12 = 841.666... */
	is_num(gb_hist_stddev(h), sqrt(100.0 * 101.0 / 12.0), 1e-12, "1..100: stddev");
	free(h);
}

static void test_percentiles(void)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	static const char *names[] = { "p50", "p90", "p99", "p99.9" };
	size_t n = 1000000;
	uint64_t *v = malloc(n * sizeof(*v));
	gb_hist *h = hist_new();
	double got[4], sd, mean, d2 = 0;
	unsigned __int128 sum = 0;
	char what[80];
	gb_pct p;

	for (size_t i = 0; i < n; i++) {
		v[i] = rng_latency();
		gb_hist_add(h, v[i]);
		sum += v[i];
	}
	gb_hist_pct(h, &p);
	got[0] = p.p50;
	got[1] = p.p90;
	got[2] = p.p99;
	got[3] = p.p999;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (int k = 0; k < 4; k++) {
		size_t rank = (size_t)ceil(qs[k] * (double)n);	/* exact here */
		double want = (double)v[rank - 1], err = rel_err(got[k], want);

		snprintf(what, sizeof(what), "%s within 1%% of the sorted value (%.3g vs %.3g)",
			 names[k], got[k], want);
		ok(err <= 0.01, "%s", what);
		/* The header promises half a bucket: 1/256. */
		snprintf(what, sizeof(what), "%s within half a bucket (err %.2e)",
			 names[k], err);
		ok(err <= 1.0 / 256, "%s", what);
		is_num(gb_hist_quantile(h, qs[k]), got[k], 0, "gb_hist_pct agrees with gb_hist_quantile");
	}
	is_num(p.max, (double)v[n - 1], 0, "max exact");
	ok(h->min == v[0] && h->max == v[n - 1] && h->n == n, "min, max, n exact");

	mean = (double)sum / (double)n;
	ok(rel_err(gb_hist_mean(h), mean) <= 1e-9, "mean within 1e-9 of the exact mean");
	for (size_t i = 0; i < n; i++)
		d2 += ((double)v[i] - mean) * ((double)v[i] - mean);
	sd = sqrt(d2 / (double)(n - 1));
	ok(rel_err(gb_hist_stddev(h), sd) <= 1e-6, "stddev within 1e-6 of a two-pass stddev");
	free(h);
	free(v);
}

static void test_merge(void)
{
	gb_hist *a = hist_new(), *b = hist_new(), *all = hist_new(), *e = hist_new();
	gb_pct pa, pall;

	/* Two different populations: short operations and long ones. */
	for (int i = 0; i < 200000; i++) {
		uint64_t x = rng_latency() / 1000 + 1;
		uint64_t y = rng_latency() * 3;

		gb_hist_add(a, x);
		gb_hist_add(all, x);
		gb_hist_add(b, y);
		gb_hist_add(all, y);
	}
	gb_hist_merge(a, b);
	ok(memcmp(a->count, all->count, sizeof(a->count)) == 0, "merge: bucket counts equal");
	ok(a->n == all->n && a->min == all->min && a->max == all->max,
	   "merge: n, min, max equal");
	ok(rel_err(a->sum, all->sum) <= 1e-12 && rel_err(a->sumsq, all->sumsq) <= 1e-12,
	   "merge: sums equal up to rounding");
	gb_hist_pct(a, &pa);
	gb_hist_pct(all, &pall);
	ok(memcmp(&pa, &pall, sizeof(pa)) == 0, "merge: percentiles equal");

	/* Empty on either side changes nothing. */
	gb_hist_merge(a, e);
	ok(memcmp(a->count, all->count, sizeof(a->count)) == 0 && a->n == all->n &&
	   a->min == all->min && a->max == all->max, "merge of an empty histogram is a no-op");
	gb_hist_merge(e, all);
	ok(memcmp(e->count, all->count, sizeof(e->count)) == 0 && e->n == all->n &&
	   e->min == all->min && e->max == all->max && e->sum == all->sum,
	   "merge into an empty histogram copies");
	free(a);
	free(b);
	free(all);
	free(e);
}

static void test_empty(void)
{
	gb_hist *h = hist_new();
	gb_pct p;

	memset(&p, 0xa5, sizeof(p));
	ok(h->n == 0 && h->min == UINT64_MAX && h->max == 0, "init: n 0, min UINT64_MAX, max 0");
	is_num(gb_hist_quantile(h, 0.5), 0, 0, "empty: quantile 0");
	is_num(gb_hist_quantile(h, 1), 0, 0, "empty: q 1 gives 0");
	is_num(gb_hist_mean(h), 0, 0, "empty: mean 0");
	is_num(gb_hist_stddev(h), 0, 0, "empty: stddev 0");
	gb_hist_pct(h, &p);
	ok(p.p50 == 0 && p.p90 == 0 && p.p99 == 0 && p.p999 == 0 && p.max == 0,
	   "empty: every percentile 0");
	free(h);
}

static void test_single(void)
{
	gb_hist *h = hist_new();
	gb_pct p;

	gb_hist_add(h, 123456789);
	gb_hist_pct(h, &p);
	/* The bucket is ~1e6 wide: only the clamp makes these exact. */
	ok(p.p50 == 123456789 && p.p90 == 123456789 && p.p99 == 123456789 &&
	   p.p999 == 123456789 && p.max == 123456789, "one value: every percentile is it");
	is_num(gb_hist_mean(h), 123456789, 0, "one value: mean");
	is_num(gb_hist_stddev(h), 0, 0, "one value: stddev 0");

	/* Identical values: the cancelling sums must not go negative. */
	for (int i = 0; i < 1000; i++)
		gb_hist_add(h, 123456789);
	ok(gb_hist_stddev(h) >= 0 && gb_hist_stddev(h) < 1, "identical values: stddev ~0, not NaN");
	free(h);

	/* Both ends of one wide bucket: the reported value is its middle. */
	{
		uint64_t lo, hi;

		h = hist_new();
		gb_hist_bucket_range(gb_hist_index(1000000), &lo, &hi);
		gb_hist_add(h, lo);
		gb_hist_add(h, hi);
		is_num(gb_hist_quantile(h, 0.5), ((double)lo + (double)hi) / 2, 0,
		       "a quantile reads the bucket midpoint");
		free(h);
	}
}

static void test_huge(void)
{
	static const uint64_t v[] = {
		UINT64_MAX, UINT64_MAX - 1, (uint64_t)1 << 63, ((uint64_t)1 << 63) - 1,
		(uint64_t)255 << 56, ((uint64_t)255 << 56) - 1,
	};
	gb_hist *h = hist_new();
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t lo, hi;
		unsigned k = gb_hist_index(v[i]);

		gb_hist_bucket_range(k, &lo, &hi);
		if (k >= GB_HIST_BUCKETS || v[i] < lo || v[i] > hi)
			bad++;
		gb_hist_add(h, v[i]);
	}
	is_int(bad, 0, "values near UINT64_MAX index inside the table and their bucket");
	is_int(gb_hist_index(UINT64_MAX), GB_HIST_BUCKETS - 1, "UINT64_MAX is in the last bucket");
	is_num(gb_hist_quantile(h, 1), 0x1p64, 0, "q 1 of huge values is max (2^64 as double)");
	ok(gb_hist_quantile(h, 0.5) >= 0x1p63 - 1 && gb_hist_quantile(h, 0.5) <= 0x1p64,
	   "median of huge values is in range");
	free(h);
}

int main(void)
{
	test_geometry();
	test_exact_small();
	test_percentiles();
	test_merge();
	test_empty();
	test_single();
	test_huge();
	return tap_done();
}
