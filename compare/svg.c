/* svg.c - `--svg FILE`: the comparison as small multiples, like the
 * studies' figures.
 *
 * One panel per benchmark, wrapping into two columns (each panel goes to
 * the shorter one); in a panel one row per metric, the metric's name on
 * the left, its estimate and interval on a log axis, and its verdict and
 * ratio written on the right, so the chart reads without
 * the table and in grey when printed.  Every metric is oriented the same
 * way: the axis is the cost relative to the base (other/base for times,
 * base/other for rates), so right of 1 is always worse and "2x slower"
 * lies as far from 1 as "2x faster" (each panel scaled to its benchmark,
 * at most 4x each way).  The equivalence band (+-margin) is
 * shaded; a mark is filled when its verdict is a claim (faster, slower,
 * equivalent) and hollow when it is not (inconclusive, too few launches,
 * one run each).  Several other environments share a row, one mark shape
 * each.  Sized for A4: 900 px wide, 11-12 px text (6.2-6.8 pt printed
 * 180 mm wide).  A standalone SVG 1.1 file: no scripts, fonts or images
 * from elsewhere. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ layout -- */

#define W 900.0			/* whole figure */
#define MARGIN 16.0		/* around it */
#define COL_GAP 24.0		/* between the two columns of panels */
#define LABEL_W 142.0		/* metric names */
#define VERDICT_W 122.0		/* verdict and delta */
#define LABEL_CHARS 21		/* what fits in LABEL_W at 12 px */
#define PANEL_HEAD 22.0		/* the benchmark's name */
#define AXIS_H 26.0		/* ticks and their numbers */
#define PANEL_GAP 14.0		/* between panels in a column */
#define SUB_H 12.0		/* one environment's line in a row */
#define ROW_PAD 6.0

static const struct {
	const char *colour;
	int filled;
} look[] = {
	[CMP_EQUIVALENT] = { "#1b7837", 1 },
	[CMP_FASTER] = { "#2166ac", 1 },
	[CMP_SLOWER] = { "#b2182b", 1 },
	[CMP_INCONCLUSIVE] = { "#555555", 0 },
	[CMP_TOO_FEW] = { "#999999", 0 },
	[CMP_ONE_EACH] = { "#999999", 0 },
};

static void xml_char(FILE *f, const char *s, size_t n)
{
	switch (*s) {
	case '&': fputs("&amp;", f); return;
	case '<': fputs("&lt;", f); return;
	case '>': fputs("&gt;", f); return;
	case '"': fputs("&quot;", f); return;
	case '\'': fputs("&apos;", f); return;
	}
	/* control characters and U+FFFE/U+FFFF (EF BF BE/BF) are not
	 * characters of XML 1.0: a blank instead */
	if ((unsigned char)*s < 0x20 || (n == 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbf &&
					  (unsigned char)s[2] >= 0xbe))
		fputc(' ', f);
	else
		fwrite(s, 1, n, f);
}

/* s escaped for XML, at most maxc characters (then an ellipsis); 0 = all. */
static void xml(FILE *f, const char *s, size_t maxc)
{
	size_t chars = 0;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (strnlen(s, n) < n)
			break;
		if (maxc && ++chars > maxc) {
			fputs("&#8230;", f);
			return;
		}
		xml_char(f, s, n);
		s += n;
	}
}

/* ------------------------------------------------------------- model -- */

typedef struct row {			/* one metric of the base: its pairs in each side */
	const cmp_pair **p;		/* nside entries, NULL where not paired */
} row;

typedef struct panel {			/* one benchmark */
	const char *bench;
	row *rows;
	size_t nrows;
	double x, y, w, h;
} panel;

/* A value oriented as a cost: > 1 is worse whatever the metric's better. */
static double cost(const cmp_pair *p, double v)
{
	return p->b->lower ? v : 1 / v;
}

typedef struct axis {
	double r;			/* the axis spans [e^-r, e^r] */
	double x0, w;			/* plot area within a panel (relative) */
} axis;

