/* latency.c - the dependent-load latency curve (--latency).
 *
 * Working sets from 16 KiB up to --latency-max in x2 steps, each a random
 * cycle of cache lines (chase.h), timed as ns per load.  The curve is
 * measured with the pages of --pages (auto: transparent huge pages) and,
 * unless --pages 4k was asked, again with 4 KiB pages: where the two
 * differ at large sizes is the page walk - in a VM a TLB miss walks the
 * guest's page table and, for every guest level, the host's (EPT/NPT).
 *
 * Metrics: latency_<bytes> (the --pages curve), latency_4k_<bytes>, and
 * the summary: latency_l1/_l2/_llc/_dram read off the curve at sizes
 * inside each level (from the topology), and page_walk_penalty = 4K minus
 * huge at the largest size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chase.h"
#include "clock.h"
#include "format.h"
#include "ra.h"
#include "topo.h"
#include "util.h"

struct curve {
	int npts;
	uint64_t bytes[64];
	double *samples[64];	/* repeat each, NULL when not measured */
	int n[64];
};

/* One working set: build, one validating lap (also the warm-up: every
 * line and page touched), then --warmup + --repeat timed samples. */
static int measure(gb_report *r, const ra_cfg *c, char *base, uint64_t bytes, const char *tag,
		   double *out)
{
	size_t lines = bytes / RA_LINE, lap;
	uint64_t t0, t1, loads;
	void *p = base;
	int kept = 0;

	if (ra_chase_build(base, lines, 0x5eed0000ull + bytes) < 0) {
		gb_report_fail(r, "latency%s_%llu: no memory for the permutation", tag,
			       (unsigned long long)bytes);
		return 0;
	}
	t0 = gb_now_ns();
	lap = ra_chase_lap(base, lines);
	t1 = gb_now_ns();
	if (lap != lines) {
		gb_report_fail(r, "latency%s_%llu: the chase visits %zu of %zu lines before "
			       "returning (must be every line exactly once)", tag,
			       (unsigned long long)bytes, lap, lines);
		return 0;
	}
	/* loads per sample: enough for --min-time at the lap's pace */
	double est = (double)(t1 - t0) / (double)lines;
	loads = (uint64_t)(c->min_time * 1e9 / (est > 0.3 ? est : 0.3));
	loads = (loads < 4096 ? 4096 : loads + 15) & ~15ull;
	for (int i = 0; i < c->warmup + c->repeat; i++) {
		t0 = gb_now_ns();
		p = ra_chase(p, loads);
		t1 = gb_now_ns();
		GB_KEEP(p);
		if (i >= c->warmup)
			out[kept++] = (double)(t1 - t0) / (double)loads;
	}
	return kept;
}

static int curve_run(gb_report *r, const ra_cfg *c, gb_pages pages, struct curve *cv,
		     double *coverage)
{
	char err[512], tag[8] = "";
	gb_buf b;

	if (pages == GB_PAGES_4K && c->lat_4k_too)
		strcpy(tag, "_4k");
	if (gb_mem_alloc(&b, c->lat_max, pages, &c->numa, &r->warnings, err, sizeof err) < 0) {
		gb_err("%s", err);
		return GB_EXIT_ENV;
	}
	memset(cv, 0, sizeof *cv);
	*coverage = -1;
	for (uint64_t bytes = c->lat_min; bytes <= c->lat_max && cv->npts < 64; bytes *= 2) {
		int i = cv->npts++;
		char name[64];

		gb_progress("latency%s: %llu KiB", tag, (unsigned long long)(bytes >> 10));
		cv->bytes[i] = bytes;
		cv->samples[i] = gb_xcalloc((size_t)c->repeat, sizeof(double));
		cv->n[i] = measure(r, c, b.p, bytes, tag, cv->samples[i]);
		if (bytes == c->lat_max)
			*coverage = gb_mem_coverage(&b);
		if (!cv->n[i])
			continue;
		snprintf(name, sizeof name, "latency%s_%llu", tag, (unsigned long long)bytes);
		gb_metric *m = gb_report_metric(r, name, "ns", GB_LOWER, cv->samples[i], (size_t)cv->n[i]);
		gb_kv_int(&m->extra, "bytes", (long long)bytes);
		gb_kv_str(&m->extra, "pages", gb_pages_name(b.used));
		char human[32];
		gb_fmt_bytes(human, sizeof human, bytes);
		gb_metric_note(m, "%s, %s pages", human, gb_pages_name(b.used));
	}
	gb_kv_str(&r->config, pages == GB_PAGES_4K && c->lat_4k_too ? "latency_4k_pages_used" :
		  "latency_pages_used", gb_pages_name(b.used));
	gb_kv_num(&r->config, pages == GB_PAGES_4K && c->lat_4k_too ? "latency_4k_huge_coverage" :
		  "latency_huge_coverage", *coverage);
	gb_mem_free(&b);
	gb_progress_done();
	return 0;
}

