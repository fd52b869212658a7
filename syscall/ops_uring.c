/* ops_uring.c - one io_uring NOP submitted and completed: the fixed cost
 * of the interface gb-diskio uses.  Whether this environment allows
 * io_uring at all is common/refusal.c's probe. */
#include "ops.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>

#include "refusal.h"

static int submit_nop(struct io_uring *ring, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, tag);
	int rc = io_uring_submit_and_wait(ring, 1);
	if (rc < 0)
		return rc;
	struct io_uring_cqe *cqe;
	rc = io_uring_peek_cqe(ring, &cqe);
	if (rc < 0)
		return rc;
	rc = cqe->res < 0 ? cqe->res : (io_uring_cqe_get_data64(cqe) == tag ? 0 : -EPROTO);
	io_uring_cqe_seen(ring, cqe);
	return rc;
}

static int unavailable(sc_ctx *c, int err)
{
	char why[200];
	gb_uring_refusal(err, why, sizeof why);
	return sc_unavailable(c, err, "%s", why);
}

static int setup_uring(sc_ctx *c)
{
	/* the common probe, as gb-diskio's: the same answer in both results */
	int err = gb_uring_probe();
	if (err)
		return unavailable(c, err);
	struct io_uring *ring = calloc(1, sizeof *ring);
	if (!ring)
		return sc_unavailable(c, ENOMEM, "out of memory");
	int rc = io_uring_queue_init(8, ring, 0);
	if (rc < 0) {
		free(ring);
		return unavailable(c, -rc);
	}
	c->priv = ring;
	return 0;
}

static void teardown_uring(sc_ctx *c)
{
	io_uring_queue_exit(c->priv);
	free(c->priv);
	c->priv = NULL;
}

static uint64_t loop_uring(void *ctx, uint64_t n)
{
	struct io_uring *ring = ((sc_ctx *)ctx)->priv;
	int rc = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n && rc == 0; i++)
		rc = submit_nop(ring, i + 2);
	uint64_t t = gb_now_ns() - t0;
	return rc == 0 ? t : sc_fail(ctx, "io_uring NOP failed: %s", strerror(-rc));
}

const sc_op sc_ops_uring[] = {
	{ "io_uring_nop", "an io_uring NOP submitted and reaped (io_uring_enter round trip)",
	  setup_uring, loop_uring, teardown_uring, 0, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
