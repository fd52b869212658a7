/* svg.c - `--svg FILE`: the comparison as grouped bars, like the studies'
 * figures.  One group per metric, one bar per environment, every value
 * divided by the base's (the base bar is 1.0), error bars from the 95%
 * interval (Fieller's for the others, the t interval of the mean for the
 * base).  Each group says its unit and which way is better, so the chart
 * reads without the table.  A standalone SVG 1.1 file: no scripts, fonts
 * or images from elsewhere. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const colours[] = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
				       "#b07aa1", "#ff9da7" };
#define NCOLOURS (sizeof colours / sizeof colours[0])

static void xml(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* control characters and U+FFFE/U+FFFF (EF BF BE/BF) are
			 * not characters of XML 1.0: a blank instead */
			if ((unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbf &&
			    ((unsigned char)s[2] == 0xbe || (unsigned char)s[2] == 0xbf)) {
				fputc(' ', f);
				s += 2;
			} else {
				fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
			}
		}
}

/* The pair of the base series of rank 'key' in side s, or NULL: pairs are
 * in key order, so one cursor per side walks them once (no search). */
static const cmp_pair *at(const cmp_side *s, size_t *cur, size_t key)
{
	while (*cur < s->np && s->p[*cur].key < key)
		(*cur)++;
	return *cur < s->np && s->p[*cur].key == key ? &s->p[*cur] : NULL;
}

/* Relative half-width of the base's 95% interval of the mean. */
static double base_half(const cmp_metric *m, double alpha)
{
	if (m->n < 2 || m->mean == 0)
		return NAN;
	double mean, var;
	gb_mean_var(m->samples, m->n, &mean, &var);
	double sd = sqrt(var);
	return gb_t_quantile2(alpha, (double)(m->n - 1)) * sd / sqrt((double)m->n) / fabs(m->mean);
}

/* Average advance of a character at font-size 11 in a sans-serif face. */
#define LABEL_W 6.3

/* Characters of a group label: "bench/metric (unit, lower better)". */
static size_t label_len(const cmp_run *br, const cmp_metric *m)
{
	return strlen(br->bench) + 1 + strlen(m->name) + 2 + strlen(m->unit) + 2 + strlen("higher better)");
}

