/* testlib.h - helpers the unit tests share: where the fixture trees are,
 * building throw-away trees (for bytes git cannot keep: NULs, symlinks,
 * unreadable files), and a fixed-seed random generator. */
#ifndef GB_TESTLIB_H
#define GB_TESTLIB_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

#endif
