/* test_linpack_resid.c - HPL's scaled residual and matrix generator
 * (linpack/resid.h, header-only for this). */
#include <math.h>
#include <stdlib.h>

#include "../../linpack/resid.h"
#include "tap.h"

int main(void)
{
	/* the formula on a known system: A = [[2, 1], [1, 3]], b = [3, 5],
	 * exact x = [0.8, 1.4]; a perturbed x gives a residual we can work
	 * out by hand */
	double a[4] = { 2, 1, 1, 3 };	/* column-major */
	double b[2] = { 3, 5 }, r[2], an, rn;
	double x[2] = { 0.8, 1.4 };
	double s = lp_resid_dense(a, 2, 2, x, b, r, &an, &rn);
	is_num(an, 4, 0, "||A||_oo = max row sum = 4");
	ok(s < 16 && rn <= 4 * LP_EPS * 5, "exact solution: residual at rounding level (%g)", s);
	double xp[2] = { 0.8 + 1e-12, 1.4 };	/* Ax - b = [2e-12, 1e-12] */
	s = lp_resid_dense(a, 2, 2, xp, b, r, &an, &rn);
	is_num(rn, 2e-12, 1e-24 + 1e-15, "||Ax - b||_oo of the perturbed x");
	double want = 2e-12 / (0x1p-53 * (4 * 1.4 + 5) * 2);
	is_num(s, want, want * 1e-3, "scaled residual = r / (eps (|A||x| + |b|) n)");
	ok(s > LP_RESID_THRESHOLD, "a 1e-12 error in a 2x2 system fails HPL's threshold (%g)", s);
	is_num(LP_EPS, 0x1p-53, 0, "eps is HPL's unit roundoff 2^-53");
	is_num(lp_scaled_residual(1, 1, 1, 0, 1), 0x1p53, 0, "formula by hand");

	/* NaN anywhere must fail, not pass by being skipped */
	double xn[2] = { NAN, 1 };
	s = lp_resid_dense(a, 2, 2, xn, b, r, &an, &rn);
	ok(!(s < LP_RESID_THRESHOLD), "a NaN solution is not below the threshold");

	/* generator: range, determinism, no obvious correlation */
	double lo = 1, hi = -1, sum = 0;
	int n = 1000000, same = 1;
	for (int i = 0; i < n; i++) {
		double v = lp_rand(7, (uint64_t)i);
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		sum += v;
		same &= v == lp_rand(7, (uint64_t)i);
	}
	ok(lo >= -0.5 && hi < 0.5 && lo < -0.499 && hi > 0.499, "uniform in [-0.5, 0.5): %g..%g", lo, hi);
	ok(fabs(sum / n) < 0.003, "mean near 0 (%g)", sum / n);
	ok(same, "deterministic");
	ok(lp_a(1, 100, 3, 4) == lp_rand(1, 403) && lp_b(1, 3) != lp_rand(1, 3),
	   "A is column-major by index, b is another stream");

	/* a random 200x200 system solved by Gaussian elimination here:
	 * the residual is far below 16, and it grows past 16 when x is
	 * perturbed by 1e-6 */
	int m = 200;
	double *A = malloc(sizeof *A * m * m), *L = malloc(sizeof *L * m * m);
	double *B = malloc(sizeof *B * m), *X = malloc(sizeof *X * m), *R = malloc(sizeof *R * m);
	for (int j = 0; j < m; j++)
		for (int i = 0; i < m; i++)
			A[j * m + i] = L[j * m + i] = lp_a(3, (uint64_t)m, (uint64_t)i, (uint64_t)j);
	for (int i = 0; i < m; i++)
		B[i] = X[i] = lp_b(3, (uint64_t)i);
	for (int k = 0; k < m; k++) {	/* partial pivoting, row swaps in L and X */
		int p = k;
		for (int i = k + 1; i < m; i++)
			if (fabs(L[k * m + i]) > fabs(L[k * m + p]))
				p = i;
		for (int j = 0; j < m; j++) {
			double t = L[j * m + k];
			L[j * m + k] = L[j * m + p];
			L[j * m + p] = t;
		}
		double t = X[k];
		X[k] = X[p];
		X[p] = t;
		for (int i = k + 1; i < m; i++) {
			double l = L[k * m + i] / L[k * m + k];
			for (int j = k; j < m; j++)
				L[j * m + i] -= l * L[j * m + k];
			X[i] -= l * X[k];
		}
	}
	for (int i = m - 1; i >= 0; i--) {
		for (int j = i + 1; j < m; j++)
			X[i] -= L[j * m + i] * X[j];
		X[i] /= L[i * m + i];
	}
	s = lp_resid_dense(A, m, m, X, B, R, &an, &rn);
	ok(s < 1, "200x200 Gaussian elimination: scaled residual %g < 1", s);
	X[m / 2] += 1e-6;
	s = lp_resid_dense(A, m, m, X, B, R, &an, &rn);
	ok(s > LP_RESID_THRESHOLD, "x off by 1e-6 in one entry: %g > 16", s);
	free(A), free(L), free(B), free(X), free(R);
	return tap_done();
}
