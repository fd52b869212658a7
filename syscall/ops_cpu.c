/* ops_cpu.c - instructions a hypervisor may intercept.
 *
 * CPUID always causes a VM exit under VT-x/AMD-V, so its cost is the most
 * direct measure of an exit round trip (native: ~100 ns; this KVM guest:
 * ~10 us).  RDTSC/RDTSCP normally run without an exit; a hypervisor that
 * traps them (TSC scaling off, migration safety) shows up here. */
#include "ops.h"

#include <x86intrin.h>

#include "cpuid.h"

static uint64_t loop_cpuid(void *ctx, uint64_t n)
{
	uint32_t r[4] = { 0, 0, 0, 0 }, acc = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		gb_cpuid_raw(0, 0, r);
		acc |= r[0];
	}
	uint64_t t = gb_now_ns() - t0;
	/* leaf 0 returns the highest basic leaf: at least 1 on any x86-64 */
	return acc ? t : sc_fail(ctx, "CPUID leaf 0 returned a zero maximum leaf");
}

static uint64_t loop_rdtsc(void *ctx, uint64_t n)
{
	uint64_t first = __rdtsc(), last = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		last = __rdtsc();
	uint64_t t = gb_now_ns() - t0;
	/* "moved", not "grew": unpinned, the thread may migrate to a vCPU
	 * whose TSC is a little behind */
	return last != first ? t : sc_fail(ctx, "RDTSC did not advance");
}

static int setup_rdtscp(sc_ctx *c)
{
	if (!gb_isa_get()->rdtscp)
		return sc_unavailable(c, 0, "the CPU (as the hypervisor presents it) has no RDTSCP");
	return 0;
}

static uint64_t loop_rdtscp(void *ctx, uint64_t n)
{
	unsigned aux;
	uint64_t first = __rdtscp(&aux), last = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		last = __rdtscp(&aux);
	uint64_t t = gb_now_ns() - t0;
	return last != first ? t : sc_fail(ctx, "RDTSCP did not advance");
}

const sc_op sc_ops_cpu[] = {
	{ "cpuid", "CPUID leaf 0: a VM exit and return in any hardware-virtualised guest",
	  NULL, loop_cpuid, NULL, 0, 0, 0 },
	{ "rdtsc", "RDTSC (time-stamp counter read)", NULL, loop_rdtsc, NULL, 0, 0, 0 },
	{ "rdtscp", "RDTSCP (ordered time-stamp counter read)", setup_rdtscp, loop_rdtscp, NULL, 0, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
