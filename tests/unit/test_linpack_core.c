/* test_linpack_core.c - gb-linpack's choice of OpenBLAS core type on
 * made-up feature sets (linpack/core.h is header-only for this). */
#include <string.h>

#include "../../linpack/core.h"
#include "tap.h"

enum { NONE, SSE, AVX, AVX2, AVX512 };

/* A CPU with the features of one generation, as gb_isa_get() would see
 * it after XGETBV; 'cap' is GB_ISA's level cap (-1: none). */
static gb_isa cpu(int gen, int cap)
{
	gb_isa i;
	memset(&i, 0, sizeof i);
	i.sse2 = 1;
	if (gen >= SSE)
		i.sse3 = i.ssse3 = i.sse41 = i.sse42 = i.popcnt = 1;
	if (gen >= AVX)
		i.avx = 1;
	if (gen >= AVX2)
		i.avx2 = i.fma = i.bmi1 = i.bmi2 = 1;
	if (gen >= AVX512)
		i.avx512f = i.avx512dq = i.avx512cd = i.avx512bw = i.avx512vl = 1;
	i.hw_best = gen >= AVX512 ? GB_ISA_AVX512 : gen >= AVX2 ? GB_ISA_AVX2 : GB_ISA_BASELINE;
	i.best = cap >= 0 && (gb_isa_level)cap < i.hw_best ? (gb_isa_level)cap : i.hw_best;
	return i;
}

static void expect(int gen, int cap, const char *lib, const char *req, int env, const char *core,
		   int change, int refuse, const char *what)
{
	gb_isa i = cpu(gen, cap);
	lp_core_choice c;
	lp_core_select(&i, lib, req, env, &c);
	int pass = strcmp(c.core, core) == 0 && c.change == change && c.refuse == refuse;
	if (!ok(pass, "%s", what))
		printf("#   got core %s change %d refuse %d (%s); want %s %d %d\n", c.core, c.change,
		       c.refuse, c.reason, core, change, refuse);
	else if (!c.reason[0])
		ok(0, "%s: a reason is given", what);
}

