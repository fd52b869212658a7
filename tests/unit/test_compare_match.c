/* test_compare_match - loading, pairing and rendering on the hand-made
 * documents of tests/fixtures/compare (see its README for the known
 * ratios): malformed and truncated input name file:line:column, config
 * and fingerprint differences become warnings, missing metrics carry the
 * other side's reason, the JSON output reads back as guestbench-compare/1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../compare/compare.h"
#include "tap.h"

static char dir[4096];

static int load(cmp_env *e, const char *name, char *err, size_t len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return cmp_load_file(e, path, err, len);
}

static const cmp_pair *pair(const cmp_side *s, const char *metric)
{
	for (size_t i = 0; i < s->np; i++)
		if (strcmp(s->p[i].b->name, metric) == 0)
			return &s->p[i];
	return NULL;
}

static int contains(const gb_strlist *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], needle))
			return 1;
	return 0;
}

static void test_errors(void)
{
	cmp_env e;
	char err[512];
	ok(load(&e, "malformed.json", err, sizeof err) < 0 && strstr(err, "malformed.json:4:8: "),
	   "missing comma: file:4:8 (%s)", err);
	cmp_env_free(&e);
	ok(load(&e, "truncated.json", err, sizeof err) < 0 && strstr(err, "truncated.json:38:"),
	   "truncated: file:line:col (%s)", err);
	cmp_env_free(&e);
	ok(load(&e, "not-a-result.json", err, sizeof err) < 0 && strstr(err, "results[0].better"),
	   "wrong \"better\": names the member (%s)", err);
	cmp_env_free(&e);
	ok(load(&e, "no-such-file.json", err, sizeof err) < 0 && strstr(err, "No such file"),
	   "missing file (%s)", err);
	cmp_env_free(&e);

	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "", "x.json:1:0: " },
		{ "[1, 2]", "no \"schema\"" },
		{ "{\"schema\": \"guestbench/2\"}", "guestbench/1" },
		{ "{\"schema\": \"guestbench/1\", \"bench\": \"b\", \"results\": 3}", "\"results\" is not an array" },
		{ "{\"schema\": \"guestbench/1\", \"bench\": \"b\", \"results\": [{\"name\": \"m\", \"better\": \"lower\", "
		  "\"samples\": [1, \"x\"]}]}", "samples[1]" },
		{ "{\"schema\": \"guestbench-suite/1\", \"runs\": [{\"schema\": \"guestbench/1\"}]}", "runs[0]" },
		{ "{\"schema\": \"guestbench/1\", \"schema\": \"guestbench/1\"}", "x.json:1:" },
		{ "{\"schema\": \"guestbench/1\", \"bench\": \"b\", \"results\": [{\"name\": \"m\", \"better\": \"lower\"},"
		  "{\"name\": \"m\", \"better\": \"lower\"}]}", "appears twice" },
		{ "{\"a\": \"\\u00\"}", "x.json:1:" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = cmp_parse(&e, "x.json", cases[i].text, strlen(cases[i].text), err, sizeof err);
		ok(rc < 0 && strstr(err, cases[i].want), "bad input %zu refused: %s", i, err);
		cmp_env_free(&e);
	}
	const char *nulls = "{\"schema\": \"guestbench/1\", \"bench\": \"b\", \"results\": [{\"name\": \"m\", "
			    "\"better\": \"higher\", \"samples\": [1, null, 3]}]}";
	ok(cmp_parse(&e, "x.json", nulls, strlen(nulls), err, sizeof err) == 0 && e.runs[0].m[0].n == 2 &&
	   e.runs[0].m[0].mean == 2, "null samples (non-finite values) are dropped");
	cmp_env_free(&e);
}

static void test_pairs(void)
{
	cmp_env env[3];
	char err[512];
	int rc = load(&env[0], "base.json", err, sizeof err) | load(&env[1], "other.json", err, sizeof err) |
		 load(&env[2], "mismatch.json", err, sizeof err);
	if (!ok(rc == 0, "fixtures load (%s)", rc ? err : "ok"))
		return;
	cmp_result r;
	cmp_match(&r, &env[0], env + 1, 2, 0.05, 0.03);
	const cmp_side *s = &r.side[0];
	is_int((long long)s->np, 3, "docker: every metric paired");
	is_int((long long)s->missing.n, 0, "docker: none missing");
	const cmp_pair *p = pair(s, "lat");
	is_num(p->ratio, 2, 1e-12, "lat ratio 2");
	is_num(p->delta_pct, 100, 1e-9, "lat +100%");
	is_str(cmp_verdict_name(p->verdict), "one run each: host drift not measured",
	       "lat: one run each, never \"slower\" from within-run samples");
	is_str(p->within, "slower", "lat: lower is better, doubled: the within-run test says slower");
	is_str(cmp_design_name(p->design), "one run each", "lat: design one run each");
	p = pair(s, "bw");
	is_num(p->ratio, 1.5, 1e-12, "bw ratio 1.5");
	is_str(p->within, "faster", "bw: higher is better, x1.5: within-run faster");
	ok(p->ci_lo < 1.5 && p->ci_hi > 1.5 && p->ci_lo > 1, "bw CI around 1.5, above 1");
	p = pair(s, "noisy");
	is_str(p->within, "no significant difference", "noisy +1%: within-run no significant difference");
	is_int(p->verdict, CMP_ONE_EACH, "noisy: one run each");
	ok(p->ci_lo < 1 && p->ci_hi > 1, "noisy CI straddles 1");
	ok(!p->mismatch, "same config: no mismatch mark");
	is_int((long long)s->fpwarn.n, 0, "same fingerprint: no difference reported");

	s = &r.side[1];
	is_int((long long)s->np, 2, "kvm: two metrics paired");
	ok(pair(s, "lat")->mismatch && strstr(pair(s, "lat")->mismatch, "threads 2 vs 8"),
	   "kvm: pair marked with the config difference");
	ok(contains(&r.warnings, "configuration differs between native and kvm: threads 2 vs 8"),
	   "kvm: config warning names the key and both values");
	ok(!contains(&r.warnings, "repeat"), "repeat differs but is not a mismatch");
	ok(contains(&s->missing, "fake/noisy (kvm: blocked by seccomp)"), "missing metric with the reason");
	ok(contains(&s->fpwarn, "THP differs: madvise (native) vs never (kvm)"), "THP difference");
	ok(contains(&s->fpwarn, "hypervisor differs: none (native) vs KVM (kvm)"), "hypervisor difference");

	/* the JSON rendering reads back and says what it is */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cmp_render(&r, "json", f);
	fclose(f);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	ok(j != NULL, "JSON output parses (%s)", j ? "ok" : je.text);
	is_str(json_string_value(json_object_get(j, "schema")), "guestbench-compare/1", "schema guestbench-compare/1");
	json_t *c0 = json_array_get(json_object_get(j, "comparisons"), 0);
	json_t *m0 = json_array_get(json_object_get(c0, "metrics"), 0);
	is_num(json_number_value(json_object_get(m0, "ratio")), 2, 1e-12, "JSON: ratio");
	is_str(json_string_value(json_object_get(m0, "verdict")), "one run each: host drift not measured",
	       "JSON: verdict");
	is_str(json_string_value(json_object_get(m0, "within_run_verdict")), "slower", "JSON: within_run_verdict");
	is_str(json_string_value(json_object_get(m0, "design")), "one run each", "JSON: design");
	ok(json_is_number(json_object_get(json_object_get(m0, "welch"), "df")), "JSON: welch.df");
	ok(json_array_size(json_object_get(m0, "ci95")) == 2, "JSON: ci95 pair");
	json_decref(j);
	free(buf);

	/* CSV: a header and one row per pair */
	buf = NULL;
	f = open_memstream(&buf, &len);
	cmp_render(&r, "csv", f);
	fclose(f);
	int lines = 0;
	for (char *q = buf; *q; q++)
		lines += *q == '\n';
	is_int(lines, 1 + 3 + 2, "CSV: header + 5 rows");
	ok(strstr(buf, "native,docker,fake,lat,ns,lower,5,5,100,200,") != NULL, "CSV row of lat");
	free(buf);

	/* SVG: well-formed enough to hold every group (xmllint runs in compare.sh) */
	buf = NULL;
	f = open_memstream(&buf, &len);
	cmp_svg(&r, f);
	fclose(f);
	ok(strstr(buf, "<svg") && strstr(buf, "</svg>") && strstr(buf, ">fake</text>") && strstr(buf, ">noisy</text>"),
	   "SVG has the benchmark's panel and its metrics");
	ok(strstr(buf, "fill=\"#d9f0d3\"") != NULL, "SVG shades the equivalence band");
	ok(strstr(buf, "ONE RUN EACH") != NULL, "SVG says one run each: host drift not measured");
	free(buf);
	cmp_result_free(&r);
	for (int i = 0; i < 3; i++)
		cmp_env_free(&env[i]);
}

