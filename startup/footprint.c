/* footprint.c - memory of a process tree or a cgroup at readiness.
 *
 * Two of the studies' measures: PSS (Agarwal et al.: shared pages split
 * between the processes that map them, so summing over processes does
 * not count a shared library twice) and private dirty memory (Li et al.:
 * what this instance alone costs the host).  Both come from
 * /proc/PID/smaps_rollup (Linux 4.14+), else the summed smaps. */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proctree.h"
#include "startup.h"
#include "util.h"

int su_smaps_add(const char *text, su_mem *m)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "Pss:", offsetof(su_mem, pss_kib) },
		{ "Private_Dirty:", offsetof(su_mem, private_dirty_kib) },
	};
	int used = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			size_t kl = strlen(keys[k].key);
			if (strncmp(p, keys[k].key, kl))
				continue;
			char *end;
			unsigned long long v = strtoull(p + kl, &end, 10);
			if (end == p + kl)
				continue;
			*(uint64_t *)((char *)m + keys[k].off) += v;
			used++;
		}
	return used;
}

/* One process (under root: "" or NULL is the real /proc); 0 if it was
 * read, -1 if it is gone or unreadable. */
static int add_pid(const char *root, pid_t pid, su_mem *m)
{
	static const char *const files[] = { "smaps_rollup", "smaps" };
	for (size_t i = 0; i < 2; i++) {
		char path[64];
		size_t len;
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, files[i]);
		char *text = gb_read_all(root, path, &len);
		if (!text)
			continue;
		su_mem one = { 0, 0, 0 };
		int used = su_smaps_add(text, &one);
		free(text);
		/* a kernel thread or a zombie has empty smaps: nothing to add */
		m->pss_kib += one.pss_kib;
		m->private_dirty_kib += one.private_dirty_kib;
		m->procs += used > 0;
		return 0;
	}
	return -1;
}

/* The processes of a cgroup directory and of the groups below it. */
static void add_cgroup(const char *dir, su_mem *m, int depth)
{
	char path[4096];
	size_t len;
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	char *text = gb_read_all(NULL, path, &len);
	if (text) {
		for (char *p = text, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			add_pid(NULL, (pid_t)pid, m);
		}
		free(text);
	}
	DIR *d = depth < 32 ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			add_cgroup(path, m, depth + 1);
		}
	closedir(d);
}

void su_mem_sum(const char *root, const pid_t *pids, size_t n, su_mem *m)
{
	for (size_t i = 0; i < n; i++)
		add_pid(root, pids[i], m);
}

int su_footprint(pid_t pid, const char *cgroup, su_mem *m, char *why, size_t wlen)
{
	memset(m, 0, sizeof *m);
	if (cgroup) {
		char procs[4096];
		snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup);
		if (!gb_path_exists(NULL, procs)) {
			snprintf(why, wlen, "--cgroup %s: no cgroup.procs there", cgroup);
			return -1;
		}
		add_cgroup(cgroup, m, 0);
	} else {
		pid_t *v;
		size_t n = gb_tree_list(pid, &v);
		su_mem_sum(NULL, v, n, m);
		free(v);
	}
	if (m->procs == 0) {
		snprintf(why, wlen, "no smaps_rollup or smaps readable for %s (is /proc mounted?)",
			 cgroup ? "the cgroup's processes" : "CMD's processes");
		return -1;
	}
	return 0;
}

/* A batch of --instances: every process below the holder (the holder, a
 * fork of gb-startup that only starts and reaps the instances, is not
 * theirs), or the cgroup(s): a PATH with {i} is one group per instance. */
int su_footprint_batch(pid_t holder, const char *cgroup, int n, su_mem *m, char *why, size_t wlen)
{
	memset(m, 0, sizeof *m);
	if (!cgroup) {
		pid_t *v;
		size_t k = gb_tree_list(holder, &v);
		if (k > 1)
			su_mem_sum(NULL, v + 1, k - 1, m);
		free(v);
		if (k == 1) {
			snprintf(why, wlen, "no instance process was left when the last one was ready (an instance "
				 "that exits once ready, e.g. gb-startup ping alone, leaves nothing to measure)");
			return -1;
		}
	} else {
		int each = strstr(cgroup, "{i}") != NULL;
		for (int i = 1; i <= (each ? n : 1); i++) {
			char num[16];
			snprintf(num, sizeof num, "%d", i);
			char *dir = su_subst_inst(cgroup, "", "", "", num);
			char procs[4200];
			snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
			if (!gb_path_exists(NULL, procs)) {
				snprintf(why, wlen, "--cgroup %s: no cgroup.procs there", dir);
				free(dir);
				return -1;
			}
			add_cgroup(dir, m, 0);
			free(dir);
		}
	}
	if (m->procs == 0) {
		snprintf(why, wlen, "no smaps_rollup or smaps readable for %s (is /proc mounted?)",
			 cgroup ? "the cgroups' processes" : "the instances' processes");
		return -1;
	}
	return 0;
}
