#!/usr/bin/env bash
# gb-syscall: the JSON contract, options, exit statuses, refusal paths.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-syscall
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

OPS="getpid getppid clock_gettime_vdso clock_gettime_syscall gettimeofday read write open_close
stat fstat sched_yield mmap_munmap page_fault pipe_roundtrip pipe_roundtrip_cross futex_roundtrip
futex_roundtrip_cross futex_roundtrip_cross_idle signal cpuid rdtsc rdtscp io_uring_nop"

# --- a full quick run, JSON to a file, table on stdout
"$B" --quick --label ci -o "$tmp/s.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick -o FILE.json exits 0"
check "the file is JSON" jget "$tmp/s.json"
is "$(jget "$tmp/s.json" schema)" "guestbench/1" "schema"
is "$(jget "$tmp/s.json" bench)" "syscall" "bench"
is "$(jget "$tmp/s.json" label)" "ci" "label"
is "$(jget "$tmp/s.json" valid)" "true" "valid"
for key in version started env config results unavailable warnings invalid_reasons \
	env.kernel.release env.kernel.clocksource env.kernel.seccomp env.kernel.mitigations \
	env.cpu.isa_best env.cpu.flags env.virtualization.hypervisor env.container.runtime \
	env.cgroup.version env.effective.cpus env.effective.memory_bytes env.topology.source \
	config.repeat config.min_time config.seccomp config.mitigations config.clocksource config.quick; do
	jget "$tmp/s.json" "$key" >/dev/null
	ok $? "key $key present"
