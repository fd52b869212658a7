#!/usr/bin/env bash
# gb-compare: exit statuses, formats, malformed input, SVG validity, and
# two real gb-syscall --quick runs that must pair up completely.
. "$(dirname "$0")/../lib/tap.sh"
B=$GB_BIN/gb-compare
F=$GB_ROOT/tests/fixtures/compare
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Not skipped when missing: gb-compare is part of the build (TOOLS).
[ -x "$B" ]; ok $? "bin/gb-compare is built (make TOOLS=compare)"
[ -x "$B" ] || { done_testing; exit; }

# --- fixtures with known ratios and verdicts
"$B" "$F/base.json" "$F/other.json" >"$tmp/t.txt" 2>"$tmp/e.txt"
is "$?" "0" "a comparison with a slower metric still exits 0 (verdicts never set the status)"
grep -Eq '^fake +lat +ns \(lower\) +100 +200 +2\.000 +\+100\.0% .* one run each \(within run: slower\)$' "$tmp/t.txt"
ok $? "table: lat x2, one run each (within run: slower)"
grep -Eq '^fake +bw .* 1\.500 .* one run each \(within run: faster\)$' "$tmp/t.txt"; ok $? "table: bw x1.5 (within run: faster)"
grep -Eq '^fake +noisy .* \(within run: no significant difference\)$' "$tmp/t.txt"; ok $? "table: noisy (within run: no difference)"
grep -q "one run each: host drift not measured" "$tmp/t.txt"; ok $? "one run each: the table says host drift was not measured"
! grep -Eq ' (slower|faster)$' "$tmp/t.txt"; ok $? "and never claims slower/faster from within-run samples"
[ ! -s "$tmp/e.txt" ]; ok $? "nothing on stderr"

"$B" "$F/base.json" "$F/other.json" "$F/mismatch.json" >"$tmp/m.txt"
grep -q "configuration differs between native and kvm: threads 2 vs 8" "$tmp/m.txt"; ok $? "config mismatch warned"
grep -q "(config differs!)" "$tmp/m.txt"; ok $? "mismatched pairs marked in the table"
grep -q "THP differs: madvise (native) vs never (kvm)" "$tmp/m.txt"; ok $? "THP fingerprint difference"
grep -q "fake/noisy (kvm: blocked by seccomp)" "$tmp/m.txt"; ok $? "missing metric with its reason"
"$B" --format json "$F/base.json" "$F/mismatch.json" >"$tmp/m.json" 2>"$tmp/m.err"
grep -q "warning: fake: configuration differs" "$tmp/m.err"; ok $? "with JSON on stdout the warning goes to stderr"

"$B" --format json "$F/base.json" "$F/other.json" >"$tmp/c.json"
is "$(jget "$tmp/c.json" schema)" "guestbench-compare/1" "JSON schema"
is "$(jget "$tmp/c.json" 'comparisons[0].metrics[name=lat].ratio')" "2" "JSON ratio"
is "$(jget "$tmp/c.json" 'comparisons[0].metrics[name=bw].verdict')" "one run each: host drift not measured" "JSON verdict"
is "$(jget "$tmp/c.json" 'comparisons[0].metrics[name=bw].within_run_verdict')" "faster" "JSON within-run verdict"
"$B" --format csv "$F/base.json" "$F/other.json" | head -1 | grep -q '^base,label,bench,metric,unit,better,'
ok $? "CSV header"
"$B" --format markdown "$F/base.json" "$F/other.json" | grep -q '^| fake | lat | ns (lower) |'
ok $? "Markdown row"
# --format jsonl: one line per pair, each a JSON object on its own
"$B" --format jsonl "$F/base.json" "$F/other.json" >"$tmp/c.jsonl"
is "$(wc -l <"$tmp/c.jsonl" | tr -d ' ')" "$(jget "$tmp/c.json" 'comparisons[0].metrics#')" "JSON Lines: one line per pair"
perl -MJSON::PP -ne 'my $o = decode_json($_); exit 1 unless $o->{schema} eq "guestbench-compare-metric/1"
	&& exists $o->{value} && $o->{labels}{base} eq "native" && $o->{labels}{other} eq "docker"' "$tmp/c.jsonl"
