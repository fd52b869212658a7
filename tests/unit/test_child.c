/* test_child.c - suite_child_run (suite/child.c) with commands that are not
 * guestbench: how the suite and `guestbench rounds` run a benchmark or a
 * runtime's command prefix.  Output and status come back; a name without
 * '/' is found in PATH; a process left behind holding the pipes neither
 * hangs the call (normal end or timeout) nor outlives it; only our own
 * benchmarks get OPENBLAS_NUM_THREADS; the caller's signal handlers are
 * back afterwards.
 *
 * child.c belongs to the multi-call binary, not to a benchmark the
 * Makefile links unit tests with: it is compiled in here, with the one
 * function of the benchmark table it uses. */
#include "tap.h"
#include "testlib.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../suite/child.c"

static const reg_bench fake[] = { { .name = "syscall" }, { .name = "linpack" } };

const reg_bench *reg_find(const char *name)
{
	for (size_t i = 0; i < sizeof fake / sizeof fake[0]; i++)
		if (!strcmp(name, fake[i].name))
			return &fake[i];
	return NULL;
}

static char mark[32];

/* suite_child_run of sh -c script ("%M": the marker), argv[0] as given. */
static int run_sh(const char *path, const char *arg0, const char *script, double timeout, suite_child *c)
{
	char text[512];
	tl_with_mark(script, mark, text, sizeof text);
	char *argv[] = { (char *)arg0, "-c", text, NULL };
	return suite_child_run(path, argv, timeout, c);
}

static void test_plain(void)
{
	suite_child c;
	int rc = run_sh("/bin/sh", "sh", "echo out; echo progress >&2; echo 'the reason' >&2; exit 4", 10, &c);
	ok(rc == 0 && c.status == 4 && c.signal == 0 && !c.timed_out, "exit status 4 comes back (rc %d, status %d)",
	   rc, c.status);
	is_str(c.out, "out\n", "stdout collected");
	is_str(c.last_err, "the reason", "stderr's last line kept");
	suite_child_free(&c);
	rc = run_sh("sh", "sh", "echo found", 10, &c);
	ok(rc == 0 && c.status == 0 && !strcmp(c.out, "found\n"), "a bare name is looked up in PATH (%s)", c.last_err);
	suite_child_free(&c);
	rc = run_sh("/nonexistent/runtime", "runtime", "true", 10, &c);
	ok(rc == 0 && c.status == 127 && strstr(c.last_err, "cannot execute /nonexistent/runtime"),
	   "a missing program: status 127 and why (%s)", c.last_err);
	suite_child_free(&c);
	ok(tl_no_child_left(), "nothing left to reap");
}

static void test_left_behind(void)
{
	suite_child c;
	snprintf(mark, sizeof mark, "7%d.1", (int)getpid());
	uint64_t t0 = gb_now_ns();
	int rc = run_sh("/bin/sh", "sh", "setsid sleep %M & echo done", 0, &c);
	double s = (double)(gb_now_ns() - t0) / 1e9;
	ok(rc == 0 && c.status == 0 && !strcmp(c.out, "done\n"),
	   "a command that leaves a setsid process holding the pipes: its output and status (no timeout given)");
	ok(s < 3, "returns when the command ends (%.2f s)", s);
	is_int(tl_marked(mark), 0, "the process it left is gone");
	ok(tl_no_child_left(), "and reaped");
	suite_child_free(&c);
	tl_kill_marked(mark);

	snprintf(mark, sizeof mark, "7%d.2", (int)getpid());
	t0 = gb_now_ns();
	rc = run_sh("/bin/sh", "sh", "trap '' TERM; setsid sleep %M & echo started; exec sleep %M", 0.5, &c);
	s = (double)(gb_now_ns() - t0) / 1e9;
	ok(rc == 0 && c.timed_out && c.signal == SIGKILL, "timeout: the command is killed (signal %d)", c.signal);
	ok(s >= 0.5 && s < 3, "timeout 0.5 s: back after %.2f s, though a grandchild held the pipes", s);
	is_str(c.out, "started\n", "what it wrote before is kept");
	is_int(tl_marked(mark), 0, "timeout: nothing of the tree left");
	suite_child_free(&c);
	tl_kill_marked(mark);
}

static void test_environment(void)
{
	suite_child c;
	unsetenv("OPENBLAS_NUM_THREADS");
	const char *script = "echo \"[$OPENBLAS_NUM_THREADS]\"";
	run_sh("/bin/sh", "syscall", script, 10, &c);
	is_str(c.out, "[1]\n", "one of our benchmarks (not linpack): OPENBLAS_NUM_THREADS=1");
	suite_child_free(&c);
	run_sh("/bin/sh", "linpack", script, 10, &c);
	is_str(c.out, "[]\n", "linpack: OpenBLAS's threads untouched");
	suite_child_free(&c);
	run_sh("/bin/sh", "runc", script, 10, &c);
	is_str(c.out, "[]\n", "any other command: the environment as is");
	suite_child_free(&c);
	ok(getenv("OPENBLAS_NUM_THREADS") == NULL, "ours unchanged");
}

static volatile sig_atomic_t got_term;
static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void test_handlers_back(void)
{
	struct sigaction sa, now;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	suite_child c;
	run_sh("/bin/sh", "sh", "true", 10, &c);
	suite_child_free(&c);
	sigaction(SIGTERM, NULL, &now);
	ok(now.sa_handler == on_term, "the caller's SIGTERM handler is back after the call");
	raise(SIGTERM);
	ok(got_term, "and it runs");
	signal(SIGTERM, SIG_DFL);
}

int main(void)
{
	if (access("/bin/sh", X_OK) || access("/proc/self/stat", R_OK)) {
		skip("needs /bin/sh and /proc", "suite_child_run");
		return tap_done();
	}
	test_plain();
	test_left_behind();
	test_environment();
	test_handlers_back();
	return tap_done();
}
