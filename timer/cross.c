/* cross.c - "another CPU wakes me": a waiter pinned to the target CPU
 * sleeps in FUTEX_WAIT; the caller, pinned to another CPU, takes a
 * timestamp and calls FUTEX_WAKE; the waiter reads the clock as soon as
 * it runs.  The difference is the cross-CPU wake-up: an IPI, which in a
 * VM is an exit on the sender and, on the receiver, either an interrupt
 * into a running vCPU or the host's scheduling of a vCPU that halted.
 *
 * Those two are different mechanisms with figures 20x apart, so the state
 * of the target CPU is set on purpose before each wake-up, never left to
 * chance:
 *   busy  a SCHED_IDLE spinner (common/busy.h) keeps the target running;
 *         the woken waiter preempts it at once.  A spinning waiter would
 *         not do: it would see the change without being woken at all.
 *   idle  nothing else runs there; the caller waits idle_ns (spinning on
 *         its own CPU, whose state therefore never changes) after the
 *         waiter went to sleep, so the target has been idle that long.
 * A wake-up that finds the waiter not yet asleep (FUTEX_WAIT returned at
 * once) measures nothing and is not kept.
 *
 * Both ends read CLOCK_MONOTONIC on different CPUs: mono.c checks that
 * those clocks agree (a backward step would show here as a shorter wake). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busy.h"
#include "clock.h"
#include "futex.h"
#include "team.h"
#include "timer.h"
#include "util.h"

struct tm_cross {
	pthread_t th;
	tm_cross_cfg cfg;
	cpu_set_t saved;	/* the caller's affinity, restored at the end */
	gb_busy *busy;
	const char *busy_method;
	uint32_t gen;		/* the caller's count of wake-ups */
	_Atomic uint32_t word;	/* the futex: the generation the waiter waits past */
	_Atomic uint32_t armed;	/* gen + 1: the waiter is about to wait on gen */
	_Atomic uint32_t done;	/* gen + 1: the waiter has run after the wake-up */
	_Atomic int64_t t0, t1;
	_Atomic int slept;	/* the last FUTEX_WAIT returned 0: it was asleep */
	_Atomic int stop;
	_Atomic int started;	/* 1 running, -errno could not set its priority */
};

static void *waiter(void *arg)
{
	tm_cross *x = arg;
	int e = tm_rt_apply(x->cfg.prio);
	x->started = e ? -e : 1;
	if (e)
		return NULL;
	for (uint32_t g = 0;; g++) {
		int slept = 0;
		x->armed = g + 1;
		while (x->word == g) {
			long r = gb_futex_wait(&x->word, g);
			slept = r == 0;
		}
		int64_t t1 = (int64_t)gb_now_ns();
		if (x->stop)
			return NULL;
		x->t1 = t1;
		x->slept = slept;
		x->done = g + 1;
	}
}

tm_cross *tm_cross_start(const tm_cross_cfg *cfg, char *why, size_t len)
{
	tm_cross *x = gb_xcalloc(1, sizeof *x);
	x->cfg = *cfg;
	x->busy_method = "none";
	int e = gb_pin_self_save(cfg->waker_cpu, &x->saved);
	if (e) {
		snprintf(why, len, "cannot pin the waker to CPU %d: %s", cfg->waker_cpu, strerror(e));
		free(x);
		return NULL;
	}
	e = gb_thread_on(&x->th, cfg->target_cpu, 256 * 1024, waiter, x);
	if (e) {
		snprintf(why, len, "cannot start the waiter on CPU %d: %s", cfg->target_cpu, strerror(e));
		goto fail;
	}
	while (!x->started)
		;
	if (x->started < 0) {
		pthread_join(x->th, NULL);
		e = -x->started;
		snprintf(why, len, "the waiter cannot use SCHED_FIFO %d: %s", cfg->prio, strerror(e));
		goto fail;
	}
	return x;
fail:
	gb_pin_restore(&x->saved);
	free(x);
	return NULL;
}

int tm_cross_target(tm_cross *x, tm_target t, char *why, size_t len)
{
	if (t == TM_TARGET_IDLE) {
		gb_busy_stop(x->busy);
		x->busy = NULL;
		return 0;
	}
	if (x->busy)
		return 0;
	x->busy = gb_busy_start(x->cfg.target_cpu, why, (unsigned)len);
	if (!x->busy)
		return -1;
	x->busy_method = gb_busy_method(x->busy);
	return 0;
}

const char *tm_cross_busy_method(const tm_cross *x)
{
	return x->busy_method;
}

/* The spins here have no PAUSE, as common/busy.c's: a hypervisor's
 * pause-loop exiting would yield the waker's vCPU, changing the state of
 * the one CPU meant to stay the same. */
int64_t tm_cross_once(tm_cross *x, uint64_t idle_ns)
{
	uint32_t g = x->gen++;
	while (x->armed != g + 1)	/* the waiter is on its way to sleep */
		;
	uint64_t until = gb_now_ns() + idle_ns;
	while (gb_now_ns() < until)
		;
	x->t0 = (int64_t)gb_now_ns();
	x->word = g + 1;
	gb_futex_wake(&x->word, 1);
	while (x->done != g + 1)
		;
	return x->slept ? x->t1 - x->t0 : -1;
}

void tm_cross_stop(tm_cross *x)
{
	if (!x)
		return;
	while (x->armed != x->gen + 1)
		;
	x->stop = 1;
	x->word = x->gen + 1;
	gb_futex_wake(&x->word, INT_MAX);
	pthread_join(x->th, NULL);
	gb_busy_stop(x->busy);
	gb_pin_restore(&x->saved);
	free(x);
}