ok $? "each line parses alone, with the ratio as value and both labels"
grep -q '"name":"lat","value":2,' "$tmp/c.jsonl"; ok $? "lat: value 2 (the ratio)"
"$B" "$F/suite-a.json" "$F/suite-b.json" | grep -q "other/x (gvisor: no /dev/shm here)"
ok $? "suite documents: skipped benchmark reported with its reason"
"$B" -q -o "$tmp/out.json" "$F/base.json" "$F/other.json" >"$tmp/q.txt"
is "$?$(cat "$tmp/q.txt")" "0" "-q -o FILE.json: nothing on stdout"
is "$(jget "$tmp/out.json" schema)" "guestbench-compare/1" "-o FILE.json is JSON by its extension"

# --- SVG
"$B" -q --svg "$tmp/c.svg" "$F/base.json" "$F/other.json" "$F/mismatch.json" 2>/dev/null
ok $? "--svg runs"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/c.svg" 2>"$tmp/x.err"; ok $? "SVG is well-formed XML (xmllint)"
	grep -q 'xmlns="http://www.w3.org/2000/svg"' "$tmp/c.svg"; ok $? "SVG namespace"
	! grep -Eq 'href|<script|@import|url\(' "$tmp/c.svg"; ok $? "no external assets or scripts"
else
	skip "xmllint not installed (apt-get install libxml2-utils)" "SVG is well-formed XML"
fi
for l in fake lat bw noisy docker kvm; do
	grep -q ">$l<" "$tmp/c.svg" || { echo "# no label $l"; false; }
	ok $? "SVG shows $l"
done
grep -q "docker, kvm vs native (base)" "$tmp/c.svg"; ok $? "SVG title names the environments"

# --- errors: exit 2 with file:line:column, never a partial output
echo keep >"$tmp/keep.json"
"$B" -o "$tmp/keep.json" "$F/base.json" "$F/malformed.json" 2>"$tmp/e"
is "$?" "2" "malformed JSON exits 2"
grep -q "malformed.json:4:8: " "$tmp/e"; ok $? "message names file:line:column ($(head -1 "$tmp/e"))"
is "$(cat "$tmp/keep.json")" "keep" "-o file untouched after an input error"
"$B" "$F/base.json" "$F/truncated.json" 2>"$tmp/e"
is "$?" "2" "truncated JSON exits 2"
grep -Eq "truncated.json:[0-9]+:[0-9]+: " "$tmp/e"; ok $? "truncated: file:line:column"
head -c 0 >"$tmp/empty.json"; "$B" "$F/base.json" "$tmp/empty.json" 2>/dev/null; is "$?" "2" "empty file exits 2"
"$B" "$F/base.json" "$F/not-a-result.json" 2>/dev/null; is "$?" "2" "not a result exits 2"
"$B" "$F/base.json" "$tmp/nope.json" 2>/dev/null; is "$?" "2" "missing file exits 2"
"$B" "$F/base.json" 2>/dev/null; is "$?" "2" "one environment exits 2"
"$B" 2>/dev/null; is "$?" "2" "no file exits 2"
"$B" --format xml "$F/base.json" "$F/other.json" 2>"$tmp/e"; is "$?" "2" "bad --format exits 2"
grep -q -- "--format" "$tmp/e"; ok $? "message names --format"
"$B" --alpha 0.9 "$F/base.json" "$F/other.json" 2>/dev/null; is "$?" "2" "--alpha out of range exits 2"
printf '{"schema":"guestbench/1","bench":"zzz","label":"z","results":[{"name":"m","better":"lower","samples":[1,2]}]}' >"$tmp/z.json"
"$B" "$F/base.json" "$tmp/z.json" >/dev/null 2>"$tmp/e"; is "$?" "1" "no metric in common exits 1"
grep -q "no metric in common" "$tmp/e"; ok $? "and says so"
"$B" --help | grep -q -- "--svg"; ok $? "--help lists --svg"


