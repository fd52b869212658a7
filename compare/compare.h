/* compare.h - gb-compare's model: environments (loaded result files),
 * metric pairs (base vs other), their statistics and verdicts.
 *
 * One job per file: load.c reads documents, match.c pairs metrics,
 * stats.c holds the numerics, verdict.c turns a pair into a verdict,
 * fingerprint.c finds environment differences that move results,
 * render.c and svg.c print, compare.c is the command line. */
#ifndef GB_COMPARE_H
#define GB_COMPARE_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "util.h"

/* ----------------------------------------------------------- load.c -- */

typedef struct cmp_metric {
	const char *name, *unit;	/* point into the jansson document */
	int lower;			/* better = "lower" */
	double *samples;		/* finite samples only */
	size_t n;
	double mean, median;		/* from the samples (or the document without samples) */
} cmp_metric;

typedef struct cmp_run {		/* one guestbench/1 document */
	const char *bench;
	const char *path;		/* the file it came from */
	json_t *config, *env;		/* borrowed; may be NULL */
	int valid;
	cmp_metric *m;
	size_t nm;
	gb_strlist unavailable;		/* "name: reason" */
} cmp_run;

typedef struct cmp_env {		/* one environment: a suite file, or single files of one label */
	char *label;			/* unique among the environments */
	const char *doc_label;		/* as written in the documents */
	char *path;			/* the first file */
	json_t *env;			/* fingerprint: the suite's, or the first run's */
	cmp_run *runs;
	size_t nruns, caprun;
	json_t **docs;			/* owned jansson roots */
	size_t ndocs;
	gb_strlist skipped;		/* suite "skipped": "bench: reason" */
} cmp_env;

/*
 * Parse one document (single or suite) held in buf.  Returns 0 and fills
 * *doc (owned by the caller) and the runs of a fresh environment, or -1
 * with err = "PATH:LINE:COL: what" (syntax) or "PATH: what (at JSON.PATH)"
 * (a valid JSON text that is not a guestbench result).  Never exits, never
 * prints: the fuzz target drives it directly.
 */
int cmp_parse(cmp_env *e, const char *path, const char *buf, size_t len, char *err, size_t errlen);

/* Read PATH and parse it; -1 with err on I/O or parse errors. */
int cmp_load_file(cmp_env *e, const char *path, char *err, size_t errlen);

/* Can the runs of 'add' join 'into' (same label, no benchmark twice)? */
int cmp_env_can_merge(const cmp_env *into, const cmp_env *add);
/* Move add's runs and documents into 'into'; add is left empty. */
void cmp_env_merge(cmp_env *into, cmp_env *add);
void cmp_env_free(cmp_env *e);

/* ---------------------------------------------------------- stats.c -- */

double cmp_mean(const double *x, size_t n);
double cmp_var(const double *x, size_t n, double mean);	/* n - 1; 0 when n < 2 */
double cmp_median(const double *x, size_t n);

/* Regularized incomplete beta I_x(a, b). */
double cmp_betai(double a, double b, double x);
/* Two-sided p-value of Student's t with df degrees of freedom (df > 0, real). */
double cmp_t_p2(double t, double df);
/* The t value with P(|T| > t) = p (two-sided), df real. */
double cmp_t_quantile2(double p, double df);

typedef struct cmp_welch {
	double t, df, p;	/* p = NaN when it cannot be computed */
} cmp_welch;
cmp_welch cmp_welch_test(const double *x, size_t nx, const double *y, size_t ny);

typedef struct cmp_mwu {
	double u, z, p;		/* U of y vs x: count of (x < y) + ties/2 */
} cmp_mwu;
cmp_mwu cmp_mann_whitney(const double *x, size_t nx, const double *y, size_t ny);

/*
 * Fieller's 1-alpha confidence interval of mean(y)/mean(x) for
 * independent samples, with Welch–Satterthwaite degrees of freedom.
 * Returns 0 with [lo, hi], or -1 when the interval is unbounded (the base
 * mean is not distinguishable from 0) or cannot be computed (n < 2).
 */
int cmp_fieller(const double *x, size_t nx, const double *y, size_t ny, double alpha,
		double *lo, double *hi);

/* --------------------------------------------------------- match.c -- */

typedef enum {
	CMP_SAME = 0,		/* no significant difference */
	CMP_FASTER,		/* other is better than base */
	CMP_SLOWER,		/* other is worse than base */
	CMP_UNTESTED,		/* too few samples for a test */
} cmp_verdict;

typedef struct cmp_pair {
	const cmp_run *brun, *orun;
	const cmp_metric *b, *o;
	double ratio;			/* mean(other) / mean(base) */
	double ratio_median;		/* median(other) / median(base) */
	double delta_pct;		/* (ratio - 1) x 100 */
	double ci_lo, ci_hi;		/* Fieller 95%, NaN when unbounded/unknown */
	cmp_welch welch;
	cmp_mwu mwu;
	cmp_verdict verdict;
	char *mismatch;			/* config differences, NULL when none */
} cmp_pair;

typedef struct cmp_side {		/* one other environment against the base */
	const cmp_env *env;
	cmp_pair *p;
	size_t np, cap;
	gb_strlist missing;		/* in base, not here: "bench/metric (why)" */
	gb_strlist extra;		/* here, not in base */
	gb_strlist fpwarn;		/* fingerprint differences */
} cmp_side;

typedef struct cmp_result {
	const cmp_env *base;
	cmp_side *side;			/* one per other environment */
	size_t nside;
	double alpha;
	gb_strlist warnings;		/* config mismatches and other remarks */
} cmp_result;

/* Pair every metric of base with each other environment; compute the
 * statistics and verdicts; collect warnings. */
void cmp_match(cmp_result *r, const cmp_env *base, const cmp_env *others, size_t nothers, double alpha);
void cmp_result_free(cmp_result *r);

/* Config members that describe the environment or the run's length, not
 * the workload: never a mismatch (match.c, documented in docs/compare.md). */
int cmp_config_ignored(const char *key);

/* Differences between two configs, "key: a vs b; ..." or NULL. */
char *cmp_config_diff(const json_t *a, const json_t *b);

/* -------------------------------------------------------- verdict.c -- */

void cmp_decide(cmp_pair *p, double alpha);
const char *cmp_verdict_name(cmp_verdict v);

/* ---------------------------------------------------- fingerprint.c -- */

/* Add to 'out' one line per fingerprint difference that moves results. */
void cmp_fingerprint_diff(const cmp_env *base, const cmp_env *other, gb_strlist *out);

/* ---------------------------------------------------- render/svg.c --- */

void cmp_render(const cmp_result *r, const char *format, FILE *f);
int cmp_svg(const cmp_result *r, FILE *f);

/* The entry point: bin/gb-compare, and `guestbench compare` (registry/). */
int compare_main(int argc, char **argv);

#endif
