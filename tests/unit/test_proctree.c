/* test_proctree.c - common/proctree: whatever a command does (setsid, a
 * double fork, ignoring SIGTERM, a deep chain of sessions), ending its tree
 * leaves none of its processes, and the command's number stays ours (an
 * unreaped zombie) until then; a fatal signal to the launcher does the same
 * before it dies; without pidfd_open (seccomp, old kernels) every level is
 * still reached, and without /proc the process group is.
 *
 * The processes are sh and sleep with a marker argument no other process
 * has ("sleep 7<pid>.<n>"), counted in /proc/PID/cmdline. */
#include "tap.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "proctree.h"
#include "util.h"

static char mark[32];

static void new_mark(void)
{
	static int n;
	snprintf(mark, sizeof mark, "7%d.%d", (int)getpid(), ++n);
}

/* Until n marked processes run (5 s at most). */
static int wait_marked(int n)
{
	for (int i = 0; i < 500; i++) {
		if (tl_marked(mark) >= n)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Start sh -c script as a tree; "%M" in script is the marker. */
static pid_t start(gb_tree *t, const char *script)
{
	char text[1024];
	tl_with_mark(script, mark, text, sizeof text);
	pid_t pid = gb_tree_fork(t);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", text, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* A tree that tries every way out: a setsid child, a double fork (its
 * parent gone at once), a child ignoring SIGTERM; SIGTERM first, as
 * launch --then term does, then the end. */
static void test_escapes(void)
{
	gb_tree t;
	new_mark();
	start(&t, "setsid sleep %M & (sleep %M &); trap '' TERM; sh -c \"trap '' TERM; exec sleep %M\" & "
		  "exec sleep %M");
	ok(wait_marked(4), "escapes: 4 processes started (one setsid, one double-forked, one ignoring SIGTERM)");
	gb_tree_signal(&t, SIGTERM);
	uint64_t t0 = gb_now_ns();
	size_t left = gb_tree_end(&t, 10);
	double s = (double)(gb_now_ns() - t0) / 1e9;
	is_int((long long)left, 0, "escapes: gb_tree_end reports nothing left");
	is_int(tl_marked(mark), 0, "escapes: no marked process runs");
	ok(tl_no_child_left(), "escapes: every child reaped");
	ok(s < 2, "escapes: ended at once (%.3f s), no waiting for the give-up", s);
	ok(t.ended && WIFSIGNALED(t.status) && WTERMSIG(t.status) == SIGKILL,
	   "escapes: the command's status is SIGKILL (status %#x)", t.status);
	tl_kill_marked(mark);
}

/* Four generations, each in a session of its own and each parent alive:
 * the group reaches the first only. */
static void test_chain(const char *what)
{
	gb_tree t;
	new_mark();
	start(&t, "setsid sh -c 'setsid sh -c \"setsid sleep %M & exec sleep %M\" & exec sleep %M' & exec sleep %M");
	ok(wait_marked(4), "%s chain: 4 generations started", what);
	size_t left = gb_tree_end(&t, 10);
	is_int((long long)left, 0, "chain: nothing left");
	is_int(tl_marked(mark), 0, "chain: no marked process runs");
	ok(tl_no_child_left(), "chain: every child reaped");
	tl_kill_marked(mark);
}

/* The command ends, leaving a daemon: it is seen to end with its status,
 * but stays a zombie - its number and its group's cannot be handed out
 * again while we may still signal them - until gb_tree_end. */
static void test_zombie_held(void)
{
	gb_tree t;
	new_mark();
	pid_t pid = start(&t, "setsid sleep %M & exit 3");
	ok(wait_marked(1), "ended command: its daemon started");
	struct pollfd p = { gb_tree_fd(), POLLIN, 0 };
	for (int i = 0; i < 500 && !gb_tree_poll(&t); i++)
		poll(&p, 1, 10);
	ok(t.ended && WIFEXITED(t.status) && WEXITSTATUS(t.status) == 3, "ended command: status exit 3 seen");
	siginfo_t si;
	memset(&si, 0, sizeof si);
	ok(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid,
	   "ended command: still a zombie of ours (not reaped before the end)");
	gb_tree_signal(&t, SIGTERM);	/* safe: the zombie holds the group's number */
	is_int((long long)gb_tree_end(&t, 10), 0, "ended command: the end leaves nothing");
	is_int(tl_marked(mark), 0, "ended command: its daemon is gone");
	ok(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG) < 0 && errno == ECHILD, "ended command: reaped by the end");
	ok(WEXITSTATUS(t.status) == 3, "ended command: its own status kept");
	tl_kill_marked(mark);
}

/* SIGTERM to a launcher (a child of ours running a tree whose leader
 * ignores SIGTERM): the launcher ends the tree, then dies by SIGTERM. */
static void test_fatal(void)
{
	new_mark();
	uint64_t t0 = gb_now_ns();
	pid_t l = fork();
	if (l == 0) {
		char why[128];
		if (gb_tree_arm(why, sizeof why) < 0)
			_exit(99);
		gb_tree t;
		start(&t, "trap '' TERM; setsid sleep %M & while :; do sleep %M; done");
		for (;;)
			pause();
	}
	ok(wait_marked(2), "fatal: the launcher's tree runs");
	kill(l, SIGTERM);
	int st = 0;
	pid_t w = 0;
	for (int i = 0; i < 1000 && (w = waitpid(l, &st, WNOHANG)) == 0; i++)
		usleep(10000);
	double s = (double)(gb_now_ns() - t0) / 1e9;
	ok(w == l && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "fatal: the launcher died by SIGTERM (status %#x)",
	   st);
	ok(s < 8, "fatal: within the 1 s grace and the clean-up (%.2f s)", s);
	is_int(tl_marked(mark), 0, "fatal: nothing of its tree is left, not even the setsid one");
	if (w != l) {
		kill(l, SIGKILL);
		waitpid(l, NULL, 0);
	}
	tl_kill_marked(mark);
}

/* A child of ours with /proc hidden (a private mount namespace, tmpfs on
 * /proc): the group is still ended; a process that left it cannot be
 * found and is reported.  Exit status: the checks that failed, as bits. */
static int noproc_child(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("none", "/proc", "tmpfs", 0, NULL) < 0)
		return 100;
	char why[128];
	gb_tree_arm(why, sizeof why);
	int bad = 0;
	if (strcmp(gb_tree_reach(), "group"))
		bad |= 1;
	gb_tree t;
	start(&t, "sleep %M & sleep %M & exec sleep %M");
	usleep(300000);
	if (gb_tree_end(&t, 10) != 0 || !tl_no_child_left())
		bad |= 2;
	start(&t, "setsid sleep %M & exec sleep %M");
	usleep(300000);
	uint64_t t0 = gb_now_ns();
	if (gb_tree_end(&t, 10) == 0)
		bad |= 4;	/* the setsid one is there, unseen: must be reported */
	if (gb_now_ns() - t0 > 3000000000ull)
		bad |= 8;	/* waited for the 10 s give-up for nothing */
	return bad;
}

