/* launch.h - gb-startup launch: the options (launch.c) and one round
 * (round.c): start CMD, wait until it is ready, end it, clean up. */
#ifndef GB_LAUNCH_H
#define GB_LAUNCH_H

#include "startup.h"

enum { READY_UDP, READY_TCP, READY_LINE, READY_EXIT };
enum { THEN_TERM, THEN_KILL, THEN_WAIT };
/* How a round ended; the words are what JSON's round_status holds. */
enum { RS_OK, RS_TIMEOUT, RS_FAILED, RS_CRASHED, RS_ERROR };
extern const char *const ln_status_word[];

typedef struct ln_cfg {
	char **cmd;		/* CMD and its arguments, before substitution */
	int ready;		/* READY_* */
	const char *text;	/* line:TEXT */
	double timeout, grace;	/* seconds */
	int then;		/* THEN_* */
	int footprint;
	const char *cgroup;	/* NULL: CMD's process tree */
	const char *outdir;	/* NULL: CMD's output is read and dropped */
	int lfd;		/* the UDP socket or TCP listener, -1 */
	char addr[64], port[8];	/* what {addr} and {port} become */
} ln_cfg;

typedef struct ln_round {
	int index;		/* 1-based: round-N.log */
	char nonce[17];
	int status;		/* RS_* */
	double ready_ms;
	int exit_status;	/* how CMD ended: wait status, -1 still running when killed */
	int exec_errno;		/* CMD could not be executed */
	int have_mem;
	st_mem mem;
	char mem_why[256];
	unsigned ignored;	/* datagrams with a wrong nonce or form */
	size_t left;		/* processes still there after the clean-up */
	char detail[256];	/* what went wrong, for invalid_reasons */
} ln_round;

/* Once per run: the SIGCHLD self-pipe, subreaper, signal clean-up. */
int ln_signals_init(char *why, size_t len);
void ln_round_run(const ln_cfg *c, ln_round *r);

#endif
