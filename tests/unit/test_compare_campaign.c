/* test_compare_campaign - launches as the unit of replication, end to end
 * on the synthetic fixtures of tests/fixtures/compare (make-campaigns.py):
 * a campaign's launches are grouped by environment and paired by round,
 * its failed launches listed, disturbed runs listed and dropped on request
 * (counted per environment), --base chosen by name; files given by hand
 * with one label are replicates, compared unpaired; files that all share
 * one label are compared file by file as before. */
#include <stdlib.h>
#include <string.h>

#include "../../compare/compare.h"
#include "tap.h"

static char dir[4096];

/* Load the named fixtures and group them. */
static int setup(const char *const *names, const char *base, int drop, cmp_env **envs, size_t *nenv, char *err,
		 size_t errlen)
{
	cmp_input in;
	memset(&in, 0, sizeof in);
	*envs = NULL;
	*nenv = 0;
	for (size_t i = 0; names[i]; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (cmp_input_load(&in, path, err, errlen) < 0) {
			cmp_input_free(&in);
			return -1;
		}
	}
	return cmp_group(&in, base, drop, envs, nenv, err, errlen);
}

static void teardown(cmp_env *envs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cmp_env_free(&envs[i]);
	free(envs);
}

static const cmp_pair *find(const cmp_side *s, const char *metric)
{
	for (size_t i = 0; i < s->np; i++)
		if (strcmp(s->p[i].b->name, metric) == 0)
			return &s->p[i];
	return NULL;
}

static size_t count(const cmp_side *s, cmp_verdict v)
{
	size_t n = 0;
	for (size_t i = 0; i < s->np; i++)
		n += s->p[i].verdict == v;
	return n;
}

static void test_effect(void)
{
	static const char *const names[] = { "campaign-effect.json", NULL };
	cmp_env *envs;
	size_t n;
	char err[512];
	if (!ok(setup(names, NULL, 0, &envs, &n, err, sizeof err) == 0 && n == 2, "campaign loads: 2 environments (%s)",
		err))
		return;
	is_str(envs[0].label, "native", "the base is the campaign's first environment");
	is_int((long long)envs[0].nlaunch, 18, "native: 18 launches (6 rounds x 3 benchmarks)");
	is_int((long long)envs[1].nruns, 17, "seccomp: 17 runs (one launch timed out)");
	is_int((long long)envs[1].failed.n, 1, "seccomp: one failed launch listed");
	ok(envs[1].failed.n && strcmp(envs[1].failed.v[0], "startup round 3, position 2: timeout: killed after "
				      "--timeout 120 s") == 0, "with its benchmark, round, status and reason (%s)",
	   envs[1].failed.n ? envs[1].failed.v[0] : "-");
	is_int((long long)envs[0].disturbed.n, 1, "native: one disturbed run listed");
	ok(envs[0].disturbed.n && strcmp(envs[0].disturbed.v[0], "syscall round 5: steal 4.2 % > 2 %") == 0,
	   "with its reasons from the document (%s)", envs[0].disturbed.n ? envs[0].disturbed.v[0] : "-");
	is_int((long long)envs[0].dropped, 0, "kept without --drop-disturbed");

	cmp_result r;
	cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
	const cmp_side *s = &r.side[0];
	is_int((long long)s->np, 15, "15 metrics paired");
	static const char *const slower[] = { "getpid", "getppid", "clock_gettime_syscall", "read", "write", "stat" };
	for (size_t i = 0; i < 6; i++) {
		const cmp_pair *p = find(s, slower[i]);
		char what[96];
		snprintf(what, sizeof what, "%s (+5 %% under drift up to 20 %%): slower", slower[i]);
		ok(p && p->verdict == CMP_SLOWER && p->design == CMP_DESIGN_PAIRED && p->npaired == 6, "%s", what);
	}
	static const char *const same[] = { "clock_gettime_vdso", "cpuid", "copy", "triad", "spawn" };
	for (size_t i = 0; i < 5; i++) {
		const cmp_pair *p = find(s, same[i]);
		ok(p && p->verdict == CMP_EQUIVALENT, "%s (no effect): equivalent", same[i]);
	}
	is_int((long long)find(s, "spawn")->npaired, 5, "spawn: 5 rounds paired (round 3 timed out)");
	cmp_result_free(&r);
	teardown(envs, n);

	/* --drop-disturbed: one run dropped per environment, said so */
	if (ok(setup(names, NULL, 1, &envs, &n, err, sizeof err) == 0, "loads with --drop-disturbed")) {
		is_int((long long)envs[0].dropped, 1, "native: 1 disturbed run dropped");
		is_int((long long)envs[1].dropped, 1, "seccomp: 1 disturbed run dropped");
		is_int((long long)envs[0].nruns, 17, "native: 17 runs left");
		cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
		is_int((long long)find(&r.side[0], "getpid")->npaired, 5, "getpid: 5 rounds paired (round 5 dropped)");
		is_int((long long)find(&r.side[0], "copy")->npaired, 5, "copy: 5 rounds paired (round 2 dropped)");
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		cmp_render(&r, "table", f);
		fclose(f);
		ok(strstr(buf, "disturbed runs (dropped) of native (1):") != NULL, "the table says what was dropped");
		ok(strstr(buf, "failed launches of seccomp (1):") != NULL, "and lists the failed launch");
		free(buf);
		buf = NULL;
		f = open_memstream(&buf, &len);
		cmp_render(&r, "json", f);
		fclose(f);
		json_error_t je;
		json_t *j = json_loads(buf, 0, &je);
		json_t *c0 = json_array_get(json_object_get(j, "comparisons"), 0);
		is_int(json_integer_value(json_object_get(json_object_get(c0, "other"), "dropped_disturbed")), 1,
		       "JSON: other.dropped_disturbed");
		is_int(json_integer_value(json_object_get(json_object_get(c0, "verdicts"), "slower")), 6,
		       "JSON: verdict counts");
		json_t *m0 = json_array_get(json_object_get(c0, "metrics"), 0);
		is_str(json_string_value(json_object_get(m0, "design")), "paired by round", "JSON: design");
		is_int(json_array_size(json_object_get(json_object_get(m0, "base"), "launch_means")), 5,
		       "JSON: the launch means");
		json_decref(j);
		free(buf);
		cmp_result_free(&r);
		teardown(envs, n);
	}

	/* --base by name */
	if (ok(setup(names, "seccomp", 0, &envs, &n, err, sizeof err) == 0, "--base seccomp")) {
		is_str(envs[0].label, "seccomp", "seccomp is the base");
		cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
		is_int(find(&r.side[0], "getpid")->verdict, CMP_FASTER, "native against seccomp: getpid faster");
		cmp_result_free(&r);
	}
	teardown(envs, n);
	ok(setup(names, "kvm", 0, &envs, &n, err, sizeof err) < 0 &&
	   strstr(err, "--base kvm: no environment of that name (there are: native, seccomp)"),
	   "an unknown --base is refused, naming the environments (%s)", err);
	teardown(envs, n);
}

