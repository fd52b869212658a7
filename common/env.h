/* env.h - the environment fingerprint stored in every result.
 *
 * It answers "where did this run?": hypervisor, container, sandbox, kernel,
 * CPU and ISA, clocksource, THP, seccomp, mitigations, cgroup limits, the
 * effective CPUs and memory.  Computed once and cached (CPUID is a VM exit).
 * Every probe tolerates a missing /proc, /sys or /etc and says "unknown". */
#ifndef GB_ENV_H
#define GB_ENV_H

#include "cgroup.h"
#include "cpuid.h"
#include "topo.h"
#include "util.h"

struct gb_json;

typedef struct gb_env {
	/* virtualization */
	char hypervisor[32];	/* "none", "KVM", "Microsoft Hyper-V", "VMware", "Xen", "QEMU TCG", ..., "unknown" */
	char hv_signature[13];
	char dmi_vendor[64], dmi_product[64];	/* "unknown" when /sys lacks them */
	/* containers and sandboxes */
	char container[32];	/* "none", "docker", "podman", "lxc", "kubernetes", "systemd-nspawn", "container", "unknown" */
	gb_strlist container_signs;	/* human-readable evidence */
	int gvisor;		/* 1 yes, 0 no, -1 unknown */
	char pid1[64];		/* comm of PID 1, "unknown" */
	int is_pid1;		/* this process is PID 1 (init of a VM or namespace) */
	/* kernel and CPU */
	char kernel[128];	/* uname -r */
	char kernel_version[128]; /* uname -v */
	char arch[16];
	const gb_isa *isa;
	char isa_flags[512];
	char clocksource[32];	/* "tsc", "kvm-clock", ..., "unknown" */
	char clocksources_available[128];
	char thp_enabled[16], thp_defrag[16];	/* "always", "madvise", "never", "unknown" */
	int hugepages_2m, hugepages_1g;	/* free reserved pages, -1 unknown */
	int seccomp;		/* 0 off, 1 strict, 2 filter, -1 unknown */
	int seccomp_filters;	/* -1 unknown */
	int no_new_privs;	/* -1 unknown */
	char mitigations[160];	/* summary, e.g. "12 mitigated, 2 vulnerable, 6 not affected" */
	gb_strlist vulnerabilities;	/* "spectre_v2: Mitigation: ..." */
	int uid;
	/* limits and shape */
	gb_cgroup cgroup;
	/* the real machine's, even for a fixture-root probe: hwloc and the
	 * affinity mask cannot be read from a fixture tree.  NULL-safe in
	 * gb_env_json/gb_env_summary for callers that build an env by hand. */
	const gb_topo *topo;
	const gb_effective *eff;
	int online_cpus;	/* sysconf, -1 unknown */
	uint64_t mem_total;	/* bytes, 0 unknown */
	char libc[32];
} gb_env;

/* The real environment, probed on first call, cached. */
const gb_env *gb_env_get(void);

/* Probe with all file reads under 'root' (fixture trees in tests).  The
 * caller owns *out; free with gb_env_free.  CPUID, uname, getpid, getuid,
 * sysconf, the libc version and topo/eff are still the real ones; the
 * prctl/sysinfo fallbacks for a missing /proc only run for the real root. */
void gb_env_probe(const char *root, gb_env *out);
void gb_env_free(gb_env *e);

/* CPUID leaf 0x40000000 signature -> "KVM", "Microsoft Hyper-V", ...;
 * an unlisted signature is returned as is, "" or NULL as "unknown". */
const char *gb_env_hypervisor_name(const char *signature);

/* One line for the table header:
 * "KVM guest · no container · Linux 6.1 · <brand> · avx512 · ..." */
void gb_env_summary(const gb_env *e, char *buf, unsigned size);

/* Write the fingerprint as a JSON object (the "env" member). */
void gb_env_json(struct gb_json *j, const gb_env *e);

#endif
