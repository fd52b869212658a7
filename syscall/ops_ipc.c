/* ops_ipc.c - wake-ups between threads, and signal delivery.
 *
 * A round trip between two threads costs two wake-ups.  With both threads
 * on one CPU a wake-up is a context switch; across CPUs it is an
 * inter-processor interrupt, which in a VM is a VM exit on the sender and
 * an interrupt injection on the receiver (~80 us vs ~6 us on the reference
 * 2-vCPU guest).  Both placements are measured, pinned, so the figure does
 * not depend on where the scheduler happened to put the threads.
 *
 * Across CPUs, what a wake-up costs in a VM depends on whether the woken
 * vCPU is still running or has halted: ~1 us against ~23 us on the
 * reference bhyve guest, and a plain round trip lands on either at random
 * (its samples spread from 1 to 23 us).  So the futex round trip across
 * CPUs is measured in each regime on purpose (issue 18):
 * futex_roundtrip_cross keeps both CPUs running with SCHED_IDLE spinners
 * (common/busy.h), futex_roundtrip_cross_idle leaves the partner's CPU
 * idle for IDLE_NS before each wake-up and times only the wake-up and the
 * answer, for which the caller spins. */
#include "ops.h"
#include "busy.h"
#include "futex.h"
#include "team.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------ the partner thread -- */

struct partner {
	pthread_t th;
	int cpu;
	cpu_set_t saved;	/* the main thread's affinity before pinning */
	int to[2], from[2];	/* pipes: main -> partner, partner -> main */
	_Atomic uint32_t seq;	/* futex word: odd = partner's turn */
	_Atomic int stop;
	void *(*body)(void *);
	gb_busy *busy[2];	/* spinners keeping both CPUs running, or NULL */
};

static void *pipe_echo(void *arg)
{
	struct partner *p = arg;
	unsigned char b;
	/* echo every byte back; EOF (main closed its end) ends the thread */
	while (read(p->to[0], &b, 1) == 1)
		if (write(p->from[1], &b, 1) != 1)
			break;
	return NULL;
}

static void *futex_echo(void *arg)
{
	struct partner *p = arg;
	uint32_t expect = 1;
	for (;;) {
		uint32_t v;
		while ((v = atomic_load(&p->seq)) != expect) {
			if (atomic_load(&p->stop))
				return NULL;
			gb_futex_wait(&p->seq, v);
		}
		atomic_store(&p->seq, expect + 1);
		gb_futex_wake(&p->seq, 1);
		expect += 2;
	}
}

/* Pin the caller to cpu_a, start the partner on cpu_b (same = cpu_a). */
static int partner_start(sc_ctx *c, int cross, void *(*body)(void *))
{
	struct partner *p = calloc(1, sizeof *p);
	if (!p)
		return sc_unavailable(c, ENOMEM, "out of memory");
	p->to[0] = p->to[1] = p->from[0] = p->from[1] = -1;
	p->cpu = cross ? c->cpu_b : c->cpu_a;
	p->body = body;
	int e = gb_pin_self_save(c->cpu_a, &p->saved);
	if (e) {
		free(p);
		return sc_unavailable(c, e, "cannot pin to CPU %d: %s", c->cpu_a, strerror(e));
	}
	if (body == pipe_echo && (pipe2(p->to, O_CLOEXEC) || pipe2(p->from, O_CLOEXEC))) {
		e = errno;
		goto fail;
	}
	/* created already pinned: if the CPU is refused, creation fails and
	 * the figure is never taken with both threads on one CPU */
	e = gb_thread_on(&p->th, p->cpu, 0, body, p);
	if (e)
		goto fail;
	c->priv = p;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (p->to[i] >= 0)
			close(p->to[i]);
		if (p->from[i] >= 0)
			close(p->from[i]);
	}
	gb_pin_restore(&p->saved);
	free(p);
	return sc_unavailable(c, e, "cannot start the partner thread: %s", strerror(e));
}

