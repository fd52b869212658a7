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

int nl_addr_same_host(const nl_addr *a, const nl_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
			       &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, sizeof(struct in6_addr));
	return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)&b->ss)->sin_addr.s_addr;
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

int nl_send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int nl_recv_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t k = recv(fd, p + got, n - got, MSG_WAITALL);
		if (k > 0) {
			got += (size_t)k;
			continue;
		}
		if (k == 0) {
			if (!got)
				return 0;
			errno = EPIPE;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
	return 1;
}

int nl_recv_until(int fd, void *buf, size_t n, uint64_t deadline_ns)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		uint64_t now = gb_now_ns();
		if (now >= deadline_ns) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct pollfd pfd = { fd, POLLIN, 0 };
		uint64_t ms = (deadline_ns - now + 999999) / 1000000;
		int r = poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
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
