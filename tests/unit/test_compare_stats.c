/* test_compare_stats - gb-compare's design and verdicts with known answers
 * (issue 17): launches summarised by their means; launches paired by round
 * find a 5 % effect that round-to-round drift hides from the unpaired
 * test; an A/A comparison under drift says neither faster nor slower;
 * equivalence exactly at the margin's edge; one launch per side; too few
 * launches; within- and between-launch spread.  The t quantiles used as
 * known answers are published constants, not the code under test.  The
 * tests and intervals themselves are common/stats.c's (test_stats.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../compare/compare.h"
#include "tap.h"

#define MAXL 16
#define T975_3 3.182446305284263	/* t_{0.975} with 3 df */
#define T975_5 2.570581835636314	/* with 5 df */

/* One side of a pair: k launches of one metric, each with three samples
 * m(1 - s), m, m(1 + s) (so its mean is m), in round rounds[i]. */
typedef struct side {
	cmp_run run[MAXL];
	cmp_metric m[MAXL];
	double samples[MAXL][3];
	const cmp_run *rp[MAXL];
	const cmp_metric *mp[MAXL];
	cmp_series ser;
} side;

static void fill(side *x, size_t k, const double *means, const long *rounds, double s, int lower)
{
	memset(x, 0, sizeof *x);
	for (size_t i = 0; i < k; i++) {
		double m = means[i];
		x->samples[i][0] = m * (1 - s);
		x->samples[i][1] = m;
		x->samples[i][2] = m * (1 + s);
		x->m[i] = (cmp_metric){ "m", "ns", lower, x->samples[i], 3, m, m };
		x->run[i].bench = "b";
		x->run[i].round = rounds ? rounds[i] : -1;
		x->run[i].launch = i;
		x->rp[i] = &x->run[i];
		x->mp[i] = &x->m[i];
	}
	x->ser = (cmp_series){ "b", "m", x->rp, x->mp, k, 0 };
}

/* Pair two sides as match.c does; the caller frees with cmp_pair_free. */
static cmp_pair pair(side *b, side *o, double margin)
{
	cmp_pair p;
	memset(&p, 0, sizeof p);
	p.b = b->ser.m[0];
	p.o = o->ser.m[0];
	p.brun = b->ser.run[0];
	p.orun = o->ser.run[0];
	cmp_estimate(&p, &b->ser, &o->ser, 0.05);
	cmp_decide(&p, 0.05, margin);
	return p;
}

static const long rounds6[] = { 1, 2, 3, 4, 5, 6 };
/* every round moves both environments alike by up to +-25 % */
static const double drift[] = { 0.80, 1.25, 0.90, 1.15, 1.00, 0.85 };
/* and each launch has its own small noise */
static const double noise[] = { 0.004, -0.003, 0.002, -0.004, 0.001, 0.0 };

