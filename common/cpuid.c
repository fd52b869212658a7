/* cpuid.c - CPU identification and ISA level, read once and cached.
 *
 * Each CPUID in a guest traps to the hypervisor (~10 us here), so every
 * leaf is read exactly once, under pthread_once, and the rest of the suite
 * only ever looks at the cached struct.  Elsewhere CPUID runs only in
 * gb-syscall's measurement and in topo.c's one-time cache-leaf fallback
 * (see gb_cpuid_raw in cpuid.h). */
#include "cpuid.h"
#include "util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* XCR0 state components the OS must enable before a register file is usable */
#define XCR0_SSE	(1ull << 1)
#define XCR0_AVX	(1ull << 2)
#define XCR0_OPMASK	(1ull << 5)
#define XCR0_ZMM_HI256	(1ull << 6)
#define XCR0_HI16_ZMM	(1ull << 7)
#define XCR0_AVX_STATE	(XCR0_SSE | XCR0_AVX)
#define XCR0_AVX512_STATE (XCR0_AVX_STATE | XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)

#define BIT(r, n) (((r) >> (n)) & 1u)

static gb_isa isa;
static pthread_once_t isa_once = PTHREAD_ONCE_INIT;

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	gb_cpuid_raw(leaf, sub, r);
}

/* Only valid when CPUID.1:ECX.OSXSAVE is set; otherwise XGETBV is #UD. */
static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* Four registers' worth of ASCII, in the order the leaf defines. */
static void regs_text(char *dst, uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(dst, &a, 4);
	memcpy(dst + 4, &b, 4);
	memcpy(dst + 8, &c, 4);
	dst[12] = 0;
}

static void read_brand(uint32_t ext_max)
{
	char raw[49] = "";
	uint32_t r[4];

	if (ext_max >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(raw + 16 * i, r, 16);
		}
		raw[48] = 0;
	}
	/* Intel pads the brand on the left, VMs sometimes on the right */
	char *s = raw;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	gb_strlcpy(isa.brand, n ? s : "unknown", sizeof isa.brand);
}

static void read_leaf1(uint32_t max, int *osxsave)
{
	uint32_t r[4];

	*osxsave = 0;
	if (max < 1)
		return;
	cpuid(1, 0, r);
	uint32_t eax = r[0], ecx = r[2], edx = r[3];
	unsigned fam = (eax >> 8) & 0xf, mod = (eax >> 4) & 0xf;

	/* the extended fields only count for these families (SDM/APM rules) */
	if (fam == 0xf)
		fam += (eax >> 20) & 0xff;
	if (fam == 6 || fam >= 0xf)
		mod |= ((eax >> 16) & 0xf) << 4;
	isa.family = fam;
	isa.model = mod;
	isa.stepping = eax & 0xf;

	isa.sse2 = BIT(edx, 26);
	isa.sse3 = BIT(ecx, 0);
	isa.ssse3 = BIT(ecx, 9);
	isa.fma = BIT(ecx, 12);
	isa.sse41 = BIT(ecx, 19);
	isa.sse42 = BIT(ecx, 20);
	isa.popcnt = BIT(ecx, 23);
	isa.aes = BIT(ecx, 25);
	*osxsave = BIT(ecx, 27);
	isa.avx = BIT(ecx, 28);
	isa.f16c = BIT(ecx, 29);
	isa.hypervisor = BIT(ecx, 31);
}

static void read_leaf7(uint32_t max)
{
	uint32_t r[4];

	if (max < 7)
		return;
	cpuid(7, 0, r);
	uint32_t ebx = r[1], ecx = r[2], edx = r[3];

	isa.bmi1 = BIT(ebx, 3);
	isa.avx2 = BIT(ebx, 5);
	isa.bmi2 = BIT(ebx, 8);
	isa.erms = BIT(ebx, 9);
	isa.avx512f = BIT(ebx, 16);
	isa.avx512dq = BIT(ebx, 17);
	isa.avx512ifma = BIT(ebx, 21);
	isa.clflushopt = BIT(ebx, 23);
	isa.avx512cd = BIT(ebx, 28);
	isa.avx512bw = BIT(ebx, 30);
	isa.avx512vl = BIT(ebx, 31);
	isa.avx512vbmi = BIT(ecx, 1);
	isa.avx512vnni = BIT(ecx, 11);
	isa.movdiri = BIT(ecx, 27);
	isa.fsrm = BIT(edx, 4);
}

