/* cli.c - the option table parser (see cli.h). */
#include "cli.h"
#include "fault.h"
#include "format.h"
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "parse.h"
#include "topo.h"
#include "util.h"

/* ------------------------------------------------------------ common -- */

static int check_label(const char *v, char *msg, unsigned len)
{
	/* labels end up in file names (results/<label>-<bench>.json) */
	size_t n = strlen(v);
	if (n == 0 || n > 64 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") != n ||
	    v[0] == '.' || v[0] == '-') {
		snprintf(msg, len, "1 to 64 of letters, digits, '.', '_', '+', '-', not starting with '.' or '-'");
		return -1;
	}
	return 0;
}

static int check_cpulist(const char *v, char *msg, unsigned len)
{
	cpu_set_t set;
	if (gb_parse_cpulist(v, &set) < 0 || CPU_COUNT(&set) == 0) {
		snprintf(msg, len, "a CPU list such as 0-3,6, CPU numbers below %d", CPU_SETSIZE);
		return -1;
	}
	return 0;
}

static int check_numa(const char *v, char *msg, unsigned len)
{
	if (strncmp(v, "node:", 5) == 0) {
		uint64_t n;
		if (gb_parse_u64(v + 5, &n) < 0 || n > 4095) {
			snprintf(msg, len, "node:N with N a node number, e.g. node:0");
			return -1;
		}
	}
	return 0;
}

static int check_neighbors(const char *v, char *msg, unsigned len)
{
	int n, kind;
	if (gb_parse_neighbors(v, &n, &kind) < 0) {
		snprintf(msg, len, "N, N:cpu or N:mem with N from 0 to %d, e.g. 2:mem", GB_NEIGHBORS_MAX);
		return -1;
	}
	return 0;
}

#define C(field) ((void *)&cli->c.field)

/* The common options, by group, in --help order.  A benchmark option of
 * the same name replaces the common one (e.g. --numa with a "sweep"). */
