/* test_cgroup.c - cgroup limit parsing and the tightest-limit walk.
 *
 * The probes run against the fixture trees in tests/fixtures/env/<case>/
 * (plain text, one README each); GB_FIXTURES overrides where they are.
 * Cases that need a file to be missing relative to a committed tree are
 * built at run time in a mkdtemp directory. */
#include "cgroup.h"
#include "format.h"
#include "parse.h"
#include "tap.h"
#include "testlib.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gb_cgroup probe_case(const char *name)
{
	char root[PATH_MAX];
	gb_cgroup c;

	snprintf(root, sizeof root, "%s/%s", tl_fixtures(), name);
	gb_cgroup_probe(root, &c);
	return c;
}

/* ------------------------------------------------------- tmp trees -- */

/* --------------------------------------------------------- parsers -- */

static void test_cpu_max(void)
{
	double c = -1;

	is_int(gb_cgroup_parse_cpu_max("50000 100000", &c), 0, "cpu.max 50000 100000 is a limit");
	is_num(c, 0.5, 1e-12, "cpu.max 50000 100000 = 0.5 CPU");
	is_int(gb_cgroup_parse_cpu_max("  150000 100000\n", &c), 0, "cpu.max with whitespace");
	is_num(c, 1.5, 1e-12, "cpu.max 150000 100000 = 1.5 CPUs");
	is_int(gb_cgroup_parse_cpu_max("max 100000\n", &c), 1, "cpu.max max 100000 = no limit");
	is_int(gb_cgroup_parse_cpu_max("max", &c), 1, "cpu.max max alone = no limit");
	is_int(gb_cgroup_parse_cpu_max("max abc", &c), -1, "cpu.max max with junk period");
	is_int(gb_cgroup_parse_cpu_max("", &c), -1, "cpu.max empty is junk");
	is_int(gb_cgroup_parse_cpu_max("\n", &c), -1, "cpu.max newline only is junk");
	is_int(gb_cgroup_parse_cpu_max(NULL, &c), -1, "cpu.max NULL is junk");
	is_int(gb_cgroup_parse_cpu_max("fifty percent", &c), -1, "cpu.max words are junk");
	is_int(gb_cgroup_parse_cpu_max("50000", &c), -1, "cpu.max without period is junk");
	is_int(gb_cgroup_parse_cpu_max("0 100000", &c), -1, "cpu.max zero quota is junk");
	is_int(gb_cgroup_parse_cpu_max("50000 0", &c), -1, "cpu.max zero period is junk");
	is_int(gb_cgroup_parse_cpu_max("-1", &c), -1, "cpu.max -1 is junk (v2 says max)");
	is_int(gb_cgroup_parse_cpu_max("-5 100000", &c), -1, "cpu.max negative quota is junk");
	is_int(gb_cgroup_parse_cpu_max("50000 100000 7", &c), -1, "cpu.max three fields is junk");
	c = 42;
	gb_cgroup_parse_cpu_max("junk", &c);
	is_num(c, 42, 0, "cpu.max junk leaves the output alone");
}

static void test_v1_quota(void)
{
	double c = -1;

	is_int(gb_cgroup_parse_v1_quota("-1", "100000", &c), 1, "v1 quota -1 = no limit");
	is_int(gb_cgroup_parse_v1_quota("-1\n", NULL, &c), 1, "v1 quota -1 needs no period");
	is_int(gb_cgroup_parse_v1_quota("50000", "100000", &c), 0, "v1 quota 50000/100000");
	is_num(c, 0.5, 1e-12, "v1 quota = 0.5 CPU");
	is_int(gb_cgroup_parse_v1_quota("200000\n", " 100000 \n", &c), 0, "v1 quota with newlines");
	is_num(c, 2, 1e-12, "v1 quota = 2 CPUs");
	is_int(gb_cgroup_parse_v1_quota("50000", "", &c), -1, "v1 quota with empty period");
	is_int(gb_cgroup_parse_v1_quota("50000", NULL, &c), -1, "v1 quota with missing period");
	is_int(gb_cgroup_parse_v1_quota("50000", "0", &c), -1, "v1 quota with zero period");
	is_int(gb_cgroup_parse_v1_quota("abc", "100000", &c), -1, "v1 quota junk");
	is_int(gb_cgroup_parse_v1_quota("", "100000", &c), -1, "v1 quota empty");
	is_int(gb_cgroup_parse_v1_quota("0", "100000", &c), -1, "v1 quota zero");
	is_int(gb_cgroup_parse_v1_quota("-2", "100000", &c), -1, "v1 quota -2");
	is_int(gb_cgroup_parse_v1_quota("99999999999999999999", "100000", &c), -1,
	       "v1 quota overflowing int64 is junk");
}

