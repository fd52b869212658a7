/* kern_avx512.c - the STREAM kernels for AVX-512 (zmm, 64 bytes a vector).
 * Used only when CPUID and XCR0 say the CPU and the OS allow it (run.c). */
#define KERN_TARGET "avx512f"
#define KERN_NAME "avx512"
#define KERN_TABLE st_kernels_avx512
#define VEC __m512d
#define W 8		/* doubles per vector */
#define VLOAD _mm512_load_pd
#define VSTORE _mm512_store_pd
#define VSTREAM _mm512_stream_pd
#define VSET1 _mm512_set1_pd
#define VMUL _mm512_mul_pd
#define VADD _mm512_add_pd
#define VFMA(q, y, x) _mm512_fmadd_pd(q, y, x)

#include "kern_body.h"
