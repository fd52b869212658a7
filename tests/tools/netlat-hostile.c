/* netlat-hostile - a misbehaving gb-netlat peer, for tests/bench/netlat.sh.
 *
 *   netlat-hostile ADDR PORT CASE [ARG...]         a hostile client of a server
 *   netlat-hostile ADDR PORT serve CASE            a hostile server (PORT 0: any),
 *                                                  prints "port P" when listening
 *
 * Speaks the control protocol from its description in docs/netlat.md
 * (written separately from netlat/proto.c on purpose: the wire format is
 * the contract).  Each client case exits 0 when the server behaved as the
 * hardening promises, 1 otherwise, with one line saying what happened:
 *   oversize     request size 2 MiB            -> status 2 (bad), closed
 *   ffff         every length 0xFFFFFFFF       -> status 2, closed
 *   udpsize      udp_rr request of 65508 bytes -> status 2, closed
 *   magic        wrong magic                   -> status 2, closed
 *   version      version 99                    -> status 2, closed
 *   garbage      4 KiB of random bytes         -> status 2, closed
 *   truncated    half a hello, then EOF        -> closed, no reply
 *   stall SECS   half a hello, then nothing    -> closed within SECS, no reply
 *   idle N SECS  N silent connections: those past the session cap get
 *                status 1 (busy) at once; the server closes the others
 *                within SECS.  Prints "busy=B closed=C".
 *   hold N SECS  N silent connections held open for SECS, then closed
 *                (exhausts a server's descriptors; always exits 0)
 *   udp          a real udp_rr session: a datagram from an unregistered
 *                port and one with a wrong cookie get no answer, a correct
 *                one does
 *   udpshort     a udp_rr session where short and foreign-cookie datagrams
 *                from the registered port come first: the server's final
 *                report counts no payload error (they are not the client's)
 *   datacookie   a tcp_rr data connection with a wrong cookie is closed
 *
 * Session cases: a session of 1 ms (no warm-up) against a server whose
 * --timeout is T seconds has its hard deadline 3 T after the reply; the
 * server must close the control connection by deadline + T, i.e. 4 T
 * (+ 2 s of slack), whatever this peer does, and the session slot must
 * then take a new session (run the server with --max-sessions 1):
 *   silentdata T       tcp_rr: 6 data connections that never send the cookie
 *   trickle TEST T     TEST crr|stream|rr with 1 MiB messages: one byte
 *                      every T/3 on the data connection (crr: a new
 *                      connection whenever the server closes one)
 *   slowrr T           tcp_rr: correct transactions, one every T/2, forever
 *   udpflood T         udp_rr: as many junk datagrams as it can (short,
 *                      wrong cookie, garbage) from the registered port
 *   crrflood T         tcp_crr: connection after connection with a wrong cookie
 *   udpjunk T          udp_rr: closes its control connection, then sends junk
 *                      datagrams (20 per second) from the registered port; the
 *                      slot must be free again within the same bound
 *
 * Server cases (the client must give up by itself, exit 1; the shell
 * times it):
 *   maerts     tcp_maerts data, correct, that never stops when told to
 *   udpstale   udp_rr: answers request 0, then only repeats that answer
 *   crrtrickle tcp_crr: the response (1 MiB expected) one byte every 0.2 s */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x474e4c54u
#define SLACK 2.0	/* seconds allowed beyond a bound: scheduling on a loaded machine */

static struct sockaddr_storage srv;
static socklen_t srvlen;

static void be32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void be16(unsigned char *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void be64(unsigned char *p, uint64_t v) { be32(p, (uint32_t)(v >> 32)); be32(p + 4, (uint32_t)v); }
static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const unsigned char *p) { return (uint32_t)rd16(p) << 16 | rd16(p + 2); }
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) << 32 | rd32(p + 4); }
static uint16_t port_of(const struct sockaddr_storage *a) { return ntohs(((const struct sockaddr_in *)a)->sin_port); }
static void set_port(struct sockaddr_storage *a, uint16_t p) { ((struct sockaddr_in *)a)->sin_port = htons(p); }	/* same offset in sin6 */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void nap(double s)
{
	struct timespec t = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	nanosleep(&t, NULL);
}

