/* watch.c - the watchdog of watch.h. */
#include <errno.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"
#include "watch.h"

#define CHECK_MAX_NS 250000000ull	/* look at least 4 times a second */

static void *watch_loop(void *arg)
{
	nl_watch *w = arg;
	uint64_t step = w->timeout_ns / 4 < CHECK_MAX_NS ? w->timeout_ns / 4 : CHECK_MAX_NS;
	uint64_t seen = __atomic_load_n(&w->progress, __ATOMIC_RELAXED), since = gb_now_ns();
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t t = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + step;
		ts.tv_sec = (time_t)(t / 1000000000ull);
		ts.tv_nsec = (long)(t % 1000000000ull);
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (w->stop)
			break;
		uint64_t now = gb_now_ns(), p = __atomic_load_n(&w->progress, __ATOMIC_RELAXED);
		int why = 0;
		if (p != seen) {
			seen = p;
			since = now;
		} else if (now - since >= w->timeout_ns)
			why = NL_WATCH_IDLE;
		if (now >= w->deadline)
			why = NL_WATCH_LATE;
		if (why) {
			/* wakes the blocked send/recv with an error or EOF; the
			 * owner still closes the descriptor (no reuse race) */
			shutdown(w->fd, SHUT_RDWR);
			__atomic_store_n(&w->fired, why, __ATOMIC_RELEASE);
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int nl_watch_start(nl_watch *w, int fd, double timeout_s, uint64_t deadline_ns)
{
	w->fd = fd;
	w->timeout_ns = (uint64_t)(timeout_s * 1e9);
	w->deadline = deadline_ns;
	w->progress = 0;
	w->stop = w->fired = 0;
	w->running = 0;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&w->lock, NULL);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	int rc = pthread_create(&w->thread, &at, watch_loop, w);
	pthread_attr_destroy(&at);
	if (rc) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		return -1;
	}
	w->running = 1;
	return 0;
}

int nl_watch_end(nl_watch *w)
{
	if (!w->running)
		return 0;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	w->running = 0;
	return w->fired;
}
