/* target.h - the file or device the I/O goes to: opened (or created and
 * filled) once per run, with what O_DIRECT needs of it. */
#ifndef GB_DISKIO_TARGET_H
#define GB_DISKIO_TARGET_H

#include <stddef.h>
#include <stdint.h>

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
 * (GB_EXIT_USAGE, GB_EXIT_ENV, GB_EXIT_INVALID) after a message in err. */
int dio_target_open(dio_target *t, const dio_target_req *req, char *err, size_t errlen);

/* Close it, and remove the file if gb-diskio created it and keep is 0. */
void dio_target_close(dio_target *t, int keep);

/* A buffer suitable for O_DIRECT on this target (free() it). */
void *dio_buf_alloc(const dio_target *t, size_t size);

#endif
