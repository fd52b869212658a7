#!/bin/sh
# initramfs.sh OUT GUESTBENCH - a cpio (newc) initramfs holding only the
# static multi-call binary as /init, with /bin/gb-<bench> links to it, for
# a VM whose PID 1 is guestbench (init/init.c, docs/startup.md).
#
#   qemu-system-x86_64 -kernel vmlinuz -initrd OUT \
#       -append 'console=ttyS0 quiet guestbench.run="gb-syscall --quick --format json"'
#
# Uncompressed: the kernel unpacks it without a decompressor (faster under
# software emulation), and it is only the binary's size.  /dev/console is
# in it when we may create device nodes (root), so the kernel can give
# init a console; otherwise init opens it after mounting devtmpfs.
#
# MODULES="virtio_mmio virtio_net" adds those kernel modules and what they
# depend on (from modules.dep of KVER, default: the newest kernel in
# /boot), numbered in load order in /lib/modules; init loads them first.
# Debian's kernel needs them for a virtio NIC or disk on a microVM.
set -eu
out=$1 bin=$2
MODULES=${MODULES:-}
KVER=${KVER:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 | sed 's|.*/vmlinuz-||')}
command -v cpio >/dev/null || { echo "initramfs.sh: cpio is missing (apt-get install cpio)" >&2; exit 3; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp"
chmod 1777 "$stage/tmp"
cp "$bin" "$stage/init"
for b in $("$bin" --list); do ln -s ../init "$stage/bin/gb-$b"; done
ln -s ../init "$stage/bin/guestbench"
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
if [ -n "$MODULES" ]; then
	mdir=/lib/modules/$KVER
	[ -f "$mdir/modules.dep" ] || { echo "initramfs.sh: no $mdir/modules.dep (KVER=$KVER)" >&2; exit 3; }
	mkdir -p "$stage/lib/modules"
	n=10 done=" "
	for m in $MODULES; do
		line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$mdir/modules.dep" | head -1)
		[ -n "$line" ] || { echo "initramfs.sh: module $m is not in $mdir (built in, or misspelt?)" >&2; exit 3; }
		# modules.dep lists the module, then what it needs with the
		# deepest dependency last: load in reverse
		deps=$(echo "${line#*:}" | tr ' ' '\n' | sed '/^$/d' | tac)
		for f in $deps "${line%%:*}"; do
			case $done in *" $f "*) continue ;; esac
			case $f in *.ko) ;; *) echo "initramfs.sh: $f is compressed; unpack it first" >&2; exit 3 ;; esac
			cp "$mdir/$f" "$stage/lib/modules/$n-$(basename "$f")"
			n=$((n + 1)) done="$done$f "
		done
	done
fi
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -k "$out" | cut -f1) KiB): /init = $bin, /bin/gb-* -> /init${MODULES:+, modules of $KVER: $(ls "$stage/lib/modules" | tr '\n' ' ')}"
