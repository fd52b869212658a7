/* fuzz_compare_load - libFuzzer target for gb-compare's reading, grouping
 * and pairing.
 *
 * An input is up to three parts separated by NUL bytes (a JSON text can
 * hold no raw NUL, so the split is unambiguous): the base file, the other
 * file, and option bytes.  Each file may be a guestbench/1, suite or
 * campaign document.  Without a NUL the input is compared with itself.
 * Option byte 0: bit 0 --drop-disturbed, bit 1 --base = the last
 * environment, bits 2-7 the margin in % (0-63).  When the files load and
 * make two environments or more, they are paired and rendered in every
 * format, so the code that trusts what load.c accepted (pairing two
 * *different* documents, "missing in ..." reasons, launches and rounds,
 * statistics, output) is fuzzed too, and so is the fleet summary of the
 * same environments (--fleet).  A crash, a leak or a sanitizer
 * report is a bug: malformed input must end in an error message, never in
 * undefined behaviour.
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
	const char *text = (const char *)data, *end = text + size;
	const char *nul = memchr(text, 0, size);
	size_t la = nul ? (size_t)(nul - text) : size;
	const char *tb = nul ? nul + 1 : text;
	const char *nul2 = nul ? memchr(tb, 0, (size_t)(end - tb)) : NULL;
	size_t lb = nul2 ? (size_t)(nul2 - tb) : nul ? (size_t)(end - tb) : size;
	unsigned opt = nul2 && nul2 + 1 < end ? (unsigned char)nul2[1] : 0;

	cmp_input in;
	memset(&in, 0, sizeof in);
	char err[512];
	cmp_env *envs = NULL;
	size_t nenv = 0;
	if (cmp_input_parse(&in, "base.json", text, la, err, sizeof err) == 0 &&
	    cmp_input_parse(&in, "other.json", tb, lb, err, sizeof err) == 0) {
		const char *base = NULL;
		char name[CMP_MAX_NAME + 1];
		if ((opt & 2) && in.n) {
			snprintf(name, sizeof name, "%s", in.unit[in.n - 1].label);
			base = name;
		}
		/* the same environments as the hosts of a fleet (--fleet) */
		int fleet = cmp_fleet_check_input(&in, err, sizeof err) == 0;
		if (cmp_group(&in, base, opt & 1, &envs, &nenv, err, sizeof err) == 0 && nenv >= 2) {
			static const char *const formats[] = { "table", "markdown", "csv", "json", "jsonl" };
			cmp_result r;
			cmp_match(&r, &envs[0], envs + 1, nenv - 1, 0.05, (double)(opt >> 2) / 100);
			FILE *f = fopen("/dev/null", "w");
			if (f) {
				for (size_t i = 0; i < 5; i++)
					cmp_render(&r, formats[i], f);
				cmp_svg(&r, f);
				fclose(f);
			}
			cmp_result_free(&r);
			cmp_fleet fl;
			memset(&fl, 0, sizeof fl);
			if (fleet && cmp_fleet_build(&fl, envs, nenv, 1 + (opt >> 6), err, sizeof err) == 0 &&
			    (f = fopen("/dev/null", "w"))) {
				for (size_t i = 0; i < 5; i++)
					cmp_fleet_render(&fl, formats[i], f);
				fclose(f);
			}
			cmp_fleet_free(&fl);
		}
	}
	cmp_input_free(&in);
	for (size_t i = 0; i < nenv; i++)
		cmp_env_free(&envs[i]);
	free(envs);
	return 0;
}
