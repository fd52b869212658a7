/* group.c - environments made of launches.
 *
 * The launch is the unit of replication (docs/compare.md "The design"):
 * the documents of one label - files given by hand, `native-*.json`, or
 * the launches of one environment in a campaign - are replicates of one
 * environment, and estimate.c compares environments on launch summaries.
 * So the launches are grouped by label, in the order labels first appear
 * (a campaign's environments in its "envs" order).
 *
 * Files given by hand that all carry one label (two "unlabelled" runs of
 * gb-syscall, the way gb-compare was always used to compare two runs)
 * would make a single environment, nothing to compare: they are then
 * grouped as gb-compare did before replicates, one environment per file
 * (files of one label with different benchmarks join), named by file.
 *
 * Disturbed runs are listed per environment and, with --drop-disturbed,
 * left out before anything is paired. */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
	const char *label;
	size_t unit;
} slot;

static int slot_cmp(const void *a, const void *b)
{
	const slot *x = a, *y = b;
	int c = strcmp(x->label, y->label);
	return c ? c : (x->unit > y->unit) - (x->unit < y->unit);
}

typedef struct group {
	size_t first;			/* the first unit of the label */
	size_t *units;
	size_t n;
} group;

static int group_cmp(const void *a, const void *b)
{
	const group *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

/* Groups of units by label, in first-appearance order: n log n. */
static group *by_label(const cmp_input *in, size_t *ngroups, size_t **storage)
{
	slot *s = gb_xmalloc((in->n + 1) * sizeof *s);
	for (size_t i = 0; i < in->n; i++)
		s[i] = (slot){ in->unit[i].label, i };
	qsort(s, in->n, sizeof *s, slot_cmp);
	size_t *idx = gb_xmalloc((in->n + 1) * sizeof *idx);
	group *g = gb_xcalloc(in->n + 1, sizeof *g);
	size_t n = 0;
	for (size_t i = 0; i < in->n; i++) {
		idx[i] = s[i].unit;
		if (i && strcmp(s[i - 1].label, s[i].label) == 0) {
			g[n - 1].n++;
			continue;
		}
		g[n++] = (group){ s[i].unit, idx + i, 1 };
	}
	free(s);
	qsort(g, n, sizeof *g, group_cmp);
	*ngroups = n;
	*storage = idx;
	return g;
}

/* The same label twice among the by-file environments: name each by its
 * file instead, and number files of the same name. */
static void relabel(cmp_env *envs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int dup = 0;
		for (size_t j = 0; j < n; j++)
			dup |= j != i && strcmp(envs[i].doc_label, envs[j].doc_label) == 0;
		if (!dup)
			continue;
		const char *base = gb_basename(envs[i].path);
		size_t len = strlen(base);
		if (len > 5 && strcmp(base + len - 5, ".json") == 0)
			len -= 5;
		free(envs[i].label);
		envs[i].label = gb_xasprintf("%.*s", (int)(len > CMP_MAX_NAME ? CMP_MAX_NAME : len), base);
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(envs[i].label, envs[j].label) == 0) {
				char *l = gb_xasprintf("%s#%zu", envs[i].label, i + 1);
				free(envs[i].label);
				envs[i].label = l;
				break;
			}
}

/* The rule before replicates: files of one label join when their
 * benchmarks differ; otherwise each is its own environment.  Only used
 * for a handful of files given by hand, so quadratic is fine here. */
static size_t by_file(cmp_input *in, cmp_env *envs)
{
	size_t n = 0;
	for (size_t i = 0; i < in->n; i++) {
		size_t k;
		for (k = 0; k < n; k++)
			if (cmp_env_can_merge(&envs[k], &in->unit[i])) {
				cmp_env_merge(&envs[k], &in->unit[i]);
				break;
			}
		if (k == n)
			envs[n++] = in->unit[i];
	}
	relabel(envs, n);
	return n;
}

/* List the disturbed runs; with drop, remove them. */
static void disturbed(cmp_env *e, int drop)
{
	size_t keep = 0;
	for (size_t i = 0; i < e->nruns; i++) {
		cmp_run *r = &e->runs[i];
		if (!r->disturbed) {
			keep++;
			continue;
		}
		if (r->round >= 0)
			gb_strlist_addf(&e->disturbed, "%s round %ld: %s", r->bench, r->round, r->disturb_why);
		else
			gb_strlist_addf(&e->disturbed, "%s (%s): %s", r->bench, gb_basename(r->path), r->disturb_why);
	}
	if (!drop || keep == e->nruns)
		return;
	size_t k = 0;
	for (size_t i = 0; i < e->nruns; i++) {
		if (e->runs[i].disturbed)
			cmp_run_free(&e->runs[i]);
		else
			e->runs[k++] = e->runs[i];
	}
	e->dropped += e->nruns - keep;
	e->nruns = keep;
}

int cmp_group(cmp_input *in, const char *base, int drop, cmp_env **envsp, size_t *nenvp, char *err, size_t errlen)
{
	cmp_env *envs = gb_xcalloc(in->n + 1, sizeof *envs);
	size_t nenv = 0, ng;
	size_t *storage;
	group *g = by_label(in, &ng, &storage);
	if (ng < 2 && !in->campaign && in->n >= 2) {
		nenv = by_file(in, envs);
	} else {
		for (size_t i = 0; i < ng; i++) {
			cmp_env *e = &envs[nenv++];
			*e = in->unit[g[i].units[0]];
			/* units of one label in reading order */
			size_t *u = g[i].units;
			for (size_t j = 1; j < g[i].n; j++)
				cmp_env_merge(e, &in->unit[u[j]]);
		}
	}
	free(g);
	free(storage);
	free(in->unit);
	memset(in, 0, sizeof *in);

	for (size_t i = 0; i < nenv; i++)
		disturbed(&envs[i], drop);
	if (base) {
		size_t k;
		for (k = 0; k < nenv && strcmp(envs[k].label, base) != 0; k++)
			;
		if (k == nenv) {
			char names[512] = "";
			for (size_t i = 0; i < nenv; i++) {
				size_t len = strlen(names);
				if (len + 4 < sizeof names)
					snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", envs[i].label);
			}
			cmp_set_err(err, errlen, "--base %s: no environment of that name (there are: %s)", base, names);
			*envsp = envs;
			*nenvp = nenv;
			return -1;
		}
		cmp_env b = envs[k];
		memmove(envs + 1, envs, k * sizeof *envs);
		envs[0] = b;
	}
	*envsp = envs;
	*nenvp = nenv;
	return 0;
}
