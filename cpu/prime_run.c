/* prime_run.c - sysbench's CPU test as sysbench runs it: T worker
 * threads, not pinned (sysbench leaves placement to the scheduler, and so
 * do we, within --cpus when it is given), each running events back to
 * back until the time is up or the events are used up; the result is the
 * events completed divided by the time from the start to the end of the
 * last event.  As in sysbench (sb_more_events) a thread checks the clock
 * before each event and starts no event past the deadline, so the last
 * events end a little after it; and as sysbench does, every event is
 * timed (two clock reads per event of ~0.6 ms at 20000: noise).
 *
 * Meanwhile the main thread sleeps, waking at each slice boundary to
 * read the threads' counters: each slice's rate is a sample, so the
 * result has a spread (sysbench's --report-interval) without running the
 * test twice.  Each event's count is checked against the sieve's. */
#include "cpu.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fault.h"
#include "hist.h"
#include "util.h"

struct shared {
	uint32_t max_prime, expected;
	uint64_t deadline;		/* 0: no time limit */
	uint64_t max_events;		/* 0: no event limit */
	_Atomic uint64_t issued;	/* events started, when limited */
	pthread_mutex_t mu;
	pthread_cond_t start_cv, done_cv;
	int go, abort, ndone;
	uint64_t t0;
};

/* One per thread, on cache lines of its own: the main thread reads the
 * counters while the worker writes them. */
struct worker {
	_Alignas(64) _Atomic uint64_t events;
	_Atomic uint64_t busy_ns;	/* sum of the event latencies */
	uint64_t wrong, t_end, fault_at;
	uint32_t first_wrong;
	gb_hist *hist;
	struct shared *g;
	pthread_t th;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *g = w->g;

	pthread_mutex_lock(&g->mu);
	while (!g->go)
		pthread_cond_wait(&g->start_cv, &g->mu);
	int abort = g->abort;
	pthread_mutex_unlock(&g->mu);

	uint64_t ev = 0, busy = 0, end = g->t0;
	while (!abort) {
		uint64_t s = gb_now_ns();
		if (g->deadline && s >= g->deadline)
			break;
		if (g->max_events && atomic_fetch_add(&g->issued, 1) >= g->max_events)
			break;
		/* opaque to the compiler: every event is computed anew */
		uint32_t mp = g->max_prime;
		__asm__("" : "+r"(mp));
		uint32_t n = cp_prime_event(mp);
		end = gb_now_ns();
		n += ev == w->fault_at;	/* GB_FAULT cpu.corrupt=prime: one wrong count */
		if (n != g->expected && !w->wrong++)
			w->first_wrong = n;
		gb_hist_add(w->hist, end - s);
		busy += end - s;
		atomic_store_explicit(&w->events, ++ev, memory_order_relaxed);
		atomic_store_explicit(&w->busy_ns, busy, memory_order_relaxed);
	}
	w->t_end = end;
	pthread_mutex_lock(&g->mu);
	g->ndone++;
	pthread_cond_signal(&g->done_cv);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* A point of the run: when, and the counters then. */
struct mark {
	uint64_t t, ev, busy;
};

static struct mark mark_now(const struct worker *w, int n, uint64_t t)
{
	struct mark m = { t, 0, 0 };
	for (int i = 0; i < n; i++) {
		m.ev += atomic_load_explicit(&w[i].events, memory_order_relaxed);
		m.busy += atomic_load_explicit(&w[i].busy_ns, memory_order_relaxed);
	}
	return m;
}

/* One slice's samples: its rate, and its mean event latency when it saw
 * an event end.  Returns whether a latency sample was added. */
static int add_slice(cp_prime_result *res, struct mark a, struct mark b)
{
	uint64_t dev = b.ev - a.ev, dt = b.t - a.t;
	res->rate[res->nslices++] = dt ? (double)dev * 1e9 / (double)dt : 0;
	if (dev)
		res->lat_ms[res->nlat++] = (double)(b.busy - a.busy) / (double)dev / 1e6;
	return dev != 0;
}

static void timespec_at(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
}

/* The slices: a time-limited run cut into 'slices', a run by events
 * into seconds. */
static uint64_t slice_ns(double seconds, int slices)
{
	return seconds > 0 ? (uint64_t)(seconds * 1e9 / slices) : 1000000000u;
}

/* Sleep until every worker is done, closing a slice at each boundary;
 * *open is where the last (still open) slice began, *closed where the
 * one before it did, and *lat whether that one had a latency sample. */
static void watch(struct shared *g, struct worker *w, int threads, double seconds, int slices,
		  cp_prime_result *res, struct mark *open, struct mark *closed, int *lat)
{
	uint64_t slice = slice_ns(seconds, slices);
	int k = 1;
	pthread_mutex_lock(&g->mu);
	while (g->ndone < threads) {
		/* the last slice ends with the run */
		if ((seconds > 0 && k >= slices) || res->nslices + 1 >= res->cap) {
			pthread_cond_wait(&g->done_cv, &g->mu);
			continue;
		}
		struct timespec ts;
		timespec_at(&ts, g->t0 + (uint64_t)k * slice);
		if (pthread_cond_timedwait(&g->done_cv, &g->mu, &ts) != ETIMEDOUT)
			continue;
		pthread_mutex_unlock(&g->mu);
		struct mark m = mark_now(w, threads, gb_now_ns());
		*lat = add_slice(res, *open, m);
		*closed = *open;
		*open = m;
		k++;
		pthread_mutex_lock(&g->mu);
	}
	pthread_mutex_unlock(&g->mu);
}

int cp_prime_run(const cp_cfg *cfg, int threads, double seconds, int slices, uint32_t expected,
		 cp_prime_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	res->threads = threads;
	/* by events the number of slices is not known: room for a day's */
	res->cap = seconds > 0 ? slices : 86400;
	res->rate = gb_xcalloc((size_t)res->cap, sizeof *res->rate);
	res->lat_ms = gb_xcalloc((size_t)res->cap, sizeof *res->lat_ms);
	res->per_thread = gb_xcalloc((size_t)threads, sizeof *res->per_thread);
	res->hist = gb_xmalloc(sizeof *res->hist);
	gb_hist_init(res->hist);

	struct shared g;
	memset(&g, 0, sizeof g);
	g.max_prime = (uint32_t)cfg->max_prime;
	g.expected = expected;
	g.max_events = (uint64_t)cfg->events;
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.start_cv, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);	/* slice boundaries are gb_now_ns() times */
	pthread_cond_init(&g.done_cv, &ca);
	pthread_condattr_destroy(&ca);

