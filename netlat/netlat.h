/* netlat.h - what the parts of gb-netlat share: the parameters of one
 * test, the client's and the server's halves of each test, the server
 * and the placement helpers. */
#ifndef NL_NETLAT_H
#define NL_NETLAT_H

#include <stdint.h>

#include "hist.h"
#include "proto.h"
#include "sock.h"

/* One test as the client runs it. */
typedef struct nl_params {
	int test;			/* nl_test */
	uint32_t req, resp, chunk;
	uint64_t warmup_ns, interval_ns;
	int nintervals;			/* samples: measured time = nintervals x interval */
	double timeout_s;		/* no progress for this long = the peer is gone */
} nl_params;

/* The client's half: what it measured (samples per interval). */
typedef struct nl_result {
	gb_hist *hist;			/* rr tests: every timed transaction, ns */
	double *lat_p50_us;		/* rr: per-interval median latency */
	double *rate;			/* rr: transactions/s; streams: Gbit/s */
	int n;				/* intervals measured */
	uint64_t bytes;			/* streams: sent (stream) / received (maerts) */
	uint64_t measured_bytes;	/* streams: within the measured intervals */
	uint64_t measured_ns;
	uint64_t transactions, lost;	/* lost: udp_rr requests never answered */
	uint64_t errors;		/* payload checks that failed on this side */
	int client_cpu, server_cpu;	/* observed at the end, -1 unknown */
	uint64_t server_bytes, server_transactions, server_errors;
	char error[256];		/* a run-time failure, "" if none */
} nl_result;

/* The connection a client half runs on. */
typedef struct nl_conn {
	int ctrl;			/* control connection */
	int udp;			/* udp_rr: bound, registered socket; else -1 */
	nl_addr data;			/* where the server's data socket is */
	uint64_t cookie;
	uint64_t deadline;		/* nl_deadline of the session: no wait goes past it */
} nl_conn;

/* The server's half of one session. */
typedef struct nl_session {
	int ctrl;
	int data;			/* TCP listener, or UDP socket connected to the peer */
	nl_hello h;
	uint64_t cookie;
	uint64_t deadline;		/* CLOCK_MONOTONIC ns (nl_deadline): the data phase
					 * ends by then, the session one timeout later */
	double timeout_s;
	uint64_t bytes, transactions, errors, rejected;
	char error[160];
} nl_session;

/* Client halves (rr.c, bulk.c): 0, or -1 with r->error set. */
int nl_client_tcp_rr(const nl_conn *c, const nl_params *p, nl_result *r);
int nl_client_udp_rr(const nl_conn *c, const nl_params *p, nl_result *r);
int nl_client_tcp_crr(const nl_conn *c, const nl_params *p, nl_result *r);
int nl_client_stream(const nl_conn *c, const nl_params *p, nl_result *r);
int nl_client_maerts(const nl_conn *c, const nl_params *p, nl_result *r);

/* Server halves: 0, or -1 with s->error set.  Never exit, never trust the peer. */
int nl_serve_tcp_rr(nl_session *s);
int nl_serve_udp_rr(nl_session *s);
int nl_serve_tcp_crr(nl_session *s);
int nl_serve_stream(nl_session *s);
int nl_serve_maerts(nl_session *s);

/* Accept the one data connection of a session whose first 8 bytes are
 * the cookie (others are closed and counted in s->rejected); -1 when no
 * connection comes within the timeout, the deadline passes or the client
 * gives up (control connection closed). */
int nl_accept_data(nl_session *s);

/* client.c: one test against a server.  Returns 0 (measured; r may still
 * hold payload errors), GB_EXIT_ENV (could not start: err says why) or
 * GB_EXIT_INVALID (failed mid-test: r->error says why). */
int nl_client_run(const nl_addr *server, const nl_params *p, nl_result *r, char *err, size_t errlen);
/* A control connection to the server (fd), or -1 with the reason in err
 * (loopback down, nothing listening, ...). */
int nl_reach(const nl_addr *server, double timeout_s, char *err, size_t errlen);
void nl_result_init(nl_result *r, const nl_params *p);
/* The hello of one test (udp_port: the client's registered port, 0 for
 * the other tests); nl_hello_check says whether the protocol takes it. */
void nl_make_hello(const nl_params *p, unsigned udp_port, nl_hello *h);
void nl_result_free(nl_result *r);

/* server.c */
typedef struct nl_server nl_server;
typedef struct nl_server_cfg {
	int max_sessions;
	double timeout_s;
	long long sessions;		/* stop after this many sessions, 0 = never */
	int cpu;			/* pin the server (and its sessions) here, -1 = no */
} nl_server_cfg;
/* Listen (fd from nl_listen) and serve until nl_server_stop or the
 * session count; runs in the calling thread. */
nl_server *nl_server_new(int listen_fd, const nl_server_cfg *cfg);
void nl_server_serve(nl_server *srv);
void nl_server_stop(nl_server *srv);	/* async-signal-safe */
void nl_server_free(nl_server *srv);	/* waits (bounded) for sessions to end */

/* Test-only hook (GB_TEST_CORRUPT=<test>): the side that sends that
 * test's data corrupts one byte once, so the tests can see the payload
 * checks fail the run.  0 = off. */
extern int nl_test_corrupt;

/* place.c */
int nl_cpu_allowed(int cpu);		/* in the effective CPU set? */
int nl_pin(int cpu);			/* cpu < 0: nothing; 0 or an errno */
int nl_cpu_now(void);			/* sched_getcpu(), -1 unknown */

/* The entry point: bin/gb-netlat, and `guestbench netlat` (registry/). */
int netlat_main(int argc, char **argv);

#endif
