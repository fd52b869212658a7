/* registry.h - what the multi-call guestbench holds: the benchmarks (one
 * table, benches.c) and the other commands (dispatch.c).
 *
 * The layers, bottom up: common/ (the library, knows no benchmark) ->
 * one folder per benchmark (each exports <bench>_main) -> registry/ (this
 * table, the dispatcher, the gb-* main), suite/ (every benchmark in one
 * document), init/ (PID-1 mode) -> compare/ (reads the documents).
 * docs/design.md says how to add a benchmark. */
#ifndef REG_REGISTRY_H
#define REG_REGISTRY_H

#include <stddef.h>

typedef struct reg_bench {
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
} reg_bench;

extern const reg_bench reg_benches[];
extern const size_t reg_nbenches;

/* The benchmark called NAME or gb-NAME, or NULL. */
const reg_bench *reg_find(const char *name);

#endif
