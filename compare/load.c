/* load.c - read result documents (guestbench/1 and guestbench-suite/1).
 *
 * Syntax errors come from jansson with a line and a column; a document
 * that parses but is not a result (a wrong type where a metric is
 * expected) is named by the JSON path of the offending member.  Members
 * this version does not know are ignored: the contract only ever adds. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
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
		set_err(err, errlen, "%s: a result is not an object (at %s)", path, where);
		return -1;
	}
	if (get_str(res, "name", &m->name, 1) < 0 || !m->name[0]) {
		set_err(err, errlen, "%s: a result without a \"name\" string (at %s)", path, where);
		return -1;
	}
	if (get_str(res, "unit", &m->unit, 0) < 0) {
		set_err(err, errlen, "%s: \"unit\" is not a string (at %s.unit)", path, where);
		return -1;
	}
	if (!m->unit)
		m->unit = "";
	if (get_str(res, "better", &better, 1) < 0 ||
	    (strcmp(better, "higher") != 0 && strcmp(better, "lower") != 0)) {
		set_err(err, errlen, "%s: \"better\" must be \"higher\" or \"lower\" (at %s.better)", path, where);
		return -1;
	}
	m->lower = strcmp(better, "lower") == 0;

	json_t *s = json_object_get(res, "samples");
	if (s && !json_is_null(s)) {
		if (!json_is_array(s)) {
			set_err(err, errlen, "%s: \"samples\" is not an array (at %s.samples)", path, where);
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
				set_err(err, errlen, "%s: a sample is not a number (at %s.samples[%zu])", path, where, k);
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
		m->mean = cmp_mean(m->samples, m->n);
		m->median = cmp_median(m->samples, m->n);
	} else {
		/* a harness may strip samples: keep the summary, no test */
		m->mean = num_or_nan(res, "mean");
		m->median = num_or_nan(res, "median");
	}
	return 0;
}

static void run_free(cmp_run *r)
{
	for (size_t i = 0; i < r->nm; i++)
		free(r->m[i].samples);
	free(r->m);
	gb_strlist_free(&r->unavailable);
	free((char *)r->path);
	memset(r, 0, sizeof *r);
}

static int load_run(cmp_env *e, json_t *doc, const char *path, const char *where, char *err, size_t errlen)
{
	cmp_run run;
	memset(&run, 0, sizeof run);
	if (!json_is_object(doc)) {
		set_err(err, errlen, "%s: not a guestbench result (an object is expected at %s)", path, where);
		run_free(&run);
		return -1;
	}
	const char *schema;
	if (get_str(doc, "schema", &schema, 1) < 0) {
		set_err(err, errlen, "%s: not a guestbench result: no \"schema\" (at %s)", path, where);
		return -1;
	}
	if (strcmp(schema, "guestbench/1") != 0) {
		set_err(err, errlen, "%s: schema \"%.40s\" is not guestbench/1 (at %s)", path, schema, where);
		return -1;
	}
	if (get_str(doc, "bench", &run.bench, 1) < 0 || !run.bench[0]) {
		set_err(err, errlen, "%s: no \"bench\" string (at %s)", path, where);
		return -1;
	}
	json_t *v = json_object_get(doc, "valid");
	run.valid = !json_is_false(v);
	run.config = json_object_get(doc, "config");
	if (run.config && !json_is_object(run.config))
		run.config = NULL;
	run.env = json_object_get(doc, "env");
	if (run.env && !json_is_object(run.env))
		run.env = NULL;

	json_t *res = json_object_get(doc, "results");
	if (!json_is_array(res)) {
		set_err(err, errlen, "%s: \"results\" is not an array (at %s.results)", path, where);
		return -1;
	}
	size_t k;
	json_array_foreach(res, k, v) {
		char at[96];
		snprintf(at, sizeof at, "%s.results[%zu]", where, k);
		run.m = gb_xrealloc(run.m, (run.nm + 1) * sizeof *run.m);
		if (load_metric(&run.m[run.nm], v, path, at, err, errlen) < 0) {
			run_free(&run);
			return -1;
		}
		for (size_t i = 0; i < run.nm; i++)
			if (strcmp(run.m[i].name, run.m[run.nm].name) == 0) {
				set_err(err, errlen, "%s: metric \"%.64s\" appears twice in %s (at %s)", path,
					run.m[i].name, run.bench, at);
				run.nm++;
				run_free(&run);
				return -1;
			}
		run.nm++;
	}
	json_t *un = json_object_get(doc, "unavailable");
	if (json_is_array(un))
		json_array_foreach(un, k, v) {
			const char *name = NULL, *why = NULL;
			if (!json_is_object(v) || get_str(v, "name", &name, 1) < 0)
				continue;
			if (get_str(v, "reason", &why, 0) < 0 || !why)
				why = "no reason given";
			gb_strlist_addf(&run.unavailable, "%s: %s", name, why);
		}
	for (size_t i = 0; i < e->nruns; i++)
		if (strcmp(e->runs[i].bench, run.bench) == 0) {
			set_err(err, errlen, "%s: benchmark \"%.64s\" appears twice (at %s)", path, run.bench, where);
			run_free(&run);
			return -1;
		}
	run.path = gb_xstrdup(path);
	e->runs = gb_grow(e->runs, e->nruns, &e->caprun, sizeof *e->runs);
	e->runs[e->nruns++] = run;
	return 0;
}

