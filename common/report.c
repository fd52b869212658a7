/* report.c - the result model and its renderings (see report.h, docs/json.md). */
#include "format.h"
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "jsonl.h"
#include "output.h"

/* ----------------------------------------------------------- kvlist -- */

static gb_kv *kv_slot(gb_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].s);
			l->v[i].s = NULL;
			return &l->v[i];
		}
	l->v = gb_grow(l->v, l->n, &l->cap, sizeof *l->v);
	gb_kv *kv = &l->v[l->n++];
	memset(kv, 0, sizeof *kv);
	kv->key = gb_xstrdup(key);
	return kv;
}

void gb_kv_str(gb_kvlist *l, const char *key, const char *val)
{
	gb_kv *kv = kv_slot(l, key);
	kv->type = 's';
	kv->s = val ? gb_xstrdup(val) : NULL;
}

void gb_kv_int(gb_kvlist *l, const char *key, long long val)
{
	gb_kv *kv = kv_slot(l, key);
	kv->type = 'i';
	kv->i = val;
}

void gb_kv_num(gb_kvlist *l, const char *key, double val)
{
	gb_kv *kv = kv_slot(l, key);
	kv->type = 'd';
	kv->d = val;
}

void gb_kv_null(gb_kvlist *l, const char *key)
{
	kv_slot(l, key)->type = 'n';
}

void gb_kv_bool(gb_kvlist *l, const char *key, int val)
{
	gb_kv *kv = kv_slot(l, key);
	kv->type = 'b';
	kv->i = !!val;
}

void gb_kvlist_free(gb_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].s);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void kv_json(gb_json *j, const gb_kv *kv)
{
	switch (kv->type) {
	case 's': gb_json_str(j, kv->key, kv->s); break;
	case 'i': gb_json_int(j, kv->key, kv->i); break;
	case 'd': gb_json_num(j, kv->key, kv->d); break;
	case 'b': gb_json_bool(j, kv->key, (int)kv->i); break;
	case 'n': gb_json_null(j, kv->key); break;
	}
}

/* ----------------------------------------------------------- config -- */

/* Options that only shape the output are not part of the configuration. */
static int presentation_only(const char *name)
{
	static const char *const skip[] = { "label", "format", "output", "quiet", "verbose",
					     "version", "help", "plan", NULL };
	for (int i = 0; skip[i]; i++)
		if (strcmp(name, skip[i]) == 0)
			return 1;
	return 0;
}

static void config_from_cli(gb_kvlist *cfg, const gb_cli *cli)
{
	for (int i = 0; i < cli->nall; i++) {
		const gb_opt *o = &cli->all[i];
		if (presentation_only(o->name))
			continue;
		char key[64];
		gb_strlcpy(key, o->name, sizeof key);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		int given = o->def || cli->set[i];
		switch (o->type) {
		case GB_OPT_FLAG:
			gb_kv_bool(cfg, key, *(int *)o->dest);
			break;
		case GB_OPT_INT:
			if (given)
				gb_kv_int(cfg, key, *(long long *)o->dest);
			else
				gb_kv_str(cfg, key, "auto");
			break;
		case GB_OPT_SIZE:
			if (given)
				gb_kv_int(cfg, key, (long long)*(uint64_t *)o->dest);
			else
				gb_kv_str(cfg, key, "auto");
			break;
		case GB_OPT_DOUBLE:
		case GB_OPT_DURATION:
			gb_kv_num(cfg, key, *(double *)o->dest);
			break;
		default:
			gb_kv_str(cfg, key, *(const char **)o->dest);
		}
	}
}

/* ------------------------------------------------------------ model -- */

