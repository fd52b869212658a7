/* netlat.c - gb-netlat: request/response latency and bulk throughput.
 *
 *   gb-netlat [loopback] [--test LIST]     server and client in one process
 *   gb-netlat server [--bind A] [--port P] the hardened server (server.c)
 *   gb-netlat client HOST[:PORT] [--test LIST]
 *
 * Five tests (netperf's names): tcp_rr, udp_rr, tcp_crr, tcp_stream,
 * tcp_maerts.  --duration is the measured time shared by the selected
 * tests; each test warms up for --warmup intervals and then records one
 * sample per --interval: latency tests time every transaction into the
 * common histogram, throughput tests count the bytes.  Every payload is
 * checked (proto.h); a mismatch makes the run invalid (exit 1).  Loopback
 * that is down (an empty network namespace) is exit 3. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "fault.h"
#include "netlat.h"
#include "parse.h"
#include "report.h"
#include "util.h"

#define DEFAULT_PORT 12867
#define TEST_CHOICES "tcp_rr|udp_rr|tcp_crr|tcp_stream|tcp_maerts|all"

enum { MODE_LOOPBACK, MODE_SERVER, MODE_CLIENT };
static const char *const mode_names[] = { "loopback", "server", "client" };

typedef struct opts {
	const char *tests, *bind;
	uint64_t req, resp, chunk;
	double duration, interval, timeout;
	long long cpu, server_cpu, port, max_sessions, sessions;
} opts;

static int check_chunk(const char *val, char *msg, unsigned len)
{
	uint64_t v;
	if (gb_parse_size(val, &v) == 0 && v % NL_STAMP == 0)
		return 0;
	snprintf(msg, len, "a multiple of 4 KiB (4k, 64k, 128k, 1M)");
	return 1;
}

/* ---- running the tests (loopback and client modes) ---- */

typedef struct plan {
	int tests[NL_NTESTS];
	int ntests;
	nl_params p[NL_NTESTS];
} plan;

static void make_plan(const opts *o, const gb_cli *cli, plan *pl)
{
	pl->ntests = 0;
	for (int t = 1; t <= NL_NTESTS; t++) {
		const char *name = nl_test_name(t);
		int want = !o->tests;
		for (const char *s = o->tests; s && *s && !want;) {
			size_t k = strcspn(s, ",");
			want = (k == 3 && !strncmp(s, "all", 3)) || (k == strlen(name) && !strncmp(s, name, k));
			s += k + (s[k] == ',');
		}
		if (want)
			pl->tests[pl->ntests++] = t;
	}
	/* the measured time is shared out; at least one interval each */
	double share = o->duration / pl->ntests;
	long n = lround(share / o->interval);
	for (int i = 0; i < pl->ntests; i++) {
		nl_params *p = &pl->p[i];
		p->test = pl->tests[i];
		p->req = (uint32_t)o->req;
		p->resp = (uint32_t)o->resp;
		p->chunk = (uint32_t)o->chunk;
		p->interval_ns = (uint64_t)(o->interval * 1e9);
		p->warmup_ns = (uint64_t)cli->c.warmup * p->interval_ns;
		p->nintervals = n < 1 ? 1 : (int)n;
		p->timeout_s = o->timeout;
	}
}

/* Would the server take every test of the plan?  The protocol caps
 * warm-up and duration (NL_MAX_MS, each): a plan past it is a usage
 * error here, before anything runs, with the check the hello gets. */
static int check_plan(const plan *pl, long long warmup)
{
	for (int i = 0; i < pl->ntests; i++) {
		const nl_params *p = &pl->p[i];
		nl_hello h;
		nl_make_hello(p, p->test == NL_UDP_RR, &h);
		if (!nl_hello_check(&h))
			continue;
		const char *name = nl_test_name(p->test);
		if (h.warmup_ms > NL_MAX_MS)
			gb_err("--warmup %lld x --interval %g s: %s would warm up for %.0f s; the protocol allows at most %u s",
			       warmup, (double)p->interval_ns / 1e9, name, h.warmup_ms / 1e3, NL_MAX_MS / 1000);
		else
			gb_err("--duration: %s would run for %.0f s%s; the protocol allows at most %u s per test",
			       name, h.duration_ms / 1e3,
			       p->test == NL_TCP_MAERTS ? " (its measured time + 2 intervals + --timeout)" : "",
			       NL_MAX_MS / 1000);
		return GB_EXIT_USAGE;
	}
	return 0;
}

