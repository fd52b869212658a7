/* tree.c - a process and all its descendants, from /proc.
 *
 * /proc/PID/task/TID/children (Linux 3.5+, CONFIG_PROC_CHILDREN) lists
 * the children each thread forked; walking it breadth-first gives the
 * tree that footprint sums and that launch kills at the end of a round. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "startup.h"
#include "util.h"

static void add_children(pid_t pid, pid_t **v, size_t *n, size_t *cap)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[400];
		snprintf(path, sizeof path, "%s/%s/children", dir, e->d_name);
		size_t len;
		char *text = gb_read_all(NULL, path, &len);
		if (!text)
			continue;
		for (char *p = text, *end; *p; p = end) {
			long c = strtol(p, &end, 10);
			if (end == p)
				break;
			/* a pid already listed: a cycle is impossible, but a pid
			 * reused between two reads could repeat one */
			int seen = 0;
			for (size_t i = 0; i < *n && !seen; i++)
				seen = (*v)[i] == (pid_t)c;
			if (!seen && c > 0) {
				*v = gb_grow(*v, *n, cap, sizeof **v);
				(*v)[(*n)++] = (pid_t)c;
			}
		}
		free(text);
	}
	closedir(d);
}

size_t st_tree(pid_t pid, pid_t **out)
{
	size_t n = 0, cap = 0;
	pid_t *v = NULL;
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	if (gb_path_exists(NULL, dir)) {
		v = gb_grow(v, n, &cap, sizeof *v);
		v[n++] = pid;
		for (size_t i = 0; i < n; i++)	/* n grows as children are found */
			add_children(v[i], &v, &n, &cap);
	}
	*out = v;
	return n;
}
