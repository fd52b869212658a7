/* randomaccess.c - gb-randomaccess: HPCC RandomAccess (GUPS) by the rules
 * (gups.c), and the dependent-load latency curve that shows what a TLB
 * miss costs here (latency.c, --latency).
 *
 * Sizes follow the machine the process is allowed, never the host: the
 * GUPS table is HPCC's "largest power of two <= half the memory" of the
 * effective memory (divided between the star tables), the latency curve
 * goes up to 4 GiB within a quarter of it; an explicit size that does
 * not fit is refused (exit 3) before anything is allocated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fault.h"
#include "format.h"
#include "kernel.h"
#include "parse.h"
#include "ra.h"
#include "report.h"
#include "topo.h"
#include "util.h"

#define QUICK_TABLE	(16ull << 20)	/* a smoke run: fits in most LLCs */
#define QUICK_LAT_MAX	(64ull << 20)
#define LAT_MAX		(4ull << 30)	/* the ">= 4 GiB" */
#define LAT_MIN		(16ull << 10)
/* Lock-step streams per thread, i.e. updates pending (HPCC: <= 1024).
 * 256 measured best on Zen 5 (KVM guest, 4K and THP); 128 within 10%. */
#define LOOKAHEAD_DEF	"256"

static uint64_t pow2_floor(uint64_t x)
{
	return x ? 1ull << (63 - __builtin_clzll(x)) : 0;
}

static int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int check_pow2(const char *val, char *msg, unsigned len)
{
	uint64_t v;

	if (gb_parse_size(val, &v) == 0 && is_pow2(v))
		return 0;
	snprintf(msg, len, "a power of two, e.g. 128M, 1G (HPCC tables are 2^n words)");
	return -1;
}

