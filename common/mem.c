/* mem.c - benchmark buffers: page size (4k, THP, hugetlb 2M/1G), NUMA
 * policy set before first touch, and the huge-page coverage obtained. */
#include "mem.h"
#include "parse.h"
#include "topo.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#define GB_MAP_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#define GB_MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
#define HUGETLB_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB"
#define HUGETLB_1G	"/sys/kernel/mm/hugepages/hugepages-1048576kB"

/* ----------------------------------------------------------- parsing -- */

static const char *const pages_names[] = {
	[GB_PAGES_AUTO] = "auto", [GB_PAGES_4K] = "4k", [GB_PAGES_THP] = "thp",
	[GB_PAGES_2M] = "2m", [GB_PAGES_1G] = "1g",
};

const char *gb_pages_name(gb_pages p)
{
	if ((unsigned)p < sizeof pages_names / sizeof pages_names[0])
		return pages_names[p];
	return "?";
}

void gb_numa_name(const gb_numa *n, char *buf, unsigned size)
{
	switch (n->mode) {
	case GB_NUMA_LOCAL:
		snprintf(buf, size, "local");
		break;
	case GB_NUMA_INTERLEAVE:
		snprintf(buf, size, "interleave");
		break;
	case GB_NUMA_NODE:
		snprintf(buf, size, "node:%d", n->node);
		break;
	case GB_NUMA_CROSS:
		snprintf(buf, size, "cross");
		break;
	default:
		snprintf(buf, size, "?");
	}
}

/* -------------------------------------------------------------- NUMA -- */

/*
 * libnuma prints to stderr and may exit from numa_warn()/numa_error().
 * It declares both weak so that programs can replace them: keep the last
 * message as a reason instead.
 */
static char numa_lastmsg[160];

void numa_warn(int num, char *fmt, ...)
{
	va_list ap;

	(void)num;
	va_start(ap, fmt);
	vsnprintf(numa_lastmsg, sizeof numa_lastmsg, fmt, ap);
	va_end(ap);
	/* libnuma's messages end in a newline; reasons do not */
	numa_lastmsg[strcspn(numa_lastmsg, "\n")] = 0;
}

void numa_error(char *where)
{
	snprintf(numa_lastmsg, sizeof numa_lastmsg, "%s: %s", where, strerror(errno));
}

static pthread_once_t numa_once = PTHREAD_ONCE_INIT;
static int numa_ok, numa_nnodes = 1;
static char numa_why[80];	/* fits b->numa after "unavailable: " */

static const char *errno_hint(int e)
{
	if (e == EPERM)
		return " (seccomp?)";
	if (e == ENOSYS)
		return " (kernel without NUMA support?)";
	return "";
}

/*
 * numa_available() alone is not enough: Docker's default seccomp profile
 * refuses get_mempolicy, mbind and set_mempolicy without CAP_SYS_NICE,
 * and gVisor implements only some of them.  Probe the two calls used.
 */
static void numa_probe(void)
{
	int mode, e;
	void *p;

	numa_nnodes = numa_num_configured_nodes();
	if (numa_nnodes < 1)
		numa_nnodes = 1;

	if (get_mempolicy(&mode, NULL, 0, NULL, 0) != 0) {
		e = errno;
		snprintf(numa_why, sizeof numa_why, "get_mempolicy: %s%s", strerror(e),
			 errno_hint(e));
		return;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		int rc = (int)mbind(p, 4096, MPOL_DEFAULT, NULL, 0, 0);
		e = errno;
		munmap(p, 4096);
		if (rc != 0) {
			snprintf(numa_why, sizeof numa_why, "mbind: %s%s", strerror(e),
				 errno_hint(e));
			return;
		}
	}
	if (numa_available() < 0) {
		gb_strlcpy(numa_why, numa_lastmsg[0] ? numa_lastmsg : "numa_available() failed",
			   sizeof numa_why);
		return;
	}
	numa_ok = 1;
	snprintf(numa_why, sizeof numa_why, "available");
}

