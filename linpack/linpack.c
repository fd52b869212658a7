/* linpack.c - gb-linpack: HPL's LU solve on OpenBLAS, on the kernels the
 * CPU can really run, with the dgemm peak it should be compared with.
 *
 * Order of events, and why:
 *  1. core.c opens our own executable and parses the re-exec marker;
 *  2. the options are parsed (a usage error never re-executes);
 *  3. the OpenBLAS core type is decided and, if it must change, we
 *     re-execute with OPENBLAS_CORETYPE set (core.c);
 *  4. every N is checked against the effective memory before anything is
 *     allocated (exit 3);
 *  5. the dgemm peak (and, for a self-sized N, the speed that sizes it);
 *  6. warm-up and repeats of generate / factor+solve (timed) / residual,
 *     within --time-limit;
 *  7. the report: gflops, peak_gflops, efficiency, the core story.
 *
 * Test-only fault: GB_FAULT=linpack.singular zeroes one row of A, so dgetrf finds
 * an exactly zero pivot and the run must be reported invalid (exit 1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blas.h"
#include "clock.h"
#include "cli.h"
#include "env.h"
#include "fault.h"
#include "format.h"
#include "linpack.h"
#include "mem.h"
#include "parse.h"
#include "report.h"
#include "resid.h"
#include "topo.h"
#include "util.h"

#define MAX_N_LIST 32
#define QUICK_N 2000
#define QUICK_BUDGET 10.0	/* seconds for a --quick run, at most */
#define DEFAULT_TIME_LIMIT "60s"
#define MEM_SHARE 0.8		/* of the effective memory, for a self-sized N */
/* What the process needs besides the matrix: the static binary, OpenBLAS's
 * packing buffers and thread stacks (about 6 MiB measured at N 1024 on 2
 * threads) with a margin.  Without it, N was sized to 80% of a 16 MiB
 * cgroup and the OOM killer ended the run (SIGKILL, no result). */
#define MEM_RESERVE (16ull << 20)
#define PEAK_N 4000		/* anchors/run dgemm's order: the same ceiling */
#define SEED 0x6775657374ull	/* fixed: every run solves the same system */
/* LU runs at a fraction of dgemm's rate, lower for small N; sizing
 * assumes this much so the estimate errs towards finishing early */
#define LU_SHARE 0.75

static int parse_n_list(const char *s, long long *v, int *count, char *msg, unsigned len)
{
	int k = 0;
	for (const char *p = s; *p;) {
		size_t w = strcspn(p, ",");
		char item[32];
		uint64_t n;
		if (w == 0 || w >= sizeof item)
			goto bad;
		memcpy(item, p, w);
		item[w] = 0;
		if (gb_parse_u64(item, &n) < 0 || n < 1 || n > 1000000)
			goto bad;
		for (int i = 0; i < k; i++)
			if (v[i] == (long long)n) {
				snprintf(msg, len, "each N once (%llu is repeated)", (unsigned long long)n);
				return -1;
			}
		if (k == MAX_N_LIST) {
			snprintf(msg, len, "at most %d sizes", MAX_N_LIST);
			return -1;
		}
		v[k++] = (long long)n;
		p += w + (p[w] == ',');
		if (p[-1] == ',' && !*p)
			goto bad;
	}
	if (!k)
		goto bad;
	*count = k;
	return 0;
bad:
	snprintf(msg, len, "a matrix order from 1 to 1000000, or a comma-separated list of them");
	return -1;
}

static int check_n(const char *v, char *msg, unsigned len)
{
	long long n[MAX_N_LIST];
	int k;
	return parse_n_list(v, n, &k, msg, len);
}

static int check_core(const char *v, char *msg, unsigned len)
{
	if (strcmp(v, "auto") == 0 || strcmp(v, "library") == 0 || lp_core_find(v))
		return 0;
	snprintf(msg, len, "auto, library or an OpenBLAS core type: %s", LP_CORE_NAMES);
	return -1;
}

