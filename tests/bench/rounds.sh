#!/usr/bin/env bash
# guestbench rounds: usage errors; the order of launches (abba, random,
# fixed); failing, hanging and lying environments recorded with their
# reasons; {args} and shell commands; same work everywhere (the plans);
# the guestbench-campaign/1 document; a real campaign natively, against a
# runc container (root), and as PID 1 of a QEMU microVM.
#
# Most checks use a fake environment: a script that answers like
# guestbench would (a plan, or a one-metric document) and logs the words
# it was given, so that what each launch received can be checked.
. "$(dirname "$0")/../lib/tap.sh"
G=$GB_BIN/guestbench
tmp=$(mktemp -d)
cid=
cleanup() {
	# a container left behind would outlive the test: always delete it
	[ -n "$cid" ] && { runc kill "$cid" KILL 2>/dev/null; runc delete -f "$cid" 2>/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$GB_ROOT" || exit 1

FAKE=$tmp/fake
cat >"$FAKE" <<'EOF'
#!/bin/sh
# fake guestbench: fake LOG SIZE THREADS CORE BENCH [ARGS]: SIZE THREADS
# CORE are what this "environment" would choose by itself
log=$1 size=$2 threads=$3 core=$4; shift 4
echo "$*" >>"$log"
bench=$1; shift
label=unlabelled plan=0 n=3000
while [ $# -gt 0 ]; do
	case $1 in
	--label) label=$2; shift ;;
	--plan) plan=1 ;;
	--size) size=$2; shift ;;
	-t|--threads) threads=$2; shift ;;
	--n) n=$2; shift ;;
	--blas-core) core=$2; shift ;;
	esac
	shift
done
results='[{"name":"getpid","unit":"ns","better":"lower","n":1,"median":100,"samples":[100]}]'
[ $plan = 1 ] && results='[]'
dist=false; [ "$label" = noisy ] && dist=true
printf '{"schema":"guestbench/1","bench":"%s","version":"0.1.0","label":"%s","config":{"size":%s,"threads":%s,"n":%s,"blas_core_used":"%s"},"results":%s,"valid":true,"disturbance":{"disturbed":%s}}\n' \
	"$bench" "$label" "$size" "$threads" "$n" "$core" "$results" "$dist"
EOF
chmod +x "$FAKE"
fake() { echo "$FAKE $tmp/$1.log ${2:-1000} ${3:-4} ${4:-Haswell}"; }	# NAME [SIZE THREADS CORE]

# --- usage errors: exit 2, and the message names the option
usage() {	# WHAT OPTION ARGS...: exit 2 and OPTION in the message
	local what=$1 opt=$2; shift 2
	"$G" rounds "$@" >"$tmp/u.out" 2>"$tmp/u.err"
	local rc=$?
	if [ $rc = 2 ] && grep -q -- "$opt" "$tmp/u.err"; then
		ok 0 "usage: $what (exit 2, names $opt)"
	else
		ok 1 "usage: $what (exit 2, names $opt)"
		echo "#   exit $rc: $(head -c 300 "$tmp/u.err")"
	fi
}
A=(--env "a=$(fake a)")
usage "no environment" --env -o "$tmp/x.json"
usage "--env without =" --env --env nonsense -o "$tmp/x.json"
usage "--env with a bad name" --env --env=-x=true -o "$tmp/x.json"
usage "two --env with one name" --env --env "a=true" --env "a=false" -o "$tmp/x.json"
usage "--env with an unterminated quote" --env --env "a=echo 'x" -o "$tmp/x.json"
usage "--rounds 0" --rounds "${A[@]}" --rounds 0 -o "$tmp/x.json"
usage "--order bogus" --order "${A[@]}" --order bogus -o "$tmp/x.json"
usage "--seed without --order random" --seed "${A[@]}" --seed 3 -o "$tmp/x.json"
usage "no -o" -o "${A[@]}"
usage "-o FILE not .json (it would get the table)" "-o $tmp/x.txt" "${A[@]}" -o "$tmp/x.txt"
usage "--args for no benchmark" --args "${A[@]}" --args 'nosuch: -x' -o "$tmp/x.json"
usage "--args without BENCH:" --args "${A[@]}" --args '--only getpid' -o "$tmp/x.json"
usage "--args setting --label" --label "${A[@]}" --args 'syscall: --label x' -o "$tmp/x.json"
usage "--args for a benchmark --only leaves out" --args "${A[@]}" --only stream --args 'syscall: -x' -o "$tmp/x.json"
usage "--label" --label "${A[@]}" --label x -o "$tmp/x.json"
usage "--only diskio without --dir" diskio "${A[@]}" --only diskio -o "$tmp/x.json"
usage "--timeout junk" --timeout "${A[@]}" --timeout soon -o "$tmp/x.json"
[ ! -e "$tmp/x.json" ]; ok $? "no usage error wrote a document"

