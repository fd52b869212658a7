/* fleet_render.c - a fleet summary (fleet.c) as a table, Markdown, CSV,
 * JSON (schema guestbench-fleet/1, docs/compare.md "Fleets") or JSON Lines.
 *
 * One model, four renderings: the table and Markdown are for a person
 * (one row per metric, then the hosts ranked slowest first), CSV is one
 * row per metric and host (what a spreadsheet pivots), JSON all of it.
 * Host names and metric names come from other people's files: made safe
 * for a terminal or a Markdown table by text.c, quoted by CSV and JSON. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "util.h"

#define NCOL 10
#define CELL 1200	/* a slowest-hosts cell: a few names of at most CMP_MAX_NAME bytes */

static void fmt_x(char *buf, size_t size, double cost)
{
	if (isfinite(cost))
		snprintf(buf, size, "%.2fx", cost);
	else
		snprintf(buf, size, "-");
}

/* "node-3 2.10x, node-9 1.40x": the slowest hosts of a metric. */
static void fmt_slowest(char *buf, size_t size, const cmp_fleet *f, const cmp_fleet_metric *m, int md)
{
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; i < m->n && i < f->slowest && len + 8 < size; i++) {
		char name[CMP_MAX_NAME * 2 + 1], x[32];
		cmp_clip(name, sizeof name, f->host[m->v[i].host].env->label, md);
		fmt_x(x, sizeof x, m->v[i].cost);
		snprintf(buf + len, size - len, "%s%s %s", i ? ", " : "", name, x);
		len = strlen(buf);
	}
}

/* The row of metric i. */
static void metric_cells(const cmp_fleet *f, size_t i, char c[][CELL], int md)
{
	const cmp_fleet_metric *m = &f->m[i];
	cmp_clip(c[0], CELL, m->bench, md);
	cmp_clip(c[1], CELL, m->name, md);
	cmp_clip(c[2], CELL - 16, m->unit, md);
	strcat(c[2], m->lower ? " (lower)" : " (higher)");
	snprintf(c[3], CELL, "%zu/%zu", m->n, f->nhost);
	gb_fmt_num(c[4], CELL, m->median);
	gb_fmt_num(c[5], CELL, m->p10);
	gb_fmt_num(c[6], CELL, m->p90);
	/* the slow tail over the median: p90 for times, p10 for rates */
	fmt_x(c[7], CELL, m->median > 0 ? (m->lower ? m->p90 / m->median : m->median / m->p10) : NAN);
	if (isfinite(m->cv))
		snprintf(c[8], CELL, "%.1f%%", 100 * m->cv);
	else
		snprintf(c[8], CELL, "-");
	fmt_slowest(c[9], CELL, f, m, md);
}

static void row(FILE *out, char c[][CELL], const size_t *w, int n, int md, int right_from, int right_to)
{
	if (md) {
		fputc('|', out);
		for (int k = 0; k < n; k++)
			fprintf(out, " %s |", c[k]);
		fputc('\n', out);
		return;
	}
	for (int k = 0; k < n - 1; k++)
		fprintf(out, k >= right_from && k <= right_to ? "%*s  " : "%-*s  ", (int)w[k], c[k]);
	fprintf(out, "%s\n", c[n - 1]);
}

static void rule(FILE *out, int n, int right_from, int right_to)
{
	fputc('|', out);
	for (int k = 0; k < n; k++)
		fputs(k >= right_from && k <= right_to ? "---:|" : "---|", out);
	fputc('\n', out);
}

static void list(FILE *out, const char *title, const gb_strlist *l, int md)
{
	if (!l->n)
		return;
	fprintf(out, "\n%s (%zu):\n", title, l->n);
	for (size_t i = 0; i < l->n; i++) {
		fputs(md ? "- " : "  ", out);
		cmp_put(out, l->v[i], 2048, md);
		fputc('\n', out);
	}
}

/* One table: the widths from every row and the header (a row's cells are
 * filled twice, once to measure and once to print, rather than kept),
 * columns right_from..right_to right-aligned. */
typedef void (*fill_fn)(const cmp_fleet *f, size_t i, char c[][CELL], int md);

