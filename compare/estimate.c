/* estimate.c - from launches to an interval of other/base, per metric.
 *
 * Samples within one run share one process, one placement and one phase
 * of the host's noise: they describe the run, not the environment.  So
 * each launch is summarised by its mean, and the environments are
 * compared on those summaries (docs/compare.md "The design"):
 *
 *  - launches paired by round (a campaign): the per-round ratio
 *    other/base, and a t interval on the mean of its logarithm, turned
 *    back into a geometric-mean ratio.  Drift that moves a whole round
 *    (frequency, a neighbour) multiplies both launches of the round and
 *    cancels in their ratio; what is left is the spread of that ratio.
 *  - launches not paired (files given by hand): Welch's test and
 *    Fieller's interval on the launch means of each side.
 *  - one launch per side: the within-run Welch/Fieller numbers, kept for
 *    information only - the verdict says host drift was not measured.
 *  - fewer than 2 launches (or pairs) on a side otherwise: too few.
 *
 * Within-launch and between-launch spread are kept side by side (as
 * coefficients of variation) so a reader sees which one dominates. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The metric of the single finite launch of a side (one each). */
static const cmp_metric *only(const cmp_series *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (isfinite(s->m[i]->mean))
			return s->m[i];
	return s->m[0];
}

/* One side: each launch's mean (from its samples, or the document's mean
 * when a harness stripped them), its round, and the pooled spread. */
