/* test_randomaccess.c - gb-randomaccess's pure parts: the HPCC random
 * stream and its jump-ahead, the fast update kernel against the
 * reference one, the verification count, and the latency chase.
 *
 * Linked with gb-randomaccess's objects (the Makefile does that for every
 * tests/unit/test_<bench>*.c). */
#include "tap.h"
#include "testlib.h"

#include "../../randomaccess/rng.h"
#include "../../randomaccess/kernel.h"
#include "../../randomaccess/chase.h"

/* the definition, step by step: a_0 = 1, a_{k+1} = a_k x mod P */
static uint64_t naive(uint64_t n)
{
	uint64_t a = 1;

	while (n--)
		a = (a << 1) ^ ((a >> 63) ? 7 : 0);
	return a;
}

static void test_stream(void)
{
	uint64_t a = 1;
	int bad = 0;

	for (int k = 1; k <= 63; k++) {
		a = ra_step(a);
		bad += a != 1ull << k;
	}
	is_int(bad, 0, "a_1 .. a_63 are 2^k (the register shifts left)");
	is_int((long long)ra_step(a), 7, "a_64 = POLY: bit 63 falls out, x^2 + x + 1 comes in");
	is_int((long long)ra_step(ra_step(a)), 14, "a_65 = 14");

	/* every n up to 2^17 against stepping */
	a = 1;
	bad = 0;
	for (uint64_t n = 0; n < (1u << 17); n++) {
		bad += ra_starts(n) != a;
		a = ra_step(a);
	}
	is_int(bad, 0, "starts(n) = a_n for every n < 2^17");

	/* a few far points, stepped naively (~10^8 steps in all) */
	static const uint64_t far[] = { 1000003, (1u << 24) + 12345, 50000017, 1ull << 26 };
	for (unsigned i = 0; i < sizeof far / sizeof far[0]; i++) {
		uint64_t want = naive(far[i]), got = ra_starts(far[i]);
		if (!ok(got == want, "starts(%llu) = naive stepping", (unsigned long long)far[i]))
			printf("#   got %016llx, want %016llx\n", (unsigned long long)got,
			       (unsigned long long)want);
	}

	/* HPCC's PERIOD = (2^63 - 1) / 7 is the order of x: x^PERIOD = 1 and
	 * x^(PERIOD/p) != 1 for each prime factor p of it */
	ok(ra_mulmod(ra_starts(RA_PERIOD - 1), 2) == 1, "a_{PERIOD-1} steps back to a_0 = 1");
	static const uint64_t pf[] = { 7, 73, 127, 337, 92737, 649657 };
	uint64_t prod = 1;
	bad = 0;
	for (unsigned i = 0; i < 6; i++) {
		prod *= pf[i];
		bad += ra_starts(RA_PERIOD / pf[i]) == 1;
	}
	is_int((long long)prod, (long long)RA_PERIOD, "7*73*127*337*92737*649657 = PERIOD");
	is_int(bad, 0, "no proper divisor of PERIOD is a period: PERIOD is the exact period");
	ok(ra_starts(RA_PERIOD + 12345) == ra_starts(12345), "starts reduces n modulo PERIOD");

	/* jump-ahead composes: a_{m+n} = a_m * a_n */
	bad = 0;
	for (int i = 0; i < 200; i++) {
		uint64_t m = tl_rng() % RA_PERIOD, n = tl_rng() % RA_PERIOD;
		bad += ra_starts((m + n) % RA_PERIOD) != ra_mulmod(ra_starts(m), ra_starts(n));
	}
	is_int(bad, 0, "starts(m + n) = starts(m) * starts(n) at 200 random far points");
}

static uint64_t *table(uint64_t words)
{
	uint64_t *t = malloc(words * sizeof *t);
	ra_table_init(t, 0, words);
	return t;
}

