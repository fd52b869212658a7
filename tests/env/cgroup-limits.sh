#!/usr/bin/env bash
# Matrix cases 6 and 7: real cgroups on the running kernel (root only),
# cgroup v1 (this machine kind) or v2; every binary, each run in its own
# group(s).
#  6a a cpuset of one CPU; 6b/6c a CPU quota of 0.5 / 1.5 CPUs set on the
#     PARENT group only (found by walking up): the effective CPUs and the
#     thread count a benchmark uses (bench_meta threads) follow the
#     tightest limit - 1, 1, 2 - and the limit is in the fingerprint.
#  7a a 256 MiB memory limit: sizes fit in it, exit 0, and the group's OOM
#     counter stays 0.  7b 16 MiB: a clean refusal ("insufficient memory",
#     exit 3) or a run that fits - never the OOM killer (SIGKILL, 137).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
groups=()
cleanup() {
	local i
	for ((i = ${#groups[@]} - 1; i >= 0; i--)); do rmdir "${groups[i]}" 2>/dev/null; done
	rm -rf "$mx_tmp"
}
trap cleanup EXIT
ncpu=$(nproc)

# mkgroup DIR: create a group to be removed at exit
mkgroup() { mkdir "$1" 2>/dev/null && groups+=("$1"); }
run_in() {	# GROUPDIR...: mx_exec $b inside them ($b from the loop)
	local dirs=("$@")
	mx_exec "$b" sh -c 'for d; do [ "$d" = -- ] && break; echo $$ >"$d/cgroup.procs" || exit 99; shift; done; shift; exec "$@"' \
		sh "${dirs[@]}" --
}

v2=0
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	v2=1; MEM=/sys/fs/cgroup CPU=/sys/fs/cgroup SET=/sys/fs/cgroup
else
	MEM=/sys/fs/cgroup/memory CPU=/sys/fs/cgroup/cpu SET=/sys/fs/cgroup/cpuset
fi
root_or_skip() {	# HIERARCHY: 0 when groups can be made there
	if [ "$(id -u)" -ne 0 ]; then
		mx_skip_case "needs root to create cgroups"; return 1
	elif [ ! -w "$1" ] || ! mkdir "$1/gbtest-probe.$$" 2>/dev/null || ! rmdir "$1/gbtest-probe.$$"; then
		mx_skip_case "cannot create a cgroup in $1"; return 1
	fi
}
threads_follow() {	# WANT: effective CPUs and the benchmark's threads
	mx_is env.effective.cpus "$1" "gb-$b"
	if key=$(bench_meta "$b" threads); then mx_is "$key" "$1" "gb-$b"; fi
}

# --- 6a: cpuset of one CPU
mx_case 6a "cpuset of one CPU"
if root_or_skip "$SET"; then
	g=$SET/gbtest-set.$$; mkgroup "$g"
	[ $v2 = 1 ] || cat "$SET/cpuset.mems" >"$g/cpuset.mems"
	echo 0 >"$g/cpuset.cpus"
	for b in $(bench_list); do
		mx_begin "$b" || continue
		run_in "$g"
		if mx_check_run "$b"; then
			mx_is env.cgroup.cpuset 0 "gb-$b"
			threads_follow 1
			if [ "$b" = syscall ]; then
				jget "$MX_OUT" 'unavailable[name=pipe_roundtrip_cross].reason' | grep -q "two CPUs"
				ok $? "case 6a gb-syscall: the cross-CPU round trip is unavailable, with the reason"
			fi
		fi
		mx_end "$b"
	done
fi

# --- 6b, 6c: CPU quota on the parent only, the process in a child
for q in 0.5 1.5; do
	if [ $q = 0.5 ]; then mx_case 6b "CPU quota 0.5 on the parent"; want=1
	else mx_case 6c "CPU quota 1.5 on the parent"; want=$((ncpu < 2 ? ncpu : 2)); fi
	root_or_skip "$CPU" || continue
	p=$CPU/gbtest-cpu$q.$$; mkgroup "$p"; mkgroup "$p/child"
	us=$(awk -v q=$q 'BEGIN { printf "%d", q * 100000 }')
	if [ $v2 = 1 ]; then echo "$us 100000" >"$p/cpu.max"
	else echo 100000 >"$p/cpu.cfs_period_us"; echo "$us" >"$p/cpu.cfs_quota_us"; fi
	for b in $(bench_list); do
		mx_begin "$b" || continue
		run_in "$p/child"
		if mx_check_run "$b"; then
			mx_is env.cgroup.cpu_quota $q "gb-$b"
			jget "$MX_OUT" env.cgroup.cpu_quota_at | grep -q "gbtest-cpu$q.$$\$"
			ok $? "case $MX_ID gb-$b: the parent group that set the quota is named"
			threads_follow "$want"
		fi
		mx_end "$b"
	done
done

# --- 7a, 7b: memory limits, a fresh group per run (its own OOM counter)
oom_kills() {	# GROUPDIR
	if [ $v2 = 1 ]; then awk '/^oom_kill /{print $2}' "$1/memory.events"
	else awk '/^oom_kill /{print $2}' "$1/memory.oom_control"; fi
}
for mib in 256 16; do
	[ "$mib" = 256 ] && mx_case 7a "memory limit 256 MiB" || mx_case 7b "memory limit 16 MiB"
	root_or_skip "$MEM" || continue
	limit=$((mib * 1024 * 1024))
	for b in $(bench_list); do
		mx_begin "$b" || continue
		g=$MEM/gbtest-mem$mib-$b.$$; mkgroup "$g"
		if [ $v2 = 1 ]; then echo $limit >"$g/memory.max"; echo 0 >"$g/memory.swap.max" 2>/dev/null
		else echo $limit >"$g/memory.limit_in_bytes"; fi
		run_in "$g"
		w="case $MX_ID gb-$b"
		is "$(oom_kills "$g")" 0 "$w: no OOM kill in the group"
		note=
		# v1's failcnt counts reclaim under the limit, not kills: noted, not failed
		[ $v2 = 0 ] && [ "$(cat "$g/memory.failcnt")" != 0 ] && note="memory.failcnt $(cat "$g/memory.failcnt")"
		if [ "$mib" = 16 ] && [ "$MX_RC" -ne 0 ]; then
			is "$MX_RC" 3 "$w: refused with exit 3 (not killed)"
			grep -qi "memory" "$MX_ERR"; ok $? "$w: the message says memory is insufficient"
			mx_show_err
			note="refused: $(head -1 "$MX_ERR" | cut -c1-80)"
		elif mx_check_run "$b"; then
			mx_is env.cgroup.memory_max $limit "gb-$b"
			eff=$(jget "$MX_OUT" env.effective.memory_bytes)
			[ "${eff:-0}" -gt 0 ] && [ "$eff" -le $limit ]; ok $? "$w: effective memory within the limit ($eff)"
			mx_is env.effective.memory_source cgroup "gb-$b"
			if key=$(bench_meta "$b" memsize); then
				size=$(jget "$MX_OUT" "$key")
				[ "${size:-0}" -gt 0 ] && [ "$size" -le "$eff" ]; ok $? "$w: its size ($size) fits the effective memory"
			fi
			if [ "$b" = syscall ]; then
				it=$(jget "$MX_OUT" 'results[name=page_fault].iterations_per_sample')
				[ "${it:-999999}" -le $((eff / 4 / 4096)) ]; ok $? "$w: page_fault holds at most a quarter of it ($it pages)"
			fi
		fi
		# the default (not --quick) size, sized by the limit, not the host
		if [ "$mib" = 256 ] && key=$(bench_meta "$b" memsize); then
			g=$MEM/gbtest-memdef-$b.$$; mkgroup "$g"
			if [ $v2 = 1 ]; then echo $limit >"$g/memory.max"; else echo $limit >"$g/memory.limit_in_bytes"; fi
			MX_ARGS="-r 2 --format json"
			run_in "$g"
			MX_ARGS=
			is "$MX_RC" 0 "$w: a default-size run exits 0"
			is "$(oom_kills "$g")" 0 "$w: a default-size run: no OOM kill"
			size=$(jget "$MX_OUT" "$key") eff=$(jget "$MX_OUT" env.effective.memory_bytes)
			[ "${size:-0}" -gt 0 ] && [ "$size" -le "${eff:-0}" ]
			ok $? "$w: the default size ($size) fits the effective memory ($eff)"
			note="${note:+$note; }default size $size"
		fi
		mx_end "$b" "$note"
	done
done
done_testing
