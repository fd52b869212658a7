/* cgroup.c - the CPU, cpuset and memory limits of the process's cgroups.
 *
 * Where the hierarchies are mounted comes from mountinfo; which group we
 * are in comes from /proc/self/cgroup.  A limit set on any ancestor binds
 * us too, so each one is the tightest value seen walking from our group up
 * to the top of the mount.  Inside containers the group path often names a
 * directory that the container cannot see (no cgroup namespace) or "/" (a
 * namespace rooted at our group): either way the mount point itself is then
 * our group, which is what the fallback below relies on.
 *
 * Every file is optional and may hold junk: anything unparsable is treated
 * as "no limit known" for that level, never as an error. */
#include "cgroup.h"
#include "parse.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* v1 writes "no limit" as PAGE_COUNTER_MAX pages, ~2^63 - 4096; anything
 * past 2^60 bytes (an exbibyte) cannot be a real limit either. */
#define MEM_UNLIMITED (1ull << 60)

enum { CTL_CPU, CTL_CPUSET, CTL_MEMORY, NCTL };
static const char *const ctl_name[NCTL] = { "cpu", "cpuset", "memory" };

/* One controller's view: which hierarchy, and our directory inside it. */
struct ctl {
	int version;			/* 0 not found, 1, 2 */
	char mnt[PATH_MAX];		/* mount point, without the 'root' prefix */
	char mroot[PATH_MAX];		/* mountinfo field 4: the mount's root in the hierarchy */
	char group[PATH_MAX];		/* from /proc/self/cgroup, "" unknown */
	char dir[PATH_MAX];		/* our group's directory, below mnt */
};

struct mounts {
	int found_v1[NCTL];
	char v1_mnt[NCTL][PATH_MAX], v1_root[NCTL][PATH_MAX];
	int found_v2;
	char v2_mnt[PATH_MAX], v2_root[PATH_MAX];
};

/* ------------------------------------------------------------ text -- */

/* Copy text without surrounding whitespace; -1 when nothing is left or it
 * does not fit (a limit file is never that long: junk). */
static int trim_copy(const char *text, char *out, size_t size)
{
	if (!text)
		return -1;
	while (isspace((unsigned char)*text))
		text++;
	size_t n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (!n || n >= size)
		return -1;
	memcpy(out, text, n);
	out[n] = 0;
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Does a comma-separated option list contain exactly this word? */
static int has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && !strncmp(p, word, wl))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* ---------------------------------------------------------- parsers -- */

int gb_cgroup_parse_cpu_max(const char *text, double *cpus)
{
	char buf[128], q[64], p[64], extra[2];
	uint64_t quota, period;

	if (trim_copy(text, buf, sizeof buf) < 0)
		return -1;
	int n = sscanf(buf, "%63s %63s %1s", q, p, extra);
	if (n < 1 || n > 2)
		return -1;
	if (!strcmp(q, "max")) {
		/* "max" alone is what a hand-written file may hold; the
		 * kernel always adds the period, which must then be sane */
		if (n == 2 && (gb_parse_u64(p, &period) < 0 || !period))
			return -1;
		return 1;
	}
	if (n != 2 || gb_parse_u64(q, &quota) < 0 || gb_parse_u64(p, &period) < 0)
		return -1;
	if (!quota || !period)
		return -1;
	*cpus = (double)quota / (double)period;
	return 0;
}

int gb_cgroup_parse_v1_quota(const char *quota, const char *period, double *cpus)
{
	char qb[64], pb[64];
	int64_t q;
	uint64_t p;

	if (trim_copy(quota, qb, sizeof qb) < 0 || gb_parse_i64(qb, &q) < 0)
		return -1;
	if (q == -1)
		return 1;	/* the period does not matter then */
	if (q <= 0)
		return -1;
	if (trim_copy(period, pb, sizeof pb) < 0 || gb_parse_u64(pb, &p) < 0 || !p)
		return -1;
	*cpus = (double)q / (double)p;
	return 0;
}

