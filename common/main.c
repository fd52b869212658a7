/* main.c - the two-line main of every gb-* binary.  The Makefile compiles
 * this file once per benchmark with -DGB_MAIN=<bench>_main. */
#include "benches.h"

int main(int argc, char **argv) { return GB_MAIN(argc, argv); }
