/* pid1.h - terminating signals for a benchmark that runs as PID 1.
 *
 * The kernel drops every signal a PID namespace's init (or a VM's init)
 * has no handler for: `docker stop`, `kill` from the host and Ctrl-C all
 * went unheard, and the run went on to the end.  gb_pid1_signals() gives
 * PID 1 handlers for SIGTERM, SIGINT and SIGHUP; it does nothing for any
 * other process, whose default actions already work. */
#ifndef GB_PID1_H
#define GB_PID1_H

/* Call first thing in main.  A benchmark may install its own handlers
 * later (gb-diskio removes its file); those must end the process with
 * _exit, because re-raising with SIG_DFL is ignored for PID 1 too. */
void gb_pid1_signals(void);

/* End this process by 'sig' from its handler (after the handler's clean-up),
 * so the parent sees what ended it: the default action, with sig unblocked
 * (a handler runs with its own signal blocked); for PID 1, whose default-
 * handled signals the kernel drops, exit 128 + sig.  Async-signal-safe. */
_Noreturn void gb_die_by_signal(int sig);

#endif
