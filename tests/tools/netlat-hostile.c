/* netlat-hostile - a misbehaving gb-netlat client, for tests/bench/netlat.sh.
 *
 *   netlat-hostile ADDR PORT CASE [ARG]
 *
 * Speaks the control protocol from its description in docs/netlat.md
 * (written separately from netlat/proto.c on purpose: the wire format is
 * the contract).  Each case exits 0 when the server behaved as the
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
 *   udp          a real udp_rr session: a datagram from an unregistered
 *                port and one with a wrong cookie get no answer, a correct
 *                one does
 *   datacookie   a tcp_rr data connection with a wrong cookie is closed */
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

static struct sockaddr_storage srv;
static socklen_t srvlen;

static void be32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void be16(unsigned char *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
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

static int conn(void)
{
	int fd = socket(srv.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&srv, srvlen)) {
		perror("connect");
		exit(1);
	}
	return fd;
}

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

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
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

static int udp_session(void)
{
	int ctrl = conn();
	struct sockaddr_storage loc;
	socklen_t ll = sizeof loc;
	getsockname(ctrl, (struct sockaddr *)&loc, &ll);
	((struct sockaddr_in *)&loc)->sin_port = 0;	/* same offset for sin6_port */
	int reg = socket(loc.ss_family, SOCK_DGRAM, 0), other = socket(loc.ss_family, SOCK_DGRAM, 0);
	bind(reg, (struct sockaddr *)&loc, ll);
	bind(other, (struct sockaddr *)&loc, ll);
	struct sockaddr_storage rl;
	socklen_t rll = sizeof rl;
	getsockname(reg, (struct sockaddr *)&rl, &rll);
	uint16_t port = ntohs(((struct sockaddr_in *)&rl)->sin_port);
	unsigned char m[96];
	hello(m, 0x474e4c54, 1, 2, 100, 200, 0, 2000, port);
	send(ctrl, m, 48, MSG_NOSIGNAL);
	if (readn(ctrl, m, 96, 3000) != 96 || rd16(m + 6) != 0) {
		printf("udp: session refused\n");
		return 1;
	}
	uint64_t cookie = rd64(m + 8);
	struct sockaddr_storage data = srv;
	((struct sockaddr_in *)&data)->sin_port = htons(rd16(m + 16));
	unsigned char req[100], resp[256];
	/* a request as docs/netlat.md defines it: cookie, seq 0, body pattern */
	for (int i = 0; i < 8; i++)
		req[i] = (unsigned char)(cookie >> (56 - 8 * i));
	memset(req + 8, 0, 8);
	for (int i = 16; i < 100; i++)
		req[i] = (unsigned char)((i - 16) * 167 + 13);
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

static int data_cookie(void)
{
	int ctrl = conn();
	unsigned char m[96];
	hello(m, 0x474e4c54, 1, 1, 100, 200, 0, 2000, 0);
	send(ctrl, m, 48, MSG_NOSIGNAL);
	if (readn(ctrl, m, 96, 3000) != 96 || rd16(m + 6) != 0) {
		printf("datacookie: session refused\n");
		return 1;
	}
	struct sockaddr_storage data = srv;
	((struct sockaddr_in *)&data)->sin_port = htons(rd16(m + 16));
	int fd = socket(srv.ss_family, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&data, srvlen)) {
		perror("data connect");
		return 1;
	}
	unsigned char bad[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	send(fd, bad, 8, MSG_NOSIGNAL);
	int c = closed_after(fd);
	printf("datacookie: %s\n", c ? "closed" : "NOT CLOSED");
	close(fd);
	close(ctrl);
	return c ? 0 : 1;
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
		v4->sin_port = htons((uint16_t)atoi(argv[2]));
		srvlen = sizeof *v4;
	} else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)atoi(argv[2]));
		srvlen = sizeof *v6;
	} else {
		fprintf(stderr, "netlat-hostile: bad address %s\n", argv[1]);
		return 2;
	}
	const char *c = argv[3];
	unsigned char m[4096];
	if (!strcmp(c, "oversize")) {
		hello(m, 0x474e4c54, 1, 1, 2u << 20, 200, 0, 1000, 0);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "ffff")) {
		hello(m, 0x474e4c54, 1, 1, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffff);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "udpsize")) {
		hello(m, 0x474e4c54, 1, 2, 65508, 200, 0, 1000, 9);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "magic")) {
		hello(m, 0x12345678, 1, 1, 100, 200, 0, 1000, 0);
		return expect_bad(m, 48, c);
	}
	if (!strcmp(c, "version")) {
		hello(m, 0x474e4c54, 99, 1, 100, 200, 0, 1000, 0);
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
		hello(m, 0x474e4c54, 1, 1, 100, 200, 0, 1000, 0);
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
	if (!strcmp(c, "udp"))
		return udp_session();
	if (!strcmp(c, "datacookie"))
		return data_cookie();
	fprintf(stderr, "netlat-hostile: unknown case %s\n", c);
	return 2;
}
