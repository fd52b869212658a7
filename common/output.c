/* output.c - the one way every binary writes a result file (rules in
 * output.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "pid1.h"
#include "util.h"

/* ------------------------------------------------------------- formats -- */

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = tail ? strlen(tail) : 0;
	return t && n > t && strcmp(s + n - t, tail) == 0;
}

const gb_format *gb_format_find(const gb_format *tab, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

const gb_format *gb_format_pick(const gb_format *tab, size_t n, const char *given,
				const char *path, const gb_format *def)
{
	if (given)
		return gb_format_find(tab, n, given);
	for (size_t i = 0; path && i < n; i++)
		if (ends_with(path, tab[i].ext) || ends_with(path, tab[i].ext2))
			return &tab[i];
	return def;
}

/* ---------------------------------------------------------- the target -- */

/* Paths under /dev and /proc name streams the caller already holds
 * (/dev/stdout, /proc/self/fd/1): always written through, never replaced,
 * even when they lead to a regular file. */
static int is_stream_path(const char *p)
{
	return strncmp(p, "/dev/", 5) == 0 || strncmp(p, "/proc/", 6) == 0;
}

enum how { WRITE_THROUGH, REPLACE };

/*
 * How to write 'path', and the regular file to replace (malloc'd: the
 * symlink's target, or path itself).  -1 with errno: EISDIR for a
 * directory, ENOENT for a dangling symlink, EINVAL for a socket or block
 * device.
 */
static int classify(const char *path, enum how *how, char **target, struct stat *st, int *exists)
{
	*target = NULL;
	*exists = 0;
	if (lstat(path, st) != 0) {
		if (errno != ENOENT)
			return -1;
		*how = REPLACE;
		*target = gb_xstrdup(path);
		return 0;
	}
	int link = S_ISLNK(st->st_mode);
	if (link && stat(path, st) != 0)
		return -1;	/* dangling: ENOENT */
	*exists = 1;
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode) || is_stream_path(path)) {
		*how = WRITE_THROUGH;
		return 0;
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return -1;
	}
	*how = REPLACE;
	if (!link) {
		*target = gb_xstrdup(path);
		return 0;
	}
	char *real = realpath(path, NULL);	/* the file the link leads to */
	if (!real)
		return -1;
	*target = real;
	return 0;
}

/* The folder of 'path' ("." when it has none), into buf. */
static void dir_of(const char *path, char *buf, size_t len)
{
	gb_strlcpy(buf, path, len);
	char *slash = strrchr(buf, '/');
	if (slash == buf)
		buf[1] = 0;
	else if (slash)
		*slash = 0;
	else
		gb_strlcpy(buf, ".", len);
}

int gb_output_check(const char *path, char *msg, size_t len)
{
	if (!path || strcmp(path, "-") == 0)
		return 0;
	if (!*path || path[strlen(path) - 1] == '/') {
		snprintf(msg, len, "'%s': is a directory; give a file name", path);
		return -1;
	}
	enum how how;
	char *target;
	struct stat st;
	int exists;
	if (classify(path, &how, &target, &st, &exists) != 0) {
		int e = errno;
		if (e == EISDIR)
			snprintf(msg, len, "%s: is a directory; give a file name", path);
		else if (e == ENOENT)
			snprintf(msg, len, "%s: is a symbolic link to a file that does not exist", path);
		else if (e == EINVAL)
			snprintf(msg, len, "%s: is neither a regular file, a FIFO nor a character device",
				 path);
		else
			snprintf(msg, len, "%s: %s", path, strerror(e));
		return -1;
	}
	int rc = 0;
	if (how == WRITE_THROUGH) {
		if (access(path, W_OK) != 0) {
			snprintf(msg, len, "%s: cannot write to it: %s", path, strerror(errno));
			rc = -1;
		}
		return rc;
	}
	char dir[PATH_MAX];
	dir_of(target, dir, sizeof dir);
	struct stat ds;
	if (stat(dir, &ds) != 0 || !S_ISDIR(ds.st_mode)) {
		snprintf(msg, len, "%s: the folder %s does not exist", path, dir);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) != 0) {
		snprintf(msg, len, "%s: cannot write in %s: %s", path, dir, strerror(errno));
		rc = -1;
	} else if (exists && access(target, W_OK) != 0) {
		/* a read-only result file says "keep me": not replaced */
		snprintf(msg, len, "%s: the file is read-only (%s)", path, strerror(errno));
		rc = -1;
	}
	free(target);
	return rc;
}

