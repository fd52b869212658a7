/* fuzz_compare_load - libFuzzer target for gb-compare's reading and pairing.
 *
 * An input is two documents separated by the first NUL byte (a JSON text
 * can hold no raw NUL, so the split is unambiguous): the base and the
 * other environment.  Without a NUL the input is compared with itself.
 * When both parse, they are paired and rendered in every format, so the
 * code that trusts what load.c accepted (pairing two *different*
 * documents, "missing in ..." reasons, statistics, output) is fuzzed too.
 * A crash, a leak or a sanitizer report is a bug: malformed input must end
 * in an error message, never in undefined behaviour.
 *
 *   tests/build/fuzz.sh            a few seconds, part of make test,
 *                                  seeded from tests/fuzz/corpus/compare_load
 *   see docs/testing.md for a longer run */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compare/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, 0, size);
	size_t la = nul ? (size_t)(nul - text) : size;
	const char *tb = nul ? nul + 1 : text;
	size_t lb = nul ? size - la - 1 : size;
	cmp_env a, b;
	char err[512];
	/* both parsed whatever happens: a failed parse must leave nothing
	 * that cmp_env_free cannot release */
	int ra = cmp_parse(&a, "base.json", text, la, err, sizeof err);
	int rb = cmp_parse(&b, "other.json", tb, lb, err, sizeof err);
	if (ra == 0 && rb == 0) {
		static const char *const formats[] = { "table", "markdown", "csv", "json" };
		cmp_result r;
		cmp_match(&r, &a, &b, 1, 0.05);
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			for (size_t i = 0; i < 4; i++)
				cmp_render(&r, formats[i], f);
			cmp_svg(&r, f);
			fclose(f);
		}
		cmp_result_free(&r);
	}
	cmp_env_free(&a);
	cmp_env_free(&b);
	return 0;
}
