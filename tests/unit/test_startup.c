/* test_startup.c - gb-startup's pure parts: the ping/ack messages, numeric
 * addresses, {addr}/{port}/{nonce}/{i} substitution, the line matcher, the
 * smaps parser, the footprint sum over a fixture /proc, --instances' list,
 * percentiles, line fit and density report, ELF linkage, and the process
 * tree of a real child. */
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../startup/launch.h"
#include "../../startup/spawn.h"
#include "../../startup/startup.h"
#include "proctree.h"
#include "report.h"
#include "testlib.h"
#include "util.h"

static void test_messages(void)
{
	char req[128], ack[128];
	int rn = su_ping_msg(req, sizeof req, "abc123");
	int an = su_ack_msg(ack, sizeof ack, "abc123");
	is_str(req, "GBPING abc123", "request carries the nonce");
	is_str(ack, "GBACK abc123", "ack carries the nonce");
	ok(an > 0 && an < rn, "the ack is smaller than the request (%d < %d)", an, rn);
	ok(su_msg_is(req, (size_t)rn, SU_PING_PREFIX, "abc123"), "request recognised");
	ok(!su_msg_is(req, (size_t)rn, SU_PING_PREFIX, "abc124"), "another nonce is not ours");
	ok(!su_msg_is(req, (size_t)rn, SU_PING_PREFIX, "abc12"), "a prefix of the nonce is not ours");
	ok(!su_msg_is(req, (size_t)rn - 1, SU_PING_PREFIX, "abc123"), "a truncated datagram is not ours");
	ok(!su_msg_is(ack, (size_t)an, SU_PING_PREFIX, "abc123"), "an ack is not a request");
	is_int(su_ping_msg(req, sizeof req, ""), -1, "empty nonce refused");
	is_int(su_ping_msg(req, sizeof req, "a b"), -1, "nonce with a space refused");
	char longn[SU_NONCE_MAX + 2];
	memset(longn, 'x', sizeof longn - 1);
	longn[sizeof longn - 1] = 0;
	is_int(su_ping_msg(req, sizeof req, longn), -1, "nonce longer than SU_NONCE_MAX refused");
	longn[SU_NONCE_MAX] = 0;
	ok(su_ping_msg(req, sizeof req, longn) > 0, "nonce of SU_NONCE_MAX accepted");

	char a[17], b[17];
	su_new_nonce(a);
	su_new_nonce(b);
	is_int((long long)strlen(a), 16, "a nonce is 16 hex digits");
	ok(strcmp(a, b) != 0, "two nonces differ");
}

static void test_addr(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[64];
	is_int(su_parse_addr("10.0.2.2:4000", 1, &ss, &len), 0, "IPv4:port");
	su_addr_host(&ss, host, sizeof host);
	is_str(host, "10.0.2.2", "IPv4 host");
	is_int(su_addr_port(&ss), 4000, "IPv4 port");
	is_int(su_parse_addr("[::1]:65535", 1, &ss, &len), 0, "[IPv6]:port");
	su_addr_host(&ss, host, sizeof host);
	is_str(host, "::1", "IPv6 host");
	is_int(su_addr_port(&ss), 65535, "IPv6 port");
	is_int(su_parse_addr("127.0.0.1", 0, &ss, &len), 0, "bind address without port");
	is_int(su_parse_addr("::", 0, &ss, &len), 0, "bare IPv6 bind address");
	is_int(su_parse_addr("[fd00::1]", 0, &ss, &len), 0, "bracketed IPv6 bind address");
	is_int(su_parse_addr("127.0.0.1", 1, &ss, &len), -1, "port required");
	is_int(su_parse_addr("127.0.0.1:80", 0, &ss, &len), -1, "no port allowed for --bind");
	is_int(su_parse_addr("localhost:80", 1, &ss, &len), -1, "names are refused (numeric only)");
	is_int(su_parse_addr("1.2.3.4:0", 1, &ss, &len), -1, "port 0 refused");
	is_int(su_parse_addr("1.2.3.4:65536", 1, &ss, &len), -1, "port 65536 refused");
	is_int(su_parse_addr("1.2.3.4:8x", 1, &ss, &len), -1, "junk port refused");
	is_int(su_parse_addr("[::1:80", 1, &ss, &len), -1, "unclosed bracket refused");
	is_int(su_parse_addr("", 0, &ss, &len), -1, "empty refused");
}

