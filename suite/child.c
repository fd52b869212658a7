/* child.c - run one benchmark (or any command) as a child process.
 *
 * Why a child and not a call: a benchmark may exit (gb_die), crash, be
 * OOM-killed, leave threads, huge pages or a changed environment behind,
 * or re-execute itself (gb-linpack, to choose OpenBLAS's kernels before
 * the library initialises); in a child none of that touches the suite or
 * the benchmarks after it, and each starts as it would on its own.
 *
 * The child's stdout is its JSON document (-o -); its stderr is kept to
 * explain a skip (its last line).  Both are read with poll so that neither
 * pipe fills while the other is drained.  The child and whatever it starts
 * are one tree (common/proctree): when the child ends, times out, or the
 * suite is interrupted, the whole tree is killed and reaped, so a process
 * it left behind holding the pipes can neither hang the suite nor outlive
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "guestbench.h"
#include "fault.h"
#include "proctree.h"
#include "util.h"

#define ERR_KEEP 65536	/* stderr kept per child: plenty for its last line */

static void exec_child(const char *path, char *const argv[], int out, int err)
{
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	/* nothing of the terminal's input for a benchmark; a root without
	 * /dev/null keeps ours, which no benchmark reads */
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul >= 0)
		dup2(nul, STDIN_FILENO);
	signal(SIGPIPE, SIG_DFL);	/* the suite ignores it; a benchmark alone would not */
	/* Test-only hooks (docs/testing.md): the paths a healthy machine
	 * never takes - a benchmark that cannot run here, one that dies, one
	 * that leaves a process behind holding its pipes, one that hangs. */
	if (gb_fault_for(argv[0], "skip")) {
		fprintf(stderr, "error: GB_FAULT %s.skip: it cannot run here (a test's fault)\n", argv[0]);
		_exit(GB_EXIT_ENV);
	}
	if (gb_fault_for(argv[0], "crash"))
		raise(SIGKILL);
	if (gb_fault_for(argv[0], "orphan") && fork() == 0) {
		setsid();	/* out of the child's group and session */
		for (;;)
			pause();	/* holding both pipes open */
	}
	if (gb_fault_for(argv[0], "hang")) {
		signal(SIGTERM, SIG_IGN);
		for (;;)
			pause();
	}
	/* OpenBLAS is linked in for linpack, and its constructor starts a
	 * worker per CPU in every process of this binary, spinning for a
	 * while before they sleep.  Our other benchmarks must see the
	 * process a standalone gb-* would be: no extra threads.  Any other
	 * command (a runtime's `exec` prefix) gets the environment as is. */
	const reg_bench *a = reg_find(argv[0]);
	if (a && strcmp(a->name, "linpack") != 0)
		setenv("OPENBLAS_NUM_THREADS", "1", 1);
	if (strchr(path, '/'))
		execv(path, argv);
	else
		execvp(path, argv);
	fprintf(stderr, "error: cannot execute %s: %s\n", path, strerror(errno));
	_exit(127);
}

static void keep_last_line(const char *buf, size_t len, char *line, size_t size)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		len--;
	size_t start = len;
	while (start && buf[start - 1] != '\n')
		start--;
	size_t n = len - start < size - 1 ? len - start : size - 1;
	memcpy(line, buf + start, n);
	line[n] = 0;
	/* a progress line rewritten with \r: keep its last version */
	char *cr = strrchr(line, '\r');
	if (cr)
		memmove(line, cr + 1, strlen(cr + 1) + 1);
}

