#!/usr/bin/env bash
# "Built for baseline x86-64": every binary on a CPU model without AVX
# (qemu user mode, Nehalem: SSE4.2, no AVX/AVX2/AVX-512) runs without
# SIGILL, reports the baseline kernels and says which features it saw.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/benches.sh"
Q=$(command -v qemu-x86_64 || command -v qemu-x86_64-static)
if [ -z "$Q" ]; then
	skip "qemu-user is not installed (make test installs it; apt-get install qemu-user)" "old CPU model"
	done_testing; exit
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for bench in $(bench_list); do
	b=$GB_BIN/gb-$bench n=gb-$bench
	args=$(quick_args "$bench" "$tmp")
	# qemu-user refuses O_DIRECT (EINVAL), which gb-diskio rightly answers
	# with exit 3; this test is about the instruction set, not the I/O path
	[ "$bench" = diskio ] && args="$args --buffered"
	# shellcheck disable=SC2086
	"$Q" -cpu Nehalem "$b" $args >"$tmp/$n.json" 2>"$tmp/$n.err"
	rc=$?
	is "$rc" "0" "$n on a Nehalem CPU model exits 0 (no SIGILL)"
	[ $rc -ne 0 ] && sed 's/^/#   /' "$tmp/$n.err" | head -5
	is "$(jget "$tmp/$n.json" env.cpu.isa_best)" "baseline" "$n reports baseline kernels"
	jget "$tmp/$n.json" env.cpu.flags | grep -q avx
	ok $((!$?)) "$n sees no AVX flag"
	is "$(jget "$tmp/$n.json" valid)" "true" "$n result valid"
done
done_testing
