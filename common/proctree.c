/* proctree.c - see proctree.h.
 *
 * Everything the signal handler reaches (end_tree and below) is
 * async-signal-safe: system calls only, no stdio, no malloc, numbers
 * formatted by hand.  The tree found in /proc lives in one static table;
 * the handler may overwrite it under the main program's feet because it
 * never returns to it (it ends the process), and the main program blocks
 * the handled signals while it changes what the handler reads. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pid1.h"
#include "proctree.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#define SET_MAX 4096		/* processes tracked per pass; more: the next pass */
#define FORWARD_GRACE_NS 1000000000ll	/* a signalled tree's time to end by itself */
#define FATAL_GIVE_UP_S 5.0
#define NOPROC_GIVE_UP_S 1.0

/* The tree the handler must end: the command's pid, and whether it has
 * been reaped (from then on its group's number may belong to others). */
static volatile sig_atomic_t live_pid, live_reaped, live_status;

static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define NFATAL (sizeof fatal_sigs / sizeof fatal_sigs[0])
static struct sigaction old_fatal[NFATAL], old_chld;
static int armed;
static int chld_pipe[2] = { -1, -1 };
static volatile sig_atomic_t no_pidfd;	/* pidfd_open: ENOSYS or refused */
static char scratch_dir[4096];	/* gb_tree_scratch; "" none */
#define SPARE_MAX 256
static volatile sig_atomic_t spare[SPARE_MAX];	/* gb_tree_spare: not the tree's; 0 free */

/* ------------------------------------------------ async-signal-safe -- */

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void nap(long ns)
{
	struct timespec t = { 0, ns };
	nanosleep(&t, NULL);
}

/* "/proc/<pid>/stat" into buf (64 bytes). */
static void stat_path(char *buf, pid_t pid)
{
	char digits[16];
	int n = 0;
	unsigned v = (unsigned)pid;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < (int)sizeof digits);
	memcpy(buf, "/proc/", 6);
	size_t at = 6;
	while (n)
		buf[at++] = digits[--n];
	memcpy(buf + at, "/stat", 6);
}

/* The parent of a process from /proc/PID/stat ("pid (comm) S ppid ..."; a
 * comm may hold spaces and parentheses, so after the last ')').  0 ok. */