static void test_paired_finds_hidden_effect(void)
{
	double b[6], o[6];
	for (int i = 0; i < 6; i++) {
		b[i] = 100 * drift[i];
		o[i] = 105 * drift[i] * (1 + noise[i]);
	}
	side sb, so;
	fill(&sb, 6, b, rounds6, 0.01, 1);
	fill(&so, 6, o, rounds6, 0.01, 1);
	cmp_pair p = pair(&sb, &so, 0.03);
	is_str(cmp_design_name(p.design), "paired by round", "campaign launches: paired by round");
	is_int((long long)p.npaired, 6, "six rounds paired");
	/* the answer by hand: log ratios log(1.05) + log(1 + e_i) */
	double d[6], mean = 0, ss = 0;
	for (int i = 0; i < 6; i++)
		mean += (d[i] = log(1.05 * (1 + noise[i]))) / 6;
	for (int i = 0; i < 6; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	double half = T975_5 * sqrt(ss / 5 / 6);
	is_num(p.ratio, exp(mean), 1e-12, "estimate: the geometric mean of the per-round ratios");
	is_num(p.ci_lo, exp(mean - half), 1e-9, "CI low: exp(mean - t(5) sd / sqrt 6)");
	is_num(p.ci_hi, exp(mean + half), 1e-9, "CI high");
	is_num(p.sd_log_ratio, sqrt(ss / 5), 1e-12, "the spread pairing leaves: SD of the log ratios");
	is_str(cmp_verdict_name(p.verdict), "slower", "paired: the 5 % effect is found (slower)");
	ok(p.lb.cv_between > 0.15 && p.lb.cv_within < 0.011, "the drift dominates: between-launch cv %.3f vs "
	   "within %.4f", p.lb.cv_between, p.lb.cv_within);
	cmp_pair_free(&p);

	/* the same launch means without rounds: the unpaired test sees the
	 * drift as noise and cannot tell */
	fill(&sb, 6, b, NULL, 0.01, 1);
	fill(&so, 6, o, NULL, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_str(cmp_design_name(p.design), "unpaired launches", "files by hand: unpaired launches");
	ok(p.ci_lo < 1 && p.ci_hi > 1.03, "unpaired: the interval [%.3f, %.3f] holds 1 and passes the margin",
	   p.ci_lo, p.ci_hi);
	is_str(cmp_verdict_name(p.verdict), "inconclusive", "unpaired: inconclusive under drift");
	double mb = 0, mo = 0;
	for (int i = 0; i < 6; i++)
		mb += b[i] / 6, mo += o[i] / 6;
	is_num(p.ratio, mo / mb, 1e-12, "unpaired estimate: ratio of the mean launch means");
	cmp_pair_free(&p);
}

static unsigned long long lcg = 42;
static double rnd(void)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(lcg >> 11) / 9007199254740992.0;
}

static void test_aa_with_drift(void)
{
	/* the example: the same environment twice, the drift above */
	double b[6], o[6];
	for (int i = 0; i < 6; i++) {
		b[i] = 100 * drift[i];
		o[i] = 100 * drift[i] * (1 + noise[i]);
	}
	side sb, so;
	fill(&sb, 6, b, rounds6, 0.01, 1);
	fill(&so, 6, o, rounds6, 0.01, 1);
	cmp_pair p = pair(&sb, &so, 0.03);
	is_str(cmp_verdict_name(p.verdict), "equivalent", "A/A under drift, paired: equivalent");
	cmp_pair_free(&p);
	fill(&sb, 6, b, NULL, 0.01, 1);
	fill(&so, 6, o, NULL, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_str(cmp_verdict_name(p.verdict), "inconclusive", "A/A under drift, unpaired: inconclusive, never a difference");
	cmp_pair_free(&p);

	/* 500 A/A campaigns of 6 rounds, drift up to +-20 % per round, with
	 * little noise per launch (+-1 %): equivalent; with much (+-6 %, the
	 * intervals wider than the margin): faster/slower at most as often
	 * as alpha allows, paired or not - 5 % of 500 is 25, and two binomial
	 * standard deviations (4.9 each) above that is 35 */
	for (int noisy = 0; noisy < 2; noisy++) {
		int claims_paired = 0, claims_unpaired = 0, equivalent = 0;
		double amp = noisy ? 0.12 : 0.02;
		for (int t = 0; t < 500; t++) {
			for (int i = 0; i < 6; i++) {
				double d = exp((rnd() - 0.5) * 0.4);
				b[i] = 100 * d * (1 + (rnd() - 0.5) * amp);
				o[i] = 100 * d * (1 + (rnd() - 0.5) * amp);
			}
			fill(&sb, 6, b, rounds6, 0.01, t % 2);
			fill(&so, 6, o, rounds6, 0.01, t % 2);
			p = pair(&sb, &so, 0.03);
			claims_paired += p.verdict == CMP_FASTER || p.verdict == CMP_SLOWER;
			equivalent += p.verdict == CMP_EQUIVALENT;
			cmp_pair_free(&p);
			fill(&sb, 6, b, NULL, 0.01, t % 2);
			fill(&so, 6, o, NULL, 0.01, t % 2);
			p = pair(&sb, &so, 0.03);
			claims_unpaired += p.verdict == CMP_FASTER || p.verdict == CMP_SLOWER;
			cmp_pair_free(&p);
		}
		const char *how = noisy ? "+-6 % noise" : "+-1 % noise";
		ok(claims_paired <= 35, "A/A %s, paired: %d of 500 faster/slower (alpha = 5 %%: 25 +- 5)", how,
		   claims_paired);
		ok(claims_unpaired <= 35, "A/A %s, unpaired: %d of 500 faster/slower", how, claims_unpaired);
		if (!noisy)
			ok(equivalent >= 450, "A/A %s, paired: %d of 500 equivalent within 3 %%", how, equivalent);
		else
			ok(equivalent <= 250, "A/A %s, paired: only %d of 500 equivalent (intervals wider than "
			   "the margin are not called equivalent)", how, equivalent);
	}
}

static void test_margin_edge(void)
{
	double m = 0.03, up = 1 + m, down = 1 / (1 + m);
	is_int(cmp_judge(CMP_DESIGN_PAIRED, down, up, 1, m), CMP_EQUIVALENT, "interval exactly [1/1.03, 1.03]: equivalent");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, down, nextafter(up, 2), 1, m), CMP_INCONCLUSIVE,
	       "one ulp beyond 1.03: inconclusive");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, nextafter(down, 0), up, 1, m), CMP_INCONCLUSIVE,
	       "one ulp below 1/1.03: inconclusive");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, 1.001, nextafter(up, 2), 1, m), CMP_SLOWER,
	       "above 1 and past the margin, lower is better: slower");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, 1.001, nextafter(up, 2), 0, m), CMP_FASTER,
	       "the same for a rate (higher is better): faster");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, 1.001, 1.02, 1, m), CMP_EQUIVALENT,
	       "a certain +1 % inside the margin: equivalent, not slower");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, 0.9, 0.99, 1, m), CMP_FASTER, "below 1 past the margin: faster");
	is_int(cmp_judge(CMP_DESIGN_UNPAIRED, NAN, NAN, 1, m), CMP_INCONCLUSIVE, "unbounded interval: inconclusive");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, 1, 1, 1, 0), CMP_EQUIVALENT, "margin 0: only an exact 1 is equivalent");
	is_int(cmp_judge(CMP_DESIGN_PAIRED, 0.9, 1.1, 1, 0.2), CMP_EQUIVALENT, "--margin 20: [0.9, 1.1] equivalent");

	/* through the data: four rounds whose log ratios are c -+ delta, so
	 * the upper end is exp(c + t(3) delta / sqrt 3); put it a hair inside
	 * and a hair outside 1.03 */
	const long r4[] = { 1, 2, 3, 4 };
	const double delta = 0.005, sgn[] = { -1, -1, 1, 1 };
	for (int out = 0; out < 2; out++) {
		double c = log(up) - T975_3 * delta / sqrt(3) + (out ? 1e-9 : -1e-9);
		double b[4], o[4];
		for (int i = 0; i < 4; i++) {
			b[i] = 100 * drift[i];
			o[i] = b[i] * exp(c + sgn[i] * delta);
		}
		side sb, so;
		fill(&sb, 4, b, r4, 0.01, 1);
		fill(&so, 4, o, r4, 0.01, 1);
		cmp_pair p = pair(&sb, &so, m);
		is_num(p.ci_hi, up, 2e-9, out ? "data: upper end 1.03 + 1e-9" : "data: upper end 1.03 - 1e-9");
		is_str(cmp_verdict_name(p.verdict), out ? "slower" : "equivalent",
		       out ? "a hair past the margin: slower (the interval excludes 1)" : "a hair inside: equivalent");
		cmp_pair_free(&p);
	}
}

