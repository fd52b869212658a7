#!/usr/bin/env bash
# guestbench as PID 1 of a QEMU microVM under software emulation (TCG):
# Debian's kernel and an initramfs holding only the static binary
# (scripts/initramfs.sh, `make initramfs`).
#  - gb-startup launch times 5 boots until the init's ready line, with
#    statistics; each boot runs a benchmark whose JSON, read back from the
#    serial console, must be valid; every boot ends in a clean power-off
#    (no "Attempted to kill init", no panic).           [issue 6]
#  - one boot runs `suite --quick`: every benchmark ran or was skipped with
#    a reason, the suite document parses.       [environment matrix, case 9]
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/matrix.sh"
tmp=$mx_tmp
mx_case 9 "PID 1 in a QEMU microVM (TCG)"

Q=$(command -v qemu-system-x86_64)
K=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
why=
if [ -z "$Q" ]; then why="qemu-system-x86_64 is not installed (make deps installs qemu-system-x86)"
elif [ -z "$K" ]; then why="no kernel in /boot (make deps installs linux-image-amd64)"
elif [ ! -r "$K" ]; then why="$K is not readable (Debian makes it root-only): run as root"
elif ! command -v cpio >/dev/null; then why="cpio is not installed (make deps installs it)"
fi
if [ -n "$why" ]; then
	skip "$why" "QEMU boot"
	mx_skip_case "$why"
	done_testing; exit
fi

"$GB_ROOT/scripts/initramfs.sh" "$tmp/initramfs.cpio" "$GB_BIN/guestbench" >/dev/null
ok $? "scripts/initramfs.sh builds the initramfs"

# Why these kernel parameters: under TCG the kernel cannot calibrate the
# TSC or its delay loop against microvm's timers, and on a loaded host
# those loops were seen never to finish (3 boots in 4 hung).  Giving it
# the figures (any plausible ones: time is read on the host's clock)
# makes every boot finish.  pci=off: microvm has no PCI.
KARGS="console=ttyS0 quiet pci=off panic=-1 tsc_early_khz=1000000 lpj=4000000 no_timer_check"
vm() {	# MEMORY_MB GUESTBENCH_ARGS...: the QEMU command line of one boot
	local mem=$1; shift
	echo "$Q" -M microvm -accel tcg -cpu qemu64 -m "$mem" -smp 1 -nodefaults -no-user-config \
		-nographic -serial stdio -no-reboot -kernel "$K" -initrd "$tmp/initramfs.cpio"
}
# between the markers, without the serial console's carriage returns
output() { tr -d '\r' <"$1" | sed -n '/^----- guestbench output begin -----$/,/^----- guestbench output end/p' | sed '1d;$d'; }
clean_end() {	# LOG WHAT: powered off, no panic
	grep -aq "^guestbench-init: power off" "$1"; ok $? "$2: init powered off"
	! grep -aqE "Attempted to kill init|Kernel panic" "$1"; ok $? "$2: no kernel panic"
}

# --- issue 6: five timed boots
S=$GB_BIN/gb-startup
mkdir -p "$tmp/rounds"
# shellcheck disable=SC2046
"$S" launch --rounds 5 --timeout 300 --ready 'line:guestbench-init: ready' --then wait \
	--output-dir "$tmp/rounds" --format json -o "$tmp/launch.json" -- \
	$(vm 1024) -append "$KARGS guestbench.run=\"gb-syscall --quick --only getpid,cpuid --format json --label microvm\"" \
	>"$tmp/launch.out" 2>"$tmp/launch.err"
ok $? "gb-startup launch: 5 boots timed until the ready line"
sed 's/^/#   /' "$tmp/launch.err" | head -5
is "$(jget "$tmp/launch.json" 'results[name=ready].n')" 5 "5 ready times with statistics"
m=$(jget "$tmp/launch.json" 'results[name=ready].median')
awk -v m="$m" 'BEGIN { exit !(m > 0) }'; ok $? "median time to ready: $m ms"
for r in 1 2 3 4 5; do
	log=$(ls "$tmp/rounds/"*"$r"* 2>/dev/null | head -1)
	[ -n "$log" ] || { ok 1 "boot $r: its console output is kept"; continue; }
	output "$log" >"$tmp/doc$r.json"
	is "$(jget "$tmp/doc$r.json" bench).$(jget "$tmp/doc$r.json" label).$(jget "$tmp/doc$r.json" valid)" \
		"syscall.microvm.true" "boot $r: the guest's JSON from the console is a valid gb-syscall document"
	clean_end "$log" "boot $r"
