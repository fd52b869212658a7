/* compare.c - gb-compare: compare result files of the same benchmarks run
 * in different environments.
 *
 *   gb-compare BASE.json OTHER.json...     suite or single-benchmark files
 *
 * The first environment is the base; every other one is compared with it.
 * Single-benchmark files with the same label and different benchmarks
 * make one environment (results/native-*.json), so a directory of
 * per-benchmark files compares like a suite file.
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

#include "cli.h"
#include "compare.h"
#include "output.h"

static void render_table(const void *r, FILE *f) { cmp_render(r, "table", f); }
static void render_markdown(const void *r, FILE *f) { cmp_render(r, "markdown", f); }
static void render_csv(const void *r, FILE *f) { cmp_render(r, "csv", f); }
static void render_json(const void *r, FILE *f) { cmp_render(r, "json", f); }
static void render_svg(const void *r, FILE *f) { cmp_svg(r, f); }

/* gb-compare's formats (common/output's rule picks one); the first is
 * what a person reads. */
static const gb_format formats[] = {
	{ .name = "table", .ext = ".txt", .render = render_table },
	{ .name = "markdown", .ext = ".md", .ext2 = ".markdown", .render = render_markdown },
	{ .name = "csv", .ext = ".csv", .render = render_csv },
	{ .name = "json", .ext = ".json", .render = render_json },
};

/* The same label twice (two runs of one benchmark, both "unlabelled"):
 * every environment of that label is named by its file instead, so the
 * columns can be told apart. */
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
		envs[i].label = gb_xasprintf("%.*s", (int)len, base);
	}
	/* two files of the same name in different folders: number them */
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(envs[i].label, envs[j].label) == 0) {
				char *l = gb_xasprintf("%s#%zu", envs[i].label, i + 1);
				free(envs[i].label);
				envs[i].label = l;
				break;
			}
}

static int check_svg(const char *v, char *msg, unsigned len)
{
	char why[512];
	if (gb_output_check(v, why, sizeof why) == 0)
		return 0;
	snprintf(msg, len, "a file that can be written; %s", why);
	return -1;
}

int compare_main(int argc, char **argv)
{
	const char *format = NULL, *svg = NULL;
	double alpha = 0.05;
	const gb_opt opts[] = {
		{ "format", 0, GB_OPT_CHOICE, &format, NULL, 0, 0, "table|markdown|csv|json", "FMT",
		  "output format (default: table; with -o FILE: from its extension; -o -: json)", NULL },
		{ "svg", 0, GB_OPT_STRING, &svg, NULL, 0, 0, NULL, "FILE",
		  "also draw a chart: bars normalised to the base, 95% CI error bars", check_svg },
		{ "alpha", 0, GB_OPT_DOUBLE, &alpha, "0.05", 0.0001, 0.5, NULL, "P",
		  "significance level of the test and 1 - confidence of the interval", NULL },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-compare",
		.bench = "compare",
		.summary = "compare guestbench results: ratios, 95% confidence intervals, verdicts, a chart",
		.synopsis = "[options] BASE.json OTHER.json...",
		.epilog = "Files are guestbench/1 (one benchmark) or guestbench-suite/1 documents; the first\n"
			  "environment is the base.  Files of one label holding different benchmarks join\n"
			  "into one environment.  Exit status: 0 compared (whatever the verdicts), 1 an\n"
			  "environment shares no metric with the base or an output could not be written,\n"
			  "2 usage error or malformed input.  See docs/compare.md.\n",
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

	cmp_env *envs = gb_xcalloc((size_t)cli.npos, sizeof *envs);
	size_t nenv = 0;
	for (int i = 0; i < cli.npos; i++) {
		char err[512];
		cmp_env e;
		if (cmp_load_file(&e, cli.pos[i], err, sizeof err) < 0) {
			gb_err("%s", err);
			cmp_env_free(&e);
			rc = GB_EXIT_USAGE;
			goto out;
		}
		size_t k;
		for (k = 0; k < nenv; k++)
			if (cmp_env_can_merge(&envs[k], &e)) {
				cmp_env_merge(&envs[k], &e);
				break;
			}
		if (k < nenv)
			continue;
		envs[nenv++] = e;
	}
	relabel(envs, nenv);
	if (nenv < 2) {
		gb_err("only one environment (%s) in the files given: need a base and at least one other",
		       envs[0].label);
		rc = GB_EXIT_USAGE;
		goto out;
	}

	cmp_result r;
	cmp_match(&r, &envs[0], envs + 1, nenv - 1, alpha);
	rc = GB_EXIT_OK;
	for (size_t i = 0; i < r.nside; i++)
		if (!r.side[i].np) {
			gb_err("%s and %s have no metric in common: nothing to compare", envs[0].label,
			       r.side[i].env->label);
			rc = GB_EXIT_INVALID;
		}

	/* warnings belong on stderr when stdout carries no notes for a reader */
	const gb_format *screen = cli.c.output ? (strcmp(cli.c.output, "-") == 0 ? NULL : formats)
					       : gb_format_pick(formats, 4, format, NULL, formats);
	if (cli.c.quiet || !screen || screen->render == render_json || screen->render == render_csv)
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
	for (size_t i = 0; i < nenv; i++)
		cmp_env_free(&envs[i]);
	free(envs);
	gb_cli_free(&cli);
	return rc;
}
