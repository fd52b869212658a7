/* kern_avx2.c - the STREAM kernels for AVX2 + FMA (ymm, 32 bytes a
 * vector), for CPUs (or guests) without AVX-512. */
#define KERN_TARGET "avx2,fma"
#define KERN_NAME "avx2"
#define KERN_TABLE st_kernels_avx2
#define VEC __m256d
#define W 4		/* doubles per vector */
#define VLOAD _mm256_load_pd
#define VSTORE _mm256_store_pd
#define VSTREAM _mm256_stream_pd
#define VSET1 _mm256_set1_pd
#define VMUL _mm256_mul_pd
#define VADD _mm256_add_pd
#define VFMA(q, y, x) _mm256_fmadd_pd(q, y, x)

#include "kern_body.h"
