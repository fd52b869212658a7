#!/usr/bin/env bash
# jsonl.sh - `--format jsonl` (docs/json.md "JSON Lines"): every benchmark
# and the suite write one line per metric; each line parses on its own
# (Perl's JSON::PP: what a loader without jansson would use), carries the
# keys loaders index on, and there are as many lines as the JSON document
# of the same command has results.  `-o FILE.jsonl` selects it by the
# extension (common/output's one rule), and a usage error names jsonl among
# the formats.  Runs are --quick: this checks the rendering, not speed.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/benches.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
G=$GB_BIN/guestbench

if ! perl -MJSON::PP -e 1 2>/dev/null; then
	skip "perl's JSON::PP is not installed" "JSON Lines"
	done_testing; exit
fi

# FILE: "LINES BAD" - lines, and lines that do not parse alone or lack a key
check_lines() {
	perl -MJSON::PP -e '
		my @keys = qw(schema timestamp bench name value stat unit better n mean cv valid labels);
		my @labels = qw(label version environment container hypervisor cpu_model kernel arch cpus cpu_quota);
		my ($n, $bad) = (0, 0);
		while (my $l = <STDIN>) {
			$n++;
			my $o = eval { JSON::PP->new->decode($l) };
			if (!$o || ref $o ne "HASH") { $bad++; print STDERR "line $n: not an object: $@"; next; }
			my @miss = grep { !exists $o->{$_} } @keys;
			push @miss, map { "labels.$_" } grep { !exists $o->{labels}{$_} } @labels
				if ref $o->{labels} eq "HASH";
			push @miss, "schema" if ($o->{schema} // "") ne "guestbench-metric/1";
			push @miss, "better" if ($o->{better} // "") !~ /^(higher|lower)$/;
			if (@miss) { $bad++; print STDERR "line $n: missing or wrong: @miss\n"; }
		}
		print "$n $bad\n";' <"$1"
}

# The number of results in a guestbench/1 or suite document.
results_of() {
	perl -MJSON::PP -0777 -ne '
		my $d = JSON::PP->new->decode($_);
		my @runs = $d->{schema} eq "guestbench-suite/1" ? @{$d->{runs}} : ($d);
		my $n = 0; $n += @{$_->{results}} for @runs; print "$n\n";' "$1"
}

# --- every benchmark: -o FILE.jsonl (the extension) and the JSON document
for b in $(bench_list); do
	mkdir -p "$tmp/dir-$b"
	args=$(quick_args "$b" "$tmp/dir-$b" | sed 's/--format json//')
	# shellcheck disable=SC2086
	"$GB_BIN/gb-$b" $args --label "jsonl-$b" -q -o "$tmp/$b.jsonl"
	rc=$?
	if [ $rc = 3 ]; then
		skip "gb-$b cannot run here (exit 3)" "gb-$b --format jsonl"
		continue
	fi
	# shellcheck disable=SC2086
	"$GB_BIN/gb-$b" $args --label "jsonl-$b" -q -o "$tmp/$b.json"
	read -r n bad < <(check_lines "$tmp/$b.jsonl")
	[ "$n" -gt 0 ] && [ "$bad" = 0 ]; ok $? "gb-$b -o FILE.jsonl: $n lines, each parses alone with every key"
	is "$n" "$(results_of "$tmp/$b.json")" "gb-$b: as many lines as its JSON document has results"
	grep -q "\"label\":\"jsonl-$b\"" "$tmp/$b.jsonl"; ok $? "gb-$b: --label in every line's labels"
done

# --- the same rendering on stdout with --format jsonl
"$GB_BIN/gb-syscall" --quick --only getpid,read --format jsonl >"$tmp/s.out"
read -r n bad < <(check_lines "$tmp/s.out")
is "$n $bad" "2 0" "gb-syscall --only getpid,read --format jsonl: two good lines on stdout"
perl -MJSON::PP -ne 'my $o = decode_json($_); exit 1 unless $o->{bench} eq "syscall" && $o->{unit} eq "ns"
	&& $o->{better} eq "lower" && $o->{value} > 0 && $o->{n} > 0' "$tmp/s.out"
ok $? "each says bench syscall, unit ns, better lower, a positive value and n"

# --- the suite: one line per metric of every run
"$G" suite --quick --only syscall,startup --label fleet-node -q -o "$tmp/suite.jsonl"
"$G" suite --quick --only syscall,startup --label fleet-node -q -o "$tmp/suite.json"
read -r n bad < <(check_lines "$tmp/suite.jsonl")
[ "$n" -gt 0 ] && [ "$bad" = 0 ]; ok $? "guestbench suite -o FILE.jsonl: $n lines, each parses alone with every key"
is "$n" "$(results_of "$tmp/suite.json")" "the suite: as many lines as its document has results, all runs"
benches=$(perl -MJSON::PP -ne 'print decode_json($_)->{bench}, "\n"' "$tmp/suite.jsonl" | sort -u | tr '\n' ' ')
is "$benches" "startup syscall " "lines of both benchmarks"

# --- usage: a wrong format names jsonl among the choices
"$GB_BIN/gb-syscall" --format xml >/dev/null 2>"$tmp/err"
is "$?" 2 "--format xml: usage error"
grep -q "jsonl" "$tmp/err"; ok $? "the message lists jsonl"

done_testing
