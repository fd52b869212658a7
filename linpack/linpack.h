/* linpack.h - the parts of gb-linpack, one job per file:
 *   linpack.c  the driver: options, sizing, repeats, the report
 *   core.c     run the OpenBLAS core type core.h chooses (re-exec)
 *   hpl.c      HPL's problem: matrix generation, factor + solve, residual
 *   calib.c    dgemm: the measured peak and the speed estimate for sizing
 *   progress.c a progress line on a terminal during long phases */
#ifndef LP_LINPACK_H
#define LP_LINPACK_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* ---- core.c */
typedef struct lp_core_state {
	char library[32];	/* OpenBLAS's own choice */
	char used[32];		/* what runs: openblas_get_corename() */
	lp_core_choice choice;
	int reexec;		/* this process was re-executed to get 'used' */
	char how[32];		/* "execveat" or "execve" when reexec */
	char warn[320];		/* why the choice could not be applied, "" if fine */
	char dropped[200];	/* an unusable OPENBLAS_CORETYPE removed at start-up */
	char env[64];		/* OPENBLAS_CORETYPE as inherited from the user, "" if unset */
} lp_core_state;

/* First thing in linpack_main: read the re-exec marker, open our own
 * executable (see core.c for why then). */
void lp_core_early(char **argv);
/* Decide and, when the core must change, re-execute (does not return
 * then).  GB_EXIT_ENV when --blas-core names a core this CPU cannot run
 * (st->choice.reason says why), else 0. */
int lp_core_apply(char **argv, const char *request, lp_core_state *st);

/* ---- hpl.c */
typedef struct lp_run {
	double gen_s, factor_s, solve_s;	/* seconds */
	int info;		/* dgetrf's: k > 0 means U(k,k) is exactly 0 */
	double resid;		/* HPL scaled residual, NaN when not computed */
	double a_norm, x_norm, b_norm, r_norm;
} lp_run;

/* HPL's operation count for one solve of order n. */
static inline double lp_flops(double n) { return 2.0 / 3.0 * n * n * n + 1.5 * n * n; }

/* One HPL run of order n on a (n*n doubles, column-major, lda n), with
 * scratch x (n), ipiv (n ints), and 'threads' threads for generation and
 * the residual.  'singular' makes row n/2 zero (test hook).  'tick' is
 * called between phases with the phase name (may be NULL). */
void lp_hpl_run(double *a, double *x, int *ipiv, int n, int threads, uint64_t seed, int singular,
		void (*tick)(const char *phase), lp_run *out);

/* ---- calib.c */
typedef struct lp_dgemm {
	int n;			/* matrix order used */
	int nsamples;
	double samples[16];	/* Gflop/s of each timed call */
	double best;		/* max of samples */
	double seconds;		/* wall time spent, warm-up included */
} lp_dgemm;

/* Time 'reps' (<= 16) calls of an n x n dgemm after one untimed call, each
 * checked on a few entries against a plain dot product.  0, or -1 with
 * err filled (allocation failed, wrong result). */
int lp_dgemm_measure(int n, int reps, lp_dgemm *out, char *err, size_t errlen);

/* ---- progress.c */
/* Show "<what>: <phase> <elapsed> s of ~<estimate> s" on a terminal,
 * refreshed twice a second by a helper thread, once a phase has run for
 * more than 2 s.  No-op unless stderr is a terminal (gb_progress). */
void lp_progress_start(void);
void lp_progress_set(const char *what, const char *phase, double estimate_s);
void lp_progress_stop(void);

/* The entry point: bin/gb-linpack, and `guestbench linpack` (registry/). */
int linpack_main(int argc, char **argv);

#endif