int cmp_parse(cmp_env *e, const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	memset(e, 0, sizeof *e);
	e->path = gb_xstrdup(path);
	json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		set_err(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	e->docs = gb_xmalloc(sizeof *e->docs);
	e->docs[e->ndocs++] = doc;

	const char *schema = NULL, *label = NULL;
	if (!json_is_object(doc) || get_str(doc, "schema", &schema, 1) < 0) {
		set_err(err, errlen, "%s: not a guestbench result: no \"schema\" member at the top", path);
		return -1;
	}
	if (get_str(doc, "label", &label, 0) < 0) {
		set_err(err, errlen, "%s: \"label\" is not a string", path);
		return -1;
	}
	e->doc_label = label ? label : "unlabelled";
	if (strcmp(schema, "guestbench-suite/1") == 0) {
		json_t *runs = json_object_get(doc, "runs"), *v;
		size_t k;
		if (!json_is_array(runs)) {
			set_err(err, errlen, "%s: a suite document without a \"runs\" array", path);
			return -1;
		}
		e->env = json_object_get(doc, "env");
		json_array_foreach(runs, k, v) {
			char at[32];
			snprintf(at, sizeof at, "runs[%zu]", k);
			if (load_run(e, v, path, at, err, errlen) < 0)
				return -1;
		}
		json_t *sk = json_object_get(doc, "skipped");
		if (json_is_array(sk))
			json_array_foreach(sk, k, v) {
				const char *b = NULL, *why = NULL;
				if (json_is_object(v) && get_str(v, "bench", &b, 1) == 0 &&
				    get_str(v, "reason", &why, 0) == 0)
					gb_strlist_addf(&e->skipped, "%s: %s", b, why ? why : "no reason given");
			}
	} else if (strcmp(schema, "guestbench/1") == 0) {
		if (load_run(e, doc, path, "the top", err, errlen) < 0)
			return -1;
	} else {
		set_err(err, errlen, "%s: unknown schema \"%.40s\" (this gb-compare reads guestbench/1 and "
			"guestbench-suite/1)", path, schema);
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

int cmp_load_file(cmp_env *e, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = gb_read_all(NULL, path, &len);
	if (!buf) {
		memset(e, 0, sizeof *e);
		set_err(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
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
	for (size_t i = 0; i < add->nruns; i++)
		for (size_t j = 0; j < into->nruns; j++)
			if (strcmp(add->runs[i].bench, into->runs[j].bench) == 0)
				return 0;
	return 1;
}

void cmp_env_merge(cmp_env *into, cmp_env *add)
{
	for (size_t i = 0; i < add->nruns; i++) {
		into->runs = gb_grow(into->runs, into->nruns, &into->caprun, sizeof *into->runs);
		into->runs[into->nruns++] = add->runs[i];
	}
	into->docs = gb_xrealloc(into->docs, (into->ndocs + add->ndocs) * sizeof *into->docs);
	for (size_t i = 0; i < add->ndocs; i++)
		into->docs[into->ndocs++] = add->docs[i];
	for (size_t i = 0; i < add->skipped.n; i++)
		gb_strlist_add(&into->skipped, add->skipped.v[i]);
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
		run_free(&e->runs[i]);
	free(e->runs);
	for (size_t i = 0; i < e->ndocs; i++)
		json_decref(e->docs[i]);
	free(e->docs);
	gb_strlist_free(&e->skipped);
	free(e->label);
	free(e->path);
	memset(e, 0, sizeof *e);
}