# --- the order of launches
envs_in_order() { local f=$1 n i; n=$(jget "$f" 'launches#'); for ((i = 0; i < n; i++)); do printf '%s ' "$(jget "$f" "launches[$i].env")"; done; }
"$G" rounds --rounds 4 --only syscall --env a="$(fake a)" --env b="$(fake b)" -q -o "$tmp/abba.json"
is "$?" 0 "a campaign of two fake environments exits 0"
is "$(envs_in_order "$tmp/abba.json")" "a b b a b a a b " "abba: rounds forward, reversed, reversed, forward"
is "$(jget "$tmp/abba.json" 'launches[1].position').$(jget "$tmp/abba.json" 'launches[2].position').$(jget "$tmp/abba.json" 'launches[2].round')" \
	"2.1.2" "position and round recorded (b second in round 1, first in round 2)"
is "$(jget "$tmp/abba.json" settings.order).$(jget "$tmp/abba.json" settings.seed)" "abba.null" "order recorded, no seed"
"$G" rounds --rounds 4 --only syscall --env a="$(fake a)" --env b="$(fake b)" --env c="$(fake c)" -q -o "$tmp/abba3.json"
pos_sum() {	# FILE ENV: sum of its positions
	local f=$1 e=$2 n i s=0; n=$(jget "$f" 'launches#')
	for ((i = 0; i < n; i++)); do [ "$(jget "$f" "launches[$i].env")" = "$e" ] && s=$((s + $(jget "$f" "launches[$i].position"))); done
	echo $s
}
is "$(pos_sum "$tmp/abba3.json" a) $(pos_sum "$tmp/abba3.json" b) $(pos_sum "$tmp/abba3.json" c)" "8 8 8" \
	"abba, 3 environments, 4 rounds: every one's positions sum alike (balanced)"
"$G" rounds --rounds 3 --order fixed --only syscall --env a="$(fake a)" --env b="$(fake b)" -q -o "$tmp/fixed.json"
is "$(envs_in_order "$tmp/fixed.json")" "a b a b a b " "fixed: forward every round"
r1() { "$G" rounds --rounds 6 --order random "$@" --only syscall --env a="$(fake a)" --env b="$(fake b)" --env c="$(fake c)" -q -o "$tmp/r.json" && envs_in_order "$tmp/r.json"; }
o1=$(r1 --seed 42); o2=$(r1 --seed 42); o3=$(r1 --seed 43)
is "$o1" "$o2" "random: the same seed gives the same order"
[ "$o1" != "$o3" ]; ok $? "random: another seed another order"
[ "$o1" != "a b c a b c a b c a b c a b c a b c " ]; ok $? "random: not simply forward"
r1 >/dev/null; s=$(jget "$tmp/r.json" settings.seed)
[[ $s =~ ^[0-9]+$ ]]; ok $? "random without --seed: the seed used is recorded ($s)"
o4=$(r1 --seed "$s"); is "$o4" "$(envs_in_order "$tmp/r.json")" "the recorded seed reproduces the order"

