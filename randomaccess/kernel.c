/* kernel.c - RandomAccess update loops (see kernel.h). */
#include "kernel.h"
#include "rng.h"

void ra_table_init(uint64_t *t, uint64_t lo, uint64_t hi)
{
	for (uint64_t i = lo; i < hi; i++)
		t[i] = i;
}

void ra_update_ref(uint64_t *t, uint64_t mask, uint64_t first, uint64_t count)
{
	uint64_t a = ra_starts(first);

	for (uint64_t k = 0; k < count; k++) {
		a = ra_step(a);		/* step first, then update: a_{first+1} first */
		t[a & mask] ^= a;
	}
}

/*
 * The stream starting points are spaced 'len' apart, so each one is the
 * previous times x^len: one jump-ahead, then one multiply per stream.
 * HPCC also positions its streams inside the timed region.
 */
void ra_update_fast(uint64_t *t, uint64_t mask, uint64_t first, uint64_t count, unsigned streams)
{
	uint64_t v[RA_LOOKAHEAD_MAX];
	uint64_t len, jump, a;

	if (streams < 1)
		streams = 1;
	if (streams > RA_LOOKAHEAD_MAX)
		streams = RA_LOOKAHEAD_MAX;
	len = count / streams;
	if (len == 0) {
		ra_update_ref(t, mask, first, count);
		return;
	}
	jump = ra_starts(len);
	a = ra_starts(first);
	for (unsigned s = 0; s < streams; s++) {
		v[s] = ra_step(a);	/* stream s applies a_{first + s*len + 1} first */
		__builtin_prefetch(&t[v[s] & mask], 0, 3);
		a = ra_mulmod(a, jump);
	}
	for (uint64_t r = 0; r < len; r++) {
		for (unsigned s = 0; s < streams; s++) {
			uint64_t x = v[s];

			t[x & mask] ^= x;
			x = ra_step(x);
			v[s] = x;
			/* PREFETCHT0, used one round later.  PREFETCHW (write
			 * intent) measured no better and is not baseline x86-64. */
			__builtin_prefetch(&t[x & mask], 0, 3);
		}
	}
	/* the count % streams updates left over, in order, at the end */
	ra_update_ref(t, mask, first + (uint64_t)streams * len, count - (uint64_t)streams * len);
}

uint64_t ra_count_errors(const uint64_t *t, uint64_t lo, uint64_t hi)
{
	uint64_t e = 0;

	for (uint64_t i = lo; i < hi; i++)
		e += t[i] != i;
	return e;
}