void gb_report_init(gb_report *r, const gb_cli *cli)
{
	memset(r, 0, sizeof *r);
	r->cli = cli;
	r->bench = cli->spec->bench;
	r->out.path = cli->c.output;
	r->out.format = cli->c.format;	/* NULL: not given */
	r->out.quiet = cli->c.quiet;
	r->plan = cli->c.plan;
	r->valid = 1;
	gb_utc_now(r->started);
	r->env = gb_env_get();
	config_from_cli(&r->config, cli);

	/* Timing is only as good as the clock: without a vDSO-capable
	 * clocksource every timestamp is itself a system call. */
	const char *cs = r->env->clocksource;
	if (strcmp(cs, "unknown") && strcmp(cs, "tsc") && strcmp(cs, "kvm-clock") &&
	    strcmp(cs, "hyperv_clocksource_tsc_page") && strcmp(cs, "arch_sys_counter"))
		gb_report_warn(r, "clocksource '%s' has no fast user-space read: each timestamp costs a "
			       "system call, so short operations look slower", cs);

	/* last: the window of the disturbance readings is the run itself */
	cpu_set_t cpus;
	char err[256];
	if (gb_cli_cpus(cli, &cpus, err, sizeof err) != 0)
		cpus = gb_effective_get()->cpus;
	if (!r->plan && gb_neighbors_start(&r->neighbors, cli->c.neighbors, &cpus, err, sizeof err) < 0)
		gb_die(GB_EXIT_ENV, "--neighbors %s: %s", cli->c.neighbors, err);
	gb_disturb_begin(&r->disturb, &cpus);
}

gb_metric *gb_report_metric(gb_report *r, const char *name, const char *unit, gb_better better,
			    const double *samples, size_t n)
{
	r->m = gb_grow(r->m, r->nm, &r->capm, sizeof *r->m);
	gb_metric *m = &r->m[r->nm++];
	memset(m, 0, sizeof *m);
	m->name = gb_xstrdup(name);
	m->unit = gb_xstrdup(unit);
	m->better = better;
	m->samples = gb_xmalloc((n ? n : 1) * sizeof *m->samples);
	memcpy(m->samples, samples, n * sizeof *samples);
	m->nsamples = n;
	gb_stats_compute(samples, n, &m->st);
	/* with fewer than 5 samples there is no "rest" to stand out from */
	if (m->st.outliers && n >= 5)
		gb_report_warn(r, "%s: %zu of %zu samples are outliers (modified z-score > 3.5): "
			       "something else ran; trust the median", name, m->st.outliers, n);
	return m;
}

void gb_metric_set_pct(gb_metric *m, const gb_hist *h, double scale)
{
	gb_hist_pct(h, &m->pct);
	m->pct.p50 *= scale;
	m->pct.p90 *= scale;
	m->pct.p99 *= scale;
	m->pct.p999 *= scale;
	m->pct.max *= scale;
	m->has_pct = h->n > 0;
}

void gb_metric_note(gb_metric *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(m->note);
	if (vasprintf(&m->note, fmt, ap) < 0)
		m->note = NULL;
	va_end(ap);
}

void gb_report_warn(gb_report *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gb_strlist_add(&r->warnings, buf);
}

void gb_report_fail(gb_report *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->valid = 0;
	gb_strlist_add(&r->invalid, buf);
}

void gb_report_unavailable(gb_report *r, const char *name, int err, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->u = gb_grow(r->u, r->nu, &r->capu, sizeof *r->u);
	gb_unavail *u = &r->u[r->nu++];
	u->name = gb_xstrdup(name);
	u->err = err;
	u->reason = gb_xstrdup(buf);
	/* DESIGN.md: a metric that could not be measured is left out and a
	 * warning says why */
	gb_report_warn(r, "%s not measured: %s", name, buf);
}

/* "EPERM" for EPERM; "" for 0; "errno N" for one glibc has no name for. */
static const char *errno_name(int err)
{
	static char buf[32];
	if (!err)
		return "";
	const char *n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof buf, "errno %d", err);
	return buf;
}

/* ------------------------------------------------------------- JSON -- */