static uint32_t read_extended(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	uint32_t ext_max = r[0];
	/* a CPU without extended leaves echoes garbage below 0x80000000 */
	if (ext_max < 0x80000000 || ext_max > 0x8000ffff)
		ext_max = 0;
	if (ext_max >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		isa.rdtscp = BIT(r[3], 27);
	}
	if (ext_max >= 0x80000007) {
		cpuid(0x80000007, 0, r);
		isa.invariant_tsc = BIT(r[3], 8);
	}
	return ext_max;
}

/*
 * CPUID advertises what the silicon (or the hypervisor's CPU model) has;
 * the instructions only work when the OS saves the register state too.  A
 * VM may pass AVX-512 through in CPUID while the guest kernel leaves ZMM
 * state off, so the flags are masked by XCR0.
 */
static void apply_os_support(int osxsave)
{
	isa.xcr0 = osxsave ? xgetbv0() : 0;
	int os_avx = (isa.xcr0 & XCR0_AVX_STATE) == XCR0_AVX_STATE;
	int os_avx512 = (isa.xcr0 & XCR0_AVX512_STATE) == XCR0_AVX512_STATE;

	if (!os_avx)
		isa.avx = isa.fma = isa.f16c = isa.avx2 = 0;
	if (!os_avx512) {
		isa.avx512f = isa.avx512dq = isa.avx512cd = isa.avx512bw = 0;
		isa.avx512vl = isa.avx512vnni = isa.avx512ifma = isa.avx512vbmi = 0;
	}
}

static void read_hypervisor(void)
{
	uint32_t r[4];

	/* without the hypervisor bit, 0x40000000 aliases a basic leaf on
	 * Intel and returns unrelated data: only ask when told to */
	if (!isa.hypervisor)
		return;
	cpuid(0x40000000, 0, r);
	regs_text(isa.hv_vendor, r[1], r[2], r[3]);
	/* some hypervisors report 0 meaning "0x40000001" (KVM on old hosts) */
	isa.hv_max_leaf = r[0] >= 0x40000000 && r[0] <= 0x400000ff ? r[0] : 0x40000001;
	for (int i = 0; i < 12; i++)
		if (isa.hv_vendor[i] && !isprint((unsigned char)isa.hv_vendor[i]))
			isa.hv_vendor[i] = '?';
}

/*
 * TSC frequency, best source first:
 *  - leaf 0x15 with a crystal frequency: exact (Intel since Skylake);
 *  - hypervisor leaf 0x40000010 (VMware's and KVM's timing leaf, kHz):
 *    exact for the guest's TSC, which may be scaled from the host's;
 *  - leaf 0x16 base MHz: nominal, Intel's TSC runs at the base clock.
 */
static void read_tsc_hz(uint32_t max)
{
	uint32_t r[4];

	if (max >= 0x15) {
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2]) {
			isa.tsc_hz = (uint64_t)r[2] * r[1] / r[0];
			return;
		}
	}
	if (isa.hv_max_leaf >= 0x40000010 &&
	    (!strcmp(isa.hv_vendor, "KVMKVMKVM") || !strcmp(isa.hv_vendor, "VMwareVMware"))) {
		cpuid(0x40000010, 0, r);
		if (r[0]) {
			isa.tsc_hz = (uint64_t)r[0] * 1000;
			return;
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, r);
		if (r[0] & 0xffff)
			isa.tsc_hz = (uint64_t)(r[0] & 0xffff) * 1000000;
	}
}

