/* kern_base.c - the STREAM kernels for baseline x86-64 (SSE2, xmm, 16
 * bytes a vector): what runs on any guest, even one that hides AVX.  SSE2
 * has no FMA: triad is a multiply and an add, as stream.c compiles it. */
#define KERN_TARGET "sse2"
#define KERN_NAME "baseline"
#define KERN_TABLE st_kernels_baseline
#define VEC __m128d
#define W 2		/* doubles per vector */
#define VLOAD _mm_load_pd
#define VSTORE _mm_store_pd
#define VSTREAM _mm_stream_pd
#define VSET1 _mm_set1_pd
#define VMUL _mm_mul_pd
#define VADD _mm_add_pd
#define VFMA(q, y, x) _mm_add_pd(x, _mm_mul_pd(q, y))

#include "kern_body.h"