# --- launches: a campaign (paired by round), files by hand (unpaired)
C=$F/campaign-effect.json
"$B" "$C" >"$tmp/k.txt" 2>"$tmp/k.err"; is "$?" "0" "a campaign file alone compares (exit 0)"
grep -Eq '^syscall +getpid .* 6/6, 6 paired .* slower$' "$tmp/k.txt"; ok $? "campaign: getpid +5 % under drift, paired: slower"
grep -Eq '^syscall +cpuid .* equivalent$' "$tmp/k.txt"; ok $? "campaign: cpuid equivalent"
grep -q "seccomp vs native (base)" "$tmp/k.txt"; ok $? "the campaign's first environment is the base"
grep -q "startup round 3, position 2: timeout: killed after --timeout 120 s" "$tmp/k.txt"; ok $? "failed launch listed"
grep -q "disturbed runs (kept; --drop-disturbed leaves them out) of native (1):" "$tmp/k.txt"; ok $? "disturbed run listed"
"$B" --drop-disturbed "$C" >"$tmp/d.txt"; grep -q "disturbed runs (dropped) of native (1):" "$tmp/d.txt"
ok $? "--drop-disturbed says how many it dropped"
grep -Eq '^syscall +getpid .* 5/6, 5 paired ' "$tmp/d.txt"; ok $? "and pairs the rounds left"
"$B" --base seccomp "$C" | grep -q "native vs seccomp (base)"; ok $? "--base NAME"
"$B" --base nope "$C" 2>"$tmp/e" >/dev/null; is "$?" "2" "--base with no such environment exits 2"
grep -q "no environment of that name (there are: native, seccomp)" "$tmp/e"; ok $? "and names the environments"
"$B" --margin 10 "$C" | grep -Eq '^syscall +getpid .* equivalent$'; ok $? "--margin 10: the 5 % effect is equivalent"
"$B" --margin -1 "$C" >/dev/null 2>&1; is "$?" "2" "--margin -1 exits 2"
"$B" --format json "$C" >"$tmp/k.json"
is "$(jget "$tmp/k.json" 'comparisons[0].metrics[name=getpid].design')" "paired by round" "JSON: design"
is "$(jget "$tmp/k.json" 'comparisons[0].verdicts.slower')" "6" "JSON: verdict counts"
is "$(jget "$tmp/k.json" 'margin_pct')" "3" "JSON: margin"
is "$(jget "$tmp/k.json" 'comparisons[0].other.failed#')" "1" "JSON: failed launches"
"$B" --format csv "$C" >"$tmp/k.csv"
head -1 "$tmp/k.csv" | grep -q ',verdict,config_mismatch,design,launches_base,'; ok $? "CSV: new columns appended"
grep -q '^native,seccomp,syscall,getpid,.*,slower,,paired by round,6,6,6,' "$tmp/k.csv"; ok $? "CSV: getpid row"
"$B" --format markdown "$C" | grep -q '^| syscall | getpid | ns (lower) |.*| slower |$'; ok $? "Markdown: getpid row"
"$B" "$F/campaign-aa.json" >"$tmp/aa.txt"; grep -q "15 metrics paired: 0 faster, 0 slower, 15 equivalent" "$tmp/aa.txt"
ok $? "A/A campaign under 20 % drift: nothing faster or slower"
"$B" "$F"/hand-native-*.json "$F"/hand-docker-*.json >"$tmp/h.txt"; is "$?" "0" "files by hand, three per label"
grep -Eq '^syscall +getpid .* 3/3 ' "$tmp/h.txt"; ok $? "three launches a side"
"$B" -q --svg "$tmp/k.svg" "$C"; ok $? "--svg of a campaign"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/k.svg"; ok $? "campaign SVG is well-formed XML"
else
	skip "xmllint not installed (apt-get install libxml2-utils)" "campaign SVG is well-formed XML"
