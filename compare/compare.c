/* compare.c - gb-compare: compare result files of the same benchmarks run
 * in different environments.
 *
 *   gb-compare BASE.json OTHER.json...     suite or single-benchmark files
 *   gb-compare native-*.json docker-*.json several launches per environment
 *   gb-compare campaign.json [--base NAME] a guestbench rounds campaign
 *
 * The first environment is the base (or --base); every other one is
 * compared with it.  Documents of one label are launches of one
 * environment (group.c): replicates when they hold the same benchmark,
 * parts of one environment when they hold different ones.
 *
 * Exit status (docs/compare.md): 0 compared; 1 an environment had no
 * metric in common with the base, or an output could not be written;
 * 2 usage error, unreadable or malformed input (file:line:column).  The
 * verdicts never change it: a "slower" is a result, not a failure, and
 * scripts must be able to tell a broken input from a slow guest. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "output.h"

static void render_table(const void *r, FILE *f) { cmp_render(r, "table", f); }
static void render_markdown(const void *r, FILE *f) { cmp_render(r, "markdown", f); }
static void render_csv(const void *r, FILE *f) { cmp_render(r, "csv", f); }
static void render_json(const void *r, FILE *f) { cmp_render(r, "json", f); }
static void render_jsonl(const void *r, FILE *f) { cmp_render(r, "jsonl", f); }
static void render_svg(const void *r, FILE *f) { cmp_svg(r, f); }

#define NFMT(t) (sizeof(t) / sizeof(t)[0])

/* gb-compare's formats (common/output's rule picks one); the first is
 * what a person reads. */
static const gb_format formats[] = {
	{ .name = "table", .ext = ".txt", .render = render_table },
	{ .name = "markdown", .ext = ".md", .ext2 = ".markdown", .render = render_markdown },
	{ .name = "csv", .ext = ".csv", .render = render_csv },
	{ .name = "json", .ext = ".json", .render = render_json },
	{ .name = "jsonl", .ext = ".jsonl", .ext2 = ".ndjson", .render = render_jsonl },
};

static int check_svg(const char *v, char *msg, unsigned len)
{
	char why[512];
	if (gb_output_check(v, why, sizeof why) == 0)
		return 0;
	snprintf(msg, len, "a file that can be written; %s", why);
	return -1;
}

/* ------------------------------------------------------------- fleets -- */

static void render_fleet_table(const void *f, FILE *o) { cmp_fleet_render(f, "table", o); }
static void render_fleet_markdown(const void *f, FILE *o) { cmp_fleet_render(f, "markdown", o); }
static void render_fleet_csv(const void *f, FILE *o) { cmp_fleet_render(f, "csv", o); }
static void render_fleet_json(const void *f, FILE *o) { cmp_fleet_render(f, "json", o); }
static void render_fleet_jsonl(const void *f, FILE *o) { cmp_fleet_render(f, "jsonl", o); }

/* The fleet summary's formats: the same names and extensions. */
static const gb_format fleet_formats[] = {
	{ .name = "table", .ext = ".txt", .render = render_fleet_table },
	{ .name = "markdown", .ext = ".md", .ext2 = ".markdown", .render = render_fleet_markdown },
	{ .name = "csv", .ext = ".csv", .render = render_fleet_csv },
	{ .name = "json", .ext = ".json", .render = render_fleet_json },
	{ .name = "jsonl", .ext = ".jsonl", .ext2 = ".ndjson", .render = render_fleet_jsonl },
};

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* A file, or a folder of them (deploy/k8s/collect.sh writes one file per
 * node): its *.json files in name order.  -1 with err. */