static void widen(size_t *w, char c[][CELL], int ncol)
{
	for (int k = 0; k < ncol; k++)
		if (strlen(c[k]) > w[k])
			w[k] = strlen(c[k]);
}

static void table(FILE *out, const cmp_fleet *f, const char *const *h, int ncol, size_t nrow, fill_fn fill,
		  int md, int right_from, int right_to)
{
	char (*c)[CELL] = gb_xmalloc((size_t)ncol * sizeof *c);
	size_t *w = gb_xcalloc((size_t)ncol, sizeof *w);
	for (size_t i = 0; i < nrow; i++) {
		fill(f, i, c, md);
		widen(w, c, ncol);
	}
	for (int k = 0; k < ncol; k++)
		cmp_clip(c[k], CELL, h[k], md);
	widen(w, c, ncol);
	row(out, c, w, ncol, md, right_from, right_to);
	if (md)
		rule(out, ncol, right_from, right_to);
	for (size_t i = 0; i < nrow; i++) {
		fill(f, i, c, md);
		row(out, c, w, ncol, md, right_from, right_to);
	}
	free(w);
	free(c);
}

static void metrics_table(const cmp_fleet *f, FILE *out, int md)
{
	char slow[64];
	snprintf(slow, sizeof slow, "slowest %zu (x median)", f->slowest);
	const char *h[NCOL] = { "bench", "metric", "unit", "hosts", "median", "p10", "p90", "tail", "cv", slow };
	table(out, f, h, NCOL, f->nm, metric_cells, md, 3, 8);
}

#define HCOL 6

/* The row of the host ranked r (slowest first). */
static void host_cells(const cmp_fleet *f, size_t r, char c[][CELL], int md)
{
	const cmp_fleet_host *h = &f->host[f->by_rank[r]];
	snprintf(c[0], CELL, "%zu", h->rank);
	cmp_clip(c[1], CELL, h->env->label, md);
	fmt_x(c[2], CELL, h->score);
	snprintf(c[3], CELL, "%zu of %zu", h->nslowest, f->nm);
	snprintf(c[4], CELL, "%zu", h->env->nlaunch);
	if (h->env->disturbed.n)
		snprintf(c[5], CELL, "%zu run%s disturbed%s", h->env->disturbed.n, h->env->disturbed.n == 1 ? "" : "s",
			 h->env->dropped ? " (dropped)" : "");
	else
		snprintf(c[5], CELL, "-");
}

static void hosts_table(const cmp_fleet *f, FILE *out, int md)
{
	char slow[64];
	snprintf(slow, sizeof slow, "among slowest %zu", f->slowest);
	const char *h[HCOL] = { "rank", "host", "score", slow, "launches", "disturbed" };
	table(out, f, h, HCOL, f->nhost, host_cells, md, 2, 4);
}

static void text(const cmp_fleet *f, FILE *out, int md)
{
	const char *it = md ? "_" : "";
	fprintf(out, "%sfleet of %zu hosts (guestbench ", md ? "### " : "", f->nhost);
	cmp_put(out, f->version, 40, md);
	fprintf(out, "), %zu metrics\n\n", f->nm);
	metrics_table(f, out, md);
	fprintf(out, "\n%shosts, slowest first%s\n\n", md ? "### " : "", "");
	hosts_table(f, out, md);
	for (size_t i = 0; i < f->nm; i++)
		if (f->m[i].missing.n) {
			char title[4 * CMP_MAX_NAME + 32];
			char b[CMP_MAX_NAME * 2 + 1], n[CMP_MAX_NAME * 2 + 1];
			cmp_clip(b, sizeof b, f->m[i].bench, md);
			cmp_clip(n, sizeof n, f->m[i].name, md);
			snprintf(title, sizeof title, "%s/%s missing on", b, n);
			list(out, title, &f->m[i].missing, md);
		}
	/* why the slowest hosts were disturbed is what a reader wants next;
	 * the others' reasons would bury it (every run on a busy host says
	 * something): they are counted here and listed in the JSON */
	size_t others = 0;
	for (size_t r = 0; r < f->nhost; r++) {
		const cmp_env *e = f->host[f->by_rank[r]].env;
		if (!e->disturbed.n && !e->failed.n)
			continue;
		if (r >= f->slowest) {
			others++;
			continue;
		}
		char title[CMP_MAX_NAME * 2 + 32], l[CMP_MAX_NAME * 2 + 1];
		cmp_clip(l, sizeof l, e->label, md);
		snprintf(title, sizeof title, "disturbed runs of %s", l);
		list(out, title, &e->disturbed, md);
		snprintf(title, sizeof title, "failed launches of %s", l);
		list(out, title, &e->failed, md);
	}
	if (others)
		fprintf(out, "\n%zu other host%s had disturbed runs or failed launches (the JSON lists them)\n", others,
			others == 1 ? "" : "s");
	list(out, "warnings", &f->warnings, md);
	fprintf(out, "\n%seach host's value is the mean of its launch means; median, p10, p90 across hosts "
		"(linear between order statistics); tail: p90 / median (times) or median / p10 (rates); x median: "
		"the host's value over the median, turned so that above 1 is slower; score: the geometric mean "
		"of a host's x median over every metric (docs/compare.md \"Fleets\")%s\n", it, it);
}

