#!/usr/bin/env bash
# gb-stream: the JSON contract, the check that catches wrong results,
# sizes and refusals, every NUMA and page mode, exit statuses.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-stream
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

KERNELS="copy scale add triad"
ALL="copy scale add triad copy_nt scale_nt add_nt triad_nt"
# small arrays: the tests check behaviour, not bandwidth
S="--size 2M -r 2"

# --- a full quick run, JSON to a file, table on stdout
"$B" --quick --label ci -o "$tmp/s.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick -o FILE.json exits 0"
check "the file is JSON" jget "$tmp/s.json"
is "$(jget "$tmp/s.json" schema)" "guestbench/1" "schema"
is "$(jget "$tmp/s.json" bench)" "stream" "bench"
is "$(jget "$tmp/s.json" label)" "ci" "label"
is "$(jget "$tmp/s.json" valid)" "true" "valid"
for key in version started env config results warnings invalid_reasons config.repeat config.warmup \
	config.threads config.cpu_list config.size config.numa config.pages config.stores config.isa \
	config.array_elements config.array_bytes config.array_over_llc config.llc_bytes \
	config.numa_placement config.pages_used config.huge_coverage config.numa_nodes \
	config.timer_tick_ns config.epsilon env.topology.llc_total env.effective.memory_bytes; do
	jget "$tmp/s.json" "$key" >/dev/null
	ok $? "key $key present"
