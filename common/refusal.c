/* refusal.c - name the mechanism behind a refused system call. */
#include "refusal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "util.h"

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