# --- environments that fail, hang, lie; the campaign goes on
"$G" rounds --rounds 2 --only syscall --timeout 2s --env good="$(fake good)" --env bad=false \
	--env slow="sh -c 'sleep 37$$; true'" --env junk='echo junk' --env other="$(fake other)" \
	--env liar="$FAKE $tmp/liar.log 1 1 x {args} --label somebody-else" -o "$tmp/bad.json" >"$tmp/bad.out" 2>"$tmp/bad.err"
is "$?" 1 "some launches not ok: exit 1"
is "$(jget "$tmp/bad.json" 'launches#')" 12 "every launch of 2 rounds x 6 environments is recorded"
st() { jget "$tmp/bad.json" "launches[env=$1].$2"; }
is "$(st good status)" ok "good: ok"
is "$(st bad status).$(st bad exit)" "failed.1" "false: failed, exit 1"
st bad reason | grep -q "exit status 1"; ok $? "false: the reason says exit status 1"
is "$(st slow status).$(st slow exit)" "timeout.null" "a shell sleeping with --timeout 2s: timeout"
st slow reason | grep -q "timed out after 2 s"; ok $? "timeout: the reason says after 2 s"
! pgrep -f "sleep 37$$" >/dev/null; ok $? "the timed-out launch left nothing behind (its sleep, a grandchild, is gone)"
is "$(st junk status).$(st junk document)" "invalid.null" "echo junk: invalid, no document"
st junk reason | grep -q "not one JSON document"; ok $? "junk: the reason says not JSON"
is "$(st liar status)" invalid "a document with another label: invalid"
st liar reason | grep -q "labelled somebody-else, not liar"; ok $? "the reason names both labels"
is "$(st liar document.label)" "somebody-else" "a refused guestbench/1 document is kept, to show what came back"
is "$(jget "$tmp/bad.json" 'launches[11].env')" good "the campaign went on to the last launch (abba: good last in round 2)"
grep -Eq '^syscall +bad +0/2 .*failed: exit status 1' "$tmp/bad.out"; ok $? "summary table: bad 0/2 with its first failure"
grep -Eq '^syscall +good +2/2 +getpid 100 ns' "$tmp/bad.out"; ok $? "summary table: good 2/2 with the median headline"
grep -q "round 1, syscall in slow: timeout" "$tmp/bad.err"; ok $? "each failure is warned on stderr"
"$G" rounds --rounds 1 --only syscall --env bad=false --env junk='echo junk' -q -o "$tmp/none.json" 2>/dev/null
is "$?" 3 "no environment could run at all: exit 3"
is "$(jget "$tmp/none.json" complete)" true "and the document is still written"
"$G" rounds --rounds 1 --only syscall --env x=/nonexistent/guestbench -q -o "$tmp/nx.json" 2>/dev/null
jget "$tmp/nx.json" 'launches[0].reason' | grep -q "exit status 127"; ok $? "a program that does not exist: failed, exit 127"

"$G" rounds --rounds 2 --only syscall --env noisy="$(fake noisy)" --env calm="$(fake calm)" -o "$tmp/d.json" >"$tmp/d.out"
is "$(jget "$tmp/d.json" 'launches[env=noisy].disturbed').$(jget "$tmp/d.json" 'launches[env=calm].disturbed')" "true.false" \
	"disturbed: the document's disturbance.disturbed"
grep -Eq '^syscall +noisy +2/2 .*\(2 disturbed\)' "$tmp/d.out"; ok $? "the summary counts the disturbed launches"
is "$(jget "$tmp/bad.json" 'launches[env=junk].disturbed')" null "no document: disturbed is null"

# progress: on a terminal only
if command -v script >/dev/null; then
	script -qc "$G rounds --rounds 2 --only syscall --env a='$(fake a)' --env b=false -o $tmp/tty.json" /dev/null \
		>"$tmp/tty.out" 2>&1 </dev/null
	grep -q "round 2/2 (0 left): syscall in b  \[launch 3/4, ETA" "$tmp/tty.out"
	ok $? "on a terminal, progress shows the round, the rounds left and an ETA"