done
missing=""
for m in $ALL; do
	for k in unit better n min max mean median stddev cv ci95 samples best min_time_s avg_time_s \
		max_time_s bytes_per_run stores numa validated; do
		jget "$tmp/s.json" "results[name=$m].$k" >/dev/null || missing="$missing $m.$k"
	done
	[ "$(jget "$tmp/s.json" "results[name=$m].unit")" = "MB/s" ] || missing="$missing $m.unit!=MB/s"
	[ "$(jget "$tmp/s.json" "results[name=$m].better")" = "higher" ] || missing="$missing $m.better"
	[ "$(jget "$tmp/s.json" "results[name=$m].n")" = 3 ] || missing="$missing $m.n!=3"
	[ "$(jget "$tmp/s.json" "results[name=$m].samples#")" = 3 ] || missing="$missing $m.samples!=3"
	[ "$(jget "$tmp/s.json" "results[name=$m].best")" = "$(jget "$tmp/s.json" "results[name=$m].max")" ] ||
		missing="$missing $m.best!=max"
done
is "$missing" "" "the eight documented metrics, each with every statistic, best = max"
is "$(jget "$tmp/s.json" 'results#')" "8" "exactly eight metrics by default (--stores both)"
isa=$(jget "$tmp/s.json" config.isa)
is "$isa" "$(jget "$tmp/s.json" env.cpu.isa_best)" "the kernel variant is the best the CPU allows ($isa)"
is "$(jget "$tmp/s.json" 'results[name=triad_nt].stores')" "non-temporal" "triad_nt: non-temporal stores"
is "$(jget "$tmp/s.json" 'results[name=triad].stores')" "temporal" "triad: temporal stores"
is "$(jget "$tmp/s.json" 'results[name=copy].bytes_per_run')" \
	"$(( $(jget "$tmp/s.json" config.array_elements) * 16 ))" "copy counts 16 bytes per element"
is "$(jget "$tmp/s.json" 'results[name=add].bytes_per_run')" \
	"$(( $(jget "$tmp/s.json" config.array_elements) * 24 ))" "add counts 24 bytes per element"
# rate = bytes / time: the best rate goes with the shortest time
awk -v b="$(jget "$tmp/s.json" 'results[name=triad].bytes_per_run')" \
	-v t="$(jget "$tmp/s.json" 'results[name=triad].min_time_s')" \
	-v r="$(jget "$tmp/s.json" 'results[name=triad].best')" \
	'BEGIN { d = b / t / 1e6 / r - 1; exit !(d < 1e-9 && d > -1e-9) }'
ok $? "best rate = bytes / shortest time, in 10^6 B/s"
med=$(jget "$tmp/s.json" 'results[name=triad].median')
awk -v m="$med" 'BEGIN { exit !(m > 10 && m < 1e8) }'
ok $? "triad median plausible ($med MB/s)"
grep -q "^triad_nt " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "summary table on stdout alongside -o"
grep -q "best [0-9.]* MB/s" "$tmp/table.txt"; ok $? "the table shows STREAM's best rate"
[ ! -s "$tmp/err.txt" ]; ok $? "nothing on stderr when all is well (not a terminal)"
jget "$tmp/s.json" warnings | grep -q "below 4 x the last-level cache"
ok $? "--quick warns that its arrays are not a valid STREAM size"

# --- the check: a corrupted array is caught, the result printed as invalid
GB_FAULT=stream.corrupt=a "$B" $S --format json >"$tmp/c.json" 2>"$tmp/c.err"
is "$?" "1" "a corrupted array exits 1"
is "$(jget "$tmp/c.json" valid)" "false" "valid: false"
jget "$tmp/c.json" 'invalid_reasons[0]' | grep -q "array a fails STREAM's check"
ok $? "the reason names the array"
jget "$tmp/c.json" 'results[name=triad].median' >/dev/null; ok $? "the results are still there"
is "$(jget "$tmp/c.json" 'results[name=triad].validated')" "false" "and marked not validated"
grep -q "invalid result" "$tmp/c.err"; ok $? "and stderr says so"
# one element off by 1e-9: STREAM's average alone (1e-9 / 262144) would pass it
GB_FAULT=stream.corrupt=c:1e-9 "$B" $S --stores nt --format json >"$tmp/c2.json" 2>/dev/null
is "$?" "1" "one element off by a relative 1e-9 is caught too"
jget "$tmp/c2.json" 'invalid_reasons[0]' | grep -q "array c .* 1 of 262144 elements wrong, the first at index 131072"
ok $? "the reason counts the wrong elements and says where"
GB_FAULT=stream.corrupt=b "$B" $S --numa sweep --format json >"$tmp/c3.json" 2>/dev/null
is "$?" "1" "caught in a sweep too"
is "$(jget "$tmp/c3.json" 'invalid_reasons#')" "4" "every pass that was corrupted is named (2 stores x 2 placements)"

# --- more iterations than a double can follow (x15 each): checked in epochs
"$B" --size 64k -r 300 --stores temporal --format json >"$tmp/e.json" 2>/dev/null
ok $? "300 iterations validate (the arrays are checked and reset every 64)"
is "$(jget "$tmp/e.json" 'results[name=triad].n')" "300" "300 samples"

# --- odd sizes: vector tails and uneven chunks
for size in 4104 1000008 3M; do
	for t in 1 2 3; do
		"$B" --size $size -t $t -r 2 --format json >"$tmp/o.json" 2>/dev/null
		rc=$?
		[ $rc = 0 ] && [ "$(jget "$tmp/o.json" valid)" = true ]
		ok $? "--size $size --threads $t validates (rc $rc)"
	done
done
for isa in baseline avx2 avx512; do
	GB_ISA=$isa "$B" --size 1000008 -t 2 -r 2 --format json >"$tmp/i.json" 2>/dev/null
	ok $? "GB_ISA=$isa runs and validates"
	want=$isa
	case "$(jget "$tmp/i.json" env.cpu.isa_hw_best)-$isa" in
	baseline-*) want=baseline ;;
	avx2-avx512) want=avx2 ;;
	esac
	is "$(jget "$tmp/i.json" config.isa)" "$want" "GB_ISA=$isa: kernels $want reported"
done

