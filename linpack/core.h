/* core.h - which OpenBLAS core type (kernel set) to run, from the CPU's
 * features.  Header-only and free of OpenBLAS so the unit test can feed it
 * made-up feature sets (tests/unit/test_linpack_core.c).
 *
 * OpenBLAS 0.3.21 built DYNAMIC_ARCH picks its kernels from the CPU's
 * family/model table.  A CPU newer than the table gets an old core (a
 * Sapphire/Emerald Rapids Xeon: Prescott, SSE3; Zen 5: Haswell, AVX2),
 * i.e. 2-5x below what the CPU can do.  We decide from what the CPU and
 * OS actually allow (CPUID + XGETBV, gb_isa), which is also what a VM
 * lets the guest use: one core per feature set (the strongest tier they
 * support, capped by GB_ISA), whatever the library or an inherited
 * OPENBLAS_CORETYPE picked, so the same CPU runs the same kernels in
 * every environment.  --blas-core names another one explicitly. */
#ifndef LP_CORE_H
#define LP_CORE_H

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cpuid.h"

/* Kernel tiers: what the dgemm kernel of a core type needs. */
enum { LP_TIER_SSE = 0, LP_TIER_AVX = 1, LP_TIER_AVX2 = 2, LP_TIER_AVX512 = 3 };

/* Within the SSE tier the cores differ: Core2's kernels use SSSE3,
 * Nehalem's SSE4.2, and the AMD K8/K10 ones (Athlon, Opteron, Barcelona,
 * Bobcat) 3DNow! prefetchw, which gb_isa does not probe and a VM's CPU
 * model may lack: QEMU's default qemu64 CPU is "AuthenticAMD" family 15,
 * OpenBLAS picks Opteron for it, and its first dgemm dies of SIGILL.
 * LP_NEED_UNCHECKED marks cores whose needs we cannot verify: never kept,
 * replaced by the Intel core for the features we can see. */
enum { LP_NEED_SSE3 = 1, LP_NEED_SSSE3 = 2, LP_NEED_SSE41 = 4, LP_NEED_SSE42 = 8,
       LP_NEED_UNCHECKED = 16 };

/* The core names OpenBLAS 0.3.21 (Debian, DYNAMIC_ARCH) accepts in
 * OPENBLAS_CORETYPE.  An unknown name is not an error there: it silently
 * selects some other core, so we only ever pass names from this list. */
struct lp_core_info {
	const char *name;
	int tier;
	int need;	/* LP_NEED_* beyond the tier (SSE tier only) */
};

#define LP_K8 LP_NEED_UNCHECKED
static const struct lp_core_info lp_cores[] = {
	{ "Katmai", LP_TIER_SSE, LP_K8 }, { "Coppermine", LP_TIER_SSE, LP_K8 },
	{ "Northwood", LP_TIER_SSE, LP_K8 }, { "Banias", LP_TIER_SSE, LP_K8 },
	{ "Prescott", LP_TIER_SSE, LP_NEED_SSE3 }, { "Atom", LP_TIER_SSE, LP_NEED_SSSE3 },
	{ "Core2", LP_TIER_SSE, LP_NEED_SSSE3 }, { "Penryn", LP_TIER_SSE, LP_NEED_SSE41 },
	{ "Dunnington", LP_TIER_SSE, LP_NEED_SSE41 }, { "Nehalem", LP_TIER_SSE, LP_NEED_SSE42 },
	{ "Athlon", LP_TIER_SSE, LP_K8 }, { "Opteron", LP_TIER_SSE, LP_K8 },
	{ "Opteron_SSE3", LP_TIER_SSE, LP_K8 }, { "Barcelona", LP_TIER_SSE, LP_K8 },
	{ "Nano", LP_TIER_SSE, LP_NEED_SSSE3 }, { "Bobcat", LP_TIER_SSE, LP_K8 },
	/* Bulldozer/Piledriver kernels use AVX with AMD's FMA4, which no
	 * current CPU has: treat them as needing AVX and never pick them */
	{ "Sandybridge", LP_TIER_AVX, 0 }, { "Bulldozer", LP_TIER_AVX, 0 }, { "Piledriver", LP_TIER_AVX, 0 },
	{ "Haswell", LP_TIER_AVX2, 0 }, { "Steamroller", LP_TIER_AVX2, 0 }, { "Excavator", LP_TIER_AVX2, 0 },
	{ "SkylakeX", LP_TIER_AVX512, 0 }, { "Cooperlake", LP_TIER_AVX512, 0 },
	{ NULL, 0, 0 },
};
#undef LP_K8

