/* launch.c - one launch: one benchmark run in one environment.
 *
 * The environment's command runs as our child (suite/child.c: stdout
 * collected, stderr's last line kept, killed at --timeout); its stdout
 * must be exactly one guestbench/1 document of the benchmark asked for,
 * labelled with the environment's name - anything else would be compared
 * as if it were that environment.  What became of it:
 *   ok       exit 0, the document checks, and it says "valid": true
 *   invalid  it ran: exit 0 with no such document (junk, another
 *            benchmark's, another label's), or a guestbench/1 document
 *            that says "valid": false (the benchmark's own validation)
 *   failed   not started, killed by a signal, or an exit status other
 *            than 0 with no document (1, 2 usage, 3 cannot run here,
 *            127 no such program, ...)
 *   timeout  killed at --timeout
 * A launch that is not ok keeps its reason; the campaign goes on. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "rounds.h"
#include "util.h"

int rd_bench_words(const rd_campaign *c, const rd_bench *b, const rd_env *e, int plan, char **words)
{
	int n = 0;
	words[n++] = (char *)b->reg->name;
	if (c->quick)
		words[n++] = "--quick";
	for (int i = 0; i < b->nuser && n < RD_MAX_WORDS - 16; i++)
		words[n++] = b->user[i];
	for (int i = 0; !plan && i < b->nresolved && n < RD_MAX_WORDS - 16; i++)
		words[n++] = b->resolved[i];
	if (plan)
		words[n++] = "--plan";
	words[n++] = "--label";
	words[n++] = (char *)e->name;
	words[n++] = "--format";
	words[n++] = "json";
	words[n++] = "-o";
	words[n++] = "-";
	words[n] = NULL;
	return n;
}

/* The document in the launch's output, or NULL with why.  'doc' gets the
 * parsed document whenever it is a guestbench/1 document, even one that
 * is refused here (kept in the record to show what came back). */
static int check_doc(const suite_child *ch, const rd_bench *b, const rd_env *e, int plan, json_t **doc,
		     char *why, size_t len)
{
	json_error_t err;
	*doc = NULL;
	if (ch->outlen == 0) {
		snprintf(why, len, "no output on stdout%s%s", ch->last_err[0] ? "; it said: " : "", ch->last_err);
		return -1;
	}
	json_t *d = json_loadb(ch->out, ch->outlen, 0, &err);
	if (!d) {
		snprintf(why, len, "its output is not one JSON document (line %d, column %d: %s)%s%s", err.line,
			 err.column, err.text, ch->last_err[0] ? "; it said: " : "", ch->last_err);
		return -1;
	}
	const char *schema = json_string_value(json_object_get(d, "schema"));
	if (!schema || strcmp(schema, "guestbench/1") != 0) {
		snprintf(why, len, "its output is not a guestbench/1 document (schema %s)", schema ? schema : "missing");
		json_decref(d);
		return -1;
	}
	*doc = d;
	const char *bench = json_string_value(json_object_get(d, "bench"));
	const char *label = json_string_value(json_object_get(d, "label"));
	if (!bench || strcmp(bench, b->reg->name) != 0) {
		snprintf(why, len, "a document of %s, not of %s", bench ? bench : "no benchmark", b->reg->name);
		return -1;
	}
	if (!label || strcmp(label, e->name) != 0) {
		snprintf(why, len, "labelled %s, not %s: the command did not pass guestbench's arguments on",
			 label ? label : "(none)", e->name);
		return -1;
	}
	/* a plan is the resolved "config" and nothing measured */
	if (plan ? !json_is_object(json_object_get(d, "config")) :
		   !json_is_array(json_object_get(d, "results")) || !json_is_boolean(json_object_get(d, "valid"))) {
		snprintf(why, len, "the document lacks %s", plan ? "\"config\"" : "\"results\" or \"valid\"");
		return -1;
	}
	if (json_is_false(json_object_get(d, "valid"))) {
		const char *r = json_string_value(json_array_get(json_object_get(d, "invalid_reasons"), 0));
		snprintf(why, len, "the benchmark's validation failed: %s", r ? r : "no reason given");
		return -1;
	}
	return 0;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? json_string(v) : json_null());
}

json_t *rd_launch(const rd_campaign *c, const rd_env *e, const rd_bench *b, int plan)
{
	char *words[RD_MAX_WORDS + 1], why[1024] = "", started[32];
	int nw = rd_bench_words(c, b, e, plan, words);
	char **argv = rd_argv(e, words, nw);
	const char *status = "ok";
	json_t *doc = NULL;
	suite_child ch;

	gb_utc_now(started);
	int rc = suite_child_run(e->path, argv, c->timeout, &ch);
	if (rc < 0) {
		status = "failed";
		snprintf(why, sizeof why, "could not be started: %s", ch.why);
	} else if (ch.timed_out) {
		status = "timeout";
		snprintf(why, sizeof why, "timed out after %g s (--timeout)%s%s", c->timeout,
			 ch.last_err[0] ? "; it said: " : "", ch.last_err);
	} else if (ch.signal) {
		status = "failed";
		snprintf(why, sizeof why, "killed by signal %d (%s)%s%s", ch.signal, strsignal(ch.signal),
			 ch.last_err[0] ? "; it said: " : "", ch.last_err);
	} else if (check_doc(&ch, b, e, plan, &doc, why, sizeof why) == 0 && ch.status == GB_EXIT_OK) {
		status = "ok";
	} else if (ch.status == GB_EXIT_OK || (ch.status == GB_EXIT_INVALID && doc)) {
		status = "invalid";	/* it ran; what it said is not a valid run */
		if (!why[0])
			snprintf(why, sizeof why, "exit status 1 with a valid document%s%s",
				 ch.last_err[0] ? ": " : "", ch.last_err);
	} else {
		status = "failed";
		snprintf(why, sizeof why, "exit status %d%s%s%s", ch.status,
			 ch.status == GB_EXIT_ENV ? " (cannot run in this environment)" :
			 ch.status == GB_EXIT_USAGE ? " (usage error)" : ch.status == 127 ? " (no such program)" : "",
			 ch.last_err[0] ? ": " : "", ch.last_err);
	}

	json_t *rec = json_object();
	set_str(rec, "env", e->name);
	set_str(rec, "bench", b->reg->name);
	set_str(rec, "started", started);
	json_object_set_new(rec, "seconds", rc < 0 ? json_null() : json_real(ch.seconds));
	set_str(rec, "status", status);
	json_object_set_new(rec, "exit", rc < 0 || ch.signal || ch.timed_out ? json_null() : json_integer(ch.status));
	set_str(rec, "reason", why[0] ? why : NULL);
	json_t *dist = json_object_get(json_object_get(doc, "disturbance"), "disturbed");
	json_object_set_new(rec, "disturbed", json_is_boolean(dist) ? json_incref(dist) : json_null());
	json_object_set_new(rec, "document", doc ? doc : json_null());

	suite_child_free(&ch);
	rd_argv_free(argv);
	return rec;
}