static void test_suite(void)
{
	cmp_env a, b;
	char err[512];
	if (!ok(load(&a, "suite-a.json", err, sizeof err) == 0 && load(&b, "suite-b.json", err, sizeof err) == 0,
		"suite documents load"))
		return;
	is_int((long long)a.nruns, 2, "suite: two runs");
	ok(a.runs[1].env == a.env && a.env, "suite: runs share the top-level fingerprint");
	cmp_result r;
	cmp_match(&r, &a, &b, 1, 0.05, 0.03);
	is_num(pair(&r.side[0], "lat")->ratio, 3, 1e-12, "suite: lat ratio 3");
	ok(contains(&r.side[0].missing, "other/x (gvisor: no /dev/shm here)"), "skipped benchmark: its reason");
	cmp_result_free(&r);
	cmp_env_free(&a);
	cmp_env_free(&b);

	/* single files of one label with different benchmarks merge */
	const char *d1 = "{\"schema\":\"guestbench/1\",\"bench\":\"a\",\"label\":\"n\",\"results\":[]}";
	const char *d2 = "{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"label\":\"n\",\"results\":[]}";
	cmp_parse(&a, "1.json", d1, strlen(d1), err, sizeof err);
	cmp_parse(&b, "2.json", d2, strlen(d2), err, sizeof err);
	ok(cmp_env_can_merge(&a, &b), "same label, different benchmarks: one environment");
	ok(!cmp_env_can_merge(&a, &a), "same benchmark twice: two environments");
	cmp_env_merge(&a, &b);
	is_int((long long)a.nruns, 2, "merged: two runs");
	cmp_env_free(&a);
}


