/* spawn.h - gb-startup spawn: what is started (a target) and how (a
 * method), shared by spawn.c (the runner) and spawn_methods.c. */
#ifndef GB_SPAWN_H
#define GB_SPAWN_H

#include "startup.h"

typedef struct sp_target {
	const char *path;	/* NULL for fork+_exit and threads: nothing executed */
	char *const *argv;
	int expect;		/* the exit status every round must end with */
} sp_target;

int sp_fork_exec(const sp_target *t);
int sp_vfork_exec(const sp_target *t);
int sp_posix_spawn(const sp_target *t);
int sp_fork_exit(const sp_target *t);
int sp_thread(const sp_target *t);

#endif
