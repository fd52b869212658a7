/* match.c - pair the metrics of the base environment with each other one.
 *
 * A pair is (benchmark, metric name); the benchmark's configuration is
 * compared too, and a difference in what was measured (sizes, threads,
 * pages, ISA ...) is a warning printed with the pair, never a silent
 * pairing: a ratio of two different workloads is still shown, because
 * refusing would hide the result, but marked so it is not trusted.
 * Metrics present on one side only are listed, with the reason the other
 * side gave when it has one (its "unavailable" list or the suite's
 * "skipped"). */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

/* Members of "config" that describe the run's length, the output or the
 * environment itself (which the fingerprint compares): never a mismatch. */
static const char *const ignored[] = {
	"repeat", "warmup", "time_limit", "min_time", "label", "format", "output", "quiet", "verbose",
	"version", "help", "seccomp", "mitigations", "clocksource", "timer_overhead_ns", "timer_tick_ns",
	"dgemm_calibration_gflops", "estimated_run_s", "n_source", "blas_core_library", "blas_core_used",
	"blas_core_reason", "blas_reexec", "blas_reexec_how", "openblas_config", "isa_flags", "isa_hw_best",
	"llc_bytes", "array_over_llc", "numa_nodes", "numa_note", "numa_used", "numa_placement", "cpu_list",
	"huge_coverage", "epsilon", "residual_threshold", "seed", "blas_core_env", "self", "path",
	"server_port", "clock_trusted", "clock_trust_reason", NULL,
};

