/* test_stats.c - gb_stats_compute, gb_median and gb_t975 against answers
 * worked out by hand (or, for t, from the exact distribution); and the
 * comparison statistics against values that can be justified without the
 * code under test: closed forms of Student's t for 1, 2 and 3 degrees of
 * freedom, a Simpson integration of the t density for a Welch test with
 * non-integer df, Mann-Whitney U computed by hand (with and without
 * ties), Fieller's interval checked against its defining equation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"
#include "testlib.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* The obvious median, by full sort, to check the selection against. */
static double ref_median(const double *x, size_t n)
{
	double *a = malloc(n * sizeof(*a)), m;

	memcpy(a, x, n * sizeof(*a));
	qsort(a, n, sizeof(*a), cmp_double);
	m = n & 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
	free(a);
	return m;
}

static void test_known_vector(void)
{
	/* Deviations from the mean 5: -3 -1 -1 -1 0 0 2 4, squares sum 32. */
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	double sd = sqrt(32.0 / 7.0);
	/* t(7) = 2.364624, s / sqrt(8) = 0.755929: half width 1.787488 */
	double half = 1.7874879182341052;
	gb_stats s;

	gb_stats_compute(x, N_OF(x), &s);
	is_int((long long)s.n, 8, "known: n");
	is_num(s.min, 2, 0, "known: min");
	is_num(s.max, 9, 0, "known: max");
	is_num(s.mean, 5, 1e-15, "known: mean 5");
	is_num(s.stddev, 2.1380899352993950, 1e-14, "known: stddev sqrt(32/7)");
	is_num(s.stddev, sd, 1e-14, "known: stddev matches sqrt(32/7)");
	is_num(s.median, 4.5, 0, "known: even-n median is mean of 4 and 5");
	is_num(s.cv, 2.1380899352993950 / 5, 1e-14, "known: cv = stddev / mean");
	is_num(s.ci95_lo, 5 - half, 1e-9, "known: ci95 low = mean - t(7) s / sqrt(8)");
	is_num(s.ci95_hi, 5 + half, 1e-9, "known: ci95 high");
	/* |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5: the middle two are .5 */
	is_num(s.mad, 0.5, 0, "known: MAD 0.5");
	/* 0.6745 * 4.5 / 0.5 = 6.07 > 3.5 for the 9; 2.5 gives 3.37, not. */
	is_int((long long)s.outliers, 1, "known: the 9 is the only outlier");
}

static void test_small_ci(void)
{
	/* mean 12, s = 2, t(2) = 4.302653: half width 4.302653 * 2 / sqrt 3 */
	const double x[] = { 14, 10, 12 };
	gb_stats s;

	gb_stats_compute(x, N_OF(x), &s);
	is_num(s.mean, 12, 0, "ci: mean 12");
	is_num(s.stddev, 2, 1e-15, "ci: stddev 2");
	is_num(s.ci95_lo, 12 - 4.968275423501281, 1e-9, "ci: low, n = 3");
	is_num(s.ci95_hi, 12 + 4.968275423501281, 1e-9, "ci: high, n = 3");
	is_num(s.median, 12, 0, "ci: odd-n median is the middle value");
}

static void test_odd_median(void)
{
	const double x[] = { 9, -1, 5, 3, 7 };
	const double y[] = { 3, 1, 2 };

	is_num(gb_median(x, N_OF(x)), 5, 0, "median of 9 -1 5 3 7 is 5");
	is_num(gb_median(y, N_OF(y)), 2, 0, "median of 3 1 2 is 2");
	is_num(gb_median(y, 2), 2, 0, "median of 3 1 is 2");
	is_num(gb_median(y, 1), 3, 0, "median of one value is the value");
	ok(isnan(gb_median(y, 0)), "median of nothing is NaN");
}

