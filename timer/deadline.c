/* deadline.c - the arithmetic of absolute deadlines and lateness, kept
 * apart from the loops so that the unit tests can check it on any values
 * (a nanosecond carry, a wake-up three intervals late). */
#include <stdlib.h>
#include <string.h>

#include "timer.h"

void tm_ts_add(struct timespec *t, int64_t ns)
{
	int64_t sec = ns / TM_NS, nsec = t->tv_nsec + ns % TM_NS;
	/* tv_nsec of a normalised timespec is in [0, 1e9): one carry or
	 * borrow at most */
	if (nsec >= TM_NS) {
		nsec -= TM_NS;
		sec++;
	} else if (nsec < 0) {
		nsec += TM_NS;
		sec--;
	}
	t->tv_sec += (time_t)sec;
	t->tv_nsec = (long)nsec;
}

int64_t tm_late_ns(const struct timespec *now, const struct timespec *deadline)
{
	/* seconds and nanoseconds apart: no overflow for any clock value */
	return (int64_t)(now->tv_sec - deadline->tv_sec) * TM_NS + (now->tv_nsec - deadline->tv_nsec);
}

unsigned tm_next_deadline(struct timespec *deadline, const struct timespec *now, int64_t interval_ns)
{
	unsigned skipped = 0;
	tm_ts_add(deadline, interval_ns);
	while (tm_late_ns(now, deadline) > 0) {
		tm_ts_add(deadline, interval_ns);
		skipped++;
	}
	return skipped;
}

struct timespec tm_align_base(const struct timespec *now, int64_t offset_ns)
{
	struct timespec b = { .tv_sec = now->tv_sec + (now->tv_nsec >= 900000000 ? 2 : 1), .tv_nsec = 0 };
	tm_ts_add(&b, offset_ns);
	return b;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

size_t tm_block_medians(const uint32_t *v, size_t n, size_t block, double *out, uint32_t *scratch)
{
	size_t k = 0;
	if (!block)
		return 0;
	for (size_t i = 0; i < n; i += block) {
		size_t m = n - i < block ? n - i : block;
		memcpy(scratch, v + i, m * sizeof *v);
		qsort(scratch, m, sizeof *scratch, cmp_u32);
		/* the lower middle of an even block: a value that was seen */
		out[k++] = scratch[(m - 1) / 2] / 1e3;
	}
	return k;
}
