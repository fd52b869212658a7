#!/usr/bin/env bash
# output.sh - `-o FILE` from every binary, by common/output's one rule:
# the format from --format, else the extension (.json .csv .txt); a FIFO,
# /dev/stdout and `-` written through; a symlink's target replaced with
# the link kept; symlinks planted at the temporary names the old writers
# used (FILE.tmp.PID) never followed; a directory, a missing folder and a
# read-only folder refused with exit 2 before anything runs.
# The benchmarks run with --plan (nothing measured: the document is its
# configuration) so that every binary's whole matrix stays quick.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/benches.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
G=$GB_BIN/guestbench
F=$GB_ROOT/tests/fixtures/compare

# How to run each binary so that it writes a document: "NAME CMD...".
runners=()
for b in $(bench_list); do
	mkdir -p "$tmp/dir-$b"
	runners+=("gb-$b|$GB_BIN/gb-$b $(quick_args "$b" "$tmp/dir-$b" | sed 's/--format json//') --plan")
done
runners+=("suite|$G suite --quick --only syscall")
runners+=("compare|$GB_BIN/gb-compare $F/base.json $F/other.json")

# A JSON file's schema, or "" when it is not JSON.
schema_of() { jget "$1" schema 2>/dev/null; }

for r in "${runners[@]}"; do
	name=${r%%|*} cmd=${r#*|}
	d=$tmp/$name
	mkdir -p "$d"
	# shellcheck disable=SC2086
	run() { $cmd "$@"; }

	run -q -o "$d/r.json" >/dev/null 2>"$d/err"
	rc=$?
	s=$(schema_of "$d/r.json")
	ok $((rc > 1 || ${#s} == 0)) "$name: -o r.json is JSON (schema '$s', exit $rc)"

	run -q -o "$d/r.csv" >/dev/null 2>&1
	head -1 "$d/r.csv" 2>/dev/null | grep -q ',' && ! grep -q '^{' "$d/r.csv"
	ok $? "$name: -o r.csv is CSV"

	run -q -o "$d/r.txt" >/dev/null 2>&1
	[ -s "$d/r.txt" ] && ! grep -q '^{' "$d/r.txt" && ! head -1 "$d/r.txt" | grep -q ','
	ok $? "$name: -o r.txt is the table"

	run -q -o "$d/r.out" --format json >/dev/null 2>&1
	s=$(schema_of "$d/r.out")
	ok $((${#s} == 0)) "$name: --format json beats an unknown extension"

	run -o - >"$d/stdout" 2>/dev/null
	s=$(schema_of "$d/stdout")
	ok $((${#s} == 0)) "$name: -o - puts the JSON document on stdout, alone"

	mkfifo "$d/fifo"
	cat "$d/fifo" >"$d/fifo.out" &
	reader=$!
	run -q -o "$d/fifo" --format json >/dev/null 2>&1
	wait "$reader"
	s=$(schema_of "$d/fifo.out")
	[ -p "$d/fifo" ] && [ -n "$s" ]
	ok $? "$name: a FIFO is written through and stays a FIFO"

	run -q -o /dev/stdout --format json >"$d/devstdout" 2>/dev/null
	s=$(schema_of "$d/devstdout")
	ok $((${#s} == 0)) "$name: -o /dev/stdout writes through to a redirected stdout"

	echo old >"$d/target.json"
	ln -s target.json "$d/link.json"
	run -q -o "$d/link.json" >/dev/null 2>&1
	s=$(schema_of "$d/target.json")
	[ -L "$d/link.json" ] && [ -n "$s" ]
	ok $? "$name: a symlink to a file: its target replaced, the link kept"

	# symlinks at FILE.tmp.PID for the PIDs the next processes will get,
	# aimed at a file that must survive (the old writers opened that name
	# with fopen "w": a planted link made them overwrite its target)
	echo precious >"$d/victim"
	# (one process plants them all: each ln would use up a PID itself)
	last=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null || echo 0)
	perl -e 'symlink($ARGV[0], "$ARGV[1].tmp." . ($ARGV[2] + $_)) for 1 .. 300' "$d/victim" "$d/p.json" "$last"
	run -q -o "$d/p.json" >/dev/null 2>&1
	is "$(cat "$d/victim")" "precious" "$name: symlinks planted at FILE.tmp.PID are not followed"
	rm -f "$d"/p.json.tmp.*
	left=$(find "$d" -name '.*.??????' | wc -l)
	is "$left" 0 "$name: no temporary file left behind"

	run -q -o "$d" >"$d/out" 2>"$d/err"
	rc=$?
	is "$rc" 2 "$name: -o a directory exits 2"
	grep -q 'is a directory' "$d/err"
	ok $? "$name: and says it is a directory"

	run -q -o "$d/no/such/folder/r.json" >/dev/null 2>"$d/err"
	rc=$?
	is "$rc" 2 "$name: -o in a missing folder exits 2"

	if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
		mkdir -p "$d/ro"
		# shellcheck disable=SC2016
		unshare -m sh -c 'mount -t tmpfs -o ro none "$1" && shift && exec "$@"' sh "$d/ro" \
			$cmd -o "$d/ro/r.json" >"$d/out" 2>"$d/err"
		rc=$?
		is "$rc" 2 "$name: -o in a read-only folder exits 2"
		[ ! -s "$d/out" ]
		ok $? "$name: before running (nothing printed)"
	elif [ "$(id -u)" != 0 ]; then
		mkdir -p "$d/ro" && chmod 555 "$d/ro"
		run -o "$d/ro/r.json" >"$d/out" 2>"$d/err"
		rc=$?
		is "$rc" 2 "$name: -o in a read-only folder exits 2"
		[ ! -s "$d/out" ]
		ok $? "$name: before running (nothing printed)"
	else
		skip "no mount namespace for a read-only folder" "$name: -o in a read-only folder exits 2"
		skip "no mount namespace for a read-only folder" "$name: before running"
	fi
done

done_testing