static void metric_json(gb_json *j, const gb_metric *m)
{
	const gb_stats *s = &m->st;
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "name", m->name);
	gb_json_str(j, "unit", m->unit);
	gb_json_str(j, "better", m->better == GB_HIGHER ? "higher" : "lower");
	gb_json_int(j, "n", (long long)s->n);
	gb_json_num(j, "min", s->min);
	gb_json_num(j, "max", s->max);
	gb_json_num(j, "mean", s->mean);
	gb_json_num(j, "median", s->median);
	gb_json_num(j, "stddev", s->stddev);
	gb_json_num(j, "cv", s->cv);
	gb_json_arr_begin(j, "ci95");
	gb_json_num(j, NULL, s->ci95_lo);
	gb_json_num(j, NULL, s->ci95_hi);
	gb_json_arr_end(j);
	gb_json_int(j, "outliers", (long long)s->outliers);
	if (m->has_pct) {
		gb_json_num(j, "p50", m->pct.p50);
		gb_json_num(j, "p90", m->pct.p90);
		gb_json_num(j, "p99", m->pct.p99);
		gb_json_num(j, "p999", m->pct.p999);
		gb_json_num(j, "pmax", m->pct.max);
	}
	for (size_t i = 0; i < m->extra.n; i++)
		kv_json(j, &m->extra.v[i]);
	if (m->note)
		gb_json_str(j, "note", m->note);
	gb_json_arr_begin(j, "samples");
	for (size_t i = 0; i < m->nsamples; i++)
		gb_json_num(j, NULL, m->samples[i]);
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}

static void strlist_json(gb_json *j, const char *key, const gb_strlist *l)
{
	gb_json_arr_begin(j, key);
	for (size_t i = 0; i < l->n; i++)
		gb_json_str(j, NULL, l->v[i]);
	gb_json_arr_end(j);
}

void gb_report_json(const gb_report *r, FILE *f)
{
	gb_json j;
	gb_json_init(&j, f, 1);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "schema", "guestbench/1");
	gb_json_str(&j, "bench", r->bench);
	gb_json_str(&j, "version", GB_VERSION);
	gb_json_str(&j, "label", r->cli->c.label);
	gb_json_str(&j, "started", r->started);
	if (r->plan)	/* --plan: the config is the answer, nothing was measured */
		gb_json_bool(&j, "plan", 1);
	gb_env_json(&j, r->env);
	gb_json_obj_begin(&j, "config");
	for (size_t i = 0; i < r->config.n; i++)
		kv_json(&j, &r->config.v[i]);
	gb_json_obj_end(&j);
	gb_json_arr_begin(&j, "results");
	for (size_t i = 0; i < r->nm; i++)
		metric_json(&j, &r->m[i]);
	gb_json_arr_end(&j);
	gb_json_arr_begin(&j, "unavailable");
	for (size_t i = 0; i < r->nu; i++) {
		const gb_unavail *u = &r->u[i];
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "name", u->name);
		if (u->err) {
			gb_json_int(&j, "errno", u->err);
			gb_json_str(&j, "error", errno_name(u->err));
		} else {
			gb_json_null(&j, "errno");
			gb_json_null(&j, "error");
		}
		gb_json_str(&j, "reason", u->reason);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	gb_json_bool(&j, "valid", r->valid);
	strlist_json(&j, "invalid_reasons", &r->invalid);
	strlist_json(&j, "warnings", &r->warnings);
	gb_disturb_json(&j, &r->disturb);
	gb_neighbors_json(&j, &r->neighbors);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

/* ------------------------------------------------------------ table -- */

