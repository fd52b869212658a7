/* env.c - the environment fingerprint (see env.h).
 *
 * Every file is read through gb_read_text/gb_read_all with the 'root'
 * prefix, so the unit tests can point the probe at a fixture tree.  What
 * does not come from files stays real even then: CPUID, uname, getpid,
 * getuid, sysconf, gnu_get_libc_version, and the topology/effective
 * pointers (hwloc and the affinity mask describe the machine, a fixture
 * tree cannot stand in for them).  System calls used as fallbacks for a
 * missing /proc (prctl, sysinfo) only run when 'root' is the real one.
 *
 * Container evidence is collected as human-readable signs; the runtime
 * named is the most specific one the signs support. */
#include "env.h"
#include "format.h"
#include "json.h"
#include "parse.h"

#include <ctype.h>
#include <dirent.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"

/* include/linux/proc_ns.h: the initial PID namespace's fixed inode */
#define PROC_PID_INIT_INO 0xEFFFFFFCul

/* What gVisor's sentry reports as uname -v (and in /proc/version), the
 * same string in every release since 2018; the release itself changed
 * from "4.4.0" to "4.19.0-gvisor", so it is not matched exactly. */
#define GVISOR_UTS_VERSION "#1 SMP Sun Jan 10 15:06:54 PST 2016"

static int real_root(const char *root)
{
	return !root || !*root;
}

/* ------------------------------------------------------------ small -- */

/* A one-line file into dst, "unknown" when missing or empty. */
static void read_word(const char *root, const char *path, char *dst, size_t size)
{
	char buf[512];

	if (gb_read_text(root, path, buf, sizeof buf) > 0)
		gb_strlcpy(dst, buf, size);
	else
		gb_strlcpy(dst, "unknown", size);
}

/* A non-negative integer file, -1 when missing or junk. */
static int read_count(const char *root, const char *path)
{
	char buf[64];
	uint64_t v;

	if (gb_read_text(root, path, buf, sizeof buf) <= 0 || gb_parse_u64(buf, &v) < 0 ||
	    v > INT_MAX)
		return -1;
	return (int)v;
}

/* "always [madvise] never" -> "madvise" */
static void bracketed(const char *root, const char *path, char *dst, size_t size)
{
	char buf[256];
	const char *l, *r;

	gb_strlcpy(dst, "unknown", size);
	if (gb_read_text(root, path, buf, sizeof buf) <= 0)
		return;
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!l || !r || r == l + 1)
		return;
	size_t n = (size_t)(r - l - 1);
	if (n >= size)
		n = size - 1;
	memcpy(dst, l + 1, n);
	dst[n] = 0;
}

/* ---------------------------------------------------- virtualization -- */

const char *gb_env_hypervisor_name(const char *sig)
{
	/* CPUID leaf 0x40000000 signatures, as the hypervisors define them */
	static const struct { const char *sig, *name; } names[] = {
		{ "KVMKVMKVM", "KVM" },
		{ "Microsoft Hv", "Microsoft Hyper-V" },
		{ "VMwareVMware", "VMware" },
		{ "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU TCG" },
		{ "bhyve bhyve ", "bhyve" },
		{ "ACRNACRNACRN", "ACRN" },
		{ " lrpepyh  vr", "Parallels" },
		{ "VBoxVBoxVBox", "VirtualBox" },
		{ "QNXQVMBSQG", "QNX" },
	};

	if (!sig || !*sig)
		return "unknown";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(sig, names[i].sig))
			return names[i].name;
	return sig;
}

static void probe_virt(const char *root, gb_env *e)
{
	gb_strlcpy(e->hv_signature, e->isa->hv_vendor, sizeof e->hv_signature);
	if (!e->isa->hypervisor)
		gb_strlcpy(e->hypervisor, "none", sizeof e->hypervisor);
	else
		gb_strlcpy(e->hypervisor, gb_env_hypervisor_name(e->hv_signature),
			   sizeof e->hypervisor);
	read_word(root, "/sys/class/dmi/id/sys_vendor", e->dmi_vendor, sizeof e->dmi_vendor);
	read_word(root, "/sys/class/dmi/id/product_name", e->dmi_product, sizeof e->dmi_product);
}