static void partner_stop(sc_ctx *c)
{
	struct partner *p = c->priv;
	if (!p)
		return;
	if (p->body == pipe_echo) {
		close(p->to[1]);	/* EOF stops the echo */
	} else {
		atomic_store(&p->stop, 1);
		atomic_fetch_add(&p->seq, 2);	/* never the value it waits for */
		gb_futex_wake(&p->seq, INT_MAX);
	}
	pthread_join(p->th, NULL);
	for (int i = 0; i < 2; i++)
		gb_busy_stop(p->busy[i]);
	if (p->body == pipe_echo) {
		close(p->to[0]);
		close(p->from[0]);
		close(p->from[1]);
	}
	gb_pin_restore(&p->saved);
	free(p);
	c->priv = NULL;
}

static int setup_pipe_same(sc_ctx *c) { return partner_start(c, 0, pipe_echo); }
static int setup_pipe_cross(sc_ctx *c) { return partner_start(c, 1, pipe_echo); }
static int setup_futex_same(sc_ctx *c) { return partner_start(c, 0, futex_echo); }

/* Both CPUs kept running: every wake-up finds its target vCPU in guest
 * mode (the spinner yields to the woken thread at once). */
static int setup_futex_cross(sc_ctx *c)
{
	if (partner_start(c, 1, futex_echo) < 0)
		return -1;
	struct partner *p = c->priv;
	char err[160];
	for (int i = 0; i < 2; i++) {
		p->busy[i] = gb_busy_start(i ? c->cpu_b : c->cpu_a, err, sizeof err);
		if (!p->busy[i]) {
			partner_stop(c);
			return sc_unavailable(c, 0, "%s", err);
		}
	}
	c->regime = strcmp(gb_busy_method(p->busy[0]), "sched_idle") == 0
		? "busy: both CPUs kept running by SCHED_IDLE spinners"
		: "busy: both CPUs kept running by nice-19 spinners (SCHED_IDLE refused)";
	return 0;
}

/* How long the partner's CPU stays idle before each wake-up: far beyond
 * the 200 us a KVM host (halt_poll_ns) or a guest's cpuidle-haltpoll
 * polls before it really halts, so the wake-up meets a halted vCPU. */
#define IDLE_NS 2000000ull

static int setup_futex_cross_idle(sc_ctx *c)
{
	/* each wake-up is timed alone: a clock stepping 4 ms (a TCG guest on
	 * jiffies) would sum zeros into a figure of 0 */
	char why[200];
	if (!gb_clock_resolves("one wake-up of tens of us, timed alone", why, sizeof why))
		return sc_unavailable(c, 0, "%s", why);
	if (partner_start(c, 1, futex_echo) < 0)
		return -1;
	c->regime = "idle: the partner's CPU idle 2 ms before each wake-up";
	return 0;
}

static uint64_t loop_pipe(void *ctx, uint64_t n)
{
	struct partner *p = ((sc_ctx *)ctx)->priv;
	int bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		unsigned char out = (unsigned char)(i * 131 + 7), in = 0;
		bad |= write(p->to[1], &out, 1) != 1;
		bad |= read(p->from[0], &in, 1) != 1;
		bad |= in != out;
	}
	uint64_t t = gb_now_ns() - t0;
	return !bad ? t : sc_fail(ctx, "pipe round trip lost or changed a byte");
}

static uint64_t loop_futex(void *ctx, uint64_t n)
{
	struct partner *p = ((sc_ctx *)ctx)->priv;
	uint32_t s = atomic_load(&p->seq);
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		atomic_store(&p->seq, s + 1);
		gb_futex_wake(&p->seq, 1);
		uint32_t v;
		while ((v = atomic_load(&p->seq)) != s + 2)
			gb_futex_wait(&p->seq, v);
		s += 2;
	}
	uint64_t t = gb_now_ns() - t0;
	return atomic_load(&p->seq) == s ? t : sc_fail(ctx, "futex sequence out of step");
}