void gb_report_table(const gb_report *r, FILE *f)
{
	char env[512];
	gb_env_summary(r->env, env, sizeof env);
	fprintf(f, "%s %s  label %s  %s\n%s\n\n", r->cli->spec->prog, GB_VERSION, r->cli->c.label,
		r->started, env);
	if (r->plan) {
		fprintf(f, "plan (--plan: nothing measured); the configuration a run would use:\n");
		for (size_t i = 0; i < r->config.n; i++) {
			const gb_kv *kv = &r->config.v[i];
			char v[64];
			switch (kv->type) {
			case 's': fprintf(f, "  %-24s %s\n", kv->key, kv->s ? kv->s : "-"); continue;
			case 'i': snprintf(v, sizeof v, "%lld", kv->i); break;
			case 'd': gb_fmt_num(v, sizeof v, kv->d); break;
			case 'b': snprintf(v, sizeof v, "%s", kv->i ? "true" : "false"); break;
			default: snprintf(v, sizeof v, "-"); break;
			}
			fprintf(f, "  %-24s %s\n", kv->key, v);
		}
		return;
	}

	size_t w = 6;
	for (size_t i = 0; i < r->nm; i++)
		if (strlen(r->m[i].name) > w)
			w = strlen(r->m[i].name);
	fprintf(f, "%-*s  %-5s %10s %10s %9s %10s %10s %6s %4s  %s\n", (int)w, "metric", "unit", "median",
		"mean", "±95%", "min", "max", "cv%", "n", "");
	for (size_t i = 0; i < r->nm; i++) {
		const gb_metric *m = &r->m[i];
		char med[32], mean[32], ci[32], mn[32], mx[32];
		gb_fmt_num(med, sizeof med, m->st.median);
		gb_fmt_num(mean, sizeof mean, m->st.mean);
		gb_fmt_num(ci, sizeof ci, (m->st.ci95_hi - m->st.ci95_lo) / 2);
		gb_fmt_num(mn, sizeof mn, m->st.min);
		gb_fmt_num(mx, sizeof mx, m->st.max);
		char note[256] = "";
		if (m->has_pct) {
			char p50[32], p99[32];
			gb_fmt_num(p50, sizeof p50, m->pct.p50);
			gb_fmt_num(p99, sizeof p99, m->pct.p99);
			snprintf(note, sizeof note, "p50 %s p99 %s%s%s", p50, p99, m->note ? "; " : "",
				 m->note ? m->note : "");
		} else if (m->note) {
			gb_strlcpy(note, m->note, sizeof note);
		}
		fprintf(f, "%-*s  %-5s %10s %10s %9s %10s %10s %6.1f %4zu  %s\n", (int)w, m->name, m->unit, med,
			mean, ci, mn, mx, m->st.cv * 100, m->st.n, note);
	}
	for (size_t i = 0; i < r->nu; i++)
		fprintf(f, "%-*s  unavailable: %s%s%s\n", (int)w, r->u[i].name, errno_name(r->u[i].err),
			r->u[i].err ? ", " : "", r->u[i].reason);
	if (r->warnings.n) {
		fprintf(f, "\nwarnings:\n");
		for (size_t i = 0; i < r->warnings.n; i++)
			fprintf(f, "  - %s\n", r->warnings.v[i]);
	}
	char why[2048];
	gb_neighbors_line(&r->neighbors, why, sizeof why);
	if (why[0])
		fprintf(f, "\n%s\n", why);
	gb_disturb_line(&r->disturb, why, sizeof why);
	if (why[0])
		fprintf(f, "\n%s\n", why);
	if (r->valid) {
		fprintf(f, "\nresult: valid\n");
	} else {
		fprintf(f, "\nresult: INVALID\n");
		for (size_t i = 0; i < r->invalid.n; i++)
			fprintf(f, "  - %s\n", r->invalid.v[i]);
	}
}

/* -------------------------------------------------------------- CSV -- */

static void csv_num(FILE *f, double v)
{
	char buf[40] = "";
	if (isfinite(v))
		gb_fmt_double(buf, sizeof buf, v);
	fputc(',', f);
	fputs(buf, f);
}

const char gb_csv_header[] = "bench,label,metric,unit,better,n,min,max,mean,median,stddev,cv,"
			    "ci95_lo,ci95_hi,p50,p90,p99,p999,valid\n";

void gb_csv_row_write(FILE *f, const gb_csv_row *w)
{
	gb_csv_field(f, w->bench);
	fputc(',', f);
	gb_csv_field(f, w->label);
	fputc(',', f);
	gb_csv_field(f, w->metric);
	fputc(',', f);
	gb_csv_field(f, w->unit);
	fprintf(f, ",%s,%zu", w->lower ? "lower" : "higher", w->n);
	const double v[] = { w->min, w->max, w->mean, w->median, w->stddev, w->cv, w->ci95_lo,
			     w->ci95_hi, w->p50, w->p90, w->p99, w->p999 };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		csv_num(f, v[i]);
	fprintf(f, ",%s\n", w->valid ? "true" : "false");
}

