/* client.c - one test against a server: control connection, hello,
 * the client's half, then both sides' counts compared.
 *
 * Errors are sorted for the exit status: a server that cannot be reached
 * or refuses the session is the environment (exit 3, nothing measured);
 * a failure once the test runs is a run-time error (exit 1, reported). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "netlat.h"
#include "util.h"

typedef int (*client_fn)(const nl_conn *, const nl_params *, nl_result *);
static const client_fn half[NL_NTESTS + 1] = {
	NULL, nl_client_tcp_rr, nl_client_udp_rr, nl_client_tcp_crr, nl_client_stream, nl_client_maerts,
};

void nl_result_init(nl_result *r, const nl_params *p)
{
	memset(r, 0, sizeof *r);
	r->hist = gb_xmalloc(sizeof *r->hist);
	gb_hist_init(r->hist);
	r->lat_p50_us = gb_xcalloc((size_t)p->nintervals, sizeof *r->lat_p50_us);
	r->rate = gb_xcalloc((size_t)p->nintervals, sizeof *r->rate);
	r->client_cpu = r->server_cpu = -1;
}

void nl_result_free(nl_result *r)
{
	free(r->hist);
	free(r->lat_p50_us);
	free(r->rate);
	memset(r, 0, sizeof *r);
}

static uint32_t ms(uint64_t ns) { return (uint32_t)((ns + 999999) / 1000000); }

void nl_make_hello(const nl_params *p, unsigned udp_port, nl_hello *h)
{
	memset(h, 0, sizeof *h);
	h->test = (uint16_t)p->test;
	if (p->test <= NL_TCP_CRR) {
		h->req = p->req;
		h->resp = p->resp;
	} else
		h->chunk = p->chunk;
	uint64_t measured = (uint64_t)p->nintervals * p->interval_ns;
	h->warmup_ms = ms(p->warmup_ns);
	h->duration_ms = ms(measured);
	/* maerts: the server sends until told to stop; this is only its cap */
	if (p->test == NL_TCP_MAERTS)
		h->duration_ms = ms(measured + 2 * p->interval_ns + (uint64_t)(p->timeout_s * 1e9));
	h->udp_port = (uint16_t)udp_port;
}

/* A UDP socket on the control connection's local address: its port is
 * what the hello registers. */
static int udp_socket(int ctrl, unsigned *port)
{
	nl_addr local;
	if (nl_local(ctrl, &local))
		return -1;
	nl_addr_set_port(&local, 0);
	int fd = nl_listen(&local, SOCK_DGRAM, 0);
	if (fd >= 0 && nl_local(fd, &local)) {
		close(fd);
		return -1;
	}
	if (fd >= 0)
		*port = nl_addr_port(&local);
	return fd;
}

int nl_reach(const nl_addr *server, double timeout_s, char *err, size_t errlen)
{
	char where[64];
	nl_addr_str(server, where, sizeof where);
	int fd = nl_connect(server, SOCK_STREAM, timeout_s);
	if (fd >= 0)
		return fd;
	int e = errno;
	if (nl_addr_is_loopback(server) && (e == ENETUNREACH || e == EADDRNOTAVAIL || e == EAFNOSUPPORT))
		snprintf(err, errlen, "the loopback interface is down or absent here (connect %s: %s);"
			 " e.g. an empty network namespace: 'ip link set lo up' first", where, strerror(e));
	else
		snprintf(err, errlen, "cannot reach a gb-netlat server at %s: %s", where, nl_errname(e));
	return -1;
}

