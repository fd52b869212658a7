# shellcheck shell=bash
# tests/lib/matrix.sh - the environment matrix (docs/testing.md): one case
# runs every benchmark of `bench_list` in one hostile environment, checks
# exit status, JSON and the fields the case is about, and records one row
# per (case, binary) - pass, skip (reason) or fail (first failed check) -
# in build/test-logs/matrix/<script>.tsv, which tests/run prints as a table.
# Source it after tap.sh.  A case script looks like:
#
#   mx_case 6a "cpuset of one CPU"
#   for b in $(bench_list); do
#       mx_begin "$b" || continue        # skipped: the host cannot run it
#       mx_exec "$b" WRAPPER...          # WRAPPER... $MX_BIN <quick args>
#       mx_check_run "$b" && { case-specific checks on "$MX_OUT"; }
#       mx_end "$b"
#   done
#
# MX_BIN (the binary's path as the wrapper sees it; default $GB_BIN/gb-B),
# MX_SCRATCH (the writable directory given to benchmarks that need one),
# MX_EXTRA (more arguments), MX_ARGS (instead of the quick arguments) and MX_LACKS (what the case takes away: "net")
# may be set before mx_exec.
. "$(dirname "${BASH_SOURCE[0]}")/benches.sh"

MX_DIR=$GB_ROOT/build/test-logs/matrix
mkdir -p "$MX_DIR/host"
mx_file=$MX_DIR/$(basename "$0" .sh).tsv
: >"$mx_file"
mx_tmp=$(mktemp -d)
trap 'rm -rf "$mx_tmp"' EXIT
MX_OUT=$mx_tmp/out.json MX_ERR=$mx_tmp/err MX_LACKS=
MX_TIMEOUT=${MX_TIMEOUT:-180}

mx_case() { MX_ID=$1 MX_TITLE=$2; echo "# case $1: $2"; }

mx_row() {	# BENCH STATUS REASON
	printf '%s\t%s\t%s\t%s\t%s\n' "$MX_ID" "$MX_TITLE" "gb-$1" "$2" "${3:-}" >>"$mx_file"
}

# The whole case cannot run here (tool missing, not root): a SKIP with the
# reason for every binary, never a pass.
mx_skip_case() {
	local b
	for b in $(bench_list); do
		skip "$1" "case $MX_ID gb-$b"
		mx_row "$b" skip "$1"
	done
}

# Does the benchmark run on this host as it is?  One --quick run per
# binary, cached until the binary changes; recorded as case 0.  A binary
# that exits 3 here (a placeholder, a missing device) cannot be judged
# anywhere else: the cases skip it with its own message.
mx_host() {
	local b=$1 h=$MX_DIR/host/$1
	if [ ! -f "$h.rc" ] || [ "$GB_BIN/gb-$b" -nt "$h.rc" ]; then
		mkdir -p "$h.dir"
		# shellcheck disable=SC2046
		timeout -k 5 "$MX_TIMEOUT" "$GB_BIN/gb-$b" $(quick_args "$b" "$h.dir") >"$h.json" 2>"$h.err"
		echo $? >"$h.rc"
		rm -rf "$h.dir"
	fi
	local st=pass why=
	case $(cat "$h.rc") in
	0) jget "$h.json" >/dev/null 2>&1 || st=fail why="exit 0 but no JSON document" ;;
	3) st=skip why="exits 3 on the host: $(head -1 "$h.err")" ;;
	*) st=fail why="exits $(cat "$h.rc") on the host: $(head -1 "$h.err")" ;;
	esac
	grep -v "	gb-$b	" "$MX_DIR/0-host.tsv" 2>/dev/null >"$mx_tmp/host.tsv"
	printf '0\thost, as is\tgb-%s\t%s\t%s\n' "$b" "$st" "$why" >>"$mx_tmp/host.tsv"
	cp "$mx_tmp/host.tsv" "$MX_DIR/0-host.tsv"
	[ "$(cat "$h.rc")" != 3 ]
}

mx_begin() {	# BENCH: 1 = skipped (recorded)
	local b=$1
	MX_BIN=$GB_BIN/gb-$b MX_SCRATCH=$mx_tmp/scratch MX_EXTRA='' MX_ARGS='' MX_NOTE=''
	if [ ! -x "$GB_BIN/gb-$b" ]; then
		ok 1 "case $MX_ID gb-$b: the binary is built"
		mx_row "$b" fail "not built"
		return 1
	fi
	if ! mx_host "$b"; then
		local why; why="gb-$b $(head -1 "$MX_DIR/host/$b.err" | cut -c1-100): exits 3 on the host too"
		skip "$why" "case $MX_ID gb-$b"
		mx_row "$b" skip "$why"
		return 1
	fi
	rm -rf "$mx_tmp/scratch"; mkdir -p "$mx_tmp/scratch"
	_mx_f0=$_tap_failed
	return 0
}

mx_end() {	# BENCH [NOTE]: pass unless a check failed since mx_begin
	if [ "$_tap_failed" -eq "$_mx_f0" ]; then
		mx_row "$1" pass "${2:-$MX_NOTE}"	# a note: how it passed (tests/run shows pass*)
	else
		mx_row "$1" fail "$_tap_lastfail"
	fi
}

# Run BENCH's quick run under WRAPPER... (a command, not a shell function:
# it runs under timeout): MX_RC, $MX_OUT, $MX_ERR.
mx_exec() {
	local b=$1; shift
	# shellcheck disable=SC2046,SC2086
	timeout -k 5 "$MX_TIMEOUT" "$@" "$MX_BIN" ${MX_ARGS:-$(quick_args "$b" "$MX_SCRATCH")} $MX_EXTRA \
		>"$MX_OUT" 2>"$MX_ERR"
	MX_RC=$?
}

mx_show_err() { [ -s "$MX_ERR" ] && sed 's/^/#   stderr: /' "$MX_ERR" | head -5; return 0; }

# The checks every run gets: exit 0, a guestbench/1 document, valid,
# nothing on stderr.  A benchmark that needs what the case took away
# (bench_meta net, MX_LACKS=net) may instead refuse: exit 3 with a reason.
# Returns 0 when the document is there for the case's own checks.
mx_check_run() {
	local b=$1 w=case\ $MX_ID\ gb-$1 need
	for need in $MX_LACKS; do
		if bench_meta "$b" "$need" >/dev/null && [ "$MX_RC" -eq 3 ]; then
			[ -s "$MX_ERR" ]; ok $? "$w: exit 3 without $need, with the reason on stderr"
			MX_NOTE="exit 3 without $need: $(head -1 "$MX_ERR")"
			return 1
		fi
	done
	is "$MX_RC" 0 "$w: exit status" || true
	[ "$MX_RC" -eq 0 ] || mx_show_err
	if ! jget "$MX_OUT" >/dev/null 2>&1; then
		ok 1 "$w: output is JSON"
		return 1
	fi
	is "$(jget "$MX_OUT" schema)" "guestbench/1" "$w: a guestbench/1 document"
	is "$(jget "$MX_OUT" valid)" "true" "$w: valid"
	[ ! -s "$MX_ERR" ]; ok $? "$w: nothing on stderr"
	mx_show_err
	return 0
}

# The fingerprint field PATH of the last document equals WANT.
mx_is() { is "$(jget "$MX_OUT" "$1")" "$2" "case $MX_ID ${3:+$3 }$1 = $2"; }
