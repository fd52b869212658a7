/* team.c - fork-join team of pinned threads.
 *
 * Start, finish and barrier are each a counter in shared memory that the
 * waiters watch: spin briefly (a back-to-back STREAM kernel restarts the
 * team within microseconds, and a futex wake is an IPI - a VM exit in a
 * guest), then sleep in FUTEX_WAIT so an idle or oversubscribed team does
 * not burn the CPUs the benchmark is measuring.  A waker only enters the
 * kernel when someone is known to sleep. */
#include "team.h"
#include "futex.h"
#include "topo.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SPIN_ITERS	20000	/* ~100-500 us of pause before sleeping */

struct gb_team {
	int n;
	int spin;			/* 0 when oversubscribed */
	int *cpu;			/* per member, -1 unpinned */
	pthread_t *th;
	int restore_affinity;
	cpu_set_t caller_affinity;

	gb_team_fn fn;
	void *arg;
	int stop;

	/* each word is waited on with FUTEX_WAIT; *_sleepers count the
	 * threads that may be asleep on it, so wakers can skip the call */
	unsigned start_gen, start_sleepers;
	unsigned pending, pending_sleepers;
	unsigned bar_count, bar_gen, bar_sleepers;
};

struct member {
	gb_team *t;
	int id;
};

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

static unsigned load(const unsigned *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/*
 * Wait until *word != val.  The sleeper count is raised before the futex
 * call re-checks the word; the waker changes the word before reading the
 * count (both sequentially consistent), so one of them sees the other.
 */
static void wait_change(unsigned *word, unsigned val, unsigned *sleepers, int spin)
{
	for (int i = 0; i < spin; i++) {
		if (load(word) != val)
			return;
		cpu_relax();
	}
	while (load(word) == val) {
		__atomic_add_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
		gb_futex_wait(word, val);
		__atomic_sub_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
	}
}

static void wake(unsigned *word, unsigned *sleepers)
{
	if (load(sleepers))
		gb_futex_wake(word, INT_MAX);
}

int gb_pin_self(int cpu)
{
	cpu_set_t one;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return EINVAL;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}

int gb_pin_self_save(int cpu, cpu_set_t *saved)
{
	pthread_getaffinity_np(pthread_self(), sizeof *saved, saved);
	return gb_pin_self(cpu);
}

void gb_pin_restore(const cpu_set_t *saved)
{
	pthread_setaffinity_np(pthread_self(), sizeof *saved, saved);
}

int gb_thread_on(pthread_t *th, int cpu, size_t stack, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t one;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return EINVAL;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	pthread_attr_init(&attr);
	if (stack)
		pthread_attr_setstacksize(&attr, stack);
	int e = pthread_attr_setaffinity_np(&attr, sizeof one, &one);
	if (!e)
		e = pthread_create(th, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return e;
}

/* Pin the calling thread; returns the CPU or -1 (restricted: run free). */
static int pin_self(int cpu)
{
	return gb_pin_self(cpu) == 0 ? cpu : -1;
}

static void member_done(gb_team *t)
{
	if (__atomic_sub_fetch(&t->pending, 1, __ATOMIC_SEQ_CST) == 0)
		wake(&t->pending, &t->pending_sleepers);
}

static void *member_main(void *p)
{
	struct member *m = p;
	gb_team *t = m->t;
	int id = m->id;
	unsigned seen = 0;

	free(m);
	t->cpu[id] = pin_self(t->cpu[id]);
	member_done(t);		/* creation waits for every member to be pinned */

	for (;;) {
		wait_change(&t->start_gen, seen, &t->start_sleepers, t->spin);
		seen = load(&t->start_gen);
		if (__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE))
			break;
		t->fn(id, t->n, t->arg);
		member_done(t);
	}
	return NULL;
}

/* Wait until every worker has called member_done(). */
static void wait_members(gb_team *t)
{
	unsigned v;

	for (int i = 0; i < t->spin; i++) {
		if (!load(&t->pending))
			return;
		cpu_relax();
	}
	while ((v = load(&t->pending)) != 0)
		wait_change(&t->pending, v, &t->pending_sleepers, 0);
}

/* The CPUs to use, in order: 'cpus' (or the effective set) ∩ affinity. */
static int team_cpus(const cpu_set_t *cpus, const cpu_set_t *aff, int *list)
{
	cpu_set_t use;
	int n = 0;

	if (cpus)
		CPU_AND(&use, cpus, aff);
	else
		CPU_AND(&use, &gb_effective_get()->cpus, aff);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &use))
			list[n++] = c;
	return n;
}

