#!/usr/bin/env bash
# Matrix case 11: every binary as PID 1 of a new PID namespace (unshare
# --pid --fork: the binary is the namespace's init, checked in NSpid), sent
# SIGTERM mid-run (a full run, not --quick, so it is still running).  The
# kernel drops signals to a namespace's init that it has no handler for,
# so this only works because common/pid1.c gives PID 1 handlers: it must
# exit promptly with 128+15, and nothing of the namespace may be left.
# The multi-call binary's suite is checked the same way.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
NS=(unshare --pid --fork --mount-proc)
[ "$(id -u)" -ne 0 ] && NS=(unshare --user --map-root-user --pid --fork --mount-proc)

# term_pid1 WHAT CMD...: run CMD as PID 1, SIGTERM it after 1 s, check it
term_pid1() {
	local what=$1; shift
	"${NS[@]}" "$@" >"$MX_OUT" 2>"$MX_ERR" &
	local u=$! init='' i
	for i in $(seq 50); do	# the namespace's init: unshare's child
		init=$(ps -o pid= --ppid $u | tr -d ' ')
		[ -n "$init" ] && break
		sleep 0.02
	done
	local nsp; nsp=$(awk '/^NSpid:/{print $NF}' "/proc/$init/status" 2>/dev/null)
	is "$nsp" 1 "case 11 $what: runs as PID 1 of its namespace"
	local ns; ns=$(readlink "/proc/$init/ns/pid")
	sleep 1
	local t0=$SECONDS
	kill -TERM "$init" 2>/dev/null
	ok $? "case 11 $what: still running after 1 s, sent SIGTERM"
	for i in $(seq 100); do kill -0 $u 2>/dev/null || break; sleep 0.05; done
	if kill -0 $u 2>/dev/null; then
		ok 1 "case 11 $what: exits within 5 s of SIGTERM"
		kill -KILL "$init" $u 2>/dev/null
		wait $u
	else
		wait $u; local rc=$?
		ok 0 "case 11 $what: exits within 5 s of SIGTERM ($((SECONDS - t0)) s)"
		is "$rc" 143 "case 11 $what: exit status 128+SIGTERM"
	fi
	local left=0 p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && left=$((left + 1))
	done
	is "$left" 0 "case 11 $what: no process of its namespace is left"
}

mx_case 11 "PID 1 in a PID namespace, SIGTERM"
if ! "${NS[@]}" true 2>/dev/null; then
	mx_skip_case "cannot create a PID namespace here (${NS[*]})"
else
	for b in $(bench_list); do
		mx_begin "$b" || continue
		args=$(quick_args "$b" "$MX_SCRATCH")
		# shellcheck disable=SC2086
		term_pid1 "gb-$b" "$MX_BIN" ${args/--quick/}
		if bench_meta "$b" dir >/dev/null; then
			is "$(ls -A "$MX_SCRATCH")" "" "case 11 gb-$b: its file in --dir is removed"
		fi
		mx_end "$b"
	done
	if [ -x "$GB_BIN/guestbench" ]; then
		mkdir -p "$mx_tmp/suite"
		_mx_f0=$_tap_failed
		TMPDIR=$mx_tmp/suite term_pid1 "guestbench suite" "$GB_BIN/guestbench" suite
		is "$(ls -A "$mx_tmp/suite")" "" "case 11 guestbench suite: its scratch directories are removed"
	else
		ok 1 "case 11: bin/guestbench is built"
	fi
fi
done_testing
