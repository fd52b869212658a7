/* test_busy - common/busy: a spinner starts pinned where asked and says
 * how it yields (SCHED_IDLE, or nice 19 when that is refused), refuses a
 * CPU this process may not use with a message naming it, and stops. */
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "busy.h"
#include "tap.h"
#include "topo.h"

int main(void)
{
	char err[160] = "";
	int cpu = gb_effective_cpu(0);
	gb_busy *b = gb_busy_start(cpu, err, sizeof err);
	ok(b != NULL, "a spinner starts on CPU %d (%s)", cpu, err);
	const char *m = gb_busy_method(b);
	ok(strcmp(m, "sched_idle") == 0 || strcmp(m, "nice19") == 0, "it says how it yields (%s)", m);
	gb_busy_stop(b);
	is_str(gb_busy_method(NULL), "none", "no spinner: method none");
	gb_busy_stop(NULL);

	b = gb_busy_start(CPU_SETSIZE - 1, err, sizeof err);
	ok(b == NULL, "a CPU outside the affinity mask is refused");
	char want[32];
	snprintf(want, sizeof want, "CPU %d", CPU_SETSIZE - 1);
	ok(strstr(err, want) != NULL, "the message names the CPU (%s)", err);
	return tap_done();
}