fi
grep -q "launches paired by round" "$tmp/k.svg"; ok $? "SVG says how the intervals were made"
for b in syscall stream startup; do grep -q "font-weight=\"bold\">$b<" "$tmp/k.svg"; ok $? "SVG: a panel for $b"; done
grep -q ">slower &#215;1.05" "$tmp/k.svg"; ok $? "SVG: each row marked with its verdict and ratio"
printf '{"schema":"guestbench-campaign/1","envs":[{"name":"a"},{"name":"b"}],"launches":[{"env":"a","round":1,"status":"ok","document":{"schema":"guestbench/1","bench":"x","label":"a","results":[{"name":"m","better":"lower","samples":[1,2]}]}},{"env":"b","round":1,"status":"failed","exit":127,"reason":"no such program"}]}' >"$tmp/f.json"
"$B" "$tmp/f.json" >/dev/null 2>"$tmp/e"; is "$?" "1" "a campaign whose other environment never ran exits 1"
grep -q "no metric in common" "$tmp/e"; ok $? "and says so"

# --- inputs that must not exhaust the machine: refused, exit 2, file named
timeout 120 "$B" /dev/zero "$F/base.json" >/dev/null 2>"$tmp/e"
is "$?" "2" "/dev/zero as a result file exits 2 (no OOM)"
grep -q "/dev/zero: more than 256 MiB" "$tmp/e"; ok $? "and says why ($(head -1 "$tmp/e"))"
mkfifo "$tmp/fifo"
yes '[0,' >"$tmp/fifo" 2>/dev/null & yes_pid=$!
timeout 120 "$B" "$F/base.json" "$tmp/fifo" >/dev/null 2>"$tmp/e"
is "$?" "2" "an endless FIFO exits 2"
kill "$yes_pid" 2>/dev/null; wait "$yes_pid" 2>/dev/null
grep -q "fifo: more than 256 MiB" "$tmp/e"; ok $? "the FIFO is read up to the cap only"
truncate -s 300M "$tmp/huge.json"
"$B" "$F/base.json" "$tmp/huge.json" >/dev/null 2>"$tmp/e"
is "$?" "2" "a 300 MiB file exits 2"
grep -q "huge.json: 314572800 bytes, more than gb-compare reads (256 MiB)" "$tmp/e"; ok $? "refused by its size"
"$B" "$F/base.json" "$tmp" >/dev/null 2>"$tmp/e"; is "$?" "2" "a directory exits 2"
grep -q "is a directory" "$tmp/e"; ok $? "and says so"
printf '{"schema":"guestbench/1","config":%s%s}' "$(printf '[%.0s' $(seq 100))" "$(printf ']%.0s' $(seq 100))" >"$tmp/deep.json"
"$B" "$F/base.json" "$tmp/deep.json" >/dev/null 2>"$tmp/e"; is "$?" "2" "100 levels of nesting exit 2"
grep -q "deep.json:1: nested more than 64 deep" "$tmp/e"; ok $? "and say so"

# --- two real runs of the same binary pair up completely
S=$GB_BIN/gb-syscall
if [ -x "$S" ]; then
	"$S" --quick -q --label one -o "$tmp/a.json" && "$S" --quick -q --label two -o "$tmp/b.json"
	ok $? "two gb-syscall --quick runs"
	"$B" --format json "$tmp/a.json" "$tmp/b.json" >"$tmp/r.json"
	is "$?" "0" "gb-compare on them exits 0"
	n=$(jget "$tmp/a.json" 'results#')
	is "$(jget "$tmp/r.json" 'comparisons[0].metrics#')" "$n" "every metric of a.json paired ($n)"
	is "$(jget "$tmp/r.json" 'comparisons[0].missing#')" "0" "none missing"
	is "$(jget "$tmp/r.json" 'comparisons[0].extra#')" "0" "none extra"
	is "$(jget "$tmp/r.json" 'warnings#')" "0" "no configuration mismatch between identical runs"
	is "$(jget "$tmp/r.json" 'comparisons[0].fingerprint#')" "0" "no fingerprint difference on one machine"
else
	skip "bin/gb-syscall not built" "two real runs pair up"
fi
# --- a fleet (--fleet): usage and refusals on hand-made documents
mkdir -p "$tmp/fl"
for h in a b c; do
	sed "s/\"label\": *\"[^\"]*\"/\"label\": \"host-$h\"/" "$F/base.json" >"$tmp/fl/host-$h.json"
