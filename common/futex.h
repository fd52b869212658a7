/* futex.h - the two futex operations guestbench uses: sleep while a word
 * holds a value, wake sleepers.  Private futexes (one process). */
#ifndef GB_FUTEX_H
#define GB_FUTEX_H

#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Sleep while *word == val (returns at once if it already differs). */
static inline long gb_futex_wait(void *word, uint32_t val)
{
	return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

/* Wake up to n sleepers (INT_MAX: all). */
static inline long gb_futex_wake(void *word, int n)
{
	return syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

#endif
