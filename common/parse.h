/* parse.h - text to values, strictly: the whole string must be consumed.
 * Every function returns 0, or -1 on junk, empty input or overflow (the
 * output is then untouched). */
#ifndef GB_PARSE_H
#define GB_PARSE_H

#include <sched.h>
#include <stdint.h>

#include "mem.h"
#include "neighbors.h"

/* Decimal integers and numbers (no NaN). */
int gb_parse_u64(const char *s, uint64_t *out);
int gb_parse_i64(const char *s, int64_t *out);
int gb_parse_double(const char *s, double *out);

/* Sizes with binary suffixes as fio and dd read them: 4k, 1.5G, 512MiB. */
int gb_parse_size(const char *s, uint64_t *out);
/* Durations: 5ms, 30s, 2m, 1h (a bare number is seconds). */
int gb_parse_duration(const char *s, double *seconds);

/* A CPU list such as "0-3,6,8-9". */
int gb_parse_cpulist(const char *text, cpu_set_t *set);

/* Memory modes: "auto|4k|thp|2m|1g" and "local|interleave|node:N|cross". */
int gb_parse_pages(const char *s, gb_pages *out);
int gb_parse_numa(const char *s, gb_numa *out);

/* --neighbors: "N", "N:cpu" or "N:mem", N from 0 to GB_NEIGHBORS_MAX;
 * the kind is GB_NB_CPU (also for N alone) or GB_NB_MEM. */
int gb_parse_neighbors(const char *s, int *count, int *kind);

#endif
