/* engine_uring.c - one worker on io_uring: --qd reads or writes in flight,
 * a slot (buffer) each; every completion is timed, checked, and its slot
 * refilled with the next I/O, and the batch goes back to the kernel with
 * the wait for the next completion in the same io_uring_enter.
 *
 * Latency is from just before the submitting io_uring_enter to the reap
 * of the completion: what the application waits, fio's "lat". */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine_uring.h"
#include "refusal.h"
#include "util.h"
#include "verify.h"

struct slot {
	char *buf;
	uint64_t off;
	uint64_t t0;
	int write;
};

static int more(dio_worker *w, uint64_t issued, uint64_t now)
{
	if (w->res.failed)
		return 0;
	return w->budget ? issued < w->budget : now < w->deadline_ns;
}

static void prep(struct io_uring *ring, dio_worker *w, struct slot *s, unsigned idx, uint64_t *rng, int fd)
{
	const dio_job *j = w->run->job;
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);	/* never NULL: at most qd in flight */
	s->off = dio_pattern_next(&w->pat, rng, &s->write);
	if (s->write) {
		dio_prepare_write(w->run, s->buf, s->off);
		io_uring_prep_write(sqe, fd, s->buf, (unsigned)j->bs, s->off);
	} else {
		io_uring_prep_read(sqe, fd, s->buf, (unsigned)j->bs, s->off);
	}
	io_uring_sqe_set_data64(sqe, idx);
}

static void uring_worker(dio_worker *w)
{
	const dio_run *run = w->run;
	const dio_job *j = run->job;
	unsigned qd = (unsigned)j->qd;
	struct io_uring ring;
	/* one thread submits and reaps: completions can wait for our next
	 * io_uring_enter instead of interrupting us (Linux >= 6.1; older
	 * kernels say EINVAL and get a plain ring, as fio does) */
	int rc = io_uring_queue_init(qd, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	if (rc == -EINVAL)
		rc = io_uring_queue_init(qd, &ring, IORING_SETUP_COOP_TASKRUN);
	if (rc == -EINVAL)
		rc = io_uring_queue_init(qd, &ring, 0);
	if (rc < 0) {
		dio_fail(&w->res, "io_uring_queue_init(%u): %s", qd, strerror(-rc));
		return;
	}
	struct slot *slots = gb_xcalloc(qd, sizeof *slots);
	char *bufs = dio_buf_alloc(run->t, (size_t)qd * j->bs);
	uint64_t rng = run->rng_seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(w->index + 1));
	for (unsigned i = 0; i < qd; i++) {
		slots[i].buf = bufs + (size_t)i * j->bs;
		/* random content for writes without --verify: nothing to dedup */
		uint64_t *p = (uint64_t *)slots[i].buf;
		for (uint64_t k = 0; k < j->bs / 8; k++)
			p[k] = dio_rand(&rng);
	}
	unsigned *batch = gb_xcalloc(qd, sizeof *batch);	/* slots prepared, not yet submitted */
	unsigned nbatch = 0, inflight = 0;
	uint64_t issued = 0, now;
	int fd = run->t->fd;

	dio_worker_begin(w);
	/* the first round fills every slot whatever the clock says: a sample
	 * always has I/O to measure */
	for (unsigned i = 0; i < qd && (!w->budget || issued < w->budget); i++) {
		prep(&ring, w, &slots[i], i, &rng, fd);
		batch[nbatch++] = i;
		issued++;
	}
	while (nbatch || inflight) {
		now = gb_now_ns();
		for (unsigned i = 0; i < nbatch; i++)
			slots[batch[i]].t0 = now;
		inflight += nbatch;
		nbatch = 0;
		rc = io_uring_submit_and_wait(&ring, 1);
		if (rc < 0 && rc != -EINTR) {
			/* nothing more can be reaped reliably: stop here */
			dio_fail(&w->res, "io_uring_enter: %s", strerror(-rc));
			break;
		}
		now = gb_now_ns();
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			unsigned idx = (unsigned)io_uring_cqe_get_data64(cqe);
			struct slot *s = &slots[idx];
			seen++;
			inflight--;
			if (cqe->res != (int)j->bs) {
				dio_fail(&w->res, "%s of %llu bytes at offset %llu: %s", s->write ? "write" : "read",
					 (unsigned long long)j->bs, (unsigned long long)s->off,
					 cqe->res < 0 ? strerror(-cqe->res) : "short transfer");
			} else {
				gb_hist_add(w->res.lat, now - s->t0);
				w->res.ios++;
				w->res.bytes += j->bs;
				if (s->write) {
					w->res.writes++;
				} else {
					w->res.reads++;
					/* a wrong block is recorded; more() then stops the worker */
					dio_check_read(run, s->buf, s->off, &w->res);
				}
			}
			if (more(w, issued, now)) {
				prep(&ring, w, s, idx, &rng, fd);
				batch[nbatch++] = idx;
				issued++;
			}
		}
		io_uring_cq_advance(&ring, seen);
		w->end_ns = now;
	}
	io_uring_queue_exit(&ring);
	free(batch);
	/* after a failed enter, I/O may still be landing in the buffers:
	 * leaking them is safer than handing them back to malloc */
	if (!inflight)
		free(bufs);
	free(slots);
}

const dio_engine_ops dio_engine_uring = {
	.name = "io_uring",
	.what = "io_uring",
	.probe = gb_uring_probe,
	.refusal = gb_uring_refusal,
	.worker = uring_worker,
};
