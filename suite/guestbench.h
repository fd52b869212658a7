/* guestbench.h - the suite: every benchmark as a child process of this
 * binary (child.c), one guestbench-suite/1 document (suite.c, doc.c) and
 * the summary table (summary.c).  The benchmarks it runs are registry/'s. */
#ifndef GB_GUESTBENCH_H
#define GB_GUESTBENCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "registry.h"

int suite_main(int argc, char **argv);

/* What became of one benchmark run as a child process. */
typedef struct suite_child {
	int status;		/* exit status, -1 when killed by a signal or never run */
	int signal;		/* the signal that ended it, 0 none */
	int timed_out;		/* killed by the suite's --timeout */
	char *out;		/* everything it wrote on stdout (NUL-terminated) */
	size_t outlen;
	char last_err[256];	/* the last non-empty line it wrote on stderr */
	char why[256];		/* set when it could not be started at all */
	double seconds;
} suite_child;

/* Run the program 'path' (this binary, with argv[0] a benchmark's name
 * that the child dispatches on, or any command: a name without '/' is
 * looked up in PATH) with argv; stdout and stderr are collected, the child
 * is killed after 'timeout' seconds (0 = never).  When it ends or is
 * killed, so is everything it started (common/proctree): nothing outlives
 * the call.  One call at a time per process, and while it runs every
 * child of the process is taken as part of it (reaped, killed at the end).
 * Returns 0, or -1 when it could not be started or killed (c->why says
 * why). */
int suite_child_run(const char *path, char *const argv[], double timeout, suite_child *c);
void suite_child_free(suite_child *c);

struct gb_env;

/* One suite run, as suite.c collects it and doc.c/summary.c render it. */
typedef struct suite_doc {
	const char *label;
	char started[32], finished[32];
	int quick;
	const struct gb_env *env;	/* the fingerprint, once for every run */
	json_t *runs;		/* guestbench/1 documents, their own "env" removed */
	json_t *skipped;	/* [{"bench", "reason", "status", ...}] */
	json_t *seconds;	/* {bench: wall time of its child} */
	int valid;		/* every run valid, nothing failed (a skip is fine) */
} suite_doc;

/* The guestbench-suite/1 document (docs/json.md), written with the same
 * number formatting as the benchmarks' own documents. */
void suite_json(const suite_doc *s, FILE *f);
/* A parsed value through common/json's writer (doc.c), numbers as in
 * every benchmark's document (the campaign of guestbench rounds). */
struct gb_json;
void suite_json_put(struct gb_json *j, const char *key, json_t *v);

/* Every run's metrics as CSV, the columns of a benchmark's own CSV. */
void suite_csv(const suite_doc *s, FILE *f);
/* Every run's metrics as JSON Lines, the lines a benchmark's own
 * --format jsonl writes (common/jsonl). */
void suite_jsonl(const suite_doc *s, FILE *f);

/* The summary: one line per benchmark, headline metrics and verdict. */
void suite_table(const suite_doc *s, FILE *f);

#endif
