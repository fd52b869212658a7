#!/usr/bin/env bash
# gb-timer: the JSON contract (every metric or its reason, percentiles in
# order, counts that add up), options and their refusals, --priority
# without the permission, --plan, and parts refused by a seccomp filter.
# No timing threshold: only what a correct run must say.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-timer
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

LAT="wakeup_nanosleep wakeup_timerfd cross_wake_busy cross_wake_idle"
SWEEP="0 20 50 100 200 500 1000 2000 5000"
CLOCKS="monotonic realtime boottime monotonic_raw monotonic_coarse realtime_coarse"

# --- a whole quick run
"$B" --quick --label ci -o "$tmp/t.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--quick -o FILE exits 0"
check "the file is JSON" jget "$tmp/t.json"
is "$(jget "$tmp/t.json" bench)" "timer" "bench"
is "$(jget "$tmp/t.json" valid)" "true" "valid"
for key in config.cpu_list config.threads config.policy config.priority config.interval \
	config.loops_per_thread config.mlock config.dma_latency config.clock_trusted \
	config.clock_trust_reason disturbance; do
	jget "$tmp/t.json" "$key" >/dev/null
	ok $? "key $key present"
done
is "$(jget "$tmp/t.json" config.policy)" "SCHED_OTHER" "default policy SCHED_OTHER (cyclictest's -p 0 is SCHED_FIFO 3)"
is "$(jget "$tmp/t.json" config.timer_slack_applied)" "1 ns" "SCHED_OTHER threads sleep with a 1 ns timer slack by default"
case $(jget "$tmp/t.json" config.timer_slack_default_ns) in [0-9]*) ok 0 "the kernel's default slack recorded" ;;
	*) ok 1 "the kernel's default slack recorded ($(jget "$tmp/t.json" config.timer_slack_default_ns))" ;; esac
is "$(jget "$tmp/t.json" config.priority)" "0" "default priority 0"
is "$(jget "$tmp/t.json" config.interval)" "0.001" "default interval 1 ms"
is "$(jget "$tmp/t.json" config.loops_per_thread)" "600" "--quick: 600 wake-ups per thread"
case $(jget "$tmp/t.json" config.clock_trusted) in true|false) ok 0 "clock_trusted is a boolean" ;;
	*) ok 1 "clock_trusted is a boolean" ;; esac
[ -n "$(jget "$tmp/t.json" config.clock_trust_reason)" ]; ok $? "the verdict has a reason"

cpus=$(jget "$tmp/t.json" config.cpu_list | tr , ' ')
ncpu=$(jget "$tmp/t.json" config.threads)
names="$LAT"
for c in $cpus; do names="$names wakeup_nanosleep_cpu$c wakeup_timerfd_cpu$c"; done
for s in $SWEEP; do names="$names cross_wake_idle_${s}us"; done
for c in $CLOCKS; do names="$names clock_$c clock_${c}_syscall"; done
names="$names clock_stall_max clock_backwards tsc_mhz steal_pct"
missing="" badpct="" measured=0
for m in $names; do
	if jget "$tmp/t.json" "results[name=$m]" >/dev/null; then
		measured=$((measured + 1))
		for k in unit better n median samples; do
			jget "$tmp/t.json" "results[name=$m].$k" >/dev/null || missing="$missing $m.$k"
		done
		case $m in wakeup_*|cross_wake_*)
			for k in p50 p90 p99 p999 pmax over_100us wakeups mean_us; do
				jget "$tmp/t.json" "results[name=$m].$k" >/dev/null || missing="$missing $m.$k"
			done
			p="$(jget "$tmp/t.json" "results[name=$m].p50") $(jget "$tmp/t.json" "results[name=$m].p90")"
			p="$p $(jget "$tmp/t.json" "results[name=$m].p99") $(jget "$tmp/t.json" "results[name=$m].p999")"
			p="$p $(jget "$tmp/t.json" "results[name=$m].pmax")"
			echo "$p" | awk '{ for (i = 2; i <= NF; i++) if ($i < $(i-1)) exit 1; if ($1 < 0) exit 1 }' ||
				badpct="$badpct $m($p)"
			;;
		esac
	elif ! jget "$tmp/t.json" "unavailable[name=$m].reason" >/dev/null; then
		missing="$missing $m"
	fi
