/* stats.h - the statistics module: summaries of repeated measurements
 * (every benchmark's report) and the tests and intervals that compare
 * two sets of them (gb-compare).  One implementation of each: the
 * median, the mean and variance, Student's t distribution and its
 * quantile. */
#ifndef GB_STATS_H
#define GB_STATS_H

#include <stddef.h>

/* A sample within this fraction of the median is never an outlier. */
#define GB_OUTLIER_FLOOR 0.02

typedef struct gb_stats {
	size_t n;
	double min, max, mean, median;
	double stddev;		/* sample standard deviation (n - 1), 0 when n < 2 */
	double cv;		/* stddev / mean, 0 when mean == 0 */
	double ci95_lo, ci95_hi; /* 95% CI of the mean, Student t; NaN (unknown) when n < 2 */
	double mad;		/* median absolute deviation (unscaled) */
	size_t outliers;	/* modified z-score |0.6745 (x - median) / MAD| > 3.5, and more
				 * than GB_OUTLIER_FLOOR of the median away */
} gb_stats;

/* Summarise x[0..n).  x is not modified.  n == 0 gives all zeros.
 * When MAD is 0 (at least half the samples equal the median) outliers are
 * the samples with |x - median| > 3.5 * 1.253314 * mean|x - median|, and
 * none if that mean is 0 too.  Needs one n-double scratch allocation; if
 * it fails, median and mad are NaN and outliers 0. */
void gb_stats_compute(const double *x, size_t n, gb_stats *out);

/* 97.5% quantile of Student's t with df degrees of freedom (the factor of
 * a two-sided 95% interval): gb_t_quantile2(0.05, df).  df == 0 gives
 * +INFINITY. */
double gb_t975(size_t df);

/* Mean and sample variance (n - 1) of x[0..n), by the corrected two-pass
 * algorithm (no cancellation when the spread is tiny beside the values).
 * n == 0: NaN and 0; n == 1: the value and 0. */
void gb_mean_var(const double *x, size_t n, double *mean, double *var);
double gb_mean(const double *x, size_t n);

/* Regularized incomplete beta function I_x(a, b); NaN for a, b <= 0. */
double gb_betai(double a, double b, double x);
/* Two-sided p-value P(|T| > |t|) of Student's t with df > 0 degrees of
 * freedom (df real: Welch-Satterthwaite gives fractions). */
double gb_t_p2(double t, double df);
/* The t with P(|T| > t) = p (0 < p < 1), df real; NaN outside. */
double gb_t_quantile2(double p, double df);

/* Welch's t-test of mean(y) - mean(x), unequal variances. */
typedef struct gb_welch {
	double t, df, p;	/* p = NaN when it cannot be computed (n < 2) */
} gb_welch;
gb_welch gb_welch_test(const double *x, size_t nx, const double *y, size_t ny);

/* Mann-Whitney U of y against x (normal approximation with tie and
 * continuity corrections): u counts pairs (x < y) plus half the ties. */
typedef struct gb_mwu {
	double u, z, p;
} gb_mwu;
gb_mwu gb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny);

/*
 * Fieller's 1-alpha confidence interval of mean(y)/mean(x) for
 * independent samples, with Welch-Satterthwaite degrees of freedom.
 * Returns 0 with [lo, hi], or -1 when the interval is unbounded (the base
 * mean is not distinguishable from 0) or cannot be computed (n < 2).
 */
int gb_fieller(const double *x, size_t nx, const double *y, size_t ny, double alpha, double *lo, double *hi);

/* Median of x[0..n) (copies; x not modified); NaN when n == 0 or the
 * copy cannot be allocated.  O(n) expected, by selection. */
double gb_median(const double *x, size_t n);

#endif
