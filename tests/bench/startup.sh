#!/usr/bin/env bash
# gb-startup: spawn's contract, launch's readiness modes, clean-up, footprint,
# --instances (plain processes and runc containers), ping (loopback and
# across two network namespaces), exit statuses.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-startup
HOG=$GB_TOOLS/startup-hog
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# a marker no other process on the machine has: what must be gone after a round
M="9$$.25"
trap 'rm -rf "$tmp"; pkill -KILL -f "^sleep $M"' EXIT
gone() { ! pgrep -f "sleep $1" >/dev/null; }

# --- spawn: every method a result (with percentiles) or unavailable with a reason
"$B" spawn --rounds 30 --warmup 2 --label ci -o "$tmp/s.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "spawn --rounds 30 -o FILE.json exits 0"
is "$(jget "$tmp/s.json" schema)" "guestbench/1" "schema"
is "$(jget "$tmp/s.json" bench)" "startup" "bench"
is "$(jget "$tmp/s.json" valid)" "true" "valid"
is "$(jget "$tmp/s.json" config.mode)" "spawn" "config.mode spawn"
is "$(jget "$tmp/s.json" config.rounds)" "30" "config.rounds"
is "$(jget "$tmp/s.json" config.self_linkage)" "static" "our own binary is static"
missing=""
for m in fork_exec vfork_exec posix_spawn posix_spawn_true fork_exit thread; do
	if jget "$tmp/s.json" "results[name=spawn_$m]" >/dev/null; then
		for k in unit better n median p50 p90 p99 p999 pmax rounds failed_rounds samples; do
			jget "$tmp/s.json" "results[name=spawn_$m].$k" >/dev/null || missing="$missing $m.$k"
		done
		[ "$(jget "$tmp/s.json" "results[name=spawn_$m].samples#")" = 30 ] || missing="$missing $m.samples!=30"
		[ "$(jget "$tmp/s.json" "results[name=spawn_$m].unit")" = us ] || missing="$missing $m.unit"
		[ "$(jget "$tmp/s.json" "results[name=spawn_$m].failed_rounds")" = 0 ] || missing="$missing $m.failed"
	elif ! jget "$tmp/s.json" "unavailable[name=spawn_$m].reason" >/dev/null; then
		missing="$missing $m"
	fi
done
is "$missing" "" "every method: a result with every statistic and 30 samples, or unavailable with a reason"
if [ -x /bin/true ]; then
	is "$(jget "$tmp/s.json" 'results[name=spawn_posix_spawn_true].path')" "/bin/true" "/bin/true's path recorded"
	jget "$tmp/s.json" 'results[name=spawn_posix_spawn_true].linkage' | grep -Eq '^(static|dynamic)$'
	ok $? "/bin/true labelled static or dynamic"
else
	skip "/bin/true missing" "/bin/true's path recorded"; skip "/bin/true missing" "labelled"
fi
for m in fork_exec posix_spawn; do
	jget "$tmp/s.json" "results[name=spawn_$m].child_minflt" | awk '{ exit !($1 > 0) }'
	ok $? "spawn_$m: the children's page faults counted"
done
grep -q "^spawn_posix_spawn " "$tmp/table.txt"; ok $? "table on stdout alongside -o"
[ ! -s "$tmp/err.txt" ]; ok $? "nothing on stderr"
"$B" --only thread --rounds 3 --format json >"$tmp/d.json"
ok $? "no mode word: spawn"
is "$(jget "$tmp/d.json" 'results#')" "1" "--only selects"
"$B" --only thread -r 7 --format json >"$tmp/r.json"
is "$(jget "$tmp/r.json" 'results[name=spawn_thread].n')" "7" "-r N is the number of rounds"
"$B" --spawn-noop; is "$?" "42" "the no-op child exits with its known status"
"$B" spawn --quick --only fork_exit --format csv >"$tmp/s.csv"
grep -q '^startup,unlabelled,spawn_fork_exit,us,lower,200,' "$tmp/s.csv"; ok $? "--quick: 200 rounds (CSV row)"

# --- the multi-call binary executes itself as gb-startup for the no-op child
if [ -x "$GB_BIN/guestbench" ]; then
	"$GB_BIN/guestbench" startup --only posix_spawn,vfork_exec --rounds 5 --format json >"$tmp/mc.json"
	ok $? "guestbench startup: the no-op child dispatches through argv[0] gb-startup"
	is "$(jget "$tmp/mc.json" config.self)" "$GB_BIN/guestbench" "config.self is the multi-call binary"
else
	skip "bin/guestbench not built" "guestbench startup spawn"; skip "bin/guestbench not built" "config.self"
fi

# --- spawn --exec: any binary; the exit status is checked every round
"$B" --exec /bin/true --only posix_spawn_exec --rounds 5 --format json >"$tmp/e.json"
ok $? "--exec /bin/true runs"
is "$(jget "$tmp/e.json" 'results[name=spawn_posix_spawn_exec].path')" "/bin/true" "--exec path recorded"
"$B" --exec /bin/false --only posix_spawn_exec --rounds 5 --warmup 0 --format json >"$tmp/f.json" 2>"$tmp/f.err"
is "$?" "1" "a child that exits 1 makes the run invalid: exit 1"
is "$(jget "$tmp/f.json" valid)" "false" "valid: false"
jget "$tmp/f.json" 'invalid_reasons[0]' | grep -q "spawn_posix_spawn_exec: 5 of 5 rounds (warm-up included) ended wrong (first: exit status 1"
ok $? "the reason counts the wrong rounds and says how they ended"
is "$(jget "$tmp/f.json" 'results[name=spawn_posix_spawn_exec].failed_rounds')" "5" "failed_rounds"
"$B" --exec /nonexistent/prog 2>"$tmp/e3"; is "$?" "3" "--exec of a missing program exits 3"
grep -q "/nonexistent/prog" "$tmp/e3"; ok $? "and names it"
"$B" --only posix_spawn_exec 2>"$tmp/e2"; is "$?" "2" "--only posix_spawn_exec without --exec exits 2"

# --- usage errors
"$B" --rounds 0 2>"$tmp/e"; is "$?" "2" "--rounds 0 exits 2"
grep -q -- "--rounds" "$tmp/e"; ok $? "message names --rounds"
"$B" bogus 2>/dev/null; is "$?" "2" "an unknown mode word exits 2"
"$B" --only nope 2>/dev/null; is "$?" "2" "unknown --only method exits 2"
"$B" launch 2>"$tmp/e"; is "$?" "2" "launch without CMD exits 2"
grep -q "needs a command" "$tmp/e"; ok $? "and says so"
"$B" launch --ready bogus -- true 2>"$tmp/e"; is "$?" "2" "--ready bogus exits 2"
grep -q "udp, tcp, line:.*exit" "$tmp/e"; ok $? "message lists the accepted values"
"$B" launch --ready line: -- true 2>/dev/null; is "$?" "2" "--ready line: without TEXT exits 2"
"$B" launch --then later -- true 2>/dev/null; is "$?" "2" "--then later exits 2"
"$B" launch --bind localhost -- true 2>"$tmp/e"; is "$?" "2" "--bind with a name exits 2"
grep -q "numeric" "$tmp/e"; ok $? "message: numeric only"
"$B" launch --output-dir "$tmp/nope" -- true 2>/dev/null; is "$?" "2" "--output-dir that does not exist exits 2"
"$B" ping 127.0.0.1:9 2>"$tmp/e"; is "$?" "2" "ping without --nonce exits 2"
"$B" ping localhost:9 --nonce x 2>/dev/null; is "$?" "2" "ping with a host name exits 2"
"$B" ping 127.0.0.1 --nonce x 2>/dev/null; is "$?" "2" "ping without a port exits 2"
"$B" launch --ready exit -- /nonexistent/cmd 2>"$tmp/e"; is "$?" "3" "CMD that cannot be executed exits 3"
grep -q "cannot execute /nonexistent/cmd" "$tmp/e"; ok $? "and says why"
"$B" launch --help | grep -q -- "--output-dir"; ok $? "launch --help"
"$B" ping --help | grep -q -- "--nonce"; ok $? "ping --help"

# --- launch -> ping over loopback
"$B" launch --rounds 3 --format json -- "$B" ping {addr}:{port} --nonce {nonce} >"$tmp/l.json"
ok $? "launch -> ping over loopback, 3 rounds"
is "$(jget "$tmp/l.json" valid)" "true" "valid"
is "$(jget "$tmp/l.json" 'results[name=ready].n')" "3" "three ready samples"
is "$(jget "$tmp/l.json" 'results[name=ready].unit')" "ms" "ready in ms"
is "$(jget "$tmp/l.json" 'results[name=ready].round_status')" "ok,ok,ok" "per-round status"
is "$(jget "$tmp/l.json" config.addr)" "127.0.0.1" "listens on 127.0.0.1 by default"
is "$(jget "$tmp/l.json" config.mode)" "launch" "config.mode launch"
jget "$tmp/l.json" config.command | grep -q "ping {addr}:{port} --nonce {nonce}"; ok $? "config.command unsubstituted"
jget "$tmp/l.json" config.cleanup | grep -Eqx "pidfd|proc"; ok $? "config.cleanup: every descendant is reached (/proc is there)"

if "$B" launch --rounds 1 --bind ::1 --format json -- "$B" ping "[{addr}]:{port}" --nonce {nonce} >"$tmp/l6.json" 2>"$tmp/l6.err"; then
	is "$(jget "$tmp/l6.json" config.addr)" "::1" "--bind ::1: launch -> ping over IPv6"
elif grep -q "cannot listen" "$tmp/l6.err"; then
	skip "no IPv6 loopback here" "launch -> ping over IPv6"
else
	ok 1 "launch -> ping over IPv6"
fi

# --- a wrong nonce is ignored (and not acked): the round waits for the right one
"$B" launch --rounds 1 --format json -- sh -c \
	"'$B' ping {addr}:{port} --nonce wrong{nonce} --timeout 0.3 2>/dev/null; echo \$? >'$tmp/first'; exec '$B' ping {addr}:{port} --nonce {nonce}" \
	>"$tmp/w.json"
ok $? "wrong nonce first, then the right one: valid"
is "$(cat "$tmp/first")" "1" "the wrong nonce got no ack (that ping timed out)"
jget "$tmp/w.json" 'results[name=ready].ignored_datagrams' | awk '{ exit !($1 >= 10) }'
ok $? "its datagrams were counted as ignored"
jget "$tmp/w.json" 'results[name=ready].median' | awk '{ exit !($1 >= 300) }'
ok $? "ready only after the right nonce (after the 0.3 s of wrong ones)"

# --- tcp, line:TEXT with --output-dir, exit
"$B" launch --rounds 2 --ready tcp --format json -- bash -c 'exec 3<>/dev/tcp/{addr}/{port}; exec sleep '"$M" >"$tmp/t.json"
ok $? "--ready tcp"
is "$(jget "$tmp/t.json" 'results[name=ready].n')" "2" "two tcp rounds"
gone "$M"; ok $? "nothing left running after --ready tcp"
mkdir "$tmp/out"
"$B" launch --rounds 2 --ready line:READY --output-dir "$tmp/out" --format json -- \
	sh -c 'echo booting; echo "to stderr" >&2; printf "x READY y\n"; exec sleep '"$M" >"$tmp/n.json"
ok $? "--ready line:READY"
is "$(ls "$tmp/out" | tr '\n' ' ')" "round-1.log round-2.log " "--output-dir keeps one log per round, nothing else"
grep -q "to stderr" "$tmp/out/round-2.log" && grep -q "x READY y" "$tmp/out/round-2.log"
ok $? "the log holds stdout and stderr"
# a symlink planted at a log's name is never followed (it used to be
# opened O_CREAT|O_TRUNC by path: as root, the link's target was emptied)
mkdir "$tmp/out2"
echo precious >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/out2/round-1.log"
"$B" launch --rounds 1 --ready exit --output-dir "$tmp/out2" --format json -- true >/dev/null 2>"$tmp/o2.err"
is "$(cat "$tmp/victim")" "precious" "--output-dir: a symlink planted at round-1.log is not followed"
grep -q "round-1.log" "$tmp/o2.err"; ok $? "and the log that could not be kept is named"
"$B" launch --rounds 2 --ready exit --format json -- true >"$tmp/x.json"
ok $? "--ready exit with a command that exits 0"
"$B" launch --rounds 2 --ready exit --format json -- sh -c 'exit 3' >"$tmp/x3.json" 2>/dev/null
is "$?" "1" "--ready exit with a failing command exits 1"
is "$(jget "$tmp/x3.json" 'unavailable[name=ready].reason')" "no round became ready (round_status failed,failed)" \
	"failed rounds recorded as failed"
jget "$tmp/x3.json" 'invalid_reasons[0]' | grep -q "round 1: failed: CMD exited with status 3"
ok $? "invalid_reasons names the round and the status"
"$B" launch --rounds 1 --format json -- sh -c 'kill -SEGV $$' >"$tmp/c.json" 2>/dev/null
is "$?" "1" "a crashing CMD exits 1"
jget "$tmp/c.json" 'invalid_reasons[0]' | grep -q "round 1: crashed: CMD was killed by signal 11"
ok $? "recorded as crashed, with the signal"

# --- timeout: a CMD that never answers is killed, with what it started
"$B" launch --rounds 2 --timeout 0.3 --then kill --format json -- \
	sh -c "setsid sleep $M & sleep $M & exec sleep $M" >"$tmp/to.json" 2>/dev/null
is "$?" "1" "timed-out rounds exit 1"
is "$(jget "$tmp/to.json" 'unavailable[name=ready].reason')" "no round became ready (round_status timeout,timeout)" \
	"both rounds recorded as timeout"
gone "$M"; ok $? "nothing left: not the process, its child, nor one that left the group (setsid)"
"$B" launch --rounds 1 --timeout 0.3 --then wait --grace 0.2 --format json -- sleep "$M" >/dev/null 2>&1
is "$?" "1" "timeout with --then wait"
gone "$M"; ok $? "--then wait: killed after the grace period"

# --- interrupted: Ctrl-C (SIGINT) or SIGTERM to launch itself ends CMD's
# whole tree, the process that left the group (setsid) included, and launch
# then exits by that signal.  As PID 1 of a PID namespace (a container's
# entry point) the same: there re-raising the signal is ignored, so launch
# must exit by itself rather than go on with the next round.
started() {	# MARKER N: until N processes "sleep MARKER" run (5 s at most)
	for _ in $(seq 100); do
		[ "$(pgrep -fc "^sleep $1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
ended() {	# PID OTHER: until PID (our child) has ended (5 s at most); else both killed
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	kill -KILL "$2" "$1" 2>/dev/null
	return 1
}
interrupt() {	# HOW SIG PID-TO-SIGNAL-CMD WAITED-PID
	local how=$1 sig=$2 target=$3 job=$4
	started "$M" 2; ok $? "$how SIG$sig: CMD and the process it moved out of its group (setsid) run"
	kill -"$sig" "$target"
	ended "$job" "$target"; ok $? "$how SIG$sig: launch ends within 5 s"
	wait "$job"; is "$?" "$((128 + $(kill -l "$sig")))" "$how SIG$sig: launch exits by the signal"
	gone "$M"; ok $? "$how SIG$sig: nothing of CMD's tree is left, not even the setsid one"
	pkill -KILL -f "^sleep $M"	# a failure above must not leave them for the next check
}
for sig in INT TERM; do
	"$B" launch --rounds 3 --ready line:never --timeout 60 -q -- sh -c "setsid sleep $M & exec sleep $M" \
		>/dev/null 2>&1 &
	interrupt launch "$sig" $! $!
done
NS=(unshare --pid --fork --mount-proc)
[ "$(id -u)" -ne 0 ] && NS=(unshare --user --map-root-user --pid --fork --mount-proc)
if ! "${NS[@]}" true 2>/dev/null; then
	for i in $(seq 10); do skip "cannot create a PID namespace here (${NS[*]})" "launch as PID 1"; done
else
	for sig in INT TERM; do
		"${NS[@]}" "$B" launch --rounds 3 --ready line:never --timeout 60 -q -- \
			sh -c "setsid sleep $M & exec sleep $M" >/dev/null 2>&1 &
		u=$! init=
		for _ in $(seq 100); do init=$(pgrep -P $u); [ -n "$init" ] && break; sleep 0.05; done
		is "$(awk '/^NSpid:/ { print $NF }' "/proc/$init/status" 2>/dev/null)" 1 "launch runs as PID 1 of its namespace"
		interrupt "PID-1 launch" "$sig" "$init" $u
	done
fi

# --- --then: term, kill, wait
trapper='trap "echo got-term; exit 0" TERM; echo READY; i=0; while [ $i -lt 100 ]; do sleep 0.01; i=$((i+1)); done; echo finished'
for t in term kill wait; do
	mkdir "$tmp/then-$t"
	"$B" launch --rounds 1 --ready line:READY --then $t --grace 5s --output-dir "$tmp/then-$t" -q -- sh -c "$trapper"
	ok $? "--then $t: valid"
done
grep -q got-term "$tmp/then-term/round-1.log" && ! grep -q finished "$tmp/then-term/round-1.log"
ok $? "--then term: CMD got SIGTERM"
! grep -Eq "got-term|finished" "$tmp/then-kill/round-1.log"
ok $? "--then kill: CMD got neither SIGTERM nor time to finish"
grep -q finished "$tmp/then-wait/round-1.log" && ! grep -q got-term "$tmp/then-wait/round-1.log"
ok $? "--then wait: CMD finished by itself"

"$B" launch --rounds 1 --ready line:READY --then term --grace 0.3 -q -- \
	sh -c "trap '' TERM; echo READY; exec sleep $M"
ok $? "--then term with a CMD that ignores SIGTERM: still valid"
gone "$M"; ok $? "and killed after --grace"

# --- footprint of a known child: 64 MiB written
"$B" launch --rounds 2 --ready line:hog --footprint --format json -- "$HOG" 64 >"$tmp/fp.json"
ok $? "--footprint"
pd=$(jget "$tmp/fp.json" 'results[name=private_dirty].min')
awk -v v="$pd" 'BEGIN { exit !(v >= 65536 && v < 131072) }'
ok $? "private_dirty of a 64 MiB writer: >= 64 MiB and < 128 MiB ($pd KiB)"
pss=$(jget "$tmp/fp.json" 'results[name=pss].min')
awk -v v="$pss" 'BEGIN { exit !(v >= 65536 && v < 131072) }'
ok $? "pss likewise ($pss KiB)"
is "$(jget "$tmp/fp.json" 'results[name=pss].of')" "process tree" "of the process tree"
"$B" launch --rounds 1 --ready line:hog --footprint --format json -- sh -c "'$HOG' 32 first | (read l; exec '$HOG' 32 hog-both)" >"$tmp/fp2.json"
pd=$(jget "$tmp/fp2.json" 'results[name=private_dirty].min')
awk -v v="$pd" 'BEGIN { exit !(v >= 65536 && v < 131072) }'
ok $? "footprint sums the tree: two 32 MiB writers ($pd KiB)"

# --cgroup: a cgroup the test creates (root, a cgroup.procs we can write)
cg=""
if [ "$(id -u)" = 0 ]; then
	for base in /sys/fs/cgroup /sys/fs/cgroup/pids /sys/fs/cgroup/memory; do
		if mkdir "$base/gbst-$$" 2>/dev/null; then
			if [ -e "$base/gbst-$$/cgroup.procs" ]; then cg=$base/gbst-$$; break; fi
			rmdir "$base/gbst-$$"
		fi
	done
fi
if [ -n "$cg" ]; then
	"$B" launch --rounds 1 --ready line:hog --cgroup "$cg" --format json -- \
		sh -c "echo \$\$ >'$cg/cgroup.procs' && exec '$HOG' 48" >"$tmp/cg.json"
	ok $? "--cgroup"
	pd=$(jget "$tmp/cg.json" 'results[name=private_dirty].min')
	awk -v v="$pd" 'BEGIN { exit !(v >= 49152 && v < 98304) }'
	ok $? "--cgroup: private_dirty of a 48 MiB writer moved into it ($pd KiB)"
	is "$(jget "$tmp/cg.json" 'results[name=pss].of')" "cgroup" "of the cgroup"
	rmdir "$cg"
else
	skip "needs root and a writable cgroup hierarchy" "--cgroup"
	skip "needs root and a writable cgroup hierarchy" "--cgroup private_dirty"
	skip "needs root and a writable cgroup hierarchy" "--cgroup of"
fi
"$B" launch --cgroup /nonexistent/cg -- true 2>/dev/null; is "$?" "3" "--cgroup that does not exist exits 3"

# --- the instruction counter docs/startup.md uses, on a program of three instructions
if command -v gcc >/dev/null; then
	printf '.globl _start\n_start:\n\tmov $60, %%eax\n\tmov $7, %%edi\n\tsyscall\n' >"$tmp/t.S"
	gcc -nostdlib -static -o "$tmp/nolibc" "$tmp/t.S"
	is "$("$GB_TOOLS/startup-insncount" "$tmp/nolibc")" "instructions=3 cpuid=0 xgetbv=0 rdtsc=0 syscall=1 exit=7" \
		"startup-insncount: 3 instructions, 1 syscall, exit 7"
	"$GB_TOOLS/startup-insncount" "$B" --spawn-noop | grep -Eq "cpuid=[1-9][0-9]* .* exit=42$"
	ok $? "startup-insncount: our static glibc no-op executes CPUID (glibc's start-up) and exits 42"
else
	skip "no gcc" "startup-insncount on 3 instructions"; skip "no gcc" "startup-insncount on the no-op"
fi

# --- --instances: many copies at once ({i}), percentiles, footprint, growth
usage() {	# WHAT OPTION ARGS...: exit 2 and OPTION in the message
	local what=$1 opt=$2; shift 2
	"$B" launch "$@" >/dev/null 2>"$tmp/u.err"
	local rc=$?
	[ $rc = 2 ] && grep -q -- "$opt" "$tmp/u.err"
	ok $? "usage: $what (exit 2, names $opt; got $rc)"
}
usage "--instances 0" --instances --instances 0 -- true
usage "--instances 1001 (absurd)" --instances --instances 1001 -- true
usage "--instances 99999999999999999999" --instances --instances 99999999999999999999 -- true
usage "--instances 1,1" --instances --instances 1,1 -- true
usage "--instances 1,,2" --instances --instances 1,,2 -- true
usage "--instances with --ready tcp" "ready tcp" --instances 5 --ready tcp -- true
usage "--stagger without --instances" --stagger --stagger 1s -- true
usage "--cgroup with {i} without --instances" --cgroup --cgroup "/sys/fs/cgroup/x-{i}" -- true
usage "--stagger -1" --stagger --instances 2 --stagger -1 -- true

# the limits, checked before anything starts: exit 3 with the reason
(ulimit -n 40; "$B" launch --instances 50 --ready line:x -- true) >/dev/null 2>"$tmp/nofile.err"
is "$?" 3 "RLIMIT_NOFILE too low for 50 instances' pipes: exit 3"
grep -q "RLIMIT_NOFILE (ulimit -n) is 40" "$tmp/nofile.err"; ok $? "and the reason names RLIMIT_NOFILE and its value"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid 65534 --regid 65534 --clear-groups bash -c "ulimit -u 20; '$B' launch --instances 50 --ready exit -- true" \
		>/dev/null 2>"$tmp/nproc.err"
	is "$?" 3 "RLIMIT_NPROC too low for 50 instances (as nobody): exit 3"
	grep -q "RLIMIT_NPROC (ulimit -u) is 20" "$tmp/nproc.err"; ok $? "and the reason names RLIMIT_NPROC"
elif [ "$(id -u)" != 0 ]; then
	mine=$(ps -u "$(id -u)" -o pid= | wc -l)
	bash -c "ulimit -u $((mine + 20)); '$B' launch --instances 50 --ready exit -- true" >/dev/null 2>"$tmp/nproc.err"
	is "$?" 3 "RLIMIT_NPROC too low for 50 instances: exit 3"
	grep -q "RLIMIT_NPROC" "$tmp/nproc.err"; ok $? "and the reason names RLIMIT_NPROC"
else
	skip "root without setpriv: RLIMIT_NPROC does not apply to root" "RLIMIT_NPROC: exit 3"
	skip "root without setpriv" "RLIMIT_NPROC named"
fi
# without pipes (udp) more instances than open files are fine: only open
# outputs are polled (poll refuses more entries than RLIMIT_NOFILE)
(ulimit -n 64; "$B" launch --instances 100 -r 1 --ready udp -q -- "$B" ping {addr}:{port} --nonce {nonce})
is "$?" 0 "100 instances over udp under ulimit -n 64: exit 0"
"$B" launch --instances 5 --ready exit -- /nonexistent/cmd 2>"$tmp/e"; is "$?" 3 "an instance that cannot be executed: exit 3"
grep -q "cannot execute /nonexistent/cmd" "$tmp/e"; ok $? "and says why"

# 50 plain processes, ready when each prints its line, with the footprint
"$B" launch --instances 50 -r 1 --ready line:up --footprint --format json -- \
	sh -c "echo up {i}; exec sleep $M" >"$tmp/i50.json" 2>"$tmp/i50.err"
ok $? "50 plain processes at once: exit 0"
is "$(jget "$tmp/i50.json" 'results[name=ready_n50].n')" 50 "ready_n50: one sample per instance"
miss=
for k in p50 p90 p99 p999 pmax instances rounds instances_ok instances_timeout instances_failed; do
	jget "$tmp/i50.json" "results[name=ready_n50].$k" >/dev/null || miss="$miss $k"
done
is "$miss" "" "ready_n50 has p50 p90 p99 p999 pmax and the instance counts"
is "$(jget "$tmp/i50.json" 'results[name=ready_n50].instances_ok')" 50 "every instance ready"
is "$(jget "$tmp/i50.json" 'results[name=all_ready_n50].n')" 1 "all_ready_n50: one per round"
awk -v a="$(jget "$tmp/i50.json" 'results[name=all_ready_n50].max')" -v r="$(jget "$tmp/i50.json" 'results[name=ready_n50].pmax')" \
	'BEGIN { exit !(a >= r) }'
ok $? "the batch's time until all ready is at least its slowest instance's"
t=$(jget "$tmp/i50.json" 'results[name=pss_n50].median'); e=$(jget "$tmp/i50.json" 'results[name=pss_per_instance_n50].median')
awk -v t="$t" -v e="$e" 'BEGIN { exit !(t > 0 && (e * 50 - t) ^ 2 < 1e-6) }'
ok $? "pss_n50 is the total, pss_per_instance_n50 that / 50 ($t KiB, $e KiB)"
is "$(jget "$tmp/i50.json" 'results[name=pss_n50].of')" "process tree" "summed over the instances' process trees"
is "$(jget "$tmp/i50.json" config.instances).$(jget "$tmp/i50.json" config.stagger)" "50.0" "config: instances, stagger"
gone "$M"; ok $? "nothing of the 50 is left"
[ ! -s "$tmp/i50.err" ]; ok $? "nothing on stderr"

# {i}: each instance its own number, its own log
mkdir "$tmp/inst"
"$B" launch --instances 3 -r 1 --ready exit --output-dir "$tmp/inst" -q -- sh -c 'echo "inst-{i}"'
ok $? "--instances 3 --ready exit --output-dir"
is "$(cat "$tmp/inst/n3-round-1-instance-1.log" "$tmp/inst/n3-round-1-instance-2.log" "$tmp/inst/n3-round-1-instance-3.log" | tr '\n' ' ')" \
	"inst-1 inst-2 inst-3 " "{i} is the instance's number, each log its own output"

# a list: one row per N, and the footprint's growth fitted: 2 MiB written per instance
"$B" launch --instances 1,4,8 -r 1 --ready line:hog --footprint --format json -- "$HOG" 2 >"$tmp/grow.json"
ok $? "--instances 1,4,8 of a 2 MiB writer"
names=$(grep -o '"name": "[a-z_]*_n[0-9]*"' "$tmp/grow.json" | sed 's/.*"\(.*\)"/\1/' | tr '\n' ' ')
is "$names" "ready_n1 ready_n4 ready_n8 all_ready_n1 all_ready_n4 all_ready_n8 pss_n1 pss_n4 pss_n8 private_dirty_n1 private_dirty_n4 private_dirty_n8 pss_per_instance_n1 pss_per_instance_n4 pss_per_instance_n8 private_dirty_per_instance_n1 private_dirty_per_instance_n4 private_dirty_per_instance_n8 " \
	"one row per N, grouped by quantity"
s=$(jget "$tmp/grow.json" 'results[name=private_dirty_slope].median')
awk -v v="$s" 'BEGIN { exit !(v >= 2048 && v < 3072) }'
ok $? "private_dirty_slope: one more instance costs its 2 MiB ($s KiB)"
for k in intercept r2 points; do jget "$tmp/grow.json" "results[name=pss_slope].$k" >/dev/null || break; done
ok $? "pss_slope with intercept, r2, points"
is "$(jget "$tmp/grow.json" 'results[name=pss_slope].unit')" "KiB/instance" "slope unit"
jget "$tmp/grow.json" 'results[name=all_ready_slope].unit' >/dev/null; ok $? "all_ready_slope"

# ready by udp: each instance pings its own nonce
"$B" launch --instances 1,10 -r 2 --format json -- "$B" ping {addr}:{port} --nonce {nonce} >"$tmp/iu.json"
ok $? "--instances 1,10 -r 2 over udp"
is "$(jget "$tmp/iu.json" 'results[name=ready_n10].n').$(jget "$tmp/iu.json" 'results[name=all_ready_n10].n')" "20.2" \
	"20 instance samples and 2 batches of 10"

# instances that fail: invalid, named
# (instance 1 fails last: the reason is still about it, the lowest-numbered)
"$B" launch --instances 4 -r 1 --ready exit --format json -- sh -c 'sleep 0.$(( 5 - {i} )); exit $(( {i} % 2 ))' \
	>"$tmp/if.json" 2>/dev/null
is "$?" 1 "two of four instances fail: exit 1"
jget "$tmp/if.json" 'invalid_reasons[0]' | grep -q "4 instances, round 1: 2 of 4 ready (instance 1: failed: exited with status 1"
ok $? "invalid_reasons names the batch, the count and the first instance"
is "$(jget "$tmp/if.json" 'results[name=ready_n4].instances_failed')" 2 "instances_failed counted"

# --stagger: instance i starts i x T after the first
"$B" launch --instances 3 --stagger 0.2 -r 1 --ready exit --format json -- true >"$tmp/st.json"
ok $? "--stagger 0.2"
jget "$tmp/st.json" 'results[name=all_ready_n3].median' | awk '{ exit !($1 >= 400) }'
ok $? "the third started 0.4 s after the first (all ready after >= 400 ms)"

# Ctrl-C or SIGTERM in the middle of a 50-instance launch: nothing left
for sig in INT TERM; do
	"$B" launch --instances 50 -r 2 --ready line:never --timeout 60 -q -- sh -c "setsid sleep $M & exec sleep $M" \
		>/dev/null 2>&1 &
	job=$!
	started "$M" 100; ok $? "50 instances SIG$sig: all 50 and what each moved out of its group run"
	kill -"$sig" $job
	ended $job $job; ok $? "50 instances SIG$sig: launch ends within 5 s"
	wait $job; is "$?" "$((128 + $(kill -l "$sig")))" "50 instances SIG$sig: launch exits by the signal"
	gone "$M"; ok $? "50 instances SIG$sig: none of the 100 processes is left"
	pkill -KILL -f "^sleep $M"
done

# runc containers: runc run -d is ready when it returns; the container is
# re-parented to the batch's holder, so its footprint counts
why=
if ! command -v runc >/dev/null; then why="runc is not installed (scripts/test-deps.sh installs it)"
elif [ "$(id -u)" != 0 ]; then why="runc needs root here"
fi
rb=$tmp/rbundle ids=
if [ -z "$why" ]; then
	mkdir -p "$rb/rootfs/tmp" && cp "$HOG" "$rb/rootfs/hog" && (cd "$rb" && runc spec) || why="runc spec failed"
fi
if [ -z "$why" ]; then
	# no terminal; the container runs a 2 MiB writer; open files within
	# the host's hard limit, which a container may not raise (issue 19)
	nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] || [ "$nofile" -gt 1024 ] && nofile=1024
	sed -i -e 's/"terminal": true/"terminal": false/' \
		-e 's|^\([[:space:]]*\)"sh"$|\1"/hog", "2", "ctr'"$$"'"|' \
		-e "s/\"hard\": 1024/\"hard\": $nofile/; s/\"soft\": 1024/\"soft\": $nofile/" "$rb/config.json"
	[ "$(jget "$rb/config.json" process.args)" = "[\"/hog\",\"2\",\"ctr$$\"]" ] || why="runc spec's config.json has another layout"
fi
if [ -z "$why" ] && ! runc run -d --bundle "$rb" "gbdp$$" </dev/null >/dev/null 2>"$tmp/runc.err"; then
	why="runc refuses to run a container here: $(tail -1 "$tmp/runc.err")"
fi
runc delete -f "gbdp$$" >/dev/null 2>&1
runc_clean() { for id in $(runc list -q 2>/dev/null | grep "^gbd$$-"); do runc delete -f "$id" >/dev/null 2>&1; done; }
trap 'runc_clean; rm -rf "$tmp"; pkill -KILL -f "^sleep $M"' EXIT
if [ -n "$why" ]; then
	for i in 1 2 3 4 5 6 7; do skip "$why" "--instances of runc run -d containers"; done
else
	# a stopped container keeps its id until runc delete: {nonce} makes each
	# batch's ids new
	"$B" launch --instances 1,5 -r 1 --ready exit --footprint --then kill --format json -- \
		runc run -d --bundle "$rb" "gbd$$-{i}-{nonce}" >"$tmp/runc.json" 2>"$tmp/runc.err"
	ok $? "--instances 1,5 of runc run -d containers: exit 0"
	sed 's/^/#   /' "$tmp/runc.err" | head -3
	is "$(jget "$tmp/runc.json" 'results[name=ready_n5].instances_ok')" 5 "five containers started"
	jget "$tmp/runc.json" 'results[name=pss_n5].median' | awk '{ exit !($1 > 2048) }'
	ok $? "their footprint (the containers' processes, re-parented to the holder) is counted"
	! pgrep -f "^/hog 2 ctr$$" >/dev/null; ok $? "no container process is left"
	is "$(runc list 2>/dev/null | grep "^gbd$$-" | grep -vc " stopped ")" 0 "runc lists none of them running"
	runc_clean
	# one cgroup per instance: runc's default group is named after the container
	cgpat=/sys/fs/cgroup/gbd$$-{i}
	[ -d /sys/fs/cgroup/pids ] && cgpat=/sys/fs/cgroup/pids/gbd$$-{i}
	"$B" launch --instances 3 -r 1 --ready exit --cgroup "$cgpat" --then kill --format json -- \
		runc run -d --bundle "$rb" "gbd$$-{i}" >"$tmp/runcg.json" 2>"$tmp/runcg.err"
	ok $? "--cgroup $cgpat: one group per container"
	is "$(jget "$tmp/runcg.json" 'results[name=pss_n3].of')" "cgroup" "footprint of the three cgroups"
	runc_clean
fi

# --- ping alone: gives up with a message and exit 1
"$B" ping 127.0.0.1:9 --nonce abc --timeout 0.2 2>"$tmp/pe"
is "$?" "1" "ping with no launcher: exit 1 after --timeout"
grep -q "no ack from 127.0.0.1:9" "$tmp/pe"; ok $? "and says so"

# --- across two network namespaces joined by a veth pair; the guest's side
# starts before its address exists (ping must retry until the network is up)
if [ "$(id -u)" != 0 ]; then
	for i in 1 2 3 4; do skip "needs root (ip netns)" "launch -> ping across network namespaces"; done
elif ! why=$(bash "$GB_ROOT/tests/lib/netns-add.sh" "gbst-a$$"); then
	for i in 1 2 3 4; do skip "$why" "launch -> ping across network namespaces"; done
else
	A=gbst-a$$ Z=gbst-b$$
	ip netns add $Z
	ip -n $A link add va$$ type veth peer name vb$$ netns $Z
	ip -n $A addr add 10.203.7.1/24 dev va$$; ip -n $A link set va$$ up; ip -n $Z link set lo up
	ip netns exec $A "$B" launch --rounds 2 --bind 10.203.7.1 --format json -- \
		ip netns exec $Z sh -c "(sleep 0.3; ip addr add 10.203.7.2/24 dev vb$$; ip link set vb$$ up) &
			exec '$B' ping {addr}:{port} --nonce {nonce} --timeout 20" >"$tmp/ns.json"
	ok $? "launch in one namespace, ping in another over veth"
	is "$(jget "$tmp/ns.json" 'results[name=ready].round_status')" "ok,ok" "both rounds ready"
	is "$(jget "$tmp/ns.json" config.addr)" "10.203.7.1" "--bind 10.203.7.1"
	# round 2 found the address configured by round 1: only round 1 had to wait
	jget "$tmp/ns.json" 'results[name=ready].max' | awk '{ exit !($1 >= 300) }'
	ok $? "ping retried until the network came up (first round >= 0.3 s)"
	ip netns del $A; ip netns del $Z
fi
done_testing
