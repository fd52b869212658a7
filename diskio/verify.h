/* verify.h - self-describing blocks, and the checks the engines make on
 * every write they issue and every read they complete. */
#ifndef GB_DISKIO_VERIFY_H
#define GB_DISKIO_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "worker.h"

/* Every DIO_STAMP bytes of the file carry a header {magic, offset, seed,
 * checksum} and a payload drawn from (seed, offset). */
#define DIO_STAMP 512u

void dio_stamp_fill(void *buf, uint64_t len, uint64_t offset, uint64_t seed);

/* Check a block read at offset; 0, or -1 with the first bad stamp's
 * offset in *bad and what is wrong in msg. */
int dio_stamp_check(const void *buf, uint64_t len, uint64_t offset, uint64_t seed, uint64_t *bad,
		    char *msg, size_t msglen);

/* Fill a write buffer: stamped with --verify, else left as random data. */
void dio_prepare_write(const dio_run *run, void *buf, uint64_t off);
/* Check a completed read under --verify; 0, or -1 with res failed. */
int dio_check_read(const dio_run *run, const void *buf, uint64_t off, dio_result *res);

#endif
