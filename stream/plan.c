/* plan.c - how big the arrays are and where the threads run, decided
 * before anything is allocated. */
#include <numa.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "format.h"
#include "mem.h"
#include "plan.h"
#include "topo.h"
#include "util.h"

#define MiB (1ull << 20)

/* --quick: small arrays (a few seconds per run including the first
 * touch); not a valid STREAM result and said so */
#define QUICK_BYTES (16 * MiB)

/* LLC to assume when neither hwloc nor CPUID can tell */
#define LLC_GUESS (32 * MiB)

/* three arrays of 'per' bytes as the page size rounds them */
static uint64_t footprint(uint64_t per, gb_pages pages)
{
	uint64_t page = pages == GB_PAGES_1G ? 1ull << 30 : pages == GB_PAGES_4K ? 4096 : 2 * MiB;

	return 3 * ((per + page - 1) / page * page);
}

int st_plan_size(st_plan *p, uint64_t asked, int quick, gb_pages pages, gb_strlist *warn,
		 char *err, size_t errlen)
{
	const gb_topo *topo = gb_topo_get();
	const gb_effective *eff = gb_effective_get();
	char h1[32], h2[32], h3[32];
	uint64_t per;

	p->llc = topo->llc_total;
	if (!p->llc) {
		p->llc = LLC_GUESS;
		gb_strlist_addf(warn, "last-level cache size unknown: sized for %llu MiB",
				(unsigned long long)(LLC_GUESS / MiB));
	}
	p->mem = eff->mem;

	if (asked) {
		per = asked / sizeof(double) * sizeof(double);
		/* refused here, before a byte is mapped: the caller exits 3 */
		if (p->mem && footprint(per, pages) > p->mem / 10 * 9) {
			gb_fmt_bytes(h1, sizeof h1, per);
			gb_fmt_bytes(h2, sizeof h2, footprint(per, pages));
			gb_fmt_bytes(h3, sizeof h3, p->mem);
			snprintf(err, errlen, "--size %s: the three arrays need %s and this environment "
				 "allows %s (effective memory, from %s; at most 90%% of it is used)",
				 h1, h2, h3, eff->mem_source ? eff->mem_source : "?");
			return GB_EXIT_ENV;
		}
	} else {
		/*
		 * STREAM's rule: each array at least 4 times the sum of all
		 * last-level caches, so that no kernel is served from cache.
		 * Its other rule, a kernel must last 20 clock ticks, needs
		 * far fewer bytes with a nanosecond clock; it is checked on
		 * the measured times (stream.c warns when it does not hold).
		 */
		per = 4 * p->llc;
		uint64_t ticks = (uint64_t)(20 * gb_clock_info()->tick_ns * 1e-9 * ST_PLAN_FAST_BPS);
		if (per < ticks)
			per = ticks;
		per = (per + 2 * MiB - 1) / (2 * MiB) * (2 * MiB);
		/* a default run must never be OOM-killed: half the effective
		 * memory for the three arrays, at most */
		if (p->mem && footprint(per, pages) > p->mem / 2) {
			uint64_t cap = p->mem / 2 / 3 / (2 * MiB) * (2 * MiB);
			if (cap < 2 * MiB)
				cap = p->mem / 2 / 3 / 4096 * 4096;
			if (cap < 4096) {
				gb_fmt_bytes(h3, sizeof h3, p->mem);
				snprintf(err, errlen, "only %s of memory is available here: too little for "
					 "three arrays", h3);
				return GB_EXIT_ENV;
			}
			gb_fmt_bytes(h1, sizeof h1, cap);
			gb_fmt_bytes(h3, sizeof h3, p->mem);
			gb_strlist_addf(warn, "arrays cut to %s each to fit in %s of effective memory",
					h1, h3);
			per = cap;
		}
		if (quick && per > QUICK_BYTES)
			per = QUICK_BYTES;
	}
	p->elements = per / sizeof(double);
	p->bytes = p->elements * sizeof(double);
	if (p->bytes < 4 * p->llc) {
		gb_fmt_bytes(h1, sizeof h1, p->bytes);
		gb_fmt_bytes(h2, sizeof h2, p->llc);
		gb_strlist_addf(warn, "arrays of %s are below 4 x the last-level cache (%s): part of "
				"the traffic is served by the cache; not a valid STREAM result%s",
				h1, h2, quick && !asked ? " (--quick)" : "");
	}
	return 0;
}

/* --------------------------------------------------------- placement -- */

/* The CPUs of 'in' on NUMA node 'node'. */
static int cpus_of_node(const cpu_set_t *in, int node, cpu_set_t *out)
{
	CPU_ZERO(out);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, in) && numa_node_of_cpu(c) == node)
			CPU_SET(c, out);
	return CPU_COUNT(out);
}

int st_plan_cpus(const gb_numa *nm, const cpu_set_t *base, int cpus_given, cpu_set_t *out,
		 char *err, size_t errlen)
{
	*out = *base;
	/* on one node (or without NUMA calls) every placement is the same */
	if (gb_numa_nodes() < 2 || !gb_numa_available(NULL, 0))
		return 0;

	if (nm->mode == GB_NUMA_LOCAL && !cpus_given) {
		/* Felter et al.'s first configuration: all threads and their
		 * memory on one node, the node of the first CPU we may use */
		int first = -1;
		for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
			if (CPU_ISSET(c, base))
				first = c;
		int node = numa_node_of_cpu(first);
		if (node >= 0)
			cpus_of_node(base, node, out);
		return 0;
	}
	if (nm->mode == GB_NUMA_CROSS) {
		/* gb_mem binds the memory to a node other than that of the
		 * first effective CPU: keep every thread on that CPU's node */
		int cpu = gb_effective_cpu(0);
		int home = numa_node_of_cpu(cpu);
		if (home >= 0 && cpus_of_node(base, home, out) == 0) {
			snprintf(err, errlen, "--numa cross: none of the CPUs to use is on node %d "
				 "(the node of CPU %d, whose memory is avoided)", home, cpu);
			return GB_EXIT_ENV;
		}
	}
	return 0;
}
