/* ops.h - the operations gb-syscall times.
 *
 * Each operation is a row in the table of syscall.c: an optional set-up
 * that may declare the operation unavailable here (with errno and reason),
 * a timed loop (clock.h's gb_loop_fn: the loop is inside, so timing adds
 * nothing per call) and a tear-down.  A loop that sees a wrong result
 * (validation) returns sc_fail(): GB_LOOP_FAIL, with the reason in the
 * context. */
#ifndef GB_SYSCALL_OPS_H
#define GB_SYSCALL_OPS_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include "clock.h"

typedef struct sc_ctx {
	char error[256];	/* validation failure, set by the loop */
	char why[256];		/* set-up: why the operation is unavailable */
	int err;		/* set-up: errno behind 'why' (0 if none) */
	void *priv;		/* the operation's own state */
	int cpu_a, cpu_b;	/* placement for two-thread operations */
	/* operations on more CPUs (TLB shootdowns) place themselves: the
	 * CPUs they may use, how many (a CPU quota caps it), who set them,
	 * and, filled by the set-up, the CPUs it used ("0,1,2") */
	const cpu_set_t *place;
	int nplace;
	const char *place_from;
	char cpus_used[256];
	const char *regime;	/* set-up: the state of the woken CPU, when it matters */
} sc_ctx;

typedef struct sc_op {
	const char *name;	/* metric name (the JSON contract) */
	const char *what;	/* one line for --help and docs */
	int (*setup)(sc_ctx *c);	/* 0 ready, -1 unavailable (why, err) */
	gb_loop_fn loop;	/* ctx is the sc_ctx */
	void (*teardown)(sc_ctx *c);
	uint64_t max_iters;	/* bound per sample, 0 = none */
	uint64_t bytes_per_iter;	/* memory one iteration keeps until the sample ends */
	int cpus;		/* pinned threads: 0 not pinned, 1 on cpu_a, 2 on cpu_a and cpu_b */
} sc_op;

/* Defined in the ops_*.c files, gathered by the table in syscall.c. */
extern const sc_op sc_ops_kernel[];	/* ops_kernel.c: plain system calls */
extern const sc_op sc_ops_memory[];	/* ops_memory.c: mmap, page faults, TLB shootdowns */
extern const sc_op sc_ops_ipc[];	/* ops_ipc.c: pipe, futex, signal */
extern const sc_op sc_ops_cpu[];	/* ops_cpu.c: CPUID, RDTSC(P) */
extern const sc_op sc_ops_uring[];	/* ops_uring.c: io_uring NOP */

/* Raw system calls without glibc's wrapper (errno handling, caching). */
static inline long sc_raw0(long nr)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

static inline long sc_raw2(long nr, long a, long b)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

uint64_t sc_fail(sc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sc_unavailable(sc_ctx *c, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The entry point: bin/gb-syscall, and `guestbench syscall` (registry/). */
int syscall_main(int argc, char **argv);

#endif
