/* order.c - the order of the environments in each round.
 *
 * Host drift (frequency, neighbours, page cache) is slow next to one
 * round: whichever environment goes first in every round would carry it
 * alone.  The orders balance it:
 *   abba    rounds 1,4,5,8,9,... forward; 2,3,6,7,... reversed - the
 *           ABBA pattern: over every block of four rounds each
 *           environment's mean position is the same, and a linear drift
 *           cancels within each block (and within each pair of rounds,
 *           for two environments, in its mean)
 *   random  a fresh permutation per round and benchmark from a recorded
 *           seed (the same seed gives the same campaign order)
 *   fixed   forward every round (to reproduce an older campaign; drift
 *           is then not balanced) */
#include <string.h>

#include "rounds.h"

/* splitmix64 (Steele, Lea, Flood): a small generator whose output for
 * consecutive states is well mixed - enough to shuffle a few names. */
static unsigned long long next(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rd_order(const char *order, long long r, int n, unsigned long long *state, int *perm)
{
	for (int i = 0; i < n; i++)
		perm[i] = i;
	if (strcmp(order, "random") == 0) {
		for (int i = n - 1; i > 0; i--) {	/* Fisher-Yates */
			int j = (int)(next(state) % (unsigned long long)(i + 1));
			int t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
	} else if (strcmp(order, "abba") == 0 && ((r - 1) % 4 == 1 || (r - 1) % 4 == 2)) {
		for (int i = 0; i < n / 2; i++) {
			int t = perm[i];
			perm[i] = perm[n - 1 - i];
			perm[n - 1 - i] = t;
		}
	}
}
