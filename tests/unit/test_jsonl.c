/* test_jsonl.c - `--format jsonl` (common/jsonl, report.c): every line
 * parses alone, carries the keys a loader indexes on, says the same as
 * the JSON document of the same report (one line per result, value =
 * its median), and the environment kind follows the fingerprint. */
#include <jansson.h>
#include <stdlib.h>

#include "cli.h"
#include "jsonl.h"
#include "report.h"
#include "tap.h"

static gb_cli cli;
static const gb_cli_spec spec = { .prog = "gb-test", .bench = "test", .summary = "s",
				  .common = GB_C_RUN, .max_positional = 0 };

static void build(gb_report *r)
{
	char *argv[] = { (char *)"gb-test", (char *)"--label", (char *)"node-7", (char *)"-r", (char *)"4", NULL };
	gb_cli_parse(&cli, &spec, 5, argv);
	gb_report_init(r, &cli);
	double s[] = { 10, 12, 11, 13 };
	gb_report_metric(r, "getpid", "ns", GB_LOWER, s, 4);
	double t[] = { 5000, 5100, 4900 };
	gb_report_metric(r, "a \"quoted\"\nname", "MB/s", GB_HIGHER, t, 3);
	double one[] = { 7 };
	gb_report_metric(r, "single", "us", GB_LOWER, one, 1);
	gb_report_unavailable(r, "io_uring_nop", 1, "refused");	/* not a line: nothing measured */
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

static const char *const keys[] = { "schema", "timestamp", "bench", "name", "value", "stat", "unit", "better",
				    "n", "mean", "cv", "valid", "labels", NULL };
static const char *const label_keys[] = { "label", "version", "environment", "container", "hypervisor",
					  "cpu_model", "kernel", "arch", "cpus", "cpu_quota", NULL };

static void test_lines(void)
{
	gb_report r;
	build(&r);
	char *doc = render(gb_report_json, &r), *lines = render(gb_report_jsonl, &r);
	json_error_t e;
	json_t *d = json_loads(doc, 0, &e);
	if (!ok(d != NULL, "the JSON document parses")) {
		free(doc);
		free(lines);
		return;
	}
	json_t *res = json_object_get(d, "results");
	size_t n = 0, bad_keys = 0, bad_labels = 0, same = 0;
	for (char *l = lines, *nl; *l; l = nl + 1, n++) {
		nl = strchr(l, '\n');
		if (!ok(nl != NULL, "line %zu ends with a newline", n + 1))
			break;
		*nl = 0;
		ok(strchr(l, '\n') == NULL && l[0] == '{', "line %zu is one object on one line", n + 1);
		json_t *o = json_loads(l, 0, &e);
		if (!ok(o != NULL, "line %zu parses alone", n + 1)) {
			printf("#   %s\n", e.text);
			continue;
		}
		for (int k = 0; keys[k]; k++)
			bad_keys += json_object_get(o, keys[k]) == NULL;
		json_t *lab = json_object_get(o, "labels");
		for (int k = 0; label_keys[k]; k++)
			bad_labels += json_object_get(lab, label_keys[k]) == NULL;
		json_t *m = json_array_get(res, n);
		same += m && json_equal(json_object_get(o, "name"), json_object_get(m, "name")) &&
			json_equal(json_object_get(o, "unit"), json_object_get(m, "unit")) &&
			json_equal(json_object_get(o, "better"), json_object_get(m, "better")) &&
			json_equal(json_object_get(o, "n"), json_object_get(m, "n")) &&
			json_number_value(json_object_get(o, "value")) == json_number_value(json_object_get(m, "median")) &&
			json_equal(json_object_get(o, "timestamp"), json_object_get(d, "started")) &&
			json_equal(json_object_get(lab, "label"), json_object_get(d, "label")) &&
			json_equal(json_object_get(lab, "cpu_model"), json_object_get(json_object_get(json_object_get(d, "env"), "cpu"), "model")) &&
			json_equal(json_object_get(lab, "kernel"), json_object_get(json_object_get(json_object_get(d, "env"), "kernel"), "release"));
		if (n == 2)
			ok(json_is_null(json_object_get(o, "cv")) || json_number_value(json_object_get(o, "cv")) == 0,
			   "one sample: cv is 0 or null, never NaN text");
		json_decref(o);
	}
	is_int((long long)n, (long long)json_array_size(res), "one line per result of the JSON document (3)");
	is_int((long long)bad_keys, 0, "every line has every top-level key");
	is_int((long long)bad_labels, 0, "every line has every label");
	is_int((long long)same, 3, "name, unit, better, n, value = median, timestamp = started, label, cpu model and "
	       "kernel agree with the document");
	ok(strstr(lines, "io_uring_nop") == NULL, "an unavailable metric is not a line");
	json_decref(d);
	free(doc);
	free(lines);
}

static void test_environment(void)
{
	static const struct {
		const char *container, *hypervisor;
		int gvisor;
		const char *want;
	} cases[] = {
		{ "none", "none", 0, "native" },
		{ "none", "KVM", 0, "vm" },
		{ "kubernetes", "KVM", 0, "container" },
		{ "docker", "none", 1, "gvisor" },
		{ "unknown", "none", -1, "unknown" },
		{ "none", "unknown", 0, "unknown" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gb_env e;
		memset(&e, 0, sizeof e);
		snprintf(e.container, sizeof e.container, "%s", cases[i].container);
		snprintf(e.hypervisor, sizeof e.hypervisor, "%s", cases[i].hypervisor);
		e.gvisor = cases[i].gvisor;
		gb_jsonl_labels l;
		gb_jsonl_labels_of(&l, &e, "x");
		char what[128];
		snprintf(what, sizeof what, "container %s, hypervisor %s, gvisor %d: %s", cases[i].container,
			 cases[i].hypervisor, cases[i].gvisor, cases[i].want);
		is_str(l.environment, cases[i].want, what);
		ok(l.cpu_model == NULL && l.cpus == 0 && isnan(l.cpu_quota), "a hand-made env without CPU facts: "
		   "null labels, no crash");
	}
}

int main(void)
{
	test_lines();
	test_environment();
	return tap_done();
}
