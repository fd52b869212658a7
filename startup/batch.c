/* batch.c - one batch of gb-startup launch --instances N: N copies of
 * CMD started at once (or --stagger apart), each timed from its own start
 * until it is ready, the batch until the last one is, and the footprint
 * of all of them, read once, when the last is ready.
 *
 * Why a holder: common/proctree owns one tree at a time, whose root stays
 * unreaped while its process group is signalled.  The root here is the
 * holder, a fork of this process that only starts the instances (its
 * children, in its process group, each killed when it dies:
 * PR_SET_PDEATHSIG) and reports on a pipe when each started and when each
 * ended.  It is a child subreaper, so what an instance leaves behind
 * (runc run -d's container, a daemon's double fork) is re-parented to it:
 * that stays in the batch's tree, counts in the footprint and is ended
 * with the batch.  The holder ignores SIGTERM, SIGINT and SIGHUP (they
 * are for the instances: --then term, a Ctrl-C passed on by proctree) and
 * exits when it has no child left, so its end is the batch's end.
 *
 * Readiness is decided here, as in one round (round.c): a datagram with
 * the instance's own nonce, TEXT in the instance's own output, its exit
 * 0.  (--ready tcp is refused with --instances, launch.c: one listening
 * port cannot tell which instance connected.) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "launch.h"
#include "proctree.h"
#include "util.h"

/* The holder's reports: small enough (< PIPE_BUF) to be written whole. */
enum { HM_STARTED = 1, HM_EXECFAIL, HM_FORKFAIL, HM_EXITED };
typedef struct hmsg {
	int32_t kind, index, value, pad;
	uint64_t ns;		/* HM_STARTED: just before its fork; HM_EXITED: when reaped */
} hmsg;

static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define NFATAL 3

typedef struct bstate {
	const su_launch_cfg *c;
	su_batch *b;
	gb_tree tree;		/* the holder and everything below it */
	int rep;		/* the holder's reports, -1 at EOF */
	int *out, *log;		/* per instance: its output (-1: none or EOF), its log */
	int *slot;		/* poll entry 3 + k is instance slot[k]'s output */
	su_liner *liner;	/* per instance, --ready line: */
	uint64_t t0;		/* the batch's start: the holder starts instance i at t0 + i stagger */
	uint64_t last_ready;
	int resolved;		/* instances with a final status */
	int done;		/* the holder has ended: nothing of the batch runs any more */
} bstate;

static void send_msg(int fd, int kind, int index, int value, uint64_t ns)
{
	hmsg m = { kind, index, value, 0, ns };
	ssize_t w = write(fd, &m, sizeof m);
	(void)w;	/* the launcher is gone: nobody to tell */
}

/* ------------------------------------------------------- the holder -- */

/* An instance, in the holder's child: dies with the holder, starts as it
 * would alone (the signal dispositions and mask from before the holder
 * changed them), its output on its own pipe or /dev/null. */
static void instance(char **argv, int out, int rep, int index, pid_t holder, const struct sigaction *old,
		     const sigset_t *mask)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != holder)
		_exit(127);	/* the holder died before prctl */
	for (int k = 0; k < NFATAL; k++)
		sigaction(fatal_sigs[k], &old[k], NULL);
	signal(SIGPIPE, SIG_DFL);	/* the launcher's is ignored */
	sigprocmask(SIG_SETMASK, mask, NULL);
	int nul = open("/dev/null", O_RDWR);
	if (nul >= 0)
		dup2(nul, 0);
	else
		close(0);	/* no /dev: EOF is as good */
	int to = out >= 0 ? out : nul;
	if (to >= 0) {
		dup2(to, 1);
		dup2(to, 2);
	}
	execvp(argv[0], argv);
	send_msg(rep, HM_EXECFAIL, index, errno, 0);
	_exit(127);
}

/* Reap every child that has ended; tell the launcher about instances. */
static void reap(int rep, const pid_t *pids, int n, int block)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, block ? 0 : WNOHANG)) != 0) {
		if (p < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		uint64_t now = gb_now_ns();
		for (int i = 0; i < n; i++)
			if (pids[i] == p)
				send_msg(rep, HM_EXITED, i, st, now);
		/* anything else: an orphan re-parented to us, nothing to say */
	}
}

