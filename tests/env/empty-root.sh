#!/usr/bin/env bash
# Every binary in an empty root: only the static binary, no /proc, /sys,
# /dev or /etc, in new user, mount, PID and network namespaces.  It must
# exit 0 with a valid JSON document whose fingerprint says "unknown"
# where it cannot know, and report unavailable what it cannot measure.
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Every benchmark of the Makefile runs with --quick --format json; a
# benchmark that needs other arguments here gets a line in ARGS.
declare -A ARGS=()
BINS=()
for b in $(make -s -C "$GB_ROOT" list-benches); do
	BINS+=("gb-$b")
	: "${ARGS[gb-$b]:=--quick --format json}"
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
done_testing
