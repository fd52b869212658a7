/* single.c - the two-line main of every standalone gb-* binary.  The
 * Makefile compiles this file once per benchmark with -DGB_MAIN=<bench>_main
 * (registry/, not common/: the library knows no benchmark). */
#include "pid1.h"

int GB_MAIN(int argc, char **argv);

int main(int argc, char **argv)
{
	gb_pid1_signals();	/* as PID 1, SIGTERM would otherwise be ignored */
	return GB_MAIN(argc, argv);
}