static void test_single(void)
{
	const double x[] = { 42.5 };
	gb_stats s;

	gb_stats_compute(x, 1, &s);
	is_int((long long)s.n, 1, "n=1: n");
	is_num(s.mean, 42.5, 0, "n=1: mean");
	is_num(s.median, 42.5, 0, "n=1: median");
	is_num(s.min, 42.5, 0, "n=1: min");
	is_num(s.max, 42.5, 0, "n=1: max");
	is_num(s.stddev, 0, 0, "n=1: stddev 0");
	is_num(s.cv, 0, 0, "n=1: cv 0");
	ok(isnan(s.ci95_lo) && isnan(s.ci95_hi), "n=1: the ci is unknown (NaN), not zero-width");
	is_num(s.mad, 0, 0, "n=1: MAD 0");
	is_int((long long)s.outliers, 0, "n=1: no outliers");
}

static void test_empty(void)
{
	gb_stats s, zero;
	double dummy = 1;

	memset(&s, 0xa5, sizeof(s));
	memset(&zero, 0, sizeof(zero));
	gb_stats_compute(&dummy, 0, &s);
	ok(memcmp(&s, &zero, sizeof(s)) == 0, "n=0: every field zero");
}

static void test_t_table(void)
{
	static const struct { size_t df; double t; } tab[] = {
		{ 1, 12.706 }, { 2, 4.303 }, { 3, 3.182 }, { 4, 2.776 },
		{ 5, 2.571 }, { 9, 2.262 }, { 10, 2.228 }, { 19, 2.093 },
		{ 29, 2.045 }, { 30, 2.042 },
	};
	/* Exact quantiles (inverting the t distribution function) */
	static const struct { size_t df; double t; } big[] = {
		{ 31, 2.0395134464 }, { 40, 2.02107539031 }, { 60, 2.00029782201 },
		{ 100, 1.98397151852 }, { 120, 1.97993040508 },
		{ 1000, 1.96233908083 }, { 1000000, 1.95996635681 },
	};
	char what[64];
	double prev = INFINITY;
	int mono = 1;

	for (size_t i = 0; i < N_OF(tab); i++) {
		snprintf(what, sizeof(what), "t975(%zu) = %.3f", tab[i].df, tab[i].t);
		is_num(gb_t975(tab[i].df), tab[i].t, 5e-4, what);
	}
	is_num(gb_t975(1), 12.7062047362, 1e-9, "t975(1) to 10 digits");
	is_num(gb_t975(30), 2.0422724563, 1e-9, "t975(30) to 10 digits");
	for (size_t i = 0; i < N_OF(big); i++) {
		snprintf(what, sizeof(what), "t975(%zu) = %.6f (approximation)",
			 big[i].df, big[i].t);
		is_num(gb_t975(big[i].df), big[i].t, 1e-6, what);
	}
	is_num(gb_t975(40), 2.0211, 1e-4, "t975(40) = 2.0211");
	is_num(gb_t975(60), 2.0003, 1e-4, "t975(60) = 2.0003");
	is_num(gb_t975(120), 1.9799, 1e-4, "t975(120) = 1.9799");
	is_num(gb_t975((size_t)1 << 40), 1.959963984540054, 1e-9, "t975(huge) = z 1.96");
	ok(isinf(gb_t975(0)) && gb_t975(0) > 0, "t975(0) is +infinity");

	/* The table and the expansion must join without a step up. */
	for (size_t df = 1; df <= 100000; df++) {
		double t = gb_t975(df);

		if (!(t < prev))
			mono = 0;
		prev = t;
	}
	ok(mono, "t975 strictly decreasing over df 1..100000");
}

static void test_outliers(void)
{
	double x[101], y[400];
	gb_stats s;

	/* 100 timings of ~1000 with +-2 jitter, and one stall. */
	for (int i = 0; i < 100; i++)
		x[i] = 1000 + (double)(i % 5) - 2 + 0.1 * (double)(i % 3);
	x[100] = 1100;
	gb_stats_compute(x, 101, &s);
	is_int((long long)s.outliers, 1, "outliers: one injected stall found");
	x[100] = 900;
	gb_stats_compute(x, 101, &s);
	is_int((long long)s.outliers, 1, "outliers: one injected low value found");
	x[100] = 1003;
	gb_stats_compute(x, 101, &s);
	is_int((long long)s.outliers, 0, "outliers: a value inside the spread is not one");

	/* Bell-shaped data (sum of 4 uniforms: within 3.46 sigma by construction). */
	for (size_t i = 0; i < N_OF(y); i++)
		y[i] = 50 + 10 * (tl_rng_unit() + tl_rng_unit() + tl_rng_unit() + tl_rng_unit() - 2);
	gb_stats_compute(y, N_OF(y), &s);
	is_int((long long)s.outliers, 0, "outliers: none in normal-ish data");
	y[7] = 150;
	gb_stats_compute(y, N_OF(y), &s);
	is_int((long long)s.outliers, 1, "outliers: one injected into normal-ish data");
}