/* One row per metric and host: the long form a spreadsheet pivots. */
static void csv_num(FILE *out, double v, int last)
{
	char b[40] = "";
	if (isfinite(v))
		gb_fmt_double(b, sizeof b, v);
	fputs(b, out);
	fputc(last ? '\n' : ',', out);
}

static void csv(const cmp_fleet *f, FILE *out)
{
	fputs("bench,metric,unit,better,host,value,x_median,metric_rank,hosts,median,p10,p90,host_score,host_rank\n",
	      out);
	for (size_t i = 0; i < f->nm; i++) {
		const cmp_fleet_metric *m = &f->m[i];
		for (size_t k = 0; k < m->n; k++) {
			const cmp_fleet_host *h = &f->host[m->v[k].host];
			gb_csv_field(out, m->bench);
			fputc(',', out);
			gb_csv_field(out, m->name);
			fputc(',', out);
			gb_csv_field(out, m->unit);
			fprintf(out, ",%s,", m->lower ? "lower" : "higher");
			gb_csv_field(out, h->env->label);
			fputc(',', out);
			csv_num(out, m->v[k].value, 0);
			csv_num(out, m->v[k].cost, 0);
			fprintf(out, "%zu,%zu,", k + 1, m->n);
			csv_num(out, m->median, 0);
			csv_num(out, m->p10, 0);
			csv_num(out, m->p90, 0);
			csv_num(out, h->score, 0);
			fprintf(out, "%zu\n", h->rank);
		}
	}
}

static void json_list(gb_json *j, const char *key, const gb_strlist *l)
{
	gb_json_arr_begin(j, key);
	for (size_t i = 0; i < l->n; i++)
		gb_json_str(j, NULL, l->v[i]);
	gb_json_arr_end(j);
}

static void json_values(gb_json *j, const char *key, const cmp_fleet *f, const cmp_fleet_metric *m, size_t n)
{
	gb_json_arr_begin(j, key);
	for (size_t k = 0; k < n && k < m->n; k++) {
		gb_json_obj_begin(j, NULL);
		gb_json_str(j, "host", f->host[m->v[k].host].env->label);
		gb_json_num(j, "value", m->v[k].value);
		gb_json_num(j, "x_median", m->v[k].cost);
		gb_json_obj_end(j);
	}
	gb_json_arr_end(j);
}

