/* render.c - the comparison as a table, Markdown, CSV, JSON
 * (schema guestbench-compare/1, docs/compare.md) or JSON Lines.
 *
 * Table and Markdown are printed a row at a time, twice (once to size the
 * columns to their widest cell, once to print), so nothing grows with the
 * number of metrics; the notes follow the rows - launches that failed or
 * were disturbed, missing metrics, configuration and fingerprint
 * differences - because a ratio is only as good as what was held equal.
 * Each row carries the spread within a launch beside the spread between
 * launches, so a reader sees which one the verdict had to overcome. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "util.h"

#define NCOL 13
#define CELL 600	/* a name is at most CMP_MAX_NAME bytes, escaped at most twice that */

static void fmt_p(char *buf, size_t size, double p)
{
	if (isnan(p))
		snprintf(buf, size, "-");
	else if (p < 0.001)
		snprintf(buf, size, "<0.001");
	else
		snprintf(buf, size, "%.3f", p);
}

static void fmt_ci(char *buf, size_t size, const cmp_pair *p)
{
	if (isnan(p->ci_lo))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "[%.3f, %.3f]", p->ci_lo, p->ci_hi);
}

static void fmt_pct(char *buf, size_t size, double v)
{
	if (!isfinite(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, v < 0.1 ? "%.1f%%" : "%.0f%%", v * 100);
}

/* "within/between" coefficients of variation of one side. */
static void fmt_spread(char *buf, size_t size, const cmp_launches *l)
{
	char w[32], b[32];
	fmt_pct(w, sizeof w, l->cv_within);
	fmt_pct(b, sizeof b, l->cv_between);
	snprintf(buf, size, "%s/%s", w, b);
}

static void fmt_launches(char *buf, size_t size, const cmp_pair *p)
{
	if (p->design == CMP_DESIGN_PAIRED)
		snprintf(buf, size, "%zu/%zu, %zu paired", p->lb.k, p->lo.k, p->npaired);
	else
		snprintf(buf, size, "%zu/%zu", p->lb.k, p->lo.k);
}

static void fmt_verdict(char *buf, size_t size, const cmp_pair *p)
{
	if (p->verdict == CMP_ONE_EACH)
		snprintf(buf, size, "one run each (within run: %s)%s", p->within,
			 p->mismatch ? " (config differs!)" : "");
	else
		snprintf(buf, size, "%s%s", cmp_verdict_name(p->verdict), p->mismatch ? " (config differs!)" : "");
}

/* The cells of one pair, in column order; names made safe (text.c). */
static void cells(const cmp_pair *p, char c[NCOL][CELL], int md)
{
	cmp_clip(c[0], CELL, p->brun->bench, md);
	cmp_clip(c[1], CELL, p->b->name, md);
	cmp_clip(c[2], CELL - 16, p->b->unit, md);
	strcat(c[2], p->b->lower ? " (lower)" : " (higher)");
	gb_fmt_num(c[3], CELL, p->lb.grand);
	gb_fmt_num(c[4], CELL, p->lo.grand);
	snprintf(c[5], CELL, isfinite(p->ratio) ? "%.3f" : "-", p->ratio);
	snprintf(c[6], CELL, isfinite(p->delta_pct) ? "%+.1f%%" : "-", p->delta_pct);
	fmt_ci(c[7], CELL, p);
	fmt_p(c[8], CELL, p->welch.p);
	fmt_launches(c[9], CELL, p);
	fmt_spread(c[10], CELL, &p->lb);
	fmt_spread(c[11], CELL, &p->lo);
	fmt_verdict(c[12], CELL, p);
}

/* Lines that hold names and reasons from the documents: made safe, and
 * no longer than a screenful. */
#define LINE_MAX_TEXT 2048

static void list(FILE *f, const char *title, const char *label, const gb_strlist *l, int md)
{
	if (!l->n)
		return;
	fprintf(f, "\n%s", title);
	if (label) {
		fputc(' ', f);
		cmp_put(f, label, CMP_MAX_NAME, md);
	}
	fprintf(f, " (%zu):\n", l->n);
	for (size_t i = 0; i < l->n; i++) {
		fputs(md ? "- " : "  ", f);
		cmp_put(f, l->v[i], LINE_MAX_TEXT, md);
		fputc('\n', f);
	}
}

static void notes(const cmp_side *s, FILE *f, int md)
{
	list(f, "missing in", s->env->label, &s->missing, md);
	list(f, "only in", s->env->label, &s->extra, md);
	list(f, "fingerprint differences", NULL, &s->fpwarn, md);
}

/* Per environment: its failed launches, its disturbed runs and what
 * --drop-disturbed did with them. */
static void launch_notes(const cmp_env *e, FILE *f, int md)
{
	list(f, "failed launches of", e->label, &e->failed, md);
	if (e->disturbed.n)
		list(f, e->dropped ? "disturbed runs (dropped) of" : "disturbed runs (kept; --drop-disturbed leaves "
			"them out) of", e->label, &e->disturbed, md);
}

static size_t count(const cmp_side *s, cmp_verdict v)
{
	size_t n = 0;
	for (size_t i = 0; i < s->np; i++)
		n += s->p[i].verdict == v;
	return n;
}

static void summary(const cmp_side *s, FILE *f)
{
	fprintf(f, "\n%zu metrics paired: %zu faster, %zu slower, %zu equivalent, %zu inconclusive, %zu too few "
		"launches", s->np, count(s, CMP_FASTER), count(s, CMP_SLOWER), count(s, CMP_EQUIVALENT),
		count(s, CMP_INCONCLUSIVE), count(s, CMP_TOO_FEW));
	size_t one = count(s, CMP_ONE_EACH);
	if (one)
		fprintf(f, ", %zu one run each (host drift not measured)", one);
	fprintf(f, "; %zu missing\n", s->missing.n);
}

static void text_side(const cmp_result *r, const cmp_side *s, FILE *f, int md)
{
	char head[NCOL][CELL], sb[CELL + 32], so[CELL + 32];
	snprintf(sb, sizeof sb, "cv w/b %s", r->base->label);
	snprintf(so, sizeof so, "cv w/b %s", s->env->label);
	char ci[40];
	snprintf(ci, sizeof ci, "%g%% CI of ratio", 100 * (1 - r->alpha));
	const char *h[NCOL] = { "bench", "metric", "unit", r->base->label, s->env->label, "ratio", "delta", ci,
				"p", "launches", sb, so, "verdict" };
	size_t w[NCOL];
	char (*c)[CELL] = gb_xmalloc(NCOL * sizeof *c);
	for (int k = 0; k < NCOL; k++) {
		cmp_clip(head[k], CELL, h[k], md);
		w[k] = strlen(head[k]);
	}
	for (size_t i = 0; i < s->np; i++) {
		cells(&s->p[i], c, md);
		for (int k = 0; k < NCOL; k++)
			if (strlen(c[k]) > w[k])
				w[k] = strlen(c[k]);
	}
	char hb[CELL], ho[CELL];
	cmp_clip(hb, sizeof hb, r->base->label, md);
	cmp_clip(ho, sizeof ho, s->env->label, md);
	if (md) {
		fprintf(f, "### %s vs %s (base)\n\n|", ho, hb);
		for (int k = 0; k < NCOL; k++)
			fprintf(f, " %s |", head[k]);
		fprintf(f, "\n|");
		for (int k = 0; k < NCOL; k++)
			fprintf(f, "%s|", k >= 3 && k <= 11 ? "---:" : "---");
		fprintf(f, "\n");
		for (size_t i = 0; i < s->np; i++) {
			cells(&s->p[i], c, md);
			fprintf(f, "|");
			for (int k = 0; k < NCOL; k++)
				fprintf(f, " %s |", c[k]);
			fprintf(f, "\n");
		}
	} else {
		fprintf(f, "%s vs %s (base)\n\n", ho, hb);
		for (int k = 0; k < NCOL - 1; k++)
			fprintf(f, k >= 3 ? "%*s  " : "%-*s  ", (int)w[k], head[k]);
		fprintf(f, "%s\n", head[NCOL - 1]);
		for (size_t i = 0; i < s->np; i++) {
			cells(&s->p[i], c, md);
			for (int k = 0; k < NCOL - 1; k++)
				fprintf(f, k >= 3 ? "%*s  " : "%-*s  ", (int)w[k], c[k]);
			fprintf(f, "%s\n", c[NCOL - 1]);
		}
	}
	free(c);
	summary(s, f);
	notes(s, f, md);
	launch_notes(s->env, f, md);
}

static void text(const cmp_result *r, FILE *f, int md)
{
	for (size_t i = 0; i < r->nside; i++) {
		if (i)
			fprintf(f, "\n");
		text_side(r, &r->side[i], f, md);
	}
	launch_notes(r->base, f, md);
	list(f, "warnings", NULL, &r->warnings, md);
	const char *it = md ? "_" : "";
	fprintf(f, "\n%sratio = other / base: mean over launches, or, with launches paired by round, the geometric "
		"mean of the per-round ratios; %g%% CI: t on the log ratios (paired), Fieller (unpaired or one run "
		"each); p: its t-test; cv w/b: coefficient of variation within a launch (pooled) / between launch "
		"means; equivalent: the whole CI within +-%g%%; direction from each metric's \"better\" "
		"(docs/compare.md)%s\n", it, 100 * (1 - r->alpha), 100 * r->margin, it);
	size_t one = 0;
	for (size_t i = 0; i < r->nside; i++)
		one += count(&r->side[i], CMP_ONE_EACH);
	if (one)
		fprintf(f, "%sone run each: host drift not measured. Run several launches per environment "
			"(guestbench rounds) before reading a difference as the layer's cost; the within-run "
			"test is shown for information only.%s\n", it, it);
}

/* One CSV field (common/util.c quotes it) and its separator. */
static void csv_field(FILE *f, const char *s, int last)
{
	if (s)
		gb_csv_field(f, s);
	fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, double v)
{
	char b[40];
	if (isfinite(v)) {
		gb_fmt_double(b, sizeof b, v);
		fputs(b, f);
	}
	fputc(',', f);
}

static void csv(const cmp_result *r, FILE *f)
{
	/* the columns before "config_mismatch" are the first version's; new
	 * ones are only appended */
	fprintf(f, "base,label,bench,metric,unit,better,n_base,n_other,mean_base,mean_other,median_base,"
		"median_other,ratio,ratio_median,delta_pct,ci95_lo,ci95_hi,welch_t,welch_df,welch_p,mwu_u,"
		"mwu_z,mwu_p,verdict,config_mismatch,design,launches_base,launches_other,launches_paired,"
		"cv_within_base,cv_between_base,cv_within_other,cv_between_other,ratio_of_means,sd_log_ratio,"
		"within_run_verdict,margin_pct\n");
	for (size_t i = 0; i < r->nside; i++)
		for (size_t k = 0; k < r->side[i].np; k++) {
			const cmp_pair *p = &r->side[i].p[k];
			csv_field(f, r->base->label, 0);
			csv_field(f, r->side[i].env->label, 0);
			csv_field(f, p->brun->bench, 0);
			csv_field(f, p->b->name, 0);
			csv_field(f, p->b->unit, 0);
			csv_field(f, p->b->lower ? "lower" : "higher", 0);
			fprintf(f, "%zu,%zu,", p->lb.nsamples, p->lo.nsamples);
			csv_num(f, p->lb.grand);
			csv_num(f, p->lo.grand);
			csv_num(f, p->lb.median);
			csv_num(f, p->lo.median);
			csv_num(f, p->ratio);
			csv_num(f, p->ratio_median);
			csv_num(f, p->delta_pct);
			csv_num(f, p->ci_lo);
			csv_num(f, p->ci_hi);
			csv_num(f, p->welch.t);
			csv_num(f, p->welch.df);
			csv_num(f, p->welch.p);
			csv_num(f, p->mwu.u);
			csv_num(f, p->mwu.z);
			csv_num(f, p->mwu.p);
			csv_field(f, cmp_verdict_name(p->verdict), 0);
			csv_field(f, p->mismatch ? p->mismatch : "", 0);
			csv_field(f, cmp_design_name(p->design), 0);
			fprintf(f, "%zu,%zu,%zu,", p->lb.k, p->lo.k, p->npaired);
			csv_num(f, p->lb.cv_within);
			csv_num(f, p->lb.cv_between);
			csv_num(f, p->lo.cv_within);
			csv_num(f, p->lo.cv_between);
			csv_num(f, p->ratio_means);
			csv_num(f, p->sd_log_ratio);
			csv_field(f, p->within ? p->within : "", 0);
			char m[40];
			gb_fmt_double(m, sizeof m, 100 * r->margin);
			csv_field(f, m, 1);
		}
}

static void json_list(gb_json *j, const char *key, const gb_strlist *l)
{
	gb_json_arr_begin(j, key);
	for (size_t i = 0; i < l->n; i++)
		gb_json_str(j, NULL, l->v[i]);
	gb_json_arr_end(j);
}

static void json_env(gb_json *j, const char *key, const cmp_env *e, const cmp_index *x)
{
	gb_json_obj_begin(j, key);
	gb_json_str(j, "label", e->label);
	gb_json_str(j, "file", e->path);
	gb_json_arr_begin(j, "benches");
	/* each benchmark once, at its first run, however many launches ran it */
	for (size_t i = 0; i < e->nruns; i++)
		if (cmp_index_bench(x, e->runs[i].bench)->run[0] == &e->runs[i])
			gb_json_str(j, NULL, e->runs[i].bench);
	gb_json_arr_end(j);
	gb_json_int(j, "launches", (long long)e->nlaunch);
	gb_json_int(j, "runs", (long long)e->nruns);
	json_list(j, "failed", &e->failed);
	json_list(j, "disturbed", &e->disturbed);
	gb_json_int(j, "dropped_disturbed", (long long)e->dropped);
	gb_json_obj_end(j);
}

static void json_side(gb_json *j, const cmp_launches *l, const char *key)
{
	gb_json_obj_begin(j, key);
	gb_json_int(j, "n", (long long)l->nsamples);
	gb_json_num(j, "mean", l->grand);
	gb_json_num(j, "median", l->median);
	gb_json_int(j, "launches", (long long)l->k);
	gb_json_arr_begin(j, "launch_means");
	for (size_t i = 0; i < l->k; i++)
		gb_json_num(j, NULL, l->mean[i]);
	gb_json_arr_end(j);
	gb_json_num(j, "cv_within", l->cv_within);
	gb_json_num(j, "cv_between", l->cv_between);
	gb_json_obj_end(j);
}

static void json_pair(gb_json *j, const cmp_pair *p)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "bench", p->brun->bench);
	gb_json_str(j, "name", p->b->name);
	gb_json_str(j, "unit", p->b->unit);
	gb_json_str(j, "better", p->b->lower ? "lower" : "higher");
	json_side(j, &p->lb, "base");
	json_side(j, &p->lo, "other");
	gb_json_num(j, "ratio", p->ratio);
	gb_json_num(j, "ratio_median", p->ratio_median);
	gb_json_num(j, "delta_pct", p->delta_pct);
	gb_json_arr_begin(j, "ci95");
	gb_json_num(j, NULL, p->ci_lo);
	gb_json_num(j, NULL, p->ci_hi);
	gb_json_arr_end(j);
	gb_json_obj_begin(j, "welch");
	gb_json_num(j, "t", p->welch.t);
	gb_json_num(j, "df", p->welch.df);
	gb_json_num(j, "p", p->welch.p);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "mann_whitney");
	gb_json_num(j, "u", p->mwu.u);
	gb_json_num(j, "z", p->mwu.z);
	gb_json_num(j, "p", p->mwu.p);
	gb_json_obj_end(j);
	gb_json_str(j, "verdict", cmp_verdict_name(p->verdict));
	gb_json_str(j, "config_mismatch", p->mismatch);
	gb_json_str(j, "design", cmp_design_name(p->design));
	gb_json_int(j, "paired", (long long)p->npaired);
	gb_json_num(j, "ratio_of_means", p->ratio_means);
	gb_json_num(j, "sd_log_ratio", p->sd_log_ratio);
	gb_json_str(j, "within_run_verdict", p->within);
	gb_json_obj_end(j);
}

