/* neighbors.c - busy neighbour processes beside a run (neighbors.h). */
#include "neighbors.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "format.h"
#include "json.h"
#include "parse.h"
#include "proctree.h"
#include "topo.h"

static const char *const kind_words[] = { "cpu", "mem" };

/* -------------------------------------------------- in the neighbour -- */

/* The cpu kind: a dependent chain (the empty asm keeps x opaque), with a
 * look at the parent every ~million steps in case PR_SET_PDEATHSIG was
 * too late. */
static _Noreturn void spin(pid_t parent)
{
	uint64_t x = 1;
	for (;;) {
		for (int i = 0; i < (1 << 20); i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			__asm__ __volatile__("" : "+r"(x));
		}
		if (getppid() != parent)
			_exit(0);
	}
}

/* The mem kind: one read-modify-write per 64-byte line, pass after pass. */
static _Noreturn void stream(pid_t parent, uint64_t bytes)
{
	volatile uint64_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	size_t words = bytes / sizeof *p;
	for (;;) {
		for (size_t i = 0; i < words; i += 8)
			p[i] += i;
		if (getppid() != parent)
			_exit(0);
	}
}

/* Only system calls here: the neighbour is a raw clone of a process that
 * may have threads (a lock held elsewhere stays held in the copy). */
static _Noreturn void neighbor(int kind, int cpu, uint64_t bytes, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);	/* the benchmark died before prctl */
	/* the benchmark's handlers are not ours: a SIGTERM ends a neighbour */
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL)
			signal(s, SIG_DFL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* hold nothing of the benchmark's: a pipe its reader waits on for EOF
	 * (the suite's), a socket, a file being written */
	int nul = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		if (nul >= 0 && fd != nul)
			dup2(nul, fd);
	if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);	/* before Linux 5.9 */
	if (cpu >= 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof one, &one);
	}
	if (kind == GB_NB_MEM)
		stream(parent, bytes);
	spin(parent);
}

/* ------------------------------------------------- in the benchmark -- */

/* The ones running, for the atexit handler (a report may be gone by then). */
static pid_t live[GB_NEIGHBORS_MAX];
static int nlive, registered;

static void kill_live(void)
{
	for (int i = 0; i < nlive; i++)
		if (live[i] > 0)
			kill(live[i], SIGKILL);	/* unreaped children: the numbers are still theirs */
	for (int i = 0; i < nlive; i++)
		if (live[i] > 0) {
			while (waitpid(live[i], NULL, __WALL) < 0 && errno == EINTR)
				;
			gb_tree_unspare(live[i]);
			live[i] = 0;
		}
	nlive = 0;
}

int gb_neighbors_start(gb_neighbors *nb, const char *spec, const cpu_set_t *cpus, char *why, size_t len)
{
	memset(nb, 0, sizeof *nb);
	if (!spec)
		return 0;
	if (gb_parse_neighbors(spec, &nb->count, &nb->kind) < 0) {
		nb->count = 0;
		snprintf(why, len, "not N, N:cpu or N:mem");
		return -1;
	}
	if (nb->count == 0)
		return 0;
	if (CPU_COUNT(cpus) == 0) {
		snprintf(why, len, "no CPU to run them on");
		return -1;
	}
	gb_fmt_cpulist(cpus, nb->cpus, sizeof nb->cpus);
	if (nb->kind == GB_NB_MEM) {
		uint64_t llc = gb_topo_get()->llc_total;
		nb->buffer_bytes = 2 * llc > GB_NEIGHBORS_MEM_MIN ? (2 * llc + (1 << 20) - 1) & ~((1ull << 20) - 1)
								 : GB_NEIGHBORS_MEM_MIN;
		uint64_t mem = gb_effective_get()->mem;
		if (mem && nb->buffer_bytes * (uint64_t)nb->count > mem / 2) {
			char each[32], have[32];
			gb_fmt_bytes(each, sizeof each, nb->buffer_bytes);
			gb_fmt_bytes(have, sizeof have, mem);
			snprintf(why, len, "%d buffers of %s are more than half the effective memory (%s)", nb->count,
				 each, have);
			return -1;
		}
	}
	if (!registered) {
		atexit(kill_live);
		registered = 1;
	}
	pid_t self = getpid();
	int ncpu = 0, order[CPU_SETSIZE];
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, cpus))
			order[ncpu++] = c;
	nb->t0 = gb_now_ns();
	for (int i = 0; i < nb->count; i++) {
		nb->cpu[i] = order[i % ncpu];
		nb->cpu_seconds[i] = NAN;
		/* a clone with no exit signal: waitpid(-1) and waitid(P_ALL),
		 * which a process tree uses to reap its own, never see it */
		pid_t pid = (pid_t)syscall(SYS_clone, 0, NULL, NULL, NULL, NULL);
		if (pid == 0)
			neighbor(nb->kind, nb->cpu[i], nb->buffer_bytes, self);
		if (pid < 0) {
			snprintf(why, len, "starting neighbour %d of %d: %s", i + 1, nb->count, strerror(errno));
			nb->running = 1;
			gb_neighbors_stop(nb);
			return -1;
		}
		gb_tree_spare(pid);
		nb->pid[i] = pid;
		live[nlive++] = pid;
	}
	nb->running = 1;
	return 0;
}

