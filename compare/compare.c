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
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benches.h"
#include "cli.h"
#include "compare.h"

/* -o FILE's format: --format when given, else from the extension. */
static const char *file_format(const gb_cli *cli, const char *fmt_opt, const char *path)
{
	if (gb_cli_isset(cli, "format"))
		return fmt_opt;
	const char *dot = strrchr(path, '.');
	if (dot && strcmp(dot, ".json") == 0)
		return "json";
	if (dot && strcmp(dot, ".csv") == 0)
		return "csv";
	if (dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0))
		return "markdown";
	return "table";
}

/* Whole or not at all: a temporary file next to it, then a rename. */
static int write_file(const char *path, const cmp_result *r, const char *format, int svg)
{
	char *tmp = gb_xasprintf("%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		gb_err("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (svg)
		cmp_svg(r, f);
	else
		cmp_render(r, format, f);
	int bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		gb_err("%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int check_svg(const char *v, char *msg, unsigned len)
{
	if (!v[0] || v[strlen(v) - 1] == '/') {
		snprintf(msg, len, "a file name, e.g. chart.svg");
		return -1;
	}
	return 0;
}

int compare_main(int argc, char **argv)
{
	const char *format = NULL, *svg = NULL, *base = NULL;
	double alpha = 0.05, margin = 3;
	int drop = 0;
	const gb_opt opts[] = {
		{ "format", 0, GB_OPT_CHOICE, &format, "table", 0, 0, "table|markdown|csv|json", "FMT",
		  "output format (with -o: the file's, default from its extension)", NULL },
		{ "svg", 0, GB_OPT_STRING, &svg, NULL, 0, 0, NULL, "FILE",
		  "also draw a chart: bars normalised to the base, 95% CI error bars", check_svg },
		{ "alpha", 0, GB_OPT_DOUBLE, &alpha, "0.05", 0.0001, 0.5, NULL, "P",
		  "significance level of the test and 1 - confidence of the interval", NULL },
		{ "margin", 0, GB_OPT_DOUBLE, &margin, "3", 0, 100, NULL, "PCT",
		  "equivalence margin in %: \"equivalent\" when the whole interval is within it", NULL },
		{ "base", 0, GB_OPT_STRING, &base, NULL, 0, 0, NULL, "NAME",
		  "the environment the others are compared with (default: the first)", NULL },
		{ "drop-disturbed", 0, GB_OPT_FLAG, &drop, NULL, 0, 0, NULL, NULL,
		  "leave out the runs whose document (or campaign launch) says \"disturbed\"", NULL },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-compare",
		.bench = "compare",
		.summary = "compare guestbench results: ratios, confidence intervals, verdicts, a chart",
		.synopsis = "[options] BASE.json OTHER.json... | CAMPAIGN.json",
		.epilog = "Files are guestbench/1 (one benchmark), guestbench-suite/1 or guestbench-campaign/1\n"
			  "documents.  Documents of one label are launches of one environment: several of\n"
			  "the same benchmark are replicates, compared launch by launch (paired by round in\n"
			  "a campaign).  Verdicts: faster, slower, equivalent (the whole interval within\n"
			  "--margin), inconclusive, too few launches, one run each (host drift not measured).\n"
			  "Exit status: 0 compared (whatever the verdicts), 1 an environment shares no metric\n"
			  "with the base or an output could not be written, 2 usage error or malformed input.\n"
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

	const char *out = cli.c.output;
	int doc_to_stdout = out && strcmp(out, "-") == 0;
	const char *stdout_fmt = doc_to_stdout ? file_format(&cli, format, ".json") : format;
	if (out && !doc_to_stdout && !gb_cli_isset(&cli, "format"))
		stdout_fmt = "table";
	if (!cli.c.quiet || doc_to_stdout)
		cmp_render(&r, stdout_fmt, stdout);
	/* warnings belong on stderr when stdout carries no notes for a reader */
	if (cli.c.quiet || strcmp(stdout_fmt, "json") == 0 || strcmp(stdout_fmt, "csv") == 0)
		for (size_t i = 0; i < r.warnings.n; i++)
			gb_warnx("%s", r.warnings.v[i]);
	if (out && !doc_to_stdout && write_file(out, &r, file_format(&cli, format, out), 0) < 0)
		rc = GB_EXIT_INVALID;
	if (svg && write_file(svg, &r, NULL, 1) < 0)
		rc = GB_EXIT_INVALID;
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
