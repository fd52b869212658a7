/* proto.h - the control protocol between gb-netlat client and server.
 *
 * Fixed-size binary messages over the control TCP connection, every
 * integer big-endian, every field range-checked by the decoder before
 * anyone uses it (the server faces untrusted peers: no length read from
 * the wire ever sizes an allocation unchecked).  docs/netlat.md has the
 * wire layout. */
#ifndef NL_PROTO_H
#define NL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define NL_MAGIC 0x474e4c54u	/* "GNLT" */
#define NL_VERSION 1

#define NL_HELLO_LEN 48
#define NL_REPLY_LEN 96
#define NL_DONE_LEN 32
#define NL_FINAL_LEN 48
#define NL_MSG_TEXT 64		/* text in a refusal reply, NUL-padded */

#define NL_MAX_SIZE (1u << 20)		/* request/response/chunk bytes */
#define NL_MIN_MSG 16			/* cookie + sequence number */
#define NL_MAX_UDP 65507u		/* largest UDP payload over IPv4 */
#define NL_STAMP 4096u			/* stream: one stamp per 4 KiB */
#define NL_MAX_MS (3600u * 1000u)	/* warm-up and duration, each (and gb-netlat's --duration) */

typedef enum {
	NL_TCP_RR = 1, NL_UDP_RR, NL_TCP_CRR, NL_TCP_STREAM, NL_TCP_MAERTS,
	NL_NTESTS = 5
} nl_test;

/* Reply status. */
enum { NL_OK = 0, NL_BUSY = 1, NL_BAD = 2, NL_FAIL = 3 };

typedef struct nl_hello {
	uint16_t test;
	uint32_t req, resp, chunk;
	uint32_t warmup_ms, duration_ms;
	uint16_t udp_port;	/* udp_rr: the client's registered source port */
} nl_hello;

typedef struct nl_reply {
	uint16_t status;
	uint64_t cookie;
	uint16_t data_port;
	char text[NL_MSG_TEXT + 1];	/* printable ASCII only after decoding */
} nl_reply;

/* client -> server: NL_STOP asks a sending server (tcp_maerts) to stop;
 * NL_DONE ends the client's half and carries its counts. */
enum { NL_DONE = 0, NL_STOP = 1 };
typedef struct nl_done {
	uint16_t kind;
	uint64_t bytes, transactions;
} nl_done;

typedef struct nl_final {	/* server -> client: the server's view */
	uint16_t status;
	uint64_t bytes, transactions, errors;
	int32_t cpu;		/* where the server ran at the end, -1 unknown */
} nl_final;

const char *nl_test_name(int test);	/* NULL if out of range */
int nl_test_by_name(const char *name);	/* 0 if unknown */

/* Encoders fill exactly the message length.  Decoders return NULL when the
 * message is acceptable, else a short reason (static text). */
void nl_hello_encode(const nl_hello *h, unsigned char out[NL_HELLO_LEN]);
const char *nl_hello_decode(const unsigned char in[NL_HELLO_LEN], nl_hello *h);
/* The same range checks, for a hello built locally (client side). */
const char *nl_hello_check(const nl_hello *h);

/* The hard end of a session's data phase, from the moment of the ok
 * reply: its warm-up and duration plus three timeouts.  Both sides hold
 * to it: the server ends the session by then plus one timeout (for the
 * final exchange), whatever the peer does, and the client stops waiting
 * on a server that goes on past it. */
uint64_t nl_deadline(const nl_hello *h, double timeout_s, uint64_t reply_ns);

void nl_reply_encode(const nl_reply *r, unsigned char out[NL_REPLY_LEN]);
const char *nl_reply_decode(const unsigned char in[NL_REPLY_LEN], nl_reply *r);

void nl_done_encode(const nl_done *d, unsigned char out[NL_DONE_LEN]);
const char *nl_done_decode(const unsigned char in[NL_DONE_LEN], nl_done *d);

void nl_final_encode(const nl_final *f, unsigned char out[NL_FINAL_LEN]);
const char *nl_final_decode(const unsigned char in[NL_FINAL_LEN], nl_final *f);

/* Payload content.  A request/response is [cookie 8][seq 8][body], the
 * body a 256-periodic byte pattern whose phase depends on seq (requests
 * and responses use different phases, so an echoed request never passes
 * as a response).  Stream data carries, every 4 KiB of stream offset, the
 * 8-byte stamp (offset / 4096) ^ cookie. */
void nl_msg_fill(unsigned char *buf, size_t len, uint64_t cookie, uint64_t seq, int is_resp);
/* 0 if buf is the message for (cookie, seq, is_resp); -1 otherwise.
 * Pass want_seq = UINT64_MAX to accept any seq (stored in *seq_out). */
int nl_msg_check(const unsigned char *buf, size_t len, uint64_t cookie, uint64_t want_seq,
		 int is_resp, uint64_t *seq_out);

void nl_stamp_fill(unsigned char *buf, size_t len, uint64_t offset, uint64_t cookie);
/* Number of wrong stamps in buf (len a multiple of 4096, offset too). */
uint64_t nl_stamp_check(const unsigned char *buf, size_t len, uint64_t offset, uint64_t cookie);

/* Big-endian 64-bit fields (the cookie at the start of a data connection). */
void nl_put64(unsigned char *p, uint64_t v);
uint64_t nl_get64(const unsigned char *p);

/* A random 64-bit session cookie (getrandom, clock fallback). */
uint64_t nl_cookie(void);

#endif
