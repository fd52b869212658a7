/* presets.c - the two studies' sets of fio jobs, as gb-diskio jobs.
 *
 * felter: Felter et al. (IBM, 2014/15) ran fio with libaio and O_DIRECT:
 * 1 MiB sequential read and write, 4 KiB random read, write and a 70/30
 * read/write mix at 128 in flight, and a random-read latency distribution
 * at 16 in flight.  The sequential queue depth is not stated in the
 * paper; 32 is what ../shared/anchors uses for fio, so the two compare.
 * li: Li et al. timed single O_DIRECT I/Os (one in flight) of sequential
 * and random reads and writes at 16 KiB, 64 KiB, 256 KiB and 1 MiB. */
#include <stdio.h>
#include <string.h>

#include "presets.h"

static int add(dio_job *jobs, int n, int max, dio_rw rw, int read_pct, uint64_t bs, int qd, const char *suffix)
{
	if (n >= max)
		return n;
	dio_job *j = &jobs[n];
	char b[16];
	memset(j, 0, sizeof *j);
	j->rw = rw;
	j->read_pct = read_pct;
	j->bs = bs;
	j->qd = qd;
	j->jobs = 1;
	dio_bs_name(bs, b, sizeof b);
	snprintf(j->name, sizeof j->name, "%s_%s%s", dio_rw_name(rw), b, suffix);
	return n + 1;
}

int dio_preset(const char *name, dio_job *jobs, int max)
{
	int n = 0;
	if (strcmp(name, "felter") == 0) {
		n = add(jobs, n, max, DIO_READ, 100, 1 << 20, 32, "");
		n = add(jobs, n, max, DIO_WRITE, 0, 1 << 20, 32, "");
		n = add(jobs, n, max, DIO_RANDREAD, 100, 4096, 128, "");
		n = add(jobs, n, max, DIO_RANDWRITE, 0, 4096, 128, "");
		n = add(jobs, n, max, DIO_RANDRW, 70, 4096, 128, "");
		/* same pattern at another depth: the name says so */
		n = add(jobs, n, max, DIO_RANDREAD, 100, 4096, 16, "_qd16");
	} else if (strcmp(name, "li") == 0) {
		static const uint64_t bs[] = { 16 << 10, 64 << 10, 256 << 10, 1 << 20 };
		static const dio_rw rw[] = { DIO_READ, DIO_RANDREAD, DIO_WRITE, DIO_RANDWRITE };
		for (unsigned b = 0; b < 4; b++)
			for (unsigned r = 0; r < 4; r++)
				n = add(jobs, n, max, rw[r], rw[r] == DIO_READ || rw[r] == DIO_RANDREAD ? 100 : 0,
					bs[b], 1, "");
	}
	return n;
}
