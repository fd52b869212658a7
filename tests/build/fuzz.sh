#!/usr/bin/env bash
# Short libFuzzer runs (clang -fsanitize=fuzzer,address,undefined), one per
# target: gb-compare's parser and pairing, seeded with the fixtures and
# tests/fuzz/corpus/compare_load, and the option
# parser every binary uses (common/cli.c), seeded with a few argv.
# Seconds, not minutes: they catch the shallow crashes in make test;
# docs/testing.md has the long runs.  Skips, with the reason, when clang or
# its libFuzzer runtime is missing.
. "$(dirname "$0")/../lib/tap.sh"
cd "$GB_ROOT" || exit 1
out=build/fuzz
CC=${FUZZ_CC:-$(command -v clang || command -v clang-14)}
SECS=${FUZZ_SECONDS:-5}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2054 # commas inside one flag
FLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -Icommon)

# target NAME: sources and libraries, one line each.  Both take the whole
# library as the Makefile builds it (common/*.c but the static link's udev
# stub), so a new common/ file never breaks these lines.
COMMON_SRC="$(ls common/*.c | grep -v '^common/udev_stub\.c$' | tr '\n' ' ')"
COMMON_LIBS="-lhwloc -lnuma -luring -ljansson -lm"
declare -A SRC=(
	# every compare/*.c but the command line (compare.c holds main's body)
	[fuzz_compare_load]="tests/fuzz/fuzz_compare_load.c $(ls compare/*.c | grep -v '^compare/compare\.c$' | tr '\n' ' ')$COMMON_SRC $COMMON_LIBS"
	[fuzz_cli]="tests/fuzz/fuzz_cli.c $COMMON_SRC $COMMON_LIBS"
)
seed() {	# TARGET DIR: the starting corpus
	case $1 in
	fuzz_compare_load)	# base and other document, split at a NUL byte (see the target)
		cp tests/fixtures/compare/*.json tests/fuzz/corpus/compare_load/* "$2/" ;;
	fuzz_cli)	# 2 control bytes (common groups, positional limit), then NUL-separated argv
		printf '\x3f\x01--size\0004G\0-n\00042\0--mode=node:3\0--list\0x,zz\0' >"$2/a"
		printf '\x3f\x00-cvq\0--wait=1.5ms\0--ratio\0.25\0--format=json\0-o\0-\0--\0pos\0' >"$2/b"
		printf '\x01\x02--threads\0002\0--cpus\0000-1\0--numa\0node:0\0--time-limit\0002m\0--even\0ab\0' >"$2/c"
		printf '\x3f\x03--repeat=0\0--warmup\0-1\0--pages\0000k\0--quick\0--label\0a b\0--frmat\0' >"$2/d" ;;
	esac
}

if [ -z "$CC" ]; then
	skip "clang not installed (scripts/test-deps.sh installs clang and its libclang-rt-N-dev)" "libFuzzer runs"
	done_testing; exit
fi
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n); int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' >"$tmp/probe.c"
if ! "$CC" -fsanitize=fuzzer "$tmp/probe.c" -o "$tmp/probe" 2>"$tmp/probe.err"; then
	skip "$CC has no libFuzzer runtime (apt-get install libclang-rt-$("$CC" -dumpversion | cut -d. -f1)-dev): $(head -1 "$tmp/probe.err")" "libFuzzer runs"
	done_testing; exit
fi
mkdir -p "$out"
for t in fuzz_compare_load fuzz_cli; do
	# shellcheck disable=SC2086
	"$CC" "${FLAGS[@]}" ${SRC[$t]} -o "$out/$t" 2>"$tmp/cc.err"
	if ! ok $? "$t builds"; then sed 's/^/# /' "$tmp/cc.err" | head -20; continue; fi
	rm -rf "$tmp/corpus"; mkdir -p "$tmp/corpus"; seed "$t" "$tmp/corpus"
	# -close_fd_mask=3: the parsers' own error messages are not reports
	"$out/$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=1024 -max_len=65536 -close_fd_mask=3 \
		-artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1
	rc=$?
	ok $rc "$t: ${SECS} s of libFuzzer found no crash, leak or sanitizer report"
	if [ $rc -ne 0 ]; then
		grep -E "ERROR|SUMMARY|Test unit written" "$tmp/fuzz.log" | sed 's/^/# /' | head -20
		mkdir -p build/fuzz/crashes && cp "$tmp"/crash-* "$tmp"/leak-* build/fuzz/crashes/ 2>/dev/null
	fi
	grep -Eo "Done [0-9]+ runs.*" "$tmp/fuzz.log" | sed "s/^/# $t: /"
	# the run really executed inputs: a target that exits at once is no test
	n=$(grep -Eo "Done [0-9]+ runs" "$tmp/fuzz.log" | grep -Eo "[0-9]+")
	[ "${n:-0}" -gt 100 ]; ok $? "$t: it ran (${n:-0} inputs)"
done
done_testing