	struct worker *w = aligned_alloc(64, sizeof *w * (size_t)threads);
	if (!w)
		gb_die(GB_EXIT_INVALID, "out of memory for %d threads", threads);
	memset(w, 0, sizeof *w * (size_t)threads);
	const char *fault = gb_fault("corrupt");
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (cfg->cpus_given)	/* else inherited, as sysbench's threads are */
		pthread_attr_setaffinity_np(&attr, sizeof cfg->cpus, &cfg->cpus);
	int started = 0, rc = 0;
	for (; started < threads; started++) {
		struct worker *x = &w[started];
		x->g = &g;
		x->hist = gb_xmalloc(sizeof *x->hist);
		gb_hist_init(x->hist);
		x->fault_at = started == 0 && fault && !strcmp(fault, "prime") ? 0 : UINT64_MAX;
		if ((rc = pthread_create(&x->th, &attr, worker_main, x))) {
			free(x->hist);
			snprintf(err, errlen, "cannot start prime thread %d of %d: %s", started + 1, threads,
				 strerror(rc));
			break;
		}
	}
	pthread_attr_destroy(&attr);

	pthread_mutex_lock(&g.mu);
	g.t0 = gb_now_ns();
	g.deadline = seconds > 0 ? g.t0 + (uint64_t)(seconds * 1e9) : 0;
	g.go = 1;
	g.abort = rc != 0;
	pthread_cond_broadcast(&g.start_cv);
	pthread_mutex_unlock(&g.mu);

	struct mark open = { g.t0, 0, 0 }, closed = open;
	int lat = 0;
	if (!rc)
		watch(&g, w, threads, seconds, slices, res, &open, &closed, &lat);
	uint64_t t_end = g.t0;
	for (int i = 0; i < started; i++) {
		pthread_join(w[i].th, NULL);
		res->per_thread[i] = atomic_load(&w[i].events);
		res->events += res->per_thread[i];
		if (w[i].wrong && !res->wrong)
			res->first_wrong = w[i].first_wrong;
		res->wrong += w[i].wrong;
		if (w[i].t_end > t_end)
			t_end = w[i].t_end;
		gb_hist_merge(res->hist, w[i].hist);
		free(w[i].hist);
	}
	if (!rc) {
		/* the last slice, to the end of the last event; one shorter
		 * than half a slice (a run by events ends anywhere) joins the
		 * one before: a rate over a few events is mostly quantisation */
		struct mark end = mark_now(w, threads, t_end);
		if (res->nslices && t_end - open.t < slice_ns(seconds, slices) / 2) {
			res->nslices--;
			res->nlat -= lat;
			open = closed;
		}
		add_slice(res, open, end);
		res->seconds = (double)(t_end - g.t0) / 1e9;
	}
	free(w);
	pthread_cond_destroy(&g.start_cv);
	pthread_cond_destroy(&g.done_cv);
	pthread_mutex_destroy(&g.mu);
	return rc ? -1 : 0;
}

void cp_prime_free(cp_prime_result *res)
{
	free(res->rate);
	free(res->lat_ms);
	free(res->per_thread);
	free(res->hist);
	memset(res, 0, sizeof *res);
}