/* progress: what runs, and how long the factorisation should take */
static const char *phase_what;
static double factor_estimate;
static void tick(const char *phase)
{
	lp_progress_set(phase_what, phase, strcmp(phase, "factor") == 0 ? factor_estimate : 0);
}

/* Seconds one run of order n should take at 'rate' Gflop/s: LU and solve,
 * plus generation and residual (~2 ns per entry and thread, each). */
static double run_estimate(double n, double rate, int threads)
{
	return lp_flops(n) / (LU_SHARE * rate * 1e9) + 4e-9 * n * n / threads;
}

/* The largest N (a multiple of 8, so columns stay 64-byte aligned) whose
 * 'runs' runs fit 'budget' seconds, capped by 'nmax'. */
static long long size_for_time(double budget, int runs, double rate, int threads, long long nmax)
{
	long long lo = 8, hi = nmax;
	if (run_estimate((double)hi, rate, threads) * runs <= budget)
		return hi;
	while (hi - lo > 8) {
		long long mid = (lo + hi) / 2;
		if (run_estimate((double)mid, rate, threads) * runs <= budget)
			lo = mid;
		else
			hi = mid;
	}
	return lo / 8 * 8 < 8 ? 8 : lo / 8 * 8;
}

struct nres {
	long long n;
	double g[1024];		/* Gflop/s of each kept run */
	double t[1024];		/* factor + solve seconds */
	int k;
	double resid_max, gen_s;
};

/* config: the sizes, the threads and the kernels' story (what --plan
 * prints, and every run records) */
static void config_plan(gb_report *r, const long long *ns, int nn, const char *n_source, int threads,
			const lp_core_state *core)
{
	if (nn == 1) {
		gb_kv_int(&r->config, "n", ns[0]);
	} else {
		char list[MAX_N_LIST * 8 + 1] = "";
		size_t o = 0;
		for (int i = 0; i < nn; i++)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%lld", i ? "," : "", ns[i]);
		gb_kv_str(&r->config, "n", list);
	}
	gb_kv_str(&r->config, "n_source", n_source);
	gb_kv_str(&r->config, "nb", "OpenBLAS dgetrf's own (recursive, parallel)");
	gb_kv_int(&r->config, "threads", threads);
	gb_kv_str(&r->config, "blas_core_library", core->library);
	gb_kv_str(&r->config, "blas_core_used", openblas_get_corename());
	gb_kv_str(&r->config, "blas_core_reason", core->choice.reason);
	if (core->env[0])
		gb_kv_str(&r->config, "blas_core_env", core->env);
	else
		gb_kv_null(&r->config, "blas_core_env");
	gb_kv_bool(&r->config, "blas_reexec", core->reexec);
	if (core->reexec)
		gb_kv_str(&r->config, "blas_reexec_how", core->how);
	const gb_isa *isa = gb_isa_get();
	gb_kv_str(&r->config, "isa_level", gb_isa_name(isa->best));
	gb_kv_str(&r->config, "isa_tier", lp_tier_name(lp_tier_allowed(isa)));
	gb_kv_str(&r->config, "isa_flags", r->env->isa_flags);
	char *cfgs = openblas_get_config();
	gb_kv_str(&r->config, "openblas_config", cfgs ? cfgs : "unknown");
	gb_kv_num(&r->config, "residual_threshold", LP_RESID_THRESHOLD);
	gb_kv_int(&r->config, "seed", (long long)SEED);
}

