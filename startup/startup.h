/* startup.h - gb-startup: spawn latency, launch-until-ready timing,
 * memory footprint, and the in-guest ping.  Shared declarations of the
 * startup/ files; each mode lives in its own file (spawn.c, launch.c,
 * ping.c), main.c only dispatches. */
#ifndef GB_STARTUP_H
#define GB_STARTUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The hidden first argument that makes gb-startup (or guestbench called
 * as gb-startup) exit at once with SU_NOOP_STATUS: the child the spawn
 * methods execute.  A code no error path uses, so a child that exits
 * with it really went through the no-op path. */
#define SU_NOOP_ARG "--spawn-noop"
#define SU_NOOP_STATUS 42

int su_spawn_main(int argc, char **argv);
int su_launch_main(int argc, char **argv);
int su_ping_main(int argc, char **argv);

/* ---------------------------------------------------------- self.c -- */

/* "static", "dynamic" (has a PT_INTERP) or "unknown" (not a readable
 * 64-bit ELF file). */
const char *su_elf_linkage(const char *path);

/* --------------------------------------------------------- proto.c -- */

/* The readiness datagram is "GBPING <nonce>", the ack "GBACK <nonce>":
 * one byte shorter, so the launcher can never amplify traffic. */
#define SU_PING_PREFIX "GBPING "
#define SU_ACK_PREFIX "GBACK "
#define SU_NONCE_MAX 64

/* Build the request / ack for nonce into buf; return the length, or -1
 * when the nonce is empty, too long or holds bytes other than [!-~]. */
int su_ping_msg(char *buf, size_t size, const char *nonce);
int su_ack_msg(char *buf, size_t size, const char *nonce);
/* Does the datagram (len bytes) carry exactly this prefix + nonce? */
int su_msg_is(const char *msg, size_t len, const char *prefix, const char *nonce);

/* A numeric address: "1.2.3.4", "::1" or "[::1]" (port 0), and with
 * want_port "1.2.3.4:PORT" / "[::1]:PORT" (the port required, 1..65535).
 * 0 ok, -1 bad. */
int su_parse_addr(const char *s, int want_port, struct sockaddr_storage *ss, socklen_t *len);
/* The numeric host of an address, without brackets, and its port. */
void su_addr_host(const struct sockaddr_storage *ss, char *buf, size_t size);
unsigned su_addr_port(const struct sockaddr_storage *ss);

/* Replace every {addr}, {port} and {nonce} in s; a new string. */
char *su_subst(const char *s, const char *addr, const char *port, const char *nonce);
/* The same, and {i} replaced by inst (launch --instances); inst NULL
 * leaves {i} as it is. */
char *su_subst_inst(const char *s, const char *addr, const char *port, const char *nonce, const char *inst);

/* A fresh random nonce (16 hex digits) in out[17]. */
void su_new_nonce(char out[17]);

/* ---------------------------------------------------------- line.c -- */

/* Finds TEXT in a stream of output, as soon as it is printed: the line
 * need not be finished (a serial console may never end it). */
typedef struct su_liner {
	const char *text;
	size_t tlen, used;
	char line[4096];	/* the current line so far, or its tail */
} su_liner;

void su_liner_init(su_liner *l, const char *text);	/* text non-empty, < 2048 bytes */
/* Feed n bytes; 1 once the current line holds TEXT. */
int su_liner_feed(su_liner *l, const char *buf, size_t n);

/* --------------------------------------------------- footprint.c -- */

typedef struct su_mem {
	uint64_t pss_kib, private_dirty_kib;
	size_t procs;		/* processes summed */
} su_mem;

/* Add the "Pss:" and "Private_Dirty:" lines of an smaps or smaps_rollup
 * text (kB) to m.  Returns the number of lines used. */
int su_smaps_add(const char *text, su_mem *m);
/* The process tree of pid, or every process of the cgroup directory
 * (and its descendants) when cgroup is given.  0, or -1 with why. */
int su_footprint(pid_t pid, const char *cgroup, su_mem *m, char *why, size_t len);
/* Add the smaps_rollup (else smaps) of each process under root ("" or
 * NULL: the real /proc; a fixture tree in tests) to m; a process that is
 * gone or unreadable adds nothing. */
void su_mem_sum(const char *root, const pid_t *pids, size_t n, su_mem *m);
/* The footprint of a batch of --instances: every process below holder,
 * or every process of the cgroup directory ({i} in it: one directory per
 * instance, 1..n).  0, or -1 with why. */
int su_footprint_batch(pid_t holder, const char *cgroup, int n, su_mem *m, char *why, size_t len);

/* The entry point: bin/gb-startup, and `guestbench startup` (registry/). */
int startup_main(int argc, char **argv);

#endif
