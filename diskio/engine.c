/* engine.c - one sample: --jobs workers, each keeping --qd I/Os in flight
 * with the chosen engine, and what both engines share (write stamping,
 * read checking, the io_uring probe). */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "diskio.h"
#include "util.h"

void dio_fail(dio_result *res, const char *fmt, ...)
{
	if (res->failed)
		return;		/* the first error is the one worth reading */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof res->error, fmt, ap);
	va_end(ap);
	res->failed = 1;
}

void dio_prepare_write(const dio_run *run, void *buf, uint64_t off)
{
	if (run->verify)
		dio_stamp_fill(buf, run->job->bs, off, run->seed);
}

int dio_check_read(const dio_run *run, const void *buf, uint64_t off, dio_result *res)
{
	if (!run->verify)
		return 0;
	uint64_t bad;
	char why[128];
	if (dio_stamp_check(buf, run->job->bs, off, run->seed, &bad, why, sizeof why) == 0)
		return 0;
	dio_fail(res, "read-back of offset %llu: %s", (unsigned long long)bad, why);
	return -1;
}

/* Set-up can be allowed while io_uring_enter is filtered, so the probe
 * goes as far as a completed NOP, as gb-syscall's does. */
int dio_uring_probe(void)
{
	struct io_uring ring;
	int rc = io_uring_queue_init(4, &ring, 0);
	if (rc < 0)
		return -rc;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	rc = io_uring_submit_and_wait(&ring, 1);
	if (rc >= 0) {
		struct io_uring_cqe *cqe;
		rc = io_uring_peek_cqe(&ring, &cqe);
		if (rc == 0) {
			rc = cqe->res < 0 ? cqe->res : 0;
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	io_uring_queue_exit(&ring);
	return rc < 0 ? -rc : 0;
}

void dio_worker_begin(dio_worker *w)
{
	w->start_ns = gb_now_ns();
	w->deadline_ns = w->start_ns + w->duration_ns;
}

struct worker_arg {
	dio_engine e;
	dio_worker *w;
};

static void *worker_main(void *p)
{
	struct worker_arg *a = p;
	if (a->e == DIO_ENGINE_URING)
		dio_uring_worker(a->w);
	else
		dio_psync_worker(a->w);
	return NULL;
}

void dio_engine_run(dio_engine e, const dio_run *run, dio_result *res)
{
	const dio_job *j = run->job;
	int n = j->jobs > 0 ? j->jobs : 1;
	dio_worker *w = gb_xcalloc((size_t)n, sizeof *w);
	struct worker_arg *args = gb_xcalloc((size_t)n, sizeof *args);
	pthread_t *th = gb_xcalloc((size_t)n, sizeof *th);

	for (int i = 0; i < n; i++) {
		w[i].run = run;
		dio_pattern_init(&w[i].pat, j, run->t->size, i);
		/* --ios is shared out; the first workers take the remainder */
		w[i].budget = run->ios ? run->ios / (uint64_t)n + ((uint64_t)i < run->ios % (uint64_t)n) : 0;
		w[i].duration_ns = run->ios ? 0 : (uint64_t)(run->duration * 1e9);
		w[i].res.lat = gb_xmalloc(sizeof *w[i].res.lat);
		gb_hist_init(w[i].res.lat);
		w[i].index = i;
		args[i] = (struct worker_arg){ e, &w[i] };
	}
	int started = 0;
	if (n == 1) {
		worker_main(&args[0]);
		started = 1;
	} else {
		for (; started < n; started++)
			if (pthread_create(&th[started], NULL, worker_main, &args[started])) {
				dio_fail(res, "cannot start worker thread %d: %s", started, strerror(errno));
				break;
			}
		for (int i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	/* the workers run at once: the sample lasts from the first submission
	 * to the last completion (not the set-up of rings and buffers) */
	uint64_t first = UINT64_MAX, last = 0;
	for (int i = 0; i < started; i++) {
		if (w[i].res.ios && w[i].start_ns < first)
			first = w[i].start_ns;
		if (w[i].res.ios && w[i].end_ns > last)
			last = w[i].end_ns;
		res->ios += w[i].res.ios;
		res->bytes += w[i].res.bytes;
		res->reads += w[i].res.reads;
		res->writes += w[i].res.writes;
		gb_hist_merge(res->lat, w[i].res.lat);
		if (w[i].res.failed)
			dio_fail(res, "%s", w[i].res.error);
	}
	res->elapsed_ns = last > first ? last - first : 0;
	for (int i = 0; i < n; i++)
		free(w[i].res.lat);
	free(w);
	free(args);
	free(th);
}
