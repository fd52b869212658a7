/* trust.c - gb-timer's verdict on the clocks, carried into gb-compare's
 * warnings.  gb-timer records in its config whether sub-microsecond
 * figures from its environment can be trusted (clock_trusted, with
 * clock_trust_reason: a clock read that is a system call, a coarse clock,
 * time going backwards between CPUs, an unsteady TSC).  A comparison that
 * holds such an environment says so once, whatever metric it compares:
 * every short operation timed there carries the clock's error. */
#include <string.h>

#include "compare.h"

void cmp_trust_warn(gb_strlist *warnings, const cmp_run *run, const char *label)
{
	if (!run->config || !json_is_false(json_object_get(run->config, "clock_trusted")))
		return;
	const char *why = json_string_value(json_object_get(run->config, "clock_trust_reason"));
	char line[CMP_MAX_NAME + 560];
	/* the reason comes from a file: bounded here, made printable by render */
	snprintf(line, sizeof line, "%.*s: sub-microsecond figures from this environment cannot be trusted "
		 "(gb-timer: %.400s)", CMP_MAX_NAME, label, why ? why : "no reason recorded");
	for (size_t i = 0; i < warnings->n; i++)	/* once, however many launches say it */
		if (strcmp(warnings->v[i], line) == 0)
			return;
	gb_strlist_add(warnings, line);
}
