/* main.c - gb-startup's entry point: the no-op child, then the mode word.
 *
 *   gb-startup [spawn] [options]          spawn latency (the default: what the suite runs)
 *   gb-startup launch [options] -- CMD    time CMD until it is ready, N rounds
 *   gb-startup ping ADDR:PORT --nonce N   the in-guest side of launch --ready udp
 *
 * The no-op marker is tested before anything else, option parsing
 * included, so the child the spawn methods execute costs exec + libc
 * start-up + exit and nothing of ours. */
#include <string.h>

#include "startup.h"

static const struct {
	const char *word;
	int (*main)(int argc, char **argv);
} modes[] = {
	{ "spawn", su_spawn_main },
	{ "launch", su_launch_main },
	{ "ping", su_ping_main },
};

int startup_main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], SU_NOOP_ARG) == 0)
		return SU_NOOP_STATUS;
	/* the mode word is dropped: each mode parses argv as its own program */
	for (size_t i = 0; argc > 1 && i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(argv[1], modes[i].word) == 0) {
			argv[1] = argv[0];
			return modes[i].main(argc - 1, argv + 1);
		}
	return su_spawn_main(argc, argv);
}