static void test_mem(void)
{
	uint64_t b = 7;

	is_int(gb_cgroup_parse_mem("max", &b), 1, "memory max = no limit");
	is_int(gb_cgroup_parse_mem("max\n", &b), 1, "memory max newline = no limit");
	is_int(gb_cgroup_parse_mem("-1", &b), 1, "memory -1 = no limit");
	is_int(gb_cgroup_parse_mem("9223372036854771712\n", &b), 1, "v1 PAGE_COUNTER_MAX = no limit");
	is_int(gb_cgroup_parse_mem("1152921504606846976", &b), 1, "2^60 = no limit");
	is_int(gb_cgroup_parse_mem("99999999999999999999999", &b), 1, "overflowing digits = no limit");
	is_int(gb_cgroup_parse_mem("1152921504606846975", &b), 0, "2^60-1 is a limit");
	is_int(gb_cgroup_parse_mem("536870912\n", &b), 0, "512 MiB with newline");
	is_int((long long)b, 536870912, "512 MiB parsed");
	is_int(gb_cgroup_parse_mem(" \t1024 \n", &b), 0, "surrounding whitespace");
	is_int((long long)b, 1024, "1024 parsed");
	b = 7;
	is_int(gb_cgroup_parse_mem("", &b), -1, "empty is junk");
	is_int(gb_cgroup_parse_mem(NULL, &b), -1, "NULL is junk");
	is_int(gb_cgroup_parse_mem("12abc", &b), -1, "trailing junk");
	is_int(gb_cgroup_parse_mem("1e9", &b), -1, "exponent is junk");
	is_int(gb_cgroup_parse_mem("-5", &b), -1, "negative is junk");
	is_int(gb_cgroup_parse_mem("1 2", &b), -1, "two numbers are junk");
	is_int((long long)b, 7, "junk leaves the output alone");
}

static void test_cpulist(void)
{
	cpu_set_t s;
	char buf[64];

	is_int(gb_parse_cpulist("0-3,6,8-9", &s), 0, "cpulist 0-3,6,8-9");
	is_int(CPU_COUNT(&s), 7, "cpulist 0-3,6,8-9 has 7 CPUs");
	ok(CPU_ISSET(3, &s) && CPU_ISSET(6, &s) && CPU_ISSET(9, &s) && !CPU_ISSET(5, &s) &&
	   !CPU_ISSET(7, &s), "cpulist members are the listed ones");
	is_int(gb_parse_cpulist("0-1\n", &s), 0, "cpulist with newline");
	is_int(CPU_COUNT(&s), 2, "cpulist 0-1 has 2 CPUs");
	is_int(gb_parse_cpulist(" 5 ", &s), 0, "single CPU with spaces");
	ok(CPU_COUNT(&s) == 1 && CPU_ISSET(5, &s), "single CPU 5");
	is_int(gb_parse_cpulist("1023", &s), 0, "CPU_SETSIZE-1 accepted");

	CPU_ZERO(&s);
	CPU_SET(1, &s);
	const char *junk[] = { "", "\n", "0-", "-1", "a", "3-1", "1024", "0-1024", "0,,1", "0,",
			       ",0", "0-3-5", "0 1", "99999999999", "1;2", "0x1", "2-a" };
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		char what[64];
		/* keep the TAP line on one line */
		snprintf(what, sizeof what, "cpulist \"%s\" rejected",
			 strcmp(junk[i], "\n") ? junk[i] : "\\n");
		is_int(gb_parse_cpulist(junk[i], &s), -1, what);
	}
	ok(CPU_COUNT(&s) == 1 && CPU_ISSET(1, &s), "cpulist junk leaves the set alone");
	is_int(gb_parse_cpulist(NULL, &s), -1, "cpulist NULL rejected");

	gb_parse_cpulist("0-3,6,8-9", &s);
	gb_fmt_cpulist(&s, buf, sizeof buf);
	is_str(buf, "0-3,6,8-9", "format round-trips");
	CPU_ZERO(&s);
	gb_fmt_cpulist(&s, buf, sizeof buf);
	is_str(buf, "", "empty set formats as empty");
	CPU_SET(5, &s);
	CPU_SET(1023, &s);
	gb_fmt_cpulist(&s, buf, sizeof buf);
	is_str(buf, "5,1023", "isolated CPUs up to CPU_SETSIZE-1");
	gb_parse_cpulist("0-3,6,8-9", &s);
	gb_fmt_cpulist(&s, buf, 6);
	is_str(buf, "0-3,6", "short buffer keeps whole ranges only");
	gb_fmt_cpulist(&s, buf, 3);
	is_str(buf, "", "buffer too short for any range");
}

