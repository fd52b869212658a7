/* steal.c - steal time of each CPU during the run (/proc/stat): the time
 * the hypervisor ran something else while this guest's vCPU wanted to
 * run.  A wake-up that comes late because the vCPU was not running at all
 * is steal, not the timer path; the per-CPU figure says which CPUs lost
 * time.  The parsing is common/disturb's (which sums the CPUs of a set),
 * asked one CPU at a time. */
#include <stdio.h>
#include <stdlib.h>

#include "disturb.h"
#include "timer.h"
#include "util.h"

int tm_steal_parse(const char *stat, const int *cpu, int n, uint64_t *ticks)
{
	for (int i = 0; i < n; i++) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu[i], &one);
		if (gb_disturb_parse_steal(stat, &one, &ticks[i]) != 0)
			return -1;
	}
	return 0;
}

int tm_steal_read(const char *root, const int *cpu, int n, uint64_t *ticks, char *why, size_t len)
{
	size_t size;
	char *text = gb_read_all(root, "/proc/stat", &size);
	if (!text) {
		snprintf(why, len, "/proc/stat cannot be read (no /proc here)");
		return -1;
	}
	int rc = tm_steal_parse(text, cpu, n, ticks);
	free(text);
	if (rc)
		snprintf(why, len, "/proc/stat has no steal field for every CPU measured");
	return rc;
}
