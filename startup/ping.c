/* ping.c - gb-startup ping ADDR:PORT --nonce N: the in-guest side of
 * `launch --ready udp` (Plauth et al.'s "first UDP packet reaches the
 * host").
 *
 * It sends at once and again every 10 ms: while the guest's network is
 * still coming up a send fails (ENETUNREACH, EADDRNOTAVAIL, no socket
 * yet) or the datagram is lost, and the launcher's clock is what counts,
 * so waiting longer between tries would only add to the figure.  It
 * stops on the launcher's ack, which must come from ADDR:PORT and carry
 * the same nonce; anything else is ignored. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "startup.h"
#include "util.h"

#define RETRY_NS 10000000ull

static int same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	char ha[64], hb[64];
	su_addr_host(a, ha, sizeof ha);
	su_addr_host(b, hb, sizeof hb);
	return a->ss_family == b->ss_family && su_addr_port(a) == su_addr_port(b) && strcmp(ha, hb) == 0;
}

/* Wait until 'until' for the ack; 1 when it came. */
static int await_ack(int fd, const struct sockaddr_storage *to, const char *nonce, uint64_t until)
{
	for (uint64_t now; (now = gb_now_ns()) < until;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, (int)((until - now + 999999) / 1000000)) <= 0)
			continue;
		char buf[128];
		struct sockaddr_storage from;
		socklen_t flen = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (n > 0 && same_peer(&from, to) && su_msg_is(buf, (size_t)n, SU_ACK_PREFIX, nonce))
			return 1;
	}
	return 0;
}

int su_ping_main(int argc, char **argv)
{
	const char *nonce = NULL;
	double timeout = 0;
	const gb_opt opts[] = {
		{ .name = "nonce", .type = GB_OPT_STRING, .dest = &nonce, .metavar = "N",
		  .help = "the round's nonce (launch puts it in {nonce}); required" },
		{ .name = "timeout", .type = GB_OPT_DURATION, .dest = &timeout, .def = "10s", .min = 0.001,
		  .max = 86400, .metavar = "TIME", .help = "give up after this long: exit 1" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = {
		.prog = "gb-startup ping",
		.bench = "startup",
		.summary = "send the launcher's nonce to ADDR:PORT over UDP until it acknowledges",
		.synopsis = "ADDR:PORT --nonce N [--timeout TIME]",
		.epilog = "ADDR is numeric: 10.0.2.2:4000 or [fd00::1]:4000.  Exit status 0 on the ack,\n"
			  "1 on timeout, 2 on a usage error.  Prints nothing unless something fails.\n",
		.common = 0,
		.opts = opts,
		.max_positional = 1,
	};
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	struct sockaddr_storage to;
	socklen_t tolen;
	char req[128];
	int reqlen;
	if (cli.npos != 1 || su_parse_addr(cli.pos[0], 1, &to, &tolen)) {
		gb_err("give the launcher's address as a numeric ADDR:PORT (e.g. 10.0.2.2:4000 or [::1]:4000)%s%s",
		       cli.npos ? ", not " : "", cli.npos ? cli.pos[0] : "");
		rc = GB_EXIT_USAGE;
	} else if (!nonce || (reqlen = su_ping_msg(req, sizeof req, nonce)) < 0) {
		gb_err("--nonce N is required: 1 to %d printable characters, no spaces", SU_NONCE_MAX);
		rc = GB_EXIT_USAGE;
	}
	if (rc) {
		gb_cli_free(&cli);
		return rc;
	}

	uint64_t deadline = gb_now_ns() + (uint64_t)(timeout * 1e9);
	int fd = -1, last_err = 0;
	unsigned long sent = 0;
	for (uint64_t now = gb_now_ns(); now < deadline; now = gb_now_ns()) {
		uint64_t next = now + RETRY_NS < deadline ? now + RETRY_NS : deadline;
		if (fd < 0 && (fd = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
			last_err = errno;
		/* unconnected: a route that appears later is used by the next
		 * sendto, and a send error says the network is not up yet */
		if (fd >= 0 && sendto(fd, req, (size_t)reqlen, 0, (struct sockaddr *)&to, tolen) < 0)
			last_err = errno;
		else if (fd >= 0)
			sent++;
		if (fd >= 0 && await_ack(fd, &to, nonce, next)) {
			close(fd);
			gb_cli_free(&cli);
			return GB_EXIT_OK;
		}
		for (struct timespec ts; (now = gb_now_ns()) < next;) {
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(next - now);
			nanosleep(&ts, NULL);
		}
	}
	gb_err("no ack from %s within %g s (%lu datagrams sent%s%s)", cli.pos[0], timeout, sent,
	       last_err ? "; last error: " : "", last_err ? strerror(last_err) : "");
	if (fd >= 0)
		close(fd);
	gb_cli_free(&cli);
	return GB_EXIT_INVALID;
}
