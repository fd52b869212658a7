/* test_disturb.c - the disturbance readings and verdict (common/disturb.c,
 * cpu.stat in common/cgroup.c).
 *
 * Readings come from fixture trees taken twice, tests/fixtures/env/
 * disturb-v1-a and -b (cgroup v1, quota on the parent) and disturb-v2-a
 * and -b (v2, quotas on two levels); cases that need a file missing are
 * built in a mkdtemp directory.  The thresholds are tested at their
 * edges on made-up readings. */
#include "cgroup.h"
#include "disturb.h"
#include "json.h"
#include "parse.h"
#include "tap.h"
#include "testlib.h"

#include <jansson.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fx(const char *name)
{
	static char buf[4][PATH_MAX];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, PATH_MAX, "%s/%s", tl_fixtures(), name);
	return b;
}

static cpu_set_t set_of(const char *list)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	gb_parse_cpulist(list, &s);
	return s;
}

static int has_reason(const gb_disturb *d, const char *word)
{
	for (size_t i = 0; i < d->reasons.n; i++)
		if (strstr(d->reasons.v[i], word))
			return 1;
	return 0;
}

/* ---------------------------------------------------------- cpu.stat -- */

static void test_cpu_stat(void)
{
	uint64_t nr = 9, ns = 9;

	is_int(gb_cgroup_parse_cpu_stat("nr_periods 10\nnr_throttled 3\nthrottled_time 4500\n", &nr, &ns), 0,
	       "v1 cpu.stat parses");
	ok(nr == 3 && ns == 4500, "v1: nr_throttled 3, throttled_time in ns as is (%llu, %llu)",
	   (unsigned long long)nr, (unsigned long long)ns);
	is_int(gb_cgroup_parse_cpu_stat("usage_usec 1\nnr_periods 1\nnr_throttled 2\nthrottled_usec 7\n"
					"nr_bursts 0\nburst_usec 0\n", &nr, &ns), 0, "v2 cpu.stat parses");
	ok(nr == 2 && ns == 7000, "v2: throttled_usec scaled to ns (%llu)", (unsigned long long)ns);
	is_int(gb_cgroup_parse_cpu_stat("usage_usec 5\nuser_usec 3\nsystem_usec 2\n", &nr, &ns), 1,
	       "v2 without bandwidth fields: 1 (no limit at this level)");
	ok(nr == 0 && ns == 0, "... and both counters 0");
	is_int(gb_cgroup_parse_cpu_stat("", &nr, &ns), 1, "empty file: no fields");
	is_int(gb_cgroup_parse_cpu_stat(NULL, &nr, &ns), -1, "NULL: junk");
	is_int(gb_cgroup_parse_cpu_stat("nr_throttled lots\n", &nr, &ns), -1, "junk value: -1");
	is_int(gb_cgroup_parse_cpu_stat("nr_throttled -1\n", &nr, &ns), -1, "negative value: -1");
	is_int(gb_cgroup_parse_cpu_stat("nr_throttled 1 2\n", &nr, &ns), -1, "extra field: -1");
	is_int(gb_cgroup_parse_cpu_stat("throttled_usec 18446744073709551615\n", &nr, &ns), -1,
	       "usec overflowing 64-bit ns: -1");
	ok(nr == 0 && ns == 0, "junk leaves both counters 0");
	is_int(gb_cgroup_parse_cpu_stat("nr_throttled_extra 5\nnr_throttled 1\n", &nr, &ns), 0,
	       "only exact keys count");
	ok(nr == 1, "a longer key is not nr_throttled");
}

