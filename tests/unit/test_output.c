/* test_output.c - common/output: the one -o FILE writer.
 *
 * The rules of output.h, one check each: the format from --format, else
 * the extension; a regular file written whole through a temporary file
 * nobody can plant or collide with; a symlink's target replaced, the link
 * kept; FIFOs and devices written through; directories, missing folders,
 * dangling links and read-only files refused before anything runs; a
 * failed render leaves the old file as it was; a signal during the write
 * leaves no temporary file. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"
#include "tap.h"
#include "testlib.h"

static void render_hello(const void *doc, FILE *f) { fprintf(f, "hello %s\n", (const char *)doc); }
static void render_json(const void *doc, FILE *f) { fprintf(f, "{\"x\": \"%s\"}\n", (const char *)doc); }

/* A renderer that fails half-way (the disk filled up, say). */
static void render_broken(const void *doc, FILE *f)
{
	fputs("half a docu", f);
	close(fileno(f));	/* the flush that follows fails: a write error */
	(void)doc;
}

static const gb_format tab[] = {
	{ .name = "table", .ext = ".txt", .render = render_hello },
	{ .name = "markdown", .ext = ".md", .ext2 = ".markdown", .render = render_hello },
	{ .name = "json", .ext = ".json", .render = render_json },
};

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Files in dir other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_pick(void)
{
	size_t n = sizeof tab / sizeof tab[0];
	is_str(gb_format_pick(tab, n, NULL, "r.json", tab)->name, "json", "format from .json");
	is_str(gb_format_pick(tab, n, NULL, "r.markdown", tab)->name, "markdown", "format from a second extension");
	is_str(gb_format_pick(tab, n, NULL, "r.out", tab)->name, "table", "unknown extension: the default");
	is_str(gb_format_pick(tab, n, NULL, ".json", tab)->name, "table", "a bare extension is a name, not a type");
	is_str(gb_format_pick(tab, n, "json", "r.txt", tab)->name, "json", "--format beats the extension");
	ok(gb_format_pick(tab, n, "csv", "r.txt", tab) == NULL, "a format not in the table: NULL");
}

static void test_regular(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/r.txt", dir);
	is_int(gb_output_write(path, render_hello, "one"), 0, "new regular file written");
	is_str(slurp(path), "hello one\n", "its content");
	struct stat st;
	stat(path, &st);
	mode_t mask = umask(0);
	umask(mask);
	is_int(st.st_mode & 0777, 0666 & ~mask, "a new file gets 0666 less the umask, not mkstemp's 0600");

	chmod(path, 0640);
	is_int(gb_output_write(path, render_hello, "two"), 0, "existing file replaced");
	is_str(slurp(path), "hello two\n", "new content");
	stat(path, &st);
	is_int(st.st_mode & 0777, 0640, "the replaced file's mode is kept");

	is_int(gb_output_write(path, render_broken, "x"), -1, "a failed render is an error");
	is_str(slurp(path), "hello two\n", "and the old file is untouched");
	is_int(count_entries(dir), 1, "no temporary file left after a failure");

	/* a leftover FILE.tmp.PID from a killed run of the old writer (PID 1
	 * in every container) no longer stands in the way */
	char old[4300];
	snprintf(old, sizeof old, "%s.tmp.%d", path, (int)getpid());
	tl_put("", old, "leftover");
	is_int(gb_output_write(path, render_hello, "three"), 0, "a leftover FILE.tmp.PID does not block the write");
	is_str(slurp(old), "leftover", "and is not touched");
	unlink(old);
}

static void test_planted(const char *dir)
{
	/* symlinks planted at every name the old writers used, pointing at a
	 * file that must survive */
	char victim[4200], path[4200], link[4300];
	snprintf(victim, sizeof victim, "%s/victim", dir);
	snprintf(path, sizeof path, "%s/out.json", dir);
	tl_put("", victim, "precious");
	snprintf(link, sizeof link, "%s.tmp.%d", path, (int)getpid());
	symlink(victim, link);
	is_int(gb_output_write(path, render_json, "v"), 0, "written with a symlink planted at FILE.tmp.PID");
	is_str(slurp(victim), "precious", "the symlink's target is not overwritten");
	unlink(link);
	unlink(path);
	unlink(victim);
}

