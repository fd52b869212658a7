#!/usr/bin/env bash
# gb-randomaccess: the JSON contract, variants, verification (it must catch
# corrupted updates), sizes, refusal paths, the latency curve.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-randomaccess
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
Q="--quick --size 8M"	# 1 Mi words: every run well under a second

# --- the default variant (star), JSON to a file, table on stdout
"$B" $Q --label ci -o "$tmp/s.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick -o FILE.json exits 0"
is "$(jget "$tmp/s.json" schema)" "guestbench/1" "schema"
is "$(jget "$tmp/s.json" bench)" "randomaccess" "bench"
is "$(jget "$tmp/s.json" valid)" "true" "valid"
for key in env config results unavailable warnings invalid_reasons config.variant config.threads \
	config.size config.table_bytes config.tables config.updates_per_table config.lookahead \
	config.kernel config.pages_used config.huge_coverage config.numa_used config.repeat config.quick; do
	jget "$tmp/s.json" "$key" >/dev/null
	ok $? "key $key present"
done
is "$(jget "$tmp/s.json" config.variant)" "star" "star is the default variant"
is "$(jget "$tmp/s.json" config.size)" "8388608" "config.size is the table size used"
is "$(jget "$tmp/s.json" config.updates_per_table)" "4194304" "4 x table-size updates (HPCC N_U)"
threads=$(jget "$tmp/s.json" config.threads)
is "$(jget "$tmp/s.json" config.tables)" "$threads" "star: one table per thread"
missing=""
for k in unit better n min max mean median stddev cv ci95 samples variant threads table_bytes \
	tables errors error_rate error_limit; do
	jget "$tmp/s.json" "results[name=gups].$k" >/dev/null || missing="$missing $k"
done
is "$missing" "" "gups has every statistic and the verification members"
is "$(jget "$tmp/s.json" 'results[name=gups].unit')" "GUP/s" "unit GUP/s"
is "$(jget "$tmp/s.json" 'results[name=gups].better')" "higher" "higher is better"
is "$(jget "$tmp/s.json" 'results[name=gups].n')" "3" "--quick: 3 samples"
is "$(jget "$tmp/s.json" 'results[name=gups].errors')" "0" "star: verification finds 0 errors"
is "$(jget "$tmp/s.json" 'results[name=gups].error_limit')" "0" "star: no error allowed (no races)"
jget "$tmp/s.json" 'results[name=gups_per_thread].median' >/dev/null
ok $? "star: gups_per_thread reported"
med=$(jget "$tmp/s.json" 'results[name=gups].median')
awk -v m="$med" 'BEGIN { exit !(m > 0.0001 && m < 100) }'
ok $? "gups median plausible ($med GUP/s)"
grep -q "^gups " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "summary table on stdout alongside -o"
[ ! -s "$tmp/err.txt" ]
ok $? "nothing on stderr when all is well (not a terminal)"

# --- single and shared
"$B" $Q --variant single --format json >"$tmp/1.json"
ok $? "--variant single runs"
is "$(jget "$tmp/1.json" 'results[name=gups].threads')" "1" "single: one thread"
is "$(jget "$tmp/1.json" 'results[name=gups].errors')" "0" "single: 0 errors"
jget "$tmp/1.json" 'results[name=gups_per_thread]' >/dev/null 2>&1
ok $((!$?)) "single: no gups_per_thread"
"$B" $Q --variant shared -t 2 --format json >"$tmp/sh.json"
ok $? "--variant shared -t 2 runs"
is "$(jget "$tmp/sh.json" config.tables)" "1" "shared: one table"
is "$(jget "$tmp/sh.json" 'results[name=gups].error_limit')" "10485" "shared: 1% of the words may race"
"$B" $Q --variant single --lookahead 1 --pages 4k --format json >"$tmp/l1.json"
ok $? "--lookahead 1 --pages 4k runs and verifies"
is "$(jget "$tmp/l1.json" config.pages_used)" "4k" "pages_used 4k"
is "$(jget "$tmp/l1.json" config.lookahead)" "1" "config.lookahead"

# --- verification catches corrupted updates
GB_FAULT=randomaccess.corrupt=5 "$B" $Q --variant single --format json >"$tmp/c1.json" 2>"$tmp/c1.err"
is "$?" "1" "single, 5 corrupted updates: exit 1"
is "$(jget "$tmp/c1.json" valid)" "false" "valid: false"
is "$(jget "$tmp/c1.json" 'results[name=gups].errors')" "5" "exactly 5 errors found"
jget "$tmp/c1.json" 'invalid_reasons[0]' | grep -q "verification found 5 of 1048576 words wrong"
ok $? "the reason gives the count"
grep -q "invalid result: gups" "$tmp/c1.err"; ok $? "and stderr says so"
GB_FAULT=randomaccess.corrupt=1 "$B" $Q --variant star --format json >"$tmp/c2.json" 2>/dev/null
is "$?" "1" "star, one corrupted update: exit 1"
GB_FAULT=randomaccess.corrupt=100 "$B" $Q --variant shared --format json >"$tmp/c3.json" 2>/dev/null
is "$?" "0" "shared, 100 wrong words (< 1%): still valid"
e=$(jget "$tmp/c3.json" 'results[name=gups].errors')
awk -v e="$e" 'BEGIN { exit !(e >= 100 && e <= 10485) }'
ok $? "shared: the 100 found ($e with races)"
GB_FAULT=randomaccess.corrupt=20000 "$B" $Q --variant shared --format json >"$tmp/c4.json" 2>/dev/null
is "$?" "1" "shared, 20000 wrong words (> 1%): exit 1"
is "$(jget "$tmp/c4.json" valid)" "false" "shared over the limit: valid false"

