/* worker.h - the contract between the dispatcher (engine.c) and the
 * engines (engine_*.c): what a sample asks (dio_run), one worker's share
 * of it (dio_worker), what it measured (dio_result), and the operations an
 * engine provides (dio_engine_ops).  An engine includes this, never
 * engine.h: it is called, it does not call back. */
#ifndef GB_DISKIO_WORKER_H
#define GB_DISKIO_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "pattern.h"
#include "target.h"

/* What one sample measured (summed over workers). */
typedef struct dio_result {
	uint64_t ios, bytes;
	uint64_t reads, writes;
	uint64_t elapsed_ns;	/* first submission to last completion */
	gb_hist *lat;		/* completion latency, ns (caller allocates) */
	int failed;		/* an I/O failed or read back wrong */
	char error[256];
} dio_result;

/* One sample of one job. */
typedef struct dio_run {
	const dio_target *t;
	const dio_job *job;
	double duration;	/* seconds; used when ios == 0 */
	uint64_t ios;		/* total I/Os of the sample, 0 = by time */
	int verify;
	uint64_t seed;
	uint64_t rng_seed;	/* varies per sample */
} dio_run;

/* One worker: --qd I/Os in flight on its share of the sample. */
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

/* An engine, as a row of the dispatcher's table (engine.c). */
typedef struct dio_engine_ops {
	const char *name;	/* --engine NAME and config.engine */
	const char *what;	/* a few words for messages */
	/* 0 if this environment lets the engine run, else the errno that
	 * refused it; NULL: always available.  Touches no file. */
	int (*probe)(void);
	/* the mechanism behind a probe's errno, in one phrase */
	void (*refusal)(int err, char *buf, size_t size);
	/* NULL, or whether the engine can run this job: 0, or -1 with msg */
	int (*check)(const dio_job *job, char *msg, size_t msglen);
	/* one worker's share of a sample, into w->res; calls
	 * dio_worker_begin when its set-up is done */
	void (*worker)(dio_worker *w);
} dio_engine_ops;

/* A worker's set-up is done and its first I/O goes now: the sample's
 * clock starts here, not before the set-up (buffers of qd x bs bytes
 * take longer to prepare than a short sample lasts). */
void dio_worker_begin(dio_worker *w);

/* Record a failure (the first one is kept: it is the one worth reading). */
void dio_fail(dio_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add a part's counts, latencies and failure into a total (lat of both set). */
void dio_result_add(dio_result *into, const dio_result *part);

#endif
