/* stream.h - gb-stream internals: kernels per ISA variant, the team run,
 * validation.  See docs/stream.md for the rules this follows. */
#ifndef GB_STREAM_H
#define GB_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid.h"
#include "team.h"

/*
 * McCalpin's four kernels, written with a destination first.  STREAM
 * applies them as  copy c=a,  scale b=q*c,  add c=a+b,  triad a=b+q*c,
 * so every iteration feeds the next and the final values are known
 * (check.c).  n may be any count; the vector variants need dst, x and y
 * aligned to 64 bytes (chunks start on a cache line, see run.c).
 */
typedef struct st_kernels {
	const char *isa;	/* "avx512", "avx2", "baseline" */
	int nt;			/* non-temporal (streaming) stores */
	void (*copy)(double *restrict dst, const double *restrict x, size_t n);
	void (*scale)(double *restrict dst, const double *restrict x, double q, size_t n);
	void (*add)(double *restrict dst, const double *restrict x, const double *restrict y,
		    size_t n);
	void (*triad)(double *restrict dst, const double *restrict x, const double *restrict y,
		      double q, size_t n);
} st_kernels;

/* One file per ISA variant; index 0 temporal, 1 non-temporal. */
extern const st_kernels st_kernels_baseline[2];
extern const st_kernels st_kernels_avx2[2];
extern const st_kernels st_kernels_avx512[2];

/* The strongest variant gb_isa_get()->best allows (GB_ISA= can lower it). */
const st_kernels *st_kernels_pick(gb_isa_level best, int nt);

enum { ST_COPY, ST_SCALE, ST_ADD, ST_TRIAD, ST_NKERNELS };
extern const char *const st_kernel_names[ST_NKERNELS];
/* Bytes STREAM counts per element: loads + stores, no write-allocate. */
extern const unsigned st_kernel_bytes[ST_NKERNELS];

#define ST_SCALAR 3.0	/* STREAM's q */

/* The arrays and how the team shares them. */
typedef struct st_arrays {
	double *a, *b, *c;
	size_t n;		/* elements per array */
	size_t granule;		/* chunk boundaries are multiples of this many elements */
	gb_team *team;
} st_arrays;

/* [lo, hi) of thread tid: a static partition, the same for first touch,
 * every kernel and the validation, so each thread only ever touches its
 * own pages. */
void st_chunk(const st_arrays *ar, int tid, int nthreads, size_t *lo, size_t *hi);

/* Fill a, b, c with STREAM's starting values, each thread its own chunk
 * (the first call is the first touch: it places the pages). */
void st_init(st_arrays *ar);

/* Run one kernel on the whole team; returns its wall time in ns. */
uint64_t st_run_kernel(st_arrays *ar, const st_kernels *k, int kernel);

/* STREAM's check after 'iters' iterations from st_init's values: fills
 * the expected values and the average relative error of each array, and
 * counts elements off by more than ST_EPSILON.  0 = valid. */
#define ST_EPSILON 1e-13
typedef struct st_check {
	double expect[3];	/* a, b, c */
	double avg_rel_err[3];
	uint64_t bad[3];	/* elements with relative error > ST_EPSILON */
	size_t first_bad[3];
} st_check;
int st_validate(st_arrays *ar, long iters, st_check *out);

/* The entry point: bin/gb-stream, and `guestbench stream` (registry/). */
int stream_main(int argc, char **argv);

#endif
