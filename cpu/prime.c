/* prime.c - one event of sysbench's CPU test (sysbench 1.0.20,
 * src/tests/cpu/sb_cpu.c, cpu_execute_event), the work Li et al. timed.
 *
 * sysbench counts, for every c from 3 below max_prime, whether trial
 * division by l = 2, 3, ... while l <= sqrt(c) finds no divisor; the
 * count is the number of primes in [3, max_prime) (2261 at 20000).  The
 * divisions done are exactly sysbench's: for each c the same divisors l,
 * in the same order, stopping at the same first divisor.  Two things
 * differ, both outside what an event *is*:
 *
 *  - sysbench compares l <= t with t = sqrt((double)c), converting l to a
 *    double on every iteration.  l <= t holds exactly when l <= floor(t),
 *    and floor(sqrt(c)) is the integer square root of c (for c < 2^52 a
 *    correctly rounded sqrt never reaches the next integer), which we
 *    keep up to date as c grows: one multiply per c instead of a
 *    conversion and a compare per division.
 *  - sysbench divides in 64 bits (unsigned long long); every c here is
 *    below 2^32 (max_prime is an unsigned int in sysbench too), so 32-bit
 *    division gives the same quotients and remainders.  A 32-bit DIV is
 *    never slower than a 64-bit one and on Intel before Ice Lake it is
 *    markedly faster (26 against 35-88 cycles on Skylake), so events/s
 *    here is >= sysbench's on the same CPU: the speed target is "no slower than sysbench", and the event
 *    counts stay comparable because the event is the same set of
 *    divisions.  (On AMD Zen and recent Intel the two widths cost the same.)
 *
 * Checked against the machine code of Debian's sysbench 1.0.20 (objdump
 * of /usr/bin/sysbench): GCC turns the first trial, c % 2, into a bit
 * test there as it does here, and divides by l = 3, 4, ... with a 64-bit
 * DIV after converting l to a double and comparing it with sqrt(c).  In
 * 1.0.20 the count itself is computed into a variable nobody reads (later
 * sysbench stores it to a thread-local for that reason), so that binary
 * never adds it up; the divisions are all still done.
 *
 * This file holds nothing else, so the compiler cannot see the caller
 * and fold repeated events into one. */
#include "cpu.h"

uint32_t cp_prime_event(uint32_t max_prime)
{
	uint32_t n = 0, root = 1;	/* root = floor(sqrt(c)), c >= 3 */
	for (uint32_t c = 3; c < max_prime; c++) {
		/* (root+1)^2 <= c: at most one step per c; 64 bits, since
		 * (root+1)^2 may pass 2^32 near the top of the range */
		if ((uint64_t)(root + 1) * (root + 1) <= c)
			root++;
		uint32_t l;
		for (l = 2; l <= root; l++)
			if (c % l == 0)
				break;
		n += l > root;
	}
	return n;
}
