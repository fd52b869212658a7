/* test_env.c - the environment fingerprint against fixture trees.
 *
 * Plain-text trees live in tests/fixtures/env/<case>/ (GB_FIXTURES
 * overrides where); trees with NUL bytes (/proc/1/environ), symlinks
 * (/proc/self/ns/pid) or odd file types are built at run time in a
 * mkdtemp directory so git never has to carry them. */
#include "env.h"
#include "json.h"
#include "tap.h"
#include "testlib.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static void probe_case(const char *name, gb_env *e)
{
	char root[PATH_MAX];

	snprintf(root, sizeof root, "%s/%s", tl_fixtures(), name);
	gb_env_probe(root, e);
}

/* ------------------------------------------------------- tmp trees -- */

static int make_tmp(char *root)
{
	if (mkdtemp(root))
		return 0;
	ok(0, "mkdtemp: %s", strerror(errno));
	return -1;
}

static int has_sign(const gb_env *e, const char *needle)
{
	for (size_t i = 0; i < e->container_signs.n; i++)
		if (strstr(e->container_signs.v[i], needle))
			return 1;
	return 0;
}

static void show_signs(const gb_env *e)
{
	for (size_t i = 0; i < e->container_signs.n; i++)
		printf("#   sign: %s\n", e->container_signs.v[i]);
}

/* gb_env_json into a string, parsed back with jansson. */
static json_t *to_json(const gb_env *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	gb_json j;
	json_error_t err;

	gb_json_init(&j, f, 1);
	gb_json_obj_begin(&j, NULL);
	gb_env_json(&j, e);
	gb_json_obj_end(&j);
	gb_json_end(&j);
	fclose(f);
	json_t *root = json_loads(text, 0, &err);
	if (!root)
		printf("# JSON error: %s at line %d\n", err.text, err.line);
	free(text);
	return root;
}

/* ------------------------------------------------------------ tests -- */

static void test_hv_names(void)
{
	is_str(gb_env_hypervisor_name("KVMKVMKVM"), "KVM", "KVMKVMKVM -> KVM");
	is_str(gb_env_hypervisor_name("Microsoft Hv"), "Microsoft Hyper-V", "Microsoft Hv -> Hyper-V");
	is_str(gb_env_hypervisor_name("VMwareVMware"), "VMware", "VMware signature");
	is_str(gb_env_hypervisor_name("XenVMMXenVMM"), "Xen", "Xen signature");
	is_str(gb_env_hypervisor_name("TCGTCGTCGTCG"), "QEMU TCG", "TCG signature");
	is_str(gb_env_hypervisor_name("bhyve bhyve "), "bhyve", "bhyve signature (trailing space)");
	is_str(gb_env_hypervisor_name(" lrpepyh  vr"), "Parallels", "Parallels signature");
	is_str(gb_env_hypervisor_name("QNXQVMBSQG"), "QNX", "QNX signature (10 bytes)");
	is_str(gb_env_hypervisor_name("ACRNACRNACRN"), "ACRN", "ACRN signature");
	is_str(gb_env_hypervisor_name("VBoxVBoxVBox"), "VirtualBox", "VirtualBox signature");
	is_str(gb_env_hypervisor_name("NewHyperVsr1"), "NewHyperVsr1", "unknown signature kept raw");
	is_str(gb_env_hypervisor_name(""), "unknown", "empty signature is unknown");
	is_str(gb_env_hypervisor_name(NULL), "unknown", "NULL signature is unknown");
}

