/* guestbench.h - the multi-call binary: one table of benchmarks, the
 * dispatcher (main.c), the suite (suite.c), running one benchmark as a
 * child process (child.c) and the summary table (summary.c). */
#ifndef GB_GUESTBENCH_H
#define GB_GUESTBENCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

typedef struct gb_applet {
	const char *name;		/* as in gb-<name> */
	int (*main)(int argc, char **argv);
	/*
	 * Extra arguments of a full (not --quick) suite run, separated by
	 * spaces: what keeps the benchmark inside its share of the suite's
	 * ten minutes (see the budget in benches.c).
	 */
	const char *full_args;
	/*
	 * Headline metrics for the summary table, separated by spaces:
	 * "metric" shows its median, "metric.member" another member of that
	 * result (e.g. "triad.best").
	 */
	const char *headline;
	/*
	 * Needs a directory to write in (diskio): the suite creates a private
	 * one under $TMPDIR (else /tmp), passes --dir DIR, and removes it and
	 * whatever is left in it afterwards.
	 */
	int scratch;
} gb_applet;

extern const gb_applet gb_applets[];
extern const size_t gb_napplets;

/* The benchmark called NAME or gb-NAME, or NULL. */
const gb_applet *gb_applet_find(const char *name);

int suite_main(int argc, char **argv);
int rounds_main(int argc, char **argv);	/* rounds/ */

/* What became of one benchmark run as a child process. */
typedef struct gb_child {
	int status;		/* exit status, -1 when killed by a signal or never run */
	int signal;		/* the signal that ended it, 0 none */
	int timed_out;		/* killed by the suite's --timeout */
	char *out;		/* everything it wrote on stdout (NUL-terminated) */
	size_t outlen;
	char last_err[256];	/* the last non-empty line it wrote on stderr */
	char why[256];		/* set when it could not be started at all */
	double seconds;
} gb_child;

/* Run 'self' with argv (argv[0] is the benchmark's name, which the child
 * dispatches on); stdout and stderr are collected, the child is killed
 * after 'timeout' seconds (0 = never).  Returns 0, or -1 when it could not
 * be started (c->why says why). */
int gb_child_run(const char *self, char *const argv[], double timeout, gb_child *c);
void gb_child_free(gb_child *c);

struct gb_env;

/* One suite run, as suite.c collects it and doc.c/summary.c render it. */
typedef struct gb_suite {
	const char *label;
	char started[32], finished[32];
	int quick;
	const struct gb_env *env;	/* the fingerprint, once for every run */
	json_t *runs;		/* guestbench/1 documents, their own "env" removed */
	json_t *skipped;	/* [{"bench", "reason", "status", ...}] */
	json_t *seconds;	/* {bench: wall time of its child} */
	int valid;		/* every run valid, nothing failed (a skip is fine) */
} gb_suite;

/* The guestbench-suite/1 document (docs/json.md), written with the same
 * number formatting as the benchmarks' own documents. */
void gb_suite_json(const gb_suite *s, FILE *f);
/* A parsed value through common/json's writer (doc.c), numbers as in
 * every benchmark's document. */
struct gb_json;
void gb_json_put(struct gb_json *j, const char *key, json_t *v);

/* The summary: one line per benchmark, headline metrics and verdict. */
void gb_suite_table(const gb_suite *s, FILE *f);

#endif