static void test_symlink(const char *dir)
{
	char real[4200], link[4200];
	snprintf(real, sizeof real, "%s/real.txt", dir);
	snprintf(link, sizeof link, "%s/link.txt", dir);
	tl_put("", real, "old");
	symlink("real.txt", link);
	is_int(gb_output_write(link, render_hello, "via link"), 0, "a symlink to a file: written");
	struct stat st;
	ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the symlink is still a symlink");
	is_str(slurp(real), "hello via link\n", "its target holds the document");

	char dangling[4200], msg[512];
	snprintf(dangling, sizeof dangling, "%s/dangling", dir);
	symlink("nowhere/at/all", dangling);
	ok(gb_output_check(dangling, msg, sizeof msg) < 0 && strstr(msg, "does not exist"),
	   "a dangling symlink is refused before running: %s", msg);
	unlink(dangling);
	unlink(link);
	unlink(real);
}

static void test_through(const char *dir)
{
	char fifo[4200];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	if (mkfifo(fifo, 0600) != 0) {
		skip("mkfifo refused here", "FIFO written through");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		_exit(gb_output_write(fifo, render_hello, "through") == 0 ? 0 : 1);
	}
	char *got = slurp(fifo);	/* opens for reading: the writer goes on */
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a FIFO: write returns 0");
	is_str(got, "hello through\n", "the FIFO's reader got the document");
	struct stat st;
	ok(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still a FIFO (not replaced)");
	unlink(fifo);

	is_int(gb_output_write("/dev/null", render_hello, "x"), 0, "/dev/null is written through");
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "and is still a device");
}

static void test_check(const char *dir)
{
	char msg[512], p[4300];
	ok(gb_output_check(NULL, msg, sizeof msg) == 0, "no -o: fine");
	ok(gb_output_check("-", msg, sizeof msg) == 0, "-o -: fine");
	ok(gb_output_check(dir, msg, sizeof msg) < 0 && strstr(msg, "is a directory"),
	   "a directory is refused: %s", msg);
	snprintf(p, sizeof p, "%s/", dir);
	ok(gb_output_check(p, msg, sizeof msg) < 0 && strstr(msg, "is a directory"), "a trailing slash is refused");
	snprintf(p, sizeof p, "%s/no/such/folder/r.json", dir);
	ok(gb_output_check(p, msg, sizeof msg) < 0 && strstr(msg, "does not exist"),
	   "a missing folder is refused: %s", msg);
	snprintf(p, sizeof p, "%s/ok.json", dir);
	ok(gb_output_check(p, msg, sizeof msg) == 0, "a new file in a writable folder: fine");

	/* read-only folder and file: root ignores permission bits, so the
	 * check can only be made as an unprivileged user */
	if (geteuid() == 0) {
		skip("running as root: permission bits do not apply", "a read-only folder is refused");
		skip("running as root: permission bits do not apply", "a read-only file is refused");
		return;
	}
	char ro[4200];
	snprintf(ro, sizeof ro, "%s/ro", dir);
	mkdir(ro, 0555);
	snprintf(p, sizeof p, "%s/r.json", ro);
	ok(gb_output_check(p, msg, sizeof msg) < 0 && strstr(msg, "cannot write in"),
	   "a read-only folder is refused: %s", msg);
	rmdir(ro);
	snprintf(p, sizeof p, "%s/ro.json", dir);
	tl_put("", p, "keep");
	chmod(p, 0444);
	ok(gb_output_check(p, msg, sizeof msg) < 0 && strstr(msg, "read-only"), "a read-only file is refused: %s", msg);
	unlink(p);
}

/* A render that signals its own process half-way: the handler must remove
 * the temporary file before the signal's default action ends us. */
static void render_killed(const void *doc, FILE *f)
{
	fputs("partial", f);
	fflush(f);
	raise(*(const int *)doc);
	fputs(" never reached", f);
}

static void test_signal(const char *dir)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	for (size_t i = 0; i < 2; i++) {
		char sub[4200], path[4300];
		snprintf(sub, sizeof sub, "%s/sig%zu", dir, i);
		mkdir(sub, 0755);
		snprintf(path, sizeof path, "%s/r.json", sub);
		pid_t pid = fork();
		if (pid == 0)
			_exit(gb_output_write(path, render_killed, &sigs[i]) == 0 ? 0 : 1);
		int status;
		waitpid(pid, &status, 0);
		ok(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i], "signal %d during the write ends the writer by it",
		   sigs[i]);
		is_int(count_entries(sub), 0, "no temporary file and no partial result left");
		rmdir(sub);
	}
}

int main(void)
{
	char dir[] = "/tmp/gb-test-output.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_pick();
	test_regular(dir);
	test_planted(dir);
	test_symlink(dir);
	test_through(dir);
	test_check(dir);
	test_signal(dir);
	tl_rmtree(dir);
	return tap_done();
}