done
missing=""
for op in $OPS; do
	if jget "$tmp/s.json" "results[name=$op]" >/dev/null; then
		for k in unit better n min max mean median stddev cv ci95 samples total_10000_calls_us; do
			jget "$tmp/s.json" "results[name=$op].$k" >/dev/null || missing="$missing $op.$k"
		done
		[ "$(jget "$tmp/s.json" "results[name=$op].n")" = 3 ] || missing="$missing $op.n!=3"
		[ "$(jget "$tmp/s.json" "results[name=$op].samples#")" = 3 ] || missing="$missing $op.samples!=3"
	elif ! jget "$tmp/s.json" "unavailable[name=$op].reason" >/dev/null; then
		missing="$missing $op"
	fi
done
is "$missing" "" "every operation is a result (with every statistic) or unavailable with a reason"
is "$(jget "$tmp/s.json" 'results[name=getpid].unit')" "ns" "unit ns"
is "$(jget "$tmp/s.json" 'results[name=getpid].better')" "lower" "lower is better"
med=$(jget "$tmp/s.json" 'results[name=getppid].median')
awk -v m="$med" 'BEGIN { exit !(m > 1 && m < 1000000) }'
ok $? "getppid median plausible ($med ns)"
tot=$(jget "$tmp/s.json" 'results[name=getppid].total_10000_calls_us')
awk -v m="$med" -v t="$tot" 'BEGIN { d = t - m * 10; exit !(d < 1e-6 && d > -1e-6) }'
ok $? "total for 10,000 calls = 10000 x median ($tot us)"
grep -q "^getpid " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "summary table on stdout alongside -o"
[ ! -s "$tmp/err.txt" ]
ok $? "nothing on stderr when all is well (not a terminal)"
ls "$tmp" | grep -q '\.tmp\.'
ok $((!$?)) "no temporary file left behind"

# --- selection, formats, quiet
"$B" --only getpid,cpuid -r 2 --min-time 1ms --format json >"$tmp/o.json"
ok $? "--only with --format json on stdout"
is "$(jget "$tmp/o.json" 'results#')" "2" "--only selects two metrics"
is "$(jget "$tmp/o.json" 'results[name=cpuid].n')" "2" "-r 2 gives 2 samples"
"$B" --only getppid -r 2 --format csv >"$tmp/o.csv"
head -1 "$tmp/o.csv" | grep -q '^bench,label,metric,unit,better,n,'
ok $? "CSV header"
grep -q '^syscall,unlabelled,getppid,ns,lower,2,' "$tmp/o.csv"
ok $? "CSV row"
out=$("$B" --only getpid -r 2 -q -o "$tmp/q.csv")
ok $? "-q -o runs"
is "$out" "" "-q prints nothing on stdout"
grep -q '^syscall,unlabelled,getpid,' "$tmp/q.csv"
ok $? "-o FILE.csv is CSV by its extension"
echo "precious" >"$tmp/keep.json"
"$B" --only bogus -o "$tmp/keep.json" 2>/dev/null
is "$?" "2" "bad --only exits 2"
is "$(cat "$tmp/keep.json")" "precious" "a usage error never touches the -o file"

# --- usage errors and information
"$B" --repeat 0 2>"$tmp/e"; is "$?" "2" "--repeat 0 exits 2"
grep -q -- "--repeat" "$tmp/e"; ok $? "message names --repeat"
"$B" --bogus 2>/dev/null; is "$?" "2" "unknown option exits 2"
"$B" extra 2>/dev/null; is "$?" "2" "stray argument exits 2"
"$B" -o "$tmp" 2>/dev/null; is "$?" "2" "-o a directory exits 2"
"$B" --help >"$tmp/h"; is "$?" "0" "--help exits 0"
grep -q "io_uring_nop" "$tmp/h"; ok $? "--help lists the operations"
"$B" --version | grep -q "^gb-syscall [0-9]"; ok $? "--version"

# --- -o - puts the document itself on stdout
"$B" --only getpid -r 2 --format json -o - >"$tmp/dash.json"
ok $? "-o - runs"
is "$(jget "$tmp/dash.json" bench)" "syscall" "-o - with --format json: JSON on stdout"
[ ! -e ./- ]; ok $? "-o - creates no file named '-'"

# --- a failed validation: still printed, marked invalid, exit 1
GB_FAULT=syscall.fail=getppid "$B" --only getpid,getppid -r 2 --format json >"$tmp/f.json" 2>"$tmp/f.err"
is "$?" "1" "a failed validation exits 1"
is "$(jget "$tmp/f.json" valid)" "false" "valid: false"
jget "$tmp/f.json" 'invalid_reasons[0]' | grep -q "^getppid: "; ok $? "the reason names the operation"
jget "$tmp/f.json" 'results[name=getpid].median' >/dev/null; ok $? "the other results are still there"
grep -q "invalid result: getppid" "$tmp/f.err"; ok $? "and stderr says so"

# --- CPU placement
"$B" --only pipe_roundtrip,pipe_roundtrip_cross -r 2 --min-time 1ms --cpus 0 --format json >"$tmp/p.json"
ok $? "--cpus 0 runs"
is "$(jget "$tmp/p.json" 'results[name=pipe_roundtrip].cpus')" "0,0" "--cpus 0 places the round trip on CPU 0"
jget "$tmp/p.json" 'unavailable[name=pipe_roundtrip_cross].reason' | grep -q -- "--cpus allows one"
ok $? "one CPU given: the cross-CPU round trip is unavailable, blaming --cpus"
"$B" --only getpid --cpus 1000 2>"$tmp/e"; is "$?" "3" "--cpus outside the effective set exits 3"
grep -q "CPU 1000 not available here" "$tmp/e"; ok $? "and names the CPU"
"$B" --threads 2 2>"$tmp/e"; is "$?" "2" "a common option that does not apply exits 2"
grep -q "does not apply to gb-syscall" "$tmp/e"; ok $? "and says it does not apply"

# --- the cross-CPU futex wake-up: one regime per figure (issue 18).  A
# wake-up of a running CPU and one of a CPU that has halted differ 20x in
# a VM; each metric says which one it measured, and the two never share
# one figure.
"$B" --only futex_roundtrip_cross,futex_roundtrip_cross_idle -r 2 --min-time 1ms --format json >"$tmp/x.json"
ok $? "the two futex cross regimes run"
for op in futex_roundtrip_cross futex_roundtrip_cross_idle; do
	if jget "$tmp/x.json" "unavailable[name=$op]" >/dev/null; then
		skip "$op unavailable here: $(jget "$tmp/x.json" "unavailable[name=$op].reason")" "$op regime"
		continue
	fi
	reg=$(jget "$tmp/x.json" "results[name=$op].regime")
	case $op in
	*_idle) want="idle" ;;
	*) want="busy" ;;
	esac
	is "${reg%%:*}" "$want" "$op records its regime ($reg)"