static void test_empty_root(void)
{
	char root[] = "/tmp/gb-env-XXXXXX";
	gb_env e;

	if (make_tmp(root) < 0)
		return;
	gb_env_probe(root, &e);
	is_str(e.dmi_vendor, "unknown", "empty: dmi_vendor unknown");
	is_str(e.dmi_product, "unknown", "empty: dmi_product unknown");
	is_str(e.container, "unknown", "empty: container unknown (no /proc evidence)");
	is_int((long long)e.container_signs.n, 0, "empty: no container signs");
	is_int(e.gvisor, -1, "empty: gvisor unknown");
	is_str(e.pid1, "unknown", "empty: pid1 unknown");
	is_str(e.clocksource, "unknown", "empty: clocksource unknown");
	is_str(e.clocksources_available, "unknown", "empty: clocksources unknown");
	is_str(e.thp_enabled, "unknown", "empty: THP enabled unknown");
	is_str(e.thp_defrag, "unknown", "empty: THP defrag unknown");
	is_int(e.hugepages_2m, -1, "empty: 2M pages unknown");
	is_int(e.hugepages_1g, -1, "empty: 1G pages unknown");
	is_int(e.seccomp, -1, "empty: seccomp unknown (no prctl for a fixture root)");
	is_int(e.seccomp_filters, -1, "empty: seccomp filters unknown");
	is_int(e.no_new_privs, -1, "empty: no_new_privs unknown");
	is_str(e.mitigations, "unknown", "empty: mitigations unknown");
	is_int((long long)e.vulnerabilities.n, 0, "empty: no vulnerabilities");
	is_int((long long)e.mem_total, 0, "empty: MemTotal unknown (no sysinfo for a fixture root)");
	is_int(e.cgroup.version, 0, "empty: no cgroup");
	ok(e.isa != NULL && e.topo != NULL && e.eff != NULL, "empty: isa/topo/eff are the real ones");

	json_t *j = to_json(&e);
	ok(j != NULL, "empty: JSON parses");
	if (j) {
		ok(json_is_null(json_object_get(json_object_get(json_object_get(j, "env"),
				"container"), "gvisor")), "empty: JSON gvisor is null");
		json_t *k = json_object_get(json_object_get(j, "env"), "kernel");
		ok(json_is_null(json_object_get(k, "seccomp")), "empty: JSON seccomp is null");
		ok(json_is_null(json_object_get(k, "hugepages_1g_free")), "empty: JSON 1G pages null");
		is_str(json_string_value(json_object_get(k, "mitigations")), "unknown",
		       "empty: JSON mitigations unknown");
		ok(json_is_null(json_object_get(json_object_get(j, "env"), "memory_total")),
		   "empty: JSON memory_total null");
		json_decref(j);
	}
	char line[512];
	gb_env_summary(&e, line, sizeof line);
	ok(strstr(line, "container unknown") && strstr(line, "seccomp unknown"),
	   "empty: summary says unknown: %s", line);
	gb_env_free(&e);
	tl_rmtree(root);
}

