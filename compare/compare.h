/* compare.h - gb-compare's model: environments made of launches (loaded
 * result documents), metric pairs (base vs other), their statistics and
 * verdicts.
 *
 * One job per file: limits.c bounds what is read, load.c reads result
 * documents, campaign.c reads a guestbench-campaign/1 file, group.c makes
 * environments of launches, index.c finds metrics by name, match.c pairs
 * them, estimate.c summarises launches and picks the design (common/stats.c
 * holds the numerics), verdict.c turns an interval into a verdict,
 * fingerprint.c finds environment differences that move results, text.c
 * makes names safe to print, render.c and svg.c print, fleet.c summarises
 * many hosts (--fleet) and fleet_render.c prints that, compare.c is the
 * command line. */
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
#define CMP_MAX_RUNS 10000		/* benchmark runs per document, launches per campaign */
#define CMP_MAX_NAME 256		/* bytes of a bench, metric, unit or label */
#define CMP_MAX_REASON 1024		/* bytes of an unavailable/skipped reason */

/* PATH whole (NUL-terminated), at most CMP_MAX_FILE bytes whatever kind of
 * file it is; NULL with err naming the file and the reason. */
char *cmp_read_input(const char *path, size_t *len, char *err, size_t errlen);
/* Refuse a JSON text nested deeper than CMP_MAX_DEPTH or holding more than
 * CMP_MAX_VALUES values (one linear pass, before the parser allocates). */
int cmp_prescan(const char *buf, size_t len, const char *path, char *err, size_t errlen);
int cmp_too_long(const char *s, size_t max);
/* err = the formatted message (every loader's error path, load.c). */
void cmp_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

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

typedef struct cmp_run {		/* one guestbench/1 document: one benchmark run */
	const char *bench;
	const char *path;		/* the file it came from */
	json_t *config, *env;		/* borrowed; may be NULL */
	int valid;
	cmp_metric *m;
	size_t nm;
	cmp_notes unavailable;
	long round;			/* its campaign round; -1 when not from a campaign */
	size_t launch;			/* which launch of its environment (group.c numbers them) */
	int disturbed;			/* its "disturbance" (or its campaign launch) says so */
	char *disturb_why;		/* the reasons, "; "-separated (owned), or NULL */
} cmp_run;

/*
 * One environment.  Loading makes one per document (a *launch*: a
 * guestbench/1 file, a suite file, one launch of a campaign); group.c then
 * merges the launches of one label into one environment.  Its runs may
 * hold several runs of a benchmark: the replicates.
 */
typedef struct cmp_env {
	char *label;			/* unique among the environments */
	char *doc_label;		/* as written in the documents (or the campaign's env name) */
	char *path;			/* the first file */
	json_t *env;			/* fingerprint: the suite's, or the first run's */
	cmp_run *runs;
	size_t nruns, caprun;
	json_t **docs;			/* owned jansson references */
	size_t ndocs;
	cmp_notes skipped;		/* suite "skipped": bench and reason */
	long round;			/* a launch of a campaign: its round, else -1 */
	int campaign;			/* read from a campaign file */
	size_t nlaunch;			/* launches merged into it (documents) */
	gb_strlist failed;		/* campaign launches with no usable document */
	gb_strlist disturbed;		/* its runs marked disturbed: "bench (round N): reasons" */
	size_t dropped;			/* disturbed runs left out (--drop-disturbed) */
} cmp_env;

/* Load a parsed document (guestbench/1 or guestbench-suite/1) into a
 * fresh environment e, taking over the reference 'doc'; where names its
 * place in the file for messages ("the top", "launches[3].document"). */
int cmp_load_doc(cmp_env *e, json_t *doc, const char *path, const char *where, char *err, size_t errlen);

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

/* Can the runs of 'add' join 'into' as one launch of a suite, without
 * replicates (same label, no benchmark twice)?  The rule for files of one
 * label when they are all there is (group.c). */
int cmp_env_can_merge(const cmp_env *into, const cmp_env *add);
/* Move add's runs, documents and notes into 'into'; add is left empty.
 * Its runs become launch number into->nlaunch (one more launch). */
void cmp_env_merge(cmp_env *into, cmp_env *add);
void cmp_env_free(cmp_env *e);
void cmp_run_free(cmp_run *r);

/* ------------------------------------------------ campaign.c, group.c -- */

typedef struct cmp_input {		/* every launch read from the files given */
	cmp_env *unit;			/* one per document or campaign launch, in reading order */
	size_t n, cap;
	int campaign;			/* a campaign file was among them */
} cmp_input;

/* Parse one file's text: a guestbench/1 or suite document (one launch) or
 * a guestbench-campaign/1 file (one unit per environment it lists, then one
 * per launch; failed launches are units with no runs and a 'failed' line).
 * -1 with err as cmp_parse. */
