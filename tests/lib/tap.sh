# tests/lib/tap.sh - TAP helpers for the shell tests (source it).
#   ok COND_STATUS "what"       ok $? "..." after a command
#   check "what" CMD...         run CMD; ok if it exits 0
#   is GOT WANT "what"
#   skip "why" "what"
#   done_testing                prints the plan; exit status = failures
# Paths: $GB_BIN (binaries), $GB_TOOLS (jget), $GB_ROOT.
: "${GB_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${GB_BIN:=$GB_ROOT/bin}" "${GB_TOOLS:=$GB_ROOT/build/tests}"
_tap_n=0 _tap_failed=0 _tap_lastfail=

ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
		_tap_lastfail=$2
	fi
}

check() {
	local what=$1; shift
	"$@"
	ok $? "$what"
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got '$1', want '$2'"
	fi
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $2 # SKIP $1"
}

jget() { "$GB_TOOLS/jget" "$@"; }

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
