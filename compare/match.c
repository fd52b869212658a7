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

#include <math.h>
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
	"huge_coverage", "epsilon", "residual_threshold", "seed", NULL,
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

static void add_diff(char **out, const char *key, const json_t *a, const json_t *b)
{
	char ta[64], tb[64];
	value_text(ta, sizeof ta, a);
	value_text(tb, sizeof tb, b);
	char *n = gb_xasprintf("%s%s%s %s vs %s", *out ? *out : "", *out ? "; " : "", key, ta, tb);
	free(*out);
	*out = n;
}

char *cmp_config_diff(const json_t *a, const json_t *b)
{
	char *out = NULL;
	const char *key;
	json_t *va;
	if (!json_is_object(a) || !json_is_object(b))
		return NULL;
	json_object_foreach((json_t *)a, key, va) {
		json_t *vb = json_object_get(b, key);
		if (!cmp_config_ignored(key) && (!vb || !json_equal(va, vb)))
			add_diff(&out, key, va, vb);
	}
	json_object_foreach((json_t *)b, key, va)
		if (!cmp_config_ignored(key) && !json_object_get(a, key))
			add_diff(&out, key, NULL, va);
	return out;
}

static const cmp_run *find_run(const cmp_env *e, const char *bench)
{
	for (size_t i = 0; i < e->nruns; i++)
		if (strcmp(e->runs[i].bench, bench) == 0)
			return &e->runs[i];
	return NULL;
}

static const cmp_metric *find_metric(const cmp_run *r, const char *name)
{
	for (size_t i = 0; r && i < r->nm; i++)
		if (strcmp(r->m[i].name, name) == 0)
			return &r->m[i];
	return NULL;
}

/* "name: reason" from a list, for the metric or benchmark 'name'. */
static const char *reason_in(const gb_strlist *l, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->v[i], name, n) == 0 && l->v[i][n] == ':')
			return l->v[i] + n + 2;
	return NULL;
}

static void pair_up(cmp_side *s, const cmp_run *br, const cmp_run *or, const cmp_metric *b,
		    const cmp_metric *o, const char *mismatch, double alpha)
{
	cmp_pair p;
	memset(&p, 0, sizeof p);
	p.brun = br;
	p.orun = or;
	p.b = b;
	p.o = o;
	p.ratio = o->mean / b->mean;
	p.ratio_median = o->median / b->median;
	p.delta_pct = (p.ratio - 1) * 100;
	p.welch = cmp_welch_test(b->samples, b->n, o->samples, o->n);
	p.mwu = cmp_mann_whitney(b->samples, b->n, o->samples, o->n);
	if (cmp_fieller(b->samples, b->n, o->samples, o->n, alpha, &p.ci_lo, &p.ci_hi) < 0)
		p.ci_lo = p.ci_hi = NAN;
	p.mismatch = mismatch ? gb_xstrdup(mismatch) : NULL;
	cmp_decide(&p, alpha);
	s->p = gb_grow(s->p, s->np, &s->cap, sizeof *s->p);
	s->p[s->np++] = p;
}

static void match_side(cmp_result *r, cmp_side *s, const cmp_env *base, const cmp_env *other, double alpha)
{
	s->env = other;
	for (size_t i = 0; i < base->nruns; i++) {
		const cmp_run *br = &base->runs[i];
		const cmp_run *or = find_run(other, br->bench);
		if (!or) {
			const char *why = reason_in(&other->skipped, br->bench);
			for (size_t k = 0; k < br->nm; k++)
				gb_strlist_addf(&s->missing, "%s/%s (%s: %s)", br->bench, br->m[k].name, other->label,
						why ? why : "benchmark not run");
			continue;
		}
		char *mm = cmp_config_diff(br->config, or->config);
		if (mm)
			gb_strlist_addf(&r->warnings, "%s: configuration differs between %s and %s: %s", br->bench,
					base->label, other->label, mm);
		if (!br->valid)
			gb_strlist_addf(&r->warnings, "%s in %s was marked invalid (\"valid\": false)", br->bench,
					base->label);
		if (!or->valid)
			gb_strlist_addf(&r->warnings, "%s in %s was marked invalid (\"valid\": false)", br->bench,
					other->label);
		for (size_t k = 0; k < br->nm; k++) {
			const cmp_metric *b = &br->m[k], *o = find_metric(or, b->name);
			if (o) {
				pair_up(s, br, or, b, o, mm, alpha);
				continue;
			}
			const char *why = reason_in(&or->unavailable, b->name);
			gb_strlist_addf(&s->missing, "%s/%s (%s: %s)", br->bench, b->name, other->label,
					why ? why : "not in the results");
		}
		for (size_t k = 0; k < or->nm; k++)
			if (!find_metric(br, or->m[k].name)) {
				const char *why = reason_in(&br->unavailable, or->m[k].name);
				gb_strlist_addf(&s->extra, "%s/%s (%s: %s)", or->bench, or->m[k].name, base->label,
						why ? why : "not in the results");
			}
		free(mm);
	}
	for (size_t i = 0; i < other->nruns; i++)
		if (!find_run(base, other->runs[i].bench))
			gb_strlist_addf(&s->extra, "%s (%s: benchmark not run)", other->runs[i].bench, base->label);
	cmp_fingerprint_diff(base, other, &s->fpwarn);
}

void cmp_match(cmp_result *r, const cmp_env *base, const cmp_env *others, size_t nothers, double alpha)
{
	memset(r, 0, sizeof *r);
	r->base = base;
	r->alpha = alpha;
	r->side = gb_xcalloc(nothers ? nothers : 1, sizeof *r->side);
	r->nside = nothers;
	for (size_t i = 0; i < nothers; i++)
		match_side(r, &r->side[i], base, &others[i], alpha);
}

void cmp_result_free(cmp_result *r)
{
	for (size_t i = 0; i < r->nside; i++) {
		cmp_side *s = &r->side[i];
		for (size_t k = 0; k < s->np; k++)
			free(s->p[k].mismatch);
		free(s->p);
		gb_strlist_free(&s->missing);
		gb_strlist_free(&s->extra);
		gb_strlist_free(&s->fpwarn);
	}
	free(r->side);
	gb_strlist_free(&r->warnings);
	memset(r, 0, sizeof *r);
}
