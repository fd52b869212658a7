/* ra.h - what the gb-randomaccess driver hands to its two parts. */
#ifndef RA_RA_H
#define RA_RA_H

#include <sched.h>
#include <stdint.h>

#include "mem.h"
#include "report.h"

typedef enum { RA_SINGLE, RA_STAR, RA_SHARED } ra_variant;

typedef struct ra_cfg {
	ra_variant variant;
	int threads;		/* team size (1 for single) */
	cpu_set_t cpus;
	uint64_t table_words;	/* per table, a power of two */
	unsigned lookahead;	/* streams per thread, <= RA_LOOKAHEAD_MAX */
	gb_pages pages;
	gb_numa numa;
	int repeat, warmup;
	double time_limit;	/* seconds, 0 none */
	uint64_t corrupt;	/* GB_TEST_CORRUPT: flip this many words before verifying */

	/* latency curve */
	uint64_t lat_min, lat_max;	/* working sets, bytes, powers of two */
	int lat_4k_too;		/* also a 4 KiB-page curve (--pages not 4k) */
	double min_time;	/* seconds per latency sample */
} ra_cfg;

const char *ra_variant_name(ra_variant v);

/* Each adds its metrics, warnings and failures to r.  Return 0, or
 * GB_EXIT_ENV when the environment refused a requested page size or
 * NUMA mode before anything ran (message already printed). */
int ra_gups_run(gb_report *r, const ra_cfg *c);
int ra_latency_run(gb_report *r, const ra_cfg *c);

/* The entry point: bin/gb-randomaccess, and `guestbench randomaccess` (registry/). */
int randomaccess_main(int argc, char **argv);

#endif