/* hello: magic "GNLT", version 1, test, req, resp, chunk, warmup_ms,
 * duration_ms, udp_port, zeros to 48 bytes */
static void hello(unsigned char m[48], uint32_t magic, uint16_t ver, uint16_t test, uint32_t req,
		  uint32_t resp, uint32_t chunk, uint32_t dur, uint16_t udp_port)
{
	memset(m, 0, 48);
	be32(m, magic);
	be16(m + 4, ver);
	be16(m + 6, test);
	be32(m + 8, req);
	be32(m + 12, resp);
	be32(m + 16, chunk);
	be32(m + 20, 0);
	be32(m + 24, dur);
	be16(m + 28, udp_port);
}

/* A request or response as docs/netlat.md defines it: cookie, sequence
 * number, then byte k of the body is (phase + k) * 167 + 13, phase =
 * (seq + 128 for a response) mod 256. */
static void msg_fill(unsigned char *b, size_t len, uint64_t cookie, uint64_t seq, int resp)
{
	be64(b, cookie);
	be64(b + 8, seq);
	unsigned phase = (unsigned)((seq + (resp ? 128 : 0)) & 255);
	for (size_t k = 16; k < len; k++)
		b[k] = (unsigned char)((phase + (k - 16)) * 167u + 13u);
}

/* A TCP connection to a; -1 when refused (a data socket already closed). */
static int try_conn(const struct sockaddr_storage *a)
{
	int fd = socket(a->ss_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)a, srvlen)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int conn_to(const struct sockaddr_storage *a)
{
	int fd = try_conn(a);
	if (fd < 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static int conn(void) { return conn_to(&srv); }

/* Read until n bytes, EOF or timeout; returns bytes read, -1 timeout
 * before anything, -2 error. */
static int readn(int fd, unsigned char *b, int n, int ms)
{
	int got = 0;
	while (got < n) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, ms);
		if (r == 0)
			return got ? got : -1;
		ssize_t k = recv(fd, b + got, (size_t)(n - got), 0);
		if (k == 0)
			return got;
		if (k < 0)
			return errno == ECONNRESET ? got : -2;
		got += (int)k;
	}
	return got;
}

/* after a reply the server must close: EOF (or reset) within 2 s */
static int closed_after(int fd)
{
	unsigned char b[16];
	return readn(fd, b, 1, 2000) == 0;
}

static int expect_bad(const unsigned char *msg, size_t len, const char *what)
{
	int fd = conn();
	send(fd, msg, len, MSG_NOSIGNAL);
	unsigned char r[96];
	int k = readn(fd, r, 96, 3000);
	int ok = k == 96 && rd16(r + 6) == 2 && closed_after(fd);
	printf("%s: reply %d bytes, status %d, text '%.64s'\n", what, k, k == 96 ? rd16(r + 6) : -1,
	       k == 96 ? (char *)r + 32 : "");
	close(fd);
	return ok ? 0 : 1;
}

static int case_idle(int n, double secs)
{
	int *fds = calloc((size_t)n, sizeof *fds), busy = 0, closed = 0, silent = 0;
	for (int i = 0; i < n; i++) {
		fds[i] = conn();
		usleep(20000);	/* let the server count this one before the next */
	}
	unsigned char r[96];
	for (int i = 0; i < n; i++) {	/* refused ones got "busy" right away */
		int k = readn(fds[i], r, 96, 200);
		if (k == 96 && rd16(r + 6) == 1) {
			busy++;
			close(fds[i]);
			fds[i] = -1;
		}
	}
	double end = now() + secs;
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		int left = (int)((end - now()) * 1000);
		int k = readn(fds[i], r, 1, left > 0 ? left : 1);
		if (k == 0)
			closed++;	/* the server gave up on the silent peer */
		else
			silent++;
		close(fds[i]);
	}
	printf("busy=%d closed=%d still-open=%d\n", busy, closed, silent);
	free(fds);
	return silent ? 1 : 0;
}

