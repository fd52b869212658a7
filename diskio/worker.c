/* worker.c - what every engine's worker shares: starting the sample's
 * clock, recording a failure, adding up results. */
#include <stdarg.h>
#include <stdio.h>

#include "clock.h"
#include "worker.h"

void dio_worker_begin(dio_worker *w)
{
	w->start_ns = gb_now_ns();
	w->deadline_ns = w->start_ns + w->duration_ns;
}

void dio_fail(dio_result *res, const char *fmt, ...)
{
	if (res->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof res->error, fmt, ap);
	va_end(ap);
	res->failed = 1;
}

void dio_result_add(dio_result *into, const dio_result *part)
{
	into->ios += part->ios;
	into->bytes += part->bytes;
	into->reads += part->reads;
	into->writes += part->writes;
	gb_hist_merge(into->lat, part->lat);
	if (part->failed)
		dio_fail(into, "%s", part->error);
}
