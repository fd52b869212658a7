/* pattern.c - --rw and --bs, and where each I/O goes.
 *
 * Sequential jobs walk the file block by block from the worker's start,
 * wrapping at the end; all the slots of a worker share one cursor, so a
 * queue of 32 reads is 32 consecutive blocks in flight, as fio does.
 * Random jobs pick a uniformly random block-aligned offset per I/O. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "pattern.h"
#include "util.h"

static const char *const rw_names[] = { "read", "write", "randread", "randwrite", "randrw" };

const char *dio_rw_name(dio_rw rw)
{
	return rw_names[rw];
}

int dio_rw_writes(dio_rw rw)
{
	return rw == DIO_WRITE || rw == DIO_RANDWRITE || rw == DIO_RANDRW;
}

int dio_rw_parse(const char *s, dio_rw *rw, int *read_pct, char *msg, unsigned msglen)
{
	*read_pct = -1;
	for (int i = 0; i < 5; i++) {
		size_t n = strlen(rw_names[i]);
		if (strncmp(s, rw_names[i], n) != 0)
			continue;
		if (s[n] == '\0') {
			*rw = (dio_rw)i;
			/* Felter et al.'s mix is 70% reads */
			*read_pct = i == DIO_RANDRW ? 70 : (i == DIO_READ || i == DIO_RANDREAD ? 100 : 0);
			return 0;
		}
		uint64_t pct;
		if (i == DIO_RANDRW && s[n] == ':' && gb_parse_u64(s + n + 1, &pct) == 0 && pct <= 100) {
			*rw = DIO_RANDRW;
			*read_pct = (int)pct;
			return 0;
		}
	}
	snprintf(msg, msglen, "read|write|randread|randwrite|randrw[:READ%%] (READ%% 0..100)");
	return -1;
}

void dio_bs_name(uint64_t bs, char *buf, size_t size)
{
	if (bs % (1u << 20) == 0)
		snprintf(buf, size, "%llum", (unsigned long long)(bs >> 20));
	else if (bs % 1024 == 0)
		snprintf(buf, size, "%lluk", (unsigned long long)(bs >> 10));
	else
		snprintf(buf, size, "%llu", (unsigned long long)bs);
}

int dio_bs_list(const char *s, uint64_t *bs, int max)
{
	int n = 0;
	char item[32];
	while (*s) {
		size_t k = strcspn(s, ",");
		if (k == 0 || k >= sizeof item || n >= max)
			return -1;
		memcpy(item, s, k);
		item[k] = '\0';
		/* 512 bytes is the smallest sector; 64 MiB keeps QD x bs buffers sane */
		if (gb_parse_size(item, &bs[n]) < 0 || bs[n] < 512 || bs[n] % 512 || bs[n] > (64u << 20))
			return -1;
		n++;
		s += k + (s[k] == ',');
	}
	return n;
}

void dio_pattern_init(dio_pattern *p, const dio_job *job, uint64_t size, int worker)
{
	memset(p, 0, sizeof *p);
	p->job = job;
	p->size = size;
	p->nblocks = size / job->bs;
	/* several sequential workers start spread over the file, so they do
	 * not all read the same cached or merged blocks */
	p->start = p->nblocks * (uint64_t)worker / (uint64_t)(job->jobs > 0 ? job->jobs : 1);
	p->cursor = 0;
}

uint64_t dio_pattern_next(dio_pattern *p, uint64_t *rng, int *is_write)
{
	const dio_job *j = p->job;
	uint64_t blk;

	switch (j->rw) {
	case DIO_READ:
	case DIO_WRITE:
		blk = (p->start + __atomic_fetch_add(&p->cursor, 1, __ATOMIC_RELAXED)) % p->nblocks;
		*is_write = j->rw == DIO_WRITE;
		break;
	default:
		/* the modulo bias is below nblocks / 2^64: nothing */
		blk = dio_rand(rng) % p->nblocks;
		if (j->rw == DIO_RANDRW)
			*is_write = (int)(dio_rand(rng) % 100) >= j->read_pct;
		else
			*is_write = j->rw == DIO_RANDWRITE;
		break;
	}
	return blk * j->bs;
}
