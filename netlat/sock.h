/* sock.h - numeric addresses and the few socket chores every side needs.
 * No name resolution anywhere: a static binary has no working NSS. */
#ifndef NL_SOCK_H
#define NL_SOCK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/socket.h>

typedef struct nl_addr {
	struct sockaddr_storage ss;
	socklen_t len;
} nl_addr;

/* "1.2.3.4", "1.2.3.4:P", "::1", "[::1]", "[::1]:P" (inet_pton only).
 * A missing port becomes def_port.  0, or -1 with a reason in err. */
int nl_addr_parse(const char *text, unsigned def_port, nl_addr *a, char *err, size_t errlen);
void nl_addr_str(const nl_addr *a, char *buf, size_t size);	/* "1.2.3.4:P", "[::1]:P" */
void nl_addr_host(const nl_addr *a, char *buf, size_t size);	/* address only */
unsigned nl_addr_port(const nl_addr *a);
void nl_addr_set_port(nl_addr *a, unsigned port);
int nl_addr_family(const nl_addr *a);
int nl_addr_is_loopback(const nl_addr *a);

/* The local / peer address of a socket; 0 or -1. */
int nl_local(int fd, nl_addr *a);
int nl_peer(int fd, nl_addr *a);

/* Sockets: close-on-exec; -1 with errno on failure. */
int nl_listen(const nl_addr *a, int type, int backlog);	/* SO_REUSEADDR for TCP */
int nl_connect(const nl_addr *a, int type, double timeout_s);	/* TCP: TCP_NODELAY */
int nl_timeouts(int fd, double seconds);	/* SO_RCVTIMEO + SO_SNDTIMEO */
int nl_no_timeouts(int fd);	/* block without a timer (a watchdog guards it) */
int nl_nodelay(int fd);

/* Every wait of gb-netlat has an absolute CLOCK_MONOTONIC deadline (ns),
 * so that no peer - silent, trickling, flooding - can stretch it: the
 * session's hard end or a per-operation timeout, whichever comes first.
 * NL_NEVER is "no deadline" (the server's accept loop). */
#define NL_NEVER UINT64_MAX
/* errno of a wait that reached its deadline: ETIME, not ETIMEDOUT, which
 * TCP itself reports for a connection that died */
#define NL_ELATE ETIME
uint64_t nl_after(double seconds);	/* now + seconds, as a deadline */
static inline uint64_t nl_earlier(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* poll()'s timeout for a deadline: -1 (forever) for NL_NEVER only; else
 * the milliseconds left rounded up, 0 once past it, at most 60 s (the
 * caller polls again) - never negative, never wrapped. */
int nl_poll_ms(uint64_t deadline_ns, uint64_t now_ns);
/* poll() until an event or the deadline (EINTR retried): >0 ready, 0 the
 * deadline has passed (checked before every poll, so a flood of events
 * cannot outlast it), -1 error. */
int nl_wait(struct pollfd *pf, int n, uint64_t deadline_ns);
/* accept() on listener lfd before the deadline; gives up when 'also'
 * (another descriptor, -1 none) becomes readable.  The connection's fd,
 * or -1 with errno NL_ELATE (deadline), ECANCELED ('also' readable) or
 * the error.  Out of descriptors or memory (EMFILE ...) it waits 100 ms
 * and tries again, instead of spinning on the connection still queued. */
int nl_accept_until(int lfd, int also, uint64_t deadline_ns);

/* Whole buffers on blocking sockets whose own timeouts (SO_RCVTIMEO and
 * SO_SNDTIMEO, or a watchdog) bound each wait.  The deadline is looked at
 * after every partial transfer, so a peer moving one byte per timeout
 * ends the transfer by deadline + one timeout; a transfer done in one
 * call reads no clock.  send: 0 or -1 (errno).  recv: 1 when full, 0 on
 * EOF before the first byte, -1 on error (errno; EOF in the middle gives
 * EPIPE, no progress for a timeout EAGAIN, the deadline NL_ELATE). */
int nl_send_all(int fd, const void *buf, size_t n, uint64_t deadline_ns);
int nl_recv_all(int fd, void *buf, size_t n, uint64_t deadline_ns);

/* Receive exactly n bytes by the deadline itself (poll before each read;
 * control messages, where the extra system call costs nothing).  1 full,
 * 0 EOF before the first byte, -1 error (NL_ELATE at the deadline). */
int nl_recv_until(int fd, void *buf, size_t n, uint64_t deadline_ns);

/* Why a send/receive returned k (0 = EOF, else errno), for messages. */
const char *nl_io_why(int k, double timeout_s, char *buf, size_t size);
/* Format a failure into buf; returns -1 (the failing status of the halves). */
int nl_fail(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A short name for an errno in messages that a harness may match. */
const char *nl_errname(int err);

#endif
