/* test_cli.c - the option table parser: good, bad, missing, suffixes,
 * ranges, positional arguments, overrides; exit statuses and messages. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"
#include "tap.h"
#include "util.h"

static const char *only, *mode;
static long long count;
static uint64_t bytes;

static const gb_opt own_opts[] = {
	{ "only", 0, GB_OPT_LIST, &only, NULL, 0, 0, "getpid|getppid|cpuid", "LIST", "subset", NULL },
	{ "count", 'n', GB_OPT_INT, &count, "7", 1, 100, NULL, "N", "a count", NULL },
	{ "block", 'b', GB_OPT_SIZE, &bytes, "4k", 512, 0x1p40, NULL, "SIZE", "a size", NULL },
	/* overrides the common --numa, adding "sweep" */
	{ "numa", 0, GB_OPT_CHOICE, &mode, "local", 0, 0, "local|interleave|node:|cross|sweep", "MODE", "placement", NULL },
	GB_OPT_END,
};

static gb_cli_spec spec = {
	.prog = "gb-test", .bench = "test", .summary = "parser test",
	.common = GB_C_RUN | GB_C_BATCH | GB_C_THREADS | GB_C_CPUS | GB_C_MEM,
	.opts = own_opts, .max_positional = 0,
};

static char errbuf[4096];

/* Parse a NULL-terminated argument list; stderr is captured in errbuf. */
static int parse(gb_cli *cli, const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"gb-test";
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	only = mode = NULL;
	count = 0;
	bytes = 0;
	fflush(stdout);
	fflush(stderr);
	int saved_err = dup(2), saved_out = dup(1);
	char path[] = "/tmp/gb-test-cli-XXXXXX";
	int fd = mkstemp(path);
	dup2(fd, 2);
	int devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);	/* --help text */
	int rc = gb_cli_parse(cli, &spec, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_err, 2);
	dup2(saved_out, 1);
	close(saved_err);
	close(saved_out);
	close(devnull);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, errbuf, sizeof errbuf - 1);
	errbuf[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return rc;
}

#define P(...) parse(&cli, __VA_ARGS__, (const char *)NULL)

static void test_defaults(void)
{
	gb_cli cli;
	is_int(P(NULL), 0, "no arguments parse");
	is_int(cli.c.repeat, 10, "default --repeat 10");
	is_int(cli.c.warmup, 1, "default --warmup 1");
	is_num(cli.c.min_time, 0.005, 1e-12, "default --min-time 5ms");
	ok(cli.c.format == NULL, "--format not given: NULL (common/output picks table, the extension, or json for -o -)");
	is_str(cli.c.label, "unlabelled", "default --label");
	is_int(cli.c.threads, 0, "--threads defaults to auto (0)");
	is_int(count, 7, "benchmark option default applied");
	is_int((long long)bytes, 4096, "size default with suffix applied");
	is_str(mode, "local", "overriding option's default");
	ok(!gb_cli_isset(&cli, "repeat"), "defaults are not 'set'");
	gb_cli_free(&cli);
}

static void test_forms(void)
{
	gb_cli cli;
	const char *forms[][3] = { { "-r", "5", NULL }, { "-r5", NULL, NULL }, { "--repeat=5", NULL, NULL },
				   { "--repeat", "5", NULL } };
	for (int i = 0; i < 4; i++) {
		int rc = parse(&cli, forms[i][0], forms[i][1], (const char *)NULL);
		ok(rc == 0 && cli.c.repeat == 5 && gb_cli_isset(&cli, "repeat"), "form %s%s%s gives 5",
		   forms[i][0], forms[i][1] ? " " : "", forms[i][1] ? forms[i][1] : "");
		gb_cli_free(&cli);
	}
	is_int(P("-qv"), 0, "combined short flags");
	ok(cli.c.quiet == 1 && cli.c.verbose == 1, "-qv sets quiet and verbose");
	gb_cli_free(&cli);
	is_int(P("-v", "-v"), 0, "repeated flag");
	is_int(cli.c.verbose, 2, "-v -v counts 2");
	gb_cli_free(&cli);
	is_int(P("-r", "3", "-r", "4"), 0, "repeated option");
	is_int(cli.c.repeat, 4, "last value wins");
	gb_cli_free(&cli);
}

