/* index.c - an environment's metrics by (bench, metric), for pairing.
 *
 * Pairing looks up every metric of the base in the other environment and
 * back: a linear search made that quadratic in the number of metrics.
 * Here one sort makes each look-up a binary search, so a comparison costs
 * n log n.  The series also keep the order in which their metrics first
 * appear in the documents, the order a reader expects the rows in.  An
 * environment may hold several runs (launches) of a benchmark: a series
 * gathers the metric from each of them, in load order. */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
	const char *bench, *name;
	const cmp_run *run;
	const cmp_metric *m;
	size_t seq;			/* load order: run, then metric */
} entry;

static int entry_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->bench, y->bench);
	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int first_cmp(const void *a, const void *b)
{
	const cmp_series *x = *(cmp_series *const *)a, *y = *(cmp_series *const *)b;
	return (x->first > y->first) - (x->first < y->first);
}

typedef struct bench_entry {
	const char *bench;
	const cmp_run *run;
	size_t seq;
} bench_entry;

static int bench_entry_cmp(const void *a, const void *b)
{
	const bench_entry *x = a, *y = b;
	int c = strcmp(x->bench, y->bench);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void index_benches(cmp_index *x, const cmp_env *e)
{
	size_t n = e->nruns;
	bench_entry *b = gb_xmalloc((n + 1) * sizeof *b);
	for (size_t i = 0; i < n; i++)
		b[i] = (bench_entry){ e->runs[i].bench, &e->runs[i], i };
	qsort(b, n, sizeof *b, bench_entry_cmp);
	const cmp_run **runs = gb_xmalloc((n + 1) * sizeof *runs);
	x->bench = gb_xcalloc(n + 1, sizeof *x->bench);
	for (size_t i = 0; i < n; i++) {
		runs[i] = b[i].run;
		if (i && strcmp(b[i - 1].bench, b[i].bench) == 0) {
			x->bench[x->nbench - 1].n++;
			continue;
		}
		x->bench[x->nbench++] = (cmp_bench_runs){ b[i].bench, runs + i, 1 };
	}
	if (!x->nbench)
		free(runs);	/* otherwise x->bench[0].run owns it */
	free(b);
}

void cmp_index_build(cmp_index *x, const cmp_env *e)
{
	memset(x, 0, sizeof *x);
	size_t n = 0;
	for (size_t i = 0; i < e->nruns; i++)
		n += e->runs[i].nm;
	entry *v = gb_xmalloc((n + 1) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < e->nruns; i++)
		for (size_t j = 0; j < e->runs[i].nm; j++, k++)
			v[k] = (entry){ e->runs[i].bench, e->runs[i].m[j].name, &e->runs[i], &e->runs[i].m[j], k };
	qsort(v, n, sizeof *v, entry_cmp);

	/* one slice of these two arrays per series; series[0] owns them */
	const cmp_run **runs = gb_xmalloc((n + 1) * sizeof *runs);
	const cmp_metric **ms = gb_xmalloc((n + 1) * sizeof *ms);
	x->series = gb_xcalloc(n + 1, sizeof *x->series);
	for (size_t i = 0; i < n; i++) {
		runs[i] = v[i].run;
		ms[i] = v[i].m;
		if (i && strcmp(v[i - 1].bench, v[i].bench) == 0 && strcmp(v[i - 1].name, v[i].name) == 0) {
			x->series[x->nseries - 1].n++;
			continue;
		}
		x->series[x->nseries++] = (cmp_series){ v[i].bench, v[i].name, runs + i, ms + i, 1, v[i].seq };
	}
	if (!x->nseries) {
		free(runs);
		free(ms);
	}
	free(v);
	x->order = gb_xmalloc((x->nseries + 1) * sizeof *x->order);
	for (size_t i = 0; i < x->nseries; i++)
		x->order[i] = &x->series[i];
	qsort(x->order, x->nseries, sizeof *x->order, first_cmp);
	index_benches(x, e);
}

struct key {
	const char *bench, *name;
};

static int key_cmp(const void *k, const void *elem)
{
	const struct key *a = k;
	const cmp_series *s = elem;
	int c = strcmp(a->bench, s->bench);
	return c ? c : strcmp(a->name, s->name);
}

const cmp_series *cmp_index_find(const cmp_index *x, const char *bench, const char *name)
{
	struct key k = { bench, name };
	return x->nseries ? bsearch(&k, x->series, x->nseries, sizeof *x->series, key_cmp) : NULL;
}

static int bench_key_cmp(const void *k, const void *elem)
{
	return strcmp(k, ((const cmp_bench_runs *)elem)->bench);
}

const cmp_bench_runs *cmp_index_bench(const cmp_index *x, const char *bench)
{
	return x->nbench ? bsearch(bench, x->bench, x->nbench, sizeof *x->bench, bench_key_cmp) : NULL;
}

void cmp_index_free(cmp_index *x)
{
	if (x->nseries) {
		free(x->series[0].run);
		free(x->series[0].m);
	}
	free(x->series);
	free(x->order);
	if (x->nbench)
		free(x->bench[0].run);
	free(x->bench);
	memset(x, 0, sizeof *x);
}
