/* init.c - guestbench as PID 1: the /init of a VM's initramfs.
 *
 * The initramfs holds nothing but this binary (`make initramfs`), so init
 * is ours: mount what the benchmarks read, bring up lo (and eth0 when the
 * kernel command line asks), run the one command the command line names
 * (guestbench.run=..., by default the quick suite as JSON), relay its
 * standard output to the console between two marker lines a harness can
 * cut on, then sync and power off.
 *
 * Rules of a PID 1, each enforced below:
 *  - it must never exit: the kernel panics ("Attempted to kill init").
 *    It powers off instead; only if the kernel refuses (a container's PID 1
 *    without CAP_SYS_BOOT) does it exit, which then ends the container.
 *  - orphans are re-parented to it: it reaps every child, not just its own.
 *  - the kernel delivers to PID 1 only the signals it handles: SIGTERM,
 *    SIGINT (Ctrl-Alt-Del once RB_DISABLE_CAD is set), SIGHUP and SIGPWR
 *    stop the command (TERM, then KILL after a grace period) and shut down.
 *  - it refuses to run as anything but PID 1: outside a VM or a PID
 *    namespace it would reconfigure and power off the machine it is on.
 *
 * Console lines a harness can rely on (docs/startup.md):
 *   guestbench-init: ready S      S = seconds since boot (CLOCK_BOOTTIME)
 *   ----- guestbench output begin -----
 *   <the command's standard output, unchanged>
 *   ----- guestbench output end: exit N -----      (or: signal N)
 *   guestbench-init: stderr: ...  the command's standard error, afterwards
 *   guestbench-init: power off
 * The command's stderr is held back until its stdout is complete, so the
 * JSON between the markers is never interleaved with a warning. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "guestbench.h"
#include "init.h"
#include "util.h"

#define MARK_BEGIN "----- guestbench output begin -----"
#define MARK_END "----- guestbench output end"
#define GRACE_S 5.0		/* SIGTERM -> SIGKILL */
#define DRAIN_S 2.0		/* output still open after the command exited */
#define ERR_KEEP 65536		/* the command's stderr held back, its tail kept */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	dprintf(STDOUT_FILENO, "guestbench-init: %s\n", line);
}

static double since_boot(void)
{
	struct timespec t;
	return clock_gettime(CLOCK_BOOTTIME, &t) == 0 ? t.tv_sec + t.tv_nsec / 1e9 : -1;
}

/* Signals handled through a signalfd, so that the main loop sees them in
 * order with the output it relays. */
static const int handled[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPWR, SIGQUIT };

static int block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
		sigaddset(&set, handled[i]);
	sigprocmask(SIG_BLOCK, &set, old);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The command: an applet name (gb-stream, stream), "guestbench" or
 * "suite" runs this same file again (its dispatch does the rest);
 * anything else is looked up in PATH like a shell would. */
