#!/bin/sh
# test-deps.sh [--list] - what `make test` needs beyond the build:
# bubblewrap and unshare (environment tests: no /proc, no /sys), iproute2
# (network namespaces), procps (pgrep, ps: the processes a test left),
# qemu-user (a CPU model without AVX), xmllint (gb-compare's SVG), clang
# with libFuzzer (short fuzz runs), qemu-system-x86 + Debian's kernel +
# cpio (guestbench as PID 1 of a microVM: tests/env/qemu-boot.sh), git
# (tests/build/new-bench.sh copies the tracked tree), strace (diskio's
# check-then-open race is widened with it), umoci + skopeo (make image,
# tests/build/image.sh), podman with runc, netavark (its bridge network,
# which calls iptables) (tests/env/podman.sh).
# A tool that cannot be installed makes its tests skip with the reason,
# so a failure here is reported but not fatal.  --list prints every
# package it stands for (tests/build/link-deps.sh checks the tests' tools
# against it).
here=$(dirname "$0")

# libFuzzer's runtime is the libclang-rt-N-dev of the clang in use (clang 14
# on Debian 12): ask clang once it is there, never name N.
fuzzer=
if command -v clang >/dev/null 2>&1; then
	fuzzer="libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev:$(clang --print-runtime-dir)/libclang_rt.fuzzer-x86_64.a"
fi
pairs="
bubblewrap:/usr/bin/bwrap
util-linux:/usr/bin/unshare
iproute2:/usr/sbin/ip
procps:/usr/bin/pgrep
qemu-user:/usr/bin/qemu-x86_64
libxml2-utils:/usr/bin/xmllint
clang:/usr/bin/clang
$fuzzer
qemu-system-x86:/usr/bin/qemu-system-x86_64
linux-image-amd64:/usr/share/doc/linux-image-amd64
cpio:/usr/bin/cpio
runc:/usr/sbin/runc
git:/usr/bin/git
strace:/usr/bin/strace
umoci:/usr/bin/umoci
skopeo:/usr/bin/skopeo
podman:/usr/bin/podman
netavark:/usr/lib/podman/netavark
iptables:/usr/share/doc/iptables/copyright
"
# shellcheck disable=SC2086
[ "${1:-}" = --list ] && exec sh "$here/apt-want.sh" --list $pairs
# shellcheck disable=SC2086
sh "$here/apt-want.sh" $pairs || echo "guestbench: some test tools could not be installed; their tests will be skipped" >&2
# clang was installed just now: its libFuzzer runtime next
[ -z "$fuzzer" ] && command -v clang >/dev/null 2>&1 && exec sh "$0"
exit 0
