#!/usr/bin/env bash
# guestbench: the multi-call dispatcher and `guestbench suite` - the
# guestbench-suite/1 document, selection, invalid / skipped / crashed
# benchmarks, and two suites that pair up metric for metric.
. "$(dirname "$0")/../lib/tap.sh"
G=$GB_BIN/guestbench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$GB_ROOT" || exit 1
BENCHES=$(make -s list-benches)
nb=$(echo $BENCHES | wc -w)

# --- the dispatcher
is "$("$G" --list | sort | tr '\n' ' ')" "$(echo $BENCHES | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"guestbench holds exactly the Makefile's BENCHES (registry/benches.c)"
"$G" --help | grep -q "guestbench suite"; ok $? "--help names the suite"
"$G" --help | grep -q "syscall"; ok $? "--help lists the benchmarks"
"$G" --version | grep -q "^guestbench "; ok $? "--version"
"$G" syscall --only getpid -r 2 --min-time 1ms --format json >"$tmp/d1.json"
ok $? "guestbench syscall runs gb-syscall"
is "$(jget "$tmp/d1.json" bench)" "syscall" "dispatch by argv[1]"
"$G" gb-stream --version | grep -q "^gb-stream "; ok $? "guestbench gb-stream: the gb- prefix is accepted"
ln -s "$G" "$tmp/gb-syscall"; ln -s "$G" "$tmp/randomaccess"
"$tmp/gb-syscall" --only getppid -r 2 --min-time 1ms --format json >"$tmp/d2.json"
ok $? "a gb-syscall symlink runs"
is "$(jget "$tmp/d2.json" 'results[0].name')" "getppid" "dispatch by argv[0] (gb-syscall -> guestbench)"
"$tmp/randomaccess" --version | grep -q "^gb-randomaccess "; ok $? "dispatch by a bare name (randomaccess -> guestbench)"
cp "$G" "$tmp/renamed"
"$tmp/renamed" stream --version | grep -q "^gb-stream "; ok $? "a renamed copy falls through to argv[1]"
"$G" bogus 2>"$tmp/e"; is "$?" "2" "unknown benchmark exits 2"
grep -q "bogus" "$tmp/e"; ok $? "the message names it"
"$G" 2>/dev/null; is "$?" "2" "no command exits 2"
"$G" syscall --bogus 2>/dev/null; is "$?" "2" "a benchmark's usage error still exits 2"

# gb-linpack re-executes itself to pick OpenBLAS's kernels: inside the
# multi-call binary it must land on the same kernels as on its own
"$GB_BIN/gb-linpack" --quick --format json -o "$tmp/l1.json" -q; r1=$?
"$G" linpack --quick --format json -o "$tmp/l2.json" -q; r2=$?
is "$r1.$r2" "0.0" "linpack --quick via guestbench and standalone both exit 0"
is "$(jget "$tmp/l2.json" config.blas_core_used)" "$(jget "$tmp/l1.json" config.blas_core_used)" \
	"guestbench linpack runs the same OpenBLAS core as gb-linpack"
is "$(jget "$tmp/l2.json" config.blas_reexec)" "$(jget "$tmp/l1.json" config.blas_reexec)" \
	"and re-executes exactly when gb-linpack does"
ln -s "$G" "$tmp/gb-linpack"
OPENBLAS_CORETYPE=Prescott "$tmp/gb-linpack" --quick --format json -o "$tmp/l3.json" -q
ok $? "gb-linpack link with OPENBLAS_CORETYPE=Prescott exits 0"
if [ "$(jget "$tmp/l3.json" config.blas_core_used)" != "Prescott" ]; then
	is "$(jget "$tmp/l3.json" config.blas_reexec)" "true" "the link re-executed itself to change the core"
else
	skip "Prescott is this CPU's best core: nothing to re-execute for" "re-exec through a link"
fi

# --- a quick suite, JSON to a file and on stdout
"$G" suite --quick --label ci --format json -o "$tmp/s.json" >"$tmp/s.out" 2>"$tmp/s.err"
ok $? "suite --quick exits 0"
check "the -o file parses" jget "$tmp/s.json"
grep -q '^result: ' "$tmp/s.out"
ok $? "stdout has the summary table (with -o FILE, --format is the file's: the one rule of common/output)"
is "$(jget "$tmp/s.json" schema)" "guestbench-suite/1" "schema"
is "$(jget "$tmp/s.json" label)" "ci" "label"
is "$(jget "$tmp/s.json" quick)" "true" "quick"
is "$(jget "$tmp/s.json" valid)" "true" "valid"
for k in version started finished env env.kernel.release env.cpu.isa_best env.virtualization.hypervisor \
	runs skipped seconds; do
	jget "$tmp/s.json" "$k" >/dev/null; ok $? "key $k present"