static void test_host(void)
{
	gb_env e;

	probe_case("env-host", &e);
	is_str(e.dmi_vendor, "Dell Inc.", "host: DMI vendor");
	is_str(e.dmi_product, "PowerEdge R650", "host: DMI product");
	is_str(e.clocksource, "tsc", "host: clocksource");
	is_str(e.clocksources_available, "tsc hpet acpi_pm", "host: clocksources trimmed");
	is_str(e.thp_enabled, "never", "host: THP enabled is the bracketed word");
	is_str(e.thp_defrag, "always", "host: THP defrag bracketed at the start");
	is_int(e.hugepages_2m, 16, "host: 2M free pages");
	is_int(e.hugepages_1g, -1, "host: junk 1G count is unknown");
	is_int(e.seccomp, 2, "host: seccomp filter mode");
	is_int(e.seccomp_filters, 3, "host: 3 seccomp filters");
	is_int(e.no_new_privs, 1, "host: NoNewPrivs");
	is_str(e.mitigations, "1 mitigated, 1 vulnerable, 2 not affected, 1 unknown",
	       "host: mitigation summary");
	is_int((long long)e.vulnerabilities.n, 5, "host: five vulnerability files");
	if (e.vulnerabilities.n == 5) {
		is_str(e.vulnerabilities.v[0], "l1tf: Not affected", "host: sorted, first is l1tf");
		is_str(e.vulnerabilities.v[4], "spectre_v2: Mitigation: Enhanced / Automatic IBRS; IBPB: conditional",
		       "host: sorted, last is spectre_v2 with its whole text");
	}
	is_int((long long)e.mem_total, 16384 * 1024, "host: MemTotal in bytes");
	is_str(e.pid1, "systemd", "host: pid1 comm");
	is_str(e.container, "none", "host: no container");
	if (!ok(e.container_signs.n == 0, "host: no container signs"))
		show_signs(&e);
	is_int(e.gvisor, 0, "host: not gVisor");

	json_t *j = to_json(&e);
	ok(j != NULL, "host: JSON parses");
	if (j) {
		json_t *k = json_object_get(json_object_get(j, "env"), "kernel");
		is_int(json_integer_value(json_object_get(k, "seccomp")), 2, "host: JSON seccomp 2");
		ok(json_is_true(json_object_get(k, "no_new_privs")), "host: JSON no_new_privs true");
		is_str(json_string_value(json_object_get(json_object_get(k, "vulnerabilities"), "meltdown")),
		       "Not affected", "host: JSON vulnerabilities keyed by name");
		json_t *c = json_object_get(json_object_get(j, "env"), "cpu");
		ok(json_is_string(json_object_get(c, "isa_best")), "host: JSON cpu.isa_best");
		json_t *cg = json_object_get(json_object_get(j, "env"), "cgroup");
		ok(json_is_null(json_object_get(cg, "cpu_quota")), "host: JSON no cgroup quota is null");
		json_decref(j);
	}
	char line[512];
	gb_env_summary(&e, line, sizeof line);
	ok(strstr(line, "no container") && strstr(line, "THP never") && strstr(line, "seccomp filter") &&
	   strstr(line, ", 16 MiB"), "host: summary %s", line);
	gb_env_free(&e);
}

static void test_docker(void)
{
	gb_env e;

	probe_case("cg-docker-v1", &e);
	is_str(e.container, "docker", "docker: runtime docker");
	ok(has_sign(&e, "/.dockerenv exists"), "docker: /.dockerenv sign");
	ok(has_sign(&e, "cgroup path /docker/3f2a9c0d5e6b7a8f"), "docker: cgroup path sign");
	ok(has_sign(&e, "PID 1 is 'sleep'"), "docker: PID 1 is not an init");
	ok(!has_sign(&e, "containerd.service"), "docker: containerd.service is not a sign");
	is_num(e.cgroup.cpu_quota, 2, 1e-12, "docker: cgroup quota via env probe");
	is_int(e.seccomp, 2, "docker: seccomp filter");
	is_int(e.no_new_privs, 0, "docker: NoNewPrivs 0");

	json_t *j = to_json(&e);
	ok(j != NULL, "docker: JSON parses");
	if (j) {
		json_t *c = json_object_get(json_object_get(j, "env"), "container");
		is_str(json_string_value(json_object_get(c, "runtime")), "docker", "docker: JSON runtime");
		ok(json_array_size(json_object_get(c, "signs")) == e.container_signs.n,
		   "docker: JSON lists every sign");
		json_t *cg = json_object_get(json_object_get(j, "env"), "cgroup");
		is_num(json_number_value(json_object_get(cg, "cpu_quota")), 2, 1e-12, "docker: JSON cpu_quota");
		is_int(json_integer_value(json_object_get(cg, "memory_max")), 536870912,
		       "docker: JSON memory_max");
		json_decref(j);
	}
	char line[512];
	gb_env_summary(&e, line, sizeof line);
	ok(strstr(line, "docker container") && strstr(line, "CPU quota 2") &&
	   strstr(line, "memory limit 512 MiB"), "docker: summary %s", line);
	gb_env_free(&e);
}

