/* fleet.c - many hosts as replicates of one environment: per metric, the
 * distribution across hosts and the hosts that are slowest.
 *
 * A platform team running the suite on every node (deploy/k8s/) does not
 * ask "is B slower than A" but "which nodes are off, and by how much".
 * Each host is one environment (group.c: its documents by label, several
 * launches of one host averaged as in a comparison); across hosts we give
 * the median, p10 and p90, and name the hosts furthest on the slow side.
 * A host's overall score is the geometric mean of its costs (value over
 * the fleet median, oriented so that above 1 is slower), so one slow node
 * stands out across many metrics even when no single metric is extreme.
 *
 * What is refused (exit 2, docs/compare.md "Fleets"): a campaign (launches
 * on one machine, not hosts), documents of different guestbench versions
 * (the same metric may not measure the same thing), hosts that ran
 * different benchmarks (unless the suite says it skipped one, and why).
 * What is only warned about: configurations that differ between hosts
 * (thread counts follow each node's CPUs: a fleet of mixed sizes is
 * still a fleet, but its spread then includes the sizes). */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Configuration differences listed before the rest are only counted. */
#define FLEET_MAX_CONFIG_WARN 8

double cmp_quantile(const double *x, size_t n, double p)
{
	if (!n)
		return NAN;
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static const char *doc_version(json_t *doc)
{
	json_t *v = json_object_get(doc, "version");
	return json_is_string(v) ? json_string_value(v) : "unknown";
}

/* The first version that differs from *first among a document's own and
 * its runs' (a suite's), or NULL; *first is set by the first one seen.
 * A document without one is not compared: nothing to tell. */
static const char *other_version(json_t *doc, const char **first)
{
	json_t *runs = json_object_get(doc, "runs"), *r;
	size_t i, n = json_is_array(runs) ? json_array_size(runs) : 0;
	for (i = 0; i <= n; i++) {
		r = i == 0 ? doc : json_array_get(runs, i - 1);
		json_t *v = json_object_get(r, "version");
		if (!json_is_string(v))
			continue;
		if (!*first)
			*first = json_string_value(v);
		else if (strcmp(*first, json_string_value(v)) != 0)
			return json_string_value(v);
	}
	return NULL;
}

int cmp_fleet_check_input(const cmp_input *in, char *err, size_t errlen)
{
	if (in->campaign) {
		cmp_set_err(err, errlen, "--fleet: a campaign holds launches of several environments on one "
			    "machine, not hosts; give one document per host (guestbench suite -o HOST.json)");
		return -1;
	}
	const char *first = NULL, *first_path = NULL;
	for (size_t i = 0; i < in->n; i++)
		for (size_t d = 0; d < in->unit[i].ndocs; d++) {
			const char *v = other_version(in->unit[i].docs[d], &first);
			if (!first_path && first)
				first_path = in->unit[i].path;
			if (v) {
				cmp_set_err(err, errlen, "--fleet: mixed versions: %s was written by guestbench %.40s, "
					    "%s by %.40s; a fleet summary compares hosts running the same version "
					    "(one image everywhere)", in->unit[i].path, v, first_path, first);
				return -1;
			}
		}
	return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int worst_first(const void *a, const void *b)
{
	const cmp_fleet_value *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? 1 : -1;
	return (x->host > y->host) - (x->host < y->host);	/* ties: first host first */
}

/* Mean of the launch means of one host's series; NaN when none is finite. */
static double host_value(const cmp_series *s)
{
	double sum = 0;
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (isfinite(s->m[i]->mean)) {
			sum += s->m[i]->mean;
			k++;
		}
	return k ? sum / (double)k : NAN;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every host ran every benchmark some host ran, or its suite says why not:
 * one sorted union of the benchmarks, then a look-up per host and bench. */
static int check_benches(cmp_fleet *f, const cmp_index *x, size_t n, char *err, size_t errlen)
{
	size_t total = 0, nu = 0;
	for (size_t h = 0; h < n; h++)
		total += x[h].nbench;
	const char **u = gb_xcalloc(total + 1, sizeof *u);
	for (size_t h = 0; h < n; h++)
		for (size_t b = 0; b < x[h].nbench; b++)
			u[nu++] = x[h].bench[b].bench;
	qsort(u, nu, sizeof *u, str_cmp);
	int rc = 0;
	for (size_t i = 0; i < nu && rc == 0; i++) {
		if (i && strcmp(u[i - 1], u[i]) == 0)
			continue;
		size_t has = 0;
		while (!cmp_index_bench(&x[has], u[i]))
			has++;
		for (size_t h = 0; h < n && rc == 0; h++) {
			if (cmp_index_bench(&x[h], u[i]))
				continue;
			const cmp_env *e = f->host[h].env;
			const char *why = cmp_notes_find(&e->skipped, u[i]);
			if (why) {
				gb_strlist_addf(&f->warnings, "%s: skipped on %s: %s", u[i], e->label, why);
				continue;
			}
			cmp_set_err(err, errlen, "--fleet: mixed benchmarks: %s (%s) has no %s run, %s has; every "
				    "host must run the same benchmarks", e->label, e->path, u[i], f->host[has].env->label);
			rc = -1;
		}
	}
	free(u);
	return rc;
}

/* Configurations that differ from the first host's, per benchmark. */
static void check_config(cmp_fleet *f, const cmp_index *x, size_t n)
{
	size_t said = 0, more = 0;
	for (size_t b = 0; b < x[0].nbench; b++) {
		const cmp_bench_runs *first = &x[0].bench[b];
		for (size_t h = 1; h < n; h++) {
			const cmp_bench_runs *r = cmp_index_bench(&x[h], first->bench);
			if (!r)
				continue;
			char *d = cmp_config_diff(first->run[0]->config, r->run[0]->config);
			if (!d)
				continue;
			if (said++ < FLEET_MAX_CONFIG_WARN)
				gb_strlist_addf(&f->warnings, "%s: configuration of %s differs from %s's: %s", first->bench,
						f->host[h].env->label, f->host[0].env->label, d);
			else
				more++;
			free(d);
		}
	}
	if (more)
		gb_strlist_addf(&f->warnings, "... and %zu more hosts whose configuration differs", more);
}

/* One metric across hosts, from the first host that has it. */
static void summarise(cmp_fleet *f, cmp_fleet_metric *m, const cmp_series *s0, const cmp_index *x, size_t n)
{
	memset(m, 0, sizeof *m);
	m->bench = s0->bench;
	m->name = s0->name;
	m->unit = s0->m[0]->unit;
	m->lower = s0->m[0]->lower;
	m->v = gb_xcalloc(n + 1, sizeof *m->v);
	double *sorted = gb_xcalloc(n + 1, sizeof *sorted);
	for (size_t h = 0; h < n; h++) {
		const cmp_series *s = cmp_index_find(&x[h], m->bench, m->name);
		const cmp_env *e = f->host[h].env;
		double v = s ? host_value(s) : NAN;
		if (!isfinite(v)) {
			const char *why = NULL;
			const cmp_bench_runs *br = cmp_index_bench(&x[h], m->bench);
			for (size_t r = 0; br && !why && r < br->n; r++)
				why = cmp_notes_find(&br->run[r]->unavailable, m->name);
			if (!why && !br)
				why = cmp_notes_find(&e->skipped, m->bench);
			gb_strlist_addf(&m->missing, "%s (%s)", e->label, why ? why : s ? "no finite value" : "not in its results");
			continue;
		}
		m->v[m->n] = (cmp_fleet_value){ h, v, NAN };
		sorted[m->n++] = v;
	}
	qsort(sorted, m->n, sizeof *sorted, dbl_cmp);
	m->median = cmp_quantile(sorted, m->n, 0.5);
	m->p10 = cmp_quantile(sorted, m->n, 0.1);
	m->p90 = cmp_quantile(sorted, m->n, 0.9);
	m->min = m->n ? sorted[0] : NAN;
	m->max = m->n ? sorted[m->n - 1] : NAN;
	double var = NAN;
	if (m->n)
		gb_mean_var(sorted, m->n, &m->mean, &var);
	else
		m->mean = NAN;
	m->cv = m->n >= 2 && m->mean != 0 ? sqrt(var) / fabs(m->mean) : NAN;
	free(sorted);
	/* the cost of each host: oriented so that above 1 is slower */
	for (size_t i = 0; i < m->n; i++) {
		double v = m->v[i].value, c = NAN;
		if (v > 0 && m->median > 0)
			c = m->lower ? v / m->median : m->median / v;
		m->v[i].cost = c;
	}
	/* NaN costs (a zero or negative value) sort last */
	for (size_t i = 0; i < m->n; i++)
		if (isnan(m->v[i].cost))
			m->v[i].cost = -INFINITY;
	qsort(m->v, m->n, sizeof *m->v, worst_first);
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].cost == -INFINITY)
			m->v[i].cost = NAN;
}

typedef struct seen {
	const cmp_series *s;
	size_t host, pos;		/* where it first appears: host, then document order */
} seen;

static int seen_key(const void *a, const void *b)
{
	const seen *x = a, *y = b;
	int c = strcmp(x->s->bench, y->s->bench);
	if (!c)
		c = strcmp(x->s->name, y->s->name);
	if (!c)
		c = (x->host > y->host) - (x->host < y->host);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int seen_order(const void *a, const void *b)
{
	const seen *x = a, *y = b;
	int c = (x->host > y->host) - (x->host < y->host);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Each metric once, where it first appears (host after host, in document
 * order): two sorts, n log n in all the hosts' metrics together. */
static void metrics(cmp_fleet *f, const cmp_index *x, size_t n)
{
	size_t total = 0, k = 0;
	for (size_t h = 0; h < n; h++)
		total += x[h].nseries;
	seen *all = gb_xcalloc(total + 1, sizeof *all);
	for (size_t h = 0; h < n; h++)
		for (size_t i = 0; i < x[h].nseries; i++)
			all[k++] = (seen){ x[h].order[i], h, i };
	qsort(all, total, sizeof *all, seen_key);
	size_t u = 0;
	for (size_t i = 0; i < total; i++)
		if (i == 0 || strcmp(all[i].s->bench, all[u - 1].s->bench) != 0 ||
		    strcmp(all[i].s->name, all[u - 1].s->name) != 0)
			all[u++] = all[i];
	qsort(all, u, sizeof *all, seen_order);
	f->m = gb_xcalloc(u + 1, sizeof *f->m);
	for (size_t i = 0; i < u; i++)
		summarise(f, &f->m[f->nm++], all[i].s, x, n);
	free(all);
}

static const cmp_fleet *rank_of;	/* qsort has no context argument */

static int by_score(const void *a, const void *b)
{
	const cmp_fleet_host *x = &rank_of->host[*(const size_t *)a], *y = &rank_of->host[*(const size_t *)b];
	double sx = isnan(x->score) ? -INFINITY : x->score, sy = isnan(y->score) ? -INFINITY : y->score;
	if (sx != sy)
		return sx < sy ? 1 : -1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

static void score_hosts(cmp_fleet *f)
{
	double *logsum = gb_xcalloc(f->nhost + 1, sizeof *logsum);
	for (size_t i = 0; i < f->nm; i++) {
		const cmp_fleet_metric *m = &f->m[i];
		for (size_t k = 0; k < m->n; k++) {
			const cmp_fleet_value *v = &m->v[k];
			if (k < f->slowest && m->n > f->slowest && isfinite(v->cost) && v->cost > 1)
				f->host[v->host].nslowest++;
			if (isfinite(v->cost) && v->cost > 0) {
				logsum[v->host] += log(v->cost);
				f->host[v->host].nscored++;
			}
		}
	}
	for (size_t h = 0; h < f->nhost; h++)
		f->host[h].score = f->host[h].nscored ? exp(logsum[h] / (double)f->host[h].nscored) : NAN;
	free(logsum);
	f->by_rank = gb_xcalloc(f->nhost + 1, sizeof *f->by_rank);
	for (size_t h = 0; h < f->nhost; h++)
		f->by_rank[h] = h;
	rank_of = f;
	qsort(f->by_rank, f->nhost, sizeof *f->by_rank, by_score);
	for (size_t r = 0; r < f->nhost; r++)
		f->host[f->by_rank[r]].rank = r + 1;
}

int cmp_fleet_build(cmp_fleet *f, const cmp_env *hosts, size_t n, size_t slowest, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	f->slowest = slowest;
	if (n < 2) {
		cmp_set_err(err, errlen, "--fleet: %zu host%s in the files given (%s); a fleet summary needs at "
			    "least 2 (hosts are told apart by --label, else by file name)", n, n == 1 ? "" : "s",
			    n ? hosts[0].label : "none");
		return -1;
	}
	f->nhost = n;
	f->host = gb_xcalloc(n + 1, sizeof *f->host);
	for (size_t h = 0; h < n; h++)
		f->host[h].env = &hosts[h];
	f->version = hosts[0].ndocs ? doc_version(hosts[0].docs[0]) : "unknown";
	cmp_index *x = gb_xcalloc(n + 1, sizeof *x);
	for (size_t h = 0; h < n; h++)
		cmp_index_build(&x[h], &hosts[h]);
	int rc = check_benches(f, x, n, err, errlen);
	if (rc == 0) {
		check_config(f, x, n);
		metrics(f, x, n);
		score_hosts(f);
		for (size_t h = 0; h < n; h++)
			if (!hosts[h].nruns)
				gb_strlist_addf(&f->warnings, "%s: no benchmark run (every run dropped or failed)",
						hosts[h].label);
	}
	for (size_t h = 0; h < n; h++)
		cmp_index_free(&x[h]);
	free(x);
	return rc;
}

void cmp_fleet_free(cmp_fleet *f)
{
	for (size_t i = 0; i < f->nm; i++) {
		free(f->m[i].v);
		gb_strlist_free(&f->m[i].missing);
	}
	free(f->m);
	free(f->host);
	free(f->by_rank);
	gb_strlist_free(&f->warnings);
	memset(f, 0, sizeof *f);
}