int gb_numa_available(char *why, unsigned size)
{
	pthread_once(&numa_once, numa_probe);
	if (why && size)
		snprintf(why, size, "%s", numa_why);
	return numa_ok;
}

int gb_numa_nodes(void)
{
	pthread_once(&numa_once, numa_probe);
	return numa_nnodes;
}

/* What gb_mem_alloc will do about NUMA, decided before mapping. */
typedef struct numa_plan {
	int policy;		/* -1 nothing, else MPOL_INTERLEAVE / MPOL_BIND */
	int node;		/* for MPOL_BIND */
} numa_plan;

static int node_allowed(int node)
{
	struct bitmask *m = numa_get_mems_allowed();
	int ok = m && node >= 0 && (unsigned)node < m->size && numa_bitmask_isbitset(m, (unsigned)node);

	if (m)
		numa_bitmask_free(m);
	return ok;
}

/* The allowed memory node after 'home', wrapping; -1 if there is none. */
static int other_node(int home)
{
	int max = numa_max_node();

	for (int i = 1; i <= max; i++) {
		int n = (home + i) % (max + 1);
		if (n != home && node_allowed(n))
			return n;
	}
	return -1;
}

static int numa_plan_make(const gb_numa *nm, gb_buf *b, numa_plan *plan, char *err,
			  unsigned errlen)
{
	char name[32], why[80];
	int avail = gb_numa_available(why, sizeof why);
	int nodes = gb_numa_nodes();

	plan->policy = -1;
	plan->node = -1;
	gb_numa_name(nm, name, sizeof name);

	if (nm->mode == GB_NUMA_LOCAL) {
		/* first touch places the pages: nothing to ask for */
		if (!avail)
			snprintf(b->numa, sizeof b->numa, "unavailable: %s", why);
		else
			snprintf(b->numa, sizeof b->numa, nodes == 1 ? "local (1 node)" : "local");
		return 0;
	}
	if (nodes == 1) {
		if (nm->mode == GB_NUMA_NODE && nm->node != 0) {
			snprintf(err, errlen, "--numa %s: no such NUMA node (this machine has "
				 "1 node: node:0)", name);
			return -1;
		}
		/* every policy means the same thing on one node */
		snprintf(b->numa, sizeof b->numa, "%s (1 node: same as local)", name);
		return 0;
	}
	if (!avail) {
		snprintf(err, errlen, "--numa %s: NUMA policy is unavailable here (%s); "
			 "use --numa local", name, why);
		return -1;
	}

	switch (nm->mode) {
	case GB_NUMA_INTERLEAVE:
		plan->policy = MPOL_INTERLEAVE;
		snprintf(b->numa, sizeof b->numa, "interleave (%d nodes)", nodes);
		break;
	case GB_NUMA_NODE:
		if (nm->node > numa_max_node() || !node_allowed(nm->node)) {
			snprintf(err, errlen, "--numa %s: node %d does not exist or is not in "
				 "this process's allowed memory nodes (nodes 0-%d)", name,
				 nm->node, numa_max_node());
			return -1;
		}
		plan->policy = MPOL_BIND;
		plan->node = nm->node;
		snprintf(b->numa, sizeof b->numa, "node:%d", nm->node);
		break;
	case GB_NUMA_CROSS: {
		int cpu = gb_effective_cpu(0);
		int home = numa_node_of_cpu(cpu);
		if (home < 0)
			home = 0;
		plan->node = other_node(home);
		if (plan->node < 0) {
			snprintf(err, errlen, "--numa cross: no memory node other than node %d "
				 "(of CPU %d) is allowed", home, cpu);
			return -1;
		}
		plan->policy = MPOL_BIND;
		snprintf(b->numa, sizeof b->numa, "cross: CPU %d on node %d, memory on node %d",
			 cpu, home, plan->node);
		break;
	}
	default:
		snprintf(err, errlen, "--numa: unknown mode");
		return -1;
	}
	return 0;
}

