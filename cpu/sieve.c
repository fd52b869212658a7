/* sieve.c - the count every prime event must return, computed once at
 * the start by another method than the event's: a sieve of Eratosthenes
 * over the odd numbers (one bit each), counting the primes in
 * [3, max_prime).  A miscounting event (a faulty core, a broken
 * emulator, a compiler that changed the loop) then shows up as a
 * mismatch instead of a fast, wrong figure. */
#include "cpu.h"

#include <stdlib.h>

long long cp_primes_expected(uint32_t max_prime)
{
	if (max_prime <= 3)
		return 0;
	/* bit i stands for the odd number 2i+1; i = 0 (the number 1) is
	 * never counted; only odd numbers below max_prime matter */
	uint64_t nodd = ((uint64_t)max_prime) / 2;	/* odd numbers below max_prime: 1, 3, ... */
	uint8_t *composite = calloc(nodd / 8 + 1, 1);
	if (!composite)
		return -1;
	for (uint64_t p = 3; p * p < max_prime; p += 2) {
		if (composite[p / 2 / 8] & (1u << (p / 2 % 8)))
			continue;
		/* odd multiples from p*p: even ones are not in the table */
		for (uint64_t m = p * p; m < max_prime; m += 2 * p)
			composite[m / 2 / 8] |= (uint8_t)(1u << (m / 2 % 8));
	}
	long long n = 0;
	for (uint64_t i = 1; i < nodd; i++)	/* 2i+1 = 3, 5, ... < max_prime */
		n += !(composite[i / 8] & (1u << (i % 8)));
	free(composite);
	return n;
}