int cmp_svg(const cmp_result *r, FILE *f)
{
	const cmp_env *base = r->base;
	size_t nbars = r->nside + 1, ngroups = 0, longest = 0;
	double ymax = 1.2;

	/* groups: base metrics paired in the first other environment */
	size_t *cur = gb_xcalloc(r->nside + 1, sizeof *cur);
	for (size_t i = 0; i < r->bindex.nseries; i++)
		for (size_t s = 0; s < r->nside; s++) {
			const cmp_pair *p = at(&r->side[s], &cur[s], i);
			if (!p)
				continue;
			double top = isfinite(p->ci_hi) ? p->ci_hi : p->ratio;
			if (isfinite(top) && top > ymax)
				ymax = top;
			if (s == 0) {
				ngroups++;
				size_t len = label_len(p->brun, p->b);
				if (len > longest)
					longest = len;
			}
		}
	memset(cur, 0, (r->nside + 1) * sizeof *cur);
	/* a VM exit can cost 50x: beyond 4x bars are clipped and labelled */
	const double clip = 4;
	if (ymax > clip)
		ymax = clip;
	double step = ymax <= 1.5 ? 0.25 : ymax <= 3 ? 0.5 : 1;
	ymax = ceil(ymax / step) * step;

	/* The group labels are rotated 45 degrees and end under their group:
	 * the longest one reaches LABEL_W * len / sqrt(2) down and as far to
	 * the left, so the margins are sized from it (the first group's label
	 * must not run off the left edge either). */
	const double bw = 14, gap = 22, top = 70, plot_h = 300;
	double gw = (double)nbars * bw + gap;
	double reach = LABEL_W * (double)longest * M_SQRT1_2;
	double bottom = 40 + reach;
	double left = 70;
	if (reach - gw / 2 + 10 > left)
		left = reach - gw / 2 + 10;
	double width = left + (double)(ngroups ? ngroups : 1) * gw + 40;
	if (width < 520)
		width = 520;
	double height = top + plot_h + bottom;
#define Y(v) (top + plot_h - (v) / ymax * plot_h)

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
		width, height, width, height);
	fprintf(f, "<title>guestbench: ");
	xml(f, base->label);
	fprintf(f, " = 1.0</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Relative to ", left);
	xml(f, base->label);
	fprintf(f, " (= 1.0), mean with 95%% confidence interval</text>\n");

	/* legend */
	double lx = left;
	for (size_t b = 0; b < nbars; b++) {
		const char *label = b ? r->side[b - 1].env->label : base->label;
		fprintf(f, "<rect x=\"%.0f\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"44\">", lx, colours[b % NCOLOURS], lx + 16);
		xml(f, label);
		fprintf(f, "%s</text>\n", b ? "" : " (base)");
		lx += 16 + 7.0 * (double)(strlen(label) + (b ? 0 : 7)) + 18;
	}

	/* axis with grid lines */
	for (double v = 0; v <= ymax + 1e-9; v += step) {
		fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.2g</text>\n",
			left, width - 20, Y(v), Y(v), v == 0 ? "black" : "#dddddd", left - 6, Y(v) + 4, v);
	}
	fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\" "
		"stroke-dasharray=\"4 3\"/>\n", left, width - 20, Y(1.0), Y(1.0));
	fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", left, left, top,
		top + plot_h);
	fprintf(f, "<text transform=\"translate(%.0f,%.0f) rotate(-90)\" text-anchor=\"middle\">value / ",
		left - 40, top + plot_h / 2);
	xml(f, base->label);
	fprintf(f, "</text>\n");

	size_t g = 0;
	for (size_t i = 0; i < r->bindex.nseries; i++) {
			const cmp_pair *first = r->nside ? at(&r->side[0], &cur[0], i) : NULL;
			if (!first)
				continue;
			const cmp_run *br = first->brun;
			const cmp_metric *m = first->b;
			double x0 = left + (double)g * gw + gap / 2;
			for (size_t b = 0; b < nbars; b++) {
				double v, lo, hi;
				const cmp_pair *p = b ? at(&r->side[b - 1], &cur[b - 1], i) : NULL;
				if (b == 0) {
					double h = base_half(m, r->alpha);
					v = 1, lo = 1 - h, hi = 1 + h;
				} else if (p) {
					v = p->ratio, lo = p->ci_lo, hi = p->ci_hi;
				} else {
					continue;
				}
				if (!isfinite(v))
					continue;
				double x = x0 + (double)b * bw, shown = v > ymax ? ymax : v < 0 ? 0 : v;
				fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\">"
					"<title>", x, Y(shown), bw - 2, Y(0) - Y(shown), colours[b % NCOLOURS]);
				xml(f, b ? r->side[b - 1].env->label : base->label);
				fprintf(f, ": %.3f</title></rect>\n", v);
				if (v > ymax)	/* clipped: say how far it goes */
					fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\">"
						"%.3g&#215;</text>\n", x + bw / 2 - 1, Y(ymax) - 3, v);
				if (isfinite(lo) && isfinite(hi) && lo < ymax) {
					double cx = x + bw / 2 - 1, yl = Y(lo < 0 ? 0 : lo), yh = Y(hi > ymax ? ymax : hi);
					fprintf(f, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" "
						"stroke=\"black\" fill=\"none\"/>\n", cx, yl, yh, cx - 3, yl, cx + 3, cx - 3,
						yh, cx + 3);
				}
			}
			/* group label, rotated so long metric names fit */
			double lxg = x0 + (double)nbars * bw / 2;
			fprintf(f, "<text transform=\"translate(%.1f,%.0f) rotate(-45)\" text-anchor=\"end\">",
				lxg, top + plot_h + 14);
			xml(f, br->bench);
			fputc('/', f);
			xml(f, m->name);
			fprintf(f, " (");
			xml(f, m->unit);
			fprintf(f, ", %s better)</text>\n", m->lower ? "lower" : "higher");
			g++;
		}
	free(cur);
	if (!ngroups)
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">no metric in common</text>\n", left + 10, top + plot_h / 2);
	fprintf(f, "</svg>\n");
#undef Y
	return 0;
}
