/* round.c - one round of gb-startup launch.
 *
 * CMD starts in its own process group, with stdout and stderr on one pipe
 * that we always read (so CMD never blocks on it; into round-N.log with
 * --output-dir).  One poll loop waits for whichever readiness was asked
 * (a datagram with this round's nonce, a TCP connection, TEXT in the
 * output, CMD's exit 0) or for CMD to end or the timeout.  The clock is
 * ours (CLOCK_MONOTONIC), started just before fork: a microVM has no
 * RTC and its clock cannot be compared with ours.
 *
 * Ending a round: --then term (SIGTERM to the group, SIGKILL after
 * --grace), kill, or wait (up to --grace for CMD to exit); then always
 * gb_tree_end (common/proctree): SIGKILL to the group and every
 * descendant, a process that left the group (setsid, a daemon's double
 * fork) included, until nothing is left.  SIGINT, SIGTERM or SIGHUP to
 * the launcher do the same before it dies. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "launch.h"
#include "proctree.h"
#include "util.h"

const char *const su_status_word[] = { "ok", "timeout", "failed", "crashed", "error" };

int su_signals_init(char *why, size_t len)
{
	signal(SIGPIPE, SIG_IGN);
	return gb_tree_arm(why, len);
}

typedef struct rstate {
	const su_launch_cfg *c;
	su_round *r;
	gb_tree tree;		/* CMD and whatever it starts */
	int out;		/* CMD's output pipe, -1 at EOF */
	int log;		/* round-N.log, -1 */
	int done;		/* CMD has ended */
	int ready;		/* readiness seen (or the round given up) */
	uint64_t t0;
	su_liner liner;
} rstate;

/* In the child (gb_tree_fork made it a group leader that dies with us). */
static void child(char **argv, int out, int errfd)
{
	signal(SIGPIPE, SIG_DFL);	/* ours is ignored: CMD starts as it would alone */
	int nul = open("/dev/null", O_RDONLY);
	if (nul >= 0)
		dup2(nul, 0);
	else
		close(0);	/* no /dev in an early guest: EOF is as good */
	dup2(out, 1);
	dup2(out, 2);
	execvp(argv[0], argv);
	int e = errno;
	ssize_t w = write(errfd, &e, sizeof e);
	(void)w;
	_exit(127);
}

/* Note whether CMD has ended, and its status (it stays unreaped). */
static void reap_some(rstate *s)
{
	if (gb_tree_poll(&s->tree) && !s->done) {
		s->done = 1;
		s->r->exit_status = s->tree.status;
	}
}

static void became_ready(rstate *s, uint64_t now)
{
	su_round *r = s->r;
	s->ready = 1;
	r->status = SU_RS_OK;
	r->ready_ms = (double)(now - s->t0) / 1e6;
	if (s->c->footprint) {
		/* after the timestamp: measuring does not add to the figure */
		r->have_mem = su_footprint(s->tree.pid, s->c->cgroup, &r->mem, r->mem_why, sizeof r->mem_why) == 0;
	}
}

/* One read of CMD's output (non-blocking); the bytes read, 0 if none. */
static ssize_t read_output(rstate *s, uint64_t now)
{
	char buf[8192];
	ssize_t n = read(s->out, buf, sizeof buf);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(s->out);
			s->out = -1;
		}
		return 0;
	}
	if (s->log >= 0 && write(s->log, buf, (size_t)n) != n) {
		gb_warnx("round %d: writing its log: %s", s->r->index, strerror(errno));
		close(s->log);
		s->log = -1;
	}
	if (s->c->ready == SU_READY_LINE && !s->ready && su_liner_feed(&s->liner, buf, (size_t)n))
		became_ready(s, now);
	return n;
}

static void read_socket(rstate *s, uint64_t now)
{
	if (s->c->ready == SU_READY_TCP) {
		int fd = accept4(s->c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0) {
			close(fd);
			if (!s->ready)
				became_ready(s, now);
		}
		return;
	}
	char buf[256], ack[128];
	struct sockaddr_storage from;
	socklen_t flen = sizeof from;
	ssize_t n;
	while ((n = recvfrom(s->c->lfd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen)) >= 0) {
		if (!su_msg_is(buf, (size_t)n, SU_PING_PREFIX, s->r->nonce)) {
			s->r->ignored++;	/* another round's retry, a stray sender */
		} else {
			int alen = su_ack_msg(ack, sizeof ack, s->r->nonce);
			/* acked every time: the guest retries until one arrives */
			if (alen > 0 && alen < n)
				sendto(s->c->lfd, ack, (size_t)alen, 0, (struct sockaddr *)&from, flen);
			if (!s->ready)
				became_ready(s, now);
		}
		flen = sizeof from;
	}
}

/* The loop: until ready (or failed, or timed out), then until the
 * --then phase is over. */
