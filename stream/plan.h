/* plan.h - gb-stream's array size and thread placement (plan.c). */
#ifndef GB_STREAM_PLAN_H
#define GB_STREAM_PLAN_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "util.h"

/* A bandwidth no machine reaches yet (1 TB/s): with it, 20 clock ticks
 * give the smallest array that can satisfy STREAM's timing rule. */
#define ST_PLAN_FAST_BPS 1e12

typedef struct st_plan {
	uint64_t elements;	/* per array */
	uint64_t bytes;		/* per array */
	uint64_t llc;		/* sum of the last-level caches (or the guess) */
	uint64_t mem;		/* effective memory, 0 unknown */
} st_plan;

/* Per-array size: 'asked' (--size, 0 = self-size).  Warnings go to
 * 'warn'; returns 0, or GB_EXIT_ENV with err filled when the arrays
 * cannot fit (nothing has been allocated). */
int st_plan_size(st_plan *p, uint64_t asked, int quick, gb_pages pages, gb_strlist *warn,
		 char *err, size_t errlen);

/* The CPUs the team uses for one NUMA mode, from 'base' (--cpus or the
 * effective set): on several nodes, local keeps every thread on the node
 * of the first CPU unless --cpus chose them; cross keeps them on the node
 * whose memory is avoided.  0 or GB_EXIT_ENV. */
int st_plan_cpus(const gb_numa *nm, const cpu_set_t *base, int cpus_given, cpu_set_t *out,
		 char *err, size_t errlen);

#endif
