/* mem.h - large benchmark buffers with a chosen page size and NUMA policy,
 * and a measurement of what the kernel actually gave us.
 *
 * The policy is set before the first touch; the pages are touched by
 * whoever the caller decides (gb_team threads for NUMA-correct placement),
 * and gb_mem_coverage() then reads /proc/self/smaps to report the share of
 * the buffer backed by huge pages - asking for THP is not getting it. */
#ifndef GB_MEM_H
#define GB_MEM_H

#include <stddef.h>
#include <stdint.h>

typedef enum { GB_PAGES_AUTO, GB_PAGES_4K, GB_PAGES_THP, GB_PAGES_2M, GB_PAGES_1G } gb_pages;
typedef enum { GB_NUMA_LOCAL, GB_NUMA_INTERLEAVE, GB_NUMA_NODE, GB_NUMA_CROSS } gb_numa_mode;

typedef struct gb_numa {
	gb_numa_mode mode;
	int node;		/* for GB_NUMA_NODE */
} gb_numa;

const char *gb_pages_name(gb_pages p);
void gb_numa_name(const gb_numa *n, char *buf, unsigned size);

/* Is NUMA policy usable here (kernel support, not refused by seccomp)?
 * Quiet: libnuma's own warnings are silenced. 'why' gets the reason. */
int gb_numa_available(char *why, unsigned size);
int gb_numa_nodes(void);

typedef struct gb_buf {
	void *p;
	size_t size;		/* as requested */
	size_t mapped;		/* rounded to the page size used */
	gb_pages asked, used;	/* used: what was put in place (THP = advised) */
	char numa[96];		/* policy applied: "local", "interleave (2 nodes)",
				 * "interleave (1 node: same as local)", "unavailable: <why>" */
	double huge_coverage;	/* 0..1 after gb_mem_coverage, -1 unknown */
} gb_buf;

/*
 * Map 'size' bytes.  With GB_PAGES_AUTO an unavailable page size falls back
 * (THP -> 4K) and a warning is added to 'warn' (a gb_strlist*, may be NULL).
 * An explicit page size or NUMA mode that cannot be honoured fails:
 * returns -1 with the reason in err (the caller exits 3).  Nothing is
 * touched here: first touch decides placement.
 */
struct gb_strlist;
int gb_mem_alloc(gb_buf *b, size_t size, gb_pages pages, const gb_numa *numa,
		 struct gb_strlist *warn, char *err, unsigned errlen);
void gb_mem_free(gb_buf *b);

/* Share of [p, p+mapped) backed by huge pages, from /proc/self/smaps;
 * stores it in b->huge_coverage; -1 when smaps cannot be read. */
double gb_mem_coverage(gb_buf *b);

#endif
