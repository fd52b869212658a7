/* rr.c - the request/response tests, both halves (client and server
 * code of the product, not test code): tcp_rr and udp_rr (one
 * transaction in flight on one connection / socket pair) and tcp_crr
 * (connect, request, response, close per transaction).
 *
 * The client's timed loop does nothing per transaction but build the
 * request, two clock reads, the send and receive system calls, the
 * response check and one histogram insert: that is what keeps it level
 * with sockperf.  Every response is checked (cookie, sequence number,
 * pattern) and so is every request on the server.
 *
 * Neither side trusts the other to end: every wait is bounded by the
 * session's deadline (nl_deadline), the server's by its own, the
 * client's by the same rule - a watchdog for tcp_rr, the clock already
 * read per transaction or datagram for the others. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ivals.h"
#include "netlat.h"
#include "util.h"
#include "watch.h"

#define UDP_LOSS_NS 100000000ull	/* no answer for 100 ms: that datagram is lost */
/* the client's reason when a server holds it past the session's deadline */
#define LATE "the server held the test past its end (warm-up + duration + 3 x --timeout)"

#define CFAIL(...) nl_fail(r->error, sizeof r->error, __VA_ARGS__)
#define SFAIL(...) nl_fail(s->error, sizeof s->error, __VA_ARGS__)

/* Per-interval bookkeeping of the rr clients. */
typedef struct rr_acc {
	gb_hist *ih;		/* this interval's latencies */
	uint64_t count;
} rr_acc;

static void rr_close_interval(nl_result *r, rr_acc *a, uint64_t elapsed_ns)
{
	r->lat_p50_us[r->n] = gb_hist_quantile(a->ih, 0.5) / 1000.0;
	r->rate[r->n] = elapsed_ns ? (double)a->count * 1e9 / (double)elapsed_ns : 0;
	r->measured_ns += elapsed_ns;
	r->n++;
	gb_hist_merge(r->hist, a->ih);
	gb_hist_init(a->ih);
	a->count = 0;
}

/* Record one timed transaction; 1 when the measurement is complete. */
static inline int rr_record(nl_result *r, rr_acc *a, nl_ivals *v, uint64_t t0, uint64_t t1)
{
	if (!nl_ivals_warm(v, t1))
		return 0;
	gb_hist_add(a->ih, t1 - t0);
	a->count++;
	if (!nl_ivals_due(v, t1))
		return 0;
	rr_close_interval(r, a, t1 - v->start);
	return nl_ivals_next(v, t1);
}

typedef struct rr_bufs {
	unsigned char *req, *resp;
	rr_acc acc;
} rr_bufs;

static void rr_bufs_new(rr_bufs *b, size_t req, size_t resp)
{
	b->req = gb_xcalloc(1, req);
	b->resp = gb_xcalloc(1, resp + 1);
	b->acc.ih = gb_xmalloc(sizeof *b->acc.ih);
	gb_hist_init(b->acc.ih);
	b->acc.count = 0;
}

static void rr_bufs_free(rr_bufs *b)
{
	free(b->req);
	free(b->resp);
	free(b->acc.ih);
}

