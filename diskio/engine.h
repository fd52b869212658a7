/* engine.h - the engines as a table, and one sample run on one of them:
 * --jobs workers started at once, their results added up. */
#ifndef GB_DISKIO_ENGINE_H
#define GB_DISKIO_ENGINE_H

#include "worker.h"

/* Every engine, in the order --engine auto tries them; NULL-terminated. */
extern const dio_engine_ops *const dio_engines[];

/* The engine named so, or NULL. */
const dio_engine_ops *dio_engine_find(const char *name);

/* "auto|io_uring|psync": the --engine choices, from the table. */
const char *dio_engine_choices(void);

/* What a probe said of one engine. */
typedef struct dio_probe {
	const dio_engine_ops *ops;
	int err;		/* 0 usable, else the errno that refused it */
	char why[256];		/* the refusal in words ("" if usable) */
} dio_probe;

/* The engine for --engine want: a name, or "auto" for the first in the
 * table whose probe passes.  Every engine probed is recorded in probes[]
 * (*nprobes of them, at most one per engine).  NULL if want names an
 * engine refused here (its probe says why). */
const dio_engine_ops *dio_engine_pick(const char *want, dio_probe *probes, int *nprobes);

/* One sample with the engine: fills res (res->lat must be initialised). */
void dio_engine_run(const dio_engine_ops *e, const dio_run *run, dio_result *res);

#endif