static void test_sizes(void)
{
	static const struct { const char *in; uint64_t want; } good[] = {
		{ "4096", 4096 }, { "4k", 4096 }, { "4K", 4096 }, { "4KiB", 4096 }, { "512M", 512ull << 20 },
		{ "1.5G", 3ull << 29 }, { "2T", 2ull << 40 }, { "1g", 1ull << 30 }, { "100B", 100 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		uint64_t v = 0;
		ok(gb_parse_size(good[i].in, &v) == 0 && v == good[i].want, "size '%s' = %llu", good[i].in,
		   (unsigned long long)good[i].want);
	}
	static const char *bad[] = { "", "-1", "1Q", "k", "1 G", "12MM", "0x10", "1e30T", "nan", "+5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t v;
		ok(gb_parse_size(bad[i], &v) < 0, "size '%s' is refused", bad[i]);
	}
	gb_cli cli;
	is_int(P("--size", "2G"), 0, "--size 2G parses");
	is_int((long long)cli.c.size, 2ll << 30, "--size 2G = 2^31 bytes");
	gb_cli_free(&cli);
	is_int(P("--block", "100"), GB_EXIT_USAGE, "size below the minimum -> exit 2");
	ok(strstr(errbuf, "--block") && strstr(errbuf, "512 B to 1 TiB"), "message names the option and the range");
	gb_cli_free(&cli);
	is_int(P("--size", "12Q"), GB_EXIT_USAGE, "junk size -> exit 2");
	ok(strstr(errbuf, "'12Q'") && strstr(errbuf, "suffix") != NULL, "message says what a size looks like");
	gb_cli_free(&cli);
}

static void test_durations(void)
{
	static const struct { const char *in; double want; } good[] = {
		{ "3", 3 }, { "5ms", 0.005 }, { "100us", 1e-4 }, { "2s", 2 }, { "1m", 60 }, { "1.5h", 5400 },
		{ "250ns", 2.5e-7 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		double v = -1;
		ok(gb_parse_duration(good[i].in, &v) == 0 && fabs(v - good[i].want) < 1e-15 * (1 + good[i].want),
		   "duration '%s'", good[i].in);
	}
	static const char *bad[] = { "", "fast", "-1s", "5 ms", "5sec", "ms" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		double v;
		ok(gb_parse_duration(bad[i], &v) < 0, "duration '%s' is refused", bad[i]);
	}
	gb_cli cli;
	is_int(P("--min-time", "20s"), GB_EXIT_USAGE, "--min-time above its range -> exit 2");
	ok(strstr(errbuf, "--min-time") != NULL, "message names --min-time");
	gb_cli_free(&cli);
}

static void test_errors(void)
{
	gb_cli cli;
	is_int(P("-r", "0"), GB_EXIT_USAGE, "--repeat 0 is out of range");
	ok(strstr(errbuf, "-r/--repeat") && strstr(errbuf, "1 to 1000000"), "range message: %s", errbuf);
	gb_cli_free(&cli);
	is_int(P("--repeat", "ten"), GB_EXIT_USAGE, "non-integer");
	ok(strstr(errbuf, "an integer") != NULL, "says an integer is wanted");
	gb_cli_free(&cli);
	is_int(P("--repeat"), GB_EXIT_USAGE, "missing value");
	ok(strstr(errbuf, "needs a value") != NULL, "says a value is needed");
	gb_cli_free(&cli);
	is_int(P("--repaet", "3"), GB_EXIT_USAGE, "unknown option");
	ok(strstr(errbuf, "did you mean --repeat") != NULL, "suggests the near option");
	gb_cli_free(&cli);
	is_int(P("-Z"), GB_EXIT_USAGE, "unknown short option");
	gb_cli_free(&cli);
	is_int(P("--quick=yes"), GB_EXIT_USAGE, "a flag given a value");
	gb_cli_free(&cli);
	is_int(P("--format", "xml"), GB_EXIT_USAGE, "choice outside the list");
	ok(strstr(errbuf, "table, json, csv") != NULL, "lists the choices");
	gb_cli_free(&cli);
	is_int(P("--numa", "node:1"), 0, "prefix choice node:N");
	gb_cli_free(&cli);
	is_int(P("--numa", "sweep"), 0, "benchmark's override accepts its own choice");
	is_str(mode, "sweep", "override wrote to the benchmark's variable");
	gb_cli_free(&cli);
	is_int(P("--numa", "sideways"), GB_EXIT_USAGE, "bad --numa");
	gb_cli_free(&cli);
	is_int(P("--only", "getpid,cpuid"), 0, "list of known names");
	gb_cli_free(&cli);
	is_int(P("--only", "getpid,"), GB_EXIT_USAGE, "list with an empty item");
	gb_cli_free(&cli);
	is_int(P("--only", "getpid,fork"), GB_EXIT_USAGE, "list with an unknown name");
	ok(strstr(errbuf, "'getpid,fork'") != NULL, "message quotes the value");
	gb_cli_free(&cli);
	is_int(P("--label", "a/b"), GB_EXIT_USAGE, "label with a slash is refused");
	gb_cli_free(&cli);
	is_int(P("--label", "kvm-2.1_test"), 0, "ordinary label accepted");
	gb_cli_free(&cli);
	is_int(P("--cpus", "0-1"), 0, "cpu list");
	gb_cli_free(&cli);
	is_int(P("--cpus", "1-0"), GB_EXIT_USAGE, "reversed cpu range refused");
	gb_cli_free(&cli);
	is_int(P("stray"), GB_EXIT_USAGE, "positional argument where none is taken");
	ok(strstr(errbuf, "unexpected argument 'stray'") != NULL, "says which argument");
	gb_cli_free(&cli);
	is_int(P("-n", "101"), GB_EXIT_USAGE, "benchmark option range");
	gb_cli_free(&cli);
}

static void test_output(void)
{
	gb_cli cli;
	is_int(P("-o", "/tmp"), GB_EXIT_USAGE, "-o a directory is refused");
	gb_cli_free(&cli);
	is_int(P("-o", "/nonexistent-dir-gb/x.json"), GB_EXIT_USAGE, "-o in a missing directory is refused");
	ok(strstr(errbuf, "/nonexistent-dir-gb") != NULL, "message names the directory");
	gb_cli_free(&cli);
	is_int(P("-o", "/tmp/gb-test-out.json"), 0, "-o in a writable directory");
	gb_cli_free(&cli);
	is_int(P("--help"), GB_CLI_DONE, "--help returns DONE");
	is_int(gb_cli_exit(GB_CLI_DONE), 0, "DONE exits 0");
	gb_cli_free(&cli);
	is_int(P("--version"), GB_CLI_DONE, "--version returns DONE");
	gb_cli_free(&cli);
}

static void test_positional(void)
{
	gb_cli cli;
	spec.max_positional = -1;
	is_int(P("server", "-r", "2", "--", "-x", "--repeat"), 0, "positional and -- parse");
	ok(cli.npos == 3 && strcmp(cli.pos[0], "server") == 0 && strcmp(cli.pos[1], "-x") == 0 &&
	   strcmp(cli.pos[2], "--repeat") == 0, "arguments after -- are positional");
	is_int(cli.dashdash, 1, "dashdash index");
	is_int(cli.c.repeat, 2, "options before -- still apply");
	gb_cli_free(&cli);
	spec.max_positional = 1;
	is_int(P("a", "b"), GB_EXIT_USAGE, "too many positional arguments");
	gb_cli_free(&cli);
	spec.max_positional = 0;
}

static void test_help_text(void)
{
	gb_cli cli;
	P(NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	gb_cli_help(&cli, f);
	fclose(f);
	ok(strstr(buf, "-r, --repeat N") != NULL, "help lists common options with metavar");
	ok(strstr(buf, "--only LIST") && strstr(buf, "getpid, getppid, cpuid"), "help lists own options and choices");
	ok(strstr(buf, "[10]") != NULL, "help shows defaults");
	ok(strstr(buf, "Exit status") != NULL, "help documents exit statuses");
	free(buf);
	gb_cli_free(&cli);
}

int main(void)
{
	test_defaults();
	test_forms();
	test_sizes();
	test_durations();
	test_errors();
	test_output();
	test_positional();
	test_help_text();
	return tap_done();
}
