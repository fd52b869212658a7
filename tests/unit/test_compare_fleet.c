/* test_compare_fleet - gb-compare --fleet (compare/fleet.c) on hand-made
 * documents with known answers: the quantiles across hosts, the slowest
 * hosts per metric in both directions (lower and higher is better), the
 * host score and ranking, missing metrics with their reason, and the
 * refusals - a campaign, mixed versions, mixed benchmarks, one host.
 * The JSON rendering reads back as guestbench-fleet/1. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../compare/compare.h"
#include "tap.h"

/* A guestbench/1 document of host LABEL: syscall getpid (ns, lower) with
 * samples around 'lat' and stream triad (MB/s, higher) around 'bw'; a
 * NaN leaves the metric out, as unavailable. */
static char *doc(const char *label, const char *version, double lat, double bw, const char *threads)
{
	char res[512] = "", un[256] = "";
	if (isfinite(lat))
		snprintf(res, sizeof res, "{\"name\":\"getpid\",\"unit\":\"ns\",\"better\":\"lower\",\"samples\":[%g,%g,%g]}",
			 lat - 1, lat, lat + 1);
	else
		snprintf(un, sizeof un, "{\"name\":\"getpid\",\"reason\":\"blocked by seccomp\"}");
	if (isfinite(bw))
		snprintf(res + strlen(res), sizeof res - strlen(res),
			 "%s{\"name\":\"triad\",\"unit\":\"MB/s\",\"better\":\"higher\",\"samples\":[%g]}", res[0] ? "," : "", bw);
	return gb_xasprintf("{\"schema\":\"guestbench/1\",\"bench\":\"mixed\",\"version\":\"%s\",\"label\":\"%s\","
			    "\"config\":{\"threads\":%s},\"results\":[%s],\"unavailable\":[%s],\"valid\":true}",
			    version, label, threads, res, un);
}

static int add(cmp_input *in, const char *name, char *text, char *err, size_t len)
{
	int rc = cmp_input_parse(in, name, text, strlen(text), err, len);
	free(text);
	return rc;
}

/* Load, check, group and build; 0 or -1 with err. */
static int fleet_of(cmp_input *in, cmp_env **envs, size_t *nenv, cmp_fleet *f, char *err, size_t len)
{
	*envs = NULL;
	*nenv = 0;
	memset(f, 0, sizeof *f);
	if (cmp_fleet_check_input(in, err, len) < 0 || cmp_group(in, NULL, 0, envs, nenv, err, len) < 0)
		return -1;
	return cmp_fleet_build(f, *envs, *nenv, 2, err, len);
}

static void done(cmp_input *in, cmp_env *envs, size_t nenv, cmp_fleet *f)
{
	cmp_fleet_free(f);
	cmp_input_free(in);
	for (size_t i = 0; i < nenv; i++)
		cmp_env_free(&envs[i]);
	free(envs);
}

static const cmp_fleet_metric *metric(const cmp_fleet *f, const char *name)
{
	for (size_t i = 0; i < f->nm; i++)
		if (strcmp(f->m[i].name, name) == 0)
			return &f->m[i];
	return NULL;
}

static const char *host(const cmp_fleet *f, size_t i)
{
	return f->host[i].env->label;
}

static void test_quantile(void)
{
	double x[20];
	for (int i = 0; i < 20; i++)
		x[i] = i + 1;
	is_num(cmp_quantile(x, 20, 0.1), 2.9, 1e-12, "p10 of 1..20 = 2.9 (h = 1.9)");
	is_num(cmp_quantile(x, 20, 0.5), 10.5, 1e-12, "median of 1..20 = 10.5");
	is_num(cmp_quantile(x, 20, 0.9), 18.1, 1e-12, "p90 of 1..20 = 18.1 (h = 17.1)");
	is_num(cmp_quantile(x, 20, 0), 1, 0, "p0 = the minimum");
	is_num(cmp_quantile(x, 20, 1), 20, 0, "p100 = the maximum");
	double two[] = { 1, 3 };
	is_num(cmp_quantile(two, 2, 0.1), 1.2, 1e-12, "p10 of {1, 3} = 1.2");
	double one[] = { 7 };
	is_num(cmp_quantile(one, 1, 0.9), 7, 0, "one host: every quantile is its value");
	ok(isnan(cmp_quantile(x, 0, 0.5)), "no host: NaN");
}

