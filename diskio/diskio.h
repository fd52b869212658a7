/* diskio.h - gb-diskio's entry point; the pieces have a header each
 * (engine.h, worker.h, target.h, pattern.h, verify.h, presets.h). */
#ifndef DIO_DISKIO_H
#define DIO_DISKIO_H

/* The entry point: bin/gb-diskio, and `guestbench diskio` (registry/). */
int diskio_main(int argc, char **argv);

#endif
