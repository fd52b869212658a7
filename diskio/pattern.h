/* pattern.h - what one job does (--rw, --bs, --qd, --jobs) and where each
 * of its I/Os goes. */
#ifndef GB_DISKIO_PATTERN_H
#define GB_DISKIO_PATTERN_H

#include <stddef.h>
#include <stdint.h>

typedef enum { DIO_READ, DIO_WRITE, DIO_RANDREAD, DIO_RANDWRITE, DIO_RANDRW } dio_rw;

typedef struct dio_job {
	dio_rw rw;
	int read_pct;		/* randrw: share of reads in percent */
	uint64_t bs;
	int qd;			/* I/Os in flight per job */
	int jobs;		/* independent workers, each with qd in flight */
	char name[48];		/* metric prefix, e.g. "randread_4k" */
} dio_job;

/* Parse "--rw" text: 0, or -1 with a message. */
int dio_rw_parse(const char *s, dio_rw *rw, int *read_pct, char *msg, unsigned msglen);
const char *dio_rw_name(dio_rw rw);
int dio_rw_writes(dio_rw rw);		/* may write */

/* "4k", "1m", "1536" for metric names. */
void dio_bs_name(uint64_t bs, char *buf, size_t size);
/* Parse a comma list of sizes into bs[]; returns the count, -1 on junk. */
int dio_bs_list(const char *s, uint64_t *bs, int max);

/* Where one worker's I/Os go: sequential jobs share a cursor (so every
 * queue slot or thread continues the same stream), random jobs draw
 * per slot. */
typedef struct dio_pattern {
	const dio_job *job;
	uint64_t size;		/* target bytes */
	uint64_t nblocks;	/* size / bs */
	uint64_t cursor;	/* next sequential block (atomic for psync) */
	uint64_t start;		/* this worker's first block */
} dio_pattern;

void dio_pattern_init(dio_pattern *p, const dio_job *job, uint64_t size, int worker);

/* The next I/O for a slot whose random state is *rng: offset, and 1 for
 * a write.  Thread-safe for distinct rng. */
uint64_t dio_pattern_next(dio_pattern *p, uint64_t *rng, int *is_write);

static inline uint64_t dio_rand(uint64_t *s)
{
	/* xorshift64*: fast, good enough to scatter offsets */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

#endif
