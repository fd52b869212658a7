/* chase.c - the pointer chase of the latency curve (see chase.h). */
#include "chase.h"

#include <stdlib.h>

/* splitmix64: a fixed, fast, well-mixed generator; the permutation only
 * has to be unpredictable to the hardware, not to an adversary. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int ra_chase_build(void *buf, size_t n, uint64_t seed)
{
	char *base = buf;
	uint32_t *p;

	if (n < 1 || (uint64_t)n > UINT32_MAX)
		return -1;
	p = malloc(n * sizeof *p);
	if (!p)
		return -1;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint32_t)i;
	/* Sattolo: swap with j < i strictly, which makes i -> p[i] a single
	 * cycle through all n elements (plain Fisher-Yates, j <= i, would
	 * give a random permutation with many short cycles) */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(((unsigned __int128)mix(&seed) * i) >> 64);
		uint32_t tmp = p[i];
		p[i] = p[j];
		p[j] = tmp;
	}
	/* written in address order: first touch and the links in one pass */
	for (size_t i = 0; i < n; i++)
		*(void **)(base + i * RA_LINE) = base + (size_t)p[i] * RA_LINE;
	free(p);
	return 0;
}

size_t ra_chase_lap(void *buf, size_t n)
{
	char *base = buf, *end = base + n * RA_LINE, *q = base;

	for (size_t k = 1; k <= n; k++) {
		q = *(char **)q;
		if (q < base || q >= end || (size_t)(q - base) % RA_LINE)
			return 0;
		if (q == base)
			return k;
	}
	return 0;
}

void *ra_chase(void *p, uint64_t loads)
{
	void **q = p;

	for (uint64_t i = 0; i < loads; i += 16) {
		q = *q; q = *q; q = *q; q = *q;
		q = *q; q = *q; q = *q; q = *q;
		q = *q; q = *q; q = *q; q = *q;
		q = *q; q = *q; q = *q; q = *q;
	}
	return q;
}
