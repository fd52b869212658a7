/* kern_avx512.c - the STREAM kernels for AVX-512 (zmm, 64 bytes a vector).
 *
 * Compiled for the baseline like everything else; only these functions
 * carry target("avx512f"), and run.c calls them only when CPUID and XCR0
 * say the CPU and the OS allow it.  A loop iteration moves four vectors
 * (four cache lines) per array, which keeps enough loads in flight for
 * the hardware prefetchers without software prefetch.
 *
 * Non-temporal variants write with streaming stores (VMOVNTPD): no read
 * for ownership of the destination, so a kernel moves a third (copy,
 * scale) or a quarter (add, triad) fewer bytes over the memory bus than
 * it does with ordinary stores.  Streaming stores are weakly ordered: the
 * SFENCE at the end makes them visible before the team's barrier. */
#include <immintrin.h>

#include "stream.h"

#define TGT __attribute__((target("avx512f"), always_inline)) static inline
#define FN __attribute__((target("avx512f"))) static
#define W 8		/* doubles per vector */

TGT void put(double *p, __m512d v, int nt)
{
	if (nt)
		_mm512_stream_pd(p, v);
	else
		_mm512_store_pd(p, v);
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
		__m512d v0 = _mm512_load_pd(x + i), v1 = _mm512_load_pd(x + i + W);
		__m512d v2 = _mm512_load_pd(x + i + 2 * W), v3 = _mm512_load_pd(x + i + 3 * W);
		put(d + i, v0, nt);
		put(d + i + W, v1, nt);
		put(d + i + 2 * W, v2, nt);
		put(d + i + 3 * W, v3, nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm512_load_pd(x + i), nt);
	for (; i < n; i++)
		d[i] = x[i];
	fence(nt);
}

TGT void scale_k(double *restrict d, const double *restrict x, double q, size_t n, int nt)
{
	__m512d vq = _mm512_set1_pd(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		__m512d v0 = _mm512_load_pd(x + i), v1 = _mm512_load_pd(x + i + W);
		__m512d v2 = _mm512_load_pd(x + i + 2 * W), v3 = _mm512_load_pd(x + i + 3 * W);
		put(d + i, _mm512_mul_pd(vq, v0), nt);
		put(d + i + W, _mm512_mul_pd(vq, v1), nt);
		put(d + i + 2 * W, _mm512_mul_pd(vq, v2), nt);
		put(d + i + 3 * W, _mm512_mul_pd(vq, v3), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm512_mul_pd(vq, _mm512_load_pd(x + i)), nt);
	for (; i < n; i++)
		d[i] = q * x[i];
	fence(nt);
}

TGT void add_k(double *restrict d, const double *restrict x, const double *restrict y, size_t n,
	       int nt)
{
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, _mm512_add_pd(_mm512_load_pd(x + i), _mm512_load_pd(y + i)), nt);
		put(d + i + W, _mm512_add_pd(_mm512_load_pd(x + i + W), _mm512_load_pd(y + i + W)), nt);
		put(d + i + 2 * W, _mm512_add_pd(_mm512_load_pd(x + i + 2 * W),
						 _mm512_load_pd(y + i + 2 * W)), nt);
		put(d + i + 3 * W, _mm512_add_pd(_mm512_load_pd(x + i + 3 * W),
						 _mm512_load_pd(y + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm512_add_pd(_mm512_load_pd(x + i), _mm512_load_pd(y + i)), nt);
	for (; i < n; i++)
		d[i] = x[i] + y[i];
	fence(nt);
}

/* x + q*y as one FMA: a different rounding than STREAM's separate
 * multiply and add, far below the 1e-13 the check allows */
TGT void triad_k(double *restrict d, const double *restrict x, const double *restrict y,
		 double q, size_t n, int nt)
{
	__m512d vq = _mm512_set1_pd(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, _mm512_fmadd_pd(vq, _mm512_load_pd(y + i), _mm512_load_pd(x + i)), nt);
		put(d + i + W, _mm512_fmadd_pd(vq, _mm512_load_pd(y + i + W),
					       _mm512_load_pd(x + i + W)), nt);
		put(d + i + 2 * W, _mm512_fmadd_pd(vq, _mm512_load_pd(y + i + 2 * W),
						   _mm512_load_pd(x + i + 2 * W)), nt);
		put(d + i + 3 * W, _mm512_fmadd_pd(vq, _mm512_load_pd(y + i + 3 * W),
						   _mm512_load_pd(x + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, _mm512_fmadd_pd(vq, _mm512_load_pd(y + i), _mm512_load_pd(x + i)), nt);
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

const st_kernels st_kernels_avx512[2] = {
	{ "avx512", 0, copy_t, scale_t, add_t, triad_t },
	{ "avx512", 1, copy_n, scale_n, add_n, triad_n },
};