static int case_hold(int n, double secs)
{
	int made = 0;
	int *fds = calloc((size_t)n, sizeof *fds);
	for (int i = 0; i < n; i++) {
		fds[i] = socket(srv.ss_family, SOCK_STREAM, 0);
		/* past the server's descriptors the kernel still completes the
		 * handshake into the backlog: connect succeeds */
		made += fds[i] >= 0 && connect(fds[i], (struct sockaddr *)&srv, srvlen) == 0;
	}
	printf("hold: %d connections held for %g s\n", made, secs);
	fflush(stdout);
	nap(secs);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/* ---- sessions ---- */

typedef struct sess {
	int ctrl;
	uint64_t cookie;
	struct sockaddr_storage data;	/* the server's data socket */
	double t0;			/* when the reply arrived */
} sess;

/* A UDP socket on the control connection's local address (its port is
 * what a udp_rr hello registers). */
static int udp_local(int ctrl, uint16_t *port)
{
	struct sockaddr_storage loc;
	socklen_t ll = sizeof loc;
	getsockname(ctrl, (struct sockaddr *)&loc, &ll);
	set_port(&loc, 0);
	int fd = socket(loc.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&loc, ll)) {
		perror("udp socket");
		exit(1);
	}
	getsockname(fd, (struct sockaddr *)&loc, &ll);
	*port = port_of(&loc);
	return fd;
}

/* Start a session; 0, or -1 (printed) when the server refused it.  A
 * "busy" is retried for 2 s: the session before (a normal client's) frees
 * its slot just after that client has its final report. */
static int open_session(sess *s, uint16_t test, uint32_t req, uint32_t resp, uint32_t chunk, uint32_t dur_ms,
			int *udp)
{
	unsigned char m[96];
	double end = now() + 2;
	for (;;) {
		uint16_t udp_port = 0;
		s->ctrl = conn();
		if (udp)	/* udp_rr: the socket to register, beside the control connection */
			*udp = udp_local(s->ctrl, &udp_port);
		hello(m, MAGIC, 1, test, req, resp, chunk, dur_ms, udp_port);
		send(s->ctrl, m, 48, MSG_NOSIGNAL);
		int k = readn(s->ctrl, m, 96, 3000);
		if (k == 96 && rd16(m + 6) == 0)
			break;
		close(s->ctrl);
		if (udp)
			close(*udp);
		if (k != 96 || rd16(m + 6) != 1 || now() > end) {
			printf("session of test %u refused: %d bytes, status %d, '%.64s'\n", test, k,
			       k == 96 ? rd16(m + 6) : -1, k == 96 ? (char *)m + 32 : "");
			return -1;
		}
		nap(0.05);
	}
	s->t0 = now();
	s->cookie = rd64(m + 8);
	s->data = srv;
	set_port(&s->data, rd16(m + 16));
	return 0;
}

/* Does the session slot take a new session?  A tcp_rr hello, retried
 * every 100 ms (the server frees the slot just after closing) for at most
 * 'secs'; the probe session is closed at once. */
static int slot_free(double secs)
{
	double end = now() + secs;
	do {
		unsigned char m[96];
		int fd = conn();
		hello(m, MAGIC, 1, 1, 100, 200, 0, 1, 0);
		send(fd, m, 48, MSG_NOSIGNAL);
		int k = readn(fd, m, 96, 1000);
		close(fd);
		if (k == 96 && rd16(m + 6) == 0)
			return 1;
		nap(0.1);
	} while (now() < end);
	return 0;
}

/* What the hostile peer does every 'period' while waiting; the context
 * holds its sockets.  Returns nothing: a failure just ends its efforts. */
typedef struct peer {
	sess *s;
	int fd;			/* data connection or UDP socket, -1 none */
	int kind;		/* what to do: the case's own enum */
	uint64_t n;		/* bytes / transactions / datagrams sent */
	uint32_t size;
	unsigned char *buf;
} peer;
typedef void (*act_fn)(peer *);

/* Wait for the server to close the control connection, acting every
 * period; seconds from the reply, or -1 when still open at 'limit'. */
static double wait_end(peer *p, double limit, double period, act_fn act)
{
	sess *s = p->s;
	for (;;) {
		double left = s->t0 + limit - now();
		if (left <= 0)
			return -1;
		struct pollfd pf = { s->ctrl, POLLIN, 0 };
		int ms = (int)((period < left ? period : left) * 1000) + 1;
		if (poll(&pf, 1, ms) > 0) {
			unsigned char b[128];
			ssize_t k = recv(s->ctrl, b, sizeof b, MSG_DONTWAIT);
			if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
				return now() - s->t0;
		}
		if (act)
			act(p);
	}
}

