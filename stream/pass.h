/* pass.h - one STREAM pass (pass.c). */
#ifndef GB_STREAM_PASS_H
#define GB_STREAM_PASS_H

#include "report.h"
#include "stream.h"

typedef struct st_pass_cfg {
	int warmup, repeat;
	uint64_t limit_ns;	/* 0 = none */
	double tick_ns;		/* the clock's step, for STREAM's 20-tick rule */
	const char *suffix;	/* metric name suffix: "" or "_interleave" */
	const char *numa;	/* the placement obtained, for each metric */
} st_pass_cfg;

/* Initialise the arrays, run warm-up + repeat iterations of copy, scale,
 * add, triad with kernels k, check them (invalid -> gb_report_fail) and
 * add the four metrics. */
void st_pass(gb_report *r, st_arrays *ar, const st_kernels *k, const st_pass_cfg *pc);

#endif