int gb_cgroup_parse_mem(const char *text, uint64_t *bytes)
{
	char buf[64];
	uint64_t v;

	if (trim_copy(text, buf, sizeof buf) < 0)
		return -1;
	if (!strcmp(buf, "max") || !strcmp(buf, "-1"))
		return 1;
	if (gb_parse_u64(buf, &v) < 0)
		/* digits that overflow 64 bits are "huge", not junk */
		return all_digits(buf) ? 1 : -1;
	if (v >= MEM_UNLIMITED)
		return 1;
	*bytes = v;
	return 0;
}

/* ------------------------------------------------------------ mounts -- */

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

/* Split a line on spaces in place; returns the number of fields. */
static int split_fields(char *line, char **f, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " ", &save); t && n < max; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	return n;
}

static void mountinfo_line(char *line, struct mounts *m)
{
	char *f[64];
	int n = split_fields(line, f, 64), sep = -1;

	for (int i = 6; i < n; i++) {
		if (!strcmp(f[i], "-")) {
			sep = i;
			break;
		}
	}
	/* after "-": fstype, source, super options (the v1 controllers) */
	if (sep < 0 || sep + 1 >= n)
		return;
	const char *fstype = f[sep + 1], *super = sep + 3 < n ? f[sep + 3] : "";
	unescape(f[3]);
	unescape(f[4]);
	if (!strcmp(fstype, "cgroup2")) {
		if (!m->found_v2) {
			m->found_v2 = 1;
			gb_strlcpy(m->v2_mnt, f[4], sizeof m->v2_mnt);
			gb_strlcpy(m->v2_root, f[3], sizeof m->v2_root);
		}
		return;
	}
	if (strcmp(fstype, "cgroup"))
		return;
	for (int c = 0; c < NCTL; c++) {
		if (m->found_v1[c] || !has_word(super, ctl_name[c]))
			continue;
		m->found_v1[c] = 1;
		gb_strlcpy(m->v1_mnt[c], f[4], sizeof m->v1_mnt[c]);
		gb_strlcpy(m->v1_root[c], f[3], sizeof m->v1_root[c]);
	}
}

