/* report.h - one result model, four renderings (table, JSON, CSV, JSON Lines).
 *
 * A benchmark adds metrics (samples -> statistics), warnings, metrics it
 * could not measure and validation failures; gb_report_finish renders the
 * document of schema guestbench/1 (docs/json.md) and returns the exit
 * status.  Benchmarks never print results themselves. */
#ifndef GB_REPORT_H
#define GB_REPORT_H

#include <stddef.h>
#include "cli.h"
#include "disturb.h"
#include "env.h"
#include "hist.h"
#include "neighbors.h"
#include "stats.h"
#include "util.h"

typedef enum { GB_HIGHER = 0, GB_LOWER = 1 } gb_better;

/* Typed key/value pairs: the "config" block and per-metric extras. */
typedef struct gb_kv {
	char *key;
	char type;		/* 's' string, 'i' integer, 'd' number, 'b' bool, 'n' null */
	char *s;
	long long i;
	double d;
} gb_kv;

typedef struct gb_kvlist {
	gb_kv *v;
	size_t n, cap;
} gb_kvlist;

/* Set (or replace) a key. */
void gb_kv_str(gb_kvlist *l, const char *key, const char *val);
void gb_kv_int(gb_kvlist *l, const char *key, long long val);
void gb_kv_num(gb_kvlist *l, const char *key, double val);
void gb_kv_bool(gb_kvlist *l, const char *key, int val);
void gb_kv_null(gb_kvlist *l, const char *key);
void gb_kvlist_free(gb_kvlist *l);

typedef struct gb_metric {
	char *name, *unit;
	gb_better better;
	gb_stats st;
	double *samples;
	size_t nsamples;
	int has_pct;
	gb_pct pct;		/* latency-like metrics: p50/p90/p99/p99.9/max */
	gb_kvlist extra;	/* metric-specific members, e.g. "total_10000_us" */
	char *note;		/* short text shown in the table */
} gb_metric;

typedef struct gb_unavail {
	char *name;		/* the metric that is missing */
	int err;		/* errno, 0 if not an errno */
	char *reason;
} gb_unavail;

typedef struct gb_report {
	const gb_cli *cli;
	const char *bench;
	char started[32];
	const gb_env *env;
	gb_kvlist config;
	gb_metric *m;
	size_t nm, capm;
	gb_unavail *u;
	size_t nu, capu;
	int valid;
	int plan;		/* --plan: config only, nothing measured */
	gb_strlist invalid;	/* why valid is false */
	gb_strlist warnings;
	struct {		/* where the result goes (common/output's rule) */
		const char *path;	/* -o: NULL none, "-" stdout */
		const char *format;	/* --format, NULL when not given */
		int quiet;
	} out;
	gb_disturb disturb;	/* what else happened during the run (disturb.h) */
	gb_neighbors neighbors;	/* --neighbors: busy processes beside the run (neighbors.h) */
} gb_report;

/* Start a report: bench, label, start time, env fingerprint, and the
 * effective value of every option as "config"; --neighbors started (not
 * under --plan; exit 3 when they cannot be); the first reading of what
 * may disturb the run (the second is taken as gb_report_finish starts,
 * and the neighbours are stopped right after it). */
void gb_report_init(gb_report *r, const gb_cli *cli);

/* Add a metric from samples (copied); statistics are computed here and a
 * warning is added when samples look like outliers (MAD test). */
gb_metric *gb_report_metric(gb_report *r, const char *name, const char *unit,
			    gb_better better, const double *samples, size_t n);
void gb_metric_set_pct(gb_metric *m, const gb_hist *h, double scale);	/* values x scale */
void gb_metric_note(gb_metric *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void gb_report_warn(gb_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_report_fail(gb_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_report_unavailable(gb_report *r, const char *name, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Render to stdout and -o FILE as asked; free everything; return the exit
 * status (GB_EXIT_OK, or GB_EXIT_INVALID when a validation failed or the
 * output could not be written). */
int gb_report_finish(gb_report *r);

/* One CSV row per metric, the same columns from every binary: the
 * suite's CSV is its runs' rows.  A NaN prints as an empty field. */
extern const char gb_csv_header[];
typedef struct gb_csv_row {
	const char *bench, *label, *metric, *unit;
	int lower;		/* better = "lower" */
	size_t n;
	double min, max, mean, median, stddev, cv, ci95_lo, ci95_hi, p50, p90, p99, p999;
	int valid;
} gb_csv_row;
void gb_csv_row_write(FILE *f, const gb_csv_row *row);

/* Renderers, exposed for tests. */
void gb_report_json(const gb_report *r, FILE *f);
void gb_report_table(const gb_report *r, FILE *f);
void gb_report_csv(const gb_report *r, FILE *f);
void gb_report_jsonl(const gb_report *r, FILE *f);	/* one line per metric (jsonl.h) */

#endif
