/* summary.c - the suite's table: one line per benchmark with the metrics
 * a reader looks at first (benches.c names them), its wall time and the
 * verdict.  Everything else is in the JSON document. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "format.h"
#include "guestbench.h"
#include "util.h"

static json_t *by_bench(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *b = json_string_value(json_object_get(v, "bench"));
		if (b && strcmp(b, name) == 0)
			return v;
	}
	return NULL;
}

/* "getpid 107.5 ns, cpuid 6610 ns" from the spec "getpid cpuid"; a
 * metric missing from the run (unavailable here) shows as "-". */
static void headline(const reg_bench *a, json_t *run, char *out, size_t len)
{
	char spec[256];
	gb_strlcpy(spec, a->headline ? a->headline : "", sizeof spec);
	out[0] = 0;
	for (char *save, *tok = strtok_r(spec, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *member = strchr(tok, '.');
		if (member)
			*member++ = 0;
		json_t *res = json_object_get(run, "results"), *m = NULL, *v;
		size_t i;
		json_array_foreach(res, i, v) {
			const char *n = json_string_value(json_object_get(v, "name"));
			if (n && strcmp(n, tok) == 0)
				m = v;
		}
		size_t n = strlen(out);
		json_t *num = m ? json_object_get(m, member ? member : "median") : NULL;
		if (json_is_number(num)) {
			char val[32];
			gb_fmt_num(val, sizeof val, json_number_value(num));
			snprintf(out + n, len - n, "%s%s%s%s %s %s", n ? ", " : "", tok, member ? " " : "",
				 member ? member : "", val, json_string_value(json_object_get(m, "unit")));
		} else {
			snprintf(out + n, len - n, "%s%s -", n ? ", " : "", tok);
		}
	}
}

void suite_table(const suite_doc *s, FILE *f)
{
	char env[512];
	gb_env_summary(s->env, env, sizeof env);
	fprintf(f, "guestbench suite %s  label %s  %s%s\n%s\n\n", GB_VERSION, s->label, s->started,
		s->quick ? "  (quick)" : "", env);
	/* the headline column is as wide as the widest headline, so the
	 * seconds and results stay in one column whatever a benchmark reports */
	int w = 44;
	for (size_t i = 0; i < reg_nbenches; i++) {
		json_t *run = by_bench(s->runs, reg_benches[i].name);
		char hl[256];
		if (run) {
			headline(&reg_benches[i], run, hl, sizeof hl);
			if ((int)strlen(hl) > w)
				w = (int)strlen(hl);
		}
	}
	fprintf(f, "%-13s %-*s %8s  %s\n", "bench", w, "headline", "seconds", "result");

	int nrun = 0, ninvalid = 0, nskip = 0, ndisturbed = 0;
	for (size_t i = 0; i < reg_nbenches; i++) {
		const reg_bench *a = &reg_benches[i];
		json_t *run = by_bench(s->runs, a->name), *sk = by_bench(s->skipped, a->name);
		json_t *secs = json_object_get(s->seconds, a->name);
		char hl[256], t[32] = "";
		if (!run && !sk)
			continue;	/* not selected */
		if (json_is_number(secs))
			snprintf(t, sizeof t, "%.1f", json_number_value(secs));
		if (sk) {
			nskip++;
			fprintf(f, "%-13s %-*s %8s  skipped (%s): %s\n", a->name, w, "-", t,
				json_string_value(json_object_get(sk, "status")),
				json_string_value(json_object_get(sk, "reason")));
			continue;
		}
		nrun++;
		ndisturbed += json_is_true(json_object_get(json_object_get(run, "disturbance"), "disturbed"));
		headline(a, run, hl, sizeof hl);
		if (json_is_true(json_object_get(run, "valid"))) {
			fprintf(f, "%-13s %-*s %8s  valid\n", a->name, w, hl, t);
		} else {
			const char *why = json_string_value(json_array_get(json_object_get(run, "invalid_reasons"), 0));
			ninvalid++;
			fprintf(f, "%-13s %-*s %8s  INVALID%s%s\n", a->name, w, hl, t, why ? ": " : "", why ? why : "");
		}
	}
	fprintf(f, "\nresult: %s (%d run%s, %d invalid, %d skipped, %d disturbed)\n",
		s->valid ? "valid" : "invalid", nrun, nrun == 1 ? "" : "s", ninvalid, nskip, ndisturbed);
}
