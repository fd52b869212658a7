/* ops_memory.c - address-space operations.  In a VM a first touch also
 * faults in the host (EPT violation) unless the guest's memory is already
 * backed, which is why "page_fault" is among the costliest differences
 * between native and virtualised runs. */
#include "ops.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

static uint64_t loop_mmap(void *ctx, uint64_t n)
{
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		bad |= p == MAP_FAILED;
		bad |= munmap(p, PAGE);
	}
	uint64_t t = gb_now_ns() - t0;
	return !bad ? t : sc_fail(ctx, "mmap/munmap of 4 KiB failed");
}

/*
 * One write to each page of a fresh private anonymous mapping: a minor
 * fault that allocates and zeroes a 4 KiB page.  Huge pages (THP, mTHP)
 * are refused for the mapping so that every touch is one 4 KiB fault.
 * Mapping and unmapping happen outside the timed part.
 */
static uint64_t loop_fault(void *ctx, uint64_t n)
{
	size_t len = n * PAGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return sc_fail(ctx, "mmap of %zu bytes failed: %s", len, strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE);
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		((volatile unsigned char *)p)[i * PAGE] = (unsigned char)(i | 1);
	uint64_t t = gb_now_ns() - t0;
	int bad = 0;
	for (uint64_t i = 0; i < n; i += 97)
		bad |= p[i * PAGE] != (unsigned char)(i | 1) || p[i * PAGE + 1] != 0;
	munmap(p, len);
	return !bad ? t : sc_fail(ctx, "a faulted-in page did not read back as written");
}

const sc_op sc_ops_memory[] = {
	{ "mmap_munmap", "map and unmap 4 KiB of anonymous memory (no touch)",
	  NULL, loop_mmap, NULL, 0, 0, 0 },
	/* 65536 pages = 256 MiB per sample at most, less in a small container */
	{ "page_fault", "first write to a fresh 4 KiB anonymous page (minor fault)",
	  NULL, loop_fault, NULL, 65536, PAGE, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