static void test_aa_and_one(void)
{
	static const char *const aa[] = { "campaign-aa.json", NULL }, *const one[] = { "campaign-one.json", NULL };
	cmp_env *envs;
	size_t n;
	char err[512];
	cmp_result r;
	if (ok(setup(aa, NULL, 0, &envs, &n, err, sizeof err) == 0 && n == 2, "A/A campaign loads")) {
		cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
		size_t claims = count(&r.side[0], CMP_FASTER) + count(&r.side[0], CMP_SLOWER);
		is_int((long long)claims, 0, "A/A under 20 % drift: no metric faster or slower");
		is_int((long long)count(&r.side[0], CMP_EQUIVALENT), 15, "A/A: all 15 equivalent");
		cmp_result_free(&r);
	}
	teardown(envs, n);
	if (ok(setup(one, NULL, 0, &envs, &n, err, sizeof err) == 0 && n == 2, "one-round campaign loads")) {
		cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
		is_int((long long)count(&r.side[0], CMP_ONE_EACH), 15, "one round: every metric one run each");
		cmp_result_free(&r);
	}
	teardown(envs, n);
}

static void test_by_hand(void)
{
	static const char *const names[] = { "hand-native-1.json", "hand-native-2.json", "hand-native-3.json",
					     "hand-docker-1.json", "hand-docker-2.json", "hand-docker-3.json", NULL };
	cmp_env *envs;
	size_t n;
	char err[512];
	if (ok(setup(names, NULL, 0, &envs, &n, err, sizeof err) == 0 && n == 2,
	       "six files of two labels: two environments")) {
		is_int((long long)envs[0].nlaunch, 3, "native: three launches");
		cmp_result r;
		cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
		const cmp_pair *p = find(&r.side[0], "getpid");
		ok(p && p->design == CMP_DESIGN_UNPAIRED && p->lb.k == 3 && p->lo.k == 3,
		   "files by hand: unpaired, 3 launches a side");
		is_int((long long)r.side[0].missing.n + (long long)r.side[0].extra.n, 0, "nothing missing or extra");
		ok(r.warnings.n == 0, "no configuration warning between replicates (%s)",
		   r.warnings.n ? r.warnings.v[0] : "none");
		cmp_result_free(&r);
	}
	teardown(envs, n);

	/* all files of one label: compared file by file, as before */
	static const char *const same[] = { "hand-native-1.json", "hand-native-2.json", NULL };
	if (ok(setup(same, NULL, 0, &envs, &n, err, sizeof err) == 0 && n == 2, "two files of one label: two "
	       "environments, one per file")) {
		is_str(envs[0].label, "hand-native-1", "named by the first file");
		is_str(envs[1].label, "hand-native-2", "and by the second");
	}
	teardown(envs, n);
}

