/* ops_memory.c - address-space operations.  In a VM a first touch also
 * faults in the host (EPT violation) unless the guest's memory is already
 * backed, which is why "page_fault" is among the costliest differences
 * between native and virtualised runs.
 *
 * TLB shootdowns: when a process changes its page tables, every CPU that
 * may hold a stale translation must drop it.  x86 Linux does not know
 * which CPU cached which page: it interrupts (IPI) every other CPU on
 * which a thread of the process is running, and waits for each to answer.
 * The tlb_* operations time munmap and mprotect while threads of this
 * process spin on 1, 3 or all other CPUs (reading a page of their own,
 * the page mprotect changes: they keep the address space loaded there
 * and its translations in their TLBs), against the same with no other
 * thread (the _1cpu figures: a local INVLPG, no IPI).  The difference is
 * the shootdown.  In a VM each IPI is a VM exit on the sender and an
 * interrupt injected into a running vCPU (or one that must be scheduled
 * first), and the sender waits for the slowest.  stress-ng's
 * tlb-shootdown stressor forces the same flushes (pinned workers touching
 * pages that mprotect and madvise change) but counts them; these time
 * them.  The spinners never PAUSE: a PAUSE loop in a guest makes the
 * hypervisor deschedule the vCPU (pause-loop exiting), and a descheduled
 * vCPU is not the running one this measures. */
#include "ops.h"
#include "team.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

static uint64_t loop_mmap(void *ctx, uint64_t n)
{
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		bad |= p == MAP_FAILED;
		bad |= munmap(p, PAGE);
	}
	uint64_t t = gb_now_ns() - t0;
	return !bad ? t : sc_fail(ctx, "mmap/munmap of 4 KiB failed");
}

/*
 * One write to each page of a fresh private anonymous mapping: a minor
 * fault that allocates and zeroes a 4 KiB page.  Huge pages (THP, mTHP)
 * are refused for the mapping so that every touch is one 4 KiB fault.
 * Mapping and unmapping happen outside the timed part.
 */
static uint64_t loop_fault(void *ctx, uint64_t n)
{
	size_t len = n * PAGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return sc_fail(ctx, "mmap of %zu bytes failed: %s", len, strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE);
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++)
		((volatile unsigned char *)p)[i * PAGE] = (unsigned char)(i | 1);
	uint64_t t = gb_now_ns() - t0;
	int bad = 0;
	for (uint64_t i = 0; i < n; i += 97)
		bad |= p[i * PAGE] != (unsigned char)(i | 1) || p[i * PAGE + 1] != 0;
	munmap(p, len);
	return !bad ? t : sc_fail(ctx, "a faulted-in page did not read back as written");
}

/* ------------------------------------------------- TLB shootdowns -- */

#define TLB_MARK 0x5a	/* what the shared page holds: spinners check it */

struct spinner {
	_Alignas(64) _Atomic uint64_t spins;	/* progress, read by the set-up */
	struct tlb *t;
	pthread_t th;
};

struct tlb {
	unsigned char *page;	/* mapped for the whole operation; mprotect's target */
	int nspin;
	struct spinner *s;
	_Atomic int stop, bad;
	cpu_set_t saved;	/* the main thread's affinity before pinning */
};

static void *spin(void *arg)
{
	struct spinner *s = arg;
	struct tlb *t = s->t;
	uint64_t k = 0;
	/* reading is allowed under both protections mprotect switches
	 * between, so the spinners never fault */
	while (!atomic_load_explicit(&t->stop, memory_order_relaxed)) {
		if (((volatile unsigned char *)t->page)[0] != TLB_MARK)
			atomic_store(&t->bad, 1);
		atomic_store_explicit(&s->spins, ++k, memory_order_relaxed);
	}
	return NULL;
}

static void tlb_teardown(sc_ctx *c)
{
	struct tlb *t = c->priv;
	if (!t)
		return;
	atomic_store(&t->stop, 1);
	for (int i = 0; i < t->nspin; i++)
		pthread_join(t->s[i].th, NULL);
	gb_pin_restore(&t->saved);
	munmap(t->page, PAGE);
	free(t->s);
	free(t);
	c->priv = NULL;
}

/* This thread pinned to the first of 'want' CPUs (0 = every one allowed),
 * a spinner pinned on each of the others, all seen spinning. */
static int tlb_setup(sc_ctx *c, int want)
{
	int n = want ? want : c->nplace;
	if (n > c->nplace || n < (want ? 1 : 2))
		return sc_unavailable(c, 0, "needs %d CPUs; %s allows %d", n < 2 ? 2 : n, c->place_from,
				      c->nplace);
	int *cpu = calloc((size_t)n, sizeof *cpu);
	struct tlb *t = calloc(1, sizeof *t);
	if (t)
		t->s = calloc((size_t)(n > 1 ? n - 1 : 1), sizeof *t->s);
	if (!cpu || !t || !t->s) {
		free(cpu);
		if (t)
			free(t->s);
		free(t);
		return sc_unavailable(c, ENOMEM, "out of memory");
	}
	size_t used = 0;
	for (int k = 0, i = 0; i < CPU_SETSIZE && k < n; i++)
		if (CPU_ISSET(i, c->place)) {
			cpu[k++] = i;
			if (used < sizeof c->cpus_used)
				used += (size_t)snprintf(c->cpus_used + used, sizeof c->cpus_used - used, "%s%d",
							 used ? "," : "", i);
		}
	t->page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->page == MAP_FAILED) {
		int e = errno;
		free(cpu);
		free(t->s);
		free(t);
		return sc_unavailable(c, e, "mmap of one page failed: %s", strerror(e));
	}
	t->page[0] = TLB_MARK;	/* a real page, not the shared zero page */
	c->priv = t;
	int e = gb_pin_self_save(cpu[0], &t->saved);
	if (e) {
		int at = cpu[0];
		free(cpu);
		tlb_teardown(c);
		return sc_unavailable(c, e, "cannot pin to CPU %d: %s", at, strerror(e));
	}
	for (int i = 1; i < n; i++) {
		/* created already pinned: a refused CPU fails the creation
		 * instead of putting the spinner next to this thread */
		t->s[i - 1].t = t;
		e = gb_thread_on(&t->s[i - 1].th, cpu[i], 0, spin, &t->s[i - 1]);
		if (e) {
			int at = cpu[i];
			free(cpu);
			tlb_teardown(c);
			return sc_unavailable(c, e, "cannot start a thread on CPU %d: %s", at, strerror(e));
		}
		t->nspin++;
	}
	free(cpu);
	/* the figure is about CPUs where the process is running: wait until
	 * every spinner is (a second at most: a starved vCPU is refused) */
	uint64_t until = gb_now_ns() + 1000000000ull;
	for (int i = 0; i < t->nspin; i++)
		while (!atomic_load(&t->s[i].spins))
			if (gb_now_ns() > until) {
				tlb_teardown(c);
				return sc_unavailable(c, 0, "a spinning thread did not run within 1 s");
			}
	return 0;
}