static void test_gvisor(void)
{
	gb_env e;

	probe_case("env-gvisor", &e);
	is_int(e.gvisor, 1, "gvisor: detected");
	ok(has_sign(&e, "sentry-meminfo"), "gvisor: /proc/sentry-meminfo sign");
	ok(has_sign(&e, "/proc/cmdline"), "gvisor: cmdline sign");
	ok(has_sign(&e, "/proc/version"), "gvisor: version sign");
	is_str(e.container, "container", "gvisor: a container of unnamed runtime");
	is_int(e.seccomp, 0, "gvisor: Seccomp 0");
	is_int(e.no_new_privs, -1, "gvisor: no NoNewPrivs line = unknown");
	is_int(e.seccomp_filters, -1, "gvisor: no Seccomp_filters line = unknown");
	char line[512];
	gb_env_summary(&e, line, sizeof line);
	ok(strstr(line, "(gVisor)") != NULL, "gvisor: summary %s", line);
	gb_env_free(&e);
}

static void test_podman(void)
{
	static const char environ_[] = "PATH=/usr/bin\0container=podman\0HOME=/root";
	char root[] = "/tmp/gb-env-XXXXXX";
	gb_env e;

	if (make_tmp(root) < 0)
		return;
	tl_put(root, "/run/.containerenv", "engine=\"podman-4.3.1\"\nname=\"web\"\n");
	tl_put_bytes(root, "/proc/1/environ", environ_, sizeof environ_);	/* ends in NUL */
	tl_put(root, "/proc/self/cgroup", "0::/\n");
	tl_put_link(root, "/proc/self/ns/pid", "pid:[4026532512]");
	tl_put(root, "/proc/1/comm", "nginx\n");
	gb_env_probe(root, &e);
	is_str(e.container, "podman", "podman: runtime podman");
	ok(has_sign(&e, "container=podman in /proc/1/environ"), "podman: environ sign past a NUL");
	ok(has_sign(&e, "/run/.containerenv exists"), "podman: .containerenv sign");
	ok(has_sign(&e, "PID namespace pid:[4026532512]"), "podman: PID namespace sign");
	ok(has_sign(&e, "PID 1 is 'nginx'"), "podman: PID 1 is not an init");
	gb_env_free(&e);

	/* CRI-O also writes .containerenv, without podman's engine */
	tl_put(root, "/run/.containerenv", "engine=\"cri-o\"\n");
	tl_put_bytes(root, "/proc/1/environ", "HOME=/", 6);	/* no trailing NUL */
	gb_env_probe(root, &e);
	is_str(e.container, "container", "cri-o .containerenv: unnamed container");
	gb_env_free(&e);

	/* an environ we cannot read (here: a directory) is not a crash */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/proc/1/environ", root);
	unlink(path);
	mkdir(path, 0755);
	tl_put(root, "/run/.containerenv", "");	/* podman without --privileged: empty */
	gb_env_probe(root, &e);
	ok(!has_sign(&e, "environ"), "unreadable environ: no environ sign");
	is_str(e.container, "podman", "unreadable environ: .containerenv still counts");
	gb_env_free(&e);
	tl_rmtree(root);
}

/* The reference VM's situation: a rootfs built from a docker image keeps
 * /.dockerenv, PID 1 is a custom agent, but the PID namespace is the
 * initial one. */