static double ax_x(const axis *a, double v)
{
	double l = log(v);
	if (l < -a->r)
		l = -a->r;
	if (l > a->r)
		l = a->r;
	return a->x0 + (l + a->r) / (2 * a->r) * a->w;
}

/* Ticks: 1 and values spreading out from it, each at least 'gap' px from
 * the previous one on its side; mirrored pairs (0.8 and 1.25, 0.5 and 2)
 * so the two sides read alike. */
static const struct {
	double v;
	const char *label;
} tick_up[] = { { 1.02, "1.02" }, { 1.05, "1.05" }, { 1.1, "1.1" }, { 1.25, "1.25" }, { 1.5, "1.5" },
		{ 2, "2" }, { 4, "4" } },
  tick_down[] = { { 1 / 1.02, "0.98" }, { 1 / 1.05, "0.95" }, { 1 / 1.1, "0.91" }, { 0.8, "0.8" },
		  { 1 / 1.5, "0.67" }, { 0.5, "0.5" }, { 0.25, "0.25" } };
#define NTICK (sizeof tick_up / sizeof *tick_up)

static size_t ticks(const axis *a, double gap, double *t, const char **label)
{
	size_t n = 0;
	t[n] = 1;
	label[n++] = "1";
	double last = ax_x(a, 1);
	for (size_t i = 0; i < NTICK && log(tick_up[i].v) <= a->r + 1e-12; i++)
		if (ax_x(a, tick_up[i].v) - last >= gap) {
			last = ax_x(a, t[n] = tick_up[i].v);
			label[n++] = tick_up[i].label;
		}
	last = ax_x(a, 1);
	for (size_t i = 0; i < NTICK && -log(tick_down[i].v) <= a->r + 1e-12; i++)
		if (last - ax_x(a, tick_down[i].v) >= gap) {
			last = ax_x(a, t[n] = tick_down[i].v);
			label[n++] = tick_down[i].label;
		}
	return n;
}

/* The pair of the base series of rank 'key' in side s, or NULL: pairs are
 * in key order, so one cursor per side walks them once (no search). */
static const cmp_pair *at(const cmp_side *s, size_t *cur, size_t key)
{
	while (*cur < s->np && s->p[*cur].key < key)
		(*cur)++;
	return *cur < s->np && s->p[*cur].key == key ? &s->p[*cur] : NULL;
}

/* Rows of metrics paired in at least one side, grouped into panels by
 * benchmark in order of first appearance. */
static panel *build(const cmp_result *r, size_t *npanel, const cmp_pair ***store)
{
	size_t ns = r->nside, nser = r->bindex.nseries;
	size_t *cur = gb_xcalloc(ns + 1, sizeof *cur);
	const cmp_pair **all = gb_xcalloc((nser + 1) * (ns + 1), sizeof *all);
	row *rows = gb_xcalloc(nser + 1, sizeof *rows);
	const char **bench = gb_xcalloc(nser + 1, sizeof *bench);
	size_t nrows = 0;
	for (size_t i = 0; i < nser; i++) {
		const cmp_pair **p = all + nrows * ns;
		int any = 0;
		for (size_t s = 0; s < ns; s++)
			any |= (p[s] = at(&r->side[s], &cur[s], i)) != NULL;
		if (!any)
			continue;
		rows[nrows].p = p;
		bench[nrows++] = r->bindex.order[i]->bench;
	}
	free(cur);
	/* panels: the first appearance of each bench, then its rows in order */
	panel *pan = gb_xcalloc(nrows + 1, sizeof *pan);
	size_t np = 0;
	const cmp_index *x = &r->bindex;
	size_t *slot = gb_xcalloc(x->nbench + 1, sizeof *slot);	/* bench index -> panel + 1 */
	row *sorted = gb_xcalloc(nrows + 1, sizeof *sorted);
	size_t *count = gb_xcalloc(x->nbench + 1, sizeof *count);
	for (size_t i = 0; i < nrows; i++) {
		size_t b = (size_t)(cmp_index_bench(x, bench[i]) - x->bench);
		if (!slot[b]) {
			slot[b] = ++np;
			pan[np - 1].bench = bench[i];
		}
		count[slot[b] - 1]++;
	}
	size_t off = 0;
	for (size_t k = 0; k < np; k++) {
		pan[k].rows = sorted + off;
		off += count[k];
	}
	for (size_t i = 0; i < nrows; i++) {
		panel *p = &pan[slot[cmp_index_bench(x, bench[i]) - x->bench] - 1];
		p->rows[p->nrows++] = rows[i];
	}
	free(slot);
	free(count);
	free(rows);
	free(bench);
	*store = all;
	*npanel = np;
	if (!np)
		free(sorted);
	return pan;
}

