/* test_netlat_sock.c - gb-netlat's bounded waits (netlat/sock.c): poll
 * timeouts computed from a deadline never go negative (poll's "forever")
 * or wrap, a peer trickling bytes or reading slowly ends a transfer by
 * its deadline plus one socket timeout, accept gives up at its deadline
 * or when told to, and stopping the server from a signal handler keeps
 * the interrupted code's errno. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "tap.h"
#include "../../netlat/netlat.h"

#define MS 1000000ull

static void test_poll_ms(void)
{
	uint64_t now = 5000 * MS;
	is_int(nl_poll_ms(now - 1, now), 0, "a deadline 1 ns ago: 0 ms (poll returns at once)");
	is_int(nl_poll_ms(1, now), 0, "a deadline long ago: 0 ms, not a wrapped difference");
	is_int(nl_poll_ms(now, now), 0, "a deadline now: 0 ms");
	is_int(nl_poll_ms(now + 1, now), 1, "1 ns left: 1 ms (rounded up, never a busy 0)");
	is_int(nl_poll_ms(now + 1500 * MS, now), 1500, "1.5 s left: 1500 ms");
	is_int(nl_poll_ms(now + 36000000 * MS, now), 60000, "10 h left: capped at 60 s (then polled again)");
	is_int(nl_poll_ms(UINT64_MAX - 1, now), 60000, "the largest finite deadline: 60 s, not negative");
	is_int(nl_poll_ms(NL_NEVER, now), -1, "NL_NEVER: -1, the only way to wait forever");
	int neg = 0;
	for (uint64_t d = 0; d < 70000 * MS; d += 7 * MS + 13)
		neg += nl_poll_ms(d, 30000 * MS) < 0;
	is_int(neg, 0, "10,000 deadlines before and after now: never negative");
}

static void test_wait(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[1], "x", 1);	/* readable */
	struct pollfd pf = { sv[0], POLLIN, 0 };
	is_int(nl_wait(&pf, 1, gb_now_ns() - 1), 0, "nl_wait past the deadline: 0 even with an event pending");
	is_int(nl_wait(&pf, 1, nl_after(1)), 1, "nl_wait before it: the event");
	pf.fd = sv[1];
	uint64_t t0 = gb_now_ns();
	int r = nl_wait(&pf, 1, t0 + 100 * MS);
	double took = (double)(gb_now_ns() - t0) / 1e9;
	ok(r == 0 && took >= 0.099 && took < 2.0, "nl_wait with nothing to read: 0 at the deadline (%.3f s)", took);
	close(sv[0]);
	close(sv[1]);
}

/* one byte every 50 ms, until the other end goes */
static void *trickler(void *arg)
{
	int fd = *(int *)arg;
	for (int i = 0; i < 200; i++) {
		if (send(fd, "t", 1, MSG_NOSIGNAL) != 1)
			break;
		struct timespec t = { 0, 50000000 };
		nanosleep(&t, NULL);
	}
	return NULL;
}

/* reads 64 KiB every 20 ms (some progress within every 100 ms timeout,
 * 64 MiB in 20 s), until the other end goes */
static void *slow_reader(void *arg)
{
	int fd = *(int *)arg;
	static char b[65536];
	for (int i = 0; i < 2000; i++) {
		if (recv(fd, b, sizeof b, MSG_WAITALL) <= 0)
			break;
		struct timespec t = { 0, 20000000 };
		nanosleep(&t, NULL);
	}
	return NULL;
}

/* A connected TCP pair over 127.0.0.1 (the socket timeouts of TCP are
 * what the product relies on: one total per call); -1 without loopback. */
static int tcp_pair(int sv[2])
{
	nl_addr a;
	char err[128];
	nl_addr_parse("127.0.0.1:0", 0, &a, err, sizeof err);
	int l = nl_listen(&a, SOCK_STREAM, 1);
	if (l < 0 || nl_local(l, &a))
		return -1;
	sv[0] = nl_connect(&a, SOCK_STREAM, 1);
	sv[1] = accept(l, NULL, NULL);
	close(l);
	return sv[0] >= 0 && sv[1] >= 0 ? 0 : -1;
}

