/* density.c - the results of gb-startup launch --instances N1,N2,...:
 * start-up and footprint at density (Li et al.'s 100 containers, Agarwal
 * et al.'s guests per host), and how both grow with N.
 *
 * Per N, over the rounds (warm-up batches left out):
 *   ready_nN            ms   every instance's time from its own start until ready,
 *                            with p50/p90/p99/max of all of them
 *   all_ready_nN        ms   the batch's first start until its last instance was ready
 *   pss_nN, private_dirty_nN                KiB  summed over every instance, once all were ready
 *   pss_per_instance_nN, private_dirty_per_instance_nN  KiB  the same / N
 * and, given two N or more, a least-squares line through (N, value) of
 * every batch: all_ready_slope (ms per instance), pss_slope and
 * private_dirty_slope (KiB per instance: what one more instance costs,
 * the shared part split out into the intercept).
 * Metrics are grouped by quantity, one row per N, so the table reads as
 * the growth table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "launch.h"
#include "report.h"
#include "util.h"

int su_instances_parse(const char *s, int *out, char *msg, size_t len)
{
	int n = 0;
	const char *p = s;
	while (*p) {
		char *end;
		if (*p < '0' || *p > '9') {
			snprintf(msg, len, "a comma-separated list of instance counts, e.g. 1,10,50,100");
			return -1;
		}
		long v = strtol(p, &end, 10);
		if (v < 1 || v > SU_INSTANCES_MAX) {
			snprintf(msg, len, "each count from 1 to %d (%ld is not)", SU_INSTANCES_MAX, v);
			return -1;
		}
		if (n == SU_INSTANCES_LIST_MAX) {
			snprintf(msg, len, "at most %d counts", SU_INSTANCES_LIST_MAX);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (out[i] == v) {
				snprintf(msg, len, "each count once (%ld is given twice)", v);
				return -1;
			}
		out[n++] = (int)v;
		p = end;
		if (*p == ',' && p[1])
			p++;
		else if (*p) {
			snprintf(msg, len, "a comma-separated list of instance counts, e.g. 1,10,50,100");
			return -1;
		}
	}
	if (!n)
		snprintf(msg, len, "at least one instance count");
	return n ? n : -1;
}

/* The ready times (ms) into a histogram of nanoseconds. */
static void ready_hist(const double *ms, size_t n, gb_hist *h)
{
	gb_hist_init(h);
	for (size_t i = 0; i < n; i++)
		gb_hist_add(h, (uint64_t)llround(ms[i] * 1e6));
}

void su_ready_pct(const double *ms, size_t n, gb_pct *out)
{
	gb_hist *h = gb_xmalloc(sizeof *h);
	ready_hist(ms, n, h);
	gb_hist_pct(h, out);
	out->p50 *= 1e-6;
	out->p90 *= 1e-6;
	out->p99 *= 1e-6;
	out->p999 *= 1e-6;
	out->max *= 1e-6;
	free(h);
}

int su_fit_line(const double *x, const double *y, size_t n, su_fit *f)
{
	memset(f, 0, sizeof *f);
	f->points = n;
	if (n < 2)
		return -1;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx <= 0)
		return -1;	/* one N only: no slope */
	f->slope = sxy / sxx;
	f->intercept = my - f->slope * mx;
	f->r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1;
	return 0;
}

/* What the report needs of one N, over the kept rounds. */
typedef struct per_n {
	int n;
	double *ready;		/* every ready instance */
	size_t nready;
	double *all, *pss, *dirty;	/* one per batch */
	size_t nall, nmem;
	size_t procs_min;	/* the fewest processes a footprint summed */
	int batches;
	long long inst_status[SU_RS_ERROR + 1];
	unsigned ignored;
} per_n;

static void collect(per_n *q, const su_batch *b)
{
	q->batches++;
	q->ignored += b->ignored;
	for (int i = 0; i < b->n; i++) {
		const su_inst *x = &b->inst[i];
		q->inst_status[x->status]++;
		if (x->status == SU_RS_OK)
			q->ready[q->nready++] = x->ready_ms;
	}
	if (b->nready == b->n && !b->left)
		q->all[q->nall++] = b->all_ready_ms;
	if (b->have_mem) {
		if (!q->nmem || b->mem.procs < q->procs_min)
			q->procs_min = b->mem.procs;
		q->pss[q->nmem] = (double)b->mem.pss_kib;
		q->dirty[q->nmem++] = (double)b->mem.private_dirty_kib;
	}
}

static gb_metric *metric_n(gb_report *r, const char *what, int n, const char *unit, const double *v, size_t k)
{
	char name[96];
	snprintf(name, sizeof name, "%s_n%d", what, n);
	gb_metric *m = gb_report_metric(r, name, unit, GB_LOWER, v, k);
	gb_kv_int(&m->extra, "instances", n);
	return m;
}

static void ready_rows(gb_report *r, const per_n *q, int rounds)
{
	if (!q->nready) {
		char name[64];
		snprintf(name, sizeof name, "ready_n%d", q->n);
		gb_report_unavailable(r, name, 0, "no instance of %d became ready", q->n);
		return;
	}
	gb_metric *m = metric_n(r, "ready", q->n, "ms", q->ready, q->nready);
	gb_hist *h = gb_xmalloc(sizeof *h);
	ready_hist(q->ready, q->nready, h);
	gb_metric_set_pct(m, h, 1e-6);
	free(h);
	gb_kv_int(&m->extra, "rounds", rounds);
	for (int s = 0; s <= SU_RS_ERROR; s++) {
		char key[32];
		snprintf(key, sizeof key, "instances_%s", su_status_word[s]);
		gb_kv_int(&m->extra, key, q->inst_status[s]);
	}
	gb_kv_int(&m->extra, "ignored_datagrams", q->ignored);
	char p90[32], mx[32];
	snprintf(p90, sizeof p90, "%.4g", m->pct.p90);
	snprintf(mx, sizeof mx, "%.4g", m->pct.max);
	gb_metric_note(m, "p90 %s max %s; %zu of %lld ready", p90, mx, q->nready, (long long)q->n * q->batches);
}

