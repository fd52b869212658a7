#!/usr/bin/env bash
# tests/lib/netns-add.sh, the probe the network-namespace tests (bench/netlat,
# bench/startup) skip on: usable namespaces pass it, and a plain chroot -
# where `ip netns add` works but `ip netns exec` cannot make / a slave mount -
# is refused with the reason, leaving no namespace behind.
. "$(dirname "$0")/../lib/tap.sh"
P=$GB_ROOT/tests/lib/netns-add.sh
tmp=$(mktemp -d)
# the chroot below bind-mounts /usr read-only in a mount namespace of its
# own; should that mount ever be seen here, it is unmounted before rm
trap 'umount "$tmp/root/proc" "$tmp/root/usr" "$tmp/root/dev/null" 2>/dev/null; rm -rf "$tmp"' EXIT

# without ip at all, and with an ip that refuses the add (a fake one)
mkdir -p "$tmp/none" "$tmp/fake"
why=$(PATH=$tmp/none "$BASH" "$P" "gbpr$$"); rc=$?
is "$rc/$why" "1/ip (iproute2) missing" "no ip: exit 1, says so"
printf '#!/bin/sh\necho "mount --make-shared /run/netns failed: Operation not permitted" >&2\nexit 1\n' >"$tmp/fake/ip"
chmod +x "$tmp/fake/ip"
why=$(PATH=$tmp/fake:$PATH "$BASH" "$P" "gbpr$$"); rc=$?
is "$rc/$why" "1/ip netns add refused: mount --make-shared /run/netns failed: Operation not permitted" \
	"ip netns add refused: exit 1, with ip's message"

if [ "$(id -u)" != 0 ]; then
	skip "needs root (ip netns)" "the probe on this host and in a chroot"
	done_testing; exit
fi
if ! command -v ip >/dev/null || ! unshare --mount true 2>/dev/null; then
	skip "needs ip (iproute2) and a mount namespace (unshare --mount)" "the probe on this host and in a chroot"
	done_testing; exit
fi

# this host: usable wherever the tests run (an exit 1 here names why)
why=$("$BASH" "$P" "gbpr$$"); rc=$?
is "$rc" "0" "here: usable (${why:-no message})"
ip netns list | grep -qw "gbpr$$"; ok $? "here: the namespace is left for the caller"
ip netns del "gbpr$$" 2>/dev/null

# a chroot whose / is no mount point, built in a private mount namespace:
# this system's /usr (ip, bash) under an empty directory
r=$tmp/root
mkdir -p "$r/usr" "$r/proc" "$r/run" "$r/tmp" "$r/dev"; : >"$r/dev/null"
for d in bin sbin lib lib64; do [ -e "/usr/$d" ] && ln -s "usr/$d" "$r/$d"; done
cp "$P" "$r/tmp/netns-add.sh"
unshare --mount sh -c '
	mount --make-rprivate / && mount --bind /usr "$1/usr" && mount -o remount,bind,ro "$1/usr" &&
		mount -t proc proc "$1/proc" && mount --bind /dev/null "$1/dev/null" || exit 9
	chroot "$1" bash /tmp/netns-add.sh "$2" >"$1/why"; echo $? >"$1/rc"
	ls "$1/run/netns" 2>/dev/null >"$1/left"' sh "$r" "gbpr$$"
is "$(cat "$r/rc" 2>/dev/null)" "1" "a plain chroot: refused ($(cat "$r/why" 2>/dev/null))"
grep -q "^ip netns exec refused: ." "$r/why"; ok $? "it names the step that failed and ip's reason"
[ -f "$r/left" ] && [ ! -s "$r/left" ]; ok $? "it leaves no namespace behind"
done_testing