/* The partner sleeps in FUTEX_WAIT while this thread spins IDLE_NS (its
 * own CPU stays running, so only the partner's is idle); then one timed
 * wake-up, and a spin until the answer is seen (no second sleeper, no
 * second regime; no PAUSE in the spins, as common/busy.c says why).
 * Only that part is timed: a sample of n round trips
 * lasts n x 2 ms (the op's max_iters keeps n small). */
static uint64_t loop_futex_idle(void *ctx, uint64_t n)
{
	struct partner *p = ((sc_ctx *)ctx)->priv;
	uint32_t s = atomic_load(&p->seq);
	uint64_t t = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t until = gb_now_ns() + IDLE_NS;
		while (gb_now_ns() < until)
			;
		uint64_t t0 = gb_now_ns();
		atomic_store(&p->seq, s + 1);
		gb_futex_wake(&p->seq, 1);
		while (atomic_load(&p->seq) != s + 2)
			;
		t += gb_now_ns() - t0;
		s += 2;
	}
	return t;
}

/* ------------------------------------------------------------ signals -- */

static volatile sig_atomic_t sig_count;

static void on_signal(int sig)
{
	(void)sig;
	sig_count++;
}

struct sig_state {
	struct sigaction old;
	sigset_t oldmask;
};

static int setup_signal(sc_ctx *c)
{
	struct sig_state *s = calloc(1, sizeof *s);
	if (!s)
		return sc_unavailable(c, ENOMEM, "out of memory");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, &s->old) != 0) {
		int e = errno;
		free(s);
		return sc_unavailable(c, e, "sigaction: %s", strerror(e));
	}
	pthread_sigmask(SIG_UNBLOCK, &usr1, &s->oldmask);
	c->priv = s;
	return 0;
}

static void teardown_signal(sc_ctx *c)
{
	struct sig_state *s = c->priv;
	pthread_sigmask(SIG_SETMASK, &s->oldmask, NULL);
	sigaction(SIGUSR1, &s->old, NULL);
	free(s);
	c->priv = NULL;
}

/* tgkill to this very thread: the signal is delivered on the way out of
 * the system call, so one iteration = send + deliver + handler + return. */
static uint64_t loop_signal(void *ctx, uint64_t n)
{
	pid_t pid = getpid(), tid = gettid();
	sig_count = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_tgkill, pid, tid, SIGUSR1);
	uint64_t t = gb_now_ns() - t0;
	return (uint64_t)sig_count == n ? t
		: sc_fail(ctx, "%llu signals sent, %llu handled", (unsigned long long)n,
				    (unsigned long long)sig_count);
}

const sc_op sc_ops_ipc[] = {
	{ "pipe_roundtrip", "1 byte there and back through two pipes, both threads on one CPU",
	  setup_pipe_same, loop_pipe, partner_stop, 0, 0, 1 },
	{ "pipe_roundtrip_cross", "the same with the two threads on different CPUs (IPI wake-ups)",
	  setup_pipe_cross, loop_pipe, partner_stop, 0, 0, 2 },
	{ "futex_roundtrip", "futex wake and wait there and back, both threads on one CPU",
	  setup_futex_same, loop_futex, partner_stop, 0, 0, 1 },
	{ "futex_roundtrip_cross", "the same across CPUs, both kept running (a wake-up of a running CPU)",
	  setup_futex_cross, loop_futex, partner_stop, 0, 0, 2 },
	{ "futex_roundtrip_cross_idle", "futex wake of a partner whose CPU was idle 2 ms (halted), answer spun for",
	  setup_futex_cross_idle, loop_futex_idle, partner_stop, 20, 0, 2 },
	{ "signal", "a signal sent to this thread (tgkill) and handled",
	  setup_signal, loop_signal, teardown_signal, 0, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
