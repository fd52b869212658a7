#!/usr/bin/env bash
# Matrix case 13: the image of `make image` (scripts/image.sh, built here
# from bin/guestbench) loaded into Podman (`podman load`) and run with runc
# the way users run it, `guestbench suite --quick` in three modes:
#  13a  the defaults: Podman's seccomp profile, a bridge network (netavark
#       or CNI, whichever this Podman uses)
#  13b  --network host
#  13c  --security-opt seccomp=unconfined (bridge network)
# Every document valid; the fingerprint says podman, seccomp mode 2 (13c:
# the mode this script itself runs under, 0 on a plain host); every
# benchmark ran or is skipped with a reason.  The network mode shows in
# netlat's addresses: a gb-netlat server on the host side's 127.0.0.1 is
# reached from the container at 127.0.0.1 with --network host only; on the
# bridge that is the container's own loopback (exit 3, "connection
# refused") and the host is reached at the bridge's gateway address.
#
# Nothing is left behind: the whole test runs in a mount and a network
# namespace of its own (the bridge, its firewall rules and ip_forward live
# and die there; tmpfs over /run and /var/lib/containers hide Podman's
# fixed state paths, tests/lib/containers.sh), Podman's storage is under a
# temporary --root/--runroot, and the containers' cgroups (--cgroup-parent
# gbpodman<pid>) are removed at the end.
#
# Why --ulimit: Podman as root asks runc for RLIMIT_NOFILE 1048576 and a
# large RLIMIT_NPROC; raising a hard limit above the caller's needs
# CAP_SYS_RESOURCE, which a sandbox may not have, and then every run fails
# with "error setting rlimit type 7" (6 = NPROC, 7 = NOFILE).  Limits
# within the host's hard limits always work (docs/how-to-compare.md).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/containers.sh"
NS="unshare --mount --net --propagation private"

if [ "${1:-}" != --in-namespaces ]; then
	why=
	if [ "$(id -u)" != 0 ]; then why="needs root (rootful Podman; rootless Podman is another network stack)"
	else
		for t in podman runc umoci skopeo; do
			command -v $t >/dev/null || { why="$t is not installed (scripts/test-deps.sh installs it)"; break; }
		done
	fi
	if [ -z "$why" ] && ! $NS true 2>"/tmp/gbpodman.$$"; then
		why="cannot create a mount and a network namespace: $(tail -1 "/tmp/gbpodman.$$")"
	fi
	rm -f "/tmp/gbpodman.$$"
	# shellcheck disable=SC2093
	[ -z "$why" ] && exec $NS bash "$0" --in-namespaces
	. "$(dirname "$0")/../lib/matrix.sh"
	for c in "13a podman: seccomp, bridge" "13b podman: seccomp, --network host" "13c podman: unconfined, bridge"; do
		mx_case "${c%% *}" "${c#* }"
		mx_skip_case "$why"
	done
	done_testing; exit
fi

. "$(dirname "$0")/../lib/matrix.sh"
tmp=$mx_tmp cg=gbpodman$$ G=$GB_BIN/guestbench SPID=
export TMPDIR=$tmp/t; mkdir -p "$TMPDIR"	# podman load's scratch files, not /var/tmp
P=(podman --root "$tmp/root" --runroot "$tmp/runroot" --tmpdir "$tmp/libpod"
	--network-config-dir "$tmp/net" --cgroup-manager cgroupfs --events-backend none)
