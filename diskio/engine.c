/* engine.c - the dispatcher: the table of engines, choosing one (--engine
 * auto probes them in order), and one sample: --jobs workers, each keeping
 * --qd I/Os in flight with the engine, started at once and added up.
 *
 * Adding an engine: a file with its dio_engine_ops (worker.h), a header
 * declaring it, a row in dio_engines[] below. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_psync.h"
#include "engine_uring.h"
#include "util.h"

/* auto prefers io_uring: what fio and the studies' libaio are closest to */
const dio_engine_ops *const dio_engines[] = { &dio_engine_uring, &dio_engine_psync, NULL };

const dio_engine_ops *dio_engine_find(const char *name)
{
	for (const dio_engine_ops *const *e = dio_engines; *e; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
}

const char *dio_engine_choices(void)
{
	static char buf[128];
	if (!buf[0]) {
		gb_strlcpy(buf, "auto", sizeof buf);
		for (const dio_engine_ops *const *e = dio_engines; *e; e++) {
			size_t n = strlen(buf);
			snprintf(buf + n, sizeof buf - n, "|%s", (*e)->name);
		}
	}
	return buf;
}

static int probe(const dio_engine_ops *e, dio_probe *probes, int *nprobes)
{
	dio_probe *p = &probes[(*nprobes)++];
	memset(p, 0, sizeof *p);
	p->ops = e;
	p->err = e->probe ? e->probe() : 0;
	if (p->err && e->refusal)
		e->refusal(p->err, p->why, sizeof p->why);
	else if (p->err)
		snprintf(p->why, sizeof p->why, "%s refused: %s", e->name, strerror(p->err));
	return p->err;
}

const dio_engine_ops *dio_engine_pick(const char *want, dio_probe *probes, int *nprobes)
{
	*nprobes = 0;
	if (strcmp(want, "auto") != 0) {
		const dio_engine_ops *e = dio_engine_find(want);
		/* an engine asked for by name is probed too: refused is exit 3,
		 * not a run that fails at its first I/O */
		return e && e->probe && probe(e, probes, nprobes) ? NULL : e;
	}
	for (const dio_engine_ops *const *e = dio_engines; *e; e++)
		if (probe(*e, probes, nprobes) == 0)
			return *e;
	return NULL;
}

struct worker_arg {
	const dio_engine_ops *e;
	dio_worker *w;
};

static void *worker_main(void *p)
{
	struct worker_arg *a = p;
	a->e->worker(a->w);
	return NULL;
}

void dio_engine_run(const dio_engine_ops *e, const dio_run *run, dio_result *res)
{
	const dio_job *j = run->job;
	int n = j->jobs > 0 ? j->jobs : 1;
	dio_worker *w = gb_xcalloc((size_t)n, sizeof *w);
	struct worker_arg *args = gb_xcalloc((size_t)n, sizeof *args);
	pthread_t *th = gb_xcalloc((size_t)n, sizeof *th);

	for (int i = 0; i < n; i++) {
		w[i].run = run;
		dio_pattern_init(&w[i].pat, j, run->t->size, i);
		/* --ios is shared out; the first workers take the remainder */
		w[i].budget = run->ios ? run->ios / (uint64_t)n + ((uint64_t)i < run->ios % (uint64_t)n) : 0;
		w[i].duration_ns = run->ios ? 0 : (uint64_t)(run->duration * 1e9);
		w[i].res.lat = gb_xmalloc(sizeof *w[i].res.lat);
		gb_hist_init(w[i].res.lat);
		w[i].index = i;
		args[i] = (struct worker_arg){ e, &w[i] };
	}
	int started = 0;
	if (n == 1) {
		worker_main(&args[0]);
		started = 1;
	} else {
		for (; started < n; started++)
			if (pthread_create(&th[started], NULL, worker_main, &args[started])) {
				dio_fail(res, "cannot start worker thread %d: %s", started, strerror(errno));
				break;
			}
		for (int i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	/* the workers run at once: the sample lasts from the first submission
	 * to the last completion (not the set-up of rings and buffers) */
	uint64_t first = UINT64_MAX, last = 0;
	for (int i = 0; i < started; i++) {
		if (w[i].res.ios && w[i].start_ns < first)
			first = w[i].start_ns;
		if (w[i].res.ios && w[i].end_ns > last)
			last = w[i].end_ns;
		dio_result_add(res, &w[i].res);
	}
	res->elapsed_ns = last > first ? last - first : 0;
	for (int i = 0; i < n; i++)
		free(w[i].res.lat);
	free(w);
	free(args);
	free(th);
}
