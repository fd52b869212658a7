/* launch.c - gb-startup launch [options] -- CMD ARGS...: how long CMD
 * (a container, a VM, a program) takes until it is ready, over rounds.
 *
 * This file holds the options, the listening socket, the rounds and the
 * report; round.c runs one round.  Metrics: `ready` (ms, one sample per
 * successful round) and with --footprint `pss` and `private_dirty` (KiB,
 * at readiness).  Every round's outcome is in ready.round_status; a round
 * that is not ok (timeout, CMD failed or crashed first) makes the run
 * invalid (exit 1) with the round named in invalid_reasons.
 *
 * With --instances N1,N2,... every round starts a batch of N copies of CMD
 * at once for each N (batch.c) and the report is density.c's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "launch.h"
#include "proctree.h"
#include "report.h"
#include "util.h"

static const char *const ready_words[] = { "udp", "tcp", "line:", "exit" };
static const char *const then_words[] = { "term", "kill", "wait" };

static int check_ready(const char *val, char *msg, unsigned len)
{
	if (strncmp(val, "line:", 5) == 0 && (!val[5] || strlen(val + 5) >= 2048)) {
		snprintf(msg, len, "line:TEXT needs a TEXT of 1 to 2047 bytes");
		return -1;
	}
	return 0;
}

static int check_bind(const char *val, char *msg, unsigned len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (su_parse_addr(val, 0, &ss, &sl)) {
		snprintf(msg, len, "a numeric IPv4 or IPv6 address, e.g. 127.0.0.1, 0.0.0.0, ::1");
		return -1;
	}
	return 0;
}

static int check_instances(const char *val, char *msg, unsigned len)
{
	int ns[SU_INSTANCES_LIST_MAX];
	return su_instances_parse(val, ns, msg, len) < 0 ? -1 : 0;
}

/* Entries of a /proc directory that are numbers owned by uid (or any, uid
 * -1): processes, or open files; -1 when it cannot be read. */
static long count_entries(const char *dir, long uid)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	long n = 0;
	struct dirent *e;
	struct stat st;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' &&
		    (uid < 0 || (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && (long)st.st_uid == uid)))
			n++;
	closedir(d);
	return n;
}

/* Before a batch of maxn starts: will the limits let it?  RLIMIT_NPROC
 * (not enforced for root) must leave room for maxn instances and their
 * holder beside this user's processes; RLIMIT_NOFILE for the pipes and
 * logs this process holds per instance.  0, or -1 with the reason. */
static int check_limits(const su_launch_cfg *c, int maxn, char *why, size_t len)
{
	struct rlimit rl;
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		long have = count_entries("/proc", (long)getuid());
		long need = maxn + 1;
		if ((have > 0 ? have : 0) + need > (long)rl.rlim_cur) {
			snprintf(why, len, "RLIMIT_NPROC (ulimit -u) is %llu and this user runs %ld processes: %d "
				 "instances need %ld more (each instance and their holder); raise the limit or ask for fewer",
				 (unsigned long long)rl.rlim_cur, have, maxn, need);
			return -1;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		long open_now = count_entries("/proc/self/fd", -1);
		long per = (c->ready == SU_READY_LINE || c->outdir ? 2 : 0) + (c->outdir ? 1 : 0);
		long need = per * maxn + 4;
		if (open_now < 0)
			open_now = 8;
		if (open_now + need > (long)rl.rlim_cur) {
			snprintf(why, len, "RLIMIT_NOFILE (ulimit -n) is %llu and %ld files are open: %d instances need "
				 "%ld more here (%ld per instance: its output pipe%s); raise the limit or ask for fewer",
				 (unsigned long long)rl.rlim_cur, open_now, maxn, need, per,
				 c->outdir ? " and its log" : "");
			return -1;
		}
	}
	return 0;
}

static int word_index(const char *const *words, size_t n, const char *val)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(val, words[i], strlen(words[i])) == 0)
			return (int)i;
	return 0;
}

