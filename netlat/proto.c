/* proto.c - encoding, decoding and range checks of the control protocol,
 * and the verifiable payload content (proto.h). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "clock.h"
#include "proto.h"

static const char *const names[NL_NTESTS + 1] = {
	NULL, "tcp_rr", "udp_rr", "tcp_crr", "tcp_stream", "tcp_maerts",
};

const char *nl_test_name(int test)
{
	return test >= 1 && test <= NL_NTESTS ? names[test] : NULL;
}

int nl_test_by_name(const char *name)
{
	for (int t = 1; t <= NL_NTESTS; t++)
		if (strcmp(names[t], name) == 0)
			return t;
	return 0;
}

/* big-endian field access: explicit shifts, no alignment assumptions */
static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }
static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const unsigned char *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

void nl_put64(unsigned char *p, uint64_t v) { put64(p, v); }
uint64_t nl_get64(const unsigned char *p) { return get64(p); }

static void put_head(unsigned char *p, uint16_t third)
{
	put32(p, NL_MAGIC);
	put16(p + 4, NL_VERSION);
	put16(p + 6, third);
}

/* magic and version first: a peer speaking something else is told so */
static const char *check_head(const unsigned char *p)
{
	if (get32(p) != NL_MAGIC)
		return "bad magic (not a gb-netlat peer)";
	if (get16(p + 4) != NL_VERSION)
		return "unsupported protocol version";
	return NULL;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* hello: magic4 version2 test2 req4 resp4 chunk4 warmup_ms4 duration_ms4
 *        udp_port2 reserved(2+16 zero) = 48 */
void nl_hello_encode(const nl_hello *h, unsigned char out[NL_HELLO_LEN])
{
	memset(out, 0, NL_HELLO_LEN);
	put_head(out, h->test);
	put32(out + 8, h->req);
	put32(out + 12, h->resp);
	put32(out + 16, h->chunk);
	put32(out + 20, h->warmup_ms);
	put32(out + 24, h->duration_ms);
	put16(out + 28, h->udp_port);
}

const char *nl_hello_check(const nl_hello *h)
{
	if (!nl_test_name(h->test))
		return "unknown test";
	int rr = h->test <= NL_TCP_CRR;
	uint32_t max = h->test == NL_UDP_RR ? NL_MAX_UDP : NL_MAX_SIZE;
	if (rr) {
		if (h->req < NL_MIN_MSG || h->req > max || h->resp < NL_MIN_MSG || h->resp > max)
			return h->test == NL_UDP_RR ? "request/response size outside 16..65507 bytes"
						    : "request/response size outside 16 B..1 MiB";
		if (h->chunk)
			return "chunk size given for a request/response test";
	} else {
		if (h->chunk < NL_STAMP || h->chunk > NL_MAX_SIZE || h->chunk % NL_STAMP)
			return "chunk size not a multiple of 4 KiB in 4 KiB..1 MiB";
		if (h->req || h->resp)
			return "request/response size given for a stream test";
	}
	if (h->warmup_ms > NL_MAX_MS || h->duration_ms < 1 || h->duration_ms > NL_MAX_MS)
		return "warm-up or duration outside 0..3600 s";
	if ((h->test == NL_UDP_RR) != (h->udp_port != 0))
		return "UDP port missing (udp_rr) or given for another test";
	return NULL;
}

const char *nl_hello_decode(const unsigned char in[NL_HELLO_LEN], nl_hello *h)
{
	const char *why = check_head(in);
	if (why)
		return why;
	if (!all_zero(in + 30, NL_HELLO_LEN - 30))
		return "reserved bytes not zero";
	h->test = get16(in + 6);
	h->req = get32(in + 8);
	h->resp = get32(in + 12);
	h->chunk = get32(in + 16);
	h->warmup_ms = get32(in + 20);
	h->duration_ms = get32(in + 24);
	h->udp_port = get16(in + 28);
	return nl_hello_check(h);
}

uint64_t nl_deadline(const nl_hello *h, double timeout_s, uint64_t reply_ns)
{
	return reply_ns + ((uint64_t)h->warmup_ms + h->duration_ms) * 1000000ull + (uint64_t)(3 * timeout_s * 1e9);
}

/* reply: magic4 version2 status2 cookie8 data_port2 reserved14 text64 = 96 */
void nl_reply_encode(const nl_reply *r, unsigned char out[NL_REPLY_LEN])
{
	memset(out, 0, NL_REPLY_LEN);
	put_head(out, r->status);
	put64(out + 8, r->cookie);
	put16(out + 16, r->data_port);
	size_t n = strnlen(r->text, NL_MSG_TEXT);
	memcpy(out + 32, r->text, n);
}

const char *nl_reply_decode(const unsigned char in[NL_REPLY_LEN], nl_reply *r)
{
	const char *why = check_head(in);
	if (why)
		return why;
	r->status = get16(in + 6);
	if (r->status > NL_FAIL)
		return "unknown reply status";
	r->cookie = get64(in + 8);
	r->data_port = get16(in + 16);
	if (r->status == NL_OK && r->data_port == 0)
		return "reply without a data port";
	/* the text is shown to a person: printable ASCII only */
	size_t i;
	for (i = 0; i < NL_MSG_TEXT && in[32 + i]; i++)
		r->text[i] = in[32 + i] >= 0x20 && in[32 + i] < 0x7f ? (char)in[32 + i] : '?';
	r->text[i] = 0;
	return NULL;
}

/* done: magic4 version2 kind2 bytes8 transactions8 reserved8 = 32 */
void nl_done_encode(const nl_done *d, unsigned char out[NL_DONE_LEN])
{
	memset(out, 0, NL_DONE_LEN);
	put_head(out, d->kind);
	put64(out + 8, d->bytes);
	put64(out + 16, d->transactions);
}

const char *nl_done_decode(const unsigned char in[NL_DONE_LEN], nl_done *d)
{
	const char *why = check_head(in);
	if (why)
		return why;
	d->kind = get16(in + 6);
	if (d->kind > NL_STOP)
		return "unknown message kind";
	if (!all_zero(in + 24, NL_DONE_LEN - 24))
		return "reserved bytes not zero";
	d->bytes = get64(in + 8);
	d->transactions = get64(in + 16);
	return NULL;
}

/* final: magic4 version2 status2 bytes8 transactions8 errors8 cpu4 reserved12 = 48 */
void nl_final_encode(const nl_final *f, unsigned char out[NL_FINAL_LEN])
{
	memset(out, 0, NL_FINAL_LEN);
	put_head(out, f->status);
	put64(out + 8, f->bytes);
	put64(out + 16, f->transactions);
	put64(out + 24, f->errors);
	put32(out + 32, (uint32_t)f->cpu);
}

const char *nl_final_decode(const unsigned char in[NL_FINAL_LEN], nl_final *f)
{
	const char *why = check_head(in);
	if (why)
		return why;
	f->status = get16(in + 6);
	if (f->status > NL_FAIL)
		return "unknown final status";
	f->bytes = get64(in + 8);
	f->transactions = get64(in + 16);
	f->errors = get64(in + 24);
	f->cpu = (int32_t)get32(in + 32);
	if (f->cpu < -1 || f->cpu >= 1 << 20)
		return "server CPU number out of range";
	return NULL;
}

/* The body pattern: byte k of the 256-periodic sequence is k*167+13 (167
 * is odd, so the 256 phases are 256 different sequences).  Held twice so
 * any phase is one contiguous 256-byte run. */
static unsigned char pat2[512];
static pthread_once_t pat_once = PTHREAD_ONCE_INIT;

static void pattern_build(void)
{
	for (unsigned k = 0; k < sizeof pat2; k++)
		pat2[k] = (unsigned char)(k * 167u + 13u);
}

static const unsigned char *pattern(void)
{
	pthread_once(&pat_once, pattern_build);
	return pat2;
}

static unsigned phase(uint64_t seq, int is_resp)
{
	return (unsigned)((seq + (is_resp ? 128u : 0u)) & 255u);
}

void nl_msg_fill(unsigned char *buf, size_t len, uint64_t cookie, uint64_t seq, int is_resp)
{
	const unsigned char *p = pattern() + phase(seq, is_resp);
	put64(buf, cookie);
	put64(buf + 8, seq);
	for (size_t i = NL_MIN_MSG; i < len; i += 256) {
		size_t n = len - i < 256 ? len - i : 256;
		memcpy(buf + i, p, n);
	}
}

int nl_msg_check(const unsigned char *buf, size_t len, uint64_t cookie, uint64_t want_seq,
		 int is_resp, uint64_t *seq_out)
{
	if (len < NL_MIN_MSG || get64(buf) != cookie)
		return -1;
	uint64_t seq = get64(buf + 8);
	if (seq_out)
		*seq_out = seq;
	if (want_seq != UINT64_MAX && seq != want_seq)
		return -1;
	const unsigned char *p = pattern() + phase(seq, is_resp);
	for (size_t i = NL_MIN_MSG; i < len; i += 256) {
		size_t n = len - i < 256 ? len - i : 256;
		if (memcmp(buf + i, p, n))
			return -1;
	}
	return 0;
}

void nl_stamp_fill(unsigned char *buf, size_t len, uint64_t offset, uint64_t cookie)
{
	for (size_t i = 0; i + 8 <= len; i += NL_STAMP)
		put64(buf + i, ((offset + i) / NL_STAMP) ^ cookie);
}

uint64_t nl_stamp_check(const unsigned char *buf, size_t len, uint64_t offset, uint64_t cookie)
{
	uint64_t bad = 0;
	for (size_t i = 0; i + 8 <= len; i += NL_STAMP)
		bad += get64(buf + i) != (((offset + i) / NL_STAMP) ^ cookie);
	return bad;
}

uint64_t nl_cookie(void)
{
	uint64_t c = 0;
	if (getrandom(&c, sizeof c, GRND_NONBLOCK) != (ssize_t)sizeof c)
		c = gb_now_ns() * 0x9e3779b97f4a7c15ull;	/* no entropy yet: still unguessable enough off-path */
	return c ? c : 1;
}