int nl_client_tcp_rr(const nl_conn *c, const nl_params *p, nl_result *r)
{
	char why[96];
	int fd = nl_connect(&c->data, SOCK_STREAM, p->timeout_s);
	if (fd < 0)
		return CFAIL("data connection: %s", nl_errname(errno));
	unsigned char ck[8];
	nl_put64(ck, c->cookie);
	if (nl_send_all(fd, ck, sizeof ck, c->deadline)) {
		close(fd);
		return CFAIL("data connection: %s", nl_errname(errno));
	}
	nl_watch w;
	if (nl_watch_start(&w, fd, p->timeout_s, c->deadline) == 0)
		nl_no_timeouts(fd);	/* else SO_RCVTIMEO and the check below stay the guard */
	rr_bufs b;
	rr_bufs_new(&b, p->req, p->resp);
	nl_ivals v;
	nl_ivals_begin(&v, p, gb_now_ns());
	int rc = 0;
	for (uint64_t seq = 0;; seq++) {
		nl_msg_fill(b.req, p->req, c->cookie, seq, 0);
		uint64_t t0 = gb_now_ns();
		if (t0 >= c->deadline) {
			rc = CFAIL("tcp_rr: %s", LATE);
			break;
		}
		if (nl_send_all(fd, b.req, p->req, c->deadline)) {
			int fired = nl_watch_end(&w);
			rc = CFAIL("tcp_rr: send: %s", fired == NL_WATCH_LATE ? LATE : fired ? "no progress (server gone?)"
											   : nl_errname(errno));
			break;
		}
		int k = nl_recv_all(fd, b.resp, p->resp, c->deadline);
		uint64_t t1 = gb_now_ns();
		if (k != 1) {
			int fired = nl_watch_end(&w);
			if (fired == NL_WATCH_LATE)
				rc = CFAIL("tcp_rr: response %llu: %s", (unsigned long long)seq, LATE);
			else if (fired)
				rc = CFAIL("tcp_rr: response %llu: none for %g s (server gone?)", (unsigned long long)seq,
					   p->timeout_s);
			else
				rc = CFAIL("tcp_rr: response %llu: %s", (unsigned long long)seq,
					   nl_io_why(k, p->timeout_s, why, sizeof why));
			break;
		}
		nl_watch_tick(&w, seq + 1);
		if (nl_msg_check(b.resp, p->resp, c->cookie, seq, 1, NULL)) {
			r->errors++;
			rc = CFAIL("tcp_rr: response %llu has the wrong content", (unsigned long long)seq);
			break;
		}
		r->transactions++;
		if (rr_record(r, &b.acc, &v, t0, t1))
			break;
	}
	nl_watch_end(&w);
	r->client_cpu = nl_cpu_now();
	close(fd);	/* the server's half ends at this EOF */
	rr_bufs_free(&b);
	return rc;
}

int nl_client_udp_rr(const nl_conn *c, const nl_params *p, nl_result *r)
{
	int fd = c->udp;
	if (connect(fd, (const struct sockaddr *)&c->data.ss, c->data.len))
		return CFAIL("udp_rr: connect: %s", nl_errname(errno));
	if (nl_timeouts(fd, UDP_LOSS_NS / 1e9))
		return CFAIL("udp_rr: socket timeouts: %s", nl_errname(errno));
	rr_bufs b;
	rr_bufs_new(&b, p->req, p->resp);
	nl_ivals v;
	nl_ivals_begin(&v, p, gb_now_ns());
	uint64_t waited = 0;	/* consecutive time without any answer */
	int rc = 0, done = 0;
	for (uint64_t seq = 0; !done && !rc; seq++) {
		nl_msg_fill(b.req, p->req, c->cookie, seq, 0);
		uint64_t t0 = gb_now_ns();
		if (t0 >= c->deadline) {
			rc = CFAIL("udp_rr: %s", LATE);
			break;
		}
		if (send(fd, b.req, p->req, 0) != (ssize_t)p->req) {
			rc = CFAIL("udp_rr: send: %s", nl_errname(errno));
			break;
		}
		for (;;) {
			/* MSG_TRUNC: the datagram's real length, so an oversized one is seen */
			ssize_t n = recv(fd, b.resp, p->resp + 1, MSG_TRUNC);
			if (n < 0 && errno == EINTR)
				continue;
			int lost = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
			if (n < 0 && !lost) {
				rc = CFAIL("udp_rr: receive: %s", nl_errname(errno));
				break;
			}
			uint64_t got = seq;
			if (n >= 0) {
				if ((size_t)n != p->resp || nl_msg_check(b.resp, p->resp, c->cookie, UINT64_MAX, 1, &got)) {
					r->errors++;
					rc = CFAIL("udp_rr: response %llu has the wrong size or content (%zd bytes)",
						   (unsigned long long)seq, n);
					break;
				}
				/* the late answer to a request already counted lost: wait
				 * on, but only for what is left of this request's 100 ms
				 * (a server repeating old answers cannot hold the loop) */
				if (got < seq && gb_now_ns() - t0 < UDP_LOSS_NS)
					continue;
				lost = got < seq;
			}
			if (lost) {
				r->lost++;
				waited += UDP_LOSS_NS;
				if ((double)waited / 1e9 >= p->timeout_s)
					rc = CFAIL("udp_rr: no response for %g s (server gone?)", p->timeout_s);
				break;	/* a new request with the next sequence number */
			}
			if (got != seq) {
				r->errors++;
				rc = CFAIL("udp_rr: answer to request %llu never sent", (unsigned long long)got);
				break;
			}
			uint64_t t1 = gb_now_ns();
			waited = 0;
			r->transactions++;
			done = rr_record(r, &b.acc, &v, t0, t1);
			break;
		}
	}
	/* tell the server right away (it also notices the control message) */
	unsigned char end[NL_MIN_MSG];
	nl_msg_fill(end, sizeof end, c->cookie, UINT64_MAX, 0);
	send(fd, end, sizeof end, MSG_DONTWAIT);
	r->client_cpu = nl_cpu_now();
	rr_bufs_free(&b);
	return rc;
}