/* ----------------------------------------------------------- walks -- */

static void test_v1_parent_quota(void)
{
	gb_cgroup c = probe_case("cg-v1-parent-quota");

	is_int(c.version, 1, "v1: version 1 (hybrid with unified)");
	is_str(c.path, "/batch/job7", "v1: group path from the memory line");
	is_num(c.cpu_quota, 1.5, 1e-12, "v1: quota found on the parent");
	is_str(c.cpu_quota_at, "/sys/fs/cgroup/cpu,cpuacct/batch", "v1: quota_at names the parent");
	ok(c.has_cpuset, "v1: cpuset found");
	is_str(c.cpuset_list, "2-3", "v1: empty effective_cpus falls back to cpuset.cpus");
	is_int(CPU_COUNT(&c.cpuset), 2, "v1: cpuset has 2 CPUs");
	is_int((long long)c.mem_max, 1073741824, "v1: memory limit of the parent");
	is_str(c.mem_max_at, "/sys/fs/cgroup/memory/batch", "v1: mem_max_at names the parent");
	ok(c.has_mem_usage, "v1: usage read");
	is_int((long long)c.mem_usage, 500000000, "v1: parent's usage less total_inactive_file");
}

static void test_v2_nested(void)
{
	gb_cgroup c = probe_case("cg-v2-nested");

	is_int(c.version, 2, "v2: version 2");
	is_str(c.path, "/app.slice/svc", "v2: group path");
	is_num(c.cpu_quota, 0.5, 1e-12, "v2: cpu.max of the ancestor");
	is_str(c.cpu_quota_at, "/sys/fs/cgroup/app.slice", "v2: quota_at names the ancestor");
	is_str(c.cpuset_list, "1,3", "v2: innermost cpuset.cpus.effective");
	ok(CPU_ISSET(1, &c.cpuset) && CPU_ISSET(3, &c.cpuset) && CPU_COUNT(&c.cpuset) == 2,
	   "v2: cpuset members");
	is_int((long long)c.mem_max, 268435456, "v2: memory.max at the leaf");
	is_str(c.mem_max_at, "/sys/fs/cgroup/app.slice/svc", "v2: mem_max_at names the leaf");
	is_int((long long)c.mem_usage, 140000000, "v2: memory.current less inactive_file");
}

static void test_junk(void)
{
	gb_cgroup c = probe_case("cg-junk");

	is_int(c.version, 2, "junk: the valid mountinfo line is still used");
	is_str(c.path, "/a/b", "junk: garbage lines in /proc/self/cgroup skipped");
	is_num(c.cpu_quota, 0, 0, "junk: no quota from junk or -1");
	ok(!c.cpu_quota_at[0], "junk: no quota_at");
	ok(!c.has_cpuset, "junk: no cpuset from 0-, 3-1 or a");
	is_int((long long)c.mem_max, 0, "junk: no memory limit from empty or 1e9");
	ok(!c.has_mem_usage, "junk: no usage from 'lots'");
}

static void test_mapping(void)
{
	gb_cgroup c = probe_case("cg-docker-v1");

	is_num(c.cpu_quota, 2, 1e-12, "docker v1: mount root stripped, quota at the mount point");
	is_str(c.cpu_quota_at, "/sys/fs/cgroup/cpu,cpuacct", "docker v1: quota_at is the mount");
	is_int((long long)c.mem_max, 536870912, "docker v1: memory limit at the mount point");
	is_str(c.cpuset_list, "0-1", "docker v1: cpuset at the mount point");

	c = probe_case("cg-hostpath");
	is_num(c.cpu_quota, 1, 1e-12, "host path not visible: falls back to the mount point");
	is_str(c.cpu_quota_at, "/sys/fs/cgroup", "host path: quota_at is the mount point");
	is_int((long long)c.mem_max, 1073741824, "host path: memory limit at the mount point");

	c = probe_case("cg-escape");
	is_num(c.cpu_quota, 0, 0, "a group path with .. is not followed out of the mount");

	c = probe_case("cg-escaped-mount");
	is_num(c.cpu_quota, 0.25, 1e-12, "\\040 in the mount point is a space");
	is_str(c.cpu_quota_at, "/sys/fs/cgroup/my cg/job", "escaped mount: quota_at unescaped");
}

