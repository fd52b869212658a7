/* stats.c - the statistics module: summaries of repeated measurements,
 * and the tests and intervals gb-compare uses to compare them.
 *
 * The sample vectors here are small (a handful of repetitions) or large
 * (millions of per-operation timings); both must be cheap.  Order
 * statistics use an in-place selection on one scratch copy, so the
 * caller's vector is never reordered and no full sort is paid for.
 *
 * Student's t comes from the regularized incomplete beta function
 * (continued fraction), exact for the non-integer degrees of freedom of
 * Welch's test; its quantile is found by bisection on that, so there is
 * one t distribution here and gb_t975 is a case of it.  Everything is
 * deterministic: no resampling, no random numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

double gb_t975(size_t df)
{
	/* no spread can be estimated from one value: an interval built from
	 * df == 0 is honestly unbounded rather than silently collapsed */
	if (df == 0)
		return INFINITY;
	return gb_t_quantile2(0.05, (double)df);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

static double median3(double a, double b, double c)
{
	if (a < b) {
		if (b < c)
			return b;
		return a < c ? c : a;
	}
	if (a < c)
		return a;
	return b < c ? c : b;
}

/*
 * Rearrange a[0..n) so that a[k] is the value a full sort would put there,
 * everything before it is <= a[k] and everything after it is >= a[k]
 * (Hoare's selection).  The scans stop on equal keys, so runs of identical
 * timings - common with coarse clocks - still split evenly; and NaNs,
 * which compare false with everything, only stop the scans early instead
 * of running them off the ends.  Median-of-three defeats sorted input;
 * should a pathological input still take too many rounds, the remaining
 * range is handed to qsort to keep the worst case at n log n.
 */
static void select_kth(double *a, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, kk = (long)k;
	int budget = 8;

	for (size_t m = n; m > 1; m >>= 1)
		budget += 2;

	while (lo < hi) {
		double pivot, tmp;
		long i = lo, j = hi;

		if (--budget < 0) {
			qsort(a + lo, (size_t)(hi - lo + 1), sizeof(*a), cmp_double);
			return;
		}
		pivot = median3(a[lo], a[lo + (hi - lo) / 2], a[hi]);
		/* The pivot value is in the range, so both scans stop inside it;
		 * after each swap the swapped elements are the next sentinels. */
		do {
			while (a[i] < pivot)
				i++;
			while (pivot < a[j])
				j--;
			if (i <= j) {
				tmp = a[i];
				a[i] = a[j];
				a[j] = tmp;
				i++;
				j--;
			}
		} while (i <= j);
		/* Now a[lo..j] <= pivot <= a[i..hi] and everything between
		 * (if anything) equals the pivot: already in its place. */
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			return;
	}
}

/* Median of a scratch vector that may be reordered; n >= 1. */
static double median_inplace(double *a, size_t n)
{
	size_t k = n / 2;
	double hi, lo;

	select_kth(a, n, k);
	hi = a[k];
	if (n & 1)
		return hi;
	/* Even n: the lower middle is the largest value left of k. */
	lo = a[0];
	for (size_t i = 1; i < k; i++)
		if (a[i] > lo)
			lo = a[i];
	return lo + (hi - lo) / 2;
}

/* NaN for n == 0 (there is no median) or when the scratch copy cannot be
 * allocated. */
double gb_median(const double *x, size_t n)
{
	double *a, m;

	if (n == 0)
		return NAN;
	a = malloc(n * sizeof(*a));
	if (!a)
		return NAN;
	memcpy(a, x, n * sizeof(*a));
	m = median_inplace(a, n);
	free(a);
	return m;
}

/*
 * Outliers by the modified z-score of Iglewicz & Hoaglin,
 * M = 0.6745 (x - median) / MAD, flagged when |M| > 3.5.  0.6745 / MAD is
 * 1 / (1.4826 MAD), i.e. the deviation measured in robust estimates of
 * sigma.
 *
 * MAD is 0 whenever more than half the samples equal the median (a
 * coarse clock, a cached result).  Then sigma is estimated instead as
 * 1.253314 (= sqrt(pi/2)) times the mean absolute deviation from the
 * median, which is what that factor makes of it for normal data, and
 * |x - median| / (1.253314 MeanAD) > 3.5 flags the sample.  If that is 0
 * too, every sample equals the median and none is an outlier.
 *
 * A deviation must also exceed GB_OUTLIER_FLOOR of the median: timings
 * that agree to within a few percent are ordinary jitter, and a tight set
 * (MAD of 0.1%) would otherwise flag a sample that is 1% off.
 *
 * dev[] holds |x_i - median| in any order.
 */