int nl_client_tcp_crr(const nl_conn *c, const nl_params *p, nl_result *r)
{
	char why[96];
	rr_bufs b;
	rr_bufs_new(&b, p->req, p->resp);
	nl_ivals v;
	nl_ivals_begin(&v, p, gb_now_ns());
	int rc = 0;
	for (uint64_t seq = 0;; seq++) {
		nl_msg_fill(b.req, p->req, c->cookie, seq, 0);
		uint64_t t0 = gb_now_ns();
		if (t0 >= c->deadline) {
			rc = CFAIL("tcp_crr: %s", LATE);
			break;
		}
		int fd = nl_connect(&c->data, SOCK_STREAM, p->timeout_s);
		if (fd < 0) {
			rc = CFAIL("tcp_crr: connect %llu: %s", (unsigned long long)seq, nl_errname(errno));
			break;
		}
		int k = -1;
		char eof;
		if (nl_send_all(fd, b.req, p->req, c->deadline) == 0)
			k = nl_recv_all(fd, b.resp, p->resp, c->deadline);
		/* the server closes first (its side keeps TIME_WAIT, so a long run
		 * does not exhaust this side's ephemeral ports) */
		if (k == 1 && recv(fd, &eof, 1, 0) != 0)
			k = -2;
		close(fd);
		uint64_t t1 = gb_now_ns();
		if (k != 1) {
			rc = CFAIL("tcp_crr: transaction %llu: %s", (unsigned long long)seq,
				   k == -2 ? "the server did not close after its response"
					   : nl_io_why(k, p->timeout_s, why, sizeof why));
			break;
		}
		if (nl_msg_check(b.resp, p->resp, c->cookie, seq, 1, NULL)) {
			r->errors++;
			rc = CFAIL("tcp_crr: response %llu has the wrong content", (unsigned long long)seq);
			break;
		}
		r->transactions++;
		if (rr_record(r, &b.acc, &v, t0, t1))
			break;
	}
	r->client_cpu = nl_cpu_now();
	rr_bufs_free(&b);
	return rc;
}

/* ---- server halves ---- */

int nl_serve_tcp_rr(nl_session *s)
{
	char why[96];
	int fd = nl_accept_data(s);
	if (fd < 0)
		return -1;
	nl_nodelay(fd);
	/* the watchdog ends the loop when idle and at the deadline; without
	 * it, the socket's timeouts and a clock read per transaction do */
	nl_watch w;
	int watched = nl_watch_start(&w, fd, s->timeout_s, s->deadline) == 0;
	if (watched)
		nl_no_timeouts(fd);	/* (inherited from the listener) */
	else
		nl_timeouts(fd, s->timeout_s);
	unsigned char *req = gb_xmalloc(s->h.req), *resp = gb_xmalloc(s->h.resp);
	int rc = 0;
	for (uint64_t seq = 0;; seq++) {
		int k = nl_recv_all(fd, req, s->h.req, s->deadline);
		if (k == 0 && !nl_watch_fired(&w))
			break;	/* the client's half is over */
		if (k != 1) {
			int fired = nl_watch_end(&w);
			rc = SFAIL("tcp_rr: request %llu: %s", (unsigned long long)seq,
				   fired == NL_WATCH_LATE ? "the session outlived its duration"
				   : fired		  ? "idle past the timeout"
							  : nl_io_why(k, s->timeout_s, why, sizeof why));
			break;
		}
		nl_watch_tick(&w, seq + 1);
		if (nl_msg_check(req, s->h.req, s->cookie, seq, 0, NULL)) {
			s->errors++;
			rc = SFAIL("tcp_rr: request %llu has the wrong content", (unsigned long long)seq);
			break;
		}
		nl_msg_fill(resp, s->h.resp, s->cookie, seq, 1);
		if (nl_test_corrupt == NL_TCP_RR && seq == 100)
			resp[s->h.resp - 1] ^= 1;
		if (nl_send_all(fd, resp, s->h.resp, s->deadline)) {
			int fired = nl_watch_end(&w);
			rc = SFAIL("tcp_rr: send: %s", fired == NL_WATCH_LATE ? "the session outlived its duration"
						       : fired		      ? "idle past the timeout"
									      : nl_errname(errno));
			break;
		}
		s->transactions++;
		if (!watched && gb_now_ns() >= s->deadline) {
			rc = SFAIL("tcp_rr: the session outlived its duration");
			break;
		}
	}
	nl_watch_end(&w);
	close(fd);
	free(req);
	free(resp);
	return rc;
}