static void test_constant(void)
{
	const double c[] = { 7, 7, 7, 7, 7, 7 };
	/* MAD 0 (most equal the median): sigma from 1.253314 * mean |dev|. */
	const double one_off[] = { 5, 5, 5, 5, 5, 5, 5, 5, 5, 6 };
	const double two_off[] = { 5, 5, 5, 6, 6 };
	const double tenth[] = { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 };
	gb_stats s;

	/* Summed, ten 0.1s make 0.9999999999999999: the correction pass
	 * must bring the mean back to 0.1 exactly. */
	gb_stats_compute(tenth, N_OF(tenth), &s);
	is_num(s.mean, 0.1, 0, "constant 0.1: mean exactly 0.1");
	is_num(s.stddev, 0, 0, "constant 0.1: stddev exactly 0");

	gb_stats_compute(c, N_OF(c), &s);
	is_num(s.mean, 7, 0, "constant: mean");
	is_num(s.median, 7, 0, "constant: median");
	is_num(s.stddev, 0, 0, "constant: stddev exactly 0");
	is_num(s.ci95_lo, 7, 0, "constant: ci low = mean");
	is_num(s.ci95_hi, 7, 0, "constant: ci high = mean");
	is_num(s.mad, 0, 0, "constant: MAD 0");
	is_int((long long)s.outliers, 0, "constant: no outliers");

	/* mean |dev| 0.1 -> sigma 0.125: the 6 is 8 sigma out */
	gb_stats_compute(one_off, N_OF(one_off), &s);
	is_num(s.mad, 0, 0, "MAD 0 with one differing value");
	is_int((long long)s.outliers, 1, "MAD 0: the lone differing value is an outlier");
	/* mean |dev| 0.4 -> sigma 0.5: the 6s are 2 sigma out */
	gb_stats_compute(two_off, N_OF(two_off), &s);
	is_num(s.mad, 0, 0, "MAD 0 with two differing values");
	is_int((long long)s.outliers, 0, "MAD 0: 40% at another value are not outliers");
}

static void test_not_modified(void)
{
	double x[200], copy[200];
	gb_stats s;

	for (size_t i = 0; i < N_OF(x); i++)
		x[i] = tl_rng_unit() * 1000;
	memcpy(copy, x, sizeof(x));
	gb_stats_compute(x, N_OF(x), &s);
	ok(memcmp(x, copy, sizeof(x)) == 0, "gb_stats_compute leaves its input alone");
	(void)gb_median(x, N_OF(x));
	ok(memcmp(x, copy, sizeof(x)) == 0, "gb_median leaves its input alone");
}

