/* spawn.c - gb-startup spawn: how long creating, executing and reaping a
 * child takes (Agarwal et al. note ~208 us for a Linux process).
 *
 * Every method runs --warmup discarded rounds, then --rounds rounds, each
 * timed on its own (CLOCK_MONOTONIC around create ... reap) into the
 * samples and a latency histogram, so a result has percentiles.  Every
 * round is validated: the child must end with the status its target
 * promises (the no-op child exits SU_NOOP_STATUS, /bin/true 0, a thread
 * returns SU_NOOP_STATUS).  A target this environment lacks (no
 * /bin/true, no way to find this program) makes its method unavailable
 * with the reason, not an error. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "hist.h"
#include "report.h"
#include "spawn.h"
#include "util.h"

enum { T_SELF, T_TRUE, T_EXEC, T_NONE };

static const struct method {
	const char *name;	/* metric spawn_<name> */
	int target;
	int (*run)(const su_target *t);
	const char *what;
} methods[] = {
	{ "fork_exec", T_SELF, su_fork_exec, "fork + execve of this program's no-op mode + wait" },
	{ "vfork_exec", T_SELF, su_vfork_exec, "vfork + execve of the no-op mode + wait" },
	{ "posix_spawn", T_SELF, su_posix_spawn, "posix_spawn of the no-op mode + wait" },
	{ "posix_spawn_true", T_TRUE, su_posix_spawn, "posix_spawn of /bin/true (a dynamic program) + wait" },
	{ "posix_spawn_exec", T_EXEC, su_posix_spawn, "posix_spawn of --exec PATH + wait (must exit 0)" },
	{ "fork_exit", T_NONE, su_fork_exit, "fork + _exit in the child + wait: no exec" },
	{ "thread", T_NONE, su_thread, "pthread_create + pthread_join" },
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static int selected(const char *only, const char *name)
{
	return !only || gb_list_has(only, name);
}

static long child_minflt(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_CHILDREN, &ru) == 0 ? ru.ru_minflt : 0;
}

/* What a wrong round ended with, for invalid_reasons. */
static void describe(int st, char *buf, size_t len)
{
	if (st < 0)
		snprintf(buf, len, "could not start: %s", strerror(-st));
	else if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "wait status %#x", st);
}

typedef struct run_cfg {
	long long rounds, warmup;
	uint64_t limit_ns;	/* per method, 0 = none */
} run_cfg;

static void run_method(gb_report *r, const struct method *m, const su_target *t, const run_cfg *c,
		       double *us, gb_hist *h)
{
	char metric[64], why[160];
	snprintf(metric, sizeof metric, "spawn_%s", m->name);
	gb_progress("%s", metric);
	gb_hist_init(h);
	long flt0 = child_minflt();
	uint64_t start = gb_now_ns();
	long long n = 0, bad = 0, total = c->warmup + c->rounds;
	int first_bad = 0;
	for (long long i = 0; i < total; i++) {
		uint64_t t0 = gb_now_ns();
		int st = m->run(t);
		uint64_t t1 = gb_now_ns();
		int good = st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == t->expect;
		if (!good && !bad++)
			first_bad = st;
		if (st < 0 && i == 0) {
			/* not even one child: this environment cannot do it */
			gb_report_unavailable(r, metric, -st, "%s", strerror(-st));
			return;
		}
		if (i < c->warmup)
			continue;
		us[n++] = (double)(t1 - t0) / 1e3;
		gb_hist_add(h, t1 - t0);
		if (c->limit_ns && t1 - start > c->limit_ns)
			break;
	}
	long flt = child_minflt() - flt0;
	if (bad) {
		describe(first_bad, why, sizeof why);
		gb_report_fail(r, "%s: %lld of %lld rounds (warm-up included) ended wrong (first: %s; "
			       "expected exit status %d)", metric, bad, total, why, t->expect);
	}
	if (n < c->rounds)
		gb_report_warn(r, "%s: --time-limit cut the rounds to %lld", metric, n);
	gb_metric *g = gb_report_metric(r, metric, "us", GB_LOWER, us, (size_t)n);
	gb_metric_set_pct(g, h, 1e-3);
	gb_kv_int(&g->extra, "rounds", n);
	gb_kv_int(&g->extra, "failed_rounds", bad);	/* warm-up included */
	if (t->path) {
		gb_kv_str(&g->extra, "path", t->path);
		gb_kv_str(&g->extra, "linkage", su_elf_linkage(t->path));
		/* minor page faults of the children: start-up work made visible */
		gb_kv_num(&g->extra, "child_minflt", (double)flt / (double)(c->warmup + n));
	}
}

