/* testlib.h - helpers the unit tests share: where the fixture trees are,
 * building throw-away trees (for bytes git cannot keep: NULs, symlinks,
 * unreadable files), a fixed-seed random generator, and counting the
 * processes a test started by a marker argument. */
#ifndef GB_TESTLIB_H
#define GB_TESTLIB_H

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TL_UNUSED __attribute__((unused))

/* tests/fixtures/env: $GB_FIXTURES, else under $GB_ROOT (tests/run sets
 * it), else relative to this source file (make runs from the root). */
static TL_UNUSED const char *tl_fixtures(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("GB_FIXTURES");
	if (env && *env)
		return env;
	env = getenv("GB_ROOT");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s/tests/fixtures/env", env);
		return dir;
	}
	const char *slash = strrchr(__FILE__, '/');
	int n = slash ? (int)(slash - __FILE__) : 1;
	snprintf(dir, sizeof dir, "%.*s/../fixtures/env", n, slash ? __FILE__ : ".");
	return dir;
}

static TL_UNUSED void tl_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

/* root + path, with the parent directories created. */
static TL_UNUSED void tl_prepare(const char *root, const char *path, char *full, size_t size)
{
	char dir[PATH_MAX];
	snprintf(full, size, "%s%s", root, path);
	snprintf(dir, sizeof dir, "%s", full);
	*strrchr(dir, '/') = 0;
	tl_mkdirs(dir);
}

/* Write len bytes (NULs included) to root + path. */
static TL_UNUSED void tl_put_bytes(const char *root, const char *path, const char *data, size_t len)
{
	char full[PATH_MAX];
	tl_prepare(root, path, full, sizeof full);
	FILE *f = fopen(full, "w");
	if (!f) {
		printf("# cannot write %s: %s\n", full, strerror(errno));
		return;
	}
	fwrite(data, 1, len, f);
	fclose(f);
}

static TL_UNUSED void tl_put(const char *root, const char *path, const char *text)
{
	tl_put_bytes(root, path, text, strlen(text));
}

static TL_UNUSED void tl_put_link(const char *root, const char *path, const char *target)
{
	char full[PATH_MAX];
	tl_prepare(root, path, full, sizeof full);
	unlink(full);
	if (symlink(target, full) < 0)
		printf("# symlink %s: %s\n", full, strerror(errno));
}

static TL_UNUSED void tl_rmtree(const char *dir)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

/* splitmix64 with a fixed seed: every run sees the same data. */
static uint64_t tl_rng_state = 0x2545f4914f6cdd1dull;

static TL_UNUSED uint64_t tl_rng(void)
{
	uint64_t z = (tl_rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static TL_UNUSED double tl_rng_unit(void)
{
	return (double)(tl_rng() >> 11) * 0x1p-53;
}

/* script with every "%M" replaced by mark (the processes a test starts
 * carry a marker argument no other process has), into out. */
static TL_UNUSED void tl_with_mark(const char *script, const char *mark, char *out, size_t size)
{
	size_t at = 0, ml = strlen(mark);
	for (const char *c = script; *c && at + ml + 1 < size; c++)
		if (c[0] == '%' && c[1] == 'M') {
			memcpy(out + at, mark, ml);
			at += ml;
			c++;
		} else {
			out[at++] = *c;
		}
	out[at] = 0;
}

/* How many processes have mark as one of their arguments. */
static TL_UNUSED int tl_marked(const char *mark)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], buf[4096];
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = 0;
		for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
			if (!strcmp(buf + i, mark)) {
				n++;
				break;
			}
	}
	if (d)
		closedir(d);
	return n;
}

/* After a failed check: none of them left for the next one. */
static TL_UNUSED void tl_kill_marked(const char *mark)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "pkill -KILL -f 'sleep %s' 2>/dev/null", mark);
	if (system(cmd) < 0)
		printf("# pkill: %s\n", strerror(errno));
}

static TL_UNUSED int tl_no_child_left(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

#endif