/* The verdict of a session case: ended within 4 T (+ slack) and the slot
 * is free again while this peer still holds whatever it opened. */
static int verdict(const char *what, double took, double t)
{
	double bound = 4 * t + 0.001;
	int ended = took >= 0 && took <= bound + SLACK;
	int free_again = took >= 0 && slot_free(2.0);
	if (took < 0)
		printf("%s: the session is STILL OPEN %.1f s after the reply (bound %.1f s)\n", what, bound + SLACK, bound);
	else
		printf("%s: the server ended the session after %.2f s (bound %.1f s + %.0f s slack); slot %s\n", what,
		       took, bound, SLACK, free_again ? "free again" : "NOT FREE");
	return ended && free_again ? 0 : 1;
}

static void act_none(peer *p) { (void)p; }

enum { TR_CRR, TR_STREAM, TR_RR };

/* A trickle's connection: the data connection's cookie (not tcp_crr)
 * and a request's cookie and sequence number go at once, then one byte
 * per act_trickle. */
static void trickle_start(peer *p)
{
	if ((p->fd = try_conn(&p->s->data)) < 0)
		return;	/* the session is over: its data socket is closed */
	unsigned char ck[8];
	be64(ck, p->s->cookie);
	if (p->kind != TR_CRR)
		send(p->fd, ck, 8, MSG_NOSIGNAL);
	p->n = p->kind == TR_STREAM ? 0 : 16;
	if (p->n)
		send(p->fd, p->buf, 16, MSG_NOSIGNAL);
}