else
	skip "script (util-linux) is missing: no terminal to test with" "progress on a terminal"
fi
! grep -q "ETA" "$tmp/bad.err"; ok $? "stderr not a terminal: no progress lines"

# --- {args}, shell commands
: >"$tmp/w.log"
"$G" rounds --rounds 1 --only syscall --args 'syscall: --only getpid' \
	--env w="$FAKE $tmp/w.log 1 1 x {args} --after" -q -o "$tmp/w.json"
is "$(cat "$tmp/w.log")" "syscall --only getpid --label w --format json -o - --after" \
	"{args} as a word: the benchmark's words go there, the rest after"
"$G" rounds --rounds 1 --only syscall --env s="true; $FAKE $tmp/s.log 1 1 x" -q -o "$tmp/s.json"
is "$(jget "$tmp/s.json" 'launches[0].status').$(jget "$tmp/s.json" 'envs[0].exec')" "ok.sh -c" \
	"a command with shell syntax (;) runs through /bin/sh -c (recorded), arguments appended"
"$G" rounds --rounds 1 --only syscall --args "syscall: --only 'it s'" --env p="$FAKE $tmp/p.log 1 1 x {args} | cat" \
	-q -o "$tmp/pipe.json"
is "$(jget "$tmp/pipe.json" 'launches[0].status').$(cat "$tmp/p.log")" "ok.syscall --only it s --label p --format json -o -" \
	"a pipe with {args}: the words go there, quoted for the shell"
"$G" rounds --rounds 1 --only syscall --args "syscall: --only it\\'s" --env q="$FAKE $tmp/q.log 1 1 x {args} | cat" \
	-q -o "$tmp/q.json"
is "$(jget "$tmp/q.json" 'launches[0].status').$(cat "$tmp/q.log")" "ok.syscall --only it's --label q --format json -o -" \
	"a quote in an argument survives the shell"
"$G" rounds --rounds 1 --only syscall --args "syscall: --only 'it s'" \
	--env e="sh -c 'exec $FAKE $tmp/e.log 1 1 x {args}'" -q -o "$tmp/e.json"
is "$(jget "$tmp/e.json" 'launches[0].status').$(cat "$tmp/e.log")" "ok.syscall --only it s --label e --format json -o -" \
	"{args} inside a word: quoted for the shell it goes to (a space survives)"
is "$(jget "$tmp/e.json" 'envs[0].exec')" direct "sh -c '...' written out is executed directly"

# --- same work everywhere: the plans
: >"$tmp/p1.log"; : >"$tmp/p2.log"
"$G" rounds --rounds 1 --only stream,linpack --env big="$FAKE $tmp/p1.log 8000 4 SkylakeX" \
	--env small="$FAKE $tmp/p2.log 2000 2 SkylakeX" -q -o "$tmp/p.json"
is "$?" 0 "a campaign with plans exits 0"
is "$(jget "$tmp/p.json" settings.resolved_config.stream)" '{"size":2000,"threads":2}' \
	"stream: the smallest size and threads of the plans"
is "$(jget "$tmp/p.json" settings.resolved_config.linpack)" '{"n":3000,"threads":2,"blas_core_used":"SkylakeX"}' \
	"linpack: n, threads and the agreed BLAS core"
is "$(jget "$tmp/p.json" 'settings.plans#')" 4 "a plan per benchmark and environment, recorded"
grep -c -- "--plan" "$tmp/p1.log" | grep -qx 2; ok $? "every environment was asked for its plan"
grep -q -- "^stream --size 2000 --threads 2 --label big" "$tmp/p1.log"; ok $? "the big environment runs the small size"
grep -q -- "^linpack --n 3000 --threads 2 --blas-core SkylakeX --label small" "$tmp/p2.log"; ok $? "linpack gets --n, --threads, --blas-core"
is "$(jget "$tmp/p.json" 'launches[0].document.config.size')" 2000 "the launch's document shows the unified size"
"$G" rounds --rounds 1 --only linpack --env a="$(fake a 1 1 SkylakeX)" --env b="$(fake b 1 1 Cooperlake)" \
	-q -o "$tmp/core.json" 2>"$tmp/core.err"
