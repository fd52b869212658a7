/* seccomp-run - run a command under a seccomp filter that makes chosen
 * system calls fail with a chosen errno, the way container runtimes do
 * (Docker >= 25 answers io_uring_* with EPERM; Podman and gVisor, ENOSYS);
 * or under a filter of N rules that cost every system call a known
 * amount (the known-cost environment of a campaign, docs/syscall.md).
 *
 *   seccomp-run ERRNO SYSCALL[,SYSCALL...] -- CMD [ARGS...]
 *   seccomp-run --arg-rules N -- CMD [ARGS...]
 *   seccomp-run --nr-rules N -- CMD [ARGS...]
 *
 * ERRNO: EPERM, ENOSYS, EACCES or a number.  SYSCALL: a name from the
 * table below or a number.  Sets no_new_privs, so it works unprivileged.
 *
 * Why two kinds of rules: since Linux 5.11 the kernel runs a new filter
 * once per system call number, at install time, and when the verdict for
 * a number depends on nothing but the number and the architecture it is
 * kept in a bitmap - the filter is then never run for that call again.
 * --nr-rules N compares the number with N numbers no call has: the cache
 * answers every real call, and the filter costs (almost) nothing.
 * --arg-rules N compares the first argument's high word with N values
 * none has (0x5ecc0000 + i: above any user address, below any negative
 * number): a verdict that reads an argument cannot be cached, so every
 * call runs all N rules, as it does under a container profile with
 * argument rules.  Neither kind ever matches a real call; a match would
 * fail with EPERM. */
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
	/* gb-timer's refusals (tests/bench/timer.sh) */
	{ "timerfd_create", __NR_timerfd_create }, { "clock_gettime", __NR_clock_gettime },
	{ "sched_setscheduler", __NR_sched_setscheduler },
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

#define MAX_RULES 1300	/* 3 instructions each, within BPF_MAXINSNS (4096) */
#define ARG_MAGIC 0x5ecc0000u
#define NR_MAGIC 100000u	/* no system call has a number this high */

/* The check every filter starts with: another architecture's calls
 * (int 0x80 from a 64-bit process) have other numbers - kill. */
static unsigned arch_check(struct sock_filter *prog)
{
	unsigned n = 0;
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	return n;
}

/* End the filter with "allow", install it and execute cmd under it. */
static int run_under(struct sock_filter *prog, unsigned n, char **cmd)
{
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog fp = { .len = (unsigned short)n, .filter = prog };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp)) {
		perror("seccomp-run: installing the filter");
		return 125;
	}
	execvp(cmd[0], cmd);
	perror("seccomp-run: exec");
	return 127;
}

/* --arg-rules N / --nr-rules N */
static int known_cost(int argc, char **argv)
{
	char *end;
	long rules = argc >= 5 ? strtol(argv[2], &end, 10) : -1;
	if (argc < 5 || *end || rules < 1 || rules > MAX_RULES || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: seccomp-run --arg-rules|--nr-rules N -- CMD [ARGS...] (N 1 to %d)\n",
			MAX_RULES);
		return 125;
	}
	int by_arg = strcmp(argv[1], "--arg-rules") == 0;
	static struct sock_filter prog[4 + 3 * MAX_RULES];
	unsigned n = arch_check(prog);
	for (long i = 0; i < rules; i++) {
		/* each rule loads what it looks at, as a compiled profile does */
		if (by_arg)
			prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
								 offsetof(struct seccomp_data, args[0]) + 4);
		else
			prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
								 offsetof(struct seccomp_data, nr));
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 (by_arg ? ARG_MAGIC : NR_MAGIC) + (unsigned)i, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	return run_under(prog, n, argv + 4);
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--arg-rules") || !strcmp(argv[1], "--nr-rules")))
		return known_cost(argc, argv);
	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: seccomp-run ERRNO SYSCALL[,SYSCALL...] -- CMD [ARGS...]\n"
			"       seccomp-run --arg-rules|--nr-rules N -- CMD [ARGS...]\n");
		return 125;
	}
	int err = errno_of(argv[1]);
	struct sock_filter prog[64];
	unsigned n = arch_check(prog);
	/* then compare the call number */
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
	return run_under(prog, n, argv + 4);
}
