#!/usr/bin/env bash
# gb-netlat: the JSON contract, options and exit statuses, placement,
# IPv6, an empty network namespace, server mode against a hostile
# client, sessions held by hostile peers (silent, trickling, slow, junk,
# floods) that must end by their deadline + one timeout, a server out of
# descriptors, hostile servers the client must give up on, a server
# that dies or hangs, a client that vanishes, payload corruption, and
# every test between two network namespaces over veth.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-netlat
H=$GB_TOOLS/netlat-hostile
tmp=$(mktemp -d)
SPIDS=() NS=()
cleanup() {
	local p n
	for p in "${SPIDS[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
TESTS="tcp_rr udp_rr tcp_crr tcp_stream tcp_maerts"

# --- the default (loopback, all five tests), quick, JSON to a file
"$B" --quick --label ci -o "$tmp/q.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick exits 0"
check "the file is JSON" jget "$tmp/q.json"
is "$(jget "$tmp/q.json" schema).$(jget "$tmp/q.json" bench)" "guestbench/1.netlat" "schema and bench"
is "$(jget "$tmp/q.json" valid)" "true" "valid"
[ ! -s "$tmp/err.txt" ]; ok $? "nothing on stderr"
grep -q "tcp_rr_latency" "$tmp/table.txt"; ok $? "the table names tcp_rr_latency"
for k in mode server family req resp chunk duration interval duration_per_test intervals_per_test \
	warmup_seconds tests_run client_cpu_requested server_cpu_requested placement timeout; do
	jget "$tmp/q.json" "config.$k" >/dev/null; ok $? "config.$k present"
done
is "$(jget "$tmp/q.json" config.mode)" "loopback" "no mode word: loopback"
is "$(jget "$tmp/q.json" config.tests_run)" "tcp_rr,udp_rr,tcp_crr,tcp_stream,tcp_maerts" "all five tests"
is "$(jget "$tmp/q.json" config.req).$(jget "$tmp/q.json" config.resp)" "100.200" "--req 100 --resp 200 by default"
is "$(jget "$tmp/q.json" config.family)" "ipv4" "IPv4 on 127.0.0.1"
is "$(jget "$tmp/q.json" config.placement)" "unpinned" "unpinned by default"
missing=""
for t in tcp_rr udp_rr tcp_crr; do
	for k in unit better n median samples p50 p90 p99 p999 pmax mean_us stddev_us transactions_timed \
		client_cpu server_cpu; do
		jget "$tmp/q.json" "results[name=${t}_latency].$k" >/dev/null || missing="$missing ${t}_latency.$k"
	done
	for k in unit n median samples transactions; do
		jget "$tmp/q.json" "results[name=${t}_tps].$k" >/dev/null || missing="$missing ${t}_tps.$k"
	done
	[ "$(jget "$tmp/q.json" "results[name=${t}_latency].unit")" = us ] || missing="$missing ${t}_latency.unit!=us"
	n=$(jget "$tmp/q.json" "results[name=${t}_latency].transactions_timed")
	[ "${n:-0}" -gt 0 ] || missing="$missing ${t}:no-transactions"
done
for t in tcp_stream tcp_maerts; do
	for k in unit better n median samples gbps_overall bytes client_cpu server_cpu; do
		jget "$tmp/q.json" "results[name=${t}_gbps].$k" >/dev/null || missing="$missing ${t}_gbps.$k"
	done
	[ "$(jget "$tmp/q.json" "results[name=${t}_gbps].unit")" = "Gbit/s" ] || missing="$missing ${t}.unit"
done
is "$missing" "" "every metric with its percentiles, counts and observed CPUs"
is "$(jget "$tmp/q.json" 'results[name=tcp_rr_latency].n')" \
	"$(jget "$tmp/q.json" config.intervals_per_test)" "one sample per interval"
is "$(jget "$tmp/q.json" 'results[name=udp_rr_latency].lost')" "0" "udp_rr on loopback: nothing lost"
p50=$(jget "$tmp/q.json" 'results[name=tcp_rr_latency].p50'); p99=$(jget "$tmp/q.json" 'results[name=tcp_rr_latency].p99')
awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a > 0 && a <= b) }'; ok $? "tcp_rr: 0 < p50 <= p99 ($p50, $p99)"
"$B" --quick --test tcp_rr --format csv >"$tmp/q.csv"; ok $? "--format csv"
grep -q "^netlat,[^,]*,tcp_rr_latency," "$tmp/q.csv"; ok $? "the CSV has tcp_rr_latency"
"$B" --quick --test tcp_rr,tcp_stream --format json -o "$tmp/two.json" -r 2 >/dev/null
ok $? "--test LIST -r 2"
is "$(jget "$tmp/two.json" 'results#')" "3" "only the selected tests (latency, tps, gbps)"
is "$(jget "$tmp/two.json" 'results[name=tcp_stream_gbps].n')" \
	"$(( 2 * $(jget "$tmp/two.json" config.intervals_per_test) ))" "-r 2 pools both runs' intervals"

