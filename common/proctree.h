/* proctree.h - run a command as a process tree this process owns, and end
 * it leaving nothing behind.
 *
 * The one mechanism behind `gb-startup launch` (a container, a VM, any
 * command, every round) and the suite's child processes (suite/child.c):
 * whatever the command does - setsid, a daemon's double fork, ignoring
 * SIGTERM - a normal end, a timeout, or SIGINT/SIGTERM/SIGHUP to us leaves
 * none of its processes running, and no signal ever reaches a process that
 * is no longer ours (a number the kernel has handed out again).
 *
 * How:
 *  - this process is a child subreaper (PR_SET_CHILD_SUBREAPER): a
 *    descendant whose parent dies is re-parented to us, never to init;
 *  - the command leads a process group of its own; that group is signalled
 *    only while the command is unreaped (its number cannot be reused while
 *    its zombie exists: the command's end is noticed with WNOWAIT and it is
 *    reaped only by gb_tree_end, after the group got its SIGKILL);
 *  - ending: SIGKILL to the group, to every direct child (unreaped, so
 *    safe by the same rule), and with pidfds to every deeper descendant
 *    found through /proc/PID/stat's ppid, each checked to be ours after its
 *    pidfd was opened; repeated, reaping, until we have no child left.
 * Where the kernel lacks pidfd_open (before 5.3) or seccomp refuses it,
 * deeper descendants are killed generation by generation as they are
 * re-parented to us.  Without /proc (an empty container root) only the
 * group and the command itself can be reached: a process that left the
 * group is then not found, and gb_tree_end reports it as left.
 *
 * One tree at a time per process, and every child of the process belongs
 * to it: gb_tree_end kills and reaps all of them - except the spared ones
 * (gb_tree_spare: common/neighbors' busy processes, which run beside the
 * whole benchmark and are ended by it). */
#ifndef GB_PROCTREE_H
#define GB_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

typedef struct gb_tree {
	pid_t pid;		/* the command (its group's leader); 0 before gb_tree_fork */
	int ended;		/* it has exited: status below */
	int status;		/* its wait status, once ended */
	size_t left;		/* set by gb_tree_end: processes it could not end */
} gb_tree;

/*
 * Before the first gb_tree_fork: makes this process a child subreaper,
 * feeds gb_tree_fd() from SIGCHLD, and handles SIGINT, SIGTERM and SIGHUP:
 * the signal is passed on to the tree's process group (a benchmark removes
 * its files), the tree gets up to 1 s to end, then SIGKILL goes to all of
 * it, and this process ends by the same signal (as PID 1, where re-raising
 * is ignored, with exit status 128+N).  Returns 0, or -1 with why.
 */
int gb_tree_arm(char *why, size_t len);
/* The handlers of SIGCHLD, SIGINT, SIGTERM, SIGHUP from before gb_tree_arm
 * come back (the subreaper stays). */
void gb_tree_disarm(void);
/* A directory the tree works in (the suite's scratch directory for a
 * benchmark's files): when SIGINT, SIGTERM or SIGHUP ends this process
 * while it is set, it is emptied and removed once the tree has ended
 * (gb_rmdir_flat), so an interrupted run leaves nothing in /tmp.  NULL
 * forgets it (the caller removes it on the normal path). */
void gb_tree_scratch(const char *dir);
/* Readable when a child may have ended: poll() it, then gb_tree_poll. */
int gb_tree_fd(void);

/*
 * fork(): in the child (return 0) a new process group, SIGKILL when this
 * process dies (PR_SET_PDEATHSIG), the signal mask and the dispositions
 * from before gb_tree_arm (an ignored signal stays ignored, a handler
 * becomes the default).  In the parent the child's pid, or -1.
 */
pid_t gb_tree_fork(gb_tree *t);
/* Reap whatever else ended; 1 once the command has ended (t->status). */
int gb_tree_poll(gb_tree *t);
/* Send sig to the command's process group while that is safe (e.g.
 * SIGTERM: "please stop"); processes that left the group do not get it. */
void gb_tree_signal(const gb_tree *t, int sig);
/*
 * SIGKILL the command, its group and every descendant, again and again,
 * reaping, until this process has no child left or give_up seconds have
 * passed (1 s at most without /proc, where nothing more can be found).
 * Fills t->status if the command had not ended; returns t->left, the
 * number of processes still there (at least 1 when some are there but
 * cannot be counted).
 */
size_t gb_tree_end(gb_tree *t, double give_up);

/* A child that is not the tree's: no pass of gb_tree_end kills it (nor
 * what descends from it).  It must have been created without an exit
 * signal (clone with exit_signal 0), so that waitpid(-1) and waitid(P_ALL)
 * - how the tree reaps its own and sees it is empty - never see it;
 * whoever spared it kills and reaps it (waitpid with __WALL), then
 * gb_tree_unspare.  At most 256 at a time; more are not spared. */
void gb_tree_spare(pid_t pid);
void gb_tree_unspare(pid_t pid);

/* How far the clean-up reaches here: "pidfd" (every descendant, at once),
 * "proc" (every descendant, a generation per pass: no pidfd_open), or
 * "group" (no usable /proc: the process group and the command only). */
const char *gb_tree_reach(void);

/* pid and every process descended from it (ppid links of /proc/PID/stat),
 * pid first, at most 4096.  The count, 0 without /proc or no such
 * process; *out is malloc'd (NULL for 0). */
size_t gb_tree_list(pid_t pid, pid_t **out);

#endif