int cmp_input_parse(cmp_input *in, const char *path, const char *buf, size_t len, char *err, size_t errlen);
int cmp_input_load(cmp_input *in, const char *path, char *err, size_t errlen);
/* Append one launch (moved: the caller's copy is no longer its own). */
void cmp_input_add(cmp_input *in, const cmp_env *e);
void cmp_input_free(cmp_input *in);

/* Campaign file (campaign.c; cmp_input_parse calls it). */
int cmp_campaign_load(cmp_input *in, json_t *doc, const char *path, char *err, size_t errlen);

/*
 * Make environments of the launches in 'in' (which is left empty): the
 * launches of one label are one environment, in the order labels first
 * appear.  When that gives a single environment from plain files, the
 * files are compared as before replicates existed: one environment per
 * file (or per set of files with different benchmarks), named by file.
 * base (may be NULL) names the environment put first; drop leaves out the
 * disturbed runs (counted in each env's 'dropped').  Returns 0 with the
 * environments in envs and nenv, or -1 with err (no such --base).
 */
int cmp_group(cmp_input *in, const char *base, int drop, cmp_env **envs, size_t *nenv, char *err, size_t errlen);

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
	CMP_EQUIVALENT = 0,	/* the whole interval within +-margin */
	CMP_FASTER,		/* other is better than base: the interval excludes 1 */
	CMP_SLOWER,		/* other is worse than base */
	CMP_INCONCLUSIVE,	/* the interval holds 1 and reaches beyond the margin */
	CMP_TOO_FEW,		/* too few launches for a test */
	CMP_ONE_EACH,		/* one launch per side: host drift not measured */
} cmp_verdict;

typedef enum {
	CMP_DESIGN_ONE_EACH = 0,	/* one launch per side: within-run numbers only */
	CMP_DESIGN_PAIRED,		/* launches paired by round: t on the log of per-round ratios */
	CMP_DESIGN_UNPAIRED,		/* launch means: Welch and Fieller */
	CMP_DESIGN_TOO_FEW,		/* fewer than 2 launches (or pairs) where a test needs them */
} cmp_design;

typedef struct cmp_launches {		/* one side of a pair, summarised launch by launch */
	size_t k;			/* launches with a finite summary */
	double *mean;			/* each launch's mean (owned) */
	long *round;			/* its round, -1 when unknown (owned) */
	size_t nsamples;		/* samples over all of them */
	double grand, median;		/* mean of the launch means; their median (one launch: its samples') */
	double cv_within;		/* pooled within-launch SD / |grand|; NaN without 2 samples */
	double cv_between;		/* SD of the launch means / |grand|; NaN with one launch */
} cmp_launches;

typedef struct cmp_pair {
	size_t key;			/* the base series' rank in document order (cmp_index.order) */
	const cmp_run *brun, *orun;	/* the first launch of each side */
	const cmp_metric *b, *o;	/* and its metric (name, unit, direction) */
	cmp_launches lb, lo;		/* base and other, launch by launch */
	cmp_design design;
	size_t npaired;			/* rounds with a launch on both sides */
	double ratio;			/* the design's estimate: mean(other) / mean(base), or paired
					 * the geometric mean of the per-round ratios */
	double ratio_means;		/* mean of other's launch means / base's */
	double ratio_median;		/* median(other) / median(base) */
	double delta_pct;		/* (ratio - 1) x 100 */
	double ci_lo, ci_hi;		/* the design's 1 - alpha interval of the ratio; NaN: unbounded */
	double sd_log_ratio;		/* paired: SD of log(per-round ratio), the spread pairing leaves */
	gb_welch welch;			/* the design's test (paired: t of the mean log ratio) */
	gb_mwu mwu;			/* Mann-Whitney on samples (one each) or launch means */
	cmp_verdict verdict;
	const char *within;		/* one run each: what the within-run test says (for information) */
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
	double margin;			/* equivalence margin, a fraction (0.03) */
	gb_strlist warnings;		/* config mismatches and other remarks */
	gb_strlist mismatches;		/* the texts cmp_pair.mismatch points to */
	cmp_index bindex;		/* of base */
} cmp_result;

/* Pair every metric of base with each other environment; compute the
 * statistics and verdicts (interval 1 - alpha, equivalence within
 * +-margin, a fraction); collect warnings. */
void cmp_match(cmp_result *r, const cmp_env *base, const cmp_env *others, size_t nothers, double alpha,
	       double margin);
void cmp_result_free(cmp_result *r);

/* Config members that describe the environment or the run's length, not
 * the workload: never a mismatch (match.c, documented in docs/compare.md). */
int cmp_config_ignored(const char *key);

/* Differences between two configs, "key: a vs b; ..." or NULL. */
char *cmp_config_diff(const json_t *a, const json_t *b);

/* ------------------------------------------------------- estimate.c -- */

/* Summarise both series launch by launch, choose the design and compute
 * p's estimate, interval and test (docs/compare.md "The design"). */
