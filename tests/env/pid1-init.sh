#!/usr/bin/env bash
# guestbench's PID-1 mode (init/init.c) as PID 1 of a PID namespace, the
# way a container runtime or `unshare` starts it: it runs the command the
# command line names, prints its output between the marker lines, stops
# it on SIGTERM, reaps orphans, and ends the namespace (reboot() there
# kills its init with SIGINT: exit 130).  The same init in a real VM is
# tests/env/qemu-boot.sh.
. "$(dirname "$0")/../lib/tap.sh"
G=$GB_BIN/guestbench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# between the markers: the command's stdout; "end: exit N" after it
output() { sed -n '/^----- guestbench output begin -----/,/^----- guestbench output end/p' "$1" | sed '1d;$d'; }
endline() { grep -a '^----- guestbench output end' "$1"; }

"$G" init --cmdline 'guestbench.run=true' >"$tmp/out" 2>"$tmp/err"
is "$?" 3 "not PID 1: refused with exit 3 (it would power the machine off)"
grep -q "only as PID 1" "$tmp/err"; ok $? "and says why"
"$G" init --bogus >/dev/null 2>&1
is "$?" 2 "unknown argument: exit 2"

if ! unshare --user --map-root-user --pid --fork --mount --net true 2>/dev/null; then
	skip "user/PID namespaces unavailable" "PID-1 mode"
	done_testing; exit
fi
pid1() {	# CMDLINE: run init as PID 1 of fresh namespaces, output in $tmp/out
	timeout 60 unshare --user --map-root-user --pid --fork --mount --net --kill-child \
		"$G" init --cmdline "$1" >"$tmp/out" 2>&1
}

# --- a benchmark through the dispatcher, its JSON between the markers
pid1 'quiet guestbench.run="gb-syscall --quick --only getpid --format json --label pid1"'
is "$?" 130 "the namespace ends the way reboot() ends a PID namespace (SIGINT)"
output "$tmp/out" >"$tmp/doc.json"
is "$(jget "$tmp/doc.json" bench)" "syscall" "the command's JSON is between the markers"
is "$(jget "$tmp/doc.json" label)" "pid1" "with the arguments of guestbench.run"
is "$(jget "$tmp/doc.json" env.container.is_pid1)" "false" "the benchmark is not PID 1 (init is)"
endline "$tmp/out" | grep -q ": exit 0 "; ok $? "end marker with exit 0"
grep -q "^guestbench-init: ready " "$tmp/out"; ok $? "a ready line"
grep -q "lo up" "$tmp/out"; ok $? "lo brought up"
grep -q "^guestbench-init: power off" "$tmp/out"; ok $? "then power off"

# --- 'suite ...' is 'guestbench suite ...'
pid1 'guestbench.run="suite --quick --only syscall --format json"'
output "$tmp/out" >"$tmp/suite.json"
is "$(jget "$tmp/suite.json" schema)" "guestbench-suite/1" "guestbench.run=suite runs the suite"

# --- the command's status and stderr, after the markers
pid1 "guestbench.run=\"sh -c 'echo out; echo problem >&2; exit 7'\""
is "$(output "$tmp/out")" "out" "stdout between the markers, nothing else"
endline "$tmp/out" | grep -q ": exit 7 "; ok $? "the command's exit status in the end marker"
grep -q "^guestbench-init: stderr: problem" "$tmp/out"; ok $? "its stderr held back until after the marker"

# --- orphans are reaped and stopped: the command exits, its child lingers
start=$(date +%s)
pid1 "guestbench.run=\"sh -c 'sleep 300 & echo started'\""
rc=$?
[ $(( $(date +%s) - start )) -lt 20 ]; ok $? "an orphan left running does not keep init waiting"
is "$rc" 130 "and init still shuts down cleanly"

# --- SIGTERM from outside: the command is stopped, init shuts down
long="sleep 4$$"	# a command line no other process has
timeout 60 unshare --user --map-root-user --pid --fork --mount --net --kill-child \
	"$G" init --cmdline "guestbench.run=\"sh -c 'echo running; exec $long'\"" >"$tmp/out" 2>&1 &
ns=$!
for _ in $(seq 100); do grep -q running "$tmp/out" 2>/dev/null && break; sleep 0.1; done
un=$(pgrep -P "$ns" | head -1)	# timeout -> unshare -> init
init=$(pgrep -P "${un:-0}" | head -1)
[ -n "$init" ]; ok $? "init found (pid $init outside the namespace)"
start=$(date +%s)
kill -TERM "$init"
wait "$ns"
[ $(( $(date +%s) - start )) -lt 10 ]; ok $? "SIGTERM to PID 1: done within the grace period"
grep -q "signal 15: stopping the command" "$tmp/out"; ok $? "init says it stops the command"
endline "$tmp/out" | grep -q ": signal 15 "; ok $? "the command ended by SIGTERM, in the end marker"
# the namespace's processes are gone once its init is (a second of slack
# for the kernel's teardown; a leak would stay for days)
for _ in $(seq 20); do pgrep -f "$long" >/dev/null || break; sleep 0.1; done
pgrep -af "$long" | sed 's/^/#   left: /'
pgrep -f "$long" >/dev/null; is "$?" 1 "nothing left running"

# --- guestbench.timeout
pid1 'guestbench.run="sleep 300" guestbench.timeout=1'
grep -q "guestbench.timeout: stopping the command after 1 s" "$tmp/out"; ok $? "guestbench.timeout stops a command"

# --- a bad command line: said, nothing run, still a clean shutdown
pid1 'guestbench.run="gb-syscall guestbench.bogus=1'
rc=$?
grep -q "^guestbench-init: error: the kernel command line has an unterminated double quote" "$tmp/out"
ok $? "unterminated quote: an error line"
is "$rc" 130 "and a clean shutdown, not an exit of PID 1"
pid1 'guestbench.frob=1'
grep -q "error: unknown parameter guestbench.frob" "$tmp/out"; ok $? "unknown guestbench. parameter named"
pid1 'guestbench.shutdown=explode'
grep -q "expected poweroff, reboot or halt" "$tmp/out"; ok $? "bad shutdown mode: accepted values named"
pid1 'guestbench.run=/nonexistent/program'
endline "$tmp/out" | grep -q ": exit 127 "; ok $? "a command that cannot run: exit 127 in the marker"
grep -q "stderr: cannot run /nonexistent/program" "$tmp/out"; ok $? "with the reason"
pid1 'guestbench.ip=10.9.8.7/33 guestbench.run=true'
grep -q "guestbench.ip=10.9.8.7/33 is not ADDR/PREFIX" "$tmp/out"; ok $? "a bad guestbench.ip is named"
pid1 'guestbench.ip=10.9.8.7/24 guestbench.dev=nosuch0 guestbench.run=true'
grep -q "nosuch0 not configured" "$tmp/out"; ok $? "a missing interface is named"
done_testing
