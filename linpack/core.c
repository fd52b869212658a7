/* core.c - run the OpenBLAS core type core.h chose.
 *
 * OpenBLAS reads OPENBLAS_CORETYPE once, in its constructor (gotoblas_init,
 * run before main even in a static binary), and cannot switch kernels
 * afterwards.  So when the choice differs from the library's we set
 * OPENBLAS_CORETYPE and execute this same program again with the same
 * arguments; the new process's OpenBLAS initialises with our core.
 *
 * Finding "this same program" without /proc (an empty container root, an
 * initramfs, gVisor without /proc/self/exe):
 *  - the path is AT_EXECFN from the auxiliary vector: the name the kernel
 *    was given by execve, which a shell's PATH search has already resolved;
 *    argv[0] is used only when AT_EXECFN is missing and names a path;
 *  - it is opened at the very start of linpack_main (before anything could
 *    change the working directory a relative path depends on), O_CLOEXEC,
 *    and checked: its ELF entry point must be ours (AT_ENTRY), so another
 *    program installed under that name since is not run (a sanity check,
 *    not a proof: a rebuild of gb-linpack may keep the same entry);
 *  - we execute the open file with execveat(fd, "", AT_EMPTY_PATH) - the
 *    file we checked, not whatever the name points to now; kernels before
 *    3.19 or seccomp policies without execveat fall back to execve(path).
 * A re-exec loop is impossible: the child finds GB_LINPACK_REEXEC (which
 * also carries the library's own choice, unknowable once OPENBLAS_CORETYPE
 * is set) and never executes again; the variable is removed at once so it
 * does not leak further.  If re-executing fails, the run goes on with the
 * library's kernels and a warning says so.
 *
 * One case must not wait for main: an OPENBLAS_CORETYPE inherited from the
 * environment that names kernels this CPU cannot run (a profile exporting
 * Haswell, run on a CPU or VM without AVX2) crashes OpenBLAS's constructor
 * path with SIGILL at the first call, and an unknown name silently selects
 * some other core.  lp_core_sanitize() is a constructor with a priority,
 * so it runs before OpenBLAS's gotoblas_init (which has none: checked with
 * readelf on Debian's libopenblas.a, section .init_array without suffix),
 * and removes such a value; OpenBLAS then detects the CPU itself.
 *
 * An emulator that does not follow exec (qemu-user runs an x86-64 execve
 * natively) would make the re-executed process run on another CPU: the
 * marker carries the CPU's signature and the child refuses (exit 3) if it
 * finds a different one. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "blas.h"
#include "core.h"
#include "fault.h"
#include "linpack.h"
#include "util.h"

#define MARKER "GB_LINPACK_REEXEC"
/* the user's OPENBLAS_CORETYPE, for the re-executed process (whose own
 * OPENBLAS_CORETYPE is ours): removed at once, like the marker */
#define USER_VAR "GB_LINPACK_REEXEC_USER"

extern char **environ;

static int self_fd = -1;	/* our executable, opened by lp_core_early */
static char self_path[4096];
static char self_why[160];	/* why there is no self_fd */
static char marker[160];	/* the marker as inherited, "" in the first process */
static char dropped[200];	/* what lp_core_sanitize removed, and why */
static char inherited[64];	/* OPENBLAS_CORETYPE as the user set it, "" if unset */

/* Why an inherited value cannot be used (dropped filled), or 0. */
static int unusable(const char *v)
{
	const struct lp_core_info *c = lp_core_find(v);
	if (c && lp_core_runs(gb_isa_get(), c))
		return 0;
	if (c)
		snprintf(dropped, sizeof dropped, "OPENBLAS_CORETYPE=%.32s ignored: this CPU cannot run "
			 "its kernels (they need %s)", v, lp_core_needs(c));
	else
		snprintf(dropped, sizeof dropped, "OPENBLAS_CORETYPE=%.32s ignored: not a core type of "
			 "this OpenBLAS", v);
	return 1;
}

__attribute__((constructor(150))) static void lp_core_sanitize(void)
{
	const char *v = getenv("OPENBLAS_CORETYPE");
	if (!v)
		return;
	/* re-executed, the value is the one we chose (the user's comes in
	 * USER_VAR); checked all the same: a marker can be forged */
	if (!getenv(MARKER))
		gb_strlcpy(inherited, v, sizeof inherited);
	if (unusable(v))
		unsetenv("OPENBLAS_CORETYPE");
}

/* The CPU as the marker records it: vendor, family, model, kernel tier. */
static void cpu_sig(char *buf, size_t len)
{
	const gb_isa *isa = gb_isa_get();
	snprintf(buf, len, "%.12s.%u.%u.%d", isa->vendor, isa->family, isa->model, lp_tier_allowed(isa));
}

/* Is the open file our own executable?  1 yes, 0 no, -1 cannot tell. */
static int same_entry(int fd)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh)
		return -1;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return 0;
	unsigned long entry = getauxval(AT_ENTRY);
	if (!entry)
		return -1;
	if (eh.e_type == ET_EXEC)
		return eh.e_entry == entry;
	/* static-pie: loaded at some page-aligned bias */
	return eh.e_type == ET_DYN && ((entry - eh.e_entry) & 0xfff) == 0;
}