void cmp_estimate(cmp_pair *p, const cmp_series *bs, const cmp_series *os, double alpha);
void cmp_pair_free(cmp_pair *p);
const char *cmp_design_name(cmp_design d);

/* -------------------------------------------------------- verdict.c -- */

/* The verdict from the design and the interval [lo, hi] of other/base:
 * equivalent when 1/(1+margin) <= lo and hi <= 1+margin (edges included),
 * else faster/slower when the interval excludes 1 (direction from
 * 'lower', the metric's better), else inconclusive. */
cmp_verdict cmp_judge(cmp_design d, double lo, double hi, int lower, double margin);
void cmp_decide(cmp_pair *p, double alpha, double margin);
const char *cmp_verdict_name(cmp_verdict v);
/* A short name for tables and the chart ("one run each", "too few"). */
const char *cmp_verdict_short(cmp_verdict v);

/* ---------------------------------------------------- fingerprint.c -- */

/* Add to 'out' one line per fingerprint difference that moves results. */
void cmp_fingerprint_diff(const cmp_env *base, const cmp_env *other, gb_strlist *out);

/* ---------------------------------------------------------- trust.c -- */

/* A run of gb-timer whose config says clock_trusted: false adds one
 * warning naming the environment and gb-timer's reason (once). */
void cmp_trust_warn(gb_strlist *warnings, const cmp_run *run, const char *label);

/* ---------------------------------------------------------- text.c -- */

/* src into dst[size] for a table: control characters become '?', with md
 * '|' becomes "\|", cut only between UTF-8 characters.  Returns the bytes
 * of src used (src[return] is 0 when it all fit). */
size_t cmp_clip(char *dst, size_t size, const char *src, int md);
/* The same, streamed: at most max bytes of s (and "..." when cut). */
void cmp_put(FILE *f, const char *s, size_t max, int md);

/* ---------------------------------------------------------- fleet.c -- */

/*
 * A fleet: many hosts running the same benchmarks, each host one
 * environment (its documents by label, group.c), summarised metric by
 * metric across hosts so the outliers show (docs/compare.md "Fleets").
 * A host's value of a metric is the mean of its launch means, as in a
 * comparison; its cost is that value over the fleet's median, turned so
 * that above 1 is always worse (value / median when lower is better,
 * median / value when higher is).
 */
typedef struct cmp_fleet_value {
	size_t host;			/* index into cmp_fleet.host */
	double value, cost;
} cmp_fleet_value;

typedef struct cmp_fleet_metric {
	const char *bench, *name, *unit;
	int lower;
	cmp_fleet_value *v;		/* the hosts that have it, worst (highest cost) first */
	size_t n;
	double median, p10, p90, min, max, mean, cv;	/* of the values across hosts */
	gb_strlist missing;		/* hosts without it: "host (why)" */
} cmp_fleet_metric;

typedef struct cmp_fleet_host {
	const cmp_env *env;		/* its label is the host's name */
	double score;			/* geometric mean of its costs; NaN without one */
	size_t nscored;			/* metrics in the score */
	size_t nslowest;		/* metrics where it is among the fleet's slowest */
	size_t rank;			/* 1 = the slowest host by score */
} cmp_fleet_host;

typedef struct cmp_fleet {
	cmp_fleet_host *host;		/* in the order the hosts first appear */
	size_t nhost;
	size_t *by_rank;		/* host indices, slowest first */
	cmp_fleet_metric *m;		/* in document order */
	size_t nm;
	size_t slowest;			/* how many slowest hosts each metric names */
	const char *version;		/* guestbench version of every document */
	gb_strlist warnings;
} cmp_fleet;

/* The p-quantile (0..1) of sorted x[0..n), linear between order
 * statistics (h = (n - 1) p; R's type 7); NaN when n = 0. */
double cmp_quantile(const double *sorted, size_t n, double p);

/* Refuse what cannot be one fleet before grouping: a campaign, documents
 * of different guestbench versions.  -1 with err. */
int cmp_fleet_check_input(const cmp_input *in, char *err, size_t errlen);

/* Summarise hosts[0..n) (cmp_group's environments).  -1 with err when
 * they are fewer than two or did not run the same benchmarks (a
 * benchmark a host's suite skipped, with its reason, is allowed). */
int cmp_fleet_build(cmp_fleet *f, const cmp_env *hosts, size_t n, size_t slowest, char *err, size_t errlen);
void cmp_fleet_free(cmp_fleet *f);

/* fleet_render.c: table, markdown, csv, json (guestbench-fleet/1), jsonl. */
void cmp_fleet_render(const cmp_fleet *f, const char *format, FILE *out);

/* ---------------------------------------------------- render/svg.c --- */

void cmp_render(const cmp_result *r, const char *format, FILE *f);
int cmp_svg(const cmp_result *r, FILE *f);

/* The entry point: bin/gb-compare, and `guestbench compare` (registry/). */
int compare_main(int argc, char **argv);

#endif
