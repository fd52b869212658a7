/* test_team.c - every member runs once per gb_team_run, on its CPU;
 * barriers order phases; oversubscribed and 1-member teams; no deadlock
 * over many quick runs; idle teams sleep instead of spinning. */
#include "tap.h"
#include "team.h"
#include "topo.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXM 64

struct probe {
	gb_team *t;
	int runs[MAXM];
	int nthreads[MAXM];
	int cpu[MAXM];
	pthread_t self[MAXM];
};

static void probe_fn(int tid, int n, void *arg)
{
	struct probe *p = arg;
	p->runs[tid]++;
	p->nthreads[tid] = n;
	p->cpu[tid] = sched_getcpu();
	p->self[tid] = pthread_self();
}

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static gb_team *make(int n)
{
	char err[256];
	gb_team *t = gb_team_create(n, NULL, err, sizeof err);
	if (!t)
		printf("#   gb_team_create(%d): %s\n", n, err);
	return t;
}

static void test_members(int n)
{
	struct probe p;
	cpu_set_t aff;
	int ran = 1, count = 1, pinned = 1, inset = 1;
	gb_team *t = make(n);
	int ncpu = gb_effective_get()->ncpus_set;

	if (!ok(t != NULL, "team of %d created", n))
		return;
	is_int(gb_team_size(t), n, "team size");
	memset(&p, 0, sizeof p);
	sched_getaffinity(0, sizeof aff, &aff);	/* member 0's now: one CPU */
	for (int r = 0; r < 3; r++)
		gb_team_run(t, probe_fn, &p);
	for (int i = 0; i < n; i++) {
		int c = gb_team_cpu(t, i);
		if (p.runs[i] != 3)
			ran = 0;
		if (p.nthreads[i] != n)
			count = 0;
		if (c < 0 || p.cpu[i] != c)
			pinned = 0, printf("#   member %d on CPU %d, pinned to %d\n", i, p.cpu[i], c);
		if (c != gb_effective_cpu(i % ncpu))
			inset = 0;
	}
	ok(ran, "n=%d: every member ran once per run", n);
	ok(count, "n=%d: every member was told the team size", n);
	ok(pinned, "n=%d: every member runs on the CPU it is pinned to", n);
	ok(inset, "n=%d: member i is pinned to effective CPU i mod %d", n, ncpu);
	ok(pthread_equal(p.self[0], pthread_self()), "n=%d: member 0 is the caller", n);
	ok(CPU_COUNT(&aff) == 1 && CPU_ISSET(gb_team_cpu(t, 0), &aff), "the caller is pinned too");
	gb_team_destroy(t);
}

/* Each member writes its phase, barrier, checks everyone's, barrier. */
struct phases {
	gb_team *t;
	volatile int phase[MAXM];
	int iters, bad;
};

static void phase_fn(int tid, int n, void *arg)
{
	struct phases *ph = arg;
	int bad = 0;

	for (int k = 1; k <= ph->iters; k++) {
		ph->phase[tid] = k;
		gb_team_barrier(ph->t);
		for (int j = 0; j < n; j++)
			if (ph->phase[j] != k)
				bad++;
		gb_team_barrier(ph->t);
	}
	if (bad)
		__atomic_add_fetch(&ph->bad, bad, __ATOMIC_SEQ_CST);
}

static void test_barrier(int n, int iters)
{
	static struct phases ph;
	gb_team *t = make(n);

	if (!ok(t != NULL, "team of %d for the barrier", n))
		return;
	memset(&ph, 0, sizeof ph);
	ph.t = t;
	ph.iters = iters;
	double t0 = now_s(CLOCK_MONOTONIC);
	gb_team_run(t, phase_fn, &ph);
	double us = (now_s(CLOCK_MONOTONIC) - t0) * 1e6 / (2.0 * iters);
	printf("# n=%d: %.2f us per barrier\n", n, us);
	is_int(ph.bad, 0, "barrier keeps phases in order");
	int done = 1;
	for (int i = 0; i < n; i++)
		if (ph.phase[i] != iters)
			done = 0;
	ok(done, "n=%d: all %d phases completed by every member", n, iters);
	gb_team_destroy(t);
}

static void test_oversubscribed(void)
{
	int ncpu = gb_effective_get()->ncpus_set, n = 2 * ncpu + 1;
	struct probe p;
	gb_team *t = make(n);

	if (!ok(t != NULL, "oversubscribed team of %d on %d CPUs", n, ncpu))
		return;
	memset(&p, 0, sizeof p);
	gb_team_run(t, probe_fn, &p);
	int ran = 1;
	for (int i = 0; i < n; i++)
		if (p.runs[i] != 1 || gb_team_cpu(t, i) != gb_effective_cpu(i % ncpu))
			ran = 0;
	ok(ran, "oversubscribed: every member ran, CPUs reused in order");
	gb_team_destroy(t);
	test_barrier(n, 300);
}

static void test_one(void)
{
	struct probe p;
	gb_team *t = make(1);

	if (!ok(t != NULL, "team of 1"))
		return;
	memset(&p, 0, sizeof p);
	gb_team_barrier(t);	/* no-op, must not block */
	gb_team_run(t, probe_fn, &p);
	ok(p.runs[0] == 1 && pthread_equal(p.self[0], pthread_self()), "n=1 runs inline in the caller");
	ok(p.cpu[0] == gb_team_cpu(t, 0), "n=1 is pinned too");
	gb_team_destroy(t);
}

static void count_fn(int tid, int n, void *arg)
{
	(void)tid;
	(void)n;
	__atomic_add_fetch((long *)arg, 1, __ATOMIC_RELAXED);
}

