/* compare.h - gb-compare's model: environments (loaded result files),
 * metric pairs (base vs other), their statistics and verdicts.
 *
 * One job per file: load.c reads documents, match.c pairs metrics,
 * common/stats.c holds the numerics, verdict.c turns a pair into a verdict,
 * fingerprint.c finds environment differences that move results,
 * render.c and svg.c print, compare.c is the command line. */
#ifndef GB_COMPARE_H
#define GB_COMPARE_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "stats.h"
#include "util.h"

/* --------------------------------------------------------- limits.c -- */

/* What gb-compare reads at most (docs/compare.md "Limits"): beyond these
 * an input is refused with exit 2 and a message naming the file. */
#define CMP_MAX_FILE (256u << 20)	/* bytes per file */
#define CMP_MAX_DEPTH 64		/* JSON nesting */
#define CMP_MAX_VALUES (8u << 20)	/* JSON values per file (~40 bytes each once parsed) */
#define CMP_MAX_METRICS 100000		/* results per document, all its runs */
#define CMP_MAX_RUNS 10000		/* benchmark runs per document */
#define CMP_MAX_NAME 256		/* bytes of a bench, metric, unit or label */
#define CMP_MAX_REASON 1024		/* bytes of an unavailable/skipped reason */

/* PATH whole (NUL-terminated), at most CMP_MAX_FILE bytes whatever kind of
 * file it is; NULL with err naming the file and the reason. */
char *cmp_read_input(const char *path, size_t *len, char *err, size_t errlen);
/* Refuse a JSON text nested deeper than CMP_MAX_DEPTH or holding more than
 * CMP_MAX_VALUES values (one linear pass, before the parser allocates). */
int cmp_prescan(const char *buf, size_t len, const char *path, char *err, size_t errlen);
int cmp_too_long(const char *s, size_t max);

/* ----------------------------------------------------------- load.c -- */

typedef struct cmp_note {		/* "name: why" of an unavailable metric or a skipped benchmark */
	const char *name, *why;		/* point into the jansson document */
	size_t seq;			/* position in the list: the first of a name wins */
} cmp_note;

typedef struct cmp_notes {		/* sorted by name once loaded: cmp_notes_find is a bsearch */
	cmp_note *v;
	size_t n, cap;
} cmp_notes;

/* The reason recorded for exactly 'name', or NULL. */
const char *cmp_notes_find(const cmp_notes *l, const char *name);

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
	cmp_notes unavailable;
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
	cmp_notes skipped;		/* suite "skipped": bench and reason */
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

/* --------------------------------------------------------- index.c -- */

typedef struct cmp_series {		/* one (bench, metric) of an environment */
	const char *bench, *name;
	const cmp_run **run;		/* the runs (launches) that hold it, in load order */
	const cmp_metric **m;		/* and the metric in each */
	size_t n;
	size_t first;			/* rank of its first appearance in the documents */
} cmp_series;

typedef struct cmp_bench_runs {		/* the runs of one benchmark in an environment */
	const char *bench;
	const cmp_run **run;
	size_t n;
} cmp_bench_runs;

typedef struct cmp_index {		/* built once per environment: every look-up is a bsearch */
	cmp_series *series;		/* sorted by (bench, name) */
	size_t nseries;
	cmp_series **order;		/* the same, in document order of first appearance */
	cmp_bench_runs *bench;		/* sorted by bench */
	size_t nbench;
} cmp_index;

void cmp_index_build(cmp_index *x, const cmp_env *e);
const cmp_series *cmp_index_find(const cmp_index *x, const char *bench, const char *name);
const cmp_bench_runs *cmp_index_bench(const cmp_index *x, const char *bench);
void cmp_index_free(cmp_index *x);

/* --------------------------------------------------------- match.c -- */

typedef enum {
	CMP_SAME = 0,		/* no significant difference */
	CMP_FASTER,		/* other is better than base */
	CMP_SLOWER,		/* other is worse than base */
	CMP_UNTESTED,		/* too few samples for a test */
} cmp_verdict;

typedef struct cmp_pair {
	size_t key;			/* the base series' rank in document order (cmp_index.order) */
	const cmp_run *brun, *orun;
	const cmp_metric *b, *o;
	double ratio;			/* mean(other) / mean(base) */
	double ratio_median;		/* median(other) / median(base) */
	double delta_pct;		/* (ratio - 1) x 100 */
	double ci_lo, ci_hi;		/* Fieller 95%, NaN when unbounded/unknown */
	gb_welch welch;
	gb_mwu mwu;
	cmp_verdict verdict;
	const char *mismatch;		/* config differences (cmp_result.mismatches), NULL when none */
} cmp_pair;

typedef struct cmp_side {		/* one other environment against the base */
	const cmp_env *env;
	cmp_pair *p;
	size_t np, cap;
	gb_strlist missing;		/* in base, not here: "bench/metric (why)" */
	gb_strlist extra;		/* here, not in base */
	gb_strlist fpwarn;		/* fingerprint differences */
	cmp_index index;		/* of env */
} cmp_side;

typedef struct cmp_result {
	const cmp_env *base;
	cmp_side *side;			/* one per other environment */
	size_t nside;
	double alpha;
	gb_strlist warnings;		/* config mismatches and other remarks */
	gb_strlist mismatches;		/* the texts cmp_pair.mismatch points to */
	cmp_index bindex;		/* of base */
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

/* ---------------------------------------------------------- text.c -- */

/* src into dst[size] for a table: control characters become '?', with md
 * '|' becomes "\|", cut only between UTF-8 characters.  Returns the bytes
 * of src used (src[return] is 0 when it all fit). */
size_t cmp_clip(char *dst, size_t size, const char *src, int md);
/* The same, streamed: at most max bytes of s (and "..." when cut). */
void cmp_put(FILE *f, const char *s, size_t max, int md);

/* ---------------------------------------------------- render/svg.c --- */

void cmp_render(const cmp_result *r, const char *format, FILE *f);
int cmp_svg(const cmp_result *r, FILE *f);

#endif
