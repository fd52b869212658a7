#!/usr/bin/env bash
# new-bench.sh - adding a benchmark takes exactly the steps docs/design.md
# gives, and nothing else: a folder with <name>_main, one line in
# registry/benches.c, one word in the Makefile's BENCHES.  A throw-away
# benchmark "hello" is added that way to a copy of the tree (the build's
# objects copied along, so only the new files compile) and must then be
# a gb-hello binary, a `guestbench hello` applet, and a run of the suite.
# Also: common/ includes nothing from the folders above it.
. "$(dirname "$0")/../lib/tap.sh"
cd "$GB_ROOT" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- layers: every #include "x" in common/ names a file of common/
bad=$(grep -ho '#include "[^"]*"' common/*.c common/*.h | sed 's/#include "\(.*\)"/\1/' | sort -u |
	while read -r h; do [ -f "common/$h" ] || echo "$h"; done)
is "$bad" "" "common/ includes only its own headers (no benchmark, registry or suite header)"
pat=$(make -s list-benches | sed 's/\([a-z]*\)/\1_main/g; s/ /\\|/g')
bad=$(grep -l "\($pat\)" common/*.c common/*.h 2>/dev/null | tr '\n' ' ')
is "$bad" "" "common/ names no benchmark entry point ($pat)"

# --- the throw-away benchmark
copy=$tmp/tree
mkdir -p "$copy"
git ls-files -z | xargs -0 cp --parents -a -t "$copy" 2>/dev/null
cp -a build bin common/libgbcommon.a "$copy/" 2>/dev/null
mv "$copy/libgbcommon.a" "$copy/common/"
rm -rf "$copy/build/test-logs"

mkdir -p "$copy/hello"
cat >"$copy/hello/hello.h" <<'EOF'
/* hello.h - a throw-away benchmark made by tests/build/new-bench.sh. */
int hello_main(int argc, char **argv);
EOF
cat >"$copy/hello/hello.c" <<'EOF'
/* hello.c - sums 1..N and times it: the least a benchmark does. */
#include <stdlib.h>

#include "cli.h"
#include "clock.h"
#include "hello.h"
#include "report.h"

int hello_main(int argc, char **argv)
{
	long long n = 0;
	const gb_opt opts[] = {
		{ .name = "n", .type = GB_OPT_INT, .dest = &n, .def = "100000", .quick = "1000",
		  .min = 1, .max = 1e9, .metavar = "N", .help = "terms to add" },
		GB_OPT_END,
	};
	const gb_cli_spec spec = { .prog = "gb-hello", .bench = "hello", .summary = "adds numbers",
				   .common = GB_C_RUN, .opts = opts };
	gb_cli cli;
	int rc = gb_cli_parse(&cli, &spec, argc, argv);
	if (rc)
		return gb_cli_exit(rc);
	gb_report r;
	gb_report_init(&r, &cli);
	if (cli.c.plan)
		return gb_report_finish(&r);
	double *t = calloc((size_t)cli.c.repeat, sizeof *t);
	for (int k = 0; k < cli.c.repeat; k++) {
		uint64_t t0 = gb_now_ns();
		volatile unsigned long long s = 0;
		for (long long i = 1; i <= n; i++)
			s += (unsigned long long)i;
		t[k] = (double)(gb_now_ns() - t0);
		if (s != (unsigned long long)n * (unsigned long long)(n + 1) / 2)
			gb_report_fail(&r, "wrong sum");
	}
	gb_report_metric(&r, "sum", "ns", GB_LOWER, t, (size_t)cli.c.repeat);
	free(t);
	gb_cli_free(&cli);
	return gb_report_finish(&r);
}
EOF
# the one line in the table, the one word in the Makefile
sed -i 's/^\(\tX(syscall, .*\)$/\1\n\tX(hello,        "",                   "sum",                                          0) \\/' \
	"$copy/registry/benches.c"
sed -i 's/^BENCHES := \(.*\)$/BENCHES := \1 hello/' "$copy/Makefile"
grep -q 'X(hello,' "$copy/registry/benches.c"; ok $? "the table line went in"

make -s -C "$copy" -j2 all >"$tmp/build.log" 2>&1
ok $? "the tree with the new benchmark builds" || sed 's/^/#   /' "$tmp/build.log" | tail -20
[ -x "$copy/bin/gb-hello" ]; ok $? "bin/gb-hello exists"
"$copy/bin/gb-hello" --quick -o "$tmp/h.json" -q
ok $? "gb-hello --quick runs"
is "$(jget "$tmp/h.json" bench)" "hello" "its document names the benchmark"
is "$(jget "$tmp/h.json" config.n)" "1000" "its --quick value came from its option row"
"$copy/bin/guestbench" --list | grep -qx hello; ok $? "guestbench --list has it"
"$copy/bin/guestbench" hello -q -o "$tmp/h2.json"; ok $? "guestbench hello runs it"
"$copy/bin/guestbench" suite --quick --only hello -q -o "$tmp/s.json"
ok $? "the suite runs it"
is "$(jget "$tmp/s.json" 'runs[bench=hello].results[name=sum].unit')" "ns" "and embeds its result"
is "$(make -s -C "$copy" list-benches | tr ' ' '\n' | grep -c '^hello$')" "1" "make list-benches has it"

done_testing
