/* cgroup.h - the limits the process's control groups put on it.
 *
 * Both cgroup v1 (per-controller hierarchies, as on the reference machine)
 * and v2 (unified) are read.  Limits are inherited downwards, so each is
 * taken as the tightest value found walking from the process's own group up
 * to the root of the mounted hierarchy. */
#ifndef GB_CGROUP_H
#define GB_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sched.h>

typedef struct gb_cgroup {
	int version;		/* 0 none/unknown, 1 v1, 2 v2 (hybrid: v1 if v1 has the controllers) */
	char path[512];		/* the process's group (memory controller on v1), "" if unknown */
	double cpu_quota;	/* CPUs' worth of quota (quota/period), 0 = no limit or unknown */
	char cpu_quota_at[512];	/* directory of the group that set the tightest
				 * quota, e.g. "/sys/fs/cgroup/cpu,cpuacct/batch"
				 * (without the probe's root prefix), "" if none */
	int has_cpuset;		/* cpuset below is meaningful */
	cpu_set_t cpuset;	/* effective cpuset of the group */
	char cpuset_list[256];	/* as written in the file, e.g. "0-1" */
	uint64_t mem_max;	/* bytes, 0 = no limit or unknown */
	char mem_max_at[512];	/* as cpu_quota_at; v1 may add " (hierarchical_memory_limit)"
				 * when only memory.stat reveals an invisible ancestor's limit */
	uint64_t mem_usage;	/* bytes in the limiting group (our own group when there is
				 * no limit), less inactive file cache */
	int has_mem_usage;
} gb_cgroup;

/* Probe under 'root' ("" = the real filesystem; tests pass fixture trees).
 * Never fails: whatever cannot be read stays "no limit"/unknown. */
void gb_cgroup_probe(const char *root, gb_cgroup *out);

/* The real system's, probed once and cached. */
const gb_cgroup *gb_cgroup_get(void);

/* The process's groups: one entry per line of /proc/self/cgroup,
 * "hierarchy-id:controllers:path". */
typedef struct gb_cgroup_groups {
	size_t n;
	struct gb_cgroup_group {
		const char *hier;	/* "0" is v2's unified hierarchy */
		const char *controllers;	/* "cpu,cpuacct"; "" on v2 */
		const char *path;	/* as written, e.g. "/docker/<id>" */
	} *v;
	char *text;		/* owns the strings above */
} gb_cgroup_groups;

/* Read them under 'root'.  Lines without two colons are skipped; the
 * path is everything after the second one.  Returns 0 (n may be 0), or -1
 * when the file cannot be read.  Free with gb_cgroup_groups_free. */
int gb_cgroup_groups_read(const char *root, gb_cgroup_groups *out);
void gb_cgroup_groups_free(gb_cgroup_groups *g);

/* Parsers, exposed for unit tests.  Each returns 0 when the text gives a
 * limit, 1 when it says "no limit" (max, -1, huge), -1 on junk/empty. */
int gb_cgroup_parse_cpu_max(const char *text, double *cpus);		/* v2 cpu.max */
int gb_cgroup_parse_v1_quota(const char *quota, const char *period, double *cpus);
int gb_cgroup_parse_mem(const char *text, uint64_t *bytes);		/* memory.max / limit_in_bytes */

/* CPU bandwidth throttling so far: cpu.stat's counters summed over the
 * process's group in the cpu controller and every ancestor up to the top
 * of the mount (a quota at any level stops our threads).  v1: nr_throttled
 * and throttled_time (ns); v2: nr_throttled and throttled_usec.  A level
 * whose cpu.stat has no such fields has no bandwidth limit and adds 0.
 * Returns 0, or -1 when no cpu.stat could be read at any level (no
 * cgroup filesystem here: unknown, which is not the same as none). */
int gb_cgroup_throttling(const char *root, uint64_t *nr_throttled, uint64_t *throttled_ns);

/* One cpu.stat: 0 with its two counters (time in ns), 1 when it has no
 * throttling fields (both 0), -1 on junk in them. */
int gb_cgroup_parse_cpu_stat(const char *text, uint64_t *nr_throttled, uint64_t *throttled_ns);


#endif
