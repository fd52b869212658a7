/* verdict.c - one word per metric pair, the direction taken from the
 * metric's "better": a higher getpid time is slower, a higher STREAM
 * bandwidth is faster.  The word follows the significance test only:
 * no practical threshold is applied on top, so a tiny but consistent
 * difference is reported as such, with its Δ% beside it to judge. */
#include "compare.h"

#include <math.h>

void cmp_decide(cmp_pair *p, double alpha)
{
	if (p->b->n < 2 || p->o->n < 2 || isnan(p->welch.p)) {
		p->verdict = CMP_UNTESTED;
		return;
	}
	if (!(p->welch.p < alpha) || p->ratio == 1) {
		p->verdict = CMP_SAME;
		return;
	}
	int other_higher = p->o->mean > p->b->mean;
	/* better = lower: a higher value in the other environment is worse */
	p->verdict = other_higher != p->b->lower ? CMP_FASTER : CMP_SLOWER;
}

const char *cmp_verdict_name(cmp_verdict v)
{
	switch (v) {
	case CMP_FASTER:
		return "faster";
	case CMP_SLOWER:
		return "slower";
	case CMP_SAME:
		return "no significant difference";
	default:
		return "too few samples";
	}
}
