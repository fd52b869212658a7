/* chase.h - a dependent-load chain through a random cyclic permutation.
 *
 * Every element is one 64-byte cache line whose first word points to the
 * next element: each load's address comes from the previous load, so the
 * time per load is the full latency of wherever the line lives (L1, L2,
 * LLC, DRAM) plus, when the TLB misses, the page walk - in a VM the
 * two-dimensional guest-and-host walk.  The order is one random cycle
 * (Sattolo's algorithm), so no prefetcher can guess the next line and the
 * chase visits every element exactly once per lap. */
#ifndef RA_CHASE_H
#define RA_CHASE_H

#include <stddef.h>
#include <stdint.h>

#define RA_LINE 64

/* Link the n lines at buf into one random cycle.  Needs n * 4 bytes of
 * scratch (malloc'd and freed here); -1 when that fails or n >= 2^32. */
int ra_chase_build(void *buf, size_t n, uint64_t seed);

/* Follow the chain from line 0 until it comes back: returns the number of
 * loads of the lap, or 0 when a pointer leaves the buffer or the chain
 * does not return within n loads.  The chase is valid when this is n
 * (returning first after exactly n loads means n distinct lines). */
size_t ra_chase_lap(void *buf, size_t n);

/* 'loads' (a multiple of 16) dependent loads from p; returns where it
 * stopped, to continue from there and so the compiler keeps the loads. */
void *ra_chase(void *p, uint64_t loads);

#endif