static int read_ppid(pid_t pid, pid_t *ppid)
{
	char path[64], buf[512];
	stat_path(path, pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = NULL;
	for (char *q = buf; *q; q++)
		if (*q == ')')
			p = q;
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	long v = 0;
	for (p += 4; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	*ppid = (pid_t)v;
	return 0;
}

/* /proc is usable when it is our PID namespace's: /proc/self/stat starts
 * with our own pid (a /proc mounted for another namespace would not). */
static int proc_usable(void)
{
	char buf[32];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	long v = 0;
	for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (buf[i] - '0');
	return v == (long)getpid();
}

static int is_spared(pid_t pid)
{
	for (int i = 0; i < SPARE_MAX; i++)
		if (spare[i] == pid)
			return 1;
	return 0;
}

/* The tree: set[0] is its root; a process comes after its parent. */
static struct node {
	pid_t pid, ppid;
	int depth;		/* 1: a child of the root */
	int fd;			/* its pidfd once checked, -1 */
	int spared;		/* a spared child of ours, or below one: left alone */
} set[SET_MAX];
static size_t nset;

static long find(pid_t pid)
{
	for (size_t i = 0; i < nset; i++)
		if (set[i].pid == pid)
			return (long)i;
	return -1;
}

/* Every process whose ppid chain leads to root, by reading /proc until a
 * reading adds nothing (a child listed before its parent, by number, is
 * found by the next reading).  Returns the count, 0 if root is not there,
 * -1 without a usable /proc. */
static long scan(pid_t root)
{
	pid_t pp;
	nset = 0;
	if (!proc_usable())
		return -1;
	if (read_ppid(root, &pp) < 0)
		return 0;
	set[nset++] = (struct node){ root, pp, 0, -1, 0 };
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	size_t before;
	do {
		before = nset;
		lseek(dfd, 0, SEEK_SET);
		char buf[8192];
		long n;
		while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
			for (long off = 0; off < n;) {
				/* struct linux_dirent64: ino, off, reclen, type, name */
				unsigned short reclen;
				memcpy(&reclen, buf + off + 16, sizeof reclen);
				const char *name = buf + off + 19;
				off += reclen;
				long pid = 0;
				const char *c = name;
				for (; *c >= '0' && *c <= '9'; c++)
					pid = pid * 10 + (*c - '0');
				if (*c || c == name || find((pid_t)pid) >= 0 || nset == SET_MAX)
					continue;
				long parent;
				if (read_ppid((pid_t)pid, &pp) == 0 && (parent = find(pp)) >= 0)
					set[nset++] = (struct node){ (pid_t)pid, pp, set[parent].depth + 1, -1,
								     set[parent].spared ||
								     (parent == 0 && is_spared((pid_t)pid)) };
			}
		}
	} while (nset > before && nset < SET_MAX);
	close(dfd);
	return (long)nset;
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_kill(int fd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

/* Still running (not exited): a pidfd becomes readable at the exit. */
static int running(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, 0) == 0;
}

/*
 * set[i], a descendant at depth >= 2 (its number is not held by us), gets
 * a pidfd if it is ours.  The pidfd is opened first, then the process
 * holding the number is checked: its parent must be us, or the parent
 * seen in the scan while that parent provably still holds its own number
 * (a child of ours, which we have not reaped, or a checked process whose
 * pidfd says it is still running).  If the pidfd's process is not the one
 * checked, it has ended and the signal reaches no one.
 */
static void check(size_t i, pid_t self)
{
	struct node *x = &set[i];
	if (no_pidfd)
		return;
	int fd = pidfd_open(x->pid);
	if (fd < 0) {
		if (errno == ENOSYS || errno == EPERM || errno == EACCES)
			no_pidfd = 1;	/* an old kernel, a seccomp filter */
		return;
	}
	pid_t pp;
	long parent = find(x->ppid);
	int ours = read_ppid(x->pid, &pp) == 0 &&
		   (pp == self ||
		    (pp == x->ppid && parent >= 0 &&
		     (set[parent].depth == 1 || (set[parent].fd >= 0 && running(set[parent].fd)))));
	if (ours)
		x->fd = fd;
	else
		close(fd);
}

/* One pass over the tree under us: SIGKILL to our children, then to every
 * deeper descendant that can be checked.  The count of descendants seen,
 * -1 without /proc. */
static long kill_pass(pid_t self)
{
	long n = scan(self);
	if (n < 0)
		return -1;
	for (size_t i = 1; i < nset; i++) {
		n -= set[i].spared;
		if (set[i].depth == 1 && !set[i].spared)
			kill(set[i].pid, SIGKILL);	/* ours until we reap it */
	}
	/* all checks before any kill: a check needs its parent alive */
	for (size_t i = 1; i < nset; i++)
		if (set[i].depth >= 2 && !set[i].spared)
			check(i, self);
	for (size_t i = 1; i < nset; i++)
		if (set[i].fd >= 0) {
			pidfd_kill(set[i].fd, SIGKILL);
			close(set[i].fd);
			set[i].fd = -1;
		}
	return n - 1;
}

/* Kill and reap until no child is left; the number left after give_up. */
static size_t end_tree(double give_up)
{
	pid_t self = getpid();
	int have_proc = proc_usable();
	if (!have_proc && give_up > NOPROC_GIVE_UP_S)
		give_up = NOPROC_GIVE_UP_S;
	int64_t deadline = now_ns() + (int64_t)(give_up * 1e9);
	for (;;) {
		pid_t leader = live_pid;
		if (leader > 0 && !live_reaped) {
			kill(-leader, SIGKILL);	/* safe: its zombie holds the number */
			kill(leader, SIGKILL);	/* if it left its own group */
		}
		long seen = have_proc ? kill_pass(self) : -1;
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			if (p == leader) {
				live_status = st;
				live_reaped = 1;
			}
		if (p < 0 && errno == ECHILD)
			return 0;
		if (now_ns() >= deadline)
			return seen > 0 ? (size_t)seen : 1;
		nap(1000000);
	}
}


static void on_fatal(int sig)
{
	pid_t leader = live_pid;
	if (leader > 0 && !live_reaped) {
		/* as a terminal would: the group hears it and may clean up */
		kill(-leader, sig);
		int64_t until = now_ns() + FORWARD_GRACE_NS;
		siginfo_t si;
		do {
			si.si_pid = 0;
			if (waitid(P_PID, (id_t)leader, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == leader)
				break;
			nap(10000000);
		} while (now_ns() < until);
	}
	if (leader > 0)
		end_tree(FATAL_GIVE_UP_S);
	/* after the tree: nothing can write there any more */
	if (scratch_dir[0])
		gb_rmdir_flat(scratch_dir);
	gb_die_by_signal(sig);
}

static void on_chld(int sig)
{
	(void)sig;
	int e = errno;
	ssize_t w = write(chld_pipe[1], "c", 1);
	(void)w;	/* a full pipe already says "look" */
	errno = e;
}

/* ------------------------------------------------------ the program -- */

/* Block the handled signals while the handler's view changes. */
static void hold(sigset_t *old)
{
	sigset_t s;
	sigemptyset(&s);
	for (size_t i = 0; i < NFATAL; i++)
		sigaddset(&s, fatal_sigs[i]);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, old);
}

static void release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

int gb_tree_arm(char *why, size_t len)
{
	if (chld_pipe[0] < 0 && pipe2(chld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return -1;
	}
	/* orphans of the tree become our children, not init's: none escapes */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		gb_info("PR_SET_CHILD_SUBREAPER: %s (a process leaving the tree would be missed)", strerror(errno));
	if (armed)
		return 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, &old_chld);
	sa.sa_handler = on_fatal;
	sa.sa_flags = 0;
	sigfillset(&sa.sa_mask);	/* one clean-up, not one per signal */
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_sigs[i], &sa, &old_fatal[i]);
	armed = 1;
	return 0;
}

void gb_tree_disarm(void)
{
	if (!armed)
		return;
	sigaction(SIGCHLD, &old_chld, NULL);
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_sigs[i], &old_fatal[i], NULL);
	armed = 0;
}

