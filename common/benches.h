/* benches.h - the entry point of every benchmark.  Each <bench>/ folder
 * defines one; common/main.c calls it for bin/gb-<bench>, and the
 * multi-call guestbench binary dispatches to all of them. */
#ifndef GB_BENCHES_H
#define GB_BENCHES_H

int syscall_main(int argc, char **argv);
int stream_main(int argc, char **argv);
int randomaccess_main(int argc, char **argv);
int linpack_main(int argc, char **argv);
int diskio_main(int argc, char **argv);
int netlat_main(int argc, char **argv);
int startup_main(int argc, char **argv);
int compare_main(int argc, char **argv);

#endif
