/* suite.c - guestbench suite: every benchmark, one document.
 *
 *   guestbench suite [--quick] [--label L] [-o FILE] [--only a,b | --skip a,b]
 *                    [--format table|json|csv|jsonl] [--timeout TIME]
 *
 * Each benchmark runs as a child process of this same program (child.c
 * says why) with its defaults - or --quick - plus the arguments in
 * benches.c that keep a full suite within ten minutes, and with
 * "--label L --format json -o -": its document arrives on a pipe, is
 * checked (it parses, it is guestbench/1, it is the benchmark asked for)
 * and embedded in one guestbench-suite/1 document with the fingerprint
 * written once, at the top.
 *
 * What becomes of a benchmark, and of the suite's exit status:
 *   exit 0            kept
 *   exit 1            kept with "valid": false; the suite exits 1
 *   exit 3            cannot run here: in "skipped" with its last stderr
 *                     line; the suite goes on and still exits 0
 *   signal, timeout,  in "skipped" with the reason; the suite exits 1:
 *   exit 2, no JSON   it is a crash or a bug, not a property of the place
 * Every benchmark runs whatever happened to the ones before it. */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "env.h"
#include "format.h"
#include "guestbench.h"
#include "output.h"
#include "proctree.h"
#include "util.h"

#define MAX_ARGS 64

static void add_skip(suite_doc *s, const char *bench, const char *status, const char *reason,
		     const suite_child *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "bench", json_string(bench));
	json_object_set_new(o, "reason", json_string(reason && *reason ? reason : "no reason given"));
	json_object_set_new(o, "status", json_string(status));
	if (c && c->status >= 0)
		json_object_set_new(o, "exit", json_integer(c->status));
	if (c && c->signal)
		json_object_set_new(o, "signal", json_integer(c->signal));
	json_array_append_new(s->skipped, o);
}

/* Check one child's document; returns it (owned) or NULL with why. */
static json_t *take_doc(const reg_bench *a, const suite_child *c, char *why, size_t len)
{
	json_error_t e;
	json_t *doc = json_loadb(c->out, c->outlen, 0, &e);
	if (!doc) {
		snprintf(why, len, "its output is not JSON (line %d, column %d: %s)%s%s", e.line, e.column,
			 e.text, c->last_err[0] ? "; it said: " : "", c->last_err);
		return NULL;
	}
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	const char *bench = json_string_value(json_object_get(doc, "bench"));
	if (!schema || strcmp(schema, "guestbench/1") != 0 || !bench || strcmp(bench, a->name) != 0 ||
	    !json_is_array(json_object_get(doc, "results")) || !json_is_boolean(json_object_get(doc, "valid"))) {
		snprintf(why, len, "its output is not a guestbench/1 document of %s (schema %s, bench %s)",
			 a->name, schema ? schema : "missing", bench ? bench : "missing");
		json_decref(doc);
		return NULL;
	}
	/* the same machine, moments apart: the suite's fingerprint stands
	 * for every run ("fingerprint once") */
	json_object_del(doc, "env");
	return doc;
}

/* Remove a scratch directory and what a killed child may have left in it
 * (one level: benchmarks create plain files there). */
static void remove_scratch(const char *dir)
{
	gb_tree_scratch(NULL);
	if (gb_rmdir_flat(dir) != 0)
		gb_warnx("could not remove the scratch directory %s: %s", dir, strerror(errno));
}

/* Run one benchmark; returns 0 if it ran or was skipped for a reason of
 * the environment, 1 if the suite must end invalid. */
static int run_one(suite_doc *s, const char *self, const reg_bench *a, double timeout)
{
	char *argv[MAX_ARGS], args[256];
	int n = 0;
	argv[n++] = (char *)a->name;	/* the child dispatches on it (main.c) */
	gb_strlcpy(args, a->full_args ? a->full_args : "", sizeof args);
	if (s->quick)
		argv[n++] = "--quick";
	else
		for (char *save, *t = strtok_r(args, " ", &save); t && n < MAX_ARGS - 8;
		     t = strtok_r(NULL, " ", &save))
			argv[n++] = t;
	argv[n++] = "--label";
	argv[n++] = (char *)s->label;
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n++] = "-o";
	argv[n++] = "-";

	char why[512], dir[4096] = "";
	if (a->scratch) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/guestbench-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", a->name);
		if (!mkdtemp(dir)) {
			snprintf(why, sizeof why, "no writable temporary directory (%s: %s); run gb-%s --dir DIR",
				 dir, strerror(errno), a->name);
			add_skip(s, a->name, "unavailable", why, NULL);
			return 0;
		}
		argv[n++] = "--dir";
		argv[n++] = dir;
		gb_tree_scratch(dir);	/* removed even if a signal ends the suite */
	}
	argv[n] = NULL;

	suite_child c;
	int rc = suite_child_run(self, argv, timeout, &c);
	if (dir[0])
		remove_scratch(dir);
	if (rc < 0) {
		add_skip(s, a->name, "error", c.why, NULL);
		suite_child_free(&c);
		return 1;
	}
	json_object_set_new(s->seconds, a->name, json_real(c.seconds));
	int bad = 0;
	if (c.timed_out) {
		snprintf(why, sizeof why, "timed out after %.0f s (--timeout)", timeout);
		add_skip(s, a->name, "timeout", why, &c);
		bad = 1;
	} else if (c.signal) {
		snprintf(why, sizeof why, "killed by signal %d (%s)%s%s", c.signal, strsignal(c.signal),
			 c.last_err[0] ? "; it said: " : "", c.last_err);
		add_skip(s, a->name, "crashed", why, &c);
		bad = 1;
	} else if (c.status == GB_EXIT_ENV) {
		add_skip(s, a->name, "unavailable", c.last_err[0] ? c.last_err : "exit status 3", &c);
	} else if (c.status == GB_EXIT_OK || c.status == GB_EXIT_INVALID) {
		json_t *doc = take_doc(a, &c, why, sizeof why);
		if (!doc) {
			add_skip(s, a->name, "error", why, &c);
			bad = 1;
		} else {
			/* exit 1 with "valid": true is a run-time failure
			 * (e.g. output): still not a clean run */
			bad = c.status != GB_EXIT_OK || !json_is_true(json_object_get(doc, "valid"));
			json_array_append_new(s->runs, doc);
		}
	} else {
		snprintf(why, sizeof why, "exit status %d%s%s", c.status, c.last_err[0] ? ": " : "", c.last_err);
		add_skip(s, a->name, "error", why, &c);
		bad = 1;
	}
	suite_child_free(&c);
	return bad;
}

