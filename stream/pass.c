/* pass.c - one STREAM pass: warm-up and timed iterations of the four
 * kernels with one kind of store, then the check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fault.h"
#include "parse.h"
#include "pass.h"
#include "util.h"

/*
 * Each iteration multiplies a by 15 (c=a, b=3c, c=a+b, a=b+3c): after
 * ~260 iterations the values leave the range of a double.  Past this
 * many, the arrays are checked and set back to the start (untimed), so
 * any --repeat validates.
 */
#define EPOCH 64

/*
 * Test-only fault: GB_FAULT=stream.corrupt=<a|b|c>[:<relative error>] changes one
 * element of that array before each check (by a factor 1 + error,
 * default 1: doubled), so tests can see the check fail.  A small error
 * (1e-9) on one element is what STREAM's average alone would let pass.
 */
static void test_corrupt(st_arrays *ar)
{
	const char *h = gb_fault("corrupt");
	double rel = 1.0;

	if (!h || !*h || !strchr("abc", h[0]) || (h[1] && h[1] != ':'))
		return;
	if (h[1] == ':' && gb_parse_double(h + 2, &rel) < 0)
		return;
	double *x = h[0] == 'a' ? ar->a : h[0] == 'b' ? ar->b : ar->c;
	x[ar->n / 2] *= 1.0 + rel;
}

static int check(gb_report *r, st_arrays *ar, long iters, const char *what)
{
	static const char names[3] = { 'a', 'b', 'c' };
	st_check ck;

	test_corrupt(ar);
	if (st_validate(ar, iters, &ck) == 0) {
		gb_info("%s: valid after %ld iterations (a=%g b=%g c=%g)", what, iters,
			ck.expect[0], ck.expect[1], ck.expect[2]);
		return 0;
	}
	for (int k = 0; k < 3; k++) {
		if (ck.avg_rel_err[k] <= ST_EPSILON && !ck.bad[k])
			continue;
		gb_report_fail(r, "%s: array %c fails STREAM's check after %ld iterations: expected "
			       "%.17g, average relative error %.3g (limit %g), %llu of %zu elements "
			       "wrong, the first at index %zu", what, names[k], iters, ck.expect[k],
			       ck.avg_rel_err[k], ST_EPSILON, (unsigned long long)ck.bad[k], ar->n,
			       ck.first_bad[k]);
	}
	return -1;
}

void st_pass(gb_report *r, st_arrays *ar, const st_kernels *k, const st_pass_cfg *pc)
{
	int total = pc->warmup + pc->repeat, kept = 0;
	double *rate[ST_NKERNELS], tmin[ST_NKERNELS], tmax[ST_NKERNELS], tsum[ST_NKERNELS];
	char what[160];
	long since_init = 0;
	int truncated = 0, valid = 1;
	uint64_t t0 = gb_now_ns();

	snprintf(what, sizeof what, "%s stores, numa %s", k->nt ? "non-temporal" : "temporal",
		 pc->numa);
	for (int j = 0; j < ST_NKERNELS; j++) {
		rate[j] = gb_xcalloc((size_t)pc->repeat, sizeof **rate);
		tmin[j] = INFINITY;
		tmax[j] = tsum[j] = 0;
	}
	st_init(ar);
	for (int it = 0; it < total; it++) {
		/* --time-limit: the warm-up goes first, then the samples,
		 * but one sample is always kept */
		if (pc->limit_ns && gb_now_ns() - t0 > pc->limit_ns) {
			if (it < pc->warmup)
				it = pc->warmup;
			else if (kept >= 1) {
				truncated = 1;
				break;
			}
		}
		gb_progress("stream: %s, iteration %d of %d", what, it + 1, total);
		/* STREAM's order; the first --warmup iterations are run and
		 * checked but not timed into the result (stream.c skips k=0) */
		for (int j = 0; j < ST_NKERNELS; j++) {
			uint64_t ns = st_run_kernel(ar, k, j);
			if (it < pc->warmup)
				continue;
			double s = (double)ns * 1e-9;
			double bytes = (double)st_kernel_bytes[j] * (double)ar->n;
			/* MB/s = 10^6 bytes per second, as STREAM prints */
			rate[j][kept] = s > 0 ? bytes / s * 1e-6 : INFINITY;
			tsum[j] += s;
			tmin[j] = s < tmin[j] ? s : tmin[j];
			tmax[j] = s > tmax[j] ? s : tmax[j];
		}
		if (it >= pc->warmup)
			kept++;
		if (++since_init == EPOCH) {
			valid &= check(r, ar, since_init, what) == 0;
			st_init(ar);
			since_init = 0;
		}
	}
	if (since_init)
		valid &= check(r, ar, since_init, what) == 0;
	if (truncated)
		gb_report_warn(r, "%s: --time-limit cut the samples to %d", what, kept);

	for (int j = 0; j < ST_NKERNELS && kept; j++) {
		char name[64];
		snprintf(name, sizeof name, "%s%s%s", st_kernel_names[j], k->nt ? "_nt" : "",
			 pc->suffix);
		gb_metric *m = gb_report_metric(r, name, "MB/s", GB_HIGHER, rate[j], (size_t)kept);
		/* STREAM's headline is the best rate (shortest time) */
		gb_kv_num(&m->extra, "best", m->st.max);
		gb_kv_num(&m->extra, "min_time_s", tmin[j]);
		gb_kv_num(&m->extra, "avg_time_s", tsum[j] / kept);
		gb_kv_num(&m->extra, "max_time_s", tmax[j]);
		gb_kv_int(&m->extra, "bytes_per_run", (long long)(st_kernel_bytes[j] * ar->n));
		gb_kv_str(&m->extra, "stores", k->nt ? "non-temporal" : "temporal");
		gb_kv_str(&m->extra, "numa", pc->numa);
		gb_kv_bool(&m->extra, "validated", valid);
		gb_metric_note(m, "best %.1f MB/s", m->st.max);
		/* STREAM's timing rule: a kernel lasts at least 20 clock ticks */
		if (tmin[j] * 1e9 < 20 * pc->tick_ns)
			gb_report_warn(r, "%s: the shortest run took %.3g us, under 20 clock ticks "
				       "(%.3g us): use a larger --size", name, tmin[j] * 1e6,
				       20 * pc->tick_ns * 1e-3);
	}
	for (int j = 0; j < ST_NKERNELS; j++)
		free(rate[j]);
}
