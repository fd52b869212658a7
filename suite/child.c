/* child.c - run one benchmark as a child process of this same program.
 *
 * Why a child and not a call: a benchmark may exit (gb_die), crash, be
 * OOM-killed, leave threads, huge pages or a changed environment behind,
 * or re-execute itself (gb-linpack, to choose OpenBLAS's kernels before
 * the library initialises); in a child none of that touches the suite or
 * the benchmarks after it, and each starts as it would on its own.
 *
 * The child's stdout is its JSON document (-o -); its stderr is kept to
 * explain a skip (its last line).  Both are read with poll so that neither
 * pipe fills while the other is drained. */
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
#include "util.h"

#define ERR_KEEP 65536	/* stderr kept per child: plenty for its last line */

/* Is 'name' in the comma-separated list in environment variable 'var'? */
static int hook_names(const char *var, const char *name)
{
	return gb_list_has(getenv(var), name);
}

static void exec_child(const char *self, char *const argv[], int out, int err)
{
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	/* nothing of the terminal's input for a benchmark; a root without
	 * /dev/null keeps ours, which no benchmark reads */
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul >= 0)
		dup2(nul, STDIN_FILENO);
	/* Test-only hooks (docs/testing.md): the paths a healthy machine
	 * never takes - a benchmark that cannot run here, one that dies. */
	if (hook_names("GB_TEST_SKIP", argv[0])) {
		fprintf(stderr, "error: GB_TEST_SKIP: %s cannot run here (test hook)\n", argv[0]);
		_exit(GB_EXIT_ENV);
	}
	if (hook_names("GB_TEST_CRASH", argv[0]))
		raise(SIGKILL);
	/* OpenBLAS is linked in for linpack, and its constructor starts a
	 * worker per CPU in every process of this binary, spinning for a
	 * while before they sleep.  The other benchmarks must see the
	 * process a standalone gb-* would be: no extra threads. */
	if (strcmp(argv[0], "linpack") != 0)
		setenv("OPENBLAS_NUM_THREADS", "1", 1);
	execv(self, argv);
	fprintf(stderr, "error: cannot execute %s: %s\n", self, strerror(errno));
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

int gb_child_run(const char *self, char *const argv[], double timeout, gb_child *c)
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
	fflush(NULL);	/* nothing of ours duplicated into the child's output */
	uint64_t t0 = gb_now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(c->why, sizeof c->why, "fork: %s", strerror(errno));
		close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		return -1;
	}
	if (pid == 0)
		exec_child(self, argv, out[1], err[1]);
	close(out[1]);
	close(err[1]);

	size_t cap = 65536, elen = 0;
	c->out = gb_xmalloc(cap);
	char *ebuf = gb_xmalloc(ERR_KEEP);
	struct pollfd pf[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	int open_fds = 2;
	uint64_t deadline = timeout > 0 ? t0 + (uint64_t)(timeout * 1e9) : 0;
	while (open_fds) {
		int wait_ms = -1;
		if (deadline && !c->timed_out) {
			uint64_t now = gb_now_ns();
			if (now >= deadline) {
				/* a hung benchmark must not hang the suite */
				kill(pid, SIGKILL);
				c->timed_out = 1;
			} else {
				wait_ms = (int)((deadline - now) / 1000000) + 1;
			}
		}
		int n = poll(pf, 2, wait_ms);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; n > 0 && i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			char tmp[16384];
			ssize_t r = read(pf[i].fd, tmp, sizeof tmp);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				while (c->outlen + (size_t)r + 1 > cap)
					c->out = gb_xrealloc(c->out, cap *= 2);
				memcpy(c->out + c->outlen, tmp, (size_t)r);
				c->outlen += (size_t)r;
			} else {
				/* keep the tail: the last line is what explains */
				_Static_assert(sizeof tmp < ERR_KEEP, "one read fits in the kept tail");
				if (elen + (size_t)r > ERR_KEEP - 1) {
					size_t drop = elen + (size_t)r - (ERR_KEEP - 1);
					memmove(ebuf, ebuf + drop, elen - drop);
					elen -= drop;
				}
				memcpy(ebuf + elen, tmp, (size_t)r);
				elen += (size_t)r;
				if (gb_verbose)
					fwrite(tmp, 1, (size_t)r, stderr);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	c->out[c->outlen] = 0;
	keep_last_line(ebuf, elen, c->last_err, sizeof c->last_err);
	free(ebuf);

	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR) {
			snprintf(c->why, sizeof c->why, "waitpid: %s", strerror(errno));
			return -1;
		}
	c->seconds = (double)(gb_now_ns() - t0) / 1e9;
	if (WIFEXITED(ws))
		c->status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		c->signal = WTERMSIG(ws);
	return 0;
}

void gb_child_free(gb_child *c)
{
	free(c->out);
	c->out = NULL;
}
