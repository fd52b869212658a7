/* busy.h - keep a CPU running without competing with the work on it.
 *
 * A wake-up sent to a CPU that is running something costs an interrupt
 * (in a VM: a posted interrupt, or an exit on a vCPU that is in guest
 * mode); one sent to a CPU that has gone idle may find, in a VM, a vCPU
 * that executed HLT and left the host's CPU: the host must then schedule
 * it again (~20 us and more instead of ~1 us).  To measure the first
 * regime on purpose, a spinner thread of policy SCHED_IDLE is pinned to
 * the target CPU: the vCPU never halts, and any normal or real-time
 * thread woken there preempts the spinner at once (the scheduler always
 * prefers it to a SCHED_IDLE task).  Where SCHED_IDLE is refused (a
 * seccomp filter on sched_setscheduler) the spinner runs at nice 19
 * instead, which preempts less surely: 'method' says which was used. */
#ifndef GB_BUSY_H
#define GB_BUSY_H

typedef struct gb_busy gb_busy;

/* Start a spinner pinned to 'cpu'.  NULL with err filled when the thread
 * cannot be created or pinned there. */
gb_busy *gb_busy_start(int cpu, char *err, unsigned errlen);
/* "sched_idle" or "nice19": how the spinner yields to real work. */
const char *gb_busy_method(const gb_busy *b);
/* Stop and join the spinner (NULL is accepted). */
void gb_busy_stop(gb_busy *b);

#endif
