/* hist.c - log-linear latency histogram; recording is inline in hist.h.
 *
 * Bucket layout (see gb_hist_index()): buckets 0..127 hold the values
 * 0..127 exactly.  Above that, group g >= 1 (buckets g*128 .. g*128+127)
 * covers [2^(g+6), 2^(g+7)) in 128 equal steps of 2^(g-1), so a bucket is
 * never wider than 1/128 of its lower bound.  The last group ends exactly
 * at UINT64_MAX, so every uint64_t has a bucket. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "hist.h"

void gb_hist_init(gb_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;	/* so the first gb_hist_add() sets it */
}

void gb_hist_merge(gb_hist *dst, const gb_hist *src)
{
	for (unsigned i = 0; i < GB_HIST_BUCKETS; i++)
		dst->count[i] += src->count[i];
	dst->n += src->n;
	/* An empty src has min UINT64_MAX and max 0, which change nothing. */
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
}

/* An index past the last bucket gets the empty range lo > hi, which no
 * value can fall in. */
void gb_hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
	unsigned shift;

	if (i >= GB_HIST_BUCKETS) {
		*lo = UINT64_MAX;
		*hi = 0;
		return;
	}
	if (i < GB_HIST_SUB) {
		*lo = *hi = i;
		return;
	}
	shift = i / GB_HIST_SUB - 1;
	/* (SUB + sub) << shift fits: it is below 2^(SUB_BITS + 1 + 56). */
	*lo = (uint64_t)(GB_HIST_SUB + i % GB_HIST_SUB) << shift;
	*hi = *lo + ((UINT64_C(1) << shift) - 1);
}

/*
 * Nearest rank: the smallest recorded value with at least ceil(q n)
 * values at or below it.  q n is computed in floating point, and when the
 * exact product is a whole number the rounded one can land an ulp above
 * it, which ceil() would turn into the next rank; shaving a few ulps off
 * first keeps, e.g., q = 0.9 of n = 10 at rank 9.  The bucket midpoint is
 * within half a bucket (<= 1/256 relative) of every value in the bucket;
 * clamping to the observed extremes makes single-valued histograms and
 * the tails exact.
 */
double gb_hist_quantile(const gb_hist *h, double q)
{
	uint64_t rank, seen = 0;
	double r;

	if (h->n == 0)
		return 0;
	if (q >= 1)
		return (double)h->max;

	rank = 1;
	r = q * (double)h->n * (1.0 - 4 * DBL_EPSILON);
	if (r > 1)	/* also false for NaN q: it gets rank 1 */
		rank = (uint64_t)ceil(r);

	for (unsigned i = 0; i < GB_HIST_BUCKETS; i++) {
		uint64_t lo, hi;
		double mid;

		seen += h->count[i];
		if (seen < rank)
			continue;
		gb_hist_bucket_range(i, &lo, &hi);
		mid = (double)lo + (double)(hi - lo) / 2;
		if (mid < (double)h->min)
			mid = (double)h->min;
		if (mid > (double)h->max)
			mid = (double)h->max;
		return mid;
	}
	/* Only reachable if count[] and n disagree (a corrupt merge). */
	return (double)h->max;
}

double gb_hist_mean(const gb_hist *h)
{
	return h->n ? h->sum / (double)h->n : 0;
}

/*
 * From the running sums, as recording must stay a few instructions.  The
 * subtraction cancels when the spread is tiny next to the values, and
 * rounding can then make it slightly negative: that reads as 0.
 */
double gb_hist_stddev(const gb_hist *h)
{
	double n = (double)h->n, var;

	if (h->n < 2)
		return 0;
	var = (h->sumsq - h->sum * h->sum / n) / (n - 1);
	return var > 0 ? sqrt(var) : 0;
}

/* All zeros for an empty histogram. */
void gb_hist_pct(const gb_hist *h, gb_pct *out)
{
	if (h->n == 0) {
		memset(out, 0, sizeof(*out));
		return;
	}
	out->p50 = gb_hist_quantile(h, 0.50);
	out->p90 = gb_hist_quantile(h, 0.90);
	out->p99 = gb_hist_quantile(h, 0.99);
	out->p999 = gb_hist_quantile(h, 0.999);
	out->max = (double)h->max;
}
