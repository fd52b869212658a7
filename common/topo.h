/* topo.h - the machine's shape (hwloc, CPUID fallback) and the share of it
 * this process may actually use (affinity, cgroup cpuset, quota, memory). */
#ifndef GB_TOPO_H
#define GB_TOPO_H

#include <stdint.h>
#include <sched.h>

typedef struct gb_topo {
	const char *source;	/* "hwloc", "cpuid" or "none" */
	/* hwloc's own source: "Linux" (sysfs: NUMA nodes, caches, cores as the
	 * kernel sees them) or "x86" (no /sys: CPUID only, NUMA nodes unknown
	 * and counted as 1); "" when hwloc found nothing */
	char backend[16];
	int packages, cores, pus;	/* 0 = unknown */
	int numa_nodes;		/* >= 1 */
	uint64_t l1d, l2, l3;	/* bytes of one instance of each cache, 0 = unknown */
	int llc_level;		/* 2 or 3, 0 unknown */
	uint64_t llc_total;	/* sum over distinct last-level cache instances */
	int llc_instances;
} gb_topo;

/* Loaded once (hwloc when it can load a topology, else CPUID leaf 4),
 * cached; never NULL.  No library messages reach stderr.  When hwloc
 * finds CPUs but no caches, the counts are hwloc's, the cache sizes
 * CPUID's, and source says "cpuid".  Call it before starting threads:
 * hwloc is steered through the environment while it loads. */
const gb_topo *gb_topo_get(void);

/* The two sources, uncached, exposed for unit tests: each fills *t and
 * returns 0, or -1 when it found no caches (hwloc: or no topology). */
int gb_topo_from_hwloc(gb_topo *t);
int gb_topo_from_cpuid(gb_topo *t);

typedef struct gb_effective {
	cpu_set_t cpus;		/* affinity mask ∩ cgroup cpuset */
	int ncpus_set;		/* CPUs in that set */
	double quota;		/* cgroup CPU quota in CPUs, 0 = none */
	int ncpus;		/* what benchmarks use: ncpus_set capped by ceil(quota), >= 1 */
	uint64_t mem_available;	/* MemAvailable (or sysinfo), 0 unknown */
	uint64_t mem_cgroup_free;	/* cgroup limit - usage, 0 = no limit */
	uint64_t mem;		/* min of the known ones; what benchmarks size by */
	const char *mem_source;	/* "meminfo", "cgroup", "sysinfo" */
} gb_effective;

/* Computed once from the real system and cached. */
const gb_effective *gb_effective_get(void);

/* The CPUs benchmarks may pin to, in order: the effective set. */
int gb_effective_cpu(int index);	/* index-th CPU of the set (wraps) */

#endif
