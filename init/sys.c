/* sys.c - the little a PID 1 must set up before a benchmark can run:
 * /proc, /sys, /dev and /tmp, a console on fds 0-2, and the network
 * interfaces.  Nothing here is fatal: in a container some of it is
 * refused (no CAP_SYS_ADMIN for devtmpfs, say), and the benchmarks already
 * cope with a missing /sys or /dev; each step notes what it did. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "init.h"

static void note_add(char *note, size_t len, const char *fmt, ...)
{
	size_t used = strlen(note);
	va_list ap;
	if (used && used + 2 < len) {
		strcpy(note + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(note + used, len - used, fmt, ap);
	va_end(ap);
}

/* What a PID 1 mounts, in order: /dev before /dev/pts-like children would
 * matter, but nothing here needs them.  /tmp is where the suite puts
 * diskio's scratch directory (an initramfs root is writable, but a disk
 * root may not be). */
static const struct {
	const char *dir, *type, *source;
	unsigned long flags;
	int hides;	/* a plain directory of files: mount only over an empty one */
} mounts[] = {
	{ "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
	{ "/sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
	{ "/dev", "devtmpfs", "devtmpfs", MS_NOSUID, 0 },
	{ "/tmp", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, 1 },
};

static int empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;
	while (d && empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return empty;
}

/* Is something already mounted at dir (an initramfs has nothing; a
 * container runtime may have mounted /proc for us)?  A mount point's
 * device differs from its parent's. */
static int mounted(const char *dir)
{
	struct stat a, b;
	char parent[64];
	snprintf(parent, sizeof parent, "%s/..", dir);
	return stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

/* A /proc inherited from the parent PID namespace (unshare --pid without
 * --mount-proc) shows the parent's processes: /proc/self is not "1" for
 * our PID 1.  A fresh proc mounted over it shows ours. */
static int stale_proc(const char *dir)
{
	char self[32] = "";
	if (strcmp(dir, "/proc") != 0 || getpid() != 1)
		return 0;
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);
	return n > 0 && (self[n] = 0, strcmp(self, "1") != 0);
}

void init_mounts(char *note, size_t len)
{
	for (size_t i = 0; i < sizeof mounts / sizeof mounts[0]; i++) {
		const char *dir = mounts[i].dir;
		mkdir(dir, 0755);
		if (mounted(dir) && !stale_proc(dir)) {
			note_add(note, len, "%s already mounted", dir);
			continue;
		}
		if (mounts[i].hides && !empty_dir(dir)) {
			note_add(note, len, "%s kept (not empty: a tmpfs would hide its files)", dir);
			continue;
		}
		if (mount(mounts[i].source, dir, mounts[i].type, mounts[i].flags, NULL) == 0) {
			note_add(note, len, "%s mounted", dir);
			if (mounts[i].hides)
				chmod(dir, 01777);
		} else {
			note_add(note, len, "%s not mounted (%s: %s)", dir, mounts[i].type, strerror(errno));
		}
	}
}

/* Kernel modules the initramfs carries (scripts/initramfs.sh MODULES=...,
 * e.g. virtio_mmio and virtio_net, which Debian's kernel builds as
 * modules): /lib/modules/NN-name.ko, loaded in name order - the script
 * numbers them so that dependencies come first.  A distribution kernel
 * needs them for a NIC or a disk; a microVM kernel usually has them
 * built in and the folder is absent. */
static int ko_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 3 && strcmp(d->d_name + n - 3, ".ko") == 0;
}

void init_modules(char *note, size_t len)
{
	struct dirent **e;
	int n = scandir("/lib/modules", &e, ko_only, alphasort);
	if (n <= 0)
		return;
	char loaded[512] = "", failed[512] = "";
	for (int i = 0; i < n; i++) {
		char path[300];
		snprintf(path, sizeof path, "/lib/modules/%s", e[i]->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int rc = fd < 0 ? -1 : (int)syscall(SYS_finit_module, fd, "", 0);
		char *list = rc == 0 || errno == EEXIST ? loaded : failed;
		if (rc != 0 && list == failed)
			snprintf(list + strlen(list), sizeof loaded - strlen(list), " %s (%s)",
				 e[i]->d_name, strerror(errno));
		else
			snprintf(list + strlen(list), sizeof loaded - strlen(list), " %s", e[i]->d_name);
		if (fd >= 0)
			close(fd);
		free(e[i]);
	}
	free(e);
	if (loaded[0])
		note_add(note, len, "modules loaded:%s", loaded);
	if (failed[0])
		note_add(note, len, "modules NOT loaded:%s", failed);
}

/* The kernel gives init /dev/console as fds 0-2 only if the initramfs has
 * that node; without it init starts with nothing open and every message
 * would be lost.  Open it ourselves now that /dev may be mounted (or make
 * the node: character device 5:1). */
void init_console(void)
{
	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0 && fcntl(STDERR_FILENO, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0 && mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1)) == 0)
		fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;	/* nowhere to write: run anyway, the exit status remains */
	for (int i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static int if_up(int s, const char *dev)
{
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static int if_addr(int s, const char *dev, unsigned long req, struct in_addr a)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	sin->sin_family = AF_INET;
	sin->sin_addr = a;
	return ioctl(s, req, &ifr);
}

static int default_route(int s, struct in_addr gw)
{
	struct rtentry rt = { 0 };
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
	struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
	struct sockaddr_in *via = (struct sockaddr_in *)&rt.rt_gateway;
	dst->sin_family = mask->sin_family = via->sin_family = AF_INET;
	via->sin_addr = gw;
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	return ioctl(s, SIOCADDRT, &rt);
}

/* ADDR/PREFIX -> address and netmask; -1 when it is not that. */
static int parse_cidr(const char *text, struct in_addr *addr, struct in_addr *mask)
{
	char buf[64];
	char *slash, *end;
	long prefix = 24;
	snprintf(buf, sizeof buf, "%s", text);
	if ((slash = strchr(buf, '/'))) {
		*slash = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || prefix < 1 || prefix > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, addr) != 1)
		return -1;
	mask->s_addr = htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix));
	return 0;
}

