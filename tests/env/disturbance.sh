#!/usr/bin/env bash
# The "disturbance" object every document carries (common/disturb.c,
# docs/json.md): its members and types in a real document, and three
# environments whose verdict is certain -
#  - a busy neighbour pinned to the benchmark's only CPU for the whole
#    run: it takes the CPU at every scheduler slice (hundreds of
#    involuntary switches per CPU-second, the threshold is 100): disturbed;
#  - a cgroup CPU quota of 10 % (root): throttled in nearly every period:
#    disturbed, nr_throttled > 0;
#  - an empty root without /proc (bubblewrap): steal and throttling
#    cannot be read, so they are null, not 0;
# and the suite's summary line counting disturbed runs.  The neighbour's
# victim is CPU-bound (getpid only): in a benchmark that sleeps and wakes
# its own threads a lot, the voluntary switches offset the involuntary
# ones (disturb.c), and only the canary could tell.
# No figure of the benchmark is asserted, and "not disturbed" never is:
# this machine is shared, a quiet run cannot be promised.
. "$(dirname "$0")/../lib/tap.sh"
S=$GB_BIN/gb-syscall
tmp=$(mktemp -d)
nb= group=
cleanup() {
	[ -n "$nb" ] && kill "$nb" 2>/dev/null && wait "$nb" 2>/dev/null
	[ -n "$group" ] && rmdir "$group" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# a CPU-bound run of about a second of CPU time, one thread
work=(--only getpid -r 20 --warmup 0 --min-time 50ms --format json)

# types KEY REGEX WHAT: the member's JSON text matches
types() { jget "$1" "disturbance.$2" | grep -Eqx -e "$3"; ok $? "$4: disturbance.$2 is $5"; }
NUM='-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?' INT='[0-9]+'
check_types() {	# FILE WHAT
	local f=$1 w=$2 k
	for k in steal_pct throttled_ms cpu_seconds wall_seconds canary_drift_pct; do
		types "$f" "$k" "$NUM|null" "$w" "a number or null"
	done
	for k in nr_throttled nivcsw nvcsw; do types "$f" "$k" "$INT|null" "$w" "an integer or null"; done
	types "$f" disturbed "true|false" "$w" "a boolean"
	is "$(jget "$f" 'disturbance.canary_ns#')" 2 "$w: canary_ns is [before, after]"
	types "$f" 'canary_ns[0]' "$NUM|null" "$w" "a number or null"
	jget "$f" 'disturbance.reasons#' | grep -Eqx "$INT"; ok $? "$w: reasons is an array"
	is "$(jget "$f" 'disturbance#')" 11 "$w: the 11 documented members"
	if [ "$(jget "$f" disturbance.disturbed)" = true ]; then
		[ "$(jget "$f" 'disturbance.reasons#')" -ge 1 ]; ok $? "$w: disturbed, with reasons"
	else
		is "$(jget "$f" 'disturbance.reasons#')" 0 "$w: not disturbed, no reasons"
	fi
}

# --- a real document
"$S" --quick --only getpid,cpuid -o "$tmp/q.json" -q
ok $? "gb-syscall --quick runs"
check_types "$tmp/q.json" "gb-syscall"
for k in nivcsw nvcsw cpu_seconds wall_seconds 'canary_ns[0]' 'canary_ns[1]'; do
	v=$(jget "$tmp/q.json" "disturbance.$k")
	[ "$v" != null ]; ok $? "getrusage and the canary are always read: $k = $v"
done
if [ -r /proc/stat ] && grep -q '^cpu0 \([0-9]* \)\{7\}[0-9]' /proc/stat; then
	v=$(jget "$tmp/q.json" disturbance.steal_pct)
	[ "$v" != null ]; ok $? "this kernel's /proc/stat has steal: steal_pct read ($v)"
else
	skip "no steal field in /proc/stat" "steal_pct read"
fi

# --- a busy neighbour on the same CPU for the whole run
cpu=$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')
taskset -c "$cpu" sh -c 'while :; do :; done' &
nb=$!
sleep 0.2
taskset -c "$cpu" "$S" "${work[@]}" >"$tmp/n.json"
ok $? "gb-syscall beside a busy loop on CPU $cpu runs"
kill "$nb" && wait "$nb" 2>/dev/null
nb=
check_types "$tmp/n.json" "neighbour"
is "$(jget "$tmp/n.json" disturbance.disturbed)" true "a busy neighbour on the same CPU: disturbed"
jget "$tmp/n.json" disturbance.reasons | grep -Eq "involuntary context switches|canary"
ok $? "... by involuntary switches or the canary: $(jget "$tmp/n.json" 'disturbance.reasons[0]')"
taskset -c "$cpu" sh -c 'while :; do :; done' &
nb=$!
sleep 0.2
taskset -c "$cpu" "$S" --only getpid -r 20 --warmup 0 --min-time 50ms >"$tmp/n.txt"
kill "$nb" && wait "$nb" 2>/dev/null
nb=
grep -q "^disturbed: .*involuntary context switches" "$tmp/n.txt"
ok $? "the table says so in one line"

# --- a cgroup CPU quota of 10 %
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	base=/sys/fs/cgroup
	quota() { echo "10000 100000" >"$1/cpu.max"; }
else
	base=/sys/fs/cgroup/cpu
	quota() { echo 100000 >"$1/cpu.cfs_period_us" && echo 10000 >"$1/cpu.cfs_quota_us"; }
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "needs root to create a cgroup" "throttling"
elif ! mkdir "$base/gbtest-disturb.$$" 2>/dev/null; then
	skip "cannot create a cgroup in $base" "throttling"
else
	group=$base/gbtest-disturb.$$
	if ! quota "$group" 2>/dev/null; then
		skip "cannot set a CPU quota in $group" "throttling"
	else
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$group" \
			"$S" --only getpid -r 10 --warmup 0 --min-time 20ms --format json >"$tmp/t.json"
		ok $? "gb-syscall under a 10 % CPU quota runs"
		check_types "$tmp/t.json" "quota"
		[ "$(jget "$tmp/t.json" disturbance.nr_throttled)" -gt 0 ]
		ok $? "throttled $(jget "$tmp/t.json" disturbance.nr_throttled) times"
		awk -v v="$(jget "$tmp/t.json" disturbance.throttled_ms)" 'BEGIN { exit !(v > 0) }'
		ok $? "for $(jget "$tmp/t.json" disturbance.throttled_ms) ms"
		is "$(jget "$tmp/t.json" disturbance.disturbed)" true "a throttled run is disturbed"
		jget "$tmp/t.json" disturbance.reasons | grep -q "CPU quota throttled the run"
		ok $? "... and the reason says throttled"
	fi
fi

# --- no /proc: what cannot be read is null
empty() { bwrap --unshare-all --die-with-parent --tmpfs / --ro-bind "$S" /gb-syscall --chdir / "$@"; }
if ! command -v bwrap >/dev/null || ! empty /gb-syscall --version >/dev/null 2>&1; then
	skip "bubblewrap missing or no namespaces" "no /proc"
else
	empty /gb-syscall --quick --only getpid --format json >"$tmp/e.json"
	ok $? "gb-syscall in an empty root runs"
	check_types "$tmp/e.json" "no /proc"
	is "$(jget "$tmp/e.json" disturbance.steal_pct)" null "no /proc/stat: steal_pct null"
	is "$(jget "$tmp/e.json" disturbance.nr_throttled)" null "no cgroup filesystem: nr_throttled null"
	is "$(jget "$tmp/e.json" disturbance.throttled_ms)" null "... throttled_ms null"
	[ "$(jget "$tmp/e.json" disturbance.nivcsw)" != null ]; ok $? "getrusage needs no /proc"
fi

# --- the suite: each run's document has the object, the summary counts
# the runs whose object says disturbed (whatever this machine's load makes
# of them)
G=$GB_BIN/guestbench
"$G" suite --only syscall,linpack --quick -o "$tmp/s.json" >"$tmp/s.txt"
ok $? "suite --only syscall,linpack runs"
n=0
for b in syscall linpack; do
	jget "$tmp/s.json" "runs[bench=$b]" >"$tmp/run.json"
	check_types "$tmp/run.json" "suite's $b"
	[ "$(jget "$tmp/s.json" "runs[bench=$b].disturbance.disturbed")" = true ] && n=$((n + 1))
done
grep -q "^result: .*, $n disturbed)" "$tmp/s.txt"; ok $? "the summary line counts the $n disturbed run(s)"
done_testing
