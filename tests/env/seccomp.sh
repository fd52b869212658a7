#!/usr/bin/env bash
# Matrix cases 4 and 5: seccomp filters the way container runtimes set them
# (tests/tools/seccomp-run; no root needed, it sets no_new_privs).
#  4a/4b io_uring_setup/enter/register -> EPERM (Docker >= 25) or ENOSYS
#        (Podman, gVisor): every binary exits 0; where io_uring is used
#        (bench_meta uring) the errno is in the result.
#  5     get_mempolicy/mbind/set_mempolicy/migrate_pages/move_pages -> EPERM
#        (Docker without CAP_SYS_NICE): NUMA reported unavailable (bench_meta
#        numa), results still produced, and NOTHING on stderr: libnuma's
#        own messages ("set_mempolicy: Operation not permitted") must not
#        leak.  The --numa modes too: fine on one node, or refused by us.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
S=$GB_TOOLS/seccomp-run
URING=io_uring_setup,io_uring_enter,io_uring_register
NUMA=get_mempolicy,mbind,set_mempolicy,migrate_pages,move_pages

for e in EPERM ENOSYS; do
	[ $e = EPERM ] && mx_case 4a "seccomp: io_uring EPERM" || mx_case 4b "seccomp: io_uring ENOSYS"
	if [ ! -x "$S" ]; then mx_skip_case "tests/tools/seccomp-run is not built"; continue; fi
	for b in $(bench_list); do
		mx_begin "$b" || continue
		mx_exec "$b" "$S" $e $URING --
		if mx_check_run "$b"; then
			mx_is env.kernel.seccomp 2 "gb-$b"
			if key=$(bench_meta "$b" uring); then mx_is "$key" $e "gb-$b"; fi
		fi
		mx_end "$b"
	done
done

mx_case 5 "seccomp: NUMA syscalls EPERM"
if [ ! -x "$S" ]; then
	mx_skip_case "tests/tools/seccomp-run is not built"
else
	for b in $(bench_list); do
		mx_begin "$b" || continue
		mx_exec "$b" "$S" EPERM $NUMA --
		if mx_check_run "$b" && key=$(bench_meta "$b" numa); then
			jget "$MX_OUT" "$key" | grep -q "^unavailable: .*Operation not permitted"
			ok $? "case 5 gb-$b: $key says NUMA is unavailable, with the error ($(jget "$MX_OUT" "$key"))"
			for mode in interleave node:0 cross; do
				MX_EXTRA="--numa $mode"
				mx_exec "$b" "$S" EPERM $NUMA --
				if [ "$MX_RC" -eq 0 ]; then
					[ ! -s "$MX_ERR" ]; ok $? "case 5 gb-$b --numa $mode: exit 0, nothing on stderr"
				else
					is "$MX_RC" 3 "case 5 gb-$b --numa $mode: refused with exit 3"
					! grep -qv "^gb-$b: " "$MX_ERR"; ok $? "case 5 gb-$b --numa $mode: only our own message on stderr"
				fi
				mx_show_err
			done
		fi
		mx_end "$b"
	done
fi
done_testing
