/* hist.h - log-linear latency histogram (HDR-style).
 *
 * Values are unsigned integers in the caller's unit (ns for latencies).
 * Each power of two is split into 2^GB_HIST_SUB_BITS linear buckets, so a
 * bucket is at most 1/128 of its lower bound wide and a percentile read
 * from its midpoint is within 0.4% of the true sample value (<= 1% is the
 * contract).  Recording is a few instructions and never allocates. */
#ifndef GB_HIST_H
#define GB_HIST_H

#include <stdint.h>

#define GB_HIST_SUB_BITS 7
#define GB_HIST_SUB (1u << GB_HIST_SUB_BITS)
#define GB_HIST_BUCKETS ((64 - GB_HIST_SUB_BITS + 1) * GB_HIST_SUB)

typedef struct gb_hist {
	uint64_t count[GB_HIST_BUCKETS];
	uint64_t n, min, max;
	double sum, sumsq;
} gb_hist;

typedef struct gb_pct {
	double p50, p90, p99, p999, max;
} gb_pct;

void gb_hist_init(gb_hist *h);		/* h may be large: allocate it, not on a small stack */
void gb_hist_merge(gb_hist *dst, const gb_hist *src);

static inline unsigned gb_hist_index(uint64_t v)
{
	if (v < GB_HIST_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);	/* >= SUB_BITS */
	unsigned shift = e - GB_HIST_SUB_BITS;
	return (shift + 1) * GB_HIST_SUB + (unsigned)((v >> shift) & (GB_HIST_SUB - 1));
}

static inline void gb_hist_add(gb_hist *h, uint64_t v)
{
	h->count[gb_hist_index(v)]++;
	h->n++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->sum += (double)v;
	h->sumsq += (double)v * (double)v;
}

/* Value at quantile q in [0,1] (nearest rank, bucket midpoint clamped to
 * the observed min/max); 0 for an empty histogram. */
double gb_hist_quantile(const gb_hist *h, double q);
double gb_hist_mean(const gb_hist *h);
double gb_hist_stddev(const gb_hist *h);	/* sample stddev */
void gb_hist_pct(const gb_hist *h, gb_pct *out);

/* Bucket bounds, for tests: [lo, hi] covered by bucket i; lo > hi (an
 * empty range) when i >= GB_HIST_BUCKETS. */
void gb_hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi);

#endif
