/* refusal.h - why the kernel said no.
 *
 * The same errno means different things in different places: io_uring
 * setup fails with EPERM under Docker's default seccomp profile (>= 25.0)
 * and with kernel.io_uring_disabled=2, with ENOSYS under Podman's profile,
 * gVisor, or a kernel built without it.  Benchmarks that fall back or
 * report "unavailable" use this to say which one it was. */
#ifndef GB_REFUSAL_H
#define GB_REFUSAL_H

#include <stddef.h>

/* Explain a failed io_uring_setup/enter (err = errno) in one phrase,
 * e.g. "io_uring refused by a seccomp filter (EPERM; e.g. Docker >= 25 ...)". */
void gb_uring_refusal(int err, char *buf, size_t size);

#endif