static void act_trickle(peer *p)
{
	if (p->fd < 0 && p->kind == TR_CRR)
		trickle_start(p);	/* the server closed one: a new connection, a new trickle */
	if (p->fd < 0)
		return;
	unsigned char b;
	ssize_t k = recv(p->fd, &b, 1, MSG_DONTWAIT);
	if (k == 0 || (k < 0 && errno != EAGAIN) || send(p->fd, p->buf + p->n, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
		close(p->fd);
		p->fd = -1;
		return;
	}
	p->n++;
}

static int case_trickle(const char *test, double t)
{
	int kind = !strcmp(test, "crr") ? TR_CRR : !strcmp(test, "stream") ? TR_STREAM : !strcmp(test, "rr") ? TR_RR : -1;
	if (kind < 0) {
		fprintf(stderr, "trickle: crr, stream or rr\n");
		return 2;
	}
	uint32_t big = 1u << 20;
	sess s;
	if (kind == TR_STREAM ? open_session(&s, 4, 0, 0, big, 1, NULL) : open_session(&s, kind == TR_CRR ? 3 : 1, big, 16, 0, 1, NULL))
		return 1;
	peer p = { &s, -1, kind, 0, big, malloc(big) };
	msg_fill(p.buf, big, s.cookie, 0, 0);
	trickle_start(&p);
	char what[32];
	snprintf(what, sizeof what, "trickle %s", test);
	int rc = verdict(what, wait_end(&p, 4 * t + 0.001 + SLACK, t / 3, act_trickle), t);
	free(p.buf);
	return rc;
}

static int case_silentdata(double t)
{
	sess s;
	if (open_session(&s, 1, 100, 200, 0, 1, NULL))
		return 1;
	int fds[6];
	for (int i = 0; i < 6; i++)
		fds[i] = conn_to(&s.data);	/* queued in the backlog, never a byte */
	peer p = { &s, -1, 0, 0, 0, NULL };
	int rc = verdict("silentdata", wait_end(&p, 4 * t + 0.001 + SLACK, 0.1, act_none), t);
	for (int i = 0; i < 6; i++)
		close(fds[i]);
	return rc;
}

static void act_slowrr(peer *p)
{
	msg_fill(p->buf, 100, p->s->cookie, p->n, 0);
	if (p->fd < 0 || send(p->fd, p->buf, 100, MSG_NOSIGNAL) != 100 || readn(p->fd, p->buf, 200, 2000) != 200) {
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		return;
	}
	p->n++;
}

static int case_slowrr(double t)
{
	sess s;
	if (open_session(&s, 1, 100, 200, 0, 1, NULL))
		return 1;
	unsigned char buf[256];
	peer p = { &s, conn_to(&s.data), 0, 0, 100, buf };
	be64(buf, s.cookie);
	send(p.fd, buf, 8, MSG_NOSIGNAL);
	double took = wait_end(&p, 4 * t + 0.001 + SLACK, t / 2, act_slowrr);
	printf("slowrr: %llu transactions answered\n", (unsigned long long)p.n);
	return verdict("slowrr", took, t);
}

/* junk from the registered port: short, a foreign cookie, garbage */
static void junk(peer *p, int count)
{
	unsigned char b[100];
	for (int i = 0; i < count; i++) {
		msg_fill(b, sizeof b, p->s->cookie ^ 0x5a5a, p->n, 0);
		size_t len = p->n % 3 == 0 ? 8 : p->n % 3 == 1 ? sizeof b : 40;
		if (p->n % 3 == 2)
			memset(b, 0xa5, len);
		sendto(p->fd, b, len, MSG_DONTWAIT, (struct sockaddr *)&p->s->data, srvlen);
		p->n++;
	}
}

static void act_flood(peer *p) { junk(p, 200); }

static int udp_open(sess *s, int *fd)
{
	return open_session(s, 2, 100, 200, 0, 1, fd);
}

static int case_udpflood(double t)
{
	sess s;
	int fd;
	if (udp_open(&s, &fd))
		return 1;
	peer p = { &s, fd, 0, 0, 0, NULL };
	double took = wait_end(&p, 4 * t + 0.001 + SLACK, 0.01, act_flood);
	printf("udpflood: %llu junk datagrams sent\n", (unsigned long long)p.n);
	return verdict("udpflood", took, t);
}

static int case_udpjunk(double t)
{
	sess s;
	int fd;
	if (udp_open(&s, &fd))
		return 1;
	close(s.ctrl);	/* the client is gone; its address goes on sending */
	peer p = { &s, fd, 0, 0, 0, NULL };
	double limit = 4 * t + 0.001 + SLACK, took = -1;
	while (now() - s.t0 < limit) {
		for (int i = 0; i < 12; i++) {	/* 20 datagrams a second between probes */
			junk(&p, 1);
			nap(0.05);
		}
		unsigned char m[96];
		int c = conn();
		hello(m, MAGIC, 1, 1, 100, 200, 0, 1, 0);
		send(c, m, 48, MSG_NOSIGNAL);
		int k = readn(c, m, 96, 1000);
		close(c);
		if (k == 96 && rd16(m + 6) == 0) {
			took = now() - s.t0;
			break;
		}
	}
	double bound = 4 * t + 0.001;
	if (took < 0)
		printf("udpjunk: the slot is STILL TAKEN %.1f s after the reply (bound %.1f s), %llu datagrams sent\n",
		       limit, bound, (unsigned long long)p.n);
	else
		printf("udpjunk: the slot was free again %.2f s after the reply (bound %.1f s + %.0f s slack)\n", took,
		       bound, SLACK);
	return took >= 0 ? 0 : 1;
}

static void act_crrflood(peer *p)
{
	for (int i = 0; i < 20; i++) {
		int fd = socket(p->s->data.ss_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&p->s->data, srvlen)) {
			if (fd >= 0)
				close(fd);
			return;
		}
		unsigned char b[100];
		msg_fill(b, sizeof b, p->s->cookie + 1, p->n++, 0);
		send(fd, b, sizeof b, MSG_NOSIGNAL);
		close(fd);
	}
}

static int case_crrflood(double t)
{
	sess s;
	if (open_session(&s, 3, 100, 200, 0, 1, NULL))
		return 1;
	peer p = { &s, -1, 0, 0, 0, NULL };
	double took = wait_end(&p, 4 * t + 0.001 + SLACK, 0.01, act_crrflood);
	printf("crrflood: %llu connections with a wrong cookie\n", (unsigned long long)p.n);
	return verdict("crrflood", took, t);
}