/* Read what one pipe has (non-blocking); -1 at its end (closed). */
static int take(int fd, suite_child *c, size_t *cap, int is_err, char *ebuf, size_t *elen)
{
	char tmp[16384];
	ssize_t r = read(fd, tmp, sizeof tmp);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0)
		return -1;
	if (!is_err) {
		while (c->outlen + (size_t)r + 1 > *cap)
			c->out = gb_xrealloc(c->out, *cap *= 2);
		memcpy(c->out + c->outlen, tmp, (size_t)r);
		c->outlen += (size_t)r;
		return 0;
	}
	/* keep the tail: the last line is what explains */
	_Static_assert(sizeof tmp < ERR_KEEP, "one read fits in the kept tail");
	if (*elen + (size_t)r > ERR_KEEP - 1) {
		size_t drop = *elen + (size_t)r - (ERR_KEEP - 1);
		memmove(ebuf, ebuf + drop, *elen - drop);
		*elen -= drop;
	}
	memcpy(ebuf + *elen, tmp, (size_t)r);
	*elen += (size_t)r;
	if (gb_verbose)
		fwrite(tmp, 1, (size_t)r, stderr);
	return 0;
}

int suite_child_run(const char *path, char *const argv[], double timeout, suite_child *c)
{
	memset(c, 0, sizeof *c);
	c->status = -1;
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) < 0) {
		snprintf(c->why, sizeof c->why, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		snprintf(c->why, sizeof c->why, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (gb_tree_arm(c->why, sizeof c->why) < 0) {
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		return -1;
	}
	fflush(NULL);	/* nothing of ours duplicated into the child's output */
	uint64_t t0 = gb_now_ns();
	gb_tree t;
	pid_t pid = gb_tree_fork(&t);
	if (pid < 0) {
		snprintf(c->why, sizeof c->why, "fork: %s", strerror(errno));
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		gb_tree_disarm();
		return -1;
	}
	if (pid == 0)
		exec_child(path, argv, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	/* a writer we could not kill must not block us at the end */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);

	size_t cap = 65536, elen = 0;
	c->out = gb_xmalloc(cap);
	char *ebuf = gb_xmalloc(ERR_KEEP);
	struct pollfd pf[3] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 }, { gb_tree_fd(), POLLIN, 0 } };
	if (timeout > 1e6)
		timeout = 1e6;	/* the suite's bound; poll's milliseconds fit */
	uint64_t deadline = timeout > 0 ? t0 + (uint64_t)(timeout * 1e9) : 0;
	/* until the child ends (its output may outlive it, in a process it
	 * left behind: that one is killed below), or the timeout */
	while (!gb_tree_poll(&t)) {
		int wait_ms = -1;
		if (deadline) {
			uint64_t now = gb_now_ns();
			if (now >= deadline) {
				c->timed_out = 1;	/* a hung benchmark must not hang the suite */
				break;
			}
			wait_ms = (int)((deadline - now) / 1000000) + 1;
		}
		if (poll(pf, 3, wait_ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (pf[i].fd >= 0 && pf[i].revents && take(pf[i].fd, c, &cap, i, ebuf, &elen) < 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
			}
	}
	size_t left = gb_tree_end(&t, 10.0);
	/* the rest of the output, up to EOF: every writer is gone now (a
	 * second at most, for one that could not be killed) */
	uint64_t stop = gb_now_ns() + 1000000000ull;
	while ((pf[0].fd >= 0 || pf[1].fd >= 0) && gb_now_ns() < stop) {
		if (poll(pf, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++)
			if (pf[i].fd >= 0 && pf[i].revents && take(pf[i].fd, c, &cap, i, ebuf, &elen) < 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
			}
	}
	gb_tree_disarm();
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	c->out[c->outlen] = 0;
	keep_last_line(ebuf, elen, c->last_err, sizeof c->last_err);
	free(ebuf);
	c->seconds = (double)(gb_now_ns() - t0) / 1e9;
	if (left)
		gb_warnx("%s: %zu of its processes could not be killed", argv[0], left);
	if (!t.ended) {
		snprintf(c->why, sizeof c->why, "%s could not be killed", argv[0]);
		return -1;
	}
	if (WIFEXITED(t.status))
		c->status = WEXITSTATUS(t.status);
	else if (WIFSIGNALED(t.status))
		c->signal = WTERMSIG(t.status);
	return 0;
}

void suite_child_free(suite_child *c)
{
	free(c->out);
	c->out = NULL;
}
