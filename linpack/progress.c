/* progress.c - a progress line during long phases.  dgetrf is one call
 * that can last minutes, so the line is refreshed by a helper thread;
 * it only exists when stderr is a terminal (and not -q), and it sleeps
 * between refreshes, so it takes no CPU from the measurement. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "linpack.h"
#include "util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static int running, stopping;
static char what[64], phase[32];
static uint64_t since;
static double estimate;

static void *ticker(void *arg)
{
	for (;;) {
		struct timespec ts = { 0, 500 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&lock);
		if (stopping) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		double el = (double)(gb_now_ns() - since) * 1e-9;
		if (el > 2 && phase[0]) {
			if (estimate > 0)
				gb_progress("%s: %s %.0f s of ~%.0f s", what, phase, el, estimate);
			else
				gb_progress("%s: %s %.0f s", what, phase, el);
		}
		pthread_mutex_unlock(&lock);
	}
}

void lp_progress_start(void)
{
	if (gb_quiet || !isatty(STDERR_FILENO) || running)
		return;
	stopping = 0;
	running = pthread_create(&thread, NULL, ticker, NULL) == 0;
}

void lp_progress_set(const char *w, const char *p, double est)
{
	pthread_mutex_lock(&lock);
	gb_strlcpy(what, w, sizeof what);
	gb_strlcpy(phase, p, sizeof phase);
	estimate = est;
	since = gb_now_ns();
	pthread_mutex_unlock(&lock);
}

void lp_progress_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = 0;
	gb_progress_done();
}