/* Until 'at', reaping (an instance that exits while later ones wait for
 * their --stagger turn is timed when it exits, not after). */
static void wait_until(uint64_t at, int rep, const pid_t *pids, int n)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		reap(rep, pids, n, 0);
		uint64_t now = gb_now_ns();
		if (now >= at)
			return;
		struct timespec ts = { (time_t)((at - now) / 1000000000ull), (long)((at - now) % 1000000000ull) };
		sigtimedwait(&chld, NULL, &ts);
	}
}

static _Noreturn void holder(const bstate *s, char ***argv, int n, int repw, int *outw)
{
	const su_launch_cfg *c = s->c;
	prctl(PR_SET_CHILD_SUBREAPER, 1);	/* what an instance leaves behind stays ours */
	signal(SIGCHLD, SIG_DFL);	/* never SIG_IGN: the kernel would reap for us, unreported */
	struct sigaction ign, old[NFATAL];
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	for (int k = 0; k < NFATAL; k++)
		sigaction(fatal_sigs[k], &ign, &old[k]);
	sigset_t chld, mask;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &mask);	/* waited for with sigtimedwait */
	pid_t self = getpid();
	pid_t *pids = gb_xcalloc((size_t)n, sizeof *pids);
	for (int i = 0; i < n; i++) {
		wait_until(s->t0 + (uint64_t)((double)i * c->stagger * 1e9), repw, pids, i);
		uint64_t t = gb_now_ns();
		pid_t pid = fork();
		if (pid == 0)
			instance(argv[i], outw[i], repw, i, self, old, &mask);
		int e = errno;
		if (outw[i] >= 0)
			close(outw[i]);	/* the instance has it; later ones must not */
		if (pid < 0) {
			send_msg(repw, HM_FORKFAIL, i, e, t);
			continue;
		}
		pids[i] = pid;
		send_msg(repw, HM_STARTED, i, pid, t);
	}
	reap(repw, pids, n, 1);	/* until no child is left */
	_exit(0);
}

/* ----------------------------------------------------- the launcher -- */

static void resolve(bstate *s, int i, int status, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void resolve(bstate *s, int i, int status, uint64_t now, const char *fmt, ...)
{
	su_batch *b = s->b;
	su_inst *x = &b->inst[i];
	if (x->status >= 0)
		return;
	x->status = status;
	s->resolved++;
	if (status == SU_RS_OK) {
		x->ready_ms = (double)(now - x->t0) / 1e6;
		b->nready++;
		if (now > s->last_ready)
			s->last_ready = now;
		if (b->nready == b->n) {
			b->all_ready_ms = (double)(s->last_ready - b->inst[0].t0) / 1e6;
			/* after the last timestamp: measuring adds to no figure */
			if (s->c->footprint)
				b->have_mem = su_footprint_batch(s->tree.pid, s->c->cgroup, b->n, &b->mem, b->mem_why,
								 sizeof b->mem_why) == 0;
		}
	} else if (fmt && (!b->detail[0] || i < b->detail_at)) {
		/* the lowest-numbered instance's, whatever order they ended in */
		b->detail_at = i;
		char what[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		snprintf(b->detail, sizeof b->detail, "instance %d: %s: %s", i + 1, su_status_word[status], what);
	}
}

/* A readiness signal: the instance is ready now, or, when its STARTED
 * report has not been read yet (it can run before the holder writes it),
 * as soon as that report says when it started. */
static void ready_now(bstate *s, int i, uint64_t now)
{
	su_inst *x = &s->b->inst[i];
	if (x->started)
		resolve(s, i, SU_RS_OK, now, NULL);
	else if (!x->early)
		x->early = now;
}

/* One read of instance i's output (non-blocking); the bytes read. */
static ssize_t read_output(bstate *s, int i, uint64_t now)
{
	char buf[8192];
	ssize_t n = read(s->out[i], buf, sizeof buf);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(s->out[i]);
			s->out[i] = -1;
		}
		return 0;
	}
	if (s->log[i] >= 0 && write(s->log[i], buf, (size_t)n) != n) {
		close(s->log[i]);
		s->log[i] = -1;
	}
	if (s->c->ready == SU_READY_LINE && s->b->inst[i].status < 0 && !s->b->inst[i].early &&
	    su_liner_feed(&s->liner[i], buf, (size_t)n))
		ready_now(s, i, now);
	return n;
}

