#!/usr/bin/env bash
# Matrix case 2: /proc present, /sys absent (bubblewrap: an empty root with
# a new /proc and /dev, no /sys).  The topology is degraded - hwloc falls
# back to CPUID ("backend": "x86", not "Linux"), NUMA nodes unknown - but
# the effective CPUs and the thread counts are still right: they come from
# the affinity mask, which is the same as this shell's (nproc).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
want=$(nproc)

MX_LACKS=net	# --unshare-all: a network namespace with no interface up
mx_case 2 "/proc but no /sys"
if ! command -v bwrap >/dev/null; then
	mx_skip_case "bubblewrap is not installed (apt-get install bubblewrap)"
elif ! bwrap --unshare-all --tmpfs / --ro-bind "$GB_BIN/gb-syscall" /b --proc /proc /b --version >/dev/null 2>&1; then
	mx_skip_case "bubblewrap cannot create namespaces here"
else
	for b in $(bench_list); do
		mx_begin "$b" || continue
		MX_BIN=/gb-$b MX_SCRATCH=/
		mx_exec "$b" bwrap --unshare-all --die-with-parent --tmpfs / --ro-bind "$GB_BIN/gb-$b" "/gb-$b" \
			--proc /proc --dev /dev --chdir /
		if mx_check_run "$b"; then
			be=$(jget "$MX_OUT" env.topology.backend)
			[ -n "$be" ] && [ "$be" != Linux ]; ok $? "case 2 gb-$b: topology degraded without /sys (backend '$be')"
			# ... which is news only because with /sys it is "Linux"
			[ -d /sys/devices/system/cpu ] &&
				is "$(jget "$MX_DIR/host/$b.json" env.topology.backend)" Linux "case 2 gb-$b: on the host, backend Linux"
			mx_is env.kernel.clocksource unknown "gb-$b"
			mx_is env.effective.cpus "$want" "gb-$b"
			if key=$(bench_meta "$b" threads); then
				mx_is "$key" "$want" "gb-$b"
			fi
		fi
		mx_end "$b"
	done
fi
done_testing