done
is "$missing" "" "every metric is a result (with its statistics) or unavailable with a reason"
is "$badpct" "" "percentiles never decrease: p50 <= p90 <= p99 <= p99.9 <= max"
[ "$measured" -ge 19 ]; ok $? "most metrics measured here ($measured; 19 even on one CPU)"
is "$(jget "$tmp/t.json" 'results[name=wakeup_nanosleep].wakeups')" "$((600 * ncpu))" \
	"every wake-up of every thread is in the overall histogram (600 x $ncpu)"
is "$(jget "$tmp/t.json" 'results[name=wakeup_nanosleep].unit')" "us" "wake-up latency in us"
is "$(jget "$tmp/t.json" 'results[name=wakeup_nanosleep].samples#')" "$((6 * ncpu))" \
	"samples: one median per block of 100 wake-ups per CPU"
over=$(jget "$tmp/t.json" 'results[name=wakeup_nanosleep].over_100us')
wk=$(jget "$tmp/t.json" 'results[name=wakeup_nanosleep].wakeups')
[ "$over" -ge 0 ] && [ "$over" -le "$wk" ]; ok $? "over_100us is a count within the wake-ups ($over)"
case $(jget "$tmp/t.json" 'results[name=clock_monotonic].vdso') in true|false) ok 0 "clock_monotonic says whether it is in the vDSO" ;;
	*) ok 1 "clock_monotonic says whether it is in the vDSO" ;; esac
if [ "$ncpu" -ge 2 ]; then
	is "$(jget "$tmp/t.json" 'results[name=cross_wake_busy].target' | cut -c1-12)" "kept running" \
		"the busy regime says the target was kept running"
	jget "$tmp/t.json" 'results[name=cross_wake_idle].target' | grep -q "^idle 2000 us"
	ok $? "the idle regime says how long the target was idle"
	jget "$tmp/t.json" 'results[name=clock_backwards].exchanges' >/dev/null
	ok $? "time across CPUs: exchanges counted"
	jget "$tmp/t.json" config.busy_method >/dev/null; ok $? "how the target was kept busy is recorded"
else
	for w in "cross-CPU regimes" "idle regime" "exchanges" "busy method"; do skip "one CPU here" "$w"; done
fi
grep -q "^wakeup_nanosleep " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "the table on stdout"

# --- --plan measures nothing
"$B" --plan --format json >"$tmp/p.json"
ok $? "--plan exits 0"
is "$(jget "$tmp/p.json" plan)" "true" "--plan: plan true"
is "$(jget "$tmp/p.json" 'results#')" "0" "--plan: no results"
is "$(jget "$tmp/p.json" config.loops_per_thread)" "10000" "--plan shows the full run's 10,000 wake-ups (cyclictest -l 10000)"

# --- options: chosen parts, CPUs, loops, time limit
"$B" --only nanosleep --loops 30 --interval 200us --cpus 0 --format json >"$tmp/o.json"
ok $? "--only nanosleep --loops 30 --interval 200us --cpus 0"
is "$(jget "$tmp/o.json" 'results[name=wakeup_nanosleep_cpu0].wakeups')" "30" "--loops 30: 30 wake-ups"
is "$(jget "$tmp/o.json" 'results[name=wakeup_nanosleep].interval_us')" "200" "--interval 200us recorded"
jget "$tmp/o.json" 'results[name=wakeup_timerfd]' >/dev/null; ok $((!$?)) "--only: timerfd not run"
jget "$tmp/o.json" config.clock_trusted >/dev/null; ok $((!$?)) "no clocks part: no verdict"
"$B" --only cross --cpus 0 --format json >"$tmp/c.json"
jget "$tmp/c.json" 'unavailable[name=cross_wake_busy].reason' | grep -q "two CPUs"
ok $? "one CPU: the cross-CPU wake-ups are unavailable, with the reason"
"$B" --only nanosleep --loops 100000 --time-limit 30ms --cpus 0 --format json >"$tmp/l.json" 2>/dev/null
n=$(jget "$tmp/l.json" 'results[name=wakeup_nanosleep_cpu0].wakeups')
[ "$n" -lt 100000 ]; ok $? "--time-limit stops the loop ($n wake-ups)"
jget "$tmp/l.json" warnings | grep -q "time-limit cut"; ok $? "and says so"
"$B" -l 20 --only timerfd --cpus 0 --format json >"$tmp/r.json"
is "$(jget "$tmp/r.json" 'results[name=wakeup_timerfd].wakeups')" "20" "-l 20, as cyclictest -l"

