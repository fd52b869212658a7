/* fuzz_compare_load - libFuzzer target for gb-compare's parser.
 *
 * Any byte string is parsed as a result document; when it parses, it is
 * also compared with itself and rendered in every format, so the code
 * that trusts what load.c accepted (pairing, statistics, output) is
 * fuzzed too.  A crash, a leak or an ASan report is a bug: malformed
 * input must end in an error message, never in undefined behaviour.
 *
 *   tests/build/fuzz.sh            5 seconds, part of make test
 *   see docs/testing.md for a longer run */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../compare/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cmp_env a, b;
	char err[512];
	if (cmp_parse(&a, "fuzz.json", (const char *)data, size, err, sizeof err) == 0 &&
	    cmp_parse(&b, "fuzz2.json", (const char *)data, size, err, sizeof err) == 0) {
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
		cmp_env_free(&b);
	}
	cmp_env_free(&a);
	return 0;
}