static void start_members(gb_team *t)
{
	__atomic_store_n(&t->pending, (unsigned)(t->n - 1), __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&t->start_gen, 1, __ATOMIC_SEQ_CST);
	wake(&t->start_gen, &t->start_sleepers);
}

gb_team *gb_team_create(int n, const cpu_set_t *cpus, char *err, unsigned errlen)
{
	int list[CPU_SETSIZE];
	cpu_set_t aff;
	int ncpu, have_aff;
	gb_team *t;

	if (n < 1) {
		snprintf(err, errlen, "team size must be at least 1 (got %d)", n);
		return NULL;
	}
	/* compute (and cache) the effective set before member 0 is pinned */
	gb_effective_get();
	have_aff = sched_getaffinity(0, sizeof aff, &aff) == 0;
	if (!have_aff)
		CPU_ZERO(&aff);
	ncpu = have_aff ? team_cpus(cpus, &aff, list) : 0;
	if (have_aff && ncpu == 0 && cpus) {
		snprintf(err, errlen, "none of the requested CPUs is in this process's "
			 "affinity mask");
		return NULL;
	}

	t = calloc(1, sizeof *t);
	if (t)
		t->cpu = calloc((size_t)n, sizeof *t->cpu);
	if (t && n > 1)
		t->th = calloc((size_t)n, sizeof *t->th);
	if (!t || !t->cpu || (n > 1 && !t->th)) {
		snprintf(err, errlen, "out of memory for a team of %d", n);
		goto fail;
	}
	t->n = n;
	/* more members than CPUs: a spinning waiter steals the time slice of
	 * the member it waits for */
	t->spin = ncpu > 0 && n <= ncpu ? SPIN_ITERS : 0;
	for (int i = 0; i < n; i++)
		t->cpu[i] = ncpu > 0 ? list[i % ncpu] : -1;

	t->caller_affinity = aff;
	t->restore_affinity = have_aff;

	/* threads inherit the creator's mask: start them before pinning
	 * member 0, so one that cannot pin itself runs free, not on CPU 0 */
	t->pending = (unsigned)(n - 1);
	for (int i = 1; i < n; i++) {
		struct member *m = malloc(sizeof *m);
		int rc = ENOMEM;
		if (m) {
			m->t = t;
			m->id = i;
			rc = pthread_create(&t->th[i], NULL, member_main, m);
		}
		if (rc != 0) {
			free(m);
			snprintf(err, errlen, "cannot start team thread %d of %d: %s", i, n,
				 strerror(rc));
			/* the ones already running are stopped and joined */
			__atomic_sub_fetch(&t->pending, (unsigned)(n - i), __ATOMIC_SEQ_CST);
			wait_members(t);
			t->n = i;
			gb_team_destroy(t);
			return NULL;
		}
	}
	wait_members(t);
	t->cpu[0] = pin_self(t->cpu[0]);
	return t;
fail:
	if (t) {
		free(t->cpu);
		free(t->th);
		free(t);
	}
	return NULL;
}

void gb_team_run(gb_team *t, gb_team_fn fn, void *arg)
{
	if (t->n == 1) {
		fn(0, 1, arg);
		return;
	}
	t->fn = fn;
	t->arg = arg;
	start_members(t);
	fn(0, t->n, arg);
	wait_members(t);
}

void gb_team_barrier(gb_team *t)
{
	unsigned gen;

	if (t->n == 1)
		return;
	/* read the generation first: it cannot advance before we arrive */
	gen = load(&t->bar_gen);
	if (__atomic_add_fetch(&t->bar_count, 1, __ATOMIC_SEQ_CST) == (unsigned)t->n) {
		/* last one in: reset for the next barrier, then release */
		__atomic_store_n(&t->bar_count, 0, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&t->bar_gen, 1, __ATOMIC_SEQ_CST);
		wake(&t->bar_gen, &t->bar_sleepers);
		return;
	}
	wait_change(&t->bar_gen, gen, &t->bar_sleepers, t->spin);
}

int gb_team_size(const gb_team *t)
{
	return t->n;
}

int gb_team_cpu(const gb_team *t, int tid)
{
	if (tid < 0 || tid >= t->n)
		return -1;
	return t->cpu[tid];
}

void gb_team_destroy(gb_team *t)
{
	if (!t)
		return;
	if (t->n > 1) {
		__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
		start_members(t);
		for (int i = 1; i < t->n; i++)
			pthread_join(t->th[i], NULL);
	}
	/* member 0 was the caller: give it back its own mask */
	if (t->restore_affinity)
		pthread_setaffinity_np(pthread_self(), sizeof t->caller_affinity,
				       &t->caller_affinity);
	free(t->cpu);
	free(t->th);
	free(t);
}