int linpack_main(int argc, char **argv)
{
	lp_core_early(argv);

	const char *nlist = NULL, *blas_core = "auto";
	int peak_on = 0, peak_off = 0;
	const gb_opt opts[] = {
		{ .name = "n", .type = GB_OPT_STRING, .dest = &nlist, .metavar = "N[,N...]",
		  .help = "matrix order, or a sweep (default: sized to memory and --time-limit; --quick: 2000)",
		  .check = check_n },
		{ .name = "blas-core", .type = GB_OPT_STRING, .dest = &blas_core, .def = "auto",
		  .metavar = "CORE",
		  .help = "OpenBLAS kernels: auto (the best the CPU allows), library (OpenBLAS's own "
		  "choice) or a core type (SkylakeX, Haswell, ...)",
		  .check = check_core },
		{ .name = "peak", .type = GB_OPT_FLAG, .dest = &peak_on,
		  .help = "measure the dgemm peak (the default outside --quick)" },
		{ .name = "no-peak", .type = GB_OPT_FLAG, .dest = &peak_off,
		  .help = "do not measure the dgemm peak" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-linpack",
		.bench = "linpack",
		.summary = "HPL-style LU solve on OpenBLAS, on the kernels this CPU can really run",
		.synopsis = "[options]",
		.epilog = "metrics: gflops (HPL's count 2/3 N^3 + 3/2 N^2 over factor + solve time; "
			  "gflops_<N> for the\nsmaller sizes of a sweep), peak_gflops (dgemm), "
			  "efficiency (gflops / best peak).\nA run is valid when HPL's scaled residual is "
			  "below 16.  --time-limit defaults to 60s here.\n",
		.common = GB_C_RUN | GB_C_THREADS | GB_C_MEM,
		.opts = opts,
		/* HPL is usually run once at the largest N that fits; the
		 * default N is sized so that warm-up + repeats fit --time-limit,
		 * so 10 repeats would mean a small N and a low efficiency.  3
		 * timed runs give a median at a larger N, and no warm-up:
		 * generating the matrix (untimed) has already touched every
		 * page, so a discarded full-size LU would only shrink N. */
		.defaults = (const gb_optdef[]){ { "repeat", "3", NULL }, { "warmup", "0", NULL },
						 { "time-limit", DEFAULT_TIME_LIMIT, NULL }, { NULL } },
		.max_positional = 0,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	if (peak_on && peak_off) {
		gb_err("--peak and --no-peak: choose one");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}
	long long ns[MAX_N_LIST];
	int nn = 0;
	char msg[256];
	if (nlist && parse_n_list(nlist, ns, &nn, msg, sizeof msg) < 0)
		gb_die(GB_EXIT_USAGE, "--n: %s", msg);	/* checked by the parser already */
	if (nlist && cli.c.size) {
		gb_err("--n and --size both set the matrix order: choose one");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}
	gb_pages pages = GB_PAGES_AUTO;
	gb_numa numa = { GB_NUMA_LOCAL, 0 };
	if ((cli.c.pages && gb_parse_pages(cli.c.pages, &pages) < 0) ||
	    (cli.c.numa && gb_parse_numa(cli.c.numa, &numa) < 0)) {
		gb_err("--pages/--numa: unknown mode");
		gb_cli_free(&cli);
		return GB_EXIT_USAGE;
	}

	/* the kernels: may re-execute this program and not return */
	lp_core_state core;
	if ((rc = lp_core_apply(argv, blas_core, &core))) {
		gb_err("%s", core.choice.reason);
		gb_cli_free(&cli);
		return rc;
	}

	uint64_t start = gb_now_ns();
	const gb_effective *eff = gb_effective_get();
	int threads = cli.c.threads ? (int)cli.c.threads : eff->ncpus;
	openblas_set_num_threads(threads);
	/* --plan: a self-sized N still needs the short dgemm calibration */
	int do_peak = !cli.c.plan && (peak_on || (!cli.c.quick && !peak_off));
	int runs = (int)(cli.c.warmup + cli.c.repeat);

	/* sizes: every explicit one is checked before anything is allocated */
	const char *n_source;
	uint64_t room = eff->mem > MEM_RESERVE ? eff->mem - MEM_RESERVE : 0;
	long long nmem = (long long)sqrt(MEM_SHARE * (double)room / 8.0) / 8 * 8;
	if (nlist) {
		n_source = "--n";
	} else if (cli.c.size) {
		ns[nn++] = (long long)sqrt((double)cli.c.size / 8.0);
		n_source = "--size";
	} else if (cli.c.quick) {
		ns[nn++] = 0;	/* QUICK_N, unless memory or a slow CPU says less */
		n_source = "--quick";
	} else {
		ns[nn++] = 0;	/* after the calibration */
		n_source = "auto";
	}
	char have[32], need[32];
	gb_fmt_bytes(have, sizeof have, eff->mem);
	for (int i = 0; i < nn; i++) {
		uint64_t bytes = 8ull * (uint64_t)ns[i] * (uint64_t)ns[i];
		if (ns[i] && bytes + 12ull * (uint64_t)ns[i] > room) {
			gb_fmt_bytes(need, sizeof need, bytes);
			gb_err("insufficient memory: N %lld needs %s for the matrix (and about 16 MiB "
			       "for the program); this environment has %s of effective memory (%s)",
			       ns[i], need, have, eff->mem_source);
			gb_cli_free(&cli);
			return GB_EXIT_ENV;
		}
	}
	if (!ns[0] && nmem < 8) {
		gb_err("insufficient memory: %s of effective memory (%s) is too little for any "
		       "matrix (the program alone needs about 16 MiB)", have, eff->mem_source);
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}

	gb_report r;
	gb_report_init(&r, &cli);
	if (core.warn[0])
		gb_report_warn(&r, "BLAS core: %s", core.warn);
	if (core.dropped[0])
		gb_report_warn(&r, "BLAS core: %s", core.dropped);
	/* the user's variable is overridden, not ignored in silence */
	if (core.env[0] && !core.dropped[0] && strcasecmp(core.env, openblas_get_corename()) != 0) {
		if (strcmp(blas_core, "auto") == 0)
			gb_report_warn(&r, "BLAS core: OPENBLAS_CORETYPE=%s in the environment was overridden: "
				       "gb-linpack runs %s, the core for this CPU's features, so that every "
				       "environment runs the same kernels; to run %s, use --blas-core %s",
				       core.env, openblas_get_corename(), core.env, core.env);
		else
			gb_report_warn(&r, "BLAS core: OPENBLAS_CORETYPE=%s in the environment was "
				       "overridden by --blas-core %s", core.env, blas_core);
	}
	if (threads > eff->ncpus)
		gb_report_warn(&r, "%d threads on %d effective CPUs: oversubscribed", threads, eff->ncpus);
	lp_progress_start();

	/* the dgemm peak; its rate also sizes a self-sized N */
	lp_dgemm peak = { 0 };
	double rate = 0;
	char err[256];
	if (do_peak || !ns[0]) {
		/* 3 matrices in at most a quarter of the effective memory */
		int pn = cli.c.quick ? PEAK_N / 2 : PEAK_N;
		double fit = sqrt((double)eff->mem / 4 / 24);
		if (!do_peak)
			pn = cli.c.quick ? 256 : 1000;	/* a short calibration only */
		if (pn > fit)
			pn = (int)fit / 8 * 8;
		if (pn < 64)
			pn = 64;
		lp_progress_set("dgemm", do_peak ? "peak" : "calibration", 0);
		if (lp_dgemm_measure(pn, do_peak ? (cli.c.quick ? 3 : 5) : 2, &peak, err, sizeof err) < 0) {
			gb_report_fail(&r, "%s", err);
		} else {
			rate = peak.best;
			if (do_peak) {
				gb_metric *m = gb_report_metric(&r, "peak_gflops", "Gflop/s", GB_HIGHER,
								peak.samples, (size_t)peak.nsamples);
				gb_kv_int(&m->extra, "dgemm_n", peak.n);
				gb_kv_num(&m->extra, "best", peak.best);
				gb_metric_note(m, "dgemm N %d, best %.1f", peak.n, peak.best);
			}
			gb_kv_num(&r.config, "dgemm_calibration_gflops", rate);
		}
	}
	if (!ns[0]) {
		/* --quick stays a few seconds even on an emulated CPU, where
		 * N 2000 alone takes a minute */
		double spent = (double)(gb_now_ns() - start) * 1e-9;
		double limit = cli.c.time_limit > 0 ? cli.c.time_limit : INFINITY;
		if (cli.c.quick && limit > QUICK_BUDGET)
			limit = QUICK_BUDGET;
		long long cap = cli.c.quick && QUICK_N < nmem ? QUICK_N : nmem;
		if (rate <= 0)
			rate = 1;	/* the calibration failed (reported): stay small */
		ns[0] = size_for_time(limit - spent, runs, rate, threads, cap);
		if (cli.c.quick)
			n_source = ns[0] == QUICK_N ? "--quick"
				 : ns[0] == cap ? "--quick, capped by memory"
						: "--quick, capped by the calibrated dgemm rate";
		else
			n_source = ns[0] == nmem ? "auto: 80% of the effective memory"
						 : "auto: --time-limit at the calibrated dgemm rate";
		gb_kv_num(&r.config, "estimated_run_s", run_estimate((double)ns[0], rate, threads));
	}

	if (cli.c.plan) {	/* N and the kernels resolved; nothing allocated or measured */
		config_plan(&r, ns, nn, n_source, threads, &core);
		lp_progress_stop();
		gb_cli_free(&cli);
		return gb_report_finish(&r);
	}

	long long nbig = 0;	/* the largest N: its metric is "gflops" */
	for (int i = 0; i < nn; i++)
		if (ns[i] > nbig)
			nbig = ns[i];
	gb_buf buf;
	if (gb_mem_alloc(&buf, 8 * (size_t)nbig * (size_t)nbig, pages, &numa, &r.warnings, err,
			 sizeof err) < 0) {
		gb_err("%s", err);
		lp_progress_stop();
		gb_cli_free(&cli);
		return GB_EXIT_ENV;
	}
	double *x = gb_xmalloc((size_t)nbig * sizeof *x);
	int *ipiv = gb_xmalloc((size_t)nbig * sizeof *ipiv);
	const char *hook = gb_fault("singular");
	int singular = hook != NULL;

	struct nres *res = gb_xcalloc((size_t)nn, sizeof *res);
	int cut = 0;
	double last_run = 0;	/* seconds of the previous run, of order last_n */
	long long last_n = 1;
	int covered = 0;
	for (int i = 0; i < nn; i++) {
		int n = (int)ns[i];
		struct nres *nr = &res[i];
		nr->n = n;
		char what[48];
		snprintf(what, sizeof what, "N %d", n);
		phase_what = what;
		for (int k = 0; k < runs && nr->k < (int)(sizeof nr->g / sizeof nr->g[0]); k++) {
			double el = (double)(gb_now_ns() - start) * 1e-9;
			double next = last_run * pow((double)n / (double)last_n, 3);
			if (cli.c.time_limit > 0 && nr->k > 0 && el + next > cli.c.time_limit) {
				cut = 1;
				break;
			}
			factor_estimate = last_run ? next : rate > 0 ? lp_flops(n) / (LU_SHARE * rate * 1e9) : 0;
			uint64_t t0 = gb_now_ns();
			lp_run run;
			lp_hpl_run((double *)buf.p, x, ipiv, n, threads, SEED, singular, tick, &run);
			last_run = (double)(gb_now_ns() - t0) * 1e-9;
			last_n = n;
			if (n == nbig && !covered++)
				gb_mem_coverage(&buf);
			if (run.info > 0) {
				gb_report_fail(&r, "N %d: the matrix is singular: U(%d,%d) is exactly zero "
					       "(dgetrf info %d)%s", n, run.info, run.info, run.info,
					       singular ? "; GB_FAULT linpack.singular zeroed a row" : "");
				break;
			}
			if (run.info < 0) {
				gb_report_fail(&r, "N %d: dgetrf/dgetrs refused argument %d", n, -run.info);
				break;
			}
			if (!(run.resid < LP_RESID_THRESHOLD)) {
				gb_report_fail(&r, "N %d: HPL scaled residual %.4g is not below %g: the "
					       "solution is wrong", n, run.resid, LP_RESID_THRESHOLD);
				break;
			}
			nr->resid_max = fmax(nr->resid_max, run.resid);
			nr->gen_s = run.gen_s;
			if (k < cli.c.warmup)
				continue;
			double t = run.factor_s + run.solve_s;
			nr->t[nr->k] = t;
			nr->g[nr->k] = lp_flops(n) / t * 1e-9;
			nr->k++;
			gb_info("N %d: %.3f s, %.2f Gflop/s, residual %.3g", n, t, lp_flops(n) / t * 1e-9,
				run.resid);
		}
	}
	lp_progress_stop();
	if (cut)
		gb_report_warn(&r, "--time-limit cut the samples short");

	for (int i = 0; i < nn; i++) {
		struct nres *nr = &res[i];
		if (!nr->k)
			continue;
		char name[40], ename[48];
		if (nr->n == nbig) {
			snprintf(name, sizeof name, "gflops");
			snprintf(ename, sizeof ename, "efficiency");
		} else {
			snprintf(name, sizeof name, "gflops_%lld", nr->n);
			snprintf(ename, sizeof ename, "efficiency_%lld", nr->n);
		}
		gb_metric *m = gb_report_metric(&r, name, "Gflop/s", GB_HIGHER, nr->g, (size_t)nr->k);
		gb_kv_int(&m->extra, "order", nr->n);
		gb_kv_num(&m->extra, "seconds", gb_median(nr->t, (size_t)nr->k));
		gb_kv_num(&m->extra, "scaled_residual", nr->resid_max);
		gb_kv_num(&m->extra, "generate_s", nr->gen_s);
		double med = m->st.median;
		if (peak.best > 0 && do_peak) {
			double eff_s[1024];
			for (int k = 0; k < nr->k; k++)
				eff_s[k] = nr->g[k] / peak.best;
			gb_metric *e = gb_report_metric(&r, ename, "ratio", GB_HIGHER, eff_s, (size_t)nr->k);
			gb_kv_int(&e->extra, "order", nr->n);
			gb_metric_note(e, "of dgemm peak %.1f Gflop/s", peak.best);
			gb_metric_note(m, "N %lld: %.2f s, residual %.2g, %.0f%% of peak", nr->n,
				       gb_median(nr->t, (size_t)nr->k), nr->resid_max, 100 * med / peak.best);
		} else {
			gb_metric_note(m, "N %lld: %.2f s, residual %.2g", nr->n,
				       gb_median(nr->t, (size_t)nr->k), nr->resid_max);
		}
	}

	config_plan(&r, ns, nn, n_source, threads, &core);
	gb_kv_bool(&r.config, "peak", do_peak);
	gb_kv_str(&r.config, "pages_used", gb_pages_name(buf.used));
	gb_kv_str(&r.config, "numa_used", buf.numa);
	if (buf.huge_coverage >= 0)
		gb_kv_num(&r.config, "huge_coverage", buf.huge_coverage);
	else
		gb_kv_null(&r.config, "huge_coverage");
	if (strcmp(core.used, openblas_get_corename()) != 0)
		gb_report_warn(&r, "OpenBLAS reports core %s after start-up as %s", openblas_get_corename(),
			       core.used);

	free(res);
	free(x);
	free(ipiv);
	gb_mem_free(&buf);
	gb_cli_free(&cli);
	return gb_report_finish(&r);
}