static void test_noproc(void)
{
	if (getuid() != 0) {
		skip("needs root (a mount namespace to hide /proc)", "no /proc: group ended");
		return;
	}
	new_mark();
	pid_t c = fork();
	if (c == 0)
		_exit(noproc_child());
	int st;
	waitpid(c, &st, 0);
	int bad = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	if (bad == 100) {
		skip("cannot hide /proc in a mount namespace here", "no /proc: group ended");
		return;
	}
	ok(!(bad & 1), "no /proc: gb_tree_reach says \"group\"");
	ok(!(bad & 2), "no /proc: a tree that stayed in its group is ended, every child reaped");
	ok(!(bad & 4), "no /proc: a process that left the group is reported as left");
	ok(!(bad & 8), "no /proc: and the give-up is short (1 s), nothing more can be found");
	/* the one left (re-parented out of the dead child) is ours to remove */
	int alive = tl_marked(mark);
	is_int(alive, 1, "no /proc: exactly the setsid one was left, the group's three were ended");
	tl_kill_marked(mark);
}

/* Under seccomp-run, pidfd_open fails with ENOSYS (as on Linux < 5.3). */
static void test_no_pidfd(void)
{
	const char *tools = getenv("GB_TOOLS");
	char tool[4096], self[4096];
	snprintf(tool, sizeof tool, "%s/seccomp-run", tools ? tools : "build/tests");
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (access(tool, X_OK) || n <= 0) {
		skip("tests/tools/seccomp-run not built", "without pidfd_open: every generation ended");
		return;
	}
	self[n] = 0;
	char cmd[8300];
	snprintf(cmd, sizeof cmd, "'%s' ENOSYS 434 -- '%s' --no-pidfd", tool, self);
	FILE *f = popen(cmd, "r");
	char line[512];
	int fails = 0, lines = 0;
	while (f && fgets(line, sizeof line, f)) {
		printf("#   %s", line);
		lines++;
		fails += !strncmp(line, "not ok", 6);
	}
	int st = f ? pclose(f) : -1;
	ok(st == 0 && lines >= 5 && fails == 0, "without pidfd_open (seccomp ENOSYS): reach \"proc\", chain ended (%d lines)",
	   lines);
}

int main(int argc, char **argv)
{
	if (access("/bin/sh", X_OK) || access("/proc/self/stat", R_OK)) {
		skip("needs /bin/sh and /proc", "proctree");
		return tap_done();
	}
	char why[128];
	ok(gb_tree_arm(why, sizeof why) == 0, "gb_tree_arm");
	const char *reach = gb_tree_reach();
	if (argc > 1 && !strcmp(argv[1], "--no-pidfd")) {
		is_str(reach, "proc", "gb_tree_reach without pidfd_open");
		test_chain("no pidfd:");
		return tap_done();
	}
	ok(!strcmp(reach, "pidfd") || !strcmp(reach, "proc"), "gb_tree_reach with /proc: %s", reach);
	test_escapes();
	test_chain(reach);
	test_zombie_held();
	test_fatal();
	gb_tree_disarm();
	test_noproc();
	test_no_pidfd();
	return tap_done();
}
