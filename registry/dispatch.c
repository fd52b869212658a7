/* dispatch.c - guestbench, the multi-call binary: every benchmark, the
 * suite and PID-1 mode in one static file, so a guest needs exactly one
 * thing copied in.
 *
 *   guestbench BENCH [args]     run one benchmark (as gb-BENCH would)
 *   guestbench COMMAND [args]   suite, init: the table below
 *   gb-BENCH or BENCH [args]    the same through a link named after it
 *
 * Dispatch is busybox style, on the base name of argv[0] first: a link
 * named gb-stream runs stream.  It must be, for gb-linpack's re-exec
 * (linpack/core.c executes this file again with the argv it was given,
 * whose argv[0] is then "linpack" or "gb-linpack"), and for the suite,
 * which starts each benchmark as a child with argv[0] = its name.  Any
 * other name (guestbench, or a copy renamed by a user) falls through to
 * argv[1], so the binary works whatever the file is called. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guestbench.h"
#include "init.h"
#include "pid1.h"
#include "registry.h"
#include "rounds.h"
#include "util.h"

/* The commands that are not benchmarks. */
static const struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "suite", suite_main, "guestbench suite [options]     run every benchmark, one JSON document" },
	{ "init", init_main, "guestbench init [--cmdline TEXT]   PID-1 mode: a VM's /init (init --help)" },
	{ "rounds", rounds_main, "guestbench rounds --env NAME=CMD...  environments in interleaved rounds, one campaign" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "guestbench %s - what does this isolation layer cost?\n\n"
		"usage: guestbench BENCH [options]     run one benchmark (BENCH --help: its options)\n"
		"       gb-BENCH [options]             the same through a link named gb-BENCH\n", GB_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "       %s\n", commands[i].usage);
	fprintf(f, "       guestbench --list | --version | --help\n\nbenchmarks:");
	for (size_t i = 0; i < reg_nbenches; i++)
		fprintf(f, " %s", reg_benches[i].name);
	fprintf(f, "\n\nsuite: guestbench suite --help\n");
}

int main(int argc, char **argv)
{
	const reg_bench *a;

	/* the kernel starts /init with argv[0] "/init" (or rdinit=... names
	 * this file, with no arguments): PID-1 mode, init.c, which handles
	 * its own signals */
	if (argc > 0 && argv[0] && (strcmp(gb_basename(argv[0]), "init") == 0 ||
				    (argc < 2 && getpid() == 1)))
		return init_main(argc, argv);
	gb_pid1_signals();	/* as PID 1, SIGTERM would otherwise be ignored */
	/* execve may pass an empty argv: then there is no name to go by */
	if (argc > 0 && argv[0] && (a = reg_find(gb_basename(argv[0]))))
		return a->main(argc, argv);

	gb_prog = "guestbench";
	if (argc < 2) {
		usage(stderr);
		return GB_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return GB_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("guestbench %s (results schema guestbench/1, suites guestbench-suite/1)\n",
		       GB_VERSION);
		return GB_EXIT_OK;
	}
	if (strcmp(cmd, "--list") == 0) {
		for (size_t i = 0; i < reg_nbenches; i++)
			printf("%s\n", reg_benches[i].name);
		return GB_EXIT_OK;
	}
	/* the benchmark sees itself as argv[0], as when called through a link */
	if ((a = reg_find(cmd)))
		return a->main(argc - 1, argv + 1);

	char names[512] = "";
	for (size_t i = 0; i < reg_nbenches; i++) {
		size_t n = strlen(names);
		snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "", reg_benches[i].name);
	}
	gb_err("unknown benchmark or command '%s' (benchmarks: %s; commands: suite, init; see --help)", cmd, names);
	return GB_EXIT_USAGE;
}