/* A naive sum-of-squares would lose every digit of this spread. */
static void test_precision(void)
{
	const double x[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	gb_stats s;

	gb_stats_compute(x, N_OF(x), &s);
	is_num(s.mean, 1e9 + 10, 0, "large offset: mean exact");
	/* deviations -6 -3 3 6: squares 90 over 3 */
	is_num(s.stddev, sqrt(30.0), 1e-12, "large offset: stddev sqrt(30)");
}

static void test_median_selection(void)
{
	size_t n = 1000000, bad = 0;
	double *a = malloc(n * sizeof(*a));

	/* Many small random vectors with ties, against a full sort. */
	for (int trial = 0; trial < 3000; trial++) {
		size_t m = 1 + tl_rng() % 40;
		double v[40];

		for (size_t i = 0; i < m; i++)
			v[i] = (double)(tl_rng() % (1 + trial % 10));
		if (gb_median(v, m) != ref_median(v, m))
			bad++;
	}
	is_int((long long)bad, 0, "median matches a full sort on 3000 small vectors");

	/* A shuffled permutation of 0..n-1: the median is (n-1)/2. */
	for (size_t i = 0; i < n; i++)
		a[i] = (double)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = tl_rng() % (i + 1);
		double t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
	is_num(gb_median(a, n), 499999.5, 0, "median of a shuffled 10^6 permutation");
	is_num(gb_median(a, n - 1), ref_median(a, n - 1), 0, "median of 10^6-1 random values");
	for (size_t i = 0; i < n; i++)
		a[i] = (double)i;
	is_num(gb_median(a, n), 499999.5, 0, "median of 10^6 sorted values");
	for (size_t i = 0; i < n; i++)
		a[i] = (double)(n - i);
	is_num(gb_median(a, n), 500000.5, 0, "median of 10^6 reverse-sorted values");
	for (size_t i = 0; i < n; i++)
		a[i] = (double)(i % 3);
	is_num(gb_median(a, n), 1, 0, "median of 10^6 values in three runs of ties");
	/* Organ pipe: ascending then descending, a classic quickselect trap. */
	for (size_t i = 0; i < n; i++)
		a[i] = (double)(i < n / 2 ? i : n - i);
	is_num(gb_median(a, n), ref_median(a, n), 0, "median of a 10^6 organ pipe");
	free(a);

	/* NaN has no place in an order: any answer, but an answer. */
	{
		const double w[] = { 3, NAN, 1, NAN, 2 };

		(void)gb_median(w, N_OF(w));
		ok(1, "median of a vector with NaNs returns");
	}
}

/* P(|T| > t) by Simpson's rule on the density, 20000 steps to t, for a
 * real df: an independent check of the incomplete-beta route. */
static double t_p2_simpson(double t, double df)
{
	double c = exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / sqrt(df * M_PI);
	int n = 20000;
	double h = t / n, s = 0;
	for (int i = 0; i <= n; i++) {
		double x = i * h, f = c * pow(1 + x * x / df, -(df + 1) / 2);
		s += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
	}
	return 1 - 2 * s * h / 3;
}

static void test_t(void)
{
	double t = 1.5, u = t / sqrt(3);
	is_num(gb_t_p2(t, 1), 1 - 2 / M_PI * atan(t), 1e-12, "t p-value, df 1 = Cauchy closed form");
	is_num(gb_t_p2(t, 2), 1 - t / sqrt(2 + t * t), 1e-12, "t p-value, df 2 closed form");
	is_num(gb_t_p2(t, 3), 1 - 2 / M_PI * (atan(u) + u / (1 + u * u)), 1e-12, "t p-value, df 3 closed form");
	is_num(gb_t_p2(0, 7), 1, 1e-15, "t = 0 gives p = 1");
	is_num(gb_t_p2(-t, 2), gb_t_p2(t, 2), 1e-15, "two-sided: symmetric in t");
	is_num(gb_t_p2(2.5, 5.88235), t_p2_simpson(2.5, 5.88235), 1e-9, "non-integer df matches Simpson");
	is_num(gb_t_quantile2(0.05, 1e6), 1.959963984540054, 1e-5, "t quantile -> normal 1.95996 for large df");
	is_num(gb_t_quantile2(0.05, 2), 4.302652729911275, 1e-9, "t quantile df 2 = 4.30265 (closed form inverse)");
	is_num(gb_t_p2(gb_t_quantile2(0.01, 3.3), 3.3), 0.01, 1e-12, "quantile inverts the p-value");
	is_num(gb_betai(2, 3, 0.4), 0.5248, 1e-12, "I_0.4(2,3) = 0.5248 (polynomial form)");
	/* above df 1e6 the p-value comes from the expansion about the normal:
	 * the two routes meet there, and the quantile follows the expansion
	 * z + (z^3 + z) / (4 df) to its next term */
	for (double t = 0.5; t < 5; t += 1.5) {
		char what[80];
		snprintf(what, sizeof what, "t = %.1f: continued fraction and expansion agree at df 1e6", t);
		is_num(gb_t_p2(t, 1e6 * (1 - 1e-9)) / gb_t_p2(t, 1e6 * (1 + 1e-9)), 1, 1e-9, what);
	}
	double z = 1.959963984540054;
	is_num(gb_t_quantile2(0.05, 1e8), z + (z * z * z + z) / 4e8, 1e-13, "t quantile at df 1e8: z + (z^3 + z) / 4df");
	is_num(gb_t_p2(2, 1e12), erfc(2 / M_SQRT2), 1e-12, "df 1e12: the normal tail");
	double mv[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 }, m, v;
	gb_mean_var(mv, 3, &m, &v);
	ok(m == 1e9 + 2 && v == 1, "mean and variance exact beside a large offset (%.17g, %.17g)", m, v);
	gb_mean_var(mv, 0, &m, &v);
	ok(isnan(m) && v == 0, "no values: mean NaN, variance 0");
}

static void test_welch(void)
{
	/* the fixture's "lat": means 100 and 200, variances 0.5 and 2 (n = 5):
	 * se^2 = 0.1 + 0.4, t = 100 / sqrt(0.5), df = 0.25 / (0.01/4 + 0.16/4) */
	double x[] = { 100, 101, 99, 100, 100 }, y[] = { 200, 202, 198, 200, 200 };
	gb_welch w = gb_welch_test(x, 5, y, 5);
	is_num(w.t, 100 / sqrt(0.5), 1e-9, "Welch t of the fixture's lat");
	is_num(w.df, 0.25 / 0.0425, 1e-9, "Welch-Satterthwaite df = 5.882");
	ok(w.p < 1e-9, "lat: p tiny (%g)", w.p);

	/* the fixture's "noisy": equal variances 250, means differ by 1: t = 0.1, df = 8 */
	double a[] = { 100, 120, 80, 110, 90 }, b[] = { 101, 121, 81, 111, 91 };
	w = gb_welch_test(a, 5, b, 5);
	is_num(w.t, 0.1, 1e-12, "noisy: t = 0.1");
	is_num(w.df, 8, 1e-9, "equal variances and sizes: df = n1 + n2 - 2");
	is_num(w.p, t_p2_simpson(0.1, 8), 1e-9, "noisy: p = 0.923 (Simpson)");

	/* different sizes and variances: 1..5 vs 2,4,..,10 */
	double c[] = { 1, 2, 3, 4, 5 }, d[] = { 2, 4, 6, 8, 10, 12 };
	w = gb_welch_test(c, 5, d, 6);
	double vx = 2.5 / 5, vy = 14.0 / 6;
	is_num(w.t, 4 / sqrt(vx + vy), 1e-12, "unequal n: t by hand");
	is_num(w.df, (vx + vy) * (vx + vy) / (vx * vx / 4 + vy * vy / 5), 1e-9, "unequal n: df by hand");
	is_num(w.p, t_p2_simpson(w.t, w.df), 1e-8, "unequal n: p (Simpson)");

	w = gb_welch_test(c, 1, d, 6);
	ok(isnan(w.p), "one sample: no test");
	double k1[] = { 3, 3, 3 }, k2[] = { 4, 4, 4 };
	w = gb_welch_test(k1, 3, k2, 3);
	ok(w.p == 0, "constant, different samples: p = 0");
	w = gb_welch_test(k1, 3, k1, 3);
	ok(w.p == 1, "constant, equal samples: p = 1");
}

static void test_mwu(void)
{
	double x[] = { 1, 2, 3, 4, 5 }, y[] = { 6, 7, 8, 9, 10 };
	gb_mwu m = gb_mann_whitney(x, 5, y, 5);
	/* U = 25, mean 12.5, var 25*11/12, continuity-corrected z = 12/sqrt(22.917) */
	is_num(m.u, 25, 0, "complete separation: U = 25");
	is_num(m.z, 12 / sqrt(25.0 * 11 / 12), 1e-12, "z with continuity correction");
	is_num(m.p, 0.012185780355344818, 1e-12, "p = 0.01219 (erfc by hand)");
	m = gb_mann_whitney(y, 5, x, 5);
	is_num(m.u, 0, 0, "swapped: U = 0");
	is_num(m.p, 0.012185780355344818, 1e-12, "swapped: same p");

	/* ties: x = 1,2,2,3  y = 2,3,3,4: average ranks, U = 13, sum(t^3 - t) = 48 */
	double tx[] = { 1, 2, 2, 3 }, ty[] = { 2, 3, 3, 4 };
	m = gb_mann_whitney(tx, 4, ty, 4);
	is_num(m.u, 13, 1e-12, "ties: U = 13 (average ranks)");
	is_num(m.z, 4.5 / sqrt(16.0 / 12 * (9 - 48.0 / 56)), 1e-12, "ties: tie-corrected variance");
	is_num(m.p, 0.17203370892182296, 1e-12, "ties: p = 0.172");
	double same[] = { 5, 5, 5 };
	m = gb_mann_whitney(same, 3, same, 3);
	is_num(m.p, 1, 0, "all tied: p = 1");
}

static unsigned long long lcg = 12345;
static double rnd(void)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(lcg >> 11) / 9007199254740992.0;
}

