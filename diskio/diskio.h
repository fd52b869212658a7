/* diskio.h - gb-diskio's pieces: the target file, the access pattern, the
 * engines that issue the I/O, the verification stamps and the presets.
 *
 * The driver (diskio.c) plans a list of jobs (one per --bs, or a preset's
 * set), opens the target once, and runs every job for --repeat samples;
 * one sample is one engine run of --duration or --ios. */
#ifndef GB_DISKIO_H
#define GB_DISKIO_H

#include <stdint.h>
#include <sys/types.h>

#include "hist.h"

/* ------------------------------------------------------------ target -- */

typedef struct dio_target {
	int fd;			/* the file, opened as the run needs it */
	char *path;		/* for messages and the result: never opened again */
	int dirfd;		/* --dir, opened once (O_PATH), or -1 */
	char *name;		/* the created file's name in dirfd */
	int created;		/* gb-diskio made it (it may write and must remove it) */
	int in_use;		/* a block device something else holds (read-only run) */
	int writable;		/* opened for writing: created, or --allow-write */
	int direct;		/* O_DIRECT in effect */
	int is_blockdev;
	uint64_t size;		/* bytes the jobs may touch: [0, size) */
	uint32_t align;		/* offset and length alignment of O_DIRECT I/O */
	uint32_t mem_align;	/* buffer alignment of O_DIRECT I/O */
	const char *align_source;	/* "statx", "BLKSSZGET" or "default" */
	const char *fstype;	/* "ext4", "tmpfs", ... from statfs, or "unknown" */
} dio_target;

/* What the driver asks of the target (all checked before any file is opened). */
typedef struct dio_target_req {
	const char *dir;	/* --dir: create a file here */
	const char *file;	/* --file: an existing file or device */
	uint64_t size;		/* 0 = self-sized */
	uint64_t quick_size;	/* self-size cap for --quick, 0 = none */
	uint64_t unit;		/* size is rounded down to a multiple of this (largest bs) */
	int writes;		/* some job writes */
	int allow_write;
	int keep;		/* --keep: not removed, not even on a signal */
	int buffered;		/* --buffered: no O_DIRECT */
	int stamp_existing;	/* --verify on --file with --allow-write: stamp it first */
	uint64_t seed;		/* stamps of the fill */
} dio_target_req;

/* Open (or create and fill) the target.  Returns 0, or an exit status
 * (GB_EXIT_ENV, GB_EXIT_INVALID) after a message in err. */
int dio_target_open(dio_target *t, const dio_target_req *req, char *err, size_t errlen);

/* Close it, and remove the file if gb-diskio created it and keep is 0. */
void dio_target_close(dio_target *t, int keep);

/* A buffer suitable for O_DIRECT on this target (free() it). */
void *dio_buf_alloc(const dio_target *t, size_t size);

/* ----------------------------------------------------------- pattern -- */

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
int dio_rw_random(dio_rw rw);

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

/* ------------------------------------------------------------ verify -- */

/* Every DIO_STAMP bytes of the file carry a header {magic, offset, seed,
 * checksum} and a payload drawn from (seed, offset). */
#define DIO_STAMP 512u

void dio_stamp_fill(void *buf, uint64_t len, uint64_t offset, uint64_t seed);

/* Check a block read at offset; 0, or -1 with the first bad stamp's
 * offset in *bad and what is wrong in msg. */
int dio_stamp_check(const void *buf, uint64_t len, uint64_t offset, uint64_t seed, uint64_t *bad,
		    char *msg, size_t msglen);

/* ------------------------------------------------------------ engine -- */

typedef enum { DIO_ENGINE_URING, DIO_ENGINE_PSYNC } dio_engine;

/* What one sample measured (summed over workers). */
typedef struct dio_result {
	uint64_t ios, bytes;
	uint64_t reads, writes;
	uint64_t elapsed_ns;	/* first submission to last completion */
	gb_hist *lat;		/* completion latency, ns (caller allocates) */
	int failed;		/* an I/O failed or read back wrong */
	char error[256];
} dio_result;

typedef struct dio_run {
	const dio_target *t;
	const dio_job *job;
	double duration;	/* seconds; used when ios == 0 */
	uint64_t ios;		/* total I/Os of the sample, 0 = by time */
	int verify;
	uint64_t seed;
	uint64_t rng_seed;	/* varies per sample */
} dio_run;

/* Probe io_uring: 0, or the errno that refused it. */
int dio_uring_probe(void);

/* One sample with the engine: fills res (res->lat must be initialised). */
void dio_engine_run(dio_engine e, const dio_run *run, dio_result *res);

/* The workers' common part, used by both engines. */
typedef struct dio_worker {
	const dio_run *run;
	dio_pattern pat;
	uint64_t budget;	/* I/Os this worker issues (0 = by time) */
	uint64_t duration_ns;	/* by time: how long, from dio_worker_begin */
	uint64_t deadline_ns;	/* by time: stop issuing after this */
	int index;		/* 0 .. jobs-1 */
	uint64_t start_ns, end_ns;	/* first submission, last completion */
	dio_result res;		/* this worker's share */
} dio_worker;

/* A worker's set-up is done and its first I/O goes now: the sample's
 * clock starts here, not before the set-up (buffers of qd x bs bytes
 * take longer to prepare than a short sample lasts). */
void dio_worker_begin(dio_worker *w);

void dio_uring_worker(dio_worker *w);
void dio_psync_worker(dio_worker *w);

/* Fill a write buffer: stamped with --verify, else left as random data. */
void dio_prepare_write(const dio_run *run, void *buf, uint64_t off);
/* Check a completed read; 0, or -1 with res->failed and res->error set. */
int dio_check_read(const dio_run *run, const void *buf, uint64_t off, dio_result *res);
void dio_fail(dio_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ----------------------------------------------------------- presets -- */

#define DIO_MAX_JOBS 32

/* The jobs of a preset ("felter", "li"); returns the count, 0 unknown. */
int dio_preset(const char *name, dio_job *jobs, int max);

#endif
