/* server.c - the gb-netlat server: accept loop, session table, limits.
 *
 * The server faces untrusted networks (iperf3's and netperf's servers
 * did not, and paid for it in CVEs), so:
 *   - at most max_sessions sessions at once, one thread each with a small
 *     stack; further connections get a "busy" reply and are closed;
 *   - every wait has an absolute deadline (sock.h): each control message
 *     and data connection must come within --timeout, and the session as
 *     a whole ends by its hard deadline (nl_deadline: warm-up + duration
 *     + 3 timeouts) plus one timeout for the final exchange, whatever the
 *     peer does - silence, a trickle, junk, a flood - and its slot is
 *     free again;
 *   - every field is range-checked (proto.c) before anything is sized by
 *     it, so memory per session is bounded by the protocol's limits
 *     (<= 2 MiB of buffers), whatever a peer sends;
 *   - any framing error closes that connection and the server goes on:
 *     nothing here calls exit() or assert() on peer data;
 *   - UDP answers go only to the 4-tuple registered by a live control
 *     session (the UDP socket is connected to it) and carry its cookie. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "netlat.h"
#include "util.h"

#define SESSION_STACK (256 * 1024)
#define DATA_BACKLOG 128

struct nl_server {
	int lfd;
	int wake[2];		/* self-pipe: nl_server_stop wakes the accept loop */
	nl_server_cfg cfg;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int active;		/* sessions running */
	long long served;	/* sessions that got past the hello */
	volatile sig_atomic_t stop;	/* set by nl_server_stop, also from a signal handler */
};

typedef struct sess_arg {
	nl_server *srv;
	int fd;
} sess_arg;

typedef int (*serve_fn)(nl_session *);
static const serve_fn serve[NL_NTESTS + 1] = {
	NULL, nl_serve_tcp_rr, nl_serve_udp_rr, nl_serve_tcp_crr, nl_serve_stream, nl_serve_maerts,
};

