#!/bin/sh
# apt-want.sh [--list|--missing] PKG:FILE... - apt-get install each PKG
# whose FILE is missing.  Shared by deps.sh (build) and test-deps.sh (tests).
#   --list     print every PKG, one a line (what tests/build/link-deps.sh
#              checks the link lines and the tests' tools against)
#   --missing  print the PKGs whose FILE is missing, install nothing (the
#              Makefile asks this to decide whether a build must wait for
#              `make deps`)
set -eu
mode=install
case ${1:-} in --list|--missing) mode=${1#--}; shift ;; esac
missing=""
for pair in "$@"; do
	pkg=${pair%%:*}
	path=${pair#*:}
	[ "$mode" = list ] && { echo "$pkg"; continue; }
	[ -e "$path" ] || missing="$missing $pkg"
done
[ "$mode" = list ] && exit 0
[ "$mode" = missing ] && { [ -z "$missing" ] || echo "${missing# }"; exit 0; }
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
# apt and dpkg chatter goes to a log, shown only when the install fails
log=${TMPDIR:-/tmp}/guestbench-apt.$$.log
$SUDO apt-get update -qq >"$log" 2>&1 || echo "guestbench: apt-get update failed; trying the install anyway" >&2
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >>"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "guestbench: apt-get install failed:$missing" >&2
	exit 1
fi
rm -f "$log"
echo "guestbench: installed$missing" >&2