static int is_dir(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	return gb_root_path(root, path, full, sizeof full) == 0 && stat(full, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Without mountinfo (no /proc), guess the layouts systemd and others use. */
static void conventional_mounts(const char *root, struct mounts *m)
{
	static const char *const v1_dirs[NCTL][2] = {
		{ "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct" },
		{ "/sys/fs/cgroup/cpuset", NULL },
		{ "/sys/fs/cgroup/memory", NULL },
	};

	if (gb_path_exists(root, "/sys/fs/cgroup/cgroup.controllers")) {
		m->found_v2 = 1;
		gb_strlcpy(m->v2_mnt, "/sys/fs/cgroup", sizeof m->v2_mnt);
	} else if (gb_path_exists(root, "/sys/fs/cgroup/unified/cgroup.controllers")) {
		m->found_v2 = 1;
		gb_strlcpy(m->v2_mnt, "/sys/fs/cgroup/unified", sizeof m->v2_mnt);
	}
	strcpy(m->v2_root, "/");
	for (int c = 0; c < NCTL; c++) {
		for (int k = 0; k < 2 && v1_dirs[c][k] && !m->found_v1[c]; k++) {
			if (!is_dir(root, v1_dirs[c][k]))
				continue;
			m->found_v1[c] = 1;
			gb_strlcpy(m->v1_mnt[c], v1_dirs[c][k], sizeof m->v1_mnt[c]);
			strcpy(m->v1_root[c], "/");
		}
	}
}

static void find_mounts(const char *root, struct mounts *m)
{
	char *text = gb_read_all(root, "/proc/self/mountinfo", NULL);

	memset(m, 0, sizeof *m);
	if (!text) {
		conventional_mounts(root, m);
		return;
	}
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		mountinfo_line(line, m);
	free(text);
}

int gb_cgroup_groups_read(const char *root, gb_cgroup_groups *out)
{
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	out->text = gb_read_all(root, "/proc/self/cgroup", NULL);
	if (!out->text)
		return -1;
	char *save = NULL;
	for (char *line = strtok_r(out->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = 0;
		out->v = gb_grow(out->v, out->n, &cap, sizeof *out->v);
		out->v[out->n].hier = line;
		out->v[out->n].controllers = c1 + 1;
		out->v[out->n].path = c2 + 1;
		out->n++;
	}
	return 0;
}

void gb_cgroup_groups_free(gb_cgroup_groups *g)
{
	free(g->v);
	free(g->text);
	memset(g, 0, sizeof *g);
}

/* Our group per controller; "" where unknown. */
static void find_groups(const char *root, char v1[NCTL][PATH_MAX], char *v2)
{
	gb_cgroup_groups g;

	for (int c = 0; c < NCTL; c++)
		v1[c][0] = 0;
	v2[0] = 0;
	if (gb_cgroup_groups_read(root, &g) < 0)
		return;
	for (size_t i = 0; i < g.n; i++) {
		const struct gb_cgroup_group *x = &g.v[i];
		/* a relative path cannot be mapped below a mount point */
		if (x->path[0] != '/')
			continue;
		if (!strcmp(x->hier, "0") && !*x->controllers) {
			gb_strlcpy(v2, x->path, PATH_MAX);
			continue;
		}
		for (int c = 0; c < NCTL; c++)
			if (!v1[c][0] && has_word(x->controllers, ctl_name[c]))
				gb_strlcpy(v1[c], x->path, PATH_MAX);
	}
	gb_cgroup_groups_free(&g);
}

/* A path that climbs ("..") could leave the hierarchy: never follow it. */
static int climbs(const char *rel)
{
	for (const char *p = strstr(rel, ".."); p; p = strstr(p + 1, ".."))
		if ((p == rel || p[-1] == '/') && (p[2] == 0 || p[2] == '/'))
			return 1;
	return 0;
}

/*
 * The group's directory: strip the mount's own root from the group path
 * and append the rest to the mount point.  If that does not exist (a
 * container sees the host's path, or a namespace shows "/"), the mount
 * point is the best guess at our own group.
 */
static void map_dir(const char *root, struct ctl *c)
{
	const char *rel = NULL;
	size_t rl = strlen(c->mroot);

	gb_strlcpy(c->dir, c->mnt, sizeof c->dir);
	if (!c->group[0])
		return;
	if (!strcmp(c->mroot, "/") || !c->mroot[0])
		rel = c->group;
	else if (!strncmp(c->group, c->mroot, rl) && (c->group[rl] == 0 || c->group[rl] == '/'))
		rel = c->group + rl;
	if (!rel || !*rel || !strcmp(rel, "/") || climbs(rel))
		return;

	char cand[PATH_MAX];
	const char *sep = c->mnt[strlen(c->mnt) - 1] == '/' ? "" : "/";
	if ((size_t)snprintf(cand, sizeof cand, "%s%s%s", c->mnt, sep, rel + (rel[0] == '/')) >= sizeof cand)
		return;
	if (is_dir(root, cand))
		gb_strlcpy(c->dir, cand, sizeof c->dir);
}

/* -------------------------------------------------------------- walk -- */

/* Parent directory in place; 0 once 'dir' is at (or above) the mount. */
static int step_up(char *dir, const char *mnt)
{
	size_t ml = strlen(mnt);

	if (strlen(dir) <= ml)
		return 0;
	char *slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	if (slash == dir)
		slash[1] = 0;
	else
		*slash = 0;
	return strlen(dir) >= ml;
}

static long read_in(const char *root, const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -1;
	return gb_read_text(root, path, buf, size);
}

static int cpu_quota_at(const char *root, const struct ctl *c, const char *dir, double *cpus)
{
	char q[128], p[128];

	if (c->version == 2) {
		if (read_in(root, dir, "cpu.max", q, sizeof q) < 0)
			return -1;
		return gb_cgroup_parse_cpu_max(q, cpus);
	}
	if (read_in(root, dir, "cpu.cfs_quota_us", q, sizeof q) < 0)
		return -1;
	if (read_in(root, dir, "cpu.cfs_period_us", p, sizeof p) < 0)
		p[0] = 0;
	return gb_cgroup_parse_v1_quota(q, p, cpus);
}

static void probe_cpu(const char *root, const struct ctl *c, gb_cgroup *out)
{
	char dir[PATH_MAX];
	double cpus;

	gb_strlcpy(dir, c->dir, sizeof dir);
	do {
		if (cpu_quota_at(root, c, dir, &cpus) == 0 &&
		    (out->cpu_quota == 0 || cpus < out->cpu_quota)) {
			out->cpu_quota = cpus;
			gb_strlcpy(out->cpu_quota_at, dir, sizeof out->cpu_quota_at);
		}
	} while (step_up(dir, c->mnt));
}

static int cpuset_at(const char *root, const struct ctl *c, const char *dir, gb_cgroup *out)
{
	static const char *const v1_files[] = { "cpuset.effective_cpus", "cpuset.cpus" };
	static const char *const v2_files[] = { "cpuset.cpus.effective" };
	const char *const *files = c->version == 2 ? v2_files : v1_files;
	int nfiles = c->version == 2 ? 1 : 2;
	char text[4096], trimmed[sizeof text];

	for (int i = 0; i < nfiles; i++) {
		if (read_in(root, dir, files[i], text, sizeof text) <= 0)
			continue;
		if (gb_parse_cpulist(text, &out->cpuset) < 0)
			continue;
		if (trim_copy(text, trimmed, sizeof trimmed) == 0)
			gb_strlcpy(out->cpuset_list, trimmed, sizeof out->cpuset_list);
		out->has_cpuset = 1;
		return 1;
	}
	return 0;
}

static void probe_cpuset(const char *root, const struct ctl *c, gb_cgroup *out)
{
	char dir[PATH_MAX];

	/* cpusets are already intersected downwards: the innermost wins */
	gb_strlcpy(dir, c->dir, sizeof dir);
	do {
		if (cpuset_at(root, c, dir, out))
			return;
	} while (step_up(dir, c->mnt));
}

/* A "key value" line of memory.stat; -1 when absent or junk. */
static int stat_value(const char *root, const char *dir, const char *key, uint64_t *val)
{
	char path[PATH_MAX];
	size_t kl = strlen(key);
	int rc = -1;

	if ((size_t)snprintf(path, sizeof path, "%s/memory.stat", dir) >= sizeof path)
		return -1;
	char *text = gb_read_all(root, path, NULL);
	if (!text)
		return -1;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, kl) || line[kl] != ' ')
			continue;
		char num[64];
		if (trim_copy(line + kl + 1, num, sizeof num) == 0 && gb_parse_u64(num, val) == 0)
			rc = 0;
		break;
	}
	free(text);
	return rc;
}