static int start(const nl_addr *server, const nl_params *p, nl_conn *c, char *err, size_t errlen)
{
	char where[64];
	nl_addr_str(server, where, sizeof where);
	if ((c->ctrl = nl_reach(server, p->timeout_s, err, errlen)) < 0)
		return GB_EXIT_ENV;
	unsigned udp_port = 0;
	if (p->test == NL_UDP_RR && (c->udp = udp_socket(c->ctrl, &udp_port)) < 0) {
		snprintf(err, errlen, "udp_rr: cannot open a UDP socket: %s", strerror(errno));
		return GB_EXIT_ENV;
	}
	nl_hello h;
	nl_make_hello(p, udp_port, &h);
	const char *why = nl_hello_check(&h);
	if (why) {	/* the command line was validated: this is a bug, say so */
		snprintf(err, errlen, "internal: hello refused locally: %s", why);
		return GB_EXIT_INVALID;
	}
	unsigned char m[NL_REPLY_LEN > NL_HELLO_LEN ? NL_REPLY_LEN : NL_HELLO_LEN];
	nl_hello_encode(&h, m);
	int k = -1;
	uint64_t until = nl_after(p->timeout_s);
	if (nl_send_all(c->ctrl, m, NL_HELLO_LEN, until) == 0)
		k = nl_recv_until(c->ctrl, m, NL_REPLY_LEN, until);
	if (k != 1) {
		snprintf(err, errlen, "no reply from the server at %s: %s", where,
			 k == 0 ? "it closed the connection (not a gb-netlat server?)" : nl_errname(errno));
		return GB_EXIT_ENV;
	}
	nl_reply rep;
	if ((why = nl_reply_decode(m, &rep))) {
		snprintf(err, errlen, "the server at %s: %s", where, why);
		return GB_EXIT_ENV;
	}
	if (rep.status != NL_OK) {
		snprintf(err, errlen, "the server at %s refused the session: %s", where, rep.text);
		return GB_EXIT_ENV;
	}
	c->cookie = rep.cookie;
	c->deadline = nl_deadline(&h, p->timeout_s, gb_now_ns());
	c->data = *server;
	nl_addr_set_port(&c->data, rep.data_port);
	return 0;
}

/* Both sides' counts must agree; 0 or -1 with r->error. */
static int compare(const nl_params *p, nl_result *r)
{
	const char *name = nl_test_name(p->test);
	if (r->server_errors) {
		snprintf(r->error, sizeof r->error, "%s: the server found %llu corrupted %s", name,
			 (unsigned long long)r->server_errors, p->test >= NL_TCP_STREAM ? "4 KiB blocks" : "requests");
		return -1;
	}
	int ok;
	if (p->test >= NL_TCP_STREAM)
		ok = r->server_bytes == r->bytes;
	else if (p->test == NL_UDP_RR)	/* a lost reply was still served */
		ok = r->server_transactions >= r->transactions &&
		     r->server_transactions <= r->transactions + r->lost;
	else
		ok = r->server_transactions == r->transactions;
	if (!ok)
		snprintf(r->error, sizeof r->error,
			 "%s: counts disagree: client %llu bytes / %llu transactions, server %llu / %llu", name,
			 (unsigned long long)r->bytes, (unsigned long long)r->transactions,
			 (unsigned long long)r->server_bytes, (unsigned long long)r->server_transactions);
	return ok ? 0 : -1;
}

int nl_client_run(const nl_addr *server, const nl_params *p, nl_result *r, char *err, size_t errlen)
{
	nl_conn c = { .ctrl = -1, .udp = -1 };
	int rc = start(server, p, &c, err, errlen);
	if (rc) {
		if (c.ctrl >= 0)
			close(c.ctrl);
		if (c.udp >= 0)
			close(c.udp);
		return rc;
	}
	rc = half[p->test](&c, p, r) ? GB_EXIT_INVALID : 0;

	/* our counts go over, the server's come back */
	nl_done d = { NL_DONE, r->bytes, r->transactions };
	unsigned char m[NL_FINAL_LEN];
	nl_done_encode(&d, m);
	int k = -1;
	uint64_t until = nl_after(p->timeout_s);
	if (nl_send_all(c.ctrl, m, NL_DONE_LEN, until) == 0)
		k = nl_recv_until(c.ctrl, m, NL_FINAL_LEN, until);
	nl_final f;
	const char *why = k == 1 ? nl_final_decode(m, &f) : NULL;
	if (!rc) {
		if (k != 1 || why) {
			snprintf(r->error, sizeof r->error, "%s: no final report from the server: %s",
				 nl_test_name(p->test), why ? why : k == 0 ? "it closed the connection" : nl_errname(errno));
			rc = GB_EXIT_INVALID;
		} else {
			r->server_bytes = f.bytes;
			r->server_transactions = f.transactions;
			r->server_errors = f.errors;
			r->server_cpu = f.cpu;
			if (f.status != NL_OK && !f.errors) {
				snprintf(r->error, sizeof r->error, "%s: the server's half failed", nl_test_name(p->test));
				rc = GB_EXIT_INVALID;
			} else if (compare(p, r))
				rc = GB_EXIT_INVALID;
		}
	}
	close(c.ctrl);
	if (c.udp >= 0)
		close(c.udp);
	return rc;
}