is "$?" 3 "two BLAS cores: refused (exit 3)"
grep -q "blas_core_used (a: SkylakeX, b: Cooperlake).*--args 'linpack: --blas-core VALUE'" "$tmp/core.err"
ok $? "the refusal names the choices and the option to set"
is "$(jget "$tmp/core.json" 'launches#')" 0 "nothing was launched"
: >"$tmp/c2.log"
"$G" rounds --rounds 1 --only linpack --args 'linpack: --blas-core Haswell -t 1' \
	--env a="$(fake a 1 1 SkylakeX)" --env b="$FAKE $tmp/c2.log 1 1 Cooperlake" -q -o "$tmp/core2.json"
is "$?" 0 "--args 'linpack: --blas-core X' settles it: exit 0"
is "$(jget "$tmp/core2.json" settings.resolved_config.linpack)" '{"n":3000}' "what the user set is not unified"
is "$(grep -v -- --plan "$tmp/c2.log")" "linpack --blas-core Haswell -t 1 --n 3000 --label b --format json -o -" \
	"the user's words, then the resolved ones"
"$G" rounds --rounds 1 --only stream --env a="$(fake a)" --env bad=false -q -o "$tmp/pf.json" 2>"$tmp/pf.err"
grep -q "stream: the plan failed in bad" "$tmp/pf.err"; ok $? "a plan that fails is warned"
is "$(jget "$tmp/pf.json" settings.resolved_config.stream.size).$(jget "$tmp/pf.json" 'warnings#')" "1000.1" \
	"and the others' plans still unify (warning recorded)"

# --- the document
f=$tmp/abba.json
check "the campaign document parses" jget "$f"
is "$(jget "$f" schema).$(jget "$f" complete)" "guestbench-campaign/1.true" "schema, complete"
for k in version started finished settings.rounds settings.order settings.only settings.quick settings.timeout \
	settings.resolved_config envs launches; do
	jget "$f" "$k" >/dev/null; ok $? "member $k"
done
for k in env bench round position started seconds status exit reason disturbed document seq; do
	jget "$f" "launches[0].$k" >/dev/null; ok $? "launch member $k"
done
is "$(jget "$f" 'envs[1].name')" b "envs: name"
is "$(jget "$f" 'envs[0].command')" "$(fake a)" "envs: the command as given"

# --- a real campaign: the real binary natively, twice under two names
"$G" rounds --rounds 1 --quick --only syscall --args 'syscall: --only getpid -r 3' \
	--env native="$G" --env again="$G" -o "$tmp/real.json" >"$tmp/real.out" 2>"$tmp/real.err"
is "$?" 0 "a real campaign (native twice, syscall --quick) exits 0"
is "$(jget "$tmp/real.json" 'launches[env=again].document.label').$(jget "$tmp/real.json" 'launches[env=again].document.results[0].name')" \
	"again.getpid" "the real document is embedded whole"
"$GB_BIN/gb-compare" "$tmp/real.json" >"$tmp/cmp.out" 2>"$tmp/cmp.err"; rc=$?
[ $rc -lt 128 ]; ok $? "gb-compare reads the campaign without crashing (exit $rc)"

# --- same work with the real binary: its plans
if ! "$G" stream --quick --plan --format json >"$tmp/plan.json" 2>/dev/null; then
	skip "guestbench stream has no --plan (yet)" "a real campaign's plans"
