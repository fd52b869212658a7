#!/usr/bin/env bash
# gb-diskio: the JSON contract, every pattern on both engines, verification,
# the io_uring refusal paths, the safety of --file, O_DIRECT refusal.
# Runs are counted in I/Os (--ios), not timed, on 8 MiB files: a few seconds.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-diskio
S=$GB_TOOLS/seccomp-run
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
d=$tmp/d; mkdir "$d"
Q=(--size 8M --ios 400 -r 2 --warmup 0)

left() { ls -A "$d"; }	# what runs left behind in the test directory

# --- a run with a JSON file and the table on stdout
"$B" --dir "$d" "${Q[@]}" --label ci -o "$tmp/s.json" >"$tmp/table.txt" 2>"$tmp/err.txt"
ok $? "--dir -o FILE.json exits 0"
check "the file is JSON" jget "$tmp/s.json"
is "$(jget "$tmp/s.json" bench)" "diskio" "bench"
is "$(jget "$tmp/s.json" valid)" "true" "valid"
for key in config.size config.path config.created config.fstype config.direct config.align \
	config.align_source config.engine config.engine_requested config.io_uring_error config.rw config.bs \
	config.qd config.jobs config.duration config.ios config.repeat config.seed env.kernel.seccomp; do
	jget "$tmp/s.json" "$key" >/dev/null
	ok $? "key $key present"
done
is "$(jget "$tmp/s.json" config.size)" "8388608" "config.size is the size used"
is "$(jget "$tmp/s.json" config.direct)" "true" "O_DIRECT by default"
is "$(jget "$tmp/s.json" config.engine)" "io_uring" "io_uring by default where allowed"
missing=""
for m in iops mbps latency cpu_per_io; do
	for k in unit better n min max mean median stddev ci95 samples; do
		jget "$tmp/s.json" "results[name=randread_4k_$m].$k" >/dev/null || missing="$missing $m.$k"
	done
done
for k in p50 p90 p99 p999 pmax; do
	jget "$tmp/s.json" "results[name=randread_4k_latency].$k" >/dev/null || missing="$missing latency.$k"
done
for k in rw bs qd jobs ios reads writes; do
	jget "$tmp/s.json" "results[name=randread_4k_iops].$k" >/dev/null || missing="$missing iops.$k"
done
is "$missing" "" "randread_4k_{iops,mbps,latency,cpu_per_io} with every statistic and percentile"
is "$(jget "$tmp/s.json" 'results[name=randread_4k_iops].unit')" "IOPS" "IOPS unit"
is "$(jget "$tmp/s.json" 'results[name=randread_4k_mbps].unit')" "MB/s" "MB/s unit"
is "$(jget "$tmp/s.json" 'results[name=randread_4k_latency].unit')" "us" "latency in us"
is "$(jget "$tmp/s.json" 'results[name=randread_4k_latency].better')" "lower" "latency: lower is better"
is "$(jget "$tmp/s.json" 'results[name=randread_4k_iops].ios')" "800" "--ios 400 x 2 samples = 800 I/Os"
iops=$(jget "$tmp/s.json" 'results[name=randread_4k_iops].median')
mbps=$(jget "$tmp/s.json" 'results[name=randread_4k_mbps].median')
awk -v i="$iops" -v m="$mbps" 'BEGIN { d = i * 4096 / 1e6 - m; exit !(d < 1e-6 * m && d > -1e-6 * m) }'
ok $? "MB/s = IOPS x 4096 / 1e6 ($iops IOPS, $mbps MB/s)"
p50=$(jget "$tmp/s.json" 'results[name=randread_4k_latency].p50')
p99=$(jget "$tmp/s.json" 'results[name=randread_4k_latency].p99')
awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a > 0 && a <= b) }'
ok $? "latency percentiles ordered (p50 $p50 <= p99 $p99 us)"
grep -q "^randread_4k_iops " "$tmp/table.txt" && grep -q "result: valid" "$tmp/table.txt"
ok $? "summary table on stdout"
[ ! -s "$tmp/err.txt" ]; ok $? "nothing on stderr"
is "$(left)" "" "the created file is removed at the end"