static size_t count_outliers(const double *dev, size_t n, double mad, double median)
{
	double scale, limit;
	size_t count = 0;

	if (mad > 0) {
		scale = mad / 0.6745;
	} else {
		double sum = 0;

		for (size_t i = 0; i < n; i++)
			sum += dev[i];
		scale = 1.253314 * (sum / (double)n);
		if (!(scale > 0))
			return 0;
	}
	limit = 3.5 * scale;
	if (limit < GB_OUTLIER_FLOOR * fabs(median))
		limit = GB_OUTLIER_FLOOR * fabs(median);
	for (size_t i = 0; i < n; i++)
		if (dev[i] > limit)
			count++;
	return count;
}

/*
 * Mean and variance by the corrected two-pass algorithm: the first pass
 * finds the mean, the second sums squared deviations from it, and the sum
 * of the plain deviations (zero in exact arithmetic) corrects both for
 * the rounding of the first pass.  Unlike sum-of-squares formulas this
 * does not cancel catastrophically when the spread is tiny compared with
 * the values - the usual case for timings.
 */
void gb_mean_var(const double *x, size_t n, double *mean, double *var)
{
	double sum = 0, m, dsum = 0, d2sum = 0;

	*var = 0;
	if (n == 0) {
		*mean = NAN;
		return;
	}
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	m = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - m;

		dsum += d;
		d2sum += d * d;
	}
	*mean = m + dsum / (double)n;
	if (n >= 2)
		*var = (d2sum - dsum * dsum / (double)n) / (double)(n - 1);
}

double gb_mean(const double *x, size_t n)
{
	double m, v;

	gb_mean_var(x, n, &m, &v);
	return m;
}

/* If the scratch copy for the order statistics cannot be allocated,
 * median and mad are NaN and outliers 0; the moments are still exact. */
void gb_stats_compute(const double *x, size_t n, gb_stats *out)
{
	double var, *a;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;

	out->n = n;
	out->min = out->max = x[0];
	for (size_t i = 0; i < n; i++) {
		if (x[i] < out->min)
			out->min = x[i];
		if (x[i] > out->max)
			out->max = x[i];
	}
	gb_mean_var(x, n, &out->mean, &var);
	if (n >= 2) {
		double half;

		out->stddev = var > 0 ? sqrt(var) : 0;
		half = gb_t975(n - 1) * out->stddev / sqrt((double)n);
		out->ci95_lo = out->mean - half;
		out->ci95_hi = out->mean + half;
	} else {
		/* one sample says nothing about its spread: unknown, not zero */
		out->ci95_lo = out->ci95_hi = NAN;
	}
	out->cv = out->mean != 0 ? out->stddev / out->mean : 0;

	a = malloc(n * sizeof(*a));
	if (!a) {
		out->median = out->mad = NAN;
		return;
	}
	memcpy(a, x, n * sizeof(*a));
	out->median = median_inplace(a, n);
	for (size_t i = 0; i < n; i++)
		a[i] = fabs(x[i] - out->median);
	/* count_outliers() reads dev[] in any order, so MAD may reorder it. */
	out->mad = median_inplace(a, n);
	out->outliers = count_outliers(a, n, out->mad, out->median);
	free(a);
}

/* Continued fraction of the incomplete beta (modified Lentz): converges
 * fast for x < (a + 1) / (a + b + 2); the caller uses the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a) otherwise. */
/* Lentz keeps its two running terms away from zero (a zero would divide). */
static double nonzero(double v)
{
	return fabs(v) < 1e-300 ? 1e-300 : v;
}

/* One step of the fraction with numerator aa: the factor h is multiplied by. */
static double lentz_step(double aa, double *c, double *d)
{
	*d = 1 / nonzero(1 + aa * *d);
	*c = nonzero(1 + aa / *c);
	return *d * *c;
}