# within the host's hard limits (see the top); RLIMIT_NPROC is not
# enforced for root of the initial user namespace anyway
hn=$(ulimit -Hn); [ "$hn" != unlimited ] && [ "$hn" -lt 1024 ] || hn=1024
RUN=(run --rm --runtime runc --cgroup-parent "/$cg" --ulimit "nofile=$hn:$hn" --ulimit nproc=1024:1024)
cleanup() {
	[ -n "$SPID" ] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
	SPID=
	"${P[@]}" rm -af -t 0 >/dev/null 2>&1
	"${P[@]}" rmi -af >/dev/null 2>&1
	# podman's overlay mounts are in this mount namespace; unmount before rm
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r | xargs -r umount -l
	local d
	for d in /sys/fs/cgroup/*/"$cg"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

skip_all() {	# WHY: every case skipped
	local c
	for c in "13a podman: seccomp, bridge" "13b podman: seccomp, --network host" "13c podman: unconfined, bridge"; do
		mx_case "${c%% *}" "${c#* }"; mx_skip_case "$1"
	done
	done_testing; exit
}
ctr_hide_state && ip link set lo up ||
	skip_all "cannot mount a tmpfs over /run or bring lo up in a new namespace"
# podman info sets up the storage driver (overlay: a kernel without it,
# or a root it cannot mount on, ends here)
"${P[@]}" info >/dev/null 2>"$tmp/info.err" ||
	skip_all "podman cannot start here: $(grep -v '^$' "$tmp/info.err" | tail -1 | cut -c1-160)"

# --- the image, loaded from the OCI archive and from the docker-archive
"$GB_ROOT/scripts/image.sh" "$tmp/img" "$G" >"$tmp/img.out" 2>&1
ok $? "scripts/image.sh builds the image"
sed 's/^/#   /' "$tmp/img.out"
id=$(sed -n 's/^id sha256://p' "$tmp/img/guestbench-image.txt")
version=$("$G" --version | awk '{ print $2 }')
for a in oci docker; do
	"${P[@]}" load -q -i "$tmp/img/guestbench-$a.tar" >"$tmp/load.out" 2>&1
	ok $? "podman load -i guestbench-$a.tar: $(tail -1 "$tmp/load.out")"
	"${P[@]}" image ls --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' >"$tmp/images"
	grep -q "^sha256:$id .*guestbench:$version$" "$tmp/images"; ok $? "the image ID is the config digest make image printed"
done
IMG=localhost/guestbench:$version	# the OCI archive's name
"${P[@]}" image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$IMG" >"$tmp/label" 2>&1
is "$(cat "$tmp/label")" "$version" "podman sees the version label"
backend=$("${P[@]}" info --format '{{.Host.NetworkBackend}}' 2>/dev/null)
echo "# $(podman --version), runtime runc $(runc --version | awk 'NR == 1 { print $3 }'), network backend ${backend:-unknown}"

# --- can Podman run a container here at all?  (a chroot, a kernel
# without overlayfs or namespaces: skip with Podman's own words)
timeout -k 5 120 "${P[@]}" "${RUN[@]}" "$IMG" --version >"$tmp/probe" 2>"$tmp/probe.err"
if [ $? -ne 0 ]; then
	why="Podman cannot run a container here: $(grep -v '^$' "$tmp/probe.err" | tail -1 | cut -c1-160)"
	# limits above the host's are this script's mistake, not the host's
	rlimit=$(grep -c "error setting rlimit" "$tmp/probe.err")
	[ "$rlimit" -gt 0 ] && ok 1 "podman run with --ulimit nofile=$hn:$hn nproc=1024:1024: $why"
	[ "$rlimit" -gt 0 ] || skip_all "$why"
	for c in "13a podman: seccomp, bridge" "13b podman: seccomp, --network host" "13c podman: unconfined, bridge"; do
		mx_case "${c%% *}" "${c#* }"
		for b in $(bench_list); do mx_row "$b" fail "$why"; done
	done
	done_testing; exit
fi
grep -q "^guestbench $version " "$tmp/probe"; ok $? "podman run IMAGE --version: the entrypoint is guestbench"

# The failure the --ulimit options avoid, as users meet it: where the
# limits cannot be raised, the message they must recognise
hard=$(ulimit -Hn)
if ! (( (0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24) & 1 )) &&
	[ "$hard" != unlimited ] && [ "$hard" -lt 1048576 ]; then
	"${P[@]}" run --rm --runtime runc --cgroup-parent "/$cg" "$IMG" --version >/dev/null 2>"$tmp/rl.err"
	rc=$?
	[ $rc -ne 0 ] && grep -q "error setting rlimit type [67]" "$tmp/rl.err"
	ok $? "without --ulimit (no CAP_SYS_RESOURCE, hard nofile $hard): exit $rc, 'error setting rlimit type N'"
else
	skip "Podman may raise the limits here (CAP_SYS_RESOURCE, or hard nofile $hard)" "the rlimit failure without --ulimit"
fi

# --- a gb-netlat server on this side's addresses (the namespace is ours:
# its only interfaces are lo and the bridge Podman adds)
"$GB_BIN/gb-netlat" server --bind 0.0.0.0 --port 0 --timeout 5s >"$tmp/srv.out" 2>&1 &
SPID=$!
for _ in $(seq 50); do
	PORT=$(sed -n 's/.*:\([0-9]*\) (max.*/\1/p' "$tmp/srv.out"); [ -n "$PORT" ] && break; sleep 0.1
done
[ -n "$PORT" ]; ok $? "a gb-netlat server on the host side (port ${PORT:-none})"
gw=
client() {	# NAME ADDR PODMAN-ARGS...: netlat client ADDR:PORT from the container -> $tmp/NAME.json, rc
	local n=$1 a=$2; shift 2
	timeout -k 5 120 "${P[@]}" "${RUN[@]}" "$@" "$IMG" netlat client "$a:$PORT" --quick --test tcp_rr -o - \
		>"$tmp/$n.json" 2>"$tmp/$n.err"
}

# --- the three modes
host_seccomp=$(awk '/^Seccomp:/ { print $2 }' /proc/self/status)
for mode in 13a 13b 13c; do
	case $mode in
	13a) title="podman: seccomp, bridge" args=() want_sc=2 net=bridge ;;
	13b) title="podman: seccomp, --network host" args=(--network host) want_sc=2 net=host ;;
	13c) title="podman: unconfined, bridge" args=(--security-opt seccomp=unconfined) want_sc=$host_seccomp net=bridge ;;
	esac
	mx_case "$mode" "$title"
	doc=$tmp/$mode.json
	timeout -k 5 300 "${P[@]}" "${RUN[@]}" "${args[@]}" "$IMG" suite --quick --label "podman-$mode" -o - \
		>"$doc" 2>"$tmp/$mode.err"
	rc=$?
	f0=$_tap_failed
	is "$rc" 0 "case $mode: podman run ${args[*]} IMAGE suite --quick: exit status"
	[ $rc -eq 0 ] || sed 's/^/#   stderr: /' "$tmp/$mode.err" | tail -5
	if jget "$doc" >/dev/null 2>&1; then
		is "$(jget "$doc" schema)" "guestbench-suite/1" "case $mode: a suite document"
		is "$(jget "$doc" valid)" true "case $mode: valid"
		is "$(jget "$doc" env.container.runtime)" podman "case $mode: the fingerprint says podman"
		is "$(jget "$doc" env.kernel.seccomp)" "$want_sc" "case $mode: seccomp mode $want_sc"
		is "$(jget "$doc" env.container.is_pid1)" true "case $mode: guestbench is the container's PID 1"
	else
		ok 1 "case $mode: the output is JSON"
	fi
	docfail=$((_tap_failed - f0)) doclast=$_tap_lastfail

	# the network mode, seen from netlat: the host side's loopback server
	# is reachable at 127.0.0.1 only when the network is the host's
	f0=$_tap_failed
	if [ -n "$PORT" ]; then
		client "$mode-lo" 127.0.0.1 "${args[@]}"; rc=$?
		if [ $net = host ]; then
			is "$rc" 0 "case $mode: netlat client 127.0.0.1 reaches the host's server"
			is "$(jget "$tmp/$mode-lo.json" config.server)" "127.0.0.1:$PORT" "case $mode: config.server is the host's loopback"
			is "$(jget "$tmp/$mode-lo.json" valid)" true "case $mode: and the result is valid"
			note="--network host: 127.0.0.1:$PORT is the host's server"
		else
			is "$rc" 3 "case $mode: netlat client 127.0.0.1: exit 3 (the container's own loopback)"
			grep -q "connection refused" "$tmp/$mode-lo.err"; ok $? "case $mode: connection refused: $(head -1 "$tmp/$mode-lo.err")"
			[ -z "$gw" ] && gw=$("${P[@]}" network inspect podman --format '{{range .Subnets}}{{.Gateway}}{{end}}' 2>/dev/null)
			if [ -n "$gw" ]; then
				client "$mode-gw" "$gw" "${args[@]}"
				is "$?" 0 "case $mode: netlat client reaches the host at the bridge's gateway $gw"
				is "$(jget "$tmp/$mode-gw.json" config.server)" "$gw:$PORT" "case $mode: config.server is $gw:$PORT"
				is "$(jget "$tmp/$mode-gw.json" valid)" true "case $mode: and the result is valid"
			else
				ok 1 "case $mode: podman network inspect names the bridge's gateway"
			fi
			note="bridge: own loopback; host reached at ${gw:-?}:$PORT"
		fi
	fi
	netfail=$((_tap_failed - f0)) netlast=$_tap_lastfail

	# one row per benchmark, from its run in the suite document
	for b in $(bench_list); do
		f0=$_tap_failed MX_NOTE=
		if [ $docfail -gt 0 ]; then
			mx_row "$b" fail "$doclast"; continue
		fi
		if reason=$(jget "$doc" "skipped[bench=$b].reason" 2>/dev/null); then
			skip "$reason" "case $mode gb-$b"
			mx_row "$b" skip "$reason"; continue
		fi
		if ! jget "$doc" "runs[bench=$b]" >/dev/null 2>&1; then
			ok 1 "case $mode gb-$b: in the document's runs or skipped"
			mx_row "$b" fail "$_tap_lastfail"; continue
		fi
		is "$(jget "$doc" "runs[bench=$b].schema")" "guestbench/1" "case $mode gb-$b: a guestbench/1 document"
		is "$(jget "$doc" "runs[bench=$b].valid")" true "case $mode gb-$b: valid"
		if [ "$b" = netlat ]; then
			is "$(jget "$doc" "runs[bench=$b].config.mode").$(jget "$doc" "runs[bench=$b].config.server")" \
				"loopback.127.0.0.1" "case $mode gb-netlat: the suite's run is on the container's loopback"
			MX_NOTE=$note
			if [ "$netfail" -gt 0 ] && [ "$_tap_failed" -eq "$f0" ]; then
				mx_row "$b" fail "$netlast"; continue
			fi
		fi
		_mx_f0=$f0; mx_end "$b"
	done