static int mem_limit_at(const char *root, const struct ctl *c, const char *dir, uint64_t *bytes)
{
	char text[128];

	if (read_in(root, dir, c->version == 2 ? "memory.max" : "memory.limit_in_bytes",
		    text, sizeof text) < 0)
		return -1;
	return gb_cgroup_parse_mem(text, bytes);
}

/* Usage that reclaim cannot take back easily: inactive file cache is the
 * first thing the kernel drops, so it does not count against the room. */
static void mem_usage(const char *root, const struct ctl *c, const char *dir, gb_cgroup *out)
{
	char text[128], num[128];
	uint64_t used, inactive;

	if (read_in(root, dir, c->version == 2 ? "memory.current" : "memory.usage_in_bytes",
		    text, sizeof text) < 0)
		return;
	if (trim_copy(text, num, sizeof num) < 0 || gb_parse_u64(num, &used) < 0)
		return;
	if (stat_value(root, dir, c->version == 2 ? "inactive_file" : "total_inactive_file",
		       &inactive) == 0)
		used = inactive < used ? used - inactive : 0;
	out->mem_usage = used;
	out->has_mem_usage = 1;
}

static void probe_memory(const char *root, const struct ctl *c, gb_cgroup *out)
{
	char dir[PATH_MAX], limiting[PATH_MAX];
	uint64_t bytes;

	gb_strlcpy(dir, c->dir, sizeof dir);
	gb_strlcpy(limiting, c->dir, sizeof limiting);
	do {
		if (mem_limit_at(root, c, dir, &bytes) == 0 && bytes &&
		    (!out->mem_max || bytes < out->mem_max)) {
			out->mem_max = bytes;
			gb_strlcpy(out->mem_max_at, dir, sizeof out->mem_max_at);
			gb_strlcpy(limiting, dir, sizeof limiting);
		}
	} while (step_up(dir, c->mnt));

	/* v1 also reports the tightest ancestor limit, including ancestors a
	 * container cannot see (a Kubernetes pod's limit above ours) */
	if (c->version == 1 && stat_value(root, c->dir, "hierarchical_memory_limit", &bytes) == 0 &&
	    bytes && bytes < MEM_UNLIMITED && (!out->mem_max || bytes < out->mem_max)) {
		out->mem_max = bytes;
		size_t l = gb_strlcpy(out->mem_max_at, c->dir, sizeof out->mem_max_at);
		gb_strlcpy(out->mem_max_at + l, " (hierarchical_memory_limit)",
			   sizeof out->mem_max_at - l);
		gb_strlcpy(limiting, c->dir, sizeof limiting);
	}
	/* without a limit, our own group's usage is still worth reporting */
	mem_usage(root, c, limiting, out);
}

