/* cpuid.h - what the CPU (as the hypervisor presents it) can do.
 *
 * CPUID is a VM exit in a guest (~10 us each on the reference machine), so
 * the features are read once, on first use, and cached.  Nothing here may be
 * called from a timed path except gb_isa() which only returns the cache. */
#ifndef GB_CPUID_H
#define GB_CPUID_H

#include <stdint.h>

/* Kernel variants a benchmark may dispatch to, weakest first. */
typedef enum {
	GB_ISA_BASELINE = 0,	/* x86-64 SSE2: runs on any x86-64 guest */
	GB_ISA_AVX2 = 1,	/* AVX2 + FMA, with OS support (XCR0) */
	GB_ISA_AVX512 = 2,	/* AVX-512 F/BW/DQ/VL, with OS support (XCR0) */
} gb_isa_level;

typedef struct gb_isa {
	char vendor[13];	/* "GenuineIntel", "AuthenticAMD", ... */
	char brand[49];		/* brand string, trimmed; "unknown" if absent */
	unsigned family, model, stepping;
	/* instruction-set flags, as CPUID reports them AND the OS enables
	 * (AVX and AVX-512 need XGETBV to confirm the register state) */
	unsigned sse2:1, sse3:1, ssse3:1, sse41:1, sse42:1, popcnt:1, aes:1,
		 avx:1, f16c:1, fma:1, bmi1:1, bmi2:1, avx2:1,
		 avx512f:1, avx512dq:1, avx512cd:1, avx512bw:1, avx512vl:1,
		 avx512vnni:1, avx512ifma:1, avx512vbmi:1,
		 erms:1, fsrm:1, rdtscp:1, invariant_tsc:1, hypervisor:1,
		 clflushopt:1, movdiri:1;
	uint64_t xcr0;		/* 0 when OSXSAVE is off */
	unsigned max_leaf;	/* highest basic leaf (leaf 0 EAX) */
	unsigned max_ext_leaf;	/* highest extended leaf, 0 if none */
	char hv_vendor[13];	/* leaf 0x40000000 signature, "" if none */
	unsigned hv_max_leaf;
	uint64_t tsc_hz;	/* from leaf 0x15/0x16 or hypervisor leaf 0x40000010, 0 if unknown */
	gb_isa_level best;	/* strongest level usable (after GB_ISA override) */
	gb_isa_level hw_best;	/* strongest level the CPU+OS allow */
} gb_isa;

/* Cached feature set.  The environment variable GB_ISA=baseline|avx2|avx512
 * caps 'best' (never raises it), so tests can force weaker kernels. */
const gb_isa *gb_isa_get(void);

const char *gb_isa_name(gb_isa_level l);	/* "baseline", "avx2", "avx512" */

/* Comma-separated flag list for the fingerprint, e.g. "sse2,...,avx512f". */
void gb_isa_flags(const gb_isa *isa, char *buf, unsigned size);

/* Raw CPUID, uncached.  Besides cpuid.c, only two callers: gb-syscall's
 * VM-exit measurement, and topo.c's cache-leaf walk (leaves 4, 0xB,
 * 0x8000001D, 0x80000005/6), which runs once and only when hwloc finds no
 * caches; it takes the vendor and the leaf limits from gb_isa_get(). */
static inline void gb_cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(sub));
}

#endif