static int load_host_path(cmp_input *in, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return cmp_input_load(in, path, err, errlen);
	struct dirent **names;
	int n = scandir(path, &names, json_file, alphasort);
	if (n < 0) {
		cmp_set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (n == 0)
		cmp_set_err(err, errlen, "%s: a folder without .json files (one result document per host expected)",
			    path);
	int rc = n ? 0 : -1;
	for (int i = 0; i < n; i++) {
		if (rc == 0) {
			char *file = gb_xasprintf("%s/%s", path, names[i]->d_name);
			rc = cmp_input_load(in, file, err, errlen);
			free(file);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* gb-compare --fleet: every host one environment, summarised across. */
static int fleet(const gb_cli *cli, const char *format, int drop, long long slowest)
{
	cmp_input in;
	memset(&in, 0, sizeof in);
	cmp_env *envs = NULL;
	size_t nenv = 0;
	char err[1024] = "";
	int rc = GB_EXIT_USAGE;
	for (int i = 0; i < cli->npos; i++)
		if (load_host_path(&in, cli->pos[i], err, sizeof err) < 0)
			goto out;
	if (cmp_fleet_check_input(&in, err, sizeof err) < 0 || cmp_group(&in, NULL, drop, &envs, &nenv, err, sizeof err) < 0)
		goto out;
	cmp_fleet f;
	if (cmp_fleet_build(&f, envs, nenv, (size_t)slowest, err, sizeof err) < 0) {
		cmp_fleet_free(&f);
		goto out;
	}
	err[0] = 0;
	const gb_format *screen = cli->c.output ? (strcmp(cli->c.output, "-") == 0 ? NULL : fleet_formats)
						: gb_format_pick(fleet_formats, NFMT(fleet_formats), format, NULL, fleet_formats);
	if (cli->c.quiet || !screen || (screen->render != render_fleet_table && screen->render != render_fleet_markdown))
		for (size_t i = 0; i < f.warnings.n; i++)
			gb_warnx("%s", f.warnings.v[i]);
	rc = gb_output_emit(fleet_formats, NFMT(fleet_formats), format, cli->c.output, cli->c.quiet, &f) != 0 ? GB_EXIT_INVALID
											       : GB_EXIT_OK;
	cmp_fleet_free(&f);
out:
	if (err[0] && rc == GB_EXIT_USAGE)
		gb_err("%s", err);
	cmp_input_free(&in);
	for (size_t i = 0; i < nenv; i++)
		cmp_env_free(&envs[i]);
	free(envs);
	return rc;
}

int compare_main(int argc, char **argv)
{
	const char *format = NULL, *svg = NULL, *base = NULL;
	double alpha = 0.05, margin = 3;
	int drop = 0, fleet_mode = 0;
	long long slowest = 3;
	const gb_opt opts[] = {
		{ .name = "format", .type = GB_OPT_CHOICE, .dest = &format, .choices = "table|markdown|csv|json|jsonl",
		  .metavar = "FMT",
		  .help = "output format (default: table; with -o FILE: from its extension; -o -: json)" },
		{ .name = "svg", .type = GB_OPT_STRING, .dest = &svg, .metavar = "FILE", .check = check_svg,
		  .help = "also draw a chart: one panel per benchmark, ratios and intervals on a log axis, "
			  "the margin band, verdicts" },
		{ .name = "alpha", .type = GB_OPT_DOUBLE, .dest = &alpha, .def = "0.05", .min = 0.0001, .max = 0.5,
		  .metavar = "P", .help = "significance level of the test and 1 - confidence of the interval" },
		{ .name = "margin", .type = GB_OPT_DOUBLE, .dest = &margin, .def = "3", .min = 0, .max = 100,
		  .metavar = "PCT", .help = "equivalence margin in %: \"equivalent\" when the whole interval is within it" },
		{ .name = "base", .type = GB_OPT_STRING, .dest = &base, .metavar = "NAME",
		  .help = "the environment the others are compared with (default: the first)" },
		{ .name = "drop-disturbed", .type = GB_OPT_FLAG, .dest = &drop,
		  .help = "leave out the runs whose document (or campaign launch) says \"disturbed\"" },
		{ .name = "fleet", .type = GB_OPT_FLAG, .dest = &fleet_mode,
		  .help = "the files (or folders of *.json) are hosts of one fleet: per metric the median, p10, p90\n"
			  "across hosts and the slowest hosts by name" },
		{ .name = "slowest", .type = GB_OPT_INT, .dest = &slowest, .def = "3", .min = 1, .max = 1000,
		  .metavar = "N", .help = "with --fleet: how many of the slowest hosts each metric names" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-compare",
		.bench = "compare",
		.summary = "compare guestbench results: ratios, confidence intervals, verdicts, a chart",
		.synopsis = "[options] BASE.json OTHER.json... | CAMPAIGN.json | --fleet HOST.json... | --fleet DIR",
		.epilog = "Files are guestbench/1 (one benchmark), guestbench-suite/1 or guestbench-campaign/1\n"
			  "documents.  Documents of one label are launches of one environment: several of\n"
			  "the same benchmark are replicates, compared launch by launch (paired by round in\n"
			  "a campaign).  Verdicts: faster, slower, equivalent (the whole interval within\n"
			  "--margin), inconclusive, too few launches, one run each (host drift not measured).\n"
			  "Exit status: 0 compared (whatever the verdicts), 1 an environment shares no metric\n"
			  "with the base or an output could not be written, 2 usage error or malformed input.\n"
			  "--fleet: every file (or folder of *.json) is one host of a fleet (hosts told apart\n"
			  "by --label); per metric the median, p10 and p90 across hosts and the slowest ones.\n"
			  "See docs/compare.md.\n",
		.common = 0,
		.opts = opts,
		.max_positional = -1,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	if (cli.npos < 1) {
		gb_err("no result files given (usage: gb-compare BASE.json OTHER.json...)");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}
	if (fleet_mode) {
		if (base || svg) {
			gb_err("--fleet summarises hosts, it compares none with a base: %s does not apply",
			       base ? "--base" : "--svg");
			rc = GB_EXIT_USAGE;
		} else {
			rc = fleet(&cli, format, drop, slowest);
		}
		gb_cli_free(&cli);
		return rc;
	}
	if (gb_cli_isset(&cli, "slowest")) {
		gb_err("--slowest N names the slowest hosts of a fleet: it goes with --fleet");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}

	cmp_input in;
	memset(&in, 0, sizeof in);
	cmp_env *envs = NULL;
	size_t nenv = 0;
	char err[512];
	for (int i = 0; i < cli.npos; i++)
		if (cmp_input_load(&in, cli.pos[i], err, sizeof err) < 0) {
			gb_err("%s", err);
			rc = GB_EXIT_USAGE;
			goto out;
		}
	if (cmp_group(&in, base, drop, &envs, &nenv, err, sizeof err) < 0) {
		gb_err("%s", err);
		rc = GB_EXIT_USAGE;
		goto out;
	}
	if (nenv < 2) {
		gb_err("only one environment (%s) in the files given: need a base and at least one other",
		       nenv ? envs[0].label : "none");
		rc = GB_EXIT_USAGE;
		goto out;
	}

	cmp_result r;
	cmp_match(&r, &envs[0], envs + 1, nenv - 1, alpha, margin / 100);
	rc = GB_EXIT_OK;
	for (size_t i = 0; i < r.nside; i++)
		if (!r.side[i].np) {
			gb_err("%s and %s have no metric in common: nothing to compare", envs[0].label,
			       r.side[i].env->label);
			rc = GB_EXIT_INVALID;
		}

	/* warnings belong on stderr when stdout carries no notes for a reader */
	const gb_format *screen = cli.c.output ? (strcmp(cli.c.output, "-") == 0 ? NULL : formats)
					       : gb_format_pick(formats, NFMT(formats), format, NULL, formats);
	if (cli.c.quiet || !screen || (screen->render != render_table && screen->render != render_markdown))
		for (size_t i = 0; i < r.warnings.n; i++)
			gb_warnx("%s", r.warnings.v[i]);
	if (gb_output_emit(formats, sizeof formats / sizeof formats[0], format, cli.c.output,
			   cli.c.quiet, &r) != 0)
		rc = GB_EXIT_INVALID;
	if (svg && gb_output_write(svg, render_svg, &r) != 0) {
		gb_err("cannot write %s: %s", svg, strerror(errno));
		rc = GB_EXIT_INVALID;
	}
	fflush(stdout);
	cmp_result_free(&r);
out:
	cmp_input_free(&in);
	for (size_t i = 0; i < nenv; i++)
		cmp_env_free(&envs[i]);
	free(envs);
	gb_cli_free(&cli);
	return rc;
}
