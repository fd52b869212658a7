/* test_diskio_engine.c - gb-diskio's engine table and the pieces every
 * engine shares: the table's rows and --engine choices, picking an engine
 * (auto follows the common io_uring probe), the psync thread limit,
 * results adding up (first failure kept), the sample clock starting at
 * dio_worker_begin, and the read/write checks of verify.c catching each
 * kind of wrong block. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "refusal.h"
#include "../../diskio/engine.h"
#include "../../diskio/engine_psync.h"
#include "../../diskio/engine_uring.h"
#include "../../diskio/verify.h"

static void table(void)
{
	int rows = 0, complete = 1;
	for (const dio_engine_ops *const *e = dio_engines; *e; e++, rows++) {
		complete &= (*e)->name && (*e)->what && (*e)->worker != NULL;
		ok(dio_engine_find((*e)->name) == *e, "find(\"%s\") is its row", (*e)->name);
	}
	is_int(rows, 2, "two engines");
	ok(complete, "every row has a name, a description and a worker");
	ok(dio_engines[0] == &dio_engine_uring, "auto tries io_uring first");
	ok(dio_engine_find("aio") == NULL && dio_engine_find("auto") == NULL, "no row for aio or auto");
	is_str(dio_engine_choices(), "auto|io_uring|psync", "--engine choices come from the table");
	ok(dio_engine_uring.probe == gb_uring_probe && dio_engine_uring.refusal == gb_uring_refusal,
	   "io_uring uses the common probe and its explanation");
}

static void pick(void)
{
	dio_probe p[8];
	int n = -1;
	ok(dio_engine_pick("psync", p, &n) == &dio_engine_psync && n == 0, "psync: chosen, nothing to probe");

	int err = gb_uring_probe();
	const dio_engine_ops *e = dio_engine_pick("auto", p, &n);
	ok(n >= 1 && p[0].ops == &dio_engine_uring && p[0].err == err, "auto probes io_uring first (probe: %d)", err);
	if (err == 0) {
		ok(e == &dio_engine_uring && n == 1, "io_uring allowed here: auto runs it");
		ok(dio_engine_pick("io_uring", p, &n) == &dio_engine_uring, "--engine io_uring runs it");
	} else {
		ok(e == &dio_engine_psync && p[0].why[0], "io_uring refused here: auto falls back to psync, says why");
		ok(dio_engine_pick("io_uring", p, &n) == NULL && n == 1 && p[0].err == err,
		   "--engine io_uring is refused with the probe's errno");
	}
}

static void psync_limit(void)
{
	dio_job j = { .rw = DIO_RANDREAD, .bs = 4096, .qd = 4096, .jobs = 1 };
	char msg[256] = "";
	is_int(dio_engine_psync.check(&j, msg, sizeof msg), 0, "psync: 4096 threads are allowed");
	j.jobs = 2;
	is_int(dio_engine_psync.check(&j, msg, sizeof msg), -1, "psync: qd 4096 x 2 jobs is refused");
	ok(strstr(msg, "8192 threads") != NULL, "and the message counts the threads (%s)", msg);
	ok(dio_engine_uring.check == NULL, "io_uring has no thread limit");
}

static void results(void)
{
	gb_hist *h1 = malloc(sizeof *h1), *h2 = malloc(sizeof *h2);
	gb_hist_init(h1);
	gb_hist_init(h2);
	gb_hist_add(h2, 1000);
	gb_hist_add(h2, 3000);
	dio_result a = { .ios = 1, .bytes = 4096, .reads = 1, .lat = h1 };
	dio_result b = { .ios = 2, .bytes = 8192, .reads = 1, .writes = 1, .lat = h2 };
	dio_fail(&b, "first %d", 1);
	dio_fail(&b, "second");
	dio_result_add(&a, &b);
	ok(a.ios == 3 && a.bytes == 12288 && a.reads == 2 && a.writes == 1, "counts add up");
	is_int((long long)a.lat->n, 2, "latencies merged");
	ok(a.failed && strcmp(a.error, "first 1") == 0, "the first failure is the one kept (%s)", a.error);
	free(h1);
	free(h2);

	dio_worker w = { .duration_ns = 5000000 };
	dio_worker_begin(&w);
	ok(w.start_ns > 0 && w.deadline_ns == w.start_ns + 5000000, "the sample's clock starts at begin");
}

static void checks(void)
{
	enum { BS = 4096 };
	uint64_t *buf = aligned_alloc(4096, BS);
	dio_job job = { .rw = DIO_RANDRW, .bs = BS, .qd = 1, .jobs = 1 };
	dio_run run = { .job = &job, .verify = 1, .seed = 42 };
	dio_result res;

	memset(buf, 0, BS);
	dio_prepare_write(&run, buf, 8192);
	memset(&res, 0, sizeof res);
	is_int(dio_check_read(&run, buf, 8192, &res), 0, "a stamped block reads back clean");
	ok(!res.failed, "and nothing is recorded");

	static const struct {
		uint64_t read_at, seed;
		size_t flip;	/* byte to change, 0 none */
		const char *what;
	} bad[] = {
		{ 8192, 42, 512 + 100, "checksum mismatch" },
		{ 12288, 42, 0, "another offset" },
		{ 8192, 43, 0, "another seed" },
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dio_prepare_write(&run, buf, 8192);
		if (bad[i].flip)
			((unsigned char *)buf)[bad[i].flip] ^= 0x5a;
		dio_run r2 = run;
		r2.seed = bad[i].seed;
		memset(&res, 0, sizeof res);
		int rc = dio_check_read(&r2, buf, bad[i].read_at, &res);
		ok(rc == -1 && res.failed && strstr(res.error, bad[i].what), "%s is caught (%s)", bad[i].what,
		   res.error);
	}
	memset(buf, 0, BS);
	memset(&res, 0, sizeof res);
	run.verify = 0;
	is_int(dio_check_read(&run, buf, 0, &res), 0, "without --verify a read is not checked");
	for (int i = 0; i < BS / 8; i++)
		buf[i] = 0x1234;
	dio_prepare_write(&run, buf, 0);
	ok(buf[0] == 0x1234 && buf[BS / 8 - 1] == 0x1234, "nor a write stamped (its random content stays)");
	free(buf);
}

int main(void)
{
	table();
	pick();
	psync_limit();
	results();
	checks();
	return tap_done();
}
