/* format.h - values to text: one function per kind of value, so the same
 * value reads the same in every table, file and message. */
#ifndef GB_FORMAT_H
#define GB_FORMAT_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A number for a person: every human table (results, suite summary,
 * gb-compare) prints numbers through this one function. */
void gb_fmt_num(char *buf, size_t size, double v);

/* Shortest decimal text that reads back as the same double (JSON, CSV). */
void gb_fmt_double(char *buf, unsigned size, double v);

/* Human-readable bytes in binary units: "512 B", "4 KiB", "1.5 GiB". */
void gb_fmt_bytes(char *buf, size_t size, uint64_t bytes);

/* A CPU set as a compact list ("0-3,6"). */
void gb_fmt_cpulist(const cpu_set_t *set, char *buf, unsigned size);

/* One CSV field, RFC 4180 quoting (no separator). */
void gb_csv_field(FILE *f, const char *s);

/* Current UTC time as "2026-11-22T16:00:00Z". */
void gb_utc_now(char out[32]);

#endif