void gb_neighbors_stop(gb_neighbors *nb)
{
	if (!nb->running)
		return;
	nb->running = 0;
	nb->wall_seconds = (double)(gb_now_ns() - nb->t0) / 1e9;
	for (int i = 0; i < nb->count; i++) {
		if (nb->pid[i] <= 0)
			continue;
		siginfo_t si;
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)nb->pid[i], &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 && si.si_pid)
			nb->early++;	/* it ended on its own (or by someone else's signal) */
		kill(nb->pid[i], SIGKILL);
	}
	for (int i = 0; i < nb->count; i++) {
		if (nb->pid[i] <= 0)
			continue;
		struct rusage ru;
		int st;
		pid_t p;
		while ((p = wait4(nb->pid[i], &st, __WALL, &ru)) < 0 && errno == EINTR)
			;
		if (p == nb->pid[i])
			nb->cpu_seconds[i] = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
					     ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
		gb_tree_unspare(nb->pid[i]);
		for (int k = 0; k < nlive; k++)
			if (live[k] == nb->pid[i])
				live[k] = 0;
	}
	int k = 0;
	for (int i = 0; i < nlive; i++)
		if (live[i] > 0)
			live[k++] = live[i];
	nlive = k;
}

void gb_neighbors_json(gb_json *j, const gb_neighbors *nb)
{
	if (!nb->count)
		return;
	gb_json_obj_begin(j, "neighbors");
	gb_json_int(j, "count", nb->count);
	gb_json_str(j, "kind", kind_words[nb->kind]);
	gb_json_str(j, "cpus", nb->cpus);
	if (nb->kind == GB_NB_MEM)
		gb_json_int(j, "buffer_bytes", (long long)nb->buffer_bytes);
	else
		gb_json_null(j, "buffer_bytes");
	double total = 0;
	gb_json_arr_begin(j, "pids");
	for (int i = 0; i < nb->count; i++)
		gb_json_int(j, NULL, nb->pid[i]);
	gb_json_arr_end(j);
	gb_json_arr_begin(j, "pinned");
	for (int i = 0; i < nb->count; i++)
		gb_json_int(j, NULL, nb->cpu[i]);
	gb_json_arr_end(j);
	gb_json_arr_begin(j, "cpu_seconds");
	for (int i = 0; i < nb->count; i++) {
		gb_json_num(j, NULL, nb->cpu_seconds[i]);
		total += isfinite(nb->cpu_seconds[i]) ? nb->cpu_seconds[i] : 0;
	}
	gb_json_arr_end(j);
	gb_json_num(j, "cpu_seconds_total", total);
	gb_json_num(j, "wall_seconds", nb->wall_seconds);
	gb_json_int(j, "ended_early", nb->early);
	gb_json_obj_end(j);
}

void gb_neighbors_line(const gb_neighbors *nb, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = 0;
	if (!nb->count)
		return;
	double total = 0;
	for (int i = 0; i < nb->count; i++)
		total += isfinite(nb->cpu_seconds[i]) ? nb->cpu_seconds[i] : 0;
	char each[32] = "";
	if (nb->kind == GB_NB_MEM)
		gb_fmt_bytes(each, sizeof each, nb->buffer_bytes);
	snprintf(buf, size, "neighbors: %d %s on CPUs %s%s%s, %.2f CPU-seconds in %.2f s%s", nb->count,
		 nb->kind == GB_NB_MEM ? "memory-bound" : "cpu-bound", nb->cpus, each[0] ? ", buffers of " : "",
		 each, total, nb->wall_seconds, nb->early ? " (some ended early)" : "");
}
