#!/usr/bin/env bash
# Real cgroups on the running kernel (root only): a memory limit shrinks
# what gb-syscall holds per sample and is reported, with no OOM kill; a
# CPU quota set on the PARENT group only is found by walking up and caps
# the effective CPUs.  cgroup v1 (this machine kind) or v2.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-syscall
tmp=$(mktemp -d)
groups=()
cleanup() {
	for g in "${groups[@]}"; do rmdir "$g" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	skip "needs root to create cgroups" "cgroup limits"
	done_testing; exit
fi
v2=0
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	v2=1; MEM=/sys/fs/cgroup; CPU=/sys/fs/cgroup
else
	MEM=/sys/fs/cgroup/memory; CPU=/sys/fs/cgroup/cpu
fi

# run_in GROUPDIR... -- CMD: join every group (one per v1 hierarchy), exec
run_in() {
	local dirs=()
	while [ "$1" != "--" ]; do dirs+=("$1"); shift; done; shift
	sh -c 'for d in "$@"; do [ "$d" = -- ] && break; echo $$ > "$d/cgroup.procs" || exit 99; shift; done; shift; exec "$@"' \
		sh "${dirs[@]}" -- "$@"
}

# --- memory: 48 MiB
if [ -w "$MEM" ] && mkdir "$MEM/gbtest-mem.$$" 2>/dev/null; then
	g=$MEM/gbtest-mem.$$; groups+=("$g")
	limit=$((48 * 1024 * 1024))
	if [ $v2 = 1 ]; then echo $limit >"$g/memory.max"; else echo $limit >"$g/memory.limit_in_bytes"; fi
	run_in "$g" -- "$B" --only page_fault,getpid -r 3 --format json >"$tmp/m.json"
	ok $? "gb-syscall in a 48 MiB cgroup exits 0"
	is "$(jget "$tmp/m.json" env.cgroup.memory_max)" "$limit" "the limit is in the fingerprint"
	eff=$(jget "$tmp/m.json" env.effective.memory_bytes)
	[ "${eff:-0}" -gt 0 ] && [ "$eff" -le $limit ]; ok $? "effective memory within the limit ($eff)"
	is "$(jget "$tmp/m.json" env.effective.memory_source)" "cgroup" "effective memory comes from the cgroup"
	it=$(jget "$tmp/m.json" 'results[name=page_fault].iterations_per_sample')
	[ "${it:-999999}" -le $((eff / 4 / 4096)) ]; ok $? "page_fault holds at most a quarter of it ($it pages)"
	if [ $v2 = 1 ]; then oom=$(awk '/^oom_kill /{print $2}' "$g/memory.events");
	else oom=$(awk '/^oom_kill /{print $2}' "$g/memory.oom_control"); fi
	is "${oom:-0}" "0" "no OOM kill in the group"
else
	skip "cannot create a memory cgroup" "memory limit"
fi

# --- CPU quota 0.5 CPU on the parent, the process in a child
if [ -w "$CPU" ] && mkdir -p "$CPU/gbtest-cpu.$$/child" 2>/dev/null; then
	p=$CPU/gbtest-cpu.$$; groups+=("$p/child" "$p")
	if [ $v2 = 1 ]; then echo "50000 100000" >"$p/cpu.max"
	else echo 100000 >"$p/cpu.cfs_period_us"; echo 50000 >"$p/cpu.cfs_quota_us"; fi
	run_in "$p/child" -- "$B" --only getpid -r 2 --format json >"$tmp/c.json"
	ok $? "gb-syscall under a parent's 0.5-CPU quota exits 0"
	is "$(jget "$tmp/c.json" env.cgroup.cpu_quota)" "0.5" "quota found on the parent"
	jget "$tmp/c.json" env.cgroup.cpu_quota_at | grep -q "gbtest-cpu.$$\$"
	ok $? "the group that set it is named"
	is "$(jget "$tmp/c.json" env.effective.cpus)" "1" "effective CPUs = ceil(0.5) = 1"
else
	skip "cannot create a cpu cgroup" "cpu quota"
fi

# --- cpuset of one CPU: the cross-CPU round trips become unavailable
if [ $v2 = 1 ]; then SET=/sys/fs/cgroup; else SET=/sys/fs/cgroup/cpuset; fi
if [ -w "$SET" ] && mkdir "$SET/gbtest-set.$$" 2>/dev/null; then
	g=$SET/gbtest-set.$$; groups+=("$g")
	[ $v2 = 1 ] || cat "$SET/cpuset.mems" >"$g/cpuset.mems"
	echo 0 >"$g/cpuset.cpus"
	run_in "$g" -- "$B" --only getpid,pipe_roundtrip_cross -r 2 --format json >"$tmp/s.json"
	ok $? "gb-syscall in a one-CPU cpuset exits 0"
	is "$(jget "$tmp/s.json" env.cgroup.cpuset)" "0" "the cpuset is in the fingerprint"
	is "$(jget "$tmp/s.json" env.effective.cpus)" "1" "effective CPUs = 1"
	jget "$tmp/s.json" 'unavailable[name=pipe_roundtrip_cross].reason' | grep -q "two CPUs"
	ok $? "the cross-CPU round trip is unavailable, with the reason"
else
	skip "cannot create a cpuset cgroup" "cpuset"
fi
done_testing
