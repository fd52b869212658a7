/* rng.h - the HPCC RandomAccess random stream.
 *
 * HPCC defines the update stream {a_k} as a 64-bit shift register over
 * GF(2): a_0 = 1 and a_{k+1} = a_k * x mod (x^64 + x^2 + x + 1), i.e. shift
 * left by one and, when bit 63 fell out, XOR the low terms POLY = 7
 * (RandomAccess/RandomAccess.h, core_single_cpu.c).  The spec calls the
 * polynomial "x^63 + ..." loosely; the shift register above is the
 * definition every implementation must reproduce.  Update k (k = 1 .. N_U)
 * uses a_k: HPCC's reference loop steps first, then updates. */
#ifndef RA_RNG_H
#define RA_RNG_H

#include <stdint.h>

#define RA_POLY		0x7ull
/* The period HPCC uses to reduce jump-ahead distances: (2^63 - 1) / 7. */
#define RA_PERIOD	1317624576693539401ull

/* a_{k+1} from a_k: branch-free (the sign bit selects POLY). */
static inline uint64_t ra_step(uint64_t a)
{
	return (a << 1) ^ ((uint64_t)((int64_t)a >> 63) & RA_POLY);
}

/* a_n = x^n mod P, by square-and-multiply over GF(2)[x] (HPCC_starts):
 * every thread and every look-ahead stream starts at its own place in
 * the one official sequence.  n is taken modulo RA_PERIOD. */
uint64_t ra_starts(uint64_t n);

/* a * b mod P (carry-less), exposed for tests. */
uint64_t ra_mulmod(uint64_t a, uint64_t b);

#endif