static void test_fieller(void)
{
	double x[] = { 100, 101, 99, 100, 100 }, y[] = { 200, 202, 198, 200, 200 }, lo, hi;
	ok(gb_fieller(x, 5, y, 5, 0.05, &lo, &hi) == 0, "Fieller interval exists");
	ok(lo < 2 && hi > 2, "it contains the ratio 2 [%g, %g]", lo, hi);
	/* the ends solve (my - R mx)^2 = q^2 (vy + R^2 vx) */
	gb_welch w = gb_welch_test(x, 5, y, 5);
	double q = gb_t_quantile2(0.05, w.df);
	for (int e = 0; e < 2; e++) {
		double R = e ? hi : lo, lhs = (200 - R * 100) * (200 - R * 100), rhs = q * q * (0.4 + R * R * 0.1);
		is_num(lhs, rhs, 1e-6 * rhs, e ? "upper end solves Fieller's equation" : "lower end solves Fieller's equation");
	}
	double z[] = { 1, -1, 2, -2 };
	ok(gb_fieller(z, 4, y, 5, 0.05, &lo, &hi) < 0, "base mean indistinguishable from 0: unbounded");
	ok(gb_fieller(x, 1, y, 5, 0.05, &lo, &hi) < 0, "one sample: no interval");

	/* the interval excludes 1 exactly when Welch's p < alpha, for any data */
	int agree = 1;
	for (int trial = 0; trial < 2000; trial++) {
		double a[10], b[10];
		int na = 2 + trial % 8, nb = 2 + (trial / 8) % 8;
		double shift = 1 + (rnd() - 0.5) * 0.2, sd = 0.01 + rnd() * 0.1;
		for (int i = 0; i < na; i++)
			a[i] = 1 + sd * (rnd() - 0.5);
		for (int i = 0; i < nb; i++)
			b[i] = shift + sd * (rnd() - 0.5);
		w = gb_welch_test(a, (size_t)na, b, (size_t)nb);
		if (gb_fieller(a, (size_t)na, b, (size_t)nb, 0.05, &lo, &hi) < 0)
			continue;
		if (fabs(w.p - 0.05) < 1e-9)
			continue;	/* on the boundary either answer is right */
		if ((w.p < 0.05) != (lo > 1 || hi < 1)) {
			agree = 0;
			printf("# trial %d: p %g, CI [%g, %g]\n", trial, w.p, lo, hi);
			break;
		}
	}
	ok(agree, "CI excludes 1 <=> Welch p < 0.05 (2000 random cases)");
}

int main(void)
{
	test_known_vector();
	test_small_ci();
	test_odd_median();
	test_single();
	test_empty();
	test_t_table();
	test_outliers();
	test_constant();
	test_not_modified();
	test_precision();
	test_median_selection();
	test_t();
	test_welch();
	test_mwu();
	test_fieller();
	return tap_done();
}
