/* kernel.h - the RandomAccess update loops and the verification count.
 *
 * Pure functions on a table of 2^n 64-bit words (mask = 2^n - 1), so the
 * unit test can compare the fast kernel with the reference one word by
 * word.  Update k of the official stream (rng.h) is T[a_k & mask] ^= a_k
 * (HPCC's code indexes by the low bits; the spec's wording says high bits,
 * the reference implementation is what results are compared with). */
#ifndef RA_KERNEL_H
#define RA_KERNEL_H

#include <stdint.h>

/* HPCC rules, "Alternative Implementations": look-ahead and storage
 * before processing are limited to 1024 updates per process (thread). */
#define RA_LOOKAHEAD_MAX 1024

/* T[i] = i for i in [lo, hi): the untimed initial state. */
void ra_table_init(uint64_t *t, uint64_t lo, uint64_t hi);

/* Reference: updates first+1 .. first+count, one after the other, from a
 * single generator.  This is the verification's "alternative method that
 * is safe", so it shares nothing with the fast kernel but ra_starts. */
void ra_update_ref(uint64_t *t, uint64_t mask, uint64_t first, uint64_t count);

/*
 * Fast: the same updates, split into 'streams' (<= RA_LOOKAHEAD_MAX)
 * consecutive pieces of the sequence that advance in lock-step.  Each
 * stream holds the one value generated but not yet applied, whose table
 * word is prefetched a full round (streams updates) before it is used:
 * at most 'streams' updates are ever pending, within the rule.
 */
void ra_update_fast(uint64_t *t, uint64_t mask, uint64_t first, uint64_t count,
		    unsigned streams);

/* Words with T[i] != i in [lo, hi): HPCC's error count. */
uint64_t ra_count_errors(const uint64_t *t, uint64_t lo, uint64_t hi);

#endif