static void test_throttling_walk(void)
{
	uint64_t nr, ns;

	is_int(gb_cgroup_throttling(fx("disturb-v1-a"), &nr, &ns), 0, "v1 fixture: throttling read");
	ok(nr == 40 && ns == 2000000000ull, "v1: the parent's quota counts (leaf 0 + batch 40, 2 s): %llu %llu",
	   (unsigned long long)nr, (unsigned long long)ns);
	is_int(gb_cgroup_throttling(fx("disturb-v2-a"), &nr, &ns), 0, "v2 fixture: throttling read");
	ok(nr == 7 && ns == 1300000ull, "v2: leaf + parent summed, root adds nothing (%llu, %llu)",
	   (unsigned long long)nr, (unsigned long long)ns);

	char root[] = "/tmp/gb-disturb-XXXXXX";
	if (!mkdtemp(root)) {
		ok(0, "mkdtemp");
		return;
	}
	is_int(gb_cgroup_throttling(root, &nr, &ns), -1, "no cgroup filesystem: unknown (-1), not 0");
	/* a v2 group with the cpu controller off everywhere: cpu.stat
	 * exists without bandwidth fields, so nothing can throttle */
	tl_put(root, "/proc/self/mountinfo", "1 0 0:1 / /cg rw - cgroup2 cgroup2 rw\n");
	tl_put(root, "/proc/self/cgroup", "0::/a\n");
	tl_put(root, "/cg/a/cpu.stat", "usage_usec 10\nuser_usec 5\nsystem_usec 5\n");
	is_int(gb_cgroup_throttling(root, &nr, &ns), 0, "v2 without the cpu controller: read");
	ok(nr == 0 && ns == 0, "... and 0 throttling");
	/* junk at one level: the others still count */
	tl_put(root, "/cg/cpu.stat", "nr_throttled 4\nthrottled_usec 10\n");
	tl_put(root, "/cg/a/cpu.stat", "nr_throttled ???\n");
	gb_cgroup_throttling(root, &nr, &ns);
	ok(nr == 4 && ns == 10000, "a junk level is skipped, the parent still counts");
	tl_rmtree(root);
}

/* ------------------------------------------------------------- steal -- */

static void test_steal_parse(void)
{
	const char *stat = "cpu  1 2 3 4 5 6 7 80 0 0\ncpu0 1 2 3 4 5 6 7 30 0 0\n"
			   "cpu1 1 2 3 4 5 6 7 50 0 0\ncpu12 1 2 3 4 5 6 7 1000 0 0\nintr 5 6\n";
	uint64_t t = 0;
	cpu_set_t s = set_of("0-1");

	is_int(gb_disturb_parse_steal(stat, &s, &t), 0, "steal of CPUs 0-1");
	is_int((long long)t, 80, "summed over the set only (the total line and cpu12 ignored)");
	s = set_of("12");
	gb_disturb_parse_steal(stat, &s, &t);
	is_int((long long)t, 1000, "cpu12 is not cpu1");
	s = set_of("0,5");
	is_int(gb_disturb_parse_steal(stat, &s, &t), -1, "a CPU of the set has no line: unknown");
	s = set_of("0");
	is_int(gb_disturb_parse_steal("cpu0 1 2 3 4 5 6 7\n", &s, &t), -1,
	       "no steal field (before Linux 2.6.11): unknown");
	is_int(gb_disturb_parse_steal("", &s, &t), -1, "empty /proc/stat: unknown");
	is_int(gb_disturb_parse_steal(NULL, &s, &t), -1, "no /proc/stat: unknown");
	is_int(gb_disturb_parse_steal("cpu0 1 2 3 4 5 6 7 9", &s, &t), 0, "no final newline");
	is_int((long long)t, 9, "... still read");
}

/* ------------------------------------------------------ two readings -- */