static void test_failures(void)
{
	/* an environment whose every launch failed is still there, empty, with
	 * its failures; an invalid launch's document is not used */
	const char *c = "{\"schema\":\"guestbench-campaign/1\",\"envs\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"launches\":["
			"{\"env\":\"a\",\"bench\":\"x\",\"round\":1,\"position\":1,\"status\":\"ok\",\"document\":"
			"{\"schema\":\"guestbench/1\",\"bench\":\"x\",\"label\":\"a\",\"results\":[{\"name\":\"m\","
			"\"better\":\"lower\",\"samples\":[1,2]}]}},"
			"{\"env\":\"b\",\"bench\":\"x\",\"round\":1,\"position\":2,\"status\":\"invalid\",\"exit\":0,"
			"\"reason\":\"label a, not b\",\"document\":{\"schema\":\"guestbench/1\",\"bench\":\"x\","
			"\"label\":\"a\",\"results\":[]}}]}";
	cmp_input in;
	memset(&in, 0, sizeof in);
	char err[512];
	cmp_env *envs;
	size_t n;
	int rc = cmp_input_parse(&in, "c.json", c, strlen(c), err, sizeof err);
	rc |= cmp_group(&in, NULL, 0, &envs, &n, err, sizeof err);
	if (ok(rc == 0 && n == 2, "a campaign with a failed environment loads (%s)", rc ? err : "ok")) {
		is_int((long long)envs[1].nruns, 0, "b: no run (its launch was invalid)");
		ok(envs[1].failed.n == 1 && strcmp(envs[1].failed.v[0], "x round 1, position 2: invalid, exit 0: "
						   "label a, not b") == 0, "b: the invalid launch listed (%s)",
		   envs[1].failed.n ? envs[1].failed.v[0] : "-");
		cmp_result r;
		cmp_match(&r, &envs[0], envs + 1, 1, 0.05, 0.03);
		is_int((long long)r.side[0].np, 0, "nothing to pair (gb-compare exits 1)");
		cmp_result_free(&r);
	}
	teardown(envs, n);

	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "{\"schema\":\"guestbench-campaign/1\",\"envs\":{}}", "without \"envs\" and \"launches\" arrays" },
		{ "{\"schema\":\"guestbench-campaign/1\",\"envs\":[{\"name\":\"\"}],\"launches\":[]}", "at envs[0]" },
		{ "{\"schema\":\"guestbench-campaign/1\",\"envs\":[],\"launches\":[{\"env\":\"a\",\"round\":1.5,"
		  "\"status\":\"ok\"}]}", "whole numbers (at launches[0])" },
		{ "{\"schema\":\"guestbench-campaign/1\",\"envs\":[],\"launches\":[{\"env\":\"a\",\"status\":3}]}",
		  "(at launches[0])" },
		{ "{\"schema\":\"guestbench-campaign/1\",\"envs\":[],\"launches\":[{\"env\":\"a\",\"status\":\"ok\","
		  "\"document\":{\"schema\":\"guestbench/1\",\"bench\":\"x\",\"results\":7}}]}",
		  "(at launches[0].document.results)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(&in, 0, sizeof in);
		rc = cmp_input_parse(&in, "c.json", bad[i].text, strlen(bad[i].text), err, sizeof err);
		ok(rc < 0 && strstr(err, bad[i].want), "bad campaign %zu refused: %s", i, err);
		cmp_input_free(&in);
	}
}

int main(void)
{
	const char *root = getenv("GB_ROOT");
	snprintf(dir, sizeof dir, "%s/tests/fixtures/compare", root ? root : ".");
	test_effect();
	test_aa_and_one();
	test_by_hand();
	test_failures();
	return tap_done();
}