static int udp_session(void)
{
	int ctrl = conn();
	struct sockaddr_storage loc;
	socklen_t ll = sizeof loc;
	getsockname(ctrl, (struct sockaddr *)&loc, &ll);
	set_port(&loc, 0);
	int reg = socket(loc.ss_family, SOCK_DGRAM, 0), other = socket(loc.ss_family, SOCK_DGRAM, 0);
	bind(reg, (struct sockaddr *)&loc, ll);
	bind(other, (struct sockaddr *)&loc, ll);
	struct sockaddr_storage rl;
	socklen_t rll = sizeof rl;
	getsockname(reg, (struct sockaddr *)&rl, &rll);
	unsigned char m[96];
	hello(m, MAGIC, 1, 2, 100, 200, 0, 2000, port_of(&rl));
	send(ctrl, m, 48, MSG_NOSIGNAL);
	if (readn(ctrl, m, 96, 3000) != 96 || rd16(m + 6) != 0) {
		printf("udp: session refused\n");
		return 1;
	}
	uint64_t cookie = rd64(m + 8);
	struct sockaddr_storage data = srv;
	set_port(&data, rd16(m + 16));
	unsigned char req[100], resp[256];
	msg_fill(req, sizeof req, cookie, 0, 0);
	int fails = 0;
	/* (a) the right request from an unregistered port: no answer */
	sendto(other, req, sizeof req, 0, (struct sockaddr *)&data, srvlen);
	int k = readn(other, resp, sizeof resp, 300);
	printf("udp: unregistered port: %s\n", k < 0 ? "no answer" : "ANSWERED");
	fails += k >= 0;
	/* (b) registered port, wrong cookie: no answer */
	req[0] ^= 0xff;
	sendto(reg, req, sizeof req, 0, (struct sockaddr *)&data, srvlen);
	k = readn(reg, resp, sizeof resp, 300);
	printf("udp: wrong cookie: %s\n", k < 0 ? "no answer" : "ANSWERED");
	fails += k >= 0;
	/* (c) the registered port and the cookie: answered, 200 bytes (the test can see answers) */
	req[0] ^= 0xff;
	sendto(reg, req, sizeof req, 0, (struct sockaddr *)&data, srvlen);
	k = readn(reg, resp, sizeof resp, 2000);
	printf("udp: registered port, right cookie: %d bytes\n", k);
	fails += k != 200;
	close(ctrl);
	return fails ? 1 : 0;
}

/* Junk that is not the client's must not count against the client. */
static int case_udpshort(void)
{
	sess s;
	int fd;
	if (udp_open(&s, &fd))
		return 1;
	peer p = { &s, fd, 0, 0, 0, NULL };
	junk(&p, 3);	/* short, foreign cookie, garbage */
	unsigned char req[100], resp[256], m[48];
	msg_fill(req, sizeof req, s.cookie, 0, 0);
	sendto(fd, req, sizeof req, 0, (struct sockaddr *)&s.data, srvlen);
	int k = readn(fd, resp, sizeof resp, 2000);
	msg_fill(req, 16, s.cookie, UINT64_MAX, 0);	/* the end marker */
	sendto(fd, req, 16, 0, (struct sockaddr *)&s.data, srvlen);
	memset(m, 0, 32);	/* done: 1 transaction */
	be32(m, MAGIC);
	be16(m + 4, 1);
	be64(m + 16, 1);
	send(s.ctrl, m, 32, MSG_NOSIGNAL);
	int f = readn(s.ctrl, m, 48, 3000);
	int ok = k == 200 && f == 48 && rd16(m + 6) == 0 && rd64(m + 24) == 0 && rd64(m + 16) == 1;
	printf("udpshort: answer %d bytes; final %d bytes, status %d, transactions %llu, errors %llu\n", k, f,
	       f == 48 ? rd16(m + 6) : -1, f == 48 ? (unsigned long long)rd64(m + 16) : 0ull,
	       f == 48 ? (unsigned long long)rd64(m + 24) : 0ull);
	return ok ? 0 : 1;
}