else
	"$G" rounds --rounds 1 --quick --only stream --env a="$G" --env b="$G" -q -o "$tmp/rp.json"
	is "$?" 0 "a real campaign of stream --quick with plans: exit 0"
	sz=$(jget "$tmp/rp.json" settings.resolved_config.stream.size)
	[[ $sz =~ ^[0-9]+$ ]]; ok $? "stream's size resolved from the real plans ($sz)"
	is "$(jget "$tmp/rp.json" 'launches[env=a].document.config.size').$(jget "$tmp/rp.json" 'launches[env=b].document.config.size')" \
		"$sz.$sz" "both launches ran that size"
fi

# --- the known-cost environment: seccomp rules that read an argument
S=$GB_TOOLS/seccomp-run
if [ ! -x "$S" ]; then
	skip "tests/tools/seccomp-run is not built" "seccomp-run --arg-rules"
else
	# getpid with a chosen first argument (getpid ignores it; the filter does not)
	probe='$r = syscall(39, hex($ARGV[0]) << 32); print $r < 0 ? "-1 " . ($! + 0) : "pid 0", "\n"'
	is "$("$S" --arg-rules 300 -- perl -e "$probe" 0x5ecc0000)" "-1 1" \
		"--arg-rules 300: getpid with the first rule's argument fails EPERM (the rule reads the argument)"
	is "$("$S" --arg-rules 300 -- perl -e "$probe" 0x5ecc012b)" "-1 1" "and with the 300th rule's"
	is "$("$S" --arg-rules 300 -- perl -e "$probe" 0x5ecc012c)" "pid 0" "one past the last rule: allowed"
	is "$("$S" --nr-rules 300 -- perl -e "$probe" 0x5ecc0000)" "pid 0" "--nr-rules: arguments are not looked at"
	"$S" --arg-rules 0 -- true 2>/dev/null; is "$?" 125 "--arg-rules 0 is refused"
	"$S" --arg-rules 5000 -- true 2>/dev/null; is "$?" 125 "more rules than a filter holds are refused"
	"$G" rounds --rounds 1 --quick --only syscall --args 'syscall: --only getpid,clock_gettime_vdso -r 3' \
		--env native="$G" --env seccomp="$S --arg-rules 300 -- $G" -q -o "$tmp/sc.json"
	is "$?" 0 "a campaign native vs seccomp-run --arg-rules 300: exit 0"
	is "$(jget "$tmp/sc.json" 'launches[env=seccomp].document.env.kernel.seccomp')" 2 \
		"the seccomp launch runs under a filter (seccomp mode 2)"
fi

# --- a real container: runc, a bundle holding only the static binary
why=
if ! command -v runc >/dev/null; then why="runc is not installed (scripts/test-deps.sh installs it)"
elif [ "$(id -u)" != 0 ]; then why="runc needs root here"
fi
if [ -z "$why" ]; then
	b=$tmp/bundle
	mkdir -p "$b/rootfs/tmp" && chmod 1777 "$b/rootfs/tmp" && cp "$G" "$b/rootfs/guestbench"
	(cd "$b" && runc spec) || why="runc spec failed"
fi
if [ -z "$why" ]; then
	# no terminal; PID 1 a process that waits (netlat's server, in the
	# container's own network namespace); a writable root; open files
	# within the host's hard limit, which a container may not raise
	# (issue 19: "error setting rlimit")
	nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] || [ "$nofile" -gt 1024 ] && nofile=1024
	sed -i -e 's/"terminal": true/"terminal": false/' \
		-e 's|^\([[:space:]]*\)"sh"$|\1"/guestbench", "netlat", "server", "--port", "0"|' \
		-e "s/\"hard\": 1024/\"hard\": $nofile/; s/\"soft\": 1024/\"soft\": $nofile/" \
		-e 's/"readonly": true/"readonly": false/' "$b/config.json"
	[ "$(jget "$b/config.json" process.args)" = '["/guestbench","netlat","server","--port","0"]' ] &&
		[ "$(jget "$b/config.json" process.terminal)" = false ] || why="runc spec's config.json has another layout"
