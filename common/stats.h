/* stats.h - summary statistics of repeated measurements. */
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
 * a two-sided 95% interval): exact to 1e-9 for df <= 30, within 3e-8
 * above.  df == 0 gives +INFINITY. */
double gb_t975(size_t df);

/* Median of x[0..n) (copies; x not modified); NaN when n == 0 or the
 * copy cannot be allocated.  O(n) expected, by selection. */
double gb_median(const double *x, size_t n);

#endif