# --- usage errors: exit 2, naming the option
usage() {	# "what" ARGS...
	local what=$1; shift
	"$B" "$@" >/dev/null 2>"$tmp/u.err"; is "$?" "2" "usage: $what exits 2"
}
usage "--test bogus" --test bogus
grep -q "test" "$tmp/u.err"; ok $? "the message names --test"
usage "--req 8 (below 16)" --req 8
usage "--req 2M (above 1 MiB)" --test tcp_rr --req 2M
usage "--req 70000 with udp_rr" --req 70000
grep -q "65507" "$tmp/u.err"; ok $? "the message says 65507"
usage "--chunk 5000 (not 4 KiB multiple)" --chunk 5000
usage "--duration 0" --duration 0
# the protocol caps warm-up and duration at 1 h each (NL_MAX_MS): refused before anything runs
usage "--duration 2h (past the protocol's 1 h)" --duration 2h --test tcp_rr
grep -q "duration" "$tmp/u.err"; ok $? "the message names --duration: $(head -1 "$tmp/u.err")"
usage "--warmup 100 --interval 60s (100 min of warm-up)" --warmup 100 --interval 60s --test tcp_rr
grep -q "warmup" "$tmp/u.err"; ok $? "the message names --warmup: $(head -1 "$tmp/u.err")"
usage "--duration 1h for tcp_maerts (its margin past 1 h)" --duration 1h --test tcp_maerts
grep -q "tcp_maerts" "$tmp/u.err"; ok $? "the message names tcp_maerts: $(head -1 "$tmp/u.err")"
# -r sizes nothing up front: a huge -r with 360,000 intervals per run starts measuring
# (it used to die at once asking for 2.9 TB); stopped by timeout after 2 s
timeout 2 "$B" --test tcp_rr -r 1000000 --duration 1h --interval 10ms -q >/dev/null 2>"$tmp/r.err"
rc=$?; is "$rc.$(grep -c "out of memory" "$tmp/r.err")" "124.0" "-r 1000000 --duration 1h --interval 10ms: runs (no up-front out of memory)"
usage "--port 70000" server --port 70000
usage "an unknown mode" sideways
usage "client without HOST" client
usage "client with a name (no resolution)" client localhost:12867 --quick
grep -q "numeric" "$tmp/u.err"; ok $? "the message says names are not resolved"
usage "client with port 0" client 127.0.0.1:0
usage "client with a bad port" client 127.0.0.1:99999
usage "loopback with an extra argument" loopback extra
usage "client with --server-cpu" client 127.0.0.1:1 --server-cpu 0
usage "--bind with a name" --bind localhost --quick

# --- placement: requested and observed
"$B" --quick --test tcp_rr,tcp_stream --cpu 0 --format json -o "$tmp/p0.json" >/dev/null
ok $? "--cpu 0 exits 0"
is "$(jget "$tmp/p0.json" config.placement)" "same_cpu" "--cpu 0: same_cpu"
is "$(jget "$tmp/p0.json" 'results[name=tcp_rr_latency].client_cpu').$(jget "$tmp/p0.json" 'results[name=tcp_rr_latency].server_cpu')" \
	"0.0" "--cpu 0: both sides observed on CPU 0"
