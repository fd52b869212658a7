#!/bin/sh
# test-deps.sh - what `make test` needs beyond the build: bubblewrap and
# unshare (environment tests: no /proc, no /sys), iproute2 (network
# namespaces), qemu-user (a CPU model without AVX).  A tool that cannot be installed makes its tests skip with
# the reason, so a failure here is reported but not fatal.
pairs="
bubblewrap:/usr/bin/bwrap
util-linux:/usr/bin/unshare
iproute2:/usr/sbin/ip
qemu-user:/usr/bin/qemu-x86_64
"
sh "$(dirname "$0")/apt-want.sh" $pairs || echo "guestbench: some test tools could not be installed; their tests will be skipped" >&2
exit 0
