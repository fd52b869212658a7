/* test_startup.c - gb-startup's pure parts: the ping/ack messages, numeric
 * addresses, {addr}/{port}/{nonce} substitution, the line matcher, the
 * smaps parser, ELF linkage, and the process tree of a real child. */
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../startup/spawn.h"
#include "../../startup/startup.h"
#include "proctree.h"
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
	test_liner();
	test_smaps();
	test_linkage_and_tree();
	return tap_done();
}