/* Repeats of one test, pooled: samples appended, histograms merged.  The
 * arrays grow with the runs made, not with -r (-r 1000000 must not ask
 * for every sample's memory up front). */
typedef struct pooled {
	gb_hist *hist;
	double *lat, *rate;
	size_t n;
	uint64_t transactions, lost, bytes, measured_bytes, measured_ns;
	int client_cpu, server_cpu;
	int runs;
} pooled;

static void pool_add(pooled *pq, const nl_result *r)
{
	gb_hist_merge(pq->hist, r->hist);
	pq->lat = gb_xrealloc(pq->lat, (pq->n + (size_t)r->n) * sizeof *pq->lat);
	pq->rate = gb_xrealloc(pq->rate, (pq->n + (size_t)r->n) * sizeof *pq->rate);
	for (int i = 0; i < r->n; i++) {
		pq->lat[pq->n] = r->lat_p50_us[i];
		pq->rate[pq->n++] = r->rate[i];
	}
	pq->transactions += r->transactions;
	pq->lost += r->lost;
	pq->bytes += r->bytes;
	pq->measured_bytes += r->measured_bytes;
	pq->measured_ns += r->measured_ns;
	pq->client_cpu = r->client_cpu;
	pq->server_cpu = r->server_cpu;
	pq->runs++;
}

static void report_test(gb_report *rep, int test, const pooled *pq)
{
	const char *name = nl_test_name(test);
	char mname[64];
	gb_metric *m;
	if (test <= NL_TCP_CRR) {
		snprintf(mname, sizeof mname, "%s_latency", name);
		m = gb_report_metric(rep, mname, "us", GB_LOWER, pq->lat, pq->n);
		gb_metric_set_pct(m, pq->hist, 1e-3);
		gb_kv_num(&m->extra, "mean_us", gb_hist_mean(pq->hist) / 1000.0);
		gb_kv_num(&m->extra, "stddev_us", gb_hist_stddev(pq->hist) / 1000.0);
		gb_kv_int(&m->extra, "transactions_timed", (long long)pq->hist->n);
		gb_kv_str(&m->extra, "samples_are", "median latency of each interval");
		if (test == NL_UDP_RR)
			gb_kv_int(&m->extra, "lost", (long long)pq->lost);
	} else {
		snprintf(mname, sizeof mname, "%s_gbps", name);
		m = gb_report_metric(rep, mname, "Gbit/s", GB_HIGHER, pq->rate, pq->n);
		gb_kv_num(&m->extra, "gbps_overall",
			  pq->measured_ns ? (double)pq->measured_bytes * 8.0 / (double)pq->measured_ns : 0);
		gb_kv_int(&m->extra, "bytes", (long long)pq->bytes);
		gb_kv_str(&m->extra, "samples_are", "Gbit/s of each interval (10^9 bit/s)");
	}
	gb_kv_int(&m->extra, "client_cpu", pq->client_cpu);
	gb_kv_int(&m->extra, "server_cpu", pq->server_cpu);
	if (test <= NL_TCP_CRR) {
		snprintf(mname, sizeof mname, "%s_tps", name);
		gb_metric *t = gb_report_metric(rep, mname, "1/s", GB_HIGHER, pq->rate, pq->n);
		gb_kv_int(&t->extra, "transactions", (long long)pq->transactions);
		gb_kv_str(&t->extra, "samples_are", "transactions per second of each interval");
	}
	if (pq->lost)
		gb_report_warn(rep, "%s: %llu datagrams lost (100 ms without an answer); not timed",
			       name, (unsigned long long)pq->lost);
}

