/* doc.c - write the guestbench-suite/1 document.
 *
 * The runs were parsed with jansson (to validate them); they are written
 * back through common/json's writer rather than json_dump, so numbers keep
 * the shortest text that reads back exactly - as in every single-benchmark
 * document - instead of jansson's 17 digits (0.1 -> 0.10000000000000001),
 * and the fingerprint comes straight from common/env. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "env.h"
#include "guestbench.h"
#include "json.h"
#include "jsonl.h"
#include "report.h"
#include "util.h"

static void put(gb_json *j, const char *key, json_t *v)
{
	const char *k;
	json_t *m;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		gb_json_obj_begin(j, key);
		json_object_foreach(v, k, m)
			put(j, k, m);
		gb_json_obj_end(j);
		break;
	case JSON_ARRAY:
		gb_json_arr_begin(j, key);
		json_array_foreach(v, i, m)
			put(j, NULL, m);
		gb_json_arr_end(j);
		break;
	case JSON_STRING:
		gb_json_str(j, key, json_string_value(v));
		break;
	case JSON_INTEGER:
		gb_json_int(j, key, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		gb_json_num(j, key, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		gb_json_bool(j, key, json_is_true(v));
		break;
	case JSON_NULL:
		gb_json_null(j, key);
		break;
	}
}

void suite_json(const suite_doc *s, FILE *f)
{
	gb_json j;
	gb_json_init(&j, f, 1);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "schema", "guestbench-suite/1");
	gb_json_str(&j, "version", GB_VERSION);
	gb_json_str(&j, "label", s->label);
	gb_json_str(&j, "started", s->started);
	gb_json_str(&j, "finished", s->finished);
	gb_json_bool(&j, "quick", s->quick);
	gb_env_json(&j, s->env);
	put(&j, "runs", s->runs);
	put(&j, "skipped", s->skipped);
	put(&j, "seconds", s->seconds);
	gb_json_bool(&j, "valid", s->valid);
	gb_json_obj_end(&j);
	gb_json_end(&j);
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The suite as CSV: every run's metrics, in the columns every benchmark's
 * own CSV has (common/report), one header. */
void suite_csv(const suite_doc *s, FILE *f)
{
	fputs(gb_csv_header, f);
	size_t i, k;
	json_t *run, *m;
	json_array_foreach(s->runs, i, run) {
		json_array_foreach(json_object_get(run, "results"), k, m) {
			json_t *ci = json_object_get(m, "ci95");
			const char *better = json_string_value(json_object_get(m, "better"));
			gb_csv_row w = {
				.bench = json_string_value(json_object_get(run, "bench")),
				.label = s->label,
				.metric = json_string_value(json_object_get(m, "name")),
				.unit = json_string_value(json_object_get(m, "unit")),
				.lower = better && strcmp(better, "lower") == 0,
				.n = (size_t)json_integer_value(json_object_get(m, "n")),
				.min = num(m, "min"), .max = num(m, "max"), .mean = num(m, "mean"),
				.median = num(m, "median"), .stddev = num(m, "stddev"), .cv = num(m, "cv"),
				.ci95_lo = json_is_number(json_array_get(ci, 0))
						   ? json_number_value(json_array_get(ci, 0)) : NAN,
				.ci95_hi = json_is_number(json_array_get(ci, 1))
						   ? json_number_value(json_array_get(ci, 1)) : NAN,
				.p50 = num(m, "p50"), .p90 = num(m, "p90"), .p99 = num(m, "p99"),
				.p999 = num(m, "p999"),
				.valid = json_is_true(json_object_get(run, "valid")),
			};
			gb_csv_row_write(f, &w);
		}
	}
}

/* The suite as JSON Lines: every run's metrics, labelled with the
 * suite's fingerprint (the runs' own was left out) and each run's start. */
void suite_jsonl(const suite_doc *s, FILE *f)
{
	gb_jsonl_labels l;
	gb_jsonl_labels_of(&l, s->env, s->label);
	size_t i, k;
	json_t *run, *m;
	json_array_foreach(s->runs, i, run) {
		const char *started = json_string_value(json_object_get(run, "started"));
		json_array_foreach(json_object_get(run, "results"), k, m) {
			const char *better = json_string_value(json_object_get(m, "better"));
			gb_jsonl_metric w = {
				.bench = json_string_value(json_object_get(run, "bench")),
				.name = json_string_value(json_object_get(m, "name")),
				.unit = json_string_value(json_object_get(m, "unit")),
				.lower = better && strcmp(better, "lower") == 0,
				.median = num(m, "median"), .mean = num(m, "mean"), .cv = num(m, "cv"),
				.n = (long long)json_integer_value(json_object_get(m, "n")),
				.valid = json_is_true(json_object_get(run, "valid")),
				.timestamp = started ? started : s->started,
			};
			gb_jsonl_write(f, &l, &w);
		}
	}
}

/* The same writing for another document made of parsed parts (the
 * campaign of guestbench rounds). */
void suite_json_put(gb_json *j, const char *key, json_t *v)
{
	put(j, key, v);
}
