/* rounds.c - guestbench rounds: the options and the loop.
 *
 *   guestbench rounds [--rounds N] [--only a,b] [--quick] [--order abba|random|fixed]
 *                     [--seed S] [--timeout T] [--args 'BENCH: ARGS']...
 *                     --env NAME=COMMAND... -o campaign.json
 *
 * One launch = one benchmark run in one environment.  Each round runs
 * every (benchmark, environment) once: benchmark by benchmark, the
 * environments one after the other in the round's order (order.c), so
 * that a benchmark's launches in one round are minutes apart at most and
 * pair up.  Before round 1 the work is resolved once (resolve.c).
 *
 * Exit status: 0 every launch ok; 1 some launch failed, timed out or was
 * invalid (the document is still written); 2 usage; 3 no environment
 * could run anything at all, or the environments cannot do the same
 * work. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "format.h"
#include "rounds.h"
#include "util.h"

/* --env and --args may be given many times; the option table keeps one
 * value per option, but its check callback sees every one: they are
 * collected here. */
static rd_campaign *cur;
static struct pending_args {
	char bench[32];
	char **words;
	int n;
} pend[64];
static int npend;

static int take_env(const char *v, char *msg, unsigned len)
{
	if (cur->nenvs == RD_MAX_ENVS) {
		snprintf(msg, len, "at most %d environments", RD_MAX_ENVS);
		return -1;
	}
	rd_env *e = &cur->envs[cur->nenvs];
	if (rd_env_parse(e, v, msg, len) < 0)
		return -1;
	for (int i = 0; i < cur->nenvs; i++)
		if (strcmp(cur->envs[i].name, e->name) == 0) {
			snprintf(msg, len, "a name not used by another --env (%s is)", e->name);
			return -1;
		}
	cur->nenvs++;
	return 0;
}

/* Words guestbench itself passes to every launch. */
static const char *const reserved[] = { "--label", "--format", "-o", "--output", "--plan", "--quick", NULL };

static int take_args(const char *v, char *msg, unsigned len)
{
	const char *colon = strchr(v, ':');
	size_t bl = colon ? (size_t)(colon - v) : 0;
	if (!colon || bl == 0 || bl >= sizeof pend[0].bench || npend == (int)(sizeof pend / sizeof pend[0])) {
		snprintf(msg, len, "'BENCH: ARGS', e.g. 'syscall: --only getpid'");
		return -1;
	}
	struct pending_args *p = &pend[npend];
	memcpy(p->bench, v, bl);
	p->bench[bl] = 0;
	if (!reg_find(p->bench)) {
		snprintf(msg, len, "'BENCH: ARGS' with BENCH a benchmark (%s is not one)", p->bench);
		return -1;
	}
	int shell;
	p->n = rd_split(colon + 1, &p->words, &shell, msg, len);
	if (p->n < 0)
		return -1;
	for (int i = 0; i < p->n; i++)
		for (int k = 0; reserved[k]; k++) {
			size_t rl = strlen(reserved[k]);
			if (strncmp(p->words[i], reserved[k], rl) == 0 &&
			    (p->words[i][rl] == 0 || p->words[i][rl] == '=')) {
				snprintf(msg, len, "arguments other than %s: guestbench rounds sets it", reserved[k]);
				rd_words_free(p->words, p->n);
				return -1;
			}
		}
	npend++;
	return 0;
}

/* The benchmarks of the campaign, in the suite's order; by default every
 * one that needs nothing from the environment (diskio needs a directory
 * there: --only diskio --args 'diskio: --dir DIR'). */
static int pick_benches(rd_campaign *c, const char *only)
{
	c->benches = gb_xcalloc(reg_nbenches, sizeof *c->benches);
	for (size_t i = 0; i < reg_nbenches; i++) {
		const reg_bench *a = &reg_benches[i];
		if (only ? !gb_list_has(only, a->name) : a->scratch)
			continue;
		rd_bench *b = &c->benches[c->nbenches++];
		b->reg = a;
		for (int k = 0; k < npend; k++) {
			if (strcmp(reg_find(pend[k].bench)->name, a->name) != 0)
				continue;
			b->user = gb_xrealloc(b->user, (size_t)(b->nuser + pend[k].n + 1) * sizeof *b->user);
			for (int w = 0; w < pend[k].n; w++)
				b->user[b->nuser++] = pend[k].words[w];
		}
		if (a->scratch) {
			int has = 0;
			for (int w = 0; w < b->nuser; w++)
				has |= !strcmp(b->user[w], "--dir") || !strcmp(b->user[w], "--file") ||
				       !strncmp(b->user[w], "--dir=", 6) || !strncmp(b->user[w], "--file=", 7);
			if (!has) {
				gb_err("--only %s: it needs a directory in each environment: --args '%s: --dir DIR'",
				       a->name, a->name);
				return -1;
			}
		}
	}
	for (int k = 0; k < npend; k++) {
		int used = 0;
		for (int i = 0; i < c->nbenches; i++)
			used |= strcmp(c->benches[i].reg->name, reg_find(pend[k].bench)->name) == 0;
		if (!used) {
			gb_err("--args '%s: ...': %s is not in this campaign (--only)", pend[k].bench, pend[k].bench);
			return -1;
		}
	}
	return 0;
}

