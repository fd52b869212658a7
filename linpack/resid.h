/* resid.h - HPL's random matrix and its scaled residual, header-only so
 * the unit test checks exactly what the benchmark computes
 * (tests/unit/test_linpack_resid.c).
 *
 * The matrix entries are a pure function of (seed, index): any thread can
 * produce any entry, so generation is parallel yet the matrix does not
 * depend on the thread count, and the residual regenerates A instead of
 * keeping a copy (8 N^2 bytes saved; A's memory holds the LU factors). */
#ifndef LP_RESID_H
#define LP_RESID_H

#include <float.h>
#include <math.h>
#include <stdint.h>

/* HPL's eps is LAPACK's dlamch('E'): the unit roundoff 2^-53, half of
 * DBL_EPSILON.  HPL's threshold on the scaled residual is 16. */
#define LP_EPS (DBL_EPSILON / 2)
#define LP_RESID_THRESHOLD 16.0

/* Uniform in [-0.5, 0.5), like HPL's generator: splitmix64's finaliser on
 * a Weyl sequence (a hash of the index, not a stream), top 53 bits. */
static inline double lp_rand(uint64_t seed, uint64_t idx)
{
	uint64_t z = seed + (idx + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1p-53 - 0.5;
}

/* A's entry (i, j) of order n, and b's i-th: different streams. */
static inline double lp_a(uint64_t seed, uint64_t n, uint64_t i, uint64_t j)
{
	return lp_rand(seed, j * n + i);
}
static inline double lp_b(uint64_t seed, uint64_t i)
{
	return lp_rand(seed ^ 0x5851f42d4c957f2dull, i);
}

/* ||Ax-b||_oo / (eps (||A||_oo ||x||_oo + ||b||_oo) n) */
static inline double lp_scaled_residual(double r_norm, double a_norm, double x_norm, double b_norm,
					double n)
{
	return r_norm / (LP_EPS * (a_norm * x_norm + b_norm) * n);
}

/* The infinity norm of a vector; NaN if any entry is NaN (a NaN must not
 * pass a "< 16" test by being skipped by fmax). */
static inline double lp_norm_inf(const double *v, long n)
{
	double m = 0;
	for (long i = 0; i < n; i++) {
		if (isnan(v[i]))
			return NAN;
		m = fmax(m, fabs(v[i]));
	}
	return m;
}

/* Reference for a dense column-major A: the scaled residual and its parts.
 * r is scratch of n doubles. */
static inline double lp_resid_dense(const double *a, long lda, long n, const double *x,
				    const double *b, double *r, double *a_norm, double *r_norm)
{
	double an = 0;
	for (long i = 0; i < n; i++) {
		double s = 0, ri = -b[i];
		for (long j = 0; j < n; j++) {
			s += fabs(a[j * lda + i]);
			ri += a[j * lda + i] * x[j];
		}
		r[i] = ri;
		an = fmax(an, s);
	}
	*a_norm = an;
	*r_norm = lp_norm_inf(r, n);
	return lp_scaled_residual(*r_norm, an, lp_norm_inf(x, n), lp_norm_inf(b, n), (double)n);
}

#endif
