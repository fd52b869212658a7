/* main.c - the two-line main of every gb-* binary.  The Makefile compiles
 * this file once per benchmark with -DGB_MAIN=<bench>_main. */
#include "benches.h"
#include "pid1.h"

int main(int argc, char **argv)
{
	gb_pid1_signals();	/* as PID 1, SIGTERM would otherwise be ignored */
	return GB_MAIN(argc, argv);
}