static void test_many_runs(void)
{
	int n = gb_effective_get()->ncpus_set;
	long total = 0;
	const int runs = 20000;
	gb_team *t = make(n);

	if (!t)
		return;
	double t0 = now_s(CLOCK_MONOTONIC);
	for (int r = 0; r < runs; r++)
		gb_team_run(t, count_fn, &total);
	double us = (now_s(CLOCK_MONOTONIC) - t0) * 1e6 / runs;
	printf("# n=%d: %.2f us per fork-join\n", n, us);
	is_int(total, (long)runs * n, "many quick runs: every member ran every time");
	ok(us < 200, "a fork-join costs under 200 us (%.2f)", us);

	/* runs spaced further apart than the spin: members sleep and wake */
	total = 0;
	for (int r = 0; r < 20; r++) {
		usleep(2000);
		gb_team_run(t, count_fn, &total);
	}
	is_int(total, 20L * n, "runs after sleeping wake every member");
	gb_team_destroy(t);
}

/* An idle team must sleep: CPU time used while the caller sleeps. */
static void test_idle(int n, const char *what)
{
	gb_team *t = make(n);
	long total = 0;

	if (!t)
		return;
	gb_team_run(t, count_fn, &total);
	double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	usleep(300000);
	double cpu_ms = (now_s(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e3;
	ok(cpu_ms < 60, "%s team of %d idles without spinning (%.1f ms CPU in 300 ms)", what, n,
	   cpu_ms);
	gb_team_destroy(t);
}

static void test_sets(void)
{
	cpu_set_t before, after, set;
	char err[256];
	gb_team *t;

	sched_getaffinity(0, sizeof before, &before);
	t = make(2);
	gb_team_destroy(t);
	sched_getaffinity(0, sizeof after, &after);
	ok(CPU_EQUAL(&before, &after), "destroy gives the caller its affinity back");

	CPU_ZERO(&set);
	CPU_SET(CPU_SETSIZE - 1, &set);
	t = gb_team_create(2, &set, err, sizeof err);
	ok(t == NULL && err[0], "a set outside the affinity mask is refused: %s", err);

	int last = gb_effective_cpu(-1);
	CPU_ZERO(&set);
	CPU_SET(last, &set);
	CPU_SET(CPU_SETSIZE - 1, &set);	/* not ours: must be dropped, not used */
	t = gb_team_create(3, &set, err, sizeof err);
	if (ok(t != NULL, "team on a given set")) {
		ok(gb_team_cpu(t, 0) == last && gb_team_cpu(t, 1) == last && gb_team_cpu(t, 2) == last,
		   "every member on the given CPU %d", last);
		ok(gb_team_cpu(t, 3) == -1 && gb_team_cpu(t, -1) == -1, "out-of-range member is -1");
		gb_team_destroy(t);
	}
	ok(gb_team_create(0, NULL, err, sizeof err) == NULL, "a team of 0 is refused");
}

/* Where sched_setaffinity is refused (seccomp here), members run free. */
static int refuse_setaffinity(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sched_setaffinity, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof f / sizeof f[0], f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void test_unpinned(void)
{
	int n = gb_effective_get()->ncpus_set + 1, status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct probe p;
		gb_team *t;
		int bad = 0;

		if (refuse_setaffinity() != 0)
			_exit(3);
		t = make(n);
		if (!t)
			_exit(2);
		memset(&p, 0, sizeof p);
		gb_team_run(t, probe_fn, &p);
		for (int i = 0; i < n; i++)
			if (gb_team_cpu(t, i) != -1 || p.runs[i] != 1)
				bad = 1;
		gb_team_destroy(t);
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		skip("cannot install a seccomp filter", "pinning refused: members run unpinned");
		return;
	}
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "pinning refused: the team still runs, every gb_team_cpu is -1 (status %d)", status);
}

static void test_pin_save(void)
{
	cpu_set_t before, saved, now;
	pthread_getaffinity_np(pthread_self(), sizeof before, &before);
	int cpu = -1;
	for (int c = 0; c < CPU_SETSIZE && cpu < 0; c++)
		if (CPU_ISSET(c, &before))
			cpu = c;
	is_int(gb_pin_self_save(cpu, &saved), 0, "gb_pin_self_save pins to an allowed CPU");
	pthread_getaffinity_np(pthread_self(), sizeof now, &now);
	ok(CPU_COUNT(&now) == 1 && CPU_ISSET(cpu, &now), "... the thread now runs on CPU %d only", cpu);
	ok(CPU_EQUAL(&saved, &before), "... and saved the affinity it had");
	gb_pin_restore(&saved);
	pthread_getaffinity_np(pthread_self(), sizeof now, &now);
	ok(CPU_EQUAL(&now, &before), "gb_pin_restore gives it back");
	is_int(gb_pin_self_save(CPU_SETSIZE, &saved), EINVAL, "a CPU out of range: EINVAL");
	pthread_getaffinity_np(pthread_self(), sizeof now, &now);
	ok(CPU_EQUAL(&now, &before) && CPU_EQUAL(&saved, &before), "... the affinity unchanged, and still saved");
}

int main(void)
{
	int ncpu = gb_effective_get()->ncpus_set;

	alarm(120);	/* a deadlock fails the test instead of hanging it */
	test_one();
	test_members(ncpu);
	if (ncpu > 2)
		test_members(2);
	test_barrier(ncpu, 20000);
	test_oversubscribed();
	test_many_runs();
	test_idle(ncpu, "a");
	test_idle(2 * ncpu + 1, "an oversubscribed");
	test_sets();
	test_unpinned();
	test_pin_save();
	return tap_done();
}
