/* run.c - the team at work: a static partition of the arrays, first
 * touch, one kernel at a time across all threads, and the check.
 *
 * Every phase uses the same st_chunk() split, so a thread reads and
 * writes only the pages it touched first: with --numa local those pages
 * sit on its own node (NUMA-correct), and no cache line is shared
 * between two threads. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "stream.h"
#include "util.h"

const char *const st_kernel_names[ST_NKERNELS] = { "copy", "scale", "add", "triad" };

/* STREAM's byte counts: copy and scale read one array and write one,
 * add and triad read two; the write-allocate read of the destination is
 * not counted (it is what non-temporal stores avoid). */
const unsigned st_kernel_bytes[ST_NKERNELS] = { 16, 16, 24, 24 };

const st_kernels *st_kernels_pick(gb_isa_level best, int nt)
{
	nt = !!nt;
	if (best >= GB_ISA_AVX512)
		return &st_kernels_avx512[nt];
	if (best >= GB_ISA_AVX2)
		return &st_kernels_avx2[nt];
	return &st_kernels_baseline[nt];
}

void st_chunk(const st_arrays *ar, int tid, int nthreads, size_t *lo, size_t *hi)
{
	size_t units = (ar->n + ar->granule - 1) / ar->granule;
	size_t u0 = units * (size_t)tid / (size_t)nthreads;
	size_t u1 = units * (size_t)(tid + 1) / (size_t)nthreads;

	*lo = u0 * ar->granule < ar->n ? u0 * ar->granule : ar->n;
	*hi = u1 * ar->granule < ar->n ? u1 * ar->granule : ar->n;
}

/* ------------------------------------------------------------ init -- */

static void init_fn(int tid, int nthreads, void *arg)
{
	st_arrays *ar = arg;
	size_t lo, hi;

	st_chunk(ar, tid, nthreads, &lo, &hi);
	/* STREAM sets a=1, b=2, c=0 and then doubles a while it measures
	 * the clock's granularity: start from that state directly */
	for (size_t i = lo; i < hi; i++) {
		ar->a[i] = 2.0;
		ar->b[i] = 2.0;
		ar->c[i] = 0.0;
	}
}

void st_init(st_arrays *ar)
{
	gb_team_run(ar->team, init_fn, ar);
}

/* --------------------------------------------------------- kernels -- */

struct kernel_arg {
	st_arrays *ar;
	const st_kernels *k;
	int kernel;
};

static void kernel_fn(int tid, int nthreads, void *p)
{
	struct kernel_arg *ka = p;
	st_arrays *ar = ka->ar;
	size_t lo, hi;

	st_chunk(ar, tid, nthreads, &lo, &hi);
	if (hi <= lo)
		return;
	/* the order and operands of McCalpin's stream.c */
	switch (ka->kernel) {
	case ST_COPY:
		ka->k->copy(ar->c + lo, ar->a + lo, hi - lo);
		break;
	case ST_SCALE:
		ka->k->scale(ar->b + lo, ar->c + lo, ST_SCALAR, hi - lo);
		break;
	case ST_ADD:
		ka->k->add(ar->c + lo, ar->a + lo, ar->b + lo, hi - lo);
		break;
	case ST_TRIAD:
		ka->k->triad(ar->a + lo, ar->b + lo, ar->c + lo, ST_SCALAR, hi - lo);
		break;
	}
}

/*
 * The time of one kernel is the time from starting the team to the last
 * thread finishing, read on the calling thread, which is member 0 and
 * works too: what stream.c's OpenMP "parallel for" and its implied
 * barrier measure.
 */
uint64_t st_run_kernel(st_arrays *ar, const st_kernels *k, int kernel)
{
	struct kernel_arg ka = { ar, k, kernel };
	uint64_t t0 = gb_now_ns();

	gb_team_run(ar->team, kernel_fn, &ka);
	return gb_now_ns() - t0;
}

/* ---------------------------------------------------------- check -- */

/* Per-thread partial results, a cache line or more each. */
struct part {
	double err[3];
	uint64_t bad[3];
	size_t first_bad[3];
	char pad[64];
};

struct check_arg {
	st_arrays *ar;
	const double *expect;
	struct part *parts;
};

static void check_fn(int tid, int nthreads, void *p)
{
	struct check_arg *ca = p;
	st_arrays *ar = ca->ar;
	const double *arrays[3] = { ar->a, ar->b, ar->c };
	struct part *pt = &ca->parts[tid];
	size_t lo, hi;

	st_chunk(ar, tid, nthreads, &lo, &hi);
	for (int k = 0; k < 3; k++) {
		double e = ca->expect[k], sum = 0;
		const double *x = arrays[k];
		pt->first_bad[k] = SIZE_MAX;
		for (size_t i = lo; i < hi; i++) {
			double d = fabs(x[i] - e);
			sum += d;
			/* written so that a NaN counts as wrong */
			if (!(d <= ST_EPSILON * fabs(e))) {
				if (!pt->bad[k]++)
					pt->first_bad[k] = i;
			}
		}
		pt->err[k] = sum;
	}
}

/*
 * STREAM's rule: replay the iterations on scalars to get the value every
 * element of a, b and c must hold, then require the average absolute
 * error over each array, relative to that value, to be at most 1e-13
 * (double precision).  A single element that is wrong by any relative
 * amount above 1e-13 fails too: stream.c only reports those, and an
 * average over 10^8 elements would hide one.
 */
int st_validate(st_arrays *ar, long iters, st_check *out)
{
	double a = 2.0, b = 2.0, c = 0.0;
	int nt = gb_team_size(ar->team), bad = 0;
	struct part *parts = gb_xcalloc((size_t)nt, sizeof *parts);
	struct check_arg ca = { ar, out->expect, parts };

	for (long k = 0; k < iters; k++) {
		c = a;
		b = ST_SCALAR * c;
		c = a + b;
		a = b + ST_SCALAR * c;
	}
	out->expect[0] = a;
	out->expect[1] = b;
	out->expect[2] = c;
	gb_team_run(ar->team, check_fn, &ca);

	for (int k = 0; k < 3; k++) {
		double sum = 0;
		out->bad[k] = 0;
		out->first_bad[k] = SIZE_MAX;
		for (int t = 0; t < nt; t++) {
			sum += parts[t].err[k];
			out->bad[k] += parts[t].bad[k];
			if (parts[t].first_bad[k] < out->first_bad[k])
				out->first_bad[k] = parts[t].first_bad[k];
		}
		out->avg_rel_err[k] = sum / (double)ar->n / fabs(out->expect[k]);
		if (!(out->avg_rel_err[k] <= ST_EPSILON) || out->bad[k])
			bad = 1;
	}
	free(parts);
	return bad ? -1 : 0;
}
