/* diskio.c - gb-diskio: block I/O as the studies measured it (O_DIRECT,
 * fio-style jobs), on io_uring where allowed and on a thread per queue
 * slot where not.
 *
 * The order matters for safety: every option is checked, and io_uring is
 * probed, before any file is opened; the target file is then opened or
 * created (target.c); every job runs its warm-up and --repeat samples; a
 * --verify run ends with a read-back of the whole file; the file
 * gb-diskio created is removed on every way out.
 *
 * Test-only faults (common/fault.h): GB_FAULT=diskio.corrupt=<byte offset> damages the 512-byte
 * stamp holding that offset right after the fill, as a bad disk or a
 * misdirected write would, so --verify must catch it (exit 1);
 * diskio.no_direct (target.c) makes O_DIRECT refused. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "diskio.h"
#include "cli.h"
#include "engine.h"
#include "fault.h"
#include "parse.h"
#include "pattern.h"
#include "presets.h"
#include "report.h"
#include "target.h"
#include "topo.h"
#include "util.h"
#include "verify.h"

#define MAX_BS 16

static int check_rw(const char *v, char *msg, unsigned len)
{
	dio_rw rw;
	int pct;
	return dio_rw_parse(v, &rw, &pct, msg, len);
}

static int check_bs(const char *v, char *msg, unsigned len)
{
	uint64_t bs[MAX_BS];
	if (dio_bs_list(v, bs, MAX_BS) > 0)
		return 0;
	snprintf(msg, len, "a comma list of up to %d sizes, multiples of 512 from 512 to 64M, e.g. 4k,64k,1m",
		 MAX_BS);
	return -1;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);	/* every thread of the process, finished ones too */
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

/* Everything one job's samples need. */
struct sample_set {
	double *iops, *mbps, *lat, *cpu;
	int n;
	gb_hist *hist;		/* every I/O of the kept samples */
	uint64_t ios, reads, writes;
};

static void run_job(gb_report *r, const dio_target *t, const dio_job *job, const dio_engine_ops *engine, double duration,
		    uint64_t ios, int verify, uint64_t seed, const gb_common *c, double time_limit)
{
	struct sample_set s;
	int repeat = (int)c->repeat;
	memset(&s, 0, sizeof s);
	s.iops = gb_xcalloc((size_t)repeat, sizeof(double));
	s.mbps = gb_xcalloc((size_t)repeat, sizeof(double));
	s.lat = gb_xcalloc((size_t)repeat, sizeof(double));
	s.cpu = gb_xcalloc((size_t)repeat, sizeof(double));
	s.hist = gb_xmalloc(sizeof *s.hist);
	gb_hist_init(s.hist);
	gb_hist *h = gb_xmalloc(sizeof *h);
	uint64_t t_start = gb_now_ns();
	int failed = 0, truncated = 0;

	for (int i = 0; i < (int)c->warmup + repeat && !failed; i++) {
		int warm = i < (int)c->warmup;
		if (!warm && s.n >= 1 && time_limit > 0 && (double)(gb_now_ns() - t_start) / 1e9 >= time_limit) {
			truncated = 1;
			break;
		}
		/* a warm-up sample only has to get the device and caches going */
		dio_run run = {
			.t = t, .job = job, .verify = verify, .seed = seed,
			.duration = warm && duration > 1 ? 1 : duration,
			.ios = ios,
			.rng_seed = seed ^ ((uint64_t)(i + 1) << 40) ^ gb_now_ns(),
		};
		dio_result res;
		memset(&res, 0, sizeof res);
		gb_hist_init(h);
		res.lat = h;
		gb_progress("%s %s%d/%d", job->name, warm ? "warm-up " : "", warm ? i + 1 : i - (int)c->warmup + 1,
			    warm ? (int)c->warmup : repeat);
		double cpu0 = cpu_seconds();
		dio_engine_run(engine, &run, &res);
		double cpu = cpu_seconds() - cpu0;
		if (res.failed) {
			gb_report_fail(r, "%s: %s", job->name, res.error);
			failed = 1;
			break;
		}
		if (!res.ios || !res.elapsed_ns) {
			gb_report_fail(r, "%s: no I/O completed", job->name);
			failed = 1;
			break;
		}
		if (warm)
			continue;
		double sec = (double)res.elapsed_ns / 1e9;
		s.iops[s.n] = (double)res.ios / sec;
		s.mbps[s.n] = (double)res.bytes / sec / 1e6;
		s.lat[s.n] = gb_hist_mean(h) / 1e3;
		s.cpu[s.n] = cpu * 1e6 / (double)res.ios;
		s.n++;
		s.ios += res.ios;
		s.reads += res.reads;
		s.writes += res.writes;
		gb_hist_merge(s.hist, h);
	}
	gb_progress_done();
	if (truncated)
		gb_report_warn(r, "%s: --time-limit cut the samples to %d", job->name, s.n);
	if (s.n) {
		char name[80], bs[16];
		dio_bs_name(job->bs, bs, sizeof bs);
		snprintf(name, sizeof name, "%s_iops", job->name);
		gb_metric *m = gb_report_metric(r, name, "IOPS", GB_HIGHER, s.iops, (size_t)s.n);
		gb_kv_str(&m->extra, "rw", dio_rw_name(job->rw));
		gb_kv_int(&m->extra, "bs", (long long)job->bs);
		gb_kv_int(&m->extra, "qd", job->qd);
		gb_kv_int(&m->extra, "jobs", job->jobs);
		if (job->rw == DIO_RANDRW)
			gb_kv_int(&m->extra, "read_pct", job->read_pct);
		gb_kv_int(&m->extra, "ios", (long long)s.ios);
		gb_kv_int(&m->extra, "reads", (long long)s.reads);
		gb_kv_int(&m->extra, "writes", (long long)s.writes);
		gb_metric_note(m, "%s %s QD %d%s", dio_rw_name(job->rw), bs, job->qd,
			       job->jobs > 1 ? " x jobs" : "");

		snprintf(name, sizeof name, "%s_mbps", job->name);
		gb_report_metric(r, name, "MB/s", GB_HIGHER, s.mbps, (size_t)s.n);

		snprintf(name, sizeof name, "%s_latency", job->name);
		m = gb_report_metric(r, name, "us", GB_LOWER, s.lat, (size_t)s.n);
		gb_metric_set_pct(m, s.hist, 1e-3);

		snprintf(name, sizeof name, "%s_cpu_per_io", job->name);
		m = gb_report_metric(r, name, "us", GB_LOWER, s.cpu, (size_t)s.n);
		gb_metric_note(m, "user+sys CPU time per I/O");
	}
	free(h);
	free(s.hist);
	free(s.iops);
	free(s.mbps);
	free(s.lat);
	free(s.cpu);
}

