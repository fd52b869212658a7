/* trust.c - can sub-microsecond figures from this environment be
 * trusted?  A table of rules, each able to say no with its reason; the
 * verdict is yes only when none does.  What each rule guards against:
 *   a clock read that is a system call (or costs as much) adds its cost
 *   and its noise to every interval a benchmark times;
 *   a clock that moves in steps of a microsecond or more cannot resolve
 *   less than a step;
 *   a clock that goes backwards between CPUs makes every interval timed
 *   across two CPUs wrong by that much;
 *   a TSC clocksource without the invariant-TSC flag, or a TSC whose rate
 *   changed during the run, may count at another speed than time does.
 * A fact that was not measured (one CPU: no cross-CPU check) decides
 * nothing; the reason then says it was not checked. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "timer.h"

#define COSTLY_NS 250.0		/* a read costing a quarter of a microsecond */
#define STEP_NS 1000.0		/* coarser than a microsecond */
#define DRIFT_PPM 1000.0	/* NTP slews CLOCK_MONOTONIC by at most 500 ppm */

int tm_in_vdso(double vdso_ns, double syscall_ns)
{
	return vdso_ns < TM_VDSO_SHARE * syscall_ns;
}

typedef int (*rule_fn)(const tm_trust_in *in, char *buf, size_t len);

static int not_vdso(const tm_trust_in *in, char *buf, size_t len)
{
	if (isnan(in->mono_ns) || isnan(in->mono_syscall_ns) || tm_in_vdso(in->mono_ns, in->mono_syscall_ns))
		return 0;
	snprintf(buf, len, "CLOCK_MONOTONIC costs %.0f ns through the vDSO against %.0f ns as a system call: "
		 "it has left the vDSO (the clocksource cannot be read in user space)",
		 in->mono_ns, in->mono_syscall_ns);
	return 1;
}

static int costly(const tm_trust_in *in, char *buf, size_t len)
{
	if (!(in->mono_ns > COSTLY_NS))
		return 0;
	snprintf(buf, len, "one CLOCK_MONOTONIC read costs %.0f ns (over %.0f)", in->mono_ns, COSTLY_NS);
	return 1;
}

static int coarse(const tm_trust_in *in, char *buf, size_t len)
{
	if (!(in->tick_ns > STEP_NS))
		return 0;
	snprintf(buf, len, "CLOCK_MONOTONIC advances in steps of %.0f ns", in->tick_ns);
	return 1;
}

static int backwards(const tm_trust_in *in, char *buf, size_t len)
{
	if (in->backwards <= 0)
		return 0;
	snprintf(buf, len, "time went backwards between CPUs %lld times, by up to %.0f ns", in->backwards,
		 in->max_back_ns);
	return 1;
}

static int tsc_not_invariant(const tm_trust_in *in, char *buf, size_t len)
{
	if (!in->tsc_clocksource || in->invariant_tsc)
		return 0;
	snprintf(buf, len, "the clocksource is the TSC but the CPU does not advertise an invariant TSC");
	return 1;
}

static int tsc_drift(const tm_trust_in *in, char *buf, size_t len)
{
	if (isnan(in->tsc_drift_ppm) || fabs(in->tsc_drift_ppm) <= DRIFT_PPM)
		return 0;
	snprintf(buf, len, "the TSC's rate against CLOCK_MONOTONIC changed by %.0f ppm during the run",
		 in->tsc_drift_ppm);
	return 1;
}

static const rule_fn rules[] = { not_vdso, costly, coarse, backwards, tsc_not_invariant, tsc_drift };

int tm_trust(const tm_trust_in *in, char *why, size_t len)
{
	char buf[256];
	size_t used = 0;
	int trusted = 1;
	why[0] = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		if (!rules[i](in, buf, sizeof buf))
			continue;
		trusted = 0;
		if (used < len)
			used += (size_t)snprintf(why + used, len - used, "%s%s", used ? "; " : "", buf);
	}
	if (!trusted)
		return 0;
	snprintf(why, len, "CLOCK_MONOTONIC: %.0f ns a read%s, steps of %.0f ns, %s", in->mono_ns,
		 isnan(in->mono_syscall_ns) ? "" : " in the vDSO", in->tick_ns,
		 in->backwards < 0 ? "not checked across CPUs (one CPU)" : "no backward step across CPUs");
	return 1;
}