# --- every pattern on both engines, read-back checked
for e in io_uring psync; do
	for rw in read write randread randwrite randrw; do
		"$B" --dir "$d" "${Q[@]}" --engine $e --rw $rw --bs 4k,64k --verify --format json >"$tmp/p.json" 2>"$tmp/p.err"
		ok $? "$e $rw --verify exits 0"
		is "$(jget "$tmp/p.json" config.engine)" "$e" "$e $rw: engine $e ran"
		n4=$(jget "$tmp/p.json" "results[name=${rw}_4k_iops].ios")
		n64=$(jget "$tmp/p.json" "results[name=${rw}_64k_iops].ios")
		is "$n4/$n64" "800/800" "$e $rw: both block sizes ran their I/Os"
		r=$(jget "$tmp/p.json" "results[name=${rw}_4k_iops].reads")
		w=$(jget "$tmp/p.json" "results[name=${rw}_4k_iops].writes")
		case $rw in
		read | randread) want="800/0" ;;
		write | randwrite) want="0/800" ;;
		randrw) want=mixed ;;
		esac
		[ "$want" = mixed ] && [ "${r:-0}" -gt 0 ] && [ "${w:-0}" -gt 0 ] && want="$r/$w"
		is "$r/$w" "$want" "$e $rw: reads/writes"
	done
done
"$B" --dir "$d" "${Q[@]}" --rw randrw:100 --format json >"$tmp/m.json"
is "$(jget "$tmp/m.json" 'results[name=randrw_4k_iops].writes')" "0" "randrw:100 only reads"
"$B" --dir "$d" "${Q[@]}" --rw randrw:0 --format json >"$tmp/m.json"
is "$(jget "$tmp/m.json" 'results[name=randrw_4k_iops].reads')" "0" "randrw:0 only writes"
"$B" --dir "$d" --size 8M --duration 50ms -r 2 --warmup 1 --jobs 2 --qd 4 --format json >"$tmp/t.json"
ok $? "timed run with --jobs 2"
is "$(jget "$tmp/t.json" 'results[name=randread_4k_iops].n')" "2" "timed: 2 samples kept after a warm-up"
# A timed sample starts when its worker is ready: setting up 64 MiB of
# buffers takes longer than 10 ms, and must not use up the sample.
for e in io_uring psync; do
	"$B" --dir "$d" --size 64M --rw read --bs 64m --qd 1 --duration 10ms -r 2 --warmup 0 --engine $e \
		--format json >"$tmp/dl.json" 2>/dev/null
	ok $? "$e: a 10 ms sample after a long set-up exits 0"
	n=$(jget "$tmp/dl.json" 'results[name=read_64m_iops].ios')
	[ "${n:-0}" -ge 2 ]; ok $? "$e: and each sample did its I/O (${n:-none} I/Os in 2 samples)"
done
is "$(left)" "" "no file left behind by any run"

# --- verification catches a corrupted block
GB_FAULT=diskio.corrupt=4194404 "$B" --dir "$d" "${Q[@]}" --rw read --bs 1m --ios 8 --verify --format json \
	>"$tmp/v.json" 2>"$tmp/v.err"
is "$?" "1" "a corrupted block: exit 1"
is "$(jget "$tmp/v.json" valid)" "false" "valid: false"
jget "$tmp/v.json" invalid_reasons | grep -q "read_1m: read-back of offset 4194304: checksum mismatch"
ok $? "the read that met it names offset 4194304"
jget "$tmp/v.json" invalid_reasons | grep -q "verify: read-back of offset 4194304"
ok $? "the final read-back names it too"
GB_FAULT=diskio.corrupt=4194404 "$B" --dir "$d" "${Q[@]}" --rw randread --ios 1 --engine psync --verify --format json \
	>"$tmp/v.json" 2>/dev/null
