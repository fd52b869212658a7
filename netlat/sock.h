/* sock.h - numeric addresses and the few socket chores every side needs.
 * No name resolution anywhere: a static binary has no working NSS. */
#ifndef NL_SOCK_H
#define NL_SOCK_H

#include <stddef.h>
#include <stdint.h>
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
int nl_addr_same_host(const nl_addr *a, const nl_addr *b);	/* same address, any port */

/* The local / peer address of a socket; 0 or -1. */
int nl_local(int fd, nl_addr *a);
int nl_peer(int fd, nl_addr *a);

/* Sockets: close-on-exec; -1 with errno on failure. */
int nl_listen(const nl_addr *a, int type, int backlog);	/* SO_REUSEADDR for TCP */
int nl_connect(const nl_addr *a, int type, double timeout_s);	/* TCP: TCP_NODELAY */
int nl_timeouts(int fd, double seconds);	/* SO_RCVTIMEO + SO_SNDTIMEO */
int nl_no_timeouts(int fd);	/* block without a timer (a watchdog guards it) */
int nl_nodelay(int fd);

/* Whole buffers on blocking sockets.  send: 0 or -1 (errno).  recv: 1
 * when full, 0 on EOF before the first byte, -1 on error (errno; EOF in
 * the middle gives EPIPE, a receive timeout EAGAIN). */
int nl_send_all(int fd, const void *buf, size_t n);
int nl_recv_all(int fd, void *buf, size_t n);

/* Receive exactly n bytes before an absolute CLOCK_MONOTONIC deadline
 * (control messages, so a peer trickling bytes cannot hold a session
 * forever).  1 full, 0 EOF before the first byte, -1 error (ETIMEDOUT
 * past the deadline). */
int nl_recv_until(int fd, void *buf, size_t n, uint64_t deadline_ns);

/* Why a send/receive returned k (0 = EOF, else errno), for messages. */
const char *nl_io_why(int k, double timeout_s, char *buf, size_t size);
/* Format a failure into buf; returns -1 (the failing status of the halves). */
int nl_fail(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A short name for an errno in messages that a harness may match. */
const char *nl_errname(int err);

#endif