/* A panel's axis: symmetric on the log scale, wide enough for every
 * finite interval of its benchmark (and twice the margin), at most 4x
 * each way: beyond, marks are clipped with their value written.  Each
 * panel has its own, so one 30x outlier (cpuid in a VM) does not squash
 * the 5% effects of the other benchmarks to a pixel. */
static double range(const cmp_result *r, const panel *pn)
{
	double m = log(1 + r->margin) * 2.2;
	if (m < log(1.1))
		m = log(1.1);
	for (size_t i = 0; i < pn->nrows; i++)
		for (size_t s = 0; s < r->nside; s++) {
			const cmp_pair *p = pn->rows[i].p[s];
			if (!p)
				continue;
			double v[3] = { p->ratio, p->ci_lo, p->ci_hi };
			for (int k = 0; k < 3; k++)
				if (isfinite(v[k]) && v[k] > 0 && fabs(log(v[k])) > m)
					m = fabs(log(v[k]));
		}
	m *= 1.06;
	return m > log(4) ? log(4) : m;
}

/* ------------------------------------------------------------- marks -- */

static void mark(FILE *f, int shape, double x, double y, const char *colour, int filled)
{
	const char *fill = filled ? colour : "white";
	switch (shape % 4) {
	case 0:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.6\"", x, y);
		break;
	case 1:
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\"", x - 3.5, y - 3.5);
		break;
	case 2:
		fprintf(f, "<path d=\"M%.1f %.1fl4 7h-8z\"", x, y - 4.2);
		break;
	default:
		fprintf(f, "<path d=\"M%.1f %.1fl4.3 4.3l-4.3 4.3l-4.3 -4.3z\"", x, y - 4.3);
	}
	fprintf(f, " fill=\"%s\" stroke=\"%s\" stroke-width=\"1.4\"/>\n", fill, colour);
}

/* One environment's line of a row: interval, estimate, verdict. */
static void line(FILE *f, const axis *a, double px, double y, const cmp_pair *p, int shape, const char *env)
{
	const char *colour = look[p->verdict].colour;
	double lo = cost(p, p->ci_lo), hi = cost(p, p->ci_hi), v = cost(p, p->ratio);
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	fprintf(f, "<g><title>");
	xml(f, env, 0);
	fprintf(f, ": ");
	xml(f, p->b->name, 0);
	fprintf(f, " (");
	xml(f, p->b->unit, 0);
	fprintf(f, ", %s better): ratio %.4g, interval [%.4g, %.4g], %s, %zu/%zu launches: %s</title>\n",
		p->b->lower ? "lower" : "higher", p->ratio, p->ci_lo, p->ci_hi, cmp_design_name(p->design), p->lb.k,
		p->lo.k, cmp_verdict_name(p->verdict));
	if (isfinite(lo) && isfinite(hi) && lo > 0) {
		double x1 = px + ax_x(a, lo), x2 = px + ax_x(a, hi);
		fprintf(f, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fv6M%.1f %.1fv6\" stroke=\"%s\" stroke-width=\"1.4\" "
			"fill=\"none\"/>\n", x1, y, x2, x1, y - 3, x2, y - 3, colour);
		if (log(hi) > a->r)	/* clipped: how far it goes */
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"end\" fill=\"%s\">"
				"&#8594;%.3g</text>\n", px + a->x0 + a->w - 2, y - 4, colour, hi);
		if (log(lo) < -a->r)
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"%s\">%.3g&#8592;</text>\n",
				px + a->x0 + 2, y - 4, colour, lo);
	}
	if (isfinite(v) && v > 0)
		mark(f, shape, px + ax_x(a, v), y, colour, look[p->verdict].filled);
	/* the ratio of the values themselves, as in the table: "slower x0.70"
	 * for a bandwidth reads right, where a delta of -30 % beside
	 * "slower" would look like a contradiction */
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">%s", px + a->x0 + a->w + 8, y + 4,
		colour, cmp_verdict_short(p->verdict));
	if (isfinite(p->ratio))
		fprintf(f, p->ratio < 9.995 ? " &#215;%.3f" : " &#215;%.1f", p->ratio);
	fprintf(f, "</text></g>\n");
}

