/* launch.h - gb-startup launch: the options (launch.c) and one round
 * (round.c): start CMD, wait until it is ready, end it, clean up. */
#ifndef GB_LAUNCH_H
#define GB_LAUNCH_H

#include "startup.h"

enum { SU_READY_UDP, SU_READY_TCP, SU_READY_LINE, SU_READY_EXIT };
enum { SU_THEN_TERM, SU_THEN_KILL, SU_THEN_WAIT };
/* How a round ended; the words are what JSON's round_status holds. */
enum { SU_RS_OK, SU_RS_TIMEOUT, SU_RS_FAILED, SU_RS_CRASHED, SU_RS_ERROR };
extern const char *const su_status_word[];

typedef struct su_launch_cfg {
	char **cmd;		/* CMD and its arguments, before substitution */
	int ready;		/* SU_READY_* */
	const char *text;	/* line:TEXT */
	double timeout, grace;	/* seconds */
	int then;		/* SU_THEN_* */
	int footprint;
	const char *cgroup;	/* NULL: CMD's process tree */
	const char *outdir;	/* NULL: CMD's output is read and dropped */
	int outdir_fd;		/* outdir, opened once: logs are created relative to it */
	int lfd;		/* the UDP socket or TCP listener, -1 */
	char addr[64], port[8];	/* what {addr} and {port} become */
} su_launch_cfg;

typedef struct su_round {
	int index;		/* 1-based: round-N.log */
	char nonce[17];
	int status;		/* SU_RS_* */
	double ready_ms;
	int exit_status;	/* how CMD ended: wait status, -1 still running when killed */
	int exec_errno;		/* CMD could not be executed */
	int have_mem;
	su_mem mem;
	char mem_why[256];
	unsigned ignored;	/* datagrams with a wrong nonce or form */
	size_t left;		/* processes still there after the clean-up */
	char detail[256];	/* what went wrong, for invalid_reasons */
} su_round;

/* Once per run: the SIGCHLD self-pipe, subreaper, signal clean-up. */
int su_signals_init(char *why, size_t len);
void su_round_run(const su_launch_cfg *c, su_round *r);

#endif