static void test_no_proc(void)
{
	gb_cgroup c = probe_case("cg-noproc-v2");

	is_int(c.version, 2, "no /proc: v2 at /sys/fs/cgroup");
	is_str(c.path, "", "no /proc: group path unknown");
	is_num(c.cpu_quota, 2, 1e-12, "no /proc: v2 quota at the mount");
	is_int((long long)c.mem_max, 1073741824, "no /proc: v2 memory limit at the mount");

	c = probe_case("cg-noproc-v1");
	is_int(c.version, 1, "no /proc: v1 at /sys/fs/cgroup/<controller>");
	is_num(c.cpu_quota, 0.5, 1e-12, "no /proc: v1 quota via cpu,cpuacct");
	is_int((long long)c.mem_max, 0, "no /proc: v1 memory -1 = no limit");
}

/* Built at run time: trees that differ from each other by one file. */
static void test_tmp_trees(void)
{
	char root[] = "/tmp/gb-cgroup-XXXXXX";
	gb_cgroup c;

	if (!mkdtemp(root)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	gb_cgroup_probe(root, &c);
	is_int(c.version, 0, "empty root: version 0");
	ok(!c.cpu_quota && !c.mem_max && !c.has_cpuset && !c.has_mem_usage && !c.path[0],
	   "empty root: nothing known");

	/* leaf tighter than the ancestor: the leaf wins */
	tl_put(root, "/proc/self/mountinfo", "1 0 0:1 / /cg rw - cgroup2 cgroup2 rw\n");
	tl_put(root, "/proc/self/cgroup", "0::/a/b\n");
	tl_put(root, "/cg/a/cpu.max", "50000 100000\n");
	tl_put(root, "/cg/a/b/cpu.max", "20000 100000\n");
	tl_put(root, "/cg/a/memory.max", "1000000\n");
	tl_put(root, "/cg/a/b/memory.max", "2000000\n");
	gb_cgroup_probe(root, &c);
	is_num(c.cpu_quota, 0.2, 1e-12, "leaf quota tighter than ancestor wins");
	is_str(c.cpu_quota_at, "/cg/a/b", "quota_at is the leaf");
	is_int((long long)c.mem_max, 1000000, "ancestor memory limit tighter than leaf wins");
	is_str(c.mem_max_at, "/cg/a", "mem_max_at is the ancestor");
	ok(!c.has_mem_usage, "no memory.current: usage unknown");

	/* memory.stat missing: usage is taken whole */
	tl_put(root, "/cg/a/memory.current", "300000\n");
	gb_cgroup_probe(root, &c);
	is_int((long long)c.mem_usage, 300000, "usage without memory.stat is memory.current");
	/* inactive file larger than usage (racy reads): clamps at 0 */
	tl_put(root, "/cg/a/memory.stat", "inactive_file 900000\n");
	gb_cgroup_probe(root, &c);
	is_int((long long)c.mem_usage, 0, "inactive_file > usage clamps to 0");

	/* v1: a hidden ancestor's limit shows in hierarchical_memory_limit */
	tl_put(root, "/proc/self/mountinfo", "1 0 0:1 /pod/ctr /mem rw - cgroup cgroup rw,memory\n");
	tl_put(root, "/proc/self/cgroup", "5:memory:/pod/ctr\n");
	tl_put(root, "/mem/memory.limit_in_bytes", "9223372036854771712\n");
	tl_put(root, "/mem/memory.stat", "hierarchical_memory_limit 268435456\ntotal_inactive_file 5\n");
	tl_put(root, "/mem/memory.usage_in_bytes", "105\n");
	gb_cgroup_probe(root, &c);
	is_int(c.version, 1, "v1 memory-only mount: version 1");
	is_int((long long)c.mem_max, 268435456, "hierarchical_memory_limit beats no visible limit");
	ok(strstr(c.mem_max_at, "hierarchical_memory_limit") != NULL,
	   "mem_max_at says it came from hierarchical_memory_limit");
	is_int((long long)c.mem_usage, 100, "v1 usage less total_inactive_file");

	/* v1 cpu mount combined with other controllers, group under a
	 * non-"/" mount root that does not prefix the group path */
	tl_put(root, "/proc/self/mountinfo",
	    "1 0 0:1 /other /c rw - cgroup cgroup rw,cpuacct,cpu\n");
	tl_put(root, "/proc/self/cgroup", "2:cpuacct,cpu:/mine\n");
	tl_put(root, "/c/cpu.cfs_quota_us", "300000\n");
	tl_put(root, "/c/cpu.cfs_period_us", "100000\n");
	tl_put(root, "/c/mine/cpu.cfs_quota_us", "100000\n");
	tl_put(root, "/c/mine/cpu.cfs_period_us", "100000\n");
	gb_cgroup_probe(root, &c);
	is_num(c.cpu_quota, 3, 1e-12, "group outside the mount root: mount point used");

	tl_rmtree(root);
}

static void test_groups(void)
{
	char root[] = "/tmp/gb-cgroup-XXXXXX";
	gb_cgroup_groups g;

	if (!mkdtemp(root)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	is_int(gb_cgroup_groups_read(root, &g), -1, "groups: no /proc/self/cgroup is -1");
	is_int((long long)g.n, 0, "groups: and no entries");
	gb_cgroup_groups_free(&g);

	tl_put(root, "/proc/self/cgroup", "");
	is_int(gb_cgroup_groups_read(root, &g), 0, "groups: an empty file reads");
	is_int((long long)g.n, 0, "groups: with no entries");
	gb_cgroup_groups_free(&g);

	tl_put(root, "/proc/self/cgroup",
	    "12:cpu,cpuacct:/docker/abc\n"
	    "garbage\n"
	    "\n"
	    "1:name=systemd:/a:b\n"
	    "0::/user.slice\n"
	    "3:memory:relative\n");
	is_int(gb_cgroup_groups_read(root, &g), 0, "groups: file reads");
	if (is_int((long long)g.n, 4, "groups: lines without two colons skipped")) {
		is_str(g.v[0].hier, "12", "groups: hierarchy id");
		is_str(g.v[0].controllers, "cpu,cpuacct", "groups: controllers");
		is_str(g.v[0].path, "/docker/abc", "groups: path");
		is_str(g.v[1].path, "/a:b", "groups: a path keeps its colons");
		is_str(g.v[2].hier, "0", "groups: v2 hierarchy 0");
		is_str(g.v[2].controllers, "", "groups: v2 has no controllers");
		is_str(g.v[2].path, "/user.slice", "groups: v2 path");
		is_str(g.v[3].path, "relative", "groups: a relative path is listed as is");
	}
	gb_cgroup_groups_free(&g);
	ok(!g.v && !g.text && !g.n, "groups: free clears the struct");
	tl_rmtree(root);
}

static void test_real(void)
{
	const gb_cgroup *a = gb_cgroup_get(), *b = gb_cgroup_get();
	gb_cgroup fresh;

	ok(a == b, "gb_cgroup_get caches one struct");
	gb_cgroup_probe("", &fresh);
	is_int(a->version, fresh.version, "cached version matches a fresh probe");
	is_str(a->path, fresh.path, "cached path matches a fresh probe");
	if (a->has_cpuset)
		ok(CPU_COUNT(&a->cpuset) > 0, "real cpuset is not empty");
	else
		skip("no cpuset controller here", "real cpuset is not empty");
}

int main(void)
{
	struct stat st;
	char probe[PATH_MAX];

	snprintf(probe, sizeof probe, "%s/cg-v2-nested/README", tl_fixtures());
	if (!ok(stat(probe, &st) == 0, "fixtures found at %s", tl_fixtures()))
		printf("# run from the repository root or set GB_FIXTURES\n");

	test_cpu_max();
	test_v1_quota();
	test_mem();
	test_cpulist();
	test_v1_parent_quota();
	test_v2_nested();
	test_junk();
	test_mapping();
	test_no_proc();
	test_tmp_trees();
	test_groups();
	test_real();
	return tap_done();
}
