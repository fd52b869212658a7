/* resolve.c - same work everywhere.
 *
 * A benchmark sizes itself to the place it runs in (its effective CPUs,
 * memory, caches, CPU model): the same binary chose linpack N 17288 vs
 * 16864 and a different OpenBLAS core natively and in a container, and
 * the comparison then compared sizes and kernels, not layers.  So before
 * round 1 each benchmark that sizes itself is asked for its plan (--plan:
 * its document with the resolved "config" and no results) in every
 * environment; the table below says which config keys must be the same
 * everywhere, how one value is chosen, and which option carries it to
 * every launch.  A key the user already set with --args is left alone.
 *
 *   min    the smallest: what fits the smallest environment (sizes,
 *          threads)
 *   agree  every environment must choose the same, or the campaign is
 *          refused (exit 3) with the choices and the option to set
 *
 * Option names are the benchmarks' own (their --help).  A key a plan
 * leaves out, or reports as text ("auto"), is not unified, with a
 * warning. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rounds.h"
#include "util.h"

typedef enum { RD_MIN, RD_AGREE } rd_how;

static const struct rd_rule {
	const char *bench;
	const char *key;	/* in the plan's "config" */
	rd_how how;
	const char *opt;	/* the option that carries the value */
	const char *alias;	/* its short form, or NULL */
} rules[] = {
	{ "stream", "size", RD_MIN, "--size", NULL },		/* bytes of one array */
	{ "stream", "threads", RD_MIN, "--threads", "-t" },
	{ "randomaccess", "size", RD_MIN, "--size", NULL },	/* one table, a power of two */
	{ "randomaccess", "threads", RD_MIN, "--threads", "-t" },
	{ "randomaccess", "latency_max", RD_MIN, "--latency-max", NULL },	/* with --latency */
	{ "linpack", "n", RD_MIN, "--n", NULL },
	{ "linpack", "threads", RD_MIN, "--threads", "-t" },
	{ "linpack", "blas_core_used", RD_AGREE, "--blas-core", NULL },
	{ "diskio", "size", RD_MIN, "--size", NULL },		/* bytes of the test file */
};
#define NRULES (sizeof rules / sizeof rules[0])

void rd_rules_help(FILE *f)
{
	const char *last = "";
	fprintf(f, "Same work everywhere: before round 1 each benchmark below runs with --plan in\n"
		"every environment, and these choices are passed to every launch:\n");
	for (size_t i = 0; i < NRULES; i++) {
		if (strcmp(rules[i].bench, last) != 0)
			fprintf(f, "%s  %-13s", *last ? "\n" : "", rules[i].bench);
		fprintf(f, "%s%s %s (%s)", strcmp(rules[i].bench, last) == 0 ? ", " : "", rules[i].key,
			rules[i].how == RD_MIN ? "smallest" : "must agree", rules[i].opt);
		last = rules[i].bench;
	}
	fprintf(f, "\n");
}

/* Did the user set this option in --args for the benchmark? */
static int user_sets(const rd_bench *b, const struct rd_rule *r)
{
	size_t ol = strlen(r->opt);
	for (int i = 0; i < b->nuser; i++) {
		const char *w = b->user[i];
		if (strcmp(w, r->opt) == 0 || (strncmp(w, r->opt, ol) == 0 && w[ol] == '=') ||
		    (r->alias && strncmp(w, r->alias, strlen(r->alias)) == 0))
			return 1;
	}
	return 0;
}

