/* table.c - the campaign's summary: one line per benchmark and
 * environment with its launches (ok / not), how many of the ok ones say
 * they were disturbed, and the median over its ok launches of the
 * benchmark's first headline metric (benches.c).  The
 * comparison itself is gb-compare's: this only shows that the campaign
 * ran, and roughly what came out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "rounds.h"
#include "util.h"

/* The first headline metric's value in a document ("metric" -> its
 * median, "metric.member" -> that member); NAN when it is missing. */
static double headline(const reg_bench *a, json_t *doc, char *name, size_t len, const char **unit)
{
	char spec[128];
	gb_strlcpy(spec, a->headline ? a->headline : "", sizeof spec);
	spec[strcspn(spec, " ")] = 0;
	gb_strlcpy(name, spec, len);
	char *member = strchr(spec, '.');
	if (member)
		*member++ = 0;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "results"), i, m) {
		const char *n = json_string_value(json_object_get(m, "name"));
		json_t *v = json_object_get(m, member ? member : "median");
		if (n && strcmp(n, spec) == 0 && json_is_number(v)) {
			*unit = json_string_value(json_object_get(m, "unit"));
			return json_number_value(v);
		}
	}
	return NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void rd_table(const rd_campaign *c, FILE *f)
{
	size_t nl = json_array_size(c->launches), nok = 0;
	double *vals = gb_xcalloc(nl + 1, sizeof *vals);

	fprintf(f, "guestbench rounds %s  %lld round%s, order %s%s, %d environment%s  %s\n\n", GB_VERSION,
		c->rounds, c->rounds == 1 ? "" : "s", c->order, c->quick ? ", quick" : "", c->nenvs,
		c->nenvs == 1 ? "" : "s", c->started);
	fprintf(f, "%-13s %-16s %9s  %s\n", "bench", "env", "ok/runs", "median of ok launches");
	for (int bi = 0; bi < c->nbenches; bi++) {
		const reg_bench *a = c->benches[bi].reg;
		for (int ei = 0; ei < c->nenvs; ei++) {
			size_t i, nv = 0, runs = 0, ok = 0, dist = 0;
			json_t *l;
			char name[128] = "", why[160] = "";
			const char *unit = "";
			json_array_foreach(c->launches, i, l) {
				if (strcmp(json_string_value(json_object_get(l, "bench")), a->name) ||
				    strcmp(json_string_value(json_object_get(l, "env")), c->envs[ei].name))
					continue;
				runs++;
				if (strcmp(json_string_value(json_object_get(l, "status")), "ok") != 0) {
					if (!why[0])
						snprintf(why, sizeof why, "%s: %s",
							 json_string_value(json_object_get(l, "status")),
							 json_string_value(json_object_get(l, "reason")));
					continue;
				}
				ok++;
				dist += json_is_true(json_object_get(l, "disturbed"));
				double v = headline(a, json_object_get(l, "document"), name, sizeof name, &unit);
				if (!isnan(v))
					vals[nv++] = v;
			}
			nok += ok;
			char count[32], med[64] = "-";
			snprintf(count, sizeof count, "%zu/%zu", ok, runs);
			if (nv) {
				qsort(vals, nv, sizeof *vals, cmp_double);
				double m = nv % 2 ? vals[nv / 2] : (vals[nv / 2 - 1] + vals[nv / 2]) / 2;
				char num[32];
				gb_fmt_num(num, sizeof num, m);
				snprintf(med, sizeof med, "%s %s %s", name, num, unit ? unit : "");
			}
			char dtxt[40] = "";
			if (dist)	/* the document said a neighbour, steal or throttling touched it */
				snprintf(dtxt, sizeof dtxt, "  (%zu disturbed)", dist);
			fprintf(f, "%-13s %-16s %9s  %s%s%s%.150s\n", a->name, c->envs[ei].name, count, med, dtxt,
				why[0] ? "  first failure: " : "", why);
		}
	}
	fprintf(f, "\nresult: %zu launch%s, %zu ok, %zu not ok\n", nl, nl == 1 ? "" : "es", nok, nl - nok);
	free(vals);
}