int main(void)
{
	/* the three cases */
	expect(AVX512, -1, "Prescott", "auto", 0, "SkylakeX", 1, 0,
	       "AVX-512 CPU, library fell back to Prescott: SkylakeX");
	expect(AVX512, -1, "Haswell", "auto", 0, "SkylakeX", 1, 0,
	       "AVX-512 CPU (Zen 5), library chose Haswell: SkylakeX");
	expect(AVX2, -1, "Prescott", "auto", 0, "Haswell", 1, 0, "AVX2+FMA CPU, library Prescott: Haswell");
	expect(SSE, -1, "Nehalem", "auto", 0, "Nehalem", 0, 0, "no AVX: the library's default");
	expect(SSE, -1, "Prescott", "auto", 0, "Nehalem", 1, 0, "no AVX, library Prescott, SSE4.2: Nehalem");

	/* same tier: the CPU's features decide, not the library's pick
	 * (which an inherited OPENBLAS_CORETYPE makes): the same CPU runs
	 * the same kernels in every environment (issue 17) */
	expect(AVX512, -1, "Cooperlake", "auto", 0, "SkylakeX", 1, 0, "Cooperlake on AVX-512: SkylakeX");
	expect(AVX512, -1, "SkylakeX", "auto", 0, "SkylakeX", 0, 0, "SkylakeX on AVX-512: kept");
	expect(AVX512, -1, "Cooperlake", "auto", 1, "SkylakeX", 1, 0,
	       "OPENBLAS_CORETYPE=Cooperlake on AVX-512: SkylakeX, as without it");
	expect(AVX2, -1, "Excavator", "auto", 0, "Haswell", 1, 0, "Excavator on AVX2: Haswell");
	expect(SSE, -1, "Penryn", "auto", 1, "Nehalem", 1, 0, "OPENBLAS_CORETYPE=Penryn on SSE4.2: Nehalem");
	expect(AVX, -1, "Nehalem", "auto", 0, "Sandybridge", 1, 0, "AVX only (Sandy Bridge): Sandybridge");

	/* VM hides AVX-512 (XCR0 or CPUID): AVX2 tier */
	gb_isa half = cpu(AVX512, -1);
	half.avx512cd = 0;
	lp_core_choice c;
	lp_core_select(&half, "Prescott", "auto", 0, &c);
	is_str(c.core, "Haswell", "AVX-512 without CD: Haswell, not SkylakeX");

	/* the library (or the environment) picked kernels the CPU cannot run */
	expect(AVX2, -1, "SkylakeX", "auto", 0, "Haswell", 1, 0, "SkylakeX on an AVX2 CPU: Haswell");
	expect(SSE, -1, "Haswell", "auto", 1, "Nehalem", 1, 0,
	       "OPENBLAS_CORETYPE=Haswell on a CPU without AVX: Nehalem");
	expect(AVX512, -1, "Haswell", "auto", 1, "SkylakeX", 1, 0,
	       "OPENBLAS_CORETYPE=Haswell inherited on AVX-512: raised too");

	/* QEMU's default qemu64 CPU: "AuthenticAMD" family 15 with SSE3 only;
	 * OpenBLAS picks Opteron, whose kernels use 3DNow! prefetchw and die
	 * of SIGILL there (seen booting the initramfs under TCG) */
	gb_isa k8 = cpu(NONE, -1);
	k8.sse3 = 1;
	lp_core_select(&k8, "Opteron", "auto", 0, &c);
	is_str(c.core, "Prescott", "qemu64 (SSE3 only), library Opteron: Prescott");
	ok(c.change == 1, "and OPENBLAS_CORETYPE is set to it");
	lp_core_select(&k8, "Barcelona", "auto", 0, &c);
	is_str(c.core, "Prescott", "library Barcelona (K10 kernels): Prescott");
	lp_core_select(&k8, "Nehalem", "auto", 1, &c);
	is_str(c.core, "Prescott", "OPENBLAS_CORETYPE=Nehalem without SSE4.2: Prescott");
	lp_core_select(&k8, "Opteron", "Opteron", 0, &c);
	ok(c.refuse == 1 && strstr(c.reason, "3DNow!"), "--blas-core Opteron refused, naming what it needs");
	lp_core_select(&k8, "Prescott", "Core2", 0, &c);
	ok(c.refuse == 1 && strstr(c.reason, "SSSE3"), "--blas-core Core2 without SSSE3 refused (%s)", c.reason);
	gb_isa core2 = k8;
	core2.ssse3 = 1;
	lp_core_select(&core2, "Nehalem", "auto", 0, &c);
	is_str(c.core, "Core2", "SSSE3 without SSE4: Nehalem replaced by Core2");

	/* GB_ISA caps */
	expect(AVX512, GB_ISA_AVX2, "Cooperlake", "auto", 0, "Haswell", 1, 0, "GB_ISA=avx2: Haswell");
	expect(AVX512, GB_ISA_BASELINE, "Cooperlake", "auto", 0, "Nehalem", 1, 0,
	       "GB_ISA=baseline: an SSE core");
	expect(AVX2, GB_ISA_BASELINE, "Haswell", "auto", 0, "Nehalem", 1, 0,
	       "GB_ISA=baseline on AVX2: not Sandybridge either");

	/* --blas-core */
	expect(AVX512, -1, "Haswell", "library", 0, "Haswell", 0, 0, "--blas-core library keeps it");
	expect(SSE, -1, "Haswell", "library", 1, "Haswell", 0, 0, "library even if unusable (sanitised at start)");
	expect(AVX512, -1, "Cooperlake", "Haswell", 0, "Haswell", 1, 0, "--blas-core Haswell forces it");
	expect(AVX512, -1, "Haswell", "haswell", 0, "Haswell", 0, 0, "names compare case-insensitively");
	expect(AVX2, -1, "Haswell", "SkylakeX", 0, "Haswell", 0, 1, "--blas-core SkylakeX on AVX2: refused");
	expect(SSE, -1, "Nehalem", "Sandybridge", 0, "Nehalem", 0, 1, "--blas-core Sandybridge without AVX: refused");
	expect(AVX2, -1, "Haswell", "Zen", 0, "Haswell", 0, 1, "Zen is no core of OpenBLAS 0.3.21: refused");

	/* a core name this table does not know (a newer OpenBLAS) */
	expect(AVX512, -1, "SapphireRapids", "auto", 0, "SkylakeX", 1, 0, "unknown core on AVX-512: SkylakeX");
	expect(SSE, -1, "Mystery", "auto", 0, "Nehalem", 1, 0, "unknown core, no AVX: the features' core");

	/* the invariant itself: for every CPU model, cap and library (or
	 * inherited) choice, auto picks one core per CPU */
	int same = 1, shown = 0;
	for (int gen = NONE; gen <= AVX512; gen++)
		for (int cap = -1; cap <= GB_ISA_AVX512; cap++) {
			gb_isa i = cpu(gen, cap);
			lp_core_choice first, c2;
			lp_core_select(&i, "Prescott", "auto", 0, &first);
			for (const struct lp_core_info *k = lp_cores; k->name; k++)
				for (int env = 0; env <= 1; env++) {
					lp_core_select(&i, k->name, "auto", env, &c2);
					if (strcmp(c2.core, first.core) == 0)
						continue;
					same = 0;
					if (shown++ < 5)
						printf("#   gen %d cap %d: %s (env %d) gives %s, Prescott %s\n", gen,
						       cap, k->name, env, c2.core, first.core);
				}
		}
	ok(same, "auto: the core depends on the CPU only, never on the library's or the environment's pick");

	/* the table */
	ok(lp_core_find("skylakex") && lp_core_find("skylakex")->tier == LP_TIER_AVX512, "lookup");
	ok(!lp_core_find("Bogus") && !lp_core_find(NULL), "unknown names are not found");
	int n = 0;
	for (const struct lp_core_info *i = lp_cores; i->name; i++)
		n += strstr(LP_CORE_NAMES, i->name) != NULL;
	is_int(n, (long long)(sizeof lp_cores / sizeof lp_cores[0]) - 1, "LP_CORE_NAMES lists every core");
	return tap_done();
}
