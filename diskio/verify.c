/* verify.c - self-describing blocks.
 *
 * Every 512-byte unit of a stamped file starts with {magic, offset, seed,
 * checksum} and continues with a payload drawn from (seed, offset), so
 * nothing in the file repeats (no dedup or compression below us can flatter
 * the figures) and a unit read back proves what it is: the checksum catches
 * corrupted bytes, the offset a block written or read at the wrong place,
 * the seed data from another run or file.
 *
 * Writes under --verify rewrite exactly the content the fill wrote (same
 * seed), so a read racing a write of the same block (randrw) never sees a
 * torn mix of two versions; the price is that a lost write is not caught,
 * which docs/diskio.md says.
 *
 * The engines call dio_prepare_write before each write and dio_check_read
 * after each read: with --verify they stamp and check, without it they do
 * nothing. */
#include <stdio.h>
#include <string.h>

#include "verify.h"

#define STAMP_MAGIC 0x67626469736b696full	/* "gbdiskio" */
#define STAMP_WORDS (DIO_STAMP / 8)

static uint64_t mix(uint64_t h)
{
	/* splitmix64's finaliser */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static uint64_t unit_sum(const uint64_t *w)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < STAMP_WORDS; i++)
		if (i != 3)	/* the checksum itself */
			h = (h ^ w[i]) * 0x100000001b3ull + (h >> 29);
	return mix(h);
}

static void stamp_unit(uint64_t *w, uint64_t offset, uint64_t seed)
{
	uint64_t s = mix(seed ^ mix(offset + 1)) | 1;
	w[0] = STAMP_MAGIC;
	w[1] = offset;
	w[2] = seed;
	for (unsigned i = 4; i < STAMP_WORDS; i++)
		w[i] = dio_rand(&s);
	w[3] = unit_sum(w);
}

void dio_stamp_fill(void *buf, uint64_t len, uint64_t offset, uint64_t seed)
{
	for (uint64_t o = 0; o + DIO_STAMP <= len; o += DIO_STAMP)
		stamp_unit((uint64_t *)((char *)buf + o), offset + o, seed);
}

int dio_stamp_check(const void *buf, uint64_t len, uint64_t offset, uint64_t seed, uint64_t *bad,
		    char *msg, size_t msglen)
{
	for (uint64_t o = 0; o + DIO_STAMP <= len; o += DIO_STAMP) {
		const uint64_t *w = (const uint64_t *)((const char *)buf + o);
		const char *what = NULL;
		if (w[0] != STAMP_MAGIC)
			what = "no stamp (not written by gb-diskio, or overwritten)";
		else if (w[3] != unit_sum(w))
			what = "checksum mismatch (corrupted data)";
		else if (w[1] != offset + o)
			what = "block carries another offset (misdirected I/O)";
		else if (w[2] != seed)
			what = "block carries another seed (stale data from another run)";
		if (what) {
			*bad = offset + o;
			snprintf(msg, msglen, "%s", what);
			return -1;
		}
	}
	return 0;
}

void dio_prepare_write(const dio_run *run, void *buf, uint64_t off)
{
	if (run->verify)
		dio_stamp_fill(buf, run->job->bs, off, run->seed);
}

int dio_check_read(const dio_run *run, const void *buf, uint64_t off, dio_result *res)
{
	if (!run->verify)
		return 0;
	uint64_t bad;
	char why[128];
	if (dio_stamp_check(buf, run->job->bs, off, run->seed, &bad, why, sizeof why) == 0)
		return 0;
	dio_fail(res, "read-back of offset %llu: %s", (unsigned long long)bad, why);
	return -1;
}
