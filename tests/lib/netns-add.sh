#!/usr/bin/env bash
# netns-add.sh NAME - create the network namespace NAME for a test, and
# check that a command runs in it.  `ip netns add` is not enough: `ip netns
# exec` first makes / a slave mount in a new mount namespace, and where /
# is no mount point (a plain chroot) that fails, '"mount --make-rslave /"
# failed: Invalid argument', after the add succeeded.  Exit 0: NAME is
# there and usable (the caller deletes it).  Exit 1: NAME is not there, and
# stdout says why, for the caller's SKIP.
name=$1
command -v ip >/dev/null || { echo "ip (iproute2) missing"; exit 1; }
if ! err=$(ip netns add "$name" 2>&1); then
	echo "ip netns add refused: ${err%%$'\n'*}"
	exit 1
fi
if ! err=$(ip netns exec "$name" true 2>&1); then
	ip netns del "$name" 2>/dev/null
	echo "ip netns exec refused: ${err%%$'\n'*}"
	exit 1
fi
exit 0
