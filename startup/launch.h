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
	double stagger;		/* --instances: seconds between two starts */
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

/* ------------------------------------------- --instances (batch.c) -- */

/* More than this many instances at once is refused (exit 2): the process
 * tree clean-up tracks 4096 processes per pass, and an instance is often
 * several (a runtime, a shim, the container). */
#define SU_INSTANCES_MAX 1000
#define SU_INSTANCES_LIST_MAX 16

typedef struct su_inst {
	int index;		/* 1-based: {i} */
	char nonce[17];
	int started;		/* the holder has forked it */
	uint64_t t0;		/* its start (CLOCK_MONOTONIC, before its fork) */
	uint64_t early;		/* ready before its start was reported: when */
	int status;		/* SU_RS_* once resolved, else -1 */
	double ready_ms;	/* from its own start */
} su_inst;

typedef struct su_batch {
	int round, n;
	su_inst *inst;		/* n of them */
	int nready;
	double all_ready_ms;	/* first start until the last is ready (nready == n) */
	int have_mem;
	su_mem mem;		/* every instance's processes, once all were ready */
	char mem_why[256];
	unsigned ignored;	/* datagrams with no instance's nonce */
	size_t left;		/* processes still there after the clean-up */
	int exec_errno;		/* an instance could not be executed */
	char detail[256];	/* what went wrong (the lowest-numbered instance's) */
	int detail_at;		/* the instance (0-based) detail is about */
} su_batch;

/* Start n instances of c->cmd (c->stagger apart), time each until ready,
 * end them all; b->round set by the caller, the rest filled. */
void su_batch_run(const su_launch_cfg *c, int n, su_batch *b);
void su_batch_free(su_batch *b);

/* ----------------------------------- --instances results (density.c) -- */

struct gb_report;
struct gb_pct;
/* Percentiles (p50/p90/p99/p99.9/max, ms) of ready times in ms. */
void su_ready_pct(const double *ms, size_t n, struct gb_pct *out);
/* Least squares y = intercept + slope x; r2 the share of the variance
 * explained.  0, or -1 when fewer than two distinct x. */
typedef struct su_fit {
	double slope, intercept, r2;
	size_t points;
} su_fit;
int su_fit_line(const double *x, const double *y, size_t n, su_fit *f);
/* "1,10,50": each 1..SU_INSTANCES_MAX, at most SU_INSTANCES_LIST_MAX;
 * the count, or -1 with what is wrong in msg. */
int su_instances_parse(const char *s, int *out, char *msg, size_t len);
/* The batches of every round into the report: one group of metrics per N. */
void su_density_report(struct gb_report *r, const su_launch_cfg *c, const int *ns, int nn, su_batch *b,
		       int nb, int warmup_batches);

#endif