static int numa_plan_apply(const numa_plan *plan, gb_buf *b, char *err, unsigned errlen)
{
	long rc;

	if (plan->policy < 0)
		return 0;
	if (plan->policy == MPOL_INTERLEAVE) {
		struct bitmask *m = numa_get_mems_allowed();
		if (!m) {
			snprintf(err, errlen, "--numa interleave: cannot read the allowed nodes");
			return -1;
		}
		/* the kernel reads maxnode - 1 bits */
		rc = mbind(b->p, b->mapped, MPOL_INTERLEAVE, m->maskp, m->size + 1, 0);
		numa_bitmask_free(m);
	} else {
		unsigned long mask[4096 / (8 * sizeof(unsigned long))] = { 0 };
		unsigned bits = 8 * sizeof(unsigned long);
		mask[plan->node / bits] |= 1UL << (plan->node % bits);
		rc = mbind(b->p, b->mapped, MPOL_BIND, mask, (unsigned long)plan->node + 2, 0);
	}
	if (rc != 0) {
		int e = errno;
		snprintf(err, errlen, "--numa: mbind(%s): %s%s", b->numa, strerror(e), errno_hint(e));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- pages -- */

/* Can MADV_HUGEPAGE give us THP?  1 yes, 0 no (why), -1 cannot tell. */
static int thp_usable(char *why, unsigned size)
{
	char buf[128];

	if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1) {
		snprintf(why, size, "THP is disabled for this process (prctl PR_SET_THP_DISABLE)");
		return 0;
	}
	if (gb_read_text(NULL, THP_ENABLED, buf, sizeof buf) < 0) {
		snprintf(why, size, "cannot read %s", THP_ENABLED);
		return -1;
	}
	if (strstr(buf, "[never]")) {
		snprintf(why, size, "THP is \"never\" in %s", THP_ENABLED);
		return 0;
	}
	return 1;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static void *map_anon(size_t len, int extra)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* 2 MiB-aligned, so that every 2 MiB of the buffer can be one THP. */
static void *map_aligned(size_t len, size_t align)
{
	size_t over = len + align;
	char *raw = map_anon(over, 0), *p;

	if (!raw)
		return NULL;
	p = (char *)round_up((size_t)raw, align);
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	if (raw + over > p + len)
		munmap(p + len, (size_t)(raw + over - (p + len)));
	return p;
}

static int map_4k(gb_buf *b, char *err, unsigned errlen)
{
	b->mapped = round_up(b->size, 4096);
	b->p = map_anon(b->mapped, 0);
	if (!b->p) {
		snprintf(err, errlen, "mmap %zu bytes: %s", b->mapped, strerror(errno));
		return -1;
	}
	/* with THP "always" this is what keeps it 4 KiB; EINVAL = no THP */
	madvise(b->p, b->mapped, MADV_NOHUGEPAGE);
	b->used = GB_PAGES_4K;
	return 0;
}

/* 1 mapped and advised, 0 THP refused (why), -1 mmap failed (err). */
static int map_thp(gb_buf *b, char *why, unsigned whylen, char *err, unsigned errlen)
{
	if (thp_usable(why, whylen) == 0)
		return 0;
	b->mapped = round_up(b->size, SZ_2M);
	b->p = map_aligned(b->mapped, SZ_2M);
	if (!b->p) {
		snprintf(err, errlen, "mmap %zu bytes: %s", b->mapped, strerror(errno));
		return -1;
	}
	if (madvise(b->p, b->mapped, MADV_HUGEPAGE) != 0) {
		snprintf(why, whylen, "madvise(MADV_HUGEPAGE): %s (kernel without THP?)",
			 strerror(errno));
		munmap(b->p, b->mapped);
		b->p = NULL;
		return 0;
	}
	b->used = GB_PAGES_THP;
	return 1;
}

static void hugetlb_error(const gb_buf *b, size_t pagesz, int e, char *err, unsigned errlen)
{
	const char *dir = pagesz == SZ_1G ? HUGETLB_1G : HUGETLB_2M;
	const char *mode = pagesz == SZ_1G ? "1g" : "2m", *human = pagesz == SZ_1G ? "1 GiB" : "2 MiB";
	char path[128], buf[64];
	size_t need = b->mapped / pagesz;
	uint64_t nfree = 0;

	if (!gb_path_exists(NULL, "/sys/kernel/mm")) {
		snprintf(err, errlen, "--pages %s: mmap(MAP_HUGETLB) of %zu MiB: %s (no /sys here "
			 "to tell whether %s pages are reserved); use --pages thp|auto", mode,
			 b->mapped >> 20, strerror(e), human);
		return;
	}
	if (!gb_path_exists(NULL, dir)) {
		snprintf(err, errlen, "--pages %s: this kernel offers no %s huge pages (no %s)%s",
			 mode, human, dir, pagesz == SZ_1G ? "; use --pages 2m|thp|auto" :
			 "; use --pages thp|auto");
		return;
	}
	snprintf(path, sizeof path, "%s/free_hugepages", dir);
	if (gb_read_text(NULL, path, buf, sizeof buf) >= 0)
		gb_parse_u64(buf, &nfree);
	if (e != ENOMEM && e != EINVAL) {
		snprintf(err, errlen, "--pages %s: mmap(MAP_HUGETLB) of %zu MiB: %s", mode,
			 b->mapped >> 20, strerror(e));
		return;
	}
	snprintf(err, errlen, "--pages %s: no free %s huge pages for %zu MiB (need %zu, %llu free): "
		 "reserve some with echo %zu > %s/nr_hugepages%s, or use --pages thp|auto",
		 mode, human, b->mapped >> 20, need, (unsigned long long)nfree, need, dir,
		 pagesz == SZ_1G ? " (or hugepagesz=1G hugepages=N on the kernel command line)" : "");
}

static int map_hugetlb(gb_buf *b, size_t pagesz, char *err, unsigned errlen)
{
	int flag = pagesz == SZ_1G ? GB_MAP_HUGE_1GB : GB_MAP_HUGE_2MB;

	b->mapped = round_up(b->size, pagesz);
	b->p = map_anon(b->mapped, MAP_HUGETLB | flag);
	if (!b->p) {
		hugetlb_error(b, pagesz, errno, err, errlen);
		return -1;
	}
	b->used = pagesz == SZ_1G ? GB_PAGES_1G : GB_PAGES_2M;
	return 0;
}

static int map_pages(gb_buf *b, gb_pages pages, gb_strlist *warn, char *err, unsigned errlen)
{
	char why[160];
	int rc;

	switch (pages) {
	case GB_PAGES_4K:
		return map_4k(b, err, errlen);
	case GB_PAGES_THP:
		rc = map_thp(b, why, sizeof why, err, errlen);
		if (rc == 0)
			snprintf(err, errlen, "--pages thp: %s; use --pages 4k|auto", why);
		return rc > 0 ? 0 : -1;
	case GB_PAGES_AUTO:
		rc = map_thp(b, why, sizeof why, err, errlen);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
		if (warn)
			gb_strlist_addf(warn, "--pages auto: %s: using 4 KiB pages", why);
		return map_4k(b, err, errlen);
	case GB_PAGES_2M:
		return map_hugetlb(b, SZ_2M, err, errlen);
	case GB_PAGES_1G:
		return map_hugetlb(b, SZ_1G, err, errlen);
	}
	snprintf(err, errlen, "--pages: unknown mode");
	return -1;
}

int gb_mem_alloc(gb_buf *b, size_t size, gb_pages pages, const gb_numa *numa,
		 struct gb_strlist *warn, char *err, unsigned errlen)
{
	static const gb_numa local = { GB_NUMA_LOCAL, 0 };
	numa_plan plan;

	memset(b, 0, sizeof *b);
	b->size = size;
	b->asked = pages;
	b->used = pages;
	b->huge_coverage = -1;
	if (err && errlen)
		err[0] = 0;
	if (!size) {
		snprintf(err, errlen, "cannot allocate an empty buffer");
		return -1;
	}
	/* refuse an impossible NUMA request before mapping anything */
	if (numa_plan_make(numa ? numa : &local, b, &plan, err, errlen) < 0)
		return -1;
	if (map_pages(b, pages, warn, err, errlen) < 0) {
		b->p = NULL;
		return -1;
	}
	if (numa_plan_apply(&plan, b, err, errlen) < 0) {
		gb_mem_free(b);
		return -1;
	}
	return 0;
}

void gb_mem_free(gb_buf *b)
{
	if (b->p)
		munmap(b->p, b->mapped);
	b->p = NULL;
	b->mapped = 0;
}

/* ---------------------------------------------------------- coverage -- */

typedef struct vma_stat {
	uintptr_t start, end;
	uint64_t anon_huge, hugetlb, rss, kpage;	/* bytes */
} vma_stat;

/* The part of this VMA's huge-page bytes that can lie inside [lo, hi). */
static uint64_t vma_huge_in(const vma_stat *v, uintptr_t lo, uintptr_t hi)
{
	uintptr_t a = v->start > lo ? v->start : lo, z = v->end < hi ? v->end : hi;
	uint64_t huge = v->anon_huge + v->hugetlb;

	if (z <= a)
		return 0;
	if (!v->hugetlb && v->kpage > 4096)
		huge += v->rss;		/* hugetlb shown as Rss on some kernels */
	/* smaps counts per VMA; a VMA merged with a neighbour may hold
	 * huge pages outside our range: never credit more than the overlap */
	return huge < z - a ? huge : z - a;
}

/* "AnonHugePages:    2048 kB" -> bytes, when the line has that key */
static int smaps_field(const char *line, const char *key, uint64_t *out)
{
	size_t k = strlen(key);
	unsigned long long kb;

	if (strncmp(line, key, k) || line[k] != ':')
		return 0;
	if (sscanf(line + k + 1, "%llu", &kb) == 1)
		*out += (uint64_t)kb * 1024;
	return 1;
}

double gb_mem_coverage(gb_buf *b)
{
	uintptr_t lo = (uintptr_t)b->p, hi = lo + b->mapped;
	uint64_t huge = 0;
	vma_stat v = { 0 };
	int in = 0;
	char *text, *line, *save = NULL;

	if (!b->p || !b->mapped)
		return b->huge_coverage = -1;
	text = gb_read_all(NULL, "/proc/self/smaps", NULL);
	if (!text)
		return b->huge_coverage = -1;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e;
		/* VMA headers start with a lower-case hex address, keys with
		 * an upper-case letter */
		if (isxdigit((unsigned char)line[0]) && !isupper((unsigned char)line[0]) &&
		    sscanf(line, "%lx-%lx", &s, &e) == 2) {
			if (in)
				huge += vma_huge_in(&v, lo, hi);
			memset(&v, 0, sizeof v);
			v.start = s;
			v.end = e;
			in = s < hi && e > lo;
			continue;
		}
		if (!in)
			continue;
		if (smaps_field(line, "AnonHugePages", &v.anon_huge) ||
		    smaps_field(line, "Private_Hugetlb", &v.hugetlb) ||
		    smaps_field(line, "Shared_Hugetlb", &v.hugetlb) ||
		    smaps_field(line, "Rss", &v.rss))
			continue;
		smaps_field(line, "KernelPageSize", &v.kpage);
	}
	if (in)
		huge += vma_huge_in(&v, lo, hi);
	free(text);

	b->huge_coverage = (double)huge / (double)b->mapped;
	if (b->huge_coverage > 1)
		b->huge_coverage = 1;
	return b->huge_coverage;
}