static void test_leftover_marker(void)
{
	char root[] = "/tmp/gb-env-XXXXXX";
	gb_env e;

	if (make_tmp(root) < 0)
		return;
	tl_put(root, "/.dockerenv", "");
	gb_env_probe(root, &e);
	is_str(e.container, "unknown", "lone /.dockerenv without /proc: unknown");
	ok(has_sign(&e, "/.dockerenv exists, unconfirmed"), "lone marker reported as unconfirmed");
	gb_env_free(&e);

	tl_put(root, "/proc/self/cgroup", "4:memory:/process_api/abc\n0::/\n");
	tl_put_link(root, "/proc/self/ns/pid", "pid:[4026531836]");
	tl_put(root, "/proc/1/comm", "process_api\n");
	gb_env_probe(root, &e);
	is_str(e.container, "none", "leftover /.dockerenv in the initial PID namespace: none");
	ok(has_sign(&e, "initial PID namespace"), "leftover: reported, with the reason");
	ok(!has_sign(&e, "PID 1 is"), "custom init in the initial namespace is no sign");
	gb_env_free(&e);

	/* the same marker with a docker cgroup path is believed */
	tl_put(root, "/proc/self/cgroup", "4:memory:/docker/abc\n");
	gb_env_probe(root, &e);
	is_str(e.container, "docker", "marker corroborated by the cgroup path: docker");
	gb_env_free(&e);
	tl_rmtree(root);
}

static void test_runtimes(void)
{
	static const char k8s_env[] = "KUBERNETES_SERVICE_HOST=10.0.0.1\0HOSTNAME=pod\0";
	static const char nspawn_env[] = "container=systemd-nspawn\0";
	char root[] = "/tmp/gb-env-XXXXXX";
	gb_env e;

	if (make_tmp(root) < 0)
		return;
	tl_put_bytes(root, "/proc/1/environ", k8s_env, sizeof k8s_env - 1);
	tl_put(root, "/proc/self/cgroup", "0::/\n");
	gb_env_probe(root, &e);
	is_str(e.container, "kubernetes", "KUBERNETES_SERVICE_HOST: kubernetes");
	gb_env_free(&e);

	tl_put_bytes(root, "/proc/1/environ", "", 0);
	tl_put(root, "/proc/self/cgroup",
	    "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-1.scope\n");
	tl_put(root, "/.dockerenv", "");
	gb_env_probe(root, &e);
	is_str(e.container, "kubernetes", "kubepods beats /.dockerenv");
	gb_env_free(&e);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/.dockerenv", root);
	unlink(path);

	tl_put(root, "/proc/self/cgroup", "0::/system.slice/docker.service\n");
	tl_put_link(root, "/proc/self/ns/pid", "pid:[4026531836]");
	tl_put(root, "/proc/1/comm", "systemd\n");
	gb_env_probe(root, &e);
	is_str(e.container, "none", "docker.service (the daemon's group) is no container");
	gb_env_free(&e);

	tl_put(root, "/proc/self/cgroup", "0::/machine.slice/systemd-nspawn@deb.service/payload\n");
	tl_put_bytes(root, "/proc/1/environ", nspawn_env, sizeof nspawn_env);
	tl_put_link(root, "/proc/self/ns/pid", "pid:[4026532000]");
	gb_env_probe(root, &e);
	is_str(e.container, "systemd-nspawn", "container=systemd-nspawn");
	ok(has_sign(&e, "cgroup path /machine.slice/"), "machine.slice sign");
	ok(!has_sign(&e, "PID 1 is"), "systemd as PID 1 is an init");
	gb_env_free(&e);

	tl_put(root, "/proc/self/cgroup", "0::/lxc.payload.c1\n");
	tl_put_bytes(root, "/proc/1/environ", "container=lxc", 13);
	gb_env_probe(root, &e);
	is_str(e.container, "lxc", "container=lxc, lxc.payload");
	gb_env_free(&e);
	tl_rmtree(root);
}

