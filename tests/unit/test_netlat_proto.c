/* test_netlat_proto.c - gb-netlat's control protocol and payload checks:
 * every range check of the decoder, round trips, sanitised text, the
 * request/response pattern and stream stamps catching any single changed
 * byte, and numeric address parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../netlat/proto.h"
#include "../../netlat/sock.h"

static nl_hello good(int test)
{
	nl_hello h;
	memset(&h, 0, sizeof h);
	h.test = (uint16_t)test;
	if (test <= NL_TCP_CRR) {
		h.req = 100;
		h.resp = 200;
	} else
		h.chunk = 128 * 1024;
	h.warmup_ms = 1000;
	h.duration_ms = 10000;
	h.udp_port = test == NL_UDP_RR ? 40000 : 0;
	return h;
}

/* encode h, decode it: NULL (accepted) or the reason */
static const char *wire(const nl_hello *h)
{
	unsigned char m[NL_HELLO_LEN];
	nl_hello back;
	nl_hello_encode(h, m);
	return nl_hello_decode(m, &back);
}

static void test_hello(void)
{
	for (int t = 1; t <= NL_NTESTS; t++) {
		nl_hello h = good(t), back;
		unsigned char m[NL_HELLO_LEN];
		nl_hello_encode(&h, m);
		const char *why = nl_hello_decode(m, &back);
		ok(!why && back.test == h.test && back.req == h.req && back.resp == h.resp && back.chunk == h.chunk &&
			   back.warmup_ms == h.warmup_ms && back.duration_ms == h.duration_ms &&
			   back.udp_port == h.udp_port,
		   "hello round trip: %s", nl_test_name(t));
	}
	struct { const char *what; int test; int field; uint32_t v; } bad[] = {
		{ "test 0", 0, 0, 0 }, { "test 6", 6, 0, 0 },
		{ "req 15", NL_TCP_RR, 1, 15 }, { "req 1 MiB + 1", NL_TCP_RR, 1, NL_MAX_SIZE + 1 },
		{ "req 0xFFFFFFFF", NL_TCP_CRR, 1, 0xffffffffu }, { "resp 0xFFFFFFFF", NL_TCP_RR, 2, 0xffffffffu },
		{ "resp 15", NL_TCP_CRR, 2, 15 }, { "udp req 65508", NL_UDP_RR, 1, 65508 },
		{ "udp resp 65508", NL_UDP_RR, 2, 65508 }, { "chunk in tcp_rr", NL_TCP_RR, 3, 4096 },
		{ "chunk 4095", NL_TCP_STREAM, 3, 4095 }, { "chunk 6000", NL_TCP_MAERTS, 3, 6000 },
		{ "chunk 2 MiB", NL_TCP_STREAM, 3, 2u << 20 }, { "chunk 0xFFFFFFFF", NL_TCP_STREAM, 3, 0xffffffffu },
		{ "req in tcp_stream", NL_TCP_STREAM, 1, 100 }, { "duration 0", NL_TCP_RR, 5, 0 },
		{ "duration past 3600 s", NL_TCP_RR, 5, NL_MAX_MS + 1 }, { "duration 0xFFFFFFFF", NL_TCP_RR, 5, 0xffffffffu },
		{ "warm-up past 3600 s", NL_TCP_RR, 4, NL_MAX_MS + 1 }, { "udp_rr without a port", NL_UDP_RR, 6, 0 },
		{ "tcp_rr with a UDP port", NL_TCP_RR, 6, 9 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nl_hello h = good(bad[i].test >= 1 && bad[i].test <= NL_NTESTS ? bad[i].test : NL_TCP_RR);
		h.test = (uint16_t)bad[i].test;
		switch (bad[i].field) {
		case 1: h.req = bad[i].v; break;
		case 2: h.resp = bad[i].v; break;
		case 3: h.chunk = bad[i].v; break;
		case 4: h.warmup_ms = bad[i].v; break;
		case 5: h.duration_ms = bad[i].v; break;
		case 6: h.udp_port = (uint16_t)bad[i].v; break;
		}
		const char *why = wire(&h);
		ok(why != NULL, "hello refused: %s (%s)", bad[i].what, why ? why : "ACCEPTED");
	}
	/* the edges that must pass */
	nl_hello h = good(NL_TCP_RR);
	h.req = NL_MIN_MSG;
	h.resp = NL_MAX_SIZE;
	ok(!wire(&h), "hello accepts req 16 and resp 1 MiB");
	h = good(NL_UDP_RR);
	h.req = h.resp = NL_MAX_UDP;
	ok(!wire(&h), "hello accepts udp 65507");
	h = good(NL_TCP_MAERTS);
	h.chunk = NL_MAX_SIZE;
	h.duration_ms = NL_MAX_MS;
	h.warmup_ms = 0;
	ok(!wire(&h), "hello accepts chunk 1 MiB, duration 3600 s, no warm-up");

	unsigned char m[NL_HELLO_LEN];
	nl_hello back;
	h = good(NL_TCP_RR);
	nl_hello_encode(&h, m);
	m[0] ^= 1;
	ok(nl_hello_decode(m, &back) && strstr(nl_hello_decode(m, &back), "magic"), "bad magic refused, named");
	nl_hello_encode(&h, m);
	m[5] = 2;
	ok(nl_hello_decode(m, &back) && strstr(nl_hello_decode(m, &back), "version"), "version 2 refused, named");
	int slipped = 0;
	for (int i = 30; i < NL_HELLO_LEN; i++) {
		nl_hello_encode(&h, m);
		m[i] = 1;
		slipped += nl_hello_decode(m, &back) == NULL;
	}
	is_int(slipped, 0, "a non-zero reserved byte anywhere is refused");
	memset(m, 0xff, sizeof m);
	ok(nl_hello_decode(m, &back) != NULL, "all-0xFF hello refused");

	/* random messages with the right header: whatever is accepted is in range */
	srand(7);
	int accepted = 0, violations = 0;
	for (int n = 0; n < 200000; n++) {
		nl_hello_encode(&h, m);
		for (int i = 6; i < 30; i++)
			if (rand() % 3 == 0)
				m[i] = (unsigned char)rand();
		if (nl_hello_decode(m, &back))
			continue;
		accepted++;
		int rr = back.test <= NL_TCP_CRR;
		violations += back.test < 1 || back.test > NL_NTESTS || back.duration_ms < 1 ||
			      back.duration_ms > NL_MAX_MS || back.warmup_ms > NL_MAX_MS ||
			      (rr && (back.req < 16 || back.req > NL_MAX_SIZE || back.resp < 16 || back.resp > NL_MAX_SIZE)) ||
			      (!rr && (back.chunk % 4096 || back.chunk > NL_MAX_SIZE || !back.chunk));
	}
	ok(accepted > 0 && violations == 0, "200000 mutated hellos: %d accepted, none out of range (%d)", accepted,
	   violations);
}

static void test_reply_done_final(void)
{
	nl_reply r = { NL_OK, 0x0123456789abcdefull, 4242, "ok" }, b;
	unsigned char m[NL_REPLY_LEN];
	nl_reply_encode(&r, m);
	ok(!nl_reply_decode(m, &b) && b.cookie == r.cookie && b.data_port == 4242 && !strcmp(b.text, "ok"),
	   "reply round trip");
	m[32] = '\n';
	m[33] = 0x9b;	/* a terminal escape a hostile server might send */
	ok(!nl_reply_decode(m, &b) && b.text[0] == '?' && b.text[1] == '?', "reply text: control bytes shown as '?'");
	memset(m + 32, 'A', NL_MSG_TEXT);
	ok(!nl_reply_decode(m, &b) && strlen(b.text) == NL_MSG_TEXT, "reply text without a NUL stays bounded");
	nl_reply_encode(&r, m);
	m[7] = 9;
	ok(nl_reply_decode(m, &b) != NULL, "unknown reply status refused");
	r.data_port = 0;
	nl_reply_encode(&r, m);
	ok(nl_reply_decode(m, &b) != NULL, "an OK reply without a data port refused");

	nl_done d = { NL_STOP, 1ull << 40, 77 }, db;
	unsigned char dm[NL_DONE_LEN];
	nl_done_encode(&d, dm);
	ok(!nl_done_decode(dm, &db) && db.kind == NL_STOP && db.bytes == d.bytes && db.transactions == 77,
	   "done round trip");
	dm[7] = 5;
	ok(nl_done_decode(dm, &db) != NULL, "unknown done kind refused");

	nl_final f = { NL_OK, 123456789012ull, 5, 0, 1 }, fb;
	unsigned char fm[NL_FINAL_LEN];
	nl_final_encode(&f, fm);
	ok(!nl_final_decode(fm, &fb) && fb.bytes == f.bytes && fb.transactions == 5 && fb.cpu == 1, "final round trip");
	f.cpu = -1;
	nl_final_encode(&f, fm);
	ok(!nl_final_decode(fm, &fb) && fb.cpu == -1, "final: cpu -1 (unknown) kept");
	f.cpu = -7;
	nl_final_encode(&f, fm);
	ok(nl_final_decode(fm, &fb) != NULL, "final: cpu -7 refused");
}

static void test_payload(void)
{
	unsigned char a[300], b[300];
	const uint64_t ck = 0xfeedfacecafebeefull;
	nl_msg_fill(a, sizeof a, ck, 41, 1);
	ok(!nl_msg_check(a, sizeof a, ck, 41, 1, NULL), "response passes its own check");
	ok(nl_msg_check(a, sizeof a, ck, 42, 1, NULL) != 0, "wrong sequence number caught");
	ok(nl_msg_check(a, sizeof a, ck ^ 1, 41, 1, NULL) != 0, "wrong cookie caught");
	uint64_t seq = 0;
	ok(!nl_msg_check(a, sizeof a, ck, UINT64_MAX, 1, &seq) && seq == 41, "any-seq check reports the seq");
	nl_msg_fill(b, sizeof b, ck, 41, 0);
	ok(nl_msg_check(b, sizeof b, ck, 41, 1, NULL) != 0, "an echoed request never passes as the response");
	int missed = 0;
	for (size_t i = 0; i < sizeof a; i++) {
		memcpy(b, a, sizeof a);
		b[i] ^= 0x10;
		missed += !nl_msg_check(b, sizeof b, ck, 41, 1, NULL);
	}
	is_int(missed, 0, "a changed byte anywhere in a 300-byte response is caught");
	int same = 0;
	for (uint64_t s = 1; s < 256; s++) {
		nl_msg_fill(b, sizeof b, ck, s, 1);
		same += !memcmp(a + 16, b + 16, sizeof a - 16) && s != 41;
	}
	is_int(same, 0, "bodies of different sequence numbers differ");

	size_t n = 64 * 1024;
	unsigned char *s = malloc(n);
	nl_stamp_fill(s, n, 1 << 20, ck);
	is_int((long long)nl_stamp_check(s, n, 1 << 20, ck), 0, "stream stamps pass");
	is_int((long long)nl_stamp_check(s, n, 2 << 20, ck), 16, "stamps at the wrong offset: all 16 caught");
	is_int((long long)nl_stamp_check(s, n, 1 << 20, ck ^ 2), 16, "stamps of another session: all caught");
	s[5 * 4096 + 3] ^= 4;
	is_int((long long)nl_stamp_check(s, n, 1 << 20, ck), 1, "one changed stamp byte: one bad block");
	free(s);
	ok(nl_cookie() != nl_cookie(), "two cookies differ");
}

static void test_addr(void)
{
	nl_addr a;
	char err[160], s[80];
	struct { const char *in; const char *out; } good_[] = {
		{ "127.0.0.1", "127.0.0.1:12867" }, { "10.0.0.2:80", "10.0.0.2:80" }, { "::1", "[::1]:12867" },
		{ "[::1]", "[::1]:12867" }, { "[fd00::2]:5201", "[fd00::2]:5201" }, { "0.0.0.0:0", "0.0.0.0:0" },
	};
	for (size_t i = 0; i < sizeof good_ / sizeof good_[0]; i++) {
		int r = nl_addr_parse(good_[i].in, 12867, &a, err, sizeof err);
		if (!r)
			nl_addr_str(&a, s, sizeof s);
		ok(!r && !strcmp(s, good_[i].out), "address '%s' -> %s", good_[i].in, r ? err : s);
	}
	const char *bad[] = { "localhost", "example.com:80", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:x", "[::1",
			      "[::1]x", "1.2.3", "", "[]:80", "1.2.3.4:" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(nl_addr_parse(bad[i], 1, &a, err, sizeof err) == -1 && err[0], "address '%s' refused: %s", bad[i], err);
	nl_addr_parse("127.3.4.5", 1, &a, err, sizeof err);
	ok(nl_addr_is_loopback(&a), "127.3.4.5 is loopback");
	nl_addr_parse("10.1.1.1", 1, &a, err, sizeof err);
	ok(!nl_addr_is_loopback(&a), "10.1.1.1 is not");
	is_str(nl_test_name(NL_TCP_MAERTS), "tcp_maerts", "test names");
	ok(nl_test_by_name("udp_rr") == NL_UDP_RR && nl_test_by_name("UDP_RR") == 0 && !nl_test_name(6),
	   "test lookup is exact");
}

int main(void)
{
	test_hello();
	test_reply_done_final();
	test_payload();
	test_addr();
	return tap_done();
}