static void test_known_fleet(void)
{
	cmp_input in;
	memset(&in, 0, sizeof in);
	char err[1024] = "";
	static const double lat[] = { 100, 110, 120, 130, 400 }, bw[] = { 1000, 1000, 900, 1100, 500 };
	int rc = 0;
	for (int i = 0; i < 5; i++) {
		char label[16], file[32];
		snprintf(label, sizeof label, "host-%d", i + 1);
		snprintf(file, sizeof file, "%s.json", label);
		rc |= add(&in, file, doc(label, "0.1.0", lat[i], bw[i], "2"), err, sizeof err);
	}
	/* a sixth host where getpid was not measurable, with its reason */
	rc |= add(&in, "host-6.json", doc("host-6", "0.1.0", NAN, 1000, "4"), err, sizeof err);
	cmp_env *envs;
	size_t nenv;
	cmp_fleet f;
	if (!ok(rc == 0 && fleet_of(&in, &envs, &nenv, &f, err, sizeof err) == 0, "six hosts make a fleet")) {
		printf("#   %s\n", err);
		return;
	}
	is_int((long long)f.nhost, 6, "one host per label");
	const cmp_fleet_metric *g = metric(&f, "getpid"), *t = metric(&f, "triad");
	if (!ok(g && t, "both metrics summarised"))
		return;
	is_int((long long)g->n, 5, "getpid: 5 hosts with a value");
	is_num(g->median, 120, 1e-9, "getpid median 120");
	is_num(g->p10, 104, 1e-9, "getpid p10 = 100 + 0.4 x 10 = 104");
	is_num(g->p90, 292, 1e-9, "getpid p90 = 130 + 0.6 x 270 = 292");
	is_str(host(&f, g->v[0].host), "host-5", "getpid (lower is better): the slowest is the highest, host-5");
	is_num(g->v[0].cost, 400.0 / 120, 1e-9, "at 3.33x the median");
	is_str(host(&f, g->v[1].host), "host-4", "then host-4");
	is_str(host(&f, g->v[4].host), "host-1", "host-1 the fastest, last");
	ok(g->missing.n == 1 && strstr(g->missing.v[0], "host-6 (blocked by seccomp)"),
	   "host-6 missing from getpid, with its reason");
	is_int((long long)t->n, 6, "triad: all 6 hosts");
	is_num(t->median, 1000, 1e-9, "triad median 1000");
	is_num(t->p10, 700, 1e-9, "triad p10 = 500 + 0.5 x 400 = 700");
	is_str(host(&f, t->v[0].host), "host-5", "triad (higher is better): the slowest is the lowest, host-5");
	is_num(t->v[0].cost, 2, 1e-9, "at 2x (median / value)");
	is_str(host(&f, t->v[1].host), "host-3", "then host-3 (900)");
	is_str(host(&f, f.by_rank[0]), "host-5", "host ranking: host-5 first");
	is_num(f.host[f.by_rank[0]].score, sqrt(400.0 / 120 * 2), 1e-9, "its score: geometric mean of 3.33x and 2x");
	is_int((long long)f.host[f.by_rank[0]].nslowest, 2, "among the 2 slowest on both metrics");
	size_t h1 = 0;
	while (strcmp(host(&f, h1), "host-1") != 0)
		h1++;
	is_num(f.host[h1].score, sqrt(100.0 / 120 * 1), 1e-9, "host-1's score: sqrt(0.833 x 1)");
	int warned = 0;
	for (size_t i = 0; i < f.warnings.n; i++)
		warned |= strstr(f.warnings.v[i], "configuration of host-6 differs") && strstr(f.warnings.v[i], "threads");
	ok(warned, "a host whose configuration differs is a warning naming the key");

	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	cmp_fleet_render(&f, "json", mf);
	fclose(mf);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	if (ok(j != NULL, "JSON rendering parses")) {
		is_str(json_string_value(json_object_get(j, "schema")), "guestbench-fleet/1", "schema guestbench-fleet/1");
		is_str(json_string_value(json_object_get(json_array_get(json_object_get(j, "hosts"), 0), "host")),
		       "host-5", "hosts[0] is the slowest host");
		json_t *m0 = json_array_get(json_object_get(j, "metrics"), 0);
		is_num(json_number_value(json_object_get(m0, "p90")), 292, 1e-9, "metrics[0].p90");
		is_int((long long)json_array_size(json_object_get(m0, "slowest")), 2, "slowest: --slowest 2 hosts");
		is_int((long long)json_array_size(json_object_get(m0, "values")), 5, "values: every host with one");
		json_decref(j);
	}
	free(buf);
	mf = open_memstream(&buf, &len);
	cmp_fleet_render(&f, "csv", mf);
	fclose(mf);
	size_t lines = 0;
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	is_int((long long)lines, 1 + 5 + 6, "CSV: a header and one row per metric and host (5 + 6)");
	free(buf);
	static const char *const text_formats[] = { "table", "markdown" };
	for (int k = 0; k < 2; k++) {
		mf = open_memstream(&buf, &len);
		cmp_fleet_render(&f, text_formats[k], mf);
		fclose(mf);
		char *rank1 = strstr(buf, k ? "| 1 | host-5 | 2.58x |" : "\n1     host-5  2.58x");
		ok(rank1 != NULL, "%s: host-5 ranked first with its score", text_formats[k]);
		ok(strstr(buf, "host-6 (blocked by seccomp)") != NULL, "%s: the missing metric and its reason", text_formats[k]);
		if (!rank1)
			printf("%s", buf);
		free(buf);
	}
	done(&in, envs, nenv, &f);
}

