/* kern_avx2.c - the STREAM kernels for AVX2 + FMA (ymm, 32 bytes a
 * vector), for CPUs (or guests) without AVX-512.  Same shape as
 * kern_avx512.c: see there for the loop and the streaming stores. */
#include <immintrin.h>

#include "stream.h"

#define TGT __attribute__((target("avx2,fma"), always_inline)) static inline
#define FN __attribute__((target("avx2,fma"))) static
#define W 4		/* doubles per vector */

TGT void put(double *p, __m256d v, int nt)
{
	if (nt)
		_mm256_stream_pd(p, v);
	else
		_mm256_store_pd(p, v);
}

TGT void fence(int nt)
{
	if (nt)
		_mm_sfence();
}

TGT void copy_k(double *restrict d, const double *restrict x, size_t n, int nt)
{
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		__m256d v0 = _mm256_load_pd(x + i), v1 = _mm256_load_pd(x + i + W);
		__m256d v2 = _mm256_load_pd(x + i + 2 * W), v3 = _mm256_load_pd(x + i + 3 * W);
		put(d + i, v0, nt);
		put(d + i + W, v1, nt);
		put(d + i + 2 * W, v2, nt);
		put(d + i + 3 * W, v3, nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm256_load_pd(x + i), nt);
	for (; i < n; i++)
		d[i] = x[i];
	fence(nt);
}

TGT void scale_k(double *restrict d, const double *restrict x, double q, size_t n, int nt)
{
	__m256d vq = _mm256_set1_pd(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		__m256d v0 = _mm256_load_pd(x + i), v1 = _mm256_load_pd(x + i + W);
		__m256d v2 = _mm256_load_pd(x + i + 2 * W), v3 = _mm256_load_pd(x + i + 3 * W);
		put(d + i, _mm256_mul_pd(vq, v0), nt);
		put(d + i + W, _mm256_mul_pd(vq, v1), nt);
		put(d + i + 2 * W, _mm256_mul_pd(vq, v2), nt);
		put(d + i + 3 * W, _mm256_mul_pd(vq, v3), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm256_mul_pd(vq, _mm256_load_pd(x + i)), nt);
	for (; i < n; i++)
		d[i] = q * x[i];
	fence(nt);
}

TGT void add_k(double *restrict d, const double *restrict x, const double *restrict y, size_t n,
	       int nt)
{
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, _mm256_add_pd(_mm256_load_pd(x + i), _mm256_load_pd(y + i)), nt);
		put(d + i + W, _mm256_add_pd(_mm256_load_pd(x + i + W), _mm256_load_pd(y + i + W)), nt);
		put(d + i + 2 * W, _mm256_add_pd(_mm256_load_pd(x + i + 2 * W),
						 _mm256_load_pd(y + i + 2 * W)), nt);
		put(d + i + 3 * W, _mm256_add_pd(_mm256_load_pd(x + i + 3 * W),
						 _mm256_load_pd(y + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm256_add_pd(_mm256_load_pd(x + i), _mm256_load_pd(y + i)), nt);
	for (; i < n; i++)
		d[i] = x[i] + y[i];
	fence(nt);
}

/* x + q*y as one FMA: a different rounding than STREAM's separate
 * multiply and add, far below the 1e-13 the check allows */
TGT void triad_k(double *restrict d, const double *restrict x, const double *restrict y,
		 double q, size_t n, int nt)
{
	__m256d vq = _mm256_set1_pd(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, _mm256_fmadd_pd(vq, _mm256_load_pd(y + i), _mm256_load_pd(x + i)), nt);
		put(d + i + W, _mm256_fmadd_pd(vq, _mm256_load_pd(y + i + W),
					       _mm256_load_pd(x + i + W)), nt);
		put(d + i + 2 * W, _mm256_fmadd_pd(vq, _mm256_load_pd(y + i + 2 * W),
						   _mm256_load_pd(x + i + 2 * W)), nt);
		put(d + i + 3 * W, _mm256_fmadd_pd(vq, _mm256_load_pd(y + i + 3 * W),
						   _mm256_load_pd(x + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm256_fmadd_pd(vq, _mm256_load_pd(y + i), _mm256_load_pd(x + i)), nt);
	for (; i < n; i++)
		d[i] = x[i] + q * y[i];
	fence(nt);
}

FN void copy_t(double *restrict d, const double *restrict x, size_t n) { copy_k(d, x, n, 0); }
FN void copy_n(double *restrict d, const double *restrict x, size_t n) { copy_k(d, x, n, 1); }
FN void scale_t(double *restrict d, const double *restrict x, double q, size_t n)
{
	scale_k(d, x, q, n, 0);
}
FN void scale_n(double *restrict d, const double *restrict x, double q, size_t n)
{
	scale_k(d, x, q, n, 1);
}
FN void add_t(double *restrict d, const double *restrict x, const double *restrict y, size_t n)
{
	add_k(d, x, y, n, 0);
}
FN void add_n(double *restrict d, const double *restrict x, const double *restrict y, size_t n)
{
	add_k(d, x, y, n, 1);
}
FN void triad_t(double *restrict d, const double *restrict x, const double *restrict y, double q,
		size_t n)
{
	triad_k(d, x, y, q, n, 0);
}
FN void triad_n(double *restrict d, const double *restrict x, const double *restrict y, double q,
		size_t n)
{
	triad_k(d, x, y, q, n, 1);
}

const st_kernels st_kernels_avx2[2] = {
	{ "avx2", 0, copy_t, scale_t, add_t, triad_t },
	{ "avx2", 1, copy_n, scale_n, add_n, triad_n },
};
