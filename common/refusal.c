/* refusal.c - whether io_uring is allowed here, and the mechanism behind
 * a refusal. */
#include "refusal.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "util.h"

int gb_uring_probe(void)
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

void gb_uring_refusal(int err, char *buf, size_t size)
{
	const gb_env *e = gb_env_get();
	char sysctl[16] = "";
	long have_sysctl = gb_read_text(NULL, "/proc/sys/kernel/io_uring_disabled", sysctl, sizeof sysctl);
	const char *name = strerrorname_np(err);
	name = name ? name : "?";

	if (e->gvisor == 1) {
		snprintf(buf, size, "io_uring refused by gVisor's user-space kernel (%s)", name);
	} else if (err == EPERM && have_sysctl > 0 && strcmp(sysctl, "2") == 0) {
		snprintf(buf, size, "io_uring disabled by sysctl kernel.io_uring_disabled=2 (EPERM)");
	} else if (err == EPERM && have_sysctl > 0 && strcmp(sysctl, "1") == 0 && e->uid != 0) {
		snprintf(buf, size, "io_uring disabled by sysctl kernel.io_uring_disabled=1 for users outside "
			 "kernel.io_uring_group (EPERM)");
	} else if (err == EPERM && e->seccomp == 2) {
		snprintf(buf, size, "io_uring refused by a seccomp filter (EPERM; e.g. Docker >= 25 default profile)");
	} else if (err == ENOSYS && e->seccomp == 2) {
		snprintf(buf, size, "io_uring refused by a seccomp filter or missing from the kernel (ENOSYS; "
			 "e.g. Podman's default profile)");
	} else if (err == ENOSYS) {
		snprintf(buf, size, "io_uring is not implemented here (ENOSYS: a kernel built without it, or an emulator)");
	} else if (err == ENOMEM) {
		snprintf(buf, size, "io_uring has no memory for its rings (ENOMEM; locked-memory limit?)");
	} else {
		snprintf(buf, size, "io_uring failed: %s (%s)", strerror(err), name);
	}
}
