/* engine_uring.h - the io_uring engine (engine_uring.c). */
#ifndef GB_DISKIO_ENGINE_URING_H
#define GB_DISKIO_ENGINE_URING_H

#include "worker.h"

extern const dio_engine_ops dio_engine_uring;

#endif