static void warn(rd_campaign *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(rd_campaign *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gb_warnx("%s", buf);
	json_array_append_new(c->warnings, json_string(buf));
}

static void add_word(rd_bench *b, const char *w)
{
	b->resolved = gb_xrealloc(b->resolved, (size_t)(b->nresolved + 1) * sizeof *b->resolved);
	b->resolved[b->nresolved++] = gb_xstrdup(w);
}

/* One rule over the plans that worked: the value, or -1 on a refusal. */
static int unify(rd_campaign *c, rd_bench *b, const struct rd_rule *r, json_t *configs[], json_t *out)
{
	json_t *pick = NULL;
	char seen[1024] = "";
	int differ = 0;
	for (int e = 0; e < c->nenvs; e++) {
		json_t *v = json_object_get(configs[e], r->key);
		if (!configs[e] || !v)
			continue;
		int usable = r->how == RD_MIN ? json_is_integer(v) && json_integer_value(v) > 0 :
			     json_is_string(v) && strcmp(json_string_value(v), "auto") != 0 &&
			     strcmp(json_string_value(v), "unknown") != 0;
		if (!usable)
			continue;
		char *txt = json_dumps(v, JSON_ENCODE_ANY);
		size_t n = strlen(seen);
		snprintf(seen + n, sizeof seen - n, "%s%s: %s", n ? ", " : "", c->envs[e].name,
			 json_is_string(v) ? json_string_value(v) : txt);
		free(txt);
		if (pick && !json_equal(pick, v))
			differ = 1;
		if (!pick || (r->how == RD_MIN && json_integer_value(v) < json_integer_value(pick)))
			pick = v;
	}
	if (!pick) {
		warn(c, "%s: no plan gave %s: each environment chooses it itself", b->reg->name, r->key);
		return 0;
	}
	if (differ && r->how == RD_AGREE) {
		gb_err("%s: the environments do not agree on %s (%s); the same work needs one choice: "
		       "--args '%s: %s VALUE'", b->reg->name, r->key, seen, b->reg->name, r->opt);
		return -1;
	}
	if (differ)
		gb_info("%s: %s differs (%s): the smallest for every launch", b->reg->name, r->key, seen);
	json_object_set(out, r->key, pick);
	add_word(b, r->opt);
	if (json_is_string(pick)) {
		add_word(b, json_string_value(pick));
	} else {
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(pick));
		add_word(b, num);
	}
	return 0;
}

/* The plans of one benchmark in every environment, then its rules. */
static int resolve_bench(rd_campaign *c, rd_bench *b)
{
	json_t *out = json_object();
	json_object_set_new(c->resolved, b->reg->name, out);
	int todo = 0;
	for (size_t i = 0; i < NRULES; i++)
		todo += strcmp(rules[i].bench, b->reg->name) == 0 && !user_sets(b, &rules[i]);
	if (!todo)
		return 0;	/* nothing that sizes itself: no plan to run */

	json_t *configs[RD_MAX_ENVS] = { 0 };
	int nok = 0;
	for (int e = 0; e < c->nenvs; e++) {
		gb_progress("plan: %s in %s ...", b->reg->name, c->envs[e].name);
		json_t *rec = rd_launch(c, &c->envs[e], b, 1);
		gb_progress_done();
		const char *status = json_string_value(json_object_get(rec, "status"));
		json_t *plan = json_object();
		json_object_set_new(plan, "env", json_string(c->envs[e].name));
		json_object_set_new(plan, "bench", json_string(b->reg->name));
		json_object_set(plan, "status", json_object_get(rec, "status"));
		json_object_set(plan, "reason", json_object_get(rec, "reason"));
		json_t *cfg = json_object_get(json_object_get(rec, "document"), "config");
		json_object_set_new(plan, "config", json_is_object(cfg) ? json_incref(cfg) : json_null());
		json_array_append_new(c->plans, plan);
		if (strcmp(status, "ok") == 0 && json_is_object(cfg)) {
			configs[e] = json_incref(cfg);
			nok++;
		} else {
			warn(c, "%s: the plan failed in %s (%s): its sizes are not known", b->reg->name,
			     c->envs[e].name, json_string_value(json_object_get(rec, "reason")));
		}
		json_decref(rec);
	}
	int rc = 0;
	if (nok == 0)
		warn(c, "%s: no environment gave a plan: every launch sizes itself, and the work may differ "
		     "between environments", b->reg->name);
	else
		for (size_t i = 0; i < NRULES && rc == 0; i++)
			if (strcmp(rules[i].bench, b->reg->name) == 0 && !user_sets(b, &rules[i]))
				rc = unify(c, b, &rules[i], configs, out);
	for (int e = 0; e < c->nenvs; e++)
		json_decref(configs[e]);
	return rc;
}

int rd_resolve(rd_campaign *c)
{
	for (int i = 0; i < c->nbenches; i++)
		if (resolve_bench(c, &c->benches[i]) != 0)
			return GB_EXIT_ENV;
	return 0;
}