static void test_kernel(void)
{
	const uint64_t words = 1u << 12, mask = words - 1, nu = 4 * words;
	uint64_t *ref = table(words), *t = table(words);
	static const unsigned streams[] = { 1, 2, 3, 7, 128, 256, 1000, 1024, 5000 };

	ra_update_ref(ref, mask, 0, nu);
	ok(ra_count_errors(ref, 0, words) > words / 2, "the updates change most words");
	for (unsigned i = 0; i < sizeof streams / sizeof streams[0]; i++) {
		ra_table_init(t, 0, words);
		ra_update_fast(t, mask, 0, nu, streams[i]);
		ok(!memcmp(t, ref, words * 8), "fast kernel, %u streams: the same table as the reference",
		   streams[i]);
	}
	/* thread slices of uneven length, applied one after another */
	ra_table_init(t, 0, words);
	uint64_t cut[] = { 0, 5, nu / 3 + 1, nu / 2, nu - 17, nu };
	for (int i = 0; i < 5; i++)
		ra_update_fast(t, mask, cut[i], cut[i + 1] - cut[i], 256);
	ok(!memcmp(t, ref, words * 8), "five uneven slices of the sequence = the whole sequence");

	/* verification: applying the updates again restores T[i] = i */
	ra_update_ref(t, mask, 0, nu);
	is_int((long long)ra_count_errors(t, 0, words), 0, "verification of a correct run: 0 errors");

	/* a missing update and a wrong one are both caught */
	ra_table_init(t, 0, words);
	ra_update_fast(t, mask, 0, nu - 1, 256);
	ra_update_ref(t, mask, 0, nu);
	is_int((long long)ra_count_errors(t, 0, words), 1, "one update skipped: 1 error");
	ra_table_init(t, 0, words);
	ra_update_fast(t, mask, 0, nu, 256);
	t[ra_starts(1000) & mask] ^= 1;
	t[ra_starts(2000) & mask] ^= 1ull << 40;
	ra_update_ref(t, mask, 0, nu);
	is_int((long long)ra_count_errors(t, 0, words), 2, "two corrupted updates: 2 errors");
	free(ref);
	free(t);
}

static void test_chase(void)
{
	static const size_t sizes[] = { 1, 2, 3, 17, 256, 1000, 1u << 16 };

	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i];
		char *buf = aligned_alloc(RA_LINE, n * RA_LINE);
		unsigned char *seen = calloc(n, 1);
		size_t dup = 0;

		ok(ra_chase_build(buf, n, 7 + n) == 0, "build a chase of %zu lines", n);
		is_int((long long)ra_chase_lap(buf, n), (long long)n,
		       "the chase returns after exactly n loads");
		/* independently: every line is some line's successor, once */
		for (size_t k = 0; k < n; k++) {
			size_t to = (size_t)(*(char **)(buf + k * RA_LINE) - buf) / RA_LINE;
			dup += to >= n || seen[to]++;
		}
		is_int((long long)dup, 0, "every line has exactly one predecessor");
		if (n >= 3) {
			/* a broken link: two lines point to the same one */
			char *keep = *(char **)buf;
			*(char **)buf = *(char **)(buf + RA_LINE);
			ok(ra_chase_lap(buf, n) != n, "a broken chain is detected (%zu lines)", n);
			*(char **)buf = keep;
			void *end = ra_chase(buf, 16 * n);
			ok(end == buf, "16 n loads from line 0 end at line 0");
		}
		free(seen);
		free(buf);
	}
	/* not all short cycles: a random permutation would almost surely
	 * have several cycles; Sattolo's algorithm has exactly one */
	char *buf = aligned_alloc(RA_LINE, 4096 * RA_LINE);
	int single = 1;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		ra_chase_build(buf, 4096, seed);
		single &= ra_chase_lap(buf, 4096) == 4096;
	}
	ok(single, "20 seeds: always one cycle through all 4096 lines");
	free(buf);
}

int main(void)
{
	test_stream();
	test_kernel();
	test_chase();
	return tap_done();
}
