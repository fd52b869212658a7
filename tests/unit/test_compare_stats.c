/* test_compare_stats - gb-compare's decisions: the verdict's direction
 * from each metric's "better".  The tests and intervals themselves are
 * common/stats.c's, tested in test_stats.c. */
#include <math.h>
#include <stdlib.h>

#include "../../compare/compare.h"
#include "tap.h"

static void test_verdict(void)
{
	double base[] = { 100, 101, 99 }, more[] = { 150, 151, 149 };
	cmp_metric b = { "m", "ns", 1, base, 3, 100, 100 }, o = { "m", "ns", 1, more, 3, 150, 150 };
	cmp_pair p = { 0 };
	p.b = &b;
	p.o = &o;
	p.ratio = 1.5;
	p.welch = gb_welch_test(base, 3, more, 3);
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "slower", "lower is better, other higher: slower");
	b.lower = o.lower = 0;
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "faster", "higher is better, other higher: faster");
	p.welch.p = 0.2;
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "no significant difference", "p 0.2: no significant difference");
	o.n = 1;
	cmp_decide(&p, 0.05);
	is_str(cmp_verdict_name(p.verdict), "too few samples", "one sample: untested");
}

int main(void)
{
	test_verdict();
	return tap_done();
}
