/* refusal.h - whether io_uring is allowed here, and why the kernel said no.
 *
 * The same errno means different things in different places: io_uring
 * setup fails with EPERM under Docker's default seccomp profile (>= 25.0)
 * and with kernel.io_uring_disabled=2, with ENOSYS under Podman's profile,
 * gVisor, or a kernel built without it.  Benchmarks that fall back or
 * report "unavailable" probe with gb_uring_probe (one probe, so gb-syscall
 * and gb-diskio give the same answer) and use gb_uring_refusal to say
 * which mechanism it was.  Callers link liburing. */
#ifndef GB_REFUSAL_H
#define GB_REFUSAL_H

#include <stddef.h>

/* Whether io_uring works here: a ring set up, and a NOP submitted and
 * completed, because set-up can be allowed while io_uring_enter is
 * filtered.  0, or the errno that refused it (for gb_uring_refusal). */
int gb_uring_probe(void);

/* Explain a failed io_uring_setup/enter (err = errno) in one phrase,
 * e.g. "io_uring refused by a seccomp filter (EPERM; e.g. Docker >= 25 ...)". */
void gb_uring_refusal(int err, char *buf, size_t size);

#endif
