#!/usr/bin/env bash
# --neighbors N[:cpu|:mem] (common/neighbors), a common option of every
# benchmark: bad values, the "neighbors" member of the document, --plan
# starts none, and no neighbour outlives the run - a normal end, SIGTERM
# or SIGKILL of the benchmark, gb-startup launch's rounds ending their own
# process trees around them.
. "$(dirname "$0")/../lib/tap.sh"
S=$GB_BIN/gb-syscall
B=$GB_BIN/gb-startup
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

running() {	# PID: still a live process (a zombie is not)
	[ -e "/proc/$1" ] && ! grep -q ') Z ' "/proc/$1/stat" 2>/dev/null
}
all_gone() {	# PIDS...: within 5 s none of them runs
	for _ in $(seq 100); do
		local left=0
		for p in "$@"; do running "$p" && left=1; done
		[ $left = 0 ] && return 0
		sleep 0.05
	done
	return 1
}

# --- bad values: exit 2, the option named
for v in 2:gpu -1 257 x 2: 1e3 2:CPU; do
	"$S" --only getpid -r 3 --neighbors "$v" >/dev/null 2>"$tmp/e"; rc=$?
	[ $rc = 2 ] && grep -q -- "--neighbors" "$tmp/e"
	ok $? "--neighbors '$v': exit 2 naming the option (got $rc)"
done
"$B" launch --neighbors 2:gpu -- true 2>/dev/null; is "$?" 2 "gb-startup launch refuses it the same way"
"$S" --help | grep -q -- "--neighbors N\[:cpu|:mem\]"; ok $? "--help lists it among the common options"

# --- recorded in the document
"$S" --only getpid -r 3 --neighbors 2 --format json >"$tmp/n.json"
ok $? "gb-syscall --neighbors 2: exit 0"
is "$(jget "$tmp/n.json" neighbors.count).$(jget "$tmp/n.json" neighbors.kind)" "2.cpu" "neighbors: count 2, kind cpu"
is "$(jget "$tmp/n.json" config.neighbors)" "2" "config.neighbors as given"
is "$(jget "$tmp/n.json" neighbors.cpus)" "$(jget "$tmp/n.json" env.effective.cpu_list)" "on the run's CPUs (the effective set)"
is "$(jget "$tmp/n.json" 'neighbors.pids#').$(jget "$tmp/n.json" 'neighbors.pinned#')" "2.2" "two pids, each pinned"
awk -v a="$(jget "$tmp/n.json" 'neighbors.cpu_seconds[0]')" -v b="$(jget "$tmp/n.json" 'neighbors.cpu_seconds[1]')" \
	'BEGIN { exit !(a > 0 && b > 0) }'
ok $? "each neighbour's CPU time recorded"
is "$(jget "$tmp/n.json" neighbors.ended_early)" 0 "none ended before the run"
all_gone $(jget "$tmp/n.json" 'neighbors.pids' | tr -d '[],'); ok $? "after a normal end no neighbour runs"

"$S" --only getpid -r 3 --neighbors 1:mem --format json >"$tmp/m.json"
is "$(jget "$tmp/m.json" neighbors.kind)" mem "1:mem: memory-bound"
jget "$tmp/m.json" neighbors.buffer_bytes | awk '{ exit !($1 >= 16777216) }'
ok $? "its buffer is at least 16 MiB"
"$S" --only getpid -r 3 --neighbors 1 >"$tmp/t.txt"
grep -q "^neighbors: 1 cpu-bound on CPUs " "$tmp/t.txt"; ok $? "the table says so"

"$S" --only getpid -r 3 --format json >"$tmp/none.json"
! jget "$tmp/none.json" neighbors >/dev/null 2>&1; ok $? "without --neighbors: no neighbors member"
is "$(jget "$tmp/none.json" config.neighbors)" 0 "config.neighbors 0"
"$S" --plan --neighbors 3 --format json >"$tmp/plan.json"
! jget "$tmp/plan.json" neighbors >/dev/null 2>&1; ok $? "--plan: none started (no neighbors member)"

# --- memory-bound buffers that do not fit: exit 3 with the reason (root: a
# memory cgroup of 96 MiB)
cg=/sys/fs/cgroup/memory/gbnb-$$
[ -d /sys/fs/cgroup/memory ] || cg=/sys/fs/cgroup/gbnb-$$
if [ "$(id -u)" = 0 ] && mkdir "$cg" 2>/dev/null; then
	lim=$cg/memory.limit_in_bytes; [ -e "$lim" ] || lim=$cg/memory.max
	echo $((96 << 20)) >"$lim"
	sh -c "echo \$\$ >'$cg/cgroup.procs' && exec '$S' --only getpid -r 3 --neighbors 8:mem -q" 2>"$tmp/big.err"
	is "$?" 3 "--neighbors 8:mem in 96 MiB: exit 3"
	grep -q -- "--neighbors 8:mem: 8 buffers of .* are more than half the effective memory" "$tmp/big.err"
	ok $? "and the reason names the option and the memory"
	rmdir "$cg"
else
	skip "needs root and a memory cgroup" "--neighbors N:mem that does not fit: exit 3"
	skip "needs root and a memory cgroup" "its reason"
fi

# --- the benchmark killed: its neighbours go with it
for sig in TERM KILL; do
	"$S" --only getpid -r 1000000 --neighbors 2 -q >/dev/null 2>&1 &
	job=$! kids=
	for _ in $(seq 100); do
		kids=$(pgrep -P $job | tr '\n' ' ')
		[ "$(echo $kids | wc -w)" -ge 2 ] && break
		sleep 0.05
	done
	is "$(echo $kids | wc -w)" 2 "SIG$sig: two neighbours run beside gb-syscall"
	kill -"$sig" $job; wait $job 2>/dev/null
	all_gone $kids; ok $? "SIG$sig to the benchmark: no neighbour is left"
	kill -KILL $kids 2>/dev/null
done

# --- gb-startup launch: each round's clean-up ends its own tree, not them
"$B" launch -r 3 --neighbors 2 --format json -- "$B" ping {addr}:{port} --nonce {nonce} >"$tmp/l.json"
ok $? "launch -r 3 --neighbors 2: valid"
is "$(jget "$tmp/l.json" neighbors.ended_early)" 0 "the rounds' clean-up left the neighbours running"
is "$(jget "$tmp/l.json" 'results[name=ready].round_status')" "ok,ok,ok" "and counted none of them as left behind"
all_gone $(jget "$tmp/l.json" 'neighbors.pids' | tr -d '[],'); ok $? "after the run they are gone"
M="9$$.31"
"$B" launch --instances 10 -r 2 --neighbors 2 --ready line:never --timeout 60 -q -- sleep "$M" >/dev/null 2>&1 &
job=$!
for _ in $(seq 100); do [ "$(pgrep -fc "^sleep $M")" -ge 10 ] && break; sleep 0.05; done
kids=$(pgrep -P $job | tr '\n' ' ')
kill -TERM $job; wait $job
is "$?" 143 "launch --instances 10 --neighbors 2, SIGTERM: exits by it"
all_gone $kids $(pgrep -f "^sleep $M"); ok $? "neither the instances nor the neighbours are left"
pkill -KILL -f "^sleep $M"
done_testing