ncpu=$(jget "$tmp/q.json" env.effective.cpus)
if [ "${ncpu:-1}" -ge 2 ] && taskset -pc $$ | grep -qE ': (0-|0,1)'; then
	"$B" --quick --test tcp_rr --cpu 0 --server-cpu 1 --format json -o "$tmp/p1.json" >/dev/null
	ok $? "--cpu 0 --server-cpu 1 exits 0"
	is "$(jget "$tmp/p1.json" config.placement)" "cross_cpu" "cross_cpu"
	is "$(jget "$tmp/p1.json" 'results[name=tcp_rr_latency].client_cpu').$(jget "$tmp/p1.json" 'results[name=tcp_rr_latency].server_cpu')" \
		"0.1" "client observed on 0, server on 1"
else
	skip "needs CPUs 0 and 1" "cross-CPU placement"
fi
"$B" --quick --cpu 1000 >/dev/null 2>"$tmp/c.err"; is "$?" "3" "--cpu outside the CPU set exits 3"
grep -q "1000" "$tmp/c.err"; ok $? "the message names the CPU"

# --- IPv6 loopback
if "$B" --quick --bind ::1 --test tcp_rr,udp_rr,tcp_stream --format json -o "$tmp/v6.json" >/dev/null 2>"$tmp/v6.err"; then
	ok 0 "--bind ::1 exits 0"
	is "$(jget "$tmp/v6.json" config.family).$(jget "$tmp/v6.json" valid)" "ipv6.true" "IPv6, valid"
elif grep -q "absent\|Cannot assign" "$tmp/v6.err"; then
	skip "::1 is not configured here" "IPv6 loopback"
else
	ok 1 "--bind ::1 exits 0"; sed 's/^/#   /' "$tmp/v6.err"
fi

# --- an empty network namespace: loopback down -> exit 3, a reason, no document
if unshare -n true 2>/dev/null || unshare --user --map-root-user --net true 2>/dev/null; then
	if unshare -n true 2>/dev/null; then U=(unshare -n); else U=(unshare --user --map-root-user --net); fi
	"${U[@]}" "$B" --quick --format json >"$tmp/e.out" 2>"$tmp/e.err"
	is "$?" "3" "lo down (${U[*]}): exit 3"
	grep -q "loopback" "$tmp/e.err"; ok $? "the reason names loopback"
	[ ! -s "$tmp/e.out" ]; ok $? "nothing on stdout"
else
	skip "cannot create a network namespace" "empty network namespace"
fi

# --- server mode
start_server() {	# ARGS...: sets SPID and PORT; SRV_NOFILE=N: that descriptor limit
	local out=$tmp/srv.$RANDOM i
	if [ -n "${SRV_NOFILE:-}" ]; then
		( ulimit -n "$SRV_NOFILE" && exec "$B" server --port 0 "$@" ) >"$out" 2>"$out.err" &
	else
		"$B" server --port 0 "$@" >"$out" 2>"$out.err" &
	fi
	SPID=$!; SPIDS+=("$SPID"); PORT=
	for ((i = 0; i < 50; i++)); do
		PORT=$(sed -n 's/.*:\([0-9]*\) (max.*/\1/p' "$out")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	return 1
}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

start_server --timeout 2s; ok $? "server --port 0 prints its address"
"$B" client "127.0.0.1:$PORT" --quick --format json -o "$tmp/cl.json" >/dev/null 2>"$tmp/cl.err"
ok $? "client 127.0.0.1:PORT --quick exits 0"
is "$(jget "$tmp/cl.json" config.mode).$(jget "$tmp/cl.json" valid)" "client.true" "client mode, valid"
is "$(jget "$tmp/cl.json" 'results#')" "8" "all five tests measured against the server"
rss0=$(rss "$SPID")

# --- the hostile client, then a normal client still works with bounded memory
for c in oversize ffff udpsize magic version garbage truncated; do
	"$H" 127.0.0.1 "$PORT" "$c" >"$tmp/h.out" 2>&1; ok $? "hostile $c: $(head -1 "$tmp/h.out")"
