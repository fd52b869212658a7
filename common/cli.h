/* cli.h - one declarative option table per binary.
 *
 * A benchmark lists its own options in a table and says which groups of
 * the common options (DESIGN.md "Conventions") it accepts; the parser,
 * the validation, --help and the "config" block of the result all come
 * from these tables, so an option is declared exactly once. */
#ifndef GB_CLI_H
#define GB_CLI_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
	GB_OPT_FLAG,		/* no value: int dest incremented (-v -v) */
	GB_OPT_INT,		/* long long dest, range [min, max] */
	GB_OPT_SIZE,		/* uint64_t bytes; k/M/G/T suffixes (x1024), range [min, max] */
	GB_OPT_DOUBLE,		/* double dest, range [min, max] */
	GB_OPT_DURATION,	/* double seconds; suffixes ns/us/ms/s/m/h, range [min, max] seconds */
	GB_OPT_STRING,		/* const char * dest, free text */
	GB_OPT_CHOICE,		/* const char * dest, one of choices "a|b|c" */
	GB_OPT_LIST,		/* const char * dest, comma list, each one of choices */
} gb_opt_type;

/* A choice ending in ':' ("node:") accepts any "node:<text>"; the
 * benchmark's 'check' callback validates the rest. */
typedef struct gb_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0 = none */
	gb_opt_type type;
	void *dest;
	const char *def;	/* default as text, NULL = unset ("auto" in help) */
	double min, max;	/* numeric range; min == max == 0: unchecked */
	const char *choices;	/* "a|b|c" for CHOICE and LIST */
	const char *metavar;	/* "N", "SIZE", ... for --help */
	const char *help;
	/* extra validation; return 0 if fine, else fill msg ("what is allowed") */
	int (*check)(const char *val, char *msg, unsigned msglen);
	const char *quick;	/* the default under --quick, NULL = as without it */
} gb_opt;

/* The entry that ends an option table. */
#define GB_OPT_END { .name = NULL }

/* A binary's own default (and --quick value) for a common option, e.g.
 * { "repeat", "3", NULL }: declared once, shown by --help, applied by the
 * parser; no main patches a default in after parsing. */
typedef struct gb_optdef {
	const char *name;	/* a common option's long name */
	const char *def;	/* NULL: keep the common default */
	const char *quick;	/* NULL: --quick leaves it at def */
} gb_optdef;

/* Groups of common options a binary accepts. */
enum {
	GB_C_OUTPUT = 1u << 0,	/* --label --format -o -q -v --version -h: always on */
	GB_C_RUN = 1u << 1,	/* -r/--repeat --warmup --time-limit --quick --plan --neighbors */
	GB_C_BATCH = 1u << 2,	/* --min-time (batch timing of short operations) */
	GB_C_THREADS = 1u << 3,	/* -t/--threads */
	GB_C_CPUS = 1u << 4,	/* --cpus */
	GB_C_MEM = 1u << 5,	/* --size --pages --numa */
};

typedef struct gb_common {
	long long repeat, warmup;
	double time_limit;	/* seconds, 0 = none */
	int quick;
	int plan;		/* --plan: resolve the configuration, measure nothing */
	const char *neighbors;	/* --neighbors N[:cpu|:mem] (common/neighbors), "0" none */
	double min_time;	/* seconds */
	long long threads;	/* 0 = effective CPUs */
	const char *cpus;	/* NULL = effective set */
	uint64_t size;		/* 0 = self-sized */
	const char *pages, *numa;
	const char *label, *format, *output;
	int quiet, verbose, version, help;
} gb_common;

typedef struct gb_cli_spec {
	const char *prog;	/* "gb-syscall" */
	const char *bench;	/* "syscall" */
	const char *summary;	/* one line for --help */
	const char *synopsis;	/* after the program name, e.g. "[options]" */
	const char *epilog;	/* further help text, may be NULL */
	unsigned common;	/* GB_C_* groups */
	const gb_opt *opts;	/* the benchmark's own, ended by an entry with name NULL */
	const gb_optdef *defaults;	/* its defaults for common options, ended by { NULL } */
	int max_positional;	/* 0 none, -1 unlimited */
} gb_cli_spec;

#define GB_CLI_MAXOPT 64

typedef struct gb_cli {
	const gb_cli_spec *spec;
	gb_common c;
	gb_opt all[GB_CLI_MAXOPT];	/* common + the benchmark's, in help order */
	unsigned char set[GB_CLI_MAXOPT];	/* given on the command line */
	int nall;
	char **pos;		/* positional arguments (argv entries) */
	int npos;
	int dashdash;		/* index into pos of the first argument after "--", or -1 */
} gb_cli;

/* Returned by gb_cli_parse after printing --help or --version. */
#define GB_CLI_DONE 256

/*
 * Parse argv.  Returns 0 to go on, GB_EXIT_USAGE (2) after printing a
 * message naming the option and what it accepts, or GB_CLI_DONE after
 * --help/--version.  Use gb_cli_exit() to turn that into an exit status;
 * on a non-zero return nothing is left to free:
 *     if ((rc = gb_cli_parse(&cli, &spec, argc, argv))) return gb_cli_exit(rc);
 */
int gb_cli_parse(gb_cli *cli, const gb_cli_spec *spec, int argc, char **argv);
static inline int gb_cli_exit(int rc) { return rc == GB_CLI_DONE ? 0 : rc; }

/* Was the option (long name) given on the command line? */
int gb_cli_isset(const gb_cli *cli, const char *name);


/*
 * The CPUs to run on: --cpus when given (every CPU of it must be in the
 * effective set: affinity mask and cgroup cpuset), else the effective set.
 * Returns 0, or GB_EXIT_ENV with a message in err naming the CPUs that
 * are not available here.
 */
int gb_cli_cpus(const gb_cli *cli, cpu_set_t *set, char *err, unsigned errlen);

void gb_cli_help(const gb_cli *cli, FILE *f);
void gb_cli_free(gb_cli *cli);

#endif
