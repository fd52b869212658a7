/* rounds.h - guestbench rounds: several environments measured in
 * interleaved rounds, one guestbench-campaign/1 document (docs/json.md).
 *
 *   envcmd.c    --env NAME=COMMAND: words, or /bin/sh -c; a launch's argv
 *   order.c     the order of the environments in each round
 *   resolve.c   "same work everywhere": the plans and the one table of
 *               what to unify per benchmark
 *   launch.c    one launch: run, check its document, record it
 *   campaign.c  the campaign document, written whole after every launch
 *   table.c     the summary table
 *   rounds.c    options and the loop */
#ifndef RD_ROUNDS_H
#define RD_ROUNDS_H

#include <jansson.h>
#include <stdio.h>

#include "guestbench.h"	/* suite_child_run; the registry of benchmarks */

#define RD_MAX_ENVS 64
#define RD_MAX_WORDS 256

/* One --env NAME=COMMAND. */
typedef struct rd_env {
	const char *name;	/* also the --label of its launches */
	const char *command;	/* as given */
	int shell;		/* it holds shell syntax: run by /bin/sh -c */
	char **words;		/* split command (direct execution) */
	int nwords;
	char path[4096];	/* the program executed: the first word, or /bin/sh */
} rd_env;

/* One benchmark of the campaign and the words passed to each launch. */
typedef struct rd_bench {
	const reg_bench *reg;
	char **user;		/* --args 'BENCH: ...', split */
	int nuser;
	char **resolved;	/* from the plans (resolve.c), e.g. --size 1048576 */
	int nresolved;
} rd_bench;

typedef struct rd_campaign {
	rd_env envs[RD_MAX_ENVS];
	int nenvs;
	rd_bench *benches;
	int nbenches;
	long long rounds;
	const char *order;		/* abba, random, fixed */
	unsigned long long seed;
	int seed_given;
	int quick;
	double timeout;			/* seconds per launch, 0 = none */
	char started[32], finished[32];
	json_t *resolved;		/* {bench: {key: value}} */
	json_t *plans;			/* [{env, bench, status, reason, config}] */
	json_t *launches;		/* the launch records */
	json_t *warnings;		/* [string] */
	const char *output;		/* -o FILE, "-", or NULL (--format json: stdout) */
	const char *format;		/* --format as given, or NULL */
	int quiet;
	int complete;			/* every round ran */
} rd_campaign;

/* envcmd.c */
/* Check and record "NAME=COMMAND"; -1 with msg when it is malformed. */
int rd_env_parse(rd_env *e, const char *arg, char *msg, size_t len);
/* The argv of one launch in environment e: its command with the
 * benchmark's words appended or put where {args} is.  Returns a
 * NULL-terminated array (free with rd_argv_free). */
char **rd_argv(const rd_env *e, char *const words[], int nwords);
void rd_argv_free(char **argv);
/* Split text into words as a shell would for quoting only (' " \);
 * returns the count, -1 (with msg) for an unterminated quote; *shell is
 * set when the text holds syntax only a shell understands. */
int rd_split(const char *text, char ***words, int *shell, char *msg, size_t len);
void rd_words_free(char **words, int n);

/* order.c */
/* The environments' order in round r (1-based) for the b-th benchmark:
 * perm[0..n-1] are environment indices.  'state' carries the random
 * stream from call to call (start it at the seed). */
void rd_order(const char *order, long long r, int n, unsigned long long *state, int *perm);

/* resolve.c */
/* Run the plans and fill each benchmark's resolved words and
 * c->resolved.  Returns 0, or GB_EXIT_ENV with a message printed when the
 * environments cannot do the same work. */
int rd_resolve(rd_campaign *c);
/* The config keys resolve.c unifies for a benchmark (for --help). */
void rd_rules_help(FILE *f);

/* launch.c */
/* The words after the environment's command for benchmark b: BENCH
 * [--quick] [user args] [resolved args] [--plan] --label NAME --format
 * json -o -.  Returns the count; words[] must hold RD_MAX_WORDS. */
int rd_bench_words(const rd_campaign *c, const rd_bench *b, const rd_env *e, int plan, char **words);
/* Run one launch and return its record (owned) - every member of the
 * campaign's "launches" but round, position and seq. */
json_t *rd_launch(const rd_campaign *c, const rd_env *e, const rd_bench *b, int plan);

/* campaign.c */
/* The campaign so far to -o FILE (after each launch; nothing for stdout
 * or a FIFO, which take one document: the last). */
void rd_save(const rd_campaign *c);
/* The end: -o and stdout by common/output's rule.  0, or -1 when
 * something could not be written. */
int rd_emit(const rd_campaign *c);

/* table.c */
void rd_table(const rd_campaign *c, FILE *f);

int rounds_main(int argc, char **argv);

#endif