is "$?" "1" "psync: a corrupted block missed by the random reads is caught by the read-back"
GB_FAULT=diskio.corrupt=4194404 "$B" --dir "$d" "${Q[@]}" --rw read --bs 1m --ios 8 --format json >"$tmp/v.json" 2>/dev/null
is "$?" "0" "without --verify nothing is checked (so the check above is what caught it)"
is "$(left)" "" "failed runs remove their file too"

# --- io_uring refused the way container runtimes refuse it
for e in EPERM ENOSYS; do
	"$S" $e io_uring_setup,io_uring_enter,io_uring_register -- "$B" --dir "$d" "${Q[@]}" --verify \
		--format json >"$tmp/u.json" 2>"$tmp/u.err"
	ok $? "io_uring refused with $e: auto still exits 0"
	is "$(jget "$tmp/u.json" config.engine)" "psync" "$e: fell back to psync"
	is "$(jget "$tmp/u.json" config.io_uring_error)" "$e" "$e: the errno is recorded"
	jget "$tmp/u.json" config.io_uring_refusal | grep -q seccomp; ok $? "$e: the reason names seccomp"
	jget "$tmp/u.json" warnings | grep -q "psync engine"; ok $? "$e: a warning says psync ran"
	is "$(jget "$tmp/u.json" 'results[name=randread_4k_iops].ios')" "800" "$e: psync measured"
	"$S" $e io_uring_setup,io_uring_enter,io_uring_register -- "$B" --dir "$d" "${Q[@]}" --engine io_uring \
		>/dev/null 2>"$tmp/u.err"
	is "$?" "3" "$e: --engine io_uring exits 3"
	grep -q "seccomp" "$tmp/u.err"; ok $? "$e: and says why"
done
"$S" EPERM io_uring_enter -- "$B" --dir "$d" "${Q[@]}" --format json >"$tmp/u.json" 2>/dev/null
is "$(jget "$tmp/u.json" config.engine)" "psync" "only io_uring_enter refused: caught by the probe"
is "$(left)" "" "no file left behind, and none created before exit 3"

# --- --file: read-only unless --allow-write, never changed
f=$tmp/precious.dat
head -c 8388608 /dev/urandom >"$f"
sum0=$(sha256sum <"$f"); m0=$(stat -c '%s %Y' "$f")
"$B" --file "$f" --ios 400 -r 2 --warmup 0 --rw read --bs 4k,1m --format json >"$tmp/f.json"
ok $? "--file: read jobs run without --allow-write"
is "$(jget "$tmp/f.json" config.created)" "false" "--file: not created by gb-diskio"
"$B" --file "$f" --ios 400 -r 2 --warmup 0 --rw randread --engine psync -q; ok $? "--file: psync reads"
for rw in write randwrite randrw; do
	"$B" --file "$f" --ios 400 -r 2 --rw $rw 2>"$tmp/e"
	is "$?" "2" "--file --rw $rw without --allow-write: exit 2"
done
grep -q -- "--allow-write" "$tmp/e"; ok $? "the message names --allow-write"
"$B" --file "$f" --ios 400 -r 2 --verify 2>/dev/null; is "$?" "2" "--file --verify without --allow-write: exit 2"
"$B" --file "$f" --size 1G 2>/dev/null; is "$?" "3" "--file --size beyond the file: exit 3 (never extended)"
is "$(sha256sum <"$f")" "$sum0" "--file: content unchanged (sha256)"
is "$(stat -c '%s %Y' "$f")" "$m0" "--file: size and mtime unchanged"
"$B" --file "$f" --ios 400 -r 1 --warmup 0 --rw randwrite --allow-write -q
ok $? "--file --allow-write: writes run"
[ "$(sha256sum <"$f")" != "$sum0" ]; ok $? "and did change the file (so the checks above can fail)"
is "$(stat -c %s "$f")" "8388608" "--allow-write never truncates or extends"
"$B" --file "$f" --ios 400 -r 1 --warmup 0 --rw randrw --allow-write --verify -q
ok $? "--file --allow-write --verify: stamped, then checked"

