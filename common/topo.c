/* topo.c - machine topology (hwloc, else CPUID) and the effective share of
 * it: affinity mask ∩ cgroup cpuset, capped by the CPU quota, and the
 * memory this process can use without being OOM-killed. */
#include "topo.h"
#include "cgroup.h"
#include "cpuid.h"
#include "util.h"

#include <hwloc.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* ------------------------------------------------------------ hwloc -- */

/*
 * Environment hwloc reads during init.  Debian's libhwloc.a is built with
 * plugin support: left alone it dlopen()s /usr/lib/.../hwloc/hwloc_*.so,
 * which drag the shared libc into this static binary (measured: 12 ms and
 * 350 extra system calls, and undefined behaviour).  A plugin path that
 * does not exist makes it load nothing.  HWLOC_HIDE_ERRORS=2 silences
 * every message (e.g. "failed to find sysfs cpu topology directory" when
 * /sys is missing).  The old values are put back after loading.
 */
static const char *const hwloc_env[][2] = {
	{ "HWLOC_PLUGINS_PATH", "/nonexistent/guestbench-no-hwloc-plugins" },
	{ "HWLOC_HIDE_ERRORS", "2" },
};
#define NHWLOC_ENV (sizeof hwloc_env / sizeof hwloc_env[0])

static void hwloc_env_set(char *saved[NHWLOC_ENV])
{
	for (unsigned i = 0; i < NHWLOC_ENV; i++) {
		const char *old = getenv(hwloc_env[i][0]);
		saved[i] = old ? gb_xstrdup(old) : NULL;
		setenv(hwloc_env[i][0], hwloc_env[i][1], 1);
	}
}

static void hwloc_env_restore(char *saved[NHWLOC_ENV])
{
	for (unsigned i = 0; i < NHWLOC_ENV; i++) {
		if (saved[i])
			setenv(hwloc_env[i][0], saved[i], 1);
		else
			unsetenv(hwloc_env[i][0]);
		free(saved[i]);
	}
}

/* Sum the sizes of every object of a cache type; *size gets one instance. */
static int hwloc_cache(hwloc_topology_t h, hwloc_obj_type_t type, uint64_t *size,
		       uint64_t *total)
{
	int n = hwloc_get_nbobjs_by_type(h, type), found = 0;

	*size = 0;
	*total = 0;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(h, type, (unsigned)i);
		if (!o || !o->attr || o->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION)
			continue;
		if (!*size)
			*size = o->attr->cache.size;
		*total += o->attr->cache.size;
		found++;
	}
	return found;
}

static int count_type(hwloc_topology_t h, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(h, type);
	return n > 0 ? n : 0;
}