static void test_fixture_readings(void)
{
	gb_disturb_snap a, b;
	gb_disturb d;
	cpu_set_t s = set_of("1,3");

	memset(&d, 0, sizeof d);
	gb_disturb_snap_take(fx("disturb-v1-a"), &s, &a);
	gb_disturb_snap_take(fx("disturb-v1-b"), &s, &b);
	ok(a.has_steal && b.has_steal && a.has_throttle && b.has_throttle && a.has_rusage,
	   "v1 fixtures: every source read");
	is_int((long long)a.steal_ticks, 200, "steal of CPUs 1 and 3 at the first reading");
	/* pretend 10 s passed: capacity 2 CPUs x 10 s = 2000 ticks at 100/s */
	a.wall_ns = 1000000000ull;
	b.wall_ns = 11000000000ull;
	a.canary_ns = 1.3e6;
	b.canary_ns = 1.31e6;
	gb_disturb_compute(&d, &a, &b, 2, 100);
	is_num(d.steal_pct, 2.0, 1e-12, "steal: 40 ticks of 2000 = 2 % (cpu0's 500 left out)");
	is_num(d.nr_throttled, 3, 0, "nr_throttled: 3 more periods");
	is_num(d.throttled_ms, 150, 1e-9, "throttled_ms: 150");
	is_num(d.wall_seconds, 10, 1e-12, "wall_seconds");
	is_num(d.canary_drift_pct, 100 * 0.01 / 1.3, 1e-9, "canary drift in percent");
	ok(d.disturbed && has_reason(&d, "throttled the run 3 times, 150.0 ms"),
	   "throttling marks the run, with the figures in the reason");
	ok(!has_reason(&d, "steal"), "steal 2.0 % (1.95 % without the rounding tick) is not above 2 %");
	gb_disturb_free(&d);

	s = set_of("0");
	gb_disturb_snap_take(fx("disturb-v2-a"), &s, &a);
	gb_disturb_snap_take(fx("disturb-v2-b"), &s, &b);
	a.wall_ns = 0;
	b.wall_ns = 1000000000ull;
	memset(&d, 0, sizeof d);
	gb_disturb_compute(&d, &a, &b, 1, 100);
	is_num(d.nr_throttled, 3, 0, "v2: 2 at app.slice + 1 at the leaf");
	is_num(d.throttled_ms, 0.6, 1e-12, "v2: 0.5 + 0.1 ms");
	is_num(d.steal_pct, 0, 0, "v2 fixture: steal 0 (a reading, not unknown)");
	is_num(d.canary_drift_pct, NAN, 0, "no canary timed: drift null");
	gb_disturb_free(&d);

	/* nothing readable: every file-based figure null, not 0 */
	char root[] = "/tmp/gb-disturb-XXXXXX";
	if (!mkdtemp(root)) {
		ok(0, "mkdtemp");
		return;
	}
	gb_disturb_snap_take(root, &s, &a);
	gb_disturb_snap_take(root, &s, &b);
	ok(!a.has_steal && !a.has_throttle, "empty root: no steal, no throttling readings");
	memset(&d, 0, sizeof d);
	gb_disturb_compute(&d, &a, &b, 1, 100);
	ok(isnan(d.steal_pct) && isnan(d.nr_throttled) && isnan(d.throttled_ms),
	   "empty root: steal and throttling null");
	ok(isfinite(d.nivcsw) && isfinite(d.cpu_seconds), "getrusage still counts");
	ok(!d.disturbed && d.reasons.n == 0, "unknowns mark nothing");
	gb_disturb_free(&d);
	tl_rmtree(root);
}

/* ---------------------------------------------------- the thresholds -- */

/* readings that differ only in what the case sets */
static void base(gb_disturb_snap *a, gb_disturb_snap *b)
{
	memset(a, 0, sizeof *a);
	memset(b, 0, sizeof *b);
	a->has_steal = b->has_steal = a->has_rusage = b->has_rusage = a->has_throttle = b->has_throttle = 1;
	a->wall_ns = 0;
	b->wall_ns = 10000000000ull;		/* 10 s */
	b->cpu_ns = 1000000000ull;		/* 1 CPU-second */
	a->canary_ns = b->canary_ns = 1e6;
}

static void verdict(gb_disturb_snap *a, gb_disturb_snap *b, int want, const char *word, const char *what)
{
	gb_disturb d;
	memset(&d, 0, sizeof d);
	gb_disturb_compute(&d, a, b, 2, 100);
	int pass = d.disturbed == want && (!want || has_reason(&d, word)) && (want || d.reasons.n == 0);
	if (!ok(pass, "%s", what))
		for (size_t i = 0; i < d.reasons.n; i++)
			printf("#   reason: %s\n", d.reasons.v[i]);
	gb_disturb_free(&d);
}