# --- sizes and refusals
echo precious >"$tmp/keep.json"
"$B" --quick --size 12M -o "$tmp/keep.json" 2>"$tmp/e"; is "$?" "2" "--size not a power of two: exit 2"
grep -q "power of two" "$tmp/e"; ok $? "and says it must be a power of two"
"$B" --quick --size 1T -o "$tmp/keep.json" 2>"$tmp/e"; is "$?" "3" "--size 1T: exit 3"
grep -q "does not fit in the effective memory" "$tmp/e"; ok $? "and says it does not fit"
is "$(cat "$tmp/keep.json")" "precious" "a refused size never touches the -o file"
"$B" --lookahead 1025 2>"$tmp/e"; is "$?" "2" "--lookahead 1025: exit 2"
grep -q "1024" "$tmp/e"; ok $? "message gives the HPCC limit"
"$B" --variant bogus 2>/dev/null; is "$?" "2" "bad --variant: exit 2"
"$B" --no-gups 2>/dev/null; is "$?" "2" "--no-gups without --latency: exit 2"
free1g=$(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages 2>/dev/null || echo 0)
if [ "$free1g" = 0 ]; then
	"$B" $Q --pages 1g 2>"$tmp/e"; is "$?" "3" "--pages 1g without 1 GiB pages: exit 3"
	grep -q -- "--pages 1g" "$tmp/e"; ok $? "and names --pages 1g"
else
	skip "1 GiB pages are reserved here" "--pages 1g refusal"
fi
"$B" --help >"$tmp/h"; is "$?" "0" "--help exits 0"
grep -q "latency_<bytes>" "$tmp/h"; ok $? "--help lists the metrics"
"$B" --version | grep -q "^gb-randomaccess [0-9]"; ok $? "--version"

# --- the latency curve
"$B" --quick --latency --no-gups --latency-max 1M --format json >"$tmp/lat.json" 2>"$tmp/lat.err"
ok $? "--latency --no-gups runs"
is "$(jget "$tmp/lat.json" valid)" "true" "latency run valid (every chase visits every line once)"
missing=""
for b in 16384 32768 65536 131072 262144 524288 1048576; do
	for m in latency_$b latency_4k_$b; do
		jget "$tmp/lat.json" "results[name=$m].median" >/dev/null || missing="$missing $m"
	done
done
is "$missing" "" "latency_<bytes> and latency_4k_<bytes> from 16 KiB to --latency-max, x2"
is "$(jget "$tmp/lat.json" 'results[name=latency_65536].unit')" "ns" "latency unit ns"
is "$(jget "$tmp/lat.json" 'results[name=latency_65536].better')" "lower" "latency: lower is better"
is "$(jget "$tmp/lat.json" 'results[name=latency_65536].bytes')" "65536" "latency member bytes"
jget "$tmp/lat.json" 'results[name=gups]' >/dev/null 2>&1; ok $((!$?)) "--no-gups: no gups"
jget "$tmp/lat.json" 'results[name=latency_l1].bytes' >/dev/null; ok $? "latency_l1 plateau"
jget "$tmp/lat.json" 'results[name=page_walk_penalty].pct_of_huge' >/dev/null; ok $? "page_walk_penalty"
jget "$tmp/lat.json" 'unavailable[name=latency_dram].reason' | grep -q "4 x the LLC"
ok $? "latency_dram unavailable below 4 x LLC, with the reason"
for key in config.latency_max config.latency_pages_used config.latency_4k_pages_used; do
	jget "$tmp/lat.json" "$key" >/dev/null; ok $? "key $key present"
done
[ ! -s "$tmp/lat.err" ]; ok $? "latency: nothing on stderr"
"$B" --quick --latency --no-gups --latency-max 64k --pages 4k --format json >"$tmp/l4.json"
ok $? "--latency --pages 4k runs"
jget "$tmp/l4.json" 'results[name=latency_4k_16384]' >/dev/null 2>&1
ok $((!$?)) "--pages 4k: one curve only"
jget "$tmp/l4.json" 'unavailable[name=page_walk_penalty].reason' | grep -q "pages 4k"
ok $? "--pages 4k: page_walk_penalty unavailable, saying why"
"$B" --latency --latency-max 3M 2>/dev/null; is "$?" "2" "--latency-max not a power of two: exit 2"
"$B" --latency --no-gups --latency-max 1T 2>"$tmp/e"; is "$?" "3" "--latency-max 1T: exit 3"
done_testing
