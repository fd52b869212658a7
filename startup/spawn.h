/* spawn.h - gb-startup spawn: what is started (a target) and how (a
 * method), shared by spawn.c (the runner) and spawn_methods.c. */
#ifndef GB_SPAWN_H
#define GB_SPAWN_H

#include "startup.h"

typedef struct su_target {
	const char *path;	/* NULL for fork+_exit and threads: nothing executed */
	char *const *argv;
	int expect;		/* the exit status every round must end with */
} su_target;

int su_fork_exec(const su_target *t);
int su_vfork_exec(const su_target *t);
int su_posix_spawn(const su_target *t);
int su_fork_exit(const su_target *t);
int su_thread(const su_target *t);

#endif
