/* presets.h - the studies' sets of jobs (--preset). */
#ifndef GB_DISKIO_PRESETS_H
#define GB_DISKIO_PRESETS_H

#include "pattern.h"

#define DIO_MAX_JOBS 32

/* The jobs of a preset ("felter", "li"); returns the count, 0 unknown. */
int dio_preset(const char *name, dio_job *jobs, int max);

#endif