done
is "$(jget "$tmp/s.json" 'runs#')" "$nb" "one run per benchmark"
is "$(jget "$tmp/s.json" 'skipped#')" "0" "nothing skipped"
bad=""
for b in $BENCHES; do
	r="runs[bench=$b]"
	[ "$(jget "$tmp/s.json" "$r.schema")" = "guestbench/1" ] || bad="$bad $b.schema"
	[ "$(jget "$tmp/s.json" "$r.label")" = "ci" ] || bad="$bad $b.label"
	[ "$(jget "$tmp/s.json" "$r.config.quick")" = "true" ] || bad="$bad $b.quick"
	[ "$(jget "$tmp/s.json" "$r.results#")" -gt 0 ] 2>/dev/null || bad="$bad $b.results"
	jget "$tmp/s.json" "$r.results[0].samples" >/dev/null || bad="$bad $b.samples"
	jget "$tmp/s.json" "$r.env" >/dev/null && bad="$bad $b.env-repeated"
	jget "$tmp/s.json" "seconds.$b" >/dev/null || bad="$bad $b.seconds"
done
is "$bad" "" "every run is a guestbench/1 document with bench, label, results; the fingerprint only at the top"
[ ! -s "$tmp/s.err" ]; ok $? "nothing on stderr when all is well (not a terminal)"
ls "$tmp" | grep -q '\.tmp\.'; ok $((!$?)) "no temporary file left behind"

"$G" suite --quick --only syscall -o - >"$tmp/dash.json"
is "$(jget "$tmp/dash.json" 'runs[0].bench')" "syscall" "-o - puts the document on stdout"
"$G" suite --quick --only syscall,stream --label tbl >"$tmp/t.txt"
ok $? "table run exits 0"
grep -q "^syscall .*getpid .* ns.*valid$" "$tmp/t.txt"; ok $? "table: syscall line with getpid and the verdict"
grep -q "^stream .*triad best .*MB/s" "$tmp/t.txt"; ok $? "table: stream line with triad best"
grep -q "^linpack" "$tmp/t.txt"; ok $((!$?)) "table: a benchmark not selected is not listed"
grep -q "^result: valid" "$tmp/t.txt"; ok $? "table: result line"

# --- selection
"$G" suite --quick --only syscall,stream --format json -o "$tmp/o.json" >/dev/null
is "$(jget "$tmp/o.json" 'runs#')" "2" "--only runs two"
is "$(jget "$tmp/o.json" 'runs[1].bench')" "stream" "--only keeps the table's order"
"$G" suite --quick --skip linpack,randomaccess -o "$tmp/k.json" >/dev/null
is "$(jget "$tmp/k.json" 'runs#')" "$((nb - 2))" "--skip leaves out two"
jget "$tmp/k.json" 'runs[bench=linpack]' >/dev/null; ok $((!$?)) "--skip linpack: no linpack run"
echo precious >"$tmp/keep.json"
"$G" suite --only bogus -o "$tmp/keep.json" 2>/dev/null; is "$?" "2" "--only bogus exits 2"
"$G" suite --only syscall --skip stream 2>/dev/null; is "$?" "2" "--only with --skip exits 2"
"$G" suite --format xml 2>/dev/null; is "$?" "2" "--format xml exits 2"
"$G" suite --quick --only syscall --format csv >"$tmp/c.csv" 2>/dev/null
is "$(head -1 "$tmp/c.csv")" "bench,label,metric,unit,better,n,min,max,mean,median,stddev,cv,ci95_lo,ci95_hi,p50,p90,p99,p999,valid" \
	"--format csv: the benchmarks' CSV columns"
grep -q '^syscall,unlabelled,getpid,ns,lower,' "$tmp/c.csv"; ok $? "--format csv: a row per metric of every run"
"$G" suite --quick -o "$tmp" 2>/dev/null; is "$?" "2" "-o a directory exits 2"
is "$(cat "$tmp/keep.json")" "precious" "a usage error never touches the -o file"

# --- an invalid run is kept, and the suite exits 1
GB_FAULT=syscall.fail=getpid "$G" suite --quick --only syscall,stream -o "$tmp/f.json" >"$tmp/f.txt" 2>/dev/null
is "$?" "1" "a benchmark failing validation makes the suite exit 1"
is "$(jget "$tmp/f.json" 'runs[bench=syscall].valid')" "false" "its run is kept, valid false"
jget "$tmp/f.json" 'runs[bench=syscall].invalid_reasons[0]' >/dev/null; ok $? "with its reason"
is "$(jget "$tmp/f.json" 'runs[bench=stream].valid')" "true" "the next benchmark still ran"
is "$(jget "$tmp/f.json" valid)" "false" "the suite is invalid"
grep -q "^syscall .*INVALID" "$tmp/f.txt"; ok $? "the table says INVALID"

# --- a benchmark that cannot run here is skipped with its reason
GB_FAULT=stream.skip "$G" suite --quick --only syscall,stream,randomaccess -o "$tmp/sk.json" >"$tmp/sk.txt"
is "$?" "0" "a skipped benchmark (exit 3) leaves the suite's exit status 0"
is "$(jget "$tmp/sk.json" 'skipped#')" "1" "one skipped"
is "$(jget "$tmp/sk.json" 'skipped[bench=stream].status')" "unavailable" "status unavailable"
is "$(jget "$tmp/sk.json" 'skipped[bench=stream].exit')" "3" "exit 3 recorded"
jget "$tmp/sk.json" 'skipped[bench=stream].reason' | grep -q "GB_FAULT stream.skip"
ok $? "the reason is the child's last stderr line"
is "$(jget "$tmp/sk.json" 'runs#')" "2" "the others ran"
is "$(jget "$tmp/sk.json" 'runs[1].bench')" "randomaccess" "including the one after it"
grep -q "^stream .*skipped (unavailable): .*GB_FAULT stream.skip" "$tmp/sk.txt"; ok $? "the table shows the skip"

# --- a benchmark that dies (OOM killer, a crash)
GB_FAULT=syscall.crash "$G" suite --quick --only syscall,stream -o "$tmp/c.json" >/dev/null
is "$?" "1" "a killed benchmark makes the suite exit 1"
is "$(jget "$tmp/c.json" 'skipped[bench=syscall].status')" "crashed" "recorded as crashed"
is "$(jget "$tmp/c.json" 'skipped[bench=syscall].signal')" "9" "with the signal"
jget "$tmp/c.json" 'skipped[bench=syscall].reason' | grep -q "signal 9"; ok $? "and a reason naming it"
is "$(jget "$tmp/c.json" 'runs[bench=stream].valid')" "true" "the suite went on"

# --- a benchmark that leaves a process behind holding its output pipes
# (syscall.orphan: setsid, then sleeps), and one that also hangs ignoring
# SIGTERM (syscall.hang) until --timeout: the suite ends in time and
# nothing it started is left (found by a variable only they inherited)
mark=GB_PROCS_MARK=$$
marked() { grep -lsF "$mark" /proc/[0-9]*/environ | wc -l; }
t0=$SECONDS
env "$mark" GB_FAULT=syscall.orphan timeout -k 1 60 "$G" suite --quick --only syscall -o "$tmp/or.json" >/dev/null 2>&1
is "$?" "0" "GB_FAULT syscall.orphan: the benchmark ran and the suite ended, though a grandchild held its pipes"
[ $((SECONDS - t0)) -lt 30 ]; ok $? "and it ended with the benchmark, not at a timeout ($((SECONDS - t0)) s)"
is "$(jget "$tmp/or.json" 'runs[bench=syscall].valid')" "true" "the benchmark's document was read whole"
is "$(marked)" "0" "the grandchild that left the group is gone"
t0=$SECONDS
env "$mark" GB_FAULT=syscall.orphan,syscall.hang timeout -k 1 60 \
	"$G" suite --quick --only syscall,stream --timeout 2s -o "$tmp/hg.json" >/dev/null 2>&1
is "$?" "1" "GB_FAULT syscall.hang: a timed-out benchmark makes the suite exit 1"
[ $((SECONDS - t0)) -lt 30 ]; ok $? "the suite ended in time: --timeout 2 s + the next benchmark ($((SECONDS - t0)) s)"
is "$(jget "$tmp/hg.json" 'skipped[bench=syscall].status')" "timeout" "recorded as timeout"
is "$(jget "$tmp/hg.json" 'runs[bench=stream].valid')" "true" "the suite went on"
is "$(marked)" "0" "nothing left: not the child that ignored SIGTERM, nor its grandchild"
grep -lsF "$mark" /proc/[0-9]*/environ | sed 's,/proc/\([0-9]*\)/environ,\1,' | xargs -r kill -KILL

# --- SIGTERM to the suite while a benchmark works in the suite's scratch
# directory: the benchmark removes its file, the suite the directory
# (also when the benchmark ignores SIGTERM and must be killed), the suite
# ends by that signal, and the -o file is left as it was
sd=$tmp/scratch; mkdir "$sd"
for fault in none diskio.hang; do
	echo keep >"$tmp/st.json"
	GB_FAULT=$fault TMPDIR=$sd "$G" suite --quick --only diskio -o "$tmp/st.json" >/dev/null 2>&1 &
	sp=$!
	# until the benchmark is at work: its file (or, hanging, its directory)
	for i in $(seq 1 200); do
		if [ $fault = none ]; then
			[ -n "$(ls -A "$sd"/guestbench-diskio.* 2>/dev/null)" ] && break
		else
			ls -d "$sd"/guestbench-diskio.* >/dev/null 2>&1 && break
		fi
		sleep 0.05
	done
	ls -d "$sd"/guestbench-diskio.* >/dev/null 2>&1; ok $? "GB_FAULT=$fault: the suite made its scratch directory under TMPDIR"
	kill -TERM $sp; wait $sp
	is "$?" "143" "GB_FAULT=$fault: SIGTERM ends the suite by SIGTERM"
	is "$(ls -A "$sd")" "" "GB_FAULT=$fault: nothing left in TMPDIR (the scratch directory and the benchmark's file are gone)"
	is "$(cat "$tmp/st.json")" "keep" "GB_FAULT=$fault: the -o file is untouched"
done

# --- two environments pair up metric for metric (what gb-compare does)
metrics() {	# "bench/metric" of every run, one a line, sorted
	local f=$1 n i j m b
	n=$(jget "$f" 'runs#') || return 1
	for ((i = 0; i < n; i++)); do
		b=$(jget "$f" "runs[$i].bench")
		m=$(jget "$f" "runs[$i].results#")
		for ((j = 0; j < m; j++)); do
			echo "$b/$(jget "$f" "runs[$i].results[$j].name")"
		done
	done | sort
}
"$G" suite --quick --label pair-a -o "$tmp/a.json" >/dev/null; ra=$?
if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
	# a new network namespace has lo down: bring it up, as a container
	# runtime does, so gb-netlat has its loopback
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
		"$G" suite --quick --label pair-b -o "$tmp/b.json" >/dev/null; rb=$?
	where="inside unshare -n"
else
	"$G" suite --quick --label pair-b -o "$tmp/b.json" >/dev/null; rb=$?
	where="(unshare -n not permitted: same namespace)"
fi
is "$ra.$rb" "0.0" "two quick suites, the second $where"
metrics "$tmp/a.json" >"$tmp/a.m"; metrics "$tmp/b.json" >"$tmp/b.m"
[ "$(wc -l <"$tmp/a.m")" -ge "$nb" ]; ok $? "the first has metrics ($(wc -l <"$tmp/a.m"))"
diff "$tmp/a.m" "$tmp/b.m" >"$tmp/ab.diff"; ok $? "every bench/metric of one is in the other"
[ -s "$tmp/ab.diff" ] && sed 's/^/#   /' "$tmp/ab.diff"
is "$(jget "$tmp/b.json" label)" "pair-b" "the second carries its own label"
# and gb-compare itself pairs them completely: nothing missing, nothing extra
"$GB_BIN/gb-compare" "$tmp/a.json" "$tmp/b.json" --format json -o "$tmp/ab.json" -q
ok $? "gb-compare reads the two suite documents"
is "$(jget "$tmp/ab.json" 'comparisons[0].metrics#')" "$(wc -l <"$tmp/a.m" | tr -d ' ')" \
	"gb-compare pairs every metric"
is "$(jget "$tmp/ab.json" 'comparisons[0].missing#').$(jget "$tmp/ab.json" 'comparisons[0].extra#')" "0.0" \
	"gb-compare reports none missing and none extra"

done_testing
