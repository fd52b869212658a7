/* sock.c - numeric addresses and socket helpers (sock.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "parse.h"
#include "sock.h"
#include "util.h"

static int parse_port(const char *s, unsigned *port)
{
	uint64_t v;
	if (gb_parse_u64(s, &v) || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

int nl_addr_parse(const char *text, unsigned def_port, nl_addr *a, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *port_txt = NULL;
	memset(a, 0, sizeof *a);
	if (text[0] == '[') {	/* [v6] or [v6]:port */
		const char *end = strchr(text, ']');
		if (!end || (size_t)(end - text - 1) >= sizeof host || (end[1] && end[1] != ':')) {
			snprintf(err, errlen, "'%s': expected [IPv6] or [IPv6]:PORT", text);
			return -1;
		}
		memcpy(host, text + 1, (size_t)(end - text - 1));
		host[end - text - 1] = 0;
		if (end[1] == ':')
			port_txt = end + 2;
	} else {
		const char *colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* two colons: a bare IPv6 address */
		size_t n = colon ? (size_t)(colon - text) : strlen(text);
		if (n >= sizeof host) {
			snprintf(err, errlen, "'%.40s...': not a numeric address", text);
			return -1;
		}
		memcpy(host, text, n);
		host[n] = 0;
		if (colon)
			port_txt = colon + 1;
	}
	unsigned port = def_port;
	if (port_txt && parse_port(port_txt, &port)) {
		snprintf(err, errlen, "'%s': the port must be a number in 0..65535", text);
		return -1;
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		a->len = sizeof *v4;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		a->len = sizeof *v6;
	} else {
		snprintf(err, errlen, "'%s': not a numeric IPv4 or IPv6 address (names are not resolved)", host);
		return -1;
	}
	nl_addr_set_port(a, port);
	return 0;
}

int nl_addr_family(const nl_addr *a) { return a->ss.ss_family; }

unsigned nl_addr_port(const nl_addr *a)
{
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

void nl_addr_set_port(nl_addr *a, unsigned port)
{
	if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&a->ss)->sin_port = htons((uint16_t)port);
}

void nl_addr_host(const nl_addr *a, char *buf, size_t size)
{
	const void *src = a->ss.ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr
						     : (const void *)&((const struct sockaddr_in *)&a->ss)->sin_addr;
	if (!inet_ntop(a->ss.ss_family, src, buf, (socklen_t)size))
		gb_strlcpy(buf, "?", size);
}

