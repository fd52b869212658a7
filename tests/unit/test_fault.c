/* test_fault.c - common/fault: GB_FAULT entries reach only their own
 * benchmark, values are whole, near misses are no match. */
#include <stdlib.h>

#include "fault.h"
#include "tap.h"

int main(void)
{
	unsetenv("GB_FAULT");
	ok(gb_fault_for("stream", "corrupt") == NULL, "no GB_FAULT: no fault");
	setenv("GB_FAULT", "stream.corrupt=a:1e-3,syscall.fail=getpid,suite.x,stream.skip", 1);
	is_str(gb_fault_for("stream", "corrupt"), "a:1e-3", "a value is the text after '='");
	is_str(gb_fault_for("syscall", "fail"), "getpid", "the entry in the middle");
	is_str(gb_fault_for("stream", "skip"), "", "an entry without '=' is \"\"");
	ok(gb_fault_for("syscall", "corrupt") == NULL, "another benchmark's fault does not apply");
	ok(gb_fault_for("randomaccess", "corrupt") == NULL, "a benchmark with no entry gets none");
	ok(gb_fault_for("strea", "corrupt") == NULL, "a benchmark name must match whole (prefix)");
	ok(gb_fault_for("stream", "corr") == NULL, "a fault name must match whole (prefix)");
	ok(gb_fault_for("stream", "corruptx") == NULL, "a fault name must match whole (longer)");
	ok(gb_fault_for("suite", "x") != NULL, "the last-but-one entry");
	gb_fault_bench = "syscall";
	is_str(gb_fault("fail"), "getpid", "gb_fault answers for this binary's benchmark");
	setenv("GB_FAULT", "", 1);
	ok(gb_fault_for("stream", "corrupt") == NULL, "an empty GB_FAULT: no fault");
	setenv("GB_FAULT", "stream.corrupt", 1);
	is_str(gb_fault_for("stream", "corrupt"), "", "a single entry, no value");
	return tap_done();
}
