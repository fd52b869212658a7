/* test_report.c - the JSON writer and the report renderings, read back
 * with jansson: schema guestbench/1 members, statistics, escaping,
 * non-finite numbers, unavailable metrics, validity; CSV quoting. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>

#include "cli.h"
#include "format.h"
#include "json.h"
#include "report.h"
#include "tap.h"

static json_t *parse_buf(const char *buf, const char *what)
{
	json_error_t e;
	json_t *j = json_loads(buf, 0, &e);
	if (!ok(j != NULL, "%s parses with jansson", what))
		printf("#   line %d col %d: %s\n", e.line, e.column, e.text);
	return j;
}

static void test_writer(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	gb_json j;
	gb_json_init(&j, f, 0);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "s", "quote\" backslash\\ newline\n tab\t ctl\x01 utf8 \xc2\xb5s");
	gb_json_num(&j, "nan", NAN);
	gb_json_num(&j, "inf", INFINITY);
	gb_json_num(&j, "tenth", 0.1);
	gb_json_int(&j, "big", -9007199254740993LL);
	gb_json_bool(&j, "t", 1);
	gb_json_null(&j, "z");
	gb_json_str(&j, "nullstr", NULL);
	gb_json_arr_begin(&j, "empty");
	gb_json_arr_end(&j);
	gb_json_obj_begin(&j, "eo");
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	gb_json_end(&j);
	fclose(f);
	json_t *r = parse_buf(buf, "compact writer output");
	if (r) {
		is_str(json_string_value(json_object_get(r, "s")),
		       "quote\" backslash\\ newline\n tab\t ctl\x01 utf8 \xc2\xb5s", "string escapes round-trip");
		ok(json_is_null(json_object_get(r, "nan")) && json_is_null(json_object_get(r, "inf")),
		   "NaN and infinity become null");
		is_num(json_real_value(json_object_get(r, "tenth")), 0.1, 0, "0.1 reads back exactly");
		ok(strstr(buf, "\"tenth\":0.1,") != NULL, "0.1 written as the shortest text");
		is_int(json_integer_value(json_object_get(r, "big")), -9007199254740993LL, "64-bit integer exact");
		ok(json_is_true(json_object_get(r, "t")), "bool");
		ok(json_is_null(json_object_get(r, "nullstr")), "NULL string -> null");
		is_int((long long)json_array_size(json_object_get(r, "empty")), 0, "empty array");
		json_decref(r);
	}
	free(buf);

	/* bytes that are not UTF-8 (a cgroup named with \xff, a truncated
	 * sequence, an overlong '/', a surrogate) must still give valid JSON */
	static const struct { const char *in, *want; } utf[] = {
		{ "gb_\xff\xfe", "gb_\xef\xbf\xbd\xef\xbf\xbd" },
		{ "cut \xc3", "cut \xef\xbf\xbd" },
		{ "overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd" },
		{ "surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "ok \xc2\xb5 \xe2\x82\xac \xf0\x9f\x98\x80", "ok \xc2\xb5 \xe2\x82\xac \xf0\x9f\x98\x80" },
	};
	for (size_t i = 0; i < sizeof utf / sizeof utf[0]; i++) {
		char *b = NULL;
		size_t bl = 0;
		FILE *mf = open_memstream(&b, &bl);
		gb_json jj;
		gb_json_init(&jj, mf, 0);
		gb_json_str(&jj, NULL, utf[i].in);
		fclose(mf);
		json_error_t e;
		json_t *v = json_loads(b, JSON_DECODE_ANY, &e);
		ok(v && json_is_string(v) && strcmp(json_string_value(v), utf[i].want) == 0,
		   "string %zu with odd bytes is valid JSON, bad bytes as U+FFFD", i);
		json_decref(v);
		free(b);
	}

	/* shortest round-trip formatting over awkward values */
	unsigned long long x = 88172645463325252ull;
	int all = 1;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof v);
		if (!isfinite(v))
			continue;
		char t[40];
		gb_fmt_double(t, sizeof t, v);
		all &= strtod(t, NULL) == v;
	}
	ok(all, "gb_fmt_double round-trips 20000 random doubles");
}

static gb_cli cli;
static const gb_cli_spec spec = { .prog = "gb-test", .bench = "test", .summary = "s",
				  .common = GB_C_RUN, .max_positional = 0 };

static void build(gb_report *r)
{
	char *argv[] = { (char *)"gb-test", (char *)"--label", (char *)"kvm", (char *)"-r", (char *)"4", NULL };
	gb_cli_parse(&cli, &spec, 5, argv);
	gb_report_init(r, &cli);
	double s[] = { 10, 12, 11, 13 };
	gb_metric *m = gb_report_metric(r, "getpid", "ns", GB_LOWER, s, 4);
	gb_kv_num(&m->extra, "total_10000_calls_us", 115);
	gb_metric_note(m, "a \"note\", with comma");
	double t[] = { 5000, 5100, 4900 };
	gb_metric *l = gb_report_metric(r, "rr_latency", "us", GB_LOWER, t, 3);
	gb_hist *h = calloc(1, sizeof *h);
	gb_hist_init(h);
	for (uint64_t v = 1000; v <= 100000; v += 1000)
		gb_hist_add(h, v);
	gb_metric_set_pct(l, h, 1e-3);
	free(h);
	gb_report_unavailable(r, "io_uring_nop", EPERM, "refused by a seccomp filter");
	gb_report_warn(r, "line one\nline two");
	gb_kv_str(&r->config, "variant", "avx512");
}

static char *render(void (*fn)(const gb_report *, FILE *), const gb_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(r, f);
	fclose(f);
	return buf;
}