/* -------------------------------------------------------- containers -- */

/* Runtimes, most specific first: a Kubernetes pod run by docker or
 * podman is reported as kubernetes, anything else unnamed as container. */
enum { RT_K8S, RT_PODMAN, RT_DOCKER, RT_LXC, RT_NSPAWN, RT_GENERIC, NRT };
static const char *const rt_name[NRT] = {
	"kubernetes", "podman", "docker", "lxc", "systemd-nspawn", "container",
};

struct cprobe {
	int seen[NRT];
	int informed;	/* some /proc evidence could be read: "none" is meaningful */
	int init_pidns;	/* 1 initial PID namespace, 0 another, -1 unknown */
};

static int runtime_of_container_var(const char *v)
{
	if (!strcmp(v, "docker"))
		return RT_DOCKER;
	if (!strcmp(v, "podman"))
		return RT_PODMAN;
	if (!strncmp(v, "lxc", 3))	/* "lxc", "lxc-libvirt" */
		return RT_LXC;
	if (!strcmp(v, "systemd-nspawn"))
		return RT_NSPAWN;
	return RT_GENERIC;		/* "oci", "crio", ... */
}

static int any_seen(const struct cprobe *c)
{
	for (int rt = 0; rt < NRT; rt++)
		if (c->seen[rt])
			return 1;
	return 0;
}

/*
 * The engines' marker files.  VM disks and initramfs images are often
 * built from container images and keep the marker (the reference VM has a
 * /.dockerenv), so a marker alone is not believed: it needs a PID
 * namespace other than the initial one, or another sign of a container.
 * Otherwise it is reported with the reason and names no runtime.
 */
static void marker(gb_env *e, struct cprobe *c, int believe, const char *what, int rt)
{
	if (believe) {
		gb_strlist_addf(&e->container_signs, "%s exists", what);
		c->seen[rt] = 1;
	} else if (c->init_pidns == 1) {
		gb_strlist_addf(&e->container_signs,
				"%s exists, but in the initial PID namespace (left from an image build?)",
				what);
	} else {
		gb_strlist_addf(&e->container_signs,
				"%s exists, unconfirmed (PID namespace unknown)", what);
	}
}

static void probe_marker_files(const char *root, gb_env *e, struct cprobe *c)
{
	int docker = gb_path_exists(root, "/.dockerenv");
	int cenv = gb_path_exists(root, "/run/.containerenv");
	int other = 0;
	/* decided once: one leftover marker must not vouch for another */
	int believe = c->init_pidns == 0 || any_seen(c);

	if (cenv) {
		char buf[1024];
		/* podman writes engine="podman-<version>"; CRI-O and
		 * others create the file too, with other or no content */
		other = gb_read_text(root, "/run/.containerenv", buf, sizeof buf) > 0 &&
			strstr(buf, "engine=\"") && !strstr(buf, "engine=\"podman");
	}
	if (docker)
		marker(e, c, believe, "/.dockerenv", RT_DOCKER);
	if (cenv)
		marker(e, c, believe, "/run/.containerenv", other ? RT_GENERIC : RT_PODMAN);
}

/* PID 1's environment: NUL-separated, usually readable only by root. */
static void probe_pid1_environ(const char *root, gb_env *e, struct cprobe *c)
{
	size_t len;
	char *env = gb_read_all(root, "/proc/1/environ", &len);

	if (!env)
		return;
	c->informed = 1;
	for (size_t i = 0; i < len; i += strlen(env + i) + 1) {
		const char *v = env + i;
		if (!strncmp(v, "container=", 10) && v[10]) {
			gb_strlist_addf(&e->container_signs, "container=%s in /proc/1/environ", v + 10);
			c->seen[runtime_of_container_var(v + 10)] = 1;
		} else if (!strncmp(v, "KUBERNETES_SERVICE_HOST=", 24)) {
			gb_strlist_add(&e->container_signs,
				       "KUBERNETES_SERVICE_HOST in /proc/1/environ");
			c->seen[RT_K8S] = 1;
		}
	}
	free(env);
}