done
"$H" 127.0.0.1 "$PORT" stall 4 >"$tmp/h.out" 2>&1; ok $? "hostile stall: $(head -1 "$tmp/h.out")"
"$H" 127.0.0.1 "$PORT" idle 12 4 >"$tmp/h.out" 2>&1; ok $? "hostile idle x12: the server closes every silent one"
is "$(sed -n 's/.*busy=\([0-9]*\).*/\1/p' "$tmp/h.out")" "8" "12 idle connections: 8 beyond the cap of 4 refused as busy"
"$H" 127.0.0.1 "$PORT" udp >"$tmp/h.out" 2>&1; ok $? "hostile udp: unregistered port and wrong cookie unanswered"
sed 's/^/#   /' "$tmp/h.out"
"$H" 127.0.0.1 "$PORT" datacookie >"$tmp/h.out" 2>&1; ok $? "hostile datacookie: $(head -1 "$tmp/h.out")"
kill -0 "$SPID" 2>/dev/null; ok $? "the server survived every hostile client"
"$B" client "127.0.0.1:$PORT" --quick --format json -o "$tmp/cl2.json" >/dev/null 2>&1
ok $? "a normal client still works after them"
is "$(jget "$tmp/cl2.json" valid)" "true" "and its result is valid"
rss1=$(rss "$SPID")
# memory is bounded by the protocol (4 sessions x <= 2 MiB), not by what peers sent
[ -n "$rss0" ] && [ -n "$rss1" ] && [ "$rss1" -le $((rss0 + 16384)) ]
ok $? "server RSS bounded: ${rss0} KiB before, ${rss1} KiB after"
kill -TERM "$SPID"; wait "$SPID"; is "$?" "0" "SIGTERM: the server exits 0"

# --- sessions held by hostile peers: whatever the peer does, the session ends
# by its deadline (warm-up + duration + 3 timeouts, so 3 s for the 1 ms
# sessions below with --timeout 1s) plus one timeout, and the only slot is
# free again at once (the hostile peer checks both, still holding whatever
# it opened; then a normal client is served)
start_server --max-sessions 1 --timeout 1s
for c in silentdata "trickle crr" "trickle stream" "trickle rr" slowrr udpflood crrflood udpjunk; do
	"$H" 127.0.0.1 "$PORT" $c 1 >"$tmp/h.out" 2>&1; ok $? "hostile $c: $(tail -1 "$tmp/h.out")"
	"$B" client "127.0.0.1:$PORT" --quick --test tcp_rr -q >/dev/null 2>"$tmp/v.err"
	ok $? "hostile $c: a normal client is served right after"
done
"$H" 127.0.0.1 "$PORT" udpshort >"$tmp/h.out" 2>&1
ok $? "hostile udpshort: junk from the client's own address is not its error ($(tail -1 "$tmp/h.out"))"
kill -0 "$SPID" 2>/dev/null; ok $? "the server survived them all"
kill "$SPID"; wait "$SPID" 2>/dev/null

# --- out of descriptors: the accept loop waits for sessions to end instead of
# spinning (its thread is not runnable: a busy loop is runnable all the time,
# however loaded the machine), then serves again
SRV_NOFILE=12 start_server --max-sessions 64 --timeout 2s
ok $? "a server with 12 descriptors starts"
if [ -r "/proc/$SPID/schedstat" ]; then
	"$H" 127.0.0.1 "$PORT" hold 16 3 >"$tmp/h.out" 2>&1 &
	hpid=$!
	sleep 0.5
	runnable() { awk '{ printf "%d\n", ($1 + $2) / 1000000 }' "/proc/$SPID/schedstat"; }
	r0=$(runnable); sleep 2; r1=$(runnable)
	[ $((r1 - r0)) -lt 500 ]
	ok $? "16 connections past the descriptor limit: the accept loop runnable $((r1 - r0)) ms of 2000"
	wait "$hpid"
	sleep 0.5
	"$B" client "127.0.0.1:$PORT" --quick --test tcp_rr -q >/dev/null 2>"$tmp/v.err"
	ok $? "once they are gone, a normal client is served"
else
	skip "no /proc/PID/schedstat" "descriptor exhaustion"
fi
kill "$SPID"; wait "$SPID" 2>/dev/null

