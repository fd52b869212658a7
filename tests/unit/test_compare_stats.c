/* test_compare_stats - gb-compare's numerics against values that can be
 * justified without the code under test: closed forms of Student's t
 * for 1, 2 and 3 degrees of freedom, a Simpson integration of the t
 * density for a Welch test with non-integer df, Mann–Whitney U computed
 * by hand (with and without ties), Fieller's interval checked against
 * its defining equation, and the verdict's direction. */
#include <math.h>
#include <stdlib.h>

#include "../../compare/compare.h"
#include "tap.h"

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
	is_num(cmp_t_p2(t, 1), 1 - 2 / M_PI * atan(t), 1e-12, "t p-value, df 1 = Cauchy closed form");
	is_num(cmp_t_p2(t, 2), 1 - t / sqrt(2 + t * t), 1e-12, "t p-value, df 2 closed form");
	is_num(cmp_t_p2(t, 3), 1 - 2 / M_PI * (atan(u) + u / (1 + u * u)), 1e-12, "t p-value, df 3 closed form");
	is_num(cmp_t_p2(0, 7), 1, 1e-15, "t = 0 gives p = 1");
	is_num(cmp_t_p2(-t, 2), cmp_t_p2(t, 2), 1e-15, "two-sided: symmetric in t");
	is_num(cmp_t_p2(2.5, 5.88235), t_p2_simpson(2.5, 5.88235), 1e-9, "non-integer df matches Simpson");
	is_num(cmp_t_quantile2(0.05, 1e6), 1.959963984540054, 1e-5, "t quantile -> normal 1.95996 for large df");
	is_num(cmp_t_quantile2(0.05, 2), 4.302652729911275, 1e-9, "t quantile df 2 = 4.30265 (closed form inverse)");
	is_num(cmp_t_p2(cmp_t_quantile2(0.01, 3.3), 3.3), 0.01, 1e-12, "quantile inverts the p-value");
	is_num(cmp_betai(2, 3, 0.4), 0.5248, 1e-12, "I_0.4(2,3) = 0.5248 (polynomial form)");
}

static void test_welch(void)
{
	/* the fixture's "lat": means 100 and 200, variances 0.5 and 2 (n = 5):
	 * se^2 = 0.1 + 0.4, t = 100 / sqrt(0.5), df = 0.25 / (0.01/4 + 0.16/4) */
	double x[] = { 100, 101, 99, 100, 100 }, y[] = { 200, 202, 198, 200, 200 };
	cmp_welch w = cmp_welch_test(x, 5, y, 5);
	is_num(w.t, 100 / sqrt(0.5), 1e-9, "Welch t of the fixture's lat");
	is_num(w.df, 0.25 / 0.0425, 1e-9, "Welch-Satterthwaite df = 5.882");
	ok(w.p < 1e-9, "lat: p tiny (%g)", w.p);

	/* the fixture's "noisy": equal variances 250, means differ by 1: t = 0.1, df = 8 */
	double a[] = { 100, 120, 80, 110, 90 }, b[] = { 101, 121, 81, 111, 91 };
	w = cmp_welch_test(a, 5, b, 5);
	is_num(w.t, 0.1, 1e-12, "noisy: t = 0.1");
	is_num(w.df, 8, 1e-9, "equal variances and sizes: df = n1 + n2 - 2");
	is_num(w.p, t_p2_simpson(0.1, 8), 1e-9, "noisy: p = 0.923 (Simpson)");

	/* different sizes and variances: 1..5 vs 2,4,..,10 */
	double c[] = { 1, 2, 3, 4, 5 }, d[] = { 2, 4, 6, 8, 10, 12 };
	w = cmp_welch_test(c, 5, d, 6);
	double vx = 2.5 / 5, vy = 14.0 / 6;
	is_num(w.t, 4 / sqrt(vx + vy), 1e-12, "unequal n: t by hand");
	is_num(w.df, (vx + vy) * (vx + vy) / (vx * vx / 4 + vy * vy / 5), 1e-9, "unequal n: df by hand");
	is_num(w.p, t_p2_simpson(w.t, w.df), 1e-8, "unequal n: p (Simpson)");

	w = cmp_welch_test(c, 1, d, 6);
	ok(isnan(w.p), "one sample: no test");
	double k1[] = { 3, 3, 3 }, k2[] = { 4, 4, 4 };
	w = cmp_welch_test(k1, 3, k2, 3);
	ok(w.p == 0, "constant, different samples: p = 0");
	w = cmp_welch_test(k1, 3, k1, 3);
	ok(w.p == 1, "constant, equal samples: p = 1");
}