/* The footprint of every batch of one N: the total (per 0) or a share. */
static void mem_rows(gb_report *r, const su_launch_cfg *c, const per_n *q, const char *what, const double *v,
		     int per)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s", what, per ? "_per_instance" : "");
	if (!q->nmem) {
		if (!per) {
			char full[80];
			snprintf(full, sizeof full, "%s_n%d", name, q->n);
			gb_report_unavailable(r, full, 0, "no batch of %d measured a footprint", q->n);
		}
		return;
	}
	double *each = gb_xcalloc(q->nmem, sizeof *each);
	for (size_t i = 0; i < q->nmem; i++)
		each[i] = per ? v[i] / q->n : v[i];
	gb_metric *m = metric_n(r, name, q->n, "KiB", each, q->nmem);
	gb_kv_str(&m->extra, "of", c->cgroup ? "cgroup" : "process tree");
	/* fewer than N: some instances had exited (or are one process between them) */
	gb_kv_int(&m->extra, "processes_min", (long long)q->procs_min);
	free(each);
}

/* y against N over every batch that has it; a metric when two N or more. */
static void slope(gb_report *r, const per_n *q, int nn, const char *name, const char *unit, int which)
{
	size_t cap = 0;
	for (int k = 0; k < nn; k++)
		cap += q[k].nall + q[k].nmem;
	double *x = gb_xcalloc(cap + 1, sizeof *x), *y = gb_xcalloc(cap + 1, sizeof *y);
	size_t n = 0;
	for (int k = 0; k < nn; k++) {
		const double *v = which == 0 ? q[k].all : which == 1 ? q[k].pss : q[k].dirty;
		size_t m = which == 0 ? q[k].nall : q[k].nmem;
		for (size_t i = 0; i < m; i++) {
			x[n] = q[k].n;
			y[n++] = v[i];
		}
	}
	su_fit f;
	if (su_fit_line(x, y, n, &f) == 0) {
		gb_metric *m = gb_report_metric(r, name, unit, GB_LOWER, &f.slope, 1);
		gb_kv_num(&m->extra, "intercept", f.intercept);
		gb_kv_num(&m->extra, "r2", f.r2);
		gb_kv_int(&m->extra, "points", (long long)f.points);
		gb_metric_note(m, "least squares over %zu batches: %.4g + %.4g N (r2 %.3f)", f.points, f.intercept,
			       f.slope, f.r2);
	}
	free(x);
	free(y);
}

void su_density_report(gb_report *r, const su_launch_cfg *c, const int *ns, int nn, su_batch *b, int nb,
		       int warmup_batches)
{
	per_n *q = gb_xcalloc((size_t)nn, sizeof *q);
	for (int k = 0; k < nn; k++) {
		size_t cap = (size_t)nb + 1;
		q[k].n = ns[k];
		q[k].ready = gb_xcalloc(cap * (size_t)ns[k], sizeof *q[k].ready);
		q[k].all = gb_xcalloc(cap, sizeof *q[k].all);
		q[k].pss = gb_xcalloc(cap, sizeof *q[k].pss);
		q[k].dirty = gb_xcalloc(cap, sizeof *q[k].dirty);
	}
	for (int i = 0; i < nb; i++) {
		const su_batch *x = &b[i];
		int ok = x->nready == x->n && !x->left;
		if (!ok)
			gb_report_fail(r, "%d instances, round %d%s: %d of %d ready (%s)", x->n, x->round,
				       i < warmup_batches ? " (warm-up)" : "", x->nready, x->n,
				       x->detail[0] ? x->detail : "failed");
		else if (c->footprint && !x->have_mem)
			gb_report_warn(r, "%d instances, round %d: no footprint: %s", x->n, x->round, x->mem_why);
		if (i < warmup_batches)
			continue;
		for (int k = 0; k < nn; k++)
			if (q[k].n == x->n)
				collect(&q[k], x);
	}
	int rounds = nn ? q[0].batches : 0;
	for (int k = 0; k < nn; k++)
		ready_rows(r, &q[k], rounds);
	for (int k = 0; k < nn; k++)
		if (q[k].nall) {
			gb_metric *m = metric_n(r, "all_ready", q[k].n, "ms", q[k].all, q[k].nall);
			gb_metric_note(m, "%zu of %d batches all ready", q[k].nall, q[k].batches);
		}
	for (int per = 0; c->footprint && per < 2; per++) {
		for (int k = 0; k < nn; k++)
			mem_rows(r, c, &q[k], "pss", q[k].pss, per);
		for (int k = 0; k < nn; k++)
			mem_rows(r, c, &q[k], "private_dirty", q[k].dirty, per);
	}
	slope(r, q, nn, "all_ready_slope", "ms/instance", 0);
	if (c->footprint) {
		slope(r, q, nn, "pss_slope", "KiB/instance", 1);
		slope(r, q, nn, "private_dirty_slope", "KiB/instance", 2);
	}
	for (int k = 0; k < nn; k++) {
		free(q[k].ready);
		free(q[k].all);
		free(q[k].pss);
		free(q[k].dirty);
	}
	free(q);
}
