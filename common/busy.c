/* busy.c - a pinned SCHED_IDLE spinner that keeps one CPU out of idle
 * (busy.h says why).  The spinner only reads its own flag, so it takes no
 * lock and touches no line the measured threads use. */
#include "busy.h"
#include "team.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

struct gb_busy {
	pthread_t th;
	int cpu;
	_Atomic int stop;
	_Atomic int ready;	/* set once it spins: the method is known */
	const char *method;
};

static void *spin(void *arg)
{
	gb_busy *b = arg;
	struct sched_param sp = { .sched_priority = 0 };
	/* SCHED_IDLE: any other thread woken on this CPU preempts us at once */
	if (sched_setscheduler(0, SCHED_IDLE, &sp) == 0) {
		b->method = "sched_idle";
	} else {
		/* the next best: the weakest SCHED_OTHER weight (per thread:
		 * Linux applies setpriority to a thread id) */
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
		b->method = "nice19";
	}
	b->ready = 1;
	/* no PAUSE in this loop, on purpose: a hypervisor with pause-loop
	 * exiting (KVM's PLE) takes a run of PAUSEs for a spinning lock
	 * holder's victim and yields the vCPU, which is then not running:
	 * the opposite of what the spinner is for */
	while (!b->stop)
		;
	return NULL;
}

gb_busy *gb_busy_start(int cpu, char *err, unsigned errlen)
{
	gb_busy *b = gb_xcalloc(1, sizeof *b);
	b->cpu = cpu;
	/* created already pinned: never a spinner on the wrong CPU; a
	 * small stack: it calls nothing deep */
	int e = gb_thread_on(&b->th, cpu, 64 * 1024, spin, b);
	if (e) {
		snprintf(err, errlen, "cannot start a spinner on CPU %d: %s", cpu, strerror(e));
		free(b);
		return NULL;
	}
	while (!b->ready)	/* the method is known once it spins */
		sched_yield();
	return b;
}

const char *gb_busy_method(const gb_busy *b)
{
	return b ? b->method : "none";
}

void gb_busy_stop(gb_busy *b)
{
	if (!b)
		return;
	b->stop = 1;
	pthread_join(b->th, NULL);
	free(b);
}