int cmp_config_ignored(const char *key)
{
	for (const char *const *k = ignored; *k; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

static void value_text(char *buf, size_t size, const json_t *v)
{
	if (!v) {
		gb_strlcpy(buf, "(absent)", size);
		return;
	}
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	gb_strlcpy(buf, s ? s : "?", size);
	free(s);
}

/* At most this many differing keys are spelled out; the rest are
 * counted (a config of a million keys must not make a million-key line,
 * nor take quadratic time to build one). */
#define MAX_DIFFS 12

struct diff {
	gb_strlist keys;
	size_t more;
};

static void add_diff(struct diff *d, const char *key, const json_t *a, const json_t *b)
{
	if (d->keys.n >= MAX_DIFFS) {
		d->more++;
		return;
	}
	char ta[64], tb[64];
	value_text(ta, sizeof ta, a);
	value_text(tb, sizeof tb, b);
	gb_strlist_addf(&d->keys, "%.64s %s vs %s", key, ta, tb);
}

char *cmp_config_diff(const json_t *a, const json_t *b)
{
	struct diff d = { { NULL, 0, 0 }, 0 };
	const char *key;
	json_t *va;
	if (!json_is_object(a) || !json_is_object(b))
		return NULL;
	json_object_foreach((json_t *)a, key, va) {
		json_t *vb = json_object_get(b, key);
		if (!cmp_config_ignored(key) && (!vb || !json_equal(va, vb)))
			add_diff(&d, key, va, vb);
	}
	json_object_foreach((json_t *)b, key, va)
		if (!cmp_config_ignored(key) && !json_object_get(a, key))
			add_diff(&d, key, NULL, va);
	if (!d.keys.n)
		return NULL;
	size_t len = 64;
	for (size_t i = 0; i < d.keys.n; i++)
		len += strlen(d.keys.v[i]) + 2;
	char *out = gb_xmalloc(len), *p = out;
	for (size_t i = 0; i < d.keys.n; i++)
		p += sprintf(p, "%s%s", i ? "; " : "", d.keys.v[i]);
	if (d.more)
		sprintf(p, "; and %zu more", d.more);
	gb_strlist_free(&d.keys);
	return out;
}

/* Why 'name' is missing from the runs of a benchmark: the first reason
 * any of them recorded for exactly that name. */
static const char *unavailable_why(const cmp_bench_runs *b, const char *name)
{
	for (size_t i = 0; b && i < b->n; i++) {
		const char *why = cmp_notes_find(&b->run[i]->unavailable, name);
		if (why)
			return why;
	}
	return NULL;
}

static void pair_up(cmp_result *r, cmp_side *s, size_t key, const cmp_series *bs, const cmp_series *os,
		    const char *mismatch)
{
	cmp_pair p;
	memset(&p, 0, sizeof p);
	p.key = key;
	p.brun = bs->run[0];
	p.orun = os->run[0];
	p.b = bs->m[0];
	p.o = os->m[0];
	cmp_estimate(&p, bs, os, r->alpha);
	p.mismatch = mismatch;
	cmp_decide(&p, r->alpha, r->margin);
	s->p = gb_grow(s->p, s->np, &s->cap, sizeof *s->p);
	s->p[s->np++] = p;
}

/* Launches of one benchmark in one environment that were not given the
 * same work: a warning, once per benchmark. */
static void launch_mismatch(cmp_result *r, const cmp_bench_runs *b, const cmp_env *e)
{
	for (size_t k = 1; k < b->n; k++) {
		char *mm = cmp_config_diff(b->run[0]->config, b->run[k]->config);
		if (!mm)
			continue;
		gb_strlist_addf(&r->warnings, "%s: configuration differs between launches of %s: %s", b->bench,
				e->label, mm);
		free(mm);
		return;
	}
}

/* The configuration difference of one benchmark between base and other,
 * kept once in the result (every pair of the benchmark points to it). */
static const char *bench_mismatch(cmp_result *r, const cmp_bench_runs *bb, const cmp_bench_runs *ob,
				  const cmp_env *base, const cmp_env *other)
{
	char *mm = cmp_config_diff(bb->run[0]->config, ob->run[0]->config);
	if (!mm)
		return NULL;
	gb_strlist_addf(&r->warnings, "%s: configuration differs between %s and %s: %s", bb->bench, base->label,
			other->label, mm);
	gb_strlist_add(&r->mismatches, mm);
	free(mm);
	return r->mismatches.v[r->mismatches.n - 1];
}

static void match_side(cmp_result *r, cmp_side *s, const cmp_env *base, const cmp_env *other)
{
	const cmp_index *bx = &r->bindex;
	cmp_index *ox = &s->index;
	s->env = other;
	cmp_index_build(ox, other);

	/* per benchmark of the base: warnings, and the mismatch its pairs carry */
	const char **mism = gb_xcalloc(bx->nbench + 1, sizeof *mism);
	for (size_t i = 0; i < bx->nbench; i++) {
		const cmp_bench_runs *bb = &bx->bench[i], *ob = cmp_index_bench(ox, bb->bench);
		if (!ob)
			continue;
		mism[i] = bench_mismatch(r, bb, ob, base, other);
		launch_mismatch(r, ob, other);
		for (size_t k = 0; k < ob->n; k++)
			if (!ob->run[k]->valid)
				gb_strlist_addf(&r->warnings, "%s in %s was marked invalid (\"valid\": false)",
						ob->bench, other->label);
	}

	for (size_t i = 0; i < bx->nseries; i++) {
		const cmp_series *bs = bx->order[i];
		const cmp_series *os = cmp_index_find(ox, bs->bench, bs->name);
		const cmp_bench_runs *bb = cmp_index_bench(bx, bs->bench), *ob = cmp_index_bench(ox, bs->bench);
		if (os) {
			pair_up(r, s, i, bs, os, mism[bb - bx->bench]);
			continue;
		}
		const char *why;
		if (!ob) {
			why = cmp_notes_find(&other->skipped, bs->bench);
			gb_strlist_addf(&s->missing, "%s/%s (%s: %s)", bs->bench, bs->name, other->label,
					why ? why : "benchmark not run");
		} else {
			why = unavailable_why(ob, bs->name);
			gb_strlist_addf(&s->missing, "%s/%s (%s: %s)", bs->bench, bs->name, other->label,
					why ? why : "not in the results");
		}
	}
	free(mism);
	for (size_t i = 0; i < ox->nseries; i++) {
		const cmp_series *os = ox->order[i];
		const cmp_bench_runs *bb = cmp_index_bench(bx, os->bench);
		if (!bb || cmp_index_find(bx, os->bench, os->name))
			continue;	/* benchmarks the base did not run are one line below */
		const char *why = unavailable_why(bb, os->name);
		gb_strlist_addf(&s->extra, "%s/%s (%s: %s)", os->bench, os->name, base->label,
				why ? why : "not in the results");
	}
	for (size_t i = 0; i < other->nruns; i++) {
		const cmp_bench_runs *ob = cmp_index_bench(ox, other->runs[i].bench);
		/* once per benchmark: at its first run */
		if (!cmp_index_bench(bx, other->runs[i].bench) && ob->run[0] == &other->runs[i])
			gb_strlist_addf(&s->extra, "%s (%s: benchmark not run)", other->runs[i].bench, base->label);
	}
	cmp_fingerprint_diff(base, other, &s->fpwarn);
	for (size_t i = 0; i < other->nruns; i++)	/* gb-timer's verdict on its clocks */
		cmp_trust_warn(&r->warnings, &other->runs[i], other->label);
}

void cmp_match(cmp_result *r, const cmp_env *base, const cmp_env *others, size_t nothers, double alpha,
	       double margin)
{
	memset(r, 0, sizeof *r);
	r->base = base;
	r->alpha = alpha;
	r->margin = margin;
	cmp_index_build(&r->bindex, base);
	/* the base's own warnings, once: invalid runs, launches that differ */
	for (size_t i = 0; i < r->bindex.nbench; i++) {
		const cmp_bench_runs *bb = &r->bindex.bench[i];
		launch_mismatch(r, bb, base);
		for (size_t k = 0; k < bb->n; k++)
			if (!bb->run[k]->valid)
				gb_strlist_addf(&r->warnings, "%s in %s was marked invalid (\"valid\": false)", bb->bench,
						base->label);
	}
	for (size_t i = 0; i < base->nruns; i++)	/* gb-timer's verdict on its clocks */
		cmp_trust_warn(&r->warnings, &base->runs[i], base->label);
	r->side = gb_xcalloc(nothers ? nothers : 1, sizeof *r->side);
	r->nside = nothers;
	for (size_t i = 0; i < nothers; i++)
		match_side(r, &r->side[i], base, &others[i]);
}

void cmp_result_free(cmp_result *r)
{
	for (size_t i = 0; i < r->nside; i++) {
		cmp_side *s = &r->side[i];
		for (size_t k = 0; k < s->np; k++)
			cmp_pair_free(&s->p[k]);
		free(s->p);
		gb_strlist_free(&s->missing);
		gb_strlist_free(&s->extra);
		gb_strlist_free(&s->fpwarn);
		cmp_index_free(&s->index);
	}
	free(r->side);
	cmp_index_free(&r->bindex);
	gb_strlist_free(&r->warnings);
	gb_strlist_free(&r->mismatches);
	memset(r, 0, sizeof *r);
}
