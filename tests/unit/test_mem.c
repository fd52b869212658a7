/* test_mem.c - option parsers, 4k/THP/hugetlb allocation, huge-page
 * coverage from smaps, NUMA modes on this machine, and silence. */
#include "parse.h"
#include "tap.h"
#include "mem.h"
#include "util.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB (1UL << 20)

static void test_parsers(void)
{
	static const struct { const char *s; gb_pages p; } good[] = {
		{ "auto", GB_PAGES_AUTO }, { "4k", GB_PAGES_4K }, { "thp", GB_PAGES_THP },
		{ "2m", GB_PAGES_2M }, { "1g", GB_PAGES_1G }, { "2M", GB_PAGES_2M },
	};
	static const char *const bad[] = { "", "4kb", "huge", "2", "thp ", " 4k", "1gb", "auto,4k" };
	static const char *const badnuma[] = {
		"", "node:", "node:-1", "node:x", "node: 1", "node:1x", "node:+1", "remote",
		"interleaved", "node", "local ", "node:99999999999999999999",
	};
	gb_pages p;
	gb_numa n;
	char name[32];
	int all = 1;

	for (unsigned i = 0; i < sizeof good / sizeof good[0]; i++) {
		p = (gb_pages)-1;
		if (gb_parse_pages(good[i].s, &p) != 0 || p != good[i].p)
			all = 0;
	}
	ok(all, "--pages accepts auto 4k thp 2m 1g (any case)");
	all = 1;
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (gb_parse_pages(bad[i], &p) != -1)
			all = 0, printf("#   accepted \"%s\"\n", bad[i]);
	ok(all, "--pages refuses junk");
	is_str(gb_pages_name(GB_PAGES_THP), "thp", "pages name round-trips");

	ok(gb_parse_numa("local", &n) == 0 && n.mode == GB_NUMA_LOCAL, "--numa local");
	ok(gb_parse_numa("interleave", &n) == 0 && n.mode == GB_NUMA_INTERLEAVE, "--numa interleave");
	ok(gb_parse_numa("cross", &n) == 0 && n.mode == GB_NUMA_CROSS, "--numa cross");
	ok(gb_parse_numa("node:3", &n) == 0 && n.mode == GB_NUMA_NODE && n.node == 3, "--numa node:3");
	gb_numa_name(&n, name, sizeof name);
	is_str(name, "node:3", "numa name round-trips");
	all = 1;
	for (unsigned i = 0; i < sizeof badnuma / sizeof badnuma[0]; i++)
		if (gb_parse_numa(badnuma[i], &n) != -1)
			all = 0, printf("#   accepted \"%s\"\n", badnuma[i]);
	ok(all, "--numa refuses junk");
}

static void touch(gb_buf *b)
{
	for (size_t i = 0; i < b->mapped; i += 4096)
		((volatile char *)b->p)[i] = 1;
}

static int thp_never(void)
{
	char buf[128];
	return gb_read_text(NULL, "/sys/kernel/mm/transparent_hugepage/enabled", buf,
			    sizeof buf) >= 0 && strstr(buf, "[never]");
}

static void test_4k(void)
{
	gb_buf b;
	char err[256];
	int rc = gb_mem_alloc(&b, 16 * MiB + 100, GB_PAGES_4K, NULL, NULL, err, sizeof err);

	is_int(rc, 0, "4k: 16 MiB allocation");
	if (rc)
		return;
	ok(b.mapped == 16 * MiB + 4096 && b.used == GB_PAGES_4K, "4k: rounded to a page, used 4k");
	touch(&b);
	double c = gb_mem_coverage(&b);
	is_num(c, 0, 0, "4k: huge coverage is 0 after touching");
	is_num(b.huge_coverage, c, 0, "coverage stored in the buffer");
	gb_mem_free(&b);
	ok(b.p == NULL, "free clears the pointer");
	is_num(gb_mem_coverage(&b), -1, 0, "coverage of a freed buffer is -1");
}

static void test_thp(void)
{
	gb_buf b;
	char err[256];
	gb_strlist warn = { 0 };

	if (thp_never()) {
		skip("THP is \"never\" here", "thp: 64 MiB buffer mostly huge");
		return;
	}
	int rc = gb_mem_alloc(&b, 64 * MiB, GB_PAGES_THP, NULL, NULL, err, sizeof err);
	if (!is_int(rc, 0, "thp: 64 MiB allocation"))
		printf("#   %s\n", err);
	if (rc)
		return;
	ok(((uintptr_t)b.p & (2 * MiB - 1)) == 0, "thp: buffer is 2 MiB aligned");
	is_num(gb_mem_coverage(&b), 0, 0, "thp: nothing huge before the first touch");
	touch(&b);
	double c = gb_mem_coverage(&b);
	printf("# thp coverage after touch: %.3f\n", c);
	ok(c >= 0 && c <= 1, "thp: coverage is in [0,1]");
	ok(c > 0.5, "thp: more than half of 64 MiB is huge after touching (%.3f)", c);
	gb_mem_free(&b);

	rc = gb_mem_alloc(&b, 8 * MiB, GB_PAGES_AUTO, NULL, &warn, err, sizeof err);
	ok(rc == 0 && b.used == GB_PAGES_THP && warn.n == 0, "auto: uses THP here, no warning");
	gb_mem_free(&b);
}

