/* test_compare_trust - gb-timer's clock verdict in gb-compare: an
 * environment whose gb-timer run says clock_trusted: false gets one
 * warning with the reason (however many runs say it), a trusted one none,
 * and the two verdict members are never a configuration difference. */
#include <string.h>

#include "../../compare/compare.h"
#include "tap.h"

static const char *doc(const char *label, const char *trusted)
{
	static char buf[2][1024];
	static int k;
	char *b = buf[k++ % 2];
	snprintf(b, sizeof buf[0],
		 "{\"schema\":\"guestbench/1\",\"bench\":\"timer\",\"label\":\"%s\",\"config\":{\"interval\":0.001%s},"
		 "\"results\":[{\"name\":\"wakeup_nanosleep\",\"unit\":\"us\",\"better\":\"lower\",\"samples\":[40,41,42]}]}",
		 label, trusted);
	return b;
}

static int count(const gb_strlist *l, const char *needle)
{
	int n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += strstr(l->v[i], needle) != NULL;
	return n;
}

int main(void)
{
	cmp_env base, other;
	cmp_result r;
	char err[256];
	const char *b = doc("native", ",\"clock_trusted\":true,\"clock_trust_reason\":\"fine\"");
	const char *o = doc("hpet-vm", ",\"clock_trusted\":false,\"clock_trust_reason\":\"CLOCK_MONOTONIC costs 900 ns\"");
	ok(cmp_parse(&base, "a.json", b, strlen(b), err, sizeof err) == 0, "trusted document loads (%s)", err);
	ok(cmp_parse(&other, "b.json", o, strlen(o), err, sizeof err) == 0, "untrusted document loads (%s)", err);
	cmp_match(&r, &base, &other, 1, 0.05, 0.03);
	is_int(count(&r.warnings, "hpet-vm: sub-microsecond figures from this environment cannot be trusted"), 1,
	       "the untrusted environment is named once");
	is_int(count(&r.warnings, "CLOCK_MONOTONIC costs 900 ns"), 1, "with gb-timer's reason");
	is_int(count(&r.warnings, "native:"), 0, "the trusted one gets no warning");
	is_int(count(&r.warnings, "configuration differs"), 0, "the verdict is not a configuration difference");
	cmp_result_free(&r);

	/* the untrusted side as the base, and a second launch saying the same */
	cmp_env two;
	ok(cmp_parse(&two, "c.json", o, strlen(o), err, sizeof err) == 0, "a second untrusted launch loads");
	cmp_env_merge(&other, &two);
	cmp_match(&r, &other, &base, 1, 0.05, 0.03);
	is_int(count(&r.warnings, "cannot be trusted"), 1, "two launches, one warning; the base is checked too");
	cmp_result_free(&r);
	cmp_env_free(&two);

	/* a document from before gb-timer had a verdict: nothing said */
	cmp_env old;
	const char *d = doc("old", "");
	cmp_parse(&old, "d.json", d, strlen(d), err, sizeof err);
	cmp_match(&r, &old, &base, 1, 0.05, 0.03);
	is_int(count(&r.warnings, "cannot be trusted"), 0, "no verdict recorded: no warning");
	cmp_result_free(&r);
	cmp_env_free(&old);
	cmp_env_free(&other);
	cmp_env_free(&base);
	return tap_done();
}