void gb_report_csv(const gb_report *r, FILE *f)
{
	fputs(gb_csv_header, f);
	for (size_t i = 0; i < r->nm; i++) {
		const gb_metric *m = &r->m[i];
		double nan = NAN;
		gb_csv_row w = {
			.bench = r->bench, .label = r->cli->c.label, .metric = m->name, .unit = m->unit,
			.lower = m->better == GB_LOWER, .n = m->st.n, .min = m->st.min, .max = m->st.max,
			.mean = m->st.mean, .median = m->st.median, .stddev = m->st.stddev, .cv = m->st.cv,
			.ci95_lo = m->st.ci95_lo, .ci95_hi = m->st.ci95_hi,
			.p50 = m->has_pct ? m->pct.p50 : nan, .p90 = m->has_pct ? m->pct.p90 : nan,
			.p99 = m->has_pct ? m->pct.p99 : nan, .p999 = m->has_pct ? m->pct.p999 : nan,
			.valid = r->valid,
		};
		gb_csv_row_write(f, &w);
	}
}

/* ------------------------------------------------------------ JSONL -- */

void gb_report_jsonl(const gb_report *r, FILE *f)
{
	gb_jsonl_labels l;
	gb_jsonl_labels_of(&l, r->env, r->cli->c.label);
	for (size_t i = 0; i < r->nm; i++) {
		const gb_metric *m = &r->m[i];
		gb_jsonl_metric w = {
			.bench = r->bench, .name = m->name, .unit = m->unit, .lower = m->better == GB_LOWER,
			.median = m->st.median, .mean = m->st.mean, .cv = m->st.cv, .n = (long long)m->st.n,
			.valid = r->valid, .timestamp = r->started,
		};
		gb_jsonl_write(f, &l, &w);
	}
}

/* ----------------------------------------------------------- output -- */

static void render_table(const void *r, FILE *f) { gb_report_table(r, f); }
static void render_json(const void *r, FILE *f) { gb_report_json(r, f); }
static void render_csv(const void *r, FILE *f) { gb_report_csv(r, f); }
static void render_jsonl(const void *r, FILE *f) { gb_report_jsonl(r, f); }

/* Every benchmark's formats; the first is what a person reads. */
static const gb_format formats[] = {
	{ .name = "table", .ext = ".txt", .render = render_table },
	{ .name = "json", .ext = ".json", .render = render_json },
	{ .name = "csv", .ext = ".csv", .render = render_csv },
	{ .name = "jsonl", .ext = ".jsonl", .ext2 = ".ndjson", .render = render_jsonl },
};

static void metric_free(gb_metric *m)
{
	free(m->name);
	free(m->unit);
	free(m->samples);
	free(m->note);
	gb_kvlist_free(&m->extra);
}

static void report_free(gb_report *r)
{
	for (size_t i = 0; i < r->nm; i++)
		metric_free(&r->m[i]);
	free(r->m);
	for (size_t i = 0; i < r->nu; i++) {
		free(r->u[i].name);
		free(r->u[i].reason);
	}
	free(r->u);
	gb_kvlist_free(&r->config);
	gb_strlist_free(&r->invalid);
	gb_strlist_free(&r->warnings);
	gb_disturb_free(&r->disturb);
}

int gb_report_finish(gb_report *r)
{
	int status = r->valid ? GB_EXIT_OK : GB_EXIT_INVALID;

	gb_disturb_end(&r->disturb);	/* first: the run ends here */
	gb_neighbors_stop(&r->neighbors);	/* then the neighbours it ran beside */
	if (r->neighbors.early)
		gb_report_warn(r, "%d of %d neighbours ended before the run did: it had fewer neighbours than asked",
			       r->neighbors.early, r->neighbors.count);
	if (gb_output_emit(formats, sizeof formats / sizeof formats[0], r->out.format, r->out.path,
			   r->out.quiet, r) != 0)
		status = GB_EXIT_INVALID;
	if (!r->valid)
		for (size_t i = 0; i < r->invalid.n; i++)
			gb_err("invalid result: %s", r->invalid.v[i]);
	report_free(r);
	return status;
}