/* PR_SET_THP_DISABLE makes this process see THP as unusable: the fallback paths. */
static void test_thp_disabled(void)
{
	gb_buf b;
	char err[256];
	gb_strlist warn = { 0 };

	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
		skip("prctl(PR_SET_THP_DISABLE) refused", "thp refused when disabled");
		return;
	}
	int rc = gb_mem_alloc(&b, 4 * MiB, GB_PAGES_THP, NULL, NULL, err, sizeof err);
	ok(rc == -1 && strstr(err, "thp") && b.p == NULL, "explicit thp fails when THP is disabled");
	printf("#   %s\n", err);
	rc = gb_mem_alloc(&b, 4 * MiB, GB_PAGES_AUTO, NULL, &warn, err, sizeof err);
	ok(rc == 0 && b.used == GB_PAGES_4K, "auto falls back to 4k");
	ok(warn.n == 1 && strstr(warn.v[0], "4 KiB"), "and says so in the warning list");
	if (warn.n)
		printf("#   %s\n", warn.v[0]);
	gb_mem_free(&b);
	gb_strlist_free(&warn);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
}

static uint64_t free_huge(const char *dir)
{
	char path[160], buf[64];
	uint64_t n = 0;

	snprintf(path, sizeof path, "/sys/kernel/mm/hugepages/%s/free_hugepages", dir);
	if (gb_read_text(NULL, path, buf, sizeof buf) >= 0)
		gb_parse_u64(buf, &n);
	return n;
}

static void test_hugetlb(void)
{
	gb_buf b;
	char err[512];

	if (free_huge("hugepages-2048kB") >= 2) {
		int rc = gb_mem_alloc(&b, 3 * MiB, GB_PAGES_2M, NULL, NULL, err, sizeof err);
		ok(rc == 0 && b.mapped == 4 * MiB, "2m: reserved pages are used, size rounded");
		if (rc == 0) {
			touch(&b);
			is_num(gb_mem_coverage(&b), 1, 0, "2m: coverage is 1 after touching");
			gb_mem_free(&b);
		}
		skip("2 MiB pages are reserved here", "2m with no reserved pages fails");
	} else {
		int rc = gb_mem_alloc(&b, 64 * MiB, GB_PAGES_2M, NULL, NULL, err, sizeof err);
		ok(rc == -1 && b.p == NULL, "2m with no reserved pages fails");
		/* without /sys (bwrap, some containers) it cannot say how to reserve */
		const char *how = gb_path_exists(NULL, "/sys/kernel/mm") ? "nr_hugepages" : "no /sys";
		ok(strstr(err, "2m") && strstr(err, how) && strstr(err, "thp"),
		   "and the message names the mode, %s and the alternative", how);
		printf("#   %s\n", err);
	}
	if (free_huge("hugepages-1048576kB") == 0) {
		int rc = gb_mem_alloc(&b, 64 * MiB, GB_PAGES_1G, NULL, NULL, err, sizeof err);
		ok(rc == -1 && strstr(err, "1g") && strstr(err, "1 GiB"), "1g with no 1 GiB pages fails clearly");
		printf("#   %s\n", err);
	}
}

/* Run fn with stderr sent to a file; returns the bytes written there. */
static long stderr_bytes(void (*fn)(void))
{
	char path[] = "/tmp/gb-test-mem-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	struct stat st;

	if (fd < 0 || saved < 0)
		return -1;
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fstat(fd, &st);
	close(fd);
	unlink(path);
	return (long)st.st_size;
}

static void numa_checks(void)
{
	static const char *const modes[] = { "local", "interleave", "cross", "node:0" };
	char why[128], err[256];
	int avail = gb_numa_available(why, sizeof why);
	gb_numa n;
	gb_buf b;

	printf("# numa: available %d (%s), %d node(s)\n", avail, why, gb_numa_nodes());
	ok(avail == 1 && !strcmp(why, "available"), "NUMA policy is usable here (root, no seccomp)");
	is_int(gb_numa_nodes(), 1, "this machine has one NUMA node");
	for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		gb_parse_numa(modes[i], &n);
		int rc = gb_mem_alloc(&b, 4 * MiB, GB_PAGES_AUTO, &n, NULL, err, sizeof err);
		ok(rc == 0, "--numa %s runs on one node -> \"%s\"", modes[i], rc ? err : b.numa);
		if (i == 0)
			is_str(b.numa, "local (1 node)", "local says 1 node");
		else
			ok(strstr(b.numa, "1 node: same as local") != NULL, "%s says it is local", modes[i]);
		if (rc == 0) {
			touch(&b);
			gb_mem_free(&b);
		}
	}
	gb_parse_numa("node:1", &n);
	ok(gb_mem_alloc(&b, MiB, GB_PAGES_4K, &n, NULL, err, sizeof err) == -1 && b.p == NULL &&
	   strstr(err, "node:1"), "--numa node:1 fails on a 1-node machine: %s", err);
}

static void test_numa(void)
{
	long n = stderr_bytes(numa_checks);
	is_int(n, 0, "NUMA probing and errors write nothing to stderr");
}

int main(void)
{
	test_parsers();
	test_4k();
	test_thp();
	test_thp_disabled();
	test_hugetlb();
	test_numa();
	return tap_done();
}
