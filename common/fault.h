/* fault.h - test-only fault injection, one convention for every binary.
 *
 *   GB_FAULT=<bench>.<fault>[=<value>][,<bench>.<fault>[=<value>]...]
 *
 * e.g. GB_FAULT=stream.corrupt=a:1e-3,syscall.fail=getpid.  A binary reads
 * only the entries of its own benchmark, so one variable can be set for a
 * whole suite run and each fault lands where it was meant (a single
 * GB_TEST_CORRUPT used to mean three things to three binaries, all at
 * once).  The faults are listed in docs/testing.md; a healthy machine
 * never takes the paths they force, and without GB_FAULT none is taken. */
#ifndef GB_FAULT_H
#define GB_FAULT_H

/* The value of fault <bench>.<name>: "" when given without '=', NULL when
 * not asked for (or GB_FAULT is unset).  Points into the environment. */
const char *gb_fault_for(const char *bench, const char *name);

/* The same for this binary's benchmark (set by gb_cli_parse). */
const char *gb_fault(const char *name);

/* The benchmark gb_fault() answers for. */
extern const char *gb_fault_bench;

#endif
