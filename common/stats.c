/* stats.c - summary statistics of repeated measurements.
 *
 * The sample vectors here are small (a handful of repetitions) or large
 * (millions of per-operation timings); both must be cheap.  Order
 * statistics use an in-place selection on one scratch copy, so the
 * caller's vector is never reordered and no full sort is paid for. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* t_{0.975, df} for df = 1..30, from numerically inverting the Student t
 * distribution function (regularised incomplete beta) to 12 digits. */
static const double t975_table[30] = {
	12.7062047362, 4.30265272975, 3.18244630528, 2.7764451052,
	2.57058183564, 2.44691185114, 2.36462425159, 2.3060041352,
	2.2621571628,  2.22813885199, 2.20098516009, 2.17881282967,
	2.16036865646, 2.14478668792, 2.13144954556, 2.11990529922,
	2.10981557783, 2.10092204024, 2.09302405441, 2.08596344727,
	2.07961384473, 2.0738730679,  2.06865761042, 2.06389856163,
	2.05953855275, 2.05552943864, 2.05183051648, 2.0484071418,
	2.04522964213, 2.0422724563,
};

/*
 * df == 0 has no finite quantile (no spread can be estimated from one
 * value), so it gives +INFINITY: a confidence interval built from it is
 * honestly unbounded rather than silently collapsed.
 *
 * Above the table the Cornish-Fisher expansion of t in powers of 1/df
 * around the normal quantile is used.  With four correction terms its
 * error is 2.6e-8 at df = 31 (checked against the exact quantile) and
 * shrinks as df^-5 from there.
 */
double gb_t975(size_t df)
{
	const double z = 1.959963984540054;	/* Phi^-1(0.975) */
	double z2, z3, z5, z7, z9, d, g1, g2, g3, g4;

	if (df == 0)
		return INFINITY;
	if (df <= 30)
		return t975_table[df - 1];

	z2 = z * z;
	z3 = z2 * z;
	z5 = z3 * z2;
	z7 = z5 * z2;
	z9 = z7 * z2;
	g1 = (z3 + z) / 4;
	g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
	g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
	g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
	d = (double)df;
	return z + g1 / d + g2 / (d * d) + g3 / (d * d * d) + g4 / (d * d * d * d);
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
 *
 * If the scratch copy for the order statistics cannot be allocated,
 * median and mad are NaN and outliers 0; the moments are still exact.
 */
void gb_stats_compute(const double *x, size_t n, gb_stats *out)
{
	double sum = 0, mean, dsum = 0, d2sum = 0, *a;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;

	out->n = n;
	out->min = out->max = x[0];
	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		if (x[i] < out->min)
			out->min = x[i];
		if (x[i] > out->max)
			out->max = x[i];
	}
	mean = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - mean;

		dsum += d;
		d2sum += d * d;
	}
	out->mean = mean + dsum / (double)n;
	if (n >= 2) {
		double var = (d2sum - dsum * dsum / (double)n) / (double)(n - 1);
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
