/* tap.h - a minimal TAP producer for the unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what" (with the values
 * that differed), tests/run counts them.  tap_done() returns the exit
 * status: 0 when every check passed. */
#ifndef GB_TAP_H
#define GB_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_vreport(int pass, const char *fmt, va_list ap)
{
	printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
	fflush(stdout);
}

static __attribute__((unused, format(printf, 2, 3))) int ok(int pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	return pass;
}

/* |got - want| <= tol (absolute) */
static __attribute__((unused)) int is_num(double got, double want, double tol, const char *what)
{
	int pass = fabs(got - want) <= tol || (isnan(got) && isnan(want));
	if (!ok(pass, "%s", what))
		printf("#   got %.17g, want %.17g (tol %g)\n", got, want, tol);
	return pass;
}

static __attribute__((unused)) int is_int(long long got, long long want, const char *what)
{
	if (!ok(got == want, "%s", what))
		printf("#   got %lld, want %lld\n", got, want);
	return got == want;
}

static __attribute__((unused)) int is_str(const char *got, const char *want, const char *what)
{
	int pass = got && want && strcmp(got, want) == 0;
	if (!ok(pass, "%s", what))
		printf("#   got \"%s\", want \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
	return pass;
}

static __attribute__((unused)) void skip(const char *why, const char *what)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, what, why);
}

static __attribute__((unused)) int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