static int data_cookie(void)
{
	sess s;
	if (open_session(&s, 1, 100, 200, 0, 2000, NULL))
		return 1;
	int fd = conn_to(&s.data);
	unsigned char bad[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	send(fd, bad, 8, MSG_NOSIGNAL);
	int c = closed_after(fd);
	printf("datacookie: %s\n", c ? "closed" : "NOT CLOSED");
	close(fd);
	close(s.ctrl);
	return c ? 0 : 1;
}

/* ---- a hostile server ---- */

/* Is the control connection readable (the client's done, or its close)? */
static int ctrl_moved(int ctrl)
{
	struct pollfd pf = { ctrl, POLLIN, 0 };
	return poll(&pf, 1, 0) > 0;
}

static int serve_maerts(int data, uint32_t chunk, uint64_t cookie)
{
	int fd = accept(data, NULL, NULL);
	unsigned char ck[8];
	if (fd < 0 || readn(fd, ck, 8, 3000) != 8)
		return 1;
	unsigned char *b = calloc(1, chunk);
	/* correct stamps, forever: the client's stop is never read */
	for (uint64_t off = 0;; off += chunk) {
		for (uint32_t i = 0; i < chunk; i += 4096)
			be64(b + i, ((off + i) / 4096) ^ cookie);
		if (send(fd, b, chunk, MSG_NOSIGNAL) < 0)
			break;
	}
	free(b);
	return 0;
}

static int serve_udpstale(int u, int ctrl, uint32_t req, uint32_t resp, uint64_t cookie)
{
	unsigned char *q = malloc(req + 1), *a = malloc(resp);
	msg_fill(a, resp, cookie, 0, 1);
	int answered = 0;
	while (!ctrl_moved(ctrl)) {
		struct pollfd pf = { u, POLLIN, 0 };
		if (poll(&pf, 1, 10) > 0 && recv(u, q, req + 1, 0) > 0)
			answered = 1;
		if (answered)
			send(u, a, resp, 0);	/* request 0's answer, again and again */
	}
	free(q);
	free(a);
	return 0;
}

static int serve_crrtrickle(int data, int ctrl, uint32_t req, uint32_t resp, uint64_t cookie)
{
	int fd = accept(data, NULL, NULL);
	unsigned char *q = malloc(req), *a = malloc(resp);
	if (fd < 0 || readn(fd, q, (int)req, 3000) != (int)req)
		return 1;
	msg_fill(a, resp, rd64(q), rd64(q + 8), 1);
	(void)cookie;
	for (uint32_t i = 0; i < resp && !ctrl_moved(ctrl); i++) {
		if (send(fd, a + i, 1, MSG_NOSIGNAL) != 1)
			break;
		nap(0.2);
	}
	free(q);
	free(a);
	return 0;
}

static int hostile_server(const char *kase)
{
	int want = !strcmp(kase, "maerts") ? 5 : !strcmp(kase, "udpstale") ? 2 : !strcmp(kase, "crrtrickle") ? 3 : 0;
	if (!want) {
		fprintf(stderr, "netlat-hostile: unknown server case %s\n", kase);
		return 2;
	}
	alarm(120);	/* never outlive a test run */
	int l = socket(srv.ss_family, SOCK_STREAM, 0), one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_storage a = srv;
	socklen_t al = srvlen;
	if (bind(l, (struct sockaddr *)&srv, srvlen) || listen(l, 8) || getsockname(l, (struct sockaddr *)&a, &al)) {
		perror("listen");
		return 1;
	}
	printf("port %u\n", port_of(&a));
	fflush(stdout);
	for (;;) {	/* the client probes with an empty connection first */
		int c = accept(l, NULL, NULL);
		unsigned char h[96];
		if (c < 0 || readn(c, h, 48, 3000) != 48) {
			if (c >= 0)
				close(c);
			continue;
		}
		uint16_t test = rd16(h + 6), uport = rd16(h + 28);
		uint32_t req = rd32(h + 8), resp = rd32(h + 12), chunk = rd32(h + 16);
		uint64_t cookie = 0x1122334455667788ull;
		struct sockaddr_storage d = a, cl;
		socklen_t cll = sizeof cl;
		getsockname(c, (struct sockaddr *)&d, &al);
		set_port(&d, 0);
		int data = socket(d.ss_family, test == 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
		bind(data, (struct sockaddr *)&d, al);
		if (test == 2) {
			getpeername(c, (struct sockaddr *)&cl, &cll);
			set_port(&cl, uport);
			connect(data, (struct sockaddr *)&cl, cll);
		} else
			listen(data, 8);
		getsockname(data, (struct sockaddr *)&d, &al);
		memset(h, 0, 96);
		be32(h, MAGIC);
		be16(h + 4, 1);
		be16(h + 6, test == want ? 0 : 2);
		be64(h + 8, cookie);
		be16(h + 16, port_of(&d));
		send(c, h, 96, MSG_NOSIGNAL);
		if (test != want) {
			close(c);
			close(data);
			continue;
		}
		int rc = want == 5 ? serve_maerts(data, chunk, cookie)
			 : want == 2 ? serve_udpstale(data, c, req, resp, cookie)
				     : serve_crrtrickle(data, c, req, resp, cookie);
		close(data);
		close(c);
		return rc;
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: netlat-hostile ADDR PORT CASE [ARG...]\n");
		return 2;
	}
	memset(&srv, 0, sizeof srv);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&srv;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&srv;
	if (inet_pton(AF_INET, argv[1], &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		srvlen = sizeof *v4;
	} else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		srvlen = sizeof *v6;
	} else {
		fprintf(stderr, "netlat-hostile: bad address %s\n", argv[1]);
		return 2;
	}
	set_port(&srv, (uint16_t)atoi(argv[2]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *c = argv[3];
	double t = argc > 4 ? atof(argv[argc - 1]) : 0;	/* the server's --timeout, last */
	unsigned char m[4096];
	if (!strcmp(c, "serve") && argc > 4)
		return hostile_server(argv[4]);
	if (!strcmp(c, "oversize")) {
		hello(m, MAGIC, 1, 1, 2u << 20, 200, 0, 1000, 0);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "ffff")) {
		hello(m, MAGIC, 1, 1, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffff);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "udpsize")) {
		hello(m, MAGIC, 1, 2, 65508, 200, 0, 1000, 9);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "magic")) {
		hello(m, 0x12345678, 1, 1, 100, 200, 0, 1000, 0);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "version")) {
		hello(m, MAGIC, 99, 1, 100, 200, 0, 1000, 0);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "garbage")) {
		srand((unsigned)time(NULL));
		for (size_t i = 0; i < sizeof m; i++)
			m[i] = (unsigned char)rand();
		m[0] = 0xde;	/* never the magic by chance */
		return expect_bad(m, sizeof m, c);
	}
	if (!strcmp(c, "truncated") || !strcmp(c, "stall")) {
		int fd = conn();
		hello(m, MAGIC, 1, 1, 100, 200, 0, 1000, 0);
		send(fd, m, 20, MSG_NOSIGNAL);
		double secs = argc > 4 ? atof(argv[4]) : 5;
		if (!strcmp(c, "truncated"))
			shutdown(fd, SHUT_WR);
		double t0 = now();
		int k = readn(fd, m, 96, (int)(secs * 1000));
		printf("%s: %s after %.2f s\n", c, k == 0 ? "closed without a reply" : k < 0 ? "STILL OPEN" : "REPLIED",
		       now() - t0);
		close(fd);
		return k == 0 ? 0 : 1;
	}
	if (!strcmp(c, "idle") && argc > 5)
		return case_idle(atoi(argv[4]), atof(argv[5]));
	if (!strcmp(c, "hold") && argc > 5)
		return case_hold(atoi(argv[4]), atof(argv[5]));
	if (!strcmp(c, "udp"))
		return udp_session();
	if (!strcmp(c, "udpshort"))
		return case_udpshort();
	if (!strcmp(c, "datacookie"))
		return data_cookie();
	if (t <= 0) {
		fprintf(stderr, "netlat-hostile: %s needs the server's timeout T (seconds), last\n", c);
		return 2;
	}
	if (!strcmp(c, "silentdata"))
		return case_silentdata(t);
	if (!strcmp(c, "trickle") && argc > 5)
		return case_trickle(argv[4], t);
	if (!strcmp(c, "slowrr"))
		return case_slowrr(t);
	if (!strcmp(c, "udpflood"))
		return case_udpflood(t);
	if (!strcmp(c, "udpjunk"))
		return case_udpjunk(t);
	if (!strcmp(c, "crrflood"))
		return case_crrflood(t);
	fprintf(stderr, "netlat-hostile: unknown case %s\n", c);
	return 2;
}
