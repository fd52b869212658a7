#!/usr/bin/env bash
# The build's promises: every gb-* is static and built for baseline
# x86-64 (no -march=native anywhere), `make run` prints the table and
# writes results/<label>-<bench>.json, `make install` installs them all.
. "$(dirname "$0")/../lib/tap.sh"
cd "$GB_ROOT" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for n in $(make -s list-benches); do
	b=bin/gb-$n
	file "$b" | grep -q "statically linked"; ok $? "$b is statically linked"
	readelf -d "$b" 2>/dev/null | grep -q "NEEDED"; ok $((!$?)) "$b needs no shared library"
	readelf -l "$b" | grep -q "INTERP"; ok $((!$?)) "$b has no program interpreter"
done
grep -rn --include=Makefile --include='*.mk' --include='*.c' --include='*.h' -e '-march=native' \
	Makefile common */ >/dev/null 2>&1
ok $((!$?)) "no -march=native in the build or the sources"
cmds=$(make -s -n -B all)
echo "$cmds" | grep -q -e ' -c ' ; ok $? "dry run shows the compile lines"
echo "$cmds" | grep -q -e '-march=' ; ok $((!$?)) "no -march= on any compile line"

out=$(make -s run LABEL=gbtest 2>&1)
ok $? "make run succeeds"
echo "$out" | grep -q "^getpid "; ok $? "make run prints the table"
for n in $(make -s list-benches); do
	jget "results/gbtest-$n.json" >/dev/null; ok $? "make run writes results/gbtest-$n.json"
	is "$(jget "results/gbtest-$n.json" label)" "gbtest" "LABEL= reaches the $n result"
done
rm -f results/gbtest-*.json

make -s install PREFIX=/usr DESTDIR="$tmp/dest" >/dev/null
ok $? "make install with DESTDIR"
for b in $(make -s list-benches); do
	[ -x "$tmp/dest/usr/bin/gb-$b" ]; ok $? "installed gb-$b"
done
done_testing
