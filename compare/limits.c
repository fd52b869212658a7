/* limits.c - what gb-compare refuses to read, before it reads it.
 *
 * Result files come from harnesses and other people, so a file is an
 * untrusted input: /dev/zero, a 10 GB log given by mistake or a document
 * built to exhaust memory must end in a message and exit 2, never in the
 * OOM killer.  Two checks, both before any allocation that grows with the
 * input:
 *  - the file: at most CMP_MAX_FILE bytes, checked with fstat on the open
 *    descriptor for regular files and by a bounded read for the rest
 *    (pipes, devices, /proc), so a FIFO or /dev/zero stops at the cap;
 *  - the JSON text: one linear scan counts its values and nesting depth,
 *    because the parser's memory is about 40 bytes per value whatever the
 *    bytes (a 256 MiB file of "0," is 128 M values, 5 GB in jansson).
 * The limits are documented in docs/compare.md ("Limits"). */
#include "compare.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cmp_read_input(const char *path, size_t *lenp, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory, not a result file", path);
		close(fd);
		return NULL;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > CMP_MAX_FILE) {
		snprintf(err, errlen, "%s: %llu bytes, more than gb-compare reads (%u MiB)", path,
			 (unsigned long long)st.st_size, CMP_MAX_FILE >> 20);
		close(fd);
		return NULL;
	}
	size_t len;
	char *buf = gb_read_fd(fd, CMP_MAX_FILE, &len);
	if (!buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	close(fd);
	if (len > CMP_MAX_FILE) {
		snprintf(err, errlen, "%s: more than %u MiB (gb-compare reads result files up to that size)", path,
			 CMP_MAX_FILE >> 20);
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

int cmp_prescan(const char *buf, size_t len, const char *path, char *err, size_t errlen)
{
	size_t values = 1, depth = 0, line = 1;
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (c == '\n')
			line++;
		if (in_str) {
			if (c == '\\')
				i++;	/* the escaped byte cannot end the string */
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			break;
		case '[':
		case '{':
			if (++depth > CMP_MAX_DEPTH) {
				snprintf(err, errlen, "%s:%zu: nested more than %d deep (a result document is "
					 "a few levels deep; refused)", path, line, CMP_MAX_DEPTH);
				return -1;
			}
			values++;
			break;
		case ']':
		case '}':
			if (depth)
				depth--;
			break;
		case ',':
			if (++values > CMP_MAX_VALUES) {
				snprintf(err, errlen, "%s:%zu: more than %u JSON values (gb-compare's limit; "
					 "refused)", path, line, CMP_MAX_VALUES);
				return -1;
			}
			break;
		}
	}
	/* syntax errors are the parser's to report, with their column */
	return 0;
}

/* Strings longer than 'max' bytes are refused by the loader. */
int cmp_too_long(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) > max;
}
