/* verdict.c - one word per metric pair, from the design and the
 * interval of the ratio other/base (docs/compare.md "Verdicts"):
 *
 *   one run each       one launch per side: host drift not measured, so no
 *                      claim at all (the within-run test is shown beside)
 *   too few launches   a test needs 2 launches per side, or 2 rounds paired
 *   equivalent         the whole interval within [1/(1+m), 1+m]: at most m
 *                      slower and at most m faster, edges included
 *   faster / slower    the interval excludes 1; the direction from the
 *                      metric's "better" (a higher time is slower, a higher
 *                      bandwidth faster)
 *   inconclusive       the interval holds 1 and reaches past the margin
 *
 * Equivalence is judged first: a difference that is certainly within the
 * margin is, for the claim the studies make ("Docker equals native within
 * 2 %"), no difference - the delta beside it still shows it.  The margin
 * is symmetric on the log scale, so the verdict does not depend on whether
 * a metric is written as a time or as a rate (1/1.03 = 0.9709...). */
#include "compare.h"

#include <math.h>

cmp_verdict cmp_judge(cmp_design d, double lo, double hi, int lower, double margin)
{
	if (d == CMP_DESIGN_ONE_EACH)
		return CMP_ONE_EACH;
	if (d == CMP_DESIGN_TOO_FEW)
		return CMP_TOO_FEW;
	if (isnan(lo) || isnan(hi))
		return CMP_INCONCLUSIVE;	/* unbounded: the base cannot be told from 0 */
	if (lo >= 1 / (1 + margin) && hi <= 1 + margin)
		return CMP_EQUIVALENT;
	if (lo > 1 || hi < 1) {
		int other_higher = lo > 1;
		/* better = lower: a higher value in the other environment is worse */
		return other_higher != lower ? CMP_FASTER : CMP_SLOWER;
	}
	return CMP_INCONCLUSIVE;
}

/* The old rule, on the samples of one run each: for information only. */
static const char *within_run(const cmp_pair *p, double alpha)
{
	if (p->lb.nsamples < 2 || p->lo.nsamples < 2 || isnan(p->welch.p))
		return "too few samples";
	if (!(p->welch.p < alpha) || p->ratio == 1)
		return "no significant difference";
	int other_higher = p->ratio > 1;
	return other_higher != p->b->lower ? "faster" : "slower";
}

void cmp_decide(cmp_pair *p, double alpha, double margin)
{
	p->verdict = cmp_judge(p->design, p->ci_lo, p->ci_hi, p->b->lower, margin);
	p->within = p->design == CMP_DESIGN_ONE_EACH ? within_run(p, alpha) : NULL;
}

static const struct {
	const char *name, *brief;
} names[] = {
	[CMP_EQUIVALENT] = { "equivalent", "equivalent" },
	[CMP_FASTER] = { "faster", "faster" },
	[CMP_SLOWER] = { "slower", "slower" },
	[CMP_INCONCLUSIVE] = { "inconclusive", "inconclusive" },
	[CMP_TOO_FEW] = { "too few launches", "too few launches" },
	[CMP_ONE_EACH] = { "one run each: host drift not measured", "one run each" },
};

const char *cmp_verdict_name(cmp_verdict v)
{
	return names[v].name;
}

const char *cmp_verdict_short(cmp_verdict v)
{
	return names[v].brief;
}
