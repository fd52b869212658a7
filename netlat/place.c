/* place.c - where the two sides run: the requested CPU is checked against
 * the effective set (affinity mask and cgroup cpuset), the thread pinned,
 * and where it actually ran is read back at the end of each test, because
 * on a VM the same-CPU and cross-CPU round trips differ by 10x or more. */
#include <sched.h>

#include "netlat.h"
#include "team.h"
#include "topo.h"

int nl_cpu_allowed(int cpu)
{
	return cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &gb_effective_get()->cpus);
}

int nl_pin(int cpu)
{
	return cpu < 0 ? 0 : gb_pin_self(cpu);
}

int nl_cpu_now(void)
{
	int c = sched_getcpu();
	return c < 0 ? -1 : c;
}
