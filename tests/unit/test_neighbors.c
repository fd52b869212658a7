/* test_neighbors.c - common/neighbors: the --neighbors values, neighbours
 * that run where they were put and are gone after the stop, the JSON
 * member, and a process tree (common/proctree) that ends its own
 * processes but leaves the neighbours running. */
#include "tap.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "neighbors.h"
#include "parse.h"
#include "proctree.h"

static void test_parse(void)
{
	int n = -1, k = -1;
	is_int(gb_parse_neighbors("2", &n, &k), 0, "'2' accepted");
	ok(n == 2 && k == GB_NB_CPU, "N alone: cpu-bound");
	is_int(gb_parse_neighbors("3:mem", &n, &k), 0, "'3:mem' accepted");
	ok(n == 3 && k == GB_NB_MEM, "N:mem: memory-bound");
	is_int(gb_parse_neighbors("0", &n, &k), 0, "'0': none");
	is_int(gb_parse_neighbors("256:cpu", &n, &k), 0, "the maximum");
	static const char *const bad[] = { "", "-1", "257", "2:gpu", "2:", ":cpu", "x", "1e3", "2 ", "2:cpu:mem",
					   "00000000002", "2:CPU", "+2", " 2" };
	int all = 1;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = k = -7;
		if (gb_parse_neighbors(bad[i], &n, &k) != -1 || n != -7 || k != -7) {
			printf("# accepted: '%s'\n", bad[i]);
			all = 0;
		}
	}
	ok(all, "malformed values refused, the outputs untouched (%zu cases)", sizeof bad / sizeof bad[0]);
}

/* State letter of /proc/PID/stat, 0 when the process is gone. */
static char state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&t, NULL);
}

static void test_run(void)
{
	cpu_set_t cpus;
	if (sched_getaffinity(0, sizeof cpus, &cpus) < 0)
		CPU_ZERO(&cpus);
	gb_neighbors nb;
	char why[256] = "";
	is_int(gb_neighbors_start(&nb, "0", &cpus, why, sizeof why), 0, "'0' starts nothing");
	is_int(nb.count, 0, "and records none");
	is_int(gb_neighbors_start(&nb, "2:cpu", &cpus, why, sizeof why), 0, "two cpu-bound neighbours start");
	int alive = 1, pinned = 1;
	for (int i = 0; i < 2; i++) {
		char s = state(nb.pid[i]);
		alive &= s == 'R' || s == 'S';
		pinned &= CPU_ISSET(nb.cpu[i], &cpus);
	}
	ok(alive, "both run");
	ok(pinned, "each pinned to a CPU of the run's set");

	/* a tree of our own: gb_tree_end must end it and leave them be */
	char twhy[256];
	gb_tree_arm(twhy, sizeof twhy);
	gb_tree t;
	pid_t c = gb_tree_fork(&t);
	if (c == 0) {
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	nap_ms(50);
	size_t left = gb_tree_end(&t, 5.0);
	is_int((long long)left, 0, "the tree ends with nothing left (the neighbours do not count)");
	ok(t.ended, "the tree's command ended");
	alive = 1;
	for (int i = 0; i < 2; i++) {
		char s = state(nb.pid[i]);
		alive &= s == 'R' || s == 'S';
	}
	ok(alive, "the neighbours still run after the tree's end (spared, not killed nor reaped)");
	gb_tree_disarm();

	nap_ms(100);
	gb_neighbors_stop(&nb);
	int gone = 1, busy = 1;
	for (int i = 0; i < 2; i++) {
		gone &= state(nb.pid[i]) == 0;
		busy &= nb.cpu_seconds[i] > 0;
	}
	ok(gone, "after the stop both are gone (killed and reaped)");
	ok(busy, "each used CPU time (%g s, %g s)", nb.cpu_seconds[0], nb.cpu_seconds[1]);
	is_int(nb.early, 0, "none ended early");
	ok(nb.wall_seconds >= 0.1, "wall time recorded (%g s)", nb.wall_seconds);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	gb_json j;
	gb_json_init(&j, f, 0);
	gb_json_obj_begin(&j, NULL);
	gb_neighbors_json(&j, &nb);
	gb_json_obj_end(&j);
	gb_json_end(&j);
	fclose(f);
	ok(strstr(text, "\"neighbors\":{\"count\":2,\"kind\":\"cpu\"") && strstr(text, "\"pids\":[") &&
	   strstr(text, "\"cpu_seconds\":[") && strstr(text, "\"buffer_bytes\":null") &&
	   strstr(text, "\"ended_early\":0"), "JSON: count, kind, pids, cpu_seconds, buffer_bytes, ended_early");
	free(text);
	char line[256];
	gb_neighbors_line(&nb, line, sizeof line);
	ok(strncmp(line, "neighbors: 2 cpu-bound on CPUs ", 31) == 0, "table line (%s)", line);

	/* one killed by someone else: ended early, still reaped */
	is_int(gb_neighbors_start(&nb, "1:mem", &cpus, why, sizeof why), 0, "a memory-bound neighbour starts");
	ok(nb.buffer_bytes >= GB_NEIGHBORS_MEM_MIN, "its buffer is at least 16 MiB (%llu)",
	   (unsigned long long)nb.buffer_bytes);
	kill(nb.pid[0], SIGKILL);
	nap_ms(50);
	gb_neighbors_stop(&nb);
	is_int(nb.early, 1, "a neighbour killed before the stop is counted as ended early");
	ok(state(nb.pid[0]) == 0, "and reaped");
	gb_neighbors_stop(&nb);	/* a second stop changes nothing */
	is_int(nb.early, 1, "a second stop is harmless");
}

int main(void)
{
	test_parse();
	test_run();
	return tap_done();
}