static void add_common(gb_cli *cli, unsigned groups)
{
	const gb_opt tab[] = {
		{ .name = "repeat", .short_name = 'r', .type = GB_OPT_INT, .dest = C(repeat), .def = "10",
		  .min = 1, .max = 1000000, .metavar = "N",
		  .help = "samples kept per metric (after the warm-up)" },
		{ .name = "warmup", .type = GB_OPT_INT, .dest = C(warmup), .def = "1", .max = 1000,
		  .metavar = "N", .help = "samples run first and discarded" },
		{ .name = "time-limit", .type = GB_OPT_DURATION, .dest = C(time_limit), .max = 1e6,
		  .metavar = "TIME", .help = "stop repeating after this long (e.g. 30s, 2m); 0 = no limit" },
		{ .name = "quick", .type = GB_OPT_FLAG, .dest = C(quick),
		  .help = "a run of a few seconds (smaller sizes, fewer repeats)" },
		{ .name = "plan", .type = GB_OPT_FLAG, .dest = C(plan),
		  .help = "print the configuration a run would use (sizes, threads, kernels); measure nothing" },
		{ .name = "neighbors", .type = GB_OPT_STRING, .dest = C(neighbors), .def = "0",
		  .metavar = "N[:cpu|:mem]", .check = check_neighbors,
		  .help = "run N busy processes on the run's CPUs while it measures: cpu = spinning, "
		  "mem = streaming over a buffer larger than the caches (default cpu)" },
		{ .name = "min-time", .type = GB_OPT_DURATION, .dest = C(min_time), .def = "5ms", .min = 1e-6,
		  .max = 10, .metavar = "TIME",
		  .help = "each sample lasts at least this long (short operations are batched)" },
		{ .name = "threads", .short_name = 't', .type = GB_OPT_INT, .dest = C(threads), .min = 1,
		  .max = 4096, .metavar = "N",
		  .help = "threads (default: the effective CPUs: affinity, cpuset, quota)" },
		{ .name = "cpus", .type = GB_OPT_STRING, .dest = C(cpus), .metavar = "LIST",
		  .help = "use these CPUs only, e.g. 0-3,6 (default: the effective set)",
		  .check = check_cpulist },
		{ .name = "size", .type = GB_OPT_SIZE, .dest = C(size), .min = 4096, .max = 0x1p62,
		  .metavar = "SIZE", .help = "working-set size, e.g. 512M, 4G (default: sized to the machine)" },
		{ .name = "pages", .type = GB_OPT_CHOICE, .dest = C(pages), .def = "auto",
		  .choices = "auto|4k|thp|2m|1g", .metavar = "MODE", .help = "page size for large buffers" },
		{ .name = "numa", .type = GB_OPT_CHOICE, .dest = C(numa), .def = "local",
		  .choices = "local|interleave|node:|cross", .metavar = "MODE", .help = "memory placement",
		  .check = check_numa },
		{ .name = "label", .type = GB_OPT_STRING, .dest = C(label), .def = "unlabelled",
		  .metavar = "NAME", .help = "name of this environment in the results (native, docker, kvm, ...)",
		  .check = check_label },
		{ .name = "format", .type = GB_OPT_CHOICE, .dest = C(format), .choices = "table|json|csv|jsonl",
		  .metavar = "FMT",
		  .help = "output format (default: table; with -o FILE: from its extension; -o -: json)" },
		{ .name = "output", .short_name = 'o', .type = GB_OPT_STRING, .dest = C(output),
		  .metavar = "FILE", .help = "write the results to FILE; a summary table still goes to stdout" },
		{ .name = "quiet", .short_name = 'q', .type = GB_OPT_FLAG, .dest = C(quiet),
		  .help = "print nothing on stdout (results only to -o FILE)" },
		{ .name = "verbose", .short_name = 'v', .type = GB_OPT_FLAG, .dest = C(verbose),
		  .help = "explain what is being done, on stderr" },
		{ .name = "version", .type = GB_OPT_FLAG, .dest = C(version),
		  .help = "print the version and exit" },
		{ .name = "help", .short_name = 'h', .type = GB_OPT_FLAG, .dest = C(help),
		  .help = "print this help and exit" },
	};
	static const unsigned group_of[] = {
		GB_C_RUN, GB_C_RUN, GB_C_RUN, GB_C_RUN, GB_C_RUN, GB_C_RUN, GB_C_BATCH, GB_C_THREADS, GB_C_CPUS,
		GB_C_MEM, GB_C_MEM, GB_C_MEM, GB_C_OUTPUT, GB_C_OUTPUT, GB_C_OUTPUT, GB_C_OUTPUT,
		GB_C_OUTPUT, GB_C_OUTPUT, GB_C_OUTPUT,
	};
	_Static_assert(sizeof tab / sizeof tab[0] == sizeof group_of / sizeof group_of[0],
		       "one group per common option");

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		if (!(group_of[i] & (groups | GB_C_OUTPUT)))
			continue;
		int overridden = 0;
		for (const gb_opt *o = cli->spec->opts; o && o->name; o++)
			if (strcmp(o->name, tab[i].name) == 0)
				overridden = 1;
		if (!overridden && cli->nall < GB_CLI_MAXOPT)
			cli->all[cli->nall++] = tab[i];
	}
}