static void test_thresholds(void)
{
	gb_disturb_snap a, b;

	base(&a, &b);
	verdict(&a, &b, 0, "", "a quiet run: not disturbed");

	/* steal: 2 CPUs x 10 s x 100 ticks = 2000 ticks; 2 % = 40 ticks,
	 * tested on one tick less */
	base(&a, &b);
	b.steal_ticks = 41;
	verdict(&a, &b, 0, "steal", "steal 41 ticks (40 after rounding: exactly 2 %): not disturbed");
	b.steal_ticks = 42;
	verdict(&a, &b, 1, "steal time 2.1 %", "steal 42 ticks (2.05 %): disturbed");
	b.wall_ns = 200000000ull;		/* 0.2 s: 40 ticks of capacity */
	b.steal_ticks = 1;
	verdict(&a, &b, 0, "steal", "a single tick on a short run (2.5 % raw) is rounding: not disturbed");
	b.steal_ticks = 2;
	verdict(&a, &b, 1, "steal", "two ticks on a short run (2.5 % at least): disturbed");

	/* throttling: any */
	base(&a, &b);
	a.nr_throttled = b.nr_throttled = 7;
	verdict(&a, &b, 0, "", "throttling before the run only: not disturbed");
	b.nr_throttled = 8;
	b.throttled_ns = 2500000;
	verdict(&a, &b, 1, "throttled the run 1 times, 2.5 ms", "one throttled period: disturbed");

	/* canary: |drift| > 5 % */
	base(&a, &b);
	b.canary_ns = 1.05e6;
	verdict(&a, &b, 0, "", "canary +5.0 %: not disturbed");
	b.canary_ns = 1.0501e6;
	verdict(&a, &b, 1, "+5.0 %", "canary +5.01 %: disturbed");
	b.canary_ns = 0.95e6;
	verdict(&a, &b, 0, "", "canary -5.0 %: not disturbed");
	b.canary_ns = 0.9499e6;
	verdict(&a, &b, 1, "-5.0 %", "canary -5.01 % (faster after: the speed changed too): disturbed");

	/* involuntary switches: > 100 per CPU-second, from 20 on */
	base(&a, &b);
	b.nivcsw = 100;
	verdict(&a, &b, 0, "", "100 involuntary switches in 1 CPU-second: not disturbed");
	b.nivcsw = 101;
	verdict(&a, &b, 1, "101 involuntary context switches (0 voluntary) in 1.00 CPU-seconds: 101/s",
		"101 in 1 CPU-second: disturbed");
	/* the run's own wake-ups (a ping-pong between two of its threads on
	 * one CPU: gb-netlat, gb-syscall's futex tests) are not a neighbour */
	b.nivcsw = 19952;
	b.nvcsw = 23561;
	verdict(&a, &b, 0, "", "19952 involuntary with 23561 voluntary (a same-CPU ping-pong): not disturbed");
	b.nivcsw = 600;
	b.nvcsw = 500;
	verdict(&a, &b, 0, "", "600 involuntary, 500 voluntary: 100 beyond, not above 100/s");
	b.nivcsw = 601;
	verdict(&a, &b, 1, "601 involuntary context switches (500 voluntary) in 1.00 CPU-seconds: 101/s beyond",
		"601 involuntary, 500 voluntary: 101/s beyond: disturbed");
	b.nvcsw = 0;
	b.cpu_ns = 10000000ull;			/* 10 ms of CPU */
	b.nivcsw = 19;
	verdict(&a, &b, 0, "", "19 switches in 10 ms (1900/s) are too few to count");
	b.nivcsw = 20;
	verdict(&a, &b, 1, "involuntary", "20 switches in 10 ms: disturbed");
	b.cpu_ns = 0;
	verdict(&a, &b, 1, "involuntary", "20 switches and no CPU time at all: disturbed");
	b.cpu_ns = 1000000000ull;
	b.nivcsw = 5;
	b.nvcsw = 100000;
	verdict(&a, &b, 0, "", "voluntary switches (sleeping) never mark a run");

	/* several at once: one reason each */
	base(&a, &b);
	b.steal_ticks = 400;
	b.nr_throttled = 2;
	b.canary_ns = 2e6;
	b.nivcsw = 1000;
	gb_disturb d;
	memset(&d, 0, sizeof d);
	gb_disturb_compute(&d, &a, &b, 2, 100);
	is_int((long long)d.reasons.n, 4, "four thresholds crossed: four reasons");
	char line[4096];
	gb_disturb_line(&d, line, sizeof line);
	ok(!strncmp(line, "disturbed: steal time", 21) && strstr(line, "; the cgroup") &&
	   strstr(line, "; the canary") && strstr(line, "; 1000 involuntary"), "the table line lists them");
	gb_disturb_free(&d);

	/* counters that went backwards are not read as huge */
	base(&a, &b);
	a.nivcsw = 500;
	b.nivcsw = 10;
	a.nr_throttled = 9;
	memset(&d, 0, sizeof d);
	gb_disturb_compute(&d, &a, &b, 2, 100);
	ok(isnan(d.nivcsw) && isnan(d.nr_throttled) && !d.disturbed, "a counter reset: null, not disturbed");
	gb_disturb_line(&d, line, sizeof line);
	is_str(line, "", "no table line when not disturbed");
	gb_disturb_free(&d);
}