/* --verify: every block of the file, read back in order and checked. */
static void read_back(gb_report *r, const dio_target *t, uint64_t seed)
{
	const size_t chunk = 1u << 20;	/* a multiple of any O_DIRECT alignment */
	char *buf = dio_buf_alloc(t, chunk);
	for (uint64_t off = 0; off < t->size; off += chunk) {
		size_t n = t->size - off < chunk ? (size_t)(t->size - off) : chunk;
		ssize_t got = pread(t->fd, buf, n, (off_t)off);
		if (got != (ssize_t)n) {
			gb_report_fail(r, "verify: reading back offset %llu: %s", (unsigned long long)off,
				       got < 0 ? strerror(errno) : "short read");
			break;
		}
		uint64_t bad;
		char why[128];
		if (dio_stamp_check(buf, n, off, seed, &bad, why, sizeof why) < 0) {
			gb_report_fail(r, "verify: read-back of offset %llu: %s", (unsigned long long)bad, why);
			break;
		}
	}
	free(buf);
}

/* GB_FAULT diskio.corrupt=<offset>: flip a payload byte of the stamp there. */
static int corrupt_hook(const dio_target *t, char *err, size_t len)
{
	const char *h = gb_fault("corrupt");
	uint64_t at;
	if (!h)
		return 0;
	if (gb_parse_u64(h, &at) < 0 || at >= t->size || !t->writable) {
		snprintf(err, len, "GB_FAULT diskio.corrupt=%s: an offset below %llu in a file gb-diskio may write", h,
			 (unsigned long long)t->size);
		return -1;
	}
	uint64_t blk = at - at % t->align;
	char *buf = dio_buf_alloc(t, t->align);
	int rc = -1;
	if (pread(t->fd, buf, t->align, (off_t)blk) == (ssize_t)t->align) {
		buf[at - blk - (at - blk) % DIO_STAMP + 100] ^= 0x5a;	/* inside the payload */
		rc = pwrite(t->fd, buf, t->align, (off_t)blk) == (ssize_t)t->align ? 0 : -1;
	}
	if (rc < 0)
		snprintf(err, len, "GB_FAULT diskio.corrupt: %s", strerror(errno));
	free(buf);
	return rc;
}