static void test_trickle(void)
{
	int sv[2];
	if (tcp_pair(sv)) {
		ok(1, "trickle tests # SKIP no IPv4 loopback (%s)", strerror(errno));
		return;
	}
	nl_timeouts(sv[0], 0.1);
	pthread_t th;
	pthread_create(&th, NULL, trickler, &sv[1]);
	char buf[1000];
	uint64_t t0 = gb_now_ns();
	int k = nl_recv_all(sv[0], buf, sizeof buf, t0 + 300 * MS);
	int e = errno;
	double took = (double)(gb_now_ns() - t0) / 1e9;
	/* bound: the deadline (0.3 s) + one socket timeout (0.1 s); slack for a
	 * loaded machine.  Either end is right: past the deadline (NL_ELATE),
	 * or a wait of one timeout with no progress at all (EAGAIN), which a
	 * starved peer thread can cause on a busy machine */
	ok(k == -1 && (e == NL_ELATE || e == EAGAIN) && took < 0.4 + 1.5,
	   "nl_recv_all: a peer trickling 1 byte / 50 ms under a 100 ms timeout ends at the deadline (%.2f s, %s)",
	   took, strerror(e));
	close(sv[0]);
	pthread_join(th, NULL);
	close(sv[1]);

	tcp_pair(sv);
	nl_timeouts(sv[0], 0.1);
	pthread_create(&th, NULL, slow_reader, &sv[1]);
	size_t n = 64u << 20;
	char *big = calloc(1, n);
	t0 = gb_now_ns();
	k = nl_send_all(sv[0], big, n, t0 + 300 * MS);
	e = errno;
	took = (double)(gb_now_ns() - t0) / 1e9;
	ok(k == -1 && (e == NL_ELATE || e == EAGAIN) && took < 0.4 + 1.5,
	   "nl_send_all: a peer reading 64 KiB / 20 ms ends the 64 MiB send at the deadline (%.2f s, %s)", took,
	   strerror(e));
	free(big);
	close(sv[0]);
	pthread_join(th, NULL);
	close(sv[1]);

	tcp_pair(sv);
	nl_timeouts(sv[0], 0.1);
	write(sv[1], buf, 10);
	close(sv[1]);
	k = nl_recv_all(sv[0], buf, sizeof buf, NL_NEVER);
	ok(k == -1 && errno == EPIPE, "nl_recv_all: EOF inside the message is EPIPE");
	close(sv[0]);
}

static void test_accept(void)
{
	nl_addr a;
	char err[128];
	nl_addr_parse("127.0.0.1:0", 0, &a, err, sizeof err);
	int l = nl_listen(&a, SOCK_STREAM, 4);
	if (l < 0) {
		ok(1, "accept tests # SKIP no IPv4 loopback (%s)", strerror(errno));
		return;
	}
	uint64_t t0 = gb_now_ns();
	int fd = nl_accept_until(l, -1, t0 + 100 * MS);
	int e = errno;
	double took = (double)(gb_now_ns() - t0) / 1e9;
	ok(fd == -1 && e == NL_ELATE && took >= 0.099 && took < 2.0, "nl_accept_until: nobody comes: NL_ELATE at the deadline (%.3f s)",
	   took);
	is_int(nl_accept_until(l, -1, gb_now_ns() - 1), -1, "nl_accept_until past its deadline: -1 at once");
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[1], "x", 1);
	fd = nl_accept_until(l, sv[0], NL_NEVER);
	ok(fd == -1 && errno == ECANCELED, "nl_accept_until: the other descriptor readable: ECANCELED");
	nl_local(l, &a);
	int c = nl_connect(&a, SOCK_STREAM, 1);
	fd = nl_accept_until(l, -1, nl_after(1));
	ok(c >= 0 && fd >= 0, "nl_accept_until: a connection");
	close(c);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	close(l);
}

static void test_stop_errno(void)
{
	nl_server_cfg cfg = { 1, 1.0, 0, -1 };
	nl_server *srv = nl_server_new(-1, &cfg);
	/* a full wake-up pipe makes the write fail (EAGAIN): errno must survive it */
	for (int i = 0; i < 70000; i++)
		nl_server_stop(srv);
	errno = EINTR;
	nl_server_stop(srv);
	is_int(errno, EINTR, "nl_server_stop (signal handlers call it) leaves errno alone, pipe full or not");
	nl_server_free(srv);
}

static void test_deadline(void)
{
	nl_hello h;
	memset(&h, 0, sizeof h);
	h.warmup_ms = 1000;
	h.duration_ms = 2000;
	is_int((long long)(nl_deadline(&h, 0.5, 7 * MS) - 7 * MS), 4500 * MS,
	       "nl_deadline: warm-up + duration + 3 timeouts after the reply");
	h.warmup_ms = h.duration_ms = NL_MAX_MS;
	ok(nl_deadline(&h, 600, gb_now_ns()) > gb_now_ns(), "nl_deadline at the protocol's caps does not wrap");
}

int main(void)
{
	test_poll_ms();
	test_wait();
	test_trickle();
	test_accept();
	test_stop_errno();
	test_deadline();
	return tap_done();
}