int randomaccess_main(int argc, char **argv)
{
	const char *variant = NULL;
	long long lookahead = 0;
	int latency = 0, no_gups = 0;
	uint64_t lat_max = 0;
	char mb[32];
	const gb_opt opts[] = {
		{ .name = "variant", .type = GB_OPT_CHOICE, .dest = &variant, .def = "star",
		  .choices = "single|star|shared", .metavar = "V",
		  .help = "single: one thread, one table; star: every thread its own table; "
		  "shared: all threads one table" },
		{ .name = "lookahead", .type = GB_OPT_INT, .dest = &lookahead, .def = LOOKAHEAD_DEF, .min = 1,
		  .max = RA_LOOKAHEAD_MAX, .metavar = "N",
		  .help = "updates in flight per thread (HPCC rules: at most 1024)" },
		{ .name = "latency", .type = GB_OPT_FLAG, .dest = &latency,
		  .help = "also measure the dependent-load latency curve (4K vs huge pages)" },
		{ .name = "no-gups", .type = GB_OPT_FLAG, .dest = &no_gups,
		  .help = "skip GUPS (with --latency: only the curve)" },
		{ .name = "latency-max", .type = GB_OPT_SIZE, .dest = &lat_max, .min = 32768, .max = 0x1p40,
		  .metavar = "SIZE",
		  .help = "largest working set of the curve, a power of two (default 4G, within a "
		  "quarter of the effective memory)",
		  .check = check_pow2 },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-randomaccess",
		.bench = "randomaccess",
		.summary = "HPCC RandomAccess (GUP/s) by the rules, and the dependent-load latency curve",
		.synopsis = "[options]",
		.epilog = "metrics: gups (variant in config), gups_per_thread (star);\n"
			  "  with --latency: latency_<bytes>, latency_4k_<bytes>, latency_l1, latency_l2,\n"
			  "  latency_llc, latency_dram, page_walk_penalty (ns).\n"
			  "--size is the size of one table: a power of two.  See docs/randomaccess.md.\n",
		.common = GB_C_RUN | GB_C_BATCH | GB_C_THREADS | GB_C_CPUS | GB_C_MEM,
		.opts = opts,
		/* HPCC times RandomAccess once.  At the default size (half the
		 * memory) one run takes a minute or more, so the defaults here are
		 * 3 timed runs, enough for a median, and no warm-up: initialising
		 * the table (untimed) has already touched every page. */
		.defaults = (const gb_optdef[]){ { "repeat", "3", NULL }, { "warmup", "0", NULL },
						 { "min-time", NULL, "2ms" }, { NULL } },
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);

	ra_cfg c;
	memset(&c, 0, sizeof c);
	char err[512];
	if (cli.c.size && !is_pow2(cli.c.size)) {
		gb_err("--size %llu: must be a power of two, e.g. 128M, 1G (HPCC tables are 2^n words)",
		       (unsigned long long)cli.c.size);
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}
	if (no_gups && !latency) {
		gb_err("--no-gups: nothing left to measure; add --latency");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}
	if ((rc = gb_cli_cpus(&cli, &c.cpus, err, sizeof err))) {
		gb_err("%s", err);
		gb_cli_free(&cli);
		return rc;
	}
	gb_parse_pages(cli.c.pages, &c.pages);	/* the option's choices are the parser's */
	gb_parse_numa(cli.c.numa, &c.numa);

	const gb_effective *eff = gb_effective_get();
	const gb_topo *topo = gb_topo_get();
	c.variant = !strcmp(variant, "single") ? RA_SINGLE : !strcmp(variant, "star") ? RA_STAR : RA_SHARED;
	c.threads = cli.c.threads ? (int)cli.c.threads : CPU_COUNT(&c.cpus) < eff->ncpus ?
		    CPU_COUNT(&c.cpus) : eff->ncpus;
	int threads_ignored = c.variant == RA_SINGLE && gb_cli_isset(&cli, "threads") && c.threads != 1;
	if (c.variant == RA_SINGLE)
		c.threads = 1;
	c.lookahead = (unsigned)lookahead;
	c.repeat = (int)cli.c.repeat;
	c.warmup = (int)cli.c.warmup;
	c.time_limit = cli.c.time_limit;
	c.min_time = cli.c.min_time;
	const char *hook = gb_fault("corrupt");
	if (hook && *hook)
		gb_parse_u64(hook, &c.corrupt);

	/* GUPS table: HPCC's "largest power of two <= half the memory" */
	int ntab = c.variant == RA_STAR ? c.threads : 1;
	uint64_t table = cli.c.size;
	if (!table) {
		table = pow2_floor(eff->mem / 2 / (uint64_t)ntab);
		if (cli.c.quick && table > QUICK_TABLE)
			table = QUICK_TABLE;
	}
	if (!no_gups && (table < 4096 || table > eff->mem / (uint64_t)ntab)) {
		gb_fmt_bytes(mb, sizeof mb, eff->mem);
		gb_err("--size %llu x %d table%s does not fit in the effective memory (%s, %s)%s",
		       (unsigned long long)table, ntab, ntab > 1 ? "s" : "", mb, eff->mem_source,
		       ntab > 1 ? "; star has one table per thread" : "");
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}
	c.table_words = table / 8;

	/* latency curve: up to 4 GiB, the buffer and its permutation
	 * (4 bytes a line) within a quarter of the effective memory */
	c.lat_min = LAT_MIN;
	c.lat_4k_too = c.pages != GB_PAGES_4K;
	if (latency) {
		uint64_t room = eff->mem / 4;
		if (lat_max) {
			if (lat_max + lat_max / 16 > eff->mem) {
				gb_fmt_bytes(mb, sizeof mb, eff->mem);
				gb_err("--latency-max %llu does not fit in the effective memory (%s, %s)",
				       (unsigned long long)lat_max, mb, eff->mem_source);
				gb_cli_free(&cli);
				return GB_EXIT_ENV;
			}
			c.lat_max = lat_max;
		} else {
			c.lat_max = cli.c.quick ? QUICK_LAT_MAX : LAT_MAX;
			while (c.lat_max > c.lat_min && c.lat_max + c.lat_max / 16 > room)
				c.lat_max /= 2;
		}
	}

	gb_report r;
	gb_report_init(&r, &cli);
	gb_kv_str(&r.config, "variant", variant);
	gb_kv_int(&r.config, "threads", c.threads);
	gb_kv_int(&r.config, "lookahead", c.lookahead);
	if (threads_ignored)
		gb_report_warn(&r, "--threads: --variant single runs one thread");
	if (!no_gups) {
		gb_kv_int(&r.config, "size", (long long)table);
		if (table * (uint64_t)ntab < 4 * topo->llc_total && !cli.c.quick)
			gb_report_warn(&r, "gups: the table%s (%llu MiB) %s less than 4 x the LLC: "
				       "a cache measurement, not a memory one", ntab > 1 ? "s" : "",
				       (unsigned long long)(table * (uint64_t)ntab >> 20),
				       ntab > 1 ? "are" : "is");
	}
	if (latency) {
		gb_kv_int(&r.config, "latency_min", (long long)c.lat_min);
		gb_kv_int(&r.config, "latency_max", (long long)c.lat_max);
	}
	if (cli.c.plan) {	/* sized; nothing allocated, nothing measured */
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}
	if (!no_gups)
		rc = ra_gups_run(&r, &c);
	if (!rc && latency)
		rc = ra_latency_run(&r, &c);
	gb_cli_free(&cli);
	if (rc)		/* an explicit page size or NUMA mode was refused: exit 3,
			 * nothing half-measured is written (the process ends) */
		return rc;
	return gb_report_finish(&r);
}