static void test_json_document(void)
{
	gb_report r;
	build(&r);
	char *buf = render(gb_report_json, &r);
	json_t *d = parse_buf(buf, "report JSON");
	if (!d) {
		free(buf);
		return;
	}
	is_str(json_string_value(json_object_get(d, "schema")), "guestbench/1", "schema");
	is_str(json_string_value(json_object_get(d, "bench")), "test", "bench");
	is_str(json_string_value(json_object_get(d, "label")), "kvm", "label");
	ok(json_is_string(json_object_get(d, "version")) && json_is_string(json_object_get(d, "started")),
	   "version and started");
	ok(json_is_object(json_object_get(d, "env")), "env object");
	json_t *cfg = json_object_get(d, "config");
	is_int(json_integer_value(json_object_get(cfg, "repeat")), 4, "config.repeat is the effective value");
	ok(json_is_false(json_object_get(cfg, "quick")), "config.quick false");
	is_str(json_string_value(json_object_get(cfg, "variant")), "avx512", "benchmark's own config entry");
	ok(json_object_get(cfg, "label") == NULL && json_object_get(cfg, "format") == NULL,
	   "presentation options are not config");
	json_t *res = json_object_get(d, "results");
	is_int((long long)json_array_size(res), 2, "two results");
	json_t *m = json_array_get(res, 0);
	is_str(json_string_value(json_object_get(m, "name")), "getpid", "metric name");
	is_str(json_string_value(json_object_get(m, "better")), "lower", "direction");
	is_int(json_integer_value(json_object_get(m, "n")), 4, "n");
	is_num(json_real_value(json_object_get(m, "mean")), 11.5, 1e-12, "mean");
	is_num(json_real_value(json_object_get(m, "median")), 11.5, 1e-12, "median");
	is_num(json_number_value(json_object_get(m, "min")), 10, 0, "min");
	json_t *ci = json_object_get(m, "ci95");
	ok(json_array_size(ci) == 2 && json_real_value(json_array_get(ci, 0)) < 11.5 &&
	   json_real_value(json_array_get(ci, 1)) > 11.5, "ci95 brackets the mean");
	is_int((long long)json_array_size(json_object_get(m, "samples")), 4, "raw samples kept");
	is_num(json_number_value(json_object_get(m, "total_10000_calls_us")), 115, 0, "extra member");
	ok(json_object_get(m, "p50") == NULL, "no percentiles on a non-latency metric");
	json_t *l = json_array_get(res, 1);
	is_num(json_number_value(json_object_get(l, "p50")), 50, 0.5, "p50 scaled to the unit");
	is_num(json_number_value(json_object_get(l, "p99")), 99, 1, "p99 scaled");
	json_t *u = json_array_get(json_object_get(d, "unavailable"), 0);
	is_str(json_string_value(json_object_get(u, "error")), "EPERM", "unavailable errno name");
	is_int(json_integer_value(json_object_get(u, "errno")), EPERM, "unavailable errno");
	ok(json_is_true(json_object_get(d, "valid")), "valid before any failure");
	is_int((long long)json_array_size(json_object_get(d, "warnings")), 2, "warning for the unavailable metric and the explicit one");
	json_t *dist = json_object_get(d, "disturbance");
	ok(json_is_object(dist) && json_is_boolean(json_object_get(dist, "disturbed")),
	   "a disturbance object (common/disturb.c; test_disturb checks its members)");
	ok(json_is_number(json_array_get(json_object_get(dist, "canary_ns"), 0)) &&
	   json_is_null(json_array_get(json_object_get(dist, "canary_ns"), 1)),
	   "before gb_report_finish only the first canary is known");
	json_decref(d);
	free(buf);

	gb_report_fail(&r, "checksum mismatch");
	buf = render(gb_report_json, &r);
	d = parse_buf(buf, "invalid report JSON");
	if (d) {
		ok(json_is_false(json_object_get(d, "valid")), "valid false after a failure");
		is_str(json_string_value(json_array_get(json_object_get(d, "invalid_reasons"), 0)), "checksum mismatch",
		       "the reason is kept");
		json_decref(d);
	}
	free(buf);

	char *table = render(gb_report_table, &r);
	ok(strstr(table, "getpid") && strstr(table, "INVALID") && strstr(table, "io_uring_nop  unavailable: EPERM"),
	   "table shows metrics, unavailable and the verdict");
	ok(!strstr(table, "disturbed"), "no disturbance line for a run that is not disturbed");
	free(table);
	r.disturb.disturbed = 1;
	gb_strlist_add(&r.disturb.reasons, "a neighbour");
	table = render(gb_report_table, &r);
	ok(strstr(table, "\ndisturbed: a neighbour\n\nresult: INVALID") != NULL, "a disturbed run: one line before the result");
	free(table);
	r.disturb.disturbed = 0;
	gb_strlist_free(&r.disturb.reasons);

	char *csv = render(gb_report_csv, &r);
	ok(strncmp(csv, "bench,label,metric,unit,better,n,", 33) == 0, "CSV header");
	ok(strstr(csv, "\ntest,kvm,getpid,ns,lower,4,10,13,11.5,11.5,") != NULL, "CSV row");
	ok(strstr(csv, ",false\n") != NULL, "CSV carries validity");
	free(csv);

	cli.c.quiet = 1;
	is_int(gb_report_finish(&r), GB_EXIT_INVALID, "finish returns 1 for an invalid result");
	gb_cli_free(&cli);
}

int main(void)
{
	test_writer();
	test_json_document();
	return tap_done();
}