/* The socket CMD reports to: UDP, or a TCP listener; {addr} {port}. */
static int open_listener(su_launch_cfg *c, const char *bind_addr, long long port, char *why, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	su_parse_addr(bind_addr, 0, &ss, &sl);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	int tcp = c->ready == SU_READY_TCP, one = 1;
	c->lfd = socket(ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->lfd < 0 || (tcp && setsockopt(c->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) ||
	    bind(c->lfd, (struct sockaddr *)&ss, sl) < 0 || (tcp && listen(c->lfd, 64) < 0) ||
	    getsockname(c->lfd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(why, len, "cannot listen on %s port %lld (%s): %s", bind_addr, port, tcp ? "tcp" : "udp",
			 strerror(errno));
		return -1;
	}
	su_addr_host(&ss, c->addr, sizeof c->addr);
	snprintf(c->port, sizeof c->port, "%u", su_addr_port(&ss));
	return 0;
}

/* The rounds' outcomes into the report. */
static void report_rounds(gb_report *r, const su_launch_cfg *c, const su_round *rd, int n, int warmup)
{
	double *ms = gb_xcalloc((size_t)n + 1, sizeof *ms), *pss = gb_xcalloc((size_t)n + 1, sizeof *pss),
	       *dirty = gb_xcalloc((size_t)n + 1, sizeof *dirty);
	size_t nok = 0, nmem = 0;
	unsigned ignored = 0;
	char *status = gb_xcalloc((size_t)n + 1, 8);
	for (int i = 0; i < n; i++) {
		const su_round *x = &rd[i];
		ignored += x->ignored;
		int ok = x->status == SU_RS_OK && !x->left;
		if (!ok)
			gb_report_fail(r, "round %d%s: %s: %s", x->index, i < warmup ? " (warm-up)" : "",
				       su_status_word[x->status], x->detail[0] ? x->detail : "failed");
		if (i < warmup)
			continue;
		sprintf(status + strlen(status), "%s%s", i > warmup ? "," : "", su_status_word[x->status]);
		if (!ok)
			continue;
		ms[nok++] = x->ready_ms;
		if (c->footprint && x->have_mem) {
			pss[nmem] = (double)x->mem.pss_kib;
			dirty[nmem++] = (double)x->mem.private_dirty_kib;
		} else if (c->footprint) {
			gb_report_warn(r, "round %d: no footprint: %s", x->index, x->mem_why);
		}
	}
	if (nok) {
		gb_metric *m = gb_report_metric(r, "ready", "ms", GB_LOWER, ms, nok);
		gb_kv_int(&m->extra, "rounds", n - warmup);
		gb_kv_int(&m->extra, "rounds_ok", (long long)nok);
		gb_kv_str(&m->extra, "round_status", status);
		gb_kv_int(&m->extra, "ignored_datagrams", ignored);
		gb_metric_note(m, "%zu of %d rounds ready", nok, n - warmup);
	} else {
		gb_report_unavailable(r, "ready", 0, "no round became ready (round_status %s)", status);
	}
	if (nmem) {
		gb_metric *m = gb_report_metric(r, "pss", "KiB", GB_LOWER, pss, nmem);
		gb_kv_str(&m->extra, "of", c->cgroup ? "cgroup" : "process tree");
		m = gb_report_metric(r, "private_dirty", "KiB", GB_LOWER, dirty, nmem);
		gb_kv_str(&m->extra, "of", c->cgroup ? "cgroup" : "process tree");
	} else if (c->footprint) {
		gb_report_unavailable(r, "pss", 0, "no round measured a footprint");
		gb_report_unavailable(r, "private_dirty", 0, "no round measured a footprint");
	}
	free(status);
	free(ms);
	free(pss);
	free(dirty);
}

/* The rounds of one CMD at a time; GB_EXIT_ENV when CMD cannot run. */
static int run_rounds(gb_report *r, const su_launch_cfg *c, const gb_cli *cli, int n, int warmup)
{
	su_round *rd = gb_xcalloc((size_t)(n + warmup), sizeof *rd);
	uint64_t start = gb_now_ns();
	int done = 0;
	for (; done < n + warmup; done++) {
		gb_progress("round %d of %d", done + 1, n + warmup);
		rd[done].index = done + 1;
		su_round_run(c, &rd[done]);
		if (rd[done].exec_errno) {
			/* CMD cannot run here at all: no point in more rounds */
			gb_progress_done();
			gb_err("%s", rd[done].detail);
			free(rd);
			return GB_EXIT_ENV;
		}
		if (cli->c.time_limit > 0 && gb_now_ns() - start > (uint64_t)(cli->c.time_limit * 1e9) &&
		    done + 1 > warmup) {
			done++;
			break;
		}
	}
	gb_progress_done();
	if (done < n + warmup)
		gb_report_warn(r, "--time-limit stopped after %d of %d rounds", done - warmup, n);
	report_rounds(r, c, rd, done, warmup < done ? warmup : done);
	free(rd);
	return 0;
}

/* --instances: every round, a batch of each N in the list's order. */
static int run_density(gb_report *r, const su_launch_cfg *c, const gb_cli *cli, const int *ns, int nn, int n,
		       int warmup)
{
	su_batch *b = gb_xcalloc((size_t)(n + warmup) * (size_t)nn, sizeof *b);
	uint64_t start = gb_now_ns();
	int done = 0, round = 0, rc = 0;
	for (; round < n + warmup && !rc; round++) {
		for (int k = 0; k < nn; k++) {
			gb_progress("round %d of %d: %d instances", round + 1, n + warmup, ns[k]);
			b[done].round = round + 1;
			su_batch_run(c, ns[k], &b[done]);
			if (b[done++].exec_errno) {
				gb_progress_done();
				gb_err("%s", b[done - 1].detail);
				rc = GB_EXIT_ENV;
				break;
			}
		}
		if (cli->c.time_limit > 0 && gb_now_ns() - start > (uint64_t)(cli->c.time_limit * 1e9) &&
		    round + 1 > warmup) {
			round++;
			break;
		}
	}
	gb_progress_done();
	if (!rc) {
		if (round < n + warmup)
			gb_report_warn(r, "--time-limit stopped after %d of %d rounds", round - warmup, n);
		int wb = (warmup < round ? warmup : round) * nn;
		su_density_report(r, c, ns, nn, b, done, wb);
	}
	for (int i = 0; i < done; i++)
		su_batch_free(&b[i]);
	free(b);
	return rc;
}

int su_launch_main(int argc, char **argv)
{
	long long rounds = 0, port = 0;
	const char *ready = NULL, *then = NULL, *bind_addr = NULL, *instances = NULL;
	su_launch_cfg c;
	memset(&c, 0, sizeof c);
	c.lfd = -1;
	c.outdir_fd = -1;
	const gb_opt opts[] = {
		{ .name = "ready", .type = GB_OPT_CHOICE, .dest = &ready, .def = "udp",
		  .choices = "udp|tcp|line:|exit", .metavar = "HOW",
		  .help = "ready when: udp = a datagram with {nonce} arrives (gb-startup ping), tcp = a connection "
		  "to {addr}:{port}, line:TEXT = CMD prints TEXT (stdout or stderr), exit = CMD exits 0",
		  .check = check_ready },
		{ .name = "rounds", .type = GB_OPT_INT, .dest = &rounds, .min = 1, .max = 100000, .metavar = "N",
		  .help = "rounds (the same as -r N)" },
		{ .name = "timeout", .type = GB_OPT_DURATION, .dest = &c.timeout, .def = "60s", .min = 0.001,
		  .max = 86400, .metavar = "TIME", .help = "a round not ready after this long is a timeout" },
		{ .name = "then", .type = GB_OPT_CHOICE, .dest = &then, .def = "term",
		  .choices = "term|kill|wait", .metavar = "HOW",
		  .help = "after readiness (or a timeout): term = SIGTERM, SIGKILL after --grace; kill = SIGKILL; "
		  "wait = let CMD exit by itself within --grace" },
		{ .name = "grace", .type = GB_OPT_DURATION, .dest = &c.grace, .def = "5s", .max = 86400,
		  .metavar = "TIME", .help = "how long --then term/wait waits before SIGKILL" },
		{ .name = "bind", .type = GB_OPT_STRING, .dest = &bind_addr, .def = "127.0.0.1", .metavar = "ADDR",
		  .help = "listen on this numeric address ({addr})", .check = check_bind },
		{ .name = "port", .type = GB_OPT_INT, .dest = &port, .def = "0", .max = 65535, .metavar = "PORT",
		  .help = "listen on this port ({port}); 0 = any free one" },
		{ .name = "footprint", .type = GB_OPT_FLAG, .dest = &c.footprint,
		  .help = "at readiness, sum PSS and Private_Dirty over CMD's process tree" },
		{ .name = "cgroup", .type = GB_OPT_STRING, .dest = &c.cgroup, .metavar = "PATH",
		  .help = "footprint of this cgroup directory's processes instead (implies --footprint)" },
		{ .name = "output-dir", .type = GB_OPT_STRING, .dest = &c.outdir, .metavar = "DIR",
		  .help = "keep each round's CMD output (stdout+stderr) as DIR/round-N.log" },
		{ .name = "instances", .type = GB_OPT_STRING, .dest = &instances, .metavar = "N[,N...]",
		  .help = "start N copies of CMD at once ({i} = 1..N), each round, for each N of the list: "
		  "per-instance ready percentiles, time until all are ready, total footprint, growth with N",
		  .check = check_instances },
		{ .name = "stagger", .type = GB_OPT_DURATION, .dest = &c.stagger, .def = "0", .max = 3600,
		  .metavar = "TIME", .help = "with --instances: start them TIME apart instead of at once" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-startup launch",
		.bench = "startup",
		.summary = "time CMD from start until it is ready, over rounds (containers, VMs, programs)",
		.synopsis = "[options] -- CMD [ARGS...]",
		.epilog = "In CMD's arguments {addr}, {port} and {nonce} are replaced by the listening\n"
			  "address and port and this round's nonce, e.g.\n"
			  "  gb-startup launch -- docker run --rm --network host IMG gb-startup ping {addr}:{port} --nonce {nonce}\n"
			  "With --instances, {i} is the instance's number (1..N) and each has its own {nonce}.\n"
			  "CMD runs in its own process group; at the end of every round the group and every\n"
			  "descendant are killed.  Exit status 1 when a round timed out or CMD failed.\n"
			  "--warmup N: rounds run first and discarded (default 0: a first start is a start).\n",
		.common = GB_C_RUN,
		.opts = opts,
		/* a start is long (a container, a VM): few rounds, and the first
		 * start is a real start (cold caches are part of start-up), so no
		 * round is discarded unless --warmup says so */
		.defaults = (const gb_optdef[]){ { "repeat", "10", "3" }, { "warmup", "0", NULL }, { NULL } },
		.max_positional = -1,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	char why[512] = "";
	struct stat st;
	if (cli.npos == 0) {
		gb_err("launch needs a command: gb-startup launch [options] -- CMD [ARGS...]");
		rc = GB_EXIT_USAGE;
	} else if (c.outdir && (stat(c.outdir, &st) < 0 || !S_ISDIR(st.st_mode) || access(c.outdir, W_OK) ||
				(c.outdir_fd = open(c.outdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)) {
		/* opened once: the logs go into this directory even if the path
		 * is later swapped for a link to somewhere else */
		gb_err("--output-dir %s: not a writable directory", c.outdir);
		rc = GB_EXIT_USAGE;
	} else if (instances && ready && strcmp(ready, "tcp") == 0) {
		gb_err("--ready tcp cannot tell instances apart (one port for all): with --instances use udp "
		       "(each instance pings its own {nonce}), line:TEXT or exit");
		rc = GB_EXIT_USAGE;
	} else if (c.cgroup && strstr(c.cgroup, "{i}") && !instances) {
		gb_err("--cgroup %s: {i} (one group per instance) needs --instances", c.cgroup);
		rc = GB_EXIT_USAGE;
	} else if (gb_cli_isset(&cli, "stagger") && !instances) {
		gb_err("--stagger needs --instances");
		rc = GB_EXIT_USAGE;
	} else if (c.cgroup && !strstr(c.cgroup, "{i}") && !gb_path_exists(NULL, c.cgroup)) {
		gb_err("--cgroup %s: no such cgroup directory", c.cgroup);
		rc = GB_EXIT_ENV;
	}
	if (rc) {
		gb_cli_free(&cli);
		return rc;
	}
	c.cmd = cli.pos;
	c.ready = word_index(ready_words, 4, ready);
	c.text = c.ready == SU_READY_LINE ? ready + 5 : NULL;
	c.then = word_index(then_words, 3, then);
	c.footprint |= c.cgroup != NULL;
	int n = (int)(rounds ? rounds : cli.c.repeat);	/* --rounds is -r by another name */
	int warmup = (int)cli.c.warmup;
	int ns[SU_INSTANCES_LIST_MAX], nn = 0, maxn = 0;
	if (instances)
		nn = su_instances_parse(instances, ns, why, sizeof why);	/* checked by the parser */
	for (int k = 0; k < nn; k++)
		maxn = ns[k] > maxn ? ns[k] : maxn;

	if ((c.ready == SU_READY_UDP || c.ready == SU_READY_TCP) &&
	    open_listener(&c, bind_addr, port, why, sizeof why) < 0) {
		gb_err("%s", why);
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}
	if (su_signals_init(why, sizeof why) < 0) {
		gb_err("%s", why);
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}

	if (nn && check_limits(&c, maxn, why, sizeof why) < 0) {
		gb_err("--instances %s: %s", instances, why);
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}

	/* the report starts before the rounds: its readings of what disturbed
	 * the run (and --neighbors) cover them */
	gb_report r;
	gb_report_init(&r, &cli);
	gb_kv_str(&r.config, "mode", "launch");
	gb_kv_int(&r.config, "rounds", n);
	gb_kv_int(&r.config, "repeat", n);
	gb_kv_int(&r.config, "warmup", warmup);
	gb_kv_bool(&r.config, "footprint", c.footprint);
	if (c.lfd >= 0) {
		gb_kv_str(&r.config, "addr", c.addr);
		gb_kv_int(&r.config, "port", atoi(c.port));
	}
	char cmd[1024] = "";
	for (int i = 0; i < cli.npos; i++)
		snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", i ? " " : "", cli.pos[i]);
	gb_kv_str(&r.config, "command", cmd);
	gb_kv_str(&r.config, "cleanup", gb_tree_reach());	/* how far the end of a round reaches */
	if (!cli.c.plan) {	/* --plan: the configuration, nothing started */
		rc = nn ? run_density(&r, &c, &cli, ns, nn, n, warmup) : run_rounds(&r, &c, &cli, n, warmup);
		if (rc) {	/* CMD cannot be executed here: no document */
			if (c.lfd >= 0)
				close(c.lfd);
			gb_cli_free(&cli);
			return rc;
		}
	}
	if (c.lfd >= 0)
		close(c.lfd);
	if (c.outdir_fd >= 0)
		close(c.outdir_fd);
	rc = gb_report_finish(&r);
	gb_cli_free(&cli);
	return rc;
}