void nl_addr_str(const nl_addr *a, char *buf, size_t size)
{
	char h[INET6_ADDRSTRLEN];
	nl_addr_host(a, h, sizeof h);
	snprintf(buf, size, a->ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", h, nl_addr_port(a));
}

int nl_addr_is_loopback(const nl_addr *a)
{
	if (a->ss.ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
	return (ntohl(((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr) >> 24) == 127;
}

int nl_local(int fd, nl_addr *a)
{
	memset(a, 0, sizeof *a);
	a->len = sizeof a->ss;
	return getsockname(fd, (struct sockaddr *)&a->ss, &a->len);
}

int nl_peer(int fd, nl_addr *a)
{
	memset(a, 0, sizeof *a);
	a->len = sizeof a->ss;
	return getpeername(fd, (struct sockaddr *)&a->ss, &a->len);
}

int nl_nodelay(int fd)
{
	int one = 1;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int nl_timeouts(int fd, double seconds)
{
	struct timeval tv = { (time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) };
	if (!tv.tv_sec && !tv.tv_usec)
		tv.tv_usec = 1;	/* 0 would mean "no timeout" */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int nl_no_timeouts(int fd)
{
	struct timeval tv = { 0, 0 };
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int nl_listen(const nl_addr *a, int type, int backlog)
{
	int fd = socket(a->ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	if (a->ss.ss_family == AF_INET6)	/* [::] means IPv6 only: what was asked */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) ||
	    (type == SOCK_STREAM && listen(fd, backlog))) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int nl_connect(const nl_addr *a, int type, double timeout_s)
{
	int fd = socket(a->ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* the send timeout also bounds a blocking connect() */
	if (nl_timeouts(fd, timeout_s) || (type == SOCK_STREAM && nl_nodelay(fd)) ||
	    connect(fd, (const struct sockaddr *)&a->ss, a->len)) {
		int e = errno == EINPROGRESS ? ETIMEDOUT : errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

uint64_t nl_after(double seconds)
{
	return gb_now_ns() + (uint64_t)(seconds * 1e9);
}

int nl_poll_ms(uint64_t deadline_ns, uint64_t now_ns)
{
	if (deadline_ns == NL_NEVER)
		return -1;
	if (now_ns >= deadline_ns)
		return 0;
	uint64_t ms = (deadline_ns - now_ns + 999999) / 1000000;
	return ms > 60000 ? 60000 : (int)ms;
}

int nl_wait(struct pollfd *pf, int n, uint64_t deadline_ns)
{
	for (;;) {
		uint64_t now = gb_now_ns();
		if (now >= deadline_ns)
			return 0;
		int r = poll(pf, (nfds_t)n, nl_poll_ms(deadline_ns, now));
		if (r > 0 || (r < 0 && errno != EINTR))
			return r;
	}
}

#define ACCEPT_BACKOFF_NS 100000000ull

int nl_accept_until(int lfd, int also, uint64_t deadline_ns)
{
	for (;;) {
		struct pollfd pf[2] = { { lfd, POLLIN, 0 }, { also, POLLIN, 0 } };
		int r = nl_wait(pf, also >= 0 ? 2 : 1, deadline_ns);
		if (r <= 0) {
			if (r == 0)
				errno = NL_ELATE;
			return -1;
		}
		if (also >= 0 && pf[1].revents) {
			errno = ECANCELED;
			return -1;
		}
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		switch (errno) {
		case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM: {
			/* the connection stays queued, so the listener stays
			 * readable: wait for descriptors to be freed (sessions end
			 * by their deadlines), still watching 'also' */
			struct pollfd w = { also, POLLIN, 0 };
			nl_wait(&w, also >= 0 ? 1 : 0, nl_earlier(gb_now_ns() + ACCEPT_BACKOFF_NS, deadline_ns));
			break;
		}
		case EINTR: case EAGAIN: case ECONNABORTED: case EPROTO: case EPERM:
		case ENETDOWN: case ENOPROTOOPT: case EHOSTDOWN: case ENONET: case EHOSTUNREACH:
		case EOPNOTSUPP: case ENETUNREACH:
			break;	/* that connection failed (accept(2) says: retry) */
		default:
			return -1;
		}
	}
}

int nl_send_all(int fd, const void *buf, size_t n, uint64_t deadline_ns)
{
	const char *p = buf;
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k == (ssize_t)n)
			return 0;
		if (k > 0) {
			p += k;
			n -= (size_t)k;
		} else if (errno != EINTR)
			return -1;
		/* part of it, or interrupted: a slow reader must not stretch this */
		if (gb_now_ns() >= deadline_ns) {
			errno = NL_ELATE;
			return -1;
		}
	}
	return 0;
}

int nl_recv_all(int fd, void *buf, size_t n, uint64_t deadline_ns)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t k = recv(fd, p + got, n - got, MSG_WAITALL);
		if (k == (ssize_t)(n - got))
			return 1;
		if (k > 0)
			got += (size_t)k;
		else if (k == 0) {
			if (!got)
				return 0;
			errno = EPIPE;
			return -1;
		} else if (errno != EINTR)
			return -1;
		/* part of it (the socket's timeout expired, or a signal): a
		 * trickling peer must not stretch this past the deadline */
		if (gb_now_ns() >= deadline_ns) {
			errno = NL_ELATE;
			return -1;
		}
	}
	return 1;
}

int nl_recv_until(int fd, void *buf, size_t n, uint64_t deadline_ns)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int r = nl_wait(&pfd, 1, deadline_ns);
		if (r <= 0) {
			if (r == 0)
				errno = NL_ELATE;
			return -1;
		}
		ssize_t k = recv(fd, p + got, n - got, MSG_DONTWAIT);
		if (k > 0)
			got += (size_t)k;
		else if (k == 0) {
			if (!got)
				return 0;
			errno = EPIPE;
			return -1;
		} else if (errno != EINTR && errno != EAGAIN)
			return -1;
	}
	return 1;
}

const char *nl_errname(int err)
{
	switch (err) {
	case ETIMEDOUT: return "timed out";
	case NL_ELATE: return "timed out";
	case EAGAIN: return "timed out";
	case EPIPE: return "connection closed mid-message";
	case ECONNRESET: return "connection reset by the peer";
	case ECONNREFUSED: return "connection refused";
	case ENETUNREACH: return "network unreachable";
	default: return strerror(err);
	}
}

const char *nl_io_why(int k, double timeout_s, char *buf, size_t size)
{
	if (k == 0)
		return "the peer closed the connection";
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		snprintf(buf, size, "no progress for %g s (peer gone?)", timeout_s);
	else if (errno == NL_ELATE)
		snprintf(buf, size, "still incomplete at the session's deadline (a peer trickling data?)");
	else
		snprintf(buf, size, "%s", nl_errname(errno));
	return buf;
}

int nl_fail(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return -1;
}
