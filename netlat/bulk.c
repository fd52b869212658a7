/* bulk.c - bulk throughput, both halves (client and server code of the
 * product, not test code): tcp_stream (client sends) and tcp_maerts
 * (server sends).
 *
 * Large writes (--chunk, 128 KiB by default like iperf3) and receives of
 * the same size.  Verification is kept cheap so it never limits the
 * figure: an 8-byte stamp per 4 KiB of stream offset, checked by the
 * receiver, and both sides' byte counts compared through the control
 * connection at the end.  Throughput is measured by the client: bytes
 * that completed a send (stream) or a receive (maerts) per interval.
 *
 * Each chunk is moved under the socket's timeouts and the session's
 * deadline (sock.h), on both sides: a peer that trickles, reads one byte
 * at a time or never stops sending ends the test by the deadline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ivals.h"
#include "netlat.h"
#include "util.h"

/* how often a sending server looks for the client's "stop": every MiB */
#define STOP_CHECK_BYTES (1u << 20)

/* the client's reason when a server holds it past the session's deadline */
#define LATE "the server held the test past its end (warm-up + duration + 3 x --timeout)"

#define CFAIL(...) nl_fail(r->error, sizeof r->error, __VA_ARGS__)
#define SFAIL(...) nl_fail(s->error, sizeof s->error, __VA_ARGS__)

/* A page-aligned, touched buffer: no page faults inside the timed loop. */
static unsigned char *chunk_buf(size_t n)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, n))
		gb_die(GB_EXIT_INVALID, "out of memory (%zu bytes)", n);
	memset(p, 0x5a, n);
	return p;
}

static int data_conn(const nl_conn *c, const nl_params *p, nl_result *r)
{
	int fd = nl_connect(&c->data, SOCK_STREAM, p->timeout_s);
	if (fd < 0)
		return CFAIL("data connection: %s", nl_errname(errno));
	unsigned char ck[8];
	nl_put64(ck, c->cookie);
	if (nl_send_all(fd, ck, sizeof ck, c->deadline)) {
		close(fd);
		return CFAIL("data connection: %s", nl_errname(errno));
	}
	return fd;
}

/* Account a chunk that completed at 'now'; 1 when every interval is measured. */
static int account(nl_result *r, nl_ivals *v, uint64_t *ibytes, size_t chunk, uint64_t now)
{
	if (!nl_ivals_warm(v, now))
		return 0;
	*ibytes += chunk;
	if (!nl_ivals_due(v, now))
		return 0;
	uint64_t ns = now - v->start;
	r->rate[r->n++] = ns ? (double)*ibytes * 8.0 / (double)ns : 0;	/* bits per ns = Gbit/s */
	r->measured_bytes += *ibytes;
	r->measured_ns += ns;
	*ibytes = 0;
	return nl_ivals_next(v, now);
}

int nl_client_stream(const nl_conn *c, const nl_params *p, nl_result *r)
{
	char why[96];
	int fd = data_conn(c, p, r);
	if (fd < 0)
		return -1;
	unsigned char *buf = chunk_buf(p->chunk);
	nl_ivals v;
	nl_ivals_begin(&v, p, gb_now_ns());
	uint64_t ibytes = 0;
	int rc = 0;
	for (;;) {
		nl_stamp_fill(buf, p->chunk, r->bytes, c->cookie);
		if (nl_test_corrupt == NL_TCP_STREAM && r->bytes == 4 * (uint64_t)p->chunk)
			buf[NL_STAMP] ^= 1;	/* the second stamp of the fifth chunk */
		if (nl_send_all(fd, buf, p->chunk, c->deadline)) {
			rc = CFAIL("tcp_stream: send: %s", nl_io_why(-1, p->timeout_s, why, sizeof why));
			break;
		}
		r->bytes += p->chunk;
		uint64_t now = gb_now_ns();
		if (account(r, &v, &ibytes, p->chunk, now))
			break;
		if (now >= c->deadline) {
			rc = CFAIL("tcp_stream: %s", LATE);
			break;
		}
	}
	r->client_cpu = nl_cpu_now();
	close(fd);	/* queued data still goes out; the server reads to this EOF */
	free(buf);
	return rc;
}

