/* engine_psync.h - the thread-per-slot pread/pwrite engine (engine_psync.c). */
#ifndef GB_DISKIO_ENGINE_PSYNC_H
#define GB_DISKIO_ENGINE_PSYNC_H

#include "worker.h"

extern const dio_engine_ops dio_engine_psync;

#endif