static gb_isa_level hw_level(void)
{
	/* the AVX2 kernels are compiled for AVX2+FMA+BMI2 (x86-64-v3 core) */
	int v3 = isa.avx2 && isa.fma && isa.bmi2;

	if (v3 && isa.avx512f && isa.avx512dq && isa.avx512bw && isa.avx512vl)
		return GB_ISA_AVX512;
	if (v3)
		return GB_ISA_AVX2;
	return GB_ISA_BASELINE;
}

static int level_from_name(const char *s, gb_isa_level *out)
{
	static const char *const names[] = { "baseline", "avx2", "avx512" };

	for (int i = 0; i < 3; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = (gb_isa_level)i;
			return 0;
		}
	}
	return -1;
}

static void apply_cap(void)
{
	const char *env = getenv("GB_ISA");
	gb_isa_level cap;

	isa.best = isa.hw_best;
	if (!env || !*env)
		return;
	if (level_from_name(env, &cap) < 0) {
		gb_warnx("GB_ISA=%s ignored (accepted: baseline, avx2, avx512)", env);
		return;
	}
	if (cap < isa.best)
		isa.best = cap;
}

static void isa_init(void)
{
	uint32_t r[4];
	int osxsave;

	cpuid(0, 0, r);
	uint32_t max = r[0];
	isa.max_leaf = max;
	/* leaf 0 orders the vendor string EBX, EDX, ECX */
	regs_text(isa.vendor, r[1], r[3], r[2]);

	read_leaf1(max, &osxsave);
	read_leaf7(max);
	uint32_t ext_max = read_extended();
	isa.max_ext_leaf = ext_max;
	read_brand(ext_max);
	apply_os_support(osxsave);
	read_hypervisor();
	read_tsc_hz(max);
	isa.hw_best = hw_level();
	apply_cap();
}

const gb_isa *gb_isa_get(void)
{
	pthread_once(&isa_once, isa_init);
	return &isa;
}

const char *gb_isa_name(gb_isa_level l)
{
	switch (l) {
	case GB_ISA_BASELINE: return "baseline";
	case GB_ISA_AVX2: return "avx2";
	case GB_ISA_AVX512: return "avx512";
	}
	return "unknown";
}

void gb_isa_flags(const gb_isa *i, char *buf, unsigned size)
{
	/* names follow /proc/cpuinfo where it has one, so they grep alike */
	const struct { const char *name; unsigned on; } f[] = {
		{ "sse2", i->sse2 }, { "sse3", i->sse3 }, { "ssse3", i->ssse3 },
		{ "sse4_1", i->sse41 }, { "sse4_2", i->sse42 },
		{ "popcnt", i->popcnt }, { "aes", i->aes }, { "avx", i->avx },
		{ "f16c", i->f16c }, { "fma", i->fma }, { "bmi1", i->bmi1 },
		{ "bmi2", i->bmi2 }, { "avx2", i->avx2 },
		{ "avx512f", i->avx512f }, { "avx512dq", i->avx512dq },
		{ "avx512cd", i->avx512cd }, { "avx512bw", i->avx512bw },
		{ "avx512vl", i->avx512vl }, { "avx512_vnni", i->avx512vnni },
		{ "avx512ifma", i->avx512ifma }, { "avx512vbmi", i->avx512vbmi },
		{ "erms", i->erms }, { "fsrm", i->fsrm }, { "rdtscp", i->rdtscp },
		{ "invariant_tsc", i->invariant_tsc },
		{ "hypervisor", i->hypervisor }, { "clflushopt", i->clflushopt },
		{ "movdiri", i->movdiri },
	};
	size_t len = 0;

	if (!size)
		return;
	buf[0] = 0;
	for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
		if (!f[k].on)
			continue;
		size_t need = strlen(f[k].name) + (len ? 1 : 0);
		/* drop whole names rather than leave a truncated one */
		if (len + need + 1 > size)
			break;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", f[k].name);
	}
}