static int setup_tlb_1(sc_ctx *c) { return tlb_setup(c, 1); }
static int setup_tlb_2(sc_ctx *c) { return tlb_setup(c, 2); }
static int setup_tlb_4(sc_ctx *c) { return tlb_setup(c, 4); }
static int setup_tlb_all(sc_ctx *c) { return tlb_setup(c, 0); }

/* Map a page, write it (so that a translation exists to be shot down),
 * unmap it: the unmap must flush it from every CPU running this process. */
static uint64_t loop_tlb_munmap(void *ctx, uint64_t n)
{
	struct tlb *t = ((sc_ctx *)ctx)->priv;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			bad = 1;
			break;
		}
		*(volatile unsigned char *)p = (unsigned char)i;
		bad |= munmap(p, PAGE);
	}
	uint64_t ns = gb_now_ns() - t0;
	if (bad)
		return sc_fail(ctx, "mmap, write and munmap of one page failed");
	return !atomic_load(&t->bad) ? ns : sc_fail(ctx, "a spinning thread read a wrong value");
}

/* The spinners' page made read-only (a permission taken away: every CPU
 * must forget the writable translation) and writable again, then
 * written.  The way back needs no flush on x86 (a stale read-only entry
 * only causes a fault that finds the new one), so one iteration is one
 * shootdown plus the same local work the _1cpu figure does. */
static uint64_t loop_tlb_mprotect(void *ctx, uint64_t n)
{
	struct tlb *t = ((sc_ctx *)ctx)->priv;
	long bad = 0;
	uint64_t t0 = gb_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		bad |= mprotect(t->page, PAGE, PROT_READ);
		bad |= mprotect(t->page, PAGE, PROT_READ | PROT_WRITE);
		((volatile unsigned char *)t->page)[1] = (unsigned char)i;
	}
	uint64_t ns = gb_now_ns() - t0;
	if (bad)
		return sc_fail(ctx, "mprotect of one page failed");
	if (t->page[0] != TLB_MARK || (n && t->page[1] != (unsigned char)(n - 1)))
		return sc_fail(ctx, "the page lost what was written to it");
	return !atomic_load(&t->bad) ? ns : sc_fail(ctx, "a spinning thread read a wrong value");
}

const sc_op sc_ops_memory[] = {
	{ "mmap_munmap", "map and unmap 4 KiB of anonymous memory (no touch)",
	  NULL, loop_mmap, NULL, 0, 0, 0 },
	/* 65536 pages = 256 MiB per sample at most, less in a small container */
	{ "page_fault", "first write to a fresh 4 KiB anonymous page (minor fault)",
	  NULL, loop_fault, NULL, 65536, PAGE, 0 },
	/* the set-ups pin this thread and its spinners themselves */
	{ "tlb_munmap_1cpu", "map, write, unmap a page; no other thread (local flush only)",
	  setup_tlb_1, loop_tlb_munmap, tlb_teardown, 0, 0, 0 },
	{ "tlb_munmap_2cpu", "the same while a thread of this process runs on 1 other CPU (TLB shootdown IPI)",
	  setup_tlb_2, loop_tlb_munmap, tlb_teardown, 0, 0, 0 },
	{ "tlb_munmap_4cpu", "the same with threads running on 3 other CPUs",
	  setup_tlb_4, loop_tlb_munmap, tlb_teardown, 0, 0, 0 },
	{ "tlb_munmap_allcpu", "the same with threads running on every other effective CPU",
	  setup_tlb_all, loop_tlb_munmap, tlb_teardown, 0, 0, 0 },
	{ "tlb_mprotect_1cpu", "a written page to read-only and back, written; no other thread",
	  setup_tlb_1, loop_tlb_mprotect, tlb_teardown, 0, 0, 0 },
	{ "tlb_mprotect_2cpu", "the same while a thread on 1 other CPU reads the page (TLB shootdown IPI)",
	  setup_tlb_2, loop_tlb_mprotect, tlb_teardown, 0, 0, 0 },
	{ "tlb_mprotect_4cpu", "the same with threads on 3 other CPUs reading it",
	  setup_tlb_4, loop_tlb_mprotect, tlb_teardown, 0, 0, 0 },
	{ "tlb_mprotect_allcpu", "the same with threads on every other effective CPU reading it",
	  setup_tlb_all, loop_tlb_mprotect, tlb_teardown, 0, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