/* What cannot be one fleet: refused with a message saying why. */
static void test_refusals(void)
{
	static const struct {
		const char *what, *want;
		int versions, mixed, hosts;
	} cases[] = {
		{ "mixed versions", "mixed versions", 1, 0, 3 },
		{ "mixed benchmarks", "mixed benchmarks", 0, 1, 3 },
		{ "one host", "at least 2", 0, 0, 1 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		cmp_input in;
		memset(&in, 0, sizeof in);
		char err[1024] = "";
		for (int i = 0; i < cases[c].hosts; i++) {
			char label[16];
			snprintf(label, sizeof label, "h%d", i);
			char *d = doc(label, cases[c].versions && i == 2 ? "0.2.0" : "0.1.0", 100, 1000, "2");
			if (cases[c].mixed && i == 2) {
				char *s = strstr(d, "\"bench\":\"mixed\"");
				memcpy(s, "\"bench\":\"other\"", 15);
			}
			add(&in, label, d, err, sizeof err);
		}
		cmp_env *envs;
		size_t nenv;
		cmp_fleet f;
		int rc = fleet_of(&in, &envs, &nenv, &f, err, sizeof err);
		ok(rc < 0 && strstr(err, cases[c].want), "%s: refused (%s)", cases[c].what, err);
		done(&in, envs, nenv, &f);
	}

	/* a campaign is launches on one machine, not hosts */
	cmp_input in;
	memset(&in, 0, sizeof in);
	in.campaign = 1;
	char err[512] = "";
	ok(cmp_fleet_check_input(&in, err, sizeof err) < 0 && strstr(err, "campaign"), "a campaign: refused");

	/* a benchmark the suite skipped, with its reason, is not "mixed" */
	memset(&in, 0, sizeof in);
	char *a = doc("s1", "0.1.0", 100, 1000, "2"), *b = doc("s2", "0.1.0", 100, 1000, "2");
	char *s1 = gb_xasprintf("{\"schema\":\"guestbench-suite/1\",\"version\":\"0.1.0\",\"label\":\"s1\",\"runs\":[%s],"
				"\"skipped\":[]}", a);
	char *s2 = gb_xasprintf("{\"schema\":\"guestbench-suite/1\",\"version\":\"0.1.0\",\"label\":\"s2\",\"runs\":[],"
				"\"skipped\":[{\"bench\":\"mixed\",\"reason\":\"no io_uring here\"}]}");
	free(a);
	free(b);
	add(&in, "s1.json", s1, err, sizeof err);
	add(&in, "s2.json", s2, err, sizeof err);
	cmp_env *envs;
	size_t nenv;
	cmp_fleet f;
	int rc = fleet_of(&in, &envs, &nenv, &f, err, sizeof err);
	ok(rc == 0, "a skipped benchmark is allowed (%s)", rc ? err : "ok");
	int said = 0;
	for (size_t i = 0; rc == 0 && i < f.warnings.n; i++)
		said |= strstr(f.warnings.v[i], "mixed: skipped on s2: no io_uring here") != NULL;
	ok(said, "and listed with its reason");
	const cmp_fleet_metric *m = rc == 0 ? metric(&f, "getpid") : NULL;
	ok(m && m->missing.n == 1 && strstr(m->missing.v[0], "s2 (no io_uring here)"), "its metrics are missing on "
	   "that host, with the suite's reason");
	done(&in, envs, nenv, &f);
}

int main(void)
{
	test_quantile();
	test_known_fleet();
	test_refusals();
	return tap_done();
}