/* A name that is a prefix of another list entry up to a ':' must not be
 * taken for it: "a: b" against the other side's unavailable "a" with the
 * reason "b:" once printed the bytes after that entry's end (issue 15). */
static void test_reason_overread(void)
{
	static const char *const base[] = {
		"{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"label\":\"n\",\"results\":[{\"name\":\"a: b\","
		"\"better\":\"lower\",\"samples\":[1,2]}]}",
		"{\"schema\":\"guestbench-suite/1\",\"label\":\"n\",\"runs\":[{\"schema\":\"guestbench/1\","
		"\"bench\":\"x: y\",\"results\":[{\"name\":\"m\",\"better\":\"lower\",\"samples\":[1,2]}]}]}",
	};
	static const char *const other[] = {
		"{\"schema\":\"guestbench/1\",\"bench\":\"b\",\"label\":\"o\",\"results\":[{\"name\":\"z\","
		"\"better\":\"lower\",\"samples\":[1,2]}],\"unavailable\":[{\"name\":\"a\",\"reason\":\"b:\"}]}",
		"{\"schema\":\"guestbench-suite/1\",\"label\":\"o\",\"runs\":[],\"skipped\":[{\"bench\":\"x\","
		"\"reason\":\"y:\"}]}",
	};
	static const char *const want[] = { "b/a: b (o: not in the results)", "x: y/m (o: benchmark not run)" };
	for (int i = 0; i < 2; i++) {
		cmp_env a, b;
		char err[512];
		int rc = cmp_parse(&a, "a.json", base[i], strlen(base[i]), err, sizeof err);
		rc |= cmp_parse(&b, "b.json", other[i], strlen(other[i]), err, sizeof err);
		if (ok(rc == 0, "colon documents %d load (%s)", i, rc ? err : "ok")) {
			cmp_result r;
			cmp_match(&r, &a, &b, 1, 0.05, 0.03);
			const gb_strlist *l = &r.side[0].missing;
			ok(l->n == 1 && strcmp(l->v[0], want[i]) == 0, "%s: a name ending where another's reason "
			   "has a colon is not matched to it (got \"%s\")", i ? "skipped" : "unavailable",
			   l->n ? l->v[0] : "(nothing)");
			cmp_result_free(&r);
		}
		cmp_env_free(&a);
		cmp_env_free(&b);
	}
}

int main(void)
{
	const char *root = getenv("GB_ROOT");
	if (root)
		snprintf(dir, sizeof dir, "%s/tests/fixtures/compare", root);
	else
		snprintf(dir, sizeof dir, "%s", "tests/fixtures/compare");
	test_errors();
	test_pairs();
	test_suite();
	test_reason_overread();
	return tap_done();
}