static void summarise(cmp_launches *l, const cmp_series *s)
{
	memset(l, 0, sizeof *l);
	l->mean = gb_xcalloc(s->n + 1, sizeof *l->mean);
	l->round = gb_xcalloc(s->n + 1, sizeof *l->round);
	double ss = 0, dof = 0;
	for (size_t i = 0; i < s->n; i++) {
		const cmp_metric *m = s->m[i];
		if (!isfinite(m->mean))
			continue;
		l->mean[l->k] = m->mean;
		l->round[l->k] = s->run[i]->round;
		l->k++;
		l->nsamples += m->n;
		if (m->n >= 2) {
			double mean, var;
			gb_mean_var(m->samples, m->n, &mean, &var);
			ss += var * (double)(m->n - 1);
			dof += (double)(m->n - 1);
		}
	}
	double var_between = 0;
	if (l->k)
		gb_mean_var(l->mean, l->k, &l->grand, &var_between);
	else
		l->grand = NAN;
	/* one launch: the median of its samples, as before replicates */
	l->median = l->k == 1 ? only(s)->median : gb_median(l->mean, l->k);
	double a = fabs(l->grand);
	l->cv_within = dof > 0 && a > 0 ? sqrt(ss / dof) / a : NAN;
	l->cv_between = l->k >= 2 && a > 0 ? sqrt(var_between) / a : NAN;
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Can the launches be paired by round: every launch has a round and no
 * round appears twice on a side? */
static int pairable(const cmp_launches *l)
{
	long *r = gb_xmalloc((l->k + 1) * sizeof *r);
	memcpy(r, l->round, l->k * sizeof *r);
	qsort(r, l->k, sizeof *r, long_cmp);
	int ok = 1;
	for (size_t i = 0; i < l->k && ok; i++)
		ok = r[i] >= 0 && (i == 0 || r[i] != r[i - 1]);
	free(r);
	return ok;
}

typedef struct rv {
	long round;
	double v;
} rv;

static int rv_cmp(const void *a, const void *b)
{
	return long_cmp(&((const rv *)a)->round, &((const rv *)b)->round);
}

/* log(other/base) of every round both sides have, into d; returns how
 * many, or -1 when a launch mean is not positive (no logarithm). */
static long log_ratios(const cmp_launches *b, const cmp_launches *o, double *d)
{
	rv *x = gb_xmalloc((b->k + 1) * sizeof *x), *y = gb_xmalloc((o->k + 1) * sizeof *y);
	for (size_t i = 0; i < b->k; i++)
		x[i] = (rv){ b->round[i], b->mean[i] };
	for (size_t i = 0; i < o->k; i++)
		y[i] = (rv){ o->round[i], o->mean[i] };
	qsort(x, b->k, sizeof *x, rv_cmp);
	qsort(y, o->k, sizeof *y, rv_cmp);
	long n = 0;
	for (size_t i = 0, j = 0; i < b->k && j < o->k;) {
		if (x[i].round < y[j].round) {
			i++;
		} else if (x[i].round > y[j].round) {
			j++;
		} else {
			if (!(x[i].v > 0) || !(y[j].v > 0)) {
				n = -1;
				break;
			}
			d[n++] = log(y[j].v / x[i].v);
			i++;
			j++;
		}
	}
	free(x);
	free(y);
	return n;
}

/* The paired design: a t interval of the mean log ratio, n - 1 df. */
static void paired(cmp_pair *p, const double *d, size_t n, double alpha)
{
	double m, v;
	gb_mean_var(d, n, &m, &v);
	double se = sqrt(v / (double)n);
	p->design = CMP_DESIGN_PAIRED;
	p->npaired = n;
	p->sd_log_ratio = sqrt(v);
	p->ratio = exp(m);
	p->welch.df = (double)(n - 1);
	if (se == 0) {
		/* every round gave the same ratio: that ratio, exactly */
		p->welch.t = m == 0 ? 0 : m > 0 ? INFINITY : -INFINITY;
		p->welch.p = m == 0 ? 1 : 0;
		p->ci_lo = p->ci_hi = p->ratio;
		return;
	}
	double q = gb_t_quantile2(alpha, p->welch.df);
	p->welch.t = m / se;
	p->welch.p = gb_t_p2(p->welch.t, p->welch.df);
	p->ci_lo = exp(m - q * se);
	p->ci_hi = exp(m + q * se);
}

/* Welch and Fieller on two sets of values (samples of one launch each,
 * or launch means). */
static void unpaired(cmp_pair *p, const double *x, size_t nx, const double *y, size_t ny, double alpha)
{
	p->welch = gb_welch_test(x, nx, y, ny);
	p->mwu = gb_mann_whitney(x, nx, y, ny);
	if (gb_fieller(x, nx, y, ny, alpha, &p->ci_lo, &p->ci_hi) < 0)
		p->ci_lo = p->ci_hi = NAN;
}

void cmp_estimate(cmp_pair *p, const cmp_series *bs, const cmp_series *os, double alpha)
{
	summarise(&p->lb, bs);
	summarise(&p->lo, os);
	const cmp_launches *b = &p->lb, *o = &p->lo;
	p->ratio_means = o->grand / b->grand;
	p->ratio = p->ratio_means;
	p->ratio_median = o->median / b->median;
	p->welch = (gb_welch){ NAN, NAN, NAN };
	p->mwu = (gb_mwu){ NAN, NAN, NAN };
	p->ci_lo = p->ci_hi = p->sd_log_ratio = NAN;

	if (b->k == 1 && o->k == 1) {
		const cmp_metric *mb = only(bs), *mo = only(os);
		p->design = CMP_DESIGN_ONE_EACH;
		unpaired(p, mb->samples, mb->n, mo->samples, mo->n, alpha);
	} else {
		double *d = gb_xmalloc((b->k + 1) * sizeof *d);
		long n = b->k >= 1 && o->k >= 1 && pairable(b) && pairable(o) ? log_ratios(b, o, d) : -1;
		if (n >= 2)
			paired(p, d, (size_t)n, alpha);
		else if (b->k >= 2 && o->k >= 2) {
			p->design = CMP_DESIGN_UNPAIRED;
			unpaired(p, b->mean, b->k, o->mean, o->k, alpha);
		} else {
			p->design = CMP_DESIGN_TOO_FEW;
			p->npaired = n > 0 ? (size_t)n : 0;
		}
		free(d);
	}
	p->delta_pct = (p->ratio - 1) * 100;
}

void cmp_pair_free(cmp_pair *p)
{
	free(p->lb.mean);
	free(p->lb.round);
	free(p->lo.mean);
	free(p->lo.round);
}

const char *cmp_design_name(cmp_design d)
{
	static const char *const names[] = {
		[CMP_DESIGN_ONE_EACH] = "one run each",
		[CMP_DESIGN_PAIRED] = "paired by round",
		[CMP_DESIGN_UNPAIRED] = "unpaired launches",
		[CMP_DESIGN_TOO_FEW] = "too few launches",
	};
	return names[d];
}