# --- --timer-slack 0: the kernel's default slack, what an ordinary program sleeps with
"$B" --only nanosleep --loops 20 --cpus 0 --timer-slack 0 --format json >"$tmp/sl.json"
ok $? "--timer-slack 0 runs"
is "$(jget "$tmp/sl.json" config.timer_slack_applied)" "the kernel's default" "--timer-slack 0 keeps the kernel's default"

# --- --align OFFSET: every thread's deadlines at a whole second + OFFSET (as
# cyclictest --secaligned), seen in the deadlines the threads sleep to
if command -v strace >/dev/null; then
	strace -f -e trace=clock_nanosleep -o "$tmp/al.st" "$B" --only nanosleep --loops 3 --align 250us \
		--format json >"$tmp/al.json"
	ok $? "--align 250us runs"
	is "$(jget "$tmp/al.json" config.align_offset_ns)" "250000" "config.align_offset_ns records the offset"
	main=$(head -1 "$tmp/al.st" | cut -d' ' -f1)
	dl=$(grep -v "^$main " "$tmp/al.st" | grep -o 'tv_nsec=[0-9]*' | cut -d= -f2)
	is "$(echo "$dl" | wc -l)" "$((3 * ncpu))" "3 deadlines for each of the $ncpu threads"
	is "$(echo "$dl" | awk '$1 % 1000000 != 250000' | wc -l)" "0" "every deadline is at a whole millisecond + 250 us"
	is "$(grep -v "^$main " "$tmp/al.st" | grep -o 'tv_sec=[0-9]*' | sort -u | wc -l)" "1" "all in the same second: one start for every thread"
else
	for i in 1 2 3 4 5; do skip "no strace" "--align"; done
fi
"$B" --only nanosleep --loops 5 --cpus 0 --format json >"$tmp/na.json"
jget "$tmp/na.json" config.align_offset_ns | grep -q "^off"; ok $? "without --align: recorded as off"

# --- a clock too coarse for a cross-CPU wake-up (a TCG guest on jiffies: 4 ms
# steps): those metrics are unavailable with the step named, never a 0
if [ "$ncpu" -ge 2 ]; then
	GB_FAULT=timer.tick=4000000 "$B" --only cross --wakes 10 --format json >"$tmp/tk.json" 2>/dev/null
	ok $? "a 4 ms clock step: the run still ends well"
	is "$(jget "$tmp/tk.json" 'results[name=cross_wake_busy]')" "" "cross_wake_busy is no result"
	jget "$tmp/tk.json" 'unavailable[name=cross_wake_idle].reason' | grep -q "steps of 4000 us"
	ok $? "cross_wake_idle is unavailable, naming the clock's step"
	jget "$tmp/tk.json" 'unavailable[name=cross_wake_idle_0us].reason' | grep -q "cannot be resolved"
	ok $? "so is every point of the idle sweep"
else
	for i in 1 2 3 4; do skip "one CPU: no cross-CPU part" "a coarse clock"; done
fi

# --- usage errors name the option
for bad in "--interval 0" "--interval 5us" "--priority 100" "--priority -1" "--loops 0" "--only bogus" \
	"--idle 2s" "--dma-latency maybe" "--wakes 1" "--threads 2" "--timer-slack 2s" "--align 1s" "--align -1ms"; do
	opt=${bad%% *}
	"$B" $bad >"$tmp/out" 2>"$tmp/e"
	is "$?" "2" "$bad exits 2"
	grep -q -- "$opt" "$tmp/e"; ok $? "$bad: the message names $opt"
	[ ! -s "$tmp/out" ]; ok $? "$bad: nothing on stdout"