# --- usage errors touch nothing
echo precious >"$tmp/keep.json"
for args in "" "--dir $d --file $f" "--dir $d --rw bogus" "--dir $d --bs 1000" "--dir $d --bs 4k,,8k" \
	"--dir $d --qd 0" "--dir $d --preset felter --bs 4k" "--dir $d --keep --file $f" "--dir $d --allow-write" \
	"--dir $d --engine aio" "--dir $d --rw randrw:101"; do
	# shellcheck disable=SC2086
	"$B" $args -o "$tmp/keep.json" 2>/dev/null
	is "$?" "2" "usage error: '$args' exits 2"
done
is "$(cat "$tmp/keep.json")" "precious" "a usage error never touches the -o file"
is "$(left)" "" "and creates no test file"
"$B" --dir "$tmp/nonexistent" 2>/dev/null; is "$?" "2" "--dir that does not exist: exit 2"
"$B" --dir "$d" --size 100T 2>"$tmp/e"; is "$?" "3" "--size beyond the free space: exit 3"
is "$(left)" "" "before creating anything"
"$B" --help | grep -q "felter"; ok $? "--help lists the presets"

# --- --keep, and cleanup on SIGTERM
"$B" --dir "$d" "${Q[@]}" --keep -q; ok $? "--keep runs"
ls "$d" | grep -q '^gb-diskio-.*\.dat$'; ok $? "--keep leaves the file"
rm -f "$d"/*
"$B" --dir "$d" --size 8M --duration 30s -q &
pid=$!
for _ in $(seq 50); do [ -n "$(left)" ] && break; sleep 0.1; done
sleep 0.3
kill -TERM $pid; wait $pid
is "$?" "143" "SIGTERM ends a run"
is "$(left)" "" "and its file is removed"

# --- it never touches what it was not given (issue 15)
# SIGINT with --keep leaves the file; without --keep removes it.
rm -f "$d"/*
wait_file() {	# wait_file DIR: the name of the file gb-diskio created there
	local i
	for i in $(seq 100); do
		[ -n "$(ls -A "$1")" ] && { ls -A "$1"; return 0; }
		sleep 0.1
	done
	return 1
}
"$B" --dir "$d" --size 8M --duration 30s -r 1 --warmup 0 --keep -q &
pid=$!
wait_file "$d" >/dev/null; sleep 0.3
kill -INT $pid; wait $pid
is "$?" "130" "SIGINT ends a --keep run"
ls "$d" | grep -q '^gb-diskio-.*\.dat$'; ok $? "SIGINT with --keep leaves the file"
rm -f "$d"/*
"$B" --dir "$d" --size 8M --duration 30s -r 1 --warmup 0 -q &
pid=$!
wait_file "$d" >/dev/null; sleep 0.3
kill -INT $pid; wait $pid
is "$?" "130" "SIGINT ends a run"
is "$(left)" "" "SIGINT without --keep removes the file"

# --dir replaced by a symlink to another directory while the run goes on:
# the removal (on a signal, and at the normal end) must not follow it.
for how in SIGTERM end; do
	w=$tmp/w-$how v=$tmp/victim-$how
	rm -rf "$w" "$v"; mkdir -p "$w/d" "$v"
	if [ $how = SIGTERM ]; then
		"$B" --dir "$w/d" --size 8M --duration 30s -r 1 --warmup 0 -q &
	else
		"$B" --dir "$w/d" --size 8M --duration 2s -r 1 --warmup 0 -q &
	fi
	pid=$!
	name=$(wait_file "$w/d")
	mv "$w/d" "$w/d.orig" && ln -s "$v" "$w/d"
	echo precious >"$v/$name"
	[ $how = SIGTERM ] && kill -TERM $pid
	wait $pid
	is "$(cat "$v/$name" 2>&1)" "precious" "$how: --dir swapped for a symlink: nothing removed where it points"
	is "$(ls -A "$w/d.orig")" "" "$how: the file it created is removed from where it was created"
done

# --file decided on the descriptor, not on the path: the path is swapped
# for a FIFO while the first stat of it is held (strace delays it).
if strace -o /dev/null true 2>/dev/null; then
	r=$tmp/race; mkdir "$r"
	head -c 8388608 /dev/urandom >"$r/a.dat"; mkfifo "$r/fifo"; ln -s a.dat "$r/link"
	(timeout 20 strace -f -o "$r/st.log" -P "$r/link" -e trace=newfstatat,statx,openat \
		-e inject=newfstatat:delay_exit=1500000:when=1 \
		"$B" --file "$r/link" --rw read --ios 100 -r 1 --warmup 0 -q 2>"$r/err"; echo $? >"$r/rc") &
	spid=$!
	for _ in $(seq 100); do grep -q DELAYED "$r/st.log" 2>/dev/null && break; sleep 0.05; done
	ln -s fifo "$r/link.new" && mv -T "$r/link.new" "$r/link"
	wait $spid
	is "$(cat "$r/rc")" "0" "--file swapped for a FIFO after it was opened: the opened file is measured (no hang)"
	"$B" --file "$r/fifo" --rw read --ios 100 -r 1 --warmup 0 -q 2>"$r/err" &
	pid=$!
	for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -0 $pid 2>/dev/null && { kill $pid; echo "# hung on the FIFO"; }
	wait $pid
	is "$?" "2" "--file FIFO: refused at once (exit 2), never waited on"
	grep -q "not a regular file or a block device" "$r/err"; ok $? "and the message says why"
else
	skip "strace cannot trace here" "--file swapped after the stat"
	skip "strace cannot trace here" "--file FIFO"
	skip "strace cannot trace here" "--file FIFO message"
fi

# A block device: writes only where nothing else uses it (O_EXCL: a
# mounted one is EBUSY).  A loop device over a small ext4 image, mounted
# in a mount namespace of our own.
loopdev=
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null &&
	unshare -m true 2>/dev/null && truncate -s 64M "$tmp/loop.img" &&
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$tmp/loop.img" 2>/dev/null &&
	loopdev=$(losetup -f --show "$tmp/loop.img" 2>/dev/null) && [ -b "$loopdev" ]; then
	trap 'losetup -d "$loopdev" 2>/dev/null; rm -rf "$tmp"' EXIT
	mkdir "$tmp/mnt"
	unshare -m sh -c "mount '$loopdev' '$tmp/mnt' || exit 99
		'$B' --file '$loopdev' --rw randwrite --allow-write --ios 100 -r 1 --warmup 0 -q 2>'$tmp/lw.err'; echo \$? >'$tmp/lw.rc'
		'$B' --file '$loopdev' --rw randread --ios 100 -r 1 --warmup 0 --format json >'$tmp/lr.json' 2>'$tmp/lr.err'; echo \$? >'$tmp/lr.rc'
		umount '$tmp/mnt'"
	is "$(cat "$tmp/lw.rc")" "3" "mounted block device, --allow-write: refused (exit 3)"
	grep -q "in use" "$tmp/lw.err"; ok $? "the message says it is in use ($(cat "$tmp/lw.err"))"
	e2fsck -fn "$tmp/loop.img" >/dev/null 2>&1; ok $? "the mounted filesystem is intact (e2fsck)"
	is "$(cat "$tmp/lr.rc")" "0" "mounted block device, read-only: reading it is allowed"
	jget "$tmp/lr.json" warnings | grep -q "in use"; ok $? "with a warning that it is in use"
	"$B" --file "$loopdev" --rw randwrite --allow-write --ios 100 -r 1 --warmup 0 --format json >"$tmp/lu.json"
	ok $? "unmounted block device, --allow-write: writes run"
	is "$(jget "$tmp/lu.json" config.fstype)" "block device" "and it is measured as a block device"
	losetup -d "$loopdev"; loopdev=
else
	for w in "mounted: refused" "message" "fs intact" "read-only allowed" "warning" "unmounted writes" "block device"; do
		skip "needs root, losetup, mkfs.ext4 and unshare -m (loop devices)" "block device: $w"
	done
fi

# --- O_DIRECT refused
GB_FAULT=diskio.no_direct "$B" --dir "$d" "${Q[@]}" >/dev/null 2>"$tmp/e"
is "$?" "3" "O_DIRECT refused: exit 3, no silent buffered run"
grep -q -- "--buffered" "$tmp/e"; ok $? "the message points at --buffered"
is "$(left)" "" "the refused run removes its file"
GB_FAULT=diskio.no_direct "$B" --dir "$d" "${Q[@]}" --buffered --format json >"$tmp/b.json"
ok $? "--buffered runs"
is "$(jget "$tmp/b.json" config.direct)" "false" "--buffered: direct false in the result"
jget "$tmp/b.json" warnings | grep -q "page cache"; ok $? "--buffered: warned"
# A real tmpfs: Linux >= 6.6 accepts O_DIRECT there (then the hook above is
# the refusal test); older kernels refuse it and must exit 3.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	unshare -m sh -c "mount -t tmpfs -o size=64m none '$d' && '$B' --dir '$d' ${Q[*]} --format json >'$tmp/tm.json' 2>'$tmp/tm.err'; echo \$? >'$tmp/tm.rc'; ls -A '$d' >'$tmp/tm.left'"
	rc=$(cat "$tmp/tm.rc")
	if [ "$rc" = 0 ]; then
		is "$(jget "$tmp/tm.json" config.fstype)/$(jget "$tmp/tm.json" config.direct)" "tmpfs/true" \
			"tmpfs accepts O_DIRECT on this kernel ($(uname -r)): measured, direct"
		jget "$tmp/tm.json" warnings | grep -q "tmpfs"; ok $? "tmpfs: warned that it is memory"
	else
		is "$rc" "3" "tmpfs refuses O_DIRECT on this kernel ($(uname -r)): exit 3"
		grep -q "tmpfs" "$tmp/tm.err"; ok $? "the message names tmpfs"
	fi
	[ ! -s "$tmp/tm.left" ]; ok $? "tmpfs: no file left behind"
	unshare -m sh -c "mount -t tmpfs -o size=16m none '$d' && '$B' --dir '$d' --size 32M 2>/dev/null; echo \$? >'$tmp/tm.rc'"
	is "$(cat "$tmp/tm.rc")" "3" "a 16 MiB tmpfs and --size 32M: exit 3"
else
	skip "needs root and unshare -m" "tmpfs O_DIRECT"
fi

# --- presets: the job lists (tiny runs)
"$B" --dir "$d" --preset felter --size 8M --ios 256 -r 1 --warmup 0 --format json >"$tmp/fe.json"
ok $? "--preset felter runs"
got=$(jget "$tmp/fe.json" 'results#')
is "$got" "24" "felter: 6 jobs x 4 metrics"
for m in read_1m write_1m randread_4k randwrite_4k randrw_4k randread_4k_qd16; do
	jget "$tmp/fe.json" "results[name=${m}_iops]" >/dev/null || echo "# missing $m"
done
is "$(jget "$tmp/fe.json" 'results[name=randread_4k_iops].qd')/$(jget "$tmp/fe.json" 'results[name=randread_4k_qd16_iops].qd')" \
	"128/16" "felter: randread at QD 128 and QD 16"
is "$(jget "$tmp/fe.json" 'results[name=randrw_4k_iops].read_pct')" "70" "felter: randrw 70/30"
"$B" --dir "$d" --preset li --size 8M --ios 16 -r 1 --warmup 0 --format json >"$tmp/li.json"
ok $? "--preset li runs"
is "$(jget "$tmp/li.json" 'results#')" "64" "li: 16 jobs x 4 metrics"
is "$(jget "$tmp/li.json" 'results[name=randwrite_256k_iops].qd')" "1" "li: one I/O in flight"
is "$(left)" "" "presets leave no file"
done_testing