done
is "$(jget "$tmp/doc1.json" env.container.is_pid1)" "false" "in the guest, the benchmark is init's child"
is "$(jget "$tmp/doc1.json" env.cpu.isa_best)" "baseline" "qemu64 has no AVX: baseline kernels"

# --- Plauth et al.'s method: time until the guest's UDP datagram (with
# this round's nonce) reaches the launcher.  Debian's kernel has virtio
# as modules: the initramfs carries them, init loads them and gives eth0
# a static address; QEMU's user-mode network maps 10.0.2.2 to the host's
# 127.0.0.1, where launch listens - no other address is involved.
if MODULES="virtio_mmio virtio_net" "$GB_ROOT/scripts/initramfs.sh" "$tmp/net.cpio" "$GB_BIN/guestbench" >/dev/null; then
	mkdir -p "$tmp/netrounds"
	# shellcheck disable=SC2046
	"$S" launch --rounds 3 --timeout 300 --ready udp --then wait --grace 120 \
		--output-dir "$tmp/netrounds" --format json -o "$tmp/udp.json" -- \
		$(vm 1024 | sed "s|$tmp/initramfs.cpio|$tmp/net.cpio|") \
		-netdev user,id=n0 -device virtio-net-device,netdev=n0 \
		-append "$KARGS guestbench.ip=10.0.2.15/24 guestbench.run=\"gb-startup ping 10.0.2.2:{port} --nonce {nonce} --timeout 120\"" \
		>"$tmp/udp.out" 2>"$tmp/udp.err"
	ok $? "gb-startup launch --ready udp: 3 boots timed until the guest's datagram"
	sed 's/^/#   /' "$tmp/udp.err" | head -5
	is "$(jget "$tmp/udp.json" 'results[name=ready].n')" 3 "3 ready times"
	log=$(ls "$tmp/netrounds/"*1* | head -1)
	tr -d '\r' <"$log" | grep -q "modules loaded: .*virtio_net.ko; lo up; eth0 10.0.2.15/24"
	ok $? "init loaded the virtio modules and configured eth0"
	clean_end "$log" "UDP boot 1"
else
	skip "Debian's virtio modules are not in /lib/modules for $K" "UDP readiness from the VM"
fi

# --- case 9: the quick suite as PID 1
timeout 900 $(vm 2048) -append "$KARGS guestbench.run=\"suite --quick --format json --label microvm\"" \
	>"$tmp/suite.log" 2>&1
ok $? "the suite boot ends by itself (power off)"
clean_end "$tmp/suite.log" "suite boot"
output "$tmp/suite.log" >"$tmp/suite.json"
is "$(jget "$tmp/suite.json" schema)" "guestbench-suite/1" "the suite document, read back from the console"
tr -d '\r' <"$tmp/suite.log" | grep -q "^----- guestbench output end: exit 0 "
ok $? "the suite exits 0 in the VM"
for b in $(bench_list); do
	if [ "$(jget "$tmp/suite.json" "runs[bench=$b].valid")" = true ]; then
		ok 0 "case 9 gb-$b: ran and valid in the VM"
		mx_row "$b" pass ""
	elif r=$(jget "$tmp/suite.json" "skipped[bench=$b].reason") && [ -n "$r" ] &&
		[ "$(jget "$tmp/suite.json" "skipped[bench=$b].status")" = unavailable ]; then
		ok 0 "case 9 gb-$b: unavailable in the VM, with the reason"
		mx_row "$b" skip "${r:0:150}"
	else
		ok 1 "case 9 gb-$b: ran and valid, or unavailable with a reason"
		mx_row "$b" fail "$(jget "$tmp/suite.json" "skipped[bench=$b]" 2>/dev/null | head -c 150)"
	fi
done
done_testing