# --- stores
"$B" $S --stores temporal --format json >"$tmp/t.json"
is "$(jget "$tmp/t.json" 'results#')" "4" "--stores temporal: four metrics"
is "$(jget "$tmp/t.json" 'results[0].name')" "copy" "named copy, ..."
"$B" $S --stores nt --format json >"$tmp/n.json"
is "$(jget "$tmp/n.json" 'results#')" "4" "--stores nt: four metrics"
got=""; for m in $KERNELS; do jget "$tmp/n.json" "results[name=${m}_nt]" >/dev/null && got="$got ${m}_nt"; done
is "$got" " copy_nt scale_nt add_nt triad_nt" "named *_nt"

# --- sizes
"$B" --size 1M -r 2 --format json >"$tmp/z.json"
is "$(jget "$tmp/z.json" config.array_bytes)" "1048576" "--size is per array"
is "$(jget "$tmp/z.json" config.size)" "1048576" "config.size is the size used"
jget "$tmp/z.json" warnings | grep -q "below 4 x"; ok $? "a size below 4 x LLC is warned about"
mem=$(jget "$tmp/z.json" env.effective.memory_bytes)
big=$(( mem / 3 + (1 << 30) ))
"$B" --size $big -o "$tmp/big.json" 2>"$tmp/e" >/dev/null
is "$?" "3" "--size whose three arrays exceed the effective memory exits 3"
grep -q -- "--size .*three arrays need .*allows" "$tmp/e"; ok $? "and says what it needs and what is allowed"
[ ! -e "$tmp/big.json" ]; ok $? "and writes no result"
"$B" --size 100T 2>"$tmp/e"; is "$?" "3" "--size 100T: exits 3"
"$B" --size 12Q 2>"$tmp/e"; is "$?" "2" "--size 12Q: usage error"
grep -q -- "--size" "$tmp/e"; ok $? "message names --size"
def=$(jget "$tmp/s.json" config.array_bytes)
awk -v a="$def" 'BEGIN { exit !(a <= 16 * 1048576) }'; ok $? "--quick arrays are small ($def bytes)"

# --- NUMA modes: each runs on this machine (one node here says so)
nodes=$(jget "$tmp/s.json" config.numa_nodes)
for mode in local interleave node:0 cross; do
	"$B" $S --numa $mode --format json >"$tmp/m.json" 2>"$tmp/m.err"
	rc=$?
	if [ "$nodes" = 1 ]; then
		is "$rc" "0" "--numa $mode runs on one node"
		jget "$tmp/m.json" config.numa_placement | grep -q "1 node"
		ok $? "--numa $mode says \"1 node\" ($(jget "$tmp/m.json" config.numa_placement))"
	elif [ $rc = 0 ]; then
		is "$(jget "$tmp/m.json" config.numa)" "$mode" "--numa $mode runs"
		ok 0 "--numa $mode: $(jget "$tmp/m.json" config.numa_placement)"
	else
		is "$rc" "3" "--numa $mode refused by this environment"
		grep -q -- "--numa" "$tmp/m.err"; ok $? "and the message names --numa"
	fi
done
"$B" $S --numa sweep --format json >"$tmp/w.json"
ok $? "--numa sweep runs"
got=""
for m in $ALL; do
	jget "$tmp/w.json" "results[name=$m]" >/dev/null && jget "$tmp/w.json" "results[name=${m}_interleave]" >/dev/null ||
		got="$got $m"
done
is "$got" "" "--numa sweep: local under the plain names, interleave as *_interleave"
jget "$tmp/w.json" config.numa_placement_interleave >/dev/null; ok $? "config has the interleaved placement"
"$B" $S --numa node:4095 2>"$tmp/e"; is "$?" "3" "--numa node:4095 (no such node) exits 3"
grep -q "no such NUMA node\|does not exist" "$tmp/e"; ok $? "and says the node does not exist"
"$B" --numa everywhere 2>"$tmp/e"; is "$?" "2" "--numa junk: usage error"
grep -q "sweep" "$tmp/e"; ok $? "the message lists sweep"