# --- hostile servers: the client gives up by the session's deadline (here
# 0.2 s warm-up + its duration + 3 s, then 1 s for the final report; 12 s
# leaves ample slack, and the old client never ended), exit 1, with a reason
for c in maerts:tcp_maerts udpstale:udp_rr crrtrickle:tcp_crr; do
	"$H" 127.0.0.1 0 serve "${c%%:*}" >"$tmp/hs.out" 2>&1 &
	hpid=$!; SPIDS+=("$hpid"); hport=
	for ((i = 0; i < 50; i++)); do
		hport=$(sed -n 's/^port //p' "$tmp/hs.out"); [ -n "$hport" ] && break; sleep 0.1
	done
	extra=(); [ "${c#*:}" = tcp_crr ] && extra=(--resp 1M)
	t0=$(date +%s%N)
	timeout 40 "$B" client "127.0.0.1:$hport" --test "${c#*:}" --duration 1s --interval 0.2s --timeout 1s "${extra[@]}" \
		--format json -o "$tmp/hs.json" >/dev/null 2>"$tmp/hs.err"
	rc=$? took=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "$rc" "1" "hostile server ${c%%:*}: the client gives up by itself, exit 1"
	[ "$took" -le 12000 ]; ok $? "hostile server ${c%%:*}: within the session's deadline + slack ($took ms)"
	jget "$tmp/hs.json" 'invalid_reasons[0]' >/dev/null
	ok $? "hostile server ${c%%:*}: the reason: $(jget "$tmp/hs.json" 'invalid_reasons[0]')"
	kill "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null
done

# --- a client whose server dies mid-test exits 1, soon, with a message
for how in KILL STOP; do
	start_server --timeout 1s
	t0=$(date +%s)
	"$B" client "127.0.0.1:$PORT" --test tcp_rr,tcp_stream --duration 30s --timeout 1s \
		--format json -o "$tmp/d.json" >/dev/null 2>"$tmp/d.err" &
	cpid=$!
	sleep 0.7
	kill -"$how" "$SPID"
	wait "$cpid"; rc=$?
	t1=$(date +%s)
	is "$rc" "1" "server SIG$how mid-test: the client exits 1"
	[ $((t1 - t0)) -le 8 ]; ok $? "within the timeout, no hang ($((t1 - t0)) s)"
	is "$(jget "$tmp/d.json" valid)" "false" "the document says invalid"
	jget "$tmp/d.json" 'invalid_reasons[0]' | grep -q "tcp_rr"; ok $? "and why: $(jget "$tmp/d.json" 'invalid_reasons[0]')"
	kill -CONT "$SPID" 2>/dev/null; kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
done

# --- a client that vanishes frees its session (cap of 1)
start_server --max-sessions 1 --timeout 1s
for t in tcp_rr udp_rr tcp_crr tcp_stream tcp_maerts; do
	"$B" client "127.0.0.1:$PORT" --test "$t" --duration 30s -q >/dev/null 2>&1 &
	cpid=$!
	sleep 0.5
	kill -9 "$cpid"; wait "$cpid" 2>/dev/null
	sleep 1.5	# udp_rr notices at its next receive timeout or the control EOF
	"$B" client "127.0.0.1:$PORT" --quick --test tcp_rr -q >/dev/null 2>"$tmp/v.err"
	ok $? "$t: after a client is killed mid-test, the only session slot is free again"
done
# a client that hangs (SIGSTOP) holds its slot only until the timeouts
for t in tcp_rr tcp_stream; do
	"$B" client "127.0.0.1:$PORT" --test "$t" --duration 30s -q >/dev/null 2>&1 &
	cpid=$!
	sleep 0.5
	kill -STOP "$cpid"
	sleep 3.5	# data idle timeout (1 s), then the final message's (1 s)
	"$B" client "127.0.0.1:$PORT" --quick --test tcp_rr -q >/dev/null 2>"$tmp/v.err"
	ok $? "$t: a client stopped mid-test loses its session slot after the timeout"
	kill -9 "$cpid"; kill -CONT "$cpid"; wait "$cpid" 2>/dev/null
done
kill "$SPID"; wait "$SPID" 2>/dev/null

# --- --bind elsewhere than loopback warns; --sessions N ends the server
"$B" server --bind 0.0.0.0 --port 0 --sessions 1 >"$tmp/w.out" 2>"$tmp/w.err" &
wpid=$!; SPIDS+=("$wpid")
for ((i = 0; i < 50; i++)); do grep -q listening "$tmp/w.out" && break; sleep 0.1; done
grep -qi "warning.*not loopback" "$tmp/w.err"; ok $? "--bind 0.0.0.0 prints a warning"
wport=$(sed -n 's/.*:\([0-9]*\) (max.*/\1/p' "$tmp/w.out")
"$B" client "127.0.0.1:$wport" --quick --test udp_rr -q >/dev/null; ok $? "a client of the 0.0.0.0 server"
wait "$wpid"; is "$?" "0" "--sessions 1: the server exits 0 after one session"