int gb_topo_from_hwloc(gb_topo *t)
{
	hwloc_topology_t h;
	char *saved[NHWLOC_ENV];
	uint64_t total;
	int n, ok = -1;

	memset(t, 0, sizeof *t);
	t->source = "none";
	t->numa_nodes = 1;

	hwloc_env_set(saved);
	if (hwloc_topology_init(&h) < 0)
		goto out;
	/* Only CPUs, caches and NUMA nodes matter: no PCI/OS devices (the
	 * expensive part), no instruction caches.  The whole machine, not
	 * just our cpuset: the effective share is computed separately. */
	hwloc_topology_set_io_types_filter(h, HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_icache_types_filter(h, HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_type_filter(h, HWLOC_OBJ_MISC, HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_flags(h, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
	if (hwloc_topology_load(h) < 0) {
		hwloc_topology_destroy(h);
		goto out;
	}

	t->packages = count_type(h, HWLOC_OBJ_PACKAGE);
	t->cores = count_type(h, HWLOC_OBJ_CORE);
	t->pus = count_type(h, HWLOC_OBJ_PU);
	n = count_type(h, HWLOC_OBJ_NUMANODE);
	t->numa_nodes = n > 0 ? n : 1;
	const char *be = hwloc_obj_get_info_by_name(hwloc_get_root_obj(h), "Backend");
	gb_strlcpy(t->backend, be ? be : "", sizeof t->backend);

	hwloc_cache(h, HWLOC_OBJ_L1CACHE, &t->l1d, &total);
	if (hwloc_cache(h, HWLOC_OBJ_L2CACHE, &t->l2, &total) > 0) {
		t->llc_level = 2;
		t->llc_total = total;
	}
	n = hwloc_cache(h, HWLOC_OBJ_L3CACHE, &t->l3, &total);
	if (n > 0) {
		t->llc_level = 3;
		t->llc_total = total;
	}
	if (t->llc_level)
		t->llc_instances = count_type(h, t->llc_level == 3 ? HWLOC_OBJ_L3CACHE
								 : HWLOC_OBJ_L2CACHE);
	hwloc_topology_destroy(h);

	if (t->pus > 0) {
		t->source = "hwloc";
		ok = t->llc_level ? 0 : -1;	/* no caches: caller asks CPUID */
	}
out:
	hwloc_env_restore(saved);
	return ok;
}

/* ------------------------------------------------------------ CPUID -- */

/* Hygon's Dhyana is a licensed Zen: it has AMD's leaves */
static int vendor_is_amd(const gb_isa *isa)
{
	return !strcmp(isa->vendor, "AuthenticAMD") || !strcmp(isa->vendor, "HygonGenuine");
}

/*
 * Walk a deterministic-cache-parameters leaf: Intel leaf 4 and AMD
 * 0x8000001D share the layout.  Returns the number of caches seen.
 */
static int cpuid_walk_caches(uint32_t leaf, gb_topo *t, int pus)
{
	int found = 0;

	for (uint32_t sub = 0; sub < 16; sub++) {
		uint32_t r[4];
		gb_cpuid_raw(leaf, sub, r);
		unsigned type = r[0] & 0x1f;	/* 1 data, 2 instruction, 3 unified */
		if (type == 0)
			break;
		found++;
		if (type == 2)
			continue;
		unsigned level = (r[0] >> 5) & 7;
		uint64_t ways = ((r[1] >> 22) & 0x3ff) + 1;
		uint64_t parts = ((r[1] >> 12) & 0x3ff) + 1;
		uint64_t line = (r[1] & 0xfff) + 1;
		uint64_t sets = (uint64_t)r[2] + 1;
		uint64_t size = ways * parts * line * sets;
		int sharing = (int)((r[0] >> 14) & 0xfff) + 1;

		if (level == 1)
			t->l1d = size;
		else if (level == 2)
			t->l2 = size;
		else if (level == 3)
			t->l3 = size;
		else
			continue;
		if (level >= 2 && (int)level >= t->llc_level) {
			/* 'sharing' is the most logical CPUs that may share one
			 * instance: instances = ceil(pus / sharing) */
			t->llc_level = (int)level;
			t->llc_instances = pus > sharing ? (pus + sharing - 1) / sharing : 1;
			t->llc_total = size * (uint64_t)t->llc_instances;
		}
	}
	return found;
}

/* AMD before topology extensions: fixed-format leaves 0x80000005/6. */
static void cpuid_amd_legacy(gb_topo *t)
{
	uint32_t r[4];

	gb_cpuid_raw(0x80000005, 0, r);
	t->l1d = (uint64_t)(r[2] >> 24) << 10;
	gb_cpuid_raw(0x80000006, 0, r);
	t->l2 = (uint64_t)(r[2] >> 16) << 10;
	t->l3 = (uint64_t)(r[3] >> 18) * 512 * 1024;
	t->llc_level = t->l3 ? 3 : t->l2 ? 2 : 0;
	t->llc_total = t->l3 ? t->l3 : t->l2;
	t->llc_instances = t->llc_level ? 1 : 0;
}

/* Logical CPUs per core and per package from leaf 0xB, 0 if unknown. */
static void cpuid_smt(uint32_t max_leaf, int *per_core, int *per_pkg)
{
	uint32_t r[4];

	*per_core = *per_pkg = 0;
	if (max_leaf < 0xb)
		return;
	for (uint32_t sub = 0; sub < 4; sub++) {
		gb_cpuid_raw(0xb, sub, r);
		unsigned type = (r[2] >> 8) & 0xff;	/* 1 SMT, 2 core */
		if (type == 0)
			break;
		if (type == 1)
			*per_core = (int)(r[1] & 0xffff);
		else if (type == 2)
			*per_pkg = (int)(r[1] & 0xffff);
	}
}

static int count_cpus(void)
{
	cpu_set_t set;
	long n = sysconf(_SC_NPROCESSORS_CONF);
	int aff = 0;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		aff = CPU_COUNT(&set);
	/* without /sys glibc may under-count; the affinity mask is a floor */
	return n > aff ? (int)n : aff;
}

int gb_topo_from_cpuid(gb_topo *t)
{
	const gb_isa *isa = gb_isa_get();
	uint32_t max_basic = isa->max_leaf, max_ext = isa->max_ext_leaf;
	int per_core, per_pkg, found = 0, amd = vendor_is_amd(isa);

	memset(t, 0, sizeof *t);
	t->source = "none";
	t->numa_nodes = 1;
	t->pus = count_cpus();

	/* Intel's leaf 4 reads as zeros on AMD and vice versa: try the
	 * vendor's own leaf first, the other one second. */
	if (amd && max_ext >= 0x8000001d)
		found = cpuid_walk_caches(0x8000001d, t, t->pus);
	if (!found && max_basic >= 4)
		found = cpuid_walk_caches(4, t, t->pus);
	if (!found && !amd && max_ext >= 0x8000001d)
		found = cpuid_walk_caches(0x8000001d, t, t->pus);
	if (!found && amd && max_ext >= 0x80000006)
		cpuid_amd_legacy(t);

	cpuid_smt(max_basic, &per_core, &per_pkg);
	if (per_core > 0 && t->pus >= per_core)
		t->cores = t->pus / per_core;
	if (per_pkg > 0)
		t->packages = (t->pus + per_pkg - 1) / per_pkg;

	if (!t->llc_level)
		return -1;
	t->source = "cpuid";
	return 0;
}

/* ------------------------------------------------------------- cache -- */

static gb_topo topo;
static pthread_once_t topo_once = PTHREAD_ONCE_INIT;

static void topo_load(void)
{
	gb_topo h;
	int hw = gb_topo_from_hwloc(&h);

	if (hw == 0) {
		topo = h;
		return;
	}
	if (gb_topo_from_cpuid(&topo) < 0 && h.pus > 0) {
		topo = h;	/* hwloc's counts beat nothing */
		return;
	}
	/* hwloc saw the CPUs but no caches (gVisor's /sys, some VMs):
	 * keep whatever it counted, the caches come from CPUID */
	if (h.packages > 0)
		topo.packages = h.packages;
	if (h.cores > 0)
		topo.cores = h.cores;
	if (h.pus > 0)
		topo.pus = h.pus;
	topo.numa_nodes = h.numa_nodes;
	memcpy(topo.backend, h.backend, sizeof topo.backend);
}

const gb_topo *gb_topo_get(void)
{
	pthread_once(&topo_once, topo_load);
	return &topo;
}

/* --------------------------------------------------------- effective -- */

static gb_effective eff;
static int eff_list[CPU_SETSIZE];
static pthread_once_t eff_once = PTHREAD_ONCE_INIT;

static void affinity_or_all(cpu_set_t *set)
{
	if (sched_getaffinity(0, sizeof *set, set) == 0 && CPU_COUNT(set) > 0)
		return;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	CPU_ZERO(set);
	for (long i = 0; i < (n > 0 ? n : 1) && i < CPU_SETSIZE; i++)
		CPU_SET((int)i, set);
}

static void effective_cpus(const gb_cgroup *cg)
{
	cpu_set_t aff;

	affinity_or_all(&aff);
	eff.cpus = aff;
	if (cg->has_cpuset) {
		cpu_set_t both;
		CPU_AND(&both, &aff, &cg->cpuset);
		/* disjoint = the cpuset we read is not the one in force
		 * (stale or foreign mount): trust the kernel's mask */
		if (CPU_COUNT(&both) > 0)
			eff.cpus = both;
	}
	eff.ncpus_set = CPU_COUNT(&eff.cpus);
	eff.quota = cg->cpu_quota > 0 ? cg->cpu_quota : 0;
	eff.ncpus = eff.ncpus_set;
	if (eff.quota > 0) {
		/* 1.5 CPUs of quota keeps 2 threads busy part of the time;
		 * the epsilon absorbs quota/period rounding (200000/100000) */
		int cap = (int)ceil(eff.quota - 1e-6);
		if (cap < eff.ncpus)
			eff.ncpus = cap;
	}
	if (eff.ncpus < 1)
		eff.ncpus = 1;

	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < eff.ncpus_set; c++)
		if (CPU_ISSET(c, &eff.cpus))
			eff_list[n++] = c;
}

static void effective_mem(const gb_cgroup *cg)
{
	struct sysinfo si;

	eff.mem_available = gb_meminfo(NULL, "MemAvailable");
	eff.mem_source = "meminfo";
	if (!eff.mem_available && sysinfo(&si) == 0) {
		eff.mem_available = ((uint64_t)si.freeram + si.bufferram) * si.mem_unit;
		eff.mem_source = "sysinfo";
	}
	eff.mem = eff.mem_available;
	if (!eff.mem)
		eff.mem_source = "unknown";

	if (cg->mem_max) {
		uint64_t used = cg->has_mem_usage ? cg->mem_usage : 0;
		/* at or over the limit: one page, not 0 (which means "no
		 * limit"), so sizing refuses rather than ignores it */
		eff.mem_cgroup_free = cg->mem_max > used + 4096 ? cg->mem_max - used : 4096;
		if (!eff.mem || eff.mem_cgroup_free < eff.mem) {
			eff.mem = eff.mem_cgroup_free;
			eff.mem_source = "cgroup";
		}
	}
}

static void effective_load(void)
{
	const gb_cgroup *cg = gb_cgroup_get();

	effective_cpus(cg);
	effective_mem(cg);
}

const gb_effective *gb_effective_get(void)
{
	pthread_once(&eff_once, effective_load);
	return &eff;
}

int gb_effective_cpu(int index)
{
	int n = gb_effective_get()->ncpus_set;

	if (n <= 0)
		return 0;
	index %= n;
	if (index < 0)
		index += n;
	return eff_list[index];
}
