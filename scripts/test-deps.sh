#!/bin/sh
# test-deps.sh - what `make test` needs beyond the build: bubblewrap and
# unshare (environment tests: no /proc, no /sys), iproute2 (network
# namespaces), qemu-user (a CPU model without AVX), xmllint (gb-compare's
# SVG), clang with libFuzzer (short fuzz runs), qemu-system-x86 + Debian's
# kernel + cpio (guestbench as PID 1 of a microVM: tests/env/qemu-boot.sh).
# A tool that cannot be installed makes its tests skip with the reason,
# so a failure here is reported but not fatal.
pairs="
bubblewrap:/usr/bin/bwrap
util-linux:/usr/bin/unshare
iproute2:/usr/sbin/ip
qemu-user:/usr/bin/qemu-x86_64
libxml2-utils:/usr/bin/xmllint
clang-14:/usr/bin/clang-14
libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
qemu-system-x86:/usr/bin/qemu-system-x86_64
linux-image-amd64:/usr/share/doc/linux-image-amd64
cpio:/usr/bin/cpio
runc:/usr/sbin/runc
"
sh "$(dirname "$0")/apt-want.sh" $pairs || echo "guestbench: some test tools could not be installed; their tests will be skipped" >&2
exit 0