# --- nothing listening: exit 3
"$B" client "127.0.0.1:1" --quick >/dev/null 2>"$tmp/n.err"; is "$?" "3" "no server: exit 3"
grep -q "cannot reach" "$tmp/n.err"; ok $? "with the reason"

# --- payload corruption is caught on every test (GB_FAULT netlat.corrupt)
for t in $TESTS; do
	GB_FAULT=netlat.corrupt=$t "$B" --quick --test "$t" --format json -o "$tmp/x.json" >/dev/null 2>"$tmp/x.err"
	is "$?" "1" "$t: one corrupted byte -> exit 1"
	is "$(jget "$tmp/x.json" valid)" "false" "$t: valid false ($(jget "$tmp/x.json" 'invalid_reasons[0]'))"
done

# --- every test between two network namespaces over a veth pair
if [ "$(id -u)" != 0 ]; then
	skip "needs root (ip netns)" "veth between two namespaces"
elif ! command -v ip >/dev/null; then
	skip "ip (iproute2) missing" "veth between two namespaces"
elif ! why=$(bash "$GB_ROOT/tests/lib/netns-add.sh" "nlA$$"); then
	skip "$why" "veth between two namespaces"
else
	NS+=("nlA$$" "nlB$$")
	ip netns add "nlB$$" &&
	ip link add "nlva$$" type veth peer name "nlvb$$" &&
	ip link set "nlva$$" netns "nlA$$" && ip link set "nlvb$$" netns "nlB$$" &&
	ip -n "nlA$$" addr add 10.231.7.1/24 dev "nlva$$" && ip -n "nlB$$" addr add 10.231.7.2/24 dev "nlvb$$" &&
	ip -n "nlA$$" addr add fd00:7::1/64 dev "nlva$$" nodad && ip -n "nlB$$" addr add fd00:7::2/64 dev "nlvb$$" nodad &&
	ip -n "nlA$$" link set "nlva$$" up && ip -n "nlB$$" link set "nlvb$$" up &&
	ip -n "nlA$$" link set lo up && ip -n "nlB$$" link set lo up
	ok $? "two namespaces joined by a veth pair (10.231.7.0/24, fd00:7::/64)"
	for fam in 10.231.7 fd00:7:; do
		if [ "$fam" = 10.231.7 ]; then sa=10.231.7.1; ca=10.231.7.1; else sa=fd00:7::1; ca="[fd00:7::1]"; fi
		ip netns exec "nlA$$" "$B" server --bind "$sa" --port 0 --sessions 5 >"$tmp/vs.out" 2>"$tmp/vs.err" &
		vpid=$!; SPIDS+=("$vpid")
		for ((i = 0; i < 50; i++)); do grep -q listening "$tmp/vs.out" && break; sleep 0.1; done
		vport=$(sed -n 's/.*:\([0-9]*\) (max.*/\1/p' "$tmp/vs.out")
		ip netns exec "nlB$$" "$B" client "$ca:$vport" --quick --format json -o "$tmp/veth.json" >/dev/null 2>"$tmp/vc.err"
		ok $? "veth $sa: the client in the other namespace exits 0"
		sed 's/^/#   /' "$tmp/vc.err" | head -3
		is "$(jget "$tmp/veth.json" valid)" "true" "veth $sa: every payload checked, valid"
		got=""
		for t in tcp_rr udp_rr tcp_crr; do jget "$tmp/veth.json" "results[name=${t}_latency].p50" >/dev/null && got="$got $t"; done
		for t in tcp_stream tcp_maerts; do jget "$tmp/veth.json" "results[name=${t}_gbps].median" >/dev/null && got="$got $t"; done
		is "$got" " $TESTS" "veth $sa: all five tests measured"
		wait "$vpid"; is "$?" "0" "veth $sa: the server exits 0 after its five sessions"
	done
fi

done_testing