static void test_one_each_and_too_few(void)
{
	const double b1[] = { 100 }, o1[] = { 150 }, o3[] = { 150, 151, 149 };
	side sb, so;
	fill(&sb, 1, b1, NULL, 0.01, 1);
	fill(&so, 1, o1, NULL, 0.01, 1);
	cmp_pair p = pair(&sb, &so, 0.03);
	is_str(cmp_verdict_name(p.verdict), "one run each: host drift not measured", "one launch per side");
	is_str(p.within, "slower", "within-run test kept for information: slower");
	ok(isfinite(p.ci_lo) && p.ci_lo > 1 && isfinite(p.welch.p) && p.welch.p < 0.05,
	   "the within-run Fieller interval [%.3f, %.3f] and Welch p %.2g are still there", p.ci_lo, p.ci_hi,
	   p.welch.p);
	ok(isnan(p.lb.cv_between) && fabs(p.lb.cv_within - 0.01) < 1e-12, "one launch: within cv 1 %%, no between");
	cmp_pair_free(&p);

	/* a single round of a campaign is one run each too */
	const long r1[] = { 1 };
	fill(&sb, 1, b1, r1, 0.01, 1);
	fill(&so, 1, o1, r1, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_int(p.verdict, CMP_ONE_EACH, "one round: one run each");
	cmp_pair_free(&p);

	fill(&sb, 1, b1, NULL, 0.01, 1);
	fill(&so, 3, o3, NULL, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_str(cmp_verdict_name(p.verdict), "too few launches", "1 launch vs 3: too few launches");
	ok(p.within == NULL, "and no within-run verdict");
	cmp_pair_free(&p);

	/* rounds that overlap in one round only: not paired; 2 launches a
	 * side is enough for the unpaired test */
	const long ra[] = { 1, 2 }, rb[] = { 2, 3 };
	const double b2[] = { 100, 101 }, o2[] = { 100, 102 };
	fill(&sb, 2, b2, ra, 0.01, 1);
	fill(&so, 2, o2, rb, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_str(cmp_design_name(p.design), "unpaired launches", "one common round: unpaired");
	cmp_pair_free(&p);
	fill(&sb, 1, b2, ra, 0.01, 1);
	fill(&so, 2, o2, ra, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_str(cmp_design_name(p.design), "too few launches", "1 vs 2 launches, one pair: too few");
	cmp_pair_free(&p);

	/* a launch mean that is not positive has no logarithm: unpaired */
	const double neg[] = { -1, 2, 3 }, pos[] = { 1, 2, 3 };
	fill(&sb, 3, neg, rounds6, 0.01, 1);
	fill(&so, 3, pos, rounds6, 0.01, 1);
	p = pair(&sb, &so, 0.03);
	is_str(cmp_design_name(p.design), "unpaired launches", "a negative launch mean: unpaired (no log)");
	cmp_pair_free(&p);
}

static void test_spread(void)
{
	const double m[] = { 90, 110 };
	side sb, so;
	fill(&sb, 2, m, NULL, 0.02, 1);
	fill(&so, 2, m, NULL, 0.02, 1);
	cmp_pair p = pair(&sb, &so, 0.03);
	/* between: SD of {90, 110} = sqrt(200) over the mean 100 */
	is_num(p.lb.cv_between, sqrt(200) / 100, 1e-12, "between-launch cv: SD of launch means / their mean");
	/* within: pooled variance of (0.02 m)^2 over 2 df each */
	is_num(p.lb.cv_within, 0.02 * sqrt((90.0 * 90 + 110.0 * 110) / 2) / 100, 1e-12,
	       "within-launch cv: pooled SD / grand mean");
	is_num(p.lb.median, 100, 1e-12, "median of the launch means");
	is_int((long long)p.lb.nsamples, 6, "samples counted over the launches");
	cmp_pair_free(&p);
}

int main(void)
{
	test_paired_finds_hidden_effect();
	test_aa_with_drift();
	test_margin_edge();
	test_one_each_and_too_few();
	test_spread();
	return tap_done();
}