/* For each engine that has a probe: <name>_error, null unless it was
 * probed and refused here, and then <name>_errno, <name>_refusal and a
 * warning naming the engine that ran instead. */
static void report_probes(gb_report *r, const dio_engine_ops *ran, const dio_probe *probes, int nprobes)
{
	for (const dio_engine_ops *const *e = dio_engines; *e; e++) {
		if (!(*e)->probe)
			continue;
		const dio_probe *p = NULL;
		for (int i = 0; i < nprobes; i++)
			if (probes[i].ops == *e && probes[i].err)
				p = &probes[i];
		char key[64];
		snprintf(key, sizeof key, "%s_error", (*e)->name);
		if (!p) {
			gb_kv_null(&r->config, key);
			continue;
		}
		const char *name = strerrorname_np(p->err);
		gb_kv_str(&r->config, key, name ? name : "?");
		snprintf(key, sizeof key, "%s_errno", (*e)->name);
		gb_kv_int(&r->config, key, p->err);
		snprintf(key, sizeof key, "%s_refusal", (*e)->name);
		gb_kv_str(&r->config, key, p->why);
		gb_report_warn(r, "%s: the %s engine (%s) ran instead", p->why, ran->name, ran->what);
	}
}

int diskio_main(int argc, char **argv)
{
	const char *dir = NULL, *file = NULL, *rw_s = "randread", *bs_s = "4k", *engine_s = "auto";
	const char *preset = NULL;
	uint64_t size = 0;
	long long qd = 32, jobs = 1, ios = 0;
	double duration = 5;
	int keep = 0, allow_write = 0, buffered = 0, verify = 0;
	const gb_opt opts[] = {
		{ .name = "dir", .type = GB_OPT_STRING, .dest = &dir, .metavar = "DIR",
		  .help = "create the test file in DIR (removed at the end unless --keep)" },
		{ .name = "file", .type = GB_OPT_STRING, .dest = &file, .metavar = "PATH",
		  .help = "use this existing file or block device (read-only unless --allow-write)" },
		{ .name = "allow-write", .type = GB_OPT_FLAG, .dest = &allow_write,
		  .help = "let write jobs and --verify overwrite the data of --file" },
		{ .name = "keep", .type = GB_OPT_FLAG, .dest = &keep, .help = "keep the file created in --dir" },
		{ .name = "size", .type = GB_OPT_SIZE, .dest = &size, .min = 4096, .max = 0x1p62,
		  .metavar = "SIZE",
		  .help = "bytes of the file to use (default: min(4G, 25% of the free space); --file: all of it)" },
		{ .name = "preset", .type = GB_OPT_CHOICE, .dest = &preset, .choices = "felter|li",
		  .metavar = "NAME", .help = "run a study's set of jobs (see below) instead of --rw/--bs/--qd" },
		{ .name = "rw", .type = GB_OPT_STRING, .dest = &rw_s, .def = "randread", .metavar = "MODE",
		  .help = "read|write|randread|randwrite|randrw[:READ%] (randrw: 70% reads)", .check = check_rw },
		{ .name = "bs", .type = GB_OPT_STRING, .dest = &bs_s, .def = "4k", .metavar = "LIST",
		  .help = "block sizes, comma-separated; each is a job of its own", .check = check_bs },
		{ .name = "qd", .type = GB_OPT_INT, .dest = &qd, .def = "32", .min = 1, .max = 4096,
		  .metavar = "N", .help = "I/Os in flight per job (psync: threads)" },
		{ .name = "jobs", .type = GB_OPT_INT, .dest = &jobs, .def = "1", .min = 1, .max = 256,
		  .metavar = "N", .help = "independent workers, each with --qd in flight" },
		{ .name = "duration", .type = GB_OPT_DURATION, .dest = &duration, .def = "5s", .min = 0.01,
		  .max = 86400, .metavar = "TIME", .help = "length of one sample", .quick = "200ms" },
		{ .name = "ios", .type = GB_OPT_INT, .dest = &ios, .min = 1, .max = 1e15, .metavar = "N",
		  .help = "I/Os per sample instead of --duration" },
		{ .name = "engine", .type = GB_OPT_CHOICE, .dest = &engine_s, .def = "auto",
		  .choices = dio_engine_choices(), .metavar = "NAME",
		  .help = "auto: io_uring, or psync where io_uring is refused (recorded)" },
		{ .name = "buffered", .type = GB_OPT_FLAG, .dest = &buffered,
		  .help = "no O_DIRECT: through the page cache (marked in the result)" },
		{ .name = "verify", .type = GB_OPT_FLAG, .dest = &verify,
		  .help = "check every block read, and read the whole file back at the end" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-diskio",
		.bench = "diskio",
		.summary = "block I/O: IOPS, MB/s, latency percentiles and CPU per I/O (O_DIRECT)",
		.synopsis = "--dir DIR | --file PATH [options]",
		.epilog = "presets:\n"
			  "  felter  1M read and write at QD 32; 4k randread, randwrite, randrw 70/30 at QD 128;\n"
			  "          4k randread at QD 16 (latency)\n"
			  "  li      read, randread, write, randwrite at 16k, 64k, 256k, 1m, one in flight\n"
			  "metrics: <rw>_<bs>_iops, _mbps, _latency (us, with percentiles), _cpu_per_io (us)\n"
			  "defaults: 3 samples of 5 s after a 1 s warm-up (--quick: 0.2 s samples, a 32 MiB file)\n",
		.common = GB_C_RUN,
		.opts = opts,
		/* fewer samples than the common default, because one sample
		 * already averages many thousand I/Os; --quick: no warm-up */
		.defaults = (const gb_optdef[]){ { "repeat", "3", NULL }, { "warmup", NULL, "0" }, { NULL } },
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	/* ---- every check that does not need the file, before touching it */
	rc = GB_EXIT_USAGE;
	if (!dir == !file) {
		gb_err("give exactly one of --dir DIR (a file of its own is created there) or --file PATH");
		goto out_cli;
	}
	if (keep && file) {
		gb_err("--keep applies to the file created in --dir; --file is never removed");
		goto out_cli;
	}
	if (allow_write && !file) {
		gb_err("--allow-write applies to --file; the file created in --dir is always writable");
		goto out_cli;
	}
	if (preset && (gb_cli_isset(&cli, "rw") || gb_cli_isset(&cli, "bs") || gb_cli_isset(&cli, "qd") ||
		       gb_cli_isset(&cli, "jobs"))) {
		gb_err("--preset %s sets the jobs; --rw, --bs, --qd and --jobs cannot be given with it", preset);
		goto out_cli;
	}
	dio_job job[DIO_MAX_JOBS];
	int njob = 0;
	if (preset) {
		njob = dio_preset(preset, job, DIO_MAX_JOBS);
	} else {
		uint64_t bs[MAX_BS];
		dio_rw rw;
		int pct;
		char msg[128];
		int nbs = dio_bs_list(bs_s, bs, MAX_BS);
		dio_rw_parse(rw_s, &rw, &pct, msg, sizeof msg);	/* checked by the option table */
		for (int i = 0; i < nbs; i++) {
			char b[16];
			dio_job *j = &job[njob++];
			memset(j, 0, sizeof *j);
			j->rw = rw;
			j->read_pct = pct;
			j->bs = bs[i];
			j->qd = (int)qd;
			j->jobs = (int)jobs;
			dio_bs_name(bs[i], b, sizeof b);
			snprintf(j->name, sizeof j->name, "%s_%s", dio_rw_name(rw), b);
		}
	}
	int writes = 0;
	uint64_t max_bs = 0, buf_bytes = 0;
	for (int i = 0; i < njob; i++) {
		writes |= dio_rw_writes(job[i].rw);
		if (job[i].bs > max_bs)
			max_bs = job[i].bs;
		uint64_t b = job[i].bs * (uint64_t)job[i].qd * (uint64_t)job[i].jobs;
		buf_bytes = b > buf_bytes ? b : buf_bytes;
	}
	if (file && !allow_write && (writes || verify)) {
		gb_err("--file %s is only read unless --allow-write is given (%s would overwrite its data)", file,
		       verify ? "--verify" : "a write job");
		goto out_cli;
	}
	if (size && size < max_bs) {
		gb_err("--size must hold at least one block of %llu bytes", (unsigned long long)max_bs);
		goto out_cli;
	}


	rc = GB_EXIT_ENV;
	const gb_effective *eff = gb_effective_get();
	if (eff->mem && buf_bytes > eff->mem / 4) {
		gb_err("the I/O buffers (block size x qd x jobs = %llu bytes) exceed a quarter of the "
		       "memory available here (%llu bytes)", (unsigned long long)buf_bytes,
		       (unsigned long long)eff->mem);
		goto out_cli;
	}

	/* ---- the engine: probing touches no file */
	dio_probe probes[8];
	int nprobes;
	const dio_engine_ops *engine = dio_engine_pick(engine_s, probes, &nprobes);
	if (!engine) {
		/* a probe is cheap: say what auto would have run instead */
		dio_probe alt[8];
		int nalt;
		const dio_engine_ops *a = dio_engine_pick("auto", alt, &nalt);
		gb_err("--engine %s: %s; --engine auto would %s%s", engine_s, probes[0].why,
		       a ? "fall back to " : "find no engine either", a ? a->name : "");
		goto out_cli;
	}
	for (int i = 0; i < njob; i++) {
		char msg[256];
		if (engine->check && engine->check(&job[i], msg, sizeof msg) < 0) {
			gb_err("%s", msg);
			goto out_cli;
		}
	}

	if (cli.c.plan) {	/* the jobs and the engine; no file created, nothing measured */
		gb_report r;
		gb_report_init(&r, &cli);
		gb_kv_num(&r.config, "duration", duration);
		gb_kv_str(&r.config, "engine", engine->name);
		gb_kv_str(&r.config, "engine_requested", engine_s);
		report_probes(&r, engine, probes, nprobes);
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}

	/* ---- the target */
	/* 63 bits: it goes into the JSON as an integer */
	uint64_t seed = ((gb_now_ns() * 0x9e3779b97f4a7c15ull) ^ (uint64_t)getpid()) >> 1;
	dio_target t;
	dio_target_req req = {
		.dir = dir, .file = file, .size = size,
		.quick_size = cli.c.quick ? 32u << 20 : 0,
		.unit = max_bs, .writes = writes, .allow_write = allow_write, .keep = keep, .buffered = buffered,
		.stamp_existing = verify && file, .seed = seed,
	};
	char err[512];
	if ((rc = dio_target_open(&t, &req, err, sizeof err))) {
		gb_err("%s", err);
		dio_target_close(&t, 0);
		goto out_cli;
	}
	for (int i = 0; i < njob; i++)
		if (job[i].bs % t.align) {
			gb_err("--bs %llu is not a multiple of the O_DIRECT alignment of %s (%u bytes, from %s)",
			       (unsigned long long)job[i].bs, t.path, t.align, t.align_source);
			dio_target_close(&t, 0);
			rc = GB_EXIT_ENV;
			goto out_cli;
		}
	if (corrupt_hook(&t, err, sizeof err) < 0) {
		gb_err("%s", err);
		dio_target_close(&t, 0);
		rc = GB_EXIT_USAGE;
		goto out_cli;
	}

	gb_report r;
	gb_report_init(&r, &cli);
	gb_kv_int(&r.config, "size", (long long)t.size);
	gb_kv_num(&r.config, "duration", duration);
	gb_kv_str(&r.config, "path", t.path);
	gb_kv_bool(&r.config, "created", t.created);
	gb_kv_str(&r.config, "fstype", t.fstype);
	gb_kv_bool(&r.config, "direct", t.direct);
	gb_kv_int(&r.config, "align", t.align);
	gb_kv_str(&r.config, "align_source", t.align_source);
	gb_kv_str(&r.config, "engine", engine->name);
	gb_kv_str(&r.config, "engine_requested", engine_s);
	report_probes(&r, engine, probes, nprobes);
	gb_kv_int(&r.config, "seed", (long long)seed);
	if (!t.direct)
		gb_report_warn(&r, "--buffered: O_DIRECT is off, figures include the page cache, not only the device");
	if (t.in_use)
		gb_report_warn(&r, "%s is in use (mounted or held by another program): its I/O mixes with ours",
			       t.path);
	if (!strcmp(t.fstype, "tmpfs"))
		gb_report_warn(&r, "%s is on tmpfs: memory, not a disk", t.path);
	if (verify)
		gb_report_warn(&r, "--verify: stamping and checking every block costs CPU, which the figures include");

	/* --time-limit is shared out between the jobs */
	double limit = cli.c.time_limit > 0 ? cli.c.time_limit / njob : 0;
	for (int i = 0; i < njob; i++)
		run_job(&r, &t, &job[i], engine, duration, (uint64_t)ios, verify, seed, &cli.c, limit);
	if (verify)
		read_back(&r, &t, seed);
	dio_target_close(&t, keep);
	gb_cli_free(&cli);
	return gb_report_finish(&r);

out_cli:
	gb_cli_free(&cli);
	return rc;
}
