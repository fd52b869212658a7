/* blas.h - the few OpenBLAS and LAPACK entry points gb-linpack calls.
 * Declared here rather than taken from cblas.h/lapack.h: the Fortran
 * LAPACK symbols have no header in libopenblas-dev, and this keeps the
 * exact signatures we rely on in one place. */
#ifndef LP_BLAS_H
#define LP_BLAS_H

char *openblas_get_corename(void);
char *openblas_get_config(void);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);

/* column-major C = alpha A B + beta C, no transposes (CBLAS enum values) */
#define LP_COLMAJOR 102
#define LP_NOTRANS 111
void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *a,
		 int lda, const double *b, int ldb, double beta, double *c, int ldc);

/* LAPACK (Fortran calling convention): LU with partial pivoting, solve */
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda,
	     const int *ipiv, double *b, const int *ldb, int *info, size_t trans_len);

#endif
