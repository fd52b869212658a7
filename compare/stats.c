/* stats.c - the numerics of a comparison of two sets of samples.
 *
 * Benchmarks give few samples (3 with --quick, 10 by default) whose
 * variances differ between environments (a VM is noisier than the host),
 * so the tests must not assume equal variances: Welch's t-test, with the
 * Welch–Satterthwaite degrees of freedom, decides; Fieller's interval of
 * the ratio of means uses the same t quantile, so the interval excludes
 * 1 exactly when the test rejects at the same level and the table can
 * never show a "significant" row whose interval straddles 1.0.
 * Mann–Whitney U (normal approximation, tie correction, continuity
 * correction) is reported beside it as a robustness check for skewed
 * samples; it never decides (with 3 + 3 samples it cannot reach 5%).
 * Everything is deterministic: no resampling, no random numbers. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double cmp_mean(const double *x, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	return n ? s / (double)n : NAN;
}

double cmp_var(const double *x, size_t n, double mean)
{
	double s = 0;
	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		s += (x[i] - mean) * (x[i] - mean);
	return s / (double)(n - 1);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double cmp_median(const double *x, size_t n)
{
	if (!n)
		return NAN;
	double *c = gb_xmalloc(n * sizeof *c);
	memcpy(c, x, n * sizeof *c);
	qsort(c, n, sizeof *c, cmp_dbl);
	double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

/* Continued fraction of the incomplete beta (modified Lentz): converges
 * fast for x < (a + 1) / (a + b + 2); the caller uses the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a) otherwise. */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 1000; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

double cmp_betai(double a, double b, double x)
{
	if (!(a > 0) || !(b > 0) || isnan(x))
		return NAN;
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	double bt = exp(lbt);
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

double cmp_t_p2(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	/* P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2) */
	return cmp_betai(df / 2, 0.5, df / (df + t * t));
}

double cmp_t_quantile2(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	double lo = 0, hi = 1;
	while (cmp_t_p2(hi, df) > p && hi < 1e12)
		hi *= 2;
	/* the two-sided p falls monotonically in t: bisect to full precision */
	for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (cmp_t_p2(mid, df) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

cmp_welch cmp_welch_test(const double *x, size_t nx, const double *y, size_t ny)
{
	cmp_welch w = { NAN, NAN, NAN };
	if (nx < 2 || ny < 2)
		return w;
	double mx = cmp_mean(x, nx), my = cmp_mean(y, ny);
	double vx = cmp_var(x, nx, mx) / (double)nx, vy = cmp_var(y, ny, my) / (double)ny;
	double se2 = vx + vy;
	if (se2 == 0) {
		/* constant samples on both sides: identical, or certainly different */
		w.df = (double)(nx + ny - 2);
		w.t = mx == my ? 0 : (my > mx ? INFINITY : -INFINITY);
		w.p = mx == my ? 1 : 0;
		return w;
	}
	w.t = (my - mx) / sqrt(se2);
	w.df = se2 * se2 / (vx * vx / (double)(nx - 1) + vy * vy / (double)(ny - 1));
	w.p = cmp_t_p2(w.t, w.df);
	return w;
}

struct ranked {
	double v;
	int from_y;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_dbl(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

cmp_mwu cmp_mann_whitney(const double *x, size_t nx, const double *y, size_t ny)
{
	cmp_mwu r = { NAN, NAN, NAN };
	size_t n = nx + ny;
	if (!nx || !ny)
		return r;
	struct ranked *a = gb_xmalloc(n * sizeof *a);
	for (size_t i = 0; i < nx; i++)
		a[i] = (struct ranked){ x[i], 0 };
	for (size_t i = 0; i < ny; i++)
		a[nx + i] = (struct ranked){ y[i], 1 };
	qsort(a, n, sizeof *a, cmp_ranked);
	double ry = 0, ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && a[j].v == a[i].v)
			j++;
		double t = (double)(j - i), rank = (double)(i + j + 1) / 2;	/* average of ranks i+1..j */
		for (size_t k = i; k < j; k++)
			if (a[k].from_y)
				ry += rank;
		ties += t * t * t - t;
		i = j;
	}
	free(a);
	double dx = (double)nx, dy = (double)ny, dn = (double)n;
	r.u = ry - dy * (dy + 1) / 2;
	double mu = dx * dy / 2;
	double var = dx * dy / 12 * ((dn + 1) - ties / (dn * (dn - 1)));
	if (!(var > 0)) {
		r.z = 0;
		r.p = 1;	/* every value tied: no evidence of a difference */
		return r;
	}
	double d = r.u - mu;
	/* continuity correction: U moves in steps of 1/2 */
	d = fabs(d) <= 0.5 ? 0 : d - copysign(0.5, d);
	r.z = d / sqrt(var);
	r.p = erfc(fabs(r.z) / sqrt(2));
	return r;
}

int cmp_fieller(const double *x, size_t nx, const double *y, size_t ny, double alpha, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (nx < 2 || ny < 2)
		return -1;
	double mx = cmp_mean(x, nx), my = cmp_mean(y, ny);
	double vx = cmp_var(x, nx, mx) / (double)nx, vy = cmp_var(y, ny, my) / (double)ny;
	if (mx == 0)
		return -1;
	if (vx + vy == 0) {
		*lo = *hi = my / mx;
		return 0;
	}
	cmp_welch w = cmp_welch_test(x, nx, y, ny);
	double q = cmp_t_quantile2(alpha, w.df), q2 = q * q;
	/* (my - R mx)^2 = q^2 (vy + R^2 vx), a quadratic in R */
	double a = mx * mx - q2 * vx;
	double b = -2 * mx * my;
	double c = my * my - q2 * vy;
	if (a <= 0)
		return -1;	/* base mean not distinguishable from 0: unbounded */
	double disc = b * b - 4 * a * c;
	if (disc < 0)
		disc = 0;
	double s = sqrt(disc);
	*lo = (-b - s) / (2 * a);
	*hi = (-b + s) / (2 * a);
	return 0;
}