static void unavailable(gb_report *rep, int test, const char *why)
{
	const char *name = nl_test_name(test);
	char m[64];
	const char *suffix[2] = { test <= NL_TCP_CRR ? "latency" : "gbps", test <= NL_TCP_CRR ? "tps" : NULL };
	for (int i = 0; i < 2 && suffix[i]; i++) {
		snprintf(m, sizeof m, "%s_%s", name, suffix[i]);
		gb_report_unavailable(rep, m, 0, "%s", why);
	}
}

/* Every test of the plan against 'server'; returns the exit status. */
static int run_tests(gb_cli *cli, const opts *o, const plan *pl, const nl_addr *server, int mode)
{
	gb_report rep;
	gb_report_init(&rep, cli);
	char where[80];
	nl_addr_str(server, where, sizeof where);
	gb_kv_str(&rep.config, "mode", mode_names[mode]);
	/* loopback: the server's port is a free one picked per run, so it goes
	 * apart ("server_port"): two runs of one set-up have the same config */
	char *colon = mode == MODE_LOOPBACK ? strrchr(where, ':') : NULL;
	if (colon) {
		gb_kv_int(&rep.config, "server_port", atoi(colon + 1));
		*colon = 0;
	}
	gb_kv_str(&rep.config, "server", where);
	gb_kv_str(&rep.config, "family", nl_addr_family(server) == AF_INET6 ? "ipv6" : "ipv4");
	gb_kv_num(&rep.config, "duration_per_test", pl->p[0].nintervals * o->interval);
	gb_kv_int(&rep.config, "intervals_per_test", pl->p[0].nintervals);
	gb_kv_num(&rep.config, "warmup_seconds", (double)pl->p[0].warmup_ns / 1e9);
	char list[96] = "";
	for (int i = 0; i < pl->ntests; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "", nl_test_name(pl->tests[i]));
	gb_kv_str(&rep.config, "tests_run", list);
	long long scpu = o->server_cpu >= 0 ? o->server_cpu : mode == MODE_LOOPBACK ? o->cpu : -1;
	if (o->cpu >= 0)
		gb_kv_int(&rep.config, "client_cpu_requested", o->cpu);
	else
		gb_kv_null(&rep.config, "client_cpu_requested");
	if (scpu >= 0)
		gb_kv_int(&rep.config, "server_cpu_requested", scpu);
	else
		gb_kv_null(&rep.config, "server_cpu_requested");
	gb_kv_str(&rep.config, "placement", o->cpu < 0 || scpu < 0 ? "unpinned"
					    : o->cpu == scpu ? "same_cpu" : "cross_cpu");
	if (cli->c.plan)	/* planned and placed; no test run */
		return gb_report_finish(&rep);

	int stop = 0;
	uint64_t t_start = gb_now_ns();
	for (int i = 0; i < pl->ntests && !stop; i++) {
		const nl_params *p = &pl->p[i];
		int test = pl->tests[i];
		pooled pq = { .hist = gb_xmalloc(sizeof(gb_hist)), .client_cpu = -1, .server_cpu = -1 };
		gb_hist_init(pq.hist);
		int failed = 0;
		for (long long k = 0; k < cli->c.repeat && !failed; k++) {
			if (k && cli->c.time_limit > 0 && (double)(gb_now_ns() - t_start) / 1e9 > cli->c.time_limit) {
				gb_report_warn(&rep, "%s: --time-limit cut the repeats to %lld", nl_test_name(test), k);
				break;
			}
			gb_progress("%s %lld/%lld", nl_test_name(test), k + 1, cli->c.repeat);
			nl_result r;
			nl_result_init(&r, p);
			char err[384] = "";
			int k_rc = nl_client_run(server, p, &r, err, sizeof err);
			if (k_rc == GB_EXIT_ENV) {
				unavailable(&rep, test, err);
				failed = 1;
			} else {
				if (k_rc) {
					gb_report_fail(&rep, "%s", r.error[0] ? r.error : err);
					failed = 1;
				}
				if (r.n)
					pool_add(&pq, &r);
			}
			nl_result_free(&r);
		}
		if (pq.n)
			report_test(&rep, test, &pq);
		free(pq.hist); free(pq.lat); free(pq.rate);
		/* a remote server that failed a test (died?) takes the rest with it */
		stop = failed && mode == MODE_CLIENT && rep.invalid.n;
	}
	gb_progress_done();
	return gb_report_finish(&rep);
}