# --- pages: what was asked, what was obtained
"$B" $S --pages 4k --format json >"$tmp/p.json"
ok $? "--pages 4k runs"
is "$(jget "$tmp/p.json" config.pages_used)" "4k" "4k pages used"
cov=$(jget "$tmp/p.json" config.huge_coverage)
awk -v c="$cov" 'BEGIN { exit !(c == 0) }'; ok $? "4k pages: huge-page coverage 0 ($cov)"
thp=$(jget "$tmp/s.json" env.kernel.thp_enabled)
"$B" $S --pages thp --format json >"$tmp/p.json" 2>"$tmp/p.err"
rc=$?
if [ "$thp" = never ]; then
	is "$rc" "3" "--pages thp with THP off exits 3"
else
	is "$rc" "0" "--pages thp runs (THP $thp)"
	is "$(jget "$tmp/p.json" config.pages_used)" "thp" "THP used"
	cov=$(jget "$tmp/p.json" config.huge_coverage)
	awk -v c="$cov" 'BEGIN { exit !(c >= 0 && c <= 1) }'; ok $? "THP: coverage measured ($cov)"
fi
for p in 2m 1g; do
	"$B" --size 2M -r 1 --pages $p --format json >"$tmp/p.json" 2>"$tmp/p.err"
	rc=$?
	if [ $rc = 0 ]; then
		is "$(jget "$tmp/p.json" config.pages_used)" "$p" "--pages $p: reserved pages used"
	else
		is "$rc" "3" "--pages $p without reserved pages exits 3"
		grep -q -- "--pages $p" "$tmp/p.err"; ok $? "and the message names --pages $p"
	fi
done

# --- threads and CPUs
"$B" $S -t 1 --format json >"$tmp/h.json"
is "$(jget "$tmp/h.json" config.threads)" "1" "--threads 1: the single-core figure"
"$B" $S --cpus 0 --format json >"$tmp/h.json"
is "$(jget "$tmp/h.json" config.cpu_list)" "0" "--cpus 0: the team runs on CPU 0"
is "$(jget "$tmp/h.json" config.threads)" "1" "--cpus 0: one thread by default"
"$B" $S --cpus 1000 2>"$tmp/e"; is "$?" "3" "--cpus outside the effective set exits 3"
"$B" $S --threads 0 2>/dev/null; is "$?" "2" "--threads 0: usage error"

# --- repeats, warm-up, time limit, formats
"$B" --size 1M -r 4 --warmup 0 --format json >"$tmp/r.json"
is "$(jget "$tmp/r.json" 'results[name=copy].n')" "4" "-r 4 --warmup 0: four samples"
"$B" --size 8M -r 1000 --time-limit 1ns --stores nt --format json >"$tmp/l.json"
ok $? "--time-limit 1ns runs"
is "$(jget "$tmp/l.json" 'results[name=triad_nt].n')" "1" "--time-limit 1ns keeps one sample"
jget "$tmp/l.json" warnings | grep -q "time-limit cut"; ok $? "and warns that it cut the samples"
is "$(jget "$tmp/l.json" valid)" "true" "and still validates"
"$B" $S --stores temporal --format csv >"$tmp/o.csv"
grep -q '^stream,unlabelled,triad,MB/s,higher,2,' "$tmp/o.csv"; ok $? "CSV row"
out=$("$B" $S -q -o "$tmp/q.json"); ok $? "-q -o runs"
is "$out" "" "-q prints nothing on stdout"
"$B" --help >"$tmp/h"; is "$?" "0" "--help exits 0"
grep -q "triad_nt" "$tmp/h" && grep -q "sweep" "$tmp/h"; ok $? "--help lists the metrics and --numa sweep"
"$B" --version | grep -q "^gb-stream [0-9]"; ok $? "--version"
"$B" --min-time 1ms 2>"$tmp/e"; is "$?" "2" "an option that does not apply exits 2"
"$B" extra 2>/dev/null; is "$?" "2" "stray argument exits 2"
done_testing
