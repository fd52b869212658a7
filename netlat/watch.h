/* watch.h - a watchdog for a blocking socket loop.
 *
 * SO_RCVTIMEO arms and cancels a kernel timer around every blocking
 * receive, and an idle vCPU with a timer pending pays for reprogramming
 * its clock event (a VM exit) - measurable on a cross-CPU round trip.
 * The tcp_rr loops therefore block with no timeout, and this thread shuts
 * the socket down (which wakes the blocked call) when the loop has made
 * no progress for the timeout - a dead or hung peer still ends the test -
 * or when the session's deadline passes, so a peer that does make
 * progress, however slowly, cannot keep it going either.  The loop itself
 * reads no clock for it. */
#ifndef NL_WATCH_H
#define NL_WATCH_H

#include <pthread.h>
#include <stdint.h>

typedef struct nl_watch {
	int fd;
	uint64_t timeout_ns;
	uint64_t deadline;	/* CLOCK_MONOTONIC ns; NL_NEVER: none */
	uint64_t progress;	/* bumped by the loop (relaxed atomic store) */
	int stop, fired;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running;
} nl_watch;

/* Why the watchdog shut the socket down. */
enum { NL_WATCH_IDLE = 1, NL_WATCH_LATE = 2 };

/* Start watching fd; 0, or -1 (then the caller falls back to SO_RCVTIMEO
 * and checks the deadline itself). */
int nl_watch_start(nl_watch *w, int fd, double timeout_s, uint64_t deadline_ns);
static inline void nl_watch_tick(nl_watch *w, uint64_t v) { __atomic_store_n(&w->progress, v, __ATOMIC_RELAXED); }
static inline int nl_watch_fired(nl_watch *w) { return __atomic_load_n(&w->fired, __ATOMIC_ACQUIRE); }
/* Stop and join; 0, or why the watchdog shut the socket down. */
int nl_watch_end(nl_watch *w);

#endif
