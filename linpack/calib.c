/* calib.c - dgemm, the kernel LU spends its time in: its best rate is the
 * machine's practical peak (reported next to the HPL figure, so a VM that
 * hides AVX-512 shows as a low peak, not as a bad LU), and a short run of
 * it estimates how large an N fits --time-limit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "blas.h"
#include "clock.h"
#include "linpack.h"
#include "resid.h"

int lp_dgemm_measure(int n, int reps, lp_dgemm *out, char *err, size_t errlen)
{
	size_t nn = (size_t)n * (size_t)n;
	uint64_t start = gb_now_ns();
	double *a = malloc(3 * nn * sizeof *a);
	if (!a) {
		snprintf(err, errlen, "dgemm: cannot allocate 3 matrices of order %d", n);
		return -1;
	}
	double *b = a + nn, *c = b + nn;
	for (size_t i = 0; i < nn; i++) {
		a[i] = lp_rand(1, i);
		b[i] = lp_rand(2, i);
	}
	if (reps > 16)
		reps = 16;
	out->n = n;
	out->nsamples = 0;
	out->best = 0;
	/* the first call is not timed: it pays OpenBLAS's buffer set-up and
	 * the page faults of C */
	for (int k = -1; k < reps; k++) {
		uint64_t t0 = gb_now_ns();
		cblas_dgemm(LP_COLMAJOR, LP_NOTRANS, LP_NOTRANS, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
		uint64_t t1 = gb_now_ns();
		if (k < 0)
			continue;
		double g = 2.0 * n * n * (double)n / (double)(t1 - t0 ? t1 - t0 : 1);
		out->samples[out->nsamples++] = g;
		out->best = fmax(out->best, g);
	}
	/* a few entries against a plain dot product: wrong kernels (a core
	 * type the CPU only pretends to support) must not pass as fast */
	for (int k = 0; k < 16; k++) {
		int i = (int)((uint64_t)(k * 7919 + 13) % (uint64_t)n);
		int j = (int)((uint64_t)(k * 104729 + 5) % (uint64_t)n);
		double s = 0, m = 0;
		for (int l = 0; l < n; l++) {
			s += a[(size_t)l * n + i] * b[(size_t)j * n + l];
			m += fabs(a[(size_t)l * n + i] * b[(size_t)j * n + l]);
		}
		double got = c[(size_t)j * n + i];
		if (!(fabs(got - s) <= 4.0 * n * LP_EPS * m + 1e-300)) {
			snprintf(err, errlen, "dgemm: C(%d,%d) = %.17g, a dot product gives %.17g", i, j,
				 got, s);
			free(a);
			return -1;
		}
	}
	free(a);
	out->seconds = (double)(gb_now_ns() - start) * 1e-9;
	return 0;
}
