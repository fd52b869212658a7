/* neighbors.h - --neighbors N[:cpu|:mem]: busy processes on the run's CPUs,
 * so a result shows how a layer degrades under its neighbours.
 *
 * One mechanism for every benchmark: the report starts them just before
 * its first reading of what disturbed the run (gb_report_init) and stops
 * them just after the second (gb_report_finish), so they run for the
 * whole measured window, and the document records them ("neighbors").
 * --plan starts none.
 *
 * Each neighbour is a process (not a thread: a thread would share the
 * benchmark's address space, its TLB shootdowns and its CPU time), pinned
 * round-robin to the run's CPUs (--cpus, else the effective set):
 *   cpu  a dependent chain of multiply-adds, no memory traffic;
 *   mem  a read-modify-write stream, one word per cache line, over a
 *        private buffer twice the size of the last-level caches (at least
 *        16 MiB), so it misses the caches and takes memory bandwidth.
 * They never outlive the run: killed and reaped at the end (and at exit,
 * by an atexit handler), killed by the kernel when the benchmark dies
 * (PR_SET_PDEATHSIG), and in the benchmark's process group, so whoever
 * signals that group (a terminal's Ctrl-C, the suite) reaches them too.
 * They are created without an exit signal and registered with
 * common/proctree as spared, so a benchmark's own process tree
 * (gb-startup launch) neither kills nor reaps them. */
#ifndef GB_NEIGHBORS_H
#define GB_NEIGHBORS_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct gb_json;

#define GB_NEIGHBORS_MAX 256
#define GB_NEIGHBORS_MEM_MIN (16ull << 20)

enum { GB_NB_CPU, GB_NB_MEM };

typedef struct gb_neighbors {
	int count, kind;	/* 0: none asked for */
	uint64_t buffer_bytes;	/* mem: each one's buffer */
	char cpus[256];		/* the CPU list they were spread over */
	pid_t pid[GB_NEIGHBORS_MAX];
	int cpu[GB_NEIGHBORS_MAX];	/* the CPU each was pinned to */
	double cpu_seconds[GB_NEIGHBORS_MAX];	/* user + system, once stopped */
	int early;		/* how many had ended before the stop (fewer neighbours than asked) */
	double wall_seconds;	/* from the start to the stop */
	uint64_t t0;
	int running;
} gb_neighbors;

/* 'spec' is --neighbors' value (gb_parse_neighbors, common/parse).
 * Start the neighbours it asks for on the CPUs in 'cpus'.  0 (nothing
 * to do for "0"), or -1 with why (no memory for the buffers, fork failed:
 * the ones started are stopped again). */
int gb_neighbors_start(gb_neighbors *nb, const char *spec, const cpu_set_t *cpus, char *why, size_t len);
/* Kill and reap them; their CPU time into nb.  Once; harmless when none. */
void gb_neighbors_stop(gb_neighbors *nb);
/* The "neighbors" member of a document (only when some were asked for). */
void gb_neighbors_json(struct gb_json *j, const gb_neighbors *nb);
/* "neighbors: 2 cpu-bound on CPUs 0-1, 3.9 CPU-seconds" for the table;
 * "" when none. */
void gb_neighbors_line(const gb_neighbors *nb, char *buf, size_t size);

#endif
