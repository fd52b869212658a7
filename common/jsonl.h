/* jsonl.h - results as JSON Lines (`--format jsonl`): one self-contained
 * line per metric, for loaders that ingest one record per line
 * (Elasticsearch bulk, BigQuery, Loki, a plain `jq -c`).
 *
 * Every line carries its own labels - the run's label and a few members
 * of the fingerprint - so a line read alone, far from its document, still
 * says where it was measured.  The same writer serves every benchmark
 * (report.c) and the suite (suite/doc.c). */
#ifndef GB_JSONL_H
#define GB_JSONL_H

#include <stdio.h>

#include "env.h"

/* What each line says about where it was measured (docs/json.md). */
typedef struct gb_jsonl_labels {
	const char *label;		/* --label: the host or environment's name */
	const char *version;
	const char *environment;	/* "native", "vm", "container", "gvisor" */
	const char *container;		/* fingerprint container.runtime */
	const char *hypervisor;		/* virtualization.hypervisor */
	const char *cpu_model;		/* cpu.model (brand string) */
	const char *kernel;		/* kernel.release */
	const char *arch;
	int cpus;			/* effective.cpus; <= 0 unknown */
	double cpu_quota;		/* cgroup.cpu_quota in CPUs; NaN none */
} gb_jsonl_labels;

/* The labels of a run labelled 'label' in environment e (pointers into e). */
void gb_jsonl_labels_of(gb_jsonl_labels *l, const gb_env *e, const char *label);

/* One metric of one run. */
typedef struct gb_jsonl_metric {
	const char *bench, *name, *unit;
	int lower;			/* better = "lower" */
	double median, mean, cv;	/* "value" is the median; NaN prints null */
	long long n;			/* samples */
	int valid;			/* the run's verdict */
	const char *timestamp;		/* the run's start, UTC ISO 8601 */
} gb_jsonl_metric;

/* Write one line (compact JSON and '\n'). */
void gb_jsonl_write(FILE *f, const gb_jsonl_labels *l, const gb_jsonl_metric *m);

#endif