static void test_subst(void)
{
	char *s = su_subst("{addr}:{port}/{nonce}-{nonce}{x}{", "10.0.0.1", "4000", "n0");
	is_str(s, "10.0.0.1:4000/n0-n0{x}{", "every placeholder replaced, others kept");
	free(s);
	s = su_subst("plain", "a", "b", "c");
	is_str(s, "plain", "nothing to replace");
	free(s);
	s = su_subst("", "a", "b", "c");
	is_str(s, "", "empty argument");
	free(s);
}

static void test_subst_inst(void)
{
	char *s = su_subst_inst("ctr-{i}/{nonce}:{port}{i}", "a", "4000", "n0", "17");
	is_str(s, "ctr-17/n0:400017", "{i} replaced by the instance number, with the others");
	free(s);
	s = su_subst_inst("ctr-{i}", "a", "b", "c", NULL);
	is_str(s, "ctr-{i}", "without --instances {i} is left as it is");
	free(s);
	s = su_subst("x{i}{nonce}", "a", "b", "c");
	is_str(s, "x{i}c", "su_subst leaves {i} alone");
	free(s);
}

static void test_instances_parse(void)
{
	int v[SU_INSTANCES_LIST_MAX];
	char msg[200];
	is_int(su_instances_parse("1,10,50,100", v, msg, sizeof msg), 4, "1,10,50,100: four counts");
	ok(v[0] == 1 && v[1] == 10 && v[2] == 50 && v[3] == 100, "in the order given");
	is_int(su_instances_parse("50", v, msg, sizeof msg), 1, "one count");
	is_int(su_instances_parse("1000", v, msg, sizeof msg), 1, "SU_INSTANCES_MAX accepted");
	static const char *const bad[] = { "0", "1001", "99999999999999999999", "1,,2", "1,1", "", "a", "5,",
					   ",5", "-3", "1 2", "2.5", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17" };
	int all = 1;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (su_instances_parse(bad[i], v, msg, sizeof msg) != -1 || !msg[0]) {
			printf("# accepted: '%s'\n", bad[i]);
			all = 0;
		}
	ok(all, "absurd or malformed lists refused, with a message (%zu cases)", sizeof bad / sizeof bad[0]);
	su_instances_parse("1001", v, msg, sizeof msg);
	ok(strstr(msg, "1 to 1000") != NULL, "the message gives the range (%s)", msg);
}

static void test_ready_pct(void)
{
	double ms[100];
	for (int i = 0; i < 100; i++)
		ms[i] = 100 - i;	/* 100 ... 1 ms, out of order */
	gb_pct p;
	su_ready_pct(ms, 100, &p);
	is_num(p.p50, 50, 0.5, "p50 of 1..100 ms is 50 (within 1%)");
	is_num(p.p90, 90, 0.9, "p90 is 90");
	is_num(p.p99, 99, 0.99, "p99 is 99");
	is_num(p.max, 100, 1e-9, "max is exact");
	double one = 4.25;
	su_ready_pct(&one, 1, &p);
	is_num(p.p50, 4.25, 0.0425, "one instance: p50 is its time");
	is_num(p.max, 4.25, 1e-9, "and max");
}

static void test_fit(void)
{
	double x[] = { 1, 10, 50, 100, 10 }, y[5];
	for (int i = 0; i < 5; i++)
		y[i] = 300 + 2048 * x[i];
	su_fit f;
	is_int(su_fit_line(x, y, 5, &f), 0, "a line through five points");
	is_num(f.slope, 2048, 1e-9, "slope: the cost of one more instance");
	is_num(f.intercept, 300, 1e-6, "intercept: the shared part");
	is_num(f.r2, 1, 1e-12, "r2 1 on an exact line");
	y[1] += 500;
	su_fit_line(x, y, 5, &f);
	ok(f.r2 < 1 && f.r2 > 0.9, "r2 below 1 with noise (%g)", f.r2);
	double same[] = { 10, 10 };
	is_int(su_fit_line(same, y, 2, &f), -1, "one N only: no slope");
	is_int(su_fit_line(x, y, 1, &f), -1, "one point: no slope");
}

/* The footprint arithmetic on fixture smaps: a rollup, a plain smaps (no
 * rollup: an old kernel), a process that is gone. */
static void test_mem_sum(void)
{
	char root[] = "/tmp/gb-test-fp-XXXXXX";
	if (!mkdtemp(root)) {
		ok(0, "mkdtemp");
		return;
	}
	tl_put(root, "/proc/101/smaps_rollup", "00400000-7fff [rollup]\nRss: 900 kB\nPss: 700 kB\n"
					       "Pss_Anon: 1 kB\nPrivate_Dirty: 512 kB\n");
	tl_put(root, "/proc/102/smaps", "00400000-00401000 r-xp 0 08:01 1 /x\nPss: 100 kB\nPrivate_Dirty: 0 kB\n"
					"7f00-7f10 rw-p 0 00:00 0\nPss: 28 kB\nPrivate_Dirty: 24 kB\n");
	tl_put(root, "/proc/104/smaps_rollup", "");	/* a zombie or kernel thread: empty */
	pid_t pids[] = { 101, 102, 103, 104 };
	su_mem m = { 0, 0, 0 };
	su_mem_sum(root, pids, 4, &m);
	is_int((long long)m.pss_kib, 828, "PSS summed over the processes (700 + 100 + 28)");
	is_int((long long)m.private_dirty_kib, 536, "private dirty summed (512 + 0 + 24)");
	is_int((long long)m.procs, 2, "two processes counted: a gone one and an empty one are not");
	tl_rmtree(root);
}

/* The density report from made-up batches: totals, per-instance shares,
 * slopes, percentiles, JSON members. */
static void test_density_report(void)
{
	static const gb_cli_spec spec = { .prog = "gb-startup launch", .bench = "startup", .summary = "s",
					  .common = GB_C_RUN, .max_positional = -1 };
	gb_cli cli;
	char *argv[] = { (char *)"gb-startup", NULL };
	gb_cli_parse(&cli, &spec, 1, argv);
	gb_report r;
	gb_report_init(&r, &cli);
	su_launch_cfg c;
	memset(&c, 0, sizeof c);
	c.footprint = 1;
	int ns[] = { 1, 10 };
	su_batch b[4];	/* round 1: 1, 10; round 2: 1, 10 */
	memset(b, 0, sizeof b);
	for (int i = 0; i < 4; i++) {
		int n = ns[i % 2];
		b[i].round = i / 2 + 1;
		b[i].n = b[i].nready = n;
		b[i].inst = calloc((size_t)n, sizeof *b[i].inst);
		for (int k = 0; k < n; k++) {
			b[i].inst[k].status = SU_RS_OK;
			b[i].inst[k].ready_ms = 10 + k;
		}
		b[i].all_ready_ms = 5 + 2.0 * n;
		b[i].have_mem = 1;
		b[i].mem.pss_kib = 1000 + 400 * (uint64_t)n;	/* 1400, 5000 KiB */
		b[i].mem.private_dirty_kib = 300 * (uint64_t)n;
	}
	b[3].mem.pss_kib += 100;	/* round 2 of 10: 5100 KiB */
	su_density_report(&r, &c, ns, 2, b, 4, 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	gb_report_json(&r, f);
	fclose(f);
	const gb_metric *m = NULL;
	for (size_t i = 0; i < r.nm; i++)
		if (strcmp(r.m[i].name, "pss_per_instance_n10") == 0)
			m = &r.m[i];
	ok(m && m->nsamples == 2 && m->samples[0] == 500 && m->samples[1] == 510,
	   "pss_per_instance_n10: each round's total / 10 (500, 510)");
	const char *names[] = { "ready_n1", "ready_n10", "all_ready_n1", "all_ready_n10", "pss_n1", "pss_n10",
				"private_dirty_n10", "pss_per_instance_n1", "private_dirty_per_instance_n10",
				"all_ready_slope", "pss_slope", "private_dirty_slope" };
	int all = 1;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		char key[80];
		snprintf(key, sizeof key, "\"name\": \"%s\"", names[k]);
		if (!strstr(text, key)) {
			printf("# missing %s\n", names[k]);
			all = 0;
		}
	}
	ok(all, "every per-N and slope metric is in the document");
	for (size_t i = 0; i < r.nm; i++) {
		const gb_metric *x = &r.m[i];
		if (strcmp(x->name, "pss_slope") == 0)
			is_num(x->samples[0], 400 + 100.0 / 2 / 9, 1e-9, "pss_slope: least squares over the 4 batches");
		if (strcmp(x->name, "private_dirty_slope") == 0)
			is_num(x->samples[0], 300, 1e-9, "private_dirty_slope: 300 KiB per instance");
		if (strcmp(x->name, "all_ready_slope") == 0)
			is_num(x->samples[0], 2, 1e-9, "all_ready_slope: 2 ms per instance");
		if (strcmp(x->name, "ready_n10") == 0) {
			ok(x->has_pct && x->nsamples == 20, "ready_n10: 20 instance samples with percentiles");
			is_num(x->pct.max, 19, 1e-9, "its max is the slowest instance");
			is_num(x->pct.p50, 14, 0.14, "its p50");
		}
	}
	ok(strstr(text, "\"instances\": 10") && strstr(text, "\"instances_ok\": 20") &&
	   strstr(text, "\"intercept\"") && strstr(text, "\"r2\"") && strstr(text, "\"p90\""),
	   "JSON members: instances, instances_ok, intercept, r2, p90");
	ok(r.valid, "every batch ready: valid");
	b[1].nready = 9;
	b[1].inst[3].status = SU_RS_TIMEOUT;
	snprintf(b[1].detail, sizeof b[1].detail, "instance 4: timeout: not ready after 1 s");
	gb_report r2;
	gb_report_init(&r2, &cli);
	su_density_report(&r2, &c, ns, 2, b, 4, 0);
	ok(!r2.valid && r2.invalid.n == 1 && strstr(r2.invalid.v[0], "10 instances, round 1: 9 of 10 ready") &&
	   strstr(r2.invalid.v[0], "instance 4: timeout"), "an instance not ready: invalid, batch and instance named");
	free(text);
	for (int i = 0; i < 4; i++)
		free(b[i].inst);
	r.out.quiet = r2.out.quiet = 1;
	gb_report_finish(&r);
	gb_report_finish(&r2);
	gb_cli_free(&cli);
}

static void test_liner(void)
{
	su_liner l;
	su_liner_init(&l, "READY");
	is_int(su_liner_feed(&l, "boot...\nREA", 11), 0, "half the text: not yet");
	is_int(su_liner_feed(&l, "DY now", 6), 1, "text split over two reads found");
	su_liner_init(&l, "READY");
	is_int(su_liner_feed(&l, "REA\nDY\n", 7), 0, "text split by a newline is not a match");
	su_liner_init(&l, "READY");
	is_int(su_liner_feed(&l, "x\r\nREADY", 8), 1, "found without a line end (console)");
	su_liner_init(&l, "ab");
	char big[10000];
	memset(big, 'x', sizeof big);
	big[sizeof big - 2] = 'a';
	big[sizeof big - 1] = 'b';
	is_int(su_liner_feed(&l, big, sizeof big), 1, "found at the end of a line longer than the buffer");
	su_liner_init(&l, "ab");	/* NUL in output is just a byte */
	is_int(su_liner_feed(&l, "\0\0ab", 4), 1, "NUL bytes in output do not end the search");
}

static void test_smaps(void)
{
	su_mem m = { 0, 0, 0 };
	const char *rollup =
		"00400000-7fff [rollup]\n"
		"Rss:                1200 kB\n"
		"Pss:                 800 kB\n"
		"Pss_Anon:            500 kB\n"
		"Pss_Dirty:           400 kB\n"
		"Shared_Dirty:         10 kB\n"
		"Private_Dirty:       300 kB\n";
	is_int(su_smaps_add(rollup, &m), 2, "smaps_rollup: two lines used");
	is_int((long long)m.pss_kib, 800, "Pss (not Pss_Anon, Pss_Dirty)");
	is_int((long long)m.private_dirty_kib, 300, "Private_Dirty (not Shared_Dirty)");
	const char *smaps =
		"00400000-00401000 r-xp 00000000 08:01 1 /bin/x\n"
		"Pss:                   4 kB\n"
		"Private_Dirty:         0 kB\n"
		"7f00-7f10 rw-p 00000000 00:00 0\n"
		"Pss:                  64 kB\n"
		"Private_Dirty:        64 kB\n";
	is_int(su_smaps_add(smaps, &m), 4, "smaps: every mapping's lines used");
	is_int((long long)m.pss_kib, 868, "smaps summed onto the earlier figure");
	is_int((long long)m.private_dirty_kib, 364, "Private_Dirty summed");
	is_int(su_smaps_add("Pss: junk kB\n", &m), 0, "a value that is not a number is skipped");
	is_int(su_smaps_add("", &m), 0, "empty text");
}

static void test_linkage_and_tree(void)
{
	char why[256];
	const char *self = gb_self_path(why, sizeof why);
	ok(self != NULL, "this program's path found (%s)", self ? self : why);
	/* the kernel's own view: AT_BASE is where ld.so was loaded, 0 without one */
	if (self)
		is_str(su_elf_linkage(self), getauxval(AT_BASE) ? "dynamic" : "static",
		       "this program's linkage agrees with AT_BASE");
	is_str(su_elf_linkage("/nonexistent/x"), "unknown", "missing file: unknown");
	is_str(su_elf_linkage("/proc/self/status"), "unknown", "not an ELF file: unknown");

	/* a child with a grandchild: the tree holds all three of us */
	int p[2];
	if (pipe(p) < 0) {
		ok(0, "pipe");
		return;
	}
	pid_t c = fork();
	if (c == 0) {
		if (fork() == 0) {
			close(p[1]);
			char x;
			(void)!read(p[0], &x, 1);	/* until the parent closes */
			_exit(0);
		}
		close(p[1]);
		char x;
		(void)!read(p[0], &x, 1);
		_exit(0);
	}
	close(p[0]);
	pid_t *v = NULL;
	size_t n = 0;
	for (int i = 0; i < 200 && n < 3; i++) {	/* the grandchild needs a moment */
		free(v);
		n = gb_tree_list(getpid(), &v);
		if (n < 3)
			usleep(5000);
	}
	is_int((long long)n, 3, "tree: us, the child and the grandchild");
	ok(n >= 2 && v[0] == getpid() && v[1] == c, "tree: us first, then the child");
	free(v);
	su_mem m;
	ok(su_footprint(getpid(), NULL, &m, why, sizeof why) == 0 && m.procs == 3 && m.pss_kib > 0,
	   "footprint of the tree: 3 processes, PSS > 0 (%llu KiB)", (unsigned long long)m.pss_kib);
	close(p[1]);
	waitpid(c, NULL, 0);
	ok(su_footprint(getpid(), "/nonexistent-cgroup", &m, why, sizeof why) == -1 && strstr(why, "cgroup.procs"),
	   "a directory without cgroup.procs is refused: %s", why);
	is_int((long long)gb_tree_list(999999999, &v), 0, "no such process: empty tree");
	free(v);
}

static void test_methods(void)
{
	char *av[] = { "true", NULL };
	su_target none = { NULL, NULL, SU_NOOP_STATUS };
	su_target tru = { "/bin/true", av, 0 }, missing = { "/nonexistent/prog", av, 0 };
	int st = su_fork_exit(&none);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == SU_NOOP_STATUS, "fork+_exit: the child's status comes back");
	st = su_thread(&none);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == SU_NOOP_STATUS, "thread: its return value, encoded as an exit");
	if (access("/bin/true", X_OK) == 0) {
		ok(su_posix_spawn(&tru) == 0, "posix_spawn /bin/true: status 0");
		ok(su_vfork_exec(&tru) == 0, "vfork+exec /bin/true: status 0");
	} else {
		skip("/bin/true missing", "posix_spawn /bin/true");
		skip("/bin/true missing", "vfork+exec /bin/true");
	}
	is_int(su_posix_spawn(&missing), -ENOENT, "posix_spawn of a missing file: -ENOENT");
	st = su_fork_exec(&missing);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 127, "fork+exec of a missing file: the child exits 127");
}

int main(void)
{
	test_methods();
	test_messages();
	test_addr();
	test_subst();
	test_subst_inst();
	test_instances_parse();
	test_ready_pct();
	test_fit();
	test_mem_sum();
	test_density_report();
	test_liner();
	test_smaps();
	test_linkage_and_tree();
	return tap_done();
}
