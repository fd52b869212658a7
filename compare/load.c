/* load.c - read result documents (guestbench/1 and guestbench-suite/1).
 *
 * Syntax errors come from jansson with a line and a column; a document
 * that parses but is not a result (a wrong type where a metric is
 * expected) is named by the JSON path of the offending member.  Members
 * this version does not know are ignored: the contract only ever adds.
 * Every count and length that memory or time grows with is bounded
 * (limits.c, CMP_MAX_*), and every check of "twice" or "which reason" is a
 * sort or a binary search, never a scan per element: a hostile document
 * of 100 000 metrics must cost n log n, not n^2. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cmp_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A member that must be a string when present. */
static int get_str(json_t *o, const char *key, const char **out, int required)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		*out = NULL;
		return required ? -1 : 0;
	}
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int note_cmp(const void *a, const void *b)
{
	const cmp_note *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void notes_add(cmp_notes *l, const char *name, const char *why)
{
	l->v = gb_grow(l->v, l->n, &l->cap, sizeof *l->v);
	l->v[l->n] = (cmp_note){ name, why, l->n };
	l->n++;
}

static void notes_sort(cmp_notes *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, note_cmp);
}

static int note_name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const cmp_note *)elem)->name);
}

/* Exact names only: a reason is never taken from an entry whose name
 * merely starts like the one asked for. */