void lp_core_early(char **argv)
{
	const char *m = getenv(MARKER);
	if (m) {
		gb_strlcpy(marker, m, sizeof marker);
		unsetenv(MARKER);
		const char *u = getenv(USER_VAR);
		if (u) {
			gb_strlcpy(inherited, u, sizeof inherited);
			unusable(u);	/* the first process's warning, again */
			unsetenv(USER_VAR);
		}
		return;
	}
	const char *p = (const char *)getauxval(AT_EXECFN);
	if (!p || !*p)
		p = argv && argv[0] && strchr(argv[0], '/') ? argv[0] : NULL;
	if (!p) {
		snprintf(self_why, sizeof self_why, "the program's path is unknown (no AT_EXECFN)");
		return;
	}
	gb_strlcpy(self_path, p, sizeof self_path);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)	/* execute-only file: exec it unchecked */
		fd = open(p, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		snprintf(self_why, sizeof self_why, "cannot open %s: %s", p, strerror(errno));
		return;
	}
	if (same_entry(fd) == 0) {
		snprintf(self_why, sizeof self_why, "%s is no longer this program", p);
		close(fd);
		return;
	}
	self_fd = fd;
}

/* Execute ourselves again; returns only on failure, with the reason. */
static void reexec(char **argv, const char *how_env, char *why, size_t len)
{
	if (gb_fault_for("linpack", "reexec_fail")) {
		snprintf(why, len, "GB_FAULT linpack.reexec_fail: re-execution disabled for a test");
		return;
	}
	if (self_fd < 0) {
		snprintf(why, len, "%s", self_why[0] ? self_why : "no executable to re-execute");
		return;
	}
	fflush(NULL);
	if (inherited[0])
		setenv(USER_VAR, inherited, 1);
	char m[sizeof marker];
	snprintf(m, sizeof m, "%.100s;execveat", how_env);
	setenv(MARKER, m, 1);
	syscall(SYS_execveat, self_fd, "", argv, environ, AT_EMPTY_PATH);
	int e1 = errno;
	/* the marker says how the child was started */
	snprintf(m, sizeof m, "%.100s;execve", how_env);
	setenv(MARKER, m, 1);
	execve(self_path, argv, environ);
	int e2 = errno;
	unsetenv(MARKER);
	unsetenv(USER_VAR);
	snprintf(why, len, "re-executing %.80s failed: execveat: %s, execve: %s", self_path, strerror(e1),
		 strerror(e2));
}

int lp_core_apply(char **argv, const char *request, lp_core_state *st)
{
	const gb_isa *isa = gb_isa_get();
	memset(st, 0, sizeof *st);
	const char *now = openblas_get_corename();
	gb_strlcpy(st->used, now ? now : "unknown", sizeof st->used);

	/* marker "<library core>;<user had OPENBLAS_CORETYPE 0|1>;<cpu>;<how>" */
	int env_forced = getenv("OPENBLAS_CORETYPE") != NULL;
	char sig[64];
	cpu_sig(sig, sizeof sig);
	if (dropped[0])
		gb_strlcpy(st->dropped, dropped, sizeof st->dropped);
	gb_strlcpy(st->env, inherited, sizeof st->env);
	if (marker[0]) {
		char lib[32] = "", how[32] = "", psig[64] = "";
		int ef = 0;
		if (sscanf(marker, "%31[^;];%d;%63[^;];%31s", lib, &ef, psig, how) == 4) {
			gb_strlcpy(st->library, lib, sizeof st->library);
			gb_strlcpy(st->how, how, sizeof st->how);
			env_forced = ef;
		} else {
			gb_strlcpy(st->library, "unknown", sizeof st->library);
			gb_strlcpy(st->how, "unknown", sizeof st->how);
		}
		st->reexec = 1;
		if (strcmp(psig, sig) != 0) {
			snprintf(st->choice.reason, sizeof st->choice.reason,
				 "re-executing to change the OpenBLAS core landed on another CPU (%s, "
				 "was %s): an emulator such as qemu-user does not follow exec; use "
				 "--blas-core library there", sig, psig);
			return GB_EXIT_ENV;
		}
	} else {
		gb_strlcpy(st->library, st->used, sizeof st->library);
	}
	lp_core_select(isa, st->library, request, env_forced, &st->choice);
	if (st->choice.refuse)
		return GB_EXIT_ENV;
	if (!st->choice.change || strcasecmp(st->choice.core, st->used) == 0) {
		if (self_fd >= 0)
			close(self_fd);
		self_fd = -1;
		return 0;
	}
	if (st->reexec) {
		/* we are the second process and OpenBLAS still did not take
		 * it: say so, never execute a third time */
		snprintf(st->warn, sizeof st->warn,
			 "OpenBLAS runs %s, not %s as set in OPENBLAS_CORETYPE before re-executing",
			 st->used, st->choice.core);
		return 0;
	}
	char *user = getenv("OPENBLAS_CORETYPE");
	user = user ? gb_xstrdup(user) : NULL;
	setenv("OPENBLAS_CORETYPE", st->choice.core, 1);
	char how[sizeof marker];
	snprintf(how, sizeof how, "%s;%d;%s", st->library, env_forced, sig);
	char why[sizeof st->warn - 96];
	reexec(argv, how, why, sizeof why);
	/* still here: run with the library's kernels, environment as it was */
	if (user)
		setenv("OPENBLAS_CORETYPE", user, 1);
	else
		unsetenv("OPENBLAS_CORETYPE");
	free(user);
	snprintf(st->warn, sizeof st->warn, "kept the library's core %s instead of %s: %s", st->used,
		 st->choice.core, why);
	if (self_fd >= 0)
		close(self_fd);
	self_fd = -1;
	return 0;
}