/* One group path of /proc/self/cgroup against the runtimes' naming. */
static int runtime_of_cgroup_path(const char *p)
{
	if (strstr(p, "kubepods"))
		return RT_K8S;
	if (strstr(p, "libpod"))
		return RT_PODMAN;
	/* "/docker/<id>" (cgroupfs) or "docker-<id>.scope" (systemd), but
	 * not "docker.service", which is the daemon on the host */
	if (strstr(p, "/docker/") || strstr(p, "/docker-"))
		return RT_DOCKER;
	if (strstr(p, "/lxc/") || strstr(p, "/lxc.payload"))
		return RT_LXC;
	if (strstr(p, "/machine.slice/"))
		return RT_NSPAWN;
	return -1;
}

static void probe_cgroup_paths(const char *root, gb_env *e, struct cprobe *c)
{
	gb_cgroup_groups g;
	int noted[NRT] = { 0 };

	if (gb_cgroup_groups_read(root, &g) < 0)
		return;
	c->informed = 1;
	for (size_t i = 0; i < g.n; i++) {
		const char *path = g.v[i].path;
		int rt = runtime_of_cgroup_path(path);
		if (rt < 0 || noted[rt])
			continue;
		noted[rt] = c->seen[rt] = 1;
		gb_strlist_addf(&e->container_signs, "cgroup path %s", path);
	}
	gb_cgroup_groups_free(&g);
}

/*
 * Containers nearly always get their own PID namespace; hosts, VMs and
 * their initramfs run in the initial one, whose inode number is fixed.
 * This is also what keeps a custom init (a VM agent as PID 1, like the
 * reference machine's) from being mistaken for a container.
 */
static void probe_pidns(const char *root, gb_env *e, struct cprobe *c)
{
	char path[PATH_MAX], link[64];
	unsigned long ino;

	c->init_pidns = -1;
	if (gb_root_path(root, "/proc/self/ns/pid", path, sizeof path) < 0)
		return;
	ssize_t n = readlink(path, link, sizeof link - 1);
	if (n <= 0)
		return;
	link[n] = 0;
	if (sscanf(link, "pid:[%lu]", &ino) != 1)
		return;
	c->informed = 1;
	c->init_pidns = ino == PROC_PID_INIT_INO;
	if (!c->init_pidns) {
		gb_strlist_addf(&e->container_signs, "PID namespace %s is not the initial one", link);
		c->seen[RT_GENERIC] = 1;
	}
}

static int is_init_name(const char *comm)
{
	static const char *const inits[] = {
		"systemd", "init", "openrc-init", "runit", "runit-init", "s6-svscan",
	};

	for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++)
		if (!strcmp(comm, inits[i]))
			return 1;
	return 0;
}

static void probe_pid1(const char *root, gb_env *e, struct cprobe *c)
{
	e->is_pid1 = getpid() == 1;
	read_word(root, "/proc/1/comm", e->pid1, sizeof e->pid1);
	if (!strcmp(e->pid1, "unknown"))
		return;
	c->informed = 1;
	/* our own program as PID 1 is PID-1 mode (a VM's or namespace's
	 * init), and any init in the initial namespace is a host's or VM's
	 * own: neither says "container" */
	if (e->is_pid1 || is_init_name(e->pid1) || c->init_pidns == 1)
		return;
	gb_strlist_addf(&e->container_signs, "PID 1 is '%s', not an init", e->pid1);
	c->seen[RT_GENERIC] = 1;
}

/*
 * gVisor's sentry implements /proc itself: it has a /proc/sentry-meminfo
 * no Linux has (since 2022), /proc/cmdline reads
 * "BOOT_IMAGE=/vmlinuz-<release>-gvisor quiet", and uname -v and
 * /proc/version carry its fixed fake build string.  Any one is enough.
 */