static void json(const cmp_result *r, FILE *f)
{
	gb_json j;
	gb_json_init(&j, f, 1);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "schema", "guestbench-compare/1");
	gb_json_str(&j, "version", GB_VERSION);
	gb_json_num(&j, "alpha", r->alpha);
	gb_json_str(&j, "ratio", "other / base: mean over launches; paired by round, the geometric mean of the "
		    "per-round ratios");
	gb_json_str(&j, "ci95", "1 - alpha interval of the ratio: paired, t on the log ratios; unpaired or one "
		    "run each, Fieller with Welch-Satterthwaite degrees of freedom");
	gb_json_str(&j, "test", "the t-test of the design (two-sided); Mann-Whitney U reported, not used");
	gb_json_num(&j, "margin_pct", 100 * r->margin);
	json_env(&j, "base", r->base, &r->bindex);
	gb_json_arr_begin(&j, "comparisons");
	for (size_t i = 0; i < r->nside; i++) {
		const cmp_side *s = &r->side[i];
		gb_json_obj_begin(&j, NULL);
		json_env(&j, "other", s->env, &s->index);
		gb_json_arr_begin(&j, "metrics");
		for (size_t k = 0; k < s->np; k++)
			json_pair(&j, &s->p[k]);
		gb_json_arr_end(&j);
		json_list(&j, "missing", &s->missing);
		json_list(&j, "extra", &s->extra);
		json_list(&j, "fingerprint", &s->fpwarn);
		gb_json_obj_begin(&j, "verdicts");
		for (cmp_verdict v = CMP_EQUIVALENT; v <= CMP_ONE_EACH; v++)
			gb_json_int(&j, cmp_verdict_short(v), (long long)count(s, v));
		gb_json_obj_end(&j);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	json_list(&j, "warnings", &r->warnings);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

/* JSON Lines: one self-contained line per pair, for the loaders that take
 * the benchmarks' own --format jsonl (docs/json.md); "value" is the ratio
 * other / base, and the labels name both environments. */
static const char *started_of(const cmp_env *e)
{
	json_t *s = e->ndocs ? json_object_get(e->docs[0], "started") : NULL;
	return json_is_string(s) ? json_string_value(s) : NULL;
}

static void jsonl(const cmp_result *r, FILE *f)
{
	for (size_t i = 0; i < r->nside; i++)
		for (size_t k = 0; k < r->side[i].np; k++) {
			const cmp_pair *p = &r->side[i].p[k];
			gb_json j;
			gb_json_init(&j, f, 0);
			gb_json_obj_begin(&j, NULL);
			gb_json_str(&j, "schema", "guestbench-compare-metric/1");
			gb_json_str(&j, "timestamp", started_of(r->side[i].env));
			gb_json_str(&j, "bench", p->brun->bench);
			gb_json_str(&j, "name", p->b->name);
			gb_json_num(&j, "value", p->ratio);
			gb_json_str(&j, "stat", "ratio");
			gb_json_str(&j, "unit", p->b->unit);
			gb_json_str(&j, "better", p->b->lower ? "lower" : "higher");
			gb_json_num(&j, "base_mean", p->lb.grand);
			gb_json_num(&j, "other_mean", p->lo.grand);
			gb_json_arr_begin(&j, "ci95");
			gb_json_num(&j, NULL, p->ci_lo);
			gb_json_num(&j, NULL, p->ci_hi);
			gb_json_arr_end(&j);
			gb_json_str(&j, "verdict", cmp_verdict_name(p->verdict));
			gb_json_str(&j, "design", cmp_design_name(p->design));
			gb_json_obj_begin(&j, "labels");
			gb_json_str(&j, "base", r->base->label);
			gb_json_str(&j, "other", r->side[i].env->label);
			gb_json_str(&j, "version", GB_VERSION);
			gb_json_obj_end(&j);
			gb_json_obj_end(&j);
			gb_json_end(&j);
		}
}

void cmp_render(const cmp_result *r, const char *format, FILE *f)
{
	if (strcmp(format, "jsonl") == 0)
		jsonl(r, f);
	else if (strcmp(format, "json") == 0)
		json(r, f);
	else if (strcmp(format, "csv") == 0)
		csv(r, f);
	else
		text(r, f, strcmp(format, "markdown") == 0);
}
