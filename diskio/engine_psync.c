/* engine_psync.c - one worker without io_uring: a thread per queue slot,
 * each doing blocking pread/pwrite, so --qd 128 is 128 I/Os in flight as
 * with fio's psync engine and numjobs=128.  This is what runs where
 * io_uring is refused (Docker >= 25, Podman, gVisor, the sysctl).
 *
 * Latency is the time of one pread/pwrite call. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "engine_psync.h"
#include "util.h"
#include "verify.h"

struct slot_thread {
	dio_worker *w;
	pthread_t th;
	struct gate *go;
	int *stop;		/* set by a failed slot: the others stop too */
	uint64_t *issued;	/* shared I/O count against the budget */
	uint64_t rng;
	char *buf;
	uint64_t end_ns;
	dio_result res;
};

/* Every thread starts at once, when the gate opens: a mutex and a
 * condition rather than a barrier, because a barrier would need the count
 * of threads that actually started, known only afterwards. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open;
};

static void gate_wait(struct gate *g)
{
	pthread_mutex_lock(&g->mu);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->mu);
	g->open = 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static void *slot_main(void *p)
{
	struct slot_thread *s = p;
	dio_worker *w = s->w;
	const dio_run *run = w->run;
	const dio_job *j = run->job;
	int fd = run->t->fd;
	uint64_t now;

	gate_wait(s->go);
	now = gb_now_ns();
	for (int first = 1;; first = 0) {
		if (w->budget) {
			if (__atomic_fetch_add(s->issued, 1, __ATOMIC_RELAXED) >= w->budget)
				break;
		} else if (now >= w->deadline_ns && !first) {
			/* the first I/O goes whatever the clock says: a slot
			 * woken late still has I/O to measure */
			break;
		}
		/* one failed slot stops the others at their next I/O */
		if (__atomic_load_n(s->stop, __ATOMIC_RELAXED))
			break;
		int write;
		uint64_t off = dio_pattern_next(&w->pat, &s->rng, &write);
		if (write)
			dio_prepare_write(run, s->buf, off);
		uint64_t t0 = gb_now_ns();
		ssize_t n = write ? pwrite(fd, s->buf, j->bs, (off_t)off) : pread(fd, s->buf, j->bs, (off_t)off);
		now = gb_now_ns();
		if (n != (ssize_t)j->bs) {
			dio_fail(&s->res, "%s of %llu bytes at offset %llu: %s", write ? "write" : "read",
				 (unsigned long long)j->bs, (unsigned long long)off,
				 n < 0 ? strerror(errno) : "short transfer");
			__atomic_store_n(s->stop, 1, __ATOMIC_RELAXED);
			break;
		}
		gb_hist_add(s->res.lat, now - t0);
		s->res.ios++;
		s->res.bytes += j->bs;
		if (write) {
			s->res.writes++;
		} else {
			s->res.reads++;
			if (dio_check_read(run, s->buf, off, &s->res) < 0) {
				__atomic_store_n(s->stop, 1, __ATOMIC_RELAXED);
				break;
			}
		}
	}
	s->end_ns = now;
	return NULL;
}

static void psync_worker(dio_worker *w)
{
	const dio_run *run = w->run;
	const dio_job *j = run->job;
	unsigned qd = (unsigned)j->qd;
	struct slot_thread *s = gb_xcalloc(qd, sizeof *s);
	char *bufs = dio_buf_alloc(run->t, (size_t)qd * j->bs);
	struct gate go = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	int stop = 0;
	uint64_t issued = 0;
	unsigned started = 0;

	for (unsigned i = 0; i < qd; i++) {
		s[i].w = w;
		s[i].go = &go;
		s[i].stop = &stop;
		s[i].issued = &issued;
		s[i].rng = run->rng_seed ^ (0x9e3779b97f4a7c15ull * ((uint64_t)w->index * 4096 + i + 1));
		s[i].buf = bufs + (size_t)i * j->bs;
		uint64_t *p = (uint64_t *)s[i].buf;
		for (uint64_t k = 0; k < j->bs / 8; k++)
			p[k] = dio_rand(&s[i].rng);
		s[i].res.lat = gb_xmalloc(sizeof *s[i].res.lat);
		gb_hist_init(s[i].res.lat);
	}
	/* small stacks: 128 threads must not cost 1 GiB of address space */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (; started < qd; started++)
		if (pthread_create(&s[started].th, &attr, slot_main, &s[started]))
			break;
	pthread_attr_destroy(&attr);
	if (started < qd) {
		/* the threads that did start stop at once: a run with fewer
		 * slots than asked would be a different measurement */
		dio_fail(&w->res, "cannot start I/O thread %u of %u (thread limit?)", started + 1, qd);
		stop = 1;
	}
	dio_worker_begin(w);
	gate_open(&go);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(s[i].th, NULL);
		dio_result_add(&w->res, &s[i].res);
		if (s[i].end_ns > w->end_ns)
			w->end_ns = s[i].end_ns;
	}
	for (unsigned i = 0; i < qd; i++)
		free(s[i].res.lat);
	free(bufs);
	free(s);
}

/* a thread per slot: qd x jobs threads, each with a small stack */
#define MAX_THREADS 4096

static int psync_check(const dio_job *job, char *msg, size_t msglen)
{
	long long threads = (long long)job->qd * job->jobs;
	if (threads <= MAX_THREADS)
		return 0;
	snprintf(msg, msglen, "psync needs qd x jobs = %lld threads; at most %d", threads, MAX_THREADS);
	return -1;
}

const dio_engine_ops dio_engine_psync = {
	.name = "psync",
	.what = "a thread per queue slot",
	.check = psync_check,
	.worker = psync_worker,
};
