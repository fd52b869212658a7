#!/usr/bin/env bash
# Matrix case 10, "built for baseline x86-64": every binary on a CPU model
# without AVX (qemu user mode, Nehalem: SSE4.2, no AVX/AVX2/AVX-512) runs
# without SIGILL, reports the baseline kernels and says which features it
# saw; gb-linpack's OpenBLAS core matches that ISA (no AVX core chosen).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
Q=$(command -v qemu-x86_64 || command -v qemu-x86_64-static)
mx_case 10 "CPU without AVX (qemu-user Nehalem)"
if [ -z "$Q" ]; then
	mx_skip_case "qemu-user is not installed (make test installs it; apt-get install qemu-user)"
	done_testing; exit
fi
for b in $(bench_list); do
	mx_begin "$b" || continue
	# qemu-user refuses O_DIRECT (EINVAL), which gb-diskio rightly answers
	# with exit 3; this case is about the instruction set, not the I/O path
	bench_meta "$b" dir >/dev/null && MX_EXTRA=--buffered
	mx_exec "$b" "$Q" -cpu Nehalem
	# qemu-user has the host's network: no exception for benches needing one
	if mx_check_run "$b"; then
		mx_is env.cpu.isa_best baseline "gb-$b"
		jget "$MX_OUT" env.cpu.flags | grep -q avx
		ok $((!$?)) "case 10 gb-$b: sees no AVX flag"
		if [ "$b" = linpack ]; then
			core=$(jget "$MX_OUT" config.blas_core_used)
			case $core in *Haswell*|*SkylakeX*|*Zen*|*Sandy*|*Cooperlake*) false ;; *) true ;; esac
			ok $? "case 10 gb-linpack: the OpenBLAS core ($core) needs no AVX"
		fi
	fi
	mx_end "$b"
done
done_testing
