/* test_topo.c - topology through hwloc (udev stub linked), the CPUID
 * fallback agreeing with it, and the effective CPU/memory share. */
#include "tap.h"
#include "topo.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_hwloc(void)
{
	setenv("HWLOC_HIDE_ERRORS", "0", 1);	/* must be put back after load */
	double t0 = now_ms();
	const gb_topo *t = gb_topo_get();
	double ms = now_ms() - t0;
	printf("# source %s: %d packages, %d cores, %d PUs, %d NUMA nodes, L1d %llu L2 %llu "
	       "L3 %llu, LLC L%d x%d = %llu; load %.2f ms\n", t->source, t->packages, t->cores,
	       t->pus, t->numa_nodes, (unsigned long long)t->l1d, (unsigned long long)t->l2,
	       (unsigned long long)t->l3, t->llc_level, t->llc_instances,
	       (unsigned long long)t->llc_total, ms);

	is_str(t->source, "hwloc", "topology source is hwloc (through the udev stub)");
	ok(t == gb_topo_get(), "gb_topo_get is cached");
	ok(t->l1d > 0 && t->l2 > t->l1d && t->l3 > t->l2, "cache sizes l3 > l2 > l1d > 0");
	ok(t->l1d >= 8192 && t->l1d <= (1 << 20), "L1d is between 8 KiB and 1 MiB");
	ok(t->pus >= t->cores && t->cores >= 1, "pus >= cores >= 1");
	ok(t->packages >= 1 && t->packages <= t->cores, "1 <= packages <= cores");
	ok(t->numa_nodes >= 1, "at least one NUMA node");
	is_int(t->llc_level, 3, "LLC is the L3");
	ok(t->llc_total >= t->l3 && t->llc_instances >= 1, "llc_total >= l3, instances >= 1");
	ok(t->llc_total == t->l3 * (uint64_t)t->llc_instances, "llc_total = l3 x instances here");
	ok(t->pus == sysconf(_SC_NPROCESSORS_CONF), "PUs == configured CPUs (disallowed included)");
	ok(ms < 100, "topology loads in under 100 ms (%.2f ms)", ms);

	const char *e = getenv("HWLOC_HIDE_ERRORS");
	is_str(e, "0", "HWLOC_HIDE_ERRORS restored after load");
	ok(getenv("HWLOC_PLUGINS_PATH") == NULL, "HWLOC_PLUGINS_PATH unset again after load");
}

static void test_cpuid(void)
{
	const gb_topo *h = gb_topo_get();
	gb_topo c;
	double t0 = now_ms();
	int rc = gb_topo_from_cpuid(&c);
	double ms = now_ms() - t0;

	printf("# cpuid: L1d %llu L2 %llu L3 %llu, LLC L%d x%d, cores %d, packages %d, %.3f ms\n",
	       (unsigned long long)c.l1d, (unsigned long long)c.l2, (unsigned long long)c.l3,
	       c.llc_level, c.llc_instances, c.cores, c.packages, ms);
	is_int(rc, 0, "CPUID fallback finds caches");
	is_str(c.source, "cpuid", "CPUID fallback names its source");
	is_int((long long)c.l1d, (long long)h->l1d, "CPUID L1d == hwloc L1d");
	is_int((long long)c.l2, (long long)h->l2, "CPUID L2 == hwloc L2");
	is_int((long long)c.l3, (long long)h->l3, "CPUID L3 == hwloc L3");
	is_int(c.llc_level, h->llc_level, "CPUID LLC level == hwloc's");
	is_int(c.pus, h->pus, "CPUID path counts the same CPUs");
	ok(c.llc_total >= c.l3, "CPUID llc_total >= l3");
}

static void test_hwloc_direct(void)
{
	gb_topo t;
	int rc = gb_topo_from_hwloc(&t);

	is_int(rc, 0, "a second, uncached hwloc load works");
	is_int(t.pus, gb_topo_get()->pus, "and agrees on the PU count");
}

static void test_effective(void)
{
	const gb_effective *e = gb_effective_get();
	cpu_set_t aff, outside;

	if (sched_getaffinity(0, sizeof aff, &aff) != 0)
		CPU_ZERO(&aff);
	CPU_XOR(&outside, &e->cpus, &aff);
	CPU_AND(&outside, &outside, &e->cpus);
	printf("# effective: %d CPUs in set, quota %.2f, ncpus %d, mem %llu MiB (%s), "
	       "available %llu MiB, cgroup free %llu MiB\n", e->ncpus_set, e->quota, e->ncpus,
	       (unsigned long long)(e->mem >> 20), e->mem_source,
	       (unsigned long long)(e->mem_available >> 20),
	       (unsigned long long)(e->mem_cgroup_free >> 20));

	ok(CPU_COUNT(&outside) == 0, "effective set is within the affinity mask");
	is_int(e->ncpus_set, CPU_COUNT(&e->cpus), "ncpus_set counts the set");
	is_int(e->ncpus, CPU_COUNT(&aff), "effective ncpus == affinity CPUs here (no quota)");
	ok(e->ncpus >= 1, "effective ncpus >= 1");
	ok(e->mem > 0, "effective memory > 0");
	ok(e->mem <= gb_meminfo(NULL, "MemTotal"), "effective memory <= MemTotal");
	ok(e->mem == e->mem_available || e->mem == e->mem_cgroup_free,
	   "effective memory is one of the known figures");
	ok(!e->mem_cgroup_free || e->mem <= e->mem_cgroup_free, "never above the cgroup's free");
	ok(!strcmp(e->mem_source, "meminfo") || !strcmp(e->mem_source, "cgroup"),
	   "memory source is meminfo or cgroup (%s)", e->mem_source);

	int all_in = 1, first = gb_effective_cpu(0);
	for (int i = 0; i < 3 * e->ncpus_set; i++)
		if (!CPU_ISSET(gb_effective_cpu(i), &e->cpus))
			all_in = 0;
	ok(all_in, "gb_effective_cpu(i) always names a CPU of the set");
	is_int(gb_effective_cpu(e->ncpus_set), first, "gb_effective_cpu wraps");
	is_int(gb_effective_cpu(-1), gb_effective_cpu(e->ncpus_set - 1), "negative index wraps");
	if (e->ncpus_set > 1)
		ok(gb_effective_cpu(1) > first, "CPUs come in ascending order");
}

int main(void)
{
	test_hwloc();
	test_cpuid();
	test_hwloc_direct();
	test_effective();
	return tap_done();
}