int nl_client_maerts(const nl_conn *c, const nl_params *p, nl_result *r)
{
	char why[96];
	int fd = data_conn(c, p, r);
	if (fd < 0)
		return -1;
	unsigned char *buf = chunk_buf(p->chunk);
	nl_ivals v;
	nl_ivals_begin(&v, p, gb_now_ns());
	uint64_t ibytes = 0;
	int rc = 0, measuring = 1;
	for (;;) {
		int k = nl_recv_all(fd, buf, p->chunk, c->deadline);
		if (k == 0 && !measuring)
			break;	/* the server stopped as asked */
		if (k != 1) {
			rc = CFAIL("tcp_maerts: %s", k == 0 ? "the server stopped sending before the end"
							   : nl_io_why(k, p->timeout_s, why, sizeof why));
			break;
		}
		uint64_t bad = nl_stamp_check(buf, p->chunk, r->bytes, c->cookie);
		if (bad) {
			r->errors += bad;
			rc = CFAIL("tcp_maerts: %llu wrong stamps in the 4 KiB blocks at offset %llu",
				   (unsigned long long)bad, (unsigned long long)r->bytes);
			break;
		}
		r->bytes += p->chunk;
		uint64_t now = gb_now_ns();
		if (now >= c->deadline) {	/* e.g. a server that never stops when told to */
			rc = CFAIL("tcp_maerts: %s", LATE);
			break;
		}
		if (measuring && account(r, &v, &ibytes, p->chunk, now)) {
			measuring = 0;	/* ask the server to stop, then drain to its EOF */
			unsigned char m[NL_DONE_LEN];
			nl_done stop = { NL_STOP, 0, 0 };
			nl_done_encode(&stop, m);
			if (nl_send_all(c->ctrl, m, sizeof m, c->deadline)) {
				rc = CFAIL("tcp_maerts: control connection: %s", nl_errname(errno));
				break;
			}
		}
	}
	r->client_cpu = nl_cpu_now();
	close(fd);
	free(buf);
	return rc;
}

/* ---- server halves ---- */

/* The session's data connection, with its timeouts, and a chunk buffer. */
static int accept_stream(nl_session *s, unsigned char **buf)
{
	int fd = nl_accept_data(s);
	if (fd < 0)
		return -1;
	nl_timeouts(fd, s->timeout_s);
	*buf = chunk_buf(s->h.chunk);
	return fd;
}

int nl_serve_stream(nl_session *s)
{
	char why[96];
	unsigned char *buf;
	int fd = accept_stream(s, &buf);
	if (fd < 0)
		return -1;
	int rc = 0;
	for (;;) {
		int k = nl_recv_all(fd, buf, s->h.chunk, s->deadline);
		if (k == 0)
			break;
		if (k < 0) {
			rc = SFAIL("tcp_stream: %s", errno == EPIPE ? "the stream ended inside a chunk"
							      : nl_io_why(k, s->timeout_s, why, sizeof why));
			break;
		}
		uint64_t bad = nl_stamp_check(buf, s->h.chunk, s->bytes, s->cookie);
		s->errors += bad;
		s->bytes += s->h.chunk;
		if (gb_now_ns() > s->deadline) {
			rc = SFAIL("tcp_stream: the session outlived its duration");
			break;
		}
	}
	close(fd);
	free(buf);
	return rc;
}

int nl_serve_maerts(nl_session *s)
{
	char why[96];
	unsigned char *buf;
	int fd = accept_stream(s, &buf);
	if (fd < 0)
		return -1;
	/* the client says stop; the hello's duration is only the upper bound */
	uint64_t end = gb_now_ns() + ((uint64_t)s->h.warmup_ms + s->h.duration_ms) * 1000000ull;
	if (end > s->deadline)
		end = s->deadline;
	uint64_t since_check = 0;
	int rc = 0;
	for (;;) {
		nl_stamp_fill(buf, s->h.chunk, s->bytes, s->cookie);
		if (nl_test_corrupt == NL_TCP_MAERTS && s->bytes == 4 * (uint64_t)s->h.chunk)
			buf[NL_STAMP] ^= 1;
		if (nl_send_all(fd, buf, s->h.chunk, s->deadline)) {
			rc = SFAIL("tcp_maerts: send: %s", nl_io_why(-1, s->timeout_s, why, sizeof why));
			break;
		}
		s->bytes += s->h.chunk;
		since_check += s->h.chunk;
		if (since_check >= STOP_CHECK_BYTES) {
			since_check = 0;
			/* a peeked byte on the control connection is the stop (read by the session) */
			char b;
			if (recv(s->ctrl, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || gb_now_ns() >= end)
				break;
		}
	}
	shutdown(fd, SHUT_WR);
	close(fd);
	free(buf);
	return rc;
}