/* Does 'v' name one of "a|b|c"?  A choice ending in ':' is a prefix. */
static int in_choices(const char *choices, const char *v, size_t vlen)
{
	const char *p = choices;
	while (*p) {
		size_t n = strcspn(p, "|");
		if (n && p[n - 1] == ':' && vlen >= n && strncmp(p, v, n) == 0)
			return 1;
		if (n == vlen && strncmp(p, v, n) == 0)
			return 1;
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

static void choices_text(const char *choices, char *buf, size_t len)
{
	size_t o = 0;
	for (const char *p = choices; *p && o + 8 < len; p++) {
		if (*p == '|') {
			buf[o++] = ',';
			buf[o++] = ' ';
		} else if (*p == ':' && (p[1] == '|' || !p[1])) {
			o += (size_t)snprintf(buf + o, len - o, ":N");
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = 0;
}

static void range_text(const gb_opt *o, char *buf, size_t len)
{
	char lo[32], hi[32];
	if (o->type == GB_OPT_SIZE) {
		gb_fmt_bytes(lo, sizeof lo, (uint64_t)o->min);
		gb_fmt_bytes(hi, sizeof hi, (uint64_t)o->max);
	} else {
		snprintf(lo, sizeof lo, "%.15g", o->min);
		snprintf(hi, sizeof hi, "%.15g", o->max);
	}
	snprintf(buf, len, "%s to %s%s", lo, hi, o->type == GB_OPT_DURATION ? " seconds" : "");
}

/* Parse one value into o->dest; on error print the message and return -1. */
static int set_value(const gb_cli *cli, const gb_opt *o, const char *val, const char *given)
{
	/* long enough for every choice of the longest list (--only) */
	char what[2048] = "", msg[1536] = "";
	int bad = 0;
	double num = 0;

	switch (o->type) {
	case GB_OPT_FLAG:
		(*(int *)o->dest)++;
		return 0;
	case GB_OPT_INT: {
		int64_t v;
		if (gb_parse_i64(val, &v) < 0) {
			bad = 1;
			snprintf(what, sizeof what, "an integer");
		} else {
			num = (double)v;
			*(long long *)o->dest = v;
		}
		break;
	}
	case GB_OPT_SIZE: {
		uint64_t v;
		if (gb_parse_size(val, &v) < 0) {
			bad = 1;
			snprintf(what, sizeof what, "a size: a number with an optional k, M, G or T suffix (x1024), e.g. 512M");
		} else {
			num = (double)v;
			*(uint64_t *)o->dest = v;
		}
		break;
	}
	case GB_OPT_DOUBLE:
		if (gb_parse_double(val, &num) < 0 || !isfinite(num)) {
			bad = 1;
			snprintf(what, sizeof what, "a number");
		} else {
			*(double *)o->dest = num;
		}
		break;
	case GB_OPT_DURATION:
		if (gb_parse_duration(val, &num) < 0) {
			bad = 1;
			snprintf(what, sizeof what, "a duration: a number of seconds or with ns, us, ms, s, m or h, e.g. 500ms");
		} else {
			*(double *)o->dest = num;
		}
		break;
	case GB_OPT_STRING:
		if (!*val) {
			bad = 1;
			snprintf(what, sizeof what, "a non-empty value");
		}
		*(const char **)o->dest = val;
		break;
	case GB_OPT_CHOICE:
		if (!in_choices(o->choices, val, strlen(val))) {
			bad = 1;
			choices_text(o->choices, msg, sizeof msg);
			snprintf(what, sizeof what, "one of: %s", msg);
		}
		*(const char **)o->dest = val;
		break;
	case GB_OPT_LIST: {
		const char *p = val;
		if (!*p)
			bad = 1;
		while (*p && !bad) {
			size_t n = strcspn(p, ",");
			if (!n || !in_choices(o->choices, p, n))
				bad = 1;
			p += n;
			if (*p == ',' && !*++p)
				bad = 1;
		}
		if (bad) {
			choices_text(o->choices, msg, sizeof msg);
			snprintf(what, sizeof what, "a comma-separated list of: %s", msg);
		}
		*(const char **)o->dest = val;
		break;
	}
	}

	int numeric = o->type == GB_OPT_INT || o->type == GB_OPT_SIZE || o->type == GB_OPT_DOUBLE ||
		      o->type == GB_OPT_DURATION;
	if (!bad && numeric && (o->min != 0 || o->max != 0) && (num < o->min || num > o->max)) {
		bad = 1;
		range_text(o, msg, sizeof msg);
		snprintf(what, sizeof what, "a value from %s", msg);
	}
	if (!bad && o->check && o->check(val, msg, sizeof msg) < 0) {
		bad = 1;
		snprintf(what, sizeof what, "%s", msg);
	}
	if (bad) {
		gb_err("invalid value '%s' for %s (allowed: %s)", val, given, what);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ parser -- */

static int find_long(const gb_cli *cli, const char *name, size_t len)
{
	for (int i = 0; i < cli->nall; i++)
		if (strlen(cli->all[i].name) == len && strncmp(cli->all[i].name, name, len) == 0)
			return i;
	return -1;
}

static int find_short(const gb_cli *cli, char c)
{
	for (int i = 0; i < cli->nall; i++)
		if (cli->all[i].short_name == c)
			return i;
	return -1;
}

/* Edit distance, to suggest the option that was probably meant. */
static int distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	int d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

/* Long names of every common option, for "does not apply" messages. */
static const char *const common_names[] = {
	"repeat", "warmup", "time-limit", "quick", "neighbors", "min-time", "threads", "cpus", "size", "pages",
	"numa", NULL,
};

static int unknown_option(const gb_cli *cli, const char *arg, const char *name, size_t len)
{
	for (int i = 0; common_names[i]; i++)
		if (strlen(common_names[i]) == len && strncmp(common_names[i], name, len) == 0) {
			gb_err("option '%s' does not apply to %s (see --help)", arg, cli->spec->prog);
			return GB_EXIT_USAGE;
		}
	const char *best = NULL;
	int bestd = 3;
	for (int i = 0; i < cli->nall; i++) {
		int d = distance(name, len, cli->all[i].name);
		if (d < bestd) {
			bestd = d;
			best = cli->all[i].name;
		}
	}
	if (best)
		gb_err("unknown option '%s' (did you mean --%s? see --help)", arg, best);
	else
		gb_err("unknown option '%s' (see --help)", arg);
	return GB_EXIT_USAGE;
}

static int missing_value(const gb_cli *cli, const char *given, const gb_opt *o)
{
	gb_err("option %s needs a value (%s)", given, o->metavar ? o->metavar : "VALUE");
	return GB_EXIT_USAGE;
}

static int add_positional(gb_cli *cli, char *arg)
{
	int max = cli->spec->max_positional;
	if (max >= 0 && cli->npos >= max) {
		if (max == 0)
			gb_err("unexpected argument '%s' (this program takes options only; see --help)", arg);
		else
			gb_err("too many arguments at '%s' (see --help)", arg);
		return GB_EXIT_USAGE;
	}
	cli->pos[cli->npos++] = arg;
	return 0;
}

/* -o FILE is checked before anything runs: a run of minutes must not end
 * in "cannot write" (common/output says what is refused). */
static int check_output(const gb_cli *cli)
{
	char msg[4400];
	if (gb_output_check(cli->c.output, msg, sizeof msg) == 0)
		return 0;
	gb_err("-o %s", msg);
	return GB_EXIT_USAGE;
}

/* The binary's own defaults for common options (spec->defaults) replace
 * the common ones in its copy of the table: --help shows them, the
 * parser applies them.  A name that is not an option here is a bug. */
static void apply_overrides(gb_cli *cli)
{
	for (const gb_optdef *d = cli->spec->defaults; d && d->name; d++) {
		int k = find_long(cli, d->name, strlen(d->name));
		if (k < 0 || cli->all[k].type == GB_OPT_FLAG)
			gb_die(GB_EXIT_USAGE, "internal: %s sets a default for --%s, which it does not take",
			       cli->spec->prog, d->name);
		if (d->def)
			cli->all[k].def = d->def;
		if (d->quick)
			cli->all[k].quick = d->quick;
	}
}

/* Every option's default, or under --quick its quick value, where the
 * command line did not give one. */
static void apply_defaults(gb_cli *cli, int quick)
{
	for (int i = 0; i < cli->nall; i++) {
		const gb_opt *o = &cli->all[i];
		const char *v = quick ? o->quick : o->def;
		if (!v || cli->set[i])
			continue;
		if (o->type == GB_OPT_FLAG || set_value(cli, o, v, o->name) < 0)
			gb_die(GB_EXIT_USAGE, "internal: bad %s '%s' for --%s", quick ? "--quick value" : "default",
			       v, o->name);
	}
}

static int parse_args(gb_cli *cli, const gb_cli_spec *spec, int argc, char **argv);

/* On any return but 0 nothing stays allocated: the caller only returns
 * gb_cli_exit(rc). */
int gb_cli_parse(gb_cli *cli, const gb_cli_spec *spec, int argc, char **argv)
{
	int rc = parse_args(cli, spec, argc, argv);
	if (rc)
		gb_cli_free(cli);
	return rc;
}

static int parse_args(gb_cli *cli, const gb_cli_spec *spec, int argc, char **argv)
{
	memset(cli, 0, sizeof *cli);
	cli->spec = spec;
	cli->dashdash = -1;
	cli->pos = gb_xcalloc((size_t)argc + 1, sizeof *cli->pos);
	gb_prog = spec->prog;
	gb_fault_bench = spec->bench;

	add_common(cli, spec->common);
	for (const gb_opt *o = spec->opts; o && o->name && cli->nall < GB_CLI_MAXOPT; o++)
		cli->all[cli->nall++] = *o;
	apply_overrides(cli);
	apply_defaults(cli, 0);

	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		if (cli->dashdash >= 0 || arg[0] != '-' || arg[1] == 0) {
			if (add_positional(cli, arg))
				return GB_EXIT_USAGE;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			cli->dashdash = cli->npos;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int k = find_long(cli, name, len);
			if (k < 0)
				return unknown_option(cli, arg, name, len);
			const gb_opt *o = &cli->all[k];
			char given[80];
			snprintf(given, sizeof given, "--%s", o->name);
			const char *val = NULL;
			if (o->type == GB_OPT_FLAG) {
				if (eq) {
					gb_err("option %s takes no value", given);
					return GB_EXIT_USAGE;
				}
			} else if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				return missing_value(cli, given, o);
			}
			if (set_value(cli, o, val, given) < 0)
				return GB_EXIT_USAGE;
			cli->set[k] = 1;
			continue;
		}
		/* short options: -qv, -r5, -r 5 */
		for (const char *p = arg + 1; *p; p++) {
			int k = find_short(cli, *p);
			if (k < 0) {
				char bad[3] = { '-', *p, 0 };
				return unknown_option(cli, bad, "", 0);
			}
			const gb_opt *o = &cli->all[k];
			char given[80];
			snprintf(given, sizeof given, "-%c/--%s", *p, o->name);
			cli->set[k] = 1;
			if (o->type == GB_OPT_FLAG) {
				(*(int *)o->dest)++;
				continue;
			}
			const char *val = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val)
				return missing_value(cli, given, o);
			if (set_value(cli, o, val, given) < 0)
				return GB_EXIT_USAGE;
			break;
		}
	}

	if (cli->c.quick)	/* known only now: --quick may come last */
		apply_defaults(cli, 1);
	gb_verbose = cli->c.verbose;
	gb_quiet = cli->c.quiet;
	if (cli->c.help) {
		gb_cli_help(cli, stdout);
		return GB_CLI_DONE;
	}
	if (cli->c.version) {
		printf("%s %s (guestbench, results schema guestbench/1)\n", spec->prog, GB_VERSION);
		return GB_CLI_DONE;
	}
	return check_output(cli);
}

int gb_cli_isset(const gb_cli *cli, const char *name)
{
	int k = find_long(cli, name, strlen(name));
	return k >= 0 && cli->set[k];
}

int gb_cli_cpus(const gb_cli *cli, cpu_set_t *set, char *err, unsigned errlen)
{
	const gb_effective *eff = gb_effective_get();
	if (!cli->c.cpus) {
		*set = eff->cpus;
		return 0;
	}
	cpu_set_t want, outside;
	gb_parse_cpulist(cli->c.cpus, &want);	/* validated by check_cpulist */
	CPU_AND(set, &want, &eff->cpus);
	CPU_XOR(&outside, &want, set);
	if (CPU_COUNT(&outside)) {
		char bad[256], have[256];
		gb_fmt_cpulist(&outside, bad, sizeof bad);
		gb_fmt_cpulist(&eff->cpus, have, sizeof have);
		snprintf(err, errlen, "--cpus %s: CPU %s not available here (effective CPUs: %s)", cli->c.cpus,
			 bad, have);
		return GB_EXIT_ENV;
	}
	return 0;
}

/* -------------------------------------------------------------- help -- */

static void help_line(FILE *f, const gb_opt *o)
{
	char left[64], ch[160];
	int n = o->short_name ? snprintf(left, sizeof left, "  -%c, --%s", o->short_name, o->name)
			      : snprintf(left, sizeof left, "      --%s", o->name);
	if (o->type != GB_OPT_FLAG && n < (int)sizeof left)
		snprintf(left + n, sizeof left - (size_t)n, " %s", o->metavar ? o->metavar : "VALUE");
	fprintf(f, "%-28s %s", left, o->help ? o->help : "");
	if (o->choices) {
		choices_text(o->choices, ch, sizeof ch);
		fprintf(f, " (%s)", ch);
	}
	if (o->def && o->type != GB_OPT_FLAG)
		fprintf(f, " [%s%s%s]", o->def, o->quick ? "; --quick " : "", o->quick ? o->quick : "");
	else if (o->quick)
		fprintf(f, " [--quick %s]", o->quick);
	fputc('\n', f);
}

void gb_cli_help(const gb_cli *cli, FILE *f)
{
	const gb_cli_spec *s = cli->spec;
	fprintf(f, "%s %s - %s\n\nusage: %s %s\n", s->prog, GB_VERSION, s->summary, s->prog,
		s->synopsis ? s->synopsis : "[options]");
	int own = 0;
	for (const gb_opt *o = s->opts; o && o->name; o++)
		own++;
	if (own) {	/* the benchmark's own rows are last in cli->all */
		fprintf(f, "\n%s options:\n", s->bench);
		for (int i = cli->nall - own; i < cli->nall; i++)
			help_line(f, &cli->all[i]);
	}
	fprintf(f, "\ncommon options:\n");
	for (int i = 0; i < cli->nall - own; i++)
		help_line(f, &cli->all[i]);
	fprintf(f, "\nSizes take k, M, G, T suffixes (powers of 1024); times take ns, us, ms, s, m.\n"
		   "Exit status: 0 ran and validated, 1 ran but a check failed (results marked invalid),\n"
		   "2 usage error, 3 this environment cannot do what was asked.\n");
	if (s->epilog)
		fprintf(f, "\n%s\n", s->epilog);
}

void gb_cli_free(gb_cli *cli)
{
	free(cli->pos);
	cli->pos = NULL;
}