/* -------------------------------------------------- JSON and a run -- */

static json_t *render(const gb_disturb *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	gb_json j;
	gb_json_init(&j, f, 0);
	gb_json_obj_begin(&j, NULL);
	gb_disturb_json(&j, d);
	gb_json_obj_end(&j);
	gb_json_end(&j);
	fclose(f);
	json_error_t e;
	json_t *doc = json_loads(buf, 0, &e);
	if (!ok(doc != NULL, "disturbance JSON parses"))
		printf("#   %s: %s\n", buf, e.text);
	free(buf);
	return doc;
}

static void test_json_and_real_run(void)
{
	static const char *const numbers[] = { "steal_pct", "throttled_ms", "cpu_seconds", "wall_seconds",
					       "canary_drift_pct" };
	static const char *const counts[] = { "nr_throttled", "nivcsw", "nvcsw" };
	gb_disturb d;
	cpu_set_t s = set_of("0");

	/* a real window on this machine, with some work in it */
	gb_disturb_begin(&d, &s);
	ok(d.canary_before_ns > 0, "the canary is timed at the start (%.0f ns)", d.canary_before_ns);
	volatile double x = 0;
	for (int i = 0; i < 20000000; i++)
		x += i * 0.5;
	gb_disturb_end(&d);
	ok(d.cpu_seconds > 0 && d.wall_seconds > 0, "CPU and wall time of the window (%.3f, %.3f s)",
	   d.cpu_seconds, d.wall_seconds);
	ok(d.canary_after_ns > 0 && isfinite(d.canary_drift_pct), "the canary at the end, and its drift");
	json_t *doc = render(&d);
	json_t *o = doc ? json_object_get(doc, "disturbance") : NULL;
	ok(json_is_object(o), "a \"disturbance\" object");
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		json_t *v = json_object_get(o, numbers[i]);
		ok(json_is_number(v) || (json_is_null(v) && json_object_get(o, numbers[i])),
		   "%s is a number or null", numbers[i]);
	}
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		json_t *v = json_object_get(o, counts[i]);
		ok(json_is_integer(v) || json_is_null(v), "%s is an integer or null", counts[i]);
	}
	ok(json_is_integer(json_object_get(o, "nivcsw")), "nivcsw was read here");
	json_t *c = json_object_get(o, "canary_ns");
	ok(json_is_array(c) && json_array_size(c) == 2 && json_is_number(json_array_get(c, 0)) &&
	   json_is_number(json_array_get(c, 1)), "canary_ns is [before, after]");
	ok(json_is_boolean(json_object_get(o, "disturbed")), "disturbed is a boolean");
	ok(json_is_array(json_object_get(o, "reasons")) &&
	   json_array_size(json_object_get(o, "reasons")) == d.reasons.n, "reasons is the list");
	is_int((long long)json_object_size(o), 11, "exactly the 11 documented members");
	json_decref(doc);
	gb_disturb_end(&d);
	ok(d.started == 0, "a second end changes nothing");
	gb_disturb_free(&d);

	/* unknowns are null, not 0 */
	gb_disturb u;
	memset(&u, 0, sizeof u);
	gb_disturb_snap a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.canary_ns = b.canary_ns = NAN;
	gb_disturb_compute(&u, &a, &b, 1, 100);
	doc = render(&u);
	o = doc ? json_object_get(doc, "disturbance") : NULL;
	ok(json_is_null(json_object_get(o, "steal_pct")) && json_is_null(json_object_get(o, "nr_throttled")) &&
	   json_is_null(json_object_get(o, "nivcsw")) && json_is_null(json_array_get(json_object_get(o, "canary_ns"), 0)) &&
	   json_is_null(json_object_get(o, "canary_drift_pct")), "readings that failed render as null");
	ok(json_is_false(json_object_get(o, "disturbed")), "and do not mark the run");
	json_decref(doc);
	gb_disturb_free(&u);

	/* the canary is fixed work: two timings agree roughly (no speed
	 * threshold asserted, only that it measures something) */
	double c1 = gb_disturb_canary(3);
	ok(c1 > 0 && isfinite(c1), "gb_disturb_canary times the chain (%.0f ns)", c1);
}

int main(void)
{
	test_cpu_stat();
	test_throttling_walk();
	test_steal_parse();
	test_fixture_readings();
	test_thresholds();
	test_json_and_real_run();
	return tap_done();
}
