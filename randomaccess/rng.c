/* rng.c - jump-ahead in the HPCC random stream (see rng.h). */
#include "rng.h"

/*
 * Multiplying by x is one ra_step, so a * b = sum over the set bits i of
 * b of a * x^i: walk a through its multiples by x while scanning b.
 * 64 steps; only used to position streams, never in a timed loop.
 */
uint64_t ra_mulmod(uint64_t a, uint64_t b)
{
	uint64_t r = 0;

	while (b) {
		if (b & 1)
			r ^= a;
		b >>= 1;
		a = ra_step(a);
	}
	return r;
}

uint64_t ra_starts(uint64_t n)
{
	uint64_t r = 1, base = 2;	/* x^0, x^1 */

	n %= RA_PERIOD;
	while (n) {
		if (n & 1)
			r = ra_mulmod(r, base);
		base = ra_mulmod(base, base);
		n >>= 1;
	}
	return r;
}
