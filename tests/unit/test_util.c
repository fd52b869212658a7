/* test_util.c - the root-joining and /proc/meminfo helpers every probe
 * shares, on throw-away fixture trees. */
#include "format.h"
#include "tap.h"
#include "testlib.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char meminfo[] =
	"MemTotal:       32768000 kB\n"
	"MemFree:         1024 kB\n"
	"MemAvailable:   24441828 kB\n"
	"Active:          2000 kB\n"
	"Active(anon):    1000 kB\n"
	"HugePages_Total:      16\n"
	"Hugepagesize:       2048 kB\n";

static void test_root_path(void)
{
	char buf[PATH_MAX], small[8];

	is_int(gb_root_path("/tmp/x", "/proc/meminfo", buf, sizeof buf), 0, "root + path fits");
	is_str(buf, "/tmp/x/proc/meminfo", "root + path joined");
	is_int(gb_root_path("", "/proc", buf, sizeof buf), 0, "empty root");
	is_str(buf, "/proc", "empty root: the path itself");
	is_int(gb_root_path(NULL, "/proc", buf, sizeof buf), 0, "NULL root");
	is_str(buf, "/proc", "NULL root: the path itself");

	/* 7 characters and the NUL just fit in 8 */
	is_int(gb_root_path("/abc", "/de", small, sizeof small), 0, "exactly fitting path");
	is_str(small, "/abc/de", "exactly fitting path kept whole");
	memset(small, 'x', sizeof small);
	is_int(gb_root_path("/abc", "/def", small, sizeof small), -1, "one byte too long: -1");
	is_str(small, "", "truncated result is empty, not a prefix");
	is_int(gb_root_path(NULL, "/a/long/path", small, sizeof small), -1,
	       "too long without a root: -1");
	is_int(gb_root_path("/r", "/p", small, 0), -1, "zero-size buffer: -1");

	char root[PATH_MAX];
	memset(root, 'r', sizeof root - 1);
	root[0] = '/';
	root[sizeof root - 1] = 0;
	ok(!gb_path_exists(root, "/"), "gb_path_exists: an over-long joined path does not exist");
	is_int(gb_read_text(root, "/proc/meminfo", buf, sizeof buf), -1,
	       "gb_read_text: an over-long joined path is unreadable");
}

static void test_meminfo(void)
{
	char root[] = "/tmp/gb-util-XXXXXX";

	if (!mkdtemp(root)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	is_int((long long)gb_meminfo(root, "MemTotal"), 0, "missing file: 0");

	tl_put(root, "/proc/meminfo", meminfo);
	is_int((long long)gb_meminfo(root, "MemTotal"), 32768000ll * 1024, "MemTotal in bytes");
	is_int((long long)gb_meminfo(root, "MemAvailable"), 24441828ll * 1024,
	       "MemAvailable in bytes");
	is_int((long long)gb_meminfo(root, "Active"), 2000 * 1024,
	       "Active is not Active(anon)");
	is_int((long long)gb_meminfo(root, "Active(anon)"), 1000 * 1024, "Active(anon) by name");
	is_int((long long)gb_meminfo(root, "HugePages_Total"), 16, "unitless value as it is");
	is_int((long long)gb_meminfo(root, "SwapTotal"), 0, "missing key: 0");
	is_int((long long)gb_meminfo(root, "Mem"), 0, "a key prefix is not a key");
	is_int((long long)gb_meminfo(root, "Total"), 0, "a key suffix is not a key");
	is_int((long long)gb_meminfo(root, ""), 0, "empty key: 0");

	tl_put(root, "/proc/meminfo",
	       "MemTotal: lots kB\n"
	       "MemFree: -5 kB\n"
	       "MemAvailable: 12 MB\n"
	       "Cached: 7 kB extra\n"
	       "Buffers:\n"
	       "SwapTotal: 99999999999999999999 kB\n"
	       "SwapFree: 18014398509481984 kB\n");
	is_int((long long)gb_meminfo(root, "MemTotal"), 0, "junk: words are 0");
	is_int((long long)gb_meminfo(root, "MemFree"), 0, "junk: negative is 0");
	is_int((long long)gb_meminfo(root, "MemAvailable"), 0, "junk: unknown unit is 0");
	is_int((long long)gb_meminfo(root, "Cached"), 0, "junk: trailing words are 0");
	is_int((long long)gb_meminfo(root, "Buffers"), 0, "junk: no value is 0");
	is_int((long long)gb_meminfo(root, "SwapTotal"), 0, "junk: beyond 64 bits is 0");
	is_int((long long)gb_meminfo(root, "SwapFree"), 0, "junk: kB overflowing bytes is 0");

	tl_put(root, "/proc/meminfo", "");
	is_int((long long)gb_meminfo(root, "MemTotal"), 0, "empty file: 0");

	/* the real one has both, whatever the machine */
	ok(gb_meminfo(NULL, "MemTotal") > 0, "real MemTotal known");
	ok(gb_meminfo("", "MemAvailable") <= gb_meminfo("", "MemTotal"),
	   "real MemAvailable <= MemTotal");
	tl_rmtree(root);
}

static void test_fmt_bytes(void)
{
	char b[32];

	gb_fmt_bytes(b, sizeof b, 512);
	is_str(b, "512 B", "512 B");
	gb_fmt_bytes(b, sizeof b, 512ull << 20);
	is_str(b, "512 MiB", "whole MiB without a decimal");
	gb_fmt_bytes(b, sizeof b, 23ull * (1 << 30) + (1ull << 29));
	is_str(b, "23.5 GiB", "23.5 GiB");
}

static void test_list_has(void)
{
	ok(gb_list_has("getpid,getppid", "getppid"), "gb_list_has: the last word");
	ok(gb_list_has("getpid,getppid", "getpid"), "gb_list_has: the first word");
	ok(!gb_list_has("getppid", "getpid"), "gb_list_has: a prefix of a word is not the word");
	ok(!gb_list_has("getpid", "getpid2"), "gb_list_has: nor is a longer name");
	ok(!gb_list_has(NULL, "x"), "gb_list_has: a NULL list holds nothing");
	ok(!gb_list_has("", "x") && !gb_list_has(",,", "x"), "gb_list_has: nor does an empty one");
	ok(gb_list_has("a,,b", "b"), "gb_list_has: an empty word is skipped");
}

int main(void)
{
	test_list_has();
	test_root_path();
	test_meminfo();
	test_fmt_bytes();
	return tap_done();
}
