#!/usr/bin/env bash
# Matrix case 1: every binary in an empty root - only the static binary, no
# /proc, /sys, /dev or /etc, in new user, mount, PID and network
# namespaces.  It must exit 0 with a valid JSON document whose fingerprint
# says "unknown" where it cannot know, and report unavailable what it
# cannot measure.  No network: a benchmark that needs one (bench_meta net)
# may refuse with exit 3 and a reason instead.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
tmp=$mx_tmp

run_bwrap() {	# BIN ARGS...: run in an empty tmpfs root with bubblewrap
	local bin=$1; shift
	bwrap --unshare-all --die-with-parent --tmpfs / --ro-bind "$GB_BIN/$bin" "/$bin" --chdir / "/$bin" "$@"
}

check_doc() {	# the fingerprint says "unknown" where it cannot know
	local w="case $MX_ID gb-$1"
	is "$(jget "$MX_OUT" env.kernel.clocksource)" "unknown" "$w: clocksource unknown without /sys"
	is "$(jget "$MX_OUT" env.kernel.thp_enabled)" "unknown" "$w: THP mode unknown without /sys"
	is "$(jget "$MX_OUT" env.kernel.mitigations)" "unknown" "$w: mitigations unknown without /sys"
	local n; n=$(jget "$MX_OUT" env.effective.cpus)
	[ "${n:-0}" -ge 1 ] 2>/dev/null; ok $? "$w: effective CPUs still known from the affinity mask ($n)"
	n=$(jget "$MX_OUT" 'results#')
	[ "${n:-0}" -ge 1 ] 2>/dev/null; ok $? "$w: results produced ($n)"
}

MX_LACKS=net
mx_case 1a "empty root (bwrap)"
if ! command -v bwrap >/dev/null; then
	mx_skip_case "bubblewrap is not installed (apt-get install bubblewrap)"
elif ! run_bwrap gb-syscall --version >/dev/null 2>&1; then
	mx_skip_case "bubblewrap cannot create namespaces here"
else
	for b in $(bench_list); do
		mx_begin "$b" || continue
		MX_BIN=/gb-$b MX_SCRATCH=/	# whatever writes, writes in the private tmpfs "/"
		mx_exec "$b" bwrap --unshare-all --die-with-parent --tmpfs / --ro-bind "$GB_BIN/gb-$b" "/gb-$b" --chdir /
		if mx_check_run "$b"; then
			check_doc "$b"
			if [ "$b" = syscall ]; then
				jget "$MX_OUT" 'unavailable[name=read].reason' | grep -q /dev/zero
				ok $? "case 1a gb-syscall: read unavailable without /dev, reason names /dev/zero"
			fi
		fi
		mx_end "$b"
	done
fi

mx_case 1b "empty root (unshare --root)"
if ! unshare --user --map-root-user true 2>/dev/null; then
	mx_skip_case "user namespaces unavailable (unshare --user failed)"
else
	for b in $(bench_list); do
		mx_begin "$b" || continue
		mkdir -p "$tmp/root-$b" && cp "$GB_BIN/gb-$b" "$tmp/root-$b/"
		MX_BIN=/gb-$b MX_SCRATCH=/
		mx_exec "$b" unshare --user --map-root-user --mount --pid --net --fork --root="$tmp/root-$b"
		mx_check_run "$b" && check_doc "$b"
		mx_end "$b"
	done
fi

# The multi-call binary's suite re-executes itself for every benchmark:
# with no /proc it must find its own file through AT_EXECFN.
nb=$(bench_list | wc -w)
check_suite() {	# HOW: the suite document a run left in $tmp/suite.json
	local f=$tmp/suite.json
	is "$(jget "$f" schema)" "guestbench-suite/1" "$1 guestbench suite: a suite document"
	is "$(jget "$f" 'runs#')" "$(($nb - $(jget "$f" 'skipped#')))" "$1 guestbench suite: every benchmark ran or was skipped"
	is "$(jget "$f" 'skipped[status=crashed].bench' 2>/dev/null)" "" "$1 guestbench suite: none crashed"
	for b in $(bench_list); do
		mx_host "$b" || continue	# exits 3 on the host too: may be skipped here
		if bench_meta "$b" net >/dev/null; then continue; fi
		jget "$f" "runs[bench=$b].bench" >/dev/null; ok $? "$1 guestbench suite: $b ran"
	done
	is "$(jget "$f" env.kernel.clocksource)" "unknown" "$1 guestbench suite: clocksource unknown without /sys"
}
if command -v bwrap >/dev/null && run_bwrap guestbench --version >/dev/null 2>&1; then
	# no /tmp and no TMPDIR: diskio has nowhere to write and says so
	( unset TMPDIR; run_bwrap guestbench suite --quick --format json >"$tmp/suite.json" 2>"$tmp/err" )
	ok $? "bwrap guestbench suite --quick without a temporary directory: exit 0"
	is "$(jget "$tmp/suite.json" 'skipped[bench=diskio].status')" "unavailable" \
		"bwrap guestbench suite: diskio skipped without a writable temporary directory"
	# the namespaces inherit TMPDIR: the empty root's "/" is writable
	TMPDIR=/ run_bwrap guestbench suite --quick --format json >"$tmp/suite.json" 2>"$tmp/err"
	ok $? "bwrap guestbench suite --quick: exit 0 in an empty root"
	check_suite bwrap
else
	skip "bubblewrap missing or cannot create namespaces here" "bwrap guestbench suite"
fi
if unshare --user --map-root-user true 2>/dev/null; then
	mkdir -p "$tmp/root-guestbench" && cp "$GB_BIN/guestbench" "$tmp/root-guestbench/"
	TMPDIR=/ unshare --user --map-root-user --mount --pid --net --fork --root="$tmp/root-guestbench" /guestbench suite --quick --format json >"$tmp/suite.json" 2>"$tmp/err"
	ok $? "unshare guestbench suite --quick: exit 0 in an empty root"
	check_suite unshare
else
	skip "user namespaces unavailable" "unshare guestbench suite"
fi
done_testing