/* Can we reach the server at all?  Probed before the report starts, so
 * an environment without a usable network exits 3 with nothing printed. */
static int probe(const nl_addr *server, double timeout_s)
{
	char err[384];
	int fd = nl_reach(server, timeout_s, err, sizeof err);
	if (fd < 0) {
		gb_err("%s", err);
		return GB_EXIT_ENV;
	}
	close(fd);	/* the server sees a connection closed before its hello: harmless */
	return 0;
}

static int pin_or_explain(long long cpu, const char *opt)
{
	if (cpu < 0)
		return 0;
	if (!nl_cpu_allowed((int)cpu)) {
		gb_err("%s %lld: CPU %lld is not in this environment's CPU set (affinity mask and cgroup cpuset)",
		       opt, cpu, cpu);
		return GB_EXIT_ENV;
	}
	return 0;
}

static int bind_error(const nl_addr *a, int e)
{
	char where[80];
	nl_addr_str(a, where, sizeof where);
	if (e == EADDRNOTAVAIL && nl_addr_is_loopback(a))
		gb_err("cannot listen on %s: the loopback address is absent here (%s)", where, strerror(e));
	else
		gb_err("cannot listen on %s: %s", where, strerror(e));
	return GB_EXIT_ENV;
}

static void *loop_server(void *srv)
{
	nl_server_serve(srv);
	return NULL;
}

static int mode_loopback(gb_cli *cli, const opts *o, const plan *pl)
{
	nl_addr a;
	char err[256];
	if (nl_addr_parse(o->bind, (unsigned)(o->port < 0 ? 0 : o->port), &a, err, sizeof err)) {
		gb_err("--bind %s", err);
		return GB_EXIT_USAGE;
	}
	int lfd = nl_listen(&a, SOCK_STREAM, 64);
	if (lfd < 0)
		return bind_error(&a, errno);
	nl_local(lfd, &a);
	nl_server_cfg sc = { 4, o->timeout, 0, (int)(o->server_cpu >= 0 ? o->server_cpu : o->cpu) };
	nl_server *srv = nl_server_new(lfd, &sc);
	pthread_t th;
	if (pthread_create(&th, NULL, loop_server, srv))
		gb_die(GB_EXIT_INVALID, "cannot start the server thread");
	int rc = probe(&a, o->timeout);
	if (!rc && o->cpu >= 0)
		nl_pin((int)o->cpu);
	if (!rc)
		rc = run_tests(cli, o, pl, &a, MODE_LOOPBACK);
	nl_server_stop(srv);
	pthread_join(th, NULL);
	nl_server_free(srv);
	close(lfd);
	return rc;
}

static int mode_client(gb_cli *cli, const opts *o, const plan *pl, const char *host)
{
	nl_addr a;
	char err[256];
	if (nl_addr_parse(host, DEFAULT_PORT, &a, err, sizeof err)) {
		gb_err("HOST[:PORT] %s", err);
		return GB_EXIT_USAGE;
	}
	if (nl_addr_port(&a) == 0) {
		gb_err("HOST[:PORT] '%s': the port must be in 1..65535", host);
		return GB_EXIT_USAGE;
	}
	int rc = probe(&a, o->timeout);
	if (rc)
		return rc;
	nl_pin((int)o->cpu);
	return run_tests(cli, o, pl, &a, MODE_CLIENT);
}

static nl_server *volatile the_server;
static void on_signal(int sig)
{
	(void)sig;
	int e = errno;	/* whatever the handler calls, the interrupted code's errno stays */
	if (the_server)
		nl_server_stop(the_server);
	errno = e;
}

