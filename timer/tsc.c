/* tsc.c - the TSC's rate, measured against CLOCK_MONOTONIC over the run.
 *
 * Programs that time with RDTSC (and the kernel, when its clocksource is
 * the TSC) assume a constant rate.  A mark is one RDTSC bracketed by two
 * clock reads (its time is the bracket's midpoint, its uncertainty the
 * bracket's width, so the narrowest of a few is kept); two marks seconds
 * apart give the rate, three give it for each half of the run, and a rate
 * that changed between the halves is a TSC that is not invariant here
 * (frequency scaling, or a migration between hosts). */
#include <math.h>
#include <x86intrin.h>

#include "clock.h"
#include "timer.h"

void tm_tsc_mark_take(tm_tsc_mark *m, int tries)
{
	m->width_ns = INT64_MAX;
	for (int i = 0; i < tries; i++) {
		uint64_t a = gb_now_ns();
		uint64_t t = __rdtsc();
		uint64_t b = gb_now_ns();
		if ((int64_t)(b - a) < m->width_ns) {
			m->width_ns = (int64_t)(b - a);
			m->tsc = t;
			m->ns = (int64_t)(a + (b - a) / 2);
		}
	}
}

double tm_tsc_rate(const tm_tsc_mark *a, const tm_tsc_mark *b)
{
	if (b->ns <= a->ns || b->tsc <= a->tsc)
		return 0;
	return (double)(b->tsc - a->tsc) * 1e9 / (double)(b->ns - a->ns);
}

double tm_ppm(double measured, double nominal)
{
	if (!(nominal > 0))
		return NAN;
	return (measured - nominal) / nominal * 1e6;
}
