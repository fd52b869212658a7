/* campaign.c - read a guestbench-campaign/1 file (`guestbench rounds`,
 * docs/json.md) as launches.
 *
 * A campaign measures several environments in interleaved rounds; each
 * launch is one benchmark run in one environment, with its round and its
 * whole document.  Each launch whose status is "ok" becomes one unit
 * (one launch of its environment, tagged with its round, so that group.c
 * and estimate.c can pair the environments round by round); every other
 * launch becomes a line in its environment's 'failed' list, so that the
 * comparison says what is missing and why instead of silently using fewer
 * rounds.  The environments listed in "envs" come first, in their order:
 * the first is the default base, and one whose launches all failed still
 * appears (with nothing to compare, and its failures listed). */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An environment with no launch yet: its name, in the campaign's order. */
static void empty_unit(cmp_input *in, const char *name, const char *path)
{
	cmp_env e;
	memset(&e, 0, sizeof e);
	e.path = gb_xstrdup(path);
	e.label = gb_xstrdup(name);
	e.doc_label = gb_xstrdup(name);	/* copies: the campaign's own tree is released after loading */
	e.round = -1;
	e.campaign = 1;
	cmp_input_add(in, &e);
}

/* A member that must be a string when present; NULL when absent. */
static int opt_str(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = json_is_string(v) ? json_string_value(v) : NULL;
	return v && !json_is_null(v) && !json_is_string(v) ? -1 : 0;
}

/* A round or position: a whole number from 0 to 10^9, or absent (-1). */
static int opt_count(json_t *o, const char *key, long *out)
{
	json_t *v = json_object_get(o, key);
	*out = -1;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return -1;
	double d = json_number_value(v);
	if (!(d >= 0 && d <= 1e9) || d != floor(d))
		return -1;
	*out = (long)d;
	return 0;
}

/* The line of a launch that gave no usable document. */
static void failed_line(cmp_env *e, const char *bench, long round, long position, const char *status, json_t *exit,
			const char *reason)
{
	char ex[32] = "";
	if (json_is_integer(exit))
		snprintf(ex, sizeof ex, ", exit %lld", (long long)json_integer_value(exit));
	char r[CMP_MAX_REASON + 1];
	cmp_clip(r, sizeof r, reason ? reason : "no reason given", 0);
	gb_strlist_addf(&e->failed, "%s round %ld, position %ld: %s%s: %s", bench ? bench : "(benchmark unknown)",
			round, position, status, ex, r);
}

int cmp_campaign_load(cmp_input *in, json_t *doc, const char *path, char *err, size_t errlen)
{
	json_t *envs = json_object_get(doc, "envs"), *launches = json_object_get(doc, "launches"), *v;
	size_t k;
	if (!json_is_array(envs) || !json_is_array(launches)) {
		cmp_set_err(err, errlen, "%s: a campaign without \"envs\" and \"launches\" arrays", path);
		return -1;
	}
	if (json_array_size(envs) > CMP_MAX_RUNS || json_array_size(launches) > CMP_MAX_RUNS) {
		cmp_set_err(err, errlen, "%s: more than %d environments or launches in one campaign (refused)", path,
			CMP_MAX_RUNS);
		return -1;
	}
	json_array_foreach(envs, k, v) {
		const char *name = NULL;
		if (!json_is_object(v) || opt_str(v, "name", &name) < 0 || !name || !name[0] ||
		    cmp_too_long(name, CMP_MAX_NAME)) {
			cmp_set_err(err, errlen, "%s: an environment without a name of 1 to %d bytes (at envs[%zu])", path,
				CMP_MAX_NAME, k);
			return -1;
		}
		empty_unit(in, name, path);
	}
	size_t nmetrics = 0;
	json_array_foreach(launches, k, v) {
		const char *env = NULL, *bench = NULL, *status = NULL, *reason = NULL;
		long round, position;
		char where[64];
		snprintf(where, sizeof where, "launches[%zu]", k);
		if (!json_is_object(v) || opt_str(v, "env", &env) < 0 || !env || !env[0] ||
		    cmp_too_long(env, CMP_MAX_NAME)) {
			cmp_set_err(err, errlen, "%s: a launch without an \"env\" name of 1 to %d bytes (at %s)", path,
				CMP_MAX_NAME, where);
			return -1;
		}
		if (opt_str(v, "bench", &bench) < 0 || opt_str(v, "status", &status) < 0 || !status ||
		    opt_str(v, "reason", &reason) < 0 || cmp_too_long(bench, CMP_MAX_NAME) ||
		    cmp_too_long(reason, CMP_MAX_REASON)) {
			cmp_set_err(err, errlen, "%s: \"bench\", \"status\" or \"reason\" is not a string of the right "
				"length (at %s)", path, where);
			return -1;
		}
		if (opt_count(v, "round", &round) < 0 || opt_count(v, "position", &position) < 0) {
			cmp_set_err(err, errlen, "%s: \"round\" and \"position\" must be whole numbers (at %s)", path, where);
			return -1;
		}
		json_t *d = json_object_get(v, "document");
		cmp_env e;
		if (strcmp(status, "ok") != 0 || !json_is_object(d)) {
			memset(&e, 0, sizeof e);
			e.path = gb_xstrdup(path);
			e.label = gb_xstrdup(env);
			e.doc_label = gb_xstrdup(env);
			e.round = round;
			e.campaign = 1;
			failed_line(&e, bench, round, position, strcmp(status, "ok") ? status : "ok without a document",
				    json_object_get(v, "exit"), reason);
			cmp_input_add(in, &e);
			continue;
		}
		char at[96];
		snprintf(at, sizeof at, "%s.document", where);
		if (cmp_load_doc(&e, json_incref(d), path, at, err, errlen) < 0) {
			cmp_env_free(&e);
			return -1;
		}
		for (size_t i = 0; i < e.nruns; i++)
			nmetrics += e.runs[i].nm;
		if (nmetrics > 10 * (size_t)CMP_MAX_METRICS) {
			cmp_set_err(err, errlen, "%s: more than %d results in one campaign (at %s; refused)", path,
				10 * CMP_MAX_METRICS, where);
			cmp_env_free(&e);
			return -1;
		}
		/* the environment is the launch's, whatever the document's label */
		free(e.label);
		free(e.doc_label);
		e.label = gb_xstrdup(env);
		e.doc_label = gb_xstrdup(env);
		e.round = round;
		e.campaign = 1;
		json_t *dist = json_object_get(v, "disturbed");
		for (size_t i = 0; i < e.nruns; i++) {
			e.runs[i].round = round;
			if (json_is_true(dist) && !e.runs[i].disturbed) {
				e.runs[i].disturbed = 1;
				e.runs[i].disturb_why = gb_xstrdup("the campaign marked the launch disturbed");
			}
		}
		cmp_input_add(in, &e);
	}
	return 0;
}
