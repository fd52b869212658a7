/* team.h - a fork-join team of pinned worker threads.
 *
 * STREAM and RandomAccess need every thread to touch (first touch = NUMA
 * placement) and later use the same slice of memory, on the same CPU, with
 * a cheap start/finish barrier around each timed kernel.  Thread i is pinned
 * to the i-th CPU of the effective set (never to a CPU outside the affinity
 * mask).  The calling thread is member 0, so a 1-thread team has no
 * threads at all and no synchronisation cost. */
#ifndef GB_TEAM_H
#define GB_TEAM_H

#include <pthread.h>
#include <sched.h>

typedef struct gb_team gb_team;
typedef void (*gb_team_fn)(int tid, int nthreads, void *arg);

/* Create n members pinned to the CPUs of 'cpus' (NULL = the effective set),
 * member i on the (i mod count)-th CPU.  NULL with err filled on failure. */
gb_team *gb_team_create(int n, const cpu_set_t *cpus, char *err, unsigned errlen);

/* Run fn on every member at once and wait for all of them. */
void gb_team_run(gb_team *t, gb_team_fn fn, void *arg);

/* Barrier among all members, callable from inside fn. */
void gb_team_barrier(gb_team *t);

int gb_team_size(const gb_team *t);
int gb_team_cpu(const gb_team *t, int tid);	/* CPU member tid is pinned to, -1 unpinned */
void gb_team_destroy(gb_team *t);

/* Pin the calling thread to one CPU; 0 or an errno (EINVAL: not allowed). */
int gb_pin_self(int cpu);
/* The same for a caller that gives the CPU back later: its affinity is
 * first saved in *saved (filled even when pinning fails, which leaves the
 * affinity as it was), and gb_pin_restore(saved) puts it back. */
int gb_pin_self_save(int cpu, cpu_set_t *saved);
void gb_pin_restore(const cpu_set_t *saved);

/* Start fn(arg) in a thread created already pinned to cpu, so that a
 * refused CPU fails the creation instead of running the thread next to
 * its partner; stack 0 = the default size.  0 or an errno. */
int gb_thread_on(pthread_t *th, int cpu, size_t stack, void *(*fn)(void *), void *arg);

#endif