done
"$B" --cpus 1000 2>"$tmp/e"; is "$?" "3" "--cpus outside the effective set exits 3"

# --- --priority without the permission: exit 3, naming what is missing
prio_as_nobody() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$B" "$@"
	else
		"$B" "$@"
	fi
}
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null; then
	( ulimit -r 0 2>/dev/null; prio_as_nobody --priority 50 --quick --format json ) >"$tmp/out" 2>"$tmp/e"
	rc=$?
	if [ "$(id -u)" != 0 ] && [ "$(ulimit -r)" != 0 ]; then
		skip "this user may use SCHED_FIFO (RLIMIT_RTPRIO $(ulimit -r))" "--priority refused"
	else
		is "$rc" "3" "--priority 50 without CAP_SYS_NICE exits 3"
		grep -q "CAP_SYS_NICE" "$tmp/e"; ok $? "the message names the missing permission"
		grep -q -- "--priority 50" "$tmp/e"; ok $? "and the option"
		[ ! -s "$tmp/out" ]; ok $? "nothing measured, nothing on stdout"
	fi
else
	skip "setpriv missing (util-linux)" "--priority as nobody"
fi
if [ "$(id -u)" = 0 ]; then
	"$B" --priority 10 --only nanosleep --loops 20 --cpus 0 --format json >"$tmp/rt.json"
	ok $? "--priority 10 as root runs"
	is "$(jget "$tmp/rt.json" config.policy)" "SCHED_FIFO" "and records SCHED_FIFO"
	is "$(jget "$tmp/rt.json" config.priority)" "10" "and the priority"
	is "$(jget "$tmp/rt.json" config.timer_slack_applied)" "none (SCHED_FIFO)" "and no timer slack (a real-time thread has none)"
else
	skip "needs root" "--priority as root"
fi

# --- a seccomp filter: what it refuses is unavailable with the errno, the rest runs
S=$GB_TOOLS/seccomp-run
if [ -x "$S" ]; then
	"$S" EPERM timerfd_create,clock_gettime -- "$B" --only nanosleep,timerfd,clocks --loops 20 --cpus 0 \
		--format json >"$tmp/s.json" 2>"$tmp/s.err"
	ok $? "timerfd_create and the clock_gettime system call refused: exits 0"
	is "$(jget "$tmp/s.json" 'unavailable[name=wakeup_timerfd].error')" "EPERM" "timerfd unavailable with EPERM"
	is "$(jget "$tmp/s.json" 'unavailable[name=clock_monotonic_syscall].error')" "EPERM" \
		"the clock_gettime system call unavailable with EPERM"
	jget "$tmp/s.json" 'results[name=clock_monotonic].median' >/dev/null; ok $? "the vDSO read still measured"
	jget "$tmp/s.json" 'results[name=wakeup_nanosleep].p50' >/dev/null; ok $? "clock_nanosleep still measured"
	jget "$tmp/s.json" config.clock_trusted >/dev/null; ok $? "a verdict without the system-call figure"
	"$S" EPERM sched_setscheduler -- "$B" --priority 10 --only nanosleep --loops 5 2>"$tmp/e" >/dev/null
	is "$?" "3" "sched_setscheduler refused by seccomp: --priority exits 3"
	grep -q "seccomp" "$tmp/e"; ok $? "and the message mentions seccomp"
	if [ "$ncpu" -ge 2 ]; then
		"$S" EPERM sched_setscheduler -- "$B" --only cross --wakes 10 --idle 100us --format json >"$tmp/n.json"
		ok $? "no SCHED_IDLE: the cross-CPU part still runs"
		is "$(jget "$tmp/n.json" config.busy_method)" "nice19" "the spinner falls back to nice 19, recorded"
	else
		skip "one CPU here" "spinner fallback"; skip "one CPU here" "spinner fallback recorded"
	fi
else
	skip "build/tests/seccomp-run not built" "seccomp refusals"
fi
done_testing