/* Datagrams: the instance whose nonce it carries is ready (and acked). */
static void read_socket(bstate *s, uint64_t now)
{
	char buf[256], ack[128];
	struct sockaddr_storage from;
	socklen_t flen = sizeof from;
	ssize_t n;
	while ((n = recvfrom(s->c->lfd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen)) >= 0) {
		int who = -1;
		for (int i = 0; i < s->b->n && who < 0; i++)
			if (su_msg_is(buf, (size_t)n, SU_PING_PREFIX, s->b->inst[i].nonce))
				who = i;
		if (who < 0) {
			s->b->ignored++;
		} else {
			int alen = su_ack_msg(ack, sizeof ack, s->b->inst[who].nonce);
			if (alen > 0 && alen < n)
				sendto(s->c->lfd, ack, (size_t)alen, 0, (struct sockaddr *)&from, flen);
			ready_now(s, who, now);
		}
		flen = sizeof from;
	}
}

static void ended(bstate *s, int i, int st, uint64_t at)
{
	su_inst *x = &s->b->inst[i];
	if (x->status >= 0)
		return;
	/* what it said just before it ended still counts */
	if (s->c->lfd >= 0)
		read_socket(s, at);
	while (x->status < 0 && s->out[i] >= 0 && read_output(s, i, at) > 0)
		;
	if (x->status >= 0)
		return;
	if (s->c->ready == SU_READY_EXIT && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		resolve(s, i, SU_RS_OK, at, NULL);
	else if (WIFSIGNALED(st))
		resolve(s, i, SU_RS_CRASHED, at, "killed by signal %d (%s) before it was ready", WTERMSIG(st),
			strsignal(WTERMSIG(st)));
	else
		resolve(s, i, SU_RS_FAILED, at, "exited with status %d before it was ready", WEXITSTATUS(st));
}

static void read_reports(bstate *s)
{
	hmsg m;
	ssize_t n;
	while ((n = read(s->rep, &m, sizeof m)) == (ssize_t)sizeof m) {
		if (m.index < 0 || m.index >= s->b->n)
			continue;
		su_inst *x = &s->b->inst[m.index];
		switch (m.kind) {
		case HM_STARTED:
			x->started = 1;
			x->t0 = m.ns;
			if (x->early)
				resolve(s, m.index, SU_RS_OK, x->early, NULL);
			break;
		case HM_FORKFAIL:
			x->started = 1;
			x->t0 = m.ns;
			snprintf(s->b->detail, sizeof s->b->detail, "instance %d: cannot start it: fork: %s",
				 m.index + 1, strerror(m.value));
			s->b->exec_errno = m.value;
			resolve(s, m.index, SU_RS_ERROR, m.ns, NULL);
			break;
		case HM_EXECFAIL:
			snprintf(s->b->detail, sizeof s->b->detail, "cannot execute %s: %s", s->c->cmd[0],
				 strerror(m.value));
			s->b->exec_errno = m.value;
			resolve(s, m.index, SU_RS_ERROR, gb_now_ns(), NULL);
			break;
		case HM_EXITED:
			ended(s, m.index, m.value, m.ns);
			break;
		}
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(s->rep);
		s->rep = -1;
	}
}

/* The poll set: the tree, the reports, the socket, every output still
 * open (only those: poll refuses more entries than RLIMIT_NOFILE). */
static int poll_batch(bstate *s, struct pollfd *p, int ms)
{
	int n = s->b->n, np = 3;
	p[0] = (struct pollfd){ gb_tree_fd(), POLLIN, 0 };
	p[1] = (struct pollfd){ s->rep, POLLIN, 0 };
	p[2] = (struct pollfd){ s->c->lfd, POLLIN, 0 };
	for (int i = 0; i < n; i++)
		if (s->out[i] >= 0) {
			s->slot[np - 3] = i;
			p[np++] = (struct pollfd){ s->out[i], POLLIN, 0 };
		}
	int r = poll(p, (nfds_t)np, ms);
	if (r < 0 && errno != EINTR) {
		snprintf(s->b->detail, sizeof s->b->detail, "poll: %s", strerror(errno));
		return -1;
	}
	if (r <= 0)
		return 0;
	uint64_t now = gb_now_ns();	/* the events' time, before any work */
	if (p[2].revents & POLLIN)
		read_socket(s, now);
	for (int k = 3; k < np; k++)
		if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
			read_output(s, s->slot[k - 3], now);
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		read_reports(s);
	if ((p[0].revents & POLLIN) && gb_tree_poll(&s->tree))
		s->done = 1;
	return 0;
}

/* Until every instance is ready, failed or timed out. */
static void wait_batch(bstate *s, struct pollfd *p)
{
	const su_launch_cfg *c = s->c;
	su_batch *b = s->b;
	uint64_t timeout = (uint64_t)(c->timeout * 1e9);
	while (s->resolved < b->n) {
		uint64_t now = gb_now_ns(), next = UINT64_MAX;
		for (int i = 0; i < b->n; i++) {
			su_inst *x = &b->inst[i];
			if (x->status >= 0)
				continue;
			/* not started yet: its deadline counts from its turn */
			uint64_t from = x->started ? x->t0 : s->t0 + (uint64_t)((double)i * c->stagger * 1e9);
			if (now >= from + timeout) {
				if (!x->started)
					x->t0 = from;
				resolve(s, i, SU_RS_TIMEOUT, now, "not ready after %g s%s", c->timeout,
					x->started ? "" : " (never started)");
			} else if (from + timeout < next) {
				next = from + timeout;
			}
		}
		if (s->resolved == b->n)
			return;
		if (s->done && s->rep < 0) {
			/* the holder is gone and said all it had to: nothing left to wait for */
			for (int i = 0; i < b->n; i++)
				resolve(s, i, SU_RS_ERROR, now, "ended without a report");
			return;
		}
		int ms = (int)((next - now + 999999) / 1000000);
		if (poll_batch(s, p, ms) < 0) {
			for (int i = 0; i < b->n; i++)
				resolve(s, i, SU_RS_ERROR, now, "%s", b->detail);
			return;
		}
	}
}

/* --then: term (SIGTERM to the batch's group, then --grace), wait
 * (--grace for every instance to exit by itself), kill (nothing: the
 * clean-up kills). */
static void end_batch(bstate *s, struct pollfd *p)
{
	const su_launch_cfg *c = s->c;
	if (s->done || c->then == SU_THEN_KILL)
		return;
	if (c->then == SU_THEN_TERM)
		gb_tree_signal(&s->tree, SIGTERM);
	uint64_t end = gb_now_ns() + (uint64_t)(c->grace * 1e9);
	for (uint64_t now; !s->done && (now = gb_now_ns()) < end;)
		if (poll_batch(s, p, (int)((end - now + 999999) / 1000000)) < 0)
			return;
}

static void alloc_state(bstate *s, int n)
{
	s->out = gb_xcalloc((size_t)n, sizeof *s->out);
	s->log = gb_xcalloc((size_t)n, sizeof *s->log);
	s->liner = gb_xcalloc((size_t)n, sizeof *s->liner);
	s->slot = gb_xcalloc((size_t)n, sizeof *s->slot);
	for (int i = 0; i < n; i++)
		s->out[i] = s->log[i] = -1;
}

/* Per instance: its argv ({i}, its nonce), its output pipe and log. */
static int prepare(bstate *s, char ***argv, int *outw)
{
	const su_launch_cfg *c = s->c;
	su_batch *b = s->b;
	size_t na = 0;
	while (c->cmd[na])
		na++;
	int pipes = c->ready == SU_READY_LINE || c->outdir;
	for (int i = 0; i < b->n; i++) {
		su_inst *x = &b->inst[i];
		char num[16];
		su_new_nonce(x->nonce);
		snprintf(num, sizeof num, "%d", x->index);
		argv[i] = gb_xcalloc(na + 1, sizeof *argv[i]);
		for (size_t k = 0; k < na; k++)
			argv[i][k] = su_subst_inst(c->cmd[k], c->addr, c->port, x->nonce, num);
		if (c->ready == SU_READY_LINE)
			su_liner_init(&s->liner[i], c->text);
		outw[i] = -1;
		int fd[2];
		if (pipes) {
			if (pipe2(fd, O_CLOEXEC) < 0) {
				snprintf(b->detail, sizeof b->detail, "instance %d: pipe: %s", x->index, strerror(errno));
				return -1;
			}
			s->out[i] = fd[0];
			outw[i] = fd[1];
			fcntl(fd[0], F_SETFL, O_NONBLOCK);
		}
		if (c->outdir) {
			char name[64];
			snprintf(name, sizeof name, "n%d-round-%d-instance-%d.log", b->n, b->round, x->index);
			s->log[i] = openat(c->outdir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (s->log[i] < 0)
				gb_warnx("%s/%s: %s (this instance's output is not kept)", c->outdir, name, strerror(errno));
		}
	}
	return 0;
}

void su_batch_run(const su_launch_cfg *c, int n, su_batch *b)
{
	int round = b->round;
	memset(b, 0, sizeof *b);
	b->round = round;
	b->n = n;
	b->inst = gb_xcalloc((size_t)n, sizeof *b->inst);
	for (int i = 0; i < n; i++) {
		b->inst[i].index = i + 1;
		b->inst[i].status = -1;
	}
	bstate s;
	memset(&s, 0, sizeof s);
	s.c = c;
	s.b = b;
	s.rep = -1;
	alloc_state(&s, n);
	char ***argv = gb_xcalloc((size_t)n, sizeof *argv);
	int *outw = gb_xcalloc((size_t)n, sizeof *outw);
	struct pollfd *p = gb_xcalloc((size_t)n + 3, sizeof *p);
	int rep[2] = { -1, -1 };
	for (int i = 0; i < n; i++)
		outw[i] = -1;

	if (prepare(&s, argv, outw) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		if (!b->detail[0])
			snprintf(b->detail, sizeof b->detail, "pipe: %s", strerror(errno));
	} else {
		s.t0 = gb_now_ns();
		pid_t pid = gb_tree_fork(&s.tree);
		if (pid == 0)
			holder(&s, argv, n, rep[1], outw);
		close(rep[1]);
		rep[1] = -1;
		s.rep = rep[0];
		fcntl(s.rep, F_SETFL, O_NONBLOCK);
		if (pid < 0) {
			snprintf(b->detail, sizeof b->detail, "fork: %s", strerror(errno));
		} else {
			for (int i = 0; i < n; i++)
				if (outw[i] >= 0) {
					close(outw[i]);
					outw[i] = -1;
				}
			wait_batch(&s, p);
			if (!b->exec_errno)
				end_batch(&s, p);
			b->left = gb_tree_end(&s.tree, 10.0);
			/* what the instances wrote last, up to EOF (every writer is gone now) */
			uint64_t stop = gb_now_ns() + 1000000000ull;
			for (int i = 0; i < n; i++)
				while (s.out[i] >= 0 && gb_now_ns() < stop) {
					struct pollfd q = { s.out[i], POLLIN, 0 };
					if (poll(&q, 1, 100) > 0)
						read_output(&s, i, gb_now_ns());
				}
			if (b->left && !b->detail[0])
				snprintf(b->detail, sizeof b->detail, "%zu processes could not be killed within 10 s",
					 b->left);
		}
	}
	for (int i = 0; i < n; i++) {
		b->inst[i].status = b->inst[i].status < 0 ? SU_RS_ERROR : b->inst[i].status;
		if (s.out[i] >= 0)
			close(s.out[i]);
		if (s.log[i] >= 0)
			close(s.log[i]);
		if (outw[i] >= 0)
			close(outw[i]);
		for (char **a = argv[i]; a && *a; a++)
			free(*a);
		free(argv[i]);
	}
	if (s.rep >= 0)
		close(s.rep);
	if (rep[1] >= 0)
		close(rep[1]);
	free(argv);
	free(outw);
	free(p);
	free(s.out);
	free(s.log);
	free(s.liner);
	free(s.slot);
}

void su_batch_free(su_batch *b)
{
	free(b->inst);
	b->inst = NULL;
}