void gb_tree_scratch(const char *dir)
{
	sigset_t old;
	hold(&old);
	gb_strlcpy(scratch_dir, dir ? dir : "", sizeof scratch_dir);
	release(&old);
}

int gb_tree_fd(void)
{
	return chld_pipe[0];
}

/* What a signal's disposition becomes in the child: ignored stays
 * ignored (nohup), anything else is the default. */
static void child_disposition(int sig, const struct sigaction *old)
{
	signal(sig, old->sa_handler == SIG_IGN ? SIG_IGN : SIG_DFL);
}

pid_t gb_tree_fork(gb_tree *t)
{
	memset(t, 0, sizeof *t);
	sigset_t old;
	hold(&old);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* if we are killed, it goes too */
		if (getppid() != parent)
			_exit(127);	/* we died before prctl: too late to ask */
		if (armed) {
			child_disposition(SIGCHLD, &old_chld);
			for (size_t i = 0; i < NFATAL; i++)
				child_disposition(fatal_sigs[i], &old_fatal[i]);
		}
		live_pid = 0;
		release(&old);
		return 0;
	}
	if (pid > 0) {
		setpgid(pid, pid);	/* both sides: no window where a group signal misses */
		t->pid = pid;
		live_reaped = 0;
		live_pid = pid;
	}
	release(&old);
	return pid;
}

/* A wait status from waitid's siginfo. */
static int wait_status(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return si->si_status | 0x80;
	default:
		return si->si_status;
	}
}

int gb_tree_poll(gb_tree *t)
{
	char buf[64];
	while (chld_pipe[0] >= 0 && read(chld_pipe[0], buf, sizeof buf) > 0)
		;
	sigset_t old;
	hold(&old);
	while (!t->ended) {
		/* look without reaping: the command stays a zombie */
		siginfo_t si;
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
			break;
		if (si.si_pid == t->pid) {
			t->ended = 1;
			t->status = wait_status(&si);
		} else {
			waitpid(si.si_pid, NULL, WNOHANG);	/* an orphan of the tree */
		}
	}
	release(&old);
	return t->ended;
}

void gb_tree_signal(const gb_tree *t, int sig)
{
	sigset_t old;
	hold(&old);
	if (t->pid > 0 && live_pid == t->pid && !live_reaped)
		kill(-t->pid, sig);
	release(&old);
}

size_t gb_tree_end(gb_tree *t, double give_up)
{
	sigset_t old;
	hold(&old);
	t->left = end_tree(give_up);
	if (t->pid > 0 && live_pid == t->pid && live_reaped && !t->ended) {
		t->ended = 1;
		t->status = live_status;
	}
	live_pid = 0;	/* nothing for the handler to end any more */
	release(&old);
	return t->left;
}

void gb_tree_spare(pid_t pid)
{
	for (int i = 0; i < SPARE_MAX; i++)
		if (spare[i] == 0) {
			spare[i] = pid;
			return;
		}
}

void gb_tree_unspare(pid_t pid)
{
	for (int i = 0; i < SPARE_MAX; i++)
		if (spare[i] == pid)
			spare[i] = 0;
}

const char *gb_tree_reach(void)
{
	if (!proc_usable())
		return "group";
	if (!no_pidfd) {
		int fd = pidfd_open(getpid());
		if (fd >= 0)
			close(fd);
		else if (errno == ENOSYS || errno == EPERM || errno == EACCES)
			no_pidfd = 1;
	}
	return no_pidfd ? "proc" : "pidfd";
}

size_t gb_tree_list(pid_t pid, pid_t **out)
{
	sigset_t old;
	hold(&old);	/* the handler shares the table */
	long n = scan(pid);
	pid_t *v = NULL;
	if (n > 0) {
		v = gb_xcalloc((size_t)n, sizeof *v);
		for (long i = 0; i < n; i++)
			v[i] = set[i].pid;
	}
	release(&old);
	*out = v;
	return n > 0 ? (size_t)n : 0;
}