static void fmt_eta(char *buf, size_t len, double s)
{
	if (s >= 3600)
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
	else
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
}

/* Every round; returns the count of launches that were ok. */
static size_t run_rounds(rd_campaign *c)
{
	size_t total = (size_t)c->rounds * (size_t)c->nbenches * (size_t)c->nenvs, done = 0, ok = 0;
	unsigned long long state = c->seed;
	int perm[RD_MAX_ENVS];
	uint64_t t0 = gb_now_ns();

	for (long long r = 1; r <= c->rounds; r++)
		for (int bi = 0; bi < c->nbenches; bi++) {
			rd_bench *b = &c->benches[bi];
			rd_order(c->order, r, c->nenvs, &state, perm);
			for (int p = 0; p < c->nenvs; p++) {
				rd_env *e = &c->envs[perm[p]];
				char eta[32] = "?";
				if (done)
					fmt_eta(eta, sizeof eta, (double)(gb_now_ns() - t0) / 1e9 / (double)done *
								   (double)(total - done));
				gb_progress("round %lld/%lld (%lld left): %s in %s  [launch %zu/%zu, ETA %s]", r,
					    c->rounds, c->rounds - r, b->reg->name, e->name, done + 1, total, eta);
				json_t *rec = rd_launch(c, e, b, 0);
				gb_progress_done();
				json_object_set_new(rec, "round", json_integer(r));
				json_object_set_new(rec, "position", json_integer(p + 1));
				json_object_set_new(rec, "seq", json_integer((json_int_t)++done));
				const char *st = json_string_value(json_object_get(rec, "status"));
				if (strcmp(st, "ok") == 0)
					ok++;
				else
					gb_warnx("round %lld, %s in %s: %s: %s", r, b->reg->name, e->name, st,
						 json_string_value(json_object_get(rec, "reason")));
				json_array_append_new(c->launches, rec);
				rd_save(c);
			}
		}
	return ok;
}

static void usage_epilog(char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");
	if (!f)
		return;
	fprintf(f, "Each --env is a command prefix that runs a guestbench binary in that environment;\n"
		"guestbench appends 'BENCH [args] --label NAME --format json -o -' or puts them where\n"
		"the command says {args}.  Quoting as in a shell; a command with shell syntax ($, |,\n"
		";, &&, >, ...) runs as /bin/sh -c COMMAND.  Examples:\n"
		"  --env native=bin/guestbench  --env runc='runc exec gbtest /guestbench'\n"
		"  --env vm='ssh -T vm /gb/guestbench'  --env qemu='scripts/gb-qemu-run --'\n"
		"Order: abba = rounds forward, reversed, reversed, forward, ...; random = shuffled\n"
		"per round and benchmark from --seed (recorded); fixed = forward.\n");
	rd_rules_help(f);
	fprintf(f, "Exit status: 0 every launch ok; 1 some launch failed, timed out or was invalid\n"
		"(the document is still written); 2 usage; 3 nothing could run at all, or the\n"
		"environments cannot do the same work.  Format: docs/json.md (guestbench-campaign/1).\n");
	fclose(f);
}