/* lo always (the netlat loopback tests and a launcher on the host side of
 * a user-mode network need it); a static address on c->dev when asked.
 * Bringing lo up gives it 127.0.0.1 and ::1 by itself. */
void init_net(const init_conf *c, char *note, size_t len)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		note_add(note, len, "no network (socket: %s)", strerror(errno));
		return;
	}
	if (if_up(s, "lo") == 0)
		note_add(note, len, "lo up");
	else
		note_add(note, len, "lo not up (%s)", strerror(errno));
	if (c->ip[0]) {
		struct in_addr a, m, g;
		if (parse_cidr(c->ip, &a, &m) != 0) {
			note_add(note, len, "guestbench.ip=%s is not ADDR/PREFIX (IPv4)", c->ip);
		} else if (if_addr(s, c->dev, SIOCSIFADDR, a) < 0 || if_addr(s, c->dev, SIOCSIFNETMASK, m) < 0 ||
			   if_up(s, c->dev) < 0) {
			note_add(note, len, "%s not configured (%s: is its driver in the kernel?)",
				 c->dev, strerror(errno));
		} else {
			note_add(note, len, "%s %s", c->dev, c->ip);
			if (!c->gw[0])
				;
			else if (inet_pton(AF_INET, c->gw, &g) != 1)
				note_add(note, len, "guestbench.gw=%s is not an IPv4 address", c->gw);
			else if (default_route(s, g) < 0)
				note_add(note, len, "no default route via %s (%s)", c->gw, strerror(errno));
			else
				note_add(note, len, "default route via %s", c->gw);
		}
	}
	close(s);
}
