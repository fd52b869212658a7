/* kern_base.c - the STREAM kernels for the x86-64 baseline (SSE2, xmm,
 * 16 bytes a vector): what runs on a guest whose CPU model hides AVX.
 * Same shape as kern_avx512.c (see there for the loop and the stores);
 * no FMA here, so triad is a multiply and an add, as in stream.c. */
#include <immintrin.h>

#include "stream.h"

#define TGT __attribute__((always_inline)) static inline
#define FN static
#define W 2		/* doubles per vector */

TGT void put(double *p, __m128d v, int nt)
{
	if (nt)
		_mm_stream_pd(p, v);
	else
		_mm_store_pd(p, v);
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
		__m128d v0 = _mm_load_pd(x + i), v1 = _mm_load_pd(x + i + W);
		__m128d v2 = _mm_load_pd(x + i + 2 * W), v3 = _mm_load_pd(x + i + 3 * W);
		put(d + i, v0, nt);
		put(d + i + W, v1, nt);
		put(d + i + 2 * W, v2, nt);
		put(d + i + 3 * W, v3, nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm_load_pd(x + i), nt);
	for (; i < n; i++)
		d[i] = x[i];
	fence(nt);
}

TGT void scale_k(double *restrict d, const double *restrict x, double q, size_t n, int nt)
{
	__m128d vq = _mm_set1_pd(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		__m128d v0 = _mm_load_pd(x + i), v1 = _mm_load_pd(x + i + W);
		__m128d v2 = _mm_load_pd(x + i + 2 * W), v3 = _mm_load_pd(x + i + 3 * W);
		put(d + i, _mm_mul_pd(vq, v0), nt);
		put(d + i + W, _mm_mul_pd(vq, v1), nt);
		put(d + i + 2 * W, _mm_mul_pd(vq, v2), nt);
		put(d + i + 3 * W, _mm_mul_pd(vq, v3), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm_mul_pd(vq, _mm_load_pd(x + i)), nt);
	for (; i < n; i++)
		d[i] = q * x[i];
	fence(nt);
}

TGT void add_k(double *restrict d, const double *restrict x, const double *restrict y, size_t n,
	       int nt)
{
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, _mm_add_pd(_mm_load_pd(x + i), _mm_load_pd(y + i)), nt);
		put(d + i + W, _mm_add_pd(_mm_load_pd(x + i + W), _mm_load_pd(y + i + W)), nt);
		put(d + i + 2 * W, _mm_add_pd(_mm_load_pd(x + i + 2 * W),
						 _mm_load_pd(y + i + 2 * W)), nt);
		put(d + i + 3 * W, _mm_add_pd(_mm_load_pd(x + i + 3 * W),
						 _mm_load_pd(y + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm_add_pd(_mm_load_pd(x + i), _mm_load_pd(y + i)), nt);
	for (; i < n; i++)
		d[i] = x[i] + y[i];
	fence(nt);
}

TGT void triad_k(double *restrict d, const double *restrict x, const double *restrict y,
		 double q, size_t n, int nt)
{
	__m128d vq = _mm_set1_pd(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, _mm_add_pd(_mm_load_pd(x + i), _mm_mul_pd(vq, _mm_load_pd(y + i))), nt);
		put(d + i + W, _mm_add_pd(_mm_load_pd(x + i + W),
						   _mm_mul_pd(vq, _mm_load_pd(y + i + W))), nt);
		put(d + i + 2 * W, _mm_add_pd(_mm_load_pd(x + i + 2 * W),
						   _mm_mul_pd(vq, _mm_load_pd(y + i + 2 * W))), nt);
		put(d + i + 3 * W, _mm_add_pd(_mm_load_pd(x + i + 3 * W),
						   _mm_mul_pd(vq, _mm_load_pd(y + i + 3 * W))), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm_add_pd(_mm_load_pd(x + i), _mm_mul_pd(vq, _mm_load_pd(y + i))), nt);
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

const st_kernels st_kernels_baseline[2] = {
	{ "baseline", 0, copy_t, scale_t, add_t, triad_t },
	{ "baseline", 1, copy_n, scale_n, add_n, triad_n },
};
