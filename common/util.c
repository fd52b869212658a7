/* util.c - messages, allocation, small-file reading, strict number parsing. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *gb_prog = "guestbench";
int gb_verbose;
int gb_quiet;
static int progress_shown;

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	/* one fprintf per line so lines from threads do not interleave */
	char buf[4096];
	vsnprintf(buf, sizeof buf, fmt, ap);
	fprintf(stderr, "%s: %s%s\n", gb_prog, kind, buf);
}

void gb_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void gb_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void gb_info(const char *fmt, ...)
{
	if (!gb_verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void gb_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
	exit(status);
}

void *gb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		gb_die(GB_EXIT_ENV, "out of memory (%zu bytes)", n);
	return p;
}

void *gb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		gb_die(GB_EXIT_ENV, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *gb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		gb_die(GB_EXIT_ENV, "out of memory (%zu bytes)", n);
	return p;
}

void *gb_grow(void *p, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 8;
	return gb_xrealloc(p, *cap * elem);
}

char *gb_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		gb_die(GB_EXIT_ENV, "out of memory");
	return d;
}

static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		gb_die(GB_EXIT_ENV, "out of memory");
	return s;
}

char *gb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int gb_root_path(const char *root, const char *path, char *buf, size_t size)
{
	if (!size)
		return -1;
	if ((size_t)snprintf(buf, size, "%s%s", root ? root : "", path) >= size) {
		buf[0] = 0;
		return -1;
	}
	return 0;
}

static int open_under(const char *root, const char *path)
{
	char full[PATH_MAX];

	if (gb_root_path(root, path, full, sizeof full) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(full, O_RDONLY | O_CLOEXEC);
}

long gb_read_text(const char *root, const char *path, char *buf, size_t size)
{
	if (!size)
		return -1;
	buf[0] = 0;
	int fd = open_under(root, path);
	if (fd < 0)
		return -1;
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			buf[0] = 0;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = 0;
	return (long)len;
}

char *gb_read_fd(int fd, size_t max, size_t *lenp)
{
	/* /proc files report size 0: grow as we go, up to max + 1 bytes
	 * (one past max: enough to say "too big") and the NUL */
	size_t want = max > SIZE_MAX - 2 ? SIZE_MAX : max + 2;
	size_t cap = want < 65536 ? want : 65536, len = 0;
	char *buf = gb_xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap == want)
				break;
			cap = cap > want / 2 ? want : cap * 2;
			buf = gb_xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

char *gb_read_all(const char *root, const char *path, size_t *lenp)
{
	int fd = open_under(root, path);
	if (fd < 0)
		return NULL;
	char *buf = gb_read_fd(fd, SIZE_MAX, lenp);
	int e = errno;
	close(fd);
	errno = e;
	return buf;
}

int gb_path_exists(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	return gb_root_path(root, path, full, sizeof full) == 0 && stat(full, &st) == 0;
}

/* "  24441828 kB" -> 24441828 * 1024; -1 on anything else. */
static int meminfo_value(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v;

	s += strspn(s, " \t");
	if (*s < '0' || *s > '9')
		return -1;	/* strtoull would take "-5" and "+5" */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	s = end + strspn(end, " \t");
	if (!strncmp(s, "kB", 2)) {
		if (v > UINT64_MAX / 1024)
			return -1;
		v *= 1024;
		s += 2;
	}
	if (*s && *s != '\n')
		return -1;	/* another unit, or trailing junk */
	*out = v;
	return 0;
}

uint64_t gb_meminfo(const char *root, const char *key)
{
	/* ~1.5 KiB on today's kernels; a key past 8 KiB reads as unknown */
	char buf[8192];
	size_t kl = strlen(key);
	uint64_t v;

	if (!kl || gb_read_text(root, "/proc/meminfo", buf, sizeof buf) <= 0)
		return 0;
	/* the whole name at the start of a line: "Active" must not match
	 * "Active(anon):", nor "Total" the end of "MemTotal:" */
	for (const char *p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return meminfo_value(p + kl + 1, &v) == 0 ? v : 0;
	return 0;
}

size_t gb_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = 0;
		return c;
	}
	return 0;
}

void gb_strlist_add(gb_strlist *l, const char *s)
{
	l->v = gb_grow(l->v, l->n, &l->cap, sizeof *l->v);
	l->v[l->n++] = gb_xstrdup(s);
}

void gb_strlist_addf(gb_strlist *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	gb_strlist_add(l, s);
	free(s);
}

void gb_strlist_free(gb_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void gb_progress(const char *fmt, ...)
{
	if (gb_quiet || !isatty(STDERR_FILENO))
		return;
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r\033[K%s: %s", gb_prog, buf);
	fflush(stderr);
	progress_shown = 1;
}

void gb_progress_done(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		progress_shown = 0;
	}
}

int gb_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, name, n) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

const char *gb_self_path(char *why, size_t len)
{
	static char path[4096];
	/* /proc/self/exe resolved once: an absolute path to the file itself,
	 * so executing it does not resolve a link again (gb-startup times
	 * every exec; an initramfs's /bin/gb-* are links to /init) */
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	int proc_errno = errno;
	if (n > 0) {
		path[n] = 0;
		if (access(path, X_OK) == 0)	/* not "... (deleted)", not outside a chroot */
			return path;
		proc_errno = errno;
	}
	/* AT_EXECFN, the name execve was given, needs no /proc (an empty
	 * container root, an initramfs before mounting it, gVisor); we never
	 * chdir, so a relative name stays valid */
	const char *fn = (const char *)getauxval(AT_EXECFN);
	if (fn && *fn && access(fn, X_OK) == 0)
		return fn;
	/* the magic link itself executes the file even where no path
	 * reaches it any more (a mount over its directory, a chroot) */
	if (access("/proc/self/exe", X_OK) == 0)
		return "/proc/self/exe";
	snprintf(why, len, "cannot find this program's own file to execute it again: "
		 "/proc/self/exe: %s; AT_EXECFN %s: %s", strerror(proc_errno),
		 fn && *fn ? fn : "(none)", fn && *fn ? strerror(errno) : "missing");
	return NULL;
}

const char *gb_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int gb_rmdir_flat(const char *dir)
{
	/* getdents64 rather than readdir: no malloc, no stdio */
	struct linux_dirent64 {
		uint64_t d_ino;
		int64_t d_off;
		unsigned short d_reclen;
		unsigned char d_type;
		char d_name[];
	};
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), failed = 0, e = 0;
	if (fd >= 0) {
		char buf[4096] __attribute__((aligned(8)));
		long n;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
			for (long off = 0; off < n;) {
				const struct linux_dirent64 *d = (const void *)(buf + off);
				const char *nm = d->d_name;
				off += d->d_reclen;
				if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
					continue;
				if (unlinkat(fd, nm, 0) != 0 && !failed) {
					failed = 1;
					e = errno;
				}
			}
		close(fd);
	}
	if (rmdir(dir) == 0)
		return 0;
	if (!failed)
		e = errno;
	errno = e;
	return -1;
}
