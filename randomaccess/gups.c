/* gups.c - HPCC RandomAccess, three ways: single, star, shared.
 *
 * The rules (HPCC doc/class2specs.tex "RandomAccess", and its RandomAccess/ code), each
 * enforced below where it applies:
 *  - a table T of 2^n 64-bit words, T[i] = i before the timed region
 *    (initialisation is not timed);
 *  - N_U = 4 * 2^n updates T[a_k & (2^n - 1)] ^= a_k with the official
 *    stream a_k (rng.h), every thread on its own slice of that one
 *    sequence (jump-ahead, HPCC_starts);
 *  - GUP/s = N_U / time of the updates / 10^9;
 *  - verification: the same updates again by a safe method (one thread,
 *    one generator: kernel.h ra_update_ref) must bring the table back to
 *    T[i] = i; HPCC allows 1% of the words wrong, which only races can
 *    explain, so here 0 is allowed where no update races (single, star)
 *    and 1% where threads share a table (shared);
 *  - optimisations: look-ahead / storage before processing of at most
 *    1024 updates per process (kernel.h RA_LOOKAHEAD_MAX).
 *
 * Variants: single = one thread, one table (SingleRandomAccess); star =
 * every thread its own table and the whole sequence, at once
 * (StarRandomAccess: per thread and aggregate); shared = all threads one
 * table, the sequence split between them.  Each run re-initialises the
 * table(s); the last run is verified (the naive pass costs about as much
 * as a run).
 *
 * Test-only fault: GB_FAULT=randomaccess.corrupt=N flips N table words after the last
 * timed run, as N wrong updates would: verification must find exactly N. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fault.h"
#include "kernel.h"
#include "parse.h"
#include "ra.h"
#include "team.h"
#include "topo.h"
#include "util.h"

struct run {
	const ra_cfg *c;
	gb_team *team;
	int n;			/* members */
	int ntab;		/* tables: n for star, else 1 */
	gb_buf *buf;
	uint64_t **tab;
	uint64_t words, mask, nu;	/* per table; nu = updates per table */
	uint64_t *t0, *t1;	/* per member, ns */
	uint64_t *errors;	/* per table */
};

const char *ra_variant_name(ra_variant v)
{
	return v == RA_SINGLE ? "single" : v == RA_STAR ? "star" : "shared";
}

/* [total * i / n, total * (i+1) / n): member i's share, without overflow */
static uint64_t share(uint64_t total, int i, int n)
{
	return (uint64_t)((unsigned __int128)total * (unsigned)i / (unsigned)n);
}

static void member_update(int tid, int n, void *arg)
{
	struct run *R = arg;
	uint64_t *t, lo = 0, hi = R->words, first = 0, count = R->nu;

	if (R->c->variant == RA_STAR) {
		t = R->tab[tid];
	} else {
		/* each member first-touches the words it initialises */
		t = R->tab[0];
		lo = share(R->words, tid, n);
		hi = share(R->words, tid + 1, n);
		first = share(R->nu, tid, n);
		count = share(R->nu, tid + 1, n) - first;
	}
	ra_table_init(t, lo, hi);
	gb_team_barrier(R->team);
	R->t0[tid] = gb_now_ns();
	ra_update_fast(t, R->mask, first, count, R->c->lookahead);
	R->t1[tid] = gb_now_ns();
}

/* Star: every member checks its own table; otherwise member 0 alone
 * (a single generator over a shared table is the safe method). */
static void member_verify(int tid, int n, void *arg)
{
	struct run *R = arg;

	if (R->c->variant != RA_STAR && tid != 0)
		return;
	ra_update_ref(R->tab[tid], R->mask, 0, R->nu);
	R->errors[tid] = ra_count_errors(R->tab[tid], 0, R->words);
}

/* N wrong updates, on N distinct words (an odd stride is a bijection). */
static void corrupt(uint64_t *t, uint64_t mask, uint64_t count)
{
	for (uint64_t k = 0; k < count && k <= mask; k++)
		t[(k * 0x9e3779b97f4a7c15ull) & mask] ^= 1;
}