static void test_mwu(void)
{
	double x[] = { 1, 2, 3, 4, 5 }, y[] = { 6, 7, 8, 9, 10 };
	cmp_mwu m = cmp_mann_whitney(x, 5, y, 5);
	/* U = 25, mean 12.5, var 25*11/12, continuity-corrected z = 12/sqrt(22.917) */
	is_num(m.u, 25, 0, "complete separation: U = 25");
	is_num(m.z, 12 / sqrt(25.0 * 11 / 12), 1e-12, "z with continuity correction");
	is_num(m.p, 0.012185780355344818, 1e-12, "p = 0.01219 (erfc by hand)");
	m = cmp_mann_whitney(y, 5, x, 5);
	is_num(m.u, 0, 0, "swapped: U = 0");
	is_num(m.p, 0.012185780355344818, 1e-12, "swapped: same p");

	/* ties: x = 1,2,2,3  y = 2,3,3,4: average ranks, U = 13, sum(t^3 - t) = 48 */
	double tx[] = { 1, 2, 2, 3 }, ty[] = { 2, 3, 3, 4 };
	m = cmp_mann_whitney(tx, 4, ty, 4);
	is_num(m.u, 13, 1e-12, "ties: U = 13 (average ranks)");
	is_num(m.z, 4.5 / sqrt(16.0 / 12 * (9 - 48.0 / 56)), 1e-12, "ties: tie-corrected variance");
	is_num(m.p, 0.17203370892182296, 1e-12, "ties: p = 0.172");
	double same[] = { 5, 5, 5 };
	m = cmp_mann_whitney(same, 3, same, 3);
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
	ok(cmp_fieller(x, 5, y, 5, 0.05, &lo, &hi) == 0, "Fieller interval exists");
	ok(lo < 2 && hi > 2, "it contains the ratio 2 [%g, %g]", lo, hi);
	/* the ends solve (my - R mx)^2 = q^2 (vy + R^2 vx) */
	cmp_welch w = cmp_welch_test(x, 5, y, 5);
	double q = cmp_t_quantile2(0.05, w.df);
	for (int e = 0; e < 2; e++) {
		double R = e ? hi : lo, lhs = (200 - R * 100) * (200 - R * 100), rhs = q * q * (0.4 + R * R * 0.1);
		is_num(lhs, rhs, 1e-6 * rhs, e ? "upper end solves Fieller's equation" : "lower end solves Fieller's equation");
	}
	double z[] = { 1, -1, 2, -2 };
	ok(cmp_fieller(z, 4, y, 5, 0.05, &lo, &hi) < 0, "base mean indistinguishable from 0: unbounded");
	ok(cmp_fieller(x, 1, y, 5, 0.05, &lo, &hi) < 0, "one sample: no interval");

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
		w = cmp_welch_test(a, (size_t)na, b, (size_t)nb);
		if (cmp_fieller(a, (size_t)na, b, (size_t)nb, 0.05, &lo, &hi) < 0)
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

static void test_verdict(void)
{
	double base[] = { 100, 101, 99 }, more[] = { 150, 151, 149 };
	cmp_metric b = { "m", "ns", 1, base, 3, 100, 100 }, o = { "m", "ns", 1, more, 3, 150, 150 };
	cmp_pair p = { 0 };
	p.b = &b;
	p.o = &o;
	p.ratio = 1.5;
	p.welch = cmp_welch_test(base, 3, more, 3);
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "slower", "lower is better, other higher: slower");
	b.lower = o.lower = 0;
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "faster", "higher is better, other higher: faster");
	p.welch.p = 0.2;
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "no significant difference", "p 0.2: no significant difference");
	o.n = 1;
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "too few samples", "one sample: untested");
}

int main(void)
{
	test_t();
	test_welch();
	test_mwu();
	test_fieller();
	test_verdict();
	return tap_done();
}
