#!/usr/bin/env bash
# Every binary in an empty root: only the static binary, no /proc, /sys,
# /dev or /etc, in new user, mount, PID and network namespaces.  It must
# exit 0 with a valid JSON document whose fingerprint says "unknown"
# where it cannot know, and report unavailable what it cannot measure.
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/../lib/benches.sh"

# Every benchmark of the Makefile with its quick arguments (lib/benches.sh);
# whatever writes, writes in the empty root's own "/" (a private tmpfs).
declare -A ARGS=()
BINS=()
for b in $(bench_list); do
	BINS+=("gb-$b")
	ARGS[gb-$b]=$(quick_args "$b" /)
done

run_bwrap() {	# BIN ARGS...: run in an empty tmpfs root with bubblewrap
	local bin=$1; shift
	bwrap --unshare-all --die-with-parent --tmpfs / --ro-bind "$GB_BIN/$bin" "/$bin" --chdir / "/$bin" "$@"
}

run_unshare() {	# BIN ARGS...: chroot into a directory holding only the binary
	local bin=$1; shift
	local root=$tmp/root-$bin
	mkdir -p "$root" && cp "$GB_BIN/$bin" "$root/$bin"
	unshare --user --map-root-user --mount --pid --net --fork --root="$root" "/$bin" "$@"
}

check_doc() {	# TOOL BIN: the document a run left in $tmp/out.json
	local how=$1 bin=$2 f=$tmp/out.json
	jget "$f"; ok $? "$how $bin: output is JSON"
	is "$(jget "$f" valid)" "true" "$how $bin: valid"
	is "$(jget "$f" env.kernel.clocksource)" "unknown" "$how $bin: clocksource unknown without /sys"
	is "$(jget "$f" env.kernel.thp_enabled)" "unknown" "$how $bin: THP mode unknown without /sys"
	is "$(jget "$f" env.kernel.mitigations)" "unknown" "$how $bin: mitigations unknown without /sys"
	local n; n=$(jget "$f" env.effective.cpus)
	[ "${n:-0}" -ge 1 ] 2>/dev/null; ok $? "$how $bin: effective CPUs still known from the affinity mask ($n)"
	n=$(jget "$f" 'results#')
	[ "${n:-0}" -ge 1 ] 2>/dev/null; ok $? "$how $bin: results produced ($n)"
}

for bin in "${BINS[@]}"; do
	[ -x "$GB_BIN/$bin" ] || { ok 1 "$bin is built"; continue; }
	# shellcheck disable=SC2086
	if command -v bwrap >/dev/null && run_bwrap "$bin" --version >/dev/null 2>&1; then
		run_bwrap "$bin" ${ARGS[$bin]} >"$tmp/out.json" 2>"$tmp/err"
		ok $? "bwrap $bin: exit 0 in an empty root"
		check_doc bwrap "$bin"
		[ ! -s "$tmp/err" ]; ok $? "bwrap $bin: nothing on stderr"
		[ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | head -5
		if [ "$bin" = gb-syscall ]; then
			jget "$tmp/out.json" 'unavailable[name=read].reason' | grep -q /dev/zero
			ok $? "bwrap: read unavailable without /dev, reason names /dev/zero"
		fi
	else
		skip "bubblewrap missing or cannot create namespaces here" "bwrap $bin"
	fi
	if unshare --user --map-root-user true 2>/dev/null; then
		# shellcheck disable=SC2086
		run_unshare "$bin" ${ARGS[$bin]} >"$tmp/out.json" 2>"$tmp/err"
		ok $? "unshare $bin: exit 0 in an empty root"
		check_doc unshare "$bin"
	else
		skip "user namespaces unavailable" "unshare $bin"
	fi
done

# The multi-call binary's suite re-executes itself for every benchmark:
# with no /proc it must find its own file through AT_EXECFN.
nb=$(make -s -C "$GB_ROOT" list-benches | wc -w)
check_suite() {	# HOW: the suite document a run left in $tmp/suite.json
	local f=$tmp/suite.json
	is "$(jget "$f" schema)" "guestbench-suite/1" "$1 guestbench suite: a suite document"
	is "$(jget "$f" 'runs#').$(jget "$f" 'skipped#')" "$nb.0" "$1 guestbench suite: every benchmark ran, none skipped"
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
	TMPDIR=/ run_unshare guestbench suite --quick --format json >"$tmp/suite.json" 2>"$tmp/err"
	ok $? "unshare guestbench suite --quick: exit 0 in an empty root"
	check_suite unshare
else
	skip "user namespaces unavailable" "unshare guestbench suite"
fi
done_testing