/* ------------------------------------------------------------- probe -- */

static void resolve(const char *root, const struct mounts *m, char v1g[NCTL][PATH_MAX],
		    const char *v2g, struct ctl *ctl)
{
	for (int c = 0; c < NCTL; c++) {
		struct ctl *x = &ctl[c];
		memset(x, 0, sizeof *x);
		if (m->found_v1[c]) {
			x->version = 1;
			gb_strlcpy(x->mnt, m->v1_mnt[c], sizeof x->mnt);
			gb_strlcpy(x->mroot, m->v1_root[c], sizeof x->mroot);
			gb_strlcpy(x->group, v1g[c], sizeof x->group);
		} else if (m->found_v2) {
			x->version = 2;
			gb_strlcpy(x->mnt, m->v2_mnt, sizeof x->mnt);
			gb_strlcpy(x->mroot, m->v2_root, sizeof x->mroot);
			gb_strlcpy(x->group, v2g, sizeof x->group);
		} else {
			continue;
		}
		if (!x->mnt[0])
			strcpy(x->mnt, "/");
		map_dir(root, x);
	}
}

void gb_cgroup_probe(const char *root, gb_cgroup *out)
{
	struct mounts *m = gb_xcalloc(1, sizeof *m);
	char (*v1g)[PATH_MAX] = gb_xcalloc(NCTL, PATH_MAX);
	char *v2g = gb_xcalloc(1, PATH_MAX);
	struct ctl *ctl = gb_xcalloc(NCTL, sizeof *ctl);

	memset(out, 0, sizeof *out);
	find_mounts(root, m);
	find_groups(root, v1g, v2g);
	resolve(root, m, v1g, v2g, ctl);

	for (int c = 0; c < NCTL; c++)
		if (ctl[c].version == 1)
			out->version = 1;
	if (!out->version && m->found_v2)
		out->version = 2;
	if (ctl[CTL_MEMORY].version)
		gb_strlcpy(out->path, ctl[CTL_MEMORY].group, sizeof out->path);
	else if (out->version == 2)
		gb_strlcpy(out->path, v2g, sizeof out->path);

	if (ctl[CTL_CPU].version)
		probe_cpu(root, &ctl[CTL_CPU], out);
	if (ctl[CTL_CPUSET].version)
		probe_cpuset(root, &ctl[CTL_CPUSET], out);
	if (ctl[CTL_MEMORY].version)
		probe_memory(root, &ctl[CTL_MEMORY], out);

	free(ctl);
	free(v2g);
	free(v1g);
	free(m);
}