done

# --- a clock too coarse to time one wake-up alone (a TCG guest on jiffies:
# 4 ms steps): futex_roundtrip_cross_idle is unavailable with the step
# named, never the 0 it would read; the batch-timed ops are unaffected
if [ "$(nproc)" -ge 2 ]; then
	GB_FAULT=syscall.tick=4000000 "$B" --only futex_roundtrip_cross_idle,getpid -r 2 --min-time 1ms \
		--format json >"$tmp/tk.json" 2>/dev/null
	ok $? "a 4 ms clock step: the run still ends well"
	is "$(jget "$tmp/tk.json" 'results[name=futex_roundtrip_cross_idle]')" "" "futex_roundtrip_cross_idle is no result"
	jget "$tmp/tk.json" 'unavailable[name=futex_roundtrip_cross_idle].reason' | grep -q "steps of 4000 us"
	ok $? "it is unavailable, naming the clock's step"
	[ -n "$(jget "$tmp/tk.json" 'results[name=getpid].median')" ]; ok $? "getpid (timed in batches) is still measured"
else
	for i in 1 2 3 4; do skip "one CPU: no cross-CPU op" "a coarse clock"; done
fi

# --- limits: a tiny time limit still limits; a huge --repeat uses no stack
"$B" --only getpid,cpuid -r 50 --time-limit 1ns --format json >"$tmp/t.json"
is "$(jget "$tmp/t.json" 'results[name=cpuid].n')" "1" "--time-limit 1ns keeps one sample"
jget "$tmp/t.json" warnings | grep -q "time-limit cut"; ok $? "and warns that it cut the samples"
( ulimit -s 512; "$B" --only getpid --repeat 1000000 --min-time 1us --time-limit 200ms -q )
is "$?" "0" "--repeat 1000000 with a 512 KiB stack"

# --- io_uring refused the way container runtimes refuse it
S=$GB_TOOLS/seccomp-run
for e in EPERM ENOSYS; do
	"$S" $e io_uring_setup,io_uring_enter,io_uring_register -- "$B" --only io_uring_nop,getpid -r 2 \
		--format json >"$tmp/u.json" 2>"$tmp/u.err"
	ok $? "io_uring refused with $e: still exits 0"
	is "$(jget "$tmp/u.json" 'unavailable[name=io_uring_nop].error')" "$e" "io_uring_nop unavailable with $e"
	jget "$tmp/u.json" 'unavailable[name=io_uring_nop].reason' | grep -q seccomp
	ok $? "$e: reason names seccomp"
	is "$(jget "$tmp/u.json" 'env.kernel.seccomp')" "2" "$e: fingerprint shows seccomp filter mode"
	jget "$tmp/u.json" 'results[name=getpid]' >/dev/null
	ok $? "$e: the other metrics are still measured"
done
# only io_uring_enter filtered: setup succeeds, the probe NOP fails
"$S" EPERM io_uring_enter -- "$B" --only io_uring_nop -r 2 --format json >"$tmp/u2.json" 2>/dev/null
ok $? "io_uring_enter alone refused: exits 0"
is "$(jget "$tmp/u2.json" 'unavailable[name=io_uring_nop].error')" "EPERM" "caught by the probe NOP"

# --- a single CPU: the cross-CPU round trips are unavailable, not wrong
if command -v taskset >/dev/null; then
	taskset -c 0 "$B" --only pipe_roundtrip,pipe_roundtrip_cross -r 2 --min-time 1ms --format json >"$tmp/c.json"
	ok $? "pinned to one CPU: exits 0"
	jget "$tmp/c.json" 'unavailable[name=pipe_roundtrip_cross].reason' | grep -q "two CPUs"
	ok $? "cross-CPU round trip unavailable on one CPU"
	is "$(jget "$tmp/c.json" 'results[name=pipe_roundtrip].cpus')" "0,0" "same-CPU round trip measured on CPU 0"
	is "$(jget "$tmp/c.json" 'env.effective.cpus')" "1" "effective CPUs follow the affinity mask"
else
	skip "taskset missing" "single-CPU placement"
fi
done_testing
