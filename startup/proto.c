/* proto.c - what launch and ping say to each other, and how CMD learns
 * where to say it: the nonce datagram and its ack, numeric addresses,
 * {addr}/{port}/{nonce} substitution, fresh nonces. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "clock.h"
#include "parse.h"
#include "startup.h"
#include "util.h"

static int nonce_ok(const char *nonce)
{
	size_t n = strlen(nonce);
	if (n == 0 || n > SU_NONCE_MAX)
		return 0;
	for (const char *p = nonce; *p; p++)
		if (*p < '!' || *p > '~')
			return 0;
	return 1;
}

static int msg(char *buf, size_t size, const char *prefix, const char *nonce)
{
	if (!nonce_ok(nonce))
		return -1;
	int n = snprintf(buf, size, "%s%s", prefix, nonce);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int su_ping_msg(char *buf, size_t size, const char *nonce) { return msg(buf, size, SU_PING_PREFIX, nonce); }
int su_ack_msg(char *buf, size_t size, const char *nonce) { return msg(buf, size, SU_ACK_PREFIX, nonce); }

int su_msg_is(const char *m, size_t len, const char *prefix, const char *nonce)
{
	size_t p = strlen(prefix), n = strlen(nonce);
	return len == p + n && memcmp(m, prefix, p) == 0 && memcmp(m + p, nonce, n) == 0;
}

int su_parse_addr(const char *s, int want_port, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *port = NULL;
	memset(ss, 0, sizeof *ss);
	if (s[0] == '[') {	/* [v6] or [v6]:port */
		const char *e = strchr(s, ']');
		if (!e || (size_t)(e - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(e - s - 1));
		host[e - s - 1] = 0;
		if (e[1] == ':')
			port = e + 2;
		else if (e[1])
			return -1;
	} else {
		const char *c = strchr(s, ':');
		/* more than one ':' is a bare IPv6 address, which has no port */
		if (c && !strchr(c + 1, ':')) {
			if ((size_t)(c - s) >= sizeof host)
				return -1;
			memcpy(host, s, (size_t)(c - s));
			host[c - s] = 0;
			port = c + 1;
		} else if (gb_strlcpy(host, s, sizeof host) >= sizeof host) {
			return -1;
		}
	}
	uint64_t pv = 0;
	if (want_port != !!port || (port && (gb_parse_u64(port, &pv) || pv < 1 || pv > 65535)))
		return -1;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)pv);
		*len = sizeof *a4;
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)pv);
		*len = sizeof *a6;
	} else {
		return -1;
	}
	return 0;
}

void su_addr_host(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
						  : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)size))
		gb_strlcpy(buf, "?", size);
}

unsigned su_addr_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
					       : ((const struct sockaddr_in *)ss)->sin_port);
}

char *su_subst(const char *s, const char *addr, const char *port, const char *nonce)
{
	return su_subst_inst(s, addr, port, nonce, NULL);
}

char *su_subst_inst(const char *s, const char *addr, const char *port, const char *nonce, const char *inst)
{
	static const char *const keys[] = { "{addr}", "{port}", "{nonce}", "{i}" };
	const char *vals[] = { addr, port, nonce, inst };
	size_t nkeys = inst ? 4 : 3;	/* without --instances, {i} is left as it is */
	size_t cap = strlen(s) + 1, n = 0, longest = 0;
	for (size_t k = 0; k < nkeys; k++)
		if (strlen(vals[k]) > longest)
			longest = strlen(vals[k]);
	for (const char *p = s; *p; p++)	/* an upper bound: every '{' a longest value */
		if (*p == '{')
			cap += longest;
	char *out = gb_xmalloc(cap);
	while (*s) {
		size_t k = 0;
		for (; k < nkeys; k++)
			if (strncmp(s, keys[k], strlen(keys[k])) == 0)
				break;
		if (k < nkeys) {
			n += (size_t)sprintf(out + n, "%s", vals[k]);
			s += strlen(keys[k]);
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = 0;
	return out;
}

void su_new_nonce(char out[17])
{
	uint64_t v = 0;
	/* a nonce only has to differ between rounds and from stray senders;
	 * without getrandom (old kernel, seccomp) the clock and pid will do */
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
		v = gb_now_ns() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() << 32;
	snprintf(out, 17, "%016llx", (unsigned long long)v);
}