done

# --- the campaign recipe (docs/how-to-compare.md, "Campaigns"): a
# long-lived container whose PID 1 waits (netlat's server), launches by
# podman exec, interleaved with native ones
name=gb$$
if timeout -k 5 120 "${P[@]}" "${RUN[@]}" -d --name "$name" "$IMG" netlat server --port 0 >/dev/null 2>"$tmp/d.err"; then
	"$G" rounds --rounds 2 --quick --only syscall --env native="$G" \
		--env podman="${P[*]} exec $name guestbench" -o "$tmp/campaign.json" >"$tmp/r.out" 2>"$tmp/r.err"
	is "$?" 0 "guestbench rounds, native vs podman exec, 2 rounds of syscall --quick: exit 0"
	sed 's/^/#   /' "$tmp/r.err" | head -5
	is "$(grep -c '"status": "ok"' "$tmp/campaign.json")" 4 "every launch ok"
	is "$(jget "$tmp/campaign.json" 'launches[env=podman].document.env.container.runtime')" podman \
		"the podman launch's fingerprint says podman"
	is "$(jget "$tmp/campaign.json" 'launches[env=podman].document.env.kernel.seccomp')" 2 "and seccomp mode 2"
	"${P[@]}" stop -t 5 "$name" >/dev/null 2>&1; ok $? "podman stop: the waiting PID 1 ends on SIGTERM"
else
	ok 1 "podman run -d (the campaign's container): $(tail -1 "$tmp/d.err")"
fi

# --- nothing left: no container, no cgroup, no conmon
"${P[@]}" ps -aq >"$tmp/ps" 2>&1
[ ! -s "$tmp/ps" ]; ok $? "no container left (every run was --rm)"
cleanup
trap 'rm -rf "$tmp"' EXIT
left=$(ls -d /sys/fs/cgroup/*/"$cg" 2>/dev/null)
[ -z "$left" ]; ok $? "the containers' cgroups are removed${left:+: $left}"
pgrep -f -- "$tmp/" >/dev/null; is "$?" 1 "no conmon or container process left"
done_testing