static void test_odd_files(void)
{
	char root[] = "/tmp/gb-env-XXXXXX";
	gb_env e;

	if (make_tmp(root) < 0)
		return;
	tl_put(root, "/sys/kernel/mm/transparent_hugepage/enabled", "madvise\n");
	tl_put(root, "/sys/kernel/mm/transparent_hugepage/defrag", "[]\n");
	tl_put(root, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "-3\n");
	tl_put(root, "/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "99999999999\n");
	tl_put(root, "/proc/self/status", "Seccomp:\tx\nSeccomp_filters:\t\nNoNewPrivs:\t-1\n");
	tl_put(root, "/proc/meminfo", "MemFree: 5 kB\n");
	tl_put(root, "/sys/class/dmi/id/sys_vendor", "");
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/sys/devices/system/cpu/vulnerabilities/sub", root);
	tl_mkdirs(dir);
	tl_put(root, "/proc/version", "Linux version 6.1.0 #1 SMP\n");
	gb_env_probe(root, &e);
	is_str(e.thp_enabled, "unknown", "THP without brackets is unknown");
	is_str(e.thp_defrag, "unknown", "THP empty brackets is unknown");
	is_int(e.hugepages_2m, -1, "negative page count is unknown");
	is_int(e.hugepages_1g, -1, "page count beyond int is unknown");
	is_int(e.seccomp, -1, "Seccomp junk is unknown");
	is_int(e.seccomp_filters, -1, "Seccomp_filters empty is unknown");
	is_int(e.no_new_privs, -1, "NoNewPrivs -1 is unknown");
	is_int((long long)e.mem_total, 0, "meminfo without MemTotal is unknown");
	is_str(e.dmi_vendor, "unknown", "empty DMI file is unknown");
	is_str(e.mitigations, "unknown", "vulnerabilities dir with no files is unknown");
	is_int(e.gvisor, 0, "a Linux /proc/version says not gVisor");
	char tiny[12];
	memset(tiny, 'x', sizeof tiny);
	gb_env_summary(&e, tiny, 10);
	ok(strlen(tiny) < 10 && tiny[10] == 'x' && tiny[11] == 'x',
	   "summary respects a tiny buffer: '%s'", tiny);
	gb_env_free(&e);
	tl_rmtree(root);
}

static void test_real(void)
{
	const gb_env *a = gb_env_get(), *b = gb_env_get();
	struct utsname u;

	ok(a == b, "gb_env_get caches one struct");
	uname(&u);
	is_str(a->kernel, u.release, "real: kernel is uname -r");
	ok(a->gvisor == 0 || a->gvisor == 1, "real: gvisor decided for the real root");
	ok(a->seccomp >= 0, "real: seccomp known (status or prctl)");
	ok(a->mem_total > 0, "real: MemTotal known");
	ok(strncmp(a->libc, "glibc ", 6) == 0, "real: libc %s", a->libc);
	ok(a->online_cpus > 0, "real: online CPUs %d", a->online_cpus);
	ok(strcmp(a->hypervisor, "unknown") != 0 || a->isa->hypervisor,
	   "real: hypervisor %s", a->hypervisor);
	json_t *j = to_json(a);
	ok(j != NULL, "real: JSON parses");
	if (j) {
		json_t *env = json_object_get(j, "env");
		const char *keys[] = { "virtualization", "container", "kernel", "cpu", "cgroup",
				       "topology", "effective", "memory_total", "libc", "uid" };
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			ok(json_object_get(env, keys[i]) != NULL, "real: JSON has env.%s", keys[i]);
		json_decref(j);
	}
	char line[512];
	gb_env_summary(a, line, sizeof line);
	printf("# %s\n", line);
	ok(strstr(line, a->kernel) != NULL, "real: summary names the kernel");
}

int main(void)
{
	struct stat st;
	char probe[PATH_MAX];

	snprintf(probe, sizeof probe, "%s/env-host/README", tl_fixtures());
	if (!ok(stat(probe, &st) == 0, "fixtures found at %s", tl_fixtures()))
		printf("# run from the repository root or set GB_FIXTURES\n");

	test_hv_names();
	test_empty_root();
	test_host();
	test_docker();
	test_gvisor();
	test_podman();
	test_leftover_marker();
	test_runtimes();
	test_odd_files();
	test_real();
	return tap_done();
}
