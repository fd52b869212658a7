/* test_init_cmdline.c - what guestbench's PID-1 init accepts on the kernel
 * command line (suite/init_cmdline.c), above all guestbench.timeout: init
 * turns it into a poll() timeout in milliseconds, so a value that does not
 * fit (inf, 1e300, 25 days) once became a timeout of 0 and PID 1 spun a
 * CPU for the whole run.  Such values must be refused with a message.
 *
 * init_cmdline.c is not part of a benchmark the Makefile links unit tests
 * with, and it depends on nothing but common/: it is compiled in here. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include "../../init/cmdline.c"

/* Parse "guestbench.timeout=V"; 0 and the value, or -1 and the message. */
static int timeout_of(const char *v, double *t, char *why, size_t len)
{
	char line[256];
	init_conf c;
	snprintf(line, sizeof line, "console=ttyS0 guestbench.timeout=%s quiet", v);
	why[0] = 0;
	int rc = init_parse(line, &c, why, len);
	*t = c.timeout;
	free(c.words);
	return rc;
}

static void test_timeout(void)
{
	static const struct {
		const char *v;
		double want;	/* -1: refused */
	} cases[] = {
		{ "0", 0 }, { "1", 1 }, { "2.5", 2.5 }, { "1000000", 1e6 },
		{ "inf", -1 }, { "INF", -1 }, { "infinity", -1 }, { "nan", -1 }, { "-1", -1 },
		{ "1e300", -1 }, { "1000000.5", -1 },
		{ "2147484", -1 },	/* 2^31 ms: one more than poll() can wait */
		{ "5m", -1 }, { "", -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char why[256];
		double t = -2;
		int rc = timeout_of(cases[i].v, &t, why, sizeof why);
		if (cases[i].want >= 0) {
			ok(rc == 0 && t == cases[i].want, "guestbench.timeout=%s accepted as %g s (%s)", cases[i].v, t,
			   rc ? why : "ok");
		} else {
			ok(rc == -1 && strstr(why, "guestbench.timeout") && strstr(why, "1000000"),
			   "guestbench.timeout=%s refused, the message names the parameter and its range: %s",
			   cases[i].v, why);
		}
	}
}

static void test_rest(void)
{
	init_conf c;
	char why[256] = "";
	int rc = init_parse("ro guestbench.run=\"gb-syscall --quick --label 'a b'\" guestbench.shutdown=halt", &c,
			       why, sizeof why);
	ok(rc == 0 && c.argc == 4 && !strcmp(c.argv[0], "gb-syscall") && !strcmp(c.argv[3], "a b"),
	   "guestbench.run split, single quotes group words (%d words) %s", c.argc, why);
	is_str(c.shutdown, "halt", "guestbench.shutdown");
	ok(c.timeout == 0, "no guestbench.timeout: none (0)");
	free(c.words);
	ok(init_parse("guestbench.frob=1", &c, why, sizeof why) == -1 && strstr(why, "guestbench.frob"),
	   "an unknown guestbench. parameter is named: %s", why);
	free(c.words);
}

int main(void)
{
	test_timeout();
	test_rest();
	return tap_done();
}