static void draw_panel(FILE *f, const cmp_result *r, const panel *pn, const axis *shape, double row_h)
{
	axis ax = *shape, *a = &ax;
	ax.r = range(r, pn);
	double px = pn->x, py = pn->y, top = py + PANEL_HEAD, bot = top + (double)pn->nrows * row_h;
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">", px, py + 14);
	xml(f, pn->bench, 40);
	fprintf(f, "</text>\n");
	/* the equivalence band and the line at 1 */
	double b1 = px + ax_x(a, 1 / (1 + r->margin)), b2 = px + ax_x(a, 1 + r->margin);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d9f0d3\"/>\n", b1, top,
		b2 - b1, bot - top);
	/* zebra rows help the eye from name to mark */
	for (size_t i = 0; i < pn->nrows; i += 2)
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#000000\" "
			"fill-opacity=\"0.04\"/>\n", px, top + (double)i * row_h, pn->w, row_h);
	double t[2 * NTICK + 1];
	const char *tl[2 * NTICK + 1];
	size_t nt = ticks(a, 30, t, tl);
	for (size_t i = 0; i < nt; i++) {
		double x = px + ax_x(a, t[i]);
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n", x, x, top, bot + 3,
			t[i] == 1 ? "#000000" : "#bbbbbb", t[i] == 1 ? "" : " stroke-dasharray=\"2 2\"");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n", x,
			bot + 14, tl[i]);
	}
	fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\"/>\n", px + a->x0,
		px + a->x0 + a->w, bot, bot);
	for (size_t i = 0; i < pn->nrows; i++) {
		const row *rw = &pn->rows[i];
		const cmp_pair *any = NULL;
		for (size_t s = 0; s < r->nside && !any; s++)
			any = rw->p[s];
		double y0 = top + (double)i * row_h;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", px + 2, y0 + row_h / 2 + 4);
		xml(f, any->b->name, LABEL_CHARS);
		fprintf(f, "</text>\n");
		for (size_t s = 0; s < r->nside; s++)
			if (rw->p[s])
				line(f, a, px, y0 + ROW_PAD / 2 + SUB_H * ((double)s + 0.5), rw->p[s], (int)s,
				     r->side[s].env->label);
	}
}

/* What the intervals are, for the subtitle. */
static const char *designs(const cmp_result *r)
{
	size_t n[4] = { 0 }, total = 0;
	for (size_t s = 0; s < r->nside; s++)
		for (size_t i = 0; i < r->side[s].np; i++, total++)
			n[r->side[s].p[i].design]++;
	if (total && n[CMP_DESIGN_PAIRED] == total)
		return "launches paired by round";
	if (total && n[CMP_DESIGN_ONE_EACH] == total)
		return "ONE RUN EACH: within-run intervals, host drift not measured";
	if (total && n[CMP_DESIGN_UNPAIRED] == total)
		return "launch means, unpaired";
	return "mixed designs (see the table)";
}