int rounds_main(int argc, char **argv)
{
	static char names[512], epilog[4096];
	static rd_campaign camp;
	rd_campaign *c = &camp;
	const char *only = NULL, *format = NULL;
	long long rounds = 0, seed = -1;
	double timeout = 0;
	int quick = 0;
	const char *env_last = NULL, *args_last = NULL, *order = NULL;

	cur = c;
	for (size_t i = 0; i < reg_nbenches; i++) {
		size_t n = strlen(names);
		snprintf(names + n, sizeof names - n, "%s%s", i ? "|" : "", reg_benches[i].name);
	}
	usage_epilog(epilog, sizeof epilog);
	const gb_opt opts[] = {
		{ .name = "rounds", .type = GB_OPT_INT, .dest = &rounds, .def = "6", .min = 1, .max = 100000,
		  .metavar = "N", .help = "rounds: each runs every benchmark once in every environment" },
		{ .name = "env", .type = GB_OPT_STRING, .dest = &env_last, .metavar = "NAME=COMMAND",
		  .help = "an environment: its name (the launches' --label) and the command prefix that runs "
			  "guestbench there; give it once per environment",
		  .check = take_env },
		{ .name = "only", .type = GB_OPT_LIST, .dest = &only, .choices = names, .metavar = "LIST",
		  .help = "these benchmarks (default: every one but diskio)" },
		{ .name = "quick", .type = GB_OPT_FLAG, .dest = &quick,
		  .help = "every launch with --quick: for checking a set-up, not for publishing" },
		{ .name = "order", .type = GB_OPT_CHOICE, .dest = &order, .def = "abba", .choices = "abba|random|fixed",
		  .metavar = "ORDER", .help = "the environments' order in each round" },
		{ .name = "seed", .type = GB_OPT_INT, .dest = &seed, .max = 9007199254740991.0, .metavar = "S",
		  .help = "seed of --order random (default: from the clock; recorded either way)" },
		{ .name = "timeout", .type = GB_OPT_DURATION, .dest = &timeout, .def = "15m", .max = 1e6,
		  .metavar = "TIME",
		  .help = "kill a launch that runs longer than this (recorded as timeout); 0 = never" },
		{ .name = "args", .type = GB_OPT_STRING, .dest = &args_last, .metavar = "'BENCH: ARGS'",
		  .help = "more arguments for every launch of BENCH, e.g. 'syscall: --only getpid'; repeatable",
		  .check = take_args },
		{ .name = "format", .type = GB_OPT_CHOICE, .dest = &format, .choices = "table|json", .metavar = "FMT",
		  .help = "the summary table or the campaign document (default: table; with -o FILE:\n"
			  "from its extension; -o -: json)" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "guestbench rounds",
		.bench = "rounds",
		.summary = "measure several environments in interleaved rounds: one guestbench-campaign/1 document",
		.synopsis = "[--rounds N] [--only a,b] [--quick] --env NAME=COMMAND... -o campaign.json",
		.epilog = epilog,
		.common = GB_C_OUTPUT,
		.opts = opts,
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	rc = GB_EXIT_USAGE;
	if (c->nenvs == 0) {
		gb_err("--env NAME=COMMAND: give at least one environment (e.g. --env native=bin/guestbench)");
		goto out;
	}
	if (gb_cli_isset(&cli, "label")) {
		gb_err("--label: each environment's name is its launches' label (--env NAME=COMMAND)");
		goto out;
	}
	if (seed >= 0 && strcmp(order, "random") != 0) {
		gb_err("--seed applies to --order random only (this campaign's order: %s)", order);
		goto out;
	}
	if (!cli.c.output && (!format || strcmp(format, "json") != 0)) {
		gb_err("-o FILE: where to write the campaign document, e.g. -o campaign.json "
		       "(-o - or --format json: on stdout)");
		goto out;
	}
	/* common/output's rule would give a FILE of another extension the
	 * table - and hours of launches would be lost */
	if (cli.c.output && strcmp(cli.c.output, "-") != 0 && !format &&
	    !(strlen(cli.c.output) >= 5 && strcmp(cli.c.output + strlen(cli.c.output) - 5, ".json") == 0)) {
		gb_err("-o %s: the campaign document is JSON: name the file *.json (or give --format json)",
		       cli.c.output);
		goto out;
	}
	if (pick_benches(c, only) < 0)
		goto out;

	c->rounds = rounds;
	c->order = order;
	c->quick = quick;
	c->timeout = timeout;
	c->output = cli.c.output;
	c->format = format;
	c->quiet = cli.c.quiet;
	c->seed = seed >= 0 ? (unsigned long long)seed :
		  ((unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 16) ^ gb_now_ns()) & 0xffffffffull;
	c->resolved = json_object();
	c->plans = json_array();
	c->launches = json_array();
	c->warnings = json_array();
	signal(SIGPIPE, SIG_IGN);	/* a reader gone away must not cost the campaign */
	gb_utc_now(c->started);

	if ((rc = rd_resolve(c)) != 0) {
		rd_save(c);
		goto out;
	}
	size_t ok = run_rounds(c);
	gb_utc_now(c->finished);
	c->complete = 1;
	int werr = rd_emit(c);

	/* 3 when no environment produced a single ok launch */
	size_t total = json_array_size(c->launches);
	rc = ok == total ? GB_EXIT_OK : ok == 0 ? GB_EXIT_ENV : GB_EXIT_INVALID;
	if (werr && rc == GB_EXIT_OK)
		rc = GB_EXIT_INVALID;
out:
	gb_cli_free(&cli);
	return rc;
}
