/* kern_body.h - the STREAM kernels, written once for every vector width.
 *
 * Included by kern_avx512.c, kern_avx2.c and kern_base.c, each of which
 * first defines the vector type and operations and the target attribute
 * (never a -march flag: the file is compiled for the baseline and only
 * these functions carry the target):
 *
 *   VEC W               vector type, doubles per vector
 *   VLOAD VSTORE VSTREAM VSET1 VMUL VADD   the intrinsics
 *   VFMA(q, y, x)       q*y + x (one FMA where the ISA has it)
 *   KERN_TARGET         the target attribute string
 *   KERN_NAME KERN_TABLE   the variant's name and its st_kernels table
 *
 * A loop iteration moves four vectors (four cache lines with AVX-512) per
 * array, which keeps enough loads in flight for the hardware prefetchers
 * without software prefetch.  Non-temporal variants write with streaming
 * stores (MOVNTPD): no read for ownership of the destination, so a kernel
 * moves a third (copy, scale) or a quarter (add, triad) fewer bytes over
 * the memory bus than it does with ordinary stores.  Streaming stores are
 * weakly ordered: the SFENCE at the end makes them visible before the
 * team's barrier. */
#include <immintrin.h>

#include "stream.h"

#define TGT __attribute__((target(KERN_TARGET), always_inline)) static inline
#define FN __attribute__((target(KERN_TARGET))) static

TGT void put(double *p, VEC v, int nt)
{
	if (nt)
		VSTREAM(p, v);
	else
		VSTORE(p, v);
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
		VEC v0 = VLOAD(x + i), v1 = VLOAD(x + i + W);
		VEC v2 = VLOAD(x + i + 2 * W), v3 = VLOAD(x + i + 3 * W);
		put(d + i, v0, nt);
		put(d + i + W, v1, nt);
		put(d + i + 2 * W, v2, nt);
		put(d + i + 3 * W, v3, nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, VLOAD(x + i), nt);
	for (; i < n; i++)
		d[i] = x[i];
	fence(nt);
}

TGT void scale_k(double *restrict d, const double *restrict x, double q, size_t n, int nt)
{
	VEC vq = VSET1(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		VEC v0 = VLOAD(x + i), v1 = VLOAD(x + i + W);
		VEC v2 = VLOAD(x + i + 2 * W), v3 = VLOAD(x + i + 3 * W);
		put(d + i, VMUL(vq, v0), nt);
		put(d + i + W, VMUL(vq, v1), nt);
		put(d + i + 2 * W, VMUL(vq, v2), nt);
		put(d + i + 3 * W, VMUL(vq, v3), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, VMUL(vq, VLOAD(x + i)), nt);
	for (; i < n; i++)
		d[i] = q * x[i];
	fence(nt);
}

TGT void add_k(double *restrict d, const double *restrict x, const double *restrict y, size_t n,
	       int nt)
{
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, VADD(VLOAD(x + i), VLOAD(y + i)), nt);
		put(d + i + W, VADD(VLOAD(x + i + W), VLOAD(y + i + W)), nt);
		put(d + i + 2 * W, VADD(VLOAD(x + i + 2 * W),
						 VLOAD(y + i + 2 * W)), nt);
		put(d + i + 3 * W, VADD(VLOAD(x + i + 3 * W),
						 VLOAD(y + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, VADD(VLOAD(x + i), VLOAD(y + i)), nt);
	for (; i < n; i++)
		d[i] = x[i] + y[i];
	fence(nt);
}

/* x + q*y as one FMA: a different rounding than STREAM's separate
 * multiply and add, far below the 1e-13 the check allows */
TGT void triad_k(double *restrict d, const double *restrict x, const double *restrict y,
		 double q, size_t n, int nt)
{
	VEC vq = VSET1(q);
	size_t i = 0;

	for (; i + 4 * W <= n; i += 4 * W) {
		put(d + i, VFMA(vq, VLOAD(y + i), VLOAD(x + i)), nt);
		put(d + i + W, VFMA(vq, VLOAD(y + i + W),
					       VLOAD(x + i + W)), nt);
		put(d + i + 2 * W, VFMA(vq, VLOAD(y + i + 2 * W),
						   VLOAD(x + i + 2 * W)), nt);
		put(d + i + 3 * W, VFMA(vq, VLOAD(y + i + 3 * W),
						   VLOAD(x + i + 3 * W)), nt);
	}
	for (; i + W <= n; i += W)
		put(d + i, VFMA(vq, VLOAD(y + i), VLOAD(x + i)), nt);
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

const st_kernels KERN_TABLE[2] = {
	{ KERN_NAME, 0, copy_t, scale_t, add_t, triad_t },
	{ KERN_NAME, 1, copy_n, scale_n, add_n, triad_n },
};
