#!/usr/bin/env bash
# The build's promises: every gb-* and guestbench is static and built for
# baseline x86-64 (no -march=native anywhere), `make run` prints the
# suite's table and writes results/<label>.json (a guestbench-suite/1
# document with a run of every benchmark), `make install` installs them all.
. "$(dirname "$0")/../lib/tap.sh"
cd "$GB_ROOT" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for b in $(make -s list-benches | sed 's|[^ ]*|bin/gb-&|g') bin/guestbench; do
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

rm -f results/gbtest.json
out=$(make -s run LABEL=gbtest 2>&1)
ok $? "make run succeeds"
echo "$out" | grep -q "^syscall .*getpid"; ok $? "make run prints the suite's table"
echo "$out" | grep -q "^result: valid"; ok $? "the table ends with the verdict"
jget results/gbtest.json >/dev/null; ok $? "make run writes results/gbtest.json"
is "$(jget results/gbtest.json schema)" "guestbench-suite/1" "it is a suite document"
is "$(jget results/gbtest.json label)" "gbtest" "LABEL= reaches the suite"
is "$(jget results/gbtest.json quick)" "true" "make run is the quick suite"
for n in $(make -s list-benches); do
	is "$(jget results/gbtest.json "runs[bench=$n].label")" "gbtest" "the $n run is there, labelled"
done
rm -f results/gbtest.json

make -s install PREFIX=/usr DESTDIR="$tmp/dest" >/dev/null
ok $? "make install with DESTDIR"
for b in $(make -s list-benches); do
	[ -x "$tmp/dest/usr/bin/gb-$b" ]; ok $? "installed gb-$b"
done
[ -x "$tmp/dest/usr/bin/guestbench" ]; ok $? "installed guestbench"
done_testing