static _Noreturn void exec_command(char *const *argv, const sigset_t *mask, int out, int err)
{
	char why[256];
	const char *self = gb_self_path(why, sizeof why);
	const char *name = gb_basename(argv[0]);

	setsid();	/* its own process group: stopping it stops all of it */
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
		signal(handled[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	char *with_name[GB_INIT_MAX_ARGS + 2] = { "guestbench" };
	if (self && (reg_find(name) || !strcmp(name, "guestbench") || !strcmp(name, "suite"))) {
		if (!strcmp(name, "suite")) {	/* "suite ..." is "guestbench suite ..." */
			for (int i = 0; argv[i]; i++)
				with_name[i + 1] = argv[i];
			argv = with_name;
		}
		execv(self, argv);
	} else {
		execvp(argv[0], argv);
	}
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

typedef struct relay {
	int fd[2];		/* the command's stdout, stderr; -1 once closed */
	char last;		/* last byte of stdout relayed */
	char *err;		/* held-back stderr */
	size_t errlen;
} relay;

static void relay_read(relay *r, int which)
{
	char buf[ERR_KEEP];
	ssize_t n = read(r->fd[which], buf, sizeof buf);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(r->fd[which]);
			r->fd[which] = -1;
		}
		return;
	}
	if (which == 0) {
		for (ssize_t off = 0, w; off < n; off += w > 0 ? w : 0)
			if ((w = write(STDOUT_FILENO, buf + off, n - off)) < 0 && errno != EINTR)
				break;	/* no console: the exit status still counts */
		r->last = buf[n - 1];
		return;
	}
	if (r->errlen + n > ERR_KEEP) {	/* keep the tail: the last lines explain */
		size_t drop = r->errlen + n - ERR_KEEP;	/* <= errlen: n <= ERR_KEEP */
		memmove(r->err, r->err + drop, r->errlen - drop);
		r->errlen -= drop;
	}
	memcpy(r->err + r->errlen, buf, n);
	r->errlen += n;
}

/* Reap every child that has exited (orphans included); returns 1 when
 * 'pid' was among them, with its status.  Each is looked at before it is
 * reaped: the command's group gets SIGKILL (what it left behind) while
 * the command's zombie still holds the group's number - once reaped, that
 * number may be handed out again. */
static int reap(pid_t pid, int *status)
{
	int st, found = 0;
	siginfo_t si;
	for (si.si_pid = 0; waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid > 0; si.si_pid = 0) {
		if (si.si_pid == pid)
			kill(-pid, SIGKILL);
		if (waitpid(si.si_pid, &st, 0) == pid) {
			*status = st;
			found = 1;
		}
	}
	return found;
}

/* Run the command to its end: relay, reap, stop it on a signal or the
 * timeout.  Returns its wait status, or -1 if it could not start. */
static int run_command(const init_conf *c, int sfd, const sigset_t *mask, relay *r)
{
	int po[2], pe[2], status = 0, done = 0;
	double now = gb_now_ns() / 1e9;
	double stop_at = c->timeout > 0 ? now + c->timeout : 0, kill_at = 0, drain_at = 0;

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		say("cannot create pipes: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		say("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		exec_command(c->argv, mask, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	r->fd[0] = po[0];
	r->fd[1] = pe[0];
	r->last = '\n';

	while (!done || ((r->fd[0] >= 0 || r->fd[1] >= 0) && now < drain_at)) {
		struct pollfd pf[3] = { { r->fd[0], POLLIN, 0 }, { r->fd[1], POLLIN, 0 }, { sfd, POLLIN, 0 } };
		double next = drain_at ? drain_at : kill_at ? kill_at : stop_at;
		int ms = next > 0 ? (int)((next - now) * 1000) + 1 : -1;
		poll(pf, 3, ms < 0 && next > 0 ? 0 : ms);
		now = gb_now_ns() / 1e9;
		for (int i = 0; i < 2; i++)
			if (r->fd[i] >= 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				relay_read(r, i);
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == sizeof si) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			if (!done && !kill_at) {
				say("signal %d: stopping the command", (int)si.ssi_signo);
				kill(-pid, SIGTERM);
				kill_at = now + GRACE_S;
			}
		}
		if (!done && reap(pid, &status)) {
			done = 1;
			drain_at = now + DRAIN_S;
		}
		if (!done && stop_at > 0 && now >= stop_at && !kill_at) {
			say("guestbench.timeout: stopping the command after %.0f s", c->timeout);
			kill(-pid, SIGTERM);
			kill_at = now + GRACE_S;
		}
		if (!done && kill_at > 0 && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = -1;	/* sent; wait for the reaping */
		}
	}
	for (int i = 0; i < 2; i++)
		if (r->fd[i] >= 0)
			close(r->fd[i]);
	return status;
}

/* Stop everything else, flush the disks, and leave the way the command
 * line says.  Only if the kernel refuses (a container) does init exit. */
static _Noreturn void shut_down(const init_conf *c, int code)
{
	int st;
	kill(-1, SIGTERM);	/* as PID 1: every other process */
	for (int i = 0; i < 20 && waitpid(-1, &st, WNOHANG) >= 0; i++)
		usleep(50000);
	kill(-1, SIGKILL);
	while (waitpid(-1, &st, 0) > 0)
		;
	sync();
	int cmd = !strcmp(c->shutdown, "reboot") ? RB_AUTOBOOT :
		  !strcmp(c->shutdown, "halt") ? RB_HALT_SYSTEM : RB_POWER_OFF;
	say("%s", !strcmp(c->shutdown, "poweroff") ? "power off" : c->shutdown);
	reboot(cmd);
	say("%s refused (%s): exiting instead", c->shutdown, strerror(errno));
	_exit(code);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: guestbench init [--cmdline TEXT]\n\n"
		"Run as PID 1 (the /init of a VM's initramfs, see `make initramfs`): mount\n"
		"/proc /sys /dev /tmp, bring up lo (and guestbench.ip= on guestbench.dev=),\n"
		"run guestbench.run=\"CMD ARGS\" (default: %s),\n"
		"print its output between marker lines, then power off.\n"
		"--cmdline TEXT  use TEXT instead of /proc/cmdline (tests, PID namespaces)\n"
		"Kernel parameters: guestbench.run= .ip=ADDR/PREFIX .gw=ADDR .dev=NAME\n"
		"  .timeout=SECONDS .shutdown=poweroff|reboot|halt   (docs/startup.md)\n",
		GB_INIT_DEFAULT_RUN);
}

int init_main(int argc, char **argv)
{
	const char *text = NULL;
	char note[1024] = "", why[256];
	init_conf c;
	sigset_t mask;

	gb_prog = "guestbench init";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return GB_EXIT_OK;
		} else if (!strcmp(argv[i], "--cmdline") && i + 1 < argc) {
			text = argv[++i];
		} else {
			gb_err("unknown argument '%s' (accepted: --cmdline TEXT, --help)", argv[i]);
			return GB_EXIT_USAGE;
		}
	}
	if (getpid() != 1) {
		gb_err("runs only as PID 1 (a VM's /init, or PID 1 of a PID namespace): "
		       "it mounts file systems, configures the network and powers the machine off");
		return GB_EXIT_ENV;
	}
	int sfd = block_signals(&mask);
	reboot(RB_DISABLE_CAD);	/* Ctrl-Alt-Del becomes a SIGINT to stop cleanly */
	init_mounts(note, sizeof note);
	init_console();
	init_modules(note, sizeof note);

	char *proc = text ? NULL : gb_read_all(NULL, "/proc/cmdline", NULL);
	if (init_parse(text ? text : proc ? proc : "", &c, why, sizeof why) != 0) {
		say("guestbench %s: %s", GB_VERSION, note);
		say("error: %s", why);
		free(proc);
		shut_down(&c, GB_EXIT_USAGE);
	}
	free(proc);
	init_net(&c, note, sizeof note);
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 0);
	setenv("TMPDIR", "/tmp", 0);
	setenv("HOME", "/", 0);

	say("guestbench %s as PID 1: %s", GB_VERSION, note);
	say("ready %.3f", since_boot());
	char cmd[1024] = "";
	for (int i = 0; i < c.argc; i++)
		snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", i ? " " : "", c.argv[i]);
	say("run: %s", cmd);

	relay r = { .fd = { -1, -1 }, .err = gb_xmalloc(ERR_KEEP) };
	dprintf(STDOUT_FILENO, "%s\n", MARK_BEGIN);
	double t0 = gb_now_ns() / 1e9;
	int st = run_command(&c, sfd, &mask, &r);
	double secs = gb_now_ns() / 1e9 - t0;
	int code = st < 0 ? 127 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r.last != '\n')
		dprintf(STDOUT_FILENO, "\n");
	if (st >= 0 && WIFSIGNALED(st))
		dprintf(STDOUT_FILENO, "%s: signal %d (%.3f s) -----\n", MARK_END, WTERMSIG(st), secs);
	else
		dprintf(STDOUT_FILENO, "%s: exit %d (%.3f s) -----\n", MARK_END, code, secs);
	for (char *l = r.err, *e; l < r.err + r.errlen; l = e + 1) {
		e = memchr(l, '\n', r.err + r.errlen - l);
		if (!e)
			e = r.err + r.errlen;
		say("stderr: %.*s", (int)(e - l), l);
	}
	free(r.err);
	shut_down(&c, code);
}