static void probe_gvisor(const char *root, gb_env *e)
{
	char buf[512];
	int looked = 0;

	e->gvisor = -1;
	if (gb_path_exists(root, "/proc/sentry-meminfo"))
		gb_strlist_add(&e->container_signs, "gVisor: /proc/sentry-meminfo exists");
	if (gb_read_text(root, "/proc/cmdline", buf, sizeof buf) >= 0) {
		looked = 1;
		if (strstr(buf, "-gvisor"))
			gb_strlist_add(&e->container_signs, "gVisor: /proc/cmdline names a -gvisor kernel");
	}
	if (gb_read_text(root, "/proc/version", buf, sizeof buf) >= 0) {
		looked = 1;
		if (strstr(buf, GVISOR_UTS_VERSION) || strstr(buf, "-gvisor"))
			gb_strlist_add(&e->container_signs, "gVisor: /proc/version is the sentry's");
	}
	if (real_root(root)) {
		size_t rl = strlen(e->kernel);
		looked = 1;
		if (!strcmp(e->kernel_version, GVISOR_UTS_VERSION) ||
		    (rl > 7 && !strcmp(e->kernel + rl - 7, "-gvisor")))
			gb_strlist_addf(&e->container_signs, "gVisor: uname %s %s", e->kernel,
					e->kernel_version);
	}
	for (size_t i = 0; i < e->container_signs.n; i++)
		if (!strncmp(e->container_signs.v[i], "gVisor:", 7))
			e->gvisor = 1;
	if (e->gvisor < 0 && looked)
		e->gvisor = 0;
}

static void probe_container(const char *root, gb_env *e)
{
	struct cprobe c = { .init_pidns = -1 };

	/* strong, specific evidence first: it decides how much the marker
	 * files and PID 1's name are believed */
	probe_pid1_environ(root, e, &c);
	probe_cgroup_paths(root, e, &c);
	probe_pidns(root, e, &c);
	probe_marker_files(root, e, &c);
	probe_pid1(root, e, &c);
	probe_gvisor(root, e);
	if (e->gvisor == 1)
		c.seen[RT_GENERIC] = 1;	/* runsc is a container runtime */

	gb_strlcpy(e->container, c.informed ? "none" : "unknown", sizeof e->container);
	for (int rt = 0; rt < NRT; rt++) {
		if (c.seen[rt]) {
			gb_strlcpy(e->container, rt_name[rt], sizeof e->container);
			break;
		}
	}
}

/* ------------------------------------------------------------ kernel -- */

static void probe_uname(gb_env *e)
{
	struct utsname u;

	if (uname(&u) < 0) {
		gb_strlcpy(e->kernel, "unknown", sizeof e->kernel);
		gb_strlcpy(e->kernel_version, "unknown", sizeof e->kernel_version);
		gb_strlcpy(e->arch, "unknown", sizeof e->arch);
		return;
	}
	gb_strlcpy(e->kernel, u.release, sizeof e->kernel);
	gb_strlcpy(e->kernel_version, u.version, sizeof e->kernel_version);
	gb_strlcpy(e->arch, u.machine, sizeof e->arch);
}

/* "Name:\t<int>" from /proc/self/status; -1 when absent or junk. */
static int status_field(const char *status, const char *name)
{
	size_t nl = strlen(name);
	int64_t v;

	for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, nl) || p[nl] != ':')
			continue;
		char num[32];
		const char *s = p + nl + 1;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strcspn(s, " \t\n");
		if (!n || n >= sizeof num)
			return -1;
		memcpy(num, s, n);
		num[n] = 0;
		return gb_parse_i64(num, &v) == 0 && v >= 0 && v <= INT_MAX ? (int)v : -1;
	}
	return -1;
}

static void probe_seccomp(const char *root, gb_env *e)
{
	char *status = gb_read_all(root, "/proc/self/status", NULL);

	e->seccomp = e->seccomp_filters = e->no_new_privs = -1;
	if (status) {
		e->seccomp = status_field(status, "Seccomp");
		e->seccomp_filters = status_field(status, "Seccomp_filters");
		e->no_new_privs = status_field(status, "NoNewPrivs");
		free(status);
		return;
	}
	/* no /proc (a bare initramfs): ask the kernel directly */
	if (!real_root(root))
		return;
	int m = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (m >= 0)
		e->seccomp = m;
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (nnp >= 0)
		e->no_new_privs = nnp;
}

struct vuln {
	char name[128];
	char text[384];
};

static int vuln_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vuln *)a)->name, ((const struct vuln *)b)->name);
}