int su_spawn_main(int argc, char **argv)
{
	static char choices[256], epilog[2048];
	size_t c = 0, e = (size_t)snprintf(epilog, sizeof epilog,
		"methods (metric spawn_<method>, us per round; --only selects):\n");
	for (size_t i = 0; i < NMETHODS; i++) {
		c += (size_t)snprintf(choices + c, sizeof choices - c, "%s%s", i ? "|" : "", methods[i].name);
		e += (size_t)snprintf(epilog + e, sizeof epilog - e, "  %-18s %s\n", methods[i].name,
				      methods[i].what);
	}
	snprintf(epilog + e, sizeof epilog - e,
		 "\nother modes: gb-startup launch --help, gb-startup ping --help\n");

	long long rounds = 0;
	const char *only = NULL, *exec_path = NULL;
	const gb_opt opts[] = {
		{ .name = "rounds", .type = GB_OPT_INT, .dest = &rounds, .min = 1, .max = 10000000,
		  .metavar = "N", .help = "timed rounds per method (the same as -r N)" },
		{ .name = "only", .type = GB_OPT_LIST, .dest = &only, .choices = choices, .metavar = "LIST",
		  .help = "run only these methods, comma-separated" },
		{ .name = "exec", .type = GB_OPT_STRING, .dest = &exec_path, .metavar = "PATH",
		  .help = "also time posix_spawn of PATH (it must exit 0): compare any binary" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-startup",
		.bench = "startup",
		.summary = "spawn latency: create, execute and reap a child, many rounds each",
		.synopsis = "[spawn] [options]",
		.epilog = epilog,
		.common = GB_C_RUN,
		.opts = opts,
		/* many short rounds: a spawn takes 0.1-1 ms; the first rounds pull
		 * the program into the page cache and grow the page tables */
		.defaults = (const gb_optdef[]){ { "repeat", "1000", "200" }, { "warmup", "20", "10" }, { NULL } },
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	run_cfg cfg;
	cfg.rounds = rounds ? rounds : cli.c.repeat;	/* --rounds is -r by another name */
	cfg.warmup = cli.c.warmup;
	if (exec_path && access(exec_path, X_OK) != 0) {
		gb_err("--exec %s: cannot execute it: %s", exec_path, strerror(errno));
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}
	if (only && selected(only, "posix_spawn_exec") && !exec_path) {
		gb_err("--only posix_spawn_exec needs --exec PATH");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}

	char why[512];
	const char *self = gb_self_path(why, sizeof why);
	char *self_argv[] = { "gb-startup", SU_NOOP_ARG, NULL };
	char *true_argv[] = { "true", NULL };
	char *exec_argv[] = { (char *)exec_path, NULL };
	const su_target targets[] = {
		[T_SELF] = { self, self_argv, SU_NOOP_STATUS },
		[T_TRUE] = { access("/bin/true", X_OK) == 0 ? "/bin/true" : NULL, true_argv, 0 },
		[T_EXEC] = { exec_path, exec_argv, 0 },
		[T_NONE] = { NULL, NULL, SU_NOOP_STATUS },
	};

	gb_report r;
	gb_report_init(&r, &cli);
	gb_kv_int(&r.config, "rounds", cfg.rounds);
	gb_kv_int(&r.config, "repeat", cfg.rounds);
	gb_kv_int(&r.config, "warmup", cfg.warmup);
	gb_kv_str(&r.config, "mode", "spawn");
	gb_kv_str(&r.config, "self", self ? self : NULL);
	gb_kv_str(&r.config, "self_linkage", self ? su_elf_linkage(self) : "unknown");

	size_t nsel = 0;
	for (size_t i = 0; i < NMETHODS; i++)
		nsel += selected(only, methods[i].name) && (methods[i].target != T_EXEC || exec_path);
	cfg.limit_ns = (uint64_t)ceil(cli.c.time_limit * 1e9 / (double)(nsel ? nsel : 1));
	if (cli.c.plan) {	/* rounds and targets resolved; nothing spawned */
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}

	double *us = gb_xcalloc((size_t)cfg.rounds, sizeof *us);
	gb_hist *h = gb_xmalloc(sizeof *h);
	for (size_t i = 0; i < NMETHODS; i++) {
		const struct method *m = &methods[i];
		const su_target *t = &targets[m->target];
		if (!selected(only, m->name) || (m->target == T_EXEC && !exec_path))
			continue;
		char metric[64];
		snprintf(metric, sizeof metric, "spawn_%s", m->name);
		if (m->target == T_SELF && !self)
			gb_report_unavailable(&r, metric, 0, "%s", why);
		else if (m->target == T_TRUE && !t->path)
			gb_report_unavailable(&r, metric, ENOENT, "/bin/true is not here");
		else
			run_method(&r, m, t, &cfg, us, h);
	}
	free(h);
	free(us);
	gb_progress_done();
	gb_cli_free(&cli);
	return gb_report_finish(&r);
}