static int mode_server(const opts *o)
{
	nl_addr a;
	char err[256], where[80];
	if (nl_addr_parse(o->bind, (unsigned)(o->port < 0 ? DEFAULT_PORT : o->port), &a, err, sizeof err)) {
		gb_err("--bind %s", err);
		return GB_EXIT_USAGE;
	}
	if (!nl_addr_is_loopback(&a))
		gb_warnx("listening on %s, not loopback: anyone who can reach it may start sessions "
			 "(bounded: --max-sessions %lld, --timeout %g s)", o->bind, o->max_sessions, o->timeout);
	int lfd = nl_listen(&a, SOCK_STREAM, 64);
	if (lfd < 0)
		return bind_error(&a, errno);
	nl_local(lfd, &a);
	nl_addr_str(&a, where, sizeof where);
	nl_server_cfg sc = { (int)o->max_sessions, o->timeout, o->sessions,
			     (int)(o->server_cpu >= 0 ? o->server_cpu : o->cpu) };
	nl_server *srv = nl_server_new(lfd, &sc);
	the_server = srv;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the one line a script waits for (the port matters with --port 0) */
	printf("gb-netlat server listening on %s (max %lld sessions)\n", where, o->max_sessions);
	fflush(stdout);
	nl_server_serve(srv);
	the_server = NULL;
	nl_server_free(srv);
	close(lfd);
	return GB_EXIT_OK;
}

int nl_test_corrupt;