fi
if [ -z "$why" ]; then
	cid=gbrounds$$
	if ! runc run -d --bundle "$b" "$cid" >"$tmp/runc.out" 2>"$tmp/runc.err" </dev/null; then
		why="runc refuses to run a container here: $(tail -1 "$tmp/runc.err")"
		runc delete -f "$cid" 2>/dev/null; cid=
	fi
fi
if [ -n "$why" ]; then
	skip "$why" "a campaign native vs a runc container"
else
	"$G" rounds --rounds 2 --quick --only syscall --env native="$G" --env runc="runc exec $cid /guestbench" \
		-o "$tmp/runc.json" >"$tmp/rr.out" 2>"$tmp/rr.err"
	is "$?" 0 "native vs runc container, 2 rounds of syscall --quick: exit 0"
	sed 's/^/#   /' "$tmp/rr.err" | head -5
	n=$(jget "$tmp/runc.json" 'launches#'); okn=$(grep -c '"status": "ok"' "$tmp/runc.json")
	is "$n.$okn" "4.4" "every launch ok"
	is "$(jget "$tmp/runc.json" 'launches[env=runc].document.env.container.runtime')" "container" \
		"the runc launch's fingerprint says container"
	is "$(jget "$tmp/runc.json" 'launches[env=native].document.env.container.runtime')" "none" \
		"the native launch's fingerprint says none"
	"$GB_BIN/gb-compare" "$tmp/runc.json" >"$tmp/rc.out" 2>&1; rc=$?
	[ $rc -lt 128 ]; ok $? "gb-compare reads it without crashing (exit $rc)"
	if [ $rc = 0 ]; then
		! grep -qiE "configuration differs|config differs" "$tmp/rc.out"
		ok $? "it compares cleanly: the same configuration in both environments"
	else
		skip "gb-compare does not read campaign documents yet (exit $rc)" "the runc campaign compares cleanly"
	fi
fi

# --- a real VM: one round of gb-syscall --quick as PID 1 of a microVM
Q=$(command -v qemu-system-x86_64)
K=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
why=
if [ -z "$Q" ]; then why="qemu-system-x86_64 is not installed (make deps installs qemu-system-x86)"
elif [ -z "$K" ] || [ ! -r "$K" ]; then why="no readable kernel in /boot (make deps installs linux-image-amd64; run as root)"
elif ! command -v cpio >/dev/null; then why="cpio is not installed"
fi
if [ -n "$why" ]; then
	skip "$why" "a campaign in a QEMU microVM"
else
	"$G" rounds --rounds 1 --quick --only syscall --args 'syscall: --only getpid,cpuid' --timeout 5m \
		--env microvm="$GB_ROOT/scripts/gb-qemu-run --accel tcg --" -o "$tmp/vm.json" >"$tmp/vm.out" 2>"$tmp/vm.err"
	is "$?" 0 "one round of syscall --quick as PID 1 of a QEMU microVM (TCG): exit 0"
	sed 's/^/#   /' "$tmp/vm.err" | head -5
	is "$(jget "$tmp/vm.json" 'launches[0].status').$(jget "$tmp/vm.json" 'launches[0].document.label')" "ok.microvm" \
		"the guest's document, read from the console, is the launch's"
	is "$(jget "$tmp/vm.json" 'launches[0].document.env.virtualization.hypervisor')" "QEMU TCG" \
		"its fingerprint says QEMU TCG"
	"$GB_ROOT/scripts/gb-qemu-run" --accel tcg --timeout 240 -- syscall --bogus >"$tmp/vb.out" 2>"$tmp/vb.err"
	is "$?" 2 "gb-qemu-run: the guest command's exit status (2, a usage error) is its own"
	grep -q "unknown option '--bogus'" "$tmp/vb.err"; ok $? "and the guest's stderr comes out on stderr"
	"$GB_ROOT/scripts/gb-qemu-run" --accel tcg -- syscall "it's" >/dev/null 2>"$tmp/vq.err"
	is "$?.$(grep -c 'quote character' "$tmp/vq.err")" "2.1" "gb-qemu-run refuses a quote it cannot pass to the VM"
fi
done_testing