static void json(const cmp_fleet *f, FILE *out)
{
	gb_json j;
	gb_json_init(&j, out, 1);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "schema", "guestbench-fleet/1");
	gb_json_str(&j, "version", GB_VERSION);
	gb_json_str(&j, "documents_version", f->version);
	gb_json_str(&j, "value", "per host: the mean of its launch means");
	gb_json_str(&j, "quantiles", "across hosts, linear between order statistics (type 7)");
	gb_json_str(&j, "x_median", "value / median (lower is better) or median / value (higher is better): "
		    "above 1 is slower");
	gb_json_int(&j, "slowest", (long long)f->slowest);
	gb_json_arr_begin(&j, "hosts");
	for (size_t r = 0; r < f->nhost; r++) {
		const cmp_fleet_host *h = &f->host[f->by_rank[r]];
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "host", h->env->label);
		gb_json_str(&j, "file", h->env->path);
		gb_json_int(&j, "rank", (long long)h->rank);
		gb_json_num(&j, "score", h->score);
		gb_json_int(&j, "metrics", (long long)h->nscored);
		gb_json_int(&j, "among_slowest", (long long)h->nslowest);
		gb_json_int(&j, "launches", (long long)h->env->nlaunch);
		json_list(&j, "disturbed", &h->env->disturbed);
		gb_json_int(&j, "dropped_disturbed", (long long)h->env->dropped);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	gb_json_arr_begin(&j, "metrics");
	for (size_t i = 0; i < f->nm; i++) {
		const cmp_fleet_metric *m = &f->m[i];
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "bench", m->bench);
		gb_json_str(&j, "name", m->name);
		gb_json_str(&j, "unit", m->unit);
		gb_json_str(&j, "better", m->lower ? "lower" : "higher");
		gb_json_int(&j, "hosts", (long long)m->n);
		gb_json_num(&j, "median", m->median);
		gb_json_num(&j, "p10", m->p10);
		gb_json_num(&j, "p90", m->p90);
		gb_json_num(&j, "min", m->min);
		gb_json_num(&j, "max", m->max);
		gb_json_num(&j, "mean", m->mean);
		gb_json_num(&j, "cv", m->cv);
		json_values(&j, "slowest", f, m, f->slowest);
		json_values(&j, "values", f, m, m->n);
		json_list(&j, "missing", &m->missing);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	json_list(&j, "warnings", &f->warnings);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

/* JSON Lines: one line per metric and host (the CSV's rows), self-
 * contained for loaders: the host's value, its x median and rank, and the
 * fleet's median, p10 and p90 beside it. */
static void jsonl(const cmp_fleet *f, FILE *out)
{
	for (size_t i = 0; i < f->nm; i++) {
		const cmp_fleet_metric *m = &f->m[i];
		for (size_t k = 0; k < m->n; k++) {
			const cmp_fleet_host *h = &f->host[m->v[k].host];
			json_t *s = h->env->ndocs ? json_object_get(h->env->docs[0], "started") : NULL;
			gb_json j;
			gb_json_init(&j, out, 0);
			gb_json_obj_begin(&j, NULL);
			gb_json_str(&j, "schema", "guestbench-fleet-metric/1");
			gb_json_str(&j, "timestamp", json_is_string(s) ? json_string_value(s) : NULL);
			gb_json_str(&j, "bench", m->bench);
			gb_json_str(&j, "name", m->name);
			gb_json_num(&j, "value", m->v[k].value);
			gb_json_str(&j, "stat", "mean of launch means");
			gb_json_str(&j, "unit", m->unit);
			gb_json_str(&j, "better", m->lower ? "lower" : "higher");
			gb_json_num(&j, "x_median", m->v[k].cost);
			gb_json_int(&j, "metric_rank", (long long)(k + 1));
			gb_json_obj_begin(&j, "fleet");
			gb_json_int(&j, "hosts", (long long)m->n);
			gb_json_num(&j, "median", m->median);
			gb_json_num(&j, "p10", m->p10);
			gb_json_num(&j, "p90", m->p90);
			gb_json_obj_end(&j);
			gb_json_obj_begin(&j, "labels");
			gb_json_str(&j, "label", h->env->label);
			gb_json_str(&j, "version", f->version);
			gb_json_num(&j, "host_score", h->score);
			gb_json_int(&j, "host_rank", (long long)h->rank);
			gb_json_obj_end(&j);
			gb_json_obj_end(&j);
			gb_json_end(&j);
		}
	}
}

void cmp_fleet_render(const cmp_fleet *f, const char *format, FILE *out)
{
	if (strcmp(format, "jsonl") == 0)
		jsonl(f, out);
	else if (strcmp(format, "json") == 0)
		json(f, out);
	else if (strcmp(format, "csv") == 0)
		csv(f, out);
	else
		text(f, out, strcmp(format, "markdown") == 0);
}