static void reply(int fd, int status, uint64_t cookie, unsigned port, const char *text)
{
	nl_reply r;
	memset(&r, 0, sizeof r);
	r.status = (uint16_t)status;
	r.cookie = cookie;
	r.data_port = (uint16_t)port;
	gb_strlcpy(r.text, text, sizeof r.text);
	unsigned char m[NL_REPLY_LEN];
	nl_reply_encode(&r, m);
	/* never block on a peer that does not read */
	if (send(fd, m, sizeof m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		gb_info("reply: %s", nl_errname(errno));
}

int nl_accept_data(nl_session *s)
{
	for (;;) {
		/* a timeout for each connection and its cookie, never past the deadline */
		int fd = nl_accept_until(s->data, s->ctrl, nl_earlier(nl_after(s->timeout_s), s->deadline));
		if (fd < 0) {
			if (errno == ECANCELED)
				snprintf(s->error, sizeof s->error, "the client gave up before its data connection");
			else if (errno == NL_ELATE)
				snprintf(s->error, sizeof s->error, "no data connection within %g s", s->timeout_s);
			else
				snprintf(s->error, sizeof s->error, "data connection: %s", nl_errname(errno));
			return -1;
		}
		unsigned char ck[8];
		uint64_t until = nl_earlier(nl_after(s->timeout_s), s->deadline);
		if (nl_recv_until(fd, ck, sizeof ck, until) == 1 && nl_get64(ck) == s->cookie)
			return fd;
		s->rejected++;	/* someone else's connection: closed, keep waiting */
		close(fd);
	}
}

/* The data socket of a session, on the control connection's local
 * address: a TCP listener, or for udp_rr a UDP socket connected to the
 * client's address and registered port. */
static int open_data(nl_session *s, unsigned *port)
{
	nl_addr local, peer;
	if (nl_local(s->ctrl, &local) || nl_peer(s->ctrl, &peer))
		return -1;
	nl_addr_set_port(&local, 0);
	int fd;
	if (s->h.test == NL_UDP_RR) {
		fd = nl_listen(&local, SOCK_DGRAM, 0);
		nl_addr_set_port(&peer, s->h.udp_port);
		if (fd >= 0 && connect(fd, (const struct sockaddr *)&peer.ss, peer.len)) {
			close(fd);
			return -1;
		}
	} else {
		fd = nl_listen(&local, SOCK_STREAM, DATA_BACKLOG);
		/* inherited by every accepted connection (one set-up per tcp_crr listener) */
		if (fd >= 0 && (nl_timeouts(fd, s->timeout_s) || nl_nodelay(fd))) {
			close(fd);
			return -1;
		}
	}
	if (fd < 0 || nl_local(fd, &local)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = nl_addr_port(&local);
	return fd;
}

/* The session's very end: the deadline plus one timeout for the final
 * exchange (the data phase ends by then too: its last wait began before
 * the deadline and lasts one timeout at most). */
static uint64_t final_end(const nl_session *s)
{
	return s->deadline + (uint64_t)(s->timeout_s * 1e9);
}

/* Wait for the client's NL_DONE (skipping a NL_STOP); 0 or -1. */
static int read_done(nl_session *s, nl_done *d)
{
	uint64_t until = nl_earlier(nl_after(s->timeout_s), final_end(s));
	for (int i = 0; i < 2; i++) {
		unsigned char m[NL_DONE_LEN];
		if (nl_recv_until(s->ctrl, m, sizeof m, until) != 1)
			return -1;
		if (nl_done_decode(m, d))
			return -1;
		if (d->kind == NL_DONE)
			return 0;
	}
	return -1;
}

static void session(nl_server *srv, int fd)
{
	nl_session s;
	memset(&s, 0, sizeof s);
	s.ctrl = fd;
	s.data = -1;
	s.timeout_s = srv->cfg.timeout_s;
	nl_timeouts(fd, s.timeout_s);

	unsigned char m[NL_HELLO_LEN];
	int k = nl_recv_until(fd, m, sizeof m, nl_after(s.timeout_s));
	if (k != 1) {
		gb_info("session: no complete hello (%s)", k == 0 ? "closed" : nl_errname(errno));
		return;
	}
	const char *why = nl_hello_decode(m, &s.h);
	if (why) {
		gb_info("session: refused: %s", why);
		reply(fd, NL_BAD, 0, 0, why);
		return;
	}
	s.cookie = nl_cookie();
	unsigned port = 0;
	if ((s.data = open_data(&s, &port)) < 0) {
		reply(fd, NL_FAIL, 0, 0, "server cannot open its data socket");
		return;
	}
	/* the session's hard end: whatever the peer does, it is over by then */
	s.deadline = nl_deadline(&s.h, s.timeout_s, gb_now_ns());
	reply(fd, NL_OK, s.cookie, port, "ok");
	pthread_mutex_lock(&srv->lock);
	srv->served++;
	pthread_mutex_unlock(&srv->lock);

	int rc = serve[s.h.test](&s);
	close(s.data);
	s.data = -1;
	if (rc)
		gb_info("session %s: %s", nl_test_name(s.h.test), s.error);
	if (s.rejected)
		gb_info("session %s: %llu foreign connections or datagrams ignored", nl_test_name(s.h.test),
			(unsigned long long)s.rejected);

	nl_done d;
	if (read_done(&s, &d))
		return;	/* the client vanished: nothing to tell it */
	nl_final f = { rc ? NL_FAIL : NL_OK, s.bytes, s.transactions, s.errors, nl_cpu_now() };
	unsigned char fm[NL_FINAL_LEN];
	nl_final_encode(&f, fm);
	nl_send_all(fd, fm, sizeof fm, final_end(&s));
}

static void *session_thread(void *p)
{
	sess_arg a = *(sess_arg *)p;
	free(p);
	session(a.srv, a.fd);
	close(a.fd);
	/* everything under the lock: once active reaches 0 and the lock is
	 * released, nl_server_free may free srv */
	pthread_mutex_lock(&a.srv->lock);
	a.srv->active--;
	if (a.srv->cfg.sessions && a.srv->served >= a.srv->cfg.sessions && !a.srv->active)
		nl_server_stop(a.srv);
	pthread_cond_broadcast(&a.srv->idle);
	pthread_mutex_unlock(&a.srv->lock);
	return NULL;
}

nl_server *nl_server_new(int listen_fd, const nl_server_cfg *cfg)
{
	nl_server *srv = gb_xcalloc(1, sizeof *srv);
	srv->lfd = listen_fd;
	srv->cfg = *cfg;
	if (pipe2(srv->wake, O_CLOEXEC | O_NONBLOCK))
		gb_die(GB_EXIT_INVALID, "pipe: %s", strerror(errno));
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->idle, NULL);
	return srv;
}

void nl_server_stop(nl_server *srv)
{
	int e = errno;	/* called from signal handlers: the interrupted code's errno stays */
	srv->stop = 1;
	char c = 1;
	if (write(srv->wake[1], &c, 1) < 0) {
		/* full pipe: a wake-up is already pending */
	}
	errno = e;
}

static void spawn(nl_server *srv, int fd)
{
	pthread_mutex_lock(&srv->lock);
	int full = srv->active >= srv->cfg.max_sessions;
	if (!full)
		srv->active++;
	pthread_mutex_unlock(&srv->lock);
	if (full) {
		char msg[NL_MSG_TEXT];
		snprintf(msg, sizeof msg, "server busy: %d sessions running (--max-sessions)",
			 srv->cfg.max_sessions);
		reply(fd, NL_BUSY, 0, 0, msg);
		close(fd);
		return;
	}
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, SESSION_STACK);
	sess_arg *a = gb_xmalloc(sizeof *a);
	a->srv = srv;
	a->fd = fd;
	pthread_t t;
	if (pthread_create(&t, &at, session_thread, a)) {
		free(a);
		reply(fd, NL_FAIL, 0, 0, "server out of threads");
		close(fd);
		pthread_mutex_lock(&srv->lock);
		srv->active--;
		pthread_mutex_unlock(&srv->lock);
	}
	pthread_attr_destroy(&at);
}

void nl_server_serve(nl_server *srv)
{
	if (srv->cfg.cpu >= 0)
		nl_pin(srv->cfg.cpu);	/* session threads inherit it */
	while (!srv->stop) {
		/* out of descriptors, this waits for sessions to end, not spins */
		int fd = nl_accept_until(srv->lfd, srv->wake[0], NL_NEVER);
		if (fd >= 0)
			spawn(srv, fd);
		else if (errno != ECANCELED) {
			gb_warnx("server: accept: %s; stopping", strerror(errno));
			break;
		}
	}
}

void nl_server_free(nl_server *srv)
{
	/* sessions end by their own deadlines; wait at most about one timeout
	 * (each is already past its data phase or will time out) */
	uint64_t until = gb_now_ns() + (uint64_t)((srv->cfg.timeout_s + 1) * 1e9);
	pthread_mutex_lock(&srv->lock);
	while (srv->active && gb_now_ns() < until) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&srv->idle, &srv->lock, &ts);
	}
	int left = srv->active;
	pthread_mutex_unlock(&srv->lock);
	if (left)
		return;	/* a session still runs: leave its memory alone; the process ends anyway */
	close(srv->wake[0]);
	close(srv->wake[1]);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->idle);
	free(srv);
}
