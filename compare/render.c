/* render.c - the comparison as a table, Markdown, CSV or JSON
 * (schema guestbench-compare/1, docs/compare.md).
 *
 * Table and Markdown are built as rows of cells first, so the columns can
 * be sized to their widest cell; the notes (missing metrics, configuration
 * and fingerprint differences) follow the rows, because a ratio is only
 * as good as what was held equal. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "util.h"

#define NCOL 10

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

/* The cells of one pair, in column order. */
static void cells(const cmp_pair *p, char c[NCOL][96])
{
	snprintf(c[0], 96, "%s", p->brun->bench);
	snprintf(c[1], 96, "%s", p->b->name);
	snprintf(c[2], 96, "%s%s", p->b->unit, p->b->lower ? " (lower)" : " (higher)");
	gb_fmt_num(c[3], 96, p->b->mean);
	gb_fmt_num(c[4], 96, p->o->mean);
	snprintf(c[5], 96, isfinite(p->ratio) ? "%.3f" : "-", p->ratio);
	snprintf(c[6], 96, isfinite(p->delta_pct) ? "%+.1f%%" : "-", p->delta_pct);
	fmt_ci(c[7], 96, p);
	fmt_p(c[8], 96, p->welch.p);
	snprintf(c[9], 96, "%s%s", cmp_verdict_name(p->verdict), p->mismatch ? " (config differs!)" : "");
}

static void notes(const cmp_result *r, const cmp_side *s, FILE *f, const char *bullet)
{
	if (s->missing.n) {
		fprintf(f, "\nmissing in %s (%zu):\n", s->env->label, s->missing.n);
		for (size_t i = 0; i < s->missing.n; i++)
			fprintf(f, "%s%s\n", bullet, s->missing.v[i]);
	}
	if (s->extra.n) {
		fprintf(f, "\nonly in %s (%zu):\n", s->env->label, s->extra.n);
		for (size_t i = 0; i < s->extra.n; i++)
			fprintf(f, "%s%s\n", bullet, s->extra.v[i]);
	}
	if (s->fpwarn.n) {
		fprintf(f, "\nfingerprint differences:\n");
		for (size_t i = 0; i < s->fpwarn.n; i++)
			fprintf(f, "%s%s\n", bullet, s->fpwarn.v[i]);
	}
}

static void text_side(const cmp_result *r, const cmp_side *s, FILE *f, int md)
{
	const char *head[NCOL] = { "bench", "metric", "unit", r->base->label, s->env->label, "ratio",
				   "delta", "95% CI of ratio", "p (Welch)", "verdict" };
	size_t w[NCOL];
	char (*c)[NCOL][96] = gb_xcalloc(s->np ? s->np : 1, sizeof *c);
	for (int k = 0; k < NCOL; k++)
		w[k] = strlen(head[k]);
	for (size_t i = 0; i < s->np; i++) {
		cells(&s->p[i], c[i]);
		for (int k = 0; k < NCOL; k++)
			if (strlen(c[i][k]) > w[k])
				w[k] = strlen(c[i][k]);
	}
	if (md) {
		fprintf(f, "### %s vs %s (base)\n\n|", s->env->label, r->base->label);
		for (int k = 0; k < NCOL; k++)
			fprintf(f, " %s |", head[k]);
		fprintf(f, "\n|");
		for (int k = 0; k < NCOL; k++)
			fprintf(f, "%s|", k >= 3 && k <= 8 ? "---:" : "---");
		fprintf(f, "\n");
		for (size_t i = 0; i < s->np; i++) {
			fprintf(f, "|");
			for (int k = 0; k < NCOL; k++)
				fprintf(f, " %s |", c[i][k]);
			fprintf(f, "\n");
		}
	} else {
		fprintf(f, "%s vs %s (base)\n\n", s->env->label, r->base->label);
		for (int k = 0; k < NCOL - 1; k++)
			fprintf(f, k >= 3 ? "%*s  " : "%-*s  ", (int)w[k], head[k]);
		fprintf(f, "%s\n", head[NCOL - 1]);
		for (size_t i = 0; i < s->np; i++) {
			for (int k = 0; k < NCOL - 1; k++)
				fprintf(f, k >= 3 ? "%*s  " : "%-*s  ", (int)w[k], c[i][k]);
			fprintf(f, "%s\n", c[i][NCOL - 1]);
		}
	}
	free(c);
	int faster = 0, slower = 0, same = 0;
	for (size_t i = 0; i < s->np; i++) {
		faster += s->p[i].verdict == CMP_FASTER;
		slower += s->p[i].verdict == CMP_SLOWER;
		same += s->p[i].verdict == CMP_SAME;
	}
	fprintf(f, "\n%zu metrics paired: %d faster, %d slower, %d no significant difference, %zu untested; "
		"%zu missing\n", s->np, faster, slower, same, s->np - (size_t)(faster + slower + same),
		s->missing.n);
	notes(r, s, f, md ? "- " : "  ");
}