static void vuln_summary(gb_env *e, const struct vuln *v, size_t n)
{
	unsigned mit = 0, vul = 0, na = 0, unk = 0;

	for (size_t i = 0; i < n; i++) {
		gb_strlist_addf(&e->vulnerabilities, "%s: %s", v[i].name, v[i].text);
		if (!strncmp(v[i].text, "Mitigation", 10))
			mit++;
		else if (!strncmp(v[i].text, "Vulnerable", 10))
			vul++;
		else if (!strncmp(v[i].text, "Not affected", 12))
			na++;
		else
			unk++;
	}
	int len = snprintf(e->mitigations, sizeof e->mitigations,
			   "%u mitigated, %u vulnerable, %u not affected", mit, vul, na);
	if (unk && len > 0 && (size_t)len < sizeof e->mitigations)
		snprintf(e->mitigations + len, sizeof e->mitigations - (size_t)len, ", %u unknown", unk);
}

static void probe_mitigations(const char *root, gb_env *e)
{
	char dirpath[PATH_MAX];
	struct vuln *v = NULL;
	size_t n = 0, cap = 0;

	gb_strlcpy(e->mitigations, "unknown", sizeof e->mitigations);
	if (gb_root_path(root, VULN_DIR, dirpath, sizeof dirpath) < 0)
		return;
	DIR *d = opendir(dirpath);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));) {
		char path[PATH_MAX], text[384];
		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof v->name)
			continue;
		snprintf(path, sizeof path, "%s/%s", VULN_DIR, de->d_name);
		if (gb_read_text(root, path, text, sizeof text) <= 0)
			continue;	/* a directory, or unreadable: not a verdict */
		v = gb_grow(v, n, &cap, sizeof *v);
		gb_strlcpy(v[n].name, de->d_name, sizeof v[n].name);
		gb_strlcpy(v[n].text, text, sizeof v[n].text);
		n++;
	}
	closedir(d);
	/* readdir order is arbitrary: sorted output diffs cleanly */
	if (n) {
		qsort(v, n, sizeof *v, vuln_cmp);
		vuln_summary(e, v, n);
	}
	free(v);
}

