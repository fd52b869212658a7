/* out.c - latency histograms to metrics.  Every wake-up goes into a
 * histogram (common/hist: percentiles within 1 %); the metric's samples
 * are medians of blocks of consecutive wake-ups, so that its median and
 * interval describe the run's middle while p50 ... max describe every
 * wake-up, and the document stays small at 10,000 wake-ups per CPU. */
#include "timer.h"

gb_metric *tm_metric_hist(gb_report *r, const char *name, const gb_hist *h, uint64_t over,
			  const double *samples, size_t n, const char *samples_are)
{
	gb_metric *m = gb_report_metric(r, name, "us", GB_LOWER, samples, n);
	gb_metric_set_pct(m, h, 1e-3);
	gb_kv_int(&m->extra, "wakeups", (long long)h->n);
	gb_kv_int(&m->extra, "over_100us", (long long)over);
	gb_kv_num(&m->extra, "mean_us", gb_hist_mean(h) / 1e3);
	gb_kv_num(&m->extra, "stddev_us", gb_hist_stddev(h) / 1e3);
	gb_kv_str(&m->extra, "samples_are", samples_are);
	return m;
}