static void render_table(const void *s, FILE *f) { suite_table(s, f); }
static void render_json(const void *s, FILE *f) { suite_json(s, f); }
static void render_csv(const void *s, FILE *f) { suite_csv(s, f); }
static void render_jsonl(const void *s, FILE *f) { suite_jsonl(s, f); }

/* The suite's formats (common/output's rule picks one); the first is
 * what a person reads. */
static const gb_format formats[] = {
	{ .name = "table", .ext = ".txt", .render = render_table },
	{ .name = "json", .ext = ".json", .render = render_json },
	{ .name = "csv", .ext = ".csv", .render = render_csv },
	{ .name = "jsonl", .ext = ".jsonl", .ext2 = ".ndjson", .render = render_jsonl },
};

int suite_main(int argc, char **argv)
{
	static char names[512];
	const char *only = NULL, *skip = NULL, *format = NULL;
	int quick = 0;
	double timeout = 0;

	/* the benchmark names are the choices of --only and --skip */
	for (size_t i = 0; i < reg_nbenches; i++) {
		size_t n = strlen(names);
		snprintf(names + n, sizeof names - n, "%s%s", i ? "|" : "", reg_benches[i].name);
	}
	const gb_opt opts[] = {
		{ .name = "quick", .type = GB_OPT_FLAG, .dest = &quick,
		  .help = "each benchmark with --quick: about a minute in all, not a measurement to publish" },
		{ .name = "only", .type = GB_OPT_LIST, .dest = &only, .choices = names, .metavar = "LIST",
		  .help = "run only these benchmarks (comma-separated)" },
		{ .name = "skip", .type = GB_OPT_LIST, .dest = &skip, .choices = names, .metavar = "LIST",
		  .help = "run every benchmark but these" },
		{ .name = "format", .type = GB_OPT_CHOICE, .dest = &format, .choices = "table|json|csv|jsonl",
		  .metavar = "FMT",
		  .help = "the summary table, the suite document, or every metric as CSV or JSON Lines (default: table;\n"
		  "with -o FILE: from its extension; -o -: json)" },
		{ .name = "timeout", .type = GB_OPT_DURATION, .dest = &timeout, .def = "15m", .max = 1e6,
		  .metavar = "TIME",
		  .help = "kill a benchmark that runs longer than this (a hang, not a budget); 0 = never" },
		{ NULL },
	};
	const gb_cli_spec spec = {
		.prog = "guestbench suite",
		.bench = "suite",
		.summary = "run every benchmark; one guestbench-suite/1 document and a summary table",
		.synopsis = "[--quick] [--label L] [-o FILE] [--only a,b | --skip a,b]",
		.epilog = "Each benchmark runs as a child of this program with its defaults (or --quick).\n"
			  "Exit status: 0 every run valid (a benchmark this environment cannot run is\n"
			  "listed as skipped); 1 a run was invalid, crashed or timed out; 2 usage.",
		.common = GB_C_OUTPUT,
		.opts = opts,
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	if (only && skip) {
		gb_err("--only and --skip: choose one");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}
	char why[512];
	const char *self = gb_self_path(why, sizeof why);
	if (!self) {
		gb_err("%s", why);
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}
	/* a reader that went away must not kill us before -o FILE is written */
	signal(SIGPIPE, SIG_IGN);

	suite_doc s = {
		.label = cli.c.label,
		.quick = quick,
		.env = gb_env_get(),
		.runs = json_array(),
		.skipped = json_array(),
		.seconds = json_object(),
	};
	gb_utc_now(s.started);
	int bad = 0;
	size_t total = 0, k = 0;
	for (size_t i = 0; i < reg_nbenches; i++)
		total += (!only || gb_list_has(only, reg_benches[i].name)) && !gb_list_has(skip, reg_benches[i].name);
	for (size_t i = 0; i < reg_nbenches; i++) {
		const reg_bench *a = &reg_benches[i];
		if ((only && !gb_list_has(only, a->name)) || gb_list_has(skip, a->name))
			continue;
		gb_progress("[%zu/%zu] %s%s ...", ++k, total, a->name, quick ? " --quick" : "");
		bad |= run_one(&s, self, a, timeout);
		gb_progress_done();
	}
	gb_utc_now(s.finished);
	s.valid = !bad;

	if (gb_output_emit(formats, sizeof formats / sizeof formats[0], format, cli.c.output,
			   cli.c.quiet, &s) != 0)
		bad = 1;

	json_decref(s.runs);
	json_decref(s.skipped);
	json_decref(s.seconds);
	gb_cli_free(&cli);
	return bad ? GB_EXIT_INVALID : GB_EXIT_OK;
}