done
"$B" --fleet "$tmp/fl" >"$tmp/fl.txt" 2>"$tmp/e"
is "$?" "0" "--fleet DIR: its *.json files are hosts"
grep -q "^fleet of 3 hosts" "$tmp/fl.txt"; ok $? "the table says how many hosts"
"$B" --fleet --format json "$tmp/fl"/host-*.json >"$tmp/fl.json"
is "$(jget "$tmp/fl.json" schema)" "guestbench-fleet/1" "--fleet --format json: guestbench-fleet/1"
is "$(jget "$tmp/fl.json" 'hosts#')" "3" "three hosts in the JSON"
"$B" --fleet -q -o "$tmp/fl.md" "$tmp/fl"; grep -q '^| bench | metric |' "$tmp/fl.md"; ok $? "-o FILE.md: Markdown by its extension"
"$B" --fleet --format csv "$tmp/fl" | head -1 | grep -q '^bench,metric,unit,better,host,value,x_median,'
ok $? "--fleet --format csv: one row per metric and host"
"$B" --fleet -q -o "$tmp/fl.jsonl" "$tmp/fl"
n=$(jget "$tmp/fl.json" 'metrics#')
is "$(wc -l <"$tmp/fl.jsonl" | tr -d ' ')" "$((n * 3))" "--fleet -o FILE.jsonl: one line per metric and host"
perl -MJSON::PP -ne 'my $o = decode_json($_); exit 1 unless $o->{schema} eq "guestbench-fleet-metric/1"
	&& $o->{labels}{label} =~ /^host-[abc]$/ && exists $o->{fleet}{p90}' "$tmp/fl.jsonl"
ok $? "each line parses alone, labelled with its host, the fleet's quantiles beside"
sed 's/"version": *"[^"]*"/"version": "9.9.9"/' "$tmp/fl/host-c.json" >"$tmp/fl/host-d.json"
"$B" --fleet "$tmp/fl" >/dev/null 2>"$tmp/e"
is "$?" "2" "--fleet with mixed versions exits 2"
grep -q "mixed versions: .*host-d.json was written by guestbench 9.9.9" "$tmp/e"; ok $? "and names the file and version"
rm "$tmp/fl/host-d.json"
sed "s/\"label\": *\"[^\"]*\"/\"label\": \"host-e\"/" "$F/suite-a.json" >"$tmp/fl/host-e.json"
"$B" --fleet "$tmp/fl" >/dev/null 2>"$tmp/e"
is "$?" "2" "--fleet with mixed benchmarks exits 2"
grep -q "mixed benchmarks" "$tmp/e"; ok $? "and says so"
rm "$tmp/fl/host-e.json"
"$B" --fleet "$F/campaign-one.json" >/dev/null 2>"$tmp/e"; is "$?" "2" "--fleet with a campaign exits 2"
grep -q "campaign holds launches" "$tmp/e"; ok $? "and says why"
"$B" --fleet "$tmp/fl/host-a.json" >/dev/null 2>"$tmp/e"; is "$?" "2" "--fleet with one host exits 2"
"$B" --fleet --base host-a "$tmp/fl" >/dev/null 2>"$tmp/e"; is "$?" "2" "--fleet --base: usage error"
"$B" --slowest 2 "$F/base.json" "$F/other.json" >/dev/null 2>"$tmp/e"; is "$?" "2" "--slowest without --fleet: usage error"
mkdir -p "$tmp/empty"
"$B" --fleet "$tmp/empty" >/dev/null 2>"$tmp/e"; is "$?" "2" "--fleet on a folder without .json files exits 2"

