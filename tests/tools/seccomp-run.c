/* seccomp-run - run a command under a seccomp filter that makes chosen
 * system calls fail with a chosen errno, the way container runtimes do
 * (Docker >= 25 answers io_uring_* with EPERM; Podman and gVisor, ENOSYS).
 *
 *   seccomp-run ERRNO SYSCALL[,SYSCALL...] -- CMD [ARGS...]
 *
 * ERRNO: EPERM, ENOSYS, EACCES or a number.  SYSCALL: a name from the
 * table below or a number.  Sets no_new_privs, so it works unprivileged. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct { const char *name; int nr; } names[] = {
	{ "io_uring_setup", __NR_io_uring_setup }, { "io_uring_enter", __NR_io_uring_enter },
	{ "io_uring_register", __NR_io_uring_register }, { "get_mempolicy", __NR_get_mempolicy },
	{ "set_mempolicy", __NR_set_mempolicy }, { "mbind", __NR_mbind },
	{ "migrate_pages", __NR_migrate_pages }, { "move_pages", __NR_move_pages },
	{ "sched_setaffinity", __NR_sched_setaffinity }, { "perf_event_open", __NR_perf_event_open },
};

static int errno_of(const char *s)
{
	if (!strcmp(s, "EPERM")) return EPERM;
	if (!strcmp(s, "ENOSYS")) return ENOSYS;
	if (!strcmp(s, "EACCES")) return EACCES;
	return atoi(s);
}

static int nr_of(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == len && !strncmp(names[i].name, s, len))
			return names[i].nr;
	return atoi(s) > 0 ? atoi(s) : -1;
}

int main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: seccomp-run ERRNO SYSCALL[,SYSCALL...] -- CMD [ARGS...]\n");
		return 125;
	}
	int err = errno_of(argv[1]);
	struct sock_filter prog[64];
	unsigned n = 0;
	/* wrong architecture -> kill; then compare the call number */
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (const char *p = argv[2]; *p && n < 60;) {
		size_t len = strcspn(p, ",");
		int nr = nr_of(p, len);
		if (nr < 0) {
			fprintf(stderr, "seccomp-run: unknown system call '%.*s'\n", (int)len, p);
			return 125;
		}
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA));
		p += len + (p[len] == ',');
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog fp = { .len = (unsigned short)n, .filter = prog };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp)) {
		perror("seccomp-run: installing the filter");
		return 125;
	}
	execvp(argv[4], argv + 4);
	perror("seccomp-run: exec");
	return 127;
}