static void probe_kernel(const char *root, gb_env *e)
{
	probe_uname(e);
	read_word(root, "/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  e->clocksource, sizeof e->clocksource);
	read_word(root, "/sys/devices/system/clocksource/clocksource0/available_clocksource",
		  e->clocksources_available, sizeof e->clocksources_available);
	bracketed(root, "/sys/kernel/mm/transparent_hugepage/enabled", e->thp_enabled,
		  sizeof e->thp_enabled);
	bracketed(root, "/sys/kernel/mm/transparent_hugepage/defrag", e->thp_defrag,
		  sizeof e->thp_defrag);
	e->hugepages_2m = read_count(root, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	e->hugepages_1g = read_count(root, "/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages");
	probe_seccomp(root, e);
	probe_mitigations(root, e);
}

/* ------------------------------------------------------------ memory -- */

static uint64_t mem_total(const char *root)
{
	uint64_t bytes = gb_meminfo(root, "MemTotal");
	struct sysinfo si;

	/* sysinfo stands in for a missing /proc only: a /proc that says
	 * nothing useful leaves the total unknown */
	if (bytes || gb_path_exists(root, "/proc/meminfo"))
		return bytes;
	if (real_root(root) && sysinfo(&si) == 0)
		return (uint64_t)si.totalram * si.mem_unit;
	return 0;
}

/* ------------------------------------------------------------- probe -- */

void gb_env_probe(const char *root, gb_env *out)
{
	memset(out, 0, sizeof *out);
	if (!root)
		root = "";
	out->isa = gb_isa_get();
	gb_isa_flags(out->isa, out->isa_flags, sizeof out->isa_flags);

	probe_virt(root, out);
	probe_kernel(root, out);	/* before containers: gVisor checks uname */
	probe_container(root, out);
	gb_cgroup_probe(root, &out->cgroup);

	out->uid = (int)getuid();
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	out->online_cpus = n > 0 && n <= INT_MAX ? (int)n : -1;
	out->mem_total = mem_total(root);
	snprintf(out->libc, sizeof out->libc, "glibc %s", gnu_get_libc_version());
	/* the machine's shape, whatever the root (see the top of the file) */
	out->topo = gb_topo_get();
	out->eff = gb_effective_get();
}

void gb_env_free(gb_env *e)
{
	gb_strlist_free(&e->container_signs);
	gb_strlist_free(&e->vulnerabilities);
}

static gb_env real_env;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static void probe_real(void)
{
	gb_env_probe("", &real_env);
}

const gb_env *gb_env_get(void)
{
	pthread_once(&env_once, probe_real);
	return &real_env;
}

/* ----------------------------------------------------------- summary -- */

struct line {
	char *buf;
	size_t size, len;
};

static void part(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append " · <part>"; stops quietly when the buffer is full. */
static void part(struct line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->len + 1 >= l->size)
		return;
	if (l->len) {
		int n = snprintf(l->buf + l->len, l->size - l->len, " \u00b7 ");
		l->len = n > 0 && (size_t)n < l->size - l->len ? l->len + (size_t)n : l->size - 1;
	}
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
	va_end(ap);
	l->len = n > 0 && (size_t)n < l->size - l->len ? l->len + (size_t)n : l->size - 1;
}

static void summary_virt(struct line *l, const gb_env *e)
{
	if (!strcmp(e->hypervisor, "none"))
		part(l, "no hypervisor");
	else if (!strcmp(e->hypervisor, "unknown"))
		part(l, "unknown hypervisor");
	else
		part(l, "%s guest", e->hypervisor);

	const char *sandbox = e->gvisor == 1 ? " (gVisor)" : "";
	if (!strcmp(e->container, "none"))
		part(l, "no container%s", sandbox);
	else if (!strcmp(e->container, "unknown"))
		part(l, "container unknown%s", sandbox);
	else
		part(l, "%s container%s", e->container, sandbox);
	if (e->is_pid1)
		part(l, "PID 1");
}

static void summary_limits(struct line *l, const gb_env *e)
{
	char b[32];

	if (e->cgroup.cpu_quota > 0)
		part(l, "CPU quota %.2g", e->cgroup.cpu_quota);
	if (e->cgroup.mem_max) {
		gb_fmt_bytes(b, sizeof b, e->cgroup.mem_max);
		part(l, "memory limit %s", b);
	}
	int cpus = e->eff ? e->eff->ncpus : e->online_cpus;
	if (e->mem_total)
		gb_fmt_bytes(b, sizeof b, e->mem_total);
	else
		gb_strlcpy(b, "memory unknown", sizeof b);
	if (cpus > 0)
		part(l, "%d CPU%s, %s", cpus, cpus == 1 ? "" : "s", b);
	else
		part(l, "CPUs unknown, %s", b);
}

void gb_env_summary(const gb_env *e, char *buf, unsigned size)
{
	struct line l = { buf, size, 0 };
	static const char *const sc[] = { "off", "strict", "filter" };

	if (!size)
		return;
	buf[0] = 0;
	summary_virt(&l, e);
	part(&l, "Linux %s", e->kernel);
	part(&l, "%s", e->isa->brand);
	if (e->isa->best != e->isa->hw_best)
		part(&l, "%s (of %s)", gb_isa_name(e->isa->best), gb_isa_name(e->isa->hw_best));
	else
		part(&l, "%s", gb_isa_name(e->isa->best));
	part(&l, "clocksource %s", e->clocksource);
	part(&l, "THP %s", e->thp_enabled);
	if (e->seccomp >= 0 && e->seccomp <= 2)
		part(&l, "seccomp %s", sc[e->seccomp]);
	else
		part(&l, "seccomp unknown");
	summary_limits(&l, e);
}

/* -------------------------------------------------------------- json -- */

/* Conventions: a string nobody could read is "unknown"; a number that is
 * unknown (or "no limit") is null, never a made-up 0 or -1. */
static void json_count(gb_json *j, const char *key, long long v)
{
	if (v < 0)
		gb_json_null(j, key);
	else
		gb_json_int(j, key, v);
}

static void json_positive(gb_json *j, const char *key, long long v)
{
	if (v <= 0)
		gb_json_null(j, key);
	else
		gb_json_int(j, key, v);
}

static void json_tristate(gb_json *j, const char *key, int v)
{
	if (v < 0)
		gb_json_null(j, key);
	else
		gb_json_bool(j, key, v);
}

static void json_virt(gb_json *j, const gb_env *e)
{
	gb_json_obj_begin(j, "virtualization");
	gb_json_str(j, "hypervisor", e->hypervisor);	/* "none" = CPUID hypervisor bit clear */
	gb_json_str(j, "signature", e->hv_signature);	/* raw leaf 0x40000000 text, "" if none */
	gb_json_str(j, "dmi_vendor", e->dmi_vendor);
	gb_json_str(j, "dmi_product", e->dmi_product);
	gb_json_obj_end(j);
}

static void json_container(gb_json *j, const gb_env *e)
{
	gb_json_obj_begin(j, "container");
	gb_json_str(j, "runtime", e->container);	/* "none" needs /proc evidence */
	gb_json_arr_begin(j, "signs");		/* why: one line per piece of evidence */
	for (size_t i = 0; i < e->container_signs.n; i++)
		gb_json_str(j, NULL, e->container_signs.v[i]);
	gb_json_arr_end(j);
	json_tristate(j, "gvisor", e->gvisor);	/* null: nothing to tell by */
	gb_json_str(j, "pid1", e->pid1);		/* comm of PID 1 */
	gb_json_bool(j, "is_pid1", e->is_pid1);	/* we are PID 1 (init of a VM or namespace) */
	gb_json_obj_end(j);
}

static void json_vulns(gb_json *j, const gb_env *e)
{
	gb_json_obj_begin(j, "vulnerabilities");	/* file name: kernel's verdict */
	for (size_t i = 0; i < e->vulnerabilities.n; i++) {
		char name[128];
		const char *s = e->vulnerabilities.v[i], *sep = strstr(s, ": ");
		size_t n = sep ? (size_t)(sep - s) : strlen(s);
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, s, n);
		name[n] = 0;
		gb_json_str(j, name, sep ? sep + 2 : "");
	}
	gb_json_obj_end(j);
}

static void json_kernel(gb_json *j, const gb_env *e)
{
	gb_json_obj_begin(j, "kernel");
	gb_json_str(j, "release", e->kernel);		/* uname -r */
	gb_json_str(j, "version", e->kernel_version);	/* uname -v */
	gb_json_str(j, "arch", e->arch);
	gb_json_str(j, "clocksource", e->clocksource);
	gb_json_str(j, "clocksources_available", e->clocksources_available);
	gb_json_str(j, "thp_enabled", e->thp_enabled);
	gb_json_str(j, "thp_defrag", e->thp_defrag);
	json_count(j, "hugepages_2m_free", e->hugepages_2m);	/* reserved pages free now */
	json_count(j, "hugepages_1g_free", e->hugepages_1g);
	json_count(j, "seccomp", e->seccomp);		/* 0 off, 1 strict, 2 filter */
	json_count(j, "seccomp_filters", e->seccomp_filters);
	json_tristate(j, "no_new_privs", e->no_new_privs);
	gb_json_str(j, "mitigations", e->mitigations);	/* summary of the verdicts */
	json_vulns(j, e);
	gb_json_obj_end(j);
}

static void json_cpu(gb_json *j, const gb_env *e)
{
	const gb_isa *i = e->isa;

	gb_json_obj_begin(j, "cpu");
	gb_json_str(j, "vendor", i->vendor);
	gb_json_str(j, "model", i->brand);		/* brand string */
	gb_json_int(j, "family", i->family);		/* with the extended fields folded in */
	gb_json_int(j, "model_number", i->model);
	gb_json_int(j, "stepping", i->stepping);
	gb_json_str(j, "flags", e->isa_flags);		/* usable ISA extensions (CPUID and XCR0) */
	gb_json_str(j, "isa_best", gb_isa_name(i->best));	/* what kernels dispatch to (GB_ISA caps it) */
	gb_json_str(j, "isa_hw_best", gb_isa_name(i->hw_best));
	gb_json_bool(j, "invariant_tsc", i->invariant_tsc);
	json_positive(j, "tsc_hz", (long long)i->tsc_hz);	/* from CPUID only; null if it does not say */
	json_positive(j, "online", e->online_cpus);
	gb_json_obj_end(j);
}

static void json_str_or_null(gb_json *j, const char *key, const char *s)
{
	if (s && *s)
		gb_json_str(j, key, s);
	else
		gb_json_null(j, key);
}

static void json_cgroup(gb_json *j, const gb_env *e)
{
	const gb_cgroup *c = &e->cgroup;

	gb_json_obj_begin(j, "cgroup");
	json_positive(j, "version", c->version);	/* 1, 2 (hybrid counts as 1), null */
	gb_json_str(j, "path", c->path[0] ? c->path : "unknown");
	if (c->cpu_quota > 0)
		gb_json_num(j, "cpu_quota", c->cpu_quota);	/* CPUs' worth: quota/period */
	else
		gb_json_null(j, "cpu_quota");		/* no quota, or none readable */
	json_str_or_null(j, "cpu_quota_at", c->cpu_quota_at);	/* the group that sets it */
	json_str_or_null(j, "cpuset", c->has_cpuset ? c->cpuset_list : NULL);
	if (c->mem_max)
		gb_json_int(j, "memory_max", (long long)c->mem_max);	/* bytes */
	else
		gb_json_null(j, "memory_max");
	json_str_or_null(j, "memory_max_at", c->mem_max_at);
	if (c->has_mem_usage)	/* in the limiting group, less inactive file cache */
		gb_json_int(j, "memory_usage", (long long)c->mem_usage);
	else
		gb_json_null(j, "memory_usage");
	gb_json_obj_end(j);
}

static void json_topo(gb_json *j, const gb_topo *t)
{
	if (!t) {
		gb_json_null(j, "topology");
		return;
	}
	gb_json_obj_begin(j, "topology");
	gb_json_str(j, "source", t->source ? t->source : "unknown");	/* hwloc, cpuid, none */
	/* hwloc's: "Linux" (sysfs) or "x86" (no /sys: degraded, NUMA unknown) */
	gb_json_str(j, "backend", t->backend[0] ? t->backend : "none");
	json_positive(j, "packages", t->packages);
	json_positive(j, "cores", t->cores);
	json_positive(j, "pus", t->pus);
	json_positive(j, "numa_nodes", t->numa_nodes);
	json_positive(j, "l1d", (long long)t->l1d);	/* bytes, one instance */
	json_positive(j, "l2", (long long)t->l2);
	json_positive(j, "l3", (long long)t->l3);
	json_positive(j, "llc_total", (long long)t->llc_total);	/* all LLC instances */
	json_positive(j, "llc_level", t->llc_level);
	gb_json_obj_end(j);
}

static void json_effective(gb_json *j, const gb_effective *f)
{
	char list[1024];

	if (!f) {
		gb_json_null(j, "effective");
		return;
	}
	gb_fmt_cpulist(&f->cpus, list, sizeof list);
	gb_json_obj_begin(j, "effective");
	gb_json_int(j, "cpus", f->ncpus);		/* threads benchmarks default to */
	gb_json_str(j, "cpu_list", list);		/* affinity ∩ cgroup cpuset */
	if (f->quota > 0)
		gb_json_num(j, "cpu_quota", f->quota);
	else
		gb_json_null(j, "cpu_quota");
	json_positive(j, "memory_bytes", (long long)f->mem);	/* what sizing may use */
	gb_json_str(j, "memory_source", f->mem_source ? f->mem_source : "unknown");
	gb_json_obj_end(j);
}

void gb_env_json(gb_json *j, const gb_env *e)
{
	gb_json_obj_begin(j, "env");
	json_virt(j, e);
	json_container(j, e);
	json_kernel(j, e);
	json_cpu(j, e);
	json_cgroup(j, e);
	json_topo(j, e->topo);
	json_effective(j, e->eff);
	json_positive(j, "memory_total", (long long)e->mem_total);	/* MemTotal, bytes */
	gb_json_str(j, "libc", e->libc);
	gb_json_int(j, "uid", e->uid);
	gb_json_obj_end(j);
}
