/* ops.c - what the operation files share: recording a validation
 * failure from inside a timed loop, and declaring an operation
 * unavailable from its set-up. */
#include "ops.h"

#include <stdarg.h>
#include <stdio.h>

uint64_t sc_fail(sc_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->error, sizeof c->error, fmt, ap);
	va_end(ap);
	return GB_LOOP_FAIL;
}

int sc_unavailable(sc_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
	c->err = err;
	return -1;
}