#define LP_CORE_NAMES "Katmai, Coppermine, Northwood, Prescott, Banias, Atom, Core2, Penryn, " \
	"Dunnington, Nehalem, Athlon, Opteron, Opteron_SSE3, Barcelona, Nano, Bobcat, Sandybridge, " \
	"Bulldozer, Piledriver, Haswell, Steamroller, Excavator, SkylakeX, Cooperlake"

/* The entry for a name (case-insensitive, as OpenBLAS compares), or NULL. */
static inline const struct lp_core_info *lp_core_find(const char *name)
{
	for (const struct lp_core_info *c = lp_cores; c->name; c++)
		if (name && strcasecmp(name, c->name) == 0)
			return c;
	return NULL;
}

/* The strongest tier the features allow, capped by GB_ISA (isa->best).
 * SkylakeX's kernels need AVX-512 F, DQ, BW, VL and CD; gb_isa's AVX-512
 * level already requires F/BW/DQ/VL with the OS state enabled, CD is
 * checked here. */
static inline int lp_tier_allowed(const gb_isa *isa)
{
	if (isa->best >= GB_ISA_AVX512 && isa->avx512f && isa->avx512dq && isa->avx512bw &&
	    isa->avx512vl && isa->avx512cd)
		return LP_TIER_AVX512;
	if (isa->best >= GB_ISA_AVX2 && isa->avx2 && isa->fma)
		return LP_TIER_AVX2;
	/* gb_isa has no AVX-only level: an AVX CPU without AVX2 (Sandy
	 * Bridge) is "baseline" uncapped; GB_ISA=baseline on a stronger CPU
	 * (best < hw_best) caps below AVX too */
	if (isa->avx && (isa->best >= GB_ISA_AVX2 || isa->best == isa->hw_best))
		return LP_TIER_AVX;
	return LP_TIER_SSE;
}

/* Can the CPU run a core's kernels at all?  Cooperlake's additions are
 * bf16 routines only; its dgemm is SkylakeX's, so AVX-512 is the test. */
static inline int lp_core_runs(const gb_isa *isa, const struct lp_core_info *c)
{
	switch (c->tier) {
	case LP_TIER_AVX512:
		return isa->avx512f && isa->avx512dq && isa->avx512bw && isa->avx512vl && isa->avx512cd;
	case LP_TIER_AVX2:
		return isa->avx2 && isa->fma;
	case LP_TIER_AVX:
		return isa->avx;
	default:
		return !(c->need & LP_NEED_UNCHECKED) && (!(c->need & LP_NEED_SSE3) || isa->sse3) &&
		       (!(c->need & LP_NEED_SSSE3) || isa->ssse3) &&
		       (!(c->need & LP_NEED_SSE41) || isa->sse41) &&
		       (!(c->need & LP_NEED_SSE42) || (isa->sse42 && isa->popcnt));
	}
}

/* The core we run for a tier: SkylakeX for AVX-512 (Cooperlake adds
 * nothing for double precision), Haswell for AVX2+FMA (OpenBLAS 0.3.21
 * runs AMD Zen on these too), Sandybridge for AVX; below that the SSE
 * core matching the features.  One name per feature set: what 'auto'
 * runs depends on nothing else. */
static inline const char *lp_tier_core(const gb_isa *isa, int tier)
{
	switch (tier) {
	case LP_TIER_AVX512:
		return "SkylakeX";
	case LP_TIER_AVX2:
		return "Haswell";
	case LP_TIER_AVX:
		return "Sandybridge";
	default:
		if (isa->sse42 && isa->popcnt)
			return "Nehalem";
		if (isa->sse41)
			return "Penryn";
		if (isa->ssse3)
			return "Core2";
		return "Prescott";
	}
}

static inline const char *lp_tier_name(int tier)
{
	static const char *const n[] = { "sse", "avx", "avx2", "avx512" };
	return tier >= 0 && tier <= 3 ? n[tier] : "unknown";
}