static int alloc_tables(gb_report *r, struct run *R)
{
	char err[512];

	for (int i = 0; i < R->ntab; i++) {
		if (gb_mem_alloc(&R->buf[i], R->words * 8, R->c->pages, &R->c->numa,
				 i ? NULL : &r->warnings, err, sizeof err) < 0) {
			gb_err("%s", err);
			return -1;
		}
		R->tab[i] = R->buf[i].p;
	}
	return 0;
}

static void report_config(gb_report *r, const struct run *R)
{
	double cov = 1;

	for (int i = 0; i < R->ntab; i++) {
		double c = gb_mem_coverage(&R->buf[i]);
		if (c < cov)
			cov = c;
	}
	gb_kv_str(&r->config, "variant", ra_variant_name(R->c->variant));
	gb_kv_int(&r->config, "size", (long long)(R->words * 8));
	gb_kv_int(&r->config, "table_bytes", (long long)(R->words * 8));
	gb_kv_int(&r->config, "tables", R->ntab);
	gb_kv_int(&r->config, "updates_per_table", (long long)R->nu);
	gb_kv_int(&r->config, "lookahead", R->c->lookahead);
	gb_kv_str(&r->config, "kernel", "lock-step streams + prefetcht0 one round ahead");
	gb_kv_str(&r->config, "pages_used", gb_pages_name(R->buf[0].used));
	gb_kv_str(&r->config, "numa_used", R->buf[0].numa);
	if (cov >= 0)
		gb_kv_num(&r->config, "huge_coverage", cov);
	else
		gb_kv_null(&r->config, "huge_coverage");
	if (R->buf[0].used != GB_PAGES_4K && cov >= 0 && cov < 0.9)
		gb_report_warn(r, "gups: only %.0f%% of the table is on huge pages (asked %s)",
			       cov * 100, gb_pages_name(R->buf[0].asked));
}

static void add_metrics(gb_report *r, const struct run *R, const double *agg, const double *per,
			int kept, uint64_t errors, uint64_t limit)
{
	const ra_cfg *c = R->c;
	gb_metric *m = gb_report_metric(r, "gups", "GUP/s", GB_HIGHER, agg, (size_t)kept);

	gb_kv_str(&m->extra, "variant", ra_variant_name(c->variant));
	gb_kv_int(&m->extra, "threads", R->n);
	gb_kv_int(&m->extra, "table_bytes", (long long)(R->words * 8));
	gb_kv_int(&m->extra, "tables", R->ntab);
	gb_kv_int(&m->extra, "errors", (long long)errors);
	gb_kv_num(&m->extra, "error_rate", (double)errors / ((double)R->words * R->ntab));
	gb_kv_int(&m->extra, "error_limit", (long long)limit);
	if (c->variant == RA_STAR) {
		gb_metric_note(m, "star, %d threads: aggregate", R->n);
		m = gb_report_metric(r, "gups_per_thread", "GUP/s", GB_HIGHER, per, (size_t)kept);
		gb_kv_int(&m->extra, "threads", R->n);
		gb_metric_note(m, "mean of the threads (HPCC StarRandomAccess)");
	} else {
		gb_metric_note(m, "%s%s", ra_variant_name(c->variant),
			       c->variant == RA_SHARED ? ", one table" : "");
	}
}