static double betacf(double a, double b, double x)
{
	const double eps = 1e-15;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 / nonzero(1 - qab * x / qap);
	double h = d;
	for (int m = 1; m <= 1000; m++) {
		int m2 = 2 * m;
		h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);	/* even step */
		double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
		h *= del;	/* odd step */
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

/*
 * lgamma(a + b) - lgamma(a) for a >= b: Stirling's series, differenced
 * term by term, when a is large.  Subtracting two lgamma values of 10^12
 * would keep only three digits (the t distribution with df = 2^40 asks
 * for exactly that); the differenced form keeps them all.
 */
static double lgamma_step(double a, double b)
{
	if (a < 1e4)
		return lgamma(a + b) - lgamma(a);
	double c = a + b;
	return (a - 0.5) * log1p(b / a) + b * log(c) - b + (1 / c - 1 / a) / 12 -
	       (1 / (c * c * c) - 1 / (a * a * a)) / 360;
}

/* I_x(a, b) with y = 1 - x given separately, so that a caller who knows
 * 1 - x exactly (t^2 / (df + t^2)) does not lose it to rounding. */
static double betai_xy(double a, double b, double x, double y)
{
	if (!(a > 0) || !(b > 0) || isnan(x) || isnan(y))
		return NAN;
	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	double big = a > b ? a : b, small = a > b ? b : a;
	double lbt = lgamma_step(big, small) - lgamma(small) + a * (x < 0.5 ? log(x) : log1p(-y)) +
		     b * (y < 0.5 ? log(y) : log1p(-x));
	double bt = exp(lbt);
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, y) / b;
}

double gb_betai(double a, double b, double x)
{
	return betai_xy(a, b, x, 1 - x);
}

double gb_t_p2(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	double t2 = t * t;
	if (df > 1e6) {
		/* The continued fraction below needs ~sqrt(df) terms there;
		 * the expansion of the t tail about the normal one,
		 * Q(t) + phi(t) (t^3 + t) / (4 df) + O(df^-2), is then exact
		 * to ~1e-12 of p. */
		double at = fabs(t), phi = exp(-t2 / 2) / sqrt(2 * M_PI);
		return erfc(at / M_SQRT2) + 2 * phi * (t2 * at + at) / (4 * df);
	}
	/* P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2) */
	return betai_xy(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

double gb_t_quantile2(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	double lo = 0, hi = 1;
	while (gb_t_p2(hi, df) > p && hi < 1e12)
		hi *= 2;
	/* the two-sided p falls monotonically in t: bisect to full precision */
	for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (gb_t_p2(mid, df) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

gb_welch gb_welch_test(const double *x, size_t nx, const double *y, size_t ny)
{
	gb_welch w = { NAN, NAN, NAN };
	if (nx < 2 || ny < 2)
		return w;
	double mx, my, vx, vy;
	gb_mean_var(x, nx, &mx, &vx);
	gb_mean_var(y, ny, &my, &vy);
	vx /= (double)nx;
	vy /= (double)ny;
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
	w.p = gb_t_p2(w.t, w.df);
	return w;
}

struct ranked {
	double v;
	int from_y;
};

static int ranked_cmp(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

gb_mwu gb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny)
{
	gb_mwu r = { NAN, NAN, NAN };
	size_t n = nx + ny;
	if (!nx || !ny)
		return r;
	struct ranked *a = malloc(n * sizeof *a);
	if (!a)
		return r;	/* no memory for the ranks: no test (it never decides) */
	for (size_t i = 0; i < nx; i++)
		a[i] = (struct ranked){ x[i], 0 };
	for (size_t i = 0; i < ny; i++)
		a[nx + i] = (struct ranked){ y[i], 1 };
	qsort(a, n, sizeof *a, ranked_cmp);
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

int gb_fieller(const double *x, size_t nx, const double *y, size_t ny, double alpha, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (nx < 2 || ny < 2)
		return -1;
	double mx, my, vx, vy;
	gb_mean_var(x, nx, &mx, &vx);
	gb_mean_var(y, ny, &my, &vy);
	vx /= (double)nx;
	vy /= (double)ny;
	if (mx == 0)
		return -1;
	if (vx + vy == 0) {
		*lo = *hi = my / mx;
		return 0;
	}
	gb_welch w = gb_welch_test(x, nx, y, ny);
	double q = gb_t_quantile2(alpha, w.df), q2 = q * q;
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