int cmp_svg(const cmp_result *r, FILE *f)
{
	size_t npan;
	const cmp_pair **store;
	panel *pan = build(r, &npan, &store);
	int ncol = npan >= 2 ? 2 : 1;
	double pw = (W - 2 * MARGIN - (ncol - 1) * COL_GAP) / ncol;
	axis a = { 0, LABEL_W, pw - LABEL_W - VERDICT_W };	/* each panel sets its range */
	double row_h = ROW_PAD + SUB_H * (double)(r->nside ? r->nside : 1);

	/* the header: title, subtitle, legend */
	double head = 86 + (r->nside > 1 ? 16 : 0);
	double colh[2] = { head, head };
	for (size_t i = 0; i < npan; i++) {
		int c = ncol == 2 && colh[1] < colh[0] ? 1 : 0;
		pan[i].x = MARGIN + c * (pw + COL_GAP);
		pan[i].y = colh[c];
		pan[i].w = pw;
		pan[i].h = PANEL_HEAD + (double)pan[i].nrows * row_h + AXIS_H;
		colh[c] += pan[i].h + PANEL_GAP;
	}
	double height = (colh[0] > colh[1] ? colh[0] : colh[1]) + 10;
	if (!npan)
		height = head + 40;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n", W, height, W, height);
	fprintf(f, "<title>guestbench: relative to ");
	xml(f, r->base->label, 0);
	fprintf(f, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", MARGIN);
	for (size_t s = 0; s < r->nside; s++) {
		if (s)
			fputs(", ", f);
		xml(f, r->side[s].env->label, 40);
	}
	fprintf(f, " vs ");
	xml(f, r->base->label, 40);
	fprintf(f, " (base): cost per metric, %g%% interval</text>\n", 100 * (1 - r->alpha));
	fprintf(f, "<text x=\"%.0f\" y=\"40\" font-size=\"11\">Log axis: other/base for times, base/other for "
		"rates, so right of 1 is slower (more time, less throughput) and 2x slower lies as far out as 2x "
		"faster.</text>\n", MARGIN);
	fprintf(f, "<text x=\"%.0f\" y=\"55\" font-size=\"11\">Each panel has its own scale. Shaded: equivalent "
		"within &#177;%g%%. Intervals: ",
		MARGIN, 100 * r->margin);
	xml(f, designs(r), 0);
	fprintf(f, ".</text>\n");
	/* the verdicts' marks */
	static const cmp_verdict order[] = { CMP_SLOWER, CMP_FASTER, CMP_EQUIVALENT, CMP_INCONCLUSIVE, CMP_TOO_FEW,
					     CMP_ONE_EACH };
	double lx = MARGIN;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		mark(f, 0, lx + 5, 72, look[order[i]].colour, look[order[i]].filled);
		const char *n = cmp_verdict_short(order[i]);
		fprintf(f, "<text x=\"%.1f\" y=\"76\" font-size=\"11\" fill=\"%s\">%s</text>\n", lx + 13,
			look[order[i]].colour, n);
		lx += 13 + 6.2 * (double)strlen(n) + 16;
	}
	if (r->nside > 1) {
		lx = MARGIN;
		for (size_t s = 0; s < r->nside; s++) {
			mark(f, (int)s, lx + 5, 89, "#333333", 1);
			fprintf(f, "<text x=\"%.1f\" y=\"93\" font-size=\"11\">", lx + 13);
			xml(f, r->side[s].env->label, 24);
			fprintf(f, "</text>\n");
			size_t len = strlen(r->side[s].env->label);
			lx += 13 + 6.2 * (double)(len > 24 ? 25 : len) + 16;
		}
	}
	for (size_t i = 0; i < npan; i++)
		draw_panel(f, r, &pan[i], &a, row_h);
	if (!npan)
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">no metric in common</text>\n", MARGIN, head + 20);
	fprintf(f, "</svg>\n");
	if (npan)
		free(pan[0].rows);
	free(pan);
	free(store);
	return 0;
}