const char *cmp_notes_find(const cmp_notes *l, const char *name)
{
	const cmp_note *hit = l->n ? bsearch(name, l->v, l->n, sizeof *l->v, note_name_cmp) : NULL;
	if (!hit)
		return NULL;
	while (hit > l->v && strcmp(hit[-1].name, name) == 0)
		hit--;		/* the first of that name */
	return hit->why;
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first name occurring twice in v[0..n), or NULL (sorts a copy). */
static const char *first_duplicate(const char *const *v, size_t n)
{
	if (n < 2)
		return NULL;
	const char **c = gb_xmalloc(n * sizeof *c);
	memcpy(c, v, n * sizeof *c);
	qsort(c, n, sizeof *c, str_ptr_cmp);
	const char *dup = NULL;
	for (size_t i = 1; i < n && !dup; i++)
		if (strcmp(c[i - 1], c[i]) == 0)
			dup = c[i];
	free(c);
	return dup;
}

static double num_or_nan(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int load_metric(cmp_metric *m, json_t *res, const char *path, const char *where, char *err, size_t errlen)
{
	const char *better;
	memset(m, 0, sizeof *m);
	if (!json_is_object(res)) {
		cmp_set_err(err, errlen, "%s: a result is not an object (at %s)", path, where);
		return -1;
	}
	if (get_str(res, "name", &m->name, 1) < 0 || !m->name[0]) {
		cmp_set_err(err, errlen, "%s: a result without a \"name\" string (at %s)", path, where);
		return -1;
	}
	if (get_str(res, "unit", &m->unit, 0) < 0) {
		cmp_set_err(err, errlen, "%s: \"unit\" is not a string (at %s.unit)", path, where);
		return -1;
	}
	if (!m->unit)
		m->unit = "";
	if (cmp_too_long(m->name, CMP_MAX_NAME) || cmp_too_long(m->unit, CMP_MAX_NAME)) {
		cmp_set_err(err, errlen, "%s: a name or unit longer than %d bytes (at %s)", path, CMP_MAX_NAME, where);
		return -1;
	}
	if (get_str(res, "better", &better, 1) < 0 ||
	    (strcmp(better, "higher") != 0 && strcmp(better, "lower") != 0)) {
		cmp_set_err(err, errlen, "%s: \"better\" must be \"higher\" or \"lower\" (at %s.better)", path, where);
		return -1;
	}
	m->lower = strcmp(better, "lower") == 0;

	json_t *s = json_object_get(res, "samples");
	if (s && !json_is_null(s)) {
		if (!json_is_array(s)) {
			cmp_set_err(err, errlen, "%s: \"samples\" is not an array (at %s.samples)", path, where);
			return -1;
		}
		size_t k;
		json_t *v;
		m->samples = gb_xcalloc(json_array_size(s) + 1, sizeof *m->samples);
		json_array_foreach(s, k, v) {
			/* non-finite values are written null (docs/json.md): drop them */
			if (json_is_null(v))
				continue;
			if (!json_is_number(v)) {
				cmp_set_err(err, errlen, "%s: a sample is not a number (at %s.samples[%zu])", path, where, k);
				free(m->samples);
				m->samples = NULL;
				return -1;
			}
			double d = json_number_value(v);
			if (isfinite(d))
				m->samples[m->n++] = d;
		}
	}
	if (m->n) {
		m->mean = gb_mean(m->samples, m->n);
		m->median = gb_median(m->samples, m->n);
	} else {
		/* a harness may strip samples: keep the summary, no test */
		m->mean = num_or_nan(res, "mean");
		m->median = num_or_nan(res, "median");
	}
	return 0;
}

void cmp_run_free(cmp_run *r)
{
	for (size_t i = 0; i < r->nm; i++)
		free(r->m[i].samples);
	free(r->m);
	free(r->unavailable.v);
	free(r->disturb_why);
	free((char *)r->path);
	memset(r, 0, sizeof *r);
}

/* At most this much of a run's disturbance reasons is kept. */
#define DISTURB_TEXT 512

/* The document's "disturbance" (docs/json.md): "disturbed": true marks the
 * run, "reasons" says why.  Absent or null in documents older than it:
 * not disturbed.  Members of the wrong type are ignored, like any member
 * this version does not need. */
static void load_disturbance(cmp_run *run, json_t *doc)
{
	json_t *d = json_object_get(doc, "disturbance");
	if (!json_is_object(d) || !json_is_true(json_object_get(d, "disturbed")))
		return;
	run->disturbed = 1;
	json_t *reasons = json_object_get(d, "reasons"), *v;
	size_t k, len = 0;
	char text[DISTURB_TEXT] = "";
	if (json_is_array(reasons))
		json_array_foreach(reasons, k, v) {
			if (!json_is_string(v) || len + 4 >= sizeof text)
				continue;
			len += cmp_clip(text + len, sizeof text - len, len ? "; " : "", 0);
			len += strlen(text + len);
			cmp_clip(text + len, sizeof text - len, json_string_value(v), 0);
			len += strlen(text + len);
		}
	run->disturb_why = gb_xstrdup(len ? text : "no reason given");
}

static int load_run(cmp_env *e, json_t *doc, const char *path, const char *where, size_t *nmetrics, char *err,
		    size_t errlen)
{
	cmp_run run;
	memset(&run, 0, sizeof run);
	if (!json_is_object(doc)) {
		cmp_set_err(err, errlen, "%s: not a guestbench result (an object is expected at %s)", path, where);
		cmp_run_free(&run);
		return -1;
	}
	const char *schema;
	if (get_str(doc, "schema", &schema, 1) < 0) {
		cmp_set_err(err, errlen, "%s: not a guestbench result: no \"schema\" (at %s)", path, where);
		return -1;
	}
	if (strcmp(schema, "guestbench/1") != 0) {
		cmp_set_err(err, errlen, "%s: schema \"%.40s\" is not guestbench/1 (at %s)", path, schema, where);
		return -1;
	}
	if (get_str(doc, "bench", &run.bench, 1) < 0 || !run.bench[0]) {
		cmp_set_err(err, errlen, "%s: no \"bench\" string (at %s)", path, where);
		return -1;
	}
	json_t *v = json_object_get(doc, "valid");
	run.valid = !json_is_false(v);
	run.round = -1;
	run.config = json_object_get(doc, "config");
	if (run.config && !json_is_object(run.config))
		run.config = NULL;
	run.env = json_object_get(doc, "env");
	if (run.env && !json_is_object(run.env))
		run.env = NULL;

	if (cmp_too_long(run.bench, CMP_MAX_NAME)) {
		cmp_set_err(err, errlen, "%s: \"bench\" longer than %d bytes (at %s.bench)", path, CMP_MAX_NAME, where);
		return -1;
	}
	json_t *res = json_object_get(doc, "results");
	if (!json_is_array(res)) {
		cmp_set_err(err, errlen, "%s: \"results\" is not an array (at %s.results)", path, where);
		return -1;
	}
	if (json_array_size(res) > CMP_MAX_METRICS - *nmetrics) {
		cmp_set_err(err, errlen, "%s: more than %d results in one document (at %s.results; refused)", path,
			CMP_MAX_METRICS, where);
		return -1;
	}
	*nmetrics += json_array_size(res);
	run.m = gb_xcalloc(json_array_size(res) + 1, sizeof *run.m);
	size_t k;
	json_array_foreach(res, k, v) {
		char at[96];
		snprintf(at, sizeof at, "%s.results[%zu]", where, k);
		if (load_metric(&run.m[run.nm], v, path, at, err, errlen) < 0) {
			cmp_run_free(&run);
			return -1;
		}
		run.nm++;
	}
	const char **names = gb_xmalloc((run.nm + 1) * sizeof *names);
	for (size_t i = 0; i < run.nm; i++)
		names[i] = run.m[i].name;
	const char *dup = first_duplicate(names, run.nm);
	free(names);
	if (dup) {
		cmp_set_err(err, errlen, "%s: metric \"%.64s\" appears twice in %.64s (at %s.results)", path, dup,
			run.bench, where);
		cmp_run_free(&run);
		return -1;
	}
	json_t *un = json_object_get(doc, "unavailable");
	if (json_is_array(un))
		json_array_foreach(un, k, v) {
			const char *name = NULL, *why = NULL;
			if (!json_is_object(v) || get_str(v, "name", &name, 1) < 0)
				continue;
			if (get_str(v, "reason", &why, 0) < 0 || !why)
				why = "no reason given";
			if (cmp_too_long(why, CMP_MAX_REASON)) {
				cmp_set_err(err, errlen, "%s: a reason longer than %d bytes (at %s.unavailable[%zu])", path,
					CMP_MAX_REASON, where, k);
				cmp_run_free(&run);
				return -1;
			}
			notes_add(&run.unavailable, name, why);
		}
	notes_sort(&run.unavailable);
	load_disturbance(&run, doc);
	run.path = gb_xstrdup(path);
	e->runs = gb_grow(e->runs, e->nruns, &e->caprun, sizeof *e->runs);
	e->runs[e->nruns++] = run;
	return 0;
}

static void env_init(cmp_env *e, const char *path)
{
	memset(e, 0, sizeof *e);
	e->path = gb_xstrdup(path);
	e->round = -1;
	e->nlaunch = 1;
}

int cmp_load_doc(cmp_env *e, json_t *doc, const char *path, const char *where, char *err, size_t errlen)
{
	env_init(e, path);
	e->docs = gb_xmalloc(sizeof *e->docs);
	e->docs[e->ndocs++] = doc;

	const char *schema = NULL, *label = NULL;
	if (!json_is_object(doc) || get_str(doc, "schema", &schema, 1) < 0) {
		cmp_set_err(err, errlen, "%s: not a guestbench result: no \"schema\" member (at %s)", path, where);
		return -1;
	}
	if (get_str(doc, "label", &label, 0) < 0) {
		cmp_set_err(err, errlen, "%s: \"label\" is not a string (at %s)", path, where);
		return -1;
	}
	if (cmp_too_long(label, CMP_MAX_NAME)) {
		cmp_set_err(err, errlen, "%s: \"label\" longer than %d bytes (at %s)", path, CMP_MAX_NAME, where);
		return -1;
	}
	e->doc_label = gb_xstrdup(label ? label : "unlabelled");
	size_t nmetrics = 0;
	if (strcmp(schema, "guestbench-suite/1") == 0) {
		json_t *runs = json_object_get(doc, "runs"), *v;
		size_t k;
		if (!json_is_array(runs)) {
			cmp_set_err(err, errlen, "%s: a suite document without a \"runs\" array (at %s)", path, where);
			return -1;
		}
		if (json_array_size(runs) > CMP_MAX_RUNS) {
			cmp_set_err(err, errlen, "%s: more than %d benchmark runs in one document (at %s; refused)", path,
				CMP_MAX_RUNS, where);
			return -1;
		}
		e->env = json_object_get(doc, "env");
		json_array_foreach(runs, k, v) {
			char at[96];
			snprintf(at, sizeof at, "%s.runs[%zu]", where, k);
			if (load_run(e, v, path, at, &nmetrics, err, errlen) < 0)
				return -1;
		}
		const char **benches = gb_xmalloc((e->nruns + 1) * sizeof *benches);
		for (size_t i = 0; i < e->nruns; i++)
			benches[i] = e->runs[i].bench;
		const char *dup = first_duplicate(benches, e->nruns);
		free(benches);
		if (dup) {
			cmp_set_err(err, errlen, "%s: benchmark \"%.64s\" appears twice (at %s.runs)", path, dup, where);
			return -1;
		}
		json_t *sk = json_object_get(doc, "skipped");
		if (json_is_array(sk))
			json_array_foreach(sk, k, v) {
				const char *b = NULL, *why = NULL;
				if (!json_is_object(v) || get_str(v, "bench", &b, 1) < 0 || get_str(v, "reason", &why, 0) < 0)
					continue;
				if (cmp_too_long(why, CMP_MAX_REASON)) {
					cmp_set_err(err, errlen, "%s: a reason longer than %d bytes (at %s.skipped[%zu])", path,
						CMP_MAX_REASON, where, k);
					return -1;
				}
				notes_add(&e->skipped, b, why ? why : "no reason given");
			}
		notes_sort(&e->skipped);
	} else if (strcmp(schema, "guestbench/1") == 0) {
		if (load_run(e, doc, path, where, &nmetrics, err, errlen) < 0)
			return -1;
	} else {
		cmp_set_err(err, errlen, "%s: unknown schema \"%.40s\" (at %s; this gb-compare reads guestbench/1, "
			"guestbench-suite/1 and guestbench-campaign/1)", path, schema, where);
		return -1;
	}
	if (!json_is_object(e->env))
		e->env = e->nruns ? e->runs[0].env : NULL;
	/* a suite may store the fingerprint once, at the top */
	for (size_t i = 0; i < e->nruns; i++)
		if (!e->runs[i].env)
			e->runs[i].env = e->env;
	e->label = gb_xstrdup(e->doc_label);
	return 0;
}

/* The text into a jansson tree, limits first (limits.c). */
static json_t *parse_text(const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	if (cmp_prescan(buf, len, path, err, errlen) < 0)
		return NULL;
	json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		cmp_set_err(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	return doc;
}

int cmp_parse(cmp_env *e, const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	json_t *doc = parse_text(path, buf, len, err, errlen);
	if (!doc) {
		env_init(e, path);
		return -1;
	}
	return cmp_load_doc(e, doc, path, "the top", err, errlen);
}

void cmp_input_add(cmp_input *in, const cmp_env *e)
{
	in->unit = gb_grow(in->unit, in->n, &in->cap, sizeof *in->unit);
	in->unit[in->n++] = *e;
}

int cmp_input_parse(cmp_input *in, const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	json_t *doc = parse_text(path, buf, len, err, errlen);
	if (!doc)
		return -1;
	json_t *schema = json_is_object(doc) ? json_object_get(doc, "schema") : NULL;
	if (json_is_string(schema) && strcmp(json_string_value(schema), "guestbench-campaign/1") == 0) {
		in->campaign = 1;
		int rc = cmp_campaign_load(in, doc, path, err, errlen);
		json_decref(doc);	/* the launches hold their own references */
		return rc;
	}
	cmp_env e;
	int rc = cmp_load_doc(&e, doc, path, "the top", err, errlen);
	if (rc < 0) {
		cmp_env_free(&e);
		return -1;
	}
	cmp_input_add(in, &e);
	return 0;
}

int cmp_input_load(cmp_input *in, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = cmp_read_input(path, &len, err, errlen);
	if (!buf)
		return -1;
	int rc = cmp_input_parse(in, path, buf, len, err, errlen);
	free(buf);
	return rc;
}

void cmp_input_free(cmp_input *in)
{
	for (size_t i = 0; i < in->n; i++)
		cmp_env_free(&in->unit[i]);
	free(in->unit);
	memset(in, 0, sizeof *in);
}

int cmp_load_file(cmp_env *e, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = cmp_read_input(path, &len, err, errlen);
	if (!buf) {
		env_init(e, path);
		return -1;
	}
	int rc = cmp_parse(e, path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int cmp_env_can_merge(const cmp_env *into, const cmp_env *add)
{
	if (strcmp(into->doc_label, add->doc_label) != 0)
		return 0;
	size_t n = into->nruns + add->nruns;
	const char **benches = gb_xmalloc((n + 1) * sizeof *benches);
	for (size_t i = 0; i < into->nruns; i++)
		benches[i] = into->runs[i].bench;
	for (size_t i = 0; i < add->nruns; i++)
		benches[into->nruns + i] = add->runs[i].bench;
	/* neither holds a benchmark twice (load.c refused that), so a
	 * duplicate is one benchmark in both */
	int clash = first_duplicate(benches, n) != NULL;
	free(benches);
	return !clash;
}

void cmp_env_merge(cmp_env *into, cmp_env *add)
{
	for (size_t i = 0; i < add->nruns; i++) {
		into->runs = gb_grow(into->runs, into->nruns, &into->caprun, sizeof *into->runs);
		add->runs[i].launch += into->nlaunch;
		into->runs[into->nruns++] = add->runs[i];
	}
	into->nlaunch += add->nlaunch;
	into->campaign |= add->campaign;
	if (!into->env)
		into->env = add->env;
	for (size_t i = 0; i < add->failed.n; i++)
		gb_strlist_add(&into->failed, add->failed.v[i]);
	for (size_t i = 0; i < add->disturbed.n; i++)
		gb_strlist_add(&into->disturbed, add->disturbed.v[i]);
	into->dropped += add->dropped;
	into->docs = gb_xrealloc(into->docs, (into->ndocs + add->ndocs) * sizeof *into->docs);
	for (size_t i = 0; i < add->ndocs; i++)
		into->docs[into->ndocs++] = add->docs[i];
	for (size_t i = 0; i < add->skipped.n; i++)
		notes_add(&into->skipped, add->skipped.v[i].name, add->skipped.v[i].why);
	notes_sort(&into->skipped);
	free(add->runs);
	free(add->docs);
	add->runs = NULL;
	add->docs = NULL;
	add->nruns = add->ndocs = add->caprun = 0;
	cmp_env_free(add);
}

void cmp_env_free(cmp_env *e)
{
	for (size_t i = 0; i < e->nruns; i++)
		cmp_run_free(&e->runs[i]);
	free(e->runs);
	for (size_t i = 0; i < e->ndocs; i++)
		json_decref(e->docs[i]);
	free(e->docs);
	free(e->skipped.v);
	gb_strlist_free(&e->failed);
	gb_strlist_free(&e->disturbed);
	free(e->label);
	free(e->doc_label);
	free(e->path);
	memset(e, 0, sizeof *e);
}