# --- a simulated fleet: 20 "hosts" are 20 runs of a cheap benchmark, each
# under its own cgroup CPU limit; the most throttled must come out slowest.
# Quotas on a 20 ms period: three hosts at 0.05-0.12 CPU, seventeen at
# 0.6 CPU or more (gb-syscall --only getpid,read is one thread).  Samples
# of 10 ms (--min-time) outlast a quota of 1-2.4 ms, so every sample of a
# throttled host waits: with the 2 ms of --quick, the batch calibration
# itself was sometimes throttled and a metric escaped.
fleet_cgroups() {	# prints the reason and returns 1 when groups cannot be made
	[ "$(id -u)" -eq 0 ] || { echo "needs root to create cgroups"; return 1; }
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then CG=/sys/fs/cgroup CGV=2
	else CG=/sys/fs/cgroup/cpu CGV=1; fi
	mkdir "$CG/gbtest-fleet.$$" 2>/dev/null || { echo "cannot create a cgroup in $CG"; return 1; }
}
if why=$(fleet_cgroups) && [ -x "$GB_BIN/gb-syscall" ]; then
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then CG=/sys/fs/cgroup CGV=2; else CG=/sys/fs/cgroup/cpu CGV=1; fi
	top=$CG/gbtest-fleet.$$
	trap 'for g in "$top"/h*; do rmdir "$g"; done 2>/dev/null; rmdir "$top" 2>/dev/null; rm -rf "$tmp"' EXIT
	[ $CGV = 2 ] && echo +cpu >"$top/cgroup.subtree_control" 2>/dev/null
	mkdir -p "$tmp/fleet"
	quotas="0.05 0.08 0.12 0.60 0.70 0.80 0.90 1.00 1.10 1.20 1.30 1.40 1.50 1.60 1.70 1.80 1.90 2.00 2.10 2.20"
	i=0 failed=0
	for q in $quotas; do
		i=$((i + 1)); name=$(printf 'node-%02d' "$i"); g=$top/h$i
		mkdir "$g"
		us=$(awk -v q="$q" 'BEGIN { printf "%d", q * 20000 }')
		if [ $CGV = 2 ]; then echo "$us 20000" >"$g/cpu.max"
		else echo 20000 >"$g/cpu.cfs_period_us" && echo "$us" >"$g/cpu.cfs_quota_us"; fi || failed=1
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$g" \
			"$GB_BIN/gb-syscall" --quick -r 5 --min-time 10ms --only getpid,read --label "$name" -q -o "$tmp/fleet/$name.json" || failed=1
	done
	is "$failed" 0 "20 runs of gb-syscall --quick --only getpid,read, each in a cgroup with its own CPU quota"
	jget "$tmp/fleet/node-01.json" env.cgroup.cpu_quota | awk '{ exit !($1 > 0.049 && $1 < 0.051) }'
	ok $? "node-01's fingerprint shows its quota (0.05 CPU)"
	"$B" --fleet --slowest 3 --format json "$tmp/fleet" >"$tmp/fleet.json"
	is "$?" "0" "gb-compare --fleet on the 20 documents"
	is "$(jget "$tmp/fleet.json" 'hosts#')" "20" "20 hosts, named by their labels"
	slow=$(for r in 0 1 2; do jget "$tmp/fleet.json" "hosts[$r].host"; done | sort | tr '\n' ' ')
	is "$slow" "node-01 node-02 node-03 " "the three slowest hosts are the three most throttled (0.05, 0.08, 0.12 CPU)"
	for m in getpid read; do
		# per metric, one throttled run may escape (its batch calibration ran
		# while throttled, or a busy machine hid the quota): two of three must show
		n=$(jget "$tmp/fleet.json" "metrics[name=$m].slowest" | grep -oE '"node-0[123]"' | sort -u | wc -l)
		[ "$n" -ge 2 ]; ok $? "$m: its 3 slowest hosts include at least 2 of the 3 most throttled ($n)"
	done
	"$B" --fleet "$tmp/fleet" >"$tmp/fleet.txt"
	grep -Eq '^1 +node-0[123] ' "$tmp/fleet.txt"; ok $? "the table ranks a throttled host first"
	sed -n '/^disturbed runs of node-01/,/^$/p' "$tmp/fleet.txt" | grep -q "CPU quota throttled"
	ok $? "and says, under the slowest hosts, that node-01's run was throttled"
	[ $failed = 0 ] || cat "$tmp/fleet.txt"
else
	skip "${why:-bin/gb-syscall not built}" "a simulated fleet of 20 cgroup-limited runs"
fi

done_testing