/* What a core needs, for messages: its tier, or its SSE level. */
static inline const char *lp_core_needs(const struct lp_core_info *c)
{
	if (c->tier != LP_TIER_SSE)
		return lp_tier_name(c->tier);
	return c->need & LP_NEED_UNCHECKED ? "3DNow! prefetch (AMD K8-era kernels, not verifiable here)" :
	       c->need & LP_NEED_SSE42 ? "SSE4.2 and POPCNT" : c->need & LP_NEED_SSE41 ? "SSE4.1" :
	       c->need & LP_NEED_SSSE3 ? "SSSE3" : "SSE3";
}

typedef struct lp_core_choice {
	char core[32];		/* the core to run: a name of lp_cores, "" = keep the library's */
	int change;		/* core differs from the library's: set OPENBLAS_CORETYPE */
	int refuse;		/* --blas-core NAME the CPU cannot run (exit 3) */
	char reason[256];
} lp_core_choice;

/*
 * Decide.  'lib' is the core OpenBLAS chose (openblas_get_corename()),
 * 'request' is --blas-core: "auto", "library" or a core name (already
 * checked against lp_cores), 'env_forced' is non-zero when the user's own
 * OPENBLAS_CORETYPE made the library's choice.
 */
static inline void lp_core_select(const gb_isa *isa, const char *lib, const char *request,
				  int env_forced, lp_core_choice *out)
{
	memset(out, 0, sizeof *out);
	const struct lp_core_info *lc = lp_core_find(lib);
	snprintf(out->core, sizeof out->core, "%s", lib ? lib : "unknown");

	if (request && strcmp(request, "library") == 0) {
		snprintf(out->reason, sizeof out->reason, "--blas-core library: OpenBLAS's own choice");
		return;
	}
	if (request && strcmp(request, "auto") != 0) {
		const struct lp_core_info *rc = lp_core_find(request);
		if (!rc) {
			out->refuse = 1;
			snprintf(out->reason, sizeof out->reason, "--blas-core %s: not an OpenBLAS core type",
				 request);
			return;
		}
		if (!lp_core_runs(isa, rc)) {
			out->refuse = 1;
			snprintf(out->reason, sizeof out->reason,
				 "--blas-core %s needs %s, which this CPU (or the hypervisor) does not offer",
				 rc->name, lp_core_needs(rc));
			return;
		}
		snprintf(out->core, sizeof out->core, "%s", rc->name);
		out->change = !lc || strcasecmp(lc->name, rc->name) != 0;
		snprintf(out->reason, sizeof out->reason, "--blas-core %s", rc->name);
		return;
	}

	/* auto: the core is a function of the CPU's features (and GB_ISA's
	 * cap) alone.  The library's pick is only compared with it, never
	 * kept for itself: it depends on OPENBLAS_CORETYPE in the
	 * environment (a profile exporting Haswell, a container without
	 * it), so keeping it made the same CPU run SkylakeX natively and
	 * Cooperlake in a container - two kernels, not two layers. */
	int allowed = lp_tier_allowed(isa);
	const char *who = env_forced ? "OPENBLAS_CORETYPE in the environment" : "library";
	snprintf(out->core, sizeof out->core, "%s", lp_tier_core(isa, allowed));
	out->change = !lc || strcasecmp(out->core, lc->name) != 0;
	if (!out->change)
		snprintf(out->reason, sizeof out->reason, "%s: %s, the core for the CPU's features (%s)",
			 who, out->core, lp_tier_name(allowed));
	else if (!lc)
		snprintf(out->reason, sizeof out->reason,
			 "%s chose %s, unknown to gb-linpack; the CPU allows %s: %s", who,
			 lib ? lib : "nothing", lp_tier_name(allowed), out->core);
	else if (lc->tier < allowed)
		snprintf(out->reason, sizeof out->reason, "%s chose %s (%s kernels) but the CPU allows %s: %s",
			 who, lc->name, lp_tier_name(lc->tier), lp_tier_name(allowed), out->core);
	else if (lc->tier > allowed || !lp_core_runs(isa, lc))
		snprintf(out->reason, sizeof out->reason, "%s chose %s (%s kernels) but %s: %s", who,
			 lc->name, lp_tier_name(lc->tier),
			 isa->best < isa->hw_best ? "GB_ISA caps the level" : "the CPU does not allow them",
			 out->core);
	else
		snprintf(out->reason, sizeof out->reason,
			 "%s chose %s; the CPU's features (%s) always give %s, so every environment "
			 "runs the same kernels", who, lc->name, lp_tier_name(allowed), out->core);
}

#endif