/* -------------------------------------------------------- throttling -- */

int gb_cgroup_parse_cpu_stat(const char *text, uint64_t *nr_throttled, uint64_t *throttled_ns)
{
	/* the time's field and its unit: v1 counts ns, v2 microseconds */
	static const struct { const char *key; uint64_t scale; } times[] = {
		{ "throttled_time", 1 }, { "throttled_usec", 1000 },
	};
	int found = 0;

	*nr_throttled = *throttled_ns = 0;
	if (!text)
		return -1;
	char *copy = gb_xstrdup(text), *save = NULL;
	int rc = 1;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64], val[64], extra[2];
		uint64_t v;
		int n = sscanf(line, "%63s %63s %1s", key, val, extra);
		uint64_t *dest = NULL, scale = 1;
		if (n < 1)
			continue;
		if (!strcmp(key, "nr_throttled"))
			dest = nr_throttled;
		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
			if (!strcmp(key, times[i].key)) {
				dest = throttled_ns;
				scale = times[i].scale;
			}
		if (!dest)
			continue;	/* nr_periods, usage_usec, nr_bursts, ...: not ours */
		if (n != 2 || gb_parse_u64(val, &v) < 0 || v > UINT64_MAX / scale) {
			rc = -1;
			break;
		}
		*dest = v * scale;
		found = 1;
	}
	free(copy);
	if (rc < 0) {
		*nr_throttled = *throttled_ns = 0;
		return -1;
	}
	return found ? 0 : 1;
}

int gb_cgroup_throttling(const char *root, uint64_t *nr_throttled, uint64_t *throttled_ns)
{
	struct mounts *m = gb_xcalloc(1, sizeof *m);
	char (*v1g)[PATH_MAX] = gb_xcalloc(NCTL, PATH_MAX);
	char *v2g = gb_xcalloc(1, PATH_MAX), dir[PATH_MAX];
	struct ctl *ctl = gb_xcalloc(NCTL, sizeof *ctl);
	int read_any = 0;

	*nr_throttled = *throttled_ns = 0;
	find_mounts(root, m);
	find_groups(root, v1g, v2g);
	resolve(root, m, v1g, v2g, ctl);
	const struct ctl *c = &ctl[CTL_CPU];
	if (c->version) {
		gb_strlcpy(dir, c->dir, sizeof dir);
		do {
			char *text, path[PATH_MAX];
			uint64_t nr, ns;
			if ((size_t)snprintf(path, sizeof path, "%s/cpu.stat", dir) >= sizeof path ||
			    !(text = gb_read_all(root, path, NULL)))
				continue;
			/* junk at one level is unknown there, not a reason to
			 * drop what the other levels say */
			if (gb_cgroup_parse_cpu_stat(text, &nr, &ns) >= 0) {
				read_any = 1;
				*nr_throttled += nr;
				*throttled_ns += ns;
			}
			free(text);
		} while (step_up(dir, c->mnt));
	}
	free(ctl);
	free(v2g);
	free(v1g);
	free(m);
	return read_any ? 0 : -1;
}

static gb_cgroup real_cgroup;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void probe_real(void)
{
	gb_cgroup_probe("", &real_cgroup);
}

const gb_cgroup *gb_cgroup_get(void)
{
	pthread_once(&real_once, probe_real);
	return &real_cgroup;
}
