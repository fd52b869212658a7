#!/bin/sh
# initramfs.sh OUT GUESTBENCH - a cpio (newc) initramfs holding only the
# static multi-call binary as /init, with /bin/gb-<bench> links to it, for
# a VM whose PID 1 is guestbench (suite/init.c, docs/startup.md).
#
#   qemu-system-x86_64 -kernel vmlinuz -initrd OUT \
#       -append 'console=ttyS0 quiet guestbench.run="gb-syscall --quick --format json"'
#
# Uncompressed: the kernel unpacks it without a decompressor (faster under
# software emulation), and it is only the binary's size.  /dev/console is
# in it when we may create device nodes (root), so the kernel can give
# init a console; otherwise init opens it after mounting devtmpfs.
set -eu
out=$1 bin=$2
command -v cpio >/dev/null || { echo "initramfs.sh: cpio is missing (apt-get install cpio)" >&2; exit 3; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp"
chmod 1777 "$stage/tmp"
cp "$bin" "$stage/init"
for b in $("$bin" --list); do ln -s ../init "$stage/bin/gb-$b"; done
ln -s ../init "$stage/bin/guestbench"
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -k "$out" | cut -f1) KiB): /init = $bin, /bin/gb-* -> /init"
