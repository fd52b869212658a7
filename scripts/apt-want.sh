#!/bin/sh
# apt-want.sh PKG:FILE... - apt-get install each PKG whose FILE is missing.
# Shared by deps.sh (build) and test-deps.sh (tests).
set -eu
missing=""
for pair in "$@"; do
	pkg=${pair%%:*}
	path=${pair#*:}
	[ -e "$path" ] || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0
echo "guestbench: installing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "guestbench: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || echo "guestbench: apt-get update failed; trying the install anyway" >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
