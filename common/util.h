/* util.h - small helpers every module needs: messages, exit statuses,
 * allocation, reading tiny /proc and /sys files that may be missing,
 * string lists.  Text to values is parse.h; values to text, format.h. */
#ifndef GB_UTIL_H
#define GB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>

#define GB_VERSION "0.1.0"

/* The exit-status contract (DESIGN.md "Conventions"). */
enum {
	GB_EXIT_OK = 0,		/* ran and validated */
	GB_EXIT_INVALID = 1,	/* ran, but validation or a run-time step failed */
	GB_EXIT_USAGE = 2,	/* bad command line */
	GB_EXIT_ENV = 3,	/* the environment cannot do what was asked */
};

/* Program name used in messages ("gb-syscall"); set by gb_cli_parse. */
extern const char *gb_prog;
extern int gb_verbose;	/* -v count */

void gb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gb_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* only with -v */
_Noreturn void gb_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *gb_xmalloc(size_t n);
void *gb_xcalloc(size_t n, size_t size);
void *gb_xrealloc(void *p, size_t n);
char *gb_xstrdup(const char *s);
char *gb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Room for one more element in a growable array of n used, *cap
 * allocated: returns p, reallocated (doubling) when full.
 *   v = gb_grow(v, n, &cap, sizeof *v); v[n++] = x; */
void *gb_grow(void *p, size_t n, size_t *cap, size_t elem);

/*
 * Read a small text file into buf (NUL-terminated, trailing newline
 * stripped).  'root' prefixes the path ("" or NULL for the real root; tests
 * pass a fixture directory).  Returns the length, or -1 when the file is
 * missing or unreadable: callers then report "unknown", never crash.
 */
long gb_read_text(const char *root, const char *path, char *buf, size_t size);

/* Whole file into a malloc'd buffer (for /proc/self/smaps, mountinfo).
 * Returns NULL on failure; *len gets the length. */
char *gb_read_all(const char *root, const char *path, size_t *len);
/* The same from an open descriptor (left open), NUL-terminated, reading at
 * most max + 1 bytes: *len > max says the input is larger than max (a
 * FIFO or /dev/zero never makes it grow past that).  NULL on a read error. */
char *gb_read_fd(int fd, size_t max, size_t *len);

/*
 * 'root' + 'path' into buf: the one place a fixture root is joined onto an
 * absolute path ("" or NULL root: the path itself).  Returns 0, or -1 when
 * the result does not fit (buf then holds "", never a truncated path that
 * could name some other file).
 */
int gb_root_path(const char *root, const char *path, char *buf, size_t size);

int gb_path_exists(const char *root, const char *path);

/*
 * One field of /proc/meminfo under 'root', e.g. gb_meminfo(root, "MemTotal").
 * "kB" values come back in bytes, unitless ones (HugePages_Total) as they
 * are.  0 when unknown: no file, no such key, or a value that is not a
 * plain number.
 */
uint64_t gb_meminfo(const char *root, const char *key);


/* Copy at most size-1 bytes, always NUL-terminate; returns strlen(dst). */
size_t gb_strlcpy(char *dst, const char *src, size_t size);
/* Is 'name' one of the words of a comma-separated list ("a,b,c")?  A NULL
 * list holds nothing. (--only lists, test hooks) */
int gb_list_has(const char *list, const char *name);

/* This program's own file, to execute it again (the suite's benchmarks,
 * gb-startup's no-op child, init's command): /proc/self/exe resolved,
 * else AT_EXECFN, else the /proc/self/exe link itself.  NULL, with the
 * reason in why, when none works. */
const char *gb_self_path(char *why, size_t len);

/* Empty a directory of plain files (one level) and remove it: 0, or -1
 * with errno of the first unlink that failed, else of rmdir.  Async-signal-safe (system
 * calls only: getdents64, unlinkat, rmdir), so a signal handler may call
 * it for a scratch directory its process made. */
int gb_rmdir_flat(const char *dir);

/* The last component of a path ("gb-stream" of "/bin/gb-stream"). */
const char *gb_basename(const char *path);

/* A growable list of owned strings (warnings, container signs, ...). */
typedef struct gb_strlist {
	char **v;
	size_t n, cap;
} gb_strlist;

void gb_strlist_add(gb_strlist *l, const char *s);
void gb_strlist_addf(gb_strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_strlist_free(gb_strlist *l);


/* Progress on stderr, only when stderr is a terminal (and not -q):
 * rewrites one line; gb_progress_done clears it. */
void gb_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gb_progress_done(void);
extern int gb_quiet;


#endif