static void text(const cmp_result *r, FILE *f, int md)
{
	for (size_t i = 0; i < r->nside; i++) {
		if (i)
			fprintf(f, "\n");
		text_side(r, &r->side[i], f, md);
	}
	if (r->warnings.n) {
		fprintf(f, "\nwarnings:\n");
		for (size_t i = 0; i < r->warnings.n; i++)
			fprintf(f, "%s%s\n", md ? "- " : "  ", r->warnings.v[i]);
	}
	fprintf(f, "\n%sratio = mean(%s) / mean(base); 95%% CI: Fieller; p: Welch's t-test; verdict at "
		"alpha = %g, direction from each metric's \"better\" (docs/compare.md)%s\n", md ? "_" : "",
		r->nside == 1 ? r->side[0].env->label : "other", r->alpha, md ? "_" : "");
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
	fprintf(f, "base,label,bench,metric,unit,better,n_base,n_other,mean_base,mean_other,median_base,"
		"median_other,ratio,ratio_median,delta_pct,ci95_lo,ci95_hi,welch_t,welch_df,welch_p,mwu_u,"
		"mwu_z,mwu_p,verdict,config_mismatch\n");
	for (size_t i = 0; i < r->nside; i++)
		for (size_t k = 0; k < r->side[i].np; k++) {
			const cmp_pair *p = &r->side[i].p[k];
			csv_field(f, r->base->label, 0);
			csv_field(f, r->side[i].env->label, 0);
			csv_field(f, p->brun->bench, 0);
			csv_field(f, p->b->name, 0);
			csv_field(f, p->b->unit, 0);
			csv_field(f, p->b->lower ? "lower" : "higher", 0);
			fprintf(f, "%zu,%zu,", p->b->n, p->o->n);
			csv_num(f, p->b->mean);
			csv_num(f, p->o->mean);
			csv_num(f, p->b->median);
			csv_num(f, p->o->median);
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
			csv_field(f, p->mismatch ? p->mismatch : "", 1);
		}
}

static void json_list(gb_json *j, const char *key, const gb_strlist *l)
{
	gb_json_arr_begin(j, key);
	for (size_t i = 0; i < l->n; i++)
		gb_json_str(j, NULL, l->v[i]);
	gb_json_arr_end(j);
}

static void json_env(gb_json *j, const char *key, const cmp_env *e)
{
	gb_json_obj_begin(j, key);
	gb_json_str(j, "label", e->label);
	gb_json_str(j, "file", e->path);
	gb_json_arr_begin(j, "benches");
	for (size_t i = 0; i < e->nruns; i++)
		gb_json_str(j, NULL, e->runs[i].bench);
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}

static void json_side(gb_json *j, const cmp_metric *m, const char *key)
{
	gb_json_obj_begin(j, key);
	gb_json_int(j, "n", (long long)m->n);
	gb_json_num(j, "mean", m->mean);
	gb_json_num(j, "median", m->median);
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
	gb_json_str(&j, "ratio", "mean(other) / mean(base)");
	gb_json_str(&j, "ci95", "Fieller, Welch-Satterthwaite degrees of freedom");
	gb_json_str(&j, "test", "Welch's t-test (two-sided); Mann-Whitney U reported, not used");
	json_env(&j, "base", r->base);
	gb_json_arr_begin(&j, "comparisons");
	for (size_t i = 0; i < r->nside; i++) {
		const cmp_side *s = &r->side[i];
		gb_json_obj_begin(&j, NULL);
		json_env(&j, "other", s->env);
		gb_json_arr_begin(&j, "metrics");
		for (size_t k = 0; k < s->np; k++) {
			const cmp_pair *p = &s->p[k];
			gb_json_obj_begin(&j, NULL);
			gb_json_str(&j, "bench", p->brun->bench);
			gb_json_str(&j, "name", p->b->name);
			gb_json_str(&j, "unit", p->b->unit);
			gb_json_str(&j, "better", p->b->lower ? "lower" : "higher");
			json_side(&j, p->b, "base");
			json_side(&j, p->o, "other");
			gb_json_num(&j, "ratio", p->ratio);
			gb_json_num(&j, "ratio_median", p->ratio_median);
			gb_json_num(&j, "delta_pct", p->delta_pct);
			gb_json_arr_begin(&j, "ci95");
			gb_json_num(&j, NULL, p->ci_lo);
			gb_json_num(&j, NULL, p->ci_hi);
			gb_json_arr_end(&j);
			gb_json_obj_begin(&j, "welch");
			gb_json_num(&j, "t", p->welch.t);
			gb_json_num(&j, "df", p->welch.df);
			gb_json_num(&j, "p", p->welch.p);
			gb_json_obj_end(&j);
			gb_json_obj_begin(&j, "mann_whitney");
			gb_json_num(&j, "u", p->mwu.u);
			gb_json_num(&j, "z", p->mwu.z);
			gb_json_num(&j, "p", p->mwu.p);
			gb_json_obj_end(&j);
			gb_json_str(&j, "verdict", cmp_verdict_name(p->verdict));
			gb_json_str(&j, "config_mismatch", p->mismatch);
			gb_json_obj_end(&j);
		}
		gb_json_arr_end(&j);
		json_list(&j, "missing", &s->missing);
		json_list(&j, "extra", &s->extra);
		json_list(&j, "fingerprint", &s->fpwarn);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	json_list(&j, "warnings", &r->warnings);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

void cmp_render(const cmp_result *r, const char *format, FILE *f)
{
	if (strcmp(format, "json") == 0)
		json(r, f);
	else if (strcmp(format, "csv") == 0)
		csv(r, f);
	else
		text(r, f, strcmp(format, "markdown") == 0);
}
