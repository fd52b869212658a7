/* spawn_methods.c - the ways of starting a child that gb-startup spawn
 * times, one function each.  Each returns the child's wait status (or,
 * for a thread, SU_NOOP_STATUS in the same encoding as a normal exit)
 * or -errno when the child could not be created. */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

extern char **environ;

static int reap(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return st;
}

int su_fork_exec(const su_target *t)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(t->path, t->argv, environ);
		_exit(127);
	}
	return reap(pid);
}

int su_vfork_exec(const su_target *t)
{
	/* the child borrows our memory until it executes: it may only call
	 * execve and _exit */
	pid_t pid = vfork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(t->path, t->argv, environ);
		_exit(127);
	}
	return reap(pid);
}

int su_posix_spawn(const su_target *t)
{
	pid_t pid;
	/* glibc >= 2.24: clone(CLONE_VM|CLONE_VFORK) + execve, as hyperfine's
	 * Rust Command does; an exec failure comes back here as an error */
	int e = posix_spawn(&pid, t->path, NULL, NULL, t->argv, environ);
	if (e)
		return -e;
	return reap(pid);
}

int su_fork_exit(const su_target *t)
{
	(void)t;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(SU_NOOP_STATUS);
	return reap(pid);
}

static void *thread_body(void *arg)
{
	return arg;
}

int su_thread(const su_target *t)
{
	(void)t;
	pthread_t th;
	void *ret = NULL;
	int e = pthread_create(&th, NULL, thread_body, (void *)(intptr_t)SU_NOOP_STATUS);
	if (e)
		return -e;
	if ((e = pthread_join(th, &ret)))
		return -e;
	/* the value the thread returned, encoded as a normal exit would be */
	return ((int)(intptr_t)ret & 0xff) << 8;
}
