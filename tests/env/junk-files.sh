#!/usr/bin/env bash
# Matrix case 12: malformed /proc, /sys and cgroup files (root: a private
# mount namespace, files bind-mounted over the real ones, then exec of the
# binary - same PID, so /proc/$$ (written for /proc/self, which would be
# mount's own) is the binary's).  Each variant puts the
# same content over every file: empty, "max", "-1", and junk (control
# bytes, a number too big for 64 bits, a huge CPU range).  Every binary
# must fall back to defaults: no crash, exit 0, a valid document with at
# least one effective CPU and nothing on stderr.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"

files=(/proc/meminfo /proc/cpuinfo /proc/self/cgroup /proc/self/mountinfo /proc/self/status
	/sys/kernel/mm/transparent_hugepage/enabled /sys/devices/system/cpu/online
	/sys/devices/system/clocksource/clocksource0/current_clocksource)
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	g=/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
	for f in cpu.max memory.max memory.current cpuset.cpus.effective; do files+=("$g/$f"); done
else
	cg() { echo "/sys/fs/cgroup/$1$(awk -F: -v c="$1" '$2 ~ "(^|,)" c "(,|$)" {print $3}' /proc/self/cgroup)"; }
	files+=("$(cg memory)/memory.limit_in_bytes" "$(cg memory)/memory.usage_in_bytes"
		"$(cg cpu)/cpu.cfs_quota_us" "$(cg cpu)/cpu.cfs_period_us"
		"$(cg cpuset)/cpuset.cpus" "$(cg cpuset)/cpuset.effective_cpus")
fi
present=()
for f in "${files[@]}"; do [ -e "$f" ] && present+=("$f"); done

printf '' >"$mx_tmp/empty"
echo max >"$mx_tmp/max"
echo -1 >"$mx_tmp/minus1"
printf 'garbage \001\377 %%s%%n 18446744073709551616999 0-99999999,x\nkey: : :\n' >"$mx_tmp/junk"

for v in a:empty b:max c:minus1 d:junk; do
	id=12${v%%:*} name=${v#*:}
	mx_case "$id" "junk /proc+cgroup files: ${name/minus1/-1}"
	if [ "$(id -u)" -ne 0 ]; then mx_skip_case "needs root to bind-mount over /proc and cgroup files"; continue; fi
	if ! unshare --mount true 2>/dev/null; then mx_skip_case "cannot create a mount namespace"; continue; fi
	# the replacement is what a program there reads (a check that can fail)
	unshare --mount --propagation private sh -c \
		'c=$1; shift; while [ "$1" != -- ]; do f=$1; case $f in /proc/self/*) f=/proc/$$/${f#/proc/self/} ;; esac
		 mount --bind "$c" "$f" || exit 99; shift; done; shift; exec "$@"' \
		sh "$mx_tmp/$name" "${present[@]}" -- cat /proc/self/cgroup "${present[-1]}" >"$mx_tmp/seen"
	cat "$mx_tmp/$name" "$mx_tmp/$name" | cmp -s - "$mx_tmp/seen"
	ok $? "case $id: the files read back as the replacement"
	for b in $(bench_list); do
		mx_begin "$b" || continue
		mx_exec "$b" unshare --mount --propagation private sh -c \
			'c=$1; shift; while [ "$1" != -- ]; do f=$1; case $f in /proc/self/*) f=/proc/$$/${f#/proc/self/} ;; esac
		 mount --bind "$c" "$f" || exit 99; shift; done; shift; exec "$@"' \
			sh "$mx_tmp/$name" "${present[@]}" --
		if mx_check_run "$b"; then
			n=$(jget "$MX_OUT" env.effective.cpus)
			[ "${n:-0}" -ge 1 ] 2>/dev/null; ok $? "case $id gb-$b: at least one effective CPU ($n)"
			n=$(jget "$MX_OUT" 'results#')
			[ "${n:-0}" -ge 1 ] 2>/dev/null; ok $? "case $id gb-$b: results produced ($n)"
		fi
		mx_end "$b"
	done
done
echo "# files replaced: ${present[*]}"
done_testing
