/* hpl.c - HPL's problem on OpenBLAS: a random A and b, LU with partial
 * pivoting (dgetrf), solve (dgetrs), the scaled residual.
 *
 * Only the factor and the solve are timed, as in HPL.  Generation and the
 * residual run on our own threads (one per CPU used), over columns for the
 * generation - each thread first-touches the columns it writes, which is
 * what places them under --numa - and over rows for the residual, which
 * regenerates A (resid.h) because A's memory now holds L and U. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "blas.h"
#include "clock.h"
#include "linpack.h"
#include "resid.h"

struct job {
	double *a, *x, *r, *s;
	int n, tid, nt, singular;
	uint64_t seed;
};

static void range(int n, int tid, int nt, int *lo, int *hi)
{
	*lo = (int)((long long)n * tid / nt);
	*hi = (int)((long long)n * (tid + 1) / nt);
}

static void *gen_cols(void *p)
{
	const struct job *jb = p;
	uint64_t n = (uint64_t)jb->n;
	int j0, j1;
	range(jb->n, jb->tid, jb->nt, &j0, &j1);
	for (uint64_t j = (uint64_t)j0; j < (uint64_t)j1; j++) {
		double *col = jb->a + j * n;
		for (uint64_t i = 0; i < n; i++)
			col[i] = lp_a(jb->seed, n, i, j);
		/* test hook: a zero row stays exactly zero through every
		 * elimination step (its multipliers are 0), so U(n,n) = 0
		 * and dgetrf must report it */
		if (jb->singular)
			col[n / 2] = 0;
	}
	return NULL;
}

/* r[i] = sum_j a_ij x_j, s[i] = sum_j |a_ij| for this thread's rows */
static void *resid_rows(void *p)
{
	const struct job *jb = p;
	uint64_t n = (uint64_t)jb->n;
	int i0, i1;
	range(jb->n, jb->tid, jb->nt, &i0, &i1);
	for (int i = i0; i < i1; i++)
		jb->r[i] = jb->s[i] = 0;
	for (uint64_t j = 0; j < n; j++) {
		double xj = jb->x[j];
		for (uint64_t i = (uint64_t)i0; i < (uint64_t)i1; i++) {
			double v = lp_a(jb->seed, n, i, j);
			jb->r[i] += v * xj;
			jb->s[i] += fabs(v);
		}
	}
	return NULL;
}

/* Run fn on nt threads (the caller is one of them).  A thread that cannot
 * be created has its share run by the caller: slower, same result. */
static void parallel(void *(*fn)(void *), struct job *proto, int nt)
{
	struct job jobs[256];
	pthread_t th[256];
	int ok[256];
	if (nt > 256)
		nt = 256;
	if (nt < 1)
		nt = 1;
	for (int t = 0; t < nt; t++) {
		jobs[t] = *proto;
		jobs[t].tid = t;
		jobs[t].nt = nt;
	}
	for (int t = 1; t < nt; t++)
		ok[t] = pthread_create(&th[t], NULL, fn, &jobs[t]) == 0;
	fn(&jobs[0]);
	for (int t = 1; t < nt; t++) {
		if (ok[t])
			pthread_join(th[t], NULL);
		else
			fn(&jobs[t]);
	}
}

void lp_hpl_run(double *a, double *x, int *ipiv, int n, int threads, uint64_t seed, int singular,
		void (*tick)(const char *phase), lp_run *out)
{
	struct job jb = { .a = a, .x = x, .n = n, .seed = seed, .singular = singular };
	out->resid = out->a_norm = out->x_norm = out->b_norm = out->r_norm = NAN;
	out->solve_s = NAN;

	if (tick)
		tick("generate");
	uint64_t t0 = gb_now_ns();
	parallel(gen_cols, &jb, threads);
	for (int i = 0; i < n; i++)
		x[i] = lp_b(seed, (uint64_t)i);
	uint64_t t1 = gb_now_ns();
	out->gen_s = (double)(t1 - t0) * 1e-9;

	if (tick)
		tick("factor");
	int info = 0, one = 1;
	t0 = gb_now_ns();
	dgetrf_(&n, &n, a, &n, ipiv, &info);
	t1 = gb_now_ns();
	out->factor_s = (double)(t1 - t0) * 1e-9;
	out->info = info;
	if (info != 0)
		return;	/* singular (info > 0) or a bad argument (< 0): no solve */

	if (tick)
		tick("solve");
	t0 = gb_now_ns();
	dgetrs_("N", &n, &one, a, &n, ipiv, x, &n, &info, 1);
	t1 = gb_now_ns();
	out->solve_s = (double)(t1 - t0) * 1e-9;
	if (info != 0) {
		out->info = info;
		return;
	}

	if (tick)
		tick("check");
	double *r = malloc(2 * (size_t)n * sizeof *r);
	if (!r)
		return;	/* resid stays NaN: the caller reports it */
	jb.x = x;
	jb.r = r;
	jb.s = r + n;
	parallel(resid_rows, &jb, threads);
	double an = 0, bn = 0;
	for (int i = 0; i < n; i++) {
		double b = lp_b(seed, (uint64_t)i);
		r[i] -= b;
		bn = fmax(bn, fabs(b));
		an = fmax(an, jb.s[i]);
	}
	out->a_norm = an;
	out->b_norm = bn;
	out->x_norm = lp_norm_inf(x, n);
	out->r_norm = lp_norm_inf(r, n);
	out->resid = lp_scaled_residual(out->r_norm, an, out->x_norm, bn, n);
	free(r);
}
