/* ivals.h - cutting a client's measurement into intervals.
 *
 * Warm-up first (nothing recorded), then intervals of about interval_ns,
 * each closed by the first event at or after its end, so a sample's time
 * is what actually elapsed, never a nominal figure. */
#ifndef NL_IVALS_H
#define NL_IVALS_H

#include <stdint.h>

#include "netlat.h"

typedef struct nl_ivals {
	uint64_t warm_end;	/* recording starts here */
	uint64_t start, next;	/* current interval: [start, next) nominal */
	uint64_t interval;
	int n, max;
} nl_ivals;

static inline void nl_ivals_begin(nl_ivals *v, const nl_params *p, uint64_t now)
{
	v->warm_end = now + p->warmup_ns;
	v->start = v->warm_end;
	v->next = v->warm_end + p->interval_ns;
	v->interval = p->interval_ns;
	v->n = 0;
	v->max = p->nintervals;
}

static inline int nl_ivals_warm(const nl_ivals *v, uint64_t now) { return now >= v->warm_end; }

/* Does 'now' close the current interval?  Then the caller records the
 * sample over [start, now) and calls nl_ivals_next. */
static inline int nl_ivals_due(const nl_ivals *v, uint64_t now) { return now >= v->next; }

/* Move on; returns 1 when every interval is measured. */
static inline int nl_ivals_next(nl_ivals *v, uint64_t now)
{
	v->start = now;
	v->next = now + v->interval;
	return ++v->n >= v->max;
}

#endif