/* The largest measured size in (above, upto]: a point inside one level. */
static int point_in(const struct curve *cv, uint64_t above, uint64_t upto)
{
	int best = -1;

	for (int i = 0; i < cv->npts; i++)
		if (cv->n[i] && cv->bytes[i] > above && cv->bytes[i] <= upto)
			best = i;
	return best;
}

static void plateau(gb_report *r, const struct curve *cv, const char *name, const char *level,
		    uint64_t above, uint64_t upto)
{
	int i = point_in(cv, above, upto);
	char human[32];

	if (i < 0) {
		gb_report_unavailable(r, name, 0, "no working set of the curve lies inside the %s "
				      "(between %llu and %llu bytes)", level,
				      (unsigned long long)above, (unsigned long long)upto);
		return;
	}
	gb_metric *m = gb_report_metric(r, name, "ns", GB_LOWER, cv->samples[i], (size_t)cv->n[i]);
	gb_kv_int(&m->extra, "bytes", (long long)cv->bytes[i]);
	gb_fmt_bytes(human, sizeof human, cv->bytes[i]);
	gb_metric_note(m, "%s plateau, at %s", level, human);
}

/*
 * Plateaus at sizes well inside each level: at most half of it (the rest
 * of the level holds the page tables, the code, the other lines of the
 * set), and above the level below.  DRAM: the largest size, when it is at
 * least 4 x the LLC.
 */
static void summary(gb_report *r, const ra_cfg *c, const struct curve *huge,
		    const struct curve *small)
{
	const gb_topo *t = gb_topo_get();
	uint64_t llc = t->llc_level == 3 ? t->l3 : t->l2;

	if (t->l1d)
		plateau(r, huge, "latency_l1", "L1d", 0, t->l1d / 2);
	if (t->l2 && t->l1d)
		plateau(r, huge, "latency_l2", "L2", t->l1d, t->l2 / 2);
	if (t->llc_level == 3 && t->l3 && t->l2)
		plateau(r, huge, "latency_llc", "L3", t->l2, t->l3 / 2);
	if (llc && c->lat_max >= 4 * llc)
		plateau(r, huge, "latency_dram", "DRAM", 4 * llc - 1, UINT64_MAX);
	else
		gb_report_unavailable(r, "latency_dram", 0, "the largest working set (%llu bytes) "
				      "is not at least 4 x the LLC (%llu bytes): --latency-max",
				      (unsigned long long)c->lat_max, (unsigned long long)llc);

	if (!small) {
		gb_report_unavailable(r, "page_walk_penalty", 0, "--pages 4k: no huge-page curve "
				      "to compare with");
		return;
	}
	int i = huge->npts - 1;
	if (i < 0 || !huge->n[i] || !small->n[i]) {
		gb_report_unavailable(r, "page_walk_penalty", 0, "the largest size was not measured");
		return;
	}
	int n = huge->n[i] < small->n[i] ? huge->n[i] : small->n[i];
	double *d = gb_xcalloc((size_t)n, sizeof *d);
	for (int k = 0; k < n; k++)
		d[k] = small->samples[i][k] - huge->samples[i][k];
	gb_metric *m = gb_report_metric(r, "page_walk_penalty", "ns", GB_LOWER, d, (size_t)n);
	double hm = gb_median(huge->samples[i], (size_t)huge->n[i]);
	gb_kv_int(&m->extra, "bytes", (long long)huge->bytes[i]);
	gb_kv_num(&m->extra, "pct_of_huge", hm > 0 ? 100 * m->st.median / hm : 0);
	char human[32];
	gb_fmt_bytes(human, sizeof human, huge->bytes[i]);
	gb_metric_note(m, "4K minus huge pages at %s", human);
	if (huge->bytes[i] < (1ull << 30))
		gb_report_warn(r, "page_walk_penalty at %s: below 1 GiB the TLB reach of 4 KiB pages "
			       "may still hide the walk; use --latency-max 4G", human);
	free(d);
}

int ra_latency_run(gb_report *r, const ra_cfg *c)
{
	struct curve *huge = gb_xcalloc(1, sizeof *huge), *small = NULL;
	double cov = -1, cov4 = -1;
	int rc;

	rc = curve_run(r, c, c->pages, huge, &cov);
	if (!rc && c->lat_4k_too) {
		small = gb_xcalloc(1, sizeof *small);
		rc = curve_run(r, c, GB_PAGES_4K, small, &cov4);
	}
	if (!rc) {
		if (c->lat_4k_too && cov >= 0 && cov < 0.9)
			gb_report_warn(r, "latency: only %.0f%% of the largest working set is on huge "
				       "pages: page_walk_penalty understates the walk", cov * 100);
		summary(r, c, huge, small);
	}
	for (int i = 0; i < 64; i++) {
		free(huge->samples[i]);
		if (small)
			free(small->samples[i]);
	}
	free(huge);
	free(small);
	return rc;
}