/* ------------------------------------------------------------- writing -- */

/* The temporary file being written, for the signal handler: removed when
 * SIGINT/SIGTERM/SIGHUP arrive while it exists. */
static char tmp_name[PATH_MAX];
static volatile sig_atomic_t tmp_live;
static const int held[] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_name);
	tmp_live = 0;
	gb_die_by_signal(sig);
}

static int render_to(FILE *f, gb_render_fn render, const void *doc)
{
	render(doc, f);
	int bad = fflush(f) != 0 || ferror(f);
	return bad ? -1 : 0;
}

static int write_through(const char *path, gb_render_fn render, const void *doc)
{
	if (strcmp(path, "-") == 0)
		return render_to(stdout, render, doc);
	/* O_APPEND: /dev/stdout leading to a file the shell opened goes on
	 * after what is there instead of over it */
	int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	int rc = render_to(f, render, doc);
	int e = errno;
	if (fclose(f) != 0 && rc == 0)
		return -1;
	errno = e;
	return rc;
}

static int replace(const char *target, const struct stat *old, int exists, gb_render_fn render,
		   const void *doc)
{
	char dir[PATH_MAX];
	dir_of(target, dir, sizeof dir);
	const char *base = gb_basename(target);
	/* a hidden name beside the target, short enough for any NAME_MAX */
	if ((size_t)snprintf(tmp_name, sizeof tmp_name, "%s/.%.200s.XXXXXX", dir, base) >= sizeof tmp_name) {
		errno = ENAMETOOLONG;
		return -1;
	}
	struct sigaction sa = { .sa_handler = on_signal }, prev[3];
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, held[i]);
	for (int i = 0; i < 3; i++)
		sigaction(held[i], &sa, &prev[i]);

	int rc = -1, fd = mkostemp(tmp_name, O_CLOEXEC);
	if (fd >= 0) {
		tmp_live = 1;
		/* the mode a new file would get (0666 less umask), or the one the
		 * replaced file had, with its owner where we may set it */
		mode_t mask = umask(0);
		umask(mask);
		if (exists) {
			if (fchown(fd, old->st_uid, old->st_gid) != 0) {
				/* not root: the file becomes ours, as any rewrite would */
			}
			fchmod(fd, old->st_mode & 07777);
		} else {
			fchmod(fd, 0666 & ~mask);
		}
		FILE *f = fdopen(fd, "w");
		if (!f) {
			close(fd);
		} else {
			rc = render_to(f, render, doc);
			if (rc == 0 && fsync(fileno(f)) != 0 && errno != EINVAL)
				rc = -1;
			if (fclose(f) != 0)
				rc = -1;
		}
		int e = errno;
		if (rc == 0 && rename(tmp_name, target) != 0) {
			e = errno;
			rc = -1;
		}
		if (rc != 0)
			unlink(tmp_name);
		tmp_live = 0;
		errno = e;
	}
	int e = errno;
	for (int i = 0; i < 3; i++)
		sigaction(held[i], &prev[i], NULL);
	errno = e;
	return rc;
}

int gb_output_write(const char *path, gb_render_fn render, const void *doc)
{
	if (strcmp(path, "-") == 0)
		return write_through(path, render, doc);
	enum how how;
	char *target;
	struct stat st;
	int exists;
	if (classify(path, &how, &target, &st, &exists) != 0)
		return -1;
	int rc = how == WRITE_THROUGH ? write_through(path, render, doc)
				      : replace(target, &st, exists, render, doc);
	int e = errno;
	free(target);
	errno = e;
	return rc;
}

int gb_output_emit(const gb_format *tab, size_t n, const char *given, const char *path, int quiet,
		   const void *doc)
{
	int rc = 0;
	if (path && strcmp(path, "-") == 0) {
		const gb_format *f = gb_format_pick(tab, n, given, NULL, gb_format_find(tab, n, "json"));
		(f ? f : tab)->render(doc, stdout);
	} else {
		if (path) {
			const gb_format *f = gb_format_pick(tab, n, given, path, tab);
			if (gb_output_write(path, (f ? f : tab)->render, doc) != 0) {
				gb_err("cannot write %s: %s", path, strerror(errno));
				rc = -1;
			}
		}
		if (!quiet) {
			const gb_format *f = path ? tab : gb_format_pick(tab, n, given, NULL, tab);
			(f ? f : tab)->render(doc, stdout);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		gb_err("cannot write the results to stdout: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}