int netlat_main(int argc, char **argv)
{
	/* before the parser: GB_FAULT=netlat.corrupt=<test> (common/fault) */
	const char *hook = gb_fault_for("netlat", "corrupt");
	nl_test_corrupt = hook ? nl_test_by_name(hook) : 0;
	opts o = { NULL, "127.0.0.1", 0, 0, 0, 0, 0, 0, -1, -1, -1, 0, 0 };
	const gb_opt table[] = {
		{ .name = "test", .type = GB_OPT_LIST, .dest = &o.tests, .def = "all", .choices = TEST_CHOICES,
		  .metavar = "LIST", .help = "tests to run, comma-separated" },
		{ .name = "req", .type = GB_OPT_SIZE, .dest = &o.req, .def = "100", .min = NL_MIN_MSG,
		  .max = NL_MAX_SIZE, .metavar = "SIZE",
		  .help = "request bytes of the rr tests (udp_rr: at most 65507)" },
		{ .name = "resp", .type = GB_OPT_SIZE, .dest = &o.resp, .def = "200", .min = NL_MIN_MSG,
		  .max = NL_MAX_SIZE, .metavar = "SIZE",
		  .help = "response bytes of the rr tests (udp_rr: at most 65507)" },
		{ .name = "chunk", .type = GB_OPT_SIZE, .dest = &o.chunk, .def = "128k", .min = NL_STAMP,
		  .max = NL_MAX_SIZE, .metavar = "SIZE",
		  .help = "write/read size of the stream tests (multiple of 4 KiB)", .check = check_chunk },
		{ .name = "duration", .type = GB_OPT_DURATION, .dest = &o.duration, .def = "10s", .min = 0.01,
		  .max = NL_MAX_MS / 1000.0, .metavar = "TIME",
		  .help = "measured time, shared by the selected tests, at most 1 h", .quick = "1s" },
		{ .name = "interval", .type = GB_OPT_DURATION, .dest = &o.interval, .def = "1s", .min = 0.01,
		  .max = 60, .metavar = "TIME", .help = "one sample per interval; --warmup counts intervals",
		  .quick = "50ms" },
		{ .name = "cpu", .type = GB_OPT_INT, .dest = &o.cpu, .max = CPU_SETSIZE - 1, .metavar = "N",
		  .help = "pin the client here (loopback: the server too, unless --server-cpu)" },
		{ .name = "server-cpu", .type = GB_OPT_INT, .dest = &o.server_cpu, .max = CPU_SETSIZE - 1,
		  .metavar = "N", .help = "pin the server here (server and loopback modes)" },
		{ .name = "bind", .type = GB_OPT_STRING, .dest = &o.bind, .def = "127.0.0.1", .metavar = "ADDR",
		  .help = "server/loopback address (numeric IPv4 or IPv6; not loopback: a warning)" },
		{ .name = "port", .type = GB_OPT_INT, .dest = &o.port, .max = 65535, .metavar = "P",
		  .help = "server port (server: 12867, 0 = any free one; loopback: any free one)" },
		{ .name = "max-sessions", .type = GB_OPT_INT, .dest = &o.max_sessions, .def = "4", .min = 1,
		  .max = 64, .metavar = "N",
		  .help = "server: concurrent sessions; further connections are refused" },
		{ .name = "sessions", .type = GB_OPT_INT, .dest = &o.sessions, .def = "0", .max = 1e9,
		  .metavar = "N", .help = "server: exit after N sessions (0 = serve until SIGINT/SIGTERM)" },
		{ .name = "timeout", .type = GB_OPT_DURATION, .dest = &o.timeout, .def = "5s", .min = 0.05,
		  .max = 600, .metavar = "TIME",
		  .help = "handshake, idle and no-progress timeout on either side" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-netlat",
		.bench = "netlat",
		.summary = "request/response latency and bulk throughput (netperf-style), client and server",
		.synopsis = "[loopback | server | client HOST[:PORT]] [options]",
		.epilog = "tests: tcp_rr udp_rr (one transaction in flight), tcp_crr (connect, request,\n"
			  "response, close), tcp_stream (client sends), tcp_maerts (server sends).\n"
			  "metrics: <test>_latency (us, p50..p99.9), <test>_tps, <test>_gbps.\n",
		.common = GB_C_RUN,
		.opts = table,
		/* intervals already give samples: one run per test unless -r asks */
		.defaults = (const gb_optdef[]){ { "repeat", "1", NULL }, { NULL } },
		.max_positional = 2,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	int mode = MODE_LOOPBACK;
	if (cli.npos) {
		for (mode = 0; mode < 3 && strcmp(cli.pos[0], mode_names[mode]); mode++)
			;
		if (mode == 3) {
			gb_err("'%s': the mode is one of loopback, server, client HOST[:PORT]", cli.pos[0]);
			rc = GB_EXIT_USAGE;
		} else if ((mode == MODE_CLIENT) != (cli.npos == 2)) {
			gb_err(mode == MODE_CLIENT ? "client: HOST[:PORT] is missing"
						   : "%s takes no further argument", mode_names[mode]);
			rc = GB_EXIT_USAGE;
		}
	}
	if (!rc && mode == MODE_CLIENT && o.server_cpu >= 0) {
		gb_err("--server-cpu: the client cannot pin a remote server; give it to 'gb-netlat server'");
		rc = GB_EXIT_USAGE;
	}
	if (!rc && o.chunk % NL_STAMP) {
		gb_err("--chunk: a multiple of 4 KiB");
		rc = GB_EXIT_USAGE;
	}
	int udp = !o.tests || strstr(o.tests, "udp_rr") || strstr(o.tests, "all");
	if (!rc && udp && (o.req > NL_MAX_UDP || o.resp > NL_MAX_UDP)) {
		gb_err("--req/--resp: udp_rr takes at most 65507 bytes (one datagram); leave it out with --test");
		rc = GB_EXIT_USAGE;
	}
	if (rc) {
		gb_cli_free(&cli);
		return rc;
	}
	signal(SIGPIPE, SIG_IGN);

	plan pl;
	if (mode != MODE_SERVER)
		make_plan(&o, &cli, &pl);
	if ((mode != MODE_SERVER && (rc = check_plan(&pl, cli.c.warmup))) ||
	    (rc = pin_or_explain(o.cpu, "--cpu")) || (rc = pin_or_explain(o.server_cpu, "--server-cpu"))) {
		gb_cli_free(&cli);
		return rc;
	}
	if (mode == MODE_SERVER)
		rc = mode_server(&o);
	else
		rc = mode == MODE_LOOPBACK ? mode_loopback(&cli, &o, &pl) : mode_client(&cli, &o, &pl, cli.pos[1]);
	gb_cli_free(&cli);
	return rc;
}
