/* fuzz_cli - libFuzzer target for the option parser every binary uses
 * (common/cli.c, gb_cli_parse).
 *
 * The input is an argv: NUL-separated arguments after two control bytes,
 * the first choosing which common option groups the spec accepts, the
 * second how many positional arguments it allows.  The spec holds one
 * option of every type (with a range, suffixes, choices, a "prefix:"
 * choice, a list and a check callback), so every value parser is reached
 * by arbitrary text.  A crash, a leak or a sanitizer report is a bug; so
 * is a return value outside the contract (0, 2 = usage, GB_CLI_DONE), and
 * so is accepting a value outside its declared range.
 *
 *   tests/build/fuzz.sh            a few seconds, part of make test */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS 48

static int check_even(const char *v, char *msg, unsigned len)
{
	if (strlen(v) % 2) {
		snprintf(msg, len, "an even number of characters");
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int count = 0;
	long long n = 0;
	uint64_t bytes = 0;
	double ratio = 0, wait = 0;
	const char *name = NULL, *mode = NULL, *list = NULL, *even = NULL;
	const gb_opt opts[] = {
		{ "count", 'c', GB_OPT_FLAG, &count, NULL, 0, 0, NULL, NULL, "a flag", NULL },
		{ "n", 'n', GB_OPT_INT, &n, "3", -5, 1000000, NULL, "N", "an integer", NULL },
		{ "bytes", 0, GB_OPT_SIZE, &bytes, NULL, 512, 0x1p40, NULL, "SIZE", "a size", NULL },
		{ "ratio", 0, GB_OPT_DOUBLE, &ratio, "0.5", 0, 1, NULL, "X", "a double", NULL },
		{ "wait", 'w', GB_OPT_DURATION, &wait, NULL, 1e-9, 3600, NULL, "TIME", "a duration", NULL },
		{ "name", 0, GB_OPT_STRING, &name, NULL, 0, 0, NULL, "S", "free text", NULL },
		{ "mode", 'm', GB_OPT_CHOICE, &mode, "a", 0, 0, "a|bb|node:|c", "M", "a choice", NULL },
		{ "list", 0, GB_OPT_LIST, &list, NULL, 0, 0, "x|y|zz", "L", "a list", NULL },
		{ "even", 0, GB_OPT_STRING, &even, NULL, 0, 0, NULL, "S", "checked", check_even },
		GB_OPT_END,
	};
	gb_cli_spec spec = {
		.prog = "gb-fuzz", .bench = "fuzz", .summary = "fuzzing the parser",
		.synopsis = "[options]", .common = data[0] & 0x3f, .opts = opts,
		.max_positional = (int)(data[1] % 4) - 1,
	};

	/* the arguments: NUL-terminated copies, so every one is a C string */
	char *buf = malloc(size - 2 + 1);
	memcpy(buf, data + 2, size - 2);
	buf[size - 2] = 0;
	char *argv[MAXARGS + 2];
	int argc = 0;
	argv[argc++] = "gb-fuzz";
	for (char *p = buf; p < buf + size - 2 + 1 && argc <= MAXARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc != 0 && rc != GB_EXIT_USAGE && rc != GB_CLI_DONE)
		abort();
	if (rc == 0) {
		/* what was accepted is within what was declared */
		if (n < -5 || n > 1000000 || ratio < 0 || ratio > 1)
			abort();
		if (bytes && (bytes < 512 || bytes > (1ull << 40)))
			abort();
		if (wait && (wait < 1e-9 || wait > 3600))
			abort();
		if (even && strlen(even) % 2)
			abort();
		if (cli.c.format && strcmp(cli.c.format, "table") && strcmp(cli.c.format, "json") &&
		    strcmp(cli.c.format, "csv"))
			abort();
		for (const gb_opt *o = opts; o->name; o++)
			(void)gb_cli_isset(&cli, o->name);
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			gb_cli_help(&cli, f);
			fclose(f);
		}
	}
	/* the shared value parsers on every argument, as benchmarks call them */
	for (int i = 1; i < argc; i++) {
		uint64_t u;
		double d;
		(void)gb_parse_size(argv[i], &u);
		(void)gb_parse_duration(argv[i], &d);
	}
	gb_cli_free(&cli);
	free(buf);
	return 0;
}