int ra_gups_run(gb_report *r, const ra_cfg *c)
{
	struct run R;
	char err[512];
	int runs = c->warmup + c->repeat, kept = 0, rc = 0;
	uint64_t start = gb_now_ns(), limit_ns = (uint64_t)(c->time_limit * 1e9);
	uint64_t errors = 0, limit;
	double *agg, *per;

	memset(&R, 0, sizeof R);
	R.c = c;
	R.n = c->variant == RA_SINGLE ? 1 : c->threads;
	R.ntab = c->variant == RA_STAR ? R.n : 1;
	R.words = c->table_words;
	R.mask = R.words - 1;
	R.nu = 4 * R.words;	/* HPCC: N_U = 4 x table size */
	R.buf = gb_xcalloc((size_t)R.ntab, sizeof *R.buf);
	R.tab = gb_xcalloc((size_t)R.n, sizeof *R.tab);
	R.t0 = gb_xcalloc((size_t)R.n, sizeof *R.t0);
	R.t1 = gb_xcalloc((size_t)R.n, sizeof *R.t1);
	R.errors = gb_xcalloc((size_t)R.n, sizeof *R.errors);
	agg = gb_xcalloc((size_t)c->repeat, sizeof *agg);
	per = gb_xcalloc((size_t)c->repeat, sizeof *per);

	if (alloc_tables(r, &R) < 0) {
		rc = GB_EXIT_ENV;
		goto out;
	}
	R.team = gb_team_create(R.n, &c->cpus, err, sizeof err);
	if (!R.team) {
		gb_report_fail(r, "gups: %s", err);
		goto out;
	}

	for (int run = 0; run < runs; run++) {
		uint64_t lo = UINT64_MAX, hi = 0;
		double sum = 0;

		gb_progress("gups %s: run %d of %d", ra_variant_name(c->variant), run + 1, runs);
		gb_team_run(R.team, member_update, &R);
		if (run == 0)
			report_config(r, &R);
		for (int i = 0; i < R.n; i++) {
			lo = R.t0[i] < lo ? R.t0[i] : lo;
			hi = R.t1[i] > hi ? R.t1[i] : hi;
			/* updates per ns = GUP/s */
			sum += (double)(c->variant == RA_STAR ? R.nu : share(R.nu, i + 1, R.n) -
					share(R.nu, i, R.n)) / (double)(R.t1[i] - R.t0[i] + 1);
		}
		if (run >= c->warmup) {
			double total = (double)R.nu * (c->variant == RA_STAR ? R.n : 1);
			agg[kept] = total / (double)(hi - lo + 1);
			per[kept] = sum / R.n;
			kept++;
		}
		if (kept && limit_ns && gb_now_ns() - start > limit_ns && run + 1 < runs) {
			gb_report_warn(r, "gups: --time-limit cut the runs to %d", kept);
			break;
		}
	}
	if (!kept) {
		gb_report_fail(r, "gups: no run completed");
		goto out;
	}

	/* the verification of the last run */
	const char *hook = gb_fault("corrupt");
	if (hook && *hook) {
		uint64_t n = 0;
		if (gb_parse_u64(hook, &n) == 0 && n)
			corrupt(R.tab[0], R.mask, n);
	}
	gb_progress("gups %s: verifying", ra_variant_name(c->variant));
	gb_team_run(R.team, member_verify, &R);
	for (int i = 0; i < R.ntab; i++)
		errors += R.errors[i];
	limit = c->variant == RA_SHARED ? R.words / 100 : 0;
	if (errors > limit)
		gb_report_fail(r, "gups: verification found %llu of %llu words wrong (%.4g%%); "
			       "allowed: %llu (%s)", (unsigned long long)errors,
			       (unsigned long long)(R.words * R.ntab),
			       100.0 * (double)errors / ((double)R.words * R.ntab),
			       (unsigned long long)limit,
			       limit ? "1% where updates race" : "none: no update races here");
	add_metrics(r, &R, agg, per, kept, errors, limit);
	gb_info("gups %s: %d threads, table %llu MiB x %d, median %.4f GUP/s, %llu errors",
		ra_variant_name(c->variant), R.n, (unsigned long long)(R.words >> 17), R.ntab,
		gb_median(agg, (size_t)kept), (unsigned long long)errors);
out:
	if (R.team)
		gb_team_destroy(R.team);
	for (int i = 0; i < R.ntab; i++)
		gb_mem_free(&R.buf[i]);
	free(R.buf);
	free(R.tab);
	free(R.t0);
	free(R.t1);
	free(R.errors);
	free(agg);
	free(per);
	gb_progress_done();
	return rc;
}