/* Is the control connection readable (the client's "done" or its close)? */
static int ctrl_ready(const nl_session *s)
{
	struct pollfd pf = { s->ctrl, POLLIN, 0 };
	return poll(&pf, 1, 0) > 0;
}

int nl_serve_udp_rr(nl_session *s)
{
	int fd = s->data;
	nl_timeouts(fd, UDP_LOSS_NS / 1e9);
	unsigned char *req = gb_xmalloc(s->h.req + 1), *resp = gb_xmalloc(s->h.resp);
	int rc = 0;
	for (;;) {
		/* the socket is connected to the registered client: the kernel
		 * drops datagrams from anyone else, and replies go only there */
		ssize_t n = recv(fd, req, s->h.req + 1, MSG_TRUNC);
		/* every datagram and every receive timeout looks at the clock:
		 * datagrams at any rate, right or wrong, end by the deadline */
		if (gb_now_ns() >= s->deadline) {
			rc = SFAIL("udp_rr: the session outlived its duration");
			break;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNREFUSED) {
			rc = SFAIL("udp_rr: receive: %s", nl_errname(errno));
			break;
		}
		/* nothing, or not this session's (too short for a cookie, or
		 * another cookie): never answered, not the client's error either;
		 * a client that closed its control connection is gone */
		if (n < NL_MIN_MSG || nl_get64(req) != s->cookie) {
			if (n >= 0)
				s->rejected++;
			if (ctrl_ready(s))
				break;
			continue;
		}
		uint64_t seq;
		if (n == NL_MIN_MSG && nl_get64(req + 8) == UINT64_MAX)
			break;	/* the client's end marker */
		if ((size_t)n != s->h.req || nl_msg_check(req, s->h.req, s->cookie, UINT64_MAX, 0, &seq)) {
			s->errors++;	/* the cookie is the client's: its own error; never answered */
			continue;
		}
		nl_msg_fill(resp, s->h.resp, s->cookie, seq, 1);
		if (nl_test_corrupt == NL_UDP_RR && s->transactions == 100)
			resp[s->h.resp - 1] ^= 1;
		send(fd, resp, s->h.resp, 0);	/* a lost reply is the client's loss count */
		s->transactions++;
	}
	free(req);
	free(resp);
	return rc;
}

int nl_serve_tcp_crr(nl_session *s)
{
	unsigned char *req = gb_xmalloc(s->h.req), *resp = gb_xmalloc(s->h.resp);
	int rc = 0;
	for (;;) {
		/* accepted sockets inherit the listener's timeouts and TCP_NODELAY */
		int fd = nl_accept_until(s->data, s->ctrl, s->deadline);
		if (fd < 0) {
			if (errno == ECANCELED)
				break;	/* the client is done (or gone) */
			rc = errno == NL_ELATE ? SFAIL("tcp_crr: the session outlived its duration")
					       : SFAIL("tcp_crr: accept: %s", nl_errname(errno));
			break;
		}
		/* one request: a timeout to arrive, never past the deadline */
		uint64_t until = nl_earlier(nl_after(s->timeout_s), s->deadline);
		uint64_t seq;
		if (nl_recv_all(fd, req, s->h.req, until) != 1 || nl_get64(req) != s->cookie) {
			s->rejected++;	/* not a request of this session */
			close(fd);
			continue;
		}
		if (nl_msg_check(req, s->h.req, s->cookie, UINT64_MAX, 0, &seq)) {
			s->errors++;
			close(fd);
			rc = SFAIL("tcp_crr: a request has the wrong content");
			break;
		}
		nl_msg_fill(resp, s->h.resp, s->cookie, seq, 1);
		if (nl_test_corrupt == NL_TCP_CRR && s->transactions == 10)
			resp[s->h.resp - 1] ^= 1;
		int sent = nl_send_all(fd, resp, s->h.resp, until) == 0;
		close(fd);
		if (sent)
			s->transactions++;
	}
	free(req);
	free(resp);
	return rc;
}
