/* mono.c - is CLOCK_MONOTONIC one clock across CPUs?  Two threads pinned
 * to two CPUs take turns: one reads the clock and publishes the value, the
 * other, once it has seen it, reads its own clock.  Its read happens after
 * the first in real time, so a smaller value is time going backwards
 * between the two CPUs (TSCs out of step, a clocksource the kernel should
 * have marked unstable).  Each backward step is counted and the largest
 * kept; the exchange runs both ways, so an offset of either sign shows.
 *
 * A backward step makes every cross-CPU interval wrong by that much,
 * gb-timer's own cross-CPU wake-ups first, and breaks any program that
 * assumes monotonic time across threads. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "team.h"
#include "timer.h"

void tm_mono_count(const tm_pair *p, size_t n, tm_mono *out)
{
	for (size_t i = 0; i < n; i++) {
		out->pairs++;
		if (p[i].seen < p[i].sent) {
			out->backwards++;
			if (p[i].sent - p[i].seen > out->max_back_ns)
				out->max_back_ns = p[i].sent - p[i].seen;
		}
	}
}

struct exchange {
	_Atomic int64_t slot;	/* the timestamp on its way */
	_Atomic uint64_t turn;	/* odd: B's turn to look, even: A's */
	_Atomic int stop;
	uint64_t rounds;
	tm_mono b_seen;		/* what B counted (A's sends) */
	int cpu_b;
};

/* Wait for 'turn' to reach 'want'; 0, or -1 when asked to stop. */
static int await(struct exchange *x, uint64_t want)
{
	while (x->turn != want)
		if (x->stop)
			return -1;
	return 0;
}

/* One step of one side: see the other's value, answer with ours. */
static void look_and_send(struct exchange *x, tm_mono *m)
{
	tm_pair p;
	p.sent = x->slot;
	p.seen = (int64_t)gb_now_ns();
	tm_mono_count(&p, 1, m);
	x->slot = (int64_t)gb_now_ns();
	x->turn++;
}

static void *side_b(void *arg)
{
	struct exchange *x = arg;
	for (uint64_t k = 0; k < x->rounds; k++) {
		if (await(x, 2 * k + 1))
			break;
		look_and_send(x, &x->b_seen);
	}
	return NULL;
}

int tm_mono_run(int cpu_a, int cpu_b, uint64_t rounds, uint64_t limit_ns, tm_mono *out, char *why, size_t len)
{
	struct exchange x;
	memset(&x, 0, sizeof x);
	memset(out, 0, sizeof *out);
	x.rounds = rounds;
	x.cpu_b = cpu_b;
	cpu_set_t saved;
	int e = gb_pin_self_save(cpu_a, &saved);
	if (e) {
		snprintf(why, len, "cannot pin to CPU %d: %s", cpu_a, strerror(e));
		return e;
	}
	pthread_t th;
	e = gb_thread_on(&th, cpu_b, 256 * 1024, side_b, &x);
	if (e) {
		gb_pin_restore(&saved);
		snprintf(why, len, "cannot start a thread on CPU %d: %s", cpu_b, strerror(e));
		return e;
	}
	/* A opens each round.  The exchange needs both threads running at
	 * once: on CPUs shared with other work each turn may wait for a time
	 * slice, so the exchange also stops at limit_ns (the count says how
	 * many were made), and a spin past 1 s means B does not run at all */
	uint64_t start = gb_now_ns();
	x.slot = (int64_t)start;
	x.turn = 1;
	for (uint64_t k = 1; k < rounds; k++) {
		uint64_t t0 = gb_now_ns();
		if (t0 - start > limit_ns)
			break;
		while (x.turn != 2 * k)
			if (gb_now_ns() - t0 > 1000000000ull)
				goto done;
		look_and_send(&x, out);
	}
done:
	x.stop = 1;
	pthread_join(th, NULL);
	gb_pin_restore(&saved);
	out->pairs += x.b_seen.pairs;
	out->backwards += x.b_seen.backwards;
	if (x.b_seen.max_back_ns > out->max_back_ns)
		out->max_back_ns = x.b_seen.max_back_ns;
	return 0;
}
