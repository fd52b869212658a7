/* startup-insncount PROG [ARGS...] - single-step PROG from its first
 * instruction to its exit and count what it executed: every instruction,
 * and those that a hypervisor may trap or that enter the kernel (CPUID,
 * XGETBV, RDTSC, SYSCALL).  Used by docs/startup.md to show where a static
 * glibc program's start-up time goes in a VM (CPUID always causes a VM
 * exit); tests/bench/startup.sh checks it on a program of three
 * instructions.  Slow (a ptrace stop per instruction): for tiny programs.
 *
 * Output, one line: instructions=N cpuid=N xgetbv=N rdtsc=N syscall=N exit=S
 * With INSNCOUNT_TRACE=1, each counted instruction also goes to stderr as
 * "cpuid rip=0x... eax=0x... ecx=0x..." (map rip to a function with nm). */
#include <stdlib.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	unsigned char op[3];
	unsigned len;
} ops[] = {
	{ "cpuid", { 0x0f, 0xa2 }, 2 },
	{ "xgetbv", { 0x0f, 0x01, 0xd0 }, 3 },
	{ "rdtsc", { 0x0f, 0x31 }, 2 },
	{ "syscall", { 0x0f, 0x05 }, 2 },
};
#define NOPS (sizeof ops / sizeof ops[0])

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: startup-insncount PROG [ARGS...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(argv[1], argv + 1);	/* stops with SIGTRAP at the new program's entry */
		fprintf(stderr, "startup-insncount: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int st, trace = getenv("INSNCOUNT_TRACE") != NULL;
	unsigned long long n = 0, count[NOPS] = { 0 };
	if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st)) {
		fprintf(stderr, "startup-insncount: the child did not stop at exec\n");
		return 1;
	}
	for (;;) {
		struct user_regs_struct regs;
		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0) {
			errno = 0;
			long word = ptrace(PTRACE_PEEKTEXT, pid, (void *)regs.rip, NULL);
			if (errno == 0) {
				unsigned char b[8];
				memcpy(b, &word, sizeof b);
				/* legacy prefixes are not expected before these opcodes in libc */
				for (size_t k = 0; k < NOPS; k++)
					if (memcmp(b, ops[k].op, ops[k].len) == 0) {
						count[k]++;
						if (trace)
							fprintf(stderr, "%s rip=%#llx eax=%#llx ecx=%#llx\n", ops[k].name,
								regs.rip, regs.rax, regs.rcx);
					}
			}
		}
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0)
			break;
		if (waitpid(pid, &st, 0) < 0 || WIFEXITED(st) || WIFSIGNALED(st))
			break;
		n++;
	}
	printf("instructions=%llu", n + 1);
	for (size_t k = 0; k < NOPS; k++)
		printf(" %s=%llu", ops[k].name, count[k]);
	if (WIFEXITED(st))
		printf(" exit=%d\n", WEXITSTATUS(st));
	else
		printf(" signal=%d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}
