/* init.h - guestbench as PID 1 (`/init` of a VM's initramfs).
 *
 *   init.c          the PID-1 loop: run one command, relay its output to
 *                   the console between markers, reap, power off
 *   cmdline.c       what the kernel command line asks for
 *   sys.c           mounts, console, network interfaces */
#ifndef GB_INIT_H
#define GB_INIT_H

#include <stddef.h>

#define GB_INIT_MAX_ARGS 64

/* What the kernel command line asks of guestbench's init. */
typedef struct init_conf {
	char *argv[GB_INIT_MAX_ARGS + 1];	/* guestbench.run, split; NULL-terminated */
	int argc;
	char ip[64];		/* guestbench.ip=ADDR/PREFIX: static IPv4 on dev, "" none */
	char gw[64];		/* guestbench.gw=ADDR: default route, "" none */
	char dev[16];		/* guestbench.dev=NAME (default eth0), < IFNAMSIZ */
	double timeout;		/* guestbench.timeout=SECONDS, 0 = none */
	char shutdown[16];	/* guestbench.shutdown=poweroff|reboot|halt */
	char *words;		/* storage argv points into */
} init_conf;

/* The command run when the command line names none: the quick suite as
 * one JSON document, which is what a harness reading the console wants. */
#define GB_INIT_DEFAULT_RUN "guestbench suite --quick --format json"

/*
 * Parse a kernel command line (the text of /proc/cmdline).  Parameters
 * are separated by blanks; a value may be double-quoted, as the kernel
 * allows (guestbench.run="gb-syscall --quick").  Inside the run value,
 * single quotes group words.  Unknown parameters are the kernel's and are
 * ignored.  Returns 0, or -1 with a message in 'why' (an unterminated
 * quote, too many words, a bad number or shutdown mode).
 */
int init_parse(const char *cmdline, init_conf *c, char *why, size_t len);

/* sys.c: each step says what it did or why not in 'note' (appended,
 * "; "-separated); none of them is fatal. */
void init_mounts(char *note, size_t len);
void init_console(void);
void init_modules(char *note, size_t len);
void init_net(const init_conf *c, char *note, size_t len);

int init_main(int argc, char **argv);

#endif
