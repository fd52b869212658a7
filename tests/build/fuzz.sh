#!/usr/bin/env bash
# A short libFuzzer run (clang -fsanitize=fuzzer,address) on gb-compare's
# parser, seeded with the fixtures.  Seconds, not minutes: it catches the
# shallow crashes in make test; docs/testing.md has the long run.
# Skips, with the reason, when clang or its libFuzzer runtime is missing.
. "$(dirname "$0")/../lib/tap.sh"
cd "$GB_ROOT" || exit 1
out=build/fuzz
CC=${FUZZ_CC:-$(command -v clang || command -v clang-14)}
SECS=${FUZZ_SECONDS:-5}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ -z "$CC" ]; then
	skip "clang not installed (apt-get install clang libclang-rt-14-dev)" "libFuzzer run on the gb-compare parser"
	done_testing; exit
fi
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n); int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' >"$tmp/probe.c"
if ! "$CC" -fsanitize=fuzzer "$tmp/probe.c" -o "$tmp/probe" 2>"$tmp/probe.err"; then
	skip "$CC has no libFuzzer runtime (apt-get install libclang-rt-14-dev): $(head -1 "$tmp/probe.err")" \
		"libFuzzer run on the gb-compare parser"
	done_testing; exit
fi
mkdir -p "$out"
"$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -Icommon \
	tests/fuzz/fuzz_compare_load.c compare/load.c compare/stats.c compare/match.c compare/verdict.c \
	compare/fingerprint.c compare/render.c compare/svg.c common/util.c common/json.c \
	-ljansson -lm -o "$out/fuzz_compare_load" 2>"$tmp/cc.err"
ok $? "the fuzz target builds" || cat "$tmp/cc.err"
mkdir -p "$tmp/corpus"
cp tests/fixtures/compare/*.json "$tmp/corpus/"
"$out/fuzz_compare_load" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
	-artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1
rc=$?
ok $rc "${SECS} s of libFuzzer found no crash, leak or sanitizer report"
if [ $rc -ne 0 ]; then
	grep -E "ERROR|SUMMARY|Test unit written" "$tmp/fuzz.log" | sed 's/^/# /' | head -20
	mkdir -p build/fuzz/crashes && cp "$tmp"/crash-* "$tmp"/leak-* build/fuzz/crashes/ 2>/dev/null
fi
grep -Eo "Done [0-9]+ runs.*" "$tmp/fuzz.log" | sed 's/^/# /'
done_testing
