/* chain.c - the scalar workload: a chain of dependent 64-bit
 * multiply-adds, x = x * A + C (Knuth's MMIX generator), that touches no
 * memory.
 *
 * Each step needs the previous one's result, so the time per step is
 * the latency of a multiply and an add (4 cycles on current x86 cores)
 * and nothing else: no cache, no memory bandwidth, no branch the
 * predictor could miss, nothing the core can overlap.  What moves it is
 * the clock frequency, and time the CPU was not ours (steal,
 * preemption) - which is what it is for.
 *
 * The end of the chain has a closed form: n steps of x -> A x + C are one
 * affine map x -> A^n x + C (A^(n-1) + ... + 1), which cp_chain_expect
 * builds by squaring in O(log n).  Comparing the two validates every
 * run (and a compiler cannot replace the loop by the closed form: the
 * empty asm below makes each step opaque to it). */
#include "cpu.h"

#define A 6364136223846793005ull
#define C 1442695040888963407ull

uint64_t cp_chain_run(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		x = x * A + C;
		__asm__("" : "+r"(x));
	}
	return x;
}

uint64_t cp_chain_expect(uint64_t x, uint64_t n)
{
	/* (mul, add): the map of 2^k steps; (rm, ra): the steps taken */
	uint64_t mul = A, add = C, rm = 1, ra = 0;
	for (; n; n >>= 1) {
		if (n & 1) {	/* steps so far, then 2^k more */
			rm = rm * mul;
			ra = ra * mul + add;
		}
		/* twice the map: x -> mul (mul x + add) + add */
		add = add * mul + add;
		mul = mul * mul;
	}
	return rm * x + ra;
}