static void wait_round(rstate *s)
{
	const su_launch_cfg *c = s->c;
	su_round *r = s->r;
	uint64_t deadline = s->t0 + (uint64_t)(c->timeout * 1e9), end = 0;
	int ending = 0;		/* in the --then phase */
	for (;;) {
		uint64_t now = gb_now_ns();
		if (!ending && !s->ready && now >= deadline) {
			r->status = SU_RS_TIMEOUT;
			snprintf(r->detail, sizeof r->detail, "not ready after %g s", c->timeout);
			s->ready = 1;	/* give up: the same ending as a ready round */
		}
		if (!ending && s->ready) {
			ending = 1;
			if (s->done || c->then == SU_THEN_KILL)
				return;
			if (c->then == SU_THEN_TERM)
				gb_tree_signal(&s->tree, SIGTERM);
			end = now + (uint64_t)(c->grace * 1e9);
		}
		if (ending && (s->done || now >= end))
			return;
		uint64_t until = ending ? end : deadline;
		struct pollfd p[3] = { { gb_tree_fd(), POLLIN, 0 }, { s->out, POLLIN, 0 }, { c->lfd, POLLIN, 0 } };
		int ms = (int)((until - now + 999999) / 1000000);
		if (poll(p, 3, ms) < 0 && errno != EINTR) {
			snprintf(r->detail, sizeof r->detail, "poll: %s", strerror(errno));
			r->status = SU_RS_ERROR;
			return;
		}
		now = gb_now_ns();	/* the event's time, before any work */
		if (p[2].revents & POLLIN)
			read_socket(s, now);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			read_output(s, now);
		if (p[0].revents & POLLIN)
			reap_some(s);
		if (s->done && !s->ready) {
			/* what CMD said just before it ended still counts */
			if (c->lfd >= 0)
				read_socket(s, now);
			while (!s->ready && s->out >= 0 && read_output(s, now) > 0)
				;
		}
		if (s->done && !s->ready) {
			int st = r->exit_status;
			if (c->ready == SU_READY_EXIT && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				became_ready(s, now);
			} else if (WIFSIGNALED(st)) {
				r->status = SU_RS_CRASHED;
				snprintf(r->detail, sizeof r->detail, "CMD was killed by signal %d (%s) before it was ready",
					 WTERMSIG(st), strsignal(WTERMSIG(st)));
				return;
			} else {
				r->status = SU_RS_FAILED;
				snprintf(r->detail, sizeof r->detail, "CMD exited with status %d before it was ready",
					 WEXITSTATUS(st));
				return;
			}
		}
	}
}

/* Nothing of CMD may outlive the round. */
static void clean_up(rstate *s)
{
	s->r->left = gb_tree_end(&s->tree, 10.0);
	/* what CMD wrote last, up to EOF (every writer is gone now) */
	uint64_t stop = gb_now_ns() + 1000000000ull;
	while (s->out >= 0 && gb_now_ns() < stop) {
		struct pollfd p = { s->out, POLLIN, 0 };
		if (poll(&p, 1, 100) > 0)
			read_output(s, gb_now_ns());
	}
}

void su_round_run(const su_launch_cfg *c, su_round *r)
{
	rstate s;
	memset(&s, 0, sizeof s);
	s.c = c;
	s.r = r;
	s.out = s.log = -1;
	r->status = SU_RS_ERROR;
	r->exit_status = -1;
	su_new_nonce(r->nonce);
	if (c->ready == SU_READY_LINE)
		su_liner_init(&s.liner, c->text);

	size_t n = 0;
	while (c->cmd[n])
		n++;
	char **argv = gb_xcalloc(n + 1, sizeof *argv);
	for (size_t i = 0; i < n; i++)
		argv[i] = su_subst(c->cmd[i], c->addr, c->port, r->nonce);

	if (c->outdir) {
		/* a log, not a result: a previous run's round-N.log is replaced,
		 * but a symlink planted at that name is never followed */
		char name[32];
		snprintf(name, sizeof name, "round-%d.log", r->index);
		if ((s.log = openat(c->outdir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
				    0644)) < 0)
			gb_warnx("%s/%s: %s (CMD's output of this round is not kept)", c->outdir, name,
				 strerror(errno));
	}
	int out[2], errp[2];
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(r->detail, sizeof r->detail, "pipe: %s", strerror(errno));
		goto out;
	}
	s.t0 = gb_now_ns();
	pid_t pid = gb_tree_fork(&s.tree);
	if (pid == 0)
		child(argv, out[1], errp[1]);
	close(out[1]);
	close(errp[1]);
	s.out = out[0];
	fcntl(s.out, F_SETFL, O_NONBLOCK);	/* a writer that outlives CMD must not block us */
	if (pid < 0) {
		snprintf(r->detail, sizeof r->detail, "fork: %s", strerror(errno));
		close(errp[0]);
		goto out;
	}
	int e = 0;
	/* EOF at execve (close-on-exec), or the child's errno */
	ssize_t got;
	while ((got = read(errp[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (got == (ssize_t)sizeof e) {
		r->exec_errno = e;
		snprintf(r->detail, sizeof r->detail, "cannot execute %s: %s", argv[0], strerror(e));
	} else {
		wait_round(&s);
	}
	clean_up(&s);
	if (r->left)
		snprintf(r->detail, sizeof r->detail, "%zu processes could not be killed within 10 s%s", r->left,
			 strcmp(gb_tree_reach(), "group") ? "" :
			 " (without /proc, one that left CMD's process group cannot be found)");
out:
	if (s.out >= 0)
		close(s.out);
	if (s.log >= 0)
		close(s.log);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
}
