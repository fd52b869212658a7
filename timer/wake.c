/* wake.c - cyclictest's measurement: one pinned thread per CPU sleeps to
 * an absolute deadline on CLOCK_MONOTONIC every interval and records how
 * late it woke (now - deadline).
 *
 * The loop is kept as lean as cyclictest's (next deadline, sleep, read
 * the clock, subtract, store): the lateness goes into a preallocated,
 * pre-touched array and everything else (histograms, blocks) is done after
 * the last wake-up.  Deadlines are absolute, so the time spent between
 * wake-ups never shifts the next one, and a wake-up later than a whole
 * interval skips the deadlines already past (tm_next_deadline) instead of
 * recording wake-ups that never slept.
 *
 * The timerfd variant sleeps to the very same deadlines in read() on a
 * timerfd armed one-shot at each absolute deadline: only the way the
 * thread is woken differs (an hrtimer that wakes a sleeping task vs. one
 * that makes a file descriptor readable). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "team.h"
#include "timer.h"
#include "util.h"

/* The threads start one after another and each takes its first deadline
 * from its own start, as cyclictest's do: their deadlines are not
 * aligned (cyclictest -A aligns them; coincident timers on every CPU are
 * another figure, with the host's timer work bunched together).  With
 * --align all start from one whole second plus an offset, as with
 * cyclictest --secaligned: two tools measuring side by side at the same
 * time then never wake together (docs/timer.md). */
struct waker {
	const tm_wake_cfg *cfg;
	tm_wake_cpu *res;
	struct timespec base;	/* --align: the common start */
};

/* Sleep until *deadline: 0, or an errno. */
static int sleep_nanosleep(int fd, const struct timespec *deadline)
{
	(void)fd;
	int e;
	while ((e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL)) == EINTR)
		;
	return e;
}

static int sleep_timerfd(int fd, const struct timespec *deadline)
{
	struct itimerspec its = { .it_interval = { 0, 0 }, .it_value = *deadline };
	uint64_t expirations;
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) != 0)
		return errno;
	while (read(fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
		if (errno != EINTR)
			return errno;
	return 0;
}

static int (*const sleepers[])(int, const struct timespec *) = { sleep_nanosleep, sleep_timerfd };
static const char *const sleeper_names[] = { "clock_nanosleep", "timerfd" };

static void *waker_main(void *arg)
{
	struct waker *w = arg;
	const tm_wake_cfg *c = w->cfg;
	tm_wake_cpu *r = w->res;
	int (*sleep_until)(int, const struct timespec *) = sleepers[c->kind];
	int fd = -1;

	if (c->kind == TM_TIMERFD && (fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) < 0) {
		r->err = errno;
		snprintf(r->what, sizeof r->what, "timerfd_create");
	} else if ((r->err = tm_rt_apply(c->prio))) {
		snprintf(r->what, sizeof r->what, "sched_setscheduler(SCHED_FIFO %d)", c->prio);
	} else if (c->prio == 0 && c->slack_ns) {
		/* probed by the caller, which records a refusal: not fatal */
		prctl(PR_SET_TIMERSLACK, (unsigned long)c->slack_ns, 0, 0, 0);
	}
	if (r->err)
		goto out;

	struct timespec next, now;
	uint64_t total = c->warmup + c->loops, i, n = 0;
	clock_gettime(CLOCK_MONOTONIC, &next);
	if (c->align_ns >= 0)
		next = w->base;
	int64_t stop = c->limit_ns ? tm_ts_ns(&next) + (int64_t)c->limit_ns : INT64_MAX;
	tm_ts_add(&next, c->interval_ns);
	for (i = 0; i < total; i++) {
		int e = sleep_until(fd, &next);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (e) {
			r->err = e;
			snprintf(r->what, sizeof r->what, "%s", sleeper_names[c->kind]);
			break;
		}
		if (i >= c->warmup)
			r->late[n++] = tm_store_ns(tm_late_ns(&now, &next));
		r->overruns += tm_next_deadline(&next, &now, c->interval_ns);
		if (tm_ts_ns(&now) >= stop)
			break;
	}
	r->n = n;
out:
	if (fd >= 0)
		close(fd);
	return NULL;
}

int tm_wake_run(const tm_wake_cfg *cfg, tm_wake_cpu *res, char *why, size_t len)
{
	pthread_t *th = gb_xcalloc((size_t)cfg->ncpu, sizeof *th);
	struct waker *w = gb_xcalloc((size_t)cfg->ncpu, sizeof *w);
	int started = 0, err = 0;
	struct timespec now, base = { 0, 0 };
	if (cfg->align_ns >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		base = tm_align_base(&now, cfg->align_ns);
	}

	for (int i = 0; i < cfg->ncpu; i++) {
		memset(&res[i], 0, sizeof res[i]);
		res[i].cpu = cfg->cpu[i];
		res[i].late = gb_xmalloc((cfg->loops ? cfg->loops : 1) * sizeof *res[i].late);
		/* touched now: no page fault inside the loop, and locked by
		 * mlockall(MCL_CURRENT) when that was allowed */
		memset(res[i].late, 0, cfg->loops * sizeof *res[i].late);
	}
	for (int i = 0; i < cfg->ncpu; i++) {
		w[i] = (struct waker){ cfg, &res[i], base };
		/* a small stack: with MCL_FUTURE every thread's stack is locked */
		err = gb_thread_on(&th[i], cfg->cpu[i], 256 * 1024, waker_main, &w[i]);
		if (err) {
			snprintf(why, len, "cannot start the thread for CPU %d: %s", cfg->cpu[i], strerror(err));
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	free(w);
	if (err)
		return err;
	/* nothing measured anywhere: the environment refused the mechanism */
	int any = 0;
	for (int i = 0; i < cfg->ncpu; i++)
		any |= res[i].n > 0;
	if (!any && res[0].err) {
		snprintf(why, len, "%s: %s", res[0].what, strerror(res[0].err));
		return res[0].err;
	}
	return 0;
}

void tm_wake_free(tm_wake_cpu *res, int n)
{
	for (int i = 0; i < n; i++) {
		free(res[i].late);
		res[i].late = NULL;
	}
}
